/* Request bodies checked against the built-in types as kube-apiserver 1.32 decodes them:
 * encoding/json's wording (Go struct, dotted field path, Go type), custom unmarshalers
 * (Quantity, IntOrString, Time), null handling, unknown fields by strict path, and the
 * converter (strategic merge patch) and structured-merge-diff (apply) wordings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "typecheck.h"

#define POD       "io.k8s.api.core.v1.Pod"
#define CONFIGMAP "io.k8s.api.core.v1.ConfigMap"

struct fixture {
    json_t *obj;
    struct typecheck_result result;
};

static int set_up(void **state)
{
    *state = calloc(1, sizeof(struct fixture));
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    json_decref(f->obj);
    typecheck_result_free(&f->result);
    free(f);
    return 0;
}

/* Checks text against type in mode; returns the error (NULL when it decodes). */
static const char *check_mode(struct fixture *f, const char *type, const char *text,
                              enum typecheck_mode mode)
{
    json_decref(f->obj);
    typecheck_result_free(&f->result);
    json_error_t jerr;
    f->obj = json_loads(text, 0, &jerr);
    assert_non_null(f->obj);
    typecheck_value(type, f->obj, mode, false, &f->result);
    return f->result.error;
}

static const char *check(struct fixture *f, const char *type, const char *text)
{
    return check_mode(f, type, text, TYPECHECK_JSON);
}

static void assert_json(const json_t *v, const char *expected)
{
    json_t *want = json_loads(expected, 0, NULL);
    assert_non_null(want);
    if (!json_equal(v, want)) {
        char *got = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("got %s, want %s", got, expected);
    }
    json_decref(want);
}

static void assert_unknown(const struct fixture *f, const char *expected)
{
    char *msg = typecheck_strict_message(f->result.unknown);
    assert_string_equal(msg, expected);
    free(msg);
}

/* ---- Success ---- */

static void test_valid_pod_decodes_without_errors_or_unknown_fields(void **state)
{
    struct fixture *f = *state;
    assert_null(check(f, POD,
                      "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                      "\"labels\":{\"a\":\"b\"},\"creationTimestamp\":\"2024-02-29T10:00:00Z\"},"
                      "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\","
                      "\"ports\":[{\"containerPort\":80}],\"livenessProbe\":{\"httpGet\":"
                      "{\"port\":\"http\"}},\"resources\":{\"limits\":{\"cpu\":\"500m\"}}}],"
                      "\"terminationGracePeriodSeconds\":30}}"));
    assert_int_equal(json_array_size(f->result.unknown), 0);
}

static void test_null_members_are_dropped_and_null_map_values_become_empty(void **state)
{
    struct fixture *f = *state;
    assert_null(check(f, CONFIGMAP,
                      "{\"metadata\":{\"name\":null,\"labels\":null},\"data\":{\"a\":null},"
                      "\"binaryData\":null,\"immutable\":null}"));
    assert_json(f->obj, "{\"metadata\":{},\"data\":{\"a\":\"\"}}");
}

static void test_quantities_accept_strings_and_numbers_in_canonical_form(void **state)
{
    struct fixture *f = *state;
    assert_null(check(f, POD,
                      "{\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":"
                      "{\"cpu\":0.5,\"memory\":\"1Gi\"},\"requests\":{\"cpu\":2}}}]}}"));
    json_t *res = json_object_get(
        json_array_get(json_object_get(json_object_get(f->obj, "spec"), "containers"), 0),
        "resources");
    assert_json(res, "{\"limits\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"},"
                     "\"requests\":{\"cpu\":\"2\"}}");
}

static void test_int_or_string_takes_a_string_or_an_int32(void **state)
{
    struct fixture *f = *state;
    const char *svc = "io.k8s.api.core.v1.Service";
    assert_null(check(f, svc, "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":\"http\"}]}}"));
    assert_null(check(f, svc, "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080}]}}"));
}

static void test_free_form_fields_keep_everything(void **state)
{
    struct fixture *f = *state;
    assert_null(check(f, "io.k8s.api.apps.v1.ControllerRevision",
                      "{\"metadata\":{\"name\":\"r\"},\"data\":{\"anything\":{\"x\":[1,true]}},"
                      "\"revision\":1}"));
    assert_json(json_object_get(f->obj, "data"), "{\"anything\":{\"x\":[1,true]}}");
    assert_int_equal(json_array_size(f->result.unknown), 0);
}

static void test_kinds_of_subresources_are_known(void **state)
{
    struct fixture *f = *state;
    char buf[128];
    const char *eviction = typecheck_kind_schema("", "v1", "Pod", "eviction", buf, sizeof buf);
    assert_string_equal(eviction, "io.k8s.api.policy.v1.Eviction");
    assert_null(check(f, eviction, "{\"kind\":\"Eviction\",\"metadata\":{\"name\":\"p\"}}"));
    assert_string_equal(
        typecheck_kind_schema("apps", "v1", "Deployment", "status", buf, sizeof buf),
        "io.k8s.api.apps.v1.Deployment");
    assert_string_equal(
        typecheck_kind_schema("rbac.authorization.k8s.io", "v1", "Role", "", buf, sizeof buf),
        "io.k8s.api.rbac.v1.Role");
    assert_null(typecheck_kind_schema("", "v1", "Pod", "exec", buf, sizeof buf));
}

static void test_kind_without_a_schema_passes_unchanged(void **state)
{
    struct fixture *f = *state;
    assert_null(check(f, "io.k8s.api.example.v1.Unknown", "{\"a\":{\"b\":null}}"));
    assert_json(f->obj, "{\"a\":{\"b\":null}}");
}

/* ---- Failure: encoding/json ---- */

static void test_type_mismatches_name_the_go_struct_path_and_type(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(check(f, CONFIGMAP, "{\"data\":{\"a\":true}}"),
                        "json: cannot unmarshal bool into Go struct field ConfigMap.data of type "
                        "string");
    assert_string_equal(
        check(f, POD, "{\"spec\":{\"nodeSelector\":{\"x\":true}}}"),
        "json: cannot unmarshal bool into Go struct field PodSpec.spec.nodeSelector "
        "of type string");
    assert_string_equal(
        check(f, POD, "{\"spec\":{\"containers\":{}}}"),
        "json: cannot unmarshal object into Go struct field PodSpec.spec.containers "
        "of type []v1.Container");
    assert_string_equal(
        check(f, POD, "{\"spec\":{\"containers\":[{\"ports\":[{\"containerPort\":\"80\"}]}]}}"),
        "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports."
        "containerPort of type int32");
    assert_string_equal(check(f, POD, "{\"metadata\":\"x\"}"),
                        "json: cannot unmarshal string into Go struct field Pod.metadata of type "
                        "v1.ObjectMeta");
    assert_string_equal(
        check(f, POD, "{\"spec\":{\"containers\":[{\"resources\":{\"limits\":[]}}]}}"),
        "json: cannot unmarshal array into Go struct field ResourceRequirements."
        "spec.containers.resources.limits of type v1.ResourceList");
    assert_string_equal(check(f, CONFIGMAP, "{\"immutable\":\"yes\"}"),
                        "json: cannot unmarshal string into Go struct field ConfigMap.immutable of "
                        "type bool");
}

static void test_numbers_out_of_range_or_fractional_show_their_literal(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(check(f, POD,
                              "{\"spec\":{\"containers\":[{\"ports\":"
                              "[{\"containerPort\":3000000000}]}]}}"),
                        "json: cannot unmarshal number 3000000000 into Go struct field "
                        "ContainerPort.spec.containers.ports.containerPort of type int32");
    assert_string_equal(check(f, POD, "{\"spec\":{\"activeDeadlineSeconds\":1.5}}"),
                        "json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec."
                        "activeDeadlineSeconds of type int64");
}

static void test_first_type_error_wins(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(check(f, CONFIGMAP, "{\"data\":{\"a\":1},\"immutable\":\"x\"}"),
                        "json: cannot unmarshal number into Go struct field ConfigMap.data of type "
                        "string");
}

static void test_custom_unmarshalers_stop_the_decode_with_their_own_error(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(check(f, POD,
                              "{\"metadata\":{\"labels\":{\"a\":1}},\"spec\":{\"containers\":"
                              "[{\"resources\":{\"limits\":{\"cpu\":\"lots\"}}}]}}"),
                        "quantities must match the regular expression "
                        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    assert_string_equal(check(f, "io.k8s.api.core.v1.Service",
                              "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":true}]}}"),
                        "json: cannot unmarshal bool into Go value of type int32");
    assert_string_equal(check(f, CONFIGMAP, "{\"metadata\":{\"creationTimestamp\":\"yesterday\"}}"),
                        "parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot "
                        "parse \"yesterday\" as \"2006\"");
    assert_string_equal(
        check(f, CONFIGMAP, "{\"metadata\":{\"creationTimestamp\":\"2024-13-01T00:00:00Z\"}}"),
        "parsing time \"2024-13-01T00:00:00Z\": month out of range");
    assert_string_equal(
        check(f, CONFIGMAP, "{\"metadata\":{\"creationTimestamp\":\"2023-02-29T00:00:00Z\"}}"),
        "parsing time \"2023-02-29T00:00:00Z\": day out of range");
}

static void test_bytes_must_be_base64(void **state)
{
    struct fixture *f = *state;
    assert_null(check(f, "io.k8s.api.core.v1.Secret", "{\"data\":{\"a\":\"aGk=\"}}"));
    assert_string_equal(check(f, "io.k8s.api.core.v1.Secret", "{\"data\":{\"a\":\"hi!\"}}"),
                        "illegal base64 data at input byte 2");
}

static void test_unknown_fields_are_listed_by_path_and_dropped(void **state)
{
    struct fixture *f = *state;
    assert_null(check(f, POD,
                      "{\"bogus\":1,\"metadata\":{\"name\":\"p\",\"nam\":2,\"annotations\":"
                      "{\"free\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"c\"},"
                      "{\"name\":\"d\",\"imagee\":\"x\"}]},\"Spec\":{}}"));
    assert_unknown(f, "strict decoding error: unknown field \"bogus\", unknown field "
                      "\"metadata.nam\", unknown field \"spec.containers[1].imagee\", unknown "
                      "field \"Spec\"");
    assert_json(f->obj, "{\"metadata\":{\"name\":\"p\",\"annotations\":{\"free\":\"x\"}},"
                        "\"spec\":{\"containers\":[{\"name\":\"c\"},{\"name\":\"d\"}]}}");
}

/* ---- Failure: strategic merge patch (converter) and apply (structured-merge-diff) ---- */

static void test_converter_wording_for_strategic_merge_patches(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(check_mode(f, CONFIGMAP, "{\"data\":{\"a\":1}}", TYPECHECK_UNSTRUCTURED),
                        "cannot convert int64 to string");
    assert_string_equal(check_mode(f, CONFIGMAP, "{\"data\":{\"a\":true}}", TYPECHECK_UNSTRUCTURED),
                        "unrecognized type: string");
    assert_string_equal(check_mode(f, POD, "{\"spec\":\"x\"}", TYPECHECK_UNSTRUCTURED),
                        "cannot restore struct from: string");
    assert_null(check_mode(f, POD, "{\"spec\":{\"b\":1,\"a\":1}}", TYPECHECK_UNSTRUCTURED));
    assert_unknown(f, "strict decoding error: unknown field \"spec.a\", unknown field \"spec.b\"");
}

static void test_apply_wording_of_structured_merge_diff(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(check_mode(f, CONFIGMAP, "{\"bogus\":1}", TYPECHECK_APPLY),
                        ".bogus: field not declared in schema");
    assert_string_equal(check_mode(f, CONFIGMAP, "{\"data\":{\"a\":true}}", TYPECHECK_APPLY),
                        ".data.a: expected string, got &value.valueUnstructured{Value:true}");
    assert_string_equal(
        check_mode(f, POD, "{\"spec\":{\"activeDeadlineSeconds\":\"x\"}}", TYPECHECK_APPLY),
        ".spec.activeDeadlineSeconds: expected numeric (int or float), got string");
}

static void test_go_format_prints_maps_as_fmt_does(void **state)
{
    (void)state;
    json_t *v = json_loads("{\"b\":[\"x\",1.5],\"a\":{\"z\":true,\"y\":null}}", 0, NULL);
    char *text = typecheck_go_format(v);
    assert_string_equal(text, "map[a:map[y:<nil> z:true] b:[x 1.5]]");
    free(text);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)
        T(test_valid_pod_decodes_without_errors_or_unknown_fields),
        T(test_null_members_are_dropped_and_null_map_values_become_empty),
        T(test_quantities_accept_strings_and_numbers_in_canonical_form),
        T(test_int_or_string_takes_a_string_or_an_int32),
        T(test_free_form_fields_keep_everything),
        T(test_kinds_of_subresources_are_known),
        T(test_kind_without_a_schema_passes_unchanged),
        T(test_type_mismatches_name_the_go_struct_path_and_type),
        T(test_numbers_out_of_range_or_fractional_show_their_literal),
        T(test_first_type_error_wins),
        T(test_custom_unmarshalers_stop_the_decode_with_their_own_error),
        T(test_bytes_must_be_base64),
        T(test_unknown_fields_are_listed_by_path_and_dropped),
        T(test_converter_wording_for_strategic_merge_patches),
        T(test_apply_wording_of_structured_merge_diff),
        T(test_go_format_prints_maps_as_fmt_does),
#undef T
    };
    return cmocka_run_group_tests_name("typecheck", tests, NULL, NULL);
}
