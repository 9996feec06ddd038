/* The schema tables behind kproto.h (internal: only kproto.c, kproto_schema.c and the tests
 * include this). A message is a sorted list of fields; each maps a generated.proto field number
 * to the JSON name and value kind that k8s.io/api's Go types give it. */
#ifndef C8S_APISERVER_KPROTO_SCHEMA_H
#define C8S_APISERVER_KPROTO_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

/* How a field's bytes become JSON. The scalar kinds are plain protobuf; the rest are the
 * apimachinery types whose JSON form differs from their message. */
enum kproto_type {
    KPROTO_STRING,    /* string */
    KPROTO_BOOL,      /* varint, true/false */
    KPROTO_INT32,     /* varint, a JSON number */
    KPROTO_INT64,     /* varint, a JSON number */
    KPROTO_BYTES,     /* bytes, base64 text */
    KPROTO_MSG,       /* a nested message (msg), a JSON object */
    KPROTO_TIME,      /* metav1.Time {1 seconds, 2 nanos}: "2006-01-02T15:04:05Z", empty = absent */
    KPROTO_MICROTIME, /* metav1.MicroTime: the same with microseconds */
    KPROTO_DURATION,  /* metav1.Duration {1 nanoseconds}: "1h0m0s" */
    KPROTO_INTORSTR,  /* intstr.IntOrString {1 type, 2 intVal, 3 strVal}: a number or a string */
    KPROTO_QUANTITY,  /* resource.Quantity {1 string}: "100m" */
    KPROTO_RAWJSON,   /* runtime.RawExtension, metav1.FieldsV1 {1 raw}: the raw JSON itself */
    KPROTO_STRLIST,   /* authn/authz ExtraValue {1 repeated string}: a JSON array */
};

enum kproto_flag {
    KPROTO_REPEATED = 1 << 0,  /* a JSON array of the type */
    KPROTO_MAP = 1 << 1,       /* map<string, type>: repeated {1 key, 2 value} entries */
    KPROTO_OMITEMPTY = 1 << 2, /* a non-pointer `omitempty` scalar: zero/"" means absent */
    KPROTO_INLINE = 1 << 3,    /* an embedded struct whose fields JSON puts in the parent */
};

struct kproto_msg;

struct kproto_field {
    uint32_t num;                 /* the generated.proto field number */
    enum kproto_type type;        /* of the field, or of the map value */
    unsigned flags;               /* enum kproto_flag */
    const char *json;             /* the JSON name; NULL for KPROTO_INLINE */
    const struct kproto_msg *msg; /* for KPROTO_MSG */
};

struct kproto_msg {
    const char *name;                  /* "core/v1.Container", for error messages */
    const struct kproto_field *fields; /* sorted by num */
    size_t nfields;
};

struct kproto_kind {
    const char *api_version; /* NULL: any (DeleteOptions is registered in every group version) */
    const char *kind;
    const struct kproto_msg *msg;
};

extern const struct kproto_kind kproto_kinds[];
extern const size_t kproto_kind_count;

/* Messages nest at most this deep; deeper input is -EINVAL. The k8s.io/api tables nest about a
 * dozen levels, so this only guards recursive schemas. */
#define KPROTO_MAX_DEPTH 32

/* Decodes one message's wire bytes per msg into a new JSON object (returns a new reference);
 * NULL with err filled (-EINVAL) on malformed data. kproto_decode's worker, exposed for tests. */
json_t *kproto_decode_message(const struct kproto_msg *msg, const uint8_t *data, size_t len,
                              struct err *err);

#endif
