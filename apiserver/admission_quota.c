/* The ResourceQuota admission plugin as Kubernetes 1.32 has it (plugin/pkg/admission/
 * resourcequota and pkg/quota/v1/evaluator/core): a create (or a growing update of a Service
 * or claim) is checked against every quota of its namespace, refused with Kubernetes'
 * "exceeded quota" / "must specify" texts, and charged to status.used with a compare-and-swap
 * on the quota's mod_revision, so concurrent apiservers never admit past hard.
 * There is no quota controller yet, so this file stands in for it: a quota's status is
 * computed from the store when it is created or its hard changes (or a tracked value is
 * missing), deletes and failed writes give their usage back, and shrinking updates too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admission_internal.h"
#include "cleanup.h"
#include "log.h"
#include "quantity.h"
#include "rest_internal.h"
#include "status.h"
#include "xalloc.h"

#define STORAGE_CLASS_INFIX ".storageclass.storage.k8s.io/"

/* ---- usage (pure) ---- */

static void set_count(json_t *usage, const char *key, long long n)
{
    cleanup_free char *text = xasprintf("%lld", n);
    json_object_set_new(usage, key, json_string(text));
}

static bool pod_is_terminal(const json_t *pod)
{
    const char *phase = json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
    return phase != NULL && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0);
}

static bool is_standard_compute(const char *name)
{
    return strcmp(name, "cpu") == 0 || strcmp(name, "memory") == 0 ||
           strcmp(name, "ephemeral-storage") == 0;
}

/* podComputeUsageHelper: cpu/memory/ephemeral-storage as both "x" and "requests.x", limits as
 * "limits.x", extended and hugepages requests as "requests.x" (hugepages also plain). */
static void pod_compute_usage(json_t *usage, const json_t *requests, const json_t *limits)
{
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)requests, k, v) {
        cleanup_free char *prefixed = xasprintf("requests.%s", k);
        if (is_standard_compute(k) || strncmp(k, "hugepages-", 10) == 0) {
            json_object_set(usage, k, v);
        }
        json_object_set(usage, prefixed, v);
    }
    json_object_foreach ((json_t *)limits, k, v) {
        if (is_standard_compute(k)) {
            cleanup_free char *prefixed = xasprintf("limits.%s", k);
            json_object_set(usage, prefixed, v);
        }
    }
}

json_t *quota_usage_of(const struct resource *res, const json_t *obj)
{
    json_t *usage = json_object();
    if (!res->namespaced) {
        return usage;
    }
    bool core = res->group[0] == '\0';
    cleanup_free char *count_key = core ? xasprintf("count/%s", res->plural)
                                        : xasprintf("count/%s.%s", res->plural, res->group);
    set_count(usage, count_key, 1);
    if (!core) {
        return usage;
    }
    const json_t *spec = json_object_get(obj, "spec");
    if (strcmp(res->plural, "pods") == 0) {
        if (pod_is_terminal(obj)) {
            return usage;
        }
        set_count(usage, "pods", 1);
        cleanup_json json_t *requests = admission_pod_total(obj, "requests");
        cleanup_json json_t *limits = admission_pod_total(obj, "limits");
        pod_compute_usage(usage, requests, limits);
    } else if (strcmp(res->plural, "services") == 0) {
        const char *type = json_string_value(json_object_get(spec, "type"));
        type = type ? type : "ClusterIP";
        size_t ports = json_array_size(json_object_get(spec, "ports"));
        long long node_ports = 0;
        if (strcmp(type, "NodePort") == 0) {
            node_ports = (long long)ports;
        } else if (strcmp(type, "LoadBalancer") == 0) {
            if (json_is_false(json_object_get(spec, "allocateLoadBalancerNodePorts"))) {
                for (size_t i = 0; i < ports; i++) {
                    json_t *p = json_array_get(json_object_get(spec, "ports"), i);
                    node_ports += json_integer_value(json_object_get(p, "nodePort")) != 0;
                }
            } else {
                node_ports = (long long)ports;
            }
        }
        set_count(usage, "services", 1);
        set_count(usage, "services.nodeports", node_ports);
        set_count(usage, "services.loadbalancers", strcmp(type, "LoadBalancer") == 0);
    } else if (strcmp(res->plural, "persistentvolumeclaims") == 0) {
        set_count(usage, "persistentvolumeclaims", 1);
        json_t *storage = json_object_get(
            json_object_get(json_object_get(spec, "resources"), "requests"), "storage");
        if (storage != NULL) {
            json_object_set(usage, "requests.storage", storage);
        }
        const char *klass = json_string_value(json_object_get(spec, "storageClassName"));
        if (klass != NULL && klass[0] != '\0') {
            cleanup_free char *claims =
                xasprintf("%s" STORAGE_CLASS_INFIX "persistentvolumeclaims", klass);
            set_count(usage, claims, 1);
            if (storage != NULL) {
                cleanup_free char *bytes =
                    xasprintf("%s" STORAGE_CLASS_INFIX "requests.storage", klass);
                json_object_set(usage, bytes, storage);
            }
        }
    } else if (strcmp(res->plural, "configmaps") == 0 || strcmp(res->plural, "secrets") == 0 ||
               strcmp(res->plural, "replicationcontrollers") == 0 ||
               strcmp(res->plural, "resourcequotas") == 0) {
        set_count(usage, res->plural, 1);
    }
    return usage;
}

static bool quantity_of(const json_t *list, const char *key, struct quantity *q)
{
    struct err e = {0};
    const json_t *v = json_object_get(list, key);
    if (v == NULL || quantity_from_json(v, q, &e) != 0) {
        struct quantity zero = QUANTITY_ZERO;
        *q = zero;
        return false;
    }
    return true;
}

json_t *quota_add(const json_t *a, const json_t *b, int sign)
{
    json_t *out = json_deep_copy(a);
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)b, k, v) {
        struct quantity x, y;
        struct err e = {0};
        quantity_of(out, k, &x);
        if (!quantity_of(b, k, &y)) {
            continue;
        }
        int rc = sign < 0 ? quantity_sub(&x, &y, &e) : quantity_add(&x, &y, &e);
        if (rc == 0) {
            json_object_set_new(out, k, quantity_to_json(&x));
        }
    }
    return out;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *sorted_array(json_t *names)
{
    size_t n = json_array_size(names);
    const char **v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = json_string_value(json_array_get(names, i));
    }
    qsort(v, n, sizeof *v, compare_strings);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(out, json_string(v[i]));
    }
    free(v);
    json_decref(names);
    return out;
}

json_t *quota_exceeded(const json_t *hard, const json_t *used)
{
    json_t *keys = json_array();
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)used, k, v) {
        struct quantity h, u;
        if (quantity_of(hard, k, &h) && quantity_of(used, k, &u) && quantity_cmp(&u, &h) > 0) {
            json_array_append_new(keys, json_string(k));
        }
    }
    return sorted_array(keys);
}

char *quota_pretty(const json_t *list, const json_t *keys)
{
    size_t cap = 64, len = 0;
    char *out = xmalloc(cap);
    out[0] = '\0';
    size_t i;
    json_t *key;
    json_array_foreach (keys, i, key) {
        const char *k = json_string_value(key);
        struct quantity q;
        quantity_of(list, k, &q);
        char buf[QUANTITY_STR_MAX];
        quantity_format(&q, buf);
        size_t need = len + strlen(k) + strlen(buf) + 3;
        if (need > cap) {
            cap = need * 2;
            out = xrealloc(out, cap);
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s=%s", i > 0 ? "," : "", k, buf);
    }
    return out;
}

/* Whether a container's usage names resource (podComputeUsageHelper of its own lists). */
static void missing_for_container(const json_t *c, const json_t *required, json_t *missing)
{
    const json_t *res = json_object_get(c, "resources");
    cleanup_json json_t *usage = json_object();
    pod_compute_usage(usage, json_object_get(res, "requests"), json_object_get(res, "limits"));
    size_t i;
    json_t *r;
    json_array_foreach (required, i, r) {
        const char *name = json_string_value(r);
        if (json_object_get(usage, name) != NULL) {
            continue;
        }
        json_t *names = json_object_get(missing, name);
        if (names == NULL) {
            names = json_array();
            json_object_set_new(missing, name, names);
        }
        const char *cname = json_string_value(json_object_get(c, "name"));
        json_array_append_new(names, json_string(cname ? cname : ""));
    }
}

char *quota_pod_missing(const json_t *pod, const json_t *hard)
{
    static const char *const validated[] = {
        "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"};
    cleanup_json json_t *required = json_array();
    for (size_t i = 0; i < sizeof validated / sizeof validated[0]; i++) {
        if (json_object_get(hard, validated[i]) != NULL) {
            json_array_append_new(required, json_string(validated[i]));
        }
    }
    if (json_array_size(required) == 0) {
        return NULL;
    }
    cleanup_json json_t *missing = json_object();
    const json_t *spec = json_object_get(pod, "spec");
    size_t i;
    json_t *c;
    json_array_foreach (json_object_get(spec, "containers"), i, c) {
        missing_for_container(c, required, missing);
    }
    json_array_foreach (json_object_get(spec, "initContainers"), i, c) {
        missing_for_container(c, required, missing);
    }
    if (json_object_size(missing) == 0) {
        return NULL;
    }
    json_t *names = json_array();
    const char *k;
    json_t *v;
    json_object_foreach (missing, k, v) {
        json_array_append_new(names, json_string(k));
    }
    cleanup_json json_t *resources = sorted_array(names);
    size_t cap = 64, len = 0;
    char *out = xmalloc(cap);
    len = (size_t)snprintf(out, cap, "must specify ");
    json_t *rname;
    json_array_foreach (resources, i, rname) {
        cleanup_json json_t *containers =
            sorted_array(json_deep_copy(json_object_get(missing, json_string_value(rname))));
        size_t j;
        json_t *cn;
        size_t need = len + strlen(json_string_value(rname)) + 16;
        json_array_foreach (containers, j, cn) {
            need += strlen(json_string_value(cn)) + 1;
        }
        if (need > cap) {
            cap = need * 2;
            out = xrealloc(out, cap);
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s for: ", i > 0 ? "; " : "",
                                json_string_value(rname));
        const char *prev = NULL;
        json_array_foreach (containers, j, cn) {
            const char *name = json_string_value(cn);
            if (prev != NULL && strcmp(prev, name) == 0) {
                continue; /* a set in Kubernetes */
            }
            len += (size_t)snprintf(out + len, cap - len, "%s%s", prev ? "," : "", name);
            prev = name;
        }
    }
    return out;
}

/* ---- the store side ---- */

/* The resource a quota key counts. */
static const struct resource *resource_of_key(const char *key)
{
    if (strncmp(key, "count/", 6) == 0) {
        const char *rest = key + 6;
        const char *dot = strchr(rest, '.');
        size_t plural_len = dot ? (size_t)(dot - rest) : strlen(rest);
        const char *group = dot ? dot + 1 : "";
        size_t n = 0;
        const struct resource *all = resources_all(&n);
        for (size_t i = 0; i < n; i++) {
            if (strlen(all[i].plural) == plural_len &&
                strncmp(all[i].plural, rest, plural_len) == 0 && strcmp(all[i].group, group) == 0) {
                return &all[i];
            }
        }
        return NULL;
    }
    const char *plural = NULL;
    if (strncmp(key, "services", 8) == 0) {
        plural = "services";
    } else if (strcmp(key, "requests.storage") == 0 || strstr(key, STORAGE_CLASS_INFIX) != NULL ||
               strcmp(key, "persistentvolumeclaims") == 0) {
        plural = "persistentvolumeclaims";
    } else if (strcmp(key, "configmaps") == 0 || strcmp(key, "secrets") == 0 ||
               strcmp(key, "replicationcontrollers") == 0 || strcmp(key, "resourcequotas") == 0) {
        plural = key;
    } else if (strcmp(key, "pods") == 0 || is_standard_compute(key) ||
               strncmp(key, "requests.", 9) == 0 || strncmp(key, "limits.", 7) == 0 ||
               strncmp(key, "hugepages-", 10) == 0) {
        plural = "pods";
    }
    return plural ? resources_find("", "v1", plural) : NULL;
}

/* The usage of keys in ns from the objects in the store (zero for what nothing uses). */
static json_t *recount(struct rest *r, const char *ns, const json_t *keys)
{
    json_t *total = json_object();
    const struct resource *done[64];
    size_t ndone = 0;
    size_t i;
    json_t *key;
    json_array_foreach (keys, i, key) {
        const struct resource *res = resource_of_key(json_string_value(key));
        bool seen = res == NULL;
        for (size_t d = 0; d < ndone && !seen; d++) {
            seen = done[d] == res;
        }
        if (seen || ndone == sizeof done / sizeof done[0]) {
            continue;
        }
        done[ndone++] = res;
        cleanup_json json_t *items = admission_list_namespace(r, res, ns);
        size_t j;
        json_t *obj;
        json_array_foreach (items, j, obj) {
            cleanup_json json_t *usage = quota_usage_of(res, obj);
            json_t *sum = quota_add(total, usage, 1);
            json_decref(total);
            total = sum;
        }
    }
    json_t *out = json_object();
    json_array_foreach (keys, i, key) {
        const char *k = json_string_value(key);
        json_t *v = json_object_get(total, k);
        json_object_set_new(out, k, v ? json_incref(v) : json_string("0"));
    }
    json_decref(total);
    return out;
}

/* obj restricted to keys (new reference). */
static json_t *masked(const json_t *obj, const json_t *keys)
{
    json_t *out = json_object();
    size_t i;
    json_t *key;
    json_array_foreach (keys, i, key) {
        json_t *v = json_object_get(obj, json_string_value(key));
        if (v != NULL) {
            json_object_set(out, json_string_value(key), v);
        }
    }
    return out;
}

/* status.used for the keys of hard, counted from the store where it has no value yet. */
static json_t *used_for(struct rest *r, const char *ns, const json_t *quota, const json_t *keys)
{
    const json_t *used = json_object_get(json_object_get(quota, "status"), "used");
    json_t *out = masked(used, keys);
    cleanup_json json_t *absent = json_array();
    size_t i;
    json_t *key;
    json_array_foreach (keys, i, key) {
        if (json_object_get(out, json_string_value(key)) == NULL) {
            json_array_append(absent, key);
        }
    }
    if (json_array_size(absent) > 0) {
        cleanup_json json_t *counted = recount(r, ns, absent);
        json_object_update(out, counted);
    }
    return out;
}

static json_t *keys_of(const json_t *obj)
{
    json_t *keys = json_array();
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)obj, k, v) {
        json_array_append_new(keys, json_string(k));
    }
    return sorted_array(keys);
}

static bool quota_is_scoped(const json_t *quota)
{
    const json_t *spec = json_object_get(quota, "spec");
    return json_array_size(json_object_get(spec, "scopes")) > 0 ||
           json_object_get(spec, "scopeSelector") != NULL;
}

json_t *admission_quota_mutate_quota(struct rest *r, const struct admission_attributes *attrs,
                                     json_t *quota, const json_t *old)
{
    if (attrs->subresource[0] != '\0' || attrs->operation == ADMISSION_DELETE) {
        return NULL;
    }
    const json_t *hard = json_object_get(json_object_get(quota, "spec"), "hard");
    if (!json_is_object(hard)) {
        return NULL;
    }
    json_t *status = json_object_get(quota, "status");
    if (old != NULL && json_equal(json_object_get(status, "hard"), hard)) {
        return NULL;
    }
    /* The quota controller's first sync: hard from spec, used counted (kept where known). */
    cleanup_json json_t *keys = keys_of(hard);
    cleanup_json json_t *used = used_for(r, attrs->namespace_, quota, keys);
    json_object_set_new(quota, "status", json_pack("{s:O,s:O}", "hard", hard, "used", used));
    return NULL;
}

/* One quota charged by the request being admitted on this thread. */
struct quota_charges {
    const json_t *obj; /* the object admitted (identity only) */
    json_t *charges;   /* [{"key": storage key, "delta": {...}}] */
};

/* Requests run top to bottom on one worker thread: validate records, finish consumes. */
static _Thread_local struct quota_charges pending;

/* Adds sign * delta to status.used of the quota at key with a compare-and-swap (floor 0 when
 * giving back). */
static int apply_to_quota(struct rest *r, const char *key, const json_t *delta, int sign)
{
    for (int attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
        struct etcd3_kv kv = {0};
        struct err e = {0};
        int rc = etcd3_get(r->storage, key, &kv, NULL, &e);
        if (rc != 0) {
            return rc == -ENOENT ? 0 : rc;
        }
        cleanup_json json_t *quota = rest_decode_stored(&kv);
        int64_t revision = kv.mod_revision;
        etcd3_kv_free(&kv);
        json_t *status = json_object_get(quota, "status");
        json_t *used = json_object_get(status, "used");
        if (!json_is_object(used)) {
            return 0;
        }
        cleanup_json json_t *used_keys = keys_of(used);
        cleanup_json json_t *tracked = masked(delta, used_keys);
        json_t *next = quota_add(used, tracked, sign);
        const char *k;
        json_t *v;
        json_object_foreach (next, k, v) {
            struct quantity q;
            if (quantity_of(next, k, &q) && quantity_sign(&q) < 0) {
                json_object_set_new(next, k, json_string("0"));
            }
        }
        json_object_set_new(status, "used", next);
        cleanup_free char *value = rest_encode_for_storage(quota);
        int64_t rev = 0;
        rc = etcd3_update(r->storage, key, value, strlen(value), revision, 0, &rev, NULL, &e);
        if (rc != -C8S_ECONFLICT) {
            return rc;
        }
    }
    return -C8S_ECONFLICT;
}

static void undo_charges(struct rest *r, json_t *charges)
{
    size_t i;
    json_t *c;
    json_array_foreach (charges, i, c) {
        const char *key = json_string_value(json_object_get(c, "key"));
        if (apply_to_quota(r, key, json_object_get(c, "delta"), -1) != 0) {
            LOG_W("giving back quota usage failed", "quota=%s", key);
        }
    }
}

static void pending_clear(void)
{
    json_decref(pending.charges);
    pending.charges = NULL;
    pending.obj = NULL;
}

/* Checks delta against one quota and charges it; NULL or a 403 (new reference). */
static json_t *charge_quota(struct rest *r, const struct admission_attributes *attrs,
                            const json_t *obj, const json_t *delta, const char *key,
                            json_t *charges, int *code)
{
    for (int attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
        struct etcd3_kv kv = {0};
        struct err e = {0};
        int rc = etcd3_get(r->storage, key, &kv, NULL, &e);
        if (rc == -ENOENT) {
            return NULL;
        }
        if (rc != 0) {
            return rest_answer_status(code, status_internal(e.msg));
        }
        cleanup_json json_t *quota = rest_decode_stored(&kv);
        int64_t revision = kv.mod_revision;
        etcd3_kv_free(&kv);
        if (quota == NULL || quota_is_scoped(quota)) {
            return NULL;
        }
        const char *qname = rest_meta_str(quota, "name");
        const json_t *hard = json_object_get(json_object_get(quota, "spec"), "hard");
        const char *obj_name = rest_meta_str(obj, "name");
        bool is_pod =
            strcmp(attrs->resource->plural, "pods") == 0 && attrs->resource->group[0] == '\0';
        if (is_pod && attrs->operation == ADMISSION_CREATE) {
            cleanup_free char *missing = quota_pod_missing(obj, hard);
            if (missing != NULL) {
                cleanup_free char *detail = xasprintf("failed quota: %s: %s", qname, missing);
                return rest_answer_status(
                    code, status_forbidden("", attrs->resource->plural, obj_name, detail));
            }
        }
        cleanup_json json_t *hard_keys = keys_of(hard);
        cleanup_json json_t *relevant_delta = masked(delta, hard_keys);
        if (json_object_size(relevant_delta) == 0) {
            return NULL;
        }
        cleanup_json json_t *keys = keys_of(relevant_delta);
        cleanup_json json_t *used = used_for(r, attrs->namespace_, quota, hard_keys);
        cleanup_json json_t *new_used = quota_add(used, relevant_delta, 1);
        cleanup_json json_t *new_relevant = masked(new_used, keys);
        cleanup_json json_t *exceeded = quota_exceeded(hard, new_relevant);
        if (json_array_size(exceeded) > 0) {
            cleanup_free char *requested = quota_pretty(relevant_delta, exceeded);
            cleanup_free char *was = quota_pretty(used, exceeded);
            cleanup_free char *limited = quota_pretty(hard, exceeded);
            cleanup_free char *detail =
                xasprintf("exceeded quota: %s, requested: %s, used: %s, limited: %s", qname,
                          requested, was, limited);
            return rest_answer_status(code,
                                      status_forbidden(attrs->resource->group,
                                                       attrs->resource->plural, obj_name, detail));
        }
        if (attrs->dry_run) {
            return NULL;
        }
        json_object_set_new(quota, "status",
                            json_pack("{s:O,s:O}", "hard", hard, "used", new_used));
        cleanup_free char *value = rest_encode_for_storage(quota);
        int64_t rev = 0;
        rc = etcd3_update(r->storage, key, value, strlen(value), revision, 0, &rev, NULL, &e);
        if (rc == 0) {
            json_array_append_new(charges,
                                  json_pack("{s:s,s:O}", "key", key, "delta", relevant_delta));
            return NULL;
        }
        if (rc != -C8S_ECONFLICT && rc != -ENOENT) {
            return rest_answer_status(code, status_internal(e.msg));
        }
    }
    return rest_answer_status(code, status_internal("resource quota: too many conflicts"));
}

/* The usage an operation adds: all of obj's on create, the growth on update. */
static json_t *usage_delta(const struct admission_attributes *attrs, const json_t *obj,
                           const json_t *old)
{
    json_t *usage = quota_usage_of(attrs->resource, obj);
    if (attrs->operation != ADMISSION_UPDATE) {
        return usage;
    }
    cleanup_json json_t *before = quota_usage_of(attrs->resource, old);
    json_t *delta = quota_add(usage, before, -1);
    json_decref(usage);
    json_t *positive = json_object();
    const char *k;
    json_t *v;
    json_object_foreach (delta, k, v) {
        struct quantity q;
        if (quantity_of(delta, k, &q) && quantity_sign(&q) > 0) {
            json_object_set(positive, k, v);
        }
    }
    json_decref(delta);
    return positive;
}

static bool quota_tracks_updates(const struct resource *res)
{
    return res->group[0] == '\0' && (strcmp(res->plural, "services") == 0 ||
                                     strcmp(res->plural, "persistentvolumeclaims") == 0);
}

/* The keys of ns's ResourceQuotas in key order (a new array of strings): from the watch cache
 * when it can answer (the quota informer), else from the store; NULL with e on a store error.
 * Each charge reads its quota from the store again, so the cache only says which exist. */
static json_t *quota_keys(struct rest *r, const char *ns, struct err *e)
{
    const struct resource *quotas = resources_find("", "v1", "resourcequotas");
    json_t *keys = json_array();
    cleanup_json json_t *items = rest_caches_namespace_items(r, quotas, ns);
    if (items != NULL) {
        size_t i;
        json_t *quota;
        json_array_foreach (items, i, quota) {
            const char *name = rest_meta_str(quota, "name");
            if (name != NULL) {
                cleanup_free char *key = rest_object_key(quotas, ns, name);
                json_array_append_new(keys, json_string_nocheck(key));
            }
        }
        return keys;
    }
    cleanup_free char *prefix = rest_list_prefix(quotas, ns);
    struct etcd3_list list = {0};
    if (etcd3_list(r->storage, prefix, NULL, 0, 0, &list, e) != 0) {
        json_decref(keys);
        return NULL;
    }
    for (size_t i = 0; i < list.count; i++) {
        json_array_append_new(keys, json_string_nocheck(list.kvs[i].key));
    }
    etcd3_list_free(&list);
    return keys;
}

json_t *admission_quota_validate(struct rest *r, const struct admission_attributes *attrs,
                                 const json_t *obj, const json_t *old, int *code)
{
    pending_clear();
    if (attrs->subresource[0] != '\0' || !attrs->resource->namespaced ||
        attrs->operation == ADMISSION_DELETE ||
        (attrs->operation == ADMISSION_UPDATE && !quota_tracks_updates(attrs->resource))) {
        return NULL;
    }
    struct err e = {0};
    cleanup_json json_t *keys = quota_keys(r, attrs->namespace_, &e);
    if (keys == NULL) {
        return rest_answer_status(code, status_internal(e.msg));
    }
    if (json_array_size(keys) == 0) {
        return NULL;
    }
    cleanup_json json_t *delta = usage_delta(attrs, obj, old);
    json_t *charges = json_array();
    json_t *error = NULL;
    for (size_t i = 0; i < json_array_size(keys) && error == NULL; i++) {
        const char *key = json_string_value(json_array_get(keys, i));
        error = charge_quota(r, attrs, obj, delta, key, charges, code);
    }
    if (error != NULL) {
        undo_charges(r, charges);
        json_decref(charges);
        return error;
    }
    pending.obj = obj;
    pending.charges = charges;
    return NULL;
}

/* Gives usage back to every quota of ns that tracks it (the quota controller's job). */
static void release_usage(struct rest *r, const char *ns, const json_t *usage)
{
    const struct resource *quotas = resources_find("", "v1", "resourcequotas");
    cleanup_free char *prefix = rest_list_prefix(quotas, ns);
    struct etcd3_list list = {0};
    struct err e = {0};
    if (json_object_size(usage) == 0 ||
        etcd3_list(r->storage, prefix, NULL, 0, 0, &list, &e) != 0) {
        return;
    }
    for (size_t i = 0; i < list.count; i++) {
        if (apply_to_quota(r, list.kvs[i].key, usage, -1) != 0) {
            LOG_W("giving back quota usage failed", "quota=%s", list.kvs[i].key);
        }
    }
    etcd3_list_free(&list);
}

void admission_quota_finish(struct rest *r, const struct admission_attributes *attrs,
                            const json_t *obj, const json_t *old, bool committed)
{
    if (pending.charges != NULL && pending.obj == obj) {
        if (!committed) {
            undo_charges(r, pending.charges);
        }
        pending_clear();
    }
    if (!committed || attrs->dry_run || attrs->subresource[0] != '\0' ||
        !attrs->resource->namespaced) {
        return;
    }
    if (attrs->operation == ADMISSION_DELETE && old != NULL) {
        cleanup_json json_t *usage = quota_usage_of(attrs->resource, old);
        release_usage(r, attrs->namespace_, usage);
    } else if (attrs->operation == ADMISSION_UPDATE && old != NULL && obj != NULL &&
               quota_tracks_updates(attrs->resource)) {
        struct admission_attributes reverse = *attrs;
        cleanup_json json_t *shrink = usage_delta(&reverse, old, obj);
        release_usage(r, attrs->namespace_, shrink);
    }
}
