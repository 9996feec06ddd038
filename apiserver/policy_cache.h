/* The RBAC objects (ClusterRoles, ClusterRoleBindings, Roles, RoleBindings) held in memory for
 * the authorizer: listed from storage at start, kept current by a storage watch per kind, and
 * handed to readers as a consistent snapshot. Thread-safe: readers take a reference to the
 * current snapshot; writers replace it. */
#ifndef C8S_APISERVER_POLICY_CACHE_H
#define C8S_APISERVER_POLICY_CACHE_H

#include "err.h"
#include "etcd3.h"
#include "rbac.h"

struct policy_cache;

/* Creates the bootstrap policy objects that are missing, lists the four kinds and starts
 * watching them. Returns NULL with err filled when storage cannot be read. */
struct policy_cache *policy_cache_start(struct etcd3 *storage, struct err *err);
void policy_cache_stop(struct policy_cache *c);

/* A snapshot of the policy: fills *policy with borrowed arrays valid until policy_cache_release
 * with the returned token. */
void *policy_cache_acquire(struct policy_cache *c, struct rbac_policy *policy);
void policy_cache_release(struct policy_cache *c, void *token);

#endif
