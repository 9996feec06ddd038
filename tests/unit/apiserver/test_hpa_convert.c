/* HorizontalPodAutoscaler conversion between autoscaling/v1 and autoscaling/v2 (convert_hpa.c)
 * and the storage-version table (convert.c): Kubernetes' conversion.go cases, lossless round
 * trips through the annotations, Tables built from the storage version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "convert.h"

static json_t *load(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, 0, &error);
    if (v == NULL) {
        fail_msg("bad test JSON: %s: %s", error.text, text);
    }
    return v;
}

static void assert_json_equal(const json_t *got, const char *want_text)
{
    cleanup_json json_t *want = load(want_text);
    if (!json_equal(got, want)) {
        cleanup_free char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
        cleanup_free char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("got  %s\nwant %s", g, w);
    }
}

static const char *annotation(const json_t *obj, const char *key)
{
    return json_string_value(
        json_object_get(json_object_get(json_object_get(obj, "metadata"), "annotations"), key));
}

/* ---- Success ---- */

static void test_v1_without_target_gets_min_replicas_and_the_implicit_cpu_80(void **state)
{
    (void)state;
    cleanup_json json_t *v1 = load("{\"apiVersion\":\"autoscaling/v1\",\"kind\":"
                                   "\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"web\"},"
                                   "\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\","
                                   "\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":3}}");
    cleanup_json json_t *v2 = convert_hpa(v1, "v1", "v2");
    assert_json_equal(
        v2, "{\"apiVersion\":\"autoscaling/v2\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":"
            "{\"name\":\"web\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":"
            "\"web\",\"apiVersion\":\"apps/v1\"},\"minReplicas\":1,\"maxReplicas\":3,\"metrics\":"
            "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":"
            "\"Utilization\",\"averageUtilization\":80}}}]},\"status\":{\"desiredReplicas\":0}}");
    cleanup_json json_t *back = convert_hpa(v2, "v2", "v1");
    assert_json_equal(
        back,
        "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":"
        "{\"name\":\"web\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":"
        "\"web\",\"apiVersion\":\"apps/v1\"},\"minReplicas\":1,\"maxReplicas\":3,"
        "\"targetCPUUtilizationPercentage\":80},\"status\":{\"currentReplicas\":0,"
        "\"desiredReplicas\":0}}");
}

static void test_target_cpu_percentage_is_the_cpu_utilization_metric(void **state)
{
    (void)state;
    cleanup_json json_t *v1 = load("{\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\","
                                   "\"name\":\"web\"},\"minReplicas\":2,\"maxReplicas\":5,"
                                   "\"targetCPUUtilizationPercentage\":50},\"status\":{"
                                   "\"currentReplicas\":3,\"desiredReplicas\":4,"
                                   "\"currentCPUUtilizationPercentage\":61}}");
    cleanup_json json_t *v2 = convert_hpa(v1, "v1", "v2");
    assert_json_equal(json_object_get(v2, "spec"),
                      "{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},"
                      "\"minReplicas\":2,\"maxReplicas\":5,\"metrics\":[{\"type\":\"Resource\","
                      "\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\","
                      "\"averageUtilization\":50}}}]}");
    assert_json_equal(json_object_get(v2, "status"),
                      "{\"currentReplicas\":3,\"desiredReplicas\":4,\"currentMetrics\":[{\"type\":"
                      "\"Resource\",\"resource\":{\"name\":\"cpu\",\"current\":{"
                      "\"averageUtilization\":61}}}]}");
    cleanup_json json_t *back = convert_hpa(v2, "v2", "v1");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(back, "status"),
                                                        "currentCPUUtilizationPercentage")),
                     61);
    /* The raw current metrics ride along, so a v1 reader sees the current-metrics annotation. */
    assert_non_null(annotation(back, "autoscaling.alpha.kubernetes.io/current-metrics"));
}

static void test_v2_only_metrics_behavior_and_conditions_round_trip_through_v1(void **state)
{
    (void)state;
    const char *spec =
        "{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\",\"apiVersion\":\"apps/v1\"},"
        "\"minReplicas\":1,\"maxReplicas\":10,\"metrics\":["
        "{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"target\":{\"type\":"
        "\"AverageValue\",\"averageValue\":\"500Mi\"}}},"
        "{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"qps\"},\"target\":{\"type\":"
        "\"AverageValue\",\"averageValue\":\"1k\"}}},"
        "{\"type\":\"Object\",\"object\":{\"describedObject\":{\"kind\":\"Ingress\",\"name\":"
        "\"main\",\"apiVersion\":\"networking.k8s.io/v1\"},\"metric\":{\"name\":\"rps\","
        "\"selector\":{\"matchLabels\":{\"a\":\"b\"}}},\"target\":{\"type\":\"Value\",\"value\":"
        "\"10\"}}},"
        "{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"queue\"},\"target\":{\"type\":"
        "\"AverageValue\",\"averageValue\":\"30\"}}},"
        "{\"type\":\"ContainerResource\",\"containerResource\":{\"name\":\"cpu\",\"container\":"
        "\"app\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}},"
        "{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":"
        "\"Utilization\",\"averageUtilization\":60}}}],"
        "\"behavior\":{\"scaleUp\":{\"stabilizationWindowSeconds\":0,\"selectPolicy\":\"Max\","
        "\"policies\":[{\"type\":\"Pods\",\"value\":4,\"periodSeconds\":15}]},\"scaleDown\":{"
        "\"stabilizationWindowSeconds\":300,\"selectPolicy\":\"Min\",\"policies\":[{\"type\":"
        "\"Percent\",\"value\":100,\"periodSeconds\":15}]}}}";
    cleanup_free char *text = NULL;
    {
        cleanup_json json_t *s = load(spec);
        cleanup_json json_t *v2 = json_pack(
            "{s:s,s:s,s:{s:s,s:{s:s}},s:O,s:{s:i,s:[{s:s,s:s,s:s}]}}", "apiVersion",
            "autoscaling/v2", "kind", "HorizontalPodAutoscaler", "metadata", "name", "web",
            "annotations", "team", "a", "spec", s, "status", "desiredReplicas", 2, "conditions",
            "type", "AbleToScale", "status", "True", "reason", "ReadyForNewScale");
        text = json_dumps(v2, JSON_COMPACT);
    }
    cleanup_json json_t *v2 = load(text);
    cleanup_json json_t *v1 = convert_hpa(v2, "v2", "v1");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(v1, "spec"),
                                                        "targetCPUUtilizationPercentage")),
                     60);
    assert_null(json_object_get(json_object_get(v1, "spec"), "metrics"));
    assert_string_equal(annotation(v1, "team"), "a");
    const char *behavior = annotation(v1, "autoscaling.alpha.kubernetes.io/behavior");
    assert_non_null(behavior);
    assert_string_equal(behavior, "{\"ScaleUp\":{\"StabilizationWindowSeconds\":0,"
                                  "\"SelectPolicy\":\"Max\",\"Policies\":[{\"Type\":\"Pods\","
                                  "\"Value\":4,\"PeriodSeconds\":15}]},\"ScaleDown\":{"
                                  "\"StabilizationWindowSeconds\":300,\"SelectPolicy\":\"Min\","
                                  "\"Policies\":[{\"Type\":\"Percent\",\"Value\":100,"
                                  "\"PeriodSeconds\":15}]}}");
    cleanup_json json_t *others =
        json_loads(annotation(v1, "autoscaling.alpha.kubernetes.io/metrics"), 0, NULL);
    assert_int_equal(json_array_size(others), 5);
    assert_json_equal(json_array_get(others, 0),
                      "{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\","
                      "\"targetAverageValue\":\"500Mi\"}}");
    assert_json_equal(json_array_get(others, 2),
                      "{\"type\":\"Object\",\"object\":{\"target\":{\"kind\":\"Ingress\","
                      "\"name\":\"main\",\"apiVersion\":\"networking.k8s.io/v1\"},\"metricName\":"
                      "\"rps\",\"targetValue\":\"10\",\"selector\":{\"matchLabels\":{\"a\":"
                      "\"b\"}}}}");
    assert_non_null(annotation(v1, "autoscaling.alpha.kubernetes.io/conditions"));

    cleanup_json json_t *again = convert_hpa(v1, "v1", "v2");
    /* Every metric comes back; the CPU one (v1's field) after the annotation's. */
    cleanup_json json_t *want = load(spec);
    json_t *metrics = json_object_get(want, "metrics");
    json_t *cpu = json_incref(json_array_get(metrics, 5));
    json_array_remove(metrics, 5);
    json_array_append_new(metrics, cpu);
    cleanup_free char *want_text = json_dumps(want, JSON_COMPACT);
    assert_json_equal(json_object_get(again, "spec"), want_text);
    assert_json_equal(json_object_get(json_object_get(again, "metadata"), "annotations"),
                      "{\"team\":\"a\"}");
    assert_json_equal(json_object_get(json_object_get(again, "status"), "conditions"),
                      "[{\"type\":\"AbleToScale\",\"status\":\"True\",\"reason\":"
                      "\"ReadyForNewScale\"}]");
}

static void test_stale_round_trip_annotations_are_dropped_on_the_way_to_v1(void **state)
{
    (void)state;
    cleanup_json json_t *v2 =
        load("{\"metadata\":{\"name\":\"x\",\"annotations\":{"
             "\"autoscaling.alpha.kubernetes.io/metrics\":\"[]\"}},\"spec\":{\"maxReplicas\":1,"
             "\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{"
             "\"type\":\"Utilization\",\"averageUtilization\":80}}}]}}");
    cleanup_json json_t *v1 = convert_hpa(v2, "v2", "v1");
    assert_null(json_object_get(json_object_get(v1, "metadata"), "annotations"));
}

static void test_behavior_annotation_keys_match_case_insensitively(void **state)
{
    (void)state;
    cleanup_json json_t *v1 =
        load("{\"metadata\":{\"annotations\":{\"autoscaling.alpha.kubernetes.io/behavior\":"
             "\"{\\\"scaleDown\\\":{\\\"stabilizationwindowseconds\\\":60}}\"}},\"spec\":{"
             "\"maxReplicas\":2}}");
    cleanup_json json_t *v2 = convert_hpa(v1, "v1", "v2");
    assert_json_equal(json_object_get(json_object_get(v2, "spec"), "behavior"),
                      "{\"scaleDown\":{\"stabilizationWindowSeconds\":60}}");
    assert_null(json_object_get(json_object_get(v2, "metadata"), "annotations"));
}

static void test_lists_and_tables_convert_through_the_storage_table(void **state)
{
    (void)state;
    const struct resource *v1 = resources_find("autoscaling", "v1", "horizontalpodautoscalers");
    const struct resource *v2 = resources_find("autoscaling", "v2", "horizontalpodautoscalers");
    assert_non_null(v1);
    assert_ptr_equal(convert_storage_resource(v1), v2);
    assert_ptr_equal(convert_storage_resource(v2), v2);
    assert_true(convert_is_needed(v1));
    assert_false(convert_is_needed(resources_find("apps", "v1", "deployments")));

    cleanup_json json_t *list = load(
        "{\"kind\":\"HorizontalPodAutoscalerList\",\"apiVersion\":\"autoscaling/v2\",\"metadata\":"
        "{\"resourceVersion\":\"7\"},\"items\":[{\"apiVersion\":\"autoscaling/v2\",\"kind\":"
        "\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"web\",\"creationTimestamp\":"
        "\"2026-01-01T00:00:00Z\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\","
        "\"name\":\"web\"},\"minReplicas\":1,\"maxReplicas\":3,\"metrics\":[{\"type\":"
        "\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\","
        "\"averageUtilization\":80}}}]}}]}");
    cleanup_json json_t *as_v1 = convert_answer(v2, v1, list);
    assert_string_equal(json_string_value(json_object_get(as_v1, "apiVersion")), "autoscaling/v1");
    json_t *item = json_array_get(json_object_get(as_v1, "items"), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(item, "spec"),
                                                        "targetCPUUtilizationPercentage")),
                     80);
    /* A Status passes through untouched. */
    cleanup_json json_t *status = load("{\"kind\":\"Status\",\"code\":404}");
    cleanup_json json_t *same = convert_answer(v2, v1, status);
    assert_ptr_equal(same, status);

    /* The v1 Table prints the v2 columns (TARGETS from the metrics) and v1 row objects. */
    cleanup_json json_t *table = convert_table_build(v1, as_v1, TABLE_INCLUDE_OBJECT, 0);
    json_t *row = json_array_get(json_object_get(table, "rows"), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(row, "cells"), 2)),
                        "cpu: <unknown>/80%");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(row, "object"), "apiVersion")),
        "autoscaling/v1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_without_target_gets_min_replicas_and_the_implicit_cpu_80),
        cmocka_unit_test(test_target_cpu_percentage_is_the_cpu_utilization_metric),
        cmocka_unit_test(test_v2_only_metrics_behavior_and_conditions_round_trip_through_v1),
        cmocka_unit_test(test_stale_round_trip_annotations_are_dropped_on_the_way_to_v1),
        cmocka_unit_test(test_behavior_annotation_keys_match_case_insensitively),
        cmocka_unit_test(test_lists_and_tables_convert_through_the_storage_table),
    };
    return cmocka_run_group_tests_name("hpa_convert", tests, NULL, NULL);
}
