/* `c8sctl describe`: kubectl's describe command (k8s.io/kubectl/pkg/cmd/describe) over the
 * describers of describe_*.c: which objects (TYPE NAME..., TYPE/NAME, a,b, -l, -A, name
 * prefixes), which describer each kind gets (kubectl's describerMap, else the generic one),
 * and the blank lines between descriptions. */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "describe.h"
#include "objects.h"
#include "xalloc.h"

/* kubectl's describerMap: group and kind to describer, for the kinds c8s-apiserver serves. */
static const struct {
    const char *group, *kind;
    describer_fn fn;
} DESCRIBERS[] = {
    {"", "Pod", describe_pod},
    {"", "Secret", describe_secret},
    {"", "Service", describe_service},
    {"", "ServiceAccount", describe_service_account},
    {"", "Node", describe_node},
    {"", "LimitRange", describe_limitrange},
    {"", "ResourceQuota", describe_quota},
    {"", "PersistentVolume", describe_pv},
    {"", "PersistentVolumeClaim", describe_pvc},
    {"", "Namespace", describe_namespace},
    {"", "Endpoints", describe_endpoints},
    {"", "ConfigMap", describe_configmap},
    {"discovery.k8s.io", "EndpointSlice", describe_endpointslice},
    {"autoscaling", "HorizontalPodAutoscaler", describe_hpa},
    {"networking.k8s.io", "Ingress", describe_ingress},
    {"batch", "Job", describe_job},
    {"batch", "CronJob", describe_cronjob},
    {"apps", "StatefulSet", describe_statefulset},
    {"apps", "Deployment", describe_deployment},
    {"apps", "DaemonSet", describe_daemonset},
    {"apps", "ReplicaSet", describe_replicaset},
    {"policy", "PodDisruptionBudget", describe_pdb},
    {"rbac.authorization.k8s.io", "Role", describe_role},
    {"rbac.authorization.k8s.io", "ClusterRole", describe_role},
    {"rbac.authorization.k8s.io", "RoleBinding", describe_role_binding},
    {"rbac.authorization.k8s.io", "ClusterRoleBinding", describe_role_binding},
};

/* Describes one object (with its events unless show_events is false). Returns 0 with *text
 * (owned), or 1 after printing an error. */
static int describe_one(struct ctl *c, const struct mapper_resource *r, const json_t *obj,
                        bool show_events, char **text)
{
    describer_fn fn = describe_generic;
    for (size_t i = 0; i < sizeof DESCRIBERS / sizeof DESCRIBERS[0]; i++) {
        if (strcmp(r->group, DESCRIBERS[i].group) == 0 &&
            strcmp(r->kind, DESCRIBERS[i].kind) == 0) {
            fn = DESCRIBERS[i].fn;
        }
    }
    char *raw = NULL;
    size_t size = 0;
    struct describe d = {c, r, obj, show_events, open_memstream(&raw, &size)};
    int status = fn(&d);
    fclose(d.w);
    if (status == 0) {
        *text = describe_tabbed(raw);
    }
    free(raw);
    return status;
}

/* The objects of a type in the namespace (or all), with a label selector. New list or NULL
 * after printing the error. */
static json_t *list_objects(struct ctl *c, const struct mapper_resource *r, const char *selector,
                            bool all_namespaces)
{
    cleanup_free char *base = mapper_collection_path(r, all_namespaces ? NULL : c->ns);
    char *q = xstrdup("");
    ctl_query_add(&q, "labelSelector", selector);
    ctl_query_add(&q, "limit", "500");
    cleanup_free char *path = xasprintf("%s?%s", base, q + 1);
    free(q);
    cleanup_json json_t *list = NULL;
    if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &list) != 0) {
        return NULL;
    }
    return json_incref(json_object_get(list, "items"));
}

/* Appends {"object": obj, "resource": index of r in the mapper} to objs. */
static void add_object(struct ctl *c, json_t *objs, const struct mapper_resource *r, json_t *obj)
{
    json_array_append_new(
        objs, json_pack("{s:O, s:I}", "object", obj, "resource", (json_int_t)(r - c->mapper.v)));
}

/* Prints the descriptions of objs: joined by a blank line, or each followed by a newline when
 * they are the prefix matches of a missing name (kubectl's DescribeMatchingResources). */
static int print_all(struct ctl *c, const json_t *objs, bool show_events, bool prefix_matches)
{
    int status = 0;
    size_t i, printed = 0;
    json_t *entry;
    json_array_foreach (objs, i, entry) {
        cleanup_free char *text = NULL;
        const struct mapper_resource *r =
            &c->mapper.v[json_integer_value(json_object_get(entry, "resource"))];
        if (describe_one(c, r, json_object_get(entry, "object"), show_events, &text) != 0) {
            status = 1;
            continue;
        }
        if (prefix_matches) {
            fprintf(c->out, "%s\n", text);
        } else {
            fprintf(c->out, "%s%s", printed++ ? "\n\n" : "", text);
        }
    }
    return status;
}

int cmd_describe(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0};
    const char *selector = NULL;
    bool all_namespaces = false, show_events = true;
    struct cli_flag flags[] = {
        {"selector", 'l', CLI_STRING, &selector, false},
        {"all-namespaces", 'A', CLI_BOOL, &all_namespaces, false},
        {"show-events", 0, CLI_BOOL, &show_events, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct target *targets = NULL;
    size_t ntargets = 0;
    const struct mapper_resource *type_only = NULL;
    cleanup_json json_t *objs = json_array();
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (args.n == 0) {
        status = ctl_error(c,
                           "You must specify the type of resource to describe. Use \"%s "
                           "api-resources\" for a complete list of supported resources.",
                           c->prog);
        goto out;
    }
    if (ctl_connect(c) != 0 || ctl_discover(c) != 0) {
        status = 1;
        goto out;
    }
    if (args.n == 1 && strchr(args.v[0], ',') != NULL && strchr(args.v[0], '/') == NULL) {
        /* "deploy,cm": every object of each type */
        cleanup_free char *copy = xstrdup(args.v[0]);
        char *save = NULL;
        bool none = true;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            struct err e = {0};
            const struct mapper_resource *r = mapper_resolve(&c->mapper, t, &e);
            cleanup_json json_t *items = r ? list_objects(c, r, selector, all_namespaces) : NULL;
            if (r == NULL) {
                status = ctl_error(c, "%s", e.msg);
                goto out;
            }
            if (items == NULL) {
                status = 1;
                goto out;
            }
            size_t i;
            json_t *item;
            json_array_foreach (items, i, item) {
                add_object(c, objs, r, item);
                none = false;
            }
        }
        if (none) {
            if (all_namespaces) {
                fputs("No resources found\n", c->errout);
            } else {
                fprintf(c->errout, "No resources found in %s namespace.\n", c->ns);
            }
        }
        status = print_all(c, objs, show_events, false);
        goto out;
    }
    if (objects_targets(c, args.v, args.n, true, &targets, &ntargets, &type_only) != 0) {
        status = 1;
        goto out;
    }
    if (type_only) {
        cleanup_json json_t *items = list_objects(c, type_only, selector, all_namespaces);
        if (items == NULL) {
            status = 1;
        } else if (json_array_size(items) == 0) {
            if (all_namespaces) {
                fputs("No resources found\n", c->errout);
            } else {
                fprintf(c->errout, "No resources found in %s namespace.\n", c->ns);
            }
        }
        size_t i;
        json_t *item;
        json_array_foreach (items, i, item) {
            add_object(c, objs, type_only, item);
        }
    }
    for (size_t t = 0; t < ntargets; t++) {
        cleanup_free char *path = ctl_object_path(c, targets[t].r, targets[t].name);
        struct http_response resp = {0};
        struct err e = {0};
        if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
            status = ctl_transport_error(c, &e);
            break;
        }
        if (resp.status == 200) {
            cleanup_json json_t *obj = json_loads(resp.body ? resp.body : "", 0, NULL);
            add_object(c, objs, targets[t].r, obj);
        } else if (resp.status == 404 && args.n == 2 && ntargets == 1) {
            /* "TYPE PREFIX": the objects whose names start with it; kubectl resolves the type
             * again for that (a short name's warning comes twice) */
            struct err again = {0};
            (void)mapper_resolve(&c->mapper, args.v[0], &again);
            cleanup_json json_t *items = list_objects(c, targets[t].r, NULL, false);
            size_t i;
            json_t *item;
            json_array_foreach (items, i, item) {
                const char *n = dstr(json_object_get(item, "metadata"), "name");
                if (strncmp(n, targets[t].name, strlen(targets[t].name)) == 0) {
                    add_object(c, objs, targets[t].r, item);
                }
            }
            if (json_array_size(objs) == 0) {
                status = ctl_api_error(c, &resp);
            } else {
                status = print_all(c, objs, show_events, true);
                json_array_clear(objs);
            }
        } else {
            status = ctl_api_error(c, &resp);
        }
        http_response_free(&resp);
    }
    if (status == 0) {
        status = print_all(c, objs, show_events, false);
    }
    fflush(c->out);
out:
    objects_targets_free(targets, ntargets);
    cli_strv_free(&args);
    return status;
}
