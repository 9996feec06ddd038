/* kube-apiserver's Node authorizer (node_authorizer.go, with AuthorizeNodeWithSelectors as in
 * 1.32), the NodeRestriction admission plugin's basic checks, and the union of authorizers
 * --authorization-mode builds. Instead of Kubernetes' in-memory graph, "is this object related to
 * the node" is answered by reading the pods bound to the node from storage. */
#include "nodeauthz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "resources.h"
#include "rest_internal.h"
#include "xalloc.h"

#define NODE_PREFIX     "system:node:"
#define NODES_GROUP     "system:nodes"
#define NODE_LEASE_NS   "kube-node-lease"
#define MIRROR_POD_NOTE "kubernetes.io/config.mirror"

struct nodeauthz {
    struct etcd3 *storage;
    json_t *node_rules; /* the system:node ClusterRole's rules */
};

const char *nodeauthz_node_name(const struct user_info *user)
{
    if (strncmp(user->name, NODE_PREFIX, strlen(NODE_PREFIX)) != 0) {
        return NULL;
    }
    for (size_t i = 0; i < user->ngroups; i++) {
        if (strcmp(user->groups[i], NODES_GROUP) == 0) {
            return user->name + strlen(NODE_PREFIX);
        }
    }
    return NULL;
}

struct nodeauthz *nodeauthz_new(struct etcd3 *storage)
{
    struct nodeauthz *n = xcalloc(1, sizeof *n);
    n->storage = storage;
    cleanup_json json_t *policy = rbac_bootstrap_policy();
    size_t i;
    json_t *obj;
    json_array_foreach (policy, i, obj) {
        const char *name = rest_meta_str(obj, "name");
        if (name != NULL && strcmp(name, "system:node") == 0 &&
            strcmp(json_string_value(json_object_get(obj, "kind")) ?: "", "ClusterRole") == 0) {
            n->node_rules = json_incref(json_object_get(obj, "rules"));
        }
    }
    if (n->node_rules == NULL) {
        n->node_rules = json_array();
    }
    return n;
}

void nodeauthz_free(struct nodeauthz *n)
{
    if (n == NULL) {
        return;
    }
    json_decref(n->node_rules);
    free(n);
}

/* ---- What a pod references ---- */

enum ref_kind { REF_SECRET, REF_CONFIGMAP, REF_PVC, REF_SERVICEACCOUNT };

static bool str_is(const json_t *v, const char *s)
{
    return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

static const json_t *get2(const json_t *obj, const char *a, const char *b)
{
    return json_object_get(json_object_get(obj, a), b);
}

/* Env and envFrom of every container kind (podutil.VisitContainers). */
static bool containers_reference(const json_t *spec, enum ref_kind kind, const char *name)
{
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    const char *key_ref = kind == REF_SECRET ? "secretKeyRef" : "configMapKeyRef";
    const char *from_ref = kind == REF_SECRET ? "secretRef" : "configMapRef";
    for (size_t l = 0; l < 3; l++) {
        size_t i, j;
        json_t *c, *e;
        json_array_foreach (json_object_get(spec, lists[l]), i, c) {
            json_array_foreach (json_object_get(c, "env"), j, e) {
                if (str_is(get2(json_object_get(e, "valueFrom"), key_ref, "name"), name)) {
                    return true;
                }
            }
            json_array_foreach (json_object_get(c, "envFrom"), j, e) {
                if (str_is(get2(e, from_ref, "name"), name)) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* Secrets named by a volume source: secret.secretName, azureFile.secretName, and the secretRef
 * or nodePublishSecretRef of the others (cephfs, cinder, flexVolume, rbd, scaleIO, iscsi,
 * storageos, csi). */
static bool volume_source_names_secret(const json_t *volume, const char *name)
{
    const char *key;
    json_t *source;
    json_object_foreach ((json_t *)volume, key, source) {
        if (!json_is_object(source)) {
            continue;
        }
        if (str_is(json_object_get(source, "secretName"), name) ||
            str_is(get2(source, "secretRef", "name"), name) ||
            str_is(get2(source, "nodePublishSecretRef", "name"), name)) {
            return true;
        }
    }
    return false;
}

static bool pod_references(const json_t *pod, enum ref_kind kind, const char *name)
{
    const json_t *spec = json_object_get(pod, "spec");
    size_t i, j;
    json_t *v, *src;
    switch (kind) {
    case REF_SERVICEACCOUNT:
        return str_is(json_object_get(spec, "serviceAccountName"), name);
    case REF_PVC:
        json_array_foreach (json_object_get(spec, "volumes"), i, v) {
            if (str_is(get2(v, "persistentVolumeClaim", "claimName"), name)) {
                return true;
            }
            if (json_object_get(v, "ephemeral") != NULL) {
                /* A generic ephemeral volume's claim is <pod>-<volume>. */
                char claim[600];
                snprintf(claim, sizeof claim, "%s-%s", rest_meta_str(pod, "name") ?: "",
                         json_string_value(json_object_get(v, "name")) ?: "");
                if (strcmp(claim, name) == 0) {
                    return true;
                }
            }
        }
        return false;
    case REF_SECRET:
    case REF_CONFIGMAP:
        if (kind == REF_SECRET) {
            json_array_foreach (json_object_get(spec, "imagePullSecrets"), i, v) {
                if (str_is(json_object_get(v, "name"), name)) {
                    return true;
                }
            }
        }
        if (containers_reference(spec, kind, name)) {
            return true;
        }
        json_array_foreach (json_object_get(spec, "volumes"), i, v) {
            if (kind == REF_SECRET ? volume_source_names_secret(v, name)
                                   : str_is(get2(v, "configMap", "name"), name)) {
                return true;
            }
            json_array_foreach (get2(v, "projected", "sources"), j, src) {
                if (str_is(get2(src, kind == REF_SECRET ? "secret" : "configMap", "name"), name)) {
                    return true;
                }
            }
        }
        return false;
    }
    return false;
}

static bool bound_to(const json_t *pod, const char *node)
{
    return str_is(get2(pod, "spec", "nodeName"), node);
}

/* Calls visit for each pod bound to node in ns ("" = every namespace) until it returns true. */
static bool any_pod_on_node(struct nodeauthz *n, const char *ns, const char *node,
                            bool (*visit)(struct nodeauthz *, const json_t *, const void *),
                            const void *data)
{
    const struct resource *pods = resources_find("", "v1", "pods");
    cleanup_free char *prefix = ns[0] != '\0'
                                    ? rest_list_prefix(pods, ns)
                                    : xasprintf("/registry/%s/", rest_storage_prefix(pods));
    struct etcd3_list l = {0};
    if (etcd3_list(n->storage, prefix, NULL, 0, 0, &l, NULL) != 0) {
        return false;
    }
    bool found = false;
    for (size_t i = 0; i < l.count && !found; i++) {
        cleanup_json json_t *pod = rest_decode_stored(&l.kvs[i]);
        found = pod != NULL && bound_to(pod, node) && visit(n, pod, data);
    }
    etcd3_list_free(&l);
    return found;
}

static json_t *read_object(struct nodeauthz *n, const char *group, const char *plural,
                           const char *ns, const char *name)
{
    const struct resource *res = resources_find(group, "v1", plural);
    if (res == NULL) {
        return NULL;
    }
    cleanup_free char *key = rest_object_key(res, ns, name);
    struct etcd3_kv kv = {0};
    if (etcd3_get(n->storage, key, &kv, NULL, NULL) != 0) {
        return NULL;
    }
    json_t *obj = rest_decode_stored(&kv);
    etcd3_kv_free(&kv);
    return obj;
}

struct ref_query {
    enum ref_kind kind;
    const char *name;
};

static bool visit_references(struct nodeauthz *n, const json_t *pod, const void *data)
{
    (void)n;
    const struct ref_query *q = data;
    return pod_references(pod, q->kind, q->name);
}

/* node <- pod <- pvc <- pv */
static bool visit_pv(struct nodeauthz *n, const json_t *pod, const void *data)
{
    const char *pv = data;
    const char *ns = rest_meta_str(pod, "namespace") ?: "";
    size_t i;
    json_t *v;
    json_array_foreach (get2(pod, "spec", "volumes"), i, v) {
        const char *claim = json_string_value(get2(v, "persistentVolumeClaim", "claimName"));
        if (claim == NULL) {
            continue;
        }
        cleanup_json json_t *pvc = read_object(n, "", "persistentvolumeclaims", ns, claim);
        if (str_is(get2(pvc, "spec", "volumeName"), pv)) {
            return true;
        }
    }
    return false;
}

enum vertex { V_POD, V_SECRET, V_CONFIGMAP, V_PVC, V_PV, V_SERVICEACCOUNT, V_VOLUMEATTACHMENT };

static bool related(struct nodeauthz *n, const char *node, enum vertex v, const char *ns,
                    const char *name)
{
    switch (v) {
    case V_POD: {
        cleanup_json json_t *pod = read_object(n, "", "pods", ns, name);
        return pod != NULL && bound_to(pod, node);
    }
    case V_VOLUMEATTACHMENT: {
        cleanup_json json_t *va = read_object(n, "storage.k8s.io", "volumeattachments", "", name);
        return va != NULL && bound_to(va, node);
    }
    case V_PV:
        return any_pod_on_node(n, "", node, visit_pv, name);
    case V_SECRET:
    case V_CONFIGMAP:
    case V_PVC:
    case V_SERVICEACCOUNT: {
        struct ref_query q = {v == V_SECRET      ? REF_SECRET
                              : v == V_CONFIGMAP ? REF_CONFIGMAP
                              : v == V_PVC       ? REF_PVC
                                                 : REF_SERVICEACCOUNT,
                              name};
        return any_pod_on_node(n, ns, node, visit_references, &q);
    }
    }
    return false;
}

/* ---- Decisions ---- */

/* NO_OPINION with a reason (a format and its arguments). */
#define NO_OPINION(reason, ...) (snprintf(reason, AUTHZ_REASON_MAX, __VA_ARGS__), AUTHZ_NO_OPINION)

static bool verb_in(const char *verb, const char *const *verbs)
{
    for (size_t i = 0; verbs[i] != NULL; i++) {
        if (strcmp(verb, verbs[i]) == 0) {
            return true;
        }
    }
    return false;
}

static enum authz_decision authorize_related(struct nodeauthz *n, const char *node, enum vertex v,
                                             const struct authz_attributes *a,
                                             char reason[AUTHZ_REASON_MAX])
{
    if (a->name == NULL || a->name[0] == '\0') {
        return NO_OPINION(reason, "No Object name found");
    }
    if (!related(n, node, v, a->namespace_, a->name)) {
        return NO_OPINION(reason, "no relationship found between node '%s' and this object", node);
    }
    return AUTHZ_ALLOW;
}

static enum authz_decision authorize_get(struct nodeauthz *n, const char *node, enum vertex v,
                                         const struct authz_attributes *a,
                                         char reason[AUTHZ_REASON_MAX])
{
    if (strcmp(a->verb, "get") != 0) {
        return NO_OPINION(reason, "can only get individual resources of this type");
    }
    if (a->subresource[0] != '\0') {
        return NO_OPINION(reason, "cannot get subresource");
    }
    return authorize_related(n, node, v, a, reason);
}

static enum authz_decision authorize_read_namespaced(struct nodeauthz *n, const char *node,
                                                     enum vertex v,
                                                     const struct authz_attributes *a,
                                                     char reason[AUTHZ_REASON_MAX])
{
    static const char *const reads[] = {"get", "list", "watch", NULL};
    if (!verb_in(a->verb, reads)) {
        return NO_OPINION(reason, "can only read resources of this type");
    }
    if (a->subresource[0] != '\0') {
        return NO_OPINION(reason, "cannot read subresource");
    }
    if (a->namespace_[0] == '\0') {
        return NO_OPINION(reason, "can only read namespaced object of this type");
    }
    return authorize_related(n, node, v, a, reason);
}

/* A field selector requirement field=value (or field==value) among comma-separated ones. */
static bool selects(const char *selector, const char *field, const char *value)
{
    if (selector == NULL) {
        return false;
    }
    cleanup_free char *copy = xstrdup(selector);
    char *save = NULL;
    for (char *req = strtok_r(copy, ",", &save); req != NULL; req = strtok_r(NULL, ",", &save)) {
        size_t flen = strlen(field);
        if (strncmp(req, field, flen) != 0) {
            continue;
        }
        const char *rest = req + flen;
        if (strncmp(rest, "==", 2) == 0) {
            rest += 2;
        } else if (rest[0] == '=') {
            rest += 1;
        } else {
            continue;
        }
        if (strcmp(rest, value) == 0) {
            return true;
        }
    }
    return false;
}

static enum authz_decision authorize_node_object(const char *node, const struct authz_attributes *a,
                                                 char reason[AUTHZ_REASON_MAX])
{
    static const char *const writes[] = {"create", "update", "patch", NULL};
    static const char *const reads[] = {"get", "list", "watch", NULL};
    static const char *const status_writes[] = {"update", "patch", NULL};
    reason[0] = '\0';
    if (a->subresource[0] == '\0') {
        if (verb_in(a->verb, writes)) {
            return AUTHZ_ALLOW; /* NodeRestriction keeps a node to its own Node */
        }
        if (verb_in(a->verb, reads)) {
            if (strcmp(a->name, node) == 0) {
                return AUTHZ_ALLOW;
            }
            if (a->name[0] == '\0') {
                return NO_OPINION(
                    reason, "node '%s' cannot read all nodes, only its own Node object", node);
            }
            return NO_OPINION(reason, "node '%s' cannot read '%s', only its own Node object", node,
                              a->name);
        }
    } else if (strcmp(a->subresource, "status") == 0 && verb_in(a->verb, status_writes)) {
        return AUTHZ_ALLOW;
    }
    return AUTHZ_NO_OPINION;
}

static enum authz_decision authorize_pod(struct nodeauthz *n, const char *node,
                                         const struct authz_attributes *a,
                                         char reason[AUTHZ_REASON_MAX])
{
    static const char *const mirror[] = {"create", "delete", NULL};
    static const char *const status_writes[] = {"update", "patch", NULL};
    reason[0] = '\0';
    if (a->subresource[0] == '\0') {
        if (strcmp(a->verb, "get") == 0) {
            return authorize_get(n, node, V_POD, a, reason);
        }
        if (strcmp(a->verb, "list") == 0 || strcmp(a->verb, "watch") == 0) {
            if (selects(a->field_selector, "spec.nodeName", node)) {
                return AUTHZ_ALLOW;
            }
            if (a->name[0] != '\0') {
                return authorize_related(n, node, V_POD, a, reason);
            }
            return NO_OPINION(reason, "can only list/watch pods with spec.nodeName field selector");
        }
        if (verb_in(a->verb, mirror)) {
            return AUTHZ_ALLOW; /* mirror pods; NodeRestriction checks the binding */
        }
    } else if (strcmp(a->subresource, "status") == 0 && verb_in(a->verb, status_writes)) {
        return AUTHZ_ALLOW;
    } else if (strcmp(a->subresource, "eviction") == 0 && strcmp(a->verb, "create") == 0) {
        return AUTHZ_ALLOW;
    }
    return AUTHZ_NO_OPINION;
}

/* Leases and CSINodes: the node's own object only. */
static enum authz_decision authorize_own_object(const char *node, const struct authz_attributes *a,
                                                const char *what, char reason[AUTHZ_REASON_MAX])
{
    static const char *const verbs[] = {"get", "create", "update", "patch", "delete", NULL};
    bool lease = strcmp(what, "node lease") == 0;
    if (!verb_in(a->verb, verbs)) {
        return NO_OPINION(reason, "can only get, create, update, patch, or delete a %s", what);
    }
    if (lease && strcmp(a->namespace_, NODE_LEASE_NS) != 0) {
        return NO_OPINION(reason, "can only access leases in the \"%s\" system namespace",
                          NODE_LEASE_NS);
    }
    if (!lease && a->subresource[0] != '\0') {
        return NO_OPINION(reason, "cannot authorize CSINode subresources");
    }
    if (strcmp(a->verb, "create") != 0 && strcmp(a->name, node) != 0) {
        return NO_OPINION(reason, "can only access %s with the same name as the requesting node",
                          what);
    }
    return AUTHZ_ALLOW;
}

enum authz_decision nodeauthz_authorize(struct nodeauthz *n, const struct user_info *user,
                                        const struct authz_attributes *a,
                                        char reason[AUTHZ_REASON_MAX])
{
    reason[0] = '\0';
    const char *node = nodeauthz_node_name(user);
    if (node == NULL) {
        return AUTHZ_NO_OPINION;
    }
    if (node[0] == '\0') {
        return NO_OPINION(reason, "unknown node for user \"%s\"", user->name);
    }
    if (a->is_resource_request) {
        const char *g = a->api_group, *res = a->resource;
        bool core = g[0] == '\0';
        if (core && (strcmp(res, "secrets") == 0 || strcmp(res, "configmaps") == 0)) {
            return authorize_read_namespaced(n, node, res[0] == 's' ? V_SECRET : V_CONFIGMAP, a,
                                             reason);
        }
        if (core && strcmp(res, "persistentvolumeclaims") == 0) {
            if (strcmp(a->subresource, "status") == 0) {
                if (strcmp(a->verb, "update") != 0 && strcmp(a->verb, "patch") != 0) {
                    return NO_OPINION(reason, "can only get/update/patch this type");
                }
                return authorize_related(n, node, V_PVC, a, reason);
            }
            return authorize_get(n, node, V_PVC, a, reason);
        }
        if (core && strcmp(res, "persistentvolumes") == 0) {
            return authorize_get(n, node, V_PV, a, reason);
        }
        if (strcmp(g, "storage.k8s.io") == 0 && strcmp(res, "volumeattachments") == 0) {
            return authorize_get(n, node, V_VOLUMEATTACHMENT, a, reason);
        }
        if (core && strcmp(res, "serviceaccounts") == 0) {
            if (strcmp(a->verb, "create") != 0 || a->name[0] == '\0') {
                return NO_OPINION(reason, "can only create tokens for individual service accounts");
            }
            if (strcmp(a->subresource, "token") != 0) {
                return NO_OPINION(reason, "can only create token subresource of serviceaccount");
            }
            return authorize_related(n, node, V_SERVICEACCOUNT, a, reason);
        }
        if (strcmp(g, "coordination.k8s.io") == 0 && strcmp(res, "leases") == 0) {
            return authorize_own_object(node, a, "node lease", reason);
        }
        if (strcmp(g, "storage.k8s.io") == 0 && strcmp(res, "csinodes") == 0) {
            return authorize_own_object(node, a, "CSINode", reason);
        }
        if (core && strcmp(res, "nodes") == 0) {
            return authorize_node_object(node, a, reason);
        }
        if (core && strcmp(res, "pods") == 0) {
            return authorize_pod(n, node, a, reason);
        }
    }
    size_t i;
    json_t *rule;
    json_array_foreach (n->node_rules, i, rule) {
        if (rbac_rule_matches(rule, a)) {
            return AUTHZ_ALLOW;
        }
    }
    return AUTHZ_NO_OPINION;
}

/* ---- NodeRestriction ---- */

/* Refused with a reason (a format and its arguments). */
#define REFUSE(reason, ...) (snprintf(reason, AUTHZ_REASON_MAX, __VA_ARGS__), false)

/* The stored pod ns/name is bound to node (a pod already gone passes: the REST layer answers). */
static bool stored_pod_bound(struct nodeauthz *n, const char *ns, const char *name,
                             const char *node)
{
    cleanup_json json_t *pod = read_object(n, "", "pods", ns, name);
    return pod == NULL || bound_to(pod, node);
}

bool nodeauthz_admit(struct nodeauthz *n, const struct user_info *user,
                     const struct authz_attributes *a, const json_t *body,
                     char reason[AUTHZ_REASON_MAX])
{
    reason[0] = '\0';
    const char *node = nodeauthz_node_name(user);
    if (n == NULL || node == NULL || !a->is_resource_request) {
        return true;
    }
    const char *g = a->api_group, *res = a->resource, *sub = a->subresource, *verb = a->verb;
    const char *body_name = rest_meta_str(body, "name");
    const char *name = a->name[0] != '\0' ? a->name : body_name ? body_name : "";
    if (g[0] == '\0' && strcmp(res, "nodes") == 0) {
        if (strcmp(verb, "get") != 0 && strcmp(verb, "list") != 0 && strcmp(verb, "watch") != 0 &&
            strcmp(name, node) != 0) {
            snprintf(reason, AUTHZ_REASON_MAX, "node \"%s\" is not allowed to modify node \"%s\"",
                     node, name);
            return false;
        }
        return true;
    }
    if (g[0] == '\0' && strcmp(res, "pods") == 0) {
        if (sub[0] == '\0' && strcmp(verb, "create") == 0) {
            const json_t *notes = get2(body, "metadata", "annotations");
            if (json_object_get(notes, MIRROR_POD_NOTE) == NULL) {
                snprintf(reason, AUTHZ_REASON_MAX,
                         "pod does not have \"%s\" annotation, node \"%s\" can only create "
                         "mirror pods",
                         MIRROR_POD_NOTE, node);
                return false;
            }
            if (!bound_to(body, node)) {
                return REFUSE(reason,
                              "node \"%s\" can only create pods with spec.nodeName set to itself",
                              node);
            }
        } else if (sub[0] == '\0' && strcmp(verb, "delete") == 0 &&
                   !stored_pod_bound(n, a->namespace_, name, node)) {
            return REFUSE(
                reason, "node \"%s\" can only delete pods with spec.nodeName set to itself", node);
        } else if (strcmp(sub, "status") == 0 && !stored_pod_bound(n, a->namespace_, name, node)) {
            return REFUSE(reason,
                          "node \"%s\" can only update pod status for pods with spec.nodeName "
                          "set to itself",
                          node);
        } else if (strcmp(sub, "eviction") == 0 &&
                   !stored_pod_bound(n, a->namespace_, name, node)) {
            return REFUSE(reason,
                          "node \"%s\" can only evict pods with spec.nodeName set to itself", node);
        }
        return true;
    }
    if (strcmp(g, "coordination.k8s.io") == 0 && strcmp(res, "leases") == 0 &&
        strcmp(name, node) != 0) {
        return REFUSE(reason, "can only access node lease with the same name as the requesting "
                              "node");
    }
    if (g[0] == '\0' && strcmp(res, "serviceaccounts") == 0 && strcmp(sub, "token") == 0) {
        const json_t *ref = get2(body, "spec", "boundObjectRef");
        if (!str_is(json_object_get(ref, "kind"), "Pod")) {
            return REFUSE(reason, "node requested token not bound to a pod");
        }
        cleanup_json json_t *pod = read_object(
            n, "", "pods", a->namespace_, json_string_value(json_object_get(ref, "name")) ?: "");
        if (pod == NULL || !bound_to(pod, node)) {
            return REFUSE(reason, "node requested token bound to a pod scheduled on a different "
                                  "node");
        }
    }
    return true;
}

/* ---- The chain ---- */

enum mode { MODE_ALWAYS_ALLOW, MODE_ALWAYS_DENY, MODE_NODE, MODE_RBAC };

static const char *const mode_names[] = {"AlwaysAllow", "AlwaysDeny", "Node", "RBAC"};

struct authz_chain {
    enum mode modes[4];
    size_t nmodes;
    struct policy_cache *policy;
    struct nodeauthz *node;
};

bool authz_mode_has(const char *modes, const char *mode)
{
    cleanup_free char *copy = xstrdup(modes ? modes : "");
    char *save = NULL;
    for (char *m = strtok_r(copy, ",", &save); m != NULL; m = strtok_r(NULL, ",", &save)) {
        if (strcmp(m, mode) == 0) {
            return true;
        }
    }
    return false;
}

struct authz_chain *authz_chain_new(const char *modes, struct policy_cache *policy,
                                    struct etcd3 *storage, struct err *err)
{
    struct authz_chain *c = xcalloc(1, sizeof *c);
    cleanup_free char *copy = xstrdup(modes ? modes : "");
    char *save = NULL;
    for (char *m = strtok_r(copy, ",", &save); m != NULL; m = strtok_r(NULL, ",", &save)) {
        size_t k = 0;
        while (k < 4 && strcmp(m, mode_names[k]) != 0) {
            k++;
        }
        if (k == 4) {
            err_set(err, EINVAL, "authorization-mode \"%s\" is not a valid mode", m);
            authz_chain_free(c);
            return NULL;
        }
        for (size_t j = 0; j < c->nmodes; j++) {
            if (c->modes[j] == (enum mode)k) {
                err_set(err, EINVAL, "authorization-mode \"%s\" has mode specified more than once",
                        m);
                authz_chain_free(c);
                return NULL;
            }
        }
        c->modes[c->nmodes++] = (enum mode)k;
    }
    if (c->nmodes == 0) {
        err_set(err, EINVAL, "at least one authorization-mode must be passed");
        authz_chain_free(c);
        return NULL;
    }
    c->policy = policy;
    if (authz_mode_has(modes, "Node")) {
        c->node = nodeauthz_new(storage);
    }
    return c;
}

void authz_chain_free(struct authz_chain *c)
{
    if (c == NULL) {
        return;
    }
    nodeauthz_free(c->node);
    free(c);
}

bool authz_chain_allows(struct authz_chain *c, const struct user_info *user,
                        const struct authz_attributes *attrs, char reason[AUTHZ_REASON_MAX])
{
    reason[0] = '\0';
    for (size_t i = 0; i < c->nmodes; i++) {
        enum authz_decision d = AUTHZ_NO_OPINION;
        char why[AUTHZ_REASON_MAX] = "";
        switch (c->modes[i]) {
        case MODE_ALWAYS_ALLOW:
            d = AUTHZ_ALLOW;
            break;
        case MODE_ALWAYS_DENY:
            d = AUTHZ_DENY;
            break;
        case MODE_NODE:
            d = nodeauthz_authorize(c->node, user, attrs, why);
            break;
        case MODE_RBAC:
            if (c->policy != NULL) {
                struct rbac_policy p;
                void *token = policy_cache_acquire(c->policy, &p);
                d = rbac_allows(&p, user, attrs) ? AUTHZ_ALLOW : AUTHZ_NO_OPINION;
                policy_cache_release(c->policy, token);
            }
            break;
        }
        if (why[0] != '\0') {
            size_t len = strlen(reason);
            snprintf(reason + len, AUTHZ_REASON_MAX - len, "%s%s", len > 0 ? ", " : "", why);
        }
        if (d != AUTHZ_NO_OPINION) {
            return d == AUTHZ_ALLOW;
        }
    }
    return false;
}

struct nodeauthz *authz_chain_node(struct authz_chain *c)
{
    return c != NULL ? c->node : NULL;
}
