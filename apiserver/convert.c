/* Storage versions and conversion of multi-version resources, as kube-apiserver's storage
 * codec does: one object per key in the storage version, requests converted to it on the way
 * in and answers to the request's version on the way out (rest.c's rest_handle edge). */
#include "convert.h"

#include <stdio.h>
#include <string.h>

#include "cleanup.h"

struct convert_kind {
    const char *group;
    const char *plural;
    const char *storage_version;
    convert_fn convert;
};

/* One entry per resource served in several versions. */
static const struct convert_kind kinds[] = {
    {"autoscaling", "horizontalpodautoscalers", "v2", convert_hpa},
};

static const struct convert_kind *kind_of(const struct resource *res)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kinds[i].group, res->group) == 0 && strcmp(kinds[i].plural, res->plural) == 0) {
            return &kinds[i];
        }
    }
    return NULL;
}

const struct resource *convert_storage_resource(const struct resource *res)
{
    const struct convert_kind *k = kind_of(res);
    if (k == NULL || strcmp(k->storage_version, res->version) == 0) {
        return res;
    }
    const struct resource *storage = resources_find(res->group, k->storage_version, res->plural);
    return storage != NULL ? storage : res;
}

bool convert_is_needed(const struct resource *res)
{
    return convert_storage_resource(res) != res;
}

json_t *convert_object(const struct resource *res, const json_t *obj, const char *from,
                       const char *to)
{
    const struct convert_kind *k = kind_of(res);
    if (k == NULL || strcmp(from, to) == 0) {
        return json_deep_copy(obj);
    }
    return k->convert(obj, from, to);
}

json_t *convert_answer(const struct resource *res, const json_t *obj, const char *from,
                       const char *to)
{
    const struct convert_kind *k = kind_of(res);
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (k == NULL || kind == NULL || strcmp(from, to) == 0) {
        return json_incref((json_t *)obj);
    }
    char gv[128];
    resources_group_version(res->group, to, gv, sizeof gv);
    if (strcmp(kind, res->kind) == 0) {
        return k->convert(obj, from, to);
    }
    size_t n = strlen(res->kind);
    if (strncmp(kind, res->kind, n) != 0 || strcmp(kind + n, "List") != 0) {
        return json_incref((json_t *)obj);
    }
    json_t *list = json_deep_copy(obj);
    json_object_set_new(list, "apiVersion", json_string(gv));
    json_t *items = json_array();
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(obj, "items"), i, item) {
        json_array_append_new(items, k->convert(item, from, to));
    }
    json_object_set_new(list, "items", items);
    return list;
}

json_t *convert_table_build(const struct resource *served, const json_t *list_or_object,
                            enum table_include include, time_t now)
{
    const struct resource *storage = convert_storage_resource(served);
    if (storage == served) {
        return table_build(served, list_or_object, include, now);
    }
    cleanup_json json_t *stored =
        convert_answer(served, list_or_object, served->version, storage->version);
    json_t *table = table_build(storage, stored, include, now);
    convert_table_rows(served, table, include);
    return table;
}

void convert_table_rows(const struct resource *served, json_t *table, enum table_include include)
{
    const struct resource *storage = convert_storage_resource(served);
    if (storage == served || include != TABLE_INCLUDE_OBJECT) {
        return; /* PartialObjectMetadata is the same in every version */
    }
    size_t i;
    json_t *row;
    json_array_foreach (json_object_get(table, "rows"), i, row) {
        json_t *obj = json_object_get(row, "object");
        if (json_is_object(obj)) {
            json_object_set_new(row, "object",
                                convert_answer(served, obj, storage->version, served->version));
        }
    }
}
