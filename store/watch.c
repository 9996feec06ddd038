/* The watch hub: etcd 3.4's /v3/watch stream semantics (etcdserver/api/v3rpc/watch.go over
 * mvcc/watchable_store.go) on the kv state machine. Synced watchers get live events as kv_apply
 * produces them; watchers that start in the past or whose stream is over its buffer bound are
 * "unsynced" and catch up from kv_history, as etcd's syncWatchers does. */
#include "watch.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "cleanup.h"
#include "jpath.h"
#include "log.h"
#include "xalloc.h"

/* etcd's watchBatchMaxRevs: at most this many revisions in one catch-up message. */
#define WATCH_BATCH_MAX_REVS 1000
/* An emptied output buffer larger than this is released, so a burst does not pin memory. */
#define WATCH_BUF_KEEP 65536
/* etcd's clientv3.InvalidWatchID: the id of replies that belong to no watcher. */
#define WATCH_INVALID_ID (-1)

/* Delivery invariant. Each watcher keeps next_rev: every matching event below it has been queued
 * on its stream, none at or above it. Live events (kv's events callback, one call per revision)
 * go to synced watchers only, and only when revision >= next_rev, which then moves past it. When
 * the stream already holds max_buffered unread bytes, the watcher turns unsynced instead, with
 * next_rev at the revision it did not get; later, once the reader has drained the stream to half
 * the bound (watch_stream_read, watch_hub_tick), kv_history replays from next_rev in batches cut
 * at revision boundaries, stopping again at the bound, and the watcher is synced once a replay
 * reaches the current revision. Everything runs on the loop thread, so no event can slip between
 * the replay and the switch back to live delivery. Hence each event is queued exactly once, in
 * revision order, and unread output stays within about 1.5 x the bound plus one revision. */

struct watcher {
    struct watcher *next; /* the stream's list, in creation order */
    int64_t id;
    uint8_t *key; /* never empty: etcd turns an empty key into "\0" */
    size_t key_len;
    uint8_t *end; /* NULL: the single key; with end_len 0: every key >= key */
    size_t end_len;
    bool noput;
    bool nodelete;
    bool prev_kv;
    bool progress_notify;
    /* Every matching event below next_rev is queued. A synced watcher gets live events (from
     * next_rev on: it may start in the future); an unsynced one catches up from history. */
    bool synced;
    bool compacted;     /* canceled by compaction; keeps its id until canceled, as etcd */
    bool progress_idle; /* etcd's sws.progress[id]: no events since the last progress tick */
    int64_t next_rev;
};

struct outbuf {
    char *data;
    size_t start;
    size_t end;
    size_t cap;
};

struct watch_stream {
    struct watch_stream *prev;
    struct watch_stream *next;
    struct watch_hub *hub;
    watch_ready_cb ready_cb;
    void *ready_data;
    struct outbuf out;
    struct watcher *watchers;
    struct watcher *tail;
    size_t unsynced;           /* live watchers with synced == false */
    int64_t next_auto_id;      /* etcd's watchStream.nextID */
    bool progress_pending;     /* a progress_request waiting for unsynced watchers */
    uint64_t next_progress_ms; /* 0: set on the next tick */
};

struct watch_hub {
    struct kv_store *kv;
    watch_header_cb header_cb;
    void *header_data;
    size_t max_buffered;
    uint64_t progress_interval_ms;
    uint64_t now_ms; /* the last tick's clock */
    bool ticked;
    struct watch_stream *streams;
    size_t stream_count;
    size_t watcher_count; /* live watchers: not compacted */
};

/* ---- Output buffer ---- */

static size_t outbuf_len(const struct outbuf *b)
{
    return b->end - b->start;
}

static void outbuf_append(struct outbuf *b, const char *data, size_t len)
{
    if (b->end + len > b->cap && b->start > 0) {
        memmove(b->data, b->data + b->start, b->end - b->start);
        b->end -= b->start;
        b->start = 0;
    }
    if (b->end + len > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->end + len) {
            cap *= 2;
        }
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->end, data, len);
    b->end += len;
}

static size_t outbuf_take(struct outbuf *b, char *buf, size_t max)
{
    size_t n = outbuf_len(b);
    if (n > max) {
        n = max;
    }
    if (n == 0) {
        return 0; /* data may be NULL once a large buffer was given back */
    }
    memcpy(buf, b->data + b->start, n);
    b->start += n;
    if (b->start == b->end) {
        b->start = b->end = 0;
        if (b->cap > WATCH_BUF_KEEP) {
            free(b->data);
            b->data = NULL;
            b->cap = 0;
        }
    }
    return n;
}

/* ---- Request parsing (etcd's jsonpb: int64 as number or string, enums as names or numbers) ----
 */

static int request_error(struct kv_error *err, const char *fmt, ...) C8S_FMT(2, 3);

/* A malformed stream request: the gateway answers {"error":..,"code":2} with HTTP 500. */
static int request_error(struct kv_error *err, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        err->grpc_code = 2;
        err->http_status = 500;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int parse_bytes(const json_t *obj, const char *field, uint8_t **out, size_t *len,
                       struct kv_error *err)
{
    const json_t *v = json_object_get(obj, field);
    *out = NULL;
    *len = 0;
    if (v == NULL || json_is_null(v)) {
        return 0;
    }
    if (!json_is_string(v)) {
        return request_error(err, "json: cannot unmarshal %s into Go value of type []uint8",
                             jpath_type_name(v));
    }
    struct err e = {0};
    if (b64_decode(json_string_value(v), json_string_length(v), out, len, &e) != 0) {
        return request_error(err, "%s", e.msg);
    }
    return 0;
}

static int parse_int64(const json_t *obj, const char *field, int64_t *out, struct kv_error *err)
{
    const json_t *v = json_object_get(obj, field);
    *out = 0;
    if (v == NULL || json_is_null(v)) {
        return 0;
    }
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *endp = NULL;
        errno = 0;
        long long n = strtoll(s, &endp, 10);
        if (*s != '\0' && *endp == '\0' && errno == 0) {
            *out = n;
            return 0;
        }
    }
    return request_error(err, "json: cannot unmarshal %s into Go value of type int64 (field %s)",
                         jpath_type_name(v), field);
}

static int parse_bool(const json_t *obj, const char *field, bool *out, struct kv_error *err)
{
    const json_t *v = json_object_get(obj, field);
    *out = false;
    if (v == NULL || json_is_null(v)) {
        return 0;
    }
    if (!json_is_boolean(v)) {
        return request_error(err, "json: cannot unmarshal %s into Go value of type bool",
                             jpath_type_name(v));
    }
    *out = json_is_true(v);
    return 0;
}

/* filters: NOPUT = 0, NODELETE = 1; unknown numbers are ignored as etcd's FiltersFromRequest. */
static int parse_filters(const json_t *obj, bool *noput, bool *nodelete, struct kv_error *err)
{
    const json_t *v = json_object_get(obj, "filters");
    *noput = *nodelete = false;
    if (v == NULL || json_is_null(v)) {
        return 0;
    }
    if (!json_is_array(v)) {
        return request_error(err,
                             "json: cannot unmarshal %s into Go value of type []json.RawMessage",
                             jpath_type_name(v));
    }
    size_t i;
    const json_t *f;
    json_array_foreach (v, i, f) {
        if (json_is_integer(f)) {
            *noput |= json_integer_value(f) == 0;
            *nodelete |= json_integer_value(f) == 1;
        } else if (json_is_string(f) && strcmp(json_string_value(f), "NOPUT") == 0) {
            *noput = true;
        } else if (json_is_string(f) && strcmp(json_string_value(f), "NODELETE") == 0) {
            *nodelete = true;
        } else if (json_is_string(f)) {
            return request_error(
                err, "unknown value \"%s\" for enum etcdserverpb.WatchCreateRequest_FilterType",
                json_string_value(f));
        } else {
            return request_error(err,
                                 "unknown value %s for enum "
                                 "etcdserverpb.WatchCreateRequest_FilterType",
                                 jpath_type_name(f));
        }
    }
    return 0;
}

/* ---- Messages ---- */

static void set_int64(json_t *obj, const char *name, int64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "%" PRId64, v);
    json_object_set_new(obj, name, json_string(s));
}

static void set_bytes(json_t *obj, const char *name, const uint8_t *p, size_t len)
{
    char *s = b64_encode(p, len);
    json_object_set_new(obj, name, json_string(s));
    free(s);
}

/* etcd's ResponseHeader in proto field order; revision 0 is omitted (compacted cancel). */
static json_t *header_new(const struct watch_hub *hub, int64_t revision)
{
    cleanup_json json_t *member = json_object();
    if (hub->header_cb != NULL) {
        hub->header_cb(hub->header_data, member);
    }
    json_t *h = json_object();
    static const char *const order[] = {"cluster_id", "member_id", NULL, "raft_term"};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (order[i] == NULL) {
            if (revision != 0) {
                set_int64(h, "revision", revision);
            }
            continue;
        }
        json_t *v = json_object_get(member, order[i]);
        if (v != NULL) {
            json_object_set(h, order[i], v);
        }
    }
    const char *name;
    json_t *v;
    json_object_foreach (member, name, v) {
        if (json_object_get(h, name) == NULL && strcmp(name, "revision") != 0) {
            json_object_set(h, name, v);
        }
    }
    return h;
}

/* mvccpb.KeyValue with zero fields omitted. A DELETE's kv is the tombstone: key and
 * mod_revision only. */
static json_t *kv_json(const struct kv_kv *kv, bool tombstone, int64_t revision)
{
    json_t *o = json_object();
    set_bytes(o, "key", kv->key, kv->key_len);
    if (tombstone) {
        set_int64(o, "mod_revision", revision);
        return o;
    }
    if (kv->create_revision != 0) {
        set_int64(o, "create_revision", kv->create_revision);
    }
    if (kv->mod_revision != 0) {
        set_int64(o, "mod_revision", kv->mod_revision);
    }
    if (kv->version != 0) {
        set_int64(o, "version", kv->version);
    }
    if (kv->value_len > 0) {
        set_bytes(o, "value", kv->value, kv->value_len);
    }
    if (kv->lease != 0) {
        set_int64(o, "lease", kv->lease);
    }
    return o;
}

static json_t *event_json(const struct watcher *w, const struct kv_event *ev, int64_t revision)
{
    json_t *o = json_object();
    if (ev->is_delete) {
        json_object_set_new(o, "type", json_string("DELETE"));
    }
    json_object_set_new(o, "kv", kv_json(&ev->kv, ev->is_delete, revision));
    if (w->prev_kv && ev->prev != NULL) {
        json_object_set_new(o, "prev_kv", kv_json(ev->prev, false, 0));
    }
    return o;
}

/* A rough size of an event's JSON, to cut catch-up batches near the buffer bound. */
static size_t event_size_estimate(const struct watcher *w, const struct kv_event *ev)
{
    size_t n = 96 + (ev->kv.key_len + 2) / 3 * 4 + (ev->kv.value_len + 2) / 3 * 4;
    if (w->prev_kv && ev->prev != NULL) {
        n += 96 + (ev->prev->key_len + 2) / 3 * 4 + (ev->prev->value_len + 2) / 3 * 4;
    }
    return n;
}

enum msg_flags {
    MSG_CREATED = 1,
    MSG_CANCELED = 2,
};

/* Queues {"result":WatchResponse}\n. header_rev 0 leaves the header's revision out; events
 * (stolen, may be NULL) is written only when not empty. */
static void queue_message(struct watch_stream *s, int64_t header_rev, int64_t watch_id,
                          unsigned flags, int64_t compact_rev, const char *cancel_reason,
                          json_t *events)
{
    json_t *r = json_object();
    json_object_set_new(r, "header", header_new(s->hub, header_rev));
    if (watch_id != 0) {
        set_int64(r, "watch_id", watch_id);
    }
    if (flags & MSG_CREATED) {
        json_object_set_new(r, "created", json_true());
    }
    if (flags & MSG_CANCELED) {
        json_object_set_new(r, "canceled", json_true());
    }
    if (compact_rev != 0) {
        set_int64(r, "compact_revision", compact_rev);
    }
    if (cancel_reason != NULL && cancel_reason[0] != '\0') {
        json_object_set_new(r, "cancel_reason", json_string(cancel_reason));
    }
    if (events != NULL && json_array_size(events) > 0) {
        json_object_set(r, "events", events);
    }
    json_decref(events);
    cleanup_json json_t *msg = json_pack("{s:o}", "result", r);
    cleanup_free char *text = json_dumps(msg, JSON_COMPACT);
    if (text == NULL) {
        abort(); /* jansson fails only on out of memory */
    }
    outbuf_append(&s->out, text, strlen(text));
    outbuf_append(&s->out, "\n", 1);
}

/* ---- Watchers ---- */

static int bytes_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n > 0 ? memcmp(a, b, n) : 0;
    if (c != 0) {
        return c;
    }
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static bool watcher_covers(const struct watcher *w, const uint8_t *key, size_t key_len)
{
    int c = bytes_cmp(key, key_len, w->key, w->key_len);
    if (w->end == NULL) {
        return c == 0;
    }
    if (c < 0) {
        return false;
    }
    return w->end_len == 0 || bytes_cmp(key, key_len, w->end, w->end_len) < 0;
}

static bool watcher_wants(const struct watcher *w, const struct kv_event *ev)
{
    if (ev->is_delete ? w->nodelete : w->noput) {
        return false;
    }
    return watcher_covers(w, ev->kv.key, ev->kv.key_len);
}

static struct watcher *stream_find(const struct watch_stream *s, int64_t id)
{
    for (struct watcher *w = s->watchers; w != NULL; w = w->next) {
        if (w->id == id) {
            return w;
        }
    }
    return NULL;
}

static void watcher_free(struct watcher *w)
{
    free(w->key);
    free(w->end);
    free(w);
}

/* Takes the watcher out of its stream's books (it stays in the list). */
static void watcher_retire(struct watch_stream *s, struct watcher *w)
{
    if (w->compacted) {
        return;
    }
    if (!w->synced) {
        s->unsynced--;
    }
    w->compacted = true;
    w->synced = false;
    s->hub->watcher_count--;
}

static void stream_remove(struct watch_stream *s, struct watcher *w)
{
    struct watcher **pp = &s->watchers;
    struct watcher *prev = NULL;
    while (*pp != w) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    *pp = w->next;
    if (s->tail == w) {
        s->tail = prev;
    }
    watcher_retire(s, w);
    watcher_free(w);
}

/* ---- Catch-up (etcd's syncWatchers) ---- */

struct catch_up {
    struct watch_stream *s;
    struct watcher *w;
    int64_t current;
    json_t *batch; /* events not yet queued */
    int batch_revs;
    size_t batch_bytes;
    size_t batch_limit;
    bool stopped; /* over the bound: later revisions wait for the next round */
};

static void catch_up_flush(struct catch_up *cu)
{
    if (cu->batch_revs == 0) {
        return;
    }
    queue_message(cu->s, cu->current, cu->w->id, 0, 0, NULL, cu->batch);
    cu->batch = json_array();
    cu->batch_revs = 0;
    cu->batch_bytes = 0;
    cu->w->progress_idle = false;
}

static void catch_up_revision(void *data, int64_t revision, const struct kv_event *events,
                              size_t count)
{
    struct catch_up *cu = data;
    struct watcher *w = cu->w;
    if (cu->stopped || revision < w->next_rev) {
        return;
    }
    size_t bytes = 0;
    bool any = false;
    for (size_t i = 0; i < count; i++) {
        if (watcher_wants(w, &events[i])) {
            any = true;
            bytes += event_size_estimate(w, &events[i]);
        }
    }
    if (!any) {
        return;
    }
    if (cu->batch_revs >= WATCH_BATCH_MAX_REVS || cu->batch_bytes >= cu->batch_limit) {
        catch_up_flush(cu);
        /* Everything below this revision is queued now. */
        w->next_rev = revision;
        if (outbuf_len(&cu->s->out) >= cu->s->hub->max_buffered) {
            cu->stopped = true;
            return;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (watcher_wants(w, &events[i])) {
            json_array_append_new(cu->batch, event_json(w, &events[i], revision));
        }
    }
    cu->batch_revs++;
    cu->batch_bytes += bytes;
}

static int64_t int64_of(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : json_integer_value(v);
}

/* etcd serves a watch that starts exactly at the compact revision: its backend still holds every
 * key's newest version at or below that revision, so the puts made at it survive (its deletes and
 * their prev_kv do not). kv_history starts after the compaction, so those puts come from a range
 * read at the compact revision limited to versions written there. */
static void catch_up_at_compaction(struct catch_up *cu, int64_t compact_rev)
{
    struct watcher *w = cu->w;
    cleanup_json json_t *req = json_object();
    set_bytes(req, "key", w->key, w->key_len);
    if (w->end != NULL) {
        static const uint8_t to_end = 0;
        set_bytes(req, "range_end", w->end_len > 0 ? w->end : &to_end,
                  w->end_len > 0 ? w->end_len : 1);
    }
    json_object_set_new(req, "revision", json_integer(compact_rev));
    json_object_set_new(req, "min_mod_revision", json_integer(compact_rev));
    json_object_set_new(req, "max_mod_revision", json_integer(compact_rev));
    struct kv_error kerr = {0};
    cleanup_json json_t *resp = kv_range(cu->s->hub->kv, req, &kerr);
    const json_t *kvs = json_object_get(resp, "kvs");
    size_t n = json_array_size(kvs);
    if (n == 0) {
        return;
    }
    struct kv_event *events = xcalloc(n, sizeof *events);
    uint8_t **bytes = xcalloc(2 * n, sizeof *bytes);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *kv = json_array_get(kvs, i);
        const json_t *key = json_object_get(kv, "key");
        const json_t *value = json_object_get(kv, "value");
        struct kv_kv *e = &events[count].kv;
        if (b64_decode(json_string_value(key), json_string_length(key), &bytes[2 * i], &e->key_len,
                       NULL) != 0 ||
            (value != NULL && b64_decode(json_string_value(value), json_string_length(value),
                                         &bytes[2 * i + 1], &e->value_len, NULL) != 0)) {
            continue; /* kv_range writes valid base64 */
        }
        e->key = bytes[2 * i];
        e->value = bytes[2 * i + 1];
        e->create_revision = int64_of(kv, "create_revision");
        e->mod_revision = int64_of(kv, "mod_revision");
        e->version = int64_of(kv, "version");
        e->lease = int64_of(kv, "lease");
        count++;
    }
    catch_up_revision(cu, compact_rev, events, count);
    for (size_t i = 0; i < 2 * n; i++) {
        free(bytes[i]);
    }
    free(bytes);
    free(events);
}

static void watcher_catch_up(struct watch_stream *s, struct watcher *w)
{
    struct watch_hub *hub = s->hub;
    int64_t current = kv_revision(hub->kv);
    if (w->next_rev <= current) {
        struct catch_up cu = {
            .s = s,
            .w = w,
            .current = current,
            .batch = json_array(),
            .batch_limit = hub->max_buffered / 2 > 0 ? hub->max_buffered / 2 : 1,
        };
        static const uint8_t from_key[1] = {0};
        const uint8_t *end = w->end == NULL ? NULL : w->end_len == 0 ? from_key : w->end;
        size_t end_len = w->end == NULL ? 0 : w->end_len == 0 ? 1 : w->end_len;
        int64_t from = w->next_rev;
        if (from == kv_compact_revision(hub->kv)) {
            catch_up_at_compaction(&cu, from);
            from++;
        }
        int64_t compact_rev = 0;
        struct kv_error kerr = {0};
        if (kv_history(hub->kv, from, w->key, w->key_len, end, end_len, catch_up_revision, &cu,
                       &compact_rev, &kerr) != 0) {
            json_decref(cu.batch);
            /* As etcd: the header has no revision and the id stays taken until canceled. */
            if (compact_rev > 0) {
                queue_message(s, 0, w->id, MSG_CANCELED, compact_rev, NULL, NULL);
            } else {
                LOG_W("watch catch-up failed", "watch_id=%" PRId64 " error=\"%s\"", w->id,
                      kerr.message);
                queue_message(s, current, w->id, MSG_CANCELED, 0, kerr.message, NULL);
            }
            watcher_retire(s, w);
            return;
        }
        catch_up_flush(&cu);
        json_decref(cu.batch);
        if (cu.stopped) {
            return;
        }
        w->next_rev = current + 1;
    }
    w->synced = true;
    s->unsynced--;
}

static void queue_progress_response(struct watch_stream *s)
{
    queue_message(s, kv_revision(s->hub->kv), WATCH_INVALID_ID, 0, 0, NULL, NULL);
}

/* Catches up unsynced watchers while the stream is under its bound, then answers a deferred
 * progress_request once every watcher is synced (its revision then promises that every event
 * up to it was sent, which etcd 3.4 does not guarantee: it answers at once). */
static void stream_catch_up(struct watch_stream *s)
{
    for (struct watcher *w = s->watchers; w != NULL && s->unsynced > 0; w = w->next) {
        if (outbuf_len(&s->out) >= s->hub->max_buffered) {
            break;
        }
        if (!w->synced && !w->compacted) {
            watcher_catch_up(s, w);
        }
    }
    if (s->progress_pending && s->unsynced == 0) {
        s->progress_pending = false;
        queue_progress_response(s);
    }
}

static bool stream_wants_catch_up(const struct watch_stream *s)
{
    return (s->unsynced > 0 || s->progress_pending) &&
           outbuf_len(&s->out) <= s->hub->max_buffered / 2;
}

static void stream_notify(struct watch_stream *s, size_t had)
{
    if (had == 0 && outbuf_len(&s->out) > 0 && s->ready_cb != NULL) {
        s->ready_cb(s->ready_data);
    }
}

/* ---- Live events (etcd's notify) ---- */

static void stream_on_events(struct watch_stream *s, int64_t revision,
                             const struct kv_event *events, size_t count)
{
    for (struct watcher *w = s->watchers; w != NULL; w = w->next) {
        if (!w->synced || revision < w->next_rev) {
            continue;
        }
        json_t *batch = NULL;
        for (size_t i = 0; i < count; i++) {
            if (!watcher_wants(w, &events[i])) {
                continue;
            }
            if (batch == NULL) {
                if (outbuf_len(&s->out) >= s->hub->max_buffered) {
                    /* A slow reader: this watcher continues from history once drained. */
                    w->synced = false;
                    w->next_rev = revision;
                    s->unsynced++;
                    break;
                }
                batch = json_array();
            }
            json_array_append_new(batch, event_json(w, &events[i], revision));
        }
        if (!w->synced) {
            continue;
        }
        w->next_rev = revision + 1;
        if (batch != NULL) {
            w->progress_idle = false;
            queue_message(s, revision, w->id, 0, 0, NULL, batch);
        }
    }
}

static void hub_on_events(void *data, int64_t revision, const struct kv_event *events, size_t count)
{
    struct watch_hub *hub = data;
    for (struct watch_stream *s = hub->streams; s != NULL; s = s->next) {
        size_t had = outbuf_len(&s->out);
        stream_on_events(s, revision, events, count);
        stream_notify(s, had);
    }
}

/* ---- Requests ---- */

static int handle_create(struct watch_stream *s, const json_t *req, struct kv_error *err)
{
    struct watch_hub *hub = s->hub;
    cleanup_free uint8_t *key = NULL;
    cleanup_free uint8_t *end = NULL;
    size_t key_len, end_len;
    int64_t start_rev, id;
    bool noput, nodelete, prev_kv, progress_notify, fragment;
    if (parse_bytes(req, "key", &key, &key_len, err) != 0 ||
        parse_bytes(req, "range_end", &end, &end_len, err) != 0 ||
        parse_int64(req, "start_revision", &start_rev, err) != 0 ||
        parse_int64(req, "watch_id", &id, err) != 0 ||
        parse_filters(req, &noput, &nodelete, err) != 0 ||
        parse_bool(req, "prev_kv", &prev_kv, err) != 0 ||
        parse_bool(req, "progress_notify", &progress_notify, err) != 0 ||
        parse_bool(req, "fragment", &fragment, err) != 0) {
        return -1;
    }
    /* etcd's recvLoop: an empty key is "\0", the smallest key; range_end "\0" means every key
     * from key on (kept here as end != NULL with end_len 0). */
    if (key_len == 0) {
        free(key);
        key = xcalloc(1, 1);
        key_len = 1;
    }
    bool from_key = end_len == 1 && end[0] == 0;
    if (from_key) {
        end_len = 0;
    }
    int64_t current = kv_revision(hub->kv);
    const char *reason = NULL;
    if (end_len > 0 && bytes_cmp(key, key_len, end, end_len) >= 0) {
        reason = "mvcc: watcher range is empty";
    } else if (id != 0 && stream_find(s, id) != NULL) {
        reason = "mvcc: duplicate watch ID provided on the WatchStream";
    }
    if (reason != NULL) {
        queue_message(s, current, WATCH_INVALID_ID, MSG_CREATED | MSG_CANCELED, 0, reason, NULL);
        return 0;
    }
    if (id == 0) {
        while (stream_find(s, s->next_auto_id) != NULL) {
            s->next_auto_id++;
        }
        id = s->next_auto_id++;
    }

    struct watcher *w = xcalloc(1, sizeof *w);
    w->id = id;
    w->key = steal_ptr(&key);
    w->key_len = key_len;
    if (end_len > 0 || from_key) {
        w->end = end_len > 0 ? steal_ptr(&end) : xcalloc(1, 1);
        w->end_len = end_len;
    }
    w->noput = noput;
    w->nodelete = nodelete;
    w->prev_kv = prev_kv;
    w->progress_notify = progress_notify;
    w->progress_idle = true;
    /* etcd's watchableStore.watch: 0 or a future revision is synced (events from there on);
     * anything older catches up from history. */
    if (start_rev == 0 || start_rev > current) {
        w->synced = true;
        w->next_rev = start_rev > current + 1 ? start_rev : current + 1;
    } else {
        /* etcd reads a negative start as "from the first revision". */
        w->synced = false;
        w->next_rev = start_rev < 1 ? 1 : start_rev;
        s->unsynced++;
    }
    if (s->tail != NULL) {
        s->tail->next = w;
    } else {
        s->watchers = w;
    }
    s->tail = w;
    hub->watcher_count++;
    queue_message(s, current, id, MSG_CREATED, 0, NULL, NULL);
    if (s->unsynced > 0) {
        stream_catch_up(s);
    }
    return 0;
}

static int handle_cancel(struct watch_stream *s, const json_t *req, struct kv_error *err)
{
    int64_t id;
    if (parse_int64(req, "watch_id", &id, err) != 0) {
        return -1;
    }
    struct watcher *w = stream_find(s, id);
    if (w == NULL) {
        return 0; /* etcd answers nothing for an unknown id */
    }
    stream_remove(s, w);
    queue_message(s, kv_revision(s->hub->kv), id, MSG_CANCELED, 0, NULL, NULL);
    if (s->progress_pending && s->unsynced == 0) {
        s->progress_pending = false;
        queue_progress_response(s);
    }
    return 0;
}

static int handle_progress(struct watch_stream *s, const json_t *req, struct kv_error *err)
{
    (void)req;
    (void)err;
    if (s->unsynced == 0) {
        queue_progress_response(s);
    } else {
        s->progress_pending = true;
    }
    return 0;
}

/* The WatchRequest oneof: the first member present wins; anything else is ignored, as etcd's
 * recvLoop does. */
static const struct {
    const char *field;
    const char *go_type;
    int (*handle)(struct watch_stream *s, const json_t *req, struct kv_error *err);
} REQUEST_KINDS[] = {
    {"create_request", "etcdserverpb.WatchCreateRequest", handle_create},
    {"cancel_request", "etcdserverpb.WatchCancelRequest", handle_cancel},
    {"progress_request", "etcdserverpb.WatchProgressRequest", handle_progress},
};

int watch_stream_handle(struct watch_stream *s, const json_t *request, struct kv_error *err)
{
    if (!json_is_object(request)) {
        return request_error(
            err, "json: cannot unmarshal %s into Go value of type map[string]json.RawMessage",
            jpath_type_name(request));
    }
    size_t had = outbuf_len(&s->out);
    int rv = 0;
    for (size_t i = 0; i < sizeof REQUEST_KINDS / sizeof REQUEST_KINDS[0]; i++) {
        const json_t *v = json_object_get(request, REQUEST_KINDS[i].field);
        if (v == NULL) {
            continue;
        }
        if (json_is_object(v)) {
            rv = REQUEST_KINDS[i].handle(s, v, err);
        } else if (!json_is_null(v)) {
            rv = request_error(err, "json: cannot unmarshal %s into Go value of type %s",
                               jpath_type_name(v), REQUEST_KINDS[i].go_type);
        }
        break;
    }
    stream_notify(s, had);
    return rv;
}

/* ---- Streams ---- */

struct watch_stream *watch_stream_new(struct watch_hub *hub, watch_ready_cb ready_cb, void *data)
{
    struct watch_stream *s = xcalloc(1, sizeof *s);
    s->hub = hub;
    s->ready_cb = ready_cb;
    s->ready_data = data;
    if (hub->ticked && hub->progress_interval_ms > 0) {
        s->next_progress_ms = hub->now_ms + hub->progress_interval_ms;
    }
    s->next = hub->streams;
    if (hub->streams != NULL) {
        hub->streams->prev = s;
    }
    hub->streams = s;
    hub->stream_count++;
    return s;
}

size_t watch_stream_read(struct watch_stream *s, char *buf, size_t max)
{
    if (stream_wants_catch_up(s)) {
        stream_catch_up(s);
    }
    return outbuf_take(&s->out, buf, max);
}

size_t watch_stream_pending(const struct watch_stream *s)
{
    return outbuf_len(&s->out);
}

void watch_stream_free(struct watch_stream *s)
{
    if (s == NULL) {
        return;
    }
    struct watch_hub *hub = s->hub;
    while (s->watchers != NULL) {
        stream_remove(s, s->watchers);
    }
    if (s->prev != NULL) {
        s->prev->next = s->next;
    } else {
        hub->streams = s->next;
    }
    if (s->next != NULL) {
        s->next->prev = s->prev;
    }
    hub->stream_count--;
    free(s->out.data);
    free(s);
}

/* ---- Hub ---- */

struct watch_hub *watch_hub_new(struct kv_store *kv, watch_header_cb header_cb, void *header_data,
                                size_t max_buffered_bytes, uint64_t progress_interval_ms)
{
    struct watch_hub *hub = xcalloc(1, sizeof *hub);
    hub->kv = kv;
    hub->header_cb = header_cb;
    hub->header_data = header_data;
    /* 0 leaves streams unbounded (tests, or a caller that bounds elsewhere). */
    hub->max_buffered = max_buffered_bytes > 0 ? max_buffered_bytes : SIZE_MAX / 4;
    hub->progress_interval_ms = progress_interval_ms;
    kv_set_events_cb(kv, hub_on_events, hub);
    return hub;
}

void watch_hub_free(struct watch_hub *hub)
{
    if (hub == NULL) {
        return;
    }
    kv_set_events_cb(hub->kv, NULL, NULL);
    while (hub->streams != NULL) {
        watch_stream_free(hub->streams);
    }
    free(hub);
}

/* etcd's progress ticker (sendLoop): on every interval a progress_notify watcher that got no
 * events since the last one, and is synced, gets an empty message with the current revision. */
static void stream_progress_tick(struct watch_stream *s, uint64_t now_ms)
{
    struct watch_hub *hub = s->hub;
    if (s->next_progress_ms == 0) {
        s->next_progress_ms = now_ms + hub->progress_interval_ms;
        return;
    }
    if (now_ms < s->next_progress_ms) {
        return;
    }
    s->next_progress_ms = now_ms + hub->progress_interval_ms;
    for (struct watcher *w = s->watchers; w != NULL; w = w->next) {
        if (!w->progress_notify || w->compacted) {
            continue;
        }
        if (w->progress_idle && w->synced) {
            queue_message(s, kv_revision(hub->kv), w->id, 0, 0, NULL, NULL);
        }
        w->progress_idle = true;
    }
}

void watch_hub_tick(struct watch_hub *hub, uint64_t now_ms)
{
    hub->now_ms = now_ms;
    hub->ticked = true;
    for (struct watch_stream *s = hub->streams; s != NULL; s = s->next) {
        size_t had = outbuf_len(&s->out);
        if (hub->progress_interval_ms > 0) {
            stream_progress_tick(s, now_ms);
        }
        if (stream_wants_catch_up(s)) {
            stream_catch_up(s);
        }
        stream_notify(s, had);
    }
}

void watch_hub_state_replaced(struct watch_hub *hub)
{
    for (struct watch_stream *s = hub->streams; s != NULL; s = s->next) {
        size_t had = outbuf_len(&s->out);
        for (struct watcher *w = s->watchers; w != NULL; w = w->next) {
            if (w->synced) {
                w->synced = false;
                s->unsynced++;
            }
        }
        stream_catch_up(s);
        stream_notify(s, had);
    }
}

size_t watch_hub_stream_count(const struct watch_hub *hub)
{
    return hub->stream_count;
}

size_t watch_hub_watcher_count(const struct watch_hub *hub)
{
    return hub->watcher_count;
}
