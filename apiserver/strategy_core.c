/* Strategies of the core/v1 types: pkg/registry/core/<type>/strategy.go (PrepareForCreate and
 * PrepareForUpdate), pkg/apis/core/v1/defaults.go and pkg/apis/core/validation of Kubernetes 1.32
 * for pods, services, namespaces, nodes, endpoints and events; configmaps and secrets are in
 * strategy_core_data.c, volumes, quotas and limit ranges in strategy_core_storage.c. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "quantity.h"
#include "strategy.h"
#include "validate.h"
#include "xalloc.h"

/* IsValidIP as 1.32 checks it (sloppy: leading zeros and any IPv6 form pass). */
static bool ip_parses(const char *ip)
{
    struct validate_errs msgs = VALIDATE_ERRS_INIT;
    validate_ip(ip, &msgs);
    bool ok = msgs.n == 0 || strncmp(msgs.msg[0], "must be a valid IP address", 26) != 0;
    validate_errs_free(&msgs);
    return ok;
}

static bool validate_ip_at(const char *ip, const char *path, struct field_errors *errs)
{
    if (ip_parses(ip)) {
        return true;
    }
    strategy_error_str(errs, FIELD_INVALID, ip,
                       "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)", "%s", path);
    return false;
}

/* ValidateNonSpecialIP: not unspecified, loopback or link-local. allow_loopback: Endpoints
 * accept 127.0.0.0/8 and ::1 here, because the apiservers of a loopback-only c8s lab advertise
 * 127.0.0.1 in the `kubernetes` Endpoints (kube-apiserver would refuse them). */
static void validate_non_special_ip(const char *ip, bool allow_loopback, const char *path,
                                    struct field_errors *errs)
{
    unsigned char a[16];
    if (inet_pton(AF_INET, ip, a) == 1) {
        if (memcmp(a, "\0\0\0\0", 4) == 0) {
            cleanup_free char *detail = xasprintf("may not be unspecified (%s)", ip);
            strategy_error_str(errs, FIELD_INVALID, ip, detail, "%s", path);
        }
        if (a[0] == 127 && !allow_loopback) {
            strategy_error_str(errs, FIELD_INVALID, ip,
                               "may not be in the loopback range (127.0.0.0/8, ::1/128)", "%s",
                               path);
        }
        if (a[0] == 169 && a[1] == 254) {
            strategy_error_str(errs, FIELD_INVALID, ip,
                               "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
                               "%s", path);
        }
        if (a[0] == 224 && a[1] == 0 && a[2] == 0) {
            strategy_error_str(errs, FIELD_INVALID, ip,
                               "may not be in the link-local multicast range (224.0.0.0/24, "
                               "ff02::/10)",
                               "%s", path);
        }
    } else if (inet_pton(AF_INET6, ip, a) == 1) {
        static const unsigned char zero[16] = {0};
        static const unsigned char loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        if (memcmp(a, zero, 16) == 0) {
            cleanup_free char *detail = xasprintf("may not be unspecified (%s)", ip);
            strategy_error_str(errs, FIELD_INVALID, ip, detail, "%s", path);
        }
        if (memcmp(a, loopback, 16) == 0 && !allow_loopback) {
            strategy_error_str(errs, FIELD_INVALID, ip,
                               "may not be in the loopback range (127.0.0.0/8, ::1/128)", "%s",
                               path);
        }
        if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) {
            strategy_error_str(errs, FIELD_INVALID, ip,
                               "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
                               "%s", path);
        }
        if (a[0] == 0xff && (a[1] & 0x0f) == 0x02) {
            strategy_error_str(errs, FIELD_INVALID, ip,
                               "may not be in the link-local multicast range (224.0.0.0/24, "
                               "ff02::/10)",
                               "%s", path);
        }
    }
}

static void validate_protocol_at(const char *protocol, const char *path, struct field_errors *errs)
{
    if (protocol[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s", path);
    } else if (strcmp(protocol, "TCP") != 0 && strcmp(protocol, "UDP") != 0 &&
               strcmp(protocol, "SCTP") != 0) {
        strategy_error_str(errs, FIELD_NOT_SUPPORTED, protocol, "\"SCTP\", \"TCP\", \"UDP\"", "%s",
                           path);
    }
}

static void validate_port_at(long long port, const char *path, struct field_errors *errs)
{
    if (port < 1 || port > 65535) {
        strategy_error_int(errs, FIELD_INVALID, port, "must be between 1 and 65535, inclusive",
                           "%s", path);
    }
}

/* ================================ Pods ================================ */

/* Requests default to limits for each resource a container only limits (SetDefaults_Pod). */
static void default_requests_from_limits(json_t *containers)
{
    size_t i;
    json_t *c;
    json_array_foreach (containers, i, c) {
        json_t *resources = json_object_get(c, "resources");
        json_t *limits = json_object_get(resources, "limits");
        if (!json_is_object(limits)) {
            continue;
        }
        json_t *requests = strategy_object_at(resources, "requests");
        const char *name;
        json_t *value;
        json_object_foreach (limits, name, value) {
            if (json_object_get(requests, name) == NULL) {
                json_object_set(requests, name, value);
            }
        }
    }
}

static void default_host_ports(json_t *containers)
{
    size_t i, j;
    json_t *c, *port;
    json_array_foreach (containers, i, c) {
        json_array_foreach (json_object_get(c, "ports"), j, port) {
            if (strategy_int(port, "hostPort") == 0 &&
                json_object_get(port, "containerPort") != NULL) {
                json_object_set(port, "hostPort", json_object_get(port, "containerPort"));
            }
        }
    }
}

void strategy_default_pod(json_t *pod)
{
    json_t *spec = json_object_get(pod, "spec");
    if (!json_is_object(spec)) {
        return;
    }
    default_requests_from_limits(json_object_get(spec, "containers"));
    default_requests_from_limits(json_object_get(spec, "initContainers"));
    if (!json_is_boolean(json_object_get(spec, "enableServiceLinks"))) {
        json_object_set_new(spec, "enableServiceLinks", json_true());
    }
    if (json_is_true(json_object_get(spec, "hostNetwork"))) {
        default_host_ports(json_object_get(spec, "containers"));
        default_host_ports(json_object_get(spec, "initContainers"));
    }
    strategy_default_pod_spec(spec);
}

/* Adds the positive cpu and memory quantities of list into sums; records which were seen. */
static void add_qos_resources(const json_t *list, json_t *sums, bool *cpu, bool *memory)
{
    const char *name;
    json_t *value;
    json_object_foreach ((json_t *)list, name, value) {
        struct quantity q, sum = QUANTITY_ZERO;
        struct err e = {0};
        if ((strcmp(name, "cpu") != 0 && strcmp(name, "memory") != 0) ||
            quantity_from_json(value, &q, &e) != 0 || quantity_sign(&q) <= 0) {
            continue;
        }
        if (strcmp(name, "cpu") == 0) {
            *cpu = true;
        } else {
            *memory = true;
        }
        if (json_object_get(sums, name) != NULL &&
            quantity_from_json(json_object_get(sums, name), &sum, &e) != 0) {
            continue;
        }
        if (quantity_add(&sum, &q, &e) == 0) {
            json_object_set_new(sums, name, quantity_to_json(&sum));
        }
    }
}

const char *strategy_pod_qos_class(const json_t *pod)
{
    json_t *spec = json_object_get(pod, "spec");
    cleanup_json json_t *requests = json_object();
    cleanup_json json_t *limits = json_object();
    bool guaranteed = true;
    static const char *const lists[] = {"containers", "initContainers"};
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *c;
        json_array_foreach (json_object_get(spec, lists[l]), i, c) {
            json_t *resources = json_object_get(c, "resources");
            bool unused_cpu = false, unused_memory = false, cpu = false, memory = false;
            add_qos_resources(json_object_get(resources, "requests"), requests, &unused_cpu,
                              &unused_memory);
            add_qos_resources(json_object_get(resources, "limits"), limits, &cpu, &memory);
            guaranteed = guaranteed && cpu && memory;
        }
    }
    if (json_object_size(requests) == 0 && json_object_size(limits) == 0) {
        return "BestEffort";
    }
    const char *name;
    json_t *value;
    json_object_foreach (requests, name, value) {
        struct quantity req, lim;
        struct err e = {0};
        json_t *limit = json_object_get(limits, name);
        if (limit == NULL || quantity_from_json(value, &req, &e) != 0 ||
            quantity_from_json(limit, &lim, &e) != 0 || quantity_cmp(&req, &lim) != 0) {
            guaranteed = false;
        }
    }
    return guaranteed && json_object_size(requests) == json_object_size(limits) ? "Guaranteed"
                                                                                : "Burstable";
}

void strategy_prepare_pod_create(json_t *pod)
{
    json_t *status =
        json_pack("{s:s,s:s}", "phase", "Pending", "qosClass", strategy_pod_qos_class(pod));
    json_object_set_new(pod, "status", status);
    if (json_array_size(json_object_get(json_object_get(pod, "spec"), "schedulingGates")) > 0) {
        json_object_set_new(status, "conditions",
                            json_pack("[{s:s,s:s,s:n,s:n,s:s,s:s}]", "type", "PodScheduled",
                                      "status", "False", "lastProbeTime", "lastTransitionTime",
                                      "reason", "SchedulingGated", "message",
                                      "Scheduling is blocked due to non-empty scheduling gates"));
    }
}

/* ValidateContainerUpdates: same number of containers, each with an image. Returns false when
 * the count changed (Kubernetes stops there). */
static bool validate_container_updates(const json_t *now, const json_t *before, const char *path,
                                       struct field_errors *errs)
{
    if (json_array_size(now) != json_array_size(before)) {
        strategy_error(errs, FIELD_FORBIDDEN, NULL, "pod updates may not add or remove containers",
                       "%s", path);
        return false;
    }
    size_t i;
    json_t *c;
    json_array_foreach (now, i, c) {
        const char *image = strategy_str(c, "image");
        size_t n = strlen(image);
        if (n == 0) {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s[%zu].image", path, i);
        } else if (strchr(" \t\n\r\v\f", image[0]) != NULL ||
                   strchr(" \t\n\r\v\f", image[n - 1]) != NULL) {
            strategy_error_str(errs, FIELD_INVALID, image,
                               "must not have leading or trailing whitespace", "%s[%zu].image",
                               path, i);
        }
    }
    return true;
}

/* validateOnlyAddedTolerations: each old toleration is still there (tolerationSeconds aside). */
static void validate_only_added_tolerations(const json_t *now, const json_t *before,
                                            struct field_errors *errs)
{
    size_t i, j;
    json_t *old, *cur;
    json_array_foreach (before, i, old) {
        bool found = false;
        json_array_foreach (now, j, cur) {
            cleanup_json json_t *a = json_deep_copy(old);
            cleanup_json json_t *b = json_deep_copy(cur);
            json_object_del(a, "tolerationSeconds");
            json_object_del(b, "tolerationSeconds");
            found = found || json_equal(a, b);
        }
        if (!found) {
            strategy_error(errs, FIELD_FORBIDDEN, NULL,
                           "existing toleration can not be modified except its tolerationSeconds",
                           "spec.tolerations");
            return;
        }
    }
    strategy_validate_tolerations(now, "spec.tolerations", errs);
}

char *strategy_go_diff(const char *go_type, const json_t *old, const json_t *now)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "  %s{\n", go_type);
    cleanup_json json_t *keys = json_object();
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)old, key, value) {
        json_object_set_new(keys, key, json_true());
    }
    json_object_foreach ((json_t *)now, key, value) {
        json_object_set_new(keys, key, json_true());
    }
    size_t same = 0;
    json_object_foreach (keys, key, value) {
        json_t *a = json_object_get(old, key), *b = json_object_get(now, key);
        if (a != NULL && b != NULL && json_equal(a, b)) {
            same++;
            continue;
        }
        char go_name[128];
        snprintf(go_name, sizeof go_name, "%c%s",
                 key[0] >= 'a' && key[0] <= 'z' ? key[0] - 32 : key[0], key + 1);
        cleanup_free char *was = a ? json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        cleanup_free char *is = b ? json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        fprintf(f, "- \t%s: %s,\n+ \t%s: %s,\n", go_name, was ? was : "nil", go_name,
                is ? is : "nil");
    }
    if (same > 0) {
        fprintf(f, "  \t... // %zu identical fields\n", same);
    }
    fputs("  }\n", f);
    fclose(f);
    return buf;
}

static void validate_pod_update(const json_t *pod, const json_t *old, struct field_errors *errs)
{
    json_t *spec = json_object_get(pod, "spec"), *old_spec = json_object_get(old, "spec");
    strategy_validate_pod_spec(spec, "spec", errs);
    if (!validate_container_updates(json_object_get(spec, "containers"),
                                    json_object_get(old_spec, "containers"), "spec.containers",
                                    errs) ||
        !validate_container_updates(json_object_get(spec, "initContainers"),
                                    json_object_get(old_spec, "initContainers"),
                                    "spec.initContainers", errs)) {
        return;
    }
    validate_only_added_tolerations(json_object_get(spec, "tolerations"),
                                    json_object_get(old_spec, "tolerations"), errs);
    if (json_equal(spec, old_spec)) {
        return;
    }
    json_t *deadline = json_object_get(spec, "activeDeadlineSeconds");
    json_t *old_deadline = json_object_get(old_spec, "activeDeadlineSeconds");
    if (deadline != NULL && !json_is_null(deadline)) {
        long long d = strategy_int(spec, "activeDeadlineSeconds");
        if (d < 0 || d > 2147483647) {
            strategy_error_int(errs, FIELD_INVALID, d,
                               "must be between 0 and 2147483647, inclusive",
                               "spec.activeDeadlineSeconds");
            return;
        }
        if (old_deadline != NULL && strategy_int(old_spec, "activeDeadlineSeconds") < d) {
            strategy_error_int(errs, FIELD_INVALID, d,
                               "must be less than or equal to previous value",
                               "spec.activeDeadlineSeconds");
            return;
        }
    } else if (old_deadline != NULL && !json_is_null(old_deadline)) {
        strategy_error(errs, FIELD_INVALID, NULL,
                       "must not update from a positive integer to nil value",
                       "spec.activeDeadlineSeconds");
    }
    /* What may change is taken from the old spec; anything else left is forbidden. */
    cleanup_json json_t *munged = json_deep_copy(spec);
    static const char *const lists[] = {"containers", "initContainers"};
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *c;
        json_array_foreach (json_object_get(munged, lists[l]), i, c) {
            json_t *old_image =
                json_object_get(json_array_get(json_object_get(old_spec, lists[l]), i), "image");
            if (old_image != NULL) {
                json_object_set(c, "image", old_image);
            } else {
                json_object_del(c, "image");
            }
        }
    }
    static const char *const taken[] = {"activeDeadlineSeconds", "schedulingGates", "tolerations"};
    for (size_t k = 0; k < 3; k++) {
        json_t *v = json_object_get(old_spec, taken[k]);
        if (v != NULL) {
            json_object_set(munged, taken[k], v);
        } else {
            json_object_del(munged, taken[k]);
        }
    }
    if (strategy_int(old_spec, "terminationGracePeriodSeconds") < 0 &&
        strategy_int(munged, "terminationGracePeriodSeconds") == 1) {
        json_object_set(munged, "terminationGracePeriodSeconds",
                        json_object_get(old_spec, "terminationGracePeriodSeconds"));
    }
    if (!json_equal(munged, old_spec)) {
        cleanup_free char *diff = strategy_go_diff("core.PodSpec", old_spec, munged);
        cleanup_free char *detail = xasprintf(
            "pod updates may not change fields other than `spec.containers[*].image`,"
            "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
            "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
            "(allow it to be set to 1 if it was previously negative)\n%s",
            diff);
        strategy_error(errs, FIELD_FORBIDDEN, NULL, detail, "spec");
    }
}

static void validate_pod_status(const json_t *pod, struct field_errors *errs)
{
    json_t *status = json_object_get(pod, "status");
    const char *nominated = strategy_str(status, "nominatedNodeName");
    if (nominated[0] != '\0') {
        struct validate_errs msgs = VALIDATE_ERRS_INIT;
        validate_dns1123_subdomain(nominated, &msgs);
        for (size_t i = 0; i < msgs.n; i++) {
            strategy_error_str(errs, FIELD_INVALID, nominated, msgs.msg[i],
                               "status.nominatedNodeName");
        }
        validate_errs_free(&msgs);
    }
    size_t i;
    json_t *ip;
    json_array_foreach (json_object_get(status, "podIPs"), i, ip) {
        char path[64];
        snprintf(path, sizeof path, "status.podIPs[%zu].ip", i);
        validate_ip_at(strategy_str(ip, "ip"), path, errs);
    }
    json_array_foreach (json_object_get(status, "hostIPs"), i, ip) {
        char path[64];
        snprintf(path, sizeof path, "status.hostIPs[%zu].ip", i);
        validate_ip_at(strategy_str(ip, "ip"), path, errs);
    }
}

void strategy_validate_pod(const char *subresource, const json_t *pod, const json_t *old,
                           struct field_errors *errs)
{
    if (strategy_is_status(subresource)) {
        validate_pod_status(pod, errs);
        return;
    }
    if (old != NULL) {
        validate_pod_update(pod, old, errs);
        return;
    }
    json_t *spec = json_object_get(pod, "spec");
    strategy_validate_pod_spec(spec, "spec", errs);
    if (json_array_size(json_object_get(spec, "ephemeralContainers")) > 0) {
        strategy_error(errs, FIELD_FORBIDDEN, NULL, "cannot be set on create",
                       "spec.ephemeralContainers");
    }
}

/* ================================ Services ================================ */

static bool type_is(const json_t *svc, const char *type)
{
    return strcmp(strategy_str(json_object_get(svc, "spec"), "type"), type) == 0;
}

static bool externally_accessible(const json_t *svc)
{
    return type_is(svc, "LoadBalancer") || type_is(svc, "NodePort") ||
           (type_is(svc, "ClusterIP") &&
            json_array_size(json_object_get(json_object_get(svc, "spec"), "externalIPs")) > 0);
}

static bool needs_cluster_ip(const json_t *svc)
{
    return !type_is(svc, "ExternalName");
}

static bool needs_node_port(const json_t *svc)
{
    json_t *allocate =
        json_object_get(json_object_get(svc, "spec"), "allocateLoadBalancerNodePorts");
    return type_is(svc, "NodePort") ||
           (type_is(svc, "LoadBalancer") && (allocate == NULL || !json_is_false(allocate)));
}

static bool needs_health_check_node_port(const json_t *svc)
{
    return type_is(svc, "LoadBalancer") &&
           strcmp(strategy_str(json_object_get(svc, "spec"), "externalTrafficPolicy"), "Local") ==
               0;
}

static bool is_headless(const json_t *svc)
{
    json_t *ips = json_object_get(json_object_get(svc, "spec"), "clusterIPs");
    return type_is(svc, "ClusterIP") && json_array_size(ips) > 0 &&
           strcmp(json_string_value(json_array_get(ips, 0))
                      ? json_string_value(json_array_get(ips, 0))
                      : "",
                  "None") == 0;
}

static void default_service(json_t *svc)
{
    json_t *spec = json_object_get(svc, "spec");
    if (!json_is_object(spec)) {
        return;
    }
    if (strategy_str(spec, "sessionAffinity")[0] == '\0') {
        json_object_set_new(spec, "sessionAffinity", json_string("None"));
    }
    if (strcmp(strategy_str(spec, "sessionAffinity"), "None") == 0) {
        json_object_del(spec, "sessionAffinityConfig");
    } else if (strcmp(strategy_str(spec, "sessionAffinity"), "ClientIP") == 0) {
        json_t *client_ip =
            json_object_get(json_object_get(spec, "sessionAffinityConfig"), "clientIP");
        if (json_object_get(client_ip, "timeoutSeconds") == NULL) {
            json_object_set_new(spec, "sessionAffinityConfig",
                                json_pack("{s:{s:i}}", "clientIP", "timeoutSeconds", 10800));
        }
    }
    if (strategy_str(spec, "type")[0] == '\0') {
        json_object_set_new(spec, "type", json_string("ClusterIP"));
    }
    size_t i;
    json_t *port;
    json_array_foreach (json_object_get(spec, "ports"), i, port) {
        if (strategy_str(port, "protocol")[0] == '\0') {
            json_object_set_new(port, "protocol", json_string("TCP"));
        }
        json_t *target = json_object_get(port, "targetPort");
        if (target == NULL || json_is_null(target) ||
            (json_is_integer(target) && json_integer_value(target) == 0) ||
            (json_is_string(target) && json_string_value(target)[0] == '\0')) {
            json_object_set_new(port, "targetPort", json_integer(strategy_int(port, "port")));
        }
    }
    if (externally_accessible(svc) && strategy_str(spec, "externalTrafficPolicy")[0] == '\0') {
        json_object_set_new(spec, "externalTrafficPolicy", json_string("Cluster"));
    }
    if (json_object_get(spec, "internalTrafficPolicy") == NULL &&
        (type_is(svc, "NodePort") || type_is(svc, "LoadBalancer") || type_is(svc, "ClusterIP"))) {
        json_object_set_new(spec, "internalTrafficPolicy", json_string("Cluster"));
    }
    if (type_is(svc, "LoadBalancer") &&
        json_object_get(spec, "allocateLoadBalancerNodePorts") == NULL) {
        json_object_set_new(spec, "allocateLoadBalancerNodePorts", json_true());
    }
}

static void prepare_service_create(json_t *svc)
{
    json_object_set_new(svc, "status", json_pack("{s:{}}", "loadBalancer"));
    json_t *spec = json_object_get(svc, "spec");
    const char *ip = strategy_str(spec, "clusterIP");
    if (ip[0] != '\0' && json_array_size(json_object_get(spec, "clusterIPs")) == 0) {
        json_object_set_new(spec, "clusterIPs", json_pack("[s]", ip));
    }
}

static bool same_field(const json_t *a, const json_t *b, const char *key)
{
    json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    return (x == NULL && y == NULL) || (x != NULL && y != NULL && json_equal(x, y));
}

static bool same_node_ports(const json_t *spec, const json_t *old_spec)
{
    json_t *a = json_object_get(spec, "ports"), *b = json_object_get(old_spec, "ports");
    if (json_array_size(a) != json_array_size(b)) {
        return false;
    }
    for (size_t i = 0; i < json_array_size(a); i++) {
        if (strategy_int(json_array_get(a, i), "nodePort") !=
            strategy_int(json_array_get(b, i), "nodePort")) {
            return false;
        }
    }
    return true;
}

/* patchAllocatedValues: what the user left out keeps its allocated value. */
static void patch_allocated_values(json_t *svc, const json_t *old)
{
    json_t *spec = strategy_object_at(svc, "spec");
    json_t *old_spec = json_object_get(old, "spec");
    if (needs_cluster_ip(old) && needs_cluster_ip(svc)) {
        if (strategy_str(spec, "clusterIP")[0] == '\0' && json_object_get(old_spec, "clusterIP")) {
            json_object_set(spec, "clusterIP", json_object_get(old_spec, "clusterIP"));
        }
        if (json_array_size(json_object_get(spec, "clusterIPs")) == 0 &&
            json_array_size(json_object_get(old_spec, "clusterIPs")) > 0) {
            json_object_set(spec, "clusterIPs", json_object_get(old_spec, "clusterIPs"));
        }
    }
    if (needs_node_port(old) && needs_node_port(svc)) {
        json_t *ports = json_object_get(spec, "ports"),
               *old_ports = json_object_get(old_spec, "ports");
        size_t i, j;
        json_t *p, *q;
        json_array_foreach (ports, i, p) {
            if (strategy_int(p, "nodePort") != 0) {
                continue;
            }
            json_array_foreach (old_ports, j, q) {
                if (strcmp(strategy_str(p, "name"), strategy_str(q, "name")) != 0 ||
                    strategy_int(q, "nodePort") == 0) {
                    continue;
                }
                bool used = false;
                size_t k;
                json_t *r;
                json_array_foreach (ports, k, r) {
                    used = used || strategy_int(r, "nodePort") == strategy_int(q, "nodePort");
                }
                if (!used) {
                    json_object_set(p, "nodePort", json_object_get(q, "nodePort"));
                }
            }
        }
    }
    if (needs_health_check_node_port(old) && needs_health_check_node_port(svc) &&
        strategy_int(spec, "healthCheckNodePort") == 0 &&
        json_object_get(old_spec, "healthCheckNodePort")) {
        json_object_set(spec, "healthCheckNodePort",
                        json_object_get(old_spec, "healthCheckNodePort"));
    }
}

/* normalizeClusterIPs on update: keep clusterIP and clusterIPs in step. */
static void normalize_cluster_ips(json_t *svc, const json_t *old)
{
    json_t *spec = strategy_object_at(svc, "spec");
    json_t *old_spec = json_object_get(old, "spec");
    const char *ip = strategy_str(spec, "clusterIP"), *old_ip = strategy_str(old_spec, "clusterIP");
    if (json_array_size(json_object_get(old_spec, "clusterIPs")) > 0 &&
        json_array_size(json_object_get(spec, "clusterIPs")) == 0 && strcmp(ip, old_ip) == 0) {
        json_object_set(spec, "clusterIPs", json_object_get(old_spec, "clusterIPs"));
    }
    if (strcmp(ip, old_ip) != 0 && same_field(spec, old_spec, "clusterIPs")) {
        if (old_ip[0] != '\0' && ip[0] == '\0') {
            json_object_del(spec, "clusterIPs");
        } else {
            json_object_set_new(spec, "clusterIPs", json_pack("[s]", ip));
        }
    }
}

/* dropTypeDependentFields: a type change wipes what the new type does not use, unless the user
 * changed it too. */
static void drop_type_dependent_fields(json_t *svc, const json_t *old)
{
    json_t *spec = strategy_object_at(svc, "spec");
    json_t *old_spec = json_object_get(old, "spec");
    if (needs_cluster_ip(old) && !needs_cluster_ip(svc)) {
        if (same_field(spec, old_spec, "clusterIP") && same_field(spec, old_spec, "clusterIPs")) {
            json_object_del(spec, "clusterIP");
            json_object_del(spec, "clusterIPs");
        }
        if (same_field(spec, old_spec, "ipFamilies")) {
            json_object_del(spec, "ipFamilies");
        }
        if (same_field(spec, old_spec, "ipFamilyPolicy")) {
            json_object_del(spec, "ipFamilyPolicy");
        }
    }
    if (needs_node_port(old) && !needs_node_port(svc) && same_node_ports(spec, old_spec)) {
        size_t i;
        json_t *p;
        json_array_foreach (json_object_get(spec, "ports"), i, p) {
            json_object_del(p, "nodePort");
        }
    }
    if (needs_health_check_node_port(old) && !needs_health_check_node_port(svc) &&
        same_field(spec, old_spec, "healthCheckNodePort")) {
        json_object_del(spec, "healthCheckNodePort");
    }
    if (type_is(old, "LoadBalancer") && !type_is(svc, "LoadBalancer") &&
        same_field(spec, old_spec, "allocateLoadBalancerNodePorts")) {
        json_object_del(spec, "allocateLoadBalancerNodePorts");
    }
    if (externally_accessible(old) && !externally_accessible(svc) &&
        same_field(spec, old_spec, "externalTrafficPolicy")) {
        json_object_del(spec, "externalTrafficPolicy");
    }
    if (!type_is(svc, "LoadBalancer") && json_is_object(json_object_get(svc, "status"))) {
        json_object_set_new(json_object_get(svc, "status"), "loadBalancer", json_object());
    }
}

static void prepare_service_update(const char *subresource, json_t *svc, const json_t *old)
{
    if (strategy_is_status(subresource)) {
        return;
    }
    patch_allocated_values(svc, old);
    normalize_cluster_ips(svc, old);
    drop_type_dependent_fields(svc, old);
}

/* Go's %#v of the core.ServicePort key used to find duplicate ports. */
static char *go_service_port_key(const json_t *port)
{
    cleanup_free char *protocol = validate_quote(strategy_str(port, "protocol"));
    return xasprintf("core.ServicePort{Name:\"\", Protocol:%s, AppProtocol:(*string)(nil), "
                     "Port:%lld, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, "
                     "NodePort:0}",
                     protocol, strategy_int(port, "port"));
}

static void validate_service_ports(const json_t *svc, struct field_errors *errs)
{
    json_t *spec = json_object_get(svc, "spec");
    json_t *ports = json_object_get(spec, "ports");
    bool require_name = json_array_size(ports) > 1;
    cleanup_json json_t *names = json_object();
    size_t i;
    json_t *p;
    json_array_foreach (ports, i, p) {
        const char *name = strategy_str(p, "name");
        char path[96];
        snprintf(path, sizeof path, "spec.ports[%zu]", i);
        if (require_name && name[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.name", path);
        } else if (name[0] != '\0') {
            cleanup_free char *name_path = xasprintf("%s.name", path);
            strategy_validate_with(validate_dns1123_label, name, name_path, errs);
            if (json_object_get(names, name) != NULL) {
                strategy_error_str(errs, FIELD_DUPLICATE, name, NULL, "%s", name_path);
            } else {
                json_object_set_new(names, name, json_true());
            }
        }
        cleanup_free char *port_path = xasprintf("%s.port", path);
        validate_port_at(strategy_int(p, "port"), port_path, errs);
        cleanup_free char *protocol_path = xasprintf("%s.protocol", path);
        validate_protocol_at(strategy_str(p, "protocol"), protocol_path, errs);
        json_t *target = json_object_get(p, "targetPort");
        if (json_is_string(target)) {
            struct validate_errs msgs = VALIDATE_ERRS_INIT;
            validate_port_name(json_string_value(target), &msgs);
            for (size_t m = 0; m < msgs.n; m++) {
                strategy_error(errs, FIELD_INVALID, target, msgs.msg[m], "%s.targetPort", path);
            }
            validate_errs_free(&msgs);
        } else {
            cleanup_free char *target_path = xasprintf("%s.targetPort", path);
            validate_port_at(strategy_int(p, "targetPort"), target_path, errs);
        }
        if (json_is_string(json_object_get(p, "appProtocol"))) {
            cleanup_free char *app_path = xasprintf("%s.appProtocol", path);
            strategy_validate_with(validate_qualified_name, strategy_str(p, "appProtocol"),
                                   app_path, errs);
        }
    }
    if (type_is(svc, "ClusterIP")) {
        json_array_foreach (ports, i, p) {
            if (strategy_int(p, "nodePort") != 0) {
                strategy_error(errs, FIELD_FORBIDDEN, NULL,
                               "may not be used when `type` is 'ClusterIP'",
                               "spec.ports[%zu].nodePort", i);
            }
        }
    }
    for (i = 0; i < json_array_size(ports); i++) {
        p = json_array_get(ports, i);
        for (size_t j = 0; j < i; j++) {
            json_t *q = json_array_get(ports, j);
            bool same_protocol =
                strcmp(strategy_str(p, "protocol"), strategy_str(q, "protocol")) == 0;
            if (strategy_int(p, "nodePort") != 0 && same_protocol &&
                strategy_int(p, "nodePort") == strategy_int(q, "nodePort")) {
                strategy_error_int(errs, FIELD_DUPLICATE, strategy_int(p, "nodePort"), NULL,
                                   "spec.ports[%zu].nodePort", i);
                break;
            }
        }
        for (size_t j = 0; j < i; j++) {
            json_t *q = json_array_get(ports, j);
            if (strcmp(strategy_str(p, "protocol"), strategy_str(q, "protocol")) == 0 &&
                strategy_int(p, "port") == strategy_int(q, "port")) {
                cleanup_free char *key = go_service_port_key(p);
                strategy_error_printed(errs, FIELD_DUPLICATE, key, NULL, "spec.ports[%zu]", i);
                break;
            }
        }
    }
}

static void validate_cluster_ips(const json_t *svc, struct field_errors *errs)
{
    if (type_is(svc, "ExternalName")) {
        return;
    }
    json_t *spec = json_object_get(svc, "spec");
    json_t *ips = json_object_get(spec, "clusterIPs");
    if (json_array_size(ips) > 0 &&
        strcmp(strategy_str(spec, "clusterIP"), json_string_value(json_array_get(ips, 0))
                                                    ? json_string_value(json_array_get(ips, 0))
                                                    : "") != 0) {
        cleanup_free char *printed = strategy_go_string_slice(ips);
        strategy_error_printed(errs, FIELD_INVALID, printed, "first value must match `clusterIP`",
                               "spec.clusterIPs");
    }
    size_t i;
    json_t *ip;
    json_array_foreach (ips, i, ip) {
        const char *s = json_string_value(ip) ? json_string_value(ip) : "";
        if (i == 0 && strcmp(s, "None") == 0) {
            if (json_array_size(ips) > 1) {
                cleanup_free char *printed = strategy_go_string_slice(ips);
                strategy_error_printed(errs, FIELD_INVALID, printed,
                                       "'None' must be the first and only value",
                                       "spec.clusterIPs");
            }
            continue;
        }
        char path[64];
        snprintf(path, sizeof path, "spec.clusterIPs[%zu]", i);
        validate_ip_at(s, path, errs);
    }
}

static void validate_service_spec(const json_t *svc, struct field_errors *errs)
{
    json_t *spec = json_object_get(svc, "spec");
    if (json_array_size(json_object_get(spec, "ports")) == 0 && !is_headless(svc) &&
        !type_is(svc, "ExternalName")) {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.ports");
    }
    if ((type_is(svc, "LoadBalancer") || type_is(svc, "NodePort")) &&
        strcmp(strategy_str(spec, "clusterIP"), "None") == 0) {
        strategy_error_str(errs, FIELD_INVALID, "None",
                           type_is(svc, "NodePort")
                               ? "may not be set to 'None' for NodePort services"
                               : "may not be set to 'None' for LoadBalancer services",
                           "spec.clusterIPs[0]");
    }
    if (type_is(svc, "ExternalName")) {
        if (json_array_size(json_object_get(spec, "clusterIPs")) > 0 ||
            strategy_str(spec, "clusterIP")[0] != '\0') {
            strategy_error(errs, FIELD_FORBIDDEN, NULL, "may not be set for ExternalName services",
                           "spec.clusterIPs");
        }
        if (json_array_size(json_object_get(spec, "ipFamilies")) > 0) {
            strategy_error(errs, FIELD_FORBIDDEN, NULL, "may not be set for ExternalName services",
                           "spec.ipFamilies");
        }
        if (json_object_get(spec, "ipFamilyPolicy") != NULL) {
            strategy_error(errs, FIELD_FORBIDDEN, NULL, "may not be set for ExternalName services",
                           "spec.ipFamilyPolicy");
        }
        cleanup_free char *cname = xstrdup(strategy_str(spec, "externalName"));
        size_t n = strlen(cname);
        if (n > 0 && cname[n - 1] == '.') {
            cname[--n] = '\0';
        }
        if (n == 0) {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.externalName");
        } else {
            struct validate_errs msgs = VALIDATE_ERRS_INIT;
            validate_dns1123_subdomain(cname, &msgs);
            for (size_t i = 0; i < msgs.n; i++) {
                strategy_error_str(errs, FIELD_INVALID, cname, msgs.msg[i], "spec.externalName");
            }
            validate_errs_free(&msgs);
        }
    }
    validate_service_ports(svc, errs);
    strategy_validate_labels(json_object_get(spec, "selector"), "spec.selector", errs);
    const char *affinity = strategy_str(spec, "sessionAffinity");
    if (affinity[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.sessionAffinity");
    } else if (strcmp(affinity, "ClientIP") != 0 && strcmp(affinity, "None") != 0) {
        strategy_error_str(errs, FIELD_NOT_SUPPORTED, affinity, "\"ClientIP\", \"None\"",
                           "spec.sessionAffinity");
    }
    if (strcmp(affinity, "ClientIP") == 0) {
        json_t *timeout = json_object_get(
            json_object_get(json_object_get(spec, "sessionAffinityConfig"), "clientIP"),
            "timeoutSeconds");
        long long t = (long long)json_number_value(timeout);
        if (timeout != NULL && (t <= 0 || t > 86400)) {
            strategy_error_int(errs, FIELD_INVALID, t, "must be greater than 0 and less than 86400",
                               "spec.sessionAffinityConfig.clientIP.timeoutSeconds");
        }
    } else if (strcmp(affinity, "None") == 0 &&
               json_object_get(spec, "sessionAffinityConfig") != NULL &&
               !json_is_null(json_object_get(spec, "sessionAffinityConfig"))) {
        strategy_error(errs, FIELD_FORBIDDEN, NULL, "must not be set when session affinity is None",
                       "spec.sessionAffinityConfig");
    }
    validate_cluster_ips(svc, errs);
    size_t i;
    json_t *ip;
    json_array_foreach (json_object_get(spec, "externalIPs"), i, ip) {
        char path[64];
        snprintf(path, sizeof path, "spec.externalIPs[%zu]", i);
        const char *s = json_string_value(ip) ? json_string_value(ip) : "";
        if (validate_ip_at(s, path, errs)) {
            validate_non_special_ip(s, false, path, errs);
        }
    }
    const char *type = strategy_str(spec, "type");
    if (type[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.type");
    } else if (strcmp(type, "ClusterIP") != 0 && strcmp(type, "NodePort") != 0 &&
               strcmp(type, "LoadBalancer") != 0 && strcmp(type, "ExternalName") != 0) {
        strategy_error_str(errs, FIELD_NOT_SUPPORTED, type,
                           "\"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
                           "spec.type");
    }
    const char *etp = strategy_str(spec, "externalTrafficPolicy");
    if (!externally_accessible(svc)) {
        if (etp[0] != '\0') {
            strategy_error_str(errs, FIELD_INVALID, etp,
                               "may only be set for externally-accessible services",
                               "spec.externalTrafficPolicy");
        }
    } else if (etp[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.externalTrafficPolicy");
    } else if (strcmp(etp, "Cluster") != 0 && strcmp(etp, "Local") != 0) {
        strategy_error_str(errs, FIELD_NOT_SUPPORTED, etp, "\"Cluster\", \"Local\"",
                           "spec.externalTrafficPolicy");
    }
    json_t *itp = json_object_get(spec, "internalTrafficPolicy");
    if (itp == NULL) {
        if (type_is(svc, "NodePort") || type_is(svc, "LoadBalancer") || type_is(svc, "ClusterIP")) {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.internalTrafficPolicy");
        }
    } else if (strcmp(strategy_str(spec, "internalTrafficPolicy"), "Cluster") != 0 &&
               strcmp(strategy_str(spec, "internalTrafficPolicy"), "Local") != 0) {
        strategy_error(errs, FIELD_NOT_SUPPORTED, itp, "\"Cluster\", \"Local\"",
                       "spec.internalTrafficPolicy");
    }
}

/* validateUpgradeDowngradeClusterIPs: an allocated primary clusterIP never changes. */
static void validate_cluster_ip_update(const json_t *svc, const json_t *old,
                                       struct field_errors *errs)
{
    if (type_is(svc, "ExternalName") || type_is(old, "ExternalName") ||
        (is_headless(svc) && is_headless(old))) {
        return;
    }
    json_t *ips = json_object_get(json_object_get(svc, "spec"), "clusterIPs");
    json_t *old_ips = json_object_get(json_object_get(old, "spec"), "clusterIPs");
    size_t n = json_array_size(ips), old_n = json_array_size(old_ips);
    cleanup_free char *printed = strategy_go_string_slice(ips);
    if (old_n > 0 && n == 0) {
        strategy_error_printed(errs, FIELD_INVALID, printed, "primary clusterIP can not be unset",
                               "spec.clusterIPs[0]");
        return;
    }
    size_t common = n < old_n ? n : old_n;
    for (size_t i = 0; i < common; i++) {
        if (!json_equal(json_array_get(ips, i), json_array_get(old_ips, i))) {
            strategy_error_printed(errs, FIELD_INVALID, printed, "may not change once set",
                                   "spec.clusterIPs[%zu]", i);
        }
    }
}

static void validate_service(const char *subresource, const json_t *svc, const json_t *old,
                             struct field_errors *errs)
{
    if (strategy_is_status(subresource)) {
        size_t i;
        json_t *ingress;
        json_array_foreach (
            json_object_get(json_object_get(json_object_get(svc, "status"), "loadBalancer"),
                            "ingress"),
            i, ingress) {
            const char *ip = strategy_str(ingress, "ip");
            char path[96];
            snprintf(path, sizeof path, "status.loadBalancer.ingress[%zu].ip", i);
            if (ip[0] != '\0') {
                validate_ip_at(ip, path, errs);
            }
        }
        return;
    }
    validate_service_spec(svc, errs);
    if (old != NULL) {
        validate_cluster_ip_update(svc, old, errs);
    }
}

/* ================================ Namespaces ================================ */

static void default_namespace(json_t *ns)
{
    const char *name = json_string_value(json_object_get(json_object_get(ns, "metadata"), "name"));
    if (name != NULL && name[0] != '\0') {
        json_t *labels = strategy_object_at(strategy_object_at(ns, "metadata"), "labels");
        json_object_set_new(labels, "kubernetes.io/metadata.name", json_string(name));
    }
    json_t *status = json_object_get(ns, "status");
    if (json_is_object(status) && strategy_str(status, "phase")[0] == '\0') {
        json_object_set_new(status, "phase", json_string("Active"));
    }
}

static void validate_namespace(const char *subresource, const json_t *ns, const json_t *old,
                               struct field_errors *errs)
{
    (void)old;
    if (strategy_is_status(subresource)) {
        bool deleting = json_object_get(json_object_get(ns, "metadata"), "deletionTimestamp");
        const char *phase = strategy_str(json_object_get(ns, "status"), "phase");
        if (!deleting && strcmp(phase, "Active") != 0) {
            strategy_error_str(errs, FIELD_INVALID, phase,
                               "may only be 'Active' if `deletionTimestamp` is empty",
                               "status.Phase");
        } else if (deleting && strcmp(phase, "Terminating") != 0) {
            strategy_error_str(errs, FIELD_INVALID, phase,
                               "may only be 'Terminating' if `deletionTimestamp` is not empty",
                               "status.Phase");
        }
        return;
    }
    size_t i;
    json_t *f;
    json_array_foreach (json_object_get(json_object_get(ns, "spec"), "finalizers"), i, f) {
        const char *name = json_string_value(f) ? json_string_value(f) : "";
        strategy_validate_with(validate_qualified_name, name, "spec.finalizers", errs);
        if (strchr(name, '/') == NULL && strcmp(name, "kubernetes") != 0 &&
            strcmp(name, "orphan") != 0 && strcmp(name, "foregroundDeletion") != 0) {
            strategy_error_str(
                errs, FIELD_INVALID, name,
                "name is neither a standard finalizer name nor is it fully qualified",
                "spec.finalizers");
        }
    }
}

/* ================================ Nodes ================================ */

static void default_node(json_t *node)
{
    /* Conversion through the internal type keeps podCIDR as podCIDRs[0] and fills podCIDRs
     * from a lone podCIDR. */
    json_t *spec = json_object_get(node, "spec");
    json_t *cidrs = json_object_get(spec, "podCIDRs");
    const char *cidr = json_string_value(json_object_get(spec, "podCIDR"));
    if (json_array_size(cidrs) > 0) {
        json_object_set(spec, "podCIDR", json_array_get(cidrs, 0));
    } else if (cidr != NULL && cidr[0] != '\0') {
        json_object_set_new(spec, "podCIDRs", json_pack("[s]", cidr));
    }
    json_t *status = json_object_get(node, "status");
    json_t *capacity = json_object_get(status, "capacity");
    if (json_is_object(capacity) && json_object_get(status, "allocatable") == NULL) {
        json_object_set_new(status, "allocatable", json_deep_copy(capacity));
    }
    strategy_normalize_resource_list(json_object_get(status, "capacity"));
    strategy_normalize_resource_list(json_object_get(status, "allocatable"));
}

static void validate_cidr_at(const char *cidr, const char *path, struct field_errors *errs)
{
    const char *slash = strchr(cidr, '/');
    char *end = NULL;
    long prefix = slash ? strtol(slash + 1, &end, 10) : -1;
    cleanup_free char *ip = slash ? xstrndup(cidr, (size_t)(slash - cidr)) : xstrdup(cidr);
    unsigned char a[16];
    bool v4 = inet_pton(AF_INET, ip, a) == 1, v6 = !v4 && inet_pton(AF_INET6, ip, a) == 1;
    bool ok = slash != NULL && end != slash + 1 && *end == '\0' && (v4 || v6) && prefix >= 0 &&
              prefix <= (v4 ? 32 : 128);
    if (!ok) {
        strategy_error_str(errs, FIELD_INVALID, cidr,
                           "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)", "%s",
                           path);
    }
}

static void validate_node(const char *subresource, const json_t *node, const json_t *old,
                          struct field_errors *errs)
{
    (void)subresource;
    json_t *spec = json_object_get(node, "spec");
    json_t *cidrs = json_object_get(spec, "podCIDRs");
    size_t i;
    json_t *c;
    json_array_foreach (cidrs, i, c) {
        char path[64];
        snprintf(path, sizeof path, "spec.podCIDRs[%zu]", i);
        validate_cidr_at(json_string_value(c) ? json_string_value(c) : "", path, errs);
    }
    if (json_array_size(cidrs) > 2) {
        cleanup_free char *printed = strategy_go_string_slice(cidrs);
        strategy_error_printed(errs, FIELD_INVALID, printed,
                               "may specify no more than one CIDR for each IP family",
                               "spec.podCIDRs");
    }
    json_t *taint;
    json_array_foreach (json_object_get(spec, "taints"), i, taint) {
        char path[64];
        snprintf(path, sizeof path, "spec.taints[%zu]", i);
        cleanup_free char *key_path = xasprintf("%s.key", path);
        strategy_validate_with(validate_qualified_name, strategy_str(taint, "key"), key_path, errs);
        struct validate_errs msgs = VALIDATE_ERRS_INIT;
        if (validate_label_value(strategy_str(taint, "value"), &msgs) > 0) {
            cleanup_free char *joined = validate_errs_join(&msgs, ";");
            strategy_error_str(errs, FIELD_INVALID, strategy_str(taint, "value"), joined,
                               "%s.value", path);
        }
        validate_errs_free(&msgs);
        cleanup_free char *effect_path = xasprintf("%s.effect", path);
        strategy_validate_taint_effect(strategy_str(taint, "effect"), false, effect_path, errs);
        for (size_t j = 0; j < i; j++) {
            json_t *other = json_array_get(json_object_get(spec, "taints"), j);
            if (strcmp(strategy_str(other, "key"), strategy_str(taint, "key")) == 0 &&
                strcmp(strategy_str(other, "effect"), strategy_str(taint, "effect")) == 0) {
                cleanup_free char *k = validate_quote(strategy_str(taint, "key"));
                cleanup_free char *v = validate_quote(strategy_str(taint, "value"));
                cleanup_free char *e = validate_quote(strategy_str(taint, "effect"));
                cleanup_free char *printed =
                    xasprintf("core.Taint{Key:%s, Value:%s, Effect:%s, TimeAdded:<nil>}", k, v, e);
                strategy_error_printed(errs, FIELD_DUPLICATE, printed,
                                       "taints must be unique by key and effect pair", "%s", path);
                break;
            }
        }
    }
    if (old == NULL) {
        return;
    }
    json_t *old_spec = json_object_get(old, "spec");
    json_t *old_cidrs = json_object_get(old_spec, "podCIDRs");
    if (json_array_size(old_cidrs) > 0 && !json_equal(old_cidrs, cidrs ? cidrs : json_null())) {
        strategy_error(errs, FIELD_FORBIDDEN, NULL,
                       "node updates may not change podCIDR except from \"\" to valid",
                       "spec.podCIDRs");
    }
    const char *old_provider = strategy_str(old_spec, "providerID");
    if (old_provider[0] != '\0' && strcmp(old_provider, strategy_str(spec, "providerID")) != 0) {
        strategy_error(errs, FIELD_FORBIDDEN, NULL,
                       "node updates may not change providerID except from \"\" to valid",
                       "spec.providerID");
    }
}

/* ================================ Endpoints ================================ */

static void default_endpoints(json_t *ep)
{
    size_t i, j;
    json_t *subset, *port;
    json_array_foreach (json_object_get(ep, "subsets"), i, subset) {
        json_array_foreach (json_object_get(subset, "ports"), j, port) {
            if (json_is_object(port) && strategy_str(port, "protocol")[0] == '\0') {
                json_object_set_new(port, "protocol", json_string("TCP"));
            }
        }
    }
}

static void validate_endpoint_addresses(const json_t *addresses, const char *path,
                                        struct field_errors *errs)
{
    size_t i;
    json_t *a;
    json_array_foreach (addresses, i, a) {
        cleanup_free char *ip_path = xasprintf("%s[%zu].ip", path, i);
        const char *ip = strategy_str(a, "ip");
        if (validate_ip_at(ip, ip_path, errs)) {
            validate_non_special_ip(ip, true, ip_path, errs);
        }
        if (strategy_str(a, "hostname")[0] != '\0') {
            cleanup_free char *host_path = xasprintf("%s[%zu].hostname", path, i);
            strategy_validate_with(validate_dns1123_label, strategy_str(a, "hostname"), host_path,
                                   errs);
        }
        if (json_is_string(json_object_get(a, "nodeName"))) {
            struct validate_errs msgs = VALIDATE_ERRS_INIT;
            validate_dns1123_subdomain(strategy_str(a, "nodeName"), &msgs);
            for (size_t m = 0; m < msgs.n; m++) {
                strategy_error_str(errs, FIELD_INVALID, strategy_str(a, "nodeName"), msgs.msg[m],
                                   "%s[%zu].nodeName", path, i);
            }
            validate_errs_free(&msgs);
        }
    }
}

static void validate_endpoints(const char *subresource, const json_t *ep, const json_t *old,
                               struct field_errors *errs)
{
    (void)subresource;
    (void)old;
    size_t i, j;
    json_t *subset, *port;
    json_array_foreach (json_object_get(ep, "subsets"), i, subset) {
        json_t *ready = json_object_get(subset, "addresses");
        json_t *not_ready = json_object_get(subset, "notReadyAddresses");
        if (json_array_size(ready) == 0 && json_array_size(not_ready) == 0) {
            strategy_error(errs, FIELD_REQUIRED, NULL,
                           "must specify `addresses` or `notReadyAddresses`", "subsets[%zu]", i);
        }
        char path[96];
        snprintf(path, sizeof path, "subsets[%zu].addresses", i);
        validate_endpoint_addresses(ready, path, errs);
        snprintf(path, sizeof path, "subsets[%zu].notReadyAddresses", i);
        validate_endpoint_addresses(not_ready, path, errs);
        json_t *ports = json_object_get(subset, "ports");
        json_array_foreach (ports, j, port) {
            snprintf(path, sizeof path, "subsets[%zu].ports[%zu]", i, j);
            const char *name = strategy_str(port, "name");
            if (json_array_size(ports) > 1 && name[0] == '\0') {
                strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.name", path);
            } else if (name[0] != '\0') {
                cleanup_free char *name_path = xasprintf("%s.name", path);
                strategy_validate_with(validate_dns1123_label, name, name_path, errs);
            }
            cleanup_free char *port_path = xasprintf("%s.port", path);
            validate_port_at(strategy_int(port, "port"), port_path, errs);
            cleanup_free char *protocol_path = xasprintf("%s.protocol", path);
            validate_protocol_at(strategy_str(port, "protocol"), protocol_path, errs);
        }
    }
}

/* ================================ Events ================================ */

static void validate_length_at(const json_t *event, const char *key, size_t max,
                               struct field_errors *errs)
{
    if (strlen(strategy_str(event, key)) > max) {
        cleanup_free char *detail = xasprintf("can have at most %zu characters", max);
        strategy_error_str(errs, FIELD_INVALID, "", detail, "%s", key);
    }
}

/* legacyValidateEvent for core/v1 Events, on create and update alike. */
static void validate_event(const char *subresource, const json_t *event, const json_t *old,
                           struct field_errors *errs)
{
    (void)subresource;
    (void)old;
    const char *ns = strategy_str(json_object_get(event, "metadata"), "namespace");
    const char *involved_ns = strategy_str(json_object_get(event, "involvedObject"), "namespace");
    json_t *event_time = json_object_get(event, "eventTime");
    if (event_time == NULL || json_is_null(event_time)) {
        bool ok = involved_ns[0] == '\0' ? ns[0] == '\0' || strcmp(ns, "default") == 0
                                         : strcmp(ns, involved_ns) == 0;
        if (!ok) {
            strategy_error_str(errs, FIELD_INVALID, involved_ns, "does not match event.namespace",
                               "involvedObject.namespace");
        }
    } else {
        if (involved_ns[0] == '\0' && strcmp(ns, "default") != 0 &&
            strcmp(ns, "kube-system") != 0) {
            strategy_error_str(errs, FIELD_INVALID, involved_ns, "does not match event.namespace",
                               "involvedObject.namespace");
        }
        const char *controller = strategy_str(event, "reportingComponent");
        if (controller[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "reportingComponent");
        }
        strategy_validate_with(validate_qualified_name, controller, "reportingComponent", errs);
        static const char *const required[] = {"reportingInstance", "action", "reason"};
        for (size_t i = 0; i < 3; i++) {
            if (strategy_str(event, required[i])[0] == '\0') {
                strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s", required[i]);
            }
            validate_length_at(event, required[i], 128, errs);
        }
        validate_length_at(event, "message", 1024, errs);
    }
    struct validate_errs msgs = VALIDATE_ERRS_INIT;
    validate_dns1123_subdomain(ns, &msgs);
    for (size_t i = 0; i < msgs.n; i++) {
        strategy_error_str(errs, FIELD_INVALID, ns, msgs.msg[i], "namespace");
    }
    validate_errs_free(&msgs);
}

/* ================================ The table ================================ */

const struct strategy strategy_core_table[] = {
    {"", "pods", strategy_default_pod, strategy_prepare_pod_create, NULL, strategy_validate_pod},
    {"", "services", default_service, prepare_service_create, prepare_service_update,
     validate_service},
    {"", "namespaces", default_namespace, NULL, NULL, validate_namespace},
    {"", "nodes", default_node, NULL, NULL, validate_node},
    {"", "endpoints", default_endpoints, NULL, NULL, validate_endpoints},
    {"", "events", NULL, NULL, NULL, validate_event},
    {"", "configmaps", NULL, NULL, NULL, strategy_validate_configmap},
    {"", "secrets", strategy_default_secret, NULL, NULL, strategy_validate_secret},
    {"", "persistentvolumes", strategy_default_persistentvolume,
     strategy_prepare_persistentvolume_create, NULL, strategy_validate_persistentvolume},
    {"", "persistentvolumeclaims", strategy_default_persistentvolumeclaim,
     strategy_prepare_persistentvolumeclaim_create, NULL, strategy_validate_persistentvolumeclaim},
    {"", "resourcequotas", strategy_default_resourcequota, NULL, NULL,
     strategy_validate_resourcequota},
    {"", "limitranges", strategy_default_limitrange, NULL, NULL, strategy_validate_limitrange},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
