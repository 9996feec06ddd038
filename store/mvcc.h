/* The pure MVCC index under kv.c: every key's versions since the last compaction, ordered by key
 * in a treap (O(log n) seek, live-key counts per subtree for O(log n) range counts), plus a log
 * of which versions each revision wrote (watch catch-up). Semantics follow etcd 3.4's mvcc
 * package: one main revision per write txn, sub-revisions inside it, tombstones end a key's
 * generation, compaction keeps the newest version at or below the compact revision. */
#ifndef C8S_STORE_MVCC_H
#define C8S_STORE_MVCC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mvcc_key;

/* One version of one key, or the tombstone that deleted it. Owned by the index; the pointer is
 * stable until the version is compacted away (or the index freed). */
struct mvcc_entry {
    struct mvcc_key *key;
    int64_t mod_revision;
    int64_t create_revision; /* 0 for a tombstone */
    int64_t version;         /* 0 for a tombstone */
    int64_t lease;           /* 0 for none (and for a tombstone) */
    uint32_t sub;            /* position of this change inside its revision */
    bool tombstone;
    size_t value_len;
    uint8_t value[];
};

/* A key of the index with its versions in (mod_revision, sub) order. lease_prev/lease_next are
 * free for the owner's lease bookkeeping (kv.c links keys attached to one lease); the index only
 * clears them. */
struct mvcc_key {
    struct mvcc_key *left, *right;
    uint32_t prio;
    bool live;       /* the newest version is not a tombstone */
    size_t live_sum; /* live keys in this subtree */
    struct mvcc_entry **entries;
    uint32_t nentries, cap;
    struct mvcc_key *lease_prev, *lease_next;
    size_t key_len;
    uint8_t key[];
};

struct mvcc;

struct mvcc *mvcc_new(void);
void mvcc_free(struct mvcc *m);

/* Committed revision (1 when empty); compacted revision (0 when never). */
int64_t mvcc_revision(const struct mvcc *m);
int64_t mvcc_compact_revision(const struct mvcc *m);
/* The revision a read inside the current write txn sees: the committed one, plus one once the
 * txn has written something (etcd's storeTxnWrite.Rev). */
int64_t mvcc_read_revision(const struct mvcc *m);

/* Number of keys alive at the read revision; bytes held (keys, versions, values). */
size_t mvcc_live_count(const struct mvcc *m);
size_t mvcc_size_bytes(const struct mvcc *m);

/* Borrowed key node or NULL. */
struct mvcc_key *mvcc_find(const struct mvcc *m, const uint8_t *key, size_t len);

/* The key's version visible at rev (newest with mod_revision <= rev), or NULL when the key did
 * not exist then (never written, or its newest version there is a tombstone). */
const struct mvcc_entry *mvcc_key_at(const struct mvcc_key *k, int64_t rev);
/* The newest version, tombstone included; NULL never happens for a key in the index. */
const struct mvcc_entry *mvcc_key_latest(const struct mvcc_key *k);
/* The version before e of the same key, or NULL when e created the key (or the version before is
 * a tombstone or compacted away). */
const struct mvcc_entry *mvcc_entry_prev(const struct mvcc_entry *e);

/* In-order iteration over keys in [key, end). end_len 0 means "to the end of the key space".
 * The index must not change while an iterator is open (tombstoning is fine: it keeps nodes). */
struct mvcc_iter {
    struct mvcc_key **stack;
    size_t n, cap;
    struct mvcc_key *inline_stack[48];
    const uint8_t *end;
    size_t end_len;
};
void mvcc_iter_seek(struct mvcc_iter *it, const struct mvcc *m, const uint8_t *key, size_t len,
                    const uint8_t *end, size_t end_len);
/* Next key, or NULL at the end. */
struct mvcc_key *mvcc_iter_next(struct mvcc_iter *it);
void mvcc_iter_close(struct mvcc_iter *it);

/* Keys alive at the read revision in [key, end) (end_len 0: to the end), in O(log n). */
size_t mvcc_count_live(const struct mvcc *m, const uint8_t *key, size_t len, const uint8_t *end,
                       size_t end_len);

/* Writes. Each write joins the current txn at revision mvcc_revision()+1; mvcc_commit closes it.
 * mvcc_put returns the new version (the previous one is mvcc_key_at(k, read revision) taken
 * before the call). mvcc_tombstone deletes a live key. */
const struct mvcc_entry *mvcc_put(struct mvcc *m, const uint8_t *key, size_t len,
                                  const uint8_t *value, size_t value_len, int64_t lease);
const struct mvcc_entry *mvcc_tombstone(struct mvcc *m, struct mvcc_key *k);
/* Commits the txn: returns the number of changes and (when changes is not NULL) borrows them in
 * order of application. With no change the revision stays. */
size_t mvcc_commit(struct mvcc *m, const struct mvcc_entry *const **changes);

/* The changes of one committed revision in (compact, current], or NULL (*n = 0). Borrowed until
 * the next write or compaction. */
const struct mvcc_entry *const *mvcc_changes(const struct mvcc *m, int64_t rev, size_t *n);

/* Drops history: every key keeps its newest version <= rev (unless it is a tombstone) and all
 * later ones; keys left without versions leave the index. Caller checks compact < rev <= current
 * and that no txn is open. A dropped key is dead, so no lease list links it. */
void mvcc_compact(struct mvcc *m, int64_t rev);

/* A growable byte buffer and a bounds-checked reader for the snapshot format. */
struct mvcc_buf {
    uint8_t *p;
    size_t len, cap;
};
void mvcc_buf_put(struct mvcc_buf *b, const void *p, size_t n);
void mvcc_buf_uvarint(struct mvcc_buf *b, uint64_t v);
void mvcc_buf_varint(struct mvcc_buf *b, int64_t v); /* zigzag */

struct mvcc_reader {
    const uint8_t *p;
    size_t len, off;
    bool bad; /* sticky: any read past the end or malformed varint */
};
uint64_t mvcc_read_uvarint(struct mvcc_reader *r);
int64_t mvcc_read_varint(struct mvcc_reader *r);
/* Borrowed pointer to the next n bytes, or NULL (and bad) when fewer remain. */
const uint8_t *mvcc_read_bytes(struct mvcc_reader *r, size_t n);

/* Appends the index (revision, compact revision, every key and version) to b. */
void mvcc_encode(const struct mvcc *m, struct mvcc_buf *b);
/* Reads what mvcc_encode wrote into a new index; NULL when the data is malformed (r->bad). */
struct mvcc *mvcc_decode(struct mvcc_reader *r);

/* 64-bit hash of bytes (seeded), used for checksums, kv_hash and treap priorities. */
uint64_t mvcc_hash64(const void *p, size_t n, uint64_t seed);
/* Feeds the whole index (revisions and every retained version) into a running hash. */
uint64_t mvcc_hash_state(const struct mvcc *m, uint64_t h);

#endif
