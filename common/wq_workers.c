/* Worker threads for a work queue (client-go controllers' `for i := 0; i < workers; i++ { go
 * wait.Until(c.worker, time.Second, stopCh) }` with processNextWorkItem and handleErr). */
#include "wq_workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

struct wq_workers {
    struct workqueue *q;
    wq_sync_fn sync;
    void *data;
    int max_requeues;
    pthread_t *threads;
    int n;
};

/* processNextWorkItem until the queue is shut down and empty. */
static void *worker_run(void *arg)
{
    struct wq_workers *w = arg;
    char *key;
    while ((key = wq_get(w->q)) != NULL) {
        struct err err = {0};
        if (w->sync(w->data, key, &err) == 0) {
            wq_forget(w->q, key);
        } else if (w->max_requeues > 0 && wq_num_requeues(w->q, key) >= w->max_requeues) {
            LOG_W("dropping key out of the queue", "queue=%s key=%s err=\"%s\"", wq_name(w->q), key,
                  err.msg);
            wq_forget(w->q, key);
        } else {
            LOG_E("error syncing", "queue=%s key=%s err=\"%s\"", wq_name(w->q), key, err.msg);
            wq_add_rate_limited(w->q, key);
        }
        wq_done(w->q, key);
        free(key);
    }
    return NULL;
}

struct wq_workers *wq_workers_start(struct workqueue *q, int n, wq_sync_fn sync, void *data,
                                    int max_requeues, struct err *err)
{
    if (n < 1) {
        n = 1;
    }
    struct wq_workers *w = xcalloc(1, sizeof *w);
    *w = (struct wq_workers){.q = q, .sync = sync, .data = data, .max_requeues = max_requeues};
    w->threads = xcalloc((size_t)n, sizeof *w->threads);
    for (; w->n < n; w->n++) {
        int rc = pthread_create(&w->threads[w->n], NULL, worker_run, w);
        if (rc != 0) {
            err_set(err, rc, "queue %s: pthread_create: %s", wq_name(q), strerror(rc));
            wq_workers_stop(w);
            return NULL;
        }
    }
    return w;
}

void wq_workers_stop(struct wq_workers *w)
{
    if (w == NULL) {
        return;
    }
    wq_shutdown(w->q, false);
    for (int i = 0; i < w->n; i++) {
        pthread_join(w->threads[i], NULL);
    }
    free(w->threads);
    free(w);
}
