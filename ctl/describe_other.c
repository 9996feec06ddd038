/* kubectl's describers for the objects around pods (services with their endpoint slices,
 * endpoints, endpoint slices, ingresses), namespaces with their quotas and limit ranges,
 * configuration (config maps, secrets: sizes only, service accounts with their token
 * secrets), RBAC roles and bindings, and the generic describer every other kind gets
 * (k8s.io/kubectl/pkg/describe, 1.32). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "cleanup.h"
#include "describe.h"
#include "printers.h"
#include "xalloc.h"

static void describe_header(FILE *w, const json_t *meta, bool with_namespace)
{
    fprintf(w, "Name:\t%s\n", dstr(meta, "name"));
    if (with_namespace) {
        fprintf(w, "Namespace:\t%s\n", dstr(meta, "namespace"));
    }
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
}

/* ---- services, endpoints, endpoint slices, ingresses ---- */

/* The endpoint slices of a service (kubernetes.io/service-name=name); an empty array when the
 * list fails. New reference. */
static json_t *service_slices(struct describe *d, const char *ns, const char *name)
{
    cleanup_free char *collection =
        xasprintf("/apis/discovery.k8s.io/v1/namespaces/%s/endpointslices", ns);
    cleanup_free char *selector = xasprintf("kubernetes.io/service-name=%s", name);
    json_t *items = describe_list(d, collection, selector, NULL);
    return items ? items : json_array();
}

static void host_port(FILE *f, const char *addr, long long port)
{
    bool v6 = strchr(addr, ':') != NULL;
    fprintf(f, "%s%s%s:%lld", v6 ? "[" : "", addr, v6 ? "]" : "", port);
}

/* formatEndpointSlices for the slices' ports named port_name. Owned. */
static char *format_endpoint_slices(const json_t *slices, const char *port_name)
{
    if (json_array_size(slices) == 0) {
        return xstrdup("<none>");
    }
    enum { MAX_SHOWN = 3 };
    char *buf = NULL;
    size_t size = 0, listed = 0, count = 0;
    bool more = false;
    FILE *f = open_memstream(&buf, &size);
    size_t i, j, k;
    json_t *slice, *port, *ep;
    json_array_foreach (slices, i, slice) {
        const json_t *ports = json_object_get(slice, "ports");
        const json_t *endpoints = json_object_get(slice, "endpoints");
        for (j = 0; j < (json_array_size(ports) ? json_array_size(ports) : 1); j++) {
            port = json_array_get(ports, j);
            if (port != NULL && strcmp(dstr(port, "name"), port_name) != 0) {
                continue;
            }
            json_array_foreach (endpoints, k, ep) {
                if (listed == MAX_SHOWN) {
                    more = true;
                }
                const json_t *ready = dget(ep, "conditions", "ready", NULL);
                if (ready != NULL && !json_is_true(ready)) {
                    continue;
                }
                if (!more) {
                    const char *addr =
                        json_string_value(json_array_get(json_object_get(ep, "addresses"), 0));
                    fputs(listed++ ? "," : "", f);
                    if (port != NULL) {
                        host_port(f, addr ? addr : "", dint(port, "port"));
                    } else {
                        fputs(addr ? addr : "", f);
                    }
                }
                count++;
            }
        }
    }
    if (more) {
        fprintf(f, " + %zu more...", count - MAX_SHOWN);
    }
    fclose(f);
    return buf;
}

int describe_service(struct describe *d)
{
    FILE *w = d->w;
    const json_t *svc = d->obj, *meta = json_object_get(svc, "metadata");
    const json_t *spec = json_object_get(svc, "spec");
    cleanup_json json_t *slices = service_slices(d, dstr(meta, "namespace"), dstr(meta, "name"));
    describe_header(w, meta, true);
    cleanup_free char *selector = printers_labels(json_object_get(spec, "selector"));
    fprintf(w, "Selector:\t%s\nType:\t%s\n", selector, dstr(spec, "type"));
    if (json_object_get(spec, "ipFamilyPolicy") != NULL) {
        fprintf(w, "IP Family Policy:\t%s\n", dstr(spec, "ipFamilyPolicy"));
    }
    cleanup_free char *families = join_strings(json_object_get(spec, "ipFamilies"), ",");
    cleanup_free char *ips = join_strings(json_object_get(spec, "clusterIPs"), ",");
    fprintf(w, "IP Families:\t%s\nIP:\t%s\nIPs:\t%s\n", *families ? families : "<none>",
            dstr(spec, "clusterIP"), *ips ? ips : "<none>");
    if (json_array_size(json_object_get(spec, "externalIPs")) > 0) {
        cleanup_free char *ext = join_strings(json_object_get(spec, "externalIPs"), ",");
        fprintf(w, "External IPs:\t%s\n", ext);
    }
    if (*dstr(spec, "loadBalancerIP")) {
        fprintf(w, "Desired LoadBalancer IP:\t%s\n", dstr(spec, "loadBalancerIP"));
    }
    if (*dstr(spec, "externalName")) {
        fprintf(w, "External Name:\t%s\n", dstr(spec, "externalName"));
    }
    const json_t *ingress = dget(svc, "status", "loadBalancer", "ingress", NULL);
    size_t i;
    json_t *x;
    if (json_array_size(ingress) > 0) {
        fputs("LoadBalancer Ingress:\t", w);
        json_array_foreach (ingress, i, x) {
            fputs(i ? ", " : "", w);
            if (*dstr(x, "ip")) {
                fputs(dstr(x, "ip"), w);
                if (json_object_get(x, "ipMode") != NULL) {
                    fprintf(w, " (%s)", dstr(x, "ipMode"));
                }
            } else {
                fputs(dstr(x, "hostname"), w);
            }
        }
        fputc('\n', w);
    }
    json_array_foreach (json_object_get(spec, "ports"), i, x) {
        const char *name = *dstr(x, "name") ? dstr(x, "name") : "<unset>";
        const char *proto = dstr(x, "protocol");
        fprintf(w, "Port:\t%s\t%lld/%s\n", name, dint(x, "port"), proto);
        cleanup_free char *target = printers_cell(json_object_get(x, "targetPort"));
        fprintf(w, "TargetPort:\t%s/%s\n", target, proto);
        if (dint(x, "nodePort") != 0) {
            fprintf(w, "NodePort:\t%s\t%lld/%s\n", name, dint(x, "nodePort"), proto);
        }
        cleanup_free char *endpoints = format_endpoint_slices(slices, dstr(x, "name"));
        fprintf(w, "Endpoints:\t%s\n", endpoints);
    }
    fprintf(w, "Session Affinity:\t%s\n", dstr(spec, "sessionAffinity"));
    if (*dstr(spec, "externalTrafficPolicy")) {
        fprintf(w, "External Traffic Policy:\t%s\n", dstr(spec, "externalTrafficPolicy"));
    }
    if (json_object_get(spec, "internalTrafficPolicy") != NULL) {
        fprintf(w, "Internal Traffic Policy:\t%s\n", dstr(spec, "internalTrafficPolicy"));
    }
    if (dint(spec, "healthCheckNodePort") != 0) {
        fprintf(w, "HealthCheck NodePort:\t%lld\n", dint(spec, "healthCheckNodePort"));
    }
    if (json_array_size(json_object_get(spec, "loadBalancerSourceRanges")) > 0) {
        cleanup_free char *ranges =
            join_strings(json_object_get(spec, "loadBalancerSourceRanges"), ",");
        fprintf(w, "LoadBalancer Source Ranges:\t%s\n", ranges);
    }
    describe_events(d, "Service");
    return 0;
}

/* The IPs of an Endpoints subset's address list joined by ",", or "<none>". Owned. */
static char *endpoint_ips(const json_t *addresses)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    size_t i;
    json_t *a;
    json_array_foreach (addresses, i, a) {
        fprintf(f, "%s%s", i ? "," : "", dstr(a, "ip"));
    }
    fclose(f);
    if (*buf == '\0') {
        free(buf);
        buf = xstrdup("<none>");
    }
    return buf;
}

int describe_endpoints(struct describe *d)
{
    FILE *w = d->w;
    describe_header(w, json_object_get(d->obj, "metadata"), true);
    fputs("Subsets:\n", w);
    size_t i, j;
    json_t *subset, *p;
    json_array_foreach (json_object_get(d->obj, "subsets"), i, subset) {
        cleanup_free char *ready = endpoint_ips(json_object_get(subset, "addresses"));
        cleanup_free char *not_ready = endpoint_ips(json_object_get(subset, "notReadyAddresses"));
        fprintf(w, "  Addresses:\t%s\n  NotReadyAddresses:\t%s\n", ready, not_ready);
        const json_t *ports = json_object_get(subset, "ports");
        if (json_array_size(ports) > 0) {
            fputs("  Ports:\n    Name\tPort\tProtocol\n    ----\t----\t--------\n", w);
        }
        json_array_foreach (ports, j, p) {
            fprintf(w, "    %s\t%lld\t%s\n", *dstr(p, "name") ? dstr(p, "name") : "<unset>",
                    dint(p, "port"), dstr(p, "protocol"));
        }
        fputc('\n', w);
    }
    describe_events(d, "Endpoints");
    return 0;
}

static const char *unset_or(const json_t *obj, const char *key)
{
    return json_object_get(obj, key) ? dstr(obj, key) : "<unset>";
}

int describe_endpointslice(struct describe *d)
{
    FILE *w = d->w;
    const json_t *eps = d->obj;
    describe_header(w, json_object_get(eps, "metadata"), true);
    fprintf(w, "AddressType:\t%s\n", dstr(eps, "addressType"));
    const json_t *ports = json_object_get(eps, "ports");
    size_t i;
    json_t *x;
    if (json_array_size(ports) == 0) {
        fputs("Ports: <unset>\n", w);
    } else {
        fputs("Ports:\n  Name\tPort\tProtocol\n  ----\t----\t--------\n", w);
    }
    json_array_foreach (ports, i, x) {
        char port[32] = "<unset>";
        if (json_object_get(x, "port") != NULL) {
            snprintf(port, sizeof port, "%lld", dint(x, "port"));
        }
        fprintf(w, "  %s\t%s\t%s\n", *dstr(x, "name") ? dstr(x, "name") : "<unset>", port,
                dstr(x, "protocol"));
    }
    const json_t *endpoints = json_object_get(eps, "endpoints");
    fputs(json_array_size(endpoints) ? "Endpoints:\n" : "Endpoints: <none>\n", w);
    json_array_foreach (endpoints, i, x) {
        cleanup_free char *addresses = join_strings(json_object_get(x, "addresses"), ", ");
        const json_t *ready = dget(x, "conditions", "ready", NULL);
        fprintf(w, "  - Addresses:\t%s\n    Conditions:\n      Ready:\t%s\n    Hostname:\t%s\n",
                *addresses ? addresses : "<none>",
                ready == NULL         ? "<unset>"
                : json_is_true(ready) ? "true"
                                      : "false",
                unset_or(x, "hostname"));
        const json_t *ref = json_object_get(x, "targetRef");
        if (ref != NULL) {
            fprintf(w, "    TargetRef:\t%s/%s\n", dstr(ref, "kind"), dstr(ref, "name"));
        }
        fprintf(w, "    NodeName:\t%s\n    Zone:\t%s\n", unset_or(x, "nodeName"),
                unset_or(x, "zone"));
    }
    describe_events(d, "EndpointSlice");
    return 0;
}

/* describeBackendV1. Owned. */
static char *ingress_backend(struct describe *d, const char *ns, const json_t *backend)
{
    const json_t *svc = json_object_get(backend, "service");
    if (svc != NULL) {
        const json_t *port = json_object_get(svc, "port");
        cleanup_free char *label =
            dint(port, "number") != 0
                ? xasprintf("%s:%lld", dstr(svc, "name"), dint(port, "number"))
                : xasprintf("%s:%s", dstr(svc, "name"), dstr(port, "name"));
        cleanup_json json_t *slices = NULL;
        cleanup_free char *collection =
            xasprintf("/apis/discovery.k8s.io/v1/namespaces/%s/endpointslices", ns);
        cleanup_free char *selector = xasprintf("kubernetes.io/service-name=%s", dstr(svc, "name"));
        slices = describe_list(d, collection, selector, NULL);
        cleanup_free char *path =
            xasprintf("/api/v1/namespaces/%s/services/%s", ns, dstr(svc, "name"));
        cleanup_free char *message = NULL;
        cleanup_json json_t *service = slices ? describe_get(d, path, NULL, &message) : NULL;
        if (service == NULL) {
            return xasprintf("%s (<error: %s>)", label, message ? message : "");
        }
        const char *port_name = "";
        size_t i;
        json_t *sp;
        json_array_foreach (dget(service, "spec", "ports", NULL), i, sp) {
            if ((dint(port, "number") != 0 && dint(port, "number") == dint(sp, "port")) ||
                (*dstr(port, "name") && strcmp(dstr(port, "name"), dstr(sp, "name")) == 0)) {
                port_name = dstr(sp, "name");
            }
        }
        cleanup_free char *endpoints = format_endpoint_slices(slices, port_name);
        return xasprintf("%s (%s)", label, endpoints);
    }
    const json_t *res = json_object_get(backend, "resource");
    if (res != NULL) {
        return xasprintf("APIGroup: %s, Kind: %s, Name: %s",
                         json_object_get(res, "apiGroup") ? dstr(res, "apiGroup") : "<none>",
                         dstr(res, "kind"), dstr(res, "name"));
    }
    return xstrdup("");
}

int describe_ingress(struct describe *d)
{
    FILE *w = d->w;
    const json_t *ing = d->obj, *meta = json_object_get(ing, "metadata");
    const json_t *spec = json_object_get(ing, "spec");
    const char *ns = dstr(meta, "namespace");
    fprintf(w, "Name:\t%s\n", dstr(meta, "name"));
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    cleanup_json json_t *addresses = json_object();
    size_t i, j;
    json_t *x, *p;
    json_array_foreach (dget(ing, "status", "loadBalancer", "ingress", NULL), i, x) {
        const char *a = *dstr(x, "ip") ? dstr(x, "ip") : dstr(x, "hostname");
        if (*a) {
            json_object_set_new(addresses, a, json_true());
        }
    }
    size_t n;
    const char **keys = sorted_keys(addresses, &n);
    fprintf(w, "Namespace:\t%s\nAddress:\t", ns);
    for (size_t k = 0; k < n; k++) {
        fprintf(w, "%s%s", k ? "," : "", keys[k]);
    }
    free(keys);
    fprintf(w, "\nIngress Class:\t%s\n",
            json_object_get(spec, "ingressClassName") ? dstr(spec, "ingressClassName") : "<none>");
    const json_t *def = json_object_get(spec, "defaultBackend");
    cleanup_free char *def_text = def ? ingress_backend(d, ns, def) : xstrdup("<default>");
    fprintf(w, "Default backend:\t%s\n", def_text);
    const json_t *tls = json_object_get(spec, "tls");
    if (json_array_size(tls) > 0) {
        fputs("TLS:\n", w);
    }
    json_array_foreach (tls, i, x) {
        cleanup_free char *hosts = join_strings(json_object_get(x, "hosts"), ",");
        if (*dstr(x, "secretName")) {
            fprintf(w, "  %s terminates %s\n", dstr(x, "secretName"), hosts);
        } else {
            fprintf(w, "  SNI routes %s\n", hosts);
        }
    }
    fputs("Rules:\n  Host\tPath\tBackends\n  ----\t----\t--------\n", w);
    size_t with_http = 0;
    json_array_foreach (json_object_get(spec, "rules"), i, x) {
        const json_t *http = json_object_get(x, "http");
        if (http == NULL) {
            continue;
        }
        with_http++;
        fprintf(w, "  %s\t\n", *dstr(x, "host") ? dstr(x, "host") : "*");
        json_array_foreach (json_object_get(http, "paths"), j, p) {
            cleanup_free char *backend = ingress_backend(d, ns, json_object_get(p, "backend"));
            fprintf(w, "    \t%s \t%s\n", dstr(p, "path"), backend);
        }
    }
    if (with_http == 0) {
        fprintf(w, "  *\t*\t%s\n", def_text);
    }
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    describe_events(d, "Ingress");
    return 0;
}

/* ---- namespaces, quotas, limit ranges ---- */

static const char *quota_scope_help(const char *scope)
{
    if (strcmp(scope, "Terminating") == 0) {
        return "Matches all pods that have an active deadline. These pods have a limited "
               "lifespan on a node before being actively terminated by the system.";
    }
    if (strcmp(scope, "NotTerminating") == 0) {
        return "Matches all pods that do not have an active deadline. These pods usually "
               "include long running pods whose container command is not expected to "
               "terminate.";
    }
    if (strcmp(scope, "BestEffort") == 0) {
        return "Matches all pods that do not have resource requirements set. These pods have a "
               "best effort quality of service.";
    }
    if (strcmp(scope, "NotBestEffort") == 0) {
        return "Matches all pods that have at least one resource requirement set. These pods "
               "have a burstable or guaranteed quality of service.";
    }
    return "";
}

/* The Scopes line and help of a quota; indent "" (quota) or "  " (namespace). */
static void quota_scopes(FILE *w, const json_t *quota, const char *indent, const char *bullet)
{
    const json_t *scopes = dget(quota, "spec", "scopes", NULL);
    size_t n = json_array_size(scopes);
    if (n == 0) {
        return;
    }
    const char **sorted = xmalloc(n * sizeof *sorted);
    for (size_t i = 0; i < n; i++) {
        sorted[i] = json_string_value(json_array_get(scopes, i));
        sorted[i] = sorted[i] ? sorted[i] : "";
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t k = i; k > 0 && strcmp(sorted[k - 1], sorted[k]) > 0; k--) {
            const char *t = sorted[k];
            sorted[k] = sorted[k - 1];
            sorted[k - 1] = t;
        }
    }
    fprintf(w, "%sScopes:\t", indent);
    for (size_t i = 0; i < n; i++) {
        fprintf(w, "%s%s", i ? ", " : "", sorted[i]);
    }
    fputc('\n', w);
    for (size_t i = 0; i < n; i++) {
        if (*quota_scope_help(sorted[i])) {
            fprintf(w, "%s%s%s\n", indent, bullet, quota_scope_help(sorted[i]));
        }
    }
    free(sorted);
}

/* The Resource/Used/Hard rows; same_format converts used to hard's format (describeQuota). */
static void quota_rows(FILE *w, const json_t *quota, const char *indent, bool same_format)
{
    const json_t *hard = dget(quota, "status", "hard", NULL);
    const json_t *used = dget(quota, "status", "used", NULL);
    size_t n;
    const char **keys = sorted_keys(hard, &n);
    for (size_t i = 0; i < n; i++) {
        struct quantity h = QUANTITY_ZERO, u = QUANTITY_ZERO;
        struct err e = {0};
        char hs[QUANTITY_STR_MAX], us[QUANTITY_STR_MAX];
        quantity_text(json_object_get(hard, keys[i]), hs);
        quantity_text(json_object_get(used, keys[i]), us);
        if (same_format && quantity_from_json(json_object_get(hard, keys[i]), &h, &e) == 0 &&
            (json_object_get(used, keys[i]) == NULL ||
             quantity_from_json(json_object_get(used, keys[i]), &u, &e) == 0) &&
            u.format != h.format) {
            quantity_init_scaled(&u, quantity_value(&u), 0, h.format);
            quantity_format(&u, us);
        }
        fprintf(w, "%s%s\t%s\t%s\n", indent, keys[i], us, hs);
    }
    free(keys);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(dstr(dget(*(const json_t *const *)a, "metadata", NULL), "name"),
                  dstr(dget(*(const json_t *const *)b, "metadata", NULL), "name"));
}

/* describeLimitRangeSpec; the resources of an item in sorted order (kubectl: map order). */
static void limit_range_rows(FILE *w, const json_t *lr, const char *prefix)
{
    static const char *const columns[] = {"min", "max", "defaultRequest", "default",
                                          "maxLimitRequestRatio"};
    size_t i;
    json_t *item;
    json_array_foreach (dget(lr, "spec", "limits", NULL), i, item) {
        cleanup_json json_t *names = json_object();
        for (size_t c = 0; c < 5; c++) {
            json_object_update(names, json_object_get(item, columns[c]));
        }
        size_t n;
        const char **keys = sorted_keys(names, &n);
        for (size_t k = 0; k < n; k++) {
            fprintf(w, "%s%s\t%s", prefix, dstr(item, "type"), keys[k]);
            for (size_t c = 0; c < 5; c++) {
                const json_t *v = dget(item, columns[c], keys[k], NULL);
                char q[QUANTITY_STR_MAX];
                fprintf(w, "\t%s", v ? quantity_text(v, q) : "-");
            }
            fputc('\n', w);
        }
        free(keys);
    }
}

int describe_namespace(struct describe *d)
{
    FILE *w = d->w;
    const json_t *ns = d->obj, *meta = json_object_get(ns, "metadata");
    const char *name = dstr(meta, "name");
    cleanup_json json_t *quotas = NULL, *limits = NULL;
    json_t **lists[2] = {&quotas, &limits};
    const char *resources[2] = {"resourcequotas", "limitranges"};
    for (int l = 0; l < 2; l++) {
        cleanup_free char *path =
            xasprintf("/api/v1/namespaces/%s/%s?limit=500", name, resources[l]);
        int status = 0;
        cleanup_free char *message = NULL;
        cleanup_json json_t *list = describe_get(d, path, &status, &message);
        if (list == NULL && status != 404) {
            return ctl_error(d->c, "%s", message ? message : "");
        }
        *lists[l] = list ? json_incref(json_object_get(list, "items")) : NULL;
    }
    fprintf(w, "Name:\t%s\n", name);
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    fprintf(w, "Status:\t%s\n", dstr(json_object_get(ns, "status"), "phase"));
    const json_t *conditions = dget(ns, "status", "conditions", NULL);
    size_t i;
    json_t *x;
    if (json_array_size(conditions) > 0) {
        fputs("Conditions:\n  Type\tStatus\tLastTransitionTime\tReason\tMessage\n"
              "  ----\t------\t------------------\t------\t-------\n",
              w);
        json_array_foreach (conditions, i, x) {
            char tr[64];
            rfc1123z(dstr(x, "lastTransitionTime"), tr, sizeof tr, true);
            fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", dstr(x, "type"), dstr(x, "status"), tr,
                    dstr(x, "reason"), dstr(x, "message"));
        }
    }
    if (quotas != NULL) {
        size_t n = json_array_size(quotas);
        fputs(n ? "\nResource Quotas\n" : "\nNo resource quota.\n", w);
        const json_t **sorted = xmalloc((n ? n : 1) * sizeof *sorted);
        for (i = 0; i < n; i++) {
            sorted[i] = json_array_get(quotas, i);
        }
        qsort(sorted, n, sizeof *sorted, compare_names);
        for (i = 0; i < n; i++) {
            fprintf(w, "  Name:\t%s\n", dstr(json_object_get(sorted[i], "metadata"), "name"));
            quota_scopes(w, sorted[i], "  ", "* ");
            fputs("  Resource\tUsed\tHard\n  --------\t---\t---\n", w);
            quota_rows(w, sorted[i], "  ", false);
        }
        free(sorted);
    }
    if (limits != NULL) {
        if (json_array_size(limits) == 0) {
            fputs("\nNo LimitRange resource.\n", w);
        } else {
            fputs("\nResource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault "
                  "Limit\tMax Limit/Request Ratio\n ----\t--------\t---\t---\t---------------\t"
                  "-------------\t-----------------------\n",
                  w);
        }
        json_array_foreach (limits, i, x) {
            limit_range_rows(w, x, " ");
        }
    }
    return 0;
}

int describe_quota(struct describe *d)
{
    FILE *w = d->w;
    const json_t *meta = json_object_get(d->obj, "metadata");
    fprintf(w, "Name:\t%s\nNamespace:\t%s\n", dstr(meta, "name"), dstr(meta, "namespace"));
    quota_scopes(w, d->obj, "", " * ");
    fputs("Resource\tUsed\tHard\n--------\t----\t----\n", w);
    quota_rows(w, d->obj, "", true);
    return 0;
}

int describe_limitrange(struct describe *d)
{
    FILE *w = d->w;
    const json_t *meta = json_object_get(d->obj, "metadata");
    fprintf(w, "Name:\t%s\nNamespace:\t%s\n", dstr(meta, "name"), dstr(meta, "namespace"));
    fputs("Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n"
          "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
          w);
    limit_range_rows(w, d->obj, "");
    return 0;
}

/* ---- config maps, secrets, service accounts ---- */

/* The byte count of base64 text. */
static size_t decoded_size(const char *text)
{
    uint8_t *out = NULL;
    size_t len = 0;
    struct err e = {0};
    if (b64_decode(text, strlen(text), &out, &len, &e) != 0) {
        return 0;
    }
    free(out);
    return len;
}

int describe_configmap(struct describe *d)
{
    FILE *w = d->w;
    describe_header(w, json_object_get(d->obj, "metadata"), true);
    fputs("\nData\n====\n", w);
    const json_t *data = json_object_get(d->obj, "data");
    size_t n;
    const char **keys = sorted_keys(data, &n);
    for (size_t i = 0; i < n; i++) {
        fprintf(w, "%s:\n----\n%s\n\n", keys[i], dstr(data, keys[i]));
    }
    free(keys);
    fputs("\nBinaryData\n====\n", w);
    const json_t *binary = json_object_get(d->obj, "binaryData");
    keys = sorted_keys(binary, &n);
    for (size_t i = 0; i < n; i++) {
        fprintf(w, "%s: %zu bytes\n", keys[i], decoded_size(dstr(binary, keys[i])));
    }
    free(keys);
    fputs("\n", w);
    describe_events(d, "ConfigMap");
    return 0;
}

int describe_secret(struct describe *d)
{
    FILE *w = d->w;
    const json_t *secret = d->obj;
    describe_header(w, json_object_get(secret, "metadata"), true);
    const char *type = dstr(secret, "type");
    fprintf(w, "\nType:\t%s\n\nData\n====\n", type);
    const json_t *data = json_object_get(secret, "data");
    size_t n;
    const char **keys = sorted_keys(data, &n);
    for (size_t i = 0; i < n; i++) {
        const char *text = dstr(data, keys[i]);
        if (strcmp(keys[i], "token") == 0 &&
            strcmp(type, "kubernetes.io/service-account-token") == 0) {
            uint8_t *out = NULL;
            size_t len = 0;
            struct err e = {0};
            if (b64_decode(text, strlen(text), &out, &len, &e) == 0) {
                fprintf(w, "%s:\t%.*s\n", keys[i], (int)len, (const char *)out);
                free(out);
                continue;
            }
        }
        fprintf(w, "%s:\t%zu bytes\n", keys[i], decoded_size(text));
    }
    free(keys);
    return 0;
}

static bool named_in(const json_t *secrets, const char *name)
{
    size_t i;
    json_t *s;
    json_array_foreach (secrets, i, s) {
        if (strcmp(dstr(json_object_get(s, "metadata"), "name"), name) == 0) {
            return true;
        }
    }
    return false;
}

int describe_service_account(struct describe *d)
{
    FILE *w = d->w;
    const json_t *sa = d->obj, *meta = json_object_get(sa, "metadata");
    cleanup_free char *collection =
        xasprintf("/api/v1/namespaces/%s/secrets", dstr(meta, "namespace"));
    cleanup_json json_t *secrets = describe_list(d, collection, NULL, NULL);
    cleanup_json json_t *tokens = json_array();
    size_t i;
    json_t *s;
    json_array_foreach (secrets, i, s) {
        const json_t *ann = dget(s, "metadata", "annotations", NULL);
        if (strcmp(dstr(s, "type"), "kubernetes.io/service-account-token") == 0 &&
            strcmp(dstr(ann, "kubernetes.io/service-account.name"), dstr(meta, "name")) == 0 &&
            strcmp(dstr(ann, "kubernetes.io/service-account.uid"), dstr(meta, "uid")) == 0) {
            json_array_append_new(
                tokens, json_pack("{s:s}", "name", dstr(json_object_get(s, "metadata"), "name")));
        }
    }
    describe_header(w, meta, true);
    const char *headers[3] = {"Image pull secrets:", "Mountable secrets: ", "Tokens:            "};
    const json_t *lists[3] = {json_object_get(sa, "imagePullSecrets"),
                              json_object_get(sa, "secrets"), tokens};
    for (int h = 0; h < 3; h++) {
        if (json_array_size(lists[h]) == 0) {
            fprintf(w, "%s\t<none>\n", headers[h]);
        }
        json_t *x;
        json_array_foreach (lists[h], i, x) {
            /* a referenced secret that does not exist (when the secrets could be listed) */
            bool missing = h < 2 && secrets != NULL && !named_in(secrets, dstr(x, "name"));
            fprintf(w, "%s\t%s%s\n", i ? "                   " : headers[h], dstr(x, "name"),
                    missing ? " (not found)" : "");
        }
    }
    describe_events(d, "ServiceAccount");
    return 0;
}

/* ---- RBAC ---- */

/* One broken-down or compacted policy rule. */
struct rule {
    json_t *verbs, *groups, *resources, *names, *urls; /* arrays (new references) */
    char *key;                                         /* PolicyRule.String() */
};

static void rule_key(struct rule *r)
{
    const json_t *parts[5] = {r->verbs, r->groups, r->resources, r->names, r->urls};
    char *p[5];
    for (int i = 0; i < 5; i++) {
        p[i] = go_string_list(parts[i]);
    }
    free(r->key);
    r->key = xasprintf("&PolicyRule{Verbs:%s,APIGroups:%s,Resources:%s,ResourceNames:%s,"
                       "NonResourceURLs:%s,}",
                       p[0], p[1], p[2], p[3], p[4]);
    for (int i = 0; i < 5; i++) {
        free(p[i]);
    }
}

static int compare_rules(const void *a, const void *b)
{
    return strcmp(((const struct rule *)a)->key, ((const struct rule *)b)->key);
}

/* Appends a rule; returns it. */
static struct rule *add_rule(struct rule **rules, size_t *n, json_t *verbs, json_t *groups,
                             json_t *resources, json_t *names, json_t *urls)
{
    *rules = xrealloc(*rules, (*n + 1) * sizeof **rules);
    struct rule *r = &(*rules)[(*n)++];
    *r = (struct rule){verbs, groups, resources, names, urls, NULL};
    return r;
}

/* BreakdownRule, CompactRules and the stable sort by PolicyRule.String(); owned array. */
static struct rule *compact_rules(const json_t *policy, size_t *count)
{
    struct rule *rules = NULL;
    size_t n = 0, i, g, r, v, k;
    json_t *rule, *group, *res, *verb, *name;
    json_array_foreach (policy, i, rule) {
        const json_t *names = json_object_get(rule, "resourceNames");
        json_array_foreach (json_object_get(rule, "apiGroups"), g, group) {
            json_array_foreach (json_object_get(rule, "resources"), r, res) {
                json_array_foreach (json_object_get(rule, "verbs"), v, verb) {
                    /* rules with the same group, resource and name merge their verbs */
                    size_t nn = json_array_size(names) ? json_array_size(names) : 1;
                    for (k = 0; k < nn; k++) {
                        name = json_array_get(names, k);
                        struct rule *same = NULL;
                        for (size_t s = 0; s < n && same == NULL; s++) {
                            bool has = json_array_size(rules[s].names) > 0;
                            if (json_array_size(rules[s].urls) == 0 &&
                                json_equal(json_array_get(rules[s].groups, 0), group) &&
                                json_equal(json_array_get(rules[s].resources, 0), res) &&
                                has == (name != NULL) &&
                                (!has || json_equal(json_array_get(rules[s].names, 0), name))) {
                                same = &rules[s];
                            }
                        }
                        if (same == NULL) {
                            add_rule(&rules, &n, json_array(), json_pack("[O]", group),
                                     json_pack("[O]", res),
                                     name ? json_pack("[O]", name) : json_array(), json_array());
                            same = &rules[n - 1];
                        }
                        bool known = false;
                        size_t q;
                        json_t *have;
                        json_array_foreach (same->verbs, q, have) {
                            known = known || json_equal(have, verb);
                        }
                        if (!known) {
                            json_array_append(same->verbs, verb);
                        }
                    }
                }
            }
        }
        json_array_foreach (json_object_get(rule, "nonResourceURLs"), r, res) {
            json_array_foreach (json_object_get(rule, "verbs"), v, verb) {
                add_rule(&rules, &n, json_pack("[O]", verb), json_array(), json_array(),
                         json_array(), json_pack("[O]", res));
            }
        }
    }
    for (i = 0; i < n; i++) {
        rule_key(&rules[i]);
    }
    /* insertion sort: stable, as sort.Stable */
    for (i = 1; i < n; i++) {
        for (k = i; k > 0 && compare_rules(&rules[k - 1], &rules[k]) > 0; k--) {
            struct rule t = rules[k];
            rules[k] = rules[k - 1];
            rules[k - 1] = t;
        }
    }
    *count = n;
    return rules;
}

int describe_role(struct describe *d)
{
    FILE *w = d->w;
    describe_header(w, json_object_get(d->obj, "metadata"), false);
    fputs("PolicyRule:\n  Resources\tNon-Resource URLs\tResource Names\tVerbs\n"
          "  ---------\t-----------------\t--------------\t-----\n",
          w);
    size_t n;
    struct rule *rules = compact_rules(json_object_get(d->obj, "rules"), &n);
    for (size_t i = 0; i < n; i++) {
        struct rule *r = &rules[i];
        /* CombineResourceGroup */
        const char *res = json_string_value(json_array_get(r->resources, 0));
        const char *group = json_string_value(json_array_get(r->groups, 0));
        cleanup_free char *combined = xstrdup("");
        if (res != NULL) {
            const char *slash = strchr(res, '/');
            size_t base = slash ? (size_t)(slash - res) : strlen(res);
            free(combined);
            combined = xasprintf("%.*s%s%s%s", (int)base, res, group && *group ? "." : "",
                                 group ? group : "", slash ? slash : "");
        }
        cleanup_free char *urls = go_string_list(r->urls);
        cleanup_free char *names = go_string_list(r->names);
        cleanup_free char *verbs = go_string_list(r->verbs);
        fprintf(w, "  %s\t%s\t%s\t%s\n", combined, urls, names, verbs);
        json_decref(r->verbs);
        json_decref(r->groups);
        json_decref(r->resources);
        json_decref(r->names);
        json_decref(r->urls);
        free(r->key);
    }
    free(rules);
    return 0;
}

int describe_role_binding(struct describe *d)
{
    FILE *w = d->w;
    describe_header(w, json_object_get(d->obj, "metadata"), false);
    const json_t *ref = json_object_get(d->obj, "roleRef");
    fprintf(w, "Role:\n  Kind:\t%s\n  Name:\t%s\n", dstr(ref, "kind"), dstr(ref, "name"));
    fputs("Subjects:\n  Kind\tName\tNamespace\n  ----\t----\t---------\n", w);
    size_t i;
    json_t *s;
    json_array_foreach (json_object_get(d->obj, "subjects"), i, s) {
        fprintf(w, "  %s\t%s\t%s\n", dstr(s, "kind"), dstr(s, "name"), dstr(s, "namespace"));
    }
    return 0;
}

/* ---- the generic describer ---- */

/* Go's %v of a float64: the shortest digits, in %e form for exponents below -4 or from 6 on. */
static void go_float(FILE *f, double v)
{
    char buf[64];
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v) {
            break;
        }
    }
    snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    int exp = atoi(strchr(buf, 'e') + 1);
    if (exp < -4 || exp >= 6) {
        fputs(buf, f);
    } else {
        fprintf(f, "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, v);
    }
}

/* Go's %v of a decoded JSON value. */
static void go_value(FILE *f, const json_t *v)
{
    size_t i;
    json_t *x;
    switch (json_typeof(v)) {
    case JSON_STRING:
        fputs(json_string_value(v), f);
        break;
    case JSON_INTEGER:
        fprintf(f, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        go_float(f, json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        fputs(json_is_true(v) ? "true" : "false", f);
        break;
    case JSON_NULL:
        fputs("<nil>", f);
        break;
    case JSON_ARRAY:
        fputc('[', f);
        json_array_foreach (v, i, x) {
            fputs(i ? " " : "", f);
            go_value(f, x);
        }
        fputc(']', f);
        break;
    case JSON_OBJECT: {
        size_t n;
        const char **keys = sorted_keys(v, &n);
        fputs("map[", f);
        for (i = 0; i < n; i++) {
            fprintf(f, "%s%s:", i ? " " : "", keys[i]);
            go_value(f, json_object_get(v, keys[i]));
        }
        fputc(']', f);
        free(keys);
        break;
    }
    }
}

enum char_class { CC_LOWER = 1, CC_UPPER, CC_DIGIT, CC_OTHER };

static enum char_class char_class(char ch)
{
    return islower((unsigned char)ch)   ? CC_LOWER
           : isupper((unsigned char)ch) ? CC_UPPER
           : isdigit((unsigned char)ch) ? CC_DIGIT
                                        : CC_OTHER;
}

/* smartLabelFor: camel-case words title-cased, the common acronyms upper-cased. Owned. */
static char *smart_label(const char *field)
{
    for (const char *p = field; *p; p++) {
        if (!isalpha((unsigned char)*p) && *p != '-') {
            return xstrdup(field);
        }
    }
    /* camelcase.Split: runs of one character class; an upper run followed by a lower run
     * gives its last letter to the lower run */
    size_t len = strlen(field), nruns = 0;
    size_t *starts = xmalloc((len + 2) * sizeof *starts);
    for (size_t i = 0; i < len; i++) {
        if (i == 0 || char_class(field[i]) != char_class(field[i - 1])) {
            starts[nruns++] = i;
        }
    }
    starts[nruns] = len;
    for (size_t r = 0; r + 1 < nruns; r++) {
        if (char_class(field[starts[r]]) == CC_UPPER &&
            char_class(field[starts[r + 1]]) == CC_LOWER) {
            starts[r + 1]--;
        }
    }
    char *buf = NULL;
    size_t size = 0, shown = 0;
    FILE *f = open_memstream(&buf, &size);
    static const char *const acronyms[] = {"API", "URL", "UID", "OSB", "GUID"};
    for (size_t r = 0; r < nruns; r++) {
        size_t n = starts[r + 1] - starts[r];
        if (n == 0) {
            continue;
        }
        char part[256];
        snprintf(part, sizeof part, "%.*s", (int)n, field + starts[r]);
        char upper[256];
        for (size_t k = 0; k <= strlen(part); k++) {
            upper[k] = (char)toupper((unsigned char)part[k]);
        }
        bool acronym = false;
        for (size_t a = 0; a < sizeof acronyms / sizeof acronyms[0]; a++) {
            acronym = acronym || strcmp(upper, acronyms[a]) == 0;
        }
        if (acronym) {
            memcpy(part, upper, strlen(upper) + 1);
        } else {
            part[0] = (char)toupper((unsigned char)part[0]);
        }
        fprintf(f, "%s%s", shown++ ? " " : "", part);
    }
    fclose(f);
    free(starts);
    return buf;
}

static bool skipped(const char *path)
{
    static const char *const skip[] = {".metadata.managedFields", ".metadata.name",
                                       ".metadata.namespace", ".metadata.labels",
                                       ".metadata.annotations"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++) {
        if (strcmp(path, skip[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* printUnstructuredContent. */
static void unstructured(FILE *w, int level, const json_t *content, const char *prefix)
{
    size_t n;
    const char **keys = sorted_keys(content, &n);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(content, keys[i]);
        cleanup_free char *path = xasprintf("%s.%s", prefix, keys[i]);
        if (skipped(path)) {
            continue;
        }
        cleanup_free char *label = smart_label(keys[i]);
        fprintf(w, "%*s", level * 2, "");
        if (json_is_object(v)) {
            fprintf(w, "%s:\n", label);
            unstructured(w, level + 1, v, path);
        } else if (json_is_array(v)) {
            fprintf(w, "%s:\n", label);
            size_t k;
            json_t *child;
            json_array_foreach (v, k, child) {
                if (json_is_object(child)) {
                    unstructured(w, level + 1, child, path);
                } else {
                    fprintf(w, "%*s", (level + 1) * 2, "");
                    go_value(w, child);
                    fputc('\n', w);
                }
            }
        } else {
            fprintf(w, "%s:\t", label);
            go_value(w, v);
            fputc('\n', w);
        }
    }
    free(keys);
}

int describe_generic(struct describe *d)
{
    FILE *w = d->w;
    describe_header(w, json_object_get(d->obj, "metadata"), true);
    unstructured(w, 0, d->obj, "");
    describe_events(d, dstr(d->obj, "kind"));
    return 0;
}
