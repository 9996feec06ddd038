/* The Events' lease manager: storage/etcd3's leaseManager rule (one cached lease, reused while
 * its expiry lies strictly between now + ttl and now + ttl + the reuse window and it has served
 * fewer than the maximum writes; otherwise a new lease of ttl + the window). */
#include "lease_manager.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "clock.h"
#include "duration.h"
#include "etcd3.h"
#include "xalloc.h"

struct lease_manager {
    struct lease_manager_config cfg;
    pthread_mutex_t mu;
    int64_t prev_id;         /* 0 until the first grant */
    int64_t prev_expires_ns; /* on cfg.clock's scale */
    int64_t attached;        /* writes counted against prev_id */
    bool granted;            /* prev_id/prev_expires_ns hold a lease */
};

struct lease_manager *lease_manager_new(const struct lease_manager_config *cfg)
{
    struct lease_manager *m = xcalloc(1, sizeof *m);
    m->cfg = *cfg;
    if (m->cfg.clock == NULL) {
        m->cfg.clock = clk_real();
    }
    if (m->cfg.max_attached <= 0) {
        m->cfg.max_attached = LEASE_MAX_ATTACHED_DEFAULT;
    }
    if (m->cfg.reuse_max_sec <= 0) {
        m->cfg.reuse_max_sec = LEASE_REUSE_SECONDS_MAX;
    }
    pthread_mutex_init(&m->mu, NULL);
    return m;
}

static int grant_from_etcd(void *data, int64_t ttl, int64_t *id, struct err *err)
{
    return etcd3_lease_grant(data, ttl, id, err);
}

struct lease_manager *lease_manager_new_etcd(struct etcd3 *storage)
{
    struct lease_manager_config cfg = {.grant = grant_from_etcd, .grant_data = storage};
    return lease_manager_new(&cfg);
}

void lease_manager_free(struct lease_manager *m)
{
    if (m == NULL) {
        return;
    }
    pthread_mutex_destroy(&m->mu);
    free(m);
}

int64_t lease_reuse_seconds(int64_t ttl, int64_t reuse_max_sec)
{
    int64_t reuse = ttl * LEASE_REUSE_PERCENT / 100;
    return reuse > reuse_max_sec ? reuse_max_sec : reuse;
}

int lease_manager_get(struct lease_manager *m, int64_t ttl, int64_t *lease, struct err *err)
{
    int64_t now = clk_now(m->cfg.clock);
    int64_t reuse = lease_reuse_seconds(ttl, m->cfg.reuse_max_sec);
    int64_t deadline = now + ttl * DURATION_SECOND;
    pthread_mutex_lock(&m->mu);
    /* The cached lease must outlive this write's deadline, but not by more than the window. */
    bool outlives = m->granted && deadline < m->prev_expires_ns;
    bool close_enough = m->granted && deadline + reuse * DURATION_SECOND > m->prev_expires_ns;
    m->attached++;
    if (outlives && close_enough && m->attached <= m->cfg.max_attached) {
        *lease = m->prev_id;
        pthread_mutex_unlock(&m->mu);
        return 0;
    }
    int64_t id = 0;
    int rc = m->cfg.grant(m->cfg.grant_data, ttl + reuse, &id, err);
    if (rc == 0) {
        m->prev_id = id;
        m->prev_expires_ns = now + (ttl + reuse) * DURATION_SECOND;
        m->granted = true;
        m->attached = 1;
        *lease = id;
    }
    pthread_mutex_unlock(&m->mu);
    return rc;
}
