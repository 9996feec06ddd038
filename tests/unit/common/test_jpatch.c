/* JSON merge patch (RFC 7386) and JSON patch (RFC 6902) with the apiserver's (evanphx v4) edge
 * cases and error messages. Documents are never modified; failed patches return nothing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jpatch.h"
#include "jpath.h"

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &error);
    if (v == NULL) {
        fail_msg("bad test JSON %s: %s", text, error.text);
    }
    return v;
}

static void assert_json(json_t *got, const char *want_text)
{
    json_t *want = parse(want_text);
    if (!jpath_equal(got, want)) {
        char *g = got ? json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
        fprintf(stderr, "want %s\n got %s\n", want_text, g ? g : "NULL");
        free(g);
        fail();
    }
    json_decref(want);
}

/* ---- JSON merge patch ---- */

static json_t *merge(const char *doc, const char *patch, struct err *err)
{
    json_t *d = parse(doc), *p = parse(patch);
    json_t *before = json_deep_copy(d);
    json_t *out = jpatch_merge_apply(d, p, err);
    assert_true(jpath_equal(d, before));
    json_decref(before);
    json_decref(d);
    json_decref(p);
    return out;
}

static void assert_merges(const char *doc, const char *patch, const char *want)
{
    struct err err = {0};
    json_t *out = merge(doc, patch, &err);
    assert_json(out, want);
    json_decref(out);
}

static void test_merge_patch_follows_rfc7386_examples(void **state)
{
    (void)state;
    assert_merges("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    assert_merges("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
    assert_merges("{\"a\":\"b\"}", "{\"a\":null}", "{}");
    assert_merges("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
    assert_merges("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    assert_merges("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
    assert_merges("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
                  "{\"a\":{\"b\":\"d\"}}");
    assert_merges("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
    assert_merges("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]");
    assert_merges("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
    assert_merges("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
    assert_merges("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
    assert_merges("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
}

static void test_merge_patch_edits_kubernetes_labels_and_replaces_lists(void **state)
{
    (void)state;
    assert_merges("{\"metadata\":{\"labels\":{\"app\":\"web\",\"tier\":\"fe\"}},"
                  "\"spec\":{\"replicas\":1,\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
                  "{\"metadata\":{\"labels\":{\"tier\":null,\"env\":\"prod\"}},"
                  "\"spec\":{\"replicas\":3,\"containers\":[{\"name\":\"c\"}]}}",
                  "{\"metadata\":{\"labels\":{\"app\":\"web\",\"env\":\"prod\"}},"
                  "\"spec\":{\"replicas\":3,\"containers\":[{\"name\":\"c\"}]}}");
}

static void test_merge_patch_prunes_nulls_only_where_nothing_merges(void **state)
{
    (void)state;
    /* A new object loses its nulls, also inside lists; null list elements stay. */
    assert_merges("{}", "{\"a\":[{\"x\":null,\"y\":1},null]}", "{\"a\":[{\"y\":1},null]}");
    /* An object replaced by a list keeps the list as sent (evanphx does not prune there). */
    assert_merges("{\"a\":{}}", "{\"a\":[{\"x\":null}]}", "{\"a\":[{\"x\":null}]}");
    /* A top-level list patch is pruned as evanphx's pruneAryNulls does. */
    assert_merges("{}", "[{\"x\":null},null]", "[{},null]");
}

static void test_merge_patch_rejects_null_and_scalar_inputs(void **state)
{
    (void)state;
    struct err err = {0};
    assert_null(merge("null", "{}", &err));
    assert_int_equal(err.code, EINVAL);
    assert_string_equal(err.msg, "Invalid JSON Document");
    assert_null(merge("{}", "null", &err));
    assert_string_equal(err.msg, "Invalid JSON Patch");
    assert_null(merge("{}", "5", &err));
    assert_string_equal(err.msg, "Invalid JSON Patch");
    assert_null(jpatch_merge_apply(NULL, NULL, &err));
}

static void assert_merge_created(const char *original, const char *modified, const char *want)
{
    struct err err = {0};
    json_t *o = parse(original), *m = parse(modified);
    json_t *patch = jpatch_merge_create(o, m, &err);
    assert_json(patch, want);
    /* Applying the created patch gives modified back. */
    if (json_is_object(o)) {
        json_t *applied = jpatch_merge_apply(o, patch, &err);
        assert_true(jpath_equal(applied, m));
        json_decref(applied);
    }
    json_decref(patch);
    json_decref(o);
    json_decref(m);
}

static void test_merge_patch_creation_matches_create_merge_patch(void **state)
{
    (void)state;
    assert_merge_created("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"e\":[1,2]}",
                         "{\"a\":1.0,\"b\":{\"c\":4},\"e\":[1,2],\"f\":\"new\"}",
                         "{\"b\":{\"c\":4,\"d\":null},\"f\":\"new\"}");
    assert_merge_created("{\"a\":{\"b\":1},\"l\":[1,2],\"n\":null}",
                         "{\"a\":\"x\",\"l\":[2,1],\"n\":null}", "{\"a\":\"x\",\"l\":[2,1]}");
    assert_merge_created("{\"a\":{\"b\":1}}", "{\"a\":{\"b\":1}}", "{}");
    assert_merge_created("{\"a\":{\"b\":1}}", "{\"a\":{}}", "{\"a\":{\"b\":null}}");
    assert_merge_created("[{\"a\":1},{\"b\":2}]", "[{\"a\":2},{\"b\":2}]", "[{\"a\":2},{}]");
}

static void test_merge_patch_creation_rejects_mismatched_documents(void **state)
{
    (void)state;
    struct err err = {0};
    json_t *obj = parse("{}"), *arr = parse("[{}]"), *arr2 = parse("[{},{}]"), *num = parse("1");
    assert_null(jpatch_merge_create(obj, arr, &err));
    assert_string_equal(err.msg, "Mismatched JSON Documents");
    assert_null(jpatch_merge_create(arr, arr2, &err));
    assert_string_equal(err.msg, "Invalid JSON Document");
    assert_null(jpatch_merge_create(obj, num, &err));
    assert_string_equal(err.msg, "Invalid JSON Document");
    json_decref(obj);
    json_decref(arr);
    json_decref(arr2);
    json_decref(num);
}

/* ---- JSON patch ---- */

static const char *const DEPLOY =
    "{\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"},"
    "\"annotations\":{\"kubernetes.io/change-cause\":\"v1\"}},"
    "\"spec\":{\"replicas\":1,\"template\":{\"spec\":{\"containers\":["
    "{\"name\":\"app\",\"image\":\"nginx:1\",\"args\":[\"a\",\"b\"]}]}}}}";

static json_t *apply_json(const char *doc, const char *patch, struct err *err)
{
    json_t *d = parse(doc), *p = parse(patch);
    json_t *before = json_deep_copy(d);
    json_t *out = jpatch_json_apply(d, p, err);
    assert_true(jpath_equal(d, before)); /* the input is never touched */
    json_decref(before);
    json_decref(d);
    json_decref(p);
    return out;
}

static void assert_patches(const char *doc, const char *patch, const char *want)
{
    struct err err = {0};
    json_t *out = apply_json(doc, patch, &err);
    if (out == NULL) {
        fail_msg("patch failed: %s", err.msg);
    }
    assert_json(out, want);
    json_decref(out);
}

static void assert_rejected(const char *doc, const char *patch, int code, const char *message)
{
    struct err err = {0};
    json_t *out = apply_json(doc, patch, &err);
    assert_null(out);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, message);
}

static void test_json_patch_runs_every_operation(void **state)
{
    (void)state;
    assert_patches("{\"a\":{\"b\":1},\"l\":[1,2,3]}",
                   "[{\"op\":\"add\",\"path\":\"/a/c\",\"value\":{\"d\":true}},"
                   "{\"op\":\"remove\",\"path\":\"/a/b\"},"
                   "{\"op\":\"replace\",\"path\":\"/l/0\",\"value\":10},"
                   "{\"op\":\"move\",\"from\":\"/l/2\",\"path\":\"/m\"},"
                   "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/l/-\"},"
                   "{\"op\":\"test\",\"path\":\"/m\",\"value\":3}]",
                   "{\"a\":{\"c\":{\"d\":true}},\"l\":[10,2,{\"c\":{\"d\":true}}],\"m\":3}");
}

static void test_json_patch_edits_a_deployment(void **state)
{
    (void)state;
    assert_patches(
        DEPLOY,
        "[{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"web\"},"
        "{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3},"
        "{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\","
        "\"value\":\"nginx:2\"},"
        "{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/args/1\",\"value\":\"x\"},"
        "{\"op\":\"remove\",\"path\":\"/metadata/annotations/kubernetes.io~1change-cause\"},"
        "{\"op\":\"add\",\"path\":\"/metadata/labels/a~0b\",\"value\":\"tilde\"}]",
        "{\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\",\"a~b\":\"tilde\"},"
        "\"annotations\":{}},"
        "\"spec\":{\"replicas\":3,\"template\":{\"spec\":{\"containers\":["
        "{\"name\":\"app\",\"image\":\"nginx:2\",\"args\":[\"a\",\"x\",\"b\"]}]}}}}");
}

static void test_json_patch_keeps_evanphx_v4_leniencies(void **state)
{
    (void)state;
    /* Negative indices count from the end; add at -1 appends. */
    assert_patches("{\"l\":[1,2,3]}",
                   "[{\"op\":\"remove\",\"path\":\"/l/-1\"},{\"op\":\"add\",\"path\":\"/l/-1\","
                   "\"value\":9},{\"op\":\"replace\",\"path\":\"/l/-3\",\"value\":0}]",
                   "{\"l\":[0,2,9]}");
    /* replace of a missing member adds it; add without a value adds null. */
    assert_patches("{}",
                   "[{\"op\":\"replace\",\"path\":\"/x\",\"value\":1},"
                   "{\"op\":\"add\",\"path\":\"/y\"}]",
                   "{\"x\":1,\"y\":null}");
    /* test treats a missing member as null; copy of a missing member copies null. */
    assert_patches("{\"a\":null}",
                   "[{\"op\":\"test\",\"path\":\"/missing\",\"value\":null},"
                   "{\"op\":\"test\",\"path\":\"/a\"},"
                   "{\"op\":\"copy\",\"from\":\"/missing\",\"path\":\"/b\"}]",
                   "{\"a\":null,\"b\":null}");
    /* replace "" swaps the document; test "" compares it; numbers compare by value. */
    assert_patches("{\"a\":1}",
                   "[{\"op\":\"test\",\"path\":\"\",\"value\":{\"a\":1.0}},"
                   "{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}]",
                   "[1]");
    /* A null patch has no operations. */
    assert_patches("{\"a\":1}", "null", "{\"a\":1}");
}

static void test_json_patch_failures_use_the_apiserver_messages(void **state)
{
    (void)state;
    assert_rejected(DEPLOY, "[{\"op\":\"add\",\"path\":\"/spec/x/y\",\"value\":1}]", C8S_EINVALID,
                    "add operation does not apply: doc is missing path: \"/spec/x/y\": missing "
                    "value");
    assert_rejected(DEPLOY, "[{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"api\"}]",
                    C8S_EINVALID, "testing value /metadata/name failed: test failed");
    assert_rejected(DEPLOY, "[{\"op\":\"remove\",\"path\":\"/metadata/uid\"}]", C8S_EINVALID,
                    "error in remove for path: '/metadata/uid': Unable to remove nonexistent key: "
                    "uid: missing value");
    assert_rejected(DEPLOY,
                    "[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/2\",\"value\":{}}]",
                    C8S_EINVALID,
                    "error in add for path: '/spec/template/spec/containers/2': Unable to access "
                    "invalid index: 2: invalid index referenced");
    assert_rejected(DEPLOY,
                    "[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/x\",\"value\":{}}]",
                    C8S_EINVALID,
                    "error in add for path: '/spec/template/spec/containers/x': value was not a "
                    "proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax");
    assert_rejected(DEPLOY, "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/5\"}]",
                    C8S_EINVALID,
                    "replace operation does not apply: doc is missing key: "
                    "/spec/template/spec/containers/5: missing value");
    assert_rejected(DEPLOY, "[{\"op\":\"move\",\"from\":\"/nope\",\"path\":\"/x\"}]", C8S_EINVALID,
                    "error in move for path: 'nope': Unable to remove nonexistent key: nope: "
                    "missing value");
    assert_rejected(DEPLOY, "[{\"op\":\"move\",\"from\":\"/spec\",\"path\":\"/spec/x\"}]",
                    C8S_EINVALID,
                    "move operation does not apply: doc is missing destination path: /spec/x: "
                    "missing value");
    assert_rejected(DEPLOY, "[{\"op\":\"copy\",\"from\":\"/a/b\",\"path\":\"/x\"}]", C8S_EINVALID,
                    "copy operation does not apply: doc is missing from path: /a/b: missing value");
    assert_rejected(DEPLOY, "[{\"op\":\"test\",\"path\":\"/a/b\",\"value\":1}]", C8S_EINVALID,
                    "test operation does not apply: is missing path: /a/b: missing value");
    assert_rejected(DEPLOY, "[{\"op\":\"add\",\"value\":1}]", C8S_EINVALID,
                    "add operation failed to decode path: missing value");
    assert_rejected(DEPLOY, "[{\"op\":\"replace\",\"path\":7}]", C8S_EINVALID,
                    "replace operation failed to decode path: json: cannot unmarshal number into "
                    "Go value of type string");
    assert_rejected(DEPLOY, "[{\"op\":\"move\",\"path\":\"/a\"}]", C8S_EINVALID,
                    "move operation failed to decode from: operation, missing from field: missing "
                    "value");
    assert_rejected(DEPLOY, "[{\"op\":\"merge\",\"path\":\"/a\"}]", C8S_EINVALID,
                    "Unexpected kind: merge");
    assert_rejected(DEPLOY, "[{\"path\":\"/a\"}]", C8S_EINVALID, "Unexpected kind: unknown");
    assert_rejected(DEPLOY, "[{\"op\":\"add\",\"path\":\"\",\"value\":1}]", C8S_EINVALID,
                    "add operation does not apply: doc is missing path: \"\": missing value");
    assert_rejected(DEPLOY, "[{\"op\":\"replace\",\"path\":\"\",\"value\":1}]", C8S_EINVALID,
                    "replace operation value must be object or array");
}

static void test_json_patch_is_atomic_when_a_later_operation_fails(void **state)
{
    (void)state;
    /* apply_json checks that the input is untouched; nothing half-applied comes back. */
    assert_rejected("{\"a\":1}",
                    "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":2},"
                    "{\"op\":\"add\",\"path\":\"/b\",\"value\":3},"
                    "{\"op\":\"test\",\"path\":\"/a\",\"value\":1}]",
                    C8S_EINVALID, "testing value /a failed: test failed");
}

static void test_json_patch_rejects_malformed_patches(void **state)
{
    (void)state;
    assert_rejected("{}", "{\"op\":\"add\"}", EINVAL,
                    "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    assert_rejected("{}", "[\"add\"]", EINVAL,
                    "json: cannot unmarshal string into Go value of type jsonpatch.Operation");
    assert_rejected("5", "[]", EINVAL,
                    "json: cannot unmarshal number into Go value of type jsonpatch.partialDoc");
}

static void test_json_patch_limits_the_number_of_operations(void **state)
{
    (void)state;
    json_t *doc = parse("{}");
    json_t *patch = json_array();
    for (int i = 0; i <= JPATCH_MAX_OPERATIONS; i++) {
        json_array_append_new(patch, json_pack("{s:s,s:s}", "op", "test", "path", "/x"));
    }
    struct err err = {0};
    assert_null(jpatch_json_apply(doc, patch, &err));
    assert_int_equal(err.code, C8S_ETOOLARGE);
    assert_string_equal(err.msg, "The allowed maximum operations in a JSON patch is 10000, got "
                                 "10001");
    json_array_remove(patch, 0);
    json_t *out = jpatch_json_apply(doc, patch, &err);
    assert_non_null(out);
    json_decref(out);
    json_decref(patch);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_patch_follows_rfc7386_examples),
        cmocka_unit_test(test_merge_patch_edits_kubernetes_labels_and_replaces_lists),
        cmocka_unit_test(test_merge_patch_prunes_nulls_only_where_nothing_merges),
        cmocka_unit_test(test_merge_patch_rejects_null_and_scalar_inputs),
        cmocka_unit_test(test_merge_patch_creation_matches_create_merge_patch),
        cmocka_unit_test(test_merge_patch_creation_rejects_mismatched_documents),
        cmocka_unit_test(test_json_patch_runs_every_operation),
        cmocka_unit_test(test_json_patch_edits_a_deployment),
        cmocka_unit_test(test_json_patch_keeps_evanphx_v4_leniencies),
        cmocka_unit_test(test_json_patch_failures_use_the_apiserver_messages),
        cmocka_unit_test(test_json_patch_is_atomic_when_a_later_operation_fails),
        cmocka_unit_test(test_json_patch_rejects_malformed_patches),
        cmocka_unit_test(test_json_patch_limits_the_number_of_operations),
    };
    return cmocka_run_group_tests_name("jpatch", tests, NULL, NULL);
}
