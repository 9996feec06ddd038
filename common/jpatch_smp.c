/* Strategic merge patch, reproducing k8s.io/apimachinery/pkg/util/strategicpatch: apply
 * (StrategicMergeMapPatch, as the apiserver runs it), two-way and three-way creation (what kubectl
 * edit and kubectl apply send). Field metadata comes from a caller's schema callback instead of Go
 * struct tags. Values compare as Go's interface == does after k8s.io/apimachinery/pkg/util/json
 * decoding (whole numbers are int64), and lists sort by Go's %v text, as upstream does. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jpatch.h"
#include "jpath.h"
#include "xalloc.h"

#define DIRECTIVE      "$patch"
#define RETAIN_KEYS    "$retainKeys"
#define DELETE_PREFIX  "$deleteFromPrimitiveList"
#define ORDER_PREFIX   "$setElementOrder"
#define STRATEGY_MASK  (JPATCH_SMP_MERGE | JPATCH_SMP_REPLACE)
#define MAX_PATH_DEPTH 512

/* Go's dynamic types of decoded JSON. */
enum gkind { GK_NIL, GK_BOOL, GK_INT, GK_FLOAT, GK_STRING, GK_MAP, GK_SLICE };

struct smp {
    const struct jpatch_smp_schema *schema; /* may be NULL */
    char *path[MAX_PATH_DEPTH];             /* owned copies: field names from the root */
    size_t depth;
    struct err *err;
};

struct merge_opts {
    bool merge_parallel_list;    /* apply $deleteFromPrimitiveList and friends (server side) */
    bool ignore_unmatched_nulls; /* drop nulls that delete nothing */
};

struct diff_opts {
    bool set_element_order;
    bool ignore_changes; /* IgnoreChangesAndAdditions */
    bool ignore_deletions;
    bool build_retain_keys;
};

/* ==== Go's view of values ===================================================================== */

static enum gkind gkind_of(const json_t *v)
{
    int64_t i;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return GK_MAP;
    case JSON_ARRAY:
        return GK_SLICE;
    case JSON_STRING:
        return GK_STRING;
    case JSON_INTEGER:
        return GK_INT;
    case JSON_REAL:
        return jpath_number_as_int(v, &i) ? GK_INT : GK_FLOAT;
    case JSON_TRUE:
    case JSON_FALSE:
        return GK_BOOL;
    default:
        return GK_NIL;
    }
}

/* reflect.TypeOf(v) printed with %s, for ErrBadArgType. */
static const char *go_type_name(const json_t *v)
{
    static const char *const names[] = {
        [GK_NIL] = "%!s(<nil>)",       [GK_BOOL] = "bool",     [GK_INT] = "int64",
        [GK_FLOAT] = "float64",        [GK_STRING] = "string", [GK_MAP] = "map[string]interface {}",
        [GK_SLICE] = "[]interface {}",
    };
    return names[gkind_of(v)];
}

/* A bounded text buffer: messages are cut at ERR_MSG_SIZE anyway. */
struct fbuf {
    char *buf;
    size_t size, len;
};

static void fb_put(struct fbuf *b, const char *s, size_t n)
{
    if (b->len + 1 >= b->size) {
        return;
    }
    size_t room = b->size - 1 - b->len;
    if (n > room) {
        n = room;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void fb_puts(struct fbuf *b, const char *s)
{
    fb_put(b, s, strlen(s));
}

/* Go's %v of a float64: strconv's 'g' with the shortest digits that round-trip, in exponent form
 * when the decimal exponent is < -4 or >= 6 (fmt prints 1e+06 and 123456.5). */
static void go_float(double d, char *out, size_t size)
{
    if (isnan(d) || isinf(d)) {
        snprintf(out, size, "%s", isnan(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf");
        return;
    }
    char tmp[64];
    for (int prec = 0; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, d);
        if (strtod(tmp, NULL) == d) {
            break;
        }
    }
    /* tmp is [-]d[.ddd]e[+-]xx: collect the digits and the exponent. */
    const char *p = tmp;
    bool neg = *p == '-';
    p += neg;
    char digits[32];
    size_t nd = 0;
    for (; *p != 'e'; p++) {
        if (*p != '.' && nd + 1 < sizeof digits) {
            digits[nd++] = *p;
        }
    }
    digits[nd] = '\0';
    int exp = atoi(p + 1);
    struct fbuf b = {out, size, 0};
    out[0] = '\0';
    if (neg) {
        fb_puts(&b, "-");
    }
    if (exp < -4 || exp >= 6) {
        fb_put(&b, digits, 1);
        if (nd > 1) {
            fb_puts(&b, ".");
            fb_puts(&b, digits + 1);
        }
        char e[16];
        snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        fb_puts(&b, e);
    } else if (exp < 0) {
        fb_puts(&b, "0.");
        for (int i = 0; i < -exp - 1; i++) {
            fb_puts(&b, "0");
        }
        fb_puts(&b, digits);
    } else {
        for (int i = 0; i <= exp; i++) {
            fb_put(&b, (size_t)i < nd ? digits + i : "0", 1);
        }
        if (nd > (size_t)exp + 1) {
            fb_puts(&b, ".");
            fb_puts(&b, digits + exp + 1);
        }
    }
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Go's %v of a decoded JSON value: map[a:1 b:[x y]], <nil>, 1.5. */
static void go_format(struct fbuf *b, const json_t *v)
{
    char num[64];
    int64_t i;
    switch (gkind_of(v)) {
    case GK_NIL:
        fb_puts(b, "<nil>");
        return;
    case GK_BOOL:
        fb_puts(b, json_is_true(v) ? "true" : "false");
        return;
    case GK_INT:
        jpath_number_as_int(v, &i);
        snprintf(num, sizeof num, "%lld", (long long)i);
        fb_puts(b, num);
        return;
    case GK_FLOAT:
        go_float(json_real_value(v), num, sizeof num);
        fb_puts(b, num);
        return;
    case GK_STRING:
        fb_put(b, json_string_value(v), json_string_length(v));
        return;
    case GK_SLICE: {
        fb_puts(b, "[");
        size_t n;
        json_t *e;
        json_array_foreach (v, n, e) {
            if (n > 0) {
                fb_puts(b, " ");
            }
            go_format(b, e);
        }
        fb_puts(b, "]");
        return;
    }
    case GK_MAP: {
        size_t n = json_object_size(v), k = 0;
        const char **keys = xcalloc(n ? n : 1, sizeof *keys);
        const char *key;
        json_t *e;
        json_object_foreach ((json_t *)v, key, e) {
            keys[k++] = key;
        }
        qsort(keys, n, sizeof *keys, cmp_cstr);
        fb_puts(b, "map[");
        for (k = 0; k < n; k++) {
            fb_puts(b, k ? " " : "");
            fb_puts(b, keys[k]);
            fb_puts(b, ":");
            go_format(b, json_object_get(v, keys[k]));
        }
        fb_puts(b, "]");
        free(keys);
        return;
    }
    }
}

static const char *go_text(const json_t *v, char *buf, size_t size)
{
    struct fbuf b = {buf, size, 0};
    buf[0] = '\0';
    go_format(&b, v);
    return buf;
}

/* The %v text that upstream sorts and compares scalars by. Strings are used as they are. */
#define TEXT_SIZE 512
static const char *scalar_text(const json_t *v, char *buf)
{
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    return go_text(v, buf, TEXT_SIZE);
}

/* ==== errors with upstream's texts ============================================================ */

static json_t *no_value(int ignored)
{
    (void)ignored;
    return NULL;
}

/* err_set for functions returning a json_t *: evaluates to NULL. */
#define fail(s, code, ...) no_value(err_set((s)->err, (code), __VA_ARGS__))

static json_t *bad_arg_type(struct smp *s, const char *expected, const json_t *actual)
{
    return fail(s, EINVAL, "expected a %s, but received a %s", expected, go_type_name(actual));
}

static json_t *no_merge_key(struct smp *s, const json_t *m, const char *key)
{
    char text[ERR_MSG_SIZE];
    return fail(s, EINVAL, "map: %s does not contain declared merge key: %s",
                go_text(m, text, sizeof text), key ? key : "");
}

static json_t *bad_format(struct smp *s, const char *what)
{
    return fail(s, EINVAL, "invalid patch format of %s", what);
}

/* ==== schema ================================================================================== */

static void path_push(struct smp *s, const char *key)
{
    /* merge_map and diff_maps refuse to go deeper, so the array never overflows. */
    if (s->depth < MAX_PATH_DEPTH) {
        s->path[s->depth] = xstrdup(key);
    }
    s->depth++;
}

static void path_pop(struct smp *s)
{
    s->depth--;
    if (s->depth < MAX_PATH_DEPTH) {
        free(s->path[s->depth]);
    }
}

static void path_text(const struct smp *s, char *buf, size_t size)
{
    struct fbuf b = {buf, size, 0};
    buf[0] = '\0';
    for (size_t i = 0; i < s->depth && i < MAX_PATH_DEPTH; i++) {
        fb_puts(&b, i ? "." : "");
        fb_puts(&b, s->path[i]);
    }
}

/* The metadata of field key under the current path: 0, or -1 with the error set. */
static int field_meta(struct smp *s, const char *key, struct jpatch_smp_field *out)
{
    *out = (struct jpatch_smp_field){0};
    if (s->schema == NULL || s->schema->lookup == NULL) {
        return 0;
    }
    path_push(s, key);
    size_t depth = s->depth < MAX_PATH_DEPTH ? s->depth : MAX_PATH_DEPTH;
    int rv = s->schema->lookup(s->schema->data, (const char *const *)s->path, depth, out);
    char where[ERR_MSG_SIZE];
    path_text(s, where, sizeof where);
    path_pop(s);
    if (rv == -ENOENT) {
        *out = (struct jpatch_smp_field){0};
        return 0;
    }
    if (rv < 0) {
        fail(s, -rv, "LookupPatchMetaError(%s): schema lookup failed", where);
        return -1;
    }
    if ((out->strategy & STRATEGY_MASK) == STRATEGY_MASK) {
        fail(s, EINVAL, "unexpected patch strategy: [merge replace]");
        return -1;
    }
    if (out->merge_key != NULL && out->merge_key[0] == '\0') {
        out->merge_key = NULL;
    }
    return 0;
}

int jpatch_smp_table_lookup(void *data, const char *const *path, size_t depth,
                            struct jpatch_smp_field *out)
{
    for (const struct jpatch_smp_table_entry *e = data; e->path != NULL; e++) {
        const char *p = e->path;
        size_t i = 0;
        for (; i < depth; i++) {
            size_t len = strlen(path[i]);
            if (strncmp(p, path[i], len) != 0) {
                break;
            }
            p += len;
            if (i + 1 < depth) {
                if (*p != '.') {
                    break;
                }
                p++;
            }
        }
        if (i == depth && *p == '\0') {
            out->strategy = e->strategy;
            out->merge_key = e->merge_key;
            return 0;
        }
    }
    return -ENOENT;
}

/* ==== list helpers ============================================================================ */

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "<prefix>/<key>" -> key (borrowed from s), or NULL when s is not of that form. */
static const char *extract_key(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(s, prefix, n) == 0 && s[n] == '/' ? s + n + 1 : NULL;
}

/* A new list holding the same elements. */
static json_t *list_copy(const json_t *l)
{
    json_t *out = json_array();
    json_array_extend(out, (json_t *)l);
    return out;
}

/* sliceElementType over up to two lists: the one Go kind of all elements, or -1 with the error. */
static int slice_kind(struct smp *s, const json_t *a, const json_t *b)
{
    const json_t *lists[2] = {a, b};
    int kind = -1;
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *e;
        json_array_foreach (lists[l], i, e) {
            enum gkind k = gkind_of(e);
            if (kind < 0) {
                if (k == GK_SLICE) {
                    fail(s, C8S_EINVALID, "lists of lists are not supported");
                    return -1;
                }
                kind = (int)k;
            } else if ((int)k != kind) {
                char ta[ERR_MSG_SIZE / 2], tb[ERR_MSG_SIZE / 2];
                fail(s, EINVAL, "list element types are not identical: [%s %s]",
                     a ? go_text(a, ta, sizeof ta) : "[]", b ? go_text(b, tb, sizeof tb) : "[]");
                return -1;
            }
        }
    }
    if (kind < 0) {
        fail(s, EINVAL, "no elements in any of the given slices");
    }
    return kind;
}

/* The value a list element is matched by: its merge key's value for maps, itself otherwise. */
static const json_t *match_value(const json_t *item, const char *merge_key, int kind)
{
    if (kind != GK_MAP) {
        return item;
    }
    return json_is_object(item) ? json_object_get(item, merge_key ? merge_key : "") : NULL;
}

/* index(): the position of the first element of l matching v, or -1. */
static long index_in(const json_t *l, const json_t *v, const char *merge_key, int kind)
{
    const json_t *want = match_value(v, merge_key, kind);
    size_t i;
    json_t *e;
    json_array_foreach (l, i, e) {
        if (jpath_equal(want, match_value(e, merge_key, kind))) {
            return (long)i;
        }
    }
    return -1;
}

static bool is_delete_item(const json_t *v)
{
    const char *d = json_string_value(json_object_get(v, DIRECTIVE));
    return d != NULL && strcmp(d, "delete") == 0;
}

/* Every element of l is a map holding merge_key. Returns false with the error set. */
static bool maps_have_key(struct smp *s, const json_t *l, const char *merge_key)
{
    size_t i;
    json_t *e;
    json_array_foreach (l, i, e) {
        if (!json_is_object(e)) {
            bad_arg_type(s, "map[string]interface {}", e);
            return false;
        }
        if (merge_key == NULL || json_object_get(e, merge_key) == NULL) {
            no_merge_key(s, e, merge_key);
            return false;
        }
    }
    return true;
}

/* normalizeSliceOrder: sorts to_sort (stolen) by the order of its elements in order; elements
 * either side does not know sort first, as upstream's comparator says. Insertion sort, which is
 * what Go's stable sort does for the short lists of real objects, keeps the result identical.
 * Deleting items of map lists go last. Returns a new list or NULL with the error. */
static json_t *sort_by_order(struct smp *s, json_t *to_sort, const json_t *order,
                             const char *merge_key, int kind)
{
    cleanup_json json_t *list = to_sort;
    cleanup_json json_t *deleting = json_array();
    if (kind == GK_MAP) {
        if (!maps_have_key(s, list, merge_key) || !maps_have_key(s, order, merge_key)) {
            return NULL;
        }
        json_t *keep = json_array();
        size_t i;
        json_t *e;
        json_array_foreach (list, i, e) {
            json_array_append(is_delete_item(e) ? deleting : keep, e);
        }
        json_decref(list);
        list = keep;
    }
    size_t n = json_array_size(list);
    json_t **items = xcalloc(n ? n : 1, sizeof *items);
    long *at = xcalloc(n ? n : 1, sizeof *at);
    for (size_t i = 0; i < n; i++) {
        items[i] = json_array_get(list, i);
        at[i] = index_in(order, items[i], merge_key, kind);
        for (size_t j = i; j > 0 && (at[j] < 0 || at[j - 1] < 0 || at[j] < at[j - 1]); j--) {
            json_t *ti = items[j];
            items[j] = items[j - 1];
            items[j - 1] = ti;
            long ta = at[j];
            at[j] = at[j - 1];
            at[j - 1] = ta;
        }
    }
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append(out, items[i]);
    }
    json_array_extend(out, deleting);
    free(items);
    free(at);
    return out;
}

/* mergeSortedSlice: interleaves server-only items (left) into patch items (right), both stolen,
 * by their positions in the live list; patch order wins when either is unknown there. */
static json_t *merge_sorted(json_t *left, json_t *right, const json_t *server_order,
                            const char *merge_key, int kind)
{
    json_t *out = json_array();
    size_t i = 0, j = 0, nl = json_array_size(left), nr = json_array_size(right);
    while (i < nl || j < nr) {
        bool take_left;
        if (i >= nl || j >= nr) {
            take_left = i < nl;
        } else {
            long li = index_in(server_order, json_array_get(left, i), merge_key, kind);
            long ri = index_in(server_order, json_array_get(right, j), merge_key, kind);
            take_left = li >= 0 && ri >= 0 && li < ri;
        }
        json_array_append(out, take_left ? json_array_get(left, i++) : json_array_get(right, j++));
    }
    json_decref(left);
    json_decref(right);
    return out;
}

/* normalizeElementOrder: patch items in the patch's order, server-only items in the live order,
 * then interleaved. Steals patch_items and server_only. */
static json_t *normalize_order(struct smp *s, json_t *patch_items, json_t *server_only,
                               const json_t *patch_order, const json_t *server_order,
                               const char *merge_key, int kind)
{
    json_t *p = sort_by_order(s, patch_items, patch_order, merge_key, kind);
    if (p == NULL) {
        json_decref(server_only);
        return NULL;
    }
    json_t *so = sort_by_order(s, server_only, server_order, merge_key, kind);
    if (so == NULL) {
        json_decref(p);
        return NULL;
    }
    return merge_sorted(so, p, server_order, merge_key, kind);
}

/* Splits merged into the elements present in by (*in) and the rest (*out): by merge key when there
 * is one, by value otherwise. Returns false with the error set. */
static bool partition(struct smp *s, const json_t *merged, const json_t *by, const char *merge_key,
                      json_t **in, json_t **out)
{
    *in = json_array();
    *out = json_array();
    size_t i;
    json_t *e;
    if (merge_key != NULL && json_array_size(merged) > 0) {
        /* findMapInSliceBasedOnKeyValue needs maps in by. */
        json_array_foreach (by, i, e) {
            if (!json_is_object(e)) {
                fail(s, EINVAL, "value for key %zu is not a map", i);
                goto fail;
            }
        }
    }
    json_array_foreach (merged, i, e) {
        if (merge_key != NULL) {
            if (!json_is_object(e)) {
                bad_arg_type(s, "map[string]interface {}", e);
                goto fail;
            }
            if (json_object_get(e, merge_key) == NULL) {
                no_merge_key(s, e, merge_key);
                goto fail;
            }
        }
        bool found = index_in(by, e, merge_key, merge_key != NULL ? GK_MAP : GK_STRING) >= 0;
        json_array_append(found ? *in : *out, e);
    }
    return true;
fail:
    json_decref(*in);
    json_decref(*out);
    *in = *out = NULL;
    return false;
}

/* deduplicateScalars, with its order (the last element fills a duplicate's place). Steals l. */
static json_t *dedupe_scalars(json_t *l)
{
    size_t n = json_array_size(l);
    json_t **v = xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = json_array_get(l, i);
    }
    for (size_t i = 0; n > 0 && i + 1 < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (jpath_equal(v[i], v[j])) {
                v[j] = v[n - 1];
                n--;
                j--;
            }
        }
    }
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append(out, v[i]);
    }
    free(v);
    json_decref(l);
    return out;
}

struct keyed {
    json_t *item;
    char *text; /* owned %v text of the sort key */
};

/* Stable sort of a list by the %v text of its elements (or of their merge key), as sortScalars
 * and sortMapsBasedOnField. Returns a new list. */
static json_t *sort_by_text(const json_t *l, const char *merge_key)
{
    size_t n = json_array_size(l);
    struct keyed *k = xcalloc(n ? n : 1, sizeof *k);
    char buf[TEXT_SIZE];
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(l, i);
        const json_t *key = merge_key ? json_object_get(e, merge_key) : e;
        k[i].item = e;
        k[i].text = xstrdup(scalar_text(key, buf));
        for (size_t j = i; j > 0 && strcmp(k[j].text, k[j - 1].text) < 0; j--) {
            struct keyed t = k[j];
            k[j] = k[j - 1];
            k[j - 1] = t;
        }
    }
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append(out, k[i].item);
        free(k[i].text);
    }
    free(k);
    return out;
}

/* ==== apply =================================================================================== */

static json_t *merge_map(struct smp *s, json_t *orig, json_t *patch, const struct merge_opts *o);

/* Deletes null members of maps, through lists (discardNullValuesFromPatch). */
static void discard_nulls(json_t *v)
{
    if (json_is_object(v)) {
        const char *key;
        json_t *m;
        void *tmp;
        json_object_foreach_safe (v, tmp, key, m) {
            if (json_is_null(m)) {
                json_object_del(v, key);
            } else {
                discard_nulls(m);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach (v, i, e) {
            discard_nulls(e);
        }
    }
}

/* removeDirectives: drops maps carrying $patch (false for v itself), in place. */
static bool remove_directives(json_t *v)
{
    if (json_is_object(v)) {
        if (json_object_get(v, DIRECTIVE) != NULL) {
            return false;
        }
        const char *key;
        json_t *m;
        void *tmp;
        json_object_foreach_safe (v, tmp, key, m) {
            if (!remove_directives(m)) {
                json_object_del(v, key);
            }
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v);) {
            if (remove_directives(json_array_get(v, i))) {
                i++;
            } else {
                json_array_remove(v, i);
            }
        }
    }
    return true;
}

/* orig[key] = patch value without directives (deleted when pv is itself a directive map). */
static void set_from_patch(json_t *orig, const char *key, json_t *pv, const struct merge_opts *o)
{
    if (o->ignore_unmatched_nulls) {
        discard_nulls(pv);
    }
    if (remove_directives(pv)) {
        json_object_set(orig, key, pv);
    } else {
        json_object_del(orig, key);
    }
}

static bool in_string_list(const json_t *list, const char *s)
{
    size_t i;
    json_t *e;
    json_array_foreach (list, i, e) {
        if (json_is_string(e) && strcmp(json_string_value(e), s) == 0) {
            return true;
        }
    }
    return false;
}

/* applyRetainKeysDirective: clears the members of orig not listed in the patch's $retainKeys. */
static int apply_retain_keys(struct smp *s, json_t *orig, json_t *patch, const struct merge_opts *o)
{
    cleanup_json json_t *keys = json_incref(json_object_get(patch, RETAIN_KEYS));
    if (keys == NULL) {
        return 0;
    }
    json_object_del(patch, RETAIN_KEYS);
    if (!o->merge_parallel_list) {
        json_t *existing = json_object_get(orig, RETAIN_KEYS);
        if (existing == NULL) {
            json_object_set(orig, RETAIN_KEYS, keys);
        } else if (!jpath_equal(existing, keys)) {
            char a[ERR_MSG_SIZE / 2], b[ERR_MSG_SIZE / 2];
            fail(s, EINVAL,
                 "%s and %s are not deep equal: this may happen when calculating the 3-way diff "
                 "patch",
                 go_text(existing, a, sizeof a), go_text(keys, b, sizeof b));
            return -1;
        }
        return 0;
    }
    if (!json_is_array(keys)) {
        bad_format(s, "retainKeys");
        return -1;
    }
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach (patch, key, v) {
        if (json_is_null(v) || has_prefix(key, DELETE_PREFIX) || has_prefix(key, ORDER_PREFIX)) {
            continue;
        }
        if (!in_string_list(keys, key)) {
            bad_format(s, "retainKeys");
            return -1;
        }
    }
    json_object_foreach_safe (orig, tmp, key, v) {
        if (!in_string_list(keys, key)) {
            json_object_del(orig, key);
        }
    }
    return 0;
}

/* What the caller's view of a live list of maps looks like after upstream merged into it.
 * Upstream deletes list items by shifting the slice in place and appends new items into the freed
 * capacity, so the caller's slice header (same length, same backing array) then shows the shifted
 * items, stale tail entries and appended items. $setElementOrder handling orders server-only items
 * by that view, which decides where they land among new items; we keep the same view to end up with
 * the same order. The live object's lists come from runtime.DefaultUnstructuredConverter, whose
 * slices have no spare capacity. */
struct live_view {
    json_t **slot; /* owned array of borrowed elements: the backing array */
    size_t cap;    /* = the caller's length */
    size_t len;    /* the current slice length over it */
};

static json_t *merge_slice(struct smp *s, json_t *orig, json_t *patch, const char *merge_key,
                           const struct merge_opts *o, bool is_delete_list, json_t **view);

/* mergeSliceHandler: returns a new reference or NULL with the error. Borrows orig and patch.
 * *view (may be NULL) receives the caller's view of orig afterwards (see struct live_view). */
static json_t *merge_slice_field(struct smp *s, json_t *orig, json_t *patch, unsigned strategy,
                                 const char *merge_key, bool is_delete_list,
                                 const struct merge_opts *o, json_t **view)
{
    if (!json_is_array(orig)) {
        return bad_arg_type(s, "[]interface {}", orig);
    }
    if (!json_is_array(patch)) {
        return bad_arg_type(s, "[]interface {}", patch);
    }
    if ((strategy & JPATCH_SMP_MERGE) || is_delete_list) {
        return merge_slice(s, orig, patch, merge_key, o, is_delete_list, view);
    }
    return json_incref(patch);
}

/* The order check of $setElementOrder against the patch list (validatePatchWithSetOrderList). */
static int validate_order(struct smp *s, const json_t *plist, const json_t *order,
                          const char *merge_key)
{
    size_t np = json_array_size(plist), no = json_array_size(order);
    if (np == 0 || no == 0) {
        return 0;
    }
    cleanup_json json_t *items = json_array();
    size_t i;
    json_t *e;
    json_array_foreach (plist, i, e) {
        if (merge_key != NULL && !json_is_object(e)) {
            bad_arg_type(s, "map[string]interface {}", e);
            return -1;
        }
        if (merge_key == NULL || !is_delete_item(e)) {
            json_array_append(items, e);
        }
    }
    size_t pi = 0, si = 0, n = json_array_size(items);
    while (pi < n && si < no) {
        json_t *p = json_array_get(items, pi), *q = json_array_get(order, si);
        if (json_is_object(p) && json_object_get(p, DIRECTIVE) != NULL) {
            pi++;
            continue;
        }
        bool equal;
        if (merge_key == NULL) {
            equal = jpath_equal(p, q);
        } else {
            if (!json_is_object(p) || !json_is_object(q)) {
                bad_arg_type(s, "map[string]interface {}", json_is_object(p) ? q : p);
                return -1;
            }
            json_t *kp = json_object_get(p, merge_key), *kq = json_object_get(q, merge_key);
            if (kp == NULL || kq == NULL) {
                no_merge_key(s, kp == NULL ? p : q, merge_key);
                return -1;
            }
            equal = jpath_equal(kp, kq);
        }
        pi += equal;
        si++;
    }
    if (pi < n && si >= no) {
        char a[ERR_MSG_SIZE / 2], b[ERR_MSG_SIZE / 2];
        fail(s, EINVAL, "The order in patch list:\n%s\n doesn't match %s list:\n%s\n",
             go_text(plist, a, sizeof a), ORDER_PREFIX, go_text(order, b, sizeof b));
        return -1;
    }
    return 0;
}

/* mergePatchIntoOriginal: each $setElementOrder/<field> with its list. */
static int merge_element_orders(struct smp *s, json_t *orig, json_t *patch,
                                const struct merge_opts *o)
{
    size_t n = 0;
    char **keys = xcalloc(json_object_size(patch) + 1, sizeof *keys);
    const char *k;
    json_t *v;
    json_object_foreach (patch, k, v) {
        if (has_prefix(k, ORDER_PREFIX)) {
            keys[n++] = xstrdup(k);
        }
    }
    int rv = -1;
    for (size_t i = 0; i < n; i++) {
        const char *key = keys[i];
        cleanup_json json_t *order = json_incref(json_object_get(patch, key));
        if (!o->merge_parallel_list) {
            json_t *existing = json_object_get(orig, key);
            if (existing == NULL) {
                json_object_set(orig, key, order);
            } else if (!jpath_equal(existing, order)) {
                bad_format(s, "setElementOrder list");
                goto out;
            }
        }
        json_object_del(patch, key);
        if (!json_is_array(order)) {
            bad_arg_type(s, "[]interface {}", order);
            goto out;
        }
        const char *field = extract_key(key, ORDER_PREFIX);
        if (field == NULL) {
            bad_format(s, "setElementOrder list");
            goto out;
        }
        json_t *olist = json_object_get(orig, field);
        json_t *plist = json_object_get(patch, field);
        if (olist != NULL && !json_is_array(olist)) {
            bad_arg_type(s, "[]interface {}", olist);
            goto out;
        }
        if (plist != NULL && !json_is_array(plist)) {
            bad_arg_type(s, "[]interface {}", plist);
            goto out;
        }
        struct jpatch_smp_field meta;
        if (field_meta(s, field, &meta) < 0 ||
            validate_order(s, plist, order, meta.merge_key) < 0) {
            goto out;
        }
        if (olist == NULL && plist == NULL) {
            continue;
        }
        /* Keep the live list alive: orig[field] is replaced below. */
        cleanup_json json_t *live = olist != NULL ? json_incref(olist) : json_array();
        cleanup_json json_t *merged = NULL;
        if (plist == NULL) {
            merged = json_incref(olist);
        } else if (olist == NULL) {
            merged = json_incref(plist);
            remove_directives(merged);
        } else {
            path_push(s, field);
            json_t *view = NULL;
            merged =
                merge_slice_field(s, olist, plist, meta.strategy, meta.merge_key, false, o, &view);
            path_pop(s);
            if (view != NULL) {
                json_decref(live);
                live = view;
            }
            if (merged == NULL) {
                goto out;
            }
        }
        json_t *in, *rest;
        if (!partition(s, merged, order, meta.merge_key, &in, &rest)) {
            goto out;
        }
        int kind = slice_kind(s, live, plist);
        if (kind < 0) {
            json_decref(in);
            json_decref(rest);
            goto out;
        }
        json_t *both = normalize_order(s, in, rest, order, live, meta.merge_key, kind);
        if (both == NULL) {
            goto out;
        }
        json_object_set_new(orig, field, both);
        json_object_del(patch, field);
    }
    rv = 0;
out:
    for (size_t i = 0; i < n; i++) {
        free(keys[i]);
    }
    free(keys);
    return rv;
}

/* mergeSliceWithSpecialElements for lists of maps: applies "$patch": "delete" items to lv (the
 * live list, shifted in place) and notes "$patch": "replace". Sets *olist and *plist to new
 * lists; *replace tells whether the patch list replaces the live one. */
static int special_elements(struct smp *s, struct live_view *lv, const json_t *patch,
                            const char *merge_key, json_t **olist, json_t **plist, bool *replaced)
{
    cleanup_json json_t *p = json_array();
    bool replace = false;
    size_t i;
    json_t *v;
    json_array_foreach (patch, i, v) {
        json_t *d = json_object_get(v, DIRECTIVE);
        if (d == NULL) {
            json_array_append(p, v);
            continue;
        }
        const char *ds = json_string_value(d);
        if (ds != NULL && strcmp(ds, "delete") == 0) {
            json_t *value = json_object_get(v, merge_key);
            if (value == NULL) {
                no_merge_key(s, v, merge_key);
                return -1;
            }
            for (size_t k = 0; k < lv->len;) {
                json_t *e = lv->slot[k];
                if (!json_is_object(e)) {
                    fail(s, EINVAL, "value for key %zu is not a map", k);
                    return -1;
                }
                if (jpath_equal(json_object_get(e, merge_key), value)) {
                    memmove(lv->slot + k, lv->slot + k + 1, (lv->len - k - 1) * sizeof *lv->slot);
                    lv->len--;
                } else {
                    k++;
                }
            }
        } else if (ds != NULL && strcmp(ds, "replace") == 0) {
            replace = true;
        } else if (ds != NULL && strcmp(ds, "merge") == 0) {
            fail(s, EINVAL, "merging lists cannot yet be specified in the patch");
            return -1;
        } else {
            char a[ERR_MSG_SIZE / 2], b[ERR_MSG_SIZE / 2];
            fail(s, EINVAL, "unknown patch type: %s in map: %s", go_text(d, a, sizeof a),
                 go_text(v, b, sizeof b));
            return -1;
        }
    }
    *replaced = replace;
    if (replace) {
        *olist = steal_ptr(&p);
        *plist = json_array();
    } else {
        *olist = json_array();
        for (size_t k = 0; k < lv->len; k++) {
            json_array_append(*olist, lv->slot[k]);
        }
        *plist = steal_ptr(&p);
    }
    return 0;
}

/* mergeSliceWithoutSpecialElements: merges each patch item into the live item with the same merge
 * key, or appends it (into lv's spare capacity too, when lv is not NULL). Returns a new list. */
static json_t *merge_items(struct smp *s, const json_t *olist, const json_t *plist,
                           const char *merge_key, const struct merge_opts *o, struct live_view *lv)
{
    cleanup_json json_t *merged = list_copy(olist);
    size_t i;
    json_t *v;
    json_array_foreach (plist, i, v) {
        json_t *value = json_object_get(v, merge_key);
        if (value == NULL) {
            return no_merge_key(s, v, merge_key);
        }
        size_t k;
        json_t *e;
        bool found = false;
        json_array_foreach (merged, k, e) {
            if (!json_is_object(e)) {
                return fail(s, EINVAL, "value for key %zu is not a map", k);
            }
            json_t *ev = json_object_get(e, merge_key);
            if (ev != NULL && jpath_equal(ev, value)) {
                found = true;
                break;
            }
        }
        if (found) {
            json_t *m = merge_map(s, json_incref(e), v, o);
            if (m == NULL) {
                return NULL;
            }
            json_array_set_new(merged, k, m);
        } else {
            json_array_append(merged, v);
            if (lv != NULL && lv->len < lv->cap) {
                lv->slot[lv->len++] = v;
            }
        }
    }
    return steal_ptr(&merged);
}

/* mergeSlice: returns a new list or NULL with the error. Borrows orig and patch. */
static json_t *merge_slice(struct smp *s, json_t *orig, json_t *patch, const char *merge_key,
                           const struct merge_opts *o, bool is_delete_list, json_t **view)
{
    if (json_array_size(orig) == 0 && json_array_size(patch) == 0) {
        return json_incref(orig);
    }
    int kind = slice_kind(s, orig, patch);
    if (kind < 0) {
        return NULL;
    }
    cleanup_json json_t *olist = NULL;
    cleanup_json json_t *plist = NULL;
    json_t *merged;
    if (kind != GK_MAP) {
        olist = json_incref(orig);
        plist = json_incref(patch);
        if (o->merge_parallel_list && is_delete_list) {
            json_t *out = json_array();
            size_t i;
            json_t *e;
            json_array_foreach (orig, i, e) {
                if (index_in(patch, e, NULL, kind) < 0) {
                    json_array_append(out, e);
                }
            }
            return out;
        }
        merged = list_copy(orig);
        json_array_extend(merged, patch);
        merged = dedupe_scalars(merged);
    } else {
        if (merge_key == NULL) {
            char where[ERR_MSG_SIZE / 2];
            path_text(s, where, sizeof where);
            return fail(s, EINVAL, "cannot merge lists without merge key for %s", where);
        }
        struct live_view lv = {.cap = json_array_size(orig), .len = json_array_size(orig)};
        lv.slot = xcalloc(lv.cap + 1, sizeof *lv.slot);
        for (size_t k = 0; k < lv.cap; k++) {
            lv.slot[k] = json_array_get(orig, k);
        }
        bool replaced;
        merged = NULL;
        if (special_elements(s, &lv, patch, merge_key, &olist, &plist, &replaced) == 0) {
            merged = merge_items(s, olist, plist, merge_key, o, replaced ? NULL : &lv);
        }
        if (merged != NULL && view != NULL) {
            *view = json_array();
            for (size_t k = 0; k < lv.cap; k++) {
                json_array_append(*view, lv.slot[k]);
            }
        }
        free(lv.slot);
        if (merged == NULL) {
            return NULL;
        }
    }
    json_t *in, *rest;
    bool ok = partition(s, merged, plist, merge_key, &in, &rest);
    json_decref(merged);
    if (!ok) {
        return NULL;
    }
    return normalize_order(s, in, rest, plist, olist, merge_key, kind);
}

/* mergeMap: merges patch into orig. Steals orig (may be NULL); patch is ours to modify. Returns a
 * new reference or NULL with the error. */
static json_t *merge_map(struct smp *s, json_t *orig, json_t *patch, const struct merge_opts *o)
{
    json_t *directive = json_object_get(patch, DIRECTIVE);
    if (directive != NULL) {
        json_decref(orig);
        const char *d = json_string_value(directive);
        if (d != NULL && strcmp(d, "replace") == 0) {
            json_object_del(patch, DIRECTIVE);
            return json_incref(patch);
        }
        if (d != NULL && strcmp(d, "delete") == 0) {
            return json_object();
        }
        char a[ERR_MSG_SIZE / 2], b[ERR_MSG_SIZE / 2];
        return fail(s, EINVAL, "unknown patch type: %s in map: %s", go_text(directive, a, sizeof a),
                    go_text(patch, b, sizeof b));
    }
    if (s->depth >= MAX_PATH_DEPTH) {
        json_decref(orig);
        return fail(s, EINVAL, "patch nests deeper than %d objects", MAX_PATH_DEPTH);
    }
    cleanup_json json_t *out = orig != NULL ? orig : json_object();
    if (apply_retain_keys(s, out, patch, o) < 0 || merge_element_orders(s, out, patch, o) < 0) {
        return NULL;
    }
    const char *pkey;
    json_t *pv;
    json_object_foreach (patch, pkey, pv) {
        const char *key = pkey;
        bool is_delete_list = false;
        if (has_prefix(pkey, DELETE_PREFIX)) {
            if (!o->merge_parallel_list) {
                json_object_set(out, pkey, pv);
                continue;
            }
            key = extract_key(pkey, DELETE_PREFIX);
            if (key == NULL) {
                return bad_format(s, "primitive list");
            }
            is_delete_list = true;
        }
        if (json_is_null(pv)) {
            json_object_del(out, key);
            if (o->ignore_unmatched_nulls) {
                continue;
            }
        }
        json_t *ov = json_object_get(out, key);
        if (ov == NULL || gkind_of(ov) != gkind_of(pv)) {
            if (!is_delete_list) {
                set_from_patch(out, key, pv, o);
            }
            continue;
        }
        enum gkind kind = gkind_of(ov);
        if (kind != GK_MAP && kind != GK_SLICE) {
            set_from_patch(out, key, pv, o);
            continue;
        }
        struct jpatch_smp_field meta;
        if (field_meta(s, key, &meta) < 0) {
            return NULL;
        }
        json_t *merged;
        path_push(s, key);
        if (kind == GK_SLICE) {
            merged = merge_slice_field(s, ov, pv, meta.strategy, meta.merge_key, is_delete_list, o,
                                       NULL);
        } else if (meta.strategy & JPATCH_SMP_REPLACE) {
            merged = json_incref(pv);
        } else {
            merged = merge_map(s, json_incref(ov), pv, o);
        }
        path_pop(s);
        if (merged == NULL) {
            return NULL;
        }
        json_object_set_new(out, key, merged);
    }
    return steal_ptr(&out);
}

/* Directive keys that upstream leaves in place are dropped when the result is decoded into a Go
 * struct; an unstructured store would keep them, so they go here. */
static void strip_directives(json_t *v)
{
    if (json_is_object(v)) {
        const char *key;
        json_t *m;
        void *tmp;
        json_object_foreach_safe (v, tmp, key, m) {
            if (strcmp(key, DIRECTIVE) == 0 || strcmp(key, RETAIN_KEYS) == 0 ||
                extract_key(key, ORDER_PREFIX) != NULL || extract_key(key, DELETE_PREFIX) != NULL) {
                json_object_del(v, key);
            } else {
                strip_directives(m);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach (v, i, e) {
            strip_directives(e);
        }
    }
}

static void smp_close(struct smp *s)
{
    while (s->depth > 0) {
        path_pop(s);
    }
}

json_t *jpatch_smp_apply(const json_t *original, const json_t *patch,
                         const struct jpatch_smp_schema *schema, struct err *err)
{
    if ((original != NULL && !json_is_object(original)) || !json_is_object(patch)) {
        err_set(err, EINVAL, "invalid JSON document");
        return NULL;
    }
    struct smp s = {.schema = schema, .err = err};
    struct merge_opts o = {.merge_parallel_list = true, .ignore_unmatched_nulls = true};
    cleanup_json json_t *p = json_deep_copy(patch);
    json_t *out = merge_map(&s, original ? json_deep_copy(original) : NULL, p, &o);
    smp_close(&s);
    strip_directives(out);
    return out;
}

/* ==== create ================================================================================== */

static json_t *diff_maps(struct smp *s, const json_t *orig, const json_t *mod,
                         const struct diff_opts *d);

static void replace_if_changed(json_t *patch, const char *key, const json_t *ov, const json_t *mv,
                               const struct diff_opts *d)
{
    if (!d->ignore_changes && !jpath_equal(ov, mv)) {
        json_object_set_new(patch, key, json_deep_copy(mv));
    }
}

/* mergeKeyValueEqual over two map list elements. Returns 1, 0, or -1 with the error. */
static int same_merge_key(struct smp *s, const json_t *a, const json_t *b, const char *merge_key)
{
    if (!json_is_object(a) || !json_is_object(b)) {
        bad_arg_type(s, "map[string]interface {}", json_is_object(a) ? b : a);
        return -1;
    }
    json_t *ka = json_object_get(a, merge_key), *kb = json_object_get(b, merge_key);
    if (ka == NULL || kb == NULL) {
        no_merge_key(s, ka == NULL ? a : b, merge_key);
        return -1;
    }
    return jpath_equal(ka, kb);
}

/* diffListsOfMaps: walks both lists sorted by merge key text. Sets *patch and *deletions. */
static int diff_map_lists(struct smp *s, const json_t *orig, const json_t *mod,
                          const char *merge_key, const struct diff_opts *d, json_t **patch,
                          json_t **deletions)
{
    if (!maps_have_key(s, orig, merge_key) || !maps_have_key(s, mod, merge_key)) {
        return -1;
    }
    cleanup_json json_t *os = sort_by_text(orig, merge_key);
    cleanup_json json_t *ms = sort_by_text(mod, merge_key);
    cleanup_json json_t *p = json_array();
    cleanup_json json_t *del = json_array();
    size_t i = 0, j = 0, no = json_array_size(os), nm = json_array_size(ms);
    char obuf[TEXT_SIZE], mbuf[TEXT_SIZE];
    while (i < no || j < nm) {
        json_t *oe = json_array_get(os, i), *me = json_array_get(ms, j);
        json_t *ov = json_object_get(oe, merge_key), *mv = json_object_get(me, merge_key);
        int c = 0;
        if (i < no && j < nm) {
            c = strcmp(scalar_text(ov, obuf), scalar_text(mv, mbuf));
        }
        if (i < no && j < nm && c == 0) {
            json_t *pv = diff_maps(s, oe, me, d);
            if (pv == NULL) {
                return -1;
            }
            if (json_object_size(pv) > 0) {
                json_object_set_new(pv, merge_key, json_deep_copy(mv));
                json_array_append_new(p, pv);
            } else {
                json_decref(pv);
            }
            i++;
            j++;
        } else if (i >= no || (j < nm && c > 0)) {
            if (!d->ignore_changes) {
                json_array_append_new(p, json_deep_copy(me));
            }
            j++;
        } else {
            if (!d->ignore_deletions) {
                json_t *directive = json_object();
                json_object_set_new(directive, merge_key, json_deep_copy(ov));
                json_object_set_new(directive, DIRECTIVE, json_string("delete"));
                json_array_append_new(del, directive);
            }
            i++;
        }
    }
    *patch = steal_ptr(&p);
    *deletions = steal_ptr(&del);
    return 0;
}

/* diffListsOfScalars: additions and (deduplicated) deletions, compared by %v text. */
static void diff_scalar_lists(const json_t *orig, const json_t *mod, const struct diff_opts *d,
                              json_t **add, json_t **deletions)
{
    cleanup_json json_t *os = sort_by_text(orig, NULL);
    cleanup_json json_t *ms = sort_by_text(mod, NULL);
    json_t *a = json_array(), *del = json_array();
    size_t i = 0, j = 0, no = json_array_size(os), nm = json_array_size(ms);
    char obuf[TEXT_SIZE], mbuf[TEXT_SIZE];
    while (i < no || j < nm) {
        int c = 0;
        if (i < no && j < nm) {
            c = strcmp(scalar_text(json_array_get(os, i), obuf),
                       scalar_text(json_array_get(ms, j), mbuf));
        }
        if (i < no && j < nm && c == 0) {
            i++;
            j++;
        } else if (i >= no || (j < nm && c > 0)) {
            if (!d->ignore_changes) {
                json_array_append_new(a, json_deep_copy(json_array_get(ms, j)));
            }
            j++;
        } else {
            if (!d->ignore_deletions) {
                json_array_append_new(del, json_deep_copy(json_array_get(os, i)));
            }
            i++;
        }
    }
    *add = a;
    *deletions = dedupe_scalars(del);
}

/* diffLists for a merging list: the patch list, the $deleteFromPrimitiveList list and the
 * $setElementOrder list (each set to a new list, possibly empty). */
static int diff_lists(struct smp *s, const json_t *orig, const json_t *mod, const char *merge_key,
                      const struct diff_opts *d, json_t **add, json_t **deletions, json_t **order)
{
    *add = *deletions = *order = NULL;
    if (json_array_size(orig) == 0) {
        *add = json_array_size(mod) == 0 || d->ignore_changes ? json_array() : json_deep_copy(mod);
        *deletions = json_array();
        *order = json_array();
        return 0;
    }
    int kind = slice_kind(s, orig, mod);
    if (kind < 0) {
        return -1;
    }
    json_t *p, *del;
    if (kind == GK_MAP) {
        if (diff_map_lists(s, orig, mod, merge_key, d, &p, &del) < 0) {
            return -1;
        }
        p = sort_by_order(s, p, mod, merge_key, kind);
        if (p == NULL) {
            json_decref(del);
            return -1;
        }
        bool order_same = json_array_size(orig) == json_array_size(mod);
        for (size_t i = 0; order_same && i < json_array_size(mod); i++) {
            int same =
                same_merge_key(s, json_array_get(orig, i), json_array_get(mod, i), merge_key);
            if (same < 0) {
                json_decref(p);
                json_decref(del);
                return -1;
            }
            order_same = same;
        }
        json_array_extend(p, del);
        json_decref(del);
        *add = p;
        *deletions = json_array();
        bool changed = json_array_size(p) > 0;
        *order = json_array();
        if (d->set_element_order && ((!d->ignore_changes && (changed || !order_same)) ||
                                     (!d->ignore_deletions && changed))) {
            size_t i;
            json_t *e;
            json_array_foreach (mod, i, e) {
                json_t *item = json_object();
                json_object_set_new(item, merge_key, json_deep_copy(json_object_get(e, merge_key)));
                json_array_append_new(*order, item);
            }
        }
        return 0;
    }
    diff_scalar_lists(orig, mod, d, &p, &del);
    p = sort_by_order(s, p, mod, merge_key, kind);
    if (p == NULL) {
        json_decref(del);
        return -1;
    }
    *add = p;
    *deletions = del;
    if (d->set_element_order && ((!d->ignore_deletions && json_array_size(del) > 0) ||
                                 (!d->ignore_changes && !jpath_equal(orig, mod)))) {
        *order = json_deep_copy(mod);
    } else {
        *order = json_array();
    }
    return 0;
}

/* patch[prefix/key] = list when it is not empty. Steals list. */
static void set_list_directive(json_t *patch, const char *prefix, const char *key, json_t *list)
{
    if (json_array_size(list) > 0) {
        if (prefix == NULL) {
            json_object_set(patch, key, list);
        } else {
            cleanup_free char *name = xasprintf("%s/%s", prefix, key);
            json_object_set(patch, name, list);
        }
    }
    json_decref(list);
}

/* The diff of one key present in both maps with the same Go kind. Returns 0 or -1. */
static int diff_field(struct smp *s, json_t *patch, const char *key, const json_t *ov,
                      const json_t *mv, const struct diff_opts *d)
{
    enum gkind kind = gkind_of(ov);
    if (kind != GK_MAP && kind != GK_SLICE) {
        replace_if_changed(patch, key, ov, mv, d);
        return 0;
    }
    struct jpatch_smp_field meta;
    if (field_meta(s, key, &meta) < 0) {
        return -1;
    }
    struct diff_opts sub = *d;
    sub.build_retain_keys = (meta.strategy & JPATCH_SMP_RETAIN_KEYS) != 0;
    if (kind == GK_MAP && (meta.strategy & JPATCH_SMP_REPLACE)) {
        if (!d->ignore_changes) {
            json_object_set_new(patch, key, json_deep_copy(mv));
        }
        return 0;
    }
    if (kind == GK_SLICE && !(meta.strategy & JPATCH_SMP_MERGE)) {
        replace_if_changed(patch, key, ov, mv, d);
        return 0;
    }
    path_push(s, key);
    int rv = 0;
    if (kind == GK_MAP) {
        json_t *pv = diff_maps(s, ov, mv, &sub);
        if (pv == NULL) {
            rv = -1;
        } else if (json_object_size(pv) > 0) {
            json_object_set_new(patch, key, pv);
        } else {
            json_decref(pv);
        }
    } else {
        json_t *add, *del, *order;
        rv = diff_lists(s, ov, mv, meta.merge_key, &sub, &add, &del, &order);
        if (rv == 0) {
            set_list_directive(patch, NULL, key, add);
            set_list_directive(patch, DELETE_PREFIX, key, del);
            set_list_directive(patch, ORDER_PREFIX, key, order);
        }
    }
    path_pop(s);
    return rv;
}

/* diffMaps: the patch from orig to mod. Returns a new object or NULL with the error. */
static json_t *diff_maps(struct smp *s, const json_t *orig, const json_t *mod,
                         const struct diff_opts *d)
{
    if (s->depth >= MAX_PATH_DEPTH) {
        return fail(s, EINVAL, "object nests deeper than %d objects", MAX_PATH_DEPTH);
    }
    cleanup_json json_t *patch = json_object();
    cleanup_json json_t *retain = json_array();
    const char *key;
    json_t *mv;
    json_object_foreach ((json_t *)mod, key, mv) {
        if (d->build_retain_keys && !json_is_null(mv)) {
            json_array_append_new(retain, json_string(key));
        }
        json_t *ov = json_object_get(orig, key);
        if (ov != NULL && strcmp(key, DIRECTIVE) == 0) {
            if (!json_is_string(ov) || !json_is_string(mv)) {
                return fail(s, EINVAL, "invalid value for special key: %s", DIRECTIVE);
            }
            if (!jpath_equal(ov, mv)) {
                json_object_set_new(patch, key, json_deep_copy(mv));
            }
            continue;
        }
        if (ov == NULL || gkind_of(ov) != gkind_of(mv)) {
            if (!d->ignore_changes) {
                json_object_set_new(patch, key, json_deep_copy(mv));
            }
            continue;
        }
        if (diff_field(s, patch, key, ov, mv, d) < 0) {
            return NULL;
        }
    }
    bool dropped_field = false;
    json_t *ov;
    json_object_foreach ((json_t *)orig, key, ov) {
        if (json_object_get(mod, key) == NULL) {
            dropped_field |= !json_is_null(ov);
            if (!d->ignore_deletions) {
                json_object_set_new(patch, key, json_null());
            }
        }
    }
    if (json_array_size(retain) > 0 && (json_object_size(patch) > 0 || dropped_field)) {
        json_object_set_new(patch, RETAIN_KEYS, sort_by_text(retain, NULL));
    }
    return steal_ptr(&patch);
}

json_t *jpatch_smp_create(const json_t *original, const json_t *modified,
                          const struct jpatch_smp_schema *schema, struct err *err)
{
    if (!json_is_object(original) || !json_is_object(modified)) {
        err_set(err, EINVAL, "invalid JSON document");
        return NULL;
    }
    struct smp s = {.schema = schema, .err = err};
    struct diff_opts d = {.set_element_order = true};
    json_t *out = diff_maps(&s, original, modified, &d);
    smp_close(&s);
    return out;
}

json_t *jpatch_smp_create_three_way(const json_t *last_applied, const json_t *modified,
                                    const json_t *current, const struct jpatch_smp_schema *schema,
                                    struct err *err)
{
    if ((last_applied != NULL && !json_is_object(last_applied)) || !json_is_object(modified) ||
        !json_is_object(current)) {
        err_set(err, EINVAL, "invalid JSON document");
        return NULL;
    }
    cleanup_json json_t *empty = json_object();
    struct smp s = {.schema = schema, .err = err};
    /* The changes from current without deletions, and the deletions from the last applied
     * configuration; merging the second into the first gives what kubectl apply sends. */
    struct diff_opts delta_opts = {.set_element_order = true, .ignore_deletions = true};
    struct diff_opts deletion_opts = {.set_element_order = true, .ignore_changes = true};
    cleanup_json json_t *delta = diff_maps(&s, current, modified, &delta_opts);
    json_t *deletions = NULL;
    if (delta != NULL) {
        deletions = diff_maps(&s, last_applied ? last_applied : empty, modified, &deletion_opts);
    }
    json_t *out = NULL;
    if (deletions != NULL) {
        struct merge_opts o = {0};
        out = merge_map(&s, deletions, delta, &o);
    }
    smp_close(&s);
    return out;
}
