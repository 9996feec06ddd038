/* The ServiceAccount and LimitRanger admission plugins as Kubernetes 1.32 has them
 * (plugin/pkg/admission/serviceaccount, plugin/pkg/admission/limitranger): a pod runs as
 * `default` unless it names a ServiceAccount, which must exist; LimitRanges default container
 * requests and limits and reject pods and claims outside min/max/maxLimitRequestRatio with
 * Kubernetes' messages. Token volume projection is not done here yet. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admission_internal.h"
#include "cleanup.h"
#include "quantity.h"
#include "rest_internal.h"
#include "status.h"
#include "xalloc.h"

#define LIMIT_RANGER_ANNOTATION "kubernetes.io/limit-ranger"

static bool is_core(const struct admission_attributes *attrs, const char *plural)
{
    return attrs->resource->group[0] == '\0' && strcmp(attrs->resource->plural, plural) == 0;
}

/* ---- ServiceAccount ---- */

json_t *admission_service_account_mutate(struct rest *r, const struct admission_attributes *attrs,
                                         json_t *pod, int *code)
{
    if (attrs->operation != ADMISSION_CREATE || attrs->subresource[0] != '\0') {
        return NULL;
    }
    json_t *annotations = json_object_get(json_object_get(pod, "metadata"), "annotations");
    if (json_object_get(annotations, "kubernetes.io/config.mirror") != NULL) {
        return NULL; /* mirror pods come from the kubelet and run without one */
    }
    json_t *spec = json_object_get(pod, "spec");
    if (!json_is_object(spec)) {
        return NULL; /* validation answers */
    }
    const char *name = json_string_value(json_object_get(spec, "serviceAccountName"));
    if (name == NULL || name[0] == '\0') {
        name = json_string_value(json_object_get(spec, "serviceAccount"));
    }
    if (name == NULL || name[0] == '\0') {
        name = "default";
    }
    cleanup_free char *account = xstrdup(name);
    json_object_set_new(spec, "serviceAccountName", json_string(account));
    json_object_set_new(spec, "serviceAccount", json_string(account));
    const struct resource *sa = resources_find("", "v1", "serviceaccounts");
    cleanup_json json_t *cached = rest_caches_get(r, sa, attrs->namespace_, account);
    if (cached != NULL) {
        return NULL; /* the informer has it; else a live lookup as the plugin's */
    }
    cleanup_free char *key = rest_object_key(sa, attrs->namespace_, account);
    struct etcd3_kv kv = {0};
    struct err e = {0};
    int rc = etcd3_get(r->storage, key, &kv, NULL, &e);
    etcd3_kv_free(&kv);
    if (rc == 0) {
        return NULL;
    }
    cleanup_free char *detail =
        rc == -ENOENT ? xasprintf("error looking up service account %s/%s: serviceaccount \"%s\" "
                                  "not found",
                                  attrs->namespace_, account, account)
                      : xasprintf("error looking up service account %s/%s: %s", attrs->namespace_,
                                  account, e.msg);
    return rest_answer_status(code,
                              status_forbidden("", "pods", rest_meta_str(pod, "name"), detail));
}

/* ---- Priority and DefaultTolerationSeconds ---- */

static const struct resource *priority_classes(void)
{
    return resources_find("scheduling.k8s.io", "v1", "priorityclasses");
}

/* The PriorityClass name from the lister (the watch cache), else the store; NULL with *rc
 * -ENOENT when there is none, another -errno (e filled) when the store fails. */
static json_t *priority_class_get(struct rest *r, const char *name, int *rc, struct err *e)
{
    const struct resource *res = priority_classes();
    json_t *cached = rest_caches_get(r, res, NULL, name);
    if (cached != NULL) {
        *rc = 0;
        return cached;
    }
    cleanup_free char *key = rest_object_key(res, NULL, name);
    struct etcd3_kv kv = {0};
    *rc = etcd3_get(r->storage, key, &kv, NULL, e);
    json_t *obj = *rc == 0 ? rest_decode_stored(&kv) : NULL;
    etcd3_kv_free(&kv);
    return obj;
}

/* getDefaultPriorityClass: the globalDefault class with the lowest value (two may exist after
 * a race), or NULL. A new reference. */
static json_t *default_priority_class(struct rest *r)
{
    cleanup_json json_t *items = admission_list_namespace_cached(r, priority_classes(), NULL);
    const json_t *best = NULL;
    size_t i;
    const json_t *pc;
    json_array_foreach (items, i, pc) {
        if (json_is_true(json_object_get(pc, "globalDefault")) &&
            (best == NULL || json_integer_value(json_object_get(pc, "value")) <
                                 json_integer_value(json_object_get(best, "value")))) {
            best = pc;
        }
    }
    return best != NULL ? json_deep_copy(best) : NULL;
}

static json_t *forbid_pod(const json_t *pod, int *code, const char *detail)
{
    return rest_answer_status(code,
                              status_forbidden("", "pods", rest_meta_str(pod, "name"), detail));
}

/* Priority admission on pod create: spec.priority and preemptionPolicy from the PriorityClass
 * named by priorityClassName, else from the globalDefault class (its name is written to the
 * pod), else 0 and PreemptLowerPriority; values the user wrote must agree. */
static json_t *priority_mutate(struct rest *r, json_t *pod, json_t *spec, int *code)
{
    const char *class_name = json_string_value(json_object_get(spec, "priorityClassName"));
    cleanup_json json_t *pc = NULL;
    if (class_name != NULL && class_name[0] != '\0') {
        int rc = 0;
        struct err e = {0};
        pc = priority_class_get(r, class_name, &rc, &e);
        if (rc == -ENOENT) {
            cleanup_free char *detail =
                xasprintf("no PriorityClass with name %s was found", class_name);
            return forbid_pod(pod, code, detail);
        }
        if (pc == NULL) {
            cleanup_free char *msg =
                xasprintf("failed to get PriorityClass with name %s: %s", class_name, e.msg);
            return rest_answer_status(code, status_internal(msg));
        }
    } else if ((pc = default_priority_class(r)) != NULL) {
        json_object_set_new(
            spec, "priorityClassName",
            json_string(rest_meta_str(pc, "name") ? rest_meta_str(pc, "name") : ""));
    }
    long long value = pc != NULL ? json_integer_value(json_object_get(pc, "value")) : 0;
    const char *policy = pc != NULL ? json_string_value(json_object_get(pc, "preemptionPolicy"))
                                    : "PreemptLowerPriority";
    json_t *given = json_object_get(spec, "priority");
    if (json_is_integer(given) && json_integer_value(given) != value) {
        cleanup_free char *detail =
            xasprintf("the integer value of priority (%lld) must not be provided in pod spec; "
                      "priority admission controller computed %lld from the given PriorityClass "
                      "name",
                      (long long)json_integer_value(given), value);
        return forbid_pod(pod, code, detail);
    }
    json_object_set_new(spec, "priority", json_integer(value));
    if (policy != NULL) {
        const char *given_policy = json_string_value(json_object_get(spec, "preemptionPolicy"));
        if (given_policy != NULL && strcmp(given_policy, policy) != 0) {
            cleanup_free char *detail = xasprintf(
                "the string value of PreemptionPolicy (%s) must not be provided in pod spec; "
                "priority admission controller computed %s from the given PriorityClass name",
                given_policy, policy);
            return forbid_pod(pod, code, detail);
        }
        json_object_set_new(spec, "preemptionPolicy", json_string(policy));
    }
    return NULL;
}

json_t *admission_priority_class_validate(struct rest *r, const struct admission_attributes *attrs,
                                          const json_t *pc, int *code)
{
    if ((attrs->operation != ADMISSION_CREATE && attrs->operation != ADMISSION_UPDATE) ||
        attrs->subresource[0] != '\0' || !json_is_true(json_object_get(pc, "globalDefault"))) {
        return NULL;
    }
    cleanup_json json_t *current = default_priority_class(r);
    const char *name = rest_meta_str(pc, "name");
    const char *current_name = current != NULL ? rest_meta_str(current, "name") : NULL;
    if (current_name == NULL ||
        (attrs->operation == ADMISSION_UPDATE && name != NULL && strcmp(name, current_name) == 0)) {
        return NULL;
    }
    cleanup_free char *detail = xasprintf(
        "PriorityClass %s is already marked as default. Only one default can exist", current_name);
    return rest_answer_status(
        code, status_forbidden("scheduling.k8s.io", "priorityclasses", name ? name : "", detail));
}

/* Whether a toleration already covers key's NoExecute taint. */
static bool tolerates(const json_t *tolerations, const char *key)
{
    size_t i;
    json_t *t;
    json_array_foreach (tolerations, i, t) {
        const char *k = json_string_value(json_object_get(t, "key"));
        const char *effect = json_string_value(json_object_get(t, "effect"));
        const char *op = json_string_value(json_object_get(t, "operator"));
        bool key_ok = (k != NULL && strcmp(k, key) == 0) ||
                      ((k == NULL || k[0] == '\0') && op != NULL && strcmp(op, "Exists") == 0);
        bool effect_ok = effect == NULL || effect[0] == '\0' || strcmp(effect, "NoExecute") == 0;
        if (key_ok && effect_ok) {
            return true;
        }
    }
    return false;
}

/* DefaultTolerationSeconds: pods tolerate not-ready and unreachable nodes for 300 s. */
static void default_toleration_seconds(json_t *spec)
{
    static const char *const keys[] = {"node.kubernetes.io/not-ready",
                                       "node.kubernetes.io/unreachable"};
    json_t *tolerations = json_object_get(spec, "tolerations");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (tolerates(tolerations, keys[i])) {
            continue;
        }
        if (!json_is_array(tolerations)) {
            tolerations = json_array();
            json_object_set_new(spec, "tolerations", tolerations);
        }
        json_array_append_new(tolerations,
                              json_pack("{s:s,s:s,s:s,s:i}", "key", keys[i], "operator", "Exists",
                                        "effect", "NoExecute", "tolerationSeconds", 300));
    }
}

json_t *admission_pod_defaults_mutate(struct rest *r, const struct admission_attributes *attrs,
                                      json_t *pod, int *code)
{
    if (attrs->operation != ADMISSION_CREATE || attrs->subresource[0] != '\0') {
        return NULL;
    }
    json_t *spec = json_object_get(pod, "spec");
    if (!json_is_object(spec)) {
        return NULL; /* validation answers */
    }
    json_t *error = priority_mutate(r, pod, spec, code);
    if (error != NULL) {
        return error;
    }
    default_toleration_seconds(spec);
    return NULL;
}

int admission_ensure_default_service_account(struct rest *r, const char *ns, struct err *err)
{
    const struct resource *res = resources_find("", "v1", "serviceaccounts");
    cleanup_free char *key = rest_object_key(res, ns, "default");
    struct etcd3_kv kv = {0};
    int rc = etcd3_get(r->storage, key, &kv, NULL, err);
    etcd3_kv_free(&kv);
    if (rc != -ENOENT) {
        return rc;
    }
    struct request_info info = {.is_resource_request = true};
    snprintf(info.verb, sizeof info.verb, "create");
    snprintf(info.namespace_, sizeof info.namespace_, "%s", ns);
    snprintf(info.resource, sizeof info.resource, "serviceaccounts");
    snprintf(info.api_version, sizeof info.api_version, "v1");
    struct rest_call call = {
        .info = &info, .resource = res, .user_agent = "kube-controller-manager/v1.32.0"};
    cleanup_json json_t *obj =
        json_pack("{s:s,s:s,s:{s:s,s:s}}", "apiVersion", "v1", "kind", "ServiceAccount", "metadata",
                  "name", "default", "namespace", ns);
    int code = 0;
    cleanup_json json_t *answer = rest_create_object(r, &call, obj, &code);
    if (code == 201 || code == 409) {
        return 0;
    }
    return err_set(err, EIO, "%s", json_string_value(json_object_get(answer, "message")));
}

/* ---- LimitRanger: quantities ---- */

/* The quantity at list[key]; false when absent or unparsable. */
static bool quantity_at(const json_t *list, const char *key, struct quantity *q)
{
    const json_t *v = json_object_get(list, key);
    struct err e = {0};
    return v != NULL && quantity_from_json(v, q, &e) == 0;
}

static const char *qstr(const struct quantity *q, char buf[QUANTITY_STR_MAX])
{
    return quantity_format(q, buf);
}

/* A LimitRange item after SetDefaults_LimitRangeItem (new reference). */
static json_t *defaulted_item(const json_t *item)
{
    json_t *out = json_deep_copy(item);
    const char *type = json_string_value(json_object_get(out, "type"));
    if (type == NULL || strcmp(type, "Container") != 0) {
        return out;
    }
    json_t *def = json_object_get(out, "default");
    if (!json_is_object(def)) {
        def = json_object();
        json_object_set_new(out, "default", def);
    }
    json_t *req = json_object_get(out, "defaultRequest");
    if (!json_is_object(req)) {
        req = json_object();
        json_object_set_new(out, "defaultRequest", req);
    }
    const char *k;
    json_t *v;
    json_object_foreach (json_object_get(out, "max"), k, v) {
        if (json_object_get(def, k) == NULL) {
            json_object_set(def, k, v);
        }
    }
    json_object_foreach (def, k, v) {
        if (json_object_get(req, k) == NULL) {
            json_object_set(req, k, v);
        }
    }
    json_object_foreach (json_object_get(out, "min"), k, v) {
        if (json_object_get(req, k) == NULL) {
            json_object_set(req, k, v);
        }
    }
    return out;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object, sorted (Kubernetes sorts what it prints). Borrowed strings. */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
    *n = json_object_size(obj);
    const char **keys = xcalloc(*n + 1, sizeof *keys);
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)obj, k, v) {
        keys[i++] = k;
    }
    qsort(keys, *n, sizeof *keys, compare_strings);
    return keys;
}

/* The resources object of a container, created when missing (borrowed). */
static json_t *resources_list(json_t *container, const char *which, bool create)
{
    json_t *res = json_object_get(container, "resources");
    if (!json_is_object(res)) {
        if (!create) {
            return NULL;
        }
        res = json_object();
        json_object_set_new(container, "resources", res);
    }
    json_t *list = json_object_get(res, which);
    if (!json_is_object(list) && create) {
        list = json_object();
        json_object_set_new(res, which, list);
    }
    return json_is_object(list) ? list : NULL;
}

/* SetDefaults_Pod: a limit without a request makes the request. */
static void requests_from_limits(json_t *containers)
{
    size_t i;
    json_t *c;
    json_array_foreach (containers, i, c) {
        json_t *limits = resources_list(c, "limits", false);
        if (json_object_size(limits) == 0) {
            continue;
        }
        json_t *requests = resources_list(c, "requests", true);
        const char *k;
        json_t *v;
        json_object_foreach (limits, k, v) {
            if (json_object_get(requests, k) == NULL) {
                json_object_set(requests, k, v);
            }
        }
    }
}

/* mergeContainerResources: adds "cpu, memory request for container x" notes. */
static void merge_defaults(json_t *containers, const json_t *def_limits, const json_t *def_requests,
                           const char *prefix, json_t *notes)
{
    size_t i;
    json_t *c;
    json_array_foreach (containers, i, c) {
        const char *which[2] = {"requests", "limits"};
        const json_t *defaults[2] = {def_requests, def_limits};
        for (int w = 0; w < 2; w++) {
            size_t n = 0;
            cleanup_free const char **keys = sorted_keys(defaults[w], &n);
            char set[512] = "";
            size_t len = 0;
            for (size_t k = 0; k < n; k++) {
                json_t *list = resources_list(c, which[w], true);
                if (json_object_get(list, keys[k]) != NULL) {
                    continue;
                }
                json_object_set(list, keys[k], json_object_get(defaults[w], keys[k]));
                len += (size_t)snprintf(set + len, len < sizeof set ? sizeof set - len : 0, "%s%s",
                                        len > 0 ? ", " : "", keys[k]);
            }
            json_t *res = json_object_get(c, "resources");
            if (json_object_size(json_object_get(res, which[w])) == 0) {
                json_object_del(res, which[w]);
            }
            if (len > 0) {
                const char *name = json_string_value(json_object_get(c, "name"));
                cleanup_free char *note = xasprintf(
                    "%s %s for %s %s", set, w == 0 ? "request" : "limit", prefix, name ? name : "");
                json_array_append_new(notes, json_string(note));
            }
        }
    }
}

void limitranger_default_pod(json_t *pod, const json_t *limitranges)
{
    json_t *spec = json_object_get(pod, "spec");
    requests_from_limits(json_object_get(spec, "containers"));
    requests_from_limits(json_object_get(spec, "initContainers"));
    size_t i;
    const json_t *lr;
    json_array_foreach (limitranges, i, lr) {
        cleanup_json json_t *def_limits = json_object();
        cleanup_json json_t *def_requests = json_object();
        size_t j;
        const json_t *item;
        json_array_foreach (json_object_get(json_object_get(lr, "spec"), "limits"), j, item) {
            cleanup_json json_t *d = defaulted_item(item);
            const char *type = json_string_value(json_object_get(d, "type"));
            if (type == NULL || strcmp(type, "Container") != 0) {
                continue;
            }
            json_object_update(def_limits, json_object_get(d, "default"));
            json_object_update(def_requests, json_object_get(d, "defaultRequest"));
        }
        if (json_object_size(def_limits) == 0 && json_object_size(def_requests) == 0) {
            continue;
        }
        cleanup_json json_t *notes = json_array();
        merge_defaults(json_object_get(spec, "containers"), def_limits, def_requests, "container",
                       notes);
        merge_defaults(json_object_get(spec, "initContainers"), def_limits, def_requests,
                       "init container", notes);
        if (json_array_size(notes) == 0) {
            continue;
        }
        size_t cap = 64, len = 0;
        char *text = xmalloc(cap);
        len = (size_t)snprintf(text, cap, "LimitRanger plugin set: ");
        size_t k;
        json_t *note;
        json_array_foreach (notes, k, note) {
            const char *s = json_string_value(note);
            if (len + strlen(s) + 3 > cap) {
                cap = (len + strlen(s) + 3) * 2;
                text = xrealloc(text, cap);
            }
            len += (size_t)snprintf(text + len, cap - len, "%s%s", k > 0 ? "; " : "", s);
        }
        json_t *meta = rest_meta_of(pod);
        json_t *annotations = json_object_get(meta, "annotations");
        if (!json_is_object(annotations)) {
            annotations = json_object();
            json_object_set_new(meta, "annotations", annotations);
        }
        json_object_set_new(annotations, LIMIT_RANGER_ANNOTATION, json_string(text));
        free(text);
    }
}

/* ---- LimitRanger: constraints, in Kubernetes' words ---- */

static void add_message(json_t *messages, char *text)
{
    size_t i;
    json_t *m;
    json_array_foreach (messages, i, m) {
        if (strcmp(json_string_value(m), text) == 0) {
            free(text);
            return;
        }
    }
    json_array_append_new(messages, json_string(text));
    free(text);
}

static void min_constraint(json_t *out, const char *type, const char *res,
                           const struct quantity *enforced, const json_t *requests,
                           const json_t *limits)
{
    struct quantity req, lim;
    char e[QUANTITY_STR_MAX], v[QUANTITY_STR_MAX];
    if (!quantity_at(requests, res, &req)) {
        add_message(out, xasprintf("minimum %s usage per %s is %s.  No request is specified", res,
                                   type, qstr(enforced, e)));
    } else if (quantity_cmp(&req, enforced) < 0) {
        add_message(out, xasprintf("minimum %s usage per %s is %s, but request is %s", res, type,
                                   qstr(enforced, e), qstr(&req, v)));
    } else if (quantity_at(limits, res, &lim) && quantity_cmp(&lim, enforced) < 0) {
        add_message(out, xasprintf("minimum %s usage per %s is %s, but limit is %s", res, type,
                                   qstr(enforced, e), qstr(&lim, v)));
    }
}

static void max_constraint(json_t *out, const char *type, const char *res,
                           const struct quantity *enforced, const json_t *requests,
                           const json_t *limits)
{
    struct quantity req, lim;
    char e[QUANTITY_STR_MAX], v[QUANTITY_STR_MAX];
    if (!quantity_at(limits, res, &lim)) {
        add_message(out, xasprintf("maximum %s usage per %s is %s.  No limit is specified", res,
                                   type, qstr(enforced, e)));
    } else if (quantity_cmp(&lim, enforced) > 0) {
        add_message(out, xasprintf("maximum %s usage per %s is %s, but limit is %s", res, type,
                                   qstr(enforced, e), qstr(&lim, v)));
    } else if (quantity_at(requests, res, &req) && quantity_cmp(&req, enforced) > 0) {
        add_message(out, xasprintf("maximum %s usage per %s is %s, but request is %s", res, type,
                                   qstr(enforced, e), qstr(&req, v)));
    }
}

static void max_request_constraint(json_t *out, const char *type, const char *res,
                                   const struct quantity *enforced, const json_t *requests)
{
    struct quantity req;
    char e[QUANTITY_STR_MAX], v[QUANTITY_STR_MAX];
    if (!quantity_at(requests, res, &req)) {
        add_message(out, xasprintf("maximum %s usage per %s is %s.  No request is specified", res,
                                   type, qstr(enforced, e)));
    } else if (quantity_cmp(&req, enforced) > 0) {
        add_message(out, xasprintf("maximum %s usage per %s is %s, but request is %s", res, type,
                                   qstr(enforced, e), qstr(&req, v)));
    }
}

static void ratio_constraint(json_t *out, const char *type, const char *res,
                             const struct quantity *enforced, const json_t *requests,
                             const json_t *limits)
{
    struct quantity req, lim;
    char e[QUANTITY_STR_MAX];
    bool has_req = quantity_at(requests, res, &req) && quantity_sign(&req) != 0;
    bool has_lim = quantity_at(limits, res, &lim) && quantity_sign(&lim) != 0;
    if (!has_req) {
        add_message(out, xasprintf("%s max limit to request ratio per %s is %s, but no request is "
                                   "specified or request is 0",
                                   res, type, qstr(enforced, e)));
        return;
    }
    if (!has_lim) {
        add_message(out, xasprintf("%s max limit to request ratio per %s is %s, but no limit is "
                                   "specified or limit is 0",
                                   res, type, qstr(enforced, e)));
        return;
    }
    double observed = (double)quantity_milli_value(&lim) / (double)quantity_milli_value(&req);
    double allowed = (double)quantity_milli_value(enforced) / 1000.0;
    if (observed > allowed) {
        add_message(out, xasprintf("%s max limit to request ratio per %s is %s, but provided ratio "
                                   "is %f",
                                   res, type, qstr(enforced, e), observed));
    }
}

/* min, max and maxLimitRequestRatio of one item against requests and limits. */
static void check_item(json_t *out, const json_t *item, const char *type, const json_t *requests,
                       const json_t *limits)
{
    const char *sections[3] = {"min", "max", "maxLimitRequestRatio"};
    for (int s = 0; s < 3; s++) {
        const json_t *bounds = json_object_get(item, sections[s]);
        size_t n = 0;
        cleanup_free const char **keys = sorted_keys(bounds, &n);
        for (size_t k = 0; k < n; k++) {
            struct quantity enforced;
            if (!quantity_at(bounds, keys[k], &enforced)) {
                continue;
            }
            if (s == 0) {
                min_constraint(out, type, keys[k], &enforced, requests, limits);
            } else if (s == 1) {
                max_constraint(out, type, keys[k], &enforced, requests, limits);
            } else {
                ratio_constraint(out, type, keys[k], &enforced, requests, limits);
            }
        }
    }
}

/* Adds (or, for init containers, maxes) one container's list into a pod total. */
static void accumulate(json_t *total, const json_t *list, bool as_max)
{
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)list, k, v) {
        struct quantity q, t;
        struct err e = {0};
        if (quantity_from_json(v, &q, &e) != 0) {
            continue;
        }
        if (!quantity_at(total, k, &t)) {
            json_object_set_new(total, k, quantity_to_json(&q));
            continue;
        }
        if (as_max) {
            if (quantity_cmp(&q, &t) > 0) {
                json_object_set_new(total, k, quantity_to_json(&q));
            }
        } else if (quantity_add(&t, &q, &e) == 0) {
            json_object_set_new(total, k, quantity_to_json(&t));
        }
    }
}

/* PodRequests / PodLimits: the containers' sum, at least each init container's, plus overhead. */
json_t *admission_pod_total(const json_t *pod, const char *which)
{
    const json_t *spec = json_object_get(pod, "spec");
    json_t *sum = json_object();
    size_t i;
    json_t *c;
    json_array_foreach (json_object_get(spec, "containers"), i, c) {
        accumulate(sum, resources_list(c, which, false), false);
    }
    json_array_foreach (json_object_get(spec, "initContainers"), i, c) {
        accumulate(sum, resources_list(c, which, false), true);
    }
    accumulate(sum, json_object_get(spec, "overhead"), false);
    return sum;
}

json_t *limitranger_check_pod(const json_t *pod, const json_t *limitranges)
{
    json_t *out = json_array();
    const json_t *spec = json_object_get(pod, "spec");
    size_t i, j, c;
    const json_t *lr, *item;
    json_t *container;
    json_array_foreach (limitranges, i, lr) {
        json_array_foreach (json_object_get(json_object_get(lr, "spec"), "limits"), j, item) {
            const char *type = json_string_value(json_object_get(item, "type"));
            if (type == NULL) {
                continue;
            }
            if (strcmp(type, "Container") == 0) {
                const char *lists[2] = {"containers", "initContainers"};
                for (int l = 0; l < 2; l++) {
                    json_array_foreach (json_object_get(spec, lists[l]), c, container) {
                        check_item(out, item, type, resources_list(container, "requests", false),
                                   resources_list(container, "limits", false));
                    }
                }
            } else if (strcmp(type, "Pod") == 0) {
                cleanup_json json_t *requests = admission_pod_total(pod, "requests");
                cleanup_json json_t *limits = admission_pod_total(pod, "limits");
                check_item(out, item, type, requests, limits);
            }
        }
    }
    return out;
}

json_t *limitranger_check_pvc(const json_t *pvc, const json_t *limitranges)
{
    json_t *out = json_array();
    const json_t *requests =
        json_object_get(json_object_get(json_object_get(pvc, "spec"), "resources"), "requests");
    size_t i, j;
    const json_t *lr, *item;
    json_array_foreach (limitranges, i, lr) {
        json_array_foreach (json_object_get(json_object_get(lr, "spec"), "limits"), j, item) {
            const char *type = json_string_value(json_object_get(item, "type"));
            if (type == NULL || strcmp(type, "PersistentVolumeClaim") != 0) {
                continue;
            }
            const json_t *min = json_object_get(item, "min");
            const json_t *max = json_object_get(item, "max");
            size_t n = 0;
            cleanup_free const char **min_keys = sorted_keys(min, &n);
            cleanup_json json_t *no_limits = json_object();
            for (size_t k = 0; k < n; k++) {
                struct quantity enforced;
                if (quantity_at(min, min_keys[k], &enforced)) {
                    min_constraint(out, type, min_keys[k], &enforced, requests, no_limits);
                }
            }
            cleanup_free const char **max_keys = sorted_keys(max, &n);
            for (size_t k = 0; k < n; k++) {
                struct quantity enforced;
                if (quantity_at(max, max_keys[k], &enforced)) {
                    max_request_constraint(out, type, max_keys[k], &enforced, requests);
                }
            }
        }
    }
    return out;
}

char *admission_aggregate_messages(const json_t *messages)
{
    size_t n = json_array_size(messages);
    if (n == 1) {
        return xstrdup(json_string_value(json_array_get(messages, 0)));
    }
    size_t cap = 2;
    for (size_t i = 0; i < n; i++) {
        cap += strlen(json_string_value(json_array_get(messages, i))) + 2;
    }
    char *out = xmalloc(cap + 1);
    size_t len = (size_t)snprintf(out, cap + 1, "[");
    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(out + len, cap + 1 - len, "%s%s", i > 0 ? ", " : "",
                                json_string_value(json_array_get(messages, i)));
    }
    snprintf(out + len, cap + 1 - len, "]");
    return out;
}

/* ---- LimitRanger: the plugin ---- */

json_t *admission_limit_ranger_mutate(struct rest *r, const struct admission_attributes *attrs,
                                      json_t *obj, int *code)
{
    (void)code;
    if (attrs->operation != ADMISSION_CREATE || attrs->subresource[0] != '\0' ||
        !is_core(attrs, "pods")) {
        return NULL;
    }
    const struct resource *res = resources_find("", "v1", "limitranges");
    cleanup_json json_t *ranges = admission_list_namespace_cached(r, res, attrs->namespace_);
    cleanup_json json_t *none = json_array();
    limitranger_default_pod(obj, ranges != NULL ? ranges : none);
    return NULL;
}

json_t *admission_limit_ranger_validate(struct rest *r, const struct admission_attributes *attrs,
                                        const json_t *obj, int *code)
{
    bool pod = is_core(attrs, "pods") && attrs->operation == ADMISSION_CREATE;
    bool pvc = is_core(attrs, "persistentvolumeclaims") && attrs->operation != ADMISSION_DELETE;
    if (attrs->subresource[0] != '\0' || (!pod && !pvc)) {
        return NULL;
    }
    const struct resource *res = resources_find("", "v1", "limitranges");
    cleanup_json json_t *ranges = admission_list_namespace_cached(r, res, attrs->namespace_);
    if (json_array_size(ranges) == 0) {
        return NULL;
    }
    cleanup_json json_t *messages =
        pod ? limitranger_check_pod(obj, ranges) : limitranger_check_pvc(obj, ranges);
    if (json_array_size(messages) == 0) {
        return NULL;
    }
    cleanup_free char *detail = admission_aggregate_messages(messages);
    return rest_answer_status(
        code, status_forbidden("", attrs->resource->plural, rest_meta_str(obj, "name"), detail));
}
