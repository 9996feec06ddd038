/* Strategies of policy/v1 PodDisruptionBudgets, networking.k8s.io/v1 Ingresses, autoscaling/v2
 * HorizontalPodAutoscalers, coordination.k8s.io/v1 Leases, discovery.k8s.io/v1 EndpointSlices
 * and the rbac.authorization.k8s.io/v1 roles and bindings, with Kubernetes 1.32's defaults
 * (the groups' defaults.go) and validation (pkg/apis/<group>/validation). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "quantity.h"
#include "selector.h"
#include "strategy_apps_int.h"
#include "validate.h"
#include "xalloc.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"

static const char *str_of(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static bool is_set(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v != NULL && !json_is_null(v);
}

static bool is_status(const char *sub)
{
    return sub != NULL && strcmp(sub, "status") == 0;
}

/* Each message of a validate_* check as an Invalid error on a string value. */
static void add_messages(struct field_errors *fe, const char *path, const char *value,
                         struct validate_errs *errs)
{
    json_t *bad = json_string(value);
    for (size_t i = 0; i < errs->n; i++) {
        field_errors_add(fe, FIELD_INVALID, path, bad, errs->msg[i]);
    }
    json_decref(bad);
    validate_errs_free(errs);
}

static void check_string(const char *value, const char *path,
                         size_t (*check)(const char *, struct validate_errs *),
                         struct field_errors *fe)
{
    struct validate_errs errs = VALIDATE_ERRS_INIT;
    check(value, &errs);
    add_messages(fe, path, value, &errs);
}

static size_t path_segment(const char *value, struct validate_errs *errs)
{
    return validate_path_segment_name(value, false, errs);
}

static size_t dns_subdomain_name(const char *value, struct validate_errs *errs)
{
    return validate_name_dns_subdomain(value, false, errs);
}

static size_t dns1035_name(const char *value, struct validate_errs *errs)
{
    return validate_name_dns1035_label(value, false, errs);
}

/* ---- poddisruptionbudgets ---- */

void sapps_pdb_validate(const char *sub, const json_t *obj, const json_t *old,
                        struct field_errors *fe)
{
    (void)old;
    if (is_status(sub)) {
        const json_t *status = json_object_get(obj, "status");
        static const char *const keys[] = {"disruptionsAllowed", "currentHealthy", "desiredHealthy",
                                           "expectedPods", NULL};
        for (size_t i = 0; keys[i] != NULL; i++) {
            cleanup_free char *p = xasprintf("status.%s", keys[i]);
            sapps_nonnegative(status, keys[i], p, fe);
        }
        return;
    }
    const json_t *spec = json_object_get(obj, "spec");
    if (is_set(spec, "minAvailable") && is_set(spec, "maxUnavailable")) {
        field_errors_add(fe, FIELD_INVALID, "spec", spec,
                         "minAvailable and maxUnavailable cannot be both set");
    }
    sapps_int_or_percent(json_object_get(spec, "minAvailable"), "spec.minAvailable", fe);
    sapps_int_or_percent(json_object_get(spec, "maxUnavailable"), "spec.maxUnavailable", fe);
    if (is_set(spec, "selector")) {
        strategy_validate_label_selector(json_object_get(spec, "selector"), "spec.selector", fe);
    }
    const json_t *policy = json_object_get(spec, "unhealthyPodEvictionPolicy");
    const char *p = json_string_value(policy);
    if (p != NULL && p[0] != '\0' && strcmp(p, "AlwaysAllow") != 0 &&
        strcmp(p, "IfHealthyBudget") != 0) {
        field_errors_add(fe, FIELD_NOT_SUPPORTED, "spec.unhealthyPodEvictionPolicy", policy,
                         "\"AlwaysAllow\", \"IfHealthyBudget\"");
    }
}

/* ---- ingresses ---- */

static bool is_ip_address(const char *s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* A host as Ingress rules and TLS take it: DNS-1123 subdomain, or "*." and one. */
static void validate_host(const char *host, const char *path, struct field_errors *fe)
{
    if (strchr(host, '*') == NULL) {
        check_string(host, path, validate_dns1123_subdomain, fe);
        return;
    }
    struct validate_errs errs = VALIDATE_ERRS_INIT;
    if (strlen(host) > 253) {
        json_t *bad = json_string(host);
        field_errors_add(fe, FIELD_INVALID, path, bad, "must be no more than 253 characters");
        json_decref(bad);
    }
    if (strncmp(host, "*.", 2) != 0 || validate_dns1123_subdomain(host + 2, &errs) > 0) {
        json_t *bad = json_string(host);
        field_errors_add(
            fe, FIELD_INVALID, path, bad,
            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS "
            "subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and "
            "end with an alphanumeric character (e.g. '*.example.com', regex used for validation "
            "is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        json_decref(bad);
    }
    validate_errs_free(&errs);
}

static void validate_backend(const json_t *backend, const char *path, struct field_errors *fe)
{
    const json_t *resource = json_object_get(backend, "resource");
    const json_t *service = json_object_get(backend, "service");
    bool has_resource = json_is_object(resource);
    bool has_service = json_is_object(service);
    json_t *empty = json_string("");
    if (has_resource && has_service) {
        field_errors_add(fe, FIELD_INVALID, path, empty,
                         "cannot set both resource and service backends");
    } else if (has_resource) {
        const char *group = str_of(resource, "apiGroup");
        if (group[0] != '\0') {
            cleanup_free char *p = xasprintf("%s.resource.apiGroup", path);
            check_string(group, p, validate_dns1123_subdomain, fe);
        }
        cleanup_free char *pk = xasprintf("%s.resource.kind", path);
        cleanup_free char *pn = xasprintf("%s.resource.name", path);
        if (str_of(resource, "kind")[0] == '\0') {
            field_errors_add(fe, FIELD_REQUIRED, pk, NULL, "kind is required");
        }
        if (str_of(resource, "name")[0] == '\0') {
            field_errors_add(fe, FIELD_REQUIRED, pn, NULL, "name is required");
        }
    } else if (has_service) {
        const char *name = str_of(service, "name");
        cleanup_free char *pn = xasprintf("%s.service.name", path);
        if (name[0] == '\0') {
            field_errors_add(fe, FIELD_REQUIRED, pn, NULL, NULL);
        } else {
            check_string(name, pn, dns1035_name, fe);
        }
        const json_t *port = json_object_get(service, "port");
        const char *port_name = str_of(port, "name");
        const json_t *number = json_object_get(port, "number");
        bool has_number = json_is_integer(number) && json_integer_value(number) != 0;
        if (port_name[0] != '\0' && has_number) {
            field_errors_add(fe, FIELD_INVALID, path, empty,
                             "cannot set both port name & port number");
        } else if (port_name[0] != '\0') {
            cleanup_free char *p = xasprintf("%s.service.port.name", path);
            struct validate_errs errs = VALIDATE_ERRS_INIT;
            validate_port_name(port_name, &errs);
            add_messages(fe, p, port_name, &errs);
        } else if (has_number) {
            cleanup_free char *p = xasprintf("%s.service.port.number", path);
            struct validate_errs errs = VALIDATE_ERRS_INIT;
            validate_port_num(json_integer_value(number), &errs);
            for (size_t i = 0; i < errs.n; i++) {
                field_errors_add(fe, FIELD_INVALID, p, number, errs.msg[i]);
            }
            validate_errs_free(&errs);
        } else {
            field_errors_add(fe, FIELD_REQUIRED, path, NULL, "port name or number is required");
        }
    } else {
        field_errors_add(fe, FIELD_INVALID, path, empty, "resource or service backend is required");
    }
    json_decref(empty);
}

static void validate_ingress_path(const json_t *item, const char *path, struct field_errors *fe)
{
    cleanup_free char *type_path = xasprintf("%s.pathType", path);
    const json_t *type = json_object_get(item, "pathType");
    if (type == NULL || json_is_null(type)) {
        field_errors_add(fe, FIELD_REQUIRED, type_path, NULL, "pathType must be specified");
        return;
    }
    const char *t = str_of(item, "pathType");
    const json_t *value = json_object_get(item, "path");
    const char *p = str_of(item, "path");
    json_t *bad = json_string(p);
    cleanup_free char *path_path = xasprintf("%s.path", path);
    if (strcmp(t, "Exact") == 0 || strcmp(t, "Prefix") == 0) {
        if (p[0] != '/') {
            field_errors_add(fe, FIELD_INVALID, path_path, bad, "must be an absolute path");
        }
        static const char *const sequences[] = {"//", "/./", "/../", "%2f", "%2F", NULL};
        for (size_t i = 0; p[0] != '\0' && sequences[i] != NULL; i++) {
            if (strstr(p, sequences[i]) != NULL) {
                cleanup_free char *d = xasprintf("must not contain '%s'", sequences[i]);
                field_errors_add(fe, FIELD_INVALID, path_path, bad, d);
            }
        }
        static const char *const suffixes[] = {"/..", "/.", NULL};
        size_t n = strlen(p);
        for (size_t i = 0; suffixes[i] != NULL; i++) {
            size_t m = strlen(suffixes[i]);
            if (n >= m && strcmp(p + n - m, suffixes[i]) == 0) {
                cleanup_free char *d = xasprintf("cannot end with '%s'", suffixes[i]);
                field_errors_add(fe, FIELD_INVALID, path_path, bad, d);
            }
        }
    } else if (strcmp(t, "ImplementationSpecific") == 0) {
        if (p[0] != '\0' && p[0] != '/') {
            field_errors_add(fe, FIELD_INVALID, path_path, bad, "must be an absolute path");
        }
    } else {
        field_errors_add(fe, FIELD_NOT_SUPPORTED, type_path, type,
                         "\"Exact\", \"ImplementationSpecific\", \"Prefix\"");
    }
    (void)value;
    json_decref(bad);
    cleanup_free char *backend_path = xasprintf("%s.backend", path);
    validate_backend(json_object_get(item, "backend"), backend_path, fe);
}

void sapps_ingress_validate(const char *sub, const json_t *obj, const json_t *old,
                            struct field_errors *fe)
{
    (void)old;
    if (is_status(sub)) {
        return;
    }
    const json_t *spec = json_object_get(obj, "spec");
    const json_t *rules = json_object_get(spec, "rules");
    const json_t *default_backend = json_object_get(spec, "defaultBackend");
    if (json_array_size(rules) == 0 && !json_is_object(default_backend)) {
        sapps_add_raw(fe, FIELD_INVALID, "spec",
                      json_is_array(rules) ? "[]networking.IngressRule{}"
                                           : "[]networking.IngressRule(nil)",
                      "either `defaultBackend` or `rules` must be specified");
    }
    if (json_is_object(default_backend)) {
        validate_backend(default_backend, "spec.defaultBackend", fe);
    }
    size_t i;
    const json_t *rule;
    json_array_foreach (rules, i, rule) {
        const char *host = str_of(rule, "host");
        if (host[0] != '\0') {
            cleanup_free char *hp = xasprintf("spec.rules[%zu].host", i);
            if (is_ip_address(host)) {
                json_t *bad = json_string(host);
                field_errors_add(fe, FIELD_INVALID, hp, bad,
                                 "must be a DNS name, not an IP address");
                json_decref(bad);
            }
            validate_host(host, hp, fe);
        }
        const json_t *http = json_object_get(rule, "http");
        if (!json_is_object(http)) {
            continue;
        }
        const json_t *paths = json_object_get(http, "paths");
        if (json_array_size(paths) == 0) {
            cleanup_free char *pp = xasprintf("spec.rules[%zu].http.paths", i);
            field_errors_add(fe, FIELD_REQUIRED, pp, NULL, NULL);
        }
        size_t j;
        const json_t *item;
        json_array_foreach (paths, j, item) {
            cleanup_free char *ip = xasprintf("spec.rules[%zu].http.paths[%zu]", i, j);
            validate_ingress_path(item, ip, fe);
        }
    }
    const json_t *tls;
    json_array_foreach (json_object_get(spec, "tls"), i, tls) {
        size_t j;
        const json_t *host;
        json_array_foreach (json_object_get(tls, "hosts"), j, host) {
            cleanup_free char *hp = xasprintf("spec.tls[%zu].hosts[%zu]", i, j);
            validate_host(json_string_value(host) ? json_string_value(host) : "", hp, fe);
        }
        const char *secret = str_of(tls, "secretName");
        if (secret[0] != '\0') {
            cleanup_free char *sp = xasprintf("spec.tls[%zu].secretName", i);
            check_string(secret, sp, dns_subdomain_name, fe);
        }
    }
    const char *class_name = str_of(spec, "ingressClassName");
    if (class_name[0] != '\0') {
        check_string(class_name, "spec.ingressClassName", dns_subdomain_name, fe);
    }
}

/* ---- horizontalpodautoscalers ---- */

static json_t *scaling_policy(const char *type, int value, int period)
{
    return json_pack("{s:s,s:i,s:i}", "type", type, "value", value, "periodSeconds", period);
}

/* GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: fill what the user left out. */
static void default_scaling_rules(json_t *behavior, const char *key, bool up)
{
    json_t *rules = sapps_object(behavior, key);
    if (!is_set(rules, "policies")) {
        json_t *policies = json_array();
        if (up) {
            json_array_append_new(policies, scaling_policy("Pods", 4, 15));
        }
        json_array_append_new(policies, scaling_policy("Percent", 100, 15));
        json_object_set_new(rules, "policies", policies);
    }
    sapps_default_string(rules, "selectPolicy", "Max");
    sapps_default_int(rules, "stabilizationWindowSeconds", up ? 0 : 300);
}

void sapps_hpa_defaults(json_t *obj)
{
    json_t *spec = sapps_object(obj, "spec");
    sapps_default_int(spec, "minReplicas", 1);
    if (json_array_size(json_object_get(spec, "metrics")) == 0) {
        json_object_set_new(spec, "metrics",
                            json_pack("[{s:s,s:{s:s,s:{s:s,s:i}}}]", "type", "Resource", "resource",
                                      "name", "cpu", "target", "type", "Utilization",
                                      "averageUtilization", 80));
    }
    json_t *behavior = json_object_get(spec, "behavior");
    if (json_is_object(behavior)) {
        default_scaling_rules(behavior, "scaleUp", true);
        default_scaling_rules(behavior, "scaleDown", false);
    }
}

static void validate_quantity_positive(const json_t *target, const char *key, const char *path,
                                       struct field_errors *fe)
{
    const json_t *v = json_object_get(target, key);
    if (v == NULL || json_is_null(v)) {
        return;
    }
    struct quantity q;
    struct err e = {0};
    const char *s = json_string_value(v);
    char num[32];
    if (s == NULL && json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        s = num;
    }
    if (s == NULL || quantity_parse(s, &q, &e) != 0 || quantity_sign(&q) != 1) {
        cleanup_free char *p = xasprintf("%s.%s", path, key);
        json_t *bad = json_string(s ? s : "");
        field_errors_add(fe, FIELD_INVALID, p, bad, "must be positive");
        json_decref(bad);
    }
}

static void validate_metric_target(const json_t *target, const char *path, struct field_errors *fe)
{
    const json_t *type = json_object_get(target, "type");
    const char *t = str_of(target, "type");
    cleanup_free char *tp = xasprintf("%s.type", path);
    if (t[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, tp, NULL, "must specify a metric target type");
    }
    if (strcmp(t, "Utilization") != 0 && strcmp(t, "Value") != 0 &&
        strcmp(t, "AverageValue") != 0) {
        json_t *bad = json_string(t);
        field_errors_add(fe, FIELD_INVALID, tp, type ? bad : bad,
                         "must be either Utilization, Value, or AverageValue");
        json_decref(bad);
    }
    validate_quantity_positive(target, "value", path, fe);
    validate_quantity_positive(target, "averageValue", path, fe);
    const json_t *util = json_object_get(target, "averageUtilization");
    if (json_is_integer(util) && json_integer_value(util) < 1) {
        cleanup_free char *p = xasprintf("%s.averageUtilization", path);
        field_errors_add(fe, FIELD_INVALID, p, util, "must be greater than 0");
    }
}

static void validate_resource_source(const json_t *src, const char *path, struct field_errors *fe)
{
    if (str_of(src, "name")[0] == '\0') {
        cleanup_free char *p = xasprintf("%s.name", path);
        field_errors_add(fe, FIELD_REQUIRED, p, NULL, "must specify a resource name");
    }
    const json_t *target = json_object_get(src, "target");
    cleanup_free char *tp = xasprintf("%s.target", path);
    validate_metric_target(target, tp, fe);
    bool util = is_set(target, "averageUtilization");
    bool value = is_set(target, "averageValue");
    if (!util && !value) {
        cleanup_free char *p = xasprintf("%s.target.averageUtilization", path);
        field_errors_add(fe, FIELD_REQUIRED, p, NULL,
                         "must set either a target raw value or a target utilization");
    } else if (util && value) {
        cleanup_free char *p = xasprintf("%s.target.averageValue", path);
        field_errors_add(fe, FIELD_FORBIDDEN, p, NULL,
                         "may not set both a target raw value and a target utilization");
    }
}

/* Object, Pods and External sources: a metric name and a target. */
static void validate_named_source(const json_t *src, const char *path, struct field_errors *fe)
{
    if (str_of(json_object_get(src, "metric"), "name")[0] == '\0') {
        cleanup_free char *p = xasprintf("%s.metric.name", path);
        field_errors_add(fe, FIELD_REQUIRED, p, NULL, "must specify a metric name");
    }
    cleanup_free char *tp = xasprintf("%s.target", path);
    validate_metric_target(json_object_get(src, "target"), tp, fe);
}

static const struct {
    const char *type;
    const char *field;
} metric_sources[] = {
    {"Object", "object"},
    {"Pods", "pods"},
    {"Resource", "resource"},
    {"External", "external"},
    {"ContainerResource", "containerResource"},
};

static void validate_metric(const json_t *metric, const char *path, struct field_errors *fe)
{
    const json_t *type = json_object_get(metric, "type");
    const char *t = str_of(metric, "type");
    cleanup_free char *tp = xasprintf("%s.type", path);
    const char *expected = NULL;
    for (size_t i = 0; i < sizeof metric_sources / sizeof metric_sources[0]; i++) {
        if (strcmp(t, metric_sources[i].type) == 0) {
            expected = metric_sources[i].field;
        }
    }
    if (t[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, tp, NULL, "must specify a metric source type");
    } else if (expected == NULL) {
        field_errors_add(fe, FIELD_NOT_SUPPORTED, tp, type,
                         "\"Object\", \"Pods\", \"Resource\", \"External\", "
                         "\"ContainerResource\"");
    }
    size_t present = 0;
    for (size_t i = 0; i < sizeof metric_sources / sizeof metric_sources[0]; i++) {
        present += json_is_object(json_object_get(metric, metric_sources[i].field));
    }
    for (size_t i = 0; i < sizeof metric_sources / sizeof metric_sources[0]; i++) {
        const char *name = metric_sources[i].field;
        const json_t *src = json_object_get(metric, name);
        if (!json_is_object(src)) {
            continue;
        }
        cleanup_free char *sp = xasprintf("%s.%s", path, name);
        if (present > 1 && (expected == NULL || strcmp(name, expected) != 0)) {
            field_errors_add(fe, FIELD_FORBIDDEN, sp, NULL,
                             "must populate the given metric source only");
            continue;
        }
        if (strcmp(name, "resource") == 0 || strcmp(name, "containerResource") == 0) {
            validate_resource_source(src, sp, fe);
            if (strcmp(name, "containerResource") == 0 && str_of(src, "container")[0] == '\0') {
                cleanup_free char *cp = xasprintf("%s.container", sp);
                field_errors_add(fe, FIELD_REQUIRED, cp, NULL, "must specify a container");
            }
        } else {
            validate_named_source(src, sp, fe);
        }
    }
    if (expected != NULL && !json_is_object(json_object_get(metric, expected))) {
        cleanup_free char *sp = xasprintf("%s.%s", path, expected);
        field_errors_add(fe, FIELD_REQUIRED, sp, NULL,
                         "must populate information for the given metric source");
    }
}

static void validate_scaling_rules(const json_t *rules, const char *path, struct field_errors *fe)
{
    if (!json_is_object(rules)) {
        return;
    }
    const json_t *window = json_object_get(rules, "stabilizationWindowSeconds");
    cleanup_free char *wp = xasprintf("%s.stabilizationWindowSeconds", path);
    if (json_is_integer(window) && json_integer_value(window) < 0) {
        field_errors_add(fe, FIELD_INVALID, wp, window, "must be greater than or equal to zero");
    } else if (json_is_integer(window) && json_integer_value(window) > 3600) {
        field_errors_add(fe, FIELD_INVALID, wp, window, "must be less than or equal to 3600");
    }
    const json_t *select = json_object_get(rules, "selectPolicy");
    const char *s = json_string_value(select);
    if (s != NULL && strcmp(s, "Max") != 0 && strcmp(s, "Min") != 0 && strcmp(s, "Disabled") != 0) {
        cleanup_free char *sp = xasprintf("%s.selectPolicy", path);
        field_errors_add(fe, FIELD_NOT_SUPPORTED, sp, select, "\"Disabled\", \"Max\", \"Min\"");
    }
    const json_t *policies = json_object_get(rules, "policies");
    if (json_array_size(policies) == 0) {
        cleanup_free char *pp = xasprintf("%s.policies", path);
        field_errors_add(fe, FIELD_REQUIRED, pp, NULL, "must specify at least one Policy");
    }
    size_t i;
    const json_t *policy;
    json_array_foreach (policies, i, policy) {
        const json_t *type = json_object_get(policy, "type");
        const char *t = str_of(policy, "type");
        if (strcmp(t, "Pods") != 0 && strcmp(t, "Percent") != 0) {
            cleanup_free char *tp = xasprintf("%s.policies[%zu].type", path, i);
            field_errors_add(fe, FIELD_NOT_SUPPORTED, tp, type ? type : json_null(),
                             "\"Percent\", \"Pods\"");
        }
        const json_t *value = json_object_get(policy, "value");
        if (!json_is_integer(value) || json_integer_value(value) <= 0) {
            cleanup_free char *vp = xasprintf("%s.policies[%zu].value", path, i);
            field_errors_add(fe, FIELD_INVALID, vp, value ? value : json_null(),
                             "must be greater than zero");
        }
        const json_t *period = json_object_get(policy, "periodSeconds");
        cleanup_free char *pp = xasprintf("%s.policies[%zu].periodSeconds", path, i);
        if (!json_is_integer(period) || json_integer_value(period) <= 0) {
            field_errors_add(fe, FIELD_INVALID, pp, period ? period : json_null(),
                             "must be greater than zero");
        } else if (json_integer_value(period) > 1800) {
            field_errors_add(fe, FIELD_INVALID, pp, period, "must be less than or equal to 1800");
        }
    }
}

void sapps_hpa_validate(const char *sub, const json_t *obj, const json_t *old,
                        struct field_errors *fe)
{
    (void)old;
    if (is_status(sub)) {
        const json_t *status = json_object_get(obj, "status");
        sapps_nonnegative(status, "currentReplicas", "status.currentReplicas", fe);
        sapps_nonnegative(status, "desiredReplicas", "status.desiredReplicas", fe);
        return;
    }
    const json_t *spec = json_object_get(obj, "spec");
    const json_t *min = json_object_get(spec, "minReplicas");
    const json_t *max = json_object_get(spec, "maxReplicas");
    json_int_t max_value = json_integer_value(max);
    json_t *max_shown = json_integer(max_value);
    if (json_is_integer(min) && json_integer_value(min) < 1) {
        field_errors_add(fe, FIELD_INVALID, "spec.minReplicas", min,
                         "must be greater than or equal to 1");
    }
    if (max_value < 1) {
        field_errors_add(fe, FIELD_INVALID, "spec.maxReplicas", max_shown,
                         "must be greater than 0");
    }
    if (json_is_integer(min) && max_value < json_integer_value(min)) {
        field_errors_add(fe, FIELD_INVALID, "spec.maxReplicas", max_shown,
                         "must be greater than or equal to `minReplicas`");
    }
    json_decref(max_shown);
    size_t before = field_errors_count(fe);
    const json_t *ref = json_object_get(spec, "scaleTargetRef");
    const char *kind = str_of(ref, "kind");
    const char *name = str_of(ref, "name");
    if (kind[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "spec.scaleTargetRef.kind", NULL, NULL);
    } else {
        check_string(kind, "spec.scaleTargetRef.kind", path_segment, fe);
    }
    if (name[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "spec.scaleTargetRef.name", NULL, NULL);
    } else {
        check_string(name, "spec.scaleTargetRef.name", path_segment, fe);
    }
    /* Kubernetes reports the metrics only with a valid reference, the behavior only with
     * valid metrics. */
    if (field_errors_count(fe) > before) {
        return;
    }
    size_t i;
    const json_t *metric;
    json_array_foreach (json_object_get(spec, "metrics"), i, metric) {
        cleanup_free char *mp = xasprintf("spec.metrics[%zu]", i);
        validate_metric(metric, mp, fe);
    }
    if (field_errors_count(fe) > before) {
        return;
    }
    const json_t *behavior = json_object_get(spec, "behavior");
    validate_scaling_rules(json_object_get(behavior, "scaleUp"), "spec.behavior.scaleUp", fe);
    validate_scaling_rules(json_object_get(behavior, "scaleDown"), "spec.behavior.scaleDown", fe);
}

/* ---- leases ---- */

void sapps_lease_validate(const char *sub, const json_t *obj, const json_t *old,
                          struct field_errors *fe)
{
    (void)sub;
    (void)old;
    const json_t *spec = json_object_get(obj, "spec");
    const json_t *duration = json_object_get(spec, "leaseDurationSeconds");
    if (json_is_integer(duration) && json_integer_value(duration) <= 0) {
        field_errors_add(fe, FIELD_INVALID, "spec.leaseDurationSeconds", duration,
                         "must be greater than 0");
    }
    sapps_nonnegative(spec, "leaseTransitions", "spec.leaseTransitions", fe);
    const json_t *strategy = json_object_get(spec, "strategy");
    const char *s = json_string_value(strategy);
    if (s != NULL) {
        if (strchr(s, '/') != NULL) {
            check_string(s, "spec.strategy", validate_qualified_name, fe);
        } else if (strcmp(s, "OldestEmulationVersion") != 0) {
            field_errors_add(fe, FIELD_NOT_SUPPORTED, "spec.strategy", strategy,
                             "\"OldestEmulationVersion\"");
        }
    }
    if (str_of(spec, "preferredHolder")[0] != '\0' && (s == NULL || s[0] == '\0')) {
        field_errors_add(fe, FIELD_FORBIDDEN, "spec.preferredHolder", NULL,
                         "may only be specified if `strategy` is defined");
    }
}

/* ---- endpointslices ---- */

void sapps_endpointslice_defaults(json_t *obj)
{
    size_t i;
    json_t *port;
    json_array_foreach (json_object_get(obj, "ports"), i, port) {
        if (!json_is_object(port)) {
            continue;
        }
        if (!is_set(port, "name")) {
            json_object_set_new(port, "name", json_string(""));
        }
        if (!is_set(port, "protocol")) {
            json_object_set_new(port, "protocol", json_string("TCP"));
        }
    }
}

/* ValidateNonSpecialIP */
static const char *special_ip(int family, const unsigned char *a)
{
    if (family == AF_INET) {
        if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0) {
            return "may not be unspecified (0.0.0.0)";
        }
        if (a[0] == 127) {
            return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        }
        if (a[0] == 169 && a[1] == 254) {
            return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
        }
        if (a[0] == 224 && a[1] == 0 && a[2] == 0) {
            return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
        }
        return NULL;
    }
    static const unsigned char zero[16];
    if (memcmp(a, zero, 16) == 0) {
        return "may not be unspecified (::)";
    }
    if (memcmp(a, zero, 15) == 0 && a[15] == 1) {
        return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
    }
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) {
        return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
    }
    if (a[0] == 0xff && (a[1] & 0x0f) == 0x02) {
        return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
    }
    return NULL;
}

static void validate_endpoint_address(const char *type, const json_t *address, const char *path,
                                      struct field_errors *fe)
{
    const char *s = json_string_value(address);
    unsigned char buf[16];
    if (strcmp(type, "IPv4") == 0 || strcmp(type, "IPv6") == 0) {
        int family = strcmp(type, "IPv4") == 0 ? AF_INET : AF_INET6;
        if (s == NULL || inet_pton(family, s, buf) != 1) {
            field_errors_add(fe, FIELD_INVALID, path, address,
                             family == AF_INET ? "must be a valid IPv4 address"
                                               : "must be a valid IPv6 address");
            return;
        }
        const char *special = special_ip(family, buf);
        if (special != NULL) {
            field_errors_add(fe, FIELD_INVALID, path, address, special);
        }
    } else if (strcmp(type, "FQDN") == 0) {
        if (s == NULL || s[0] == '\0') {
            field_errors_add(fe, FIELD_REQUIRED, path, NULL, NULL);
            return;
        }
        size_t n = strlen(s);
        cleanup_free char *name = xstrndup(s, n > 0 && s[n - 1] == '.' ? n - 1 : n);
        struct validate_errs errs = VALIDATE_ERRS_INIT;
        validate_dns1123_subdomain(name, &errs);
        add_messages(fe, path, s, &errs);
        if (strchr(name, '.') == NULL) {
            field_errors_add(fe, FIELD_INVALID, path, address,
                             "should be a domain with at least two segments separated by dots");
        }
    }
}

void sapps_endpointslice_validate(const char *sub, const json_t *obj, const json_t *old,
                                  struct field_errors *fe)
{
    (void)sub;
    const json_t *address_type = json_object_get(obj, "addressType");
    const char *type = str_of(obj, "addressType");
    if (type[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "addressType", NULL, NULL);
    } else if (strcmp(type, "IPv4") != 0 && strcmp(type, "IPv6") != 0 &&
               strcmp(type, "FQDN") != 0) {
        field_errors_add(fe, FIELD_NOT_SUPPORTED, "addressType", address_type,
                         "\"FQDN\", \"IPv4\", \"IPv6\"");
    }
    size_t i;
    const json_t *endpoint;
    json_array_foreach (json_object_get(obj, "endpoints"), i, endpoint) {
        const json_t *addresses = json_object_get(endpoint, "addresses");
        cleanup_free char *ap = xasprintf("endpoints[%zu].addresses", i);
        if (json_array_size(addresses) == 0) {
            field_errors_add(fe, FIELD_REQUIRED, ap, NULL, "must contain at least 1 address");
        } else if (json_array_size(addresses) > 100) {
            cleanup_free char *d = xasprintf("must have at most 100 items");
            json_t *n = json_integer((json_int_t)json_array_size(addresses));
            field_errors_add(fe, FIELD_TOO_LONG, ap, n, d);
            json_decref(n);
        }
        size_t j;
        const json_t *address;
        json_array_foreach (addresses, j, address) {
            cleanup_free char *p = xasprintf("%s[%zu]", ap, j);
            validate_endpoint_address(type, address, p, fe);
        }
        const char *hostname = json_string_value(json_object_get(endpoint, "hostname"));
        if (hostname != NULL) {
            cleanup_free char *hp = xasprintf("endpoints[%zu].hostname", i);
            check_string(hostname, hp, validate_dns1123_label, fe);
        }
        const char *node = json_string_value(json_object_get(endpoint, "nodeName"));
        if (node != NULL) {
            cleanup_free char *np = xasprintf("endpoints[%zu].nodeName", i);
            check_string(node, np, dns_subdomain_name, fe);
        }
    }
    json_t *names = json_object();
    const json_t *port;
    json_array_foreach (json_object_get(obj, "ports"), i, port) {
        const json_t *name = json_object_get(port, "name");
        const char *n = json_string_value(name) ? json_string_value(name) : "";
        cleanup_free char *np = xasprintf("ports[%zu].name", i);
        if (n[0] != '\0') {
            check_string(n, np, validate_dns1123_label, fe);
        }
        if (json_object_get(names, n) != NULL) {
            json_t *bad = json_string(n);
            field_errors_add(fe, FIELD_DUPLICATE, np, bad, NULL);
            json_decref(bad);
        } else {
            json_object_set_new(names, n, json_true());
        }
        const json_t *protocol = json_object_get(port, "protocol");
        const char *pr = json_string_value(protocol);
        cleanup_free char *pp = xasprintf("ports[%zu].protocol", i);
        if (protocol == NULL || json_is_null(protocol)) {
            field_errors_add(fe, FIELD_REQUIRED, pp, NULL, NULL);
        } else if (pr == NULL ||
                   (strcmp(pr, "TCP") != 0 && strcmp(pr, "UDP") != 0 && strcmp(pr, "SCTP") != 0)) {
            field_errors_add(fe, FIELD_NOT_SUPPORTED, pp, protocol, "\"SCTP\", \"TCP\", \"UDP\"");
        }
    }
    json_decref(names);
    if (old != NULL) {
        sapps_immutable(address_type, json_object_get(old, "addressType"), "addressType", NULL, fe);
    }
}

/* ---- RBAC ---- */

static void validate_rules(const json_t *obj, bool namespaced, struct field_errors *fe)
{
    size_t i;
    const json_t *rule;
    json_array_foreach (json_object_get(obj, "rules"), i, rule) {
        cleanup_free char *base = xasprintf("rules[%zu]", i);
        if (json_array_size(json_object_get(rule, "verbs")) == 0) {
            cleanup_free char *p = xasprintf("%s.verbs", base);
            field_errors_add(fe, FIELD_REQUIRED, p, NULL, "verbs must contain at least one value");
        }
        const json_t *urls = json_object_get(rule, "nonResourceURLs");
        if (json_array_size(urls) > 0) {
            cleanup_free char *p = xasprintf("%s.nonResourceURLs", base);
            cleanup_free char *raw = sapps_go_string_slice(urls);
            if (namespaced) {
                sapps_add_raw(fe, FIELD_INVALID, p, raw,
                              "namespaced rules cannot apply to non-resource URLs");
            }
            if (json_array_size(json_object_get(rule, "apiGroups")) > 0 ||
                json_array_size(json_object_get(rule, "resources")) > 0 ||
                json_array_size(json_object_get(rule, "resourceNames")) > 0) {
                sapps_add_raw(fe, FIELD_INVALID, p, raw,
                              "rules cannot apply to both regular resources and non-resource "
                              "URLs");
            }
            continue;
        }
        if (json_array_size(json_object_get(rule, "apiGroups")) == 0) {
            cleanup_free char *p = xasprintf("%s.apiGroups", base);
            field_errors_add(fe, FIELD_REQUIRED, p, NULL,
                             "resource rules must supply at least one api group");
        }
        if (json_array_size(json_object_get(rule, "resources")) == 0) {
            cleanup_free char *p = xasprintf("%s.resources", base);
            field_errors_add(fe, FIELD_REQUIRED, p, NULL,
                             "resource rules must supply at least one resource");
        }
    }
}

void sapps_role_validate(const char *sub, const json_t *obj, const json_t *old,
                         struct field_errors *fe)
{
    (void)sub;
    (void)old;
    validate_rules(obj, true, fe);
}

void sapps_clusterrole_validate(const char *sub, const json_t *obj, const json_t *old,
                                struct field_errors *fe)
{
    (void)sub;
    (void)old;
    validate_rules(obj, false, fe);
    const json_t *aggregation = json_object_get(obj, "aggregationRule");
    if (!json_is_object(aggregation)) {
        return;
    }
    const json_t *selectors = json_object_get(aggregation, "clusterRoleSelectors");
    if (json_array_size(selectors) == 0) {
        field_errors_add(fe, FIELD_REQUIRED, "aggregationRule.clusterRoleSelectors", NULL,
                         "at least one clusterRoleSelector required if aggregationRule is "
                         "non-nil");
    }
    size_t i;
    const json_t *sel;
    json_array_foreach (selectors, i, sel) {
        cleanup_free char *p = xasprintf("aggregationRule.clusterRoleSelectors[%zu]", i);
        strategy_validate_label_selector(sel, p, fe);
    }
}

void sapps_binding_defaults(json_t *obj)
{
    json_t *ref = json_object_get(obj, "roleRef");
    if (json_is_object(ref)) {
        sapps_default_string(ref, "apiGroup", RBAC_GROUP);
    }
    size_t i;
    json_t *subject;
    json_array_foreach (json_object_get(obj, "subjects"), i, subject) {
        if (!json_is_object(subject) || str_of(subject, "apiGroup")[0] != '\0') {
            continue;
        }
        const char *kind = str_of(subject, "kind");
        if (strcmp(kind, "ServiceAccount") == 0) {
            json_object_set_new(subject, "apiGroup", json_string(""));
        } else if (strcmp(kind, "User") == 0 || strcmp(kind, "Group") == 0) {
            json_object_set_new(subject, "apiGroup", json_string(RBAC_GROUP));
        }
    }
}

static void validate_subject(const json_t *subject, bool namespaced, const char *path,
                             struct field_errors *fe)
{
    const char *name = str_of(subject, "name");
    const char *kind = str_of(subject, "kind");
    const json_t *group = json_object_get(subject, "apiGroup");
    const char *g = str_of(subject, "apiGroup");
    cleanup_free char *np = xasprintf("%s.name", path);
    cleanup_free char *gp = xasprintf("%s.apiGroup", path);
    if (name[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, np, NULL, NULL);
    }
    json_t *shown_group = json_string(g);
    if (strcmp(kind, "ServiceAccount") == 0) {
        if (name[0] != '\0') {
            check_string(name, np, dns_subdomain_name, fe);
        }
        if (g[0] != '\0') {
            field_errors_add(fe, FIELD_NOT_SUPPORTED, gp, shown_group, "\"\"");
        }
        if (!namespaced && str_of(subject, "namespace")[0] == '\0') {
            cleanup_free char *p = xasprintf("%s.namespace", path);
            field_errors_add(fe, FIELD_REQUIRED, p, NULL, NULL);
        }
    } else if (strcmp(kind, "User") == 0 || strcmp(kind, "Group") == 0) {
        if (strcmp(g, RBAC_GROUP) != 0) {
            field_errors_add(fe, FIELD_NOT_SUPPORTED, gp, shown_group, "\"" RBAC_GROUP "\"");
        }
    } else {
        cleanup_free char *kp = xasprintf("%s.kind", path);
        json_t *bad = json_string(kind);
        field_errors_add(fe, FIELD_NOT_SUPPORTED, kp, bad,
                         "\"ServiceAccount\", \"User\", \"Group\"");
        json_decref(bad);
    }
    (void)group;
    json_decref(shown_group);
}

static char *go_role_ref(const json_t *ref)
{
    cleanup_free char *g = validate_quote(str_of(ref, "apiGroup"));
    cleanup_free char *k = validate_quote(str_of(ref, "kind"));
    cleanup_free char *n = validate_quote(str_of(ref, "name"));
    return xasprintf("rbac.RoleRef{APIGroup:%s, Kind:%s, Name:%s}", g, k, n);
}

static void validate_binding(const json_t *obj, const json_t *old, bool namespaced,
                             struct field_errors *fe)
{
    const json_t *ref = json_object_get(obj, "roleRef");
    const char *group = str_of(ref, "apiGroup");
    if (strcmp(group, RBAC_GROUP) != 0) {
        json_t *bad = json_string(group);
        field_errors_add(fe, FIELD_NOT_SUPPORTED, "roleRef.apiGroup", bad, "\"" RBAC_GROUP "\"");
        json_decref(bad);
    }
    const char *kind = str_of(ref, "kind");
    bool kind_ok = strcmp(kind, "ClusterRole") == 0 || (namespaced && strcmp(kind, "Role") == 0);
    if (!kind_ok) {
        json_t *bad = json_string(kind);
        field_errors_add(fe, FIELD_NOT_SUPPORTED, "roleRef.kind", bad,
                         namespaced ? "\"Role\", \"ClusterRole\"" : "\"ClusterRole\"");
        json_decref(bad);
    }
    const char *name = str_of(ref, "name");
    if (name[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "roleRef.name", NULL, NULL);
    } else {
        check_string(name, "roleRef.name", path_segment, fe);
    }
    size_t i;
    const json_t *subject;
    json_array_foreach (json_object_get(obj, "subjects"), i, subject) {
        cleanup_free char *p = xasprintf("subjects[%zu]", i);
        validate_subject(subject, namespaced, p, fe);
    }
    if (old == NULL) {
        return;
    }
    const json_t *old_ref = json_object_get(old, "roleRef");
    if (strcmp(str_of(old_ref, "apiGroup"), group) != 0 ||
        strcmp(str_of(old_ref, "kind"), kind) != 0 || strcmp(str_of(old_ref, "name"), name) != 0) {
        cleanup_free char *raw = go_role_ref(ref);
        sapps_add_raw(fe, FIELD_INVALID, "roleRef", raw, "cannot change roleRef");
    }
}

void sapps_rolebinding_validate(const char *sub, const json_t *obj, const json_t *old,
                                struct field_errors *fe)
{
    (void)sub;
    validate_binding(obj, old, true, fe);
}

void sapps_clusterrolebinding_validate(const char *sub, const json_t *obj, const json_t *old,
                                       struct field_errors *fe)
{
    (void)sub;
    validate_binding(obj, old, false, fe);
}
