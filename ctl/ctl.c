/* c8sctl's core (ctl.h): the command table and cobra-like dispatch, kubectl's global flags, the
 * kubeconfig with command-line overrides (clientcmd's ConfigOverrides), requests with kubectl's
 * headers, discovery, and the error lines of kubectl's cmdutil.CheckErr. */
#include "ctl.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "duration.h"
#include "log.h"
#include "xalloc.h"

struct command {
    const char *name;
    int (*run)(struct ctl *c, int argc, char **argv);
};

static int cmd_completion(struct ctl *c, int argc, char **argv);

/* Every kubectl 1.32 command in the order kubectl adds them, which is the order of cobra's
 * "Did you mean this?" suggestions. */
static const struct command COMMANDS[] = {
    {"create", cmd_create},
    {"expose", cmd_expose},
    {"run", cmd_run},
    {"set", cmd_set},
    {"explain", cmd_explain},
    {"get", cmd_get},
    {"edit", cmd_edit},
    {"delete", cmd_delete},
    {"rollout", cmd_rollout},
    {"scale", cmd_scale},
    {"autoscale", cmd_autoscale},
    {"certificate", cmd_not_implemented},
    {"cluster-info", cmd_cluster_info},
    {"top", cmd_top},
    {"cordon", cmd_cordon},
    {"uncordon", cmd_uncordon},
    {"drain", cmd_drain},
    {"taint", cmd_taint},
    {"describe", cmd_describe},
    {"logs", cmd_logs},
    {"attach", cmd_attach},
    {"exec", cmd_exec},
    {"port-forward", cmd_port_forward},
    {"proxy", cmd_proxy},
    {"cp", cmd_not_implemented},
    {"auth", cmd_auth},
    {"debug", cmd_not_implemented},
    {"events", cmd_events},
    {"diff", cmd_diff},
    {"apply", cmd_apply},
    {"patch", cmd_patch},
    {"replace", cmd_replace},
    {"wait", cmd_wait},
    {"kustomize", cmd_not_implemented},
    {"label", cmd_label},
    {"annotate", cmd_annotate},
    {"completion", cmd_completion},
    {"alpha", cmd_not_implemented},
    {"config", cmd_config},
    {"plugin", cmd_plugin},
    {"version", cmd_version},
    {"api-versions", cmd_api_versions},
    {"api-resources", cmd_api_resources},
    {"options", cmd_options},
    {"help", NULL},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

int cmd_not_implemented(struct ctl *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return ctl_error(c, "\"%s\" is not implemented by %s yet", c->cmd_path, c->prog);
}

/* ---- Output and errors ----------------------------------------------------------------- */

int ctl_error(struct ctl *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", c->errout);
    vfprintf(c->errout, fmt, ap);
    fputc('\n', c->errout);
    va_end(ap);
    return 1;
}

void ctl_klog(struct ctl *c, char severity, const char *source, const char *fmt, ...)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    localtime_r(&ts.tv_sec, &tm);
    fprintf(c->errout, "%c%02d%02d %02d:%02d:%02d.%06ld %7d %s] ", severity, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000, (int)getpid(), source);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->errout, fmt, ap);
    va_end(ap);
    fputc('\n', c->errout);
    fflush(c->errout);
}

int ctl_usage_error(struct ctl *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", c->errout);
    vfprintf(c->errout, fmt, ap);
    fprintf(c->errout, "\nSee '%s %s -h' for help and examples\n", c->prog, c->cmd_path);
    va_end(ap);
    return 1;
}

int ctl_transport_error(struct ctl *c, const struct err *e)
{
    if (strstr(e->msg, "connection refused") != NULL) {
        const char *host = c->kc.server ? c->kc.server : "";
        const char *scheme = strstr(host, "://");
        host = scheme ? scheme + 3 : host;
        size_t len = strcspn(host, "/");
        fprintf(c->errout,
                "The connection to the server %.*s was refused - did you specify the right host "
                "or port?\n",
                (int)len, host);
        return 1;
    }
    /* Go's url.Error prints `Get "URL": cause`; kubectl shows only the cause. */
    const char *cause = e->msg;
    const char *q = strstr(cause, "\": ");
    if (q != NULL && strchr(cause, '"') < q) {
        cause = q + 3;
    }
    fprintf(c->errout, "Unable to connect to the server: %s\n", cause);
    return 1;
}

/* apimachinery's NewGenericServerResponse: what a non-Status error answer means. */
static void generic_reason(long code, const char **reason, const char **message)
{
    switch (code) {
    case 400:
        *reason = "BadRequest", *message = "the server rejected our request for an unknown reason";
        break;
    case 401:
        *reason = "Unauthorized",
        *message = "the server has asked for the client to provide credentials";
        break;
    case 403:
        *reason = "Forbidden",
        *message = "the server does not allow access to the requested resource";
        break;
    case 404:
        *reason = "NotFound", *message = "the server could not find the requested resource";
        break;
    case 405:
        *reason = "MethodNotAllowed",
        *message = "the server does not allow this method on the requested resource";
        break;
    case 409:
        *reason = "Conflict", *message = "the server reported a conflict";
        break;
    case 415:
        *reason = "UnsupportedMediaType",
        *message = "the server responded with the status code 415 but did not return more "
                   "information";
        break;
    case 429:
        *reason = "TooManyRequests", *message = "the server has received too many requests and has "
                                                "asked us to try again later";
        break;
    case 503:
        *reason = "ServiceUnavailable", *message = "the server is currently unable to handle the "
                                                   "request";
        break;
    default:
        *reason = "InternalError", *message = "an error on the server has prevented the request "
                                              "from succeeding";
        break;
    }
}

char *ctl_api_error_text(const struct http_response *resp, const char *prefix)
{
    cleanup_json json_t *st = resp->body ? json_loads(resp->body, 0, NULL) : NULL;
    const char *kind = json_string_value(json_object_get(st, "kind"));
    if (kind == NULL || strcmp(kind, "Status") != 0) {
        const char *reason, *message;
        generic_reason(resp->status, &reason, &message);
        return xasprintf("Error from server (%s): %s%s", reason, prefix ? prefix : "", message);
    }
    const char *reason = json_string_value(json_object_get(st, "reason"));
    const char *message = json_string_value(json_object_get(st, "message"));
    const json_t *details = json_object_get(st, "details");
    if (reason != NULL && strcmp(reason, "Invalid") == 0 && details != NULL) {
        /* cmdutil.checkErr: built from details and causes, not from the message. */
        const char *dkind = json_string_value(json_object_get(details, "kind"));
        const char *dname = json_string_value(json_object_get(details, "name"));
        const json_t *causes = json_object_get(details, "causes");
        char *head = xasprintf("The %s \"%s\" is invalid", dkind ? dkind : "", dname ? dname : "");
        size_t n = json_array_size(causes);
        if (n == 0) {
            return head;
        }
        size_t cap = strlen(head) + 64;
        char *out = xmalloc(cap);
        size_t len = (size_t)snprintf(out, cap, "%s:%s", head, n > 1 ? "\n" : " ");
        free(head);
        for (size_t i = 0; i < n; i++) {
            const json_t *cause = json_array_get(causes, i);
            const char *field = json_string_value(json_object_get(cause, "field"));
            const char *msg = json_string_value(json_object_get(cause, "message"));
            char *line = xasprintf("%s%s: %s%s", n > 1 ? "* " : "", field ? field : "",
                                   msg ? msg : "", i + 1 < n ? "\n" : "");
            out = xrealloc(out, len + strlen(line) + 1);
            memcpy(out + len, line, strlen(line) + 1);
            len += strlen(line);
            free(line);
        }
        return out;
    }
    if (reason != NULL && strcmp(reason, "Unauthorized") == 0) {
        return xasprintf("error: You must be logged in to the server (%s%s)", prefix ? prefix : "",
                         message ? message : "");
    }
    if (reason != NULL && *reason != '\0') {
        return xasprintf("Error from server (%s): %s%s", reason, prefix ? prefix : "",
                         message ? message : "");
    }
    return xasprintf("Error from server: %s%s", prefix ? prefix : "", message ? message : "");
}

int ctl_api_error(struct ctl *c, const struct http_response *resp)
{
    char *text = ctl_api_error_text(resp, NULL);
    fprintf(c->errout, "%s\n", text);
    free(text);
    return 1;
}

/* Whether kubectl's command reads the namespace or REST config before anything else, and so
 * names a missing --context `context "x" does not exist`; the others (built on the resource
 * builder) print "Error in configuration: context was not found ...". Found by running each. */
static bool names_context_first(const char *cmd_path)
{
    static const char *const first[] = {
        "api-resources", "api-versions", "cluster-info", "version",  "auth",     "explain",
        "wait",          "drain",        "cordon",       "uncordon", "run",      "apply",
        "autoscale",     "expose",       "replace",      "diff",     "top node", "create",
    };
    if (strcmp(cmd_path, "create token") == 0) {
        return false;
    }
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
        size_t n = strlen(first[i]);
        if (strncmp(cmd_path, first[i], n) == 0 && (cmd_path[n] == '\0' || cmd_path[n] == ' ')) {
            return true;
        }
    }
    return false;
}

/* ---- Impersonation --------------------------------------------------------------------- */

static void header_add(char ***lines, size_t *n, const char *name, const char *value)
{
    *lines = xrealloc(*lines, (*n + 2) * sizeof **lines);
    (*lines)[(*n)++] = xasprintf("%s: %s", name, value);
    (*lines)[*n] = NULL;
}

/* "Impersonate-Extra-<key>" with the bytes a header name cannot hold (and '%') %-escaped, as
 * client-go's headerKeyEscape does. Owned. */
static char *extra_header_name(const char *key)
{
    static const char token_punct[] = "!#$&'*+-.^_`|~";
    static const char prefix[] = "Impersonate-Extra-";
    char *out = xmalloc(sizeof prefix + strlen(key) * 3), *p = out + strlen(prefix);
    memcpy(out, prefix, strlen(prefix));
    for (const unsigned char *k = (const unsigned char *)key; *k; k++) {
        if (isalnum(*k) || (*k != '\0' && strchr(token_punct, *k) != NULL)) {
            *p++ = (char)*k;
        } else {
            p += sprintf(p, "%%%02X", *k);
        }
    }
    *p = '\0';
    return out;
}

/* The Impersonate-* headers of client-go: --as/--as-group/--as-uid, each replacing the
 * kubeconfig user's as/as-groups/as-uid; as-user-extra only comes from the kubeconfig.
 * Returns 0, or prints client-go's error when groups, uid or extras come without a user. */
static int impersonation_headers(struct ctl *c, const json_t *config)
{
    const json_t *entry = c->kc.user ? kubeconfig_find(config, "users", c->kc.user) : NULL;
    const char *as =
        c->as_user && *c->as_user ? c->as_user : json_string_value(json_object_get(entry, "as"));
    const char *uid =
        c->as_uid && *c->as_uid ? c->as_uid : json_string_value(json_object_get(entry, "as-uid"));
    const json_t *groups = json_object_get(entry, "as-groups");
    const json_t *extra = json_object_get(entry, "as-user-extra");
    bool has_groups = c->as_groups.n > 0 || json_array_size(groups) > 0;
    if (as == NULL || *as == '\0') {
        if ((uid && *uid) || has_groups || json_object_size(extra) > 0) {
            return ctl_error(c,
                             "requesting uid, groups or user-extra for %s without impersonating a "
                             "user",
                             c->kc.user ? c->kc.user : "");
        }
        return 0;
    }
    char **lines = NULL;
    size_t n = 0;
    header_add(&lines, &n, "Impersonate-User", as);
    if (uid && *uid) {
        header_add(&lines, &n, "Impersonate-Uid", uid);
    }
    if (c->as_groups.n > 0) {
        for (size_t i = 0; i < c->as_groups.n; i++) {
            header_add(&lines, &n, "Impersonate-Group", c->as_groups.v[i]);
        }
    } else {
        size_t i;
        const json_t *g;
        json_array_foreach (groups, i, g) {
            if (json_is_string(g)) {
                header_add(&lines, &n, "Impersonate-Group", json_string_value(g));
            }
        }
    }
    const char *key;
    const json_t *values;
    json_object_foreach ((json_t *)extra, key, values) {
        cleanup_free char *name = extra_header_name(key);
        size_t i;
        const json_t *v;
        json_array_foreach (values, i, v) {
            if (json_is_string(v)) {
                header_add(&lines, &n, name, json_string_value(v));
            }
        }
    }
    c->impersonate_headers = lines;
    return 0;
}

/* ---- Flags ----------------------------------------------------------------------------- */

static struct cli_flag *make_global_flags(struct ctl *c)
{
    struct cli_flag table[] = {
        {"kubeconfig", 0, CLI_STRING, &c->kubeconfig_path, false},
        {"context", 0, CLI_STRING, &c->context, false},
        {"cluster", 0, CLI_STRING, &c->cluster, false},
        {"user", 0, CLI_STRING, &c->user, false},
        {"namespace", 'n', CLI_STRING, &c->namespace_flag, false},
        {"server", 's', CLI_STRING, &c->server, false},
        {"token", 0, CLI_STRING, &c->token, false},
        {"certificate-authority", 0, CLI_STRING, &c->ca_file, false},
        {"client-certificate", 0, CLI_STRING, &c->cert_file, false},
        {"client-key", 0, CLI_STRING, &c->key_file, false},
        {"tls-server-name", 0, CLI_STRING, &c->tls_server_name, false},
        {"insecure-skip-tls-verify", 0, CLI_BOOL, &c->insecure, false},
        {"request-timeout", 0, CLI_STRING, &c->request_timeout, false},
        {"cache-dir", 0, CLI_STRING, &c->cache_dir, false},
        {"v", 'v', CLI_INT, &c->verbosity, false},
        {"as", 0, CLI_STRING, &c->as_user, false},
        {"as-group", 0, CLI_STRING_ARRAY, &c->as_groups, false},
        {"as-uid", 0, CLI_STRING, &c->as_uid, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    struct cli_flag *out = xmalloc(sizeof table);
    memcpy(out, table, sizeof table);
    return out;
}

bool ctl_parse(struct ctl *c, struct cli_flag *local, int argc, char **argv, struct cli_strv *args,
               int *status)
{
    struct err e = {0};
    int rc = cli_parse(c->global_flags, local, argc, argv, args, &e);
    if (rc < 0) {
        fprintf(c->errout, "Error: %s\nSee '%s %s --help' for usage.\n", e.msg, c->prog,
                c->cmd_path);
        *status = 1;
        return false;
    }
    if (rc == 1) {
        fprintf(c->out, "Usage:\n  %s %s [flags] [options]\n\nFlags:\n", c->prog, c->cmd_path);
        for (struct cli_flag *f = local; f != NULL && f->name != NULL; f++) {
            if (f->shorthand) {
                fprintf(c->out, "    -%c, --%s\n", f->shorthand, f->name);
            } else {
                fprintf(c->out, "    --%s\n", f->name);
            }
        }
        *status = 0;
        return false;
    }
    log_set_verbosity(c->verbosity);
    return true;
}

bool ctl_parse_flags(struct ctl *c, struct cli_flag *local, int argc, char **argv, int *status)
{
    struct cli_strv args = {0};
    bool go_on = ctl_parse(c, local, argc, argv, &args, status);
    cli_strv_free(&args);
    return go_on;
}

/* ---- Configuration --------------------------------------------------------------------- */

int ctl_load_config(struct ctl *c)
{
    if (c->config != NULL) {
        return 0;
    }
    struct err e = {0};
    if (kubeconfig_load(c->kubeconfig_path, &c->config, &e) != 0) {
        return ctl_error(c, "%s", e.msg);
    }
    return 0;
}

static void replace_str(char **slot, const char *value)
{
    free(*slot);
    *slot = value ? xstrdup(value) : NULL;
}

int ctl_connect(struct ctl *c)
{
    if (c->http != NULL) {
        return 0;
    }
    if (ctl_load_config(c) != 0) {
        return 1;
    }
    struct err e = {0};
    cleanup_json json_t *config = json_deep_copy(c->config);
    const char *ctx_name = c->context && *c->context
                               ? c->context
                               : json_string_value(json_object_get(config, "current-context"));
    json_t *ctx = ctx_name ? kubeconfig_find(config, "contexts", ctx_name) : NULL;
    if (ctx != NULL && c->cluster != NULL && *c->cluster) {
        json_object_set_new(ctx, "cluster", json_string(c->cluster));
    }
    if (ctx != NULL && c->user != NULL && *c->user) {
        json_object_set_new(ctx, "user", json_string(c->user));
    }
    if (kubeconfig_resolve(config, c->context, &c->kc, &e) != 0) {
        if (strstr(e.msg, "context was not found") != NULL) {
            if (names_context_first(c->cmd_path)) {
                return ctl_error(c, "context \"%s\" does not exist", c->context);
            }
            fprintf(c->errout, "Error in configuration: %s\n", e.msg);
            return 1;
        }
        return ctl_error(c, "%s", e.msg);
    }
    c->kc_ready = true;
    if (impersonation_headers(c, config) != 0) {
        return 1;
    }
    struct kubeconfig *kc = &c->kc;
    if (c->server && *c->server) {
        replace_str(&kc->server, c->server);
    }
    if (c->token && *c->token) {
        replace_str(&kc->token, c->token);
    }
    if (c->ca_file && *c->ca_file) {
        replace_str(&kc->ca_file, c->ca_file);
        free(kc->ca_data);
        kc->ca_data = NULL;
    }
    if (c->cert_file && *c->cert_file) {
        replace_str(&kc->client_cert_file, c->cert_file);
        free(kc->client_cert_data);
        kc->client_cert_data = NULL;
    }
    if (c->key_file && *c->key_file) {
        replace_str(&kc->client_key_file, c->key_file);
        free(kc->client_key_data);
        kc->client_key_data = NULL;
    }
    if (c->tls_server_name && *c->tls_server_name) {
        replace_str(&kc->tls_server_name, c->tls_server_name);
    }
    if (c->insecure) {
        kc->insecure_skip_tls_verify = true;
    }
    if (c->namespace_flag && *c->namespace_flag) {
        c->ns = c->namespace_flag;
        c->ns_explicit = true;
    } else {
        c->ns = kc->namespace ? kc->namespace : "default";
    }
    int64_t timeout_ns = 0;
    if (c->request_timeout && *c->request_timeout) {
        const char *t = c->request_timeout;
        char *bare = NULL;
        if (strspn(t, "0123456789") == strlen(t)) { /* a plain number means seconds */
            bare = xasprintf("%ss", t);
            t = bare;
        }
        int rc = duration_parse(t, &timeout_ns, &e);
        free(bare);
        if (rc != 0) {
            return ctl_error(c, "invalid timeout value. Timeout must be a single integer in "
                                "seconds, or an integer followed by a corresponding time unit "
                                "(e.g. 1s | 2m | 3h)");
        }
    }
    c->http_cfg = (struct http_config){
        .base_url = kc->server,
        .ca_file = kc->ca_file,
        .ca_pem = (const char *)kc->ca_data,
        .cert_file = kc->client_cert_file,
        .key_file = kc->client_key_file,
        .cert_pem = (const char *)kc->client_cert_data,
        .key_pem = (const char *)kc->client_key_data,
        .bearer_token = kc->token,
        .insecure_skip_verify = kc->insecure_skip_tls_verify,
        .tls_server_name = kc->tls_server_name,
        .timeout_ms = timeout_ns / 1000000,
        .user_agent = "c8sctl/" CTL_VERSION " (linux/amd64) c8s",
        .retry = {.max_attempts = 1},
        .headers = (const char *const *)c->impersonate_headers,
    };
    c->http = http_client_new(&c->http_cfg, &e);
    if (c->http == NULL) {
        return ctl_error(c, "%s", e.msg);
    }
    return 0;
}

/* ---- Requests -------------------------------------------------------------------------- */

/* One warning-value of a Warning header (RFC 7234: code SP agent SP quoted-text [SP date]) from
 * *p: returns the code and the unquoted text (owned) in *text, and moves *p past it and its
 * comma. Returns -1 when the value does not parse (the rest of the header is then skipped). */
static int next_warning(const char **p, char **text)
{
    const char *s = *p;
    while (*s == ' ' || *s == ',') {
        s++;
    }
    if (*s == '\0' || strspn(s, "0123456789") != 3 || s[3] != ' ') {
        return -1;
    }
    int code = atoi(s);
    s = strchr(s + 4, ' '); /* past the agent */
    if (s == NULL || s[1] != '"') {
        return -1;
    }
    s += 2;
    char *out = xmalloc(strlen(s) + 1), *o = out;
    for (; *s != '\0' && *s != '"'; s++) {
        if (*s == '\\' && s[1] != '\0') {
            s++;
        }
        *o++ = *s;
    }
    *o = '\0';
    if (*s != '"') {
        free(out);
        return -1;
    }
    s = strchr(s, ',');
    *p = s ? s + 1 : "";
    *text = out;
    return code;
}

void ctl_warning(struct ctl *c, const char *text)
{
    for (size_t i = 0; i < c->warnings_shown.n; i++) {
        if (strcmp(c->warnings_shown.v[i], text) == 0) {
            return;
        }
    }
    fprintf(c->errout, "Warning: %s\n", text);
    cli_strv_add(&c->warnings_shown, text);
}

/* kubectl's shortcut expander prints its warning at every resolution, unlike the server's. */
static void mapper_warning(void *ctl, const char *text)
{
    struct ctl *c = ctl;
    fprintf(c->errout, "Warning: %s\n", text);
}

/* The text of each code-299 Warning header through kubectl's warning writer. */
static void show_warnings(struct ctl *c, const struct http_response *resp)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        if (strcasecmp(resp->headers[i].name, "Warning") != 0) {
            continue;
        }
        const char *p = resp->headers[i].value;
        char *text = NULL;
        int code;
        while ((code = next_warning(&p, &text)) >= 0) {
            if (code == 299) {
                ctl_warning(c, text);
            }
            free(text);
        }
    }
}

int ctl_request(struct ctl *c, const char *method, const char *path, const char *accept,
                const char *content_type, const char *body, struct http_response *resp,
                struct err *err)
{
    char accept_line[512], command_line[128];
    snprintf(accept_line, sizeof accept_line, "Accept: %s", accept ? accept : CTL_ACCEPT_JSON);
    snprintf(command_line, sizeof command_line, "Kubectl-Command: kubectl %s", c->cmd_path);
    const char *headers[] = {accept_line, command_line, NULL};
    struct http_request req = {
        .method = method,
        .path = path,
        .content_type = body ? content_type : NULL,
        .body = body,
        .body_len = body ? strlen(body) : 0,
        .headers = headers,
        .retry = strcmp(method, "GET") == 0,
    };
    int rc = http_send(c->http, &req, resp, err);
    if (rc == 0) {
        LOG_V(6, "request", "method=%s url=%s%s status=%ld", method, c->kc.server, path,
              resp->status);
        show_warnings(c, resp);
    }
    return rc;
}

int ctl_request_json(struct ctl *c, const char *method, const char *path, const char *accept,
                     const char *content_type, const json_t *body, json_t **out)
{
    cleanup_free char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, method, path, accept, content_type, text, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    if (resp.status < 200 || resp.status > 299) {
        int rc = ctl_api_error(c, &resp);
        http_response_free(&resp);
        return rc;
    }
    json_error_t jerr;
    *out = resp.body ? json_loads(resp.body, 0, &jerr) : json_object();
    http_response_free(&resp);
    if (*out == NULL) {
        return ctl_error(c, "invalid JSON answer from %s: %s", path, jerr.text);
    }
    return 0;
}

char *ctl_query_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = xmalloc(strlen(s) * 3 + 1), *p = out;
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
            *q == '-' || *q == '_' || *q == '.' || *q == '~') {
            *p++ = (char)*q;
        } else if (*q == ' ') {
            *p++ = '+';
        } else {
            *p++ = '%';
            *p++ = hex[*q >> 4];
            *p++ = hex[*q & 15];
        }
    }
    *p = '\0';
    return out;
}

void ctl_query_add(char **query, const char *key, const char *value)
{
    if (value == NULL || *value == '\0') {
        return;
    }
    char *escaped = ctl_query_escape(value);
    char *next = xasprintf("%s&%s=%s", *query, key, escaped);
    free(escaped);
    free(*query);
    *query = next;
}

char *ctl_object_path(struct ctl *c, const struct mapper_resource *r, const char *name)
{
    cleanup_free char *base = mapper_collection_path(r, c->ns);
    return xasprintf("%s/%s", base, name);
}

/* GET path as JSON with the given Accept; on success *out is a new reference and *ctype an
 * owned copy of the Content-Type. */
static int discovery_get(struct ctl *c, const char *path, const char *accept, json_t **out,
                         char **ctype)
{
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "GET", path, accept, NULL, NULL, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    if (resp.status != 200) {
        int rc = ctl_api_error(c, &resp);
        http_response_free(&resp);
        return rc;
    }
    const char *ct = http_response_header(&resp, "Content-Type");
    *ctype = xstrdup(ct ? ct : "");
    *out = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
    http_response_free(&resp);
    if (*out == NULL) {
        free(*ctype);
        return ctl_error(c, "invalid discovery document at %s", path);
    }
    return 0;
}

/* Adds /api or /apis, aggregated or legacy (then one GET per group-version). */
static int discover_root(struct ctl *c, const char *root)
{
    cleanup_free char *path = xasprintf("%s?timeout=32s", root);
    cleanup_json json_t *doc = NULL;
    cleanup_free char *ctype = NULL;
    if (discovery_get(c, path, CTL_ACCEPT_AGGREGATED, &doc, &ctype) != 0) {
        return 1;
    }
    struct err e = {0};
    if (strstr(ctype, "as=APIGroupDiscoveryList") != NULL) {
        if (mapper_add_aggregated(&c->mapper, doc, &e) != 0) {
            return ctl_error(c, "%s", e.msg);
        }
        return 0;
    }
    struct cli_strv gvs = {0}, preferred = {0};
    size_t i, j;
    json_t *v;
    if (strcmp(root, "/api") == 0) {
        json_array_foreach (json_object_get(doc, "versions"), i, v) {
            cli_strv_add(&gvs, json_string_value(v));
            cli_strv_add(&preferred, i == 0 ? "y" : "");
        }
    } else {
        json_t *g;
        json_array_foreach (json_object_get(doc, "groups"), i, g) {
            const char *pref = json_string_value(
                json_object_get(json_object_get(g, "preferredVersion"), "groupVersion"));
            json_array_foreach (json_object_get(g, "versions"), j, v) {
                const char *gv = json_string_value(json_object_get(v, "groupVersion"));
                cli_strv_add(&gvs, gv);
                cli_strv_add(&preferred, pref && strcmp(pref, gv) == 0 ? "y" : "");
            }
        }
    }
    int status = 0;
    for (i = 0; i < gvs.n && status == 0; i++) {
        cleanup_free char *gvpath = xasprintf("%s/%s?timeout=32s", root, gvs.v[i]);
        cleanup_json json_t *list = NULL;
        cleanup_free char *lct = NULL;
        if (discovery_get(c, gvpath, CTL_ACCEPT_ANY, &list, &lct) != 0) {
            status = 1;
            break;
        }
        char *slash = strchr(gvs.v[i], '/');
        cleanup_free char *group =
            slash ? xstrndup(gvs.v[i], (size_t)(slash - gvs.v[i])) : xstrdup("");
        if (mapper_add_resource_list(&c->mapper, group, slash ? slash + 1 : gvs.v[i],
                                     *preferred.v[i] != '\0', list, &e) != 0) {
            status = ctl_error(c, "%s", e.msg);
        }
    }
    cli_strv_free(&gvs);
    cli_strv_free(&preferred);
    return status;
}

int ctl_discover(struct ctl *c)
{
    if (c->mapper_ready) {
        return 0;
    }
    if (ctl_connect(c) != 0 || discover_root(c, "/api") != 0 || discover_root(c, "/apis") != 0) {
        return 1;
    }
    c->mapper.warn = mapper_warning;
    c->mapper.warn_arg = c;
    c->mapper_ready = true;
    return 0;
}

/* ---- Dispatch -------------------------------------------------------------------------- */

static void print_root_help(struct ctl *c)
{
    fprintf(c->out,
            "%s controls the Kubernetes cluster manager (a kubectl-compatible client of c8s).\n\n"
            "Usage:\n  %s [flags] [options]\n\nCommands:\n",
            c->prog, c->prog);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (COMMANDS[i].run != NULL && COMMANDS[i].run != cmd_not_implemented) {
            fprintf(c->out, "  %s\n", COMMANDS[i].name);
        }
    }
}

/* The bash completion script: a self-contained function (not cobra's __complete protocol)
 * that completes command names, resource types from discovery (`api-resources -o name`) and
 * object names (`get TYPE -o name`), passing on the line's -n/--context/--kubeconfig. */
static const char COMPLETION_BASH[] =
    "# bash completion for %1$s (source it: source <(%1$s completion bash))\n"
    "__%2$s_complete()\n"
    "{\n"
    "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" cmd=\"\" i w\n"
    "    local -a conn=() pos=()\n"
    "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
    "        w=\"${COMP_WORDS[i]}\"\n"
    "        case \"$w\" in\n"
    "        -n|--namespace|--context|--kubeconfig|-s|--server)\n"
    "            conn+=(\"$w\" \"${COMP_WORDS[i+1]}\"); ((i++)); continue ;;\n"
    "        -o|--output|-l|--selector|-f|--filename|-c|--container)\n"
    "            ((i++)); continue ;;\n"
    "        -*) continue ;;\n"
    "        esac\n"
    "        if [[ -z \"$cmd\" ]]; then cmd=\"$w\"; else pos+=(\"$w\"); fi\n"
    "    done\n"
    "    local type=\"${pos[0]}\"\n"
    "    if [[ -z \"$cmd\" ]]; then\n"
    "        COMPREPLY=($(compgen -W \"%3$s\" -- \"$cur\"))\n"
    "        return\n"
    "    fi\n"
    "    __%2$s_types() { %1$s \"${conn[@]}\" api-resources -o name 2>/dev/null | sed 's/\\..*//'; "
    "}\n"
    "    __%2$s_names() { %1$s \"${conn[@]}\" get \"$1\" -o name 2>/dev/null | sed 's|.*/||'; }\n"
    "    case \"$cmd\" in\n"
    "    get|describe|delete|edit|label|annotate|patch|scale|expose|explain|wait|autoscale)\n"
    "        if [[ ${#pos[@]} -eq 0 ]]; then\n"
    "            COMPREPLY=($(compgen -W \"$(__%2$s_types)\" -- \"$cur\"))\n"
    "        else\n"
    "            COMPREPLY=($(compgen -W \"$(__%2$s_names \"$type\")\" -- \"$cur\"))\n"
    "        fi ;;\n"
    "    rollout|set)\n"
    "        if [[ ${#pos[@]} -eq 0 && $cmd == rollout ]]; then\n"
    "            COMPREPLY=($(compgen -W \"history pause restart resume status undo\" -- "
    "\"$cur\"))\n"
    "        elif [[ ${#pos[@]} -eq 0 ]]; then\n"
    "            COMPREPLY=($(compgen -W \"env image\" -- \"$cur\"))\n"
    "        elif [[ ${#pos[@]} -eq 1 ]]; then\n"
    "            COMPREPLY=($(compgen -W \"$(__%2$s_types)\" -- \"$cur\"))\n"
    "        elif [[ ${#pos[@]} -eq 2 ]]; then\n"
    "            COMPREPLY=($(compgen -W \"$(__%2$s_names \"${pos[1]}\")\" -- \"$cur\"))\n"
    "        fi ;;\n"
    "    top)\n"
    "        if [[ ${#pos[@]} -eq 0 ]]; then\n"
    "            COMPREPLY=($(compgen -W \"node pod\" -- \"$cur\"))\n"
    "        elif [[ ${#pos[@]} -eq 1 ]]; then\n"
    "            COMPREPLY=($(compgen -W \"$(__%2$s_names \"$type\")\" -- \"$cur\"))\n"
    "        fi ;;\n"
    "    logs|exec|attach|port-forward)\n"
    "        [[ ${#pos[@]} -eq 0 ]] && COMPREPLY=($(compgen -W \"$(__%2$s_names pods)\" -- "
    "\"$cur\")) ;;\n"
    "    cordon|uncordon|drain|taint)\n"
    "        [[ ${#pos[@]} -eq 0 ]] && COMPREPLY=($(compgen -W \"$(__%2$s_names nodes)\" -- "
    "\"$cur\")) ;;\n"
    "    config)\n"
    "        if [[ -z \"$type\" ]]; then\n"
    "            COMPREPLY=($(compgen -W \"current-context get-contexts set-context use-context "
    "view\" -- \"$cur\"))\n"
    "        elif [[ \"$type\" == use-context ]]; then\n"
    "            COMPREPLY=($(compgen -W \"$(%1$s config get-contexts -o name 2>/dev/null)\" -- "
    "\"$cur\"))\n"
    "        fi ;;\n"
    "    create)\n"
    "        [[ -z \"$type\" ]] && COMPREPLY=($(compgen -W \"clusterrole clusterrolebinding "
    "configmap cronjob deployment job namespace role rolebinding secret service serviceaccount "
    "token\" -- \"$cur\")) ;;\n"
    "    esac\n"
    "}\n"
    "complete -o default -F __%2$s_complete %1$s\n";

static int cmd_completion(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0};
    int status = 0;
    if (!ctl_parse(c, NULL, argc, argv, &args, &status)) {
        cli_strv_free(&args);
        return status;
    }
    if (args.n != 1) {
        status = ctl_usage_error(c, "%s",
                                 args.n == 0 ? "Shell not specified."
                                             : "Too many arguments. Expected only the shell type.");
    } else if (strcmp(args.v[0], "bash") != 0) {
        status =
            ctl_error(c, "completion for \"%s\" is not implemented by %s yet", args.v[0], c->prog);
    } else {
        char *words = xstrdup("");
        for (size_t i = 0; i < NCOMMANDS; i++) {
            if (COMMANDS[i].run != NULL && COMMANDS[i].run != cmd_not_implemented) {
                char *more = xasprintf("%s%s%s", words, *words ? " " : "", COMMANDS[i].name);
                free(words);
                words = more;
            }
        }
        char *ident = xstrdup(c->prog);
        for (char *p = ident; *p; p++) {
            *p = (isalnum((unsigned char)*p) || *p == '_') ? *p : '_';
        }
        fprintf(c->out, COMPLETION_BASH, c->prog, ident, words);
        free(ident);
        free(words);
    }
    cli_strv_free(&args);
    return status;
}

/* Index of the first argument that is not a flag or a global flag's value, or -1. */
static int find_command_word(struct ctl *c, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            return -1;
        }
        if (a[0] == '-' && a[1] != '\0') {
            bool takes_next = false;
            cli_find_global(c->global_flags, a, &takes_next);
            if (takes_next) {
                i++;
            }
            continue;
        }
        return i;
    }
    return -1;
}

static int unknown_command(struct ctl *c, const char *word)
{
    const char *names[NCOMMANDS], *hits[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++) {
        names[i] = COMMANDS[i].name;
    }
    fprintf(c->errout, "Error: unknown command \"%s\" for \"%s\"\n", word, c->prog);
    size_t n = cli_suggest(word, names, NCOMMANDS, hits, NCOMMANDS);
    if (n > 0) {
        fputs("\nDid you mean this?\n", c->errout);
        for (size_t i = 0; i < n; i++) {
            fprintf(c->errout, "\t%s\n", hits[i]);
        }
        fputc('\n', c->errout);
    }
    return 1;
}

int ctl_main(int argc, char **argv)
{
    struct ctl ctl = {.out = stdout, .errout = stderr};
    struct ctl *c = &ctl;
    const char *slash = strrchr(argv[0], '/');
    c->prog = slash ? slash + 1 : argv[0];
    c->global_flags = make_global_flags(c);
    log_init(c->prog, 0);
    json_object_seed(0);

    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;
    int w = find_command_word(c, sub_argc, sub_argv);
    int status;
    const struct command *cmd = NULL;
    if (w >= 0) {
        for (size_t i = 0; i < NCOMMANDS; i++) {
            if (strcmp(COMMANDS[i].name, sub_argv[w]) == 0) {
                cmd = &COMMANDS[i];
            }
        }
    }
    if (w < 0 || (cmd != NULL && cmd->run == NULL)) {
        snprintf(c->cmd_path, sizeof c->cmd_path, "%s", "");
        struct cli_strv args = {0};
        if (ctl_parse(c, NULL, sub_argc, sub_argv, &args, &status)) {
            print_root_help(c);
            status = 0;
        }
        cli_strv_free(&args);
    } else if (cmd == NULL) {
        status = ctl_plugin_run(c, sub_argc, sub_argv);
        if (status < 0) {
            status = unknown_command(c, sub_argv[w]);
        }
    } else {
        snprintf(c->cmd_path, sizeof c->cmd_path, "%s", cmd->name);
        /* The command sees its arguments without its own name. */
        char **rest = xmalloc((size_t)sub_argc * sizeof *rest);
        int n = 0;
        for (int i = 0; i < sub_argc; i++) {
            if (i != w) {
                rest[n++] = sub_argv[i];
            }
        }
        fflush(c->out);
        status = cmd->run(c, n, rest);
        free(rest);
    }
    fflush(c->out);
    mapper_free(&c->mapper);
    http_client_free(c->http);
    if (c->kc_ready) {
        kubeconfig_close(&c->kc);
    }
    json_decref(c->config);
    for (char **h = c->impersonate_headers; h != NULL && *h != NULL; h++) {
        free(*h);
    }
    free(c->impersonate_headers);
    cli_strv_free(&c->as_groups);
    cli_strv_free(&c->warnings_shown);
    free(c->global_flags);
    http_global_cleanup();
    return status;
}
