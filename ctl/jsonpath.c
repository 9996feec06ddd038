/* kubectl's JSONPath templates (jsonpath.h), evaluated as client-go's util/jsonpath walks
 * unstructured objects: each step maps a list of values to a list of values. */
#include "jsonpath.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "printers.h"
#include "strbuf.h"
#include "xalloc.h"

enum step_type {
    ST_FIELD,     /* name ("" = the value itself) */
    ST_WILDCARD,  /* * */
    ST_RECURSIVE, /* .. */
    ST_ARRAY,     /* [start:end:step] */
    ST_UNION,     /* [a,b] */
    ST_FILTER,    /* [?(left op right)] */
    ST_LITERAL,   /* "text" or a filter's constant */
};

struct chain;

struct step {
    enum step_type type;
    char *name;
    bool known[3], derived_end;
    long long v[3];
    struct step *alts; /* union members */
    size_t nalts;
    struct chain *left, *right;
    char op[3];
    json_t *literal;
};

struct chain {
    struct step *steps;
    size_t n;
};

enum item_type { IT_TEXT, IT_ACTION, IT_RANGE, IT_END };

struct item {
    enum item_type type;
    char *text;
    struct chain chain;
    size_t end; /* IT_RANGE: index of its IT_END */
};

struct jsonpath {
    struct item *items;
    size_t n;
};

static void chain_free(struct chain *c);

static void step_free(struct step *s)
{
    free(s->name);
    for (size_t i = 0; i < s->nalts; i++) {
        step_free(&s->alts[i]);
    }
    free(s->alts);
    if (s->left) {
        chain_free(s->left);
        free(s->left);
    }
    if (s->right) {
        chain_free(s->right);
        free(s->right);
    }
    json_decref(s->literal);
}

static void chain_free(struct chain *c)
{
    for (size_t i = 0; i < c->n; i++) {
        step_free(&c->steps[i]);
    }
    free(c->steps);
    c->steps = NULL;
    c->n = 0;
}

void jsonpath_free(struct jsonpath *jp)
{
    if (jp == NULL) {
        return;
    }
    for (size_t i = 0; i < jp->n; i++) {
        free(jp->items[i].text);
        chain_free(&jp->items[i].chain);
    }
    free(jp->items);
    free(jp);
}

/* ---- parsing --------------------------------------------------------------------------- */

static struct step *push(struct chain *c, enum step_type type)
{
    c->steps = xrealloc(c->steps, (c->n + 1) * sizeof *c->steps);
    struct step *s = &c->steps[c->n++];
    memset(s, 0, sizeof *s);
    s->type = type;
    return s;
}

/* Reads a Go-quoted string at *p (quote char q) into an owned string; advances *p. */
static char *read_quoted(const char **p, char q, struct err *err)
{
    const char *s = *p + 1;
    size_t cap = strlen(s) + 1, n = 0;
    char *out = xmalloc(cap);
    while (*s && *s != q) {
        if (*s == '\\' && s[1]) {
            s++;
            char c = *s;
            out[n++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
        } else {
            out[n++] = *s;
        }
        s++;
    }
    if (*s != q) {
        free(out);
        err_set(err, EINVAL, "unterminated quoted string");
        return NULL;
    }
    out[n] = '\0';
    *p = s + 1;
    return out;
}

/* The position of the bracket closing the one at p (quote-aware), or NULL. */
static const char *matching(const char *p, char open, char close)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '\'' || *p == '"') {
            char q = *p;
            for (p++; *p && *p != q; p++) {
                if (*p == '\\' && p[1]) {
                    p++;
                }
            }
            if (!*p) {
                return NULL;
            }
        } else if (*p == open) {
            depth++;
        } else if (*p == close && --depth == 0) {
            return p;
        }
    }
    return NULL;
}

static int parse_chain(const char *s, size_t len, struct chain *c, struct err *err);

/* Drops spaces around s[0..*len). */
static void trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s)) {
        (*s)++, (*len)--;
    }
    while (*len && isspace((unsigned char)(*s)[*len - 1])) {
        (*len)--;
    }
}

static bool is_field_char(char ch)
{
    return ch != '\0' && strchr(" .[](){},=!<>'\"@$", ch) == NULL;
}

static int parse_int(const char *s, size_t len, long long *out)
{
    char buf[32];
    if (len == 0 || len >= sizeof buf) {
        return -EINVAL;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    *out = strtoll(buf, &end, 10);
    return *end == '\0' ? 0 : -EINVAL;
}

/* One union member or the whole of a bracket: 'name', *, n, a:b:c. */
static int parse_subscript(const char *s, size_t len, struct step *st, struct err *err)
{
    trim(&s, &len);
    if (len >= 2 && (s[0] == '\'' || s[0] == '"')) {
        const char *p = s;
        char *name = read_quoted(&p, s[0], err);
        if (name == NULL) {
            return -EINVAL;
        }
        st->type = ST_FIELD;
        st->name = name;
        return 0;
    }
    if (len == 1 && s[0] == '*') {
        st->type = ST_WILDCARD;
        return 0;
    }
    st->type = ST_ARRAY;
    const char *part = s;
    int idx = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == ':') {
            size_t plen = (size_t)(s + i - part);
            if (idx > 2) {
                return err_set(err, EINVAL, "invalid array index %.*s", (int)len, s);
            }
            if (plen > 0) {
                if (parse_int(part, plen, &st->v[idx]) != 0) {
                    return err_set(err, EINVAL, "invalid array index %.*s", (int)len, s);
                }
                st->known[idx] = true;
            }
            idx++;
            part = s + i + 1;
        }
    }
    if (idx == 1) { /* [n]: one element */
        st->v[1] = st->v[0] + 1;
        st->known[1] = true;
        st->derived_end = true;
    }
    return 0;
}

static json_t *parse_literal(const char *s, size_t len, struct err *err)
{
    trim(&s, &len);
    if (len >= 2 && (s[0] == '\'' || s[0] == '"')) {
        const char *p = s;
        char *text = read_quoted(&p, s[0], err);
        if (text == NULL) {
            return NULL;
        }
        json_t *v = json_string(text);
        free(text);
        return v;
    }
    char *copy = xstrndup(s, len);
    json_t *v = NULL;
    char *end;
    long long ll = strtoll(copy, &end, 10);
    if (*copy && *end == '\0') {
        v = json_integer(ll);
    } else {
        double d = strtod(copy, &end);
        if (*copy && *end == '\0') {
            v = json_real(d);
        } else if (strcmp(copy, "true") == 0 || strcmp(copy, "false") == 0) {
            v = json_boolean(strcmp(copy, "true") == 0);
        }
    }
    free(copy);
    return v;
}

static int parse_filter(const char *s, size_t len, struct step *st, struct err *err)
{
    static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">"};
    st->type = ST_FILTER;
    st->left = xcalloc(1, sizeof *st->left);
    const char *op = NULL;
    size_t oplen = 0;
    for (size_t i = 0; i < len && op == NULL; i++) {
        if (s[i] == '\'' || s[i] == '"') {
            const char *close = strchr(s + i + 1, s[i]);
            if (close == NULL) {
                break;
            }
            i = (size_t)(close - s);
            continue;
        }
        for (size_t k = 0; k < 6; k++) {
            if (strncmp(s + i, ops[k], strlen(ops[k])) == 0) {
                op = s + i;
                oplen = strlen(ops[k]);
                break;
            }
        }
    }
    if (op == NULL) {
        return parse_chain(s, len, st->left, err);
    }
    memcpy(st->op, op, oplen);
    if (parse_chain(s, (size_t)(op - s), st->left, err) != 0) {
        return -EINVAL;
    }
    const char *r = op + oplen;
    size_t rlen = len - (size_t)(r - s);
    st->literal = parse_literal(r, rlen, err);
    if (st->literal == NULL) {
        st->right = xcalloc(1, sizeof *st->right);
        return parse_chain(r, rlen, st->right, err);
    }
    return 0;
}

static int parse_chain(const char *s, size_t len, struct chain *c, struct err *err)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        if (isspace((unsigned char)*p) || *p == '$' || *p == '@') {
            p++;
        } else if (*p == '"' || *p == '\'') {
            char *text = read_quoted(&p, *p, err);
            if (text == NULL) {
                return -EINVAL;
            }
            struct step *st = push(c, ST_LITERAL);
            st->literal = json_string(text);
            free(text);
        } else if (p[0] == '.' && p + 1 < end && p[1] == '.') {
            push(c, ST_RECURSIVE);
            p += 2;
            if (p < end && *p == '*') {
                push(c, ST_WILDCARD);
                p++;
            } else if (p < end && is_field_char(*p)) {
                const char *q = p;
                while (q < end && is_field_char(*q)) {
                    q++;
                }
                push(c, ST_FIELD)->name = xstrndup(p, (size_t)(q - p));
                p = q;
            }
        } else if (*p == '.') {
            p++;
            if (p < end && *p == '*') {
                push(c, ST_WILDCARD);
                p++;
                continue;
            }
            const char *q = p;
            while (q < end && is_field_char(*q)) {
                q++;
            }
            push(c, ST_FIELD)->name = xstrndup(p, (size_t)(q - p));
            p = q;
        } else if (*p == '[') {
            const char *close = matching(p, '[', ']');
            if (close == NULL || close >= end) {
                return err_set(err, EINVAL, "unterminated array");
            }
            const char *in = p + 1;
            size_t inlen = (size_t)(close - in);
            if (inlen >= 2 && in[0] == '?' && in[1] == '(') {
                const char *rp = matching(in + 1, '(', ')');
                if (rp == NULL || rp > close) {
                    return err_set(err, EINVAL, "unterminated filter");
                }
                struct step *st = push(c, ST_FILTER);
                if (parse_filter(in + 2, (size_t)(rp - in - 2), st, err) != 0) {
                    return -EINVAL;
                }
            } else {
                /* split on commas outside quotes */
                size_t nparts = 1;
                char q = 0;
                for (size_t i = 0; i < inlen; i++) {
                    if (q) {
                        q = in[i] == q ? 0 : q;
                    } else if (in[i] == '\'' || in[i] == '"') {
                        q = in[i];
                    } else if (in[i] == ',') {
                        nparts++;
                    }
                }
                struct step *st = push(c, ST_UNION);
                if (nparts == 1) {
                    if (parse_subscript(in, inlen, st, err) != 0) {
                        return -EINVAL;
                    }
                } else {
                    st->alts = xcalloc(nparts, sizeof *st->alts);
                    const char *part = in;
                    q = 0;
                    for (size_t i = 0; i <= inlen; i++) {
                        if (i < inlen && q) {
                            q = in[i] == q ? 0 : q;
                        } else if (i < inlen && (in[i] == '\'' || in[i] == '"')) {
                            q = in[i];
                        } else if (i == inlen || in[i] == ',') {
                            if (parse_subscript(part, (size_t)(in + i - part),
                                                &st->alts[st->nalts++], err) != 0) {
                                return -EINVAL;
                            }
                            part = in + i + 1;
                        }
                    }
                }
            }
            p = close + 1;
        } else if (isdigit((unsigned char)*p) || *p == '-') {
            const char *q = p + 1;
            while (q < end && (isdigit((unsigned char)*q) || *q == '.')) {
                q++;
            }
            struct step *st = push(c, ST_LITERAL);
            st->literal = parse_literal(p, (size_t)(q - p), err);
            p = q;
        } else {
            return err_set(err, EINVAL, "unrecognized character in action: U+%04X '%c'",
                           (unsigned char)*p, *p);
        }
    }
    return 0;
}

static struct item *add_item(struct jsonpath *jp, enum item_type type)
{
    jp->items = xrealloc(jp->items, (jp->n + 1) * sizeof *jp->items);
    struct item *it = &jp->items[jp->n++];
    memset(it, 0, sizeof *it);
    it->type = type;
    return it;
}

struct jsonpath *jsonpath_parse(const char *text, struct err *err)
{
    struct jsonpath *jp = xcalloc(1, sizeof *jp);
    size_t stack[64], depth = 0;
    const char *p = text;
    while (*p) {
        const char *open = strchr(p, '{');
        if (open == NULL) {
            add_item(jp, IT_TEXT)->text = xstrdup(p);
            break;
        }
        if (open > p) {
            add_item(jp, IT_TEXT)->text = xstrndup(p, (size_t)(open - p));
        }
        const char *close = matching(open, '{', '}');
        if (close == NULL) {
            err_set(err, EINVAL, "unclosed action");
            goto fail;
        }
        const char *in = open + 1;
        size_t len = (size_t)(close - in);
        trim(&in, &len);
        if (len == 3 && strncmp(in, "end", 3) == 0) {
            if (depth == 0) {
                err_set(err, EINVAL, "not in range, nothing to end");
                goto fail;
            }
            jp->items[stack[--depth]].end = jp->n;
            add_item(jp, IT_END);
        } else if (len > 5 && strncmp(in, "range", 5) == 0 && !isalnum((unsigned char)in[5])) {
            if (depth == 64) {
                err_set(err, EINVAL, "ranges nested too deeply");
                goto fail;
            }
            stack[depth++] = jp->n;
            struct item *it = add_item(jp, IT_RANGE);
            if (parse_chain(in + 5, len - 5, &it->chain, err) != 0) {
                goto fail;
            }
        } else {
            struct item *it = add_item(jp, IT_ACTION);
            if (parse_chain(in, len, &it->chain, err) != 0) {
                goto fail;
            }
        }
        p = close + 1;
    }
    if (depth != 0) {
        err_set(err, EINVAL, "unclosed action");
        goto fail;
    }
    return jp;
fail:
    jsonpath_free(jp);
    return NULL;
}

/* ---- evaluation ------------------------------------------------------------------------ */

struct eval {
    bool allow_missing;
    struct err *err;
};

static json_t *eval_chain(struct eval *ev, const struct chain *c, json_t *input);

static void append_descendants(json_t *out, json_t *v)
{
    json_array_append(out, v);
    if (json_is_object(v)) {
        size_t n;
        const char *key;
        json_t *child;
        (void)n;
        json_object_foreach (v, key, child) {
            append_descendants(out, child);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach (v, i, child) {
            append_descendants(out, child);
        }
    }
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void append_children(json_t *out, json_t *v)
{
    if (json_is_object(v)) {
        size_t n = json_object_size(v), i = 0;
        const char **keys = xmalloc((n ? n : 1) * sizeof *keys);
        const char *key;
        json_t *child;
        json_object_foreach (v, key, child) {
            keys[i++] = key;
        }
        qsort(keys, n, sizeof *keys, compare_keys);
        for (i = 0; i < n; i++) {
            json_array_append(out, json_object_get(v, keys[i]));
        }
        free(keys);
    } else if (json_is_array(v)) {
        json_array_extend(out, v);
    }
}

static int eval_array(struct eval *ev, const struct step *st, json_t *v, json_t *out)
{
    if (!json_is_array(v)) {
        return 0;
    }
    long long len = (long long)json_array_size(v);
    long long a = st->known[0] ? st->v[0] : 0;
    long long b = st->known[1] ? st->v[1] : len;
    if (a < 0) {
        a += len;
    }
    if (b < 0 || (b == 0 && st->derived_end)) {
        b += len;
    }
    if (a == b) {
        return 0;
    }
    if (a >= len || a < 0 || b > len || b < 0) {
        return err_set(ev->err, EINVAL, "array index out of bounds: index %lld, length %lld",
                       a >= len || a < 0 ? a : b - 1, len);
    }
    if (a > b) {
        return err_set(ev->err, EINVAL, "starting index %lld is greater than ending index %lld", a,
                       b);
    }
    long long step = st->known[2] ? st->v[2] : 1;
    if (step <= 0) {
        return err_set(ev->err, EINVAL, "step must be > 0");
    }
    for (long long i = a; i < b; i += step) {
        json_array_append(out, json_array_get(v, (size_t)i));
    }
    return 0;
}

static int compare_values(const json_t *l, const json_t *r, const char *op, bool *out)
{
    int cmp;
    if (json_is_number(l) && json_is_number(r)) {
        double a = json_number_value(l), b = json_number_value(r);
        cmp = a < b ? -1 : a > b ? 1 : 0;
    } else if (json_is_string(l) && json_is_string(r)) {
        cmp = strcmp(json_string_value(l), json_string_value(r));
    } else {
        *out =
            strcmp(op, "!=") == 0 ? !json_equal(l, r) : (strcmp(op, "==") == 0 && json_equal(l, r));
        return 0;
    }
    *out = strcmp(op, "==") == 0   ? cmp == 0
           : strcmp(op, "!=") == 0 ? cmp != 0
           : strcmp(op, "<") == 0  ? cmp < 0
           : strcmp(op, ">") == 0  ? cmp > 0
           : strcmp(op, "<=") == 0 ? cmp <= 0
                                   : cmp >= 0;
    return 0;
}

static int eval_filter(struct eval *ev, const struct step *st, json_t *v, json_t *out)
{
    if (!json_is_array(v)) {
        return 0;
    }
    size_t i;
    json_t *el;
    json_array_foreach (v, i, el) {
        json_t *in = json_array();
        json_array_append(in, el);
        struct eval quiet = {true, ev->err};
        json_t *left = eval_chain(&quiet, st->left, in);
        bool keep = false;
        if (left != NULL && json_array_size(left) > 0) {
            if (st->op[0] == '\0') {
                keep = true;
            } else {
                json_t *right = NULL;
                if (st->literal) {
                    right = json_incref(st->literal);
                } else {
                    json_t *rr = eval_chain(&quiet, st->right, in);
                    right = rr && json_array_size(rr) ? json_incref(json_array_get(rr, 0)) : NULL;
                    json_decref(rr);
                }
                if (right != NULL) {
                    compare_values(json_array_get(left, 0), right, st->op, &keep);
                }
                json_decref(right);
            }
        }
        json_decref(left);
        json_decref(in);
        if (keep) {
            json_array_append(out, el);
        }
    }
    return 0;
}

static int eval_step(struct eval *ev, const struct step *st, json_t *v, json_t *out)
{
    switch (st->type) {
    case ST_FIELD:
        if (st->name[0] == '\0') {
            json_array_append(out, v);
        } else if (json_is_object(v) && json_object_get(v, st->name) != NULL) {
            json_array_append(out, json_object_get(v, st->name));
        }
        return 0;
    case ST_WILDCARD:
        append_children(out, v);
        return 0;
    case ST_RECURSIVE:
        append_descendants(out, v);
        return 0;
    case ST_ARRAY:
        return eval_array(ev, st, v, out);
    case ST_UNION:
        if (st->nalts == 0) {
            return 0;
        }
        for (size_t i = 0; i < st->nalts; i++) {
            if (eval_step(ev, &st->alts[i], v, out) != 0) {
                return -EINVAL;
            }
        }
        return 0;
    case ST_FILTER:
        return eval_filter(ev, st, v, out);
    case ST_LITERAL:
        json_array_append(out, st->literal);
        return 0;
    }
    return 0;
}

/* Returns a new array of the values the chain reaches from the values of input, or NULL with
 * ev->err filled. */
static json_t *eval_chain(struct eval *ev, const struct chain *c, json_t *input)
{
    json_t *cur = json_incref(input);
    for (size_t s = 0; s < c->n; s++) {
        const struct step *st = &c->steps[s];
        json_t *next = json_array();
        size_t i;
        json_t *v;
        if (st->type == ST_LITERAL) {
            json_array_append(next, st->literal);
        } else {
            json_array_foreach (cur, i, v) {
                if (eval_step(ev, st, v, next) != 0) {
                    json_decref(next);
                    json_decref(cur);
                    return NULL;
                }
            }
        }
        if (json_array_size(next) == 0 && json_array_size(cur) > 0 && st->type == ST_FIELD &&
            !ev->allow_missing) {
            err_set(ev->err, ENOENT, "%s is not found", st->name);
            json_decref(next);
            json_decref(cur);
            return NULL;
        }
        json_decref(cur);
        cur = next;
    }
    return cur;
}

static char *text_of(const json_t *v)
{
    if (json_is_object(v) || json_is_array(v)) {
        return printers_json_compact(v);
    }
    if (json_is_null(v)) {
        return xstrdup("null");
    }
    return jsonpath_go_value(v);
}

/* Runs items [from, to) on data; appends text to b (when not NULL) and values to found (when
 * not NULL). Returns 0 or -EINVAL. */
static int run_items(struct eval *ev, const struct jsonpath *jp, size_t from, size_t to,
                     json_t *data, struct strbuf *b, json_t *found)
{
    for (size_t i = from; i < to; i++) {
        const struct item *it = &jp->items[i];
        if (it->type == IT_TEXT) {
            if (b) {
                strbuf_add(b, it->text);
            }
            continue;
        }
        if (it->type == IT_END) {
            continue;
        }
        json_t *in = json_array();
        json_array_append(in, data);
        json_t *res = eval_chain(ev, &it->chain, in);
        json_decref(in);
        if (res == NULL) {
            return -EINVAL;
        }
        if (it->type == IT_RANGE) {
            size_t j;
            json_t *v;
            json_array_foreach (res, j, v) {
                if (run_items(ev, jp, i + 1, it->end, v, b, found) != 0) {
                    json_decref(res);
                    return -EINVAL;
                }
            }
            json_decref(res);
            i = it->end;
            continue;
        }
        size_t j;
        json_t *v;
        json_array_foreach (res, j, v) {
            if (b) {
                char *t = text_of(v);
                strbuf_add(b, t);
                free(t);
                if (j + 1 < json_array_size(res)) {
                    strbuf_add(b, " ");
                }
            }
            if (found) {
                json_array_append(found, v);
            }
        }
        json_decref(res);
    }
    return 0;
}

char *jsonpath_execute(const struct jsonpath *jp, const json_t *data, bool allow_missing,
                       struct err *err)
{
    struct eval ev = {allow_missing, err};
    struct strbuf b = {0};
    if (run_items(&ev, jp, 0, jp->n, (json_t *)data, &b, NULL) != 0) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_take(&b);
}

json_t *jsonpath_find(const struct jsonpath *jp, const json_t *data, struct err *err)
{
    struct eval ev = {true, err};
    json_t *found = json_array();
    if (run_items(&ev, jp, 0, jp->n, (json_t *)data, NULL, found) != 0) {
        json_decref(found);
        return NULL;
    }
    return found;
}

char *jsonpath_relaxed(const char *expr, struct err *err)
{
    size_t len = strlen(expr);
    if (len > 0 && expr[0] == '{') {
        if (expr[len - 1] != '}') {
            err_set(err, EINVAL,
                    "unexpected path string, expected a 'name1.name2' or "
                    "'.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
            return NULL;
        }
        expr++;
        len -= 2;
    }
    if (len > 0 && expr[0] == '.') {
        return xasprintf("{%.*s}", (int)len, expr);
    }
    return xasprintf("{.%.*s}", (int)len, expr);
}

char *jsonpath_go_value(const json_t *v)
{
    if (json_is_object(v)) {
        size_t n = json_object_size(v), i = 0;
        const char **keys = xmalloc((n ? n : 1) * sizeof *keys);
        const char *key;
        json_t *child;
        json_object_foreach ((json_t *)v, key, child) {
            keys[i++] = key;
        }
        qsort(keys, n, sizeof *keys, compare_keys);
        struct strbuf b = {0};
        strbuf_add(&b, "map[");
        for (i = 0; i < n; i++) {
            char *t = jsonpath_go_value(json_object_get(v, keys[i]));
            if (i) {
                strbuf_add(&b, " ");
            }
            strbuf_add(&b, keys[i]);
            strbuf_add(&b, ":");
            strbuf_add(&b, t);
            free(t);
        }
        strbuf_add(&b, "]");
        free(keys);
        return b.s;
    }
    if (json_is_array(v)) {
        struct strbuf b = {0};
        strbuf_add(&b, "[");
        size_t i;
        json_t *child;
        json_array_foreach (v, i, child) {
            char *t = jsonpath_go_value(child);
            if (i) {
                strbuf_add(&b, " ");
            }
            strbuf_add(&b, t);
            free(t);
        }
        strbuf_add(&b, "]");
        return b.s;
    }
    return printers_cell(v);
}
