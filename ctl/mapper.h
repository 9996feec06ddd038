/* The resource mapper: what kubectl's discovery RESTMapper and shortcut expander make of the
 * server's discovery documents. It resolves "po", "pods", "pod", "Pods", "deploy",
 * "deployments.apps", "deployments.v1.apps", "Deployment" and "Deployment.apps" to one served
 * resource, as builder.go's mappingFor does, and expands categories ("all"). Pure: the caller
 * fetches the documents. */
#ifndef C8S_CTL_MAPPER_H
#define C8S_CTL_MAPPER_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "cli.h"
#include "err.h"

/* One served resource of one group-version. All strings are owned by the mapper. */
struct mapper_resource {
    char *group; /* "" for the core group */
    char *version;
    char *resource; /* plural, "deployments" */
    char *singular; /* "deployment" (the lowercased kind when discovery gives none) */
    char *kind;     /* "Deployment" */
    bool namespaced;
    bool preferred; /* in its group's preferred version */
    struct cli_strv short_names;
    struct cli_strv categories;
    struct cli_strv verbs;
};

/* Resources in discovery order (/api first, then /apis' groups, versions as listed). */
struct mapper {
    struct mapper_resource *v;
    size_t n;
    /* Told kubectl's "short name "ev" could also match lower priority resource ..." when a
     * short name resolves among resources of several groups; NULL: nobody is told. */
    void (*warn)(void *arg, const char *text);
    void *warn_arg;
};

/* kubectl's shortcut expander: tells m->warn of each other group/resource (in discovery order,
 * once each) that short_name, which resolved to chosen, would also have matched; group limits
 * the candidates when the user named one (NULL: any). Called by mapper_resolve; commands that
 * expand short names themselves (explain) call it too. */
void mapper_warn_short_name_rivals(const struct mapper *m, const struct mapper_resource *chosen,
                                   const char *short_name, const char *group);

/* Frees everything m holds and zeroes it (m itself is the caller's). */
void mapper_free(struct mapper *m);

/* Adds an aggregated discovery document (APIGroupDiscoveryList, apidiscovery.k8s.io/v2; the
 * first version of each group is the preferred one). Borrows doc. Returns 0, or -EINVAL when
 * it is not such a document. Subresources are skipped. */
int mapper_add_aggregated(struct mapper *m, const json_t *doc, struct err *err) C8S_MUST_USE;

/* Adds a legacy APIResourceList for group/version (borrowed). Subresources are skipped. */
int mapper_add_resource_list(struct mapper *m, const char *group, const char *version,
                             bool preferred, const json_t *list, struct err *err) C8S_MUST_USE;

/* Resolves a type argument as kubectl does: exact resource or singular names win, then short
 * names (group-filtered), then case-insensitive resource names, then kinds; preferred versions
 * first, groups in discovery order. Returns a pointer borrowed from m, or NULL with err =
 * -ENOENT `the server doesn't have a resource type "<resource>"`. */
const struct mapper_resource *mapper_resolve(const struct mapper *m, const char *arg,
                                             struct err *err);

/* The resources of a category ("all") in discovery order, one per group and resource (their
 * preferred version). Writes up to max borrowed pointers into out and returns how many; 0 when
 * the category is unknown. */
size_t mapper_category(const struct mapper *m, const char *category,
                       const struct mapper_resource **out, size_t max);

/* "deployment.apps" or "pod": the lowercased kind with the group, as kubectl names objects in
 * "deployment.apps/web created". Returns an owned string. */
char *mapper_kind_group(const struct mapper_resource *r);

/* "deployments.apps" or "pods": the resource with the group, as Status messages name it.
 * Returns an owned string. */
char *mapper_resource_group(const struct mapper_resource *r);

/* The API path of the collection: "/apis/apps/v1/namespaces/<ns>/deployments", or without the
 * namespace part when ns is NULL or the resource is cluster-scoped. Returns an owned string;
 * ns is URL-escaped by the caller when needed (names are DNS labels). */
char *mapper_collection_path(const struct mapper_resource *r, const char *ns);

/* The resource with a given group and kind (the first served version, preferred first), for
 * manifests: apiVersion "apps/v1" and kind "Deployment". Borrowed, or NULL with err =
 * -ENOENT `no matches for kind "X" in version "g/v"` (kubectl's wording for unknown kinds). */
const struct mapper_resource *mapper_for_kind(const struct mapper *m, const char *api_version,
                                              const char *kind, struct err *err);

#endif
