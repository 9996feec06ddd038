/* c8sctl logs: kubectl 1.32's `logs` (pkg/cmd/logs, polymorphichelpers LogsForObject): a pod,
 * TYPE/NAME (the pods its selector finds, the "best" one by podutils.ByLogging, waiting for one
 * up to --pod-running-timeout) or -l; the container from -c, the default-container annotation or
 * the first one; PodLogOptions in kubectl's query order; kubectl's messages and errors. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "ctl.h"
#include "duration.h"
#include "k8stime.h"
#include "log.h"
#include "objects.h"
#include "xalloc.h"

#define DEFAULT_CONTAINER_ANNOTATION "kubectl.kubernetes.io/default-container"
#define SELECTOR_TAIL                10

struct logs_opts {
    bool all_pods, all_containers, follow, timestamps, previous, ignore_errors, prefix;
    bool insecure_backend;
    int limit_bytes, tail, max_requests;
    const char *since_time, *since, *container, *selector, *pod_running_timeout;
    bool container_flag, tail_flag;
    /* derived */
    char since_time_utc[K8STIME_STR_MAX];
    int64_t since_seconds; /* 0: none */
    int64_t tail_lines;    /* -1: none */
    int64_t timeout_ns;
};

/* One log request kubectl would make. */
struct log_request {
    char *pod, *container; /* owned */
};

struct requests {
    struct log_request *v;
    size_t n, cap;
};

static void requests_add(struct requests *rq, const char *pod, const char *container)
{
    if (rq->n == rq->cap) {
        rq->cap = rq->cap ? rq->cap * 2 : 4;
        rq->v = xrealloc(rq->v, rq->cap * sizeof *rq->v);
    }
    rq->v[rq->n++] = (struct log_request){xstrdup(pod), xstrdup(container)};
}

static void requests_free(struct requests *rq)
{
    for (size_t i = 0; i < rq->n; i++) {
        free(rq->v[i].pod);
        free(rq->v[i].container);
    }
    free(rq->v);
}

static const char *name_of(const json_t *obj)
{
    const char *n = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
    return n ? n : "";
}

/* ---- Containers (kubectl's podcmd helpers) ---- */

static const char *const container_lists[] = {"containers", "initContainers",
                                              "ephemeralContainers"};

static const char *container_name(const json_t *c)
{
    const char *n = json_string_value(json_object_get(c, "name"));
    return n ? n : "";
}

static bool has_container(const json_t *pod, const char *name)
{
    const json_t *spec = json_object_get(pod, "spec");
    for (size_t l = 0; l < 3; l++) {
        size_t i;
        json_t *c;
        json_array_foreach (json_object_get(spec, container_lists[l]), i, c) {
            if (strcmp(container_name(c), name) == 0) {
                return true;
            }
        }
    }
    return false;
}

/* podcmd.AllContainerNames: "a, b, e (ephem), i (init)". */
static void print_all_container_names(FILE *f, const json_t *spec)
{
    static const char *const order[] = {"containers", "ephemeralContainers", "initContainers"};
    static const char *const suffix[] = {"", " (ephem)", " (init)"};
    bool first = true;
    for (size_t l = 0; l < 3; l++) {
        size_t i;
        json_t *c;
        json_array_foreach (json_object_get(spec, order[l]), i, c) {
            fprintf(f, "%s%s%s", first ? "" : ", ", container_name(c), suffix[l]);
            first = false;
        }
    }
}

/* logsForObjectWithClient for one pod: the requests for its container(s). */
static int pod_requests(struct ctl *c, const struct logs_opts *o, const json_t *pod, bool all_pods,
                        struct requests *out)
{
    const json_t *spec = json_object_get(pod, "spec");
    const char *pod_name = name_of(pod);
    if (o->all_containers) {
        static const char *const order[] = {"initContainers", "containers", "ephemeralContainers"};
        for (size_t l = 0; l < 3; l++) {
            size_t i;
            json_t *ct;
            json_array_foreach (json_object_get(spec, order[l]), i, ct) {
                requests_add(out, pod_name, container_name(ct));
            }
        }
        return 0;
    }
    const char *container = o->container;
    const char *annotated = json_string_value(
        json_object_get(json_object_get(json_object_get(pod, "metadata"), "annotations"),
                        DEFAULT_CONTAINER_ANNOTATION));
    if ((container == NULL || container[0] == '\0') && annotated != NULL && annotated[0] != '\0') {
        if (has_container(pod, annotated)) {
            container = annotated;
        } else {
            fprintf(c->errout, "Default container name \"%s\" not found in pod %s\n", annotated,
                    pod_name);
        }
    }
    if (container == NULL || container[0] == '\0') {
        const json_t *containers = json_object_get(spec, "containers");
        container = container_name(json_array_get(containers, 0));
        if ((json_array_size(containers) > 1 ||
             json_array_size(json_object_get(spec, "initContainers")) > 0 ||
             json_array_size(json_object_get(spec, "ephemeralContainers")) > 0) &&
            !all_pods) {
            fprintf(c->errout, "Defaulted container \"%s\" out of: ", container);
            print_all_container_names(c->errout, spec);
            fputc('\n', c->errout);
        }
    }
    if (!has_container(pod, container)) {
        return ctl_error(c, "container %s is not valid for pod %s", container, pod_name);
    }
    requests_add(out, pod_name, container);
    return 0;
}

/* ---- Workloads: their pods through the selector (SelectorsForObject, GetFirstPod) ---- */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* labels.Selector.String() of a LabelSelector (matchLabels and matchExpressions, sorted by
 * key) or of a plain map (map_only). Owned. */
static char *selector_string(const json_t *sel, bool map_only)
{
    const json_t *labels = map_only ? sel : json_object_get(sel, "matchLabels");
    size_t cap =
        json_object_size(labels) + json_array_size(json_object_get(sel, "matchExpressions"));
    char **terms = xcalloc(cap + 1, sizeof *terms);
    char **keys = xcalloc(cap + 1, sizeof *keys);
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)labels, k, v) {
        terms[n] = xasprintf("%s=%s", k, json_string_value(v) ? json_string_value(v) : "");
        keys[n++] = xstrdup(k);
    }
    size_t i;
    json_t *e;
    json_array_foreach (map_only ? NULL : json_object_get(sel, "matchExpressions"), i, e) {
        const char *key = json_string_value(json_object_get(e, "key"));
        const char *op = json_string_value(json_object_get(e, "operator"));
        key = key ? key : "";
        op = op ? op : "";
        const json_t *values = json_object_get(e, "values");
        size_t nv = json_array_size(values);
        char **vs = xcalloc(nv + 1, sizeof *vs);
        size_t len = 1;
        for (size_t j = 0; j < nv; j++) {
            const char *s = json_string_value(json_array_get(values, j));
            vs[j] = xstrdup(s ? s : "");
            len += strlen(vs[j]) + 1;
        }
        qsort(vs, nv, sizeof *vs, compare_strings);
        char *joined = xmalloc(len);
        joined[0] = '\0';
        for (size_t j = 0; j < nv; j++) {
            strcat(joined, j ? "," : "");
            strcat(joined, vs[j]);
            free(vs[j]);
        }
        free(vs);
        if (strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0) {
            terms[n] = xasprintf("%s %s (%s)", key, op[0] == 'I' ? "in" : "notin", joined);
        } else {
            terms[n] = xasprintf("%s%s", strcmp(op, "DoesNotExist") == 0 ? "!" : "", key);
        }
        keys[n++] = xstrdup(key);
        free(joined);
    }
    /* Requirements sort by key (stable: insertion sort keeps equal keys in order). */
    for (size_t a = 1; a < n; a++) {
        for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
            char *t = keys[b];
            keys[b] = keys[b - 1];
            keys[b - 1] = t;
            t = terms[b];
            terms[b] = terms[b - 1];
            terms[b - 1] = t;
        }
    }
    size_t len = 1;
    for (size_t a = 0; a < n; a++) {
        len += strlen(terms[a]) + 1;
    }
    char *out = xmalloc(len);
    out[0] = '\0';
    for (size_t a = 0; a < n; a++) {
        strcat(out, a ? "," : "");
        strcat(out, terms[a]);
        free(terms[a]);
        free(keys[a]);
    }
    free(terms);
    free(keys);
    return out;
}

/* SelectorsForObject: the selector of a workload or service; NULL with kubectl's error printed. */
static char *workload_selector(struct ctl *c, const json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    kind = kind ? kind : "";
    const json_t *spec = json_object_get(obj, "spec");
    static const char *const with_label_selector[] = {"ReplicaSet", "Deployment", "DaemonSet",
                                                      "StatefulSet", "Job"};
    for (size_t i = 0; i < sizeof with_label_selector / sizeof with_label_selector[0]; i++) {
        if (strcmp(kind, with_label_selector[i]) == 0) {
            return selector_string(json_object_get(spec, "selector"), false);
        }
    }
    if (strcmp(kind, "ReplicationController") == 0) {
        return selector_string(json_object_get(spec, "selector"), true);
    }
    if (strcmp(kind, "Service") == 0) {
        if (json_object_size(json_object_get(spec, "selector")) == 0) {
            ctl_error(c,
                      "cannot get the logs from *v1.Service: invalid service '%s': Service is "
                      "defined without a selector",
                      name_of(obj));
            return NULL;
        }
        return selector_string(json_object_get(spec, "selector"), true);
    }
    ctl_error(c, "cannot get the logs from *v1.%s: selector for *v1.%s not implemented", kind,
              kind);
    return NULL;
}

/* podutils.ByLogging's order as a comparison (negative: a first). */
static int phase_rank(const json_t *pod)
{
    const char *p = json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
    p = p ? p : "";
    return strcmp(p, "Unknown") == 0 ? 1 : strcmp(p, "Pending") == 0 ? 2 : 0;
}

static const json_t *ready_condition(const json_t *pod)
{
    size_t i;
    json_t *cond;
    json_array_foreach (json_object_get(json_object_get(pod, "status"), "conditions"), i, cond) {
        const char *t = json_string_value(json_object_get(cond, "type"));
        if (t != NULL && strcmp(t, "Ready") == 0) {
            return cond;
        }
    }
    return NULL;
}

static bool pod_ready(const json_t *pod)
{
    const char *s = json_string_value(json_object_get(ready_condition(pod), "status"));
    return s != NULL && strcmp(s, "True") == 0;
}

static json_int_t max_restarts(const json_t *pod)
{
    json_int_t max = 0;
    size_t i;
    json_t *cs;
    json_array_foreach (json_object_get(json_object_get(pod, "status"), "containerStatuses"), i,
                        cs) {
        json_int_t n = json_integer_value(json_object_get(cs, "restartCount"));
        max = n > max ? n : max;
    }
    return max;
}

/* afterOrZero(t1, t2): t1 is empty, or t1 is after t2 (RFC 3339 UTC strings compare as text). */
static bool after_or_zero(const char *t1, const char *t2)
{
    if (t1 == NULL || t1[0] == '\0' || t2 == NULL || t2[0] == '\0') {
        return t1 == NULL || t1[0] == '\0';
    }
    return strcmp(t1, t2) > 0;
}

static int by_logging(const json_t *a, const json_t *b)
{
    const char *na = json_string_value(json_object_get(json_object_get(a, "spec"), "nodeName"));
    const char *nb = json_string_value(json_object_get(json_object_get(b, "spec"), "nodeName"));
    na = na ? na : "";
    nb = nb ? nb : "";
    if (strcmp(na, nb) != 0 && (na[0] == '\0' || nb[0] == '\0')) {
        return na[0] != '\0' ? -1 : 1;
    }
    if (phase_rank(a) != phase_rank(b)) {
        return phase_rank(a) - phase_rank(b);
    }
    if (pod_ready(a) != pod_ready(b)) {
        return pod_ready(a) ? -1 : 1;
    }
    if (pod_ready(a)) {
        const char *ta =
            json_string_value(json_object_get(ready_condition(a), "lastTransitionTime"));
        const char *tb =
            json_string_value(json_object_get(ready_condition(b), "lastTransitionTime"));
        if ((ta ? strcmp(ta, tb ? tb : "") : (tb ? 1 : 0)) != 0) {
            return after_or_zero(tb, ta) ? -1 : 1;
        }
    }
    if (max_restarts(a) != max_restarts(b)) {
        return max_restarts(a) > max_restarts(b) ? -1 : 1;
    }
    const char *ca =
        json_string_value(json_object_get(json_object_get(a, "metadata"), "creationTimestamp"));
    const char *cb =
        json_string_value(json_object_get(json_object_get(b, "metadata"), "creationTimestamp"));
    if ((ca ? strcmp(ca, cb ? cb : "") : (cb ? 1 : 0)) != 0) {
        return after_or_zero(cb, ca) ? -1 : 1;
    }
    return 0;
}

/* Sorts items in place (insertion sort: stable, lists are small). */
static void sort_by_logging(json_t *items)
{
    size_t n = json_array_size(items);
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i;
             j > 0 && by_logging(json_array_get(items, j - 1), json_array_get(items, j)) > 0; j--) {
            json_t *x = json_incref(json_array_get(items, j));
            json_array_remove(items, j);
            json_array_insert_new(items, j - 1, x);
        }
    }
}

/* Ends a watch after the pod running timeout by cancelling the client (a timer thread). */
struct watch_timer {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool done, fired;
    int64_t timeout_ns;
    struct http_client *http;
};

static void *watch_timer_main(void *data)
{
    struct watch_timer *t = data;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(t->timeout_ns / DURATION_SECOND);
    until.tv_nsec += (long)(t->timeout_ns % DURATION_SECOND);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&t->mu);
    while (!t->done) {
        if (pthread_cond_timedwait(&t->cond, &t->mu, &until) == ETIMEDOUT) {
            t->fired = true;
            http_client_cancel(t->http);
            break;
        }
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

struct first_pod {
    json_t *pod; /* new reference once found */
};

static int on_watch_event(const char *line, size_t len, void *data)
{
    struct first_pod *fp = data;
    cleanup_json json_t *ev = json_loadb(line, len, 0, NULL);
    const char *type = json_string_value(json_object_get(ev, "type"));
    if (type != NULL && (strcmp(type, "ADDED") == 0 || strcmp(type, "MODIFIED") == 0)) {
        fp->pod = json_incref(json_object_get(ev, "object"));
        return 1;
    }
    return 0;
}

/* GetPodList: the pods of selector, sorted; with none, waits (a watch from the list's revision)
 * up to the timeout for the first. Returns the items (new reference) or NULL after printing the
 * error. */
static json_t *pod_list(struct ctl *c, const struct logs_opts *o, const char *selector)
{
    cleanup_free char *sel = ctl_query_escape(selector);
    cleanup_free char *path = xasprintf("/api/v1/namespaces/%s/pods?labelSelector=%s", c->ns, sel);
    cleanup_json json_t *list = NULL;
    if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &list) != 0) {
        return NULL;
    }
    json_t *items = json_object_get(list, "items");
    if (json_array_size(items) > 0) {
        sort_by_logging(items);
        return json_incref(items);
    }
    const char *rv =
        json_string_value(json_object_get(json_object_get(list, "metadata"), "resourceVersion"));
    cleanup_free char *watch_path =
        xasprintf("%s&resourceVersion=%s&watch=true", path, rv ? rv : "");
    char accept_line[64];
    snprintf(accept_line, sizeof accept_line, "Accept: %s", CTL_ACCEPT_JSON);
    const char *headers[] = {accept_line, NULL};
    struct http_request req = {.method = "GET", .path = watch_path, .headers = headers};
    struct watch_timer t = {.timeout_ns = o->timeout_ns, .http = c->http};
    pthread_mutex_init(&t.mu, NULL);
    pthread_cond_init(&t.cond, NULL);
    pthread_t thread;
    bool timer = pthread_create(&thread, NULL, watch_timer_main, &t) == 0;
    struct first_pod fp = {0};
    struct http_response resp = {0};
    struct err e = {0};
    int rc = http_stream(c->http, &req, on_watch_event, &fp, &resp, &e);
    LOG_V(6, "request", "method=GET url=%s%s status=%ld", c->kc.server, watch_path, resp.status);
    if (timer) {
        pthread_mutex_lock(&t.mu);
        t.done = true;
        pthread_cond_signal(&t.cond);
        pthread_mutex_unlock(&t.mu);
        pthread_join(thread, NULL);
    }
    pthread_mutex_destroy(&t.mu);
    pthread_cond_destroy(&t.cond);
    json_t *out = NULL;
    if (fp.pod != NULL) {
        out = json_array();
        json_array_append_new(out, fp.pod);
    } else if (t.fired || rc == 0) {
        ctl_error(c, "timed out waiting for the condition");
    } else if (rc != 0) {
        ctl_transport_error(c, &e);
    } else {
        ctl_api_error(c, &resp);
    }
    http_response_free(&resp);
    return out;
}

/* ---- Streaming one log ---- */

struct log_sink {
    FILE *out;
    const char *prefix; /* "[pod/p/c] " or NULL */
    bool mid_line;      /* the last byte written was not a newline */
};

/* Copies the log as it arrives; with --prefix each line starts with it, as kubectl's
 * line-by-line prefixing writer does. */
static int on_log_bytes(const char *buf, size_t len, void *data)
{
    struct log_sink *s = data;
    if (s->prefix == NULL) {
        fwrite(buf, 1, len, s->out);
    } else {
        const char *p = buf, *end = buf + len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *stop = nl ? nl + 1 : end;
            if (!s->mid_line) {
                fputs(s->prefix, s->out);
            }
            fwrite(p, 1, (size_t)(stop - p), s->out);
            s->mid_line = nl == NULL;
            p = stop;
        }
    }
    fflush(s->out);
    return 0;
}

static char *log_path(struct ctl *c, const struct logs_opts *o, const struct log_request *r)
{
    char num[32];
    char *q = xstrdup("");
    ctl_query_add(&q, "container", r->container);
    ctl_query_add(&q, "follow", o->follow ? "true" : NULL);
    ctl_query_add(&q, "insecureSkipTLSVerifyBackend", o->insecure_backend ? "true" : NULL);
    snprintf(num, sizeof num, "%d", o->limit_bytes);
    ctl_query_add(&q, "limitBytes", o->limit_bytes != 0 ? num : NULL);
    ctl_query_add(&q, "previous", o->previous ? "true" : NULL);
    snprintf(num, sizeof num, "%" PRId64, o->since_seconds);
    ctl_query_add(&q, "sinceSeconds", o->since_seconds != 0 ? num : NULL);
    ctl_query_add(&q, "sinceTime", o->since_time_utc[0] ? o->since_time_utc : NULL);
    snprintf(num, sizeof num, "%" PRId64, o->tail_lines);
    ctl_query_add(&q, "tailLines", o->tail_lines != -1 ? num : NULL);
    ctl_query_add(&q, "timestamps", o->timestamps ? "true" : NULL);
    char *path = xasprintf("/api/v1/namespaces/%s/pods/%s/log%s%s", c->ns, r->pod, q[0] ? "?" : "",
                           q[0] == '&' ? q + 1 : q);
    free(q);
    return path;
}

/* Streams one log to c->out. Returns 0, or 1 after printing the error (to stdout as
 * "error: ..." with --ignore-errors, as kubectl does, then 0). */
static int consume(struct ctl *c, const struct logs_opts *o, const struct log_request *r)
{
    cleanup_free char *path = log_path(c, o, r);
    cleanup_free char *prefix = o->prefix ? xasprintf("[pod/%s/%s] ", r->pod, r->container) : NULL;
    char accept_line[64];
    snprintf(accept_line, sizeof accept_line, "Accept: %s", CTL_ACCEPT_ANY);
    const char *headers[] = {accept_line, NULL};
    struct http_request req = {.method = "GET", .path = path, .headers = headers};
    struct log_sink sink = {c->out, prefix, false};
    struct http_response resp = {0};
    struct err e = {0};
    int rc = http_stream_raw(c->http, &req, on_log_bytes, &sink, &resp, &e);
    if (rc == 0) {
        LOG_V(6, "request", "method=GET url=%s%s status=%ld", c->kc.server, path, resp.status);
    }
    int status = 0;
    if (rc != 0 || resp.status < 200 || resp.status > 299) {
        if (o->ignore_errors) {
            /* kubectl prints the error's own text: a Status's message. */
            cleanup_json json_t *st =
                rc == 0 ? json_loads(resp.body ? resp.body : "", 0, NULL) : NULL;
            const char *msg = json_string_value(json_object_get(st, "message"));
            fprintf(c->out, "error: %s\n", rc != 0 ? e.msg : msg ? msg : "");
        } else {
            status = rc != 0 ? ctl_transport_error(c, &e) : ctl_api_error(c, &resp);
        }
    }
    http_response_free(&resp);
    return status;
}

/* ---- The command ---- */

/* ToLogOptions and the flag values kubectl checks while completing. */
static int complete_options(struct ctl *c, struct logs_opts *o, size_t nargs)
{
    struct err e = {0};
    if (duration_parse(o->pod_running_timeout, &o->timeout_ns, &e) != 0) {
        return ctl_usage_error(c, "invalid argument \"%s\" for \"--pod-running-timeout\" flag: %s",
                               o->pod_running_timeout, e.msg);
    }
    if (o->timeout_ns <= 0) {
        return ctl_error(c, "--pod-running-timeout must be higher than zero");
    }
    int64_t since_ns = 0;
    if (o->since != NULL && duration_parse(o->since, &since_ns, &e) != 0) {
        return ctl_usage_error(c, "invalid argument \"%s\" for \"--since\" flag: %s", o->since,
                               e.msg);
    }
    if (o->since_time != NULL && o->since_time[0] != '\0') {
        struct timespec t;
        if (k8stime_parse(o->since_time, &t, &e) != 0) {
            return ctl_error(c, "%s", e.msg);
        }
        k8stime_format(&t, o->since_time_utc);
    }
    /* Duration.Round(time.Second): halves away from zero. */
    int64_t half = DURATION_SECOND / 2;
    o->since_seconds = since_ns >= 0 ? (since_ns + half) / DURATION_SECOND
                                     : -((-since_ns + half) / DURATION_SECOND);
    o->tail_lines = o->tail;
    if (o->selector != NULL && o->selector[0] != '\0' && o->tail == -1 && !o->tail_flag) {
        o->tail_lines = SELECTOR_TAIL;
    }
    (void)nargs;
    return 0;
}

/* Validate(): after the object was fetched, as kubectl orders it. */
static int validate_options(struct ctl *c, const struct logs_opts *o, size_t nargs)
{
    if (o->since_time != NULL && o->since_time[0] != '\0' && o->since_seconds != 0) {
        return ctl_error(c, "at most one of `sinceTime` or `sinceSeconds` may be specified");
    }
    if (o->all_containers && o->container != NULL && o->container[0] != '\0') {
        return ctl_error(c, "--all-containers=true should not be specified with container name %s",
                         o->container);
    }
    if (o->container_flag && nargs == 2) {
        return ctl_error(c, "only one of -c or an inline [CONTAINER] arg is allowed");
    }
    if (o->limit_bytes < 0) {
        return ctl_error(c, "--limit-bytes must be greater than 0");
    }
    if (o->since_seconds < 0) {
        return ctl_error(c, "--since must be greater than 0");
    }
    if (o->tail_lines < -1) {
        return ctl_error(c, "--tail must be greater than or equal to -1");
    }
    return 0;
}

/* The object the builder finds: a pod, a workload, or a PodList for -l. New reference, or NULL
 * after printing the error. */
static json_t *fetch_object(struct ctl *c, const struct logs_opts *o, const char *arg)
{
    if (arg == NULL) {
        cleanup_free char *sel = ctl_query_escape(o->selector);
        cleanup_free char *path =
            xasprintf("/api/v1/namespaces/%s/pods?labelSelector=%s", c->ns, sel);
        json_t *list = NULL;
        if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &list) != 0) {
            return NULL;
        }
        if (json_array_size(json_object_get(list, "items")) == 0) {
            fprintf(c->errout, "No resources found in %s namespace.\n", c->ns);
        }
        json_object_set_new(list, "kind", json_string("PodList"));
        return list;
    }
    cleanup_free char *typed = strchr(arg, '/') ? xstrdup(arg) : xasprintf("pods/%s", arg);
    struct target *t = NULL;
    size_t n = 0;
    if (ctl_discover(c) != 0 || objects_targets(c, &typed, 1, false, &t, &n, NULL) != 0) {
        return NULL;
    }
    json_t *obj = NULL;
    if (n == 1) {
        cleanup_free char *path = ctl_object_path(c, t[0].r, t[0].name);
        struct http_response resp = {0};
        struct err e = {0};
        if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
            ctl_transport_error(c, &e);
        } else if (resp.status == 404) {
            cleanup_json json_t *st = json_loads(resp.body ? resp.body : "", 0, NULL);
            const char *msg = json_string_value(json_object_get(st, "message"));
            ctl_error(c, "error from server (NotFound): %s in namespace \"%s\"", msg ? msg : "",
                      c->ns);
        } else if (resp.status < 200 || resp.status > 299) {
            ctl_api_error(c, &resp);
        } else {
            obj = json_loads(resp.body ? resp.body : "", 0, NULL);
        }
        http_response_free(&resp);
    } else {
        ctl_error(c, "expected a resource");
    }
    objects_targets_free(t, n);
    return obj;
}

/* LogsForObject / AllPodLogsForObject: the requests for obj. */
static int object_requests(struct ctl *c, const struct logs_opts *o, const json_t *obj,
                           struct requests *out)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    kind = kind ? kind : "";
    if (strcmp(kind, "Pod") == 0) {
        return pod_requests(c, o, obj, o->all_pods, out);
    }
    if (strcmp(kind, "PodList") == 0) {
        size_t i;
        json_t *p;
        json_array_foreach (json_object_get(obj, "items"), i, p) {
            if (pod_requests(c, o, p, o->all_pods, out) != 0) {
                return 1;
            }
        }
        return 0;
    }
    cleanup_free char *selector = workload_selector(c, obj);
    if (selector == NULL) {
        return 1;
    }
    cleanup_json json_t *items = pod_list(c, o, selector);
    if (items == NULL) {
        return 1;
    }
    size_t n = json_array_size(items);
    if (n > 1 && o->all_pods) {
        json_decref(items);
        items = pod_list(c, o, selector);
        if (items == NULL) {
            return 1;
        }
        for (size_t i = 0; i < json_array_size(items); i++) {
            if (pod_requests(c, o, json_array_get(items, i), true, out) != 0) {
                return 1;
            }
        }
        return 0;
    }
    if (n > 1) {
        fprintf(c->errout, "Found %zu pods, using pod/%s\n", n, name_of(json_array_get(items, 0)));
    }
    return pod_requests(c, o, json_array_get(items, 0), o->all_pods, out);
}

int cmd_logs(struct ctl *c, int argc, char **argv)
{
    struct logs_opts o = {
        .limit_bytes = 0, .tail = -1, .max_requests = 5, .pod_running_timeout = "20s"};
    struct cli_flag flags[] = {
        {"all-pods", 0, CLI_BOOL, &o.all_pods, false},
        {"all-containers", 0, CLI_BOOL, &o.all_containers, false},
        {"follow", 'f', CLI_BOOL, &o.follow, false},
        {"timestamps", 0, CLI_BOOL, &o.timestamps, false},
        {"limit-bytes", 0, CLI_INT, &o.limit_bytes, false},
        {"previous", 'p', CLI_BOOL, &o.previous, false},
        {"tail", 0, CLI_INT, &o.tail, false},
        {"ignore-errors", 0, CLI_BOOL, &o.ignore_errors, false},
        {"since-time", 0, CLI_STRING, &o.since_time, false},
        {"since", 0, CLI_STRING, &o.since, false},
        {"container", 'c', CLI_STRING, &o.container, false},
        {"insecure-skip-tls-verify-backend", 0, CLI_BOOL, &o.insecure_backend, false},
        {"pod-running-timeout", 0, CLI_STRING, &o.pod_running_timeout, false},
        {"selector", 'l', CLI_STRING, &o.selector, false},
        {"max-log-requests", 0, CLI_INT, &o.max_requests, false},
        {"prefix", 0, CLI_BOOL, &o.prefix, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    struct cli_strv args = {0};
    struct requests rq = {0};
    json_t *obj = NULL;
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    o.container_flag = cli_changed(flags, "container");
    o.tail_flag = cli_changed(flags, "tail");
    bool has_selector = o.selector != NULL && o.selector[0] != '\0';
    static const char usage[] =
        "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a "
        "required argument for the logs command";
    if ((args.n == 0 && !has_selector) || args.n > 2) {
        status = ctl_usage_error(c, "%s", usage);
        goto out;
    }
    if (args.n == 1 && has_selector) {
        status = ctl_usage_error(c, "only a selector (-l) or a POD name is allowed");
        goto out;
    }
    if (args.n == 2) {
        o.container = args.v[1];
    }
    o.prefix = o.prefix || o.all_pods;
    if ((status = ctl_connect(c)) != 0 || (status = complete_options(c, &o, args.n)) != 0) {
        goto out;
    }
    obj = fetch_object(c, &o, args.n > 0 ? args.v[0] : NULL);
    if (obj == NULL) {
        status = 1;
        goto out;
    }
    if ((status = validate_options(c, &o, args.n)) != 0 ||
        (status = object_requests(c, &o, obj, &rq)) != 0) {
        goto out;
    }
    if (o.follow && rq.n > 1 && rq.n > (size_t)o.max_requests) {
        status = ctl_error(c,
                           "you are attempting to follow %zu log streams, but maximum allowed "
                           "concurrency is %d, use --max-log-requests to increase the limit",
                           rq.n, o.max_requests);
        goto out;
    }
    /* TODO: follow several streams at once, as kubectl does (they run one after another). */
    for (size_t i = 0; i < rq.n && status == 0; i++) {
        status = consume(c, &o, &rq.v[i]);
    }
out:
    json_decref(obj);
    requests_free(&rq);
    cli_strv_free(&args);
    return status;
}
