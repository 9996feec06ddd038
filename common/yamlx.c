/* YAML <-> JSON over libyaml, reproducing kubectl's reading (apimachinery's YAMLReader cutting
 * documents at "---" lines, sigs.k8s.io/yaml's YAMLToJSON over go-yaml v2's resolve.go) and its
 * printing (go-yaml v2's encoder: resolve-driven quoting, sorter.go's key order, Go floats). */
#include "yamlx.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "b64.h"
#include "cleanup.h"
#include "strbuf.h"
#include "xalloc.h"

#define TAG_PREFIX    "tag:yaml.org,2002:"
#define TAG_STR       TAG_PREFIX "str"
#define TAG_BOOL      TAG_PREFIX "bool"
#define TAG_INT       TAG_PREFIX "int"
#define TAG_FLOAT     TAG_PREFIX "float"
#define TAG_NULL      TAG_PREFIX "null"
#define TAG_TIMESTAMP TAG_PREFIX "timestamp"
#define TAG_BINARY    TAG_PREFIX "binary"
#define TAG_MERGE     TAG_PREFIX "merge"

#define EXCESSIVE_ALIASING "document contains excessive aliasing"

/* ---------------------------------------------------------------------------------------- */
/* Scalar resolution (go-yaml v2 resolve.go)                                                 */

enum rkind { R_NULL, R_BOOL, R_INT, R_UINT, R_FLOAT, R_STR, R_TIMESTAMP, R_BINARY };

struct resolved {
    enum rkind kind;
    bool b;
    int64_t i;
    uint64_t u;
    double f;
};

struct word {
    const char *text;
    enum rkind kind;
    int value; /* bool: 0/1; float: 1 nan, 2 +inf, 3 -inf */
};

static const struct word resolve_words[] = {
    {"y", R_BOOL, 1},      {"Y", R_BOOL, 1},      {"yes", R_BOOL, 1},    {"Yes", R_BOOL, 1},
    {"YES", R_BOOL, 1},    {"true", R_BOOL, 1},   {"True", R_BOOL, 1},   {"TRUE", R_BOOL, 1},
    {"on", R_BOOL, 1},     {"On", R_BOOL, 1},     {"ON", R_BOOL, 1},     {"n", R_BOOL, 0},
    {"N", R_BOOL, 0},      {"no", R_BOOL, 0},     {"No", R_BOOL, 0},     {"NO", R_BOOL, 0},
    {"false", R_BOOL, 0},  {"False", R_BOOL, 0},  {"FALSE", R_BOOL, 0},  {"off", R_BOOL, 0},
    {"Off", R_BOOL, 0},    {"OFF", R_BOOL, 0},    {"", R_NULL, 0},       {"~", R_NULL, 0},
    {"null", R_NULL, 0},   {"Null", R_NULL, 0},   {"NULL", R_NULL, 0},   {".nan", R_FLOAT, 1},
    {".NaN", R_FLOAT, 1},  {".NAN", R_FLOAT, 1},  {".inf", R_FLOAT, 2},  {".Inf", R_FLOAT, 2},
    {".INF", R_FLOAT, 2},  {"+.inf", R_FLOAT, 2}, {"+.Inf", R_FLOAT, 2}, {"+.INF", R_FLOAT, 2},
    {"-.inf", R_FLOAT, 3}, {"-.Inf", R_FLOAT, 3}, {"-.INF", R_FLOAT, 3},
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The first byte's class in resolve.go's table: 'S' sign, 'D' digit, 'M' may be in the word
 * list, '.' float, 'N' empty, 0 never anything but a string. */
static char resolve_hint(const char *s, size_t n)
{
    if (n == 0) {
        return 'N';
    }
    char c = s[0];
    if (c == '+' || c == '-') {
        return 'S';
    }
    if (is_digit(c)) {
        return 'D';
    }
    if (c != '\0' && strchr("yYnNtTfFoO~", c) != NULL) {
        return 'M';
    }
    return c == '.' ? '.' : 0;
}

/* Go's strconv.ParseUint(s, 0, 64): 0x/0o/0b prefixes (only with a digit after), a leading 0
 * means octal, no sign. */
static bool go_parse_uint(const char *s, size_t n, uint64_t *out)
{
    if (n == 0) {
        return false;
    }
    unsigned base = 10;
    if (s[0] == '0') {
        char p = (char)(n >= 3 ? tolower((unsigned char)s[1]) : 0);
        base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 8;
        size_t skip = (p == 'x' || p == 'o' || p == 'b') ? 2 : 1;
        s += skip;
        n -= skip;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned d;
        if (is_digit((char)c)) {
            d = c - '0';
        } else if (c >= 'a' && c <= 'z') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'Z') {
            d = c - 'A' + 10;
        } else {
            return false;
        }
        if (d >= base || v > (UINT64_MAX - d) / base) {
            return false;
        }
        v = v * base + d;
    }
    *out = v;
    return true;
}

/* Go's strconv.ParseInt(s, 0, 64). */
static bool go_parse_int(const char *s, size_t n, int64_t *out)
{
    bool neg = false;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++;
        n--;
    }
    uint64_t u;
    if (!go_parse_uint(s, n, &u)) {
        return false;
    }
    if (neg) {
        if (u > (uint64_t)INT64_MAX + 1) {
            return false;
        }
        *out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    } else {
        if (u > (uint64_t)INT64_MAX) {
            return false;
        }
        *out = (int64_t)u;
    }
    return true;
}

static size_t skip_digits(const char *s, size_t n, size_t i)
{
    while (i < n && is_digit(s[i])) {
        i++;
    }
    return i;
}

/* resolve.go's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool is_yaml_style_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        i++;
    }
    if (i < n && s[i] == '.') {
        size_t j = skip_digits(s, n, i + 1);
        if (j == i + 1) {
            return false;
        }
        i = j;
    } else {
        size_t j = skip_digits(s, n, i);
        if (j == i) {
            return false;
        }
        i = j;
        if (i < n && s[i] == '.') {
            i = skip_digits(s, n, i + 1);
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        size_t j = skip_digits(s, n, i);
        if (j == i) {
            return false;
        }
        i = j;
    }
    return i == n;
}

/* Go's ParseFloat on text already known to be a plain decimal float; false on overflow,
 * which Go reports as an error (so "1e400" stays a string). */
static bool parse_decimal_float(const char *s, size_t n, double *out)
{
    char buf[128];
    cleanup_free char *heap = NULL;
    char *p = buf;
    if (n >= sizeof buf) {
        p = heap = xmalloc(n + 1);
    }
    memcpy(p, s, n);
    p[n] = '\0';
    double f = strtod(p, NULL);
    if (isinf(f)) {
        return false;
    }
    *out = f;
    return true;
}

static bool is_leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* Go's time.Parse getnum(value, false): one or two digits. */
static bool getnum(const char **p, const char *end, int *out)
{
    const char *s = *p;
    if (s >= end || !is_digit(*s)) {
        return false;
    }
    if (s + 1 >= end || !is_digit(s[1])) {
        *out = *s - '0';
        *p = s + 1;
        return true;
    }
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    *p = s + 2;
    return true;
}

/* go-yaml's parseTimestamp: time.Parse with "2006-1-2T15:4:5.999999999Z07:00" (also with 't'),
 * "2006-1-2 15:4:5.999999999" and "2006-1-2". */
static bool is_timestamp(const char *s, size_t n)
{
    if (skip_digits(s, n, 0) != 4 || n == 4 || s[4] != '-') {
        return false;
    }
    const char *p = s + 5, *end = s + n;
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int month, day;
    if (!getnum(&p, end, &month) || month < 1 || month > 12 || p >= end || *p++ != '-' ||
        !getnum(&p, end, &day)) {
        return false;
    }
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max_day = days[month - 1] + (month == 2 && is_leap(year));
    if (day < 1 || day > max_day) {
        return false;
    }
    if (p == end) {
        return true;
    }
    bool zone;
    if (*p == 'T' || *p == 't') {
        zone = true;
        p++;
    } else if (*p == ' ') {
        zone = false;
        while (p < end && *p == ' ') {
            p++;
        }
    } else {
        return false;
    }
    int hour, min, sec;
    if (!getnum(&p, end, &hour) || hour >= 24 || p >= end || *p++ != ':' ||
        !getnum(&p, end, &min) || min >= 60 || p >= end || *p++ != ':' || !getnum(&p, end, &sec) ||
        sec >= 60) {
        return false;
    }
    if (end - p >= 2 && (*p == '.' || *p == ',') && is_digit(p[1])) {
        p = s + skip_digits(s, n, (size_t)(p - s) + 1);
    }
    if (!zone) {
        return p == end;
    }
    if (p < end && *p == 'Z') {
        return p + 1 == end;
    }
    if (end - p != 6 || (*p != '+' && *p != '-') || p[3] != ':' || !is_digit(p[1]) ||
        !is_digit(p[2]) || !is_digit(p[4]) || !is_digit(p[5])) {
        return false;
    }
    int zh = (p[1] - '0') * 10 + (p[2] - '0'), zm = (p[4] - '0') * 10 + (p[5] - '0');
    return zh <= 24 && zm <= 60;
}

/* go-yaml's isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool is_base60_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        i++;
    }
    if (i >= n || !is_digit(s[i])) {
        return false;
    }
    while (i < n && (is_digit(s[i]) || s[i] == '_')) {
        i++;
    }
    int groups = 0;
    while (i < n && s[i] == ':') {
        i++;
        if (i + 1 < n && s[i] >= '0' && s[i] <= '5' && is_digit(s[i + 1])) {
            i += 2;
        } else if (i < n && is_digit(s[i])) {
            i++;
        } else {
            return false;
        }
        groups++;
    }
    if (groups == 0) {
        return false;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && (is_digit(s[i]) || s[i] == '_')) {
            i++;
        }
    }
    return i == n;
}

/* Resolves an untagged plain scalar (tag NULL) or one tagged with a YAML 1.1 core tag, as
 * resolve.go does (before its tag check). timestamps is false when a timestamp is not wanted
 * (explicit tags other than !!timestamp). */
static void resolve_text(const char *s, size_t n, bool timestamps, bool str_only,
                         struct resolved *r)
{
    memset(r, 0, sizeof *r);
    r->kind = R_STR;
    char hint = resolve_hint(s, n);
    if (hint == 0 || str_only) {
        return;
    }
    for (size_t i = 0; i < sizeof resolve_words / sizeof resolve_words[0]; i++) {
        const struct word *w = &resolve_words[i];
        if (strlen(w->text) == n && memcmp(w->text, s, n) == 0) {
            r->kind = w->kind;
            r->b = w->value == 1;
            r->f = w->value == 1 ? NAN : w->value == 2 ? INFINITY : -INFINITY;
            return;
        }
    }
    if (hint == '.') {
        if (is_yaml_style_float(s, n) && parse_decimal_float(s, n, &r->f)) {
            r->kind = R_FLOAT;
        }
        return;
    }
    if (hint != 'D' && hint != 'S') {
        return;
    }
    if (timestamps && is_timestamp(s, n)) {
        r->kind = R_TIMESTAMP;
        return;
    }
    char stack[128];
    cleanup_free char *heap = NULL;
    char *plain = n < sizeof stack ? stack : (heap = xmalloc(n + 1));
    size_t pn = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '_') {
            plain[pn++] = s[i];
        }
    }
    if (go_parse_int(plain, pn, &r->i)) {
        r->kind = R_INT;
    } else if (go_parse_uint(plain, pn, &r->u)) {
        r->kind = R_UINT;
    } else if (is_yaml_style_float(plain, pn) && parse_decimal_float(plain, pn, &r->f)) {
        r->kind = R_FLOAT;
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Go number formatting                                                                      */

/* Shortest decimal digits of v (positive, finite) that read back as the same double (or float
 * when single): digits without a dot into d, returns the decimal exponent of the first digit. */
static int shortest_digits(double v, bool single, char *d, size_t dsize)
{
    char buf[40];
    int maxp = single ? 9 : 17;
    for (int p = 1; p <= maxp; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        bool same = single ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v;
        if (same || p == maxp) {
            break;
        }
    }
    size_t n = 0;
    const char *q = buf;
    for (; *q != 'e' && n + 1 < dsize; q++) {
        if (is_digit(*q)) {
            d[n++] = *q;
        }
    }
    while (n > 1 && d[n - 1] == '0') {
        n--;
    }
    d[n] = '\0';
    return atoi(q + 1);
}

/* strconv.FormatFloat(v, 'g', -1, single ? 32 : 64), with go-yaml's .inf/-.inf/.nan. */
static void go_format_g(double v, bool single, char *out, size_t size)
{
    if (isnan(v)) {
        snprintf(out, size, ".nan");
        return;
    }
    if (isinf(v)) {
        snprintf(out, size, v > 0 ? ".inf" : "-.inf");
        return;
    }
    const char *sign = signbit(v) ? "-" : "";
    if (v == 0) {
        snprintf(out, size, "%s0", sign);
        return;
    }
    char d[32];
    int exp = shortest_digits(fabs(v), single, d, sizeof d);
    int nd = (int)strlen(d);
    if (exp < -4 || exp >= 6) {
        snprintf(out, size, "%s%c%s%se%c%02d", sign, d[0], nd > 1 ? "." : "", d + 1,
                 exp < 0 ? '-' : '+', abs(exp));
    } else if (exp < 0) {
        snprintf(out, size, "%s0.%.*s%s", sign, -exp - 1, "0000", d);
    } else if (nd <= exp + 1) {
        snprintf(out, size, "%s%s%.*s", sign, d, exp + 1 - nd, "000000");
    } else {
        snprintf(out, size, "%s%.*s.%s", sign, exp + 1, d, d + exp + 1);
    }
}

/* A real as kubectl prints it: Go's json.Marshal text ('f' form below 1e21) read back by
 * go-yaml, so integral values whose text fits int64 (or uint64 when positive) print as
 * integers ("1", "4611686018427388000"); everything else as FormatFloat 'g'. */
static void format_real(double v, char *out, size_t size)
{
    if (v == 0) {
        snprintf(out, size, "0");
        return;
    }
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e21) {
        char d[32], text[64];
        int exp = shortest_digits(fabs(v), false, d, sizeof d);
        snprintf(text, sizeof text, "%s%.*s", d, exp + 1 - (int)strlen(d), "000000000000000000000");
        const char *limit = v < 0 ? "9223372036854775808" : "18446744073709551615";
        size_t tn = strlen(text), ln = strlen(limit);
        if (tn < ln || (tn == ln && strcmp(text, limit) <= 0)) {
            snprintf(out, size, "%s%s", v < 0 ? "-" : "", text);
            return;
        }
    }
    go_format_g(v, false, out, size);
}

/* ---------------------------------------------------------------------------------------- */
/* UTF-8 and base64                                                                          */

/* Decodes one UTF-8 sequence at s[0..n); returns its length, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4 || len > n) {
        return 0;
    }
    uint32_t c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        return 0;
    }
    *cp = c;
    return len;
}

static bool utf8_is_valid(const char *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0) {
            return false;
        }
        i += k;
    }
    return true;
}

/* A JSON string of bytes that may not be UTF-8: invalid bytes become U+FFFD, as Go's
 * json.Marshal writes them. Returns a new reference. */
static json_t *json_string_lossy(const char *s, size_t n)
{
    cleanup_free char *out = xmalloc(n * 3 + 1);
    size_t o = 0;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    return json_stringn(out, o);
}

/* go-yaml's encodeBase64: standard base64 cut into 70-column lines when longer. */
static char *base64_encode_lines(const unsigned char *s, size_t n)
{
    cleanup_free char *flat = b64_encode(s, n);
    size_t enc = strlen(flat), lines = enc / 70 + 1;
    if (lines == 1) {
        return steal_ptr(&flat);
    }
    char *out = xmalloc(enc + lines + 1);
    size_t k = 0;
    for (size_t i = 0; i < enc; i += 70) {
        size_t j = i + 70 < enc ? i + 70 : enc;
        memcpy(out + k, flat + i, j - i);
        k += j - i;
        out[k++] = '\n';
    }
    out[k] = '\0';
    return out;
}

/* ---------------------------------------------------------------------------------------- */
/* Loading                                                                                   */

/* A scalar as the parser reported it, kept so an alias can be read again as a map key. */
struct scalar {
    char *value; /* owned */
    size_t len;
    char *tag; /* owned, NULL when untagged */
    bool plain_implicit;
};

struct anchor {
    char *name;       /* owned */
    bool done;        /* false while its node is still being read */
    bool is_scalar;   /* then sc is set, else value */
    struct scalar sc; /* owned copies */
    json_t *value;    /* owned, for mappings and sequences */
    size_t nodes;     /* nodes in the subtree, for the aliasing limit */
};

struct loader {
    yaml_parser_t parser;
    yaml_event_t event;
    bool have_event;
    const char *chunk; /* borrowed: the document being read */
    size_t chunk_len;
    size_t line_base; /* lines of the stream before chunk */
    struct anchor *anchors;
    size_t nanchors, anchors_cap;
    size_t decode_count, alias_count;
    int depth;
    struct err *err;
};

static int fail_at(struct loader *l, yaml_mark_t mark, const char *msg)
{
    return err_set(l->err, C8S_EPARSE, "yaml: line %zu, column %zu: %s",
                   l->line_base + mark.line + 1, mark.column + 1, msg);
}

/* libyaml's error, worded as go-yaml words it ("yaml: ... : <problem>"). */
static int parser_error(struct loader *l)
{
    yaml_parser_t *p = &l->parser;
    if (p->error == YAML_MEMORY_ERROR) {
        fprintf(stderr, "yamlx: out of memory\n");
        abort();
    }
    const char *problem = p->problem != NULL ? p->problem : "unknown problem parsing YAML content";
    yaml_mark_t mark = p->problem_mark;
    if (p->error == YAML_READER_ERROR) {
        /* Reader errors carry a byte offset only. */
        memset(&mark, 0, sizeof mark);
        for (size_t i = 0; i < p->problem_offset && i < l->chunk_len; i++) {
            if (l->chunk[i] == '\n') {
                mark.line++;
                mark.column = 0;
            } else {
                mark.column++;
            }
        }
    }
    return fail_at(l, mark, problem);
}

static void drop_event(struct loader *l)
{
    if (l->have_event) {
        yaml_event_delete(&l->event);
        l->have_event = false;
    }
}

static int next_event(struct loader *l)
{
    drop_event(l);
    if (!yaml_parser_parse(&l->parser, &l->event)) {
        return parser_error(l);
    }
    l->have_event = true;
    return 0;
}

static void scalar_free(struct scalar *sc)
{
    free(sc->value);
    free(sc->tag);
}

static void anchors_free(struct loader *l)
{
    for (size_t i = 0; i < l->nanchors; i++) {
        free(l->anchors[i].name);
        scalar_free(&l->anchors[i].sc);
        json_decref(l->anchors[i].value);
    }
    free(l->anchors);
    l->anchors = NULL;
    l->nanchors = l->anchors_cap = 0;
}

static struct anchor *anchor_find(struct loader *l, const char *name)
{
    for (size_t i = l->nanchors; i-- > 0;) {
        if (strcmp(l->anchors[i].name, name) == 0) {
            return &l->anchors[i];
        }
    }
    return NULL;
}

/* Registers an anchor as being read; a later definition of the same name replaces it, as
 * go-yaml's anchors map does. Returns its index (the array may move while the node is read). */
static size_t anchor_begin(struct loader *l, const char *name)
{
    struct anchor *old = anchor_find(l, name);
    if (old != NULL) {
        scalar_free(&old->sc);
        json_decref(old->value);
        char *keep = old->name;
        memset(old, 0, sizeof *old);
        old->name = keep;
        return (size_t)(old - l->anchors);
    }
    if (l->nanchors == l->anchors_cap) {
        l->anchors_cap = l->anchors_cap ? l->anchors_cap * 2 : 8;
        l->anchors = xrealloc(l->anchors, l->anchors_cap * sizeof *l->anchors);
    }
    struct anchor *a = &l->anchors[l->nanchors];
    memset(a, 0, sizeof *a);
    a->name = xstrdup(name);
    return l->nanchors++;
}

/* go-yaml's alias ratio limit (decode.go allowedAliasRatio). */
static bool aliasing_is_excessive(const struct loader *l)
{
    if (l->alias_count <= 100 || l->decode_count <= 1000) {
        return false;
    }
    double allowed;
    if (l->decode_count <= 400000) {
        allowed = 0.99;
    } else if (l->decode_count >= 4000000) {
        allowed = 0.10;
    } else {
        allowed = 0.99 - 0.89 * ((double)(l->decode_count - 400000) / 3600000.0);
    }
    return (double)l->alias_count / (double)l->decode_count > allowed;
}

static const char *short_tag(enum rkind k)
{
    switch (k) {
    case R_NULL:
        return "!!null";
    case R_BOOL:
        return "!!bool";
    case R_INT:
    case R_UINT:
        return "!!int";
    case R_FLOAT:
        return "!!float";
    case R_TIMESTAMP:
        return "!!timestamp";
    case R_BINARY:
        return "!!binary";
    case R_STR:
        break;
    }
    return "!!str";
}

/* Resolves a scalar with its tag as go-yaml's decoder does (prepare, scalar and resolve). */
static int resolve_scalar(struct loader *l, const struct scalar *sc, yaml_mark_t mark,
                          struct resolved *r)
{
    memset(r, 0, sizeof *r);
    const char *tag = sc->tag;
    if (tag != NULL && strcmp(tag, TAG_NULL) == 0) {
        r->kind = R_NULL;
        return 0;
    }
    if (tag == NULL && !sc->plain_implicit) {
        r->kind = R_STR;
        return 0;
    }
    static const struct {
        const char *tag;
        enum rkind kind;
    } core[] = {{TAG_STR, R_STR},     {TAG_BOOL, R_BOOL}, {TAG_INT, R_INT},
                {TAG_FLOAT, R_FLOAT}, {TAG_NULL, R_NULL}, {TAG_TIMESTAMP, R_TIMESTAMP}};
    int want = -1;
    if (tag != NULL) {
        if (strcmp(tag, TAG_BINARY) == 0) {
            r->kind = R_BINARY;
            return 0;
        }
        for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
            if (strcmp(tag, core[i].tag) == 0) {
                want = (int)core[i].kind;
            }
        }
        if (want < 0) {
            /* Unknown tags keep the text as a string. */
            r->kind = R_STR;
            return 0;
        }
    }
    resolve_text(sc->value, sc->len, tag == NULL || want == R_TIMESTAMP, want == R_STR, r);
    if (want < 0 || want == R_STR || (enum rkind)want == r->kind ||
        (want == R_INT && r->kind == R_UINT)) {
        return 0;
    }
    if (want == R_FLOAT && r->kind == R_INT) {
        r->kind = R_FLOAT;
        r->f = (double)r->i;
        return 0;
    }
    char msg[160];
    snprintf(msg, sizeof msg, "cannot decode %s `%.*s` as a %s", short_tag(r->kind),
             (int)(sc->len > 64 ? 64 : sc->len), sc->value, short_tag((enum rkind)want));
    return fail_at(l, mark, msg);
}

/* A float as the JSON kubectl's decoder ends with: integral values whose Go JSON text is an
 * int64 become integers, others reals; NaN and infinities have no JSON form. */
static int float_to_json(struct loader *l, double f, yaml_mark_t mark, json_t **out)
{
    if (isnan(f) || isinf(f)) {
        return fail_at(l, mark,
                       isnan(f) ? "json: unsupported value: NaN"
                       : f > 0  ? "json: unsupported value: +Inf"
                                : "json: unsupported value: -Inf");
    }
    if (f == floor(f) && f >= -9223372036854775808.0 && f < 9223372036854775808.0) {
        char text[64];
        format_real(f, text, sizeof text);
        int64_t i;
        if (go_parse_int(text, strlen(text), &i)) {
            *out = json_integer(i);
            return 0;
        }
    }
    *out = json_real(f);
    return 0;
}

static int scalar_to_json(struct loader *l, const struct scalar *sc, yaml_mark_t mark, json_t **out)
{
    struct resolved r;
    int rv = resolve_scalar(l, sc, mark, &r);
    if (rv < 0) {
        return rv;
    }
    switch (r.kind) {
    case R_NULL:
        *out = json_null();
        return 0;
    case R_BOOL:
        *out = json_boolean(r.b);
        return 0;
    case R_INT:
        *out = json_integer(r.i);
        return 0;
    case R_UINT:
        *out = json_real((double)r.u);
        return 0;
    case R_FLOAT:
        return float_to_json(l, r.f, mark, out);
    case R_BINARY: {
        size_t n;
        cleanup_free uint8_t *data = NULL;
        if (b64_decode(sc->value, sc->len, &data, &n, NULL) < 0) {
            return fail_at(l, mark, "!!binary value contains invalid base64 data");
        }
        *out = json_string_lossy((const char *)data, n);
        return 0;
    }
    case R_STR:
    case R_TIMESTAMP:
        break;
    }
    *out = json_string_lossy(sc->value, sc->len);
    return 0;
}

/* A scalar map key as sigs.k8s.io/yaml turns it into a JSON key. Returns an owned string. */
static int scalar_to_key(struct loader *l, const struct scalar *sc, yaml_mark_t mark, char **out,
                         size_t *out_len)
{
    struct resolved r;
    int rv = resolve_scalar(l, sc, mark, &r);
    if (rv < 0) {
        return rv;
    }
    char buf[64];
    switch (r.kind) {
    case R_NULL:
        return fail_at(l, mark, "unsupported map key of type: <nil>");
    case R_UINT:
        return fail_at(l, mark, "unsupported map key of type: uint64");
    case R_BOOL:
        snprintf(buf, sizeof buf, "%s", r.b ? "true" : "false");
        break;
    case R_INT:
        snprintf(buf, sizeof buf, "%" PRId64, r.i);
        break;
    case R_FLOAT:
        go_format_g(r.f, true, buf, sizeof buf);
        break;
    case R_BINARY:
    case R_STR:
    case R_TIMESTAMP: {
        json_auto_t *s = NULL;
        rv = scalar_to_json(l, sc, mark, &s);
        if (rv < 0) {
            return rv;
        }
        *out_len = json_string_length(s);
        *out = xmalloc(*out_len + 1);
        memcpy(*out, json_string_value(s), *out_len + 1);
        return 0;
    }
    }
    *out_len = strlen(buf);
    *out = xstrdup(buf);
    return 0;
}

static void scalar_from_event(const yaml_event_t *ev, struct scalar *sc)
{
    sc->len = ev->data.scalar.length;
    sc->value = xmalloc(sc->len + 1);
    memcpy(sc->value, ev->data.scalar.value, sc->len);
    sc->value[sc->len] = '\0';
    const char *tag = (const char *)ev->data.scalar.tag;
    sc->tag = tag != NULL ? xstrdup(tag) : NULL;
    sc->plain_implicit = ev->data.scalar.plain_implicit;
}

static int read_node(struct loader *l, json_t **out, size_t *nodes);

/* Copies every key of src into dst, replacing what is there: go-yaml v2 decodes a merged
 * mapping into the map being built. */
static void merge_into(json_t *dst, json_t *src)
{
    const char *k;
    size_t klen;
    json_t *v;
    void *tmp;
    json_object_keylen_foreach_safe(src, tmp, k, klen, v)
    {
        json_object_setn(dst, k, klen, v);
    }
}

/* Reads the map key at the current event into an owned string. */
static int read_key(struct loader *l, char **key, size_t *klen, size_t *nodes)
{
    yaml_event_t *ev = &l->event;
    yaml_mark_t mark = ev->start_mark;
    if (ev->type == YAML_SCALAR_EVENT) {
        struct scalar sc;
        scalar_from_event(ev, &sc);
        int rv = scalar_to_key(l, &sc, mark, key, klen);
        if (rv == 0 && ev->data.scalar.anchor != NULL) {
            size_t idx = anchor_begin(l, (const char *)ev->data.scalar.anchor);
            struct anchor *a = &l->anchors[idx];
            a->done = a->is_scalar = true;
            a->nodes = 1;
            a->sc = sc;
            memset(&sc, 0, sizeof sc);
        }
        scalar_free(&sc);
        l->decode_count++;
        *nodes += 1;
        return rv;
    }
    if (ev->type == YAML_ALIAS_EVENT) {
        const struct anchor *a = anchor_find(l, (const char *)ev->data.alias.anchor);
        if (a != NULL && a->done && a->is_scalar) {
            l->decode_count++;
            l->alias_count++;
            *nodes += 1;
            return scalar_to_key(l, &a->sc, mark, key, klen);
        }
        if (a == NULL || !a->done) {
            json_auto_t *ignored = NULL;
            return read_node(l, &ignored, nodes); /* reports the alias error */
        }
    }
    return fail_at(l, mark, "invalid map key: a mapping or sequence cannot be a key");
}

static bool is_merge_key(const yaml_event_t *ev)
{
    if (ev->type != YAML_SCALAR_EVENT || ev->data.scalar.length != 2 ||
        memcmp(ev->data.scalar.value, "<<", 2) != 0) {
        return false;
    }
    const char *tag = (const char *)ev->data.scalar.tag;
    return (tag == NULL && ev->data.scalar.plain_implicit) ||
           (tag != NULL && strcmp(tag, TAG_MERGE) == 0);
}

static int read_mapping(struct loader *l, json_t *obj, size_t *nodes)
{
    for (;;) {
        int rv = next_event(l);
        if (rv < 0) {
            return rv;
        }
        if (l->event.type == YAML_MAPPING_END_EVENT) {
            return 0;
        }
        if (is_merge_key(&l->event)) {
            yaml_mark_t mark = l->event.start_mark;
            json_auto_t *src = NULL;
            if ((rv = next_event(l)) < 0 || (rv = read_node(l, &src, nodes)) < 0) {
                return rv;
            }
            const char *bad = "map merge requires map or sequence of maps as the value";
            if (json_is_object(src)) {
                merge_into(obj, src);
            } else if (json_is_array(src)) {
                for (size_t i = json_array_size(src); i-- > 0;) {
                    if (!json_is_object(json_array_get(src, i))) {
                        return fail_at(l, mark, bad);
                    }
                    merge_into(obj, json_array_get(src, i));
                }
            } else {
                return fail_at(l, mark, bad);
            }
            continue;
        }
        cleanup_free char *key = NULL;
        size_t klen = 0;
        if ((rv = read_key(l, &key, &klen, nodes)) < 0) {
            return rv;
        }
        json_t *value = NULL;
        if ((rv = next_event(l)) < 0 || (rv = read_node(l, &value, nodes)) < 0) {
            return rv;
        }
        json_object_setn_new(obj, key, klen, value);
    }
}

static int read_sequence(struct loader *l, json_t *arr, size_t *nodes)
{
    for (;;) {
        int rv = next_event(l);
        if (rv < 0) {
            return rv;
        }
        if (l->event.type == YAML_SEQUENCE_END_EVENT) {
            return 0;
        }
        json_t *item = NULL;
        if ((rv = read_node(l, &item, nodes)) < 0) {
            return rv;
        }
        json_array_append_new(arr, item);
    }
}

static int read_alias(struct loader *l, json_t **out, size_t *nodes)
{
    yaml_mark_t mark = l->event.start_mark;
    const char *name = (const char *)l->event.data.alias.anchor;
    const struct anchor *a = anchor_find(l, name);
    char msg[ERR_MSG_SIZE];
    if (a == NULL || !a->done) {
        snprintf(msg, sizeof msg,
                 a == NULL ? "unknown anchor '%.100s' referenced"
                           : "anchor '%.100s' value contains itself",
                 name);
        return fail_at(l, mark, msg);
    }
    l->decode_count += a->nodes;
    l->alias_count += a->nodes;
    if (aliasing_is_excessive(l)) {
        return fail_at(l, mark, EXCESSIVE_ALIASING);
    }
    *nodes += a->nodes;
    if (a->is_scalar) {
        return scalar_to_json(l, &a->sc, mark, out);
    }
    *out = json_deep_copy(a->value);
    return 0;
}

/* Reads the node whose first event is current into a new reference; the node's last event is
 * current on return. nodes grows by the node count (aliases count their expansion). */
static int read_node(struct loader *l, json_t **out, size_t *nodes)
{
    yaml_event_t *ev = &l->event;
    yaml_mark_t mark = ev->start_mark;
    if (ev->type == YAML_ALIAS_EVENT) {
        return read_alias(l, out, nodes);
    }
    l->decode_count++;
    if (aliasing_is_excessive(l)) {
        return fail_at(l, mark, EXCESSIVE_ALIASING);
    }
    if (ev->type == YAML_SCALAR_EVENT) {
        struct scalar sc;
        scalar_from_event(ev, &sc);
        int rv = scalar_to_json(l, &sc, mark, out);
        if (rv == 0 && ev->data.scalar.anchor != NULL) {
            size_t idx = anchor_begin(l, (const char *)ev->data.scalar.anchor);
            struct anchor *a = &l->anchors[idx];
            a->done = a->is_scalar = true;
            a->nodes = 1;
            a->sc = sc;
            memset(&sc, 0, sizeof sc);
        }
        scalar_free(&sc);
        *nodes += 1;
        return rv;
    }
    bool is_map = ev->type == YAML_MAPPING_START_EVENT;
    assert(is_map || ev->type == YAML_SEQUENCE_START_EVENT);
    const yaml_char_t *anchor_name =
        is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    size_t anchor = SIZE_MAX;
    if (anchor_name != NULL) {
        anchor = anchor_begin(l, (const char *)anchor_name);
    }
    if (l->depth >= YAMLX_MAX_DEPTH) {
        char msg[64];
        snprintf(msg, sizeof msg, "exceeded max depth of %d", YAMLX_MAX_DEPTH);
        return fail_at(l, mark, msg);
    }
    l->depth++;
    size_t inner = 1;
    json_auto_t *v = is_map ? json_object() : json_array();
    int rv = is_map ? read_mapping(l, v, &inner) : read_sequence(l, v, &inner);
    l->depth--;
    if (rv < 0) {
        return rv;
    }
    /* An anchor redefined inside its own node keeps the inner definition: go-yaml registers
     * an anchor when its node starts, so the later one wins. */
    if (anchor != SIZE_MAX && !l->anchors[anchor].done) {
        struct anchor *a = &l->anchors[anchor];
        a->done = true;
        a->value = json_incref(v);
        a->nodes = inner;
    }
    *nodes += inner;
    *out = steal_ptr(&v);
    return 0;
}

/* Reads the first document of one piece of the stream (as go-yaml's Unmarshal does). */
static int load_document(const char *text, size_t len, size_t line_base, json_t **out,
                         struct err *err)
{
    struct loader l = {.chunk = text, .chunk_len = len, .line_base = line_base, .err = err};
    if (!yaml_parser_initialize(&l.parser)) {
        fprintf(stderr, "yamlx: out of memory\n");
        abort();
    }
    if (len == 0) {
        text = "\n";
        len = 1;
    }
    yaml_parser_set_input_string(&l.parser, (const unsigned char *)text, len);
    json_t *doc = NULL;
    size_t nodes = 0;
    int rv = next_event(&l); /* stream start */
    if (rv == 0) {
        rv = next_event(&l);
    }
    if (rv == 0 && l.event.type == YAML_STREAM_END_EVENT) {
        doc = json_null();
    } else if (rv == 0) {
        assert(l.event.type == YAML_DOCUMENT_START_EVENT);
        rv = next_event(&l);
        if (rv == 0) {
            rv = read_node(&l, &doc, &nodes);
        }
        if (rv == 0) {
            rv = next_event(&l);
        }
    }
    drop_event(&l);
    anchors_free(&l);
    yaml_parser_delete(&l.parser);
    if (rv < 0) {
        json_decref(doc);
        return rv;
    }
    *out = doc;
    return 0;
}

static bool is_go_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* apimachinery's YAMLReader: documents end at lines that start with "---"; the rest of such a
 * line may only be spaces or a comment. Lines lose a "\r" before their "\n". */
static int load_yaml_stream(const char *buf, size_t len, json_t *docs, struct err *err)
{
    char *chunk = NULL;
    size_t chunk_len = 0, chunk_cap = 0, chunk_line = 0, line_no = 0;
    int rv = 0;
    for (size_t pos = 0; pos <= len && rv == 0; line_no++) {
        bool last = pos == len;
        const char *line = buf + pos;
        const char *nl = last ? NULL : memchr(line, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - line) : len - pos;
        pos = last ? len + 1 : nl != NULL ? pos + n + 1 : len;
        if (nl != NULL && n > 0 && line[n - 1] == '\r') {
            n--;
        }
        bool separator = n >= 3 && memcmp(line, "---", 3) == 0;
        if (separator) {
            size_t i = 3;
            while (i < n && is_go_space(line[i])) {
                i++;
            }
            if (i < n && line[i] != '#') {
                size_t end = n;
                while (end > i && is_go_space(line[end - 1])) {
                    end--;
                }
                rv = err_set(err, C8S_EPARSE,
                             "yaml: line %zu: invalid Yaml document separator: %.*s", line_no + 1,
                             (int)(end - i > 100 ? 100 : end - i), line + i);
                break;
            }
        }
        if ((separator || last) && chunk_len > 0) {
            json_t *doc = NULL;
            rv = load_document(chunk, chunk_len, chunk_line, &doc, err);
            if (rv == 0 && !json_is_null(doc)) {
                json_array_append_new(docs, doc);
            } else {
                json_decref(doc);
            }
            chunk_len = 0;
        }
        if (separator) {
            chunk_line = line_no + 1;
        } else if (!last) {
            if (chunk_len + n + 1 > chunk_cap) {
                chunk_cap = (chunk_len + n + 1) * 2;
                chunk = xrealloc(chunk, chunk_cap);
            }
            memcpy(chunk + chunk_len, line, n);
            chunk_len += n;
            chunk[chunk_len++] = '\n';
        }
    }
    free(chunk);
    return rv;
}

/* A stream of JSON values ({..}{..}), as Go's json.Decoder reads it. false when it is not. */
static bool load_json_stream(const char *buf, size_t len, json_t *docs)
{
    size_t off = 0;
    for (;;) {
        while (off < len && is_go_space(buf[off])) {
            off++;
        }
        if (off == len) {
            return true;
        }
        json_error_t je;
        json_t *v = json_loadb(buf + off, len - off,
                               JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &je);
        if (v == NULL || je.position <= 0) {
            json_decref(v);
            return false;
        }
        off += (size_t)je.position;
        if (json_is_null(v)) {
            json_decref(v);
        } else {
            json_array_append_new(docs, v);
        }
    }
}

int yamlx_load_all(const char *buf, size_t len, json_t **out_docs, struct err *err)
{
    size_t i = 0;
    while (i < len && is_go_space(buf[i])) {
        i++;
    }
    if (i < len && buf[i] == '{') {
        json_auto_t *docs = json_array();
        if (load_json_stream(buf, len, docs)) {
            *out_docs = steal_ptr(&docs);
            return 0;
        }
    }
    json_auto_t *docs = json_array();
    int rv = load_yaml_stream(buf, len, docs, err);
    if (rv < 0) {
        return rv;
    }
    *out_docs = steal_ptr(&docs);
    return 0;
}

json_t *yamlx_load(const char *buf, size_t len, struct err *err)
{
    json_auto_t *docs = NULL;
    if (yamlx_load_all(buf, len, &docs, err) < 0) {
        return NULL;
    }
    size_t n = json_array_size(docs);
    if (n > 1) {
        err_set(err, C8S_EPARSE, "yaml: expected a single document in the stream, found %zu", n);
        return NULL;
    }
    return n == 0 ? json_null() : json_incref(json_array_get(docs, 0));
}

/* ---------------------------------------------------------------------------------------- */
/* Dumping                                                                                   */

/* libyaml's output callback: the bytes go to a struct strbuf. */
static int write_out(void *data, unsigned char *buffer, size_t size)
{
    strbuf_addn(data, (const char *)buffer, size);
    return 1;
}

static void emit(yaml_emitter_t *e, yaml_event_t *ev)
{
    if (!yaml_emitter_emit(e, ev)) {
        fprintf(stderr, "yamlx: libyaml emitter failed: %s\n",
                e->problem != NULL ? e->problem : "unknown problem");
        abort();
    }
}

static void emit_scalar(yaml_emitter_t *e, const char *tag, const char *s, size_t n,
                        yaml_scalar_style_t style)
{
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)tag, (yaml_char_t *)s, (int)n,
                                      tag == NULL, tag == NULL, style)) {
        fprintf(stderr, "yamlx: out of memory\n");
        abort();
    }
    emit(e, &ev);
}

/* go-yaml's stringv: literal when multi-line, plain when the text reads back as a string,
 * double-quoted otherwise; the emitter then falls back to single quotes where plain YAML
 * syntax cannot hold the text. Invalid UTF-8 goes out as !!binary. */
static void emit_string(yaml_emitter_t *e, const char *s, size_t n, bool is_key)
{
    if (!utf8_is_valid(s, n)) {
        cleanup_free char *b64 = base64_encode_lines((const unsigned char *)s, n);
        emit_scalar(e, TAG_BINARY, b64, strlen(b64),
                    strchr(b64, '\n') != NULL ? YAML_LITERAL_SCALAR_STYLE
                                              : YAML_PLAIN_SCALAR_STYLE);
        return;
    }
    yaml_scalar_style_t style;
    struct resolved r;
    resolve_text(s, n, true, false, &r);
    if (memchr(s, '\n', n) != NULL) {
        style = YAML_LITERAL_SCALAR_STYLE;
    } else if (r.kind == R_STR && !is_base60_float(s, n) &&
               !(is_key && n == 2 && memcmp(s, "<<", 2) == 0)) {
        style = YAML_PLAIN_SCALAR_STYLE;
    } else {
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    }
    emit_scalar(e, NULL, s, n, style);
}

/* One decoded key for sorting: its code points. */
struct sort_key {
    const char *key;
    size_t len;
    uint32_t *runes;
    size_t nrunes;
};

static bool rune_is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

/* unicode.IsLetter, exact for ASCII and Latin-1 and approximated above (letters unless in the
 * punctuation, symbol and emoji blocks). */
static bool rune_is_letter(uint32_t c)
{
    if (c < 0x80) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    if (c < 0x100) {
        return c == 0xAA || c == 0xB5 || c == 0xBA || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
    }
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFF00 && c <= 0xFF20) || (c >= 0xE000 && c <= 0xF8FF) || c >= 0x1F000) {
        return false;
    }
    return true;
}

/* sorter.go's keyList.Less for two strings: letters before other runes, digit runs compared
 * by value, so "a9" < "a10" and "a1" < "a01". */
static bool key_less(const struct sort_key *a, const struct sort_key *b)
{
    const uint32_t *ar = a->runes, *br = b->runes;
    size_t an_ = a->nrunes, bn_ = b->nrunes;
    for (size_t i = 0; i < an_ && i < bn_; i++) {
        if (ar[i] == br[i]) {
            continue;
        }
        bool al = rune_is_letter(ar[i]), bl = rune_is_letter(br[i]);
        if (al && bl) {
            return ar[i] < br[i];
        }
        if (al || bl) {
            return bl;
        }
        uint64_t an = 0, bn = 0;
        if (ar[i] == '0' || br[i] == '0') {
            for (size_t j = i; j-- > 0 && rune_is_digit(ar[j]);) {
                if (ar[j] != '0') {
                    an = bn = 1;
                    break;
                }
            }
        }
        size_t ai = i, bi = i;
        for (; ai < an_ && rune_is_digit(ar[ai]); ai++) {
            an = an * 10 + (ar[ai] - '0');
        }
        for (; bi < bn_ && rune_is_digit(br[bi]); bi++) {
            bn = bn * 10 + (br[bi] - '0');
        }
        if (an != bn) {
            return (int64_t)an < (int64_t)bn;
        }
        if (ai != bi) {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    return an_ < bn_;
}

/* A merge sort: key_less is not transitive for some key sets (as in go-yaml, where the order
 * then depends on Go's map order), and qsort needs a consistent comparison to stay in bounds. */
static void sort_keys(struct sort_key *keys, struct sort_key *tmp, size_t n)
{
    if (n < 2) {
        return;
    }
    size_t half = n / 2;
    sort_keys(keys, tmp, half);
    sort_keys(keys + half, tmp, n - half);
    size_t i = 0, j = half, o = 0;
    while (i < half && j < n) {
        tmp[o++] = key_less(&keys[j], &keys[i]) ? keys[j++] : keys[i++];
    }
    while (i < half) {
        tmp[o++] = keys[i++];
    }
    while (j < n) {
        tmp[o++] = keys[j++];
    }
    memcpy(keys, tmp, n * sizeof *keys);
}

static void emit_value(yaml_emitter_t *e, const json_t *v);

static void emit_object(yaml_emitter_t *e, const json_t *obj)
{
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    emit(e, &ev);
    size_t n = json_object_size(obj), i = 0;
    struct sort_key *keys = xcalloc(n ? n : 1, sizeof *keys);
    const char *k;
    size_t klen;
    json_t *val;
    json_object_keylen_foreach((json_t *)obj, k, klen, val)
    {
        struct sort_key *sk = &keys[i++];
        sk->key = k;
        sk->len = klen;
        sk->runes = xmalloc((klen ? klen : 1) * sizeof *sk->runes);
        for (size_t p = 0; p < klen;) {
            size_t step =
                utf8_decode((const unsigned char *)k + p, klen - p, &sk->runes[sk->nrunes]);
            if (step == 0) {
                sk->runes[sk->nrunes] = 0xFFFD;
                step = 1;
            }
            sk->nrunes++;
            p += step;
        }
    }
    struct sort_key *tmp = xcalloc(n ? n : 1, sizeof *tmp);
    sort_keys(keys, tmp, n);
    free(tmp);
    for (i = 0; i < n; i++) {
        emit_string(e, keys[i].key, keys[i].len, true);
        emit_value(e, json_object_getn(obj, keys[i].key, keys[i].len));
        free(keys[i].runes);
    }
    free(keys);
    yaml_mapping_end_event_initialize(&ev);
    emit(e, &ev);
}

static void emit_value(yaml_emitter_t *e, const json_t *v)
{
    yaml_event_t ev;
    char num[64];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        emit_object(e, v);
        return;
    case JSON_ARRAY:
        yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
        emit(e, &ev);
        for (size_t i = 0; i < json_array_size(v); i++) {
            emit_value(e, json_array_get(v, i));
        }
        yaml_sequence_end_event_initialize(&ev);
        emit(e, &ev);
        return;
    case JSON_STRING:
        emit_string(e, json_string_value(v), json_string_length(v), false);
        return;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        format_real(json_real_value(v), num, sizeof num);
        break;
    case JSON_TRUE:
        snprintf(num, sizeof num, "true");
        break;
    case JSON_FALSE:
        snprintf(num, sizeof num, "false");
        break;
    case JSON_NULL:
        snprintf(num, sizeof num, "null");
        break;
    }
    emit_scalar(e, NULL, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
}

char *yamlx_dump(const json_t *v)
{
    yaml_emitter_t e;
    struct strbuf out = {0};
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&e)) {
        fprintf(stderr, "yamlx: out of memory\n");
        abort();
    }
    yaml_emitter_set_output(&e, write_out, &out);
    yaml_emitter_set_unicode(&e, 1);
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(&e, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    emit(&e, &ev);
    emit_value(&e, v);
    yaml_document_end_event_initialize(&ev, 1);
    emit(&e, &ev);
    e.open_ended = 0; /* as go-yaml: no "..." after a document that ends in a plain scalar */
    yaml_stream_end_event_initialize(&ev);
    emit(&e, &ev);
    yaml_emitter_delete(&e);
    return strbuf_take(&out);
}
