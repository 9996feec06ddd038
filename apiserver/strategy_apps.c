/* Strategies of the apps/v1 workloads (pkg/apis/apps/v1/defaults.go, pkg/apis/apps/validation,
 * pkg/registry/apps/<type>/strategy.go of Kubernetes 1.32), the table of every non-core type,
 * and the helpers the other strategy_apps_*.c files share: Go-style printing of bad values,
 * int-or-percent checks, selector-against-template checks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "selector.h"
#include "strategy_apps_int.h"
#include "validate.h"
#include "xalloc.h"

/* ---- Go-style values ---- */

void sapps_add_raw(struct field_errors *fe, enum field_error_type type, const char *field,
                   const char *raw, const char *detail)
{
    const char *reason =
        type == FIELD_NOT_SUPPORTED ? "FieldValueNotSupported" : "FieldValueInvalid";
    cleanup_free char *message = NULL;
    if (type == FIELD_NOT_SUPPORTED) {
        message = detail ? xasprintf("Unsupported value: %s: supported values: %s", raw, detail)
                         : xasprintf("Unsupported value: %s", raw);
    } else {
        message = detail && detail[0] ? xasprintf("Invalid value: %s: %s", raw, detail)
                                      : xasprintf("Invalid value: %s", raw);
    }
    json_array_append_new(fe->causes, json_pack("{s:s,s:s,s:s}", "reason", reason, "message",
                                                message, "field", field));
    cleanup_free char *line = xasprintf("%s: %s", field, message);
    json_array_append_new(fe->lines, json_string(line));
}

/* Appends to an owned growing string. */
static void append(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(char **buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *piece = NULL;
    if (vasprintf(&piece, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
    char *joined = xasprintf("%s%s", *buf ? *buf : "", piece);
    free(piece);
    free(*buf);
    *buf = joined;
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *sapps_go_string_map(const json_t *m)
{
    if (!json_is_object(m)) {
        return xstrdup("map[string]string(nil)");
    }
    size_t n = json_object_size(m);
    const char **keys = xmalloc((n ? n : 1) * sizeof *keys);
    size_t i = 0;
    const char *key;
    const json_t *value;
    json_object_foreach ((json_t *)m, key, value) {
        keys[i++] = key;
    }
    qsort(keys, n, sizeof *keys, compare_keys);
    char *out = xstrdup("map[string]string{");
    for (i = 0; i < n; i++) {
        cleanup_free char *k = validate_quote(keys[i]);
        const char *s = json_string_value(json_object_get(m, keys[i]));
        cleanup_free char *v = validate_quote(s ? s : "");
        append(&out, "%s%s:%s", i ? ", " : "", k, v);
    }
    append(&out, "}");
    free(keys);
    return out;
}

char *sapps_go_string_slice(const json_t *a)
{
    if (!json_is_array(a)) {
        return xstrdup("[]string(nil)");
    }
    char *out = xstrdup("[]string{");
    size_t i;
    const json_t *v;
    json_array_foreach (a, i, v) {
        const char *s = json_string_value(v);
        cleanup_free char *q = validate_quote(s ? s : "");
        append(&out, "%s%s", i ? ", " : "", q);
    }
    append(&out, "}");
    return out;
}

char *sapps_go_label_selector(const json_t *sel)
{
    cleanup_free char *labels = sapps_go_string_map(json_object_get(sel, "matchLabels"));
    const json_t *exprs = json_object_get(sel, "matchExpressions");
    char *out = xasprintf("v1.LabelSelector{MatchLabels:%s, MatchExpressions:", labels);
    if (!json_is_array(exprs)) {
        append(&out, "[]v1.LabelSelectorRequirement(nil)}");
        return out;
    }
    append(&out, "[]v1.LabelSelectorRequirement{");
    size_t i;
    const json_t *e;
    json_array_foreach (exprs, i, e) {
        const char *k = json_string_value(json_object_get(e, "key"));
        const char *op = json_string_value(json_object_get(e, "operator"));
        cleanup_free char *qk = validate_quote(k ? k : "");
        cleanup_free char *qop = validate_quote(op ? op : "");
        cleanup_free char *values = sapps_go_string_slice(json_object_get(e, "values"));
        append(&out, "%sv1.LabelSelectorRequirement{Key:%s, Operator:%s, Values:%s}", i ? ", " : "",
               qk, qop, values);
    }
    append(&out, "}}");
    return out;
}

char *sapps_go_int_or_string(const json_t *v)
{
    if (json_is_string(v)) {
        cleanup_free char *q = validate_quote(json_string_value(v));
        return xasprintf("intstr.IntOrString{Type:1, IntVal:0, StrVal:%s}", q);
    }
    return xasprintf("intstr.IntOrString{Type:0, IntVal:%lld, StrVal:\"\"}",
                     (long long)json_integer_value(v));
}

/* ---- Validators ---- */

void sapps_nonnegative(const json_t *obj, const char *key, const char *path,
                       struct field_errors *fe)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v) && json_integer_value(v) < 0) {
        field_errors_add(fe, FIELD_INVALID, path, v, "must be greater than or equal to 0");
    }
}

/* IsValidPercent: digits then '%'. */
static bool is_percent(const char *s, long long *value)
{
    size_t n = strlen(s);
    if (n < 2 || s[n - 1] != '%' || strspn(s, "0123456789") != n - 1) {
        return false;
    }
    if (value != NULL) {
        *value = strtoll(s, NULL, 10);
    }
    return true;
}

long long sapps_int_or_percent_value(const json_t *v)
{
    long long value = 0;
    if (json_is_string(v)) {
        return is_percent(json_string_value(v), &value) ? value : 0;
    }
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

void sapps_int_or_percent(const json_t *v, const char *path, struct field_errors *fe)
{
    if (v == NULL || json_is_null(v)) {
        return;
    }
    cleanup_free char *raw = sapps_go_int_or_string(v);
    long long value = 0;
    if (json_is_string(v)) {
        if (!is_percent(json_string_value(v), &value)) {
            sapps_add_raw(fe, FIELD_INVALID, path, raw,
                          "a valid percent string must be a numeric string followed by an ending "
                          "'%' (e.g. '1%', or '93%', regex used for validation is '[0-9]+%')");
        } else if (value > 100) {
            sapps_add_raw(fe, FIELD_INVALID, path, raw, "must not be greater than 100%");
        }
    } else if (json_is_integer(v) && json_integer_value(v) < 0) {
        field_errors_add(fe, FIELD_INVALID, path, v, "must be greater than or equal to 0");
    }
}

bool sapps_differs(const json_t *a, const json_t *b)
{
    if (a != NULL && json_is_null(a)) {
        a = NULL;
    }
    if (b != NULL && json_is_null(b)) {
        b = NULL;
    }
    if (a == NULL || b == NULL) {
        return a != b;
    }
    return !json_equal(a, b);
}

void sapps_immutable(const json_t *now, const json_t *before, const char *path, const char *raw,
                     struct field_errors *fe)
{
    if (!sapps_differs(now, before)) {
        return;
    }
    if (raw != NULL) {
        sapps_add_raw(fe, FIELD_INVALID, path, raw, "field is immutable");
    } else {
        field_errors_add(fe, FIELD_INVALID, path, now ? now : json_null(), "field is immutable");
    }
}

void sapps_validate_meta_labels(const json_t *meta, const char *path, struct field_errors *fe)
{
    cleanup_free char *labels_path = xasprintf("%s.labels", path);
    const char *key;
    const json_t *value;
    json_object_foreach ((json_t *)json_object_get(meta, "labels"), key, value) {
        struct validate_errs errs = VALIDATE_ERRS_INIT;
        if (validate_qualified_name(key, &errs) > 0) {
            json_t *bad = json_string(key);
            for (size_t i = 0; i < errs.n; i++) {
                field_errors_add(fe, FIELD_INVALID, labels_path, bad, errs.msg[i]);
            }
            json_decref(bad);
        }
        validate_errs_free(&errs);
        const char *s = json_string_value(value);
        if (s != NULL && validate_label_value(s, &errs) > 0) {
            for (size_t i = 0; i < errs.n; i++) {
                field_errors_add(fe, FIELD_INVALID, labels_path, value, errs.msg[i]);
            }
        }
        validate_errs_free(&errs);
    }
    cleanup_free char *annotations_path = xasprintf("%s.annotations", path);
    struct validate_errs errs = VALIDATE_ERRS_INIT;
    validate_annotations(json_object_get(meta, "annotations"), annotations_path, &errs);
    for (size_t i = 0; i < errs.n; i++) {
        /* validate_annotations gives whole lines "field: body": keep them as they are. */
        const char *body = strstr(errs.msg[i], ": ");
        json_array_append_new(fe->causes,
                              json_pack("{s:s,s:s,s:s}", "reason", "FieldValueInvalid", "message",
                                        body ? body + 2 : errs.msg[i], "field", annotations_path));
        json_array_append_new(fe->lines, json_string(errs.msg[i]));
    }
    validate_errs_free(&errs);
}

bool sapps_validate_selector(const json_t *spec, const char *path,
                             const struct sapps_selector_rules *rules, struct field_errors *fe)
{
    const json_t *sel = json_object_get(spec, "selector");
    if (json_is_null(sel)) {
        sel = NULL;
    }
    cleanup_free char *sel_path = xasprintf("%s.selector", path);
    if (sel == NULL && rules->required) {
        field_errors_add(fe, FIELD_REQUIRED, sel_path, NULL, NULL);
    } else if (sel != NULL) {
        strategy_validate_label_selector(sel, sel_path, fe);
        if (rules->empty_word != NULL &&
            json_object_size(json_object_get(sel, "matchLabels")) +
                    json_array_size(json_object_get(sel, "matchExpressions")) ==
                0) {
            cleanup_free char *raw = sapps_go_label_selector(sel);
            cleanup_free char *detail =
                xasprintf("empty selector is invalid for %s", rules->empty_word);
            sapps_add_raw(fe, FIELD_INVALID, sel_path, raw, detail);
        }
    }
    struct err e = {0};
    struct label_selector *parsed = label_selector_from_json(sel, &e);
    if (parsed == NULL) {
        if (rules->parse_detail != NULL) {
            cleanup_free char *raw = sapps_go_label_selector(sel);
            sapps_add_raw(fe, FIELD_INVALID, sel_path, raw, rules->parse_detail);
        }
        return false;
    }
    const json_t *template_labels =
        json_object_get(json_object_get(json_object_get(spec, "template"), "metadata"), "labels");
    bool check = !(rules->skip_when_everything && label_selector_is_empty(parsed));
    if (check && !label_selector_matches(parsed, template_labels)) {
        cleanup_free char *raw = sapps_go_string_map(template_labels);
        cleanup_free char *field = xasprintf("%s.template.metadata.labels", path);
        sapps_add_raw(fe, FIELD_INVALID, field, raw, "`selector` does not match template `labels`");
    }
    label_selector_free(parsed);
    return true;
}

/* ---- Defaulting ---- */

json_t *sapps_object(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_object(v)) {
        v = json_object();
        json_object_set_new(obj, key, v);
    }
    return v;
}

static bool is_unset(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v == NULL || json_is_null(v);
}

void sapps_default_int(json_t *obj, const char *key, long long value)
{
    if (is_unset(obj, key)) {
        json_object_set_new(obj, key, json_integer(value));
    }
}

void sapps_default_string(json_t *obj, const char *key, const char *value)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
        json_object_set_new(obj, key, json_string(value));
    }
}

void sapps_default_bool(json_t *obj, const char *key, bool value)
{
    if (is_unset(obj, key)) {
        json_object_set_new(obj, key, json_boolean(value));
    }
}

/* ---- Shared by the workloads ---- */

static const char *str_of(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static void default_template(json_t *spec)
{
    json_t *template_ = json_object_get(spec, "template");
    if (json_is_object(template_)) {
        strategy_default_pod_template(template_);
    }
}

/* ValidatePodTemplateSpecForReplicaSet's tail, shared by deployments, replica sets and daemon
 * sets: the template itself, restartPolicy Always, no activeDeadlineSeconds. */
static void validate_always_template(const json_t *spec, const char *kind, struct field_errors *fe)
{
    json_t *empty = json_object();
    const json_t *template_ = json_object_get(spec, "template");
    strategy_validate_pod_template(json_is_object(template_) ? template_ : empty, "spec.template",
                                   fe);
    const json_t *pod = json_object_get(template_, "spec");
    const json_t *policy = json_object_get(pod, "restartPolicy");
    if (!json_is_string(policy) || strcmp(json_string_value(policy), "Always") != 0) {
        json_t *bad = json_string(json_is_string(policy) ? json_string_value(policy) : "");
        field_errors_add(fe, FIELD_NOT_SUPPORTED, "spec.template.spec.restartPolicy", bad,
                         "\"Always\"");
        json_decref(bad);
    }
    if (!is_unset(pod, "activeDeadlineSeconds")) {
        cleanup_free char *detail = xasprintf("activeDeadlineSeconds in %s is not Supported", kind);
        field_errors_add(fe, FIELD_FORBIDDEN, "spec.template.spec.activeDeadlineSeconds", NULL,
                         detail);
    }
    json_decref(empty);
}

static void validate_selector_immutable(const json_t *obj, const json_t *old,
                                        struct field_errors *fe)
{
    const json_t *now = json_object_get(json_object_get(obj, "spec"), "selector");
    const json_t *before = json_object_get(json_object_get(old, "spec"), "selector");
    if (sapps_differs(now, before)) {
        cleanup_free char *raw =
            now && !json_is_null(now) ? sapps_go_label_selector(now) : xstrdup("null");
        sapps_add_raw(fe, FIELD_INVALID, "spec.selector", raw, "field is immutable");
    }
}

static bool is_status(const char *sub)
{
    return sub != NULL && strcmp(sub, "status") == 0;
}

/* Status counters: each nonnegative; those named in at_most_replicas not above status.replicas. */
static void validate_status_counts(const json_t *obj, const char *const *keys,
                                   const char *const *at_most_replicas, struct field_errors *fe)
{
    const json_t *status = json_object_get(obj, "status");
    for (size_t i = 0; keys[i] != NULL; i++) {
        cleanup_free char *path = xasprintf("status.%s", keys[i]);
        sapps_nonnegative(status, keys[i], path, fe);
    }
    json_int_t replicas = json_integer_value(json_object_get(status, "replicas"));
    for (size_t i = 0; at_most_replicas[i] != NULL; i++) {
        const json_t *v = json_object_get(status, at_most_replicas[i]);
        if (json_is_integer(v) && json_integer_value(v) > replicas) {
            cleanup_free char *path = xasprintf("status.%s", at_most_replicas[i]);
            field_errors_add(fe, FIELD_INVALID, path, v, "cannot be greater than status.replicas");
        }
    }
}

/* ---- deployments ---- */

static void deployment_defaults(json_t *obj)
{
    json_t *spec = sapps_object(obj, "spec");
    sapps_default_int(spec, "replicas", 1);
    json_t *strategy = sapps_object(spec, "strategy");
    sapps_default_string(strategy, "type", "RollingUpdate");
    if (strcmp(str_of(strategy, "type"), "RollingUpdate") == 0) {
        json_t *rolling = sapps_object(strategy, "rollingUpdate");
        if (is_unset(rolling, "maxUnavailable")) {
            json_object_set_new(rolling, "maxUnavailable", json_string("25%"));
        }
        if (is_unset(rolling, "maxSurge")) {
            json_object_set_new(rolling, "maxSurge", json_string("25%"));
        }
    }
    sapps_default_int(spec, "revisionHistoryLimit", 10);
    sapps_default_int(spec, "progressDeadlineSeconds", 600);
    default_template(spec);
}

static void validate_deployment_strategy(const json_t *strategy, struct field_errors *fe)
{
    const char *type = str_of(strategy, "type");
    const json_t *rolling = json_object_get(strategy, "rollingUpdate");
    if (json_is_null(rolling)) {
        rolling = NULL;
    }
    if (strcmp(type, "Recreate") == 0) {
        if (rolling != NULL) {
            field_errors_add(fe, FIELD_FORBIDDEN, "spec.strategy.rollingUpdate", NULL,
                             "may not be specified when strategy `type` is 'Recreate'");
        }
    } else if (strcmp(type, "RollingUpdate") == 0) {
        if (rolling == NULL) {
            field_errors_add(fe, FIELD_REQUIRED, "spec.strategy.rollingUpdate", NULL,
                             "this should be defaulted and never be nil");
            return;
        }
        const json_t *unavailable = json_object_get(rolling, "maxUnavailable");
        const json_t *surge = json_object_get(rolling, "maxSurge");
        sapps_int_or_percent(unavailable, "spec.strategy.rollingUpdate.maxUnavailable", fe);
        sapps_int_or_percent(surge, "spec.strategy.rollingUpdate.maxSurge", fe);
        if (sapps_int_or_percent_value(unavailable) == 0 &&
            sapps_int_or_percent_value(surge) == 0) {
            json_t *zero = json_integer(0);
            cleanup_free char *raw = sapps_go_int_or_string(unavailable ? unavailable : zero);
            json_decref(zero);
            sapps_add_raw(fe, FIELD_INVALID, "spec.strategy.rollingUpdate.maxUnavailable", raw,
                          "may not be 0 when `maxSurge` is 0");
        }
    } else {
        cleanup_free char *q = validate_quote(type);
        cleanup_free char *raw = xasprintf(
            "apps.DeploymentStrategy{Type:%s, RollingUpdate:(*apps.RollingUpdateDeployment)(%s)}",
            q, rolling ? "0xc000000000" : "nil");
        sapps_add_raw(fe, FIELD_NOT_SUPPORTED, "spec.strategy", raw,
                      "\"Recreate\", \"RollingUpdate\"");
    }
}

static const struct sapps_selector_rules replicaset_selector = {
    .required = true,
    .empty_word = "deployment",
    .parse_detail = "invalid label selector",
    .skip_when_everything = true,
};

static void deployment_validate(const char *sub, const json_t *obj, const json_t *old,
                                struct field_errors *fe)
{
    if (is_status(sub)) {
        static const char *const keys[] = {"observedGeneration", "replicas",
                                           "updatedReplicas",    "readyReplicas",
                                           "availableReplicas",  "unavailableReplicas",
                                           "collisionCount",     NULL};
        static const char *const capped[] = {"updatedReplicas", "readyReplicas",
                                             "availableReplicas", NULL};
        validate_status_counts(obj, keys, capped, fe);
        return;
    }
    const json_t *spec = json_object_get(obj, "spec");
    sapps_nonnegative(spec, "replicas", "spec.replicas", fe);
    if (sapps_validate_selector(spec, "spec", &replicaset_selector, fe)) {
        validate_always_template(spec, "ReplicaSet", fe);
    }
    validate_deployment_strategy(json_object_get(spec, "strategy"), fe);
    sapps_nonnegative(spec, "minReadySeconds", "spec.minReadySeconds", fe);
    sapps_nonnegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", fe);
    const json_t *deadline = json_object_get(spec, "progressDeadlineSeconds");
    if (json_is_integer(deadline)) {
        sapps_nonnegative(spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds", fe);
        if (json_integer_value(deadline) <=
            json_integer_value(json_object_get(spec, "minReadySeconds"))) {
            field_errors_add(fe, FIELD_INVALID, "spec.progressDeadlineSeconds", deadline,
                             "must be greater than minReadySeconds");
        }
    }
    if (old != NULL) {
        validate_selector_immutable(obj, old, fe);
    }
}

/* Deployments also count annotation changes as a new generation: they are copied to the
 * replica sets. */
static void deployment_prepare_update(const char *sub, json_t *obj, const json_t *old)
{
    if (is_status(sub)) {
        return;
    }
    const json_t *old_meta = json_object_get(old, "metadata");
    json_t *meta = json_object_get(obj, "metadata");
    json_int_t old_gen = json_integer_value(json_object_get(old_meta, "generation"));
    if (json_integer_value(json_object_get(meta, "generation")) == old_gen &&
        sapps_differs(json_object_get(meta, "annotations"),
                      json_object_get(old_meta, "annotations"))) {
        json_object_set_new(meta, "generation", json_integer(old_gen + 1));
    }
}

/* ---- replicasets ---- */

static void replicaset_defaults(json_t *obj)
{
    json_t *spec = sapps_object(obj, "spec");
    sapps_default_int(spec, "replicas", 1);
    default_template(spec);
}

static void replicaset_validate(const char *sub, const json_t *obj, const json_t *old,
                                struct field_errors *fe)
{
    if (is_status(sub)) {
        static const char *const keys[] = {"replicas",           "fullyLabeledReplicas",
                                           "readyReplicas",      "availableReplicas",
                                           "observedGeneration", NULL};
        static const char *const capped[] = {"fullyLabeledReplicas", "readyReplicas",
                                             "availableReplicas", NULL};
        validate_status_counts(obj, keys, capped, fe);
        return;
    }
    const json_t *spec = json_object_get(obj, "spec");
    sapps_nonnegative(spec, "replicas", "spec.replicas", fe);
    sapps_nonnegative(spec, "minReadySeconds", "spec.minReadySeconds", fe);
    if (sapps_validate_selector(spec, "spec", &replicaset_selector, fe)) {
        validate_always_template(spec, "ReplicaSet", fe);
    }
    if (old != NULL) {
        validate_selector_immutable(obj, old, fe);
    }
}

/* ---- statefulsets ---- */

static void statefulset_defaults(json_t *obj)
{
    json_t *spec = sapps_object(obj, "spec");
    sapps_default_string(spec, "podManagementPolicy", "OrderedReady");
    json_t *strategy = sapps_object(spec, "updateStrategy");
    if (is_unset(strategy, "type") || strcmp(str_of(strategy, "type"), "") == 0) {
        json_object_set_new(strategy, "type", json_string("RollingUpdate"));
        sapps_object(strategy, "rollingUpdate");
    }
    json_t *rolling = json_object_get(strategy, "rollingUpdate");
    if (strcmp(str_of(strategy, "type"), "RollingUpdate") == 0 && json_is_object(rolling)) {
        sapps_default_int(rolling, "partition", 0);
    }
    json_t *retention = sapps_object(spec, "persistentVolumeClaimRetentionPolicy");
    sapps_default_string(retention, "whenDeleted", "Retain");
    sapps_default_string(retention, "whenScaled", "Retain");
    sapps_default_int(spec, "replicas", 1);
    sapps_default_int(spec, "revisionHistoryLimit", 10);
    default_template(spec);
    /* The claim templates get PersistentVolumeClaim's defaults. */
    size_t i;
    json_t *claim;
    json_array_foreach (json_object_get(spec, "volumeClaimTemplates"), i, claim) {
        if (!json_is_object(claim)) {
            continue;
        }
        sapps_default_string(sapps_object(claim, "spec"), "volumeMode", "Filesystem");
        sapps_default_string(sapps_object(claim, "status"), "phase", "Pending");
    }
}

static void validate_retention(const json_t *policy, const char *key, struct field_errors *fe)
{
    const json_t *v = json_object_get(policy, key);
    const char *s = json_string_value(v);
    if (policy != NULL && (s == NULL || (strcmp(s, "Retain") != 0 && strcmp(s, "Delete") != 0))) {
        cleanup_free char *path = xasprintf("spec.persistentVolumeClaimRetentionPolicy.%s", key);
        json_t *bad = json_string(s ? s : "");
        field_errors_add(fe, FIELD_NOT_SUPPORTED, path, bad, "\"Retain\", \"Delete\"");
        json_decref(bad);
    }
}

static void statefulset_validate_spec(const json_t *spec, struct field_errors *fe)
{
    const json_t *policy = json_object_get(spec, "podManagementPolicy");
    const char *policy_s = json_string_value(policy);
    if (policy_s == NULL || policy_s[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "spec.podManagementPolicy", NULL, NULL);
    } else if (strcmp(policy_s, "OrderedReady") != 0 && strcmp(policy_s, "Parallel") != 0) {
        field_errors_add(fe, FIELD_INVALID, "spec.podManagementPolicy", policy,
                         "must be 'OrderedReady' or 'Parallel'");
    }
    const json_t *strategy = json_object_get(spec, "updateStrategy");
    const char *type = str_of(strategy, "type");
    const json_t *rolling = json_object_get(strategy, "rollingUpdate");
    if (json_is_null(rolling)) {
        rolling = NULL;
    }
    if (type[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "spec.updateStrategy", NULL, NULL);
    } else if (strcmp(type, "OnDelete") == 0) {
        if (rolling != NULL) {
            field_errors_add(fe, FIELD_INVALID, "spec.updateStrategy.rollingUpdate", rolling,
                             "only allowed for updateStrategy 'RollingUpdate'");
        }
    } else if (strcmp(type, "RollingUpdate") == 0) {
        if (rolling != NULL) {
            sapps_nonnegative(rolling, "partition", "spec.updateStrategy.rollingUpdate.partition",
                              fe);
            const json_t *max = json_object_get(rolling, "maxUnavailable");
            if (max != NULL && !json_is_null(max)) {
                const char *p = "spec.updateStrategy.rollingUpdate.maxUnavailable";
                sapps_int_or_percent(max, p, fe);
                if (sapps_int_or_percent_value(max) == 0) {
                    cleanup_free char *raw = sapps_go_int_or_string(max);
                    sapps_add_raw(fe, FIELD_INVALID, p, raw, "cannot be 0");
                }
            }
        }
    } else {
        field_errors_add(fe, FIELD_INVALID, "spec.updateStrategy", strategy,
                         "must be 'RollingUpdate' or 'OnDelete'");
    }
    const json_t *retention = json_object_get(spec, "persistentVolumeClaimRetentionPolicy");
    if (json_is_object(retention)) {
        validate_retention(retention, "whenDeleted", fe);
        validate_retention(retention, "whenScaled", fe);
    }
    sapps_nonnegative(spec, "replicas", "spec.replicas", fe);
    sapps_nonnegative(spec, "minReadySeconds", "spec.minReadySeconds", fe);
    sapps_nonnegative(json_object_get(spec, "ordinals"), "start", "spec.ordinals.start", fe);
    static const struct sapps_selector_rules rules = {
        .required = true,
        .empty_word = "statefulset",
        .parse_detail = "",
        .skip_when_everything = true,
    };
    if (sapps_validate_selector(spec, "spec", &rules, fe)) {
        /* Kubernetes checks only the template's labels and annotations here (its TODO). */
        sapps_validate_meta_labels(json_object_get(json_object_get(spec, "template"), "metadata"),
                                   "spec.template", fe);
    }
    const json_t *pod = json_object_get(json_object_get(spec, "template"), "spec");
    const char *restart = str_of(pod, "restartPolicy");
    if (strcmp(restart, "Always") != 0) {
        json_t *bad = json_string(restart);
        field_errors_add(fe, FIELD_NOT_SUPPORTED, "spec.template.spec.restartPolicy", bad,
                         "\"Always\"");
        json_decref(bad);
    }
    if (!is_unset(pod, "activeDeadlineSeconds")) {
        field_errors_add(fe, FIELD_FORBIDDEN, "spec.template.spec.activeDeadlineSeconds", NULL,
                         "activeDeadlineSeconds in StatefulSet is not Supported");
    }
}

static void statefulset_validate(const char *sub, const json_t *obj, const json_t *old,
                                 struct field_errors *fe)
{
    if (is_status(sub)) {
        static const char *const keys[] = {
            "replicas",          "readyReplicas",      "currentReplicas", "updatedReplicas",
            "availableReplicas", "observedGeneration", "collisionCount",  NULL};
        static const char *const capped[] = {"readyReplicas", "currentReplicas", "updatedReplicas",
                                             "availableReplicas", NULL};
        validate_status_counts(obj, keys, capped, fe);
        return;
    }
    const json_t *spec = json_object_get(obj, "spec");
    statefulset_validate_spec(spec, fe);
    if (old == NULL) {
        return;
    }
    /* Everything but these fields is fixed after creation. */
    static const char *const mutable_fields[] = {"replicas",
                                                 "ordinals",
                                                 "template",
                                                 "updateStrategy",
                                                 "persistentVolumeClaimRetentionPolicy",
                                                 "minReadySeconds",
                                                 NULL};
    json_t *now = json_is_object(spec) ? json_deep_copy(spec) : json_object();
    const json_t *old_spec = json_object_get(old, "spec");
    json_t *before = json_is_object(old_spec) ? json_deep_copy(old_spec) : json_object();
    for (size_t i = 0; mutable_fields[i] != NULL; i++) {
        json_object_del(now, mutable_fields[i]);
        json_object_del(before, mutable_fields[i]);
    }
    if (!json_equal(now, before)) {
        field_errors_add(fe, FIELD_FORBIDDEN, "spec", NULL,
                         "updates to statefulset spec for fields other than 'replicas', "
                         "'ordinals', 'template', 'updateStrategy', "
                         "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                         "forbidden");
    }
    json_decref(now);
    json_decref(before);
}

/* ---- daemonsets ---- */

#define TEMPLATE_GENERATION "deprecated.daemonset.template.generation"

static void daemonset_defaults(json_t *obj)
{
    json_t *spec = sapps_object(obj, "spec");
    json_t *strategy = sapps_object(spec, "updateStrategy");
    sapps_default_string(strategy, "type", "RollingUpdate");
    if (strcmp(str_of(strategy, "type"), "RollingUpdate") == 0) {
        json_t *rolling = sapps_object(strategy, "rollingUpdate");
        sapps_default_int(rolling, "maxUnavailable", 1);
        sapps_default_int(rolling, "maxSurge", 0);
    }
    sapps_default_int(spec, "revisionHistoryLimit", 10);
    default_template(spec);
}

/* templateGeneration lives in an annotation in apps/v1: 1 at creation, +1 per template change. */
static void set_template_generation(json_t *obj, long long generation)
{
    json_t *annotations = sapps_object(sapps_object(obj, "metadata"), "annotations");
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", generation);
    json_object_set_new(annotations, TEMPLATE_GENERATION, json_string(buf));
}

static void daemonset_prepare_create(json_t *obj)
{
    set_template_generation(obj, 1);
}

static void daemonset_prepare_update(const char *sub, json_t *obj, const json_t *old)
{
    if (is_status(sub)) {
        return;
    }
    const char *old_value = json_string_value(json_object_get(
        json_object_get(json_object_get(old, "metadata"), "annotations"), TEMPLATE_GENERATION));
    long long generation = old_value ? strtoll(old_value, NULL, 10) : 0;
    if (sapps_differs(json_object_get(json_object_get(obj, "spec"), "template"),
                      json_object_get(json_object_get(old, "spec"), "template"))) {
        generation++;
    }
    if (generation > 0) {
        set_template_generation(obj, generation);
    }
}

static void daemonset_validate(const char *sub, const json_t *obj, const json_t *old,
                               struct field_errors *fe)
{
    if (is_status(sub)) {
        static const char *const keys[] = {"currentNumberScheduled", "numberMisscheduled",
                                           "desiredNumberScheduled", "numberReady",
                                           "observedGeneration",     "updatedNumberScheduled",
                                           "numberAvailable",        "numberUnavailable",
                                           "collisionCount",         NULL};
        static const char *const none[] = {NULL};
        validate_status_counts(obj, keys, none, fe);
        return;
    }
    const json_t *spec = json_object_get(obj, "spec");
    static const struct sapps_selector_rules rules = {
        .required = false,
        .empty_word = "daemonset",
        .parse_detail = NULL,
        .skip_when_everything = false,
    };
    sapps_validate_selector(spec, "spec", &rules, fe);
    validate_always_template(spec, "DaemonSet", fe);
    sapps_nonnegative(spec, "minReadySeconds", "spec.minReadySeconds", fe);
    const json_t *strategy = json_object_get(spec, "updateStrategy");
    const char *type = str_of(strategy, "type");
    if (strcmp(type, "RollingUpdate") == 0) {
        const json_t *rolling = json_object_get(strategy, "rollingUpdate");
        if (!json_is_object(rolling)) {
            field_errors_add(fe, FIELD_REQUIRED, "spec.updateStrategy.rollingUpdate", NULL, NULL);
        } else {
            const json_t *unavailable = json_object_get(rolling, "maxUnavailable");
            const json_t *surge = json_object_get(rolling, "maxSurge");
            const char *pu = "spec.updateStrategy.rollingUpdate.maxUnavailable";
            const char *ps = "spec.updateStrategy.rollingUpdate.maxSurge";
            sapps_int_or_percent(unavailable, pu, fe);
            sapps_int_or_percent(surge, ps, fe);
            bool has_unavailable = sapps_int_or_percent_value(unavailable) != 0;
            bool has_surge = sapps_int_or_percent_value(surge) != 0;
            if (has_unavailable && has_surge) {
                cleanup_free char *raw = sapps_go_int_or_string(surge);
                sapps_add_raw(fe, FIELD_INVALID, ps, raw,
                              "may not be set when maxUnavailable is non-zero");
            } else if (!has_unavailable && !has_surge) {
                field_errors_add(fe, FIELD_REQUIRED, pu, NULL, "cannot be 0 when maxSurge is 0");
            }
        }
    } else if (strcmp(type, "OnDelete") != 0) {
        cleanup_free char *q = validate_quote(type);
        cleanup_free char *raw = xasprintf(
            "apps.DaemonSetUpdateStrategy{Type:%s, "
            "RollingUpdate:(*apps.RollingUpdateDaemonSet)(%s)}",
            q, json_is_object(json_object_get(strategy, "rollingUpdate")) ? "0xc000000000" : "nil");
        sapps_add_raw(fe, FIELD_NOT_SUPPORTED, "spec.updateStrategy", raw,
                      "\"RollingUpdate\", \"OnDelete\"");
    }
    sapps_nonnegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", fe);
    if (old != NULL) {
        validate_selector_immutable(obj, old, fe);
    }
}

/* ---- controllerrevisions ---- */

static void controllerrevision_validate(const char *sub, const json_t *obj, const json_t *old,
                                        struct field_errors *fe)
{
    (void)sub;
    const json_t *data = json_object_get(obj, "data");
    if (data == NULL || json_is_null(data)) {
        field_errors_add(fe, FIELD_REQUIRED, "data", NULL, "data is mandatory");
    }
    sapps_nonnegative(obj, "revision", "revision", fe);
    if (old != NULL) {
        sapps_immutable(data, json_object_get(old, "data"), "data", NULL, fe);
    }
}

/* ---- The table ---- */

const struct strategy strategy_apps_table[] = {
    {"apps", "deployments", deployment_defaults, NULL, deployment_prepare_update,
     deployment_validate},
    {"apps", "replicasets", replicaset_defaults, NULL, NULL, replicaset_validate},
    {"apps", "statefulsets", statefulset_defaults, NULL, NULL, statefulset_validate},
    {"apps", "daemonsets", daemonset_defaults, daemonset_prepare_create, daemonset_prepare_update,
     daemonset_validate},
    {"apps", "controllerrevisions", NULL, NULL, NULL, controllerrevision_validate},
    {"batch", "jobs", sapps_job_defaults, sapps_job_prepare_create, NULL, sapps_job_validate},
    {"batch", "cronjobs", sapps_cronjob_defaults, NULL, NULL, sapps_cronjob_validate},
    {"policy", "poddisruptionbudgets", NULL, NULL, NULL, sapps_pdb_validate},
    {"networking.k8s.io", "ingresses", NULL, NULL, NULL, sapps_ingress_validate},
    {"autoscaling", "horizontalpodautoscalers", sapps_hpa_defaults, NULL, NULL, sapps_hpa_validate},
    {"coordination.k8s.io", "leases", NULL, NULL, NULL, sapps_lease_validate},
    {"discovery.k8s.io", "endpointslices", sapps_endpointslice_defaults, NULL, NULL,
     sapps_endpointslice_validate},
    {"rbac.authorization.k8s.io", "roles", NULL, NULL, NULL, sapps_role_validate},
    {"rbac.authorization.k8s.io", "clusterroles", NULL, NULL, NULL, sapps_clusterrole_validate},
    {"rbac.authorization.k8s.io", "rolebindings", sapps_binding_defaults, NULL, NULL,
     sapps_rolebinding_validate},
    {"rbac.authorization.k8s.io", "clusterrolebindings", sapps_binding_defaults, NULL, NULL,
     sapps_clusterrolebinding_validate},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
