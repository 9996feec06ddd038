/* Service ClusterIP and NodePort allocation, as Kubernetes 1.32's service REST storage does it
 * (pkg/registry/core/service/storage/alloc.go): IP family defaulting for a single-stack IPv4
 * cluster, allocated values patched in from the old object on update, requested values
 * honoured when free, Kubernetes' 422/500 texts, release on failure, delete and when an update
 * drops them. Also the `kubernetes` Service, Endpoints and EndpointSlice of the default
 * namespace (pkg/controlplane/reconcilers). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admission_internal.h"
#include "cleanup.h"
#include "log.h"
#include "rest_internal.h"
#include "status.h"
#include "xalloc.h"

#define MAX_PORTS 256

static const char *svc_type(const json_t *svc)
{
    const char *type = json_string_value(json_object_get(json_object_get(svc, "spec"), "type"));
    return type != NULL ? type : "ClusterIP";
}

static const char *cluster_ip_of(const json_t *svc)
{
    const json_t *spec = json_object_get(svc, "spec");
    const char *ip = json_string_value(json_object_get(spec, "clusterIP"));
    if (ip == NULL || ip[0] == '\0') {
        ip = json_string_value(json_array_get(json_object_get(spec, "clusterIPs"), 0));
    }
    return ip != NULL ? ip : "";
}

static bool needs_cluster_ip(const json_t *svc)
{
    return svc != NULL && strcmp(svc_type(svc), "ExternalName") != 0 &&
           strcmp(cluster_ip_of(svc), "None") != 0;
}

static bool needs_node_ports(const json_t *svc)
{
    if (svc == NULL) {
        return false;
    }
    const char *type = svc_type(svc);
    if (strcmp(type, "NodePort") == 0) {
        return true;
    }
    const json_t *alloc =
        json_object_get(json_object_get(svc, "spec"), "allocateLoadBalancerNodePorts");
    return strcmp(type, "LoadBalancer") == 0 && !json_is_false(alloc);
}

static bool needs_health_check_port(const json_t *svc)
{
    const json_t *spec = json_object_get(svc, "spec");
    const char *policy = json_string_value(json_object_get(spec, "externalTrafficPolicy"));
    return svc != NULL && strcmp(svc_type(svc), "LoadBalancer") == 0 && policy != NULL &&
           strcmp(policy, "Local") == 0;
}

static json_int_t node_port_at(const json_t *svc, size_t i)
{
    json_t *port = json_array_get(json_object_get(json_object_get(svc, "spec"), "ports"), i);
    return json_integer_value(json_object_get(port, "nodePort"));
}

/* Offsets the service holds in the IP range and in the port range. */
struct held {
    int64_t ip; /* -1: none */
    int64_t ports[MAX_PORTS + 1];
    size_t nports;
};

static bool offsets_contain(const int64_t *offsets, size_t n, int64_t offset)
{
    for (size_t i = 0; i < n; i++) {
        if (offsets[i] == offset) {
            return true;
        }
    }
    return false;
}

static bool held_has_port(const struct held *h, int64_t offset)
{
    return offsets_contain(h->ports, h->nports, offset);
}

static void held_of(const struct admission *a, const json_t *svc, struct held *h)
{
    h->ip = -1;
    h->nports = 0;
    if (svc == NULL) {
        return;
    }
    uint32_t ip = 0;
    if (needs_cluster_ip(svc) && ipalloc_parse_ipv4(cluster_ip_of(svc), &ip)) {
        h->ip = ipalloc_offset_of(&a->service_ips, ip);
    }
    json_t *ports = json_object_get(json_object_get(svc, "spec"), "ports");
    if (needs_node_ports(svc)) {
        for (size_t i = 0; i < json_array_size(ports) && h->nports < MAX_PORTS; i++) {
            json_int_t np = node_port_at(svc, i);
            int64_t off = np > 0 ? ipalloc_offset_of(&a->node_ports, (uint32_t)np) : -1;
            if (off >= 0 && !held_has_port(h, off)) {
                h->ports[h->nports++] = off;
            }
        }
    }
    if (needs_health_check_port(svc)) {
        json_int_t hc = json_integer_value(
            json_object_get(json_object_get(svc, "spec"), "healthCheckNodePort"));
        int64_t off = hc > 0 ? ipalloc_offset_of(&a->node_ports, (uint32_t)hc) : -1;
        if (off >= 0 && !held_has_port(h, off)) {
            h->ports[h->nports++] = off;
        }
    }
}

/* Releases what `from` holds and `keep` does not. */
static void release_difference(struct rest *r, const json_t *from, const json_t *keep)
{
    struct admission *a = r->admission;
    struct held drop, kept;
    held_of(a, from, &drop);
    held_of(a, keep, &kept);
    struct err e = {0};
    if (drop.ip >= 0 && drop.ip != kept.ip &&
        ipalloc_store_release(r->storage, IPALLOC_SERVICE_IPS_KEY, &a->service_ips, &drop.ip, 1,
                              &e) != 0) {
        LOG_W("releasing a service IP failed", "err=\"%s\"", e.msg);
    }
    int64_t ports[MAX_PORTS + 1];
    size_t n = 0;
    for (size_t i = 0; i < drop.nports; i++) {
        if (!held_has_port(&kept, drop.ports[i])) {
            ports[n++] = drop.ports[i];
        }
    }
    if (n > 0 && ipalloc_store_release(r->storage, IPALLOC_SERVICE_NODE_PORTS_KEY, &a->node_ports,
                                       ports, n, &e) != 0) {
        LOG_W("releasing node ports failed", "err=\"%s\"", e.msg);
    }
}

void admission_service_finish(struct rest *r, const struct admission_attributes *attrs,
                              const json_t *svc, const json_t *old, bool committed)
{
    if (attrs->subresource[0] != '\0') {
        return;
    }
    switch (attrs->operation) {
    case ADMISSION_CREATE:
        if (!committed) {
            release_difference(r, svc, NULL);
        }
        break;
    case ADMISSION_UPDATE:
        if (committed) {
            release_difference(r, old, svc);
        } else {
            release_difference(r, svc, old);
        }
        break;
    case ADMISSION_DELETE:
        if (committed) {
            release_difference(r, old, NULL);
        }
        break;
    }
}

/* ---- mutate ---- */

/* A 422 for one field whose bad value is already printed as Go's %#v prints it. */
static json_t *invalid_raw(int *code, const json_t *svc, const char *field, const char *value,
                           const char *detail)
{
    struct field_errors fe;
    field_errors_init(&fe);
    cleanup_free char *message = xasprintf("Invalid value: %s: %s", value, detail);
    json_array_append_new(fe.causes, json_pack("{s:s,s:s,s:s}", "reason", "FieldValueInvalid",
                                               "message", message, "field", field));
    cleanup_free char *line = xasprintf("%s: %s", field, message);
    json_array_append_new(fe.lines, json_string(line));
    json_t *status = status_invalid("", "Service", rest_meta_str(svc, "name"), &fe);
    field_errors_free(&fe);
    return rest_answer_status(code, status);
}

static json_t *invalid_port(int *code, const json_t *svc, const char *field, json_int_t port,
                            const char *detail)
{
    struct field_errors fe;
    field_errors_init(&fe);
    json_t *value = json_integer(port);
    field_errors_add(&fe, FIELD_INVALID, field, value, detail);
    json_decref(value);
    json_t *status = status_invalid("", "Service", rest_meta_str(svc, "name"), &fe);
    field_errors_free(&fe);
    return rest_answer_status(code, status);
}

/* []string{"10.0.0.5"}: Go's %#v of spec.clusterIPs. */
static char *go_string_slice(const json_t *list)
{
    size_t cap = 16, len = 0;
    char *out = xmalloc(cap);
    len = (size_t)snprintf(out, cap, "[]string{");
    size_t i;
    const json_t *v;
    json_array_foreach (list, i, v) {
        cleanup_free char *quoted = json_dumps(v, JSON_ENCODE_ANY);
        size_t need = len + strlen(quoted ? quoted : "\"\"") + 3;
        if (need + 2 > cap) {
            cap = need * 2;
            out = xrealloc(out, cap);
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i > 0 ? ", " : "",
                                quoted ? quoted : "\"\"");
    }
    if (len + 2 > cap) {
        out = xrealloc(out, len + 2);
    }
    snprintf(out + len, 2, "}");
    return out;
}

/* clusterIP and clusterIPs agree (conversion's rule: either fills the other). */
static void normalize_cluster_ips(json_t *spec)
{
    const char *ip = json_string_value(json_object_get(spec, "clusterIP"));
    json_t *ips = json_object_get(spec, "clusterIPs");
    if (ip != NULL && ip[0] != '\0' && json_array_size(ips) == 0) {
        json_object_set_new(spec, "clusterIPs", json_pack("[s]", ip));
    } else if ((ip == NULL || ip[0] == '\0') && json_array_size(ips) > 0) {
        json_object_set(spec, "clusterIP", json_array_get(ips, 0));
    }
}

/* patchAllocatedValues: a PUT or patch without the allocated values keeps the old ones. */
static void patch_allocated_values(json_t *svc, const json_t *old)
{
    json_t *spec = json_object_get(svc, "spec");
    const json_t *old_spec = json_object_get(old, "spec");
    if (needs_cluster_ip(old) && needs_cluster_ip(svc)) {
        const char *ip = json_string_value(json_object_get(spec, "clusterIP"));
        if (ip == NULL || ip[0] == '\0') {
            json_object_set(spec, "clusterIP", json_object_get(old_spec, "clusterIP"));
        }
        if (json_array_size(json_object_get(spec, "clusterIPs")) == 0 &&
            json_object_get(old_spec, "clusterIPs") != NULL) {
            json_object_set_new(spec, "clusterIPs",
                                json_deep_copy(json_object_get(old_spec, "clusterIPs")));
        }
    }
    if (needs_node_ports(old) && needs_node_ports(svc)) {
        json_t *ports = json_object_get(spec, "ports");
        const json_t *old_ports = json_object_get(old_spec, "ports");
        size_t i, j;
        json_t *p;
        const json_t *op;
        json_array_foreach (ports, i, p) {
            if (json_integer_value(json_object_get(p, "nodePort")) != 0) {
                continue;
            }
            const char *name = json_string_value(json_object_get(p, "name"));
            json_array_foreach (old_ports, j, op) {
                const char *old_name = json_string_value(json_object_get(op, "name"));
                json_int_t np = json_integer_value(json_object_get(op, "nodePort"));
                if (np == 0 || strcmp(name ? name : "", old_name ? old_name : "") != 0) {
                    continue;
                }
                bool used = false; /* by another port of the new object */
                for (size_t k = 0; k < json_array_size(ports); k++) {
                    used = used || node_port_at(svc, k) == np;
                }
                if (!used) {
                    json_object_set_new(p, "nodePort", json_integer(np));
                }
                break;
            }
        }
    }
    if (needs_health_check_port(old) && needs_health_check_port(svc) &&
        json_integer_value(json_object_get(spec, "healthCheckNodePort")) == 0) {
        json_t *hc = json_object_get(old_spec, "healthCheckNodePort");
        if (hc != NULL) {
            json_object_set(spec, "healthCheckNodePort", hc);
        }
    }
}

/* dropTypeDependentFields: a type change drops the values the old type had allocated when the
 * user left them as they were. */
static void drop_type_dependent_fields(json_t *svc, const json_t *old)
{
    json_t *spec = json_object_get(svc, "spec");
    const json_t *old_spec = json_object_get(old, "spec");
    if (strcmp(svc_type(svc), "ExternalName") == 0 && strcmp(svc_type(old), "ExternalName") != 0 &&
        json_equal(json_object_get(spec, "clusterIPs"), json_object_get(old_spec, "clusterIPs"))) {
        json_object_del(spec, "clusterIP");
        json_object_del(spec, "clusterIPs");
        json_object_del(spec, "ipFamilies");
        json_object_del(spec, "ipFamilyPolicy");
        json_object_del(spec, "internalTrafficPolicy");
    }
    if (needs_node_ports(old) && !needs_node_ports(svc)) {
        size_t i;
        json_t *p;
        json_array_foreach (json_object_get(spec, "ports"), i, p) {
            json_int_t np = json_integer_value(json_object_get(p, "nodePort"));
            for (size_t j = 0; np != 0 && j < json_array_size(json_object_get(old_spec, "ports"));
                 j++) {
                if (node_port_at(old, j) == np) {
                    json_object_del(p, "nodePort");
                    break;
                }
            }
        }
    }
    if (!needs_health_check_port(svc) &&
        json_equal(json_object_get(spec, "healthCheckNodePort"),
                   json_object_get(old_spec, "healthCheckNodePort"))) {
        json_object_del(spec, "healthCheckNodePort");
    }
    const char *type = svc_type(svc);
    if (strcmp(type, "NodePort") != 0 && strcmp(type, "LoadBalancer") != 0 &&
        json_equal(json_object_get(spec, "externalTrafficPolicy"),
                   json_object_get(old_spec, "externalTrafficPolicy"))) {
        json_object_del(spec, "externalTrafficPolicy");
    }
}

/* initIPFamilyFields and the traffic policy defaults for a single-stack IPv4 cluster. */
static void default_families(json_t *svc, const json_t *old)
{
    json_t *spec = json_object_get(svc, "spec");
    const char *type = svc_type(svc);
    if (strcmp(type, "ExternalName") == 0) {
        return;
    }
    bool headless_selectorless = strcmp(cluster_ip_of(svc), "None") == 0 &&
                                 json_object_size(json_object_get(spec, "selector")) == 0;
    if (json_object_get(spec, "ipFamilyPolicy") == NULL) {
        json_t *old_policy = json_object_get(json_object_get(old, "spec"), "ipFamilyPolicy");
        json_object_set_new(spec, "ipFamilyPolicy",
                            old_policy != NULL      ? json_incref(old_policy)
                            : headless_selectorless ? json_string("RequireDualStack")
                                                    : json_string("SingleStack"));
    }
    if (json_array_size(json_object_get(spec, "ipFamilies")) == 0) {
        json_t *families = json_pack("[s]", "IPv4");
        const char *policy = json_string_value(json_object_get(spec, "ipFamilyPolicy"));
        if (headless_selectorless && policy != NULL && strcmp(policy, "SingleStack") != 0) {
            json_array_append_new(families, json_string("IPv6"));
        }
        json_object_set_new(spec, "ipFamilies", families);
    }
    if (json_object_get(spec, "internalTrafficPolicy") == NULL) {
        json_object_set_new(spec, "internalTrafficPolicy", json_string("Cluster"));
    }
    if ((strcmp(type, "NodePort") == 0 || strcmp(type, "LoadBalancer") == 0) &&
        json_object_get(spec, "externalTrafficPolicy") == NULL) {
        json_object_set_new(spec, "externalTrafficPolicy", json_string("Cluster"));
    }
}

/* What a mutation asks of the allocators. */
struct wants {
    int64_t ip; /* an offset, IPALLOC_NEXT, or -2 for nothing */
    int64_t ports[MAX_PORTS + 1];
    size_t port_index[MAX_PORTS + 1]; /* spec.ports index, or SIZE_MAX for healthCheckNodePort */
    size_t nports;
};

#define WANT_NOTHING (-2)

static json_t *plan_cluster_ip(struct admission *a, json_t *svc, const json_t *old, struct wants *w,
                               int *code)
{
    json_t *spec = json_object_get(svc, "spec");
    w->ip = WANT_NOTHING;
    if (!needs_cluster_ip(svc)) {
        if (strcmp(cluster_ip_of(svc), "None") == 0) {
            json_object_set_new(spec, "clusterIP", json_string("None"));
            json_object_set_new(spec, "clusterIPs", json_pack("[s]", "None"));
        }
        return NULL;
    }
    const char *ip = cluster_ip_of(svc);
    if (old != NULL && needs_cluster_ip(old) && cluster_ip_of(old)[0] != '\0') {
        if (strcmp(ip, cluster_ip_of(old)) != 0) {
            struct field_errors fe;
            field_errors_init(&fe);
            json_t *bad = json_string(ip);
            field_errors_add(&fe, FIELD_INVALID, "spec.clusterIPs[0]", bad,
                             "may not change once set");
            json_decref(bad);
            json_t *st = status_invalid("", "Service", rest_meta_str(svc, "name"), &fe);
            field_errors_free(&fe);
            return rest_answer_status(code, st);
        }
        return NULL; /* already held */
    }
    if (ip[0] == '\0') {
        w->ip = IPALLOC_NEXT;
        return NULL;
    }
    cleanup_free char *ips = go_string_slice(json_object_get(spec, "clusterIPs"));
    uint32_t parsed = 0;
    if (!ipalloc_parse_ipv4(ip, &parsed)) {
        if (strchr(ip, ':') != NULL) {
            return invalid_raw(code, svc, "spec.clusterIPs[0]", ips,
                               "IPv6 is not configured on this cluster");
        }
        struct field_errors fe;
        field_errors_init(&fe);
        json_t *bad = json_string(ip);
        field_errors_add(&fe, FIELD_INVALID, "spec.clusterIPs[0]", bad,
                         "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
        json_decref(bad);
        json_t *st = status_invalid("", "Service", rest_meta_str(svc, "name"), &fe);
        field_errors_free(&fe);
        return rest_answer_status(code, st);
    }
    int64_t offset = ipalloc_offset_of(&a->service_ips, parsed);
    if (offset < 0) {
        cleanup_free char *detail = xasprintf(
            "failed to allocate IP %s: the provided IP (%s) is not in the valid range. The range "
            "of valid IPs is %s",
            ip, ip, a->service_ips.spec);
        return invalid_raw(code, svc, "spec.clusterIPs", ips, detail);
    }
    w->ip = offset;
    return NULL;
}

static json_t *plan_node_ports(struct admission *a, json_t *svc, const json_t *old, struct wants *w,
                               int *code)
{
    w->nports = 0;
    struct held had;
    held_of(a, old, &had);
    json_t *ports = json_object_get(json_object_get(svc, "spec"), "ports");
    if (needs_node_ports(svc)) {
        for (size_t i = 0; i < json_array_size(ports) && w->nports < MAX_PORTS; i++) {
            json_t *p = json_array_get(ports, i);
            json_int_t np = json_integer_value(json_object_get(p, "nodePort"));
            json_int_t number = json_integer_value(json_object_get(p, "port"));
            if (np == 0) {
                /* Ports with the same number share a node port (TCP and UDP 53). */
                for (size_t j = 0; j < json_array_size(ports) && np == 0; j++) {
                    json_t *q = json_array_get(ports, j);
                    if (j != i && json_integer_value(json_object_get(q, "port")) == number) {
                        np = json_integer_value(json_object_get(q, "nodePort"));
                    }
                }
                if (np != 0) {
                    json_object_set_new(p, "nodePort", json_integer(np));
                }
            }
            if (np == 0) {
                w->port_index[w->nports] = i;
                w->ports[w->nports++] = IPALLOC_NEXT;
                json_object_set_new(p, "nodePort", json_integer(-1 - (json_int_t)i));
                continue;
            }
            if (np < 0) {
                continue; /* shares a port still to be allocated (fixed up after) */
            }
            int64_t offset = ipalloc_offset_of(&a->node_ports, (uint32_t)np);
            char field[64];
            snprintf(field, sizeof field, "spec.ports[%zu].nodePort", i);
            if (offset < 0) {
                cleanup_free char *detail = xasprintf(
                    "provided port is not in the valid range. The range of valid ports is %s",
                    a->node_ports.spec);
                return invalid_port(code, svc, field, np, detail);
            }
            if (held_has_port(&had, offset) || offsets_contain(w->ports, w->nports, offset)) {
                continue;
            }
            w->port_index[w->nports] = i;
            w->ports[w->nports++] = offset;
        }
    }
    if (needs_health_check_port(svc)) {
        json_t *spec = json_object_get(svc, "spec");
        json_int_t hc = json_integer_value(json_object_get(spec, "healthCheckNodePort"));
        int64_t offset = hc > 0 ? ipalloc_offset_of(&a->node_ports, (uint32_t)hc) : IPALLOC_NEXT;
        if (hc > 0 && offset < 0) {
            cleanup_free char *detail = xasprintf(
                "failed to allocate requested HealthCheck NodePort %lld: provided port is not in "
                "the valid range. The range of valid ports is %s",
                (long long)hc, a->node_ports.spec);
            return invalid_port(code, svc, "spec.healthCheckNodePort", hc, detail);
        }
        if (offset == IPALLOC_NEXT || !held_has_port(&had, offset)) {
            w->port_index[w->nports] = SIZE_MAX;
            w->ports[w->nports++] = offset;
        }
    }
    return NULL;
}

static json_t *allocation_failure(struct admission *a, const json_t *svc, const struct wants *w,
                                  size_t failed, int rc, const struct err *e, int *code)
{
    if (rc == -ENOSPC) {
        return rest_answer_status(code,
                                  status_internal("failed to allocate a nodePort: range is full"));
    }
    if (rc != -EEXIST) {
        return rest_answer_status(code, status_internal(e->msg));
    }
    json_int_t port = (json_int_t)(a->node_ports.base + (uint32_t)w->ports[failed]);
    if (w->port_index[failed] == SIZE_MAX) {
        cleanup_free char *detail = xasprintf(
            "failed to allocate requested HealthCheck NodePort %lld: provided port is already "
            "allocated",
            (long long)port);
        return invalid_port(code, svc, "spec.healthCheckNodePort", port, detail);
    }
    char field[64];
    snprintf(field, sizeof field, "spec.ports[%zu].nodePort", w->port_index[failed]);
    return invalid_port(code, svc, field, port, "provided port is already allocated");
}

json_t *admission_service_mutate(struct rest *r, const struct admission_attributes *attrs,
                                 json_t *svc, const json_t *old, int *code)
{
    struct admission *a = r->admission;
    if (attrs->subresource[0] != '\0' || attrs->operation == ADMISSION_DELETE) {
        return NULL;
    }
    json_t *spec = json_object_get(svc, "spec");
    if (!json_is_object(spec)) {
        spec = json_object();
        json_object_set_new(svc, "spec", spec);
    }
    if (json_object_get(spec, "type") == NULL) {
        json_object_set_new(spec, "type", json_string("ClusterIP"));
    }
    normalize_cluster_ips(spec);
    if (old != NULL) {
        patch_allocated_values(svc, old);
        drop_type_dependent_fields(svc, old);
        normalize_cluster_ips(spec);
    }
    default_families(svc, old);
    struct wants w;
    json_t *error = plan_cluster_ip(a, svc, old, &w, code);
    if (error == NULL) {
        error = plan_node_ports(a, svc, old, &w, code);
    }
    if (error != NULL) {
        return error;
    }
    struct err e = {0};
    int rc = 0;
    size_t failed = 0;
    if (w.ip != WANT_NOTHING) {
        int64_t got = 0;
        rc = ipalloc_store_allocate(r->storage, IPALLOC_SERVICE_IPS_KEY, &a->service_ips, &w.ip, 1,
                                    &got, &failed, &e);
        if (rc == -EEXIST) {
            cleanup_free char *ips = go_string_slice(json_object_get(spec, "clusterIPs"));
            cleanup_free char *detail = xasprintf(
                "failed to allocate IP %s: provided IP is already allocated", cluster_ip_of(svc));
            return invalid_raw(code, svc, "spec.clusterIPs", ips, detail);
        }
        if (rc == -ENOSPC) {
            return rest_answer_status(
                code, status_internal("failed to allocate a serviceIP: range is full"));
        }
        if (rc != 0) {
            return rest_answer_status(code, status_internal(e.msg));
        }
        char buf[16];
        ipalloc_format_ipv4(a->service_ips.base + (uint32_t)got, buf);
        json_object_set_new(spec, "clusterIP", json_string(buf));
        json_object_set_new(spec, "clusterIPs", json_pack("[s]", buf));
    }
    if (w.nports > 0) {
        int64_t got[MAX_PORTS + 1];
        rc = ipalloc_store_allocate(r->storage, IPALLOC_SERVICE_NODE_PORTS_KEY, &a->node_ports,
                                    w.ports, w.nports, got, &failed, &e);
        if (rc != 0) {
            if (w.ip != WANT_NOTHING) {
                struct held mine;
                held_of(a, svc, &mine);
                struct err e2 = {0};
                if (mine.ip >= 0 && ipalloc_store_release(r->storage, IPALLOC_SERVICE_IPS_KEY,
                                                          &a->service_ips, &mine.ip, 1, &e2) != 0) {
                    LOG_W("releasing a service IP failed", "err=\"%s\"", e2.msg);
                }
            }
            return allocation_failure(a, svc, &w, failed, rc, &e, code);
        }
        json_t *ports = json_object_get(spec, "ports");
        for (size_t i = 0; i < w.nports; i++) {
            json_int_t port = (json_int_t)(a->node_ports.base + (uint32_t)got[i]);
            if (w.port_index[i] == SIZE_MAX) {
                json_object_set_new(spec, "healthCheckNodePort", json_integer(port));
                continue;
            }
            json_int_t placeholder = -1 - (json_int_t)w.port_index[i];
            size_t j;
            json_t *p;
            json_array_foreach (ports, j, p) {
                if (json_integer_value(json_object_get(p, "nodePort")) == placeholder ||
                    j == w.port_index[i]) {
                    json_object_set_new(p, "nodePort", json_integer(port));
                }
            }
        }
    }
    return NULL;
}

/* ---- The kubernetes Service, Endpoints and EndpointSlice ---- */

/* Makes current match desired in what the reconciler owns; true when it changed. */
typedef bool (*reconcile_fix_fn)(json_t *current, const json_t *desired);

static bool set_if_different(json_t *obj, const char *key, const json_t *want)
{
    if (json_equal(json_object_get(obj, key), want)) {
        return false;
    }
    json_object_set_new(obj, key, json_deep_copy(want));
    return true;
}

static bool fix_labels(json_t *current, const json_t *desired)
{
    json_t *labels = json_object_get(rest_meta_of(current), "labels");
    if (!json_is_object(labels)) {
        labels = json_object();
        json_object_set_new(rest_meta_of(current), "labels", labels);
    }
    bool changed = false;
    const char *k;
    json_t *v;
    json_object_foreach (json_object_get(json_object_get(desired, "metadata"), "labels"), k, v) {
        changed = set_if_different(labels, k, v) || changed;
    }
    return changed;
}

static bool fix_service(json_t *current, const json_t *desired)
{
    json_t *spec = json_object_get(current, "spec");
    const json_t *want = json_object_get(desired, "spec");
    bool changed = fix_labels(current, desired);
    changed = set_if_different(spec, "ports", json_object_get(want, "ports")) || changed;
    return set_if_different(spec, "type", json_object_get(want, "type")) || changed;
}

static bool fix_endpoints(json_t *current, const json_t *desired)
{
    bool changed = fix_labels(current, desired);
    return set_if_different(current, "subsets", json_object_get(desired, "subsets")) || changed;
}

static bool fix_slice(json_t *current, const json_t *desired)
{
    bool changed = fix_labels(current, desired);
    changed = set_if_different(current, "addressType", json_object_get(desired, "addressType")) ||
              changed;
    changed =
        set_if_different(current, "endpoints", json_object_get(desired, "endpoints")) || changed;
    return set_if_different(current, "ports", json_object_get(desired, "ports")) || changed;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Creates obj through the REST create (admission allocates the Service's address). */
static int create_through_rest(struct rest *r, const struct resource *res, const json_t *desired,
                               int *code, struct err *err)
{
    struct request_info info = {.is_resource_request = true};
    snprintf(info.verb, sizeof info.verb, "create");
    snprintf(info.namespace_, sizeof info.namespace_, "default");
    snprintf(info.resource, sizeof info.resource, "%s", res->plural);
    snprintf(info.api_group, sizeof info.api_group, "%s", res->group);
    snprintf(info.api_version, sizeof info.api_version, "%s", res->version);
    struct rest_call call = {
        .info = &info, .resource = res, .user_agent = "kube-apiserver/v1.32.0"};
    cleanup_json json_t *obj = json_deep_copy(desired);
    cleanup_json json_t *answer = rest_create_object(r, &call, obj, code);
    if (*code == 201 || *code == 409 || *code == 422) {
        return 0;
    }
    return err_set(err, EIO, "creating %s default/%s: %s", res->plural,
                   rest_meta_str(desired, "name"),
                   json_string_value(json_object_get(answer, "message")));
}

/* Writes obj straight to the store with server metadata. The apiserver's own Endpoints name
 * its advertise address, which may be a loopback address in a lab on one machine; Endpoints
 * validation would refuse it (kube-apiserver then logs the failure on every reconcile). */
static int create_in_store(struct rest *r, const char *key, const json_t *desired, struct err *err)
{
    cleanup_json json_t *obj = json_deep_copy(desired);
    json_t *meta = rest_meta_of(obj);
    cleanup_free char *uid = rest_random_uid();
    char ts[K8STIME_STR_MAX];
    rest_now_rfc3339(ts);
    json_object_set_new(meta, "uid", json_string(uid));
    json_object_set_new(meta, "creationTimestamp", json_string(ts));
    cleanup_free char *value = rest_encode_for_storage(obj);
    int64_t rev = 0;
    int rc = etcd3_create(r->storage, key, value, strlen(value), 0, &rev, err);
    return rc == -EEXIST ? 0 : rc;
}

/* Creates desired in default when missing (the Service through the REST create, so allocation
 * runs), else repairs what fix owns with a compare-and-swap. */
static int ensure_object(struct rest *r, const struct resource *res, const json_t *desired,
                         reconcile_fix_fn fix, struct err *err)
{
    const char *name = rest_meta_str(desired, "name");
    cleanup_free char *key = rest_object_key(res, "default", name);
    bool is_service = strcmp(res->plural, "services") == 0;
    for (int attempt = 0; attempt < 50; attempt++) {
        struct etcd3_kv kv = {0};
        int rc = etcd3_get(r->storage, key, &kv, NULL, err);
        if (rc == -ENOENT) {
            if (!is_service) {
                rc = create_in_store(r, key, desired, err);
                if (rc != 0) {
                    return rc;
                }
                continue; /* read it back: another apiserver may have won */
            }
            int code = 0;
            if ((rc = create_through_rest(r, res, desired, &code, err)) != 0) {
                return rc;
            }
            if (code == 201) {
                return 0;
            }
            /* 409: another apiserver created it; 422: it holds the first IP and is about to. */
            sleep_ms(100);
            continue;
        }
        if (rc != 0) {
            return rc;
        }
        cleanup_json json_t *current = rest_decode_stored(&kv);
        int64_t revision = kv.mod_revision;
        etcd3_kv_free(&kv);
        if (current == NULL) {
            return err_set(err, EINVAL, "%s is not JSON", key);
        }
        if (!fix(current, desired)) {
            return 0;
        }
        cleanup_free char *value = rest_encode_for_storage(current);
        int64_t rev = 0;
        rc = etcd3_update(r->storage, key, value, strlen(value), revision, 0, &rev, NULL, err);
        if (rc == 0) {
            return 0;
        }
        if (rc != -C8S_ECONFLICT && rc != -ENOENT) {
            return rc;
        }
    }
    return err_set(err, C8S_ECONFLICT, "%s default/%s keeps changing", res->plural, name);
}

int admission_kubernetes_service_reconcile(struct rest *r, const char *const *addresses, size_t n,
                                           struct err *err)
{
    struct admission *a = r->admission;
    int port = r->options.advertise_port > 0 ? r->options.advertise_port : 6443;
    char first_ip[16];
    ipalloc_format_ipv4(a->service_ips.base, first_ip);
    cleanup_json json_t *svc = json_pack(
        "{s:s,s:s,s:{s:s,s:s,s:{s:s,s:s}},s:{s:[{s:s,s:s,s:i,s:i}],s:s,s:s,s:[s],s:s}}",
        "apiVersion", "v1", "kind", "Service", "metadata", "name", "kubernetes", "namespace",
        "default", "labels", "component", "apiserver", "provider", "kubernetes", "spec", "ports",
        "name", "https", "protocol", "TCP", "port", 443, "targetPort", port, "type", "ClusterIP",
        "clusterIP", first_ip, "clusterIPs", first_ip, "sessionAffinity", "None");
    int rc = ensure_object(r, resources_find("", "v1", "services"), svc, fix_service, err);
    if (rc != 0) {
        return rc;
    }
    json_t *addrs = json_array();
    json_t *slice_endpoints = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(addrs, json_pack("{s:s}", "ip", addresses[i]));
        json_array_append_new(slice_endpoints, json_pack("{s:[s],s:{s:b}}", "addresses",
                                                         addresses[i], "conditions", "ready", 1));
    }
    json_t *subsets = json_array();
    if (n > 0) {
        json_array_append_new(subsets,
                              json_pack("{s:o,s:[{s:s,s:i,s:s}]}", "addresses", addrs, "ports",
                                        "name", "https", "port", port, "protocol", "TCP"));
    } else {
        json_decref(addrs);
    }
    cleanup_json json_t *endpoints =
        json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:o}", "apiVersion", "v1", "kind", "Endpoints",
                  "metadata", "name", "kubernetes", "namespace", "default", "labels",
                  "endpointslice.kubernetes.io/skip-mirror", "true", "subsets", subsets);
    if ((rc = ensure_object(r, resources_find("", "v1", "endpoints"), endpoints, fix_endpoints,
                            err)) != 0) {
        json_decref(slice_endpoints);
        return rc;
    }
    const struct resource *slices = resources_find("discovery.k8s.io", "v1", "endpointslices");
    if (slices == NULL) {
        json_decref(slice_endpoints);
        return 0;
    }
    cleanup_json json_t *slice =
        json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:s,s:o,s:[{s:s,s:i,s:s}]}", "apiVersion",
                  "discovery.k8s.io/v1", "kind", "EndpointSlice", "metadata", "name", "kubernetes",
                  "namespace", "default", "labels", "kubernetes.io/service-name", "kubernetes",
                  "addressType", "IPv4", "endpoints", slice_endpoints, "ports", "name", "https",
                  "port", port, "protocol", "TCP");
    return ensure_object(r, slices, slice, fix_slice, err);
}
