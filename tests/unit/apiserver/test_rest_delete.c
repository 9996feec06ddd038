/* The deletion decision (rest.BeforeDelete + Store.Delete's branches) and DeleteOptions parsing,
 * without storage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "k8stime.h"
#include "resources.h"
#include "rest_delete.h"
#include "status.h"

static const struct timespec NOW = {1700000000, 0}; /* 2023-11-14T22:13:20Z */

static json_t *load(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    return j;
}

static struct rest_delete_options options_of(const char *text)
{
    struct rest_delete_options o;
    int code = 0;
    json_t *in = load(text);
    json_t *error = rest_delete_options_from_json(in, &o, &code);
    json_decref(in);
    assert_null(error);
    return o;
}

static const char *meta_str(const json_t *obj, const char *field)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), field));
}

static json_int_t meta_int(const json_t *obj, const char *field)
{
    return json_integer_value(json_object_get(json_object_get(obj, "metadata"), field));
}

static enum rest_delete_step decide(const char *plural, const char *group, const char *object,
                                    const char *options, json_t **next)
{
    const struct resource *res = resources_find(group, "v1", plural);
    assert_non_null(res);
    json_t *current = load(object);
    struct rest_delete_options o = options_of(options);
    json_t *error = NULL;
    int code = 0;
    enum rest_delete_step step = rest_delete_decide(res, current, &o, &NOW, next, &error, &code);
    assert_null(error);
    rest_delete_options_free(&o);
    json_decref(current);
    return step;
}

#define SCHEDULED_POD                                                                            \
    "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"uid\":\"u\",\"resourceVersion\":\"5\"},"   \
    "\"spec\":{\"nodeName\":\"n1\",\"terminationGracePeriodSeconds\":45},\"status\":{\"phase\":" \
    "\"Running\"}}"

static void test_scheduled_pod_gets_its_grace_period(void **state)
{
    json_t *next = NULL;
    assert_int_equal(decide("pods", "", SCHEDULED_POD, "{}", &next), REST_DELETE_MARK);
    assert_int_equal(meta_int(next, "deletionGracePeriodSeconds"), 45);
    assert_string_equal(meta_str(next, "deletionTimestamp"), "2023-11-14T22:14:05Z");
    json_decref(next);
    assert_int_equal(decide("pods", "", SCHEDULED_POD, "{\"gracePeriodSeconds\":-5}", &next),
                     REST_DELETE_MARK);
    assert_int_equal(meta_int(next, "deletionGracePeriodSeconds"), 1);
    json_decref(next);
}

static void test_grace_zero_unscheduled_and_finished_pods_go_now(void **state)
{
    json_t *next = NULL;
    assert_int_equal(decide("pods", "", SCHEDULED_POD, "{\"gracePeriodSeconds\":0}", &next),
                     REST_DELETE_MARK_THEN_DELETE);
    assert_int_equal(meta_int(next, "deletionGracePeriodSeconds"), 0);
    json_decref(next);
    assert_int_equal(decide("pods", "", "{\"metadata\":{\"name\":\"p\"},\"spec\":{}}", "{}", &next),
                     REST_DELETE_MARK_THEN_DELETE);
    json_decref(next);
    assert_int_equal(decide("pods", "",
                            "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"n\"},"
                            "\"status\":{\"phase\":\"Failed\"}}",
                            "{}", &next),
                     REST_DELETE_MARK_THEN_DELETE);
    json_decref(next);
}

#define TERMINATING_POD(grace)                                                      \
    "{\"metadata\":{\"name\":\"p\",\"deletionTimestamp\":\"2023-11-14T22:14:05Z\"," \
    "\"deletionGracePeriodSeconds\":" grace "},\"spec\":{\"nodeName\":\"n1\"}}"

static void test_a_second_delete_may_only_shorten_the_grace_period(void **state)
{
    json_t *next = NULL;
    assert_int_equal(decide("pods", "", TERMINATING_POD("45"), "{}", &next), REST_DELETE_PENDING);
    assert_null(next);
    assert_int_equal(
        decide("pods", "", TERMINATING_POD("45"), "{\"gracePeriodSeconds\":60}", &next),
        REST_DELETE_PENDING);
    assert_int_equal(decide("pods", "", TERMINATING_POD("45"), "{\"gracePeriodSeconds\":5}", &next),
                     REST_DELETE_MARK);
    assert_string_equal(meta_str(next, "deletionTimestamp"), "2023-11-14T22:13:25Z");
    assert_int_equal(meta_int(next, "deletionGracePeriodSeconds"), 5);
    json_decref(next);
    /* The kubelet's grace-0 delete, or a mark whose grace is already spent, removes it. */
    assert_int_equal(decide("pods", "", TERMINATING_POD("45"), "{\"gracePeriodSeconds\":0}", &next),
                     REST_DELETE_MARK_THEN_DELETE);
    json_decref(next);
    assert_int_equal(decide("pods", "", TERMINATING_POD("0"), "{}", &next), REST_DELETE_NOW);
}

static void test_propagation_policies_set_gc_finalizers(void **state)
{
    const char *deploy = "{\"metadata\":{\"name\":\"d\",\"generation\":3}}";
    json_t *next = NULL;
    assert_int_equal(decide("deployments", "apps", deploy, "{}", &next), REST_DELETE_NOW);
    assert_int_equal(
        decide("deployments", "apps", deploy, "{\"propagationPolicy\":\"Background\"}", &next),
        REST_DELETE_NOW);
    assert_int_equal(
        decide("deployments", "apps", deploy, "{\"propagationPolicy\":\"Orphan\"}", &next),
        REST_DELETE_MARK);
    json_t *f = json_object_get(json_object_get(next, "metadata"), "finalizers");
    assert_string_equal(json_string_value(json_array_get(f, 0)), "orphan");
    assert_int_equal(meta_int(next, "deletionGracePeriodSeconds"), 0);
    assert_string_equal(meta_str(next, "deletionTimestamp"), "2023-11-14T22:13:20Z");
    assert_int_equal(meta_int(next, "generation"), 4);
    json_decref(next);
    assert_int_equal(
        decide("deployments", "apps", deploy, "{\"propagationPolicy\":\"Foreground\"}", &next),
        REST_DELETE_MARK);
    f = json_object_get(json_object_get(next, "metadata"), "finalizers");
    assert_string_equal(json_string_value(json_array_get(f, 0)), "foregroundDeletion");
    json_decref(next);
    /* batch/v1 jobs keep orphaning by default; events never get GC finalizers. */
    assert_int_equal(decide("jobs", "batch", "{\"metadata\":{\"name\":\"j\"}}", "{}", &next),
                     REST_DELETE_MARK);
    json_decref(next);
    assert_int_equal(decide("events", "", "{\"metadata\":{\"name\":\"e\"}}",
                            "{\"propagationPolicy\":\"Orphan\"}", &next),
                     REST_DELETE_NOW);
}

static void test_finalizers_keep_the_first_deletion_timestamp(void **state)
{
    const char *held = "{\"metadata\":{\"name\":\"c\",\"finalizers\":[\"x/y\"],"
                       "\"deletionTimestamp\":\"2023-11-14T00:00:00Z\","
                       "\"deletionGracePeriodSeconds\":0}}";
    json_t *next = NULL;
    assert_int_equal(decide("configmaps", "", held, "{}", &next), REST_DELETE_MARK);
    assert_string_equal(meta_str(next, "deletionTimestamp"), "2023-11-14T00:00:00Z");
    json_decref(next);
    /* Background removes an orphan finalizer; nothing else holding it, it goes. */
    assert_int_equal(decide("configmaps", "",
                            "{\"metadata\":{\"name\":\"c\",\"finalizers\":[\"orphan\"]}}",
                            "{\"propagationPolicy\":\"Background\"}", &next),
                     REST_DELETE_NOW);
}

static void test_preconditions_fail_with_the_kind(void **state)
{
    const struct resource *res = resources_find("apps", "v1", "deployments");
    json_t *current =
        load("{\"metadata\":{\"name\":\"d\",\"uid\":\"u1\",\"resourceVersion\":\"7\"}}");
    struct rest_delete_options o = options_of("{\"preconditions\":{\"resourceVersion\":\"6\"}}");
    json_t *next = NULL;
    json_t *error = NULL;
    int code = 0;
    assert_int_equal(rest_delete_decide(res, current, &o, &NOW, &next, &error, &code),
                     REST_DELETE_FAILED);
    assert_int_equal(code, 409);
    assert_string_equal(
        json_string_value(json_object_get(error, "message")),
        "Operation cannot be fulfilled on Deployment.apps \"d\": the ResourceVersion "
        "in the precondition (6) does not match the ResourceVersion in record (7). "
        "The object might have been modified");
    json_decref(error);
    rest_delete_options_free(&o);
    json_decref(current);
}

static void test_options_validation(void **state)
{
    struct rest_delete_options o;
    int code = 0;
    json_t *in = load("{\"propagationPolicy\":\"Orphan\",\"orphanDependents\":false}");
    json_t *error = rest_delete_options_from_json(in, &o, &code);
    assert_int_equal(code, 422);
    assert_string_equal(json_string_value(json_object_get(error, "message")),
                        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid "
                        "value: \"Orphan\": orphanDependents and deletionPropagation cannot be "
                        "both set");
    json_decref(error);
    json_decref(in);
    in = load("{\"dryRun\":[\"Some\"]}");
    error = rest_delete_options_from_json(in, &o, &code);
    assert_int_equal(code, 422);
    json_decref(error);
    json_decref(in);
    in = load("{\"kind\":\"DeleteOptions\",\"dryRun\":[\"All\"],\"gracePeriodSeconds\":3}");
    assert_null(rest_delete_options_from_json(in, &o, &code));
    assert_true(o.dry_run);
    assert_true(o.has_grace_period);
    assert_int_equal(o.grace_period_seconds, 3);
    rest_delete_options_free(&o);
    json_decref(in);
}

static void test_updates_delete_once_the_last_finalizer_is_gone(void **state)
{
    json_t *marked = load("{\"metadata\":{\"finalizers\":[\"a\"],"
                          "\"deletionTimestamp\":\"2023-11-14T00:00:00Z\","
                          "\"deletionGracePeriodSeconds\":0}}");
    json_t *cleared = load("{\"metadata\":{\"deletionTimestamp\":\"2023-11-14T00:00:00Z\"}}");
    json_t *kept = load("{\"metadata\":{\"finalizers\":[\"b\"]}}");
    json_t *alive = load("{\"metadata\":{\"finalizers\":[\"a\"]}}");
    json_t *graceful = load("{\"metadata\":{\"finalizers\":[\"a\"],"
                            "\"deletionTimestamp\":\"2023-11-14T00:00:00Z\","
                            "\"deletionGracePeriodSeconds\":30}}");
    json_t *ns = load("{\"kind\":\"Namespace\",\"metadata\":{},\"spec\":{\"finalizers\":[\"k\"]}}");
    assert_true(rest_should_delete_during_update(marked, cleared));
    assert_false(rest_should_delete_during_update(marked, kept));
    assert_false(rest_should_delete_during_update(alive, cleared));
    assert_false(rest_should_delete_during_update(graceful, cleared));
    assert_false(rest_should_delete_during_update(marked, ns));
    json_decref(marked);
    json_decref(cleared);
    json_decref(kept);
    json_decref(alive);
    json_decref(graceful);
    json_decref(ns);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scheduled_pod_gets_its_grace_period),
        cmocka_unit_test(test_grace_zero_unscheduled_and_finished_pods_go_now),
        cmocka_unit_test(test_a_second_delete_may_only_shorten_the_grace_period),
        cmocka_unit_test(test_propagation_policies_set_gc_finalizers),
        cmocka_unit_test(test_finalizers_keep_the_first_deletion_timestamp),
        cmocka_unit_test(test_preconditions_fail_with_the_kind),
        cmocka_unit_test(test_options_validation),
        cmocka_unit_test(test_updates_delete_once_the_last_finalizer_is_gone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
