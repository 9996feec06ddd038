/* The leases Events are written with (kube-apiserver's --event-ttl): as storage/etcd3's lease
 * manager, one lease granted a little longer than the TTL is shared by every write whose
 * deadline falls within the reuse window, up to a number of objects, so a burst of Events costs
 * one lease grant, not one per write. */
#ifndef C8S_APISERVER_LEASE_MANAGER_H
#define C8S_APISERVER_LEASE_MANAGER_H

#include <stdint.h>

#include "err.h"

struct clock;
struct etcd3;

/* Kubernetes' defaults: the extra life of a lease (and its reuse window) is 5% of the TTL,
 * at most 60 s; at most 1000 writes share one lease. */
#define LEASE_REUSE_PERCENT        5
#define LEASE_REUSE_SECONDS_MAX    60
#define LEASE_MAX_ATTACHED_DEFAULT 1000

/* Grants a lease of ttl seconds and stores its ID in *id; 0 or a negative code with err filled
 * (etcd3_lease_grant's contract). */
typedef int (*lease_grant_fn)(void *data, int64_t ttl, int64_t *id, struct err *err);

struct lease_manager_config {
    lease_grant_fn grant;
    void *grant_data;      /* borrowed; passed to grant */
    struct clock *clock;   /* borrowed; NULL: clk_real() */
    int64_t max_attached;  /* writes that may share one lease; <= 0: LEASE_MAX_ATTACHED_DEFAULT */
    int64_t reuse_max_sec; /* cap of the reuse window; <= 0: LEASE_REUSE_SECONDS_MAX */
};

struct lease_manager;

/* A manager that grants through cfg->grant (copied; what it points to is borrowed and must
 * outlive the manager). Never fails. */
struct lease_manager *lease_manager_new(const struct lease_manager_config *cfg);

/* A manager that grants leases from storage (borrowed; must outlive the manager). */
struct lease_manager *lease_manager_new_etcd(struct etcd3 *storage);

void lease_manager_free(struct lease_manager *m); /* NULL is a no-op */

/* The reuse window of a lease for ttl seconds: 5% of ttl (rounded down), at most
 * reuse_max_sec. A granted lease lives ttl + this. */
int64_t lease_reuse_seconds(int64_t ttl, int64_t reuse_max_sec);

/* A lease for one write that must live at least ttl seconds (> 0): the previous lease when it
 * outlives now + ttl by less than the reuse window and has fewer than max_attached writes,
 * else a new one of ttl + the reuse window. Every call counts as one attached write, success
 * or not, as Kubernetes counts them. Returns 0 with *lease, or grant's error. Thread-safe:
 * callers are serialised, a grant included. */
int lease_manager_get(struct lease_manager *m, int64_t ttl, int64_t *lease,
                      struct err *err) C8S_MUST_USE;

#endif
