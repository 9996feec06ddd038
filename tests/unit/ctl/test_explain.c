/* kubectl explain's pieces: go-wordwrap's wrapping (runes, long words, spaces at line ends),
 * client-go's JSONPath parsing of the argument, and the plaintext template on a small document
 * with what c8s-apiserver's own schemas lack (a self-referencing type, more than four enum
 * values, a kind without a schema). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "explain.h"

static const char DOC[] =
    "{\"paths\":{"
    "\"/apis/g.io/v1/namespaces/{namespace}/widgets/{name}\":{\"patch\":{"
    "\"x-kubernetes-group-version-kind\":{\"group\":\"g.io\",\"version\":\"v1\",\"kind\":"
    "\"Widget\"}}},"
    "\"/apis/g.io/v1/gizmos\":{\"get\":{"
    "\"x-kubernetes-group-version-kind\":{\"group\":\"g.io\",\"version\":\"v1\",\"kind\":\"Gizmo\"}"
    "}}},"
    "\"components\":{\"schemas\":{"
    "\"io.g.v1.Widget\":{\"type\":\"object\",\"description\":\"A widget.\",\"required\":[\"spec\"],"
    "\"properties\":{"
    "\"spec\":{\"allOf\":[{\"$ref\":\"#/components/schemas/"
    "io.g.v1.Node\"}],\"description\":\"S.\"},"
    "\"mode\":{\"type\":\"string\",\"enum\":[\"\",\"A\",\"B\",\"C\",\"D\"],\"description\":\"How."
    "\"},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"sizes\":{\"type\":\"object\",\"additionalProperties\":"
    "{\"$ref\":\"#/components/schemas/io.g.v1.Quantity\"}}},"
    "\"x-kubernetes-group-version-kind\":[{\"group\":\"g.io\",\"kind\":\"Widget\",\"version\":"
    "\"v1\"}]},"
    "\"io.g.v1.Node\":{\"type\":\"object\",\"description\":\"A node.\",\"properties\":{"
    "\"child\":{\"allOf\":[{\"$ref\":\"#/components/schemas/io.g.v1.Node\"}]},"
    "\"name\":{\"type\":\"string\"}}},"
    "\"io.g.v1.Quantity\":{\"description\":\"An amount.\"}}}}";

static const char HEADER[] = "GROUP:      g.io\nKIND:       Widget\nVERSION:    v1\n\n";

/* ---- Success ---- */

static void assert_wrapped(const char *in, unsigned lim, const char *want)
{
    char *got = explain_wrap(in, lim);
    assert_string_equal(got, want);
    free(got);
}

static void test_wrap_breaks_at_spaces_and_never_inside_words(void **state)
{
    (void)state;
    assert_wrapped("aaa bbb ccc", 7, "aaa bbb\nccc");
    assert_wrapped("a verylongword b", 5, "a\nverylongword\nb");
    assert_wrapped("ab  \ncd", 10, "ab  \ncd");
    assert_wrapped("ab  \ncd", 3, "ab\ncd");
    assert_wrapped("ab   ", 4, "ab");
    assert_wrapped("ab   ", 5, "ab   ");
    assert_wrapped("x\n", 76, "x\n");
    assert_wrapped("", 76, "");
}

static void test_wrap_counts_runes_and_keeps_no_break_spaces(void **state)
{
    (void)state;
    assert_wrapped("\xc3\xa9\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9\xc3\xa9", 7,
                   "\xc3\xa9\xc3\xa9\xc3\xa9 \xc3\xa9\xc3\xa9\xc3\xa9");
    assert_wrapped("a\xc2\xa0"
                   "b c",
                   3,
                   "a\xc2\xa0"
                   "b\nc");
}

static void assert_nodes(const char *path, const char *want)
{
    struct explain_nodes nodes = {0};
    struct err e = {0};
    assert_int_equal(explain_parse_path(path, &nodes, &e), 0);
    char got[256] = "";
    for (size_t i = 0; i < nodes.n; i++) {
        const struct explain_node *n = &nodes.v[i];
        strcat(got, i ? " " : "");
        strcat(got, n->type == EXPLAIN_FIELD       ? n->value
                    : n->type == EXPLAIN_RECURSIVE ? ".."
                                                   : "?");
    }
    assert_string_equal(got, want);
    explain_nodes_free(&nodes);
}

static void test_paths_parse_into_client_go_nodes(void **state)
{
    (void)state;
    assert_nodes("pods.spec", "pods spec");
    assert_nodes("pods.spec.", "pods spec");
    assert_nodes("pods..spec", "pods .. spec");
    assert_nodes("pods['a.b']", "pods a b");
    assert_nodes("pods.a\\.b", "pods a.b");
    assert_nodes("pods[0].x", "pods ? x");
    assert_nodes("pods.*", "pods ?");
    assert_nodes("pods x", "pods ?");
}

static void assert_rendered(const char *const *fields, size_t n, bool recursive, const char *want)
{
    json_t *doc = json_loads(DOC, 0, NULL);
    assert_non_null(doc);
    struct explain_request req = {"g.io", "v1", "widgets", (char *const *)fields, n, recursive};
    char *out = NULL;
    struct err e = {0};
    assert_int_equal(explain_render(doc, &req, &out, &e), 0);
    assert_string_equal(out, want);
    free(out);
    json_decref(doc);
}

static void test_recursive_tree_stops_at_a_type_seen_on_the_way(void **state)
{
    (void)state;
    char want[1024];
    snprintf(want, sizeof want,
             "%sDESCRIPTION:\n    A widget.\n    \nFIELDS:\n"
             "  mode\t<string>\n  enum: \"\", A, B, C, ....\n"
             "  sizes\t<map[string]Quantity>\n"
             "  spec\t<Node> -required-\n    child\t<Node>\n    name\t<string>\n"
             "  tags\t<[]string>\n\n",
             HEADER);
    assert_rendered(NULL, 0, true, want);
}

static void test_field_paths_print_field_enum_and_descriptions(void **state)
{
    (void)state;
    char want[1024];
    const char *mode[] = {"mode"};
    snprintf(want, sizeof want,
             "%sFIELD: mode <string>\nENUM:\n    \"\"\n    A\n    B\n    C\n    D\n\n"
             "DESCRIPTION:\n    How.\n    \n\n",
             HEADER);
    assert_rendered(mode, 1, false, want);
    const char *deep[] = {"spec", "child", "child", "name"};
    snprintf(want, sizeof want, "%sFIELD: name <string>\n\n\nDESCRIPTION:\n    <empty>\n\n",
             HEADER);
    assert_rendered(deep, 4, false, want);
    const char *spec[] = {"spec"};
    snprintf(want, sizeof want,
             "%sFIELD: spec <Node>\n\n\nDESCRIPTION:\n    S.\n    A node.\n    \nFIELDS:\n"
             "  child\t<Node>\n    <no description>\n\n"
             "  name\t<string>\n    <no description>\n\n\n",
             HEADER);
    assert_rendered(spec, 1, false, want);
}

/* ---- Failure ---- */

static void test_bad_paths_fail_with_client_go_messages(void **state)
{
    (void)state;
    static const struct {
        const char *path, *msg;
    } cases[] = {
        {"pods,x", "unrecognized character in action: U+002C ','"},
        {"pods}", "must pass in 1 jsonpath string"},
        {"pods....x", "invalid multiple recursive descent"},
        {"pods[", "unterminated array"},
        {"pods[1:2:3:4]", "invalid array index 1:2:3:4"},
        {"pods[-]", "array index - is not a number"},
        {"pods \"x", "unterminated quoted string"},
        {"pods.x[?(@.a", "unterminated filter"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct explain_nodes nodes = {0};
        struct err e = {0};
        assert_int_equal(explain_parse_path(cases[i].path, &nodes, &e), -EINVAL);
        assert_string_equal(e.msg, cases[i].msg);
        assert_int_equal(nodes.n, 0);
    }
}

static void assert_render_fails(const char *resource, const char *const *fields, size_t n,
                                const char *want_out, const char *want_msg)
{
    json_t *doc = json_loads(DOC, 0, NULL);
    struct explain_request req = {"g.io", "v1", resource, (char *const *)fields, n, false};
    char *out = NULL;
    struct err e = {0};
    assert_int_equal(explain_render(doc, &req, &out, &e), -ENOENT);
    assert_string_equal(out, want_out);
    assert_string_equal(e.msg, want_msg);
    free(out);
    json_decref(doc);
}

static void test_unknown_fields_resources_and_kinds_fail_as_kubectl(void **state)
{
    (void)state;
    const char *missing[] = {"spec", "nope", "deeper"};
    assert_render_fails("widgets", missing, 3, HEADER, "error: field \"deeper\" does not exist");
    assert_render_fails("gadgets", NULL, 0, "",
                        "error: GVR (g.io/v1, Resource=gadgets) not found in OpenAPI schema");
    assert_render_fails("gizmos", NULL, 0,
                        "GROUP:      g.io\nKIND:       Gizmo\nVERSION:    v1\n\n",
                        "error: GVK map[group:g.io kind:Gizmo version:v1] not found in OpenAPI "
                        "schema");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_breaks_at_spaces_and_never_inside_words),
        cmocka_unit_test(test_wrap_counts_runes_and_keeps_no_break_spaces),
        cmocka_unit_test(test_paths_parse_into_client_go_nodes),
        cmocka_unit_test(test_recursive_tree_stops_at_a_type_seen_on_the_way),
        cmocka_unit_test(test_field_paths_print_field_enum_and_descriptions),
        cmocka_unit_test(test_bad_paths_fail_with_client_go_messages),
        cmocka_unit_test(test_unknown_fields_resources_and_kinds_fail_as_kubectl),
    };
    return cmocka_run_group_tests_name("ctl_explain", tests, NULL, NULL);
}
