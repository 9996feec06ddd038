/* The pure parts of the subresources: the Scale view of workloads and the eviction's budget
 * arithmetic (checkAndDecrement), without storage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "subresources_internal.h"

static const struct timespec NOW = {1700000000, 0}; /* 2023-11-14T22:13:20Z */

static json_t *load(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    return j;
}

static void assert_json(json_t *got, const char *want_text)
{
    json_t *want = load(want_text);
    char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
    if (!json_equal(got, want)) {
        fail_msg("got %s\nwant %s", g, want_text);
    }
    free(g);
    json_decref(want);
}

static void test_scale_of_a_deployment(void **state)
{
    json_t *d = load("{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\","
                     "\"uid\":\"u\",\"resourceVersion\":\"9\",\"creationTimestamp\":"
                     "\"2023-11-14T00:00:00Z\",\"labels\":{\"x\":\"y\"},\"generation\":4},"
                     "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"b\":\"2\","
                     "\"a\":\"1\"},\"matchExpressions\":[{\"key\":\"c\",\"operator\":"
                     "\"NotIn\",\"values\":[\"z\",\"y\"]},{\"key\":\"d\",\"operator\":"
                     "\"DoesNotExist\"}]}},\"status\":{\"replicas\":2}}");
    json_t *s = scale_of(d);
    assert_json(s, "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":"
                   "\"web\",\"namespace\":\"ns\",\"uid\":\"u\",\"resourceVersion\":\"9\","
                   "\"creationTimestamp\":\"2023-11-14T00:00:00Z\"},\"spec\":{\"replicas\":3},"
                   "\"status\":{\"replicas\":2,\"selector\":\"a=1,b=2,c notin (y,z),!d\"}}");
    json_decref(s);
    json_decref(d);
    /* Replicas default to 1; a bad selector has no Scale. */
    d = load("{\"metadata\":{\"name\":\"x\"},\"spec\":{\"selector\":{}}}");
    s = scale_of(d);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "spec"), "replicas")),
                     1);
    json_decref(s);
    json_decref(d);
    d = load("{\"metadata\":{\"name\":\"x\"},\"spec\":{\"selector\":{\"matchExpressions\":"
             "[{\"key\":\"a\",\"operator\":\"Near\"}]}}}");
    assert_null(scale_of(d));
    json_decref(d);
}

#define BUDGET(generation, observed, allowed)                                                      \
    "{\"metadata\":{\"name\":\"b\",\"generation\":" generation "},\"status\":{"                    \
    "\"observedGeneration\":" observed ",\"disruptionsAllowed\":" allowed ",\"currentHealthy\":3," \
    "\"desiredHealthy\":2,\"expectedPods\":3}}"

static json_t *check(const char *budget, bool dry_run, json_t **next, int *code)
{
    json_t *pdb = load(budget);
    json_t *refused = eviction_check_and_decrement(pdb, "p1", dry_run, &NOW, next, code);
    json_decref(pdb);
    return refused;
}

static void test_a_budget_with_room_is_spent(void **state)
{
    json_t *next = NULL;
    int code = 0;
    assert_null(check(BUDGET("2", "2", "2"), false, &next, &code));
    json_t *status = json_object_get(next, "status");
    assert_int_equal(json_integer_value(json_object_get(status, "disruptionsAllowed")), 1);
    assert_json(json_object_get(status, "disruptedPods"), "{\"p1\":\"2023-11-14T22:13:20Z\"}");
    assert_null(json_object_get(status, "conditions"));
    json_decref(next);
    assert_null(check(BUDGET("2", "2", "1"), false, &next, &code));
    assert_json(json_object_get(json_object_get(next, "status"), "conditions"),
                "[{\"type\":\"DisruptionAllowed\",\"status\":\"False\",\"reason\":"
                "\"InsufficientPods\",\"message\":\"\",\"observedGeneration\":2,"
                "\"lastTransitionTime\":\"2023-11-14T22:13:20Z\"}]");
    json_decref(next);
    /* A dry run spends without recording the pod. */
    assert_null(check(BUDGET("2", "2", "2"), true, &next, &code));
    assert_null(json_object_get(json_object_get(next, "status"), "disruptedPods"));
    json_decref(next);
}

static void test_an_exhausted_or_unobserved_budget_refuses(void **state)
{
    json_t *next = NULL;
    int code = 0;
    json_t *refused = check(BUDGET("2", "2", "0"), false, &next, &code);
    assert_int_equal(code, 429);
    assert_null(next);
    assert_json(json_object_get(refused, "details"),
                "{\"causes\":[{\"reason\":\"DisruptionBudget\",\"message\":\"The disruption budget "
                "b needs 2 healthy pods and has 3 currently\"}]}");
    json_decref(refused);
    refused = check(BUDGET("2", "1", "5"), false, &next, &code);
    assert_int_equal(code, 429);
    assert_json(json_object_get(refused, "details"),
                "{\"retryAfterSeconds\":10,\"causes\":[{\"reason\":\"DisruptionBudget\","
                "\"message\":\"The disruption budget b is still being processed by the "
                "server.\"}]}");
    json_decref(refused);
    refused = check(BUDGET("2", "2", "-1"), false, &next, &code);
    assert_int_equal(code, 403);
    assert_string_equal(json_string_value(json_object_get(refused, "message")),
                        "poddisruptionbudget.policy \"b\" is forbidden: pdb disruptions allowed "
                        "is negative");
    json_decref(refused);
}

static void test_unready_pods_and_healthy_budgets(void **state)
{
    json_t *ready =
        load("{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
    json_t *unready =
        load("{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}}");
    assert_true(eviction_pod_is_ready(ready));
    assert_false(eviction_pod_is_ready(unready));
    json_t *healthy = load(BUDGET("1", "1", "0"));
    json_t *unhealthy = load("{\"status\":{\"currentHealthy\":1,\"desiredHealthy\":2}}");
    json_t *always = load("{\"spec\":{\"unhealthyPodEvictionPolicy\":\"AlwaysAllow\"},"
                          "\"status\":{\"currentHealthy\":0,\"desiredHealthy\":2}}");
    assert_true(eviction_unready_pod_may_go(healthy));
    assert_false(eviction_unready_pod_may_go(unhealthy));
    assert_true(eviction_unready_pod_may_go(always));
    json_decref(ready);
    json_decref(unready);
    json_decref(healthy);
    json_decref(unhealthy);
    json_decref(always);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale_of_a_deployment),
        cmocka_unit_test(test_a_budget_with_room_is_spent),
        cmocka_unit_test(test_an_exhausted_or_unobserved_budget_refuses),
        cmocka_unit_test(test_unready_pods_and_healthy_budgets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
