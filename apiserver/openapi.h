/* The OpenAPI documents kubectl needs before it sends a manifest (apply, create -f, replace -f):
 * /openapi/v3 (an index of per-group-version documents) and /openapi/v3/<gv> listing each
 * kind's PATCH operation with the fieldValidation parameter, so kubectl leaves validation to the
 * server; /openapi/v2 as the protobuf document kubectl's v2 fallback reads (kind: List files).
 * Schemas of the types are not there yet, so `kubectl explain` has nothing to show. All return
 * new references (or static bytes) and are thread-safe. */
#ifndef C8S_APISERVER_OPENAPI_H
#define C8S_APISERVER_OPENAPI_H

#include <stddef.h>

#include <jansson.h>

#define OPENAPI_V2_PROTOBUF_CONTENT_TYPE \
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

/* GET /openapi/v3: {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."},...}}. */
json_t *openapi_v3_index(void);

/* GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>; NULL when not served. */
json_t *openapi_v3_group_version(const char *group, const char *version);

/* GET /openapi/v2 as JSON (Accept: application/json). */
json_t *openapi_v2_json(void);

/* GET /openapi/v2 as the gnostic protobuf Document {swagger: "2.0", info{title, version}};
 * returns static bytes and their length. */
const unsigned char *openapi_v2_protobuf(size_t *len);

#endif
