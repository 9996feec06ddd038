/* Kubernetes protobuf request bodies to JSON: a generic protobuf wire reader driven by the
 * kproto_schema.c tables. It follows what kube-apiserver's gogo unmarshalers accept (unknown fields
 * skipped, repeated singular fields: last one wins, messages merged, packed or unpacked repeated
 * varints) and what encoding/json would then have written (omitempty, Time, IntOrString...). */
#include "kproto.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64.h"
#include "cleanup.h"
#include "duration.h"
#include "k8stime.h"
#include "kproto_schema.h"

static const uint8_t kproto_magic[4] = {'k', '8', 's', 0};

enum wire_type { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2, WIRE_FIXED32 = 5 };

/* A cursor over wire bytes; p == end once consumed. */
struct reader {
    const uint8_t *p;
    const uint8_t *end;
};

static int read_varint(struct reader *r, uint64_t *out, struct err *err)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p == r->end) {
            return err_set(err, EINVAL, "proto: unexpected EOF");
        }
        uint8_t b = *r->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80) {
            *out = v;
            return 0;
        }
    }
    return err_set(err, EINVAL, "proto: integer overflow");
}

/* Reads a length prefix and hands out the sub-slice it covers. */
static int read_bytes(struct reader *r, struct reader *sub, struct err *err)
{
    uint64_t n;
    int rv = read_varint(r, &n, err);
    if (rv < 0) {
        return rv;
    }
    if (n > (uint64_t)(r->end - r->p)) {
        return err_set(err, EINVAL, "proto: unexpected EOF");
    }
    sub->p = r->p;
    sub->end = r->p + n;
    r->p += n;
    return 0;
}

static int read_tag(struct reader *r, uint32_t *num, int *wire, struct err *err)
{
    uint64_t tag;
    int rv = read_varint(r, &tag, err);
    if (rv < 0) {
        return rv;
    }
    if ((tag >> 3) == 0 || (tag >> 3) > UINT32_MAX >> 3) {
        return err_set(err, EINVAL, "proto: illegal tag %" PRIu64 " (wire type %d)", tag >> 3,
                       (int)(tag & 7));
    }
    *num = (uint32_t)(tag >> 3);
    *wire = (int)(tag & 7);
    return 0;
}

static int skip_value(struct reader *r, int wire, struct err *err)
{
    uint64_t v;
    struct reader sub;
    size_t width;
    switch (wire) {
    case WIRE_VARINT:
        return read_varint(r, &v, err);
    case WIRE_LEN:
        return read_bytes(r, &sub, err);
    case WIRE_FIXED64:
        width = 8;
        break;
    case WIRE_FIXED32:
        width = 4;
        break;
    default:
        /* Groups (3, 4) are proto2 relics that no Kubernetes type uses. */
        return err_set(err, EINVAL, "proto: illegal wireType %d", wire);
    }
    if ((size_t)(r->end - r->p) < width) {
        return err_set(err, EINVAL, "proto: unexpected EOF");
    }
    r->p += width;
    return 0;
}

static const struct kproto_field *find_field(const struct kproto_msg *msg, uint32_t num)
{
    size_t lo = 0, hi = msg->nfields;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (msg->fields[mid].num == num) {
            return &msg->fields[mid];
        }
        if (msg->fields[mid].num < num) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

static bool is_varint_type(enum kproto_type t)
{
    return t == KPROTO_BOOL || t == KPROTO_INT32 || t == KPROTO_INT64;
}

static int wrong_wire(const struct kproto_msg *msg, const struct kproto_field *f, int wire,
                      struct err *err)
{
    return err_set(err, EINVAL, "proto: wrong wireType = %d for field %s in %s", wire,
                   f->json != NULL ? f->json : "(inline)", msg->name);
}

static json_t *varint_value(enum kproto_type t, uint64_t v)
{
    switch (t) {
    case KPROTO_BOOL:
        return json_boolean(v != 0);
    case KPROTO_INT32:
        return json_integer((int32_t)(uint32_t)v);
    default:
        return json_integer((json_int_t)(int64_t)v);
    }
}

static int decode_into(const struct kproto_msg *msg, struct reader r, json_t *obj, int depth,
                       struct err *err);

static json_t *string_value(struct reader s, struct err *err)
{
    json_t *v = json_stringn((const char *)s.p, (size_t)(s.end - s.p));
    if (v == NULL) {
        err_set(err, EINVAL, "proto: string field is not valid UTF-8");
    }
    return v;
}

/* Reads the varint fields 1 and 2 (and string field 3) that Time, Duration and IntOrString
 * share; any other field is skipped. */
struct small_msg {
    int64_t f1;
    int64_t f2;
    struct reader f3;
    bool has_f3;
};

static int read_small_msg(struct reader r, struct small_msg *m, struct err *err)
{
    memset(m, 0, sizeof(*m));
    while (r.p < r.end) {
        uint32_t num;
        int wire, rv;
        uint64_t v;
        if ((rv = read_tag(&r, &num, &wire, err)) < 0) {
            return rv;
        }
        if ((num == 1 || num == 2) && wire == WIRE_VARINT) {
            if ((rv = read_varint(&r, &v, err)) < 0) {
                return rv;
            }
            *(num == 1 ? &m->f1 : &m->f2) = (int64_t)v;
        } else if (num == 3 && wire == WIRE_LEN) {
            if ((rv = read_bytes(&r, &m->f3, err)) < 0) {
                return rv;
            }
            m->has_f3 = true;
        } else if (num <= 3) {
            return err_set(err, EINVAL, "proto: wrong wireType = %d for field %" PRIu32, wire, num);
        } else if ((rv = skip_value(&r, wire, err)) < 0) {
            return rv;
        }
    }
    return 0;
}

/* Field 1 of a {1 bytes/string} message (Quantity, RawExtension, FieldsV1) or of ExtraValue's
 * repeated strings, appended to list when it is not NULL. */
static int read_first_field(struct reader r, struct reader *out, json_t *list, struct err *err)
{
    out->p = out->end = NULL;
    while (r.p < r.end) {
        uint32_t num;
        int wire, rv;
        if ((rv = read_tag(&r, &num, &wire, err)) < 0) {
            return rv;
        }
        if (num != 1) {
            if ((rv = skip_value(&r, wire, err)) < 0) {
                return rv;
            }
            continue;
        }
        if (wire != WIRE_LEN) {
            return err_set(err, EINVAL, "proto: wrong wireType = %d for field 1", wire);
        }
        if ((rv = read_bytes(&r, out, err)) < 0) {
            return rv;
        }
        if (list != NULL) {
            json_t *s = string_value(*out, err);
            if (s == NULL) {
                return -EINVAL;
            }
            json_array_append_new(list, s);
        }
    }
    return 0;
}

/* Turns one length-delimited value into JSON. *out is a new reference, or NULL when the value
 * means "absent" (a zero Time, an empty RawExtension). */
static int len_value(const struct kproto_field *f, struct reader s, int depth, json_t **out,
                     struct err *err)
{
    struct small_msg m;
    struct reader first;
    char buf[K8STIME_STR_MAX];
    int rv;

    *out = NULL;
    switch (f->type) {
    case KPROTO_STRING:
        *out = string_value(s, err);
        return *out != NULL ? 0 : -EINVAL;
    case KPROTO_BYTES: {
        cleanup_free char *text = b64_encode(s.p, (size_t)(s.end - s.p));
        *out = json_string(text);
        return 0;
    }
    case KPROTO_MSG: {
        json_t *obj = json_object();
        if ((rv = decode_into(f->msg, s, obj, depth + 1, err)) < 0) {
            json_decref(obj);
            return rv;
        }
        *out = obj;
        return 0;
    }
    case KPROTO_TIME:
    case KPROTO_MICROTIME: {
        /* metav1.Time writes nothing for the zero time, which JSON shows as null. */
        if (s.p == s.end) {
            return 0;
        }
        if ((rv = read_small_msg(s, &m, err)) < 0) {
            return rv;
        }
        struct timespec ts = {.tv_sec = (time_t)m.f1, .tv_nsec = (long)(int32_t)m.f2};
        if (ts.tv_nsec < 0 || ts.tv_nsec > 999999999) {
            return err_set(err, EINVAL, "proto: timestamp nanos %ld out of range", ts.tv_nsec);
        }
        *out = json_string(f->type == KPROTO_TIME ? k8stime_format(&ts, buf)
                                                  : k8stime_format_micro(&ts, buf));
        return 0;
    }
    case KPROTO_DURATION:
        if ((rv = read_small_msg(s, &m, err)) < 0) {
            return rv;
        }
        *out = json_string(duration_format(m.f1, buf, sizeof(buf)));
        return 0;
    case KPROTO_INTORSTR:
        if ((rv = read_small_msg(s, &m, err)) < 0) {
            return rv;
        }
        if (m.f1 == 1) {
            if (!m.has_f3) {
                *out = json_string("");
                return 0;
            }
            *out = string_value(m.f3, err);
            return *out != NULL ? 0 : -EINVAL;
        }
        *out = json_integer((int32_t)m.f2);
        return 0;
    case KPROTO_QUANTITY:
        if ((rv = read_first_field(s, &first, NULL, err)) < 0) {
            return rv;
        }
        /* A zero Quantity marshals as "0". */
        if (first.p == first.end) {
            *out = json_string("0");
            return 0;
        }
        *out = string_value(first, err);
        return *out != NULL ? 0 : -EINVAL;
    case KPROTO_RAWJSON: {
        if ((rv = read_first_field(s, &first, NULL, err)) < 0) {
            return rv;
        }
        if (first.p == first.end) {
            return 0;
        }
        json_error_t jerr;
        *out = json_loadb((const char *)first.p, (size_t)(first.end - first.p),
                          JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (*out == NULL) {
            return err_set(err, EINVAL, "proto: field %s holds invalid JSON: %s", f->json,
                           jerr.text);
        }
        return 0;
    }
    case KPROTO_STRLIST: {
        json_t *list = json_array();
        if ((rv = read_first_field(s, &first, list, err)) < 0) {
            json_decref(list);
            return rv;
        }
        *out = list;
        return 0;
    }
    default:
        return err_set(err, EINVAL, "proto: field %s is not length-delimited", f->json);
    }
}

/* The zero a map entry's missing value stands for. */
static json_t *zero_value(const struct kproto_field *f)
{
    switch (f->type) {
    case KPROTO_BOOL:
        return json_false();
    case KPROTO_INT32:
    case KPROTO_INT64:
    case KPROTO_INTORSTR:
        return json_integer(0);
    case KPROTO_MSG:
        return json_object();
    case KPROTO_STRLIST:
        return json_array();
    case KPROTO_QUANTITY:
        return json_string("0");
    case KPROTO_TIME:
    case KPROTO_MICROTIME:
    case KPROTO_RAWJSON:
        return json_null();
    default:
        return json_string("");
    }
}

static int decode_map_entry(const struct kproto_msg *msg, const struct kproto_field *f,
                            struct reader r, json_t *obj, int depth, struct err *err)
{
    cleanup_json json_t *key = NULL;
    cleanup_json json_t *value = NULL;
    while (r.p < r.end) {
        uint32_t num;
        int wire, rv;
        if ((rv = read_tag(&r, &num, &wire, err)) < 0) {
            return rv;
        }
        if (num == 1 || (num == 2 && !is_varint_type(f->type))) {
            struct reader s;
            if (wire != WIRE_LEN) {
                return wrong_wire(msg, f, wire, err);
            }
            if ((rv = read_bytes(&r, &s, err)) < 0) {
                return rv;
            }
            json_t *v = NULL;
            if (num == 1) {
                if ((v = string_value(s, err)) == NULL) {
                    return -EINVAL;
                }
                json_decref(key);
                key = v;
            } else {
                if ((rv = len_value(f, s, depth, &v, err)) < 0) {
                    return rv;
                }
                json_decref(value);
                value = v;
            }
        } else if (num == 2) {
            uint64_t v;
            if (wire != WIRE_VARINT) {
                return wrong_wire(msg, f, wire, err);
            }
            if ((rv = read_varint(&r, &v, err)) < 0) {
                return rv;
            }
            json_decref(value);
            value = varint_value(f->type, v);
        } else if ((rv = skip_value(&r, wire, err)) < 0) {
            return rv;
        }
    }
    json_t *map = json_object_get(obj, f->json);
    if (!json_is_object(map)) {
        map = json_object();
        json_object_set_new(obj, f->json, map);
    }
    json_object_set_new(map, key != NULL ? json_string_value(key) : "",
                        value != NULL ? steal_ptr(&value) : zero_value(f));
    return 0;
}

static json_t *array_at(json_t *obj, const char *name)
{
    json_t *list = json_object_get(obj, name);
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(obj, name, list);
    }
    return list;
}

static bool is_empty_scalar(const json_t *v)
{
    return json_is_false(v) || (json_is_integer(v) && json_integer_value(v) == 0) ||
           (json_is_string(v) && json_string_length(v) == 0);
}

/* Stores a singular value; omitempty zeros and absent values (NULL) remove the key, since a
 * later occurrence of a field replaces an earlier one. Takes ownership of v. */
static void set_singular(json_t *obj, const struct kproto_field *f, json_t *v)
{
    if (v == NULL || ((f->flags & KPROTO_OMITEMPTY) && is_empty_scalar(v))) {
        json_decref(v);
        json_object_del(obj, f->json);
        return;
    }
    json_object_set_new(obj, f->json, v);
}

static int decode_varint_field(const struct kproto_msg *msg, const struct kproto_field *f,
                               struct reader *r, int wire, json_t *obj, struct err *err)
{
    uint64_t v;
    int rv;
    if (wire == WIRE_LEN && (f->flags & KPROTO_REPEATED)) {
        struct reader packed;
        if ((rv = read_bytes(r, &packed, err)) < 0) {
            return rv;
        }
        json_t *list = array_at(obj, f->json);
        while (packed.p < packed.end) {
            if ((rv = read_varint(&packed, &v, err)) < 0) {
                return rv;
            }
            json_array_append_new(list, varint_value(f->type, v));
        }
        return 0;
    }
    if (wire != WIRE_VARINT) {
        return wrong_wire(msg, f, wire, err);
    }
    if ((rv = read_varint(r, &v, err)) < 0) {
        return rv;
    }
    if (f->flags & KPROTO_REPEATED) {
        json_array_append_new(array_at(obj, f->json), varint_value(f->type, v));
    } else {
        set_singular(obj, f, varint_value(f->type, v));
    }
    return 0;
}

static int decode_len_field(const struct kproto_msg *msg, const struct kproto_field *f,
                            struct reader *r, int wire, json_t *obj, int depth, struct err *err)
{
    struct reader s;
    json_t *v = NULL;
    int rv;
    if (wire != WIRE_LEN) {
        return wrong_wire(msg, f, wire, err);
    }
    if ((rv = read_bytes(r, &s, err)) < 0) {
        return rv;
    }
    if (f->flags & KPROTO_MAP) {
        return decode_map_entry(msg, f, s, obj, depth, err);
    }
    if (f->flags & KPROTO_INLINE) {
        return decode_into(f->msg, s, obj, depth + 1, err);
    }
    if (f->type == KPROTO_MSG && !(f->flags & KPROTO_REPEATED)) {
        /* As gogo's Unmarshal does, a repeated message field merges into the first. */
        json_t *prev = json_object_get(obj, f->json);
        if (json_is_object(prev)) {
            return decode_into(f->msg, s, prev, depth + 1, err);
        }
    }
    if ((rv = len_value(f, s, depth, &v, err)) < 0) {
        return rv;
    }
    if (f->flags & KPROTO_REPEATED) {
        json_array_append_new(array_at(obj, f->json), v != NULL ? v : json_null());
    } else {
        set_singular(obj, f, v);
    }
    return 0;
}

static int decode_into(const struct kproto_msg *msg, struct reader r, json_t *obj, int depth,
                       struct err *err)
{
    if (depth > KPROTO_MAX_DEPTH) {
        return err_set(err, EINVAL, "proto: messages nested deeper than %d levels",
                       KPROTO_MAX_DEPTH);
    }
    while (r.p < r.end) {
        uint32_t num;
        int wire, rv;
        if ((rv = read_tag(&r, &num, &wire, err)) < 0) {
            return rv;
        }
        const struct kproto_field *f = find_field(msg, num);
        if (f == NULL) {
            rv = skip_value(&r, wire, err);
        } else if (is_varint_type(f->type) && !(f->flags & KPROTO_MAP)) {
            rv = decode_varint_field(msg, f, &r, wire, obj, err);
        } else {
            rv = decode_len_field(msg, f, &r, wire, obj, depth, err);
        }
        if (rv < 0) {
            return rv;
        }
    }
    return 0;
}

json_t *kproto_decode_message(const struct kproto_msg *msg, const uint8_t *data, size_t len,
                              struct err *err)
{
    static const uint8_t empty[1];
    if (data == NULL) {
        data = empty; /* no raw field at all: an empty message */
        len = 0;
    }
    struct reader r = {data, data + len};
    json_t *obj = json_object();
    if (decode_into(msg, r, obj, 0, err) < 0) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

static const struct kproto_kind *find_kind(const char *api_version, const char *kind)
{
    for (size_t i = 0; i < kproto_kind_count; i++) {
        const struct kproto_kind *k = &kproto_kinds[i];
        if (strcmp(k->kind, kind) == 0 &&
            (k->api_version == NULL || strcmp(k->api_version, api_version) == 0)) {
            return k;
        }
    }
    return NULL;
}

bool kproto_knows(const char *api_version, const char *kind)
{
    return api_version != NULL && kind != NULL && find_kind(api_version, kind) != NULL;
}

/* The runtime.Unknown envelope after the magic. */
struct envelope {
    json_t *type_meta; /* {apiVersion, kind}, a new reference */
    struct reader raw;
    struct reader content_encoding;
};

static const struct kproto_field type_meta_fields[] = {
    {1, KPROTO_STRING, KPROTO_OMITEMPTY, "apiVersion", NULL},
    {2, KPROTO_STRING, KPROTO_OMITEMPTY, "kind", NULL},
};
static const struct kproto_msg type_meta_msg = {"runtime.TypeMeta", type_meta_fields, 2};

static int read_envelope(struct reader r, struct envelope *env, struct err *err)
{
    while (r.p < r.end) {
        uint32_t num;
        int wire, rv;
        struct reader s;
        if ((rv = read_tag(&r, &num, &wire, err)) < 0) {
            return rv;
        }
        if (num > 4) {
            if ((rv = skip_value(&r, wire, err)) < 0) {
                return rv;
            }
            continue;
        }
        if (wire != WIRE_LEN) {
            return err_set(err, EINVAL,
                           "proto: wrong wireType = %d for field %" PRIu32 " in runtime.Unknown",
                           wire, num);
        }
        if ((rv = read_bytes(&r, &s, err)) < 0) {
            return rv;
        }
        if (num == 1) {
            json_decref(env->type_meta);
            env->type_meta = kproto_decode_message(&type_meta_msg, s.p, (size_t)(s.end - s.p), err);
            if (env->type_meta == NULL) {
                return -EINVAL;
            }
        } else if (num == 2) {
            env->raw = s;
        } else if (num == 3) {
            env->content_encoding = s;
        }
    }
    return 0;
}

json_t *kproto_decode(const void *body, size_t len, struct err *err)
{
    const uint8_t *p = body;
    /* kube-apiserver's protobuf serializer says the same. */
    if (len == 0) {
        err_set(err, EINVAL, "empty data");
        return NULL;
    }
    if (len < sizeof(kproto_magic) || memcmp(p, kproto_magic, sizeof(kproto_magic)) != 0) {
        err_set(err, EINVAL,
                "provided data does not appear to be a protobuf message, expected prefix "
                "[107 56 115 0]");
        return NULL;
    }
    struct envelope env = {0};
    struct reader r = {p + sizeof(kproto_magic), p + len};
    cleanup_json json_t *type_meta = NULL;
    int rv = read_envelope(r, &env, err);
    type_meta = env.type_meta;
    if (rv < 0) {
        return NULL;
    }
    if (env.content_encoding.p != env.content_encoding.end) {
        err_set(err, ENOTSUP, "unsupported protobuf contentEncoding \"%.*s\"",
                (int)(env.content_encoding.end - env.content_encoding.p),
                (const char *)env.content_encoding.p);
        return NULL;
    }
    const char *api_version = json_string_value(json_object_get(type_meta, "apiVersion"));
    const char *kind = json_string_value(json_object_get(type_meta, "kind"));
    if (kind == NULL) {
        err_set(err, EINVAL, "Object 'Kind' is missing in the protobuf envelope");
        return NULL;
    }
    const struct kproto_kind *k = find_kind(api_version != NULL ? api_version : "", kind);
    if (k == NULL) {
        err_set(err, ENOTSUP, "no kind \"%s\" is registered for version \"%s\"", kind,
                api_version != NULL ? api_version : "");
        return NULL;
    }
    json_t *obj = kproto_decode_message(k->msg, env.raw.p, (size_t)(env.raw.end - env.raw.p), err);
    if (obj == NULL) {
        err_wrap(err, "%s %s", api_version != NULL ? api_version : "", kind);
        return NULL;
    }
    if (api_version != NULL) {
        json_object_set(obj, "apiVersion", json_object_get(type_meta, "apiVersion"));
    }
    json_object_set(obj, "kind", json_object_get(type_meta, "kind"));
    return obj;
}
