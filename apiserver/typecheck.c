/* Request bodies checked against the built-in types the way kube-apiserver 1.32 decodes them:
 * Go's encoding/json as sigs.k8s.io/json runs it (first type error wins, custom unmarshalers
 * such as resource.Quantity stop the decode, strict mode lists unknown fields by path),
 * runtime.DefaultUnstructuredConverter's wording for strategic merge patches, and
 * structured-merge-diff's for apply. One generic walker over the OpenAPI component schemas. */
#include "typecheck.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "openapi_schema.h"
#include "quantity.h"
#include "strbuf.h"
#include "xalloc.h"

#define REF_PREFIX       "#/components/schemas/"
#define QUANTITY_SCHEMA  "io.k8s.apimachinery.pkg.api.resource.Quantity"
#define INTORSTR_SCHEMA  "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
#define TIME_SCHEMA      "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
#define MICROTIME_SCHEMA "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"
#define PATH_MAX_LEN     1024
#define GO_TYPE_MAX      256
#define STRICT_MAX       100 /* sigs.k8s.io/json keeps at most 100 strict errors */

static json_t *all_schemas;
static pthread_once_t schemas_once = PTHREAD_ONCE_INIT;

static void build_schemas(void)
{
    all_schemas = openapi_schemas_build_all();
}

/* ---- Schemas ---- */

enum tkind {
    T_ANY, /* RawExtension, FieldsV1, untyped objects: anything goes */
    T_STRUCT,
    T_MAP,
    T_SLICE,
    T_STRING,
    T_BYTES,
    T_BOOL,
    T_INT32,
    T_INT64,
    T_FLOAT,
    T_QUANTITY,
    T_INTORSTR,
    T_TIME,
    T_MICROTIME,
};

/* A schema with the component name it was reached through (NULL when inline). */
struct tref {
    const json_t *schema;
    const char *name;
};

static struct tref resolve(const json_t *s)
{
    const json_t *all_of = json_object_get(s, "allOf");
    const char *ref = json_string_value(json_object_get(json_array_get(all_of, 0), "$ref"));
    if (ref == NULL) {
        ref = json_string_value(json_object_get(s, "$ref"));
    }
    if (ref != NULL && strncmp(ref, REF_PREFIX, strlen(REF_PREFIX)) == 0) {
        const char *name = ref + strlen(REF_PREFIX);
        return (struct tref){json_object_get(all_schemas, name), name};
    }
    return (struct tref){s, NULL};
}

static bool named(struct tref t, const char *name)
{
    return t.name != NULL && strcmp(t.name, name) == 0;
}

static enum tkind kind_of(struct tref t)
{
    if (named(t, QUANTITY_SCHEMA)) {
        return T_QUANTITY;
    }
    if (named(t, INTORSTR_SCHEMA)) {
        return T_INTORSTR;
    }
    if (named(t, TIME_SCHEMA)) {
        return T_TIME;
    }
    if (named(t, MICROTIME_SCHEMA)) {
        return T_MICROTIME;
    }
    const char *type = json_string_value(json_object_get(t.schema, "type"));
    const char *format = json_string_value(json_object_get(t.schema, "format"));
    if (type == NULL) {
        return T_ANY;
    }
    if (strcmp(type, "object") == 0) {
        if (json_is_object(json_object_get(t.schema, "properties"))) {
            return T_STRUCT;
        }
        return json_object_get(t.schema, "additionalProperties") ? T_MAP : T_ANY;
    }
    if (strcmp(type, "array") == 0) {
        return T_SLICE;
    }
    if (strcmp(type, "string") == 0) {
        return format != NULL && strcmp(format, "byte") == 0 ? T_BYTES : T_STRING;
    }
    if (strcmp(type, "boolean") == 0) {
        return T_BOOL;
    }
    if (strcmp(type, "integer") == 0) {
        return format != NULL && strcmp(format, "int32") == 0 ? T_INT32 : T_INT64;
    }
    return strcmp(type, "number") == 0 ? T_FLOAT : T_ANY;
}

static struct tref elem_of(struct tref t)
{
    const json_t *e = json_object_get(t.schema, "items");
    if (e == NULL) {
        e = json_object_get(t.schema, "additionalProperties");
    }
    return resolve(e);
}

/* "io.k8s.api.core.v1.PodSpec" -> "v1.PodSpec" (reflect's Type.String()). */
static const char *package_type(const char *name)
{
    const char *last = strrchr(name, '.');
    if (last == NULL) {
        return name;
    }
    const char *p = last;
    while (p > name && p[-1] != '.') {
        p--;
    }
    return p;
}

/* "io.k8s.api.core.v1.PodSpec" -> "PodSpec" (reflect's Type.Name()). */
static const char *struct_name(const char *name)
{
    const char *last = name ? strrchr(name, '.') : NULL;
    return last ? last + 1 : (name ? name : "");
}

/* a followed by b into buf, cut to size. */
static void join(char *buf, size_t size, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= size) {
        la = size - 1;
    }
    if (la + lb >= size) {
        lb = size - 1 - la;
    }
    memmove(buf + la, b, lb);
    memcpy(buf, a, la);
    buf[la + lb] = '\0';
}

/* The Go type as reflect prints it; owner is the struct holding the field (for core/v1's
 * ResourceList, the named map of quantities). */
static void go_type(struct tref t, const char *owner, char *buf, size_t size)
{
    char elem[GO_TYPE_MAX];
    switch (kind_of(t)) {
    case T_STRUCT:
        snprintf(buf, size, "%s", t.name ? package_type(t.name) : "struct");
        return;
    case T_MAP:
        if (kind_of(elem_of(t)) == T_QUANTITY && owner != NULL &&
            strncmp(owner, "io.k8s.api.core.v1.", 19) == 0) {
            snprintf(buf, size, "v1.ResourceList");
            return;
        }
        go_type(elem_of(t), owner, elem, sizeof elem);
        join(buf, size, "map[string]", elem);
        return;
    case T_SLICE:
        go_type(elem_of(t), owner, elem, sizeof elem);
        join(buf, size, "[]", elem);
        return;
    case T_STRING:
        snprintf(buf, size, "string");
        return;
    case T_BYTES:
        snprintf(buf, size, "[]uint8");
        return;
    case T_BOOL:
        snprintf(buf, size, "bool");
        return;
    case T_INT32:
        snprintf(buf, size, "int32");
        return;
    case T_INT64:
        snprintf(buf, size, "int64");
        return;
    case T_FLOAT:
        snprintf(buf, size, "float64");
        return;
    case T_QUANTITY:
        snprintf(buf, size, "resource.Quantity");
        return;
    case T_INTORSTR:
        snprintf(buf, size, "intstr.IntOrString");
        return;
    case T_TIME:
        snprintf(buf, size, "v1.Time");
        return;
    case T_MICROTIME:
        snprintf(buf, size, "v1.MicroTime");
        return;
    case T_ANY:
        break;
    }
    snprintf(buf, size, "runtime.RawExtension");
}

/* ---- Go's formatting of decoded values ---- */

/* The shortest decimal that reads back as d (Go's strconv 'g' -1 for literals we no longer
 * have verbatim). */
static void format_real(double d, char *buf, size_t size)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) {
            return;
        }
    }
}

static void format_number(const json_t *v, char *buf, size_t size)
{
    if (json_is_integer(v)) {
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
    } else {
        format_real(json_real_value(v), buf, size);
    }
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Go's %+v of an interface{} value: maps with sorted keys, slices space-separated. */
static void go_format_into(const json_t *v, struct strbuf *b)
{
    char num[64];
    if (json_is_object(v)) {
        size_t n = json_object_size(v), i = 0;
        const char **keys = xcalloc(n ? n : 1, sizeof *keys);
        const char *key;
        json_t *child;
        json_object_foreach ((json_t *)v, key, child) {
            keys[i++] = key;
        }
        qsort(keys, n, sizeof *keys, compare_keys);
        strbuf_add(b, "map[");
        for (i = 0; i < n; i++) {
            strbuf_add(b, i > 0 ? " " : "");
            strbuf_add(b, keys[i]);
            strbuf_add(b, ":");
            go_format_into(json_object_get(v, keys[i]), b);
        }
        strbuf_add(b, "]");
        free(keys);
    } else if (json_is_array(v)) {
        strbuf_add(b, "[");
        for (size_t i = 0; i < json_array_size(v); i++) {
            strbuf_add(b, i > 0 ? " " : "");
            go_format_into(json_array_get(v, i), b);
        }
        strbuf_add(b, "]");
    } else if (json_is_string(v)) {
        strbuf_add(b, json_string_value(v));
    } else if (json_is_number(v)) {
        format_number(v, num, sizeof num);
        strbuf_add(b, num);
    } else if (json_is_boolean(v)) {
        strbuf_add(b, json_is_true(v) ? "true" : "false");
    } else {
        strbuf_add(b, "<nil>");
    }
}

char *typecheck_go_format(const json_t *v)
{
    struct strbuf b = {0};
    go_format_into(v, &b);
    return strbuf_take(&b);
}

/* Go's strconv.Quote for the ASCII and UTF-8 text our messages carry. */
static char *go_quote(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(n * 4 + 3);
    char *p = out;
    *p++ = '"';
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            *p++ = '\\';
            *p++ = (char)*c;
        } else if (*c == '\n') {
            *p++ = '\\';
            *p++ = 'n';
        } else if (*c == '\t') {
            *p++ = '\\';
            *p++ = 't';
        } else if (*c < 0x20 || *c == 0x7f) {
            p += sprintf(p, "\\x%02x", *c);
        } else {
            *p++ = (char)*c;
        }
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

/* ---- The walk ---- */

struct walk {
    enum typecheck_mode mode;
    bool from_yaml;
    char *error;        /* JSON: the first saved error; others: the first (or all, apply) */
    bool stop;          /* an unmarshaler failed (JSON) or the converter gave up */
    json_t *unknown;    /* strict errors */
    json_t *apply_errs; /* structured-merge-diff's validation errors */
    const char *go_struct;
    char fields[PATH_MAX_LEN]; /* encoding/json's errorContext.FieldStack, joined by "." */
    size_t fields_len;
    char strict[PATH_MAX_LEN]; /* the strict (and converter, apply) field path */
    size_t strict_len;
};

static size_t push(char *buf, size_t *len, const char *sep, const char *text)
{
    size_t old = *len;
    int n = snprintf(buf + old, PATH_MAX_LEN - old, "%s%s", old > 0 ? sep : "", text);
    if (n > 0) {
        *len = old + (size_t)n < PATH_MAX_LEN ? old + (size_t)n : PATH_MAX_LEN - 1;
    }
    return old;
}

static void pop(char *buf, size_t *len, size_t old)
{
    *len = old;
    buf[old] = '\0';
}

static void set_error(struct walk *w, bool stop, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(struct walk *w, bool stop, const char *fmt, ...)
{
    if (stop) {
        w->stop = true;
    }
    if (w->error != NULL) {
        if (!stop) {
            return;
        }
        /* An unmarshaler's error ends the decode and is what Unmarshal returns. */
        free(w->error);
    }
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&w->error, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
}

static const char *json_word(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    case JSON_NULL:
        return "null";
    default:
        return "number";
    }
}

/* reflect.Kind of the value runtime.DefaultUnstructuredConverter sees. */
static const char *go_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "map";
    case JSON_ARRAY:
        return "slice";
    case JSON_STRING:
        return "string";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    case JSON_INTEGER:
        return "int64";
    case JSON_REAL:
        return "float64";
    default:
        return "invalid";
    }
}

/* encoding/json's UnmarshalTypeError, with the field context when there is one. */
static void type_error(struct walk *w, const char *what, struct tref t, const char *owner)
{
    char type[GO_TYPE_MAX];
    go_type(t, owner, type, sizeof type);
    if (w->fields_len > 0) {
        set_error(w, false, "json: cannot unmarshal %s into Go struct field %s.%s of type %s", what,
                  w->go_struct ? w->go_struct : "", w->fields, type);
    } else {
        set_error(w, false, "json: cannot unmarshal %s into Go value of type %s", what, type);
    }
}

static void add_unknown(struct walk *w, const char *key)
{
    cleanup_free char *path = xasprintf("%s%s%s", w->strict, w->strict_len > 0 ? "." : "", key);
    cleanup_free char *quoted = go_quote(path);
    cleanup_free char *msg = xasprintf("unknown field %s", quoted);
    size_t i;
    json_t *seen;
    json_array_foreach (w->unknown, i, seen) {
        if (strcmp(json_string_value(seen), msg) == 0) {
            return;
        }
    }
    if (json_array_size(w->unknown) < STRICT_MAX) {
        json_array_append_new(w->unknown, json_string(msg));
    }
}

/* structured-merge-diff's path of the value being walked: ".spec.containers[0].image". */
static void apply_error(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void apply_error(struct walk *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *detail = NULL;
    if (vasprintf(&detail, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
    char *msg = xasprintf("%s: %s", w->strict, detail);
    free(detail);
    json_array_append_new(w->apply_errs, json_string(msg));
    free(msg);
}

/* Go's %#v of the interface{} inside value.valueUnstructured. */
static char *go_sharp(const json_t *v)
{
    if (json_is_string(v)) {
        return go_quote(json_string_value(v));
    }
    if (json_is_object(v) || json_is_array(v)) {
        cleanup_free char *inner = typecheck_go_format(v);
        return xasprintf("%s{%s}", json_is_object(v) ? "map[string]interface {}" : "[]interface {}",
                         inner);
    }
    if (json_is_null(v)) {
        return xstrdup("interface {}(nil)");
    }
    return typecheck_go_format(v);
}

static const char *go_type_of_value(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "map[string]interface {}";
    case JSON_ARRAY:
        return "[]interface {}";
    case JSON_STRING:
        return "string";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    case JSON_INTEGER:
        return "int64";
    case JSON_REAL:
        return "float64";
    default:
        return "<nil>";
    }
}

/* ---- Values with custom unmarshalers ---- */

static bool is_digit_at(const char *s, size_t i)
{
    return isdigit((unsigned char)s[i]) != 0;
}

/* time.Parse(RFC3339 or RFC3339Micro) with Go's error messages. */
static char *parse_time_error(const char *value, bool micro)
{
    const char *layout = micro ? "2006-01-02T15:04:05.000000Z07:00" : "2006-01-02T15:04:05Z07:00";
    static const char *const chunks[] = {"2006", "-",  "01", "-",  "02", "T",     "15",
                                         ":",    "04", ":",  "05", ".",  "Z07:00"};
    const char *v = value;
    int year = 0, month = 0, day = 0, num = 0;
    const char *range = NULL;
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        const char *std = chunks[c];
        const char *hold = v;
        bool bad = false;
        if (strcmp(std, ".") == 0) {
            if (micro) {
                std = ".000000";
                bad = v[0] != '.';
                for (int i = 1; i <= 6 && !bad; i++) {
                    bad = !is_digit_at(v, (size_t)i);
                }
                if (!bad) {
                    v += 7;
                }
            } else if ((v[0] == '.' || v[0] == ',') && is_digit_at(v, 1)) {
                v++;
                while (is_digit_at(v, 0)) {
                    v++;
                }
            }
        } else if (strcmp(std, "-") == 0 || strcmp(std, "T") == 0 || strcmp(std, ":") == 0) {
            if (v[0] != std[0]) {
                cleanup_free char *qv = go_quote(value), *ql = go_quote(layout), *qr = go_quote(v),
                                  *qs = go_quote(std);
                return xasprintf("parsing time %s as %s: cannot parse %s as %s", qv, ql, qr, qs);
            }
            v++;
            continue;
        } else if (strcmp(std, "2006") == 0) {
            bad = strlen(v) < 4;
            for (int i = 0; i < 4 && !bad; i++) {
                bad = !is_digit_at(v, (size_t)i);
            }
            if (!bad) {
                year = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
                v += 4;
            }
        } else if (strcmp(std, "Z07:00") == 0) {
            if (v[0] == 'Z') {
                v++;
            } else {
                bad = strlen(v) < 6 || v[3] != ':' || (v[0] != '+' && v[0] != '-') ||
                      !is_digit_at(v, 1) || !is_digit_at(v, 2) || !is_digit_at(v, 4) ||
                      !is_digit_at(v, 5);
                if (!bad) {
                    int hr = (v[1] - '0') * 10 + (v[2] - '0');
                    int mm = (v[4] - '0') * 10 + (v[5] - '0');
                    range = hr > 24 ? "time zone offset hour"
                                    : (mm > 60 ? "time zone offset minute" : NULL);
                    v += 6;
                }
            }
        } else {
            /* 01, 02, 04, 05 want two digits; 15 takes one or two. */
            bool fixed = strcmp(std, "15") != 0;
            bad = !is_digit_at(v, 0) || (fixed && !is_digit_at(v, 1));
            if (!bad) {
                num = v[0] - '0';
                v++;
                if (is_digit_at(v, 0)) {
                    num = num * 10 + (v[0] - '0');
                    v++;
                }
                if (strcmp(std, "01") == 0) {
                    month = num;
                    range = month <= 0 || month > 12 ? "month" : NULL;
                } else if (strcmp(std, "02") == 0) {
                    day = num;
                } else if (strcmp(std, "15") == 0) {
                    range = num >= 24 ? "hour" : NULL;
                } else if (strcmp(std, "04") == 0) {
                    range = num >= 60 ? "minute" : NULL;
                } else {
                    range = num >= 60 ? "second" : NULL;
                }
            }
        }
        cleanup_free char *qv = go_quote(value);
        if (range != NULL) {
            return xasprintf("parsing time %s: %s out of range", qv, range);
        }
        if (bad) {
            cleanup_free char *ql = go_quote(layout), *qr = go_quote(hold), *qs = go_quote(std);
            return xasprintf("parsing time %s as %s: cannot parse %s as %s", qv, ql, qr, qs);
        }
    }
    cleanup_free char *qv = go_quote(value);
    if (*v != '\0') {
        cleanup_free char *qr = go_quote(v);
        return xasprintf("parsing time %s: extra text: %s", qv, qr);
    }
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = days[month - 1];
    if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) {
        max = 29;
    }
    if (day < 1 || day > max) {
        return xasprintf("parsing time %s: day out of range", qv);
    }
    return NULL;
}

/* Quantity.UnmarshalJSON: the JSON text (quotes stripped) through ParseQuantity. Returns the
 * canonical string, or NULL with the error set. */
static char *check_quantity(struct walk *w, const json_t *v)
{
    cleanup_free char *text = NULL;
    if (json_is_string(v)) {
        text = xstrdup(json_string_value(v));
    } else if (json_is_number(v)) {
        char num[64];
        format_number(v, num, sizeof num);
        text = xstrdup(num);
    } else {
        text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    }
    /* strings.TrimSpace */
    char *start = text;
    while (isspace((unsigned char)*start)) {
        start++;
    }
    size_t n = strlen(start);
    while (n > 0 && isspace((unsigned char)start[n - 1])) {
        start[--n] = '\0';
    }
    struct quantity q;
    struct err e = {0};
    if (quantity_parse(start, &q, &e) != 0) {
        set_error(w, true, "%s", e.msg);
        return NULL;
    }
    char buf[QUANTITY_STR_MAX];
    return xstrdup(quantity_format(&q, buf));
}

static bool is_base64(char c)
{
    return isalnum((unsigned char)c) || c == '+' || c == '/';
}

static size_t skip_newlines(const char *s, size_t si, size_t len)
{
    while (si < len && (s[si] == '\r' || s[si] == '\n')) {
        si++;
    }
    return si;
}

/* Go's base64.StdEncoding.Decode: the offset its CorruptInputError names, or -1. */
static long base64_error_at(const char *s)
{
    size_t len = strlen(s), si = 0;
    while (si < len) {
        int j = 0;
        while (j < 4) {
            si = skip_newlines(s, si, len);
            if (si == len) {
                return j == 0 ? -1 : (long)(si - (size_t)j);
            }
            char c = s[si++];
            if (is_base64(c)) {
                j++;
                continue;
            }
            if (c != '=' || j < 2) {
                return (long)si - 1;
            }
            if (j == 2) {
                si = skip_newlines(s, si, len);
                if (si == len) {
                    return (long)len;
                }
                if (s[si] != '=') {
                    return (long)si - 1;
                }
                si++;
            }
            si = skip_newlines(s, si, len);
            return si < len ? (long)si : -1;
        }
    }
    return -1;
}

/* ---- The walker ---- */

enum action { KEEP, DROP, REPLACE };

static enum action walk(struct walk *w, json_t *v, struct tref t, const char *owner, bool root,
                        json_t **repl);

static json_t *zero_of(struct tref t)
{
    switch (kind_of(t)) {
    case T_STRING:
        return json_string("");
    case T_BOOL:
        return json_false();
    case T_INT32:
    case T_INT64:
    case T_INTORSTR:
        return json_integer(0);
    case T_FLOAT:
        return json_real(0);
    case T_QUANTITY:
        return json_string("0");
    case T_STRUCT:
        return json_object();
    default:
        return json_null();
    }
}

static bool wrong_container(struct walk *w, json_t *v, struct tref t, const char *owner,
                            enum tkind kind)
{
    bool ok = kind == T_STRUCT || kind == T_MAP ? json_is_object(v) : json_is_array(v);
    if (ok) {
        return false;
    }
    if (w->mode == TYPECHECK_JSON) {
        type_error(w, json_word(v), t, owner);
    } else if (w->mode == TYPECHECK_UNSTRUCTURED) {
        if (kind == T_STRUCT) {
            set_error(w, true, "cannot restore struct from: %s", go_kind(v));
        } else {
            set_error(w, true, "cannot restore %s from %s", kind == T_MAP ? "map" : "slice",
                      go_kind(v));
        }
    } else {
        cleanup_free char *shown = typecheck_go_format(v);
        apply_error(w, "expected %s, got &{%s}", kind == T_SLICE ? "list" : "map", shown);
    }
    return true;
}

/* The path of a field: "a.b" for sigs.k8s.io/json and the converter, ".a.b" for
 * structured-merge-diff. Returns the length to pop back to. */
static size_t push_field(struct walk *w, const char *key)
{
    if (w->mode != TYPECHECK_APPLY) {
        return push(w->strict, &w->strict_len, ".", key);
    }
    size_t old = w->strict_len;
    char dotted[PATH_MAX_LEN];
    snprintf(dotted, sizeof dotted, ".%s", key);
    push(w->strict, &w->strict_len, "", dotted);
    return old;
}

static enum action walk_struct(struct walk *w, json_t *v, struct tref t, bool root)
{
    const json_t *props = json_object_get(t.schema, "properties");
    const char *saved_struct = w->go_struct;
    const char *key;
    json_t *child;
    void *tmp;
    json_object_foreach_safe (v, tmp, key, child) {
        if (w->stop) {
            break;
        }
        const json_t *prop = json_object_get(props, key);
        bool type_meta = root && (strcmp(key, "apiVersion") == 0 || strcmp(key, "kind") == 0);
        if (prop == NULL && !type_meta) {
            if (w->mode == TYPECHECK_APPLY) {
                cleanup_free char *msg =
                    xasprintf("%s.%s: field not declared in schema", w->strict, key);
                json_array_append_new(w->apply_errs, json_string(msg));
                break; /* visitMapItems stops at the first undeclared field */
            }
            add_unknown(w, key);
            json_object_del(v, key);
            continue;
        }
        if (type_meta) {
            /* TypeMeta's fields, inline in every kind: strings. */
            if (!json_is_string(child) && !json_is_null(child)) {
                if (w->mode == TYPECHECK_JSON) {
                    set_error(w, false,
                              "json: cannot unmarshal %s into Go struct field %s.%s of type string",
                              json_word(child), struct_name(t.name), key);
                } else if (w->mode == TYPECHECK_UNSTRUCTURED) {
                    set_error(w, true, "unrecognized type: string");
                }
            }
            continue;
        }
        w->go_struct = struct_name(t.name);
        size_t f = push(w->fields, &w->fields_len, ".", key);
        size_t s = push_field(w, key);
        json_t *repl = NULL;
        enum action a = walk(w, child, resolve(prop), t.name, false, &repl);
        if (a == DROP) {
            json_object_del(v, key);
        } else if (a == REPLACE) {
            json_object_set_new(v, key, repl);
        }
        pop(w->fields, &w->fields_len, f);
        pop(w->strict, &w->strict_len, s);
        w->go_struct = saved_struct;
    }
    return KEEP;
}

static enum action walk_map(struct walk *w, json_t *v, struct tref t, const char *owner)
{
    struct tref elem = elem_of(t);
    const char *key;
    json_t *child;
    void *tmp;
    json_object_foreach_safe (v, tmp, key, child) {
        if (w->stop) {
            break;
        }
        /* runtime's converter leaves map keys out of its paths. */
        size_t s = w->mode == TYPECHECK_UNSTRUCTURED ? w->strict_len : push_field(w, key);
        json_t *repl = NULL;
        enum action a = walk(w, child, elem, owner, false, &repl);
        if (a == DROP) {
            json_object_set_new(v, key, zero_of(elem));
        } else if (a == REPLACE) {
            json_object_set_new(v, key, repl);
        }
        pop(w->strict, &w->strict_len, s);
    }
    return KEEP;
}

static enum action walk_slice(struct walk *w, json_t *v, struct tref t, const char *owner)
{
    struct tref elem = elem_of(t);
    for (size_t i = 0; i < json_array_size(v) && !w->stop; i++) {
        char index[32];
        snprintf(index, sizeof index, "[%zu]", i);
        size_t s = push(w->strict, &w->strict_len, "", index);
        json_t *repl = NULL;
        enum action a = walk(w, json_array_get(v, i), elem, owner, false, &repl);
        if (a == DROP) {
            json_array_set_new(v, i, zero_of(elem));
        } else if (a == REPLACE) {
            json_array_set_new(v, i, repl);
        }
        pop(w->strict, &w->strict_len, s);
    }
    return KEEP;
}

/* A scalar field of a plain Go type: string, bool, an integer or float. */
static enum action walk_scalar(struct walk *w, json_t *v, struct tref t, const char *owner,
                               enum tkind kind, json_t **repl)
{
    char num[64];
    if (w->mode == TYPECHECK_APPLY) {
        if (kind == T_STRING && !json_is_string(v)) {
            cleanup_free char *shown = go_sharp(v);
            apply_error(w, "expected string, got &value.valueUnstructured{Value:%s}", shown);
        } else if (kind == T_BOOL && !json_is_boolean(v)) {
            cleanup_free char *shown = typecheck_go_format(v);
            apply_error(w, "expected boolean, got &{%s}", shown);
        } else if ((kind == T_INT32 || kind == T_INT64 || kind == T_FLOAT) && !json_is_number(v)) {
            apply_error(w, "expected numeric (int or float), got %s", go_type_of_value(v));
        }
        return KEEP;
    }
    if (w->mode == TYPECHECK_UNSTRUCTURED) {
        char type[GO_TYPE_MAX];
        go_type(t, owner, type, sizeof type);
        bool is_int = kind == T_INT32 || kind == T_INT64;
        if ((kind == T_STRING && json_is_string(v)) || (kind == T_BOOL && json_is_boolean(v)) ||
            (is_int && json_is_integer(v)) || (kind == T_FLOAT && json_is_number(v))) {
            return KEEP;
        }
        if (is_int && json_is_real(v) && json_real_value(v) == trunc(json_real_value(v))) {
            *repl = json_integer((json_int_t)json_real_value(v));
            return REPLACE;
        }
        if (json_is_number(v) && (kind == T_STRING || is_int || kind == T_FLOAT)) {
            set_error(w, true, "cannot convert %s to %s", go_kind(v), type);
        } else {
            set_error(w, true, "unrecognized type: %s",
                      kind == T_STRING ? "string"
                                       : (kind == T_BOOL ? "bool" : (is_int ? type : "float64")));
        }
        return KEEP;
    }
    switch (kind) {
    case T_STRING:
        if (!json_is_string(v)) {
            type_error(w, json_word(v), t, owner);
        }
        return KEEP;
    case T_BOOL:
        if (!json_is_boolean(v)) {
            type_error(w, json_word(v), t, owner);
        }
        return KEEP;
    case T_FLOAT:
        if (!json_is_number(v)) {
            type_error(w, json_word(v), t, owner);
        }
        return KEEP;
    default:
        break;
    }
    /* Integers: the literal must parse as one and fit. */
    if (!json_is_number(v)) {
        type_error(w, json_word(v), t, owner);
        return KEEP;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        bool integral = d == trunc(d) && fabs(d) < 9.2e18;
        if (w->from_yaml && integral) {
            /* YAMLToJSON writes 1.0 as 1. */
            *repl = json_integer((json_int_t)d);
            json_int_t i = (json_int_t)d;
            if (kind == T_INT64 || (i >= INT32_MIN && i <= INT32_MAX)) {
                return REPLACE;
            }
            json_decref(*repl);
            *repl = NULL;
        }
        format_real(d, num, sizeof num);
        cleanup_free char *what = xasprintf("number %s", num);
        type_error(w, what, t, owner);
        return KEEP;
    }
    json_int_t i = json_integer_value(v);
    if (kind == T_INT32 && (i < INT32_MIN || i > INT32_MAX)) {
        cleanup_free char *what = xasprintf("number %lld", (long long)i);
        type_error(w, what, t, owner);
    }
    return KEEP;
}

static enum action walk_intorstr(struct walk *w, json_t *v, json_t **repl)
{
    if (w->mode == TYPECHECK_APPLY) {
        if (json_is_object(v) || json_is_array(v)) {
            cleanup_free char *shown = typecheck_go_format(v);
            apply_error(w, "expected any scalar, got &{%s}", shown);
        }
        return KEEP;
    }
    if (json_is_string(v) || (json_is_integer(v) && json_integer_value(v) >= INT32_MIN &&
                              json_integer_value(v) <= INT32_MAX)) {
        return KEEP;
    }
    if (json_is_real(v) && w->from_yaml && json_real_value(v) == trunc(json_real_value(v)) &&
        fabs(json_real_value(v)) <= INT32_MAX) {
        *repl = json_integer((json_int_t)json_real_value(v));
        return REPLACE;
    }
    char num[64] = "";
    if (json_is_number(v)) {
        format_number(v, num, sizeof num);
    }
    /* IntOrString.UnmarshalJSON decodes non-strings into its int32 with encoding/json. */
    set_error(w, true, "json: cannot unmarshal %s%s%s into Go value of type int32", json_word(v),
              num[0] ? " " : "", num);
    return KEEP;
}

static enum action walk_time(struct walk *w, json_t *v, bool micro)
{
    if (w->mode == TYPECHECK_APPLY) {
        if (!json_is_string(v)) {
            cleanup_free char *shown = go_sharp(v);
            apply_error(w, "expected string, got &value.valueUnstructured{Value:%s}", shown);
        }
        return KEEP;
    }
    if (!json_is_string(v)) {
        set_error(w, true, "json: cannot unmarshal %s into Go value of type string", json_word(v));
        return KEEP;
    }
    char *err = parse_time_error(json_string_value(v), micro);
    if (err != NULL) {
        set_error(w, true, "%s", err);
        free(err);
    }
    return KEEP;
}

static enum action walk_bytes(struct walk *w, json_t *v, struct tref t, const char *owner)
{
    if (w->mode == TYPECHECK_APPLY) {
        if (!json_is_string(v)) {
            cleanup_free char *shown = go_sharp(v);
            apply_error(w, "expected string, got &value.valueUnstructured{Value:%s}", shown);
        }
        return KEEP;
    }
    if (json_is_string(v)) {
        long at = base64_error_at(json_string_value(v));
        if (at >= 0) {
            set_error(w, w->mode == TYPECHECK_UNSTRUCTURED,
                      "%sillegal base64 data at input byte %ld",
                      w->mode == TYPECHECK_UNSTRUCTURED ? "error decoding from json: " : "", at);
        }
        return KEEP;
    }
    if (w->mode == TYPECHECK_JSON && json_is_array(v)) {
        /* []byte from a JSON array: one uint8 per element. */
        size_t i;
        json_t *b;
        json_array_foreach (v, i, b) {
            if (json_is_integer(b) && json_integer_value(b) >= 0 && json_integer_value(b) <= 255) {
                continue;
            }
            char what[80];
            snprintf(what, sizeof what, "%s", json_word(b));
            if (json_is_number(b)) {
                char num[64];
                format_number(b, num, sizeof num);
                snprintf(what, sizeof what, "number %s", num);
            }
            set_error(w, false,
                      "json: cannot unmarshal %s into Go struct field %s.%s of type uint8", what,
                      w->go_struct ? w->go_struct : "", w->fields);
        }
        return KEEP;
    }
    if (w->mode == TYPECHECK_JSON) {
        type_error(w, json_word(v), t, owner);
    } else {
        set_error(w, true, "cannot restore slice from %s", go_kind(v));
    }
    return KEEP;
}

static enum action walk(struct walk *w, json_t *v, struct tref t, const char *owner, bool root,
                        json_t **repl)
{
    enum tkind kind = kind_of(t);
    if (kind == T_ANY) {
        return KEEP;
    }
    if (json_is_null(v)) {
        /* encoding/json leaves the zero value: the field is as good as absent. */
        return w->mode == TYPECHECK_APPLY ? KEEP : DROP;
    }
    switch (kind) {
    case T_STRUCT:
        return wrong_container(w, v, t, owner, kind) ? KEEP : walk_struct(w, v, t, root);
    case T_MAP:
        return wrong_container(w, v, t, owner, kind) ? KEEP : walk_map(w, v, t, owner);
    case T_SLICE:
        return wrong_container(w, v, t, owner, kind) ? KEEP : walk_slice(w, v, t, owner);
    case T_BYTES:
        return walk_bytes(w, v, t, owner);
    case T_QUANTITY: {
        if (w->mode == TYPECHECK_APPLY) {
            return walk_intorstr(w, v, repl);
        }
        char *canonical = check_quantity(w, v);
        if (canonical == NULL) {
            return KEEP;
        }
        *repl = json_string(canonical);
        free(canonical);
        return REPLACE;
    }
    case T_INTORSTR:
        return walk_intorstr(w, v, repl);
    case T_TIME:
    case T_MICROTIME:
        return walk_time(w, v, kind == T_MICROTIME);
    default:
        return walk_scalar(w, v, t, owner, kind, repl);
    }
}

/* ---- Entry points ---- */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

bool typecheck_value(const char *type, json_t *obj, enum typecheck_mode mode, bool from_yaml,
                     struct typecheck_result *out)
{
    pthread_once(&schemas_once, build_schemas);
    out->error = NULL;
    out->unknown = json_array();
    const json_t *schema = json_object_get(all_schemas, type);
    if (schema == NULL) {
        return true; /* a kind without a schema yet passes as it is */
    }
    struct walk w = {.mode = mode, .from_yaml = from_yaml, .unknown = out->unknown};
    w.apply_errs = json_array();
    json_t *repl = NULL;
    walk(&w, obj, (struct tref){schema, type}, NULL, true, &repl);
    json_decref(repl);
    if (mode == TYPECHECK_APPLY && json_array_size(w.apply_errs) > 0) {
        free(w.error);
        size_t n = json_array_size(w.apply_errs);
        if (n == 1) {
            w.error = xstrdup(json_string_value(json_array_get(w.apply_errs, 0)));
        } else {
            size_t len = strlen("errors:") + 1;
            for (size_t i = 0; i < n; i++) {
                len += strlen(json_string_value(json_array_get(w.apply_errs, i))) + 3;
            }
            w.error = xmalloc(len);
            strcpy(w.error, "errors:");
            for (size_t i = 0; i < n; i++) {
                strcat(w.error, "\n  ");
                strcat(w.error, json_string_value(json_array_get(w.apply_errs, i)));
            }
        }
    }
    json_decref(w.apply_errs);
    if (mode == TYPECHECK_UNSTRUCTURED && json_array_size(out->unknown) > 1) {
        /* FromUnstructuredWithValidation sorts its unknown-field errors. */
        size_t n = json_array_size(out->unknown);
        json_t **items = xcalloc(n, sizeof *items);
        for (size_t i = 0; i < n; i++) {
            items[i] = json_incref(json_array_get(out->unknown, i));
        }
        qsort(items, n, sizeof *items, compare_strings);
        json_array_clear(out->unknown);
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(out->unknown, items[i]);
        }
        free(items);
    }
    out->error = w.error;
    return out->error == NULL;
}

void typecheck_result_free(struct typecheck_result *r)
{
    free(r->error);
    r->error = NULL;
    json_decref(r->unknown);
    r->unknown = NULL;
}

char *typecheck_strict_message(const json_t *unknown)
{
    size_t len = strlen("strict decoding error: ") + 1;
    size_t i;
    const json_t *e;
    json_array_foreach (unknown, i, e) {
        len += strlen(json_string_value(e)) + 2;
    }
    char *out = xmalloc(len);
    strcpy(out, "strict decoding error: ");
    json_array_foreach (unknown, i, e) {
        if (i > 0) {
            strcat(out, ", ");
        }
        strcat(out, json_string_value(e));
    }
    return out;
}

const char *typecheck_kind_schema(const char *group, const char *version, const char *kind,
                                  const char *subresource, char *buf, size_t size)
{
    if (subresource != NULL && subresource[0] != '\0' && strcmp(subresource, "status") != 0) {
        static const struct {
            const char *sub, *schema;
        } subs[] = {
            {"scale", "io.k8s.api.autoscaling.v1.Scale"},
            {"eviction", "io.k8s.api.policy.v1.Eviction"},
            {"binding", "io.k8s.api.core.v1.Binding"},
            {"token", "io.k8s.api.authentication.v1.TokenRequest"},
        };
        for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
            if (strcmp(subs[i].sub, subresource) == 0) {
                snprintf(buf, size, "%s", subs[i].schema);
                return buf;
            }
        }
        return NULL;
    }
    size_t pkg = strcspn(group, ".");
    snprintf(buf, size, "io.k8s.api.%.*s.%s.%s", pkg == 0 ? 4 : (int)pkg, pkg == 0 ? "core" : group,
             version, kind);
    return buf;
}
