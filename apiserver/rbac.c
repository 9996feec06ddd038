/* RBAC evaluation (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac, rbac/v1 helpers) and the
 * bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), written for c8s. */
#include "rbac.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "selector.h"
#include "xalloc.h"

/* ---- Matching ---- */

static bool has(const json_t *list, const char *value)
{
    size_t i;
    json_t *item;
    json_array_foreach (list, i, item) {
        const char *s = json_string_value(item);
        if (s != NULL && (strcmp(s, "*") == 0 || strcmp(s, value) == 0)) {
            return true;
        }
    }
    return false;
}

/* resources may name "pods", "pods/log", "*", or "*\/log" (every resource's log). */
static bool resource_matches(const json_t *resources, const char *resource, const char *subresource)
{
    char combined[512];
    if (subresource == NULL || subresource[0] == '\0') {
        return has(resources, resource);
    }
    snprintf(combined, sizeof combined, "%s/%s", resource, subresource);
    size_t i;
    json_t *item;
    json_array_foreach (resources, i, item) {
        const char *s = json_string_value(item);
        if (s == NULL) {
            continue;
        }
        if (strcmp(s, "*") == 0 || strcmp(s, combined) == 0) {
            return true;
        }
        if (strncmp(s, "*/", 2) == 0 && strcmp(s + 2, subresource) == 0) {
            return true;
        }
    }
    return false;
}

/* nonResourceURLs: exact, "*", or a prefix ending in "*". */
static bool path_matches(const json_t *urls, const char *path)
{
    size_t i;
    json_t *item;
    json_array_foreach (urls, i, item) {
        const char *s = json_string_value(item);
        if (s == NULL) {
            continue;
        }
        size_t n = strlen(s);
        if (strcmp(s, "*") == 0 || strcmp(s, path) == 0 ||
            (n > 0 && s[n - 1] == '*' && strncmp(s, path, n - 1) == 0)) {
            return true;
        }
    }
    return false;
}

bool rbac_rule_matches(const json_t *rule, const struct authz_attributes *a)
{
    if (!has(json_object_get(rule, "verbs"), a->verb)) {
        return false;
    }
    if (!a->is_resource_request) {
        return path_matches(json_object_get(rule, "nonResourceURLs"), a->path);
    }
    if (!has(json_object_get(rule, "apiGroups"), a->api_group) ||
        !resource_matches(json_object_get(rule, "resources"), a->resource, a->subresource)) {
        return false;
    }
    const json_t *names = json_object_get(rule, "resourceNames");
    if (json_array_size(names) == 0) {
        return true;
    }
    return a->name != NULL && a->name[0] != '\0' && has(names, a->name);
}

/* ---- Subjects ---- */

static bool user_in_group(const struct user_info *u, const char *group)
{
    for (size_t i = 0; i < u->ngroups; i++) {
        if (strcmp(u->groups[i], group) == 0) {
            return true;
        }
    }
    return false;
}

/* A ServiceAccount subject is the user system:serviceaccount:<namespace>:<name>; its namespace
 * defaults to the binding's. */
static bool subject_matches(const json_t *subject, const struct user_info *u,
                            const char *binding_ns)
{
    const char *kind = json_string_value(json_object_get(subject, "kind"));
    const char *name = json_string_value(json_object_get(subject, "name"));
    if (kind == NULL || name == NULL) {
        return false;
    }
    if (strcmp(kind, "User") == 0) {
        return strcmp(name, u->name) == 0;
    }
    if (strcmp(kind, "Group") == 0) {
        return user_in_group(u, name);
    }
    if (strcmp(kind, "ServiceAccount") == 0) {
        const char *ns = json_string_value(json_object_get(subject, "namespace"));
        if (ns == NULL || ns[0] == '\0') {
            ns = binding_ns ? binding_ns : "";
        }
        char sa[600];
        snprintf(sa, sizeof sa, "system:serviceaccount:%s:%s", ns, name);
        return strcmp(sa, u->name) == 0;
    }
    return false;
}

static bool binding_names_user(const json_t *binding, const struct user_info *u, const char *ns)
{
    size_t i;
    json_t *subject;
    json_array_foreach (json_object_get(binding, "subjects"), i, subject) {
        if (subject_matches(subject, u, ns)) {
            return true;
        }
    }
    return false;
}

/* ---- Roles ---- */

static const char *name_of(const json_t *obj)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
}

static const char *namespace_of(const json_t *obj)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), "namespace"));
}

static const json_t *find_role(const json_t *roles, const char *name, const char *ns)
{
    size_t i;
    json_t *role;
    json_array_foreach (roles, i, role) {
        const char *rn = name_of(role);
        const char *rns = namespace_of(role);
        if (rn != NULL && strcmp(rn, name) == 0 &&
            (ns == NULL || (rns != NULL && strcmp(rns, ns) == 0))) {
            return role;
        }
    }
    return NULL;
}

static bool rules_allow(const json_t *rules, const struct authz_attributes *a)
{
    size_t i;
    json_t *rule;
    json_array_foreach (rules, i, rule) {
        if (rbac_rule_matches(rule, a)) {
            return true;
        }
    }
    return false;
}

/* A ClusterRole's own rules, plus — with an aggregationRule — those of every ClusterRole its
 * selectors match, transitively (edit aggregates into admin, view into edit). depth bounds
 * cycles. */
static bool cluster_role_allows(const json_t *cluster_roles, const json_t *role,
                                const struct authz_attributes *a, int depth)
{
    if (role == NULL || depth > 8) {
        return false;
    }
    if (rules_allow(json_object_get(role, "rules"), a)) {
        return true;
    }
    const json_t *aggregation = json_object_get(role, "aggregationRule");
    size_t i;
    json_t *selector_json;
    json_array_foreach (json_object_get(aggregation, "clusterRoleSelectors"), i, selector_json) {
        struct label_selector *sel = label_selector_from_json(selector_json, NULL);
        if (sel == NULL) {
            continue;
        }
        size_t k;
        json_t *other;
        bool allowed = false;
        json_array_foreach (cluster_roles, k, other) {
            if (other == role) {
                continue;
            }
            const json_t *labels = json_object_get(json_object_get(other, "metadata"), "labels");
            if (label_selector_matches(sel, labels) &&
                cluster_role_allows(cluster_roles, other, a, depth + 1)) {
                allowed = true;
                break;
            }
        }
        label_selector_free(sel);
        if (allowed) {
            return true;
        }
    }
    return false;
}

static bool role_ref_allows(const struct rbac_policy *p, const json_t *ref, const char *ns,
                            const struct authz_attributes *a)
{
    const char *kind = json_string_value(json_object_get(ref, "kind"));
    const char *name = json_string_value(json_object_get(ref, "name"));
    if (kind == NULL || name == NULL) {
        return false;
    }
    if (strcmp(kind, "ClusterRole") == 0) {
        return cluster_role_allows(p->cluster_roles, find_role(p->cluster_roles, name, NULL), a, 0);
    }
    if (strcmp(kind, "Role") == 0 && ns != NULL) {
        const json_t *role = find_role(p->roles, name, ns);
        return role != NULL && rules_allow(json_object_get(role, "rules"), a);
    }
    return false;
}

bool rbac_allows(const struct rbac_policy *p, const struct user_info *u,
                 const struct authz_attributes *a)
{
    size_t i;
    json_t *binding;
    json_array_foreach (p->cluster_role_bindings, i, binding) {
        if (binding_names_user(binding, u, NULL) &&
            role_ref_allows(p, json_object_get(binding, "roleRef"), NULL, a)) {
            return true;
        }
    }
    if (a->is_resource_request && a->namespace_ != NULL && a->namespace_[0] != '\0') {
        json_array_foreach (p->role_bindings, i, binding) {
            const char *ns = namespace_of(binding);
            if (ns == NULL || strcmp(ns, a->namespace_) != 0 ||
                !binding_names_user(binding, u, ns)) {
                continue;
            }
            if (role_ref_allows(p, json_object_get(binding, "roleRef"), ns, a)) {
                return true;
            }
        }
    }
    return false;
}

char *rbac_denial_reason(const struct user_info *u, const struct authz_attributes *a)
{
    if (!a->is_resource_request) {
        return xasprintf("User \"%s\" cannot %s path \"%s\"", u->name, a->verb, a->path);
    }
    char resource[600];
    if (a->subresource != NULL && a->subresource[0] != '\0') {
        snprintf(resource, sizeof resource, "%s/%s", a->resource, a->subresource);
    } else {
        snprintf(resource, sizeof resource, "%s", a->resource);
    }
    if (a->namespace_ != NULL && a->namespace_[0] != '\0') {
        return xasprintf("User \"%s\" cannot %s resource \"%s\" in API group \"%s\" in the "
                         "namespace \"%s\"",
                         u->name, a->verb, resource, a->api_group, a->namespace_);
    }
    return xasprintf("User \"%s\" cannot %s resource \"%s\" in API group \"%s\" at the cluster "
                     "scope",
                     u->name, a->verb, resource, a->api_group);
}

/* ---- Bootstrap policy ---- */

/* apiserver/bootstrap_policy.json, embedded by the build. */
extern const char rbac_bootstrap_policy_json[];

json_t *rbac_bootstrap_policy(void)
{
    json_error_t jerr;
    json_t *policy = json_loads(rbac_bootstrap_policy_json, 0, &jerr);
    return policy != NULL ? policy : json_array();
}
