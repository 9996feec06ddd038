/* RBAC authorization as Kubernetes evaluates it (plugin/pkg/auth/authorizer/rbac): a request
 * is allowed when a rule of a role bound to the user — by a ClusterRoleBinding anywhere, or by a
 * RoleBinding in the request's namespace — matches its verb, API group, resource, subresource,
 * name (resourceNames) or non-resource path. Nothing denies: RBAC only grants. ClusterRoles with
 * an aggregationRule get the rules of every ClusterRole their selectors match (the aggregation
 * controller's result, computed at evaluation time). Pure and thread-safe: the caller passes the
 * policy objects it holds. */
#ifndef C8S_APISERVER_RBAC_H
#define C8S_APISERVER_RBAC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "authn.h"

/* What a request asks to do (kube-apiserver's authorizer.Attributes). */
struct authz_attributes {
    bool is_resource_request;
    const char *verb;           /* get, list, watch, create, update, patch, delete, ... */
    const char *api_group;      /* "" for core */
    const char *resource;       /* "pods" */
    const char *subresource;    /* "log", or "" */
    const char *name;           /* "", or the object's name */
    const char *namespace_;     /* "" for cluster scope */
    const char *path;           /* for non-resource requests: "/healthz" */
    const char *field_selector; /* ?fieldSelector of a list/watch, or NULL (Node reads it) */
};

/* The policy: arrays of ClusterRole, ClusterRoleBinding, Role and RoleBinding objects
 * (borrowed). */
struct rbac_policy {
    const json_t *cluster_roles;
    const json_t *cluster_role_bindings;
    const json_t *roles;
    const json_t *role_bindings;
};

/* True when the policy allows the request. */
bool rbac_allows(const struct rbac_policy *policy, const struct user_info *user,
                 const struct authz_attributes *attrs);

/* Kubernetes' denial text for a Forbidden Status, e.g.
 * `User "bob" cannot list resource "pods" in API group "" in the namespace "default"`,
 * `... at the cluster scope`, `User "bob" cannot get path "/metrics"`. Owned string. */
char *rbac_denial_reason(const struct user_info *user, const struct authz_attributes *attrs);

/* True when a rule (a PolicyRule object) matches the request. */
bool rbac_rule_matches(const json_t *rule, const struct authz_attributes *attrs);

/* Privilege escalation prevention (rbac/validation.ConfirmNoEscalation): true when every rule
 * in rules (a PolicyRule array) is already granted to user in namespace ns ("" = cluster
 * scope). Otherwise *missing gets an owned text listing the first rule not held, formatted as
 * Kubernetes prints it ({APIGroups:[""], Resources:["secrets"], Verbs:["get"]}). */
bool rbac_rules_covered(const struct rbac_policy *policy, const struct user_info *user,
                        const json_t *rules, const char *ns, char **missing);

/* The user's groups as Go's %q prints a []string: ["a" "b"]. Owned string. */
char *rbac_groups_text(const struct user_info *user);

/* The rules a roleRef ({"kind":"Role"|"ClusterRole","name":...}) grants in namespace ns
 * (aggregation included), as a new array; an unknown role has none. */
json_t *rbac_role_rules(const struct rbac_policy *policy, const json_t *role_ref, const char *ns);

/* Every rule granted to user in namespace ns ("" = only cluster-wide bindings): the rules of
 * the roles of ClusterRoleBindings naming the user, then of the RoleBindings in ns, as a new
 * array (what SelfSubjectRulesReview lists). */
json_t *rbac_user_rules(const struct rbac_policy *policy, const struct user_info *user,
                        const char *ns);

/* Kubernetes' bootstrap policy (the roles and bindings kube-apiserver creates at start:
 * cluster-admin, admin, edit, view, system:discovery, system:basic-user,
 * system:public-info-viewer, system:kube-scheduler, system:kube-controller-manager, system:node,
 * system:node-proxier, ...) as a new array of objects to create when missing. */
json_t *rbac_bootstrap_policy(void);

#endif
