/* Strategies of networking.k8s.io/v1 NetworkPolicies and IngressClasses, with Kubernetes
 * 1.32's defaults (pkg/apis/networking/v1/defaults.go) and validation
 * (pkg/apis/networking/validation). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "strategy.h"
#include "xalloc.h"

static bool is_set(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v != NULL && !json_is_null(v);
}

static void add_str(struct field_errors *fe, enum field_error_type type, const char *path,
                    const char *value, const char *detail)
{
    json_t *bad = json_string(value);
    field_errors_add(fe, type, path, bad, detail);
    json_decref(bad);
}

/* ---- networkpolicies ---- */

static void default_ports(json_t *rules)
{
    size_t i, j;
    json_t *rule, *port;
    json_array_foreach (rules, i, rule) {
        json_array_foreach (json_object_get(rule, "ports"), j, port) {
            if (json_is_object(port) && !is_set(port, "protocol")) {
                json_object_set_new(port, "protocol", json_string("TCP"));
            }
        }
    }
}

static void networkpolicy_defaults(json_t *np)
{
    json_t *spec = strategy_object_at(np, "spec");
    default_ports(json_object_get(spec, "ingress"));
    default_ports(json_object_get(spec, "egress"));
    if (json_array_size(json_object_get(spec, "policyTypes")) == 0) {
        json_t *types = json_pack("[s]", "Ingress");
        if (json_array_size(json_object_get(spec, "egress")) > 0) {
            json_array_append_new(types, json_string("Egress"));
        }
        json_object_set_new(spec, "policyTypes", types);
    }
}

/* A CIDR as net.ParseCIDR takes it: the address bytes, their count and the prefix length. */
static bool parse_cidr(const char *s, unsigned char addr[16], int *bytes, int *prefix)
{
    const char *slash = strchr(s, '/');
    if (slash == NULL || slash - s >= 64 || slash[1] == '\0') {
        return false;
    }
    char host[64];
    snprintf(host, sizeof host, "%.*s", (int)(slash - s), s);
    char *end = NULL;
    long bits = strtol(slash + 1, &end, 10);
    if (*end != '\0' || slash[1] == '+' || slash[1] == '-') {
        return false;
    }
    if (inet_pton(AF_INET, host, addr) == 1) {
        *bytes = 4;
    } else if (inet_pton(AF_INET6, host, addr) == 1) {
        *bytes = 16;
    } else {
        return false;
    }
    *prefix = (int)bits;
    return bits >= 0 && bits <= *bytes * 8;
}

/* Whether the first bits of a and b agree. */
static bool same_prefix(const unsigned char *a, const unsigned char *b, int bits)
{
    for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
            return false;
        }
    }
    return true;
}

#define CIDR_DETAIL "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

static void validate_ip_block(const json_t *block, const char *path, struct field_errors *fe)
{
    cleanup_free char *cidr_path = xasprintf("%s.cidr", path);
    const char *cidr = strategy_str(block, "cidr");
    if (cidr[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, cidr_path, NULL, NULL);
        return;
    }
    unsigned char net[16], ex[16];
    int net_bytes = 0, net_prefix = 0;
    if (!parse_cidr(cidr, net, &net_bytes, &net_prefix)) {
        add_str(fe, FIELD_INVALID, cidr_path, cidr, CIDR_DETAIL);
        return;
    }
    size_t i;
    const json_t *except;
    json_array_foreach (json_object_get(block, "except"), i, except) {
        cleanup_free char *p = xasprintf("%s.except[%zu]", path, i);
        const char *s = json_string_value(except) ? json_string_value(except) : "";
        int ex_bytes = 0, ex_prefix = 0;
        if (!parse_cidr(s, ex, &ex_bytes, &ex_prefix)) {
            add_str(fe, FIELD_INVALID, p, s, CIDR_DETAIL);
        } else if (ex_bytes != net_bytes || net_prefix >= ex_prefix ||
                   !same_prefix(net, ex, net_prefix)) {
            add_str(fe, FIELD_INVALID, p, s, "must be a strict subset of `cidr`");
        }
    }
}

static void validate_port(const json_t *port, const char *path, struct field_errors *fe)
{
    static const char *const protocols[] = {"SCTP", "TCP", "UDP"};
    const json_t *protocol = json_object_get(port, "protocol");
    const char *proto = json_string_value(protocol);
    bool known = false;
    for (size_t i = 0; proto != NULL && i < sizeof protocols / sizeof protocols[0]; i++) {
        known = known || strcmp(proto, protocols[i]) == 0;
    }
    if (protocol != NULL && !known) {
        cleanup_free char *p = xasprintf("%s.protocol", path);
        field_errors_add(fe, FIELD_NOT_SUPPORTED, p, protocol, "\"SCTP\", \"TCP\", \"UDP\"");
    }
    const json_t *value = json_object_get(port, "port");
    cleanup_free char *port_path = xasprintf("%s.port", path);
    struct validate_errs errs = VALIDATE_ERRS_INIT;
    if (json_is_integer(value)) {
        validate_port_num(json_integer_value(value), &errs);
    } else if (json_is_string(value)) {
        validate_port_name(json_string_value(value), &errs);
    }
    for (size_t i = 0; i < errs.n; i++) {
        field_errors_add(fe, FIELD_INVALID, port_path, value, errs.msg[i]);
    }
    validate_errs_free(&errs);
    const json_t *end = json_object_get(port, "endPort");
    if (!json_is_integer(end)) {
        return;
    }
    cleanup_free char *end_path = xasprintf("%s.endPort", path);
    if (!json_is_integer(value)) {
        field_errors_add(fe, FIELD_REQUIRED, end_path, NULL,
                         "may not be specified when `port` is non-numeric");
    } else if (json_integer_value(end) < json_integer_value(value)) {
        field_errors_add(fe, FIELD_INVALID, end_path, end,
                         "must be greater than or equal to `port`");
    } else {
        struct validate_errs end_errs = VALIDATE_ERRS_INIT;
        validate_port_num(json_integer_value(end), &end_errs);
        for (size_t i = 0; i < end_errs.n; i++) {
            field_errors_add(fe, FIELD_INVALID, end_path, end, end_errs.msg[i]);
        }
        validate_errs_free(&end_errs);
    }
}

static void validate_peer(const json_t *peer, const char *path, struct field_errors *fe)
{
    int peers = 0;
    if (is_set(peer, "podSelector")) {
        cleanup_free char *p = xasprintf("%s.podSelector", path);
        strategy_validate_label_selector(json_object_get(peer, "podSelector"), p, fe);
        peers++;
    }
    if (is_set(peer, "namespaceSelector")) {
        cleanup_free char *p = xasprintf("%s.namespaceSelector", path);
        strategy_validate_label_selector(json_object_get(peer, "namespaceSelector"), p, fe);
        peers++;
    }
    if (is_set(peer, "ipBlock")) {
        cleanup_free char *p = xasprintf("%s.ipBlock", path);
        validate_ip_block(json_object_get(peer, "ipBlock"), p, fe);
        peers++;
    }
    if (peers == 0) {
        field_errors_add(fe, FIELD_REQUIRED, path, NULL, "must specify a peer");
    } else if (peers > 1 && is_set(peer, "ipBlock")) {
        field_errors_add(fe, FIELD_FORBIDDEN, path, NULL,
                         "may not specify both ipBlock and another peer");
    }
}

static void validate_rules(const json_t *rules, const char *path, const char *peers_key,
                           struct field_errors *fe)
{
    size_t i, j;
    const json_t *rule, *item;
    json_array_foreach (rules, i, rule) {
        json_array_foreach (json_object_get(rule, "ports"), j, item) {
            cleanup_free char *p = xasprintf("%s[%zu].ports[%zu]", path, i, j);
            validate_port(item, p, fe);
        }
        json_array_foreach (json_object_get(rule, peers_key), j, item) {
            cleanup_free char *p = xasprintf("%s[%zu].%s[%zu]", path, i, peers_key, j);
            validate_peer(item, p, fe);
        }
    }
}

static void networkpolicy_validate(const char *sub, const json_t *np, const json_t *old,
                                   struct field_errors *fe)
{
    (void)sub;
    (void)old;
    const json_t *spec = json_object_get(np, "spec");
    strategy_validate_label_selector(json_object_get(spec, "podSelector"), "spec.podSelector", fe);
    validate_rules(json_object_get(spec, "ingress"), "spec.ingress", "from", fe);
    validate_rules(json_object_get(spec, "egress"), "spec.egress", "to", fe);
    const json_t *types = json_object_get(spec, "policyTypes");
    size_t i;
    const json_t *type;
    json_array_foreach (types, i, type) {
        const char *t = json_string_value(type);
        if (t == NULL || (strcmp(t, "Ingress") != 0 && strcmp(t, "Egress") != 0)) {
            cleanup_free char *p = xasprintf("spec.policyTypes[%zu]", i);
            field_errors_add(fe, FIELD_NOT_SUPPORTED, p, type, "\"Egress\", \"Ingress\"");
        }
    }
    if (json_array_size(types) > 2) {
        field_errors_add(fe, FIELD_FORBIDDEN, "spec.policyTypes", NULL,
                         "may not specify more than two policyTypes");
    }
}

/* ---- ingressclasses ---- */

#define CONTROLLER_MAX 250

static void ingressclass_defaults(json_t *ic)
{
    json_t *params = json_object_get(json_object_get(ic, "spec"), "parameters");
    if (json_is_object(params) && !is_set(params, "scope")) {
        json_object_set_new(params, "scope", json_string("Cluster"));
    }
}

/* IsDomainPrefixedPath: "example.com/path" with a DNS-1123 subdomain before the first '/'. */
static void validate_controller(const char *controller, struct field_errors *fe)
{
    const char *path = "spec.controller";
    if (controller[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, path, NULL, NULL);
        return;
    }
    if (strlen(controller) > CONTROLLER_MAX) {
        field_errors_add(fe, FIELD_TOO_LONG, path, NULL, "may not be more than 250 bytes");
        return;
    }
    const char *slash = strchr(controller, '/');
    if (slash == NULL || slash[1] == '\0') {
        add_str(fe, FIELD_INVALID, path, controller,
                "must be a domain-prefixed path (such as \"acme.io/foo\")");
        return;
    }
    cleanup_free char *host = xstrndup(controller, (size_t)(slash - controller));
    strategy_validate_with(validate_dns1123_subdomain, host, path, fe);
    for (const char *p = slash; *p != '\0'; p++) {
        if (!(*p == '/' || *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '%' ||
              *p == '!' || *p == '$' || *p == '&' || *p == '\'' || *p == '(' || *p == ')' ||
              *p == '*' || *p == '+' || *p == ',' || *p == ';' || *p == '=' || *p == ':' ||
              *p == '@' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9'))) {
            add_str(fe, FIELD_INVALID, path, controller,
                    "path must consist of valid characters ('/', '-', '.', '_', '~', '%', "
                    "alphanumerics or any of `!$&'()*+,;=:@`)");
            return;
        }
    }
}

static void validate_parameters_ref(const json_t *params, struct field_errors *fe)
{
    if (params == NULL || json_is_null(params)) {
        return;
    }
    const char *group = strategy_str(params, "apiGroup");
    if (group[0] != '\0') {
        strategy_validate_with(validate_dns1123_subdomain, group, "spec.parameters.apiGroup", fe);
    }
    if (strategy_str(params, "kind")[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "spec.parameters.kind", NULL, "kind is required");
    }
    if (strategy_str(params, "name")[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "spec.parameters.name", NULL, "name is required");
    }
    const json_t *scope = json_object_get(params, "scope");
    const char *s = json_string_value(scope);
    const char *ns = strategy_str(params, "namespace");
    if (s == NULL) {
        field_errors_add(fe, FIELD_REQUIRED, "spec.parameters.scope", NULL, NULL);
    } else if (strcmp(s, "Namespace") == 0) {
        if (ns[0] == '\0') {
            field_errors_add(fe, FIELD_REQUIRED, "spec.parameters.namespace", NULL,
                             "`parameters.scope` is set to 'Namespace'");
        } else {
            strategy_validate_with(validate_dns1123_label, ns, "spec.parameters.namespace", fe);
        }
    } else if (strcmp(s, "Cluster") == 0) {
        if (ns[0] != '\0') {
            field_errors_add(fe, FIELD_FORBIDDEN, "spec.parameters.namespace", NULL,
                             "`parameters.scope` is set to 'Cluster'");
        }
    } else {
        field_errors_add(fe, FIELD_NOT_SUPPORTED, "spec.parameters.scope", scope,
                         "\"Cluster\", \"Namespace\"");
    }
}

static void ingressclass_validate(const char *sub, const json_t *ic, const json_t *old,
                                  struct field_errors *fe)
{
    (void)sub;
    const json_t *spec = json_object_get(ic, "spec");
    validate_controller(strategy_str(spec, "controller"), fe);
    validate_parameters_ref(json_object_get(spec, "parameters"), fe);
    if (old != NULL) {
        const char *was = strategy_str(json_object_get(old, "spec"), "controller");
        const char *now = strategy_str(spec, "controller");
        if (strcmp(was, now) != 0) {
            add_str(fe, FIELD_INVALID, "spec.controller", now, "field is immutable");
        }
    }
}

const struct strategy strategy_net_node_table[] = {
    {"networking.k8s.io", "networkpolicies", networkpolicy_defaults, NULL, NULL,
     networkpolicy_validate},
    {"networking.k8s.io", "ingressclasses", ingressclass_defaults, NULL, NULL,
     ingressclass_validate},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
