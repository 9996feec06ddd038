/* The watch hub against a real kv store: etcd 3.4's /v3/watch messages, byte for byte where the
 * shape matters, catch-up from history, compaction, progress, and a slow reader that must get
 * every event exactly once in order while the stream's buffer stays bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "kv.h"
#include "watch.h"

#define MIB (1024 * 1024)

struct fixture {
    struct kv_store *kv;
    struct watch_hub *hub;
    struct watch_stream *s;
    int ready_calls;
    bool in_read;
    bool ready_inside_read;
};

static void header_cb(void *data, json_t *header)
{
    (void)data;
    json_object_set_new(header, "cluster_id", json_string("1"));
    json_object_set_new(header, "member_id", json_string("2"));
    json_object_set_new(header, "raft_term", json_string("3"));
}

static void ready_cb(void *data)
{
    struct fixture *f = data;
    f->ready_calls++;
    if (f->in_read) {
        f->ready_inside_read = true;
    }
}

/* Replaces the hub (and the fixture's stream) with one of the given bound and interval. */
static void rehub(struct fixture *f, size_t max_buffered, uint64_t interval_ms)
{
    watch_stream_free(f->s);
    watch_hub_free(f->hub);
    f->hub = watch_hub_new(f->kv, header_cb, NULL, max_buffered, interval_ms);
    f->s = watch_stream_new(f->hub, ready_cb, f);
    f->ready_calls = 0;
}

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->kv = kv_new();
    rehub(f, MIB, 1000);
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    assert_false(f->ready_inside_read);
    /* The hub frees streams still open. */
    watch_hub_free(f->hub);
    kv_free(f->kv);
    free(f);
    return 0;
}

/* ---- Helpers ---- */

/* Base64 of a C string, in one of a few rotating buffers (enough for one request). */
static const char *b64(const char *in)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static char bufs[8][1024];
    static int next;
    char *out = bufs[next++ % 8];
    size_t len = strlen(in);
    char *p = out;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)(uint8_t)in[i] << 16;
        v |= i + 1 < len ? (uint32_t)(uint8_t)in[i + 1] << 8 : 0;
        v |= i + 2 < len ? (uint8_t)in[i + 2] : 0;
        *p++ = alphabet[(v >> 18) & 63];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        *p++ = i + 2 < len ? alphabet[v & 63] : '=';
    }
    *p = '\0';
    return out;
}

#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))

PRINTF_LIKE(1, 0) static json_t *json_fmt(const char *fmt, va_list ap)
{
    char text[4096];
    vsnprintf(text, sizeof text, fmt, ap);
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (j == NULL) {
        fail_msg("bad test JSON %s: %s", text, jerr.text);
    }
    return j;
}

PRINTF_LIKE(3, 4) static void apply(struct fixture *f, enum kv_cmd cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *req = json_fmt(fmt, ap);
    va_end(ap);
    struct kv_error err = {0};
    json_t *resp = NULL;
    if (kv_apply(f->kv, cmd, req, &resp, &err) != 0) {
        fail_msg("kv_apply: %s", err.message);
    }
    json_decref(resp);
    json_decref(req);
}

static void put(struct fixture *f, const char *key, const char *value)
{
    apply(f, KV_CMD_PUT, "{\"key\":\"%s\",\"value\":\"%s\"}", b64(key), b64(value));
}

static void del(struct fixture *f, const char *key)
{
    apply(f, KV_CMD_DELETE_RANGE, "{\"key\":\"%s\"}", b64(key));
}

static void compact(struct fixture *f, int64_t rev)
{
    apply(f, KV_CMD_COMPACT, "{\"revision\":%lld}", (long long)rev);
}

/* Sends one request object to a stream and expects it to be accepted. */
PRINTF_LIKE(2, 3) static void request(struct watch_stream *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *req = json_fmt(fmt, ap);
    va_end(ap);
    struct kv_error err = {0};
    if (watch_stream_handle(s, req, &err) != 0) {
        fail_msg("watch_stream_handle: %s", err.message);
    }
    json_decref(req);
}

/* Reads a stream until it has nothing, chunk bytes at a time, checking that what is left never
 * exceeds limit (0: no check); returns the text (free()). */
static char *drain_text_bounded(struct fixture *f, struct watch_stream *s, size_t chunk,
                                size_t limit)
{
    size_t len = 0, cap = 4096;
    char *text = malloc(cap);
    for (;;) {
        if (len + chunk + 1 > cap) {
            while (len + chunk + 1 > cap) {
                cap *= 2;
            }
            text = realloc(text, cap);
        }
        f->in_read = true;
        size_t n = watch_stream_read(s, text + len, chunk);
        f->in_read = false;
        assert_true(limit == 0 || watch_stream_pending(s) <= limit);
        if (n == 0) {
            break;
        }
        assert_true(n <= chunk);
        len += n;
    }
    assert_int_equal(watch_stream_pending(s), 0);
    text[len] = '\0';
    return text;
}

static char *drain_text(struct fixture *f, struct watch_stream *s)
{
    return drain_text_bounded(f, s, 7, 0); /* odd chunks: messages split across reads */
}

/* Parses drained output: every line is {"result":{...}}; returns an array of the results. */
static json_t *drain_bounded(struct fixture *f, struct watch_stream *s, size_t limit)
{
    char *text = drain_text_bounded(f, s, 997, limit);
    json_t *out = json_array();
    char *line = text;
    while (*line != '\0') {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        json_error_t jerr;
        json_t *msg = json_loads(line, 0, &jerr);
        if (msg == NULL) {
            fail_msg("bad output line %s: %s", line, jerr.text);
        }
        assert_int_equal(json_object_size(msg), 1);
        json_t *result = json_object_get(msg, "result");
        assert_true(json_is_object(result));
        json_array_append(out, result);
        json_decref(msg);
        line = nl + 1;
    }
    free(text);
    return out;
}

static json_t *drain(struct fixture *f, struct watch_stream *s)
{
    return drain_bounded(f, s, 0);
}

static void assert_json_equal(const json_t *actual, const char *expected_text)
{
    json_error_t jerr;
    json_t *expected = json_loads(expected_text, 0, &jerr);
    if (expected == NULL) {
        fail_msg("bad expected JSON %s: %s", expected_text, jerr.text);
    }
    if (!json_equal(actual, expected)) {
        char *a = json_dumps(actual, JSON_COMPACT);
        fail_msg("got      %s\nexpected %s", a, expected_text);
    }
    json_decref(expected);
}

static void assert_drained(struct fixture *f, struct watch_stream *s, const char *expected)
{
    char *text = drain_text(f, s);
    assert_string_equal(text, expected);
    free(text);
}

static int64_t int64_field(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    if (v == NULL) {
        return 0;
    }
    assert_true(json_is_string(v));
    return strtoll(json_string_value(v), NULL, 10);
}

#define H(rev) \
    "{\"cluster_id\":\"1\",\"member_id\":\"2\",\"revision\":\"" #rev "\",\"raft_term\":\"3\"}"
#define H_NOREV "{\"cluster_id\":\"1\",\"member_id\":\"2\",\"raft_term\":\"3\"}"

/* Follows one watcher through drained messages: every event's mod_revision, in order. */
struct seen {
    int64_t revs[8192];
    size_t n;
    bool canceled;
    int64_t compact_revision;
};

static void collect(const json_t *msgs, int64_t watch_id, struct seen *seen)
{
    size_t i;
    const json_t *m;
    json_array_foreach (msgs, i, m) {
        if (int64_field(m, "watch_id") != watch_id) {
            continue;
        }
        assert_false(seen->canceled); /* nothing after a cancel */
        if (json_is_true(json_object_get(m, "canceled"))) {
            seen->canceled = true;
            seen->compact_revision = int64_field(m, "compact_revision");
        }
        const json_t *events = json_object_get(m, "events");
        size_t j;
        const json_t *ev;
        int64_t first = 0;
        json_array_foreach (events, j, ev) {
            int64_t rev = int64_field(json_object_get(ev, "kv"), "mod_revision");
            if (first == 0) {
                first = rev;
            }
            assert_true(seen->n < sizeof seen->revs / sizeof seen->revs[0]);
            seen->revs[seen->n++] = rev;
        }
        /* A message's header revision is never older than its events. */
        if (first != 0) {
            assert_true(int64_field(json_object_get(m, "header"), "revision") >=
                        seen->revs[seen->n - 1]);
        }
    }
}

/* ---- Success ---- */

static void test_created_message_is_etcds_exact_shape(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\"}}", b64("a"));
    assert_drained(f, f->s, "{\"result\":{\"header\":" H(1) ",\"created\":true}}\n");
    assert_int_equal(watch_hub_stream_count(f->hub), 1);
    assert_int_equal(watch_hub_watcher_count(f->hub), 1);
}

static void test_live_put_and_delete_events_are_etcds_exact_shape(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\"}}", b64("a"));
    free(drain_text(f, f->s));

    put(f, "a", "1");
    assert_drained(f, f->s,
                   "{\"result\":{\"header\":" H(
                       2) ",\"events\":[{\"kv\":{\"key\":\"YQ==\","
                          "\"create_revision\":\"2\",\"mod_revision\":\"2\",\"version\":\"1\","
                          "\"value\":\"MQ==\"}}]}}\n");
    put(f, "b", "x"); /* another key: nothing */
    assert_int_equal(watch_stream_pending(f->s), 0);
    del(f, "a");
    assert_drained(
        f, f->s,
        "{\"result\":{\"header\":" H(4) ",\"events\":[{\"type\":\"DELETE\",\"kv\":{"
                                        "\"key\":\"YQ==\",\"mod_revision\":\"4\"}}]}}\n");
}

static void test_client_watch_ids_are_echoed_and_duplicates_are_refused(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":7}}", b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":\"7\"}}", b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\"}}", b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":2}}", b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\"}}", b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\"}}", b64("a"));
    assert_drained(
        f, f->s,
        "{\"result\":{\"header\":" H(
            1) ",\"watch_id\":\"7\",\"created\":true}}\n"
               "{\"result\":{\"header\":" H(
                   1) ",\"watch_id\":\"-1\",\"created\":true,"
                      "\"canceled\":true,\"cancel_reason\":\"mvcc: duplicate watch ID provided on "
                      "the WatchStream\"}}\n"
                      "{\"result\":{\"header\":" H(
                          1) ",\"created\":true}}\n"
                             "{\"result\":{\"header\":" H(
                                 1) ",\"watch_id\":\"2\",\"created\":true}}\n"
                                    "{\"result\":{\"header\":" H(
                                        1) ",\"watch_id\":\"1\",\"created\":true}}\n"
                                           "{\"result\":{\"header\":" H(
                                               1) ",\"watch_id\":\"3\",\"created\":true}}\n");
    assert_int_equal(watch_hub_watcher_count(f->hub), 5);

    put(f, "a", "1");
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 5);
    int64_t ids[] = {7, 0, 2, 1, 3};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(int64_field(json_array_get(msgs, i), "watch_id"), ids[i]);
    }
    json_decref(msgs);
}

static void test_prev_kv_carries_the_previous_version_except_on_create(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"prev_kv\":true}}", b64("a"));
    free(drain_text(f, f->s));
    put(f, "a", "1");
    put(f, "a", "2");
    del(f, "a");
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 3);
    assert_json_equal(json_object_get(json_array_get(msgs, 0), "events"),
                      "[{\"kv\":{\"key\":\"YQ==\",\"create_revision\":\"2\",\"mod_revision\":"
                      "\"2\",\"version\":\"1\",\"value\":\"MQ==\"}}]");
    assert_json_equal(json_object_get(json_array_get(msgs, 1), "events"),
                      "[{\"kv\":{\"key\":\"YQ==\",\"create_revision\":\"2\",\"mod_revision\":"
                      "\"3\",\"version\":\"2\",\"value\":\"Mg==\"},\"prev_kv\":{\"key\":\"YQ==\","
                      "\"create_revision\":\"2\",\"mod_revision\":\"2\",\"version\":\"1\","
                      "\"value\":\"MQ==\"}}]");
    assert_json_equal(json_object_get(json_array_get(msgs, 2), "events"),
                      "[{\"type\":\"DELETE\",\"kv\":{\"key\":\"YQ==\",\"mod_revision\":\"4\"},"
                      "\"prev_kv\":{\"key\":\"YQ==\",\"create_revision\":\"2\",\"mod_revision\":"
                      "\"3\",\"version\":\"2\",\"value\":\"Mg==\"}}]");
    json_decref(msgs);
}

static void test_filters_drop_puts_or_deletes_by_name_or_number(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":1,\"filters\":[\"NOPUT\"]}}",
            b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":2,\"filters\":[1]}}", b64("a"));
    request(f->s,
            "{\"create_request\":{\"key\":\"%s\",\"watch_id\":3,\"filters\":[\"NOPUT\","
            "\"NODELETE\"]}}",
            b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":4,\"filters\":[0,7]}}",
            b64("a"));
    free(drain_text(f, f->s));
    put(f, "a", "1");
    del(f, "a");
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 3);
    assert_int_equal(int64_field(json_array_get(msgs, 0), "watch_id"), 2); /* the put */
    assert_int_equal(int64_field(json_array_get(msgs, 1), "watch_id"), 1); /* the delete */
    assert_int_equal(int64_field(json_array_get(msgs, 2), "watch_id"), 4);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(json_array_get(msgs, 1), "events"), 0), "type")),
        "DELETE");
    json_decref(msgs);
}

static void test_range_watches_follow_range_end_rules(void **state)
{
    struct fixture *f = *state;
    /* [a, b) = the prefix "a"; [a1, "\0") = every key from a1; ["", "\0") = everything. */
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"%s\",\"watch_id\":1}}",
            b64("a"), b64("b"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"AA==\",\"watch_id\":2}}",
            b64("a1"));
    request(f->s, "{\"create_request\":{\"range_end\":\"AA==\",\"watch_id\":3}}");
    free(drain_text(f, f->s));
    put(f, "a", "x");  /* 2 */
    put(f, "a1", "x"); /* 3 */
    put(f, "b1", "x"); /* 4 */
    put(f, "0", "x");  /* 5 */
    json_t *msgs = drain(f, f->s);
    struct seen s1 = {0}, s2 = {0}, s3 = {0};
    collect(msgs, 1, &s1);
    collect(msgs, 2, &s2);
    collect(msgs, 3, &s3);
    assert_int_equal(s1.n, 2);
    assert_int_equal(s1.revs[0], 2);
    assert_int_equal(s1.revs[1], 3);
    assert_int_equal(s2.n, 2);
    assert_int_equal(s2.revs[0], 3);
    assert_int_equal(s2.revs[1], 4);
    assert_int_equal(s3.n, 4);
    json_decref(msgs);
}

static void test_empty_range_is_created_and_canceled_as_etcd(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"%s\"}}", b64("b"), b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"%s\"}}", b64("a"), b64("a"));
    const char *refused = "{\"result\":{\"header\":" H(
        1) ",\"watch_id\":\"-1\",\"created\":true,"
           "\"canceled\":true,\"cancel_reason\":\"mvcc: watcher range is "
           "empty\"}}\n";
    char expected[1024];
    snprintf(expected, sizeof expected, "%s%s", refused, refused);
    assert_drained(f, f->s, expected);
    assert_int_equal(watch_hub_watcher_count(f->hub), 0);
}

static void test_catch_up_from_start_revision_merges_revisions_then_goes_live(void **state)
{
    struct fixture *f = *state;
    put(f, "a1", "1"); /* 2 */
    put(f, "a2", "2"); /* 3 */
    put(f, "b", "3");  /* 4 */
    del(f, "a1");      /* 5 */
    request(f->s,
            "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"%s\",\"start_revision\":\"2\","
            "\"prev_kv\":true}}",
            b64("a"), b64("b"));
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 2);
    assert_json_equal(json_array_get(msgs, 0), "{\"header\":" H(5) ",\"created\":true}");
    assert_json_equal(
        json_array_get(msgs, 1),
        "{\"header\":" H(
            5) ",\"events\":["
               "{\"kv\":{\"key\":\"YTE=\",\"create_revision\":\"2\",\"mod_revision\":\"2\","
               "\"version\":\"1\",\"value\":\"MQ==\"}},"
               "{\"kv\":{\"key\":\"YTI=\",\"create_revision\":\"3\",\"mod_revision\":\"3\","
               "\"version\":\"1\",\"value\":\"Mg==\"}},"
               "{\"type\":\"DELETE\",\"kv\":{\"key\":\"YTE=\",\"mod_revision\":\"5\"},"
               "\"prev_kv\":{\"key\":\"YTE=\",\"create_revision\":\"2\",\"mod_revision\":"
               "\"2\",\"version\":\"1\",\"value\":\"MQ==\"}}]}");
    json_decref(msgs);

    put(f, "a3", "4"); /* 6: live now */
    msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 1);
    assert_int_equal(int64_field(json_object_get(json_array_get(msgs, 0), "header"), "revision"),
                     6);
    json_decref(msgs);
}

static void test_txn_events_travel_in_one_message(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"range_end\":\"AA==\"}}");
    free(drain_text(f, f->s));
    apply(f, KV_CMD_TXN,
          "{\"success\":[{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\"}},"
          "{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\"}}]}",
          b64("x"), b64("1"), b64("y"), b64("2"));
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 1);
    const json_t *events = json_object_get(json_array_get(msgs, 0), "events");
    assert_int_equal(json_array_size(events), 2);
    assert_int_equal(int64_field(json_object_get(json_array_get(events, 0), "kv"), "mod_revision"),
                     2);
    assert_int_equal(int64_field(json_object_get(json_array_get(events, 1), "kv"), "mod_revision"),
                     2);
    json_decref(msgs);
}

static void test_start_revision_in_the_future_waits_for_it(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"start_revision\":4}}", b64("a"));
    assert_drained(f, f->s, "{\"result\":{\"header\":" H(1) ",\"created\":true}}\n");
    put(f, "a", "1"); /* 2 */
    put(f, "a", "2"); /* 3 */
    assert_int_equal(watch_stream_pending(f->s), 0);
    put(f, "a", "3"); /* 4 */
    json_t *msgs = drain(f, f->s);
    struct seen seen = {0};
    collect(msgs, 0, &seen);
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.revs[0], 4);
    json_decref(msgs);
}

static void test_negative_start_revision_reads_from_the_first_revision(void **state)
{
    struct fixture *f = *state;
    put(f, "a", "1"); /* 2 */
    put(f, "a", "2"); /* 3 */
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"start_revision\":-3}}", b64("a"));
    json_t *msgs = drain(f, f->s);
    struct seen seen = {0};
    collect(msgs, 0, &seen);
    assert_int_equal(seen.n, 2);
    assert_int_equal(seen.revs[0], 2);
    assert_int_equal(seen.revs[1], 3);
    json_decref(msgs);

    /* Once compacted, etcd cancels it like any compacted start. */
    compact(f, 2);
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"start_revision\":-3}}", b64("a"));
    assert_drained(f, f->s,
                   "{\"result\":{\"header\":" H(3) ",\"watch_id\":\"1\",\"created\":true}}\n"
                                                   "{\"result\":{\"header\":" H_NOREV
                                                   ",\"watch_id\":\"1\",\"canceled\":true,"
                                                   "\"compact_revision\":\"2\"}}\n");
}

static void test_compacted_start_revision_is_created_then_canceled(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 4; i++) {
        put(f, "a", "v"); /* 2..5 */
    }
    compact(f, 4);
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"start_revision\":3,\"watch_id\":9}}",
            b64("a"));
    assert_drained(f, f->s,
                   "{\"result\":{\"header\":" H(5) ",\"watch_id\":\"9\",\"created\":true}}\n"
                                                   "{\"result\":{\"header\":" H_NOREV
                                                   ",\"watch_id\":\"9\",\"canceled\":true,"
                                                   "\"compact_revision\":\"4\"}}\n");
    assert_int_equal(watch_hub_watcher_count(f->hub), 0);
    put(f, "a", "v");
    assert_int_equal(watch_stream_pending(f->s), 0);

    /* As etcd, the id stays taken until the client cancels it. */
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":9}}", b64("a"));
    request(f->s, "{\"cancel_request\":{\"watch_id\":9}}");
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":9}}", b64("a"));
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 3);
    assert_int_equal(int64_field(json_array_get(msgs, 0), "watch_id"), -1);
    assert_json_equal(json_array_get(msgs, 1),
                      "{\"header\":" H(6) ",\"watch_id\":\"9\",\"canceled\":true}");
    assert_json_equal(json_array_get(msgs, 2),
                      "{\"header\":" H(6) ",\"watch_id\":\"9\",\"created\":true}");
    json_decref(msgs);
}

static void test_watch_from_the_compact_revision_gets_the_puts_that_survived(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 4; i++) {
        char v[2] = {(char)('0' + i), 0};
        put(f, "k", v); /* 2..5 */
    }
    put(f, "gone", "x"); /* 6 */
    apply(f, KV_CMD_TXN,
          "{\"success\":[{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\"}},"
          "{\"request_delete_range\":{\"key\":\"%s\"}}]}",
          b64("k2"), b64("y"), b64("gone")); /* 7 */
    put(f, "k", "4");                        /* 8 */
    compact(f, 7);
    /* As etcd: the put at 7 survives the compaction, its delete does not, nor its prev_kv. */
    request(f->s, "{\"create_request\":{\"range_end\":\"AA==\",\"start_revision\":7,"
                  "\"prev_kv\":true}}");
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 2);
    assert_json_equal(
        json_array_get(msgs, 1),
        "{\"header\":" H(
            8) ",\"events\":["
               "{\"kv\":{\"key\":\"azI=\",\"create_revision\":\"7\",\"mod_revision\":"
               "\"7\",\"version\":\"1\",\"value\":\"eQ==\"}},"
               "{\"kv\":{\"key\":\"aw==\",\"create_revision\":\"2\",\"mod_revision\":"
               "\"8\",\"version\":\"5\",\"value\":\"NA==\"},\"prev_kv\":{\"key\":\"aw==\","
               "\"create_revision\":\"2\",\"mod_revision\":\"5\",\"version\":\"4\","
               "\"value\":\"Mw==\"}}]}");
    json_decref(msgs);
    /* One revision later than the compaction is plain history. */
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"start_revision\":8}}", b64("k"));
    msgs = drain(f, f->s);
    struct seen seen = {0};
    collect(msgs, 1, &seen);
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.revs[0], 8);
    json_decref(msgs);
}

static void test_cancel_stops_events_and_unknown_ids_are_ignored(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\"}}", b64("a"));
    request(f->s, "{\"cancel_request\":{}}");               /* watch_id 0 */
    request(f->s, "{\"cancel_request\":{\"watch_id\":5}}"); /* unknown: no answer */
    assert_drained(
        f, f->s,
        "{\"result\":{\"header\":" H(1) ",\"created\":true}}\n"
                                        "{\"result\":{\"header\":" H(1) ",\"canceled\":true}}\n");
    assert_int_equal(watch_hub_watcher_count(f->hub), 0);
    put(f, "a", "1");
    assert_int_equal(watch_stream_pending(f->s), 0);
}

static void test_progress_request_reports_the_current_revision(void **state)
{
    struct fixture *f = *state;
    put(f, "a", "1");
    put(f, "a", "2");
    request(f->s, "{\"progress_request\":{}}");
    assert_drained(f, f->s, "{\"result\":{\"header\":" H(3) ",\"watch_id\":\"-1\"}}\n");
    request(f->s, "{\"create_request\":{\"key\":\"%s\"}}", b64("a"));
    request(f->s, "{\"progress_request\":{}}");
    assert_drained(
        f, f->s,
        "{\"result\":{\"header\":" H(3) ",\"created\":true}}\n"
                                        "{\"result\":{\"header\":" H(3) ",\"watch_id\":\"-1\"}}\n");
}

static void test_progress_request_waits_for_catching_up_watchers(void **state)
{
    struct fixture *f = *state;
    rehub(f, 512, 0);
    for (int i = 0; i < 40; i++) {
        put(f, "k", "value"); /* 2..41 */
    }
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"start_revision\":2}}", b64("k"));
    request(f->s, "{\"progress_request\":{}}");
    json_t *msgs = drain(f, f->s);
    struct seen seen = {0};
    collect(msgs, 0, &seen);
    assert_int_equal(seen.n, 40);
    assert_true(json_array_size(msgs) > 2); /* the bound split the catch-up */
    /* The progress answer comes last: every event up to its revision was sent before it. */
    const json_t *last = json_array_get(msgs, json_array_size(msgs) - 1);
    assert_json_equal(last, "{\"header\":" H(41) ",\"watch_id\":\"-1\"}");
    json_decref(msgs);
}

static void test_progress_notify_sends_idle_watchers_the_revision(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":1,\"progress_notify\":true}}",
            b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":2,\"progress_notify\":true}}",
            b64("b"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":3}}", b64("a"));
    free(drain_text(f, f->s));
    watch_hub_tick(f->hub, 10000); /* the first tick starts the interval */
    watch_hub_tick(f->hub, 10999);
    assert_int_equal(watch_stream_pending(f->s), 0);
    put(f, "a", "1"); /* 2: watcher 1 is not idle in this interval */
    free(drain_text(f, f->s));
    int before = f->ready_calls;
    watch_hub_tick(f->hub, 11000);
    assert_drained(f, f->s, "{\"result\":{\"header\":" H(2) ",\"watch_id\":\"2\"}}\n");
    assert_int_equal(f->ready_calls, before + 1);
    watch_hub_tick(f->hub, 11500);
    assert_int_equal(watch_stream_pending(f->s), 0);
    watch_hub_tick(f->hub, 12000);
    assert_drained(
        f, f->s,
        "{\"result\":{\"header\":" H(2) ",\"watch_id\":\"1\"}}\n"
                                        "{\"result\":{\"header\":" H(2) ",\"watch_id\":\"2\"}}\n");

    /* A stream opened after the first tick starts its own interval. */
    struct watch_stream *s2 = watch_stream_new(f->hub, NULL, NULL);
    request(s2, "{\"create_request\":{\"key\":\"%s\",\"progress_notify\":true}}", b64("a"));
    free(drain_text(f, s2));
    watch_hub_tick(f->hub, 12500);
    assert_int_equal(watch_stream_pending(s2), 0);
    watch_hub_tick(f->hub, 13000);
    assert_drained(f, s2, "{\"result\":{\"header\":" H(2) "}}\n");
    free(drain_text(f, f->s));
    watch_stream_free(s2);
}

static void test_progress_interval_zero_disables_notifications(void **state)
{
    struct fixture *f = *state;
    rehub(f, MIB, 0);
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"progress_notify\":true}}", b64("a"));
    free(drain_text(f, f->s));
    for (uint64_t t = 1; t < 100000; t += 5000) {
        watch_hub_tick(f->hub, t);
    }
    assert_int_equal(watch_stream_pending(f->s), 0);
}

static void test_many_watchers_on_one_stream_each_get_their_events(void **state)
{
    struct fixture *f = *state;
    char key[16];
    for (int i = 0; i < 50; i++) {
        snprintf(key, sizeof key, "k%02d", i);
        request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":%d}}", b64(key), 100 + i);
    }
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"%s\",\"watch_id\":1}}",
            b64("k"), b64("l"));
    assert_int_equal(watch_hub_watcher_count(f->hub), 51);
    free(drain_text(f, f->s));
    for (int i = 49; i >= 0; i--) {
        snprintf(key, sizeof key, "k%02d", i);
        put(f, key, "v"); /* k49 at 2 ... k00 at 51 */
    }
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 100);
    for (int i = 0; i < 50; i++) {
        struct seen seen = {0};
        collect(msgs, 100 + i, &seen);
        assert_int_equal(seen.n, 1);
        assert_int_equal(seen.revs[0], 51 - i);
    }
    struct seen all = {0};
    collect(msgs, 1, &all);
    assert_int_equal(all.n, 50);
    for (size_t i = 0; i < all.n; i++) {
        assert_int_equal(all.revs[i], (int64_t)i + 2);
    }
    json_decref(msgs);
}

static void test_slow_reader_gets_every_event_once_in_order_with_bounded_memory(void **state)
{
    struct fixture *f = *state;
    const size_t bound = 4096;
    rehub(f, bound, 0);
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":1,\"prev_kv\":true}}",
            b64("k"));
    request(f->s, "{\"create_request\":{\"range_end\":\"AA==\",\"watch_id\":2}}");
    struct watch_stream *fast = watch_stream_new(f->hub, NULL, NULL);
    request(fast, "{\"create_request\":{\"key\":\"%s\"}}", b64("k"));
    free(drain_text(f, fast));

    /* Slack: a catch-up batch is cut at half the bound, one revision may overshoot it. */
    const size_t limit = 2 * bound + 1024;
    const int n = 2000;
    char value[64];
    for (int i = 0; i < n; i++) {
        snprintf(value, sizeof value, "value-%04d-padding-padding-padding-padding", i);
        put(f, i % 3 == 2 ? "other" : "k", value); /* 2 .. n+1 */
        assert_true(watch_stream_pending(f->s) <= limit);
        /* The fast reader on the same hub is unaffected. */
        json_t *m = drain(f, fast);
        if (i % 3 != 2) {
            assert_int_equal(json_array_size(m), 1);
        }
        json_decref(m);
    }
    assert_true(f->ready_calls >= 1);

    /* Drain slowly; reads pull the backlog from history a bounded piece at a time. */
    json_t *all = drain_bounded(f, f->s, limit);
    assert_true(json_array_size(all) > 10);

    struct seen *k = calloc(1, sizeof *k);
    struct seen *every = calloc(1, sizeof *every);
    collect(all, 1, k);
    collect(all, 2, every);
    assert_int_equal(every->n, n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(every->revs[i], i + 2);
    }
    size_t expect = 0;
    for (int i = 0; i < n; i++) {
        if (i % 3 != 2) {
            assert_true(expect < k->n);
            assert_int_equal(k->revs[expect], i + 2);
            expect++;
        }
    }
    assert_int_equal(k->n, expect);
    /* prev_kv survives catch-up: every put of "k" after the first has one. */
    size_t i;
    const json_t *m;
    size_t with_prev = 0;
    json_array_foreach (all, i, m) {
        if (int64_field(m, "watch_id") != 1) {
            continue;
        }
        size_t j;
        const json_t *ev;
        json_array_foreach (json_object_get(m, "events"), j, ev) {
            with_prev += json_object_get(ev, "prev_kv") != NULL;
        }
    }
    assert_int_equal(with_prev, expect - 1);
    free(k);
    free(every);
    json_decref(all);

    /* Caught up: the next event is live again. */
    put(f, "k", "live");
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 2);
    json_decref(msgs);
    watch_stream_free(fast);
}

static void test_slow_reader_behind_a_compaction_is_canceled_with_compact_revision(void **state)
{
    struct fixture *f = *state;
    rehub(f, 512, 0);
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"watch_id\":4}}", b64("k"));
    for (int i = 0; i < 100; i++) {
        put(f, "k", "value"); /* 2..101 */
    }
    compact(f, 90);
    json_t *msgs = drain(f, f->s);
    struct seen seen = {0};
    collect(msgs, 4, &seen);
    assert_true(seen.canceled);
    assert_int_equal(seen.compact_revision, 90);
    assert_true(seen.n > 0 && seen.n < 89);
    for (size_t i = 0; i < seen.n; i++) {
        assert_int_equal(seen.revs[i], (int64_t)i + 2); /* no gap before the cancel */
    }
    json_decref(msgs);
    assert_int_equal(watch_hub_watcher_count(f->hub), 0);
}

static void test_state_replaced_catches_up_from_the_new_history(void **state)
{
    struct fixture *f = *state;
    struct kv_store *leader = kv_new();
    struct kv_store *mine = f->kv;
    put(f, "a", "1"); /* 2 */
    put(f, "a", "2"); /* 3 */
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"prev_kv\":true}}", b64("a"));
    free(drain_text(f, f->s));

    /* The leader applied the same log and more; its snapshot replaces our state. */
    f->kv = leader;
    put(f, "a", "1");
    put(f, "a", "2");
    put(f, "a", "3"); /* 4 */
    del(f, "a");      /* 5 */
    put(f, "b", "x"); /* 6 */
    f->kv = mine;
    void *snap = NULL;
    size_t snap_len = 0;
    assert_int_equal(kv_snapshot_save(leader, &snap, &snap_len), 0);
    struct kv_error err = {0};
    assert_int_equal(kv_snapshot_load(f->kv, snap, snap_len, &err), 0);
    free(snap);
    kv_free(leader);

    int before = f->ready_calls;
    watch_hub_state_replaced(f->hub);
    assert_int_equal(f->ready_calls, before + 1);
    json_t *msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 1);
    assert_json_equal(
        json_array_get(msgs, 0),
        "{\"header\":" H(
            6) ",\"events\":["
               "{\"kv\":{\"key\":\"YQ==\",\"create_revision\":\"2\",\"mod_revision\":\"4\","
               "\"version\":\"3\",\"value\":\"Mw==\"},\"prev_kv\":{\"key\":\"YQ==\","
               "\"create_revision\":\"2\",\"mod_revision\":\"3\",\"version\":\"2\","
               "\"value\":\"Mg==\"}},"
               "{\"type\":\"DELETE\",\"kv\":{\"key\":\"YQ==\",\"mod_revision\":\"5\"},"
               "\"prev_kv\":{\"key\":\"YQ==\",\"create_revision\":\"2\",\"mod_revision\":"
               "\"4\",\"version\":\"3\",\"value\":\"Mw==\"}}]}");
    json_decref(msgs);

    put(f, "a", "4"); /* 7: live again */
    msgs = drain(f, f->s);
    assert_int_equal(json_array_size(msgs), 1);
    json_decref(msgs);
}

static void test_state_replaced_cancels_watchers_whose_revision_was_compacted(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\"}}", b64("a"));
    request(f->s, "{\"create_request\":{\"key\":\"%s\",\"start_revision\":50,\"watch_id\":8}}",
            b64("a"));
    free(drain_text(f, f->s));
    struct kv_store *mine = f->kv;
    f->kv = kv_new();
    for (int i = 0; i < 5; i++) {
        put(f, "a", "v"); /* 2..6 */
    }
    compact(f, 5);
    void *snap = NULL;
    size_t snap_len = 0;
    assert_int_equal(kv_snapshot_save(f->kv, &snap, &snap_len), 0);
    kv_free(f->kv);
    f->kv = mine;
    struct kv_error err = {0};
    assert_int_equal(kv_snapshot_load(f->kv, snap, snap_len, &err), 0);
    free(snap);

    watch_hub_state_replaced(f->hub);
    assert_drained(f, f->s,
                   "{\"result\":{\"header\":" H_NOREV ",\"canceled\":true,"
                   "\"compact_revision\":\"5\"}}\n");
    /* The watcher waiting for revision 50 is untouched. */
    assert_int_equal(watch_hub_watcher_count(f->hub), 1);
}

static void test_freeing_streams_with_pending_output_leaks_nothing(void **state)
{
    struct fixture *f = *state;
    rehub(f, 1024, 1000);
    struct watch_stream *other = watch_stream_new(f->hub, NULL, NULL);
    request(f->s, "{\"create_request\":{\"range_end\":\"AA==\",\"prev_kv\":true}}");
    request(other, "{\"create_request\":{\"range_end\":\"AA==\"}}");
    request(other, "{\"progress_request\":{}}");
    for (int i = 0; i < 200; i++) {
        put(f, "k", "some value");
    }
    request(other, "{\"create_request\":{\"key\":\"%s\",\"start_revision\":2}}", b64("k"));
    request(other, "{\"progress_request\":{}}");
    assert_true(watch_stream_pending(f->s) > 0);
    assert_true(watch_stream_pending(other) > 0);
    assert_int_equal(watch_hub_stream_count(f->hub), 2);
    assert_int_equal(watch_hub_watcher_count(f->hub), 3);
    watch_stream_free(other);
    assert_int_equal(watch_hub_stream_count(f->hub), 1);
    assert_int_equal(watch_hub_watcher_count(f->hub), 1);
    /* f->s, with pending output and an unsynced watcher, is freed by watch_hub_free. */
}

static void test_ready_cb_fires_when_output_appears_and_never_inside_read(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"create_request\":{\"key\":\"%s\"}}", b64("a"));
    assert_int_equal(f->ready_calls, 1);
    free(drain_text(f, f->s));
    put(f, "a", "1");
    assert_int_equal(f->ready_calls, 2);
    put(f, "a", "2"); /* output was already waiting */
    assert_int_equal(f->ready_calls, 2);
    char c;
    assert_int_equal(watch_stream_read(f->s, &c, 1), 1);
    put(f, "a", "3");
    assert_int_equal(f->ready_calls, 2);
    free(drain_text(f, f->s));
    put(f, "b", "1"); /* nothing for this stream */
    assert_int_equal(f->ready_calls, 2);
    put(f, "a", "4");
    assert_int_equal(f->ready_calls, 3);
}

/* ---- Failure ---- */

static void assert_refused(struct fixture *f, const char *text, const char *message)
{
    json_t *req = json_loads(text, JSON_DECODE_ANY, NULL);
    assert_non_null(req);
    struct kv_error err = {0};
    assert_int_equal(watch_stream_handle(f->s, req, &err), -1);
    assert_int_equal(err.grpc_code, 2);
    assert_int_equal(err.http_status, 500);
    assert_string_equal(err.message, message);
    json_decref(req);
}

static void test_malformed_requests_are_refused_with_the_gateways_errors(void **state)
{
    struct fixture *f = *state;
    assert_refused(f, "{\"create_request\":{\"key\":\"@@\"}}",
                   "illegal base64 data at input byte 0");
    assert_refused(f, "{\"create_request\":{\"key\":\"YQ=A\"}}",
                   "illegal base64 data at input byte 3");
    assert_refused(f, "{\"create_request\":{\"key\":\"YQ==\",\"range_end\":\"Y@==\"}}",
                   "illegal base64 data at input byte 1");
    assert_refused(f, "{\"create_request\":{\"key\":\"YQ==\",\"filters\":[\"FOO\"]}}",
                   "unknown value \"FOO\" for enum etcdserverpb.WatchCreateRequest_FilterType");
    assert_refused(f, "{\"create_request\":{\"key\":\"YQ==\",\"prev_kv\":\"true\"}}",
                   "json: cannot unmarshal string into Go value of type bool");
    assert_refused(f, "{\"create_request\":{\"key\":\"YQ==\",\"start_revision\":\"x\"}}",
                   "json: cannot unmarshal string into Go value of type int64 (field "
                   "start_revision)");
    assert_refused(f, "[1]",
                   "json: cannot unmarshal array into Go value of type "
                   "map[string]json.RawMessage");
    assert_refused(f, "{\"cancel_request\":3}",
                   "json: cannot unmarshal number into Go value of type "
                   "etcdserverpb.WatchCancelRequest");
    assert_int_equal(watch_stream_pending(f->s), 0);
    assert_int_equal(watch_hub_watcher_count(f->hub), 0);
    assert_int_equal(f->ready_calls, 0);
}

static void test_unknown_and_null_requests_are_ignored(void **state)
{
    struct fixture *f = *state;
    request(f->s, "{\"foo\":{}}");
    request(f->s, "{\"create_request\":null}");
    request(f->s, "{\"progress_request\":null}");
    request(f->s, "{\"cancel_request\":null}");
    assert_int_equal(watch_stream_pending(f->s), 0);
    assert_int_equal(watch_hub_watcher_count(f->hub), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)
    const struct CMUnitTest tests[] = {
        T(test_created_message_is_etcds_exact_shape),
        T(test_live_put_and_delete_events_are_etcds_exact_shape),
        T(test_client_watch_ids_are_echoed_and_duplicates_are_refused),
        T(test_prev_kv_carries_the_previous_version_except_on_create),
        T(test_filters_drop_puts_or_deletes_by_name_or_number),
        T(test_range_watches_follow_range_end_rules),
        T(test_empty_range_is_created_and_canceled_as_etcd),
        T(test_catch_up_from_start_revision_merges_revisions_then_goes_live),
        T(test_txn_events_travel_in_one_message),
        T(test_start_revision_in_the_future_waits_for_it),
        T(test_negative_start_revision_reads_from_the_first_revision),
        T(test_compacted_start_revision_is_created_then_canceled),
        T(test_watch_from_the_compact_revision_gets_the_puts_that_survived),
        T(test_cancel_stops_events_and_unknown_ids_are_ignored),
        T(test_progress_request_reports_the_current_revision),
        T(test_progress_request_waits_for_catching_up_watchers),
        T(test_progress_notify_sends_idle_watchers_the_revision),
        T(test_progress_interval_zero_disables_notifications),
        T(test_many_watchers_on_one_stream_each_get_their_events),
        T(test_slow_reader_gets_every_event_once_in_order_with_bounded_memory),
        T(test_slow_reader_behind_a_compaction_is_canceled_with_compact_revision),
        T(test_state_replaced_catches_up_from_the_new_history),
        T(test_state_replaced_cancels_watchers_whose_revision_was_compacted),
        T(test_freeing_streams_with_pending_output_leaks_nothing),
        T(test_ready_cb_fires_when_output_appears_and_never_inside_read),
        T(test_malformed_requests_are_refused_with_the_gateways_errors),
        T(test_unknown_and_null_requests_are_ignored),
    };
#undef T
    return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
