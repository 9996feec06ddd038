/* Leader election on a coordination.k8s.io/v1 Lease with client-go's protocol
 * (tools/leaderelection): candidates read the Lease, take it when its holder is empty or has not
 * renewed for leaseDurationSeconds of their own clock, and write it back guarded by its
 * resourceVersion (a 409 means another candidate won); the leader renews every retry period
 * and gives up when it cannot renew within the renew deadline. The Lease carries
 * holderIdentity, leaseDurationSeconds, acquireTime, renewTime and leaseTransitions as
 * client-go writes them; with release_on_cancel, stopping clears holderIdentity so another
 * candidate takes over at once. Also the --leader-elect-* flags of Kubernetes components.
 *
 * Threads: each elector runs on a thread of its own with its own HTTP client; callbacks run on
 * that thread and should return quickly (start work elsewhere). The query functions may be
 * called from any thread. */
#ifndef C8S_LEADERELECTION_H
#define C8S_LEADERELECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "flags.h"
#include "http_client.h"

/* Kubernetes' defaults (component-base's LeaderElectionConfiguration). */
#define LEADERELECTION_DEFAULT_LEASE_DURATION (15 * INT64_C(1000000000))
#define LEADERELECTION_DEFAULT_RENEW_DEADLINE (10 * INT64_C(1000000000))
#define LEADERELECTION_DEFAULT_RETRY_PERIOD   (2 * INT64_C(1000000000))
#define LEADERELECTION_DEFAULT_NAMESPACE      "kube-system"
/* client-go's JitterFactor: acquisition retries wait retry_period plus up to 1.2 times it. */
#define LEADERELECTION_JITTER_FACTOR 1.2

struct leaderelection_callbacks {
    /* This candidate became the leader. */
    void (*started_leading)(void *data);
    /* It stopped leading: it could not renew within the renew deadline (the elector then ends,
     * as client-go's Run returns: components exit), or leaderelection_stop was called. Called
     * only after started_leading, after the release when release_on_cancel. */
    void (*stopped_leading)(void *data);
    /* The Lease shows a new non-empty holder (this candidate included); identity is borrowed
     * for the call. */
    void (*new_leader)(void *data, const char *identity);
    void *data;
};

struct leaderelection_config {
    const struct http_config *http; /* the API server and credentials; borrowed (copied) */
    const char *lease_namespace;    /* copied; NULL means "kube-system" */
    const char *lease_name;         /* copied; required */
    const char *identity;           /* this candidate's holderIdentity; copied; required */
    int64_t lease_duration_ns;      /* non-leaders wait this long after the last change seen */
    int64_t renew_deadline_ns;      /* the leader gives up after failing to renew this long */
    int64_t retry_period_ns;        /* between attempts */
    bool release_on_cancel;         /* stop clears holderIdentity (ReleaseOnCancel) */
    struct leaderelection_callbacks callbacks;
};

struct leaderelection;

/* A new, stopped elector. Validates cfg as client-go's NewLeaderElector (-EINVAL with its
 * messages: "leaseDuration must be greater than renewDeadline", "renewDeadline must be greater
 * than retryPeriod*JitterFactor", "... must be greater than zero", "Lock identity is empty"),
 * requires whole seconds of lease duration (the Lease stores seconds) and a lease name; or
 * returns http_client_new's errors. Free with leaderelection_free. */
struct leaderelection *leaderelection_new(const struct leaderelection_config *cfg, struct err *err);

/* Starts the elector's thread. Returns 0, -EBUSY when started before, or -errno. */
int leaderelection_start(struct leaderelection *le, struct err *err) C8S_MUST_USE;

/* Stops the elector and joins its thread: a request in flight is cancelled; a leader releases
 * the Lease when release_on_cancel, then stopped_leading runs. Idempotent; not from a callback. */
void leaderelection_stop(struct leaderelection *le);

/* Stops (leaderelection_stop) and frees le. NULL is a no-op. */
void leaderelection_free(struct leaderelection *le);

/* Whether the last Lease this candidate read or wrote names it as holder (IsLeader). */
bool leaderelection_is_leader(struct leaderelection *le);

/* The holder of the last Lease observed, as an owned string ("" when none yet). */
char *leaderelection_get_leader(struct leaderelection *le);

/* Whether the elector's thread has ended (stopped, or leadership lost). */
bool leaderelection_is_done(struct leaderelection *le);

/* An identity as kube-controller-manager and kube-scheduler make one: "<hostname>_<uuid>".
 * Returns an owned string. */
char *leaderelection_default_identity(void);

/* ---- Flags (component-base's leader election options) ---- */

struct leaderelection_flags {
    bool leader_elect;
    int64_t lease_duration_ns;
    int64_t renew_deadline_ns;
    int64_t retry_period_ns;
    const char *resource_lock; /* only "leases" */
    const char *resource_name;
    const char *resource_namespace;
};

/* Fills f with Kubernetes' defaults: leader election on, 15s/10s/2s, "leases", resource_name
 * (borrowed: "kube-scheduler", "kube-controller-manager"), "kube-system". */
void leaderelection_flags_defaults(struct leaderelection_flags *f, const char *resource_name);

/* Registers --leader-elect, --leader-elect-lease-duration, --leader-elect-renew-deadline,
 * --leader-elect-retry-period, --leader-elect-resource-lock, --leader-elect-resource-name and
 * --leader-elect-resource-namespace on fs, bound to f (which holds the defaults). */
void leaderelection_flags_register(struct flagset *fs, struct leaderelection_flags *f);

/* Checks parsed flags as client-go's resourcelock.New: a resource lock other than "leases" is
 * -EINVAL ("Invalid lock-type x"; "endpointsleases lock is removed, migrate to leases" for the
 * removed ones); so is an empty resource name or namespace while leader election is on. */
int leaderelection_flags_validate(const struct leaderelection_flags *f,
                                  struct err *err) C8S_MUST_USE;

/* Fills cfg's timing and Lease from f; cfg's other fields are left as they are. f's strings are
 * borrowed. */
void leaderelection_flags_apply(const struct leaderelection_flags *f,
                                struct leaderelection_config *cfg);

#endif
