/* `c8sctl exec`, `attach` and `port-forward` as kubectl 1.32's: the pod is fetched (or found
 * through a controller's selector, waiting up to --pod-running-timeout), its phase and
 * containers are checked client-side, then the stream is a WebSocket speaking
 * v5.channel.k8s.io (common/wsclient.h). kubectl falls back to SPDY when the upgrade is
 * refused; c8sctl sends the same fallback request only to report its answer as kubectl does. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "cleanup.h"
#include "duration.h"
#include "log.h"
#include "objects.h"
#include "wsclient.h"
#include "xalloc.h"

#define DEFAULT_CONTAINER_ANNOTATION "kubectl.kubernetes.io/default-container"

/* ---- Waiting on a watch with a deadline -------------------------------------------------- */

/* Cancels a client when the deadline passes, unless stopped first. */
struct watchdog {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop, fired;
    struct timespec deadline;
    struct http_client *client;
    pthread_t thread;
};

static void *watchdog_run(void *arg)
{
    struct watchdog *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        if (pthread_cond_timedwait(&w->cond, &w->lock, &w->deadline) == ETIMEDOUT) {
            w->fired = true;
            http_client_cancel(w->client);
            break;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct watch_state {
    attach_watch_cond cond;
    void *data;
    json_t *found;
    char *error; /* an ERROR event's message */
};

static int on_watch_line(const char *line, size_t len, void *data)
{
    struct watch_state *s = data;
    cleanup_json json_t *ev = json_loadb(line, len, 0, NULL);
    const char *type = json_string_value(json_object_get(ev, "type"));
    json_t *obj = json_object_get(ev, "object");
    if (type == NULL) {
        return 0;
    }
    if (strcmp(type, "ERROR") == 0) {
        const char *msg = json_string_value(json_object_get(obj, "message"));
        s->error = xstrdup(msg ? msg : "unknown watch error");
        return 1;
    }
    if (strcmp(type, "BOOKMARK") != 0 && s->cond(type, obj, s->data)) {
        s->found = json_incref(obj);
        return 1;
    }
    return 0;
}

/* attach_watch_until after its list (borrowed): the listed objects, then the watch. start is
 * when the wait began (CLOCK_REALTIME). */
static int watch_from(struct ctl *c, const char *path, const json_t *list, const char *watch_before,
                      const char *watch_after, attach_watch_cond cond, void *data,
                      const struct timespec *start, int64_t timeout_ns, json_t **found)
{
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(list, "items"), i, item) {
        if (cond("ADDED", item, data)) {
            *found = json_incref(item);
            return 0;
        }
    }
    const char *rv =
        json_string_value(json_object_get(json_object_get(list, "metadata"), "resourceVersion"));
    cleanup_free char *rv_q = ctl_query_escape(rv ? rv : "");
    cleanup_free char *query = xasprintf("%sresourceVersion=%s%s", watch_before, rv_q, watch_after);
    cleanup_free char *watch_path = xasprintf("%s?%s", path, query);

    struct err e = {0};
    struct http_client *client = http_client_new(&c->http_cfg, &e);
    if (client == NULL) {
        return ctl_error(c, "%s", e.msg);
    }
    struct watchdog w = {.client = client};
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);
    w.deadline.tv_sec = start->tv_sec + timeout_ns / 1000000000;
    w.deadline.tv_nsec = start->tv_nsec + timeout_ns % 1000000000;
    if (w.deadline.tv_nsec >= 1000000000) {
        w.deadline.tv_sec++;
        w.deadline.tv_nsec -= 1000000000;
    }
    pthread_create(&w.thread, NULL, watchdog_run, &w);

    char accept[128], command[128];
    snprintf(accept, sizeof accept, "Accept: %s", CTL_ACCEPT_JSON);
    snprintf(command, sizeof command, "Kubectl-Command: kubectl %s", c->cmd_path);
    const char *headers[] = {accept, command, NULL};
    struct http_request req = {.method = "GET", .path = watch_path, .headers = headers};
    struct watch_state s = {.cond = cond, .data = data};
    struct http_response resp = {0};
    int rc = http_stream(client, &req, on_watch_line, &s, &resp, &e);
    LOG_V(6, "request", "method=GET url=%s%s status=%ld", c->kc.server, watch_path, resp.status);

    pthread_mutex_lock(&w.lock);
    w.stop = true;
    pthread_cond_signal(&w.cond);
    pthread_mutex_unlock(&w.lock);
    pthread_join(w.thread, NULL);
    pthread_cond_destroy(&w.cond);
    pthread_mutex_destroy(&w.lock);
    http_client_free(client);

    int status = 0;
    if (s.found != NULL) {
        *found = s.found;
    } else if (w.fired) {
        status = ctl_error(c, "timed out waiting for the condition");
    } else if (rc < 0) {
        status = ctl_transport_error(c, &e);
    } else if (resp.status < 200 || resp.status > 299) {
        status = ctl_api_error(c, &resp);
    } else if (s.error != NULL) {
        status = ctl_error(c, "%s", s.error);
    } else {
        status = ctl_error(c, "watch closed before UntilWithoutRetry timeout");
    }
    free(s.error);
    http_response_free(&resp);
    return status;
}

int attach_watch_until(struct ctl *c, const char *path, const char *list_query,
                       const char *watch_before, const char *watch_after, attach_watch_cond cond,
                       void *data, int64_t timeout_ns, json_t **found)
{
    struct timespec start;
    clock_gettime(CLOCK_REALTIME, &start);
    cleanup_free char *list_path = xasprintf("%s?%s", path, list_query);
    cleanup_json json_t *list = NULL;
    if (ctl_request_json(c, "GET", list_path, CTL_ACCEPT_JSON, NULL, NULL, &list) != 0) {
        return 1;
    }
    return watch_from(c, path, list, watch_before, watch_after, cond, data, &start, timeout_ns,
                      found);
}

/* ---- Finding the pod --------------------------------------------------------------------- */

static bool pod_is_ready(const json_t *pod)
{
    size_t i;
    json_t *cond;
    json_array_foreach (json_object_get(json_object_get(pod, "status"), "conditions"), i, cond) {
        const char *type = json_string_value(json_object_get(cond, "type"));
        const char *st = json_string_value(json_object_get(cond, "status"));
        if (type && strcmp(type, "Ready") == 0) {
            return st && strcmp(st, "True") == 0;
        }
    }
    return false;
}

static const char *pod_str(const json_t *pod, const char *section, const char *key)
{
    const char *v = json_string_value(json_object_get(json_object_get(pod, section), key));
    return v ? v : "";
}

static int phase_rank(const char *phase)
{
    return strcmp(phase, "Running") == 0 ? 2 : strcmp(phase, "Unknown") == 0 ? 1 : 0;
}

static long long max_restarts(const json_t *pod)
{
    long long m = 0;
    size_t i;
    json_t *cs;
    json_array_foreach (json_object_get(json_object_get(pod, "status"), "containerStatuses"), i,
                        cs) {
        long long r = json_integer_value(json_object_get(cs, "restartCount"));
        m = r > m ? r : m;
    }
    return m;
}

/* kubectl's ActivePods order, "less active" first: unassigned, pending, not ready, more
 * restarts, newer. (RFC 3339 times compare as strings.) */
static bool less_active(const json_t *a, const json_t *b)
{
    const char *na = pod_str(a, "spec", "nodeName"), *nb = pod_str(b, "spec", "nodeName");
    if (strcmp(na, nb) != 0 && (!*na || !*nb)) {
        return !*na;
    }
    int pa = phase_rank(pod_str(a, "status", "phase")),
        pb = phase_rank(pod_str(b, "status", "phase"));
    if (pa != pb) {
        return pa < pb;
    }
    if (pod_is_ready(a) != pod_is_ready(b)) {
        return !pod_is_ready(a);
    }
    if (max_restarts(a) != max_restarts(b)) {
        return max_restarts(a) > max_restarts(b);
    }
    const char *ta = pod_str(a, "metadata", "creationTimestamp");
    const char *tb = pod_str(b, "metadata", "creationTimestamp");
    if (strcmp(ta, tb) != 0) {
        return !*ta || (*tb && strcmp(ta, tb) > 0);
    }
    return false;
}

static bool any_pod_event(const char *type, const json_t *obj, void *data)
{
    (void)obj, (void)data;
    return strcmp(type, "ADDED") == 0 || strcmp(type, "MODIFIED") == 0;
}

/* The label selector of a LabelSelector object or a plain map, as kubectl formats it. */
static char *selector_text(const json_t *sel, bool plain_map)
{
    const json_t *labels = plain_map ? sel : json_object_get(sel, "matchLabels");
    const char **keys = xcalloc(json_object_size(labels) + 1, sizeof *keys);
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)labels, k, v) {
        keys[n++] = k;
    }
    for (size_t i = 1; i < n; i++) { /* sorted, as labels.SelectorFromSet */
        for (size_t j = i; j > 0 && strcmp(keys[j], keys[j - 1]) < 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    }
    char *out = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *more = xasprintf("%s%s%s=%s", out, i ? "," : "", keys[i],
                               json_string_value(json_object_get(labels, keys[i])));
        free(out);
        out = more;
    }
    free(keys);
    return out;
}

/* The pod of a controller or service: the first of its pods in kubectl's order, waiting for
 * one up to timeout_ns. Returns 0 with *pod or prints the error and returns 1. */
static int first_pod_of(struct ctl *c, const json_t *obj, int64_t timeout_ns, json_t **pod)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    const char *api = json_string_value(json_object_get(obj, "apiVersion"));
    const json_t *spec = json_object_get(obj, "spec");
    kind = kind ? kind : "";
    cleanup_free char *sel = NULL;
    if (strcmp(kind, "Deployment") == 0 || strcmp(kind, "ReplicaSet") == 0 ||
        strcmp(kind, "StatefulSet") == 0 || strcmp(kind, "DaemonSet") == 0 ||
        strcmp(kind, "Job") == 0) {
        sel = selector_text(json_object_get(spec, "selector"), false);
    } else if (strcmp(kind, "ReplicationController") == 0 || strcmp(kind, "Service") == 0) {
        sel = selector_text(json_object_get(spec, "selector"), true);
    } else {
        const char *slash = api ? strchr(api, '/') : NULL;
        cleanup_free char *go_type =
            xasprintf("*%s.%s", slash ? slash + 1 : (api ? api : "v1"), kind);
        return ctl_error(c, "cannot attach to %s: selector for %s not implemented", go_type,
                         go_type);
    }
    const char *ns = pod_str(obj, "metadata", "namespace");
    cleanup_free char *ns_q = ctl_query_escape(*ns ? ns : c->ns);
    cleanup_free char *sel_q = ctl_query_escape(sel);
    cleanup_free char *path = xasprintf("/api/v1/namespaces/%s/pods", ns_q);
    cleanup_free char *list_path = xasprintf("%s?labelSelector=%s", path, sel_q);
    cleanup_json json_t *list = NULL;
    struct timespec start;
    clock_gettime(CLOCK_REALTIME, &start);
    if (ctl_request_json(c, "GET", list_path, CTL_ACCEPT_JSON, NULL, NULL, &list) != 0) {
        return 1;
    }
    json_t *items = json_object_get(list, "items");
    size_t n = json_array_size(items);
    if (n > 0) {
        /* sort.Sort(Reverse(ActivePods)) is an insertion sort for so few pods: keep it so. */
        const json_t **v = xcalloc(n, sizeof *v);
        for (size_t i = 0; i < n; i++) {
            v[i] = json_array_get(items, i);
            for (size_t j = i; j > 0 && less_active(v[j - 1], v[j]); j--) {
                const json_t *t = v[j];
                v[j] = v[j - 1];
                v[j - 1] = t;
            }
        }
        *pod = json_incref((json_t *)v[0]);
        free(v);
        return 0;
    }
    cleanup_free char *watch_q = xasprintf("labelSelector=%s&", sel_q);
    return watch_from(c, path, list, watch_q, "&watch=true", any_pod_event, NULL, &start,
                      timeout_ns, pod);
}

/* The pod named by args (1 or 2 words: "NAME", "TYPE/NAME", "TYPE NAME"): a bare name is a pod;
 * other kinds lead to their first pod. Returns 0 with *pod or prints the error and returns 1. */
static int resolve_pod(struct ctl *c, char **args, size_t n, int64_t timeout_ns, json_t **pod)
{
    cleanup_json json_t *obj = NULL;
    if (n == 1 && strchr(args[0], '/') == NULL) {
        cleanup_free char *ns = ctl_query_escape(c->ns);
        cleanup_free char *name = ctl_query_escape(args[0]);
        cleanup_free char *path = xasprintf("/api/v1/namespaces/%s/pods/%s", ns, name);
        if (ctl_request_json(c, "GET", path, CTL_ACCEPT_ANY, NULL, NULL, &obj) != 0) {
            return 1;
        }
    } else {
        struct target *targets = NULL;
        size_t ntargets = 0;
        if (ctl_discover(c) != 0 ||
            objects_targets(c, args, n, false, &targets, &ntargets, NULL) != 0) {
            return 1;
        }
        cleanup_free char *path = ctl_object_path(c, targets[0].r, targets[0].name);
        objects_targets_free(targets, ntargets);
        if (ctl_request_json(c, "GET", path, CTL_ACCEPT_ANY, NULL, NULL, &obj) != 0) {
            return 1;
        }
    }
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (kind != NULL && strcmp(kind, "Pod") == 0) {
        *pod = steal_ptr(&obj);
        return 0;
    }
    return first_pod_of(c, obj, timeout_ns, pod);
}

/* The container called name among the containers, init and ephemeral containers (borrowed),
 * or NULL. */
static const json_t *find_container(const json_t *pod, const char *name)
{
    static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
    const json_t *spec = json_object_get(pod, "spec");
    for (size_t l = 0; l < 3; l++) {
        size_t i;
        json_t *ctr;
        json_array_foreach (json_object_get(spec, lists[l]), i, ctr) {
            const char *n = json_string_value(json_object_get(ctr, "name"));
            if (n != NULL && strcmp(n, name) == 0) {
                return ctr;
            }
        }
    }
    return NULL;
}

/* kubectl's podcmd.FindOrDefaultContainerByName: -c, else the default-container annotation,
 * else the first container with the "Defaulted container" line. Returns the container
 * (borrowed) or NULL with *why set (a static or owned message in why_buf). */
static const json_t *choose_container(struct ctl *c, const json_t *pod, const char *name,
                                      bool quiet, char *why, size_t why_size)
{
    const json_t *spec = json_object_get(pod, "spec");
    const char *pod_name = pod_str(pod, "metadata", "name");
    if (name != NULL && *name) {
        const json_t *ctr = find_container(pod, name);
        if (ctr == NULL) {
            snprintf(why, why_size, "container %s not found in pod %s", name, pod_name);
        }
        return ctr;
    }
    const json_t *containers = json_object_get(spec, "containers");
    if (json_array_size(containers) == 0) {
        snprintf(why, why_size, "pod %s/%s does not have any containers",
                 pod_str(pod, "metadata", "namespace"), pod_name);
        return NULL;
    }
    const char *annotated = json_string_value(
        json_object_get(json_object_get(json_object_get(pod, "metadata"), "annotations"),
                        DEFAULT_CONTAINER_ANNOTATION));
    if (annotated != NULL && *annotated) {
        const json_t *ctr = find_container(pod, annotated);
        if (ctr != NULL) {
            return ctr;
        }
    }
    const json_t *first = json_array_get(containers, 0);
    size_t ninit = json_array_size(json_object_get(spec, "initContainers"));
    size_t neph = json_array_size(json_object_get(spec, "ephemeralContainers"));
    if (!quiet && (json_array_size(containers) > 1 || ninit > 0 || neph > 0)) {
        static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
        static const char *const suffix[] = {"", " (init)", " (ephem)"};
        fprintf(c->errout, "Defaulted container \"%s\" out of: ",
                json_string_value(json_object_get(first, "name")));
        bool comma = false;
        for (size_t l = 0; l < 3; l++) {
            size_t i;
            json_t *ctr;
            json_array_foreach (json_object_get(spec, lists[l]), i, ctr) {
                fprintf(c->errout, "%s%s%s", comma ? ", " : "",
                        json_string_value(json_object_get(ctr, "name")), suffix[l]);
                comma = true;
            }
        }
        fputc('\n', c->errout);
    }
    return first;
}

/* ---- The stream ------------------------------------------------------------------------- */

static volatile sig_atomic_t winch_seen;

static void on_winch(int sig)
{
    (void)sig;
    winch_seen = 1;
}

static int send_size(struct ws_conn *ws, struct err *e)
{
    struct winsize size = {0};
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) != 0) {
        return 0;
    }
    char buf[64];
    int n = snprintf(buf, sizeof buf, "{\"Width\":%u,\"Height\":%u}", size.ws_col, size.ws_row);
    return ws_channel_send(ws, WS_CHANNEL_RESIZE, buf, (size_t)n, e);
}

/* What channel 3 said: 0 for Success, the exit code for NonZeroExitCode (with kubectl's
 * line), or 1 with "error: <message>". */
static int error_channel(struct ctl *c, const uint8_t *data, size_t len)
{
    cleanup_json json_t *st = json_loadb((const char *)data, len, 0, NULL);
    const char *status = json_string_value(json_object_get(st, "status"));
    const char *reason = json_string_value(json_object_get(st, "reason"));
    if (st == NULL) {
        return ctl_error(c, "error stream protocol error: invalid JSON in \"%.*s\"", (int)len,
                         (const char *)data);
    }
    if (status != NULL && strcmp(status, "Success") == 0) {
        return 0;
    }
    if (status == NULL || strcmp(status, "Failure") != 0) {
        return ctl_error(c, "error stream protocol error: unknown error");
    }
    if (reason != NULL && strcmp(reason, "NonZeroExitCode") == 0) {
        size_t i;
        json_t *cause;
        json_array_foreach (json_object_get(json_object_get(st, "details"), "causes"), i, cause) {
            const char *type = json_string_value(json_object_get(cause, "reason"));
            const char *msg = json_string_value(json_object_get(cause, "message"));
            if (type == NULL || strcmp(type, "ExitCode") != 0) {
                continue;
            }
            char *end = NULL;
            long code = msg ? strtol(msg, &end, 10) : -1;
            if (msg == NULL || *end != '\0' || code < 0 || code > 255) {
                return ctl_error(c, "error stream protocol error: invalid exit code value \"%s\"",
                                 msg ? msg : "");
            }
            fprintf(c->errout, "command terminated with exit code %ld\n", code);
            return (int)code;
        }
        return ctl_error(c, "error stream protocol error: no ExitCode cause given");
    }
    const char *message = json_string_value(json_object_get(st, "message"));
    return ctl_error(c, "%s", message ? message : "");
}

/* Copies the streams until the server ends the session. Returns the exit status. */
static int pump(struct ctl *c, struct ws_conn *ws, bool send_stdin, bool raw)
{
    struct err e = {0};
    int status = 0;
    bool stdin_open = send_stdin;
    if (raw && send_size(ws, &e) < 0) {
        return ctl_error(c, "%s", e.msg);
    }
    for (;;) {
        struct pollfd fds[2] = {{.fd = ws_fd(ws), .events = POLLIN},
                                {.fd = STDIN_FILENO, .events = POLLIN}};
        int n = poll(fds, stdin_open ? 2 : 1, raw ? 200 : -1);
        if (n < 0 && errno != EINTR) {
            return ctl_error(c, "poll: %s", strerror(errno));
        }
        if (raw && winch_seen) {
            winch_seen = 0;
            if (send_size(ws, &e) < 0) {
                return ctl_error(c, "%s", e.msg);
            }
        }
        if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP))) {
            char buf[8192];
            ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
            int rc = 0;
            if (got > 0) {
                rc = ws_channel_send(ws, WS_CHANNEL_STDIN, buf, (size_t)got, &e);
            } else {
                static const uint8_t ended = WS_CHANNEL_STDIN;
                stdin_open = false;
                rc = ws_channel_send(ws, WS_CHANNEL_CLOSE, &ended, 1, &e);
            }
            if (rc < 0) {
                return ctl_error(c, "%s", e.msg);
            }
        }
        if (n <= 0 || !(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            continue;
        }
        struct ws_message m;
        int rc;
        while ((rc = ws_recv(ws, &m, 0, &e)) == 1) {
            if (m.op == WS_OP_CLOSE) {
                return status;
            }
            if (m.len == 0) {
                continue;
            }
            const uint8_t *body = m.data + 1;
            size_t blen = m.len - 1;
            if (m.data[0] == WS_CHANNEL_STDOUT) {
                fwrite(body, 1, blen, c->out);
                fflush(c->out);
            } else if (m.data[0] == WS_CHANNEL_STDERR) {
                fwrite(body, 1, blen, c->errout);
                fflush(c->errout);
            } else if (m.data[0] == WS_CHANNEL_ERROR) {
                status = error_channel(c, body, blen);
            }
        }
        if (rc < 0) {
            /* the server may drop the connection after the status; that ends the session */
            return rc == -ECONNRESET ? status : ctl_error(c, "%s", e.msg);
        }
    }
}

/* The error kubectl prints when its SPDY fallback is refused too: the Status, else
 * "unable to upgrade connection: <body>". prefix goes before it ("error upgrading connection:
 * " for port-forward). */
static int upgrade_refused(struct ctl *c, const struct http_response *resp, const char *prefix)
{
    cleanup_json json_t *st = resp->body ? json_loads(resp->body, 0, NULL) : NULL;
    const char *kind = json_string_value(json_object_get(st, "kind"));
    const char *message = json_string_value(json_object_get(st, "message"));
    if (kind != NULL && strcmp(kind, "Status") == 0) {
        if (prefix != NULL) {
            return ctl_error(c, "%s%s", prefix, message ? message : "");
        }
        return ctl_api_error(c, resp);
    }
    cleanup_free char *body = xstrdup(resp->body ? resp->body : "");
    size_t n = strlen(body);
    while (n > 0 && strchr(" \t\r\n", body[n - 1]) != NULL) {
        body[--n] = '\0';
    }
    const char *b = body + strspn(body, " \t\r\n");
    return ctl_error(c, "%sunable to upgrade connection: %s", prefix ? prefix : "", b);
}

/* Dials path as kubectl does: the WebSocket with protocol, then (refused) the SPDY request
 * with spdy_versions. Returns 0 with *ws, or prints the error and returns 1. */
static int dial_stream(struct ctl *c, const char *path, const char *protocol,
                       const char *const *spdy_headers, const char *error_prefix,
                       struct ws_conn **ws)
{
    struct err e = {0};
    struct http_response answer = {0};
    const char *protocols[] = {protocol, NULL};
    struct ws_dial d = {.method = "GET", .path = path, .protocols = protocols};
    if (ws_dial(&c->http_cfg, &d, ws, &answer, &e) < 0) {
        return ctl_transport_error(c, &e);
    }
    LOG_V(6, "request", "method=GET url=%s%s status=%ld", c->kc.server, path,
          *ws ? 101L : answer.status);
    if (*ws != NULL) {
        http_response_free(&answer);
        return 0;
    }
    http_response_free(&answer);
    struct ws_dial spdy = {.method = "POST", .path = path, .headers = spdy_headers};
    struct ws_conn *conn = NULL;
    if (ws_dial(&c->http_cfg, &spdy, &conn, &answer, &e) < 0) {
        return ctl_transport_error(c, &e);
    }
    LOG_V(6, "request", "method=POST url=%s%s status=%ld", c->kc.server, path,
          conn ? 101L : answer.status);
    int status;
    if (conn != NULL) {
        ws_free(conn);
        status = ctl_error(c, "the server offered only SPDY/3.1, which %s does not speak", c->prog);
    } else {
        status = upgrade_refused(c, &answer, error_prefix);
    }
    http_response_free(&answer);
    return status;
}

static const char *const REMOTECOMMAND_SPDY[] = {
    "Connection: Upgrade",
    "Upgrade: SPDY/3.1",
    "X-Stream-Protocol-Version: v5.channel.k8s.io",
    "X-Stream-Protocol-Version: v4.channel.k8s.io",
    "X-Stream-Protocol-Version: v3.channel.k8s.io",
    "X-Stream-Protocol-Version: v2.channel.k8s.io",
    "X-Stream-Protocol-Version: channel.k8s.io",
    NULL,
};

/* Runs a remote-command session on pod's subresource ("exec" or "attach") with query (the
 * parameters in Go's order). raw: the local terminal goes raw for the session. */
static int remote_session(struct ctl *c, const json_t *pod, const char *subresource,
                          const char *query, bool send_stdin, bool raw)
{
    cleanup_free char *ns = ctl_query_escape(pod_str(pod, "metadata", "namespace"));
    cleanup_free char *name = ctl_query_escape(pod_str(pod, "metadata", "name"));
    cleanup_free char *path =
        xasprintf("/api/v1/namespaces/%s/pods/%s/%s?%s", ns, name, subresource, query);
    struct ws_conn *ws = NULL;
    fflush(c->out);
    if (dial_stream(c, path, WS_PROTOCOL_CHANNEL_V5, REMOTECOMMAND_SPDY, NULL, &ws) != 0) {
        return 1;
    }
    struct termios saved;
    bool restored = !raw || tcgetattr(STDIN_FILENO, &saved) != 0;
    struct sigaction old_winch;
    if (!restored) {
        struct termios t = saved;
        cfmakeraw(&t);
        tcsetattr(STDIN_FILENO, TCSANOW, &t);
        struct sigaction sa = {.sa_handler = on_winch};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGWINCH, &sa, &old_winch);
    }
    int status = pump(c, ws, send_stdin, !restored);
    if (!restored) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        sigaction(SIGWINCH, &old_winch, NULL);
    }
    struct err e = {0};
    if (ws_close(ws, WS_CLOSE_NORMAL, NULL, &e) < 0) {
        LOG_V(4, "closing the stream", "error=%s", e.msg); /* the session is over anyway */
    }
    ws_free(ws);
    return status;
}

/* SetupTTY: whether the session is raw (stdin open, -t, stdin a terminal); prints kubectl's
 * line when -t cannot be honoured. */
static bool setup_tty(struct ctl *c, bool stdin_open, bool tty, bool quiet)
{
    if (!stdin_open || !tty) {
        return false;
    }
    if (!isatty(STDIN_FILENO)) {
        if (!quiet) {
            fputs("Unable to use a TTY - input is not a terminal or the right kind of file\n",
                  c->errout);
        }
        return false;
    }
    return true;
}

/* ---- Commands --------------------------------------------------------------------------- */

/* Index of "--" in argv, or argc. */
static int dash_index(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            return i;
        }
    }
    return argc;
}

/* --pod-running-timeout as kubectl checks it. Returns 0, or prints the error and returns 1. */
static int running_timeout(struct ctl *c, const char *value, int64_t *out)
{
    struct err e = {0};
    if (duration_parse(value, out, &e) != 0) {
        fprintf(c->errout,
                "Error: invalid argument \"%s\" for \"--pod-running-timeout\" flag: %s\nSee '%s "
                "%s --help' for usage.\n",
                value, e.msg, c->prog, c->cmd_path);
        return 1;
    }
    if (*out <= 0) {
        return ctl_usage_error(c, "--pod-running-timeout must be higher than zero");
    }
    return 0;
}

int cmd_exec(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0}, files = {0};
    const char *container = NULL, *timeout_flag = "1m0s";
    bool stdin_open = false, tty = false, quiet = false;
    struct cli_flag flags[] = {
        {"container", 'c', CLI_STRING, &container, false},
        {"stdin", 'i', CLI_BOOL, &stdin_open, false},
        {"tty", 't', CLI_BOOL, &tty, false},
        {"quiet", 'q', CLI_BOOL, &quiet, false},
        {"pod-running-timeout", 0, CLI_STRING, &timeout_flag, false},
        {"filename", 'f', CLI_STRING_SLICE, &files, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int dash = dash_index(argc, argv);
    int status = 0;
    int64_t timeout_ns = 0;
    cleanup_json json_t *pod = NULL;
    struct manifest *manifests = NULL;
    size_t nmanifests = 0;
    cleanup_free char *query = NULL;
    if (!ctl_parse(c, flags, dash, argv, &args, &status)) {
        goto out;
    }
    bool has_dash = dash < argc;
    if (!has_dash && args.n > 1) {
        status = ctl_usage_error(c, "exec [POD] [COMMAND] is not supported anymore. Use exec "
                                    "[POD] -- [COMMAND] instead");
        goto out;
    }
    if (running_timeout(c, timeout_flag, &timeout_ns) != 0) {
        status = 1;
        goto out;
    }
    if (args.n == 0 && files.n == 0) {
        status = ctl_error(c, "pod, type/name or --filename must be specified");
        goto out;
    }
    if (!has_dash || dash + 1 >= argc) {
        status = ctl_error(c, "you must specify at least one command for the container");
        goto out;
    }
    if (ctl_connect(c) != 0) {
        status = 1;
        goto out;
    }
    if (args.n > 0) {
        status = resolve_pod(c, args.v, 1, timeout_ns, &pod);
    } else if (objects_read(c, &files, false, &manifests, &nmanifests) != 0) {
        status = 1;
    } else if (nmanifests != 1) {
        status = ctl_error(c, "cannot exec into multiple objects at a time");
    } else {
        cleanup_free char *display = objects_display_obj(manifests[0].obj);
        char *one[] = {display};
        status = resolve_pod(c, one, 1, timeout_ns, &pod);
    }
    if (status != 0) {
        goto out;
    }
    const char *phase = pod_str(pod, "status", "phase");
    if (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0) {
        status = ctl_error(
            c, "cannot exec into a container in a completed pod; current phase is %s", phase);
        goto out;
    }
    const char *ctr_name = container;
    if (ctr_name == NULL || !*ctr_name) {
        char why[512];
        const json_t *ctr = choose_container(c, pod, NULL, quiet, why, sizeof why);
        if (ctr == NULL) {
            status = ctl_error(c, "%s", why);
            goto out;
        }
        ctr_name = json_string_value(json_object_get(ctr, "name"));
    }
    bool raw = setup_tty(c, stdin_open, tty, quiet);
    query = xstrdup("");
    for (int i = dash + 1; i < argc; i++) {
        cleanup_free char *v = ctl_query_escape(argv[i]);
        char *more = xasprintf("%s&command=%s", query, v);
        free(query);
        query = more;
    }
    ctl_query_add(&query, "container", ctr_name);
    ctl_query_add(&query, "stderr", raw ? NULL : "true");
    ctl_query_add(&query, "stdin", stdin_open ? "true" : NULL);
    ctl_query_add(&query, "stdout", "true");
    ctl_query_add(&query, "tty", raw ? "true" : NULL);
    status = remote_session(c, pod, "exec", query + 1, stdin_open, raw);
out:
    objects_manifests_free(manifests, nmanifests);
    cli_strv_free(&args);
    cli_strv_free(&files);
    return status;
}

int attach_to_pod(struct ctl *c, const json_t *pod, const struct attach_opts *o,
                  const char *command_name)
{
    char why[512];
    const json_t *ctr = choose_container(c, pod, o->container, o->quiet, why, sizeof why);
    if (ctr == NULL) {
        return ctl_error(c, "cannot attach to the container: %s", why);
    }
    const char *ctr_name = json_string_value(json_object_get(ctr, "name"));
    bool tty = o->tty, ctr_tty = json_is_true(json_object_get(ctr, "tty"));
    if (tty && !ctr_tty) {
        tty = false;
        if (!o->quiet) {
            fprintf(c->errout, "error: Unable to use a TTY - container %s did not allocate one\n",
                    ctr_name);
        }
    } else if (!tty && ctr_tty) {
        tty = true; /* the container has a TTY: without one the stream would be garbled */
    }
    bool raw = setup_tty(c, o->stdin_open, tty, o->quiet);
    if (!o->quiet) {
        fputs("If you don't see a command prompt, try pressing enter.\n", c->errout);
    }
    cleanup_free char *query = xstrdup("");
    ctl_query_add(&query, "container", ctr_name);
    ctl_query_add(&query, "stderr", raw ? NULL : "true");
    ctl_query_add(&query, "stdin", o->stdin_open ? "true" : NULL);
    ctl_query_add(&query, "stdout", "true");
    ctl_query_add(&query, "tty", raw ? "true" : NULL);
    int status = remote_session(c, pod, "attach", query + 1, o->stdin_open, raw);
    if (status == 0 && !o->quiet && o->stdin_open && raw) {
        fprintf(c->out, "Session ended, resume using '%s %s -c %s -n %s -i -t' command\n",
                command_name, pod_str(pod, "metadata", "name"), ctr_name,
                pod_str(pod, "metadata", "namespace"));
    }
    return status;
}

int cmd_attach(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0};
    const char *container = NULL, *timeout_flag = "1m0s";
    bool stdin_open = false, tty = false, quiet = false;
    struct cli_flag flags[] = {
        {"container", 'c', CLI_STRING, &container, false},
        {"stdin", 'i', CLI_BOOL, &stdin_open, false},
        {"tty", 't', CLI_BOOL, &tty, false},
        {"quiet", 'q', CLI_BOOL, &quiet, false},
        {"pod-running-timeout", 0, CLI_STRING, &timeout_flag, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    int64_t timeout_ns = 0;
    cleanup_json json_t *pod = NULL;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    struct err e = {0};
    if (duration_parse(timeout_flag, &timeout_ns, &e) != 0) {
        status = running_timeout(c, timeout_flag, &timeout_ns);
        goto out;
    }
    if (args.n == 0) {
        status = ctl_error(c, "at least 1 argument is required for attach");
        goto out;
    }
    if (args.n > 2) {
        fprintf(c->errout,
                "error: expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw %zu: [",
                args.n);
        for (size_t i = 0; i < args.n; i++) {
            fprintf(c->errout, "%s%s", i ? " " : "", args.v[i]);
        }
        fputs("]\n", c->errout);
        status = 1;
        goto out;
    }
    if (timeout_ns <= 0) {
        status = ctl_usage_error(c, "--pod-running-timeout must be higher than zero");
        goto out;
    }
    if (ctl_connect(c) != 0 || resolve_pod(c, args.v, args.n, timeout_ns, &pod) != 0) {
        status = 1;
        goto out;
    }
    const char *phase = pod_str(pod, "status", "phase");
    if (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0) {
        status = ctl_error(c, "cannot attach a container in a completed pod; current phase is %s",
                           phase);
        goto out;
    }
    struct attach_opts o = {
        .container = container, .stdin_open = stdin_open, .tty = tty, .quiet = quiet};
    char *command_name = xasprintf("%s attach", c->prog);
    status = attach_to_pod(c, pod, &o, command_name);
    free(command_name);
out:
    cli_strv_free(&args);
    return status;
}

/* Go's strconv.ParseUint(s, 10, 16) for a port: 0 with *port, or -1 with why. */
static int parse_port(const char *s, unsigned *port, char *why, size_t why_size)
{
    if (*s == '\0' || strspn(s, "0123456789") != strlen(s)) {
        snprintf(why, why_size, "strconv.ParseUint: parsing \"%s\": invalid syntax", s);
        return -1;
    }
    unsigned long v = strtoul(s, NULL, 10);
    if (strlen(s) > 5 || v > 65535) {
        snprintf(why, why_size, "strconv.ParseUint: parsing \"%s\": value out of range", s);
        return -1;
    }
    *port = (unsigned)v;
    return 0;
}

/* The containerPort of the port called name in pod, or -1. */
static long named_port(const json_t *pod, const char *name)
{
    size_t i, j;
    json_t *ctr, *p;
    json_array_foreach (json_object_get(json_object_get(pod, "spec"), "containers"), i, ctr) {
        json_array_foreach (json_object_get(ctr, "ports"), j, p) {
            const char *n = json_string_value(json_object_get(p, "name"));
            if (n != NULL && strcmp(n, name) == 0) {
                return (long)json_integer_value(json_object_get(p, "containerPort"));
            }
        }
    }
    return -1;
}

static const char *const PORTFORWARD_SPDY[] = {
    "Connection: Upgrade",
    "Upgrade: SPDY/3.1",
    "X-Stream-Protocol-Version: portforward.k8s.io",
    NULL,
};

int cmd_port_forward(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0}, addresses = {0};
    const char *timeout_flag = "1m0s";
    struct cli_flag flags[] = {
        {"address", 0, CLI_STRING_SLICE, &addresses, false},
        {"pod-running-timeout", 0, CLI_STRING, &timeout_flag, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    int64_t timeout_ns = 0;
    cleanup_json json_t *pod = NULL, *again = NULL;
    cleanup_free char *pod_path = NULL;
    struct cli_strv ports = {0};
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (args.n < 2) {
        status = ctl_usage_error(c, "TYPE/NAME and list of ports are required for port-forward");
        goto out;
    }
    if (running_timeout(c, timeout_flag, &timeout_ns) != 0 || ctl_connect(c) != 0 ||
        resolve_pod(c, args.v, 1, timeout_ns, &pod) != 0) {
        status = 1;
        goto out;
    }
    /* kubectl turns named remote ports into numbers first */
    for (size_t i = 1; i < args.n && status == 0; i++) {
        const char *spec = args.v[i];
        const char *colon = strchr(spec, ':');
        const char *remote = colon ? colon + 1 : spec;
        if (*remote != '\0' && strspn(remote, "0123456789") != strlen(remote)) {
            long number = named_port(pod, remote);
            if (number < 0) {
                status = ctl_error(c, "Pod '%s' does not have a named port '%s'",
                                   pod_str(pod, "metadata", "name"), remote);
                break;
            }
            cleanup_free char *local =
                colon ? xstrndup(spec, (size_t)(colon - spec)) : xasprintf("%ld", number);
            cleanup_free char *fixed = xasprintf("%s:%ld", local, number);
            cli_strv_add(&ports, fixed);
        } else {
            cli_strv_add(&ports, spec);
        }
    }
    if (status == 0) {
        cleanup_free char *ns = ctl_query_escape(pod_str(pod, "metadata", "namespace"));
        cleanup_free char *name = ctl_query_escape(pod_str(pod, "metadata", "name"));
        pod_path = xasprintf("/api/v1/namespaces/%s/pods/%s", ns, name);
        status = ctl_request_json(c, "GET", pod_path, CTL_ACCEPT_JSON, NULL, NULL, &again);
    }
    const char *phase = status == 0 ? pod_str(again, "status", "phase") : "";
    if (status == 0 && strcmp(phase, "Running") != 0) {
        status = ctl_error(
            c, "unable to forward port because pod is not running. Current status=%s", phase);
    }
    for (size_t i = 0; i < ports.n && status == 0; i++) {
        char why[128];
        unsigned local = 0, remote = 0;
        const char *colon = strchr(ports.v[i], ':');
        cleanup_free char *lp =
            colon ? xstrndup(ports.v[i], (size_t)(colon - ports.v[i])) : xstrdup(ports.v[i]);
        const char *rp = colon ? colon + 1 : ports.v[i];
        if (*lp != '\0' && parse_port(lp, &local, why, sizeof why) != 0) {
            status = ctl_error(c, "error parsing local port '%s': %s", lp, why);
        } else if (parse_port(rp, &remote, why, sizeof why) != 0) {
            status = ctl_error(c, "error parsing remote port '%s': %s", rp, why);
        } else if (remote == 0) {
            status = ctl_error(c, "remote port must be > 0");
        }
    }
    if (status == 0) {
        cleanup_free char *path = xasprintf("%s/portforward", pod_path);
        struct ws_conn *ws = NULL;
        status = dial_stream(c, path, "SPDY/3.1+portforward.k8s.io", PORTFORWARD_SPDY,
                             "error upgrading connection: ", &ws);
        if (status == 0) {
            /* The upgrade succeeded: the data path (SPDY/3.1 tunnelled in WebSocket binary
             * frames) is what is missing. */
            ws_free(ws);
            status = ctl_error(c, "port-forward's SPDY/3.1 data path is not implemented by %s yet",
                               c->prog);
        }
    }
out:
    cli_strv_free(&ports);
    cli_strv_free(&args);
    cli_strv_free(&addresses);
    return status;
}
