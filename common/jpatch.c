/* JSON merge patch (RFC 7386) and JSON patch (RFC 6902) as the apiserver applies them through
 * evanphx/json-patch v4: same edge cases and the same error texts, so kubectl users see the
 * messages they know. Strategic merge patch lives in jpatch_smp.c. */
#include "jpatch.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jpath.h"
#include "xalloc.h"

/* ==== JSON merge patch ======================================================================== */

/* Deletes null members of objects, recursively through objects and lists (null list elements
 * stay), as evanphx's pruneNulls. v is owned and mutable. */
static void prune_nulls(json_t *v)
{
    if (json_is_object(v)) {
        const char *key;
        json_t *member;
        void *tmp;
        json_object_foreach_safe (v, tmp, key, member) {
            if (json_is_null(member)) {
                json_object_del(v, key);
            } else {
                prune_nulls(member);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *elem;
        json_array_foreach (v, i, elem) {
            prune_nulls(elem);
        }
    }
}

static json_t *pruned_copy(const json_t *v)
{
    json_t *copy = json_deep_copy(v);
    prune_nulls(copy);
    return copy;
}

/* Merges patch (an object) into doc (an owned, mutable object). */
static void merge_objects(json_t *doc, const json_t *patch)
{
    const char *key;
    json_t *pv;
    json_object_foreach ((json_t *)patch, key, pv) {
        json_t *cur = json_object_get(doc, key);
        if (json_is_null(pv)) {
            json_object_del(doc, key);
        } else if (json_is_object(cur) && json_is_object(pv)) {
            merge_objects(cur, pv);
        } else if (json_is_object(cur)) {
            /* An object replaced by a non-object: evanphx keeps the patch value as sent. */
            json_object_set_new(doc, key, json_deep_copy(pv));
        } else {
            json_object_set_new(doc, key, pruned_copy(pv));
        }
    }
}

json_t *jpatch_merge_apply(const json_t *doc, const json_t *patch, struct err *err)
{
    if (doc == NULL || json_is_null(doc)) {
        err_set(err, EINVAL, "Invalid JSON Document");
        return NULL;
    }
    if (!json_is_object(patch) && !json_is_array(patch)) {
        err_set(err, EINVAL, "Invalid JSON Patch");
        return NULL;
    }
    if (!json_is_object(patch) || !json_is_object(doc)) {
        return pruned_copy(patch);
    }
    json_t *out = json_deep_copy(doc);
    merge_objects(out, patch);
    return out;
}

/* Go decodes every JSON number as float64, so integers and reals are one type in
 * CreateMergePatch's type comparison. */
static bool same_merge_type(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        return true;
    }
    if (json_is_boolean(a) && json_is_boolean(b)) {
        return true;
    }
    return json_typeof(a) == json_typeof(b);
}

static json_t *merge_diff(const json_t *a, const json_t *b)
{
    json_t *into = json_object();
    const char *key;
    json_t *bv;
    json_object_foreach ((json_t *)b, key, bv) {
        json_t *av = json_object_get(a, key);
        if (av == NULL || !same_merge_type(av, bv)) {
            json_object_set_new(into, key, json_deep_copy(bv));
        } else if (json_is_object(av)) {
            json_t *sub = merge_diff(av, bv);
            if (json_object_size(sub) > 0) {
                json_object_set_new(into, key, sub);
            } else {
                json_decref(sub);
            }
        } else if (!jpath_equal(av, bv)) {
            json_object_set_new(into, key, json_deep_copy(bv));
        }
    }
    json_t *av;
    json_object_foreach ((json_t *)a, key, av) {
        if (json_object_get(b, key) == NULL) {
            json_object_set_new(into, key, json_null());
        }
    }
    return into;
}

json_t *jpatch_merge_create(const json_t *original, const json_t *modified, struct err *err)
{
    if (json_is_array(original) && json_is_array(modified)) {
        size_t n = json_array_size(original);
        if (json_array_size(modified) != n) {
            err_set(err, EINVAL, "Invalid JSON Document");
            return NULL;
        }
        json_t *out = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *p =
                jpatch_merge_create(json_array_get(original, i), json_array_get(modified, i), err);
            if (p == NULL) {
                json_decref(out);
                return NULL;
            }
            json_array_append_new(out, p);
        }
        return out;
    }
    if (json_is_array(original) || json_is_array(modified)) {
        err_set(err, EINVAL, "Mismatched JSON Documents");
        return NULL;
    }
    if (!json_is_object(original) || !json_is_object(modified)) {
        err_set(err, EINVAL, "Invalid JSON Document");
        return NULL;
    }
    return merge_diff(original, modified);
}

/* ==== JSON patch ============================================================================== */

/* strconv.Atoi: optional sign, decimal digits (leading zeros allowed), in int range. Fills msg with
 * Go's error on failure. */
static bool go_atoi(const char *s, long long *out, char *msg, size_t size)
{
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (*p == '\0') {
        snprintf(msg, size, "strconv.Atoi: parsing \"%s\": invalid syntax", s);
        return false;
    }
    unsigned long long v = 0;
    bool range = false;
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            snprintf(msg, size, "strconv.Atoi: parsing \"%s\": invalid syntax", s);
            return false;
        }
        if (v > (ULLONG_MAX - 9) / 10) {
            range = true;
        } else {
            v = v * 10 + (unsigned long long)(*p - '0');
        }
    }
    if (range || (!neg && v > (unsigned long long)INT64_MAX) ||
        (neg && v > (unsigned long long)INT64_MAX + 1)) {
        snprintf(msg, size, "strconv.Atoi: parsing \"%s\": value out of range", s);
        return false;
    }
    *out = neg ? (long long)(0 - v) : (long long)v;
    return true;
}

/* RFC 6901 token decoding: "~1" -> "/", then "~0" -> "~", in one left-to-right pass. */
static char *decode_token(const char *start, size_t len)
{
    char *out = xmalloc(len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (start[i] == '~' && i + 1 < len && (start[i + 1] == '0' || start[i + 1] == '1')) {
            out[k++] = start[i + 1] == '1' ? '/' : '~';
            i++;
        } else {
            out[k++] = start[i];
        }
    }
    out[k] = '\0';
    return out;
}

/* Resolves a list index as evanphx does: negative counts from the end (down to -size). */
static bool resolve_index(long long idx, size_t size, size_t *out)
{
    if (idx < 0) {
        if (idx < -(long long)size) {
            return false;
        }
        idx += (long long)size;
    }
    if ((unsigned long long)idx >= size) {
        return false;
    }
    *out = (size_t)idx;
    return true;
}

/* findObject: the container holding the pointer's last token, and that token (owned, in *key).
 * NULL when the pointer is empty, does not start with '/', or a step is missing, null, a scalar or
 * a bad index. The container is borrowed from doc. */
static json_t *find_container(json_t *doc, const char *path, char **key)
{
    *key = NULL;
    if (path[0] != '/') {
        return NULL;
    }
    json_t *cur = doc;
    const char *tok = path + 1;
    for (;;) {
        const char *slash = strchr(tok, '/');
        if (slash == NULL) {
            *key = decode_token(tok, strlen(tok));
            return cur;
        }
        cleanup_free char *part = decode_token(tok, (size_t)(slash - tok));
        json_t *next = NULL;
        if (json_is_object(cur)) {
            next = json_object_get(cur, part);
        } else {
            long long idx;
            size_t at;
            char ignored[8];
            if (go_atoi(part, &idx, ignored, sizeof ignored) &&
                resolve_index(idx, json_array_size(cur), &at)) {
                next = json_array_get(cur, at);
            }
        }
        if (!json_is_object(next) && !json_is_array(next)) {
            return NULL;
        }
        cur = next;
        tok = slash + 1;
    }
}

#define MSG_SIZE ERR_MSG_SIZE

static void invalid_index(char *msg, long long idx)
{
    snprintf(msg, MSG_SIZE, "Unable to access invalid index: %lld: invalid index referenced", idx);
}

/* The container operations of evanphx: each returns false with msg filled on failure. */
static bool container_get(json_t *con, const char *key, json_t **out, char *msg)
{
    *out = NULL;
    if (json_is_object(con)) {
        *out = json_object_get(con, key);
        return true;
    }
    long long idx;
    size_t at;
    if (!go_atoi(key, &idx, msg, MSG_SIZE)) {
        return false;
    }
    if (!resolve_index(idx, json_array_size(con), &at)) {
        invalid_index(msg, idx);
        return false;
    }
    *out = json_array_get(con, at);
    return true;
}

/* Takes ownership of val. */
static bool container_add(json_t *con, const char *key, json_t *val, char *msg)
{
    if (json_is_object(con)) {
        json_object_set_new(con, key, val);
        return true;
    }
    if (strcmp(key, "-") == 0) {
        json_array_append_new(con, val);
        return true;
    }
    long long idx;
    char inner[MSG_SIZE];
    if (!go_atoi(key, &idx, inner, sizeof inner)) {
        snprintf(msg, MSG_SIZE, "value was not a proper array index: '%.64s': %.120s", key, inner);
        json_decref(val);
        return false;
    }
    size_t at;
    if (!resolve_index(idx, json_array_size(con) + 1, &at)) {
        invalid_index(msg, idx);
        json_decref(val);
        return false;
    }
    json_array_insert_new(con, at, val);
    return true;
}

static bool container_remove(json_t *con, const char *key, char *msg)
{
    if (json_is_object(con)) {
        if (json_object_del(con, key) != 0) {
            snprintf(msg, MSG_SIZE, "Unable to remove nonexistent key: %s: missing value", key);
            return false;
        }
        return true;
    }
    long long idx;
    size_t at;
    if (!go_atoi(key, &idx, msg, MSG_SIZE)) {
        return false;
    }
    if (!resolve_index(idx, json_array_size(con), &at)) {
        invalid_index(msg, idx);
        return false;
    }
    json_array_remove(con, at);
    return true;
}

/* An operation's string field: 0 and *out (borrowed), or -ENOENT when absent or null, or -EINVAL
 * with Go's decoding message when not a string. */
static int op_string(const json_t *op, const char *name, const char **out, char *msg)
{
    json_t *v = json_object_get(op, name);
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (strcmp(name, "from") == 0) {
            snprintf(msg, MSG_SIZE, "operation, missing from field: missing value");
        } else {
            snprintf(msg, MSG_SIZE, "operation missing path field: missing value");
        }
        return -ENOENT;
    }
    if (!json_is_string(v)) {
        snprintf(msg, MSG_SIZE, "json: cannot unmarshal %s into Go value of type string",
                 jpath_type_name(v));
        return -EINVAL;
    }
    *out = json_string_value(v);
    return 0;
}

/* The operation's value as a new reference: a missing value is null, as evanphx's nil node. */
static json_t *op_value(const json_t *op)
{
    json_t *v = json_object_get(op, "value");
    return v != NULL ? json_deep_copy(v) : json_null();
}

static int op_add(json_t *doc, const json_t *op, struct err *err)
{
    char msg[MSG_SIZE];
    const char *path;
    if (op_string(op, "path", &path, msg) < 0) {
        return err_set(err, C8S_EINVALID, "add operation failed to decode path: missing value");
    }
    cleanup_free char *key = NULL;
    json_t *con = find_container(doc, path, &key);
    if (con == NULL) {
        return err_set(err, C8S_EINVALID,
                       "add operation does not apply: doc is missing path: \"%s\": missing value",
                       path);
    }
    if (!container_add(con, key, op_value(op), msg)) {
        return err_set(err, C8S_EINVALID, "error in add for path: '%s': %s", path, msg);
    }
    return 0;
}

static int op_remove(json_t *doc, const json_t *op, struct err *err)
{
    char msg[MSG_SIZE];
    const char *path;
    if (op_string(op, "path", &path, msg) < 0) {
        return err_set(err, C8S_EINVALID, "remove operation failed to decode path: missing value");
    }
    cleanup_free char *key = NULL;
    json_t *con = find_container(doc, path, &key);
    if (con == NULL) {
        return err_set(
            err, C8S_EINVALID,
            "remove operation does not apply: doc is missing path: \"%s\": missing value", path);
    }
    if (!container_remove(con, key, msg)) {
        return err_set(err, C8S_EINVALID, "error in remove for path: '%s': %s", path, msg);
    }
    return 0;
}

/* Replacing "" swaps the document itself, hence json_t **doc. */
static int op_replace(json_t **doc, const json_t *op, struct err *err)
{
    char msg[MSG_SIZE];
    const char *path;
    if (op_string(op, "path", &path, msg) < 0) {
        return err_set(err, C8S_EINVALID, "replace operation failed to decode path: %s", msg);
    }
    if (path[0] == '\0') {
        json_t *val = op_value(op);
        if (!json_is_object(val) && !json_is_array(val)) {
            json_decref(val);
            return err_set(err, C8S_EINVALID, "replace operation value must be object or array");
        }
        json_decref(*doc);
        *doc = val;
        return 0;
    }
    cleanup_free char *key = NULL;
    json_t *con = find_container(*doc, path, &key);
    if (con == NULL) {
        return err_set(err, C8S_EINVALID,
                       "replace operation does not apply: doc is missing path: %s: missing value",
                       path);
    }
    json_t *cur;
    if (!container_get(con, key, &cur, msg)) {
        return err_set(err, C8S_EINVALID,
                       "replace operation does not apply: doc is missing key: %s: missing value",
                       path);
    }
    if (json_is_object(con)) {
        json_object_set_new(con, key, op_value(op));
    } else {
        long long idx = 0;
        size_t at = 0;
        /* container_get validated the index. */
        go_atoi(key, &idx, msg, sizeof msg);
        resolve_index(idx, json_array_size(con), &at);
        json_array_set_new(con, at, op_value(op));
    }
    return 0;
}

/* The "from" of a move or copy: its pointer, the container and the last token (owned). */
static int resolve_from(json_t *doc, const json_t *op, const char *verb, const char **from,
                        json_t **con, char **key, struct err *err)
{
    char msg[MSG_SIZE];
    if (op_string(op, "from", from, msg) < 0) {
        return err_set(err, C8S_EINVALID, "%s operation failed to decode from: %s", verb, msg);
    }
    *con = find_container(doc, *from, key);
    if (*con == NULL) {
        return err_set(err, C8S_EINVALID,
                       "%s operation does not apply: doc is missing from path: %s: missing value",
                       verb, *from);
    }
    return 0;
}

/* The destination container of a move or copy, and its last token (owned). */
static int resolve_destination(json_t *doc, const char *verb, const char *path, json_t **con,
                               char **key, struct err *err)
{
    *con = find_container(doc, path, key);
    if (*con == NULL) {
        return err_set(
            err, C8S_EINVALID,
            "%s operation does not apply: doc is missing destination path: %s: missing value", verb,
            path);
    }
    return 0;
}

static int op_move(json_t *doc, const json_t *op, struct err *err)
{
    char msg[MSG_SIZE];
    const char *from, *path;
    cleanup_free char *key = NULL;
    json_t *con;
    int rv = resolve_from(doc, op, "move", &from, &con, &key, err);
    if (rv < 0) {
        return rv;
    }
    json_t *val;
    if (!container_get(con, key, &val, msg)) {
        return err_set(err, C8S_EINVALID, "error in move for path: '%s': %s", key, msg);
    }
    /* val is NULL only for a missing object member, which the remove below rejects. */
    json_t *moving = val != NULL ? json_incref(val) : json_null();
    if (!container_remove(con, key, msg)) {
        json_decref(moving);
        return err_set(err, C8S_EINVALID, "error in move for path: '%s': %s", key, msg);
    }
    if (op_string(op, "path", &path, msg) < 0) {
        json_decref(moving);
        return err_set(err, C8S_EINVALID, "move operation failed to decode path: %s", msg);
    }
    cleanup_free char *dest_key = NULL;
    json_t *dest;
    rv = resolve_destination(doc, "move", path, &dest, &dest_key, err);
    if (rv < 0) {
        json_decref(moving);
        return rv;
    }
    if (!container_add(dest, dest_key, moving, msg)) {
        return err_set(err, C8S_EINVALID, "error in move for path: '%s': %s", path, msg);
    }
    return 0;
}

static int op_test(const json_t *doc, const json_t *op, struct err *err)
{
    char msg[MSG_SIZE];
    const char *path;
    if (op_string(op, "path", &path, msg) < 0) {
        return err_set(err, C8S_EINVALID, "test operation failed to decode path: %s", msg);
    }
    json_t *want = json_object_get(op, "value");
    if (want == NULL) {
        want = json_null();
    }
    const json_t *got;
    if (path[0] == '\0') {
        got = doc;
    } else {
        cleanup_free char *key = NULL;
        json_t *con = find_container((json_t *)doc, path, &key);
        if (con == NULL) {
            return err_set(err, C8S_EINVALID,
                           "test operation does not apply: is missing path: %s: missing value",
                           path);
        }
        json_t *val;
        if (!container_get(con, key, &val, msg)) {
            return err_set(err, C8S_EINVALID, "error in test for path: '%s': %s", path, msg);
        }
        got = val != NULL ? val : json_null();
    }
    if (!jpath_equal(got, want)) {
        return err_set(err, C8S_EINVALID, "testing value %s failed: test failed", path);
    }
    return 0;
}

static int op_copy(json_t *doc, const json_t *op, struct err *err)
{
    char msg[MSG_SIZE];
    const char *from, *path;
    cleanup_free char *key = NULL;
    json_t *con;
    int rv = resolve_from(doc, op, "copy", &from, &con, &key, err);
    if (rv < 0) {
        return rv;
    }
    json_t *val;
    if (!container_get(con, key, &val, msg)) {
        return err_set(err, C8S_EINVALID, "error in copy for from: '%s': %s", from, msg);
    }
    if (op_string(op, "path", &path, msg) < 0) {
        return err_set(err, C8S_EINVALID, "copy operation failed to decode path: missing value");
    }
    cleanup_free char *dest_key = NULL;
    json_t *dest;
    rv = resolve_destination(doc, "copy", path, &dest, &dest_key, err);
    if (rv < 0) {
        return rv;
    }
    /* As evanphx, copying a missing object member copies null. */
    json_t *copy = val != NULL ? json_deep_copy(val) : json_null();
    if (!container_add(dest, dest_key, copy, msg)) {
        return err_set(err, C8S_EINVALID, "error while adding value during copy: %s", msg);
    }
    return 0;
}

json_t *jpatch_json_apply(const json_t *doc, const json_t *patch, struct err *err)
{
    if (!json_is_array(patch) && !json_is_null(patch)) {
        err_set(err, EINVAL, "json: cannot unmarshal %s into Go value of type jsonpatch.Patch",
                jpath_type_name(patch));
        return NULL;
    }
    size_t nops = json_array_size(patch);
    size_t i;
    json_t *op;
    json_array_foreach (patch, i, op) {
        if (!json_is_object(op) && !json_is_null(op)) {
            err_set(err, EINVAL,
                    "json: cannot unmarshal %s into Go value of type jsonpatch.Operation",
                    jpath_type_name(op));
            return NULL;
        }
    }
    if (nops > JPATCH_MAX_OPERATIONS) {
        err_set(err, C8S_ETOOLARGE, "The allowed maximum operations in a JSON patch is %d, got %zu",
                JPATCH_MAX_OPERATIONS, nops);
        return NULL;
    }
    if (!json_is_object(doc) && !json_is_array(doc)) {
        err_set(err, EINVAL, "json: cannot unmarshal %s into Go value of type jsonpatch.partialDoc",
                jpath_type_name(doc));
        return NULL;
    }
    json_t *out = json_deep_copy(doc);
    json_array_foreach (patch, i, op) {
        const char *kind = json_string_value(json_object_get(op, "op"));
        int rv;
        if (kind == NULL) {
            kind = "unknown";
        }
        if (strcmp(kind, "add") == 0) {
            rv = op_add(out, op, err);
        } else if (strcmp(kind, "remove") == 0) {
            rv = op_remove(out, op, err);
        } else if (strcmp(kind, "replace") == 0) {
            rv = op_replace(&out, op, err);
        } else if (strcmp(kind, "move") == 0) {
            rv = op_move(out, op, err);
        } else if (strcmp(kind, "test") == 0) {
            rv = op_test(out, op, err);
        } else if (strcmp(kind, "copy") == 0) {
            rv = op_copy(out, op, err);
        } else {
            rv = err_set(err, C8S_EINVALID, "Unexpected kind: %s", kind);
        }
        if (rv < 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}
