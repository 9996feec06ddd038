/* The front half of pods/log, exec, attach and portforward, as kube-apiserver 1.32's pod registry
 * serves them before the kubelet (pkg/registry/core/pod: LogLocation, streamLocation,
 * PortForwardLocation, validateContainer; rest/log.go): query options decoded as the parameter
 * codec does, PodLogOptions validation, the pod and container checks, the node's kubelet
 * address (--kubelet-preferred-address-types default order, daemonEndpoints port, 10250) and the
 * answer kube-apiserver gives when that kubelet cannot be dialled. */
#include "podstream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "k8stime.h"
#include "kubeclient.h"
#include "status.h"
#include "validate.h"
#include "xalloc.h"

#define KUBELET_DEFAULT_PORT    10250
#define KUBELET_DIAL_TIMEOUT_MS 5000 /* kube-apiserver waits 30 s; a lab's dead node need not */

/* kube-apiserver's default --kubelet-preferred-address-types. */
static const char *const preferred_address_types[] = {"Hostname", "InternalDNS", "InternalIP",
                                                      "ExternalDNS", "ExternalIP"};

/* PodLogOptions as decoded from the query (pointer-ish fields carry a "set" flag). */
struct log_options {
    const char *container;
    bool follow, previous, timestamps;
    bool has_since_seconds, has_since_time, has_tail_lines, has_limit_bytes, has_stream;
    int64_t since_seconds, tail_lines, limit_bytes;
    char since_time[64]; /* as given, re-formatted by the kubelet URL */
};

/* ---- Answers ---- */

/* A non-Status error as kube-apiserver reports it: the error's text, no reason. */
static json_t *plain_error(int http, const char *message, int *code)
{
    json_t *s = status_new(http, "", message, NULL, NULL, NULL);
    json_object_del(s, "reason");
    return rest_answer_status(code, s);
}

static json_t *bad_request(int *code, const char *fmt, ...) C8S_FMT(2, 3);
static json_t *bad_request(int *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
    json_t *s = status_bad_request(msg);
    free(msg);
    return rest_answer_status(code, s);
}

/* ---- Query decoding (k8s.io/apimachinery runtime's url.Values conversions) ---- */

static const char *query(const struct rest_call *call, const char *name)
{
    return call->query ? call->query(call->query_ctx, name) : NULL;
}

/* Convert_Slice_string_To_bool: "0" and "false" (any case) are false, anything else true. */
static bool query_bool(const struct rest_call *call, const char *name)
{
    const char *v = query(call, name);
    return v != NULL && strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0;
}

/* strconv.ParseInt(v, 10, 64) with Go's error text in *error (owned). */
static bool parse_go_int64(const char *v, int64_t *out, char **error)
{
    const char *p = v;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    bool range = false;
    uint64_t n = 0;
    if (*p == '\0') {
        goto syntax;
    }
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            goto syntax;
        }
        unsigned d = (unsigned)(*p - '0');
        if (n > (UINT64_MAX - d) / 10) {
            range = true;
            n = UINT64_MAX;
        } else if (!range) {
            n = n * 10 + d;
        }
    }
    if (range || (!neg && n > (uint64_t)INT64_MAX) || (neg && n > (uint64_t)INT64_MAX + 1)) {
        cleanup_free char *q = validate_quote(v);
        *error = xasprintf("strconv.ParseInt: parsing %s: value out of range", q);
        return false;
    }
    *out = neg ? (int64_t)(0 - n) : (int64_t)n;
    return true;
syntax : {
    cleanup_free char *q = validate_quote(v);
    *error = xasprintf("strconv.ParseInt: parsing %s: invalid syntax", q);
    return false;
}
}

/* An int64 query parameter; false with *error set when it does not parse. */
static bool query_int64(const struct rest_call *call, const char *name, bool *has, int64_t *out,
                        char **error)
{
    const char *v = query(call, name);
    *has = v != NULL;
    return v == NULL || parse_go_int64(v, out, error);
}

/* PodLogOptions from the query; NULL, or a 400 with the conversion's error. */
static json_t *decode_log_options(const struct rest_call *call, struct log_options *o, int *code)
{
    memset(o, 0, sizeof *o);
    o->container = query(call, "container");
    o->follow = query_bool(call, "follow");
    o->previous = query_bool(call, "previous");
    o->timestamps = query_bool(call, "timestamps");
    cleanup_free char *error = NULL;
    if (!query_int64(call, "sinceSeconds", &o->has_since_seconds, &o->since_seconds, &error) ||
        !query_int64(call, "tailLines", &o->has_tail_lines, &o->tail_lines, &error) ||
        !query_int64(call, "limitBytes", &o->has_limit_bytes, &o->limit_bytes, &error)) {
        return bad_request(code, "%s", error);
    }
    const char *since_time = query(call, "sinceTime");
    if (since_time != NULL) {
        o->has_since_time = true;
        struct timespec t;
        struct err e = {0};
        if (since_time[0] != '\0' && strcmp(since_time, "null") != 0 &&
            k8stime_parse(since_time, &t, &e) != 0) {
            return bad_request(code, "%s", e.msg);
        }
        snprintf(o->since_time, sizeof o->since_time, "%s", since_time);
    }
    o->has_stream = query(call, "stream") != NULL;
    return NULL;
}

/* ValidatePodLogOptions (the PodLogsQuerySplitStreams gate off, as 1.32's default): NULL or
 * 422 `PodLogOptions "x" is invalid: ...`. */
static json_t *validate_log_options(const struct log_options *o, const char *name, int *code)
{
    struct field_errors fe;
    field_errors_init(&fe);
    if (o->has_tail_lines && o->tail_lines < 0) {
        cleanup_json json_t *v = json_integer(o->tail_lines);
        field_errors_add(&fe, FIELD_INVALID, "tailLines", v, "must be greater than or equal to 0");
    }
    if (o->has_limit_bytes && o->limit_bytes < 1) {
        cleanup_json json_t *v = json_integer(o->limit_bytes);
        field_errors_add(&fe, FIELD_INVALID, "limitBytes", v, "must be greater than 0");
    }
    if (o->has_since_seconds && o->has_since_time) {
        field_errors_add(&fe, FIELD_FORBIDDEN, "", NULL,
                         "at most one of `sinceTime` or `sinceSeconds` may be specified");
    } else if (o->has_since_seconds && o->since_seconds < 1) {
        cleanup_json json_t *v = json_integer(o->since_seconds);
        field_errors_add(&fe, FIELD_INVALID, "sinceSeconds", v, "must be greater than 0");
    }
    if (o->has_stream) {
        field_errors_add(&fe, FIELD_FORBIDDEN, "stream", NULL, "may not be specified");
    }
    json_t *out = NULL;
    if (field_errors_count(&fe) > 0) {
        out = rest_answer_status(code, status_invalid("", "PodLogOptions", name, &fe));
    }
    field_errors_free(&fe);
    return out;
}

/* ---- The pod, its container, its node ---- */

/* Every container name in VisitContainers' order: init, regular, ephemeral. */
static void container_names(const json_t *spec, json_t *names)
{
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    for (size_t l = 0; l < 3; l++) {
        size_t i;
        json_t *c;
        json_array_foreach (json_object_get(spec, lists[l]), i, c) {
            const char *n = json_string_value(json_object_get(c, "name"));
            json_array_append_new(names, json_string(n ? n : ""));
        }
    }
}

/* validateContainer: the named container must exist (in any list); without a name the only
 * regular container is taken. *chosen borrows from pod. NULL or a 400. */
static json_t *choose_container(const json_t *pod, const char *wanted, const char **chosen,
                                int *code)
{
    const char *pod_name = rest_meta_str(pod, "name");
    const json_t *spec = json_object_get(pod, "spec");
    cleanup_json json_t *names = json_array();
    container_names(spec, names);
    if (wanted != NULL && wanted[0] != '\0') {
        size_t i;
        json_t *n;
        json_array_foreach (names, i, n) {
            if (strcmp(json_string_value(n), wanted) == 0) {
                *chosen = wanted;
                return NULL;
            }
        }
        return bad_request(code, "container %s is not valid for pod %s", wanted, pod_name);
    }
    const json_t *containers = json_object_get(spec, "containers");
    if (json_array_size(containers) == 1) {
        *chosen = json_string_value(json_object_get(json_array_get(containers, 0), "name"));
        return NULL;
    }
    if (json_array_size(containers) == 0) {
        return bad_request(code, "a container name must be specified for pod %s", pod_name);
    }
    /* Go prints a []string with %s as "[a b c]". */
    size_t len = 3;
    size_t i;
    json_t *n;
    json_array_foreach (names, i, n) {
        len += strlen(json_string_value(n)) + 1;
    }
    cleanup_free char *list = xmalloc(len);
    char *p = list;
    *p++ = '[';
    json_array_foreach (names, i, n) {
        p += sprintf(p, "%s%s", i ? " " : "", json_string_value(n));
    }
    strcpy(p, "]");
    return bad_request(code, "a container name must be specified for pod %s, choose one of: %s",
                       pod_name, list);
}

/* Go's %v of []v1.NodeAddress: "[{InternalIP 10.0.0.1} {Hostname n1}]". Owned. */
static char *format_addresses(const json_t *addresses)
{
    size_t len = 3;
    size_t i;
    json_t *a;
    json_array_foreach (addresses, i, a) {
        const char *t = json_string_value(json_object_get(a, "type"));
        const char *v = json_string_value(json_object_get(a, "address"));
        len += (t ? strlen(t) : 0) + (v ? strlen(v) : 0) + 4;
    }
    char *out = xmalloc(len);
    char *p = out;
    *p++ = '[';
    json_array_foreach (addresses, i, a) {
        const char *t = json_string_value(json_object_get(a, "type"));
        const char *v = json_string_value(json_object_get(a, "address"));
        p += sprintf(p, "%s{%s %s}", i ? " " : "", t ? t : "", v ? v : "");
    }
    strcpy(p, "]");
    return out;
}

/* The kubelet's host:port of a node (NodeConnectionInfoGetter). Returns the node's address
 * (borrowed from node) or NULL with a 500 in *failure. */
static const char *kubelet_address(const json_t *node, int *port, json_t **failure, int *code)
{
    const json_t *status = json_object_get(node, "status");
    const json_t *addresses = json_object_get(status, "addresses");
    const char *host = NULL;
    for (size_t t = 0; host == NULL && t < 5; t++) {
        size_t i;
        json_t *a;
        json_array_foreach (addresses, i, a) {
            const char *type = json_string_value(json_object_get(a, "type"));
            if (type != NULL && strcmp(type, preferred_address_types[t]) == 0) {
                host = json_string_value(json_object_get(a, "address"));
                break;
            }
        }
    }
    if (host == NULL) {
        cleanup_free char *known = format_addresses(addresses);
        cleanup_free char *msg =
            xasprintf("no preferred addresses found; known addresses: %s", known);
        *failure = plain_error(500, msg, code);
        return NULL;
    }
    json_int_t p = json_integer_value(json_object_get(
        json_object_get(json_object_get(status, "daemonEndpoints"), "kubeletEndpoint"), "Port"));
    *port = p > 0 ? (int)p : KUBELET_DEFAULT_PORT;
    return host;
}

/* net.JoinHostPort: IPv6 literals in brackets. Owned. */
static char *join_host_port(const char *host, int port)
{
    return strchr(host, ':') != NULL ? xasprintf("[%s]:%d", host, port)
                                     : xasprintf("%s:%d", host, port);
}

/* Dials host:port as Go's net.Dialer would; returns NULL when it connected, else the dial error
 * in Go's words ("dial tcp 10.0.0.1:10250: connect: connection refused"). Owned. */
static char *dial_kubelet(const char *host, int port)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    if (getaddrinfo(host, service, &hints, &res) != 0 || res == NULL) {
        return xasprintf("dial tcp: lookup %s: no such host", host);
    }
    char ip[INET6_ADDRSTRLEN] = "";
    if (res->ai_family == AF_INET) {
        inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr, ip, sizeof ip);
    } else {
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr, ip,
                  sizeof ip);
    }
    cleanup_free char *addr = join_host_port(ip, port);
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int rc = fd < 0 ? -1 : connect(fd, res->ai_addr, res->ai_addrlen);
    int error = rc == 0 ? 0 : errno;
    freeaddrinfo(res);
    if (rc != 0 && error == EINPROGRESS) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int n = poll(&pfd, 1, KUBELET_DIAL_TIMEOUT_MS);
        if (n == 0) {
            close(fd);
            return xasprintf("dial tcp %s: i/o timeout", addr);
        }
        socklen_t len = sizeof error;
        if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) {
            error = errno;
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    if (error == 0) {
        return NULL;
    }
    /* Go's syscall.Errno strings are strerror's in lower case. */
    char text[128];
    snprintf(text, sizeof text, "%s", strerror(error));
    text[0] = (char)(text[0] >= 'A' && text[0] <= 'Z' ? text[0] - 'A' + 'a' : text[0]);
    return xasprintf("dial tcp %s: connect: %s", addr, text);
}

/* url.Values.Encode of the kubelet's log query (keys sorted). Owned, "" when empty. */
static char *kubelet_log_query(const struct log_options *o)
{
    char *q = xstrdup("");
    char num[32];
#define ADD(key, value)                                                    \
    do {                                                                   \
        cleanup_free char *esc = kubeclient_query_escape(value);           \
        char *next = xasprintf("%s%s%s=%s", q, q[0] ? "&" : "", key, esc); \
        free(q);                                                           \
        q = next;                                                          \
    } while (0)
    if (o->follow) {
        ADD("follow", "true");
    }
    if (o->has_limit_bytes) {
        snprintf(num, sizeof num, "%" PRId64, o->limit_bytes);
        ADD("limitBytes", num);
    }
    if (o->previous) {
        ADD("previous", "true");
    }
    if (o->has_since_seconds) {
        snprintf(num, sizeof num, "%" PRId64, o->since_seconds);
        ADD("sinceSeconds", num);
    }
    if (o->has_since_time) {
        ADD("sinceTime", o->since_time);
    }
    if (o->has_tail_lines) {
        snprintf(num, sizeof num, "%" PRId64, o->tail_lines);
        ADD("tailLines", num);
    }
    if (o->timestamps) {
        ADD("timestamps", "true");
    }
#undef ADD
    return q;
}

/* ---- Entry point ---- */

static bool method_allowed(const char *sub, const char *verb)
{
    if (strcmp(sub, "log") == 0) {
        return strcmp(verb, "get") == 0;
    }
    return strcmp(verb, "get") == 0 || strcmp(verb, "create") == 0;
}

json_t *podstream_serve(struct rest *r, const struct rest_call *call, int *code)
{
    const char *sub = call->info->subresource;
    const char *name = call->info->name;
    const char *ns = call->info->namespace_;
    if (!method_allowed(sub, call->info->verb)) {
        return rest_answer_status(code, status_method_not_allowed());
    }
    bool is_log = strcmp(sub, "log") == 0;
    struct log_options lo;
    json_t *failure = NULL;
    if (is_log) {
        if ((failure = decode_log_options(call, &lo, code)) != NULL ||
            (failure = validate_log_options(&lo, name, code)) != NULL) {
            return failure;
        }
    } else if (strcmp(sub, "portforward") == 0) {
        /* Convert_Slice_string_To_Slice_int32: comma lists of 16-bit unsigned numbers. */
        const char *ports = query(call, "ports");
        for (const char *p = ports; p != NULL && p[0] != '\0';) {
            size_t n = strcspn(p, ",");
            cleanup_free char *one = xstrndup(p, n);
            cleanup_free char *q = validate_quote(one);
            int64_t v = 0;
            cleanup_free char *ignored = NULL;
            if (!parse_go_int64(one, &v, &ignored) || one[0] == '-' || one[0] == '+') {
                return bad_request(code,
                                   "cannot convert to []int32: strconv.ParseUint: parsing %s: "
                                   "invalid syntax",
                                   q);
            }
            if (v > 65535) {
                return bad_request(code,
                                   "cannot convert to []int32: strconv.ParseUint: parsing %s: "
                                   "value out of range",
                                   q);
            }
            p += n + (p[n] == ',' ? 1 : 0);
        }
    }

    const struct resource *pods = call->resource;
    cleanup_free char *pod_key = rest_object_key(pods, ns, name);
    int64_t rev = 0;
    cleanup_json json_t *pod = rest_read_current(r, pod_key, pods, name, &rev, &failure, code);
    if (pod == NULL) {
        return failure;
    }
    const char *container = NULL;
    if (strcmp(sub, "portforward") != 0) {
        const char *wanted = is_log ? lo.container : query(call, "container");
        if ((failure = choose_container(pod, wanted, &container, code)) != NULL) {
            return failure;
        }
    }
    const char *node_name =
        json_string_value(json_object_get(json_object_get(pod, "spec"), "nodeName"));
    if (node_name == NULL || node_name[0] == '\0') {
        if (is_log) {
            /* LocationStreamer without a location: no content. */
            return rest_answer(code, 204, json_object());
        }
        return bad_request(code, "pod %s does not have a host assigned", name);
    }
    const struct resource *nodes = resources_find("", "v1", "nodes");
    cleanup_free char *node_key = rest_object_key(nodes, NULL, node_name);
    cleanup_json json_t *node =
        rest_read_current(r, node_key, nodes, node_name, &rev, &failure, code);
    if (node == NULL) {
        return failure;
    }
    int port = 0;
    const char *host = kubelet_address(node, &port, &failure, code);
    if (host == NULL) {
        return failure;
    }
    cleanup_free char *dial_error = dial_kubelet(host, port);
    cleanup_free char *host_port = join_host_port(host, port);
    if (is_log) {
        cleanup_free char *q = kubelet_log_query(&lo);
        cleanup_free char *url = xasprintf("https://%s/containerLogs/%s/%s/%s%s%s", host_port, ns,
                                           name, container, q[0] ? "?" : "", q);
        if (dial_error != NULL) {
            /* What Go's http.Client.Do returns: a url.Error. */
            cleanup_free char *msg = xasprintf("Get \"%s\": %s", url, dial_error);
            return plain_error(500, msg, code);
        }
        /* TODO(kubelet): stream the kubelet's answer (server.c needs a raw streaming body). */
        cleanup_free char *msg = xasprintf("c8s-apiserver cannot stream %s yet", url);
        return plain_error(503, msg, code);
    }
    if (dial_error != NULL) {
        /* UpgradeAwareHandler's dial failure. */
        cleanup_free char *msg = xasprintf("error dialing backend: %s", dial_error);
        return plain_error(500, msg, code);
    }
    /* TODO(kubelet): proxy the upgraded connection (server.c needs MHD upgrade handling). */
    cleanup_free char *msg =
        xasprintf("c8s-apiserver cannot proxy %s to the kubelet at %s yet", sub, host_port);
    return plain_error(503, msg, code);
}
