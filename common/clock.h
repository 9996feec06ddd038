/* An injectable monotonic clock (k8s.io/utils/clock's Clock and FakeClock): code that waits or
 * measures time takes a struct clock, production passes clk_real(), tests a fake clock they
 * advance by hand, so no test sleeps. The prefix is clk_ because libc owns clock_. */
#ifndef C8S_CLOCK_H
#define C8S_CLOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Times are int64 nanoseconds (duration.h's DURATION_* constants), on a monotonic scale whose
 * origin means nothing: only differences between two readings of one clock count. */
struct clock;

/* A registration that lets a fake clock wake a thread waiting in clk_cond_wait_until on cond
 * (see clk_watch_add). Caller storage; its fields are the clock's. */
struct clk_watch {
    pthread_mutex_t *mu;
    pthread_cond_t *cond;
    struct clk_watch *next;
};

/* The process-wide real clock (CLOCK_MONOTONIC). Static: never free it. Thread-safe. */
struct clock *clk_real(void);

/* A fake clock that reads start_ns until advanced (free with clk_fake_free). Thread-safe. */
struct clock *clk_fake_new(int64_t start_ns);

/* Frees a fake clock; nothing may still use it (watches removed, no sleepers). NULL is a no-op. */
void clk_fake_free(struct clock *c);

/* Moves a fake clock forward by d_ns (>= 0) and wakes every sleeper and every registered watch
 * whose deadline may have passed. Never call it while holding a mutex registered in a watch of
 * this clock: it locks each of them to deliver the wake-up. Aborts on a real clock. */
void clk_fake_advance(struct clock *c, int64_t d_ns);

/* The number of threads blocked on a fake clock's time right now: in clk_sleep, or in
 * clk_cond_wait_until with a deadline (FakeClock.HasWaiters). 0 for the real clock. */
int clk_fake_sleepers(struct clock *c);

/* Blocks until at least n threads are blocked on the fake clock's time or real_timeout_ns of
 * real time pass, so a test can advance only once the worker waits. Returns 0, or -ETIMEDOUT. */
int clk_fake_wait_for_sleepers(struct clock *c, int n, int64_t real_timeout_ns);

/* Whether c is a fake clock. */
bool clk_is_fake(const struct clock *c);

/* The current time in nanoseconds. Thread-safe. */
int64_t clk_now(struct clock *c);

/* Blocks the calling thread for d_ns of c's time (returns at once when d_ns <= 0). On a fake
 * clock it returns once the clock has been advanced past now + d_ns. Thread-safe. */
void clk_sleep(struct clock *c, int64_t d_ns);

/* Initialises cond to time out on CLOCK_MONOTONIC, as clk_cond_wait_until needs. Destroy it
 * with pthread_cond_destroy. */
void clk_cond_init(pthread_cond_t *cond);

/* Registers (mu, cond) with a fake clock so clk_fake_advance wakes threads waiting on cond; on
 * the real clock it does nothing. w is caller storage and stays registered until
 * clk_watch_remove, which must come before mu or cond is destroyed. Call neither while holding
 * mu. Thread-safe. */
void clk_watch_add(struct clock *c, struct clk_watch *w, pthread_mutex_t *mu, pthread_cond_t *cond);
void clk_watch_remove(struct clock *c, struct clk_watch *w);

/* pthread_cond_wait on cond with mu held, that also returns once c reaches deadline_ns. cond
 * must come from clk_cond_init and, for a fake clock, be registered with clk_watch_add. Like
 * pthread_cond_wait it may return early (a signal, or spuriously), so callers loop on their
 * condition. Returns true when c's time has reached deadline_ns. */
bool clk_cond_wait_until(struct clock *c, pthread_cond_t *cond, pthread_mutex_t *mu,
                         int64_t deadline_ns);

#endif
