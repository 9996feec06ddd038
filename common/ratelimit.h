/* Rate limiters with client-go's semantics: the per-key retry limiters of util/workqueue
 * (default_rate_limiters.go) behind one vtable, and the token bucket of golang.org/x/time/rate
 * that both BucketRateLimiter and client-side --kube-api-qps/--kube-api-burst throttling
 * (util/flowcontrol) use. Every limiter here is thread-safe: each holds its own mutex. */
#ifndef C8S_RATELIMIT_H
#define C8S_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "err.h"

/* ---- Per-key retry limiters (workqueue.RateLimiter) ---- */

struct ratelimiter;

/* The vtable. Implement it to plug in another limiter (a test fake, say); every function is
 * called from any thread, so implementations lock. */
struct ratelimiter_ops {
    /* How long key should wait before its next try (ns, >= 0); counts one more failure. */
    int64_t (*when)(struct ratelimiter *rl, const char *key);
    /* Stops tracking key (success or giving up). */
    void (*forget)(struct ratelimiter *rl, const char *key);
    /* How many failures are counted for key. */
    int (*num_requeues)(struct ratelimiter *rl, const char *key);
    void (*free)(struct ratelimiter *rl);
};

/* Embed this first in an implementation's struct. */
struct ratelimiter {
    const struct ratelimiter_ops *ops;
};

/* Dispatch to rl's ops (see struct ratelimiter_ops). key is borrowed. ratelimiter_free(NULL)
 * is a no-op. */
int64_t ratelimiter_when(struct ratelimiter *rl, const char *key);
void ratelimiter_forget(struct ratelimiter *rl, const char *key);
int ratelimiter_num_requeues(struct ratelimiter *rl, const char *key);
void ratelimiter_free(struct ratelimiter *rl);

/* ItemExponentialFailureRateLimiter: when(key) is base_ns * 2^failures(key), at most max_ns;
 * the count grows by one per call until forget. Returns a new limiter (ratelimiter_free). */
struct ratelimiter *ratelimiter_item_exponential_new(int64_t base_ns, int64_t max_ns);

/* ItemFastSlowRateLimiter: fast_ns for the first max_fast_attempts failures of a key, slow_ns
 * after. Returns a new limiter. */
struct ratelimiter *ratelimiter_item_fast_slow_new(int64_t fast_ns, int64_t slow_ns,
                                                   int max_fast_attempts);

/* BucketRateLimiter: one token bucket shared by every key (see tokenbucket_new); when() takes a
 * token and returns the wait until it is due, so a burst of failures spreads out at qps.
 * forget is a no-op and num_requeues is 0. clk is borrowed (NULL: clk_real()) and must outlive
 * the limiter. Returns a new limiter. */
struct ratelimiter *ratelimiter_bucket_new(double qps, int burst, struct clock *clk);

/* MaxOfRateLimiter: when() asks every limiter (each counts the failure) and returns the longest
 * wait; num_requeues is the largest count; forget forgets in all. Takes ownership of the n
 * limiters (the array itself is copied). Returns a new limiter. */
struct ratelimiter *ratelimiter_max_of_new(struct ratelimiter *const *limiters, int n);

/* WithMaxWaitRateLimiter: inner's when(), capped at max_ns. Takes ownership of inner. */
struct ratelimiter *ratelimiter_with_max_wait_new(struct ratelimiter *inner, int64_t max_ns);

/* DefaultControllerRateLimiter: max of item_exponential(5 ms, 1000 s) and bucket(10 qps, burst
 * 100) on clk (borrowed; NULL: clk_real()). Returns a new limiter. */
struct ratelimiter *ratelimiter_default_controller_new(struct clock *clk);

/* ---- Token bucket (golang.org/x/time/rate.Limiter, client-go flowcontrol) ---- */

/* Tokens refill at qps per second up to burst; the bucket starts full. A reservation always
 * takes a token, leaving the bucket in debt, so callers that reserve in a row are spaced 1/qps
 * apart. qps <= 0 means unlimited (client-go builds no limiter for a negative --kube-api-qps;
 * resolving 0 to a default is the caller's job); burst < 1 counts as 1. */
struct tokenbucket;

/* A new bucket on clk (borrowed; NULL: clk_real()); free with tokenbucket_free. */
struct tokenbucket *tokenbucket_new(double qps, int burst, struct clock *clk);
void tokenbucket_free(struct tokenbucket *tb);

/* Takes a token now and returns how long to wait (ns) before acting on it (Reserve().Delay()).
 * Thread-safe. */
int64_t tokenbucket_reserve(struct tokenbucket *tb);

/* Takes a token when one is available right now (TryAccept / Allow). Thread-safe. */
bool tokenbucket_try_accept(struct tokenbucket *tb);

/* Takes a token and blocks until it is due (flowcontrol's Accept). Thread-safe. */
void tokenbucket_accept(struct tokenbucket *tb);

/* Like accept, but gives up without taking a token when the wait would exceed timeout_ns
 * (rate.Limiter.Wait with a deadline): -ETIMEDOUT with "rate: Wait(n=1) would exceed context
 * deadline". Thread-safe. */
int tokenbucket_wait(struct tokenbucket *tb, int64_t timeout_ns, struct err *err) C8S_MUST_USE;

/* The configured rate (QPS()), <= 0 when unlimited. */
double tokenbucket_qps(const struct tokenbucket *tb);

#endif
