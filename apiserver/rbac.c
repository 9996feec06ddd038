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

static void append_cluster_role_rules(const json_t *cluster_roles, const json_t *role, json_t *out,
                                      int depth);

/* A ClusterRole's own rules, plus — with an aggregationRule — those of every ClusterRole its
 * selectors match, transitively (edit aggregates into admin, view into edit). */
static bool cluster_role_allows(const json_t *cluster_roles, const json_t *role,
                                const struct authz_attributes *a)
{
    json_t *rules = json_array();
    append_cluster_role_rules(cluster_roles, role, rules, 0);
    bool allowed = rules_allow(rules, a);
    json_decref(rules);
    return allowed;
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
        return cluster_role_allows(p->cluster_roles, find_role(p->cluster_roles, name, NULL), a);
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

/* ---- Escalation prevention ---- */

char *rbac_groups_text(const struct user_info *user)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    fputc('[', f);
    for (size_t i = 0; i < user->ngroups; i++) {
        fprintf(f, "%s\"%s\"", i ? " " : "", user->groups[i]);
    }
    fputc(']', f);
    fclose(f);
    return out;
}

/* The values of a rule field, or one "" when empty (so a rule without resourceNames checks the
 * unnamed request). */
static json_t *values_or_empty(const json_t *rule, const char *field)
{
    const json_t *list = json_object_get(rule, field);
    if (json_array_size(list) > 0) {
        return json_incref((json_t *)list);
    }
    return json_pack("[s]", "");
}

static char *format_rule(const json_t *rule)
{
    const char *fields[][2] = {{"apiGroups", "APIGroups"},
                               {"resources", "Resources"},
                               {"resourceNames", "ResourceNames"},
                               {"nonResourceURLs", "NonResourceURLs"},
                               {"verbs", "Verbs"}};
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    fputc('{', f);
    bool first = true;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const json_t *list = json_object_get(rule, fields[i][0]);
        if (json_array_size(list) == 0) {
            continue;
        }
        /* Go's %q of a []string: ["a" "b"]. */
        fprintf(f, "%s%s:[", first ? "" : ", ", fields[i][1]);
        size_t k;
        json_t *item;
        json_array_foreach (list, k, item) {
            fprintf(f, "%s\"%s\"", k ? " " : "", json_string_value(item) ?: "");
        }
        fputc(']', f);
        first = false;
    }
    fputc('}', f);
    fclose(f);
    return out;
}

bool rbac_rules_covered(const struct rbac_policy *policy, const struct user_info *user,
                        const json_t *rules, const char *ns, char **missing)
{
    size_t r;
    json_t *rule;
    json_array_foreach (rules, r, rule) {
        const json_t *urls = json_object_get(rule, "nonResourceURLs");
        bool held = true;
        size_t v;
        json_t *verb;
        json_array_foreach (json_object_get(rule, "verbs"), v, verb) {
            if (json_array_size(urls) > 0) {
                size_t u;
                json_t *url;
                json_array_foreach (urls, u, url) {
                    struct authz_attributes a = {.is_resource_request = false,
                                                 .verb = json_string_value(verb),
                                                 .path = json_string_value(url)};
                    held = held && a.verb && a.path && rbac_allows(policy, user, &a);
                }
                continue;
            }
            json_t *groups = values_or_empty(rule, "apiGroups");
            json_t *resources = values_or_empty(rule, "resources");
            json_t *names = values_or_empty(rule, "resourceNames");
            size_t g, k, n;
            json_t *group, *resource, *name;
            json_array_foreach (groups, g, group) {
                json_array_foreach (resources, k, resource) {
                    json_array_foreach (names, n, name) {
                        /* "pods/log" in a rule is the resource pods, subresource log. */
                        char res[512];
                        snprintf(res, sizeof res, "%s", json_string_value(resource) ?: "");
                        char *slash = strchr(res, '/');
                        const char *sub = "";
                        if (slash != NULL) {
                            *slash = '\0';
                            sub = slash + 1;
                        }
                        struct authz_attributes a = {
                            .is_resource_request = true,
                            .verb = json_string_value(verb) ?: "",
                            .api_group = json_string_value(group) ?: "",
                            .resource = res,
                            .subresource = sub,
                            .name = json_string_value(name) ?: "",
                            .namespace_ = ns,
                        };
                        held = held && rbac_allows(policy, user, &a);
                    }
                }
            }
            json_decref(groups);
            json_decref(resources);
            json_decref(names);
        }
        if (!held) {
            if (missing != NULL) {
                *missing = format_rule(rule);
            }
            return false;
        }
    }
    return true;
}

/* depth bounds aggregation cycles. */
static void append_cluster_role_rules(const json_t *cluster_roles, const json_t *role, json_t *out,
                                      int depth)
{
    if (role == NULL || depth > 8) {
        return;
    }
    json_array_extend(out, json_object_get(role, "rules"));
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
        json_array_foreach (cluster_roles, k, other) {
            const json_t *labels = json_object_get(json_object_get(other, "metadata"), "labels");
            if (other != role && label_selector_matches(sel, labels)) {
                append_cluster_role_rules(cluster_roles, other, out, depth + 1);
            }
        }
        label_selector_free(sel);
    }
}

json_t *rbac_user_rules(const struct rbac_policy *policy, const struct user_info *user,
                        const char *ns)
{
    json_t *out = json_array();
    size_t i;
    json_t *binding;
    json_array_foreach ((json_t *)policy->cluster_role_bindings, i, binding) {
        if (binding_names_user(binding, user, NULL)) {
            json_t *rules = rbac_role_rules(policy, json_object_get(binding, "roleRef"), "");
            json_array_extend(out, rules);
            json_decref(rules);
        }
    }
    json_array_foreach ((json_t *)policy->role_bindings, i, binding) {
        const char *bns =
            json_string_value(json_object_get(json_object_get(binding, "metadata"), "namespace"));
        if (ns != NULL && ns[0] != '\0' && bns != NULL && strcmp(bns, ns) == 0 &&
            binding_names_user(binding, user, ns)) {
            json_t *rules = rbac_role_rules(policy, json_object_get(binding, "roleRef"), ns);
            json_array_extend(out, rules);
            json_decref(rules);
        }
    }
    return out;
}

json_t *rbac_role_rules(const struct rbac_policy *policy, const json_t *role_ref, const char *ns)
{
    json_t *out = json_array();
    const char *kind = json_string_value(json_object_get(role_ref, "kind"));
    const char *name = json_string_value(json_object_get(role_ref, "name"));
    if (kind == NULL || name == NULL) {
        return out;
    }
    if (strcmp(kind, "ClusterRole") == 0) {
        append_cluster_role_rules(policy->cluster_roles,
                                  find_role(policy->cluster_roles, name, NULL), out, 0);
    } else if (strcmp(kind, "Role") == 0) {
        const json_t *role = find_role(policy->roles, name, ns);
        json_array_extend(out, json_object_get(role, "rules"));
    }
    return out;
}
