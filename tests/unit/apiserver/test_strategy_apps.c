/* Defaulting and validation of the non-core types (strategy_apps*.c): the defaults Kubernetes
 * 1.32 writes and the field errors it returns, with their exact wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "resources.h"
#include "status.h"
#include "strategy.h"
#include "strategy_apps_int.h"

/* ---- Fixture helpers ---- */

static const struct strategy *strategy_of(const char *group, const char *plural)
{
    size_t n = 0;
    const struct resource *all = resources_all(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i].group, group) == 0 && strcmp(all[i].plural, plural) == 0) {
            const struct strategy *s = strategy_find(&all[i]);
            assert_non_null(s);
            return s;
        }
    }
    fail_msg("no resource %s/%s", group, plural);
    return NULL;
}

static json_t *load(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, 0, &error);
    if (v == NULL) {
        fail_msg("bad test JSON: %s: %s", error.text, text);
    }
    return v;
}

/* The object as the REST layer would store it on create: defaults, a uid, PrepareForCreate. */
static json_t *created(const char *group, const char *plural, const char *text)
{
    const struct strategy *s = strategy_of(group, plural);
    json_t *obj = load(text);
    if (s->apply_defaults != NULL) {
        s->apply_defaults(obj);
    }
    json_t *meta = json_object_get(obj, "metadata");
    if (json_is_object(meta)) {
        json_object_set_new(meta, "uid", json_string("0000-uid"));
    }
    if (s->prepare_create != NULL) {
        s->prepare_create(obj);
    }
    return obj;
}

/* The validation errors' lines ("field: message"), joined by "\n"; "" when valid. Borrows. */
static char *errors_of(const char *group, const char *plural, const char *sub, const json_t *obj,
                       const json_t *old)
{
    const struct strategy *s = strategy_of(group, plural);
    struct field_errors fe;
    field_errors_init(&fe);
    s->validate(sub, obj, old, &fe);
    size_t total = 1;
    size_t i;
    json_t *line;
    json_array_foreach (fe.lines, i, line) {
        total += json_string_length(line) + 1;
    }
    char *out = calloc(1, total);
    json_array_foreach (fe.lines, i, line) {
        if (i > 0) {
            strcat(out, "\n");
        }
        strcat(out, json_string_value(line));
    }
    field_errors_free(&fe);
    return out;
}

/* Creates from text and returns its errors. */
static char *create_errors(const char *group, const char *plural, const char *text)
{
    json_t *obj = created(group, plural, text);
    char *errs = errors_of(group, plural, "", obj, NULL);
    json_decref(obj);
    return errs;
}

static void assert_has_line(const char *errs, const char *line)
{
    const char *p = errs;
    size_t n = strlen(line);
    while ((p = strstr(p, line)) != NULL) {
        if ((p == errs || p[-1] == '\n') && (p[n] == '\0' || p[n] == '\n')) {
            return;
        }
        p++;
    }
    fail_msg("missing error line:\n  %s\ngot:\n%s", line, errs);
}

static void assert_no_line_with(const char *errs, const char *field)
{
    if (strstr(errs, field) != NULL) {
        fail_msg("unexpected error on %s:\n%s", field, errs);
    }
}

static void assert_json_at(const json_t *obj, const char *path, const char *want_text)
{
    const json_t *v = obj;
    char *copy = strdup(path);
    char *save = NULL;
    for (char *k = strtok_r(copy, ".", &save); k != NULL; k = strtok_r(NULL, ".", &save)) {
        v = json_is_array(v) ? json_array_get(v, (size_t)atoi(k)) : json_object_get(v, k);
    }
    free(copy);
    json_t *want = json_loads(want_text, JSON_DECODE_ANY, NULL);
    assert_non_null(want);
    if (v == NULL || !json_equal(v, want)) {
        char *got = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("(absent)");
        json_decref(want);
        fail_msg("%s: got %s, want %s", path, got, want_text);
    }
    json_decref(want);
}

#define POD_SPEC(restart) \
    "{\"restartPolicy\":\"" restart "\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}"

#define DEPLOYMENT(name, selector, labels, extra)                                                \
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" name         \
    "\",\"namespace\":\"default\"},\"spec\":{\"selector\":" selector                             \
    ",\"template\":{\"metadata\":{\"labels\":" labels "},\"spec\":" POD_SPEC("Always") "}" extra \
                                                                                       "}}"

/* ---- apps/v1 ---- */

static void test_deployment_gets_kubernetes_defaults(void **state)
{
    (void)state;
    json_t *d =
        created("apps", "deployments",
                DEPLOYMENT("web", "{\"matchLabels\":{\"app\":\"web\"}}", "{\"app\":\"web\"}", ""));
    assert_json_at(d, "spec.replicas", "1");
    assert_json_at(d, "spec.strategy",
                   "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\","
                   "\"maxSurge\":\"25%\"}}");
    assert_json_at(d, "spec.revisionHistoryLimit", "10");
    assert_json_at(d, "spec.progressDeadlineSeconds", "600");
    char *errs = errors_of("apps", "deployments", "", d, NULL);
    assert_string_equal(errs, "");
    free(errs);
    json_decref(d);
    /* Recreate gets no rollingUpdate; explicit values stay. */
    json_t *r = created("apps", "deployments",
                        DEPLOYMENT("r", "{\"matchLabels\":{\"app\":\"r\"}}", "{\"app\":\"r\"}",
                                   ",\"replicas\":0,\"strategy\":{\"type\":\"Recreate\"}"));
    assert_json_at(r, "spec.strategy", "{\"type\":\"Recreate\"}");
    assert_json_at(r, "spec.replicas", "0");
    json_decref(r);
}

static void test_deployment_selector_must_match_template_labels(void **state)
{
    (void)state;
    char *errs =
        create_errors("apps", "deployments",
                      DEPLOYMENT("x", "{\"matchLabels\":{\"app\":\"y\"}}", "{\"app\":\"x\"}", ""));
    assert_string_equal(errs,
                        "spec.template.metadata.labels: Invalid value: "
                        "map[string]string{\"app\":\"x\"}: `selector` does not match template "
                        "`labels`");
    free(errs);
    /* No selector at all: required, and the nothing selector matches no labels. */
    errs = create_errors("apps", "deployments", DEPLOYMENT("x", "null", "{\"app\":\"x\"}", ""));
    assert_has_line(errs, "spec.selector: Required value");
    assert_has_line(errs, "spec.template.metadata.labels: Invalid value: "
                          "map[string]string{\"app\":\"x\"}: `selector` does not match template "
                          "`labels`");
    free(errs);
    errs = create_errors("apps", "deployments", DEPLOYMENT("x", "{}", "{\"app\":\"x\"}", ""));
    assert_string_equal(errs, "spec.selector: Invalid value: "
                              "v1.LabelSelector{MatchLabels:map[string]string(nil), "
                              "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty "
                              "selector is invalid for deployment");
    free(errs);
    errs = create_errors("apps", "deployments",
                         DEPLOYMENT("x",
                                    "{\"matchExpressions\":[{\"key\":\"app\",\"operator\":"
                                    "\"In\",\"values\":[\"a\",\"b\"]}]}",
                                    "{\"app\":\"b\",\"tier\":\"web\"}", ""));
    assert_string_equal(errs, "");
    free(errs);
}

static void test_deployment_selector_is_immutable_and_spec_rules_hold(void **state)
{
    (void)state;
    json_t *old = created(
        "apps", "deployments",
        DEPLOYMENT("x", "{\"matchLabels\":{\"app\":\"x\"}}", "{\"app\":\"x\",\"v\":\"2\"}", ""));
    json_t *now = created("apps", "deployments",
                          DEPLOYMENT("x", "{\"matchLabels\":{\"app\":\"x\",\"v\":\"2\"}}",
                                     "{\"app\":\"x\",\"v\":\"2\"}", ""));
    char *errs = errors_of("apps", "deployments", "", now, old);
    assert_string_equal(errs, "spec.selector: Invalid value: "
                              "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"x\", "
                              "\"v\":\"2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"
                              ": field is immutable");
    free(errs);
    json_decref(now);
    /* Replicas may change; negative ones may not. */
    now = json_deep_copy(old);
    json_object_set_new(json_object_get(now, "spec"), "replicas", json_integer(-1));
    json_t *rolling =
        json_object_get(json_object_get(json_object_get(now, "spec"), "strategy"), "rollingUpdate");
    json_object_set_new(rolling, "maxSurge", json_string("abc"));
    json_object_set_new(json_object_get(now, "spec"), "progressDeadlineSeconds", json_integer(0));
    errs = errors_of("apps", "deployments", "", now, old);
    assert_has_line(errs, "spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    assert_has_line(errs, "spec.strategy.rollingUpdate.maxSurge: Invalid value: "
                          "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: a valid percent "
                          "string must be a numeric string followed by an ending '%' (e.g. '1%', "
                          "or '93%', regex used for validation is '[0-9]+%')");
    assert_has_line(errs, "spec.progressDeadlineSeconds: Invalid value: 0: must be greater than "
                          "minReadySeconds");
    assert_no_line_with(errs, "spec.selector");
    free(errs);
    json_object_set_new(rolling, "maxSurge", json_integer(0));
    json_object_set_new(rolling, "maxUnavailable", json_string("0%"));
    json_object_set_new(json_object_get(now, "spec"), "replicas", json_integer(3));
    json_object_del(json_object_get(now, "spec"), "progressDeadlineSeconds");
    errs = errors_of("apps", "deployments", "", now, old);
    assert_string_equal(errs, "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
                              "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 "
                              "when `maxSurge` is 0");
    free(errs);
    json_decref(now);
    json_decref(old);
}

static void test_deployment_annotation_change_is_a_new_generation(void **state)
{
    (void)state;
    const struct strategy *s = strategy_of("apps", "deployments");
    json_t *old = load("{\"metadata\":{\"name\":\"x\",\"generation\":3},\"spec\":{}}");
    json_t *now = load("{\"metadata\":{\"name\":\"x\",\"generation\":3,\"annotations\":{\"a\":"
                       "\"b\"}},\"spec\":{}}");
    s->prepare_update("", now, old);
    assert_json_at(now, "metadata.generation", "4");
    /* A spec change already bumped it (rest.c): not twice. */
    json_t *bumped = load("{\"metadata\":{\"name\":\"x\",\"generation\":4,\"annotations\":{\"a\":"
                          "\"b\"}},\"spec\":{\"replicas\":2}}");
    s->prepare_update("", bumped, old);
    assert_json_at(bumped, "metadata.generation", "4");
    json_decref(bumped);
    json_decref(now);
    json_decref(old);
}

static void test_replicaset_requires_restart_policy_always(void **state)
{
    (void)state;
    json_t *rs = created(
        "apps", "replicasets",
        "{\"metadata\":{\"name\":\"rs\"},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
        "\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":" POD_SPEC("Never") "}}}");
    assert_json_at(rs, "spec.replicas", "1");
    char *errs = errors_of("apps", "replicasets", "", rs, NULL);
    assert_has_line(errs, "spec.template.spec.restartPolicy: Unsupported value: \"Never\": "
                          "supported values: \"Always\"");
    free(errs);
    json_decref(rs);
}

static void test_statefulset_defaults_and_forbidden_updates(void **state)
{
    (void)state;
    const char *text =
        "{\"metadata\":{\"name\":\"db\"},\"spec\":{\"serviceName\":\"db\",\"selector\":{"
        "\"matchLabels\":{\"app\":\"db\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":"
        "\"db\"}},\"spec\":" POD_SPEC("Always") "},\"volumeClaimTemplates\":[{\"metadata\":{"
                                                "\"name\":\"data\"},\"spec\":{\"accessModes\":["
                                                "\"ReadWriteOnce\"],\"resources\":{"
                                                "\"requests\":{\"storage\":\"1Gi\"}}}}]}}";
    json_t *old = created("apps", "statefulsets", text);
    assert_json_at(old, "spec.podManagementPolicy", "\"OrderedReady\"");
    assert_json_at(old, "spec.updateStrategy",
                   "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}");
    assert_json_at(old, "spec.persistentVolumeClaimRetentionPolicy",
                   "{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Retain\"}");
    assert_json_at(old, "spec.replicas", "1");
    assert_json_at(old, "spec.revisionHistoryLimit", "10");
    assert_json_at(old, "spec.volumeClaimTemplates.0.spec.volumeMode", "\"Filesystem\"");
    assert_json_at(old, "spec.volumeClaimTemplates.0.status", "{\"phase\":\"Pending\"}");
    char *errs = errors_of("apps", "statefulsets", "", old, NULL);
    assert_string_equal(errs, "");
    free(errs);
    json_t *now = json_deep_copy(old);
    json_object_set_new(json_object_get(now, "spec"), "replicas", json_integer(5));
    errs = errors_of("apps", "statefulsets", "", now, old);
    assert_string_equal(errs, "");
    free(errs);
    json_object_set_new(json_object_get(now, "spec"), "serviceName", json_string("other"));
    errs = errors_of("apps", "statefulsets", "", now, old);
    assert_string_equal(errs, "spec: Forbidden: updates to statefulset spec for fields other "
                              "than 'replicas', 'ordinals', 'template', 'updateStrategy', "
                              "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                              "forbidden");
    free(errs);
    json_object_set_new(json_object_get(now, "spec"), "podManagementPolicy", json_string("Fast"));
    errs = errors_of("apps", "statefulsets", "", now, NULL);
    assert_string_equal(errs, "spec.podManagementPolicy: Invalid value: \"Fast\": must be "
                              "'OrderedReady' or 'Parallel'");
    free(errs);
    json_decref(now);
    json_decref(old);
}

static void test_daemonset_defaults_rolling_update_and_template_generation(void **state)
{
    (void)state;
    const struct strategy *s = strategy_of("apps", "daemonsets");
    const char *text = "{\"metadata\":{\"name\":\"agent\"},\"spec\":{\"selector\":{"
                       "\"matchLabels\":{\"app\":\"agent\"}},\"template\":{\"metadata\":{"
                       "\"labels\":{\"app\":\"agent\"}},\"spec\":" POD_SPEC("Always") "}}}";
    json_t *old = created("apps", "daemonsets", text);
    assert_json_at(old, "spec.updateStrategy",
                   "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,"
                   "\"maxSurge\":0}}");
    assert_json_at(old, "spec.revisionHistoryLimit", "10");
    const json_t *ann = json_object_get(json_object_get(old, "metadata"), "annotations");
    assert_string_equal(
        json_string_value(json_object_get(ann, "deprecated.daemonset.template.generation")), "1");
    char *errs = errors_of("apps", "daemonsets", "", old, NULL);
    assert_string_equal(errs, "");
    free(errs);
    json_t *now = json_deep_copy(old);
    json_t *pod =
        json_object_get(json_object_get(json_object_get(now, "spec"), "template"), "spec");
    json_object_set_new(json_array_get(json_object_get(pod, "containers"), 0), "image",
                        json_string("nginx:2"));
    s->prepare_update("", now, old);
    ann = json_object_get(json_object_get(now, "metadata"), "annotations");
    assert_string_equal(
        json_string_value(json_object_get(ann, "deprecated.daemonset.template.generation")), "2");
    json_t *rolling = json_object_get(
        json_object_get(json_object_get(now, "spec"), "updateStrategy"), "rollingUpdate");
    json_object_set_new(rolling, "maxSurge", json_integer(1));
    errs = errors_of("apps", "daemonsets", "", now, old);
    assert_string_equal(errs, "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "
                              "intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set "
                              "when maxUnavailable is non-zero");
    free(errs);
    json_object_set_new(rolling, "maxSurge", json_integer(0));
    json_object_set_new(rolling, "maxUnavailable", json_integer(0));
    errs = errors_of("apps", "daemonsets", "", now, old);
    assert_string_equal(errs, "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: "
                              "cannot be 0 when maxSurge is 0");
    free(errs);
    json_decref(now);
    json_decref(old);
}

static void test_controllerrevision_data_is_required_and_immutable(void **state)
{
    (void)state;
    json_t *none = load("{\"metadata\":{\"name\":\"r\"},\"revision\":-1}");
    char *errs = errors_of("apps", "controllerrevisions", "", none, NULL);
    assert_string_equal(errs, "data: Required value: data is mandatory\nrevision: Invalid value: "
                              "-1: must be greater than or equal to 0");
    free(errs);
    json_t *old = load("{\"metadata\":{\"name\":\"r\"},\"data\":{\"a\":1},\"revision\":1}");
    json_t *now = load("{\"metadata\":{\"name\":\"r\"},\"data\":{\"a\":2},\"revision\":1}");
    errs = errors_of("apps", "controllerrevisions", "", now, old);
    assert_string_equal(errs, "data: Invalid value: {\"a\":2}: field is immutable");
    free(errs);
    json_decref(now);
    json_decref(old);
    json_decref(none);
}

/* ---- batch/v1 ---- */

#define JOB(extra, restart)                                                              \
    "{\"metadata\":{\"name\":\"pi\",\"namespace\":\"default\"},\"spec\":{\"template\":{" \
    "\"spec\":" POD_SPEC(restart) "}" extra "}}"

static void test_job_defaults_generate_selector_and_labels(void **state)
{
    (void)state;
    json_t *job = created("batch", "jobs", JOB("", "Never"));
    assert_json_at(job, "spec.completions", "1");
    assert_json_at(job, "spec.parallelism", "1");
    assert_json_at(job, "spec.backoffLimit", "6");
    assert_json_at(job, "spec.completionMode", "\"NonIndexed\"");
    assert_json_at(job, "spec.suspend", "false");
    assert_json_at(job, "spec.manualSelector", "false");
    assert_json_at(job, "spec.podReplacementPolicy", "\"TerminatingOrFailed\"");
    assert_json_at(job, "spec.selector",
                   "{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"0000-uid\"}}");
    const char *labels = "{\"batch.kubernetes.io/controller-uid\":\"0000-uid\","
                         "\"batch.kubernetes.io/job-name\":\"pi\",\"controller-uid\":"
                         "\"0000-uid\",\"job-name\":\"pi\"}";
    assert_json_at(job, "spec.template.metadata.labels", labels);
    assert_json_at(job, "metadata.labels", labels);
    char *errs = errors_of("batch", "jobs", "", job, NULL);
    assert_string_equal(errs, "");
    free(errs);
    json_decref(job);
    /* Parallelism alone leaves completions unset; a failure policy means Failed. */
    json_t *work = created("batch", "jobs",
                           JOB(",\"parallelism\":3,\"podFailurePolicy\":{\"rules\":[{\"action\":"
                               "\"Ignore\",\"onPodConditions\":[{\"type\":\"DisruptionTarget\"}]}"
                               "]}",
                               "Never"));
    assert_null(json_object_get(json_object_get(work, "spec"), "completions"));
    assert_json_at(work, "spec.podReplacementPolicy", "\"Failed\"");
    assert_json_at(work, "spec.podFailurePolicy.rules.0.onPodConditions.0.status", "\"True\"");
    json_decref(work);
}

static void test_job_restart_policy_and_manual_selector(void **state)
{
    (void)state;
    char *errs = create_errors("batch", "jobs", JOB("", "Always"));
    assert_has_line(errs, "spec.template.spec.restartPolicy: Unsupported value: \"Always\": "
                          "supported values: \"OnFailure\", \"Never\"");
    free(errs);
    /* manualSelector keeps the user's selector, which must still match. */
    errs = create_errors("batch", "jobs",
                         JOB(",\"manualSelector\":true,\"selector\":{\"matchLabels\":{\"a\":"
                             "\"b\"}}",
                             "OnFailure"));
    assert_string_equal(errs, "spec.template.metadata.labels: Invalid value: "
                              "map[string]string(nil): `selector` does not match template "
                              "`labels`");
    free(errs);
    /* A user selector without manualSelector is not the generated one. */
    errs = create_errors("batch", "jobs",
                         JOB(",\"selector\":{\"matchLabels\":{\"a\":\"b\"}}", "OnFailure"));
    assert_has_line(errs, "spec.selector: Invalid value: "
                          "v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\", "
                          "\"batch.kubernetes.io/controller-uid\":\"0000-uid\"}, "
                          "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not "
                          "auto-generated");
    free(errs);
    errs = create_errors("batch", "jobs",
                         JOB(",\"completionMode\":\"Indexed\",\"completions\":null,"
                             "\"parallelism\":2,\"backoffLimit\":-1",
                             "Never"));
    assert_has_line(errs, "spec.completions: Required value: when completion mode is Indexed");
    assert_has_line(errs,
                    "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0");
    free(errs);
}

static void test_job_template_is_immutable_unless_suspended_scheduling(void **state)
{
    (void)state;
    json_t *old = created("batch", "jobs", JOB("", "Never"));
    json_t *now = json_deep_copy(old);
    json_t *pod =
        json_object_get(json_object_get(json_object_get(now, "spec"), "template"), "spec");
    json_object_set_new(pod, "nodeSelector", json_pack("{s:s}", "disk", "ssd"));
    char *errs = errors_of("batch", "jobs", "", now, old);
    assert_true(strncmp(errs, "spec.template: Invalid value: ", 30) == 0);
    assert_non_null(strstr(errs, ": field is immutable"));
    free(errs);
    /* Suspended and never started: scheduling directives may change. */
    json_object_set_new(json_object_get(old, "spec"), "suspend", json_true());
    json_object_set_new(json_object_get(now, "spec"), "suspend", json_false());
    errs = errors_of("batch", "jobs", "", now, old);
    assert_string_equal(errs, "");
    free(errs);
    json_object_set_new(json_object_get(now, "spec"), "completions", json_integer(4));
    errs = errors_of("batch", "jobs", "", now, old);
    assert_string_equal(errs, "spec.completions: Invalid value: 4: field is immutable");
    free(errs);
    json_decref(now);
    json_decref(old);
}

#define CRONJOB(schedule, extra)                                         \
    "{\"metadata\":{\"name\":\"tick\"},\"spec\":{\"schedule\":" schedule \
    ",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":" POD_SPEC("OnFailure") "}}}" extra "}}"

static void test_cronjob_defaults_and_schedule_errors(void **state)
{
    (void)state;
    json_t *cj = created("batch", "cronjobs", CRONJOB("\"*/5 * * * *\"", ""));
    assert_json_at(cj, "spec.concurrencyPolicy", "\"Allow\"");
    assert_json_at(cj, "spec.suspend", "false");
    assert_json_at(cj, "spec.successfulJobsHistoryLimit", "3");
    assert_json_at(cj, "spec.failedJobsHistoryLimit", "1");
    /* The job template is not a Job: no Job defaults inside. */
    assert_null(json_object_get(
        json_object_get(json_object_get(json_object_get(cj, "spec"), "jobTemplate"), "spec"),
        "backoffLimit"));
    char *errs = errors_of("batch", "cronjobs", "", cj, NULL);
    assert_string_equal(errs, "");
    free(errs);
    json_decref(cj);
    errs = create_errors("batch", "cronjobs", CRONJOB("\"off\"", ""));
    assert_string_equal(errs, "spec.schedule: Invalid value: \"off\": expected exactly 5 fields, "
                              "found 1: [off]");
    free(errs);
    errs = create_errors("batch", "cronjobs", CRONJOB("\"\"", ""));
    assert_string_equal(errs, "spec.schedule: Required value");
    free(errs);
    errs =
        create_errors("batch", "cronjobs",
                      CRONJOB("\"61 * * * *\"",
                              ",\"concurrencyPolicy\":\"Sometimes\",\"timeZone\":\"Mars/Base\""));
    assert_has_line(errs, "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above "
                          "maximum (59): 61");
    assert_has_line(errs, "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported "
                          "values: \"Allow\", \"Forbid\", \"Replace\"");
    assert_has_line(errs, "spec.timeZone: Invalid value: \"Mars/Base\": unknown time zone "
                          "Mars/Base");
    free(errs);
    errs = create_errors("batch", "cronjobs", CRONJOB("\"TZ=UTC 0 * * * *\"", ""));
    assert_string_equal(errs, "spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use "
                              "TZ or CRON_TZ in schedule, use timeZone field instead");
    free(errs);
}

static void test_cron_parser_follows_robfig_cron(void **state)
{
    (void)state;
    static const char *const valid[] = {"@hourly",
                                        "@daily",
                                        "@midnight",
                                        "@weekly",
                                        "@monthly",
                                        "@yearly",
                                        "@annually",
                                        "@every 1h30m",
                                        "0 0 * * 0",
                                        "*/15 9-17 * * MON-FRI",
                                        "0 0 1,15 jan ?",
                                        "5/10 * * * *",
                                        NULL};
    for (size_t i = 0; valid[i] != NULL; i++) {
        char *e = sapps_cron_parse_error(valid[i]);
        if (e != NULL) {
            fail_msg("%s: %s", valid[i], e);
        }
    }
    static const struct {
        const char *spec, *error;
    } invalid[] = {
        {"@sometimes", "unrecognized descriptor: @sometimes"},
        {"@every 5", "failed to parse duration @every 5: time: missing unit in duration \"5\""},
        {"* * * *", "expected exactly 5 fields, found 4: [* * * *]"},
        {"x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"},
        {"* * 0 * *", "beginning of range (0) below minimum (1): 0"},
        {"5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"},
        {"*/0 * * * *", "step of range should be a positive number: */0"},
        {"1-2-3 * * * *", "too many hyphens: 1-2-3"},
        {"* * * * 7", "end of range (7) above maximum (6): 7"},
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        char *e = sapps_cron_parse_error(invalid[i].spec);
        assert_non_null(e);
        assert_string_equal(e, invalid[i].error);
        free(e);
    }
}

/* ---- policy, networking, autoscaling, coordination, discovery ---- */

static void test_pdb_takes_min_available_or_max_unavailable(void **state)
{
    (void)state;
    char *errs = create_errors("policy", "poddisruptionbudgets",
                               "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"minAvailable\":\"50%\","
                               "\"selector\":{\"matchLabels\":{\"a\":\"b\"}}}}");
    assert_string_equal(errs, "");
    free(errs);
    errs = create_errors("policy", "poddisruptionbudgets",
                         "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"minAvailable\":1,"
                         "\"maxUnavailable\":\"150%\"}}");
    assert_has_line(errs, "spec: Invalid value: {\"minAvailable\":1,\"maxUnavailable\":\"150%\"}:"
                          " minAvailable and maxUnavailable cannot be both set");
    assert_has_line(errs, "spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, "
                          "IntVal:0, StrVal:\"150%\"}: must not be greater than 100%");
    free(errs);
}

static void test_ingress_needs_rules_path_types_and_backends(void **state)
{
    (void)state;
    char *errs = create_errors("networking.k8s.io", "ingresses",
                               "{\"metadata\":{\"name\":\"i\"},\"spec\":{}}");
    assert_string_equal(errs, "spec: Invalid value: []networking.IngressRule(nil): either "
                              "`defaultBackend` or `rules` must be specified");
    free(errs);
    errs = create_errors(
        "networking.k8s.io", "ingresses",
        "{\"metadata\":{\"name\":\"i\"},\"spec\":{\"rules\":[{\"host\":\"10.0.0.1\",\"http\":{"
        "\"paths\":[{\"path\":\"/\",\"backend\":{\"service\":{\"name\":\"web\",\"port\":{"
        "\"number\":80}}}},{\"path\":\"api\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{"
        "\"name\":\"web\",\"port\":{\"number\":70000}}}},{\"path\":\"/x\",\"pathType\":"
        "\"Exact\",\"backend\":{}}]}}]}}");
    assert_has_line(errs, "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, "
                          "not an IP address");
    assert_has_line(errs, "spec.rules[0].http.paths[0].pathType: Required value: pathType must be "
                          "specified");
    assert_has_line(errs, "spec.rules[0].http.paths[1].path: Invalid value: \"api\": must be an "
                          "absolute path");
    assert_has_line(errs, "spec.rules[0].http.paths[1].backend.service.port.number: Invalid "
                          "value: 70000: must be between 1 and 65535, inclusive");
    assert_has_line(errs, "spec.rules[0].http.paths[2].backend: Invalid value: \"\": resource or "
                          "service backend is required");
    free(errs);
}

static void test_hpa_defaults_and_replica_bounds(void **state)
{
    (void)state;
    json_t *hpa = created("autoscaling", "horizontalpodautoscalers",
                          "{\"metadata\":{\"name\":\"h\"},\"spec\":{\"scaleTargetRef\":{"
                          "\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},"
                          "\"maxReplicas\":5,\"behavior\":{\"scaleDown\":{"
                          "\"stabilizationWindowSeconds\":60}}}}");
    assert_json_at(hpa, "spec.minReplicas", "1");
    assert_json_at(hpa, "spec.metrics",
                   "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":"
                   "\"Utilization\",\"averageUtilization\":80}}}]");
    assert_json_at(hpa, "spec.behavior.scaleUp",
                   "{\"stabilizationWindowSeconds\":0,\"selectPolicy\":\"Max\",\"policies\":[{"
                   "\"type\":\"Pods\",\"value\":4,\"periodSeconds\":15},{\"type\":\"Percent\","
                   "\"value\":100,\"periodSeconds\":15}]}");
    assert_json_at(hpa, "spec.behavior.scaleDown",
                   "{\"stabilizationWindowSeconds\":60,\"selectPolicy\":\"Max\",\"policies\":[{"
                   "\"type\":\"Percent\",\"value\":100,\"periodSeconds\":15}]}");
    char *errs = errors_of("autoscaling", "horizontalpodautoscalers", "", hpa, NULL);
    assert_string_equal(errs, "");
    free(errs);
    json_object_set_new(json_object_get(hpa, "spec"), "minReplicas", json_integer(7));
    errs = errors_of("autoscaling", "horizontalpodautoscalers", "", hpa, NULL);
    assert_string_equal(errs, "spec.maxReplicas: Invalid value: 5: must be greater than or equal "
                              "to `minReplicas`");
    free(errs);
    json_object_del(json_object_get(json_object_get(hpa, "spec"), "scaleTargetRef"), "name");
    json_object_set_new(json_object_get(hpa, "spec"), "minReplicas", json_integer(0));
    errs = errors_of("autoscaling", "horizontalpodautoscalers", "", hpa, NULL);
    assert_string_equal(errs, "spec.minReplicas: Invalid value: 0: must be greater than or equal "
                              "to 1\nspec.scaleTargetRef.name: Required value");
    free(errs);
    json_decref(hpa);
}

static void test_lease_and_endpointslice_rules(void **state)
{
    (void)state;
    char *errs = create_errors("coordination.k8s.io", "leases",
                               "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"holderIdentity\":\"a\","
                               "\"leaseDurationSeconds\":0,\"leaseTransitions\":-1}}");
    assert_string_equal(errs, "spec.leaseDurationSeconds: Invalid value: 0: must be greater than "
                              "0\nspec.leaseTransitions: Invalid value: -1: must be greater than "
                              "or equal to 0");
    free(errs);
    json_t *old = created("discovery.k8s.io", "endpointslices",
                          "{\"metadata\":{\"name\":\"e\"},\"addressType\":\"IPv4\",\"endpoints\":"
                          "[{\"addresses\":[\"10.1.2.3\"]}],\"ports\":[{\"port\":80}]}");
    assert_json_at(old, "ports.0", "{\"port\":80,\"name\":\"\",\"protocol\":\"TCP\"}");
    errs = errors_of("discovery.k8s.io", "endpointslices", "", old, NULL);
    assert_string_equal(errs, "");
    free(errs);
    json_t *now = load("{\"metadata\":{\"name\":\"e\"},\"addressType\":\"IPv6\",\"endpoints\":"
                       "[{\"addresses\":[]},{\"addresses\":[\"10.1.2.3\"]}]}");
    errs = errors_of("discovery.k8s.io", "endpointslices", "", now, old);
    assert_string_equal(errs, "endpoints[0].addresses: Required value: must contain at least 1 "
                              "address\nendpoints[1].addresses[0]: Invalid value: \"10.1.2.3\": "
                              "must be a valid IPv6 address\naddressType: Invalid value: "
                              "\"IPv6\": field is immutable");
    free(errs);
    json_decref(now);
    json_decref(old);
}

/* ---- rbac ---- */

static void test_rbac_rules_subjects_and_immutable_role_ref(void **state)
{
    (void)state;
    char *errs = create_errors(
        "rbac.authorization.k8s.io", "roles",
        "{\"metadata\":{\"name\":\"r\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":["
        "\"pods\"]},{\"verbs\":[\"get\"]},{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/x\"]}]}");
    assert_string_equal(errs, "rules[0].verbs: Required value: verbs must contain at least one "
                              "value\nrules[1].apiGroups: Required value: resource rules must "
                              "supply at least one api group\nrules[1].resources: Required value: "
                              "resource rules must supply at least one resource\n"
                              "rules[2].nonResourceURLs: Invalid value: []string{\"/x\"}: "
                              "namespaced rules cannot apply to non-resource URLs");
    free(errs);
    errs = create_errors("rbac.authorization.k8s.io", "clusterroles",
                         "{\"metadata\":{\"name\":\"r\"},\"rules\":[{\"verbs\":[\"get\"],"
                         "\"nonResourceURLs\":[\"/healthz\"]}]}");
    assert_string_equal(errs, "");
    free(errs);
    json_t *old = created("rbac.authorization.k8s.io", "rolebindings",
                          "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"ClusterRole\","
                          "\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"jane\"},"
                          "{\"kind\":\"ServiceAccount\",\"name\":\"sa\"}]}");
    assert_json_at(old, "roleRef.apiGroup", "\"rbac.authorization.k8s.io\"");
    assert_json_at(old, "subjects.0.apiGroup", "\"rbac.authorization.k8s.io\"");
    assert_json_at(old, "subjects.1.apiGroup", "\"\"");
    errs = errors_of("rbac.authorization.k8s.io", "rolebindings", "", old, NULL);
    assert_string_equal(errs, "");
    free(errs);
    json_t *now = json_deep_copy(old);
    json_object_set_new(json_object_get(now, "roleRef"), "name", json_string("edit"));
    json_object_set_new(json_array_get(json_object_get(now, "subjects"), 0), "kind",
                        json_string("Robot"));
    errs = errors_of("rbac.authorization.k8s.io", "rolebindings", "", now, old);
    assert_string_equal(errs, "subjects[0].kind: Unsupported value: \"Robot\": supported values: "
                              "\"ServiceAccount\", \"User\", \"Group\"\nroleRef: Invalid value: "
                              "rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", "
                              "Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef");
    free(errs);
    errs = create_errors("rbac.authorization.k8s.io", "clusterrolebindings",
                         "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"Role\","
                         "\"name\":\"x\"},\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":"
                         "\"sa\"}]}");
    assert_string_equal(errs, "roleRef.kind: Unsupported value: \"Role\": supported values: "
                              "\"ClusterRole\"\nsubjects[0].namespace: Required value");
    free(errs);
    json_decref(now);
    json_decref(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deployment_gets_kubernetes_defaults),
        cmocka_unit_test(test_deployment_selector_must_match_template_labels),
        cmocka_unit_test(test_deployment_selector_is_immutable_and_spec_rules_hold),
        cmocka_unit_test(test_deployment_annotation_change_is_a_new_generation),
        cmocka_unit_test(test_replicaset_requires_restart_policy_always),
        cmocka_unit_test(test_statefulset_defaults_and_forbidden_updates),
        cmocka_unit_test(test_daemonset_defaults_rolling_update_and_template_generation),
        cmocka_unit_test(test_controllerrevision_data_is_required_and_immutable),
        cmocka_unit_test(test_job_defaults_generate_selector_and_labels),
        cmocka_unit_test(test_job_restart_policy_and_manual_selector),
        cmocka_unit_test(test_job_template_is_immutable_unless_suspended_scheduling),
        cmocka_unit_test(test_cronjob_defaults_and_schedule_errors),
        cmocka_unit_test(test_cron_parser_follows_robfig_cron),
        cmocka_unit_test(test_pdb_takes_min_available_or_max_unavailable),
        cmocka_unit_test(test_ingress_needs_rules_path_types_and_backends),
        cmocka_unit_test(test_hpa_defaults_and_replica_bounds),
        cmocka_unit_test(test_lease_and_endpointslice_rules),
        cmocka_unit_test(test_rbac_rules_subjects_and_immutable_role_ref),
    };
    return cmocka_run_group_tests_name("strategy_apps", tests, NULL, NULL);
}
