/* A long-running background thread with a stop flag, waits that a stop interrupts (the stop
 * channel of client-go's wait.Until and wait.JitterUntil) and a jitter source, shared by the
 * informer and leader election. Thread-safe: mu guards the flags. */
#ifndef C8S_BGTHREAD_H
#define C8S_BGTHREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct bgthread {
    /* Guards the fields below; the owner may guard its own state with it too and broadcast
     * cond when that state changes. */
    pthread_mutex_t mu;
    pthread_cond_t cond; /* broadcast on stop */
    bool started, joined, stopping;
    pthread_t thread;
    uint64_t random_state; /* the thread's own (bgthread_random) */
};

/* Initialises t (caller storage), stopped and not started. */
void bgthread_init(struct bgthread *t);

/* Releases what bgthread_init set up; the thread must be joined (or never started). */
void bgthread_destroy(struct bgthread *t);

/* Runs fn(arg) on a new thread. Returns 0, -EBUSY when started before, or -errno. */
int bgthread_start(struct bgthread *t, void *(*fn)(void *), void *arg);

/* Sets the stop flag and wakes every bgthread_sleep_until; does not wait. Any thread. */
void bgthread_request_stop(struct bgthread *t);

/* Waits for the thread to end (once; later calls and a never-started thread return at once).
 * Not from the thread itself. */
void bgthread_join(struct bgthread *t);

/* Whether bgthread_request_stop was called. */
bool bgthread_stopping(struct bgthread *t);

/* Blocks until the real clock's deadline_ns (clk_now(clk_real()) scale) or a stop request.
 * Returns false when stopping. */
bool bgthread_sleep_until(struct bgthread *t, int64_t deadline_ns);

/* A number in [0, 1) for jitter (xorshift; not for secrets). Only from the thread itself. */
double bgthread_random(struct bgthread *t);

#endif
