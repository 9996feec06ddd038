/* A rate-limited work queue of string keys with client-go's semantics (util/workqueue: queue.go,
 * delaying_queue.go, rate_limiting_queue.go): fair (FIFO), deduplicating (a key queued twice is
 * handed out once) and stingy (a key is never processed by two workers at once; re-added while
 * processed, it is queued again on done). Thread-safe: one mutex guards the queue.
 *
 * The worker loop of every controller:
 *     char *key;
 *     while ((key = wq_get(q)) != NULL) {
 *         if (sync(key, &err) == 0) { wq_forget(q, key); } else { log; wq_add_rate_limited(q, key);
 * } wq_done(q, key); free(key);
 *     }
 */
#ifndef C8S_WORKQUEUE_H
#define C8S_WORKQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "ratelimit.h"

struct workqueue;

/* A new queue (free with wq_free). name is copied (for logs and metrics). Takes ownership of rl;
 * NULL means ratelimiter_default_controller_new(clk). clk is borrowed and must outlive the
 * queue; NULL means clk_real(). Delayed keys become ready by clk's time, so a fake clock drives
 * wq_add_after in tests. */
struct workqueue *wq_new(const char *name, struct ratelimiter *rl, struct clock *clk);

/* Frees the queue, its rate limiter and every key it holds. No thread may be using it: shut it
 * down and join the workers first. NULL is a no-op. */
void wq_free(struct workqueue *q);

/* The name given to wq_new (borrowed, valid until wq_free). */
const char *wq_name(const struct workqueue *q);

/* Marks key as needing processing (copied). A key already queued is not queued twice; a key
 * being processed is queued again when wq_done is called for it. Ignored after shutdown. */
void wq_add(struct workqueue *q, const char *key);

/* wq_add once delay_ns (nanoseconds; DURATION_MS etc.) of the queue's clock have passed;
 * delay_ns <= 0 adds now. When a key is already waiting, the earlier time wins. A delayed key
 * is independent of the queued one: wq_add does not cancel it. Ignored after shutdown, and
 * shutdown discards waiting keys. */
void wq_add_after(struct workqueue *q, const char *key, int64_t delay_ns);

/* wq_add_after with the delay the rate limiter gives key (which counts one more failure). */
void wq_add_rate_limited(struct workqueue *q, const char *key);

/* Tells the rate limiter to stop tracking key (after a success, or when giving up). It does not
 * remove key from the queue and does not replace wq_done. */
void wq_forget(struct workqueue *q, const char *key);

/* How many times key went through wq_add_rate_limited since its last wq_forget. */
int wq_num_requeues(struct workqueue *q, const char *key);

/* Blocks until a key is ready and returns it, marked as processing (an owned copy: free it).
 * After shutdown, keys still queued are handed out until none are left (as client-go's Get);
 * then, and for every later call, returns NULL: the worker should exit. Every key returned must
 * be passed to wq_done. */
char *wq_get(struct workqueue *q);

/* Ends the processing of key (borrowed; the string wq_get returned, or an equal one). If key
 * was added meanwhile it is queued again. A key not being processed is ignored. */
void wq_done(struct workqueue *q, const char *key);

/* Shuts the queue down: later adds are ignored, waiting (delayed) keys are dropped, and getters
 * blocked on an empty queue wake up with NULL. With drain, also blocks until every key being
 * processed has been passed to wq_done (ShutDownWithDrain); a concurrent wq_shutdown(q, false)
 * ends that wait early. May be called more than once. */
void wq_shutdown(struct workqueue *q, bool drain);

/* Whether wq_shutdown was called. */
bool wq_shutting_down(struct workqueue *q);

/* The number of keys queued and ready (not processing, not waiting for their delay). For
 * information only: it may change right after it is read. */
size_t wq_len(struct workqueue *q);

#endif
