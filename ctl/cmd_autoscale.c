/* `c8sctl autoscale` as kubectl 1.32's: for each object named (TYPE NAME, TYPE/NAME, -f) that
 * has a scale subresource, an autoscaling/v1 HorizontalPodAutoscaler targeting it (--max,
 * --min, --cpu-percent, --name) POSTed with fieldManager=kubectl-autoscale; "autoscaled". Named
 * objects are read first (kubectl's builder GETs them), -f objects are taken as written. */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jpath.h"
#include "objects.h"
#include "xalloc.h"

struct autoscale_opts {
    const char *name;
    int min, max, cpu_percent;
    const char *output;
    const char *field_manager;
    bool save_config;
    enum dry_run dry_run;
};

/* The built-in kinds with a scale subresource (kubectl asks discovery; c8sctl's mapper keeps
 * no subresources, and these are the ones Kubernetes serves). */
static bool has_scale(const struct mapper_resource *r)
{
    static const char *const scalable[][2] = {
        {"apps", "deployments"},
        {"apps", "replicasets"},
        {"apps", "statefulsets"},
        {"", "replicationcontrollers"},
    };
    for (size_t i = 0; i < sizeof scalable / sizeof scalable[0]; i++) {
        if (strcmp(r->group, scalable[i][0]) == 0 && strcmp(r->resource, scalable[i][1]) == 0) {
            return true;
        }
    }
    return false;
}

/* kubectl's HorizontalPodAutoscaler in Go struct field order. Returns a new reference. */
static json_t *build_hpa(const struct autoscale_opts *o, const struct mapper_resource *r,
                         const char *target)
{
    char api_version[256];
    if (r->group[0] == '\0') {
        snprintf(api_version, sizeof api_version, "%s", r->version);
    } else {
        snprintf(api_version, sizeof api_version, "%s/%s", r->group, r->version);
    }
    json_t *spec = json_pack("{s:{s:s,s:s,s:s}}", "scaleTargetRef", "kind", r->kind, "name", target,
                             "apiVersion", api_version);
    if (o->min > 0) {
        json_object_set_new(spec, "minReplicas", json_integer(o->min));
    }
    json_object_set_new(spec, "maxReplicas", json_integer(o->max));
    if (o->cpu_percent >= 0) {
        json_object_set_new(spec, "targetCPUUtilizationPercentage", json_integer(o->cpu_percent));
    }
    return json_pack("{s:s,s:s,s:{s:s,s:n},s:o,s:{s:i,s:i}}", "kind", "HorizontalPodAutoscaler",
                     "apiVersion", "autoscaling/v1", "metadata", "name",
                     o->name && *o->name ? o->name : target, "creationTimestamp", "spec", spec,
                     "status", "currentReplicas", 0, "desiredReplicas", 0);
}

/* --save-config: the object's compact JSON and a newline as the last-applied annotation. */
static void save_config(json_t *hpa)
{
    cleanup_free char *text = json_dumps(hpa, JSON_COMPACT); /* Go struct order, as built */
    cleanup_free char *value = xasprintf("%s\n", text);
    json_object_set_new(json_object_get(hpa, "metadata"), "annotations",
                        json_pack("{s:s}", OBJECTS_LAST_APPLIED, value));
}

/* One object to autoscale: checks its kind, then creates (or prints) the HPA. Returns the exit
 * status. */
static int autoscale_one(struct ctl *c, const struct autoscale_opts *o,
                         const struct mapper_resource *r, const char *target)
{
    if (!has_scale(r)) {
        return ctl_error(c,
                         "cannot autoscale a %s: could not find scale subresource for %s/%s, "
                         "Resource=%s in discovery information",
                         r->kind, r->group, r->version, r->resource);
    }
    cleanup_json json_t *hpa = build_hpa(o, r, target);
    cleanup_free char *display = objects_display_obj(hpa);
    if (o->dry_run == DRY_RUN_CLIENT) {
        /* kubectl's client dry run prints with the create printer's verb. */
        return objects_print_result(c, hpa, display, "created", o->output, o->dry_run, true);
    }
    if (o->save_config) {
        save_config(hpa);
    }
    cleanup_free char *ns = ctl_query_escape(c->ns);
    cleanup_free char *manager = ctl_query_escape(o->field_manager);
    cleanup_free char *path =
        xasprintf("/apis/autoscaling/v1/namespaces/%s/horizontalpodautoscalers?%sfieldManager=%s",
                  ns, objects_dry_run_query(o->dry_run), manager);
    cleanup_json json_t *answer = NULL;
    if (ctl_request_json(c, "POST", path, NULL, "application/json", hpa, &answer) != 0) {
        return 1;
    }
    return objects_print_result(c, answer, display, "autoscaled", o->output, o->dry_run, false);
}

/* -f: each manifest's kind and name, as written (no GET). */
static int autoscale_files(struct ctl *c, const struct autoscale_opts *o,
                           const struct cli_strv *files, bool recursive, size_t *count)
{
    struct manifest *ms = NULL;
    size_t nms = 0;
    if (objects_read(c, files, recursive, &ms, &nms) != 0 || ctl_discover(c) != 0) {
        objects_manifests_free(ms, nms);
        return 1;
    }
    int status = 0;
    for (size_t i = 0; i < nms; i++) {
        struct err e = {0};
        const struct mapper_resource *r =
            mapper_for_kind(&c->mapper, jpath_get_string(ms[i].obj, "apiVersion"),
                            jpath_get_string(ms[i].obj, "kind"), &e);
        if (r == NULL) {
            status = ctl_error(c, "%s", e.msg);
            continue;
        }
        const char *name = jpath_get_string(ms[i].obj, "metadata.name");
        status = autoscale_one(c, o, r, name ? name : "") || status;
        (*count)++;
    }
    objects_manifests_free(ms, nms);
    return status;
}

/* TYPE NAME...: each object is read first, as kubectl's builder does. */
static int autoscale_named(struct ctl *c, const struct autoscale_opts *o, char **args, size_t n,
                           size_t *count)
{
    struct target *targets = NULL;
    size_t nt = 0;
    if (ctl_discover(c) != 0 || objects_targets(c, args, n, false, &targets, &nt, NULL) != 0) {
        return 1;
    }
    int status = 0;
    for (size_t i = 0; i < nt; i++) {
        cleanup_free char *path = ctl_object_path(c, targets[i].r, targets[i].name);
        cleanup_json json_t *live = NULL;
        if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &live) != 0) {
            status = 1;
            continue;
        }
        status = autoscale_one(c, o, targets[i].r, targets[i].name) || status;
        (*count)++;
    }
    objects_targets_free(targets, nt);
    return status;
}

int cmd_autoscale(struct ctl *c, int argc, char **argv)
{
    struct autoscale_opts o = {.min = -1,
                               .max = -1,
                               .cpu_percent = -1,
                               .output = "",
                               .field_manager = "kubectl-autoscale"};
    struct cli_strv files = {0}, args = {0};
    bool recursive = false, record = false;
    const char *dry_run_flag = "none";
    struct cli_flag flags[] = {
        {"max", 0, CLI_INT, &o.max, false},
        {"min", 0, CLI_INT, &o.min, false},
        {"cpu-percent", 0, CLI_INT, &o.cpu_percent, false},
        {"name", 0, CLI_STRING, &o.name, false},
        {"filename", 'f', CLI_STRING_SLICE, &files, false},
        {"recursive", 'R', CLI_BOOL, &recursive, false},
        {"output", 'o', CLI_STRING, &o.output, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {"save-config", 0, CLI_BOOL, &o.save_config, false},
        {"field-manager", 0, CLI_STRING, &o.field_manager, false},
        {"record", 0, CLI_BOOL, &record, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    size_t count = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (!flags[0].changed) {
        status = ctl_error(c, "required flag(s) \"max\" not set");
        goto out;
    }
    if (objects_dry_run(c, dry_run_flag, &o.dry_run) != 0 ||
        objects_check_output(c, o.output) != 0) {
        status = 1;
        goto out;
    }
    if (o.max < 1) {
        status = ctl_error(c, "--max=MAXPODS is required and must be at least 1, max: %d", o.max);
        goto out;
    }
    if (o.max < o.min) {
        status = ctl_error(c,
                           "--max=MAXPODS must be larger or equal to --min=MINPODS, max: %d, "
                           "min: %d",
                           o.max, o.min);
        goto out;
    }
    if (files.n == 0 && args.n == 0) {
        status = ctl_error(c, "You must provide one or more resources by argument or filename.\n"
                              "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
                              "'--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        goto out;
    }
    if (ctl_connect(c) != 0) {
        status = 1;
        goto out;
    }
    status = files.n > 0 ? autoscale_files(c, &o, &files, recursive, &count)
                         : autoscale_named(c, &o, args.v, args.n, &count);
    if (status == 0 && count == 0) {
        status = ctl_error(c, "no objects passed to autoscale");
    }
out:
    cli_strv_free(&files);
    cli_strv_free(&args);
    return status;
}
