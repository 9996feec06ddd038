/* A scanner with the states of Go's encoding/json/scanner.go, written anew, so that its first
 * error names the same context Go's does. */
#include "gojson.h"

#include <stdio.h>
#include <string.h>

enum frame {
    IN_OBJECT_KEY,   /* inside {, expecting a key or } */
    IN_OBJECT_VALUE, /* inside {, after key: value */
    IN_ARRAY,
};

struct scan {
    const char *buf;
    size_t len, pos;
    enum frame stack[10000];
    size_t depth;
    char *msg;
    size_t size;
};

/* Go's quoteChar: 'x', '\'', '"', or the strconv.Quote escape for the rest. */
static void quote_char(unsigned char c, char *out, size_t size)
{
    if (c == '\'') {
        snprintf(out, size, "'\\''");
    } else if (c == '"') {
        snprintf(out, size, "'\"'");
    } else if (c == '\n') {
        snprintf(out, size, "'\\n'");
    } else if (c == '\r') {
        snprintf(out, size, "'\\r'");
    } else if (c == '\t') {
        snprintf(out, size, "'\\t'");
    } else if (c < 0x20 || c == 0x7f) {
        snprintf(out, size, "'\\x%02x'", c);
    } else if (c >= 0x80) {
        snprintf(out, size, "'\\ufffd'");
    } else {
        snprintf(out, size, "'%c'", c);
    }
}

static bool fail(struct scan *s, const char *context)
{
    if (s->pos >= s->len) {
        snprintf(s->msg, s->size, "unexpected EOF");
    } else {
        char q[16];
        quote_char((unsigned char)s->buf[s->pos], q, sizeof q);
        snprintf(s->msg, s->size, "invalid character %s %s", q, context);
    }
    return false;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_space(struct scan *s)
{
    while (s->pos < s->len && is_space(s->buf[s->pos])) {
        s->pos++;
    }
}

static bool peek_is(const struct scan *s, char c)
{
    return s->pos < s->len && s->buf[s->pos] == c;
}

static bool is_digit(const struct scan *s)
{
    return s->pos < s->len && s->buf[s->pos] >= '0' && s->buf[s->pos] <= '9';
}

static bool scan_string(struct scan *s)
{
    s->pos++; /* opening quote */
    while (s->pos < s->len) {
        unsigned char c = (unsigned char)s->buf[s->pos];
        if (c == '"') {
            s->pos++;
            return true;
        }
        if (c < 0x20) {
            return fail(s, "in string literal");
        }
        if (c == '\\') {
            s->pos++;
            if (s->pos >= s->len) {
                return fail(s, "in string escape code");
            }
            c = (unsigned char)s->buf[s->pos];
            if (c == 'u') {
                for (int i = 0; i < 4; i++) {
                    s->pos++;
                    if (s->pos >= s->len) {
                        return fail(s, "in \\u hexadecimal character escape");
                    }
                    char h = s->buf[s->pos];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
                          (h >= 'A' && h <= 'F'))) {
                        return fail(s, "in \\u hexadecimal character escape");
                    }
                }
            } else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0') {
                return fail(s, "in string escape code");
            }
        }
        s->pos++;
    }
    return fail(s, "in string literal");
}

static bool scan_number(struct scan *s)
{
    if (peek_is(s, '-')) {
        s->pos++;
        if (!is_digit(s)) {
            return fail(s, "in numeric literal");
        }
    }
    if (peek_is(s, '0')) {
        s->pos++;
    } else {
        while (is_digit(s)) {
            s->pos++;
        }
    }
    if (peek_is(s, '.')) {
        s->pos++;
        if (!is_digit(s)) {
            return fail(s, "after decimal point in numeric literal");
        }
        while (is_digit(s)) {
            s->pos++;
        }
    }
    if (peek_is(s, 'e') || peek_is(s, 'E')) {
        s->pos++;
        if (peek_is(s, '+') || peek_is(s, '-')) {
            s->pos++;
        }
        if (!is_digit(s)) {
            return fail(s, "in exponent of numeric literal");
        }
        while (is_digit(s)) {
            s->pos++;
        }
    }
    return true;
}

static bool scan_literal(struct scan *s, const char *word)
{
    char context[48];
    for (size_t i = 0; word[i] != '\0'; i++, s->pos++) {
        if (s->pos >= s->len || s->buf[s->pos] != word[i]) {
            snprintf(context, sizeof context, "in literal %s (expecting '%c')", word, word[i]);
            return fail(s, context);
        }
    }
    return true;
}

/* One scalar or the opening of a container; containers push a frame. */
static bool scan_value_start(struct scan *s)
{
    skip_space(s);
    if (s->pos >= s->len) {
        return fail(s, "looking for beginning of value");
    }
    char c = s->buf[s->pos];
    switch (c) {
    case '{':
    case '[':
        if (s->depth == sizeof s->stack / sizeof s->stack[0]) {
            snprintf(s->msg, s->size, "exceeded max depth");
            return false;
        }
        s->stack[s->depth++] = c == '{' ? IN_OBJECT_KEY : IN_ARRAY;
        s->pos++;
        return true;
    case '"':
        return scan_string(s);
    case 't':
        return scan_literal(s, "true");
    case 'f':
        return scan_literal(s, "false");
    case 'n':
        return scan_literal(s, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            return scan_number(s);
        }
        return fail(s, "looking for beginning of value");
    }
}

bool gojson_first_value_error(const char *buf, size_t len, char *msg, size_t size)
{
    static __thread struct scan s;
    s = (struct scan){.buf = buf, .len = len, .msg = msg, .size = size};
    if (!scan_value_start(&s)) {
        return false;
    }
    bool just_opened = true;
    while (s.depth > 0) {
        skip_space(&s);
        enum frame *top = &s.stack[s.depth - 1];
        if (*top == IN_ARRAY) {
            if (just_opened && peek_is(&s, ']')) {
                s.pos++;
                s.depth--;
                just_opened = false;
                continue;
            }
            if (!just_opened) {
                if (peek_is(&s, ']')) {
                    s.pos++;
                    s.depth--;
                    continue;
                }
                if (!peek_is(&s, ',')) {
                    return fail(&s, "after array element");
                }
                s.pos++;
            }
            size_t before = s.depth;
            if (!scan_value_start(&s)) {
                return false;
            }
            just_opened = s.depth > before;
            continue;
        }
        /* An object: a key, a colon, a value, then a comma or the end. */
        if (*top == IN_OBJECT_KEY) {
            if (just_opened && peek_is(&s, '}')) {
                s.pos++;
                s.depth--;
                just_opened = false;
                continue;
            }
            if (!peek_is(&s, '"')) {
                return fail(&s, "looking for beginning of object key string");
            }
            if (!scan_string(&s)) {
                return false;
            }
            skip_space(&s);
            if (!peek_is(&s, ':')) {
                return fail(&s, "after object key");
            }
            s.pos++;
            *top = IN_OBJECT_VALUE;
            size_t before = s.depth;
            if (!scan_value_start(&s)) {
                return false;
            }
            just_opened = s.depth > before;
            continue;
        }
        /* IN_OBJECT_VALUE: the value ended. */
        if (peek_is(&s, '}')) {
            s.pos++;
            s.depth--;
            just_opened = false;
            continue;
        }
        if (!peek_is(&s, ',')) {
            return fail(&s, "after object key:value pair");
        }
        s.pos++;
        skip_space(&s);
        *top = IN_OBJECT_KEY;
        just_opened = false;
        if (!peek_is(&s, '"')) {
            return fail(&s, "looking for beginning of object key string");
        }
    }
    return true;
}
