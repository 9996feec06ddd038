/* client-go's work queue in one lock: the dirty and processing sets become two flags on a per-key
 * entry, the FIFO links the entries that are dirty and not processing, and the delaying queue's
 * heap holds the entries with a pending add_after. There is no waiting-loop thread: the heap is
 * drained into the FIFO by whoever looks at the queue (wq_get, wq_len) once the clock says so. */
#include "workqueue.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "keymap.h"
#include "workqueue_int.h"
#include "xalloc.h"

#define NOT_WAITING SIZE_MAX

struct wq_entry {
    char *key;
    bool dirty;      /* needs processing (client-go's dirty set) */
    bool processing; /* handed out by wq_get, wq_done not yet called */
    size_t heap_pos; /* index in waiting[], or NOT_WAITING */
    int64_t ready_at;
    uint64_t seq;          /* breaks ties between equal ready_at: first delayed, first ready */
    struct wq_entry *next; /* FIFO link; an entry is queued iff dirty && !processing */
};

struct workqueue {
    char *name;
    struct ratelimiter *rl;
    struct clock *clk;
    struct clk_watch watch;

    pthread_mutex_t mu;   /* guards everything below */
    pthread_cond_t cond;  /* a key was queued, the earliest delay changed, or shutdown */
    pthread_cond_t idle;  /* nothing is processing any more, or a drain was cancelled */
    pthread_cond_t state; /* getters_blocked or drainers_blocked changed */

    struct keymap *entries; /* key -> struct wq_entry *, for every dirty/processing/waiting key */
    struct wq_entry *head;
    struct wq_entry *tail;
    size_t len;
    size_t nprocessing;

    struct wq_entry **waiting; /* min-heap on (ready_at, seq) */
    size_t nwaiting;
    size_t capwaiting;
    uint64_t seq;

    bool shutting_down;
    bool drain;
    int getters_blocked;  /* threads waiting in wq_get (workqueue_int.h) */
    int drainers_blocked; /* threads waiting in wq_shutdown(q, true) (workqueue_int.h) */
};

/* ---- Entries ---- */

static struct wq_entry *entry_get_or_new(struct workqueue *q, const char *key)
{
    struct wq_entry *e = keymap_get(q->entries, key);
    if (e == NULL) {
        e = xcalloc(1, sizeof *e);
        e->key = xstrdup(key);
        e->heap_pos = NOT_WAITING;
        keymap_put(q->entries, key, e);
    }
    return e;
}

static void entry_free(void *p)
{
    struct wq_entry *e = p;
    free(e->key);
    free(e);
}

/* Drops e once nothing refers to it, so the map holds only live keys. */
static void entry_release_if_unused(struct workqueue *q, struct wq_entry *e)
{
    if (!e->dirty && !e->processing && e->heap_pos == NOT_WAITING) {
        keymap_remove(q->entries, e->key);
        entry_free(e);
    }
}

static void fifo_push(struct workqueue *q, struct wq_entry *e)
{
    e->next = NULL;
    if (q->tail != NULL) {
        q->tail->next = e;
    } else {
        q->head = e;
    }
    q->tail = e;
    q->len++;
    pthread_cond_signal(&q->cond);
}

static struct wq_entry *fifo_pop(struct workqueue *q)
{
    struct wq_entry *e = q->head;
    q->head = e->next;
    if (q->head == NULL) {
        q->tail = NULL;
    }
    e->next = NULL;
    q->len--;
    return e;
}

/* queue.go's Add, on an entry. */
static void add_locked(struct workqueue *q, struct wq_entry *e)
{
    if (q->shutting_down || e->dirty) {
        return;
    }
    e->dirty = true;
    if (!e->processing) {
        fifo_push(q, e);
    }
}

/* ---- The delay heap ---- */

static bool heap_less(const struct wq_entry *a, const struct wq_entry *b)
{
    return a->ready_at < b->ready_at || (a->ready_at == b->ready_at && a->seq < b->seq);
}

static void heap_set(struct workqueue *q, size_t i, struct wq_entry *e)
{
    q->waiting[i] = e;
    e->heap_pos = i;
}

static void heap_up(struct workqueue *q, size_t i)
{
    struct wq_entry *e = q->waiting[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!heap_less(e, q->waiting[parent])) {
            break;
        }
        heap_set(q, i, q->waiting[parent]);
        i = parent;
    }
    heap_set(q, i, e);
}

static void heap_down(struct workqueue *q, size_t i)
{
    struct wq_entry *e = q->waiting[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= q->nwaiting) {
            break;
        }
        if (child + 1 < q->nwaiting && heap_less(q->waiting[child + 1], q->waiting[child])) {
            child++;
        }
        if (!heap_less(q->waiting[child], e)) {
            break;
        }
        heap_set(q, i, q->waiting[child]);
        i = child;
    }
    heap_set(q, i, e);
}

static void heap_push(struct workqueue *q, struct wq_entry *e)
{
    if (q->nwaiting == q->capwaiting) {
        q->capwaiting = q->capwaiting == 0 ? 16 : q->capwaiting * 2;
        q->waiting = xrealloc(q->waiting, q->capwaiting * sizeof(struct wq_entry *));
    }
    heap_set(q, q->nwaiting++, e);
    heap_up(q, e->heap_pos);
}

static struct wq_entry *heap_pop(struct workqueue *q)
{
    struct wq_entry *top = q->waiting[0];
    top->heap_pos = NOT_WAITING;
    q->nwaiting--;
    if (q->nwaiting > 0) {
        heap_set(q, 0, q->waiting[q->nwaiting]);
        heap_down(q, 0);
    }
    return top;
}

/* Moves every key whose time has come from the heap to the FIFO, earliest first (the delaying
 * queue's waitingLoop, run by the caller instead of a goroutine). */
static void promote_ready(struct workqueue *q)
{
    if (q->nwaiting == 0) {
        return;
    }
    int64_t now = clk_now(q->clk);
    while (q->nwaiting > 0 && q->waiting[0]->ready_at <= now) {
        struct wq_entry *e = heap_pop(q);
        add_locked(q, e);
        entry_release_if_unused(q, e);
    }
}

/* ---- Public API ---- */

struct workqueue *wq_new(const char *name, struct ratelimiter *rl, struct clock *clk)
{
    struct workqueue *q = xcalloc(1, sizeof *q);
    q->name = xstrdup(name != NULL ? name : "");
    q->clk = clk != NULL ? clk : clk_real();
    q->rl = rl != NULL ? rl : ratelimiter_default_controller_new(q->clk);
    pthread_mutex_init(&q->mu, NULL);
    clk_cond_init(&q->cond);
    pthread_cond_init(&q->idle, NULL);
    clk_cond_init(&q->state);
    q->entries = keymap_new();
    clk_watch_add(q->clk, &q->watch, &q->mu, &q->cond);
    return q;
}

void wq_free(struct workqueue *q)
{
    if (q == NULL) {
        return;
    }
    clk_watch_remove(q->clk, &q->watch);
    keymap_free(q->entries, entry_free);
    free(q->waiting);
    pthread_cond_destroy(&q->cond);
    pthread_cond_destroy(&q->idle);
    pthread_cond_destroy(&q->state);
    pthread_mutex_destroy(&q->mu);
    ratelimiter_free(q->rl);
    free(q->name);
    free(q);
}

const char *wq_name(const struct workqueue *q)
{
    return q->name;
}

void wq_add(struct workqueue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    if (!q->shutting_down) {
        struct wq_entry *e = entry_get_or_new(q, key);
        add_locked(q, e);
        entry_release_if_unused(q, e);
    }
    pthread_mutex_unlock(&q->mu);
}

void wq_add_after(struct workqueue *q, const char *key, int64_t delay_ns)
{
    if (delay_ns <= 0) {
        wq_add(q, key);
        return;
    }
    pthread_mutex_lock(&q->mu);
    if (q->shutting_down) {
        pthread_mutex_unlock(&q->mu);
        return;
    }
    int64_t now = clk_now(q->clk);
    int64_t ready_at = now > INT64_MAX - delay_ns ? INT64_MAX : now + delay_ns;
    struct wq_entry *e = entry_get_or_new(q, key);
    if (e->heap_pos == NOT_WAITING) {
        e->ready_at = ready_at;
        e->seq = q->seq++;
        heap_push(q, e);
    } else if (ready_at < e->ready_at) {
        e->ready_at = ready_at;
        heap_up(q, e->heap_pos);
    }
    /* Getters sleep until the earliest ready time they saw; a new earliest one must wake them
     * so they sleep for less. */
    if (e->heap_pos == 0) {
        pthread_cond_broadcast(&q->cond);
    }
    pthread_mutex_unlock(&q->mu);
}

void wq_add_rate_limited(struct workqueue *q, const char *key)
{
    wq_add_after(q, key, ratelimiter_when(q->rl, key));
}

void wq_forget(struct workqueue *q, const char *key)
{
    ratelimiter_forget(q->rl, key);
}

int wq_num_requeues(struct workqueue *q, const char *key)
{
    return ratelimiter_num_requeues(q->rl, key);
}

char *wq_get(struct workqueue *q)
{
    pthread_mutex_lock(&q->mu);
    for (;;) {
        promote_ready(q);
        if (q->head != NULL || q->shutting_down) {
            break;
        }
        q->getters_blocked++;
        pthread_cond_broadcast(&q->state);
        if (q->nwaiting > 0) {
            clk_cond_wait_until(q->clk, &q->cond, &q->mu, q->waiting[0]->ready_at);
        } else {
            pthread_cond_wait(&q->cond, &q->mu);
        }
        q->getters_blocked--;
        pthread_cond_broadcast(&q->state);
    }
    char *key = NULL;
    if (q->head != NULL) {
        struct wq_entry *e = fifo_pop(q);
        e->dirty = false;
        e->processing = true;
        q->nprocessing++;
        key = xstrdup(e->key);
    }
    pthread_mutex_unlock(&q->mu);
    return key;
}

void wq_done(struct workqueue *q, const char *key)
{
    pthread_mutex_lock(&q->mu);
    struct wq_entry *e = keymap_get(q->entries, key);
    if (e != NULL && e->processing) {
        e->processing = false;
        q->nprocessing--;
        if (e->dirty) {
            fifo_push(q, e);
        } else {
            entry_release_if_unused(q, e);
        }
        if (q->nprocessing == 0) {
            pthread_cond_broadcast(&q->idle);
        }
    }
    pthread_mutex_unlock(&q->mu);
}

void wq_shutdown(struct workqueue *q, bool drain)
{
    pthread_mutex_lock(&q->mu);
    q->shutting_down = true;
    q->drain = drain;
    while (q->nwaiting > 0) {
        struct wq_entry *e = heap_pop(q);
        entry_release_if_unused(q, e);
    }
    pthread_cond_broadcast(&q->cond);
    pthread_cond_broadcast(&q->idle);
    while (drain && q->drain && q->nprocessing > 0) {
        q->drainers_blocked++;
        pthread_cond_broadcast(&q->state);
        pthread_cond_wait(&q->idle, &q->mu);
        q->drainers_blocked--;
        pthread_cond_broadcast(&q->state);
    }
    pthread_mutex_unlock(&q->mu);
}

bool wq_shutting_down(struct workqueue *q)
{
    pthread_mutex_lock(&q->mu);
    bool down = q->shutting_down;
    pthread_mutex_unlock(&q->mu);
    return down;
}

size_t wq_len(struct workqueue *q)
{
    pthread_mutex_lock(&q->mu);
    promote_ready(q);
    size_t len = q->len;
    pthread_mutex_unlock(&q->mu);
    return len;
}

/* ---- Test hooks (workqueue_int.h) ---- */

/* Locks q->mu and waits until *count >= n or the real-time deadline passes. */
static int wait_for_count(struct workqueue *q, const int *count, int n, int64_t real_timeout_ns)
{
    struct clock *real = clk_real();
    int64_t deadline = clk_now(real) + real_timeout_ns;
    pthread_mutex_lock(&q->mu);
    while (*count < n) {
        if (clk_cond_wait_until(real, &q->state, &q->mu, deadline)) {
            break;
        }
    }
    int got = *count;
    pthread_mutex_unlock(&q->mu);
    return got >= n ? 0 : -ETIMEDOUT;
}

int wq_wait_for_getters(struct workqueue *q, int n, int64_t real_timeout_ns)
{
    return wait_for_count(q, &q->getters_blocked, n, real_timeout_ns);
}

int wq_wait_for_drainers(struct workqueue *q, int n, int64_t real_timeout_ns)
{
    return wait_for_count(q, &q->drainers_blocked, n, real_timeout_ns);
}

size_t wq_num_waiting(struct workqueue *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->nwaiting;
    pthread_mutex_unlock(&q->mu);
    return n;
}
