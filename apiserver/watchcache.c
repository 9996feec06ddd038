/* One resource's watch cache, following k8s.io/apiserver's storage/cacher: watchCache's sorted
 * store and dynamically sized event window ("too old resource version: N (M)" below it),
 * Cacher's fan-out to watchers with bounded queues (a blocked watcher is closed rather than
 * waited for), cacheWatcher's selector transitions (ADDED/DELETED) and bookmarks (periodic and
 * 2 s before the deadline, only with a revision above the watch's start). */
#include "watchcache.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "resources.h"
#include "xalloc.h"

/* ---- Shared frozen objects ---- */

/* An object shared by the store, the window and watcher queues, with its JSON encoded at most
 * once (Kubernetes' cachingObject). */
struct wc_obj {
    atomic_int refs;
    json_t *obj;
    _Atomic(char *) text;
};

/* Takes over the reference obj. */
static struct wc_obj *obj_new(json_t *obj)
{
    struct wc_obj *o = xcalloc(1, sizeof *o);
    atomic_init(&o->refs, 1);
    atomic_init(&o->text, NULL);
    o->obj = obj;
    return o;
}

static struct wc_obj *obj_ref(struct wc_obj *o)
{
    atomic_fetch_add(&o->refs, 1);
    return o;
}

static void obj_unref(struct wc_obj *o)
{
    if (o != NULL && atomic_fetch_sub(&o->refs, 1) == 1) {
        json_decref(o->obj);
        free(atomic_load(&o->text));
        free(o);
    }
}

/* obj with metadata.resourceVersion = rev, sharing everything else (the object stays frozen). */
static struct wc_obj *obj_at_revision(const struct wc_obj *o, int64_t rev)
{
    json_t *copy = json_copy(o->obj);
    json_t *meta = json_copy(json_object_get(o->obj, "metadata"));
    if (meta == NULL) {
        meta = json_object();
    }
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, rev);
    json_object_set_new(meta, "resourceVersion", json_string(text));
    json_object_set_new(copy, "metadata", meta);
    return obj_new(copy);
}

/* ---- The cache ---- */

struct wc_entry {
    char *key;
    struct wc_obj *obj;
};

struct wc_event {
    char *key;
    struct wc_obj *cur;        /* NULL: deleted */
    struct wc_obj *prev;       /* NULL: created; the object before, at its own revision */
    struct wc_obj *prev_at_rv; /* prev at the event's revision (DELETED events); lazily */
    int64_t rv;
    int64_t recorded_ns;
};

struct wc_item {
    const char *type;
    struct wc_obj *obj; /* a reference */
};

struct watchcache_watcher {
    struct watchcache *c;
    char *prefix;
    struct rest_selectors sel;
    bool allow_bookmarks;
    int64_t deadline_ns;
    /* the reader's own */
    int64_t next_bookmark_ns;
    bool bookmarks_over;
    /* guarded by c->mu */
    int64_t start_rv; /* bookmarks only above it */
    int64_t rv;       /* events at or below it were delivered (or predate the watch) */
    bool registered;
    struct watchcache_watcher *prev, *next;
    watchcache_ready_cb ready_cb;
    void *data;
    /* guarded by mu */
    pthread_mutex_t mu;
    struct wc_item *items; /* a ring */
    size_t head, len, cap;
    size_t initial; /* items from the start of the watch, exempt from the bound */
    bool ended;
    bool cut_off;
};

struct watchcache {
    struct watchcache_config cfg;
    pthread_mutex_t mu;
    pthread_cond_t cond; /* ready */
    struct clk_watch clock_watch;
    bool ready;
    int64_t rv;      /* the revision reached */
    int64_t list_rv; /* the last replace's revision */
    bool evicted;    /* an event left the window since the last replace */
    struct wc_entry *store;
    size_t nstore, store_cap;
    struct wc_event *window;
    size_t capacity;
    uint64_t start, end; /* window[start % capacity] .. window[(end - 1) % capacity] */
    struct watchcache_watcher *watchers;
};

struct watchcache *watchcache_new(const struct watchcache_config *cfg)
{
    struct watchcache *c = xcalloc(1, sizeof *c);
    c->cfg = *cfg;
    if (c->cfg.clock == NULL) {
        c->cfg.clock = clk_real();
    }
    if (c->cfg.capacity_min == 0) {
        c->cfg.capacity_min = WATCHCACHE_CAPACITY_MIN;
    }
    if (c->cfg.capacity_max == 0) {
        c->cfg.capacity_max = WATCHCACHE_CAPACITY_MAX;
    }
    if (c->cfg.capacity_max < c->cfg.capacity_min) {
        c->cfg.capacity_max = c->cfg.capacity_min;
    }
    if (c->cfg.fresh_ns <= 0) {
        c->cfg.fresh_ns = WATCHCACHE_FRESH_NS;
    }
    if (c->cfg.queue_max == 0) {
        c->cfg.queue_max = WATCHCACHE_QUEUE_MAX;
    }
    if (c->cfg.bookmark_ns <= 0) {
        c->cfg.bookmark_ns = WATCHCACHE_BOOKMARK_NS;
    }
    pthread_mutex_init(&c->mu, NULL);
    clk_cond_init(&c->cond);
    clk_watch_add(c->cfg.clock, &c->clock_watch, &c->mu, &c->cond);
    c->capacity = c->cfg.capacity_min;
    c->window = xcalloc(c->capacity, sizeof *c->window);
    return c;
}

static void event_clear(struct wc_event *ev)
{
    free(ev->key);
    obj_unref(ev->cur);
    obj_unref(ev->prev);
    obj_unref(ev->prev_at_rv);
    memset(ev, 0, sizeof *ev);
}

static void store_clear(struct watchcache *c)
{
    for (size_t i = 0; i < c->nstore; i++) {
        free(c->store[i].key);
        obj_unref(c->store[i].obj);
    }
    c->nstore = 0;
}

void watchcache_free(struct watchcache *c)
{
    if (c == NULL) {
        return;
    }
    assert(c->watchers == NULL); /* watchers are freed first */
    clk_watch_remove(c->cfg.clock, &c->clock_watch);
    for (uint64_t i = c->start; i < c->end; i++) {
        event_clear(&c->window[i % c->capacity]);
    }
    free(c->window);
    store_clear(c);
    free(c->store);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* ---- The store: entries sorted by key ---- */

/* The first index whose key is >= key. */
static size_t store_lower_bound(const struct watchcache *c, const char *key)
{
    size_t lo = 0, hi = c->nstore;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->store[mid].key, key) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Sets key to obj (a reference taken over; NULL deletes). Returns the previous object's
 * reference, or NULL. */
static struct wc_obj *store_put(struct watchcache *c, const char *key, struct wc_obj *obj)
{
    size_t i = store_lower_bound(c, key);
    bool found = i < c->nstore && strcmp(c->store[i].key, key) == 0;
    struct wc_obj *prev = found ? c->store[i].obj : NULL;
    if (found && obj != NULL) {
        c->store[i].obj = obj;
    } else if (found) {
        free(c->store[i].key);
        memmove(&c->store[i], &c->store[i + 1], (c->nstore - i - 1) * sizeof *c->store);
        c->nstore--;
    } else if (obj != NULL) {
        if (c->nstore == c->store_cap) {
            c->store_cap = c->store_cap ? c->store_cap * 2 : 64;
            c->store = xrealloc(c->store, c->store_cap * sizeof *c->store);
        }
        memmove(&c->store[i + 1], &c->store[i], (c->nstore - i) * sizeof *c->store);
        c->store[i] = (struct wc_entry){xstrdup(key), obj};
        c->nstore++;
    }
    return prev;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- The window (watchCache's cyclic buffer with its resize policy) ---- */

static void window_resize(struct watchcache *c, size_t capacity)
{
    struct wc_event *next = xcalloc(capacity, sizeof *next);
    if (c->end - c->start > capacity) {
        for (uint64_t i = c->start; i < c->end - capacity; i++) {
            event_clear(&c->window[i % c->capacity]);
        }
        c->start = c->end - capacity;
        c->evicted = true;
    }
    for (uint64_t i = c->start; i < c->end; i++) {
        next[i % capacity] = c->window[i % c->capacity];
    }
    free(c->window);
    c->window = next;
    c->capacity = capacity;
}

/* Appends ev (taken over): doubles the window when it is full of fresh events, halves it when
 * its newest quarter is already stale, else drops the oldest event. */
static void window_append(struct watchcache *c, struct wc_event *ev)
{
    bool full = c->end - c->start == c->capacity;
    if (full && ev->recorded_ns - c->window[c->start % c->capacity].recorded_ns < c->cfg.fresh_ns) {
        size_t grown =
            c->capacity * 2 < c->cfg.capacity_max ? c->capacity * 2 : c->cfg.capacity_max;
        if (grown > c->capacity) {
            window_resize(c, grown);
        }
    } else if (full &&
               ev->recorded_ns - c->window[(c->end - c->capacity / 4) % c->capacity].recorded_ns >
                   c->cfg.fresh_ns) {
        size_t shrunk =
            c->capacity / 2 > c->cfg.capacity_min ? c->capacity / 2 : c->cfg.capacity_min;
        if (shrunk < c->capacity) {
            window_resize(c, shrunk);
        }
    }
    if (c->end - c->start == c->capacity) {
        event_clear(&c->window[c->start % c->capacity]);
        c->start++;
        c->evicted = true;
    }
    c->window[c->end % c->capacity] = *ev;
    c->end++;
}

/* ---- Fan-out ---- */

static void push_item(struct watchcache_watcher *w, const char *type, struct wc_obj *obj)
{
    if (w->len == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        struct wc_item *items = xcalloc(cap, sizeof *items);
        for (size_t i = 0; i < w->len; i++) {
            items[i] = w->items[(w->head + i) % w->cap];
        }
        free(w->items);
        w->items = items;
        w->head = 0;
        w->cap = cap;
    }
    w->items[(w->head + w->len) % w->cap] = (struct wc_item){type, obj_ref(obj)};
    w->len++;
}

static void drop_items(struct watchcache_watcher *w)
{
    for (size_t i = 0; i < w->len; i++) {
        obj_unref(w->items[(w->head + i) % w->cap].obj);
    }
    w->head = w->len = w->initial = 0;
}

static bool watcher_selects(const struct watchcache *c, const struct watchcache_watcher *w,
                            const struct wc_obj *o)
{
    return rest_selected(c->cfg.res, &w->sel, o->obj);
}

/* cacheWatcher.convertToWatchEvent: what ev means to w (NULL: nothing). */
static const char *event_for(struct watchcache *c, const struct watchcache_watcher *w,
                             struct wc_event *ev, struct wc_obj **obj)
{
    if (!has_prefix(ev->key, w->prefix)) {
        return NULL;
    }
    bool cur_in = ev->cur != NULL && watcher_selects(c, w, ev->cur);
    bool prev_in = ev->prev != NULL && watcher_selects(c, w, ev->prev);
    if (cur_in) {
        *obj = ev->cur;
        return prev_in ? "MODIFIED" : "ADDED";
    }
    if (!prev_in) {
        return NULL;
    }
    /* The object as it was, at the revision it stopped matching (or was deleted). */
    if (ev->prev_at_rv == NULL) {
        ev->prev_at_rv = obj_at_revision(ev->prev, ev->rv);
    }
    *obj = ev->prev_at_rv;
    return "DELETED";
}

/* Takes w out of c's list (c->mu held): no event or callback reaches it afterwards. */
static void unlink_watcher_locked(struct watchcache *c, struct watchcache_watcher *w)
{
    if (!w->registered) {
        return;
    }
    if (w->prev != NULL) {
        w->prev->next = w->next;
    } else {
        c->watchers = w->next;
    }
    if (w->next != NULL) {
        w->next->prev = w->prev;
    }
    w->prev = w->next = NULL;
    w->registered = false;
}

/* Ends w (with c->mu held): its queue is dropped and its reader woken. */
static void end_watcher_locked(struct watchcache *c, struct watchcache_watcher *w, bool cut_off)
{
    unlink_watcher_locked(c, w);
    pthread_mutex_lock(&w->mu);
    drop_items(w);
    w->ended = true;
    w->cut_off = cut_off;
    if (w->ready_cb != NULL) {
        w->ready_cb(w->data);
    }
    pthread_mutex_unlock(&w->mu);
}

/* Queues ev for w (c->mu held), or cuts w off when its bound is reached. */
static void offer(struct watchcache *c, struct watchcache_watcher *w, struct wc_event *ev)
{
    if (ev->rv <= w->rv) {
        return;
    }
    struct wc_obj *obj = NULL;
    const char *type = event_for(c, w, ev, &obj);
    if (type == NULL) {
        return;
    }
    w->rv = ev->rv;
    pthread_mutex_lock(&w->mu);
    bool full = w->len - w->initial >= c->cfg.queue_max;
    if (!full) {
        push_item(w, type, obj);
        if (w->ready_cb != NULL) {
            w->ready_cb(w->data);
        }
    }
    pthread_mutex_unlock(&w->mu);
    if (full) {
        /* Cacher closes a watcher it cannot hand an event to in time; the client relists. */
        end_watcher_locked(c, w, true);
    }
}

/* ---- Feeding ---- */

static void end_all_watchers_locked(struct watchcache *c)
{
    while (c->watchers != NULL) {
        end_watcher_locked(c, c->watchers, false);
    }
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct wc_entry *)a)->key, ((const struct wc_entry *)b)->key);
}

void watchcache_replace(struct watchcache *c, const struct watchcache_change *objects, size_t n,
                        int64_t revision)
{
    struct wc_entry *entries = xcalloc(n ? n : 1, sizeof *entries);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (objects[i].object != NULL) {
            entries[count++] =
                (struct wc_entry){xstrdup(objects[i].key), obj_new(json_incref(objects[i].object))};
        }
    }
    qsort(entries, count, sizeof *entries, compare_entries);
    pthread_mutex_lock(&c->mu);
    end_all_watchers_locked(c);
    store_clear(c);
    free(c->store);
    c->store = entries;
    c->nstore = count;
    c->store_cap = n ? n : 1;
    for (uint64_t i = c->start; i < c->end; i++) {
        event_clear(&c->window[i % c->capacity]);
    }
    c->start = c->end = 0;
    c->evicted = false;
    c->list_rv = revision;
    c->rv = revision;
    c->ready = true;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
}

void watchcache_apply(struct watchcache *c, const struct watchcache_change *changes, size_t n)
{
    int64_t now = clk_now(c->cfg.clock);
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < n; i++) {
        const struct watchcache_change *ch = &changes[i];
        if (ch->revision <= c->rv) {
            continue; /* already seen (a replayed revision) */
        }
        struct wc_obj *cur = ch->object != NULL ? obj_new(json_incref(ch->object)) : NULL;
        struct wc_obj *prev = store_put(c, ch->key, cur != NULL ? obj_ref(cur) : NULL);
        c->rv = ch->revision;
        if (cur == NULL && prev == NULL) {
            continue; /* the deletion of something never seen */
        }
        struct wc_event ev = {.key = xstrdup(ch->key),
                              .cur = cur,
                              .prev = prev,
                              .rv = ch->revision,
                              .recorded_ns = now};
        window_append(c, &ev);
        struct wc_event *stored = &c->window[(c->end - 1) % c->capacity];
        for (struct watchcache_watcher *w = c->watchers, *next; w != NULL; w = next) {
            next = w->next; /* offer may unlink w */
            offer(c, w, stored);
        }
    }
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
}

void watchcache_progress(struct watchcache *c, int64_t revision)
{
    pthread_mutex_lock(&c->mu);
    if (revision > c->rv) {
        c->rv = revision;
        pthread_cond_broadcast(&c->cond);
    }
    pthread_mutex_unlock(&c->mu);
}

/* ---- Reading ---- */

bool watchcache_wait_ready(struct watchcache *c, int64_t timeout_ns)
{
    int64_t deadline = clk_now(c->cfg.clock) + timeout_ns;
    pthread_mutex_lock(&c->mu);
    while (!c->ready) {
        if (clk_cond_wait_until(c->cfg.clock, &c->cond, &c->mu, deadline)) {
            break;
        }
    }
    bool ready = c->ready;
    pthread_mutex_unlock(&c->mu);
    return ready;
}

int64_t watchcache_revision(struct watchcache *c)
{
    pthread_mutex_lock(&c->mu);
    int64_t rv = c->rv;
    pthread_mutex_unlock(&c->mu);
    return rv;
}

size_t watchcache_capacity(struct watchcache *c)
{
    pthread_mutex_lock(&c->mu);
    size_t capacity = c->capacity;
    pthread_mutex_unlock(&c->mu);
    return capacity;
}

json_t *watchcache_list(struct watchcache *c, const char *prefix, const struct rest_selectors *sel,
                        int64_t min_revision, int64_t *revision)
{
    pthread_mutex_lock(&c->mu);
    if (!c->ready || c->rv < min_revision) {
        pthread_mutex_unlock(&c->mu);
        return NULL;
    }
    /* Take references under the lock, filter outside it: a long list never stalls the feed. */
    size_t first = store_lower_bound(c, prefix);
    size_t last = first;
    while (last < c->nstore && has_prefix(c->store[last].key, prefix)) {
        last++;
    }
    struct wc_obj **objs = xcalloc(last - first + 1, sizeof *objs);
    for (size_t i = first; i < last; i++) {
        objs[i - first] = obj_ref(c->store[i].obj);
    }
    *revision = c->rv;
    pthread_mutex_unlock(&c->mu);
    json_t *items = json_array();
    for (size_t i = 0; i < last - first; i++) {
        if (rest_selected(c->cfg.res, sel, objs[i]->obj)) {
            json_array_append(items, objs[i]->obj);
        }
        obj_unref(objs[i]);
    }
    free(objs);
    return items;
}

/* Whether the content under prefix [first, last) is the store's at state->revision: the cache
 * reached it, or it reached every key's last change and holds as many keys (so what changed in
 * between were only keys that came and went). Returns the revision the content is, or 0. */
static int64_t fresh_revision_locked(const struct watchcache *c, size_t first, size_t last,
                                     const struct watchcache_store_state *state)
{
    if (!c->ready) {
        return 0;
    }
    if (c->rv >= state->revision) {
        return c->rv;
    }
    if (c->rv >= state->max_mod_revision && (int64_t)(last - first) == state->count) {
        return state->revision;
    }
    return 0;
}

int watchcache_consistent_list(struct watchcache *c, const char *prefix,
                               const struct rest_selectors *sel, int64_t limit,
                               const struct watchcache_store_state *state, int64_t timeout_ns,
                               struct watchcache_page *out)
{
    memset(out, 0, sizeof *out);
    int64_t deadline = clk_now(c->cfg.clock) + timeout_ns;
    pthread_mutex_lock(&c->mu);
    size_t first = 0, last = 0;
    for (;;) {
        first = last = store_lower_bound(c, prefix);
        while (last < c->nstore && has_prefix(c->store[last].key, prefix)) {
            last++;
        }
        if ((out->revision = fresh_revision_locked(c, first, last, state)) != 0) {
            break;
        }
        if (clk_cond_wait_until(c->cfg.clock, &c->cond, &c->mu, deadline)) {
            pthread_mutex_unlock(&c->mu);
            return -ETIMEDOUT;
        }
    }
    /* References and keys under the lock, filtering outside it (as watchcache_list). */
    size_t n = last - first;
    struct wc_entry *entries = xcalloc(n + 1, sizeof *entries);
    for (size_t i = 0; i < n; i++) {
        entries[i].key = xstrdup(c->store[first + i].key);
        entries[i].obj = obj_ref(c->store[first + i].obj);
    }
    pthread_mutex_unlock(&c->mu);
    out->items = json_array();
    size_t i = 0, last_selected = 0;
    for (; i < n; i++) {
        if (limit > 0 && (int64_t)json_array_size(out->items) >= limit) {
            break;
        }
        if (rest_selected(c->cfg.res, sel, entries[i].obj->obj)) {
            json_array_append(out->items, entries[i].obj->obj);
            last_selected = i;
        }
    }
    if (i < n) { /* the limit was reached with keys left: the client continues after this one */
        out->last_key = xstrdup(entries[last_selected].key);
        out->remaining = (int64_t)(n - i);
    }
    for (size_t j = 0; j < n; j++) {
        free(entries[j].key);
        obj_unref(entries[j].obj);
    }
    free(entries);
    return 0;
}

void watchcache_page_free(struct watchcache_page *p)
{
    json_decref(p->items);
    free(p->last_key);
    memset(p, 0, sizeof *p);
}

/* ---- Watchers ---- */

/* cacheWatcher.nextBookmarkTime: every period, and 2 s before the deadline. */
static void schedule_bookmark(struct watchcache_watcher *w, int64_t now, int64_t period)
{
    int64_t next = now + period;
    if (w->deadline_ns != 0 && w->deadline_ns - WATCHCACHE_PRETIMEOUT_NS < next) {
        next = w->deadline_ns - WATCHCACHE_PRETIMEOUT_NS;
    }
    if (next <= now) {
        w->bookmarks_over = true; /* the last one went out before the deadline */
    }
    w->next_bookmark_ns = next;
}

/* The window's oldest deliverable revision ("oldest" in getAllEventsSinceLocked). */
static int64_t oldest_revision(const struct watchcache *c)
{
    if (!c->evicted) {
        return c->list_rv + 1;
    }
    if (c->end > c->start) {
        return c->window[c->start % c->capacity].rv;
    }
    return c->rv + 1;
}

struct watchcache_watcher *watchcache_watch(struct watchcache *c,
                                            struct watchcache_watch_options *opts,
                                            watchcache_ready_cb ready_cb, void *data,
                                            enum watchcache_watch_result *result, char message[256])
{
    struct watchcache_watcher *w = xcalloc(1, sizeof *w);
    w->c = c;
    w->prefix = xstrdup(opts->prefix);
    w->sel = opts->sel;
    memset(&opts->sel, 0, sizeof opts->sel);
    w->allow_bookmarks = opts->allow_bookmarks;
    w->deadline_ns = opts->deadline_ns;
    w->ready_cb = ready_cb;
    w->data = data;
    pthread_mutex_init(&w->mu, NULL);
    if (w->allow_bookmarks) {
        schedule_bookmark(w, clk_now(c->cfg.clock), c->cfg.bookmark_ns);
    }

    pthread_mutex_lock(&c->mu);
    *result = WATCHCACHE_WATCHING;
    if (!c->ready) {
        *result = WATCHCACHE_NOT_READY;
    } else if (opts->from_now) {
        /* The current state as ADDED events, then the changes after it. */
        w->start_rv = w->rv = c->rv;
        for (size_t i = store_lower_bound(c, w->prefix);
             i < c->nstore && has_prefix(c->store[i].key, w->prefix); i++) {
            if (watcher_selects(c, w, c->store[i].obj)) {
                push_item(w, "ADDED", c->store[i].obj);
            }
        }
    } else {
        int64_t from = opts->resource_version;
        int64_t oldest = oldest_revision(c);
        if (from < oldest - 1) {
            if (c->evicted) {
                snprintf(message, 256, "too old resource version: %" PRId64 " (%" PRId64 ")", from,
                         oldest - 1);
                *result = WATCHCACHE_TOO_OLD;
            } else {
                *result = WATCHCACHE_NOT_READY; /* the cache began after it */
            }
        } else {
            for (uint64_t i = c->start; i < c->end; i++) {
                struct wc_event *ev = &c->window[i % c->capacity];
                struct wc_obj *obj = NULL;
                const char *type = ev->rv > from ? event_for(c, w, ev, &obj) : NULL;
                if (type != NULL) {
                    push_item(w, type, obj);
                }
            }
            w->start_rv = from;
            w->rv = from > c->rv ? from : c->rv;
        }
    }
    if (*result != WATCHCACHE_WATCHING) {
        pthread_mutex_unlock(&c->mu);
        watchcache_watcher_free(w);
        return NULL;
    }
    w->initial = w->len;
    w->registered = true;
    w->next = c->watchers;
    if (w->next != NULL) {
        w->next->prev = w;
    }
    c->watchers = w;
    pthread_mutex_unlock(&c->mu);
    return w;
}

static bool pop_item(struct watchcache_watcher *w, struct watchcache_event *ev)
{
    if (w->len == 0) {
        return false;
    }
    struct wc_item *item = &w->items[w->head];
    ev->type = item->type;
    ev->ref = item->obj;
    ev->object = item->obj->obj;
    w->head = (w->head + 1) % w->cap;
    w->len--;
    if (w->initial > 0) {
        w->initial--;
    }
    return true;
}

/* A due bookmark, when everything up to the cache's revision was read and that revision is
 * above the watch's start (cacheWatcher only sends bookmarks after its resourceVersion). */
static bool take_bookmark(struct watchcache_watcher *w, struct watchcache_event *ev)
{
    struct watchcache *c = w->c;
    int64_t now = clk_now(c->cfg.clock);
    if (!w->allow_bookmarks || w->bookmarks_over || now < w->next_bookmark_ns) {
        return false;
    }
    bool sent = false;
    pthread_mutex_lock(&c->mu);
    pthread_mutex_lock(&w->mu);
    if (w->len == 0 && !w->ended) {
        schedule_bookmark(w, now, c->cfg.bookmark_ns);
        if (c->rv > w->start_rv) {
            char gv[128], rv[32];
            snprintf(rv, sizeof rv, "%" PRId64, c->rv);
            const struct resource *res = c->cfg.res;
            json_t *obj =
                json_pack("{s:s,s:s,s:{s:s}}", "kind", res->kind, "apiVersion",
                          resources_group_version(res->group, res->version, gv, sizeof gv),
                          "metadata", "resourceVersion", rv);
            ev->type = "BOOKMARK";
            ev->ref = obj_new(obj);
            ev->object = obj;
            sent = true;
        }
    }
    pthread_mutex_unlock(&w->mu);
    pthread_mutex_unlock(&c->mu);
    return sent;
}

int watchcache_next(struct watchcache_watcher *w, struct watchcache_event *ev)
{
    pthread_mutex_lock(&w->mu);
    bool got = pop_item(w, ev);
    bool ended = w->ended;
    pthread_mutex_unlock(&w->mu);
    if (got) {
        return 1;
    }
    if (ended) {
        return -1;
    }
    return take_bookmark(w, ev) ? 1 : 0;
}

const char *watchcache_event_json(struct watchcache_event *ev)
{
    char *text = atomic_load(&ev->ref->text);
    if (text == NULL) {
        char *mine = json_dumps(ev->ref->obj, JSON_COMPACT);
        if (atomic_compare_exchange_strong(&ev->ref->text, &text, mine)) {
            text = mine;
        } else {
            free(mine); /* another reader encoded it first; text holds theirs */
        }
    }
    return text;
}

void watchcache_event_done(struct watchcache_event *ev)
{
    obj_unref(ev->ref);
    memset(ev, 0, sizeof *ev);
}

bool watchcache_watcher_cut_off(struct watchcache_watcher *w)
{
    pthread_mutex_lock(&w->mu);
    bool cut = w->cut_off;
    pthread_mutex_unlock(&w->mu);
    return cut;
}

void watchcache_watcher_free(struct watchcache_watcher *w)
{
    if (w == NULL) {
        return;
    }
    struct watchcache *c = w->c;
    pthread_mutex_lock(&c->mu);
    unlink_watcher_locked(c, w);
    pthread_mutex_unlock(&c->mu);
    drop_items(w);
    free(w->items);
    rest_selectors_free(&w->sel);
    free(w->prefix);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
