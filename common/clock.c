/* The real monotonic clock and a fake clock advanced by hand (k8s.io/utils/clock/testing's
 * FakeClock). A fake clock wakes its waiters itself: sleepers through its own condition
 * variable, condition waiters through the watches their owners registered. */
#include "clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "xalloc.h"

struct clock {
    bool fake;
    /* Fake clocks only. mu guards now and sleepers; cond is broadcast when either changes. */
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int64_t now;
    int sleepers;
    /* watch_mu guards watches and is held while advance delivers wake-ups, so a watch being
     * removed is never notified after clk_watch_remove returns. Lock order: watch_mu, then a
     * watch's mu, then mu; waiters hold their own mu and take mu only. */
    pthread_mutex_t watch_mu;
    struct clk_watch *watches;
};

static struct clock real_clock = {.fake = false};

static int64_t monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct timespec timespec_from_ns(int64_t ns)
{
    if (ns < 0) {
        ns = 0;
    }
    return (struct timespec){.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
}

/* now + d without overflowing: far deadlines saturate. */
static int64_t add_saturating(int64_t now, int64_t d)
{
    if (d > 0 && now > INT64_MAX - d) {
        return INT64_MAX;
    }
    return now + d;
}

struct clock *clk_real(void)
{
    return &real_clock;
}

struct clock *clk_fake_new(int64_t start_ns)
{
    struct clock *c = xcalloc(1, sizeof *c);
    c->fake = true;
    c->now = start_ns;
    pthread_mutex_init(&c->mu, NULL);
    clk_cond_init(&c->cond);
    pthread_mutex_init(&c->watch_mu, NULL);
    return c;
}

void clk_fake_free(struct clock *c)
{
    if (c == NULL || !c->fake) {
        return;
    }
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->watch_mu);
    free(c);
}

static void require_fake(const struct clock *c, const char *what)
{
    if (!c->fake) {
        fprintf(stderr, "c8s: %s called on the real clock\n", what);
        abort();
    }
}

void clk_fake_advance(struct clock *c, int64_t d_ns)
{
    require_fake(c, "clk_fake_advance");
    pthread_mutex_lock(&c->mu);
    if (d_ns > 0) {
        c->now = add_saturating(c->now, d_ns);
    }
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);

    /* Taking each watch's mutex orders the wake-up after any waiter that read the old time
     * under that mutex and has not yet blocked: it will be blocked when we broadcast. */
    pthread_mutex_lock(&c->watch_mu);
    for (struct clk_watch *w = c->watches; w != NULL; w = w->next) {
        pthread_mutex_lock(w->mu);
        pthread_cond_broadcast(w->cond);
        pthread_mutex_unlock(w->mu);
    }
    pthread_mutex_unlock(&c->watch_mu);
}

int clk_fake_sleepers(struct clock *c)
{
    if (!c->fake) {
        return 0;
    }
    pthread_mutex_lock(&c->mu);
    int n = c->sleepers;
    pthread_mutex_unlock(&c->mu);
    return n;
}

int clk_fake_wait_for_sleepers(struct clock *c, int n, int64_t real_timeout_ns)
{
    require_fake(c, "clk_fake_wait_for_sleepers");
    int64_t deadline = add_saturating(monotonic_now(), real_timeout_ns);
    pthread_mutex_lock(&c->mu);
    while (c->sleepers < n) {
        if (clk_cond_wait_until(&real_clock, &c->cond, &c->mu, deadline)) {
            break;
        }
    }
    int got = c->sleepers;
    pthread_mutex_unlock(&c->mu);
    return got >= n ? 0 : -ETIMEDOUT;
}

bool clk_is_fake(const struct clock *c)
{
    return c->fake;
}

int64_t clk_now(struct clock *c)
{
    if (!c->fake) {
        return monotonic_now();
    }
    pthread_mutex_lock(&c->mu);
    int64_t now = c->now;
    pthread_mutex_unlock(&c->mu);
    return now;
}

void clk_sleep(struct clock *c, int64_t d_ns)
{
    if (d_ns <= 0) {
        return;
    }
    if (!c->fake) {
        struct timespec until = timespec_from_ns(add_saturating(monotonic_now(), d_ns));
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR) {
        }
        return;
    }
    pthread_mutex_lock(&c->mu);
    int64_t deadline = add_saturating(c->now, d_ns);
    c->sleepers++;
    pthread_cond_broadcast(&c->cond);
    while (c->now < deadline) {
        pthread_cond_wait(&c->cond, &c->mu);
    }
    c->sleepers--;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
}

void clk_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

void clk_watch_add(struct clock *c, struct clk_watch *w, pthread_mutex_t *mu, pthread_cond_t *cond)
{
    w->mu = mu;
    w->cond = cond;
    w->next = NULL;
    if (!c->fake) {
        return;
    }
    pthread_mutex_lock(&c->watch_mu);
    w->next = c->watches;
    c->watches = w;
    pthread_mutex_unlock(&c->watch_mu);
}

void clk_watch_remove(struct clock *c, struct clk_watch *w)
{
    if (!c->fake) {
        return;
    }
    pthread_mutex_lock(&c->watch_mu);
    for (struct clk_watch **pp = &c->watches; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    }
    pthread_mutex_unlock(&c->watch_mu);
}

bool clk_cond_wait_until(struct clock *c, pthread_cond_t *cond, pthread_mutex_t *mu,
                         int64_t deadline_ns)
{
    if (!c->fake) {
        if (monotonic_now() >= deadline_ns) {
            return true;
        }
        struct timespec until = timespec_from_ns(deadline_ns);
        pthread_cond_timedwait(cond, mu, &until);
        return monotonic_now() >= deadline_ns;
    }
    /* The time is read with mu (the caller's) held; clk_fake_advance takes that mutex before
     * broadcasting, so an advance after this reading cannot slip in before we block. */
    pthread_mutex_lock(&c->mu);
    if (c->now >= deadline_ns) {
        pthread_mutex_unlock(&c->mu);
        return true;
    }
    c->sleepers++;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);

    pthread_cond_wait(cond, mu);

    pthread_mutex_lock(&c->mu);
    c->sleepers--;
    pthread_cond_broadcast(&c->cond);
    bool reached = c->now >= deadline_ns;
    pthread_mutex_unlock(&c->mu);
    return reached;
}
