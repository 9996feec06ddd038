/* Storage versions and conversion of multi-version resources, as kube-apiserver's storage
 * codec does: one object per key in the storage version, requests converted to it on the way
 * in and answers to the request's version on the way out (rest.c's rest_handle edge). The
 * storage version may be another group's: events.k8s.io/v1 events live as core v1 events. */
#include "convert.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "err.h"
#include "xalloc.h"

struct convert_kind {
    const char *group; /* the served group */
    const char *plural;
    const char *storage_group;
    const char *storage_version;
    convert_fn convert;
    /* The served version's field labels in storage terms (NULL when none, or when the kind
     * keeps its labels unchecked). */
    const char *(*field_label)(const char *label);
    /* Rules of requests in the served version (NULL when none). */
    void (*validate)(const json_t *obj, const json_t *old, struct field_errors *errs);
};

/* One entry per resource served in several versions. */
static const struct convert_kind kinds[] = {
    {"autoscaling", "horizontalpodautoscalers", "autoscaling", "v2", convert_hpa, NULL, NULL},
    {"events.k8s.io", "events", "", "v1", convert_event, convert_event_field_label,
     convert_event_validate},
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

/* The kind entry of a conversion between from and to (one is the served side). */
static const struct convert_kind *kind_between(const struct resource *from,
                                               const struct resource *to)
{
    const struct convert_kind *k = kind_of(from);
    return k != NULL ? k : kind_of(to);
}

const struct resource *convert_storage_resource(const struct resource *res)
{
    const struct convert_kind *k = kind_of(res);
    if (k == NULL || (strcmp(k->storage_group, res->group) == 0 &&
                      strcmp(k->storage_version, res->version) == 0)) {
        return res;
    }
    const struct resource *storage =
        resources_find(k->storage_group, k->storage_version, res->plural);
    return storage != NULL ? storage : res;
}

bool convert_is_needed(const struct resource *res)
{
    return convert_storage_resource(res) != res;
}

json_t *convert_object(const struct resource *from, const struct resource *to, const json_t *obj)
{
    const struct convert_kind *k = kind_between(from, to);
    if (k == NULL || from == to) {
        return json_deep_copy(obj);
    }
    char from_gv[128];
    char to_gv[128];
    resources_group_version(from->group, from->version, from_gv, sizeof from_gv);
    resources_group_version(to->group, to->version, to_gv, sizeof to_gv);
    return k->convert(obj, from_gv, to_gv);
}

json_t *convert_answer(const struct resource *from, const struct resource *to, const json_t *obj)
{
    const struct convert_kind *k = kind_between(from, to);
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (k == NULL || kind == NULL || from == to) {
        return json_incref((json_t *)obj);
    }
    if (strcmp(kind, from->kind) == 0) {
        return convert_object(from, to, obj);
    }
    size_t n = strlen(from->kind);
    if (strncmp(kind, from->kind, n) != 0 || strcmp(kind + n, "List") != 0) {
        return json_incref((json_t *)obj);
    }
    char gv[128];
    resources_group_version(to->group, to->version, gv, sizeof gv);
    json_t *list = json_deep_copy(obj);
    json_object_set_new(list, "apiVersion", json_string(gv));
    json_t *items = json_array();
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(obj, "items"), i, item) {
        json_array_append_new(items, convert_object(from, to, item));
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
    cleanup_json json_t *stored = convert_answer(served, storage, list_or_object);
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
            json_object_set_new(row, "object", convert_answer(storage, served, obj));
        }
    }
}

/* Where the label of the field selector term starting at p ends: at its operator (=, ==, !=)
 * or, for a malformed term, at the term's end. */
static size_t label_length(const char *p)
{
    size_t n = 0;
    while (p[n] != '\0' && p[n] != '=' && p[n] != '!' && p[n] != ',') {
        n++;
    }
    return n;
}

/* The end of the term starting at p: the next comma not escaped by a backslash. */
static size_t term_length(const char *p)
{
    size_t n = 0;
    while (p[n] != '\0' && p[n] != ',') {
        n += p[n] == '\\' && p[n + 1] != '\0' ? 2 : 1;
    }
    return n;
}

char *convert_field_selector(const struct resource *served, const char *selector, struct err *err)
{
    const struct convert_kind *k = kind_of(served);
    if (k == NULL || k->field_label == NULL || !convert_is_needed(served)) {
        return xstrdup(selector);
    }
    size_t cap = strlen(selector) * 2 + 64;
    char *out = xmalloc(cap);
    size_t len = 0;
    const char *p = selector;
    while (*p != '\0') {
        size_t term = term_length(p);
        size_t label_len = label_length(p);
        cleanup_free char *label = xstrndup(p, label_len);
        /* Spaces around the label are not part of it (fields.ParseSelector trims them). */
        char *start = label;
        while (*start == ' ') {
            start++;
        }
        size_t trimmed = strlen(start);
        while (trimmed > 0 && start[trimmed - 1] == ' ') {
            start[--trimmed] = '\0';
        }
        const char *mapped = start[0] == '\0' ? "" : k->field_label(start);
        if (mapped == NULL) {
            free(out);
            err_set(err, EINVAL, "field label not supported: %s", start);
            return NULL;
        }
        size_t need = strlen(mapped) + (term - label_len) + 2;
        if (len + need >= cap) {
            cap = (len + need) * 2;
            out = xrealloc(out, cap);
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%.*s", mapped, (int)(term - label_len),
                                p + label_len);
        p += term;
        if (*p == ',') {
            out[len++] = ',';
            out[len] = '\0';
            p++;
        }
    }
    out[len] = '\0';
    return out;
}

void convert_validate(const struct resource *served, const json_t *obj, const json_t *old,
                      struct field_errors *errs)
{
    const struct convert_kind *k = kind_of(served);
    if (k != NULL && k->validate != NULL && convert_is_needed(served)) {
        k->validate(obj, old, errs);
    }
}
