/* kubectl's describers for the workload controllers and what scales or protects them:
 * deployments (with their old and new replica sets), replica sets, stateful sets, daemon sets,
 * jobs, cron jobs, horizontal pod autoscalers (autoscaling/v2) and pod disruption budgets
 * (k8s.io/kubectl/pkg/describe, 1.32). */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "describe.h"
#include "printers.h"
#include "xalloc.h"

static void describe_name_namespace(FILE *w, const json_t *meta)
{
    fprintf(w, "Name:\t%s\nNamespace:\t%s\n", dstr(meta, "name"), dstr(meta, "namespace"));
}

static void describe_creation(FILE *w, const json_t *meta)
{
    char when[64];
    rfc1123z(dstr(meta, "creationTimestamp"), when, sizeof when, true);
    fprintf(w, "CreationTimestamp:\t%s\n", when);
}

static void describe_controlled_by(FILE *w, const json_t *obj)
{
    char owner[512];
    if (controlled_by(obj, owner, sizeof owner)) {
        fprintf(w, "Controlled By:\t%s\n", owner);
    }
}

static void describe_pods_status(FILE *w, const int counts[4])
{
    fprintf(w, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n", counts[0],
            counts[1], counts[2], counts[3]);
}

/* The "Type Status Reason" conditions table of controllers. */
static void describe_controller_conditions(FILE *w, const json_t *status)
{
    const json_t *conditions = json_object_get(status, "conditions");
    if (json_array_size(conditions) == 0) {
        return;
    }
    fputs("Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n", w);
    size_t i;
    json_t *x;
    json_array_foreach (conditions, i, x) {
        fprintf(w, "  %s \t%s\t%s\n", dstr(x, "type"), dstr(x, "status"), dstr(x, "reason"));
    }
}

/* ---- deployments ---- */

static bool owned_by(const json_t *obj, const json_t *owner)
{
    size_t i;
    json_t *ref;
    json_array_foreach (dget(obj, "metadata", "ownerReferences", NULL), i, ref) {
        if (json_is_true(json_object_get(ref, "controller"))) {
            return strcmp(dstr(ref, "uid"), dstr(json_object_get(owner, "metadata"), "uid")) == 0;
        }
    }
    return false;
}

/* EqualIgnoreHash: the templates without the pod-template-hash label. */
static bool same_template(const json_t *a, const json_t *b)
{
    cleanup_json json_t *x = json_deep_copy(a), *y = json_deep_copy(b);
    json_object_del(dget(x, "metadata", "labels", NULL), "pod-template-hash");
    json_object_del(dget(y, "metadata", "labels", NULL), "pod-template-hash");
    return json_equal(x, y);
}

static int compare_created(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    int c = strcmp(dstr(json_object_get(x, "metadata"), "creationTimestamp"),
                   dstr(json_object_get(y, "metadata"), "creationTimestamp"));
    return c ? c
             : strcmp(dstr(json_object_get(x, "metadata"), "name"),
                      dstr(json_object_get(y, "metadata"), "name"));
}

/* printReplicaSetsByLabels for the replica sets of list (NULL entries skipped). */
static void print_replica_sets(FILE *w, const json_t **list, size_t n)
{
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (list[i] != NULL) {
            fprintf(w, "%s%s (%lld/%lld replicas created)", shown++ ? ", " : "",
                    dstr(json_object_get(list[i], "metadata"), "name"),
                    dint(json_object_get(list[i], "status"), "replicas"),
                    dint(json_object_get(list[i], "spec"), "replicas"));
        }
    }
    fputs(shown ? "\n" : "<none>\n", w);
}

int describe_deployment(struct describe *d)
{
    FILE *w = d->w;
    const json_t *dep = d->obj, *meta = json_object_get(dep, "metadata");
    const json_t *spec = json_object_get(dep, "spec"), *status = json_object_get(dep, "status");
    cleanup_json json_t *events = NULL;
    if (d->show_events) {
        events = describe_search_events(d, "Deployment", NULL);
    }
    /* deploymentutil.GetAllReplicaSetsInChunks: the owned replica sets; the oldest with the
     * deployment's template is the new one */
    cleanup_free char *selector = selector_string(json_object_get(spec, "selector"));
    cleanup_free char *collection =
        xasprintf("/apis/apps/v1/namespaces/%s/replicasets", dstr(meta, "namespace"));
    cleanup_json json_t *sets = describe_list(d, collection, selector, NULL);
    size_t n = 0;
    const json_t **owned = xmalloc((json_array_size(sets) + 1) * sizeof *owned);
    size_t i;
    json_t *x;
    json_array_foreach (sets, i, x) {
        if (owned_by(x, dep)) {
            owned[n++] = x;
        }
    }
    qsort(owned, n, sizeof *owned, compare_created);
    const json_t *newest = NULL;
    for (i = 0; i < n && newest == NULL; i++) {
        if (same_template(json_object_get(json_object_get(owned[i], "spec"), "template"),
                          json_object_get(spec, "template"))) {
            newest = owned[i];
            owned[i] = NULL;
        }
    }

    describe_name_namespace(w, meta);
    describe_creation(w, meta);
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    fprintf(w, "Selector:\t%s\n", selector);
    fprintf(w,
            "Replicas:\t%lld desired | %lld updated | %lld total | %lld available | %lld "
            "unavailable\n",
            dint(spec, "replicas"), dint(status, "updatedReplicas"), dint(status, "replicas"),
            dint(status, "availableReplicas"), dint(status, "unavailableReplicas"));
    const json_t *strategy = json_object_get(spec, "strategy");
    fprintf(w, "StrategyType:\t%s\nMinReadySeconds:\t%lld\n", dstr(strategy, "type"),
            dint(spec, "minReadySeconds"));
    const json_t *ru = json_object_get(strategy, "rollingUpdate");
    if (ru != NULL) {
        cleanup_free char *unavailable = printers_cell(json_object_get(ru, "maxUnavailable"));
        cleanup_free char *surge = printers_cell(json_object_get(ru, "maxSurge"));
        fprintf(w, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", unavailable,
                surge);
    }
    describe_pod_template(w, json_object_get(spec, "template"));
    describe_controller_conditions(w, status);
    if (n > 0) {
        fputs("OldReplicaSets:\t", w);
        print_replica_sets(w, owned, n);
        fputs("NewReplicaSet:\t", w);
        print_replica_sets(w, &newest, 1);
    }
    free(owned);
    describe_events_print(w, events);
    return 0;
}

/* ---- replica sets, stateful sets, daemon sets ---- */

int describe_replicaset(struct describe *d)
{
    FILE *w = d->w;
    const json_t *rs = d->obj, *meta = json_object_get(rs, "metadata");
    const json_t *spec = json_object_get(rs, "spec");
    int counts[4];
    pod_status_counts(d, json_object_get(spec, "selector"), counts);
    describe_name_namespace(w, meta);
    cleanup_free char *selector = format_label_selector(json_object_get(spec, "selector"));
    fprintf(w, "Selector:\t%s\n", selector);
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    describe_controlled_by(w, rs);
    fprintf(w, "Replicas:\t%lld current / %lld desired\n",
            dint(json_object_get(rs, "status"), "replicas"), dint(spec, "replicas"));
    describe_pods_status(w, counts);
    describe_pod_template(w, json_object_get(spec, "template"));
    describe_controller_conditions(w, json_object_get(rs, "status"));
    describe_events(d, "ReplicaSet");
    return 0;
}

int describe_statefulset(struct describe *d)
{
    FILE *w = d->w;
    const json_t *ss = d->obj, *meta = json_object_get(ss, "metadata");
    const json_t *spec = json_object_get(ss, "spec");
    int counts[4];
    pod_status_counts(d, json_object_get(spec, "selector"), counts);
    describe_name_namespace(w, meta);
    describe_creation(w, meta);
    cleanup_free char *selector = selector_string(json_object_get(spec, "selector"));
    fprintf(w, "Selector:\t%s\n", selector);
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    fprintf(w, "Replicas:\t%lld desired | %lld total\n", dint(spec, "replicas"),
            dint(json_object_get(ss, "status"), "replicas"));
    const json_t *strategy = json_object_get(spec, "updateStrategy");
    fprintf(w, "Update Strategy:\t%s\n", dstr(strategy, "type"));
    const json_t *ru = json_object_get(strategy, "rollingUpdate");
    if (json_object_get(ru, "partition") != NULL) {
        fprintf(w, "  Partition:\t%lld\n", dint(ru, "partition"));
        if (json_object_get(ru, "maxUnavailable") != NULL) {
            cleanup_free char *max = printers_cell(json_object_get(ru, "maxUnavailable"));
            fprintf(w, "  MaxUnavailable:\t%s\n", max);
        }
    }
    describe_pods_status(w, counts);
    describe_pod_template(w, json_object_get(spec, "template"));
    const json_t *templates = json_object_get(spec, "volumeClaimTemplates");
    fputs(json_array_size(templates) ? "Volume Claims:\n" : "Volume Claims:\t<none>\n", w);
    size_t i;
    json_t *pvc;
    json_array_foreach (templates, i, pvc) {
        const json_t *pmeta = json_object_get(pvc, "metadata");
        fprintf(w, "  Name:\t%s\n", dstr(pmeta, "name"));
        const json_t *beta =
            dget(pmeta, "annotations", "volume.beta.kubernetes.io/storage-class", NULL);
        fprintf(w, "  StorageClass:\t%s\n",
                beta ? json_string_value(beta)
                     : dstr(json_object_get(pvc, "spec"), "storageClassName"));
        labels_multiline(w, "  ", "Labels", json_object_get(pmeta, "labels"));
        labels_multiline(w, "  ", "Annotations", json_object_get(pmeta, "annotations"));
        const json_t *storage = dget(pvc, "spec", "resources", "requests", "storage", NULL);
        char q[QUANTITY_STR_MAX];
        fprintf(w, "  Capacity:\t%s\n", storage ? quantity_text(storage, q) : "<default>");
        cleanup_free char *modes = go_string_list(dget(pvc, "spec", "accessModes", NULL));
        fprintf(w, "  Access Modes:\t%s\n", modes);
    }
    describe_events(d, "StatefulSet");
    return 0;
}

int describe_daemonset(struct describe *d)
{
    FILE *w = d->w;
    const json_t *ds = d->obj, *meta = json_object_get(ds, "metadata");
    const json_t *spec = json_object_get(ds, "spec"), *status = json_object_get(ds, "status");
    int counts[4];
    pod_status_counts(d, json_object_get(spec, "selector"), counts);
    fprintf(w, "Name:\t%s\n", dstr(meta, "name"));
    cleanup_free char *selector = selector_string(json_object_get(spec, "selector"));
    cleanup_free char *node_selector =
        printers_labels(dget(spec, "template", "spec", "nodeSelector", NULL));
    fprintf(w, "Selector:\t%s\nNode-Selector:\t%s\n", selector, node_selector);
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    fprintf(w,
            "Desired Number of Nodes Scheduled: %lld\nCurrent Number of Nodes Scheduled: %lld\n"
            "Number of Nodes Scheduled with Up-to-date Pods: %lld\n"
            "Number of Nodes Scheduled with Available Pods: %lld\n"
            "Number of Nodes Misscheduled: %lld\n",
            dint(status, "desiredNumberScheduled"), dint(status, "currentNumberScheduled"),
            dint(status, "updatedNumberScheduled"), dint(status, "numberAvailable"),
            dint(status, "numberMisscheduled"));
    describe_pods_status(w, counts);
    describe_pod_template(w, json_object_get(spec, "template"));
    describe_events(d, "DaemonSet");
    return 0;
}

/* ---- jobs and cron jobs ---- */

/* capIndexesListOrNone with kubectl's soft limit of 50 characters. */
static void print_indexes(FILE *w, const char *indexes)
{
    size_t len = strlen(indexes), ix = 50;
    if (len == 0) {
        fputs("<none>", w);
        return;
    }
    while (ix < len && indexes[ix] != ',') {
        ix++;
    }
    if (ix >= len) {
        fputs(indexes, w);
    } else {
        fprintf(w, "%.*s...", (int)ix + 1, indexes);
    }
}

static void optional_int(FILE *w, const char *title, const json_t *obj, const char *key,
                         const char *unit, bool always)
{
    const json_t *v = json_object_get(obj, key);
    if (v != NULL) {
        fprintf(w, "%s:\t%lld%s\n", title, (long long)json_integer_value(v), unit);
    } else if (always) {
        fprintf(w, "%s:\t<unset>\n", title);
    }
}

int describe_job(struct describe *d)
{
    FILE *w = d->w;
    const json_t *job = d->obj, *meta = json_object_get(job, "metadata");
    const json_t *spec = json_object_get(job, "spec"), *status = json_object_get(job, "status");
    describe_name_namespace(w, meta);
    cleanup_free char *selector = selector_string(json_object_get(spec, "selector"));
    fprintf(w, "Selector:\t%s\n", selector);
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    describe_controlled_by(w, job);
    optional_int(w, "Parallelism", spec, "parallelism", "", false);
    optional_int(w, "Completions", spec, "completions", "", true);
    if (json_object_get(spec, "completionMode") != NULL) {
        fprintf(w, "Completion Mode:\t%s\n", dstr(spec, "completionMode"));
    }
    if (json_object_get(spec, "suspend") != NULL) {
        fprintf(w, "Suspend:\t%s\n",
                json_is_true(json_object_get(spec, "suspend")) ? "true" : "false");
    }
    optional_int(w, "Backoff Limit", spec, "backoffLimit", "", false);
    optional_int(w, "TTL Seconds After Finished", spec, "ttlSecondsAfterFinished", "", false);
    char when[64];
    const char *start = dstr(status, "startTime"), *done = dstr(status, "completionTime");
    if (*start) {
        rfc1123z(start, when, sizeof when, false);
        fprintf(w, "Start Time:\t%s\n", when);
    }
    if (*done) {
        rfc1123z(done, when, sizeof when, false);
        fprintf(w, "Completed At:\t%s\n", when);
    }
    struct timespec t0, t1;
    struct err e = {0};
    if (*start && *done && k8stime_parse(start, &t0, &e) == 0 &&
        k8stime_parse(done, &t1, &e) == 0) {
        char dur[K8STIME_STR_MAX];
        int64_t ns = ((int64_t)t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
        fprintf(w, "Duration:\t%s\n", k8stime_human_duration(ns, dur));
    }
    optional_int(w, "Active Deadline Seconds", spec, "activeDeadlineSeconds", "s", false);
    if (json_object_get(status, "ready") == NULL) {
        fprintf(w, "Pods Statuses:\t%lld Active / %lld Succeeded / %lld Failed\n",
                dint(status, "active"), dint(status, "succeeded"), dint(status, "failed"));
    } else {
        fprintf(w, "Pods Statuses:\t%lld Active (%lld Ready) / %lld Succeeded / %lld Failed\n",
                dint(status, "active"), dint(status, "ready"), dint(status, "succeeded"),
                dint(status, "failed"));
    }
    if (strcmp(dstr(spec, "completionMode"), "Indexed") == 0) {
        fputs("Completed Indexes:\t", w);
        print_indexes(w, dstr(status, "completedIndexes"));
        fputc('\n', w);
    }
    describe_pod_template(w, json_object_get(spec, "template"));
    describe_events(d, "Job");
    return 0;
}

int describe_cronjob(struct describe *d)
{
    FILE *w = d->w;
    const json_t *cj = d->obj, *meta = json_object_get(cj, "metadata");
    const json_t *spec = json_object_get(cj, "spec"), *status = json_object_get(cj, "status");
    describe_name_namespace(w, meta);
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    const json_t *suspend = json_object_get(spec, "suspend");
    fprintf(w, "Schedule:\t%s\nConcurrency Policy:\t%s\nSuspend:\t%s\n", dstr(spec, "schedule"),
            dstr(spec, "concurrencyPolicy"),
            suspend == NULL         ? "<unset>"
            : json_is_true(suspend) ? "True"
                                    : "False");
    optional_int(w, "Successful Job History Limit", spec, "successfulJobsHistoryLimit", "", true);
    optional_int(w, "Failed Job History Limit", spec, "failedJobsHistoryLimit", "", true);
    optional_int(w, "Starting Deadline Seconds", spec, "startingDeadlineSeconds", "s", true);
    const json_t *jspec = dget(spec, "jobTemplate", "spec", NULL);
    if (json_object_get(jspec, "selector") != NULL) {
        cleanup_free char *selector = selector_string(json_object_get(jspec, "selector"));
        fprintf(w, "Selector:\t%s\n", selector);
    } else {
        fputs("Selector:\t<unset>\n", w);
    }
    optional_int(w, "Parallelism", jspec, "parallelism", "", true);
    optional_int(w, "Completions", jspec, "completions", "", true);
    optional_int(w, "Active Deadline Seconds", jspec, "activeDeadlineSeconds", "s", false);
    describe_pod_template(w, json_object_get(jspec, "template"));
    if (*dstr(status, "lastScheduleTime")) {
        char when[64];
        rfc1123z(dstr(status, "lastScheduleTime"), when, sizeof when, false);
        fprintf(w, "Last Schedule Time:\t%s\n", when);
    } else {
        fputs("Last Schedule Time:\t<unset>\n", w);
    }
    const json_t *active = json_object_get(status, "active");
    fputs("Active Jobs:\t", w);
    size_t i;
    json_t *x;
    json_array_foreach (active, i, x) {
        fprintf(w, "%s%s", i ? ", " : "", dstr(x, "name"));
    }
    fputs(json_array_size(active) ? "\n" : "<none>\n", w);
    describe_events(d, "CronJob");
    return 0;
}

/* ---- horizontal pod autoscalers ---- */

/* Quantity.String() of a *Quantity: "<nil>" when unset. */
static const char *quantity_ptr(const json_t *v, char buf[QUANTITY_STR_MAX])
{
    return v == NULL ? "<nil>" : quantity_text(v, buf);
}

/* One metric line of describeHorizontalPodAutoscalerV2; current is status.currentMetrics[i]
 * (may be NULL). */
static void describe_metric(FILE *w, const json_t *m, const json_t *current)
{
    const char *type = dstr(m, "type");
    char a[QUANTITY_STR_MAX], b[QUANTITY_STR_MAX];
    if (strcmp(type, "External") == 0 || strcmp(type, "Pods") == 0 || strcmp(type, "Object") == 0) {
        const char *member = strcmp(type, "External") == 0 ? "external"
                             : strcmp(type, "Pods") == 0   ? "pods"
                                                           : "object";
        const json_t *src = json_object_get(m, member), *target = json_object_get(src, "target");
        const json_t *cur = dget(current, member, "current", NULL);
        bool has_cur = json_object_get(current, member) != NULL;
        const char *metric = dstr(json_object_get(src, "metric"), "name");
        bool average =
            strcmp(type, "Pods") == 0 ||
            (strcmp(type, "External") == 0 ? json_object_get(target, "averageValue") != NULL
                                           : strcmp(dstr(target, "type"), "AverageValue") == 0);
        const char *field = average ? "averageValue" : "value";
        const char *now = has_cur ? quantity_ptr(json_object_get(cur, field), a) : "<unknown>";
        const char *want = quantity_ptr(json_object_get(target, field), b);
        if (strcmp(type, "Pods") == 0) {
            fprintf(w, "  \"%s\" on pods:\t%s / %s\n", metric, now, want);
        } else if (strcmp(type, "External") == 0) {
            fprintf(w, "  \"%s\" (target %s):\t%s / %s\n", metric,
                    average ? "average value" : "value", now, want);
        } else {
            const json_t *obj = json_object_get(src, "describedObject");
            fprintf(w, "  \"%s\" on %s/%s (target %s):\t%s / %s\n", metric, dstr(obj, "kind"),
                    dstr(obj, "name"), average ? "average value" : "value", now, want);
        }
        return;
    }
    if (strcmp(type, "Resource") == 0 || strcmp(type, "ContainerResource") == 0) {
        bool container = strcmp(type, "ContainerResource") == 0;
        const char *member = container ? "containerResource" : "resource";
        const json_t *src = json_object_get(m, member), *target = json_object_get(src, "target");
        const json_t *cur = dget(current, member, "current", NULL);
        bool has_cur = json_object_get(current, member) != NULL;
        if (container) {
            fprintf(w, "  resource %s of container \"%s\" on pods", dstr(src, "name"),
                    dstr(src, "container"));
        } else {
            fprintf(w, "  resource %s on pods", dstr(src, "name"));
        }
        if (json_object_get(target, "averageValue") != NULL) {
            fprintf(w, ":\t%s / %s\n",
                    has_cur ? quantity_ptr(json_object_get(cur, "averageValue"), a) : "<unknown>",
                    quantity_ptr(json_object_get(target, "averageValue"), b));
            return;
        }
        cleanup_free char *now = xstrdup("<unknown>"), *want = xstrdup("<auto>");
        if (has_cur && json_object_get(cur, "averageUtilization") != NULL) {
            free(now);
            now = xasprintf("%lld%% (%s)", dint(cur, "averageUtilization"),
                            quantity_ptr(json_object_get(cur, "averageValue"), a));
        }
        if (json_object_get(target, "averageUtilization") != NULL) {
            free(want);
            want = xasprintf("%lld%%", dint(target, "averageUtilization"));
        }
        fprintf(w, "  (as a percentage of request):\t%s / %s\n", now, want);
        return;
    }
    fprintf(w, "  <unknown metric type \"%s\">\n", type);
}

static void scaling_rules(FILE *w, const char *direction, const json_t *rules)
{
    if (rules == NULL) {
        return;
    }
    fprintf(w, "  %s:\n", direction);
    if (json_object_get(rules, "stabilizationWindowSeconds") != NULL) {
        fprintf(w, "    Stabilization Window: %lld seconds\n",
                dint(rules, "stabilizationWindowSeconds"));
    }
    const json_t *policies = json_object_get(rules, "policies");
    if (json_array_size(policies) == 0) {
        return;
    }
    fprintf(w, "    Select Policy: %s\n    Policies:\n",
            json_object_get(rules, "selectPolicy") ? dstr(rules, "selectPolicy") : "Max");
    size_t i;
    json_t *p;
    json_array_foreach (policies, i, p) {
        fprintf(w, "      - Type: %s\tValue: %lld\tPeriod: %lld seconds\n", dstr(p, "type"),
                dint(p, "value"), dint(p, "periodSeconds"));
    }
}

int describe_hpa(struct describe *d)
{
    FILE *w = d->w;
    const json_t *hpa = d->obj, *meta = json_object_get(hpa, "metadata");
    const json_t *spec = json_object_get(hpa, "spec"), *status = json_object_get(hpa, "status");
    describe_name_namespace(w, meta);
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    describe_creation(w, meta);
    const json_t *ref = json_object_get(spec, "scaleTargetRef");
    fprintf(w, "Reference:\t%s/%s\nMetrics:\t( current / target )\n", dstr(ref, "kind"),
            dstr(ref, "name"));
    const json_t *current = json_object_get(status, "currentMetrics");
    size_t i;
    json_t *m;
    json_array_foreach (json_object_get(spec, "metrics"), i, m) {
        describe_metric(w, m, json_array_get(current, i));
    }
    if (json_object_get(spec, "minReplicas") != NULL) {
        fprintf(w, "Min replicas:\t%lld\n", dint(spec, "minReplicas"));
    } else {
        fputs("Min replicas:\t<unset>\n", w);
    }
    fprintf(w, "Max replicas:\t%lld\n", dint(spec, "maxReplicas"));
    const json_t *behavior = json_object_get(spec, "behavior");
    if (behavior != NULL) {
        fputs("Behavior:\n", w);
        scaling_rules(w, "Scale Up", json_object_get(behavior, "scaleUp"));
        scaling_rules(w, "Scale Down", json_object_get(behavior, "scaleDown"));
    }
    fprintf(w, "%s pods:\t%lld current / %lld desired\n", dstr(ref, "kind"),
            dint(status, "currentReplicas"), dint(status, "desiredReplicas"));
    const json_t *conditions = json_object_get(status, "conditions");
    if (json_array_size(conditions) > 0) {
        fputs("Conditions:\n  Type\tStatus\tReason\tMessage\n  ----\t------\t------\t-------\n", w);
        json_t *x;
        json_array_foreach (conditions, i, x) {
            fprintf(w, "  %s\t%s\t%s\t%s\n", dstr(x, "type"), dstr(x, "status"), dstr(x, "reason"),
                    dstr(x, "message"));
        }
    }
    describe_events(d, "HorizontalPodAutoscaler");
    return 0;
}

/* ---- pod disruption budgets ---- */

int describe_pdb(struct describe *d)
{
    FILE *w = d->w;
    const json_t *pdb = d->obj, *meta = json_object_get(pdb, "metadata");
    const json_t *spec = json_object_get(pdb, "spec"), *status = json_object_get(pdb, "status");
    describe_name_namespace(w, meta);
    if (json_object_get(spec, "minAvailable") != NULL) {
        cleanup_free char *v = printers_cell(json_object_get(spec, "minAvailable"));
        fprintf(w, "Min available:\t%s\n", v);
    } else if (json_object_get(spec, "maxUnavailable") != NULL) {
        cleanup_free char *v = printers_cell(json_object_get(spec, "maxUnavailable"));
        fprintf(w, "Max unavailable:\t%s\n", v);
    }
    if (json_object_get(spec, "selector") != NULL) {
        cleanup_free char *selector = format_label_selector(json_object_get(spec, "selector"));
        fprintf(w, "Selector:\t%s\n", selector);
    } else {
        fputs("Selector:\t<unset>\n", w);
    }
    fprintf(w,
            "Status:\n    Allowed disruptions:\t%lld\n    Current:\t%lld\n    Desired:\t%lld\n"
            "    Total:\t%lld\n",
            dint(status, "disruptionsAllowed"), dint(status, "currentHealthy"),
            dint(status, "desiredHealthy"), dint(status, "expectedPods"));
    describe_events(d, "PodDisruptionBudget");
    return 0;
}
