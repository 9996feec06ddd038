/* Label and field selectors, re-done from the behaviour of apimachinery's labels/selector.go
 * (lexer, parser, NewRequirement's checks and messages), apis/meta/v1 LabelSelectorAsSelector
 * and fields/selector.go (term splitting, escaping, sorting). */
#include "selector.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "strbuf.h"
#include "validate.h"
#include "xalloc.h"

static int cmp_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- Label requirements --------------------------------------------------------------------- */

static void requirement_clear(struct label_requirement *r)
{
    free(r->key);
    for (size_t i = 0; i < r->nvalues; i++) {
        free(r->values[i]);
    }
    free(r->values);
}

void label_selector_free(struct label_selector *sel)
{
    if (sel == NULL) {
        return;
    }
    for (size_t i = 0; i < sel->n; i++) {
        requirement_clear(&sel->reqs[i]);
    }
    free(sel->reqs);
    free(sel);
}

/* Go's strconv.ParseInt(s, 10, 64) succeeds. */
static bool parse_int64(const char *s, int64_t *out)
{
    bool neg = false;
    if (*s == '+' || *s == '-') {
        neg = *s == '-';
        s++;
    }
    if (*s == '\0') {
        return false;
    }
    uint64_t v = 0, limit = neg ? UINT64_C(1) << 63 : (uint64_t)INT64_MAX;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (limit - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* field.Invalid(path, value, detail).Error() for a string value. */
static char *invalid_string(const char *path, const char *value, const char *detail)
{
    cleanup_free char *quoted = validate_quote(value);
    return xasprintf("%s: Invalid value: %s: %s", path, quoted, detail);
}

/* field.Invalid for the values slice, which Go prints as JSON (nil as null). */
static char *invalid_values(const struct label_requirement *r, const char *detail)
{
    char *json;
    if (r->nvalues == 0) {
        json = xstrdup("null");
    } else {
        json_t *arr = json_array();
        for (size_t i = 0; i < r->nvalues; i++) {
            json_array_append_new(arr, json_string(r->values[i]));
        }
        char *dumped = json_dumps(arr, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(arr);
        json = xstrdup(dumped != NULL ? dumped : "null");
        free(dumped);
    }
    char *msg = xasprintf("values: Invalid value: %s: %s", json, detail);
    free(json);
    return msg;
}

/* Appends msg (owned) unless already present: utilerrors.NewAggregate's de-duplication. */
static void collect(struct validate_errs *errs, char *msg)
{
    for (size_t i = 0; i < errs->n; i++) {
        if (strcmp(errs->msg[i], msg) == 0) {
            free(msg);
            return;
        }
    }
    if (errs->n < VALIDATE_ERRS_MAX) {
        errs->msg[errs->n++] = msg;
    } else {
        free(msg);
    }
}

/* The label key check of validateLabelKey, as field.Invalid under path. */
static char *check_key(const char *key, const char *path)
{
    struct validate_errs e = VALIDATE_ERRS_INIT;
    if (validate_qualified_name(key, &e) == 0) {
        return NULL;
    }
    cleanup_free char *detail = validate_errs_join(&e, "; ");
    validate_errs_free(&e);
    return invalid_string(path, key, detail);
}

/* NewRequirement's checks; returns 0 or fills err with the aggregate's text ("[a, b]" when
 * there are several). */
static int check_requirement(const struct label_requirement *r, const char *prefix, struct err *err)
{
    struct validate_errs errs = VALIDATE_ERRS_INIT;
    char *msg = check_key(r->key, "key");
    if (msg != NULL) {
        collect(&errs, msg);
    }
    switch (r->op) {
    case LABEL_OP_IN:
    case LABEL_OP_NOT_IN:
        if (r->nvalues == 0) {
            collect(&errs, invalid_values(r, "for 'in', 'notin' operators, values set can't be "
                                             "empty"));
        }
        break;
    case LABEL_OP_EQUALS:
    case LABEL_OP_DOUBLE_EQUALS:
    case LABEL_OP_NOT_EQUALS:
        if (r->nvalues != 1) {
            collect(&errs, invalid_values(r, "exact-match compatibility requires one single "
                                             "value"));
        }
        break;
    case LABEL_OP_EXISTS:
    case LABEL_OP_DOES_NOT_EXIST:
        if (r->nvalues != 0) {
            collect(&errs, invalid_values(r, "values set must be empty for exists and does not "
                                             "exist"));
        }
        break;
    case LABEL_OP_GT:
    case LABEL_OP_LT:
        if (r->nvalues != 1) {
            collect(&errs, invalid_values(r, "for 'Gt', 'Lt' operators, exactly one value is "
                                             "required"));
        }
        for (size_t i = 0; i < r->nvalues; i++) {
            int64_t ignored;
            if (!parse_int64(r->values[i], &ignored)) {
                cleanup_free char *path = xasprintf("values[%zu]", i);
                collect(&errs, invalid_string(path, r->values[i],
                                              "for 'Gt', 'Lt' operators, the value must be an "
                                              "integer"));
            }
        }
        break;
    }
    for (size_t i = 0; i < r->nvalues; i++) {
        struct validate_errs e = VALIDATE_ERRS_INIT;
        if (validate_label_value(r->values[i], &e) > 0) {
            cleanup_free char *detail = validate_errs_join(&e, "; ");
            cleanup_free char *path = xasprintf("values[%zu][%s]", i, r->key);
            collect(&errs, invalid_string(path, r->values[i], detail));
        }
        validate_errs_free(&e);
    }
    if (errs.n == 0) {
        return 0;
    }
    cleanup_free char *joined = validate_errs_join(&errs, ", ");
    int rc = errs.n == 1 ? err_set(err, EINVAL, "%s%s", prefix, joined)
                         : err_set(err, EINVAL, "%s[%s]", prefix, joined);
    validate_errs_free(&errs);
    return rc;
}

/* ---- Lexer ---------------------------------------------------------------------------------- */

enum token {
    TOK_ERROR,
    TOK_EOS,
    TOK_CLOSE_PAR,
    TOK_COMMA,
    TOK_DOES_NOT_EXIST,
    TOK_DOUBLE_EQUALS,
    TOK_EQUALS,
    TOK_GREATER,
    TOK_IDENTIFIER,
    TOK_IN,
    TOK_LESS,
    TOK_NOT_EQUALS,
    TOK_NOT_IN,
    TOK_OPEN_PAR,
};

struct item {
    enum token tok;
    char *lit;
};

static const struct {
    const char *text;
    enum token tok;
} keywords[] = {
    {")", TOK_CLOSE_PAR},
    {",", TOK_COMMA},
    {"!", TOK_DOES_NOT_EXIST},
    {"==", TOK_DOUBLE_EQUALS},
    {"=", TOK_EQUALS},
    {">", TOK_GREATER},
    {"in", TOK_IN},
    {"<", TOK_LESS},
    {"!=", TOK_NOT_EQUALS},
    {"notin", TOK_NOT_IN},
    {"(", TOK_OPEN_PAR},
};

static enum token keyword(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (strlen(keywords[i].text) == n && memcmp(keywords[i].text, s, n) == 0) {
            return keywords[i].tok;
        }
    }
    return TOK_ERROR;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_special(char c)
{
    return c != '\0' && strchr("=!(),><", c) != NULL;
}

/* Scans the next token at *pos; literals are owned by the item. */
static struct item lex(const char *s, size_t *pos)
{
    while (is_ws(s[*pos])) {
        (*pos)++;
    }
    size_t start = *pos;
    if (s[start] == '\0') {
        return (struct item){TOK_EOS, xstrdup("")};
    }
    if (is_special(s[start])) {
        /* The longest run of special characters that is a token ("!=" before "!"). */
        enum token best = TOK_ERROR;
        size_t best_len = 0, n = 0;
        while (is_special(s[start + n])) {
            n++;
            enum token t = keyword(s + start, n);
            if (t != TOK_ERROR) {
                best = t;
                best_len = n;
            } else if (best != TOK_ERROR) {
                break;
            }
        }
        *pos = start + best_len;
        return (struct item){best, xstrndup(s + start, best_len)};
    }
    while (s[*pos] != '\0' && !is_special(s[*pos]) && !is_ws(s[*pos])) {
        (*pos)++;
    }
    size_t n = *pos - start;
    enum token t = keyword(s + start, n);
    return (struct item){t != TOK_ERROR ? t : TOK_IDENTIFIER, xstrndup(s + start, n)};
}

/* ---- Parser --------------------------------------------------------------------------------- */

struct parser {
    struct item *items;
    size_t n, pos;
};

/* In a values context the keywords "in" and "notin" are plain identifiers. */
static enum token as_value(enum token t)
{
    return t == TOK_IN || t == TOK_NOT_IN ? TOK_IDENTIFIER : t;
}

static const struct item *peek(const struct parser *p)
{
    return &p->items[p->pos];
}

static const struct item *next(struct parser *p)
{
    const struct item *it = &p->items[p->pos];
    if (p->pos + 1 < p->n) {
        p->pos++;
    }
    return it;
}

/* A sorted set of strings, as sets.String. */
struct strset {
    size_t n;
    char **v;
};

static void strset_add(struct strset *s, const char *v)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->v[i], v) == 0) {
            return;
        }
    }
    s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = xstrdup(v);
}

static void strset_clear(struct strset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i]);
    }
    free(s->v);
    s->n = 0;
    s->v = NULL;
}

static int parse_identifiers(struct parser *p, struct strset *set, struct err *err)
{
    for (;;) {
        const struct item *it = next(p);
        enum token t = as_value(it->tok);
        if (t == TOK_IDENTIFIER) {
            strset_add(set, it->lit);
            const struct item *la = peek(p);
            enum token t2 = as_value(la->tok);
            if (t2 == TOK_COMMA) {
                continue;
            }
            if (t2 == TOK_CLOSE_PAR) {
                return 0;
            }
            return err_set(err, EINVAL, "found '%s', expected: ',' or ')'", la->lit);
        }
        if (t == TOK_COMMA) {
            if (set->n == 0) {
                strset_add(set, ""); /* "(," */
            }
            enum token t2 = as_value(peek(p)->tok);
            if (t2 == TOK_CLOSE_PAR) {
                strset_add(set, ""); /* ",)" */
                return 0;
            }
            if (t2 == TOK_COMMA) {
                strset_add(set, ""); /* ",," */
            }
            continue;
        }
        return err_set(err, EINVAL, "found '%s', expected: ',', or identifier", it->lit);
    }
}

static int parse_values(struct parser *p, struct strset *set, struct err *err)
{
    const struct item *it = next(p);
    if (as_value(it->tok) != TOK_OPEN_PAR) {
        return err_set(err, EINVAL, "found '%s' expected: '('", it->lit);
    }
    const struct item *la = peek(p);
    enum token t = as_value(la->tok);
    if (t == TOK_IDENTIFIER || t == TOK_COMMA) {
        int rc = parse_identifiers(p, set, err);
        if (rc < 0) {
            return rc;
        }
        if (as_value(next(p)->tok) != TOK_CLOSE_PAR) {
            /* Kubernetes names the token it looked at before the list here. */
            return err_set(err, EINVAL, "found '%s', expected: ')'", la->lit);
        }
        return 0;
    }
    if (t == TOK_CLOSE_PAR) {
        next(p);
        strset_add(set, "");
        return 0;
    }
    return err_set(err, EINVAL, "found '%s', expected: ',', ')' or identifier", la->lit);
}

static int parse_exact_value(struct parser *p, struct strset *set, struct err *err)
{
    enum token t = as_value(peek(p)->tok);
    if (t == TOK_EOS || t == TOK_COMMA) {
        strset_add(set, "");
        return 0;
    }
    const struct item *it = next(p);
    if (as_value(it->tok) == TOK_IDENTIFIER) {
        strset_add(set, it->lit);
        return 0;
    }
    return err_set(err, EINVAL, "found '%s', expected: identifier", it->lit);
}

static int parse_requirement(struct parser *p, struct label_requirement *r, struct err *err)
{
    bool has_op = false;
    enum label_op op = LABEL_OP_EXISTS;
    const struct item *it = next(p);
    if (as_value(it->tok) == TOK_DOES_NOT_EXIST) {
        has_op = true;
        op = LABEL_OP_DOES_NOT_EXIST;
        it = next(p);
    }
    if (as_value(it->tok) != TOK_IDENTIFIER) {
        return err_set(err, EINVAL, "found '%s', expected: identifier", it->lit);
    }
    /* Parse passes no field path, so Kubernetes prints "<nil>" for it. */
    cleanup_free char *bad_key = check_key(it->lit, "<nil>");
    if (bad_key != NULL) {
        return err_set(err, EINVAL, "%s", bad_key);
    }
    const char *key = it->lit;
    enum token la = as_value(peek(p)->tok);
    if ((la == TOK_EOS || la == TOK_COMMA) && !has_op) {
        has_op = true;
        op = LABEL_OP_EXISTS;
    }
    struct strset set = {0};
    if (!has_op) {
        const struct item *opit = next(p);
        switch (opit->tok) {
        case TOK_IN:
            op = LABEL_OP_IN;
            break;
        case TOK_EQUALS:
            op = LABEL_OP_EQUALS;
            break;
        case TOK_DOUBLE_EQUALS:
            op = LABEL_OP_DOUBLE_EQUALS;
            break;
        case TOK_GREATER:
            op = LABEL_OP_GT;
            break;
        case TOK_LESS:
            op = LABEL_OP_LT;
            break;
        case TOK_NOT_IN:
            op = LABEL_OP_NOT_IN;
            break;
        case TOK_NOT_EQUALS:
            op = LABEL_OP_NOT_EQUALS;
            break;
        default:
            return err_set(err, EINVAL, "found '%s', expected: in, notin, =, ==, !=, gt, lt",
                           opit->lit);
        }
        int rc = op == LABEL_OP_IN || op == LABEL_OP_NOT_IN ? parse_values(p, &set, err)
                                                            : parse_exact_value(p, &set, err);
        if (rc < 0) {
            strset_clear(&set);
            return rc;
        }
        if (set.n > 0) {
            qsort(set.v, set.n, sizeof *set.v, cmp_strings);
        }
    }
    *r = (struct label_requirement){
        .key = xstrdup(key), .op = op, .nvalues = set.n, .values = set.v};
    int rc = check_requirement(r, "", err);
    if (rc < 0) {
        requirement_clear(r);
    }
    return rc;
}

/* Stable sort by key (insertion sort: selectors are short). */
static void sort_by_key(struct label_requirement *reqs, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct label_requirement r = reqs[i];
        size_t j = i;
        while (j > 0 && strcmp(reqs[j - 1].key, r.key) > 0) {
            reqs[j] = reqs[j - 1];
            j--;
        }
        reqs[j] = r;
    }
}

static void push_requirement(struct label_selector *sel, const struct label_requirement *r)
{
    sel->reqs = xrealloc(sel->reqs, (sel->n + 1) * sizeof *sel->reqs);
    sel->reqs[sel->n++] = *r;
}

static int parse_selector(struct parser *p, struct label_selector *sel, struct err *err)
{
    for (;;) {
        const struct item *la = peek(p);
        enum token t = as_value(la->tok);
        if (t == TOK_EOS) {
            return 0;
        }
        if (t != TOK_IDENTIFIER && t != TOK_DOES_NOT_EXIST) {
            return err_set(err, EINVAL, "found '%s', expected: !, identifier, or 'end of string'",
                           la->lit);
        }
        struct label_requirement r;
        struct err inner = {0};
        if (parse_requirement(p, &r, &inner) < 0) {
            return err_set(err, inner.code, "unable to parse requirement: %s", inner.msg);
        }
        push_requirement(sel, &r);
        const struct item *after = next(p);
        t = as_value(after->tok);
        if (t == TOK_EOS) {
            return 0;
        }
        if (t != TOK_COMMA) {
            return err_set(err, EINVAL, "found '%s', expected: ',' or 'end of string'", after->lit);
        }
        const struct item *la2 = peek(p);
        enum token t2 = as_value(la2->tok);
        if (t2 != TOK_IDENTIFIER && t2 != TOK_DOES_NOT_EXIST) {
            return err_set(err, EINVAL, "found '%s', expected: identifier after ','", la2->lit);
        }
    }
}

struct label_selector *label_selector_parse(const char *s, struct err *err)
{
    struct parser p = {0};
    size_t pos = 0;
    for (;;) {
        struct item it = lex(s, &pos);
        p.items = xrealloc(p.items, (p.n + 1) * sizeof *p.items);
        p.items[p.n++] = it;
        if (it.tok == TOK_EOS) {
            break;
        }
    }
    struct label_selector *sel = xcalloc(1, sizeof *sel);
    int rc = parse_selector(&p, sel, err);
    for (size_t i = 0; i < p.n; i++) {
        free(p.items[i].lit);
    }
    free(p.items);
    if (rc < 0) {
        label_selector_free(sel);
        return NULL;
    }
    sort_by_key(sel->reqs, sel->n);
    return sel;
}

/* ---- LabelSelector JSON --------------------------------------------------------------------- */

static const struct {
    const char *name;
    enum label_op op;
} json_ops[] = {
    {"In", LABEL_OP_IN},
    {"NotIn", LABEL_OP_NOT_IN},
    {"Exists", LABEL_OP_EXISTS},
    {"DoesNotExist", LABEL_OP_DOES_NOT_EXIST},
};

static const char *string_or_empty(const json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "";
}

struct label_selector *label_selector_from_json(const json_t *ls, struct err *err)
{
    struct label_selector *sel = xcalloc(1, sizeof *sel);
    if (ls == NULL || json_is_null(ls)) {
        sel->nothing = true;
        return sel;
    }
    const json_t *labels = json_object_get(ls, "matchLabels");
    const json_t *exprs = json_object_get(ls, "matchExpressions");
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)labels, key, value) {
        if (!json_is_string(value)) {
            label_selector_free(sel);
            err_set(err, EINVAL, "matchLabels.%s: must be a string", key);
            return NULL;
        }
        struct label_requirement r = {.key = xstrdup(key), .op = LABEL_OP_EQUALS, .nvalues = 1};
        r.values = xmalloc(sizeof *r.values);
        r.values[0] = xstrdup(json_string_value(value));
        push_requirement(sel, &r);
        if (check_requirement(&r, "", err) < 0) {
            label_selector_free(sel);
            return NULL;
        }
    }
    size_t i;
    json_t *expr;
    json_array_foreach (exprs, i, expr) {
        const char *opname = string_or_empty(json_object_get(expr, "operator"));
        size_t k = 0;
        while (k < sizeof json_ops / sizeof json_ops[0] && strcmp(json_ops[k].name, opname) != 0) {
            k++;
        }
        if (k == sizeof json_ops / sizeof json_ops[0]) {
            cleanup_free char *quoted = validate_quote(opname);
            label_selector_free(sel);
            err_set(err, EINVAL, "%s is not a valid label selector operator", quoted);
            return NULL;
        }
        const json_t *values = json_object_get(expr, "values");
        struct label_requirement r = {
            .key = xstrdup(string_or_empty(json_object_get(expr, "key"))),
            .op = json_ops[k].op,
        };
        size_t j;
        json_t *v;
        json_array_foreach (values, j, v) {
            r.values = xrealloc(r.values, (r.nvalues + 1) * sizeof *r.values);
            r.values[r.nvalues++] = xstrdup(string_or_empty(v));
        }
        push_requirement(sel, &r);
        if (check_requirement(&r, "", err) < 0) {
            label_selector_free(sel);
            return NULL;
        }
    }
    sort_by_key(sel->reqs, sel->n);
    return sel;
}

/* ---- Matching and printing ------------------------------------------------------------------ */

static bool has_value(const struct label_requirement *r, const char *v)
{
    for (size_t i = 0; i < r->nvalues; i++) {
        if (strcmp(r->values[i], v) == 0) {
            return true;
        }
    }
    return false;
}

static bool requirement_matches(const struct label_requirement *r, const json_t *labels)
{
    const json_t *v = json_object_get(labels, r->key);
    const char *val = json_is_string(v) ? json_string_value(v) : NULL;
    int64_t have, want;
    switch (r->op) {
    case LABEL_OP_IN:
    case LABEL_OP_EQUALS:
    case LABEL_OP_DOUBLE_EQUALS:
        return val != NULL && has_value(r, val);
    case LABEL_OP_NOT_IN:
    case LABEL_OP_NOT_EQUALS:
        return val == NULL || !has_value(r, val);
    case LABEL_OP_EXISTS:
        return val != NULL;
    case LABEL_OP_DOES_NOT_EXIST:
        return val == NULL;
    case LABEL_OP_GT:
    case LABEL_OP_LT:
        if (val == NULL || r->nvalues != 1 || !parse_int64(val, &have) ||
            !parse_int64(r->values[0], &want)) {
            return false;
        }
        return r->op == LABEL_OP_GT ? have > want : have < want;
    }
    return false;
}

bool label_selector_matches(const struct label_selector *sel, const json_t *labels)
{
    if (sel->nothing) {
        return false;
    }
    for (size_t i = 0; i < sel->n; i++) {
        if (!requirement_matches(&sel->reqs[i], labels)) {
            return false;
        }
    }
    return true;
}

bool label_selector_is_empty(const struct label_selector *sel)
{
    return !sel->nothing && sel->n == 0;
}

static const char *const op_text[] = {
    [LABEL_OP_EQUALS] = "=",
    [LABEL_OP_DOUBLE_EQUALS] = "==",
    [LABEL_OP_NOT_EQUALS] = "!=",
    [LABEL_OP_IN] = " in ",
    [LABEL_OP_NOT_IN] = " notin ",
    [LABEL_OP_EXISTS] = "",
    [LABEL_OP_DOES_NOT_EXIST] = "",
    [LABEL_OP_GT] = ">",
    [LABEL_OP_LT] = "<",
};

char *label_selector_string(const struct label_selector *sel)
{
    struct strbuf b = {0};
    for (size_t i = 0; !sel->nothing && i < sel->n; i++) {
        const struct label_requirement *r = &sel->reqs[i];
        if (i > 0) {
            strbuf_add(&b, ",");
        }
        if (r->op == LABEL_OP_DOES_NOT_EXIST) {
            strbuf_add(&b, "!");
        }
        strbuf_add(&b, r->key);
        strbuf_add(&b, op_text[r->op]);
        if (r->op == LABEL_OP_EXISTS || r->op == LABEL_OP_DOES_NOT_EXIST) {
            continue;
        }
        bool set = r->op == LABEL_OP_IN || r->op == LABEL_OP_NOT_IN;
        if (set) {
            strbuf_add(&b, "(");
        }
        cleanup_free char **sorted = xmalloc((r->nvalues + 1) * sizeof *sorted);
        if (r->nvalues > 0) {
            memcpy(sorted, r->values, r->nvalues * sizeof *sorted);
        }
        qsort(sorted, r->nvalues, sizeof *sorted, cmp_strings);
        for (size_t j = 0; j < r->nvalues; j++) {
            if (j > 0) {
                strbuf_add(&b, ",");
            }
            strbuf_add(&b, sorted[j]);
        }
        if (set) {
            strbuf_add(&b, ")");
        }
    }
    return strbuf_take(&b);
}

bool label_selector_equal(const struct label_selector *a, const struct label_selector *b)
{
    if (a->nothing != b->nothing || a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        const struct label_requirement *x = &a->reqs[i], *y = &b->reqs[i];
        if (strcmp(x->key, y->key) != 0 || x->op != y->op || x->nvalues != y->nvalues) {
            return false;
        }
        for (size_t j = 0; j < x->nvalues; j++) {
            if (strcmp(x->values[j], y->values[j]) != 0) {
                return false;
            }
        }
    }
    return true;
}

/* ---- Field selectors ------------------------------------------------------------------------ */

void field_selector_free(struct field_selector *sel)
{
    if (sel == NULL) {
        return;
    }
    for (size_t i = 0; i < sel->n; i++) {
        free(sel->reqs[i].field);
        free(sel->reqs[i].value);
    }
    free(sel->reqs);
    free(sel);
}

/* Decodes one rune as Go's range over a string does: an invalid byte is U+FFFD of width 1. */
static unsigned decode_rune(const unsigned char *s, size_t *width)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *width = 1;
        return c;
    }
    size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF, r = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        r = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        r = c & 0x0F;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        r = c & 0x07;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    }
    bool ok = n > 0 && s[1] >= lo && s[1] <= hi;
    for (size_t i = 2; ok && i < n; i++) {
        ok = s[i] >= 0x80 && s[i] <= 0xBF;
    }
    if (!ok) {
        *width = 1;
        return 0xFFFD;
    }
    for (size_t i = 1; i < n; i++) {
        r = r << 6 | (s[i] & 0x3F);
    }
    *width = n;
    return r;
}

static void add_rune(struct strbuf *b, unsigned r)
{
    char u[4];
    size_t n;
    if (r < 0x80) {
        u[0] = (char)r;
        n = 1;
    } else if (r < 0x800) {
        u[0] = (char)(0xC0 | r >> 6);
        u[1] = (char)(0x80 | (r & 0x3F));
        n = 2;
    } else if (r < 0x10000) {
        u[0] = (char)(0xE0 | r >> 12);
        u[1] = (char)(0x80 | ((r >> 6) & 0x3F));
        u[2] = (char)(0x80 | (r & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | r >> 18);
        u[1] = (char)(0x80 | ((r >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((r >> 6) & 0x3F));
        u[3] = (char)(0x80 | (r & 0x3F));
        n = 4;
    }
    strbuf_addn(b, u, n);
}

/* fields.UnescapeValue; returns an owned string or NULL with err. */
static char *unescape_value(const char *s, struct err *err)
{
    if (strpbrk(s, "\\,=") == NULL) {
        return xstrdup(s);
    }
    struct strbuf b = {0};
    bool in_slash = false;
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        size_t w;
        unsigned c = decode_rune(p, &w);
        p += w;
        if (in_slash) {
            if (c != '\\' && c != ',' && c != '=') {
                struct strbuf seq = {0};
                add_rune(&seq, c);
                err_set(err, EINVAL, "invalid field selector: invalid escape sequence: \\%s",
                        seq.s);
                free(seq.s);
                free(b.s);
                return NULL;
            }
            add_rune(&b, c);
            in_slash = false;
        } else if (c == '\\') {
            in_slash = true;
        } else if (c == ',' || c == '=') {
            err_set(err, EINVAL, "invalid field selector: unescaped character in value: %u", c);
            free(b.s);
            return NULL;
        } else {
            add_rune(&b, c);
        }
    }
    if (in_slash) {
        err_set(err, EINVAL, "invalid field selector: invalid escape sequence: \\");
        free(b.s);
        return NULL;
    }
    return strbuf_take(&b);
}

static void escape_value(struct strbuf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\\' || *s == ',' || *s == '=') {
            strbuf_add(b, "\\");
        }
        strbuf_addn(b, s, 1);
    }
}

/* Splits on ',' not escaped by a backslash (fields.splitTerms). Returns owned terms. */
static char **split_terms(const char *s, size_t *count)
{
    char **terms = NULL;
    size_t n = 0, start = 0;
    bool in_slash = false;
    if (s[0] == '\0') {
        *count = 0;
        return NULL;
    }
    for (size_t i = 0;; i++) {
        if (s[i] == '\0' || (!in_slash && s[i] == ',')) {
            terms = xrealloc(terms, (n + 1) * sizeof *terms);
            terms[n++] = xstrndup(s + start, i - start);
            start = i + 1;
            if (s[i] == '\0') {
                break;
            }
            continue;
        }
        in_slash = !in_slash && s[i] == '\\';
    }
    *count = n;
    return terms;
}

struct field_selector *field_selector_parse(const char *s, struct err *err)
{
    size_t nterms;
    char **terms = split_terms(s, &nterms);
    if (nterms > 0) {
        qsort(terms, nterms, sizeof *terms, cmp_strings);
    }
    struct field_selector *sel = xcalloc(1, sizeof *sel);
    int rc = 0;
    for (size_t i = 0; i < nterms && rc == 0; i++) {
        const char *term = terms[i];
        if (term[0] == '\0') {
            continue;
        }
        /* The first operator, trying "!=" then "==" then "=" at each position. */
        size_t at = 0, oplen = 0;
        enum field_op op = FIELD_OP_EQUALS;
        for (; term[at] != '\0'; at++) {
            if (strncmp(term + at, "!=", 2) == 0) {
                op = FIELD_OP_NOT_EQUALS;
                oplen = 2;
            } else if (strncmp(term + at, "==", 2) == 0) {
                oplen = 2;
            } else if (term[at] == '=') {
                oplen = 1;
            }
            if (oplen > 0) {
                break;
            }
        }
        if (oplen == 0) {
            rc = err_set(err, EINVAL, "invalid selector: '%s'; can't understand '%s'", s, term);
            break;
        }
        char *value = unescape_value(term + at + oplen, err);
        if (value == NULL) {
            rc = -EINVAL;
            break;
        }
        if (at == 0 && value[0] == '\0') {
            /* An empty field with an empty value transforms into "everything". */
            free(value);
            continue;
        }
        sel->reqs = xrealloc(sel->reqs, (sel->n + 1) * sizeof *sel->reqs);
        sel->reqs[sel->n++] =
            (struct field_requirement){.field = xstrndup(term, at), .op = op, .value = value};
    }
    for (size_t i = 0; i < nterms; i++) {
        free(terms[i]);
    }
    free(terms);
    if (rc < 0) {
        field_selector_free(sel);
        return NULL;
    }
    return sel;
}

bool field_selector_matches(const struct field_selector *sel, const json_t *fields)
{
    for (size_t i = 0; i < sel->n; i++) {
        const struct field_requirement *r = &sel->reqs[i];
        const char *have = string_or_empty(json_object_get(fields, r->field));
        bool equal = strcmp(have, r->value) == 0;
        if (equal != (r->op == FIELD_OP_EQUALS)) {
            return false;
        }
    }
    return true;
}

bool field_selector_is_empty(const struct field_selector *sel)
{
    return sel->n == 0;
}

const char *field_selector_exact_match(const struct field_selector *sel, const char *field)
{
    for (size_t i = 0; i < sel->n; i++) {
        if (sel->reqs[i].op == FIELD_OP_EQUALS && strcmp(sel->reqs[i].field, field) == 0) {
            return sel->reqs[i].value;
        }
    }
    return NULL;
}

char *field_selector_string(const struct field_selector *sel)
{
    struct strbuf b = {0};
    for (size_t i = 0; i < sel->n; i++) {
        if (i > 0) {
            strbuf_add(&b, ",");
        }
        strbuf_add(&b, sel->reqs[i].field);
        strbuf_add(&b, sel->reqs[i].op == FIELD_OP_EQUALS ? "=" : "!=");
        escape_value(&b, sel->reqs[i].value);
    }
    return strbuf_take(&b);
}

static int cmp_field_reqs(const void *pa, const void *pb)
{
    const struct field_requirement *a = *(const struct field_requirement *const *)pa;
    const struct field_requirement *b = *(const struct field_requirement *const *)pb;
    int c = strcmp(a->field, b->field);
    if (c == 0) {
        c = (int)a->op - (int)b->op;
    }
    return c != 0 ? c : strcmp(a->value, b->value);
}

bool field_selector_equal(const struct field_selector *a, const struct field_selector *b)
{
    if (a->n != b->n) {
        return false;
    }
    cleanup_free const struct field_requirement **x = xmalloc((a->n + 1) * sizeof *x);
    cleanup_free const struct field_requirement **y = xmalloc((b->n + 1) * sizeof *y);
    for (size_t i = 0; i < a->n; i++) {
        x[i] = &a->reqs[i];
        y[i] = &b->reqs[i];
    }
    qsort(x, a->n, sizeof *x, cmp_field_reqs);
    qsort(y, b->n, sizeof *y, cmp_field_reqs);
    for (size_t i = 0; i < a->n; i++) {
        if (cmp_field_reqs(&x[i], &y[i]) != 0) {
            return false;
        }
    }
    return true;
}
