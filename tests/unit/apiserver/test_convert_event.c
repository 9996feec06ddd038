/* events.k8s.io/v1 Events over core v1 storage (convert_event.c, convert.c): the field mapping
 * both ways and its lossless round trips, Go's zero values in answers, the cross-group storage
 * table, field selector labels and ValidateEventCreate/Update's rules for the new API. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "convert.h"
#include "err.h"
#include "status.h"

static json_t *load(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, 0, &error);
    if (v == NULL) {
        fail_msg("bad test JSON: %s: %s", error.text, text);
    }
    return v;
}

static void assert_json_equal(const json_t *got, const json_t *want)
{
    if (!json_equal(got, want)) {
        cleanup_free char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
        cleanup_free char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("got  %s\nwant %s", g, w);
    }
}

static const char *const FULL_EVENTS_V1 =
    "{\"kind\":\"Event\",\"apiVersion\":\"events.k8s.io/v1\",\"metadata\":{\"name\":\"web.1\","
    "\"namespace\":\"default\",\"labels\":{\"a\":\"b\"}},\"eventTime\":"
    "\"2025-01-02T03:04:05.000006Z\",\"series\":{\"count\":3,\"lastObservedTime\":"
    "\"2025-01-02T03:05:00.000000Z\"},\"reportingController\":\"example.com/scaler\","
    "\"reportingInstance\":\"scaler-1\",\"action\":\"Scale\",\"reason\":\"Scaled\","
    "\"regarding\":{\"kind\":\"Deployment\",\"namespace\":\"default\",\"name\":\"web\","
    "\"uid\":\"u1\",\"apiVersion\":\"apps/v1\",\"resourceVersion\":\"7\",\"fieldPath\":"
    "\"spec\"},\"related\":{\"kind\":\"ReplicaSet\",\"name\":\"web-1\"},\"note\":\"scaled up\","
    "\"type\":\"Normal\",\"deprecatedSource\":{\"component\":\"scaler\",\"host\":\"n1\"},"
    "\"deprecatedFirstTimestamp\":\"2025-01-02T03:04:05Z\",\"deprecatedLastTimestamp\":"
    "\"2025-01-02T03:05:00Z\",\"deprecatedCount\":4}";

static const char *const FULL_CORE_V1 =
    "{\"kind\":\"Event\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web.1\","
    "\"namespace\":\"default\",\"labels\":{\"a\":\"b\"}},\"involvedObject\":{\"kind\":"
    "\"Deployment\",\"namespace\":\"default\",\"name\":\"web\",\"uid\":\"u1\",\"apiVersion\":"
    "\"apps/v1\",\"resourceVersion\":\"7\",\"fieldPath\":\"spec\"},\"reason\":\"Scaled\","
    "\"message\":\"scaled up\",\"source\":{\"component\":\"scaler\",\"host\":\"n1\"},"
    "\"firstTimestamp\":\"2025-01-02T03:04:05Z\",\"lastTimestamp\":\"2025-01-02T03:05:00Z\","
    "\"count\":4,\"type\":\"Normal\",\"eventTime\":\"2025-01-02T03:04:05.000006Z\",\"series\":"
    "{\"count\":3,\"lastObservedTime\":\"2025-01-02T03:05:00.000000Z\"},\"action\":\"Scale\","
    "\"related\":{\"kind\":\"ReplicaSet\",\"name\":\"web-1\"},\"reportingComponent\":"
    "\"example.com/scaler\",\"reportingInstance\":\"scaler-1\"}";

/* ---- Conversion ---- */

static void test_every_field_maps_to_its_core_name_and_back(void **state)
{
    (void)state;
    cleanup_json json_t *events = load(FULL_EVENTS_V1);
    cleanup_json json_t *core = load(FULL_CORE_V1);
    cleanup_json json_t *to_core = convert_event(events, "events.k8s.io/v1", "v1");
    assert_json_equal(to_core, core);
    cleanup_json json_t *to_events = convert_event(core, "v1", "events.k8s.io/v1");
    assert_json_equal(to_events, events);
    /* Round trips keep every field, in both directions. */
    cleanup_json json_t *again = convert_event(to_events, "events.k8s.io/v1", "v1");
    assert_json_equal(again, core);
    /* Go's field order: kind and apiVersion first, then the type's fields. */
    const char *key = NULL;
    json_t *value;
    const char *order[3];
    size_t i = 0;
    json_object_foreach (to_events, key, value) {
        if (i < 3) {
            order[i++] = key;
        }
    }
    assert_string_equal(order[0], "kind");
    assert_string_equal(order[1], "apiVersion");
    assert_string_equal(order[2], "metadata");
}

static void test_zero_fields_are_written_as_go_writes_them(void **state)
{
    (void)state;
    /* An old-style core event: no eventTime, no reporting fields, a count. */
    cleanup_json json_t *core =
        load("{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"e\"},"
             "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},\"reason\":\"Pulled\","
             "\"message\":\"ok\",\"count\":1,\"bogus\":true}");
    cleanup_json json_t *events = convert_event(core, "v1", "events.k8s.io/v1");
    cleanup_json json_t *want =
        load("{\"kind\":\"Event\",\"apiVersion\":\"events.k8s.io/v1\",\"metadata\":{\"name\":"
             "\"e\"},\"eventTime\":null,\"reason\":\"Pulled\",\"regarding\":{\"kind\":\"Pod\","
             "\"name\":\"p\"},\"note\":\"ok\",\"deprecatedSource\":{},"
             "\"deprecatedFirstTimestamp\":null,\"deprecatedLastTimestamp\":null,"
             "\"deprecatedCount\":1}");
    assert_json_equal(events, want);
    /* A new-style body without the deprecated fields: core gets the zero structs, null
     * times and the reporting strings core v1 always writes. */
    cleanup_json json_t *body =
        load("{\"metadata\":{\"name\":\"n\"},\"eventTime\":\"2025-01-02T03:04:05.000000Z\","
             "\"reportingController\":\"c\",\"series\":{},\"deprecatedCount\":0}");
    cleanup_json json_t *stored = convert_event(body, "events.k8s.io/v1", "v1");
    cleanup_json json_t *want_core =
        load("{\"kind\":\"Event\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"n\"},"
             "\"involvedObject\":{},\"source\":{},\"firstTimestamp\":null,\"lastTimestamp\":null,"
             "\"eventTime\":\"2025-01-02T03:04:05.000000Z\",\"series\":{},"
             "\"reportingComponent\":\"c\",\"reportingInstance\":\"\"}");
    assert_json_equal(stored, want_core);
}

static void test_events_v1_is_stored_as_core_events(void **state)
{
    (void)state;
    const struct resource *ev = resources_find("events.k8s.io", "v1", "events");
    const struct resource *core = resources_find("", "v1", "events");
    assert_non_null(ev);
    assert_string_equal(ev->short_names[0], "ev");
    assert_true(ev->namespaced);
    assert_ptr_equal(convert_storage_resource(ev), core);
    assert_ptr_equal(convert_storage_resource(core), core);
    assert_true(convert_is_needed(ev));
    assert_false(convert_is_needed(core));

    cleanup_json json_t *list =
        json_pack("{s:s,s:s,s:{s:s},s:[o]}", "kind", "EventList", "apiVersion", "v1", "metadata",
                  "resourceVersion", "9", "items", load(FULL_CORE_V1));
    cleanup_json json_t *served = convert_answer(core, ev, list);
    assert_string_equal(json_string_value(json_object_get(served, "apiVersion")),
                        "events.k8s.io/v1");
    assert_string_equal(json_string_value(json_object_get(served, "kind")), "EventList");
    cleanup_json json_t *events = load(FULL_EVENTS_V1);
    assert_json_equal(json_array_get(json_object_get(served, "items"), 0), events);
    /* Statuses pass through. */
    cleanup_json json_t *status = load("{\"kind\":\"Status\",\"code\":404}");
    cleanup_json json_t *same = convert_answer(core, ev, status);
    assert_ptr_equal(same, status);

    /* Tables: core's printer over the stored form, row objects in events.k8s.io/v1. */
    cleanup_json json_t *table = convert_table_build(ev, served, TABLE_INCLUDE_OBJECT, 0);
    json_t *columns = json_object_get(table, "columnDefinitions");
    assert_string_equal(json_string_value(json_object_get(json_array_get(columns, 0), "name")),
                        "Last Seen");
    json_t *row = json_array_get(json_object_get(table, "rows"), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(row, "cells"), 3)),
                        "deployment/web");
    assert_json_equal(json_object_get(row, "object"), events);
}

/* ---- Field selectors ---- */

static void test_field_selectors_use_the_events_v1_labels(void **state)
{
    (void)state;
    const struct resource *ev = resources_find("events.k8s.io", "v1", "events");
    struct err e = {0};
    cleanup_free char *mapped = convert_field_selector(
        ev,
        "regarding.name=a\\,b,reportingController!=x,type==Normal,metadata.name=n,"
        "regarding.fieldPath=spec.containers{c}",
        &e);
    assert_string_equal(mapped, "involvedObject.name=a\\,b,reportingComponent!=x,type==Normal,"
                                "metadata.name=n,involvedObject.fieldPath=spec.containers{c}");
    cleanup_free char *empty = convert_field_selector(ev, "", &e);
    assert_string_equal(empty, "");
    /* Core's own labels are not events.k8s.io/v1 labels. */
    assert_null(convert_field_selector(ev, "reason=x,involvedObject.name=web", &e));
    assert_int_equal(e.code, EINVAL);
    assert_string_equal(e.msg, "field label not supported: involvedObject.name");
    assert_null(convert_field_selector(ev, "note=x", &e));
    assert_string_equal(e.msg, "field label not supported: note");
    /* Kinds without a label conversion keep their selector. */
    cleanup_free char *core =
        convert_field_selector(resources_find("", "v1", "events"), "involvedObject.name=web", &e);
    assert_string_equal(core, "involvedObject.name=web");
}

/* ---- Validation of events.k8s.io/v1 requests ---- */

static char *message_of(const json_t *obj, const json_t *old)
{
    struct field_errors fe;
    field_errors_init(&fe);
    convert_validate(resources_find("events.k8s.io", "v1", "events"), obj, old, &fe);
    char *message = NULL;
    if (field_errors_count(&fe) > 0) {
        cleanup_json json_t *status = status_invalid("", "Event", "e", &fe);
        message = strdup(json_string_value(json_object_get(status, "message")));
    }
    field_errors_free(&fe);
    return message;
}

static void test_create_needs_event_time_a_known_type_and_no_deprecated_fields(void **state)
{
    (void)state;
    cleanup_json json_t *core = load(FULL_CORE_V1);
    cleanup_free char *full = message_of(core, NULL);
    assert_string_equal(full, "Event \"e\" is invalid: [firstTimestamp: Invalid value: \"\": "
                              "needs to be unset, lastTimestamp: Invalid value: \"\": needs to "
                              "be unset, count: Invalid value: \"\": needs to be unset, source: "
                              "Invalid value: \"\": needs to be unset]");
    cleanup_json json_t *bad = load("{\"metadata\":{\"name\":\"e\"},\"type\":\"Bogus\","
                                    "\"series\":{\"count\":1},\"eventTime\":null}");
    cleanup_free char *msg = message_of(bad, NULL);
    assert_string_equal(msg, "Event \"e\" is invalid: [series.count: Invalid value: \"\": should "
                             "be at least 2, series.lastObservedTime: Required value, eventTime: "
                             "Required value, type: Invalid value: \"\": has invalid value: "
                             "Bogus]");
    cleanup_json json_t *good =
        load("{\"metadata\":{\"name\":\"e\"},\"type\":\"Warning\",\"eventTime\":"
             "\"2025-01-02T03:04:05.000000Z\",\"source\":{},\"firstTimestamp\":null,\"count\":0}");
    assert_null(message_of(good, NULL));
    /* Core v1 requests get no extra rules. */
    struct field_errors fe;
    field_errors_init(&fe);
    convert_validate(resources_find("", "v1", "events"), bad, NULL, &fe);
    assert_int_equal(field_errors_count(&fe), 0);
    field_errors_free(&fe);
}

static void test_update_keeps_what_happened_and_checks_a_changed_series(void **state)
{
    (void)state;
    cleanup_json json_t *old = load(FULL_CORE_V1);
    cleanup_json json_t *same = json_deep_copy(old);
    assert_null(message_of(same, old));
    /* The series may grow. */
    json_object_set_new(same, "series",
                        load("{\"count\":4,\"lastObservedTime\":\"2025-01-02T03:06:00.000000Z\"}"));
    assert_null(message_of(same, old));
    json_object_set_new(same, "series", load("{\"count\":1}"));
    json_object_set_new(same, "reason", json_string("Other"));
    json_object_set_new(same, "count", json_integer(5));
    json_object_set_new(same, "reportingComponent", json_string("y"));
    json_object_del(same, "message");
    cleanup_free char *msg = message_of(same, old);
    assert_string_equal(msg, "Event \"e\" is invalid: [series.count: Invalid value: \"\": should "
                             "be at least 2, series.lastObservedTime: Required value, reason: "
                             "Invalid value: \"Other\": field is immutable, message: Invalid "
                             "value: \"\": field is immutable, count: Invalid value: 5: field is "
                             "immutable, reason: Invalid value: \"Other\": field is immutable, "
                             "reportingComponent: Invalid value: \"y\": field is immutable]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field_maps_to_its_core_name_and_back),
        cmocka_unit_test(test_zero_fields_are_written_as_go_writes_them),
        cmocka_unit_test(test_events_v1_is_stored_as_core_events),
        cmocka_unit_test(test_field_selectors_use_the_events_v1_labels),
        cmocka_unit_test(test_create_needs_event_time_a_known_type_and_no_deprecated_fields),
        cmocka_unit_test(test_update_keeps_what_happened_and_checks_a_changed_series),
    };
    return cmocka_run_group_tests_name("convert_event", tests, NULL, NULL);
}
