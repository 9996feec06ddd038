/* The commands that change existing objects, as kubectl's: delete (names, -f, -l, --all;
 * propagationPolicy Background; waits for objects still finalizing), label and annotate (merge
 * patches of metadata; "labeled", "not labeled", "unlabeled"), patch (--type strategic|merge|
 * json; "patched (no change)") and scale (a merge patch of the /scale subresource). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "jpath.h"
#include "objects.h"
#include "printers.h"
#include "xalloc.h"
#include "yamlx.h"

/* GETs one object as JSON: 0 with *out, or 1 after printing kubectl's error. */
static int get_object(struct ctl *c, const struct target *t, json_t **out)
{
    cleanup_free char *path = ctl_object_path(c, t->r, t->name);
    return ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, out);
}

/* PATCHes one object; *out gets the answer (may be NULL). Returns 0 or 1 after the error. */
static int patch_object(struct ctl *c, const struct target *t, const char *sub,
                        const char *field_manager, const char *ctype, const char *body,
                        json_t **out)
{
    cleanup_free char *base = ctl_object_path(c, t->r, t->name);
    cleanup_free char *path = field_manager
                                  ? xasprintf("%s%s?fieldManager=%s", base, sub, field_manager)
                                  : xasprintf("%s%s", base, sub);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "PATCH", path, CTL_ACCEPT_JSON, ctype, body, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    int rc = 0;
    if (resp.status < 200 || resp.status > 299) {
        rc = ctl_api_error(c, &resp);
    } else if (out) {
        *out = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
    }
    http_response_free(&resp);
    return rc;
}

/* ---- delete ---- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* kubectl's wait after a delete: the object is gone when GET answers 404 or another uid. */
static int wait_deleted(struct ctl *c, const struct target *t, const char *uid)
{
    cleanup_free char *path = ctl_object_path(c, t->r, t->name);
    for (;;) {
        struct http_response resp = {0};
        struct err e = {0};
        if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
            return ctl_transport_error(c, &e);
        }
        bool gone = resp.status == 404;
        if (resp.status == 200 && uid != NULL) {
            cleanup_json json_t *obj = json_loads(resp.body ? resp.body : "", 0, NULL);
            const char *now = jpath_get_string(obj, "metadata.uid");
            gone = now == NULL || strcmp(now, uid) != 0;
        }
        http_response_free(&resp);
        if (gone) {
            return 0;
        }
        sleep_ms(200);
    }
}

struct delete_opts {
    bool ignore_not_found, wait, now, force, all, all_namespaces;
    int grace_period;
    const char *cascade, *selector, *field_selector, *output;
    const char *propagation; /* from cascade: "Background", "Foreground", "Orphan" */
    enum dry_run dry_run;
};

/* "configmap \"a\" deleted", with kubectl's dry-run suffixes, or the name for -o name. */
static void print_deleted(struct ctl *c, const struct delete_opts *o, const char *kind_group,
                          const char *name)
{
    static const char *const suffixes[] = {"", " (dry run)", " (server dry run)"};
    if (o->output && strcmp(o->output, "name") == 0) {
        fprintf(c->out, "%s/%s\n", kind_group, name);
    } else {
        fprintf(c->out, "%s \"%s\" deleted%s\n", kind_group, name, suffixes[o->dry_run]);
    }
    fflush(c->out);
}

static int delete_one(struct ctl *c, const struct delete_opts *o, const struct target *t,
                      const char *ns)
{
    cleanup_free char *kg = mapper_kind_group(t->r);
    if (o->dry_run == DRY_RUN_CLIENT) { /* kubectl sends nothing */
        print_deleted(c, o, kg, t->name);
        return 0;
    }
    cleanup_free char *collection = mapper_collection_path(t->r, ns);
    cleanup_free char *path = xasprintf("%s/%s", collection, t->name);
    cleanup_json json_t *body = json_object();
    int grace = o->now ? 1 : o->grace_period;
    if (o->force && grace < 0) {
        grace = 0;
    }
    if (grace >= 0) {
        json_object_set_new(body, "gracePeriodSeconds", json_integer(grace));
    }
    json_object_set_new(body, "propagationPolicy", json_string(o->propagation));
    if (o->dry_run == DRY_RUN_SERVER) {
        json_object_set_new(body, "dryRun", json_pack("[s]", "All"));
    }
    cleanup_free char *text = printers_json_compact(body);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "DELETE", path, CTL_ACCEPT_JSON, "application/json", text, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    if (resp.status == 404 && o->ignore_not_found) {
        http_response_free(&resp);
        return 0;
    }
    if (resp.status < 200 || resp.status > 299) {
        int rc = ctl_api_error(c, &resp);
        http_response_free(&resp);
        return rc;
    }
    cleanup_json json_t *answer = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
    http_response_free(&resp);
    print_deleted(c, o, kg, t->name);
    const char *kind = jpath_get_string(answer, "kind");
    if (o->wait && o->dry_run == DRY_RUN_NONE && kind && strcmp(kind, "Status") != 0 &&
        jpath_get(answer, "metadata.deletionTimestamp") != NULL) {
        struct target here = {t->r, t->name};
        const char *saved_ns = c->ns;
        if (ns) {
            c->ns = ns;
        }
        int rc = wait_deleted(c, &here, jpath_get_string(answer, "metadata.uid"));
        c->ns = saved_ns;
        return rc;
    }
    return 0;
}

/* Lists r (in ns, or everywhere when NULL) with the selectors and deletes each object. */
static int delete_selected(struct ctl *c, const struct delete_opts *o,
                           const struct mapper_resource *r, size_t *found)
{
    const char *ns = o->all_namespaces ? NULL : c->ns;
    cleanup_free char *collection = mapper_collection_path(r, ns);
    char *query = xstrdup("");
    ctl_query_add(&query, "fieldSelector", o->field_selector);
    ctl_query_add(&query, "labelSelector", o->selector);
    ctl_query_add(&query, "limit", "500");
    cleanup_free char *path = xasprintf("%s?%s", collection, query + 1);
    free(query);
    cleanup_json json_t *list = NULL;
    if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &list) != 0) {
        return 1;
    }
    json_t *items = json_object_get(list, "items");
    *found += json_array_size(items);
    int status = 0;
    size_t i;
    json_t *item;
    json_array_foreach (items, i, item) {
        struct target t = {r, (char *)jpath_get_string(item, "metadata.name")};
        status = delete_one(c, o, &t, jpath_get_string(item, "metadata.namespace")) || status;
    }
    return status;
}

int cmd_delete(struct ctl *c, int argc, char **argv)
{
    struct delete_opts o = {.wait = true, .grace_period = -1, .cascade = "background"};
    struct cli_strv files = {0}, args = {0};
    bool recursive = false;
    const char *timeout = NULL, *dry_run_flag = "none";
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &files, false},
        {"recursive", 'R', CLI_BOOL, &recursive, false},
        {"selector", 'l', CLI_STRING, &o.selector, false},
        {"field-selector", 0, CLI_STRING, &o.field_selector, false},
        {"all", 0, CLI_BOOL, &o.all, false},
        {"all-namespaces", 'A', CLI_BOOL, &o.all_namespaces, false},
        {"ignore-not-found", 0, CLI_BOOL, &o.ignore_not_found, false},
        {"wait", 0, CLI_BOOL, &o.wait, false},
        {"now", 0, CLI_BOOL, &o.now, false},
        {"force", 0, CLI_BOOL, &o.force, false},
        {"grace-period", 0, CLI_INT, &o.grace_period, false},
        {"cascade", 0, CLI_STRING, &o.cascade, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {"output", 'o', CLI_STRING, &o.output, false},
        {"timeout", 0, CLI_STRING, &timeout, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct target *targets = NULL;
    size_t n = 0;
    struct manifest *ms = NULL;
    size_t nms = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (objects_cascade(c, o.cascade, &o.propagation) != 0 ||
        objects_dry_run(c, dry_run_flag, &o.dry_run) != 0) {
        status = 1;
        goto out;
    }
    if (files.n == 0 && args.n == 0) {
        status = ctl_error(c, "You must provide one or more resources by argument or filename.\n"
                              "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
                              "'--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        goto out;
    }
    if (files.n > 0) {
        if (objects_read(c, &files, recursive, &ms, &nms) != 0 || ctl_discover(c) != 0) {
            status = 1;
            goto out;
        }
        for (size_t i = 0; i < nms; i++) {
            struct err e = {0};
            const struct mapper_resource *r =
                mapper_for_kind(&c->mapper, jpath_get_string(ms[i].obj, "apiVersion"),
                                jpath_get_string(ms[i].obj, "kind"), &e);
            if (r == NULL) {
                status = ctl_error(c, "%s", e.msg);
                continue;
            }
            const char *ns = jpath_get_string(ms[i].obj, "metadata.namespace");
            struct target t = {r, (char *)jpath_get_string(ms[i].obj, "metadata.name")};
            status =
                delete_one(c, &o, &t, r->namespaced ? (ns && *ns ? ns : c->ns) : NULL) || status;
        }
        goto out;
    }
    if (ctl_discover(c) != 0) {
        status = 1;
        goto out;
    }
    const struct mapper_resource *type_only = NULL;
    if (!(args.n == 1 && strchr(args.v[0], ',') != NULL) &&
        objects_targets(c, args.v, args.n, true, &targets, &n, &type_only) != 0) {
        status = 1;
        goto out;
    }
    if (type_only != NULL || (args.n == 1 && strchr(args.v[0], ',') != NULL)) {
        if (!o.all && !(o.selector && *o.selector) && !(o.field_selector && *o.field_selector)) {
            status = ctl_error(c, "resource(s) were provided, but no name was specified");
            goto out;
        }
        /* "sa,cm": each type in turn */
        cleanup_free char *types = xstrdup(args.v[0]);
        char *save = NULL;
        size_t found = 0;
        for (char *tok = strtok_r(types, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            struct err e = {0};
            const struct mapper_resource *r = mapper_resolve(&c->mapper, tok, &e);
            if (r == NULL) {
                status = ctl_error(c, "%s", e.msg);
                goto out;
            }
            status = delete_selected(c, &o, r, &found) || status;
        }
        if (found == 0 && status == 0) {
            fprintf(c->out, "No resources found\n");
        }
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        status = delete_one(c, &o, &targets[i], targets[i].r->namespaced ? c->ns : NULL) || status;
    }
out:
    objects_manifests_free(ms, nms);
    objects_targets_free(targets, n);
    cli_strv_free(&files);
    cli_strv_free(&args);
    return status;
}

/* ---- label and annotate ---- */

static int label_or_annotate(struct ctl *c, int argc, char **argv, bool labels)
{
    bool overwrite = false, all = false;
    const char *selector = NULL, *output = "";
    struct cli_strv args = {0};
    struct cli_flag flags[] = {
        {"overwrite", 0, CLI_BOOL, &overwrite, false},
        {"all", 0, CLI_BOOL, &all, false},
        {"selector", 'l', CLI_STRING, &selector, false},
        {"output", 'o', CLI_STRING, &output, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    const char *field = labels ? "labels" : "annotations";
    const char *what = labels ? "label" : "annotation";
    int status = 0;
    struct target *targets = NULL;
    size_t n = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    /* resources first, then key=value and key- changes */
    size_t nres = 0;
    while (nres < args.n && strchr(args.v[nres], '=') == NULL &&
           args.v[nres][strlen(args.v[nres]) - 1] != '-') {
        nres++;
    }
    if (nres == 0) {
        status = ctl_error(c, "one or more resources must be specified as <resource> "
                              "<name> or <resource>/<name>");
        goto out;
    }
    if (nres == args.n) {
        status = ctl_error(c, "at least one %s update is required", what);
        goto out;
    }
    if (ctl_discover(c) != 0 || objects_targets(c, args.v, nres, false, &targets, &n, NULL) != 0) {
        status = 1;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        cleanup_json json_t *obj = NULL;
        if (get_object(c, &targets[i], &obj) != 0) {
            status = 1;
            continue;
        }
        json_t *current = jpath_get(obj, labels ? "metadata.labels" : "metadata.annotations");
        cleanup_json json_t *changes = json_object();
        bool removed = false, added = false, failed = false;
        for (size_t a = nres; a < args.n && !failed; a++) {
            const char *arg = args.v[a];
            const char *eq = strchr(arg, '=');
            if (eq == NULL) { /* key- */
                cleanup_free char *key = xstrndup(arg, strlen(arg) - 1);
                if (json_object_get(current, key) == NULL) {
                    fprintf(c->out, "%s \"%s\" not found.\n", what, key);
                    continue;
                }
                json_object_set_new(changes, key, json_null());
                removed = true;
                continue;
            }
            cleanup_free char *key = xstrndup(arg, (size_t)(eq - arg));
            const char *old = json_string_value(json_object_get(current, key));
            if (old != NULL && strcmp(old, eq + 1) == 0) {
                continue;
            }
            if (old != NULL && !overwrite) {
                status = labels ? ctl_error(c,
                                            "'%s' already has a value (%s), and --overwrite is "
                                            "false",
                                            key, old)
                                : ctl_error(c,
                                            "--overwrite is false but found the following "
                                            "declared annotation(s): '%s' already has a value "
                                            "(%s)",
                                            key, old);
                failed = true;
                break;
            }
            json_object_set_new(changes, key, json_string(eq + 1));
            added = true;
        }
        if (failed) {
            continue;
        }
        cleanup_free char *display = objects_display(targets[i].r, targets[i].name);
        const char *verb = labels ? "labeled" : "annotated";
        if (json_object_size(changes) == 0) {
            /* kubectl gives an object without the map an empty one, which differs from what it
             * read (the server drops empty maps), so it reports a change. */
            if (current != NULL) {
                verb = labels ? "not labeled" : "not annotated";
            }
        } else {
            cleanup_json json_t *patch = json_pack("{s:{s:O}}", "metadata", field, changes);
            cleanup_free char *body = printers_json_compact(patch);
            const char *manager = labels ? "kubectl-label" : "kubectl-annotate";
            if (patch_object(c, &targets[i], "", manager, "application/merge-patch+json", body,
                             NULL) != 0) {
                status = 1;
                continue;
            }
            if (removed && !added) {
                verb = labels ? "unlabeled" : "annotated";
            }
        }
        fprintf(c->out, "%s %s\n", display, verb);
    }
out:
    objects_targets_free(targets, n);
    cli_strv_free(&args);
    return status;
}

int cmd_label(struct ctl *c, int argc, char **argv)
{
    return label_or_annotate(c, argc, argv, true);
}

int cmd_annotate(struct ctl *c, int argc, char **argv)
{
    return label_or_annotate(c, argc, argv, false);
}

/* ---- patch ---- */

int cmd_patch(struct ctl *c, int argc, char **argv)
{
    const char *patch = NULL, *type = "strategic", *output = "";
    struct cli_strv args = {0};
    struct cli_flag flags[] = {
        {"patch", 'p', CLI_STRING, &patch, false},
        {"type", 0, CLI_STRING, &type, false},
        {"output", 'o', CLI_STRING, &output, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct target *targets = NULL;
    size_t n = 0;
    cleanup_free char *body = NULL;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    const char *ctype = strcmp(type, "strategic") == 0 ? "application/strategic-merge-patch+json"
                        : strcmp(type, "merge") == 0   ? "application/merge-patch+json"
                        : strcmp(type, "json") == 0    ? "application/json-patch+json"
                                                       : NULL;
    if (ctype == NULL) {
        status = ctl_error(c, "--type must be one of [json merge strategic], not \"%s\"", type);
        goto out;
    }
    if (patch == NULL || *patch == '\0') {
        status = ctl_error(c, "must specify --patch or --patch-file containing the contents "
                              "of the patch");
        goto out;
    }
    if (args.n == 0) {
        status = ctl_usage_error(c, "You must provide one or more resources by argument or "
                                    "filename.\nExample resource specifications include:\n   "
                                    "'-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> "
                                    "<name>'\n   '<resource>'");
        goto out;
    }
    if (ctl_discover(c) != 0 ||
        objects_targets(c, args.v, args.n, false, &targets, &n, NULL) != 0) {
        status = 1;
        goto out;
    }
    /* kubectl turns YAML patches into JSON; text that is not YAML goes as it is. */
    json_t *parsed = yamlx_load(patch, strlen(patch), NULL);
    body = parsed ? printers_json_compact(parsed) : xstrdup(patch);
    json_decref(parsed);
    for (size_t i = 0; i < n; i++) {
        cleanup_json json_t *before = NULL, *after = NULL;
        if (get_object(c, &targets[i], &before) != 0 ||
            patch_object(c, &targets[i], "", "kubectl-patch", ctype, body, &after) != 0) {
            status = 1;
            continue;
        }
        cleanup_free char *display = objects_display(targets[i].r, targets[i].name);
        bool changed = after == NULL || !json_equal(before, after);
        if (strcmp(output, "name") == 0) {
            fprintf(c->out, "%s\n", display);
        } else {
            fprintf(c->out, "%s patched%s\n", display, changed ? "" : " (no change)");
        }
    }
out:
    objects_targets_free(targets, n);
    cli_strv_free(&args);
    return status;
}

/* ---- scale ---- */

int cmd_scale(struct ctl *c, int argc, char **argv)
{
    int replicas = -1, current = -1;
    struct cli_strv args = {0};
    struct cli_flag flags[] = {
        {"replicas", 0, CLI_INT, &replicas, false},
        {"current-replicas", 0, CLI_INT, &current, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct target *targets = NULL;
    size_t n = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (!flags[0].changed) {
        status = ctl_error(c, "required flag(s) \"replicas\" not set");
        goto out;
    }
    if (replicas < 0) {
        status = ctl_usage_error(c, "The --replicas=COUNT flag is required, and COUNT must be "
                                    "greater than or equal to 0");
        goto out;
    }
    if (ctl_discover(c) != 0 ||
        objects_targets(c, args.v, args.n, false, &targets, &n, NULL) != 0) {
        status = 1;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *path = ctl_object_path(c, targets[i].r, targets[i].name);
        struct http_response resp = {0};
        struct err e = {0};
        if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
            status = ctl_transport_error(c, &e);
            continue;
        }
        if (resp.status != 200) {
            /* kubectl finds no object to scale and names the lookup's failure */
            cleanup_json json_t *st = json_loads(resp.body ? resp.body : "", 0, NULL);
            const char *msg = json_string_value(json_object_get(st, "message"));
            status = ctl_error(c, "no objects passed to scale %s", msg ? msg : "");
            http_response_free(&resp);
            continue;
        }
        http_response_free(&resp);
        cleanup_free char *body = xasprintf("{\"spec\":{\"replicas\":%d}}", replicas);
        if (patch_object(c, &targets[i], "/scale", NULL, "application/merge-patch+json", body,
                         NULL) != 0) {
            status = 1;
            continue;
        }
        cleanup_free char *display = objects_display(targets[i].r, targets[i].name);
        fprintf(c->out, "%s scaled\n", display);
    }
out:
    objects_targets_free(targets, n);
    cli_strv_free(&args);
    return status;
}
