/* Server-side apply and managedFields, after k8s.io/apiserver's fieldmanager and
 * structured-merge-diff: field sets are fieldsV1 trees ("f:<field>", "k:<keys>" for items of
 * keyed lists, "v:<value>" for set items, "." for a node that is itself owned). Lists are keyed,
 * sets or atomic as Kubernetes' OpenAPI marks them; a LabelSelector is atomic. Inside this file a
 * member always carries "." — fieldsV1's bare {} leaves are read into that form and written out
 * of it. */
#include "apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "k8stime.h"
#include "rest_internal.h"
#include "status.h"
#include "typecheck.h"
#include "xalloc.h"
#include "yamlx.h"

#define MEMBER_KEY "."

/* ---- Schema facts: how a list merges ---- */

enum list_shape { LIST_ATOMIC, LIST_KEYED, LIST_SET };

struct list_rule {
    const char *suffix; /* matched against the end of the dotted field path */
    enum list_shape shape;
    const char *keys[3];
};

/* x-kubernetes-list-type/-map-keys of the built-in types that apply meets most. Checked in
 * order: the longer suffixes first. */
static const struct list_rule list_rules[] = {
    {"containers.ports", LIST_KEYED, {"containerPort", "protocol"}},
    {"initContainers.ports", LIST_KEYED, {"containerPort", "protocol"}},
    {"spec.ports", LIST_KEYED, {"port", "protocol"}},
    {"containers", LIST_KEYED, {"name"}},
    {"initContainers", LIST_KEYED, {"name"}},
    {"ephemeralContainers", LIST_KEYED, {"name"}},
    {"env", LIST_KEYED, {"name"}},
    {"volumeMounts", LIST_KEYED, {"mountPath"}},
    {"volumeDevices", LIST_KEYED, {"devicePath"}},
    {"volumes", LIST_KEYED, {"name"}},
    {"imagePullSecrets", LIST_KEYED, {"name"}},
    {"hostAliases", LIST_KEYED, {"ip"}},
    {"topologySpreadConstraints", LIST_KEYED, {"topologyKey", "whenUnsatisfiable"}},
    {"resourceClaims", LIST_KEYED, {"name"}},
    {"conditions", LIST_KEYED, {"type"}},
    {"ownerReferences", LIST_KEYED, {"uid"}},
    {"finalizers", LIST_SET, {NULL}},
};

static bool ends_with_field(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    if (m > n || strcmp(path + n - m, suffix) != 0) {
        return false;
    }
    return m == n || path[n - m - 1] == '.';
}

static const struct list_rule *list_rule_for(const char *path)
{
    for (size_t i = 0; i < sizeof list_rules / sizeof list_rules[0]; i++) {
        if (ends_with_field(path, list_rules[i].suffix)) {
            return &list_rules[i];
        }
    }
    return NULL;
}

/* A metav1.LabelSelector is x-kubernetes-map-type: atomic: owned whole. */
static bool atomic_object(const char *path, const json_t *v)
{
    return ends_with_field(path, "selector") && (json_object_get(v, "matchLabels") != NULL ||
                                                 json_object_get(v, "matchExpressions") != NULL);
}

static char *child_path(const char *path, const char *field)
{
    return path[0] == '\0' ? xstrdup(field) : xasprintf("%s.%s", path, field);
}

/* "k:{"name":"nginx"}" for a keyed item (the keys in the rule's order), NULL when a key is
 * missing. */
static char *item_key(const struct list_rule *rule, const json_t *item)
{
    if (rule->shape == LIST_SET) {
        cleanup_free char *text = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
        return xasprintf("v:%s", text);
    }
    cleanup_json json_t *keys = json_object();
    for (size_t i = 0; i < 3 && rule->keys[i] != NULL; i++) {
        json_t *v = json_object_get(item, rule->keys[i]);
        if (v == NULL) {
            /* protocol defaults to TCP as a key, as the schema's default does. */
            if (strcmp(rule->keys[i], "protocol") == 0) {
                v = json_string("TCP");
                json_object_set_new(keys, rule->keys[i], v);
                continue;
            }
            return NULL;
        }
        json_object_set(keys, rule->keys[i], v);
    }
    cleanup_free char *text = json_dumps(keys, JSON_COMPACT | JSON_SORT_KEYS);
    return xasprintf("k:%s", text);
}

/* ---- Field sets ---- */

static json_t *set_child(json_t *set, const char *key)
{
    json_t *child = json_object_get(set, key);
    if (child == NULL) {
        child = json_object();
        json_object_set_new(set, key, child);
    }
    return child;
}

static void set_mark(json_t *node)
{
    json_object_set_new(node, MEMBER_KEY, json_object());
}

static bool is_leaf_value(const char *path, const json_t *v)
{
    if (json_is_object(v)) {
        return json_object_size(v) == 0 || atomic_object(path, v);
    }
    if (json_is_array(v)) {
        const struct list_rule *rule = list_rule_for(path);
        return json_array_size(v) == 0 || rule == NULL;
    }
    return true;
}

static void add_value_fields(json_t *set, const json_t *v, const char *path);

static void add_list_items(json_t *set, const json_t *list, const char *path)
{
    const struct list_rule *rule = list_rule_for(path);
    size_t i;
    json_t *item;
    json_array_foreach (list, i, item) {
        cleanup_free char *key = item_key(rule, item);
        if (key == NULL) {
            continue;
        }
        json_t *node = set_child(set, key);
        set_mark(node);
        if (rule->shape == LIST_KEYED) {
            add_value_fields(node, item, path);
        }
    }
}

/* Every field of v into set (structured-merge-diff's ToFieldSet): scalars, atomic lists and
 * objects, and empty ones are members; keyed and set items are members with their fields. */
static void add_value_fields(json_t *set, const json_t *v, const char *path)
{
    const char *field;
    json_t *child;
    json_object_foreach ((json_t *)v, field, child) {
        cleanup_free char *cpath = child_path(path, field);
        cleanup_free char *key = xasprintf("f:%s", field);
        json_t *node = set_child(set, key);
        if (is_leaf_value(cpath, child)) {
            set_mark(node);
        } else if (json_is_array(child)) {
            add_list_items(node, child, cpath);
        } else {
            add_value_fields(node, child, cpath);
        }
    }
}

/* Fields the field manager never tracks: identity and server-set metadata; status on the main
 * resource and everything but status on /status (the reset fields). */
static json_t *tracked_view(const json_t *obj, const char *subresource)
{
    json_t *copy = json_deep_copy(obj);
    json_object_del(copy, "apiVersion");
    json_object_del(copy, "kind");
    bool status_only = subresource != NULL && strcmp(subresource, "status") == 0;
    if (status_only) {
        json_t *status = json_object_get(copy, "status");
        json_t *view = json_object();
        if (status != NULL) {
            json_object_set(view, "status", status);
        }
        json_decref(copy);
        return view;
    }
    json_object_del(copy, "status");
    json_t *meta = json_object_get(copy, "metadata");
    static const char *const server_set[] = {"name",
                                             "namespace",
                                             "uid",
                                             "resourceVersion",
                                             "generation",
                                             "managedFields",
                                             "selfLink",
                                             "creationTimestamp",
                                             "deletionTimestamp",
                                             "deletionGracePeriodSeconds"};
    for (size_t i = 0; i < sizeof server_set / sizeof server_set[0]; i++) {
        json_object_del(meta, server_set[i]);
    }
    if (json_is_object(meta) && json_object_size(meta) == 0) {
        json_object_del(copy, "metadata");
    }
    return copy;
}

static bool node_is_member(const json_t *node)
{
    return json_object_get(node, MEMBER_KEY) != NULL;
}

/* Drops nodes that own nothing (no member mark, no children). */
static void set_prune(json_t *set)
{
    const char *key;
    json_t *child;
    void *tmp;
    json_object_foreach_safe (set, tmp, key, child) {
        if (strcmp(key, MEMBER_KEY) == 0) {
            continue;
        }
        set_prune(child);
        if (json_object_size(child) == 0) {
            json_object_del(set, key);
        }
    }
}

static void set_union_into(json_t *dst, const json_t *src)
{
    const char *key;
    json_t *child;
    json_object_foreach ((json_t *)src, key, child) {
        if (strcmp(key, MEMBER_KEY) == 0) {
            set_mark(dst);
            continue;
        }
        set_union_into(set_child(dst, key), child);
    }
}

static void set_subtract(json_t *dst, const json_t *src)
{
    const char *key;
    json_t *child;
    json_object_foreach ((json_t *)src, key, child) {
        if (strcmp(key, MEMBER_KEY) == 0) {
            json_object_del(dst, MEMBER_KEY);
            continue;
        }
        json_t *mine = json_object_get(dst, key);
        if (mine != NULL) {
            set_subtract(mine, child);
        }
    }
    set_prune(dst);
}

/* The members both sets hold (a new tree). */
static json_t *set_intersect(const json_t *a, const json_t *b)
{
    json_t *out = json_object();
    const char *key;
    json_t *child;
    json_object_foreach ((json_t *)a, key, child) {
        json_t *other = json_object_get(b, key);
        if (other == NULL) {
            continue;
        }
        if (strcmp(key, MEMBER_KEY) == 0) {
            set_mark(out);
            continue;
        }
        json_t *both = set_intersect(child, other);
        if (json_object_size(both) > 0) {
            json_object_set_new(out, key, both);
        } else {
            json_decref(both);
        }
    }
    return out;
}

/* fieldsV1 (bare {} leaves) into the marked form, and back. */
static json_t *set_from_fieldsv1(const json_t *fields)
{
    json_t *out = json_object();
    if (!json_is_object(fields)) {
        return out;
    }
    const char *key;
    json_t *child;
    json_object_foreach ((json_t *)fields, key, child) {
        if (strcmp(key, MEMBER_KEY) == 0) {
            set_mark(out);
            continue;
        }
        json_t *node = set_from_fieldsv1(child);
        if (json_object_size(node) == 0) {
            set_mark(node);
        }
        json_object_set_new(out, key, node);
    }
    return out;
}

static json_t *set_to_fieldsv1(const json_t *set)
{
    json_t *out = json_object();
    const char *key;
    json_t *child;
    bool has_children = false;
    json_object_foreach ((json_t *)set, key, child) {
        if (strcmp(key, MEMBER_KEY) != 0) {
            has_children = true;
            json_object_set_new(out, key, set_to_fieldsv1(child));
        }
    }
    if (has_children && node_is_member(set)) {
        json_object_set_new(out, MEMBER_KEY, json_object());
    }
    return out;
}

/* ---- Changes between two objects (for Update operations) ---- */

static void add_changes(json_t *changed, json_t *removed, const json_t *old, const json_t *new,
                        const char *path);

/* Fields whose Go type is a map or a pointer: adding one makes the node itself owned. */
static bool owned_when_added(const char *field)
{
    static const char *const names[] = {
        "labels",      "annotations",   "nodeSelector", "data",     "binaryData", "stringData",
        "matchLabels", "rollingUpdate", "limits",       "requests", "hard",       "capacity"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(field, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static void add_list_changes(json_t *changed, json_t *removed, const json_t *old, const json_t *new,
                             const char *path)
{
    const struct list_rule *rule = list_rule_for(path);
    cleanup_json json_t *old_items = json_object();
    size_t i;
    json_t *item;
    json_array_foreach (old, i, item) {
        cleanup_free char *key = item_key(rule, item);
        if (key != NULL) {
            json_object_set(old_items, key, item);
        }
    }
    json_array_foreach (new, i, item) {
        cleanup_free char *key = item_key(rule, item);
        if (key == NULL) {
            continue;
        }
        json_t *before = json_object_get(old_items, key);
        if (before == NULL) {
            json_t *node = set_child(changed, key);
            set_mark(node);
            if (rule->shape == LIST_KEYED) {
                add_value_fields(node, item, path);
            }
        } else if (rule->shape == LIST_KEYED) {
            cleanup_json json_t *c = json_object();
            cleanup_json json_t *r = json_object();
            add_changes(c, r, before, item, path);
            if (json_object_size(c) > 0) {
                set_union_into(set_child(changed, key), c);
            }
            if (json_object_size(r) > 0) {
                set_union_into(set_child(removed, key), r);
            }
        }
        json_object_del(old_items, key);
    }
    const char *key;
    json_t *gone;
    json_object_foreach (old_items, key, gone) {
        json_t *node = set_child(removed, key);
        set_mark(node);
        if (rule->shape == LIST_KEYED) {
            add_value_fields(node, gone, path);
        }
    }
}

/* The fields new adds or changes against old into changed, those it drops into removed. */
static void add_changes(json_t *changed, json_t *removed, const json_t *old, const json_t *new,
                        const char *path)
{
    const char *field;
    json_t *child;
    json_object_foreach ((json_t *)new, field, child) {
        cleanup_free char *cpath = child_path(path, field);
        cleanup_free char *key = xasprintf("f:%s", field);
        json_t *before = json_is_object(old) ? json_object_get(old, field) : NULL;
        if (before != NULL && json_equal(before, child)) {
            continue;
        }
        bool leaf = is_leaf_value(cpath, child);
        bool replaced = before != NULL &&
                        (json_typeof(before) != json_typeof(child) || is_leaf_value(cpath, before));
        if (replaced && !is_leaf_value(cpath, before)) {
            json_t *node = set_child(removed, key);
            if (json_is_array(before)) {
                add_list_items(node, before, cpath);
            } else {
                add_value_fields(node, before, cpath);
            }
        }
        if (leaf) {
            set_mark(set_child(changed, key));
            continue;
        }
        cleanup_json json_t *empty = json_is_array(child) ? json_array() : json_object();
        const json_t *base = before != NULL && !replaced ? before : empty;
        cleanup_json json_t *c = json_object();
        cleanup_json json_t *r = json_object();
        if (json_is_array(child)) {
            add_list_changes(c, r, base, child, cpath);
        } else {
            add_changes(c, r, base, child, cpath);
        }
        /* A new struct is not itself owned (Go's zero value held it already); a new map or
         * optional struct is. */
        if (base == empty && json_is_object(child) && owned_when_added(field)) {
            set_mark(c);
        }
        if (json_object_size(c) > 0) {
            set_union_into(set_child(changed, key), c);
        }
        if (json_object_size(r) > 0) {
            set_union_into(set_child(removed, key), r);
        }
    }
    json_object_foreach ((json_t *)old, field, child) {
        if (json_object_get(new, field) != NULL) {
            continue;
        }
        cleanup_free char *cpath = child_path(path, field);
        cleanup_free char *key = xasprintf("f:%s", field);
        json_t *node = set_child(removed, key);
        set_mark(node);
        if (!is_leaf_value(cpath, child)) {
            if (json_is_array(child)) {
                add_list_items(node, child, cpath);
            } else {
                add_value_fields(node, child, cpath);
            }
        }
    }
}

/* ---- managedFields entries ---- */

static bool entry_is(const json_t *entry, const char *manager, const char *operation,
                     const char *subresource)
{
    const char *m = json_string_value(json_object_get(entry, "manager"));
    const char *op = json_string_value(json_object_get(entry, "operation"));
    const char *sub = json_string_value(json_object_get(entry, "subresource"));
    return m != NULL && op != NULL && strcmp(m, manager) == 0 && strcmp(op, operation) == 0 &&
           strcmp(sub ? sub : "", subresource ? subresource : "") == 0;
}

/* Rewrites the entries: entry i's set becomes sets[i]; empty ones go, as Kubernetes drops
 * managers that own nothing. */
static json_t *entries_with_sets(const json_t *entries, json_t *const *sets)
{
    json_t *out = json_array();
    size_t i;
    json_t *entry;
    json_array_foreach (entries, i, entry) {
        set_prune(sets[i]);
        if (json_object_size(sets[i]) == 0) {
            continue;
        }
        json_t *copy = json_deep_copy(entry);
        json_object_set_new(copy, "fieldsType", json_string("FieldsV1"));
        json_object_set_new(copy, "fieldsV1", set_to_fieldsv1(sets[i]));
        json_array_append_new(out, copy);
    }
    return out;
}

static json_t *new_entry(const char *manager, const char *operation, const char *api_version,
                         const char *subresource)
{
    char ts[K8STIME_STR_MAX];
    rest_now_rfc3339(ts);
    json_t *entry = json_pack("{s:s,s:s,s:s,s:s,s:s}", "manager", manager, "operation", operation,
                              "apiVersion", api_version, "time", ts, "fieldsType", "FieldsV1");
    if (subresource != NULL && subresource[0] != '\0') {
        json_object_set_new(entry, "subresource", json_string(subresource));
    }
    return entry;
}

static const char *api_version_of(const struct resource *res, char *buf, size_t size)
{
    return resources_group_version(res->group, res->version, buf, size);
}

void managedfields_update(const struct resource *res, json_t *obj, const json_t *old,
                          const char *manager, const char *subresource)
{
    json_t *meta = rest_meta_of(obj);
    json_t *entries = json_object_get(meta, "managedFields");
    if (old == NULL && json_array_size(entries) > 0) {
        return; /* a create that brings its managedFields (server-side apply) keeps them */
    }
    /* A write that names no managedFields keeps the stored ones (kubectl edit sends them back
     * and may reset them with []). */
    if (entries == NULL && old != NULL) {
        entries = json_object_get(json_object_get(old, "metadata"), "managedFields");
        if (entries != NULL) {
            json_object_set(meta, "managedFields", entries);
        }
    }
    if (!json_is_array(entries)) {
        entries = json_array();
        json_object_set_new(meta, "managedFields", entries);
    }
    cleanup_json json_t *before = old ? tracked_view(old, subresource) : json_object();
    cleanup_json json_t *after = tracked_view(obj, subresource);
    cleanup_json json_t *changed = json_object();
    cleanup_json json_t *removed = json_object();
    add_changes(changed, removed, before, after, "");
    set_prune(changed);
    if (json_object_size(changed) == 0 && json_object_size(removed) == 0) {
        if (json_array_size(entries) == 0) {
            json_object_del(meta, "managedFields");
        }
        return;
    }
    size_t n = json_array_size(entries);
    json_t **sets = xcalloc(n + 1, sizeof *sets);
    size_t mine = n;
    for (size_t i = 0; i < n; i++) {
        json_t *entry = json_array_get(entries, i);
        sets[i] = set_from_fieldsv1(json_object_get(entry, "fieldsV1"));
        set_subtract(sets[i], removed);
        if (entry_is(entry, manager, "Update", subresource)) {
            mine = i;
        } else {
            set_subtract(sets[i], changed);
        }
    }
    cleanup_json json_t *all = json_deep_copy(entries);
    char gv[128];
    if (mine == n) {
        json_array_append_new(
            all, new_entry(manager, "Update", api_version_of(res, gv, sizeof gv), subresource));
        sets[n] = json_object();
        n++;
    } else {
        char ts[K8STIME_STR_MAX];
        rest_now_rfc3339(ts);
        json_object_set_new(json_array_get(all, mine), "time", json_string(ts));
    }
    set_union_into(sets[mine], changed);
    json_t *next = entries_with_sets(all, sets);
    for (size_t i = 0; i < n; i++) {
        json_decref(sets[i]);
    }
    free(sets);
    if (json_array_size(next) == 0) {
        json_decref(next);
        json_object_del(meta, "managedFields");
    } else {
        json_object_set_new(meta, "managedFields", next);
    }
}

/* ---- Merge and removal ---- */

static json_t *merge_value(const json_t *live, const json_t *config, const char *path);

static json_t *merge_list(const json_t *live, const json_t *config, const char *path)
{
    const struct list_rule *rule = list_rule_for(path);
    if (rule == NULL || !json_is_array(live)) {
        return json_deep_copy(config);
    }
    json_t *out = json_deep_copy(live);
    size_t i;
    json_t *item;
    json_array_foreach (config, i, item) {
        cleanup_free char *key = item_key(rule, item);
        bool found = false;
        size_t j;
        json_t *have;
        json_array_foreach (out, j, have) {
            cleanup_free char *have_key = item_key(rule, have);
            if (key != NULL && have_key != NULL && strcmp(key, have_key) == 0) {
                if (rule->shape == LIST_KEYED) {
                    json_array_set_new(out, j, merge_value(have, item, path));
                }
                found = true;
                break;
            }
        }
        if (!found) {
            json_array_append_new(out, json_deep_copy(item));
        }
    }
    return out;
}

/* live with config's fields laid over it: objects merge field by field, keyed lists item by
 * item, everything else is replaced. */
static json_t *merge_value(const json_t *live, const json_t *config, const char *path)
{
    if (json_is_object(config) && json_is_object(live) && !atomic_object(path, config)) {
        json_t *out = json_deep_copy(live);
        const char *field;
        json_t *child;
        json_object_foreach ((json_t *)config, field, child) {
            cleanup_free char *cpath = child_path(path, field);
            json_object_set_new(out, field,
                                merge_value(json_object_get(live, field), child, cpath));
        }
        return out;
    }
    if (json_is_array(config)) {
        return merge_list(live, config, path);
    }
    return json_deep_copy(config);
}

/* Removes from obj the members of set (fields an applier dropped that nobody else owns). */
static void remove_fields(json_t *obj, const json_t *set, const char *path)
{
    const char *key;
    json_t *child;
    json_object_foreach ((json_t *)set, key, child) {
        if (strncmp(key, "f:", 2) != 0 || !json_is_object(obj)) {
            continue;
        }
        const char *field = key + 2;
        json_t *value = json_object_get(obj, field);
        if (value == NULL) {
            continue;
        }
        cleanup_free char *cpath = child_path(path, field);
        if (node_is_member(child)) {
            json_object_del(obj, field);
            continue;
        }
        if (json_is_array(value)) {
            const struct list_rule *rule = list_rule_for(cpath);
            if (rule == NULL) {
                continue;
            }
            for (size_t i = json_array_size(value); i-- > 0;) {
                json_t *item = json_array_get(value, i);
                cleanup_free char *item_k = item_key(rule, item);
                json_t *item_set = item_k ? json_object_get(child, item_k) : NULL;
                if (item_set == NULL) {
                    continue;
                }
                if (node_is_member(item_set)) {
                    json_array_remove(value, i);
                } else {
                    remove_fields(item, item_set, cpath);
                }
            }
        } else {
            remove_fields(value, child, cpath);
        }
        /* A list or struct emptied by the removal goes with its last owned part. */
        if ((json_is_array(value) && json_array_size(value) == 0) ||
            (json_is_object(value) && json_object_size(value) == 0)) {
            json_object_del(obj, field);
        }
    }
}

/* ---- Conflicts ---- */

static void append_paths(const json_t *set, const char *prefix, json_t *out)
{
    const char *key;
    json_t *child;
    json_object_foreach ((json_t *)set, key, child) {
        if (strcmp(key, MEMBER_KEY) == 0) {
            continue;
        }
        cleanup_free char *path = NULL;
        if (strncmp(key, "f:", 2) == 0) {
            path = xasprintf("%s.%s", prefix, key + 2);
        } else if (strncmp(key, "k:", 2) == 0) {
            /* [name="nginx"] / [containerPort=80,protocol="TCP"] as fieldpath prints it. */
            cleanup_json json_t *keys = json_loads(key + 2, 0, NULL);
            cleanup_free char *inner = xstrdup("");
            const char *k;
            json_t *v;
            json_object_foreach (keys, k, v) {
                cleanup_free char *vtext = json_dumps(v, JSON_ENCODE_ANY);
                char *next = xasprintf("%s%s%s=%s", inner, inner[0] ? "," : "", k, vtext);
                free(inner);
                inner = next;
            }
            path = xasprintf("%s[%s]", prefix, inner);
        } else if (strncmp(key, "v:", 2) == 0) {
            path = xasprintf("%s[=%s]", prefix, key + 2);
        } else {
            path = xasprintf("%s[%s]", prefix, key);
        }
        if (node_is_member(child)) {
            json_array_append_new(out, json_string(path));
        }
        append_paths(child, path, out);
    }
}

static char *manager_label(const json_t *entry)
{
    const char *manager = json_string_value(json_object_get(entry, "manager"));
    const char *op = json_string_value(json_object_get(entry, "operation"));
    const char *sub = json_string_value(json_object_get(entry, "subresource"));
    const char *gv = json_string_value(json_object_get(entry, "apiVersion"));
    cleanup_free char *who = sub && sub[0]
                                 ? xasprintf("\"%s\" with subresource \"%s\"", manager, sub)
                                 : xasprintf("\"%s\"", manager);
    if (op != NULL && strcmp(op, "Update") == 0) {
        return xasprintf("%s using %s", who, gv ? gv : "");
    }
    return xstrdup(who);
}

/* 409 Conflict as kube-apiserver words it: one cause per field, the message grouped by
 * manager. */
static json_t *conflict_status(json_t *conflicts /* [[label, path], ...] */)
{
    size_t n = json_array_size(conflicts);
    json_t *causes = json_array();
    size_t i;
    json_t *c;
    json_array_foreach (conflicts, i, c) {
        cleanup_free char *msg =
            xasprintf("conflict with %s", json_string_value(json_array_get(c, 0)));
        json_array_append_new(causes, json_pack("{s:s,s:s,s:O}", "reason", "FieldManagerConflict",
                                                "message", msg, "field", json_array_get(c, 1)));
    }
    cleanup_free char *message = NULL;
    if (n == 1) {
        json_t *only = json_array_get(conflicts, 0);
        message = xasprintf("Apply failed with 1 conflict: conflict with %s: %s",
                            json_string_value(json_array_get(only, 0)),
                            json_string_value(json_array_get(only, 1)));
    } else {
        /* Grouped by manager, managers sorted. */
        cleanup_json json_t *by_manager = json_object();
        json_array_foreach (conflicts, i, c) {
            const char *label = json_string_value(json_array_get(c, 0));
            json_t *list = json_object_get(by_manager, label);
            if (list == NULL) {
                list = json_array();
                json_object_set_new(by_manager, label, list);
            }
            json_array_append(list, json_array_get(c, 1));
        }
        cleanup_free char *text = xasprintf("Apply failed with %zu conflicts: ", n);
        const char **labels = xcalloc(json_object_size(by_manager) + 1, sizeof *labels);
        size_t nl = 0;
        const char *label;
        json_t *paths;
        json_object_foreach (by_manager, label, paths) {
            labels[nl++] = label;
        }
        for (size_t a = 1; a < nl; a++) {
            for (size_t b = a; b > 0 && strcmp(labels[b - 1], labels[b]) > 0; b--) {
                const char *t = labels[b];
                labels[b] = labels[b - 1];
                labels[b - 1] = t;
            }
        }
        for (size_t m = 0; m < nl; m++) {
            char *next = xasprintf("%s%sconflicts with %s:", text, m ? "\n" : "", labels[m]);
            free(text);
            text = next;
            size_t j;
            json_t *p;
            json_array_foreach (json_object_get(by_manager, labels[m]), j, p) {
                next = xasprintf("%s\n- %s", text, json_string_value(p));
                free(text);
                text = next;
            }
        }
        free(labels);
        message = steal_ptr(&text);
    }
    json_t *status = status_new(409, "Conflict", message, NULL, NULL, NULL);
    json_t *details = json_object_get(status, "details");
    if (!json_is_object(details)) {
        details = json_object();
        json_object_set_new(status, "details", details);
    }
    json_object_set_new(details, "causes", causes);
    return status;
}

/* ---- Apply ---- */

struct apply_request {
    json_t *config; /* the applied configuration */
    const char *manager;
    bool force;
};

/* The applied object and its managedFields: conflicts with other managers (unless forced),
 * fields this manager applied before and dropped now removed when nobody else owns them. */
static json_t *apply_to(const struct rest_call *call, const json_t *live,
                        const struct apply_request *req, json_t **error, int *code)
{
    const struct resource *res = rest_served_resource(call); /* entries name the applier's */
    const char *subresource = call->info->subresource;
    cleanup_json json_t *config_view = tracked_view(req->config, subresource);
    cleanup_json json_t *config_set = json_object();
    add_value_fields(config_set, config_view, "");
    set_prune(config_set);

    json_t *merged = merge_value(live, req->config, "");
    /* managedFields stay the live object's until rewritten below. */
    json_t *live_entries = json_object_get(json_object_get(live, "metadata"), "managedFields");
    json_object_set_new(rest_meta_of(merged), "managedFields",
                        json_is_array(live_entries) ? json_incref(live_entries) : json_array());
    cleanup_json json_t *live_view = tracked_view(live, subresource);
    cleanup_json json_t *merged_view = tracked_view(merged, subresource);
    cleanup_json json_t *changed = json_object();
    cleanup_json json_t *dropped = json_object();
    add_changes(changed, dropped, live_view, merged_view, "");
    set_prune(changed);

    json_t *entries = json_object_get(json_object_get(live, "metadata"), "managedFields");
    size_t n = json_array_size(entries);
    json_t **sets = xcalloc(n + 1, sizeof *sets);
    size_t mine = n;
    cleanup_json json_t *conflicts = json_array();
    cleanup_json json_t *others = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *entry = json_array_get(entries, i);
        sets[i] = set_from_fieldsv1(json_object_get(entry, "fieldsV1"));
        if (entry_is(entry, req->manager, "Apply", subresource)) {
            mine = i;
            continue;
        }
        cleanup_json json_t *clash = set_intersect(sets[i], changed);
        set_prune(clash);
        if (json_object_size(clash) == 0) {
            set_union_into(others, sets[i]);
            continue;
        }
        if (req->force) {
            set_subtract(sets[i], clash);
            set_union_into(others, sets[i]);
            continue;
        }
        cleanup_json json_t *paths = json_array();
        append_paths(clash, "", paths);
        cleanup_free char *label = manager_label(entry);
        size_t j;
        json_t *p;
        json_array_foreach (paths, j, p) {
            json_array_append_new(conflicts, json_pack("[s,O]", label, p));
        }
    }
    if (json_array_size(conflicts) > 0) {
        for (size_t i = 0; i < n; i++) {
            json_decref(sets[i]);
        }
        free(sets);
        json_decref(merged);
        *error = rest_answer_status(code, conflict_status(conflicts));
        return NULL;
    }
    /* What this manager applied before and leaves out now goes, unless someone else owns it. */
    if (mine < n) {
        cleanup_json json_t *gone = json_deep_copy(sets[mine]);
        set_subtract(gone, config_set);
        set_subtract(gone, others);
        remove_fields(merged, gone, "");
        json_decref(sets[mine]);
        sets[mine] = json_object();
    } else {
        char gv[128];
        cleanup_json json_t *all = json_deep_copy(entries ?: json_array());
        json_array_append_new(
            all, new_entry(req->manager, "Apply", api_version_of(res, gv, sizeof gv), subresource));
        json_object_set(rest_meta_of(merged), "managedFields", all);
        entries = json_object_get(rest_meta_of(merged), "managedFields");
        sets[n] = json_object();
        n++;
    }
    set_union_into(sets[mine], config_set);
    char ts[K8STIME_STR_MAX];
    rest_now_rfc3339(ts);
    cleanup_json json_t *all = json_deep_copy(entries);
    json_object_set_new(json_array_get(all, mine), "time", json_string(ts));
    json_t *next = entries_with_sets(all, sets);
    for (size_t i = 0; i < n; i++) {
        json_decref(sets[i]);
    }
    free(sets);
    json_object_set_new(rest_meta_of(merged), "managedFields", next);
    return merged;
}

static json_t *mutate_apply(const struct rest_call *call, const json_t *current, void *data,
                            json_t **error, int *code)
{
    const struct apply_request *req = data;
    /* The applier's configuration is in the version it speaks: merge there (convert.h). */
    cleanup_json json_t *live = rest_to_served(call, current);
    cleanup_json json_t *merged = apply_to(call, live, req, error, code);
    json_t *out = merged != NULL ? rest_from_served(call, merged) : NULL;
    if (out != NULL) {
        /* Optimistic concurrency only when the applier names a version. */
        if (json_object_get(json_object_get(req->config, "metadata"), "resourceVersion") == NULL) {
            json_object_del(rest_meta_of(out), "resourceVersion");
        }
    }
    return out;
}

static json_t *bad_request(int *code, const char *message)
{
    return rest_answer_status(code, status_bad_request(message));
}

/* The applied configuration typed against the kind's schema, as structured-merge-diff's
 * ObjectToTyped does: an undeclared field or a value of the wrong type fails the apply
 * whatever fieldValidation says, with the fieldmanager's 500 `failed to create typed patch
 * object (ns/name; group/version, Kind=K): .path: field not declared in schema`. */
static json_t *check_applied_types(const struct rest_call *call, json_t *config,
                                   const char *api_version, const char *kind, int *code)
{
    const struct resource *res = rest_served_resource(call);
    char schema[256];
    if (strcmp(kind, res->kind) != 0 ||
        typecheck_kind_schema(res->group, res->version, res->kind, call->info->subresource, schema,
                              sizeof schema) == NULL) {
        return NULL;
    }
    struct typecheck_result tc;
    json_t *error = NULL;
    if (!typecheck_value(schema, config, TYPECHECK_APPLY, true, &tc)) {
        const char *ns = rest_meta_str(config, "namespace");
        bool grouped = strchr(api_version, '/') != NULL;
        cleanup_free char *msg = xasprintf(
            "failed to create typed patch object (%s/%s; %s%s, Kind=%s): %s", ns ? ns : "",
            call->info->name, grouped ? "" : "/", api_version, kind, tc.error);
        error = rest_answer_status(code, status_new(500, NULL, msg, NULL, NULL, NULL));
    }
    typecheck_result_free(&tc);
    return error;
}

json_t *apply_patch(struct rest *r, const struct rest_call *call, int *code)
{
    const struct resource *res = call->resource;
    if (call->body == NULL || call->body_len == 0) {
        return bad_request(code, "the body of the request is empty");
    }
    const char *manager = call->query(call->query_ctx, "fieldManager");
    if (manager == NULL || manager[0] == '\0') {
        json_t *s = status_new(422, "Invalid",
                               "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required "
                               "value: is required for apply patch",
                               "meta.k8s.io", "PatchOptions", "");
        return rest_answer_status(code, s);
    }
    struct err e = {0};
    cleanup_json json_t *config = yamlx_load(call->body, call->body_len, &e);
    if (config == NULL || !json_is_object(config)) {
        cleanup_free char *msg =
            xasprintf("error decoding YAML: %s", config == NULL ? e.msg : "not an object");
        return bad_request(code, msg);
    }
    const char *api_version = json_string_value(json_object_get(config, "apiVersion"));
    const char *kind = json_string_value(json_object_get(config, "kind"));
    if (api_version == NULL || api_version[0] == '\0') {
        return bad_request(code, "apiVersion must be set in apply patch");
    }
    if (kind == NULL || kind[0] == '\0') {
        return bad_request(code, "kind must be set in apply patch");
    }
    const char *name = rest_meta_str(config, "name");
    if (name != NULL && name[0] != '\0' && strcmp(name, call->info->name) != 0) {
        cleanup_free char *msg =
            xasprintf("the name of the object (%s) does not match the name on the URL (%s)", name,
                      call->info->name);
        return bad_request(code, msg);
    }
    json_object_set_new(rest_meta_of(config), "name", json_string(call->info->name));
    json_t *untyped = check_applied_types(call, config, api_version, kind, code);
    if (untyped != NULL) {
        return untyped;
    }
    const char *force = call->query(call->query_ctx, "force");
    struct apply_request req = {
        .config = config,
        .manager = manager,
        .force = force != NULL && strcmp(force, "true") == 0,
    };
    cleanup_free char *key = rest_object_key(res, call->info->namespace_, call->info->name);
    int64_t rev = 0;
    json_t *failure = NULL;
    int read_code = 0;
    cleanup_json json_t *current =
        rest_read_current(r, key, res, call->info->name, &rev, &failure, &read_code);
    if (current == NULL && read_code != 404) {
        *code = read_code;
        return failure;
    }
    json_decref(failure);
    if (current == NULL) {
        /* Apply to nothing creates: the applier owns every field it sent. */
        cleanup_json json_t *empty = json_pack("{s:{s:[]}}", "metadata", "managedFields");
        json_t *error = NULL;
        cleanup_json json_t *applied = apply_to(call, empty, &req, &error, code);
        if (applied == NULL) {
            return error;
        }
        cleanup_json json_t *obj = rest_from_served(call, applied);
        json_t *out = rest_create_object(r, call, obj, code);
        return out;
    }
    return rest_guaranteed_update(r, call, mutate_apply, &req, code);
}
