/* The pod half of kubectl drain, after k8s.io/kubectl/pkg/drain (1.32): the node's pods through
 * fieldSelector=spec.nodeName, kubectl's filter chain and its messages, evictions (or deletes
 * with --disable-eviction) and the wait for the pods to go. kubectl runs one goroutine per
 * evicted pod; here one loop steps each pod's eviction or wait when it is due, so retries and
 * timeouts happen at the same moments. */
#include "drain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "duration.h"
#include "jpath.h"
#include "k8stime.h"
#include "printers.h"
#include "selector.h"
#include "validate.h"
#include "xalloc.h"

#define EVICT_RETRY_NS (5 * DURATION_SECOND) /* kubectl's "will retry after 5s" */
#define POLL_NS        DURATION_SECOND       /* waitForDelete's interval */

/* ---- errors ---- */

void drain_error_add(struct drain_error *e, const char *text, const char *api_line)
{
    e->v = xrealloc(e->v, (e->n + 1) * sizeof *e->v);
    e->v[e->n].text = xstrdup(text);
    e->v[e->n].api_line = api_line ? xstrdup(api_line) : NULL;
    e->n++;
}

void drain_error_free(struct drain_error *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].text);
        free(e->v[i].api_line);
    }
    free(e->v);
    *e = (struct drain_error){0};
}

char *drain_error_text(const struct drain_error *e)
{
    if (e->n == 1) {
        return xstrdup(e->v[0].text);
    }
    char *out = xstrdup("");
    size_t seen = 0;
    for (size_t i = 0; i < e->n; i++) {
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) {
            dup = strcmp(e->v[j].text, e->v[i].text) == 0;
        }
        if (dup) {
            continue;
        }
        char *next = xasprintf("%s%s%s", out, seen > 0 ? ", " : "", e->v[i].text);
        free(out);
        out = next;
        seen++;
    }
    if (seen == 1) {
        return out;
    }
    char *wrapped = xasprintf("[%s]", out);
    free(out);
    return wrapped;
}

/* The message of an API error answer (StatusError.Error()), owned. */
static char *answer_message(const struct http_response *resp)
{
    cleanup_json json_t *st = resp->body ? json_loads(resp->body, 0, NULL) : NULL;
    const char *msg = json_string_value(json_object_get(st, "message"));
    if (msg != NULL) {
        return xstrdup(msg);
    }
    cleanup_free char *line = ctl_api_error_text(resp, NULL);
    const char *colon = strstr(line, "): ");
    return xstrdup(colon ? colon + 3 : line);
}

/* One request; 0 with resp filled (any status), or 1 with the transport failure in *msg. */
static int request(struct ctl *c, const char *method, const char *path, const char *body,
                   struct http_response *resp, char **msg)
{
    struct err e = {0};
    if (ctl_request(c, method, path, CTL_ACCEPT_JSON, body ? "application/json" : NULL, body, resp,
                    &e) != 0) {
        *msg = xstrdup(e.msg);
        return 1;
    }
    return 0;
}

void drain_error_add_answer(struct drain_error *err, const struct http_response *resp)
{
    cleanup_free char *msg = answer_message(resp);
    cleanup_free char *line = ctl_api_error_text(resp, NULL);
    drain_error_add(err, msg, line);
}

/* ---- time ---- */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * DURATION_SECOND + ts.tv_nsec;
}

static void sleep_until(int64_t when)
{
    int64_t left = when - now_ns();
    if (left <= 0) {
        return;
    }
    struct timespec ts = {(time_t)(left / DURATION_SECOND), (long)(left % DURATION_SECOND)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- listing and filtering ---- */

static const char *pod_ns(const json_t *pod)
{
    const char *ns = jpath_get_string(pod, "metadata.namespace");
    return ns ? ns : "";
}

static const char *pod_name(const json_t *pod)
{
    const char *name = jpath_get_string(pod, "metadata.name");
    return name ? name : "";
}

json_t *drain_list(struct ctl *c, const char *collection, const char *gvr,
                   const char *field_selector, const char *label_selector, int chunk,
                   struct drain_error *err)
{
    cleanup_free char *limit = xasprintf("%d", chunk);
    json_t *items = json_array();
    cleanup_free char *cont = NULL;
    do {
        char *query = xstrdup("");
        ctl_query_add(&query, "continue", cont);
        ctl_query_add(&query, "fieldSelector", field_selector);
        ctl_query_add(&query, "labelSelector", label_selector);
        if (chunk > 0) {
            ctl_query_add(&query, "limit", limit);
        }
        cleanup_free char *path = xasprintf("%s%s%s", collection, *query ? "?" : "", query + 1);
        free(query);
        struct http_response resp = {0};
        cleanup_free char *failure = NULL;
        if (request(c, "GET", path, NULL, &resp, &failure) != 0) {
            drain_error_add(err, failure, NULL);
            json_decref(items);
            return NULL;
        }
        if (resp.status == 400 || resp.status == 404) { /* EnhanceListError */
            cleanup_free char *msg = answer_message(&resp);
            cleanup_free char *qgvr = validate_quote(gvr);
            cleanup_free char *qlabel = validate_quote(label_selector ? label_selector : "");
            cleanup_free char *qfield = validate_quote(field_selector ? field_selector : "");
            cleanup_free char *text =
                (label_selector && *label_selector) || (field_selector && *field_selector)
                    ? xasprintf("Unable to find %s that match label selector %s, field selector "
                                "%s: %s",
                                qgvr, qlabel, qfield, msg)
                    : xasprintf("Unable to list %s: %s", qgvr, msg);
            cleanup_free char *line = xasprintf(
                "Error from server (%s): %s", resp.status == 400 ? "BadRequest" : "NotFound", text);
            drain_error_add(err, text, line);
        } else if (resp.status < 200 || resp.status > 299) {
            drain_error_add_answer(err, &resp);
        }
        if (resp.status < 200 || resp.status > 299) {
            http_response_free(&resp);
            json_decref(items);
            return NULL;
        }
        cleanup_json json_t *list = json_loads(resp.body ? resp.body : "", 0, NULL);
        http_response_free(&resp);
        json_array_extend(items, json_object_get(list, "items"));
        free(cont);
        const char *next =
            json_string_value(json_object_get(json_object_get(list, "metadata"), "continue"));
        cont = next && *next ? xstrdup(next) : NULL;
    } while (cont != NULL);
    return items;
}

enum verdict { VERDICT_OKAY, VERDICT_SKIP, VERDICT_WARNING, VERDICT_ERROR };

/* PodDeleteStatus: what the last filter that ran said about one pod. */
struct pod_status {
    bool delete_it;
    enum verdict verdict;
    char *message; /* owned; warnings and errors */
};

static struct pod_status status_of(bool delete_it, enum verdict v, const char *message)
{
    return (struct pod_status){delete_it, v, message ? xstrdup(message) : NULL};
}

static bool pod_finished(const json_t *pod)
{
    const char *phase = jpath_get_string(pod, "status.phase");
    return phase && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0);
}

/* metav1.GetControllerOf: the first owner reference with controller: true. */
static const json_t *controller_of(const json_t *pod)
{
    size_t i;
    json_t *ref;
    json_array_foreach (jpath_get(pod, "metadata.ownerReferences"), i, ref) {
        if (json_is_true(json_object_get(ref, "controller"))) {
            return ref;
        }
    }
    return NULL;
}

/* shouldSkipPod: terminating for more whole seconds than the limit. */
static bool should_skip(const json_t *pod, int limit)
{
    const char *stamp = jpath_get_string(pod, "metadata.deletionTimestamp");
    struct timespec ts;
    struct err e = {0};
    if (limit <= 0 || stamp == NULL || k8stime_parse(stamp, &ts, &e) != 0) {
        return false;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    double secs = (double)(now.tv_sec - ts.tv_sec) + (double)(now.tv_nsec - ts.tv_nsec) / 1e9;
    return (long long)secs > limit;
}

static struct pod_status daemonset_filter(struct ctl *c, const struct drain_opts *o,
                                          const json_t *pod)
{
    const json_t *ref = controller_of(pod);
    const char *kind = json_string_value(json_object_get(ref, "kind"));
    if (kind == NULL || strcmp(kind, "DaemonSet") != 0 || pod_finished(pod)) {
        return status_of(true, VERDICT_OKAY, NULL);
    }
    const char *name = json_string_value(json_object_get(ref, "name"));
    cleanup_free char *path =
        xasprintf("/apis/apps/v1/namespaces/%s/daemonsets/%s", pod_ns(pod), name ? name : "");
    struct http_response resp = {0};
    cleanup_free char *failure = NULL;
    if (request(c, "GET", path, NULL, &resp, &failure) != 0) {
        return status_of(false, VERDICT_ERROR, failure);
    }
    if (resp.status != 200) {
        cleanup_free char *msg = answer_message(&resp);
        bool missing = resp.status == 404;
        http_response_free(&resp);
        return missing && o->force ? status_of(true, VERDICT_WARNING, msg)
                                   : status_of(false, VERDICT_ERROR, msg);
    }
    http_response_free(&resp);
    if (!o->ignore_daemonsets) {
        return status_of(false, VERDICT_ERROR,
                         "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)");
    }
    return status_of(false, VERDICT_WARNING, "ignoring DaemonSet-managed Pods");
}

static bool has_local_storage(const json_t *pod)
{
    size_t i;
    json_t *vol;
    json_array_foreach (jpath_get(pod, "spec.volumes"), i, vol) {
        json_t *empty_dir = json_object_get(vol, "emptyDir");
        if (empty_dir != NULL && !json_is_null(empty_dir)) {
            return true;
        }
    }
    return false;
}

/* makeFilters' chain: the first filter refusing the pod decides, else the last one's word. */
static struct pod_status filter_pod(struct ctl *c, const struct drain_opts *o, const json_t *pod)
{
    if (should_skip(pod, o->skip_wait_seconds)) {
        return status_of(false, VERDICT_SKIP, NULL);
    }
    struct pod_status s = daemonset_filter(c, o, pod);
    if (!s.delete_it) {
        return s;
    }
    free(s.message);
    if (json_object_get(json_object_get(jpath_get(pod, "metadata"), "annotations"),
                        "kubernetes.io/config.mirror") != NULL) {
        return status_of(false, VERDICT_SKIP, NULL);
    }
    if (has_local_storage(pod) && !pod_finished(pod)) {
        if (!o->delete_emptydir_data) {
            return status_of(false, VERDICT_ERROR,
                             "Pods with local storage (use --delete-emptydir-data to override)");
        }
        /* a warning here is replaced by the next filter's verdict, as in kubectl */
    }
    if (pod_finished(pod) || controller_of(pod) != NULL) {
        return status_of(true, VERDICT_OKAY, NULL);
    }
    if (o->force) {
        return status_of(true, VERDICT_WARNING, "deleting Pods that declare no controller");
    }
    return status_of(false, VERDICT_ERROR,
                     "cannot delete Pods that declare no controller (use --force to override)");
}

/* The filtered list: the pods to delete and kubectl's grouped warnings and errors. */
struct pod_list {
    json_t *items; /* every listed pod (new reference) */
    struct pod_status *status;
    size_t n;
};

static void pod_list_free(struct pod_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->status[i].message);
    }
    free(l->status);
    json_decref(l->items);
    *l = (struct pod_list){0};
}

/* "<message>: ns/a, ns/b" per distinct message of verdict v, in first-seen order (kubectl
 * groups through a Go map, so its order varies between runs). */
static void group_by_message(const struct pod_list *l, enum verdict v, struct cli_strv *out)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *msg = l->status[i].message ? l->status[i].message : "unexpected error";
        if (l->status[i].verdict != v) {
            continue;
        }
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const char *prev = l->status[j].message ? l->status[j].message : "unexpected error";
            seen = l->status[j].verdict == v && strcmp(prev, msg) == 0;
        }
        if (seen) {
            continue;
        }
        char *line = xasprintf("%s: ", msg);
        for (size_t j = i, k = 0; j < l->n; j++) {
            const char *other = l->status[j].message ? l->status[j].message : "unexpected error";
            if (l->status[j].verdict == v && strcmp(other, msg) == 0) {
                json_t *pod = json_array_get(l->items, j);
                char *next =
                    xasprintf("%s%s%s/%s", line, k++ ? ", " : "", pod_ns(pod), pod_name(pod));
                free(line);
                line = next;
            }
        }
        cli_strv_add(out, line);
        free(line);
    }
}

/* GetPodsForDeletion. Returns 0 with *l filled, or 1 with *err (an aggregate) filled; the list
 * is kept on filter errors as kubectl keeps it. */
static int pods_for_deletion(struct ctl *c, const struct drain_opts *o, const char *node,
                             struct pod_list *l, struct drain_error *err)
{
    *l = (struct pod_list){0};
    cleanup_free char *field = xasprintf("spec.nodeName=%s", node);
    l->items = drain_list(c, "/api/v1/pods", "/v1, Resource=pods", field, o->pod_selector,
                          o->chunk_size, err);
    if (l->items == NULL) {
        err->aggregate = true;
        return 1;
    }
    l->n = json_array_size(l->items);
    l->status = xcalloc(l->n ? l->n : 1, sizeof *l->status);
    for (size_t i = 0; i < l->n; i++) {
        l->status[i] = filter_pod(c, o, json_array_get(l->items, i));
    }
    struct cli_strv errors = {0};
    group_by_message(l, VERDICT_ERROR, &errors);
    for (size_t i = 0; i < errors.n; i++) {
        cleanup_free char *text = xasprintf("cannot delete %s", errors.v[i]);
        drain_error_add(err, text, NULL);
    }
    cli_strv_free(&errors);
    err->aggregate = err->n > 0;
    return err->n > 0;
}

/* ---- evictions and deletes ---- */

/* Whether /api/v1 (read fresh) serves pods/eviction: *gv gets its group and version (owned). */
static int eviction_group_version(struct ctl *c, char **gv, struct drain_error *err)
{
    *gv = NULL;
    struct http_response resp = {0};
    cleanup_free char *failure = NULL;
    if (request(c, "GET", "/api/v1", NULL, &resp, &failure) != 0) {
        drain_error_add(err, failure, NULL);
        return 1;
    }
    if (resp.status != 200) {
        drain_error_add_answer(err, &resp);
        http_response_free(&resp);
        return 1;
    }
    cleanup_json json_t *doc = json_loads(resp.body ? resp.body : "", 0, NULL);
    http_response_free(&resp);
    size_t i;
    json_t *r;
    json_array_foreach (json_object_get(doc, "resources"), i, r) {
        const char *name = json_string_value(json_object_get(r, "name"));
        const char *kind = json_string_value(json_object_get(r, "kind"));
        const char *group = json_string_value(json_object_get(r, "group"));
        const char *version = json_string_value(json_object_get(r, "version"));
        if (name && strcmp(name, "pods/eviction") == 0 && kind && strcmp(kind, "Eviction") == 0 &&
            group && *group && version && *version) {
            *gv = xasprintf("%s/%s", group, version);
            return 0;
        }
    }
    return 0;
}

/* makeDeleteOptions. Returns a new reference. */
static json_t *delete_options(const struct drain_opts *o)
{
    json_t *opts = json_object();
    if (o->grace_period >= 0) {
        json_object_set_new(opts, "gracePeriodSeconds", json_integer(o->grace_period));
    }
    if (o->dry_run == DRY_RUN_SERVER) {
        json_object_set_new(opts, "dryRun", json_pack("[s]", "All"));
    }
    return opts;
}

/* Whether a 2xx answer still carries a failed Status (client-go turns it into an error). */
static bool failed_status(const struct http_response *resp)
{
    cleanup_json json_t *st = resp->body ? json_loads(resp->body, 0, NULL) : NULL;
    const char *kind = json_string_value(json_object_get(st, "kind"));
    const char *status = json_string_value(json_object_get(st, "status"));
    return kind && strcmp(kind, "Status") == 0 && status && *status &&
           strcmp(status, "Success") != 0;
}

static bool has_cause(const struct http_response *resp, const char *type)
{
    cleanup_json json_t *st = resp->body ? json_loads(resp->body, 0, NULL) : NULL;
    size_t i;
    json_t *cause;
    json_array_foreach (jpath_get(st, "details.causes"), i, cause) {
        const char *reason = json_string_value(json_object_get(cause, "reason"));
        if (reason && strcmp(reason, type) == 0) {
            return true;
        }
    }
    return false;
}

enum poll_result { POLL_GONE, POLL_PENDING, POLL_SKIPPED, POLL_FAILED };

/* One check of waitForDelete for one pod: gone (404 or another uid), skipped (terminating for
 * too long), still there, or failed with *msg and *line (owned) set. */
static enum poll_result poll_pod(struct ctl *c, const struct drain_opts *o, const json_t *pod,
                                 char **msg, char **line)
{
    cleanup_free char *path =
        xasprintf("/api/v1/namespaces/%s/pods/%s", pod_ns(pod), pod_name(pod));
    struct http_response resp = {0};
    if (request(c, "GET", path, NULL, &resp, msg) != 0) {
        *line = NULL;
        return POLL_FAILED;
    }
    enum poll_result result = POLL_PENDING;
    if (resp.status == 404) {
        result = POLL_GONE;
    } else if (resp.status != 200) {
        *msg = answer_message(&resp);
        *line = ctl_api_error_text(&resp, NULL);
        result = POLL_FAILED;
    } else {
        cleanup_json json_t *now = json_loads(resp.body ? resp.body : "", 0, NULL);
        const char *uid = jpath_get_string(now, "metadata.uid");
        const char *want = jpath_get_string(pod, "metadata.uid");
        if (uid == NULL || want == NULL || strcmp(uid, want) != 0) {
            result = POLL_GONE;
        } else if (should_skip(now, o->skip_wait_seconds)) {
            fprintf(c->out, "pod \"%s\" has DeletionTimestamp older than %d seconds, skipping\n",
                    pod_name(pod), o->skip_wait_seconds);
            result = POLL_SKIPPED;
        }
    }
    http_response_free(&resp);
    return result;
}

static void print_pod_line(struct ctl *c, const json_t *pod, const char *verb)
{
    fprintf(c->out, "pod/%s %s\n", pod_name(pod), verb);
    fflush(c->out);
}

enum task_state { TASK_EVICT, TASK_WAIT, TASK_DONE };

/* One pod's goroutine in evictPods. */
struct evict_task {
    const json_t *pod;
    enum task_state state;
    int64_t due;        /* when its next step runs */
    int64_t wait_start; /* the wait's ticks count from here */
};

/* One eviction attempt (the loop body of kubectl's goroutine). */
static void evict_step(struct ctl *c, const struct drain_opts *o, const char *gv,
                       struct evict_task *t, int64_t deadline, struct drain_error *errs)
{
    const json_t *pod = t->pod;
    const char *ns = pod_ns(pod), *name = pod_name(pod);
    cleanup_free char *qname = validate_quote(name);
    cleanup_free char *qns = validate_quote(ns);
    if (o->dry_run != DRY_RUN_SERVER && c->verbosity >= 2) {
        print_pod_line(c, pod, "eviction started"); /* kubectl's -v=2 line */
    }
    fprintf(c->out, "evicting pod %s/%s%s\n", ns, name,
            o->dry_run == DRY_RUN_SERVER ? " (server dry run)" : "");
    fflush(c->out);
    if (now_ns() >= deadline) {
        char buf[32];
        cleanup_free char *text =
            xasprintf("error when evicting pods/%s -n %s: global timeout reached: %s", qname, qns,
                      duration_format(o->timeout_ns, buf, sizeof buf));
        drain_error_add(errs, text, NULL);
        t->state = TASK_DONE;
        return;
    }
    cleanup_json json_t *body = json_pack(
        "{s:s,s:s,s:{s:s,s:s,s:n},s:o}", "kind", "Eviction", "apiVersion", gv, "metadata", "name",
        name, "namespace", ns, "creationTimestamp", "deleteOptions", delete_options(o));
    cleanup_free char *text = printers_json_compact(body);
    cleanup_free char *path = xasprintf("/api/v1/namespaces/%s/pods/%s/eviction", ns, name);
    struct http_response resp = {0};
    cleanup_free char *failure = NULL;
    if (request(c, "POST", path, text, &resp, &failure) != 0) {
        cleanup_free char *msg =
            xasprintf("error when evicting pods/%s -n %s: %s", qname, qns, failure);
        drain_error_add(errs, msg, NULL);
        t->state = TASK_DONE;
        return;
    }
    bool ok = resp.status >= 200 && resp.status <= 299 && !failed_status(&resp);
    bool terminating_ns = resp.status == 403 && has_cause(&resp, "NamespaceTerminating");
    if (ok || (terminating_ns && jpath_get(pod, "metadata.deletionTimestamp") != NULL)) {
        http_response_free(&resp);
        if (o->dry_run == DRY_RUN_SERVER) {
            t->state = TASK_DONE;
            return;
        }
        t->state = TASK_WAIT;
        t->wait_start = t->due = now_ns();
        return;
    }
    cleanup_free char *msg = answer_message(&resp);
    int status = resp.status;
    http_response_free(&resp);
    if (status == 404) {
        t->state = TASK_DONE;
    } else if (status == 429) {
        fprintf(c->errout, "error when evicting pods/%s -n %s (will retry after 5s): %s\n", qname,
                qns, msg);
        t->due = now_ns() + EVICT_RETRY_NS;
    } else if (terminating_ns) {
        fprintf(c->errout,
                "error when evicting pod %s from terminating namespace %s (will retry after 5s): "
                "%s\n",
                qname, qns, msg);
        t->due = now_ns() + EVICT_RETRY_NS;
    } else {
        cleanup_free char *line =
            xasprintf("error when evicting pods/%s -n %s: %s", qname, qns, msg);
        drain_error_add(errs, line, NULL);
        t->state = TASK_DONE;
    }
}

/* One check of the wait after an eviction, or its end at the deadline. */
static void wait_step(struct ctl *c, const struct drain_opts *o, struct evict_task *t,
                      int64_t deadline, struct drain_error *errs)
{
    const json_t *pod = t->pod;
    cleanup_free char *qname = validate_quote(pod_name(pod));
    cleanup_free char *qns = validate_quote(pod_ns(pod));
    const char *why = NULL;
    cleanup_free char *msg = NULL, *line = NULL;
    if (now_ns() >= deadline) {
        why = "context deadline exceeded";
    } else {
        switch (poll_pod(c, o, pod, &msg, &line)) {
        case POLL_GONE:
            print_pod_line(c, pod, "evicted");
            t->state = TASK_DONE;
            return;
        case POLL_SKIPPED:
            t->state = TASK_DONE;
            return;
        case POLL_FAILED:
            print_pod_line(c, pod, "eviction failed");
            why = msg;
            break;
        case POLL_PENDING: {
            int64_t ticks = (now_ns() - t->wait_start) / POLL_NS + 1;
            t->due = t->wait_start + ticks * POLL_NS;
            if (t->due > deadline) {
                t->due = deadline;
            }
            return;
        }
        }
    }
    cleanup_free char *text = xasprintf(
        "error when waiting for pod %s in namespace %s to terminate: %s", qname, qns, why);
    drain_error_add(errs, text, NULL);
    t->state = TASK_DONE;
}

/* evictPods: every pod's eviction and wait, steps run in the order they fall due. */
static int evict_pods(struct ctl *c, const struct drain_opts *o, const json_t *pods, const char *gv,
                      struct drain_error *err)
{
    size_t n = json_array_size(pods);
    int64_t start = now_ns();
    int64_t deadline = o->timeout_ns > 0 ? start + o->timeout_ns : INT64_MAX;
    struct evict_task *tasks = xcalloc(n, sizeof *tasks);
    for (size_t i = 0; i < n; i++) {
        tasks[i] = (struct evict_task){json_array_get(pods, i), TASK_EVICT, start, 0};
    }
    err->aggregate = true;
    for (;;) {
        struct evict_task *next = NULL;
        for (size_t i = 0; i < n; i++) {
            if (tasks[i].state != TASK_DONE && (next == NULL || tasks[i].due < next->due)) {
                next = &tasks[i];
            }
        }
        if (next == NULL) {
            break;
        }
        sleep_until(next->due);
        if (next->state == TASK_EVICT) {
            evict_step(c, o, gv, next, deadline, err);
        } else {
            wait_step(c, o, next, deadline, err);
        }
    }
    free(tasks);
    return err->n > 0;
}

/* deletePods: DELETE each pod, then wait for all of them (one plain error, not an aggregate). */
static int delete_pods(struct ctl *c, const struct drain_opts *o, const json_t *pods,
                       struct drain_error *err)
{
    size_t n = json_array_size(pods);
    cleanup_json json_t *opts = delete_options(o);
    cleanup_free char *body = printers_json_compact(opts);
    for (size_t i = 0; i < n; i++) {
        const json_t *pod = json_array_get(pods, i);
        cleanup_free char *path =
            xasprintf("/api/v1/namespaces/%s/pods/%s", pod_ns(pod), pod_name(pod));
        struct http_response resp = {0};
        cleanup_free char *failure = NULL;
        if (request(c, "DELETE", path, body, &resp, &failure) != 0) {
            drain_error_add(err, failure, NULL);
            return 1;
        }
        if ((resp.status < 200 || resp.status > 299) && resp.status != 404) {
            drain_error_add_answer(err, &resp);
            http_response_free(&resp);
            return 1;
        }
        http_response_free(&resp);
        if (c->verbosity >= 2) {
            print_pod_line(c, pod, "deletion started");
        }
    }
    int64_t start = now_ns();
    int64_t deadline = o->timeout_ns > 0 ? start + o->timeout_ns : INT64_MAX;
    bool *pending = xcalloc(n ? n : 1, sizeof *pending);
    size_t left = n;
    for (size_t i = 0; i < n; i++) {
        pending[i] = true;
    }
    int status = 0;
    for (int64_t tick = 1; left > 0; tick++) {
        for (size_t i = 0; i < n && status == 0; i++) {
            if (!pending[i]) {
                continue;
            }
            const json_t *pod = json_array_get(pods, i);
            cleanup_free char *msg = NULL, *line = NULL;
            switch (poll_pod(c, o, pod, &msg, &line)) {
            case POLL_GONE:
                print_pod_line(c, pod, "deleted");
                /* fall through */
            case POLL_SKIPPED:
                pending[i] = false;
                left--;
                break;
            case POLL_FAILED:
                print_pod_line(c, pod, "deletion failed");
                drain_error_add(err, msg, line);
                status = 1;
                break;
            case POLL_PENDING:
                break;
            }
        }
        if (status != 0 || left == 0) {
            break;
        }
        int64_t due = start + tick * POLL_NS;
        if (due >= deadline) {
            sleep_until(deadline);
            drain_error_add(err, "context deadline exceeded", NULL);
            status = 1;
            break;
        }
        sleep_until(due);
    }
    free(pending);
    return status;
}

/* DeleteOrEvictPods. */
static int delete_or_evict(struct ctl *c, const struct drain_opts *o, const json_t *pods,
                           struct drain_error *err)
{
    if (json_array_size(pods) == 0) {
        return 0;
    }
    if (!o->disable_eviction) {
        cleanup_free char *gv = NULL;
        if (eviction_group_version(c, &gv, err) != 0) {
            return 1;
        }
        if (gv != NULL) {
            return evict_pods(c, o, pods, gv, err);
        }
    }
    return delete_pods(c, o, pods, err);
}

static json_t *deletable(const struct pod_list *l)
{
    json_t *out = json_array();
    for (size_t i = 0; i < l->n; i++) {
        if (l->status[i].delete_it) {
            json_array_append(out, json_array_get(l->items, i));
        }
    }
    return out;
}

int drain_node_pods(struct ctl *c, const struct drain_opts *o, const char *node,
                    struct drain_error *err)
{
    struct pod_list l;
    if (pods_for_deletion(c, o, node, &l, err) != 0) {
        pod_list_free(&l);
        return 1;
    }
    struct cli_strv warnings = {0};
    group_by_message(&l, VERDICT_WARNING, &warnings);
    if (warnings.n > 0) {
        fprintf(c->errout, "Warning: ");
        for (size_t i = 0; i < warnings.n; i++) {
            fprintf(c->errout, "%s%s", i ? "; " : "", warnings.v[i]);
        }
        fprintf(c->errout, "\n");
    }
    cli_strv_free(&warnings);
    cleanup_json json_t *pods = deletable(&l);
    pod_list_free(&l);
    if (o->dry_run == DRY_RUN_CLIENT) {
        size_t i;
        json_t *pod;
        json_array_foreach (pods, i, pod) {
            fprintf(c->out, "evicting pod %s/%s (dry run)\n", pod_ns(pod), pod_name(pod));
        }
        return 0;
    }
    if (delete_or_evict(c, o, pods, err) == 0) {
        return 0;
    }
    /* What is still there, as kubectl reports it after a failure. */
    struct pod_list pending;
    struct drain_error list_err = {0};
    pods_for_deletion(c, o, node, &pending, &list_err);
    cleanup_json json_t *left = pending.items ? deletable(&pending) : NULL;
    if (json_array_size(left) > 0) {
        cleanup_free char *text = drain_error_text(err);
        fprintf(c->errout, "There are pending pods in node \"%s\" when an error occurred: %s\n",
                node, text);
        size_t i;
        json_t *pod;
        json_array_foreach (left, i, pod) {
            fprintf(c->errout, "pod/%s\n", pod_name(pod));
        }
    }
    if (list_err.n > 0) {
        cleanup_free char *text = drain_error_text(&list_err);
        fprintf(c->errout,
                "Following errors occurred while getting the list of pods to delete:\n%s", text);
    }
    drain_error_free(&list_err);
    pod_list_free(&pending);
    return 1;
}
