/* Kubernetes' validation messages, re-done from the behaviour of util/validation/validation.go,
 * util/validation/ip.go, api/validate/content and api/validation (objectmeta.go, generic.go).
 * The regular expressions are hand-written matchers; the messages quote them verbatim. */
#include "validate.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "xalloc.h"

#define DNS1123_LABEL_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_LABEL_MSG                                                                        \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and " \
    "must start and end with an alphanumeric character"
#define DNS1123_SUBDOMAIN_FMT DNS1123_LABEL_FMT "(\\." DNS1123_LABEL_FMT ")*"
#define DNS1123_SUBDOMAIN_MSG                                                                    \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or " \
    "'.', and must start and end with an alphanumeric character"
#define DNS1035_LABEL_FMT "[a-z]([-a-z0-9]*[a-z0-9])?"
#define DNS1035_LABEL_MSG                                                                        \
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " \
    "alphabetic character, and end with an alphanumeric character"
#define LABEL_KEY_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define LABEL_KEY_MSG                                                                           \
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " \
    "alphanumeric character"
#define LABEL_VALUE_FMT "(" LABEL_KEY_FMT ")?"
#define LABEL_VALUE_MSG                                                                         \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or " \
    "'.', and must start and end with an alphanumeric character"

void validate_errs_free(struct validate_errs *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->msg[i]);
    }
    e->n = 0;
}

static void add_owned(struct validate_errs *out, char *msg)
{
    if (out->n < VALIDATE_ERRS_MAX) {
        out->msg[out->n++] = msg;
    } else {
        free(msg);
    }
}

static void add(struct validate_errs *out, const char *msg)
{
    add_owned(out, xstrdup(msg));
}

char *validate_errs_join(const struct validate_errs *e, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < e->n; i++) {
        len += strlen(e->msg[i]) + strlen(sep);
    }
    char *s = xmalloc(len);
    s[0] = '\0';
    for (size_t i = 0; i < e->n; i++) {
        if (i > 0) {
            strcat(s, sep);
        }
        strcat(s, e->msg[i]);
    }
    return s;
}

/* Length of the valid UTF-8 sequence at s (Go's rules: no overlongs, surrogates or > U+10FFFF),
 * or 0 when the byte at s starts none. */
static size_t utf8_seq_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80) {
        return 1;
    }
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF) {
            return 0;
        }
    }
    return n;
}

char *validate_quote(const char *s)
{
    size_t len = strlen(s);
    char *q = xmalloc(len * 4 + 3);
    size_t w = 0;
    q[w++] = '"';
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        unsigned c = *p;
        size_t n = utf8_seq_len(p);
        const char *esc = NULL;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\a':
            esc = "\\a";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\v':
            esc = "\\v";
            break;
        }
        if (esc != NULL) {
            memcpy(q + w, esc, 2);
            w += 2;
            p++;
        } else if (n == 0 || c < 0x20 || c == 0x7f) {
            w += (size_t)sprintf(q + w, "\\x%02x", c);
            p++;
        } else {
            memcpy(q + w, p, n);
            w += n;
            p += n;
        }
    }
    q[w++] = '"';
    q[w] = '\0';
    return q;
}

/* RegexError: "<msg> (e.g. 'a',  or 'b', regex used for validation is '<re>')". */
static void add_regex_error(struct validate_errs *out, const char *prefix, const char *msg,
                            const char *re, const char *suffix, const char *example1,
                            const char *example2, const char *example3)
{
    const char *examples[] = {example1, example2, example3};
    char buf[1024];
    size_t w = (size_t)snprintf(buf, sizeof buf, "%s%s (e.g. ", prefix, msg);
    for (size_t i = 0; i < 3 && examples[i] != NULL; i++) {
        w +=
            (size_t)snprintf(buf + w, sizeof buf - w, "%s'%s', ", i > 0 ? " or " : "", examples[i]);
    }
    snprintf(buf + w, sizeof buf - w, "regex used for validation is '%s')%s", re, suffix);
    add(out, buf);
}

static void add_max_len(struct validate_errs *out, const char *prefix, size_t max, const char *unit)
{
    add_owned(out, xasprintf("%smust be no more than %zu %s", prefix, max, unit));
}

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool matches_dns_label(const char *s, size_t n)
{
    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1])) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_lower_alnum(s[i]) && s[i] != '-') {
            return false;
        }
    }
    return true;
}

static bool matches_dns_subdomain(const char *s)
{
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t n = dot != NULL ? (size_t)(dot - s) : strlen(s);
        if (!matches_dns_label(s, n)) {
            return false;
        }
        if (dot == NULL) {
            return true;
        }
        s = dot + 1;
    }
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static bool matches_label_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1])) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.') {
            return false;
        }
    }
    return true;
}

static size_t dns1123_subdomain(const char *prefix, const char *value, const char *unit,
                                struct validate_errs *out)
{
    size_t before = out->n;
    if (strlen(value) > 253) {
        add_max_len(out, prefix, 253, unit);
    }
    if (!matches_dns_subdomain(value)) {
        add_regex_error(out, prefix, DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "",
                        "example.com", NULL, NULL);
    }
    return out->n - before;
}

size_t validate_dns1123_label(const char *value, struct validate_errs *out)
{
    size_t before = out->n;
    if (strlen(value) > 63) {
        add_max_len(out, "", 63, "characters");
    }
    if (!matches_dns_label(value, strlen(value))) {
        if (matches_dns_subdomain(value)) {
            add(out, "must not contain dots");
        } else {
            add_regex_error(out, "", DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "", "my-name", "123-abc",
                            NULL);
        }
    }
    return out->n - before;
}

size_t validate_dns1123_subdomain(const char *value, struct validate_errs *out)
{
    return dns1123_subdomain("", value, "characters", out);
}

size_t validate_dns1035_label(const char *value, struct validate_errs *out)
{
    size_t before = out->n;
    size_t n = strlen(value);
    if (n > 63) {
        add_max_len(out, "", 63, "characters");
    }
    if (!matches_dns_label(value, n) || !(value[0] >= 'a' && value[0] <= 'z')) {
        add_regex_error(out, "", DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "", "my-name", "abc-123",
                        NULL);
    }
    return out->n - before;
}

size_t validate_qualified_name(const char *value, struct validate_errs *out)
{
    size_t before = out->n;
    const char *slash = strchr(value, '/');
    const char *name = value;
    if (slash != NULL && strchr(slash + 1, '/') != NULL) {
        add_regex_error(out, "a valid label key ", LABEL_KEY_MSG, LABEL_KEY_FMT,
                        " with an optional DNS subdomain prefix and '/' (e.g. "
                        "'example.com/MyName')",
                        "MyName", "my.name", "123-abc");
        return out->n - before;
    }
    if (slash != NULL) {
        cleanup_free char *prefix = xstrndup(value, (size_t)(slash - value));
        if (prefix[0] == '\0') {
            add(out, "prefix part must be non-empty");
        } else {
            dns1123_subdomain("prefix part ", prefix, "bytes", out);
        }
        name = slash + 1;
    }
    if (name[0] == '\0') {
        add(out, "name part must be non-empty");
    } else if (strlen(name) > 63) {
        add_max_len(out, "name part ", 63, "bytes");
    }
    if (!matches_label_name(name)) {
        add_regex_error(out, "name part ", LABEL_KEY_MSG, LABEL_KEY_FMT, "", "MyName", "my.name",
                        "123-abc");
    }
    return out->n - before;
}

size_t validate_label_value(const char *value, struct validate_errs *out)
{
    size_t before = out->n;
    if (strlen(value) > 63) {
        add_max_len(out, "", 63, "bytes");
    }
    if (value[0] != '\0' && !matches_label_name(value)) {
        add_regex_error(out, "", LABEL_VALUE_MSG, LABEL_VALUE_FMT, "", "MyValue", "my_value",
                        "12345");
    }
    return out->n - before;
}

/* maskTrailingDash: generateName prefixes may end in '-'. Go drops two characters here. */
static char *mask_trailing_dash(const char *name, bool prefix)
{
    size_t n = strlen(name);
    if (prefix && n > 1 && name[n - 1] == '-') {
        char *m = xstrndup(name, n - 2);
        char *r = xasprintf("%sa", m);
        free(m);
        return r;
    }
    return xstrdup(name);
}

size_t validate_name_dns_label(const char *name, bool prefix, struct validate_errs *out)
{
    cleanup_free char *n = mask_trailing_dash(name, prefix);
    return validate_dns1123_label(n, out);
}

size_t validate_name_dns_subdomain(const char *name, bool prefix, struct validate_errs *out)
{
    cleanup_free char *n = mask_trailing_dash(name, prefix);
    return validate_dns1123_subdomain(n, out);
}

size_t validate_name_dns1035_label(const char *name, bool prefix, struct validate_errs *out)
{
    cleanup_free char *n = mask_trailing_dash(name, prefix);
    return validate_dns1035_label(n, out);
}

size_t validate_path_segment_name(const char *name, bool prefix, struct validate_errs *out)
{
    size_t before = out->n;
    if (!prefix && (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)) {
        add_owned(out, xasprintf("may not be '%s'", name));
        return out->n - before;
    }
    if (strchr(name, '/') != NULL) {
        add(out, "may not contain '/'");
    }
    if (strchr(name, '%') != NULL) {
        add(out, "may not contain '%'");
    }
    return out->n - before;
}

size_t validate_port_num(long long port, struct validate_errs *out)
{
    if (port >= 1 && port <= 65535) {
        return 0;
    }
    add(out, "must be between 1 and 65535, inclusive");
    return 1;
}

size_t validate_port_name(const char *port, struct validate_errs *out)
{
    size_t before = out->n;
    size_t n = strlen(port);
    bool charset = n > 0, letter = false;
    for (size_t i = 0; i < n; i++) {
        charset = charset && (is_lower_alnum(port[i]) || port[i] == '-');
        letter = letter || (port[i] >= 'a' && port[i] <= 'z');
    }
    if (n > 15) {
        add_max_len(out, "", 15, "characters");
    }
    if (!charset) {
        add(out, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!letter) {
        add(out, "must contain at least one letter (a-z)");
    }
    if (strstr(port, "--") != NULL) {
        add(out, "must not contain consecutive hyphens");
    }
    if (n > 0 && (port[0] == '-' || port[n - 1] == '-')) {
        add(out, "must not begin or end with a hyphen");
    }
    return out->n - before;
}

/* ---- IP addresses --------------------------------------------------------------------------- */

/* Go's sloppy dotted quad (leading zeros allowed, read as decimal); sets *leading_zero. */
static bool parse_ipv4_sloppy(const char *s, unsigned char out[4], bool *leading_zero)
{
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (*s != '.') {
                return false;
            }
            s++;
        }
        if (!(*s >= '0' && *s <= '9')) {
            return false;
        }
        if (s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
            *leading_zero = true;
        }
        unsigned v = 0;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (unsigned)(*s - '0');
            if (v > 255) {
                return false;
            }
            s++;
        }
        out[part] = (unsigned char)v;
    }
    return *s == '\0';
}

/* Go's net.IP.String() for a 16-byte address: dotted quad for IPv4-mapped ones, else RFC 5952
 * (lowercase, the longest run of two or more zero groups, first on a tie, becomes "::"). */
static void format_ipv6(const unsigned char a[16], char *buf, size_t size)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, mapped, 12) == 0) {
        snprintf(buf, size, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
        return;
    }
    unsigned g[8];
    for (int i = 0; i < 8; i++) {
        g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    }
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0) {
            j++;
        }
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    size_t w = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            w += (size_t)snprintf(buf + w, size - w, "::");
            i += best_len - 1;
            continue;
        }
        bool after_gap = i > 0 && i == best + best_len;
        w += (size_t)snprintf(buf + w, size - w, "%s%x", i > 0 && !after_gap ? ":" : "", g[i]);
    }
}

size_t validate_ip(const char *value, struct validate_errs *out)
{
    size_t before = out->n;
    unsigned char v4[4], v6[16];
    bool leading_zero = false;
    char canonical[64];
    bool is_v4 = parse_ipv4_sloppy(value, v4, &leading_zero);
    if (is_v4) {
        snprintf(canonical, sizeof canonical, "%u.%u.%u.%u", v4[0], v4[1], v4[2], v4[3]);
    } else if (strchr(value, ':') != NULL && inet_pton(AF_INET6, value, v6) == 1) {
        /* An embedded dotted quad with leading zeros is rejected by inet_pton, as by Go. */
        format_ipv6(v6, canonical, sizeof canonical);
    } else {
        add(out, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
        return out->n - before;
    }
    if (leading_zero) {
        add(out, "must not have leading 0s");
    }
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!is_v4 && memcmp(v6, mapped, 12) == 0) {
        add(out, "must not be an IPv4-mapped IPv6 address");
    }
    if (out->n == before && strcmp(value, canonical) != 0) {
        add_owned(out, xasprintf("must be in canonical form (\"%s\")", canonical));
    }
    return out->n - before;
}

/* ---- Annotations ---------------------------------------------------------------------------- */

size_t validate_annotations(const json_t *annotations, const char *path, struct validate_errs *out)
{
    size_t before = out->n;
    size_t total = 0;
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)annotations, key, value) {
        /* QualifiedName, except that case does not matter. */
        cleanup_free char *lower = xstrdup(key);
        for (char *c = lower; *c != '\0'; c++) {
            if (*c >= 'A' && *c <= 'Z') {
                *c = (char)(*c - 'A' + 'a');
            }
        }
        struct validate_errs msgs = VALIDATE_ERRS_INIT;
        validate_qualified_name(lower, &msgs);
        cleanup_free char *quoted = validate_quote(key);
        for (size_t i = 0; i < msgs.n; i++) {
            add_owned(out, xasprintf("%s: Invalid value: %s: %s", path, quoted, msgs.msg[i]));
        }
        validate_errs_free(&msgs);
        total += strlen(key) + (json_is_string(value) ? json_string_length(value) : 0);
    }
    if (total > VALIDATE_ANNOTATIONS_SIZE_MAX) {
        add_owned(out, xasprintf("%s: Too long: may not be more than %d bytes", path,
                                 VALIDATE_ANNOTATIONS_SIZE_MAX));
    }
    return out->n - before;
}
