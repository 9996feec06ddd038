/* The objects of `rollout` and `set` (kubectl's resource builder over TYPE NAME, TYPE/NAME,
 * TYPE -l/--all and -f) and their PATCH with a field manager; selectors and pod templates
 * come from describe.h. */
#include "workload.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "describe.h"
#include "jpath.h"
#include "printers.h"
#include "xalloc.h"

static void add(struct workload **v, size_t *n, const struct mapper_resource *r, json_t *obj)
{
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n].r = r;
    (*v)[*n].obj = obj;
    (*n)++;
}

/* GETs one object (Accept as kubectl's builder); 0 and *out, or 1 after kubectl's error. */
static int get_one(struct ctl *c, const struct mapper_resource *r, const char *ns, const char *name,
                   json_t **out)
{
    cleanup_free char *collection = mapper_collection_path(r, ns);
    cleanup_free char *path = xasprintf("%s/%s", collection, name);
    return ctl_request_json(c, "GET", path, CTL_ACCEPT_ANY, NULL, NULL, out);
}

static int list_all(struct ctl *c, const struct mapper_resource *r, const char *selector,
                    struct workload **v, size_t *n)
{
    cleanup_free char *collection = mapper_collection_path(r, c->ns);
    char *query = xstrdup("");
    ctl_query_add(&query, "labelSelector", selector); /* kubectl's set and rollout: no limit */
    cleanup_free char *path =
        *query ? xasprintf("%s?%s", collection, query + 1) : xstrdup(collection);
    free(query);
    cleanup_json json_t *list = NULL;
    if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &list) != 0) {
        return 1;
    }
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(list, "items"), i, item) {
        /* list items carry no kind; the printers and viewers want one */
        json_t *obj = json_deep_copy(item);
        json_object_set_new(obj, "kind", json_string(r->kind));
        json_object_set_new(obj, "apiVersion",
                            *r->group ? json_sprintf("%s/%s", r->group, r->version)
                                      : json_string(r->version));
        add(v, n, r, obj);
    }
    return 0;
}

int workload_collect(struct ctl *c, const struct workload_source *src, struct workload **out,
                     size_t *count)
{
    struct workload *v = NULL;
    size_t n = 0;
    int status = 0;
    struct target *targets = NULL;
    size_t ntargets = 0;
    struct manifest *ms = NULL;
    size_t nms = 0;
    if (ctl_connect(c) != 0 || ctl_discover(c) != 0) {
        status = 1;
        goto out;
    }
    if (src->files && src->files->n > 0) {
        if (objects_read(c, src->files, src->recursive, &ms, &nms) != 0) {
            status = 1;
            goto out;
        }
        for (size_t i = 0; i < nms && (status == 0 || src->continue_on_error); i++) {
            struct err e = {0};
            const struct mapper_resource *r =
                mapper_for_kind(&c->mapper, jpath_get_string(ms[i].obj, "apiVersion"),
                                jpath_get_string(ms[i].obj, "kind"), &e);
            if (r == NULL) {
                status = ctl_error(c, "%s", e.msg);
                break;
            }
            const char *ns = jpath_get_string(ms[i].obj, "metadata.namespace");
            json_t *obj = NULL;
            if (get_one(c, r, ns && *ns ? ns : c->ns, jpath_get_string(ms[i].obj, "metadata.name"),
                        &obj) == 0) {
                add(&v, &n, r, obj);
            } else {
                status = 1;
            }
        }
        goto out;
    }
    const struct mapper_resource *type_only = NULL;
    status = objects_targets(c, src->args->v, src->args->n, true, &targets, &ntargets, &type_only);
    if (status != 0) {
        goto out;
    }
    if (type_only != NULL) {
        bool selecting = src->all || (src->selector && *src->selector);
        if (!selecting && !src->type_lists_all) {
            status = ctl_error(c, "resource(s) were provided, but no name was specified");
            goto out;
        }
        status = list_all(c, type_only, src->selector, &v, &n);
        goto out;
    }
    for (size_t i = 0; i < ntargets && (status == 0 || src->continue_on_error); i++) {
        json_t *obj = NULL;
        if (get_one(c, targets[i].r, c->ns, targets[i].name, &obj) == 0) {
            add(&v, &n, targets[i].r, obj);
        } else {
            status = 1;
        }
    }
out:
    objects_manifests_free(ms, nms);
    objects_targets_free(targets, ntargets);
    if (status != 0 && !src->continue_on_error) {
        workload_free(v, n);
        v = NULL;
        n = 0;
    }
    *out = v;
    *count = n;
    return status;
}

void workload_free(struct workload *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_decref(w[i].obj);
    }
    free(w);
}

const char *workload_ns(const struct workload *w)
{
    return jpath_get_string(w->obj, "metadata.namespace");
}

const char *workload_name(const struct workload *w)
{
    return jpath_get_string(w->obj, "metadata.name");
}

int workload_patch(struct ctl *c, const struct workload *w, const char *content_type,
                   const char *body, const char *manager, enum dry_run dry_run, json_t **answer,
                   char **failure)
{
    cleanup_free char *collection = mapper_collection_path(w->r, workload_ns(w));
    cleanup_free char *path =
        manager ? xasprintf("%s/%s?%sfieldManager=%s", collection, workload_name(w),
                            objects_dry_run_query(dry_run), manager)
        : dry_run == DRY_RUN_SERVER ? xasprintf("%s/%s?dryRun=All", collection, workload_name(w))
                                    : xasprintf("%s/%s", collection, workload_name(w));
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "PATCH", path, CTL_ACCEPT_JSON, content_type, body, &resp, &e) != 0) {
        *failure = xstrdup(e.msg);
        return 1;
    }
    int rc = 0;
    if (resp.status < 200 || resp.status > 299) {
        cleanup_json json_t *st = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
        const char *msg = json_string_value(json_object_get(st, "message"));
        *failure = msg ? xstrdup(msg) : ctl_api_error_text(&resp, NULL);
        rc = 1;
    } else if (answer) {
        *answer = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
    }
    http_response_free(&resp);
    return rc;
}

char *workload_selector_string(const json_t *selector)
{
    return selector_string(selector);
}

void workload_print_pod_template(FILE *w, const json_t *tmpl)
{
    describe_pod_template(w, tmpl);
}
