/* libmicrohttpd glue for the API server. Requests are buffered, then handled synchronously on
 * the worker thread that read them; a watch answers with a callback response that suspends its
 * connection while it has nothing to send. A ticker thread resumes parked watches every second
 * so that timeoutSeconds ends them on time. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "apimetrics.h"
#include "cleanup.h"
#include "convert.h"
#include "discovery.h"
#include "fileio.h"
#include "jpatch.h"
#include "kproto.h"
#include "log.h"
#include "metrics.h"
#include "nodeauthz.h"
#include "openapi.h"
#include "policy_cache.h"
#include "rbac.h"
#include "requestinfo.h"
#include "resources.h"
#include "rest.h"
#include "status.h"
#include "table.h"
#include "xalloc.h"
#include "yamlx.h"

#define MAX_BODY_BYTES (3u * 1024 * 1024) /* kube-apiserver's default request size limit */
#define WATCH_BLOCK    (64u * 1024)

struct request;

/* One listening port; each daemon's callbacks get theirs. */
struct listener {
    struct apiserver *s;
    bool secure;
    struct MHD_Daemon *daemon;
};

struct apiserver {
    struct apiserver_config cfg;
    struct listener plain, secure;
    char *cert_pem, *key_pem, *ca_pem;
    struct rest *rest;
    struct apimetrics *metrics;
    pthread_t ticker;
    bool ticker_started;
    atomic_bool stopping;
    pthread_mutex_t mu; /* guards the watch list */
    struct request *watches;
};

struct request {
    struct apiserver *s;
    struct MHD_Connection *conn;
    bool authenticated;
    bool trusted; /* the loopback learning port: no authorization */
    struct user_info user;
    char *body;
    size_t len, cap;
    bool too_large;
    /* watch streaming */
    struct rest_watch *watch;
    pthread_mutex_t mu; /* guards parked and closed */
    bool parked;
    bool closed;           /* the connection is gone: never resume it again */
    atomic_bool peer_gone; /* the client hung up while its watch was idle */
    bool wake_pending;     /* output arrived while the reader was deciding to park */
    struct request *prev, *next;
    /* metrics: what was asked, when, and the code answered */
    struct request_info ri;
    bool resolved;
    bool counted_inflight;
    bool mutating;
    bool dry_run;
    const char *metric_verb;
    int code;
    struct timespec started;
    json_t *warnings; /* texts of the answer's Warning headers (rest_call.warnings) */
};

/* The request this worker thread is answering: a request runs top to bottom on one thread, so
 * send_text can note the code for the metrics without every caller passing it along. */
static _Thread_local struct request *current_request;

/* ---- Responses ---- */

/* One `Warning: 299 - "text"` header per warning, as k8s.io/apiserver's warning recorder
 * writes them (quotes and backslashes escaped). */
static void add_warning_headers(struct MHD_Response *resp, const json_t *warnings)
{
    size_t i;
    const json_t *w;
    json_array_foreach (warnings, i, w) {
        const char *text = json_string_value(w);
        char *value = xmalloc(strlen(text) * 2 + 16);
        char *p = value + sprintf(value, "299 - \"");
        for (const char *c = text; *c; c++) {
            if (*c == '"' || *c == '\\') {
                *p++ = '\\';
            }
            *p++ = *c;
        }
        strcpy(p, "\"");
        MHD_add_response_header(resp, "Warning", value);
        free(value);
    }
}

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned code, const char *type,
                                 char *text, size_t len)
{
    if (current_request != NULL && current_request->conn == conn) {
        current_request->code = (int)code;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
    if (current_request != NULL && current_request->conn == conn) {
        add_warning_headers(resp, current_request->warnings);
    }
    enum MHD_Result rc = MHD_queue_response(conn, code, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* Takes ownership of body. */
static enum MHD_Result send_json(struct MHD_Connection *conn, unsigned code, json_t *body,
                                 const char *type)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return send_text(conn, code, type ? type : "application/json", text, strlen(text));
}

/* Whether discovery lists verb for the resource (a NULL-ended, bounded list). */
static bool resource_serves_verb(const struct resource *res, const char *verb)
{
    for (size_t i = 0; i < RESOURCE_MAX_VERBS && res->verbs[i] != NULL; i++) {
        if (strcmp(res->verbs[i], verb) == 0) {
            return true;
        }
    }
    return false;
}

static enum MHD_Result send_status(struct MHD_Connection *conn, json_t *status)
{
    return send_json(conn, (unsigned)status_code(status), status, NULL);
}

/* ---- Non-resource paths ---- */

static json_t *version_info(void)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "major", "1", "minor", "32",
                     "gitVersion", "v1.32.0-c8s", "gitCommit", "c8s", "gitTreeState", "clean",
                     "buildDate", "2026-11-23T00:00:00Z", "goVersion", "c11", "compiler", "gcc",
                     "platform", "linux/amd64");
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result serve_discovery(struct request *r, const struct request_info *ri)
{
    struct MHD_Connection *conn = r->conn;
    const char *path = ri->path;
    const char *accept = header(conn, "Accept");
    if (strcmp(path, "/api") == 0 || strcmp(path, "/api/") == 0) {
        if (discovery_wants_aggregated(accept)) {
            return send_json(conn, 200, discovery_aggregated(true),
                             DISCOVERY_AGGREGATED_CONTENT_TYPE);
        }
        return send_json(conn, 200, discovery_api_versions(header(conn, "Host")), NULL);
    }
    if (strcmp(path, "/apis") == 0 || strcmp(path, "/apis/") == 0) {
        if (discovery_wants_aggregated(accept)) {
            return send_json(conn, 200, discovery_aggregated(false),
                             DISCOVERY_AGGREGATED_CONTENT_TYPE);
        }
        return send_json(conn, 200, discovery_api_group_list(), NULL);
    }
    json_t *doc = NULL;
    if (strcmp(ri->api_prefix, "api") == 0 && ri->api_version[0] != '\0') {
        doc = discovery_resource_list("", ri->api_version);
    } else if (strcmp(ri->api_prefix, "apis") == 0 && ri->api_version[0] != '\0') {
        doc = discovery_resource_list(ri->api_group, ri->api_version);
    } else if (strcmp(ri->api_prefix, "apis") == 0) {
        char group[256];
        if (sscanf(path, "/apis/%255[^/]", group) == 1) {
            doc = discovery_api_group(group);
        }
    }
    if (doc == NULL) {
        return send_status(conn, status_new(404, "NotFound",
                                            "the server could not find the "
                                            "requested resource",
                                            NULL, NULL, NULL));
    }
    return send_json(conn, 200, doc, NULL);
}

static enum MHD_Result serve_non_resource(struct request *r, const struct request_info *ri)
{
    struct MHD_Connection *conn = r->conn;
    const char *path = ri->path;
    if (strcmp(path, "/version") == 0) {
        return send_json(conn, 200, version_info(), NULL);
    }
    if (strcmp(path, "/metrics") == 0) {
        char *text = apimetrics_render(r->s->metrics);
        return send_text(conn, 200, METRICS_CONTENT_TYPE, text, strlen(text));
    }
    if (strcmp(path, "/healthz") == 0 || strcmp(path, "/livez") == 0 ||
        strcmp(path, "/readyz") == 0) {
        return send_text(conn, 200, "text/plain; charset=utf-8", xstrdup("ok"), 2);
    }
    if (strncmp(path, "/api", 4) == 0) {
        return serve_discovery(r, ri);
    }
    if (strcmp(path, "/openapi/v2") == 0) {
        const char *accept = header(conn, "Accept");
        if (accept != NULL && strstr(accept, "protobuf") != NULL) {
            size_t len = 0;
            const unsigned char *doc = openapi_v2_protobuf(&len);
            char *copy = xmalloc(len);
            memcpy(copy, doc, len);
            return send_text(conn, 200, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, copy, len);
        }
        return send_json(conn, 200, openapi_v2_json(), NULL);
    }
    if (strcmp(path, "/openapi/v3") == 0 || strcmp(path, "/openapi/v3/") == 0) {
        return send_json(conn, 200, openapi_v3_index(), NULL);
    }
    if (strncmp(path, "/openapi/v3/", 12) == 0) {
        char group[256] = "", version[64] = "";
        json_t *doc = NULL;
        if (sscanf(path, "/openapi/v3/api/%63[^/]", version) == 1) {
            doc = openapi_v3_group_version("", version);
        } else if (sscanf(path, "/openapi/v3/apis/%255[^/]/%63[^/]", group, version) == 2) {
            doc = openapi_v3_group_version(group, version);
        }
        if (doc != NULL) {
            return send_json(conn, 200, doc, NULL);
        }
    }
    return send_status(conn, status_new(404, "NotFound",
                                        "the server could not find the requested resource", NULL,
                                        NULL, NULL));
}

/* ---- Watches ---- */

static void watch_ready(void *data)
{
    struct request *r = data;
    pthread_mutex_lock(&r->mu);
    if (r->parked && !r->closed) {
        r->parked = false;
        MHD_resume_connection(r->conn);
    } else {
        r->wake_pending = true;
    }
    pthread_mutex_unlock(&r->mu);
}

static ssize_t read_watch(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct request *r = cls;
    bool ended = false;
    size_t n = rest_watch_read(r->watch, buf, max, &ended);
    if (n > 0) {
        return (ssize_t)n;
    }
    if (ended || atomic_load(&r->s->stopping) || atomic_load(&r->peer_gone)) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    /* Nothing to send: park until the watch has output (or the ticker checks the deadline).
     * Output that came after the read above left wake_pending: then ask again instead. The
     * suspend happens under r->mu so a wake-up can only resume a suspended connection. */
    pthread_mutex_lock(&r->mu);
    if (r->wake_pending) {
        r->wake_pending = false;
        pthread_mutex_unlock(&r->mu);
        return 0;
    }
    r->parked = true;
    MHD_suspend_connection(r->conn);
    pthread_mutex_unlock(&r->mu);
    return 0;
}

/* A parked watch's client sends nothing after its request, so a readable socket (EOF, a TLS
 * close_notify, an error) means it went away; libmicrohttpd does not poll suspended
 * connections, so without this an idle watch would outlive its client. */
static void check_peer(struct request *r)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == NULL) {
        return;
    }
    char byte;
    ssize_t n = recv(info->connect_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        atomic_store(&r->peer_gone, true);
    }
}

static void *ticker_main(void *data)
{
    struct apiserver *s = data;
    while (!atomic_load(&s->stopping)) {
        struct timespec tick = {.tv_sec = 1};
        nanosleep(&tick, NULL); /* a periodic timer, not a synchronisation */
        pthread_mutex_lock(&s->mu);
        for (struct request *r = s->watches; r != NULL; r = r->next) {
            pthread_mutex_lock(&r->mu);
            bool idle = r->parked && !r->closed;
            pthread_mutex_unlock(&r->mu);
            if (idle) {
                check_peer(r);
            }
            watch_ready(r);
        }
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

static enum MHD_Result start_watch(struct request *r, const struct rest_call *call)
{
    json_t *error = NULL;
    int code = 0;
    r->watch = rest_watch_start(r->s->rest, call, watch_ready, r, &error, &code);
    if (r->watch == NULL) {
        return send_status(r->conn, error);
    }
    pthread_mutex_lock(&r->s->mu);
    r->next = r->s->watches;
    if (r->next != NULL) {
        r->next->prev = r;
    }
    r->s->watches = r;
    pthread_mutex_unlock(&r->s->mu);
    r->code = 200;
    apimetrics_watching(r->s->metrics, &r->ri, +1);
    /* Long-running requests are not inflight ones, as kube-apiserver counts them. */
    if (r->counted_inflight) {
        apimetrics_inflight(r->s->metrics, r->mutating, -1);
        r->counted_inflight = false;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, WATCH_BLOCK, read_watch, r, NULL);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-cache, private");
    enum MHD_Result rc = MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* ---- Resource requests ---- */

static const char *query_param(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* ---- Authorization ---- */

static const char *query_param(void *ctx, const char *name);

static struct authz_attributes attributes_of(struct request *r, const struct request_info *ri)
{
    return (struct authz_attributes){
        .is_resource_request = ri->is_resource_request,
        .verb = ri->verb,
        .api_group = ri->api_group,
        .resource = ri->resource,
        .subresource = ri->subresource,
        .name = ri->name,
        .namespace_ = ri->namespace_,
        .path = ri->path,
        .field_selector = query_param(r->conn, "fieldSelector"),
    };
}

/* The --authorization-mode chain's answer; reason gets the authorizers' reasons on denial. */
static bool authorized_why(struct request *r, const struct authz_attributes *a,
                           char reason[AUTHZ_REASON_MAX])
{
    reason[0] = '\0';
    struct authz_chain *chain = r->s->cfg.authz;
    if (r->trusted || chain == NULL) {
        return true;
    }
    return authz_chain_allows(chain, &r->user, a, reason);
}

static bool authorized(struct request *r, const struct authz_attributes *a)
{
    char reason[AUTHZ_REASON_MAX];
    return authorized_why(r, a, reason);
}

/* 403 with kube-apiserver's wording: the denial, then ": <reason>" when an authorizer gave one
 * (the Node authorizer does). */
static enum MHD_Result send_forbidden_why(struct request *r, const struct authz_attributes *a,
                                          const char *why)
{
    cleanup_free char *denial = rbac_denial_reason(&r->user, a);
    cleanup_free char *reason =
        why != NULL && why[0] != '\0' ? xasprintf("%s: %s", denial, why) : xstrdup(denial);
    if (!a->is_resource_request) {
        cleanup_free char *msg = xasprintf("forbidden: %s", reason);
        json_t *s = status_new(403, "Forbidden", msg, NULL, NULL, NULL);
        json_object_set_new(s, "details", json_object());
        return send_status(r->conn, s);
    }
    char qualified[300];
    if (a->subresource[0] != '\0') {
        snprintf(qualified, sizeof qualified, "%s/%s", a->resource, a->subresource);
    } else {
        snprintf(qualified, sizeof qualified, "%s", a->resource);
    }
    return send_status(r->conn, status_forbidden(a->api_group, qualified, a->name, reason));
}

/* 403 for a write an admission check refused: `<resource> "<name>" is forbidden: <reason>`. */
static enum MHD_Result send_admission_forbidden(struct request *r, const struct authz_attributes *a,
                                                const char *reason)
{
    char qualified[300];
    if (a->subresource[0] != '\0') {
        snprintf(qualified, sizeof qualified, "%s/%s", a->resource, a->subresource);
    } else {
        snprintf(qualified, sizeof qualified, "%s", a->resource);
    }
    return send_status(r->conn, status_forbidden(a->api_group, qualified, a->name, reason));
}

/* What a PATCH of a role or binding would store: the stored object (or {} when absent, as
 * server-side apply creates) with the patch applied. RBAC objects have no strategic merge keys,
 * so a strategic patch merges maps and replaces lists like a merge patch. NULL when the patch
 * does not apply (the REST handler reports why). New reference. */
static json_t *patched_object(struct request *r, const struct request_info *ri,
                              const struct resource *res)
{
    cleanup_free char *key =
        res->namespaced ? xasprintf("/registry/%s/%s/%s", res->plural, ri->namespace_, ri->name)
                        : xasprintf("/registry/%s/%s", res->plural, ri->name);
    struct etcd3_kv kv = {0};
    cleanup_json json_t *current = NULL;
    if (etcd3_get(r->s->cfg.storage, key, &kv, NULL, NULL) == 0) {
        current = json_loadb(kv.value, kv.value_len, 0, NULL);
        etcd3_kv_free(&kv);
    }
    if (current == NULL) {
        current = json_object();
    }
    const char *type = header(r->conn, "Content-Type");
    type = type ? type : "";
    const char *body = r->body ? r->body : "";
    struct err e = {0};
    if (strncmp(type, "application/apply-patch+yaml", 28) == 0) {
        cleanup_json json_t *applied = yamlx_load(body, r->len, &e);
        return applied ? jpatch_merge_apply(current, applied, &e) : NULL;
    }
    cleanup_json json_t *patch = json_loadb(body, r->len, 0, NULL);
    if (patch == NULL) {
        return NULL;
    }
    if (strncmp(type, "application/json-patch+json", 27) == 0) {
        return jpatch_json_apply(current, patch, &e);
    }
    if (strncmp(type, "application/strategic-merge-patch+json", 38) == 0) {
        return jpatch_smp_apply(current, patch, NULL, &e);
    }
    return jpatch_merge_apply(current, patch, &e);
}

/* Privilege escalation prevention on roles and bindings (as kube-apiserver's RBAC storage):
 * a user may write a role only with rules they already hold (or the escalate verb), and bind
 * a role only when they hold its rules (or the bind verb). Create, update and patch (the patched
 * result) are checked. Returns true with *result set when the request is refused. */
static bool refuse_escalation(struct request *r, const struct request_info *ri,
                              const struct resource *res, enum MHD_Result *result)
{
    struct policy_cache *cache = r->s->cfg.policy;
    bool patch = strcmp(ri->verb, "patch") == 0;
    if (cache == NULL || r->trusted || strcmp(res->group, "rbac.authorization.k8s.io") != 0 ||
        ri->subresource[0] != '\0' ||
        (strcmp(ri->verb, "create") != 0 && strcmp(ri->verb, "update") != 0 && !patch)) {
        return false;
    }
    cleanup_json json_t *obj =
        patch ? patched_object(r, ri, res) : json_loadb(r->body ? r->body : "", r->len, 0, NULL);
    if (obj == NULL) {
        return false; /* the REST handler reports the bad body */
    }
    const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
    name = name ? name : ri->name;
    bool is_binding = strstr(res->plural, "bindings") != NULL;
    const char *ns = res->namespaced ? ri->namespace_ : "";
    struct rbac_policy policy;
    void *token = policy_cache_acquire(cache, &policy);
    json_t *rules = NULL;
    bool allowed = false;
    if (is_binding) {
        const json_t *ref = json_object_get(obj, "roleRef");
        const char *kind = json_string_value(json_object_get(ref, "kind"));
        struct authz_attributes bind = {
            .is_resource_request = true,
            .verb = "bind",
            .api_group = "rbac.authorization.k8s.io",
            .resource = kind && strcmp(kind, "ClusterRole") == 0 ? "clusterroles" : "roles",
            .subresource = "",
            .name = json_string_value(json_object_get(ref, "name")) ?: "",
            .namespace_ = ns,
        };
        allowed = rbac_allows(&policy, &r->user, &bind);
        rules = rbac_role_rules(&policy, ref, ns);
    } else {
        struct authz_attributes escalate = {
            .is_resource_request = true,
            .verb = "escalate",
            .api_group = "rbac.authorization.k8s.io",
            .resource = res->plural,
            .subresource = "",
            .name = name ? name : "",
            .namespace_ = ns,
        };
        allowed = rbac_allows(&policy, &r->user, &escalate);
        rules = json_incref(json_object_get(obj, "rules"));
    }
    char *missing = NULL;
    if (!allowed) {
        allowed = rbac_rules_covered(&policy, &r->user, rules, ns, &missing);
    }
    json_decref(rules);
    policy_cache_release(cache, token);
    if (allowed) {
        return false;
    }
    cleanup_free char *groups = rbac_groups_text(&r->user);
    cleanup_free char *detail = xasprintf("user \"%s\" (groups=%s) is attempting to grant RBAC "
                                          "permissions not currently held:\n%s",
                                          r->user.name, groups, missing ? missing : "");
    free(missing);
    *result = send_status(r->conn, status_forbidden(res->group, res->plural, name, detail));
    return true;
}

/* NodeRestriction: a kubelet writes only its own Node, its pods and its lease. */
static bool refuse_node_write(struct request *r, const struct request_info *ri,
                              enum MHD_Result *result)
{
    struct nodeauthz *node = authz_chain_node(r->s->cfg.authz);
    if (node == NULL || r->trusted || nodeauthz_node_name(&r->user) == NULL ||
        strcmp(ri->verb, "get") == 0 || strcmp(ri->verb, "list") == 0 ||
        strcmp(ri->verb, "watch") == 0) {
        return false;
    }
    cleanup_json json_t *body =
        r->len > 0 && r->body != NULL ? json_loadb(r->body, r->len, 0, NULL) : NULL;
    struct authz_attributes a = attributes_of(r, ri);
    char reason[AUTHZ_REASON_MAX];
    if (nodeauthz_admit(node, &r->user, &a, body, reason)) {
        return false;
    }
    const char *name =
        json_string_value(json_object_get(json_object_get(body, "metadata"), "name"));
    if (a.name[0] == '\0' && name != NULL) {
        a.name = name;
    }
    *result = send_admission_forbidden(r, &a, reason);
    return true;
}

/* POST .../selfsubjectaccessreviews (may I? `kubectl auth can-i`) and .../subjectaccessreviews
 * (may spec.user with spec.groups? — what webhooks and `kubectl auth can-i --as` rely on). */
static enum MHD_Result serve_access_review(struct request *r, const struct resource *review_kind)
{
    cleanup_json json_t *review = json_loadb(r->body ? r->body : "", r->len, 0, NULL);
    json_t *spec = json_object_get(review, "spec");
    json_t *res = json_object_get(spec, "resourceAttributes");
    json_t *nonres = json_object_get(spec, "nonResourceAttributes");
    if (res == NULL && nonres == NULL) {
        return send_status(r->conn, status_bad_request("spec.resourceAttributes or "
                                                       "spec.nonResourceAttributes is required"));
    }
#define FIELD(obj, name) (json_string_value(json_object_get(obj, name)) ?: "")
    struct authz_attributes a = {
        .is_resource_request = res != NULL,
        .verb = res != NULL ? FIELD(res, "verb") : FIELD(nonres, "verb"),
        .api_group = FIELD(res, "group"),
        .resource = FIELD(res, "resource"),
        .subresource = FIELD(res, "subresource"),
        .name = FIELD(res, "name"),
        .namespace_ = FIELD(res, "namespace"),
        .path = FIELD(nonres, "path"),
    };
#undef FIELD
    bool allowed = false;
    if (strcmp(review_kind->plural, "subjectaccessreviews") == 0) {
        struct request as_subject = *r;
        memset(&as_subject.user, 0, sizeof as_subject.user);
        snprintf(as_subject.user.name, sizeof as_subject.user.name, "%s",
                 json_string_value(json_object_get(spec, "user")) ?: "");
        size_t i;
        json_t *g;
        json_array_foreach (json_object_get(spec, "groups"), i, g) {
            struct user_info *u = &as_subject.user;
            if (u->ngroups < AUTHN_MAX_GROUPS && json_is_string(g)) {
                snprintf(u->groups[u->ngroups++], sizeof u->groups[0], "%s", json_string_value(g));
            }
        }
        as_subject.trusted = false;
        allowed = authorized(&as_subject, &a);
    } else {
        allowed = authorized(r, &a);
    }
    json_t *out =
        json_pack("{s:s,s:s,s:{s:n},s:O,s:{s:b}}", "kind", review_kind->kind, "apiVersion",
                  "authorization.k8s.io/v1", "metadata", "creationTimestamp", "spec",
                  spec ? spec : json_object(), "status", "allowed", allowed);
    return send_json(r->conn, 201, out, NULL);
}

/* The PolicyRules a SelfSubjectRulesReview lists: resource rules and non-resource rules apart. */
static void split_rules(const json_t *rules, json_t *resource_rules, json_t *non_resource_rules)
{
    size_t i;
    json_t *rule;
    json_array_foreach (rules, i, rule) {
        json_t *verbs = json_object_get(rule, "verbs");
        json_t *urls = json_object_get(rule, "nonResourceURLs");
        if (json_array_size(urls) > 0) {
            json_array_append_new(non_resource_rules,
                                  json_pack("{s:O,s:O}", "verbs", verbs, "nonResourceURLs", urls));
            continue;
        }
        json_t *out = json_pack("{s:O}", "verbs", verbs);
        const char *fields[] = {"apiGroups", "resources", "resourceNames"};
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            json_t *v = json_object_get(rule, fields[f]);
            if (json_array_size(v) > 0) {
                json_object_set(out, fields[f], v);
            }
        }
        json_array_append_new(resource_rules, out);
    }
}

/* POST .../selfsubjectrulesreviews (`kubectl auth can-i --list`): what the caller may do in
 * spec.namespace, from RBAC (everything under AlwaysAllow). */
static enum MHD_Result serve_rules_review(struct request *r)
{
    cleanup_json json_t *review = json_loadb(r->body ? r->body : "", r->len, 0, NULL);
    json_t *spec = json_object_get(review, "spec");
    const char *ns = json_string_value(json_object_get(spec, "namespace")) ?: "";
    json_t *resource_rules = json_array();
    json_t *non_resource_rules = json_array();
    struct policy_cache *cache = r->s->cfg.policy;
    if (cache == NULL) {
        json_array_append_new(resource_rules, json_pack("{s:[s],s:[s],s:[s]}", "verbs", "*",
                                                        "apiGroups", "*", "resources", "*"));
        json_array_append_new(non_resource_rules,
                              json_pack("{s:[s],s:[s]}", "verbs", "*", "nonResourceURLs", "*"));
    } else {
        struct rbac_policy policy;
        void *token = policy_cache_acquire(cache, &policy);
        cleanup_json json_t *rules = rbac_user_rules(&policy, &r->user, ns);
        policy_cache_release(cache, token);
        split_rules(rules, resource_rules, non_resource_rules);
    }
    json_t *out =
        json_pack("{s:s,s:s,s:{s:n},s:{s:s},s:{s:o,s:o,s:b}}", "kind", "SelfSubjectRulesReview",
                  "apiVersion", "authorization.k8s.io/v1", "metadata", "creationTimestamp", "spec",
                  "namespace", ns, "status", "resourceRules", resource_rules, "nonResourceRules",
                  non_resource_rules, "incomplete", false);
    return send_json(r->conn, 201, out, NULL);
}

/* POST /apis/authentication.k8s.io/v1/selfsubjectreviews: who the server thinks you are
 * (`kubectl auth whoami`). */
static enum MHD_Result serve_self_subject_review(struct request *r)
{
    json_t *review =
        json_pack("{s:s,s:s,s:{s:n},s:{s:o}}", "kind", "SelfSubjectReview", "apiVersion",
                  "authentication.k8s.io/v1", "metadata", "creationTimestamp", "status", "userInfo",
                  authn_user_json(&r->user));
    return send_json(r->conn, 201, review, NULL);
}

static enum MHD_Result serve_resource(struct request *r, const struct request_info *ri)
{
    struct MHD_Connection *conn = r->conn;
    const struct resource *res = resources_find(ri->api_group, ri->api_version, ri->resource);
    if (res == NULL) {
        return send_status(conn, status_new(404, "NotFound",
                                            "the server could not find the requested resource",
                                            NULL, NULL, NULL));
    }
    if (res->namespaced == false && strcmp(ri->resource, "namespaces") != 0 &&
        ri->namespace_[0] != '\0') {
        return send_status(conn, status_new(404, "NotFound",
                                            "the server could not find the requested resource",
                                            NULL, NULL, NULL));
    }
    const char *content_type = header(conn, "Content-Type");
    /* kubectl's typed clients send Kubernetes protobuf: turn it into the JSON it stands for. */
    if (content_type != NULL && strncmp(content_type, KPROTO_CONTENT_TYPE, 35) == 0 && r->len > 0) {
        struct err e = {0};
        json_t *obj = kproto_decode(r->body, r->len, &e);
        if (obj == NULL) {
            return send_status(conn, e.code == ENOTSUP ? status_unsupported_media_type(
                                                             "application/json, application/yaml, "
                                                             "application/vnd.kubernetes.protobuf")
                                                       : status_bad_request(e.msg));
        }
        free(r->body);
        r->body = json_dumps(obj, JSON_COMPACT);
        r->len = strlen(r->body);
        r->cap = r->len + 1;
        json_decref(obj);
        content_type = "application/json";
    }
    struct rest_call call = {
        .info = ri,
        .resource = res,
        .body = r->body,
        .body_len = r->len,
        .content_type = content_type,
        .query = query_param,
        .query_ctx = conn,
        .user = &r->user,
        .user_agent = header(conn, "User-Agent"),
    };
    if (r->warnings == NULL) {
        r->warnings = json_array();
    }
    call.warnings = r->warnings;
    if (strcmp(res->group, "authentication.k8s.io") == 0) {
        return serve_self_subject_review(r);
    }
    if (strcmp(res->plural, "selfsubjectrulesreviews") == 0) {
        return serve_rules_review(r);
    }
    if (strcmp(res->group, "authorization.k8s.io") == 0) {
        return serve_access_review(r, res);
    }
    enum MHD_Result refused;
    if (refuse_escalation(r, ri, res, &refused) || refuse_node_write(r, ri, &refused)) {
        return refused;
    }
    bool as_table = ri->subresource[0] == '\0' && table_wanted(header(conn, "Accept"));
    enum table_include include = table_parse_include(query_param(conn, "includeObject"));
    if (strcmp(ri->verb, "watch") == 0) {
        if (!resource_serves_verb(res, "watch")) { /* componentstatuses: get and list only */
            return send_status(conn, status_method_not_allowed());
        }
        call.as_table = as_table;
        call.table_include = (int)include;
        return start_watch(r, &call);
    }
    int code = 0;
    json_t *out = rest_handle(r->s->rest, &call, &code);
    if (code == 200 && as_table &&
        (strcmp(ri->verb, "get") == 0 || strcmp(ri->verb, "list") == 0)) {
        json_t *table = convert_table_build(res, out, include, time(NULL));
        json_decref(out);
        return send_json(conn, 200, table, "application/json;as=Table;v=v1;g=meta.k8s.io");
    }
    return send_json(conn, (unsigned)code, out, NULL);
}

/* ---- Authentication ---- */

/* The client certificate, when the TLS layer got one that chains to --client-ca-file.
 * *presented tells whether the client sent any certificate at all. */
static bool verified_peer_certificate(struct MHD_Connection *conn, gnutls_datum_t *der,
                                      bool *presented)
{
    *presented = false;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL) {
        return false;
    }
    gnutls_session_t session = (gnutls_session_t)info->tls_session;
    unsigned int count = 0;
    const gnutls_datum_t *certs = gnutls_certificate_get_peers(session, &count);
    *presented = certs != NULL && count > 0;
    unsigned int status = 0;
    if (certs == NULL || count == 0 ||
        gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS || status != 0) {
        return false;
    }
    *der = certs[0];
    return true;
}

static bool authenticate(struct apiserver *s, struct MHD_Connection *conn, struct user_info *user)
{
    gnutls_datum_t der = {0};
    bool presented = false;
    bool have_cert =
        s->cfg.client_ca_file != NULL && verified_peer_certificate(conn, &der, &presented);
    if (presented && !have_cert && s->cfg.client_ca_file != NULL) {
        /* As kube-apiserver: a certificate that does not verify is an error, never anonymous. */
        LOG_V(2, "client certificate refused", "reason=\"%s\"",
              "x509: certificate signed by unknown authority");
        return false;
    }
    int rc = authn_authenticate(s->cfg.authn, have_cert ? der.data : NULL, der.size,
                                header(conn, "Authorization"), user);
    if (rc != 0) {
        LOG_V(2, "unauthenticated request refused", NULL);
        return false;
    }
    return true;
}

/* ---- Impersonation (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go) ---- */

#define IMPERSONATE_EXTRA "Impersonate-Extra-"

struct impersonation {
    const char *user, *uid;
    const char *groups[AUTHN_MAX_GROUPS];
    size_t ngroups;
    struct user_extra extra[AUTHN_MAX_EXTRA];
    size_t nextra;
    bool overflow;
};

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Extra keys travel %-escaped in header names (client-go escapes "/" and other bytes a header
 * name cannot hold): decoded in place as url.PathUnescape, left as sent when malformed. */
static void unescape_extra_key(char *key)
{
    for (const char *p = key; *p; p++) {
        if (*p == '%' && (hex_digit(p[1]) < 0 || hex_digit(p[2]) < 0)) {
            return;
        }
    }
    char *out = key;
    for (const char *p = key; *p; p++) {
        if (*p == '%') {
            *out++ = (char)(hex_digit(p[1]) * 16 + hex_digit(p[2]));
            p += 2;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
}

static enum MHD_Result collect_impersonation(void *cls, enum MHD_ValueKind kind, const char *key,
                                             const char *value)
{
    (void)kind;
    struct impersonation *imp = cls;
    if (value == NULL) {
        return MHD_YES;
    }
    if (strcasecmp(key, "Impersonate-User") == 0) {
        imp->user = value;
    } else if (strcasecmp(key, "Impersonate-Uid") == 0) {
        imp->uid = value;
    } else if (strcasecmp(key, "Impersonate-Group") == 0) {
        if (imp->ngroups < AUTHN_MAX_GROUPS - 1) {
            imp->groups[imp->ngroups++] = value;
        } else {
            imp->overflow = true;
        }
    } else if (strncasecmp(key, IMPERSONATE_EXTRA, strlen(IMPERSONATE_EXTRA)) == 0) {
        if (imp->nextra < AUTHN_MAX_EXTRA) {
            struct user_extra *x = &imp->extra[imp->nextra++];
            /* Header names are case-insensitive: Kubernetes lowercases extra keys. */
            const char *k = key + strlen(IMPERSONATE_EXTRA);
            size_t i = 0;
            for (; k[i] != '\0' && i + 1 < sizeof x->key; i++) {
                x->key[i] = (char)(k[i] >= 'A' && k[i] <= 'Z' ? k[i] - 'A' + 'a' : k[i]);
            }
            x->key[i] = '\0';
            unescape_extra_key(x->key);
            snprintf(x->value, sizeof x->value, "%s", value);
        } else {
            imp->overflow = true;
        }
    }
    return MHD_YES;
}

/* Checks that the requester may impersonate one thing (the verb impersonate on users, groups,
 * serviceaccounts, uids or userextras/<key>); answers 403 otherwise. */
static bool may_impersonate(struct request *r, const char *resource, const char *subresource,
                            const char *ns, const char *name, enum MHD_Result *result)
{
    struct authz_attributes a = {
        .is_resource_request = true,
        .verb = "impersonate",
        .api_group = "",
        .resource = resource,
        .subresource = subresource,
        .name = name,
        .namespace_ = ns,
        .path = "",
    };
    char why[AUTHZ_REASON_MAX];
    if (authorized_why(r, &a, why)) {
        return true;
    }
    *result = send_forbidden_why(r, &a, why);
    return false;
}

/* Impersonate-User, -Group, -Uid and -Extra-*: when the requester may impersonate each of them
 * the request runs as that user (kubectl --as, --as-group). Returns true when the request was
 * answered (refused) with *result set; false to go on (as the impersonated user, or unchanged
 * without headers). */
static bool impersonate(struct request *r, enum MHD_Result *result)
{
    struct impersonation imp = {0};
    MHD_get_connection_values(r->conn, MHD_HEADER_KIND, collect_impersonation, &imp);
    if (imp.user == NULL && imp.uid == NULL && imp.ngroups == 0 && imp.nextra == 0) {
        return false;
    }
    if (imp.user == NULL || imp.overflow) {
        *result = send_status(
            r->conn, status_internal(imp.user == NULL ? "requested impersonation of groups, uid "
                                                        "or extra without impersonating a user"
                                                      : "too many impersonation headers"));
        return true;
    }
    struct user_info as = {0};
    snprintf(as.name, sizeof as.name, "%s", imp.user);
    static const char sa_prefix[] = "system:serviceaccount:";
    char ns[REQUESTINFO_PART_MAX] = "", sa[REQUESTINFO_PART_MAX] = "";
    bool is_sa = strncmp(imp.user, sa_prefix, strlen(sa_prefix)) == 0 &&
                 sscanf(imp.user + strlen(sa_prefix), "%253[^:]:%253s", ns, sa) == 2;
    if (is_sa ? !may_impersonate(r, "serviceaccounts", "", ns, sa, result)
              : !may_impersonate(r, "users", "", "", imp.user, result)) {
        return true;
    }
    for (size_t i = 0; i < imp.ngroups; i++) {
        if (!may_impersonate(r, "groups", "", "", imp.groups[i], result)) {
            return true;
        }
        authn_add_group(&as, imp.groups[i]);
    }
    for (size_t i = 0; i < imp.nextra; i++) {
        if (!may_impersonate(r, "userextras", imp.extra[i].key, "", imp.extra[i].value, result)) {
            return true;
        }
        as.extra[as.nextra++] = imp.extra[i];
    }
    if (imp.uid != NULL) {
        if (!may_impersonate(r, "uids", "", "", imp.uid, result)) {
            return true;
        }
        snprintf(as.uid, sizeof as.uid, "%s", imp.uid);
    }
    if (is_sa && imp.ngroups == 0) {
        char group[300];
        snprintf(group, sizeof group, "system:serviceaccounts:%s", ns);
        authn_add_group(&as, "system:serviceaccounts");
        authn_add_group(&as, group);
    }
    bool add_authenticated = strcmp(as.name, "system:anonymous") != 0;
    for (size_t i = 0; i < as.ngroups; i++) {
        if (strcmp(as.groups[i], "system:authenticated") == 0 ||
            strcmp(as.groups[i], "system:unauthenticated") == 0) {
            add_authenticated = false;
        }
    }
    if (add_authenticated) {
        authn_add_group(&as, "system:authenticated");
    }
    LOG_V(4, "impersonating", "user=%s as=%s", r->user.name, as.name);
    r->user = as;
    return false;
}

/* ---- libmicrohttpd callbacks ---- */

static void note_request(struct request *r, const struct request_info *ri, const char *method);

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct listener *l = cls;
    struct apiserver *s = l->s;
    struct request *r = *con_cls;
    if (r == NULL) {
        r = xcalloc(1, sizeof *r);
        r->s = s;
        r->conn = conn;
        clock_gettime(CLOCK_MONOTONIC, &r->started);
        pthread_mutex_init(&r->mu, NULL);
        *con_cls = r;
        if (l->secure) {
            r->authenticated = authenticate(s, conn, &r->user);
        } else {
            /* The loopback learning port trusts its caller, as the old insecure port did. */
            r->authenticated = true;
            r->trusted = true;
            snprintf(r->user.name, sizeof r->user.name, "system:admin");
            snprintf(r->user.groups[0], sizeof r->user.groups[0], "system:masters");
            r->user.ngroups = 1;
        }
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (r->len + *upload_size > MAX_BODY_BYTES) {
            r->too_large = true;
        } else {
            if (r->len + *upload_size + 1 > r->cap) {
                r->cap = (r->len + *upload_size + 1) * 2;
                r->body = xrealloc(r->body, r->cap);
            }
            memcpy(r->body + r->len, upload_data, *upload_size);
            r->len += *upload_size;
            r->body[r->len] = '\0';
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (!r->authenticated) {
        return send_status(conn, status_unauthorized());
    }
    if (r->too_large) {
        return send_status(conn, status_too_large("Request entity too large: limit is 3145728"));
    }
    struct request_info ri;
    requestinfo_resolve(method, url, query_param(conn, "watch"), query_param(conn, "fieldSelector"),
                        &ri);
    LOG_V(4, "request", "verb=%s path=%s user=%s", ri.verb, url, r->user.name);
    note_request(r, &ri, method);
    current_request = r;
    enum MHD_Result rc;
    struct authz_attributes attrs = attributes_of(r, &ri);
    char why[AUTHZ_REASON_MAX];
    if (impersonate(r, &rc)) {
        /* refused: rc holds the answer */
    } else if (!authorized_why(r, &attrs, why)) {
        rc = send_forbidden_why(r, &attrs, why);
    } else if (!ri.is_resource_request) {
        rc = serve_non_resource(r, &ri);
    } else {
        rc = serve_resource(r, &ri);
    }
    current_request = NULL;
    return rc;
}

/* What the metrics need to know of a request once it is resolved. */
static void note_request(struct request *r, const struct request_info *ri, const char *method)
{
    const char *type = header(r->conn, "Content-Type");
    bool apply = type != NULL && strncmp(type, "application/apply-patch+yaml", 28) == 0;
    const char *dry_run = query_param(r->conn, "dryRun");
    r->ri = *ri;
    r->resolved = true;
    r->metric_verb = apimetrics_verb(ri, method, apply);
    r->dry_run = dry_run != NULL && dry_run[0] != '\0';
    r->mutating =
        strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
    r->counted_inflight = true;
    apimetrics_inflight(r->s->metrics, r->mutating, +1);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct apiserver *s = ((struct listener *)cls)->s;
    struct request *r = *con_cls;
    if (r == NULL) {
        return;
    }
    pthread_mutex_lock(&r->mu);
    r->closed = true;
    pthread_mutex_unlock(&r->mu);
    if (r->resolved) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double seconds =
            (double)(now.tv_sec - r->started.tv_sec) + (now.tv_nsec - r->started.tv_nsec) / 1e9;
        /* A connection that went before an answer is counted as kube-apiserver logs it. */
        apimetrics_request_done(s->metrics, &r->ri, r->metric_verb, r->code ? r->code : 499,
                                r->dry_run, seconds);
    }
    if (r->counted_inflight) {
        apimetrics_inflight(s->metrics, r->mutating, -1);
    }
    if (r->watch != NULL) {
        apimetrics_watching(s->metrics, &r->ri, -1);
        pthread_mutex_lock(&s->mu);
        if (r->prev != NULL) {
            r->prev->next = r->next;
        } else if (s->watches == r) {
            s->watches = r->next;
        }
        if (r->next != NULL) {
            r->next->prev = r->prev;
        }
        pthread_mutex_unlock(&s->mu);
        rest_watch_free(r->watch);
    }
    pthread_mutex_destroy(&r->mu);
    free(r->body);
    json_decref(r->warnings);
    free(r);
    *con_cls = NULL;
}

static int start_listener(struct apiserver *s, struct listener *l, const char *address, int port,
                          bool secure, struct err *err)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, address, &addr.sin_addr) != 1) {
        return err_set(err, EINVAL, "bind address %s: not an IPv4 address", address);
    }
    struct MHD_OptionItem tls[4] = {{MHD_OPTION_END, 0, NULL}};
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
    if (secure) {
        size_t k = 0;
        flags |= MHD_USE_TLS;
        tls[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem};
        tls[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert_pem};
        if (s->ca_pem != NULL) {
            tls[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, s->ca_pem};
        }
        tls[k] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    }
    l->s = s;
    l->secure = secure;
    l->daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, l, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_THREAD_POOL_SIZE, s->cfg.threads ? s->cfg.threads : 4u,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, l, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)10000, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
    if (l->daemon == NULL) {
        return err_set(err, EADDRINUSE, "listen on %s:%d: address in use or not available", address,
                       port);
    }
    return 0;
}

struct apiserver *apiserver_start(const struct apiserver_config *cfg, struct err *err)
{
    bool secure = cfg->secure_port > 0 && cfg->tls_cert_file != NULL;
    if (cfg->insecure_port <= 0 && !secure) {
        err_set(err, EINVAL,
                "no port to serve: give --tls-cert-file and --tls-private-key-file for "
                "--secure-port, or --insecure-port for a loopback learning port");
        return NULL;
    }
    if (cfg->insecure_port > 0) {
        struct in_addr a;
        if (inet_pton(AF_INET, cfg->bind_address, &a) != 1 || (ntohl(a.s_addr) >> 24) != 127) {
            err_set(err, EINVAL,
                    "--insecure-bind-address %s: the plain-HTTP port serves loopback only",
                    cfg->bind_address);
            return NULL;
        }
    }
    struct apiserver *s = xcalloc(1, sizeof *s);
    s->cfg = *cfg;
    s->rest = cfg->rest;
    s->metrics = apimetrics_new();
    pthread_mutex_init(&s->mu, NULL);
    if (secure &&
        ((s->cert_pem = file_read_pem(cfg->tls_cert_file, "--tls-cert-file", err)) == NULL ||
         (s->key_pem = file_read_pem(cfg->tls_key_file ? cfg->tls_key_file : "",
                                     "--tls-private-key-file", err)) == NULL ||
         (cfg->client_ca_file != NULL &&
          (s->ca_pem = file_read_pem(cfg->client_ca_file, "--client-ca-file", err)) == NULL))) {
        apiserver_stop(s);
        return NULL;
    }
    if ((cfg->insecure_port > 0 &&
         start_listener(s, &s->plain, cfg->bind_address, cfg->insecure_port, false, err) != 0) ||
        (secure && start_listener(s, &s->secure, cfg->secure_bind_address, cfg->secure_port, true,
                                  err) != 0)) {
        apiserver_stop(s);
        return NULL;
    }
    pthread_create(&s->ticker, NULL, ticker_main, s);
    s->ticker_started = true;
    return s;
}

void apiserver_stop(struct apiserver *s)
{
    if (s == NULL) {
        return;
    }
    atomic_store(&s->stopping, true);
    if (s->ticker_started) {
        pthread_join(s->ticker, NULL);
    }
    pthread_mutex_lock(&s->mu);
    for (struct request *r = s->watches; r != NULL; r = r->next) {
        watch_ready(r);
    }
    pthread_mutex_unlock(&s->mu);
    if (s->plain.daemon != NULL) {
        MHD_stop_daemon(s->plain.daemon);
    }
    if (s->secure.daemon != NULL) {
        MHD_stop_daemon(s->secure.daemon);
    }
    free(s->cert_pem);
    free(s->key_pem);
    free(s->ca_pem);
    apimetrics_free(s->metrics);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
