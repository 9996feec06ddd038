/* Watch and the watch caches. Each request's events are framed as kube-apiserver frames them
 * (newline-delimited JSON WatchEvents, one-row Tables for kubectl get -w). With --watch-cache
 * (the default) every resource gets, on first use, a reflector that lists it and follows one
 * store watch into a watchcache.c cache, which serves watches and resourceVersion="0" /
 * NotOlderThan lists as Cacher does; without it, or for a revision from before the cache
 * began, each watch is its own store watch (410 Expired for a compacted revision). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admission_internal.h"
#include "cleanup.h"
#include "clock.h"
#include "convert.h"
#include "duration.h"
#include "k8stime.h"
#include "keymap.h"
#include "log.h"
#include "rest_internal.h"
#include "status.h"
#include "table.h"
#include "watchcache.h"
#include "xalloc.h"

/* How long a request waits for a resource's cache to load on first use before it reads the
 * store instead. */
#define CACHE_READY_WAIT_NS (5 * DURATION_SECOND)
/* How long a consistent list waits for the cache to catch up with the store (the cacher's 3 s)
 * before it reads the store instead. */
#define CONSISTENT_READ_WAIT_NS (3 * DURATION_SECOND)
#define RELIST_BACKOFF_MIN      (100 * DURATION_MS)
#define RELIST_BACKOFF_MAX      (5 * DURATION_SECOND)

static struct watchcache *cache_for(struct rest *r, const struct resource *res);

/* ---- Watch ---- */

struct rest_watch {
    struct rest *r;
    const struct resource *res;    /* the storage version's */
    const struct resource *served; /* the version the client speaks, when it differs */
    struct rest_selectors sel;
    struct etcd3_watch *storage_watch; /* the direct path */
    struct watchcache_watcher *cached; /* the cached path */
    pthread_mutex_t mu;                /* guards the output buffer and ended */
    char *buf;
    size_t len, cap, off;
    bool ended;
    struct timespec deadline; /* CLOCK_MONOTONIC; tv_sec 0: none */
    bool as_table;            /* events carry Table rows */
    int table_include;
    bool sent_columns; /* the first Table event carries the column definitions */
    rest_watch_ready_cb ready_cb;
    void *data;
};

/* Appends text to the output buffer (w->mu held); false when the reader is too far behind. */
static bool append_line_locked(struct rest_watch *w, const char *text, size_t n)
{
    if (w->len - w->off + n > WATCH_BUFFER_MAX) {
        return false;
    }
    if (w->off > 0 && w->off == w->len) {
        w->off = w->len = 0;
    }
    if (w->len + n > w->cap) {
        w->cap = (w->len + n) * 2;
        w->buf = xrealloc(w->buf, w->cap);
    }
    memcpy(w->buf + w->len, text, n);
    w->len += n;
    return true;
}

/* Appends one event line; returns true when the reader had nothing before (wake it). */
static bool append_event(struct rest_watch *w, const char *type, const json_t *object)
{
    cleanup_json json_t *event = NULL;
    cleanup_json json_t *converted = NULL;
    if (w->served != NULL && strcmp(type, "ERROR") != 0) {
        if (strcmp(type, "BOOKMARK") == 0) {
            char gv[128];
            converted = json_deep_copy(object);
            json_object_set_new(converted, "apiVersion",
                                json_string(resources_group_version(
                                    w->served->group, w->served->version, gv, sizeof gv)));
        } else if (!w->as_table) {
            converted = convert_answer(w->res, w->served, object);
        }
        if (converted != NULL) {
            object = converted;
        }
    }
    if (w->as_table && strcmp(type, "ERROR") != 0 && strcmp(type, "BOOKMARK") != 0) {
        /* As kube-apiserver: each event a one-row Table, the columns only on the first. */
        json_t *table =
            table_build(w->res, object, (enum table_include)w->table_include, time(NULL));
        if (w->served != NULL) {
            convert_table_rows(w->served, table, (enum table_include)w->table_include);
        }
        pthread_mutex_lock(&w->mu);
        bool first = !w->sent_columns;
        w->sent_columns = true;
        pthread_mutex_unlock(&w->mu);
        if (!first) {
            json_object_set_new(table, "columnDefinitions", json_null());
        }
        event = json_pack("{s:s,s:o}", "type", type, "object", table);
    } else {
        event = json_pack("{s:s,s:O}", "type", type, "object", (json_t *)object);
    }
    cleanup_free char *line = json_dumps(event, JSON_COMPACT);
    size_t n = strlen(line);
    line[n] = '\n'; /* json_dumps' NUL becomes the frame's newline */
    pthread_mutex_lock(&w->mu);
    bool was_empty = w->len == w->off;
    if (!append_line_locked(w, line, n + 1)) {
        /* A reader this slow is cut off; it will relist (kube-apiserver closes it too). */
        w->ended = true;
    }
    pthread_mutex_unlock(&w->mu);
    return was_empty;
}

static json_t *event_object(const struct etcd3_kv *kv, int64_t rev)
{
    if (kv->value == NULL) {
        return NULL;
    }
    json_t *obj = json_loadb(kv->value, kv->value_len, 0, NULL);
    if (obj != NULL) {
        rest_set_resource_version(obj, rev);
    }
    return obj;
}

static int on_storage_events(void *data, const struct etcd3_event *events, size_t count,
                             int64_t progress_revision)
{
    (void)progress_revision;
    struct rest_watch *w = data;
    bool wake = false;
    for (size_t i = 0; i < count; i++) {
        const struct etcd3_event *ev = &events[i];
        int64_t rev = ev->kv.mod_revision;
        cleanup_json json_t *cur = ev->type == ETCD3_PUT ? event_object(&ev->kv, rev) : NULL;
        cleanup_json json_t *prev = event_object(&ev->prev_kv, rev);
        bool cur_in = cur != NULL && rest_selected(w->res, &w->sel, cur);
        bool prev_in = prev != NULL && rest_selected(w->res, &w->sel, prev);
        if (ev->type == ETCD3_DELETE) {
            if (prev_in) {
                wake |= append_event(w, "DELETED", prev);
            }
        } else if (cur_in && prev_in) {
            wake |= append_event(w, "MODIFIED", cur);
        } else if (cur_in) {
            wake |= append_event(w, "ADDED", cur);
        } else if (prev_in) {
            wake |= append_event(w, "DELETED", prev);
        }
    }
    if (wake && w->ready_cb != NULL) {
        w->ready_cb(w->data);
    }
    pthread_mutex_lock(&w->mu);
    bool stop = w->ended;
    pthread_mutex_unlock(&w->mu);
    return stop ? 1 : 0;
}

static void on_storage_end(void *data, int code, const struct err *err)
{
    (void)err;
    struct rest_watch *w = data;
    if (code == -C8S_EGONE) {
        /* storage/etcd3's interpretWatchError for a compacted start revision. */
        cleanup_json json_t *gone =
            status_gone("The resourceVersion for the provided watch is too old.");
        append_event(w, "ERROR", gone);
    }
    pthread_mutex_lock(&w->mu);
    w->ended = true;
    pthread_mutex_unlock(&w->mu);
    if (w->ready_cb != NULL) {
        w->ready_cb(w->data);
    }
}

/* Today's path without the cache: one store watch for this request. */
static struct rest_watch *start_direct(struct rest_watch *w, const struct rest_call *call,
                                       bool from_now, int64_t rv, json_t **error, int *code)
{
    struct rest *r = w->r;
    cleanup_free char *prefix = rest_list_prefix(call->resource, call->info->namespace_);
    int64_t start = rv + 1;
    if (from_now) {
        /* No version: the current state as ADDED events first, then changes after it. */
        int list_code = 0;
        cleanup_json json_t *list = rest_list(r, call, &list_code);
        if (list_code != 200) {
            *code = list_code;
            *error = json_incref(list);
            rest_watch_free(w);
            return NULL;
        }
        size_t i;
        json_t *item;
        json_array_foreach (json_object_get(list, "items"), i, item) {
            append_event(w, "ADDED", item);
        }
        start = strtoll(rest_meta_str(list, "resourceVersion"), NULL, 10) + 1;
    }
    struct err e = {0};
    w->storage_watch =
        etcd3_watch_start(r->storage, prefix, start, on_storage_events, on_storage_end, w, &e);
    if (w->storage_watch == NULL) {
        *error = rest_answer_status(code, status_internal(e.msg));
        rest_watch_free(w);
        return NULL;
    }
    *code = 200;
    return w;
}

/* The cached path: true when the cache took the watch (a watcher, or a 410 event). */
static bool start_cached(struct rest_watch *w, const struct rest_call *call, bool from_now,
                         int64_t rv, int64_t timeout_s)
{
    struct watchcache *cache = cache_for(w->r, call->resource);
    if (cache == NULL || !watchcache_wait_ready(cache, CACHE_READY_WAIT_NS)) {
        return false;
    }
    cleanup_free char *prefix = rest_list_prefix(call->resource, call->info->namespace_);
    const char *bookmarks = call->query(call->query_ctx, "allowWatchBookmarks");
    struct watchcache_watch_options opts = {
        .prefix = prefix,
        .from_now = from_now,
        .resource_version = rv,
        .allow_bookmarks = bookmarks != NULL && strcmp(bookmarks, "true") == 0,
        .deadline_ns = timeout_s > 0 ? clk_now(clk_real()) + timeout_s * DURATION_SECOND : 0,
    };
    int code = 0;
    if (rest_parse_selectors(call, &opts.sel, &code) != NULL) {
        return false; /* checked by the caller already */
    }
    enum watchcache_watch_result result;
    char message[256] = "";
    w->cached = watchcache_watch(cache, &opts, w->ready_cb, w->data, &result, message);
    if (result == WATCHCACHE_TOO_OLD) {
        /* As Cacher: a 200 stream with one ERROR event (410 Expired), then the end. */
        cleanup_json json_t *gone = status_gone(message);
        append_event(w, "ERROR", gone);
        w->ended = true;
        return true;
    }
    return w->cached != NULL;
}

/* rest_watch_start once call speaks the storage version. */
static struct rest_watch *watch_start_in_storage_version(struct rest *r,
                                                         const struct rest_call *call,
                                                         rest_watch_ready_cb ready_cb, void *data,
                                                         json_t **error, int *code)
{
    struct rest_watch *w = xcalloc(1, sizeof *w);
    w->r = r;
    w->res = call->resource;
    w->served = call->resource != rest_served_resource(call) ? rest_served_resource(call) : NULL;
    w->ready_cb = ready_cb;
    w->data = data;
    w->as_table = call->as_table;
    w->table_include = call->table_include;
    pthread_mutex_init(&w->mu, NULL);
    if ((*error = rest_parse_selectors(call, &w->sel, code)) != NULL) {
        pthread_mutex_destroy(&w->mu);
        free(w);
        return NULL;
    }
    const char *timeout = call->query(call->query_ctx, "timeoutSeconds");
    int64_t timeout_s = timeout != NULL ? strtoll(timeout, NULL, 10) : 0;
    if (timeout_s > 0) {
        clock_gettime(CLOCK_MONOTONIC, &w->deadline);
        w->deadline.tv_sec += timeout_s;
    }
    const char *rv_text = call->query(call->query_ctx, "resourceVersion");
    bool from_now = rv_text == NULL || rv_text[0] == '\0' || strcmp(rv_text, "0") == 0;
    int64_t rv = 0;
    if (!from_now) {
        char *end = NULL;
        rv = strtoll(rv_text, &end, 10);
        if (*end != '\0' || rv < 0) {
            char *msg = xasprintf("resourceVersion: Invalid value: \"%s\": must be a valid "
                                  "resource version",
                                  rv_text);
            *error = rest_answer_status(code, status_bad_request(msg));
            free(msg);
            rest_watch_free(w);
            return NULL;
        }
    }
    if (r->caches != NULL && start_cached(w, call, from_now, rv, timeout_s)) {
        *code = 200;
        return w;
    }
    return start_direct(w, call, from_now, rv, error, code);
}

struct rest_watch *rest_watch_start(struct rest *r, const struct rest_call *call,
                                    rest_watch_ready_cb ready_cb, void *data, json_t **error,
                                    int *code)
{
    /* A version other than the storage version: watch the storage version's objects (one
     * cache for every version) and convert each event on the way out. */
    struct rest_storage_call sc;
    if ((*error = rest_storage_call_init(&sc, call, code)) != NULL) {
        rest_storage_call_done(&sc);
        return NULL;
    }
    struct rest_watch *w = watch_start_in_storage_version(r, &sc.call, ready_cb, data, error, code);
    rest_storage_call_done(&sc);
    return w;
}

/* Moves the cached watcher's next event into the output buffer; false when there is none. */
static bool fill_from_cache(struct rest_watch *w)
{
    struct watchcache_event ev;
    int got = watchcache_next(w->cached, &ev);
    if (got < 0) {
        pthread_mutex_lock(&w->mu);
        w->ended = true;
        pthread_mutex_unlock(&w->mu);
        return false;
    }
    if (got == 0) {
        return false;
    }
    if ((w->as_table && strcmp(ev.type, "BOOKMARK") != 0) || w->served != NULL) {
        append_event(w, ev.type, ev.object);
    } else {
        /* The object's JSON is shared by every watcher: only the envelope is written here. */
        const char *object = watchcache_event_json(&ev);
        cleanup_free char *line = xasprintf("{\"type\":\"%s\",\"object\":%s}\n", ev.type, object);
        pthread_mutex_lock(&w->mu);
        append_line_locked(w, line, strlen(line));
        pthread_mutex_unlock(&w->mu);
    }
    watchcache_event_done(&ev);
    return true;
}

size_t rest_watch_read(struct rest_watch *w, char *buf, size_t max, bool *ended)
{
    size_t n = 0;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        size_t chunk = w->len - w->off;
        if (chunk > max - n) {
            chunk = max - n;
        }
        if (chunk > 0) {
            memcpy(buf + n, w->buf + w->off, chunk);
            w->off += chunk;
            n += chunk;
        }
        bool drained = w->off == w->len;
        pthread_mutex_unlock(&w->mu);
        if (n == max || !drained || w->cached == NULL || !fill_from_cache(w)) {
            break;
        }
    }
    pthread_mutex_lock(&w->mu);
    if (w->deadline.tv_sec != 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > w->deadline.tv_sec ||
            (now.tv_sec == w->deadline.tv_sec && now.tv_nsec >= w->deadline.tv_nsec)) {
            w->ended = true;
        }
    }
    *ended = w->ended && w->off == w->len;
    pthread_mutex_unlock(&w->mu);
    return n;
}

void rest_watch_free(struct rest_watch *w)
{
    if (w == NULL) {
        return;
    }
    if (w->storage_watch != NULL) {
        etcd3_watch_stop(w->storage_watch);
    }
    watchcache_watcher_free(w->cached);
    rest_selectors_free(&w->sel);
    pthread_mutex_destroy(&w->mu);
    free(w->buf);
    free(w);
}

/* ---- Watch caches: one reflector per resource (Cacher's ListAndWatch loop) ---- */

struct resource_cache {
    struct rest *r;
    const struct resource *res;
    char *prefix; /* /registry/<resource>/ */
    struct watchcache *cache;
    pthread_t thread;
    pthread_mutex_t mu; /* guards the fields below */
    pthread_cond_t cond;
    bool stopping;
    bool watch_ended;
    int watch_end_code;
};

struct watch_caches {
    struct rest *r;
    pthread_mutex_t mu;         /* guards by_resource */
    struct keymap *by_resource; /* "group/version/plural" → struct resource_cache */
    struct watchcache_config defaults;
};

static size_t env_size(const char *name)
{
    const char *v = getenv(name);
    return v != NULL ? (size_t)strtoull(v, NULL, 10) : 0;
}

struct watch_caches *rest_caches_new(struct rest *r)
{
    struct watch_caches *c = xcalloc(1, sizeof *c);
    c->r = r;
    pthread_mutex_init(&c->mu, NULL);
    c->by_resource = keymap_new();
    /* Internal knobs for tests: a fixed window, a smaller watcher queue, faster bookmarks. */
    c->defaults.capacity_min = c->defaults.capacity_max = env_size("C8S_WATCH_CACHE_CAPACITY");
    c->defaults.queue_max = env_size("C8S_WATCH_CACHE_QUEUE");
    c->defaults.bookmark_ns = (int64_t)env_size("C8S_WATCH_CACHE_BOOKMARK_MS") * DURATION_MS;
    return c;
}

static bool reflector_stopping(struct resource_cache *rc)
{
    pthread_mutex_lock(&rc->mu);
    bool stopping = rc->stopping;
    pthread_mutex_unlock(&rc->mu);
    return stopping;
}

/* Sleeps for d_ns unless stop comes first. */
static void reflector_pause(struct resource_cache *rc, int64_t d_ns)
{
    struct clock *clock = clk_real();
    int64_t deadline = clk_now(clock) + d_ns;
    pthread_mutex_lock(&rc->mu);
    while (!rc->stopping && !clk_cond_wait_until(clock, &rc->cond, &rc->mu, deadline)) {
    }
    pthread_mutex_unlock(&rc->mu);
}

/* The full list at one revision, in pages of LIST_PAGE_MAX (the cacher's page size). */
static int reflector_list(struct resource_cache *rc, int64_t *revision, struct err *e)
{
    cleanup_free char *start = xstrdup(rc->prefix);
    cleanup_free char *end = xstrdup(rc->prefix);
    end[strlen(end) - 1] = (char)(end[strlen(end) - 1] + 1);
    struct watchcache_change *objects = NULL;
    size_t n = 0, cap = 0;
    int64_t rev = 0;
    int rc_list = 0;
    for (;;) {
        struct etcd3_list l = {0};
        if ((rc_list = etcd3_list(rc->r->storage, start, end, LIST_PAGE_MAX, rev, &l, e)) != 0) {
            break;
        }
        rev = l.revision;
        for (size_t i = 0; i < l.count; i++) {
            json_t *obj = rest_decode_stored(&l.kvs[i]);
            if (obj == NULL) {
                continue;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                objects = xrealloc(objects, cap * sizeof *objects);
            }
            objects[n++] = (struct watchcache_change){xstrdup(l.kvs[i].key), obj, rev};
        }
        bool more = l.more && l.count > 0;
        if (more) {
            free(start);
            start = xasprintf("%s\x01", l.kvs[l.count - 1].key);
        }
        etcd3_list_free(&l);
        if (!more) {
            break;
        }
    }
    if (rc_list == 0) {
        watchcache_replace(rc->cache, objects, n, rev);
        *revision = rev;
    }
    for (size_t i = 0; i < n; i++) {
        free((char *)objects[i].key);
        json_decref(objects[i].object);
    }
    free(objects);
    return rc_list;
}

static int on_cache_events(void *data, const struct etcd3_event *events, size_t count,
                           int64_t progress_revision)
{
    struct resource_cache *rc = data;
    if (count == 0) {
        if (progress_revision > 0) {
            watchcache_progress(rc->cache, progress_revision);
        }
        return reflector_stopping(rc) ? 1 : 0;
    }
    struct watchcache_change *changes = xcalloc(count, sizeof *changes);
    for (size_t i = 0; i < count; i++) {
        const struct etcd3_kv *kv = &events[i].kv;
        changes[i].key = kv->key;
        changes[i].revision = kv->mod_revision;
        changes[i].object = events[i].type == ETCD3_PUT ? rest_decode_stored(kv) : NULL;
        if (events[i].type == ETCD3_PUT && changes[i].object == NULL) {
            LOG_W("watch cache: undecodable object skipped", "key=%s", kv->key);
            changes[i].revision = 0; /* the cache skips revisions it has passed */
        }
    }
    watchcache_apply(rc->cache, changes, count);
    for (size_t i = 0; i < count; i++) {
        json_decref(changes[i].object);
    }
    free(changes);
    return reflector_stopping(rc) ? 1 : 0;
}

static void on_cache_watch_end(void *data, int code, const struct err *err)
{
    (void)err;
    struct resource_cache *rc = data;
    pthread_mutex_lock(&rc->mu);
    rc->watch_ended = true;
    rc->watch_end_code = code;
    pthread_cond_broadcast(&rc->cond);
    pthread_mutex_unlock(&rc->mu);
}

/* List, then follow one store watch (which resumes itself across member failures); when the
 * store answers that the revision was compacted, list again: the replace ends every watcher so
 * its client relists too. */
static void *reflector_main(void *data)
{
    struct resource_cache *rc = data;
    int64_t backoff = 0;
    while (!reflector_stopping(rc)) {
        if (backoff > 0) {
            reflector_pause(rc, backoff);
            if (reflector_stopping(rc)) {
                break;
            }
        }
        backoff = backoff == 0                       ? RELIST_BACKOFF_MIN
                  : backoff * 2 > RELIST_BACKOFF_MAX ? RELIST_BACKOFF_MAX
                                                     : backoff * 2;
        struct err e = {0};
        int64_t rev = 0;
        if (reflector_list(rc, &rev, &e) != 0) {
            LOG_W("watch cache: list failed, retrying", "resource=%s error=\"%s\"", rc->res->plural,
                  e.msg);
            continue;
        }
        LOG_V(2, "watch cache listed", "resource=%s revision=%" PRId64, rc->res->plural, rev);
        pthread_mutex_lock(&rc->mu);
        rc->watch_ended = false;
        rc->watch_end_code = 0;
        pthread_mutex_unlock(&rc->mu);
        struct etcd3_watch *watch = etcd3_watch_start(rc->r->storage, rc->prefix, rev + 1,
                                                      on_cache_events, on_cache_watch_end, rc, &e);
        if (watch == NULL) {
            LOG_W("watch cache: watch failed, relisting", "resource=%s error=\"%s\"",
                  rc->res->plural, e.msg);
            continue;
        }
        pthread_mutex_lock(&rc->mu);
        while (!rc->stopping && !rc->watch_ended) {
            pthread_cond_wait(&rc->cond, &rc->mu);
        }
        int end_code = rc->watch_end_code;
        pthread_mutex_unlock(&rc->mu);
        etcd3_watch_stop(watch);
        if (end_code == -C8S_EGONE) {
            LOG_I("watch cache: revision compacted, relisting", "resource=%s", rc->res->plural);
            backoff = 0;
        }
    }
    return NULL;
}

static struct resource_cache *resource_cache_for(struct rest *r, const struct resource *res)
{
    struct watch_caches *c = r->caches;
    char key[256];
    snprintf(key, sizeof key, "%s/%s/%s", res->group, res->version, res->plural);
    pthread_mutex_lock(&c->mu);
    struct resource_cache *rc = keymap_get(c->by_resource, key);
    if (rc == NULL) {
        rc = xcalloc(1, sizeof *rc);
        rc->r = r;
        rc->res = res;
        rc->prefix = rest_list_prefix(res, "");
        /* Before the first list, so that the admission reads below know which of this
         * apiserver's writes the cache must have seen. */
        if (etcd3_track_writes(r->storage, rc->prefix) != 0) {
            LOG_W("watch cache: too many prefixes to track writes", "prefix=%s", rc->prefix);
        }
        struct watchcache_config cfg = c->defaults;
        cfg.res = res;
        rc->cache = watchcache_new(&cfg);
        pthread_mutex_init(&rc->mu, NULL);
        clk_cond_init(&rc->cond);
        /* Signals belong to the main thread's sigwait, whatever thread opens the cache. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        pthread_create(&rc->thread, NULL, reflector_main, rc);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        keymap_put(c->by_resource, key, rc);
    }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

static struct watchcache *cache_for(struct rest *r, const struct resource *res)
{
    return resource_cache_for(r, res)->cache;
}

/* The objects under prefix (a key or a namespace's prefix) from res's cache when it is on,
 * loaded and has seen every write this apiserver made to res; else NULL (read the store). */
static json_t *fresh_items(struct rest *r, const struct resource *res, const char *prefix)
{
    if (r->caches == NULL) {
        return NULL;
    }
    struct resource_cache *rc = resource_cache_for(r, res);
    int64_t written = etcd3_written_revision(r->storage, rc->prefix);
    if (written < 0) {
        return NULL;
    }
    struct rest_selectors everything = {0};
    int64_t revision = 0;
    return watchcache_list(rc->cache, prefix, &everything, written, &revision);
}

json_t *rest_caches_namespace_items(struct rest *r, const struct resource *res, const char *ns)
{
    cleanup_free char *prefix = rest_list_prefix(res, ns);
    return fresh_items(r, res, prefix);
}

json_t *rest_caches_get(struct rest *r, const struct resource *res, const char *ns,
                        const char *name)
{
    cleanup_free char *key = rest_object_key(res, ns, name);
    cleanup_json json_t *items = fresh_items(r, res, key);
    size_t i;
    json_t *obj;
    json_array_foreach (items, i, obj) {
        const char *n = rest_meta_str(obj, "name");
        if (n != NULL && strcmp(n, name) == 0) {
            return json_incref(obj);
        }
    }
    return NULL;
}

static void resource_cache_free(void *value)
{
    struct resource_cache *rc = value;
    pthread_mutex_lock(&rc->mu);
    rc->stopping = true;
    pthread_cond_broadcast(&rc->cond);
    pthread_mutex_unlock(&rc->mu);
    pthread_join(rc->thread, NULL);
    watchcache_free(rc->cache);
    pthread_cond_destroy(&rc->cond);
    pthread_mutex_destroy(&rc->mu);
    free(rc->prefix);
    free(rc);
}

void rest_caches_free(struct watch_caches *c)
{
    if (c == NULL) {
        return;
    }
    keymap_free(c->by_resource, resource_cache_free);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* A consistent LIST (no resourceVersion, no continue) from the cache, as ConsistentListFromCache:
 * one linearizable range tells the store's revision, key count and newest change under the
 * list's prefix; the cache answers once its content there is the store's at that revision
 * (waiting for the watch up to CONSISTENT_READ_WAIT_NS). The first page, its continue token
 * (later pages read the store at that revision) and remainingItemCount are what the store
 * would give. NULL when the cache is not ready or fresh in time: the store answers. */
static json_t *consistent_list(struct rest *r, const struct rest_call *call, int64_t limit,
                               int *code)
{
    struct rest_selectors sel;
    int bad_code = 0;
    json_t *bad = rest_parse_selectors(call, &sel, &bad_code);
    if (bad != NULL) {
        json_decref(bad);
        return NULL; /* the store path answers with the error */
    }
    bool filtered = sel.labels != NULL || sel.fields != NULL;
    /* Cacher's shouldDelegateListOnNotReadyCache: a plain page need not wait for the cache. */
    struct watchcache *cache = cache_for(r, call->resource);
    if (!watchcache_wait_ready(cache, limit > 0 && !filtered ? 0 : CACHE_READY_WAIT_NS)) {
        rest_selectors_free(&sel);
        return NULL;
    }
    cleanup_free char *prefix = rest_list_prefix(call->resource, call->info->namespace_);
    struct etcd3_prefix_state state;
    struct err e = {0};
    if (etcd3_prefix_state(r->storage, prefix, &state, &e) != 0) {
        rest_selectors_free(&sel);
        return NULL; /* the store path reports the failure */
    }
    struct watchcache_store_state want = {state.revision, state.count, state.max_mod_revision};
    struct watchcache_page page;
    int rc = watchcache_consistent_list(cache, prefix, &sel, limit, &want, CONSISTENT_READ_WAIT_NS,
                                        &page);
    rest_selectors_free(&sel);
    if (rc != 0) {
        LOG_V(2, "watch cache: not fresh in time for a consistent list, reading the store",
              "prefix=%s revision=%" PRId64, prefix, state.revision);
        return NULL;
    }
    json_t *items = json_incref(page.items);
    const char *next = page.last_key != NULL ? page.last_key + strlen(prefix) : NULL;
    json_t *answer = rest_list_answer(call->resource, items, page.revision, next,
                                      filtered ? 0 : page.remaining, code);
    watchcache_page_free(&page);
    return answer;
}

/* Cacher's shouldDelegateList: consistent reads ("", no continue) come from the cache once it
 * is fresh; resourceVersion="0" (any limit ignored) or a revision with NotOlderThan semantics
 * and no limit come from it once it reached that revision; Exact and continue tokens go to the
 * store. */
json_t *rest_caches_list(struct rest *r, const struct rest_call *call, int *code)
{
    const char *rv_text = call->query(call->query_ctx, "resourceVersion");
    const char *match = call->query(call->query_ctx, "resourceVersionMatch");
    const char *limit = call->query(call->query_ctx, "limit");
    const char *cont = call->query(call->query_ctx, "continue");
    bool has_match = match != NULL && match[0] != '\0';
    if ((cont != NULL && cont[0] != '\0') || (has_match && strcmp(match, "NotOlderThan") != 0)) {
        return NULL;
    }
    if (rv_text == NULL || rv_text[0] == '\0') {
        if (has_match) {
            return NULL; /* NotOlderThan without a version: the store path refuses it */
        }
        long long n = limit != NULL ? strtoll(limit, NULL, 10) : 0;
        return consistent_list(r, call, n > 0 ? n : 0, code);
    }
    bool any = strcmp(rv_text, "0") == 0;
    if (!any && limit != NULL && strtoll(limit, NULL, 10) > 0) {
        return NULL;
    }
    char *end = NULL;
    long long min_rv = strtoll(rv_text, &end, 10);
    if (*end != '\0' || min_rv < 0) {
        return NULL; /* the store path answers with the validation error */
    }
    struct watchcache *cache = cache_for(r, call->resource);
    if (!watchcache_wait_ready(cache, CACHE_READY_WAIT_NS)) {
        return NULL;
    }
    struct rest_selectors sel;
    int bad_code = 0;
    json_t *bad = rest_parse_selectors(call, &sel, &bad_code);
    if (bad != NULL) {
        json_decref(bad);
        return NULL;
    }
    cleanup_free char *prefix = rest_list_prefix(call->resource, call->info->namespace_);
    int64_t revision = 0;
    json_t *items = watchcache_list(cache, prefix, &sel, min_rv, &revision);
    rest_selectors_free(&sel);
    if (items == NULL) {
        return NULL; /* not that fresh yet: the store's current state is */
    }
    return rest_list_answer(call->resource, items, revision, NULL, 0, code);
}
