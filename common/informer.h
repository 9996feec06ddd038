/* An informer for one resource, with client-go's reflector and shared-informer semantics
 * (tools/cache): list in pages, watch from the list's resourceVersion with bookmarks, resume a
 * broken watch from the last resourceVersion seen, relist on 410 Gone, back off on failures; a
 * local cache keyed "namespace/name" (or "name") with secondary indexes; add/update/delete
 * handlers. A relist reports objects that vanished meanwhile as deletes with
 * final_state_unknown (DeletedFinalStateUnknown).
 *
 * Threads: the informer runs on a thread of its own with a blocking http_client, which
 * informer_stop cancels, so stop is prompt even while a watch idles. The cache is guarded by a
 * read-write lock: the lookups below may be called from any thread. Objects in the cache are
 * frozen: lookups return new references that must not be modified (json_deep_copy first). */
#ifndef C8S_INFORMER_H
#define C8S_INFORMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "http_client.h"

struct informer;

struct informer_config {
    const struct http_config *http; /* the API server and credentials; borrowed (copied) */
    /* The collection: "/api/v1/pods", "/apis/apps/v1/namespaces/x/deployments". Copied. */
    const char *path;
    const char *label_selector; /* NULL or "" for none; copied */
    const char *field_selector; /* NULL or "" for none (kubelet: "spec.nodeName=n1"); copied */
    int64_t page_size;          /* list limit; 0 means 500 (client-go's pager) */
    /* Failure backoff (client-go's reflector: 800 ms doubling to 30 s, plus up to as much
     * again of jitter); 0 means those defaults. */
    int64_t backoff_initial_ns;
    int64_t backoff_max_ns;
    /* timeoutSeconds of each watch request; 0 means a random 5 to 10 minutes, as client-go. */
    int64_t watch_timeout_ns;
};

/* Handlers, called on the informer's thread in the order of the changes, after the cache has
 * been updated (so the cache may be read from them), never under the cache's lock. Objects are
 * borrowed for the call (take a reference to keep one) and frozen. Handlers should be quick:
 * enqueue a key and return. Any may be NULL. */
struct informer_handlers {
    /* A new object; initial_list when it comes from the first list (client-go's
     * isInInitialList). */
    void (*on_add)(void *data, const json_t *obj, bool initial_list);
    /* A changed object: old is the cached version, cur the new one (resourceVersions differ). */
    void (*on_update)(void *data, const json_t *old, const json_t *cur);
    /* A deleted object; final_state_unknown when the deletion was found by a relist, so obj is
     * the last version this informer saw rather than the deleted one. */
    void (*on_delete)(void *data, const json_t *obj, bool final_state_unknown);
    void *data;
};

/* Index values of one object: an index function appends zero or more values with
 * informer_index_values_add. */
struct informer_index_values {
    char **values;
    size_t count, capacity;
};

/* Appends a copy of value. */
void informer_index_values_add(struct informer_index_values *v, const char *value);

/* Computes obj's values for one index (obj borrowed, frozen). Called under the cache's write
 * lock: it must not call the informer. */
typedef void (*informer_index_fn)(const json_t *obj, struct informer_index_values *out, void *data);

/* Index functions: metadata.namespace (cache.MetaNamespaceIndexFunc), and spec.nodeName when set
 * (the scheduler's and kubelet's pods-by-node). data unused. */
void informer_index_namespace(const json_t *obj, struct informer_index_values *out, void *data);
void informer_index_node_name(const json_t *obj, struct informer_index_values *out, void *data);

/* A new, stopped informer for cfg (borrowed; everything is copied). Returns NULL with err
 * filled when the path is empty or not absolute, or the http config is refused
 * (http_client_new's errors). Free with informer_free. */
struct informer *informer_new(const struct informer_config *cfg, struct err *err);

/* Adds an index called name (copied) before informer_start. Returns 0, -EEXIST when the name is
 * taken, -EBUSY after start. */
int informer_add_index(struct informer *inf, const char *name, informer_index_fn fn,
                       void *data) C8S_MUST_USE;

/* Adds a handler set (copied; data borrowed) before informer_start. Returns 0 or -EBUSY after
 * start. */
int informer_add_handlers(struct informer *inf, const struct informer_handlers *h) C8S_MUST_USE;

/* Starts the informer's thread. Returns 0, -EBUSY when already started, or -errno when the
 * thread cannot be created. */
int informer_start(struct informer *inf, struct err *err) C8S_MUST_USE;

/* Stops the informer and joins its thread: a request in flight is cancelled, a backoff wait
 * ends, waiters in informer_wait_for_sync return. Returns once no handler runs any more. The
 * cache stays readable. Idempotent; not from a handler. */
void informer_stop(struct informer *inf);

/* Stops (informer_stop) and frees inf and its cache. NULL is a no-op. */
void informer_free(struct informer *inf);

/* Whether the first list has been stored and its adds handed to the handlers. */
bool informer_has_synced(struct informer *inf);

/* Waits until informer_has_synced, timeout_ns passes, or the informer stops. Returns whether it
 * synced (cache.WaitForCacheSync). Any thread. */
bool informer_wait_for_sync(struct informer *inf, int64_t timeout_ns);

/* The cache key of obj: "namespace/name", or "name" for cluster-scoped objects
 * (cache.MetaNamespaceKeyFunc). Returns an owned string, NULL when obj has no metadata.name. */
char *informer_key(const json_t *obj);

/* The cached object for key ("namespace/name"), as a new reference (frozen), or NULL. */
json_t *informer_get(struct informer *inf, const char *key);

/* Every cached object, as a new array (its items frozen), in no particular order. */
json_t *informer_list(struct informer *inf);

/* The cached objects whose index called index_name has value, as a new array (items frozen), or
 * NULL when there is no such index (cache.Indexer.ByIndex). */
json_t *informer_by_index(struct informer *inf, const char *index_name, const char *value);

/* The number of cached objects. */
size_t informer_len(struct informer *inf);

/* The resourceVersion the cache reflects (the last list's, event's or bookmark's), as an owned
 * string; "" before the first list (Reflector.LastSyncResourceVersion). */
char *informer_last_sync_resource_version(struct informer *inf);

/* How many complete lists (pages not counted) the informer has stored: 1 after a clean start,
 * one more per relist (after 410 Gone, or a failure other than a broken connection; a watch that
 * merely breaks resumes without a list). For tests and metrics. */
uint64_t informer_list_count(struct informer *inf);

#endif
