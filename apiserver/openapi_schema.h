/* Internal to the OpenAPI documents (openapi.c, openapi_schema.c, openapi_types.c,
 * openapi_text.c and the tests): turns the kproto field tables, plus tables of our own for what
 * they lack, into OpenAPI v3 component schemas shaped as kube-openapi emits them for 1.32.
 * Types are named as in the kproto tables ("core/v1.Container"); schemas as in Kubernetes
 * ("io.k8s.api.core.v1.Container"). */
#ifndef C8S_APISERVER_OPENAPI_SCHEMA_H
#define C8S_APISERVER_OPENAPI_SCHEMA_H

#include <stddef.h>

#include <jansson.h>

#include "kproto_schema.h"

/* A field of a type the kproto tables lack; ref names the KPROTO_MSG type. */
struct openapi_field {
    const char *json;
    enum kproto_type type;
    unsigned flags; /* KPROTO_REPEATED, KPROTO_MAP */
    const char *ref;
};

struct openapi_type {
    const char *name; /* "core/v1.Node" */
    const struct openapi_field *fields;
    size_t nfields;
};

/* type.field really has type ref where the kproto tables reuse an identical message. */
struct openapi_alias {
    const char *type;
    const char *field;
    const char *ref;
};

struct openapi_required {
    const char *type;
    const char *field;
};

struct openapi_enum {
    const char *type;
    const char *field;
    const char *values; /* sorted, '|'-separated; "" is a value when the list starts with '|' */
};

/* Our own words (never Kubernetes' text); field NULL describes the type itself. */
struct openapi_text {
    const char *type;
    const char *field;
    const char *text;
};

extern const struct openapi_type openapi_extra_types[];
extern const size_t openapi_extra_type_count;
extern const struct openapi_alias openapi_aliases[];
extern const size_t openapi_alias_count;
extern const struct openapi_required openapi_required_fields[];
extern const size_t openapi_required_count;
extern const struct openapi_enum openapi_enums[];
extern const size_t openapi_enum_count;
extern const struct openapi_text openapi_texts[];
extern const size_t openapi_text_count;

/* "core/v1.Pod" -> "io.k8s.api.core.v1.Pod", "meta/v1.Time" ->
 * "io.k8s.apimachinery.pkg.apis.meta.v1.Time", into buf. */
const char *openapi_schema_name(const char *type, char *buf, size_t size);

/* The component schemas of every served kind of group/version and of every type they reach,
 * as a new JSON object (name -> schema; returns a new reference), or NULL when the group/version
 * serves nothing. Kind schemas carry apiVersion, kind and x-kubernetes-group-version-kind.
 * Pure: thread-safe, but builds afresh on each call (openapi.c caches). */
json_t *openapi_schemas_build(const char *group, const char *version);

/* The component schemas of every served kind of every group/version, and of the kinds only
 * subresources take (the kproto kinds: autoscaling/v1 Scale, policy/v1 Eviction, ...), with
 * every type they reach, in one new JSON object (returns a new reference). Pure and
 * thread-safe; builds afresh on each call (typecheck.c keeps one). */
json_t *openapi_schemas_build_all(void);

#endif
