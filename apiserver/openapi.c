/* The OpenAPI documents, shaped as kube-apiserver 1.32 serves them, with what kubectl reads
 * (shared/ref/kubectl-wire.md §3): the v3 index with serverRelativeURLs whose hash changes with
 * the content, per-group-version documents whose PATCH operations carry
 * x-kubernetes-group-version-kind and the fieldValidation parameter (apply's validation) and
 * whose component schemas describe every served kind (explain), the v2 JSON document with the
 * same definitions and the v2 protobuf header document. */
#include "openapi.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openapi_schema.h"
#include "resources.h"
#include "xalloc.h"

#define V2_REF_PREFIX "#/definitions/"
#define V3_REF_PREFIX "#/components/schemas/"

struct gv_doc {
    const char *group;
    const char *version;
    json_t *doc;
    char hash[17];
};

/* Built once on first use and never changed after: readers share them. */
static struct {
    struct gv_doc *docs;
    size_t ndocs;
    json_t *v2;
} cache;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void gv_path(const char *group, const char *version, char *buf, size_t size)
{
    if (group[0] == '\0') {
        snprintf(buf, size, "api/%s", version);
    } else {
        snprintf(buf, size, "apis/%s/%s", group, version);
    }
}

static json_t *patch_operation(const struct resource *r)
{
    return json_pack("{s:{s:{s:s,s:s,s:s},s:[{s:s,s:s,s:{s:s}}]}}", "patch",
                     "x-kubernetes-group-version-kind", "group", r->group, "version", r->version,
                     "kind", r->kind, "parameters", "name", "fieldValidation", "in", "query",
                     "schema", "type", "string");
}

/* The PATCH operations (no requestBody: kubectl apply then keeps computing strategic merge
 * patches from its built-in types, as it does today). */
static json_t *gv_paths(const char *group, const char *version)
{
    size_t n = 0;
    const struct resource *all = resources_all(&n);
    json_t *paths = json_object();
    for (size_t i = 0; i < n; i++) {
        const struct resource *r = &all[i];
        if (strcmp(r->group, group) != 0 || strcmp(r->version, version) != 0) {
            continue;
        }
        char base[256], path[400];
        gv_path(group, version, base, sizeof base);
        if (r->namespaced) {
            snprintf(path, sizeof path, "/%s/namespaces/{namespace}/%s/{name}", base, r->plural);
        } else {
            snprintf(path, sizeof path, "/%s/%s/{name}", base, r->plural);
        }
        json_object_set_new(paths, path, patch_operation(r));
    }
    return paths;
}

static void content_hash(json_t *doc, char out[17])
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (const char *p = text; *p != '\0'; p++) {
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    }
    free(text);
    snprintf(out, 17, "%016" PRIX64, h);
}

/* A v3 schema in v2's form: references to #/definitions, written directly instead of through a
 * one-element allOf, and the oneOf primitives as the strings v2 has them as. */
static json_t *v2_schema(json_t *v3)
{
    if (json_is_array(v3)) {
        json_t *out = json_array();
        size_t i;
        json_t *item;
        json_array_foreach (v3, i, item) {
            json_array_append_new(out, v2_schema(item));
        }
        return out;
    }
    if (!json_is_object(v3)) {
        return json_deep_copy(v3);
    }
    json_t *out = json_object();
    json_t *all_of = json_object_get(v3, "allOf");
    if (json_array_size(all_of) == 1 && json_object_get(v3, "properties") == NULL) {
        json_object_update(out, json_array_get(all_of, 0)); /* shallow: {"$ref": string} */
        json_t *ref = json_object_get(out, "$ref");
        if (ref != NULL) {
            const char *target = json_string_value(ref);
            if (strncmp(target, V3_REF_PREFIX, strlen(V3_REF_PREFIX)) == 0) {
                char buf[300];
                snprintf(buf, sizeof buf, V2_REF_PREFIX "%s", target + strlen(V3_REF_PREFIX));
                json_object_set_new(out, "$ref", json_string(buf));
            }
        }
    }
    const char *key;
    json_t *value;
    json_object_foreach (v3, key, value) {
        if (strcmp(key, "allOf") == 0 && json_object_get(out, "$ref") != NULL) {
            continue;
        }
        if (strcmp(key, "oneOf") == 0) {
            json_object_set_new(out, "type", json_string("string"));
            continue;
        }
        json_object_set_new(out, key, v2_schema(value));
    }
    return out;
}

static void build_cache(void)
{
    size_t n = 0;
    const struct group_version *gvs = resources_group_versions(&n);
    cache.docs = xcalloc(n, sizeof *cache.docs);
    json_t *definitions = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *schemas = openapi_schemas_build(gvs[i].group, gvs[i].version);
        if (schemas == NULL) {
            continue;
        }
        const char *name;
        json_t *schema;
        json_object_foreach (schemas, name, schema) {
            if (json_object_get(definitions, name) == NULL) {
                json_object_set_new(definitions, name, v2_schema(schema));
            }
        }
        struct gv_doc *d = &cache.docs[cache.ndocs++];
        d->group = gvs[i].group;
        d->version = gvs[i].version;
        d->doc =
            json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:o}}", "openapi", "3.0.0", "info", "title",
                      "Kubernetes", "version", "v1.32.0", "paths",
                      gv_paths(gvs[i].group, gvs[i].version), "components", "schemas", schemas);
        content_hash(d->doc, d->hash);
    }
    cache.v2 = json_pack("{s:s,s:{s:s,s:s},s:{},s:o}", "swagger", "2.0", "info", "title",
                         "Kubernetes", "version", "v1.32.0", "paths", "definitions", definitions);
}

static const struct gv_doc *find_doc(const char *group, const char *version)
{
    pthread_once(&cache_once, build_cache);
    for (size_t i = 0; i < cache.ndocs; i++) {
        if (strcmp(cache.docs[i].group, group) == 0 &&
            strcmp(cache.docs[i].version, version) == 0) {
            return &cache.docs[i];
        }
    }
    return NULL;
}

json_t *openapi_v3_index(void)
{
    pthread_once(&cache_once, build_cache);
    json_t *paths = json_object();
    for (size_t i = 0; i < cache.ndocs; i++) {
        const struct gv_doc *d = &cache.docs[i];
        char path[256], url[320];
        gv_path(d->group, d->version, path, sizeof path);
        snprintf(url, sizeof url, "/openapi/v3/%s?hash=%s", path, d->hash);
        json_object_set_new(paths, path, json_pack("{s:s}", "serverRelativeURL", url));
    }
    return json_pack("{s:o}", "paths", paths);
}

json_t *openapi_v3_group_version(const char *group, const char *version)
{
    const struct gv_doc *d = find_doc(group, version);
    return d ? json_incref(d->doc) : NULL;
}

const char *openapi_v3_hash(const char *group, const char *version)
{
    const struct gv_doc *d = find_doc(group, version);
    return d ? d->hash : NULL;
}

json_t *openapi_v2_json(void)
{
    pthread_once(&cache_once, build_cache);
    return json_incref(cache.v2);
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
