/* kubectl explain's plaintext output (kubectl 1.32, pkg/explain/v2/templates/plaintext.tmpl and
 * funcs.go) rendered from an OpenAPI v3 document, and client-go's JSONPath parsing of the
 * "TYPE.field.path" argument. The template's Go semantics are kept where they show: map keys
 * in sorted order, "truthy" values, the ref history that stops cycles, go-wordwrap. */
#include "explain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "describe.h"
#include "jsonpath.h"
#include "xalloc.h"

/* ---- Runes and go-wordwrap ------------------------------------------------------------- */

/* Decodes one UTF-8 rune at s (len > 0 bytes); *width gets its length. Invalid bytes decode as
 * U+FFFD of width 1, as Go's range over a string. */
static unsigned decode_rune(const unsigned char *s, size_t len, size_t *width)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 1) {
        *width = 1;
        return c;
    }
    if (n == 0 || n > len) {
        *width = 1;
        return 0xFFFD;
    }
    unsigned r = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *width = 1;
            return 0xFFFD;
        }
        r = (r << 6) | (s[i] & 0x3F);
    }
    *width = n;
    return r;
}

/* Go's unicode.IsSpace. */
static bool rune_is_space(unsigned r)
{
    switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    default:
        return r >= 0x2000 && r <= 0x200A;
    }
}

/* A run of the input: go-wordwrap's word and space buffers only ever hold consecutive runes. */
struct run {
    size_t start, bytes, runes;
};

static void put_run(FILE *out, const char *s, struct run *r)
{
    fwrite(s + r->start, 1, r->bytes, out);
    *r = (struct run){0};
}

static void extend_run(struct run *r, size_t at, size_t width)
{
    if (r->bytes == 0) {
        r->start = at;
    }
    r->bytes += width;
    r->runes++;
}

char *explain_wrap(const char *s, unsigned lim)
{
    char *text = NULL;
    size_t size = 0, current = 0, len = strlen(s);
    FILE *out = open_memstream(&text, &size);
    if (out == NULL) {
        abort();
    }
    struct run word = {0}, space = {0};
    for (size_t i = 0, w = 0; i < len; i += w) {
        unsigned r = decode_rune((const unsigned char *)s + i, len - i, &w);
        if (r == '\n') {
            if (word.bytes == 0) {
                if (current + space.runes > lim) {
                    current = 0;
                } else {
                    current += space.runes;
                    put_run(out, s, &space);
                }
                space = (struct run){0};
            } else {
                current += space.runes + word.runes;
                put_run(out, s, &space);
                put_run(out, s, &word);
            }
            fputc('\n', out);
            current = 0;
        } else if (rune_is_space(r) && r != 0xA0) {
            if (space.bytes == 0 || word.bytes > 0) {
                current += space.runes + word.runes;
                put_run(out, s, &space);
                put_run(out, s, &word);
            }
            extend_run(&space, i, w);
        } else {
            extend_run(&word, i, w);
            if (current + word.runes + space.runes > lim && word.runes < lim) {
                fputc('\n', out);
                current = 0;
                space = (struct run){0};
            }
        }
    }
    if (word.bytes == 0) {
        if (current + space.runes <= lim) {
            put_run(out, s, &space);
        }
    } else {
        put_run(out, s, &space);
        put_run(out, s, &word);
    }
    fclose(out);
    return text;
}

/* ---- Template helpers ------------------------------------------------------------------ */

/* Go template truth: non-empty maps, lists and strings, non-zero numbers, true. */
static bool truthy(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT:
        return json_object_size(v) > 0;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0;
    case JSON_TRUE:
        return true;
    default:
        return false;
    }
}

static const json_t *field(const json_t *schema, const char *key)
{
    return json_is_object(schema) ? json_object_get(schema, key) : NULL;
}

/* funcs.go resolveRef: a "#/a/b" reference walked through the document's maps, or NULL. */
static const json_t *resolve_ref(const json_t *doc, const json_t *ref)
{
    const char *s = json_string_value(ref);
    if (s == NULL || s[0] != '#') {
        return NULL;
    }
    const json_t *cur = doc;
    cleanup_free char *copy = xstrdup(s + 1);
    char *save = NULL;
    for (char *k = strtok_r(copy, "/", &save); k; k = strtok_r(NULL, "/", &save)) {
        cur = field(cur, k);
        if (!json_is_object(cur)) {
            return NULL;
        }
    }
    return cur;
}

/* The template's `or (resolveRef $ref $.Document) $.schema`. */
static const json_t *resolved(const json_t *doc, const json_t *schema)
{
    const json_t *r = resolve_ref(doc, field(schema, "$ref"));
    return truthy(r) ? r : schema;
}

/* additionalProperties when it is a schema (not a boolean) and not empty. */
static const json_t *map_values(const json_t *schema)
{
    const json_t *ap = field(schema, "additionalProperties");
    return truthy(ap) && !json_is_boolean(ap) ? ap : NULL;
}

static const char *ref_string(const json_t *schema)
{
    const char *s = json_string_value(field(schema, "$ref"));
    return s ? s : "";
}

/* The refs followed so far (the template's history dict), a list on the stack. */
struct history {
    const char *ref;
    const struct history *prev;
};

static bool history_has(const struct history *h, const char *ref)
{
    for (; h; h = h->prev) {
        if (strcmp(h->ref, ref) == 0) {
            return true;
        }
    }
    return false;
}

/* funcs.go indent: pad before the text and after each newline. */
static void put_indented(FILE *f, const char *s, int amount)
{
    fprintf(f, "%*s", amount, "");
    for (; *s; s++) {
        fputc(*s, f);
        if (*s == '\n') {
            fprintf(f, "%*s", amount, "");
        }
    }
}

static void put_wrapped(FILE *f, const char *s, unsigned lim, int amount)
{
    cleanup_free char *w = explain_wrap(s, lim);
    put_indented(f, w, amount);
}

/* ---- The template's sub-templates ------------------------------------------------------ */

struct render {
    const json_t *doc;
    bool recursive;
};

/* "typeGuess": []T, map[string]T, the referenced type's name, or the JSON type. */
static void type_guess(FILE *f, const json_t *doc, const json_t *schema)
{
    const json_t *all_of = field(schema, "allOf");
    const json_t *ref = field(schema, "$ref");
    if (!truthy(schema)) {
        /* kubectl fails the whole template here; say "Object" rather than nothing */
        fputs("Object", f);
    } else if (truthy(field(schema, "items"))) {
        fputs("[]", f);
        type_guess(f, doc, field(schema, "items"));
    } else if (map_values(schema)) {
        fputs("map[string]", f);
        type_guess(f, doc, map_values(schema));
    } else if (truthy(all_of) && !truthy(field(schema, "properties")) &&
               json_array_size(all_of) == 1) {
        type_guess(f, doc, json_array_get(all_of, 0));
    } else if (truthy(ref)) {
        const json_t *target = resolve_ref(doc, ref);
        const char *type = json_string_value(field(target, "type"));
        if (!truthy(target) || type == NULL || *type == '\0' || strcmp(type, "object") == 0) {
            const char *s = json_string_value(ref);
            const char *name = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
            const char *last = strrchr(name, '.') ? strrchr(name, '.') + 1 : name;
            fputs(*last ? last : "Object", f);
        } else {
            fputs(type, f);
        }
    } else {
        const char *type = json_string_value(field(schema, "type"));
        fputs(type == NULL || *type == '\0' || strcmp(type, "object") == 0 ? "Object" : type, f);
    }
}

/* "extractEnum": "\n<pad>enum: A, B, C, D, ...." (short) or "ENUM:\n    A\n    B" (long). */
static void extract_enum(FILE *f, const json_t *schema, bool long_view, int limit, int indent)
{
    const json_t *values = field(schema, "enum");
    if (!truthy(values) || !json_is_array(values)) {
        return;
    }
    if (long_view) {
        fputs("ENUM:", f);
    } else {
        fprintf(f, "\n%*senum: ", indent, "");
    }
    size_t i;
    const json_t *v;
    json_array_foreach (values, i, v) {
        if (limit > -1 && i >= (size_t)limit) {
            fputs(", ....", f);
            break;
        }
        if (i > 0 && !long_view) {
            fputs(", ", f);
        } else if (long_view) {
            fputs("\n    ", f);
        }
        if (json_is_string(v)) {
            fputs(json_string_length(v) == 0 ? "\"\"" : json_string_value(v), f);
        } else {
            cleanup_free char *text = jsonpath_go_value(v);
            fputs(text, f);
        }
    }
}

static bool is_required(const json_t *schema, const char *name)
{
    size_t i;
    const json_t *v;
    json_array_foreach (field(schema, "required"), i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0) {
            return true;
        }
    }
    return false;
}

/* "fieldDetail": one field of schema; with short only its line. */
static void field_detail(FILE *f, const json_t *doc, const json_t *schema, const char *name,
                         bool short_view, int level)
{
    int indent = level * 2;
    const json_t *fs = field(field(schema, "properties"), name);
    fprintf(f, "%*s%s\t<", indent, "", name);
    type_guess(f, doc, fs);
    fputc('>', f);
    if (is_required(schema, name)) {
        fputs(" -required-", f);
    }
    extract_enum(f, fs, false, 4, indent);
    fputc('\n', f);
    if (!short_view) {
        const char *desc = json_string_value(field(fs, "description"));
        put_wrapped(f, desc && *desc ? desc : "<no description>", (unsigned)(78 - indent),
                    indent + 2);
        fputs("\n\n", f);
    }
}

/* "fieldList": the fields of schema (refs, allOf, items and map values followed); with
 * recursive, their fields below them, a ref seen before on the way cutting the descent. */
static void field_list(FILE *f, const struct render *r, const json_t *schema, int level,
                       const struct history *h)
{
    const char *ref = ref_string(schema);
    if (*ref && history_has(h, ref)) {
        return;
    }
    struct history next = {ref, h};
    const json_t *res = resolved(r->doc, schema);
    const json_t *props = field(res, "properties");
    if (json_is_object(props)) {
        size_t n;
        cleanup_free const char **keys = sorted_keys(props, &n);
        for (size_t i = 0; i < n; i++) {
            field_detail(f, r->doc, res, keys[i], r->recursive, level);
            if (r->recursive) {
                field_list(f, r, json_object_get(props, keys[i]), level + 1, &next);
            }
        }
    }
    size_t i;
    const json_t *sub;
    json_array_foreach (field(res, "allOf"), i, sub) {
        field_list(f, r, sub, level, &next);
    }
    if (truthy(field(res, "items"))) {
        field_list(f, r, field(res, "items"), level, &next);
    }
    if (map_values(res)) {
        field_list(f, r, map_values(res), level, &next);
    }
}

/* "description": the schema's description and those of its allOf, items and map values, each
 * ending with a newline. */
static void description(FILE *f, const json_t *doc, const json_t *schema)
{
    const json_t *res = resolved(doc, schema);
    if (!truthy(res)) {
        return;
    }
    const char *desc = json_string_value(field(res, "description"));
    if (desc && *desc) {
        fprintf(f, "%s\n", desc);
    }
    size_t i;
    const json_t *sub;
    json_array_foreach (field(res, "allOf"), i, sub) {
        description(f, doc, sub);
    }
    if (truthy(field(res, "items"))) {
        description(f, doc, field(res, "items"));
    }
    if (map_values(res)) {
        description(f, doc, map_values(res));
    }
}

/* Runs call, which writes to stream, into text (the template's include; owned text). */
#define CAPTURE(text, stream, call)                             \
    do {                                                        \
        size_t capture_size_ = 0;                               \
        FILE *stream = open_memstream(&(text), &capture_size_); \
        if (stream == NULL) {                                   \
            abort();                                            \
        }                                                       \
        call;                                                   \
        fclose(stream);                                         \
    } while (0)

static void output(FILE *f, const struct render *r, const json_t *schema, const struct history *h,
                   char *const *fields, size_t nfields);

/* "output" with FieldPath empty: DESCRIPTION and FIELDS of schema. */
static void output_here(FILE *f, const struct render *r, const json_t *res)
{
    cleanup_free char *desc = NULL;
    CAPTURE(desc, d, description(d, r->doc, res));
    fputs("DESCRIPTION:\n", f);
    put_wrapped(f, *desc ? desc : "<empty>", 76, 4);
    fputc('\n', f);
    cleanup_free char *list = NULL;
    CAPTURE(list, l, field_list(l, r, res, 1, NULL));
    if (*list) {
        fprintf(f, "FIELDS:\n%s", list);
    }
}

/* "output": follows the field path through properties, array items, map values and allOf
 * alternatives; prints nothing when the path leads nowhere. */
static void output(FILE *f, const struct render *r, const json_t *schema, const struct history *h,
                   char *const *fields, size_t nfields)
{
    const char *ref = ref_string(schema);
    struct history next = {ref, h};
    const json_t *res = resolved(r->doc, schema);
    const json_t *props = field(res, "properties");
    const json_t *sub = nfields ? field(props, fields[0]) : NULL;
    if (nfields == 0) {
        output_here(f, r, res);
    } else if (*ref && history_has(h, ref)) {
        return; /* a cycle */
    } else if (truthy(props) && truthy(sub)) {
        if (nfields == 1) {
            fprintf(f, "FIELD: %s <", fields[0]);
            type_guess(f, r->doc, sub);
            fputs(">\n", f);
            extract_enum(f, sub, true, -1, 0);
            fputs("\n\n", f);
        }
        output(f, r, sub, NULL, fields + 1, nfields - 1);
    } else if (truthy(field(res, "items"))) {
        output(f, r, field(res, "items"), &next, fields, nfields);
    } else if (map_values(res)) {
        output(f, r, map_values(res), &next, fields, nfields);
    } else {
        size_t i;
        const json_t *alt;
        json_array_foreach (field(res, "allOf"), i, alt) {
            cleanup_free char *text = NULL;
            CAPTURE(text, o, output(o, r, alt, &next, fields, nfields));
            if (*text) {
                fputs(text, f);
                break;
            }
        }
    }
}

/* The GroupVersionKind of the resource from its operations, as the template searches them
 * (a later path's operation without one resets it, as the template's assignment does). */
static const json_t *find_gvk(const json_t *doc, const struct explain_request *req)
{
    cleanup_free char *prefix = *req->group ? xasprintf("/apis/%s/%s", req->group, req->version)
                                            : xasprintf("/api/%s", req->version);
    char *paths[4] = {
        xasprintf("%s/%s", prefix, req->resource),
        xasprintf("%s/%s/{name}", prefix, req->resource),
        xasprintf("%s/namespaces/{namespace}/%s", prefix, req->resource),
        xasprintf("%s/namespaces/{namespace}/%s/{name}", prefix, req->resource),
    };
    static const char *const methods[] = {"get", "post", "put", "patch", "delete"};
    const json_t *gvk = NULL;
    for (size_t i = 0; i < 4; i++) {
        const json_t *item = field(field(doc, "paths"), paths[i]);
        for (size_t m = 0; truthy(item) && m < 5; m++) {
            const json_t *op = field(item, methods[m]);
            if (truthy(op)) {
                gvk = field(op, "x-kubernetes-group-version-kind");
                if (truthy(gvk)) {
                    break;
                }
            }
        }
        free(paths[i]);
    }
    return gvk;
}

static bool list_contains(const json_t *list, const json_t *value)
{
    size_t i;
    const json_t *v;
    json_array_foreach (list, i, v) {
        if (json_equal(v, value)) {
            return true;
        }
    }
    return false;
}

/* Go's %v of a map[string]interface{} of strings: "map[group:apps kind:X version:v1]". */
static char *go_map_text(const json_t *obj)
{
    size_t n, size = 0;
    char *text = NULL;
    FILE *out = open_memstream(&text, &size);
    if (out == NULL) {
        abort();
    }
    cleanup_free const char **keys = sorted_keys(obj, &n);
    fputs("map[", out);
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *v = jsonpath_go_value(json_object_get(obj, keys[i]));
        fprintf(out, "%s%s:%s", i ? " " : "", keys[i], v);
    }
    fputc(']', out);
    fclose(out);
    return text;
}

/* {{ $gvk.key }}: the value, or Go's "<no value>" for a missing key. */
static const char *gvk_text(const json_t *gvk, const char *key)
{
    const char *s = json_string_value(field(gvk, key));
    return s ? s : "<no value>";
}

/* The "schema" template: the first component (in name order) with the GVK, rendered. Returns
 * 0, or -ENOENT with kubectl's message. */
static int render_schema(FILE *f, const struct render *r, const json_t *gvk,
                         const struct explain_request *req, struct err *err)
{
    const json_t *schemas = field(field(r->doc, "components"), "schemas");
    size_t n = 0;
    cleanup_free const char **names = json_is_object(schemas) ? sorted_keys(schemas, &n) : NULL;
    for (size_t i = 0; i < n; i++) {
        const json_t *schema = json_object_get(schemas, names[i]);
        if (!list_contains(field(schema, "x-kubernetes-group-version-kind"), gvk)) {
            continue;
        }
        cleanup_free char *text = NULL;
        CAPTURE(text, o, output(o, r, schema, NULL, req->fields, req->nfields));
        if (*text == '\0') {
            return err_set(err, ENOENT, "error: field \"%s\" does not exist",
                           req->nfields ? req->fields[req->nfields - 1] : "");
        }
        fprintf(f, "%s\n", text);
        return 0;
    }
    cleanup_free char *gvk_go = go_map_text(gvk);
    return err_set(err, ENOENT, "error: GVK %s not found in OpenAPI schema", gvk_go);
}

int explain_render(const json_t *doc, const struct explain_request *req, char **out,
                   struct err *err)
{
    struct render r = {doc, req->recursive};
    const json_t *gvk = find_gvk(doc, req);
    size_t size = 0;
    FILE *f = open_memstream(out, &size);
    if (f == NULL) {
        abort();
    }
    int rc;
    if (!truthy(gvk)) {
        rc = err_set(err, ENOENT, "error: GVR (%s/%s, Resource=%s) not found in OpenAPI schema",
                     req->group, req->version, req->resource);
    } else {
        if (truthy(field(gvk, "group"))) {
            fprintf(f, "GROUP:      %s\n", gvk_text(gvk, "group"));
        }
        fprintf(f, "KIND:       %s\nVERSION:    %s\n\n", gvk_text(gvk, "kind"),
                gvk_text(gvk, "version"));
        rc = render_schema(f, &r, gvk, req, err);
    }
    fclose(f);
    return rc;
}

/* ---- client-go's JSONPath parser, as far as explain needs it --------------------------- */

struct parser {
    const char *in;
    size_t len, pos, start, width;
    struct explain_nodes *cur; /* the action being parsed */
    size_t lists;              /* top-level nodes (actions and text) */
};

static unsigned next_rune(struct parser *p)
{
    if (p->pos >= p->len) {
        p->width = 0;
        return (unsigned)-1;
    }
    unsigned r = decode_rune((const unsigned char *)p->in + p->pos, p->len - p->pos, &p->width);
    p->pos += p->width;
    return r;
}

static void backup(struct parser *p)
{
    p->pos -= p->width;
}

static unsigned peek_rune(struct parser *p)
{
    unsigned r = next_rune(p);
    backup(p);
    return r;
}

#define END_OF_INPUT ((unsigned)-1)

static bool is_terminator(unsigned r)
{
    return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == END_OF_INPUT || r == '.' ||
           r == ',' || r == '[' || r == ']' || r == '$' || r == '@' || r == '{' || r == '}';
}

/* unicode.IsLetter || IsDigit || '_', with every non-ASCII rune taken as a letter. */
static bool is_alnum(unsigned r)
{
    return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
           (r >= 0x80 && r != END_OF_INPUT);
}

static void add_node(struct parser *p, enum explain_node_type type, char *value)
{
    struct explain_nodes *n = p->cur;
    n->v = xrealloc(n->v, (n->n + 1) * sizeof *n->v);
    n->v[n->n++] = (struct explain_node){type, value};
}

static void consume(struct parser *p)
{
    p->start = p->pos;
}

static int parse_inside(struct parser *p, struct err *err);
static int parse_text(struct parser *p, struct err *err);

/* client-go's parseAction: text as one action; its nodes are appended to p's current list. */
static int parse_sub_action(struct parser *p, const char *text, struct err *err)
{
    cleanup_free char *wrapped = xasprintf("{%s}", text);
    struct explain_nodes nodes = {0};
    struct parser sub = {wrapped, strlen(wrapped), 0, 0, 0, &nodes, 0};
    int rc = parse_text(&sub, err);
    for (size_t i = 0; rc == 0 && i < nodes.n; i++) {
        add_node(p, nodes.v[i].type, nodes.v[i].value);
        nodes.v[i].value = NULL;
    }
    explain_nodes_free(&nodes);
    return rc;
}

static int parse_field(struct parser *p, struct err *err)
{
    consume(p);
    for (;;) {
        unsigned r = next_rune(p);
        if (r == '\\') {
            next_rune(p);
        } else if (is_terminator(r)) {
            backup(p);
            break;
        }
    }
    size_t n = p->pos - p->start;
    if (n == 1 && p->in[p->start] == '*') {
        add_node(p, EXPLAIN_OTHER, NULL);
    } else {
        char *value = xstrndup(p->in + p->start, n), *w = value;
        for (const char *s = value; *s; s++) {
            if (*s != '\\') {
                *w++ = *s;
            }
        }
        *w = '\0';
        add_node(p, EXPLAIN_FIELD, value);
    }
    consume(p);
    return parse_inside(p, err);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

/* sliceOperatorRex ^(-?\d*)(:-?\d*)?(:-?\d*)?$ and the index conversions after it. */
static int check_slice(const char *text, struct err *err)
{
    size_t parts = 0;
    for (const char *s = text;; s++) {
        size_t n = strcspn(s, ":");
        bool neg = n > 0 && s[0] == '-';
        if (++parts > 3 || !all_digits(s + neg, n - neg)) {
            return err_set(err, EINVAL, "invalid array index %s", text);
        }
        if (neg && n == 1) {
            return err_set(err, EINVAL, "array index - is not a number");
        }
        s += n;
        if (*s == '\0') {
            return 0;
        }
    }
}

static int parse_array(struct parser *p, struct err *err)
{
    for (;;) {
        unsigned r = next_rune(p);
        if (r == END_OF_INPUT || r == '\n') {
            return err_set(err, EINVAL, "unterminated array");
        }
        if (r == ']') {
            break;
        }
    }
    cleanup_free char *text = xstrndup(p->in + p->start + 1, p->pos - p->start - 2);
    consume(p);
    if (strcmp(text, "*") == 0) {
        text[0] = ':';
    }
    if (strchr(text, ',') != NULL) { /* a union */
        char *save = NULL;
        struct explain_nodes ignored = {0};
        struct explain_nodes *cur = p->cur;
        p->cur = &ignored;
        int rc = 0;
        for (char *part = strtok_r(text, ",", &save); part && rc == 0;
             part = strtok_r(NULL, ",", &save)) {
            while (*part == ' ') {
                part++;
            }
            size_t n = strlen(part);
            while (n > 0 && part[n - 1] == ' ') {
                part[--n] = '\0';
            }
            cleanup_free char *sub = xasprintf("[%s]", part);
            rc = parse_sub_action(p, sub, err);
        }
        explain_nodes_free(&ignored);
        p->cur = cur;
        if (rc != 0) {
            return rc;
        }
        add_node(p, EXPLAIN_OTHER, NULL);
        return parse_inside(p, err);
    }
    size_t n = strlen(text);
    if (n >= 2 && text[0] == '\'' && text[n - 1] == '\'' && memchr(text + 1, '\'', n - 2) == NULL) {
        text[n - 1] = '\0';
        cleanup_free char *sub = xasprintf(".%s", text + 1);
        if (parse_sub_action(p, sub, err) != 0) {
            return -EINVAL;
        }
        return parse_inside(p, err);
    }
    if (check_slice(text, err) != 0) {
        return -EINVAL;
    }
    add_node(p, EXPLAIN_OTHER, NULL);
    return parse_inside(p, err);
}

static int parse_filter(struct parser *p, struct err *err)
{
    p->pos += 3;
    consume(p);
    bool begin = false, end = false;
    unsigned pair = 0;
    for (;;) {
        unsigned r = next_rune(p);
        if (r == END_OF_INPUT || r == '\n') {
            return err_set(err, EINVAL, "unterminated filter");
        }
        if (r == '"' || r == '\'') {
            if (!begin) {
                begin = true;
                pair = r;
            } else if (p->in[p->pos - 2] != '\\' && r == pair) {
                end = true;
            }
        } else if (r == ')' && begin == end) {
            break;
        }
    }
    if (next_rune(p) != ']') {
        return err_set(err, EINVAL, "unclosed array expect ]");
    }
    consume(p);
    add_node(p, EXPLAIN_OTHER, NULL);
    return parse_inside(p, err);
}

static int parse_quote(struct parser *p, unsigned quote, struct err *err)
{
    for (;;) {
        unsigned r = next_rune(p);
        if (r == END_OF_INPUT || r == '\n') {
            return err_set(err, EINVAL, "unterminated quoted string");
        }
        if (r == quote && p->in[p->pos - 2] != '\\') {
            break;
        }
    }
    consume(p);
    add_node(p, EXPLAIN_OTHER, NULL);
    return parse_inside(p, err);
}

static int parse_number(struct parser *p, struct err *err)
{
    unsigned r = peek_rune(p);
    if (r == '+' || r == '-') {
        next_rune(p);
    }
    for (;;) {
        r = next_rune(p);
        if (r != '.' && !(r >= '0' && r <= '9')) {
            backup(p);
            break;
        }
    }
    cleanup_free char *value = xstrndup(p->in + p->start, p->pos - p->start);
    consume(p);
    char *end = NULL;
    strtod(value, &end);
    const char *digits = value + (value[0] == '+' || value[0] == '-');
    if (*digits == '\0' || end == NULL || *end != '\0' ||
        strspn(digits, "0123456789.") != strlen(digits)) {
        return err_set(err, EINVAL, "cannot parse number %s", value);
    }
    add_node(p, EXPLAIN_OTHER, NULL);
    return parse_inside(p, err);
}

static int parse_identifier(struct parser *p, struct err *err)
{
    while (!is_terminator(next_rune(p))) {
    }
    backup(p);
    consume(p);
    add_node(p, EXPLAIN_OTHER, NULL);
    return parse_inside(p, err);
}

/* Go's %#U: "U+002C ','". */
static int unrecognized(struct parser *p, unsigned r, struct err *err)
{
    if (r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0)) {
        return err_set(err, EINVAL, "unrecognized character in action: U+%04X", r);
    }
    return err_set(err, EINVAL, "unrecognized character in action: U+%04X '%.*s'", r, (int)p->width,
                   p->in + p->pos - p->width);
}

static int parse_inside(struct parser *p, struct err *err)
{
    for (;;) {
        const char *at = p->in + p->pos;
        if (*at == '}') {
            p->pos++;
            consume(p);
            return parse_text(p, err);
        }
        if (strncmp(at, "[?(", 3) == 0) {
            return parse_filter(p, err);
        }
        if (strncmp(at, "..", 2) == 0) {
            if (p->cur->n > 0 && p->cur->v[p->cur->n - 1].type == EXPLAIN_RECURSIVE) {
                return err_set(err, EINVAL, "invalid multiple recursive descent");
            }
            p->pos += 2;
            consume(p);
            add_node(p, EXPLAIN_RECURSIVE, NULL);
            if (is_alnum(peek_rune(p))) {
                return parse_field(p, err);
            }
            continue;
        }
        unsigned r = next_rune(p);
        if (r == END_OF_INPUT || r == '\r' || r == '\n') {
            return err_set(err, EINVAL, "unclosed action");
        } else if (r == ' ' || r == '@' || r == '$') {
            consume(p);
        } else if (r == '[') {
            return parse_array(p, err);
        } else if (r == '"' || r == '\'') {
            return parse_quote(p, r, err);
        } else if (r == '.') {
            return parse_field(p, err);
        } else if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
            backup(p);
            return parse_number(p, err);
        } else if (is_alnum(r)) {
            backup(p);
            return parse_identifier(p, err);
        } else {
            return unrecognized(p, r, err);
        }
    }
}

/* Top level: text and {actions}; only the first action's nodes are kept. */
static int parse_text(struct parser *p, struct err *err)
{
    const char *open = strchr(p->in + p->pos, '{');
    if (open == NULL) {
        if (p->pos < p->len) {
            p->lists++;
        }
        return 0;
    }
    if ((size_t)(open - p->in) > p->start) {
        p->lists++;
    }
    p->pos = (size_t)(open - p->in) + 1;
    consume(p);
    if (p->lists++ > 0) {
        struct explain_nodes ignored = {0};
        struct explain_nodes *cur = p->cur;
        p->cur = &ignored;
        int rc = parse_inside(p, err);
        explain_nodes_free(&ignored);
        p->cur = cur;
        return rc;
    }
    return parse_inside(p, err);
}

int explain_parse_path(const char *text, struct explain_nodes *out, struct err *err)
{
    size_t n = strlen(text);
    if (n > 0 && text[n - 1] == '.') {
        n--;
    }
    cleanup_free char *input = xasprintf("{.%.*s}", (int)n, text);
    *out = (struct explain_nodes){0};
    struct parser p = {input, strlen(input), 0, 0, 0, out, 0};
    if (parse_text(&p, err) != 0) {
        explain_nodes_free(out);
        return -EINVAL;
    }
    if (p.lists != 1) {
        explain_nodes_free(out);
        return err_set(err, EINVAL, "must pass in 1 jsonpath string");
    }
    return 0;
}

void explain_nodes_free(struct explain_nodes *n)
{
    for (size_t i = 0; i < n->n; i++) {
        free(n->v[i].value);
    }
    free(n->v);
    *n = (struct explain_nodes){0};
}
