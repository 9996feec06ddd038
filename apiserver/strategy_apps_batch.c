/* Strategies of batch/v1 Jobs and CronJobs as Kubernetes 1.32 gives them
 * (pkg/apis/batch/v1/defaults.go, pkg/apis/batch/validation,
 * pkg/registry/batch/{job,cronjob}/strategy.go): the generated selector and pod labels, the
 * immutable template, and robfig/cron's schedule grammar with its messages. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "selector.h"
#include "strategy_apps_int.h"
#include "validate.h"
#include "xalloc.h"

#define LEGACY_JOB_NAME       "job-name"
#define JOB_NAME              "batch.kubernetes.io/job-name"
#define LEGACY_CONTROLLER_UID "controller-uid"
#define CONTROLLER_UID        "batch.kubernetes.io/controller-uid"
#define INDEXED_LIMIT         100000

static const char *str_of(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static bool is_set(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v != NULL && !json_is_null(v);
}

static bool is_true(const json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key));
}

static bool is_status(const char *sub)
{
    return sub != NULL && strcmp(sub, "status") == 0;
}

/* ---- Jobs ---- */

/* SetDefaults_Job on a JobSpec (shared with nothing else: a CronJob's jobTemplate keeps its
 * spec as written). */
static void default_job_spec(json_t *spec)
{
    if (!is_set(spec, "completions") && !is_set(spec, "parallelism")) {
        json_object_set_new(spec, "completions", json_integer(1));
        json_object_set_new(spec, "parallelism", json_integer(1));
    }
    sapps_default_int(spec, "parallelism", 1);
    sapps_default_int(spec, "backoffLimit", is_set(spec, "backoffLimitPerIndex") ? 2147483647 : 6);
    sapps_default_string(spec, "completionMode", "NonIndexed");
    sapps_default_bool(spec, "suspend", false);
    sapps_default_bool(spec, "manualSelector", false);
    const json_t *failure_policy = json_object_get(spec, "podFailurePolicy");
    size_t i;
    json_t *rule;
    json_array_foreach (json_object_get(failure_policy, "rules"), i, rule) {
        size_t j;
        json_t *pattern;
        json_array_foreach (json_object_get(rule, "onPodConditions"), j, pattern) {
            if (json_is_object(pattern)) {
                sapps_default_string(pattern, "status", "True");
            }
        }
    }
    sapps_default_string(spec, "podReplacementPolicy",
                         json_is_object(failure_policy) ? "Failed" : "TerminatingOrFailed");
    json_t *template_ = json_object_get(spec, "template");
    if (json_is_object(template_)) {
        strategy_default_pod_template(template_);
    }
}

/* A Job without labels takes its pod template's (the API keeps them shared in Go, so the
 * generated ones join too). */
static void default_job_labels(json_t *obj)
{
    const json_t *template_labels = json_object_get(
        json_object_get(json_object_get(json_object_get(obj, "spec"), "template"), "metadata"),
        "labels");
    json_t *meta = sapps_object(obj, "metadata");
    if (json_is_object(template_labels) && json_object_size(json_object_get(meta, "labels")) == 0) {
        json_object_set_new(meta, "labels", json_deep_copy(template_labels));
    }
}

void sapps_job_defaults(json_t *obj)
{
    default_job_spec(sapps_object(obj, "spec"));
    default_job_labels(obj);
}

static void set_label_if_absent(json_t *labels, const char *key, const char *value)
{
    if (json_object_get(labels, key) == NULL) {
        json_object_set_new(labels, key, json_string(value));
    }
}

/* generateSelector: the job-name and controller-uid labels on the pod template and a selector
 * on the uid, unless the user asked for manualSelector. */
void sapps_job_prepare_create(json_t *obj)
{
    json_t *spec = sapps_object(obj, "spec");
    if (!is_true(spec, "manualSelector")) {
        const json_t *meta = json_object_get(obj, "metadata");
        const char *name = str_of(meta, "name");
        const char *uid = str_of(meta, "uid");
        json_t *labels =
            sapps_object(sapps_object(sapps_object(spec, "template"), "metadata"), "labels");
        set_label_if_absent(labels, LEGACY_JOB_NAME, name);
        set_label_if_absent(labels, JOB_NAME, name);
        set_label_if_absent(labels, LEGACY_CONTROLLER_UID, uid);
        set_label_if_absent(labels, CONTROLLER_UID, uid);
        json_t *match = sapps_object(sapps_object(spec, "selector"), "matchLabels");
        set_label_if_absent(match, CONTROLLER_UID, uid);
    }
    default_job_labels(obj);
}

/* ValidateHasLabel on the template. */
static void require_template_label(const json_t *labels, const char *key, const char *want,
                                   struct field_errors *fe)
{
    cleanup_free char *path = xasprintf("spec.template.metadata.labels[%s]", key);
    const json_t *v = json_object_get(labels, key);
    if (v == NULL) {
        field_errors_add(fe, FIELD_REQUIRED, path, NULL, want);
    } else if (!json_is_string(v) || strcmp(json_string_value(v), want) != 0) {
        cleanup_free char *raw = sapps_go_string_map(labels);
        cleanup_free char *detail = xasprintf("must be '%s'", want);
        sapps_add_raw(fe, FIELD_INVALID, path, raw, detail);
    }
}

static void validate_generated_selector(const json_t *obj, struct field_errors *fe)
{
    const json_t *spec = json_object_get(obj, "spec");
    if (is_true(spec, "manualSelector") || !is_set(spec, "selector")) {
        return;
    }
    const json_t *meta = json_object_get(obj, "metadata");
    const char *uid = str_of(meta, "uid");
    const char *name = str_of(meta, "name");
    if (uid[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "metadata.uid", NULL, NULL);
    }
    const json_t *labels =
        json_object_get(json_object_get(json_object_get(spec, "template"), "metadata"), "labels");
    require_template_label(labels, LEGACY_CONTROLLER_UID, uid, fe);
    require_template_label(labels, LEGACY_JOB_NAME, name, fe);
    require_template_label(labels, CONTROLLER_UID, uid, fe);
    require_template_label(labels, JOB_NAME, name, fe);
    json_t *expected = json_pack("{s:s,s:s,s:s,s:s}", CONTROLLER_UID, uid, JOB_NAME, name,
                                 LEGACY_CONTROLLER_UID, uid, LEGACY_JOB_NAME, name);
    struct err e = {0};
    struct label_selector *sel = label_selector_from_json(json_object_get(spec, "selector"), &e);
    if (sel != NULL && !label_selector_matches(sel, expected)) {
        cleanup_free char *raw = sapps_go_label_selector(json_object_get(spec, "selector"));
        sapps_add_raw(fe, FIELD_INVALID, "spec.selector", raw, "`selector` not auto-generated");
    }
    label_selector_free(sel);
    json_decref(expected);
}

/* validateJobSpec: what a Job and a CronJob's jobTemplate share, at path ("spec" or
 * "spec.jobTemplate.spec"). */
static void validate_job_spec_common(const json_t *spec, const char *path, struct field_errors *fe)
{
    static const char *const counts[] = {"parallelism",
                                         "completions",
                                         "activeDeadlineSeconds",
                                         "backoffLimit",
                                         "ttlSecondsAfterFinished",
                                         NULL};
    for (size_t i = 0; counts[i] != NULL; i++) {
        cleanup_free char *p = xasprintf("%s.%s", path, counts[i]);
        sapps_nonnegative(spec, counts[i], p, fe);
    }
    const json_t *mode = json_object_get(spec, "completionMode");
    bool indexed = false;
    if (mode != NULL && !json_is_null(mode)) {
        const char *m = json_string_value(mode);
        indexed = m != NULL && strcmp(m, "Indexed") == 0;
        if (!indexed && (m == NULL || strcmp(m, "NonIndexed") != 0)) {
            cleanup_free char *p = xasprintf("%s.completionMode", path);
            field_errors_add(fe, FIELD_NOT_SUPPORTED, p, mode, "\"Indexed\", \"NonIndexed\"");
        }
    }
    if (indexed) {
        cleanup_free char *pc = xasprintf("%s.completions", path);
        const json_t *completions = json_object_get(spec, "completions");
        if (!json_is_integer(completions)) {
            field_errors_add(fe, FIELD_REQUIRED, pc, NULL, "when completion mode is Indexed");
        } else if (json_integer_value(completions) > INDEXED_LIMIT) {
            field_errors_add(fe, FIELD_INVALID, pc, completions,
                             "must be less than or equal to 100000 when completion mode is "
                             "Indexed");
        }
        const json_t *parallelism = json_object_get(spec, "parallelism");
        if (json_is_integer(parallelism) && json_integer_value(parallelism) > INDEXED_LIMIT) {
            cleanup_free char *pp = xasprintf("%s.parallelism", path);
            field_errors_add(fe, FIELD_INVALID, pp, parallelism,
                             "must be less than or equal to 100000 when completion mode is "
                             "Indexed");
        }
    }
    const json_t *replacement = json_object_get(spec, "podReplacementPolicy");
    if (replacement != NULL && !json_is_null(replacement)) {
        const char *r = str_of(spec, "podReplacementPolicy");
        cleanup_free char *p = xasprintf("%s.podReplacementPolicy", path);
        if (is_set(spec, "podFailurePolicy")) {
            if (strcmp(r, "Failed") != 0) {
                field_errors_add(fe, FIELD_NOT_SUPPORTED, p, replacement, "\"Failed\"");
            }
        } else if (strcmp(r, "Failed") != 0 && strcmp(r, "TerminatingOrFailed") != 0) {
            field_errors_add(fe, FIELD_NOT_SUPPORTED, p, replacement,
                             "\"Failed\", \"TerminatingOrFailed\"");
        }
    }
    json_t *empty = json_object();
    const json_t *template_ = json_object_get(spec, "template");
    cleanup_free char *template_path = xasprintf("%s.template", path);
    strategy_validate_pod_template(json_is_object(template_) ? template_ : empty, template_path,
                                   fe);
    json_decref(empty);
    const char *restart = str_of(json_object_get(template_, "spec"), "restartPolicy");
    if (strcmp(restart, "OnFailure") != 0 && strcmp(restart, "Never") != 0) {
        cleanup_free char *p = xasprintf("%s.template.spec.restartPolicy", path);
        json_t *bad = json_string(restart);
        field_errors_add(fe, FIELD_NOT_SUPPORTED, p, bad, "\"OnFailure\", \"Never\"");
        json_decref(bad);
    }
}

static void validate_job_spec(const json_t *spec, struct field_errors *fe)
{
    validate_job_spec_common(spec, "spec", fe);
    static const struct sapps_selector_rules rules = {
        .required = true,
        .empty_word = NULL,
        .parse_detail = NULL,
        .skip_when_everything = false,
    };
    sapps_validate_selector(spec, "spec", &rules, fe);
}

/* A suspended Job that never started may still change its pods' scheduling directives. */
static json_t *template_without_scheduling(const json_t *template_)
{
    json_t *copy = json_is_object(template_) ? json_deep_copy(template_) : json_object();
    json_t *meta = json_object_get(copy, "metadata");
    json_object_del(meta, "labels");
    json_object_del(meta, "annotations");
    json_t *pod = json_object_get(copy, "spec");
    static const char *const keys[] = {"nodeSelector", "tolerations", "schedulingGates", "affinity",
                                       NULL};
    for (size_t i = 0; keys[i] != NULL; i++) {
        json_object_del(pod, keys[i]);
    }
    return copy;
}

static void validate_job_update(const json_t *obj, const json_t *old, struct field_errors *fe)
{
    const json_t *spec = json_object_get(obj, "spec");
    const json_t *old_spec = json_object_get(old, "spec");
    /* Elastic Indexed Jobs scale completions together with parallelism. */
    bool elastic =
        strcmp(str_of(spec, "completionMode"), "Indexed") == 0 &&
        json_equal(json_object_get(spec, "completions"), json_object_get(spec, "parallelism"));
    if (!elastic) {
        sapps_immutable(json_object_get(spec, "completions"),
                        json_object_get(old_spec, "completions"), "spec.completions", NULL, fe);
    }
    const json_t *sel = json_object_get(spec, "selector");
    if (sapps_differs(sel, json_object_get(old_spec, "selector"))) {
        cleanup_free char *raw = sapps_go_label_selector(sel);
        sapps_add_raw(fe, FIELD_INVALID, "spec.selector", raw, "field is immutable");
    }
    const json_t *template_ = json_object_get(spec, "template");
    const json_t *old_template = json_object_get(old_spec, "template");
    bool changed = sapps_differs(template_, old_template);
    if (changed && is_true(old_spec, "suspend") &&
        !is_set(json_object_get(old, "status"), "startTime")) {
        json_t *a = template_without_scheduling(template_);
        json_t *b = template_without_scheduling(old_template);
        changed = !json_equal(a, b);
        json_decref(a);
        json_decref(b);
    }
    if (changed) {
        field_errors_add(fe, FIELD_INVALID, "spec.template", template_ ? template_ : json_null(),
                         "field is immutable");
    }
    static const char *const fixed[] = {"completionMode", "podFailurePolicy",
                                        "backoffLimitPerIndex", "managedBy", NULL};
    for (size_t i = 0; fixed[i] != NULL; i++) {
        cleanup_free char *p = xasprintf("spec.%s", fixed[i]);
        sapps_immutable(json_object_get(spec, fixed[i]), json_object_get(old_spec, fixed[i]), p,
                        NULL, fe);
    }
}

void sapps_job_validate(const char *sub, const json_t *obj, const json_t *old,
                        struct field_errors *fe)
{
    if (is_status(sub)) {
        const json_t *status = json_object_get(obj, "status");
        static const char *const keys[] = {"active",      "succeeded", "failed",
                                           "terminating", "ready",     NULL};
        for (size_t i = 0; keys[i] != NULL; i++) {
            cleanup_free char *p = xasprintf("status.%s", keys[i]);
            sapps_nonnegative(status, keys[i], p, fe);
        }
        return;
    }
    const json_t *spec = json_object_get(obj, "spec");
    if (old == NULL) {
        validate_generated_selector(obj, fe);
    }
    validate_job_spec(spec, fe);
    if (old != NULL) {
        validate_job_update(obj, old, fe);
    }
}

/* ---- CronJobs ---- */

void sapps_cronjob_defaults(json_t *obj)
{
    json_t *spec = sapps_object(obj, "spec");
    sapps_default_string(spec, "concurrencyPolicy", "Allow");
    sapps_default_bool(spec, "suspend", false);
    sapps_default_int(spec, "successfulJobsHistoryLimit", 3);
    sapps_default_int(spec, "failedJobsHistoryLimit", 1);
    json_t *template_ =
        json_object_get(json_object_get(json_object_get(spec, "jobTemplate"), "spec"), "template");
    if (json_is_object(template_)) {
        strategy_default_pod_template(template_);
    }
}

/* time.LoadLocation with the tz database kube-apiserver embeds: the system's copy here. */
static bool time_zone_exists(const char *tz)
{
    if (strcmp(tz, "UTC") == 0) {
        return true;
    }
    cleanup_free char *path = xasprintf("/usr/share/zoneinfo/%s", tz);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool time_zone_part_ok(const char *part, size_t len)
{
    if (len == 0 || len > 14 || part[0] == '-' || (len == 1 && part[0] == '.') ||
        (len == 2 && part[0] == '.' && part[1] == '.')) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)part[i]) && strchr(".-_+", part[i]) == NULL) {
            return false;
        }
    }
    return true;
}

static void validate_time_zone(const json_t *spec, struct field_errors *fe)
{
    const json_t *tz = json_object_get(spec, "timeZone");
    if (tz == NULL || json_is_null(tz)) {
        return;
    }
    const char *s = json_string_value(tz);
    if (s == NULL || s[0] == '\0') {
        field_errors_add(fe, FIELD_INVALID, "spec.timeZone", tz,
                         "timeZone must be nil or non-empty string");
        return;
    }
    for (const char *p = s;;) {
        size_t n = strcspn(p, "/");
        if (!time_zone_part_ok(p, n)) {
            cleanup_free char *detail = xasprintf("unknown time zone %s", s);
            field_errors_add(fe, FIELD_INVALID, "spec.timeZone", tz, detail);
            return;
        }
        if (p[n] == '\0') {
            break;
        }
        p += n + 1;
    }
    if (strcasecmp(s, "Local") == 0) {
        field_errors_add(fe, FIELD_INVALID, "spec.timeZone", tz,
                         "timeZone must be an explicit time zone as defined in "
                         "https://www.iana.org/time-zones");
    }
    if (!time_zone_exists(s)) {
        cleanup_free char *detail = xasprintf("unknown time zone %s", s);
        field_errors_add(fe, FIELD_INVALID, "spec.timeZone", tz, detail);
    }
}

static void validate_schedule(const json_t *spec, bool allow_tz, struct field_errors *fe)
{
    const json_t *schedule = json_object_get(spec, "schedule");
    const char *s = json_string_value(schedule);
    if (s == NULL || s[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "spec.schedule", NULL, NULL);
        return;
    }
    cleanup_free char *error = sapps_cron_parse_error(s);
    if (error != NULL) {
        field_errors_add(fe, FIELD_INVALID, "spec.schedule", schedule, error);
    }
    if (strstr(s, "TZ") != NULL) {
        if (!allow_tz) {
            field_errors_add(fe, FIELD_INVALID, "spec.schedule", schedule,
                             "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        } else if (is_set(spec, "timeZone")) {
            field_errors_add(fe, FIELD_INVALID, "spec.schedule", schedule,
                             "cannot use both timeZone field and TZ or CRON_TZ in schedule");
        }
    }
}

void sapps_cronjob_validate(const char *sub, const json_t *obj, const json_t *old,
                            struct field_errors *fe)
{
    if (is_status(sub)) {
        return;
    }
    const json_t *spec = json_object_get(obj, "spec");
    if (old == NULL) {
        /* Job names get an 11-character suffix and must stay DNS-1035 labels. */
        const json_t *name = json_object_get(json_object_get(obj, "metadata"), "name");
        if (json_is_string(name) && json_string_length(name) > 52) {
            field_errors_add(fe, FIELD_INVALID, "metadata.name", name,
                             "must be no more than 52 characters");
        }
    }
    /* TZ in the schedule is kept only on objects that already had it. */
    const char *old_schedule = str_of(json_object_get(old, "spec"), "schedule");
    validate_schedule(spec, old != NULL && strstr(old_schedule, "TZ") != NULL, fe);
    validate_time_zone(spec, fe);
    sapps_nonnegative(spec, "startingDeadlineSeconds", "spec.startingDeadlineSeconds", fe);
    const json_t *policy = json_object_get(spec, "concurrencyPolicy");
    const char *p = json_string_value(policy);
    if (p == NULL || p[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "spec.concurrencyPolicy", NULL, NULL);
    } else if (strcmp(p, "Allow") != 0 && strcmp(p, "Forbid") != 0 && strcmp(p, "Replace") != 0) {
        field_errors_add(fe, FIELD_NOT_SUPPORTED, "spec.concurrencyPolicy", policy,
                         "\"Allow\", \"Forbid\", \"Replace\"");
    }
    sapps_nonnegative(spec, "successfulJobsHistoryLimit", "spec.successfulJobsHistoryLimit", fe);
    sapps_nonnegative(spec, "failedJobsHistoryLimit", "spec.failedJobsHistoryLimit", fe);
    json_t *empty = json_object();
    const json_t *job_spec = json_object_get(json_object_get(spec, "jobTemplate"), "spec");
    if (!json_is_object(job_spec)) {
        job_spec = empty;
    }
    validate_job_spec_common(job_spec, "spec.jobTemplate.spec", fe);
    const json_t *sel = json_object_get(job_spec, "selector");
    if (sel != NULL && !json_is_null(sel)) {
        cleanup_free char *raw = sapps_go_label_selector(sel);
        sapps_add_raw(fe, FIELD_INVALID, "spec.jobTemplate.spec.selector", raw,
                      "`selector` will be auto-generated");
    }
    if (is_true(job_spec, "manualSelector")) {
        field_errors_add(fe, FIELD_NOT_SUPPORTED, "spec.jobTemplate.spec.manualSelector",
                         json_object_get(job_spec, "manualSelector"), "\"nil\", \"false\"");
    }
    json_decref(empty);
}

/* ---- robfig/cron v3 ParseStandard ---- */

struct cron_bounds {
    unsigned min, max;
    const char *const *names; /* index = value, NULL-terminated; or NULL */
};

static const char *const month_names[] = {"",    "jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const dow_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

/* strconv.Atoi with its errors; then the parser's "negative number" check. */
static char *parse_uint(const char *expr, unsigned *out)
{
    const char *p = expr;
    if (*p == '+' || *p == '-') {
        p++;
    }
    if (*p == '\0' || strspn(p, "0123456789") != strlen(p)) {
        cleanup_free char *q = validate_quote(expr);
        return xasprintf("failed to parse int from %s: strconv.Atoi: parsing %s: invalid syntax",
                         expr, q);
    }
    if (strlen(p) > 18) {
        cleanup_free char *q = validate_quote(expr);
        return xasprintf(
            "failed to parse int from %s: strconv.Atoi: parsing %s: value out of range", expr, q);
    }
    long long v = strtoll(expr, NULL, 10);
    if (v < 0) {
        return xasprintf("negative number (%lld) not allowed: %s", v, expr);
    }
    *out = v > 0xffffffffLL ? 0xffffffffu : (unsigned)v;
    return NULL;
}

static char *parse_int_or_name(const char *expr, const struct cron_bounds *b, unsigned *out)
{
    for (size_t i = 0; b->names != NULL && b->names[i] != NULL; i++) {
        if (b->names[i][0] != '\0' && strcasecmp(expr, b->names[i]) == 0) {
            *out = (unsigned)i;
            return NULL;
        }
    }
    return parse_uint(expr, out);
}

/* getRange: number | number "-" number [ "/" number ], or * and ? */
static char *parse_range(const char *expr, const struct cron_bounds *b)
{
    cleanup_free char *copy = xstrdup(expr);
    char *slash = strchr(copy, '/');
    if (slash != NULL && strchr(slash + 1, '/') != NULL) {
        return xasprintf("too many slashes: %s", expr);
    }
    if (slash != NULL) {
        *slash = '\0';
    }
    char *low = copy;
    char *dash = strchr(low, '-');
    bool single = dash == NULL;
    unsigned start = 0, end = 0, step = 1;
    char *error = NULL;
    if (strcmp(low, "*") == 0 || strcmp(low, "?") == 0 ||
        (dash != NULL && (strncmp(low, "*-", 2) == 0 || strncmp(low, "?-", 2) == 0))) {
        start = b->min;
        end = b->max;
    } else {
        if (dash != NULL) {
            *dash = '\0';
            if (strchr(dash + 1, '-') != NULL) {
                return xasprintf("too many hyphens: %s", expr);
            }
        }
        if ((error = parse_int_or_name(low, b, &start)) != NULL) {
            return error;
        }
        end = start;
        if (dash != NULL && (error = parse_int_or_name(dash + 1, b, &end)) != NULL) {
            return error;
        }
    }
    if (slash != NULL) {
        if ((error = parse_uint(slash + 1, &step)) != NULL) {
            return error;
        }
        if (single) {
            end = b->max;
        }
    }
    if (start < b->min) {
        return xasprintf("beginning of range (%u) below minimum (%u): %s", start, b->min, expr);
    }
    if (end > b->max) {
        return xasprintf("end of range (%u) above maximum (%u): %s", end, b->max, expr);
    }
    if (start > end) {
        return xasprintf("beginning of range (%u) beyond end of range (%u): %s", start, end, expr);
    }
    if (step == 0) {
        return xasprintf("step of range should be a positive number: %s", expr);
    }
    return NULL;
}

static char *parse_field(const char *field, const struct cron_bounds *b)
{
    cleanup_free char *copy = xstrdup(field);
    char *save = NULL;
    for (char *r = strtok_r(copy, ",", &save); r != NULL; r = strtok_r(NULL, ",", &save)) {
        char *error = parse_range(r, b);
        if (error != NULL) {
            return error;
        }
    }
    return NULL;
}

/* time.ParseDuration's grammar: [-+]? (number unit)+ or "0". */
static char *parse_duration_error(const char *s)
{
    cleanup_free char *q = validate_quote(s);
    const char *p = s;
    if (*p == '-' || *p == '+') {
        p++;
    }
    if (strcmp(p, "0") == 0) {
        return NULL;
    }
    if (*p == '\0') {
        return xasprintf("time: invalid duration %s", q);
    }
    static const char *const units[] = {"ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms",
                                        "s",  "m",  "h",         NULL};
    while (*p != '\0') {
        size_t digits = strspn(p, "0123456789");
        const char *frac = p + digits;
        size_t frac_digits = 0;
        if (*frac == '.') {
            frac_digits = strspn(frac + 1, "0123456789");
            frac += 1 + frac_digits;
        }
        if (digits == 0 && frac_digits == 0) {
            return xasprintf("time: invalid duration %s", q);
        }
        size_t unit_len = strcspn(frac, "0123456789.");
        if (unit_len == 0) {
            return xasprintf("time: missing unit in duration %s", q);
        }
        bool known = false;
        for (size_t i = 0; units[i] != NULL; i++) {
            known =
                known || (strlen(units[i]) == unit_len && strncmp(frac, units[i], unit_len) == 0);
        }
        if (!known) {
            cleanup_free char *unit = xasprintf("%.*s", (int)unit_len, frac);
            cleanup_free char *qu = validate_quote(unit);
            return xasprintf("time: unknown unit %s in duration %s", qu, q);
        }
        p = frac + unit_len;
    }
    return NULL;
}

static char *parse_descriptor(const char *spec)
{
    static const char *const known[] = {"@yearly", "@annually", "@monthly", "@weekly",
                                        "@daily",  "@midnight", "@hourly",  NULL};
    for (size_t i = 0; known[i] != NULL; i++) {
        if (strcmp(spec, known[i]) == 0) {
            return NULL;
        }
    }
    if (strncmp(spec, "@every ", 7) == 0) {
        cleanup_free char *error = parse_duration_error(spec + 7);
        return error ? xasprintf("failed to parse duration %s: %s", spec, error) : NULL;
    }
    return xasprintf("unrecognized descriptor: %s", spec);
}

char *sapps_cron_parse_error(const char *schedule)
{
    if (schedule[0] == '\0') {
        return xstrdup("empty spec string");
    }
    const char *spec = schedule;
    if (strncmp(spec, "TZ=", 3) == 0 || strncmp(spec, "CRON_TZ=", 8) == 0) {
        const char *eq = strchr(spec, '=');
        const char *space = strchr(spec, ' ');
        size_t len = space ? (size_t)(space - eq - 1) : strlen(eq + 1);
        cleanup_free char *tz = xasprintf("%.*s", (int)len, eq + 1);
        if (!time_zone_exists(tz)) {
            return xasprintf("provided bad location %s: unknown time zone %s", tz, tz);
        }
        spec = space ? space : "";
        while (isspace((unsigned char)*spec)) {
            spec++;
        }
    }
    if (spec[0] == '@') {
        return parse_descriptor(spec);
    }
    char *fields[6] = {0};
    size_t count = 0;
    cleanup_free char *copy = xstrdup(spec);
    char *save = NULL;
    cleanup_free char *listed = xstrdup("");
    for (char *f = strtok_r(copy, " \t\n\r\v\f", &save); f != NULL;
         f = strtok_r(NULL, " \t\n\r\v\f", &save)) {
        char *joined = xasprintf("%s%s%s", listed, count ? " " : "", f);
        free(listed);
        listed = joined;
        if (count < 6) {
            fields[count] = f;
        }
        count++;
    }
    if (count != 5) {
        return xasprintf("expected exactly 5 fields, found %zu: [%s]", count, listed);
    }
    const struct cron_bounds bounds[5] = {
        {0, 59, NULL}, {0, 23, NULL}, {1, 31, NULL}, {1, 12, month_names}, {0, 6, dow_names},
    };
    for (size_t i = 0; i < 5; i++) {
        char *error = parse_field(fields[i], &bounds[i]);
        if (error != NULL) {
            return error;
        }
    }
    return NULL;
}
