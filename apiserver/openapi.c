/* Minimal OpenAPI documents, shaped as kube-apiserver serves them, with what kubectl 1.32 reads
 * (shared/ref/kubectl-wire.md §3): the v3 index with serverRelativeURLs, per-group-version
 * documents whose PATCH operations carry x-kubernetes-group-version-kind and the fieldValidation
 * query parameter, and the v2 protobuf header document. */
#include "openapi.h"

#include <stdio.h>
#include <string.h>

#include "resources.h"

/* The hash in serverRelativeURL only has to change when the document does (clients cache by it):
 * the served types are fixed at build time, so a constant does. */
#define OPENAPI_HASH "C8S0001"

static void gv_path(const char *group, const char *version, char *buf, size_t size)
{
    if (group[0] == '\0') {
        snprintf(buf, size, "api/%s", version);
    } else {
        snprintf(buf, size, "apis/%s/%s", group, version);
    }
}

json_t *openapi_v3_index(void)
{
    size_t n = 0;
    const struct group_version *gvs = resources_group_versions(&n);
    json_t *paths = json_object();
    for (size_t i = 0; i < n; i++) {
        char path[256], url[320];
        gv_path(gvs[i].group, gvs[i].version, path, sizeof path);
        snprintf(url, sizeof url, "/openapi/v3/%s?hash=%s", path, OPENAPI_HASH);
        json_object_set_new(paths, path, json_pack("{s:s}", "serverRelativeURL", url));
    }
    return json_pack("{s:o}", "paths", paths);
}

static json_t *patch_operation(const struct resource *r)
{
    return json_pack("{s:{s:{s:s,s:s,s:s},s:[{s:s,s:s,s:{s:s}}]}}", "patch",
                     "x-kubernetes-group-version-kind", "group", r->group, "version", r->version,
                     "kind", r->kind, "parameters", "name", "fieldValidation", "in", "query",
                     "schema", "type", "string");
}

json_t *openapi_v3_group_version(const char *group, const char *version)
{
    size_t n = 0;
    const struct resource *all = resources_all(&n);
    json_t *paths = json_object();
    bool served = false;
    for (size_t i = 0; i < n; i++) {
        const struct resource *r = &all[i];
        if (strcmp(r->group, group) != 0 || strcmp(r->version, version) != 0) {
            continue;
        }
        served = true;
        char base[256], path[400];
        gv_path(group, version, base, sizeof base);
        if (r->namespaced) {
            snprintf(path, sizeof path, "/%s/namespaces/{namespace}/%s/{name}", base, r->plural);
        } else {
            snprintf(path, sizeof path, "/%s/%s/{name}", base, r->plural);
        }
        json_object_set_new(paths, path, patch_operation(r));
    }
    if (!served) {
        json_decref(paths);
        return NULL;
    }
    return json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:{}}}", "openapi", "3.0.0", "info", "title",
                     "Kubernetes", "version", "v1.32.0", "paths", paths, "components", "schemas");
}

json_t *openapi_v2_json(void)
{
    return json_pack("{s:s,s:{s:s,s:s},s:{}}", "swagger", "2.0", "info", "title", "Kubernetes",
                     "version", "v1.32.0", "paths");
}

const unsigned char *openapi_v2_protobuf(size_t *len)
{
    /* gnostic openapi_v2.Document: field 1 swagger "2.0", field 2 info {1 title, 2 version}. */
    static const unsigned char doc[] = {0x0a, 0x03, '2', '.', '0', 0x12, 0x15, 0x0a, 0x0a, 'K',
                                        'u',  'b',  'e', 'r', 'n', 'e',  't',  'e',  's',  0x12,
                                        0x07, 'v',  '1', '.', '3', '2',  '.',  '0'};
    *len = sizeof doc;
    return doc;
}
