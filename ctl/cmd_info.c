/* The commands that read about the cluster, as kubectl's: version (/version), api-resources and
 * api-versions (discovery), cluster-info, and auth whoami (SelfSubjectReview) and can-i
 * (SelfSubjectAccessReview, "yes" with exit 0, "no" with exit 1). */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ctl.h"
#include "jpath.h"
#include "jsonpath.h"
#include "objects.h"
#include "printers.h"
#include "xalloc.h"
#include "yamlx.h"

int cmd_version(struct ctl *c, int argc, char **argv)
{
    bool client_only = false;
    const char *output = "";
    struct cli_flag flags[] = {
        {"client", 0, CLI_BOOL, &client_only, false},
        {"output", 'o', CLI_STRING, &output, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    if (!ctl_parse_flags(c, flags, argc, argv, &status)) {
        return status;
    }
    if (*output && strcmp(output, "json") != 0 && strcmp(output, "yaml") != 0) {
        return ctl_error(c, "--output must be 'yaml' or 'json'");
    }
    cleanup_json json_t *all = json_object();
    json_object_set_new(all, "clientVersion",
                        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "major", "1", "minor", "32",
                                  "gitVersion", CTL_VERSION, "gitTreeState", "clean", "compiler",
                                  "c", "platform", "linux/amd64"));
    json_t *server = NULL;
    if (!client_only) {
        if (ctl_connect(c) != 0 || ctl_request_json(c, "GET", "/version?timeout=32s",
                                                    CTL_ACCEPT_ANY, NULL, NULL, &server) != 0) {
            return 1;
        }
        json_object_set_new(all, "serverVersion", server);
    }
    if (strcmp(output, "json") == 0) {
        /* kubectl indents version's JSON by two spaces */
        char *text = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fprintf(c->out, "%s\n", text);
        free(text);
        return 0;
    }
    if (strcmp(output, "yaml") == 0) {
        char *text = yamlx_dump(all);
        fputs(text, c->out);
        free(text);
        return 0;
    }
    fprintf(c->out, "Client Version: %s\n", CTL_VERSION);
    if (server != NULL) {
        fprintf(c->out, "Server Version: %s\n", jpath_get_string(server, "gitVersion") ?: "");
    }
    return 0;
}

static int compare_group(const void *a, const void *b)
{
    const struct mapper_resource *x = *(const struct mapper_resource *const *)a;
    const struct mapper_resource *y = *(const struct mapper_resource *const *)b;
    int cmp = strcmp(x->group, y->group);
    return cmp ? cmp : strcmp(x->resource, y->resource);
}

static char *joined(const struct cli_strv *sv)
{
    size_t len = 1;
    for (size_t i = 0; i < sv->n; i++) {
        len += strlen(sv->v[i]) + 1;
    }
    char *out = xcalloc(1, len);
    for (size_t i = 0; i < sv->n; i++) {
        if (i) {
            strcat(out, ",");
        }
        strcat(out, sv->v[i]);
    }
    return out;
}

int cmd_api_resources(struct ctl *c, int argc, char **argv)
{
    const char *output = "", *group = NULL, *namespaced = NULL;
    bool no_headers = false;
    struct cli_strv args = {0}, verbs = {0};
    struct cli_flag flags[] = {
        {"output", 'o', CLI_STRING, &output, false},
        {"api-group", 0, CLI_STRING, &group, false},
        {"namespaced", 0, CLI_STRING, &namespaced, false},
        {"no-headers", 0, CLI_BOOL, &no_headers, false},
        {"verbs", 0, CLI_STRING_SLICE, &verbs, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (*output && strcmp(output, "wide") != 0 && strcmp(output, "name") != 0) {
        status = ctl_error(c, "--output %s is not available", output);
        goto out;
    }
    if (ctl_discover(c) != 0) {
        status = 1;
        goto out;
    }
    const struct mapper_resource **list = xcalloc(c->mapper.n + 1, sizeof *list);
    size_t n = 0;
    for (size_t i = 0; i < c->mapper.n; i++) {
        const struct mapper_resource *r = &c->mapper.v[i];
        if (!r->preferred || (group && strcmp(group, r->group) != 0)) {
            continue;
        }
        if (namespaced && *namespaced && (strcmp(namespaced, "true") == 0) != r->namespaced) {
            continue;
        }
        bool has_verbs = true;
        for (size_t v = 0; v < verbs.n && has_verbs; v++) {
            bool found = false;
            for (size_t k = 0; k < r->verbs.n && !found; k++) {
                found = strcmp(r->verbs.v[k], verbs.v[v]) == 0;
            }
            has_verbs = found;
        }
        if (has_verbs) {
            list[n++] = r;
        }
    }
    qsort(list, n, sizeof *list, compare_group);
    struct tabw t = {0};
    bool wide = strcmp(output, "wide") == 0;
    if (strcmp(output, "name") != 0 && !no_headers) {
        const char *hdr[] = {"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED",
                             "KIND", "VERBS",      "CATEGORIES"};
        tabw_row(&t, hdr, wide ? 7 : 5);
    }
    for (size_t i = 0; i < n; i++) {
        const struct mapper_resource *r = list[i];
        if (strcmp(output, "name") == 0) {
            cleanup_free char *rg = mapper_resource_group(r);
            fprintf(c->out, "%s\n", rg);
            continue;
        }
        cleanup_free char *shorts = joined(&r->short_names);
        cleanup_free char *vs = joined(&r->verbs);
        cleanup_free char *cats = joined(&r->categories);
        cleanup_free char *gv =
            *r->group ? xasprintf("%s/%s", r->group, r->version) : xstrdup(r->version);
        const char *row[] = {r->resource, shorts, gv,  r->namespaced ? "true" : "false",
                             r->kind,     vs,     cats};
        tabw_row(&t, row, wide ? 7 : 5);
    }
    tabw_flush(&t, c->out, false);
    tabw_free(&t);
    free(list);
out:
    cli_strv_free(&args);
    cli_strv_free(&verbs);
    return status;
}

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_api_versions(struct ctl *c, int argc, char **argv)
{
    struct cli_strv gvs = {0};
    int status = 0;
    if (!ctl_parse_flags(c, NULL, argc, argv, &status)) {
        return status;
    }
    if (ctl_discover(c) != 0) {
        return 1;
    }
    for (size_t i = 0; i < c->mapper.n; i++) {
        const struct mapper_resource *r = &c->mapper.v[i];
        cleanup_free char *gv =
            *r->group ? xasprintf("%s/%s", r->group, r->version) : xstrdup(r->version);
        bool seen = false;
        for (size_t k = 0; k < gvs.n && !seen; k++) {
            seen = strcmp(gvs.v[k], gv) == 0;
        }
        if (!seen) {
            cli_strv_add(&gvs, gv);
        }
    }
    qsort(gvs.v, gvs.n, sizeof *gvs.v, compare_str);
    for (size_t k = 0; k < gvs.n; k++) {
        fprintf(c->out, "%s\n", gvs.v[k]);
    }
    cli_strv_free(&gvs);
    return 0;
}

int cmd_cluster_info(struct ctl *c, int argc, char **argv)
{
    int status = 0;
    if (!ctl_parse_flags(c, NULL, argc, argv, &status)) {
        return status;
    }
    if (ctl_connect(c) != 0) {
        return 1;
    }
    cleanup_json json_t *services = NULL;
    if (ctl_request_json(c, "GET",
                         "/api/v1/namespaces/kube-system/services?labelSelector=kubernetes.io%"
                         "2Fcluster-service%3Dtrue",
                         CTL_ACCEPT_JSON, NULL, NULL, &services) != 0) {
        return 1;
    }
    fprintf(c->out, "Kubernetes control plane is running at %s\n", c->kc.server);
    size_t i;
    json_t *svc;
    json_array_foreach (json_object_get(services, "items"), i, svc) {
        const char *name = jpath_get_string(svc, "metadata.name");
        const char *label = jpath_get_string(svc, "metadata.labels[\"kubernetes.io/name\"]");
        fprintf(c->out, "%s is running at %s/api/v1/namespaces/kube-system/services/%s/proxy\n",
                label ? label : name, c->kc.server, name);
    }
    fprintf(c->out,
            "\nTo further debug and diagnose cluster problems, use '%s cluster-info dump'.\n",
            c->prog);
    return 0;
}

static int auth_whoami(struct ctl *c, const char *output)
{
    if (objects_check_output(c, output) != 0) {
        return 1;
    }
    cleanup_json json_t *body = json_pack(
        "{s:s, s:s, s:{s:n}, s:{s:{}}}", "kind", "SelfSubjectReview", "apiVersion",
        "authentication.k8s.io/v1", "metadata", "creationTimestamp", "status", "userInfo");
    cleanup_json json_t *answer = NULL;
    if (ctl_connect(c) != 0 ||
        ctl_request_json(c, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                         CTL_ACCEPT_JSON, "application/json", body, &answer) != 0) {
        return 1;
    }
    if (*output != '\0') {
        /* The review has no name: kubectl's name printer says <unknown>. */
        return objects_print_result(c, answer, "selfsubjectreview.authentication.k8s.io/<unknown>",
                                    "", output, DRY_RUN_NONE, true);
    }
    const json_t *user = jpath_get(answer, "status.userInfo");
    struct tabw t = {0};
    const char *hdr[] = {"ATTRIBUTE", "VALUE"};
    tabw_row(&t, hdr, 2);
    const char *name = jpath_get_string(user, "username");
    if (name && *name) {
        const char *row[] = {"Username", name};
        tabw_row(&t, row, 2);
    }
    const char *uid = jpath_get_string(user, "uid");
    if (uid && *uid) {
        const char *row[] = {"UID", uid};
        tabw_row(&t, row, 2);
    }
    const json_t *groups = json_object_get(user, "groups");
    if (json_array_size(groups) > 0) {
        cleanup_free char *g = jsonpath_go_value(groups);
        const char *row[] = {"Groups", g};
        tabw_row(&t, row, 2);
    }
    /* One "Extra: <key>" row per key, in Go's sorted map order. */
    const json_t *extra = json_object_get(user, "extra");
    size_t nkeys = json_object_size(extra), k = 0;
    const char **keys = xcalloc(nkeys ? nkeys : 1, sizeof *keys);
    const char *key;
    const json_t *values;
    json_object_foreach ((json_t *)extra, key, values) {
        keys[k++] = key;
    }
    qsort(keys, nkeys, sizeof *keys, compare_str);
    for (k = 0; k < nkeys; k++) {
        cleanup_free char *label = xasprintf("Extra: %s", keys[k]);
        cleanup_free char *v = jsonpath_go_value(json_object_get(extra, keys[k]));
        const char *row[] = {label, v};
        tabw_row(&t, row, 2);
    }
    free(keys);
    tabw_flush(&t, c->out, false);
    tabw_free(&t);
    return 0;
}

static int auth_can_i(struct ctl *c, struct cli_strv *args, bool all_namespaces, bool quiet)
{
    if (args->n < 2) {
        return ctl_usage_error(c, "you must specify two arguments: verb resource or verb "
                                  "resource/resourceName.");
    }
    if (ctl_connect(c) != 0) {
        return 1;
    }
    json_t *attrs;
    if (args->v[1][0] == '/') {
        attrs = json_pack("{s:{s:s, s:s}}", "nonResourceAttributes", "path", args->v[1], "verb",
                          args->v[0]);
    } else {
        if (ctl_discover(c) != 0) {
            return 1;
        }
        cleanup_free char *res = xstrdup(args->v[1]);
        char *slash = strchr(res, '/');
        const char *name = args->n > 2 ? args->v[2] : NULL;
        if (slash) {
            *slash = '\0';
            name = slash + 1;
        }
        struct err e = {0};
        const struct mapper_resource *r = mapper_resolve(&c->mapper, res, &e);
        json_t *ra = json_object();
        if (!all_namespaces) {
            json_object_set_new(ra, "namespace", json_string(c->ns));
        }
        json_object_set_new(ra, "verb", json_string(args->v[0]));
        if (r != NULL) {
            if (*r->group) {
                json_object_set_new(ra, "group", json_string(r->group));
            }
            json_object_set_new(ra, "resource", json_string(r->resource));
        } else {
            fprintf(c->errout, "Warning: the server doesn't have a resource type '%s'\n", res);
            json_object_set_new(ra, "resource", json_string(res));
        }
        if (name && *name) {
            json_object_set_new(ra, "name", json_string(name));
        }
        attrs = json_pack("{s:o}", "resourceAttributes", ra);
    }
    cleanup_json json_t *body =
        json_pack("{s:s, s:s, s:{s:n}, s:o, s:{s:b}}", "kind", "SelfSubjectAccessReview",
                  "apiVersion", "authorization.k8s.io/v1", "metadata", "creationTimestamp", "spec",
                  attrs, "status", "allowed", 0);
    cleanup_json json_t *answer = NULL;
    if (ctl_request_json(c, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                         CTL_ACCEPT_JSON, "application/json", body, &answer) != 0) {
        return 1;
    }
    bool allowed = jpath_get_bool(answer, "status.allowed", false);
    if (!quiet) {
        if (allowed) {
            fprintf(c->out, "yes\n");
        } else {
            const char *reason = jpath_get_string(answer, "status.reason");
            const char *eval = jpath_get_string(answer, "status.evaluationError");
            fprintf(c->out, "no%s%s%s%s\n", reason && *reason ? " - " : "", reason ? reason : "",
                    eval && *eval ? " - " : "", eval ? eval : "");
        }
    }
    return allowed ? 0 : 1;
}

int cmd_auth(struct ctl *c, int argc, char **argv)
{
    bool all_namespaces = false, quiet = false;
    const char *output = "";
    struct cli_strv args = {0};
    struct cli_flag flags[] = {
        {"all-namespaces", 'A', CLI_BOOL, &all_namespaces, false},
        {"quiet", 'q', CLI_BOOL, &quiet, false},
        {"output", 'o', CLI_STRING, &output, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (args.n == 0) {
        status = ctl_error(c, "the auth command needs a subcommand (whoami, can-i)");
    } else if (strcmp(args.v[0], "whoami") == 0) {
        snprintf(c->cmd_path, sizeof c->cmd_path, "auth whoami");
        status = auth_whoami(c, output);
    } else if (strcmp(args.v[0], "can-i") == 0) {
        snprintf(c->cmd_path, sizeof c->cmd_path, "auth can-i");
        struct cli_strv rest = {0};
        for (size_t i = 1; i < args.n; i++) {
            cli_strv_add(&rest, args.v[i]);
        }
        status = auth_can_i(c, &rest, all_namespaces, quiet);
        cli_strv_free(&rest);
    } else {
        fprintf(c->errout, "Error: unknown command \"%s\" for \"%s auth\"\n", args.v[0], c->prog);
        status = 1;
    }
out:
    cli_strv_free(&args);
    return status;
}
