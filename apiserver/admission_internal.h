/* Inside admission: the state admission.c keeps and the plugins of admission_service.c,
 * admission_pod.c and admission_quota.c. The pure parts (limit and quota arithmetic) are here
 * too so unit tests reach them without a store. */
#ifndef C8S_APISERVER_ADMISSION_INTERNAL_H
#define C8S_APISERVER_ADMISSION_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include <jansson.h>

#include "admission.h"
#include "ipalloc.h"

struct rest;

struct admission {
    struct ipalloc_range service_ips;
    struct ipalloc_range node_ports;
    bool service_account; /* plugins on (--disable-admission-plugins turns them off) */
    bool limit_ranger;
    bool resource_quota;
    /* The lease endpoint reconciler (admission_bootstrap starts it). */
    struct rest *rest;
    pthread_t lease_thread;
    bool lease_running;
    bool stopping;
    pthread_mutex_t mu;
    pthread_cond_t wake;
};

/* Whether name is a plugin kube-apiserver 1.32 knows (accepted by --disable-admission-plugins). */
bool admission_plugin_known(const char *name);

/* Lists the objects of a resource in a namespace from the store (decoded, new reference: an
 * array), or NULL on a storage error. */
json_t *admission_list_namespace(struct rest *r, const struct resource *res, const char *ns);
/* The same from the watch cache when it can answer (see rest_caches_namespace_items), else
 * from the store: as the plugins' listers. The items may be frozen: never modify them. */
json_t *admission_list_namespace_cached(struct rest *r, const struct resource *res, const char *ns);

/* ---- Lookups from the watch cache (rest_watch.c) ----
 * What kube-apiserver's admission plugins read from informers: served from the resource's
 * watch cache when --watch-cache is on, the cache is loaded and it has seen every write this
 * apiserver made to the resource (so a client reads its own writes, as from the store). NULL
 * means the cache cannot answer: read the store (as the plugins' live lookups). The first
 * call for a resource starts its cache. Thread-safe. Objects are frozen: never modify them. */

/* ns's objects of res (a new array), or NULL. */
json_t *rest_caches_namespace_items(struct rest *r, const struct resource *res, const char *ns);
/* The object ns/name of res (new reference; ns NULL for cluster-scoped), or NULL when it is not
 * in the cache or the cache cannot answer. */
json_t *rest_caches_get(struct rest *r, const struct resource *res, const char *ns,
                        const char *name);

/* ---- Services (admission_service.c) ---- */

json_t *admission_service_mutate(struct rest *r, const struct admission_attributes *attrs,
                                 json_t *svc, const json_t *old, int *code);
void admission_service_finish(struct rest *r, const struct admission_attributes *attrs,
                              const json_t *svc, const json_t *old, bool committed);
/* Creates or repairs the `kubernetes` Service, its Endpoints and EndpointSlice listing
 * addresses (n of them, sorted) on the advertise port. */
int admission_kubernetes_service_reconcile(struct rest *r, const char *const *addresses, size_t n,
                                           struct err *err);

/* ---- Pods: ServiceAccount and LimitRanger (admission_pod.c) ---- */

/* Priority (spec.priority from the PriorityClass or the globalDefault one) and
 * DefaultTolerationSeconds (not-ready/unreachable tolerated for 300 s) on pod create. */
json_t *admission_pod_defaults_mutate(struct rest *r, const struct admission_attributes *attrs,
                                      json_t *pod, int *code);

/* The Priority plugin on PriorityClass create and update: a second globalDefault class is
 * Forbidden (`PriorityClass x is already marked as default. Only one default can exist`). */
json_t *admission_priority_class_validate(struct rest *r, const struct admission_attributes *attrs,
                                          const json_t *pc, int *code);

json_t *admission_service_account_mutate(struct rest *r, const struct admission_attributes *attrs,
                                         json_t *pod, int *code);
/* The serviceaccount controller's stand-in: a `default` ServiceAccount in ns when missing. */
int admission_ensure_default_service_account(struct rest *r, const char *ns, struct err *err);

json_t *admission_limit_ranger_mutate(struct rest *r, const struct admission_attributes *attrs,
                                      json_t *obj, int *code);
json_t *admission_limit_ranger_validate(struct rest *r, const struct admission_attributes *attrs,
                                        const json_t *obj, int *code);

/* Pure LimitRanger pieces. limitranges is an array of LimitRange objects (borrowed). */
/* Applies each Container item's default / defaultRequest (after LimitRange's own defaulting:
 * default from max, defaultRequest from default then min) to containers and init containers
 * that lack them, and sets the kubernetes.io/limit-ranger annotation as Kubernetes does. */
void limitranger_default_pod(json_t *pod, const json_t *limitranges);
/* The violations of the Container and Pod items (new reference: array of messages in
 * Kubernetes' wording, duplicates removed; empty when the pod fits). */
json_t *limitranger_check_pod(const json_t *pod, const json_t *limitranges);
/* The violations of PersistentVolumeClaim items by the claim's storage request. */
json_t *limitranger_check_pvc(const json_t *pvc, const json_t *limitranges);
/* PodRequests / PodLimits (which: "requests" or "limits"): the containers' sum, at least each
 * init container's, plus the overhead (new reference: name -> quantity string). */
json_t *admission_pod_total(const json_t *pod, const char *which);
/* Kubernetes' aggregate text of messages: the one message, or "[m1, m2]". A new string. */
char *admission_aggregate_messages(const json_t *messages);

/* ---- ResourceQuota (admission_quota.c) ---- */

json_t *admission_quota_mutate_quota(struct rest *r, const struct admission_attributes *attrs,
                                     json_t *quota, const json_t *old);
json_t *admission_quota_validate(struct rest *r, const struct admission_attributes *attrs,
                                 const json_t *obj, const json_t *old, int *code);
void admission_quota_finish(struct rest *r, const struct admission_attributes *attrs,
                            const json_t *obj, const json_t *old, bool committed);

/* Pure quota pieces. */
/* What obj of res counts against quotas (new reference: {"pods":"1","requests.cpu":"500m",
 * "count/pods":"1", ...}); terminal pods count only as objects. */
json_t *quota_usage_of(const struct resource *res, const json_t *obj);
/* a + sign * b over the union of keys (new reference); values are quantity strings. */
json_t *quota_add(const json_t *a, const json_t *b, int sign);
/* The keys of hard that used exceeds (new reference: sorted array). */
json_t *quota_exceeded(const json_t *hard, const json_t *used);
/* "k=v,k2=v2" of the keys of list in keys (sorted), as the quota plugin prints lists. */
char *quota_pretty(const json_t *list, const json_t *keys);
/* For a pod against hard: "must specify ..." when a quota on cpu/memory requests or limits
 * meets a container without them; NULL when none is missing. A new string. */
char *quota_pod_missing(const json_t *pod, const json_t *hard);

#endif
