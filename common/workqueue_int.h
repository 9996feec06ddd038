/* Test-only hooks into the work queue, so concurrency tests synchronise on state instead of
 * sleeping. Nothing but tests includes this file. */
#ifndef C8S_WORKQUEUE_INT_H
#define C8S_WORKQUEUE_INT_H

#include <stdint.h>

#include "workqueue.h"

/* Blocks until at least n threads are blocked inside wq_get, or real_timeout_ns of real time
 * pass. Returns 0, or -ETIMEDOUT. */
int wq_wait_for_getters(struct workqueue *q, int n, int64_t real_timeout_ns);

/* Blocks until at least n threads are blocked in wq_shutdown(q, true) waiting for in-flight
 * keys, or real_timeout_ns pass. Returns 0, or -ETIMEDOUT. */
int wq_wait_for_drainers(struct workqueue *q, int n, int64_t real_timeout_ns);

/* The number of keys waiting for their delay (delaying_queue's heap). */
size_t wq_num_waiting(struct workqueue *q);

#endif
