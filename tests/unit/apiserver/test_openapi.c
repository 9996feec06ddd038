/* The OpenAPI documents kubectl reads before sending manifests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "openapi.h"

static void test_v3_index_points_at_every_group_version(void **state)
{
    json_t *index = openapi_v3_index();
    json_t *paths = json_object_get(index, "paths");
    const char *core =
        json_string_value(json_object_get(json_object_get(paths, "api/v1"), "serverRelativeURL"));
    assert_non_null(core);
    assert_true(strncmp(core, "/openapi/v3/api/v1?hash=", 24) == 0);
    assert_non_null(json_object_get(paths, "apis/apps/v1"));
    assert_non_null(json_object_get(paths, "apis/rbac.authorization.k8s.io/v1"));
    json_decref(index);
}

static void test_group_version_document_declares_patch_with_field_validation(void **state)
{
    json_t *doc = openapi_v3_group_version("apps", "v1");
    json_t *op =
        json_object_get(json_object_get(json_object_get(doc, "paths"),
                                        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"),
                        "patch");
    assert_non_null(op);
    json_t *gvk = json_object_get(op, "x-kubernetes-group-version-kind");
    assert_string_equal(json_string_value(json_object_get(gvk, "kind")), "Deployment");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(op, "parameters"), 0), "name")),
                        "fieldValidation");
    json_decref(doc);
    json_t *core = openapi_v3_group_version("", "v1");
    assert_non_null(json_object_get(json_object_get(core, "paths"), "/api/v1/namespaces/{name}"));
    json_decref(core);
    assert_null(openapi_v3_group_version("apps", "v9"));
}

static void test_v2_protobuf_is_the_gnostic_header_document(void **state)
{
    size_t len = 0;
    const unsigned char *doc = openapi_v2_protobuf(&len);
    assert_int_equal(len, 28);
    assert_int_equal(doc[0], 0x0a);
    assert_memory_equal(doc + 9, "Kubernetes", 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_index_points_at_every_group_version),
        cmocka_unit_test(test_group_version_document_declares_patch_with_field_validation),
        cmocka_unit_test(test_v2_protobuf_is_the_gnostic_header_document),
    };
    return cmocka_run_group_tests_name("openapi", tests, NULL, NULL);
}
