/* Protobuf request bodies: the bytes real kubectl 1.32 sent for each create generator, autoscale,
 * auth can-i/whoami, create token and drain's DELETE (kproto_fixtures/NAME.pb) decode to the JSON
 * that `--dry-run=client -o json` printed for the same command (NAME.json, nulls removed). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "kproto.h"
#include "kproto_schema.h"
#include "xalloc.h"

/* The fixtures sit next to this file; CMake compiles it by absolute path. */
static char *fixture_path(const char *name, const char *ext)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir_len = slash != NULL ? (int)(slash - __FILE__) : 1;
    const char *dir = slash != NULL ? __FILE__ : ".";
    char *path = NULL;
    assert_true(asprintf(&path, "%.*s/kproto_fixtures/%s.%s", dir_len, dir, name, ext) > 0);
    return path;
}

static uint8_t *read_fixture(const char *name, const char *ext, size_t *len)
{
    cleanup_free char *path = fixture_path(name, ext);
    cleanup_file FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fail_msg("cannot open %s", path);
    }
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    uint8_t *data = xmalloc((size_t)size + 1);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    data[size] = 0;
    *len = (size_t)size;
    return data;
}

static void assert_fixture_decodes(const char *name)
{
    size_t pb_len, json_len;
    cleanup_free uint8_t *pb = read_fixture(name, "pb", &pb_len);
    cleanup_free uint8_t *text = read_fixture(name, "json", &json_len);
    json_error_t jerr;
    cleanup_json json_t *want = json_loadb((const char *)text, json_len, 0, &jerr);
    if (want == NULL) {
        fail_msg("%s.json: %s", name, jerr.text);
    }
    struct err err = {0};
    cleanup_json json_t *got = kproto_decode(pb, pb_len, &err);
    if (got == NULL) {
        fail_msg("%s.pb: %s", name, err.msg);
    }
    if (!json_equal(got, want)) {
        cleanup_free char *g = json_dumps(got, JSON_SORT_KEYS | JSON_INDENT(1));
        cleanup_free char *w = json_dumps(want, JSON_SORT_KEYS | JSON_INDENT(1));
        fail_msg("%s: decoded\n%s\nwant\n%s", name, g, w);
    }
}

static const char *const fixtures[] = {
    "namespace",
    "configmap",
    "secret_generic",
    "secret_tls",
    "secret_docker_registry",
    "deployment",
    "deployment_zero_replicas",
    "deployment_command",
    "job",
    "job_from_cronjob",
    "cronjob",
    "service_clusterip",
    "service_headless",
    "service_nodeport",
    "service_loadbalancer",
    "service_externalname",
    "serviceaccount",
    "role",
    "clusterrole",
    "clusterrole_aggregation",
    "rolebinding",
    "clusterrolebinding",
    "quota",
    "priorityclass",
    "priorityclass_default",
    "pdb_min_available",
    "pdb_max_unavailable",
    "ingress",
    "autoscale",
    "token",
    "token_bound",
    "can_i",
    "can_i_subresource",
    "can_i_nonresource",
    "whoami",
    "drain_delete",
};

static void test_every_kubectl_body_decodes_to_its_dry_run_json(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        assert_fixture_decodes(fixtures[i]);
    }
}

static void test_pointer_zero_survives_and_omitempty_zero_goes(void **state)
{
    (void)state;
    size_t len;
    cleanup_free uint8_t *pb = read_fixture("deployment_zero_replicas", "pb", &len);
    cleanup_json json_t *obj = kproto_decode(pb, len, NULL);
    assert_non_null(obj);
    json_t *spec = json_object_get(obj, "spec");
    /* replicas is *int32: written because it was set, kept although 0. */
    assert_int_equal(json_integer_value(json_object_get(spec, "replicas")), 0);
    assert_non_null(json_object_get(spec, "replicas"));
    /* minReadySeconds is a plain omitempty int32 the encoder wrote as 0. */
    assert_null(json_object_get(spec, "minReadySeconds"));
    assert_null(json_object_get(json_object_get(obj, "metadata"), "creationTimestamp"));
}

/* A tiny protobuf writer for the hand-made bodies below. */
struct buf {
    uint8_t data[512];
    size_t len;
};

static void put_varint(struct buf *b, uint64_t v)
{
    do {
        assert_true(b->len < sizeof(b->data));
        b->data[b->len++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v != 0);
}

static void put_bytes(struct buf *b, uint32_t num, const void *data, size_t len)
{
    put_varint(b, (uint64_t)num << 3 | 2);
    put_varint(b, len);
    assert_true(b->len + len <= sizeof(b->data));
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void put_string(struct buf *b, uint32_t num, const char *s)
{
    put_bytes(b, num, s, strlen(s));
}

static void put_int(struct buf *b, uint32_t num, uint64_t v)
{
    put_varint(b, (uint64_t)num << 3);
    put_varint(b, v);
}

static void put_fixed(struct buf *b, uint32_t num, int wire, size_t width)
{
    put_varint(b, (uint64_t)num << 3 | (uint64_t)wire);
    assert_true(b->len + width <= sizeof(b->data));
    memset(b->data + b->len, 0xab, width);
    b->len += width;
}

/* "k8s\0" + Unknown{typeMeta{apiVersion, kind}, raw}. */
static void envelope(struct buf *out, const char *api_version, const char *kind,
                     const struct buf *raw)
{
    struct buf tm = {0};
    put_string(&tm, 1, api_version);
    put_string(&tm, 2, kind);
    memcpy(out->data, "k8s", 4);
    out->len = 4;
    put_bytes(out, 1, tm.data, tm.len);
    put_bytes(out, 2, raw->data, raw->len);
    put_string(out, 3, "");
    put_string(out, 4, "");
}

static json_t *decode_ok(const struct buf *b)
{
    struct err err = {0};
    json_t *obj = kproto_decode(b->data, b->len, &err);
    if (obj == NULL) {
        fail_msg("decode failed: %s", err.msg);
    }
    return obj;
}

static void assert_json(const json_t *got, const char *want_text)
{
    cleanup_json json_t *want = json_loads(want_text, 0, NULL);
    assert_non_null(want);
    if (!json_equal(got, want)) {
        cleanup_free char *g = json_dumps(got, JSON_SORT_KEYS);
        fail_msg("decoded %s\nwant    %s", g, want_text);
    }
}

static void test_delete_options_carry_grace_period_and_propagation_policy(void **state)
{
    (void)state;
    struct buf raw = {0}, pre = {0}, body = {0};
    put_int(&raw, 1, 0); /* gracePeriodSeconds is *int64: 0 means "now", not unset */
    put_string(&pre, 1, "uid-1");
    put_string(&pre, 2, "");
    put_bytes(&raw, 2, pre.data, pre.len);
    put_string(&raw, 4, "Foreground");
    put_string(&raw, 5, "All");
    envelope(&body, "apps/v1", "DeleteOptions", &raw);
    cleanup_json json_t *obj = decode_ok(&body);
    assert_json(obj, "{\"apiVersion\":\"apps/v1\",\"kind\":\"DeleteOptions\","
                     "\"gracePeriodSeconds\":0,\"preconditions\":{\"uid\":\"uid-1\","
                     "\"resourceVersion\":\"\"},\"propagationPolicy\":\"Foreground\","
                     "\"dryRun\":[\"All\"]}");
    assert_true(kproto_knows("meta.k8s.io/v1", "DeleteOptions"));
    assert_true(kproto_knows("v1", "DeleteOptions"));
}

static void test_eviction_nests_delete_options(void **state)
{
    (void)state;
    struct buf raw = {0}, meta = {0}, opts = {0}, body = {0};
    put_string(&meta, 1, "p1");
    put_string(&meta, 3, "default");
    put_bytes(&meta, 8, "", 0); /* the zero creationTimestamp */
    put_bytes(&raw, 1, meta.data, meta.len);
    put_int(&opts, 1, 30);
    put_bytes(&raw, 2, opts.data, opts.len);
    envelope(&body, "policy/v1", "Eviction", &raw);
    cleanup_json json_t *obj = decode_ok(&body);
    assert_json(obj,
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":"
                "\"p1\",\"namespace\":\"default\"},\"deleteOptions\":{\"gracePeriodSeconds\":30}}");
}

static void test_special_types_take_their_json_forms(void **state)
{
    (void)state;
    /* A Pod whose metadata carries a deletionTimestamp, managedFields with a MicroTime-free
     * Time and FieldsV1, and a container with an IntOrString probe port and quantities. */
    struct buf raw = {0}, meta = {0}, ts = {0}, mf = {0}, fields = {0}, spec = {0}, c = {0},
               probe = {0}, handler = {0}, http = {0}, port = {0}, res = {0}, entry = {0}, q = {0},
               body = {0};
    put_string(&meta, 1, "p");
    put_int(&ts, 1, 1700000000);
    put_int(&ts, 2, 5);
    put_bytes(&meta, 9, ts.data, ts.len);
    put_string(&mf, 1, "kubectl");
    put_bytes(&mf, 4, ts.data, ts.len);
    put_string(&fields, 1, "{\"f:metadata\":{}}");
    put_bytes(&mf, 7, fields.data, fields.len);
    put_bytes(&meta, 17, mf.data, mf.len);
    put_bytes(&raw, 1, meta.data, meta.len);

    put_string(&c, 1, "app");
    put_int(&port, 1, 1); /* type String */
    put_int(&port, 2, 0);
    put_string(&port, 3, "http");
    put_bytes(&http, 2, port.data, port.len);
    put_bytes(&handler, 2, http.data, http.len); /* ProbeHandler.httpGet */
    put_bytes(&probe, 1, handler.data, handler.len);
    put_int(&probe, 2, 0); /* initialDelaySeconds, omitempty */
    put_bytes(&c, 10, probe.data, probe.len);
    put_string(&q, 1, "250m");
    put_string(&entry, 1, "cpu");
    put_bytes(&entry, 2, q.data, q.len);
    put_bytes(&res, 1, entry.data, entry.len);
    put_bytes(&c, 8, res.data, res.len);
    put_bytes(&spec, 2, c.data, c.len);
    put_varint(&spec, 4 << 3 | 0);
    put_varint(&spec, UINT64_MAX); /* terminationGracePeriodSeconds -1 as a 10-byte varint */
    put_bytes(&raw, 2, spec.data, spec.len);
    envelope(&body, "v1", "Pod", &raw);
    cleanup_json json_t *obj = decode_ok(&body);
    assert_json(obj, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                     "\"deletionTimestamp\":\"2023-11-14T22:13:20Z\",\"managedFields\":[{"
                     "\"manager\":\"kubectl\",\"time\":\"2023-11-14T22:13:20Z\","
                     "\"fieldsV1\":{\"f:metadata\":{}}}]},\"spec\":{\"containers\":[{\"name\":"
                     "\"app\",\"livenessProbe\":{\"httpGet\":{\"port\":\"http\"}},\"resources\":"
                     "{\"limits\":{\"cpu\":\"250m\"}}}],\"terminationGracePeriodSeconds\":-1}}");
}

static void test_packed_and_unpacked_repeated_varints_both_decode(void **state)
{
    (void)state;
    struct buf raw = {0}, spec = {0}, ctx = {0}, packed = {0}, body = {0};
    put_int(&ctx, 4, 1000); /* supplementalGroups, unpacked */
    put_varint(&packed, 2000);
    put_varint(&packed, 3000);
    put_bytes(&ctx, 4, packed.data, packed.len); /* and packed */
    put_bytes(&spec, 14, ctx.data, ctx.len);
    put_bytes(&raw, 2, spec.data, spec.len);
    envelope(&body, "v1", "Pod", &raw);
    cleanup_json json_t *obj = decode_ok(&body);
    assert_json(obj, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"securityContext\":{"
                     "\"supplementalGroups\":[1000,2000,3000]}}}");
}

static void test_unknown_fields_are_skipped_and_repeats_merge(void **state)
{
    (void)state;
    struct buf raw = {0}, meta1 = {0}, meta2 = {0}, body = {0};
    put_string(&meta1, 1, "first");
    put_string(&meta1, 3, "ns");
    put_string(&meta2, 1, "second");
    put_bytes(&raw, 1, meta1.data, meta1.len);
    put_int(&raw, 999, 7);           /* varint */
    put_bytes(&raw, 1000, "xyz", 3); /* length-delimited */
    put_fixed(&raw, 1001, 1, 8);     /* fixed64 */
    put_fixed(&raw, 1002, 5, 4);     /* fixed32 */
    put_bytes(&raw, 1, meta2.data, meta2.len);
    envelope(&body, "v1", "ConfigMap", &raw);
    cleanup_json json_t *obj = decode_ok(&body);
    assert_json(obj, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                     "\"second\",\"namespace\":\"ns\"}}");
}

static void assert_rejected(const void *data, size_t len, int code, const char *msg_part)
{
    struct err err = {0};
    json_t *obj = kproto_decode(data, len, &err);
    assert_null(obj);
    assert_int_equal(err.code, code);
    if (strstr(err.msg, msg_part) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg_part);
    }
}

static void test_bodies_without_the_magic_are_rejected(void **state)
{
    (void)state;
    assert_rejected("", 0, EINVAL, "empty data");
    assert_rejected("k8s", 3, EINVAL, "expected prefix [107 56 115 0]");
    assert_rejected("{\"kind\":\"Pod\"}", 14, EINVAL,
                    "provided data does not appear to be a protobuf message");
}

static void test_truncated_envelopes_are_rejected(void **state)
{
    (void)state;
    size_t len;
    cleanup_free uint8_t *pb = read_fixture("configmap", "pb", &len);
    /* Cutting anywhere inside a length-delimited field leaves it short. */
    assert_rejected(pb, 6, EINVAL, "unexpected EOF");
    assert_rejected(pb, len - 3, EINVAL, "unexpected EOF");
    /* The magic alone is an empty Unknown: no kind. */
    assert_rejected(pb, 4, EINVAL, "'Kind' is missing");
}

static void test_truncated_and_overlong_varints_are_rejected(void **state)
{
    (void)state;
    const uint8_t cut[] = {'k', '8', 's', 0, 0x0a, 0x80};
    assert_rejected(cut, sizeof(cut), EINVAL, "unexpected EOF");
    uint8_t longv[4 + 12] = {'k', '8', 's', 0};
    memset(longv + 4, 0xff, 11);
    longv[15] = 0x01;
    assert_rejected(longv, sizeof(longv), EINVAL, "integer overflow");
    struct buf raw = {0}, body = {0};
    const uint8_t spec[] = {0x08, 0x80}; /* Deployment.spec.replicas stops mid-varint */
    put_bytes(&raw, 2, spec, sizeof(spec));
    envelope(&body, "apps/v1", "Deployment", &raw);
    assert_rejected(body.data, body.len, EINVAL, "unexpected EOF");
}

static void test_wrong_wire_types_are_rejected(void **state)
{
    (void)state;
    struct buf raw = {0}, body = {0};
    put_int(&raw, 1, 5); /* metadata as a varint */
    envelope(&body, "apps/v1", "Deployment", &raw);
    assert_rejected(body.data, body.len, EINVAL,
                    "wrong wireType = 0 for field metadata in apps/v1.Deployment");

    struct buf raw2 = {0}, spec = {0}, body2 = {0};
    put_string(&spec, 1, "3"); /* replicas as a string */
    put_bytes(&raw2, 2, spec.data, spec.len);
    envelope(&body2, "apps/v1", "Deployment", &raw2);
    assert_rejected(body2.data, body2.len, EINVAL, "wrong wireType = 2 for field replicas");

    const uint8_t group[] = {'k', '8', 's', 0, 0x0b};
    assert_rejected(group, sizeof(group), EINVAL, "wire");
    const uint8_t zero_tag[] = {'k', '8', 's', 0, 0x02, 0x00};
    assert_rejected(zero_tag, sizeof(zero_tag), EINVAL, "illegal tag 0");
}

static void test_unknown_kinds_are_not_supported(void **state)
{
    (void)state;
    struct buf raw = {0}, body = {0};
    envelope(&body, "example.com/v1", "Widget", &raw);
    assert_rejected(body.data, body.len, ENOTSUP,
                    "no kind \"Widget\" is registered for version \"example.com/v1\"");
    envelope(&body, "apps/v1", "ConfigMap", &raw);
    assert_rejected(body.data, body.len, ENOTSUP, "\"ConfigMap\"");
    assert_false(kproto_knows("example.com/v1", "Widget"));
    assert_false(kproto_knows("apps/v1", "ConfigMap"));
    assert_true(kproto_knows("apps/v1", "Deployment"));
    assert_true(kproto_knows("autoscaling/v2", "HorizontalPodAutoscaler"));
    assert_false(kproto_knows(NULL, "Deployment"));
}

static void test_compressed_bodies_are_not_supported(void **state)
{
    (void)state;
    struct buf tm = {0}, body = {0};
    put_string(&tm, 1, "v1");
    put_string(&tm, 2, "ConfigMap");
    memcpy(body.data, "k8s", 4);
    body.len = 4;
    put_bytes(&body, 1, tm.data, tm.len);
    put_string(&body, 3, "gzip");
    assert_rejected(body.data, body.len, ENOTSUP, "contentEncoding \"gzip\"");
}

static void test_invalid_utf8_and_raw_json_are_rejected(void **state)
{
    (void)state;
    struct buf raw = {0}, meta = {0}, body = {0};
    put_string(&meta, 1, "\xff\xfe");
    put_bytes(&raw, 1, meta.data, meta.len);
    envelope(&body, "v1", "Namespace", &raw);
    assert_rejected(body.data, body.len, EINVAL, "UTF-8");

    struct buf raw2 = {0}, meta2 = {0}, mf = {0}, fields = {0}, body2 = {0};
    put_string(&fields, 1, "{not json");
    put_bytes(&mf, 7, fields.data, fields.len);
    put_bytes(&meta2, 17, mf.data, mf.len);
    put_bytes(&raw2, 1, meta2.data, meta2.len);
    envelope(&body2, "v1", "Namespace", &raw2);
    assert_rejected(body2.data, body2.len, EINVAL, "fieldsV1 holds invalid JSON");
}

/* A schema that nests into itself, which k8s.io/api's tables never do. */
static const struct kproto_msg node_msg;
static const struct kproto_field node_fields[] = {
    {1, KPROTO_MSG, 0, "child", &node_msg},
};
static const struct kproto_msg node_msg = {"test.Node", node_fields, 1};

static size_t nest(uint8_t *out, size_t size, int levels)
{
    /* Built inside out: each level wraps the previous one as field 1. */
    size_t start = size;
    for (int i = 0; i < levels; i++) {
        size_t inner = size - start;
        uint8_t hdr[11];
        size_t n = 0;
        hdr[n++] = 0x0a;
        for (size_t v = inner;; v >>= 7) {
            hdr[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
            if (v <= 0x7f) {
                break;
            }
        }
        assert_true(start >= n);
        start -= n;
        memcpy(out + start, hdr, n);
    }
    memmove(out, out + start, size - start);
    return size - start;
}

static void test_nesting_deeper_than_the_bound_is_rejected(void **state)
{
    (void)state;
    uint8_t data[4096];
    size_t len = nest(data, sizeof(data), KPROTO_MAX_DEPTH);
    struct err err = {0};
    cleanup_json json_t *ok = kproto_decode_message(&node_msg, data, len, &err);
    assert_non_null(ok);
    len = nest(data, sizeof(data), KPROTO_MAX_DEPTH + 2);
    json_t *deep = kproto_decode_message(&node_msg, data, len, &err);
    assert_null(deep);
    assert_int_equal(err.code, EINVAL);
    assert_non_null(strstr(err.msg, "nested deeper than"));
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void decode_any(const uint8_t *data, size_t len)
{
    struct err err = {0};
    json_t *obj = kproto_decode(data, len, &err);
    if (obj == NULL) {
        assert_true(err.code == EINVAL || err.code == ENOTSUP);
    }
    json_decref(obj);
}

static void test_random_and_mutated_bodies_never_crash(void **state)
{
    (void)state;
    uint8_t data[1024];
    /* Random bytes after the magic. */
    for (int i = 0; i < 50000; i++) {
        size_t len = 4 + next_random() % 200;
        memcpy(data, "k8s", 4);
        for (size_t j = 4; j < len; j++) {
            data[j] = (uint8_t)next_random();
        }
        decode_any(data, len);
    }
    /* Each fixture with a few bytes flipped and a random cut. */
    for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
        size_t len;
        cleanup_free uint8_t *pb = read_fixture(fixtures[f], "pb", &len);
        if (len > sizeof(data)) {
            continue;
        }
        for (int i = 0; i < 1000; i++) {
            memcpy(data, pb, len);
            for (int k = 0; k < 3; k++) {
                data[4 + next_random() % (len - 4)] ^= (uint8_t)(1u << (next_random() % 8));
            }
            decode_any(data, i % 2 == 0 ? len : 4 + next_random() % (len - 4));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kubectl_body_decodes_to_its_dry_run_json),
        cmocka_unit_test(test_pointer_zero_survives_and_omitempty_zero_goes),
        cmocka_unit_test(test_delete_options_carry_grace_period_and_propagation_policy),
        cmocka_unit_test(test_eviction_nests_delete_options),
        cmocka_unit_test(test_special_types_take_their_json_forms),
        cmocka_unit_test(test_packed_and_unpacked_repeated_varints_both_decode),
        cmocka_unit_test(test_unknown_fields_are_skipped_and_repeats_merge),
        cmocka_unit_test(test_bodies_without_the_magic_are_rejected),
        cmocka_unit_test(test_truncated_envelopes_are_rejected),
        cmocka_unit_test(test_truncated_and_overlong_varints_are_rejected),
        cmocka_unit_test(test_wrong_wire_types_are_rejected),
        cmocka_unit_test(test_unknown_kinds_are_not_supported),
        cmocka_unit_test(test_compressed_bodies_are_not_supported),
        cmocka_unit_test(test_invalid_utf8_and_raw_json_are_rejected),
        cmocka_unit_test(test_nesting_deeper_than_the_bound_is_rejected),
        cmocka_unit_test(test_random_and_mutated_bodies_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
