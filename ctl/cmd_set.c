/* `c8sctl set` as kubectl 1.32's (k8s.io/kubectl/pkg/cmd/set): image, env, resources,
 * serviceaccount, selector and subject. Each reads its objects (TYPE NAME, TYPE/NAME, -l, --all,
 * -f, or --local files), changes a copy, and sends the two-way strategic merge patch between the
 * object as read and as changed (fieldManager=kubectl-set); errors are gathered and printed at
 * the end as kubectl's aggregated errors are, one line for one error, each with its blank line
 * for several. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "cleanup.h"
#include "jpath.h"
#include "printers.h"
#include "quantity.h"
#include "selector.h"
#include "workload.h"
#include "xalloc.h"

/* ---- What the subcommands share ---------------------------------------------------------- */

/* The flags of kubectl's resource builder and printers (each subcommand offers a subset). */
struct set_opts {
    struct cli_strv files;
    bool recursive, all, local;
    const char *selector, *output, *dry_run_flag, *field_manager;
    enum dry_run dry_run;
};

#define SET_OPTS_INIT                                                        \
    {                                                                        \
        .output = "", .dry_run_flag = "none", .field_manager = "kubectl-set" \
    }

#define SET_FILE_FLAGS(o)                                                                 \
    {"filename", 'f', CLI_STRING_SLICE, &(o).files, false},                               \
        {"recursive", 'R', CLI_BOOL, &(o).recursive, false},                              \
        {"all", 0, CLI_BOOL, &(o).all, false}, {"local", 0, CLI_BOOL, &(o).local, false}, \
        {"output", 'o', CLI_STRING, &(o).output, false},                                  \
        {"dry-run", 0, CLI_STRING, &(o).dry_run_flag, false},                             \
    {                                                                                     \
        "field-manager", 0, CLI_STRING, &(o).field_manager, false                         \
    }
#define SET_SELECTOR_FLAG(o)                              \
    {                                                     \
        "selector", 'l', CLI_STRING, &(o).selector, false \
    }
#define SET_FLAGS_END                    \
    {                                    \
        NULL, 0, CLI_STRING, NULL, false \
    }

/* The objects a subcommand works on; local ones own their mapper_resource. */
struct set_objects {
    struct workload *v;
    size_t n;
    struct mapper_resource *local_r; /* owned array, one per object read with --local */
};

/* kubectl's errors as utilerrors.NewAggregate gathers them: texts as the Go errors print. */
static void errs_add(struct cli_strv *errs, const char *fmt, ...) C8S_FMT(2, 3);
static void errs_add(struct cli_strv *errs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = xmalloc((size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, ap);
    va_end(ap);
    cli_strv_add(errs, text);
    free(text);
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* cmdutil.CheckErr on an aggregate: one error prints "error: " before it unless it is an API
 * error's line or says "error: " already; several print one after another, unprefixed, each
 * with a newline added. printed counts the errors of the same aggregate printed already (failed
 * GETs). Returns the exit status. */
static int errs_print(struct ctl *c, const struct cli_strv *errs, size_t printed)
{
    if (errs->n == 1 && printed == 0) {
        const char *msg = errs->v[0];
        bool bare = has_prefix(msg, "error: ") || has_prefix(msg, "Error from server");
        size_t len = strlen(msg);
        fprintf(c->errout, "%s%s%s", bare ? "" : "error: ", msg,
                len > 0 && msg[len - 1] == '\n' ? "" : "\n");
    } else {
        for (size_t i = 0; i < errs->n; i++) {
            fprintf(c->errout, "%s\n", errs->v[i]);
        }
    }
    return errs->n + printed > 0;
}

static void set_objects_free(struct set_objects *objs)
{
    if (objs->local_r != NULL) {
        for (size_t i = 0; i < objs->n; i++) {
            free(objs->local_r[i].group);
            free(objs->local_r[i].version);
            free(objs->local_r[i].kind);
            free(objs->local_r[i].resource);
        }
        free(objs->local_r);
    }
    workload_free(objs->v, objs->n);
    memset(objs, 0, sizeof *objs);
}

/* Frees what every subcommand holds at its end. */
static void set_release(struct set_opts *o, struct set_objects *objs, struct cli_strv *errs,
                        struct cli_strv *args)
{
    set_objects_free(objs);
    cli_strv_free(errs);
    cli_strv_free(args);
    cli_strv_free(&o->files);
}

static int no_resources_error(struct ctl *c)
{
    return ctl_error(c, "You must provide one or more resources by argument or filename.\n"
                        "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
                        "'--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
}

static int local_resource_error(struct ctl *c)
{
    return ctl_error(c, "you must specify resources by --filename when --local is set.\n"
                        "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
                        "'--filename=rsrc.json'");
}

/* --local: the objects of the files as they are; their resource is made up from apiVersion and
 * kind, named as kubectl's Info.ObjectName does without a mapping ("configmap/x"). */
static int collect_local(struct ctl *c, const struct set_opts *o, struct set_objects *out)
{
    if (o->files.n == 0) {
        return no_resources_error(c);
    }
    struct manifest *ms = NULL;
    size_t n = 0;
    if (objects_read(c, &o->files, o->recursive, &ms, &n) != 0) {
        return 1;
    }
    out->v = xcalloc(n + 1, sizeof *out->v);
    out->local_r = xcalloc(n + 1, sizeof *out->local_r);
    for (size_t i = 0; i < n; i++) {
        struct mapper_resource *r = &out->local_r[i];
        const char *api_version = jpath_get_string(ms[i].obj, "apiVersion");
        const char *slash = api_version ? strchr(api_version, '/') : NULL;
        r->group = slash ? xstrndup(api_version, (size_t)(slash - api_version)) : xstrdup("");
        r->version = xstrdup(slash ? slash + 1 : api_version ? api_version : "");
        const char *kind = jpath_get_string(ms[i].obj, "kind");
        r->kind = xstrdup(kind ? kind : "");
        cleanup_free char *lower = xstrdup(r->kind);
        for (char *p = lower; *p; p++) {
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        }
        r->resource = *r->group ? xasprintf("%s.%s", lower, r->group) : xstrdup(lower);
        out->v[i].r = r;
        out->v[i].obj = json_incref(ms[i].obj);
        out->n++;
    }
    objects_manifests_free(ms, n);
    return 0;
}

/* kubectl's resource builder over args, -l, --all and -f (or the files alone with --local):
 * every object is fetched before anything changes; failed GETs are all reported. With
 * keep_going the objects read are kept when some failed (a visitor's ContinueOnError). Returns
 * 0, or 1 after printing the errors. */
static int set_collect_more(struct ctl *c, const struct set_opts *o, const struct cli_strv *args,
                            bool keep_going, struct set_objects *out)
{
    memset(out, 0, sizeof *out);
    if (o->local) {
        return collect_local(c, o, out);
    }
    bool selecting = o->selector && *o->selector;
    if (selecting && args->n == 0 && o->files.n == 0) {
        return ctl_error(c, "at least one resource must be specified to use a selector");
    }
    if (args->n == 0 && o->files.n == 0) {
        return no_resources_error(c);
    }
    if (selecting) {
        for (size_t i = 0; i < args->n; i++) {
            if (strchr(args->v[i], '/')) {
                return ctl_error(c, "selectors and the all flag cannot be used when passing "
                                    "resource/name arguments");
            }
        }
        if (args->n > 1) {
            return ctl_error(c, "name cannot be provided when a selector is specified");
        }
    }
    struct workload_source src = {args, &o->files, o->recursive, o->selector, o->all, false, true};
    if (workload_collect(c, &src, &out->v, &out->n) != 0) {
        if (!keep_going) {
            set_objects_free(out);
        }
        return 1;
    }
    return 0;
}

/* set_collect_more stopping at failed GETs: what kubectl's builder.Infos() does. */
static int set_collect(struct ctl *c, const struct set_opts *o, const struct cli_strv *args,
                       struct set_objects *out)
{
    return set_collect_more(c, o, args, false, out);
}

/* The pod spec of obj (borrowed), or NULL when it has none: pods, the templates of the
 * workload kinds, and a cron job's job template (polymorphichelpers.UpdatePodSpecForObject). */
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

/* What a change function made of one object. */
enum set_outcome {
    SET_CHANGED, /* patch it (when the patch is not empty) */
    SET_SKIPPED, /* no patch at all (kubectl's mutate returned nil) */
    SET_FAILED,  /* *why holds the reason, reported as "error: <resource>/<name> <why>" */
};

/* Changes obj (a copy of the live object) in place; spec is its pod spec when the run is over
 * pod templates, else NULL. */
typedef enum set_outcome (*set_change_fn)(struct ctl *c, const struct workload *w, json_t *obj,
                                          json_t *spec, void *data, char **why);

/* How one subcommand reports. */
struct set_run {
    const char *verb;          /* "env updated" */
    const char *patch_failure; /* "failed to patch env update to pod template: ", NULL: the
                                * server's error line as it is (selector) */
    bool patch_unchanged;      /* send "{}" too (serviceaccount, selector) */
    bool failure_is_bare;      /* SET_FAILED reported as the reason alone (selector) */
    bool change_only;          /* set env --list: change (and print), send nothing */
    bool pod_template;         /* objects without a pod template fail */
    const char *after_patch;   /* set env: the error that ends the run after a sent patch */
    set_change_fn change;
    void *data;
};

/* The PATCH of one object; on failure *failure gets the text kubectl's error prints: the
 * Status message (wrapped by the caller) or, with standard, the "Error from server" line. */
static int send_patch(struct ctl *c, const struct workload *w, const char *content_type,
                      const char *body, const struct set_opts *o, bool standard, json_t **answer,
                      char **failure)
{
    if (!standard) {
        return workload_patch(c, w, content_type, body, o->field_manager, o->dry_run, answer,
                              failure);
    }
    cleanup_free char *collection = mapper_collection_path(w->r, workload_ns(w));
    cleanup_free char *path = xasprintf("%s/%s?%sfieldManager=%s", collection, workload_name(w),
                                        objects_dry_run_query(o->dry_run), o->field_manager);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "PATCH", path, CTL_ACCEPT_JSON, content_type, body, &resp, &e) != 0) {
        *failure = xstrdup(e.msg);
        return 1;
    }
    int rc = 0;
    if (resp.status < 200 || resp.status > 299) {
        *failure = ctl_api_error_text(&resp, NULL);
        rc = 1;
    } else {
        *answer = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
    }
    http_response_free(&resp);
    return rc;
}

/* Sends (or prints) one object's change; errors go to errs. Returns 1 when run->after_patch
 * ends the run, else 0. */
static int patch_one(struct ctl *c, const struct set_opts *o, const struct set_run *run,
                     const struct workload *w, const json_t *changed, struct cli_strv *errs)
{
    struct err e = {0};
    const struct jpatch_smp_schema *schema = objects_smp_schema(w->r);
    cleanup_json json_t *patch = schema ? jpatch_smp_create(w->obj, changed, schema, &e)
                                        : jpatch_merge_create(w->obj, changed, &e);
    if (patch == NULL) {
        errs_add(errs, "%s", e.msg);
        return 0;
    }
    if (json_object_size(patch) == 0 && !run->patch_unchanged) {
        return 0; /* kubectl sends nothing and prints nothing */
    }
    cleanup_free char *display = objects_display(w->r, workload_name(w));
    if (o->local || o->dry_run == DRY_RUN_CLIENT) {
        objects_print_result(c, changed, display, run->verb, o->output, o->dry_run, false);
        return 0;
    }
    cleanup_free char *body = printers_json_compact(patch);
    cleanup_free char *failure = NULL;
    cleanup_json json_t *answer = NULL;
    const char *type =
        schema ? "application/strategic-merge-patch+json" : "application/merge-patch+json";
    if (send_patch(c, w, type, body, o, run->patch_failure == NULL, &answer, &failure) != 0) {
        errs_add(errs, "%s%s", run->patch_failure ? run->patch_failure : "", failure);
        return 0;
    }
    if (run->after_patch != NULL) {
        return 1;
    }
    objects_print_result(c, answer ? answer : changed, display, run->verb, o->output, o->dry_run,
                         false);
    return 0;
}

/* kubectl's CalculatePatches and the loop after it: every object is changed first (the change
 * functions print their warnings then), then each patch is sent or printed. Errors are added to
 * errs in kubectl's order. */
static void set_apply(struct ctl *c, const struct set_opts *o, const struct set_run *run,
                      const struct set_objects *objs, struct cli_strv *errs)
{
    json_t **changed = xcalloc(objs->n + 1, sizeof *changed);
    char **why = xcalloc(objs->n + 1, sizeof *why);
    enum set_outcome *outcome = xcalloc(objs->n + 1, sizeof *outcome);
    for (size_t i = 0; i < objs->n; i++) {
        changed[i] = json_deep_copy(objs->v[i].obj);
        json_t *spec = run->pod_template ? pod_spec(objs->v[i].r, changed[i]) : NULL;
        if (run->pod_template && spec == NULL) {
            why[i] = xasprintf("the object is not a pod or does not have a pod template: *%s.%s",
                               objs->v[i].r->version, objs->v[i].r->kind);
            outcome[i] = SET_FAILED;
            continue;
        }
        outcome[i] = run->change(c, &objs->v[i], changed[i], spec, run->data, &why[i]);
    }
    bool ended = run->change_only;
    for (size_t i = 0; i < objs->n; i++) {
        const struct workload *w = &objs->v[i];
        if (ended) {
            /* nothing more is sent */
        } else if (outcome[i] == SET_FAILED) {
            if (run->failure_is_bare) {
                errs_add(errs, "%s", why[i]);
            } else {
                /* Info.ObjectName; without a mapping (--local) a grouped kind's name ends
                 * in a newline in kubectl */
                bool newline = objs->local_r != NULL && *w->r->group != '\0';
                errs_add(errs, "error: %s/%s%s %s\n", w->r->resource, workload_name(w),
                         newline ? "\n" : "", why[i]);
            }
        } else if (outcome[i] == SET_CHANGED && patch_one(c, o, run, w, changed[i], errs) != 0) {
            ended = true;
            cli_strv_free(errs);
            errs_add(errs, "%s", run->after_patch);
        }
        json_decref(changed[i]);
        free(why[i]);
    }
    free(changed);
    free(why);
    free(outcome);
}

/* Parses --dry-run and checks -o; 0 or 1 after kubectl's error. */
static int set_check_output(struct ctl *c, struct set_opts *o)
{
    if (objects_dry_run(c, o->dry_run_flag, &o->dry_run) != 0 ||
        objects_check_output(c, o->output) != 0) {
        return 1;
    }
    return 0;
}

static int local_server_error(struct ctl *c)
{
    return ctl_error(c, "cannot specify --local and --dry-run=server - did you mean "
                        "--dry-run=client?");
}

/* What set resources and set subject do before their own checks, in kubectl's order: -o and
 * --dry-run, --local without TYPE NAME, the objects, then --local with a server dry run and
 * --all with -l. Returns 0, or 1 after kubectl's error. */
static int set_prepare(struct ctl *c, struct set_opts *o, const struct cli_strv *args,
                       struct set_objects *objs)
{
    if (set_check_output(c, o) != 0) {
        return 1;
    }
    if (o->local && args->n > 0) {
        return local_resource_error(c);
    }
    if (set_collect(c, o, args, objs) != 0) {
        return 1;
    }
    if (o->local && o->dry_run == DRY_RUN_SERVER) {
        return local_server_error(c);
    }
    if (o->all && o->selector && *o->selector) {
        return ctl_error(c, "cannot set --all and --selector at the same time");
    }
    return 0;
}

/* kubectl's selectString: name matches spec, where "*" stands for any run of characters, with
 * kubectl's quirks (positions of later parts are taken relative to the rest of the string). */
static bool select_string(const char *s, const char *spec)
{
    if (strcmp(spec, "*") == 0) {
        return true;
    }
    if (strchr(spec, '*') == NULL) {
        return strcmp(s, spec) == 0;
    }
    size_t pos = 0, slen = strlen(s);
    cleanup_free char *parts = xstrdup(spec);
    char *part = parts;
    for (size_t i = 0; part != NULL; i++) {
        char *star = strchr(part, '*');
        bool last = star == NULL;
        if (star) {
            *star = '\0';
        }
        if (*part != '\0') {
            const char *found = pos <= slen ? strstr(s + pos, part) : NULL;
            long next = found ? (long)(found - (s + pos)) : -1;
            if (next < (long)pos || (i == 0 && pos != 0) ||
                (last && (long)slen != (long)strlen(part) + next)) {
                return false;
            }
            pos = (size_t)next;
        }
        part = last ? NULL : star + 1;
    }
    return true;
}

/* The containers of spec whose names match pattern: containers, then init containers (as
 * kubectl appends them). Returns how many were written to out (borrowed), out sized by the
 * caller through count_containers. */
static size_t count_containers(json_t *spec)
{
    return json_array_size(json_object_get(spec, "containers")) +
           json_array_size(json_object_get(spec, "initContainers"));
}

static size_t select_containers(json_t *spec, const char *pattern, json_t **out)
{
    static const char *const lists[] = {"containers", "initContainers"};
    size_t n = 0;
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *ctr;
        json_array_foreach (json_object_get(spec, lists[l]), i, ctr) {
            const char *name = jpath_get_string(ctr, "name");
            if (select_string(name ? name : "", pattern)) {
                out[n++] = ctr;
            }
        }
    }
    return n;
}

/* ---- set image --------------------------------------------------------------------------- */

struct image_change {
    const struct cli_strv *images; /* name=image */
    struct cli_strv *errs;
};

/* Sets the image of the containers called name ("*": all) in the init containers and
 * containers of spec. Returns whether one was found. */
static bool set_container_image(json_t *spec, const char *name, const char *image)
{
    static const char *const lists[] = {"initContainers", "containers"};
    bool found = false;
    for (size_t l = 0; l < 2; l++) {
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

static enum set_outcome change_image(struct ctl *c, const struct workload *w, json_t *obj,
                                     json_t *spec, void *data, char **why)
{
    (void)c;
    struct image_change *ic = data;
    for (size_t k = 0; k < ic->images->n; k++) {
        const char *eq = strchr(ic->images->v[k], '=');
        cleanup_free char *name = xstrndup(ic->images->v[k], (size_t)(eq - ic->images->v[k]));
        if (!set_container_image(spec, name, eq + 1)) {
            errs_add(ic->errs, "error: unable to find container named \"%s\"", name);
        }
    }
    return SET_CHANGED;
}

static int set_image(struct ctl *c, int argc, char **argv)
{
    struct set_opts o = SET_OPTS_INIT;
    struct cli_strv args = {0}, errs = {0}, resources = {0}, images = {0};
    struct cli_flag flags[] = {SET_FILE_FLAGS(o), SET_SELECTOR_FLAG(o), SET_FLAGS_END};
    struct set_objects objs = {0};
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    for (size_t i = 0; i < args.n; i++) {
        cli_strv_add(strchr(args.v[i], '=') ? &images : &resources, args.v[i]);
    }
    if (set_check_output(c, &o) != 0) {
        status = 1;
        goto out;
    }
    if (o.local && resources.n > 0) {
        status = local_resource_error(c);
        goto out;
    }
    if (resources.n == 0 && o.files.n == 0 && !o.local) {
        status = no_resources_error(c);
        goto out;
    }
    if (images.n == 0) {
        status = ctl_error(c, "at least one image update is required");
        goto out;
    }
    if (o.local && o.dry_run == DRY_RUN_SERVER) {
        status = local_server_error(c);
        goto out;
    }
    if (set_collect(c, &o, &resources, &objs) != 0) {
        status = 1;
        goto out;
    }
    struct image_change ic = {&images, &errs};
    struct set_run run = {.verb = "image updated",
                          .pod_template = true,
                          .patch_failure = "failed to patch image update to pod template: ",
                          .change = change_image,
                          .data = &ic};
    set_apply(c, &o, &run, &objs, &errs);
    status = errs_print(c, &errs, 0);
out:
    set_release(&o, &objs, &errs, &args);
    cli_strv_free(&resources);
    cli_strv_free(&images);
    return status;
}

/* ---- set env ----------------------------------------------------------------------------- */

/* Go's %q of a string (strconv.Quote for the ASCII it meets here). Owned. */
static char *go_quote(const char *s)
{
    size_t cap = strlen(s) * 4 + 3, n = 0;
    char *out = xmalloc(cap);
    out[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            out[n++] = '\\';
            out[n++] = (char)*p;
        } else if (*p == '\n' || *p == '\t' || *p == '\r') {
            out[n++] = '\\';
            out[n++] = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
        } else if (*p < 0x20 || *p == 0x7f) {
            n += (size_t)snprintf(out + n, cap - n, "\\x%02x", *p);
        } else {
            out[n++] = (char)*p;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

/* validation.IsEnvVarName's messages joined by ";", or NULL when name is valid. Owned. */
static char *env_name_errors(const char *name)
{
    static const char first[] = "-._abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    bool valid = name[0] != '\0' && strchr(first, name[0]) != NULL &&
                 strspn(name, "-._abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "0123456789") == strlen(name);
    const char *chdir = strcmp(name, ".") == 0    ? "must not be '.'"
                        : strcmp(name, "..") == 0 ? "must not be '..'"
                        : has_prefix(name, "..")  ? "must not start with '..'"
                                                  : NULL;
    if (valid && chdir == NULL) {
        return NULL;
    }
    return xasprintf("%s%s%s",
                     valid ? ""
                           : "a valid environment variable name must consist of alphabetic "
                             "characters, digits, '_', '-', or '.', and must not start with a "
                             "digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
                             "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
                     !valid && chdir ? ";" : "", chdir ? chdir : "");
}

/* An EnvVar as the typed object encodes it (an empty value is omitted). New reference. */
static json_t *env_var(const char *name, size_t name_len, const char *value)
{
    json_t *v = json_object();
    json_object_set_new(v, "name", json_stringn(name, name_len));
    if (*value) {
        json_object_set_new(v, "value", json_string(value));
    }
    return v;
}

/* The lines of stdin in env syntax (kubectl's readEnv: "#" starts a comment). */
static void read_env_stdin(json_t *env)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        line[strcspn(line, "\n")] = '\0';
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = '\0';
        }
        char *eq = strchr(line, '=');
        if (eq) {
            json_array_append_new(env, env_var(line, (size_t)(eq - line), eq + 1));
        }
    }
    free(line);
}

/* kubectl's ParseEnv: KEY=VALUE into env, KEY- into remove, "-" reads stdin. Returns NULL or
 * kubectl's error (owned). */
static char *parse_env(const struct cli_strv *specs, json_t *env, struct cli_strv *remove)
{
    struct cli_strv set_names = {0};
    char *error = NULL;
    for (size_t i = 0; i < specs->n && error == NULL; i++) {
        const char *spec = specs->v[i];
        const char *eq = strchr(spec, '=');
        size_t len = strlen(spec);
        if (strcmp(spec, "-") == 0) {
            read_env_stdin(env);
        } else if (eq != NULL) {
            cleanup_free char *name = xstrndup(spec, (size_t)(eq - spec));
            cleanup_free char *why = env_name_errors(name);
            if (why != NULL) {
                cleanup_free char *quoted = go_quote(name);
                error = xasprintf("%s is not a valid key name: %s", quoted, why);
                break;
            }
            cli_strv_add(&set_names, name);
            json_array_append_new(env, env_var(spec, (size_t)(eq - spec), eq + 1));
        } else if (len > 0 && spec[len - 1] == '-') {
            cleanup_free char *name = xstrndup(spec, len - 1);
            cli_strv_add(remove, name);
        } else {
            error = xasprintf("unknown environment variable: %s", spec);
        }
    }
    for (size_t i = 0; i < remove->n && error == NULL; i++) {
        for (size_t k = 0; k < set_names.n; k++) {
            if (strcmp(remove->v[i], set_names.v[k]) == 0) {
                error = xstrdup("can not both modify and remove the same environment variable "
                                "in the same command");
                break;
            }
        }
    }
    cli_strv_free(&set_names);
    return error;
}

static json_t *find_env(json_t *list, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach (list, i, e) {
        const char *n = jpath_get_string(e, "name");
        if (n && strcmp(n, name) == 0) {
            return e;
        }
    }
    return NULL;
}

static bool strv_has(const struct cli_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++) {
        if (strcmp(sv->v[i], s) == 0) {
            return true;
        }
    }
    return false;
}

/* kubectl's updateEnv: an added variable replaces every one of its name, a removed one goes
 * with all of its name, the others stay (duplicates too). New reference. */
static json_t *update_env(json_t *existing, json_t *env, const struct cli_strv *remove)
{
    json_t *out = json_array();
    struct cli_strv covered = {0};
    for (size_t i = 0; i < remove->n; i++) {
        cli_strv_add(&covered, remove->v[i]);
    }
    size_t i;
    json_t *e;
    json_array_foreach (existing, i, e) {
        const char *name = jpath_get_string(e, "name");
        name = name ? name : "";
        if (strv_has(&covered, name)) {
            continue;
        }
        json_t *newer = find_env(env, name);
        if (newer) {
            cli_strv_add(&covered, name);
        }
        json_array_append_new(out, json_deep_copy(newer ? newer : e));
    }
    json_array_foreach (env, i, e) {
        const char *name = jpath_get_string(e, "name");
        if (!strv_has(&covered, name)) {
            cli_strv_add(&covered, name);
            json_array_append_new(out, json_deep_copy(e));
        }
    }
    cli_strv_free(&covered);
    return out;
}

struct env_change {
    json_t *env;            /* EnvVars to set (borrowed) */
    struct cli_strv remove; /* names to remove */
    const char *containers;
    bool overwrite, list, resolve;
};

/* GetEnvVarRefString: what a valueFrom refers to. Owned. */
static char *env_ref_string(const json_t *from)
{
    const json_t *ref;
    if ((ref = json_object_get(from, "configMapKeyRef")) != NULL) {
        return xasprintf("configmap %s, key %s", jpath_get_string(ref, "name") ?: "",
                         jpath_get_string(ref, "key") ?: "");
    }
    if ((ref = json_object_get(from, "secretKeyRef")) != NULL) {
        return xasprintf("secret %s, key %s", jpath_get_string(ref, "name") ?: "",
                         jpath_get_string(ref, "key") ?: "");
    }
    if ((ref = json_object_get(from, "fieldRef")) != NULL) {
        return xasprintf("field path %s", jpath_get_string(ref, "fieldPath") ?: "");
    }
    if ((ref = json_object_get(from, "resourceFieldRef")) != NULL) {
        const char *container = jpath_get_string(ref, "containerName");
        return xasprintf("resource field %s%s%s", container && *container ? container : "",
                         container && *container ? "/" : "",
                         jpath_get_string(ref, "resource") ?: "");
    }
    return xstrdup("invalid valueFrom");
}

/* The secrets and config maps read while resolving one container (kubectl's ResourceStore). */
struct ref_store {
    struct cli_strv keys; /* "secrets/NAME", "configmaps/NAME" */
    json_t *objs;         /* array, parallel to keys */
};

/* The value of key in the secret or config map (resource "secrets"/"configmaps") name of the
 * command's namespace. Returns an owned value, or NULL with *why (owned). */
static char *ref_value(struct ctl *c, struct ref_store *store, const char *resource,
                       const char *name, const char *key, char **why)
{
    cleanup_free char *store_key = xasprintf("%s/%s", resource, name);
    json_t *obj = NULL;
    for (size_t i = 0; i < store->keys.n; i++) {
        if (strcmp(store->keys.v[i], store_key) == 0) {
            obj = json_array_get(store->objs, i);
        }
    }
    if (obj == NULL) {
        cleanup_free char *path = xasprintf("/api/v1/namespaces/%s/%s/%s", c->ns, resource, name);
        struct http_response resp = {0};
        struct err e = {0};
        if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
            *why = xstrdup(e.msg);
            return NULL;
        }
        json_t *body = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
        if (resp.status < 200 || resp.status > 299) {
            const char *msg = json_string_value(json_object_get(body, "message"));
            *why = msg ? xstrdup(msg) : ctl_api_error_text(&resp, NULL);
            json_decref(body);
            http_response_free(&resp);
            return NULL;
        }
        http_response_free(&resp);
        obj = body ? body : json_object();
        cli_strv_add(&store->keys, store_key);
        json_array_append_new(store->objs, obj);
    }
    bool secret = strcmp(resource, "secrets") == 0;
    const char *value = json_string_value(json_object_get(json_object_get(obj, "data"), key));
    if (value == NULL) {
        *why = xasprintf("key %s not found in %s %s", key, secret ? "secret" : "config map", name);
        return NULL;
    }
    if (!secret) {
        return xstrdup(value);
    }
    uint8_t *raw = NULL;
    size_t len = 0;
    struct err e = {0};
    if (b64_decode(value, strlen(value), &raw, &len, &e) != 0) {
        *why = xstrdup(e.msg);
        return NULL;
    }
    return (char *)raw;
}

/* formatMap: k="v" lines in key order (the server's maps come sorted). Owned. */
static char *format_map(const json_t *map)
{
    char *out = xstrdup("");
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)map, k, v) {
        cleanup_free char *quoted = go_quote(json_string_value(v) ?: "");
        char *next = xasprintf("%s%s%s=%s", out, *out ? "\n" : "", k, quoted);
        free(out);
        out = next;
    }
    return out;
}

/* extractFieldPathAsString over the object's metadata. Owned, or NULL with *why. */
static char *field_ref_value(const json_t *obj, const char *path, char **why)
{
    const json_t *meta = json_object_get(obj, "metadata");
    size_t len = strlen(path);
    const char *open = strstr(path, "['");
    if (len >= 2 && strcmp(path + len - 2, "']") == 0 && open != NULL && open != path) {
        cleanup_free char *field = xstrndup(path, (size_t)(open - path));
        cleanup_free char *sub = xstrndup(open + 2, (size_t)(path + len - 2 - (open + 2)));
        const char *map = strcmp(field, "metadata.annotations") == 0 ? "annotations"
                          : strcmp(field, "metadata.labels") == 0    ? "labels"
                                                                     : NULL;
        if (map == NULL) {
            cleanup_free char *quoted = go_quote(path);
            *why = xasprintf("fieldPath %s does not support subscript", quoted);
            return NULL;
        }
        return xstrdup(json_string_value(json_object_get(json_object_get(meta, map), sub)) ?: "");
    }
    if (strcmp(path, "metadata.annotations") == 0 || strcmp(path, "metadata.labels") == 0) {
        return format_map(json_object_get(meta, path + strlen("metadata.")));
    }
    if (strcmp(path, "metadata.name") == 0 || strcmp(path, "metadata.namespace") == 0 ||
        strcmp(path, "metadata.uid") == 0) {
        return xstrdup(jpath_get_string(obj, path) ?: "");
    }
    *why = xasprintf("unsupported fieldPath: %s", path);
    return NULL;
}

/* extractContainerResourceValue: a limit or request of the container over the divisor,
 * rounded up. Owned, or NULL with *why. */
static char *resource_ref_value(const json_t *ref, const json_t *ctr, char **why)
{
    const char *resource = jpath_get_string(ref, "resource") ?: "";
    struct quantity divisor = QUANTITY_ZERO, one = QUANTITY_ZERO, value = QUANTITY_ZERO;
    struct err e = {0};
    quantity_init_scaled(&one, 1, 0, QUANTITY_DECIMAL_SI);
    if (quantity_from_json(json_object_get(ref, "divisor"), &divisor, &e) != 0 ||
        quantity_sign(&divisor) == 0) {
        divisor = one;
    }
    const char *dot = strchr(resource, '.');
    bool known = false, cpu = false;
    if (dot && (has_prefix(resource, "limits.") || has_prefix(resource, "requests."))) {
        const char *name = dot + 1;
        cpu = strcmp(name, "cpu") == 0;
        known = cpu || strcmp(name, "memory") == 0 || strcmp(name, "ephemeral-storage") == 0 ||
                has_prefix(name, "hugepages-");
        cleanup_free char *list = xstrndup(resource, (size_t)(dot - resource));
        const json_t *q =
            json_object_get(json_object_get(json_object_get(ctr, "resources"), list), name);
        if (known && q != NULL && quantity_from_json(q, &value, &e) != 0) {
            value = (struct quantity)QUANTITY_ZERO;
        }
    }
    if (!known) {
        *why = xasprintf("Unsupported container resource : %s", resource);
        return NULL;
    }
    double ratio =
        cpu ? (double)quantity_milli_value(&value) / (double)quantity_milli_value(&divisor)
            : (double)quantity_value(&value) / (double)quantity_value(&divisor);
    return xasprintf("%lld", (long long)ceil(ratio));
}

/* GetEnvVarRefValue. Owned, or NULL with *why (owned). */
static char *env_ref_value(struct ctl *c, struct ref_store *store, const json_t *from,
                           const json_t *obj, const json_t *ctr, char **why)
{
    const json_t *ref;
    if ((ref = json_object_get(from, "secretKeyRef")) != NULL) {
        return ref_value(c, store, "secrets", jpath_get_string(ref, "name") ?: "",
                         jpath_get_string(ref, "key") ?: "", why);
    }
    if ((ref = json_object_get(from, "configMapKeyRef")) != NULL) {
        return ref_value(c, store, "configmaps", jpath_get_string(ref, "name") ?: "",
                         jpath_get_string(ref, "key") ?: "", why);
    }
    if ((ref = json_object_get(from, "fieldRef")) != NULL) {
        return field_ref_value(obj, jpath_get_string(ref, "fieldPath") ?: "", why);
    }
    if ((ref = json_object_get(from, "resourceFieldRef")) != NULL) {
        return resource_ref_value(ref, ctr, why);
    }
    *why = xstrdup("invalid valueFrom");
    return NULL;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_strv(struct cli_strv *sv)
{
    if (sv->n > 1) {
        qsort(sv->v, sv->n, sizeof *sv->v, compare_strings);
    }
}

/* set env --list: the container's variables, references as comments (or their values with
 * --resolve). Returns whether a reference failed to resolve; the failures go to stderr grouped
 * by error, as kubectl prints them. */
static bool list_env(struct ctl *c, const struct workload *w, const json_t *obj, const json_t *ctr,
                     bool resolve)
{
    fprintf(c->out, "# %s %s, container %s\n", w->r->kind, workload_name(w),
            jpath_get_string(ctr, "name") ?: "");
    struct ref_store store = {{0}, json_array()};
    struct cli_strv whys = {0}, names = {0}; /* parallel: one failure per variable */
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(ctr, "env"), i, e) {
        const char *name = jpath_get_string(e, "name") ?: "";
        const json_t *from = json_object_get(e, "valueFrom");
        if (from == NULL) {
            fprintf(c->out, "%s=%s\n", name, jpath_get_string(e, "value") ?: "");
            continue;
        }
        char *why = NULL;
        cleanup_free char *value = resolve ? env_ref_value(c, &store, from, obj, ctr, &why) : NULL;
        if (value != NULL) {
            fprintf(c->out, "%s=%s\n", name, value);
            continue;
        }
        cleanup_free char *ref = env_ref_string(from);
        fprintf(c->out, "# %s from %s\n", name, ref);
        if (why != NULL) {
            cli_strv_add(&whys, why);
            cli_strv_add(&names, name);
            free(why);
        }
    }
    /* one line per distinct error: "error retrieving reference for A, B: <why>", sorted */
    struct cli_strv lines = {0};
    for (size_t k = 0; k < whys.n; k++) {
        bool seen = false;
        for (size_t j = 0; j < k; j++) {
            seen = seen || strcmp(whys.v[j], whys.v[k]) == 0;
        }
        if (seen) {
            continue;
        }
        struct cli_strv vars = {0};
        for (size_t j = k; j < whys.n; j++) {
            if (strcmp(whys.v[j], whys.v[k]) == 0) {
                cli_strv_add(&vars, names.v[j]);
            }
        }
        sort_strv(&vars);
        char *joined = xstrdup("");
        for (size_t j = 0; j < vars.n; j++) {
            char *next = xasprintf("%s%s%s", joined, j ? ", " : "", vars.v[j]);
            free(joined);
            joined = next;
        }
        errs_add(&lines, "error retrieving reference for %s: %s", joined, whys.v[k]);
        free(joined);
        cli_strv_free(&vars);
    }
    sort_strv(&lines);
    for (size_t k = 0; k < lines.n; k++) {
        fprintf(c->errout, "%s\n", lines.v[k]);
    }
    bool failed = whys.n > 0;
    cli_strv_free(&lines);
    cli_strv_free(&whys);
    cli_strv_free(&names);
    cli_strv_free(&store.keys);
    json_decref(store.objs);
    return failed;
}

static enum set_outcome change_env(struct ctl *c, const struct workload *w, json_t *obj,
                                   json_t *spec, void *data, char **why)
{
    struct env_change *ec = data;
    json_t **ctrs = xcalloc(count_containers(spec) + 1, sizeof *ctrs);
    size_t n = select_containers(spec, ec->containers, ctrs);
    if (n == 0) {
        cleanup_free char *quoted = go_quote(ec->containers);
        fprintf(c->errout, "Warning: %s/%s does not have any containers matching %s\n", w->r->kind,
                workload_name(w), quoted);
    }
    bool unresolved = false;
    enum set_outcome outcome = SET_CHANGED;
    for (size_t i = 0; i < n; i++) {
        json_t *existing = json_object_get(ctrs[i], "env");
        if (!ec->overwrite) {
            size_t k;
            json_t *e;
            json_array_foreach (ec->env, k, e) {
                json_t *current = find_env(existing, jpath_get_string(e, "name"));
                const char *now = jpath_get_string(current, "value") ?: "";
                if (current && strcmp(now, jpath_get_string(e, "value") ?: "") != 0) {
                    *why = xasprintf("'%s' already has a value (%s), and --overwrite is false",
                                     jpath_get_string(current, "name"), now);
                    outcome = SET_FAILED;
                    goto out;
                }
            }
        }
        json_t *updated = update_env(existing, ec->env, &ec->remove);
        if (json_array_size(updated) == 0) {
            json_object_del(ctrs[i], "env"); /* an empty list is omitted, as Go encodes it */
            json_decref(updated);
        } else {
            json_object_set_new(ctrs[i], "env", updated);
        }
        if (ec->list) {
            unresolved = list_env(c, w, obj, ctrs[i], ec->resolve) || unresolved;
        }
    }
    if (unresolved) {
        *why = xstrdup("failed to retrieve valueFrom references");
        outcome = SET_FAILED;
    }
out:
    free(ctrs);
    return outcome;
}

/* keyToEnvName: the key upper-cased with every other character than [a-zA-Z0-9_] as "_",
 * with kubectl's warning when that changed it. Owned. */
static char *key_to_env_name(struct ctl *c, const char *key)
{
    char *name = xstrdup(key);
    for (char *p = name; *p; p++) {
        char ch = *p;
        bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_';
        *p = !keep ? '_' : (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
    }
    if (strcmp(name, key) != 0) {
        fprintf(c->errout, "Warning: key %s transferred to %s\n", key, name);
    }
    return name;
}

/* --from: a variable per key of each secret or config map, referring to it. Returns 0, or 1
 * after kubectl's error. */
static int env_from(struct ctl *c, const struct set_opts *o, const char *from,
                    const struct cli_strv *keys, json_t *env)
{
    struct set_opts from_opts = *o;
    memset(&from_opts.files, 0, sizeof from_opts.files);
    struct cli_strv args = {0};
    cli_strv_add(&args, from);
    struct set_objects objs = {0};
    int status = set_collect(c, &from_opts, &args, &objs);
    cli_strv_free(&args);
    for (size_t i = 0; i < objs.n && status == 0; i++) {
        const struct mapper_resource *r = objs.v[i].r;
        const char *kind = *r->group ? "" : r->kind;
        bool secret = strcmp(kind, "Secret") == 0;
        if (!secret && strcmp(kind, "ConfigMap") != 0) {
            status = ctl_error(c, "unsupported resource specified in --from");
            break;
        }
        const char *key;
        json_t *value;
        json_object_foreach (json_object_get(objs.v[i].obj, "data"), key, value) {
            if (keys->n > 0 && !strv_has(keys, key)) {
                continue;
            }
            cleanup_free char *name = key_to_env_name(c, key);
            json_array_append_new(env,
                                  json_pack("{s:s, s:{s:{s:s, s:s}}}", "name", name, "valueFrom",
                                            secret ? "secretKeyRef" : "configMapKeyRef", "name",
                                            workload_name(&objs.v[i]), "key", key));
        }
    }
    set_objects_free(&objs);
    return status;
}

/* kubectl's SplitEnvironmentFromResources: resources first, then NAME=VALUE or NAME-. */
static bool split_env_args(const struct cli_strv *args, struct cli_strv *resources,
                           struct cli_strv *env_args)
{
    for (size_t i = 0; i < args->n; i++) {
        const char *s = args->v[i];
        size_t len = strlen(s);
        bool is_env = (len > 1 && strchr(s + 1, '=') != NULL) || (len > 0 && s[len - 1] == '-');
        if (is_env) {
            cli_strv_add(env_args, s);
        } else if (env_args->n == 0) {
            cli_strv_add(resources, s);
        } else {
            return false;
        }
    }
    return true;
}

static int set_env(struct ctl *c, int argc, char **argv)
{
    struct set_opts o = SET_OPTS_INIT;
    struct env_change ec = {.containers = "*", .overwrite = true};
    const char *from = "", *prefix = "";
    struct cli_strv args = {0}, errs = {0}, resources = {0}, env_args = {0}, env_flags = {0};
    struct cli_strv keys = {0}, specs = {0};
    struct cli_flag flags[] = {
        SET_FILE_FLAGS(o),
        SET_SELECTOR_FLAG(o),
        {"containers", 'c', CLI_STRING, &ec.containers, false},
        {"from", 0, CLI_STRING, &from, false},
        {"prefix", 0, CLI_STRING, &prefix, false},
        {"env", 'e', CLI_STRING_ARRAY, &env_flags, false},
        {"keys", 0, CLI_STRING_SLICE, &keys, false},
        {"list", 0, CLI_BOOL, &ec.list, false},
        {"resolve", 0, CLI_BOOL, &ec.resolve, false},
        {"overwrite", 0, CLI_BOOL, &ec.overwrite, false},
        SET_FLAGS_END,
    };
    struct set_objects objs = {0};
    char *bad = NULL;
    int status = 1;
    ec.env = json_array();
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    status = 1;
    if (o.all && o.selector && *o.selector) {
        ctl_error(c, "cannot set --all and --selector at the same time");
        goto out;
    }
    if (!split_env_args(&args, &resources, &env_args)) {
        cleanup_free char *joined = xstrdup("");
        for (size_t i = 0; i < args.n; i++) {
            char *next = xasprintf("%s%s%s", joined, i ? " " : "", args.v[i]);
            free(joined);
            joined = next;
        }
        ctl_error(c, "all resources must be specified before environment changes: %s", joined);
        goto out;
    }
    if (set_check_output(c, &o) != 0 || ctl_connect(c) != 0) {
        goto out;
    }
    if (o.local && o.dry_run == DRY_RUN_SERVER) {
        local_server_error(c);
        goto out;
    }
    if (o.files.n == 0 && resources.n == 0) {
        ctl_error(c, "one or more resources must be specified as <resource> <name> or "
                     "<resource>/<name>");
        goto out;
    }
    if (ec.list && *o.output) {
        ctl_error(c, "--list and --output may not be specified together");
        goto out;
    }
    if (keys.n > 0 && *from == '\0') {
        ctl_error(c, "when specifying --keys, a configmap or secret must be provided with --from");
        goto out;
    }
    for (size_t i = 0; i < env_flags.n; i++) {
        cli_strv_add(&specs, env_flags.v[i]);
    }
    for (size_t i = 0; i < env_args.n; i++) {
        cli_strv_add(&specs, env_args.v[i]);
    }
    bad = parse_env(&specs, ec.env, &ec.remove);
    if (bad != NULL) {
        ctl_error(c, "%s", bad);
        goto out;
    }
    if (*from && env_from(c, &o, from, &keys, ec.env) != 0) {
        goto out;
    }
    size_t i;
    json_t *e;
    json_array_foreach (ec.env, i, e) {
        json_object_set_new(e, "name", json_sprintf("%s%s", prefix, jpath_get_string(e, "name")));
    }
    if (set_collect(c, &o, &resources, &objs) != 0) {
        goto out;
    }
    struct set_run run = {
        .verb = "env updated",
        .pod_template = true,
        .patch_failure = "failed to patch env update to pod template: ",
        .change_only = ec.list,
        .after_patch = json_array_size(ec.env) == 0 && env_args.n == 0
                           ? "at least one environment variable must be provided"
                           : NULL,
        .change = change_env,
        .data = &ec,
    };
    set_apply(c, &o, &run, &objs, &errs);
    status = ec.list ? 0 : errs_print(c, &errs, 0);
out:
    free(bad);
    set_release(&o, &objs, &errs, &args);
    json_decref(ec.env);
    cli_strv_free(&ec.remove);
    cli_strv_free(&resources);
    cli_strv_free(&env_args);
    cli_strv_free(&env_flags);
    cli_strv_free(&keys);
    cli_strv_free(&specs);
    return status;
}

/* ---- set resources ----------------------------------------------------------------------- */

struct resources_change {
    json_t *limits, *requests; /* resource name -> canonical quantity; NULL when not given */
    const char *containers;
    struct cli_strv *errs;
};

/* populateResourceListV1: "cpu=100m,memory=256Mi" into an object of canonical quantities
 * (NULL for ""). Returns NULL with *why (owned) on kubectl's errors. */
static json_t *parse_resource_list(const char *spec, char **why, bool *ok)
{
    *ok = true;
    if (*spec == '\0') {
        return NULL;
    }
    json_t *list = json_object();
    cleanup_free char *copy = xstrdup(spec);
    for (char *stmt = copy; stmt != NULL;) {
        char *comma = strchr(stmt, ',');
        if (comma) {
            *comma = '\0';
        }
        char *eq = strchr(stmt, '=');
        if (eq == NULL || strchr(eq + 1, '=') != NULL) {
            *why = xasprintf("Invalid argument syntax %s, expected <resource>=<value>", stmt);
            goto fail;
        }
        *eq = '\0';
        struct quantity q;
        struct err e = {0};
        if (quantity_parse(eq + 1, &q, &e) != 0) {
            *why = xstrdup(e.msg);
            goto fail;
        }
        json_object_set_new(list, stmt, quantity_to_json(&q));
        stmt = comma ? comma + 1 : NULL;
    }
    return list;
fail:
    *ok = false;
    json_decref(list);
    return NULL;
}

/* Sets each of src's entries in the map field of resources (created when missing or empty). */
static void set_resource_list(json_t *resources, const char *field, const json_t *src)
{
    if (src == NULL) {
        return;
    }
    json_t *list = json_object_get(resources, field);
    if (!json_is_object(list) || json_object_size(list) == 0) {
        list = json_object();
        json_object_set_new(resources, field, list);
    }
    json_object_update(list, (json_t *)src);
}

static enum set_outcome change_resources(struct ctl *c, const struct workload *w, json_t *obj,
                                         json_t *spec, void *data, char **why)
{
    (void)c;
    struct resources_change *rc = data;
    json_t **ctrs = xcalloc(count_containers(spec) + 1, sizeof *ctrs);
    size_t n = select_containers(spec, rc->containers, ctrs);
    for (size_t i = 0; i < n; i++) {
        json_t *resources = json_object_get(ctrs[i], "resources");
        if (!json_is_object(resources)) {
            resources = json_object();
            json_object_set_new(ctrs[i], "resources", resources);
        }
        set_resource_list(resources, "limits", rc->limits);
        set_resource_list(resources, "requests", rc->requests);
    }
    free(ctrs);
    if (n == 0) {
        errs_add(rc->errs, "error: unable to find container named %s", rc->containers);
        return SET_SKIPPED;
    }
    return SET_CHANGED;
}

static int set_resources(struct ctl *c, int argc, char **argv)
{
    struct set_opts o = SET_OPTS_INIT;
    const char *limits = "", *requests = "";
    struct resources_change rc = {.containers = "*"};
    bool record = false;
    char *why = NULL;
    struct cli_strv args = {0}, errs = {0};
    struct cli_flag flags[] = {
        SET_FILE_FLAGS(o),
        SET_SELECTOR_FLAG(o),
        {"containers", 'c', CLI_STRING, &rc.containers, false},
        {"limits", 0, CLI_STRING, &limits, false},
        {"requests", 0, CLI_STRING, &requests, false},
        {"record", 0, CLI_BOOL, &record, false},
        SET_FLAGS_END,
    };
    struct set_objects objs = {0};
    int status = 1;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    status = 1;
    if (set_prepare(c, &o, &args, &objs) != 0) {
        goto out;
    }
    if (*limits == '\0' && *requests == '\0') {
        ctl_error(c, "you must specify an update to requests or limits (in the form of "
                     "--requests/--limits)");
        goto out;
    }
    bool ok;
    rc.limits = parse_resource_list(limits, &why, &ok);
    if (ok) {
        rc.requests = parse_resource_list(requests, &why, &ok);
    }
    if (!ok) {
        ctl_error(c, "%s", why);
        goto out;
    }
    rc.errs = &errs;
    struct set_run run = {
        .verb = "resource requirements updated",
        .pod_template = true,
        .patch_failure = "failed to patch resources update to pod template ",
        .change = change_resources,
        .data = &rc,
    };
    set_apply(c, &o, &run, &objs, &errs);
    status = errs_print(c, &errs, 0);
out:
    free(why);
    json_decref(rc.limits);
    json_decref(rc.requests);
    set_release(&o, &objs, &errs, &args);
    return status;
}

/* ---- set serviceaccount ------------------------------------------------------------------ */

static enum set_outcome change_service_account(struct ctl *c, const struct workload *w, json_t *obj,
                                               json_t *spec, void *data, char **why)
{
    (void)c;
    json_object_set_new(spec, "serviceAccountName", json_string(data));
    return SET_CHANGED;
}

static int set_service_account(struct ctl *c, int argc, char **argv)
{
    struct set_opts o = SET_OPTS_INIT;
    bool record = false;
    struct cli_strv args = {0}, errs = {0}, resources = {0};
    struct cli_flag flags[] = {
        SET_FILE_FLAGS(o), {"record", 0, CLI_BOOL, &record, false}, SET_FLAGS_END};
    struct set_objects objs = {0};
    int status = 1;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    status = 1;
    if (objects_dry_run(c, o.dry_run_flag, &o.dry_run) != 0) {
        goto out;
    }
    if (o.local && o.dry_run == DRY_RUN_SERVER) {
        local_server_error(c);
        goto out;
    }
    if (objects_check_output(c, o.output) != 0) {
        goto out;
    }
    if (args.n == 0) {
        ctl_error(c, "serviceaccount is required");
        goto out;
    }
    for (size_t i = 0; i + 1 < args.n; i++) {
        cli_strv_add(&resources, args.v[i]);
    }
    if (set_collect(c, &o, &resources, &objs) != 0) {
        goto out;
    }
    struct set_run run = {
        .verb = "serviceaccount updated",
        .pod_template = true,
        .patch_failure = "failed to patch ServiceAccountName ",
        .patch_unchanged = true,
        .change = change_service_account,
        .data = args.v[args.n - 1],
    };
    set_apply(c, &o, &run, &objs, &errs);
    status = errs_print(c, &errs, 0);
out:
    set_release(&o, &objs, &errs, &args);
    cli_strv_free(&resources);
    return status;
}

/* ---- set selector ------------------------------------------------------------------------ */

struct selector_change {
    json_t *match_labels; /* the selector's equality requirements */
    char *expressions;    /* Go's %v of the other requirements ("[{app Exists []}]"), or NULL */
    const char *resource_version;
};

/* metav1.ParseToLabelSelector of text into sc. Returns NULL or kubectl's error (owned). */
static char *parse_selector(const char *text, struct selector_change *sc)
{
    struct err e = {0};
    struct label_selector *sel = label_selector_parse(text, &e);
    if (sel == NULL) {
        return xasprintf("couldn't parse the selector string \"%s\": %s", text, e.msg);
    }
    static const char *const ops[] = {
        [LABEL_OP_IN] = "In",
        [LABEL_OP_NOT_IN] = "NotIn",
        [LABEL_OP_EXISTS] = "Exists",
        [LABEL_OP_DOES_NOT_EXIST] = "DoesNotExist",
    };
    char *error = NULL;
    sc->match_labels = json_object();
    for (size_t i = 0; i < sel->n && error == NULL; i++) {
        const struct label_requirement *req = &sel->reqs[i];
        switch (req->op) {
        case LABEL_OP_EQUALS:
        case LABEL_OP_DOUBLE_EQUALS:
            json_object_set_new(sc->match_labels, req->key, json_string(req->values[0]));
            continue;
        case LABEL_OP_GT:
        case LABEL_OP_LT:
            error = xasprintf("\"%s\" isn't supported in label selectors",
                              req->op == LABEL_OP_GT ? "gt" : "lt");
            continue;
        case LABEL_OP_NOT_EQUALS:
            error = xstrdup("\"!=\" is not a valid label selector operator");
            continue;
        default:
            break;
        }
        char *values = xstrdup("");
        for (size_t v = 0; v < req->nvalues; v++) {
            char *next = xasprintf("%s%s%s", values, v ? " " : "", req->values[v]);
            free(values);
            values = next;
        }
        char *next = xasprintf("%s%s{%s %s [%s]}", sc->expressions ? sc->expressions : "",
                               sc->expressions ? " " : "", req->key, ops[req->op], values);
        free(values);
        free(sc->expressions);
        sc->expressions = next;
    }
    label_selector_free(sel);
    return error;
}

static enum set_outcome change_selector(struct ctl *c, const struct workload *w, json_t *obj,
                                        json_t *spec, void *data, char **why)
{
    (void)c;
    struct selector_change *sc = data;
    if (sc->resource_version) {
        json_object_set_new(json_object_get(obj, "metadata"), "resourceVersion",
                            json_string(sc->resource_version));
    }
    if (*w->r->group != '\0' || strcmp(w->r->kind, "Service") != 0) {
        *why = xstrdup("setting a selector is only supported for Services");
        return SET_FAILED;
    }
    if (sc->expressions != NULL) {
        *why = xasprintf("match expression [%s] not supported on this object", sc->expressions);
        return SET_FAILED;
    }
    (void)spec;
    json_t *svc = json_object_get(obj, "spec");
    if (svc == NULL) {
        svc = json_object();
        json_object_set_new(obj, "spec", svc);
    }
    if (json_object_size(sc->match_labels) == 0) {
        json_object_del(svc, "selector"); /* an empty map is omitted, as Go encodes it */
    } else {
        json_object_set(svc, "selector", sc->match_labels);
    }
    return SET_CHANGED;
}

static int set_selector(struct ctl *c, int argc, char **argv)
{
    struct set_opts o = SET_OPTS_INIT;
    const char *resource_version = "";
    bool record = false;
    o.recursive = true; /* ResourceBuilderFlags' default */
    struct cli_strv args = {0}, errs = {0}, resources = {0};
    struct cli_flag flags[] = {SET_FILE_FLAGS(o),
                               {"resource-version", 0, CLI_STRING, &resource_version, false},
                               {"record", 0, CLI_BOOL, &record, false},
                               SET_FLAGS_END};
    struct selector_change sc = {0};
    struct set_objects objs = {0};
    int status = 1;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    status = 1;
    if (objects_dry_run(c, o.dry_run_flag, &o.dry_run) != 0) {
        goto out;
    }
    if (args.n > 0) {
        cleanup_free char *bad = parse_selector(args.v[args.n - 1], &sc);
        if (bad != NULL) {
            ctl_error(c, "%s", bad);
            goto out;
        }
        for (size_t i = 0; i + 1 < args.n; i++) {
            cli_strv_add(&resources, args.v[i]);
        }
    }
    if (objects_check_output(c, o.output) != 0) {
        goto out;
    }
    if (sc.match_labels == NULL) {
        ctl_error(c, "one selector is required");
        goto out;
    }
    if (o.local && resources.n > 0) {
        local_resource_error(c);
        goto out;
    }
    /* a visitor going on after failed GETs: their errors belong to the aggregate */
    size_t failed_gets = 0;
    if (set_collect_more(c, &o, &resources, true, &objs) != 0) {
        if (objs.n == 0 && objs.v == NULL) {
            goto out;
        }
        failed_gets = 1;
    }
    if (*resource_version) {
        /* the resourceVersion is always in the patch: the original goes without one */
        sc.resource_version = resource_version;
        for (size_t i = 0; i < objs.n; i++) {
            json_object_del(json_object_get(objs.v[i].obj, "metadata"), "resourceVersion");
        }
    }
    struct set_run run = {
        .verb = "selector updated",
        .patch_unchanged = true,
        .failure_is_bare = true,
        .change = change_selector,
        .data = &sc,
    };
    set_apply(c, &o, &run, &objs, &errs);
    status = errs_print(c, &errs, failed_gets);
out:
    json_decref(sc.match_labels);
    free(sc.expressions);
    set_release(&o, &objs, &errs, &args);
    cli_strv_free(&resources);
    return status;
}

/* ---- set subject ------------------------------------------------------------------------- */

/* The Subject fields compared as Go compares the structs ("" for a missing one). */
static bool same_subject(const json_t *a, const json_t *b)
{
    static const char *const fields[] = {"kind", "apiGroup", "name", "namespace"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(jpath_get_string(a, fields[i]) ?: "", jpath_get_string(b, fields[i]) ?: "") !=
            0) {
            return false;
        }
    }
    return true;
}

static enum set_outcome change_subjects(struct ctl *c, const struct workload *w, json_t *obj,
                                        json_t *spec, void *data, char **why)
{
    (void)c;
    const json_t *subjects = data;
    if (strcmp(w->r->group, "rbac.authorization.k8s.io") != 0 ||
        (strcmp(w->r->kind, "RoleBinding") != 0 && strcmp(w->r->kind, "ClusterRoleBinding") != 0)) {
        *why = xstrdup("setting subjects is only supported for RoleBinding/ClusterRoleBinding");
        return SET_FAILED;
    }
    json_t *existing = json_object_get(obj, "subjects");
    json_t *updated = json_is_array(existing) ? json_copy(existing) : json_array();
    bool transformed = false;
    size_t i, k;
    json_t *want, *have;
    json_array_foreach (subjects, i, want) {
        bool found = false;
        json_array_foreach (existing, k, have) {
            found = found || same_subject(have, want);
        }
        if (!found) {
            json_array_append(updated, want);
            transformed = true;
        }
    }
    json_object_set_new(obj, "subjects", updated);
    return transformed ? SET_CHANGED : SET_SKIPPED;
}

/* The subjects asked for, as set subject builds them: users, groups, then service accounts,
 * each sorted and unique. New reference. */
static json_t *wanted_subjects(struct ctl *c, struct cli_strv *users, struct cli_strv *groups,
                               struct cli_strv *sas)
{
    json_t *out = json_array();
    struct cli_strv *lists[] = {users, groups, sas};
    for (size_t l = 0; l < 3; l++) {
        sort_strv(lists[l]);
        for (size_t i = 0; i < lists[l]->n; i++) {
            const char *item = lists[l]->v[i];
            if (i > 0 && strcmp(item, lists[l]->v[i - 1]) == 0) {
                continue;
            }
            if (l < 2) {
                json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "kind",
                                                     l == 0 ? "User" : "Group", "apiGroup",
                                                     "rbac.authorization.k8s.io", "name", item));
                continue;
            }
            const char *colon = strchr(item, ':');
            cleanup_free char *ns = xstrndup(item, (size_t)(colon - item));
            json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "kind", "ServiceAccount",
                                                 "name", colon + 1, "namespace", *ns ? ns : c->ns));
        }
    }
    return out;
}

static int set_subject(struct ctl *c, int argc, char **argv)
{
    struct set_opts o = SET_OPTS_INIT;
    struct cli_strv args = {0}, errs = {0}, users = {0}, groups = {0}, sas = {0};
    struct cli_flag flags[] = {
        SET_FILE_FLAGS(o),
        SET_SELECTOR_FLAG(o),
        {"user", 0, CLI_STRING_ARRAY, &users, false},
        {"group", 0, CLI_STRING_ARRAY, &groups, false},
        {"serviceaccount", 0, CLI_STRING_ARRAY, &sas, false},
        SET_FLAGS_END,
    };
    struct set_objects objs = {0};
    json_t *subjects = NULL;
    int status = 1;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    status = 1;
    if (set_prepare(c, &o, &args, &objs) != 0) {
        goto out;
    }
    if (users.n == 0 && groups.n == 0 && sas.n == 0) {
        ctl_error(c, "you must specify at least one value of user, group or serviceaccount");
        goto out;
    }
    for (size_t i = 0; i < sas.n; i++) {
        const char *colon = strchr(sas.v[i], ':');
        if (colon == NULL || strchr(colon + 1, ':') != NULL || colon[1] == '\0') {
            ctl_error(c, "serviceaccount must be <namespace>:<name>");
            goto out;
        }
        for (size_t k = 0; k < objs.n && colon == sas.v[i]; k++) {
            if (strcmp(objs.v[k].r->kind, "ClusterRoleBinding") == 0) {
                ctl_error(c, "serviceaccount must be <namespace>:<name>, namespace must be "
                             "specified");
                goto out;
            }
        }
    }
    subjects = wanted_subjects(c, &users, &groups, &sas);
    struct set_run run = {
        .verb = "subjects updated",
        .patch_failure = "failed to patch subjects to rolebinding: ",
        .change = change_subjects,
        .data = subjects,
    };
    set_apply(c, &o, &run, &objs, &errs);
    status = errs_print(c, &errs, 0);
out:
    json_decref(subjects);
    set_release(&o, &objs, &errs, &args);
    cli_strv_free(&users);
    cli_strv_free(&groups);
    cli_strv_free(&sas);
    return status;
}

/* ---- dispatch ---------------------------------------------------------------------------- */

int cmd_set(struct ctl *c, int argc, char **argv)
{
    static const struct {
        const char *name, *alias;
        int (*run)(struct ctl *, int, char **);
    } subs[] = {
        {"env", NULL, set_env},
        {"image", NULL, set_image},
        {"resources", NULL, set_resources},
        {"selector", NULL, set_selector},
        {"serviceaccount", "sa", set_service_account},
        {"subject", NULL, set_subject},
    };
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-') {
            bool takes_next = false;
            cli_find_global(c->global_flags, argv[i], &takes_next);
            i += takes_next;
            continue;
        }
        for (size_t s = 0; s < sizeof subs / sizeof subs[0]; s++) {
            if (strcmp(argv[i], subs[s].name) == 0 ||
                (subs[s].alias && strcmp(argv[i], subs[s].alias) == 0)) {
                snprintf(c->cmd_path, sizeof c->cmd_path, "set %s", subs[s].name);
                memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof *argv);
                return subs[s].run(c, argc - 1, argv);
            }
        }
        return ctl_usage_error(c, "unknown command \"%s\"", argv[i]);
    }
    /* cobra's help of a command without Run, on stderr, and kubectl's exit status */
    fprintf(c->errout,
            "Configure application resources.\n\n These commands help you make changes to "
            "existing application resources.\n\nAvailable Commands:\n"
            "  env              Update environment variables on a pod template\n"
            "  image            Update the image of a pod template\n"
            "  resources        Update resource requests/limits on objects with pod templates\n"
            "  selector         Set the selector on a resource\n"
            "  serviceaccount   Update the service account of a resource\n"
            "  subject          Update the user, group, or service account in a role binding or "
            "cluster role binding\n\nUsage:\n  %s set SUBCOMMAND [options]\n\n"
            "Use \"%s set <command> --help\" for more information about a given command.\n"
            "Use \"%s options\" for a list of global command-line options (applies to all "
            "commands).\n",
            c->prog, c->prog, c->prog);
    return 1;
}
