/* HorizontalPodAutoscaler between autoscaling/v1 and autoscaling/v2, as Kubernetes 1.32's
 * pkg/apis/autoscaling/v1/conversion.go does it through the internal type: v1 knows only a CPU
 * utilization target, so the rest of v2 rides in annotations and a v1 client's read-modify-write
 * loses nothing. Annotation values are Go's json.Marshal of the v1 structs (the behavior: of the
 * internal struct, whose fields have no json tags, hence "ScaleUp", "Policies", ...). */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "convert.h"

#define METRICS_ANNOTATION    "autoscaling.alpha.kubernetes.io/metrics"
#define BEHAVIOR_ANNOTATION   "autoscaling.alpha.kubernetes.io/behavior"
#define CURRENT_ANNOTATION    "autoscaling.alpha.kubernetes.io/current-metrics"
#define CONDITIONS_ANNOTATION "autoscaling.alpha.kubernetes.io/conditions"
#define DEFAULT_CPU_PERCENT   80

static const char *const round_trip_annotations[] = {METRICS_ANNOTATION, BEHAVIOR_ANNOTATION,
                                                     CURRENT_ANNOTATION, CONDITIONS_ANNOTATION};

/* ---- Small JSON helpers ---- */

/* v when present and not null, else NULL (borrowed). */
static json_t *field(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_null(v) ? NULL : v;
}

/* Copies obj[from] to out[to] when present (Go's omitempty pointers). */
static void copy_if_present(json_t *out, const char *to, const json_t *obj, const char *from)
{
    json_t *v = field(obj, from);
    if (v != NULL) {
        json_object_set(out, to, v);
    }
}

/* obj[from] into out[to], or fallback for Go's non-pointer zero values ("0", 0, ""). */
static void copy_or(json_t *out, const char *to, const json_t *obj, const char *from,
                    json_t *fallback)
{
    json_t *v = field(obj, from);
    if (v != NULL) {
        json_object_set(out, to, v);
        json_decref(fallback);
    } else {
        json_object_set_new(out, to, fallback);
    }
}

/* encoding/json's key matching: exact, else case-insensitive. */
static json_t *field_ci(const json_t *obj, const char *key)
{
    json_t *v = field(obj, key);
    if (v != NULL || !json_is_object(obj)) {
        return v;
    }
    const char *k;
    json_t *value;
    json_object_foreach ((json_t *)obj, k, value) {
        if (strcasecmp(k, key) == 0 && !json_is_null(value)) {
            return value;
        }
    }
    return NULL;
}

static bool str_is(const json_t *v, const char *s)
{
    return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

static json_t *annotations_of(const json_t *obj)
{
    return json_object_get(json_object_get(obj, "metadata"), "annotations");
}

static void set_annotation(json_t *obj, const char *key, json_t *value /* stolen */)
{
    json_t *meta = json_object_get(obj, "metadata");
    if (!json_is_object(meta)) {
        meta = json_object();
        json_object_set_new(obj, "metadata", meta);
    }
    json_t *annotations = json_object_get(meta, "annotations");
    if (!json_is_object(annotations)) {
        annotations = json_object();
        json_object_set_new(meta, "annotations", annotations);
    }
    char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(value);
    json_object_set_new(annotations, key, json_string(text));
    free(text);
}

/* The annotation's JSON (new reference), or NULL when absent or not JSON. */
static json_t *annotation_json(const json_t *obj, const char *key)
{
    const char *text = json_string_value(json_object_get(annotations_of(obj), key));
    return text != NULL ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
}

/* DropRoundTripHorizontalPodAutoscalerAnnotations; an emptied map goes (omitempty). */
static void drop_round_trip_annotations(json_t *obj)
{
    json_t *annotations = annotations_of(obj);
    if (!json_is_object(annotations)) {
        return;
    }
    for (size_t i = 0; i < sizeof round_trip_annotations / sizeof round_trip_annotations[0]; i++) {
        json_object_del(annotations, round_trip_annotations[i]);
    }
    if (json_object_size(annotations) == 0) {
        json_object_del(json_object_get(obj, "metadata"), "annotations");
    }
}

static json_t *object_ref(const json_t *ref)
{
    json_t *out = json_object();
    copy_or(out, "kind", ref, "kind", json_string(""));
    copy_or(out, "name", ref, "name", json_string(""));
    copy_if_present(out, "apiVersion", ref, "apiVersion");
    return out;
}

static bool is_cpu_utilization(const json_t *metric)
{
    const json_t *res = field(metric, "resource");
    return str_is(json_object_get(metric, "type"), "Resource") && res != NULL &&
           str_is(json_object_get(res, "name"), "cpu") &&
           field(json_object_get(res, "target"), "averageUtilization") != NULL;
}

/* ---- Metric specs and statuses: v2 -> v1 ---- */

/* v1 names the metric beside the target; v2 in a MetricIdentifier. */
static void metric_name_to_v1(json_t *out, const json_t *source)
{
    copy_or(out, "metricName", json_object_get(source, "metric"), "name", json_string(""));
}

static json_t *metric_spec_to_v1(const json_t *m)
{
    json_t *out = json_object();
    copy_or(out, "type", m, "type", json_string(""));
    const json_t *src;
    if ((src = field(m, "object")) != NULL) {
        const json_t *target = json_object_get(src, "target");
        json_t *v = json_object();
        json_object_set_new(v, "target", object_ref(json_object_get(src, "describedObject")));
        metric_name_to_v1(v, src);
        copy_or(v, "targetValue", target, "value", json_string("0"));
        copy_if_present(v, "selector", json_object_get(src, "metric"), "selector");
        copy_if_present(v, "averageValue", target, "averageValue");
        json_object_set_new(out, "object", v);
    }
    if ((src = field(m, "pods")) != NULL) {
        json_t *v = json_object();
        metric_name_to_v1(v, src);
        copy_or(v, "targetAverageValue", json_object_get(src, "target"), "averageValue",
                json_string("0"));
        copy_if_present(v, "selector", json_object_get(src, "metric"), "selector");
        json_object_set_new(out, "pods", v);
    }
    static const char *const resource_keys[] = {"resource", "containerResource"};
    for (size_t i = 0; i < 2; i++) {
        if ((src = field(m, resource_keys[i])) != NULL) {
            const json_t *target = json_object_get(src, "target");
            json_t *v = json_object();
            copy_or(v, "name", src, "name", json_string(""));
            copy_if_present(v, "targetAverageUtilization", target, "averageUtilization");
            copy_if_present(v, "targetAverageValue", target, "averageValue");
            if (i == 1) {
                copy_or(v, "container", src, "container", json_string(""));
            }
            json_object_set_new(out, resource_keys[i], v);
        }
    }
    if ((src = field(m, "external")) != NULL) {
        const json_t *target = json_object_get(src, "target");
        json_t *v = json_object();
        metric_name_to_v1(v, src);
        copy_if_present(v, "metricSelector", json_object_get(src, "metric"), "selector");
        copy_if_present(v, "targetValue", target, "value");
        copy_if_present(v, "targetAverageValue", target, "averageValue");
        json_object_set_new(out, "external", v);
    }
    return out;
}

static json_t *metric_status_to_v1(const json_t *m)
{
    json_t *out = json_object();
    copy_or(out, "type", m, "type", json_string(""));
    const json_t *src;
    if ((src = field(m, "object")) != NULL) {
        const json_t *current = json_object_get(src, "current");
        json_t *v = json_object();
        json_object_set_new(v, "target", object_ref(json_object_get(src, "describedObject")));
        metric_name_to_v1(v, src);
        copy_or(v, "currentValue", current, "value", json_string("0"));
        copy_if_present(v, "selector", json_object_get(src, "metric"), "selector");
        copy_if_present(v, "averageValue", current, "averageValue");
        json_object_set_new(out, "object", v);
    }
    if ((src = field(m, "pods")) != NULL) {
        json_t *v = json_object();
        metric_name_to_v1(v, src);
        copy_or(v, "currentAverageValue", json_object_get(src, "current"), "averageValue",
                json_string("0"));
        copy_if_present(v, "selector", json_object_get(src, "metric"), "selector");
        json_object_set_new(out, "pods", v);
    }
    static const char *const resource_keys[] = {"resource", "containerResource"};
    for (size_t i = 0; i < 2; i++) {
        if ((src = field(m, resource_keys[i])) != NULL) {
            const json_t *current = json_object_get(src, "current");
            json_t *v = json_object();
            copy_or(v, "name", src, "name", json_string(""));
            copy_if_present(v, "currentAverageUtilization", current, "averageUtilization");
            copy_or(v, "currentAverageValue", current, "averageValue", json_string("0"));
            if (i == 1) {
                copy_or(v, "container", src, "container", json_string(""));
            }
            json_object_set_new(out, resource_keys[i], v);
        }
    }
    if ((src = field(m, "external")) != NULL) {
        const json_t *current = json_object_get(src, "current");
        json_t *v = json_object();
        metric_name_to_v1(v, src);
        copy_if_present(v, "metricSelector", json_object_get(src, "metric"), "selector");
        copy_or(v, "currentValue", current, "value", json_string("0"));
        copy_if_present(v, "currentAverageValue", current, "averageValue");
        json_object_set_new(out, "external", v);
    }
    return out;
}

/* ---- Metric specs and statuses: v1 -> v2 ---- */

static json_t *identifier_to_v2(const json_t *src, const char *selector_key)
{
    json_t *id = json_object();
    copy_or(id, "name", src, "metricName", json_string(""));
    copy_if_present(id, "selector", src, selector_key);
    return id;
}

static json_t *metric_spec_to_v2(const json_t *m)
{
    json_t *out = json_object();
    copy_or(out, "type", m, "type", json_string(""));
    const json_t *src;
    if ((src = field(m, "object")) != NULL) {
        json_t *target =
            json_pack("{s:s}", "type", field(src, "averageValue") ? "AverageValue" : "Value");
        copy_or(target, "value", src, "targetValue", json_string("0"));
        copy_if_present(target, "averageValue", src, "averageValue");
        json_object_set_new(out, "object",
                            json_pack("{s:o,s:o,s:o}", "describedObject",
                                      object_ref(json_object_get(src, "target")), "target", target,
                                      "metric", identifier_to_v2(src, "selector")));
    }
    if ((src = field(m, "pods")) != NULL) {
        json_t *target = json_pack("{s:s}", "type", "AverageValue");
        copy_or(target, "averageValue", src, "targetAverageValue", json_string("0"));
        json_object_set_new(
            out, "pods",
            json_pack("{s:o,s:o}", "metric", identifier_to_v2(src, "selector"), "target", target));
    }
    static const char *const resource_keys[] = {"resource", "containerResource"};
    for (size_t i = 0; i < 2; i++) {
        if ((src = field(m, resource_keys[i])) != NULL) {
            bool utilization = field(src, "targetAverageUtilization") != NULL;
            json_t *target =
                json_pack("{s:s}", "type", utilization ? "Utilization" : "AverageValue");
            copy_if_present(target, "averageUtilization", src, "targetAverageUtilization");
            copy_if_present(target, "averageValue", src, "targetAverageValue");
            json_t *v = json_object();
            copy_or(v, "name", src, "name", json_string(""));
            json_object_set_new(v, "target", target);
            if (i == 1) {
                copy_or(v, "container", src, "container", json_string(""));
            }
            json_object_set_new(out, resource_keys[i], v);
        }
    }
    if ((src = field(m, "external")) != NULL) {
        json_t *target =
            json_pack("{s:s}", "type", field(src, "targetValue") ? "Value" : "AverageValue");
        copy_if_present(target, "value", src, "targetValue");
        copy_if_present(target, "averageValue", src, "targetAverageValue");
        json_object_set_new(out, "external",
                            json_pack("{s:o,s:o}", "metric",
                                      identifier_to_v2(src, "metricSelector"), "target", target));
    }
    return out;
}

static json_t *metric_status_to_v2(const json_t *m)
{
    json_t *out = json_object();
    copy_or(out, "type", m, "type", json_string(""));
    const json_t *src;
    if ((src = field(m, "object")) != NULL) {
        json_t *current = json_object();
        copy_or(current, "value", src, "currentValue", json_string("0"));
        copy_if_present(current, "averageValue", src, "averageValue");
        json_object_set_new(out, "object",
                            json_pack("{s:o,s:o,s:o}", "metric", identifier_to_v2(src, "selector"),
                                      "current", current, "describedObject",
                                      object_ref(json_object_get(src, "target"))));
    }
    if ((src = field(m, "pods")) != NULL) {
        json_t *current = json_object();
        copy_or(current, "averageValue", src, "currentAverageValue", json_string("0"));
        json_object_set_new(out, "pods",
                            json_pack("{s:o,s:o}", "metric", identifier_to_v2(src, "selector"),
                                      "current", current));
    }
    static const char *const resource_keys[] = {"resource", "containerResource"};
    for (size_t i = 0; i < 2; i++) {
        if ((src = field(m, resource_keys[i])) != NULL) {
            json_t *current = json_object();
            copy_or(current, "averageValue", src, "currentAverageValue", json_string("0"));
            copy_if_present(current, "averageUtilization", src, "currentAverageUtilization");
            json_t *v = json_object();
            copy_or(v, "name", src, "name", json_string(""));
            if (i == 1) {
                copy_or(v, "container", src, "container", json_string(""));
            }
            json_object_set_new(v, "current", current);
            json_object_set_new(out, resource_keys[i], v);
        }
    }
    if ((src = field(m, "external")) != NULL) {
        json_t *current = json_object();
        copy_or(current, "value", src, "currentValue", json_string("0"));
        copy_if_present(current, "averageValue", src, "currentAverageValue");
        json_object_set_new(out, "external",
                            json_pack("{s:o,s:o}", "metric",
                                      identifier_to_v2(src, "metricSelector"), "current", current));
    }
    return out;
}

/* Maps each element of list through fn into a new array. */
static json_t *map_array(const json_t *list, json_t *(*fn)(const json_t *))
{
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach (list, i, item) {
        json_array_append_new(out, fn(item));
    }
    return out;
}

/* ---- Behavior: the internal struct's Go field names ---- */

static json_t *value_or_null(const json_t *v)
{
    return v != NULL ? json_incref((json_t *)v) : json_null();
}

static json_t *rules_to_go(const json_t *rules)
{
    if (rules == NULL) {
        return json_null();
    }
    const json_t *policies = field(rules, "policies");
    json_t *go_policies = json_null();
    if (json_is_array(policies)) {
        json_decref(go_policies);
        go_policies = json_array();
        size_t i;
        json_t *p;
        json_array_foreach (policies, i, p) {
            json_t *gp = json_object();
            copy_or(gp, "Type", p, "type", json_string(""));
            copy_or(gp, "Value", p, "value", json_integer(0));
            copy_or(gp, "PeriodSeconds", p, "periodSeconds", json_integer(0));
            json_array_append_new(go_policies, gp);
        }
    }
    return json_pack("{s:o,s:o,s:o}", "StabilizationWindowSeconds",
                     value_or_null(field(rules, "stabilizationWindowSeconds")), "SelectPolicy",
                     value_or_null(field(rules, "selectPolicy")), "Policies", go_policies);
}

static json_t *rules_from_go(const json_t *go)
{
    if (!json_is_object(go)) {
        return NULL;
    }
    json_t *out = json_object();
    json_t *v;
    if ((v = field_ci(go, "StabilizationWindowSeconds")) != NULL) {
        json_object_set(out, "stabilizationWindowSeconds", v);
    }
    if ((v = field_ci(go, "SelectPolicy")) != NULL) {
        json_object_set(out, "selectPolicy", v);
    }
    const json_t *policies = field_ci(go, "Policies");
    if (json_is_array(policies)) {
        json_t *list = json_array();
        size_t i;
        json_t *p;
        json_array_foreach (policies, i, p) {
            json_t *policy = json_object();
            json_t *t = field_ci(p, "Type");
            json_t *value = field_ci(p, "Value");
            json_t *period = field_ci(p, "PeriodSeconds");
            json_object_set_new(policy, "type", t ? json_incref(t) : json_string(""));
            json_object_set_new(policy, "value", value ? json_incref(value) : json_integer(0));
            json_object_set_new(policy, "periodSeconds",
                                period ? json_incref(period) : json_integer(0));
            json_array_append_new(list, policy);
        }
        json_object_set_new(out, "policies", list);
    }
    return out;
}

/* The behavior in the annotation, or NULL when it does not decode or is the zero value. */
static json_t *behavior_from_annotation(const json_t *obj)
{
    cleanup_json json_t *go = annotation_json(obj, BEHAVIOR_ANNOTATION);
    if (!json_is_object(go)) {
        return NULL;
    }
    json_t *up = rules_from_go(field_ci(go, "ScaleUp"));
    json_t *down = rules_from_go(field_ci(go, "ScaleDown"));
    if (up == NULL && down == NULL) {
        return NULL;
    }
    json_t *behavior = json_object();
    if (up != NULL) {
        json_object_set_new(behavior, "scaleUp", up);
    }
    if (down != NULL) {
        json_object_set_new(behavior, "scaleDown", down);
    }
    return behavior;
}

/* ---- Whole objects ---- */

/* A copy of in that starts with kind and apiVersion, as Go encodes TypeMeta first. */
static json_t *typed_copy(const json_t *in, const char *api_version)
{
    json_t *out =
        json_pack("{s:s,s:s}", "kind", "HorizontalPodAutoscaler", "apiVersion", api_version);
    cleanup_json json_t *copy = json_deep_copy(in);
    json_object_del(copy, "kind");
    json_object_del(copy, "apiVersion");
    json_object_update(out, copy);
    return out;
}

static json_t *to_v1(const json_t *in)
{
    json_t *out = typed_copy(in, "autoscaling/v1");
    drop_round_trip_annotations(out);

    const json_t *in_spec = json_object_get(in, "spec");
    const json_t *in_status = json_object_get(in, "status");
    const json_t *metrics = json_object_get(in_spec, "metrics");

    json_t *spec = json_object();
    json_object_set_new(spec, "scaleTargetRef",
                        object_ref(json_object_get(in_spec, "scaleTargetRef")));
    copy_if_present(spec, "minReplicas", in_spec, "minReplicas");
    copy_or(spec, "maxReplicas", in_spec, "maxReplicas", json_integer(0));
    size_t i;
    json_t *m;
    /* The first Resource cpu metric decides, whether or not it is a utilization. */
    json_array_foreach (metrics, i, m) {
        const json_t *res = field(m, "resource");
        if (str_is(json_object_get(m, "type"), "Resource") && res != NULL &&
            str_is(json_object_get(res, "name"), "cpu")) {
            copy_if_present(spec, "targetCPUUtilizationPercentage", json_object_get(res, "target"),
                            "averageUtilization");
            break;
        }
    }
    json_object_set_new(out, "spec", spec);

    json_t *status = json_object();
    copy_if_present(status, "observedGeneration", in_status, "observedGeneration");
    copy_if_present(status, "lastScaleTime", in_status, "lastScaleTime");
    copy_or(status, "currentReplicas", in_status, "currentReplicas", json_integer(0));
    copy_or(status, "desiredReplicas", in_status, "desiredReplicas", json_integer(0));
    const json_t *current = json_object_get(in_status, "currentMetrics");
    json_array_foreach (current, i, m) {
        const json_t *res = field(m, "resource");
        if (str_is(json_object_get(m, "type"), "Resource") && res != NULL &&
            str_is(json_object_get(res, "name"), "cpu")) {
            copy_if_present(status, "currentCPUUtilizationPercentage",
                            json_object_get(res, "current"), "averageUtilization");
        }
    }
    json_object_set_new(out, "status", status);

    json_t *others = json_array();
    json_array_foreach (metrics, i, m) {
        if (!is_cpu_utilization(m)) {
            json_array_append_new(others, metric_spec_to_v1(m));
        }
    }
    if (json_array_size(others) > 0) {
        set_annotation(out, METRICS_ANNOTATION, others);
    } else {
        json_decref(others);
    }
    if (json_array_size(current) > 0) {
        set_annotation(out, CURRENT_ANNOTATION, map_array(current, metric_status_to_v1));
    }
    const json_t *behavior = field(in_spec, "behavior");
    if (behavior != NULL) {
        set_annotation(out, BEHAVIOR_ANNOTATION,
                       json_pack("{s:o,s:o}", "ScaleUp", rules_to_go(field(behavior, "scaleUp")),
                                 "ScaleDown", rules_to_go(field(behavior, "scaleDown"))));
    }
    const json_t *conditions = json_object_get(in_status, "conditions");
    if (json_array_size(conditions) > 0) {
        set_annotation(out, CONDITIONS_ANNOTATION, json_incref((json_t *)conditions));
    }
    return out;
}

static json_t *cpu_metric(json_t *percent /* stolen */)
{
    return json_pack("{s:s,s:{s:s,s:{s:s,s:o}}}", "type", "Resource", "resource", "name", "cpu",
                     "target", "type", "Utilization", "averageUtilization", percent);
}

static json_t *to_v2(const json_t *in)
{
    json_t *out = typed_copy(in, "autoscaling/v2");
    const json_t *in_spec = json_object_get(in, "spec");
    const json_t *in_status = json_object_get(in, "status");

    json_t *spec = json_object();
    json_object_set_new(spec, "scaleTargetRef",
                        object_ref(json_object_get(in_spec, "scaleTargetRef")));
    /* v1's SetDefaults_HorizontalPodAutoscaler runs on the decoded v1 object first. */
    copy_or(spec, "minReplicas", in_spec, "minReplicas", json_integer(1));
    copy_or(spec, "maxReplicas", in_spec, "maxReplicas", json_integer(0));
    json_t *metrics = json_array();
    cleanup_json json_t *others = annotation_json(in, METRICS_ANNOTATION);
    if (json_is_array(others)) {
        json_decref(metrics);
        metrics = map_array(others, metric_spec_to_v2);
    }
    json_t *cpu = field(in_spec, "targetCPUUtilizationPercentage");
    if (cpu != NULL) {
        /* After the annotation's metrics, as the upstream conversion orders them. */
        json_array_append_new(metrics, cpu_metric(json_incref(cpu)));
    }
    if (json_array_size(metrics) == 0) {
        /* The implicit target v1 had in the controller, made explicit. */
        json_array_append_new(metrics, cpu_metric(json_integer(DEFAULT_CPU_PERCENT)));
    }
    json_object_set_new(spec, "metrics", metrics);
    json_t *behavior = behavior_from_annotation(in);
    if (behavior != NULL) {
        json_object_set_new(spec, "behavior", behavior);
    }
    json_object_set_new(out, "spec", spec);

    json_t *status = json_object();
    copy_if_present(status, "observedGeneration", in_status, "observedGeneration");
    copy_if_present(status, "lastScaleTime", in_status, "lastScaleTime");
    json_t *replicas = field(in_status, "currentReplicas");
    if (json_integer_value(replicas) != 0) {
        json_object_set(status, "currentReplicas", replicas);
    }
    copy_or(status, "desiredReplicas", in_status, "desiredReplicas", json_integer(0));
    cleanup_json json_t *current = annotation_json(in, CURRENT_ANNOTATION);
    json_t *current_cpu = field(in_status, "currentCPUUtilizationPercentage");
    if (json_is_array(current)) {
        /* The annotation has more than the percentage: it wins. */
        json_object_set_new(status, "currentMetrics", map_array(current, metric_status_to_v2));
    } else if (current_cpu != NULL) {
        json_object_set_new(status, "currentMetrics",
                            json_pack("[{s:s,s:{s:s,s:{s:O}}}]", "type", "Resource", "resource",
                                      "name", "cpu", "current", "averageUtilization", current_cpu));
    }
    cleanup_json json_t *conditions = annotation_json(in, CONDITIONS_ANNOTATION);
    if (json_is_array(conditions) && json_array_size(conditions) > 0) {
        json_object_set(status, "conditions", conditions);
    }
    json_object_set_new(out, "status", status);
    drop_round_trip_annotations(out);
    return out;
}

json_t *convert_hpa(const json_t *obj, const char *from, const char *to)
{
    if (strcmp(from, to) == 0) {
        return json_deep_copy(obj);
    }
    /* "autoscaling/v1" or plain "v1" */
    const char *slash = strrchr(to, '/');
    return strcmp(slash != NULL ? slash + 1 : to, "v1") == 0 ? to_v1(obj) : to_v2(obj);
}
