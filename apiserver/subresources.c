/* The scale, binding and eviction subresources as Kubernetes 1.32's registries serve them:
 * autoscaling/v1 Scale over a workload's spec.replicas (pkg/registry/apps/deployment/storage
 * ScaleREST), pods/binding setting spec.nodeName once (BindingREST, and the deprecated
 * namespaced bindings resource), pods/eviction honouring PodDisruptionBudgets (EvictionREST). */
#include "subresources.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jpatch.h"
#include "k8stime.h"
#include "rest_delete.h"
#include "rest_internal.h"
#include "selector.h"
#include "status.h"
#include "subresources_internal.h"
#include "xalloc.h"
#include "yamlx.h"

/* Disruptions the eviction handler approved that the disruption controller has not confirmed
 * yet; past this, evictions are refused (MaxDisruptedPodSize). */
#define MAX_DISRUPTED_PODS 2000

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

/* 201 {"kind":"Status","status":"Success","code":201}: what a named create answers. */
static json_t *created_success(int *code)
{
    return rest_answer(code, 201,
                       json_pack("{s:s,s:s,s:{},s:s,s:i}", "kind", "Status", "apiVersion", "v1",
                                 "metadata", "status", "Success", "code", 201));
}

/* A non-Status error as kube-apiserver reports it: 500 with the error's text and no reason. */
static json_t *plain_error(int http, const char *message, int *code)
{
    json_t *s = status_new(http, "", message, NULL, NULL, NULL);
    json_object_del(s, "reason");
    return rest_answer_status(code, s);
}

static void set_timestamp(json_t *obj, const char *field, const struct timespec *when)
{
    char buf[K8STIME_STR_MAX];
    struct timespec t = *when;
    t.tv_nsec = 0;
    k8stime_format(&t, buf);
    json_object_set_new(obj, field, json_string(buf));
}

/* parent[key] as a JSON object (or array), created in place when missing or of another type.
 * Borrowed reference. */
static json_t *child_of(json_t *parent, const char *key, bool array)
{
    json_t *v = json_object_get(parent, key);
    if (array ? !json_is_array(v) : !json_is_object(v)) {
        v = array ? json_array() : json_object();
        json_object_set_new(parent, key, v);
    }
    return v;
}

/* The request body as a named create takes it: decoded, of the kind it should be, named as the
 * URL and in the URL's namespace. */
static json_t *decode_named_body(const struct rest_call *call, const char *kind,
                                 const char *const *api_versions, const char *what, bool check_name,
                                 json_t **error, int *code)
{
    json_t *body = rest_decode_body(call, error, code);
    if (body == NULL) {
        return NULL;
    }
    const char *body_kind = json_string_value(json_object_get(body, "kind"));
    const char *body_version = json_string_value(json_object_get(body, "apiVersion"));
    bool version_ok = body_version == NULL;
    for (size_t i = 0; api_versions[i] != NULL && !version_ok; i++) {
        version_ok = strcmp(body_version, api_versions[i]) == 0;
    }
    if ((body_kind != NULL && strcmp(body_kind, kind) != 0) || !version_ok) {
        char *msg = xasprintf("%s in version \"%s\" cannot be handled as a %s: no kind \"%s\" is "
                              "registered for version \"%s\"",
                              str_or_empty(body_kind), str_or_empty(body_version), kind,
                              str_or_empty(body_kind), str_or_empty(body_version));
        *error = rest_answer_status(code, status_bad_request(msg));
        free(msg);
        json_decref(body);
        return NULL;
    }
    const char *ns = rest_meta_str(body, "namespace");
    if (ns != NULL && ns[0] != '\0' && strcmp(ns, call->info->namespace_) != 0) {
        *error = rest_answer_status(
            code, status_bad_request("the namespace of the provided object does not match the "
                                     "namespace sent on the request"));
        json_decref(body);
        return NULL;
    }
    if (check_name && strcmp(str_or_empty(rest_meta_str(body, "name")), call->info->name) != 0) {
        char *msg = xasprintf("name in URL does not match name in %s object", what);
        *error = rest_answer_status(code, status_bad_request(msg));
        free(msg);
        json_decref(body);
        return NULL;
    }
    return body;
}

/* ---- scale ---- */

json_t *scale_of(const json_t *workload)
{
    const json_t *spec = json_object_get(workload, "spec");
    struct err e = {0};
    /* A ReplicationController's selector is a plain label map (SelectorFromSet). */
    const char *kind = json_string_value(json_object_get(workload, "kind"));
    cleanup_json json_t *as_set =
        kind != NULL && strcmp(kind, "ReplicationController") == 0
            ? json_pack("{s:O}", "matchLabels", json_object_get(spec, "selector"))
            : NULL;
    struct label_selector *sel =
        label_selector_from_json(as_set != NULL ? as_set : json_object_get(spec, "selector"), &e);
    if (sel == NULL) {
        return NULL;
    }
    char *selector = label_selector_string(sel);
    label_selector_free(sel);
    json_t *meta = json_object();
    static const char *const kept[] = {"name", "namespace", "uid", "resourceVersion",
                                       "creationTimestamp"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        json_t *v = json_object_get(json_object_get(workload, "metadata"), kept[i]);
        if (v != NULL) {
            json_object_set(meta, kept[i], v);
        }
    }
    const json_t *replicas = json_object_get(spec, "replicas");
    json_int_t want = json_is_integer(replicas) ? json_integer_value(replicas) : 1;
    json_int_t have =
        json_integer_value(json_object_get(json_object_get(workload, "status"), "replicas"));
    json_t *scale = json_pack("{s:s,s:s,s:o,s:{s:I},s:{s:I,s:s}}", "kind", "Scale", "apiVersion",
                              "autoscaling/v1", "metadata", meta, "spec", "replicas", want,
                              "status", "replicas", have, "selector", selector);
    free(selector);
    return scale;
}

static json_t *scale_answer(const json_t *workload, int http, int *code)
{
    json_t *scale = scale_of(workload);
    if (scale == NULL) {
        return rest_answer_status(code, status_internal("the workload's spec.selector is invalid"));
    }
    return rest_answer(code, http, scale);
}

struct scale_change {
    bool is_patch;
    json_t *input; /* the PUT body (a Scale) or the patch */
};

/* The new Scale: the PUT body, or the patch applied to the current Scale. */
static json_t *scale_wanted(const struct rest_call *call, const struct scale_change *change,
                            const json_t *old_scale, json_t **error, int *code)
{
    if (!change->is_patch) {
        const char *name = rest_meta_str(change->input, "name");
        if (name != NULL && strcmp(name, call->info->name) != 0) {
            char *msg = xasprintf("the name of the object (%s) does not match the name on the "
                                  "URL (%s)",
                                  name, call->info->name);
            *error = rest_answer_status(code, status_bad_request(msg));
            free(msg);
            return NULL;
        }
        return json_deep_copy(change->input);
    }
    const char *type = call->content_type ? call->content_type : "";
    struct err e = {0};
    json_t *out = NULL;
    if (strncmp(type, "application/json-patch+json", 27) == 0) {
        out = jpatch_json_apply(old_scale, change->input, &e);
    } else if (strncmp(type, "application/strategic-merge-patch+json", 38) == 0) {
        out = jpatch_smp_apply(old_scale, change->input, NULL, &e);
    } else {
        out = jpatch_merge_apply(old_scale, change->input, &e);
    }
    if (out == NULL) {
        *error = rest_answer_status(code, status_bad_request(e.msg));
        return NULL;
    }
    /* A patch that names no resourceVersion is unconditional (the patcher retries). */
    const json_t *patch_meta =
        json_is_object(change->input) ? json_object_get(change->input, "metadata") : NULL;
    if (json_object_get(patch_meta, "resourceVersion") == NULL) {
        json_object_del(rest_meta_of(out), "resourceVersion");
    }
    return out;
}

/* scaleUpdatedObjectInfo.UpdatedObject: the workload with the Scale's replicas and
 * resourceVersion precondition. */
static json_t *mutate_scale(const struct rest_call *call, const json_t *current, void *data,
                            json_t **error, int *code)
{
    const struct resource *res = call->resource;
    const struct scale_change *change = data;
    cleanup_json json_t *old_scale = scale_of(current);
    if (old_scale == NULL) {
        *error =
            rest_answer_status(code, status_internal("the workload's spec.selector is invalid"));
        return NULL;
    }
    cleanup_json json_t *scale = scale_wanted(call, change, old_scale, error, code);
    if (scale == NULL) {
        return NULL;
    }
    const json_t *replicas = json_object_get(json_object_get(scale, "spec"), "replicas");
    if (replicas != NULL && !json_is_null(replicas) && !json_is_integer(replicas)) {
        *error = rest_answer_status(
            code, status_bad_request("json: cannot unmarshal into Go struct field "
                                     "ScaleSpec.spec.replicas of type int32"));
        return NULL;
    }
    json_int_t want = json_integer_value(replicas);
    if (want < 0) {
        struct field_errors fe;
        field_errors_init(&fe);
        field_errors_add(&fe, FIELD_INVALID, "spec.replicas", replicas,
                         "must be greater than or equal to 0");
        json_t *s = status_invalid("autoscaling", "Scale", call->info->name, &fe);
        field_errors_free(&fe);
        *error = rest_answer_status(code, s);
        return NULL;
    }
    const char *uid = rest_meta_str(scale, "uid");
    const char *current_uid = str_or_empty(rest_meta_str(current, "uid"));
    if (uid != NULL && uid[0] != '\0' && strcmp(uid, current_uid) != 0) {
        char *detail = xasprintf("Precondition failed: UID in precondition: %s, UID in object "
                                 "meta: %s",
                                 uid, current_uid);
        char plural[128];
        snprintf(plural, sizeof plural, "%s/scale", res->plural);
        *error =
            rest_answer_status(code, status_conflict(res->group, plural, call->info->name, detail));
        free(detail);
        return NULL;
    }
    json_t *out = json_deep_copy(current);
    json_t *spec = child_of(out, "spec", false);
    json_object_set_new(spec, "replicas", json_integer(want));
    const char *rv = rest_meta_str(scale, "resourceVersion");
    if (rv != NULL && rv[0] != '\0') {
        json_object_set_new(rest_meta_of(out), "resourceVersion", json_string(rv));
    } else {
        json_object_del(rest_meta_of(out), "resourceVersion");
    }
    return out;
}

json_t *subresource_scale(struct rest *r, const struct rest_call *call, int *code)
{
    const struct resource *res = call->resource;
    const char *verb = call->info->verb;
    if (strcmp(verb, "get") == 0) {
        cleanup_free char *key = rest_object_key(res, call->info->namespace_, call->info->name);
        int64_t rev = 0;
        json_t *failure = NULL;
        cleanup_json json_t *current =
            rest_read_current(r, key, res, call->info->name, &rev, &failure, code);
        if (current == NULL) {
            return failure;
        }
        return scale_answer(current, 200, code);
    }
    struct scale_change change = {.is_patch = strcmp(verb, "patch") == 0};
    json_t *error = NULL;
    if (strcmp(verb, "update") == 0) {
        static const char *const versions[] = {"autoscaling/v1", NULL};
        change.input = decode_named_body(call, "Scale", versions, "Scale", false, &error, code);
    } else if (change.is_patch) {
        const char *type = call->content_type ? call->content_type : "";
        if (call->body == NULL || call->body_len == 0) {
            return rest_answer_status(code, status_bad_request("the body of the request is empty"));
        }
        struct err e = {0};
        if (strncmp(type, "application/apply-patch+yaml", 28) == 0) {
            /* Server-side apply of a Scale: its fields simply win here. */
            change.input = yamlx_load(call->body, call->body_len, &e);
        } else {
            json_error_t jerr;
            change.input = json_loadb(call->body, call->body_len, 0, &jerr);
            snprintf(e.msg, sizeof e.msg, "%s", jerr.text);
        }
        if (change.input == NULL) {
            char *msg = xasprintf("error decoding patch: %s", e.msg);
            error = rest_answer_status(code, status_bad_request(msg));
            free(msg);
        }
    } else {
        return rest_answer_status(code, status_method_not_allowed());
    }
    if (change.input == NULL) {
        return error;
    }
    json_t *out = rest_guaranteed_update(r, call, mutate_scale, &change, code);
    json_decref(change.input);
    if (*code != 200) {
        return out;
    }
    json_t *answer = scale_answer(out, 200, code);
    json_decref(out);
    return answer;
}

/* ---- binding ---- */

/* podutil.UpdatePodCondition: sets the condition, with a new lastTransitionTime when its status
 * changes. Returns whether anything changed. */
static bool set_pod_condition(json_t *pod, const char *type, const char *reason,
                              const char *message, const struct timespec *now)
{
    json_t *status = child_of(pod, "status", false);
    json_t *conditions = child_of(status, "conditions", true);
    json_t *cond = json_object();
    json_object_set_new(cond, "type", json_string(type));
    json_object_set_new(cond, "status", json_string("True"));
    json_object_set_new(cond, "lastProbeTime", json_null());
    set_timestamp(cond, "lastTransitionTime", now);
    if (reason != NULL) {
        json_object_set_new(cond, "reason", json_string(reason));
    }
    if (message != NULL) {
        json_object_set_new(cond, "message", json_string(message));
    }
    size_t i;
    json_t *old;
    json_array_foreach (conditions, i, old) {
        if (strcmp(str_or_empty(json_string_value(json_object_get(old, "type"))), type) != 0) {
            continue;
        }
        const char *old_status = json_string_value(json_object_get(old, "status"));
        if (old_status != NULL && strcmp(old_status, "True") == 0) {
            json_object_set(cond, "lastTransitionTime", json_object_get(old, "lastTransitionTime"));
            json_object_set(cond, "lastProbeTime", json_object_get(old, "lastProbeTime"));
        }
        bool same = json_equal(old, cond);
        json_array_set_new(conditions, i, cond);
        return !same;
    }
    json_array_append_new(conditions, cond);
    return true;
}

/* ValidatePodBinding; its errors reach the client as a plain (500) error, as in Kubernetes. */
static json_t *validate_binding(const json_t *binding, int *code)
{
    const json_t *target = json_object_get(binding, "target");
    const char *kind = json_string_value(json_object_get(target, "kind"));
    const char *node = json_string_value(json_object_get(target, "name"));
    char *errors[2] = {NULL, NULL};
    size_t n = 0;
    if (kind != NULL && kind[0] != '\0' && strcmp(kind, "Node") != 0) {
        errors[n++] = xasprintf("target.kind: Unsupported value: \"%s\": supported values: "
                                "\"Node\", \"<empty>\"",
                                kind);
    }
    if (node == NULL || node[0] == '\0') {
        errors[n++] = xstrdup("target.name: Required value");
    }
    if (n == 0) {
        return NULL;
    }
    char *msg = n == 1 ? xstrdup(errors[0]) : xasprintf("[%s, %s]", errors[0], errors[1]);
    json_t *s = plain_error(500, msg, code);
    free(msg);
    free(errors[0]);
    free(errors[1]);
    return s;
}

/* setPodNodeAndMetadata in a guarded update loop: the pod gets its node once, the binding's
 * annotations and PodScheduled=True. */
static json_t *bind_pod(struct rest *r, const struct rest_call *call, const char *pod_name,
                        const json_t *binding, int *code)
{
    const struct resource *pods = resources_find("", "v1", "pods");
    const char *node =
        json_string_value(json_object_get(json_object_get(binding, "target"), "name"));
    const char *want_uid = rest_meta_str(binding, "uid");
    const char *want_rv = rest_meta_str(binding, "resourceVersion");
    bool dry_run = false;
    const char *dry = call->query(call->query_ctx, "dryRun");
    dry_run = dry != NULL && strcmp(dry, "All") == 0;
    cleanup_free char *key = rest_object_key(pods, call->info->namespace_, pod_name);
    for (int attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
        int64_t rev = 0;
        json_t *failure = NULL;
        cleanup_json json_t *pod = rest_read_current(r, key, pods, pod_name, &rev, &failure, code);
        if (pod == NULL) {
            return failure;
        }
        const char *uid = str_or_empty(rest_meta_str(pod, "uid"));
        const char *rv = str_or_empty(rest_meta_str(pod, "resourceVersion"));
        char *detail = NULL;
        const char *plural = "pods/binding";
        if (want_uid != NULL && want_uid[0] != '\0' && strcmp(want_uid, uid) != 0) {
            detail = xasprintf("Precondition failed: UID in precondition: %s, UID in object "
                               "meta: %s",
                               want_uid, uid);
            plural = "pods";
        } else if (want_rv != NULL && want_rv[0] != '\0' && strcmp(want_rv, rv) != 0) {
            detail = xasprintf("Precondition failed: ResourceVersion in precondition: %s, "
                               "ResourceVersion in object meta: %s",
                               want_rv, rv);
            plural = "pods";
        } else if (rest_meta_str(pod, "deletionTimestamp") != NULL) {
            detail = xasprintf("pod %s is being deleted, cannot be assigned to a host", pod_name);
        } else {
            const json_t *spec = json_object_get(pod, "spec");
            const char *bound = json_string_value(json_object_get(spec, "nodeName"));
            if (bound != NULL && bound[0] != '\0') {
                detail = xasprintf("pod %s is already assigned to node \"%s\"", pod_name, bound);
            } else if (json_array_size(json_object_get(spec, "schedulingGates")) > 0) {
                detail = xasprintf("pod %s has non-empty .spec.schedulingGates", pod_name);
            }
        }
        if (detail != NULL) {
            json_t *s = status_conflict("", plural, pod_name, detail);
            free(detail);
            return rest_answer_status(code, s);
        }
        json_t *spec = child_of(pod, "spec", false);
        json_object_set_new(spec, "nodeName", json_string(node));
        json_t *annotations = json_object_get(json_object_get(binding, "metadata"), "annotations");
        if (json_object_size(annotations) > 0) {
            json_t *meta = rest_meta_of(pod);
            json_t *mine = child_of(meta, "annotations", false);
            json_object_update(mine, annotations);
        }
        struct timespec now = k8stime_now();
        set_pod_condition(pod, "PodScheduled", NULL, NULL, &now);
        if (dry_run) {
            return created_success(code);
        }
        cleanup_free char *value = rest_encode_for_storage(pod);
        struct err e = {0};
        int64_t new_rev = 0;
        int rc = etcd3_update(r->storage, key, value, strlen(value), rev, 0, &new_rev, NULL, &e);
        if (rc == -C8S_ECONFLICT) {
            continue;
        }
        if (rc != 0) {
            return rest_storage_failure(code, rc, &e, pods, pod_name);
        }
        return created_success(code);
    }
    return rest_answer_status(code, status_conflict("", "pods", pod_name, NULL));
}

json_t *subresource_binding(struct rest *r, const struct rest_call *call, int *code)
{
    if (strcmp(call->info->verb, "create") != 0) {
        return rest_answer_status(code, status_method_not_allowed());
    }
    /* POST .../pods/<name>/binding names the pod in the URL; the deprecated POST
     * .../namespaces/<ns>/bindings names it in the body. */
    bool legacy = call->info->subresource[0] == '\0';
    static const char *const versions[] = {"v1", NULL};
    json_t *error = NULL;
    cleanup_json json_t *binding =
        decode_named_body(call, "Binding", versions, "Binding", !legacy, &error, code);
    if (binding == NULL) {
        return error;
    }
    if ((error = validate_binding(binding, code)) != NULL) {
        return error;
    }
    const char *name = legacy ? rest_meta_str(binding, "name") : call->info->name;
    if (name == NULL || name[0] == '\0') {
        return rest_answer_status(code, status_bad_request("name is required in the Binding"));
    }
    return bind_pod(r, call, name, binding, code);
}

/* ---- eviction ---- */

static json_int_t status_int(const json_t *obj, const char *field)
{
    return json_integer_value(json_object_get(json_object_get(obj, "status"), field));
}

bool eviction_pod_is_ready(const json_t *pod)
{
    size_t i;
    json_t *c;
    json_array_foreach (json_object_get(json_object_get(pod, "status"), "conditions"), i, c) {
        const char *type = json_string_value(json_object_get(c, "type"));
        if (type != NULL && strcmp(type, "Ready") == 0) {
            const char *status = json_string_value(json_object_get(c, "status"));
            return status != NULL && strcmp(status, "True") == 0;
        }
    }
    return false;
}

bool eviction_unready_pod_may_go(const json_t *pdb)
{
    const char *policy = json_string_value(
        json_object_get(json_object_get(pdb, "spec"), "unhealthyPodEvictionPolicy"));
    if (policy != NULL && strcmp(policy, "AlwaysAllow") == 0) {
        return true;
    }
    json_int_t desired = status_int(pdb, "desiredHealthy");
    return status_int(pdb, "currentHealthy") >= desired && desired > 0;
}

static json_t *too_many_requests(const char *cause, int retry_after, int *code)
{
    json_t *s = status_new(429, "TooManyRequests",
                           "Cannot evict pod as it would violate the pod's disruption budget.",
                           NULL, NULL, NULL);
    json_t *details =
        json_pack("{s:[{s:s,s:s}]}", "causes", "reason", "DisruptionBudget", "message", cause);
    if (retry_after > 0) {
        json_object_set_new(details, "retryAfterSeconds", json_integer(retry_after));
    }
    json_object_set_new(s, "details", details);
    return rest_answer_status(code, s);
}

json_t *eviction_budget_in_flux(const char *pdb_name, int *code)
{
    char *cause =
        xasprintf("The disruption budget %s is still being processed by the server.", pdb_name);
    json_t *s = too_many_requests(cause, 10, code);
    free(cause);
    return s;
}

/* apimeta.SetStatusCondition for the DisruptionAllowed condition. */
static void set_budget_condition(json_t *status, bool allowed, const struct timespec *now)
{
    json_t *conditions = child_of(status, "conditions", true);
    const char *want = allowed ? "True" : "False";
    json_t *cond = NULL;
    size_t i;
    json_t *c;
    json_array_foreach (conditions, i, c) {
        const char *type = json_string_value(json_object_get(c, "type"));
        if (type != NULL && strcmp(type, "DisruptionAllowed") == 0) {
            cond = c;
            break;
        }
    }
    if (cond == NULL) {
        cond =
            json_pack("{s:s,s:s,s:s}", "type", "DisruptionAllowed", "status", want, "message", "");
        set_timestamp(cond, "lastTransitionTime", now);
        json_array_append_new(conditions, cond);
    } else if (strcmp(str_or_empty(json_string_value(json_object_get(cond, "status"))), want) !=
               0) {
        json_object_set_new(cond, "status", json_string(want));
        set_timestamp(cond, "lastTransitionTime", now);
    }
    json_object_set_new(cond, "reason",
                        json_string(allowed ? "SufficientPods" : "InsufficientPods"));
    json_t *observed = json_object_get(status, "observedGeneration");
    if (json_integer_value(observed) > 0) {
        json_object_set(cond, "observedGeneration", observed);
    }
}

json_t *eviction_check_and_decrement(const json_t *pdb, const char *pod_name, bool dry_run,
                                     const struct timespec *now, json_t **next, int *code)
{
    *next = NULL;
    const char *name = str_or_empty(rest_meta_str(pdb, "name"));
    json_int_t generation =
        json_integer_value(json_object_get(json_object_get(pdb, "metadata"), "generation"));
    if (status_int(pdb, "observedGeneration") < generation) {
        return eviction_budget_in_flux(name, code);
    }
    json_int_t allowed = status_int(pdb, "disruptionsAllowed");
    if (allowed < 0) {
        return rest_answer_status(code, status_forbidden("policy", "poddisruptionbudget", name,
                                                         "pdb disruptions allowed is negative"));
    }
    const json_t *disrupted = json_object_get(json_object_get(pdb, "status"), "disruptedPods");
    if (json_object_size(disrupted) > MAX_DISRUPTED_PODS) {
        return rest_answer_status(
            code, status_forbidden("policy", "poddisruptionbudget", name,
                                   "DisruptedPods map too big - too many evictions not "
                                   "confirmed by PDB controller"));
    }
    if (allowed == 0) {
        char *cause =
            xasprintf("The disruption budget %s needs %" JSON_INTEGER_FORMAT
                      " healthy pods and has %" JSON_INTEGER_FORMAT " currently",
                      name, status_int(pdb, "desiredHealthy"), status_int(pdb, "currentHealthy"));
        json_t *s = too_many_requests(cause, 0, code);
        free(cause);
        return s;
    }
    json_t *out = json_deep_copy(pdb);
    json_t *status = json_object_get(out, "status");
    json_object_set_new(status, "disruptionsAllowed", json_integer(allowed - 1));
    if (allowed - 1 == 0) {
        set_budget_condition(status, false, now);
    }
    if (!dry_run) {
        json_t *pods = child_of(status, "disruptedPods", false);
        set_timestamp(pods, pod_name, now);
    }
    *next = out;
    return NULL;
}

/* The budgets in the pod's namespace whose selector matches it (a new array); NULL with
 * *failure on a storage error. An invalid or absent selector matches nothing. */
static json_t *budgets_of(struct rest *r, const json_t *pod, json_t **failure, int *code)
{
    const struct resource *pdbs = resources_find("policy", "v1", "poddisruptionbudgets");
    cleanup_free char *prefix = rest_list_prefix(pdbs, rest_meta_str(pod, "namespace"));
    cleanup_free char *end = xstrdup(prefix);
    end[strlen(end) - 1] = (char)(end[strlen(end) - 1] + 1);
    struct etcd3_list l = {0};
    struct err e = {0};
    int rc = etcd3_list(r->storage, prefix, end, 0, 0, &l, &e);
    if (rc != 0) {
        *failure = rest_storage_failure(code, rc, &e, pdbs, NULL);
        return NULL;
    }
    json_t *labels = json_object_get(json_object_get(pod, "metadata"), "labels");
    json_t *out = json_array();
    for (size_t i = 0; i < l.count; i++) {
        json_t *pdb = rest_decode_stored(&l.kvs[i]);
        struct label_selector *sel =
            pdb ? label_selector_from_json(
                      json_object_get(json_object_get(pdb, "spec"), "selector"), &e)
                : NULL;
        if (sel != NULL && label_selector_matches(sel, labels)) {
            json_array_append(out, pdb);
        }
        label_selector_free(sel);
        json_decref(pdb);
    }
    etcd3_list_free(&l);
    return out;
}

/* Spends one disruption of the budget named name, re-reading it on conflicts. NULL when spent
 * (or dry-run), else the refusal. */
static json_t *spend_disruption(struct rest *r, json_t *pdb, const char *pod_name, bool dry_run,
                                int *code)
{
    const struct resource *pdbs = resources_find("policy", "v1", "poddisruptionbudgets");
    const char *name = str_or_empty(rest_meta_str(pdb, "name"));
    cleanup_free char *key = rest_object_key(pdbs, rest_meta_str(pdb, "namespace"), name);
    cleanup_json json_t *current = json_incref(pdb);
    for (int attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
        int64_t rev = strtoll(str_or_empty(rest_meta_str(current, "resourceVersion")), NULL, 10);
        struct timespec now = k8stime_now();
        json_t *next = NULL;
        json_t *refused =
            eviction_check_and_decrement(current, pod_name, dry_run, &now, &next, code);
        if (refused != NULL) {
            return refused;
        }
        if (dry_run) {
            json_decref(next);
            return NULL;
        }
        cleanup_free char *value = rest_encode_for_storage(next);
        json_decref(next);
        struct err e = {0};
        int64_t new_rev = 0;
        int rc = etcd3_update(r->storage, key, value, strlen(value), rev, 0, &new_rev, NULL, &e);
        if (rc == 0) {
            return NULL;
        }
        if (rc != -C8S_ECONFLICT) {
            return rest_storage_failure(code, rc, &e, pdbs, name);
        }
        json_t *failure = NULL;
        json_decref(current);
        current = rest_read_current(r, key, pdbs, name, &rev, &failure, code);
        if (current == NULL) {
            return failure;
        }
    }
    char *msg = xasprintf("couldn't update PodDisruptionBudget \"%s\" due to conflicts", name);
    json_t *s = status_timeout(msg);
    free(msg);
    json_object_set_new(s, "details", json_pack("{s:i}", "retryAfterSeconds", 10));
    return rest_answer_status(code, s);
}

/* addConditionAndDeletePod: DisruptionTarget=True on the pod (not on dry runs), then the delete
 * with the options (a resourceVersion precondition follows the condition's write). */
static json_t *mark_and_delete(struct rest *r, const struct rest_call *call, const char *name,
                               struct rest_delete_options *o, int *code)
{
    const struct resource *pods = call->resource;
    const char *ns = call->info->namespace_;
    if (!o->dry_run) {
        cleanup_free char *key = rest_object_key(pods, ns, name);
        bool written = false;
        for (int attempt = 0; attempt < UPDATE_RETRIES && !written; attempt++) {
            int64_t rev = 0;
            json_t *failure = NULL;
            cleanup_json json_t *pod = rest_read_current(r, key, pods, name, &rev, &failure, code);
            if (pod == NULL) {
                return failure;
            }
            /* The preconditions first, with the delete path's wording. */
            struct timespec now = k8stime_now();
            json_t *next = NULL;
            json_t *error = NULL;
            if (rest_delete_decide(pods, pod, o, &now, &next, &error, code) == REST_DELETE_FAILED) {
                return error;
            }
            json_decref(next);
            if (!set_pod_condition(pod, "DisruptionTarget", "EvictionByEvictionAPI",
                                   "Eviction API: evicting", &now)) {
                break;
            }
            cleanup_free char *value = rest_encode_for_storage(pod);
            struct err e = {0};
            int64_t new_rev = 0;
            int rc =
                etcd3_update(r->storage, key, value, strlen(value), rev, 0, &new_rev, NULL, &e);
            if (rc == -C8S_ECONFLICT) {
                continue;
            }
            if (rc != 0) {
                return rest_storage_failure(code, rc, &e, pods, name);
            }
            written = true;
            if (o->precondition_resource_version != NULL) {
                free(o->precondition_resource_version);
                o->precondition_resource_version = xasprintf("%" PRId64, new_rev);
            }
        }
    }
    bool deleted = false;
    return rest_delete_with_options(r, call, pods, ns, name, o, &deleted, code);
}

/* Terminal, pending or already terminating pods go without looking at budgets. */
static bool can_ignore_budgets(const json_t *pod)
{
    const char *phase = json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
    if (phase != NULL && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0 ||
                          strcmp(phase, "Pending") == 0)) {
        return true;
    }
    return rest_meta_str(pod, "deletionTimestamp") != NULL;
}

static bool should_enforce_resource_version(const json_t *pod)
{
    const char *phase = json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
    if (phase != NULL && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0)) {
        return false;
    }
    return rest_meta_str(pod, "deletionTimestamp") == NULL;
}

static void copy_options(struct rest_delete_options *dst, const struct rest_delete_options *src)
{
    *dst = *src;
    dst->precondition_uid = src->precondition_uid ? xstrdup(src->precondition_uid) : NULL;
    dst->precondition_resource_version =
        src->precondition_resource_version ? xstrdup(src->precondition_resource_version) : NULL;
}

static bool is_conflict(const json_t *answer)
{
    return status_code(answer) == 409 &&
           strcmp(str_or_empty(json_string_value(json_object_get(answer, "kind"))), "Status") == 0;
}

/* The delete of an evicted pod, answered as the eviction answers: 201 Success, or the error. */
static json_t *evict(struct rest *r, const struct rest_call *call, const char *name,
                     const struct rest_delete_options *base, const char *enforce_rv, int *code)
{
    struct rest_delete_options o;
    copy_options(&o, base);
    if (enforce_rv != NULL && o.precondition_resource_version == NULL) {
        o.precondition_resource_version = xstrdup(enforce_rv);
    }
    json_t *out = mark_and_delete(r, call, name, &o, code);
    rest_delete_options_free(&o);
    if (*code >= 300) {
        return out;
    }
    json_decref(out);
    return created_success(code);
}

/* Eviction.deleteOptions with the request's dryRun (propagateDryRun). */
static json_t *eviction_options(const struct rest_call *call, const json_t *eviction,
                                struct rest_delete_options *o, int *code)
{
    const json_t *body_options = json_object_get(eviction, "deleteOptions");
    json_t *error = rest_delete_options_from_json(body_options, o, code);
    if (error != NULL) {
        return error;
    }
    const char *query = call->query(call->query_ctx, "dryRun");
    bool query_dry = query != NULL && query[0] != '\0';
    const json_t *content = json_object_get(body_options, "dryRun");
    if (json_array_size(content) == 0) {
        o->dry_run = query_dry && strcmp(query, "All") == 0;
        if (query_dry && !o->dry_run) {
            rest_delete_options_free(o);
            char *msg = xasprintf("dryRun: Unsupported value: []string{\"%s\"}: supported values: "
                                  "\"All\"",
                                  query);
            json_t *s = status_bad_request(msg);
            free(msg);
            return rest_answer_status(code, s);
        }
    } else if (query_dry && !o->dry_run) {
        rest_delete_options_free(o);
        char *msg = xasprintf("Non-matching dry-run options in request and content: [%s] and "
                              "[All]",
                              query);
        json_t *s = plain_error(500, msg, code);
        free(msg);
        return s;
    }
    return NULL;
}

json_t *subresource_eviction(struct rest *r, const struct rest_call *call, int *code)
{
    if (strcmp(call->info->verb, "create") != 0) {
        return rest_answer_status(code, status_method_not_allowed());
    }
    static const char *const versions[] = {"policy/v1", "policy/v1beta1", NULL};
    json_t *error = NULL;
    cleanup_json json_t *eviction =
        decode_named_body(call, "Eviction", versions, "Eviction", true, &error, code);
    if (eviction == NULL) {
        return error;
    }
    struct rest_delete_options o;
    if ((error = eviction_options(call, eviction, &o, code)) != NULL) {
        return error;
    }
    const struct resource *pods = call->resource;
    const char *name = call->info->name;
    cleanup_free char *key = rest_object_key(pods, call->info->namespace_, name);
    bool retry_conflicts = o.precondition_resource_version == NULL;
    json_t *answer = NULL;
    cleanup_json json_t *pod = NULL;
    /* Pods whose budget does not matter are deleted directly, guarded on the version read. */
    for (int attempt = 0; attempt < UPDATE_RETRIES && answer == NULL; attempt++) {
        int64_t rev = 0;
        json_t *failure = NULL;
        json_decref(pod);
        pod = rest_read_current(r, key, pods, name, &rev, &failure, code);
        if (pod == NULL) {
            answer = failure;
            break;
        }
        if (!can_ignore_budgets(pod)) {
            break;
        }
        const char *rv =
            should_enforce_resource_version(pod) ? rest_meta_str(pod, "resourceVersion") : NULL;
        json_t *out = evict(r, call, name, &o, rv, code);
        if (retry_conflicts && is_conflict(out) && attempt + 1 < UPDATE_RETRIES) {
            json_decref(out);
            continue;
        }
        answer = out;
    }
    if (answer != NULL || pod == NULL) {
        rest_delete_options_free(&o);
        return answer;
    }
    json_t *failure = NULL;
    cleanup_json json_t *budgets = budgets_of(r, pod, &failure, code);
    if (budgets == NULL) {
        rest_delete_options_free(&o);
        return failure;
    }
    if (json_array_size(budgets) > 1) {
        rest_delete_options_free(&o);
        /* Kubernetes hands this Status back as the create's result: a 201 carrying code 500. */
        return rest_answer(code, 201,
                           json_pack("{s:s,s:s,s:{},s:s,s:s,s:i}", "kind", "Status", "apiVersion",
                                     "v1", "metadata", "status", "Failure", "message",
                                     "This pod has more than one PodDisruptionBudget, which the "
                                     "eviction subresource does not support.",
                                     "code", 500));
    }
    const char *enforce_rv = NULL;
    const char *pdb_name = NULL;
    if (json_array_size(budgets) == 1) {
        json_t *pdb = json_array_get(budgets, 0);
        pdb_name = rest_meta_str(pdb, "name");
        if (!eviction_pod_is_ready(pod) && eviction_unready_pod_may_go(pdb)) {
            /* An unready pod of a healthy budget goes without spending a disruption, as long as
             * it stays unready until the delete. */
            enforce_rv = rest_meta_str(pod, "resourceVersion");
        } else if ((error = spend_disruption(r, pdb, name, o.dry_run, code)) != NULL) {
            rest_delete_options_free(&o);
            return error;
        }
    }
    bool had_rv = o.precondition_resource_version != NULL;
    answer = evict(r, call, name, &o, enforce_rv, code);
    rest_delete_options_free(&o);
    if (enforce_rv != NULL && !had_rv && is_conflict(answer)) {
        json_decref(answer);
        return eviction_budget_in_flux(str_or_empty(pdb_name), code);
    }
    return answer;
}
