/* Server-side Tables: the columns and cells kube-apiserver 1.32 prints for each built-in type
 * (pkg/printers/internalversion behaviour, generated with Wide on as the server does, so kubectl
 * picks the priority-1 columns for -o wide), the default Name/Created At table for the others,
 * and the row objects the handler attaches (PartialObjectMetadata, the object, or none). */
#include "table.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "jpath.h"
#include "k8stime.h"
#include "quantity.h"
#include "selector.h"
#include "strbuf.h"
#include "xalloc.h"

/* ---- Accept and includeObject ---- */

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* Whether the parameter list [p, end) holds name=value (Go's mime parser lowercases names). */
static bool has_param(const char *p, const char *end, const char *name, const char *value)
{
    size_t nlen = strlen(name), vlen = strlen(value);
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *stop = semi != NULL ? semi : end;
        const char *q = skip_space(p);
        const char *eq = memchr(q, '=', (size_t)(stop - q));
        if (eq != NULL) {
            const char *ne = eq;
            while (ne > q && (ne[-1] == ' ' || ne[-1] == '\t')) {
                ne--;
            }
            const char *v = skip_space(eq + 1);
            const char *ve = stop;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) {
                ve--;
            }
            if ((size_t)(ne - q) == nlen && strncasecmp(q, name, nlen) == 0 &&
                (size_t)(ve - v) == vlen && strncmp(v, value, vlen) == 0) {
                return true;
            }
        }
        p = stop + (semi != NULL ? 1 : 0);
    }
    return false;
}

static bool media_type_is(const char *p, const char *end, const char *type)
{
    size_t n = strlen(type);
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    return (size_t)(end - p) == n && strncasecmp(p, type, n) == 0;
}

bool table_wanted(const char *accept)
{
    if (accept == NULL) {
        return false;
    }
    /* Like the server's content negotiation: the first media range it can serve decides. */
    const char *p = accept;
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        const char *end = comma != NULL ? comma : p + strlen(p);
        const char *start = skip_space(p);
        const char *semi = memchr(start, ';', (size_t)(end - start));
        const char *type_end = semi != NULL ? semi : end;
        bool json = media_type_is(start, type_end, "application/json");
        bool any = media_type_is(start, type_end, "*/*") ||
                   media_type_is(start, type_end, "application/*") ||
                   media_type_is(start, type_end, "application/vnd.kubernetes.protobuf") ||
                   media_type_is(start, type_end, "application/yaml");
        if (json && semi != NULL && has_param(semi + 1, end, "as", "Table")) {
            if (has_param(semi + 1, end, "g", "meta.k8s.io") &&
                (has_param(semi + 1, end, "v", "v1") || has_param(semi + 1, end, "v", "v1beta1"))) {
                return true;
            }
        } else if ((json || any) && (semi == NULL || !has_param(semi + 1, end, "as", "Table"))) {
            /* A plain representation the server serves. Other "as=" transformations
             * (PartialObjectMetadata) are not served here and are skipped. */
            bool other_as =
                semi != NULL && (has_param(semi + 1, end, "as", "PartialObjectMetadata") ||
                                 has_param(semi + 1, end, "as", "PartialObjectMetadataList"));
            if (!other_as) {
                return false;
            }
        }
        p = comma != NULL ? comma + 1 : end;
    }
    return false;
}

enum table_include table_parse_include(const char *include_object)
{
    if (include_object != NULL && strcmp(include_object, "None") == 0) {
        return TABLE_INCLUDE_NONE;
    }
    if (include_object != NULL && strcmp(include_object, "Object") == 0) {
        return TABLE_INCLUDE_OBJECT;
    }
    return TABLE_INCLUDE_METADATA;
}

/* ---- Small text helpers ---- */

/* Adds s after a separator unless b is empty. */
static void sb_join(struct strbuf *b, const char *sep, const char *s)
{
    if (b->len > 0) {
        strbuf_add(b, sep);
    }
    strbuf_add(b, s);
}

/* The string at path, or "" (missing or not a string). */
static const char *str_at(const json_t *o, const char *path)
{
    const char *s = o != NULL ? jpath_get_string(o, path) : NULL;
    return s != NULL ? s : "";
}

/* The value of a JSON string, or "". */
static const char *strv(const json_t *v)
{
    const char *s = json_string_value(v);
    return s != NULL ? s : "";
}

static int64_t int_at(const json_t *o, const char *path, int64_t def)
{
    return jpath_get_int(o, path, def, NULL);
}

static bool present(const json_t *o, const char *path)
{
    const json_t *v = jpath_get(o, path);
    return v != NULL && !json_is_null(v);
}

static void cell_str(json_t *row, const char *s)
{
    json_array_append_new(json_object_get(row, "cells"), json_string(s));
}

static void cell_int(json_t *row, int64_t n)
{
    json_array_append_new(json_object_get(row, "cells"), json_integer(n));
}

static void cell_sb(json_t *row, struct strbuf *b)
{
    cell_str(row, strbuf_str(b));
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* A timestamp (metav1.Time or MicroTime text) as nanoseconds since the epoch; false when it is
 * missing or unparsable (Go's zero time). */
static bool parse_time(const char *s, int64_t *ns)
{
    struct timespec ts;
    if (s == NULL || s[0] == '\0' || k8stime_parse(s, &ts, NULL) < 0) {
        return false;
    }
    *ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    return true;
}

/* translateTimestampSince: HumanDuration of now - t, "<unknown>" for the zero time. */
static char *since(const char *ts, time_t now, char buf[K8STIME_STR_MAX])
{
    int64_t t;
    if (!parse_time(ts, &t)) {
        snprintf(buf, K8STIME_STR_MAX, "<unknown>");
        return buf;
    }
    return k8stime_human_duration((int64_t)now * 1000000000 - t, buf);
}

static void cell_age(json_t *row, const json_t *o, time_t now)
{
    char buf[K8STIME_STR_MAX];
    cell_str(row, since(str_at(o, "metadata.creationTimestamp"), now, buf));
}

/* A quantity as Quantity.String() prints it; text that does not parse is kept. */
static void add_quantity(struct strbuf *b, const json_t *v)
{
    const char *s = json_string_value(v);
    if (s == NULL) {
        strbuf_add(b, v == NULL ? "0" : "<nil>");
        return;
    }
    struct quantity q;
    char buf[QUANTITY_STR_MAX];
    if (quantity_parse(s, &q, NULL) < 0) {
        strbuf_add(b, s);
        return;
    }
    strbuf_add(b, quantity_format(&q, buf));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of a JSON object sorted bytewise (Go's sort.Strings); free the array only. */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
    *n = json_object_size(obj);
    const char **keys = xcalloc(*n + 1, sizeof *keys);
    size_t i = 0;
    const char *k;
    const json_t *v;
    json_object_foreach ((json_t *)obj, k, v) {
        keys[i++] = k;
    }
    qsort(keys, *n, sizeof *keys, cmp_str);
    return keys;
}

/* labels.FormatLabels: "a=1,b=2" in key order, "<none>" when empty. */
static void cell_labels(json_t *row, const json_t *labels)
{
    struct strbuf b = {0};
    size_t n;
    cleanup_free const char **keys = sorted_keys(labels, &n);
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *kv = xasprintf("%s=%s", keys[i], strv(json_object_get(labels, keys[i])));
        sb_join(&b, ",", kv);
    }
    if (b.len == 0) {
        strbuf_add(&b, "<none>");
    }
    cell_sb(row, &b);
}

/* The selector string of a metav1.LabelSelector; none_text for an empty one (FormatLabelSelector
 * says "<none>", a Deployment's selector.String() says ""). */
static void cell_selector(json_t *row, const json_t *ls, const char *none_text)
{
    struct label_selector *sel = label_selector_from_json(ls, NULL);
    if (sel == NULL) {
        cell_str(row, "<error>");
        return;
    }
    cleanup_free char *s = label_selector_string(sel);
    label_selector_free(sel);
    cell_str(row, s[0] != '\0' ? s : none_text);
}

/* layoutContainerCells: container names and images, comma-joined. */
static void cell_containers(json_t *row, const json_t *pod_spec)
{
    struct strbuf names = {0}, images = {0};
    const json_t *containers = json_object_get(pod_spec, "containers");
    size_t i;
    const json_t *c;
    json_array_foreach (containers, i, c) {
        if (i > 0) {
            strbuf_add(&names, ",");
            strbuf_add(&images, ",");
        }
        strbuf_add(&names, str_at(c, "name"));
        strbuf_add(&images, str_at(c, "image"));
    }
    cell_sb(row, &names);
    cell_sb(row, &images);
}

static bool has_true_condition(const json_t *conditions, const char *type)
{
    size_t i;
    const json_t *c;
    json_array_foreach (conditions, i, c) {
        if (strcmp(str_at(c, "type"), type) == 0) {
            return strcmp(str_at(c, "status"), "True") == 0;
        }
    }
    return false;
}

/* "%s + %d more..." when more items than max were met; empty_text when there are none. */
static void finish_list(json_t *row, struct strbuf *b, bool more, size_t count, size_t max,
                        const char *empty_text)
{
    if (more) {
        char text[48];
        snprintf(text, sizeof text, " + %zu more...", count - max);
        strbuf_add(b, text);
    } else if (b->len == 0) {
        strbuf_add(b, empty_text);
    }
    cell_sb(row, b);
}

/* ---- Column definitions ---- */

struct column {
    const char *name;
    const char *type;
    const char *description;
    int priority;
};

#define NAME_COL                                                                              \
    {                                                                                         \
        "Name", "string",                                                                     \
            "Name must be unique within a namespace (metadata.name); Kubernetes' ObjectMeta " \
            "documentation describes it.",                                                    \
            0                                                                                 \
    }
#define AGE_COL                                                                                  \
    {                                                                                            \
        "Age", "string",                                                                         \
            "How long ago the object was created (metadata.creationTimestamp, an RFC 3339 time " \
            "in UTC set by the server).",                                                        \
            0                                                                                    \
    }
#define CONTAINERS_COLS                                                               \
    {"Containers", "string", "Names of each container in the template.", 1},          \
    {                                                                                 \
        "Images", "string", "Images referenced by each container in the template.", 1 \
    }

typedef void (*print_fn)(const json_t *o, json_t *row, time_t now);

struct printer {
    const char *group;
    const char *plural;
    const struct column *columns;
    size_t ncolumns;
    print_fn print;
};

/* ---- Pods ---- */

static const struct column pod_columns[] = {
    NAME_COL,
    {"Ready", "string", "How many of the pod's containers are ready to accept traffic.", 0},
    {"Status", "string", "The pod's status summed up from its phase and its containers.", 0},
    {"Restarts", "string",
     "How often the pod's containers restarted, and how long ago the last one did.", 0},
    AGE_COL,
    {"IP", "string", "The pod's IP address (status.podIPs[0]).", 1},
    {"Node", "string", "The node the pod is bound to (spec.nodeName).", 1},
    {"Nominated Node", "string", "The node preemption nominated (status.nominatedNodeName).", 1},
    {"Readiness Gates", "string", "How many of the pod's readiness gates are true.", 1},
};

static bool is_restartable_init(const json_t *pod, const char *name)
{
    size_t i;
    const json_t *c;
    json_array_foreach (jpath_get(pod, "spec.initContainers"), i, c) {
        if (strcmp(str_at(c, "name"), name) == 0) {
            return strcmp(str_at(c, "restartPolicy"), "Always") == 0;
        }
    }
    return false;
}

/* Keeps in *latest the latest lastState.terminated.finishedAt seen. */
static void note_restart(const json_t *cs, int64_t *latest)
{
    int64_t t;
    if (present(cs, "lastState.terminated") &&
        parse_time(str_at(cs, "lastState.terminated.finishedAt"), &t) && t > *latest) {
        *latest = t;
    }
}

/* The reason of a terminated state without one: Signal:N or ExitCode:N. */
static void terminated_reason(const json_t *term, const char *prefix, char *out, size_t size)
{
    int64_t signal = int_at(term, "signal", 0);
    if (signal != 0) {
        snprintf(out, size, "%sSignal:%lld", prefix, (long long)signal);
    } else {
        snprintf(out, size, "%sExitCode:%lld", prefix, (long long)int_at(term, "exitCode", 0));
    }
}

static void print_pod(const json_t *pod, json_t *row, time_t now)
{
    char reason[512];
    const json_t *status = json_object_get(pod, "status");
    const char *phase = str_at(status, "phase");
    int64_t restarts = 0, sidecar_restarts = 0, ready = 0;
    int64_t total = (int64_t)json_array_size(jpath_get(pod, "spec.containers"));
    int64_t last_restart = INT64_MIN, last_sidecar_restart = INT64_MIN;

    snprintf(reason, sizeof reason, "%s",
             str_at(status, "reason")[0] != '\0' ? str_at(status, "reason") : phase);
    size_t i;
    const json_t *c;
    json_array_foreach (json_object_get(status, "conditions"), i, c) {
        if (strcmp(str_at(c, "type"), "PodScheduled") == 0 &&
            strcmp(str_at(c, "reason"), "SchedulingGated") == 0) {
            snprintf(reason, sizeof reason, "SchedulingGated");
        }
    }
    if (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0) {
        bool ok = phase[0] == 'S';
        json_object_set_new(
            row, "conditions",
            json_pack("[{s:s,s:s,s:s,s:s}]", "type", "Completed", "status", "True", "reason", phase,
                      "message", ok ? "The pod has completed successfully." : "The pod failed."));
    }
    json_array_foreach (jpath_get(pod, "spec.initContainers"), i, c) {
        if (strcmp(str_at(c, "restartPolicy"), "Always") == 0) {
            total++; /* sidecars count as containers */
        }
    }

    bool initializing = false;
    const json_t *init_statuses = json_object_get(status, "initContainerStatuses");
    size_t ninit = json_array_size(jpath_get(pod, "spec.initContainers"));
    json_array_foreach (init_statuses, i, c) {
        restarts += int_at(c, "restartCount", 0);
        note_restart(c, &last_restart);
        bool sidecar = is_restartable_init(pod, str_at(c, "name"));
        if (sidecar) {
            sidecar_restarts += int_at(c, "restartCount", 0);
            note_restart(c, &last_sidecar_restart);
        }
        const json_t *term = jpath_get(c, "state.terminated");
        const json_t *waiting = jpath_get(c, "state.waiting");
        if (term != NULL && !json_is_null(term) && int_at(term, "exitCode", 0) == 0) {
            continue;
        }
        if (sidecar && jpath_get_bool(c, "started", false)) {
            if (jpath_get_bool(c, "ready", false)) {
                ready++;
            }
            continue;
        }
        if (term != NULL && !json_is_null(term)) {
            if (str_at(term, "reason")[0] == '\0') {
                terminated_reason(term, "Init:", reason, sizeof reason);
            } else {
                snprintf(reason, sizeof reason, "Init:%s", str_at(term, "reason"));
            }
        } else if (waiting != NULL && str_at(waiting, "reason")[0] != '\0' &&
                   strcmp(str_at(waiting, "reason"), "PodInitializing") != 0) {
            snprintf(reason, sizeof reason, "Init:%s", str_at(waiting, "reason"));
        } else {
            snprintf(reason, sizeof reason, "Init:%zu/%zu", i, ninit);
        }
        initializing = true;
        break;
    }

    if (!initializing || has_true_condition(json_object_get(status, "conditions"), "Initialized")) {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        bool has_running = false;
        const json_t *statuses = json_object_get(status, "containerStatuses");
        for (size_t k = json_array_size(statuses); k-- > 0;) {
            const json_t *cs = json_array_get(statuses, k);
            restarts += int_at(cs, "restartCount", 0);
            note_restart(cs, &last_restart);
            const json_t *waiting = jpath_get(cs, "state.waiting");
            const json_t *term = jpath_get(cs, "state.terminated");
            bool is_term = term != NULL && !json_is_null(term);
            if (waiting != NULL && str_at(waiting, "reason")[0] != '\0') {
                snprintf(reason, sizeof reason, "%s", str_at(waiting, "reason"));
            } else if (is_term && str_at(term, "reason")[0] != '\0') {
                snprintf(reason, sizeof reason, "%s", str_at(term, "reason"));
            } else if (is_term) {
                terminated_reason(term, "", reason, sizeof reason);
            } else if (jpath_get_bool(cs, "ready", false) && present(cs, "state.running")) {
                has_running = true;
                ready++;
            }
        }
        /* A pod whose restarted container still runs reads Running, not Completed. */
        if (strcmp(reason, "Completed") == 0 && has_running) {
            snprintf(reason, sizeof reason, "%s",
                     has_true_condition(json_object_get(status, "conditions"), "Ready")
                         ? "Running"
                         : "NotReady");
        }
    }

    if (present(pod, "metadata.deletionTimestamp")) {
        if (strcmp(str_at(status, "reason"), "NodeLost") == 0) {
            snprintf(reason, sizeof reason, "Unknown");
        } else if (strcmp(phase, "Succeeded") != 0 && strcmp(phase, "Failed") != 0) {
            snprintf(reason, sizeof reason, "Terminating");
        }
    }

    char buf[128], age[K8STIME_STR_MAX];
    cell_str(row, str_at(pod, "metadata.name"));
    snprintf(buf, sizeof buf, "%lld/%lld", (long long)ready, (long long)total);
    cell_str(row, buf);
    cell_str(row, reason);
    if (restarts != 0 && last_restart != INT64_MIN) {
        snprintf(buf, sizeof buf, "%lld (%s ago)", (long long)restarts,
                 k8stime_human_duration((int64_t)now * 1000000000 - last_restart, age));
    } else {
        snprintf(buf, sizeof buf, "%lld", (long long)restarts);
    }
    cell_str(row, buf);
    cell_age(row, pod, now);

    const char *ip = str_at(json_array_get(json_object_get(status, "podIPs"), 0), "ip");
    if (ip[0] == '\0') {
        ip = str_at(status, "podIP");
    }
    cell_str(row, ip[0] != '\0' ? ip : "<none>");
    const char *node = str_at(pod, "spec.nodeName");
    cell_str(row, node[0] != '\0' ? node : "<none>");
    const char *nominated = str_at(status, "nominatedNodeName");
    cell_str(row, nominated[0] != '\0' ? nominated : "<none>");
    const json_t *gates = jpath_get(pod, "spec.readinessGates");
    if (json_array_size(gates) == 0) {
        cell_str(row, "<none>");
        return;
    }
    size_t true_count = 0;
    const json_t *g;
    json_array_foreach (gates, i, g) {
        size_t j;
        json_array_foreach (json_object_get(status, "conditions"), j, c) {
            if (strcmp(str_at(c, "type"), str_at(g, "conditionType")) == 0) {
                true_count += strcmp(str_at(c, "status"), "True") == 0;
                break;
            }
        }
    }
    snprintf(buf, sizeof buf, "%zu/%zu", true_count, json_array_size(gates));
    cell_str(row, buf);
}

/* ---- Workloads ---- */

static const struct column deployment_columns[] = {
    NAME_COL,
    {"Ready", "string", "Number of the pod with ready state", 0},
    {"Up-to-date", "string", "Replicas running the newest pod template (status.updatedReplicas).",
     0},
    {"Available", "string", "Replicas available to serve (status.availableReplicas).", 0},
    AGE_COL,
    CONTAINERS_COLS,
    {"Selector", "string", "The label selector of the deployment's pods (spec.selector).", 1},
};

static void print_deployment(const json_t *o, json_t *row, time_t now)
{
    char buf[64];
    cell_str(row, str_at(o, "metadata.name"));
    snprintf(buf, sizeof buf, "%lld/%lld", (long long)int_at(o, "status.readyReplicas", 0),
             (long long)int_at(o, "spec.replicas", 1));
    cell_str(row, buf);
    cell_int(row, int_at(o, "status.updatedReplicas", 0));
    cell_int(row, int_at(o, "status.availableReplicas", 0));
    cell_age(row, o, now);
    cell_containers(row, jpath_get(o, "spec.template.spec"));
    cell_selector(row, jpath_get(o, "spec.selector"), "");
}

static const struct column replicaset_columns[] = {
    NAME_COL,
    {"Desired", "integer", "The number of pods wanted (spec.replicas).", 0},
    {"Current", "integer", "The number of pods that exist (status.replicas).", 0},
    {"Ready", "integer", "The number of ready pods (status.readyReplicas).", 0},
    AGE_COL,
    CONTAINERS_COLS,
    {"Selector", "string", "The label selector of the replica set's pods (spec.selector).", 1},
};

/* The cells replica sets and replication controllers share, all but the selector. */
static void replica_cells(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_int(row, int_at(o, "spec.replicas", 1));
    cell_int(row, int_at(o, "status.replicas", 0));
    cell_int(row, int_at(o, "status.readyReplicas", 0));
    cell_age(row, o, now);
    cell_containers(row, jpath_get(o, "spec.template.spec"));
}

static void print_replicaset(const json_t *o, json_t *row, time_t now)
{
    replica_cells(o, row, now);
    cell_selector(row, jpath_get(o, "spec.selector"), "<none>");
}

static const struct column statefulset_columns[] = {
    NAME_COL,
    {"Ready", "string", "Number of the pod with ready state", 0},
    AGE_COL,
    CONTAINERS_COLS,
};

static void print_statefulset(const json_t *o, json_t *row, time_t now)
{
    char buf[64];
    cell_str(row, str_at(o, "metadata.name"));
    snprintf(buf, sizeof buf, "%lld/%lld", (long long)int_at(o, "status.readyReplicas", 0),
             (long long)int_at(o, "spec.replicas", 1));
    cell_str(row, buf);
    cell_age(row, o, now);
    cell_containers(row, jpath_get(o, "spec.template.spec"));
}

static const struct column daemonset_columns[] = {
    NAME_COL,
    {"Desired", "integer", "Nodes that should run the daemon pod.", 0},
    {"Current", "integer", "Nodes that run at least one daemon pod.", 0},
    {"Ready", "integer", "Nodes whose daemon pod is ready.", 0},
    {"Up-to-date", "integer", "Nodes that run the newest daemon pod.", 0},
    {"Available", "integer", "Nodes whose daemon pod is available.", 0},
    {"Node Selector", "string", "The node selector of the pod template.", 0},
    AGE_COL,
    CONTAINERS_COLS,
    {"Selector", "string", "The label selector of the daemon set's pods (spec.selector).", 1},
};

static void print_daemonset(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_int(row, int_at(o, "status.desiredNumberScheduled", 0));
    cell_int(row, int_at(o, "status.currentNumberScheduled", 0));
    cell_int(row, int_at(o, "status.numberReady", 0));
    cell_int(row, int_at(o, "status.updatedNumberScheduled", 0));
    cell_int(row, int_at(o, "status.numberAvailable", 0));
    cell_labels(row, jpath_get(o, "spec.template.spec.nodeSelector"));
    cell_age(row, o, now);
    cell_containers(row, jpath_get(o, "spec.template.spec"));
    cell_selector(row, jpath_get(o, "spec.selector"), "<none>");
}

static const struct column job_columns[] = {
    NAME_COL,
    {"Status", "string", "Status of the job.", 0},
    {"Completions", "string", "Succeeded pods out of the completions wanted.", 0},
    {"Duration", "string", "Time required to complete the job.", 0},
    AGE_COL,
    CONTAINERS_COLS,
    {"Selector", "string", "The label selector of the job's pods (spec.selector).", 1},
};

static void print_job(const json_t *o, json_t *row, time_t now)
{
    char buf[96], dur[K8STIME_STR_MAX] = "";
    int64_t succeeded = int_at(o, "status.succeeded", 0);
    if (present(o, "spec.completions")) {
        snprintf(buf, sizeof buf, "%lld/%lld", (long long)succeeded,
                 (long long)int_at(o, "spec.completions", 0));
    } else if (int_at(o, "spec.parallelism", 0) > 1) {
        snprintf(buf, sizeof buf, "%lld/1 of %lld", (long long)succeeded,
                 (long long)int_at(o, "spec.parallelism", 0));
    } else {
        snprintf(buf, sizeof buf, "%lld/1", (long long)succeeded);
    }
    int64_t start, end;
    if (parse_time(str_at(o, "status.startTime"), &start)) {
        if (!parse_time(str_at(o, "status.completionTime"), &end)) {
            end = (int64_t)now * 1000000000;
        }
        k8stime_human_duration(end - start, dur);
    }
    const json_t *conds = jpath_get(o, "status.conditions");
    const char *status = "Running";
    if (has_true_condition(conds, "Complete")) {
        status = "Complete";
    } else if (has_true_condition(conds, "Failed")) {
        status = "Failed";
    } else if (present(o, "metadata.deletionTimestamp")) {
        status = "Terminating";
    } else if (has_true_condition(conds, "Suspended")) {
        status = "Suspended";
    } else if (has_true_condition(conds, "FailureTarget")) {
        status = "FailureTarget";
    }
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, status);
    cell_str(row, buf);
    cell_str(row, dur);
    cell_age(row, o, now);
    cell_containers(row, jpath_get(o, "spec.template.spec"));
    cell_selector(row, jpath_get(o, "spec.selector"), "<none>");
}

static const struct column cronjob_columns[] = {
    NAME_COL,
    {"Schedule", "string", "The schedule in Cron format (spec.schedule).", 0},
    {"Timezone", "string", "The time zone of the schedule (spec.timeZone).", 0},
    {"Suspend", "boolean", "Whether later runs are suspended (spec.suspend).", 0},
    {"Active", "integer", "The number of running jobs.", 0},
    {"Last Schedule", "string", "When a job was last scheduled.", 0},
    AGE_COL,
    CONTAINERS_COLS,
    {"Selector", "string", "The label selector of the jobs' pods.", 1},
};

static void print_cronjob(const json_t *o, json_t *row, time_t now)
{
    char last[K8STIME_STR_MAX] = "<none>";
    if (present(o, "status.lastScheduleTime")) {
        since(str_at(o, "status.lastScheduleTime"), now, last);
    }
    const json_t *suspend = jpath_get(o, "spec.suspend");
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, str_at(o, "spec.schedule"));
    cell_str(row, present(o, "spec.timeZone") ? str_at(o, "spec.timeZone") : "<none>");
    cell_str(row,
             json_is_boolean(suspend) ? (json_is_true(suspend) ? "True" : "False") : "<unset>");
    cell_int(row, (int64_t)json_array_size(jpath_get(o, "status.active")));
    cell_str(row, last);
    cell_age(row, o, now);
    cell_containers(row, jpath_get(o, "spec.jobTemplate.spec.template.spec"));
    cell_selector(row, jpath_get(o, "spec.jobTemplate.spec.selector"), "<none>");
}

static const struct column controllerrevision_columns[] = {
    NAME_COL,
    {"Controller", "string", "Controller of the object", 0},
    {"Revision", "string", "The revision this object holds (revision).", 0},
    AGE_COL,
};

static void print_controllerrevision(const json_t *o, json_t *row, time_t now)
{
    cleanup_free char *controller = xstrdup("<none>");
    size_t i;
    const json_t *ref;
    json_array_foreach (jpath_get(o, "metadata.ownerReferences"), i, ref) {
        if (!jpath_get_bool(ref, "controller", false)) {
            continue;
        }
        /* kind.group/name in lower case, as GroupKind.String() then ToLower. */
        const char *api_version = str_at(ref, "apiVersion");
        const char *slash = strchr(api_version, '/');
        free(controller);
        if (slash != NULL) {
            controller = xasprintf("%s.%.*s/%s", str_at(ref, "kind"), (int)(slash - api_version),
                                   api_version, str_at(ref, "name"));
        } else {
            controller = xasprintf("%s/%s", str_at(ref, "kind"), str_at(ref, "name"));
        }
        /* Only the kind and group are lower-cased; the name keeps its case. */
        for (char *p = controller; *p != '\0' && *p != '/'; p++) {
            *p = (char)tolower((unsigned char)*p);
        }
        break;
    }
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, controller);
    cell_int(row, int_at(o, "revision", 0));
    cell_age(row, o, now);
}

static const struct column hpa_columns[] = {
    NAME_COL,
    {"Reference", "string", "The scaled object (spec.scaleTargetRef).", 0},
    {"Targets", "string", "Current and target values of the metrics.", 0},
    {"MinPods", "string", "The lower replica limit (spec.minReplicas).", 0},
    {"MaxPods", "string", "The upper replica limit (spec.maxReplicas).", 0},
    {"Replicas", "string", "The current number of replicas (status.currentReplicas).", 0},
    AGE_COL,
};

/* One metric of formatHPAMetrics: "cpu: 40%/80%", "1k/2k (avg)", ... */
static void add_hpa_metric(struct strbuf *b, const json_t *spec, const json_t *status)
{
    const char *type = str_at(spec, "type");
    struct strbuf cur = {0}, tgt = {0};
    char pct[32];
    if (strcmp(type, "External") == 0 || strcmp(type, "Object") == 0) {
        const char *key = type[0] == 'E' ? "external" : "object";
        const json_t *target = jpath_get(json_object_get(spec, key), "target");
        const json_t *current = jpath_get(json_object_get(status, key), "current");
        bool have_status = json_object_get(status, key) != NULL;
        if (present(target, "averageValue")) {
            if (have_status && present(current, "averageValue")) {
                add_quantity(&cur, json_object_get(current, "averageValue"));
            } else {
                strbuf_add(&cur, "<unknown>");
            }
            add_quantity(&tgt, json_object_get(target, "averageValue"));
            sb_join(b, ", ", strbuf_str(&cur));
            strbuf_add(b, "/");
            strbuf_add(b, strbuf_str(&tgt));
            strbuf_add(b, " (avg)");
        } else {
            if (have_status) {
                add_quantity(&cur, json_object_get(current, "value"));
            } else {
                strbuf_add(&cur, "<unknown>");
            }
            add_quantity(&tgt, json_object_get(target, "value"));
            sb_join(b, ", ", strbuf_str(&cur));
            strbuf_add(b, "/");
            strbuf_add(b, strbuf_str(&tgt));
        }
    } else if (strcmp(type, "Pods") == 0) {
        if (json_object_get(status, "pods") != NULL) {
            add_quantity(&cur, jpath_get(status, "pods.current.averageValue"));
        } else {
            strbuf_add(&cur, "<unknown>");
        }
        add_quantity(&tgt, jpath_get(spec, "pods.target.averageValue"));
        sb_join(b, ", ", strbuf_str(&cur));
        strbuf_add(b, "/");
        strbuf_add(b, strbuf_str(&tgt));
    } else if (strcmp(type, "Resource") == 0 || strcmp(type, "ContainerResource") == 0) {
        const char *key = type[0] == 'R' ? "resource" : "containerResource";
        const json_t *ms = json_object_get(spec, key);
        const json_t *st = json_object_get(status, key);
        const json_t *target = json_object_get(ms, "target");
        if (present(target, "averageValue")) {
            if (st != NULL) {
                add_quantity(&cur, jpath_get(st, "current.averageValue"));
            } else {
                strbuf_add(&cur, "<unknown>");
            }
            add_quantity(&tgt, json_object_get(target, "averageValue"));
        } else {
            if (st != NULL && present(st, "current.averageUtilization")) {
                snprintf(pct, sizeof pct, "%lld%%",
                         (long long)int_at(st, "current.averageUtilization", 0));
                strbuf_add(&cur, pct);
            } else {
                strbuf_add(&cur, "<unknown>");
            }
            if (present(target, "averageUtilization")) {
                snprintf(pct, sizeof pct, "%lld%%",
                         (long long)int_at(target, "averageUtilization", 0));
                strbuf_add(&tgt, pct);
            } else {
                strbuf_add(&tgt, "<auto>");
            }
        }
        sb_join(b, ", ", str_at(ms, "name"));
        strbuf_add(b, ": ");
        strbuf_add(b, strbuf_str(&cur));
        strbuf_add(b, "/");
        strbuf_add(b, strbuf_str(&tgt));
    } else {
        sb_join(b, ", ", "<unknown type>");
    }
    free(cur.s);
    free(tgt.s);
}

static void print_hpa(const json_t *o, json_t *row, time_t now)
{
    char buf[64];
    cleanup_free char *ref = xasprintf("%s/%s", str_at(o, "spec.scaleTargetRef.kind"),
                                       str_at(o, "spec.scaleTargetRef.name"));
    const json_t *specs = jpath_get(o, "spec.metrics");
    const json_t *statuses = jpath_get(o, "status.currentMetrics");
    struct strbuf b = {0};
    size_t i, count = json_array_size(specs);
    for (i = 0; i < count && i < 2; i++) {
        add_hpa_metric(&b, json_array_get(specs, i), json_array_get(statuses, i));
    }
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, ref);
    finish_list(row, &b, count > 2, count, 2, "<none>");
    if (present(o, "spec.minReplicas")) {
        snprintf(buf, sizeof buf, "%lld", (long long)int_at(o, "spec.minReplicas", 0));
        cell_str(row, buf);
    } else {
        cell_str(row, "<unset>");
    }
    cell_int(row, int_at(o, "spec.maxReplicas", 0));
    cell_int(row, int_at(o, "status.currentReplicas", 0));
    cell_age(row, o, now);
}

static const struct column pdb_columns[] = {
    NAME_COL,
    {"Min Available", "string", "The minimum number of pods that must be available.", 0},
    {"Max Unavailable", "string", "The maximum number of pods that may be unavailable.", 0},
    {"Allowed Disruptions", "integer",
     "Calculated number of pods that may be disrupted at this time.", 0},
    AGE_COL,
};

/* An IntOrString as its String(): the number or the text; "N/A" when unset. */
static void cell_int_or_string(json_t *row, const json_t *v)
{
    char buf[32];
    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        cell_str(row, buf);
    } else if (json_is_string(v)) {
        cell_str(row, json_string_value(v));
    } else {
        cell_str(row, "N/A");
    }
}

static void print_pdb(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_int_or_string(row, jpath_get(o, "spec.minAvailable"));
    cell_int_or_string(row, jpath_get(o, "spec.maxUnavailable"));
    cell_int(row, int_at(o, "status.disruptionsAllowed", 0));
    cell_age(row, o, now);
}

/* ---- Services and networking ---- */

static const struct column service_columns[] = {
    NAME_COL,
    {"Type", "string", "How the service is exposed (spec.type).", 0},
    {"Cluster-IP", "string", "The service's cluster IP (spec.clusterIPs[0]).", 0},
    {"External-IP", "string", "External IPs or load-balancer ingress of the service.", 0},
    {"Port(s)", "string", "The ports the service exposes (spec.ports).", 0},
    AGE_COL,
    {"Selector", "string", "The pods the service routes to (spec.selector).", 1},
};

/* Ingress IPs (else hostnames) of a load balancer, sorted and unique; never clipped since the
 * server prints wide. */
static void add_lb_ingress(struct strbuf *b, const json_t *ingress)
{
    size_t n = json_array_size(ingress), k = 0;
    cleanup_free const char **names = xcalloc(n + 1, sizeof *names);
    size_t i;
    const json_t *in;
    json_array_foreach (ingress, i, in) {
        const char *ip = str_at(in, "ip");
        const char *name = ip[0] != '\0' ? ip : str_at(in, "hostname");
        if (name[0] != '\0') {
            names[k++] = name;
        }
    }
    qsort(names, k, sizeof *names, cmp_str);
    for (i = 0; i < k; i++) {
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0) {
            sb_join(b, ",", names[i]);
        }
    }
}

static void add_strings(struct strbuf *b, const json_t *array)
{
    size_t i;
    const json_t *v;
    json_array_foreach (array, i, v) {
        sb_join(b, ",", strv(v));
    }
}

static void print_service(const json_t *o, json_t *row, time_t now)
{
    const char *type = str_at(o, "spec.type");
    const char *cluster_ip = strv(json_array_get(jpath_get(o, "spec.clusterIPs"), 0));
    if (cluster_ip[0] == '\0') {
        cluster_ip = str_at(o, "spec.clusterIP");
    }
    const json_t *external_ips = jpath_get(o, "spec.externalIPs");
    struct strbuf ext = {0};
    if (strcmp(type, "ClusterIP") == 0 || strcmp(type, "NodePort") == 0) {
        add_strings(&ext, external_ips);
        if (ext.len == 0) {
            strbuf_add(&ext, "<none>");
        }
    } else if (strcmp(type, "LoadBalancer") == 0) {
        add_lb_ingress(&ext, jpath_get(o, "status.loadBalancer.ingress"));
        add_strings(&ext, external_ips);
        if (ext.len == 0) {
            strbuf_add(&ext, "<pending>");
        }
    } else if (strcmp(type, "ExternalName") == 0) {
        strbuf_add(&ext, str_at(o, "spec.externalName"));
    } else {
        strbuf_add(&ext, "<unknown>");
    }

    struct strbuf ports = {0};
    size_t i;
    const json_t *p;
    json_array_foreach (jpath_get(o, "spec.ports"), i, p) {
        /* The API defaults the protocol to TCP; objects stored without it print the same. */
        const char *proto = str_at(p, "protocol")[0] != '\0' ? str_at(p, "protocol") : "TCP";
        cleanup_free char *piece = NULL;
        if (int_at(p, "nodePort", 0) > 0) {
            piece = xasprintf("%lld:%lld/%s", (long long)int_at(p, "port", 0),
                              (long long)int_at(p, "nodePort", 0), proto);
        } else {
            piece = xasprintf("%lld/%s", (long long)int_at(p, "port", 0), proto);
        }
        sb_join(&ports, ",", piece);
    }
    if (ports.len == 0) {
        strbuf_add(&ports, "<none>");
    }
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, type);
    cell_str(row, cluster_ip[0] != '\0' ? cluster_ip : "<none>");
    cell_sb(row, &ext);
    cell_sb(row, &ports);
    cell_age(row, o, now);
    cell_labels(row, jpath_get(o, "spec.selector"));
}

static const struct column endpoints_columns[] = {
    NAME_COL,
    {"Endpoints", "string", "The addresses and ports of the endpoints (subsets).", 0},
    AGE_COL,
};

/* net.JoinHostPort: IPv6 addresses go in brackets. */
static char *join_host_port(const char *host, int64_t port)
{
    if (strchr(host, ':') != NULL) {
        return xasprintf("[%s]:%lld", host, (long long)port);
    }
    return xasprintf("%s:%lld", host, (long long)port);
}

static void print_endpoints(const json_t *o, json_t *row, time_t now)
{
    const json_t *subsets = json_object_get(o, "subsets");
    struct strbuf b = {0};
    size_t count = 0, listed = 0;
    size_t i;
    const json_t *ss;
    json_array_foreach (subsets, i, ss) {
        const json_t *addrs = json_object_get(ss, "addresses");
        const json_t *ports = json_object_get(ss, "ports");
        size_t j, k;
        const json_t *a, *p;
        if (json_array_size(ports) == 0) {
            /* A headless service without ports lists bare IPs. */
            count += json_array_size(addrs);
            json_array_foreach (addrs, j, a) {
                if (listed == 3) {
                    break;
                }
                sb_join(&b, ",", str_at(a, "ip"));
                listed++;
            }
            continue;
        }
        json_array_foreach (ports, k, p) {
            count += json_array_size(addrs);
            json_array_foreach (addrs, j, a) {
                if (listed == 3) {
                    break;
                }
                cleanup_free char *hp = join_host_port(str_at(a, "ip"), int_at(p, "port", 0));
                sb_join(&b, ",", hp);
                listed++;
            }
        }
    }
    cell_str(row, str_at(o, "metadata.name"));
    if (json_array_size(subsets) == 0) {
        cell_str(row, "<none>");
        free(b.s);
    } else {
        finish_list(row, &b, count > 3, count, 3, "");
    }
    cell_age(row, o, now);
}

static const struct column endpointslice_columns[] = {
    NAME_COL,
    {"AddressType", "string", "The type of the addresses (addressType).", 0},
    {"Ports", "string", "The ports of the slice.", 0},
    {"Endpoints", "string", "The addresses of the slice's endpoints.", 0},
    AGE_COL,
};

static void print_endpointslice(const json_t *o, json_t *row, time_t now)
{
    struct strbuf ports = {0}, eps = {0};
    size_t count = 0, i, j;
    const json_t *p, *e, *a;
    json_array_foreach (json_object_get(o, "ports"), i, p) {
        if (count < 3) {
            char num[32];
            if (present(p, "port")) {
                snprintf(num, sizeof num, "%lld", (long long)int_at(p, "port", 0));
                sb_join(&ports, ",", num);
            } else if (present(p, "name")) {
                sb_join(&ports, ",", str_at(p, "name"));
            } else {
                sb_join(&ports, ",", "*");
            }
        }
        count++;
    }
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, str_at(o, "addressType"));
    finish_list(row, &ports, count > 3, count, 3, "<unset>");
    count = 0;
    json_array_foreach (json_object_get(o, "endpoints"), i, e) {
        json_array_foreach (json_object_get(e, "addresses"), j, a) {
            if (count < 3) {
                sb_join(&eps, ",", strv(a));
            }
            count++;
        }
    }
    finish_list(row, &eps, count > 3, count, 3, "<unset>");
    cell_age(row, o, now);
}

static const struct column ingress_columns[] = {
    NAME_COL,
    {"Class", "string",
     "The name of the IngressClass resource that should be used for additional configuration", 0},
    {"Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule",
     0},
    {"Address", "string", "Address is a list containing ingress points for the load-balancer", 0},
    {"Ports", "string", "Ports of TLS configurations that open", 0},
    AGE_COL,
};

static void print_ingress(const json_t *o, json_t *row, time_t now)
{
    const json_t *rules = jpath_get(o, "spec.rules");
    struct strbuf hosts = {0}, addr = {0};
    size_t i, listed = 0;
    bool more = false;
    const json_t *r;
    json_array_foreach (rules, i, r) {
        if (listed == 3) {
            more = true;
        }
        if (!more && str_at(r, "host")[0] != '\0') {
            sb_join(&hosts, ",", str_at(r, "host"));
            listed++;
        }
    }
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row,
             present(o, "spec.ingressClassName") ? str_at(o, "spec.ingressClassName") : "<none>");
    /* The count past the third host is of rules, hostless ones included. */
    finish_list(row, &hosts, more, json_array_size(rules), 3, "*");
    add_lb_ingress(&addr, jpath_get(o, "status.loadBalancer.ingress"));
    cell_sb(row, &addr);
    cell_str(row, json_array_size(jpath_get(o, "spec.tls")) > 0 ? "80, 443" : "80");
    cell_age(row, o, now);
}

/* ---- Core objects ---- */

static const struct column node_columns[] = {
    NAME_COL,
    {"Status", "string", "The status of the node", 0},
    {"Roles", "string", "The roles of the node", 0},
    AGE_COL,
    {"Version", "string", "The kubelet version (status.nodeInfo.kubeletVersion).", 0},
    {"Internal-IP", "string", "The node's first InternalIP address.", 1},
    {"External-IP", "string", "The node's first ExternalIP address.", 1},
    {"OS-Image", "string", "The OS image (status.nodeInfo.osImage).", 1},
    {"Kernel-Version", "string", "The kernel version (status.nodeInfo.kernelVersion).", 1},
    {"Container-Runtime", "string",
     "The container runtime version (status.nodeInfo.containerRuntimeVersion).", 1},
};

static const char *node_address(const json_t *node, const char *type)
{
    size_t i;
    const json_t *a;
    json_array_foreach (jpath_get(node, "status.addresses"), i, a) {
        if (strcmp(str_at(a, "type"), type) == 0) {
            return str_at(a, "address");
        }
    }
    return "<none>";
}

static const char *or_unknown(const char *s)
{
    return s[0] != '\0' ? s : "<unknown>";
}

static void print_node(const json_t *o, json_t *row, time_t now)
{
    struct strbuf status = {0};
    size_t i;
    const json_t *c;
    /* The last Ready condition wins, as the map Go builds keeps the last one. */
    const json_t *ready = NULL;
    json_array_foreach (jpath_get(o, "status.conditions"), i, c) {
        if (strcmp(str_at(c, "type"), "Ready") == 0) {
            ready = c;
        }
    }
    if (ready == NULL) {
        strbuf_add(&status, "Unknown");
    } else {
        strbuf_add(&status, strcmp(str_at(ready, "status"), "True") == 0 ? "Ready" : "NotReady");
    }
    if (jpath_get_bool(o, "spec.unschedulable", false)) {
        strbuf_add(&status, ",SchedulingDisabled");
    }

    /* Roles: node-role.kubernetes.io/<role> keys and the kubernetes.io/role value, sorted. */
    const json_t *labels = jpath_get(o, "metadata.labels");
    size_t n, k = 0;
    cleanup_free const char **keys = sorted_keys(labels, &n);
    cleanup_free const char **roles = xcalloc(n + 1, sizeof *roles);
    static const char prefix[] = "node-role.kubernetes.io/";
    for (i = 0; i < n; i++) {
        if (strncmp(keys[i], prefix, sizeof prefix - 1) == 0 && keys[i][sizeof prefix - 1]) {
            roles[k++] = keys[i] + sizeof prefix - 1;
        } else if (strcmp(keys[i], "kubernetes.io/role") == 0 &&
                   strv(json_object_get(labels, keys[i]))[0] != '\0') {
            roles[k++] = strv(json_object_get(labels, keys[i]));
        }
    }
    qsort(roles, k, sizeof *roles, cmp_str);
    struct strbuf role_text = {0};
    for (i = 0; i < k; i++) {
        if (i == 0 || strcmp(roles[i], roles[i - 1]) != 0) {
            sb_join(&role_text, ",", roles[i]);
        }
    }
    if (role_text.len == 0) {
        strbuf_add(&role_text, "<none>");
    }
    cell_str(row, str_at(o, "metadata.name"));
    cell_sb(row, &status);
    cell_sb(row, &role_text);
    cell_age(row, o, now);
    cell_str(row, str_at(o, "status.nodeInfo.kubeletVersion"));
    cell_str(row, node_address(o, "InternalIP"));
    cell_str(row, node_address(o, "ExternalIP"));
    cell_str(row, or_unknown(str_at(o, "status.nodeInfo.osImage")));
    cell_str(row, or_unknown(str_at(o, "status.nodeInfo.kernelVersion")));
    cell_str(row, or_unknown(str_at(o, "status.nodeInfo.containerRuntimeVersion")));
}

static const struct column namespace_columns[] = {
    NAME_COL,
    {"Status", "string", "The status of the namespace", 0},
    AGE_COL,
};

static void print_namespace(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, str_at(o, "status.phase"));
    cell_age(row, o, now);
}

static const struct column configmap_columns[] = {
    NAME_COL,
    {"Data", "string", "The number of keys in data and binaryData.", 0},
    AGE_COL,
};

static void print_configmap(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_int(row, (int64_t)(json_object_size(json_object_get(o, "data")) +
                            json_object_size(json_object_get(o, "binaryData"))));
    cell_age(row, o, now);
}

static const struct column secret_columns[] = {
    NAME_COL,
    {"Type", "string", "The type of the secret (type).", 0},
    {"Data", "string", "The number of keys in data.", 0},
    AGE_COL,
};

static void print_secret(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, str_at(o, "type"));
    cell_int(row, (int64_t)json_object_size(json_object_get(o, "data")));
    cell_age(row, o, now);
}

static const struct column serviceaccount_columns[] = {
    NAME_COL,
    {"Secrets", "string", "The number of secrets listed (secrets).", 0},
    AGE_COL,
};

static void print_serviceaccount(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_int(row, (int64_t)json_array_size(json_object_get(o, "secrets")));
    cell_age(row, o, now);
}

static const struct column event_columns[] = {
    {"Last Seen", "string", "When the event was last recorded.", 0},
    {"Type", "string", "The type of the event (Normal, Warning).", 0},
    {"Reason", "string", "Why the action was taken, short and machine-readable.", 0},
    {"Object", "string", "The object the event is about (involvedObject).", 0},
    {"Subobject", "string", "The part of the object the event is about (fieldPath).", 1},
    {"Source", "string", "The component that reported the event.", 1},
    {"Message", "string", "A human-readable description of the event.", 0},
    {"First Seen", "string", "When the event was first recorded.", 1},
    {"Count", "string", "How many times the event occurred.", 1},
    {"Name", "string",
     "Name must be unique within a namespace (metadata.name); Kubernetes' ObjectMeta "
     "documentation describes it.",
     1},
};

static void print_event(const json_t *o, json_t *row, time_t now)
{
    char first[K8STIME_STR_MAX], last[K8STIME_STR_MAX];
    int64_t t;
    if (parse_time(str_at(o, "firstTimestamp"), &t)) {
        since(str_at(o, "firstTimestamp"), now, first);
    } else {
        since(str_at(o, "eventTime"), now, first);
    }
    if (parse_time(str_at(o, "lastTimestamp"), &t)) {
        since(str_at(o, "lastTimestamp"), now, last);
    } else {
        memcpy(last, first, sizeof last);
    }
    int64_t count = int_at(o, "count", 0);
    if (present(o, "series")) {
        since(str_at(o, "series.lastObservedTime"), now, last);
        count = int_at(o, "series.count", 0);
    } else if (count == 0) {
        count = 1; /* singleton events of the new API carry no count */
    }
    const char *kind = str_at(o, "involvedObject.kind");
    cleanup_free char *target = str_at(o, "involvedObject.name")[0] != '\0'
                                    ? xasprintf("%s/%s", kind, str_at(o, "involvedObject.name"))
                                    : xstrdup(kind);
    for (char *p = target; *p != '\0' && *p != '/'; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    const char *component = str_at(o, "source.component")[0] != '\0'
                                ? str_at(o, "source.component")
                                : str_at(o, "reportingComponent");
    const char *instance = str_at(o, "source.host")[0] != '\0' ? str_at(o, "source.host")
                                                               : str_at(o, "reportingInstance");
    cleanup_free char *source =
        instance[0] != '\0' ? xasprintf("%s, %s", component, instance) : xstrdup(component);
    const char *msg = str_at(o, "message");
    while (isspace((unsigned char)*msg)) {
        msg++;
    }
    size_t mlen = strlen(msg);
    while (mlen > 0 && isspace((unsigned char)msg[mlen - 1])) {
        mlen--;
    }
    cleanup_free char *message = xstrndup(msg, mlen);

    cell_str(row, last);
    cell_str(row, str_at(o, "type"));
    cell_str(row, str_at(o, "reason"));
    cell_str(row, target);
    cell_str(row, str_at(o, "involvedObject.fieldPath"));
    cell_str(row, source);
    cell_str(row, message);
    cell_str(row, first);
    cell_int(row, count);
    cell_str(row, str_at(o, "metadata.name"));
}

static const struct column pv_columns[] = {
    NAME_COL,
    {"Capacity", "string", "The storage capacity (spec.capacity.storage).", 0},
    {"Access Modes", "string", "The access modes (spec.accessModes).", 0},
    {"Reclaim Policy", "string", "What happens on release (persistentVolumeReclaimPolicy).", 0},
    {"Status", "string", "The phase of the volume (status.phase).", 0},
    {"Claim", "string", "The bound claim (spec.claimRef).", 0},
    {"StorageClass", "string", "StorageClass of the pv", 0},
    {"VolumeAttributesClass", "string", "VolumeAttributesClass of the pv", 0},
    {"Reason", "string", "Why the volume is in its phase (status.reason).", 0},
    AGE_COL,
    {"VolumeMode", "string", "Filesystem or Block (spec.volumeMode).", 1},
};

/* GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once. */
static void cell_access_modes(json_t *row, const json_t *modes)
{
    static const char *const names[][2] = {{"ReadWriteOnce", "RWO"},
                                           {"ReadOnlyMany", "ROX"},
                                           {"ReadWriteMany", "RWX"},
                                           {"ReadWriteOncePod", "RWOP"}};
    struct strbuf b = {0};
    for (size_t m = 0; m < sizeof names / sizeof names[0]; m++) {
        size_t i;
        const json_t *v;
        json_array_foreach (modes, i, v) {
            if (strcmp(strv(v), names[m][0]) == 0) {
                sb_join(&b, ",", names[m][1]);
                break;
            }
        }
    }
    cell_sb(row, &b);
}

/* The beta storage-class annotation wins over spec.storageClassName. */
static const char *storage_class(const json_t *o)
{
    const json_t *a = json_object_get(jpath_get(o, "metadata.annotations"),
                                      "volume.beta.kubernetes.io/storage-class");
    if (json_is_string(a)) {
        return json_string_value(a);
    }
    return str_at(o, "spec.storageClassName");
}

static void print_pv(const json_t *o, json_t *row, time_t now)
{
    struct strbuf cap = {0};
    add_quantity(&cap, jpath_get(o, "spec.capacity.storage"));
    cleanup_free char *claim = present(o, "spec.claimRef")
                                   ? xasprintf("%s/%s", str_at(o, "spec.claimRef.namespace"),
                                               str_at(o, "spec.claimRef.name"))
                                   : xstrdup("");
    cell_str(row, str_at(o, "metadata.name"));
    cell_sb(row, &cap);
    cell_access_modes(row, jpath_get(o, "spec.accessModes"));
    cell_str(row, str_at(o, "spec.persistentVolumeReclaimPolicy"));
    cell_str(row,
             present(o, "metadata.deletionTimestamp") ? "Terminating" : str_at(o, "status.phase"));
    cell_str(row, claim);
    cell_str(row, storage_class(o));
    cell_str(row, present(o, "spec.volumeAttributesClassName")
                      ? str_at(o, "spec.volumeAttributesClassName")
                      : "<unset>");
    cell_str(row, str_at(o, "status.reason"));
    cell_age(row, o, now);
    cell_str(row, present(o, "spec.volumeMode") ? str_at(o, "spec.volumeMode") : "<unset>");
}

static const struct column pvc_columns[] = {
    NAME_COL,
    {"Status", "string", "The phase of the claim (status.phase).", 0},
    {"Volume", "string", "The bound volume (spec.volumeName).", 0},
    {"Capacity", "string", "The capacity of the bound volume (status.capacity.storage).", 0},
    {"Access Modes", "string", "The access modes of the bound volume.", 0},
    {"StorageClass", "string", "StorageClass of the pvc", 0},
    {"VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc", 0},
    AGE_COL,
    {"VolumeMode", "string", "Filesystem or Block (spec.volumeMode).", 1},
};

static void print_pvc(const json_t *o, json_t *row, time_t now)
{
    bool bound = str_at(o, "spec.volumeName")[0] != '\0';
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row,
             present(o, "metadata.deletionTimestamp") ? "Terminating" : str_at(o, "status.phase"));
    cell_str(row, str_at(o, "spec.volumeName"));
    if (bound) {
        struct strbuf cap = {0};
        add_quantity(&cap, jpath_get(o, "status.capacity.storage"));
        cell_sb(row, &cap);
        cell_access_modes(row, jpath_get(o, "status.accessModes"));
    } else {
        cell_str(row, "");
        cell_str(row, "");
    }
    cell_str(row, storage_class(o));
    cell_str(row, present(o, "spec.volumeAttributesClassName")
                      ? str_at(o, "spec.volumeAttributesClassName")
                      : "<unset>");
    cell_age(row, o, now);
    cell_str(row, present(o, "spec.volumeMode") ? str_at(o, "spec.volumeMode") : "<unset>");
}

static const struct column resourcequota_columns[] = {
    NAME_COL,
    AGE_COL,
    {"Request", "string",
     "Request represents a minimum amount of cpu/memory that a container may consume.", 0},
    {"Limit", "string",
     "Limits control the maximum amount of cpu/memory that a container may use independent of "
     "contention on the node.",
     0},
};

static void print_resourcequota(const json_t *o, json_t *row, time_t now)
{
    const json_t *hard = jpath_get(o, "status.hard");
    const json_t *used = jpath_get(o, "status.used");
    struct strbuf req = {0}, lim = {0};
    size_t n;
    cleanup_free const char **keys = sorted_keys(hard, &n);
    for (size_t i = 0; i < n; i++) {
        struct strbuf *b = strncmp(keys[i], "limits.", 7) == 0 ? &lim : &req;
        if (b->len > 0) {
            strbuf_add(b, ", ");
        }
        strbuf_add(b, keys[i]);
        strbuf_add(b, ": ");
        add_quantity(b, json_object_get(used, keys[i]));
        strbuf_add(b, "/");
        add_quantity(b, json_object_get(hard, keys[i]));
    }
    cell_str(row, str_at(o, "metadata.name"));
    cell_age(row, o, now);
    cell_sb(row, &req);
    cell_sb(row, &lim);
}

static const struct column lease_columns[] = {
    NAME_COL,
    {"Holder", "string", "The holder of the lease (spec.holderIdentity).", 0},
    AGE_COL,
};

static void print_lease(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, str_at(o, "spec.holderIdentity"));
    cell_age(row, o, now);
}

/* ---- RBAC ---- */

static const struct column rolebinding_columns[] = {
    NAME_COL,
    {"Role", "string", "The role granted (roleRef, as Kind/name).", 0},
    AGE_COL,
    {"Users", "string", "Users in the roleBinding", 1},
    {"Groups", "string", "Groups in the roleBinding", 1},
    {"ServiceAccounts", "string", "ServiceAccounts in the roleBinding", 1},
};

static const struct column clusterrolebinding_columns[] = {
    NAME_COL,
    {"Role", "string", "The role granted (roleRef, as Kind/name).", 0},
    AGE_COL,
    {"Users", "string", "Users in the clusterRoleBinding", 1},
    {"Groups", "string", "Groups in the clusterRoleBinding", 1},
    {"ServiceAccounts", "string", "ServiceAccounts in the clusterRoleBinding", 1},
};

static void print_binding(const json_t *o, json_t *row, time_t now)
{
    struct strbuf users = {0}, groups = {0}, sas = {0};
    size_t i;
    const json_t *s;
    json_array_foreach (json_object_get(o, "subjects"), i, s) {
        const char *kind = str_at(s, "kind");
        if (strcmp(kind, "ServiceAccount") == 0) {
            cleanup_free char *sa = xasprintf("%s/%s", str_at(s, "namespace"), str_at(s, "name"));
            sb_join(&sas, ", ", sa);
        } else if (strcmp(kind, "User") == 0) {
            sb_join(&users, ", ", str_at(s, "name"));
        } else if (strcmp(kind, "Group") == 0) {
            sb_join(&groups, ", ", str_at(s, "name"));
        }
    }
    cleanup_free char *role =
        xasprintf("%s/%s", str_at(o, "roleRef.kind"), str_at(o, "roleRef.name"));
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, role);
    cell_age(row, o, now);
    cell_sb(row, &users);
    cell_sb(row, &groups);
    cell_sb(row, &sas);
}

/* ---- scheduling.k8s.io and storage.k8s.io ---- */

static void cell_bool(json_t *row, bool b)
{
    json_array_append_new(json_object_get(row, "cells"), json_boolean(b));
}

/* A boolean field, or def when it is not set (the printers' nil pointers). */
static bool bool_at(const json_t *o, const char *path, bool def)
{
    const json_t *v = jpath_get(o, path);
    return json_is_boolean(v) ? json_is_true(v) : def;
}

static const struct column priorityclass_columns[] = {
    NAME_COL,
    {"Value", "integer", "The priority pods of this class get (value).", 0},
    {"Global-Default", "boolean", "Whether pods without a class get this one (globalDefault).", 0},
    AGE_COL,
    {"PreemptionPolicy", "string", "Whether pods of this class may preempt lower ones.", 0},
};

static void print_priorityclass(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_int(row, int_at(o, "value", 0));
    cell_bool(row, bool_at(o, "globalDefault", false));
    cell_age(row, o, now);
    cell_str(row, str_at(o, "preemptionPolicy"));
}

static const struct column storageclass_columns[] = {
    NAME_COL,
    {"Provisioner", "string", "The volume plugin or CSI driver that makes the volumes.", 0},
    {"ReclaimPolicy", "string", "What happens to a released volume (reclaimPolicy).", 0},
    {"VolumeBindingMode", "string", "When claims are bound and provisioned.", 0},
    {"AllowVolumeExpansion", "string", "Whether claims of this class may grow.", 0},
    AGE_COL,
};

static void print_storageclass(const json_t *o, json_t *row, time_t now)
{
    const json_t *annotations = jpath_get(o, "metadata.annotations");
    const char *is_default =
        strv(json_object_get(annotations, "storageclass.kubernetes.io/is-default-class"));
    const char *beta =
        strv(json_object_get(annotations, "storageclass.beta.kubernetes.io/is-default-class"));
    if (strcmp(is_default, "true") == 0 || strcmp(beta, "true") == 0) {
        cleanup_free char *name = xasprintf("%s (default)", str_at(o, "metadata.name"));
        cell_str(row, name);
    } else {
        cell_str(row, str_at(o, "metadata.name"));
    }
    cell_str(row, str_at(o, "provisioner"));
    cell_str(row, present(o, "reclaimPolicy") ? str_at(o, "reclaimPolicy") : "Delete");
    cell_str(row, present(o, "volumeBindingMode") ? str_at(o, "volumeBindingMode") : "Immediate");
    cell_bool(row, bool_at(o, "allowVolumeExpansion", false));
    cell_age(row, o, now);
}

static const struct column csidriver_columns[] = {
    NAME_COL,
    {"AttachRequired", "boolean", "Whether volumes need an attach step (spec.attachRequired).", 0},
    {"PodInfoOnMount", "boolean", "Whether mounts receive the pod's details.", 0},
    {"StorageCapacity", "boolean", "Whether the scheduler considers the driver's capacity.", 0},
    {"TokenRequests", "string", "Audiences of the service account tokens the driver gets.", 0},
    {"RequiresRepublish", "boolean", "Whether mounts are refreshed periodically.", 0},
    {"Modes", "string", "The volume lifecycle modes the driver supports.", 0},
    AGE_COL,
};

static void print_csidriver(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_bool(row, bool_at(o, "spec.attachRequired", true));
    cell_bool(row, bool_at(o, "spec.podInfoOnMount", false));
    cell_bool(row, bool_at(o, "spec.storageCapacity", false));
    const json_t *tokens = jpath_get(o, "spec.tokenRequests");
    struct strbuf b = {0};
    size_t i;
    const json_t *v;
    json_array_foreach (tokens, i, v) {
        sb_join(&b, ",", str_at(v, "audience"));
    }
    if (!json_is_array(tokens)) {
        strbuf_add(&b, "<unset>");
    }
    cell_sb(row, &b);
    cell_bool(row, bool_at(o, "spec.requiresRepublish", false));
    json_array_foreach (jpath_get(o, "spec.volumeLifecycleModes"), i, v) {
        sb_join(&b, ",", strv(v));
    }
    if (b.len == 0) {
        strbuf_add(&b, "<none>");
    }
    cell_sb(row, &b);
    cell_age(row, o, now);
}

static const struct column csinode_columns[] = {
    NAME_COL,
    {"Drivers", "integer", "How many CSI drivers the node runs.", 0},
    AGE_COL,
};

static void print_csinode(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_int(row, (int64_t)json_array_size(jpath_get(o, "spec.drivers")));
    cell_age(row, o, now);
}

static const struct column volumeattachment_columns[] = {
    NAME_COL,
    {"Attacher", "string", "The CSI driver that attaches the volume.", 0},
    {"PV", "string", "The PersistentVolume attached.", 0},
    {"Node", "string", "The node the volume is attached to.", 0},
    {"Attached", "boolean", "Whether the attach finished.", 0},
    AGE_COL,
};

static void print_volumeattachment(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, str_at(o, "spec.attacher"));
    cell_str(row, str_at(o, "spec.source.persistentVolumeName"));
    cell_str(row, str_at(o, "spec.nodeName"));
    cell_bool(row, bool_at(o, "status.attached", false));
    cell_age(row, o, now);
}

/* ---- networking.k8s.io ---- */

static const struct column networkpolicy_columns[] = {
    NAME_COL,
    {"Pod-Selector", "string", "The pods the policy applies to (spec.podSelector).", 0},
    AGE_COL,
};

static void print_networkpolicy(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_selector(row, jpath_get(o, "spec.podSelector"), "<none>");
    cell_age(row, o, now);
}

static const struct column ingressclass_columns[] = {
    NAME_COL,
    {"Controller", "string", "The controller that implements the class.", 0},
    {"Parameters", "string", "The object holding the controller's settings.", 0},
    AGE_COL,
};

static void print_ingressclass(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, str_at(o, "spec.controller"));
    const json_t *params = jpath_get(o, "spec.parameters");
    if (json_is_object(params)) {
        const char *group = str_at(params, "apiGroup");
        cleanup_free char *text =
            xasprintf("%s%s%s/%s", str_at(params, "kind"), present(params, "apiGroup") ? "." : "",
                      group, str_at(params, "name"));
        cell_str(row, text);
    } else {
        cell_str(row, "<none>");
    }
    cell_age(row, o, now);
}

/* ---- core/v1 componentstatuses, replicationcontrollers, podtemplates; node.k8s.io ---- */

static const struct column componentstatus_columns[] = {
    NAME_COL,
    {"Status", "string", "Healthy when the component's probe succeeded, else Unhealthy.", 0},
    {"Message", "string", "What the component answered to the probe.", 0},
    {"Error", "string", "Why the probe failed, when it did.", 0},
};

static void print_componentstatus(const json_t *o, json_t *row, time_t now)
{
    (void)now;
    const char *status = "Unknown", *message = "", *error = "";
    size_t i;
    const json_t *c;
    json_array_foreach (json_object_get(o, "conditions"), i, c) {
        if (strcmp(str_at(c, "type"), "Healthy") == 0) {
            status = strcmp(str_at(c, "status"), "True") == 0 ? "Healthy" : "Unhealthy";
            message = str_at(c, "message");
            error = str_at(c, "error");
            break;
        }
    }
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, status);
    cell_str(row, message);
    cell_str(row, error);
}

/* Columns as a ReplicaSet's (replicaset_columns); the selector is a plain label map. */
static void print_replicationcontroller(const json_t *o, json_t *row, time_t now)
{
    replica_cells(o, row, now);
    cell_labels(row, jpath_get(o, "spec.selector"));
}

static const struct column podtemplate_columns[] = {
    NAME_COL,
    {"Containers", "string", "Names of each container in the template.", 0},
    {"Images", "string", "Images referenced by each container in the template.", 0},
    {"Pod Labels", "string", "The labels the template gives its pods.", 0},
};

static void print_podtemplate(const json_t *o, json_t *row, time_t now)
{
    (void)now;
    cell_str(row, str_at(o, "metadata.name"));
    cell_containers(row, jpath_get(o, "template.spec"));
    cell_labels(row, jpath_get(o, "template.metadata.labels"));
}

static const struct column runtimeclass_columns[] = {
    NAME_COL,
    {"Handler", "string", "The container runtime configuration pods of the class run with.", 0},
    AGE_COL,
};

static void print_runtimeclass(const json_t *o, json_t *row, time_t now)
{
    cell_str(row, str_at(o, "metadata.name"));
    cell_str(row, str_at(o, "handler"));
    cell_age(row, o, now);
}

/* ---- The printers and the default table ---- */

#define PRINTER(group, plural, cols, fn)                      \
    {                                                         \
        group, plural, cols, sizeof cols / sizeof cols[0], fn \
    }

static const struct printer printers[] = {
    PRINTER("", "pods", pod_columns, print_pod),
    PRINTER("", "services", service_columns, print_service),
    PRINTER("", "endpoints", endpoints_columns, print_endpoints),
    PRINTER("", "nodes", node_columns, print_node),
    PRINTER("", "namespaces", namespace_columns, print_namespace),
    PRINTER("", "configmaps", configmap_columns, print_configmap),
    PRINTER("", "secrets", secret_columns, print_secret),
    PRINTER("", "serviceaccounts", serviceaccount_columns, print_serviceaccount),
    PRINTER("", "events", event_columns, print_event),
    PRINTER("", "persistentvolumes", pv_columns, print_pv),
    PRINTER("", "persistentvolumeclaims", pvc_columns, print_pvc),
    PRINTER("", "resourcequotas", resourcequota_columns, print_resourcequota),
    PRINTER("", "componentstatuses", componentstatus_columns, print_componentstatus),
    PRINTER("", "replicationcontrollers", replicaset_columns, print_replicationcontroller),
    PRINTER("", "podtemplates", podtemplate_columns, print_podtemplate),
    PRINTER("node.k8s.io", "runtimeclasses", runtimeclass_columns, print_runtimeclass),
    PRINTER("apps", "deployments", deployment_columns, print_deployment),
    PRINTER("apps", "replicasets", replicaset_columns, print_replicaset),
    PRINTER("apps", "statefulsets", statefulset_columns, print_statefulset),
    PRINTER("apps", "daemonsets", daemonset_columns, print_daemonset),
    PRINTER("apps", "controllerrevisions", controllerrevision_columns, print_controllerrevision),
    PRINTER("batch", "jobs", job_columns, print_job),
    PRINTER("batch", "cronjobs", cronjob_columns, print_cronjob),
    PRINTER("autoscaling", "horizontalpodautoscalers", hpa_columns, print_hpa),
    PRINTER("coordination.k8s.io", "leases", lease_columns, print_lease),
    PRINTER("discovery.k8s.io", "endpointslices", endpointslice_columns, print_endpointslice),
    PRINTER("networking.k8s.io", "ingresses", ingress_columns, print_ingress),
    PRINTER("networking.k8s.io", "networkpolicies", networkpolicy_columns, print_networkpolicy),
    PRINTER("networking.k8s.io", "ingressclasses", ingressclass_columns, print_ingressclass),
    PRINTER("policy", "poddisruptionbudgets", pdb_columns, print_pdb),
    PRINTER("rbac.authorization.k8s.io", "rolebindings", rolebinding_columns, print_binding),
    PRINTER("rbac.authorization.k8s.io", "clusterrolebindings", clusterrolebinding_columns,
            print_binding),
    PRINTER("scheduling.k8s.io", "priorityclasses", priorityclass_columns, print_priorityclass),
    PRINTER("storage.k8s.io", "storageclasses", storageclass_columns, print_storageclass),
    PRINTER("storage.k8s.io", "csidrivers", csidriver_columns, print_csidriver),
    PRINTER("storage.k8s.io", "csinodes", csinode_columns, print_csinode),
    PRINTER("storage.k8s.io", "volumeattachments", volumeattachment_columns,
            print_volumeattachment),
};

/* rest.DefaultTableConvertor: the name and the creation time as RFC 3339 (type date). */
static const struct column default_columns[] = {
    NAME_COL,
    {"Created At", "date",
     "When the object was created (metadata.creationTimestamp, an RFC 3339 time in UTC set by "
     "the server).",
     0},
};

static void print_default(const json_t *o, json_t *row, time_t now)
{
    (void)now;
    struct timespec ts = {0};
    char buf[K8STIME_STR_MAX];
    const char *s = str_at(o, "metadata.creationTimestamp");
    cell_str(row, str_at(o, "metadata.name"));
    if (s[0] == '\0' || k8stime_parse(s, &ts, NULL) < 0) {
        cell_str(row, "0001-01-01T00:00:00Z"); /* Go's zero time */
    } else {
        cell_str(row, k8stime_format(&ts, buf));
    }
}

static const struct printer default_printer = PRINTER("", "", default_columns, print_default);

static const struct printer *printer_for(const struct resource *r)
{
    for (size_t i = 0; i < sizeof printers / sizeof printers[0]; i++) {
        if (strcmp(printers[i].group, r->group) == 0 &&
            strcmp(printers[i].plural, r->plural) == 0) {
            return &printers[i];
        }
    }
    return &default_printer;
}

/* The row's object shares o's parts instead of copying them (a list's items may be the watch
 * cache's frozen objects): rows are only read and replaced, never modified in place. */
static json_t *row_object(const json_t *o, enum table_include include)
{
    switch (include) {
    case TABLE_INCLUDE_NONE:
        return json_null();
    case TABLE_INCLUDE_OBJECT:
        return json_incref((json_t *)o);
    case TABLE_INCLUDE_METADATA:
    default:
        break;
    }
    json_t *meta = json_object_get(o, "metadata");
    return json_pack("{s:s,s:s,s:o}", "kind", "PartialObjectMetadata", "apiVersion",
                     "meta.k8s.io/v1", "metadata",
                     json_is_object(meta) ? json_incref(meta) : json_object());
}

static json_t *build_row(const struct printer *p, const json_t *o, enum table_include include,
                         time_t now)
{
    json_t *row = json_object();
    json_object_set_new(row, "cells", json_array());
    p->print(o, row, now);
    json_object_set_new(row, "object", row_object(o, include));
    return row;
}

json_t *table_build(const struct resource *r, const json_t *list_or_object,
                    enum table_include include, time_t now)
{
    const struct printer *p = printer_for(r);
    json_t *columns = json_array();
    for (size_t i = 0; i < p->ncolumns; i++) {
        const struct column *c = &p->columns[i];
        json_array_append_new(columns,
                              json_pack("{s:s,s:s,s:s,s:s,s:i}", "name", c->name, "type", c->type,
                                        "format", strcmp(c->name, "Name") == 0 ? "name" : "",
                                        "description", c->description, "priority", c->priority));
    }
    json_t *rows = json_array();
    json_t *meta = json_object();
    const json_t *items = json_object_get(list_or_object, "items");
    const json_t *src_meta = json_object_get(list_or_object, "metadata");
    const char *rv = str_at(src_meta, "resourceVersion");
    if (rv[0] != '\0') {
        json_object_set_new(meta, "resourceVersion", json_string(rv));
    }
    if (json_is_array(items)) {
        size_t i;
        const json_t *item;
        json_array_foreach (items, i, item) {
            json_array_append_new(rows, build_row(p, item, include, now));
        }
        const char *cont = str_at(src_meta, "continue");
        if (cont[0] != '\0') {
            json_object_set_new(meta, "continue", json_string(cont));
        }
        const json_t *remaining = json_object_get(src_meta, "remainingItemCount");
        if (json_is_integer(remaining)) {
            json_object_set_new(meta, "remainingItemCount", json_deep_copy(remaining));
        }
    } else {
        json_array_append_new(rows, build_row(p, list_or_object, include, now));
    }
    return json_pack("{s:s,s:s,s:o,s:o,s:o}", "kind", "Table", "apiVersion", "meta.k8s.io/v1",
                     "metadata", meta, "columnDefinitions", columns, "rows", rows);
}
