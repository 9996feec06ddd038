/* Command-line parsing as kubectl's cobra/pflag do it (see cli.h): the messages are pflag's, so
 * that c8sctl's usage errors read like kubectl's. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

void cli_strv_add(struct cli_strv *sv, const char *s)
{
    sv->v = xrealloc(sv->v, (sv->n + 2) * sizeof *sv->v);
    sv->v[sv->n++] = xstrdup(s);
    sv->v[sv->n] = NULL;
}

void cli_strv_free(struct cli_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++) {
        free(sv->v[i]);
    }
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

static struct cli_flag *find_long(struct cli_flag *table, const char *name, size_t len)
{
    for (struct cli_flag *f = table; f != NULL && f->name != NULL; f++) {
        if (strlen(f->name) == len && strncmp(f->name, name, len) == 0) {
            return f;
        }
    }
    return NULL;
}

static struct cli_flag *find_short(struct cli_flag *table, char c)
{
    for (struct cli_flag *f = table; f != NULL && f->name != NULL; f++) {
        if (f->shorthand == c) {
            return f;
        }
    }
    return NULL;
}

bool cli_parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(text, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(text, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* The value f takes when given without one (pflag's NoOptDefVal), or NULL when it needs one.
 * kubectl sets the same NoOptDefVal on these flags in every command that has them. */
static const char *value_when_bare(const struct cli_flag *f)
{
    static const char *const bare[][2] = {
        {"dry-run", "unchanged"}, {"validate", "strict"}, {"cascade", "background"}};
    if (f->type == CLI_BOOL) {
        return "true";
    }
    for (size_t i = 0; f->type == CLI_STRING && i < sizeof bare / sizeof bare[0]; i++) {
        if (strcmp(f->name, bare[i][0]) == 0) {
            return bare[i][1];
        }
    }
    return NULL;
}

/* Stores text into f's variable with pflag's messages on failure. */
static int set_value(struct cli_flag *f, const char *text, struct err *err)
{
    char spelled[96];
    if (f->shorthand) {
        snprintf(spelled, sizeof spelled, "-%c, --%s", f->shorthand, f->name);
    } else {
        snprintf(spelled, sizeof spelled, "--%s", f->name);
    }
    switch (f->type) {
    case CLI_STRING:
        *(const char **)f->value = text;
        break;
    case CLI_BOOL:
        if (!cli_parse_bool(text, (bool *)f->value)) {
            return err_set(err, EINVAL,
                           "invalid argument \"%s\" for \"%s\" flag: strconv.ParseBool: parsing "
                           "\"%s\": invalid syntax",
                           text, spelled, text);
        }
        break;
    case CLI_INT: {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(text, &end, 0);
        if (*text == '\0' || *end != '\0' || errno == ERANGE || v < INT_MIN || v > INT_MAX) {
            bool range = *text != '\0' && *end == '\0';
            return err_set(err, EINVAL,
                           "invalid argument \"%s\" for \"%s\" flag: strconv.ParseInt: parsing "
                           "\"%s\": %s",
                           text, spelled, text, range ? "value out of range" : "invalid syntax");
        }
        *(int *)f->value = (int)v;
        break;
    }
    case CLI_STRING_SLICE: {
        struct cli_strv *sv = f->value;
        if (!f->changed) {
            cli_strv_free(sv); /* a given value replaces the default */
        }
        const char *p = text;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            char *part = xstrndup(p, n);
            cli_strv_add(sv, part);
            free(part);
            if (comma == NULL) {
                break;
            }
            p = comma + 1;
        }
        break;
    }
    case CLI_STRING_ARRAY: {
        struct cli_strv *sv = f->value;
        if (!f->changed) {
            cli_strv_free(sv);
        }
        cli_strv_add(sv, text);
        break;
    }
    }
    f->changed = true;
    return 0;
}

static int parse_long(struct cli_flag *global, struct cli_flag *local, int argc, char **argv,
                      int *i, struct err *err)
{
    const char *body = argv[*i] + 2;
    const char *eq = strchr(body, '=');
    size_t len = eq ? (size_t)(eq - body) : strlen(body);
    struct cli_flag *f = find_long(local, body, len);
    if (f == NULL) {
        f = find_long(global, body, len);
    }
    if (f == NULL) {
        return err_set(err, EINVAL, "unknown flag: --%.*s", (int)len, body);
    }
    if (eq != NULL) {
        return set_value(f, eq + 1, err);
    }
    if (value_when_bare(f) != NULL) {
        return set_value(f, value_when_bare(f), err);
    }
    if (*i + 1 >= argc) {
        return err_set(err, EINVAL, "flag needs an argument: --%s", f->name);
    }
    (*i)++;
    return set_value(f, argv[*i], err);
}

static int parse_shorts(struct cli_flag *global, struct cli_flag *local, int argc, char **argv,
                        int *i, struct err *err)
{
    const char *p = argv[*i] + 1;
    while (*p != '\0') {
        struct cli_flag *f = find_short(local, *p);
        if (f == NULL) {
            f = find_short(global, *p);
        }
        if (f == NULL) {
            return err_set(err, EINVAL, "unknown shorthand flag: '%c' in %s", *p, argv[*i]);
        }
        const char *rest = p + 1;
        if (*rest == '=') {
            return set_value(f, rest + 1, err);
        }
        if (value_when_bare(f) != NULL) {
            int rc = set_value(f, value_when_bare(f), err);
            if (rc != 0) {
                return rc;
            }
            p++;
            continue;
        }
        if (*rest != '\0') {
            return set_value(f, rest, err);
        }
        if (*i + 1 >= argc) {
            return err_set(err, EINVAL, "flag needs an argument: '%c' in %s", *p, argv[*i]);
        }
        (*i)++;
        return set_value(f, argv[*i], err);
    }
    return 0;
}

int cli_parse(struct cli_flag *global, struct cli_flag *local, int argc, char **argv,
              struct cli_strv *args, struct err *err)
{
    bool help = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++) {
                cli_strv_add(args, argv[i]);
            }
            break;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help = true;
        } else if (a[0] == '-' && a[1] == '-') {
            rc = parse_long(global, local, argc, argv, &i, err);
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = parse_shorts(global, local, argc, argv, &i, err);
        } else {
            cli_strv_add(args, a);
        }
        if (rc != 0) {
            return rc;
        }
    }
    return help ? 1 : 0;
}

bool cli_changed(const struct cli_flag *table, const char *name)
{
    for (const struct cli_flag *f = table; f != NULL && f->name != NULL; f++) {
        if (strcmp(f->name, name) == 0) {
            return f->changed;
        }
    }
    return false;
}

const struct cli_flag *cli_find_global(const struct cli_flag *global, const char *token,
                                       bool *takes_next)
{
    *takes_next = false;
    const struct cli_flag *f = NULL;
    if (token[0] == '-' && token[1] == '-') {
        const char *eq = strchr(token + 2, '=');
        size_t len = eq ? (size_t)(eq - token - 2) : strlen(token + 2);
        f = find_long((struct cli_flag *)global, token + 2, len);
        *takes_next = f != NULL && eq == NULL && value_when_bare(f) == NULL;
    } else if (token[0] == '-' && token[1] != '\0') {
        f = find_short((struct cli_flag *)global, token[1]);
        *takes_next = f != NULL && token[2] == '\0' && value_when_bare(f) == NULL;
    }
    return f;
}

static size_t levenshtein(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = xcalloc(lb + 1, sizeof *row);
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost =
                tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best) {
                best = up + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

size_t cli_suggest(const char *word, const char *const *candidates, size_t ncandidates,
                   const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < ncandidates && n < max; i++) {
        bool prefix = strncasecmp(candidates[i], word, strlen(word)) == 0;
        if (levenshtein(word, candidates[i]) <= 2 || prefix) {
            out[n++] = candidates[i];
        }
    }
    return n;
}
