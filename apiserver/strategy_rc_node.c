/* Strategies of core/v1 ReplicationControllers and PodTemplates and node.k8s.io/v1
 * RuntimeClasses, with Kubernetes 1.32's defaults (pkg/apis/core/v1/defaults.go) and validation
 * (pkg/apis/core/validation ValidateReplicationController / ValidatePodTemplate,
 * pkg/apis/node/validation ValidateRuntimeClass). */
#include <string.h>

#include "cleanup.h"
#include "selector.h"
#include "strategy.h"
#include "xalloc.h"

#define NEGATIVE_DETAIL "must be greater than or equal to 0"

static bool is_set(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v != NULL && !json_is_null(v);
}

/* ValidateNonnegativeField on obj[key] when it is a number. */
static void nonnegative(const json_t *obj, const char *key, const char *path,
                        struct field_errors *fe)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v) && json_integer_value(v) < 0) {
        strategy_error_int(fe, FIELD_INVALID, json_integer_value(v), NEGATIVE_DETAIL, "%s", path);
    }
}

/* ---- replicationcontrollers ---- */

static void rc_defaults(json_t *rc)
{
    json_t *spec = strategy_object_at(rc, "spec");
    json_t *template_ = json_object_get(spec, "template");
    json_t *labels = json_object_get(json_object_get(template_, "metadata"), "labels");
    if (json_is_object(labels)) {
        if (json_object_size(json_object_get(spec, "selector")) == 0) {
            json_object_set_new(spec, "selector", json_deep_copy(labels));
        }
        json_t *meta = strategy_object_at(rc, "metadata");
        if (json_object_size(json_object_get(meta, "labels")) == 0) {
            json_object_set_new(meta, "labels", json_deep_copy(labels));
        }
    }
    if (!is_set(spec, "replicas")) {
        json_object_set_new(spec, "replicas", json_integer(1));
    }
    if (json_is_object(template_)) {
        strategy_default_pod_template(template_);
    }
}

static void rc_prepare_create(json_t *rc)
{
    json_object_del(rc, "status");
    json_object_set_new(rc, "status", json_pack("{s:i}", "replicas", 0));
}

/* Whether every key=value of selector is among labels (labels.SelectorFromSet(...).Matches). */
static bool set_matches(const json_t *selector, const json_t *labels)
{
    const char *key;
    const json_t *value;
    json_object_foreach ((json_t *)selector, key, value) {
        const char *have = json_string_value(json_object_get(labels, key));
        const char *want = json_string_value(value);
        if (have == NULL || want == NULL || strcmp(have, want) != 0) {
            return false;
        }
    }
    return true;
}

/* ValidatePodTemplateSpecForRC at spec.template. */
static void rc_validate_template(const json_t *spec, struct field_errors *fe)
{
    const json_t *template_ = json_object_get(spec, "template");
    if (!json_is_object(template_)) {
        field_errors_add(fe, FIELD_REQUIRED, "spec.template", NULL, NULL);
        return;
    }
    const json_t *selector = json_object_get(spec, "selector");
    const json_t *labels = json_object_get(json_object_get(template_, "metadata"), "labels");
    if (json_object_size(selector) > 0 && !set_matches(selector, labels)) {
        cleanup_free char *printed = strategy_go_string_map(labels);
        strategy_error_printed(fe, FIELD_INVALID, printed,
                               "`selector` does not match template `labels`",
                               "spec.template.metadata.labels");
    }
    strategy_validate_pod_template(template_, "spec.template", fe);
    const json_t *pod = json_object_get(template_, "spec");
    const char *policy = strategy_str(pod, "restartPolicy");
    if (strcmp(policy, "Always") != 0) {
        strategy_error_str(fe, FIELD_NOT_SUPPORTED, policy, "\"Always\"",
                           "spec.template.spec.restartPolicy");
    }
    if (is_set(pod, "activeDeadlineSeconds")) {
        field_errors_add(fe, FIELD_FORBIDDEN, "spec.template.spec.activeDeadlineSeconds", NULL,
                         "activeDeadlineSeconds in ReplicationController is not Supported");
    }
}

static void rc_validate_status(const json_t *rc, struct field_errors *fe)
{
    const json_t *status = json_object_get(rc, "status");
    static const char *const counters[] = {"replicas", "fullyLabeledReplicas", "readyReplicas",
                                           "availableReplicas", "observedGeneration"};
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        cleanup_free char *path = xasprintf("status.%s", counters[i]);
        nonnegative(status, counters[i], path, fe);
    }
    long long replicas = strategy_int(status, "replicas");
    static const char *const capped[] = {"fullyLabeledReplicas", "readyReplicas",
                                         "availableReplicas"};
    for (size_t i = 0; i < sizeof capped / sizeof capped[0]; i++) {
        long long n = strategy_int(status, capped[i]);
        if (n > replicas) {
            strategy_error_int(fe, FIELD_INVALID, n, "cannot be greater than status.replicas",
                               "status.%s", capped[i]);
        }
    }
    if (strategy_int(status, "availableReplicas") > strategy_int(status, "readyReplicas")) {
        strategy_error_int(fe, FIELD_INVALID, strategy_int(status, "availableReplicas"),
                           "cannot be greater than readyReplicas", "status.availableReplicas");
    }
}

static void rc_validate(const char *sub, const json_t *rc, const json_t *old,
                        struct field_errors *fe)
{
    (void)old;
    if (strategy_is_status(sub)) {
        rc_validate_status(rc, fe);
        return;
    }
    const json_t *spec = json_object_get(rc, "spec");
    nonnegative(spec, "minReadySeconds", "spec.minReadySeconds", fe);
    if (json_object_size(json_object_get(spec, "selector")) == 0) {
        field_errors_add(fe, FIELD_REQUIRED, "spec.selector", NULL, NULL);
    }
    nonnegative(spec, "replicas", "spec.replicas", fe);
    rc_validate_template(spec, fe);
}

/* ---- podtemplates ---- */

static void podtemplate_defaults(json_t *pt)
{
    strategy_default_pod_template(strategy_object_at(pt, "template"));
}

/* Kubernetes' podtemplate strategy keeps a generation: 1 at creation, one more per template
 * change. */
static void podtemplate_prepare_create(json_t *pt)
{
    json_object_set_new(strategy_object_at(pt, "metadata"), "generation", json_integer(1));
}

static void podtemplate_prepare_update(const char *sub, json_t *pt, const json_t *old)
{
    (void)sub;
    long long generation = strategy_int(json_object_get(old, "metadata"), "generation");
    if (!json_equal(json_object_get(pt, "template"), json_object_get(old, "template"))) {
        generation++;
    }
    json_object_set_new(strategy_object_at(pt, "metadata"), "generation", json_integer(generation));
}

static void podtemplate_validate(const char *sub, const json_t *pt, const json_t *old,
                                 struct field_errors *fe)
{
    (void)sub;
    (void)old;
    json_t *empty = json_object();
    const json_t *template_ = json_object_get(pt, "template");
    strategy_validate_pod_template(json_is_object(template_) ? template_ : empty, "template", fe);
    json_decref(empty);
}

/* ---- runtimeclasses ---- */

/* Go's %#v of a core.Toleration, as a Duplicate error prints it. A new string. */
static char *go_toleration(const json_t *t)
{
    const json_t *seconds = json_object_get(t, "tolerationSeconds");
    cleanup_free char *secs = json_is_integer(seconds)
                                  ? xasprintf("(*int64)(%p)", (const void *)seconds)
                                  : xstrdup("(*int64)(nil)");
    return xasprintf("core.Toleration{Key:\"%s\", Operator:\"%s\", Value:\"%s\", "
                     "Effect:\"%s\", TolerationSeconds:%s}",
                     strategy_str(t, "key"), strategy_str(t, "operator"), strategy_str(t, "value"),
                     strategy_str(t, "effect"), secs);
}

/* validateTolerations of node/validation: the core checks, then no two alike in key, operator,
 * value and effect. */
static void validate_scheduling(const json_t *scheduling, struct field_errors *fe)
{
    const json_t *selector = json_object_get(scheduling, "nodeSelector");
    if (json_is_object(selector)) {
        strategy_validate_labels(selector, "scheduling.nodeSelector", fe);
    }
    const json_t *tolerations = json_object_get(scheduling, "tolerations");
    strategy_validate_tolerations(tolerations, "scheduling.tolerations", fe);
    size_t i, j;
    const json_t *t, *u;
    json_array_foreach (tolerations, i, t) {
        json_array_foreach (tolerations, j, u) {
            if (j >= i) {
                break;
            }
            if (strcmp(strategy_str(t, "key"), strategy_str(u, "key")) == 0 &&
                strcmp(strategy_str(t, "operator"), strategy_str(u, "operator")) == 0 &&
                strcmp(strategy_str(t, "value"), strategy_str(u, "value")) == 0 &&
                strcmp(strategy_str(t, "effect"), strategy_str(u, "effect")) == 0) {
                cleanup_free char *printed = go_toleration(t);
                strategy_error_printed(fe, FIELD_DUPLICATE, printed, NULL,
                                       "scheduling.tolerations[%zu]", i);
                break;
            }
        }
    }
}

/* The strategy's ValidateUpdate runs ValidateRuntimeClass and then ValidateRuntimeClassUpdate
 * (the handler is immutable). */
static void runtimeclass_validate(const char *sub, const json_t *rc, const json_t *old,
                                  struct field_errors *fe)
{
    (void)sub;
    const char *handler = strategy_str(rc, "handler");
    strategy_validate_with(validate_dns1123_label, handler, "handler", fe);
    const json_t *overhead = json_object_get(rc, "overhead");
    if (json_is_object(overhead)) {
        /* The overhead is checked as a container's limits (ValidateResourceRequirements). */
        cleanup_json json_t *as_limits = json_object();
        if (is_set(overhead, "podFixed")) {
            json_object_set(as_limits, "limits", json_object_get(overhead, "podFixed"));
        }
        strategy_validate_resource_requirements(as_limits, "overhead", fe);
    }
    const json_t *scheduling = json_object_get(rc, "scheduling");
    if (json_is_object(scheduling)) {
        validate_scheduling(scheduling, fe);
    }
    if (old != NULL &&
        !json_equal(json_object_get(rc, "handler"), json_object_get(old, "handler"))) {
        strategy_error_str(fe, FIELD_INVALID, handler, "field is immutable", "handler");
    }
}

const struct strategy strategy_rc_node_table[] = {
    {"", "replicationcontrollers", rc_defaults, rc_prepare_create, NULL, rc_validate},
    {"", "podtemplates", podtemplate_defaults, podtemplate_prepare_create,
     podtemplate_prepare_update, podtemplate_validate},
    {"node.k8s.io", "runtimeclasses", NULL, NULL, NULL, runtimeclass_validate},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
