/* Discovery documents: legacy lists and the aggregated v2 form kubectl 1.32 reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "discovery.h"

static json_t *find_named(json_t *array, const char *field, const char *value)
{
    size_t i;
    json_t *item;
    json_array_foreach (array, i, item) {
        const char *v = json_string_value(json_object_get(item, field));
        if (v != NULL && strcmp(v, value) == 0) {
            return item;
        }
    }
    return NULL;
}

static void test_core_resource_list_has_short_names_categories_and_subresources(void **state)
{
    json_t *list = discovery_resource_list("", "v1");
    assert_string_equal(json_string_value(json_object_get(list, "groupVersion")), "v1");
    json_t *resources = json_object_get(list, "resources");
    json_t *pods = find_named(resources, "name", "pods");
    assert_non_null(pods);
    assert_string_equal(json_string_value(json_array_get(json_object_get(pods, "shortNames"), 0)),
                        "po");
    assert_string_equal(json_string_value(json_array_get(json_object_get(pods, "categories"), 0)),
                        "all");
    json_t *eviction = find_named(resources, "name", "pods/eviction");
    assert_non_null(eviction);
    assert_string_equal(json_string_value(json_object_get(eviction, "group")), "policy");
    assert_string_equal(json_string_value(json_object_get(eviction, "kind")), "Eviction");
    json_t *ns = find_named(resources, "name", "namespaces");
    assert_false(json_is_true(json_object_get(ns, "namespaced")));
    json_decref(list);
    assert_null(discovery_resource_list("apps", "v2"));
}

static void test_group_list_names_preferred_versions(void **state)
{
    json_t *group_list = discovery_api_group_list();
    json_t *groups = json_object_get(group_list, "groups");
    json_t *apps = find_named(groups, "name", "apps");
    assert_non_null(apps);
    assert_string_equal(json_string_value(json_object_get(json_object_get(apps, "preferredVersion"),
                                                          "groupVersion")),
                        "apps/v1");
    assert_null(find_named(groups, "name", ""));
    json_decref(group_list);
    json_t *one = discovery_api_group("batch");
    assert_string_equal(json_string_value(json_object_get(one, "kind")), "APIGroup");
    json_decref(one);
    assert_null(discovery_api_group("nope.example.com"));
}

static void test_aggregated_form_and_accept_detection(void **state)
{
    json_t *core = discovery_aggregated(true);
    json_t *items = json_object_get(core, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(items, 0), "metadata"), "name")),
                        "");
    json_decref(core);
    json_t *groups = discovery_aggregated(false);
    json_t *apps = NULL;
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(groups, "items"), i, item) {
        if (strcmp(json_string_value(json_object_get(json_object_get(item, "metadata"), "name")),
                   "apps") == 0) {
            apps = item;
        }
    }
    assert_non_null(apps);
    json_t *v1 = json_array_get(json_object_get(apps, "versions"), 0);
    json_t *deploy = find_named(json_object_get(v1, "resources"), "resource", "deployments");
    assert_string_equal(json_string_value(json_object_get(deploy, "scope")), "Namespaced");
    json_t *scale = find_named(json_object_get(deploy, "subresources"), "subresource", "scale");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(scale, "responseKind"), "group")),
        "autoscaling");
    json_decref(groups);
    assert_true(discovery_wants_aggregated(
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/"
        "json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"));
    assert_false(discovery_wants_aggregated("application/json, */*"));
    assert_false(discovery_wants_aggregated(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_resource_list_has_short_names_categories_and_subresources),
        cmocka_unit_test(test_group_list_names_preferred_versions),
        cmocka_unit_test(test_aggregated_form_and_accept_detection),
    };
    return cmocka_run_group_tests_name("discovery", tests, NULL, NULL);
}
