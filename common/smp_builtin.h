/* The strategic-merge-patch strategies and merge keys of the built-in Kubernetes types' fields
 * (the patchStrategy / patchMergeKey tags of k8s.io/api), one table for the apiserver, which
 * applies such patches, and c8sctl, which computes them: two copies had drifted apart. */
#ifndef C8S_SMP_BUILTIN_H
#define C8S_SMP_BUILTIN_H

#include "jpatch.h"

/* A schema over every built-in kind at once (paths from the object's root: "spec.containers",
 * "spec.template.spec.containers.env", ...). Constant; thread-safe. */
extern const struct jpatch_smp_schema smp_builtin_schema;

#endif
