/* `c8sctl top pod|node` as kubectl 1.32's: discovery (/api, /apis) decides whether the
 * metrics.k8s.io/v1beta1 API is served ("error: Metrics API not available" otherwise), then
 * PodMetrics / NodeMetrics lists are printed in kubectl's columns: CPU as millicores, memory
 * as Mi, and for nodes the share of the node's allocatable. */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ctl.h"
#include "printers.h"
#include "quantity.h"
#include "xalloc.h"

#define METRICS_GROUP   "metrics.k8s.io"
#define METRICS_VERSION "v1beta1"

/* Whether discovery lists metrics.k8s.io/v1beta1, asked as kubectl's top does (the
 * aggregated Accept, no timeout parameter). Returns 0/1 in *served, or prints the error and
 * returns 1. */
static int metrics_served(struct ctl *c, bool *served)
{
    cleanup_json json_t *core = NULL, *groups = NULL;
    if (ctl_request_json(c, "GET", "/api", CTL_ACCEPT_AGGREGATED, NULL, NULL, &core) != 0 ||
        ctl_request_json(c, "GET", "/apis", CTL_ACCEPT_AGGREGATED, NULL, NULL, &groups) != 0) {
        return 1;
    }
    *served = false;
    size_t i, j;
    json_t *g, *v;
    /* aggregated (items[].metadata.name, versions[].version) or legacy (groups[].name,
     * versions[].version) */
    json_t *list = json_object_get(groups, "items");
    if (list == NULL) {
        list = json_object_get(groups, "groups");
    }
    json_array_foreach (list, i, g) {
        const char *name = json_string_value(json_object_get(g, "name"));
        if (name == NULL) {
            name = json_string_value(json_object_get(json_object_get(g, "metadata"), "name"));
        }
        if (name == NULL || strcmp(name, METRICS_GROUP) != 0) {
            continue;
        }
        json_array_foreach (json_object_get(g, "versions"), j, v) {
            const char *ver = json_string_value(json_object_get(v, "version"));
            *served = *served || (ver != NULL && strcmp(ver, METRICS_VERSION) == 0);
        }
    }
    return 0;
}

/* A quantity from usage[key] (borrowed object); zero when absent or unreadable. */
static struct quantity usage_of(const json_t *usage, const char *key)
{
    struct quantity q = QUANTITY_ZERO;
    const char *text = json_string_value(json_object_get(usage, key));
    struct err e = {0};
    if (text == NULL || quantity_parse(text, &q, &e) != 0) {
        struct quantity zero = QUANTITY_ZERO;
        return zero;
    }
    return q;
}

static void format_cpu(const struct quantity *q, char *buf, size_t size)
{
    snprintf(buf, size, "%lldm", (long long)quantity_milli_value(q));
}

static void format_memory(const struct quantity *q, char *buf, size_t size)
{
    snprintf(buf, size, "%lldMi", (long long)(quantity_value(q) / (1024 * 1024)));
}

/* Sums containers[].usage into cpu and memory. */
static void pod_usage(const json_t *pm, struct quantity *cpu, struct quantity *mem)
{
    size_t i;
    json_t *ctr;
    struct err e = {0};
    json_array_foreach (json_object_get(pm, "containers"), i, ctr) {
        struct quantity c1 = usage_of(json_object_get(ctr, "usage"), "cpu");
        struct quantity m1 = usage_of(json_object_get(ctr, "usage"), "memory");
        if (quantity_add(cpu, &c1, &e) < 0 || quantity_add(mem, &m1, &e) < 0) {
            break; /* beyond any real usage: keep the partial sum */
        }
    }
}

/* The items of a list, or a one-item array for a single object (GET by name): a new
 * reference. */
static json_t *items_of(json_t *answer)
{
    json_t *items = json_object_get(answer, "items");
    return items ? json_incref(items) : json_pack("[O]", answer);
}

static int top_pod(struct ctl *c, struct cli_strv *args, bool all_ns, const char *selector,
                   const char *field_selector, bool containers, bool no_headers)
{
    cleanup_free char *ns = ctl_query_escape(c->ns);
    cleanup_free char *query = xstrdup("");
    ctl_query_add(&query, "fieldSelector", field_selector);
    ctl_query_add(&query, "labelSelector", selector);
    cleanup_free char *path =
        args->n > 0 ? xasprintf("/apis/" METRICS_GROUP "/" METRICS_VERSION "/namespaces/%s/pods/%s",
                                ns, args->v[0])
        : all_ns    ? xasprintf("/apis/" METRICS_GROUP "/" METRICS_VERSION "/pods%s%s",
                             *query ? "?" : "", *query ? query + 1 : "")
                 : xasprintf("/apis/" METRICS_GROUP "/" METRICS_VERSION "/namespaces/%s/pods%s%s",
                             ns, *query ? "?" : "", *query ? query + 1 : "");
    cleanup_json json_t *answer = NULL;
    if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &answer) != 0) {
        return 1;
    }
    cleanup_json json_t *items = items_of(answer);
    if (json_array_size(items) == 0) {
        if (all_ns) {
            fputs("No resources found\n", c->errout);
        } else {
            fprintf(c->errout, "No resources found in %s namespace.\n", c->ns);
        }
        return 0;
    }
    struct tabw t = {0};
    if (!no_headers) {
        const char *head[5];
        size_t n = 0;
        if (all_ns) {
            head[n++] = "NAMESPACE";
        }
        if (containers) {
            head[n++] = "POD";
        }
        head[n++] = "NAME";
        head[n++] = "CPU(cores)";
        head[n++] = "MEMORY(bytes)";
        tabw_row(&t, head, n);
    }
    size_t i, j;
    json_t *pm, *ctr;
    json_array_foreach (items, i, pm) {
        const json_t *meta = json_object_get(pm, "metadata");
        const char *name = json_string_value(json_object_get(meta, "name"));
        const char *pns = json_string_value(json_object_get(meta, "namespace"));
        json_array_foreach (json_object_get(pm, "containers"), j, ctr) {
            if (!containers && j > 0) {
                break;
            }
            struct quantity cpu = QUANTITY_ZERO, mem = QUANTITY_ZERO;
            if (containers) {
                cpu = usage_of(json_object_get(ctr, "usage"), "cpu");
                mem = usage_of(json_object_get(ctr, "usage"), "memory");
            } else {
                pod_usage(pm, &cpu, &mem);
            }
            char cpu_text[32], mem_text[32];
            format_cpu(&cpu, cpu_text, sizeof cpu_text);
            format_memory(&mem, mem_text, sizeof mem_text);
            const char *row[5];
            size_t n = 0;
            if (all_ns) {
                row[n++] = pns ? pns : "";
            }
            if (containers) {
                row[n++] = name ? name : "";
                row[n++] = json_string_value(json_object_get(ctr, "name"));
            } else {
                row[n++] = name ? name : "";
            }
            row[n++] = cpu_text;
            row[n++] = mem_text;
            tabw_row(&t, row, n);
        }
    }
    tabw_flush(&t, c->out, false);
    tabw_free(&t);
    return 0;
}

/* usage as a share of the node's allocatable, kubectl's "%d%%". */
static void format_share(const struct quantity *used, const json_t *node, const char *key,
                         char *buf, size_t size)
{
    const json_t *alloc = json_object_get(json_object_get(node, "status"), "allocatable");
    struct quantity avail = usage_of(alloc, key);
    int64_t a = quantity_milli_value(&avail);
    if (node == NULL || a == 0) {
        snprintf(buf, size, "<unknown>");
        return;
    }
    snprintf(buf, size, "%lld%%",
             (long long)((double)quantity_milli_value(used) / (double)a * 100));
}

static int top_node(struct ctl *c, struct cli_strv *args, const char *selector, bool no_headers)
{
    cleanup_free char *query = xstrdup("");
    ctl_query_add(&query, "labelSelector", selector);
    cleanup_free char *name_q = args->n > 0 ? ctl_query_escape(args->v[0]) : NULL;
    cleanup_free char *path =
        name_q ? xasprintf("/apis/" METRICS_GROUP "/" METRICS_VERSION "/nodes/%s", name_q)
               : xasprintf("/apis/" METRICS_GROUP "/" METRICS_VERSION "/nodes%s%s",
                           *query ? "?" : "", *query ? query + 1 : "");
    cleanup_free char *nodes_path =
        name_q ? xasprintf("/api/v1/nodes/%s", name_q)
               : xasprintf("/api/v1/nodes%s%s", *query ? "?" : "", *query ? query + 1 : "");
    cleanup_json json_t *answer = NULL, *nodes = NULL;
    if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &answer) != 0 ||
        ctl_request_json(c, "GET", nodes_path, CTL_ACCEPT_JSON, NULL, NULL, &nodes) != 0) {
        return 1;
    }
    cleanup_json json_t *items = items_of(answer);
    cleanup_json json_t *node_items = items_of(nodes);
    if (json_array_size(items) == 0) {
        fputs("error: metrics not available yet\n", c->errout);
        return 1;
    }
    struct tabw t = {0};
    if (!no_headers) {
        const char *head[] = {"NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"};
        tabw_row(&t, head, 5);
    }
    size_t i, j;
    json_t *nm, *node;
    json_array_foreach (items, i, nm) {
        const char *name =
            json_string_value(json_object_get(json_object_get(nm, "metadata"), "name"));
        const json_t *match = NULL;
        json_array_foreach (node_items, j, node) {
            const char *n =
                json_string_value(json_object_get(json_object_get(node, "metadata"), "name"));
            if (n && name && strcmp(n, name) == 0) {
                match = node;
            }
        }
        struct quantity cpu = usage_of(json_object_get(nm, "usage"), "cpu");
        struct quantity mem = usage_of(json_object_get(nm, "usage"), "memory");
        char cpu_text[32], mem_text[32], cpu_share[32], mem_share[32];
        format_cpu(&cpu, cpu_text, sizeof cpu_text);
        format_memory(&mem, mem_text, sizeof mem_text);
        format_share(&cpu, match, "cpu", cpu_share, sizeof cpu_share);
        format_share(&mem, match, "memory", mem_share, sizeof mem_share);
        const char *row[] = {name ? name : "", cpu_text, cpu_share, mem_text, mem_share};
        tabw_row(&t, row, 5);
    }
    tabw_flush(&t, c->out, false);
    tabw_free(&t);
    return 0;
}

int cmd_top(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0};
    const char *selector = NULL, *field_selector = NULL, *sort_by = NULL;
    bool all_ns = false, containers = false, no_headers = false, sum = false;
    bool protobuf = true, capacity = false;
    struct cli_flag flags[] = {
        {"all-namespaces", 'A', CLI_BOOL, &all_ns, false},
        {"containers", 0, CLI_BOOL, &containers, false},
        {"selector", 'l', CLI_STRING, &selector, false},
        {"field-selector", 0, CLI_STRING, &field_selector, false},
        {"sort-by", 0, CLI_STRING, &sort_by, false},
        {"no-headers", 0, CLI_BOOL, &no_headers, false},
        {"sum", 0, CLI_BOOL, &sum, false},
        {"use-protocol-buffers", 0, CLI_BOOL, &protobuf, false},
        {"show-capacity", 0, CLI_BOOL, &capacity, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    for (int i = 0; i < argc; i++) { /* name the subcommand in flag errors */
        bool takes_next = false;
        if (argv[i][0] == '-' && cli_find_global(c->global_flags, argv[i], &takes_next) != NULL) {
            i += takes_next;
        } else if (argv[i][0] != '-') {
            bool pod = strncmp(argv[i], "po", 2) == 0, node = strncmp(argv[i], "no", 2) == 0;
            if (pod || node) {
                snprintf(c->cmd_path, sizeof c->cmd_path, "top %s", pod ? "pod" : "node");
            }
            break;
        }
    }
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    const char *what = args.n > 0 ? args.v[0] : "";
    bool pods = strcmp(what, "pod") == 0 || strcmp(what, "pods") == 0 || strcmp(what, "po") == 0;
    bool nodes = strcmp(what, "node") == 0 || strcmp(what, "nodes") == 0 || strcmp(what, "no") == 0;
    if (!pods && !nodes) {
        fprintf(c->out,
                "Display resource (CPU/memory) usage of nodes or pods.\n\nUsage:\n"
                "  %s top pod [NAME | -l label] [options]\n"
                "  %s top node [NAME | -l label] [options]\n",
                c->prog, c->prog);
        status = 1;
        goto out;
    }
    snprintf(c->cmd_path, sizeof c->cmd_path, "top %s", pods ? "pod" : "node");
    struct cli_strv rest = {.v = args.v + 1, .n = args.n - 1};
    bool served = false;
    if (ctl_connect(c) != 0 || metrics_served(c, &served) != 0) {
        status = 1;
        goto out;
    }
    if (!served) {
        status = ctl_error(c, "Metrics API not available");
        goto out;
    }
    status = pods ? top_pod(c, &rest, all_ns, selector, field_selector, containers, no_headers)
                  : top_node(c, &rest, selector, no_headers);
out:
    cli_strv_free(&args);
    return status;
}
