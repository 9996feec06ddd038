/* Strategic merge patch on Kubernetes-shaped objects: containers merged by name, ports by
 * containerPort, env by name, finalizers as a merging primitive list, volumes with retainKeys,
 * directives, two-way and three-way creation as kubectl computes them, and upstream's errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jpatch.h"
#include "jpath.h"

/* The patch metadata of the Pod and Deployment fields used below, as their Go struct tags say. */
static const struct jpatch_smp_table_entry POD_TABLE[] = {
    {"metadata.finalizers", JPATCH_SMP_MERGE, NULL},
    {"metadata.ownerReferences", JPATCH_SMP_MERGE, "uid"},
    {"spec.containers", JPATCH_SMP_MERGE, "name"},
    {"spec.containers.ports", JPATCH_SMP_MERGE, "containerPort"},
    {"spec.containers.env", JPATCH_SMP_MERGE, "name"},
    {"spec.containers.volumeMounts", JPATCH_SMP_MERGE, "mountPath"},
    {"spec.volumes", JPATCH_SMP_MERGE | JPATCH_SMP_RETAIN_KEYS, "name"},
    {"spec.strategy", JPATCH_SMP_RETAIN_KEYS, NULL},
    {"spec.template.spec.containers", JPATCH_SMP_MERGE, "name"},
    {"spec.selector", JPATCH_SMP_REPLACE, NULL},
    {NULL, 0, NULL},
};

static const struct jpatch_smp_schema POD = {jpatch_smp_table_lookup, (void *)POD_TABLE};

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, 0, &error);
    if (v == NULL) {
        fail_msg("bad test JSON %s: %s", text, error.text);
    }
    return v;
}

static void assert_json(json_t *got, const char *want_text)
{
    json_t *want = parse(want_text);
    if (!jpath_equal(got, want)) {
        char *g = got ? json_dumps(got, JSON_SORT_KEYS) : NULL;
        fprintf(stderr, "want %s\n got %s\n", want_text, g ? g : "NULL");
        free(g);
        fail();
    }
    json_decref(want);
}

/* Applies patch to original with schema, checking that neither input changes. */
static json_t *smp(const char *original, const char *patch, const struct jpatch_smp_schema *schema,
                   struct err *err)
{
    json_t *o = parse(original), *p = parse(patch);
    json_t *o_before = json_deep_copy(o), *p_before = json_deep_copy(p);
    json_t *out = jpatch_smp_apply(o, p, schema, err);
    assert_true(jpath_equal(o, o_before));
    assert_true(jpath_equal(p, p_before));
    json_decref(o_before);
    json_decref(p_before);
    json_decref(o);
    json_decref(p);
    return out;
}

static void assert_applies(const char *original, const char *patch, const char *want)
{
    struct err err = {0};
    json_t *out = smp(original, patch, &POD, &err);
    if (out == NULL) {
        fail_msg("patch failed: %s", err.msg);
    }
    assert_json(out, want);
    json_decref(out);
}

static void assert_apply_fails(const char *original, const char *patch, int code,
                               const char *message)
{
    struct err err = {0};
    json_t *out = smp(original, patch, &POD, &err);
    assert_null(out);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, message);
}

/* ---- Success: apply ---- */

static const char *const PODSPEC =
    "{\"metadata\":{\"name\":\"web\",\"finalizers\":[\"a/one\",\"b/two\"]},"
    "\"spec\":{\"containers\":["
    "{\"name\":\"app\",\"image\":\"nginx:1\",\"ports\":[{\"containerPort\":80,\"name\":\"http\"}],"
    "\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]},"
    "{\"name\":\"log\",\"image\":\"fluentd\"}],"
    "\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}]}}";

static void test_containers_merge_by_name_and_keep_their_order(void **state)
{
    (void)state;
    assert_applies(PODSPEC,
                   "{\"spec\":{\"containers\":[{\"name\":\"log\",\"image\":\"fluent-bit\"}]}}",
                   "{\"metadata\":{\"name\":\"web\",\"finalizers\":[\"a/one\",\"b/two\"]},"
                   "\"spec\":{\"containers\":["
                   "{\"name\":\"app\",\"image\":\"nginx:1\",\"ports\":[{\"containerPort\":80,"
                   "\"name\":\"http\"}],\"env\":[{\"name\":\"A\",\"value\":\"1\"},"
                   "{\"name\":\"B\",\"value\":\"2\"}]},"
                   "{\"name\":\"log\",\"image\":\"fluent-bit\"}],"
                   "\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}]}}");
}

static void test_new_list_items_come_before_server_items_without_an_order(void **state)
{
    (void)state;
    /* As upstream: patch items first unless $setElementOrder says otherwise. */
    assert_applies(
        "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
        "{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
        "{\"spec\":{\"containers\":[{\"name\":\"c\"},{\"name\":\"a\"},{\"name\":\"b\"}]}}");
}

static void test_ports_merge_by_container_port_and_env_by_name(void **state)
{
    (void)state;
    assert_applies(
        "{\"spec\":{\"containers\":[{\"name\":\"app\","
        "\"ports\":[{\"containerPort\":80,\"name\":\"http\"},{\"containerPort\":443}],"
        "\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]}]}}",
        "{\"spec\":{\"containers\":[{\"name\":\"app\","
        "\"ports\":[{\"containerPort\":443,\"name\":\"https\"}],"
        "\"env\":[{\"name\":\"B\",\"value\":null,\"valueFrom\":{\"fieldRef\":{\"fieldPath\":"
        "\"metadata.name\"}}}]}]}}",
        "{\"spec\":{\"containers\":[{\"name\":\"app\","
        "\"ports\":[{\"containerPort\":80,\"name\":\"http\"},{\"containerPort\":443,"
        "\"name\":\"https\"}],"
        "\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"valueFrom\":{\"fieldRef\":"
        "{\"fieldPath\":\"metadata.name\"}}}]}]}}");
}

static void test_finalizers_merge_as_a_set_and_delete_from_primitive_list(void **state)
{
    (void)state;
    assert_applies("{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}",
                   "{\"metadata\":{\"finalizers\":[\"b\",\"c\"]}}",
                   "{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}");
    assert_applies("{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}",
                   "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"b\",\"x\"]}}",
                   "{\"metadata\":{\"finalizers\":[\"a\",\"c\"]}}");
    /* Without the merge strategy a primitive list is replaced. */
    assert_applies("{\"spec\":{\"containers\":[{\"name\":\"app\",\"args\":[\"a\",\"b\"]}]}}",
                   "{\"spec\":{\"containers\":[{\"name\":\"app\",\"args\":[\"c\"]}]}}",
                   "{\"spec\":{\"containers\":[{\"name\":\"app\",\"args\":[\"c\"]}]}}");
}

static void test_patch_delete_removes_a_container_and_a_map(void **state)
{
    (void)state;
    assert_applies(PODSPEC,
                   "{\"metadata\":{\"$patch\":\"delete\"},"
                   "\"spec\":{\"containers\":[{\"name\":\"app\",\"$patch\":\"delete\"}]}}",
                   "{\"metadata\":{},\"spec\":{\"containers\":[{\"name\":\"log\","
                   "\"image\":\"fluentd\"}],\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}]}}");
}

static void test_patch_replace_swaps_maps_and_lists_whole(void **state)
{
    (void)state;
    assert_applies("{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
                   "\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
                   "{\"metadata\":{\"labels\":{\"$patch\":\"replace\",\"c\":\"3\"}},"
                   "\"spec\":{\"containers\":[{\"name\":\"z\"},{\"$patch\":\"replace\"}]}}",
                   "{\"metadata\":{\"labels\":{\"c\":\"3\"}},"
                   "\"spec\":{\"containers\":[{\"name\":\"z\"}]}}");
    /* A field whose strategy is replace is never merged. */
    assert_applies("{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"1\"}}}}",
                   "{\"spec\":{\"selector\":{\"matchExpressions\":[]}}}",
                   "{\"spec\":{\"selector\":{\"matchExpressions\":[]}}}");
}

static void test_null_deletes_and_unmatched_nulls_vanish(void **state)
{
    (void)state;
    assert_applies("{\"metadata\":{\"labels\":{\"a\":\"1\"},\"annotations\":{\"x\":\"y\"}}}",
                   "{\"metadata\":{\"annotations\":null,\"labels\":{\"b\":null},"
                   "\"newmap\":{\"k\":null,\"v\":1}}}",
                   "{\"metadata\":{\"labels\":{\"a\":\"1\"},\"newmap\":{\"v\":1}}}");
}

static void test_retain_keys_clears_the_other_deployment_strategy(void **state)
{
    (void)state;
    assert_applies("{\"spec\":{\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
                   "{\"maxSurge\":1}}}}",
                   "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}}",
                   "{\"spec\":{\"strategy\":{\"type\":\"Recreate\"}}}");
    assert_applies("{\"spec\":{\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]}}",
                   "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"$retainKeys\":[\"name\","
                   "\"hostPath\"],\"hostPath\":{\"path\":\"/d\"}}]}}",
                   "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"/d\"}}]}}");
}

static void test_set_element_order_orders_patch_and_server_items(void **state)
{
    (void)state;
    /* The server added "istio"; the patch reorders app and log and adds init. Server-only items
     * keep their place relative to the live order of the items around them. */
    assert_applies("{\"spec\":{\"containers\":[{\"name\":\"app\"},{\"name\":\"log\"},"
                   "{\"name\":\"istio\"}]}}",
                   "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"log\"},"
                   "{\"name\":\"init\"},{\"name\":\"app\"}],"
                   "\"containers\":[{\"name\":\"init\",\"image\":\"busybox\"}]}}",
                   "{\"spec\":{\"containers\":[{\"name\":\"log\"},{\"name\":\"init\","
                   "\"image\":\"busybox\"},{\"name\":\"app\"},{\"name\":\"istio\"}]}}");
    assert_applies("{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}",
                   "{\"metadata\":{\"$setElementOrder/finalizers\":[\"c\",\"a\"],"
                   "\"$deleteFromPrimitiveList/finalizers\":[\"b\"]}}",
                   "{\"metadata\":{\"finalizers\":[\"c\",\"a\"]}}");
}

static void test_without_schema_maps_merge_and_lists_replace(void **state)
{
    (void)state;
    struct err err = {0};
    json_t *out = smp("{\"spec\":{\"a\":1,\"l\":[{\"name\":\"x\"}],\"m\":{\"k\":1}}}",
                      "{\"spec\":{\"l\":[{\"name\":\"y\"}],\"m\":{\"j\":2}}}", NULL, &err);
    assert_json(out, "{\"spec\":{\"a\":1,\"l\":[{\"name\":\"y\"}],\"m\":{\"k\":1,\"j\":2}}}");
    json_decref(out);
}

/* ---- Success: create ---- */

static void assert_two_way(const char *original, const char *modified, const char *want)
{
    struct err err = {0};
    json_t *o = parse(original), *m = parse(modified);
    json_t *patch = jpatch_smp_create(o, m, &POD, &err);
    if (patch == NULL) {
        fail_msg("create failed: %s", err.msg);
    }
    assert_json(patch, want);
    json_t *applied = jpatch_smp_apply(o, patch, &POD, &err);
    assert_true(jpath_equal(applied, m));
    json_decref(applied);
    json_decref(patch);
    json_decref(o);
    json_decref(m);
}

static void test_two_way_patch_uses_delete_directives_and_element_order(void **state)
{
    (void)state;
    assert_two_way("{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1\"},"
                   "{\"name\":\"log\",\"image\":\"fluentd\"}]}}",
                   "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:2\"}]}}",
                   "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"app\"}],"
                   "\"containers\":[{\"name\":\"app\",\"image\":\"nginx:2\"},"
                   "{\"name\":\"log\",\"$patch\":\"delete\"}]}}");
    assert_two_way("{\"metadata\":{\"finalizers\":[\"a\",\"b\"],\"labels\":{\"x\":\"1\"}}}",
                   "{\"metadata\":{\"finalizers\":[\"b\",\"c\"]}}",
                   "{\"metadata\":{\"$setElementOrder/finalizers\":[\"b\",\"c\"],"
                   "\"$deleteFromPrimitiveList/finalizers\":[\"a\"],\"finalizers\":[\"c\"],"
                   "\"labels\":null}}");
    assert_two_way("{\"a\":1}", "{\"a\":1}", "{}");
}

static void test_two_way_patch_adds_retain_keys_for_the_strategy(void **state)
{
    (void)state;
    assert_two_way("{\"spec\":{\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
                   "{\"maxSurge\":1}}}}",
                   "{\"spec\":{\"strategy\":{\"type\":\"Recreate\"}}}",
                   "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\","
                   "\"rollingUpdate\":null}}}");
}

static void test_three_way_patch_keeps_fields_others_set(void **state)
{
    (void)state;
    struct err err = {0};
    /* kubectl apply: the user dropped the "log" container and label b from their file, changed
     * replicas; the live object has a status, an injected sidecar and a label set by others. */
    json_t *last = parse("{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"spec\":{"
                         "\"replicas\":1,\"containers\":[{\"name\":\"app\"},{\"name\":\"log\"}]}}");
    json_t *mod = parse("{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"spec\":{\"replicas\":3,"
                        "\"containers\":[{\"name\":\"app\"}]}}");
    json_t *cur = parse("{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}},"
                        "\"spec\":{\"replicas\":1,\"containers\":[{\"name\":\"app\"},"
                        "{\"name\":\"log\"},{\"name\":\"sidecar\"}]},\"status\":{\"ready\":1}}");
    json_t *patch = jpatch_smp_create_three_way(last, mod, cur, &POD, &err);
    assert_json(patch, "{\"metadata\":{\"labels\":{\"b\":null}},\"spec\":{\"replicas\":3,"
                       "\"$setElementOrder/containers\":[{\"name\":\"app\"}],"
                       "\"containers\":[{\"name\":\"log\",\"$patch\":\"delete\"}]}}");
    json_t *result = jpatch_smp_apply(cur, patch, &POD, &err);
    assert_json(result, "{\"metadata\":{\"labels\":{\"a\":\"1\",\"c\":\"3\"}},\"spec\":{"
                        "\"replicas\":3,\"containers\":[{\"name\":\"app\"},"
                        "{\"name\":\"sidecar\"}]},\"status\":{\"ready\":1}}");
    json_decref(result);
    json_decref(patch);
    /* No last-applied configuration: nothing is deleted, but as upstream the order of the
     * shorter list is still sent. */
    patch = jpatch_smp_create_three_way(NULL, mod, cur, &POD, &err);
    assert_json(patch, "{\"spec\":{\"replicas\":3,\"$setElementOrder/containers\":"
                       "[{\"name\":\"app\"}]}}");
    json_decref(patch);
    /* Without a schema it is the three-way JSON merge patch kubectl uses for custom resources. */
    patch = jpatch_smp_create_three_way(last, mod, cur, NULL, &err);
    assert_json(patch, "{\"metadata\":{\"labels\":{\"b\":null}},\"spec\":{\"replicas\":3,"
                       "\"containers\":[{\"name\":\"app\"}]}}");
    json_decref(patch);
    json_decref(last);
    json_decref(mod);
    json_decref(cur);
}

/* ---- Failure ---- */

static void test_malformed_patches_fail_with_upstream_messages(void **state)
{
    (void)state;
    const char *pod = "{\"spec\":{\"containers\":[{\"name\":\"app\"}]},\"metadata\":{}}";
    assert_apply_fails(pod, "{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}", EINVAL,
                       "map: map[image:x] does not contain declared merge key: name");
    assert_apply_fails(pod, "{\"spec\":{\"containers\":[{\"name\":\"app\",\"$patch\":\"merge\"}]}}",
                       EINVAL, "merging lists cannot yet be specified in the patch");
    assert_apply_fails(pod, "{\"metadata\":{\"$patch\":\"bogus\"}}", EINVAL,
                       "unknown patch type: bogus in map: map[$patch:bogus]");
    assert_apply_fails(pod, "{\"spec\":{\"$retainKeys\":[\"x\"],\"containers\":[]}}", EINVAL,
                       "invalid patch format of retainKeys");
    assert_apply_fails(pod, "{\"spec\":{\"$retainKeys\":\"containers\"}}", EINVAL,
                       "invalid patch format of retainKeys");
    assert_apply_fails(pod, "{\"spec\":{\"$deleteFromPrimitiveListcontainers\":[\"x\"]}}", EINVAL,
                       "invalid patch format of primitive list");
    assert_apply_fails(pod,
                       "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"b\"}],"
                       "\"containers\":[{\"name\":\"a\"}]}}",
                       EINVAL,
                       "The order in patch list:\n[map[name:a]]\n doesn't match $setElementOrder "
                       "list:\n[map[name:b]]\n");
    assert_apply_fails("{\"metadata\":{\"finalizers\":[[\"a\"]]}}",
                       "{\"metadata\":{\"finalizers\":[[\"b\"]]}}", C8S_EINVALID,
                       "lists of lists are not supported");
    assert_apply_fails("{\"metadata\":{\"finalizers\":[\"a\"]}}",
                       "{\"metadata\":{\"finalizers\":[1.5]}}", EINVAL,
                       "list element types are not identical: [[a] [1.5]]");
    assert_apply_fails(pod, "[]", EINVAL, "invalid JSON document");
}

static int failing_lookup(void *data, const char *const *path, size_t depth,
                          struct jpatch_smp_field *out)
{
    (void)data;
    (void)out;
    return depth == 2 && strcmp(path[1], "containers") == 0 ? -EIO : -ENOENT;
}

static void test_schema_errors_and_bad_strategies_fail_the_patch(void **state)
{
    (void)state;
    struct err err = {0};
    const struct jpatch_smp_schema failing = {failing_lookup, NULL};
    json_t *out =
        smp("{\"spec\":{\"containers\":[]}}", "{\"spec\":{\"containers\":[]}}", &failing, &err);
    assert_null(out);
    assert_int_equal(err.code, EIO);
    assert_string_equal(err.msg, "LookupPatchMetaError(spec.containers): schema lookup failed");
    static const struct jpatch_smp_table_entry both[] = {
        {"a", JPATCH_SMP_MERGE | JPATCH_SMP_REPLACE, NULL},
        {NULL, 0, NULL},
    };
    const struct jpatch_smp_schema bad = {jpatch_smp_table_lookup, (void *)both};
    out = smp("{\"a\":[1]}", "{\"a\":[2]}", &bad, &err);
    assert_null(out);
    assert_string_equal(err.msg, "unexpected patch strategy: [merge replace]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_containers_merge_by_name_and_keep_their_order),
        cmocka_unit_test(test_new_list_items_come_before_server_items_without_an_order),
        cmocka_unit_test(test_ports_merge_by_container_port_and_env_by_name),
        cmocka_unit_test(test_finalizers_merge_as_a_set_and_delete_from_primitive_list),
        cmocka_unit_test(test_patch_delete_removes_a_container_and_a_map),
        cmocka_unit_test(test_patch_replace_swaps_maps_and_lists_whole),
        cmocka_unit_test(test_null_deletes_and_unmatched_nulls_vanish),
        cmocka_unit_test(test_retain_keys_clears_the_other_deployment_strategy),
        cmocka_unit_test(test_set_element_order_orders_patch_and_server_items),
        cmocka_unit_test(test_without_schema_maps_merge_and_lists_replace),
        cmocka_unit_test(test_two_way_patch_uses_delete_directives_and_element_order),
        cmocka_unit_test(test_two_way_patch_adds_retain_keys_for_the_strategy),
        cmocka_unit_test(test_three_way_patch_keeps_fields_others_set),
        cmocka_unit_test(test_malformed_patches_fail_with_upstream_messages),
        cmocka_unit_test(test_schema_errors_and_bad_strategies_fail_the_patch),
    };
    return cmocka_run_group_tests_name("jpatch_smp", tests, NULL, NULL);
}
