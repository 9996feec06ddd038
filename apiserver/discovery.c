/* Discovery as kube-apiserver 1.32 serves it. Verbs, short names and categories come from the
 * resource table; the shapes follow shared/ref/kubectl-wire.md §2. */
#include "discovery.h"

#include <string.h>

#include "resources.h"

json_t *discovery_api_versions(const char *server_address)
{
    return json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind", "APIVersions", "versions", "v1",
                     "serverAddressByClientCIDRs", "clientCIDR", "0.0.0.0/0", "serverAddress",
                     server_address ? server_address : "");
}

static json_t *group_json(const char *group)
{
    size_t n = 0;
    const struct group_version *gvs = resources_group_versions(&n);
    json_t *versions = json_array();
    json_t *preferred = NULL;
    char gv[128];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(gvs[i].group, group) != 0) {
            continue;
        }
        json_t *v = json_pack("{s:s,s:s}", "groupVersion",
                              resources_group_version(group, gvs[i].version, gv, sizeof gv),
                              "version", gvs[i].version);
        if (preferred == NULL) {
            preferred = json_deep_copy(v);
        }
        json_array_append_new(versions, v);
    }
    if (preferred == NULL) {
        json_decref(versions);
        return NULL;
    }
    return json_pack("{s:s,s:o,s:o}", "name", group, "versions", versions, "preferredVersion",
                     preferred);
}

json_t *discovery_api_group_list(void)
{
    size_t n = 0;
    const struct group_version *gvs = resources_group_versions(&n);
    json_t *groups = json_array();
    for (size_t i = 0; i < n; i++) {
        if (gvs[i].group[0] == '\0' || (i > 0 && strcmp(gvs[i - 1].group, gvs[i].group) == 0)) {
            continue;
        }
        json_array_append_new(groups, group_json(gvs[i].group));
    }
    return json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList", "apiVersion", "v1", "groups", groups);
}

json_t *discovery_api_group(const char *group)
{
    if (group[0] == '\0') {
        return NULL;
    }
    json_t *g = group_json(group);
    if (g == NULL) {
        return NULL;
    }
    json_t *out = json_pack("{s:s,s:s}", "kind", "APIGroup", "apiVersion", "v1");
    json_object_update(out, g);
    json_decref(g);
    return out;
}

static json_t *string_array(const char *const *items, size_t max)
{
    json_t *a = json_array();
    for (size_t i = 0; i < max && items[i] != NULL; i++) {
        json_array_append_new(a, json_string(items[i]));
    }
    return a;
}

json_t *discovery_resource_list(const char *group, const char *version)
{
    size_t n = 0;
    const struct resource *all = resources_all(&n);
    json_t *list = json_array();
    bool found = false;
    char gv[128];
    for (size_t i = 0; i < n; i++) {
        const struct resource *r = &all[i];
        if (strcmp(r->group, group) != 0 || strcmp(r->version, version) != 0) {
            continue;
        }
        found = true;
        json_t *item = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", r->plural, "singularName",
                                 r->singular, "namespaced", r->namespaced, "kind", r->kind, "verbs",
                                 string_array(r->verbs, RESOURCE_MAX_VERBS));
        if (r->short_names[0] != NULL) {
            json_object_set_new(item, "shortNames",
                                string_array(r->short_names, RESOURCE_MAX_SHORTNAMES));
        }
        if (r->in_category_all) {
            json_object_set_new(item, "categories", json_pack("[s]", "all"));
        }
        json_array_append_new(list, item);
        for (size_t k = 0; k < RESOURCE_MAX_SUBS && r->subresources[k].name != NULL; k++) {
            const struct subresource *s = &r->subresources[k];
            char name[160];
            snprintf(name, sizeof name, "%s/%s", r->plural, s->name);
            json_t *sub = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", name, "singularName", "",
                                    "namespaced", r->namespaced, "kind", s->kind, "verbs",
                                    string_array(s->verbs, RESOURCE_MAX_VERBS));
            if (s->group != NULL) {
                json_object_set_new(sub, "group", json_string(s->group));
                json_object_set_new(sub, "version", json_string(s->version));
            }
            json_array_append_new(list, sub);
        }
    }
    if (!found) {
        json_decref(list);
        return NULL;
    }
    return json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList", "apiVersion", "v1",
                     "groupVersion", resources_group_version(group, version, gv, sizeof gv),
                     "resources", list);
}

static json_t *aggregated_resource(const struct resource *r)
{
    json_t *item =
        json_pack("{s:s,s:{s:s,s:s,s:s},s:s,s:s,s:o}", "resource", r->plural, "responseKind",
                  "group", r->group, "version", r->version, "kind", r->kind, "scope",
                  r->namespaced ? "Namespaced" : "Cluster", "singularResource", r->singular,
                  "verbs", string_array(r->verbs, RESOURCE_MAX_VERBS));
    if (r->short_names[0] != NULL) {
        json_object_set_new(item, "shortNames",
                            string_array(r->short_names, RESOURCE_MAX_SHORTNAMES));
    }
    if (r->in_category_all) {
        json_object_set_new(item, "categories", json_pack("[s]", "all"));
    }
    json_t *subs = json_array();
    for (size_t k = 0; k < RESOURCE_MAX_SUBS && r->subresources[k].name != NULL; k++) {
        const struct subresource *s = &r->subresources[k];
        json_array_append_new(subs, json_pack("{s:s,s:{s:s,s:s,s:s},s:o}", "subresource", s->name,
                                              "responseKind", "group",
                                              s->group ? s->group : r->group, "version",
                                              s->version ? s->version : r->version, "kind", s->kind,
                                              "verbs", string_array(s->verbs, RESOURCE_MAX_VERBS)));
    }
    if (json_array_size(subs) > 0) {
        json_object_set_new(item, "subresources", subs);
    } else {
        json_decref(subs);
    }
    return item;
}

json_t *discovery_aggregated(bool core)
{
    size_t ngv = 0, nres = 0;
    const struct group_version *gvs = resources_group_versions(&ngv);
    const struct resource *all = resources_all(&nres);
    json_t *items = json_array();
    for (size_t i = 0; i < ngv; i++) {
        bool is_core = gvs[i].group[0] == '\0';
        if (is_core != core) {
            continue;
        }
        json_t *resources = json_array();
        for (size_t k = 0; k < nres; k++) {
            if (strcmp(all[k].group, gvs[i].group) == 0 &&
                strcmp(all[k].version, gvs[i].version) == 0) {
                json_array_append_new(resources, aggregated_resource(&all[k]));
            }
        }
        json_t *version = json_pack("{s:s,s:o,s:s}", "version", gvs[i].version, "resources",
                                    resources, "freshness", "Current");
        /* One item per group, its versions in preference order (autoscaling: v2, v1). */
        json_t *last = json_array_get(items, json_array_size(items) - 1);
        if (i > 0 && last != NULL && strcmp(gvs[i - 1].group, gvs[i].group) == 0) {
            json_array_append_new(json_object_get(last, "versions"), version);
            continue;
        }
        json_array_append_new(items, json_pack("{s:{s:s},s:[o]}", "metadata", "name", gvs[i].group,
                                               "versions", version));
    }
    return json_pack("{s:s,s:s,s:{},s:o}", "kind", "APIGroupDiscoveryList", "apiVersion",
                     "apidiscovery.k8s.io/v2", "metadata", "items", items);
}

bool discovery_wants_aggregated(const char *accept)
{
    return accept != NULL && strstr(accept, "g=apidiscovery.k8s.io") != NULL &&
           strstr(accept, "v=v2") != NULL && strstr(accept, "as=APIGroupDiscoveryList") != NULL;
}
