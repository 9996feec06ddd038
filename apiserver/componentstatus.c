/* core/v1 componentstatuses as Kubernetes 1.32's pkg/registry/core/componentstatus computes them:
 * nothing is stored; each GET or LIST probes the scheduler and the controller-manager at their
 * default secure ports (/healthz over HTTPS, certificates not checked) and etcd (etcd-0: the
 * --etcd-servers members through their /health), and reports one Healthy condition each. */
#include "componentstatus.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "http_client.h"
#include "rest_internal.h"
#include "status.h"
#include "xalloc.h"

#define PROBE_TIMEOUT_MS 20000 /* componentstatus' probeTimeOut */
#define PROBE_BODY_MAX   10240 /* the HTTP prober keeps at most 10 KiB of a body */
#define DEPRECATION_TEXT "v1 ComponentStatus is deprecated in v1.19+"
#define SCHEDULER_URL    "https://127.0.0.1:10259/healthz"
#define CONTROLLER_URL   "https://127.0.0.1:10257/healthz"

/* The components in the order the list shows them (kube's order is a map's: unspecified). */
static const char *const component_names[] = {"controller-manager", "etcd-0", "scheduler"};

json_t *componentstatus_make(const char *name, const char *status, const char *message,
                             const char *error)
{
    json_t *condition = json_pack("{s:s,s:s}", "type", "Healthy", "status", status);
    if (message != NULL && message[0] != '\0') {
        json_object_set_new(condition, "message", json_string(message));
    }
    if (error != NULL && error[0] != '\0') {
        json_object_set_new(condition, "error", json_string(error));
    }
    return json_pack("{s:s,s:s,s:{s:s,s:n},s:[o]}", "kind", "ComponentStatus", "apiVersion", "v1",
                     "metadata", "name", name, "creationTimestamp", "conditions", condition);
}

/* HttpServer.DoServerCheck: a transport error is Unknown with the error, a status outside
 * 200-399 is False with "HTTP probe failed with statuscode: N", anything else True with the
 * body as message. */
static json_t *probe_http(const char *name, const char *url)
{
    struct http_config cfg = {
        .insecure_skip_verify = true,
        .connect_timeout_ms = PROBE_TIMEOUT_MS,
        .timeout_ms = PROBE_TIMEOUT_MS,
        .user_agent = "c8s-apiserver",
        .retry = {.max_attempts = 1},
    };
    struct err e = {0};
    struct http_client *http = http_client_new(&cfg, &e);
    if (http == NULL) {
        return componentstatus_make(name, "Unknown", NULL, e.msg);
    }
    struct http_response resp = {0};
    int rc = http_do(http, "GET", url, NULL, NULL, 0, &resp, &e);
    http_client_free(http);
    if (rc < 0) {
        return componentstatus_make(name, "Unknown", NULL, e.msg);
    }
    json_t *out;
    if (resp.status < 200 || resp.status >= 400) {
        cleanup_free char *msg = xasprintf("HTTP probe failed with statuscode: %ld", resp.status);
        out = componentstatus_make(name, "False", msg, NULL);
    } else {
        cleanup_free char *body = xstrndup(resp.body != NULL ? resp.body : "", PROBE_BODY_MAX);
        out = componentstatus_make(name, "True", body, NULL);
    }
    http_response_free(&resp);
    return out;
}

/* EtcdServer.DoServerCheck: "ok" when the store answers, else False with the error. The
 * members are asked in turn, as kube's etcd client would fail over among them. */
static json_t *probe_etcd(struct etcd3 *storage)
{
    struct err e = {0};
    size_t n = etcd3_endpoint_count(storage);
    for (size_t i = 0; i < n; i++) {
        e = (struct err){0};
        if (etcd3_endpoint_health(storage, i, &e) == 0) {
            return componentstatus_make("etcd-0", "True", "ok", NULL);
        }
    }
    return componentstatus_make("etcd-0", "False", NULL, e.msg);
}

static json_t *probe(struct rest *r, const char *name)
{
    if (strcmp(name, "etcd-0") == 0) {
        return probe_etcd(r->storage);
    }
    return probe_http(name, strcmp(name, "scheduler") == 0 ? SCHEDULER_URL : CONTROLLER_URL);
}

static bool is_component(const char *name)
{
    for (size_t i = 0; i < sizeof component_names / sizeof component_names[0]; i++) {
        if (strcmp(component_names[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* One probe on its own thread, as kube-apiserver runs each in a goroutine: a slow component
 * does not hold up the others. */
struct probe_job {
    struct rest *r;
    const char *name;
    json_t *out;
    pthread_t thread;
    bool started;
};

static void *probe_thread(void *arg)
{
    struct probe_job *job = arg;
    job->out = probe(job->r, job->name);
    return NULL;
}

static json_t *serve_list(struct rest *r, const struct rest_call *call, int *code)
{
    struct rest_selectors sel = {0};
    json_t *invalid = rest_parse_selectors(call, &sel, code);
    if (invalid != NULL) {
        return invalid;
    }
    enum { NCOMPONENTS = sizeof component_names / sizeof component_names[0] };
    struct probe_job jobs[NCOMPONENTS] = {{0}};
    for (size_t i = 0; i < NCOMPONENTS; i++) {
        jobs[i] = (struct probe_job){.r = r, .name = component_names[i]};
        /* etcd's probe uses the calling thread's storage connection; the HTTP ones go aside. */
        if (strcmp(component_names[i], "etcd-0") != 0) {
            jobs[i].started = pthread_create(&jobs[i].thread, NULL, probe_thread, &jobs[i]) == 0;
        }
    }
    json_t *items = json_array();
    for (size_t i = 0; i < NCOMPONENTS; i++) {
        if (jobs[i].started) {
            pthread_join(jobs[i].thread, NULL);
        } else {
            jobs[i].out = probe(r, jobs[i].name);
        }
        if (rest_selected(call->resource, &sel, jobs[i].out)) {
            json_array_append_new(items, jobs[i].out);
        } else {
            json_decref(jobs[i].out);
        }
    }
    rest_selectors_free(&sel);
    return rest_answer(code, 200,
                       json_pack("{s:s,s:s,s:{},s:o}", "kind", "ComponentStatusList", "apiVersion",
                                 "v1", "metadata", "items", items));
}

json_t *componentstatus_serve(struct rest *r, const struct rest_call *call, int *code)
{
    rest_add_warning(call, DEPRECATION_TEXT);
    const char *verb = call->info->verb;
    if (strcmp(verb, "list") == 0) {
        return serve_list(r, call, code);
    }
    if (strcmp(verb, "get") != 0 || call->info->subresource[0] != '\0') {
        return rest_answer_status(code, status_method_not_allowed());
    }
    const char *name = call->info->name;
    if (!is_component(name)) {
        /* The registry's plain fmt error: a 500 with reason Unknown, as kube-apiserver sends. */
        cleanup_free char *msg = xasprintf("Component not found: %s", name);
        json_t *failure = status_new(500, "", msg, NULL, NULL, NULL);
        json_object_del(failure, "reason"); /* StatusReasonUnknown is "", omitted */
        return rest_answer_status(code, failure);
    }
    return rest_answer(code, 200, probe(r, name));
}
