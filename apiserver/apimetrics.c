/* kube-apiserver's request metrics (k8s.io/apiserver pkg/endpoints/metrics): the same names,
 * labels and histogram buckets, so dashboards and queries written for Kubernetes read them. */
#include "apimetrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "xalloc.h"

struct apimetrics {
    struct metrics_registry *reg;
    struct metrics_counter *requests;
    struct metrics_histogram *durations;
    struct metrics_gauge *inflight;
    struct metrics_gauge *longrunning;
};

/* kube-apiserver's requestLatency buckets. */
static const double duration_buckets[] = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8,
                                          1.0,   1.25,  1.5,  2,   3,   4,   5,   6,
                                          8,     10,    15,   20,  30,  45,  60};

struct apimetrics *apimetrics_new(void)
{
    struct apimetrics *m = xcalloc(1, sizeof *m);
    m->reg = metrics_registry_new();
    m->requests = metrics_counter_new(
        m->reg, "apiserver_request_total",
        "Counter of apiserver requests broken out for each verb, dry run value, group, version, "
        "resource, scope, component, and HTTP response code.",
        "code", "component", "dry_run", "group", "resource", "scope", "subresource", "verb",
        "version", NULL);
    m->durations = metrics_histogram_new(
        m->reg, "apiserver_request_duration_seconds",
        "Response latency distribution in seconds for each verb, dry run value, group, version, "
        "resource, subresource, scope and component.",
        duration_buckets, sizeof duration_buckets / sizeof duration_buckets[0], "component",
        "dry_run", "group", "resource", "scope", "subresource", "verb", "version", NULL);
    m->inflight = metrics_gauge_new(m->reg, "apiserver_current_inflight_requests",
                                    "Maximal number of currently used inflight request limit of "
                                    "this apiserver per request kind in last second.",
                                    "request_kind", NULL);
    m->longrunning = metrics_gauge_new(
        m->reg, "apiserver_longrunning_requests",
        "Gauge of all active long-running apiserver requests broken out by verb, group, version, "
        "resource, scope and component. Not all requests are tracked this way.",
        "component", "group", "resource", "scope", "subresource", "verb", "version", NULL);
    return m;
}

void apimetrics_free(struct apimetrics *m)
{
    if (m == NULL) {
        return;
    }
    metrics_registry_free(m->reg);
    free(m);
}

const char *apimetrics_verb(const struct request_info *ri, const char *method, bool apply)
{
    if (!ri->is_resource_request) {
        return method;
    }
    static const struct {
        const char *verb, *metric;
    } names[] = {{"get", "GET"},       {"list", "LIST"},
                 {"watch", "WATCH"},   {"create", "POST"},
                 {"update", "PUT"},    {"patch", "PATCH"},
                 {"delete", "DELETE"}, {"deletecollection", "DELETECOLLECTION"}};
    if (apply) {
        return "APPLY";
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(ri->verb, names[i].verb) == 0) {
            return names[i].metric;
        }
    }
    return method;
}

/* kube-apiserver's scope label: a named object, a namespace's collection, or the cluster's. */
static const char *scope_of(const struct request_info *ri)
{
    if (!ri->is_resource_request) {
        return "";
    }
    if (ri->name[0] != '\0') {
        return "resource";
    }
    return ri->namespace_[0] != '\0' ? "namespace" : "cluster";
}

void apimetrics_request_done(struct apimetrics *m, const struct request_info *ri, const char *verb,
                             int code, bool dry_run, double seconds)
{
    char code_text[16];
    snprintf(code_text, sizeof code_text, "%d", code);
    const char *dry = dry_run ? "All" : "";
    metrics_counter_inc(m->requests, code_text, "apiserver", dry, ri->api_group, ri->resource,
                        scope_of(ri), ri->subresource, verb, ri->api_version);
    if (strcmp(verb, "WATCH") != 0) {
        metrics_histogram_observe(m->durations, seconds, "apiserver", dry, ri->api_group,
                                  ri->resource, scope_of(ri), ri->subresource, verb,
                                  ri->api_version);
    }
}

void apimetrics_inflight(struct apimetrics *m, bool mutating, int delta)
{
    metrics_gauge_add(m->inflight, (double)delta, mutating ? "mutating" : "readOnly");
}

void apimetrics_watching(struct apimetrics *m, const struct request_info *ri, int delta)
{
    metrics_gauge_add(m->longrunning, (double)delta, "apiserver", ri->api_group, ri->resource,
                      scope_of(ri), ri->subresource, "WATCH", ri->api_version);
}

char *apimetrics_render(struct apimetrics *m)
{
    return metrics_render(m->reg);
}
