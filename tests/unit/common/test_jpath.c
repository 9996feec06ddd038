/* Field paths over jansson values: reads, writes that create objects, deletes, the bracket syntax
 * for keys with dots and slashes, path errors, and deep equality with Kubernetes number semantics.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jpath.h"

struct fixture {
    json_t *pod;
};

static const char *const POD =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
    "\"metadata\":{\"name\":\"web\",\"namespace\":\"default\","
    "\"annotations\":{\"kubernetes.io/change-cause\":\"kubectl run\",\"a.b\":\"dots\"}},"
    "\"spec\":{\"replicas\":3,\"ratio\":2.0,\"half\":0.5,\"hostNetwork\":true,"
    "\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.25\"},"
    "{\"name\":\"sidecar\",\"image\":\"envoy\"}]}}";

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &error);
    assert_non_null(v);
    return v;
}

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->pod = parse(POD);
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    json_decref(f->pod);
    free(f);
    return 0;
}

/* ---- Success ---- */

static void test_get_reads_nested_fields_and_list_elements(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(jpath_get_string(f->pod, "metadata.name"), "web");
    assert_string_equal(jpath_get_string(f->pod, ".metadata.namespace"), "default");
    assert_string_equal(jpath_get_string(f->pod, "spec.containers[1].image"), "envoy");
    assert_true(json_is_array(jpath_get(f->pod, "spec.containers")));
    assert_ptr_equal(
        jpath_get(f->pod, "spec.containers[0]"),
        json_array_get(json_object_get(json_object_get(f->pod, "spec"), "containers"), 0));
}

static void test_brackets_reach_keys_with_dots_and_slashes(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(
        jpath_get_string(f->pod, "metadata.annotations[\"kubernetes.io/change-cause\"]"),
        "kubectl run");
    assert_string_equal(jpath_get_string(f->pod, "metadata.annotations['a.b']"), "dots");
    assert_string_equal(jpath_get_string(f->pod, "[\"metadata\"][\"name\"]"), "web");
}

static void test_quoted_keys_unescape_quotes_and_backslashes(void **state)
{
    struct fixture *f = *state;
    struct err err = {0};
    assert_int_equal(
        jpath_set_new(f->pod, "metadata.labels[\"we\\\"ird\\\\key\"]", json_string("x"), &err), 0);
    json_t *labels = jpath_get(f->pod, "metadata.labels");
    assert_string_equal(json_string_value(json_object_get(labels, "we\"ird\\key")), "x");
}

static void test_missing_fields_and_wrong_steps_read_as_absent(void **state)
{
    struct fixture *f = *state;
    assert_null(jpath_get(f->pod, "metadata.uid"));
    assert_null(jpath_get(f->pod, "spec.containers[2]"));
    assert_null(jpath_get(f->pod, "spec.containers.name"));
    assert_null(jpath_get(f->pod, "metadata[0]"));
    assert_null(jpath_get_string(f->pod, "spec.replicas"));
    json_t *out = (json_t *)1;
    struct err err = {0};
    assert_int_equal(jpath_lookup(f->pod, "spec.template.spec", &out, &err), -ENOENT);
    assert_null(out);
    assert_string_equal(err.msg, "spec.template.spec: not found");
}

static void test_typed_getters_use_defaults_and_found_flags(void **state)
{
    struct fixture *f = *state;
    bool found = false;
    assert_int_equal(jpath_get_int(f->pod, "spec.replicas", -1, &found), 3);
    assert_true(found);
    assert_int_equal(jpath_get_int(f->pod, "spec.ratio", -1, &found), 2);
    assert_true(found);
    assert_int_equal(jpath_get_int(f->pod, "spec.half", -1, &found), -1);
    assert_false(found);
    assert_int_equal(jpath_get_int(f->pod, "metadata.name", 7, &found), 7);
    assert_false(found);
    assert_int_equal(jpath_get_int(f->pod, "spec.nothing", 9, NULL), 9);
    assert_true(jpath_get_bool(f->pod, "spec.hostNetwork", false));
    assert_false(jpath_get_bool(f->pod, "spec.hostPID", false));
    assert_true(jpath_get_bool(f->pod, "metadata.name", true));
}

static void test_set_new_creates_intermediate_objects(void **state)
{
    struct fixture *f = *state;
    struct err err = {0};
    assert_int_equal(
        jpath_set_new(f->pod, "spec.template.metadata.labels.app", json_string("web"), &err), 0);
    assert_string_equal(jpath_get_string(f->pod, "spec.template.metadata.labels.app"), "web");
    assert_int_equal(jpath_set_new(f->pod, "metadata.name", json_string("api"), &err), 0);
    assert_string_equal(jpath_get_string(f->pod, "metadata.name"), "api");
}

static void test_set_replaces_or_appends_list_elements(void **state)
{
    struct fixture *f = *state;
    struct err err = {0};
    assert_int_equal(
        jpath_set_new(f->pod, "spec.containers[0].image", json_string("nginx:1.27"), &err), 0);
    assert_string_equal(jpath_get_string(f->pod, "spec.containers[0].image"), "nginx:1.27");
    json_t *c = json_pack("{s:s}", "name", "third");
    assert_int_equal(jpath_set(f->pod, "spec.containers[2]", c, &err), 0);
    json_decref(c);
    assert_string_equal(jpath_get_string(f->pod, "spec.containers[2].name"), "third");
    assert_int_equal(json_array_size(jpath_get(f->pod, "spec.containers")), 3);
}

static void test_del_removes_keys_and_elements_and_tolerates_absence(void **state)
{
    struct fixture *f = *state;
    struct err err = {0};
    assert_int_equal(jpath_del(f->pod, "metadata.annotations[\"a.b\"]", &err), 1);
    assert_null(jpath_get(f->pod, "metadata.annotations[\"a.b\"]"));
    assert_int_equal(jpath_del(f->pod, "spec.containers[0]", &err), 1);
    assert_string_equal(jpath_get_string(f->pod, "spec.containers[0].name"), "sidecar");
    assert_int_equal(jpath_del(f->pod, "metadata.labels.app", &err), 0);
    assert_int_equal(jpath_del(f->pod, "spec.containers[5]", &err), 0);
}

static void test_equal_ignores_key_order_and_number_spelling(void **state)
{
    (void)state;
    json_t *a = parse("{\"a\":1,\"b\":[1,2.5,{\"c\":null}],\"d\":\"x\"}");
    json_t *b = parse("{\"d\":\"x\",\"b\":[1.0,2.5,{\"c\":null}],\"a\":1.0}");
    json_t *c = parse("{\"d\":\"x\",\"b\":[2.5,1,{\"c\":null}],\"a\":1}");
    json_t *d = parse("{\"a\":1,\"b\":[1,2.5,{\"c\":false}],\"d\":\"x\"}");
    assert_true(jpath_equal(a, b));
    assert_false(jpath_equal(a, c));
    assert_false(jpath_equal(a, d));
    json_t *big = json_integer(INT64_MAX);
    json_t *near = json_real(9223372036854775807.0);
    assert_false(jpath_equal(big, near));
    assert_true(jpath_equal(NULL, NULL));
    assert_false(jpath_equal(a, NULL));
    json_t *s1 = json_stringn("a\0b", 3), *s2 = json_stringn("a\0c", 3);
    assert_false(jpath_equal(s1, s2));
    json_decref(s1);
    json_decref(s2);
    json_decref(big);
    json_decref(near);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    json_decref(d);
}

static void test_type_names_follow_go_encoding_json(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(jpath_type_name(f->pod), "object");
    assert_string_equal(jpath_type_name(jpath_get(f->pod, "spec.containers")), "array");
    assert_string_equal(jpath_type_name(jpath_get(f->pod, "kind")), "string");
    assert_string_equal(jpath_type_name(jpath_get(f->pod, "spec.half")), "number");
    assert_string_equal(jpath_type_name(jpath_get(f->pod, "spec.hostNetwork")), "bool");
    assert_string_equal(jpath_type_name(NULL), "null");
}

/* ---- Failure ---- */

static void assert_bad_path(json_t *root, const char *path, const char *message)
{
    struct err err = {0};
    json_t *out;
    assert_int_equal(jpath_lookup(root, path, &out, &err), -EINVAL);
    assert_string_equal(err.msg, message);
    assert_null(jpath_get(root, path));
}

static void test_malformed_paths_are_rejected_with_offsets(void **state)
{
    struct fixture *f = *state;
    assert_bad_path(f->pod, "", "invalid path \"\": empty path");
    assert_bad_path(f->pod, "metadata..name",
                    "invalid path \"metadata..name\": empty field name at offset 9");
    assert_bad_path(f->pod, "metadata.",
                    "invalid path \"metadata.\": empty field name at offset 9");
    assert_bad_path(
        f->pod, "spec.containers[",
        "invalid path \"spec.containers[\": expected an index or a quoted key at offset "
        "16");
    assert_bad_path(f->pod, "spec.containers[-1]",
                    "invalid path \"spec.containers[-1]\": expected an index or a quoted key at "
                    "offset 16");
    assert_bad_path(f->pod, "spec.containers[0",
                    "invalid path \"spec.containers[0\": expected ']' at offset 17");
    assert_bad_path(f->pod, "a[\"b]",
                    "invalid path \"a[\"b]\": unterminated quoted key at offset 1");
    assert_bad_path(f->pod, "a]", "invalid path \"a]\": unexpected ']' at offset 1");
    assert_bad_path(f->pod, "a[0]b", "invalid path \"a[0]b\": expected '.' or '[' at offset 4");
}

static void test_set_through_a_scalar_fails_and_changes_nothing(void **state)
{
    struct fixture *f = *state;
    json_t *before = json_deep_copy(f->pod);
    struct err err = {0};
    assert_int_equal(jpath_set_new(f->pod, "metadata.name.first", json_string("x"), &err), -EINVAL);
    assert_string_equal(err.msg, "value cannot be set because metadata.name is not an object");
    assert_int_equal(jpath_set_new(f->pod, "spec.containers.name", json_string("x"), &err),
                     -EINVAL);
    assert_string_equal(err.msg, "value cannot be set because spec.containers is not an object");
    assert_int_equal(jpath_set_new(f->pod, "spec.containers[3]", json_string("x"), &err), -ENOENT);
    assert_string_equal(err.msg, "spec.containers[3]: index out of range");
    assert_int_equal(jpath_set_new(f->pod, "spec.containers[5].image", json_string("x"), &err),
                     -ENOENT);
    assert_int_equal(jpath_set_new(f->pod, "spec.volumes[0].name", json_string("x"), &err),
                     -ENOENT);
    assert_string_equal(err.msg, "spec.volumes: no such list");
    assert_int_equal(jpath_set_new(f->pod, "spec[0]", json_string("x"), &err), -EINVAL);
    assert_int_equal(jpath_set_new(f->pod, "bad..path", json_string("x"), &err), -EINVAL);
    assert_true(jpath_equal(before, f->pod));
    json_decref(before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_reads_nested_fields_and_list_elements, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_brackets_reach_keys_with_dots_and_slashes, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_quoted_keys_unescape_quotes_and_backslashes, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_missing_fields_and_wrong_steps_read_as_absent, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_typed_getters_use_defaults_and_found_flags, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_set_new_creates_intermediate_objects, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_set_replaces_or_appends_list_elements, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_del_removes_keys_and_elements_and_tolerates_absence,
                                        set_up, tear_down),
        cmocka_unit_test(test_equal_ignores_key_order_and_number_spelling),
        cmocka_unit_test_setup_teardown(test_type_names_follow_go_encoding_json, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_malformed_paths_are_rejected_with_offsets, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_set_through_a_scalar_fails_and_changes_nothing, set_up,
                                        tear_down),
    };
    return cmocka_run_group_tests_name("jpath", tests, NULL, NULL);
}
