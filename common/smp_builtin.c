/* The built-in types' strategic-merge-patch table (see smp_builtin.h). Paths not listed merge
 * as maps and replace lists, which is what the remaining fields' tags say. */
#include "smp_builtin.h"

/* A PodSpec's merging lists, under each place a PodSpec sits. */
#define POD_SPEC_KEYS(prefix)                                                          \
    {prefix ".containers", JPATCH_SMP_MERGE, "name"},                                  \
        {prefix ".initContainers", JPATCH_SMP_MERGE, "name"},                          \
        {prefix ".ephemeralContainers", JPATCH_SMP_MERGE, "name"},                     \
        {prefix ".containers.ports", JPATCH_SMP_MERGE, "containerPort"},               \
        {prefix ".initContainers.ports", JPATCH_SMP_MERGE, "containerPort"},           \
        {prefix ".containers.env", JPATCH_SMP_MERGE, "name"},                          \
        {prefix ".initContainers.env", JPATCH_SMP_MERGE, "name"},                      \
        {prefix ".containers.volumeMounts", JPATCH_SMP_MERGE, "mountPath"},            \
        {prefix ".initContainers.volumeMounts", JPATCH_SMP_MERGE, "mountPath"},        \
        {prefix ".containers.volumeDevices", JPATCH_SMP_MERGE, "devicePath"},          \
        {prefix ".initContainers.volumeDevices", JPATCH_SMP_MERGE, "devicePath"},      \
        {prefix ".volumes", JPATCH_SMP_MERGE | JPATCH_SMP_RETAIN_KEYS, "name"},        \
        {prefix ".imagePullSecrets", JPATCH_SMP_MERGE, "name"},                        \
        {prefix ".hostAliases", JPATCH_SMP_MERGE, "ip"},                               \
        {prefix ".topologySpreadConstraints", JPATCH_SMP_MERGE, "topologyKey"},        \
        {prefix ".resourceClaims", JPATCH_SMP_MERGE | JPATCH_SMP_RETAIN_KEYS, "name"}, \
    {                                                                                  \
        prefix ".schedulingGates", JPATCH_SMP_MERGE, "name"                            \
    }

static const struct jpatch_smp_table_entry BUILTIN_KEYS[] = {
    {"metadata.ownerReferences", JPATCH_SMP_MERGE, "uid"},
    {"metadata.finalizers", JPATCH_SMP_MERGE, NULL},
    POD_SPEC_KEYS("spec"),                                /* Pod */
    POD_SPEC_KEYS("spec.template.spec"),                  /* workloads, Job */
    POD_SPEC_KEYS("spec.jobTemplate.spec.template.spec"), /* CronJob */
    POD_SPEC_KEYS("template.spec"),                       /* PodTemplate */
    {"spec.ports", JPATCH_SMP_MERGE, "port"}, /* Service (Pods use containerPort inside) */
    {"spec.strategy", JPATCH_SMP_RETAIN_KEYS, NULL},
    {"spec.updateStrategy", JPATCH_SMP_RETAIN_KEYS, NULL},
    {"status.conditions", JPATCH_SMP_MERGE, "type"},
    {"status.addresses", JPATCH_SMP_MERGE, "type"},
    {NULL, 0, NULL},
};

const struct jpatch_smp_schema smp_builtin_schema = {jpatch_smp_table_lookup, (void *)BUILTIN_KEYS};
