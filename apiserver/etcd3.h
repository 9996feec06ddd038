/* The API server's storage client: etcd's v3 JSON API as k8s.io/apiserver's storage/etcd3 uses
 * it (keys /registry/<resource>/<namespace>/<name>, create/update/delete as transactions guarded
 * on mod_revision, paged ranges, watches from a revision, compaction coordinated through
 * compact_rev_key). --etcd-servers may name c8s-store members or a real etcd; both are tested.
 * Thread-safe: each calling thread gets its own connection (curl handles never cross threads);
 * a request that cannot reach one endpoint moves on to the next. */
#ifndef C8S_APISERVER_ETCD3_H
#define C8S_APISERVER_ETCD3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct etcd3_config {
    const char *endpoints; /* comma-separated, e.g. "https://127.0.0.1:2379,https://..." */
    const char *ca_file;   /* --etcd-cafile */
    const char *cert_file; /* --etcd-certfile */
    const char *key_file;  /* --etcd-keyfile */
    int64_t timeout_ms;    /* per request; 0 means 10 s */
};

/* One key-value. key and value are owned (NUL-terminated for convenience; lengths exclude it). */
struct etcd3_kv {
    char *key;
    size_t key_len;
    char *value;
    size_t value_len;
    int64_t create_revision;
    int64_t mod_revision;
    int64_t version;
    int64_t lease;
};

struct etcd3_list {
    struct etcd3_kv *kvs; /* owned array */
    size_t count;         /* entries in kvs */
    bool more;            /* the range had more keys than the limit */
    int64_t total;        /* every key in the range (etcd's count), for remainingItemCount */
    int64_t revision;     /* the store revision the list was read at (header.revision) */
};

struct etcd3;

/* Returns a client, or NULL with err filled (no endpoint, unreadable TLS files). Connects lazily.
 */
struct etcd3 *etcd3_new(const struct etcd3_config *cfg, struct err *err);
void etcd3_free(struct etcd3 *c);

void etcd3_kv_free(struct etcd3_kv *kv); /* frees the fields, zeroes the struct */
void etcd3_list_free(struct etcd3_list *l);

/* Errors common to every call: -ETIMEDOUT / -ECONNREFUSED / -EAGAIN when no endpoint answers
 * (the apiserver maps them to 504/503), -C8S_EGONE when a revision was compacted (410),
 * -C8S_ETOOLARGE for a revision in the future, -EINVAL for a request etcd refused. */

/* A linearizable read of one key. Returns 0 with *out filled, -ENOENT when absent (then
 * *revision still holds the store revision). revision may be NULL. */
int etcd3_get(struct etcd3 *c, const char *key, struct etcd3_kv *out, int64_t *revision,
              struct err *err) C8S_MUST_USE;

/* A range over [start, end) (end NULL: the prefix range of start, i.e. start with its last byte
 * + 1), at most limit keys (0: all), at revision (0: current, linearizable). */
int etcd3_list(struct etcd3 *c, const char *start, const char *end, int64_t limit, int64_t revision,
               struct etcd3_list *out, struct err *err) C8S_MUST_USE;

/* Number of keys under prefix (count_only). */
int etcd3_count(struct etcd3 *c, const char *prefix, int64_t *count, struct err *err) C8S_MUST_USE;

/* What a linearizable read says of the keys under prefix: the store's revision, how many keys
 * there are and the highest mod_revision among them (0 when none). One range (keys only, sorted
 * by mod_revision, limit 1) that etcd 3.4 and c8s-store both serve; a cache that has reached
 * max_mod_revision and holds count keys holds exactly what the store held at revision. */
struct etcd3_prefix_state {
    int64_t revision;
    int64_t count;
    int64_t max_mod_revision;
};
int etcd3_prefix_state(struct etcd3 *c, const char *prefix, struct etcd3_prefix_state *out,
                       struct err *err) C8S_MUST_USE;

/* Creates key only if it does not exist (txn: mod_revision == 0). Returns 0 with the new
 * revision, or -EEXIST. lease 0 means none. */
int etcd3_create(struct etcd3 *c, const char *key, const char *value, size_t len, int64_t lease,
                 int64_t *revision, struct err *err) C8S_MUST_USE;

/* Replaces key only if its mod_revision is still expected_revision (GuaranteedUpdate's txn:
 * success put, failure range). Returns 0 with the new revision; -C8S_ECONFLICT with *current
 * filled from the failure branch when the key changed; -ENOENT when it is gone. current may be
 * NULL. */
int etcd3_update(struct etcd3 *c, const char *key, const char *value, size_t len,
                 int64_t expected_revision, int64_t lease, int64_t *revision,
                 struct etcd3_kv *current, struct err *err) C8S_MUST_USE;

/* Deletes key if its mod_revision is expected_revision (0: whatever it is). Returns 0 with the
 * deletion revision and *deleted (the value before deletion; may be NULL); -C8S_ECONFLICT with
 * *deleted holding the current value; -ENOENT when absent. */
int etcd3_delete(struct etcd3 *c, const char *key, int64_t expected_revision, int64_t *revision,
                 struct etcd3_kv *deleted, struct err *err) C8S_MUST_USE;

/* A lease of ttl seconds (for Events' TTL); returns its ID. */
int etcd3_lease_grant(struct etcd3 *c, int64_t ttl, int64_t *id, struct err *err) C8S_MUST_USE;

/* One compaction round as kube-apiserver runs it every --etcd-compaction-interval: a txn on
 * compact_rev_key (version == *last_version) records the current revision; whoever wins
 * compacts to the revision recorded the round before (*last_revision), so one interval of history
 * always survives and several apiservers compact once. Updates *last_version and *last_revision. */
int etcd3_compact_round(struct etcd3 *c, int64_t *last_version, int64_t *last_revision,
                        struct err *err) C8S_MUST_USE;

/* ---- This client's own writes, for caches that must read them ---- */

/* Starts tracking the writes (create, update, delete) this client makes under prefix (copied;
 * at most ETCD3_TRACKED_MAX prefixes; registering one twice is a no-op). Register before the
 * cache that relies on it first lists: a write that completed earlier is in that list. Returns
 * 0, or -ENOSPC when the table is full. Thread-safe. */
#define ETCD3_TRACKED_MAX 256
int etcd3_track_writes(struct etcd3 *c, const char *prefix) C8S_MUST_USE;

/* The highest revision of a write this client completed under a tracked prefix (0 when none
 * yet), or -1 when prefix is not tracked. A cache that has reached this revision holds every
 * write this process made there (read-your-writes). Thread-safe, lock-free. */
int64_t etcd3_written_revision(struct etcd3 *c, const char *prefix);

/* ---- Watch ---- */

enum etcd3_event_type { ETCD3_PUT, ETCD3_DELETE };

struct etcd3_event {
    enum etcd3_event_type type;
    struct etcd3_kv kv;      /* for a delete: key and mod_revision (the deletion revision) */
    struct etcd3_kv prev_kv; /* the value before (prev_kv); zeroed when there was none */
};

/* Called on the watch's own thread with the events of one or more revisions, in order; borrowed
 * for the call. Also called with count 0 and progress_revision > 0 for a progress notification.
 * Return 0 to go on, non-zero to end the watch. */
typedef int (*etcd3_watch_cb)(void *data, const struct etcd3_event *events, size_t count,
                              int64_t progress_revision);

/* Called once when the watch ends for good: code -C8S_EGONE (start revision compacted: relist)
 * or 0 after etcd3_watch_stop or a callback that asked to end. */
typedef void (*etcd3_watch_end_cb)(void *data, int code, const struct err *err);

struct etcd3_watch;

/* Watches the prefix range of prefix from start_revision (the first revision delivered), with
 * prev_kv and progress notifications, on a thread of its own. When the stream breaks it
 * reconnects (to any endpoint, capped backoff) from the revision after the last one delivered,
 * so no event is lost or repeated. */
struct etcd3_watch *etcd3_watch_start(struct etcd3 *c, const char *prefix, int64_t start_revision,
                                      etcd3_watch_cb cb, etcd3_watch_end_cb end_cb, void *data,
                                      struct err *err);

/* Stops the watch and joins its thread (end_cb runs before this returns). Not from a callback. */
void etcd3_watch_stop(struct etcd3_watch *w);

/* The endpoints --etcd-servers named: their number, and the i-th ("http(s)://host:port",
 * borrowed from c; NULL past the end). */
size_t etcd3_endpoint_count(const struct etcd3 *c);
const char *etcd3_endpoint(const struct etcd3 *c, size_t i);

/* Asks the i-th endpoint for its health as etcd's /health answers it (componentstatuses):
 * 0 when it says {"health":"true"}; -EIO when it answers otherwise, or the http_send codes
 * (-ECONNREFUSED, -ETIMEDOUT, ...) with err filled in Go's `Get "URL": ...` form. Thread-safe
 * (uses the calling thread's connection). */
int etcd3_endpoint_health(struct etcd3 *c, size_t i, struct err *err) C8S_MUST_USE;

#endif
