/* RFC 3339 timestamps with the behaviour and messages of Go's time.Parse for the RFC3339 layout
 * (format.go's general parser, which Parse falls back to), metav1.Time/MicroTime formatting, and
 * apimachinery's util/duration humanisation. */
#include "k8stime.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "xalloc.h"

#define RFC3339_LAYOUT "2006-01-02T15:04:05Z07:00"

/* Go's time.quote: bytes outside printable ASCII as \xhh, '"' and '\' escaped. */
static char *go_quote(const char *s)
{
    char *q = xmalloc(strlen(s) * 4 + 3);
    size_t w = 0;
    q[w++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < ' ' || *p >= 0x80) {
            w += (size_t)sprintf(q + w, "\\x%02x", *p);
        } else {
            if (*p == '"' || *p == '\\') {
                q[w++] = '\\';
            }
            q[w++] = (char)*p;
        }
    }
    q[w++] = '"';
    q[w] = '\0';
    return q;
}

static int cannot_parse(struct err *err, const char *value, const char *elem, const char *as)
{
    cleanup_free char *qv = go_quote(value);
    cleanup_free char *qe = go_quote(elem);
    return err_set(err, EINVAL, "parsing time %s as \"%s\": cannot parse %s as \"%s\"", qv,
                   RFC3339_LAYOUT, qe, as);
}

static int out_of_range(struct err *err, const char *value, const char *what)
{
    cleanup_free char *qv = go_quote(value);
    return err_set(err, EINVAL, "parsing time %s: %s out of range", qv, what);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Go's getnum: one or two digits (exactly two when fixed). */
static bool getnum(const char **p, bool fixed, int *out)
{
    const char *s = *p;
    if (!is_digit(s[0])) {
        return false;
    }
    if (!is_digit(s[1])) {
        if (fixed) {
            return false;
        }
        *out = s[0] - '0';
        *p = s + 1;
        return true;
    }
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    *p = s + 2;
    return true;
}

static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in(int month, int64_t year)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Matches one literal layout character. */
static bool skip(const char **p, char c)
{
    if (**p != c) {
        return false;
    }
    (*p)++;
    return true;
}

int k8stime_parse(const char *s, struct timespec *out, struct err *err)
{
    const char *p = s;
    int year = 0, month, day, hour, min, sec;
    long nsec = 0;

    for (int i = 0; i < 4; i++) {
        if (!is_digit(p[i])) {
            return cannot_parse(err, s, p, "2006");
        }
        year = year * 10 + (p[i] - '0');
    }
    p += 4;
    if (!skip(&p, '-')) {
        return cannot_parse(err, s, p, "-");
    }
    const char *hold = p;
    if (!getnum(&p, true, &month)) {
        return cannot_parse(err, s, hold, "01");
    }
    if (month < 1 || month > 12) {
        return out_of_range(err, s, "month");
    }
    if (!skip(&p, '-')) {
        return cannot_parse(err, s, p, "-");
    }
    hold = p;
    if (!getnum(&p, true, &day)) {
        return cannot_parse(err, s, hold, "02");
    }
    if (!skip(&p, 'T')) {
        return cannot_parse(err, s, p, "T");
    }
    hold = p;
    if (!getnum(&p, false, &hour)) {
        return cannot_parse(err, s, hold, "15");
    }
    if (hour > 23) {
        return out_of_range(err, s, "hour");
    }
    if (!skip(&p, ':')) {
        return cannot_parse(err, s, p, ":");
    }
    hold = p;
    if (!getnum(&p, true, &min)) {
        return cannot_parse(err, s, hold, "04");
    }
    if (min > 59) {
        return out_of_range(err, s, "minute");
    }
    if (!skip(&p, ':')) {
        return cannot_parse(err, s, p, ":");
    }
    hold = p;
    if (!getnum(&p, true, &sec)) {
        return cannot_parse(err, s, hold, "05");
    }
    if (sec > 59) {
        return out_of_range(err, s, "second");
    }
    /* A fraction the layout does not name is still accepted after the seconds. */
    if ((p[0] == '.' || p[0] == ',') && is_digit(p[1])) {
        p++;
        long scale = 100000000;
        for (; is_digit(*p); p++) {
            nsec += (*p - '0') * scale;
            scale /= 10;
        }
    }
    int offset = 0;
    hold = p;
    if (p[0] == 'Z') {
        p++;
    } else {
        int oh, om;
        const char *h = p + 1, *m = p + 4;
        if (strlen(p) < 6 || p[3] != ':' || (p[0] != '+' && p[0] != '-') ||
            !getnum(&h, true, &oh) || !getnum(&m, true, &om)) {
            return cannot_parse(err, s, hold, "Z07:00");
        }
        if (oh > 24) {
            return out_of_range(err, s, "time zone offset hour");
        }
        if (om > 60) {
            return out_of_range(err, s, "time zone offset minute");
        }
        offset = (oh * 60 + om) * 60 * (p[0] == '-' ? -1 : 1);
        p += 6;
    }
    if (*p != '\0') {
        cleanup_free char *qv = go_quote(s);
        cleanup_free char *qe = go_quote(p);
        return err_set(err, EINVAL, "parsing time %s: extra text: %s", qv, qe);
    }
    if (day < 1 || day > days_in(month, year)) {
        return out_of_range(err, s, "day");
    }
    int64_t secs = days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
    out->tv_sec = (time_t)(secs - offset);
    out->tv_nsec = nsec;
    return 0;
}

static size_t format_seconds(const struct timespec *t, char *buf)
{
    int64_t secs = (int64_t)t->tv_sec;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    return (size_t)snprintf(buf, K8STIME_STR_MAX, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d", y, m, d,
                            (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

char *k8stime_format(const struct timespec *t, char buf[K8STIME_STR_MAX])
{
    size_t n = format_seconds(t, buf);
    snprintf(buf + n, K8STIME_STR_MAX - n, "Z");
    return buf;
}

char *k8stime_format_micro(const struct timespec *t, char buf[K8STIME_STR_MAX])
{
    size_t n = format_seconds(t, buf);
    snprintf(buf + n, K8STIME_STR_MAX - n, ".%06ldZ", (long)(t->tv_nsec / 1000));
    return buf;
}

struct timespec k8stime_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return now;
}

#define NS_SECOND INT64_C(1000000000)
#define NS_MINUTE (60 * NS_SECOND)
#define NS_HOUR   (60 * NS_MINUTE)

char *k8stime_human_duration(int64_t d, char buf[K8STIME_STR_MAX])
{
    int64_t seconds = d / NS_SECOND;
    if (seconds < -1) {
        snprintf(buf, K8STIME_STR_MAX, "<invalid>");
        return buf;
    }
    if (seconds < 0) {
        snprintf(buf, K8STIME_STR_MAX, "0s");
        return buf;
    }
    if (seconds < 60 * 2) {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "s", seconds);
        return buf;
    }
    int64_t minutes = d / NS_MINUTE;
    if (minutes < 10) {
        int64_t s = seconds % 60;
        if (s == 0) {
            snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "m", minutes);
        } else {
            snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "m%" PRId64 "s", minutes, s);
        }
        return buf;
    }
    if (minutes < 60 * 3) {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "m", minutes);
        return buf;
    }
    int64_t hours = d / NS_HOUR;
    if (hours < 8) {
        int64_t m = minutes % 60;
        if (m == 0) {
            snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "h", hours);
        } else {
            snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "h%" PRId64 "m", hours, m);
        }
    } else if (hours < 48) {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "h", hours);
    } else if (hours < 24 * 8) {
        int64_t h = hours % 24;
        if (h == 0) {
            snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "d", hours / 24);
        } else {
            snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "d%" PRId64 "h", hours / 24, h);
        }
    } else if (hours < 24 * 365 * 2) {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "d", hours / 24);
    } else if (hours < 24 * 365 * 8) {
        int64_t dy = hours / 24 % 365;
        if (dy == 0) {
            snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "y", hours / 24 / 365);
        } else {
            snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "y%" PRId64 "d", hours / 24 / 365, dy);
        }
    } else {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "y", hours / 24 / 365);
    }
    return buf;
}

char *k8stime_short_human_duration(int64_t d, char buf[K8STIME_STR_MAX])
{
    int64_t seconds = d / NS_SECOND;
    if (seconds < -1) {
        snprintf(buf, K8STIME_STR_MAX, "<invalid>");
    } else if (seconds < 0) {
        snprintf(buf, K8STIME_STR_MAX, "0s");
    } else if (seconds < 60) {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "s", seconds);
    } else if (d / NS_MINUTE < 60) {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "m", d / NS_MINUTE);
    } else if (d / NS_HOUR < 24) {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "h", d / NS_HOUR);
    } else if (d / NS_HOUR < 24 * 365) {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "d", d / NS_HOUR / 24);
    } else {
        snprintf(buf, K8STIME_STR_MAX, "%" PRId64 "y", d / NS_HOUR / 24 / 365);
    }
    return buf;
}
