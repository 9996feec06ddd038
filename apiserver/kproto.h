/* Kubernetes protobuf request bodies (Content-Type application/vnd.kubernetes.protobuf), which
 * kubectl 1.32's typed clients send for `create <generator>`, `autoscale`, `auth can-i`,
 * `create token` and drain's DELETE: the "k8s\0" magic, then a runtime.Unknown envelope
 * {1 typeMeta{1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType} whose raw bytes
 * are the object's message as k8s.io/api's generated.proto numbers its fields. Decoding gives
 * the JSON the same request would have carried. Thread-safe (the schema tables are constant). */
#ifndef C8S_APISERVER_KPROTO_H
#define C8S_APISERVER_KPROTO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

#define KPROTO_CONTENT_TYPE "application/vnd.kubernetes.protobuf"

/* Decodes a whole request body. Returns a new reference to the object as JSON, with apiVersion
 * and kind set from the envelope; NULL with err filled (-EINVAL: no magic, truncated or
 * malformed wire data; -ENOTSUP: a kind this table does not describe, message naming it), which
 * the apiserver answers with 415 or 400 as kube-apiserver would. Empty values the gogo encoder
 * always writes (empty strings, zero numbers, empty timestamps) come out as absent fields, as the
 * JSON encoder's omitempty would have left them. */
json_t *kproto_decode(const void *body, size_t len, struct err *err);

/* True when apiVersion/kind (e.g. "apps/v1", "Deployment") can be decoded. */
bool kproto_knows(const char *api_version, const char *kind);

#endif
