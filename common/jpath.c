/* Field paths over jansson values (unstructured.NestedField / SetNestedField /
 * RemoveNestedField behaviour) and deep equality. The syntax is documented in jpath.h. */
#include "jpath.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct seg {
    char *key;    /* owned; NULL for an index */
    size_t index; /* when key is NULL */
};

struct parsed {
    struct seg *segs; /* owned */
    size_t n, cap;
};

static void parsed_free(struct parsed *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->segs[i].key);
    }
    free(p->segs);
    p->segs = NULL;
    p->n = p->cap = 0;
}

static void parsed_push(struct parsed *p, char *key, size_t index)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->segs = xrealloc(p->segs, p->cap * sizeof *p->segs);
    }
    p->segs[p->n].key = key;
    p->segs[p->n].index = index;
    p->n++;
}

static int bad_path(struct err *err, const char *path, size_t at, const char *what)
{
    return err_set(err, EINVAL, "invalid path \"%s\": %s at offset %zu", path, what, at);
}

/* Parses "[...]" at path[*pos] (which is '['); appends one segment. */
static int parse_bracket(const char *path, size_t *pos, struct parsed *p, struct err *err)
{
    size_t i = *pos + 1;
    char quote = path[i];
    if (quote == '"' || quote == '\'') {
        size_t len = strlen(path);
        char *key = xmalloc(len + 1);
        size_t k = 0;
        i++;
        while (path[i] != quote) {
            if (path[i] == '\0') {
                free(key);
                return bad_path(err, path, *pos, "unterminated quoted key");
            }
            if (path[i] == '\\' && (path[i + 1] == quote || path[i + 1] == '\\')) {
                i++;
            }
            key[k++] = path[i++];
        }
        key[k] = '\0';
        i++;
        if (path[i] != ']') {
            free(key);
            return bad_path(err, path, i, "expected ']'");
        }
        parsed_push(p, key, 0);
        *pos = i + 1;
        return 0;
    }
    if (path[i] < '0' || path[i] > '9') {
        return bad_path(err, path, i, "expected an index or a quoted key");
    }
    size_t index = 0;
    while (path[i] >= '0' && path[i] <= '9') {
        size_t digit = (size_t)(path[i] - '0');
        if (index > (SIZE_MAX - digit) / 10) {
            return bad_path(err, path, i, "index out of range");
        }
        index = index * 10 + digit;
        i++;
    }
    if (path[i] != ']') {
        return bad_path(err, path, i, "expected ']'");
    }
    parsed_push(p, NULL, index);
    *pos = i + 1;
    return 0;
}

static int parse_name(const char *path, size_t *pos, struct parsed *p, struct err *err)
{
    size_t start = *pos;
    size_t i = start;
    while (path[i] != '\0' && path[i] != '.' && path[i] != '[' && path[i] != ']') {
        i++;
    }
    if (i == start) {
        return bad_path(err, path, start, path[i] == ']' ? "unexpected ']'" : "empty field name");
    }
    parsed_push(p, xstrndup(path + start, i - start), 0);
    *pos = i;
    return 0;
}

static int parse_path(const char *path, struct parsed *p, struct err *err)
{
    *p = (struct parsed){0};
    if (path == NULL || path[0] == '\0') {
        return err_set(err, EINVAL, "invalid path \"\": empty path");
    }
    size_t pos = path[0] == '.' ? 1 : 0;
    int rv = path[pos] == '[' ? parse_bracket(path, &pos, p, err) : parse_name(path, &pos, p, err);
    while (rv == 0 && path[pos] != '\0') {
        if (path[pos] == '.') {
            pos++;
            rv = parse_name(path, &pos, p, err);
        } else if (path[pos] == '[') {
            rv = parse_bracket(path, &pos, p, err);
        } else {
            rv = bad_path(err, path, pos,
                          path[pos] == ']' ? "unexpected ']'" : "expected '.' or '['");
        }
    }
    if (rv < 0) {
        parsed_free(p);
    }
    return rv;
}

static json_t *step(const json_t *v, const struct seg *s)
{
    if (s->key != NULL) {
        return json_is_object(v) ? json_object_get(v, s->key) : NULL;
    }
    return json_is_array(v) ? json_array_get(v, s->index) : NULL;
}

int jpath_lookup(const json_t *root, const char *path, json_t **out, struct err *err)
{
    *out = NULL;
    struct parsed p;
    int rv = parse_path(path, &p, err);
    if (rv < 0) {
        return rv;
    }
    json_t *cur = (json_t *)root;
    for (size_t i = 0; i < p.n && cur != NULL; i++) {
        cur = step(cur, &p.segs[i]);
    }
    parsed_free(&p);
    if (cur == NULL) {
        return err_set(err, ENOENT, "%s: not found", path);
    }
    *out = cur;
    return 0;
}

json_t *jpath_get(const json_t *root, const char *path)
{
    json_t *out;
    return jpath_lookup(root, path, &out, NULL) == 0 ? out : NULL;
}

const char *jpath_get_string(const json_t *root, const char *path)
{
    return json_string_value(jpath_get(root, path));
}

bool jpath_number_as_int(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    if (!json_is_real(v)) {
        return false;
    }
    double d = json_real_value(v);
    /* -2^63 is exact in a double; 2^63 is the first value out of range. */
    if (d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
        return false;
    }
    *out = (int64_t)d;
    return true;
}

int64_t jpath_get_int(const json_t *root, const char *path, int64_t def, bool *found)
{
    int64_t v;
    bool ok = jpath_number_as_int(jpath_get(root, path), &v);
    if (found != NULL) {
        *found = ok;
    }
    return ok ? v : def;
}

bool jpath_get_bool(const json_t *root, const char *path, bool def)
{
    json_t *v = jpath_get(root, path);
    return json_is_boolean(v) ? json_is_true(v) : def;
}

/* Writes the path of the first n segments in jpath syntax, for messages. */
static void format_prefix(const struct parsed *p, size_t n, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++) {
        const struct seg *s = &p->segs[i];
        int w;
        if (s->key == NULL) {
            w = snprintf(buf + len, size - len, "[%zu]", s->index);
        } else if (strpbrk(s->key, ".[]") != NULL) {
            w = snprintf(buf + len, size - len, "[\"%s\"]", s->key);
        } else {
            w = snprintf(buf + len, size - len, "%s%s", i ? "." : "", s->key);
        }
        len += w > 0 ? (size_t)w : 0;
    }
}

int jpath_set_new(json_t *root, const char *path, json_t *value, struct err *err)
{
    struct parsed p;
    int rv = parse_path(path, &p, err);
    if (rv < 0) {
        json_decref(value);
        return rv;
    }
    char where[128];
    /* Walk what exists, then check that everything still to create is an object key before
     * creating anything, so a failure leaves root unchanged. */
    json_t *cur = root;
    size_t i = 0;
    for (; i + 1 < p.n; i++) {
        json_t *next = step(cur, &p.segs[i]);
        if (next == NULL) {
            break;
        }
        if (!json_is_object(next) && !(json_is_array(next) && p.segs[i + 1].key == NULL)) {
            format_prefix(&p, i + 1, where, sizeof where);
            rv = err_set(err, EINVAL, "value cannot be set because %s is not %s", where,
                         p.segs[i + 1].key ? "an object" : "a list");
            goto out;
        }
        cur = next;
    }
    for (size_t j = i; j < p.n; j++) {
        const struct seg *s = &p.segs[j];
        format_prefix(&p, j, where, sizeof where);
        if (j > i) {
            /* The parent will be a new object: only keys can follow. */
            if (s->key == NULL) {
                rv = err_set(err, ENOENT, "%s: no such list", where);
                goto out;
            }
            continue;
        }
        if (s->key != NULL ? !json_is_object(cur) : !json_is_array(cur)) {
            rv = err_set(err, EINVAL, "value cannot be set because %s is not %s",
                         j ? where : "the root", s->key ? "an object" : "a list");
            goto out;
        }
        if (s->key == NULL && (j + 1 < p.n || s->index > json_array_size(cur))) {
            format_prefix(&p, j + 1, where, sizeof where);
            rv = err_set(err, ENOENT, "%s: index out of range", where);
            goto out;
        }
    }
    for (; i + 1 < p.n; i++) {
        json_t *created = json_object();
        json_object_set_new(cur, p.segs[i].key, created);
        cur = created;
    }
    const struct seg *last = &p.segs[p.n - 1];
    if (last->key != NULL) {
        json_object_set_new(cur, last->key, value);
    } else if (last->index == json_array_size(cur)) {
        json_array_append_new(cur, value);
    } else {
        json_array_set_new(cur, last->index, value);
    }
    value = NULL;
    rv = 0;
out:
    json_decref(value);
    parsed_free(&p);
    return rv;
}

int jpath_set(json_t *root, const char *path, json_t *value, struct err *err)
{
    return jpath_set_new(root, path, json_incref(value), err);
}

int jpath_del(json_t *root, const char *path, struct err *err)
{
    struct parsed p;
    int rv = parse_path(path, &p, err);
    if (rv < 0) {
        return rv;
    }
    json_t *cur = root;
    for (size_t i = 0; i + 1 < p.n && cur != NULL; i++) {
        cur = step(cur, &p.segs[i]);
    }
    const struct seg *last = &p.segs[p.n - 1];
    rv = 0;
    if (cur != NULL && step(cur, last) != NULL) {
        rv = 1;
        if (last->key != NULL) {
            json_object_del(cur, last->key);
        } else {
            json_array_remove(cur, last->index);
        }
    }
    parsed_free(&p);
    return rv;
}

const char *jpath_type_name(const json_t *v)
{
    switch (v == NULL ? JSON_NULL : json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    default:
        return "null";
    }
}

static bool numbers_equal(const json_t *a, const json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b)) {
        return json_integer_value(a) == json_integer_value(b);
    }
    if (json_is_real(a) && json_is_real(b)) {
        return json_real_value(a) == json_real_value(b);
    }
    /* One integer, one real: equal only when the real holds exactly that integer. */
    int64_t ia, ib;
    return jpath_number_as_int(a, &ia) && jpath_number_as_int(b, &ib) && ia == ib;
}

bool jpath_equal(const json_t *a, const json_t *b)
{
    if (a == b) {
        return true;
    }
    if (a == NULL || b == NULL) {
        return false;
    }
    if (json_is_number(a) && json_is_number(b)) {
        return numbers_equal(a, b);
    }
    if (json_typeof(a) != json_typeof(b)) {
        return false;
    }
    switch (json_typeof(a)) {
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b)) {
            return false;
        }
        const char *key;
        json_t *va;
        json_object_foreach ((json_t *)a, key, va) {
            if (!jpath_equal(va, json_object_get(b, key))) {
                return false;
            }
        }
        return true;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(a);
        if (n != json_array_size(b)) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (!jpath_equal(json_array_get(a, i), json_array_get(b, i))) {
                return false;
            }
        }
        return true;
    }
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    default:
        return true; /* true, false, null: same type is same value */
    }
}
