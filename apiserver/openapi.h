/* The OpenAPI documents kubectl reads: /openapi/v3 (an index of per-group-version documents),
 * /openapi/v3/<gv> with each kind's PATCH operation (the fieldValidation parameter, so kubectl
 * apply leaves validation to the server) and the component schemas of every served kind and
 * the types they reach (kubectl explain), /openapi/v2 as JSON with the same definitions and as
 * the protobuf header document kubectl's v2 fallback reads. The documents are built once, on
 * first use, and shared: every function is thread-safe. */
#ifndef C8S_APISERVER_OPENAPI_H
#define C8S_APISERVER_OPENAPI_H

#include <stddef.h>

#include <jansson.h>

#define OPENAPI_V2_PROTOBUF_CONTENT_TYPE \
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

/* GET /openapi/v3: {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."},...}},
 * the hash that of each document's content. Returns a new reference. */
json_t *openapi_v3_index(void);

/* GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>; NULL when not served. Returns a
 * new reference to the shared document: read it, never modify it. */
json_t *openapi_v3_group_version(const char *group, const char *version);

/* The content hash the index gives for group/version (static storage), or NULL. */
const char *openapi_v3_hash(const char *group, const char *version);

/* GET /openapi/v2 as JSON (Accept: application/json): paths empty, definitions as in the v3
 * documents. Returns a new reference to the shared document: never modify it. */
json_t *openapi_v2_json(void);

/* GET /openapi/v2 as the gnostic protobuf Document {swagger: "2.0", info{title, version}};
 * returns static bytes and their length. */
const unsigned char *openapi_v2_protobuf(size_t *len);

#endif
