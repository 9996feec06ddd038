/* Background threads with interruptible waits (see bgthread.h). */
#include "bgthread.h"

#include <errno.h>
#include <time.h>

#include "clock.h"

void bgthread_init(struct bgthread *t)
{
    *t = (struct bgthread){0};
    pthread_mutex_init(&t->mu, NULL);
    clk_cond_init(&t->cond);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t->random_state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uintptr_t)t;
    if (t->random_state == 0) {
        t->random_state = 88172645463325252ull;
    }
}

void bgthread_destroy(struct bgthread *t)
{
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cond);
}

int bgthread_start(struct bgthread *t, void *(*fn)(void *), void *arg)
{
    pthread_mutex_lock(&t->mu);
    int rc = t->started ? EBUSY : pthread_create(&t->thread, NULL, fn, arg);
    if (rc == 0) {
        t->started = true;
    }
    pthread_mutex_unlock(&t->mu);
    return -rc;
}

void bgthread_request_stop(struct bgthread *t)
{
    pthread_mutex_lock(&t->mu);
    t->stopping = true;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->mu);
}

void bgthread_join(struct bgthread *t)
{
    pthread_mutex_lock(&t->mu);
    bool join = t->started && !t->joined;
    t->joined = t->joined || join;
    pthread_mutex_unlock(&t->mu);
    if (join) {
        pthread_join(t->thread, NULL);
    }
}

bool bgthread_stopping(struct bgthread *t)
{
    pthread_mutex_lock(&t->mu);
    bool stopping = t->stopping;
    pthread_mutex_unlock(&t->mu);
    return stopping;
}

bool bgthread_sleep_until(struct bgthread *t, int64_t deadline_ns)
{
    struct clock *clk = clk_real();
    pthread_mutex_lock(&t->mu);
    while (!t->stopping && !clk_cond_wait_until(clk, &t->cond, &t->mu, deadline_ns)) {
    }
    bool stopping = t->stopping;
    pthread_mutex_unlock(&t->mu);
    return !stopping;
}

double bgthread_random(struct bgthread *t)
{
    uint64_t x = t->random_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    t->random_state = x;
    return (double)(x >> 11) / 9007199254740992.0;
}
