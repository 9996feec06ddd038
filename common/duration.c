/* Go's time.ParseDuration and Duration.String() (src/time/format.go), re-done in C. */
#include "duration.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct unit {
    const char *name;
    int64_t ns;
};

static const struct unit units[] = {
    {"ns", DURATION_NS},        {"us", DURATION_US},  {"\xc2\xb5s", DURATION_US},
    {"\xce\xbcs", DURATION_US}, {"ms", DURATION_MS},  {"s", DURATION_SECOND},
    {"m", DURATION_MINUTE},     {"h", DURATION_HOUR},
};

static int invalid(struct err *err, const char *s)
{
    return err_set(err, EINVAL, "time: invalid duration \"%s\"", s);
}

int duration_parse(const char *s, int64_t *out_ns, struct err *err)
{
    const char *p = s;
    bool negative = false;
    if (*p == '-' || *p == '+') {
        negative = *p == '-';
        p++;
    }
    if (strcmp(p, "0") == 0) {
        *out_ns = 0;
        return 0;
    }
    if (*p == '\0') {
        return invalid(err, s);
    }
    /* Accumulate in unsigned so that -9223372036854775808ns is representable. */
    uint64_t total = 0;
    while (*p != '\0') {
        uint64_t whole = 0;
        bool have_digits = false;
        while (*p >= '0' && *p <= '9') {
            if (whole > (UINT64_MAX - 9) / 10) {
                return invalid(err, s);
            }
            whole = whole * 10 + (uint64_t)(*p - '0');
            have_digits = true;
            p++;
        }
        uint64_t frac = 0, scale = 1;
        bool have_frac = false;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9') {
                if (scale < UINT64_C(1000000000000000000)) { /* keep 18 digits; drop the rest */
                    frac = frac * 10 + (uint64_t)(*p - '0');
                    scale *= 10;
                }
                have_frac = true;
                p++;
            }
        }
        if (!have_digits && !have_frac) {
            return invalid(err, s);
        }
        size_t unit_len = 0;
        while (p[unit_len] != '\0' && p[unit_len] != '.' &&
               !(p[unit_len] >= '0' && p[unit_len] <= '9')) {
            unit_len++;
        }
        if (unit_len == 0) {
            return err_set(err, EINVAL, "time: missing unit in duration \"%s\"", s);
        }
        const struct unit *u = NULL;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            if (strlen(units[i].name) == unit_len && strncmp(p, units[i].name, unit_len) == 0) {
                u = &units[i];
            }
        }
        if (u == NULL) {
            return err_set(err, EINVAL, "time: unknown unit \"%.*s\" in duration \"%s\"",
                           (int)unit_len, p, s);
        }
        p += unit_len;
        uint64_t unit_ns = (uint64_t)u->ns;
        if (whole > (UINT64_C(1) << 63) / unit_ns) {
            return invalid(err, s);
        }
        uint64_t v = whole * unit_ns;
        if (frac > 0) {
            /* frac/scale of a unit, computed without overflow: unit_ns <= 3.6e12, frac < 1e18. */
            long double part = (long double)frac * (long double)unit_ns / (long double)scale;
            v += (uint64_t)part;
        }
        total += v;
        if (total > (UINT64_C(1) << 63)) {
            return invalid(err, s);
        }
    }
    if (!negative && total > (uint64_t)INT64_MAX) {
        return invalid(err, s);
    }
    *out_ns = negative ? (int64_t)(0 - total) : (int64_t)total;
    return 0;
}

/* Writes v / 10^prec with trailing fractional zeros removed, at the end of buf (Go's fmtFrac). */
static size_t put_fraction(char *buf, size_t w, uint64_t *v, int prec)
{
    bool print = false;
    for (int i = 0; i < prec; i++) {
        unsigned digit = (unsigned)(*v % 10);
        print = print || digit != 0;
        if (print) {
            buf[--w] = (char)('0' + digit);
        }
        *v /= 10;
    }
    if (print) {
        buf[--w] = '.';
    }
    return w;
}

static size_t put_int(char *buf, size_t w, uint64_t v)
{
    if (v == 0) {
        buf[--w] = '0';
    }
    while (v > 0) {
        buf[--w] = (char)('0' + v % 10);
        v /= 10;
    }
    return w;
}

char *duration_format(int64_t d, char *out, size_t size)
{
    char buf[40];
    size_t w = sizeof buf;
    bool negative = d < 0;
    uint64_t u = negative ? 0 - (uint64_t)d : (uint64_t)d;

    if (u < (uint64_t)DURATION_SECOND) {
        int prec;
        buf[--w] = 's';
        if (u == 0) {
            snprintf(out, size, "0s");
            return out;
        } else if (u < (uint64_t)DURATION_US) {
            prec = 0;
            buf[--w] = 'n';
        } else if (u < (uint64_t)DURATION_MS) {
            prec = 3;
            buf[--w] = '\xb5'; /* U+00B5 'µ' in UTF-8, as Go prints it */
            buf[--w] = '\xc2';
        } else {
            prec = 6;
            buf[--w] = 'm';
        }
        w = put_fraction(buf, w, &u, prec);
        w = put_int(buf, w, u);
    } else {
        buf[--w] = 's';
        w = put_fraction(buf, w, &u, 9);
        w = put_int(buf, w, u % 60);
        u /= 60;
        if (u > 0) {
            buf[--w] = 'm';
            w = put_int(buf, w, u % 60);
            u /= 60;
            if (u > 0) {
                buf[--w] = 'h';
                w = put_int(buf, w, u);
            }
        }
    }
    if (negative) {
        buf[--w] = '-';
    }
    snprintf(out, size, "%.*s", (int)(sizeof buf - w), buf + w);
    return out;
}
