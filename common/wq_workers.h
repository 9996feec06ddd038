/* Parallel workers for a work queue, as a client-go controller's Run starts them: N threads each
 * looping processNextWorkItem (wq_get, sync(key), wq_forget on success, wq_add_rate_limited and
 * one log line on failure, wq_done), so one key is never synced by two workers at once (the
 * queue is stingy) and failing keys back off per key (the queue's rate limiter). */
#ifndef C8S_WQ_WORKERS_H
#define C8S_WQ_WORKERS_H

#include <stdbool.h>

#include "err.h"
#include "workqueue.h"

/* Syncs one key (borrowed); returns 0, or a negative code with err filled to retry the key
 * later. Called on a worker thread; the same key never runs on two workers at once. */
typedef int (*wq_sync_fn)(void *data, const char *key, struct err *err);

struct wq_workers;

/* Starts n (>= 1) workers on q (borrowed: it must outlive the workers) calling sync(data, key).
 * A key that failed max_requeues times in a row is dropped (wq_forget, logged) instead of being
 * requeued, as controllers with a maxRetries do; max_requeues <= 0 retries forever. Returns the
 * workers, or NULL with err filled when a thread cannot be created (then q is shut down and no
 * worker is left running). */
struct wq_workers *wq_workers_start(struct workqueue *q, int n, wq_sync_fn sync, void *data,
                                    int max_requeues, struct err *err);

/* Shuts the queue down (keys already queued are still synced; delayed ones are dropped), joins
 * the workers and frees w. NULL is a no-op. Not from a worker. */
void wq_workers_stop(struct wq_workers *w);

#endif
