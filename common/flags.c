/* pflag-like parsing: defaults live in the caller's variables, so a component's flag table is its
 * configuration struct. Messages follow pflag's wording, which Kubernetes users know. */
#include "flags.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "xalloc.h"

void flags_init(struct flagset *fs, const char *program, const char *usage_line)
{
    memset(fs, 0, sizeof *fs);
    fs->program = program;
    fs->usage_line = usage_line;
}

void flags_free(struct flagset *fs)
{
    for (size_t i = 0; i < fs->count; i++) {
        free(fs->flags[i].default_text);
    }
    free(fs->flags);
    free(fs->args);
    memset(fs, 0, sizeof *fs);
}

static char *value_text(enum flag_type type, const void *value)
{
    char buf[64];
    switch (type) {
    case FLAG_STRING: {
        const char *s = *(const char *const *)value;
        return xstrdup(s ? s : "");
    }
    case FLAG_INT:
        return xasprintf("%d", *(const int *)value);
    case FLAG_INT64:
        return xasprintf("%lld", (long long)*(const int64_t *)value);
    case FLAG_BOOL:
        return xstrdup(*(const bool *)value ? "true" : "false");
    case FLAG_DOUBLE:
        return xasprintf("%g", *(const double *)value);
    case FLAG_DURATION:
        return xstrdup(duration_format(*(const int64_t *)value, buf, sizeof buf));
    }
    return xstrdup("");
}

static void add_flag(struct flagset *fs, const char *name, char shorthand, enum flag_type type,
                     void *value, const char *usage)
{
    if (fs->count == fs->capacity) {
        fs->capacity = fs->capacity ? fs->capacity * 2 : 16;
        fs->flags = xrealloc(fs->flags, fs->capacity * sizeof *fs->flags);
    }
    fs->flags[fs->count++] = (struct flag){
        .name = name,
        .shorthand = shorthand,
        .type = type,
        .value = value,
        .usage = usage,
        .default_text = value_text(type, value),
    };
}

void flags_string(struct flagset *fs, const char *name, char shorthand, const char **value,
                  const char *usage)
{
    add_flag(fs, name, shorthand, FLAG_STRING, (void *)value, usage);
}

void flags_int(struct flagset *fs, const char *name, char shorthand, int *value, const char *usage)
{
    add_flag(fs, name, shorthand, FLAG_INT, value, usage);
}

void flags_int64(struct flagset *fs, const char *name, char shorthand, int64_t *value,
                 const char *usage)
{
    add_flag(fs, name, shorthand, FLAG_INT64, value, usage);
}

void flags_bool(struct flagset *fs, const char *name, char shorthand, bool *value,
                const char *usage)
{
    add_flag(fs, name, shorthand, FLAG_BOOL, value, usage);
}

void flags_double(struct flagset *fs, const char *name, char shorthand, double *value,
                  const char *usage)
{
    add_flag(fs, name, shorthand, FLAG_DOUBLE, value, usage);
}

void flags_duration(struct flagset *fs, const char *name, char shorthand, int64_t *value_ns,
                    const char *usage)
{
    add_flag(fs, name, shorthand, FLAG_DURATION, value_ns, usage);
}

static struct flag *find_long(struct flagset *fs, const char *name, size_t len)
{
    for (size_t i = 0; i < fs->count; i++) {
        if (strlen(fs->flags[i].name) == len && strncmp(fs->flags[i].name, name, len) == 0) {
            return &fs->flags[i];
        }
    }
    return NULL;
}

static struct flag *find_short(struct flagset *fs, char c)
{
    for (size_t i = 0; i < fs->count; i++) {
        if (fs->flags[i].shorthand == c) {
            return &fs->flags[i];
        }
    }
    return NULL;
}

static int parse_integer(const char *text, long long min, long long max, long long *out)
{
    if (*text == '\0') {
        return -EINVAL;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 0);
    if (*end != '\0') {
        return -EINVAL;
    }
    if (errno == ERANGE || v < min || v > max) {
        return -ERANGE;
    }
    *out = v;
    return 0;
}

/* Stores text into f's variable; on failure fills err with pflag's message. */
static int set_value(struct flag *f, const char *spelled, const char *text, struct err *err)
{
    struct err inner = {0};
    long long ll = 0;
    int rc = 0;
    switch (f->type) {
    case FLAG_STRING:
        *(const char **)f->value = text;
        break;
    case FLAG_INT:
        rc = parse_integer(text, INT32_MIN, INT32_MAX, &ll);
        if (rc == 0) {
            *(int *)f->value = (int)ll;
        } else {
            err_set(&inner, -rc, "strconv.ParseInt: parsing \"%s\": %s", text,
                    rc == -ERANGE ? "value out of range" : "invalid syntax");
        }
        break;
    case FLAG_INT64:
        rc = parse_integer(text, INT64_MIN, INT64_MAX, &ll);
        if (rc == 0) {
            *(int64_t *)f->value = ll;
        } else {
            err_set(&inner, -rc, "strconv.ParseInt: parsing \"%s\": %s", text,
                    rc == -ERANGE ? "value out of range" : "invalid syntax");
        }
        break;
    case FLAG_BOOL:
        /* Go's strconv.ParseBool. */
        if (!strcmp(text, "true") || !strcmp(text, "1") || !strcmp(text, "t") ||
            !strcmp(text, "T") || !strcmp(text, "TRUE") || !strcmp(text, "True")) {
            *(bool *)f->value = true;
        } else if (!strcmp(text, "false") || !strcmp(text, "0") || !strcmp(text, "f") ||
                   !strcmp(text, "F") || !strcmp(text, "FALSE") || !strcmp(text, "False")) {
            *(bool *)f->value = false;
        } else {
            rc = err_set(&inner, EINVAL, "strconv.ParseBool: parsing \"%s\": invalid syntax", text);
        }
        break;
    case FLAG_DOUBLE: {
        char *end = NULL;
        errno = 0;
        double d = strtod(text, &end);
        if (*text == '\0' || *end != '\0' || errno == ERANGE) {
            rc =
                err_set(&inner, EINVAL, "strconv.ParseFloat: parsing \"%s\": invalid syntax", text);
        } else {
            *(double *)f->value = d;
        }
        break;
    }
    case FLAG_DURATION: {
        int64_t ns = 0;
        rc = duration_parse(text, &ns, &inner);
        if (rc == 0) {
            *(int64_t *)f->value = ns;
        }
        break;
    }
    }
    if (rc != 0) {
        return err_set(err, EINVAL, "invalid argument \"%s\" for \"%s\" flag: %s", text, spelled,
                       inner.msg);
    }
    f->changed = true;
    return 0;
}

static void add_arg(struct flagset *fs, const char *arg)
{
    fs->args = xrealloc(fs->args, (fs->nargs + 1) * sizeof *fs->args);
    fs->args[fs->nargs++] = arg;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int flags_parse(struct flagset *fs, int argc, char **argv, struct err *err)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            for (i++; i < argc; i++) {
                add_arg(fs, argv[i]);
            }
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            add_arg(fs, arg);
            continue;
        }
        struct flag *f = NULL;
        const char *inline_value = NULL;
        char spelled[128];
        if (arg[1] == '-') {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            f = find_long(fs, name, len);
            if (f == NULL && is_help(arg)) {
                return 1;
            }
            if (f == NULL) {
                return err_set(err, EINVAL, "unknown flag: --%.*s", (int)len, name);
            }
            inline_value = eq ? eq + 1 : NULL;
        } else {
            f = find_short(fs, arg[1]);
            if (f == NULL && is_help(arg)) {
                return 1;
            }
            if (f == NULL) {
                return err_set(err, EINVAL, "unknown shorthand flag: '%c' in %s", arg[1], arg);
            }
            if (arg[2] == '=') {
                inline_value = arg + 3;
            } else if (arg[2] != '\0') {
                inline_value = arg + 2;
            }
        }
        /* pflag names a flag with its shorthand whichever form was typed. */
        if (f->shorthand) {
            snprintf(spelled, sizeof spelled, "-%c, --%s", f->shorthand, f->name);
        } else {
            snprintf(spelled, sizeof spelled, "--%s", f->name);
        }
        if (inline_value == NULL) {
            if (f->type == FLAG_BOOL) {
                inline_value = "true";
            } else if (i + 1 < argc) {
                inline_value = argv[++i];
            } else {
                return err_set(err, EINVAL, "flag needs an argument: %s", arg);
            }
        }
        int rc = set_value(f, spelled, inline_value, err);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

bool flags_changed(const struct flagset *fs, const char *name)
{
    for (size_t i = 0; i < fs->count; i++) {
        if (strcmp(fs->flags[i].name, name) == 0) {
            return fs->flags[i].changed;
        }
    }
    return false;
}

static const char *type_name(enum flag_type type)
{
    switch (type) {
    case FLAG_STRING:
        return "string";
    case FLAG_INT:
        return "int";
    case FLAG_INT64:
        return "int64";
    case FLAG_BOOL:
        return "";
    case FLAG_DOUBLE:
        return "float";
    case FLAG_DURATION:
        return "duration";
    }
    return "";
}

void flags_print_usage(const struct flagset *fs, FILE *out)
{
    fprintf(out, "Usage:\n  %s\n\nFlags:\n", fs->usage_line);
    size_t width = 0;
    char left[160];
    for (size_t i = 0; i < fs->count; i++) {
        const struct flag *f = &fs->flags[i];
        int n = snprintf(left, sizeof left, "--%s %s", f->name, type_name(f->type));
        if ((size_t)n > width) {
            width = (size_t)n;
        }
    }
    for (size_t i = 0; i < fs->count; i++) {
        const struct flag *f = &fs->flags[i];
        snprintf(left, sizeof left, "--%s %s", f->name, type_name(f->type));
        if (f->shorthand) {
            fprintf(out, "  -%c, %-*s   %s", f->shorthand, (int)width, left, f->usage);
        } else {
            fprintf(out, "      %-*s   %s", (int)width, left, f->usage);
        }
        if (f->type == FLAG_STRING) {
            if (f->default_text[0] != '\0') {
                fprintf(out, " (default \"%s\")", f->default_text);
            }
        } else if (!(f->type == FLAG_BOOL && strcmp(f->default_text, "false") == 0)) {
            fprintf(out, " (default %s)", f->default_text);
        }
        fputc('\n', out);
    }
    fprintf(out, "  -h, --help%-*s   help for %s\n", (int)(width > 6 ? width - 6 : 0), "",
            fs->program);
}

void flags_parse_or_exit(struct flagset *fs, int argc, char **argv)
{
    struct err err = {0};
    int rc = flags_parse(fs, argc, argv, &err);
    if (rc == 1) {
        flags_print_usage(fs, stdout);
        flags_free(fs);
        exit(0);
    }
    if (rc < 0) {
        fprintf(stderr, "%s: %s (see '%s --help')\n", fs->program, err.msg, fs->program);
        flags_free(fs);
        exit(2);
    }
}
