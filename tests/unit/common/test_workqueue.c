/* The work queue with client-go's semantics: dedupe, stingy processing, FIFO order, delayed and
 * rate-limited adds on a fake clock, and shutdown with and without drain, using real threads
 * that synchronise on the queue's state, never on sleeps. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "duration.h"
#include "workqueue.h"
#include "workqueue_int.h"

#define MS           DURATION_MS
#define SECOND       DURATION_SECOND
#define REAL_TIMEOUT (10 * SECOND)

struct fixture {
    struct clock *clk;
    struct workqueue *q;
};

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->clk = clk_fake_new(0);
    f->q = wq_new("test", ratelimiter_item_exponential_new(1 * MS, 1 * SECOND), f->clk);
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    wq_free(f->q);
    clk_fake_free(f->clk);
    free(f);
    return 0;
}

/* Gets a key, checks it, and ends its processing. */
static void assert_gets_and_done(struct workqueue *q, const char *want)
{
    char *key = wq_get(q);
    assert_non_null(key);
    assert_string_equal(key, want);
    wq_done(q, key);
    free(key);
}

/* A getter thread: stores what wq_get returned. */
struct getter {
    pthread_t thread;
    struct workqueue *q;
    char *key;
};

static void *run_getter(void *p)
{
    struct getter *g = p;
    g->key = wq_get(g->q);
    return NULL;
}

static void start_getter(struct getter *g, struct workqueue *q)
{
    g->q = q;
    g->key = NULL;
    pthread_create(&g->thread, NULL, run_getter, g);
}

/* Joins a getter that must have got want, and ends the key's processing. */
static void join_getter_expecting(struct getter *g, const char *want)
{
    pthread_join(g->thread, NULL);
    assert_non_null(g->key);
    assert_string_equal(g->key, want);
    wq_done(g->q, g->key);
    free(g->key);
}

/* ---- Success: the basic queue ---- */

static void test_key_added_twice_while_queued_is_handed_out_once(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "default/web");
    wq_add(f->q, "default/web");
    assert_int_equal(wq_len(f->q), 1);
    assert_gets_and_done(f->q, "default/web");
    assert_int_equal(wq_len(f->q), 0);
}

static void test_keys_come_out_in_the_order_they_were_added(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "a");
    wq_add(f->q, "b");
    wq_add(f->q, "c");
    wq_add(f->q, "a");
    wq_add(f->q, "d");
    assert_int_equal(wq_len(f->q), 4);
    assert_gets_and_done(f->q, "a");
    assert_gets_and_done(f->q, "b");
    assert_gets_and_done(f->q, "c");
    assert_gets_and_done(f->q, "d");
}

static void test_get_returns_an_owned_copy_of_the_key(void **state)
{
    struct fixture *f = *state;
    char key[] = "ns/name";
    wq_add(f->q, key);
    key[0] = 'X';
    char *got = wq_get(f->q);
    assert_string_equal(got, "ns/name");
    wq_done(f->q, got);
    free(got);
}

static void test_add_while_processing_runs_again_after_done(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "foo");
    char *key = wq_get(f->q);
    assert_string_equal(key, "foo");
    wq_add(f->q, "foo");
    wq_add(f->q, "foo");
    /* Not handed to another worker while the first one holds it. */
    assert_int_equal(wq_len(f->q), 0);
    wq_done(f->q, key);
    free(key);
    assert_int_equal(wq_len(f->q), 1);
    assert_gets_and_done(f->q, "foo");
    assert_int_equal(wq_len(f->q), 0);
}

static void test_requeued_key_goes_behind_keys_added_before_done(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "foo");
    char *key = wq_get(f->q);
    wq_add(f->q, "foo");
    wq_add(f->q, "bar");
    wq_done(f->q, key);
    free(key);
    assert_gets_and_done(f->q, "bar");
    assert_gets_and_done(f->q, "foo");
}

static void test_key_being_processed_is_not_handed_to_a_waiting_worker(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "foo");
    char *key = wq_get(f->q);
    struct getter g;
    start_getter(&g, f->q);
    assert_int_equal(wq_wait_for_getters(f->q, 1, REAL_TIMEOUT), 0);
    wq_add(f->q, "foo");
    /* The second worker is still blocked: foo is dirty but being processed. */
    assert_int_equal(wq_wait_for_getters(f->q, 1, REAL_TIMEOUT), 0);
    assert_int_equal(wq_len(f->q), 0);
    wq_done(f->q, key);
    free(key);
    join_getter_expecting(&g, "foo");
}

static void test_blocked_getter_wakes_when_a_key_is_added(void **state)
{
    struct fixture *f = *state;
    struct getter g;
    start_getter(&g, f->q);
    assert_int_equal(wq_wait_for_getters(f->q, 1, REAL_TIMEOUT), 0);
    wq_add(f->q, "default/web");
    join_getter_expecting(&g, "default/web");
}

static void test_done_key_can_be_added_again(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "foo");
    assert_gets_and_done(f->q, "foo");
    assert_int_equal(wq_len(f->q), 0);
    wq_add(f->q, "foo");
    assert_int_equal(wq_len(f->q), 1);
    assert_gets_and_done(f->q, "foo");
}

/* ---- Success: delayed adds ---- */

static void test_add_after_waits_for_the_clock(void **state)
{
    struct fixture *f = *state;
    wq_add_after(f->q, "foo", 50 * MS);
    assert_int_equal(wq_len(f->q), 0);
    assert_int_equal(wq_num_waiting(f->q), 1);
    clk_fake_advance(f->clk, 49 * MS);
    assert_int_equal(wq_len(f->q), 0);
    clk_fake_advance(f->clk, 1 * MS);
    assert_int_equal(wq_len(f->q), 1);
    assert_int_equal(wq_num_waiting(f->q), 0);
    assert_gets_and_done(f->q, "foo");
}

static void test_add_after_without_delay_adds_now(void **state)
{
    struct fixture *f = *state;
    wq_add_after(f->q, "zero", 0);
    wq_add_after(f->q, "negative", -SECOND);
    assert_int_equal(wq_len(f->q), 2);
    assert_int_equal(wq_num_waiting(f->q), 0);
    assert_gets_and_done(f->q, "zero");
    assert_gets_and_done(f->q, "negative");
}

static void test_earliest_delay_wins_for_the_same_key(void **state)
{
    struct fixture *f = *state;
    wq_add_after(f->q, "foo", 1 * SECOND);
    wq_add_after(f->q, "foo", 100 * MS);
    wq_add_after(f->q, "foo", 2 * SECOND);
    assert_int_equal(wq_num_waiting(f->q), 1);
    clk_fake_advance(f->clk, 100 * MS);
    assert_int_equal(wq_len(f->q), 1);
    assert_gets_and_done(f->q, "foo");
    clk_fake_advance(f->clk, 10 * SECOND);
    assert_int_equal(wq_len(f->q), 0);
}

static void test_delayed_keys_become_ready_in_time_order(void **state)
{
    struct fixture *f = *state;
    wq_add_after(f->q, "c", 30 * MS);
    wq_add_after(f->q, "a", 10 * MS);
    wq_add_after(f->q, "b", 20 * MS);
    wq_add_after(f->q, "b2", 20 * MS);
    wq_add(f->q, "now");
    clk_fake_advance(f->clk, 20 * MS);
    assert_int_equal(wq_len(f->q), 4);
    clk_fake_advance(f->clk, 10 * MS);
    assert_int_equal(wq_len(f->q), 5);
    assert_gets_and_done(f->q, "now");
    assert_gets_and_done(f->q, "a");
    assert_gets_and_done(f->q, "b");
    assert_gets_and_done(f->q, "b2");
    assert_gets_and_done(f->q, "c");
}

static void test_delayed_key_still_queued_when_ready_is_handed_out_once(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "foo");
    wq_add_after(f->q, "foo", 10 * MS);
    clk_fake_advance(f->clk, 10 * MS);
    assert_int_equal(wq_len(f->q), 1);
    assert_gets_and_done(f->q, "foo");
    assert_int_equal(wq_len(f->q), 0);
}

static void test_delayed_add_is_not_cancelled_by_processing_the_key(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "foo");
    wq_add_after(f->q, "foo", 10 * MS);
    assert_gets_and_done(f->q, "foo");
    clk_fake_advance(f->clk, 10 * MS);
    assert_int_equal(wq_len(f->q), 1);
    assert_gets_and_done(f->q, "foo");
}

static void test_blocked_getter_wakes_when_the_fake_clock_reaches_the_delay(void **state)
{
    struct fixture *f = *state;
    struct getter g;
    start_getter(&g, f->q);
    assert_int_equal(wq_wait_for_getters(f->q, 1, REAL_TIMEOUT), 0);
    wq_add_after(f->q, "later", 1 * SECOND);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 1, REAL_TIMEOUT), 0);
    clk_fake_advance(f->clk, 999 * MS);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 1, REAL_TIMEOUT), 0);
    clk_fake_advance(f->clk, 1 * MS);
    join_getter_expecting(&g, "later");
}

static void test_getter_waits_less_when_an_earlier_key_arrives(void **state)
{
    struct fixture *f = *state;
    struct getter g;
    wq_add_after(f->q, "slow", 10 * SECOND);
    start_getter(&g, f->q);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 1, REAL_TIMEOUT), 0);
    wq_add_after(f->q, "fast", 1 * SECOND);
    clk_fake_advance(f->clk, 1 * SECOND);
    join_getter_expecting(&g, "fast");
    assert_int_equal(wq_num_waiting(f->q), 1);
}

static void test_real_clock_delays_in_real_time(void **state)
{
    struct workqueue *q = wq_new("real", NULL, NULL);
    struct clock *real = clk_real();
    int64_t start = clk_now(real);
    wq_add_after(q, "soon", 2 * MS);
    char *key = wq_get(q);
    assert_string_equal(key, "soon");
    assert_true(clk_now(real) - start >= 2 * MS);
    wq_done(q, key);
    free(key);
    assert_string_equal(wq_name(q), "real");
    wq_shutdown(q, false);
    wq_free(q);
}

/* ---- Success: rate-limited adds ---- */

static void test_add_rate_limited_backs_off_per_key_until_forget(void **state)
{
    struct fixture *f = *state;
    wq_add_rate_limited(f->q, "foo");
    assert_int_equal(wq_len(f->q), 0);
    assert_int_equal(wq_num_requeues(f->q, "foo"), 1);
    clk_fake_advance(f->clk, 1 * MS);
    assert_int_equal(wq_len(f->q), 1);
    assert_gets_and_done(f->q, "foo");

    wq_add_rate_limited(f->q, "foo");
    assert_int_equal(wq_num_requeues(f->q, "foo"), 2);
    clk_fake_advance(f->clk, 1 * MS);
    assert_int_equal(wq_len(f->q), 0);
    clk_fake_advance(f->clk, 1 * MS);
    assert_int_equal(wq_len(f->q), 1);
    assert_gets_and_done(f->q, "foo");

    wq_forget(f->q, "foo");
    assert_int_equal(wq_num_requeues(f->q, "foo"), 0);
    wq_add_rate_limited(f->q, "foo");
    clk_fake_advance(f->clk, 1 * MS);
    assert_int_equal(wq_len(f->q), 1);
}

static void test_queue_without_limiter_uses_the_default_controller_limiter(void **state)
{
    struct fixture *f = *state;
    struct workqueue *q = wq_new("default", NULL, f->clk);
    wq_add_rate_limited(q, "default/web");
    clk_fake_advance(f->clk, 4 * MS);
    assert_int_equal(wq_len(q), 0);
    clk_fake_advance(f->clk, 1 * MS);
    assert_int_equal(wq_len(q), 1);
    assert_int_equal(wq_num_requeues(q, "default/web"), 1);
    wq_free(q);
}

/* ---- Success: shutdown ---- */

static void test_shutdown_wakes_every_blocked_getter(void **state)
{
    struct fixture *f = *state;
    struct getter g[3];
    for (int i = 0; i < 3; i++) {
        start_getter(&g[i], f->q);
    }
    assert_int_equal(wq_wait_for_getters(f->q, 3, REAL_TIMEOUT), 0);
    wq_shutdown(f->q, false);
    for (int i = 0; i < 3; i++) {
        pthread_join(g[i].thread, NULL);
        assert_null(g[i].key);
    }
    assert_true(wq_shutting_down(f->q));
    assert_null(wq_get(f->q));
}

static void test_shutdown_wakes_a_getter_waiting_for_a_delayed_key(void **state)
{
    struct fixture *f = *state;
    struct getter g;
    wq_add_after(f->q, "later", 1 * SECOND);
    start_getter(&g, f->q);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clk, 1, REAL_TIMEOUT), 0);
    wq_shutdown(f->q, false);
    pthread_join(g.thread, NULL);
    assert_null(g.key);
    assert_int_equal(wq_num_waiting(f->q), 0);
}

static void test_keys_queued_before_shutdown_are_still_handed_out(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "a");
    wq_add(f->q, "b");
    wq_shutdown(f->q, false);
    assert_gets_and_done(f->q, "a");
    assert_gets_and_done(f->q, "b");
    assert_null(wq_get(f->q));
}

static void test_shutdown_ignores_later_adds_and_drops_delayed_keys(void **state)
{
    struct fixture *f = *state;
    wq_add_after(f->q, "delayed", 10 * MS);
    wq_shutdown(f->q, false);
    wq_add(f->q, "late");
    wq_add_after(f->q, "late-delayed", 1 * MS);
    wq_add_rate_limited(f->q, "late-limited");
    clk_fake_advance(f->clk, 1 * SECOND);
    assert_int_equal(wq_len(f->q), 0);
    assert_int_equal(wq_num_waiting(f->q), 0);
    assert_null(wq_get(f->q));
}

struct drainer {
    pthread_t thread;
    struct workqueue *q;
    atomic_bool returned;
};

static void *run_drainer(void *p)
{
    struct drainer *d = p;
    wq_shutdown(d->q, true);
    atomic_store(&d->returned, true);
    return NULL;
}

static void test_shutdown_with_drain_waits_for_keys_in_flight(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "a");
    wq_add(f->q, "b");
    char *a = wq_get(f->q);
    char *b = wq_get(f->q);
    struct drainer d = {.q = f->q};
    pthread_create(&d.thread, NULL, run_drainer, &d);
    assert_int_equal(wq_wait_for_drainers(f->q, 1, REAL_TIMEOUT), 0);
    assert_true(wq_shutting_down(f->q));
    wq_done(f->q, a);
    /* One key is still in flight: the drainer keeps waiting. */
    assert_int_equal(wq_wait_for_drainers(f->q, 1, REAL_TIMEOUT), 0);
    assert_false(atomic_load(&d.returned));
    wq_done(f->q, b);
    pthread_join(d.thread, NULL);
    assert_true(atomic_load(&d.returned));
    assert_null(wq_get(f->q));
    free(a);
    free(b);
}

static void test_shutdown_without_drain_ends_a_drain_wait(void **state)
{
    struct fixture *f = *state;
    wq_add(f->q, "stuck");
    char *key = wq_get(f->q);
    struct drainer d = {.q = f->q};
    pthread_create(&d.thread, NULL, run_drainer, &d);
    assert_int_equal(wq_wait_for_drainers(f->q, 1, REAL_TIMEOUT), 0);
    wq_shutdown(f->q, false);
    pthread_join(d.thread, NULL);
    assert_true(atomic_load(&d.returned));
    wq_done(f->q, key);
    free(key);
}

static void test_drain_with_nothing_in_flight_returns_at_once(void **state)
{
    struct fixture *f = *state;
    wq_shutdown(f->q, true);
    wq_shutdown(f->q, true);
    assert_true(wq_shutting_down(f->q));
}

/* ---- Success: concurrency ---- */

#define NKEYS     16
#define NWORKERS  4
#define NADDS     2000
#define NPRODUCER 2

struct stress {
    struct workqueue *q;
    atomic_int busy[NKEYS];
    atomic_int overlaps;
    atomic_int processed;
};

static void *stress_worker(void *p)
{
    struct stress *s = p;
    char *key;
    while ((key = wq_get(s->q)) != NULL) {
        int i = (int)strtol(key + 1, NULL, 10);
        if (atomic_fetch_add(&s->busy[i], 1) != 0) {
            atomic_fetch_add(&s->overlaps, 1);
        }
        sched_yield();
        atomic_fetch_sub(&s->busy[i], 1);
        atomic_fetch_add(&s->processed, 1);
        wq_done(s->q, key);
        free(key);
    }
    return NULL;
}

static void *stress_producer(void *p)
{
    struct stress *s = p;
    char key[16];
    for (int i = 0; i < NADDS; i++) {
        snprintf(key, sizeof key, "k%d", i % NKEYS);
        wq_add(s->q, key);
    }
    return NULL;
}

static void test_many_workers_never_process_one_key_at_once(void **state)
{
    struct fixture *f = *state;
    struct stress *s = calloc(1, sizeof *s);
    s->q = f->q;
    pthread_t workers[NWORKERS];
    pthread_t producers[NPRODUCER];
    for (int i = 0; i < NWORKERS; i++) {
        pthread_create(&workers[i], NULL, stress_worker, s);
    }
    for (int i = 0; i < NPRODUCER; i++) {
        pthread_create(&producers[i], NULL, stress_producer, s);
    }
    for (int i = 0; i < NPRODUCER; i++) {
        pthread_join(producers[i], NULL);
    }
    /* Keys still queued are handed out after shutdown, so the workers process every key at
     * least once before wq_get returns NULL. */
    wq_shutdown(f->q, true);
    for (int i = 0; i < NWORKERS; i++) {
        pthread_join(workers[i], NULL);
    }
    assert_int_equal(atomic_load(&s->overlaps), 0);
    assert_true(atomic_load(&s->processed) >= NKEYS);
    assert_true(atomic_load(&s->processed) <= NADDS * NPRODUCER);
    assert_int_equal(wq_len(f->q), 0);
    free(s);
}

/* ---- Failure ---- */

static void test_done_for_a_key_not_processing_is_ignored(void **state)
{
    struct fixture *f = *state;
    wq_done(f->q, "never-got");
    wq_add(f->q, "queued");
    wq_done(f->q, "queued");
    assert_int_equal(wq_len(f->q), 1);
    assert_gets_and_done(f->q, "queued");
    wq_done(f->q, "queued");
    assert_int_equal(wq_len(f->q), 0);
}

static void test_waiting_for_getters_that_never_come_times_out(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(wq_wait_for_getters(f->q, 1, 10 * MS), -ETIMEDOUT);
    assert_int_equal(wq_wait_for_drainers(f->q, 1, 10 * MS), -ETIMEDOUT);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_key_added_twice_while_queued_is_handed_out_once),
        TEST(test_keys_come_out_in_the_order_they_were_added),
        TEST(test_get_returns_an_owned_copy_of_the_key),
        TEST(test_add_while_processing_runs_again_after_done),
        TEST(test_requeued_key_goes_behind_keys_added_before_done),
        TEST(test_key_being_processed_is_not_handed_to_a_waiting_worker),
        TEST(test_blocked_getter_wakes_when_a_key_is_added),
        TEST(test_done_key_can_be_added_again),
        TEST(test_add_after_waits_for_the_clock),
        TEST(test_add_after_without_delay_adds_now),
        TEST(test_earliest_delay_wins_for_the_same_key),
        TEST(test_delayed_keys_become_ready_in_time_order),
        TEST(test_delayed_key_still_queued_when_ready_is_handed_out_once),
        TEST(test_delayed_add_is_not_cancelled_by_processing_the_key),
        TEST(test_blocked_getter_wakes_when_the_fake_clock_reaches_the_delay),
        TEST(test_getter_waits_less_when_an_earlier_key_arrives),
        TEST(test_real_clock_delays_in_real_time),
        TEST(test_add_rate_limited_backs_off_per_key_until_forget),
        TEST(test_queue_without_limiter_uses_the_default_controller_limiter),
        TEST(test_shutdown_wakes_every_blocked_getter),
        TEST(test_shutdown_wakes_a_getter_waiting_for_a_delayed_key),
        TEST(test_keys_queued_before_shutdown_are_still_handed_out),
        TEST(test_shutdown_ignores_later_adds_and_drops_delayed_keys),
        TEST(test_shutdown_with_drain_waits_for_keys_in_flight),
        TEST(test_shutdown_without_drain_ends_a_drain_wait),
        TEST(test_drain_with_nothing_in_flight_returns_at_once),
        TEST(test_many_workers_never_process_one_key_at_once),
        TEST(test_done_for_a_key_not_processing_is_ignored),
        TEST(test_waiting_for_getters_that_never_come_times_out),
    };
    return cmocka_run_group_tests_name("workqueue", tests, NULL, NULL);
}
