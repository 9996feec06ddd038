/* `c8sctl set` as kubectl 1.32's: `set image` changes the image of named containers (or "*")
 * in the pod template of each object and sends the two-way strategic merge patch between the
 * object as read and as changed (fieldManager=kubectl-set), skipping objects it leaves
 * unchanged; `--dry-run=client` prints the changed object without sending anything. The other
 * `set` subcommands are not written yet. */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jpath.h"
#include "printers.h"
#include "workload.h"
#include "xalloc.h"

/* The pod spec of obj (borrowed), or NULL when it has none: pods, the templates of the
 * workload kinds, and a cron job's job template. */
static json_t *pod_spec(const struct mapper_resource *r, json_t *obj)
{
    if (strcmp(r->kind, "Pod") == 0 && *r->group == '\0') {
        return json_object_get(obj, "spec");
    }
    if (strcmp(r->kind, "CronJob") == 0 && strcmp(r->group, "batch") == 0) {
        return jpath_get(obj, "spec.jobTemplate.spec.template.spec");
    }
    static const char *const kinds[] = {
        "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(r->kind, kinds[i]) == 0) {
            return jpath_get(obj, "spec.template.spec");
        }
    }
    return NULL;
}

/* Sets the image of the containers called name ("*": all) in every container list of spec.
 * Returns whether one was found. */
static bool set_container_image(json_t *spec, const char *name, const char *image)
{
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    bool found = false;
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        size_t i;
        json_t *ctr;
        json_array_foreach (json_object_get(spec, lists[l]), i, ctr) {
            const char *cname = jpath_get_string(ctr, "name");
            if (strcmp(name, "*") == 0 || (cname && strcmp(cname, name) == 0)) {
                json_object_set_new(ctr, "image", json_string(image));
                found = true;
            }
        }
    }
    return found;
}

static int set_image(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0}, files = {0}, errors = {0};
    bool recursive = false, all = false, local = false;
    const char *selector = NULL, *output = "", *dry_run_flag = "none";
    const char *field_manager = "kubectl-set";
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &files, false},
        {"recursive", 'R', CLI_BOOL, &recursive, false},
        {"selector", 'l', CLI_STRING, &selector, false},
        {"all", 0, CLI_BOOL, &all, false},
        {"local", 0, CLI_BOOL, &local, false},
        {"output", 'o', CLI_STRING, &output, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {"field-manager", 0, CLI_STRING, &field_manager, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct workload *objs = NULL;
    size_t n = 0;
    enum dry_run dry_run = DRY_RUN_NONE;
    struct cli_strv resources = {0}, images = {0};
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    for (size_t i = 0; i < args.n; i++) {
        cli_strv_add(strchr(args.v[i], '=') ? &images : &resources, args.v[i]);
    }
    if (resources.n == 0 && files.n == 0) {
        status = ctl_error(c, "You must provide one or more resources by argument or filename.\n"
                              "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
                              "'--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        goto out;
    }
    if (images.n == 0) {
        status = ctl_error(c, "at least one image update is required");
        goto out;
    }
    if (objects_dry_run(c, dry_run_flag, &dry_run) != 0 || objects_check_output(c, output) != 0) {
        status = 1;
        goto out;
    }
    struct workload_source src = {&resources, &files, recursive, selector, all, false, false};
    if (workload_collect(c, &src, &objs, &n) != 0) {
        status = 1;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const struct mapper_resource *r = objs[i].r;
        cleanup_json json_t *changed = json_deep_copy(objs[i].obj);
        json_t *spec = pod_spec(r, changed);
        if (spec == NULL) {
            cleanup_free char *line =
                xasprintf("%s/%s the object is not a pod or does not have a pod template: *%s.%s",
                          r->resource, workload_name(&objs[i]), r->version, r->kind);
            cli_strv_add(&errors, line);
            continue;
        }
        for (size_t k = 0; k < images.n; k++) {
            char *eq = strchr(images.v[k], '=');
            cleanup_free char *name = xstrndup(images.v[k], (size_t)(eq - images.v[k]));
            if (!set_container_image(spec, name, eq + 1)) {
                cleanup_free char *line = xasprintf("unable to find container named \"%s\"", name);
                cli_strv_add(&errors, line);
            }
        }
        struct err e = {0};
        const struct jpatch_smp_schema *schema = objects_smp_schema(r);
        cleanup_json json_t *patch = schema ? jpatch_smp_create(objs[i].obj, changed, schema, &e)
                                            : jpatch_merge_create(objs[i].obj, changed, &e);
        if (patch == NULL) {
            cli_strv_add(&errors, e.msg);
            continue;
        }
        cleanup_free char *display = objects_display(r, workload_name(&objs[i]));
        if (local || dry_run == DRY_RUN_CLIENT) {
            objects_print_result(c, changed, display, "image updated", output, dry_run, false);
            continue;
        }
        if (json_object_size(patch) == 0) {
            continue; /* kubectl sends nothing and prints nothing */
        }
        cleanup_free char *body = printers_json_compact(patch);
        cleanup_free char *failure = NULL;
        cleanup_json json_t *answer = NULL;
        if (workload_patch(c, &objs[i],
                           schema ? "application/strategic-merge-patch+json"
                                  : "application/merge-patch+json",
                           body, field_manager, dry_run, &answer, &failure) != 0) {
            cleanup_free char *line =
                xasprintf("failed to patch image update to pod template: %s", failure);
            cli_strv_add(&errors, line);
            continue;
        }
        objects_print_result(c, answer ? answer : changed, display, "image updated", output,
                             dry_run, false);
    }
out:
    for (size_t i = 0; i < errors.n; i++) {
        status = ctl_error(c, "%s", errors.v[i]);
    }
    workload_free(objs, n);
    cli_strv_free(&errors);
    cli_strv_free(&resources);
    cli_strv_free(&images);
    cli_strv_free(&args);
    cli_strv_free(&files);
    return status;
}

int cmd_set(struct ctl *c, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-') {
            bool takes_next = false;
            cli_find_global(c->global_flags, argv[i], &takes_next);
            i += takes_next;
            continue;
        }
        snprintf(c->cmd_path, sizeof c->cmd_path, "set %s", argv[i]);
        if (strcmp(argv[i], "image") == 0) {
            memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof *argv);
            return set_image(c, argc - 1, argv);
        }
        return cmd_not_implemented(c, argc, argv);
    }
    fputs("Configure application resources.\n\nAvailable Commands:\n"
          "  env              Update environment variables on a pod template\n"
          "  image            Update the image of a pod template\n"
          "  resources        Update resource requests/limits on objects with pod templates\n"
          "  selector         Set the selector on a resource\n"
          "  serviceaccount   Update the service account of a resource\n"
          "  subject          Update the user, group, or service account in a role binding or "
          "cluster role binding\n",
          c->out);
    return 0;
}
