/* The store's state machine: etcd's MVCC key space (revisions, history until compaction, leases)
 * with etcd v3's JSON request and response shapes. Everything that changes state is a command
 * applied in raft log order on every member, so kv_apply is deterministic: no clock, no
 * randomness, no local configuration. Loop-bound: one thread (the store's libuv loop) uses it. */
#ifndef C8S_STORE_KV_H
#define C8S_STORE_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* A client-visible failure, shaped like etcd's gateway error:
 * {"error":msg,"message":msg,"code":grpc}. grpc_code/http_status pairs as etcd: 3/400 invalid
 * argument, 11/400 out of range (compacted, future revision), 5/404 not found (lease), 9/412 failed
 * precondition (lease exists), 8/429 resource exhausted (too large). */
struct kv_error {
    int grpc_code;
    int http_status;
    char message[256];
};

enum kv_cmd {
    KV_CMD_PUT = 1,          /* body: etcd PutRequest */
    KV_CMD_DELETE_RANGE = 2, /* body: etcd DeleteRangeRequest */
    KV_CMD_TXN = 3,          /* body: etcd TxnRequest (nested txns allowed) */
    KV_CMD_COMPACT = 4,      /* body: etcd CompactionRequest */
    KV_CMD_LEASE_GRANT = 5,  /* body: {"ID":n,"TTL":n}; ID chosen by the leader, never 0 */
    KV_CMD_LEASE_REVOKE = 6, /* body: {"ID":n}; also how the leader expires a lease */
    KV_CMD_META_SET = 7,     /* body: {"name":s,"value":json|null}; store-internal metadata */
};

/* An event as a watcher sees it: a put or a delete of one key at one revision. Pointers borrow
 * from the store and stay valid only during the callback. prev is the key's previous version
 * (NULL when the key did not exist). For a delete, kv holds only key and mod_revision (value
 * NULL/0, create_revision, version and lease 0), as etcd's watch shows it. */
struct kv_kv {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
    int64_t create_revision;
    int64_t mod_revision;
    int64_t version;
    int64_t lease;
};

struct kv_event {
    bool is_delete;
    struct kv_kv kv;
    const struct kv_kv *prev; /* NULL when none */
};

/* Called once per applied revision that changed keys, with every event of that revision (one
 * txn = one revision = one call), in key order of application. Borrowed; do not call kv_apply
 * from inside. */
typedef void (*kv_events_cb)(void *data, int64_t revision, const struct kv_event *events,
                             size_t count);

struct kv_store;

struct kv_store *kv_new(void);
void kv_free(struct kv_store *kv);

/* Register the one listener for applied events (the watch hub). data is borrowed. */
void kv_set_events_cb(struct kv_store *kv, kv_events_cb cb, void *data);

/* Current revision (1 on an empty store, as etcd) and the compacted revision (0 when never). */
int64_t kv_revision(const struct kv_store *kv);
int64_t kv_compact_revision(const struct kv_store *kv);

/* Validates a client request before it is proposed (bad base64, empty key, duplicate keys in a
 * txn, more than max_txn_ops operations, unknown enum names, JSON type errors ...), with etcd's
 * messages (code 3, HTTP 400; too large lease TTL 11/400). Returns 0 or -1 with err filled.
 * Does not look at state. A NULL request counts as {}. LEASE_GRANT accepts ID 0 here (the
 * leader fills it in before proposing); kv_apply refuses it. */
int kv_validate(enum kv_cmd cmd, const json_t *request, size_t max_txn_ops, struct kv_error *err);

/* Applies one command. On success returns 0 and, when response is not NULL, stores a new
 * reference to the etcd response body WITHOUT "header" (the server adds it; nested txn responses
 * carry their own {"revision":..} headers as etcd does). For every command the top-level
 * header revision is kv_revision() right after the call. With response NULL no JSON is built
 * (followers). A business failure (compacted, lease not found, ignore_value on a missing
 * key...) returns -1 with err filled and changes nothing. kv_apply re-runs the stateless checks
 * itself, except max_txn_ops (local configuration). Deterministic: every member applying the
 * same commands reaches the same state. Events are delivered before it returns. */
int kv_apply(struct kv_store *kv, enum kv_cmd cmd, const json_t *request, json_t **response,
             struct kv_error *err);

/* A read: etcd RangeRequest on local state (validated here: base64, empty key, types). Returns a
 * new reference to the body without header (its revision is kv_revision()), or NULL with err
 * filled (invalid request, compacted / future revision). O(log n) seek; a count at the current
 * revision is O(log n); a historical count walks the keys of the range. */
json_t *kv_range(struct kv_store *kv, const json_t *request, struct kv_error *err);

/* Watch catch-up: calls cb for every revision in [start_revision, current] that touched a key in
 * [key, range_end) (etcd range_end rules: empty = the single key, "\0" = to the end), in order.
 * Returns 0, or -1 with err filled (11/400 compacted) when start_revision <= the compacted
 * revision (then *compact_revision, when not NULL, says which). start_revision <= 0 gives no
 * events and returns 0: resolve etcd's "0 = current + 1" before calling. */
int kv_history(struct kv_store *kv, int64_t start_revision, const uint8_t *key, size_t key_len,
               const uint8_t *range_end, size_t range_end_len, kv_events_cb cb, void *data,
               int64_t *compact_revision, struct kv_error *err);

/* Leases as stored state (TTL bookkeeping is the leader's, outside). */
bool kv_lease_exists(const struct kv_store *kv, int64_t id);
/* Returns a new array of {"ID":"n","TTL":"n"} (granted TTL) objects, sorted by ID. */
json_t *kv_lease_list(const struct kv_store *kv);
/* Granted TTL, or -1 when the lease does not exist; keys attached (new array of base64 strings)
 * when keys is not NULL. */
int64_t kv_lease_granted_ttl(const struct kv_store *kv, int64_t id, json_t **keys);

/* Store-internal metadata (e.g. the members table): borrowed value or NULL. */
const json_t *kv_meta_get(const struct kv_store *kv, const char *name);

/* Snapshots of the whole state (history since compaction, leases, metadata) for raft snapshots
 * and backups. kv_snapshot_save returns a malloc'd buffer (free()) in *buf, its size in *len;
 * equal states give equal bytes. kv_snapshot_load replaces the state (the events listener
 * stays; resync watchers yourself); returns 0 or -1 with err filled (13/500 "snapshot: ...") on
 * a corrupt, truncated or unknown-version buffer (checksummed), leaving the state unchanged.
 * Format (kv.c): "C8SKVSN1", u32 version, varint-coded keys/versions, leases, metadata JSON,
 * 64-bit checksum. */
int kv_snapshot_save(const struct kv_store *kv, void **buf, size_t *len);
int kv_snapshot_load(struct kv_store *kv, const void *buf, size_t len, struct kv_error *err);

/* A hash of the key space: revision, compact revision and every retained version of every key
 * (not leases or metadata). Equal on members with equal state (for /v3/maintenance/hash and
 * tests that compare members); not etcd's value. */
uint32_t kv_hash(const struct kv_store *kv);

/* Number of live keys at the current revision, and approximate bytes held (keys, every retained
 * version, leases) for maintenance/status dbSize and metrics. */
size_t kv_key_count(const struct kv_store *kv);
size_t kv_size_bytes(const struct kv_store *kv);

#endif
