/* One resource's watch cache, as k8s.io/apiserver's Cacher and watchCache keep it: the current
 * objects (sorted by key), a window of recent events that grows while its events are younger
 * than 75 s (100 to 102400 events), and the watchers it fans those events out to, each with a
 * bounded queue (a watcher that falls behind is cut off and relists). It knows nothing of the
 * store: a feeder (rest_watch.c's reflector) hands it the initial list and then the changes.
 * Thread-safe: one mutex per cache, one per watcher (cache before watcher). */
#ifndef C8S_APISERVER_WATCHCACHE_H
#define C8S_APISERVER_WATCHCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rest_internal.h"

struct clock;
struct wc_obj;

#define WATCHCACHE_CAPACITY_MIN  100                 /* defaultLowerBoundCapacity */
#define WATCHCACHE_CAPACITY_MAX  (100 * 1024)        /* defaultUpperBoundCapacity */
#define WATCHCACHE_FRESH_NS      (75 * 1000000000LL) /* eventFreshDuration */
#define WATCHCACHE_QUEUE_MAX     1000                /* maxWatchChanSize */
#define WATCHCACHE_BOOKMARK_NS   (60 * 1000000000LL) /* defaultBookmarkFrequency */
#define WATCHCACHE_PRETIMEOUT_NS (2 * 1000000000LL)  /* a bookmark 2 s before the deadline */

struct watchcache_config {
    const struct resource *res; /* borrowed; field selectors and bookmark kinds */
    struct clock *clock;        /* NULL: the real clock */
    size_t capacity_min;        /* event window bounds; 0: the defaults above */
    size_t capacity_max;
    int64_t fresh_ns;    /* events younger than this make the window grow; 0: 75 s */
    size_t queue_max;    /* live events a watcher may hold unread; 0: 1000 */
    int64_t bookmark_ns; /* bookmark period; 0: 60 s */
};

/* One object as the store reports it: key and the object with its resourceVersion (borrowed;
 * the cache takes its own reference and never modifies it), or object NULL for a deletion at
 * revision. */
struct watchcache_change {
    const char *key;
    json_t *object;
    int64_t revision;
};

struct watchcache;
struct watchcache_watcher;

/* A new cache, not ready until the first watchcache_replace. Free with watchcache_free once
 * every watcher is freed. */
struct watchcache *watchcache_new(const struct watchcache_config *cfg);
void watchcache_free(struct watchcache *c);

/* ---- Feeding: one thread at a time (the reflector) ---- */

/* Replaces the content with a full list read at revision (objects in any order): the window
 * restarts empty after revision, every watcher is ended (its client relists, as Cacher's
 * terminateAllWatchers) and the cache becomes ready. */
void watchcache_replace(struct watchcache *c, const struct watchcache_change *objects, size_t n,
                        int64_t revision);

/* Applies changes in revision order: the store, the window, and each watcher's queue. */
void watchcache_apply(struct watchcache *c, const struct watchcache_change *changes, size_t n);

/* The store reached revision without a change here (a progress notification). */
void watchcache_progress(struct watchcache *c, int64_t revision);

/* ---- Reading ---- */

/* Waits up to timeout_ns for the first replace. Returns whether the cache is ready. */
bool watchcache_wait_ready(struct watchcache *c, int64_t timeout_ns);

/* The revision the cache has reached (0 before the first replace). */
int64_t watchcache_revision(struct watchcache *c);

/* The current size of the event window (for tests and logs). */
size_t watchcache_capacity(struct watchcache *c);

/* The objects under key prefix that sel selects, sorted by key, as a new array of frozen
 * objects (never modify them), with *revision the cache's revision. NULL when the cache is not
 * ready or has not reached min_revision yet (then the caller reads the store). */
json_t *watchcache_list(struct watchcache *c, const char *prefix, const struct rest_selectors *sel,
                        int64_t min_revision, int64_t *revision);

/* What a linearizable read of the store said about a key prefix (etcd3_prefix_state). */
struct watchcache_store_state {
    int64_t revision;         /* the store's revision */
    int64_t count;            /* keys under the prefix */
    int64_t max_mod_revision; /* the newest change among them (0: none) */
};

/* One page of a consistent list. */
struct watchcache_page {
    json_t *items;     /* selected objects sorted by key, frozen (never modify them) */
    int64_t revision;  /* the store revision whose state the page is */
    char *last_key;    /* when keys are left after the limit: the last item's key; else NULL */
    int64_t remaining; /* with last_key: the keys after it (selected or not) */
};

/* A consistent list from the cache (ConsistentListFromCache): waits up to timeout_ns until the
 * content under prefix is the store's at state->revision (the cache reached that revision, or
 * it reached state->max_mod_revision and holds state->count keys under prefix), then fills out
 * with at most limit (0: all) objects that sel selects. Returns 0, or -ETIMEDOUT when the cache
 * was not ready or fresh in time (the caller reads the store). Free out with
 * watchcache_page_free. */
int watchcache_consistent_list(struct watchcache *c, const char *prefix,
                               const struct rest_selectors *sel, int64_t limit,
                               const struct watchcache_store_state *state, int64_t timeout_ns,
                               struct watchcache_page *out);
void watchcache_page_free(struct watchcache_page *p);

/* ---- Watchers ---- */

/* Called when a watcher has something to read (an event, its end). Runs with the cache's and the
 * watcher's locks held, on the feeding thread: it must only wake the reader. */
typedef void (*watchcache_ready_cb)(void *data);

struct watchcache_watch_options {
    const char *prefix;        /* key prefix the watcher sees (copied) */
    struct rest_selectors sel; /* taken over (freed with the watcher) */
    bool from_now;             /* resourceVersion unset or "0": ADDED for the current state */
    int64_t resource_version;  /* else: the events after this revision */
    bool allow_bookmarks;      /* allowWatchBookmarks */
    int64_t deadline_ns;       /* the clock's time the watch ends (timeoutSeconds); 0: none */
};

enum watchcache_watch_result {
    WATCHCACHE_WATCHING,  /* a watcher */
    WATCHCACHE_TOO_OLD,   /* the revision is older than the window: 410 with *message */
    WATCHCACHE_NOT_READY, /* not ready, or the cache started after the revision (the store can
                             still serve it): the caller watches the store directly */
};

/* Starts a watcher. On WATCHCACHE_WATCHING returns it (free with watchcache_watcher_free); else
 * NULL, with Kubernetes' "too old resource version: N (M)" in message for WATCHCACHE_TOO_OLD.
 * opts->sel is taken over in every case. */
struct watchcache_watcher *watchcache_watch(struct watchcache *c,
                                            struct watchcache_watch_options *opts,
                                            watchcache_ready_cb ready_cb, void *data,
                                            enum watchcache_watch_result *result,
                                            char message[256]);

/* One event handed to the reader; valid until watchcache_event_done. */
struct watchcache_event {
    const char *type;     /* "ADDED", "MODIFIED", "DELETED" or "BOOKMARK" */
    const json_t *object; /* frozen: never modify it */
    struct wc_obj *ref;   /* internal */
};

/* Takes the watcher's next event: 1 with *ev filled, 0 when there is nothing now, -1 once the
 * watcher has ended (cut off, relisted, freed cache) and everything was read. A due bookmark
 * comes when the queue is empty. One reader thread per watcher. */
int watchcache_next(struct watchcache_watcher *w, struct watchcache_event *ev);

/* The event's object as compact JSON, encoded once per object and shared by every watcher;
 * valid until watchcache_event_done. */
const char *watchcache_event_json(struct watchcache_event *ev);
void watchcache_event_done(struct watchcache_event *ev);

/* Whether the watcher was cut off for not keeping up. */
bool watchcache_watcher_cut_off(struct watchcache_watcher *w);

/* Detaches and frees the watcher; no ready callback runs for it once this returns. Not from the
 * ready callback. */
void watchcache_watcher_free(struct watchcache_watcher *w);

#endif
