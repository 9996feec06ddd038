/* The injectable clock: a fake clock moves only when advanced and wakes its sleepers and
 * watched condition waiters then; the real clock is monotonic. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "clock.h"
#include "duration.h"

#define REAL_TIMEOUT (5 * DURATION_SECOND)

struct fixture {
    struct clock *clk;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    struct clk_watch watch;
    int64_t deadline;
    bool reached;
};

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->clk = clk_fake_new(1000 * DURATION_SECOND);
    pthread_mutex_init(&f->mu, NULL);
    clk_cond_init(&f->cond);
    clk_watch_add(f->clk, &f->watch, &f->mu, &f->cond);
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    clk_watch_remove(f->clk, &f->watch);
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->mu);
    clk_fake_free(f->clk);
    free(f);
    return 0;
}

static void *sleep_one_second(void *arg)
{
    struct fixture *f = arg;
    clk_sleep(f->clk, DURATION_SECOND);
    return NULL;
}

/* Waits on the watched condition until the deadline, as a delaying queue does. */
static void *wait_until_deadline(void *arg)
{
    struct fixture *f = arg;
    pthread_mutex_lock(&f->mu);
    while (!f->reached) {
        f->reached = clk_cond_wait_until(f->clk, &f->cond, &f->mu, f->deadline);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

/* ---- Success ---- */

static void test_fake_clock_moves_only_when_advanced(void **state)
{
    struct fixture *f = *state;
    assert_true(clk_is_fake(f->clk));
    assert_int_equal(clk_now(f->clk), 1000 * DURATION_SECOND);
    assert_int_equal(clk_now(f->clk), 1000 * DURATION_SECOND);
    clk_fake_advance(f->clk, 250 * DURATION_MS);
    assert_int_equal(clk_now(f->clk), 1000 * DURATION_SECOND + 250 * DURATION_MS);
    clk_fake_advance(f->clk, -DURATION_SECOND);
    assert_int_equal(clk_now(f->clk), 1000 * DURATION_SECOND + 250 * DURATION_MS);
}

static void test_fake_sleep_returns_once_the_clock_passes_its_deadline(void **state)
{
    struct fixture *f = *state;
    pthread_t t;
    assert_int_equal(clk_fake_sleepers(f->clk), 0);
    pthread_create(&t, NULL, sleep_one_second, f);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 1, REAL_TIMEOUT), 0);
    clk_fake_advance(f->clk, 999 * DURATION_MS);
    /* Still asleep: the sleeper only leaves the count once its deadline has passed. */
    assert_int_equal(clk_fake_sleepers(f->clk), 1);
    clk_fake_advance(f->clk, DURATION_MS);
    pthread_join(t, NULL);
    assert_int_equal(clk_fake_sleepers(f->clk), 0);
}

static void test_sleeping_for_nothing_returns_at_once(void **state)
{
    struct fixture *f = *state;
    clk_sleep(f->clk, 0);
    clk_sleep(f->clk, -DURATION_SECOND);
    clk_sleep(clk_real(), 0);
    assert_int_equal(clk_fake_sleepers(f->clk), 0);
}

static void test_watched_waiter_wakes_when_the_fake_clock_reaches_its_deadline(void **state)
{
    struct fixture *f = *state;
    f->deadline = clk_now(f->clk) + 10 * DURATION_SECOND;
    pthread_t t;
    pthread_create(&t, NULL, wait_until_deadline, f);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 1, REAL_TIMEOUT), 0);
    clk_fake_advance(f->clk, 5 * DURATION_SECOND);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 1, REAL_TIMEOUT), 0);
    clk_fake_advance(f->clk, 5 * DURATION_SECOND);
    pthread_join(t, NULL);
    assert_true(f->reached);
}

static void test_wait_until_a_past_deadline_returns_at_once(void **state)
{
    struct fixture *f = *state;
    pthread_mutex_lock(&f->mu);
    assert_true(clk_cond_wait_until(f->clk, &f->cond, &f->mu, clk_now(f->clk)));
    assert_true(clk_cond_wait_until(clk_real(), &f->cond, &f->mu, clk_now(clk_real()) - 1));
    pthread_mutex_unlock(&f->mu);
}

static void test_real_clock_is_monotonic_and_times_out_waits(void **state)
{
    struct fixture *f = *state;
    struct clock *real = clk_real();
    assert_false(clk_is_fake(real));
    assert_int_equal(clk_fake_sleepers(real), 0);
    int64_t start = clk_now(real);
    clk_sleep(real, DURATION_MS);
    assert_true(clk_now(real) - start >= DURATION_MS);

    int64_t deadline = clk_now(real) + 2 * DURATION_MS;
    bool reached = false;
    pthread_mutex_lock(&f->mu);
    while (!reached) {
        reached = clk_cond_wait_until(real, &f->cond, &f->mu, deadline);
    }
    pthread_mutex_unlock(&f->mu);
    assert_true(clk_now(real) >= deadline);
}

/* ---- Failure ---- */

static void test_waiting_for_sleepers_that_never_come_times_out(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 1, 10 * DURATION_MS), -ETIMEDOUT);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 0, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fake_clock_moves_only_when_advanced, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_fake_sleep_returns_once_the_clock_passes_its_deadline,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_sleeping_for_nothing_returns_at_once, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(
            test_watched_waiter_wakes_when_the_fake_clock_reaches_its_deadline, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_wait_until_a_past_deadline_returns_at_once, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_real_clock_is_monotonic_and_times_out_waits, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_waiting_for_sleepers_that_never_come_times_out, set_up,
                                        tear_down),
    };
    return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
