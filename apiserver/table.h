/* Server-side Tables (meta.k8s.io/v1 Table), what `kubectl get` asks for with
 * Accept: application/json;as=Table;v=v1;g=meta.k8s.io: the columns kube-apiserver 1.32 prints
 * for each built-in type (pods: NAME READY STATUS RESTARTS AGE, -o wide adds IP NODE ...), one
 * row per object carrying the object as PartialObjectMetadata (or whole with
 * includeObject=Object) so that -A, --show-labels, -L and --sort-by work. Pure and thread-safe. */
#ifndef C8S_APISERVER_TABLE_H
#define C8S_APISERVER_TABLE_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "resources.h"

enum table_include {
    TABLE_INCLUDE_NONE,
    TABLE_INCLUDE_METADATA, /* the default: PartialObjectMetadata */
    TABLE_INCLUDE_OBJECT,
};

/* True when an Accept header asks for a Table (as=Table;g=meta.k8s.io, v1 or v1beta1). */
bool table_wanted(const char *accept);

/* The includeObject query parameter ("None", "Metadata", "Object"; NULL = Metadata). */
enum table_include table_parse_include(const char *include_object);

/* A Table of list_or_object (a List with items, or one object) of resource r, with ages relative
 * to now. Returns a new reference. The Table's metadata carries the list's resourceVersion and
 * continue token. */
json_t *table_build(const struct resource *r, const json_t *list_or_object,
                    enum table_include include, time_t now);

#endif
