/* The resource mapper: discovery documents in both forms, and kubectl's resolution of short
 * names, singular and plural names, groups, versions and kinds, categories and paths. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mapper.h"

static const char AGGREGATED[] =
    "{\"kind\":\"APIGroupDiscoveryList\",\"items\":["
    "{\"metadata\":{\"name\":\"\"},\"versions\":[{\"version\":\"v1\",\"resources\":["
    "{\"resource\":\"pods\",\"responseKind\":{\"kind\":\"Pod\"},\"scope\":\"Namespaced\","
    "\"singularResource\":\"pod\",\"shortNames\":[\"po\"],\"categories\":[\"all\"],"
    "\"verbs\":[\"get\",\"list\"]},"
    "{\"resource\":\"events\",\"responseKind\":{\"kind\":\"Event\"},\"scope\":\"Namespaced\","
    "\"singularResource\":\"event\",\"shortNames\":[\"ev\"]},"
    "{\"resource\":\"namespaces\",\"responseKind\":{\"kind\":\"Namespace\"},\"scope\":\"Cluster\","
    "\"singularResource\":\"namespace\",\"shortNames\":[\"ns\"]}]}]},"
    "{\"metadata\":{\"name\":\"apps\"},\"versions\":[{\"version\":\"v1\",\"resources\":["
    "{\"resource\":\"deployments\",\"responseKind\":{\"kind\":\"Deployment\"},"
    "\"scope\":\"Namespaced\",\"singularResource\":\"deployment\",\"shortNames\":[\"deploy\"],"
    "\"categories\":[\"all\"]}]}]},"
    "{\"metadata\":{\"name\":\"events.k8s.io\"},\"versions\":[{\"version\":\"v1\",\"resources\":["
    "{\"resource\":\"events\",\"responseKind\":{\"kind\":\"Event\"},\"scope\":\"Namespaced\","
    "\"singularResource\":\"event\",\"shortNames\":[\"ev\"]}]}]},"
    "{\"metadata\":{\"name\":\"autoscaling\"},\"versions\":["
    "{\"version\":\"v2\",\"resources\":[{\"resource\":\"horizontalpodautoscalers\","
    "\"responseKind\":{\"kind\":\"HorizontalPodAutoscaler\"},\"scope\":\"Namespaced\","
    "\"shortNames\":[\"hpa\"],\"categories\":[\"all\"]}]},"
    "{\"version\":\"v1\",\"resources\":[{\"resource\":\"horizontalpodautoscalers\","
    "\"responseKind\":{\"kind\":\"HorizontalPodAutoscaler\"},\"scope\":\"Namespaced\","
    "\"shortNames\":[\"hpa\"],\"categories\":[\"all\"]}]}]}]}";

static int set_up(void **state)
{
    struct mapper *m = calloc(1, sizeof *m);
    json_t *doc = json_loads(AGGREGATED, 0, NULL);
    struct err e = {0};
    assert_int_equal(mapper_add_aggregated(m, doc, &e), 0);
    json_decref(doc);
    *state = m;
    return 0;
}

static int tear_down(void **state)
{
    mapper_free(*state);
    free(*state);
    return 0;
}

static void expect(const struct mapper *m, const char *arg, const char *group, const char *version,
                   const char *resource)
{
    struct err e = {0};
    const struct mapper_resource *r = mapper_resolve(m, arg, &e);
    assert_non_null(r);
    assert_string_equal(r->group, group);
    assert_string_equal(r->version, version);
    assert_string_equal(r->resource, resource);
}

/* ---- Success ---- */

static void test_names_resolve_as_kubectl_resolves_them(void **state)
{
    const struct mapper *m = *state;
    expect(m, "po", "", "v1", "pods");
    expect(m, "pods", "", "v1", "pods");
    expect(m, "pod", "", "v1", "pods");
    expect(m, "Pods", "", "v1", "pods");
    expect(m, "deploy", "apps", "v1", "deployments");
    expect(m, "deployments.apps", "apps", "v1", "deployments");
    expect(m, "deployment.v1.apps", "apps", "v1", "deployments");
    expect(m, "Deployment", "apps", "v1", "deployments");
    expect(m, "Deployment.apps", "apps", "v1", "deployments");
    expect(m, "ns", "", "v1", "namespaces");
    /* the core group comes first; a group picks the other one */
    expect(m, "events", "", "v1", "events");
    expect(m, "ev", "", "v1", "events");
    expect(m, "events.events.k8s.io", "events.k8s.io", "v1", "events");
    /* the preferred (first) version wins unless one is named */
    expect(m, "hpa", "autoscaling", "v2", "horizontalpodautoscalers");
    expect(m, "horizontalpodautoscalers.v1.autoscaling", "autoscaling", "v1",
           "horizontalpodautoscalers");
}

static void test_categories_list_each_resource_once_in_discovery_order(void **state)
{
    const struct mapper *m = *state;
    const struct mapper_resource *out[8];
    size_t n = mapper_category(m, "all", out, 8);
    assert_int_equal(n, 3);
    assert_string_equal(out[0]->resource, "pods");
    assert_string_equal(out[1]->resource, "deployments");
    assert_string_equal(out[2]->version, "v2");
    assert_int_equal(mapper_category(m, "none", out, 8), 0);
}

static void test_names_and_paths_follow_kubectl(void **state)
{
    const struct mapper *m = *state;
    struct err e = {0};
    const struct mapper_resource *d = mapper_resolve(m, "deploy", &e);
    const struct mapper_resource *ns = mapper_resolve(m, "ns", &e);
    char *s = mapper_kind_group(d);
    assert_string_equal(s, "deployment.apps");
    free(s);
    s = mapper_resource_group(d);
    assert_string_equal(s, "deployments.apps");
    free(s);
    s = mapper_collection_path(d, "default");
    assert_string_equal(s, "/apis/apps/v1/namespaces/default/deployments");
    free(s);
    s = mapper_collection_path(ns, "default");
    assert_string_equal(s, "/api/v1/namespaces");
    free(s);
    assert_ptr_equal(mapper_for_kind(m, "apps/v1", "Deployment", &e), d);
    assert_ptr_equal(mapper_for_kind(m, "v1", "Namespace", &e), ns);
}

static void test_legacy_resource_lists_skip_subresources(void **state)
{
    (void)state;
    struct mapper m = {0};
    json_t *list = json_loads("{\"resources\":[{\"name\":\"pods\",\"kind\":\"Pod\","
                              "\"namespaced\":true,\"shortNames\":[\"po\"]},"
                              "{\"name\":\"pods/log\",\"kind\":\"Pod\",\"namespaced\":true}]}",
                              0, NULL);
    struct err e = {0};
    assert_int_equal(mapper_add_resource_list(&m, "", "v1", true, list, &e), 0);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.v[0].singular, "pod"); /* from the kind when discovery gives none */
    expect(&m, "po", "", "v1", "pods");
    json_decref(list);
    mapper_free(&m);
}

/* ---- Failure ---- */

static void test_unknown_types_fail_with_kubectls_message(void **state)
{
    const struct mapper *m = *state;
    struct err e = {0};
    assert_null(mapper_resolve(m, "foo", &e));
    assert_string_equal(e.msg, "the server doesn't have a resource type \"foo\"");
    assert_null(mapper_resolve(m, "pods.nogroup", &e));
    assert_string_equal(e.msg, "the server doesn't have a resource type \"pods\"");
    assert_null(mapper_resolve(m, "PO", &e)); /* short names are case-sensitive */
    assert_null(mapper_for_kind(m, "v1", "Foo", &e));
    assert_string_equal(e.msg, "no matches for kind \"Foo\" in version \"v1\"");
    json_t *bad = json_object();
    assert_int_equal(mapper_add_aggregated(*state, bad, &e), -EINVAL);
    json_decref(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_names_resolve_as_kubectl_resolves_them, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_categories_list_each_resource_once_in_discovery_order,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_names_and_paths_follow_kubectl, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_legacy_resource_lists_skip_subresources, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_unknown_types_fail_with_kubectls_message, set_up,
                                        tear_down),
    };
    return cmocka_run_group_tests_name("ctl_mapper", tests, NULL, NULL);
}
