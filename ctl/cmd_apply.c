/* `c8sctl apply -f`, `create -f` and `replace -f` as kubectl's: client-side apply records the
 * object in the kubectl.kubernetes.io/last-applied-configuration annotation (Go's compact JSON
 * and a newline) and sends the three-way strategic merge patch of last-applied, the file and the
 * live object; create posts the file's objects; replace puts them, or with --force deletes them,
 * waits until they are gone and creates them again. Output "deployment.apps/web created|
 * configured|unchanged|replaced", errors "error when creating "f.yaml": ...". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "clock.h"
#include "duration.h"
#include "jpatch.h"
#include "jpath.h"
#include "objects.h"
#include "printers.h"
#include "xalloc.h"
#include "yamlx.h"

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
    cleanup_json json_t *modified = objects_modified_configuration(m->obj, true);
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
        const char *recorded = json_string_value(
            json_object_get(json_object_get(json_object_get(live, "metadata"), "annotations"),
                            OBJECTS_LAST_APPLIED));
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
        xasprintf("%s/%s?%sfieldManager=%s&fieldValidation=%s", collection, name,
                  objects_dry_run_query(st->dry_run),
                  st->opts->field_manager ? st->opts->field_manager : "kubectl-replace",
                  st->opts->validation);
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

/* ---- replace --force ---- */

/* What replace --force takes from kubectl's delete flags. */
struct force_opts {
    const char *propagation; /* "Background", "Foreground", "Orphan" */
    int grace_period;        /* -1: the server's default */
    bool wait;               /* wait for the deletions as kubectl delete --wait does */
    int64_t timeout_ns;      /* 0: kubectl's defaults (5 minutes of polling, a week of waiting) */
};

/* The errors of one pass over the objects, printed at its end as kubectl's ContinueOnError
 * visitors report them: one error alone in its own words, several one per line as
 * MultipleErrors lists them. */
struct pass_errors {
    struct cli_strv alone, listed;
    bool printed; /* a transport error, printed when it happened */
};

static void pass_error(struct pass_errors *pe, const char *alone, const char *listed)
{
    cli_strv_add(&pe->alone, alone);
    cli_strv_add(&pe->listed, listed);
}

/* An API error of resp, with prefix (may be NULL) before the server's message. */
static void pass_api_error(struct pass_errors *pe, const struct http_response *resp,
                           const char *prefix)
{
    cleanup_free char *alone = ctl_api_error_text(resp, prefix);
    cleanup_json json_t *st = json_loads(resp->body ? resp->body : "", 0, NULL);
    const char *reason = jpath_get_string(st, "reason");
    const char *message = jpath_get_string(st, "message");
    cleanup_free char *listed =
        reason && message && strcmp(reason, "Invalid") == 0
            ? xasprintf("Error from server (%s): %s%s", reason, prefix ? prefix : "", message)
            : xstrdup(alone);
    pass_error(pe, alone, listed);
}

/* Prints the pass's errors; returns 1 when there were any. */
static int pass_report(struct ctl *c, struct pass_errors *pe)
{
    const struct cli_strv *lines = pe->alone.n == 1 ? &pe->alone : &pe->listed;
    for (size_t i = 0; i < lines->n; i++) {
        fprintf(c->errout, "%s\n", lines->v[i]);
    }
    int status = pe->alone.n > 0 || pe->printed;
    cli_strv_free(&pe->alone);
    cli_strv_free(&pe->listed);
    return status;
}

/* One object of the files with its mapping, or NULL when it could not be placed. */
struct force_target {
    const struct mapper_resource *r;
    char *path; /* owned object path */
    char *uid;  /* owned: the uid the DELETE answered with, or NULL */
};

/* GETs path: 1 when the object is there (with *uid set when asked, owned), 0 when it is gone,
 * -1 after an error added to pe. */
static int probe_object(struct ctl *c, const char *path, char **uid, struct pass_errors *pe)
{
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
        ctl_transport_error(c, &e);
        pe->printed = true;
        return -1;
    }
    int found = 1;
    if (resp.status == 404) {
        found = 0;
    } else if (resp.status != 200) {
        pass_api_error(pe, &resp, NULL);
        found = -1;
    } else if (uid != NULL) {
        cleanup_json json_t *obj = json_loads(resp.body ? resp.body : "", 0, NULL);
        const char *now = jpath_get_string(obj, "metadata.uid");
        *uid = now ? xstrdup(now) : NULL;
    }
    http_response_free(&resp);
    return found;
}

/* kubectl delete's wait (--wait, or --grace-period=0): until each deleted object answers 404 or
 * comes back with another uid, within the timeout (a week when 0). */
static void wait_deleted(struct ctl *c, const struct force_target *t, size_t n,
                         const struct force_opts *o, struct pass_errors *pe)
{
    int64_t timeout = o->timeout_ns > 0 ? o->timeout_ns : 168 * DURATION_HOUR;
    int64_t deadline = clk_now(clk_real()) + timeout;
    for (size_t i = 0; i < n; i++) {
        if (t[i].r == NULL) {
            continue;
        }
        for (;;) {
            cleanup_free char *uid = NULL;
            int found = probe_object(c, t[i].path, &uid, pe);
            if (found < 0 || found == 0 || (t[i].uid && uid && strcmp(uid, t[i].uid) != 0)) {
                break;
            }
            if (clk_now(clk_real()) >= deadline) {
                char *line = xasprintf("error: timed out waiting for the condition on %s/%s",
                                       t[i].r->resource, strrchr(t[i].path, '/') + 1);
                pass_error(pe, line, line + strlen("error: "));
                free(line);
                break;
            }
            clk_sleep(clk_real(), 200 * DURATION_MS);
        }
    }
}

/* replace --force's own wait: each object polled every second until it is gone, for the
 * timeout (5 minutes when 0), as wait.PollImmediate. Returns 0 or 1 after the error. */
static int poll_gone(struct ctl *c, const struct force_target *t, size_t n, int64_t timeout_ns)
{
    int64_t timeout = timeout_ns > 0 ? timeout_ns : 5 * DURATION_MINUTE;
    struct pass_errors pe = {0};
    for (size_t i = 0; i < n; i++) {
        if (t[i].r == NULL) {
            continue;
        }
        int64_t start = clk_now(clk_real());
        int found;
        while ((found = probe_object(c, t[i].path, NULL, &pe)) > 0) {
            if (clk_now(clk_real()) - start + DURATION_SECOND > timeout) {
                return ctl_error(c, "context deadline exceeded");
            }
            clk_sleep(clk_real(), DURATION_SECOND);
        }
        if (found < 0) {
            return pass_report(c, &pe);
        }
    }
    return 0;
}

/* Deletes one placed object as kubectl's DeleteResult: not found is no error; prints
 * `configmap "x" deleted` (or the name with -o name). */
static void force_delete(struct ctl *c, const struct manifest *m, struct force_target *t,
                         const char *output, const struct force_opts *o, struct pass_errors *pe)
{
    cleanup_json json_t *body = json_object();
    if (o->grace_period >= 0) {
        json_object_set_new(body, "gracePeriodSeconds", json_integer(o->grace_period));
    }
    json_object_set_new(body, "propagationPolicy", json_string(o->propagation));
    cleanup_free char *text = printers_json_compact(body);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "DELETE", t->path, CTL_ACCEPT_JSON, "application/json", text, &resp, &e) !=
        0) {
        ctl_transport_error(c, &e);
        pe->printed = true;
        return;
    }
    if (resp.status >= 200 && resp.status <= 299) {
        cleanup_json json_t *answer = json_loads(resp.body ? resp.body : "", 0, NULL);
        const char *uid = jpath_get_string(answer, "metadata.uid");
        uid = uid ? uid : jpath_get_string(answer, "details.uid");
        t->uid = uid ? xstrdup(uid) : NULL;
        cleanup_free char *kg = mapper_kind_group(t->r);
        const char *name = jpath_get_string(m->obj, "metadata.name");
        if (strcmp(output, "name") == 0) {
            fprintf(c->out, "%s/%s\n", kg, name);
        } else {
            fprintf(c->out, "%s \"%s\" deleted\n", kg, name);
        }
        fflush(c->out);
    } else if (resp.status != 404) {
        cleanup_free char *prefix = xasprintf("error when deleting \"%s\": ", m->source);
        pass_api_error(pe, &resp, prefix);
    }
    http_response_free(&resp);
}

/* Maps one manifest for replace --force; errors go to pe in kubectl's words. */
static void force_place(struct ctl *c, const struct manifest *m, struct force_target *t,
                        struct pass_errors *pe)
{
    struct err e = {0};
    const char *name = jpath_get_string(m->obj, "metadata.name");
    const char *ns = jpath_get_string(m->obj, "metadata.namespace");
    const struct mapper_resource *r = mapper_for_kind(
        &c->mapper, jpath_get_string(m->obj, "apiVersion"), jpath_get_string(m->obj, "kind"), &e);
    if (r == NULL) {
        /* kubectl reports it inside a nested aggregate: without "error: " */
        char *line = xasprintf("resource mapping not found for name: \"%s\" namespace: \"%s\" "
                               "from \"%s\": %s\nensure CRDs are installed first",
                               name ? name : "", ns ? ns : "", m->source, e.msg);
        pass_error(pe, line, line);
        free(line);
        return;
    }
    if (r->namespaced && ns != NULL && *ns && c->ns_explicit && strcmp(ns, c->ns) != 0) {
        char *line = xasprintf("the namespace from the provided object \"%s\" does not match the "
                               "namespace \"%s\". You must pass '--namespace=%s' to perform "
                               "this operation.",
                               ns, c->ns, ns);
        cleanup_free char *alone = xasprintf("error: %s", line);
        pass_error(pe, alone, line);
        free(line);
        return;
    }
    if (r->namespaced && (ns == NULL || *ns == '\0')) {
        json_t *meta = json_object_get(m->obj, "metadata");
        if (!json_is_object(meta)) {
            meta = json_object();
            json_object_set_new(m->obj, "metadata", meta);
        }
        json_object_set_new(meta, "namespace", json_string(c->ns));
        ns = c->ns;
    }
    if (name == NULL || *name == '\0') {
        char *line =
            xasprintf("error when deleting \"%s\": resource name may not be empty", m->source);
        cleanup_free char *alone = xasprintf("error: %s", line);
        pass_error(pe, alone, line);
        free(line);
        return;
    }
    cleanup_free char *collection = mapper_collection_path(r, r->namespaced ? ns : NULL);
    t->r = r;
    t->path = xasprintf("%s/%s", collection, name);
}

/* Creates the objects again (fieldManager kubectl-replace) and prints them "replaced". */
static int force_create(struct ctl *c, const struct manifest *ms, const struct force_target *t,
                        size_t n, struct run_state *st)
{
    struct pass_errors pe = {0};
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *collection = xstrdup(t[i].path);
        *strrchr(collection, '/') = '\0';
        char *q = xstrdup("");
        ctl_query_add(&q, "fieldManager",
                      st->opts->field_manager ? st->opts->field_manager : "kubectl-replace");
        ctl_query_add(&q, "fieldValidation", st->opts->validation);
        cleanup_free char *url = xasprintf("%s?%s", collection, q + 1);
        free(q);
        cleanup_free char *body = printers_json_compact(ms[i].obj);
        struct http_response resp = {0};
        struct err e = {0};
        if (ctl_request(c, "POST", url, CTL_ACCEPT_JSON, "application/json", body, &resp, &e) !=
            0) {
            ctl_transport_error(c, &e);
            return 1;
        }
        if (resp.status >= 200 && resp.status <= 299) {
            cleanup_json json_t *created = json_loads(resp.body ? resp.body : "", 0, NULL);
            cleanup_free char *display =
                objects_display(t[i].r, jpath_get_string(ms[i].obj, "metadata.name"));
            emit(c, st, created ? created : ms[i].obj, display, "replaced");
            count++;
        } else {
            pass_api_error(&pe, &resp, NULL);
        }
        http_response_free(&resp);
    }
    if (pe.alone.n > 0) {
        return pass_report(c, &pe);
    }
    return count == 0 ? ctl_error(c, "no objects passed to replace") : 0;
}

/* kubectl replace --force: delete every object of the files (missing ones are fine), wait until
 * they are gone, create them. Any failure before the creates stops there, as in kubectl. */
static int force_replace(struct ctl *c, const struct cli_strv *files, const struct cli_strv *args,
                         const struct run_files_opts *ro, const struct force_opts *o)
{
    if (args->n > 0) {
        return ctl_error(c, "when paths, URLs, or stdin is provided as input, you may not specify "
                            "resource arguments as well");
    }
    struct manifest *ms = NULL;
    size_t n = 0;
    if (objects_read(c, files, ro->recursive, &ms, &n) != 0) {
        return 1;
    }
    if (n > 0 && ctl_discover(c) != 0) {
        objects_manifests_free(ms, n);
        return 1;
    }
    struct force_target *t = xcalloc(n ? n : 1, sizeof *t);
    struct pass_errors pe = {0};
    for (size_t i = 0; i < n; i++) {
        force_place(c, &ms[i], &t[i], &pe);
        if (t[i].r != NULL) {
            force_delete(c, &ms[i], &t[i], ro->output, o, &pe);
        }
    }
    if (o->wait && pe.alone.n == 0 && !pe.printed) {
        wait_deleted(c, t, n, o, &pe);
    }
    int status = pass_report(c, &pe);
    if (status == 0) {
        status = poll_gone(c, t, n, o->timeout_ns);
    }
    if (status == 0) {
        struct run_state st = {ro->output, DRY_RUN_NONE, ro, NULL, 0};
        status = force_create(c, ms, t, n, &st);
    }
    for (size_t i = 0; i < n; i++) {
        free(t[i].path);
        free(t[i].uid);
    }
    free(t);
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
    bool recursive = false, force = false;
    const char *output = "", *validate = "strict", *dry_run_flag = "none", *cascade = "background";
    const char *timeout = "0s", *field_manager = NULL;
    struct force_opts fo = {.grace_period = -1};
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &files, false},
        {"recursive", 'R', CLI_BOOL, &recursive, false},
        {"output", 'o', CLI_STRING, &output, false},
        {"validate", 0, CLI_STRING, &validate, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {"force", 0, CLI_BOOL, &force, false},
        {"cascade", 0, CLI_STRING, &cascade, false},
        {"grace-period", 0, CLI_INT, &fo.grace_period, false},
        {"timeout", 0, CLI_STRING, &timeout, false},
        {"wait", 0, CLI_BOOL, &fo.wait, false},
        {"field-manager", 0, CLI_STRING, &field_manager, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    enum dry_run dry_run = DRY_RUN_NONE;
    const char *validation = NULL;
    struct err e = {0};
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (duration_parse(timeout, &fo.timeout_ns, &e) != 0) {
        fprintf(c->errout,
                "Error: invalid argument \"%s\" for \"--timeout\" flag: %s\nSee '%s %s --help' "
                "for usage.\n",
                timeout, e.msg, c->prog, c->cmd_path);
        status = 1;
        goto out;
    }
    /* kubectl replace's Complete and Validate, in their order */
    if (objects_validation(c, validate, &validation) != 0 ||
        objects_dry_run(c, dry_run_flag, &dry_run) != 0 || ctl_connect(c) != 0 ||
        objects_check_output(c, output) != 0 || objects_cascade(c, cascade, &fo.propagation) != 0) {
        status = 1;
        goto out;
    }
    if (files.n == 0) {
        status = ctl_error(c, "must specify one of -f and -k");
        goto out;
    }
    if (fo.grace_period == 0) {
        /* kubectl turns --grace-period=0 into 1 and waits for the deletion */
        fo.grace_period = 1;
        fo.wait = true;
    }
    if (fo.grace_period >= 0 && !force) {
        status = ctl_error(c, "--grace-period must have --force specified");
        goto out;
    }
    if (fo.timeout_ns != 0 && !force) {
        status = ctl_error(c, "--timeout must have --force specified");
        goto out;
    }
    if (force && dry_run != DRY_RUN_NONE) {
        status = ctl_error(c, "--dry-run can not be used when --force is set");
        goto out;
    }
    struct run_files_opts ro = {RUN_REPLACE,   recursive, output,    dry_run,
                                field_manager, false,     validation};
    status = force ? force_replace(c, &files, &args, &ro, &fo) : ctl_run_files(c, &files, &ro);
out:
    cli_strv_free(&files);
    cli_strv_free(&args);
    return status;
}
