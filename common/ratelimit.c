/* client-go's workqueue rate limiters and x/time/rate's token bucket, reproduced from their
 * documented behaviour: exponential per-key backoff, fast/slow, max-of, max-wait, and a bucket
 * that reserves into debt. */
#include "ratelimit.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "duration.h"
#include "keymap.h"
#include "xalloc.h"

int64_t ratelimiter_when(struct ratelimiter *rl, const char *key)
{
    return rl->ops->when(rl, key);
}

void ratelimiter_forget(struct ratelimiter *rl, const char *key)
{
    rl->ops->forget(rl, key);
}

int ratelimiter_num_requeues(struct ratelimiter *rl, const char *key)
{
    return rl->ops->num_requeues(rl, key);
}

void ratelimiter_free(struct ratelimiter *rl)
{
    if (rl != NULL) {
        rl->ops->free(rl);
    }
}

/* ---- Per-key failure counts, shared by the exponential and fast/slow limiters ---- */

struct failures {
    pthread_mutex_t mu;
    struct keymap *counts; /* key -> int * */
};

static void failures_init(struct failures *f)
{
    pthread_mutex_init(&f->mu, NULL);
    f->counts = keymap_new();
}

static void failures_destroy(struct failures *f)
{
    keymap_free(f->counts, free);
    pthread_mutex_destroy(&f->mu);
}

/* Counts one more failure for key; returns the count before it. */
static int failures_bump(struct failures *f, const char *key)
{
    pthread_mutex_lock(&f->mu);
    int *count = keymap_get(f->counts, key);
    if (count == NULL) {
        count = xcalloc(1, sizeof *count);
        keymap_put(f->counts, key, count);
    }
    int before = *count;
    if (*count < INT32_MAX) {
        (*count)++;
    }
    pthread_mutex_unlock(&f->mu);
    return before;
}

static int failures_get(struct failures *f, const char *key)
{
    pthread_mutex_lock(&f->mu);
    int *count = keymap_get(f->counts, key);
    int n = count != NULL ? *count : 0;
    pthread_mutex_unlock(&f->mu);
    return n;
}

static void failures_forget(struct failures *f, const char *key)
{
    pthread_mutex_lock(&f->mu);
    free(keymap_remove(f->counts, key));
    pthread_mutex_unlock(&f->mu);
}

/* The exponential and fast/slow limiters differ only in when(): they share this base. */
struct counting {
    struct ratelimiter base;
    struct failures failures;
};

static void counting_init(struct counting *c, const struct ratelimiter_ops *ops)
{
    c->base.ops = ops;
    failures_init(&c->failures);
}

static void counting_forget(struct ratelimiter *rl, const char *key)
{
    failures_forget(&((struct counting *)rl)->failures, key);
}

static int counting_num_requeues(struct ratelimiter *rl, const char *key)
{
    return failures_get(&((struct counting *)rl)->failures, key);
}

static void counting_free(struct ratelimiter *rl)
{
    failures_destroy(&((struct counting *)rl)->failures);
    free(rl);
}

/* ---- ItemExponentialFailureRateLimiter ---- */

struct exponential {
    struct counting counting;
    int64_t base_ns;
    int64_t max_ns;
};

static int64_t exponential_when(struct ratelimiter *rl, const char *key)
{
    struct exponential *e = (struct exponential *)rl;
    int exp = failures_bump(&e->counting.failures, key);
    /* In floating point, as upstream, so a large exponent saturates instead of wrapping. */
    double backoff = ldexp((double)e->base_ns, exp);
    if (backoff >= (double)INT64_MAX || (int64_t)backoff > e->max_ns) {
        return e->max_ns;
    }
    return (int64_t)backoff;
}

static const struct ratelimiter_ops exponential_ops = {
    .when = exponential_when,
    .forget = counting_forget,
    .num_requeues = counting_num_requeues,
    .free = counting_free,
};

struct ratelimiter *ratelimiter_item_exponential_new(int64_t base_ns, int64_t max_ns)
{
    struct exponential *e = xcalloc(1, sizeof *e);
    counting_init(&e->counting, &exponential_ops);
    e->base_ns = base_ns;
    e->max_ns = max_ns;
    return &e->counting.base;
}

/* ---- ItemFastSlowRateLimiter ---- */

struct fast_slow {
    struct counting counting;
    int64_t fast_ns;
    int64_t slow_ns;
    int max_fast_attempts;
};

static int64_t fast_slow_when(struct ratelimiter *rl, const char *key)
{
    struct fast_slow *fs = (struct fast_slow *)rl;
    int attempt = failures_bump(&fs->counting.failures, key) + 1;
    return attempt <= fs->max_fast_attempts ? fs->fast_ns : fs->slow_ns;
}

static const struct ratelimiter_ops fast_slow_ops = {
    .when = fast_slow_when,
    .forget = counting_forget,
    .num_requeues = counting_num_requeues,
    .free = counting_free,
};

struct ratelimiter *ratelimiter_item_fast_slow_new(int64_t fast_ns, int64_t slow_ns,
                                                   int max_fast_attempts)
{
    struct fast_slow *fs = xcalloc(1, sizeof *fs);
    counting_init(&fs->counting, &fast_slow_ops);
    fs->fast_ns = fast_ns;
    fs->slow_ns = slow_ns;
    fs->max_fast_attempts = max_fast_attempts;
    return &fs->counting.base;
}

/* ---- BucketRateLimiter ---- */

struct bucket {
    struct ratelimiter base;
    struct tokenbucket *tb;
};

static int64_t bucket_when(struct ratelimiter *rl, const char *key)
{
    return tokenbucket_reserve(((struct bucket *)rl)->tb);
}

static void bucket_forget(struct ratelimiter *rl, const char *key)
{
}

static int bucket_num_requeues(struct ratelimiter *rl, const char *key)
{
    return 0;
}

static void bucket_free(struct ratelimiter *rl)
{
    struct bucket *b = (struct bucket *)rl;
    tokenbucket_free(b->tb);
    free(b);
}

static const struct ratelimiter_ops bucket_ops = {
    .when = bucket_when,
    .forget = bucket_forget,
    .num_requeues = bucket_num_requeues,
    .free = bucket_free,
};

struct ratelimiter *ratelimiter_bucket_new(double qps, int burst, struct clock *clk)
{
    struct bucket *b = xcalloc(1, sizeof *b);
    b->base.ops = &bucket_ops;
    b->tb = tokenbucket_new(qps, burst, clk);
    return &b->base;
}

/* ---- MaxOfRateLimiter ---- */

struct max_of {
    struct ratelimiter base;
    struct ratelimiter **limiters;
    int n;
};

static int64_t max_of_when(struct ratelimiter *rl, const char *key)
{
    struct max_of *m = (struct max_of *)rl;
    int64_t worst = 0;
    for (int i = 0; i < m->n; i++) {
        int64_t d = ratelimiter_when(m->limiters[i], key);
        if (d > worst) {
            worst = d;
        }
    }
    return worst;
}

static void max_of_forget(struct ratelimiter *rl, const char *key)
{
    struct max_of *m = (struct max_of *)rl;
    for (int i = 0; i < m->n; i++) {
        ratelimiter_forget(m->limiters[i], key);
    }
}

static int max_of_num_requeues(struct ratelimiter *rl, const char *key)
{
    struct max_of *m = (struct max_of *)rl;
    int most = 0;
    for (int i = 0; i < m->n; i++) {
        int n = ratelimiter_num_requeues(m->limiters[i], key);
        if (n > most) {
            most = n;
        }
    }
    return most;
}

static void max_of_free(struct ratelimiter *rl)
{
    struct max_of *m = (struct max_of *)rl;
    for (int i = 0; i < m->n; i++) {
        ratelimiter_free(m->limiters[i]);
    }
    free(m->limiters);
    free(m);
}

static const struct ratelimiter_ops max_of_ops = {
    .when = max_of_when,
    .forget = max_of_forget,
    .num_requeues = max_of_num_requeues,
    .free = max_of_free,
};

struct ratelimiter *ratelimiter_max_of_new(struct ratelimiter *const *limiters, int n)
{
    struct max_of *m = xcalloc(1, sizeof *m);
    m->base.ops = &max_of_ops;
    m->n = n > 0 ? n : 0;
    m->limiters = xcalloc((size_t)m->n + 1, sizeof(struct ratelimiter *));
    for (int i = 0; i < m->n; i++) {
        m->limiters[i] = limiters[i];
    }
    return &m->base;
}

/* ---- WithMaxWaitRateLimiter ---- */

struct max_wait {
    struct ratelimiter base;
    struct ratelimiter *inner;
    int64_t max_ns;
};

static int64_t max_wait_when(struct ratelimiter *rl, const char *key)
{
    struct max_wait *w = (struct max_wait *)rl;
    int64_t d = ratelimiter_when(w->inner, key);
    return d > w->max_ns ? w->max_ns : d;
}

static void max_wait_forget(struct ratelimiter *rl, const char *key)
{
    ratelimiter_forget(((struct max_wait *)rl)->inner, key);
}

static int max_wait_num_requeues(struct ratelimiter *rl, const char *key)
{
    return ratelimiter_num_requeues(((struct max_wait *)rl)->inner, key);
}

static void max_wait_free(struct ratelimiter *rl)
{
    struct max_wait *w = (struct max_wait *)rl;
    ratelimiter_free(w->inner);
    free(w);
}

static const struct ratelimiter_ops max_wait_ops = {
    .when = max_wait_when,
    .forget = max_wait_forget,
    .num_requeues = max_wait_num_requeues,
    .free = max_wait_free,
};

struct ratelimiter *ratelimiter_with_max_wait_new(struct ratelimiter *inner, int64_t max_ns)
{
    struct max_wait *w = xcalloc(1, sizeof *w);
    w->base.ops = &max_wait_ops;
    w->inner = inner;
    w->max_ns = max_ns;
    return &w->base;
}

struct ratelimiter *ratelimiter_default_controller_new(struct clock *clk)
{
    struct ratelimiter *limiters[] = {
        ratelimiter_item_exponential_new(5 * DURATION_MS, 1000 * DURATION_SECOND),
        ratelimiter_bucket_new(10, 100, clk),
    };
    return ratelimiter_max_of_new(limiters, 2);
}

/* ---- Token bucket ---- */

struct tokenbucket {
    struct clock *clk;
    double qps; /* <= 0: unlimited */
    double burst;
    pthread_mutex_t mu; /* guards tokens and last */
    double tokens;      /* may be negative: reservations not yet due */
    int64_t last;       /* clock time tokens was computed at */
};

struct tokenbucket *tokenbucket_new(double qps, int burst, struct clock *clk)
{
    struct tokenbucket *tb = xcalloc(1, sizeof *tb);
    tb->clk = clk != NULL ? clk : clk_real();
    tb->qps = qps;
    tb->burst = burst < 1 ? 1 : burst;
    pthread_mutex_init(&tb->mu, NULL);
    tb->tokens = tb->burst;
    tb->last = clk_now(tb->clk);
    return tb;
}

void tokenbucket_free(struct tokenbucket *tb)
{
    if (tb == NULL) {
        return;
    }
    pthread_mutex_destroy(&tb->mu);
    free(tb);
}

/* Reserves one token when its wait is at most max_wait_ns; stores the wait in *delay_ns.
 * x/time/rate's reserveN: refill for the time since last (never for time going backwards),
 * cap at burst, take the token, and turn a deficit into a wait of deficit/qps. */
static bool reserve(struct tokenbucket *tb, int64_t max_wait_ns, int64_t *delay_ns)
{
    *delay_ns = 0;
    if (tb->qps <= 0) {
        return true;
    }
    pthread_mutex_lock(&tb->mu);
    int64_t now = clk_now(tb->clk);
    int64_t elapsed = now > tb->last ? now - tb->last : 0;
    double tokens = tb->tokens + (double)elapsed / 1e9 * tb->qps;
    if (tokens > tb->burst) {
        tokens = tb->burst;
    }
    tokens -= 1;
    int64_t wait = 0;
    if (tokens < 0) {
        double ns = -tokens / tb->qps * 1e9;
        wait = ns >= (double)INT64_MAX ? INT64_MAX : (int64_t)ns;
    }
    bool ok = wait <= max_wait_ns;
    if (ok) {
        tb->last = now > tb->last ? now : tb->last;
        tb->tokens = tokens;
        *delay_ns = wait;
    }
    pthread_mutex_unlock(&tb->mu);
    return ok;
}

int64_t tokenbucket_reserve(struct tokenbucket *tb)
{
    int64_t delay;
    reserve(tb, INT64_MAX, &delay);
    return delay;
}

bool tokenbucket_try_accept(struct tokenbucket *tb)
{
    int64_t delay;
    return reserve(tb, 0, &delay);
}

void tokenbucket_accept(struct tokenbucket *tb)
{
    clk_sleep(tb->clk, tokenbucket_reserve(tb));
}

int tokenbucket_wait(struct tokenbucket *tb, int64_t timeout_ns, struct err *err)
{
    int64_t delay;
    if (!reserve(tb, timeout_ns, &delay)) {
        return err_set(err, ETIMEDOUT, "rate: Wait(n=1) would exceed context deadline");
    }
    clk_sleep(tb->clk, delay);
    return 0;
}

double tokenbucket_qps(const struct tokenbucket *tb)
{
    return tb->qps;
}
