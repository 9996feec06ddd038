/* `c8sctl get` as kubectl get (pkg/cmd/get): the server's Tables for human output (one header
 * per column set, a blank line between resource types, kind prefixes when several types are
 * shown, NAMESPACE with -A), a v1 List for -o json|yaml|name|jsonpath|custom-columns and
 * go-template (with managed fields, as kubectl), watch with Table events and remembered column
 * widths, and kubectl's "No resources found" lines. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ctl.h"
#include "gotemplate.h"
#include "jsonpath.h"
#include "objects.h"
#include "printers.h"
#include "xalloc.h"
#include "yamlx.h"

/* One thing to fetch: a collection (name NULL) or one object. */
struct get_req {
    const struct mapper_resource *r;
    const char *name; /* borrowed from args */
};

struct get_opts {
    const char *output, *selector, *field_selector, *sort_by, *template_flag;
    bool allow_missing_keys;
    bool all_namespaces, watch, show_managed_fields, watch_only, show_labels, no_headers,
        ignore_not_found;
    struct cli_strv label_columns;
    int chunk_size;
};

/* What was fetched for one request: a Table (human) or objects, and an error line. */
struct get_result {
    const struct get_req *req;
    json_t *doc; /* Table or object or list; NULL on error */
    char *error; /* owned kubectl error line, or NULL */
};

static const char *const OUTPUT_FORMATS =
    "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
    "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

static char *list_query(const struct get_opts *o, bool table, const char *cont)
{
    char *q = xstrdup("");
    char limit[32];
    snprintf(limit, sizeof limit, "%d", o->chunk_size > 0 ? o->chunk_size : 500);
    ctl_query_add(&q, "continue", cont);
    ctl_query_add(&q, "fieldSelector", o->field_selector);
    ctl_query_add(&q, "includeObject", table && o->sort_by && *o->sort_by ? "Object" : NULL);
    ctl_query_add(&q, "labelSelector", o->selector);
    ctl_query_add(&q, "limit", limit);
    q[0] = '?';
    return q;
}

/* GETs one request, following continue tokens for collections (rows or items appended).
 * Returns 0 with *doc, or 1 after a transport failure was printed (fatal), or 0 with *error. */
static int fetch(struct ctl *c, const struct get_opts *o, const struct get_req *req, bool table,
                 json_t **doc, char **error)
{
    const char *ns = o->all_namespaces ? NULL : c->ns;
    cleanup_free char *base = mapper_collection_path(req->r, ns);
    cleanup_free char *cont = NULL;
    json_t *acc = NULL;
    for (;;) {
        cleanup_free char *path = NULL;
        if (req->name != NULL) {
            path = xasprintf("%s/%s", base, req->name);
        } else {
            cleanup_free char *q = list_query(o, table, cont);
            path = xasprintf("%s%s", base, q);
        }
        struct http_response resp = {0};
        struct err e = {0};
        if (ctl_request(c, "GET", path, table ? CTL_ACCEPT_TABLE : CTL_ACCEPT_JSON, NULL, NULL,
                        &resp, &e) != 0) {
            json_decref(acc);
            return ctl_transport_error(c, &e);
        }
        if (resp.status < 200 || resp.status > 299) {
            bool not_found = resp.status == 404;
            if (!(not_found && o->ignore_not_found)) {
                *error = ctl_api_error_text(&resp, NULL);
            }
            http_response_free(&resp);
            json_decref(acc);
            return 0;
        }
        json_t *page = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
        http_response_free(&resp);
        if (page == NULL) {
            json_decref(acc);
            *error = xasprintf("error: invalid JSON answer from %s", path);
            return 0;
        }
        if (acc == NULL) {
            acc = page;
        } else {
            const char *key = table ? "rows" : "items";
            json_array_extend(json_object_get(acc, key), json_object_get(page, key));
            json_object_set(acc, "metadata", json_object_get(page, "metadata"));
            json_decref(page);
        }
        const char *next =
            json_string_value(json_object_get(json_object_get(acc, "metadata"), "continue"));
        if (req->name != NULL || next == NULL || *next == '\0') {
            break;
        }
        free(cont);
        cont = xstrdup(next);
        json_object_del(json_object_get(acc, "metadata"), "continue");
    }
    *doc = acc;
    return 0;
}

/* ---- sorting (--sort-by) ---- */

struct sort_key {
    json_t *value; /* borrowed or NULL */
    size_t index;
};

static int natural_less(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            char *ea, *eb;
            unsigned long long na = strtoull(a, &ea, 10), nb = strtoull(b, &eb, 10);
            if (na != nb) {
                return na < nb ? -1 : 1;
            }
            a = ea;
            b = eb;
            continue;
        }
        if (*a != *b) {
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        }
        a++, b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

static int compare_sort_keys(const void *pa, const void *pb)
{
    const struct sort_key *a = pa, *b = pb;
    int cmp = 0;
    if (a->value == NULL || b->value == NULL) {
        cmp = (a->value == NULL) - (b->value == NULL);
    } else if (json_is_number(a->value) && json_is_number(b->value)) {
        double x = json_number_value(a->value), y = json_number_value(b->value);
        cmp = x < y ? -1 : x > y ? 1 : 0;
    } else if (json_is_string(a->value) && json_is_string(b->value)) {
        cmp = natural_less(json_string_value(a->value), json_string_value(b->value));
    } else {
        char *x = printers_json_compact(a->value), *y = printers_json_compact(b->value);
        cmp = strcmp(x, y);
        free(x);
        free(y);
    }
    return cmp != 0 ? cmp : (a->index < b->index ? -1 : 1);
}

/* Sorts arr (rows with an object, or objects) in place by the jsonpath expr. */
static int sort_array(struct ctl *c, json_t *arr, const char *expr, bool rows)
{
    struct err e = {0};
    cleanup_free char *tmpl = jsonpath_relaxed(expr, &e);
    struct jsonpath *jp = tmpl ? jsonpath_parse(tmpl, &e) : NULL;
    if (jp == NULL) {
        return ctl_error(c, "%s", e.msg);
    }
    size_t n = json_array_size(arr);
    struct sort_key *keys = xcalloc(n ? n : 1, sizeof *keys);
    json_t *found_all = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(arr, i);
        json_t *obj = rows ? json_object_get(item, "object") : item;
        json_t *found = jsonpath_find(jp, obj, &e);
        keys[i].index = i;
        keys[i].value = found && json_array_size(found) ? json_array_get(found, 0) : NULL;
        if (found) {
            json_array_append_new(found_all, found);
        }
    }
    qsort(keys, n, sizeof *keys, compare_sort_keys);
    json_t *sorted = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append(sorted, json_array_get(arr, keys[i].index));
    }
    json_array_clear(arr);
    json_array_extend(arr, sorted);
    json_decref(sorted);
    json_decref(found_all);
    free(keys);
    jsonpath_free(jp);
    return 0;
}

/* ---- human output ---- */

static bool same_resource(const struct mapper_resource *a, const struct mapper_resource *b)
{
    return a == b;
}

/* Prints the watch events of one collection after its list. */
struct watch_state {
    struct ctl *c;
    struct tabw *t;
    json_t *columns; /* borrowed */
    struct table_opts *opts;
    bool header_pending;
};

static int on_watch_line(const char *line, size_t len, void *data)
{
    struct watch_state *w = data;
    (void)len;
    cleanup_json json_t *ev = json_loads(line, 0, NULL);
    json_t *obj = json_object_get(ev, "object");
    const char *type = json_string_value(json_object_get(ev, "type"));
    if (obj == NULL || type == NULL) {
        return 0;
    }
    if (strcmp(type, "ERROR") == 0) {
        const char *msg = json_string_value(json_object_get(obj, "message"));
        fprintf(w->c->errout, "error: %s\n", msg ? msg : "watch failed");
        return 1;
    }
    if (strcmp(type, "BOOKMARK") == 0) {
        return 0;
    }
    json_t *cols = json_object_get(obj, "columnDefinitions");
    if (json_array_size(cols) > 0) {
        json_decref(w->columns);
        w->columns = json_deep_copy(cols);
    }
    cleanup_json json_t *table = json_object();
    json_object_set_new(table, "columnDefinitions",
                        w->columns ? json_incref(w->columns) : json_array());
    json_t *rows = json_object_get(obj, "rows");
    json_object_set_new(table, "rows", rows ? json_incref(rows) : json_array());
    printers_table(w->t, table, w->opts, w->header_pending);
    w->header_pending = false;
    tabw_flush(w->t, w->c->out, true);
    fflush(w->c->out);
    return 0;
}

static int run_watch(struct ctl *c, const struct get_opts *o, const struct get_req *req,
                     const char *rv, json_t *columns, struct tabw *t, struct table_opts *topts)
{
    const char *ns = o->all_namespaces ? NULL : c->ns;
    cleanup_free char *base = mapper_collection_path(req->r, ns);
    cleanup_free char *name_selector = req->name ? xasprintf("metadata.name=%s", req->name) : NULL;
    char *q = xstrdup("");
    ctl_query_add(&q, "fieldSelector", name_selector ? name_selector : o->field_selector);
    ctl_query_add(&q, "labelSelector", o->selector);
    ctl_query_add(&q, "resourceVersion", rv);
    cleanup_free char *path = xasprintf("%s?%s%swatch=true", base, *q ? q + 1 : "", *q ? "&" : "");
    free(q);
    char accept[512], command[128];
    snprintf(accept, sizeof accept, "Accept: %s", CTL_ACCEPT_TABLE);
    snprintf(command, sizeof command, "Kubectl-Command: kubectl %s", c->cmd_path);
    const char *headers[] = {accept, command, NULL};
    struct http_request hreq = {.method = "GET", .path = path, .headers = headers};
    struct watch_state w = {c, t, json_deep_copy(columns), topts, o->watch_only};
    struct http_response resp = {0};
    struct err e = {0};
    int rc = http_stream(c->http, &hreq, on_watch_line, &w, &resp, &e);
    json_decref(w.columns);
    if (rc != 0) {
        http_response_free(&resp);
        return ctl_transport_error(c, &e);
    }
    int status = 0;
    if (resp.status < 200 || resp.status > 299) {
        status = ctl_api_error(c, &resp);
    }
    http_response_free(&resp);
    return status;
}

static int print_human(struct ctl *c, struct get_opts *o, struct get_result *res, size_t n)
{
    size_t infos = 0;
    const struct mapper_resource *first = NULL;
    bool several_kinds = false;
    for (size_t i = 0; i < n; i++) {
        if (res[i].doc == NULL) {
            continue;
        }
        infos++;
        if (first == NULL) {
            first = res[i].req->r;
        } else if (!same_resource(first, res[i].req->r)) {
            several_kinds = true;
        }
    }
    bool with_kind = infos >= 2 && several_kinds;
    struct tabw t = {0};
    const struct mapper_resource *last = NULL;
    bool written = false, pending_sep = false, written_since_header = false;
    bool all_namespaced = !o->all_namespaces;
    cleanup_json json_t *last_columns = NULL;
    const char **label_cols = NULL;
    if (o->label_columns.n) {
        label_cols = (const char **)o->label_columns.v;
    }
    int status = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mapper_resource *r = res[i].req->r;
        all_namespaced = all_namespaced && r->namespaced;
        if (res[i].doc == NULL) {
            continue;
        }
        json_t *doc = res[i].doc;
        if (o->sort_by && *o->sort_by) {
            if (sort_array(c, json_object_get(doc, "rows"), o->sort_by, true) != 0) {
                status = 1;
                break;
            }
        }
        cleanup_free char *kind = with_kind ? mapper_kind_group(r) : NULL;
        struct table_opts topts = {
            .wide = o->output && strcmp(o->output, "wide") == 0,
            .no_headers = o->no_headers,
            .with_namespace = o->all_namespaces && r->namespaced,
            .show_labels = o->show_labels,
            .kind = kind,
            .label_columns = label_cols,
        };
        bool new_block = last == NULL || !same_resource(last, r);
        if (new_block) {
            if (t.nrows > 0) {
                if (pending_sep) {
                    fputc('\n', c->out);
                    pending_sep = false;
                }
                tabw_flush(&t, c->out, false);
                written = true;
                written_since_header = true;
            }
            if (last != NULL && !o->no_headers && written_since_header) {
                pending_sep = true;
                written_since_header = false;
            }
            json_decref(last_columns);
            last_columns = NULL;
            last = r;
        }
        const json_t *cols = json_object_get(doc, "columnDefinitions");
        bool header = last_columns == NULL || !json_equal(last_columns, cols);
        size_t rows = printers_table(&t, doc, &topts, header);
        if (rows > 0 && header) {
            json_decref(last_columns);
            last_columns = json_deep_copy(cols);
        }
        if (o->watch || o->watch_only) {
            if (t.nrows > 0) {
                tabw_flush(&t, c->out, true);
                written = true;
            }
            fflush(c->out);
            const char *rv = json_string_value(
                json_object_get(json_object_get(doc, "metadata"), "resourceVersion"));
            status = run_watch(c, o, res[i].req, rv, json_object_get(doc, "columnDefinitions"), &t,
                               &topts);
            tabw_free(&t);
            return status;
        }
    }
    if (t.nrows > 0) {
        if (pending_sep) {
            fputc('\n', c->out);
        }
        tabw_flush(&t, c->out, false);
        written = true;
    }
    tabw_free(&t);
    fflush(c->out);
    bool errors = false;
    for (size_t i = 0; i < n; i++) {
        errors = errors || res[i].error != NULL;
    }
    if (!written && !errors && !o->ignore_not_found && status == 0) {
        if (all_namespaced) {
            fprintf(c->errout, "No resources found in %s namespace.\n", c->ns);
        } else {
            fprintf(c->errout, "No resources found\n");
        }
    }
    return status;
}

/* ---- generic output ---- */

/* Sets apiVersion and kind on a list's items as client-go's unstructured list decoding does. */
static void type_items(json_t *list)
{
    const char *api = json_string_value(json_object_get(list, "apiVersion"));
    const char *kind = json_string_value(json_object_get(list, "kind"));
    size_t klen = kind ? strlen(kind) : 0;
    cleanup_free char *item_kind =
        klen > 4 && strcmp(kind + klen - 4, "List") == 0 ? xstrndup(kind, klen - 4) : NULL;
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(list, "items"), i, item) {
        if (api && json_object_get(item, "apiVersion") == NULL) {
            json_object_set_new(item, "apiVersion", json_string(api));
        }
        if (item_kind && json_object_get(item, "kind") == NULL) {
            json_object_set_new(item, "kind", json_string(item_kind));
        }
    }
}

/* "deployment.apps" from an object's apiVersion and kind. Owned. */
static char *kind_group_of(const json_t *obj)
{
    const char *api = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    char *lower = xstrdup(kind ? kind : "");
    for (char *p = lower; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    const char *slash = api ? strchr(api, '/') : NULL;
    if (slash == NULL) {
        return lower;
    }
    char *out = xasprintf("%s.%.*s", lower, (int)(slash - api), api);
    free(lower);
    return out;
}

static int print_custom_columns(struct ctl *c, const struct get_opts *o, json_t *items,
                                const char *spec)
{
    struct cli_strv headers = {0};
    struct jsonpath **paths = NULL;
    size_t ncols = 0;
    int status = 0;
    cleanup_free char *copy = xstrdup(spec);
    char *save = NULL;
    for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(part, ':');
        if (colon == NULL) {
            status = ctl_error(
                c, "unexpected custom-columns spec: %s, expected <header>:<json-path-expr>", part);
            goto out;
        }
        *colon = '\0';
        struct err e = {0};
        cleanup_free char *tmpl = jsonpath_relaxed(colon + 1, &e);
        struct jsonpath *jp = tmpl ? jsonpath_parse(tmpl, &e) : NULL;
        if (jp == NULL) {
            status = ctl_error(c, "%s", e.msg);
            goto out;
        }
        paths = xrealloc(paths, (ncols + 1) * sizeof *paths);
        paths[ncols++] = jp;
        cli_strv_add(&headers, part);
    }
    if (ncols == 0) {
        status = ctl_error(c, "custom-columns format specified but no custom columns given");
        goto out;
    }
    struct tabw t = {0};
    if (!o->no_headers) {
        tabw_row(&t, (const char *const *)headers.v, ncols);
    }
    size_t i;
    json_t *item;
    const char **cells = xcalloc(ncols, sizeof *cells);
    json_array_foreach (items, i, item) {
        for (size_t k = 0; k < ncols; k++) {
            struct err e = {0};
            json_t *found = jsonpath_find(paths[k], item, &e);
            size_t nf = json_array_size(found);
            char *text = NULL;
            if (nf == 0) {
                text = xstrdup("<none>");
            }
            for (size_t f = 0; f < nf; f++) {
                char *v = jsonpath_go_value(json_array_get(found, f));
                char *joined = text ? xasprintf("%s,%s", text, v) : xstrdup(v);
                free(text);
                free(v);
                text = joined;
            }
            json_decref(found);
            cells[k] = text;
        }
        tabw_row(&t, cells, ncols);
        for (size_t k = 0; k < ncols; k++) {
            free((char *)cells[k]);
        }
    }
    free(cells);
    tabw_flush(&t, c->out, false);
    tabw_free(&t);
out:
    for (size_t k = 0; k < ncols; k++) {
        jsonpath_free(paths[k]);
    }
    free(paths);
    cli_strv_free(&headers);
    return status;
}

static int print_generic(struct ctl *c, struct get_opts *o, struct get_result *res, size_t n,
                         bool single_implied)
{
    cleanup_json json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        if (res[i].doc == NULL) {
            continue;
        }
        if (res[i].req->name != NULL) {
            json_array_append(items, res[i].doc);
        } else {
            type_items(res[i].doc);
            json_array_extend(items, json_object_get(res[i].doc, "items"));
        }
    }
    if (o->sort_by && *o->sort_by && sort_array(c, items, o->sort_by, false) != 0) {
        return 1;
    }
    bool single = single_implied && json_array_size(items) == 1;
    cleanup_json json_t *obj = NULL;
    if (single) {
        obj = json_incref(json_array_get(items, 0));
    } else {
        obj = json_pack("{s:s, s:O, s:s, s:{s:s}}", "apiVersion", "v1", "items", items, "kind",
                        "List", "metadata", "resourceVersion", "");
    }
    const char *out = o->output;
    if (gotemplate_is_format(out, o->template_flag)) {
        /* kubectl's OmitManagedFieldsPrinter only wraps the JSON and YAML printers */
        cleanup_free char *raw = NULL;
        struct gotemplate *t = gotemplate_printer_new(c, out, o->template_flag, &raw);
        if (t == NULL) {
            return 1;
        }
        int status = gotemplate_printer_print(c, t, raw, obj, o->allow_missing_keys, false);
        gotemplate_free(t);
        return status;
    }
    if (!o->show_managed_fields) {
        objects_omit_managed_fields(obj);
    }
    if (strcmp(out, "json") == 0) {
        char *text = printers_json(obj);
        fputs(text, c->out);
        free(text);
    } else if (strcmp(out, "yaml") == 0) {
        char *text = yamlx_dump(obj);
        fputs(text, c->out);
        free(text);
    } else if (strcmp(out, "name") == 0) {
        size_t i;
        json_t *item;
        json_array_foreach (items, i, item) {
            cleanup_free char *kg = kind_group_of(item);
            cleanup_free char *line = printers_name(kg, item);
            fprintf(c->out, "%s\n", line);
        }
    } else if (strncmp(out, "jsonpath", 8) == 0) {
        /* jsonpath=T, jsonpath-as-json=T, or either with --template T */
        const char *tmpl = *o->template_flag ? o->template_flag : strchr(out, '=') + 1;
        struct err e = {0};
        struct jsonpath *jp = jsonpath_parse(tmpl, &e);
        if (jp == NULL) {
            return ctl_error(c, "error parsing jsonpath %s, %s", tmpl, e.msg);
        }
        char *text = jsonpath_execute(jp, obj, true, &e);
        jsonpath_free(jp);
        if (text == NULL) {
            cleanup_free char *dump = printers_json_compact(obj);
            return ctl_error(c,
                             "error executing jsonpath \"%s\": Error executing template: %s. "
                             "Printing more information for debugging the template:\n\ttemplate "
                             "was:\n\t\t%s\n\tobject given to jsonpath engine was:\n\t\t%s\n\n",
                             tmpl, e.msg, tmpl, dump);
        }
        fputs(text, c->out);
        free(text);
    } else if (strncmp(out, "custom-columns=", 15) == 0) {
        return print_custom_columns(c, o, items, out + 15);
    }
    return 0;
}

/* ---- the command ---- */

static bool output_supported(const char *out, const char *template_flag)
{
    if (gotemplate_is_format(out, template_flag)) {
        return true;
    }
    static const char *const plain[] = {"", "wide", "json", "yaml", "name"};
    for (size_t i = 0; i < 5; i++) {
        if (strcmp(out, plain[i]) == 0) {
            return true;
        }
    }
    if (*template_flag && (strcmp(out, "jsonpath") == 0 || strcmp(out, "jsonpath-as-json") == 0)) {
        return true;
    }
    return strncmp(out, "jsonpath=", 9) == 0 || strncmp(out, "custom-columns=", 15) == 0 ||
           strncmp(out, "jsonpath-as-json=", 17) == 0;
}

static bool output_known(const char *out)
{
    static const char *const kinds[] = {"custom-columns",
                                        "custom-columns-file",
                                        "go-template",
                                        "go-template-file",
                                        "json",
                                        "jsonpath",
                                        "jsonpath-as-json",
                                        "jsonpath-file",
                                        "name",
                                        "template",
                                        "templatefile",
                                        "wide",
                                        "yaml",
                                        ""};
    size_t len = strcspn(out, "=");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strlen(kinds[i]) == len && strncmp(out, kinds[i], len) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether word is among the first n of words. */
static bool seen_in(const char *const *words, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(words[i], word) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether one of the first n of rs has r's group, version and kind. */
static bool same_kind_in(const struct mapper_resource *const *rs, size_t n,
                         const struct mapper_resource *r)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rs[i]->group, r->group) == 0 && strcmp(rs[i]->version, r->version) == 0 &&
            strcmp(rs[i]->kind, r->kind) == 0) {
            return true;
        }
    }
    return false;
}

/* Turns the arguments into requests: "type[,type] [name...]" or "type/name...". */
static int build_requests(struct ctl *c, struct cli_strv *args, struct get_req **out, size_t *n,
                          bool *single_implied)
{
    struct get_req *reqs = NULL;
    size_t count = 0;
    struct err e = {0};
    bool slash_form = false;
    for (size_t i = 0; i < args->n; i++) {
        slash_form = slash_form || strchr(args->v[i], '/') != NULL;
    }
    *single_implied = false;
    if (slash_form) {
        for (size_t i = 0; i < args->n; i++) {
            char *slash = strchr(args->v[i], '/');
            if (slash == NULL) {
                free(reqs);
                return ctl_error(c,
                                 "there is no need to specify a resource type as a separate "
                                 "argument when passing arguments in resource/name form (e.g. "
                                 "'%s get resource/<resource_name>' instead of '%s get "
                                 "resource resource/<resource_name>'",
                                 c->prog, c->prog);
            }
            *slash = '\0';
            const struct mapper_resource *r = mapper_resolve(&c->mapper, args->v[i], &e);
            if (r == NULL) {
                free(reqs);
                return ctl_error(c, "%s", e.msg);
            }
            if (slash[1] == '\0') {
                free(reqs);
                return ctl_error(c, "arguments in resource/name form must have a single resource "
                                    "and name");
            }
            reqs = xrealloc(reqs, (count + 1) * sizeof *reqs);
            reqs[count++] = (struct get_req){r, slash + 1};
        }
        *single_implied = args->n == 1;
    } else {
        cleanup_free char *types = xstrdup(args->v[0]);
        char *save = NULL;
        const struct mapper_resource *resolved[256];
        size_t nres = 0;
        const char *seen_words[256];
        size_t nwords = 0;
        for (char *tok = strtok_r(types, ",", &save); tok && nres < 256;
             tok = strtok_r(NULL, ",", &save)) {
            /* kubectl reads a word once ("ev,ev"), expands categories ("all"), then keeps one
             * request per kind ("cm,configmaps") */
            if (seen_in(seen_words, nwords, tok)) {
                continue;
            }
            seen_words[nwords++] = tok;
            const struct mapper_resource *found[256];
            size_t got = mapper_category(&c->mapper, tok, found, 256);
            if (got == 0) {
                found[0] = mapper_resolve(&c->mapper, tok, &e);
                if (found[0] == NULL) {
                    free(reqs);
                    return ctl_error(c, "%s", e.msg);
                }
                got = 1;
            }
            for (size_t i = 0; i < got && nres < 256; i++) {
                if (!same_kind_in(resolved, nres, found[i])) {
                    resolved[nres++] = found[i];
                }
            }
        }
        for (size_t t = 0; t < nres; t++) {
            if (args->n == 1) {
                reqs = xrealloc(reqs, (count + 1) * sizeof *reqs);
                reqs[count++] = (struct get_req){resolved[t], NULL};
            }
            for (size_t i = 1; i < args->n; i++) {
                reqs = xrealloc(reqs, (count + 1) * sizeof *reqs);
                reqs[count++] = (struct get_req){resolved[t], args->v[i]};
            }
        }
        *single_implied = nres == 1 && args->n == 2;
    }
    *out = reqs;
    *n = count;
    return 0;
}

int cmd_get(struct ctl *c, int argc, char **argv)
{
    struct get_opts o = {.output = "", .template_flag = "", .allow_missing_keys = true};
    struct cli_flag flags[] = {
        {"output", 'o', CLI_STRING, &o.output, false},
        {"selector", 'l', CLI_STRING, &o.selector, false},
        {"field-selector", 0, CLI_STRING, &o.field_selector, false},
        {"all-namespaces", 'A', CLI_BOOL, &o.all_namespaces, false},
        {"watch", 'w', CLI_BOOL, &o.watch, false},
        {"watch-only", 0, CLI_BOOL, &o.watch_only, false},
        {"show-labels", 0, CLI_BOOL, &o.show_labels, false},
        {"show-managed-fields", 0, CLI_BOOL, &o.show_managed_fields, false},
        {"sort-by", 0, CLI_STRING, &o.sort_by, false},
        {"no-headers", 0, CLI_BOOL, &o.no_headers, false},
        {"ignore-not-found", 0, CLI_BOOL, &o.ignore_not_found, false},
        {"label-columns", 'L', CLI_STRING_SLICE, &o.label_columns, false},
        {"chunk-size", 0, CLI_INT, &o.chunk_size, false},
        {"template", 0, CLI_STRING, &o.template_flag, false},
        {"allow-missing-template-keys", 0, CLI_BOOL, &o.allow_missing_keys, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    struct cli_strv args = {0};
    int status = 0;
    struct get_req *reqs = NULL;
    struct get_result *res = NULL;
    size_t n = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (!output_known(o.output)) {
        status = ctl_error(c,
                           "unable to match a printer suitable for the output format \"%s\", "
                           "allowed formats are: %s",
                           o.output, OUTPUT_FORMATS);
        goto out;
    }
    if (!output_supported(o.output, o.template_flag)) {
        status =
            ctl_error(c, "output format \"%s\" is not implemented by %s yet", o.output, c->prog);
        goto out;
    }
    if (args.n == 0) {
        fprintf(c->errout,
                "You must specify the type of resource to get. Use \"%s api-resources\" for a "
                "complete list of supported resources.\n\n",
                c->prog);
        status = ctl_usage_error(c,
                                 "Required resource not specified.\nUse \"%s explain "
                                 "<resource>\" for a detailed description of that resource "
                                 "(e.g. %s explain pods).",
                                 c->prog, c->prog);
        goto out;
    }
    if (ctl_discover(c) != 0) {
        status = 1;
        goto out;
    }
    bool single_implied = false;
    if (build_requests(c, &args, &reqs, &n, &single_implied) != 0) {
        status = 1;
        goto out;
    }
    bool human = (*o.output == '\0' && *o.template_flag == '\0') || strcmp(o.output, "wide") == 0;
    if ((o.watch || o.watch_only) && n != 1) {
        status = ctl_error(c,
                           "watch is only supported on individual resources and resource "
                           "collections, but %zu resources were found",
                           n);
        goto out;
    }
    res = xcalloc(n ? n : 1, sizeof *res);
    for (size_t i = 0; i < n; i++) {
        res[i].req = &reqs[i];
        if (fetch(c, &o, &reqs[i], human, &res[i].doc, &res[i].error) != 0) {
            status = 1;
            goto out;
        }
    }
    bool errors = false;
    for (size_t i = 0; i < n; i++) {
        errors = errors || res[i].error != NULL;
    }
    if (human) {
        status = print_human(c, &o, res, n);
    } else if (!(errors && single_implied)) {
        status = print_generic(c, &o, res, n, single_implied);
    }
    fflush(c->out);
    for (size_t i = 0; i < n; i++) {
        if (res[i].error != NULL) {
            fprintf(c->errout, "%s\n", res[i].error);
            status = 1;
        }
    }
out:
    for (size_t i = 0; res && i < n; i++) {
        json_decref(res[i].doc);
        free(res[i].error);
    }
    free(res);
    free(reqs);
    cli_strv_free(&args);
    cli_strv_free(&o.label_columns);
    return status;
}
