/* The MVCC index against a brute-force model: ordered iteration and O(log n) live counts over
 * random ranges, reads at every retained revision, the revision log, compaction and the
 * encode/decode round trip (with malformed input rejected). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mvcc.h"

enum { NKEYS = 64, NREVS = 600 };

/* model[r][k]: value written to key k as of revision r (-1 = absent) */
static int model[NREVS + 2][NKEYS];

static void key_name(int k, char *buf)
{
    snprintf(buf, 8, "k%03d", k * 7 % 1000);
}

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random txns of puts/deletes; returns the last revision. */
static int64_t build(struct mvcc *m, uint64_t seed)
{
    uint64_t s = seed;
    for (int k = 0; k < NKEYS; k++) {
        model[1][k] = -1;
    }
    while (mvcc_revision(m) < NREVS) {
        int64_t rev = mvcc_revision(m) + 1;
        memcpy(model[rev], model[rev - 1], sizeof model[rev]);
        int writes = 1 + (int)(rng(&s) % 3);
        bool written[NKEYS] = {false};
        for (int w = 0; w < writes; w++) {
            int k = (int)(rng(&s) % NKEYS);
            if (written[k]) {
                continue; /* one change per key per revision, as validated txns make */
            }
            written[k] = true;
            char name[8];
            key_name(k, name);
            struct mvcc_key *node = mvcc_find(m, (const uint8_t *)name, 4);
            if (rng(&s) % 4 == 0) {
                if (node && mvcc_key_at(node, mvcc_read_revision(m)) != NULL) {
                    mvcc_tombstone(m, node);
                    model[rev][k] = -1;
                }
            } else {
                int v = (int)(rng(&s) % 1000);
                char val[8];
                snprintf(val, sizeof val, "%d", v);
                mvcc_put(m, (const uint8_t *)name, 4, (const uint8_t *)val, strlen(val), 0);
                model[rev][k] = v;
            }
        }
        const struct mvcc_entry *const *changes;
        size_t n = mvcc_commit(m, &changes);
        if (n > 0) {
            for (size_t i = 0; i < n; i++) {
                assert_int_equal(changes[i]->mod_revision, rev);
                assert_int_equal(changes[i]->sub, i);
            }
        }
    }
    return mvcc_revision(m);
}

static void check_reads(const struct mvcc *m, int64_t from)
{
    for (int64_t rev = from; rev <= mvcc_revision(m); rev++) {
        for (int k = 0; k < NKEYS; k++) {
            char name[8];
            key_name(k, name);
            struct mvcc_key *node = mvcc_find(m, (const uint8_t *)name, 4);
            const struct mvcc_entry *e = node ? mvcc_key_at(node, rev) : NULL;
            if (model[rev][k] < 0) {
                assert_null(e);
            } else {
                assert_non_null(e);
                char val[8];
                snprintf(val, sizeof val, "%d", model[rev][k]);
                assert_int_equal(e->value_len, strlen(val));
                assert_memory_equal(e->value, val, e->value_len);
            }
        }
    }
}

static void check_ranges(const struct mvcc *m, uint64_t seed)
{
    uint64_t s = seed;
    int64_t cur = mvcc_revision(m);
    for (int i = 0; i < 300; i++) {
        char lo[8], hi[8];
        snprintf(lo, sizeof lo, "k%03d", (int)(rng(&s) % 1000));
        snprintf(hi, sizeof hi, "k%03d", (int)(rng(&s) % 1000));
        bool open = rng(&s) % 5 == 0;
        size_t want = 0;
        for (int k = 0; k < NKEYS; k++) {
            char name[8];
            key_name(k, name);
            if (model[cur][k] >= 0 && strcmp(name, lo) >= 0 && (open || strcmp(name, hi) < 0)) {
                want++;
            }
        }
        assert_int_equal(mvcc_count_live(m, (const uint8_t *)lo, 4,
                                         open ? NULL : (const uint8_t *)hi, open ? 0 : 4),
                         want);
        struct mvcc_iter it;
        mvcc_iter_seek(&it, m, (const uint8_t *)lo, 4, open ? NULL : (const uint8_t *)hi,
                       open ? 0 : 4);
        struct mvcc_key *k, *prev = NULL;
        size_t live = 0;
        while ((k = mvcc_iter_next(&it)) != NULL) {
            assert_true(memcmp(k->key, lo, 4) >= 0);
            assert_true(open || memcmp(k->key, hi, 4) < 0);
            if (prev != NULL) {
                assert_true(memcmp(prev->key, k->key, 4) < 0);
            }
            prev = k;
            live += mvcc_key_at(k, cur) != NULL;
        }
        mvcc_iter_close(&it);
        assert_int_equal(live, want);
    }
}

static void test_reads_counts_and_iteration_match_the_model(void **state)
{
    (void)state;
    struct mvcc *m = mvcc_new();
    assert_int_equal(mvcc_revision(m), 1);
    build(m, 0xabcdef);
    check_reads(m, 1);
    check_ranges(m, 77);
    size_t live = 0;
    for (int k = 0; k < NKEYS; k++) {
        live += model[NREVS][k] >= 0;
    }
    assert_int_equal(mvcc_live_count(m), live);
    mvcc_free(m);
}

static void test_revision_log_and_prev_follow_history(void **state)
{
    (void)state;
    struct mvcc *m = mvcc_new();
    build(m, 5);
    for (int64_t rev = 2; rev <= mvcc_revision(m); rev++) {
        size_t n;
        const struct mvcc_entry *const *ch = mvcc_changes(m, rev, &n);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
            const struct mvcc_entry *p = mvcc_entry_prev(ch[i]);
            int k = -1;
            for (int j = 0; j < NKEYS; j++) {
                char name[8];
                key_name(j, name);
                if (memcmp(name, ch[i]->key->key, 4) == 0) {
                    k = j;
                }
            }
            assert_true(k >= 0);
            /* prev is the value before this revision (no key is written twice in one) */
            assert_int_equal(p != NULL, model[rev - 1][k] >= 0);
        }
    }
    size_t n;
    assert_null(mvcc_changes(m, mvcc_revision(m) + 1, &n));
    assert_int_equal(n, 0);
    mvcc_free(m);
}

static void test_compaction_keeps_reads_at_and_after_the_revision(void **state)
{
    (void)state;
    struct mvcc *m = mvcc_new();
    build(m, 99);
    size_t before = mvcc_size_bytes(m);
    mvcc_compact(m, 300);
    assert_int_equal(mvcc_compact_revision(m), 300);
    assert_true(mvcc_size_bytes(m) < before);
    check_reads(m, 300);
    check_ranges(m, 3);
    size_t n;
    assert_null(mvcc_changes(m, 300, &n));
    assert_non_null(mvcc_changes(m, 301, &n));
    mvcc_compact(m, NREVS);
    check_reads(m, NREVS);
    assert_null(mvcc_changes(m, NREVS, &n));
    /* writing continues after compacting everything */
    mvcc_put(m, (const uint8_t *)"new", 3, NULL, 0, 0);
    assert_int_equal(mvcc_commit(m, NULL), 1);
    assert_non_null(mvcc_changes(m, NREVS + 1, &n));
    mvcc_free(m);
}

static void test_encode_decode_round_trip_and_rejects_garbage(void **state)
{
    (void)state;
    struct mvcc *m = mvcc_new();
    build(m, 1234);
    mvcc_compact(m, 100);
    struct mvcc_buf b = {0};
    mvcc_encode(m, &b);
    struct mvcc_reader r = {.p = b.p, .len = b.len};
    struct mvcc *copy = mvcc_decode(&r);
    assert_non_null(copy);
    assert_int_equal(r.off, b.len);
    assert_int_equal(mvcc_hash_state(copy, 1), mvcc_hash_state(m, 1));
    check_reads(copy, 100);
    check_ranges(copy, 8);
    for (int64_t rev = 101; rev <= NREVS; rev++) {
        size_t n1, n2;
        const struct mvcc_entry *const *a = mvcc_changes(m, rev, &n1);
        const struct mvcc_entry *const *c = mvcc_changes(copy, rev, &n2);
        assert_int_equal(n1, n2);
        for (size_t i = 0; i < n1; i++) {
            assert_memory_equal(a[i]->key->key, c[i]->key->key, 4);
            assert_int_equal(a[i]->tombstone, c[i]->tombstone);
        }
    }
    /* every truncation fails cleanly */
    for (size_t n = 0; n < b.len; n += b.len / 300 + 1) {
        struct mvcc_reader t = {.p = b.p, .len = n};
        struct mvcc *x = mvcc_decode(&t);
        if (x != NULL) {
            /* a prefix can only decode if it ends exactly where a shorter store would */
            mvcc_free(x);
            fail_msg("truncated at %zu decoded", n);
        }
    }
    /* keys out of order are rejected */
    struct mvcc *two = mvcc_new();
    mvcc_put(two, (const uint8_t *)"a", 1, NULL, 0, 0);
    mvcc_put(two, (const uint8_t *)"b", 1, NULL, 0, 0);
    mvcc_commit(two, NULL);
    struct mvcc_buf tb = {0};
    mvcc_encode(two, &tb);
    uint8_t *pa = memchr(tb.p, 'a', tb.len);
    assert_non_null(pa);
    *pa = 'c';
    struct mvcc_reader tr = {.p = tb.p, .len = tb.len};
    assert_null(mvcc_decode(&tr));
    assert_true(tr.bad);
    free(tb.p);
    mvcc_free(two);
    free(b.p);
    mvcc_free(copy);
    mvcc_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_counts_and_iteration_match_the_model),
        cmocka_unit_test(test_revision_log_and_prev_follow_history),
        cmocka_unit_test(test_compaction_keeps_reads_at_and_after_the_revision),
        cmocka_unit_test(test_encode_decode_round_trip_and_rejects_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
