/* c8sctl's command-line parsing with kubectl's (cobra + spf13/pflag) semantics: global and
 * command flags mixed with arguments in any order, --name=value / --name value / -n value /
 * -nvalue, boolean flags without a value, string slices split on commas (-f a,b) and string arrays
 * (--from-literal repeated), "--" ending flags, pflag's error wording, and cobra's
 * "Did you mean this?" suggestions for unknown commands. */
#ifndef C8S_CTL_CLI_H
#define C8S_CTL_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* A growable list of owned strings. */
struct cli_strv {
    char **v;
    size_t n;
};

/* Appends a copy of s. */
void cli_strv_add(struct cli_strv *sv, const char *s);
/* Frees the strings and the array and zeroes sv. */
void cli_strv_free(struct cli_strv *sv);

enum cli_flag_type {
    CLI_STRING,       /* const char * (borrowed from argv) */
    CLI_BOOL,         /* bool */
    CLI_INT,          /* int (Go's ParseInt messages) */
    CLI_STRING_SLICE, /* struct cli_strv, each value split on commas (pflag StringSlice) */
    CLI_STRING_ARRAY, /* struct cli_strv, each value kept whole (pflag StringArray) */
};

/* One flag: value points at the caller's variable, whose content is the default. Tables end
 * with a row whose name is NULL. */
struct cli_flag {
    const char *name; /* "namespace" */
    char shorthand;   /* 'n', or 0 */
    enum cli_flag_type type;
    void *value;
    bool changed; /* set when given on the command line */
};

/* Parses argv[0..argc) against two flag tables (either may be NULL; global first) and appends
 * the positional arguments to *args (copies). A flag given bare takes pflag's NoOptDefVal:
 * "true" for booleans, and kubectl's "unchanged" for --dry-run, "strict" for --validate and
 * "background" for --cascade in every command. Returns 0, 1 when -h/--help was given, or
 * -EINVAL with err holding pflag's message: "unknown flag: --foo",
 * "unknown shorthand flag: 'x' in -x", "flag needs an argument: --namespace",
 * `invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": invalid syntax`. */
int cli_parse(struct cli_flag *global, struct cli_flag *local, int argc, char **argv,
              struct cli_strv *args, struct err *err) C8S_MUST_USE;

/* Go's strconv.ParseBool: "1", "t", "T", "true", "TRUE", "True" and their false forms. Returns
 * false when text is none of them. */
bool cli_parse_bool(const char *text, bool *out);

/* Whether a table's flag called name was given. */
bool cli_changed(const struct cli_flag *table, const char *name);

/* The flag of global matching the token argv[i] ("--context", "--context=x", "-n", "-nfoo"),
 * or NULL; *takes_next is set when its value is the following argument. Used to find the
 * command words before the command's own flags are known. */
const struct cli_flag *cli_find_global(const struct cli_flag *global, const char *token,
                                       bool *takes_next);

/* cobra's suggestions: the candidates within Levenshtein distance 2 of word (case-insensitive)
 * or starting with it, in table order. Writes up to max borrowed pointers into out and returns
 * how many. */
size_t cli_suggest(const char *word, const char *const *candidates, size_t ncandidates,
                   const char **out, size_t max);

#endif
