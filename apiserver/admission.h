/* Admission, in kube-apiserver's order: mutating plugins (ServiceAccount defaulting,
 * LimitRanger defaults, Service ClusterIP/NodePort allocation), then validating plugins
 * (LimitRanger min/max, ResourceQuota). NamespaceLifecycle lives in rest.c. Allocations go
 * through store transactions so several apiservers never hand out the same address or port.
 * Thread-safe. */
#ifndef C8S_APISERVER_ADMISSION_H
#define C8S_APISERVER_ADMISSION_H

#include <stdbool.h>

#include <jansson.h>

#include "err.h"
#include "resources.h"

struct rest;
struct rest_options;
struct user_info;

enum admission_operation {
    ADMISSION_CREATE,
    ADMISSION_UPDATE,
    ADMISSION_DELETE,
};

struct admission_attributes {
    enum admission_operation operation;
    const struct resource *resource;
    const char *subresource; /* "" for the main resource */
    const char *namespace_;  /* "" for cluster-scoped */
    const char *name;
    const struct user_info *user; /* NULL for the apiserver's own writes */
    bool dry_run;
};

/* State (allocators) from the options; NULL with err filled on a bad range flag. */
struct admission *admission_new(const struct rest_options *options, struct err *err);
void admission_free(struct admission *a);

/* Mutating admission: may change obj (old is the stored object on update, else NULL).
 * Returns NULL to go on, or a Status (new reference) with *code set. */
json_t *admission_mutate(struct rest *r, const struct admission_attributes *attrs, json_t *obj,
                         const json_t *old, int *code);

/* Validating admission: NULL to go on, or a Status with *code set. */
json_t *admission_validate(struct rest *r, const struct admission_attributes *attrs,
                           const json_t *obj, const json_t *old, int *code);

/* After the store write: committed is true when obj was stored (create/update) or old was
 * deleted. Releases what a failed write allocated, or what an update or delete let go. */
void admission_finish(struct rest *r, const struct admission_attributes *attrs, const json_t *obj,
                      const json_t *old, bool committed);

/* Objects the apiserver keeps itself: the `kubernetes` Service in default (and its
 * Endpoints/EndpointSlice). 0 or a negative code with err filled. */
int admission_bootstrap(struct rest *r, struct err *err);

/* NamespaceLifecycle: NULL when objects may be created in ns, else a Status with *code (404
 * missing, 403 terminating). The namespace comes from the watch cache when it has seen this
 * apiserver's writes to namespaces (kube-apiserver's namespace informer), else from the store.
 * Does not need admission to be set up; thread-safe. */
json_t *admission_namespace_lifecycle(struct rest *r, const char *ns, int *code);

#endif
