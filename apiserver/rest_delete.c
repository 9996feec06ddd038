/* DELETE and deletecollection as k8s.io/apiserver's registry Store.Delete runs them:
 * DeleteOptions from the body or the query, preconditions, graceful deletion of pods
 * (rest.BeforeDelete with the pod strategy's CheckGracefulDelete), the garbage collector's
 * orphan/foregroundDeletion finalizers by propagationPolicy and each type's default policy,
 * objects with finalizers only marked, namespaces going Terminating, and the delete that an
 * update removing the last finalizer turns into (ShouldDeleteDuringUpdate). */
#include "rest_delete.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admission.h"
#include "cleanup.h"
#include "k8stime.h"
#include "rest_internal.h"
#include "status.h"
#include "strategy.h"
#include "xalloc.h"

#define FINALIZER_ORPHAN     "orphan"
#define FINALIZER_FOREGROUND "foregroundDeletion"

/* ---- DeleteOptions ---- */

void rest_delete_options_init(struct rest_delete_options *o)
{
    memset(o, 0, sizeof *o);
    o->orphan_dependents = -1;
}

void rest_delete_options_free(struct rest_delete_options *o)
{
    free(o->precondition_uid);
    free(o->precondition_resource_version);
    rest_delete_options_init(o);
}

/* A 400 for a field of the wrong JSON type, worded as Go's json decoder words it. */
static json_t *type_error(const char *field, const json_t *value, const char *go_type, int *code)
{
    const char *have = json_is_string(value)    ? "string"
                       : json_is_number(value)  ? "number"
                       : json_is_boolean(value) ? "bool"
                       : json_is_array(value)   ? "array"
                                                : "object";
    char *msg =
        xasprintf("json: cannot unmarshal %s into Go struct field DeleteOptions.%s of type %s",
                  have, field, go_type);
    json_t *s = status_bad_request(msg);
    free(msg);
    return rest_answer_status(code, s);
}

/* Optional fields: absent or null is unset. */
static const json_t *field_of(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

static int parse_propagation(const char *text, enum rest_propagation *out)
{
    static const struct {
        const char *name;
        enum rest_propagation value;
    } names[] = {{"Orphan", REST_PROPAGATION_ORPHAN},
                 {"Background", REST_PROPAGATION_BACKGROUND},
                 {"Foreground", REST_PROPAGATION_FOREGROUND}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].value;
            return 0;
        }
    }
    return -EINVAL;
}

/* ValidateDeleteOptions over what was read; propagation_text is the raw policy (NULL unset). */
static json_t *validate_options(const struct rest_delete_options *o, const char *propagation_text,
                                const json_t *dry_run, int *code)
{
    struct field_errors fe;
    field_errors_init(&fe);
    if (propagation_text != NULL && o->orphan_dependents >= 0) {
        json_t *bad = json_string(propagation_text);
        field_errors_add(&fe, FIELD_INVALID, "propagationPolicy", bad,
                         "orphanDependents and deletionPropagation cannot be both set");
        json_decref(bad);
    }
    if (propagation_text != NULL && o->propagation == REST_PROPAGATION_UNSET) {
        json_t *bad = json_string(propagation_text);
        field_errors_add(&fe, FIELD_NOT_SUPPORTED, "propagationPolicy", bad,
                         "\"Foreground\", \"Background\", \"Orphan\", \"nil\"");
        json_decref(bad);
    }
    size_t i;
    json_t *v;
    json_array_foreach (dry_run, i, v) {
        if (!json_is_string(v) || strcmp(json_string_value(v), "All") != 0) {
            field_errors_add(&fe, FIELD_NOT_SUPPORTED, "dryRun", dry_run, "\"All\"");
            break;
        }
    }
    json_t *error = NULL;
    if (field_errors_count(&fe) > 0) {
        error = rest_answer_status(code, status_invalid("meta.k8s.io", "DeleteOptions", "", &fe));
    }
    field_errors_free(&fe);
    return error;
}

json_t *rest_delete_options_from_json(const json_t *obj, struct rest_delete_options *o, int *code)
{
    rest_delete_options_init(o);
    if (obj == NULL || json_is_null(obj)) {
        return NULL;
    }
    if (!json_is_object(obj)) {
        return rest_answer_status(code,
                                  status_bad_request("json: cannot unmarshal into Go value of type "
                                                     "v1.DeleteOptions"));
    }
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (kind != NULL && kind[0] != '\0' && strcmp(kind, "DeleteOptions") != 0) {
        json_t *s = status_new(500, "", "decoded object cannot be converted to DeleteOptions", NULL,
                               NULL, NULL);
        json_object_del(s, "reason");
        return rest_answer_status(code, s);
    }
    const json_t *grace = field_of(obj, "gracePeriodSeconds");
    if (grace != NULL) {
        if (!json_is_integer(grace)) {
            return type_error("gracePeriodSeconds", grace, "int64", code);
        }
        o->has_grace_period = true;
        o->grace_period_seconds = json_integer_value(grace);
    }
    const json_t *orphan = field_of(obj, "orphanDependents");
    if (orphan != NULL) {
        if (!json_is_boolean(orphan)) {
            return type_error("orphanDependents", orphan, "bool", code);
        }
        o->orphan_dependents = json_is_true(orphan) ? 1 : 0;
    }
    const json_t *policy = field_of(obj, "propagationPolicy");
    if (policy != NULL && !json_is_string(policy)) {
        return type_error("propagationPolicy", policy, "v1.DeletionPropagation", code);
    }
    if (policy != NULL) {
        (void)parse_propagation(json_string_value(policy), &o->propagation);
    }
    const json_t *pre = field_of(obj, "preconditions");
    if (pre != NULL) {
        if (!json_is_object(pre)) {
            return type_error("preconditions", pre, "v1.Preconditions", code);
        }
        const json_t *uid = field_of(pre, "uid");
        const json_t *rv = field_of(pre, "resourceVersion");
        if ((uid != NULL && !json_is_string(uid)) || (rv != NULL && !json_is_string(rv))) {
            rest_delete_options_free(o);
            return type_error("preconditions", uid != NULL && !json_is_string(uid) ? uid : rv,
                              "string", code);
        }
        o->precondition_uid = uid ? xstrdup(json_string_value(uid)) : NULL;
        o->precondition_resource_version = rv ? xstrdup(json_string_value(rv)) : NULL;
    }
    const json_t *dry_run = field_of(obj, "dryRun");
    if (dry_run != NULL && !json_is_array(dry_run)) {
        rest_delete_options_free(o);
        return type_error("dryRun", dry_run, "[]string", code);
    }
    json_t *error = validate_options(o, policy ? json_string_value(policy) : NULL, dry_run, code);
    if (error != NULL) {
        rest_delete_options_free(o);
        return error;
    }
    o->dry_run = json_array_size(dry_run) > 0;
    return NULL;
}

/* strconv.ParseBool's accepted spellings. */
static int parse_go_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -EINVAL;
}

static json_t *options_from_query(const struct rest_call *call, struct rest_delete_options *o,
                                  int *code)
{
    rest_delete_options_init(o);
    const char *grace = call->query(call->query_ctx, "gracePeriodSeconds");
    const char *orphan = call->query(call->query_ctx, "orphanDependents");
    const char *policy = call->query(call->query_ctx, "propagationPolicy");
    const char *dry_run = call->query(call->query_ctx, "dryRun");
    char *msg = NULL;
    if (grace != NULL) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(grace, &end, 10);
        if (grace[0] == '\0' || *end != '\0' || errno != 0) {
            msg = xasprintf("strconv.ParseInt: parsing \"%s\": %s", grace,
                            errno == ERANGE ? "value out of range" : "invalid syntax");
        }
        o->has_grace_period = true;
        o->grace_period_seconds = v;
    }
    bool orphan_value = false;
    if (msg == NULL && orphan != NULL) {
        if (parse_go_bool(orphan, &orphan_value) != 0) {
            msg = xasprintf("strconv.ParseBool: parsing \"%s\": invalid syntax", orphan);
        }
        o->orphan_dependents = orphan_value ? 1 : 0;
    }
    if (msg != NULL) {
        json_t *s = status_bad_request(msg);
        free(msg);
        rest_delete_options_init(o);
        return rest_answer_status(code, s);
    }
    if (policy != NULL) {
        (void)parse_propagation(policy, &o->propagation);
    }
    cleanup_json json_t *dry = dry_run ? json_pack("[s]", dry_run) : NULL;
    json_t *error = validate_options(o, policy, dry, code);
    if (error != NULL) {
        rest_delete_options_free(o);
        return error;
    }
    o->dry_run = dry != NULL;
    return NULL;
}

json_t *rest_delete_options_parse(const struct rest_call *call, struct rest_delete_options *o,
                                  int *code)
{
    if (call->body == NULL || call->body_len == 0) {
        return options_from_query(call, o, code);
    }
    json_t *error = NULL;
    cleanup_json json_t *body = NULL;
    /* A literal "null" body is an empty options object to Kubernetes' decoder. */
    if (call->body_len == 4 && memcmp(call->body, "null", 4) == 0) {
        return rest_delete_options_from_json(NULL, o, code);
    }
    body = rest_decode_body(call, &error, code);
    if (body == NULL) {
        rest_delete_options_init(o);
        return error;
    }
    return rest_delete_options_from_json(body, o, code);
}

/* ---- Per-type deletion behaviour ---- */

enum gc_policy { GC_DELETE_DEPENDENTS, GC_ORPHAN_DEPENDENTS, GC_UNSUPPORTED };

static bool is_core(const struct resource *res, const char *plural)
{
    return res->group[0] == '\0' && strcmp(res->plural, plural) == 0;
}

/* Each strategy's DefaultGarbageCollectionPolicy: the legacy versions keep orphaning (core/v1
 * replicationcontrollers, batch/v1 jobs, the beta workload versions); events never carry GC
 * finalizers; everything else deletes dependents in the background. */
static enum gc_policy default_gc_policy(const struct resource *res)
{
    if (strcmp(res->plural, "events") == 0 &&
        (res->group[0] == '\0' || strcmp(res->group, "events.k8s.io") == 0)) {
        return GC_UNSUPPORTED;
    }
    if (is_core(res, "replicationcontrollers") ||
        (strcmp(res->group, "batch") == 0 && strcmp(res->plural, "jobs") == 0 &&
         strcmp(res->version, "v1") == 0) ||
        strcmp(res->group, "extensions") == 0 ||
        (strcmp(res->group, "apps") == 0 && strcmp(res->version, "v1") != 0)) {
        return GC_ORPHAN_DEPENDENTS;
    }
    return GC_DELETE_DEPENDENTS;
}

/* Store.ReturnDeletedObject: these answer a delete with the object, the rest with a Status. */
static bool returns_deleted_object(const struct resource *res)
{
    static const char *const plurals[] = {
        "pods",       "services",          "serviceaccounts",
        "namespaces", "persistentvolumes", "persistentvolumeclaims"};
    for (size_t i = 0; i < sizeof plurals / sizeof plurals[0]; i++) {
        if (is_core(res, plurals[i])) {
            return true;
        }
    }
    return false;
}

/* Only pods implement RESTGracefulDeleteStrategy among the served types. */
static bool deletes_gracefully(const struct resource *res)
{
    return is_core(res, "pods");
}

/* ---- The decision (pure) ---- */

static bool has_string(const json_t *array, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach (array, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) {
            return true;
        }
    }
    return false;
}

static bool same_string_set(const json_t *a, const json_t *b)
{
    size_t i;
    json_t *v;
    json_array_foreach (a, i, v) {
        if (!has_string(b, json_string_value(v))) {
            return false;
        }
    }
    json_array_foreach (b, i, v) {
        if (!has_string(a, json_string_value(v))) {
            return false;
        }
    }
    return true;
}

/* shouldOrphanDependents / shouldDeleteDependents: the options first, then a GC finalizer the
 * object already has, then the type's default. */
static void gc_wishes(enum gc_policy policy, const json_t *finalizers,
                      const struct rest_delete_options *o, bool *orphan, bool *foreground)
{
    *orphan = false;
    *foreground = false;
    if (o->orphan_dependents >= 0) {
        *orphan = o->orphan_dependents == 1;
        return;
    }
    switch (o->propagation) {
    case REST_PROPAGATION_ORPHAN:
        *orphan = true;
        return;
    case REST_PROPAGATION_FOREGROUND:
        *foreground = true;
        return;
    case REST_PROPAGATION_BACKGROUND:
        return;
    case REST_PROPAGATION_UNSET:
        break;
    }
    size_t i;
    json_t *v;
    json_array_foreach (finalizers, i, v) {
        const char *f = json_string_value(v);
        if (f != NULL && strcmp(f, FINALIZER_ORPHAN) == 0) {
            *orphan = true;
            return;
        }
        if (f != NULL && strcmp(f, FINALIZER_FOREGROUND) == 0) {
            *foreground = true;
            return;
        }
    }
    *orphan = policy == GC_ORPHAN_DEPENDENTS;
}

/* deletionFinalizersForGarbageCollection applied to obj: whether its finalizers changed. */
static bool apply_gc_finalizers(const struct resource *res, json_t *obj,
                                const struct rest_delete_options *o)
{
    enum gc_policy policy = default_gc_policy(res);
    if (policy == GC_UNSUPPORTED) {
        return false;
    }
    json_t *meta = rest_meta_of(obj);
    json_t *old = json_object_get(meta, "finalizers");
    bool orphan = false;
    bool foreground = false;
    gc_wishes(policy, old, o, &orphan, &foreground);
    json_t *next = json_array();
    size_t i;
    json_t *v;
    json_array_foreach (old, i, v) {
        const char *f = json_string_value(v);
        if (f != NULL &&
            (strcmp(f, FINALIZER_ORPHAN) == 0 || strcmp(f, FINALIZER_FOREGROUND) == 0)) {
            continue;
        }
        json_array_append(next, v);
    }
    if (orphan) {
        json_array_append_new(next, json_string(FINALIZER_ORPHAN));
    }
    if (foreground) {
        json_array_append_new(next, json_string(FINALIZER_FOREGROUND));
    }
    if (same_string_set(old, next)) {
        json_decref(next);
        return false;
    }
    if (json_array_size(next) == 0) {
        json_decref(next);
        json_object_del(meta, "finalizers");
    } else {
        json_object_set_new(meta, "finalizers", next);
    }
    return true;
}

static void set_timestamp(json_t *meta, const char *field, struct timespec t)
{
    char buf[K8STIME_STR_MAX];
    t.tv_nsec = 0;
    k8stime_format(&t, buf);
    json_object_set_new(meta, field, json_string(buf));
}

static void bump_generation(json_t *meta)
{
    json_int_t gen = json_integer_value(json_object_get(meta, "generation"));
    if (gen > 0) {
        json_object_set_new(meta, "generation", json_integer(gen + 1));
    }
}

/* markAsDeleting: deletionTimestamp now (unless an earlier one is set), grace 0, and a new
 * generation on the first mark. */
static void mark_as_deleting(json_t *obj, const struct timespec *now)
{
    json_t *meta = rest_meta_of(obj);
    const char *existing = json_string_value(json_object_get(meta, "deletionTimestamp"));
    struct timespec ts = {0};
    if (existing == NULL) {
        bump_generation(meta);
    }
    if (existing == NULL || k8stime_parse(existing, &ts, NULL) != 0 || ts.tv_sec > now->tv_sec) {
        set_timestamp(meta, "deletionTimestamp", *now);
    }
    json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(0));
}

/* The pod strategy's CheckGracefulDelete: the grace the options give, else the pod's
 * terminationGracePeriodSeconds (30 when defaulting left it out); 0 for pods no kubelet runs
 * (unscheduled) or that are finished. */
static int64_t pod_grace_period(const json_t *pod, const struct rest_delete_options *o,
                                int64_t options_grace)
{
    const json_t *spec = json_object_get(pod, "spec");
    int64_t period = 30;
    if (o->has_grace_period) {
        period = options_grace;
    } else if (json_is_integer(json_object_get(spec, "terminationGracePeriodSeconds"))) {
        period = json_integer_value(json_object_get(spec, "terminationGracePeriodSeconds"));
    }
    const char *node = json_string_value(json_object_get(spec, "nodeName"));
    if (node == NULL || node[0] == '\0') {
        period = 0;
    }
    const char *phase = json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
    if (phase != NULL && (strcmp(phase, "Failed") == 0 || strcmp(phase, "Succeeded") == 0)) {
        period = 0;
    }
    return period < 0 ? 1 : period;
}

static json_t *precondition_conflict(const struct resource *res, const char *name,
                                     const char *field, const char *want, const char *have,
                                     const char *consequence, int *code)
{
    char *detail = xasprintf("the %s in the precondition (%s) does not match the %s in record "
                             "(%s). The object might have been %s",
                             field, want, field, have, consequence);
    /* BeforeDelete names the kind, not the resource: `Pod "x"`, `Deployment.apps "x"`. */
    json_t *s = status_conflict(res->group, res->kind, name, detail);
    free(detail);
    return rest_answer_status(code, s);
}

/* rest.BeforeDelete for the graceful types; sets *graceful, *pending and *grace. */
static void before_graceful_delete(json_t *obj, const struct rest_delete_options *o,
                                   int64_t options_grace, const struct timespec *now,
                                   bool *graceful, bool *pending, int64_t *grace)
{
    json_t *meta = rest_meta_of(obj);
    const char *ts_text = json_string_value(json_object_get(meta, "deletionTimestamp"));
    json_t *existing_json = json_object_get(meta, "deletionGracePeriodSeconds");
    int64_t existing = json_integer_value(existing_json);
    if (json_is_integer(existing_json) && existing < 0) {
        existing = 1;
        json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(1));
    }
    *graceful = false;
    *pending = false;
    *grace = 0;
    if (ts_text != NULL) {
        /* Already being deleted: only a shorter grace period changes anything; none left
         * (0 or unset) means the object goes now. */
        if (!json_is_integer(existing_json) || existing == 0) {
            return;
        }
        if (!o->has_grace_period || options_grace >= existing) {
            *pending = true;
            return;
        }
        struct timespec ts = {0};
        if (k8stime_parse(ts_text, &ts, NULL) != 0) {
            ts = *now;
            ts.tv_sec += existing;
        }
        ts.tv_sec = ts.tv_sec - existing + options_grace;
        set_timestamp(meta, "deletionTimestamp", ts);
        json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(options_grace));
        *graceful = true;
        *grace = options_grace;
        return;
    }
    int64_t period = pod_grace_period(obj, o, options_grace);
    struct timespec due = *now;
    due.tv_sec += period;
    set_timestamp(meta, "deletionTimestamp", due);
    json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(period));
    bump_generation(meta);
    *graceful = true;
    *grace = period;
}

enum rest_delete_step rest_delete_decide(const struct resource *res, const json_t *current,
                                         const struct rest_delete_options *o,
                                         const struct timespec *now, json_t **next, json_t **error,
                                         int *code)
{
    *next = NULL;
    const char *name = rest_meta_str(current, "name");
    const char *uid = rest_meta_str(current, "uid");
    const char *rv = rest_meta_str(current, "resourceVersion");
    if (o->precondition_uid != NULL && strcmp(o->precondition_uid, uid ? uid : "") != 0) {
        *error = precondition_conflict(res, name, "UID", o->precondition_uid, uid ? uid : "",
                                       "deleted and then recreated", code);
        return REST_DELETE_FAILED;
    }
    if (o->precondition_resource_version != NULL &&
        strcmp(o->precondition_resource_version, rv ? rv : "") != 0) {
        *error =
            precondition_conflict(res, name, "ResourceVersion", o->precondition_resource_version,
                                  rv ? rv : "", "modified", code);
        return REST_DELETE_FAILED;
    }
    /* Negative grace periods count as 1 second on the delete path. */
    int64_t options_grace = o->grace_period_seconds < 0 ? 1 : o->grace_period_seconds;
    cleanup_json json_t *obj = json_deep_copy(current);
    bool graceful = false;
    bool pending = false;
    int64_t grace = 0;
    if (deletes_gracefully(res)) {
        before_graceful_delete(obj, o, options_grace, now, &graceful, &pending, &grace);
    }
    if (pending) {
        return REST_DELETE_PENDING;
    }
    bool had_finalizers =
        json_array_size(json_object_get(json_object_get(current, "metadata"), "finalizers")) > 0;
    bool finalizers_changed = apply_gc_finalizers(res, obj, o);
    if (!graceful && !had_finalizers && !finalizers_changed) {
        return REST_DELETE_NOW;
    }
    bool pending_finalizers =
        json_array_size(json_object_get(json_object_get(obj, "metadata"), "finalizers")) > 0;
    if (!graceful) {
        if (!pending_finalizers) {
            return REST_DELETE_NOW;
        }
        mark_as_deleting(obj, now);
        *next = steal_ptr(&obj);
        return REST_DELETE_MARK;
    }
    *next = steal_ptr(&obj);
    return pending_finalizers || grace > 0 ? REST_DELETE_MARK : REST_DELETE_MARK_THEN_DELETE;
}

/* ---- Storage ---- */

static void finish_delete_admission(struct rest *r, const struct rest_call *call,
                                    const struct resource *res, const char *ns, const char *name,
                                    const json_t *deleted)
{
    struct admission_attributes attrs = {
        .operation = ADMISSION_DELETE,
        .resource = res,
        .subresource = "",
        .namespace_ = res->namespaced ? ns : "",
        .name = name,
        .user = call->user,
    };
    admission_finish(r, &attrs, NULL, deleted, true);
}

/* finalizeDelete's answer for an object that is gone (or was already going). */
static json_t *deleted_answer(const struct resource *res, const json_t *obj, int *code)
{
    if (returns_deleted_object(res)) {
        return rest_answer(code, 200, json_deep_copy(obj));
    }
    return rest_answer(code, 200,
                       status_success(res->group, res->plural, rest_meta_str(obj, "name"),
                                      rest_meta_str(obj, "uid")));
}

/* A 202 when the object stays and the caller asked for dependents to be deleted with the
 * deprecated orphanDependents=false (the delete handler's quirk). */
static int staying_code(const struct rest_delete_options *o)
{
    return o->orphan_dependents == 0 ? 202 : 200;
}

/* lease 0 detaches any lease, as a write with no TTL does in Kubernetes (delete marks). */
static int write_guarded(struct rest *r, const char *key, const json_t *obj, int64_t revision,
                         int64_t lease, int64_t *rev, struct err *e)
{
    cleanup_free char *value = rest_encode_for_storage(obj);
    return etcd3_update(r->storage, key, value, strlen(value), revision, lease, rev, NULL, e);
}

/* The namespace registry's Delete: the first delete starts termination (deletionTimestamp,
 * phase Terminating, GC finalizers from the options) and answers the namespace; later ones
 * answer it unchanged while spec.finalizers remain, then delete as any object. Returns NULL
 * when the generic path should go on. */
static json_t *delete_namespace(struct rest *r, const char *key, const json_t *current,
                                int64_t revision, const struct rest_delete_options *o, bool *retry,
                                int *code)
{
    *retry = false;
    const char *name = rest_meta_str(current, "name");
    const char *uid = rest_meta_str(current, "uid");
    const char *rv = rest_meta_str(current, "resourceVersion");
    const char *mismatch = NULL;
    const char *want = NULL;
    const char *have = NULL;
    if (o->precondition_uid != NULL && strcmp(o->precondition_uid, uid ? uid : "") != 0) {
        mismatch = "UID";
        want = o->precondition_uid;
        have = uid ? uid : "";
    } else if (o->precondition_resource_version != NULL &&
               strcmp(o->precondition_resource_version, rv ? rv : "") != 0) {
        mismatch = "ResourceVersion";
        want = o->precondition_resource_version;
        have = rv ? rv : "";
    }
    if (mismatch != NULL) {
        char *detail =
            xasprintf("Precondition failed: %s in precondition: %s, %s in object meta: %s",
                      mismatch, want, mismatch, have);
        json_t *s = status_conflict("", "namespaces", name, detail);
        free(detail);
        return rest_answer_status(code, s);
    }
    if (rest_meta_str(current, "deletionTimestamp") == NULL) {
        cleanup_json json_t *next = json_deep_copy(current);
        json_t *meta = rest_meta_of(next);
        set_timestamp(meta, "deletionTimestamp", k8stime_now());
        json_object_set_new(next, "status", json_pack("{s:s}", "phase", "Terminating"));
        json_t *finalizers = json_object_get(meta, "finalizers");
        bool orphan = has_string(finalizers, FINALIZER_ORPHAN);
        bool foreground = has_string(finalizers, FINALIZER_FOREGROUND);
        if (o->orphan_dependents >= 0) {
            orphan = o->orphan_dependents == 1;
            foreground = !orphan;
        } else if (o->propagation != REST_PROPAGATION_UNSET) {
            orphan = o->propagation == REST_PROPAGATION_ORPHAN;
            foreground = o->propagation == REST_PROPAGATION_FOREGROUND;
        }
        json_t *kept = json_array();
        size_t i;
        json_t *v;
        json_array_foreach (finalizers, i, v) {
            const char *f = json_string_value(v);
            if (f == NULL ||
                (strcmp(f, FINALIZER_ORPHAN) != 0 && strcmp(f, FINALIZER_FOREGROUND) != 0)) {
                json_array_append(kept, v);
            }
        }
        if (orphan) {
            json_array_append_new(kept, json_string(FINALIZER_ORPHAN));
        }
        if (foreground) {
            json_array_append_new(kept, json_string(FINALIZER_FOREGROUND));
        }
        if (json_array_size(kept) > 0) {
            json_object_set_new(meta, "finalizers", kept);
        } else {
            json_decref(kept);
            json_object_del(meta, "finalizers");
        }
        if (o->dry_run) {
            return rest_answer(code, 200, json_incref(next));
        }
        int64_t rev = 0;
        struct err e = {0};
        int rc = write_guarded(r, key, next, revision, 0, &rev, &e);
        if (rc == -C8S_ECONFLICT) {
            *retry = true;
            return NULL;
        }
        if (rc != 0) {
            return rest_storage_failure(code, rc, &e, resources_find("", "v1", "namespaces"), name);
        }
        rest_set_resource_version(next, rev);
        return rest_answer(code, 200, json_incref(next));
    }
    json_t *spec_finalizers = json_object_get(json_object_get(current, "spec"), "finalizers");
    if (json_array_size(spec_finalizers) > 0) {
        return rest_answer(code, 200, json_deep_copy(current));
    }
    return NULL;
}

json_t *rest_delete_with_options(struct rest *r, const struct rest_call *call,
                                 const struct resource *res, const char *ns, const char *name,
                                 const struct rest_delete_options *o, bool *deleted, int *code)
{
    *deleted = false;
    cleanup_free char *key = rest_object_key(res, ns, name);
    for (int attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
        struct err e = {0};
        int64_t current_rev = 0;
        json_t *failure = NULL;
        cleanup_json json_t *current =
            rest_read_current(r, key, res, name, &current_rev, &failure, code);
        if (current == NULL) {
            return failure;
        }
        if (is_core(res, "namespaces")) {
            bool retry = false;
            json_t *answer = delete_namespace(r, key, current, current_rev, o, &retry, code);
            if (retry) {
                continue;
            }
            if (answer != NULL) {
                return answer;
            }
        }
        struct timespec now = k8stime_now();
        json_t *error = NULL;
        json_t *next_raw = NULL;
        enum rest_delete_step step =
            rest_delete_decide(res, current, o, &now, &next_raw, &error, code);
        cleanup_json json_t *next = next_raw;
        int64_t rev = 0;
        int rc = 0;
        switch (step) {
        case REST_DELETE_FAILED:
            return error;
        case REST_DELETE_PENDING:
            return deleted_answer(res, current, code);
        case REST_DELETE_MARK:
        case REST_DELETE_MARK_THEN_DELETE:
            if (o->dry_run || (step == REST_DELETE_MARK && json_equal(next, current))) {
                *deleted = step == REST_DELETE_MARK_THEN_DELETE;
                return rest_answer(code, *deleted ? 200 : staying_code(o), json_incref(next));
            }
            rc = write_guarded(r, key, next, current_rev, 0, &rev, &e);
            if (rc == -C8S_ECONFLICT) {
                continue;
            }
            if (rc != 0) {
                return rest_storage_failure(code, rc, &e, res, name);
            }
            rest_set_resource_version(next, rev);
            if (step == REST_DELETE_MARK) {
                return rest_answer(code, staying_code(o), json_incref(next));
            }
            /* Kubernetes writes the zero-grace mark first, then deletes that version. */
            current_rev = rev;
            json_decref(current);
            current = json_incref(next);
            break;
        case REST_DELETE_NOW:
            if (o->dry_run) {
                *deleted = true;
                return deleted_answer(res, current, code);
            }
            break;
        }
        rc = etcd3_delete(r->storage, key, current_rev, &rev, NULL, &e);
        if (rc == -C8S_ECONFLICT) {
            continue;
        }
        if (rc == -ENOENT && step == REST_DELETE_MARK_THEN_DELETE) {
            /* Someone else (the kubelet) finished it between our two writes. */
            *deleted = true;
            return deleted_answer(res, current, code);
        }
        if (rc != 0) {
            return rest_storage_failure(code, rc, &e, res, name);
        }
        finish_delete_admission(r, call, res, ns, name, current);
        *deleted = true;
        return deleted_answer(res, current, code);
    }
    return rest_answer_status(code, status_conflict(res->group, res->plural, name, NULL));
}

/* ---- Updates that finish a deletion ---- */

bool rest_should_delete_during_update(const json_t *current, const json_t *next)
{
    const json_t *next_meta = json_object_get(next, "metadata");
    const json_t *cur_meta = json_object_get(current, "metadata");
    if (json_array_size(json_object_get(next_meta, "finalizers")) > 0) {
        return false;
    }
    if (json_string_value(json_object_get(cur_meta, "deletionTimestamp")) == NULL) {
        return false;
    }
    /* Namespaces also wait for spec.finalizers (the namespace controller's /finalize). */
    if (json_is_string(json_object_get(next, "kind")) &&
        strcmp(json_string_value(json_object_get(next, "kind")), "Namespace") == 0 &&
        json_array_size(json_object_get(json_object_get(next, "spec"), "finalizers")) > 0) {
        return false;
    }
    const json_t *grace = json_object_get(cur_meta, "deletionGracePeriodSeconds");
    return !json_is_integer(grace) || json_integer_value(grace) == 0;
}

int rest_write_update(struct rest *r, const struct rest_call *call, const char *key,
                      const json_t *current, const json_t *next, int64_t revision, int64_t lease,
                      int64_t *rev, bool *deleted, struct err *e)
{
    *deleted = false;
    if (!rest_should_delete_during_update(current, next)) {
        return write_guarded(r, key, next, revision, lease, rev, e);
    }
    int rc = etcd3_delete(r->storage, key, revision, rev, NULL, e);
    if (rc == 0) {
        *deleted = true;
        const struct resource *res = call->resource;
        finish_delete_admission(r, call, res, call->info->namespace_, call->info->name, current);
    }
    return rc;
}

/* ---- The verbs ---- */

/* The priorityclass registry's Delete refuses the system classes (its DeleteCollection, the
 * generic store's, does not). */
static bool is_system_priority_class(const struct resource *res, const char *name)
{
    if (strcmp(res->group, "scheduling.k8s.io") != 0 ||
        strcmp(res->plural, "priorityclasses") != 0) {
        return false;
    }
    for (const struct strategy_system_priority_class *p = strategy_system_priority_classes;
         p->name != NULL; p++) {
        if (strcmp(p->name, name) == 0) {
            return true;
        }
    }
    return false;
}

json_t *rest_delete_one(struct rest *r, const struct rest_call *call, const char *ns,
                        const char *name, int *code)
{
    if (is_system_priority_class(call->resource, name)) {
        return rest_answer_status(
            code, status_forbidden(call->resource->group, call->resource->plural, name,
                                   "this is a system priority class and cannot be deleted"));
    }
    struct rest_delete_options o;
    json_t *error = rest_delete_options_parse(call, &o, code);
    if (error != NULL) {
        return error;
    }
    bool deleted = false;
    json_t *out = rest_delete_with_options(r, call, call->resource, ns, name, &o, &deleted, code);
    rest_delete_options_free(&o);
    return out;
}

/* Store.DeleteCollection: lists with the request's selectors, deletes each item with the same
 * options (an item already gone is no error) and answers the list as it was read. */
json_t *rest_delete_collection(struct rest *r, const struct rest_call *call, int *code)
{
    struct rest_delete_options o;
    json_t *error = rest_delete_options_parse(call, &o, code);
    if (error != NULL) {
        return error;
    }
    json_t *list = rest_list(r, call, code);
    if (*code != 200) {
        rest_delete_options_free(&o);
        return list;
    }
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(list, "items"), i, item) {
        int one_code = 0;
        bool deleted = false;
        json_t *out =
            rest_delete_with_options(r, call, call->resource, rest_meta_str(item, "namespace"),
                                     rest_meta_str(item, "name"), &o, &deleted, &one_code);
        if (one_code >= 300 && one_code != 404) {
            json_decref(list);
            rest_delete_options_free(&o);
            *code = one_code;
            return out;
        }
        json_decref(out);
    }
    rest_delete_options_free(&o);
    return rest_answer(code, 200, list);
}
