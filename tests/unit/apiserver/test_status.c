/* Status objects as kube-apiserver writes them (reasons, codes, messages, details). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "resources.h"
#include "status.h"

static void assert_json(json_t *got, const char *want_text)
{
    json_t *want = json_loads(want_text, 0, NULL);
    assert_non_null(want);
    char *g = json_dumps(got, JSON_COMPACT);
    if (!json_equal(got, want)) {
        fail_msg("got %s\nwant %s", g, want_text);
    }
    free(g);
    json_decref(want);
    json_decref(got);
}

static void test_not_found_names_the_qualified_resource(void **state)
{
    assert_json(status_not_found("apps", "deployments", "web"),
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                "\"message\":\"deployments.apps \\\"web\\\" not found\",\"reason\":\"NotFound\","
                "\"details\":{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"deployments\"},"
                "\"code\":404}");
    json_t *core = status_not_found("", "pods", "x");
    assert_string_equal(json_string_value(json_object_get(core, "message")),
                        "pods \"x\" not found");
    assert_null(json_object_get(json_object_get(core, "details"), "group"));
    json_decref(core);
}

static void test_conflict_and_already_exists_wording(void **state)
{
    json_t *c = status_conflict("", "configmaps", "cm", NULL);
    assert_string_equal(json_string_value(json_object_get(c, "message")),
                        "Operation cannot be fulfilled on configmaps \"cm\": the object has been "
                        "modified; please apply your changes to the latest version and try again");
    assert_int_equal(status_code(c), 409);
    json_decref(c);
    json_t *e = status_already_exists("", "namespaces", "dev");
    assert_string_equal(json_string_value(json_object_get(e, "reason")), "AlreadyExists");
    assert_string_equal(json_string_value(json_object_get(e, "message")),
                        "namespaces \"dev\" already exists");
    json_decref(e);
}

static void test_invalid_lists_every_field_error_with_causes(void **state)
{
    struct field_errors fe;
    field_errors_init(&fe);
    field_errors_add(&fe, FIELD_REQUIRED, "spec.containers", NULL, NULL);
    json_t *bad = json_string("Sometimes");
    field_errors_add(&fe, FIELD_NOT_SUPPORTED, "spec.restartPolicy", bad,
                     "\"Always\", \"Never\", \"OnFailure\"");
    json_decref(bad);
    json_t *s = status_invalid("", "Pod", "web", &fe);
    assert_string_equal(json_string_value(json_object_get(s, "message")),
                        "Pod \"web\" is invalid: [spec.containers: Required value, "
                        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: "
                        "\"Always\", \"Never\", \"OnFailure\"]");
    json_t *causes = json_object_get(json_object_get(s, "details"), "causes");
    assert_int_equal(json_array_size(causes), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 0), "reason")),
                        "FieldValueRequired");
    assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 1), "field")),
                        "spec.restartPolicy");
    assert_string_equal(json_string_value(json_object_get(json_object_get(s, "details"), "kind")),
                        "Pod");
    assert_int_equal(status_code(s), 422);
    json_decref(s);

    struct field_errors one;
    field_errors_init(&one);
    json_t *name = json_string("Bad_Name");
    field_errors_add(&one, FIELD_INVALID, "metadata.name", name, "must be lowercase");
    json_decref(name);
    json_t *single = status_invalid("", "ConfigMap", "Bad_Name", &one);
    assert_string_equal(json_string_value(json_object_get(single, "message")),
                        "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: "
                        "\"Bad_Name\": must be lowercase");
    json_decref(single);
    field_errors_free(&one);
    field_errors_free(&fe);
}

static void test_forbidden_with_and_without_a_name(void **state)
{
    json_t *f = status_forbidden("", "pods", NULL,
                                 "User \"bob\" cannot list resource \"pods\" in API group \"\" in "
                                 "the namespace \"default\"");
    assert_string_equal(json_string_value(json_object_get(f, "message")),
                        "pods is forbidden: User \"bob\" cannot list resource \"pods\" in API "
                        "group \"\" in the namespace \"default\"");
    assert_int_equal(status_code(f), 403);
    json_decref(f);
}

static void test_resource_table_matches_kubernetes_discovery(void **state)
{
    const struct resource *deploy = resources_find("apps", "v1", "deployments");
    assert_non_null(deploy);
    assert_string_equal(deploy->kind, "Deployment");
    assert_string_equal(deploy->short_names[0], "deploy");
    assert_true(deploy->in_category_all);
    const struct subresource *scale = resources_find_sub(deploy, "scale");
    assert_non_null(scale);
    assert_string_equal(scale->group, "autoscaling");
    const struct resource *pods = resources_find("", "v1", "pods");
    const struct subresource *eviction = resources_find_sub(pods, "eviction");
    assert_string_equal(eviction->group, "policy");
    assert_false(resources_find("", "v1", "namespaces")->namespaced);
    assert_null(resources_find("", "v1", "deployments"));
    assert_ptr_equal(resources_find_kind("rbac.authorization.k8s.io", "Role"),
                     resources_find("rbac.authorization.k8s.io", "v1", "roles"));
    size_t n = 0;
    const struct resource *all = resources_all(&n);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(all[i].verbs[0]);
        assert_non_null(all[i].singular);
    }
    char gv[64];
    assert_string_equal(resources_group_version("", "v1", gv, sizeof gv), "v1");
    assert_string_equal(resources_group_version("apps", "v1", gv, sizeof gv), "apps/v1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_found_names_the_qualified_resource),
        cmocka_unit_test(test_conflict_and_already_exists_wording),
        cmocka_unit_test(test_invalid_lists_every_field_error_with_causes),
        cmocka_unit_test(test_forbidden_with_and_without_a_name),
        cmocka_unit_test(test_resource_table_matches_kubernetes_discovery),
    };
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
