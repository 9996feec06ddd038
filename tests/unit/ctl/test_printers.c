/* kubectl's printers and JSONPath templates: tabwriter spacing (minwidth 6, padding 3), server
 * Tables with NAMESPACE, LABELS and kind prefixes, Go's JSON, %v values, and jsonpath. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsonpath.h"
#include "printers.h"

/* Runs fn(out) into a memory stream and compares. */
static void expect_table(const char *table_json, const struct table_opts *o, const char *want)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    json_t *table = json_loads(table_json, 0, NULL);
    assert_non_null(table);
    struct tabw t = {0};
    printers_table(&t, table, o, true);
    tabw_flush(&t, out, false);
    tabw_free(&t);
    fclose(out);
    assert_string_equal(buf, want);
    free(buf);
    json_decref(table);
}

static const char TABLE[] =
    "{\"columnDefinitions\":[{\"name\":\"Name\",\"format\":\"name\",\"priority\":0},"
    "{\"name\":\"Ready\",\"priority\":0},{\"name\":\"Nominated Node\",\"priority\":1}],"
    "\"rows\":[{\"cells\":[\"p1\",\"0/1\",\"<none>\"],\"object\":{\"metadata\":{\"name\":\"p1\","
    "\"namespace\":\"default\",\"labels\":{\"run\":\"p1\",\"a\":\"b\"}}}},"
    "{\"cells\":[\"long-name\",\"1/1\",\"n1\"],\"object\":{\"metadata\":{\"name\":\"long-name\","
    "\"namespace\":\"kube-system\"}}}]}";

/* ---- Success ---- */

static void test_tables_are_spaced_as_kubectls_tabwriter(void **state)
{
    (void)state;
    struct table_opts plain = {0};
    expect_table(TABLE, &plain,
                 "NAME        READY\n"
                 "p1          0/1\n"
                 "long-name   1/1\n");
    struct table_opts wide = {.wide = true, .no_headers = true};
    expect_table(TABLE, &wide,
                 "p1          0/1   <none>\n"
                 "long-name   1/1   n1\n");
    struct table_opts all = {.with_namespace = true, .show_labels = true, .kind = "pod"};
    expect_table(TABLE, &all,
                 "NAMESPACE     NAME            READY   LABELS\n"
                 "default       pod/p1          0/1     a=b,run=p1\n"
                 "kube-system   pod/long-name   1/1     <none>\n");
    struct table_opts empty = {0};
    expect_table("{\"columnDefinitions\":[{\"name\":\"Name\"}],\"rows\":[]}", &empty, "");
}

static void test_remembered_widths_keep_watch_rows_aligned(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct tabw t = {0};
    const char *head[] = {"NAME", "STATUS"}, *row[] = {"a", "Running"};
    tabw_row(&t, head, 2);
    tabw_flush(&t, out, true);
    tabw_row(&t, row, 2);
    tabw_flush(&t, out, true);
    tabw_free(&t);
    fclose(out);
    assert_string_equal(buf, "NAME   STATUS\na      Running\n");
    free(buf);
}

static void test_json_is_printed_as_gos_marshal_indent(void **state)
{
    (void)state;
    json_t *v = json_loads("{\"b\":[],\"a\":{\"x\":\"<&>\",\"n\":1,\"f\":0.5,\"e\":{}},\"c\":[1,"
                           "null,true]}",
                           0, NULL);
    char *s = printers_json(v);
    assert_string_equal(s, "{\n    \"a\": {\n        \"e\": {},\n        \"f\": 0.5,\n        "
                           "\"n\": 1,\n        \"x\": \"\\u003c\\u0026\\u003e\"\n    },\n    "
                           "\"b\": [],\n    \"c\": [\n        1,\n        null,\n        true\n"
                           "    ]\n}\n");
    free(s);
    s = printers_json_compact(v);
    assert_string_equal(s, "{\"a\":{\"e\":{},\"f\":0.5,\"n\":1,\"x\":\"\\u003c\\u0026\\u003e\"},"
                           "\"b\":[],\"c\":[1,null,true]}");
    free(s);
    s = jsonpath_go_value(json_object_get(v, "a"));
    assert_string_equal(s, "map[e:map[] f:0.5 n:1 x:<&>]");
    free(s);
    json_decref(v);
}

static char *run(const char *tmpl, const char *data, bool allow_missing, struct err *e)
{
    struct jsonpath *jp = jsonpath_parse(tmpl, e);
    if (jp == NULL) {
        return NULL;
    }
    json_t *d = json_loads(data, 0, NULL);
    char *out = jsonpath_execute(jp, d, allow_missing, e);
    json_decref(d);
    jsonpath_free(jp);
    return out;
}

static const char PODS[] = "{\"kind\":\"List\",\"items\":[{\"metadata\":{\"name\":\"a\","
                           "\"labels\":{\"t\":\"db\"}},\"spec\":{\"containers\":[{\"image\":\"x\"},"
                           "{\"image\":\"y\"}]}},{\"metadata\":{\"name\":\"b\"},\"spec\":{"
                           "\"containers\":[{\"image\":\"z\"}]},\"n\":3}]}";

static void test_jsonpath_templates_print_as_kubectl(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"{.items[*].metadata.name}", "a b"},
        {"{range .items[*]}{.metadata.name}:{.spec.containers[*].image}{\"\\n\"}{end}",
         "a:x y\nb:z\n"},
        {"{.items[0].metadata.labels}", "{\"t\":\"db\"}"},
        {"{.items[-1].metadata.name}", "b"},
        {"{.items[?(@.metadata.name==\"b\")].spec.containers[0].image}", "z"},
        {"{.items[?(@.n>2)].metadata.name}", "b"},
        {"{.items[?(@.metadata.labels.t)].metadata.name}", "a"},
        {"{..image}", "x y z"},
        {"{.items[0:1].metadata.name} {.kind}", "a List"},
        {"{.items[*].metadata['name']}", "a b"},
        {"{.items[0].spec.containers[*]['image']}", "x y"},
        {"{.nope}", ""},
        {"text only", "text only"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct err e = {0};
        char *out = run(cases[i][0], PODS, true, &e);
        if (out == NULL) {
            fail_msg("%s: %s", cases[i][0], e.msg);
        }
        assert_string_equal(out, cases[i][1]);
        free(out);
    }
    struct err e = {0};
    char *rel = jsonpath_relaxed("metadata.name", &e);
    assert_string_equal(rel, "{.metadata.name}");
    free(rel);
    rel = jsonpath_relaxed("{.a}", &e);
    assert_string_equal(rel, "{.a}");
    free(rel);
}

/* ---- Failure ---- */

static void test_jsonpath_errors_name_the_problem(void **state)
{
    (void)state;
    struct err e = {0};
    assert_null(run("{.items[5]}", PODS, true, &e));
    assert_string_equal(e.msg, "array index out of bounds: index 5, length 2");
    assert_null(run("{.nope}", PODS, false, &e));
    assert_string_equal(e.msg, "nope is not found");
    assert_null(run("{.a", PODS, true, &e));
    assert_string_equal(e.msg, "unclosed action");
    assert_null(run("{end}", PODS, true, &e));
    assert_string_equal(e.msg, "not in range, nothing to end");
    assert_null(run("{!x}", PODS, true, &e));
    assert_string_equal(e.msg, "unrecognized character in action: U+0021 '!'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_are_spaced_as_kubectls_tabwriter),
        cmocka_unit_test(test_remembered_widths_keep_watch_rows_aligned),
        cmocka_unit_test(test_json_is_printed_as_gos_marshal_indent),
        cmocka_unit_test(test_jsonpath_templates_print_as_kubectl),
        cmocka_unit_test(test_jsonpath_errors_name_the_problem),
    };
    return cmocka_run_group_tests_name("ctl_printers", tests, NULL, NULL);
}
