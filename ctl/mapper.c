/* The resource mapper (mapper.h): discovery documents to resources, resolved in the order of
 * kubectl's builder (mappingFor), shortcutExpander and the discovery PriorityRESTMapper. */
#include "mapper.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

static void resource_free(struct mapper_resource *r)
{
    free(r->group);
    free(r->version);
    free(r->resource);
    free(r->singular);
    free(r->kind);
    cli_strv_free(&r->short_names);
    cli_strv_free(&r->categories);
    cli_strv_free(&r->verbs);
}

void mapper_free(struct mapper *m)
{
    for (size_t i = 0; i < m->n; i++) {
        resource_free(&m->v[i]);
    }
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

static void strv_from_json(struct cli_strv *sv, const json_t *arr)
{
    size_t i;
    json_t *s;
    json_array_foreach (arr, i, s) {
        if (json_is_string(s)) {
            cli_strv_add(sv, json_string_value(s));
        }
    }
}

static char *lowercase(const char *s)
{
    char *out = xstrdup(s);
    for (char *p = out; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    return out;
}

static struct mapper_resource *add(struct mapper *m, const char *group, const char *version,
                                   bool preferred, const char *name, const char *singular,
                                   const char *kind, bool namespaced)
{
    m->v = xrealloc(m->v, (m->n + 1) * sizeof *m->v);
    struct mapper_resource *r = &m->v[m->n++];
    memset(r, 0, sizeof *r);
    r->group = xstrdup(group);
    r->version = xstrdup(version);
    r->resource = xstrdup(name);
    r->kind = xstrdup(kind);
    r->singular = singular && *singular ? xstrdup(singular) : lowercase(kind);
    r->namespaced = namespaced;
    r->preferred = preferred;
    return r;
}

int mapper_add_aggregated(struct mapper *m, const json_t *doc, struct err *err)
{
    const json_t *items = json_object_get(doc, "items");
    if (!json_is_array(items)) {
        return err_set(err, EINVAL, "discovery: not an APIGroupDiscoveryList");
    }
    size_t i, j, k;
    json_t *item, *ver, *res;
    json_array_foreach (items, i, item) {
        const char *group =
            json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
        json_array_foreach (json_object_get(item, "versions"), j, ver) {
            const char *version = json_string_value(json_object_get(ver, "version"));
            json_array_foreach (json_object_get(ver, "resources"), k, res) {
                const char *name = json_string_value(json_object_get(res, "resource"));
                const json_t *rk = json_object_get(res, "responseKind");
                const char *kind = json_string_value(json_object_get(rk, "kind"));
                if (name == NULL || kind == NULL || version == NULL) {
                    continue;
                }
                const char *scope = json_string_value(json_object_get(res, "scope"));
                struct mapper_resource *r =
                    add(m, group ? group : "", version, j == 0, name,
                        json_string_value(json_object_get(res, "singularResource")), kind,
                        scope != NULL && strcmp(scope, "Namespaced") == 0);
                strv_from_json(&r->short_names, json_object_get(res, "shortNames"));
                strv_from_json(&r->categories, json_object_get(res, "categories"));
                strv_from_json(&r->verbs, json_object_get(res, "verbs"));
            }
        }
    }
    return 0;
}

int mapper_add_resource_list(struct mapper *m, const char *group, const char *version,
                             bool preferred, const json_t *list, struct err *err)
{
    const json_t *resources = json_object_get(list, "resources");
    if (!json_is_array(resources)) {
        return err_set(err, EINVAL, "discovery: not an APIResourceList");
    }
    size_t i;
    json_t *res;
    json_array_foreach (resources, i, res) {
        const char *name = json_string_value(json_object_get(res, "name"));
        const char *kind = json_string_value(json_object_get(res, "kind"));
        if (name == NULL || kind == NULL || strchr(name, '/') != NULL) {
            continue;
        }
        struct mapper_resource *r = add(m, group, version, preferred, name,
                                        json_string_value(json_object_get(res, "singularName")),
                                        kind, json_is_true(json_object_get(res, "namespaced")));
        strv_from_json(&r->short_names, json_object_get(res, "shortNames"));
        strv_from_json(&r->categories, json_object_get(res, "categories"));
        strv_from_json(&r->verbs, json_object_get(res, "verbs"));
    }
    return 0;
}

static bool has(const struct cli_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++) {
        if (strcmp(sv->v[i], s) == 0) {
            return true;
        }
    }
    return false;
}

/* Runs match over the preferred versions first, then the others; returns the first hit. */
typedef bool (*match_fn)(const struct mapper_resource *r, const char *a, const char *b,
                         const char *c);

static const struct mapper_resource *find(const struct mapper *m, match_fn match, const char *a,
                                          const char *b, const char *c)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < m->n; i++) {
            const struct mapper_resource *r = &m->v[i];
            if (r->preferred == (pass == 0) && match(r, a, b, c)) {
                return r;
            }
        }
    }
    return NULL;
}

/* a = resource or singular name, b = group or NULL, c = version or NULL. */
static bool match_name(const struct mapper_resource *r, const char *a, const char *b, const char *c)
{
    if (b != NULL && strcmp(r->group, b) != 0) {
        return false;
    }
    if (c != NULL && strcmp(r->version, c) != 0) {
        return false;
    }
    return strcmp(r->resource, a) == 0 || strcmp(r->singular, a) == 0;
}

static bool match_short(const struct mapper_resource *r, const char *a, const char *b,
                        const char *c)
{
    (void)c;
    if (b != NULL && strcmp(r->group, b) != 0) {
        return false;
    }
    return has(&r->short_names, a);
}

static bool match_short_group_prefix(const struct mapper_resource *r, const char *a, const char *b,
                                     const char *c)
{
    (void)c;
    return strncmp(r->group, b, strlen(b)) == 0 && has(&r->short_names, a);
}

static bool match_kind(const struct mapper_resource *r, const char *a, const char *b, const char *c)
{
    if (b != NULL && strcmp(r->group, b) != 0) {
        return false;
    }
    if (c != NULL && strcmp(r->version, c) != 0) {
        return false;
    }
    return strcmp(r->kind, a) == 0;
}

void mapper_warn_short_name_rivals(const struct mapper *m, const struct mapper_resource *chosen,
                                   const char *short_name, const char *group)
{
    if (m->warn == NULL) {
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        const struct mapper_resource *r = &m->v[i];
        if (!match_short(r, short_name, group, NULL) ||
            (strcmp(r->group, chosen->group) == 0 && strcmp(r->resource, chosen->resource) == 0)) {
            continue;
        }
        bool told = false; /* an earlier version of the same group/resource */
        for (size_t j = 0; j < i && !told; j++) {
            told = strcmp(m->v[j].group, r->group) == 0 &&
                   strcmp(m->v[j].resource, r->resource) == 0 &&
                   match_short(&m->v[j], short_name, group, NULL);
        }
        if (!told) {
            char text[256];
            snprintf(text, sizeof text,
                     "short name \"%s\" could also match lower priority resource %s%s%s",
                     short_name, r->resource, *r->group ? "." : "", r->group);
            m->warn(m->warn_arg, text);
        }
    }
}

/* Resolves resource (exact, then shortcut, then lowercased) within group/version (NULL: any). */
static const struct mapper_resource *resolve_resource(const struct mapper *m, const char *resource,
                                                      const char *group, const char *version)
{
    const struct mapper_resource *r = find(m, match_name, resource, group, version);
    if (r != NULL) {
        return r;
    }
    r = find(m, match_short, resource, group, NULL);
    if (r != NULL) {
        mapper_warn_short_name_rivals(m, r, resource, group);
    }
    if (r == NULL && group != NULL && *group != '\0') {
        r = find(m, match_short_group_prefix, resource, group, NULL);
    }
    if (r != NULL) {
        /* the short name stands for the long form in any version */
        return version ? find(m, match_name, r->resource, r->group, version) : r;
    }
    char *lower = lowercase(resource);
    r = find(m, match_name, lower, group, version);
    free(lower);
    return r;
}

const struct mapper_resource *mapper_resolve(const struct mapper *m, const char *arg,
                                             struct err *err)
{
    char *copy = xstrdup(arg);
    const struct mapper_resource *r = NULL;
    char *dot1 = strchr(copy, '.');
    char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (dot2 != NULL) { /* resource.version.group */
        *dot1 = '\0';
        *dot2 = '\0';
        r = resolve_resource(m, copy, dot2 + 1, dot1 + 1);
        *dot1 = '.';
        *dot2 = '.';
    }
    if (r == NULL) { /* resource.group, the group being everything after the first dot */
        if (dot1 != NULL) {
            *dot1 = '\0';
        }
        r = resolve_resource(m, copy, dot1 ? dot1 + 1 : NULL, NULL);
    }
    if (r == NULL && dot2 != NULL) { /* Kind.version.group */
        *dot2 = '\0';
        r = find(m, match_kind, copy, dot2 + 1, dot1 + 1);
        *dot2 = '.';
    }
    if (r == NULL) { /* Kind.group or Kind */
        r = find(m, match_kind, copy, dot1 ? dot1 + 1 : "", NULL);
    }
    if (r == NULL) {
        err_set(err, ENOENT, "the server doesn't have a resource type \"%s\"", copy);
    }
    free(copy);
    return r;
}

size_t mapper_category(const struct mapper *m, const char *category,
                       const struct mapper_resource **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n && n < max; i++) {
        const struct mapper_resource *r = &m->v[i];
        if (!has(&r->categories, category)) {
            continue;
        }
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++) {
            seen =
                strcmp(out[j]->group, r->group) == 0 && strcmp(out[j]->resource, r->resource) == 0;
        }
        if (!seen) {
            const struct mapper_resource *best = find(m, match_name, r->resource, r->group, NULL);
            out[n++] = best ? best : r;
        }
    }
    return n;
}

char *mapper_kind_group(const struct mapper_resource *r)
{
    char *kind = lowercase(r->kind);
    if (*r->group == '\0') {
        return kind;
    }
    char *out = xasprintf("%s.%s", kind, r->group);
    free(kind);
    return out;
}

char *mapper_resource_group(const struct mapper_resource *r)
{
    return *r->group ? xasprintf("%s.%s", r->resource, r->group) : xstrdup(r->resource);
}

char *mapper_collection_path(const struct mapper_resource *r, const char *ns)
{
    char *base = *r->group ? xasprintf("/apis/%s/%s", r->group, r->version)
                           : xasprintf("/api/%s", r->version);
    char *out = (r->namespaced && ns != NULL)
                    ? xasprintf("%s/namespaces/%s/%s", base, ns, r->resource)
                    : xasprintf("%s/%s", base, r->resource);
    free(base);
    return out;
}

const struct mapper_resource *mapper_for_kind(const struct mapper *m, const char *api_version,
                                              const char *kind, struct err *err)
{
    char *copy = xstrdup(api_version ? api_version : "");
    char *slash = strchr(copy, '/');
    const char *group = "", *version = copy;
    if (slash != NULL) {
        *slash = '\0';
        group = copy;
        version = slash + 1;
    }
    const struct mapper_resource *r = find(m, match_kind, kind ? kind : "", group, version);
    if (r == NULL) {
        err_set(err, ENOENT, "no matches for kind \"%s\" in version \"%s\"", kind ? kind : "",
                api_version ? api_version : "");
    }
    free(copy);
    return r;
}
