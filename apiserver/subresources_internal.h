/* The pure parts of subresources.c, apart for unit tests: the Scale view of a workload
 * (pkg/registry/apps/<type>/storage scaleFrom<Type>) and the eviction's budget arithmetic
 * (pkg/registry/core/pod/storage/eviction.go checkAndDecrement). Thread-safe. */
#ifndef C8S_APISERVER_SUBRESOURCES_INTERNAL_H
#define C8S_APISERVER_SUBRESOURCES_INTERNAL_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

/* The autoscaling/v1 Scale of a deployment, replicaset or statefulset (borrowed): name,
 * namespace, uid, resourceVersion and creationTimestamp; spec.replicas (1 when unset, as
 * defaulting gives); status.replicas; status.selector as a label selector string. Returns a new
 * reference, or NULL when spec.selector is malformed. */
json_t *scale_of(const json_t *workload);

/* Whether the pod's Ready condition is True (podutil.IsPodReady). */
bool eviction_pod_is_ready(const json_t *pod);

/* Whether a budget lets an unready pod go without spending a disruption: its
 * unhealthyPodEvictionPolicy is AlwaysAllow, or the budget is healthy (currentHealthy >=
 * desiredHealthy > 0). */
bool eviction_unready_pod_may_go(const json_t *pdb);

/* checkAndDecrement: NULL with *next (a new reference: the budget with one disruption fewer,
 * the DisruptionAllowed condition at 0 and, unless dry_run, pod_name in disruptedPods) when the
 * budget allows one; else the refusal (new reference) with *code: 429 while the budget's
 * status has not observed its generation or allows none, 403 when it is negative or too many
 * evictions are unconfirmed. */
json_t *eviction_check_and_decrement(const json_t *pdb, const char *pod_name, bool dry_run,
                                     const struct timespec *now, json_t **next, int *code);

/* The 429 for a budget whose state is in flux (retry after 10 seconds). New reference. */
json_t *eviction_budget_in_flux(const char *pdb_name, int *code);

#endif
