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

#endif
