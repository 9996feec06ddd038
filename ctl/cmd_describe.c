/* `c8sctl describe` as kubectl's describers (k8s.io/kubectl/pkg/describe) for pods,
 * deployments, services, namespaces, configmaps and nodes: the text goes through Go's tabwriter
 * as kubectl configures it (padding 2, column blocks ended by lines without tabs), labels and
 * annotations one per line, "<none>" placeholders, and the Events of the object (found with the
 * involvedObject field selector) with their ages. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "k8stime.h"
#include "objects.h"
#include "printers.h"
#include "xalloc.h"

/* ---- Go's text/tabwriter (minwidth 0, padding 2, spaces, no flags) ---- */

struct tw_line {
    char **cells; /* the tab-terminated cells and the last (unterminated) one */
    size_t n;
};

static size_t utf8_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

static void tw_write_lines(FILE *out, const struct tw_line *lines, size_t from, size_t to,
                           const size_t *widths, size_t nwidths)
{
    for (size_t i = from; i < to; i++) {
        for (size_t j = 0; j < lines[i].n; j++) {
            const char *cell = lines[i].cells[j];
            fputs(cell, out);
            if (j < nwidths && j + 1 < lines[i].n) {
                for (size_t k = utf8_width(cell); k < widths[j]; k++) {
                    fputc(' ', out);
                }
            }
        }
        if (i + 1 < to || lines[i].n > 0) {
            fputc('\n', out);
        }
    }
}

/* Go's Writer.format: column blocks per column, recursively. */
static size_t tw_format(FILE *out, const struct tw_line *lines, size_t line0, size_t line1,
                        size_t *widths, size_t column)
{
    for (size_t this = line0; this < line1; this ++) {
        if (column + 1 >= lines[this].n) {
            continue;
        }
        tw_write_lines(out, lines, line0, this, widths, column);
        line0 = this;
        size_t width = 0;
        for (; this < line1; this ++) {
            if (column + 1 >= lines[this].n) {
                break;
            }
            size_t w = utf8_width(lines[this].cells[column]) + 2;
            width = w > width ? w : width;
        }
        widths[column] = width;
        tw_format(out, lines, line0, this, widths, column + 1);
        line0 = this;
        this --; /* the loop's this++ looks at the line that ended the block next */
    }
    tw_write_lines(out, lines, line0, line1, widths, column);
    return line1;
}

/* Aligns text (lines of tab-separated cells) as kubectl's tabbedString does. Owned. */
static char *tabbed(const char *text)
{
    size_t nlines = 0, cap = 16;
    struct tw_line *lines = xmalloc(cap * sizeof *lines);
    size_t maxcells = 1;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (nlines == cap) {
            cap *= 2;
            lines = xrealloc(lines, cap * sizeof *lines);
        }
        struct tw_line *l = &lines[nlines++];
        l->n = 1;
        for (size_t i = 0; i < len; i++) {
            l->n += p[i] == '\t';
        }
        l->cells = xmalloc(l->n * sizeof *l->cells);
        const char *cell = p;
        for (size_t k = 0; k < l->n; k++) {
            const char *tab = memchr(cell, '\t', (size_t)(p + len - cell));
            const char *stop = tab ? tab : p + len;
            l->cells[k] = xstrndup(cell, (size_t)(stop - cell));
            cell = stop + 1;
        }
        maxcells = l->n > maxcells ? l->n : maxcells;
        p = end ? end + 1 : p + len;
    }
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    size_t *widths = xmalloc(maxcells * sizeof *widths);
    tw_format(out, lines, 0, nlines, widths, 0);
    fclose(out);
    free(widths);
    for (size_t i = 0; i < nlines; i++) {
        for (size_t k = 0; k < lines[i].n; k++) {
            free(lines[i].cells[k]);
        }
        free(lines[i].cells);
    }
    free(lines);
    return buf;
}

/* ---- kubectl's describe helpers ---- */

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char **sorted_keys(const json_t *obj, size_t *n)
{
    *n = json_object_size(obj);
    const char **keys = xmalloc((*n ? *n : 1) * sizeof *keys);
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)obj, k, v) {
        keys[i++] = k;
    }
    qsort(keys, *n, sizeof *keys, compare_str);
    return keys;
}

/* printLabelsMultilineWithIndent: "Title:\tk=v" and "\tk2=v2" lines, or "<none>". */
static void labels_multiline(FILE *w, const char *title, const json_t *labels)
{
    fprintf(w, "%s:\t", title);
    size_t n;
    const char **keys = sorted_keys(labels, &n);
    if (n == 0) {
        fputs("<none>\n", w);
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(w, "%s%s=%s\n", i ? "\t" : "", keys[i], str(labels, keys[i]));
    }
    free(keys);
}

/* printAnnotationsMultiline: last-applied skipped, long or multi-line values on their own
 * lines shortened to 140 characters. */
static void annotations_multiline(FILE *w, const char *title, const json_t *annotations)
{
    enum { MAX_ANNOTATION = 140 };
    fprintf(w, "%s:\t", title);
    size_t n;
    const char **keys = sorted_keys(annotations, &n);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i], "kubectl.kubernetes.io/last-applied-configuration") == 0) {
            continue;
        }
        if (shown++) {
            fputc('\t', w);
        }
        cleanup_free char *value = xstrdup(str(annotations, keys[i]));
        size_t len = strlen(value);
        if (len > 0 && value[len - 1] == '\n') {
            value[--len] = '\0';
        }
        if (len + strlen(keys[i]) + 2 > MAX_ANNOTATION || strchr(value, '\n')) {
            fprintf(w, "%s:\n", keys[i]);
            char *save = NULL;
            for (char *line = strtok_r(value, "\n", &save); line;
                 line = strtok_r(NULL, "\n", &save)) {
                if (strlen(line) > MAX_ANNOTATION - 2) {
                    fprintf(w, "\t  %.*s...\n", MAX_ANNOTATION - 2, line);
                } else {
                    fprintf(w, "\t  %s\n", line);
                }
            }
        } else {
            fprintf(w, "%s: %s\n", keys[i], value);
        }
    }
    if (shown == 0) {
        fputs("<none>\n", w);
    }
    free(keys);
}

/* "k=v,k2=v2" sorted, or "<none>" (labels.FormatLabels). Owned. */
static char *format_labels(const json_t *labels)
{
    size_t n;
    const char **keys = sorted_keys(labels, &n);
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s%s=%s", i ? "," : "", keys[i], str(labels, keys[i]));
    }
    if (n == 0) {
        fputs("<none>", f);
    }
    fclose(f);
    free(keys);
    return buf;
}

/* RFC1123Z in local time, as Go's Time.Format(time.RFC1123Z). */
static void rfc1123z(const char *stamp, char *buf, size_t size)
{
    struct timespec ts;
    struct err e = {0};
    buf[0] = '\0';
    if (stamp == NULL || k8stime_parse(stamp, &ts, &e) != 0) {
        return;
    }
    struct tm tm;
    localtime_r(&ts.tv_sec, &tm);
    strftime(buf, size, "%a, %d %b %Y %H:%M:%S %z", &tm);
}

/* translateTimestampSince: "<unknown>" for no time, else the human duration. */
static void since(const char *stamp, char buf[K8STIME_STR_MAX])
{
    struct timespec ts;
    struct err e = {0};
    if (stamp == NULL || *stamp == '\0' || k8stime_parse(stamp, &ts, &e) != 0) {
        snprintf(buf, K8STIME_STR_MAX, "<unknown>");
        return;
    }
    struct timespec now = k8stime_now();
    int64_t d = ((int64_t)now.tv_sec - ts.tv_sec) * 1000000000LL + (now.tv_nsec - ts.tv_nsec);
    k8stime_human_duration(d, buf);
}

static int compare_events(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    return strcmp(str(x, "lastTimestamp"), str(y, "lastTimestamp"));
}

/* The events about obj (kubectl's searchEvents with GetFieldSelector's sorted terms). with_kind
 * is false for pods (kubectl clears the reference's kind). Returns 0 with *events (new) or 1. */
static int search_events(struct ctl *c, const json_t *obj, const char *kind, json_t **events)
{
    const json_t *meta = json_object_get(obj, "metadata");
    const char *ns = str(meta, "namespace");
    char *q = xstrdup("");
    cleanup_free char *selector =
        xasprintf("%s%s%sinvolvedObject.name=%s,involvedObject.namespace=%s,involvedObject.uid=%s",
                  kind ? "involvedObject.kind=" : "", kind ? kind : "", kind ? "," : "",
                  str(meta, "name"), ns, str(meta, "uid"));
    ctl_query_add(&q, "fieldSelector", selector);
    ctl_query_add(&q, "limit", "500");
    cleanup_free char *path = *ns ? xasprintf("/api/v1/namespaces/%s/events?%s", ns, q + 1)
                                  : xasprintf("/api/v1/events?%s", q + 1);
    free(q);
    return ctl_request_json(c, "GET", path, NULL, NULL, NULL, events);
}

/* DescribeEvents. */
static void describe_events(FILE *w, const json_t *list)
{
    if (list == NULL) {
        return; /* --show-events=false */
    }
    json_t *items = json_object_get(list, "items");
    size_t n = json_array_size(items);
    if (n == 0) {
        fputs("Events:\t<none>\n", w);
        return;
    }
    const json_t **sorted = xmalloc(n * sizeof *sorted);
    for (size_t i = 0; i < n; i++) {
        sorted[i] = json_array_get(items, i);
    }
    qsort(sorted, n, sizeof *sorted, compare_events);
    fputs("Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n", w);
    for (size_t i = 0; i < n; i++) {
        const json_t *e = sorted[i];
        char first[K8STIME_STR_MAX], last[K8STIME_STR_MAX];
        const char *event_time = str(e, "eventTime");
        since(*event_time ? event_time : str(e, "firstTimestamp"), first);
        json_int_t count = json_integer_value(json_object_get(e, "count"));
        const char *source = str(json_object_get(e, "source"), "component");
        if (*source == '\0') {
            source = str(e, "reportingComponent");
        }
        cleanup_free char *message = xstrdup(str(e, "message"));
        char *m = message;
        while (*m == ' ' || *m == '\n' || *m == '\t') {
            m++;
        }
        size_t len = strlen(m);
        while (len > 0 && (m[len - 1] == ' ' || m[len - 1] == '\n' || m[len - 1] == '\t')) {
            m[--len] = '\0';
        }
        fprintf(w, "  %s\t%s\t", str(e, "type"), str(e, "reason"));
        if (count > 1) {
            since(str(e, "lastTimestamp"), last);
            fprintf(w, "%s (x%lld over %s)", last, (long long)count, first);
        } else {
            fputs(first, w);
        }
        fprintf(w, "\t%s\t%s\n", source, m);
    }
    free(sorted);
}

/* describeContainers (without statuses for templates; space "  " inside a pod template). */
static void describe_containers(FILE *w, const char *label, const json_t *containers,
                                const json_t *statuses, const char *space)
{
    fprintf(w, "%s%s:%s\n", space, label, json_array_size(containers) ? "" : " <none>");
    size_t i, j;
    json_t *ctr, *x;
    json_array_foreach (containers, i, ctr) {
        const json_t *status = NULL;
        json_array_foreach (statuses, j, x) {
            status = strcmp(str(x, "name"), str(ctr, "name")) == 0 ? x : status;
        }
        fprintf(w, "  %s%s:\n", *space ? " " : "", str(ctr, "name"));
        if (status) {
            fprintf(w, "    Container ID:\t%s\n", str(status, "containerID"));
        }
        fprintf(w, "    Image:\t%s\n", str(ctr, "image"));
        if (status) {
            fprintf(w, "    Image ID:\t%s\n", str(status, "imageID"));
        }
        json_t *ports = json_object_get(ctr, "ports");
        for (int host = 0; host < 2; host++) {
            char *buf = NULL;
            size_t size = 0;
            FILE *f = open_memstream(&buf, &size);
            json_t *p;
            json_array_foreach (ports, j, p) {
                const char *proto = str(p, "protocol");
                fprintf(f, "%s%lld/%s", j ? ", " : "",
                        (long long)json_integer_value(
                            json_object_get(p, host ? "hostPort" : "containerPort")),
                        *proto ? proto : "TCP");
                if (*str(p, "name")) {
                    fprintf(f, " (%s)", str(p, "name"));
                }
            }
            fclose(f);
            bool many = strchr(buf, ',') != NULL;
            fprintf(w, "    %s%s:\t%s\n", host ? "Host Port" : "Port", many ? "s" : "",
                    *buf ? buf : "<none>");
            free(buf);
        }
        const char *lists[2] = {"command", "args"};
        const char *titles[2] = {"Command", "Args"};
        for (int l = 0; l < 2; l++) {
            json_t *words = json_object_get(ctr, lists[l]);
            if (json_array_size(words) > 0) {
                fprintf(w, "    %s:\n", titles[l]);
                json_array_foreach (words, j, x) {
                    fprintf(w, "      %s\n", json_string_value(x));
                }
            }
        }
        json_t *resources = json_object_get(ctr, "resources");
        const char *kinds[2] = {"limits", "requests"};
        const char *ktitles[2] = {"Limits", "Requests"};
        for (int k = 0; k < 2; k++) {
            json_t *res = json_object_get(resources, kinds[k]);
            size_t n;
            const char **keys = sorted_keys(res, &n);
            if (n) {
                fprintf(w, "    %s:\n", ktitles[k]);
            }
            for (size_t r = 0; r < n; r++) {
                fprintf(w, "      %s:\t%s\n", keys[r], str(res, keys[r]));
            }
            free(keys);
        }
        json_t *env = json_object_get(ctr, "env");
        fprintf(w, "    Environment:%s\n", json_array_size(env) ? "" : "\t<none>");
        json_array_foreach (env, j, x) {
            if (json_object_get(x, "valueFrom") == NULL) {
                fprintf(w, "      %s:\t%s\n", str(x, "name"), str(x, "value"));
            } else {
                fprintf(w, "      %s:\t<set from a source c8sctl does not describe>\n",
                        str(x, "name"));
            }
        }
        json_t *mounts = json_object_get(ctr, "volumeMounts");
        fprintf(w, "    Mounts:%s\n", json_array_size(mounts) ? "" : "\t<none>");
        json_array_foreach (mounts, j, x) {
            fprintf(w, "      %s from %s (%s)\n", str(x, "mountPath"), str(x, "name"),
                    json_is_true(json_object_get(x, "readOnly")) ? "ro" : "rw");
        }
    }
}

static void describe_volumes(FILE *w, const json_t *volumes, const char *space)
{
    if (json_array_size(volumes) == 0) {
        fprintf(w, "%sVolumes:\t<none>\n", space);
        return;
    }
    fprintf(w, "%sVolumes:\n", space);
    size_t i;
    json_t *v;
    json_array_foreach (volumes, i, v) {
        fprintf(w, "%s  %s:\n", space, str(v, "name"));
    }
}

static void tolerations_multiline(FILE *w, const char *title, const json_t *tolerations)
{
    fprintf(w, "%s:\t", title);
    size_t n = json_array_size(tolerations);
    if (n == 0) {
        fputs("<none>\n", w);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_array_get(tolerations, i);
        const char *key = str(t, "key"), *value = str(t, "value"), *effect = str(t, "effect");
        fprintf(w, "%s%s", i ? "\t" : "", key);
        if (*value) {
            fprintf(w, "=%s", value);
        }
        if (*effect) {
            fprintf(w, ":%s", effect);
        }
        if (strcmp(str(t, "operator"), "Exists") == 0 && *value == '\0') {
            fputs(*key || *effect ? " op=Exists" : "op=Exists", w);
        }
        json_t *secs = json_object_get(t, "tolerationSeconds");
        if (json_is_integer(secs)) {
            fprintf(w, " for %llds", (long long)json_integer_value(secs));
        }
        fputc('\n', w);
    }
}

/* qos.GetPodQOS, simplified: status.qosClass when the server set it. */
static const char *pod_qos(const json_t *pod)
{
    const char *qos = str(json_object_get(pod, "status"), "qosClass");
    if (*qos) {
        return qos;
    }
    bool any = false, guaranteed = true;
    size_t i;
    json_t *ctr;
    json_array_foreach (json_object_get(json_object_get(pod, "spec"), "containers"), i, ctr) {
        json_t *res = json_object_get(ctr, "resources");
        json_t *limits = json_object_get(res, "limits"),
               *requests = json_object_get(res, "requests");
        any = any || json_object_size(limits) || json_object_size(requests);
        guaranteed =
            guaranteed && json_object_get(limits, "cpu") && json_object_get(limits, "memory");
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
}

static void describe_pod(FILE *w, const json_t *pod, const json_t *events)
{
    const json_t *meta = json_object_get(pod, "metadata"), *spec = json_object_get(pod, "spec");
    const json_t *status = json_object_get(pod, "status");
    fprintf(w, "Name:\t%s\nNamespace:\t%s\n", str(meta, "name"), str(meta, "namespace"));
    json_t *priority = json_object_get(spec, "priority");
    if (json_is_integer(priority)) {
        fprintf(w, "Priority:\t%lld\n", (long long)json_integer_value(priority));
    }
    if (*str(spec, "priorityClassName")) {
        fprintf(w, "Priority Class Name:\t%s\n", str(spec, "priorityClassName"));
    }
    if (*str(spec, "runtimeClassName")) {
        fprintf(w, "Runtime Class Name:\t%s\n", str(spec, "runtimeClassName"));
    }
    if (*str(spec, "serviceAccountName")) {
        fprintf(w, "Service Account:\t%s\n", str(spec, "serviceAccountName"));
    }
    if (*str(spec, "nodeName")) {
        fprintf(w, "Node:\t%s/%s\n", str(spec, "nodeName"), str(status, "hostIP"));
    } else {
        fputs("Node:\t<none>\n", w);
    }
    char when[64];
    if (*str(status, "startTime")) {
        rfc1123z(str(status, "startTime"), when, sizeof when);
        fprintf(w, "Start Time:\t%s\n", when);
    }
    labels_multiline(w, "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    const char *phase = str(status, "phase");
    if (*str(meta, "deletionTimestamp") && strcmp(phase, "Failed") != 0 &&
        strcmp(phase, "Succeeded") != 0) {
        char age[K8STIME_STR_MAX];
        since(str(meta, "deletionTimestamp"), age);
        fprintf(w, "Status:\tTerminating (lasts %s)\nTermination Grace Period:\t%llds\n", age,
                (long long)json_integer_value(json_object_get(meta, "deletionGracePeriodSeconds")));
    } else {
        fprintf(w, "Status:\t%s\n", phase);
    }
    if (*str(status, "reason")) {
        fprintf(w, "Reason:\t%s\n", str(status, "reason"));
    }
    if (*str(status, "message")) {
        fprintf(w, "Message:\t%s\n", str(status, "message"));
    }
    fprintf(w, "IP:\t%s\n", str(status, "podIP"));
    json_t *ips = json_object_get(status, "podIPs");
    if (json_array_size(ips) == 0) {
        fputs("IPs:\t<none>\n", w);
    } else {
        fputs("IPs:\n", w);
        size_t i;
        json_t *ip;
        json_array_foreach (ips, i, ip) {
            fprintf(w, "  IP:\t%s\n", str(ip, "ip"));
        }
    }
    size_t i;
    json_t *x;
    json_array_foreach (json_object_get(meta, "ownerReferences"), i, x) {
        if (json_is_true(json_object_get(x, "controller"))) {
            fprintf(w, "Controlled By:\t%s/%s\n", str(x, "kind"), str(x, "name"));
        }
    }
    if (*str(status, "nominatedNodeName")) {
        fprintf(w, "NominatedNodeName:\t%s\n", str(status, "nominatedNodeName"));
    }
    if (json_array_size(json_object_get(spec, "initContainers")) > 0) {
        describe_containers(w, "Init Containers", json_object_get(spec, "initContainers"),
                            json_object_get(status, "initContainerStatuses"), "");
    }
    describe_containers(w, "Containers", json_object_get(spec, "containers"),
                        json_object_get(status, "containerStatuses"), "");
    json_t *conditions = json_object_get(status, "conditions");
    if (json_array_size(conditions) > 0) {
        fputs("Conditions:\n  Type\tStatus\n", w);
        json_array_foreach (conditions, i, x) {
            fprintf(w, "  %s \t%s \n", str(x, "type"), str(x, "status"));
        }
    }
    describe_volumes(w, json_object_get(spec, "volumes"), "");
    fprintf(w, "QoS Class:\t%s\n", pod_qos(pod));
    labels_multiline(w, "Node-Selectors", json_object_get(spec, "nodeSelector"));
    tolerations_multiline(w, "Tolerations", json_object_get(spec, "tolerations"));
    describe_events(w, events);
}

static void describe_deployment(FILE *w, const json_t *d, const json_t *events)
{
    const json_t *meta = json_object_get(d, "metadata"), *spec = json_object_get(d, "spec");
    const json_t *status = json_object_get(d, "status");
    char when[64];
    rfc1123z(str(meta, "creationTimestamp"), when, sizeof when);
    fprintf(w, "Name:\t%s\nNamespace:\t%s\nCreationTimestamp:\t%s\n", str(meta, "name"),
            str(meta, "namespace"), when);
    labels_multiline(w, "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    cleanup_free char *selector =
        format_labels(json_object_get(json_object_get(spec, "selector"), "matchLabels"));
    fprintf(w, "Selector:\t%s\n", selector);
#define NUM(o, k) ((long long)json_integer_value(json_object_get((o), (k))))
    fprintf(w,
            "Replicas:\t%lld desired | %lld updated | %lld total | %lld available | %lld "
            "unavailable\n",
            NUM(spec, "replicas"), NUM(status, "updatedReplicas"), NUM(status, "replicas"),
            NUM(status, "availableReplicas"), NUM(status, "unavailableReplicas"));
    const json_t *strategy = json_object_get(spec, "strategy");
    fprintf(w, "StrategyType:\t%s\nMinReadySeconds:\t%lld\n", str(strategy, "type"),
            NUM(spec, "minReadySeconds"));
    const json_t *ru = json_object_get(strategy, "rollingUpdate");
    if (ru != NULL) {
        cleanup_free char *unavailable = printers_cell(json_object_get(ru, "maxUnavailable"));
        cleanup_free char *surge = printers_cell(json_object_get(ru, "maxSurge"));
        fprintf(w, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", unavailable,
                surge);
    }
    const json_t *tmpl = json_object_get(spec, "template");
    const json_t *tspec = json_object_get(tmpl, "spec");
    const json_t *tmeta = json_object_get(tmpl, "metadata");
    fputs("Pod Template:\n", w);
    labels_multiline(w, "  Labels", json_object_get(tmeta, "labels"));
    if (json_object_size(json_object_get(tmeta, "annotations")) > 0) {
        annotations_multiline(w, "  Annotations", json_object_get(tmeta, "annotations"));
    }
    if (*str(tspec, "serviceAccountName")) {
        fprintf(w, "  Service Account:\t%s\n", str(tspec, "serviceAccountName"));
    }
    if (json_array_size(json_object_get(tspec, "initContainers")) > 0) {
        describe_containers(w, "Init Containers", json_object_get(tspec, "initContainers"), NULL,
                            "  ");
    }
    describe_containers(w, "Containers", json_object_get(tspec, "containers"), NULL, "  ");
    describe_volumes(w, json_object_get(tspec, "volumes"), "  ");
    if (*str(tspec, "priorityClassName")) {
        fprintf(w, "  Priority Class Name:\t%s\n", str(tspec, "priorityClassName"));
    }
    labels_multiline(w, "  Node-Selectors", json_object_get(tspec, "nodeSelector"));
    tolerations_multiline(w, "  Tolerations", json_object_get(tspec, "tolerations"));
    json_t *conditions = json_object_get(status, "conditions");
    if (json_array_size(conditions) > 0) {
        fputs("Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n", w);
        size_t i;
        json_t *x;
        json_array_foreach (conditions, i, x) {
            fprintf(w, "  %s \t%s\t%s\n", str(x, "type"), str(x, "status"), str(x, "reason"));
        }
    }
    describe_events(w, events);
}

static void describe_service(FILE *w, const json_t *svc, const json_t *events)
{
    const json_t *meta = json_object_get(svc, "metadata"), *spec = json_object_get(svc, "spec");
    fprintf(w, "Name:\t%s\nNamespace:\t%s\n", str(meta, "name"), str(meta, "namespace"));
    labels_multiline(w, "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    json_t *sel = json_object_get(spec, "selector");
    cleanup_free char *selector = json_object_size(sel) ? format_labels(sel) : xstrdup("");
    fprintf(w, "Selector:\t%s\nType:\t%s\n", selector, str(spec, "type"));
    if (*str(spec, "ipFamilyPolicy")) {
        fprintf(w, "IP Family Policy:\t%s\n", str(spec, "ipFamilyPolicy"));
    }
    const char *lists[2] = {"ipFamilies", "clusterIPs"};
    const char *titles[2] = {"IP Families", "IPs"};
    for (int l = 0; l < 2; l++) {
        json_t *a = json_object_get(spec, lists[l]);
        fprintf(w, "%s:\t", titles[l]);
        size_t i;
        json_t *x;
        json_array_foreach (a, i, x) {
            fprintf(w, "%s%s", i ? "," : "", json_string_value(x));
        }
        fputs(json_array_size(a) ? "\n" : "<none>\n", w);
        if (l == 0) {
            fprintf(w, "IP:\t%s\n", str(spec, "clusterIP"));
        }
    }
    if (*str(spec, "loadBalancerIP")) {
        fprintf(w, "Desired LoadBalancer IP:\t%s\n", str(spec, "loadBalancerIP"));
    }
    if (*str(spec, "externalName")) {
        fprintf(w, "External Name:\t%s\n", str(spec, "externalName"));
    }
    size_t i;
    json_t *p;
    json_array_foreach (json_object_get(spec, "ports"), i, p) {
        const char *name = *str(p, "name") ? str(p, "name") : "<unset>";
        const char *proto = str(p, "protocol");
        fprintf(w, "Port:\t%s\t%lld/%s\n", name, NUM(p, "port"), proto);
        json_t *target = json_object_get(p, "targetPort");
        if (json_is_string(target)) {
            fprintf(w, "TargetPort:\t%s/%s\n", json_string_value(target), proto);
        } else {
            fprintf(w, "TargetPort:\t%lld/%s\n", (long long)json_integer_value(target), proto);
        }
        if (NUM(p, "nodePort") != 0) {
            fprintf(w, "NodePort:\t%s\t%lld/%s\n", name, NUM(p, "nodePort"), proto);
        }
        fputs("Endpoints:\t<none>\n", w);
    }
    fprintf(w, "Session Affinity:\t%s\n", str(spec, "sessionAffinity"));
    if (*str(spec, "externalTrafficPolicy")) {
        fprintf(w, "External Traffic Policy:\t%s\n", str(spec, "externalTrafficPolicy"));
    }
    if (*str(spec, "internalTrafficPolicy")) {
        fprintf(w, "Internal Traffic Policy:\t%s\n", str(spec, "internalTrafficPolicy"));
    }
    if (NUM(spec, "healthCheckNodePort") != 0) {
        fprintf(w, "HealthCheck NodePort:\t%lld\n", NUM(spec, "healthCheckNodePort"));
    }
    describe_events(w, events);
}

static void describe_namespace(FILE *w, const json_t *ns)
{
    const json_t *meta = json_object_get(ns, "metadata");
    fprintf(w, "Name:\t%s\n", str(meta, "name"));
    labels_multiline(w, "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    fprintf(w, "Status:\t%s\n", str(json_object_get(ns, "status"), "phase"));
    fputs("\nNo resource quota.\n\nNo LimitRange resource.\n", w);
}

static void describe_configmap(FILE *w, const json_t *cm, const json_t *events)
{
    const json_t *meta = json_object_get(cm, "metadata");
    fprintf(w, "Name:\t%s\nNamespace:\t%s\n", str(meta, "name"), str(meta, "namespace"));
    labels_multiline(w, "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    fputs("\nData\n====\n", w);
    json_t *data = json_object_get(cm, "data");
    size_t n;
    const char **keys = sorted_keys(data, &n);
    for (size_t i = 0; i < n; i++) {
        fprintf(w, "%s:\n----\n%s\n\n", keys[i], str(data, keys[i]));
    }
    free(keys);
    fputs("\nBinaryData\n====\n", w);
    json_t *binary = json_object_get(cm, "binaryData");
    keys = sorted_keys(binary, &n);
    for (size_t i = 0; i < n; i++) {
        /* base64 length to byte count */
        size_t len = strlen(str(binary, keys[i]));
        const char *v = str(binary, keys[i]);
        size_t pad = len >= 2 ? (v[len - 1] == '=') + (v[len - 2] == '=') : 0;
        fprintf(w, "%s: %zu bytes\n", keys[i], len / 4 * 3 - pad);
    }
    free(keys);
    fputs("\n", w);
    describe_events(w, events);
}

static void describe_node(FILE *w, const json_t *node, const json_t *pods, const json_t *lease,
                          const char *lease_error, const json_t *events)
{
    const json_t *meta = json_object_get(node, "metadata"), *spec = json_object_get(node, "spec");
    const json_t *status = json_object_get(node, "status");
    fprintf(w, "Name:\t%s\n", str(meta, "name"));
    const json_t *labels = json_object_get(meta, "labels");
    fprintf(w, "Roles:\t");
    size_t n;
    const char **keys = sorted_keys(labels, &n);
    size_t roles = 0;
    for (size_t i = 0; i < n; i++) {
        const char *prefix = "node-role.kubernetes.io/";
        if (strncmp(keys[i], prefix, strlen(prefix)) == 0 && keys[i][strlen(prefix)]) {
            fprintf(w, "%s%s", roles++ ? "," : "", keys[i] + strlen(prefix));
        }
    }
    free(keys);
    fputs(roles ? "\n" : "<none>\n", w);
    labels_multiline(w, "Labels", labels);
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    char when[64];
    rfc1123z(str(meta, "creationTimestamp"), when, sizeof when);
    fprintf(w, "CreationTimestamp:\t%s\n", when);
    fputs("Taints:\t", w);
    json_t *taints = json_object_get(spec, "taints");
    size_t i;
    json_t *x;
    json_array_foreach (taints, i, x) {
        fprintf(w, "%s%s%s%s:%s\n", i ? "\t" : "", str(x, "key"), *str(x, "value") ? "=" : "",
                str(x, "value"), str(x, "effect"));
    }
    if (json_array_size(taints) == 0) {
        fputs("<none>\n", w);
    }
    fprintf(w, "Unschedulable:\t%s\n",
            json_is_true(json_object_get(spec, "unschedulable")) ? "true" : "false");
    if (lease != NULL) {
        const json_t *ls = json_object_get(lease, "spec");
        char acquire[64], renew[64];
        rfc1123z(str(ls, "acquireTime"), acquire, sizeof acquire);
        rfc1123z(str(ls, "renewTime"), renew, sizeof renew);
        fprintf(w, "Lease:\n  HolderIdentity:\t%s\n  AcquireTime:\t%s\n  RenewTime:\t%s\n",
                *str(ls, "holderIdentity") ? str(ls, "holderIdentity") : "<unset>",
                *acquire ? acquire : "<unset>", *renew ? renew : "<unset>");
    } else {
        fprintf(w, "Lease:\tFailed to get lease: %s\n", lease_error);
    }
    json_t *conditions = json_object_get(status, "conditions");
    if (json_array_size(conditions) > 0) {
        fputs("Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\t"
              "Message\n  ----\t------\t-----------------\t------------------\t------\t-------\n",
              w);
        json_array_foreach (conditions, i, x) {
            char hb[64], tr[64];
            rfc1123z(str(x, "lastHeartbeatTime"), hb, sizeof hb);
            rfc1123z(str(x, "lastTransitionTime"), tr, sizeof tr);
            fprintf(w, "  %s \t%s \t%s \t%s \t%s \t%s\n", str(x, "type"), str(x, "status"), hb, tr,
                    str(x, "reason"), str(x, "message"));
        }
    }
    json_t *addresses = json_object_get(status, "addresses");
    fputs("Addresses:\n", w);
    json_array_foreach (addresses, i, x) {
        fprintf(w, "  %s:\t%s\n", str(x, "type"), str(x, "address"));
    }
    const char *lists[2] = {"capacity", "allocatable"};
    const char *titles[2] = {"Capacity", "Allocatable"};
    for (int l = 0; l < 2; l++) {
        json_t *res = json_object_get(status, lists[l]);
        if (json_object_size(res) == 0) {
            continue;
        }
        fprintf(w, "%s:\n", titles[l]);
        keys = sorted_keys(res, &n);
        for (size_t k = 0; k < n; k++) {
            fprintf(w, "  %s:\t%s\n", keys[k], str(res, keys[k]));
        }
        free(keys);
    }
    const json_t *info = json_object_get(status, "nodeInfo");
    static const char *const fields[][2] = {
        {"Machine ID", "machineID"},
        {"System UUID", "systemUUID"},
        {"Boot ID", "bootID"},
        {"Kernel Version", "kernelVersion"},
        {"OS Image", "osImage"},
        {"Operating System", "operatingSystem"},
        {"Architecture", "architecture"},
        {"Container Runtime Version", "containerRuntimeVersion"},
        {"Kubelet Version", "kubeletVersion"},
        {"Kube-Proxy Version", "kubeProxyVersion"},
    };
    fputs("System Info:\n", w);
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        fprintf(w, "  %s:\t%s\n", fields[f][0], str(info, fields[f][1]));
    }
    if (*str(spec, "podCIDR")) {
        fprintf(w, "PodCIDR:\t%s\n", str(spec, "podCIDR"));
        fputs("PodCIDRs:\t", w);
        json_array_foreach (json_object_get(spec, "podCIDRs"), i, x) {
            fprintf(w, "%s%s", i ? "," : "", json_string_value(x));
        }
        fputc('\n', w);
    }
    if (*str(spec, "providerID")) {
        fprintf(w, "ProviderID:\t%s\n", str(spec, "providerID"));
    }
    json_t *items = json_object_get(pods, "items");
    fprintf(w, "Non-terminated Pods:\t(%zu in total)\n", json_array_size(items));
    fputs("  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n"
          "  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
          w);
    json_array_foreach (items, i, x) {
        char age[K8STIME_STR_MAX];
        since(str(json_object_get(x, "metadata"), "creationTimestamp"), age);
        fprintf(w, "  %s\t%s\t\t0 (0%%)\t0 (0%%)\t0 (0%%)\t0 (0%%)\t%s\n",
                str(json_object_get(x, "metadata"), "namespace"),
                str(json_object_get(x, "metadata"), "name"), age);
    }
    fputs("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
          "  Resource\tRequests\tLimits\n  --------\t--------\t------\n"
          "  cpu\t0 (0%)\t0 (0%)\n  memory\t0 (0%)\t0 (0%)\n"
          "  ephemeral-storage\t0 (0%)\t0 (0%)\n",
          w);
    describe_events(w, events);
}

/* kubectl 1.32's ServiceAccount describer (token secrets are not looked up: "Tokens: <none>"). */
static void describe_service_account(FILE *w, const json_t *sa, const json_t *events)
{
    const json_t *meta = json_object_get(sa, "metadata");
    fprintf(w, "Name:\t%s\nNamespace:\t%s\n", str(meta, "name"), str(meta, "namespace"));
    labels_multiline(w, "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    const char *headers[3] = {"Image pull secrets:", "Mountable secrets: ", "Tokens:            "};
    const json_t *lists[3] = {json_object_get(sa, "imagePullSecrets"),
                              json_object_get(sa, "secrets"), NULL};
    for (int h = 0; h < 3; h++) {
        cleanup_free char *header = xstrdup(headers[h]);
        size_t len = strlen(header);
        while (len > 0 && header[len - 1] == ' ') {
            header[--len] = '\0';
        }
        if (json_array_size(lists[h]) == 0) {
            fprintf(w, "%s\t<none>\n", header);
        }
        size_t i;
        json_t *x;
        json_array_foreach (lists[h], i, x) {
            fprintf(w, "%s\t%s\n", i ? "                   " : header, str(x, "name"));
        }
    }
    describe_events(w, events);
}

/* Describes one object (with its events unless show_events is false). Returns 0 with *text
 * (owned), or 1 after printing an error. */
static int describe_one(struct ctl *c, const struct mapper_resource *r, const json_t *obj,
                        bool show_events, char **text)
{
    const char *kinds[] = {"Pod",       "Deployment", "Service",       "Namespace",
                           "ConfigMap", "Node",       "ServiceAccount"};
    const char *kind = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        kind = strcmp(r->kind, kinds[i]) == 0 ? kinds[i] : kind;
    }
    if (kind == NULL) {
        return ctl_error(c, "describe of %s is not implemented by %s yet", r->resource, c->prog);
    }
    cleanup_json json_t *events = NULL, *pods = NULL, *lease = NULL;
    cleanup_free char *lease_error = NULL;
    bool is_pod = strcmp(kind, "Pod") == 0, is_ns = strcmp(kind, "Namespace") == 0;
    if (!is_ns && show_events && search_events(c, obj, is_pod ? NULL : kind, &events) != 0) {
        return 1;
    }
    if (strcmp(kind, "Node") == 0) {
        char *q = xstrdup("");
        cleanup_free char *sel =
            xasprintf("spec.nodeName=%s,status.phase!=Failed,status.phase!=Succeeded",
                      str(json_object_get(obj, "metadata"), "name"));
        ctl_query_add(&q, "fieldSelector", sel);
        ctl_query_add(&q, "limit", "500");
        cleanup_free char *path = xasprintf("/api/v1/pods?%s", q + 1);
        free(q);
        if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &pods) != 0) {
            return 1;
        }
        cleanup_free char *lease_path =
            xasprintf("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s",
                      str(json_object_get(obj, "metadata"), "name"));
        struct http_response resp = {0};
        struct err e = {0};
        if (ctl_request(c, "GET", lease_path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
            return ctl_transport_error(c, &e);
        }
        cleanup_json json_t *answer = json_loads(resp.body ? resp.body : "", 0, NULL);
        if (resp.status == 200) {
            lease = json_incref(answer);
        } else {
            lease_error = xstrdup(str(answer, "message"));
        }
        http_response_free(&resp);
    }
    char *raw = NULL;
    size_t size = 0;
    FILE *w = open_memstream(&raw, &size);
    if (is_pod) {
        describe_pod(w, obj, events);
    } else if (strcmp(kind, "Deployment") == 0) {
        describe_deployment(w, obj, events);
    } else if (strcmp(kind, "Service") == 0) {
        describe_service(w, obj, events);
    } else if (is_ns) {
        describe_namespace(w, obj);
    } else if (strcmp(kind, "ConfigMap") == 0) {
        describe_configmap(w, obj, events);
    } else if (strcmp(kind, "ServiceAccount") == 0) {
        describe_service_account(w, obj, events);
    } else {
        describe_node(w, obj, pods, lease, lease_error, events);
    }
    fclose(w);
    *text = tabbed(raw);
    free(raw);
    return 0;
}

/* The objects of a type in the namespace (or all), with a label selector. New list or NULL
 * after printing the error. */
static json_t *list_objects(struct ctl *c, const struct mapper_resource *r, const char *selector,
                            bool all_namespaces)
{
    cleanup_free char *base = mapper_collection_path(r, all_namespaces ? NULL : c->ns);
    char *q = xstrdup("");
    ctl_query_add(&q, "labelSelector", selector);
    ctl_query_add(&q, "limit", "500");
    cleanup_free char *path = xasprintf("%s?%s", base, q + 1);
    free(q);
    cleanup_json json_t *list = NULL;
    if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &list) != 0) {
        return NULL;
    }
    return json_incref(json_object_get(list, "items"));
}

/* Appends {"object": obj, "resource": index of r in the mapper} to objs. */
static void add_object(struct ctl *c, json_t *objs, const struct mapper_resource *r, json_t *obj)
{
    json_array_append_new(
        objs, json_pack("{s:O, s:I}", "object", obj, "resource", (json_int_t)(r - c->mapper.v)));
}

/* Prints the descriptions of objs: joined by a blank line, or each followed by a newline when
 * they are the prefix matches of a missing name (kubectl's DescribeMatchingResources). */
static int print_all(struct ctl *c, const json_t *objs, bool show_events, bool prefix_matches)
{
    int status = 0;
    size_t i, printed = 0;
    json_t *entry;
    json_array_foreach (objs, i, entry) {
        cleanup_free char *text = NULL;
        const struct mapper_resource *r =
            &c->mapper.v[json_integer_value(json_object_get(entry, "resource"))];
        if (describe_one(c, r, json_object_get(entry, "object"), show_events, &text) != 0) {
            status = 1;
            continue;
        }
        if (prefix_matches) {
            fprintf(c->out, "%s\n", text);
        } else {
            fprintf(c->out, "%s%s", printed++ ? "\n\n" : "", text);
        }
    }
    return status;
}

int cmd_describe(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0};
    const char *selector = NULL;
    bool all_namespaces = false, show_events = true;
    struct cli_flag flags[] = {
        {"selector", 'l', CLI_STRING, &selector, false},
        {"all-namespaces", 'A', CLI_BOOL, &all_namespaces, false},
        {"show-events", 0, CLI_BOOL, &show_events, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct target *targets = NULL;
    size_t ntargets = 0;
    const struct mapper_resource *type_only = NULL;
    cleanup_json json_t *objs = json_array();
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (args.n == 0) {
        status = ctl_error(c,
                           "You must specify the type of resource to describe. Use \"%s "
                           "api-resources\" for a complete list of supported resources.",
                           c->prog);
        goto out;
    }
    if (ctl_connect(c) != 0 || ctl_discover(c) != 0) {
        status = 1;
        goto out;
    }
    if (args.n == 1 && strchr(args.v[0], ',') != NULL && strchr(args.v[0], '/') == NULL) {
        /* "deploy,cm": every object of each type */
        cleanup_free char *copy = xstrdup(args.v[0]);
        char *save = NULL;
        bool none = true;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            struct err e = {0};
            const struct mapper_resource *r = mapper_resolve(&c->mapper, t, &e);
            cleanup_json json_t *items = r ? list_objects(c, r, selector, all_namespaces) : NULL;
            if (r == NULL) {
                status = ctl_error(c, "%s", e.msg);
                goto out;
            }
            if (items == NULL) {
                status = 1;
                goto out;
            }
            size_t i;
            json_t *item;
            json_array_foreach (items, i, item) {
                add_object(c, objs, r, item);
                none = false;
            }
        }
        if (none) {
            if (all_namespaces) {
                fputs("No resources found\n", c->errout);
            } else {
                fprintf(c->errout, "No resources found in %s namespace.\n", c->ns);
            }
        }
        status = print_all(c, objs, show_events, false);
        goto out;
    }
    if (objects_targets(c, args.v, args.n, true, &targets, &ntargets, &type_only) != 0) {
        status = 1;
        goto out;
    }
    if (type_only) {
        cleanup_json json_t *items = list_objects(c, type_only, selector, all_namespaces);
        if (items == NULL) {
            status = 1;
        } else if (json_array_size(items) == 0) {
            if (all_namespaces) {
                fputs("No resources found\n", c->errout);
            } else {
                fprintf(c->errout, "No resources found in %s namespace.\n", c->ns);
            }
        }
        size_t i;
        json_t *item;
        json_array_foreach (items, i, item) {
            add_object(c, objs, type_only, item);
        }
    }
    for (size_t t = 0; t < ntargets; t++) {
        cleanup_free char *path = ctl_object_path(c, targets[t].r, targets[t].name);
        struct http_response resp = {0};
        struct err e = {0};
        if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
            status = ctl_transport_error(c, &e);
            break;
        }
        if (resp.status == 200) {
            cleanup_json json_t *obj = json_loads(resp.body ? resp.body : "", 0, NULL);
            add_object(c, objs, targets[t].r, obj);
        } else if (resp.status == 404 && args.n == 2 && ntargets == 1) {
            /* "TYPE PREFIX": the objects whose names start with it */
            cleanup_json json_t *items = list_objects(c, targets[t].r, NULL, false);
            size_t i;
            json_t *item;
            json_array_foreach (items, i, item) {
                const char *n = str(json_object_get(item, "metadata"), "name");
                if (strncmp(n, targets[t].name, strlen(targets[t].name)) == 0) {
                    add_object(c, objs, targets[t].r, item);
                }
            }
            if (json_array_size(objs) == 0) {
                status = ctl_api_error(c, &resp);
            } else {
                status = print_all(c, objs, show_events, true);
                json_array_clear(objs);
            }
        } else {
            status = ctl_api_error(c, &resp);
        }
        http_response_free(&resp);
    }
    if (status == 0) {
        status = print_all(c, objs, show_events, false);
    }
    fflush(c->out);
out:
    objects_targets_free(targets, ntargets);
    cli_strv_free(&args);
    return status;
}
