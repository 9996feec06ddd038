/* Go's text/template (lexer, parser, executor) and the part of fmt it prints with, over
 * jansson values as kubectl's GoTemplatePrinter sees an object: JSON objects are
 * map[string]interface{}, arrays []interface{}, integers int64, other numbers float64. The
 * messages are Go's, so kubectl users see the same parse and execution errors. */
#include "gotemplate.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ctl.h"
#include "printers.h"
#include "strbuf.h"
#include "xalloc.h"

/* ---- an allocation pool ---- */

/* Owns what a parse tree or one execution allocates, freed at once. */
struct pool {
    void **ptrs;
    size_t n, cap;
    json_t **jsons;
    size_t nj, capj;
};

static void *pool_keep(struct pool *p, void *ptr)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->ptrs = xrealloc(p->ptrs, p->cap * sizeof *p->ptrs);
    }
    p->ptrs[p->n++] = ptr;
    return ptr;
}

static void *pool_zalloc(struct pool *p, size_t size)
{
    return pool_keep(p, xcalloc(1, size));
}

static char *pool_strndup(struct pool *p, const char *s, size_t n)
{
    return pool_keep(p, xstrndup(s, n));
}

static json_t *pool_json(struct pool *p, json_t *j)
{
    if (p->nj == p->capj) {
        p->capj = p->capj ? p->capj * 2 : 8;
        p->jsons = xrealloc(p->jsons, p->capj * sizeof *p->jsons);
    }
    p->jsons[p->nj++] = j;
    return j;
}

static void pool_free(struct pool *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->ptrs[i]);
    }
    for (size_t i = 0; i < p->nj; i++) {
        json_decref(p->jsons[i]);
    }
    free(p->ptrs);
    free(p->jsons);
}

/* ---- Go string quoting (strconv.Quote) ---- */

/* Decodes one UTF-8 rune at s (n bytes left); returns its length, or 0 when invalid. */
static size_t utf8_rune(const unsigned char *s, size_t n, uint32_t *r)
{
    if (n == 0) {
        return 0;
    }
    if (s[0] < 0x80) {
        *r = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
    if (len == 0 || len > n || s[0] >= 0xf8) {
        return 0;
    }
    uint32_t v = s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return 0;
    }
    *r = v;
    return len;
}

static size_t utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        uint32_t r;
        size_t l = utf8_rune((const unsigned char *)s + i, n - i, &r);
        i += l ? l : 1;
        count++;
    }
    return count;
}

static void utf8_put(struct strbuf *b, uint32_t r)
{
    char s[4];
    if (r < 0x80) {
        s[0] = (char)r;
        strbuf_addn(b, s, 1);
    } else if (r < 0x800) {
        s[0] = (char)(0xc0 | (r >> 6));
        s[1] = (char)(0x80 | (r & 0x3f));
        strbuf_addn(b, s, 2);
    } else if (r < 0x10000) {
        s[0] = (char)(0xe0 | (r >> 12));
        s[1] = (char)(0x80 | ((r >> 6) & 0x3f));
        s[2] = (char)(0x80 | (r & 0x3f));
        strbuf_addn(b, s, 3);
    } else {
        s[0] = (char)(0xf0 | (r >> 18));
        s[1] = (char)(0x80 | ((r >> 12) & 0x3f));
        s[2] = (char)(0x80 | ((r >> 6) & 0x3f));
        s[3] = (char)(0x80 | (r & 0x3f));
        strbuf_addn(b, s, 4);
    }
}

/* Go's unicode.IsPrint, approximated: no controls, no unassigned surrogates. */
static bool rune_printable(uint32_t r)
{
    return r >= 0x20 && r != 0x7f && !(r >= 0x80 && r < 0xa0) && r != 0xad && r != 0x2028 &&
           r != 0x2029 && r != 0xfeff;
}

static void quote_rune_into(struct strbuf *b, uint32_t r, char quote)
{
    static const char esc[] = "\a\b\f\n\r\t\v";
    static const char name[] = "abfnrtv";
    if (r == (uint32_t)quote || r == '\\') {
        strbuf_addc(b, '\\');
        strbuf_addc(b, (char)r);
    } else if (rune_printable(r)) {
        utf8_put(b, r);
    } else if (r != 0 && r < 0x80 && strchr(esc, (int)r) != NULL) {
        strbuf_addc(b, '\\');
        strbuf_addc(b, name[strchr(esc, (int)r) - esc]);
    } else if (r < 0x20 || r == 0x7f) {
        strbuf_addf(b, "\\x%02x", r);
    } else if (r < 0x10000) {
        strbuf_addf(b, "\\u%04x", r);
    } else {
        strbuf_addf(b, "\\U%08x", r);
    }
}

/* strconv.Quote(s) appended to b. */
static void go_quote(struct strbuf *b, const char *s, size_t n)
{
    strbuf_addc(b, '"');
    for (size_t i = 0; i < n;) {
        uint32_t r;
        size_t l = utf8_rune((const unsigned char *)s + i, n - i, &r);
        if (l == 0) {
            strbuf_addf(b, "\\x%02x", (unsigned char)s[i]);
            i++;
            continue;
        }
        quote_rune_into(b, r, '"');
        i += l;
    }
    strbuf_addc(b, '"');
}

static char *go_quote_str(const char *s)
{
    struct strbuf b = {0};
    go_quote(&b, s, strlen(s));
    return b.s;
}

/* strconv.Unquote of a Go string or character literal (with its quotes). Returns the value
 * (owned, *n its length) or NULL when the syntax is invalid. */
static char *go_unquote(const char *s, size_t len, size_t *n)
{
    struct strbuf b = {0};
    strbuf_addn(&b, "", 0);
    char q = s[0];
    if (len < 2 || s[len - 1] != q) {
        free(b.s);
        return NULL;
    }
    if (q == '`') {
        for (size_t i = 1; i + 1 < len; i++) {
            if (s[i] != '\r') {
                strbuf_addc(&b, s[i]);
            }
        }
        *n = b.len;
        return b.s;
    }
    for (size_t i = 1; i + 1 < len;) {
        char c = s[i];
        if (c == q || c == '\n') {
            goto bad;
        }
        if (c != '\\') {
            strbuf_addc(&b, c);
            i++;
            continue;
        }
        if (i + 2 >= len) {
            goto bad;
        }
        char e = s[i + 1];
        const char *p = strchr("abfnrtv", e);
        if (e != '\0' && p != NULL) {
            strbuf_addc(&b, "\a\b\f\n\r\t\v"[p - "abfnrtv"]);
            i += 2;
        } else if (e == '\\' || e == q) {
            strbuf_addc(&b, e);
            i += 2;
        } else if (e == 'x' || e == 'u' || e == 'U') {
            size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            if (i + 2 + digits > len - 1) {
                goto bad;
            }
            uint32_t v = 0;
            for (size_t k = 0; k < digits; k++) {
                char h = s[i + 2 + k];
                if (!isxdigit((unsigned char)h)) {
                    goto bad;
                }
                v = v * 16 +
                    (uint32_t)(isdigit((unsigned char)h) ? h - '0' : (tolower(h) - 'a' + 10));
            }
            if (e == 'x') {
                strbuf_addc(&b, (char)v);
            } else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
                goto bad;
            } else {
                utf8_put(&b, v);
            }
            i += 2 + digits;
        } else if (e >= '0' && e <= '7') {
            if (i + 4 > len - 1) {
                goto bad;
            }
            unsigned v = 0;
            for (size_t k = 1; k <= 3; k++) {
                char o = s[i + k];
                if (o < '0' || o > '7') {
                    goto bad;
                }
                v = v * 8 + (unsigned)(o - '0');
            }
            if (v > 255) {
                goto bad;
            }
            strbuf_addc(&b, (char)v);
            i += 4;
        } else {
            goto bad;
        }
    }
    *n = b.len;
    return b.s;
bad:
    free(b.s);
    return NULL;
}

/* ---- lexer (text/template/parse/lex.go) ---- */

enum tok {
    T_ERROR,
    T_BOOL,
    T_CHAR,
    T_CHARCONST,
    T_ASSIGN,
    T_DECLARE,
    T_EOF,
    T_FIELD,
    T_IDENT,
    T_LDELIM,
    T_LPAREN,
    T_NUMBER,
    T_PIPE,
    T_RAWSTRING,
    T_RDELIM,
    T_RPAREN,
    T_SPACE,
    T_STRING,
    T_TEXT,
    T_VARIABLE,
    T_KEYWORD, /* keywords follow */
    T_BLOCK,
    T_BREAK,
    T_CONTINUE,
    T_DOT,
    T_DEFINE,
    T_ELSE,
    T_END,
    T_IF,
    T_NIL,
    T_RANGE,
    T_TEMPLATE,
    T_WITH,
};

struct token {
    enum tok type;
    size_t pos, len;
    const char *val; /* into the text, or the error message for T_ERROR */
    int line;
};

struct lexer {
    const char *in;
    size_t n, pos, start;
    int paren_depth;
    bool inside;
    struct token *toks;
    size_t ntoks, cap;
    struct pool *pool;
    bool done;
};

static int line_at(const char *in, size_t pos)
{
    int line = 1;
    for (size_t i = 0; i < pos; i++) {
        line += in[i] == '\n';
    }
    return line;
}

static void emit_at(struct lexer *l, enum tok type, size_t start, size_t end)
{
    if (l->ntoks == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->toks = xrealloc(l->toks, l->cap * sizeof *l->toks);
    }
    l->toks[l->ntoks++] =
        (struct token){type, start, end - start, l->in + start, line_at(l->in, start)};
}

static void emit(struct lexer *l, enum tok type)
{
    emit_at(l, type, l->start, l->pos);
    l->start = l->pos;
}

static void lex_error(struct lexer *l, const char *fmt, ...) C8S_FMT(2, 3);
static void lex_error(struct lexer *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
    emit_at(l, T_ERROR, l->start, l->start);
    l->toks[l->ntoks - 1].val = pool_keep(l->pool, msg);
    l->done = true;
}

static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_alnum(int c)
{
    return c == '_' || isalnum(c) || c >= 0x80;
}

static int peekc(const struct lexer *l)
{
    return l->pos < l->n ? (unsigned char)l->in[l->pos] : -1;
}

static bool has_prefix(const struct lexer *l, size_t at, const char *p)
{
    size_t k = strlen(p);
    return at <= l->n && l->n - at >= k && memcmp(l->in + at, p, k) == 0;
}

static bool left_trim_marker(const struct lexer *l, size_t at)
{
    return at + 1 < l->n && l->in[at] == '-' && is_space((unsigned char)l->in[at + 1]);
}

static bool right_trim_marker(const struct lexer *l, size_t at)
{
    return at + 1 < l->n && is_space((unsigned char)l->in[at]) && l->in[at + 1] == '-';
}

/* At "}}" or " -}}"; *trim says which. */
static bool at_right_delim(const struct lexer *l, bool *trim)
{
    if (right_trim_marker(l, l->pos) && has_prefix(l, l->pos + 2, "}}")) {
        *trim = true;
        return true;
    }
    *trim = false;
    return has_prefix(l, l->pos, "}}");
}

static bool at_terminator(const struct lexer *l)
{
    int c = peekc(l);
    return c == -1 || is_space(c) || strchr(".,|:()", c) != NULL || has_prefix(l, l->pos, "}}");
}

/* The rune at pos for "bad character U+007D '}'" messages. */
static void bad_char(struct lexer *l, const char *what)
{
    uint32_t r = 0;
    size_t k = utf8_rune((const unsigned char *)l->in + l->pos, l->n - l->pos, &r);
    if (k == 0 && l->pos < l->n) {
        r = 0xfffd;
    }
    struct strbuf b = {0};
    strbuf_addf(&b, "U+%04X '", r);
    utf8_put(&b, r);
    strbuf_addc(&b, '\'');
    lex_error(l, "%s %s", what, b.s);
    free(b.s);
}

static void lex_right_delim(struct lexer *l)
{
    bool trim = false;
    at_right_delim(l, &trim);
    if (trim) {
        l->pos += 2;
        l->start = l->pos;
    }
    l->pos += 2;
    emit(l, T_RDELIM);
    if (trim) {
        while (l->pos < l->n && is_space((unsigned char)l->in[l->pos])) {
            l->pos++;
        }
        l->start = l->pos;
    }
    l->inside = false;
}

static void lex_field_or_variable(struct lexer *l, enum tok type)
{
    if (at_terminator(l)) {
        emit(l, type == T_VARIABLE ? T_VARIABLE : T_DOT);
        return;
    }
    while (l->pos < l->n && is_alnum((unsigned char)l->in[l->pos])) {
        l->pos++;
    }
    if (!at_terminator(l)) {
        bad_char(l, "bad character");
        return;
    }
    emit(l, type);
}

static void accept_run(struct lexer *l, const char *set)
{
    while (l->pos < l->n && strchr(set, l->in[l->pos]) != NULL) {
        l->pos++;
    }
}

static bool accept(struct lexer *l, const char *set)
{
    if (l->pos < l->n && strchr(set, l->in[l->pos]) != NULL) {
        l->pos++;
        return true;
    }
    return false;
}

static bool scan_number(struct lexer *l)
{
    accept(l, "+-");
    const char *digits = "0123456789_";
    if (accept(l, "0")) {
        if (accept(l, "xX")) {
            digits = "0123456789abcdefABCDEF_";
        } else if (accept(l, "oO")) {
            digits = "01234567_";
        } else if (accept(l, "bB")) {
            digits = "01_";
        }
    }
    accept_run(l, digits);
    if (accept(l, ".")) {
        accept_run(l, digits);
    }
    if (strlen(digits) == 11 && accept(l, "eE")) {
        accept(l, "+-");
        accept_run(l, "0123456789_");
    }
    if (strlen(digits) == 23 && accept(l, "pP")) {
        accept(l, "+-");
        accept_run(l, "0123456789_");
    }
    accept(l, "i");
    if (l->pos < l->n && is_alnum((unsigned char)l->in[l->pos])) {
        l->pos++;
        return false;
    }
    return true;
}

static void lex_quote(struct lexer *l, char q, enum tok type, const char *what)
{
    for (;;) {
        int c = peekc(l);
        if (c == -1 || (c == '\n' && q != '`')) {
            lex_error(l, "%s", what);
            return;
        }
        l->pos++;
        if (c == '\\' && q != '`') {
            int d = peekc(l);
            if (d == -1 || d == '\n') {
                lex_error(l, "%s", what);
                return;
            }
            l->pos++;
        } else if (c == q) {
            break;
        }
    }
    emit(l, type);
}

static const struct {
    const char *word;
    enum tok type;
} KEYWORDS[] = {
    {"block", T_BLOCK},
    {"break", T_BREAK},
    {"continue", T_CONTINUE},
    {"define", T_DEFINE},
    {"else", T_ELSE},
    {"end", T_END},
    {"if", T_IF},
    {"nil", T_NIL},
    {"range", T_RANGE},
    {"template", T_TEMPLATE},
    {"with", T_WITH},
};

static void lex_identifier(struct lexer *l)
{
    while (l->pos < l->n && is_alnum((unsigned char)l->in[l->pos])) {
        l->pos++;
    }
    if (!at_terminator(l)) {
        bad_char(l, "bad character");
        return;
    }
    size_t len = l->pos - l->start;
    const char *w = l->in + l->start;
    for (size_t i = 0; i < sizeof KEYWORDS / sizeof KEYWORDS[0]; i++) {
        if (strlen(KEYWORDS[i].word) == len && memcmp(KEYWORDS[i].word, w, len) == 0) {
            emit(l, KEYWORDS[i].type);
            return;
        }
    }
    bool boolean =
        (len == 4 && memcmp(w, "true", 4) == 0) || (len == 5 && memcmp(w, "false", 5) == 0);
    emit(l, boolean ? T_BOOL : T_IDENT);
}

static void lex_inside_action(struct lexer *l)
{
    bool trim = false;
    if (at_right_delim(l, &trim)) {
        if (l->paren_depth == 0) {
            lex_right_delim(l);
        } else {
            lex_error(l, "unclosed left paren");
        }
        return;
    }
    int c = peekc(l);
    if (c == -1) {
        lex_error(l, "unclosed action");
        return;
    }
    if (is_space(c)) {
        size_t spaces = 0;
        while (l->pos < l->n && is_space((unsigned char)l->in[l->pos])) {
            l->pos++;
            spaces++;
        }
        if (right_trim_marker(l, l->pos - 1) && has_prefix(l, l->pos + 1, "}}")) {
            l->pos--;
            if (spaces == 1) {
                lex_right_delim(l);
                return;
            }
        }
        emit(l, T_SPACE);
        return;
    }
    l->pos++;
    switch (c) {
    case '=':
        emit(l, T_ASSIGN);
        return;
    case ':':
        if (peekc(l) != '=') {
            lex_error(l, "expected :=");
            return;
        }
        l->pos++;
        emit(l, T_DECLARE);
        return;
    case '|':
        emit(l, T_PIPE);
        return;
    case '"':
        lex_quote(l, '"', T_STRING, "unterminated quoted string");
        return;
    case '`':
        lex_quote(l, '`', T_RAWSTRING, "unterminated raw quoted string");
        return;
    case '\'':
        lex_quote(l, '\'', T_CHARCONST, "unterminated character constant");
        return;
    case '$':
        if (at_terminator(l)) {
            emit(l, T_VARIABLE);
        } else {
            lex_field_or_variable(l, T_VARIABLE);
        }
        return;
    case '(':
        emit(l, T_LPAREN);
        l->paren_depth++;
        return;
    case ')':
        if (--l->paren_depth < 0) {
            lex_error(l, "unexpected right paren");
            return;
        }
        emit(l, T_RPAREN);
        return;
    default:
        break;
    }
    if (c == '.' && !(l->pos < l->n && isdigit((unsigned char)l->in[l->pos]))) {
        lex_field_or_variable(l, T_FIELD);
        return;
    }
    if (c == '.' || c == '+' || c == '-' || isdigit(c)) {
        l->pos--;
        if (!scan_number(l)) {
            cleanup_free char *raw = xstrndup(l->in + l->start, l->pos - l->start);
            cleanup_free char *q = go_quote_str(raw);
            lex_error(l, "bad number syntax: %s", q);
            return;
        }
        int sign = peekc(l);
        if (sign == '+' || sign == '-') {
            lex_error(l, "complex constants are not supported");
            return;
        }
        emit(l, T_NUMBER);
        return;
    }
    if (is_alnum(c)) {
        l->pos--;
        lex_identifier(l);
        return;
    }
    if (c < 0x80 && isprint(c)) {
        emit(l, T_CHAR);
        return;
    }
    l->pos--;
    bad_char(l, "unrecognized character in action:");
}

static void lex_text(struct lexer *l)
{
    const char *found = NULL;
    for (size_t i = l->pos; i + 1 < l->n; i++) {
        if (l->in[i] == '{' && l->in[i + 1] == '{') {
            found = l->in + i;
            break;
        }
    }
    if (found == NULL) {
        l->pos = l->n;
        if (l->pos > l->start) {
            emit(l, T_TEXT);
        }
        emit(l, T_EOF);
        l->done = true;
        return;
    }
    size_t at = (size_t)(found - l->in);
    size_t text_end = at;
    if (left_trim_marker(l, at + 2)) {
        while (text_end > l->start && is_space((unsigned char)l->in[text_end - 1])) {
            text_end--;
        }
    }
    if (text_end > l->start) {
        emit_at(l, T_TEXT, l->start, text_end);
    }
    l->pos = at + 2;
    l->start = at;
    bool trim = left_trim_marker(l, l->pos);
    size_t after = trim ? 2 : 0;
    if (has_prefix(l, l->pos + after, "/*")) {
        l->pos += after + 2;
        l->start = l->pos;
        const char *end = NULL;
        for (size_t i = l->pos; i + 1 < l->n; i++) {
            if (l->in[i] == '*' && l->in[i + 1] == '/') {
                end = l->in + i;
                break;
            }
        }
        if (end == NULL) {
            lex_error(l, "unclosed comment");
            return;
        }
        l->pos = (size_t)(end - l->in) + 2;
        bool rtrim = false;
        if (!at_right_delim(l, &rtrim)) {
            lex_error(l, "comment ends before closing delimiter");
            return;
        }
        l->pos += (rtrim ? 2 : 0) + 2;
        if (rtrim) {
            while (l->pos < l->n && is_space((unsigned char)l->in[l->pos])) {
                l->pos++;
            }
        }
        l->start = l->pos;
        return;
    }
    emit(l, T_LDELIM);
    l->pos += after;
    l->start = l->pos;
    l->paren_depth = 0;
    l->inside = true;
}

/* Lexes the whole input; the last token is T_EOF or T_ERROR. */
static void lex_all(struct lexer *l)
{
    while (!l->done) {
        if (l->inside) {
            lex_inside_action(l);
        } else {
            lex_text(l);
        }
    }
}

/* ---- parse tree (text/template/parse/node.go) ---- */

enum node_type {
    N_LIST,
    N_TEXT,
    N_ACTION,
    N_IF,
    N_RANGE,
    N_WITH,
    N_TEMPLATE,
    N_BREAK,
    N_CONTINUE,
    N_PIPE,
    N_COMMAND,
    N_FIELD,
    N_VARIABLE,
    N_CHAIN,
    N_IDENT,
    N_DOT,
    N_NIL,
    N_BOOL,
    N_NUMBER,
    N_STRING,
    N_END,  /* parser-only: {{end}} */
    N_ELSE, /* parser-only: {{else}} */
};

struct node {
    enum node_type type;
    size_t pos;
    int line;
    struct node **kids; /* list items, pipe commands, command args */
    size_t nkids;
    struct node **decl; /* pipe: declared variables */
    size_t ndecl;
    bool is_assign;
    struct node *pipe, *list, *else_list, *sub; /* sub: a chain's operand */
    char **idents; /* field, variable, chain: the names (field without dots) */
    size_t nidents;
    char *text; /* text, string value, identifier, template name */
    size_t text_len;
    char *quoted; /* string literal or number as written */
    bool boolean;
    /* numbers */
    bool is_int, is_uint, is_float;
    long long i;
    double f;
};

struct tree {
    char *name;
    struct node *root;
};

struct gotemplate {
    char *text;
    struct pool pool;
    struct tree *trees;
    size_t ntrees;
};

static void node_add(struct pool *pool, struct node *n, struct node *kid)
{
    if ((n->nkids & (n->nkids - 1)) == 0) {
        size_t cap = n->nkids ? n->nkids * 2 : 1;
        struct node **kids = pool_zalloc(pool, cap * sizeof *kids);
        if (n->nkids) {
            memcpy(kids, n->kids, n->nkids * sizeof *kids);
        }
        n->kids = kids;
    }
    n->kids[n->nkids++] = kid;
}

static void node_string(struct strbuf *b, const struct node *n);

static void pipe_string(struct strbuf *b, const struct node *p)
{
    for (size_t i = 0; i < p->ndecl; i++) {
        if (i > 0) {
            strbuf_add(b, ", ");
        }
        node_string(b, p->decl[i]);
    }
    if (p->ndecl > 0) {
        strbuf_add(b, p->is_assign ? " = " : " := ");
    }
    for (size_t i = 0; i < p->nkids; i++) {
        if (i > 0) {
            strbuf_add(b, " | ");
        }
        node_string(b, p->kids[i]);
    }
}

/* Go's Node.String(), for "executing ... at <...>" contexts and parse messages. */
static void node_string(struct strbuf *b, const struct node *n)
{
    switch (n->type) {
    case N_LIST:
        for (size_t i = 0; i < n->nkids; i++) {
            node_string(b, n->kids[i]);
        }
        break;
    case N_TEXT:
        strbuf_addn(b, n->text, n->text_len);
        break;
    case N_ACTION:
        strbuf_add(b, "{{");
        pipe_string(b, n->pipe);
        strbuf_add(b, "}}");
        break;
    case N_IF:
    case N_RANGE:
    case N_WITH:
        strbuf_add(b, n->type == N_IF ? "{{if " : n->type == N_RANGE ? "{{range " : "{{with ");
        pipe_string(b, n->pipe);
        strbuf_add(b, "}}");
        node_string(b, n->list);
        if (n->else_list) {
            strbuf_add(b, "{{else}}");
            node_string(b, n->else_list);
        }
        strbuf_add(b, "{{end}}");
        break;
    case N_TEMPLATE:
        strbuf_add(b, "{{template ");
        go_quote(b, n->text, strlen(n->text));
        if (n->pipe) {
            strbuf_addc(b, ' ');
            pipe_string(b, n->pipe);
        }
        strbuf_add(b, "}}");
        break;
    case N_BREAK:
        strbuf_add(b, "{{break}}");
        break;
    case N_CONTINUE:
        strbuf_add(b, "{{continue}}");
        break;
    case N_PIPE:
        pipe_string(b, n);
        break;
    case N_COMMAND:
        for (size_t i = 0; i < n->nkids; i++) {
            if (i > 0) {
                strbuf_addc(b, ' ');
            }
            if (n->kids[i]->type == N_PIPE) {
                strbuf_addc(b, '(');
                node_string(b, n->kids[i]);
                strbuf_addc(b, ')');
            } else {
                node_string(b, n->kids[i]);
            }
        }
        break;
    case N_FIELD:
        for (size_t i = 0; i < n->nidents; i++) {
            strbuf_addc(b, '.');
            strbuf_add(b, n->idents[i]);
        }
        break;
    case N_VARIABLE:
        for (size_t i = 0; i < n->nidents; i++) {
            if (i > 0) {
                strbuf_addc(b, '.');
            }
            strbuf_add(b, n->idents[i]);
        }
        break;
    case N_CHAIN:
        if (n->sub->type == N_PIPE) {
            strbuf_addc(b, '(');
            node_string(b, n->sub);
            strbuf_addc(b, ')');
        } else {
            node_string(b, n->sub);
        }
        for (size_t i = 0; i < n->nidents; i++) {
            strbuf_addc(b, '.');
            strbuf_add(b, n->idents[i]);
        }
        break;
    case N_IDENT:
        strbuf_add(b, n->text);
        break;
    case N_DOT:
        strbuf_addc(b, '.');
        break;
    case N_NIL:
        strbuf_add(b, "nil");
        break;
    case N_BOOL:
        strbuf_add(b, n->boolean ? "true" : "false");
        break;
    case N_NUMBER:
    case N_STRING:
        strbuf_add(b, n->quoted);
        break;
    case N_END:
        strbuf_add(b, "{{end}}");
        break;
    case N_ELSE:
        strbuf_add(b, "{{else}}");
        break;
    }
}

/* ---- parser (text/template/parse/parse.go) ---- */

struct parser {
    struct gotemplate *t;
    struct token *toks;
    size_t ntoks, at;
    int line; /* line of the last token looked at, for messages */
    int action_line;
    const char **vars;
    size_t nvars, capvars;
    int range_depth;
    char *error;
    jmp_buf fail;
};

static const char *const FUNCS[] = {"and",     "base64decode", "call",    "eq", "exists", "ge",
                                    "gt",      "html",         "index",   "js", "le",     "len",
                                    "lt",      "ne",           "not",     "or", "print",  "printf",
                                    "println", "slice",        "urlquery"};

static bool has_function(const char *name)
{
    for (size_t i = 0; i < sizeof FUNCS / sizeof FUNCS[0]; i++) {
        if (strcmp(FUNCS[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* Fails the parse with Go's "template: output:LINE: msg". Does not return. */
static void parse_fail(struct parser *p, const char *fmt, ...) C8S_FMT(2, 3);
static void parse_fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
    p->error = xasprintf("template: output:%d: %s", p->line, msg);
    free(msg);
    longjmp(p->fail, 1);
}

/* The token at i; past the end, the last one (T_EOF or T_ERROR) again. */
static struct token *tok_at(struct parser *p, size_t i)
{
    return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

static struct token *next_tok(struct parser *p)
{
    struct token *t = tok_at(p, p->at++);
    p->line = t->line;
    return t;
}

static void backup_tok(struct parser *p)
{
    p->at--;
}

static struct token *peek_tok(struct parser *p)
{
    struct token *t = tok_at(p, p->at);
    p->line = t->line;
    return t;
}

static struct token *next_non_space(struct parser *p)
{
    struct token *t;
    do {
        t = next_tok(p);
    } while (t->type == T_SPACE);
    return t;
}

static struct token *peek_non_space(struct parser *p)
{
    struct token *t = next_non_space(p);
    backup_tok(p);
    return t;
}

/* Go's item.String() */
static char *token_string(const struct token *t)
{
    if (t->type == T_EOF) {
        return xstrdup("EOF");
    }
    if (t->type == T_ERROR) {
        return xstrdup(t->val);
    }
    if (t->type > T_KEYWORD) {
        return xasprintf("<%.*s>", (int)t->len, t->val);
    }
    struct strbuf b = {0};
    if (utf8_count(t->val, t->len) > 10) {
        size_t cut = 0;
        for (int k = 0; k < 10; k++) {
            uint32_t r;
            size_t l = utf8_rune((const unsigned char *)t->val + cut, t->len - cut, &r);
            cut += l ? l : 1;
        }
        go_quote(&b, t->val, cut);
        strbuf_add(&b, "...");
    } else {
        go_quote(&b, t->val, t->len);
    }
    return b.s;
}

static void unexpected(struct parser *p, const struct token *t, const char *context)
{
    char *s = pool_keep(&p->t->pool, token_string(t));
    if (t->type == T_ERROR) {
        char *extra = NULL;
        if (p->action_line != 0 && p->action_line != t->line) {
            size_t len = strlen(t->val);
            bool action = len >= 7 && strcmp(t->val + len - 7, " action") == 0;
            extra =
                xasprintf("%s started at output:%d", action ? "" : " in action", p->action_line);
            pool_keep(&p->t->pool, extra);
        }
        parse_fail(p, "%s%s", s, extra ? extra : "");
    }
    parse_fail(p, "unexpected %s in %s", s, context);
}

static struct token *expect(struct parser *p, enum tok type, const char *context)
{
    struct token *t = next_non_space(p);
    if (t->type != type) {
        unexpected(p, t, context);
    }
    return t;
}

static struct node *new_node(struct parser *p, enum node_type type, size_t pos)
{
    struct node *n = pool_zalloc(&p->t->pool, sizeof *n);
    n->type = type;
    n->pos = pos;
    n->line = line_at(p->t->text, pos);
    return n;
}

static char *tok_dup(struct parser *p, const struct token *t)
{
    return pool_strndup(&p->t->pool, t->val, t->len);
}

static void push_var(struct parser *p, const char *name)
{
    if (p->nvars == p->capvars) {
        p->capvars = p->capvars ? p->capvars * 2 : 8;
        p->vars = xrealloc(p->vars, p->capvars * sizeof *p->vars);
    }
    p->vars[p->nvars++] = name;
}

/* Splits "$x.a.b" / ".a.b" into idents ("$x", "a", "b" / "a", "b"). */
static void split_idents(struct parser *p, struct node *n, const char *s, bool field)
{
    cleanup_free char *copy = xstrdup(field ? s + 1 : s);
    size_t count = 1;
    for (const char *c = copy; *c; c++) {
        count += *c == '.';
    }
    n->idents = pool_zalloc(&p->t->pool, count * sizeof *n->idents);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
        n->idents[n->nidents++] = pool_strndup(&p->t->pool, tok, strlen(tok));
    }
}

static struct node *new_variable(struct parser *p, size_t pos, const char *name)
{
    struct node *n = new_node(p, N_VARIABLE, pos);
    split_idents(p, n, name, false);
    return n;
}

static struct node *use_var(struct parser *p, size_t pos, const char *name)
{
    struct node *v = new_variable(p, pos, name);
    for (size_t i = 0; i < p->nvars; i++) {
        if (strcmp(p->vars[i], v->idents[0]) == 0) {
            return v;
        }
    }
    parse_fail(p, "undefined variable \"%s\"", v->idents[0]);
    return NULL;
}

/* strconv.ParseInt/ParseUint with base 0 (prefixes, underscores); false when invalid. */
static bool go_parse_int(const char *text, bool is_signed, long long *out_i,
                         unsigned long long *out_u)
{
    const char *s = text;
    bool neg = false;
    if (*s == '+' || *s == '-') {
        if (!is_signed) {
            return false;
        }
        neg = *s == '-';
        s++;
    }
    int base = 10;
    bool prefix = false;
    if (s[0] == '0' && s[1] != '\0') {
        char c = (char)tolower((unsigned char)s[1]);
        base = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 8;
        s += (c == 'x' || c == 'o' || c == 'b') ? 2 : 1;
        prefix = true;
    }
    if (*s == '\0' && !(prefix && base == 8)) {
        return false;
    }
    unsigned long long v = 0;
    for (; *s; s++) {
        if (*s == '_' && prefix) {
            continue;
        }
        int d = isdigit((unsigned char)*s)   ? *s - '0'
                : isalpha((unsigned char)*s) ? tolower((unsigned char)*s) - 'a' + 10
                                             : 99;
        if (d >= base) {
            return false;
        }
        if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base) {
            return false;
        }
        v = v * (unsigned)base + (unsigned)d;
    }
    if (is_signed) {
        if ((!neg && v > (unsigned long long)LLONG_MAX) ||
            (neg && v > (unsigned long long)LLONG_MAX + 1)) {
            return false;
        }
        *out_i = neg ? (long long)(0 - v) : (long long)v;
    } else {
        *out_u = v;
    }
    return true;
}

static struct node *new_number(struct parser *p, const struct token *t)
{
    struct node *n = new_node(p, N_NUMBER, t->pos);
    char *text = tok_dup(p, t);
    n->quoted = text;
    if (t->type == T_CHARCONST) {
        size_t len = 0;
        char *v = pool_keep(&p->t->pool, go_unquote(text, strlen(text), &len));
        uint32_t r = 0;
        size_t k = v ? utf8_rune((const unsigned char *)v, len, &r) : 0;
        if (v == NULL || k != len) {
            parse_fail(p, "malformed character constant: %s", text);
        }
        n->is_int = n->is_uint = n->is_float = true;
        n->i = r;
        n->f = r;
        return n;
    }
    unsigned long long u = 0;
    long long i = 0;
    n->is_uint = go_parse_int(text, false, &i, &u);
    n->is_int = go_parse_int(text, true, &i, &u);
    if (n->is_int) {
        n->i = i;
        n->is_float = true;
        n->f = (double)i;
    } else if (n->is_uint) {
        n->is_float = true;
        n->f = (double)u;
    } else {
        char *clean = pool_keep(&p->t->pool, xstrdup(text));
        char *w = clean;
        for (const char *c = text; *c; c++) {
            if (*c != '_') {
                *w++ = *c;
            }
        }
        *w = '\0';
        char *end = NULL;
        errno = 0;
        double f = strtod(clean, &end);
        if (end != clean && *end == '\0' && errno == 0) {
            if (strpbrk(text, ".eEpP") == NULL) {
                char *q = pool_keep(&p->t->pool, go_quote_str(text));
                parse_fail(p, "integer overflow: %s", q);
            }
            n->is_float = true;
            n->f = f;
            if (f >= -9.2e18 && f <= 9.2e18 && (double)(long long)f == f) {
                n->is_int = true;
                n->i = (long long)f;
            }
        }
    }
    if (!n->is_int && !n->is_uint && !n->is_float) {
        char *q = pool_keep(&p->t->pool, go_quote_str(text));
        parse_fail(p, "illegal number syntax: %s", q);
    }
    return n;
}

static struct node *parse_pipeline(struct parser *p, const char *context, enum tok end);

static struct node *term(struct parser *p)
{
    struct token *t = next_non_space(p);
    switch (t->type) {
    case T_IDENT: {
        char *name = tok_dup(p, t);
        if (!has_function(name)) {
            parse_fail(p, "function \"%s\" not defined", name);
        }
        struct node *n = new_node(p, N_IDENT, t->pos);
        n->text = name;
        return n;
    }
    case T_DOT:
        return new_node(p, N_DOT, t->pos);
    case T_NIL:
        return new_node(p, N_NIL, t->pos);
    case T_VARIABLE:
        return use_var(p, t->pos, tok_dup(p, t));
    case T_FIELD: {
        struct node *n = new_node(p, N_FIELD, t->pos);
        split_idents(p, n, tok_dup(p, t), true);
        return n;
    }
    case T_BOOL: {
        struct node *n = new_node(p, N_BOOL, t->pos);
        n->boolean = t->val[0] == 't';
        return n;
    }
    case T_CHARCONST:
    case T_NUMBER:
        return new_number(p, t);
    case T_LPAREN:
        return parse_pipeline(p, "parenthesized pipeline", T_RPAREN);
    case T_STRING:
    case T_RAWSTRING: {
        struct node *n = new_node(p, N_STRING, t->pos);
        n->quoted = tok_dup(p, t);
        size_t len = 0;
        char *v = go_unquote(t->val, t->len, &len);
        if (v == NULL) {
            parse_fail(p, "invalid syntax");
        }
        n->text = pool_keep(&p->t->pool, v);
        n->text_len = len;
        return n;
    }
    default:
        backup_tok(p);
        return NULL;
    }
}

static struct node *operand(struct parser *p)
{
    struct node *n = term(p);
    if (n == NULL) {
        return NULL;
    }
    if (peek_tok(p)->type != T_FIELD) {
        return n;
    }
    struct node *chain = new_node(p, N_CHAIN, peek_tok(p)->pos);
    chain->sub = n;
    struct strbuf fields = {0};
    while (peek_tok(p)->type == T_FIELD) {
        struct token *f = next_tok(p);
        strbuf_addn(&fields, f->val, f->len);
    }
    split_idents(p, chain, fields.s, true);
    free(fields.s);
    if (n->type == N_FIELD || n->type == N_VARIABLE) {
        struct strbuf all = {0};
        node_string(&all, n);
        for (size_t i = 0; i < chain->nidents; i++) {
            strbuf_addf(&all, ".%s", chain->idents[i]);
        }
        struct node *merged = new_node(p, n->type, chain->pos);
        split_idents(p, merged, all.s, n->type == N_FIELD);
        free(all.s);
        return merged;
    }
    if (n->type == N_BOOL || n->type == N_STRING || n->type == N_NUMBER || n->type == N_NIL ||
        n->type == N_DOT) {
        struct strbuf s = {0};
        node_string(&s, n);
        char *q = pool_keep(&p->t->pool, go_quote_str(s.s));
        free(s.s);
        parse_fail(p, "unexpected . after term %s", q);
    }
    return chain;
}

static struct node *command(struct parser *p)
{
    struct node *cmd = new_node(p, N_COMMAND, peek_non_space(p)->pos);
    for (;;) {
        peek_non_space(p);
        struct node *op = operand(p);
        if (op != NULL) {
            node_add(&p->t->pool, cmd, op);
        }
        struct token *t = next_tok(p);
        if (t->type == T_SPACE) {
            continue;
        }
        if (t->type == T_RDELIM || t->type == T_RPAREN) {
            backup_tok(p);
        } else if (t->type != T_PIPE) {
            unexpected(p, t, "operand");
        }
        break;
    }
    if (cmd->nkids == 0) {
        parse_fail(p, "empty command");
    }
    return cmd;
}

static struct node *parse_pipeline(struct parser *p, const char *context, enum tok end)
{
    struct node *pipe = new_node(p, N_PIPE, peek_non_space(p)->pos);
    pipe->decl = pool_zalloc(&p->t->pool, 2 * sizeof *pipe->decl);
    while (peek_non_space(p)->type == T_VARIABLE) {
        size_t before = p->at;
        struct token *v = next_non_space(p);
        struct token *nx = peek_non_space(p);
        bool comma = nx->type == T_CHAR && nx->len == 1 && nx->val[0] == ',';
        if (nx->type != T_ASSIGN && nx->type != T_DECLARE && !comma) {
            p->at = before;
            break;
        }
        next_non_space(p);
        struct node *var = new_variable(p, v->pos, tok_dup(p, v));
        pipe->decl[pipe->ndecl++] = var;
        push_var(p, var->idents[0]);
        if (!comma) {
            pipe->is_assign = nx->type == T_ASSIGN;
            break;
        }
        if (strcmp(context, "range") == 0 && pipe->ndecl < 2) {
            enum tok k = peek_non_space(p)->type;
            if (k == T_VARIABLE || k == T_RDELIM || k == T_RPAREN) {
                continue;
            }
            parse_fail(p, "range can only initialize variables");
        }
        parse_fail(p, "too many declarations in %s", context);
    }
    for (;;) {
        struct token *t = next_non_space(p);
        if (t->type == end) {
            if (pipe->nkids == 0) {
                parse_fail(p, "missing value for %s", context);
            }
            for (size_t i = 1; i < pipe->nkids; i++) {
                enum node_type k = pipe->kids[i]->kids[0]->type;
                if (k == N_BOOL || k == N_DOT || k == N_NIL || k == N_NUMBER || k == N_STRING) {
                    parse_fail(p, "non executable command in pipeline stage %zu", i + 1);
                }
            }
            return pipe;
        }
        switch (t->type) {
        case T_BOOL:
        case T_CHARCONST:
        case T_DOT:
        case T_FIELD:
        case T_IDENT:
        case T_NUMBER:
        case T_NIL:
        case T_RAWSTRING:
        case T_STRING:
        case T_VARIABLE:
        case T_LPAREN:
            backup_tok(p);
            node_add(&p->t->pool, pipe, command(p));
            break;
        default:
            unexpected(p, t, context);
        }
    }
}

static struct node *item_list(struct parser *p, struct node **next);
static struct node *text_or_action(struct parser *p);

static void add_tree(struct parser *p, const char *name, struct node *root)
{
    struct gotemplate *t = p->t;
    for (size_t i = 0; i < t->ntrees; i++) {
        if (strcmp(t->trees[i].name, name) == 0) {
            if (t->trees[i].root->nkids == 0) {
                t->trees[i].root = root;
                return;
            }
            if (root->nkids == 0) {
                return;
            }
            parse_fail(p, "template: multiple definition of template \"%s\"", name);
        }
    }
    t->trees = xrealloc(t->trees, (t->ntrees + 1) * sizeof *t->trees);
    t->trees[t->ntrees++] = (struct tree){pool_strndup(&t->pool, name, strlen(name)), root};
}

/* Runs body with the parser's variables reset to "$" and restores them after. */
static struct node *sub_tree_list(struct parser *p, struct node **end)
{
    const char **saved = p->vars;
    size_t nsaved = p->nvars, capsaved = p->capvars;
    p->vars = NULL;
    p->nvars = p->capvars = 0;
    push_var(p, "$");
    struct node *list = item_list(p, end);
    free(p->vars);
    p->vars = saved;
    p->nvars = nsaved;
    p->capvars = capsaved;
    return list;
}

static char *template_name(struct parser *p, const struct token *t, const char *context)
{
    if (t->type != T_STRING && t->type != T_RAWSTRING) {
        unexpected(p, t, context);
    }
    size_t len = 0;
    char *v = go_unquote(t->val, t->len, &len);
    if (v == NULL) {
        parse_fail(p, "invalid syntax");
    }
    return pool_keep(&p->t->pool, v);
}

static void parse_definition(struct parser *p)
{
    const char *context = "define clause";
    struct token *t = next_non_space(p);
    if (t->type != T_STRING && t->type != T_RAWSTRING) {
        unexpected(p, t, context);
    }
    char *name = template_name(p, t, context);
    expect(p, T_RDELIM, context);
    struct node *end = NULL;
    struct node *list = sub_tree_list(p, &end);
    if (end->type != N_END) {
        struct strbuf s = {0};
        node_string(&s, end);
        char *msg = pool_keep(&p->t->pool, s.s);
        parse_fail(p, "unexpected %s in %s", msg, context);
    }
    add_tree(p, name, list);
}

static struct node *control(struct parser *p, enum node_type type, const char *context)
{
    size_t nvars = p->nvars;
    struct node *n = new_node(p, type, 0);
    n->pipe = parse_pipeline(p, context, T_RDELIM);
    n->pos = n->pipe->pos;
    n->line = n->pipe->line;
    if (type == N_RANGE) {
        p->range_depth++;
    }
    struct node *next = NULL;
    n->list = item_list(p, &next);
    if (type == N_RANGE) {
        p->range_depth--;
    }
    if (next->type == N_ELSE) {
        enum tok peek = peek_tok(p)->type;
        if ((type == N_IF && peek == T_IF) || (type == N_WITH && peek == T_WITH)) {
            next_tok(p);
            n->else_list = new_node(p, N_LIST, next->pos);
            node_add(&p->t->pool, n->else_list, control(p, type, context));
        } else {
            n->else_list = item_list(p, &next);
            if (next->type != N_END) {
                struct strbuf s = {0};
                node_string(&s, next);
                char *msg = pool_keep(&p->t->pool, s.s);
                parse_fail(p, "expected end; found %s", msg);
            }
        }
    }
    p->nvars = nvars;
    return n;
}

static struct node *action(struct parser *p)
{
    struct token *t = next_non_space(p);
    switch (t->type) {
    case T_BLOCK: {
        const char *context = "block clause";
        struct token *nt = next_non_space(p);
        char *name = template_name(p, nt, context);
        struct node *pipe = parse_pipeline(p, context, T_RDELIM);
        struct node *end = NULL;
        struct node *list = sub_tree_list(p, &end);
        if (end->type != N_END) {
            struct strbuf s = {0};
            node_string(&s, end);
            char *msg = pool_keep(&p->t->pool, s.s);
            parse_fail(p, "unexpected %s in %s", msg, context);
        }
        add_tree(p, name, list);
        struct node *n = new_node(p, N_TEMPLATE, nt->pos);
        n->text = name;
        n->pipe = pipe;
        return n;
    }
    case T_BREAK:
    case T_CONTINUE: {
        bool is_break = t->type == T_BREAK;
        struct token *r = next_non_space(p);
        if (r->type != T_RDELIM) {
            unexpected(p, r, is_break ? "{{break}}" : "{{continue}}");
        }
        if (p->range_depth == 0) {
            parse_fail(p, "%s outside {{range}}", is_break ? "{{break}}" : "{{continue}}");
        }
        return new_node(p, is_break ? N_BREAK : N_CONTINUE, t->pos);
    }
    case T_ELSE: {
        struct token *peek = peek_non_space(p);
        if (peek->type == T_IF || peek->type == T_WITH) {
            return new_node(p, N_ELSE, peek->pos);
        }
        return new_node(p, N_ELSE, expect(p, T_RDELIM, "else")->pos);
    }
    case T_END:
        return new_node(p, N_END, expect(p, T_RDELIM, "end")->pos);
    case T_IF:
        return control(p, N_IF, "if");
    case T_RANGE:
        return control(p, N_RANGE, "range");
    case T_WITH:
        return control(p, N_WITH, "with");
    case T_TEMPLATE: {
        const char *context = "template clause";
        struct token *nt = next_non_space(p);
        struct node *n = new_node(p, N_TEMPLATE, nt->pos);
        n->text = template_name(p, nt, context);
        if (next_non_space(p)->type != T_RDELIM) {
            backup_tok(p);
            n->pipe = parse_pipeline(p, context, T_RDELIM);
        }
        return n;
    }
    default:
        break;
    }
    backup_tok(p);
    struct node *n = new_node(p, N_ACTION, peek_tok(p)->pos);
    n->pipe = parse_pipeline(p, "command", T_RDELIM);
    return n;
}

static struct node *text_or_action(struct parser *p)
{
    struct token *t = next_non_space(p);
    if (t->type == T_TEXT) {
        struct node *n = new_node(p, N_TEXT, t->pos);
        n->text = tok_dup(p, t);
        n->text_len = t->len;
        return n;
    }
    if (t->type == T_LDELIM) {
        int saved = p->action_line;
        p->action_line = t->line;
        struct node *n = action(p);
        p->action_line = saved;
        return n;
    }
    unexpected(p, t, "input");
    return NULL;
}

static struct node *item_list(struct parser *p, struct node **next)
{
    struct node *list = new_node(p, N_LIST, peek_non_space(p)->pos);
    while (peek_non_space(p)->type != T_EOF) {
        struct node *n = text_or_action(p);
        if (n->type == N_END || n->type == N_ELSE) {
            *next = n;
            return list;
        }
        node_add(&p->t->pool, list, n);
    }
    parse_fail(p, "unexpected EOF");
    return NULL;
}

/* Whether the next tokens are "{{define": consumes them when they are. */
static bool at_define(struct parser *p)
{
    if (peek_tok(p)->type != T_LDELIM) {
        return false;
    }
    size_t saved = p->at;
    int saved_line = p->action_line;
    p->action_line = next_tok(p)->line;
    if (next_non_space(p)->type == T_DEFINE) {
        return true;
    }
    p->action_line = saved_line;
    p->at = saved;
    return false;
}

struct gotemplate *gotemplate_parse(const char *text, char **error)
{
    struct gotemplate *t = xcalloc(1, sizeof *t);
    t->text = xstrdup(text);
    struct lexer l = {.in = t->text, .n = strlen(t->text), .pool = &t->pool};
    lex_all(&l);
    struct parser p = {.t = t, .toks = l.toks, .ntoks = l.ntoks, .line = 1};
    push_var(&p, "$");
    if (setjmp(p.fail) != 0) {
        free(l.toks);
        free(p.vars);
        gotemplate_free(t);
        *error = p.error;
        return NULL;
    }
    struct node *root = new_node(&p, N_LIST, 0);
    while (peek_tok(&p)->type != T_EOF) {
        if (at_define(&p)) {
            parse_definition(&p);
            p.action_line = 0;
            continue;
        }
        struct node *n = text_or_action(&p);
        if (n->type == N_END || n->type == N_ELSE) {
            struct strbuf s = {0};
            node_string(&s, n);
            char *msg = pool_keep(&p.t->pool, s.s);
            parse_fail(&p, "unexpected %s", msg);
        }
        node_add(&t->pool, root, n);
    }
    add_tree(&p, "output", root);
    free(l.toks);
    free(p.vars);
    return t;
}

void gotemplate_free(struct gotemplate *t)
{
    if (t == NULL) {
        return;
    }
    pool_free(&t->pool);
    free(t->trees);
    free(t->text);
    free(t);
}

/* ---- values as reflect sees them ---- */

enum vkind {
    V_MISSING, /* no final value in a pipeline (Go's missingVal) */
    V_INVALID, /* the zero reflect.Value: a missing key */
    V_NIL,     /* a nil interface{} (JSON null) */
    V_BOOL,
    V_INT,   /* Go int: literals, len, loop indexes */
    V_INT64, /* JSON integers */
    V_UINT8, /* a byte of a string (index) */
    V_FLOAT,
    V_STRING,
    V_MAP,
    V_SLICE,
};

struct val {
    enum vkind k;
    bool iface; /* the static type is interface {}: the value came out of a map or slice */
    bool b;
    long long i;
    double f;
    const char *s;
    size_t slen;
    const json_t *j;
};

static const struct val MISSING = {.k = V_MISSING};
static const struct val INVALID = {.k = V_INVALID};

static struct val from_json(const json_t *j)
{
    struct val v = {.iface = true, .j = j};
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        v.k = V_MAP;
        break;
    case JSON_ARRAY:
        v.k = V_SLICE;
        break;
    case JSON_STRING:
        v.k = V_STRING;
        v.s = json_string_value(j);
        v.slen = json_string_length(j);
        break;
    case JSON_INTEGER:
        v.k = V_INT64;
        v.i = json_integer_value(j);
        break;
    case JSON_REAL:
        v.k = V_FLOAT;
        v.f = json_real_value(j);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        v.k = V_BOOL;
        v.b = json_is_true(j);
        break;
    default:
        v.k = V_NIL;
        break;
    }
    return v;
}

static struct val str_val(const char *s, size_t n)
{
    return (struct val){.k = V_STRING, .s = s, .slen = n};
}

static struct val int_val(long long i)
{
    return (struct val){.k = V_INT, .i = i};
}

static struct val bool_val(bool b)
{
    return (struct val){.k = V_BOOL, .b = b};
}

static const char *concrete_type(enum vkind k)
{
    switch (k) {
    case V_BOOL:
        return "bool";
    case V_INT:
        return "int";
    case V_INT64:
        return "int64";
    case V_UINT8:
        return "uint8";
    case V_FLOAT:
        return "float64";
    case V_STRING:
        return "string";
    case V_MAP:
        return "map[string]interface {}";
    case V_SLICE:
        return "[]interface {}";
    default:
        return "interface {}";
    }
}

/* reflect.Value.Type().String() */
static const char *type_name(const struct val *v)
{
    return v->iface ? "interface {}" : concrete_type(v->k);
}

/* The value inside an interface (indirectInterface): a nil interface becomes invalid. */
static struct val unwrap(struct val v)
{
    if (v.k == V_NIL) {
        return INVALID;
    }
    v.iface = false;
    return v;
}

static bool is_intlike(enum vkind k)
{
    return k == V_INT || k == V_INT64 || k == V_UINT8;
}

static size_t val_len(const struct val *v)
{
    return v->k == V_STRING  ? v->slen
           : v->k == V_MAP   ? json_object_size(v->j)
           : v->k == V_SLICE ? json_array_size(v->j)
                             : 0;
}

/* Go's isTrue of a concrete value. */
static bool truth(const struct val *v)
{
    switch (v->k) {
    case V_BOOL:
        return v->b;
    case V_INT:
    case V_INT64:
    case V_UINT8:
        return v->i != 0;
    case V_FLOAT:
        return v->f != 0;
    case V_STRING:
    case V_MAP:
    case V_SLICE:
        return val_len(v) > 0;
    default:
        return false;
    }
}

/* ---- fmt (Go's %v and Printf verbs) ---- */

struct spec {
    bool minus, plus, sharp, space, zero, has_width, has_prec;
    int width, prec;
};

static void pad(struct strbuf *b, const char *s, size_t n, const struct spec *sp)
{
    size_t runes = utf8_count(s, n);
    size_t fill = sp->has_width && (size_t)sp->width > runes ? (size_t)sp->width - runes : 0;
    if (!sp->minus) {
        for (size_t i = 0; i < fill; i++) {
            strbuf_addc(b, sp->zero ? '0' : ' ');
        }
    }
    strbuf_addn(b, s, n);
    if (sp->minus) {
        for (size_t i = 0; i < fill; i++) {
            strbuf_addc(b, ' ');
        }
    }
}

static void pad_str(struct strbuf *b, const char *s, const struct spec *sp)
{
    pad(b, s, strlen(s), sp);
}

/* Shortest round-tripping digits of |f| and its decimal point position. */
static void float_digits(double f, char *digits, int *nd, int *dp)
{
    f = fabs(f);
    if (f == 0) {
        strcpy(digits, "0");
        *nd = 1;
        *dp = 1;
        return;
    }
    char tmp[40];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, f);
        if (strtod(tmp, NULL) == f) {
            break;
        }
    }
    char *e = strchr(tmp, 'e');
    int n = 0;
    for (char *c = tmp; c < e; c++) {
        if (isdigit((unsigned char)*c)) {
            digits[n++] = *c;
        }
    }
    while (n > 1 && digits[n - 1] == '0') {
        n--;
    }
    digits[n] = '\0';
    *nd = n;
    *dp = atoi(e + 1) + 1;
}

/* fmt's %v of a float64: shortest digits, %e below exponent -4 and from 6 up. */
static void format_float_shortest(struct strbuf *b, double f, char echar)
{
    char d[32];
    int nd = 0, dp = 0;
    float_digits(f, d, &nd, &dp);
    if (f < 0 || (f == 0 && signbit(f))) {
        strbuf_addc(b, '-');
    }
    int exp = dp - 1;
    if (exp < -4 || exp >= 6) {
        strbuf_addc(b, d[0]);
        if (nd > 1) {
            strbuf_addc(b, '.');
            strbuf_addn(b, d + 1, (size_t)nd - 1);
        }
        strbuf_addf(b, "%c%c%02d", echar, exp < 0 ? '-' : '+', abs(exp));
        return;
    }
    if (dp <= 0) {
        strbuf_add(b, "0");
    } else {
        for (int i = 0; i < dp; i++) {
            strbuf_addc(b, i < nd ? d[i] : '0');
        }
    }
    if (nd > dp) {
        strbuf_addc(b, '.');
        for (int i = dp; i < nd; i++) {
            strbuf_addc(b, i < 0 ? '0' : d[i]);
        }
    }
}

static void fmt_float(struct strbuf *b, double f, char verb, const struct spec *sp)
{
    struct strbuf num = {0};
    if (verb == 'v' || ((verb == 'g' || verb == 'G') && !sp->has_prec)) {
        format_float_shortest(&num, f, verb == 'G' ? 'E' : 'e');
    } else {
        int prec = sp->has_prec ? (sp->prec > 300 ? 300 : sp->prec) : 6;
        char tmp[512];
        switch (verb) {
        case 'e':
            snprintf(tmp, sizeof tmp, "%.*e", prec, f);
            break;
        case 'E':
            snprintf(tmp, sizeof tmp, "%.*E", prec, f);
            break;
        case 'f':
        case 'F':
            snprintf(tmp, sizeof tmp, "%.*f", prec, f);
            break;
        case 'g':
            snprintf(tmp, sizeof tmp, "%.*g", prec, f);
            break;
        case 'G':
            snprintf(tmp, sizeof tmp, "%.*G", prec, f);
            break;
        case 'X':
            snprintf(tmp, sizeof tmp, "%A", f);
            break;
        default: /* x, b: hexadecimal floats */
            snprintf(tmp, sizeof tmp, "%a", f);
            break;
        }
        strbuf_add(&num, tmp);
    }
    const char *s = num.s;
    bool neg = s[0] == '-';
    const char *digits = neg ? s + 1 : s;
    char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
    size_t len = strlen(digits) + (sign ? 1 : 0);
    if (sp->zero && !sp->minus && sp->has_width && (size_t)sp->width > len) {
        if (sign) {
            strbuf_addc(b, sign);
        }
        for (size_t i = len; i < (size_t)sp->width; i++) {
            strbuf_addc(b, '0');
        }
        strbuf_add(b, digits);
    } else {
        struct strbuf whole = {0};
        if (sign) {
            strbuf_addc(&whole, sign);
        }
        strbuf_add(&whole, digits);
        struct spec nozero = *sp;
        nozero.zero = false;
        pad(b, whole.s, whole.len, &nozero);
        free(whole.s);
    }
    free(num.s);
}

static void fmt_integer(struct strbuf *b, long long v, bool is_signed, int base, char verb,
                        const struct spec *sp)
{
    unsigned long long u = (unsigned long long)v;
    bool neg = is_signed && v < 0;
    if (neg) {
        u = 0 - u;
    }
    char tmp[160];
    int pos = (int)sizeof tmp;
    int prec = 0;
    if (sp->has_prec) {
        prec = sp->prec;
        if (prec == 0 && u == 0) {
            struct spec nozero = *sp;
            nozero.zero = false;
            pad(b, "", 0, &nozero);
            return;
        }
    } else if (sp->zero && sp->has_width && !sp->minus) {
        prec = sp->width;
        if (neg || sp->plus || sp->space) {
            prec--;
        }
    }
    if (prec > 100) {
        prec = 100;
    }
    const char *dig = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[--pos] = dig[u % (unsigned)base];
        u /= (unsigned)base;
    } while (u > 0);
    while ((int)sizeof tmp - pos < prec) {
        tmp[--pos] = '0';
    }
    if (sp->sharp) {
        if (base == 2) {
            tmp[--pos] = 'b';
            tmp[--pos] = '0';
        } else if (base == 8 && tmp[pos] != '0') {
            tmp[--pos] = '0';
        } else if (base == 16) {
            tmp[--pos] = verb == 'X' ? 'X' : 'x';
            tmp[--pos] = '0';
        }
    }
    if (verb == 'O') {
        tmp[--pos] = 'o';
        tmp[--pos] = '0';
    }
    if (neg) {
        tmp[--pos] = '-';
    } else if (sp->plus) {
        tmp[--pos] = '+';
    } else if (sp->space) {
        tmp[--pos] = ' ';
    }
    struct spec nozero = *sp;
    nozero.zero = false;
    pad(b, tmp + pos, sizeof tmp - (size_t)pos, &nozero);
}

static void fmt_value(struct strbuf *b, const struct val *v, char verb, const struct spec *sp,
                      int depth);

static void bad_verb(struct strbuf *b, const struct val *v, char verb, const struct spec *sp)
{
    strbuf_add(b, "%!");
    strbuf_addc(b, verb);
    strbuf_addc(b, '(');
    if (v->k == V_INVALID || v->k == V_NIL || v->k == V_MISSING) {
        strbuf_add(b, "<nil>");
    } else {
        strbuf_add(b, concrete_type(v->k));
        strbuf_addc(b, '=');
        fmt_value(b, v, 'v', sp, 0);
    }
    strbuf_addc(b, ')');
}

static void fmt_string(struct strbuf *b, const char *s, size_t n, char verb, const struct spec *sp)
{
    if (verb == 'q') {
        struct strbuf q = {0};
        go_quote(&q, s, n);
        pad(b, q.s, q.len, sp);
        free(q.s);
        return;
    }
    if (verb == 'x' || verb == 'X') {
        struct strbuf h = {0};
        size_t limit = sp->has_prec && (size_t)sp->prec < n ? (size_t)sp->prec : n;
        for (size_t i = 0; i < limit; i++) {
            if (i > 0 && sp->space) {
                strbuf_addc(&h, ' ');
            }
            if (sp->sharp && (i == 0 || sp->space)) {
                strbuf_add(&h, verb == 'x' ? "0x" : "0X");
            }
            strbuf_addf(&h, verb == 'x' ? "%02x" : "%02X", (unsigned char)s[i]);
        }
        pad(b, h.s ? h.s : "", h.len, sp);
        free(h.s);
        return;
    }
    size_t len = n;
    if (sp->has_prec) {
        size_t runes = 0;
        for (len = 0; len < n && runes < (size_t)sp->prec; runes++) {
            uint32_t r;
            size_t l = utf8_rune((const unsigned char *)s + len, n - len, &r);
            len += l ? l : 1;
        }
    }
    pad(b, s, len, sp);
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of a JSON object in Go's sorted map order. Owned array of borrowed keys. */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
    *n = json_object_size(obj);
    const char **keys = xcalloc(*n ? *n : 1, sizeof *keys);
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)obj, k, v) {
        keys[i++] = k;
    }
    qsort(keys, *n, sizeof *keys, cmp_keys);
    return keys;
}

/* fmt's printArg/printValue of v with verb; depth > 0 inside maps and slices. */
static void fmt_value(struct strbuf *b, const struct val *vin, char verb, const struct spec *sp,
                      int depth)
{
    struct val v = *vin;
    if (v.k == V_INVALID || v.k == V_NIL || v.k == V_MISSING) {
        if (depth > 0 || verb == 'v' || verb == 'T') {
            pad_str(b, "<nil>", sp);
        } else {
            bad_verb(b, &v, verb, sp);
        }
        return;
    }
    if (verb == 'T') {
        pad_str(b, concrete_type(v.k), sp);
        return;
    }
    switch (v.k) {
    case V_BOOL:
        if (verb == 'v' || verb == 't') {
            pad_str(b, v.b ? "true" : "false", sp);
        } else {
            bad_verb(b, &v, verb, sp);
        }
        return;
    case V_INT:
    case V_INT64:
    case V_UINT8: {
        bool is_signed = v.k != V_UINT8;
        switch (verb) {
        case 'v':
        case 'd':
            fmt_integer(b, v.i, is_signed, 10, verb, sp);
            return;
        case 'b':
            fmt_integer(b, v.i, is_signed, 2, verb, sp);
            return;
        case 'o':
        case 'O':
            fmt_integer(b, v.i, is_signed, 8, verb, sp);
            return;
        case 'x':
        case 'X':
            fmt_integer(b, v.i, is_signed, 16, verb, sp);
            return;
        case 'c':
        case 'q': {
            struct strbuf r = {0};
            uint32_t rune = v.i < 0 || v.i > 0x10ffff ? 0xfffd : (uint32_t)v.i;
            if (verb == 'q') {
                strbuf_addc(&r, '\'');
                quote_rune_into(&r, rune, '\'');
                strbuf_addc(&r, '\'');
            } else {
                utf8_put(&r, rune);
            }
            pad(b, r.s, r.len, sp);
            free(r.s);
            return;
        }
        case 'U': {
            char tmp[32];
            snprintf(tmp, sizeof tmp, "U+%04llX", (unsigned long long)v.i);
            pad_str(b, tmp, sp);
            return;
        }
        default:
            bad_verb(b, &v, verb, sp);
            return;
        }
    }
    case V_FLOAT:
        if (strchr("vbgGxXfFeE", verb) != NULL) {
            fmt_float(b, v.f, verb, sp);
        } else {
            bad_verb(b, &v, verb, sp);
        }
        return;
    case V_STRING:
        if (strchr("vsqxX", verb) != NULL) {
            fmt_string(b, v.s, v.slen, verb, sp);
        } else {
            bad_verb(b, &v, verb, sp);
        }
        return;
    case V_MAP: {
        size_t n = 0;
        cleanup_free const char **keys = sorted_keys(v.j, &n);
        strbuf_add(b, "map[");
        for (size_t i = 0; i < n; i++) {
            if (i > 0) {
                strbuf_addc(b, ' ');
            }
            struct val key = str_val(keys[i], strlen(keys[i]));
            fmt_value(b, &key, verb, sp, depth + 1);
            strbuf_addc(b, ':');
            struct val item = from_json(json_object_get(v.j, keys[i]));
            fmt_value(b, &item, verb, sp, depth + 1);
        }
        strbuf_addc(b, ']');
        return;
    }
    case V_SLICE: {
        strbuf_addc(b, '[');
        for (size_t i = 0; i < json_array_size(v.j); i++) {
            if (i > 0) {
                strbuf_addc(b, ' ');
            }
            struct val item = from_json(json_array_get(v.j, i));
            fmt_value(b, &item, verb, sp, depth + 1);
        }
        strbuf_addc(b, ']');
        return;
    }
    default:
        return;
    }
}

/* fmt.Sprint (spaces between operands when neither is a string) or fmt.Sprintln. */
static void go_sprint(struct strbuf *b, const struct val *args, size_t n, bool ln)
{
    static const struct spec none;
    bool prev_string = false;
    for (size_t i = 0; i < n; i++) {
        bool is_string = args[i].k == V_STRING;
        if (i > 0 && (ln || (!is_string && !prev_string))) {
            strbuf_addc(b, ' ');
        }
        fmt_value(b, &args[i], 'v', &none, 0);
        prev_string = is_string;
    }
    if (ln) {
        strbuf_addc(b, '\n');
    }
}

static bool int_arg(const struct val *args, size_t n, size_t *at, int *out)
{
    if (*at >= n || !is_intlike(args[*at].k)) {
        (*at)++;
        return false;
    }
    *out = (int)args[(*at)++].i;
    return true;
}

/* fmt.Sprintf. */
static void go_sprintf(struct strbuf *b, const char *format, size_t flen, const struct val *args,
                       size_t n)
{
    size_t at = 0;
    for (size_t i = 0; i < flen;) {
        if (format[i] != '%') {
            size_t j = i;
            while (j < flen && format[j] != '%') {
                j++;
            }
            strbuf_addn(b, format + i, j - i);
            i = j;
            continue;
        }
        i++;
        struct spec sp = {0};
        for (; i < flen; i++) {
            char c = format[i];
            if (c == '#') {
                sp.sharp = true;
            } else if (c == '0') {
                sp.zero = !sp.minus;
            } else if (c == '+') {
                sp.plus = true;
            } else if (c == '-') {
                sp.minus = true;
                sp.zero = false;
            } else if (c == ' ') {
                sp.space = true;
            } else {
                break;
            }
        }
        if (i < flen && format[i] == '*') {
            i++;
            sp.has_width = int_arg(args, n, &at, &sp.width);
            if (!sp.has_width) {
                strbuf_add(b, "%!(BADWIDTH)");
            } else if (sp.width < 0) {
                sp.width = -sp.width;
                sp.minus = true;
                sp.zero = false;
            }
        } else {
            while (i < flen && isdigit((unsigned char)format[i])) {
                sp.width = sp.width * 10 + (format[i++] - '0');
                sp.has_width = true;
                if (sp.width > 1000000) {
                    sp.width = 1000000;
                }
            }
        }
        if (i < flen && format[i] == '.') {
            i++;
            sp.has_prec = true;
            if (i < flen && format[i] == '*') {
                i++;
                sp.has_prec = int_arg(args, n, &at, &sp.prec);
                if (sp.prec < 0) {
                    sp.prec = 0;
                    sp.has_prec = false;
                }
                if (!sp.has_prec) {
                    strbuf_add(b, "%!(BADPREC)");
                }
            } else {
                while (i < flen && isdigit((unsigned char)format[i])) {
                    sp.prec = sp.prec * 10 + (format[i++] - '0');
                    if (sp.prec > 1000000) {
                        sp.prec = 1000000;
                    }
                }
            }
        }
        if (i >= flen) {
            strbuf_add(b, "%!(NOVERB)");
            break;
        }
        uint32_t verb = 0;
        size_t vl = utf8_rune((const unsigned char *)format + i, flen - i, &verb);
        if (vl == 0) {
            verb = 0xfffd;
            vl = 1;
        }
        i += vl;
        if (verb == '%') {
            strbuf_addc(b, '%');
            continue;
        }
        if (at >= n) {
            strbuf_add(b, "%!");
            utf8_put(b, verb);
            strbuf_add(b, "(MISSING)");
            continue;
        }
        if (verb == 'v') {
            sp.sharp = false;
            sp.plus = false;
        }
        if (verb > 0x7f) {
            bad_verb(b, &args[at++], '?', &sp);
            continue;
        }
        fmt_value(b, &args[at++], (char)verb, &sp, 0);
    }
    if (at < n) {
        static const struct spec none;
        strbuf_add(b, "%!(EXTRA ");
        for (size_t k = at; k < n; k++) {
            if (k > at) {
                strbuf_add(b, ", ");
            }
            if (args[k].k == V_INVALID || args[k].k == V_NIL) {
                strbuf_add(b, "<nil>");
            } else {
                strbuf_add(b, concrete_type(args[k].k));
                strbuf_addc(b, '=');
                fmt_value(b, &args[k], 'v', &none, 0);
            }
        }
        strbuf_addc(b, ')');
    }
}

char *gotemplate_format_value(const json_t *data)
{
    static const struct spec none;
    struct strbuf b = {0};
    strbuf_addn(&b, "", 0);
    struct val v = unwrap(from_json(data));
    fmt_value(&b, &v, 'v', &none, 0);
    return b.s;
}

/* ---- executor (text/template/exec.go, funcs.go) ---- */

struct var {
    const char *name;
    struct val v;
};

struct state {
    const struct gotemplate *t;
    const struct tree *tmpl;
    const struct node *node; /* where errors point (Go's s.at) */
    struct strbuf out;
    struct var *vars;
    size_t nvars, cap, base;
    bool allow_missing;
    int depth;
    struct pool pool;
    char *error;
    jmp_buf fail;
};

enum walk { WALK_OK, WALK_BREAK, WALK_CONTINUE };

/* Go's state.errorf: "template: output:L:C: executing "name" at <node>: msg". */
static void exec_fail(struct state *s, const char *fmt, ...) C8S_FMT(2, 3);
static void exec_fail(struct state *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
    char *name = pool_keep(&s->pool, go_quote_str(s->tmpl->name));
    pool_keep(&s->pool, msg);
    if (s->node == NULL) {
        s->error = xasprintf("template: %s: %s", s->tmpl->name, msg);
    } else {
        const char *text = s->t->text;
        size_t pos = s->node->pos;
        size_t line_start = 0;
        int line = 1;
        for (size_t i = 0; i < pos; i++) {
            if (text[i] == '\n') {
                line++;
                line_start = i + 1;
            }
        }
        struct strbuf ctx = {0};
        strbuf_addn(&ctx, "", 0);
        node_string(&ctx, s->node);
        s->error = xasprintf("template: output:%d:%zu: executing %s at <%s>: %s", line,
                             pos - line_start, name, ctx.s, msg);
        free(ctx.s);
    }
    longjmp(s->fail, 1);
}

static void push(struct state *s, const char *name, struct val v)
{
    if (s->nvars == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->vars = xrealloc(s->vars, s->cap * sizeof *s->vars);
    }
    s->vars[s->nvars++] = (struct var){name, v};
}

static struct var *find_var(struct state *s, const char *name)
{
    for (size_t i = s->nvars; i > s->base; i--) {
        if (strcmp(s->vars[i - 1].name, name) == 0) {
            return &s->vars[i - 1];
        }
    }
    exec_fail(s, "undefined variable: %s", name);
    return NULL;
}

static char *keep_buf(struct state *s, struct strbuf *b)
{
    if (b->s == NULL) {
        strbuf_addn(b, "", 0);
    }
    return pool_keep(&s->pool, b->s);
}

static struct val eval_pipeline(struct state *s, struct val dot, const struct node *pipe);
static enum walk walk(struct state *s, struct val dot, const struct node *n);

static bool has_args(size_t nargs, const struct val *final)
{
    return nargs > 1 || final->k != V_MISSING;
}

static struct val eval_field(struct state *s, const char *name, size_t nargs,
                             const struct val *final, struct val receiver)
{
    if (receiver.k == V_INVALID || receiver.k == V_MISSING) {
        if (!s->allow_missing) {
            exec_fail(s, "nil data; no entry for key \"%s\"", name);
        }
        return INVALID;
    }
    const char *typ = type_name(&receiver);
    if (receiver.k == V_NIL) {
        exec_fail(s, "nil pointer evaluating %s.%s", typ, name);
    }
    if (receiver.k == V_MAP) {
        if (has_args(nargs, final)) {
            exec_fail(s, "%s is not a method but has arguments", name);
        }
        json_t *found = json_object_get(receiver.j, name);
        if (found == NULL) {
            if (!s->allow_missing) {
                char *q = pool_keep(&s->pool, go_quote_str(name));
                exec_fail(s, "map has no entry for key %s", q);
            }
            return INVALID;
        }
        return from_json(found);
    }
    exec_fail(s, "can't evaluate field %s in type %s", name, typ);
    return INVALID;
}

static struct val eval_field_chain(struct state *s, struct val receiver, char *const *idents,
                                   size_t n, size_t nargs, const struct val *final)
{
    for (size_t i = 0; i + 1 < n; i++) {
        receiver = eval_field(s, idents[i], 0, &MISSING, receiver);
    }
    return eval_field(s, idents[n - 1], nargs, final, receiver);
}

static void not_a_function(struct state *s, const struct node *cmd, size_t nargs,
                           const struct val *final)
{
    if (nargs > 1 || final->k != V_MISSING) {
        struct strbuf b = {0};
        node_string(&b, cmd->kids[0]);
        char *first = pool_keep(&s->pool, b.s);
        exec_fail(s, "can't give argument to non-function %s", first);
    }
}

static struct val eval_field_node(struct state *s, struct val dot, const struct node *field,
                                  size_t nargs, const struct val *final)
{
    s->node = field;
    return eval_field_chain(s, dot, field->idents, field->nidents, nargs, final);
}

static struct val eval_variable_node(struct state *s, const struct node *var, size_t nargs,
                                     const struct node *cmd, const struct val *final)
{
    s->node = var;
    struct val value = find_var(s, var->idents[0])->v;
    if (var->nidents == 1) {
        if (cmd != NULL) {
            not_a_function(s, cmd, nargs, final);
        }
        return value;
    }
    return eval_field_chain(s, value, var->idents + 1, var->nidents - 1, nargs, final);
}

enum ptype { P_VALUE, P_ANY, P_STRING };

static struct val eval_arg(struct state *s, struct val dot, enum ptype type, const struct node *n);

static struct val eval_chain_node(struct state *s, struct val dot, const struct node *chain,
                                  size_t nargs, const struct val *final)
{
    s->node = chain;
    if (chain->sub->type == N_NIL) {
        struct strbuf b = {0};
        node_string(&b, chain);
        char *str = pool_keep(&s->pool, b.s);
        exec_fail(s, "indirection through explicit nil in %s", str);
    }
    struct val pipe = eval_arg(s, dot, P_VALUE, chain->sub);
    return eval_field_chain(s, pipe, chain->idents, chain->nidents, nargs, final);
}

/* idealConstant: a number literal as Go's int or float64. */
static struct val ideal_constant(struct state *s, const struct node *n)
{
    s->node = n;
    const char *text = n->quoted;
    bool hex_int = (text[0] == '0' || ((text[0] == '-' || text[0] == '+') && text[1] == '0')) &&
                   strpbrk(text, "xX") != NULL && strpbrk(text, "pP") == NULL;
    bool rune_int = text[0] == '\'';
    if (n->is_float && !hex_int && !rune_int && strpbrk(text, ".eEpP") != NULL) {
        return (struct val){.k = V_FLOAT, .f = n->f};
    }
    if (n->is_int) {
        return int_val(n->i);
    }
    exec_fail(s, "%s overflows int", text);
    return INVALID;
}

static struct val eval_function(struct state *s, struct val dot, const struct node *ident,
                                const struct node *cmd, const struct val *final);

/* validateType for the parameter types the builtin functions have. */
static struct val validate(struct state *s, struct val v, enum ptype type)
{
    if (type == P_VALUE) {
        return v;
    }
    if (v.k == V_INVALID || v.k == V_MISSING) {
        if (type == P_ANY) {
            return (struct val){.k = V_NIL};
        }
        exec_fail(s, "invalid value; expected string");
    }
    if (type == P_ANY) {
        return v.k == V_NIL ? v : unwrap(v);
    }
    if (v.k != V_STRING) {
        exec_fail(s, "wrong type for value; expected string; got %s",
                  v.k == V_NIL ? "interface {}" : concrete_type(v.k));
    }
    return unwrap(v);
}

static struct val eval_arg(struct state *s, struct val dot, enum ptype type, const struct node *n)
{
    s->node = n;
    switch (n->type) {
    case N_DOT:
        return validate(s, dot, type);
    case N_NIL:
        if (type == P_ANY) {
            return (struct val){.k = V_NIL};
        }
        exec_fail(s, "cannot assign nil to %s", type == P_STRING ? "string" : "reflect.Value");
        break;
    case N_FIELD:
        return validate(s, eval_field_node(s, dot, n, 1, &MISSING), type);
    case N_VARIABLE:
        return validate(s, eval_variable_node(s, n, 1, NULL, &MISSING), type);
    case N_PIPE:
        return validate(s, eval_pipeline(s, dot, n), type);
    case N_IDENT:
        return validate(s, eval_function(s, dot, n, n, &MISSING), type);
    case N_CHAIN:
        return validate(s, eval_chain_node(s, dot, n, 1, &MISSING), type);
    default:
        break;
    }
    if (type == P_STRING) {
        if (n->type == N_STRING) {
            return str_val(n->text, n->text_len);
        }
        struct strbuf b = {0};
        node_string(&b, n);
        char *str = pool_keep(&s->pool, b.s);
        exec_fail(s, "expected string; found %s", str);
    }
    switch (n->type) {
    case N_BOOL:
        return bool_val(n->boolean);
    case N_NUMBER:
        return ideal_constant(s, n);
    case N_STRING:
        return str_val(n->text, n->text_len);
    default:
        exec_fail(s, "can't handle %s for arg of type interface {}", "node");
    }
    return INVALID;
}

/* ---- builtin functions ---- */

struct call {
    struct state *s;
    const char *name;
    struct val *args;
    size_t n;
    char *error; /* owned: "error calling <name>: <error>" */
};

static void call_fail(struct call *c, const char *fmt, ...) C8S_FMT(2, 3);
static void call_fail(struct call *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
    c->error = msg;
}

enum basic { K_INVALID, K_BOOL, K_INT, K_UINT, K_FLOAT, K_STRING };

static enum basic basic_kind(const struct val *v)
{
    switch (v->k) {
    case V_BOOL:
        return K_BOOL;
    case V_INT:
    case V_INT64:
        return K_INT;
    case V_UINT8:
        return K_UINT;
    case V_FLOAT:
        return K_FLOAT;
    case V_STRING:
        return K_STRING;
    default:
        return K_INVALID;
    }
}

static bool valid(const struct val *v)
{
    return v->k != V_INVALID && v->k != V_MISSING;
}

static bool fn_eq_pair(struct call *c, struct val a, struct val b, bool *truth_out)
{
    enum basic k1 = basic_kind(&a), k2 = basic_kind(&b);
    bool t = false;
    if (k1 != k2) {
        if ((k1 == K_INT && k2 == K_UINT) || (k1 == K_UINT && k2 == K_INT)) {
            t = a.i == b.i;
        } else if (valid(&a) && valid(&b)) {
            call_fail(c, "incompatible types for comparison");
            return false;
        }
    } else {
        switch (k1) {
        case K_BOOL:
            t = a.b == b.b;
            break;
        case K_FLOAT:
            t = a.f == b.f;
            break;
        case K_INT:
        case K_UINT:
            t = a.i == b.i;
            break;
        case K_STRING:
            t = a.slen == b.slen && memcmp(a.s, b.s, a.slen) == 0;
            break;
        default:
            if (!valid(&a) || !valid(&b)) {
                t = valid(&a) == valid(&b);
            } else if (a.k != b.k) {
                call_fail(c, "non-comparable types %s: %s, %s: %s", concrete_type(a.k),
                          concrete_type(a.k), concrete_type(b.k), concrete_type(b.k));
                return false;
            } else {
                call_fail(c, "non-comparable type %s: %s", concrete_type(b.k), concrete_type(b.k));
                return false;
            }
        }
    }
    *truth_out = t;
    return true;
}

static struct val fn_eq(struct call *c)
{
    struct val a = unwrap(c->args[0]);
    if (c->n < 2) {
        call_fail(c, "missing argument for comparison");
        return INVALID;
    }
    for (size_t i = 1; i < c->n; i++) {
        bool t = false;
        if (!fn_eq_pair(c, a, unwrap(c->args[i]), &t)) {
            return INVALID;
        }
        if (t) {
            return bool_val(true);
        }
    }
    return bool_val(false);
}

/* lt: returns 1 (true), 0 (false) or -1 (error set). */
static int less(struct call *c, struct val a, struct val b)
{
    a = unwrap(a);
    b = unwrap(b);
    enum basic k1 = basic_kind(&a), k2 = basic_kind(&b);
    if (k1 == K_INVALID || k2 == K_INVALID) {
        call_fail(c, "invalid type for comparison");
        return -1;
    }
    if (k1 != k2) {
        if ((k1 == K_INT && k2 == K_UINT) || (k1 == K_UINT && k2 == K_INT)) {
            return a.i < b.i;
        }
        call_fail(c, "incompatible types for comparison");
        return -1;
    }
    switch (k1) {
    case K_FLOAT:
        return a.f < b.f;
    case K_INT:
    case K_UINT:
        return a.i < b.i;
    case K_STRING: {
        size_t m = a.slen < b.slen ? a.slen : b.slen;
        int r = memcmp(a.s, b.s, m);
        return r < 0 || (r == 0 && a.slen < b.slen);
    }
    default:
        call_fail(c, "invalid type for comparison");
        return -1;
    }
}

static struct val fn_compare(struct call *c)
{
    const char *name = c->name;
    if (strcmp(name, "ne") == 0) {
        bool t = false;
        if (!fn_eq_pair(c, unwrap(c->args[0]), unwrap(c->args[1]), &t)) {
            return INVALID;
        }
        return bool_val(!t);
    }
    int lt = less(c, c->args[0], c->args[1]);
    if (lt < 0) {
        return INVALID;
    }
    bool le = lt == 1;
    if (!le && (strcmp(name, "le") == 0 || strcmp(name, "gt") == 0)) {
        bool t = false;
        if (!fn_eq_pair(c, unwrap(c->args[0]), unwrap(c->args[1]), &t)) {
            return INVALID;
        }
        le = t;
    }
    if (strcmp(name, "lt") == 0) {
        return bool_val(lt == 1);
    }
    if (strcmp(name, "ge") == 0) {
        return bool_val(lt != 1);
    }
    return bool_val(strcmp(name, "le") == 0 ? le : !le);
}

static struct val fn_not(struct call *c)
{
    struct val v = unwrap(c->args[0]);
    return bool_val(!truth(&v));
}

static struct val fn_len(struct call *c)
{
    struct val v = c->args[0];
    if (v.k == V_NIL) {
        call_fail(c, "len of nil pointer");
        return INVALID;
    }
    v = unwrap(v);
    if (v.k == V_STRING || v.k == V_MAP || v.k == V_SLICE) {
        return int_val((long long)val_len(&v));
    }
    if (!valid(&v)) {
        call_fail(c, "reflect: call of reflect.Value.Type on zero Value");
        return INVALID;
    }
    call_fail(c, "len of type %s", concrete_type(v.k));
    return INVALID;
}

/* indexArg: an index into something of length cap. */
static bool index_arg(struct call *c, struct val index, size_t cap, long long *out)
{
    if (!is_intlike(index.k)) {
        if (!valid(&index)) {
            call_fail(c, "cannot index slice/array with nil");
        } else {
            call_fail(c, "cannot index slice/array with type %s", concrete_type(index.k));
        }
        return false;
    }
    if (index.i < 0 || (unsigned long long)index.i > cap) {
        call_fail(c, "index out of range: %lld", index.i);
        return false;
    }
    *out = index.i;
    return true;
}

static struct val fn_index(struct call *c)
{
    struct val item = unwrap(c->args[0]);
    if (!valid(&item)) {
        call_fail(c, "index of untyped nil");
        return INVALID;
    }
    for (size_t k = 1; k < c->n; k++) {
        struct val index = unwrap(c->args[k]);
        if (item.k == V_NIL) {
            call_fail(c, "index of nil pointer");
            return INVALID;
        }
        item = unwrap(item);
        long long x = 0;
        switch (item.k) {
        case V_SLICE:
        case V_STRING:
            if (!index_arg(c, index, val_len(&item), &x)) {
                return INVALID;
            }
            if ((size_t)x == val_len(&item)) {
                call_fail(c, "reflect: %s index out of range",
                          item.k == V_SLICE ? "slice" : "string");
                return INVALID;
            }
            if (item.k == V_SLICE) {
                item = from_json(json_array_get(item.j, (size_t)x));
            } else {
                item = (struct val){.k = V_UINT8, .i = (unsigned char)item.s[x]};
            }
            break;
        case V_MAP: {
            if (!valid(&index)) {
                call_fail(c, "value is nil; should be of type string");
                return INVALID;
            }
            if (index.k != V_STRING) {
                call_fail(c, "value has type %s; should be string", concrete_type(index.k));
                return INVALID;
            }
            cleanup_free char *key = xstrndup(index.s, index.slen);
            json_t *found = json_object_get(item.j, key);
            item = found ? from_json(found) : (struct val){.k = V_NIL, .iface = true};
            break;
        }
        default:
            call_fail(c, "can't index item of type %s", concrete_type(item.k));
            return INVALID;
        }
    }
    return item;
}

static struct val fn_slice(struct call *c)
{
    struct val item = unwrap(c->args[0]);
    if (!valid(&item)) {
        call_fail(c, "slice of untyped nil");
        return INVALID;
    }
    size_t nidx = c->n - 1;
    if (nidx > 3) {
        call_fail(c, "too many slice indexes: %zu", nidx);
        return INVALID;
    }
    if (item.k == V_STRING && nidx == 3) {
        call_fail(c, "cannot 3-index slice a string");
        return INVALID;
    }
    if (item.k != V_STRING && item.k != V_SLICE) {
        call_fail(c, "can't slice item of type %s", concrete_type(item.k));
        return INVALID;
    }
    size_t len = val_len(&item);
    long long idx[3] = {0, (long long)len, (long long)len};
    for (size_t k = 0; k < nidx; k++) {
        if (!index_arg(c, unwrap(c->args[k + 1]), len, &idx[k])) {
            return INVALID;
        }
    }
    if (idx[0] > idx[1]) {
        call_fail(c, "invalid slice index: %lld > %lld", idx[0], idx[1]);
        return INVALID;
    }
    if (nidx == 3 && idx[1] > idx[2]) {
        call_fail(c, "invalid slice index: %lld > %lld", idx[1], idx[2]);
        return INVALID;
    }
    if (item.k == V_STRING) {
        return str_val(item.s + idx[0], (size_t)(idx[1] - idx[0]));
    }
    json_t *arr = pool_json(&c->s->pool, json_array());
    for (long long i = idx[0]; i < idx[1]; i++) {
        json_array_append(arr, json_array_get(item.j, (size_t)i));
    }
    return (struct val){.k = V_SLICE, .j = arr};
}

/* The text html, js and urlquery escape: one string as is, else fmt.Sprint with invalid
 * values as "<no value>". */
static void escaper_text(struct call *c, struct strbuf *b)
{
    if (c->n == 1 && c->args[0].k == V_STRING) {
        strbuf_addn(b, c->args[0].s, c->args[0].slen);
        return;
    }
    struct val *args = xcalloc(c->n ? c->n : 1, sizeof *args);
    for (size_t i = 0; i < c->n; i++) {
        args[i] = c->args[i].k == V_NIL ? str_val("<no value>", 10) : c->args[i];
    }
    go_sprint(b, args, c->n, false);
    free(args);
}

static struct val fn_escape(struct call *c)
{
    struct strbuf in = {0};
    strbuf_addn(&in, "", 0);
    escaper_text(c, &in);
    struct strbuf out = {0};
    strbuf_addn(&out, "", 0);
    for (size_t i = 0; i < in.len;) {
        unsigned char ch = (unsigned char)in.s[i];
        if (c->name[0] == 'h') {
            const char *rep = ch == '"'    ? "&#34;"
                              : ch == '\'' ? "&#39;"
                              : ch == '&'  ? "&amp;"
                              : ch == '<'  ? "&lt;"
                              : ch == '>'  ? "&gt;"
                              : ch == 0    ? "\xef\xbf\xbd"
                                           : NULL;
            rep ? strbuf_add(&out, rep) : strbuf_addc(&out, (char)ch);
            i++;
        } else if (c->name[0] == 'j') {
            uint32_t r = ch;
            size_t l = ch < 0x80 ? 1 : utf8_rune((const unsigned char *)in.s + i, in.len - i, &r);
            if (l == 0) {
                r = 0xfffd;
                l = 1;
            }
            if (r == '\\' || r == '\'' || r == '"') {
                strbuf_addc(&out, '\\');
                strbuf_addc(&out, (char)r);
            } else if (r == '<' || r == '>' || r == '&' || r == '=' || r < ' ' ||
                       (r >= 0x80 && !rune_printable(r))) {
                strbuf_addf(&out, "\\u%04X", r);
            } else {
                strbuf_addn(&out, in.s + i, l);
            }
            i += l;
        } else {
            if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
                strbuf_addc(&out, (char)ch);
            } else if (ch == ' ') {
                strbuf_addc(&out, '+');
            } else {
                strbuf_addf(&out, "%%%02X", ch);
            }
            i++;
        }
    }
    free(in.s);
    char *s = keep_buf(c->s, &out);
    return str_val(s, out.len);
}

static struct val fn_print(struct call *c)
{
    struct strbuf b = {0};
    if (strcmp(c->name, "printf") == 0) {
        go_sprintf(&b, c->args[0].s, c->args[0].slen, c->args + 1, c->n - 1);
    } else {
        go_sprint(&b, c->args, c->n, strcmp(c->name, "println") == 0);
    }
    size_t len = b.len;
    return str_val(keep_buf(c->s, &b), len);
}

/* kubectl's exists: whether index would find something. */
static struct val fn_exists(struct call *c)
{
    struct val v = c->args[0];
    for (size_t k = 1; k < c->n; k++) {
        struct val index = c->args[k];
        if (v.k == V_NIL || !valid(&v)) {
            return bool_val(false);
        }
        v = unwrap(v);
        if (v.k == V_SLICE || v.k == V_STRING) {
            if (!is_intlike(index.k) || index.i < 0 || (size_t)index.i >= val_len(&v)) {
                return bool_val(false);
            }
            v = v.k == V_SLICE ? from_json(json_array_get(v.j, (size_t)index.i))
                               : (struct val){.k = V_UINT8, .i = (unsigned char)v.s[index.i]};
        } else if (v.k == V_MAP) {
            if (index.k != V_STRING) {
                return bool_val(false);
            }
            cleanup_free char *key = xstrndup(index.s, index.slen);
            json_t *found = json_object_get(v.j, key);
            if (found == NULL) {
                return bool_val(false);
            }
            v = from_json(found);
        } else {
            return bool_val(false);
        }
    }
    return bool_val(true);
}

static int b64_value(unsigned char ch)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = ch ? strchr(alphabet, ch) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

/* kubectl's base64decode: base64.StdEncoding (padding required; CR and LF skipped). */
static struct val fn_base64decode(struct call *c)
{
    const char *s = c->args[0].s;
    size_t n = c->args[0].slen;
    struct strbuf out = {0};
    strbuf_addn(&out, "", 0);
    unsigned quad[4];
    size_t q = 0, pad_count = 0, i = 0, quad_start = 0;
    for (; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\r' || ch == '\n') {
            continue;
        }
        if (q == 0) {
            quad_start = i;
        }
        if (ch == '=') {
            if (q < 2) {
                goto corrupt;
            }
            pad_count++;
            quad[q++] = 0;
        } else {
            int v = b64_value(ch);
            if (v < 0 || pad_count > 0) {
                goto corrupt;
            }
            quad[q++] = (unsigned)v;
        }
        if (q == 4) {
            unsigned word = quad[0] << 18 | quad[1] << 12 | quad[2] << 6 | quad[3];
            strbuf_addc(&out, (char)(word >> 16));
            if (pad_count < 2) {
                strbuf_addc(&out, (char)(word >> 8));
            }
            if (pad_count < 1) {
                strbuf_addc(&out, (char)word);
            }
            q = 0;
            if (pad_count > 0) {
                i++;
                break;
            }
        }
    }
    for (; i < n; i++) {
        if (s[i] != '\r' && s[i] != '\n') {
            goto corrupt;
        }
    }
    if (q != 0) {
        i = quad_start;
        goto corrupt;
    }
    {
        size_t len = out.len;
        return str_val(keep_buf(c->s, &out), len);
    }
corrupt:
    free(out.s);
    call_fail(c, "base64 decode failed: illegal base64 data at input byte %zu", i);
    return INVALID;
}

static struct val fn_call(struct call *c)
{
    struct val f = unwrap(c->args[0]);
    call_fail(c, "non-function %s of type %s", "value", valid(&f) ? concrete_type(f.k) : "<nil>");
    return INVALID;
}

struct func {
    const char *name;
    int nfixed;
    bool variadic;
    enum ptype fixed[2];
    enum ptype rest;
    struct val (*fn)(struct call *c);
};

static const struct func FUNCTIONS[] = {
    {"and", 1, true, {P_VALUE}, P_VALUE, NULL},
    {"base64decode", 1, false, {P_STRING}, P_VALUE, fn_base64decode},
    {"call", 1, true, {P_VALUE}, P_VALUE, fn_call},
    {"eq", 1, true, {P_VALUE}, P_VALUE, fn_eq},
    {"exists", 1, true, {P_ANY}, P_ANY, fn_exists},
    {"ge", 2, false, {P_VALUE, P_VALUE}, P_VALUE, fn_compare},
    {"gt", 2, false, {P_VALUE, P_VALUE}, P_VALUE, fn_compare},
    {"html", 0, true, {P_ANY}, P_ANY, fn_escape},
    {"index", 1, true, {P_VALUE}, P_VALUE, fn_index},
    {"js", 0, true, {P_ANY}, P_ANY, fn_escape},
    {"le", 2, false, {P_VALUE, P_VALUE}, P_VALUE, fn_compare},
    {"len", 1, false, {P_VALUE}, P_VALUE, fn_len},
    {"lt", 2, false, {P_VALUE, P_VALUE}, P_VALUE, fn_compare},
    {"ne", 2, false, {P_VALUE, P_VALUE}, P_VALUE, fn_compare},
    {"not", 1, false, {P_VALUE}, P_VALUE, fn_not},
    {"or", 1, true, {P_VALUE}, P_VALUE, NULL},
    {"print", 0, true, {P_ANY}, P_ANY, fn_print},
    {"printf", 1, true, {P_STRING}, P_ANY, fn_print},
    {"println", 0, true, {P_ANY}, P_ANY, fn_print},
    {"slice", 1, true, {P_VALUE}, P_VALUE, fn_slice},
    {"urlquery", 0, true, {P_ANY}, P_ANY, fn_escape},
};

static struct val eval_call(struct state *s, struct val dot, const struct func *f,
                            const struct node *cmd, const struct node *ident,
                            const struct val *final)
{
    /* cmd's first argument is the function itself; ident alone has no arguments */
    size_t nargs = cmd == ident ? 0 : cmd->nkids - 1;
    const struct node *const *args =
        cmd == ident ? NULL : (const struct node *const *)cmd->kids + 1;
    size_t num_in = nargs + (final->k != V_MISSING);
    if (f->variadic) {
        if (num_in < (size_t)f->nfixed) {
            exec_fail(s, "wrong number of args for %s: want at least %d got %zu", f->name,
                      f->nfixed, nargs);
        }
    } else if (num_in != (size_t)f->nfixed) {
        exec_fail(s, "wrong number of args for %s: want %d got %zu", f->name, f->nfixed, num_in);
    }
    if (f->fn == NULL) { /* and, or: short-circuit, the deciding value is the result */
        bool is_or = f->name[0] == 'o';
        struct val v = INVALID;
        for (size_t i = 0; i < nargs; i++) {
            v = eval_arg(s, dot, P_VALUE, args[i]);
            struct val inner = unwrap(v);
            if (truth(&inner) == is_or) {
                return v;
            }
        }
        if (final->k != V_MISSING) {
            v = *final;
        }
        return v;
    }
    struct val *argv = pool_zalloc(&s->pool, (num_in ? num_in : 1) * sizeof *argv);
    size_t i = 0;
    for (; i < nargs; i++) {
        enum ptype type = i < (size_t)f->nfixed ? f->fixed[i] : f->rest;
        argv[i] = eval_arg(s, dot, type, args[i]);
    }
    if (final->k != V_MISSING) {
        enum ptype type = i < (size_t)f->nfixed ? f->fixed[i] : f->rest;
        argv[i] = validate(s, *final, type);
    }
    struct call c = {.s = s, .name = f->name, .args = argv, .n = num_in};
    struct val result = f->fn(&c);
    if (c.error != NULL) {
        s->node = cmd;
        char *msg = pool_keep(&s->pool, c.error);
        exec_fail(s, "error calling %s: %s", f->name, msg);
    }
    return result;
}

static struct val eval_function(struct state *s, struct val dot, const struct node *ident,
                                const struct node *cmd, const struct val *final)
{
    s->node = ident;
    for (size_t i = 0; i < sizeof FUNCTIONS / sizeof FUNCTIONS[0]; i++) {
        if (strcmp(FUNCTIONS[i].name, ident->text) == 0) {
            return eval_call(s, dot, &FUNCTIONS[i], cmd, ident, final);
        }
    }
    exec_fail(s, "\"%s\" is not a defined function", ident->text);
    return INVALID;
}

static struct val eval_command(struct state *s, struct val dot, const struct node *cmd,
                               const struct val *final)
{
    const struct node *first = cmd->kids[0];
    switch (first->type) {
    case N_FIELD:
        return eval_field_node(s, dot, first, cmd->nkids, final);
    case N_CHAIN:
        return eval_chain_node(s, dot, first, cmd->nkids, final);
    case N_IDENT:
        return eval_function(s, dot, first, cmd, final);
    case N_PIPE:
        not_a_function(s, cmd, cmd->nkids, final);
        return eval_pipeline(s, dot, first);
    case N_VARIABLE:
        return eval_variable_node(s, first, cmd->nkids, cmd, final);
    default:
        break;
    }
    s->node = first;
    not_a_function(s, cmd, cmd->nkids, final);
    switch (first->type) {
    case N_BOOL:
        return bool_val(first->boolean);
    case N_DOT:
        return dot;
    case N_NIL:
        exec_fail(s, "nil is not a command");
        break;
    case N_NUMBER:
        return ideal_constant(s, first);
    case N_STRING:
        return str_val(first->text, first->text_len);
    default:
        break;
    }
    exec_fail(s, "can't evaluate command");
    return INVALID;
}

static struct val eval_pipeline(struct state *s, struct val dot, const struct node *pipe)
{
    if (pipe == NULL) {
        return INVALID;
    }
    s->node = pipe;
    struct val value = MISSING;
    for (size_t i = 0; i < pipe->nkids; i++) {
        value = eval_command(s, dot, pipe->kids[i], &value);
        if (value.iface) { /* dig down to the thing inside interface{} */
            value = unwrap(value);
        }
    }
    for (size_t i = 0; i < pipe->ndecl; i++) {
        if (pipe->is_assign) {
            find_var(s, pipe->decl[i]->idents[0])->v = value;
        } else {
            push(s, pipe->decl[i]->idents[0], value);
        }
    }
    return value;
}

static void print_value(struct state *s, const struct node *n, struct val v)
{
    static const struct spec none;
    s->node = n;
    if (!valid(&v)) {
        strbuf_add(&s->out, "<no value>");
        return;
    }
    fmt_value(&s->out, &v, 'v', &none, 0);
}

static enum walk walk_list(struct state *s, struct val dot, const struct node *list)
{
    for (size_t i = 0; i < list->nkids; i++) {
        enum walk w = walk(s, dot, list->kids[i]);
        if (w != WALK_OK) {
            return w;
        }
    }
    return WALK_OK;
}

static enum walk walk_if_or_with(struct state *s, struct val dot, const struct node *n)
{
    size_t mark = s->nvars;
    struct val v = eval_pipeline(s, dot, n->pipe);
    struct val inner = unwrap(v);
    enum walk w = WALK_OK;
    if (truth(&inner)) {
        w = walk_list(s, n->type == N_WITH ? v : dot, n->list);
    } else if (n->else_list != NULL) {
        w = walk_list(s, dot, n->else_list);
    }
    s->nvars = mark;
    return w;
}

/* One range iteration: sets the loop variables, walks the body, drops its variables. */
static enum walk range_once(struct state *s, const struct node *r, size_t mark, struct val index,
                            struct val elem)
{
    const struct node *pipe = r->pipe;
    if (pipe->ndecl > 0) {
        if (pipe->is_assign) {
            find_var(s, pipe->decl[0]->idents[0])->v = pipe->ndecl > 1 ? index : elem;
        } else {
            s->vars[s->nvars - 1].v = elem;
        }
    }
    if (pipe->ndecl > 1) {
        if (pipe->is_assign) {
            find_var(s, pipe->decl[1]->idents[0])->v = elem;
        } else {
            s->vars[s->nvars - 2].v = index;
        }
    }
    enum walk w = walk_list(s, elem, r->list);
    s->nvars = mark;
    return w;
}

static void walk_range(struct state *s, struct val dot, const struct node *r)
{
    s->node = r;
    size_t outer = s->nvars;
    struct val v = eval_pipeline(s, dot, r->pipe);
    if (v.k == V_NIL) {
        v = INVALID;
    }
    size_t mark = s->nvars;
    bool empty = true;
    if (v.k == V_SLICE) {
        for (size_t i = 0; i < json_array_size(v.j); i++) {
            empty = false;
            enum walk w =
                range_once(s, r, mark, int_val((long long)i), from_json(json_array_get(v.j, i)));
            if (w == WALK_BREAK) {
                break;
            }
        }
    } else if (v.k == V_MAP) {
        size_t n = 0;
        const char **keys = sorted_keys(v.j, &n);
        pool_keep(&s->pool, keys);
        for (size_t i = 0; i < n; i++) {
            empty = false;
            enum walk w = range_once(s, r, mark, str_val(keys[i], strlen(keys[i])),
                                     from_json(json_object_get(v.j, keys[i])));
            if (w == WALK_BREAK) {
                break;
            }
        }
    } else if (valid(&v)) {
        static const struct spec none;
        struct strbuf b = {0};
        fmt_value(&b, &v, 'v', &none, 0);
        char *str = keep_buf(s, &b);
        exec_fail(s, "range can't iterate over %s", str);
    }
    if (empty && r->else_list != NULL) {
        walk_list(s, dot, r->else_list);
    }
    s->nvars = outer;
}

static void walk_template(struct state *s, struct val dot, const struct node *n)
{
    s->node = n;
    const struct tree *tmpl = NULL;
    for (size_t i = 0; i < s->t->ntrees; i++) {
        if (strcmp(s->t->trees[i].name, n->text) == 0) {
            tmpl = &s->t->trees[i];
        }
    }
    if (tmpl == NULL) {
        char *q = pool_keep(&s->pool, go_quote_str(n->text));
        exec_fail(s, "template %s not defined", q);
    }
    if (s->depth >= 1000) {
        exec_fail(s, "exceeded maximum template depth (%d)", 100000);
    }
    struct val new_dot = eval_pipeline(s, dot, n->pipe);
    const struct tree *saved_tmpl = s->tmpl;
    size_t saved_base = s->base, saved_n = s->nvars;
    s->depth++;
    s->tmpl = tmpl;
    s->base = s->nvars;
    push(s, "$", new_dot);
    walk_list(s, new_dot, tmpl->root);
    s->depth--;
    s->tmpl = saved_tmpl;
    s->base = saved_base;
    s->nvars = saved_n;
}

static enum walk walk(struct state *s, struct val dot, const struct node *n)
{
    s->node = n;
    switch (n->type) {
    case N_ACTION: {
        struct val v = eval_pipeline(s, dot, n->pipe);
        if (n->pipe->ndecl == 0) {
            print_value(s, n, v);
        }
        return WALK_OK;
    }
    case N_BREAK:
        return WALK_BREAK;
    case N_CONTINUE:
        return WALK_CONTINUE;
    case N_IF:
    case N_WITH:
        return walk_if_or_with(s, dot, n);
    case N_LIST:
        return walk_list(s, dot, n);
    case N_RANGE:
        walk_range(s, dot, n);
        return WALK_OK;
    case N_TEMPLATE:
        walk_template(s, dot, n);
        return WALK_OK;
    case N_TEXT:
        strbuf_addn(&s->out, n->text, n->text_len);
        return WALK_OK;
    default:
        return WALK_OK;
    }
}

int gotemplate_execute(const struct gotemplate *t, const json_t *data, bool allow_missing,
                       char **out, char **error)
{
    struct state *s = xcalloc(1, sizeof *s);
    s->t = t;
    s->allow_missing = allow_missing;
    for (size_t i = 0; i < t->ntrees; i++) {
        if (strcmp(t->trees[i].name, "output") == 0) {
            s->tmpl = &t->trees[i];
        }
    }
    strbuf_addn(&s->out, "", 0);
    struct val dot = unwrap(from_json(data));
    int rc = 0;
    if (setjmp(s->fail) == 0) {
        push(s, "$", dot);
        walk_list(s, dot, s->tmpl->root);
    } else {
        rc = -1;
        *error = s->error;
    }
    *out = s->out.s;
    pool_free(&s->pool);
    free(s->vars);
    free(s);
    return rc;
}

/* ---- kubectl's go-template printer (cli-runtime genericclioptions/template_flags.go) ---- */

static const char *const TEMPLATE_FORMATS[] = {"go-template", "go-template-file", "template",
                                               "templatefile"};

/* The template format named by output ("go-template=..." or "go-template"), or NULL. */
static const char *template_format(const char *output)
{
    size_t len = strcspn(output, "=");
    for (size_t i = 0; i < sizeof TEMPLATE_FORMATS / sizeof TEMPLATE_FORMATS[0]; i++) {
        if (strlen(TEMPLATE_FORMATS[i]) == len && strncmp(output, TEMPLATE_FORMATS[i], len) == 0) {
            return TEMPLATE_FORMATS[i];
        }
    }
    return NULL;
}

bool gotemplate_is_format(const char *output, const char *template_flag)
{
    if (*output == '\0') {
        return template_flag != NULL && *template_flag != '\0';
    }
    return template_format(output) != NULL;
}

struct gotemplate *gotemplate_printer_new(struct ctl *c, const char *output,
                                          const char *template_flag, char **raw)
{
    *raw = NULL;
    const char *format = *output ? template_format(output) : "go-template";
    const char *value = "";
    if (template_flag != NULL && *template_flag != '\0') {
        value = template_flag;
    } else if (format != NULL && output[strlen(format)] == '=') {
        value = output + strlen(format) + 1;
    }
    if (*value == '\0') {
        ctl_error(c, "template format specified but no template given");
        return NULL;
    }
    char *text = NULL;
    if (format != NULL && strstr(format, "file") != NULL) {
        FILE *f = fopen(value, "r");
        struct strbuf b = {0};
        strbuf_addn(&b, "", 0);
        char chunk[4096];
        size_t got = 0;
        int saved = 0;
        if (f != NULL) {
            while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
                strbuf_addn(&b, chunk, got);
            }
            saved = ferror(f) ? errno : 0;
            fclose(f);
        }
        if (f == NULL || saved != 0) {
            int code = f == NULL ? errno : saved;
            char why[128];
            snprintf(why, sizeof why, "%s", strerror(code));
            why[0] = (char)tolower((unsigned char)why[0]);
            ctl_error(c, "error reading --template %s, %s %s: %s", value, f ? "read" : "open",
                      value, why);
            free(b.s);
            return NULL;
        }
        text = b.s;
    } else {
        text = xstrdup(value);
    }
    char *error = NULL;
    struct gotemplate *t = gotemplate_parse(text, &error);
    if (t == NULL) {
        ctl_error(c, "error parsing template %s, %s", text, error);
        free(error);
        free(text);
        return NULL;
    }
    *raw = text;
    return t;
}

/* Go's json.Marshal of obj: compact, <, > and & escaped. Owned. */
static char *marshal_compact(const json_t *obj, bool ordered)
{
    if (!ordered) {
        return printers_json_compact(obj);
    }
    cleanup_free char *dump = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
    struct strbuf b = {0};
    strbuf_addn(&b, "", 0);
    for (const char *p = dump ? dump : ""; *p; p++) {
        if (*p == '<' || *p == '>' || *p == '&') {
            strbuf_addf(&b, "\\u%04x", (unsigned)*p);
        } else {
            strbuf_addc(&b, *p);
        }
    }
    return b.s;
}

int gotemplate_printer_print(struct ctl *c, const struct gotemplate *t, const char *raw,
                             const json_t *obj, bool allow_missing, bool ordered)
{
    cleanup_free char *out = NULL;
    cleanup_free char *error = NULL;
    int rc = gotemplate_execute(t, obj, allow_missing, &out, &error);
    fputs(out, c->out);
    if (rc == 0) {
        fflush(c->out);
        return 0;
    }
    cleanup_free char *data = marshal_compact(obj, ordered);
    cleanup_free char *given = gotemplate_format_value(obj);
    fprintf(c->out,
            "Error executing template: %s. Printing more information for debugging the "
            "template:\n\ttemplate was:\n\t\t%s\n\traw data was:\n\t\t%s\n\tobject given to "
            "template engine was:\n\t\t%s\n\n",
            error, raw, data, given);
    fflush(c->out);
    cleanup_free char *quoted = go_quote_str(raw);
    return ctl_error(c, "error executing template %s: %s", quoted, error);
}
