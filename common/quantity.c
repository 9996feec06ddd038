/* Resource quantities, re-done from the behaviour of apimachinery's pkg/api/resource
 * (quantity.go, suffix.go, amount.go): exact decimal digits, nano rounding away from zero,
 * BinarySI capped at 2^63-1, and String()'s canonical forms with their quirks. */
#include "quantity.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "xalloc.h"

#define MSG_FORMAT_WRONG \
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
#define MSG_NUMERIC "unable to parse numeric part of quantity"
#define MSG_SUFFIX  "unable to parse quantity's suffix"

/* Digits beyond this never reach a printed BinarySI value: such a number prints in DecimalSI. */
#define BINARY_PRINT_DIGITS_MAX 100

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ---- Digit strings (most significant first, ASCII) ---------------------------------------- */

/* A working decimal for parsing and arithmetic: magnitude d[0..n) * 10^exp. */
struct dec {
    char *d;
    size_t n;
    int64_t exp;
};

/* Drops leading zeros and moves trailing zeros into exp. */
static void dec_normalize(struct dec *x)
{
    size_t lead = 0;
    while (lead < x->n && x->d[lead] == '0') {
        lead++;
    }
    memmove(x->d, x->d + lead, x->n - lead);
    x->n -= lead;
    while (x->n > 0 && x->d[x->n - 1] == '0') {
        x->n--;
        x->exp++;
    }
    if (x->n == 0) {
        x->exp = 0;
    }
}

/* x *= m (m <= 1024); x->d needs room for 4 more digits. */
static void dec_mul_small(struct dec *x, unsigned m)
{
    unsigned carry = 0;
    for (size_t i = x->n; i-- > 0;) {
        unsigned v = (unsigned)(x->d[i] - '0') * m + carry;
        x->d[i] = (char)('0' + v % 10);
        carry = v / 10;
    }
    char head[8];
    size_t h = 0;
    while (carry > 0) {
        head[h++] = (char)('0' + carry % 10);
        carry /= 10;
    }
    memmove(x->d + h, x->d, x->n);
    for (size_t i = 0; i < h; i++) {
        x->d[i] = head[h - 1 - i];
    }
    x->n += h;
}

/* Rounds a normalized nonzero x up (away from zero) to a multiple of 10^-9. */
static void dec_round_up_to_nano(struct dec *x)
{
    if (x->n == 0 || x->exp >= -9) {
        return;
    }
    int64_t drop = -9 - x->exp;
    if ((uint64_t)drop >= x->n) {
        x->d[0] = '1';
        x->n = 1;
        x->exp = -9;
        return;
    }
    /* The dropped digits end with a nonzero one (normalized), so the magnitude goes up. */
    x->n -= (size_t)drop;
    x->exp = -9;
    size_t i = x->n;
    while (i > 0 && x->d[i - 1] == '9') {
        x->d[--i] = '0';
    }
    if (i == 0) {
        memmove(x->d + 1, x->d, x->n);
        x->d[0] = '1';
        x->n++;
    } else {
        x->d[i - 1]++;
    }
    dec_normalize(x);
}

/* Compares magnitudes of two normalized decimals. */
static int mag_cmp(const char *ad, size_t an, int64_t aexp, const char *bd, size_t bn, int64_t bexp)
{
    if (an == 0 || bn == 0) {
        return (an > 0) - (bn > 0);
    }
    int64_t atop = aexp + (int64_t)an, btop = bexp + (int64_t)bn;
    if (atop != btop) {
        return atop < btop ? -1 : 1;
    }
    size_t n = an > bn ? an : bn;
    for (size_t i = 0; i < n; i++) {
        char a = i < an ? ad[i] : '0';
        char b = i < bn ? bd[i] : '0';
        if (a != b) {
            return a < b ? -1 : 1;
        }
    }
    return 0;
}

static const char int64_max_digits[] = "9223372036854775807";

/* ---- Parsing -------------------------------------------------------------------------------- */

/* The pieces parseQuantityString finds: [sign] num [. denom] suffix. */
struct scan {
    bool positive;
    const char *num; /* leading zeros skipped; "0" when nothing is left */
    size_t num_len;
    const char *denom;
    size_t denom_len;
    const char *suffix;
    bool value_has_digit; /* whether the numeric text holds a digit (inf.Dec needs one) */
};

static int scan_quantity(const char *s, struct scan *sc)
{
    size_t end = strlen(s), pos = 0;
    sc->positive = true;
    sc->denom = "";
    sc->denom_len = 0;
    sc->suffix = s + end;
    if (s[0] == '-' || s[0] == '+') {
        sc->positive = s[0] == '+';
        pos++;
    }
    size_t start = pos;
    while (pos < end && s[pos] == '0') {
        pos++;
    }
    if (pos == end) {
        sc->num = "0";
        sc->num_len = 1;
        sc->value_has_digit = true;
        return 0;
    }
    sc->value_has_digit = pos > start;
    size_t i = pos;
    while (i < end && is_digit(s[i])) {
        i++;
    }
    sc->num = s + pos;
    sc->num_len = i - pos;
    sc->value_has_digit = sc->value_has_digit || i > pos;
    if (sc->num_len == 0) {
        sc->num = "0";
        sc->num_len = 1;
    }
    pos = i;
    if (pos == end) {
        return 0;
    }
    if (s[pos] == '.') {
        pos++;
        i = pos;
        while (i < end && is_digit(s[i])) {
            i++;
        }
        sc->denom = s + pos;
        sc->denom_len = i - pos;
        sc->value_has_digit = sc->value_has_digit || i > pos;
        pos = i;
        if (pos == end) {
            return 0;
        }
    }
    sc->suffix = s + pos;
    while (pos < end && strchr("eEinumkKMGTP", s[pos]) != NULL) {
        pos++;
    }
    if (pos < end && (s[pos] == '-' || s[pos] == '+')) {
        pos++;
    }
    while (pos < end && is_digit(s[pos])) {
        pos++;
    }
    return pos == end ? 0 : -EINVAL;
}

struct suffix_entry {
    const char *text;
    int base;
    int exponent;
};

static const struct suffix_entry suffixes[] = {
    {"", 10, 0},   {"n", 10, -9}, {"u", 10, -6}, {"m", 10, -3}, {"k", 10, 3},  {"M", 10, 6},
    {"G", 10, 9},  {"T", 10, 12}, {"P", 10, 15}, {"E", 10, 18}, {"Ki", 2, 10}, {"Mi", 2, 20},
    {"Gi", 2, 30}, {"Ti", 2, 40}, {"Pi", 2, 50}, {"Ei", 2, 60},
};

/* suffixHandler.interpret: a table suffix, or e/E followed by a Go int64 (wrapped to int32). */
static bool interpret_suffix(const char *sfx, int *base, int64_t *exponent,
                             enum quantity_format *format)
{
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (strcmp(sfx, suffixes[i].text) == 0) {
            *base = suffixes[i].base;
            *exponent = suffixes[i].exponent;
            *format = *base == 2 ? QUANTITY_BINARY_SI : QUANTITY_DECIMAL_SI;
            return true;
        }
    }
    if (strlen(sfx) < 2 || (sfx[0] != 'e' && sfx[0] != 'E')) {
        return false;
    }
    const char *p = sfx + 1;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (*p == '\0') {
        return false;
    }
    uint64_t v = 0;
    for (; *p != '\0'; p++) {
        if (!is_digit(*p) || v > (UINT64_C(1) << 63) / 10) {
            return false;
        }
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > (neg ? UINT64_C(1) << 63 : (uint64_t)INT64_MAX)) {
        return false;
    }
    /* Go keeps int32(parsed): the low 32 bits, two's complement. */
    uint32_t low = (uint32_t)(neg ? 0 - v : v);
    *exponent = low > INT32_MAX ? (int64_t)low - (INT64_C(1) << 32) : (int64_t)low;
    *base = 10;
    *format = QUANTITY_DECIMAL_EXPONENT;
    return true;
}

static int64_t floor_mod3(int64_t e)
{
    return ((e % 3) + 3) % 3;
}

/* Whether ParseQuantity takes its int64 fast path and keeps the input as the string form. */
static bool keeps_text(const struct scan *sc, int base, int64_t exponent)
{
    size_t nl = sc->num_len, dl = sc->denom_len;
    if (base == 10) {
        int64_t scale = exponent - (int64_t)dl;
        if (nl + dl > 18 || scale < -9 || floor_mod3(scale) != 0 || sc->num[0] == '0') {
            return false;
        }
        /* shifted = num + denom must not end in "000" */
        char tail[3];
        size_t t = 0;
        for (size_t i = dl; i > 0 && t < 3; i--) {
            tail[t++] = sc->denom[i - 1];
        }
        for (size_t i = nl; i > 0 && t < 3; i--) {
            tail[t++] = sc->num[i - 1];
        }
        return !(t == 3 && tail[0] == '0' && tail[1] == '0' && tail[2] == '0');
    }
    if (dl > 0 || 14 - (int64_t)nl - exponent * 3 / 10 < 0) {
        return false;
    }
    /* value & 7 != 0: divisibility by 8 depends on the last three digits only. */
    int last3 = 0;
    for (size_t i = nl > 3 ? nl - 3 : 0; i < nl; i++) {
        last3 = last3 * 10 + (sc->num[i] - '0');
    }
    return last3 % 8 != 0;
}

/* Whether the int64 fast path applies; otherwise Kubernetes goes through inf.Dec, which needs a
 * digit in the numeric text. */
static bool takes_fast_path(const struct scan *sc, int base, int64_t exponent)
{
    size_t nl = sc->num_len, dl = sc->denom_len;
    if (base == 10) {
        return nl + dl <= 18 && exponent - (int64_t)dl >= -9;
    }
    return dl == 0 && 14 - (int64_t)nl - exponent * 3 / 10 >= 0;
}

int quantity_parse(const char *s, struct quantity *out, struct err *err)
{
    if (s[0] == '\0') {
        return err_set(err, EINVAL, "%s", MSG_FORMAT_WRONG);
    }
    if (strcmp(s, "0") == 0) {
        *out = (struct quantity){.format = QUANTITY_DECIMAL_SI, .text = "0"};
        return 0;
    }
    struct scan sc;
    if (scan_quantity(s, &sc) < 0) {
        return err_set(err, EINVAL, "%s", MSG_FORMAT_WRONG);
    }
    int base;
    int64_t exponent;
    enum quantity_format format;
    if (!interpret_suffix(sc.suffix, &base, &exponent, &format)) {
        return err_set(err, EINVAL, "%s", MSG_SUFFIX);
    }
    if (!takes_fast_path(&sc, base, exponent) && !sc.value_has_digit) {
        return err_set(err, EINVAL, "%s", MSG_NUMERIC);
    }

    /* num + denom, room for the binary factor (up to 2^60, 19 digits) and a rounding carry. */
    cleanup_free char *buf = xmalloc(sc.num_len + sc.denom_len + 32);
    struct dec x = {.d = buf, .n = 0, .exp = -(int64_t)sc.denom_len};
    memcpy(buf, sc.num, sc.num_len);
    memcpy(buf + sc.num_len, sc.denom, sc.denom_len);
    x.n = sc.num_len + sc.denom_len;
    dec_normalize(&x);
    if (base == 10) {
        if (x.n > 0) {
            x.exp += exponent;
        }
    } else {
        for (int64_t k = 0; k < exponent / 10; k++) {
            dec_mul_small(&x, 1024);
        }
        dec_normalize(&x);
    }
    dec_round_up_to_nano(&x);
    if (format == QUANTITY_BINARY_SI) {
        if (mag_cmp(x.d, x.n, x.exp, int64_max_digits, 19, 0) > 0) {
            memcpy(x.d, int64_max_digits, 19);
            x.n = 19;
            x.exp = 0;
        }
        if (x.n > 0 && mag_cmp(x.d, x.n, x.exp, "1", 1, 0) < 0) {
            format = QUANTITY_DECIMAL_SI;
        }
    }
    if (x.n > QUANTITY_DIGITS_MAX) {
        return err_set(err, ERANGE, "quantity %s has more than %d significant digits", s,
                       QUANTITY_DIGITS_MAX);
    }
    struct quantity q = {.exp = x.exp, .ndigits = (uint8_t)x.n, .format = format};
    q.negative = !sc.positive && x.n > 0;
    memcpy(q.digits, x.d, x.n);
    if (keeps_text(&sc, base, exponent) && strlen(s) < QUANTITY_STR_MAX) {
        strcpy(q.text, s);
    }
    *out = q;
    return 0;
}

/* ---- Printing ------------------------------------------------------------------------------- */

/* Divides the integer d[0..n) by 1024 in place when it divides exactly; returns whether it did. */
static bool div_exact_1024(char *d, size_t *n)
{
    char q[BINARY_PRINT_DIGITS_MAX + 1];
    unsigned rem = 0;
    size_t qn = 0;
    for (size_t i = 0; i < *n; i++) {
        rem = rem * 10 + (unsigned)(d[i] - '0');
        char digit = (char)('0' + rem / 1024);
        rem %= 1024;
        if (qn > 0 || digit != '0') {
            q[qn++] = digit;
        }
    }
    if (rem != 0 || qn == 0) {
        return false;
    }
    memcpy(d, q, qn);
    *n = qn;
    return true;
}

static const char *const decimal_si_suffix[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
static const char *const binary_si_suffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

static bool print_binary(const struct quantity *q, char *buf)
{
    /* Values within (-1024, 1024) and fractions print in DecimalSI, as CanonicalizeBytes does. */
    if (q->exp < 0 || mag_cmp(q->digits, q->ndigits, q->exp, "1024", 4, 0) < 0 ||
        q->ndigits + q->exp > BINARY_PRINT_DIGITS_MAX) {
        return false;
    }
    char d[BINARY_PRINT_DIGITS_MAX + 1];
    size_t n = q->ndigits;
    memcpy(d, q->digits, n);
    memset(d + n, '0', (size_t)q->exp);
    n += (size_t)q->exp;
    size_t times = 0;
    while (div_exact_1024(d, &n)) {
        times++;
    }
    /* Go finds no suffix beyond Ei and prints the bare number. */
    const char *sfx =
        times < sizeof binary_si_suffix / sizeof binary_si_suffix[0] ? binary_si_suffix[times] : "";
    snprintf(buf, QUANTITY_STR_MAX, "%s%.*s%s", q->negative ? "-" : "", (int)n, d, sfx);
    return true;
}

char *quantity_format(const struct quantity *q, char buf[QUANTITY_STR_MAX])
{
    if (q->text[0] != '\0') {
        memcpy(buf, q->text, strlen(q->text) + 1);
        return buf;
    }
    if (q->ndigits == 0) {
        strcpy(buf, "0");
        return buf;
    }
    if (q->format == QUANTITY_BINARY_SI && print_binary(q, buf)) {
        return buf;
    }
    /* Lower the exponent to a multiple of 3, padding the digits with zeros. */
    int64_t pad = floor_mod3(q->exp);
    int64_t exp = q->exp - pad;
    char sfx[32] = "";
    if (q->format == QUANTITY_DECIMAL_EXPONENT) {
        if (exp != 0) {
            snprintf(sfx, sizeof sfx, "e%" PRId64, exp);
        }
    } else if (exp >= -9 && exp <= 18) {
        /* Go has no DecimalSI suffix past E (or below n) and then prints the bare mantissa. */
        strcpy(sfx, decimal_si_suffix[(exp + 9) / 3]);
    }
    snprintf(buf, QUANTITY_STR_MAX, "%s%.*s%.*s%s", q->negative ? "-" : "", (int)q->ndigits,
             q->digits, (int)pad, "00", sfx);
    return buf;
}

/* ---- Arithmetic ----------------------------------------------------------------------------- */

void quantity_init_scaled(struct quantity *q, int64_t value, int scale, enum quantity_format format)
{
    char digits[24];
    uint64_t mag = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    int n = snprintf(digits, sizeof digits, "%" PRIu64, mag);
    struct dec x = {.d = digits, .n = (size_t)n, .exp = scale};
    dec_normalize(&x);
    *q = (struct quantity){.exp = x.exp, .ndigits = (uint8_t)x.n, .format = format};
    q->negative = value < 0;
    memcpy(q->digits, x.d, x.n);
}

int quantity_sign(const struct quantity *q)
{
    return q->ndigits == 0 ? 0 : q->negative ? -1 : 1;
}

int quantity_cmp(const struct quantity *a, const struct quantity *b)
{
    int sa = quantity_sign(a), sb = quantity_sign(b);
    if (sa != sb) {
        return sa < sb ? -1 : 1;
    }
    int m = mag_cmp(a->digits, a->ndigits, a->exp, b->digits, b->ndigits, b->exp);
    return sa < 0 ? -m : m;
}

void quantity_neg(struct quantity *q)
{
    q->text[0] = '\0';
    q->negative = q->ndigits > 0 && !q->negative;
}

/* Wide enough for any sum that can still fit QUANTITY_DIGITS_MAX digits (see quantity_add). */
#define SPAN_MAX (2 * QUANTITY_DIGITS_MAX + 8)

/* Digit of q at power 10^p (0 outside its digits). */
static int digit_at(const struct quantity *q, int64_t p)
{
    int64_t i = (int64_t)q->ndigits - 1 - (p - q->exp);
    return i >= 0 && i < q->ndigits ? q->digits[i] - '0' : 0;
}

static int add_signed(struct quantity *q, const struct quantity *y, bool y_negative,
                      struct err *err)
{
    enum quantity_format format = q->ndigits == 0 ? y->format : q->format;
    if (y->ndigits == 0) {
        q->text[0] = '\0';
        q->format = format;
        return 0;
    }
    if (q->ndigits == 0) {
        *q = *y;
        q->negative = y_negative;
        q->text[0] = '\0';
        q->format = format;
        return 0;
    }
    int64_t lo = q->exp < y->exp ? q->exp : y->exp;
    int64_t qtop = q->exp + q->ndigits, ytop = y->exp + y->ndigits;
    int64_t hi = (qtop > ytop ? qtop : ytop) + 1;
    /* Digits this far apart leave a sum with more than QUANTITY_DIGITS_MAX digits. */
    if (hi - lo > SPAN_MAX) {
        return err_set(err, ERANGE, "quantity sum has more than %d significant digits",
                       QUANTITY_DIGITS_MAX);
    }
    /* r[i] is the digit at 10^(lo+i), least significant first. */
    int r[SPAN_MAX + 1];
    size_t n = (size_t)(hi - lo);
    bool same = q->negative == y_negative;
    const struct quantity *big = q, *small = y;
    bool result_negative = q->negative;
    if (!same && mag_cmp(q->digits, q->ndigits, q->exp, y->digits, y->ndigits, y->exp) < 0) {
        big = y;
        small = q;
        result_negative = y_negative;
    }
    int carry = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t p = lo + (int64_t)i;
        int v = same ? digit_at(big, p) + digit_at(small, p) + carry
                     : digit_at(big, p) - digit_at(small, p) + carry;
        carry = same ? v / 10 : (v < 0 ? -1 : 0);
        r[i] = same ? v % 10 : (v + 10) % 10;
    }
    char d[SPAN_MAX + 1];
    for (size_t i = 0; i < n; i++) {
        d[i] = (char)('0' + r[n - 1 - i]);
    }
    struct dec x = {.d = d, .n = n, .exp = lo};
    dec_normalize(&x);
    if (x.n > QUANTITY_DIGITS_MAX) {
        return err_set(err, ERANGE, "quantity sum has more than %d significant digits",
                       QUANTITY_DIGITS_MAX);
    }
    *q = (struct quantity){.exp = x.exp, .ndigits = (uint8_t)x.n, .format = format};
    q->negative = result_negative && x.n > 0;
    memcpy(q->digits, x.d, x.n);
    return 0;
}

int quantity_add(struct quantity *q, const struct quantity *y, struct err *err)
{
    return add_signed(q, y, y->negative, err);
}

int quantity_sub(struct quantity *q, const struct quantity *y, struct err *err)
{
    return add_signed(q, y, y->ndigits > 0 && !y->negative, err);
}

int quantity_scaled_value(const struct quantity *q, int scale, int64_t *out)
{
    if (q->ndigits == 0) {
        *out = 0;
        return 0;
    }
    int64_t shift = q->exp - scale;
    uint64_t limit = q->negative ? UINT64_C(1) << 63 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    int64_t keep = shift >= 0 ? q->ndigits : q->ndigits + shift;
    for (int64_t i = 0; i < keep; i++) {
        uint64_t digit = (uint64_t)(q->digits[i] - '0');
        if (v > (limit - digit) / 10) {
            return -ERANGE;
        }
        v = v * 10 + digit;
    }
    if (shift < 0) {
        /* Dropped digits end with a nonzero one: round away from zero. */
        if (v == limit) {
            return -ERANGE;
        }
        v++;
    }
    for (int64_t i = 0; shift > 0 && i < shift; i++) {
        if (v > limit / 10) {
            return -ERANGE;
        }
        v *= 10;
    }
    *out = q->negative ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static int64_t saturated_value(const struct quantity *q, int scale)
{
    int64_t v;
    if (quantity_scaled_value(q, scale, &v) < 0) {
        return q->negative ? INT64_MIN : INT64_MAX;
    }
    return v;
}

int64_t quantity_value(const struct quantity *q)
{
    return saturated_value(q, 0);
}

int64_t quantity_milli_value(const struct quantity *q)
{
    return saturated_value(q, -3);
}

/* ---- JSON ----------------------------------------------------------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int quantity_from_json(const json_t *v, struct quantity *out, struct err *err)
{
    char text[64];
    if (json_is_null(v)) {
        *out = (struct quantity)QUANTITY_ZERO;
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        while (len > 0 && is_space(*s)) {
            s++;
            len--;
        }
        while (len > 0 && is_space(s[len - 1])) {
            len--;
        }
        cleanup_free char *trimmed = xstrndup(s, len);
        return quantity_parse(trimmed, out, err);
    }
    if (json_is_integer(v)) {
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return quantity_parse(text, out, err);
    }
    if (json_is_real(v)) {
        /* The shortest text that reads back as the same double stands in for the raw number. */
        double d = json_real_value(v);
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(text, sizeof text, "%.*g", prec, d);
            if (strtod(text, NULL) == d) {
                break;
            }
        }
        return quantity_parse(text, out, err);
    }
    return err_set(err, EINVAL, "%s", MSG_FORMAT_WRONG);
}

json_t *quantity_to_json(const struct quantity *q)
{
    char buf[QUANTITY_STR_MAX];
    return json_string(quantity_format(q, buf));
}
