/* The kv state machine against etcd 3.4's observed behaviour: responses and errors of put,
 * range, deleterange, txn (compare matrix, nested, duplicate keys), compaction, leases,
 * metadata, events and history, snapshots (round trip, corruption), determinism and speed.
 * Requests are written with <text> standing for the base64 of text. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "kv.h"

/* ---- helpers ---- */

static void b64_append(char *out, size_t *o, const char *s, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        out[(*o)++] = A[v >> 18];
        out[(*o)++] = A[(v >> 12) & 63];
        out[(*o)++] = A[(v >> 6) & 63];
        out[(*o)++] = A[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        out[(*o)++] = A[v >> 18];
        out[(*o)++] = A[(v >> 12) & 63];
        out[(*o)++] = i + 1 < n ? A[(v >> 6) & 63] : '=';
        out[(*o)++] = '=';
    }
}

/* JSON text with <text> replaced by base64(text); "\\0" inside <> is a NUL byte. */
static json_t *J(const char *text)
{
    size_t cap = strlen(text) * 2 + 64, o = 0;
    char *out = malloc(cap);
    for (const char *p = text; *p;) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            assert_non_null(end);
            char raw[256];
            size_t n = 0;
            for (const char *q = p + 1; q < end; q++) {
                if (q[0] == '\\' && q[1] == '0') {
                    raw[n++] = '\0';
                    q++;
                } else {
                    raw[n++] = *q;
                }
            }
            b64_append(out, &o, raw, n);
            p = end + 1;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    json_error_t je;
    json_t *j = json_loads(out, JSON_DECODE_ANY, &je);
    if (j == NULL) {
        fail_msg("bad test JSON %s: %s", out, je.text);
    }
    free(out);
    return j;
}

static void assert_json(const json_t *got, const char *want_text)
{
    json_t *want = J(want_text);
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_COMPACT);
        char *w = json_dumps(want, JSON_COMPACT);
        print_error("got:  %s\nwant: %s\n", g, w);
        free(g);
        free(w);
        json_decref(want);
        fail();
    }
    json_decref(want);
}

static json_t *apply_ok(struct kv_store *kv, enum kv_cmd cmd, const char *req)
{
    json_t *r = J(req);
    struct kv_error err = {0};
    int rv = kv_validate(cmd, r, 128, &err);
    if (rv == 0) {
        json_t *resp = NULL;
        rv = kv_apply(kv, cmd, r, &resp, &err);
        if (rv == 0) {
            json_decref(r);
            return resp;
        }
    }
    fail_msg("%s: unexpected error %d %s", req, err.grpc_code, err.message);
    return NULL;
}

static void apply_expect(struct kv_store *kv, enum kv_cmd cmd, const char *req, const char *want)
{
    json_t *resp = apply_ok(kv, cmd, req);
    assert_json(resp, want);
    json_decref(resp);
}

/* Applies without validation and expects the given failure (state must not change). */
static void apply_fails(struct kv_store *kv, enum kv_cmd cmd, const char *req, int grpc, int http,
                        const char *msg)
{
    json_t *r = J(req);
    struct kv_error err = {0};
    int64_t rev = kv_revision(kv);
    uint32_t hash = kv_hash(kv);
    json_t *resp = NULL;
    assert_int_equal(kv_apply(kv, cmd, r, &resp, &err), -1);
    assert_null(resp);
    assert_int_equal(err.grpc_code, grpc);
    assert_int_equal(err.http_status, http);
    assert_string_equal(err.message, msg);
    assert_int_equal(kv_revision(kv), rev);
    assert_int_equal(kv_hash(kv), hash);
    json_decref(r);
}

static void range_expect(struct kv_store *kv, const char *req, const char *want)
{
    json_t *r = J(req);
    struct kv_error err = {0};
    json_t *resp = kv_range(kv, r, &err);
    if (resp == NULL) {
        fail_msg("%s: range failed: %s", req, err.message);
    }
    assert_json(resp, want);
    json_decref(resp);
    json_decref(r);
}

static void range_fails(struct kv_store *kv, const char *req, int grpc, const char *msg)
{
    json_t *r = J(req);
    struct kv_error err = {0};
    assert_null(kv_range(kv, r, &err));
    assert_int_equal(err.grpc_code, grpc);
    assert_string_equal(err.message, msg);
    json_decref(r);
}

static void put(struct kv_store *kv, const char *key, const char *value)
{
    char buf[512];
    snprintf(buf, sizeof buf, "{\"key\":\"<%s>\",\"value\":\"<%s>\"}", key, value);
    json_decref(apply_ok(kv, KV_CMD_PUT, buf));
}

static void del(struct kv_store *kv, const char *key)
{
    char buf[512];
    snprintf(buf, sizeof buf, "{\"key\":\"<%s>\"}", key);
    json_decref(apply_ok(kv, KV_CMD_DELETE_RANGE, buf));
}

static int set_up(void **state)
{
    *state = kv_new();
    return 0;
}

static int tear_down(void **state)
{
    kv_free(*state);
    return 0;
}

static const char MSG_COMPACTED[] = "etcdserver: mvcc: required revision has been compacted";
static const char MSG_FUTURE[] = "etcdserver: mvcc: required revision is a future revision";
static const char MSG_NO_LEASE[] = "etcdserver: requested lease not found";

/* ---- revisions, put, range ---- */

static void test_revisions_versions_and_put_responses_follow_etcd(void **state)
{
    struct kv_store *kv = *state;
    assert_int_equal(kv_revision(kv), 1);
    assert_int_equal(kv_compact_revision(kv), 0);
    apply_expect(kv, KV_CMD_PUT, "{\"key\":\"<a>\",\"value\":\"<1>\"}", "{}");
    assert_int_equal(kv_revision(kv), 2);
    apply_expect(kv, KV_CMD_PUT, "{\"key\":\"<a>\",\"value\":\"<1>\",\"prev_kv\":true}",
                 "{\"prev_kv\":{\"key\":\"<a>\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
                 "\"version\":\"1\",\"value\":\"<1>\"}}");
    assert_int_equal(kv_revision(kv), 3); /* same value still bumps */
    range_expect(kv, "{\"key\":\"<a>\"}",
                 "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"2\",\"mod_revision\":\"3\","
                 "\"version\":\"2\",\"value\":\"<1>\"}],\"count\":\"1\"}");
    del(kv, "a");
    assert_int_equal(kv_revision(kv), 4);
    put(kv, "a", "");
    /* version restarts, empty value omitted */
    range_expect(kv, "{\"key\":\"<a>\"}",
                 "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"5\",\"mod_revision\":\"5\","
                 "\"version\":\"1\"}],\"count\":\"1\"}");
    range_expect(kv, "{\"key\":\"<missing>\"}", "{}");
    /* int64 as numbers or strings */
    range_expect(kv, "{\"key\":\"<a>\",\"revision\":3,\"keys_only\":true}",
                 "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"2\",\"mod_revision\":\"3\","
                 "\"version\":\"2\"}],\"count\":\"1\"}");
    range_expect(kv, "{\"key\":\"<a>\",\"revision\":\"4\"}", "{}");
    range_expect(kv, "{\"key\":\"<a>\",\"revision\":-3}",
                 "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"5\",\"mod_revision\":\"5\","
                 "\"version\":\"1\"}],\"count\":\"1\"}");
    range_fails(kv, "{\"key\":\"<a>\",\"revision\":6}", 11, MSG_FUTURE);
}

static void fill_abc(struct kv_store *kv)
{
    put(kv, "a", "3");   /* rev 2 */
    put(kv, "b", "1");   /* rev 3 */
    put(kv, "c", "2");   /* rev 4 */
    put(kv, "b", "1");   /* rev 5: b version 2 */
    put(kv, "d/x", "0"); /* rev 6 */
}

static void test_range_options_match_etcd(void **state)
{
    struct kv_store *kv = *state;
    fill_abc(kv);
    static const struct {
        const char *req, *want;
    } cases[] = {
        /* [a, c) */
        {"{\"key\":\"<a>\",\"range_end\":\"<c>\",\"keys_only\":true}",
         "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
         "\"version\":\"1\"},{\"key\":\"<b>\",\"create_revision\":\"3\",\"mod_revision\":\"5\","
         "\"version\":\"2\"}],\"count\":\"2\"}"},
        /* limit: more and the total count */
        {"{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"limit\":1,\"keys_only\":true}",
         "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
         "\"version\":\"1\"}],\"more\":true,\"count\":\"4\"}"},
        {"{\"key\":\"<\\0>\",\"range_end\":\"<\\0>\",\"count_only\":true,\"limit\":1}",
         "{\"count\":\"4\"}"},
        {"{\"key\":\"<c>\",\"range_end\":\"<\\0>\",\"limit\":\"-1\",\"keys_only\":true}",
         "{\"kvs\":[{\"key\":\"<c>\",\"create_revision\":\"4\",\"mod_revision\":\"4\","
         "\"version\":\"1\"},{\"key\":\"<d/x>\",\"create_revision\":\"6\",\"mod_revision\":"
         "\"6\",\"version\":\"1\"}],\"count\":\"2\"}"},
        /* prefix d/ -> d0 */
        {"{\"key\":\"<d/>\",\"range_end\":\"<d0>\",\"count_only\":true}", "{\"count\":\"1\"}"},
        /* empty and inverted ranges */
        {"{\"key\":\"<a>\",\"range_end\":\"<a>\"}", "{}"},
        {"{\"key\":\"<c>\",\"range_end\":\"<a>\"}", "{}"},
        {"{\"key\":\"<a>\",\"range_end\":\"\"}",
         "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
         "\"version\":\"1\",\"value\":\"<3>\"}],\"count\":\"1\"}"},
        /* a sort target without order sorts ascending, but only the limit+1 keys fetched in key
         * order (etcd's quirk): a=3 b=1 c=2 -> b c */
        {"{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"sort_target\":\"VALUE\",\"limit\":2,"
         "\"keys_only\":true}",
         "{\"kvs\":[{\"key\":\"<b>\",\"create_revision\":\"3\",\"mod_revision\":\"5\","
         "\"version\":\"2\"},{\"key\":\"<c>\",\"create_revision\":\"4\",\"mod_revision\":\"4\","
         "\"version\":\"1\"}],\"more\":true,\"count\":\"4\"}"},
        /* explicit order fetches everything, sorts, then limits */
        {"{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"sort_target\":\"MOD\",\"sort_order\":"
         "\"DESCEND\",\"limit\":2,\"count_only\":false,\"keys_only\":true}",
         "{\"kvs\":[{\"key\":\"<d/x>\",\"create_revision\":\"6\",\"mod_revision\":\"6\","
         "\"version\":\"1\"},{\"key\":\"<b>\",\"create_revision\":\"3\",\"mod_revision\":\"5\","
         "\"version\":\"2\"}],\"more\":true,\"count\":\"4\"}"},
        {"{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"sort_order\":2,\"limit\":1,"
         "\"keys_only\":true}",
         "{\"kvs\":[{\"key\":\"<d/x>\",\"create_revision\":\"6\",\"mod_revision\":\"6\","
         "\"version\":\"1\"}],\"more\":true,\"count\":\"4\"}"},
        {"{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"sort_target\":\"VERSION\",\"sort_order\":"
         "\"DESCEND\",\"limit\":1,\"keys_only\":true}",
         "{\"kvs\":[{\"key\":\"<b>\",\"create_revision\":\"3\",\"mod_revision\":\"5\","
         "\"version\":\"2\"}],\"more\":true,\"count\":\"4\"}"},
        /* filters prune after the count */
        {"{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"min_mod_revision\":5,\"max_create_revision\":"
         "3,\"keys_only\":true}",
         "{\"kvs\":[{\"key\":\"<b>\",\"create_revision\":\"3\",\"mod_revision\":\"5\","
         "\"version\":\"2\"}],\"count\":\"4\"}"},
        {"{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"max_mod_revision\":3,\"min_create_revision\":"
         "3,\"keys_only\":true}",
         "{\"count\":\"4\"}"},
        /* historical prefix read with limit counts at that revision */
        {"{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"revision\":4,\"limit\":1,\"keys_only\":true}",
         "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
         "\"version\":\"1\"}],\"more\":true,\"count\":\"3\"}"},
        {"{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"revision\":1}", "{}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        range_expect(kv, cases[i].req, cases[i].want);
    }
}

static void test_historical_reads_see_each_revision(void **state)
{
    struct kv_store *kv = *state;
    put(kv, "k", "v1"); /* 2 */
    put(kv, "k", "v2"); /* 3 */
    del(kv, "k");       /* 4 */
    put(kv, "k", "v3"); /* 5 */
    put(kv, "o", "x");  /* 6 */
    del(kv, "o");       /* 7 */
    static const struct {
        int rev;
        const char *want;
    } cases[] = {
        {1, "{}"},
        {2, "{\"kvs\":[{\"key\":\"<k>\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
            "\"version\":\"1\",\"value\":\"<v1>\"}],\"count\":\"1\"}"},
        {3, "{\"kvs\":[{\"key\":\"<k>\",\"create_revision\":\"2\",\"mod_revision\":\"3\","
            "\"version\":\"2\",\"value\":\"<v2>\"}],\"count\":\"1\"}"},
        {4, "{}"},
        {5, "{\"kvs\":[{\"key\":\"<k>\",\"create_revision\":\"5\",\"mod_revision\":\"5\","
            "\"version\":\"1\",\"value\":\"<v3>\"}],\"count\":\"1\"}"},
        {7, "{\"kvs\":[{\"key\":\"<k>\",\"create_revision\":\"5\",\"mod_revision\":\"5\","
            "\"version\":\"1\",\"value\":\"<v3>\"}],\"count\":\"1\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char req[128];
        snprintf(req, sizeof req, "{\"key\":\"<k>\",\"revision\":%d}", cases[i].rev);
        range_expect(kv, req, cases[i].want);
    }
    range_expect(kv, "{\"key\":\"<a>\",\"range_end\":\"<z>\",\"revision\":6,\"count_only\":true}",
                 "{\"count\":\"2\"}");
    range_expect(kv, "{\"key\":\"<a>\",\"range_end\":\"<z>\",\"count_only\":true}",
                 "{\"count\":\"1\"}");
}

static void test_delete_range_counts_prev_kvs_and_skips_empty_deletes(void **state)
{
    struct kv_store *kv = *state;
    fill_abc(kv);
    apply_expect(kv, KV_CMD_DELETE_RANGE, "{\"key\":\"<zz>\",\"prev_kv\":true}", "{}");
    assert_int_equal(kv_revision(kv), 6); /* nothing deleted: no new revision */
    apply_expect(kv, KV_CMD_DELETE_RANGE,
                 "{\"key\":\"<b>\",\"range_end\":\"<d>\",\"prev_kv\":true}",
                 "{\"deleted\":\"2\",\"prev_kvs\":[{\"key\":\"<b>\",\"create_revision\":\"3\","
                 "\"mod_revision\":\"5\",\"version\":\"2\",\"value\":\"<1>\"},{\"key\":\"<c>\","
                 "\"create_revision\":\"4\",\"mod_revision\":\"4\",\"version\":\"1\",\"value\":"
                 "\"<2>\"}]}");
    assert_int_equal(kv_revision(kv), 7); /* one revision for both */
    assert_int_equal(kv_key_count(kv), 2);
    apply_expect(kv, KV_CMD_DELETE_RANGE, "{\"key\":\"<\\0>\",\"range_end\":\"<\\0>\"}",
                 "{\"deleted\":\"2\"}");
    assert_int_equal(kv_key_count(kv), 0);
    range_expect(kv, "{\"key\":\"<\\0>\",\"range_end\":\"<\\0>\"}", "{}");
}

/* ---- validation ---- */

static void test_validation_errors_use_etcd_messages(void **state)
{
    (void)state;
    static const struct {
        enum kv_cmd cmd;
        const char *req;
        const char *msg;
    } cases[] = {
        {KV_CMD_PUT, "{\"key\":\"YQ\"}", "illegal base64 data at input byte 0"},
        {KV_CMD_PUT, "{\"key\":\"Y\"}", "illegal base64 data at input byte 0"},
        {KV_CMD_PUT, "{\"key\":\"YQ=\"}", "illegal base64 data at input byte 3"},
        {KV_CMD_PUT, "{\"key\":\"YQ==x\"}", "illegal base64 data at input byte 4"},
        {KV_CMD_PUT, "{\"key\":\"YWJjYQ\"}", "illegal base64 data at input byte 4"},
        {KV_CMD_PUT, "{\"key\":\"YW!j\"}", "illegal base64 data at input byte 2"},
        {KV_CMD_PUT, "{\"key\":\"=\"}", "illegal base64 data at input byte 0"},
        {KV_CMD_PUT, "{\"key\":\"YQ==YQ==\"}", "illegal base64 data at input byte 4"},
        {KV_CMD_PUT, "{\"key\":\"YQ-_\"}", "illegal base64 data at input byte 2"},
        {KV_CMD_PUT, "{\"key\":\"YQ==\",\"value\":\"M\"}", "illegal base64 data at input byte 0"},
        {KV_CMD_PUT, "{\"key\":5}", "json: cannot unmarshal number into Go value of type []uint8"},
        {KV_CMD_PUT, "{\"key\":\"YQ==\",\"lease\":\"abc\"}",
         "invalid character 'a' looking for beginning of value"},
        {KV_CMD_PUT, "{\"key\":\"YQ==\",\"lease\":1.5}",
         "json: cannot unmarshal number 1.5 into Go value of type int64"},
        {KV_CMD_PUT, "{\"key\":\"YQ==\",\"prev_kv\":\"true\"}",
         "json: cannot unmarshal string into Go value of type bool"},
        {KV_CMD_PUT, "{\"key\":\"\",\"value\":\"MQ==\"}", "etcdserver: key is not provided"},
        {KV_CMD_PUT, "{\"value\":\"MQ==\"}", "etcdserver: key is not provided"},
        {KV_CMD_PUT, "{\"key\":\"YQ==\",\"value\":\"MQ==\",\"ignore_value\":true}",
         "etcdserver: value is provided"},
        {KV_CMD_PUT, "{\"key\":\"YQ==\",\"ignore_lease\":true,\"lease\":5}",
         "etcdserver: lease is provided"},
        {KV_CMD_PUT, "[]",
         "json: cannot unmarshal array into Go value of type map[string]json.RawMessage"},
        {KV_CMD_DELETE_RANGE, "{\"range_end\":\"YQ==\"}", "etcdserver: key is not provided"},
        {KV_CMD_TXN, "{\"compare\":[{\"key\":\"YQ==\",\"result\":\"FOO\"}]}",
         "unknown value \"FOO\" for enum etcdserverpb.Compare_CompareResult"},
        {KV_CMD_TXN, "{\"compare\":[{\"key\":\"\"}]}", "etcdserver: key is not provided"},
        {KV_CMD_TXN, "{\"success\":[{}]}", "etcdserver: key not found"},
        {KV_CMD_TXN, "{\"success\":[{\"request_range\":{}}]}", "etcdserver: key is not provided"},
        {KV_CMD_TXN, "{\"success\":{}}",
         "json: cannot unmarshal object into Go value of type []json.RawMessage"},
        {KV_CMD_TXN,
         "{\"success\":[{\"request_put\":{\"key\":\"<b>\"}},{\"request_put\":{\"key\":\"<b>\"}}]}",
         "etcdserver: duplicate key given in txn request"},
        {KV_CMD_TXN,
         "{\"success\":[{\"request_delete_range\":{\"key\":\"<a>\",\"range_end\":\"<c>\"}},"
         "{\"request_put\":{\"key\":\"<b>\"}}]}",
         "etcdserver: duplicate key given in txn request"},
        {KV_CMD_TXN,
         "{\"success\":[{\"request_put\":{\"key\":\"<b>\"}},{\"request_txn\":{\"failure\":"
         "[{\"request_put\":{\"key\":\"<b>\"}}]}}]}",
         "etcdserver: duplicate key given in txn request"},
        {KV_CMD_TXN,
         "{\"success\":[{\"request_delete_range\":{\"key\":\"<b>\"}},{\"request_txn\":{\"success\":"
         "[{\"request_put\":{\"key\":\"<b>\"}}]}}]}",
         "etcdserver: duplicate key given in txn request"},
        /* the failure branch is checked too, after the success branch's key checks */
        {KV_CMD_TXN,
         "{\"success\":[{\"request_put\":{\"key\":\"<b>\"}},{\"request_put\":{\"key\":\"<b>\"}}],"
         "\"failure\":[{\"request_put\":{\"key\":\"\"}}]}",
         "etcdserver: key is not provided"},
        {KV_CMD_LEASE_GRANT, "{\"ID\":1,\"TTL\":\"10000000000\"}",
         "etcdserver: too large lease TTL"},
        {KV_CMD_META_SET, "{\"value\":1}", "meta: name must be a non-empty string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = J(cases[i].req);
        struct kv_error err = {0};
        assert_int_equal(kv_validate(cases[i].cmd, r, 128, &err), -1);
        if (strcmp(err.message, cases[i].msg) != 0) {
            fail_msg("case %zu %s: got %s", i, cases[i].req, err.message);
        }
        assert_int_equal(err.http_status, 400);
        assert_true(err.grpc_code == 3 || err.grpc_code == 11);
        json_decref(r);
    }
}

static void test_valid_requests_pass_and_max_txn_ops_is_enforced(void **state)
{
    (void)state;
    struct kv_error err = {0};
    json_t *ok = J("{\"compare\":[{\"key\":\"<a>\"}],\"success\":[{\"request_put\":{\"key\":"
                   "\"<a>\"}},{\"request_put\":{\"key\":\"<b>\"}}],\"failure\":[{\"request_put\":"
                   "{\"key\":\"<a>\"}}]}");
    assert_int_equal(kv_validate(KV_CMD_TXN, ok, 2, &err), 0);
    assert_int_equal(kv_validate(KV_CMD_TXN, ok, 1, &err), -1);
    assert_string_equal(err.message, "etcdserver: too many operations in txn request");
    json_decref(ok);
    /* a nested txn gets what the outer one leaves */
    json_t *nested = J("{\"success\":[{\"request_put\":{\"key\":\"<a>\"}},{\"request_txn\":"
                       "{\"success\":[{\"request_range\":{\"key\":\"<a>\"}}]}}]}");
    assert_int_equal(kv_validate(KV_CMD_TXN, nested, 3, &err), 0);
    assert_int_equal(kv_validate(KV_CMD_TXN, nested, 2, &err), -1);
    json_decref(nested);
    /* deletes with "\0" as the end and then/else puts of one key are allowed, as in etcd */
    json_t *allowed = J("{\"success\":[{\"request_delete_range\":{\"key\":\"<a>\",\"range_end\":"
                        "\"<\\0>\"}},{\"request_put\":{\"key\":\"<b>\"}},{\"request_txn\":"
                        "{\"success\":[{\"request_put\":{\"key\":\"<c>\"}}],\"failure\":"
                        "[{\"request_put\":{\"key\":\"<c>\"}}]}}]}");
    assert_int_equal(kv_validate(KV_CMD_TXN, allowed, 128, &err), 0);
    json_decref(allowed);
    assert_int_equal(kv_validate(KV_CMD_TXN, NULL, 128, &err), 0);
    /* the leader fills the lease ID in after validation */
    json_t *grant = J("{\"TTL\":60}");
    assert_int_equal(kv_validate(KV_CMD_LEASE_GRANT, grant, 128, &err), 0);
    json_decref(grant);
}

/* ---- business errors ---- */

static void test_business_errors_change_nothing(void **state)
{
    struct kv_store *kv = *state;
    put(kv, "a", "1");
    apply_fails(kv, KV_CMD_PUT, "{\"key\":\"<a>\",\"lease\":5}", 5, 404, MSG_NO_LEASE);
    apply_fails(kv, KV_CMD_PUT, "{\"key\":\"<b>\",\"ignore_value\":true}", 3, 400,
                "etcdserver: key not found");
    apply_fails(kv, KV_CMD_PUT, "{\"key\":\"<b>\",\"ignore_lease\":true}", 3, 400,
                "etcdserver: key not found");
    apply_fails(kv, KV_CMD_TXN,
                "{\"success\":[{\"request_put\":{\"key\":\"<c>\"}},{\"request_put\":"
                "{\"key\":\"<d>\",\"lease\":\"77\"}}]}",
                5, 404, MSG_NO_LEASE);
    apply_fails(kv, KV_CMD_TXN,
                "{\"success\":[{\"request_put\":{\"key\":\"<c>\"}},{\"request_range\":"
                "{\"key\":\"<a>\",\"revision\":100}}]}",
                11, 400, MSG_FUTURE);
    /* only the chosen branch is checked */
    apply_expect(kv, KV_CMD_TXN,
                 "{\"compare\":[{\"key\":\"<a>\",\"target\":\"MOD\",\"result\":\"LESS\","
                 "\"mod_revision\":\"1\"}],\"success\":[{\"request_range\":{\"key\":\"<a>\","
                 "\"revision\":100}}]}",
                 "{}");
    apply_fails(kv, KV_CMD_LEASE_REVOKE, "{\"ID\":6}", 5, 404, MSG_NO_LEASE);
    apply_fails(kv, KV_CMD_LEASE_GRANT, "{\"ID\":0,\"TTL\":60}", 5, 404, MSG_NO_LEASE);
    json_decref(apply_ok(kv, KV_CMD_LEASE_GRANT, "{\"ID\":5,\"TTL\":60}"));
    apply_fails(kv, KV_CMD_LEASE_GRANT, "{\"ID\":5,\"TTL\":60}", 9, 412,
                "etcdserver: lease already exists");
    apply_fails(kv, KV_CMD_COMPACT, "{\"revision\":3}", 11, 400, MSG_FUTURE);
    apply_fails(kv, KV_CMD_COMPACT, "{\"revision\":-1}", 11, 400, MSG_COMPACTED);
}

/* ---- txn ---- */

static void test_txn_compare_matrix(void **state)
{
    struct kv_store *kv = *state;
    put(kv, "x", "m"); /* 2 */
    json_decref(apply_ok(kv, KV_CMD_LEASE_GRANT, "{\"ID\":7,\"TTL\":60}"));
    json_decref(
        apply_ok(kv, KV_CMD_PUT, "{\"key\":\"<k>\",\"value\":\"<m>\",\"lease\":7}")); /* 3 */
    json_decref(apply_ok(kv, KV_CMD_PUT, "{\"key\":\"<k>\",\"value\":\"<m>\",\"lease\":7}"));
    /* k: create 3, mod 4, version 2, lease 7, value "m" */
    static const struct {
        const char *target, *field, *operand, *result;
        bool on_k, on_missing;
    } cases[] = {
        {"VERSION", "version", "2", "EQUAL", true, false},
        {"VERSION", "version", "0", "EQUAL", false, true},
        {"VERSION", "version", "1", "GREATER", true, false},
        {"VERSION", "version", "3", "LESS", true, true},
        {"VERSION", "version", "2", "NOT_EQUAL", false, true},
        {"CREATE", "create_revision", "3", "EQUAL", true, false},
        {"CREATE", "create_revision", "0", "EQUAL", false, true},
        {"CREATE", "create_revision", "3", "LESS", false, true},
        {"MOD", "mod_revision", "4", "EQUAL", true, false},
        {"MOD", "mod_revision", "0", "GREATER", true, false},
        {"MOD", "mod_revision", "5", "LESS", true, true},
        {"MOD", "mod_revision", "4", "NOT_EQUAL", false, true},
        {"LEASE", "lease", "7", "EQUAL", true, false},
        {"LEASE", "lease", "0", "EQUAL", false, true},
        {"LEASE", "lease", "6", "GREATER", true, false},
        {"VALUE", "value", "\"<m>\"", "EQUAL", true, false},
        {"VALUE", "value", "\"<a>\"", "GREATER", true, false},
        {"VALUE", "value", "\"<z>\"", "LESS", true, false},
        {"VALUE", "value", "\"<z>\"", "NOT_EQUAL", true, false}, /* missing key: always false */
        {"VALUE", "value", "\"\"", "EQUAL", false, false},
        {NULL, "version", "2", NULL, true, false},     /* defaults: VERSION, EQUAL */
        {"MOD", "version", "4", "EQUAL", false, true}, /* operand of another target counts as 0 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int missing = 0; missing < 2; missing++) {
            char req[512];
            int n = snprintf(req, sizeof req, "{\"compare\":[{\"key\":\"<%s>\"",
                             missing ? "nokey" : "k");
            if (cases[i].target) {
                n += snprintf(req + n, sizeof req - (size_t)n, ",\"target\":\"%s\"",
                              cases[i].target);
            }
            if (cases[i].result) {
                n += snprintf(req + n, sizeof req - (size_t)n, ",\"result\":\"%s\"",
                              cases[i].result);
            }
            const char *q = cases[i].operand[0] == '"' ? "" : "\"";
            snprintf(req + n, sizeof req - (size_t)n, ",\"%s\":%s%s%s}]}", cases[i].field, q,
                     cases[i].operand, q);
            json_t *resp = apply_ok(kv, KV_CMD_TXN, req);
            bool want = missing ? cases[i].on_missing : cases[i].on_k;
            if (json_is_true(json_object_get(resp, "succeeded")) != want) {
                fail_msg("case %zu (%s): want %d", i, req, want);
            }
            json_decref(resp);
        }
    }
    /* a compare over a range holds only when it holds for every key */
    put(kv, "p/1", "a");
    put(kv, "p/2", "b");
    json_t *resp = apply_ok(kv, KV_CMD_TXN,
                            "{\"compare\":[{\"key\":\"<p/>\",\"range_end\":\"<p0>\",\"target\":"
                            "\"VERSION\",\"result\":\"EQUAL\",\"version\":1}]}");
    assert_true(json_is_true(json_object_get(resp, "succeeded")));
    json_decref(resp);
    resp = apply_ok(kv, KV_CMD_TXN,
                    "{\"compare\":[{\"key\":\"<p/>\",\"range_end\":\"<p0>\",\"target\":\"VALUE\","
                    "\"value\":\"<a>\"}]}");
    assert_null(json_object_get(resp, "succeeded"));
    json_decref(resp);
}

static void test_txn_one_revision_nested_headers_and_reads_of_own_writes(void **state)
{
    struct kv_store *kv = *state;
    put(kv, "a", "1"); /* 2 */
    apply_expect(
        kv, KV_CMD_TXN,
        "{\"compare\":[{\"key\":\"<a>\",\"target\":\"VALUE\",\"value\":\"<1>\"}],"
        "\"success\":[{\"request_range\":{\"key\":\"<a>\"}},{\"request_put\":{\"key\":\"<a>\","
        "\"value\":\"<2>\",\"prev_kv\":true}},{\"request_range\":{\"key\":\"<a>\"}},"
        "{\"request_delete_range\":{\"key\":\"<x>\"}},{\"request_put\":{\"key\":\"<b>\"}},"
        "{\"request_txn\":{\"compare\":[{\"key\":\"<b>\",\"target\":\"CREATE\",\"result\":"
        "\"EQUAL\",\"create_revision\":0}],\"success\":[{\"request_range\":{\"key\":\"<b>\","
        "\"keys_only\":true}}]}}]}",
        "{\"succeeded\":true,\"responses\":["
        "{\"response_range\":{\"header\":{\"revision\":\"2\"},\"kvs\":[{\"key\":\"<a>\","
        "\"create_revision\":\"2\",\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"<1>\"}],"
        "\"count\":\"1\"}},"
        "{\"response_put\":{\"header\":{\"revision\":\"3\"},\"prev_kv\":{\"key\":\"<a>\","
        "\"create_revision\":\"2\",\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"<1>\"}}},"
        "{\"response_range\":{\"header\":{\"revision\":\"3\"},\"kvs\":[{\"key\":\"<a>\","
        "\"create_revision\":\"2\",\"mod_revision\":\"3\",\"version\":\"2\",\"value\":\"<2>\"}],"
        "\"count\":\"1\"}},"
        "{\"response_delete_range\":{\"header\":{\"revision\":\"3\"}}},"
        "{\"response_put\":{\"header\":{\"revision\":\"3\"}}},"
        /* the nested compare saw the state before the txn (b missing) */
        "{\"response_txn\":{\"header\":{},\"succeeded\":true,\"responses\":[{\"response_range\":"
        "{\"header\":{\"revision\":\"3\"},\"kvs\":[{\"key\":\"<b>\",\"create_revision\":\"3\","
        "\"mod_revision\":\"3\",\"version\":\"1\"}],\"count\":\"1\"}}]}}]}");
    assert_int_equal(kv_revision(kv), 3);
    /* failed compare with an empty failure list, and an empty txn: no bump */
    apply_expect(kv, KV_CMD_TXN,
                 "{\"compare\":[{\"key\":\"<a>\",\"target\":\"MOD\",\"mod_revision\":\"0\"}],"
                 "\"success\":[{\"request_put\":{\"key\":\"<a>\"}}]}",
                 "{}");
    apply_expect(kv, KV_CMD_TXN, "{}", "{\"succeeded\":true}");
    apply_expect(kv, KV_CMD_TXN,
                 "{\"success\":[{\"request_delete_range\":{\"key\":\"<zz>\"}},{\"request_txn\":"
                 "{}}]}",
                 "{\"succeeded\":true,\"responses\":[{\"response_delete_range\":{\"header\":"
                 "{\"revision\":\"3\"}}},{\"response_txn\":{\"header\":{},\"succeeded\":true}}]}");
    assert_int_equal(kv_revision(kv), 3);
    /* delete everything then put one key again: both in one revision, the key starts over */
    apply_expect(kv, KV_CMD_TXN,
                 "{\"success\":[{\"request_delete_range\":{\"key\":\"<a>\",\"range_end\":"
                 "\"<\\0>\"}},{\"request_put\":{\"key\":\"<b>\"}}]}",
                 "{\"succeeded\":true,\"responses\":[{\"response_delete_range\":{\"header\":"
                 "{\"revision\":\"4\"},\"deleted\":\"2\"}},{\"response_put\":{\"header\":"
                 "{\"revision\":\"4\"}}}]}");
    range_expect(kv, "{\"key\":\"<\\0>\",\"range_end\":\"<\\0>\"}",
                 "{\"kvs\":[{\"key\":\"<b>\",\"create_revision\":\"4\",\"mod_revision\":\"4\","
                 "\"version\":\"1\"}],\"count\":\"1\"}");
}

/* ---- events and history ---- */

struct recorded {
    int calls;
    int64_t revs[64];
    size_t counts[64];
    char log[4096];
};

static void record_cb(void *data, int64_t revision, const struct kv_event *ev, size_t n)
{
    struct recorded *r = data;
    r->revs[r->calls] = revision;
    r->counts[r->calls] = n;
    r->calls++;
    size_t o = strlen(r->log);
    for (size_t i = 0; i < n; i++) {
        o += (size_t)snprintf(
            r->log + o, sizeof r->log - o,
            "%" PRId64 ":%s:%.*s=%.*s c%" PRId64 " v%" PRId64 " l%" PRId64 " prev=%.*s;", revision,
            ev[i].is_delete ? "D" : "P", (int)ev[i].kv.key_len, (const char *)ev[i].kv.key,
            (int)ev[i].kv.value_len, ev[i].kv.value ? (const char *)ev[i].kv.value : "",
            ev[i].kv.create_revision, ev[i].kv.version, ev[i].kv.lease,
            ev[i].prev ? (int)ev[i].prev->value_len : 1,
            ev[i].prev ? (const char *)ev[i].prev->value : "-");
        assert_int_equal(ev[i].kv.mod_revision, revision);
    }
}

static const char EVENTS_WANT[] = "2:P:a=1 c2 v1 l0 prev=-;"
                                  "3:P:a=2 c2 v2 l0 prev=1;3:P:b=x c3 v1 l9 prev=-;"
                                  "4:D:a= c0 v0 l0 prev=2;"
                                  "5:D:b= c0 v0 l0 prev=x;";

static void make_events(struct kv_store *kv)
{
    put(kv, "a", "1");
    json_decref(apply_ok(kv, KV_CMD_LEASE_GRANT, "{\"ID\":9,\"TTL\":60}"));
    json_decref(apply_ok(kv, KV_CMD_TXN,
                         "{\"success\":[{\"request_put\":{\"key\":\"<a>\",\"value\":\"<2>\"}},"
                         "{\"request_put\":{\"key\":\"<b>\",\"value\":\"<x>\",\"lease\":9}}]}"));
    del(kv, "a");
    json_decref(apply_ok(kv, KV_CMD_LEASE_REVOKE, "{\"ID\":9}"));
}

static void test_events_arrive_once_per_revision_with_prev(void **state)
{
    struct kv_store *kv = *state;
    struct recorded rec = {0};
    kv_set_events_cb(kv, record_cb, &rec);
    make_events(kv);
    del(kv, "nothing"); /* no revision, no call */
    assert_int_equal(rec.calls, 4);
    assert_int_equal(rec.counts[1], 2);
    assert_string_equal(rec.log, EVENTS_WANT);
}

static void test_history_replays_filters_and_refuses_compacted_starts(void **state)
{
    struct kv_store *kv = *state;
    make_events(kv);
    struct recorded rec = {0};
    struct kv_error err = {0};
    int64_t compact = -1;
    assert_int_equal(kv_history(kv, 1, (const uint8_t *)"\0", 1, (const uint8_t *)"\0", 1,
                                record_cb, &rec, &compact, &err),
                     0);
    assert_string_equal(rec.log, EVENTS_WANT);
    memset(&rec, 0, sizeof rec);
    assert_int_equal(
        kv_history(kv, 3, (const uint8_t *)"b", 1, NULL, 0, record_cb, &rec, &compact, &err), 0);
    assert_string_equal(rec.log, "3:P:b=x c3 v1 l9 prev=-;5:D:b= c0 v0 l0 prev=x;");
    memset(&rec, 0, sizeof rec);
    assert_int_equal(kv_history(kv, 2, (const uint8_t *)"a", 1, (const uint8_t *)"b", 1, record_cb,
                                &rec, &compact, &err),
                     0);
    assert_int_equal(rec.calls, 3);
    memset(&rec, 0, sizeof rec);
    assert_int_equal(
        kv_history(kv, 6, (const uint8_t *)"a", 1, NULL, 0, record_cb, &rec, &compact, &err), 0);
    assert_int_equal(rec.calls, 0);
    json_decref(apply_ok(kv, KV_CMD_COMPACT, "{\"revision\":3}"));
    assert_int_equal(
        kv_history(kv, 3, (const uint8_t *)"a", 1, NULL, 0, record_cb, &rec, &compact, &err), -1);
    assert_int_equal(compact, 3);
    assert_int_equal(err.grpc_code, 11);
    assert_string_equal(err.message, MSG_COMPACTED);
    /* after compaction the first retained revision still has its prev */
    assert_int_equal(kv_history(kv, 4, (const uint8_t *)"\0", 1, (const uint8_t *)"\0", 1,
                                record_cb, &rec, &compact, &err),
                     0);
    assert_string_equal(rec.log, "4:D:a= c0 v0 l0 prev=2;5:D:b= c0 v0 l0 prev=x;");
}

/* ---- compaction ---- */

static void test_compaction_keeps_newest_versions_and_drops_tombstones(void **state)
{
    struct kv_store *kv = *state;
    put(kv, "a", "1"); /* 2 */
    put(kv, "a", "2"); /* 3 */
    put(kv, "b", "1"); /* 4 */
    del(kv, "b");      /* 5 */
    put(kv, "a", "3"); /* 6 */
    put(kv, "c", "1"); /* 7 */
    del(kv, "c");      /* 8 */
    size_t before = kv_size_bytes(kv);
    apply_expect(kv, KV_CMD_COMPACT, "{\"revision\":\"5\",\"physical\":true}", "{}");
    assert_int_equal(kv_compact_revision(kv), 5);
    assert_true(kv_size_bytes(kv) < before);
    range_fails(kv, "{\"key\":\"<a>\",\"revision\":4}", 11, MSG_COMPACTED);
    range_expect(kv, "{\"key\":\"<a>\",\"revision\":5}",
                 "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"2\",\"mod_revision\":\"3\","
                 "\"version\":\"2\",\"value\":\"<2>\"}],\"count\":\"1\"}");
    range_expect(kv, "{\"key\":\"<b>\",\"revision\":5}", "{}");
    range_expect(kv, "{\"key\":\"<c>\",\"revision\":7}",
                 "{\"kvs\":[{\"key\":\"<c>\",\"create_revision\":\"7\",\"mod_revision\":\"7\","
                 "\"version\":\"1\",\"value\":\"<1>\"}],\"count\":\"1\"}");
    range_expect(kv, "{\"key\":\"<a>\",\"range_end\":\"<\\0>\",\"revision\":6,\"count_only\":true}",
                 "{\"count\":\"1\"}");
    apply_fails(kv, KV_CMD_COMPACT, "{\"revision\":5}", 11, 400, MSG_COMPACTED);
    apply_fails(kv, KV_CMD_COMPACT, "{\"revision\":4}", 11, 400, MSG_COMPACTED);
    apply_fails(kv, KV_CMD_COMPACT, "{\"revision\":9}", 11, 400, MSG_FUTURE);
    apply_fails(kv, KV_CMD_TXN,
                "{\"success\":[{\"request_range\":{\"key\":\"<a>\",\"revision\":4}}]}", 11, 400,
                MSG_COMPACTED);
    /* compacting to the current revision: reads there still work, deleted keys vanish */
    apply_expect(kv, KV_CMD_COMPACT, "{\"revision\":8}", "{}");
    range_expect(kv,
                 "{\"key\":\"<\\0>\",\"range_end\":\"<\\0>\",\"revision\":8,\"keys_only\":true}",
                 "{\"kvs\":[{\"key\":\"<a>\",\"create_revision\":\"2\",\"mod_revision\":\"6\","
                 "\"version\":\"3\"}],\"count\":\"1\"}");
    put(kv, "c", "again");
    range_expect(kv, "{\"key\":\"<c>\",\"keys_only\":true}",
                 "{\"kvs\":[{\"key\":\"<c>\",\"create_revision\":\"9\",\"mod_revision\":\"9\","
                 "\"version\":\"1\"}],\"count\":\"1\"}");
    /* on a fresh store compaction to 0 is accepted (etcd starts at -1) */
    struct kv_store *fresh = kv_new();
    json_decref(apply_ok(fresh, KV_CMD_COMPACT, "{\"revision\":0}"));
    assert_int_equal(kv_compact_revision(fresh), 0);
    kv_free(fresh);
}

/* ---- leases ---- */

static void test_leases_attach_move_revoke_in_one_revision(void **state)
{
    struct kv_store *kv = *state;
    apply_expect(kv, KV_CMD_LEASE_GRANT, "{\"ID\":\"20\",\"TTL\":\"60\"}",
                 "{\"ID\":\"20\",\"TTL\":\"60\"}");
    apply_expect(kv, KV_CMD_LEASE_GRANT, "{\"ID\":-3,\"TTL\":5}", "{\"ID\":\"-3\",\"TTL\":\"5\"}");
    assert_int_equal(kv_revision(kv), 1);
    assert_true(kv_lease_exists(kv, 20));
    assert_false(kv_lease_exists(kv, 21));
    json_t *list = kv_lease_list(kv);
    assert_json(list, "[{\"ID\":\"-3\",\"TTL\":\"5\"},{\"ID\":\"20\",\"TTL\":\"60\"}]");
    json_decref(list);
    json_decref(apply_ok(kv, KV_CMD_PUT, "{\"key\":\"<k2>\",\"lease\":20}"));
    json_decref(apply_ok(kv, KV_CMD_PUT, "{\"key\":\"<k1>\",\"lease\":20}"));
    json_decref(apply_ok(kv, KV_CMD_PUT, "{\"key\":\"<k3>\",\"lease\":20}"));
    json_decref(apply_ok(kv, KV_CMD_PUT, "{\"key\":\"<k3>\",\"lease\":-3}")); /* moves */
    json_decref(apply_ok(kv, KV_CMD_PUT, "{\"key\":\"<k4>\",\"lease\":20}"));
    json_decref(apply_ok(kv, KV_CMD_PUT, "{\"key\":\"<k4>\"}")); /* detaches */
    json_decref(
        apply_ok(kv, KV_CMD_PUT, "{\"key\":\"<k1>\",\"value\":\"<v>\",\"ignore_lease\":true}"));
    range_expect(kv, "{\"key\":\"<k1>\"}",
                 "{\"kvs\":[{\"key\":\"<k1>\",\"create_revision\":\"3\",\"mod_revision\":\"8\","
                 "\"version\":\"2\",\"value\":\"<v>\",\"lease\":\"20\"}],\"count\":\"1\"}");
    json_t *keys = NULL;
    assert_int_equal(kv_lease_granted_ttl(kv, 20, &keys), 60);
    assert_json(keys, "[\"<k1>\",\"<k2>\"]");
    json_decref(keys);
    assert_int_equal(kv_lease_granted_ttl(kv, 99, &keys), -1);
    assert_json(keys, "[]");
    json_decref(keys);
    int64_t rev = kv_revision(kv);
    struct recorded rec = {0};
    kv_set_events_cb(kv, record_cb, &rec);
    apply_expect(kv, KV_CMD_LEASE_REVOKE, "{\"ID\":20}", "{}");
    assert_int_equal(kv_revision(kv), rev + 1);
    assert_int_equal(rec.calls, 1);
    assert_int_equal(rec.counts[0], 2);
    assert_false(kv_lease_exists(kv, 20));
    range_expect(kv, "{\"key\":\"<k>\",\"range_end\":\"<l>\",\"keys_only\":true}",
                 "{\"kvs\":[{\"key\":\"<k3>\",\"create_revision\":\"4\",\"mod_revision\":\"5\","
                 "\"version\":\"2\",\"lease\":\"-3\"},{\"key\":\"<k4>\",\"create_revision\":\"6\","
                 "\"mod_revision\":\"7\",\"version\":\"2\"}],\"count\":\"2\"}");
    /* a deleted key leaves its lease; revoking an empty lease makes no revision */
    del(kv, "k3");
    assert_int_equal(kv_lease_granted_ttl(kv, -3, &keys), 5);
    assert_json(keys, "[]");
    json_decref(keys);
    rev = kv_revision(kv);
    json_decref(apply_ok(kv, KV_CMD_LEASE_REVOKE, "{\"ID\":-3}"));
    assert_int_equal(kv_revision(kv), rev);
    assert_int_equal(rec.calls, 2);
}

static void test_meta_is_stored_without_a_revision(void **state)
{
    struct kv_store *kv = *state;
    assert_null(kv_meta_get(kv, "members"));
    json_decref(apply_ok(kv, KV_CMD_META_SET, "{\"name\":\"members\",\"value\":{\"n\":[1,2]}}"));
    assert_json(kv_meta_get(kv, "members"), "{\"n\":[1,2]}");
    assert_int_equal(kv_revision(kv), 1);
    json_decref(apply_ok(kv, KV_CMD_META_SET, "{\"name\":\"members\",\"value\":null}"));
    assert_null(kv_meta_get(kv, "members"));
}

/* ---- snapshots, hash, determinism ---- */

/* A small deterministic PRNG so every run and member sees the same sequence. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Applies a random but seed-determined command (errors are part of the sequence). */
static void random_command(struct kv_store *kv, uint64_t *s)
{
    char req[512];
    int key = (int)(rng_next(s) % 40);
    int lease = (int)(rng_next(s) % 4);
    enum kv_cmd cmd;
    switch (rng_next(s) % 10) {
    case 0:
    case 1:
    case 2:
        cmd = KV_CMD_PUT;
        snprintf(req, sizeof req, "{\"key\":\"<k%02d>\",\"value\":\"<v%d>\",\"lease\":%d}", key,
                 (int)(rng_next(s) % 1000), lease);
        break;
    case 3:
        cmd = KV_CMD_DELETE_RANGE;
        snprintf(req, sizeof req, "{\"key\":\"<k%02d>\",\"range_end\":\"<k%02d>\"}", key,
                 key + (int)(rng_next(s) % 5));
        break;
    case 4:
    case 5:
        cmd = KV_CMD_TXN;
        snprintf(
            req, sizeof req,
            "{\"compare\":[{\"key\":\"<k%02d>\",\"target\":\"VERSION\",\"result\":"
            "\"GREATER\",\"version\":1}],\"success\":[{\"request_put\":{\"key\":"
            "\"<k%02d>\",\"value\":\"<t>\"}},{\"request_delete_range\":{\"key\":\"<k%02d>\"}}],"
            "\"failure\":[{\"request_put\":{\"key\":\"<k%02d>\"}}]}",
            key, key, (key + 7) % 40, (key + 1) % 40);
        break;
    case 6:
        cmd = KV_CMD_COMPACT;
        snprintf(req, sizeof req, "{\"revision\":%" PRId64 "}",
                 kv_revision(kv) - (int64_t)(rng_next(s) % 8));
        break;
    case 7:
        cmd = KV_CMD_LEASE_GRANT;
        snprintf(req, sizeof req, "{\"ID\":%d,\"TTL\":60}", lease);
        break;
    case 8:
        cmd = KV_CMD_LEASE_REVOKE;
        snprintf(req, sizeof req, "{\"ID\":%d}", lease);
        break;
    default:
        cmd = KV_CMD_META_SET;
        snprintf(req, sizeof req, "{\"name\":\"m%d\",\"value\":%d}", lease, key);
        break;
    }
    json_t *r = J(req);
    struct kv_error err;
    json_t *resp = NULL;
    (void)kv_apply(kv, cmd, r, (rng_next(s) & 1) ? &resp : NULL, &err);
    json_decref(resp);
    json_decref(r);
}

static char *dump_range(struct kv_store *kv, const char *req)
{
    json_t *r = J(req);
    struct kv_error err = {0};
    json_t *resp = kv_range(kv, r, &err);
    char *s = resp ? json_dumps(resp, JSON_COMPACT) : strdup(err.message);
    json_decref(resp);
    json_decref(r);
    return s;
}

static void history_collect(void *data, int64_t revision, const struct kv_event *ev, size_t n)
{
    struct recorded *r = data;
    size_t o = strlen(r->log);
    for (size_t i = 0; i < n && o < sizeof r->log - 64; i++) {
        o += (size_t)snprintf(r->log + o, sizeof r->log - o, "%" PRId64 "%c%.*s/%d;", revision,
                              ev[i].is_delete ? 'D' : 'P', (int)ev[i].kv.key_len,
                              (const char *)ev[i].kv.key, ev[i].prev != NULL);
    }
}

static void assert_same_state(struct kv_store *a, struct kv_store *b)
{
    assert_int_equal(kv_hash(a), kv_hash(b));
    assert_int_equal(kv_revision(a), kv_revision(b));
    assert_int_equal(kv_compact_revision(a), kv_compact_revision(b));
    assert_int_equal(kv_key_count(a), kv_key_count(b));
    static const char *const reqs[] = {
        "{\"key\":\"<\\0>\",\"range_end\":\"<\\0>\"}",
        "{\"key\":\"<k1>\",\"range_end\":\"<k2>\",\"limit\":3}",
    };
    for (size_t i = 0; i < 2; i++) {
        char *x = dump_range(a, reqs[i]), *y = dump_range(b, reqs[i]);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    struct recorded ha = {0}, hb = {0};
    int64_t start = kv_compact_revision(a) + 1;
    assert_int_equal(kv_history(a, start, (const uint8_t *)"\0", 1, (const uint8_t *)"\0", 1,
                                history_collect, &ha, NULL, NULL),
                     0);
    assert_int_equal(kv_history(b, start, (const uint8_t *)"\0", 1, (const uint8_t *)"\0", 1,
                                history_collect, &hb, NULL, NULL),
                     0);
    assert_string_equal(ha.log, hb.log);
    json_t *la = kv_lease_list(a), *lb = kv_lease_list(b);
    assert_true(json_equal(la, lb));
    json_decref(la);
    json_decref(lb);
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", i);
        const json_t *x = kv_meta_get(a, name), *y = kv_meta_get(b, name);
        assert_true((x == NULL && y == NULL) || json_equal(x, y));
        json_t *ka = NULL, *kb = NULL;
        assert_int_equal(kv_lease_granted_ttl(a, i, &ka), kv_lease_granted_ttl(b, i, &kb));
        assert_true(json_equal(ka, kb));
        json_decref(ka);
        json_decref(kb);
    }
}

static void test_equal_command_sequences_give_equal_hashes(void **state)
{
    (void)state;
    struct kv_store *a = kv_new(), *b = kv_new();
    uint64_t sa = 0x1234567, sb = 0x1234567;
    for (int i = 0; i < 3000; i++) {
        random_command(a, &sa);
        random_command(b, &sb);
    }
    assert_true(kv_revision(a) > 100);
    assert_same_state(a, b);
    put(b, "k01", "diverge");
    assert_int_not_equal(kv_hash(a), kv_hash(b));
    kv_free(a);
    kv_free(b);
}

static void test_snapshot_round_trip_restores_everything(void **state)
{
    struct kv_store *kv = *state;
    uint64_t s = 42;
    for (int i = 0; i < 2000; i++) {
        random_command(kv, &s);
    }
    json_decref(apply_ok(kv, KV_CMD_META_SET, "{\"name\":\"members\",\"value\":[1,\"x\"]}"));
    void *buf = NULL;
    size_t len = 0;
    assert_int_equal(kv_snapshot_save(kv, &buf, &len), 0);
    struct kv_store *copy = kv_new();
    put(copy, "junk", "replaced");
    struct kv_error err = {0};
    assert_int_equal(kv_snapshot_load(copy, buf, len, &err), 0);
    assert_same_state(kv, copy);
    assert_json(kv_meta_get(copy, "members"), "[1,\"x\"]");
    /* both continue identically after the restore */
    uint64_t s1 = 7, s2 = 7;
    for (int i = 0; i < 500; i++) {
        random_command(kv, &s1);
        random_command(copy, &s2);
    }
    assert_same_state(kv, copy);
    /* saving again gives the same bytes for the same state */
    void *b1 = NULL, *b2 = NULL;
    size_t l1 = 0, l2 = 0;
    kv_snapshot_save(kv, &b1, &l1);
    kv_snapshot_save(copy, &b2, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
    free(b1);
    free(b2);
    kv_free(copy);
    free(buf);
}

static void test_corrupt_snapshots_are_rejected_and_change_nothing(void **state)
{
    struct kv_store *kv = *state;
    uint64_t s = 99;
    for (int i = 0; i < 300; i++) {
        random_command(kv, &s);
    }
    void *buf = NULL;
    size_t len = 0;
    kv_snapshot_save(kv, &buf, &len);
    struct kv_store *victim = kv_new();
    put(victim, "mine", "1");
    uint32_t hash = kv_hash(victim);
    struct kv_error err = {0};
    uint8_t *copy = malloc(len);
    /* truncations */
    for (size_t n = 0; n < len; n += (n < 64 ? 1 : len / 97 + 1)) {
        assert_int_equal(kv_snapshot_load(victim, buf, n, &err), -1);
    }
    /* single bit flips anywhere */
    for (size_t i = 0; i < len; i += len / 211 + 1) {
        memcpy(copy, buf, len);
        copy[i] ^= (uint8_t)(1u << (i % 8));
        assert_int_equal(kv_snapshot_load(victim, copy, len, &err), -1);
    }
    assert_non_null(strstr(err.message, "snapshot"));
    assert_int_equal(err.grpc_code, 13);
    assert_int_equal(kv_snapshot_load(victim, NULL, 0, &err), -1);
    assert_int_equal(kv_hash(victim), hash);
    assert_int_equal(kv_revision(victim), 2);
    /* the intact buffer still loads */
    assert_int_equal(kv_snapshot_load(victim, buf, len, &err), 0);
    assert_int_equal(kv_hash(victim), kv_hash(kv));
    free(copy);
    free(buf);
    kv_free(victim);
}

/* ---- performance (printed, generous bounds only) ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_performance_of_puts_prefix_lists_and_snapshots(void **state)
{
    struct kv_store *kv = *state;
    enum { N = 100000, LISTS = 1000 };
    char value[257];
    memset(value, 'v', 256);
    value[256] = '\0';
    char req[1024];
    double t0 = now_s();
    for (int i = 0; i < N; i++) {
        snprintf(req, sizeof req,
                 "{\"key\":\"<"
                 "/registry/pods/ns%02d/pod-%06d>\",\"value\":\"<%s>\"}",
                 i % 50, i, value);
        json_t *r = J(req);
        struct kv_error err;
        assert_int_equal(kv_apply(kv, KV_CMD_PUT, r, NULL, &err), 0);
        json_decref(r);
    }
    double t1 = now_s();
    for (int i = 0; i < LISTS; i++) {
        snprintf(req, sizeof req,
                 "{\"key\":\"</registry/pods/ns%02d/>\",\"range_end\":\"</registry/pods/ns%02d0>\","
                 "\"limit\":100}",
                 i % 50, i % 50);
        json_t *r = J(req);
        struct kv_error err;
        json_t *resp = kv_range(kv, r, &err);
        assert_int_equal(json_array_size(json_object_get(resp, "kvs")), 100);
        assert_string_equal(json_string_value(json_object_get(resp, "count")), "2000");
        json_decref(resp);
        json_decref(r);
    }
    double t2 = now_s();
    for (int i = 0; i < LISTS; i++) {
        snprintf(req, sizeof req, "{\"key\":\"</registry/pods/ns%02d/pod-%06d>\"}", i * 7 % 50,
                 i * 7);
        json_t *r = J(req);
        struct kv_error err;
        json_t *resp = kv_range(kv, r, &err);
        assert_non_null(json_object_get(resp, "kvs"));
        json_decref(resp);
        json_decref(r);
    }
    double t3 = now_s();
    void *buf = NULL;
    size_t len = 0;
    kv_snapshot_save(kv, &buf, &len);
    double t4 = now_s();
    struct kv_store *copy = kv_new();
    struct kv_error err;
    assert_int_equal(kv_snapshot_load(copy, buf, len, &err), 0);
    double t5 = now_s();
    assert_int_equal(kv_hash(copy), kv_hash(kv));
    json_decref(apply_ok(kv, KV_CMD_COMPACT, "{\"revision\":50000}"));
    double t6 = now_s();
    print_message("perf: %d puts %.3fs; %d prefix lists (limit 100 of 2000) %.3fs; %d gets %.3fs; "
                  "snapshot %zu bytes save %.3fs load %.3fs; compaction %.3fs\n",
                  N, t1 - t0, LISTS, t2 - t1, LISTS, t3 - t2, len, t4 - t3, t5 - t4, t6 - t5);
    /* very generous: sanitizer builds on slow machines */
    assert_true(t2 - t1 < 30.0);
    assert_true(t5 - t3 < 30.0);
    kv_free(copy);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, set_up, tear_down)
        T(test_revisions_versions_and_put_responses_follow_etcd),
        T(test_range_options_match_etcd),
        T(test_historical_reads_see_each_revision),
        T(test_delete_range_counts_prev_kvs_and_skips_empty_deletes),
        T(test_validation_errors_use_etcd_messages),
        T(test_valid_requests_pass_and_max_txn_ops_is_enforced),
        T(test_business_errors_change_nothing),
        T(test_txn_compare_matrix),
        T(test_txn_one_revision_nested_headers_and_reads_of_own_writes),
        T(test_events_arrive_once_per_revision_with_prev),
        T(test_history_replays_filters_and_refuses_compacted_starts),
        T(test_compaction_keeps_newest_versions_and_drops_tombstones),
        T(test_leases_attach_move_revoke_in_one_revision),
        T(test_meta_is_stored_without_a_revision),
        T(test_equal_command_sequences_give_equal_hashes),
        T(test_snapshot_round_trip_restores_everything),
        T(test_corrupt_snapshots_are_rejected_and_change_nothing),
        T(test_performance_of_puts_prefix_lists_and_snapshots),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
