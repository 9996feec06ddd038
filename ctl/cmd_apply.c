/* `c8sctl apply -f` and `c8sctl create -f` as kubectl's: client-side apply records the object in
 * the kubectl.kubernetes.io/last-applied-configuration annotation (Go's compact JSON and a
 * newline) and sends the three-way strategic merge patch of last-applied, the file and the live
 * object; create posts the file's objects. Output "deployment.apps/web created|configured|
 * unchanged", errors "error when creating "f.yaml": ...". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jpatch.h"
#include "objects.h"
#include "printers.h"
#include "xalloc.h"
#include "yamlx.h"

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* kubectl's words before a failed lookup of the live object. Owned. */
static char *retrieving_prefix(const struct mapper_resource *r, const char *name, const char *ns,
                               const char *source)
{
    cleanup_free char *gv =
        *r->group ? xasprintf("%s/%s", r->group, r->version) : xstrdup(r->version);
    return xasprintf("error when retrieving current configuration of:\nResource: \"%s, "
                     "Resource=%s\", GroupVersionKind: \"%s, Kind=%s\"\nName: \"%s\", "
                     "Namespace: \"%s\"\nfrom server for: \"%s\": ",
                     gv, r->resource, gv, r->kind, name, ns ? ns : "", source);
}

/* The mapping and namespace of a manifest; sets metadata.namespace on namespaced objects and
 * returns its display name ("deployment.apps/web") and collection path (both owned). */
static int place(struct ctl *c, const struct manifest *m, const struct mapper_resource **out,
                 const char **name_out, char **display, char **collection)
{
    struct err e = {0};
    json_t *obj = m->obj;
    json_t *meta = json_object_get(obj, "metadata");
    const char *name = json_string_value(json_object_get(meta, "name"));
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const struct mapper_resource *r =
        mapper_for_kind(&c->mapper, json_string_value(json_object_get(obj, "apiVersion")),
                        json_string_value(json_object_get(obj, "kind")), &e);
    if (r == NULL) {
        fprintf(c->errout,
                "error: resource mapping not found for name: \"%s\" namespace: \"%s\" from "
                "\"%s\": %s\nensure CRDs are installed first\n",
                name ? name : "", ns ? ns : "", m->source, e.msg);
        return 1;
    }
    if (r->namespaced) {
        if (ns != NULL && *ns && c->ns_explicit && strcmp(ns, c->ns) != 0) {
            return ctl_error(c,
                             "the namespace from the provided object \"%s\" does not match the "
                             "namespace \"%s\". You must pass '--namespace=%s' to perform this "
                             "operation.",
                             ns, c->ns, ns);
        }
        if (ns == NULL || *ns == '\0') {
            if (!json_is_object(meta)) {
                meta = json_object();
                json_object_set_new(obj, "metadata", meta);
            }
            json_object_set_new(meta, "namespace", json_string(c->ns));
        }
    }
    if (name == NULL || *name == '\0') {
        cleanup_free char *prefix = retrieving_prefix(r, "", ns ? ns : c->ns, m->source);
        return ctl_error(c, "%sresource name may not be empty", prefix);
    }
    *out = r;
    *name_out = name;
    *display = objects_display(r, name);
    *collection = mapper_collection_path(
        r, json_string_value(json_object_get(json_object_get(obj, "metadata"), "namespace")));
    return 0;
}

/* Sends body to method path; on success optionally returns the answer. Prints the error line
 * (with prefix inside "Error from server (...): <prefix><message>") and returns 1. */
static int send_object(struct ctl *c, const char *method, const char *path, const char *ctype,
                       const json_t *body, const char *prefix, json_t **answer)
{
    cleanup_free char *text = printers_json_compact(body);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, method, path, CTL_ACCEPT_JSON, ctype, text, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    if (resp.status < 200 || resp.status > 299) {
        char *line = ctl_api_error_text(&resp, prefix);
        fprintf(c->errout, "%s\n", line);
        free(line);
        http_response_free(&resp);
        return 1;
    }
    if (answer) {
        *answer = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
    }
    http_response_free(&resp);
    return 0;
}

/* GETs path: 0 with *obj, 0 with *obj NULL on 404, or 1 after printing an error (with
 * prefix before the server's message). */
static int get_live(struct ctl *c, const char *path, const char *prefix, json_t **obj)
{
    struct http_response resp = {0};
    struct err e = {0};
    *obj = NULL;
    if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    int rc = 0;
    if (resp.status == 200) {
        *obj = json_loads(resp.body ? resp.body : "", 0, NULL);
    } else if (resp.status != 404) {
        char *line = ctl_api_error_text(&resp, prefix);
        fprintf(c->errout, "%s\n", line);
        free(line);
        rc = 1;
    }
    http_response_free(&resp);
    return rc;
}

/* kubectl's GetModifiedConfiguration: the object without the annotation, serialized, then set
 * as the annotation. Returns the annotated copy (new reference). */
static json_t *annotated(const json_t *obj)
{
    json_t *copy = json_deep_copy(obj);
    json_t *meta = json_object_get(copy, "metadata");
    json_t *annotations = json_object_get(meta, "annotations");
    if (!json_is_object(annotations)) {
        annotations = json_object();
        json_object_set_new(meta, "annotations", annotations);
    }
    json_object_del(annotations, LAST_APPLIED);
    char *text = printers_json_compact(copy);
    char *value = xasprintf("%s\n", text);
    json_object_set_new(annotations, LAST_APPLIED, json_string(value));
    free(text);
    free(value);
    return copy;
}

/* What one run of apply or create -f prints with: -o, --dry-run, and apply's objects for -o
 * json|yaml (kubectl prints one object, or a List of them at the end). */
struct run_state {
    const char *output;
    enum dry_run dry_run;
    const struct run_files_opts *opts;
    json_t *collected; /* apply -o json|yaml: results in order (sorted keys) */
    size_t printed;
};

static bool structured(const char *output)
{
    return strcmp(output, "json") == 0 || strcmp(output, "yaml") == 0;
}

/* A copy of v with its keys sorted, as kubectl's unstructured objects print. New reference. */
static json_t *sorted_copy(const json_t *v)
{
    char *text = printers_json_compact(v);
    json_t *copy = json_loads(text, 0, NULL);
    free(text);
    return copy;
}

static void emit(struct ctl *c, struct run_state *st, const json_t *obj, const char *display,
                 const char *verb)
{
    if (st->collected != NULL && structured(st->output)) {
        json_t *copy = sorted_copy(obj);
        objects_omit_managed_fields(copy);
        json_array_append_new(st->collected, copy);
        return;
    }
    if (strcmp(st->output, "yaml") == 0 && st->printed++ > 0) {
        fputs("---\n", c->out);
    }
    objects_print_result(c, obj, display, verb, st->output, st->dry_run, false);
}

/* apply -o json|yaml: the one object, or a v1 List of all of them. */
static void print_collected(struct ctl *c, const struct run_state *st)
{
    size_t n = json_array_size(st->collected);
    if (n == 0) {
        return;
    }
    cleanup_json json_t *doc =
        n == 1 ? json_incref(json_array_get(st->collected, 0))
               : json_pack("{s:s, s:s, s:{}, s:O}", "kind", "List", "apiVersion", "v1", "metadata",
                           "items", st->collected);
    cleanup_free char *text =
        strcmp(st->output, "json") == 0 ? printers_json_ordered(doc) : yamlx_dump(doc);
    fputs(text, c->out);
}

static int apply_one(struct ctl *c, const struct manifest *m, struct run_state *st)
{
    enum dry_run dry_run = st->dry_run;
    const struct mapper_resource *r = NULL;
    const char *name = NULL;
    cleanup_free char *display = NULL, *collection = NULL;
    if (place(c, m, &r, &name, &display, &collection) != 0) {
        return 1;
    }
    cleanup_free char *path = xasprintf("%s/%s", collection, name);
    cleanup_json json_t *modified = annotated(m->obj);
    cleanup_json json_t *live = NULL;
    cleanup_free char *retrieving = retrieving_prefix(
        r, name,
        json_string_value(json_object_get(json_object_get(m->obj, "metadata"), "namespace")),
        m->source);
    if (get_live(c, path, retrieving, &live) != 0) {
        return 1;
    }
    const char *verb = "configured";
    cleanup_json json_t *result = NULL;
    if (live == NULL) {
        cleanup_free char *post =
            xasprintf("%s?%sfieldManager=kubectl-client-side-apply&fieldValidation=%s", collection,
                      objects_dry_run_query(dry_run), st->opts->validation);
        cleanup_free char *prefix = xasprintf("error when creating \"%s\": ", m->source);
        if (dry_run == DRY_RUN_CLIENT) {
            result = json_incref(modified);
        } else if (send_object(c, "POST", post, "application/json", modified, prefix, &result) !=
                   0) {
            return 1;
        }
        verb = "created";
    } else {
        const char *recorded = json_string_value(json_object_get(
            json_object_get(json_object_get(live, "metadata"), "annotations"), LAST_APPLIED));
        cleanup_json json_t *original = recorded ? json_loads(recorded, 0, NULL) : NULL;
        struct err e = {0};
        const struct jpatch_smp_schema *schema = objects_smp_schema(r);
        cleanup_json json_t *patch =
            jpatch_smp_create_three_way(original, modified, live, schema, &e);
        if (patch == NULL) {
            return ctl_error(c, "error when creating patch with:\nsource: \"%s\": %s", m->source,
                             e.msg);
        }
        if (json_object_size(patch) == 0) {
            verb = "unchanged";
            result = json_incref(live);
        } else if (dry_run == DRY_RUN_CLIENT) {
            /* kubectl sends nothing and prints the live object */
            result = json_incref(live);
        } else {
            cleanup_free char *patch_path =
                xasprintf("%s?%sfieldManager=kubectl-client-side-apply&fieldValidation=%s", path,
                          objects_dry_run_query(dry_run), st->opts->validation);
            cleanup_free char *prefix = xasprintf("error when patching \"%s\": ", m->source);
            const char *ctype =
                schema ? "application/strategic-merge-patch+json" : "application/merge-patch+json";
            if (send_object(c, "PATCH", patch_path, ctype, patch, prefix, &result) != 0) {
                return 1;
            }
            verb = "configured";
        }
    }
    if (dry_run == DRY_RUN_CLIENT) {
        verb = live == NULL ? "created" : "configured"; /* kubectl computes no patch then */
    }
    emit(c, st, result ? result : modified, display, verb);
    return 0;
}

/* kubectl's words after a server-side apply conflict. */
static const char CONFLICT_HELP[] =
    "Please review the fields above--they currently have other managers. Here\n"
    "are the ways you can resolve this warning:\n"
    "* If you intend to manage all of these fields, please re-run the apply\n"
    "  command with the `--force-conflicts` flag.\n"
    "* If you do not intend to manage all of the fields, please edit your\n"
    "  manifest to remove references to the fields that should keep their\n"
    "  current managers.\n"
    "* You may co-own fields by updating your manifest to match the existing\n"
    "  value; in this case, you'll become the manager if the other manager(s)\n"
    "  stop managing the field (remove it from their configuration).\n"
    "See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts";

static int server_side_apply_one(struct ctl *c, const struct manifest *m, struct run_state *st)
{
    const struct mapper_resource *r = NULL;
    const char *name = NULL;
    cleanup_free char *display = NULL, *collection = NULL;
    if (place(c, m, &r, &name, &display, &collection) != 0) {
        return 1;
    }
    char *q = xstrdup("");
    ctl_query_add(&q, "dryRun", st->dry_run == DRY_RUN_SERVER ? "All" : NULL);
    ctl_query_add(&q, "fieldManager",
                  st->opts->field_manager ? st->opts->field_manager : "kubectl");
    ctl_query_add(&q, "fieldValidation", st->opts->validation);
    ctl_query_add(&q, "force", st->opts->force_conflicts ? "true" : "false");
    cleanup_free char *path = xasprintf("%s/%s?%s", collection, name, q + 1);
    free(q);
    cleanup_free char *body = printers_json_compact(m->obj);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "PATCH", path, CTL_ACCEPT_JSON, "application/apply-patch+yaml", body, &resp,
                    &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    cleanup_json json_t *answer = json_loads(resp.body ? resp.body : "", 0, NULL);
    int status = 0;
    if (resp.status == 409 && strcmp(json_string_value(json_object_get(answer, "reason"))
                                         ? json_string_value(json_object_get(answer, "reason"))
                                         : "",
                                     "Conflict") == 0) {
        status = ctl_error(c, "%s\n%s", json_string_value(json_object_get(answer, "message")),
                           CONFLICT_HELP);
    } else if (resp.status < 200 || resp.status > 299) {
        /* kubectl names no source for a failed server-side apply */
        char *line = ctl_api_error_text(&resp, NULL);
        fprintf(c->errout, "%s\n", line);
        free(line);
        status = 1;
    } else {
        emit(c, st, answer ? answer : m->obj, display, "serverside-applied");
    }
    http_response_free(&resp);
    return status;
}

static int replace_one(struct ctl *c, const struct manifest *m, struct run_state *st)
{
    const struct mapper_resource *r = NULL;
    const char *name = NULL;
    cleanup_free char *display = NULL, *collection = NULL;
    if (place(c, m, &r, &name, &display, &collection) != 0) {
        return 1;
    }
    cleanup_free char *path =
        xasprintf("%s/%s?%sfieldManager=kubectl-replace&fieldValidation=%s", collection, name,
                  objects_dry_run_query(st->dry_run), st->opts->validation);
    cleanup_free char *prefix = xasprintf("error when replacing \"%s\": ", m->source);
    cleanup_json json_t *result = NULL;
    if (st->dry_run != DRY_RUN_CLIENT &&
        send_object(c, "PUT", path, "application/json", m->obj, prefix, &result) != 0) {
        return 1;
    }
    emit(c, st, result ? result : m->obj, display, "replaced");
    return 0;
}

static int create_one(struct ctl *c, const struct manifest *m, struct run_state *st)
{
    enum dry_run dry_run = st->dry_run;
    const struct mapper_resource *r = NULL;
    const char *name = NULL;
    cleanup_free char *display = NULL, *collection = NULL;
    if (place(c, m, &r, &name, &display, &collection) != 0) {
        return 1;
    }
    cleanup_free char *post =
        xasprintf("%s?%sfieldManager=kubectl-create&fieldValidation=%s", collection,
                  objects_dry_run_query(dry_run), st->opts->validation);
    cleanup_free char *prefix = xasprintf("error when creating \"%s\": ", m->source);
    cleanup_json json_t *result = NULL;
    if (dry_run != DRY_RUN_CLIENT &&
        send_object(c, "POST", post, "application/json", m->obj, prefix, &result) != 0) {
        return 1;
    }
    emit(c, st, result ? result : m->obj, display, "created");
    return 0;
}

int ctl_run_files(struct ctl *c, const struct cli_strv *files, const struct run_files_opts *o)
{
    const char *output = o->output;
    bool apply = o->kind == RUN_APPLY || o->kind == RUN_SERVER_SIDE_APPLY;
    if (objects_check_output(c, output) != 0) {
        return 1;
    }
    /* kubectl resolves the context before it reads any file. */
    if (ctl_connect(c) != 0) {
        return 1;
    }
    struct manifest *ms = NULL;
    size_t n = 0;
    if (objects_read(c, files, o->recursive, &ms, &n) != 0) {
        return 1;
    }
    if (n == 0) {
        objects_manifests_free(ms, n);
        static const char *const verbs[] = {"create", "apply", "apply", "replace"};
        return ctl_error(c, "no objects passed to %s", verbs[o->kind]);
    }
    if (ctl_discover(c) != 0) {
        objects_manifests_free(ms, n);
        return 1;
    }
    int status = 0;
    struct run_state st = {output, o->dry_run, o, apply ? json_array() : NULL, 0};
    static int (*const handlers[])(struct ctl *, const struct manifest *, struct run_state *) = {
        create_one, apply_one, server_side_apply_one, replace_one};
    for (size_t i = 0; i < n; i++) {
        int rc = handlers[o->kind](c, &ms[i], &st);
        status = status || rc;
    }
    if (st.collected != NULL) {
        print_collected(c, &st);
        json_decref(st.collected);
    }
    objects_manifests_free(ms, n);
    return status;
}

int cmd_apply(struct ctl *c, int argc, char **argv)
{
    struct cli_strv files = {0}, args = {0};
    bool recursive = false, server_side = false, force_conflicts = false;
    const char *output = "", *validate = "strict", *field_manager = NULL, *dry_run_flag = "none";
    struct cli_flag flags[] = {
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {"filename", 'f', CLI_STRING_SLICE, &files, false},
        {"recursive", 'R', CLI_BOOL, &recursive, false},
        {"output", 'o', CLI_STRING, &output, false},
        {"server-side", 0, CLI_BOOL, &server_side, false},
        {"force-conflicts", 0, CLI_BOOL, &force_conflicts, false},
        {"validate", 0, CLI_STRING, &validate, false},
        {"field-manager", 0, CLI_STRING, &field_manager, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (files.n == 0) {
        status = ctl_error(c, "must specify one of -f and -k");
        goto out;
    }
    if (args.n > 0) {
        status = ctl_usage_error(c, "Unexpected args: [%s]", args.v[0]);
        goto out;
    }
    enum dry_run dry_run = DRY_RUN_NONE;
    const char *validation = NULL;
    if (objects_dry_run(c, dry_run_flag, &dry_run) != 0 ||
        objects_validation(c, validate, &validation) != 0) {
        status = 1;
        goto out;
    }
    if (server_side && dry_run == DRY_RUN_CLIENT) {
        status = ctl_error(c, "--dry-run=client doesn't work with --server-side (did you mean "
                              "--dry-run=server instead?)");
        goto out;
    }
    struct run_files_opts ro = {server_side ? RUN_SERVER_SIDE_APPLY : RUN_APPLY,
                                recursive,
                                output,
                                dry_run,
                                field_manager,
                                force_conflicts,
                                validation};
    status = ctl_run_files(c, &files, &ro);
out:
    cli_strv_free(&files);
    cli_strv_free(&args);
    return status;
}

int cmd_replace(struct ctl *c, int argc, char **argv)
{
    struct cli_strv files = {0}, args = {0};
    bool recursive = false;
    const char *output = "", *validate = "strict", *dry_run_flag = "none";
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &files, false},
        {"recursive", 'R', CLI_BOOL, &recursive, false},
        {"output", 'o', CLI_STRING, &output, false},
        {"validate", 0, CLI_STRING, &validate, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    enum dry_run dry_run = DRY_RUN_NONE;
    const char *validation = NULL;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    /* kubectl replace checks --validate before anything else */
    if (objects_validation(c, validate, &validation) != 0) {
        status = 1;
        goto out;
    }
    if (files.n == 0) {
        status = ctl_error(c, "must specify one of -f and -k");
        goto out;
    }
    if (objects_dry_run(c, dry_run_flag, &dry_run) != 0) {
        status = 1;
        goto out;
    }
    struct run_files_opts ro = {RUN_REPLACE, recursive, output, dry_run, NULL, false, validation};
    status = ctl_run_files(c, &files, &ro);
out:
    cli_strv_free(&files);
    cli_strv_free(&args);
    return status;
}
