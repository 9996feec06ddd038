/* `c8sctl config` as kubectl config (pkg/cmd/config): view (secrets shortened to DATA+OMITTED
 * and REDACTED unless --raw, --minify, --flatten), get-contexts, current-context, use-context and
 * set-context, writing files where clientcmd's ModifyConfig writes them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "b64.h"
#include "cleanup.h"
#include "ctl.h"
#include "fileio.h"
#include "printers.h"
#include "xalloc.h"
#include "yamlx.h"

static int compare_names(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(json_string_value(json_object_get(x, "name")) ?: "",
                  json_string_value(json_object_get(y, "name")) ?: "");
}

/* A list sorted by name with one entry per name (the last of a name, as client-go keeps a
 * map), or null when empty, as the v1 Config serializes. New reference. */
static json_t *sorted_list(const json_t *list, const char *inner)
{
    size_t n = json_array_size(list);
    json_t **v = xcalloc(n ? n : 1, sizeof *v);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(list, i);
        const char *name = json_string_value(json_object_get(e, "name"));
        size_t j = 0;
        while (j < m &&
               strcmp(json_string_value(json_object_get(v[j], "name")) ?: "", name ?: "") != 0) {
            j++;
        }
        v[j] = e;
        if (j == m) {
            m++;
        }
    }
    qsort(v, m, sizeof *v, compare_names);
    json_t *out = m ? json_array() : json_null();
    for (size_t i = 0; i < m; i++) {
        json_t *copy = json_object();
        json_object_set(copy, "name", json_object_get(v[i], "name"));
        json_t *body = json_object_get(v[i], inner);
        json_object_set_new(copy, inner, body ? json_deep_copy(body) : json_object());
        json_array_append_new(out, copy);
    }
    free(v);
    return out;
}

/* The layout kubectl writes: apiVersion, clusters, contexts, current-context, kind,
 * preferences, users (yamlx_dump sorts the keys). New reference. */
static json_t *canonical(const json_t *config)
{
    json_t *out = json_object();
    json_object_set_new(out, "apiVersion", json_string("v1"));
    json_object_set_new(out, "kind", json_string("Config"));
    json_t *prefs = json_object_get(config, "preferences");
    json_object_set_new(out, "preferences",
                        json_is_object(prefs) ? json_deep_copy(prefs) : json_object());
    json_object_set_new(out, "clusters",
                        sorted_list(json_object_get(config, "clusters"), "cluster"));
    json_object_set_new(out, "contexts",
                        sorted_list(json_object_get(config, "contexts"), "context"));
    json_object_set_new(out, "users", sorted_list(json_object_get(config, "users"), "user"));
    const char *cur = json_string_value(json_object_get(config, "current-context"));
    json_object_set_new(out, "current-context", json_string(cur ? cur : ""));
    return out;
}

static void shorten(json_t *config)
{
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(config, "users"), i, e) {
        json_t *u = json_object_get(e, "user");
        if (json_string_length(json_object_get(u, "client-certificate-data")) > 0) {
            json_object_set_new(u, "client-certificate-data", json_string("DATA+OMITTED"));
        }
        if (json_string_length(json_object_get(u, "client-key-data")) > 0) {
            json_object_set_new(u, "client-key-data", json_string("DATA+OMITTED"));
        }
        if (json_string_length(json_object_get(u, "token")) > 0) {
            json_object_set_new(u, "token", json_string("REDACTED"));
        }
    }
    json_array_foreach (json_object_get(config, "clusters"), i, e) {
        json_t *cl = json_object_get(e, "cluster");
        if (json_string_length(json_object_get(cl, "certificate-authority-data")) > 0) {
            json_object_set_new(cl, "certificate-authority-data", json_string("DATA+OMITTED"));
        }
    }
}

/* --flatten: file references become *-data fields. */
static int flatten(struct ctl *c, json_t *config)
{
    static const char *const fields[][3] = {
        {"clusters", "cluster", "certificate-authority"},
        {"users", "user", "client-certificate"},
        {"users", "user", "client-key"},
    };
    for (size_t f = 0; f < 3; f++) {
        size_t i;
        json_t *e;
        json_array_foreach (json_object_get(config, fields[f][0]), i, e) {
            json_t *body = json_object_get(e, fields[f][1]);
            const char *path = json_string_value(json_object_get(body, fields[f][2]));
            if (path == NULL || *path == '\0') {
                continue;
            }
            char *data = NULL;
            size_t len = 0;
            struct err err = {0};
            if (file_read_all(path, &data, &len, &err) != 0) {
                return ctl_error(c, "%s", err.msg);
            }
            char *enc = b64_encode((const uint8_t *)data, len);
            free(data);
            char *key = xasprintf("%s-data", fields[f][2]);
            json_object_set_new(body, key, json_string(enc));
            json_object_del(body, fields[f][2]);
            free(key);
            free(enc);
        }
    }
    return 0;
}

/* Keeps only the current (or --context) context, its cluster and user. */
static int minify(struct ctl *c, json_t *config)
{
    const char *name = c->context && *c->context
                           ? c->context
                           : json_string_value(json_object_get(config, "current-context"));
    if (name == NULL || *name == '\0') {
        return ctl_error(c, "current-context must exist in order to minify");
    }
    json_t *ctx = kubeconfig_find(config, "contexts", name);
    if (ctx == NULL) {
        return ctl_error(c, "cannot locate context %s", name);
    }
    const char *keep[3] = {name, json_string_value(json_object_get(ctx, "cluster")),
                           json_string_value(json_object_get(ctx, "user"))};
    const char *lists[3] = {"contexts", "clusters", "users"};
    for (size_t k = 0; k < 3; k++) {
        json_t *list = json_object_get(config, lists[k]);
        json_t *kept = json_array();
        size_t i;
        json_t *e;
        json_array_foreach (list, i, e) {
            const char *n = json_string_value(json_object_get(e, "name"));
            if (keep[k] && n && strcmp(n, keep[k]) == 0) {
                json_array_append(kept, e);
            }
        }
        json_object_set_new(config, lists[k], json_array_size(kept) ? kept : json_null());
        if (!json_array_size(kept)) {
            json_decref(kept);
        }
    }
    json_object_set_new(config, "current-context", json_string(name));
    return 0;
}

static int config_view(struct ctl *c, int argc, char **argv)
{
    bool do_minify = false, raw = false, do_flatten = false;
    const char *output = "yaml";
    struct cli_flag flags[] = {
        {"minify", 0, CLI_BOOL, &do_minify, false},   {"raw", 0, CLI_BOOL, &raw, false},
        {"flatten", 0, CLI_BOOL, &do_flatten, false}, {"output", 'o', CLI_STRING, &output, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    if (!ctl_parse_flags(c, flags, argc, argv, &status)) {
        return status;
    }
    if (ctl_load_config(c) != 0) {
        return 1;
    }
    cleanup_json json_t *view = canonical(c->config);
    if (do_minify && minify(c, view) != 0) {
        return 1;
    }
    if (do_flatten && flatten(c, view) != 0) {
        return 1;
    }
    if (!raw) {
        shorten(view);
    }
    char *text = NULL;
    if (strcmp(output, "json") == 0) {
        text = printers_json(view);
    } else if (strcmp(output, "yaml") == 0 || *output == '\0') {
        text = yamlx_dump(view);
    } else {
        return ctl_error(c, "output format \"%s\" is not implemented by %s yet", output, c->prog);
    }
    fputs(text, c->out);
    free(text);
    return 0;
}

static int config_get_contexts(struct ctl *c, int argc, char **argv)
{
    const char *output = "";
    bool no_headers = false;
    struct cli_flag flags[] = {
        {"output", 'o', CLI_STRING, &output, false},
        {"no-headers", 0, CLI_BOOL, &no_headers, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    struct cli_strv args = {0};
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        cli_strv_free(&args);
        return status;
    }
    if (*output && strcmp(output, "name") != 0) {
        cli_strv_free(&args);
        return ctl_error(c, "output must be one of '' or 'name': %s", output);
    }
    if (ctl_load_config(c) != 0) {
        cli_strv_free(&args);
        return 1;
    }
    cleanup_json json_t *view = canonical(c->config);
    const char *current = json_string_value(json_object_get(view, "current-context"));
    struct tabw t = {0};
    bool names_only = strcmp(output, "name") == 0;
    if (!no_headers && !names_only) {
        const char *hdr[] = {"CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"};
        tabw_row(&t, hdr, 5);
    }
    struct cli_strv missing = {0};
    for (size_t a = 0; a < args.n; a++) {
        if (kubeconfig_find(view, "contexts", args.v[a]) == NULL) {
            cli_strv_add(&missing, args.v[a]);
        }
    }
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(view, "contexts"), i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        bool wanted = args.n == 0;
        for (size_t a = 0; a < args.n && !wanted; a++) {
            wanted = strcmp(args.v[a], name) == 0;
        }
        if (!wanted) {
            continue;
        }
        if (names_only) {
            fprintf(c->out, "%s\n", name);
            continue;
        }
        const json_t *ctx = json_object_get(e, "context");
        const char *row[] = {
            current && strcmp(current, name) == 0 ? "*" : "",
            name,
            json_string_value(json_object_get(ctx, "cluster")) ?: "",
            json_string_value(json_object_get(ctx, "user")) ?: "",
            json_string_value(json_object_get(ctx, "namespace")) ?: "",
        };
        tabw_row(&t, row, 5);
    }
    tabw_flush(&t, c->out, false);
    tabw_free(&t);
    for (size_t m = 0; m < missing.n; m++) {
        fprintf(c->errout, "error: context %s not found\n", missing.v[m]);
        status = 1;
    }
    cli_strv_free(&missing);
    cli_strv_free(&args);
    return status;
}

static int config_current_context(struct ctl *c, int argc, char **argv)
{
    int status = 0;
    if (!ctl_parse_flags(c, NULL, argc, argv, &status)) {
        return status;
    }
    if (ctl_load_config(c) != 0) {
        return 1;
    }
    const char *cur = json_string_value(json_object_get(c->config, "current-context"));
    if (cur == NULL || *cur == '\0') {
        return ctl_error(c, "current-context is not set");
    }
    fprintf(c->out, "%s\n", cur);
    return 0;
}

/* The files of the loading precedence: --kubeconfig, else the $KUBECONFIG list, else
 * ~/.kube/config. */
static void loading_files(struct ctl *c, struct cli_strv *files)
{
    if (c->kubeconfig_path && *c->kubeconfig_path) {
        cli_strv_add(files, c->kubeconfig_path);
        return;
    }
    const char *env = getenv("KUBECONFIG");
    if (env && *env) {
        cleanup_free char *copy = xstrdup(env);
        char *save = NULL;
        for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
            bool dup = false;
            for (size_t i = 0; i < files->n && !dup; i++) {
                dup = strcmp(files->v[i], p) == 0;
            }
            if (!dup) {
                cli_strv_add(files, p);
            }
        }
        if (files->n) {
            return;
        }
    }
    const char *home = getenv("HOME");
    cleanup_free char *path = xasprintf("%s/.kube/config", home ? home : "");
    cli_strv_add(files, path);
}

/* clientcmd's GetDefaultFilename: the explicit file, the only or first existing $KUBECONFIG
 * file (else its last), or ~/.kube/config. Owned. */
static char *default_file(struct ctl *c)
{
    struct cli_strv files = {0};
    loading_files(c, &files);
    char *out = NULL;
    for (size_t i = 0; i < files.n && out == NULL && files.n > 1; i++) {
        struct stat st;
        if (stat(files.v[i], &st) == 0) {
            out = xstrdup(files.v[i]);
        }
    }
    if (out == NULL) {
        out = xstrdup(files.v[files.n - 1]);
    }
    cli_strv_free(&files);
    return out;
}

/* Reads path (a missing file is an empty config), lets edit change it, writes it back in
 * kubectl's layout. */
static int modify_file(struct ctl *c, const char *path, void (*edit)(json_t *cfg, void *data),
                       void *data)
{
    struct err e = {0};
    json_t *raw = NULL;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (kubeconfig_read_file(path, &raw, &e) != 0) {
            return ctl_error(c, "%s", e.msg);
        }
    } else {
        raw = json_object();
    }
    if (!json_is_object(raw)) {
        json_decref(raw);
        raw = json_object();
    }
    edit(raw, data);
    cleanup_json json_t *out = canonical(raw);
    json_decref(raw);
    if (kubeconfig_write(path, out, &e) != 0) {
        return ctl_error(c, "%s", e.msg);
    }
    return 0;
}

static void set_current(json_t *cfg, void *data)
{
    json_object_set_new(cfg, "current-context", json_string(data));
}

static int config_use_context(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0};
    int status = 0;
    if (!ctl_parse(c, NULL, argc, argv, &args, &status)) {
        cli_strv_free(&args);
        return status;
    }
    if (args.n != 1) {
        cli_strv_free(&args);
        return ctl_usage_error(c, "Unexpected args: %s", args.n ? args.v[1] : "[]");
    }
    if (ctl_load_config(c) != 0) {
        cli_strv_free(&args);
        return 1;
    }
    const char *name = args.v[0];
    if (kubeconfig_find(c->config, "contexts", name) == NULL) {
        status = ctl_error(c, "no context exists with the name: \"%s\"", name);
    } else {
        cleanup_free char *file = c->kubeconfig_path && *c->kubeconfig_path
                                      ? xstrdup(c->kubeconfig_path)
                                      : default_file(c);
        status = modify_file(c, file, set_current, (void *)name);
        if (status == 0) {
            fprintf(c->out, "Switched to context \"%s\".\n", name);
        }
    }
    cli_strv_free(&args);
    return status;
}

struct context_edit {
    const char *name, *cluster, *user, *ns;
    bool set_cluster, set_user, set_ns;
};

static void edit_context(json_t *cfg, void *data)
{
    struct context_edit *ed = data;
    json_t *list = json_object_get(cfg, "contexts");
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(cfg, "contexts", list);
    }
    json_t *ctx = kubeconfig_find(cfg, "contexts", ed->name);
    if (ctx == NULL) {
        ctx = json_pack("{s:s, s:s}", "cluster", "", "user", "");
        json_array_append_new(list, json_pack("{s:s, s:o}", "name", ed->name, "context", ctx));
    }
    if (ed->set_cluster) {
        json_object_set_new(ctx, "cluster", json_string(ed->cluster));
    }
    if (ed->set_user) {
        json_object_set_new(ctx, "user", json_string(ed->user));
    }
    if (ed->set_ns) {
        if (*ed->ns) {
            json_object_set_new(ctx, "namespace", json_string(ed->ns));
        } else {
            json_object_del(ctx, "namespace");
        }
    }
    if (json_object_get(ctx, "cluster") == NULL) {
        json_object_set_new(ctx, "cluster", json_string(""));
    }
    if (json_object_get(ctx, "user") == NULL) {
        json_object_set_new(ctx, "user", json_string(""));
    }
}

static int config_set_context(struct ctl *c, int argc, char **argv)
{
    bool current = false;
    /* set-context's --cluster, --user and --namespace name the context's fields; they shadow
     * the global flags of the same names. */
    const char *cluster = NULL, *user = NULL, *ns = NULL;
    struct cli_flag flags[] = {
        {"current", 0, CLI_BOOL, &current, false}, {"cluster", 0, CLI_STRING, &cluster, false},
        {"user", 0, CLI_STRING, &user, false},     {"namespace", 'n', CLI_STRING, &ns, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    struct cli_strv args = {0};
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        cli_strv_free(&args);
        return status;
    }
    if (ctl_load_config(c) != 0) {
        cli_strv_free(&args);
        return 1;
    }
    const char *name = args.n ? args.v[0] : NULL;
    if (current && name) {
        cli_strv_free(&args);
        return ctl_error(c, "you cannot specify both a context name and --current");
    }
    if (current) {
        name = json_string_value(json_object_get(c->config, "current-context"));
        if (name == NULL || *name == '\0') {
            cli_strv_free(&args);
            return ctl_error(c, "no current context is set");
        }
    }
    if (name == NULL || *name == '\0') {
        cli_strv_free(&args);
        return ctl_error(c, "you must specify a non-empty context name or --current");
    }
    bool exists = kubeconfig_find(c->config, "contexts", name) != NULL;
    struct context_edit ed = {
        name,
        cluster ? cluster : "",
        user ? user : "",
        ns ? ns : "",
        flags[1].changed,
        flags[2].changed,
        flags[3].changed,
    };
    /* ModifyConfig writes a context into the first file that defines it, else the default. */
    cleanup_free char *file = NULL;
    if (c->kubeconfig_path && *c->kubeconfig_path) {
        file = xstrdup(c->kubeconfig_path);
    } else {
        struct cli_strv files = {0};
        loading_files(c, &files);
        for (size_t i = 0; i < files.n && file == NULL; i++) {
            json_t *one = NULL;
            struct err e = {0};
            if (kubeconfig_read_file(files.v[i], &one, &e) == 0 &&
                kubeconfig_find(one, "contexts", name) != NULL) {
                file = xstrdup(files.v[i]);
            }
            json_decref(one);
        }
        cli_strv_free(&files);
        if (file == NULL) {
            file = default_file(c);
        }
    }
    status = modify_file(c, file, edit_context, &ed);
    if (status == 0) {
        fprintf(c->out, "Context \"%s\" %s.\n", name, exists ? "modified" : "created");
    }
    cli_strv_free(&args);
    return status;
}

int cmd_config(struct ctl *c, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(struct ctl *, int, char **);
    } subs[] = {
        {"current-context", config_current_context},
        {"get-contexts", config_get_contexts},
        {"set-context", config_set_context},
        {"use-context", config_use_context},
        {"use", config_use_context},
        {"view", config_view},
    };
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-') {
            bool takes_next = false;
            cli_find_global(c->global_flags, argv[i], &takes_next);
            i += takes_next;
            continue;
        }
        for (size_t s = 0; s < sizeof subs / sizeof subs[0]; s++) {
            if (strcmp(argv[i], subs[s].name) == 0) {
                snprintf(c->cmd_path, sizeof c->cmd_path, "config %s", subs[s].name);
                memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof *argv);
                return subs[s].run(c, argc - 1, argv);
            }
        }
        fprintf(c->errout, "error: unknown command \"%s\" for \"%s config\"\n", argv[i], c->prog);
        return 1;
    }
    return ctl_error(c, "the config command needs a subcommand (view, get-contexts, "
                        "current-context, use-context, set-context)");
}
