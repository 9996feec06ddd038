/* client-go's workqueue rate limiters and x/time/rate's token bucket, on a fake clock: the
 * delays each returns, what forget resets, and how the bucket refills and goes into debt. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "duration.h"
#include "ratelimit.h"

#define MS     DURATION_MS
#define SECOND DURATION_SECOND

struct fixture {
    struct clock *clk;
};

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->clk = clk_fake_new(0);
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    clk_fake_free(f->clk);
    free(f);
    return 0;
}

static void assert_whens(struct ratelimiter *rl, const char *key, const int64_t *want, int n)
{
    for (int i = 0; i < n; i++) {
        assert_int_equal(ratelimiter_when(rl, key), want[i]);
    }
}

/* After n failures of key, forget resets the count and the next delay is first again. */
static void assert_forget_restarts(struct ratelimiter *rl, const char *key, int n, int64_t first)
{
    assert_int_equal(ratelimiter_num_requeues(rl, key), n);
    ratelimiter_forget(rl, key);
    assert_int_equal(ratelimiter_num_requeues(rl, key), 0);
    assert_int_equal(ratelimiter_when(rl, key), first);
}

/* ---- Success ---- */

static void test_exponential_doubles_per_failure_until_forget(void **state)
{
    struct ratelimiter *rl = ratelimiter_item_exponential_new(1 * MS, 1 * SECOND);
    const int64_t want[] = {1 * MS, 2 * MS, 4 * MS, 8 * MS, 16 * MS};
    assert_whens(rl, "one", want, 5);
    assert_int_equal(ratelimiter_when(rl, "two"), 1 * MS);
    assert_int_equal(ratelimiter_num_requeues(rl, "two"), 1);
    assert_forget_restarts(rl, "one", 5, 1 * MS);
    assert_int_equal(ratelimiter_num_requeues(rl, "two"), 1);
    ratelimiter_free(rl);
}

static void test_exponential_caps_at_max_even_for_huge_exponents(void **state)
{
    struct ratelimiter *rl = ratelimiter_item_exponential_new(5 * MS, 1000 * SECOND);
    int64_t last = 0;
    for (int i = 0; i < 2000; i++) {
        int64_t d = ratelimiter_when(rl, "k");
        assert_true(d >= last);
        last = d;
    }
    assert_int_equal(last, 1000 * SECOND);
    assert_int_equal(ratelimiter_num_requeues(rl, "k"), 2000);
    ratelimiter_free(rl);

    /* 2^62 doubles to 2^63, one past INT64_MAX: it must not wrap negative. */
    rl = ratelimiter_item_exponential_new(INT64_C(1) << 61, INT64_MAX);
    assert_int_equal(ratelimiter_when(rl, "k"), INT64_C(1) << 61);
    assert_int_equal(ratelimiter_when(rl, "k"), INT64_C(1) << 62);
    assert_int_equal(ratelimiter_when(rl, "k"), INT64_MAX);
    assert_int_equal(ratelimiter_when(rl, "k"), INT64_MAX);
    ratelimiter_free(rl);
}

static void test_fast_slow_switches_after_the_fast_attempts(void **state)
{
    struct ratelimiter *rl = ratelimiter_item_fast_slow_new(5 * MS, 10 * SECOND, 3);
    const int64_t want[] = {5 * MS, 5 * MS, 5 * MS, 10 * SECOND, 10 * SECOND};
    assert_whens(rl, "one", want, 5);
    assert_forget_restarts(rl, "one", 5, 5 * MS);
    ratelimiter_free(rl);
}

static void test_max_of_returns_the_longest_wait_and_forgets_in_all(void **state)
{
    struct ratelimiter *parts[] = {
        ratelimiter_item_fast_slow_new(5 * MS, 3 * SECOND, 3),
        ratelimiter_item_exponential_new(1 * MS, 1 * SECOND),
    };
    struct ratelimiter *rl = ratelimiter_max_of_new(parts, 2);
    const int64_t want[] = {5 * MS, 5 * MS, 5 * MS, 3 * SECOND, 3 * SECOND};
    assert_whens(rl, "one", want, 5);
    assert_forget_restarts(rl, "one", 5, 5 * MS);
    ratelimiter_free(rl);
}

static void test_with_max_wait_caps_the_inner_delay(void **state)
{
    struct ratelimiter *rl = ratelimiter_with_max_wait_new(
        ratelimiter_item_exponential_new(1 * SECOND, 1000 * SECOND), 5 * SECOND);
    const int64_t want[] = {1 * SECOND, 2 * SECOND, 4 * SECOND, 5 * SECOND, 5 * SECOND};
    assert_whens(rl, "one", want, 5);
    assert_forget_restarts(rl, "one", 5, 1 * SECOND);
    ratelimiter_free(rl);
}

static void test_bucket_allows_a_burst_then_spaces_keys_at_qps(void **state)
{
    struct fixture *f = *state;
    struct ratelimiter *rl = ratelimiter_bucket_new(10, 100, f->clk);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(ratelimiter_when(rl, "any"), 0);
    }
    assert_int_equal(ratelimiter_when(rl, "a"), 100 * MS);
    assert_int_equal(ratelimiter_when(rl, "b"), 200 * MS);
    assert_int_equal(ratelimiter_num_requeues(rl, "a"), 0);
    ratelimiter_forget(rl, "a");

    /* One second refills 10 tokens, 2 of which pay the debt. */
    clk_fake_advance(f->clk, 1 * SECOND);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(ratelimiter_when(rl, "c"), 0);
    }
    assert_int_equal(ratelimiter_when(rl, "c"), 100 * MS);
    ratelimiter_free(rl);
}

static void test_default_controller_limiter_is_per_key_backoff_under_an_overall_bucket(void **state)
{
    struct fixture *f = *state;
    struct ratelimiter *rl = ratelimiter_default_controller_new(f->clk);
    assert_int_equal(ratelimiter_when(rl, "default/web"), 5 * MS);
    assert_int_equal(ratelimiter_when(rl, "default/web"), 10 * MS);
    assert_int_equal(ratelimiter_num_requeues(rl, "default/web"), 2);
    char key[32];
    for (int i = 0; i < 98; i++) {
        snprintf(key, sizeof key, "default/pod-%d", i);
        assert_int_equal(ratelimiter_when(rl, key), 5 * MS);
    }
    /* The 101st failure overall exceeds the burst: the bucket's 100 ms beats the 5 ms. */
    assert_int_equal(ratelimiter_when(rl, "default/late"), 100 * MS);
    ratelimiter_forget(rl, "default/web");
    assert_int_equal(ratelimiter_num_requeues(rl, "default/web"), 0);
    ratelimiter_free(rl);
}

static void test_token_bucket_refills_at_qps_up_to_burst(void **state)
{
    struct fixture *f = *state;
    struct tokenbucket *tb = tokenbucket_new(10, 5, f->clk);
    assert_true(tokenbucket_qps(tb) == 10);
    clk_fake_advance(f->clk, 100 * SECOND);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(tokenbucket_reserve(tb), 0);
    }
    assert_int_equal(tokenbucket_reserve(tb), 100 * MS);
    tokenbucket_free(tb);
}

static void test_try_accept_takes_a_token_only_when_one_is_there(void **state)
{
    struct fixture *f = *state;
    struct tokenbucket *tb = tokenbucket_new(1, 2, f->clk);
    assert_true(tokenbucket_try_accept(tb));
    assert_true(tokenbucket_try_accept(tb));
    assert_false(tokenbucket_try_accept(tb));
    assert_false(tokenbucket_try_accept(tb));
    clk_fake_advance(f->clk, 500 * MS);
    assert_false(tokenbucket_try_accept(tb));
    /* Refused tries left no debt: one second after the burst there is exactly one token. */
    clk_fake_advance(f->clk, 500 * MS);
    assert_true(tokenbucket_try_accept(tb));
    assert_false(tokenbucket_try_accept(tb));
    tokenbucket_free(tb);
}

static void test_reservations_in_a_row_are_spaced_one_over_qps_apart(void **state)
{
    struct fixture *f = *state;
    struct tokenbucket *tb = tokenbucket_new(2, 1, f->clk);
    assert_int_equal(tokenbucket_reserve(tb), 0);
    assert_int_equal(tokenbucket_reserve(tb), 500 * MS);
    assert_int_equal(tokenbucket_reserve(tb), 1 * SECOND);
    clk_fake_advance(f->clk, 1 * SECOND);
    assert_int_equal(tokenbucket_reserve(tb), 500 * MS);
    tokenbucket_free(tb);
}

struct accept_arg {
    struct tokenbucket *tb;
    bool accepted;
};

static void *accept_token(void *p)
{
    struct accept_arg *a = p;
    tokenbucket_accept(a->tb);
    a->accepted = true;
    return NULL;
}

static void test_accept_blocks_until_the_token_is_due(void **state)
{
    struct fixture *f = *state;
    struct accept_arg a = {.tb = tokenbucket_new(1, 1, f->clk)};
    tokenbucket_accept(a.tb); /* the burst: no wait */
    pthread_t t;
    pthread_create(&t, NULL, accept_token, &a);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 1, 5 * SECOND), 0);
    assert_false(a.accepted);
    clk_fake_advance(f->clk, 1 * SECOND);
    pthread_join(t, NULL);
    assert_true(a.accepted);
    tokenbucket_free(a.tb);
}

static void test_wait_within_its_timeout_takes_the_token(void **state)
{
    struct fixture *f = *state;
    struct tokenbucket *tb = tokenbucket_new(1, 1, f->clk);
    struct err err = {0};
    assert_int_equal(tokenbucket_wait(tb, 0, &err), 0);
    clk_fake_advance(f->clk, 1 * SECOND);
    assert_int_equal(tokenbucket_wait(tb, 0, &err), 0);
    assert_int_equal(err.code, 0);
    tokenbucket_free(tb);
}

static void test_unlimited_bucket_never_waits(void **state)
{
    struct fixture *f = *state;
    struct tokenbucket *tb = tokenbucket_new(-1, 0, f->clk);
    for (int i = 0; i < 1000; i++) {
        assert_true(tokenbucket_try_accept(tb));
        assert_int_equal(tokenbucket_reserve(tb), 0);
    }
    assert_true(tokenbucket_qps(tb) <= 0);
    tokenbucket_free(tb);
}

static void test_burst_below_one_counts_as_one(void **state)
{
    struct fixture *f = *state;
    struct tokenbucket *tb = tokenbucket_new(4, 0, f->clk);
    assert_int_equal(tokenbucket_reserve(tb), 0);
    assert_int_equal(tokenbucket_reserve(tb), 250 * MS);
    tokenbucket_free(tb);
}

/* ---- Failure ---- */

static void test_wait_past_its_timeout_fails_without_taking_a_token(void **state)
{
    struct fixture *f = *state;
    struct tokenbucket *tb = tokenbucket_new(1, 1, f->clk);
    struct err err = {0};
    assert_true(tokenbucket_try_accept(tb));
    assert_int_equal(tokenbucket_wait(tb, 500 * MS, &err), -ETIMEDOUT);
    assert_int_equal(err.code, ETIMEDOUT);
    assert_string_equal(err.msg, "rate: Wait(n=1) would exceed context deadline");
    assert_int_equal(tokenbucket_wait(tb, 999 * MS, NULL), -ETIMEDOUT);
    clk_fake_advance(f->clk, 1 * SECOND);
    assert_true(tokenbucket_try_accept(tb));
    tokenbucket_free(tb);
}

static void test_forget_of_an_unknown_key_changes_nothing(void **state)
{
    struct ratelimiter *rl = ratelimiter_item_exponential_new(1 * MS, 1 * SECOND);
    ratelimiter_when(rl, "known");
    ratelimiter_forget(rl, "unknown");
    assert_int_equal(ratelimiter_num_requeues(rl, "unknown"), 0);
    assert_int_equal(ratelimiter_num_requeues(rl, "known"), 1);
    ratelimiter_free(rl);
    ratelimiter_free(NULL);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_exponential_doubles_per_failure_until_forget),
        TEST(test_exponential_caps_at_max_even_for_huge_exponents),
        TEST(test_fast_slow_switches_after_the_fast_attempts),
        TEST(test_max_of_returns_the_longest_wait_and_forgets_in_all),
        TEST(test_with_max_wait_caps_the_inner_delay),
        TEST(test_bucket_allows_a_burst_then_spaces_keys_at_qps),
        TEST(test_default_controller_limiter_is_per_key_backoff_under_an_overall_bucket),
        TEST(test_token_bucket_refills_at_qps_up_to_burst),
        TEST(test_try_accept_takes_a_token_only_when_one_is_there),
        TEST(test_reservations_in_a_row_are_spaced_one_over_qps_apart),
        TEST(test_accept_blocks_until_the_token_is_due),
        TEST(test_wait_within_its_timeout_takes_the_token),
        TEST(test_unlimited_bucket_never_waits),
        TEST(test_burst_below_one_counts_as_one),
        TEST(test_wait_past_its_timeout_fails_without_taking_a_token),
        TEST(test_forget_of_an_unknown_key_changes_nothing),
    };
    return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}
