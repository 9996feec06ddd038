/* The objects of `rollout` and `set` (kubectl's resource builder over TYPE NAME, TYPE/NAME,
 * TYPE -l/--all and -f), their PATCH with a field manager, label selectors as
 * labels.Selector.String() and describe.DescribePodTemplate's text. */
#include "workload.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
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
    ctl_query_add(&query, "labelSelector", selector);
    ctl_query_add(&query, "limit", "500");
    cleanup_free char *path = xasprintf("%s?%s", collection, query + 1);
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
    /* the builder's hint names "kubectl get" whatever the command */
    char cmd_path[sizeof c->cmd_path];
    memcpy(cmd_path, c->cmd_path, sizeof cmd_path);
    snprintf(c->cmd_path, sizeof c->cmd_path, "get");
    status = objects_targets(c, src->args->v, src->args->n, true, &targets, &ntargets, &type_only);
    memcpy(c->cmd_path, cmd_path, sizeof cmd_path);
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

/* ---- selectors ---- */

struct requirement {
    const char *key;
    char *text; /* owned */
};

static int compare_requirements(const void *a, const void *b)
{
    return strcmp(((const struct requirement *)a)->key, ((const struct requirement *)b)->key);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *workload_selector_string(const json_t *selector)
{
    json_t *labels = json_object_get(selector, "matchLabels");
    json_t *exprs = json_object_get(selector, "matchExpressions");
    size_t n = json_object_size(labels) + json_array_size(exprs), k = 0;
    struct requirement *reqs = xcalloc(n ? n : 1, sizeof *reqs);
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)labels, key, value) {
        reqs[k].key = key;
        reqs[k++].text = xasprintf("%s=%s", key, json_string_value(value));
    }
    size_t i;
    json_t *expr;
    json_array_foreach (exprs, i, expr) {
        const char *op = jpath_get_string(expr, "operator");
        const char *ekey = jpath_get_string(expr, "key");
        json_t *values = json_object_get(expr, "values");
        ekey = ekey ? ekey : "";
        reqs[k].key = ekey;
        if (op && strcmp(op, "Exists") == 0) {
            reqs[k++].text = xstrdup(ekey);
            continue;
        }
        if (op && strcmp(op, "DoesNotExist") == 0) {
            reqs[k++].text = xasprintf("!%s", ekey);
            continue;
        }
        size_t nv = json_array_size(values);
        const char **vals = xcalloc(nv ? nv : 1, sizeof *vals);
        for (size_t j = 0; j < nv; j++) {
            vals[j] = json_string_value(json_array_get(values, j));
            vals[j] = vals[j] ? vals[j] : "";
        }
        qsort(vals, nv, sizeof *vals, compare_strings);
        char *joined = xstrdup("");
        for (size_t j = 0; j < nv; j++) {
            char *next = xasprintf("%s%s%s", joined, j ? "," : "", vals[j]);
            free(joined);
            joined = next;
        }
        free(vals);
        bool notin = op && strcmp(op, "NotIn") == 0;
        reqs[k++].text = xasprintf("%s %s (%s)", ekey, notin ? "notin" : "in", joined);
        free(joined);
    }
    qsort(reqs, k, sizeof *reqs, compare_requirements);
    char *out = xstrdup("");
    for (size_t j = 0; j < k; j++) {
        char *next = xasprintf("%s%s%s", out, j ? "," : "", reqs[j].text);
        free(out);
        out = next;
        free(reqs[j].text);
    }
    free(reqs);
    return out;
}

/* ---- describe.DescribePodTemplate ---- */

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static const char **sorted_keys(const json_t *obj, size_t *n)
{
    *n = json_object_size(obj);
    const char **keys = xcalloc(*n ? *n : 1, sizeof *keys);
    size_t i = 0;
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)obj, key, value) {
        keys[i++] = key;
    }
    qsort(keys, *n, sizeof *keys, compare_strings);
    return keys;
}

/* "Title:\tk=v" (or "k: v" for annotations), further pairs on "\t"-led lines, or "<none>". */
static void pairs_multiline(FILE *w, const char *title, const json_t *map, const char *sep)
{
    fprintf(w, "%s:\t", title);
    size_t n;
    const char **keys = sorted_keys(map, &n);
    if (n == 0) {
        fputs("<none>\n", w);
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(w, "%s%s%s%s\n", i ? "\t" : "", keys[i], sep, str(map, keys[i]));
    }
    free(keys);
}

static void print_env(FILE *w, const json_t *ctr)
{
    json_t *env = json_object_get(ctr, "env");
    fprintf(w, "    Environment:%s\n", json_array_size(env) ? "" : "\t<none>");
    size_t j;
    json_t *x;
    json_array_foreach (env, j, x) {
        json_t *from = json_object_get(x, "valueFrom");
        json_t *cm = json_object_get(from, "configMapKeyRef");
        json_t *secret = json_object_get(from, "secretKeyRef");
        json_t *field = json_object_get(from, "fieldRef");
        if (from == NULL) {
            fprintf(w, "      %s:\t%s\n", str(x, "name"), str(x, "value"));
        } else if (cm || secret) {
            fprintf(w, "      %s:\t<set to the key '%s' %s '%s'>\tOptional: %s\n", str(x, "name"),
                    str(cm ? cm : secret, "key"), cm ? "of config map" : "in secret",
                    str(cm ? cm : secret, "name"),
                    json_is_true(json_object_get(cm ? cm : secret, "optional")) ? "true" : "false");
        } else if (field) {
            fprintf(w, "      %s:\t (%s:%s)\n", str(x, "name"), str(field, "apiVersion"),
                    str(field, "fieldPath"));
        } else {
            fprintf(w, "      %s:\t\n", str(x, "name"));
        }
    }
}

static void print_ports(FILE *w, const json_t *ctr)
{
    json_t *ports = json_object_get(ctr, "ports");
    for (int host = 0; host < 2; host++) {
        char *buf = NULL;
        size_t size = 0, j;
        FILE *f = open_memstream(&buf, &size);
        json_t *p;
        json_array_foreach (ports, j, p) {
            const char *proto = str(p, "protocol");
            fprintf(f, "%s%lld/%s", j ? ", " : "",
                    (long long)json_integer_value(
                        json_object_get(p, host ? "hostPort" : "containerPort")),
                    *proto ? proto : "TCP");
        }
        fclose(f);
        fprintf(w, "    %s%s:\t%s\n", host ? "Host Port" : "Port", strchr(buf, ',') ? "s" : "",
                *buf ? buf : "<none>");
        free(buf);
    }
}

static void print_containers(FILE *w, const char *label, const json_t *containers)
{
    fprintf(w, "  %s:%s\n", label, json_array_size(containers) ? "" : " <none>");
    size_t i, j;
    json_t *ctr, *x;
    json_array_foreach (containers, i, ctr) {
        fprintf(w, "   %s:\n    Image:\t%s\n", str(ctr, "name"), str(ctr, "image"));
        print_ports(w, ctr);
        const char *lists[2] = {"command", "args"}, *titles[2] = {"Command", "Args"};
        for (int l = 0; l < 2; l++) {
            json_t *words = json_object_get(ctr, lists[l]);
            if (json_array_size(words) > 0) {
                fprintf(w, "    %s:\n", titles[l]);
                json_array_foreach (words, j, x) {
                    fprintf(w, "      %s\n", json_string_value(x));
                }
            }
        }
        json_t *resources = json_object_get(ctr, "resources");
        const char *kinds[2] = {"limits", "requests"}, *ktitles[2] = {"Limits", "Requests"};
        for (int k = 0; k < 2; k++) {
            json_t *res = json_object_get(resources, kinds[k]);
            size_t n;
            const char **keys = sorted_keys(res, &n);
            if (n) {
                fprintf(w, "    %s:\n", ktitles[k]);
            }
            for (size_t r = 0; r < n; r++) {
                fprintf(w, "      %s:\t%s\n", keys[r], str(res, keys[r]));
            }
            free(keys);
        }
        print_env(w, ctr);
        json_t *mounts = json_object_get(ctr, "volumeMounts");
        fprintf(w, "    Mounts:%s\n", json_array_size(mounts) ? "" : "\t<none>");
        json_array_foreach (mounts, j, x) {
            fprintf(w, "      %s from %s (%s)\n", str(x, "mountPath"), str(x, "name"),
                    json_is_true(json_object_get(x, "readOnly")) ? "ro" : "rw");
        }
    }
}

static const char *yes_no(const json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key)) ? "true" : "false";
}

/* describe's lines for the common volume sources; others show only their name. */
static void print_volume_source(FILE *w, const json_t *v)
{
    const json_t *x;
    if ((x = json_object_get(v, "emptyDir")) != NULL) {
        const char *limit = str(x, "sizeLimit");
        fprintf(w,
                "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                "    Medium:\t%s\n    SizeLimit:\t%s\n",
                str(x, "medium"), *limit ? limit : "<unset>");
    } else if ((x = json_object_get(v, "configMap")) != NULL) {
        fprintf(w,
                "    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%s\n"
                "    Optional:\t%s\n",
                str(x, "name"), yes_no(x, "optional"));
    } else if ((x = json_object_get(v, "secret")) != NULL) {
        fprintf(w,
                "    Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%s\n"
                "    Optional:\t%s\n",
                str(x, "secretName"), yes_no(x, "optional"));
    } else if ((x = json_object_get(v, "hostPath")) != NULL) {
        fprintf(w,
                "    Type:\tHostPath (bare host directory volume)\n    Path:\t%s\n"
                "    HostPathType:\t%s\n",
                str(x, "path"), str(x, "type"));
    } else if ((x = json_object_get(v, "persistentVolumeClaim")) != NULL) {
        fprintf(w,
                "    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the "
                "same namespace)\n    ClaimName:\t%s\n    ReadOnly:\t%s\n",
                str(x, "claimName"), yes_no(x, "readOnly"));
    }
}

void workload_print_pod_template(FILE *w, const json_t *tmpl)
{
    const json_t *meta = json_object_get(tmpl, "metadata"), *spec = json_object_get(tmpl, "spec");
    fputs("Pod Template:\n", w);
    pairs_multiline(w, "  Labels", json_object_get(meta, "labels"), "=");
    if (json_object_size(json_object_get(meta, "annotations")) > 0) {
        pairs_multiline(w, "  Annotations", json_object_get(meta, "annotations"), ": ");
    }
    if (*str(spec, "serviceAccountName")) {
        fprintf(w, "  Service Account:\t%s\n", str(spec, "serviceAccountName"));
    }
    if (json_array_size(json_object_get(spec, "initContainers")) > 0) {
        print_containers(w, "Init Containers", json_object_get(spec, "initContainers"));
    }
    print_containers(w, "Containers", json_object_get(spec, "containers"));
    json_t *volumes = json_object_get(spec, "volumes");
    fprintf(w, "  Volumes:%s\n", json_array_size(volumes) ? "" : "\t<none>");
    size_t i;
    json_t *v;
    json_array_foreach (volumes, i, v) {
        fprintf(w, "   %s:\n", str(v, "name"));
        print_volume_source(w, v);
    }
    if (*str(spec, "priorityClassName")) {
        fprintf(w, "  Priority Class Name:\t%s\n", str(spec, "priorityClassName"));
    }
    pairs_multiline(w, "  Node-Selectors", json_object_get(spec, "nodeSelector"), "=");
    json_t *tolerations = json_object_get(spec, "tolerations");
    fputs("  Tolerations:\t", w);
    if (json_array_size(tolerations) == 0) {
        fputs("<none>\n", w);
    }
    json_array_foreach (tolerations, i, v) {
        const char *key = str(v, "key"), *value = str(v, "value"), *effect = str(v, "effect");
        fprintf(w, "%s%s%s%s%s%s", i ? "\t" : "", key, *value ? "=" : "", value, *effect ? ":" : "",
                effect);
        if (strcmp(str(v, "operator"), "Exists") == 0 && *value == '\0') {
            fputs(*key || *effect ? " op=Exists" : "op=Exists", w);
        }
        json_t *secs = json_object_get(v, "tolerationSeconds");
        if (json_is_integer(secs)) {
            fprintf(w, " for %llds", (long long)json_integer_value(secs));
        }
        fputc('\n', w);
    }
}
