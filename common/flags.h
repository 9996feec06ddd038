/* Command-line flags in the style of Kubernetes components (spf13/pflag): --name=value or
 * --name value, boolean --name or --name=false, one-letter shorthands (-v 4), flags and
 * positional arguments in any order, "--" ends flags. --help lists every flag with its default.
 * Bad input ends the program with one line on stderr and exit status 2 (flags_parse_or_exit). */
#ifndef C8S_FLAGS_H
#define C8S_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

enum flag_type {
    FLAG_STRING,
    FLAG_INT,
    FLAG_INT64,
    FLAG_BOOL,
    FLAG_DOUBLE,
    FLAG_DURATION, /* int64 nanoseconds, Go's duration text ("10s", "1m30s") */
};

struct flag {
    const char *name; /* without dashes: "data-dir" */
    char shorthand;   /* 'v' for -v, or 0 */
    enum flag_type type;
    void *value; /* borrowed: the caller's variable, which holds the default until parsed */
    const char *usage;
    char *default_text; /* owned: the default as --help prints it */
    bool changed;       /* set by the command line */
};

struct flagset {
    const char *program; /* borrowed */
    const char *usage_line;
    struct flag *flags; /* owned array */
    size_t count, capacity;
    const char **args; /* owned array of borrowed argv strings: the positional arguments */
    size_t nargs;
};

/* usage_line is what follows "Usage: " in --help, e.g. "c8s-store [flags]". Both borrowed. */
void flags_init(struct flagset *fs, const char *program, const char *usage_line);
void flags_free(struct flagset *fs);

/* Registration. value points at the caller's variable, whose current value is the default.
 * String values after parsing point into argv (borrowed, valid for the program's life). */
void flags_string(struct flagset *fs, const char *name, char shorthand, const char **value,
                  const char *usage);
void flags_int(struct flagset *fs, const char *name, char shorthand, int *value, const char *usage);
void flags_int64(struct flagset *fs, const char *name, char shorthand, int64_t *value,
                 const char *usage);
void flags_bool(struct flagset *fs, const char *name, char shorthand, bool *value,
                const char *usage);
void flags_double(struct flagset *fs, const char *name, char shorthand, double *value,
                  const char *usage);
void flags_duration(struct flagset *fs, const char *name, char shorthand, int64_t *value_ns,
                    const char *usage);

/* Parses argv[1..argc-1]. Positional arguments land in fs->args. Returns 0, 1 when --help or -h
 * was given (nothing else is parsed after it), or a negative code with err filled
 * ("unknown flag: --foo", `invalid argument "x" for "--port" flag: ...`). */
int flags_parse(struct flagset *fs, int argc, char **argv, struct err *err) C8S_MUST_USE;

/* True when the flag was given on the command line. */
bool flags_changed(const struct flagset *fs, const char *name);

/* Writes --help text: "Usage: ...", then one line per flag with its type and default. */
void flags_print_usage(const struct flagset *fs, FILE *out);

/* flags_parse, then on --help print usage to stdout and exit 0; on error print
 * "<program>: <message>" and a hint to stderr and exit 2. */
void flags_parse_or_exit(struct flagset *fs, int argc, char **argv);

#endif
