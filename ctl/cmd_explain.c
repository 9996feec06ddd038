/* kubectl explain (kubectl 1.32, pkg/cmd/explain): TYPE[.field.path] resolved through the
 * RESTMapper as SplitAndParseResourceRequest(WithMatchingPrefix) does, then the server's
 * OpenAPI v3 documents (GET /openapi/v3, then the group-version's serverRelativeURL) rendered by
 * explain.c as kubectl's plaintext template; --recursive, --api-version, --output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ctl.h"
#include "explain.h"
#include "kubeconfig.h"
#include "xalloc.h"

#define MAX_CANDIDATES 64

static char *lowercase_copy(const char *s)
{
    char *out = xstrdup(s);
    for (char *p = out; *p; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p - 'A' + 'a');
        }
    }
    return out;
}

static bool has_short_name(const struct mapper_resource *r, const char *name)
{
    for (size_t i = 0; i < r->short_names.n; i++) {
        if (strcmp(r->short_names.v[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* kubectl's ResourcesFor({Resource: name}) behind the shortcut expander: a short name stands
 * for its resource and group unless name is some resource's own name; then every served
 * version whose plural or singular is the lowercased name, preferred versions first, in
 * discovery order. Writes borrowed pointers into out and returns how many (0: unknown). */
static size_t resources_for(const struct mapper *m, const char *name,
                            const struct mapper_resource **out)
{
    const char *group = NULL;
    bool exact = false;
    for (size_t i = 0; i < m->n && !exact; i++) {
        exact = strcmp(m->v[i].resource, name) == 0 || strcmp(m->v[i].singular, name) == 0;
    }
    cleanup_free char *lower = NULL;
    for (size_t i = 0; i < m->n && !exact && group == NULL; i++) {
        if (has_short_name(&m->v[i], name)) {
            lower = xstrdup(m->v[i].resource);
            group = m->v[i].group;
            mapper_warn_short_name_rivals(m, &m->v[i], name, NULL);
        }
    }
    if (lower == NULL) {
        lower = lowercase_copy(name);
    }
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < m->n && n < MAX_CANDIDATES; i++) {
            const struct mapper_resource *r = &m->v[i];
            if (r->preferred != (pass == 0) || (group && strcmp(r->group, group) != 0)) {
                continue;
            }
            if (strcmp(r->resource, lower) == 0 || strcmp(r->singular, lower) == 0) {
                out[n++] = r;
            }
        }
    }
    return n;
}

/* The field names of nodes[from..]; any other node is kubectl's jsonpath error. */
static int fields_of(struct ctl *c, const struct explain_nodes *nodes, size_t from,
                     const char *what, struct cli_strv *fields)
{
    for (size_t i = from; i < nodes->n; i++) {
        if (nodes->v[i].type != EXPLAIN_FIELD) {
            return ctl_error(c, "invalid jsonpath syntax, %s", what);
        }
        cli_strv_add(fields, nodes->v[i].value);
    }
    return 0;
}

/* The resource and field path of the argument, as kubectl's explain.go splits it. With
 * matching_prefix (no --api-version) the served resource whose "resource.group" starts the
 * argument wins and the group is not a field. Returns 0, or 1 after printing the error. */
static int split_argument(struct ctl *c, const char *arg, bool matching_prefix,
                          const struct mapper_resource **res, struct cli_strv *fields)
{
    static const char first_node[] = "first node must be field node";
    struct explain_nodes nodes = {0};
    struct err e = {0};
    int rc = 0;
    if (explain_parse_path(arg, &nodes, &e) != 0) {
        return ctl_error(c, "%s", e.msg);
    }
    const struct mapper_resource *cands[MAX_CANDIDATES];
    size_t n = 0;
    if (nodes.n == 0 || nodes.v[0].type != EXPLAIN_FIELD) {
        rc = ctl_error(c, "invalid jsonpath syntax, %s", first_node);
        goto out;
    }
    if ((rc = ctl_discover(c)) != 0) {
        goto out;
    }
    n = resources_for(&c->mapper, nodes.v[0].value, cands);
    if (n == 0) {
        /* kubectl prints the mapper's error without its "error: " prefix */
        fprintf(c->errout, "the server doesn't have a resource type \"%s\"\n", nodes.v[0].value);
        rc = 1;
        goto out;
    }
    *res = cands[0];
    if (!matching_prefix) {
        rc = fields_of(c, &nodes, 1, "all nodes must be field nodes", fields);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *gr = mapper_resource_group(cands[i]);
        if (strncmp(arg, gr, strlen(gr)) != 0) {
            continue;
        }
        *res = cands[i];
        const char *suffix = arg + strlen(gr);
        struct explain_nodes rest = {0};
        if (*suffix != '\0') {
            if (explain_parse_path(suffix, &rest, &e) != 0) {
                rc = ctl_error(c, "%s", e.msg);
                goto out;
            }
            rc = fields_of(c, &rest, 1, first_node, fields);
            explain_nodes_free(&rest);
        }
        goto out;
    }
    rc = fields_of(c, &nodes, 1, first_node, fields);
out:
    explain_nodes_free(&nodes);
    return rc;
}

/* kubectl's commands that start with discovery name a missing --context this way (ctl_connect
 * prints the line of the commands that start with the builder). Returns 0 or 1 after it. */
static int check_context(struct ctl *c)
{
    if (c->context == NULL || *c->context == '\0') {
        return 0;
    }
    if (ctl_load_config(c) != 0) {
        return 1;
    }
    if (kubeconfig_find(c->config, "contexts", c->context) == NULL) {
        return ctl_error(c, "context \"%s\" does not exist", c->context);
    }
    return 0;
}

/* GETs the OpenAPI v3 index (Accept and timeout as kubectl's openapi client). NULL after the
 * error. */
static json_t *fetch_index(struct ctl *c)
{
    json_t *index = NULL;
    if (ctl_request_json(c, "GET", "/openapi/v3?timeout=32s", CTL_ACCEPT_ANY, NULL, NULL, &index) !=
        0) {
        return NULL;
    }
    return index;
}

/* schema.ParseGroupVersion: "" and "/" are empty, "v1" the core group, "g/v". Owned parts. */
static int parse_group_version(struct ctl *c, const char *gv, char **group, char **version)
{
    const char *slash = strchr(gv, '/');
    if (*gv == '\0' || strcmp(gv, "/") == 0) {
        *group = xstrdup("");
        *version = xstrdup("");
    } else if (slash == NULL) {
        *group = xstrdup("");
        *version = xstrdup(gv);
    } else if (strchr(slash + 1, '/') == NULL) {
        *group = xstrndup(gv, (size_t)(slash - gv));
        *version = xstrdup(slash + 1);
    } else {
        return ctl_error(c, "unexpected GroupVersion string: %s", gv);
    }
    return 0;
}

/* printModelDescriptionWithGenerator: the group-version document, then the template. */
static int print_model(struct ctl *c, const json_t *index, const char *group, const char *version,
                       const char *resource, const struct cli_strv *fields, bool recursive,
                       const char *format)
{
    cleanup_free char *key =
        *group ? xasprintf("apis/%s/%s", group, version) : xasprintf("api/%s", version);
    const char *url = json_string_value(json_object_get(
        json_object_get(json_object_get(index, "paths"), key), "serverRelativeURL"));
    if (url == NULL) {
        return ctl_error(c, "couldn't find resource for \"%s/%s, Resource=%s\"", group, version,
                         resource);
    }
    /* the openapi client shares the discovery client's 32s timeout */
    cleanup_free char *path = xasprintf("%s%ctimeout=32s", url, strchr(url, '?') ? '&' : '?');
    cleanup_json json_t *doc = NULL;
    if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &doc) != 0) {
        return 1;
    }
    if (strcmp(format, "plaintext") != 0) {
        return ctl_error(c, "unrecognized format: %s", format);
    }
    struct explain_request req = {group, version, resource, fields->v, fields->n, recursive};
    cleanup_free char *text = NULL;
    struct err e = {0};
    int rc = explain_render(doc, &req, &text, &e);
    fputs(text, c->out);
    if (rc != 0) {
        fflush(c->out);
        fprintf(c->errout, "%s\n", e.msg);
        return 1;
    }
    return 0;
}

int cmd_explain(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0}, fields = {0};
    const char *api_version = "", *format = "plaintext";
    bool recursive = false;
    struct cli_flag flags[] = {
        {"recursive", 0, CLI_BOOL, &recursive, false},
        {"api-version", 0, CLI_STRING, &api_version, false},
        {"output", 'o', CLI_STRING, &format, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    const struct mapper_resource *r = NULL;
    cleanup_json json_t *index = NULL;
    cleanup_free char *group = NULL, *version = NULL;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    /* kubectl's Complete makes the client (and checks the context) before the arguments */
    if ((status = check_context(c)) != 0 || (status = ctl_connect(c)) != 0) {
        goto out;
    }
    if (args.n == 0) {
        status = ctl_error(c,
                           "You must specify the type of resource to explain. Use \"%s "
                           "api-resources\" for a complete list of supported resources.",
                           c->prog);
        goto out;
    }
    if (args.n > 1) {
        status = ctl_error(c, "We accept only this format: explain RESOURCE");
        goto out;
    }
    if ((status = split_argument(c, args.v[0], *api_version == '\0', &r, &fields)) != 0) {
        goto out;
    }
    if (strcmp(format, "plaintext-openapiv2") == 0) {
        /* kubectl's OpenAPI v2 renderer (the old explain layout) is not written */
        status = ctl_error(c, "--output=plaintext-openapiv2 is not implemented by %s yet", c->prog);
        goto out;
    }
    if ((index = fetch_index(c)) == NULL) {
        status = 1;
        goto out;
    }
    if (*api_version != '\0') {
        if ((status = parse_group_version(c, api_version, &group, &version)) != 0) {
            goto out;
        }
    } else {
        group = xstrdup(r->group);
        version = xstrdup(r->version);
    }
    status = print_model(c, index, group, version, r->resource, &fields, recursive, format);
out:
    cli_strv_free(&args);
    cli_strv_free(&fields);
    return status;
}
