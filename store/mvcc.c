/* The MVCC index: a treap of keys (priority = hash of the key, so every member builds the same
 * shape) whose nodes hold their versions, and a revision log of changes. Follows etcd 3.4's
 * mvcc keyIndex/treeIndex semantics (generations, tombstones, compaction keeping the newest
 * version at or below the compact revision). */
#include "mvcc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* The changes of one revision; one change (the common single put) is kept inline. */
struct rev_rec {
    struct mvcc_entry **v;
    struct mvcc_entry *one;
    uint32_t n;
};

struct mvcc {
    struct mvcc_key *root;
    size_t nkeys; /* nodes in the treap, dead keys included */
    int64_t rev;
    int64_t compact;
    size_t bytes;
    /* the open write txn */
    struct mvcc_entry **pending;
    size_t npending, cap_pending;
    /* revlog[i] holds revision revlog_base + i */
    struct rev_rec *revlog;
    size_t nrevlog, cap_revlog;
    int64_t revlog_base;
};

/* ---- hashing ---- */

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t mvcc_hash64(const void *data, size_t n, uint64_t seed)
{
    const uint8_t *p = data;
    uint64_t h = seed ^ ((uint64_t)n * P1);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h ^= rotl64(w * P2, 31) * P1;
        h = rotl64(h, 27) * P1 + P3;
        p += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < n; i++) {
        tail |= (uint64_t)p[i] << (8 * i);
    }
    h ^= rotl64(tail * P2, 31) * P1;
    return mix64(h);
}

static uint64_t hash_i64(uint64_t h, int64_t v)
{
    return mix64(h ^ ((uint64_t)v * P2)) + P3;
}

/* ---- keys and the treap ---- */

static int key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0) {
        return c;
    }
    return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

static inline size_t sum_of(const struct mvcc_key *k)
{
    return k ? k->live_sum : 0;
}

static inline void pull(struct mvcc_key *k)
{
    k->live_sum = (k->live ? 1 : 0) + sum_of(k->left) + sum_of(k->right);
}

static struct mvcc_key *rotate_right(struct mvcc_key *k)
{
    struct mvcc_key *l = k->left;
    k->left = l->right;
    l->right = k;
    pull(k);
    pull(l);
    return l;
}

static struct mvcc_key *rotate_left(struct mvcc_key *k)
{
    struct mvcc_key *r = k->right;
    k->right = r->left;
    r->left = k;
    pull(k);
    pull(r);
    return r;
}

static struct mvcc_key *treap_insert(struct mvcc_key *root, struct mvcc_key *n)
{
    if (root == NULL) {
        return n;
    }
    if (key_cmp(n->key, n->key_len, root->key, root->key_len) < 0) {
        root->left = treap_insert(root->left, n);
        if (root->left->prio > root->prio) {
            return rotate_right(root);
        }
    } else {
        root->right = treap_insert(root->right, n);
        if (root->right->prio > root->prio) {
            return rotate_left(root);
        }
    }
    pull(root);
    return root;
}

static void key_free(struct mvcc_key *k)
{
    for (uint32_t i = 0; i < k->nentries; i++) {
        free(k->entries[i]);
    }
    free(k->entries);
    free(k);
}

static void treap_free(struct mvcc_key *k)
{
    while (k != NULL) {
        treap_free(k->left);
        struct mvcc_key *r = k->right;
        key_free(k);
        k = r;
    }
}

static void pull_all(struct mvcc_key *k)
{
    if (k == NULL) {
        return;
    }
    pull_all(k->left);
    pull_all(k->right);
    pull(k);
}

/* Builds a treap from keys in ascending order in O(n) (Cartesian tree with a stack). */
static struct mvcc_key *treap_build(struct mvcc_key **keys, size_t n)
{
    if (n == 0) {
        return NULL;
    }
    struct mvcc_key **stack = xmalloc(n * sizeof *stack);
    size_t top = 0;
    for (size_t i = 0; i < n; i++) {
        struct mvcc_key *x = keys[i];
        struct mvcc_key *last = NULL;
        x->left = x->right = NULL;
        while (top > 0 && stack[top - 1]->prio < x->prio) {
            last = stack[--top];
        }
        x->left = last;
        if (top > 0) {
            stack[top - 1]->right = x;
        }
        stack[top++] = x;
    }
    struct mvcc_key *root = stack[0];
    free(stack);
    pull_all(root);
    return root;
}

static struct mvcc_key *key_new(const uint8_t *key, size_t len)
{
    struct mvcc_key *k = xcalloc(1, sizeof *k + len);
    k->key_len = len;
    if (len) {
        memcpy(k->key, key, len);
    }
    k->prio = (uint32_t)mvcc_hash64(key, len, 0x5eed);
    return k;
}

/* Adds delta to live_sum on the path to k (k is in the tree). */
static void live_adjust(struct mvcc *m, struct mvcc_key *k, int delta)
{
    struct mvcc_key *n = m->root;
    while (n != NULL) {
        n->live_sum = (size_t)((int64_t)n->live_sum + delta);
        if (n == k) {
            return;
        }
        int c = key_cmp(k->key, k->key_len, n->key, n->key_len);
        n = c < 0 ? n->left : n->right;
    }
    assert(!"key not in tree");
}

/* ---- public ---- */

struct mvcc *mvcc_new(void)
{
    struct mvcc *m = xcalloc(1, sizeof *m);
    m->rev = 1;
    m->revlog_base = 2;
    return m;
}

static void revlog_free_range(struct mvcc *m, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (m->revlog[i].n > 1) {
            free(m->revlog[i].v);
        }
    }
}

void mvcc_free(struct mvcc *m)
{
    if (m == NULL) {
        return;
    }
    treap_free(m->root);
    revlog_free_range(m, 0, m->nrevlog);
    free(m->revlog);
    free(m->pending);
    free(m);
}

int64_t mvcc_revision(const struct mvcc *m)
{
    return m->rev;
}

int64_t mvcc_compact_revision(const struct mvcc *m)
{
    return m->compact;
}

int64_t mvcc_read_revision(const struct mvcc *m)
{
    return m->npending ? m->rev + 1 : m->rev;
}

size_t mvcc_live_count(const struct mvcc *m)
{
    return sum_of(m->root);
}

size_t mvcc_size_bytes(const struct mvcc *m)
{
    return m->bytes;
}

struct mvcc_key *mvcc_find(const struct mvcc *m, const uint8_t *key, size_t len)
{
    struct mvcc_key *n = m->root;
    while (n != NULL) {
        int c = key_cmp(key, len, n->key, n->key_len);
        if (c == 0) {
            return n;
        }
        n = c < 0 ? n->left : n->right;
    }
    return NULL;
}

/* Index of the newest entry with mod_revision <= rev, or -1. */
static int64_t entry_index_at(const struct mvcc_key *k, int64_t rev)
{
    if (k->nentries == 0) {
        return -1;
    }
    if (k->entries[k->nentries - 1]->mod_revision <= rev) {
        return (int64_t)k->nentries - 1;
    }
    size_t lo = 0, hi = k->nentries; /* first index with mod > rev */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->entries[mid]->mod_revision <= rev) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return (int64_t)lo - 1;
}

const struct mvcc_entry *mvcc_key_at(const struct mvcc_key *k, int64_t rev)
{
    int64_t i = entry_index_at(k, rev);
    if (i < 0 || k->entries[i]->tombstone) {
        return NULL;
    }
    return k->entries[i];
}

const struct mvcc_entry *mvcc_key_latest(const struct mvcc_key *k)
{
    return k->nentries ? k->entries[k->nentries - 1] : NULL;
}

const struct mvcc_entry *mvcc_entry_prev(const struct mvcc_entry *e)
{
    const struct mvcc_key *k = e->key;
    size_t lo = 0, hi = k->nentries; /* first index not before e */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct mvcc_entry *x = k->entries[mid];
        if (x->mod_revision < e->mod_revision ||
            (x->mod_revision == e->mod_revision && x->sub < e->sub)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0 || k->entries[lo - 1]->tombstone) {
        return NULL;
    }
    return k->entries[lo - 1];
}

/* ---- iteration and counting ---- */

static void iter_push(struct mvcc_iter *it, struct mvcc_key *k)
{
    if (it->n == it->cap) {
        size_t cap = it->cap * 2;
        if (it->stack == it->inline_stack) {
            it->stack = xmalloc(cap * sizeof *it->stack);
            memcpy(it->stack, it->inline_stack, it->n * sizeof *it->stack);
        } else {
            it->stack = xrealloc(it->stack, cap * sizeof *it->stack);
        }
        it->cap = cap;
    }
    it->stack[it->n++] = k;
}

void mvcc_iter_seek(struct mvcc_iter *it, const struct mvcc *m, const uint8_t *key, size_t len,
                    const uint8_t *end, size_t end_len)
{
    it->stack = it->inline_stack;
    it->cap = sizeof it->inline_stack / sizeof it->inline_stack[0];
    it->n = 0;
    it->end = end;
    it->end_len = end_len;
    struct mvcc_key *n = m->root;
    while (n != NULL) {
        if (key_cmp(n->key, n->key_len, key, len) >= 0) {
            iter_push(it, n);
            n = n->left;
        } else {
            n = n->right;
        }
    }
}

struct mvcc_key *mvcc_iter_next(struct mvcc_iter *it)
{
    if (it->n == 0) {
        return NULL;
    }
    struct mvcc_key *k = it->stack[--it->n];
    if (it->end_len && key_cmp(k->key, k->key_len, it->end, it->end_len) >= 0) {
        it->n = 0;
        return NULL;
    }
    for (struct mvcc_key *c = k->right; c != NULL; c = c->left) {
        iter_push(it, c);
    }
    return k;
}

void mvcc_iter_close(struct mvcc_iter *it)
{
    if (it->stack != it->inline_stack) {
        free(it->stack);
    }
    it->stack = it->inline_stack;
    it->n = 0;
}

/* Live keys strictly below key. */
static size_t live_rank(const struct mvcc *m, const uint8_t *key, size_t len)
{
    size_t r = 0;
    const struct mvcc_key *n = m->root;
    while (n != NULL) {
        if (key_cmp(n->key, n->key_len, key, len) < 0) {
            r += sum_of(n->left) + (n->live ? 1 : 0);
            n = n->right;
        } else {
            n = n->left;
        }
    }
    return r;
}

size_t mvcc_count_live(const struct mvcc *m, const uint8_t *key, size_t len, const uint8_t *end,
                       size_t end_len)
{
    size_t lo = live_rank(m, key, len);
    size_t hi = end_len ? live_rank(m, end, end_len) : sum_of(m->root);
    return hi > lo ? hi - lo : 0;
}

/* ---- writes ---- */

static void pending_add(struct mvcc *m, struct mvcc_entry *e)
{
    if (m->npending == m->cap_pending) {
        m->cap_pending = m->cap_pending ? m->cap_pending * 2 : 16;
        m->pending = xrealloc(m->pending, m->cap_pending * sizeof *m->pending);
    }
    e->sub = (uint32_t)m->npending;
    m->pending[m->npending++] = e;
}

static void key_append(struct mvcc_key *k, struct mvcc_entry *e)
{
    if (k->nentries == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 2;
        k->entries = xrealloc(k->entries, k->cap * sizeof *k->entries);
    }
    k->entries[k->nentries++] = e;
}

static size_t entry_bytes(const struct mvcc_entry *e)
{
    return sizeof *e + e->value_len + sizeof(void *);
}

static size_t key_bytes(const struct mvcc_key *k)
{
    return sizeof *k + k->key_len;
}

const struct mvcc_entry *mvcc_put(struct mvcc *m, const uint8_t *key, size_t len,
                                  const uint8_t *value, size_t value_len, int64_t lease)
{
    int64_t rev = m->rev + 1;
    struct mvcc_key *k = mvcc_find(m, key, len);
    if (k == NULL) {
        k = key_new(key, len);
        m->root = treap_insert(m->root, k);
        m->bytes += key_bytes(k);
        m->nkeys++;
    }
    const struct mvcc_entry *cur = mvcc_key_latest(k);
    if (cur != NULL && cur->tombstone) {
        cur = NULL;
    }
    struct mvcc_entry *e = xmalloc(sizeof *e + value_len);
    e->key = k;
    e->mod_revision = rev;
    e->create_revision = cur ? cur->create_revision : rev;
    e->version = cur ? cur->version + 1 : 1;
    e->lease = lease;
    e->tombstone = false;
    e->value_len = value_len;
    if (value_len) {
        memcpy(e->value, value, value_len);
    }
    key_append(k, e);
    pending_add(m, e);
    m->bytes += entry_bytes(e);
    if (!k->live) {
        k->live = true;
        live_adjust(m, k, +1);
    }
    return e;
}

const struct mvcc_entry *mvcc_tombstone(struct mvcc *m, struct mvcc_key *k)
{
    assert(k->live);
    struct mvcc_entry *e = xcalloc(1, sizeof *e);
    e->key = k;
    e->mod_revision = m->rev + 1;
    e->tombstone = true;
    key_append(k, e);
    pending_add(m, e);
    m->bytes += entry_bytes(e);
    k->live = false;
    live_adjust(m, k, -1);
    return e;
}

static void revlog_append(struct mvcc *m, struct mvcc_entry **v, size_t n)
{
    if (m->nrevlog == m->cap_revlog) {
        m->cap_revlog = m->cap_revlog ? m->cap_revlog * 2 : 64;
        m->revlog = xrealloc(m->revlog, m->cap_revlog * sizeof *m->revlog);
    }
    struct rev_rec *r = &m->revlog[m->nrevlog++];
    r->n = (uint32_t)n;
    r->one = n == 1 ? v[0] : NULL;
    r->v = NULL;
    if (n > 1) {
        r->v = xmalloc(n * sizeof *r->v);
        memcpy(r->v, v, n * sizeof *r->v);
    }
}

size_t mvcc_commit(struct mvcc *m, const struct mvcc_entry *const **changes)
{
    size_t n = m->npending;
    if (n == 0) {
        if (changes) {
            *changes = NULL;
        }
        return 0;
    }
    m->rev++;
    if (m->nrevlog == 0) {
        m->revlog_base = m->rev;
    }
    assert(m->revlog_base + (int64_t)m->nrevlog == m->rev);
    revlog_append(m, m->pending, n);
    m->npending = 0;
    if (changes) {
        size_t dummy;
        *changes = mvcc_changes(m, m->rev, &dummy);
    }
    return n;
}

const struct mvcc_entry *const *mvcc_changes(const struct mvcc *m, int64_t rev, size_t *n)
{
    *n = 0;
    if (rev < m->revlog_base || rev >= m->revlog_base + (int64_t)m->nrevlog) {
        return NULL;
    }
    const struct rev_rec *r = &m->revlog[rev - m->revlog_base];
    *n = r->n;
    if (r->n == 1) {
        return (const struct mvcc_entry *const *)&r->one;
    }
    return (const struct mvcc_entry *const *)r->v;
}

/* ---- compaction ---- */

static void collect_keys(struct mvcc_key *k, struct mvcc_key ***v, size_t *n, size_t *cap)
{
    while (k != NULL) {
        collect_keys(k->left, v, n, cap);
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 1024;
            *v = xrealloc(*v, *cap * sizeof **v);
        }
        (*v)[(*n)++] = k;
        k = k->right;
    }
}

void mvcc_compact(struct mvcc *m, int64_t rev)
{
    assert(rev > m->compact && rev <= m->rev && m->npending == 0);
    struct mvcc_key **keys = NULL;
    size_t n = 0, cap = 0, kept = 0;
    bool removed = false;
    collect_keys(m->root, &keys, &n, &cap);
    for (size_t i = 0; i < n; i++) {
        struct mvcc_key *k = keys[i];
        int64_t idx = entry_index_at(k, rev);
        if (idx >= 0) {
            size_t drop = (size_t)idx + (k->entries[idx]->tombstone ? 1 : 0);
            for (size_t j = 0; j < drop; j++) {
                m->bytes -= entry_bytes(k->entries[j]);
                free(k->entries[j]);
            }
            memmove(k->entries, k->entries + drop, (k->nentries - drop) * sizeof *k->entries);
            k->nentries -= (uint32_t)drop;
        }
        if (k->nentries == 0) {
            m->bytes -= key_bytes(k);
            key_free(k);
            removed = true;
        } else {
            keys[kept++] = k;
        }
    }
    if (removed) {
        m->root = treap_build(keys, kept);
        m->nkeys = kept;
    }
    free(keys);
    if (rev >= m->revlog_base && m->nrevlog > 0) {
        size_t drop = (size_t)(rev - m->revlog_base + 1);
        if (drop > m->nrevlog) {
            drop = m->nrevlog;
        }
        revlog_free_range(m, 0, drop);
        memmove(m->revlog, m->revlog + drop, (m->nrevlog - drop) * sizeof *m->revlog);
        m->nrevlog -= drop;
        m->revlog_base += (int64_t)drop;
    }
    m->compact = rev;
}

/* ---- encoding ---- */

void mvcc_buf_put(struct mvcc_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    if (n) {
        memcpy(b->p + b->len, p, n);
    }
    b->len += n;
}

void mvcc_buf_uvarint(struct mvcc_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    mvcc_buf_put(b, tmp, n);
}

void mvcc_buf_varint(struct mvcc_buf *b, int64_t v)
{
    mvcc_buf_uvarint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

uint64_t mvcc_read_uvarint(struct mvcc_reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->bad || r->off >= r->len) {
            r->bad = true;
            return 0;
        }
        uint8_t byte = r->p[r->off++];
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            return v;
        }
    }
    r->bad = true;
    return 0;
}

int64_t mvcc_read_varint(struct mvcc_reader *r)
{
    uint64_t u = mvcc_read_uvarint(r);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

const uint8_t *mvcc_read_bytes(struct mvcc_reader *r, size_t n)
{
    if (r->bad || n > r->len - r->off) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = r->p + r->off;
    r->off += n;
    return p;
}

static void encode_keys(const struct mvcc_key *k, struct mvcc_buf *b)
{
    while (k != NULL) {
        encode_keys(k->left, b);
        mvcc_buf_uvarint(b, k->key_len);
        mvcc_buf_put(b, k->key, k->key_len);
        mvcc_buf_uvarint(b, k->nentries);
        for (uint32_t i = 0; i < k->nentries; i++) {
            const struct mvcc_entry *e = k->entries[i];
            mvcc_buf_varint(b, e->mod_revision);
            mvcc_buf_uvarint(b, e->sub);
            uint8_t flags = e->tombstone ? 1 : 0;
            mvcc_buf_put(b, &flags, 1);
            if (!e->tombstone) {
                mvcc_buf_varint(b, e->create_revision);
                mvcc_buf_varint(b, e->version);
                mvcc_buf_varint(b, e->lease);
                mvcc_buf_uvarint(b, e->value_len);
                mvcc_buf_put(b, e->value, e->value_len);
            }
        }
        k = k->right;
    }
}

void mvcc_encode(const struct mvcc *m, struct mvcc_buf *b)
{
    assert(m->npending == 0);
    mvcc_buf_varint(b, m->rev);
    mvcc_buf_varint(b, m->compact);
    mvcc_buf_uvarint(b, m->nkeys);
    encode_keys(m->root, b);
}

static int cmp_entry_sub(const void *a, const void *b)
{
    const struct mvcc_entry *x = *(const struct mvcc_entry *const *)a;
    const struct mvcc_entry *y = *(const struct mvcc_entry *const *)b;
    return x->sub < y->sub ? -1 : (x->sub > y->sub ? 1 : 0);
}

/* Rebuilds the revision log from the versions newer than the compact revision. */
static bool rebuild_revlog(struct mvcc *m, struct mvcc_key **keys, size_t nkeys)
{
    int64_t base = m->compact + 1 > 2 ? m->compact + 1 : 2;
    size_t nrev = m->rev >= base ? (size_t)(m->rev - base + 1) : 0;
    uint32_t *counts = xcalloc(nrev + 1, sizeof *counts);
    for (size_t i = 0; i < nkeys; i++) {
        for (uint32_t j = 0; j < keys[i]->nentries; j++) {
            int64_t r = keys[i]->entries[j]->mod_revision;
            if (r >= base) {
                counts[r - base]++;
            }
        }
    }
    m->revlog_base = base;
    m->cap_revlog = nrev ? nrev : 1;
    m->revlog = xcalloc(m->cap_revlog, sizeof *m->revlog);
    m->nrevlog = nrev;
    bool ok = true;
    for (size_t i = 0; i < nrev; i++) {
        struct rev_rec *rec = &m->revlog[i];
        if (counts[i] == 0) {
            ok = false; /* every revision after the compaction changed something */
        }
        if (counts[i] > 1) {
            rec->v = xmalloc(counts[i] * sizeof *rec->v);
        }
    }
    for (size_t i = 0; i < nkeys; i++) {
        for (uint32_t j = 0; j < keys[i]->nentries; j++) {
            struct mvcc_entry *e = keys[i]->entries[j];
            if (e->mod_revision < base) {
                continue;
            }
            struct rev_rec *rec = &m->revlog[e->mod_revision - base];
            if (counts[e->mod_revision - base] == 1) {
                rec->one = e;
                rec->n = 1;
            } else {
                rec->v[rec->n++] = e;
            }
        }
    }
    for (size_t i = 0; i < nrev && ok; i++) {
        struct rev_rec *rec = &m->revlog[i];
        if (rec->n > 1) {
            qsort(rec->v, rec->n, sizeof *rec->v, cmp_entry_sub);
            for (uint32_t j = 0; j < rec->n; j++) {
                if (rec->v[j]->sub != j) {
                    ok = false;
                }
            }
        } else if (rec->n == 1 && rec->one->sub != 0) {
            ok = false;
        }
    }
    free(counts);
    return ok;
}

struct mvcc *mvcc_decode(struct mvcc_reader *r)
{
    struct mvcc *m = mvcc_new();
    m->rev = mvcc_read_varint(r);
    m->compact = mvcc_read_varint(r);
    uint64_t nkeys = mvcc_read_uvarint(r);
    if (r->bad || m->rev < 1 || m->compact < 0 || m->compact > m->rev ||
        nkeys > (r->len - r->off) / 2) {
        r->bad = true;
        mvcc_free(m);
        return NULL;
    }
    struct mvcc_key **keys = xmalloc((nkeys ? nkeys : 1) * sizeof *keys);
    size_t n = 0;
    for (; n < nkeys && !r->bad; n++) {
        uint64_t klen = mvcc_read_uvarint(r);
        const uint8_t *kp = mvcc_read_bytes(r, klen);
        uint64_t nent = mvcc_read_uvarint(r);
        if (r->bad || klen == 0 || nent == 0 || nent > UINT32_MAX || nent > r->len - r->off ||
            (n > 0 && key_cmp(keys[n - 1]->key, keys[n - 1]->key_len, kp, klen) >= 0)) {
            r->bad = true;
            break;
        }
        struct mvcc_key *k = key_new(kp, klen);
        keys[n] = k;
        m->bytes += key_bytes(k);
        k->entries = xmalloc(nent * sizeof *k->entries);
        k->cap = (uint32_t)nent;
        for (uint64_t j = 0; j < nent && !r->bad; j++) {
            int64_t mod = mvcc_read_varint(r);
            uint64_t sub = mvcc_read_uvarint(r);
            const uint8_t *flags = mvcc_read_bytes(r, 1);
            if (r->bad || (*flags & ~1u) || mod < 2 || mod > m->rev || sub > UINT32_MAX) {
                r->bad = true;
                break;
            }
            struct mvcc_entry *e;
            if (*flags & 1) {
                e = xcalloc(1, sizeof *e);
                e->tombstone = true;
            } else {
                int64_t create = mvcc_read_varint(r);
                int64_t version = mvcc_read_varint(r);
                int64_t lease = mvcc_read_varint(r);
                uint64_t vlen = mvcc_read_uvarint(r);
                const uint8_t *vp = mvcc_read_bytes(r, vlen);
                if (r->bad || create < 2 || create > mod || version < 1) {
                    r->bad = true;
                    break;
                }
                e = xmalloc(sizeof *e + vlen);
                e->tombstone = false;
                e->create_revision = create;
                e->version = version;
                e->lease = lease;
                e->value_len = vlen;
                if (vlen) {
                    memcpy(e->value, vp, vlen);
                }
            }
            e->key = k;
            e->mod_revision = mod;
            e->sub = (uint32_t)sub;
            if (k->nentries > 0) {
                const struct mvcc_entry *p = k->entries[k->nentries - 1];
                if (p->mod_revision > mod || (p->mod_revision == mod && p->sub >= e->sub)) {
                    free(e);
                    r->bad = true;
                    break;
                }
            }
            k->entries[k->nentries++] = e;
            m->bytes += entry_bytes(e);
        }
        if (!r->bad) {
            const struct mvcc_entry *last = k->entries[k->nentries - 1];
            k->live = !last->tombstone;
        }
    }
    if (r->bad) {
        /* keys[0..n-1] were all created (a failure before key_new leaves n unchanged) */
        for (size_t i = 0; i < n; i++) {
            key_free(keys[i]);
        }
        free(keys);
        mvcc_free(m);
        return NULL;
    }
    m->root = treap_build(keys, n);
    m->nkeys = n;
    bool ok = rebuild_revlog(m, keys, n);
    free(keys);
    if (!ok) {
        r->bad = true;
        mvcc_free(m);
        return NULL;
    }
    return m;
}

/* ---- state hash ---- */

static uint64_t hash_keys(const struct mvcc_key *k, uint64_t h)
{
    while (k != NULL) {
        h = hash_keys(k->left, h);
        h = mvcc_hash64(k->key, k->key_len, h);
        for (uint32_t i = 0; i < k->nentries; i++) {
            const struct mvcc_entry *e = k->entries[i];
            h = hash_i64(h, e->mod_revision);
            h = hash_i64(h, e->sub);
            h = hash_i64(h, e->tombstone);
            h = hash_i64(h, e->create_revision);
            h = hash_i64(h, e->version);
            h = hash_i64(h, e->lease);
            h = mvcc_hash64(e->value, e->value_len, h);
        }
        k = k->right;
    }
    return h;
}

uint64_t mvcc_hash_state(const struct mvcc *m, uint64_t h)
{
    h = hash_i64(h, m->rev);
    h = hash_i64(h, m->compact);
    return hash_keys(m->root, h);
}
