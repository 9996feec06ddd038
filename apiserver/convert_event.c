/* events.k8s.io/v1 Events as kube-apiserver 1.32 serves them: the same objects as core v1
 * Events, stored under /registry/events/ as core v1 (pkg/registry/events/rest), renamed at the
 * edges as pkg/apis/events/v1/conversion.go maps the fields; field selectors in events.k8s.io
 * terms and ValidateEventCreate/Update's stricter rules for requests in the new API. */
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "convert.h"
#include "strategy.h"
#include "xalloc.h"

#define EVENTS_API_VERSION "events.k8s.io/v1"

/* How Go writes a field whose value is zero. */
enum zero_form {
    ZERO_OMITTED, /* omitempty: strings, integers, pointers */
    ZERO_NULL,    /* metav1.Time / MicroTime: null */
    ZERO_OBJECT,  /* a struct (omitempty does not apply): {} */
    ZERO_STRING,  /* a string without omitempty: "" */
};

struct field_move {
    const char *to;
    const char *from;
    enum zero_form zero;
};

/* Core v1 Event fields in Go's order, each from its events.k8s.io/v1 field. */
static const struct field_move to_core[] = {
    {"involvedObject", "regarding", ZERO_OBJECT},
    {"reason", "reason", ZERO_OMITTED},
    {"message", "note", ZERO_OMITTED},
    {"source", "deprecatedSource", ZERO_OBJECT},
    {"firstTimestamp", "deprecatedFirstTimestamp", ZERO_NULL},
    {"lastTimestamp", "deprecatedLastTimestamp", ZERO_NULL},
    {"count", "deprecatedCount", ZERO_OMITTED},
    {"type", "type", ZERO_OMITTED},
    {"eventTime", "eventTime", ZERO_NULL},
    {"series", "series", ZERO_OMITTED},
    {"action", "action", ZERO_OMITTED},
    {"related", "related", ZERO_OMITTED},
    {"reportingComponent", "reportingController", ZERO_STRING},
    {"reportingInstance", "reportingInstance", ZERO_STRING},
};

/* events.k8s.io/v1 Event fields in Go's order, each from its core v1 field. */
static const struct field_move to_events[] = {
    {"eventTime", "eventTime", ZERO_NULL},
    {"series", "series", ZERO_OMITTED},
    {"reportingController", "reportingComponent", ZERO_OMITTED},
    {"reportingInstance", "reportingInstance", ZERO_OMITTED},
    {"action", "action", ZERO_OMITTED},
    {"reason", "reason", ZERO_OMITTED},
    {"regarding", "involvedObject", ZERO_OBJECT},
    {"related", "related", ZERO_OMITTED},
    {"note", "message", ZERO_OMITTED},
    {"type", "type", ZERO_OMITTED},
    {"deprecatedSource", "source", ZERO_OBJECT},
    {"deprecatedFirstTimestamp", "firstTimestamp", ZERO_NULL},
    {"deprecatedLastTimestamp", "lastTimestamp", ZERO_NULL},
    {"deprecatedCount", "count", ZERO_OMITTED},
};

/* Whether v is what Go's omitempty leaves out: missing, null, "", 0 or false. */
static bool is_empty(const json_t *v)
{
    return v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_integer(v) && json_integer_value(v) == 0) || json_is_false(v);
}

static json_t *zero_value(enum zero_form zero)
{
    switch (zero) {
    case ZERO_NULL:
        return json_null();
    case ZERO_OBJECT:
        return json_object();
    case ZERO_STRING:
        return json_string("");
    case ZERO_OMITTED:
        break;
    }
    return NULL;
}

static json_t *move_fields(const json_t *obj, const char *api_version,
                           const struct field_move *moves, size_t n)
{
    json_t *out = json_pack("{s:s,s:s}", "kind", "Event", "apiVersion", api_version);
    json_t *meta = json_object_get(obj, "metadata");
    if (meta != NULL) {
        json_object_set(out, "metadata", meta);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(obj, moves[i].from);
        /* An empty struct is kept: a pointer to one (series, related) is not omitted. */
        bool zero = !json_is_object(v) && is_empty(v);
        if (!zero) {
            json_object_set_new(out, moves[i].to, json_deep_copy(v));
        } else if (moves[i].zero != ZERO_OMITTED) {
            json_object_set_new(out, moves[i].to, zero_value(moves[i].zero));
        }
    }
    return out;
}

json_t *convert_event(const json_t *obj, const char *from, const char *to)
{
    if (strcmp(from, to) == 0) {
        return json_deep_copy(obj);
    }
    if (strcmp(to, EVENTS_API_VERSION) == 0) {
        return move_fields(obj, to, to_events, sizeof to_events / sizeof to_events[0]);
    }
    return move_fields(obj, to, to_core, sizeof to_core / sizeof to_core[0]);
}

/* ---- Field selectors (AddFieldLabelConversionsForEvent of events.k8s.io/v1) ---- */

const char *convert_event_field_label(const char *label)
{
    static const char *const same[] = {"reason", "source", "type", "metadata.namespace",
                                       "metadata.name"};
    static const char *const regarding[] = {"kind",       "namespace",       "name",     "uid",
                                            "apiVersion", "resourceVersion", "fieldPath"};
    static const char *const involved[] = {
        "involvedObject.kind",     "involvedObject.namespace",  "involvedObject.name",
        "involvedObject.uid",      "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        if (strcmp(label, same[i]) == 0) {
            return same[i];
        }
    }
    if (strncmp(label, "regarding.", 10) == 0) {
        for (size_t i = 0; i < sizeof regarding / sizeof regarding[0]; i++) {
            if (strcmp(label + 10, regarding[i]) == 0) {
                return involved[i];
            }
        }
    }
    if (strcmp(label, "reportingController") == 0) {
        return "reportingComponent";
    }
    return NULL;
}

/* ---- Validation of requests in events.k8s.io/v1 ---- */

static bool time_is_zero(const json_t *event, const char *key)
{
    const json_t *v = json_object_get(event, key);
    return v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
}

/* validateV1EventSeries: a series needs count >= 2 and lastObservedTime. */
static void validate_series(const json_t *event, struct field_errors *errs)
{
    const json_t *series = json_object_get(event, "series");
    if (series == NULL || json_is_null(series)) {
        return;
    }
    if (strategy_int(series, "count") < 2) {
        strategy_error_str(errs, FIELD_INVALID, "", "should be at least 2", "series.count");
    }
    if (time_is_zero(series, "lastObservedTime")) {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "series.lastObservedTime");
    }
}

/* A field as Go holds it, so missing and zero compare equal (reflect.DeepEqual). */
static json_t *go_value(const json_t *event, const char *key, enum zero_form zero)
{
    json_t *v = json_object_get(event, key);
    if (v != NULL && !json_is_null(v)) {
        return json_incref(v);
    }
    json_t *zero_v = zero_value(zero);
    return zero_v != NULL ? zero_v : json_null();
}

static void validate_create(const json_t *event, struct field_errors *errs)
{
    validate_series(event, errs);
    if (time_is_zero(event, "eventTime")) {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "eventTime");
    }
    const char *type = strategy_str(event, "type");
    if (strcmp(type, "Normal") != 0 && strcmp(type, "Warning") != 0) {
        cleanup_free char *detail = xasprintf("has invalid value: %s", type);
        strategy_error_str(errs, FIELD_INVALID, "", detail, "type");
    }
    if (!time_is_zero(event, "firstTimestamp")) {
        strategy_error_str(errs, FIELD_INVALID, "", "needs to be unset", "firstTimestamp");
    }
    if (!time_is_zero(event, "lastTimestamp")) {
        strategy_error_str(errs, FIELD_INVALID, "", "needs to be unset", "lastTimestamp");
    }
    if (strategy_int(event, "count") != 0) {
        strategy_error_str(errs, FIELD_INVALID, "", "needs to be unset", "count");
    }
    const json_t *source = json_object_get(event, "source");
    if (strategy_str(source, "component")[0] != '\0' || strategy_str(source, "host")[0] != '\0') {
        strategy_error_str(errs, FIELD_INVALID, "", "needs to be unset", "source");
    }
}

/* The fields ValidateEventUpdate keeps, in its order (reason twice, as Kubernetes checks it
 * twice); each error names core v1's field (reportingComponent since Kubernetes 1.25). */
static const struct immutable_field {
    const char *key;
    enum zero_form zero;
} immutable_fields[] = {
    {"involvedObject", ZERO_OBJECT},
    {"reason", ZERO_STRING},
    {"message", ZERO_STRING},
    {"source", ZERO_OBJECT},
    {"firstTimestamp", ZERO_NULL},
    {"lastTimestamp", ZERO_NULL},
    {"count", ZERO_OMITTED},
    {"reason", ZERO_STRING},
    {"type", ZERO_STRING},
    {"eventTime", ZERO_NULL},
    {"action", ZERO_STRING},
    {"related", ZERO_NULL},
    {"reportingComponent", ZERO_STRING},
    {"reportingInstance", ZERO_STRING},
};

static void validate_update(const json_t *event, const json_t *old, struct field_errors *errs)
{
    cleanup_json json_t *series = go_value(event, "series", ZERO_NULL);
    cleanup_json json_t *old_series = go_value(old, "series", ZERO_NULL);
    if (!json_equal(series, old_series)) {
        validate_series(event, errs);
    }
    for (size_t i = 0; i < sizeof immutable_fields / sizeof immutable_fields[0]; i++) {
        const struct immutable_field *f = &immutable_fields[i];
        cleanup_json json_t *now = go_value(event, f->key, f->zero);
        cleanup_json json_t *before = go_value(old, f->key, f->zero);
        if (strcmp(f->key, "count") == 0) {
            json_decref(now);
            json_decref(before);
            now = json_integer(strategy_int(event, "count"));
            before = json_integer(strategy_int(old, "count"));
        }
        if (!json_equal(now, before)) {
            strategy_error(errs, FIELD_INVALID, now, "field is immutable", "%s", f->key);
        }
    }
}

void convert_event_validate(const json_t *obj, const json_t *old, struct field_errors *errs)
{
    if (old == NULL) {
        validate_create(obj, errs);
    } else {
        validate_update(obj, old, errs);
    }
}
