/* ReplicationControllers, PodTemplates, RuntimeClasses and ComponentStatuses
 * (strategy_rc_node.c, componentstatus.c, the scale and table pieces they add): Kubernetes
 * 1.32's defaults, field errors word for word, storage keys, Scale and Table rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "componentstatus.h"
#include "resources.h"
#include "rest_internal.h"
#include "status.h"
#include "strategy.h"
#include "strategy_checks.h"
#include "subresources_internal.h"
#include "table.h"

#define RC_CONTAINERS "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]"

static void test_rc_defaults_take_selector_and_labels_from_the_template(void **state)
{
    (void)state;
    const struct strategy *s = find("", "replicationcontrollers");
    json_t *rc =
        defaulted(s, "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"template\":{"
                     "\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{" RC_CONTAINERS "}}}}");
    json_t *spec = json_object_get(rc, "spec");
    assert_int_equal(json_integer_value(json_object_get(spec, "replicas")), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(spec, "selector"), "app")), "web");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(rc, "metadata"), "labels"), "app")),
                        "web");
    json_t *pod = json_object_get(json_object_get(spec, "template"), "spec");
    assert_string_equal(json_string_value(json_object_get(pod, "restartPolicy")), "Always");
    assert_string_equal(json_string_value(json_object_get(pod, "dnsPolicy")), "ClusterFirst");
    json_decref(rc);

    /* A selector and labels given are kept; replicas 0 stays 0. */
    rc = defaulted(s, "{\"metadata\":{\"labels\":{\"tier\":\"x\"}},\"spec\":{\"replicas\":0,"
                      "\"selector\":{\"app\":\"a\"},\"template\":{\"metadata\":{\"labels\":{"
                      "\"app\":\"a\",\"v\":\"1\"}},\"spec\":{" RC_CONTAINERS "}}}}");
    spec = json_object_get(rc, "spec");
    assert_int_equal(json_integer_value(json_object_get(spec, "replicas")), 0);
    assert_int_equal(json_object_size(json_object_get(spec, "selector")), 1);
    assert_null(json_object_get(json_object_get(json_object_get(rc, "metadata"), "labels"), "app"));
    assert_int_equal(json_object_size(json_object_get(rc, "status")), 0);
    s->prepare_create(rc);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(rc, "status"), "replicas")),
                     0);
    json_decref(rc);
}

static void test_rc_validation_messages(void **state)
{
    (void)state;
    expect("", "replicationcontrollers",
           "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"a\"}},\"spec\":"
           "{" RC_CONTAINERS "}}}}",
           NULL, "");
    expect("", "replicationcontrollers",
           "{\"spec\":{\"replicas\":-1,\"minReadySeconds\":-2,\"selector\":{\"app\":\"x\"},"
           "\"template\":{\"metadata\":{\"labels\":{\"app\":\"y\"}},\"spec\":{"
           "\"restartPolicy\":\"Never\",\"activeDeadlineSeconds\":5," RC_CONTAINERS "}}}}",
           NULL,
           "spec.minReadySeconds: Invalid value: -2: must be greater than or equal to 0\n"
           "spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
           "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"y\"}: "
           "`selector` does not match template `labels`\n"
           "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: "
           "\"Always\"\n"
           "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in "
           "ReplicationController is not Supported");
    expect("", "replicationcontrollers", "{\"spec\":{}}", NULL,
           "spec.selector: Required value\nspec.template: Required value");
}

static void test_rc_status_counters(void **state)
{
    (void)state;
    expect_sub("", "replicationcontrollers", "status",
               "{\"spec\":{},\"status\":{\"replicas\":1,\"readyReplicas\":2,"
               "\"availableReplicas\":3,\"observedGeneration\":-1}}",
               "{\"spec\":{}}",
               "status.observedGeneration: Invalid value: -1: must be greater than or equal to 0\n"
               "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas\n"
               "status.availableReplicas: Invalid value: 3: cannot be greater than "
               "status.replicas\n"
               "status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas");
}

static void test_rc_storage_generation_and_scale(void **state)
{
    (void)state;
    const struct resource *res = resources_find("", "v1", "replicationcontrollers");
    assert_true(res->in_category_all);
    assert_string_equal(res->short_names[0], "rc");
    char *key = rest_object_key(res, "ns", "web");
    assert_string_equal(key, "/registry/controllers/ns/web");
    free(key);
    assert_true(rest_tracks_generation(res));
    assert_false(rest_tracks_generation(resources_find("", "v1", "podtemplates")));

    json_t *rc = json_loads("{\"kind\":\"ReplicationController\",\"metadata\":{\"name\":\"web\","
                            "\"namespace\":\"ns\"},\"spec\":{\"replicas\":3,\"selector\":{"
                            "\"b\":\"2\",\"a\":\"1\"}},\"status\":{\"replicas\":2}}",
                            0, NULL);
    json_t *scale = scale_of(rc);
    assert_non_null(scale);
    assert_string_equal(json_string_value(json_object_get(scale, "kind")), "Scale");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(scale, "spec"), "replicas")), 3);
    json_t *status = json_object_get(scale, "status");
    assert_int_equal(json_integer_value(json_object_get(status, "replicas")), 2);
    assert_string_equal(json_string_value(json_object_get(status, "selector")), "a=1,b=2");
    json_decref(scale);
    json_decref(rc);
}

static void test_podtemplate_generation_and_validation(void **state)
{
    (void)state;
    const struct strategy *s = find("", "podtemplates");
    json_t *pt = defaulted(
        s, "{\"metadata\":{\"name\":\"pt\"},\"template\":{\"spec\":{" RC_CONTAINERS "}}}");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_object_get(pt, "template"), "spec"),
                                          "restartPolicy")),
        "Always");
    s->prepare_create(pt);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(pt, "metadata"), "generation")), 1);
    json_t *same = json_deep_copy(pt);
    s->prepare_update("", same, pt);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(same, "metadata"), "generation")), 1);
    json_t *changed = json_deep_copy(pt);
    json_t *container = json_array_get(
        json_object_get(json_object_get(json_object_get(changed, "template"), "spec"),
                        "containers"),
        0);
    json_object_set_new(container, "image", json_string("nginx:2"));
    s->prepare_update("", changed, pt);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(changed, "metadata"), "generation")), 2);
    json_decref(changed);
    json_decref(same);
    json_decref(pt);

    expect("", "podtemplates",
           "{\"template\":{\"metadata\":{\"labels\":{\"a\":\"-bad-\"}},\"spec\":{"
           "\"containers\":[{\"name\":\"c\"}]}}}",
           NULL,
           "template.labels: Invalid value: \"-bad-\": a valid label must be an empty string or "
           "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
           "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
           "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"
           "template.spec.containers[0].image: Required value");
}

#define NODE "node.k8s.io"

static void test_runtimeclass_rules(void **state)
{
    (void)state;
    expect(NODE, "runtimeclasses",
           "{\"handler\":\"runsc\",\"overhead\":{\"podFixed\":{\"cpu\":\"250m\"}},"
           "\"scheduling\":{\"nodeSelector\":{\"sandbox\":\"true\"}}}",
           NULL, "");
    expect(NODE, "runtimeclasses", "{\"handler\":\"Bad_Handler\"}", NULL,
           "handler: Invalid value: \"Bad_Handler\": a lowercase RFC 1123 label must consist of "
           "lower case alphanumeric characters or '-', and must start and end with an "
           "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    expect(NODE, "runtimeclasses",
           "{\"handler\":\"runsc\",\"overhead\":{\"podFixed\":{"
           "\"memory\":\"-1\"}}}",
           NULL,
           "overhead.limits[memory]: Invalid value: \"-1\": must be greater than or equal to 0");
    expect(NODE, "runtimeclasses", "{\"handler\":\"kata\"}", "{\"handler\":\"runsc\"}",
           "handler: Invalid value: \"kata\": field is immutable");
    expect(NODE, "runtimeclasses",
           "{\"handler\":\"Kata\",\"overhead\":{\"podFixed\":{"
           "\"cpu\":\"-1\"}}}",
           "{\"handler\":\"runsc\"}",
           "handler: Invalid value: \"Kata\": a lowercase RFC 1123 label must consist of lower "
           "case alphanumeric characters or '-', and must start and end with an alphanumeric "
           "character (e.g. 'my-name',  or '123-abc', regex used for validation is "
           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n"
           "overhead.limits[cpu]: Invalid value: \"-1\": must be greater than or equal to 0\n"
           "handler: Invalid value: \"Kata\": field is immutable");
    expect(NODE, "runtimeclasses",
           "{\"handler\":\"runsc\",\"scheduling\":{\"tolerations\":[{\"key\":\"k\","
           "\"operator\":\"Exists\"},{\"key\":\"k\",\"operator\":\"Exists\"}]}}",
           NULL,
           "scheduling.tolerations[1]: Duplicate value: core.Toleration{Key:\"k\", "
           "Operator:\"Exists\", Value:\"\", Effect:\"\", TolerationSeconds:(*int64)(nil)}");
}

static void test_componentstatus_objects_and_table(void **state)
{
    (void)state;
    const struct resource *res = resources_find("", "v1", "componentstatuses");
    assert_non_null(res);
    assert_false(res->namespaced);
    assert_string_equal(res->verbs[0], "get");
    assert_string_equal(res->verbs[1], "list");
    assert_null(res->verbs[2]);
    json_t *list =
        json_pack("{s:s,s:[o,o]}", "kind", "ComponentStatusList", "items",
                  componentstatus_make("etcd-0", "True", "ok", ""),
                  componentstatus_make("scheduler", "Unknown", NULL, "Get \"https://x\": refused"));
    json_t *cond = json_array_get(
        json_object_get(json_array_get(json_object_get(list, "items"), 0), "conditions"), 0);
    assert_null(json_object_get(cond, "error"));
    assert_string_equal(json_string_value(json_object_get(cond, "type")), "Healthy");
    json_t *table = table_build(res, list, TABLE_INCLUDE_NONE, 0);
    json_t *cols = json_object_get(table, "columnDefinitions");
    assert_int_equal(json_array_size(cols), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 3), "name")),
                        "Error");
    json_t *rows = json_object_get(table, "rows");
    json_t *etcd = json_object_get(json_array_get(rows, 0), "cells");
    json_t *sched = json_object_get(json_array_get(rows, 1), "cells");
    assert_string_equal(json_string_value(json_array_get(etcd, 1)), "Healthy");
    assert_string_equal(json_string_value(json_array_get(etcd, 2)), "ok");
    assert_string_equal(json_string_value(json_array_get(sched, 1)), "Unhealthy");
    assert_string_equal(json_string_value(json_array_get(sched, 3)), "Get \"https://x\": refused");
    json_decref(table);
    json_decref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rc_defaults_take_selector_and_labels_from_the_template),
        cmocka_unit_test(test_rc_validation_messages),
        cmocka_unit_test(test_rc_status_counters),
        cmocka_unit_test(test_rc_storage_generation_and_scale),
        cmocka_unit_test(test_podtemplate_generation_and_validation),
        cmocka_unit_test(test_runtimeclass_rules),
        cmocka_unit_test(test_componentstatus_objects_and_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
