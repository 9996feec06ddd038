/* Parallel workers on a work queue: keys are synced by several threads at once but one key never
 * by two; failures are retried with the queue's per-key backoff until they succeed, or dropped
 * after max_requeues; stop drains what is queued. Waits poll a condition with a deadline. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "duration.h"
#include "keymap.h"
#include "log.h"
#include "wq_workers.h"

#define NKEYS 40

struct syncer {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int running, max_running;
    int calls[NKEYS];
    bool busy[NKEYS];
    bool overlapped;       /* a key ran on two workers at once */
    int fail_first;        /* each key fails this many times first */
    bool wait_for_company; /* the first syncs wait until two run together */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sync_key(void *data, const char *key, struct err *err)
{
    struct syncer *s = data;
    int k = atoi(key + 1);
    pthread_mutex_lock(&s->mu);
    s->overlapped = s->overlapped || s->busy[k];
    s->busy[k] = true;
    s->running++;
    if (s->running > s->max_running) {
        s->max_running = s->running;
    }
    pthread_cond_broadcast(&s->cond);
    if (s->wait_for_company) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 5;
        while (s->max_running < 2 && pthread_cond_timedwait(&s->cond, &s->mu, &deadline) == 0) {
        }
    }
    int call = ++s->calls[k];
    s->running--;
    s->busy[k] = false;
    pthread_mutex_unlock(&s->mu);
    if (call <= s->fail_first) {
        return err_set(err, EAGAIN, "key %s: not yet", key);
    }
    return 0;
}

static int total_calls(struct syncer *s)
{
    pthread_mutex_lock(&s->mu);
    int n = 0;
    for (int i = 0; i < NKEYS; i++) {
        n += s->calls[i];
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

static bool wait_calls(struct syncer *s, int n)
{
    int64_t deadline = now_ms() + 10000;
    while (total_calls(s) < n) {
        if (now_ms() > deadline) {
            return false;
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    return true;
}

static int set_up(void **state)
{
    struct syncer *s = calloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cond, NULL);
    *state = s;
    return 0;
}

static int tear_down(void **state)
{
    struct syncer *s = *state;
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cond);
    free(s);
    return 0;
}

static struct workqueue *fast_queue(void)
{
    return wq_new("test", ratelimiter_item_exponential_new(1 * DURATION_MS, 10 * DURATION_MS),
                  NULL);
}

static void add_keys(struct workqueue *q)
{
    for (int i = 0; i < NKEYS; i++) {
        char key[8];
        snprintf(key, sizeof key, "k%d", i);
        wq_add(q, key);
        wq_add(q, key); /* deduplicated while queued */
    }
}

static void test_workers_run_in_parallel_and_never_sync_one_key_twice_at_once(void **state)
{
    struct syncer *s = *state;
    s->wait_for_company = true;
    struct workqueue *q = fast_queue();
    add_keys(q);
    struct wq_workers *w = wq_workers_start(q, 4, sync_key, s, 0, NULL);
    assert_non_null(w);
    assert_true(wait_calls(s, NKEYS));
    wq_workers_stop(w);
    assert_true(s->max_running >= 2);
    assert_false(s->overlapped);
    for (int i = 0; i < NKEYS; i++) {
        assert_int_equal(s->calls[i], 1); /* each key once: the double add was merged */
    }
    wq_free(q);
}

static void test_failed_keys_are_retried_with_backoff_until_they_succeed(void **state)
{
    struct syncer *s = *state;
    s->fail_first = 2;
    struct workqueue *q = fast_queue();
    add_keys(q);
    struct wq_workers *w = wq_workers_start(q, 3, sync_key, s, 0, NULL);
    assert_non_null(w);
    assert_true(wait_calls(s, 3 * NKEYS));
    /* Every key succeeded on its third call and was forgotten by the rate limiter. */
    for (int i = 0; i < NKEYS; i++) {
        char key[8];
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(wq_num_requeues(q, key), 0);
    }
    wq_workers_stop(w);
    assert_int_equal(total_calls(s), 3 * NKEYS);
    assert_false(s->overlapped);
    wq_free(q);
}

static void test_keys_failing_max_requeues_times_are_dropped(void **state)
{
    struct syncer *s = *state;
    s->fail_first = 1000;
    struct workqueue *q = fast_queue();
    wq_add(q, "k1");
    struct wq_workers *w = wq_workers_start(q, 2, sync_key, s, 3, NULL);
    assert_non_null(w);
    /* The first try and 3 retries, then dropped. */
    assert_true(wait_calls(s, 4));
    int64_t deadline = now_ms() + 10000;
    while (wq_num_requeues(q, "k1") != 0 && now_ms() < deadline) {
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(wq_num_requeues(q, "k1"), 0);
    assert_int_equal(wq_len(q), 0);
    wq_workers_stop(w);
    assert_int_equal(total_calls(s), 4);
    wq_free(q);
}

static void test_stop_syncs_keys_already_queued(void **state)
{
    struct syncer *s = *state;
    struct workqueue *q = fast_queue();
    struct wq_workers *w = wq_workers_start(q, 2, sync_key, s, 0, NULL);
    add_keys(q);
    wq_workers_stop(w);
    assert_true(wq_shutting_down(q));
    assert_int_equal(total_calls(s), NKEYS);
    wq_workers_stop(NULL);
    wq_free(q);
}

#define T(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_workers_run_in_parallel_and_never_sync_one_key_twice_at_once),
        T(test_failed_keys_are_retried_with_backoff_until_they_succeed),
        T(test_keys_failing_max_requeues_times_are_dropped),
        T(test_stop_syncs_keys_already_queued),
    };
    return cmocka_run_group_tests_name("wq_workers", tests, NULL, NULL);
}
