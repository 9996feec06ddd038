/* `c8sctl exec`, `attach` and `port-forward` as kubectl 1.32's: the pod is fetched (or found
 * through a controller's selector, waiting up to --pod-running-timeout), its phase and
 * containers are checked client-side, then the stream is a WebSocket speaking
 * v5.channel.k8s.io (common/wsclient.h). kubectl falls back to SPDY when the upgrade is
 * refused; c8sctl sends the same fallback request only to report its answer as kubectl does,
 * except port-forward, which runs its SPDY/3.1 session (common/spdy.h) on either connection. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "cleanup.h"
#include "duration.h"
#include "log.h"
#include "objects.h"
#include "spdy.h"
#include "validate.h"
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
 * with spdy_headers. Returns 0 with *ws (a WebSocket), or, when spdy is not NULL and the
 * fallback was accepted, with *spdy (the upgraded connection, raw bytes) and *ws NULL; else
 * prints the error and returns 1. */
static int dial_stream(struct ctl *c, const char *path, const char *protocol,
                       const char *const *spdy_headers, const char *error_prefix,
                       struct ws_conn **ws, struct ws_conn **spdy)
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
    struct ws_dial fallback = {.method = "POST", .path = path, .headers = spdy_headers};
    struct ws_conn *conn = NULL;
    if (ws_dial(&c->http_cfg, &fallback, &conn, &answer, &e) < 0) {
        return ctl_transport_error(c, &e);
    }
    LOG_V(6, "request", "method=POST url=%s%s status=%ld", c->kc.server, path,
          conn ? 101L : answer.status);
    int status = 0;
    if (conn != NULL && spdy != NULL) {
        /* kubectl's SpdyRoundTripper: the answer must upgrade to SPDY/3.1, and the dialer
         * reports the X-Stream-Protocol-Version it names */
        const char *upgrade = http_response_header(&answer, "Upgrade");
        const char *version = http_response_header(&answer, "X-Stream-Protocol-Version");
        const char *wanted = strrchr(protocol, '+') ? strrchr(protocol, '+') + 1 : protocol;
        if (upgrade == NULL || strcasestr(upgrade, "spdy/3.1") == NULL) {
            ws_free(conn);
            status =
                ctl_error(c, "%sunable to upgrade connection: ", error_prefix ? error_prefix : "");
        } else if (version == NULL || strcmp(version, wanted) != 0) {
            ws_free(conn);
            status = ctl_error(c,
                               "unable to negotiate protocol: client supports \"%s\", server "
                               "returned \"%s\"",
                               wanted, version ? version : "");
        } else {
            *spdy = conn;
        }
    } else if (conn != NULL) {
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
    if (dial_stream(c, path, WS_PROTOCOL_CHANNEL_V5, REMOTECOMMAND_SPDY, NULL, &ws, NULL) != 0) {
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

/* ---- port-forward's data path -------------------------------------------------------------
 * One thread and one poll loop (the ctl style): the SPDY session (common/spdy.h) runs over the
 * WebSocket tunnel (binary messages carry the SPDY byte stream, as client-go's
 * TunnelingConnection) or over the upgraded connection of the SPDY fallback. Each accepted
 * local connection follows kubectl's handleConnection: an error stream (created, then
 * half-closed), a data stream (created once the error stream is acknowledged), data copied
 * both ways, the data stream reset when the remote side is done, then the error stream read
 * to its end; a message there ends the whole session ("lost connection to pod"). */

#define PF_PING_MS      10000      /* client-go's PingPeriod */
#define PF_BUFFERED_MAX (1u << 20) /* remote bytes held for a slow local reader */

struct pf_listener {
    int fd;
    unsigned local, remote;
};

enum pf_state { PF_OPENING_ERROR, PF_OPENING_DATA, PF_FORWARDING, PF_DRAINING };

struct pf_conn {
    int fd;
    unsigned local, remote;
    enum pf_state state;
    uint32_t error_stream, data_stream;
    int request_id;
    bool local_done;   /* nothing more to read locally (EOF or error) */
    bool remote_fin;   /* the data stream ended on the remote side */
    bool local_broken; /* writing to the local connection failed */
    bool error_done;   /* the error stream ended */
    bool closed;       /* finished: to be freed */
    uint8_t *out;      /* remote bytes not yet written locally */
    size_t out_len, out_cap;
    char *error;
    size_t error_len;
};

struct pf {
    struct ctl *c;
    struct ws_conn *ws;
    bool tunnel; /* WebSocket binary messages, else raw bytes */
    struct spdy_session *s;
    struct pf_listener *listeners;
    size_t nlisteners;
    struct pf_conn **conns;
    size_t nconns;
    int next_request_id;
    bool lost; /* the session ended: kubectl's ErrLostConnectionToPod */
};

static int pf_write(void *ctx, const void *bytes, size_t len, struct err *err)
{
    struct pf *pf = ctx;
    return pf->tunnel ? ws_send(pf->ws, WS_OP_BINARY, bytes, len, err)
                      : ws_raw_write(pf->ws, bytes, len, err);
}

/* runtime.HandleError's klog line, as kubectl 1.32 prints it. */
static void pf_unhandled(struct pf *pf, const char *fmt, ...) C8S_FMT(2, 3);
static void pf_unhandled(struct pf *pf, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cleanup_free char *quoted = validate_quote(msg);
    ctl_klog(pf->c, 'E', "portforward.go:424", "\"Unhandled Error\" err=%s", quoted);
}

static struct pf_conn *pf_conn_of(struct pf *pf, uint32_t stream)
{
    for (size_t i = 0; i < pf->nconns; i++) {
        struct pf_conn *pc = pf->conns[i];
        if (!pc->closed && (pc->error_stream == stream || pc->data_stream == stream)) {
            return pc;
        }
    }
    return NULL;
}

/* A SPDY failure ends the session (spdystream's Serve loop ends on any framing error). */
static void pf_session_error(struct pf *pf, const struct err *e)
{
    LOG_V(4, "port-forward session ended", "error=%s", e->msg);
    pf->lost = true;
}

/* CreateStream with kubectl's headers (http.Header.Set canonicalises, spdystream lowercases). */
static int pf_open(struct pf *pf, struct pf_conn *pc, const char *type, uint32_t *stream)
{
    char port[16], id[16];
    snprintf(port, sizeof port, "%u", pc->remote);
    snprintf(id, sizeof id, "%d", pc->request_id);
    const char *names[] = {"streamtype", "port", "requestid"};
    const char *values[] = {type, port, id};
    struct err e = {0};
    if (spdy_open_stream(pf->s, names, values, 3, false, stream, &e) < 0) {
        pf_session_error(pf, &e);
        return -1;
    }
    return 0;
}

static void pf_on_reply(void *data, uint32_t stream, const struct spdy_headers *h)
{
    (void)h;
    struct pf *pf = data;
    struct pf_conn *pc = pf_conn_of(pf, stream);
    struct err e = {0};
    if (pc == NULL) {
        return;
    }
    if (pc->state == PF_OPENING_ERROR && stream == pc->error_stream) {
        /* "we're not writing to this stream" */
        if (spdy_send_data(pf->s, stream, NULL, 0, true, &e) < 0) {
            pf_session_error(pf, &e);
            return;
        }
        pc->state = PF_OPENING_DATA;
        pf_open(pf, pc, "data", &pc->data_stream);
    } else if (pc->state == PF_OPENING_DATA && stream == pc->data_stream) {
        pc->state = PF_FORWARDING;
    }
}

static void pf_on_data(void *data, uint32_t stream, const uint8_t *bytes, size_t len)
{
    struct pf *pf = data;
    struct pf_conn *pc = pf_conn_of(pf, stream);
    struct err e = {0};
    if (pc != NULL && stream == pc->error_stream) {
        pc->error = xrealloc(pc->error, pc->error_len + len + 1);
        memcpy(pc->error + pc->error_len, bytes, len);
        pc->error_len += len;
        pc->error[pc->error_len] = '\0';
    } else if (pc != NULL && !pc->local_broken) {
        if (pc->out_len + len > pc->out_cap) {
            pc->out_cap = (pc->out_len + len) * 2;
            pc->out = xrealloc(pc->out, pc->out_cap);
        }
        memcpy(pc->out + pc->out_len, bytes, len);
        pc->out_len += len;
        return; /* consumed once written locally */
    }
    if (spdy_consumed(pf->s, stream, len, &e) < 0) {
        pf_session_error(pf, &e);
    }
}

/* The end of a stream (FIN or reset); a reset before the reply fails the stream's creation. */
static void pf_stream_ended(struct pf *pf, uint32_t stream, bool reset)
{
    struct pf_conn *pc = pf_conn_of(pf, stream);
    if (pc == NULL) {
        return;
    }
    bool opening = (pc->state == PF_OPENING_ERROR && stream == pc->error_stream) ||
                   (pc->state == PF_OPENING_DATA && stream == pc->data_stream);
    if (reset && opening) {
        pf_unhandled(pf, "error creating %s stream for port %u -> %u: Stream reset",
                     stream == pc->error_stream ? "error" : "forwarding", pc->local, pc->remote);
        struct err e = {0};
        if (stream == pc->data_stream && spdy_reset(pf->s, pc->error_stream, SPDY_CANCEL, &e) < 0) {
            pf_session_error(pf, &e);
        }
        pc->closed = true;
        return;
    }
    if (stream == pc->error_stream) {
        pc->error_done = true;
    } else {
        pc->remote_fin = true;
    }
}

static void pf_on_remote_fin(void *data, uint32_t stream)
{
    pf_stream_ended(data, stream, false);
}

static void pf_on_reset(void *data, uint32_t stream, uint32_t status)
{
    (void)status;
    pf_stream_ended(data, stream, true);
}

static void pf_on_goaway(void *data, uint32_t last, uint32_t status)
{
    struct pf *pf = data;
    LOG_V(4, "port-forward: the server sent GOAWAY", "last=%u status=%u", last, status);
    pf->lost = true;
}

/* Moves pc on once a side is done: the data stream reset, then the error stream's verdict. */
static void pf_advance(struct pf *pf, struct pf_conn *pc)
{
    struct err e = {0};
    if (pc->state == PF_FORWARDING && ((pc->remote_fin && pc->out_len == 0) || pc->local_broken)) {
        /* "reset dataStream to discard any unsent data"; nothing is sent after our FIN */
        if (spdy_reset(pf->s, pc->data_stream, SPDY_CANCEL, &e) < 0) {
            pf_session_error(pf, &e);
        }
        pc->state = PF_DRAINING;
    }
    if (pc->state == PF_DRAINING && pc->error_done) {
        if (pc->error_len > 0) {
            pf_unhandled(pf, "an error occurred forwarding %u -> %u: %s", pc->local, pc->remote,
                         pc->error);
            pf->lost = true; /* kubectl closes the whole connection */
        }
        pc->closed = true;
    }
}

/* Copies what the local connection has to the data stream, within the peer's window. */
static void pf_read_local(struct pf *pf, struct pf_conn *pc)
{
    uint8_t buf[SPDY_MAX_DATA_FRAME * 2];
    size_t window = spdy_send_window(pf->s, pc->data_stream);
    ssize_t n = recv(pc->fd, buf, window < sizeof buf ? window : sizeof buf, MSG_DONTWAIT);
    struct err e = {0};
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    if (n < 0) {
        pf_unhandled(pf, "error copying from local connection to remote stream: read: %s",
                     strerror(errno));
        pc->local_broken = true; /* kubectl stops waiting for the remote side */
    }
    int rv = n > 0 ? spdy_send_data(pf->s, pc->data_stream, buf, (size_t)n, false, &e)
                   : spdy_send_data(pf->s, pc->data_stream, NULL, 0, true, &e);
    if (n <= 0) {
        pc->local_done = true; /* "inform server we're not sending any more data" */
    }
    if (rv < 0 && rv != -EPIPE) {
        pf_session_error(pf, &e);
    }
}

/* Writes buffered remote bytes to the local connection and gives the window back. */
static void pf_write_local(struct pf *pf, struct pf_conn *pc)
{
    ssize_t n = send(pc->fd, pc->out, pc->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
    struct err e = {0};
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    if (n < 0) {
        if (errno != EPIPE && errno != ECONNRESET) {
            pf_unhandled(pf, "error copying from remote stream to local connection: write: %s",
                         strerror(errno));
        }
        if (spdy_consumed(pf->s, pc->data_stream, pc->out_len, &e) < 0) {
            pf_session_error(pf, &e);
        }
        pc->out_len = 0;
        pc->local_broken = true;
        return;
    }
    memmove(pc->out, pc->out + n, pc->out_len - (size_t)n);
    pc->out_len -= (size_t)n;
    if (spdy_consumed(pf->s, pc->data_stream, (size_t)n, &e) < 0) {
        pf_session_error(pf, &e);
    }
}

static void pf_accept(struct pf *pf, const struct pf_listener *l)
{
    int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        return;
    }
    fprintf(pf->c->out, "Handling connection for %u\n", l->local);
    fflush(pf->c->out);
    struct pf_conn *pc = xcalloc(1, sizeof *pc);
    pc->fd = fd;
    pc->local = l->local;
    pc->remote = l->remote;
    pc->request_id = pf->next_request_id++;
    pf->conns = xrealloc(pf->conns, (pf->nconns + 1) * sizeof *pf->conns);
    pf->conns[pf->nconns++] = pc;
    pf_open(pf, pc, "error", &pc->error_stream);
}

static void pf_conn_free(struct pf_conn *pc)
{
    if (pc->fd >= 0) {
        close(pc->fd);
    }
    free(pc->out);
    free(pc->error);
    free(pc);
}

/* Feeds what the transport has to the session. */
static void pf_read_transport(struct pf *pf)
{
    struct err e = {0};
    for (;;) {
        if (pf->tunnel) {
            struct ws_message m;
            int rc = ws_recv(pf->ws, &m, 0, &e);
            if (rc == 0) {
                return;
            }
            if (rc < 0 || m.op == WS_OP_CLOSE) {
                LOG_V(4, "port-forward tunnel closed", "error=%s", rc < 0 ? e.msg : "close");
                pf->lost = true;
                return;
            }
            if (m.op != WS_OP_BINARY) {
                e = (struct err){.code = EPROTO};
                snprintf(e.msg, sizeof e.msg, "invalid message type received");
                pf_session_error(pf, &e);
                return;
            }
            if (spdy_feed(pf->s, m.data, m.len, &e) < 0) {
                pf_session_error(pf, &e);
                return;
            }
        } else {
            uint8_t buf[65536];
            ssize_t n = ws_raw_read(pf->ws, buf, sizeof buf, 0, &e);
            if (n == 0) {
                return;
            }
            if (n < 0) {
                pf->lost = true;
                return;
            }
            if (spdy_feed(pf->s, buf, (size_t)n, &e) < 0) {
                pf_session_error(pf, &e);
                return;
            }
        }
        if (pf->lost) {
            return;
        }
    }
}

static int pf_signal_pipe[2] = {-1, -1};

static void pf_on_sigint(int sig)
{
    (void)sig;
    ssize_t n = write(pf_signal_pipe[1], "x", 1);
    (void)n;
}

static int64_t pf_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs the loop until SIGINT (0) or the end of the session (kubectl's "lost connection to
 * pod", 1). */
static int pf_run(struct pf *pf)
{
    struct pollfd *fds = NULL;
    int64_t next_ping = pf_now_ms() + PF_PING_MS;
    bool interrupted = false;
    struct err e = {0};
    while (!pf->lost && !interrupted) {
        size_t n = 2 + pf->nlisteners + pf->nconns;
        fds = xrealloc(fds, n * sizeof *fds);
        size_t buffered = 0;
        for (size_t i = 0; i < pf->nconns; i++) {
            buffered += pf->conns[i]->out_len;
        }
        fds[0] = (struct pollfd){.fd = pf_signal_pipe[0], .events = POLLIN};
        /* a local reader that lags holds the whole session, as spdystream's frame loop does */
        fds[1] =
            (struct pollfd){.fd = ws_fd(pf->ws), .events = buffered < PF_BUFFERED_MAX ? POLLIN : 0};
        for (size_t i = 0; i < pf->nlisteners; i++) {
            fds[2 + i] = (struct pollfd){.fd = pf->listeners[i].fd, .events = POLLIN};
        }
        for (size_t i = 0; i < pf->nconns; i++) {
            struct pf_conn *pc = pf->conns[i];
            short ev = 0;
            if (pc->state == PF_FORWARDING && !pc->local_done && !pc->local_broken &&
                spdy_send_window(pf->s, pc->data_stream) > 0) {
                ev |= POLLIN;
            }
            if (pc->out_len > 0 && !pc->local_broken) {
                ev |= POLLOUT;
            }
            fds[2 + pf->nlisteners + i] = (struct pollfd){.fd = pc->fd, .events = ev};
        }
        int64_t wait = next_ping - pf_now_ms();
        int ready = poll(fds, n, wait < 0 ? 0 : (int)wait);
        if (ready < 0 && errno != EINTR) {
            free(fds);
            return ctl_error(pf->c, "poll: %s", strerror(errno));
        }
        if (pf_now_ms() >= next_ping) {
            next_ping = pf_now_ms() + PF_PING_MS;
            if (spdy_ping(pf->s, &e) < 0) {
                pf_session_error(pf, &e);
            }
        }
        if (ready <= 0) {
            continue;
        }
        if (fds[0].revents & POLLIN) {
            interrupted = true;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            pf_read_transport(pf);
        }
        size_t nconns = pf->nconns; /* accepted now: polled next time */
        for (size_t i = 0; i < nconns && !pf->lost; i++) {
            struct pf_conn *pc = pf->conns[i];
            short rev = fds[2 + pf->nlisteners + i].revents;
            if (!pc->closed && (rev & POLLOUT) && pc->out_len > 0) {
                pf_write_local(pf, pc);
            }
            if (!pc->closed && (rev & (POLLIN | POLLHUP | POLLERR)) &&
                fds[2 + pf->nlisteners + i].events & POLLIN) {
                pf_read_local(pf, pc);
            }
        }
        for (size_t i = 0; i < pf->nlisteners && !pf->lost; i++) {
            if (fds[2 + i].revents & POLLIN) {
                pf_accept(pf, &pf->listeners[i]);
            }
        }
        size_t kept = 0;
        for (size_t i = 0; i < pf->nconns; i++) {
            struct pf_conn *pc = pf->conns[i];
            if (!pc->closed && !pf->lost) {
                pf_advance(pf, pc);
            }
            if (pc->closed) {
                pf_conn_free(pc);
            } else {
                pf->conns[kept++] = pc;
            }
        }
        pf->nconns = kept;
    }
    free(fds);
    /* streamConn.Close(): every stream reset, then the session and the tunnel closed */
    for (size_t i = 0; i < pf->nconns; i++) {
        struct pf_conn *pc = pf->conns[i];
        if (spdy_reset(pf->s, pc->error_stream, SPDY_CANCEL, &e) < 0 ||
            (pc->data_stream != 0 && spdy_reset(pf->s, pc->data_stream, SPDY_CANCEL, &e) < 0)) {
            break;
        }
    }
    if (!spdy_gone_away(pf->s) && spdy_goaway(pf->s, 0, &e) < 0) {
        LOG_V(4, "port-forward: GOAWAY not sent", "error=%s", e.msg);
    }
    if (pf->tunnel && ws_close(pf->ws, WS_CLOSE_NORMAL, NULL, &e) < 0) {
        LOG_V(4, "port-forward: close not sent", "error=%s", e.msg);
    }
    return pf->lost ? ctl_error(pf->c, "lost connection to pod") : 0;
}

/* One address to listen on: net.Listen's network and the failure mode of parseAddresses. */
struct pf_address {
    char ip[64];
    bool v6;
    bool all; /* "localhost": failing on one of the two is fine */
};

static int pf_address_cmp(const void *a, const void *b)
{
    return strcmp(((const struct pf_address *)a)->ip, ((const struct pf_address *)b)->ip);
}

/* parseAddresses: localhost is 127.0.0.1 and ::1; IPs as given; sorted, without duplicates.
 * Returns the count, or -1 after printing kubectl's error. */
static int pf_parse_addresses(struct ctl *c, const struct cli_strv *given, struct pf_address *out,
                              size_t cap)
{
    size_t n = 0;
    const char *localhost[] = {"localhost"};
    const char *const *v = given->n > 0 ? (const char *const *)given->v : localhost;
    size_t count = given->n > 0 ? given->n : 1;
    for (size_t i = 0; i < count; i++) {
        struct pf_address add[2];
        size_t nadd = 0;
        unsigned char raw[16];
        if (strcmp(v[i], "localhost") == 0) {
            add[nadd++] = (struct pf_address){.ip = "127.0.0.1", .v6 = false, .all = true};
            add[nadd++] = (struct pf_address){.ip = "::1", .v6 = true, .all = true};
        } else if (inet_pton(AF_INET, v[i], raw) == 1 || inet_pton(AF_INET6, v[i], raw) == 1) {
            add[0] = (struct pf_address){.v6 = strchr(v[i], ':') != NULL};
            snprintf(add[0].ip, sizeof add[0].ip, "%s", v[i]);
            nadd = 1;
        } else {
            ctl_error(c, "%s is not a valid IP", v[i]);
            return -1;
        }
        for (size_t a = 0; a < nadd; a++) {
            bool seen = false;
            for (size_t j = 0; j < n; j++) {
                if (strcmp(out[j].ip, add[a].ip) == 0) {
                    seen = true;
                    /* a later plain IP replaces localhost's entry, as the Go map does */
                    if (!add[a].all) {
                        out[j] = add[a];
                    }
                }
            }
            if (!seen && n < cap) {
                out[n++] = add[a];
            }
        }
    }
    qsort(out, n, sizeof *out, pf_address_cmp);
    return (int)n;
}

/* Go's net error text for a failed listen. */
static void pf_listen_error(char *buf, size_t size, const struct pf_address *a, unsigned port,
                            const char *op, int errnum)
{
    char reason[128];
    snprintf(reason, sizeof reason, "%s", strerror(errnum));
    reason[0] = (char)tolower((unsigned char)reason[0]);
    snprintf(buf, size, "unable to create listener: Error listen tcp%c %s%s%s:%u: %s: %s",
             a->v6 ? '6' : '4', a->v6 ? "[" : "", a->ip, a->v6 ? "]" : "", port, op, reason);
}

/* net.Listen("tcp4"/"tcp6", addr:port) with Go's socket options. Returns the fd or -1 with
 * the error text in why. */
static int pf_listen_one(const struct pf_address *a, unsigned port, unsigned *bound, char *why,
                         size_t why_size)
{
    struct sockaddr_storage ss = {0};
    socklen_t len;
    if (a->v6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        inet_pton(AF_INET6, a->ip, &s6->sin6_addr);
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, a->ip, &s4->sin_addr);
        len = sizeof *s4;
    }
    int fd = socket(a->v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        pf_listen_error(why, why_size, a, port, "socket", errno);
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (a->v6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, SOMAXCONN) != 0) {
        pf_listen_error(why, why_size, a, port, "bind", errno);
        close(fd);
        return -1;
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *bound = ntohs(a->v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                         : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* kubectl's forward(): listeners for every port on every address, "Forwarding from" lines,
 * "Unable to listen on port" for a port that failed. Returns 0, or 1 after printing the error
 * when no port could be listened on. */
static int pf_listen(struct pf *pf, const struct pf_address *addrs, size_t naddrs, unsigned *locals,
                     const unsigned *remotes, size_t nports)
{
    bool any = false;
    for (size_t p = 0; p < nports; p++) {
        size_t fail_all = 0, ok_all = 0, fail_any = 0;
        cleanup_free char *errors = xstrdup("");
        for (size_t a = 0; a < naddrs; a++) {
            char why[256];
            unsigned bound = 0;
            int fd = pf_listen_one(&addrs[a], locals[p], &bound, why, sizeof why);
            if (fd < 0) {
                char *more = xasprintf("%s%s%s", errors, *errors ? " " : "", why);
                free(errors);
                errors = more;
                addrs[a].all ? fail_all++ : fail_any++;
                continue;
            }
            addrs[a].all ? ok_all++ : (void)0;
            locals[p] = bound; /* port 0: the same port on the next address, as kubectl */
            fprintf(pf->c->out, "Forwarding from %s%s%s:%u -> %u\n", addrs[a].v6 ? "[" : "",
                    addrs[a].ip, addrs[a].v6 ? "]" : "", bound, remotes[p]);
            fflush(pf->c->out);
            pf->listeners = xrealloc(pf->listeners, (pf->nlisteners + 1) * sizeof *pf->listeners);
            pf->listeners[pf->nlisteners++] =
                (struct pf_listener){.fd = fd, .local = bound, .remote = remotes[p]};
        }
        if ((ok_all == 0 && fail_all > 0) || fail_any > 0) {
            fprintf(pf->c->errout,
                    "Unable to listen on port %u: Listeners failed to create with the following "
                    "errors: [%s]\n",
                    locals[p], errors);
        } else {
            any = true;
        }
    }
    if (!any) {
        cleanup_free char *list = xstrdup("");
        for (size_t p = 0; p < nports; p++) {
            char *more = xasprintf("%s%s{%u %u}", list, p ? " " : "", locals[p], remotes[p]);
            free(list);
            list = more;
        }
        return ctl_error(pf->c, "unable to listen on any of the requested ports: [%s]", list);
    }
    return 0;
}

/* The session on an upgraded connection (owned): listeners, the loop, cleanup. */
static int pf_forward(struct ctl *c, struct ws_conn *conn, bool tunnel,
                      const struct pf_address *addrs, size_t naddrs, unsigned *locals,
                      const unsigned *remotes, size_t nports)
{
    struct pf pf = {.c = c, .ws = conn, .tunnel = tunnel};
    static const struct spdy_handlers handlers = {
        .on_reply = pf_on_reply,
        .on_data = pf_on_data,
        .on_remote_fin = pf_on_remote_fin,
        .on_reset = pf_on_reset,
        .on_goaway = pf_on_goaway,
    };
    pf.s = spdy_session_new(pf_write, &pf, &handlers, &pf);
    int status = pf_listen(&pf, addrs, naddrs, locals, remotes, nports);
    struct sigaction sa = {.sa_handler = pf_on_sigint}, old_int;
    if (status == 0 && pipe2(pf_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        status = ctl_error(c, "pipe: %s", strerror(errno));
    }
    if (status == 0) {
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        status = pf_run(&pf);
        sigaction(SIGINT, &old_int, NULL);
        close(pf_signal_pipe[0]);
        close(pf_signal_pipe[1]);
        pf_signal_pipe[0] = pf_signal_pipe[1] = -1;
    }
    for (size_t i = 0; i < pf.nconns; i++) {
        pf_conn_free(pf.conns[i]);
    }
    for (size_t i = 0; i < pf.nlisteners; i++) {
        close(pf.listeners[i].fd);
    }
    free(pf.conns);
    free(pf.listeners);
    spdy_session_free(pf.s);
    ws_free(conn);
    return status;
}

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
    unsigned *locals = NULL, *remotes = NULL;
    struct pf_address addrs[64];
    int naddrs = 0;
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
        if (*remote != '\0' && strspn(remote, "0123456789") != strlen(remote) &&
            strchr(remote, ':') == NULL) {
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
    /* NewOnAddresses: the addresses, then the ports */
    if (status == 0) {
        naddrs = pf_parse_addresses(c, &addresses, addrs, sizeof addrs / sizeof *addrs);
        status = naddrs < 0 ? 1 : 0;
    }
    locals = xcalloc(ports.n + 1, sizeof *locals);
    remotes = xcalloc(ports.n + 1, sizeof *remotes);
    for (size_t i = 0; i < ports.n && status == 0; i++) {
        char why[128];
        const char *colon = strchr(ports.v[i], ':');
        if (colon != NULL && strchr(colon + 1, ':') != NULL) {
            status = ctl_error(c, "invalid port format '%s'", ports.v[i]);
            break;
        }
        cleanup_free char *lp =
            colon ? xstrndup(ports.v[i], (size_t)(colon - ports.v[i])) : xstrdup(ports.v[i]);
        const char *rp = colon ? colon + 1 : ports.v[i];
        if (*lp != '\0' && parse_port(lp, &locals[i], why, sizeof why) != 0) {
            status = ctl_error(c, "error parsing local port '%s': %s", lp, why);
        } else if (parse_port(rp, &remotes[i], why, sizeof why) != 0) {
            status = ctl_error(c, "error parsing remote port '%s': %s", rp, why);
        } else if (remotes[i] == 0) {
            status = ctl_error(c, "remote port must be > 0");
        }
    }
    if (status == 0) {
        cleanup_free char *path = xasprintf("%s/portforward", pod_path);
        struct ws_conn *ws = NULL, *spdy = NULL;
        status = dial_stream(c, path, "SPDY/3.1+portforward.k8s.io", PORTFORWARD_SPDY,
                             "error upgrading connection: ", &ws, &spdy);
        if (status == 0) {
            status = pf_forward(c, ws ? ws : spdy, ws != NULL, addrs, (size_t)naddrs, locals,
                                remotes, ports.n);
        }
    }
out:
    free(locals);
    free(remotes);
    cli_strv_free(&ports);
    cli_strv_free(&args);
    cli_strv_free(&addresses);
    return status;
}
