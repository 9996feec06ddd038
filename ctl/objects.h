/* What the writing commands of c8sctl share, as kubectl's resource builder provides it:
 * "TYPE NAME..." and "TYPE/NAME..." arguments, manifests from -f (files, folders, "-",
 * multi-document YAML and JSON), and the strategic-merge-patch keys of the built-in types
 * (the patchMergeKey/patchStrategy tags of k8s.io/api) for client-side apply. */
#ifndef C8S_CTL_OBJECTS_H
#define C8S_CTL_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ctl.h"
#include "jpatch.h"

/* One object named on the command line. */
struct target {
    const struct mapper_resource *r; /* borrowed from the mapper */
    char *name;                      /* owned */
};

/* One object read from -f: its source (the file name as given, "STDIN" for "-") and body. */
struct manifest {
    char *source;
    json_t *obj; /* new reference */
};

/* Resolves args[0..n) as "TYPE NAME..." or "TYPE/NAME...". Returns 0 with *out (owned array,
 * free with targets_free) or prints kubectl's error and returns 1. A type without names gives
 * zero targets when allow_type_only, else kubectl's "no name was specified" error. */
int objects_targets(struct ctl *c, char **args, size_t n, bool allow_type_only, struct target **out,
                    size_t *count, const struct mapper_resource **type_only);
void objects_targets_free(struct target *t, size_t n);

/* Reads every -f path: files, folders (their .json/.yaml/.yml files in name order; subfolders
 * with recursive) and "-" (stdin). Returns 0 with an owned array (objects_manifests_free) or
 * prints kubectl's error and returns 1. */
int objects_read(struct ctl *c, const struct cli_strv *paths, bool recursive, struct manifest **out,
                 size_t *count);
void objects_manifests_free(struct manifest *m, size_t n);

/* The strategic-merge schema for a built-in group (NULL for other groups: a JSON merge patch,
 * as kubectl uses for custom resources). Static storage. */
const struct jpatch_smp_schema *objects_smp_schema(const struct mapper_resource *r);

/* "deployment.apps/web": kubectl's name for an object in its messages. Owned. */
char *objects_display(const struct mapper_resource *r, const char *name);

/* The annotation client-side apply keeps the applied configuration in. */
#define OBJECTS_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* kubectl's GetModifiedConfiguration: a copy of obj with an annotations map and without the
 * last-applied annotation; with annotate, that copy's compact JSON (and a newline) is then set
 * as the annotation, as apply sends it. New reference; borrows obj. */
json_t *objects_modified_configuration(const json_t *obj, bool annotate);

/* --dry-run's modes. */
enum dry_run { DRY_RUN_NONE, DRY_RUN_CLIENT, DRY_RUN_SERVER };

/* Parses --dry-run's value ("none", "client", "server"; the bare flag and Go's booleans with
 * kubectl's deprecation warnings). Returns 0, or prints kubectl's "Invalid dry-run value" error
 * and returns 1. */
int objects_dry_run(struct ctl *c, const char *value, enum dry_run *out);

/* Parses --cascade's value as kubectl's GetCascadingStrategy: background, foreground, orphan,
 * or a Go boolean (deprecated, with kubectl's warning: true is background, false orphan) into
 * the propagationPolicy sent ("Background", ...; static strings). Returns 0, or prints kubectl's
 * "invalid cascade value" error and returns 1. */
int objects_cascade(struct ctl *c, const char *value, const char **propagation);

/* Parses --validate's value into the fieldValidation kubectl sends: "strict" or true ->
 * "Strict", "warn" -> "Warn", "ignore" or false -> "Ignore" (static strings). Returns 0, or
 * prints kubectl's "invalid - validate option" error and returns 1. */
int objects_validation(struct ctl *c, const char *value, const char **directive);

/* Checks -o for a writing command ("", name, json, yaml, go-template[-file]=...; a template
 * is parsed here, before anything is sent, as kubectl does). Returns 0 or prints kubectl's
 * "unable to match a printer" or template error and returns 1. */
int objects_check_output(struct ctl *c, const char *output);

/* "secret/x", "deployment.apps/web": kubectl's name for an object from its kind and
 * apiVersion (no discovery needed). Owned. */
char *objects_display_obj(const json_t *obj);

/* Prints a written object as kubectl's printers do: "<display> <verb>" with " (dry run)" or
 * " (server dry run)", or the name, or the object as JSON (insertion order when ordered, else
 * sorted) or YAML, or through a go-template. Borrows obj. Returns 0, or 1 after printing a
 * template's execution error (kubectl then exits 1). */
int objects_print_result(struct ctl *c, const json_t *obj, const char *display, const char *verb,
                         const char *output, enum dry_run dry_run, bool ordered);

/* "dryRun=All&" for a server dry run, "" otherwise: the query parameter kubectl sends (it
 * sorts before fieldManager, so it goes first). Static storage. */
const char *objects_dry_run_query(enum dry_run dry_run);

/* kubectl's OmitManagedFieldsPrinter: removes metadata.managedFields from obj and from each
 * of its items (a List). Changes obj in place. */
void objects_omit_managed_fields(json_t *obj);

/* What ctl_run_files does with each object of the files. */
enum run_kind {
    RUN_CREATE,            /* POST (create -f) */
    RUN_APPLY,             /* client-side apply */
    RUN_SERVER_SIDE_APPLY, /* PATCH application/apply-patch+yaml */
    RUN_REPLACE,           /* PUT (replace -f) */
};

struct run_files_opts {
    enum run_kind kind;
    bool recursive;
    const char *output; /* "", name, json, yaml */
    enum dry_run dry_run;
    const char *field_manager; /* server-side apply's, NULL for "kubectl" */
    bool force_conflicts;
    const char *validation; /* fieldValidation: "Strict", "Warn", "Ignore" */
};

/* Shared by apply, create -f and replace -f: reads the files and handles each object,
 * continuing after failures as kubectl does; prints each result. Returns the exit status. */
int ctl_run_files(struct ctl *c, const struct cli_strv *files, const struct run_files_opts *o);

#endif
