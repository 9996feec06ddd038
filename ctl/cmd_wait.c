/* `c8sctl wait` as kubectl wait (pkg/cmd/wait): --for=delete|create|condition=NAME[=VALUE]|
 * jsonpath=EXPR[=VALUE] on named objects, selections (-l, --all, -A) or -f manifests. Like
 * kubectl, each object is fetched, then listed and watched (fieldSelector metadata.name) until
 * the condition holds or the shared --timeout runs out; a timer thread cancels the watch at the
 * deadline. Messages and exit codes are kubectl's ("pod/p1 condition met", "timed out ..."). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctl.h"
#include "duration.h"
#include "jpath.h"
#include "jsonpath.h"
#include "objects.h"
#include "printers.h"
#include "xalloc.h"
#include "yamlx.h"

enum wait_for { FOR_DELETE, FOR_CREATE, FOR_CONDITION, FOR_JSONPATH };

struct wait_opts {
    const char *for_arg, *timeout_arg, *selector, *field_selector, *output;
    bool all, all_namespaces, recursive, local, show_managed_fields;
    struct cli_strv files;

    enum wait_for kind;
    const char *cond_name, *cond_value; /* condition=: point into cond_buf */
    char *cond_buf;
    struct jsonpath *jp; /* jsonpath= */
    char *jp_value;      /* NULL: any value */
    struct jsonpath *out_jp;
    int64_t timeout_ns;
    bool has_deadline;
    struct timespec deadline; /* CLOCK_REALTIME */
};

/* What waiting on one object ended with. */
enum wait_result { WAIT_MET, WAIT_TIMEOUT, WAIT_FAILED };

/* ---- time ---- */

static struct timespec now_rt(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

static int64_t remaining_ns(const struct wait_opts *o)
{
    struct timespec now = now_rt();
    return ((int64_t)o->deadline.tv_sec - now.tv_sec) * 1000000000LL +
           (o->deadline.tv_nsec - now.tv_nsec);
}

static void sleep_ns(int64_t ns)
{
    if (ns <= 0) {
        return;
    }
    struct timespec ts = {ns / 1000000000LL, ns % 1000000000LL};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Cancels the client's request at the deadline (the watch would otherwise block). */
struct deadline_timer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, fired;
    struct timespec at;
    struct http_client *http;
};

static void *timer_main(void *data)
{
    struct deadline_timer *t = data;
    pthread_mutex_lock(&t->mu);
    while (!t->stop) {
        if (pthread_cond_timedwait(&t->cv, &t->mu, &t->at) == ETIMEDOUT) {
            if (!t->stop) {
                t->fired = true;
                http_client_cancel(t->http);
            }
            break;
        }
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

static void timer_start(struct deadline_timer *t, struct http_client *http,
                        const struct timespec *at)
{
    *t = (struct deadline_timer){.at = *at, .http = http};
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    if (pthread_create(&t->thread, NULL, timer_main, t) != 0) {
        abort();
    }
}

/* Stops the timer; returns whether it fired. */
static bool timer_stop(struct deadline_timer *t)
{
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    return t->fired;
}

/* ---- the --for flag ---- */

/* splitJSONPathInput: splits on single '=', keeping "==". Returns the number of parts. */
static size_t split_jsonpath_input(const char *in, struct cli_strv *parts)
{
    size_t len = strlen(in);
    char *cur = xmalloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '=') {
            if (i + 1 < len && in[i + 1] == '=') {
                cur[n++] = '=';
                cur[n++] = '=';
                i++;
                continue;
            }
            cur[n] = '\0';
            cli_strv_add(parts, cur);
            n = 0;
            continue;
        }
        cur[n++] = in[i];
    }
    cur[n] = '\0';
    cli_strv_add(parts, cur);
    free(cur);
    return parts->n;
}

/* Whether RelaxedJSONPathExpression accepts s: "{.a.b}", "{a.b}", ".a.b" or "a.b", with no
 * other braces inside. */
static bool relaxed_form(const char *s)
{
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '{' && s[len - 1] == '}') {
        s++;
        len -= 2;
    }
    if (len > 0 && s[0] == '.') {
        s++;
        len--;
    }
    return len > 0 && strcspn(s, "{}") >= len;
}

/* conditionFuncFor. Returns 0 or prints kubectl's error and returns 1. */
static int parse_for(struct ctl *c, struct wait_opts *o)
{
    const char *f = o->for_arg;
    if (strcasecmp(f, "delete") == 0) {
        o->kind = FOR_DELETE;
        return 0;
    }
    if (strcasecmp(f, "create") == 0) {
        o->kind = FOR_CREATE;
        return 0;
    }
    if (strncmp(f, "condition=", 10) == 0) {
        o->kind = FOR_CONDITION;
        o->cond_buf = xstrdup(f + 10);
        char *eq = strchr(o->cond_buf, '=');
        o->cond_name = o->cond_buf;
        o->cond_value = "true";
        if (eq != NULL) {
            *eq = '\0';
            o->cond_value = eq + 1;
        }
        return 0;
    }
    if (strncmp(f, "jsonpath=", 9) != 0) {
        return ctl_error(c, "unrecognized condition: \"%s\"", f);
    }
    o->kind = FOR_JSONPATH;
    struct cli_strv parts = {0};
    int status = 0;
    size_t n = split_jsonpath_input(f + 9, &parts);
    struct err e = {0};
    cleanup_free char *expr = NULL;
    if (n > 2) {
        status = ctl_error(c, "jsonpath wait format must be "
                              "--for=jsonpath='{.status.readyReplicas}'=3 or "
                              "--for=jsonpath='{.status.readyReplicas}'");
        goto out;
    }
    if (*parts.v[0] && !relaxed_form(parts.v[0])) {
        status = ctl_error(c, "unexpected path string, expected a 'name1.name2' or "
                              "'.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
        goto out;
    }
    expr = *parts.v[0] ? jsonpath_relaxed(parts.v[0], &e) : xstrdup("");
    if (expr == NULL) {
        status = ctl_error(c, "%s", e.msg);
        goto out;
    }
    if (n == 2) {
        const char *v = parts.v[1];
        size_t len = strlen(v);
        while (len > 0 && (*v == '\'' || *v == '"')) {
            v++, len--;
        }
        while (len > 0 && (v[len - 1] == '\'' || v[len - 1] == '"')) {
            len--;
        }
        if (len == 0) {
            status = ctl_error(c, "jsonpath wait has to have a value after equal sign, like "
                                  "--for=jsonpath='{.status.readyReplicas}'=3");
            goto out;
        }
        o->jp_value = xstrndup(v, len);
    }
    if (*expr == '\0') {
        status = ctl_error(c, "jsonpath expression cannot be empty");
        goto out;
    }
    o->jp = jsonpath_parse(expr, &e);
    if (o->jp == NULL) {
        status = ctl_error(c, "%s", e.msg);
    }
out:
    cli_strv_free(&parts);
    return status;
}

/* ---- checks on one object ---- */

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* ConditionalWait.checkCondition. */
static bool condition_met(const struct wait_opts *o, const json_t *obj)
{
    const json_t *conds = jpath_get(obj, "status.conditions");
    size_t i;
    json_t *cond;
    json_array_foreach (conds, i, cond) {
        if (!json_is_object(cond)) {
            return false;
        }
        const json_t *type = json_object_get(cond, "type");
        const json_t *status = json_object_get(cond, "status");
        if (!json_is_string(type) || strcasecmp(json_string_value(type), o->cond_name) != 0 ||
            !json_is_string(status)) {
            continue;
        }
        bool has_gen = false, has_observed = false;
        int64_t gen = jpath_get_int(obj, "metadata.generation", 0, &has_gen);
        int64_t observed = jpath_get_int(cond, "observedGeneration", 0, &has_observed);
        if (!has_observed) {
            observed = jpath_get_int(obj, "status.observedGeneration", 0, &has_observed);
        }
        if (has_gen && has_observed && observed < gen) {
            return false;
        }
        return strcasecmp(json_string_value(status), o->cond_value) == 0;
    }
    return false;
}

/* JSONPathWait.checkCondition: 1 met, 0 not, -1 with *error (owned). */
static int jsonpath_met(const struct wait_opts *o, const json_t *obj, char **error)
{
    struct err e = {0};
    cleanup_json json_t *found = jsonpath_find(o->jp, obj, &e);
    if (found == NULL) {
        *error = xstrdup(e.msg);
        return -1;
    }
    if (json_array_size(found) == 0) {
        return 0;
    }
    if (json_array_size(found) > 1) {
        *error = xstrdup("given jsonpath expression matches more than one value");
        return -1;
    }
    if (o->jp_value == NULL) {
        return 1;
    }
    const json_t *v = json_array_get(found, 0);
    if (json_is_object(v) || json_is_array(v)) {
        *error = xstrdup("jsonpath leads to a nested object or list which is not supported");
        return -1;
    }
    cleanup_free char *text = jsonpath_go_value(v);
    /* strings.TrimSpace on both sides */
    const char *a = text, *b = o->jp_value;
    while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r') {
        a++;
    }
    while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r') {
        b++;
    }
    size_t la = strlen(a), lb = strlen(b);
    while (la > 0 && strchr(" \t\n\r", a[la - 1])) {
        la--;
    }
    while (lb > 0 && strchr(" \t\n\r", b[lb - 1])) {
        lb--;
    }
    return la == lb && memcmp(a, b, la) == 0;
}

/* The check of the condition kinds: 1 met, 0 not, -1 with *error. */
static int check(const struct wait_opts *o, const json_t *obj, char **error)
{
    if (o->kind == FOR_CONDITION) {
        return condition_met(o, obj);
    }
    return jsonpath_met(o, obj, error);
}

/* ---- list and watch ---- */

/* One object being waited on. */
struct waited {
    const struct mapper_resource *r;
    const char *ns; /* NULL for cluster-scoped */
    const char *name;
};

struct watch_state {
    struct ctl *c;
    const struct wait_opts *o;
    char *rv;       /* last resourceVersion seen (owned) */
    json_t *result; /* the object that met the condition (new reference) */
    char *error;    /* a failed check (owned) */
    bool met, relist;
};

static void set_rv(struct watch_state *w, const json_t *obj)
{
    const char *rv = jpath_get_string(obj, "metadata.resourceVersion");
    if (rv != NULL && *rv) {
        free(w->rv);
        w->rv = xstrdup(rv);
    }
}

static int on_wait_line(const char *line, size_t len, void *data)
{
    struct watch_state *w = data;
    (void)len;
    cleanup_json json_t *ev = json_loads(line, 0, NULL);
    const char *type = str(ev, "type");
    json_t *obj = json_object_get(ev, "object");
    if (strcmp(type, "ERROR") == 0) {
        w->relist = true; /* the informer lists again (e.g. 410 Expired) */
        return 1;
    }
    set_rv(w, obj);
    if (strcmp(type, "DELETED") == 0) {
        if (w->o->kind == FOR_DELETE) {
            w->met = true;
            return 1;
        }
        return 0;
    }
    if (w->o->kind == FOR_DELETE || (strcmp(type, "ADDED") != 0 && strcmp(type, "MODIFIED") != 0)) {
        return 0;
    }
    int rc = check(w->o, obj, &w->error);
    if (rc != 0) {
        w->met = rc > 0;
        w->result = json_incref(obj);
        return 1;
    }
    return 0;
}

static char *collection_query(const struct waited *t, const char *query)
{
    cleanup_free char *base = mapper_collection_path(t->r, t->ns);
    return xasprintf("%s?%s", base, query);
}

/* Lists the object by name (resourceVersion=0, as an informer starts). Returns 0 with *obj
 * (NULL when absent, else new) and w->rv set, or 1 after printing an error. */
static int list_one(struct ctl *c, const struct waited *t, struct watch_state *w, json_t **obj)
{
    cleanup_free char *selector = xasprintf("metadata.name=%s", t->name);
    char *q = xstrdup("");
    ctl_query_add(&q, "fieldSelector", selector);
    ctl_query_add(&q, "limit", "500");
    ctl_query_add(&q, "resourceVersion", "0");
    cleanup_free char *path = collection_query(t, q + 1);
    free(q);
    cleanup_json json_t *list = NULL;
    if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &list) != 0) {
        return 1;
    }
    free(w->rv);
    w->rv = xstrdup(jpath_get_string(list, "metadata.resourceVersion")
                        ? jpath_get_string(list, "metadata.resourceVersion")
                        : "0");
    json_t *item = json_array_get(json_object_get(list, "items"), 0);
    *obj = item ? json_incref(item) : NULL;
    return 0;
}

/* One watch from w->rv until it ends, the condition is decided or the deadline passes.
 * Returns 0, 1 after printing an error, or 2 when the deadline cancelled it. */
static int watch_once(struct ctl *c, const struct wait_opts *o, const struct waited *t,
                      struct watch_state *w)
{
    cleanup_free char *selector = xasprintf("metadata.name=%s", t->name);
    char timeout[32];
    snprintf(timeout, sizeof timeout, "%d", 300 + rand() % 300); /* client-go's 5-10 min */
    char *q = xstrdup("");
    ctl_query_add(&q, "allowWatchBookmarks", "true");
    ctl_query_add(&q, "fieldSelector", selector);
    ctl_query_add(&q, "resourceVersion", w->rv);
    ctl_query_add(&q, "timeoutSeconds", timeout);
    ctl_query_add(&q, "watch", "true");
    cleanup_free char *path = collection_query(t, q + 1);
    free(q);
    char accept[64], command[128];
    snprintf(accept, sizeof accept, "Accept: %s", CTL_ACCEPT_JSON);
    snprintf(command, sizeof command, "Kubectl-Command: kubectl %s", c->cmd_path);
    const char *headers[] = {accept, command, NULL};
    struct http_request req = {.method = "GET", .path = path, .headers = headers};
    struct http_response resp = {0};
    struct err e = {0};
    struct deadline_timer timer;
    if (o->has_deadline) {
        timer_start(&timer, c->http, &o->deadline);
    }
    int rc = http_stream(c->http, &req, on_wait_line, w, &resp, &e);
    bool fired = o->has_deadline && timer_stop(&timer);
    int status = 0;
    if (fired && !w->met && w->error == NULL) {
        status = 2;
    } else if (rc != 0) {
        status = ctl_transport_error(c, &e);
    } else if (resp.status < 200 || resp.status > 299) {
        if (resp.status == 410) {
            w->relist = true;
        } else {
            status = ctl_api_error(c, &resp);
        }
    }
    http_response_free(&resp);
    return status;
}

/* UntilWithSync over the object: list, check, then watch until decided. *result gets the
 * object that met the condition (new reference; NULL for deletions). */
static enum wait_result list_and_watch(struct ctl *c, const struct wait_opts *o,
                                       const struct waited *t, json_t **result)
{
    struct watch_state w = {.c = c, .o = o};
    enum wait_result res = WAIT_FAILED;
    *result = NULL;
    bool listed = false;
    for (;;) {
        if (!listed || w.relist) {
            json_t *obj = NULL;
            if (list_one(c, t, &w, &obj) != 0) {
                goto out;
            }
            listed = true;
            w.relist = false;
            if (obj == NULL) {
                if (o->kind == FOR_DELETE) {
                    res = WAIT_MET;
                    goto out;
                }
                cleanup_free char *rg = mapper_resource_group(t->r);
                fprintf(c->errout, "Error from server (NotFound): %s \"%s\" not found\n", rg,
                        t->name);
                goto out;
            }
            if (o->kind != FOR_DELETE) {
                int rc = check(o, obj, &w.error);
                if (rc != 0) {
                    w.met = rc > 0;
                    w.result = obj;
                    obj = NULL;
                }
            }
            json_decref(obj);
        }
        if (!w.met && w.error == NULL) {
            if (o->has_deadline && remaining_ns(o) <= 0) {
                res = WAIT_TIMEOUT;
                goto out;
            }
            int rc = watch_once(c, o, t, &w);
            if (rc == 2) {
                res = WAIT_TIMEOUT;
                goto out;
            }
            if (rc != 0) {
                goto out;
            }
        }
        if (w.error != NULL) {
            ctl_error(c, "%s", w.error);
            goto out;
        }
        if (w.met) {
            res = WAIT_MET;
            *result = steal_ptr(&w.result);
            goto out;
        }
    }
out:
    json_decref(w.result);
    free(w.error);
    free(w.rv);
    return res;
}

/* ---- per object ---- */

static void print_met(struct ctl *c, const struct wait_opts *o, const struct waited *t,
                      const json_t *obj)
{
    cleanup_json json_t *shown = json_deep_copy(obj);
    if (json_object_get(shown, "kind") == NULL) {
        json_object_set_new(shown, "kind", json_string(t->r->kind));
    }
    if (json_object_get(shown, "apiVersion") == NULL) {
        cleanup_free char *gv =
            *t->r->group ? xasprintf("%s/%s", t->r->group, t->r->version) : xstrdup(t->r->version);
        json_object_set_new(shown, "apiVersion", json_string(gv));
    }
    if (o->out_jp != NULL) {
        struct err e = {0};
        cleanup_free char *text = jsonpath_execute(o->out_jp, shown, true, &e);
        fputs(text ? text : "", c->out);
        fflush(c->out);
        return;
    }
    bool typed_output = strcmp(o->output, "json") == 0 || strcmp(o->output, "yaml") == 0;
    if (o->show_managed_fields && typed_output) {
        /* objects_print_result drops managed fields */
        cleanup_free char *text =
            strcmp(o->output, "json") == 0 ? printers_json(shown) : yamlx_dump(shown);
        fputs(text, c->out);
        fflush(c->out);
        return;
    }
    cleanup_free char *display = objects_display(t->r, t->name);
    objects_print_result(c, shown, display, "condition met", o->output, DRY_RUN_NONE, false);
}

/* "timed out waiting for the condition on pods/p1". */
static int timed_out(struct ctl *c, const struct waited *t)
{
    return ctl_error(c, "timed out waiting for the condition on %s/%s", t->r->resource, t->name);
}

/* info.ObjectName(): "pods/p1", "deployments.apps/web". */
static int not_met(struct ctl *c, const struct waited *t)
{
    cleanup_free char *rg = mapper_resource_group(t->r);
    return ctl_error(c, "condition not met for %s/%s", rg, t->name);
}

/* GETs the object. Returns 0 with *obj (new), 0 with *obj NULL on 404 when quiet_404, or 1
 * after printing the error. */
static int get_object(struct ctl *c, const struct waited *t, bool quiet_404, json_t **obj)
{
    *obj = NULL;
    cleanup_free char *base = mapper_collection_path(t->r, t->ns);
    cleanup_free char *path = xasprintf("%s/%s", base, t->name);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    int status = 0;
    if (resp.status == 404 && quiet_404) {
        status = 0;
    } else if (resp.status < 200 || resp.status > 299) {
        status = ctl_api_error(c, &resp);
    } else {
        *obj = json_loads(resp.body ? resp.body : "", 0, NULL);
        if (*obj == NULL) {
            status = ctl_error(c, "invalid JSON answer from %s", path);
        }
    }
    http_response_free(&resp);
    return status;
}

/* IsDeleted. */
static int wait_deleted(struct ctl *c, const struct wait_opts *o, const struct waited *t,
                        const json_t *info_obj)
{
    cleanup_json json_t *gotten = NULL;
    if (get_object(c, t, true, &gotten) != 0) {
        return 1;
    }
    if (gotten == NULL) {
        print_met(c, o, t, info_obj);
        return 0;
    }
    if (o->timeout_ns == 0) {
        return not_met(c, t);
    }
    cleanup_json json_t *ignored = NULL;
    switch (list_and_watch(c, o, t, &ignored)) {
    case WAIT_MET:
        print_met(c, o, t, gotten);
        return 0;
    case WAIT_TIMEOUT:
        return timed_out(c, t);
    default:
        return 1;
    }
}

/* getObjAndCheckCondition. */
static int wait_condition(struct ctl *c, const struct wait_opts *o, const struct waited *t)
{
    if (o->timeout_ns == 0) {
        cleanup_json json_t *gotten = NULL;
        if (get_object(c, t, false, &gotten) != 0) {
            return 1;
        }
        cleanup_free char *error = NULL;
        int rc = check(o, gotten, &error);
        if (rc < 0) {
            return ctl_error(c, "%s", error);
        }
        if (rc == 0) {
            return not_met(c, t);
        }
        print_met(c, o, t, gotten);
        return 0;
    }
    if (o->has_deadline && remaining_ns(o) <= 0) {
        return timed_out(c, t);
    }
    cleanup_json json_t *result = NULL;
    switch (list_and_watch(c, o, t, &result)) {
    case WAIT_MET:
        print_met(c, o, t, result);
        return 0;
    case WAIT_TIMEOUT:
        return timed_out(c, t);
    default:
        return 1;
    }
}

/* The condition function for one visited object (info_obj from the builder). */
static int wait_one(struct ctl *c, const struct wait_opts *o, const struct waited *t,
                    const json_t *info_obj)
{
    switch (o->kind) {
    case FOR_DELETE:
        return wait_deleted(c, o, t, info_obj);
    case FOR_CREATE:
        print_met(c, o, t, info_obj);
        return 0;
    default:
        return wait_condition(c, o, t);
    }
}

/* ---- the resource builder ---- */

/* What the command line names: objects (by name, from -f) or one type with a selection. */
struct wait_targets {
    struct target *named; /* TYPE NAME / TYPE/NAME */
    size_t nnamed;
    struct manifest *files;
    size_t nfiles;
    const struct mapper_resource *type_only; /* -l / --all */
};

static void targets_free(struct wait_targets *w)
{
    objects_targets_free(w->named, w->nnamed);
    objects_manifests_free(w->files, w->nfiles);
}

/* Resolves the arguments (after discovery). Returns 0 or prints the error and returns 1. */
static int resolve_targets(struct ctl *c, struct wait_opts *o, struct cli_strv *args,
                           struct wait_targets *w)
{
    if (o->files.n == 0 && args->n == 0) {
        return ctl_error(c, "You must provide one or more resources by argument or filename.\n"
                            "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
                            "'--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    if (o->files.n > 0) {
        return objects_read(c, &o->files, o->recursive, &w->files, &w->nfiles) != 0 ||
               ctl_discover(c) != 0;
    }
    if (ctl_discover(c) != 0 ||
        objects_targets(c, args->v, args->n, true, &w->named, &w->nnamed, &w->type_only) != 0) {
        return 1;
    }
    bool selecting =
        o->all || (o->selector && *o->selector) || (o->field_selector && *o->field_selector);
    if (w->type_only != NULL && !selecting) {
        return ctl_error(c, "resource(s) were provided, but no name was specified");
    }
    return 0;
}

/* Where a named object lives: the -n namespace for namespaced types. */
static const char *target_ns(struct ctl *c, const struct mapper_resource *r, const char *ns)
{
    if (!r->namespaced) {
        return NULL;
    }
    return ns && *ns ? ns : c->ns;
}

/* Lists the selected objects of the type. Returns 0 with *items (new) or 1 (printed). */
static int list_selected(struct ctl *c, const struct wait_opts *o, const struct mapper_resource *r,
                         json_t **items)
{
    cleanup_free char *base = mapper_collection_path(r, o->all_namespaces ? NULL : c->ns);
    char *q = xstrdup("");
    ctl_query_add(&q, "fieldSelector",
                  o->field_selector && *o->field_selector ? o->field_selector : NULL);
    ctl_query_add(&q, "labelSelector", o->selector && *o->selector ? o->selector : NULL);
    cleanup_free char *path = *q ? xasprintf("%s?%s", base, q + 1) : xstrdup(base);
    free(q);
    cleanup_json json_t *list = NULL;
    if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &list) != 0) {
        return 1;
    }
    *items = json_incref(json_object_get(list, "items"));
    if (*items == NULL) {
        *items = json_array();
    }
    return 0;
}

/* kubectl's builder continues after a failed object (ContinueOnError) and prints the errors
 * at the end: while one object is handled, its error lines go to a buffer. */
struct capture {
    FILE *saved;
    char *buf;
    size_t len;
};

static void capture_begin(struct ctl *c, struct capture *cap)
{
    *cap = (struct capture){.saved = c->errout};
    FILE *mem = open_memstream(&cap->buf, &cap->len);
    if (mem == NULL) {
        abort();
    }
    c->errout = mem;
}

/* Ends the capture; a failure's text (without its last newline) is added to errors. */
static void capture_end(struct ctl *c, struct capture *cap, int rc, struct cli_strv *errors)
{
    fclose(c->errout);
    c->errout = cap->saved;
    if (rc != 0 && cap->len > 0) {
        if (cap->buf[cap->len - 1] == '\n') {
            cap->buf[cap->len - 1] = '\0';
        }
        cli_strv_add(errors, cap->buf);
    }
    free(cap->buf);
}

/* Fetches one named object and, when wait is set, waits on it. Returns 0, or 1 after
 * printing. A missing object sets *missing (quietly for delete and create's poll). */
static int visit_named(struct ctl *c, const struct wait_opts *o, const struct waited *t, bool wait,
                       size_t *visited, bool *missing)
{
    cleanup_json json_t *obj = NULL;
    if (get_object(c, t, o->kind == FOR_DELETE || !wait, &obj) != 0) {
        return 1;
    }
    if (obj == NULL) {
        *missing = true;
        return 0;
    }
    (*visited)++;
    return wait ? wait_one(c, o, t, obj) : 0;
}

/* Visits every target: fetch, then wait_one when wait is set. Counts visits in *visited;
 * *missing tells a 404 was met (create's poll, which stops at the first failure). With wait,
 * failures go on to the next object and their lines are collected in errors. Returns 0 or 1
 * (a failure that ends the visit). */
static int visit(struct ctl *c, const struct wait_opts *o, const struct wait_targets *w, bool wait,
                 size_t *visited, bool *missing, struct cli_strv *errors)
{
    *visited = 0;
    size_t total = w->nfiles + w->nnamed;
    for (size_t i = 0; i < total; i++) {
        struct waited t;
        if (i < w->nfiles) {
            struct err e = {0};
            const json_t *m = w->files[i].obj;
            const struct mapper_resource *r = mapper_for_kind(
                &c->mapper, jpath_get_string(m, "apiVersion"), jpath_get_string(m, "kind"), &e);
            if (r == NULL) {
                return ctl_error(c, "%s", e.msg);
            }
            const char *name = jpath_get_string(m, "metadata.name");
            t = (struct waited){r, target_ns(c, r, jpath_get_string(m, "metadata.namespace")),
                                name ? name : ""};
        } else {
            const struct target *n = &w->named[i - w->nfiles];
            t = (struct waited){n->r, target_ns(c, n->r, NULL), n->name};
        }
        if (!wait) {
            if (visit_named(c, o, &t, false, visited, missing) != 0) {
                return 1;
            }
            if (*missing) {
                return 0;
            }
            continue;
        }
        struct capture cap;
        capture_begin(c, &cap);
        int rc = visit_named(c, o, &t, true, visited, missing);
        capture_end(c, &cap, rc, errors);
    }
    if (w->type_only != NULL) {
        cleanup_json json_t *items = NULL;
        if (list_selected(c, o, w->type_only, &items) != 0) {
            return 1;
        }
        if (!wait) {
            (*visited)++; /* the list itself is found */
            return 0;
        }
        size_t k;
        json_t *item;
        json_array_foreach (items, k, item) {
            struct waited t = {
                w->type_only,
                target_ns(c, w->type_only, jpath_get_string(item, "metadata.namespace")),
                jpath_get_string(item, "metadata.name")};
            if (t.name == NULL) {
                continue;
            }
            (*visited)++;
            struct capture cap;
            capture_begin(c, &cap);
            capture_end(c, &cap, wait_one(c, o, &t, item), errors);
        }
    }
    return 0;
}

/* --for=create: polls the targets every 500ms until all exist. Returns 0 or 1 (printed). */
static int poll_created(struct ctl *c, const struct wait_opts *o, const struct wait_targets *w)
{
    for (;;) {
        size_t visited = 0;
        bool missing = false;
        if (visit(c, o, w, false, &visited, &missing, NULL) != 0) {
            return 1;
        }
        if (!missing && visited > 0) {
            return 0;
        }
        int64_t left = o->has_deadline ? remaining_ns(o) : 0;
        if (left <= 0) {
            return ctl_error(c, "timed out waiting for the condition");
        }
        sleep_ns(left < 500 * DURATION_MS ? left : 500 * DURATION_MS);
    }
}

/* ---- the command ---- */

static int check_output(struct ctl *c, struct wait_opts *o)
{
    if (strncmp(o->output, "jsonpath=", 9) == 0) {
        struct err e = {0};
        o->out_jp = jsonpath_parse(o->output + 9, &e);
        if (o->out_jp == NULL) {
            return ctl_error(c, "error parsing jsonpath %s, %s", o->output + 9, e.msg);
        }
        return 0;
    }
    static const char *const later[] = {"go-template",   "go-template-file", "jsonpath-as-json",
                                        "jsonpath-file", "template",         "templatefile"};
    size_t len = strcspn(o->output, "=");
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        if (strlen(later[i]) == len && strncmp(o->output, later[i], len) == 0) {
            return ctl_error(c, "output format \"%s\" is not implemented by %s yet", o->output,
                             c->prog);
        }
    }
    return objects_check_output(c, o->output);
}

static int run_wait(struct ctl *c, struct wait_opts *o, struct cli_strv *args)
{
    struct wait_targets w = {0};
    int status = 1;
    if (ctl_connect(c) != 0 || resolve_targets(c, o, args, &w) != 0) {
        goto out;
    }
    if (o->kind == FOR_CREATE && poll_created(c, o, &w) != 0) {
        goto out;
    }
    size_t visited = 0;
    bool missing = false;
    struct cli_strv errors = {0};
    if (visit(c, o, &w, true, &visited, &missing, &errors) != 0) {
        cli_strv_free(&errors);
        goto out;
    }
    if (errors.n > 0) {
        /* one error as it is; several each on a line without "error: " (CheckErr) */
        for (size_t i = 0; i < errors.n; i++) {
            const char *line = errors.v[i];
            if (errors.n > 1 && strncmp(line, "error: ", 7) == 0) {
                line += 7;
            }
            fprintf(c->errout, "%s\n", line);
        }
        cli_strv_free(&errors);
        goto out;
    }
    if (visited == 0 && o->kind != FOR_DELETE) {
        ctl_error(c, "no matching resources found");
        goto out;
    }
    status = 0;
out:
    targets_free(&w);
    return status;
}

int cmd_wait(struct ctl *c, int argc, char **argv)
{
    struct wait_opts o = {.for_arg = "", .timeout_arg = "30s", .output = ""};
    const char *template = "";
    bool allow_missing = true;
    struct cli_flag flags[] = {
        {"for", 0, CLI_STRING, &o.for_arg, false},
        {"timeout", 0, CLI_STRING, &o.timeout_arg, false},
        {"selector", 'l', CLI_STRING, &o.selector, false},
        {"field-selector", 0, CLI_STRING, &o.field_selector, false},
        {"all", 0, CLI_BOOL, &o.all, false},
        {"all-namespaces", 'A', CLI_BOOL, &o.all_namespaces, false},
        {"filename", 'f', CLI_STRING_SLICE, &o.files, false},
        {"recursive", 'R', CLI_BOOL, &o.recursive, false},
        {"local", 0, CLI_BOOL, &o.local, false},
        {"output", 'o', CLI_STRING, &o.output, false},
        {"show-managed-fields", 0, CLI_BOOL, &o.show_managed_fields, false},
        {"allow-missing-template-keys", 0, CLI_BOOL, &allow_missing, false},
        {"template", 0, CLI_STRING, &template, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    struct cli_strv args = {0};
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    struct err e = {0};
    if (duration_parse(o.timeout_arg, &o.timeout_ns, &e) != 0) {
        fprintf(c->errout,
                "Error: invalid argument \"%s\" for \"--timeout\" flag: %s\nSee '%s %s --help' "
                "for usage.\n",
                o.timeout_arg, e.msg, c->prog, c->cmd_path);
        status = 1;
        goto out;
    }
    if (o.timeout_ns < 0) {
        o.timeout_ns = 168 * DURATION_HOUR; /* "negative means wait for a week" */
    }
    if (check_output(c, &o) != 0 || parse_for(c, &o) != 0) {
        status = 1;
        goto out;
    }
    if (o.timeout_ns > 0) {
        struct timespec now = now_rt();
        int64_t at = (int64_t)now.tv_nsec + o.timeout_ns % DURATION_SECOND;
        o.deadline.tv_sec =
            now.tv_sec + (time_t)(o.timeout_ns / DURATION_SECOND) + (time_t)(at / DURATION_SECOND);
        o.deadline.tv_nsec = (long)(at % DURATION_SECOND);
        o.has_deadline = true;
    }
    srand((unsigned)now_rt().tv_nsec ^ (unsigned)getpid());
    status = run_wait(c, &o, &args);
out:
    fflush(c->out);
    jsonpath_free(o.jp);
    jsonpath_free(o.out_jp);
    free(o.jp_value);
    free(o.cond_buf);
    cli_strv_free(&o.files);
    cli_strv_free(&args);
    return status;
}
