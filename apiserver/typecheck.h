/* Request bodies checked against the built-in types as kube-apiserver decodes them: Go's
 * encoding/json into the k8s.io/api structs (sigs.k8s.io/json, case-sensitive, strict mode
 * listing unknown fields), runtime.DefaultUnstructuredConverter for strategic merge patches,
 * and structured-merge-diff's typed conversion for server-side apply. The types come from the
 * OpenAPI component schemas (openapi_schema.h). Thread-safe. */
#ifndef C8S_APISERVER_TYPECHECK_H
#define C8S_APISERVER_TYPECHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* How the value reaches the Go types, which decides the error wording. */
enum typecheck_mode {
    TYPECHECK_JSON,         /* encoding/json (create, update, JSON and merge patches) */
    TYPECHECK_UNSTRUCTURED, /* FromUnstructured (strategic merge patches) */
    TYPECHECK_APPLY,        /* structured-merge-diff ObjectToTyped (apply patches) */
};

struct typecheck_result {
    /* The decoding error as Kubernetes words it (owned), NULL when the value decodes:
     * "json: cannot unmarshal bool into Go struct field ConfigMap.data of type string". */
    char *error;
    /* Strict decoding errors, `unknown field "spec.bogus"` (owned array of strings, in
     * Kubernetes' order; never NULL after typecheck_value). Meaningful only without error. */
    json_t *unknown;
};

/* The schema name of the kind a request body of resource (group, version, kind) and
 * subresource ("" for none) decodes into: "io.k8s.api.core.v1.ConfigMap",
 * "io.k8s.api.policy.v1.Eviction" for pods/eviction; NULL when the body is not one of the
 * checked kinds. Writes into buf and returns it. */
const char *typecheck_kind_schema(const char *group, const char *version, const char *kind,
                                  const char *subresource, char *buf, size_t size);

/* Checks obj (a JSON object) against the schema named type and changes it as the Go types
 * keep it: unknown fields removed (except inside free-form fields), null struct members
 * removed, null map and list items become the element's zero value, quantities in canonical
 * form. from_yaml accepts integral floats for integers (YAML to JSON writes them so). Fills
 * *out (release with typecheck_result_free); returns false when out->error is set. A type
 * without a schema passes unchanged. */
bool typecheck_value(const char *type, json_t *obj, enum typecheck_mode mode, bool from_yaml,
                     struct typecheck_result *out);

void typecheck_result_free(struct typecheck_result *r);

/* "strict decoding error: unknown field \"a\", unknown field \"b\"" (runtime's
 * strictDecodingError); an owned string. */
char *typecheck_strict_message(const json_t *unknown);

/* Go's fmt %+v of a decoded JSON value (map[a:1 b:[x y]]), as strategic merge patch errors
 * print the patch; an owned string. */
char *typecheck_go_format(const json_t *v);

#endif
