/* `c8sctl rollout` as kubectl 1.32's: pause/resume (a strategic merge patch of spec.paused),
 * restart (the kubectl.kubernetes.io/restartedAt template annotation), status (the status
 * viewers' messages over a list+watch of the object), history (the ReplicaSets a deployment
 * controls, or the ControllerRevisions of a daemon set or stateful set) and undo (a JSON patch
 * of the deployment's template and annotations, the revision's own patch for the others). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "duration.h"
#include "jpath.h"
#include "log.h"
#include "printers.h"
#include "workload.h"
#include "xalloc.h"

#define REVISION_ANNOTATION     "deployment.kubernetes.io/revision"
#define CHANGE_CAUSE_ANNOTATION "kubernetes.io/change-cause"
#define HASH_LABEL              "pod-template-hash"
#define SMP_TYPE                "application/strategic-merge-patch+json"

/* The apps kinds (apps or extensions) rollout knows. */
static bool is_kind(const struct mapper_resource *r, const char *kind)
{
    return strcmp(r->kind, kind) == 0 &&
           (strcmp(r->group, "apps") == 0 || strcmp(r->group, "extensions") == 0);
}

/* schema.GroupKind.String(): "ConfigMap", "ReplicaSet.apps". Owned. */
static char *group_kind(const struct mapper_resource *r)
{
    return *r->group ? xasprintf("%s.%s", r->kind, r->group) : xstrdup(r->kind);
}

/* Whether kubectl's apps.GroupKindElement.Accept has a visitor for r's kind. */
static bool visitable(const struct mapper_resource *r)
{
    static const char *const apps_kinds[] = {"Deployment", "StatefulSet", "DaemonSet",
                                             "ReplicaSet"};
    for (size_t i = 0; i < sizeof apps_kinds / sizeof apps_kinds[0]; i++) {
        if (is_kind(r, apps_kinds[i])) {
            return true;
        }
    }
    if (strcmp(r->group, "batch") == 0) {
        return strcmp(r->kind, "Job") == 0 || strcmp(r->kind, "CronJob") == 0;
    }
    return *r->group == '\0' &&
           (strcmp(r->kind, "Pod") == 0 || strcmp(r->kind, "ReplicationController") == 0);
}

/* kubectl's error for a kind without a history viewer or rollbacker ("history viewer",
 * "rollbacker"), as HistoryViewerFor / RollbackerFor word it. */
static int no_helper_error(struct ctl *c, const struct mapper_resource *r, const char *what,
                           const char *retrieving)
{
    cleanup_free char *gk = group_kind(r);
    if (!visitable(r)) {
        return ctl_error(c, "error retrieving %s for \"%s\", no visitor method exists for {%s %s}",
                         retrieving, gk, r->group, r->kind);
    }
    return ctl_error(c, "no %s has been implemented for \"%s\"", what, gk);
}

/* deploymentutil.Revision: the revision annotation, 0 when missing. */
static long long revision_of(const json_t *obj)
{
    const char *v = json_string_value(
        json_object_get(jpath_get(obj, "metadata.annotations"), REVISION_ANNOTATION));
    return v ? strtoll(v, NULL, 10) : 0;
}

static bool has_revision(const json_t *obj)
{
    const char *v = json_string_value(
        json_object_get(jpath_get(obj, "metadata.annotations"), REVISION_ANNOTATION));
    char *end = NULL;
    return v && *v && (strtoll(v, &end, 10), *end == '\0');
}

/* metav1.IsControlledBy: a controller owner reference with owner's uid. */
static bool controlled_by(const json_t *obj, const json_t *owner)
{
    const char *uid = jpath_get_string(owner, "metadata.uid");
    size_t i;
    json_t *ref;
    json_array_foreach (jpath_get(obj, "metadata.ownerReferences"), i, ref) {
        if (json_is_true(json_object_get(ref, "controller")) && uid &&
            strcmp(jpath_get_string(ref, "uid") ? jpath_get_string(ref, "uid") : "", uid) == 0) {
            return true;
        }
    }
    return false;
}

/* The flags every rollout subcommand has. */
struct rollout_opts {
    struct cli_strv args, files;
    bool recursive;
    const char *selector, *output, *field_manager;
};

static int collect(struct ctl *c, struct rollout_opts *o, struct workload **objs, size_t *n)
{
    if (o->args.n == 0 && o->files.n == 0) {
        return ctl_error(c, "required resource not specified");
    }
    struct workload_source src = {&o->args, &o->files, o->recursive, o->selector,
                                  false,    true,      true};
    return workload_collect(c, &src, objs, n);
}

/* Prints the errors gathered over all objects, each on its line, as kubectl's aggregate. */
static int flush_errors(struct ctl *c, struct cli_strv *errors, int status)
{
    for (size_t i = 0; i < errors->n; i++) {
        ctl_error(c, "%s", errors->v[i]);
    }
    status = status || errors->n > 0;
    cli_strv_free(errors);
    return status;
}

/* ---- pause, resume, restart ---- */

enum patch_verb { VERB_PAUSE, VERB_RESUME, VERB_RESTART };

/* RFC 3339 in the local zone, as Go's time.Now().Format(time.RFC3339). */
static void rfc3339_now(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char zone[8];
    strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(zone, sizeof zone, "%z", &tm);
    size_t len = strlen(buf);
    if (strcmp(zone, "+0000") == 0) {
        snprintf(buf + len, size - len, "Z");
    } else {
        snprintf(buf + len, size - len, "%.3s:%.2s", zone, zone + 3);
    }
}

/* The patch for one object, or NULL with *why set (owned) when kubectl refuses it. */
static char *verb_patch(const struct workload *w, enum patch_verb verb, char **why)
{
    const struct mapper_resource *r = w->r;
    cleanup_free char *rg = mapper_resource_group(r);
    const char *name = workload_name(w);
    bool paused = jpath_get_bool(w->obj, "spec.paused", false);
    if (verb == VERB_RESTART) {
        if (!is_kind(r, "Deployment") && !is_kind(r, "DaemonSet") && !is_kind(r, "StatefulSet")) {
            *why = xasprintf("%s \"%s\" restarting is not supported", rg, name);
            return NULL;
        }
        if (is_kind(r, "Deployment") && paused) {
            *why = xasprintf("%s \"%s\" can't restart paused deployment (run rollout resume "
                             "first)",
                             rg, name);
            return NULL;
        }
        char now[64];
        rfc3339_now(now, sizeof now);
        return xasprintf("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl."
                         "kubernetes.io/restartedAt\":\"%s\"}}}}}",
                         now);
    }
    bool pause = verb == VERB_PAUSE;
    if (!is_kind(r, "Deployment")) {
        *why = xasprintf("%s \"%s\" %s is not supported", rg, name, pause ? "pausing" : "resuming");
        return NULL;
    }
    if (paused == pause) {
        *why = xasprintf("%s \"%s\" is %s", rg, name, pause ? "already paused" : "not paused");
        return NULL;
    }
    return xstrdup(pause ? "{\"spec\":{\"paused\":true}}" : "{\"spec\":{\"paused\":null}}");
}

static int rollout_patch_verb(struct ctl *c, int argc, char **argv, enum patch_verb verb)
{
    struct rollout_opts o = {.output = "", .field_manager = "kubectl-rollout"};
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &o.files, false},
        {"recursive", 'R', CLI_BOOL, &o.recursive, false},
        {"selector", 'l', CLI_STRING, &o.selector, false},
        {"output", 'o', CLI_STRING, &o.output, false},
        {"field-manager", 0, CLI_STRING, &o.field_manager, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    static const char *const verbs[] = {"paused", "resumed", "restarted"};
    int status = 0;
    struct workload *objs = NULL;
    size_t n = 0;
    struct cli_strv errors = {0};
    if (!ctl_parse(c, flags, argc, argv, &o.args, &status)) {
        goto out;
    }
    if (objects_check_output(c, o.output) != 0) {
        status = 1;
        goto out;
    }
    status = collect(c, &o, &objs, &n);
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *why = NULL, *failure = NULL;
        cleanup_free char *patch = verb_patch(&objs[i], verb, &why);
        if (patch == NULL) {
            cli_strv_add(&errors, why);
            continue;
        }
        cleanup_json json_t *answer = NULL;
        if (workload_patch(c, &objs[i], SMP_TYPE, patch, o.field_manager, DRY_RUN_NONE, &answer,
                           &failure) != 0) {
            cleanup_free char *rg = mapper_resource_group(objs[i].r);
            cleanup_free char *line =
                xasprintf("%s \"%s\" %s", rg, workload_name(&objs[i]), failure);
            cli_strv_add(&errors, line);
            continue;
        }
        cleanup_free char *display = objects_display(objs[i].r, workload_name(&objs[i]));
        status = objects_print_result(c, answer ? answer : objs[i].obj, display, verbs[verb],
                                      o.output, DRY_RUN_NONE, false) ||
                 status;
    }
out:
    status = flush_errors(c, &errors, status);
    workload_free(objs, n);
    cli_strv_free(&o.args);
    cli_strv_free(&o.files);
    return status;
}

static int rollout_pause(struct ctl *c, int argc, char **argv)
{
    return rollout_patch_verb(c, argc, argv, VERB_PAUSE);
}

static int rollout_resume(struct ctl *c, int argc, char **argv)
{
    return rollout_patch_verb(c, argc, argv, VERB_RESUME);
}

static int rollout_restart(struct ctl *c, int argc, char **argv)
{
    return rollout_patch_verb(c, argc, argv, VERB_RESTART);
}

/* ---- status ---- */

#define INT_AT(obj, path) ((long long)jpath_get_int((obj), (path), 0, NULL))

/* The status viewers: 1 done, 0 waiting (with *msg), -1 failed (with *msg the error). */
static int deployment_status(const json_t *d, long long revision, char **msg)
{
    const char *name = jpath_get_string(d, "metadata.name");
    if (revision > 0 && revision != revision_of(d)) {
        *msg = xasprintf("desired revision (%lld) is different from the running revision (%lld)",
                         revision, revision_of(d));
        return -1;
    }
    if (INT_AT(d, "metadata.generation") > INT_AT(d, "status.observedGeneration")) {
        *msg = xstrdup("Waiting for deployment spec update to be observed...\n");
        return 0;
    }
    size_t i;
    json_t *cond;
    json_array_foreach (jpath_get(d, "status.conditions"), i, cond) {
        const char *type = jpath_get_string(cond, "type"),
                   *reason = jpath_get_string(cond, "reason");
        if (type && strcmp(type, "Progressing") == 0 && reason &&
            strcmp(reason, "ProgressDeadlineExceeded") == 0) {
            *msg = xasprintf("deployment \"%s\" exceeded its progress deadline", name);
            return -1;
        }
    }
    long long updated = INT_AT(d, "status.updatedReplicas"),
              replicas = INT_AT(d, "status.replicas");
    long long available = INT_AT(d, "status.availableReplicas");
    bool has_spec_replicas = false;
    long long want = jpath_get_int(d, "spec.replicas", 0, &has_spec_replicas);
    if (has_spec_replicas && updated < want) {
        *msg = xasprintf("Waiting for deployment \"%s\" rollout to finish: %lld out of %lld new "
                         "replicas have been updated...\n",
                         name, updated, want);
        return 0;
    }
    if (replicas > updated) {
        *msg = xasprintf("Waiting for deployment \"%s\" rollout to finish: %lld old replicas are "
                         "pending termination...\n",
                         name, replicas - updated);
        return 0;
    }
    if (available < updated) {
        *msg = xasprintf("Waiting for deployment \"%s\" rollout to finish: %lld of %lld updated "
                         "replicas are available...\n",
                         name, available, updated);
        return 0;
    }
    *msg = xasprintf("deployment \"%s\" successfully rolled out\n", name);
    return 1;
}

static int daemonset_status(const json_t *ds, char **msg)
{
    const char *name = jpath_get_string(ds, "metadata.name");
    const char *strategy = jpath_get_string(ds, "spec.updateStrategy.type");
    if (strategy == NULL || strcmp(strategy, "RollingUpdate") != 0) {
        *msg = xstrdup("rollout status is only available for RollingUpdate strategy type");
        return -1;
    }
    if (INT_AT(ds, "metadata.generation") > INT_AT(ds, "status.observedGeneration")) {
        *msg = xstrdup("Waiting for daemon set spec update to be observed...\n");
        return 0;
    }
    long long desired = INT_AT(ds, "status.desiredNumberScheduled");
    long long updated = INT_AT(ds, "status.updatedNumberScheduled");
    long long available = INT_AT(ds, "status.numberAvailable");
    if (updated < desired) {
        *msg = xasprintf("Waiting for daemon set \"%s\" rollout to finish: %lld out of %lld new "
                         "pods have been updated...\n",
                         name, updated, desired);
        return 0;
    }
    if (available < desired) {
        *msg = xasprintf("Waiting for daemon set \"%s\" rollout to finish: %lld of %lld updated "
                         "pods are available...\n",
                         name, available, desired);
        return 0;
    }
    *msg = xasprintf("daemon set \"%s\" successfully rolled out\n", name);
    return 1;
}

static int statefulset_status(const json_t *sts, char **msg)
{
    const char *strategy = jpath_get_string(sts, "spec.updateStrategy.type");
    if (strategy == NULL || strcmp(strategy, "RollingUpdate") != 0) {
        *msg = xstrdup("rollout status is only available for RollingUpdate strategy type");
        return -1;
    }
    long long observed = INT_AT(sts, "status.observedGeneration");
    if (observed == 0 || INT_AT(sts, "metadata.generation") > observed) {
        *msg = xstrdup("Waiting for statefulset spec update to be observed...\n");
        return 0;
    }
    bool has_replicas = false;
    long long want = jpath_get_int(sts, "spec.replicas", 0, &has_replicas);
    long long ready = INT_AT(sts, "status.readyReplicas");
    long long updated = INT_AT(sts, "status.updatedReplicas");
    if (has_replicas && ready < want) {
        *msg = xasprintf("Waiting for %lld pods to be ready...\n", want - ready);
        return 0;
    }
    if (jpath_get(sts, "spec.updateStrategy.rollingUpdate") != NULL) {
        bool has_partition = false;
        long long partition =
            jpath_get_int(sts, "spec.updateStrategy.rollingUpdate.partition", 0, &has_partition);
        if (has_replicas && has_partition && updated < want - partition) {
            *msg = xasprintf("Waiting for partitioned roll out to finish: %lld out of %lld new "
                             "pods have been updated...\n",
                             updated, want - partition);
            return 0;
        }
        *msg = xasprintf("partitioned roll out complete: %lld new pods have been updated...\n",
                         updated);
        return 1;
    }
    const char *update_rev = jpath_get_string(sts, "status.updateRevision");
    const char *current_rev = jpath_get_string(sts, "status.currentRevision");
    update_rev = update_rev ? update_rev : "";
    current_rev = current_rev ? current_rev : "";
    if (strcmp(update_rev, current_rev) != 0) {
        *msg = xasprintf("waiting for statefulset rolling update to complete %lld pods at "
                         "revision %s...\n",
                         updated, update_rev);
        return 0;
    }
    *msg = xasprintf("statefulset rolling update complete %lld pods at revision %s...\n",
                     INT_AT(sts, "status.currentReplicas"), current_rev);
    return 1;
}

struct status_watch {
    struct ctl *c;
    const struct workload *w;
    long long revision;
    bool watch;
    int outcome;   /* 1 done, -1 failed, 0 still waiting */
    char *failure; /* owned, when outcome is -1 */
    char *rv;      /* the last resourceVersion seen (owned) */
    bool expired;  /* the watch answered an ERROR event: list again */
};

/* Runs the status viewer on obj and prints its message; true when the wait is over. */
static bool status_event(struct status_watch *s, const json_t *obj)
{
    cleanup_free char *msg = NULL;
    int rc = is_kind(s->w->r, "Deployment")  ? deployment_status(obj, s->revision, &msg)
             : is_kind(s->w->r, "DaemonSet") ? daemonset_status(obj, &msg)
                                             : statefulset_status(obj, &msg);
    if (rc < 0) {
        s->outcome = -1;
        s->failure = steal_ptr(&msg);
        return true;
    }
    fputs(msg, s->c->out);
    fflush(s->c->out);
    s->outcome = rc;
    return rc == 1 || !s->watch;
}

static int on_status_line(const char *line, size_t len, void *data)
{
    struct status_watch *s = data;
    (void)len;
    cleanup_json json_t *ev = json_loads(line, 0, NULL);
    const char *type = jpath_get_string(ev, "type");
    json_t *obj = json_object_get(ev, "object");
    if (type == NULL || obj == NULL) {
        return 0;
    }
    const char *rv = jpath_get_string(obj, "metadata.resourceVersion");
    if (strcmp(type, "ERROR") == 0) {
        s->expired = true; /* relist, as an informer does after an expired watch */
        return 1;
    }
    if (rv) {
        free(s->rv);
        s->rv = xstrdup(rv);
    }
    if (strcmp(type, "DELETED") == 0) {
        s->outcome = -1;
        s->failure = xstrdup("object has been deleted");
        return 1;
    }
    if (strcmp(type, "ADDED") == 0 || strcmp(type, "MODIFIED") == 0) {
        return status_event(s, obj) ? 1 : 0;
    }
    return 0;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* watchtools.UntilWithSync over the one object: list, then watch from the list's version,
 * relisting when the watch ends, until the viewer says done or the deadline (0: none). */
static int wait_rollout(struct ctl *c, const struct workload *w, long long revision, bool watch,
                        int64_t deadline)
{
    struct status_watch s = {c, w, revision, watch, 0, NULL, NULL, false};
    cleanup_free char *collection = mapper_collection_path(w->r, workload_ns(w));
    cleanup_free char *field = xasprintf("metadata.name=%s", workload_name(w));
    int status = 0;
    bool relist = true;
    while (s.outcome == 0) {
        if (relist) {
            char *q = xstrdup("");
            ctl_query_add(&q, "fieldSelector", field);
            ctl_query_add(&q, "limit", "500");
            ctl_query_add(&q, "resourceVersion", "0");
            cleanup_free char *path = xasprintf("%s?%s", collection, q + 1);
            free(q);
            cleanup_json json_t *list = NULL;
            if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &list) != 0) {
                status = 1;
                break;
            }
            free(s.rv);
            s.rv = xstrdup(jpath_get_string(list, "metadata.resourceVersion")
                               ? jpath_get_string(list, "metadata.resourceVersion")
                               : "0");
            json_t *item = json_array_get(json_object_get(list, "items"), 0);
            if (item != NULL && status_event(&s, item)) {
                break;
            }
        }
        int64_t remaining = deadline ? deadline - now_ns() : 0;
        if (deadline && remaining <= 0) {
            status = ctl_error(c, "timed out waiting for the condition");
            break;
        }
        /* the reflector's random 5-10 minutes, cut to the time left */
        long long seconds = 300 + rand() % 300;
        if (deadline && (remaining + 999999999) / 1000000000 < seconds) {
            seconds = (remaining + 999999999) / 1000000000;
        }
        char secs[32];
        snprintf(secs, sizeof secs, "%lld", seconds);
        char *q = xstrdup("");
        ctl_query_add(&q, "allowWatchBookmarks", "true");
        ctl_query_add(&q, "fieldSelector", field);
        ctl_query_add(&q, "resourceVersion", s.rv);
        ctl_query_add(&q, "timeoutSeconds", secs);
        ctl_query_add(&q, "watch", "true");
        cleanup_free char *path = xasprintf("%s?%s", collection, q + 1);
        free(q);
        char command[128];
        snprintf(command, sizeof command, "Kubectl-Command: kubectl %s", c->cmd_path);
        const char *headers[] = {"Accept: " CTL_ACCEPT_JSON, command, NULL};
        struct http_request req = {.method = "GET", .path = path, .headers = headers};
        struct http_response resp = {0};
        struct err e = {0};
        int rc = http_stream(c->http, &req, on_status_line, &s, &resp, &e);
        if (rc != 0) {
            http_response_free(&resp);
            status = ctl_transport_error(c, &e);
            break;
        }
        LOG_V(6, "request", "method=GET url=%s%s status=%ld", c->kc.server, path, resp.status);
        /* a watch that simply ended resumes from the last version, as the reflector does */
        relist = s.expired || resp.status < 200 || resp.status > 299;
        s.expired = false;
        http_response_free(&resp);
    }
    if (s.outcome < 0) {
        status = ctl_error(c, "%s", s.failure);
    }
    free(s.failure);
    free(s.rv);
    return status;
}

static int rollout_status(struct ctl *c, int argc, char **argv)
{
    struct rollout_opts o = {.output = ""};
    bool watch = true;
    long long revision = 0;
    int revision_int = 0;
    const char *timeout = "0s";
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &o.files, false},
        {"recursive", 'R', CLI_BOOL, &o.recursive, false},
        {"selector", 'l', CLI_STRING, &o.selector, false},
        {"watch", 'w', CLI_BOOL, &watch, false},
        {"revision", 0, CLI_INT, &revision_int, false},
        {"timeout", 0, CLI_STRING, &timeout, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct workload *objs = NULL;
    size_t n = 0;
    if (!ctl_parse(c, flags, argc, argv, &o.args, &status)) {
        goto out;
    }
    revision = revision_int;
    int64_t timeout_ns = 0;
    struct err e = {0};
    if (duration_parse(timeout, &timeout_ns, &e) != 0) {
        status = ctl_error(c, "invalid argument \"%s\" for \"--timeout\" flag: %s", timeout, e.msg);
        goto out;
    }
    int fetch_status = collect(c, &o, &objs, &n);
    int64_t deadline = timeout_ns > 0 ? now_ns() + timeout_ns : 0;
    for (size_t i = 0; i < n && status == 0; i++) {
        const struct mapper_resource *r = objs[i].r;
        if (!is_kind(r, "Deployment") && !is_kind(r, "DaemonSet") && !is_kind(r, "StatefulSet")) {
            cleanup_free char *gk = group_kind(r);
            status = ctl_error(c, "no status viewer has been implemented for %s", gk);
            break;
        }
        status = wait_rollout(c, &objs[i], revision, watch, deadline);
    }
    status = status || fetch_status;
out:
    workload_free(objs, n);
    cli_strv_free(&o.args);
    cli_strv_free(&o.files);
    return status;
}

/* ---- history ---- */

/* One revision of an object's history. */
struct revision {
    long long number;
    json_t *source; /* the ReplicaSet or ControllerRevision (borrowed from the list) */
};

static int compare_revisions(const void *a, const void *b)
{
    long long x = ((const struct revision *)a)->number, y = ((const struct revision *)b)->number;
    return (x > y) - (x < y);
}

/* GETs w's object again, as kubectl's typed history and rollback helpers do, into *fresh
 * (the object a new reference). Returns 0 or 1 after kubectl's error. */
static int refetch(struct ctl *c, const struct workload *w, struct workload *fresh)
{
    cleanup_free char *collection = mapper_collection_path(w->r, workload_ns(w));
    cleanup_free char *path = xasprintf("%s/%s", collection, workload_name(w));
    fresh->r = w->r;
    fresh->obj = NULL;
    return ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &fresh->obj);
}

/* Lists the history objects of w (ReplicaSets of a deployment, ControllerRevisions otherwise)
 * selected by its selector and controlled by it, one per revision (the last listed wins, as
 * kubectl's map), sorted. *list keeps the objects alive. Returns 0 or 1 after the error. */
static int list_history(struct ctl *c, const struct workload *w, json_t **list,
                        struct revision **out, size_t *count)
{
    bool deployment = is_kind(w->r, "Deployment");
    cleanup_free char *selector = workload_selector_string(jpath_get(w->obj, "spec.selector"));
    cleanup_free char *base = xasprintf("/apis/apps/v1/namespaces/%s/%s", workload_ns(w),
                                        deployment ? "replicasets" : "controllerrevisions");
    char *q = xstrdup("");
    ctl_query_add(&q, "labelSelector", selector);
    cleanup_free char *path = *q ? xasprintf("%s?%s", base, q + 1) : xstrdup(base);
    free(q);
    if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, list) != 0) {
        return 1;
    }
    json_t *items = json_object_get(*list, "items");
    struct revision *v = xcalloc(json_array_size(items) + 1, sizeof *v);
    size_t n = 0, i;
    json_t *item;
    json_array_foreach (items, i, item) {
        if (!controlled_by(item, w->obj)) {
            continue;
        }
        if (deployment && !has_revision(item)) {
            continue;
        }
        long long number =
            deployment ? revision_of(item) : (long long)jpath_get_int(item, "revision", 0, NULL);
        size_t at = n;
        for (size_t k = 0; k < n; k++) {
            at = v[k].number == number ? k : at;
        }
        v[at].number = number;
        v[at].source = item;
        n += at == n;
    }
    qsort(v, n, sizeof *v, compare_revisions);
    *out = v;
    *count = n;
    return 0;
}

static const struct revision *find_revision(const struct revision *v, size_t n, long long number)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].number == number) {
            return &v[i];
        }
    }
    return NULL;
}

/* The pod template of one revision: the ReplicaSet's (with its change cause), or the
 * object with the ControllerRevision's patch applied. New reference, NULL on failure. */
static json_t *revision_template(const struct workload *w, const struct revision *rev)
{
    if (is_kind(w->r, "Deployment")) {
        json_t *tmpl = json_deep_copy(jpath_get(rev->source, "spec.template"));
        const char *cause = json_string_value(json_object_get(
            jpath_get(rev->source, "metadata.annotations"), CHANGE_CAUSE_ANNOTATION));
        if (cause && *cause) {
            json_t *meta = json_object_get(tmpl, "metadata");
            if (meta == NULL) {
                json_object_set_new(tmpl, "metadata", meta = json_object());
            }
            json_t *ann = json_object_get(meta, "annotations");
            if (ann == NULL) {
                json_object_set_new(meta, "annotations", ann = json_object());
            }
            json_object_set_new(ann, CHANGE_CAUSE_ANNOTATION, json_string(cause));
        }
        return tmpl;
    }
    struct err e = {0};
    cleanup_json json_t *applied = jpatch_smp_apply(w->obj, json_object_get(rev->source, "data"),
                                                    objects_smp_schema(w->r), &e);
    return applied ? json_incref(jpath_get(applied, "spec.template")) : NULL;
}

/* The history text of w: the table, one revision's template, or "No rollout history found.".
 * Returns an owned string, or NULL with *error (owned) set. */
static char *history_text(struct ctl *c, const struct workload *w, long long revision, int *status)
{
    cleanup_json json_t *list = NULL;
    struct revision *revs = NULL;
    size_t n = 0;
    if (list_history(c, w, &list, &revs, &n) != 0) {
        *status = 1;
        return NULL;
    }
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (n == 0) {
        fputs("No rollout history found.", f);
    } else if (revision > 0) {
        const struct revision *rev = find_revision(revs, n, revision);
        json_t *tmpl = rev ? revision_template(w, rev) : NULL;
        if (tmpl == NULL) {
            *status = ctl_error(c, "unable to find the specified revision");
        } else {
            workload_print_pod_template(f, tmpl);
            json_decref(tmpl);
        }
    } else {
        bool causes = true; /* 1.32 prints CHANGE-CAUSE for stateful sets too */
        size_t width = strlen("REVISION");
        char num[32];
        for (size_t i = 0; i < n; i++) {
            size_t len = (size_t)snprintf(num, sizeof num, "%lld", revs[i].number);
            width = len > width ? len : width;
        }
        if (causes) {
            fprintf(f, "%-*s  CHANGE-CAUSE\n", (int)width, "REVISION");
        } else {
            fputs("REVISION\n", f);
        }
        for (size_t i = 0; i < n; i++) {
            const char *cause = json_string_value(json_object_get(
                jpath_get(revs[i].source, "metadata.annotations"), CHANGE_CAUSE_ANNOTATION));
            if (causes) {
                snprintf(num, sizeof num, "%lld", revs[i].number);
                fprintf(f, "%-*s  %s\n", (int)width, num, cause && *cause ? cause : "<none>");
            } else {
                fprintf(f, "%lld\n", revs[i].number);
            }
        }
    }
    fclose(f);
    free(revs);
    if (*status != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int rollout_history(struct ctl *c, int argc, char **argv)
{
    struct rollout_opts o = {.output = ""};
    int revision = 0;
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &o.files, false},
        {"recursive", 'R', CLI_BOOL, &o.recursive, false},
        {"selector", 'l', CLI_STRING, &o.selector, false},
        {"revision", 0, CLI_INT, &revision, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct workload *objs = NULL;
    size_t n = 0;
    if (!ctl_parse(c, flags, argc, argv, &o.args, &status)) {
        goto out;
    }
    if (revision < 0) {
        status = ctl_error(c, "revision must be a positive integer: %d", revision);
        goto out;
    }
    int fetch_status = collect(c, &o, &objs, &n);
    for (size_t i = 0; i < n && status == 0; i++) {
        const struct mapper_resource *r = objs[i].r;
        if (!is_kind(r, "Deployment") && !is_kind(r, "DaemonSet") && !is_kind(r, "StatefulSet")) {
            status = no_helper_error(c, r, "history viewer", "history");
            break;
        }
        struct workload fresh;
        if (refetch(c, &objs[i], &fresh) != 0) {
            status = 1;
            break;
        }
        json_decref(objs[i].obj);
        objs[i].obj = fresh.obj;
        cleanup_free char *text = history_text(c, &objs[i], revision, &status);
        if (text == NULL) {
            break;
        }
        cleanup_free char *display = objects_display(r, workload_name(&objs[i]));
        char header[64] = "";
        if (revision > 0) {
            snprintf(header, sizeof header, "with revision #%d", revision);
        }
        fprintf(c->out, "%s %s\n%s\n", display, header, text);
    }
    status = status || fetch_status;
out:
    workload_free(objs, n);
    cli_strv_free(&o.args);
    cli_strv_free(&o.files);
    return status;
}

/* ---- undo ---- */

/* The revision to go back to: the given one, or the newest but one. */
static const struct revision *undo_target(struct ctl *c, const struct workload *w,
                                          const struct revision *revs, size_t n,
                                          long long to_revision)
{
    if (to_revision > 0) {
        const struct revision *rev = find_revision(revs, n, to_revision);
        if (rev == NULL) {
            ctl_error(c, "unable to find specified revision %lld in history", to_revision);
        }
        return rev;
    }
    if (n < 2) {
        if (is_kind(w->r, "Deployment")) {
            ctl_error(c, "no rollout history found for deployment \"%s\"", workload_name(w));
        } else {
            ctl_error(c, "no last revision to roll back to");
        }
        return NULL;
    }
    return &revs[n - 2];
}

/* The deployment's JSON patch: the revision's template without the hash label, and the
 * annotations of the ReplicaSet joined with the deployment's own revision bookkeeping. */
static json_t *deployment_undo_patch(const struct workload *w, const json_t *tmpl, const json_t *rs)
{
    static const char *const keep[] = {"kubectl.kubernetes.io/last-applied-configuration",
                                       REVISION_ANNOTATION,
                                       "deployment.kubernetes.io/revision-history",
                                       "deployment.kubernetes.io/desired-replicas",
                                       "deployment.kubernetes.io/max-replicas",
                                       "deprecated.deployment.rollback.to"};
    json_t *annotations = json_object();
    json_t *live = jpath_get(w->obj, "metadata.annotations");
    json_t *from_rs = jpath_get(rs, "metadata.annotations");
    size_t nkeep = sizeof keep / sizeof keep[0];
    for (size_t i = 0; i < nkeep; i++) {
        json_t *v = json_object_get(live, keep[i]);
        if (v) {
            json_object_set(annotations, keep[i], v);
        }
    }
    const char *key;
    json_t *value;
    json_object_foreach (from_rs, key, value) {
        bool skipped = false;
        for (size_t i = 0; i < nkeep; i++) {
            skipped = skipped || strcmp(key, keep[i]) == 0;
        }
        if (!skipped) {
            json_object_set(annotations, key, value);
        }
    }
    return json_pack("[{s:s,s:s,s:O},{s:s,s:s,s:o}]", "op", "replace", "path", "/spec/template",
                     "value", tmpl, "op", "replace", "path", "/metadata/annotations", "value",
                     annotations);
}

/* A template copy without the pod-template-hash label (an emptied labels map dropped). */
static json_t *without_hash(const json_t *tmpl)
{
    json_t *copy = json_deep_copy(tmpl);
    json_t *labels = jpath_get(copy, "metadata.labels");
    json_object_del(labels, HASH_LABEL);
    return copy;
}

/* Rolls one object back. Returns 0 after printing the result, 1 after the error. */
static int undo_one(struct ctl *c, const struct workload *w_read, long long to_revision,
                    enum dry_run dry_run, const char *output)
{
    if (!is_kind(w_read->r, "Deployment") && !is_kind(w_read->r, "DaemonSet") &&
        !is_kind(w_read->r, "StatefulSet")) {
        return no_helper_error(c, w_read->r, "rollbacker", "rollbacker");
    }
    if (to_revision < 0) {
        return ctl_error(c, "unable to find specified revision %lld in history", to_revision);
    }
    bool deployment = is_kind(w_read->r, "Deployment");
    struct workload fresh;
    if (refetch(c, w_read, &fresh) != 0) {
        return 1;
    }
    const struct workload *w = &fresh;
    cleanup_json json_t *fresh_obj = fresh.obj; /* freed on return */
    (void)fresh_obj;
    cleanup_json json_t *list = NULL;
    struct revision *revs = NULL;
    size_t n = 0;
    if (list_history(c, w, &list, &revs, &n) != 0) {
        return 1;
    }
    int status = 0;
    cleanup_free char *display = objects_display(w->r, workload_name(w));
    cleanup_json json_t *tmpl = NULL, *patch = NULL, *answer = NULL, *mine = NULL, *theirs = NULL;
    cleanup_free char *result = NULL, *body = NULL, *failure = NULL;
    const struct revision *rev = undo_target(c, w, revs, n, to_revision);
    if (rev == NULL) {
        status = 1;
        goto out;
    }
    tmpl = deployment ? json_incref(jpath_get(rev->source, "spec.template"))
                      : revision_template(w, rev);
    if (tmpl == NULL) {
        status = ctl_error(c, "unable to parse history %s",
                           jpath_get_string(rev->source, "metadata.name"));
        goto out;
    }
    if (dry_run == DRY_RUN_CLIENT) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        workload_print_pod_template(f, tmpl);
        fclose(f);
        result = buf;
        status = objects_print_result(c, w->obj, display, result, output, dry_run, false);
        goto out;
    }
    if (deployment && jpath_get_bool(w->obj, "spec.paused", false)) {
        status = ctl_error(c, "you cannot rollback a paused deployment; resume it first with "
                              "'kubectl rollout resume' and try again");
        goto out;
    }
    mine = without_hash(jpath_get(w->obj, "spec.template"));
    theirs = without_hash(tmpl);
    if (jpath_equal(mine, theirs)) {
        result = xasprintf("skipped rollback (current template already matches revision %lld)",
                           rev->number);
        status = objects_print_result(c, w->obj, display, result, output, dry_run, false);
        goto out;
    }
    if (deployment) {
        patch = deployment_undo_patch(w, theirs, rev->source);
        body = printers_json_compact(patch);
    } else {
        body = printers_json_compact(json_object_get(rev->source, "data"));
    }
    if (workload_patch(c, w, deployment ? "application/json-patch+json" : SMP_TYPE, body, NULL,
                       dry_run, &answer, &failure) != 0) {
        status = ctl_error(c, "failed restoring revision %lld: %s", rev->number, failure);
        goto out;
    }
    status = objects_print_result(c, answer ? answer : w->obj, display, "rolled back", output,
                                  dry_run, false);
out:
    free(revs);
    return status;
}

static int rollout_undo(struct ctl *c, int argc, char **argv)
{
    struct rollout_opts o = {.output = ""};
    int to_revision = 0;
    const char *dry_run_flag = "none";
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &o.files, false},
        {"recursive", 'R', CLI_BOOL, &o.recursive, false},
        {"selector", 'l', CLI_STRING, &o.selector, false},
        {"to-revision", 0, CLI_INT, &to_revision, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {"output", 'o', CLI_STRING, &o.output, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct workload *objs = NULL;
    size_t n = 0;
    enum dry_run dry_run = DRY_RUN_NONE;
    if (!ctl_parse(c, flags, argc, argv, &o.args, &status)) {
        goto out;
    }
    if (flags[4].changed && strcmp(dry_run_flag, "") == 0) {
        dry_run_flag = "client";
    }
    if (objects_dry_run(c, dry_run_flag, &dry_run) != 0 || objects_check_output(c, o.output) != 0 ||
        collect(c, &o, &objs, &n) != 0) {
        status = 1;
        goto out;
    }
    for (size_t i = 0; i < n && status == 0; i++) {
        status = undo_one(c, &objs[i], to_revision, dry_run, o.output);
    }
out:
    workload_free(objs, n);
    cli_strv_free(&o.args);
    cli_strv_free(&o.files);
    return status;
}

/* ---- dispatch ---- */

int cmd_rollout(struct ctl *c, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(struct ctl *, int, char **);
    } subs[] = {
        {"history", rollout_history}, {"pause", rollout_pause},   {"restart", rollout_restart},
        {"resume", rollout_resume},   {"status", rollout_status}, {"undo", rollout_undo},
    };
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-') {
            bool takes_next = false;
            cli_find_global(c->global_flags, argv[i], &takes_next);
            i += takes_next;
            continue;
        }
        for (size_t s = 0; s < sizeof subs / sizeof subs[0]; s++) {
            if (strcmp(argv[i], subs[s].name) == 0) {
                snprintf(c->cmd_path, sizeof c->cmd_path, "rollout %s", subs[s].name);
                memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof *argv);
                return subs[s].run(c, argc - 1, argv);
            }
        }
        fprintf(c->errout,
                "error: unknown command \"%s\"\nSee '%s rollout -h' for help and "
                "examples\n",
                argv[i], c->prog);
        return 1;
    }
    fputs("Manage the rollout of one or many resources.\n\nAvailable Commands:\n"
          "  history       View rollout history\n"
          "  pause         Mark the provided resource as paused\n"
          "  restart       Restart a resource\n"
          "  resume        Resume a paused resource\n"
          "  status        Show the status of the rollout\n"
          "  undo          Undo a previous rollout\n",
          c->out);
    return 0;
}
