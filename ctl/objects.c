/* Arguments, manifests and patch keys for c8sctl's writing commands (objects.h), following
 * kubectl's resource builder (cli-runtime/pkg/resource) and the struct tags of k8s.io/api. */
#include "objects.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fileio.h"
#include "gotemplate.h"
#include "printers.h"
#include "smp_builtin.h"
#include "xalloc.h"
#include "yamlx.h"

void objects_targets_free(struct target *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].name);
    }
    free(t);
}

static void add_target(struct target **out, size_t *count, const struct mapper_resource *r,
                       const char *name)
{
    *out = xrealloc(*out, (*count + 1) * sizeof **out);
    (*out)[(*count)++] = (struct target){r, xstrdup(name)};
}

/* Frees the targets gathered so far and leaves an empty list, which the caller frees again. */
static void drop_targets(struct target **out, size_t *count)
{
    objects_targets_free(*out, *count);
    *out = NULL;
    *count = 0;
}

int objects_targets(struct ctl *c, char **args, size_t n, bool allow_type_only, struct target **out,
                    size_t *count, const struct mapper_resource **type_only)
{
    struct err e = {0};
    *out = NULL;
    *count = 0;
    if (type_only) {
        *type_only = NULL;
    }
    if (n == 0) {
        return 0;
    }
    bool slash_form = false;
    for (size_t i = 0; i < n; i++) {
        slash_form = slash_form || strchr(args[i], '/') != NULL;
    }
    if (slash_form) {
        for (size_t i = 0; i < n; i++) {
            cleanup_free char *copy = xstrdup(args[i]);
            char *slash = strchr(copy, '/');
            if (slash == NULL) {
                drop_targets(out, count);
                return ctl_error(c,
                                 "there is no need to specify a resource type as a separate "
                                 "argument when passing arguments in resource/name form (e.g. "
                                 "'%s get resource/<resource_name>' instead of '%s get "
                                 "resource resource/<resource_name>'",
                                 c->prog, c->prog);
            }
            *slash = '\0';
            const struct mapper_resource *r = mapper_resolve(&c->mapper, copy, &e);
            if (r == NULL) {
                drop_targets(out, count);
                return ctl_error(c, "%s", e.msg);
            }
            add_target(out, count, r, slash + 1);
        }
        return 0;
    }
    const struct mapper_resource *r = mapper_resolve(&c->mapper, args[0], &e);
    if (r == NULL) {
        return ctl_error(c, "%s", e.msg);
    }
    if (n == 1) {
        if (type_only) {
            *type_only = r;
        }
        if (!allow_type_only) {
            return ctl_error(c, "resource(s) were provided, but no name was specified");
        }
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        add_target(out, count, r, args[i]);
    }
    return 0;
}

/* ---- manifests ---- */

void objects_manifests_free(struct manifest *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].source);
        json_decref(m[i].obj);
    }
    free(m);
}

static int add_documents(struct ctl *c, const char *source, const char *text, size_t len,
                         struct manifest **out, size_t *count)
{
    json_t *docs = NULL;
    struct err e = {0};
    if (yamlx_load_all(text, len, &docs, &e) != 0) {
        return ctl_error(c, "error parsing %s: error converting YAML to JSON: %s", source, e.msg);
    }
    size_t i;
    json_t *doc;
    json_array_foreach (docs, i, doc) {
        /* kind: List expands into its items */
        const char *kind = json_string_value(json_object_get(doc, "kind"));
        json_t *items = json_object_get(doc, "items");
        if (kind && strcmp(kind, "List") == 0 && json_is_array(items)) {
            size_t j;
            json_t *item;
            json_array_foreach (items, j, item) {
                *out = xrealloc(*out, (*count + 1) * sizeof **out);
                (*out)[(*count)++] = (struct manifest){xstrdup(source), json_incref(item)};
            }
            continue;
        }
        if (!json_is_object(doc)) {
            json_decref(docs);
            return ctl_error(c,
                             "error validating \"%s\": error validating data: expected an "
                             "object",
                             source);
        }
        if (json_object_get(doc, "kind") == NULL) {
            json_decref(docs);
            return ctl_error(c, "error validating \"%s\": error validating data: kind not set",
                             source);
        }
        *out = xrealloc(*out, (*count + 1) * sizeof **out);
        (*out)[(*count)++] = (struct manifest){xstrdup(source), json_incref(doc)};
    }
    json_decref(docs);
    return 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool manifest_extension(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot &&
           (strcmp(dot, ".json") == 0 || strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0);
}

/* Reads path's manifests into *out (stdin for "-", a folder's .json/.yaml/.yml files, and its
 * subfolders' with recursive); *files counts the files read, as kubectl's builder counts its
 * visitors. */
static int read_path(struct ctl *c, const char *path, bool recursive, bool top,
                     struct manifest **out, size_t *count, size_t *files)
{
    struct err e = {0};
    if (strcmp(path, "-") == 0) {
        size_t cap = 4096, len = 0;
        char *buf = xmalloc(cap);
        size_t got;
        while ((got = fread(buf + len, 1, cap - len, stdin)) > 0) {
            len += got;
            if (len == cap) {
                cap *= 2;
                buf = xrealloc(buf, cap);
            }
        }
        int rc = add_documents(c, "STDIN", buf, len, out, count);
        free(buf);
        (*files)++;
        return rc;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        return ctl_error(c, "the path \"%s\" does not exist", path);
    }
    if (S_ISDIR(st.st_mode)) {
        if (!top && !recursive) {
            return 0;
        }
        DIR *d = opendir(path);
        if (d == NULL) {
            return ctl_error(c, "open %s: %s", path, strerror(errno));
        }
        struct cli_strv names = {0};
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] != '.') {
                cli_strv_add(&names, de->d_name);
            }
        }
        closedir(d);
        if (names.n > 1) {
            qsort(names.v, names.n, sizeof *names.v, compare_strings);
        }
        int rc = 0;
        for (size_t i = 0; i < names.n && rc == 0; i++) {
            cleanup_free char *child = xasprintf("%s/%s", path, names.v[i]);
            struct stat cst;
            if (stat(child, &cst) != 0) {
                continue;
            }
            if (S_ISDIR(cst.st_mode)) {
                rc = recursive ? read_path(c, child, recursive, false, out, count, files) : 0;
            } else if (manifest_extension(names.v[i])) {
                rc = read_path(c, child, recursive, false, out, count, files);
            }
        }
        cli_strv_free(&names);
        return rc;
    }
    char *data = NULL;
    size_t len = 0;
    if (file_read_all(path, &data, &len, &e) != 0) {
        return ctl_error(c, "%s", e.msg);
    }
    int rc = add_documents(c, path, data, len, out, count);
    free(data);
    (*files)++;
    return rc;
}

int objects_read(struct ctl *c, const struct cli_strv *paths, bool recursive, struct manifest **out,
                 size_t *count)
{
    *out = NULL;
    *count = 0;
    size_t files = 0;
    for (size_t i = 0; i < paths->n; i++) {
        int rc = read_path(c, paths->v[i], recursive, true, out, count, &files);
        if (rc == 0 && files == 0) { /* kubectl's builder: no file read yet after this path */
            rc = ctl_error(c,
                           "error reading [%s]: recognized file extensions are [.json .yaml .yml]",
                           paths->v[i]);
        }
        if (rc != 0) {
            objects_manifests_free(*out, *count);
            *out = NULL;
            *count = 0;
            return 1;
        }
    }
    return 0;
}

/* ---- strategic merge patch keys ---- */

const struct jpatch_smp_schema *objects_smp_schema(const struct mapper_resource *r)
{
    static const char *const builtin[] = {
        "",
        "apps",
        "batch",
        "autoscaling",
        "policy",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "scheduling.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "certificates.k8s.io",
        "node.k8s.io",
        "admissionregistration.k8s.io",
    };
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
        if (strcmp(r->group, builtin[i]) == 0) {
            return &smp_builtin_schema;
        }
    }
    return NULL;
}

json_t *objects_modified_configuration(const json_t *obj, bool annotate)
{
    json_t *copy = json_deep_copy(obj);
    json_t *meta = json_object_get(copy, "metadata");
    json_t *annotations = json_object_get(meta, "annotations");
    if (!json_is_object(annotations)) {
        annotations = json_object();
        json_object_set_new(meta, "annotations", annotations);
    }
    json_object_del(annotations, OBJECTS_LAST_APPLIED);
    if (annotate) {
        cleanup_free char *text = printers_json_compact(copy);
        json_object_set_new(annotations, OBJECTS_LAST_APPLIED, json_sprintf("%s\n", text));
    }
    return copy;
}

char *objects_display(const struct mapper_resource *r, const char *name)
{
    cleanup_free char *kg = mapper_kind_group(r);
    return xasprintf("%s/%s", kg, name);
}

int objects_dry_run(struct ctl *c, const char *value, enum dry_run *out)
{
    static const struct {
        const char *name;
        enum dry_run mode;
    } modes[] = {{"none", DRY_RUN_NONE}, {"client", DRY_RUN_CLIENT}, {"server", DRY_RUN_SERVER}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(value, modes[i].name) == 0) {
            *out = modes[i].mode;
            return 0;
        }
    }
    bool yes = false;
    if (strcmp(value, "unchanged") == 0) {
        ctl_klog(c, 'W', "helpers.go:702",
                 "--dry-run is deprecated and can be replaced with --dry-run=client.");
        *out = DRY_RUN_CLIENT;
    } else if (cli_parse_bool(value, &yes)) {
        ctl_klog(c, 'W', yes ? "helpers.go:716" : "helpers.go:719",
                 "--dry-run=%s is deprecated (boolean value) and can be replaced with "
                 "--dry-run=%s.",
                 value, yes ? "client" : "none");
        *out = yes ? DRY_RUN_CLIENT : DRY_RUN_NONE;
    } else {
        return ctl_error(
            c, "Invalid dry-run value (%s). Must be \"none\", \"server\", or \"client\".", value);
    }
    return 0;
}

int objects_cascade(struct ctl *c, const char *value, const char **propagation)
{
    static const char *const policies[][2] = {
        {"background", "Background"}, {"foreground", "Foreground"}, {"orphan", "Orphan"}};
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++) {
        if (strcmp(value, policies[i][0]) == 0) {
            *propagation = policies[i][1];
            return 0;
        }
    }
    bool yes = false;
    if (!cli_parse_bool(value, &yes)) {
        return ctl_error(c,
                         "invalid cascade value (%s). Must be \"background\", \"foreground\", or "
                         "\"orphan\"",
                         value);
    }
    fprintf(c->errout,
            "warning: --cascade=%s is deprecated (boolean value) and can be replaced with "
            "--cascade=%s.\n",
            value, yes ? "background" : "orphan");
    *propagation = yes ? "Background" : "Orphan";
    return 0;
}

int objects_validation(struct ctl *c, const char *value, const char **directive)
{
    bool yes = false;
    if (cli_parse_bool(value, &yes)) {
        *directive = yes ? "Strict" : "Ignore";
    } else if (strcmp(value, "strict") == 0) {
        *directive = "Strict";
    } else if (strcmp(value, "warn") == 0) {
        *directive = "Warn";
    } else if (strcmp(value, "ignore") == 0) {
        *directive = "Ignore";
    } else {
        return ctl_error(c,
                         "invalid - validate option \"%s\"; must be one of: strict (or true), "
                         "warn, ignore (or false)",
                         value);
    }
    return 0;
}

int objects_check_output(struct ctl *c, const char *output)
{
    static const char *const known[] = {"", "name", "json", "yaml"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(output, known[i]) == 0) {
            return 0;
        }
    }
    if (gotemplate_is_format(output, NULL)) { /* kubectl parses the template before sending */
        cleanup_free char *raw = NULL;
        struct gotemplate *t = gotemplate_printer_new(c, output, NULL, &raw);
        int status = t == NULL ? 1 : 0;
        gotemplate_free(t);
        return status;
    }
    return ctl_error(c,
                     "unable to match a printer suitable for the output format \"%s\", allowed "
                     "formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
                     "jsonpath-file,name,template,templatefile,yaml",
                     output);
}

char *objects_display_obj(const json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    const char *api_version = json_string_value(json_object_get(obj, "apiVersion"));
    const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
    cleanup_free char *lower = xstrdup(kind ? kind : "");
    for (char *p = lower; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    const char *slash = api_version ? strchr(api_version, '/') : NULL;
    if (slash == NULL) {
        return xasprintf("%s/%s", lower, name ? name : "");
    }
    return xasprintf("%s.%.*s/%s", lower, (int)(slash - api_version), api_version,
                     name ? name : "");
}

int objects_print_result(struct ctl *c, const json_t *obj, const char *display, const char *verb,
                         const char *output, enum dry_run dry_run, bool ordered)
{
    if (gotemplate_is_format(output, NULL)) { /* managed fields kept: only JSON/YAML omit them */
        cleanup_free char *raw = NULL;
        struct gotemplate *t = gotemplate_printer_new(c, output, NULL, &raw);
        int status = t ? gotemplate_printer_print(c, t, raw, obj, true, ordered) : 1;
        gotemplate_free(t);
        return status;
    }
    cleanup_json json_t *shown = json_deep_copy(obj);
    objects_omit_managed_fields(shown);
    if (strcmp(output, "name") == 0) {
        fprintf(c->out, "%s\n", display);
    } else if (strcmp(output, "json") == 0) {
        cleanup_free char *text = ordered ? printers_json_ordered(shown) : printers_json(shown);
        fputs(text, c->out);
    } else if (strcmp(output, "yaml") == 0) {
        cleanup_free char *text = yamlx_dump(shown);
        fputs(text, c->out);
    } else {
        const char *suffix = dry_run == DRY_RUN_CLIENT   ? " (dry run)"
                             : dry_run == DRY_RUN_SERVER ? " (server dry run)"
                                                         : "";
        fprintf(c->out, "%s %s%s\n", display, verb, suffix);
    }
    fflush(c->out);
    return 0;
}

const char *objects_dry_run_query(enum dry_run dry_run)
{
    return dry_run == DRY_RUN_SERVER ? "dryRun=All&" : "";
}

void objects_omit_managed_fields(json_t *obj)
{
    json_object_del(json_object_get(obj, "metadata"), "managedFields");
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(obj, "items"), i, item) {
        json_object_del(json_object_get(item, "metadata"), "managedFields");
    }
}
