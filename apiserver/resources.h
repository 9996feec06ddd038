/* The built-in resources c8s-apiserver serves, as Kubernetes 1.32's discovery describes them:
 * group/version, plural and singular names, kind, scope, verbs, short names, categories and
 * subresources. Discovery, routing, storage keys and RBAC all read this one table. Constant
 * data: thread-safe. */
#ifndef C8S_APISERVER_RESOURCES_H
#define C8S_APISERVER_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>

#define RESOURCE_MAX_VERBS      8
#define RESOURCE_MAX_SHORTNAMES 3
#define RESOURCE_MAX_SUBS       10

struct subresource {
    const char *name;    /* "status", "scale", "eviction", ... */
    const char *group;   /* the kind's group when it differs from the parent's, e.g. "policy" */
    const char *version; /* likewise, e.g. "v1" */
    const char *kind;    /* "Scale", "Eviction", the parent's kind for status */
    const char *verbs[RESOURCE_MAX_VERBS];
};

struct resource {
    const char *group; /* "" for core */
    const char *version;
    const char *plural; /* "deployments": the URL segment and the storage key */
    const char *singular;
    const char *kind;
    bool namespaced;
    const char *verbs[RESOURCE_MAX_VERBS];
    const char *short_names[RESOURCE_MAX_SHORTNAMES];
    bool in_category_all; /* categories: ["all"] */
    struct subresource subresources[RESOURCE_MAX_SUBS];
};

struct group_version {
    const char *group;
    const char *version;
};

/* Every served resource, in discovery order; *count gets the number. */
const struct resource *resources_all(size_t *count);

/* The served group/versions in discovery order (core "v1" first). */
const struct group_version *resources_group_versions(size_t *count);

/* The resource with this group, version and plural, or NULL. */
const struct resource *resources_find(const char *group, const char *version, const char *plural);

/* The resource of a kind in a group (any served version), or NULL. */
const struct resource *resources_find_kind(const char *group, const char *kind);

/* The subresource named name of r, or NULL. */
const struct subresource *resources_find_sub(const struct resource *r, const char *name);

/* "apps/v1" or "v1" into buf. */
const char *resources_group_version(const char *group, const char *version, char *buf, size_t size);

#endif
