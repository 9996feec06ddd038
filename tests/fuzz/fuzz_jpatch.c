/* Fuzzes the three patch appliers (and the patch creators) with arbitrary (document, patch) pairs:
 * the input is split at its first NUL byte, or else its first newline. Errors are fine; crashes,
 * sanitizer reports and leaks are not. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "jpatch.h"
#include "jpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct jpatch_smp_table_entry TABLE[] = {
    {"metadata.finalizers", JPATCH_SMP_MERGE, NULL},
    {"spec.containers", JPATCH_SMP_MERGE, "name"},
    {"spec.containers.ports", JPATCH_SMP_MERGE, "containerPort"},
    {"spec.volumes", JPATCH_SMP_MERGE | JPATCH_SMP_RETAIN_KEYS, "name"},
    {"spec.strategy", JPATCH_SMP_RETAIN_KEYS, NULL},
    {"spec.selector", JPATCH_SMP_REPLACE, NULL},
    {"a", JPATCH_SMP_MERGE, "k"},
    {"b", JPATCH_SMP_MERGE, NULL},
    {NULL, 0, NULL},
};

static void drop(json_t *v)
{
    json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, '\0', size);
    if (sep == NULL) {
        sep = memchr(data, '\n', size);
    }
    if (sep == NULL) {
        return 0;
    }
    size_t doc_len = (size_t)(sep - data);
    json_t *doc = json_loadb((const char *)data, doc_len, JSON_DECODE_ANY, NULL);
    json_t *patch = json_loadb((const char *)sep + 1, size - doc_len - 1, JSON_DECODE_ANY, NULL);
    if (doc != NULL && patch != NULL) {
        const struct jpatch_smp_schema schema = {jpatch_smp_table_lookup, (void *)TABLE};
        struct err err;
        json_t *before = json_deep_copy(doc);
        drop(jpatch_merge_apply(doc, patch, &err));
        drop(jpatch_merge_create(doc, patch, &err));
        drop(jpatch_json_apply(doc, patch, &err));
        drop(jpatch_smp_apply(doc, patch, &schema, &err));
        drop(jpatch_smp_apply(doc, patch, NULL, &err));
        json_t *two = jpatch_smp_create(doc, patch, &schema, &err);
        if (two != NULL) {
            drop(jpatch_smp_apply(doc, two, &schema, &err));
        }
        drop(two);
        drop(jpatch_smp_create_three_way(doc, patch, doc, &schema, &err));
        /* Every function borrows its inputs. */
        if (!jpath_equal(before, doc)) {
            __builtin_trap();
        }
        json_decref(before);
    }
    json_decref(doc);
    json_decref(patch);
    return 0;
}
