/* Go's text/template over JSON as kubectl's -o go-template runs it: parsing, trim markers,
 * ranges over maps in key order, printf, kubectl's functions, and Go's error messages (the
 * expected texts were taken from the real kubectl 1.32). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gotemplate.h"

struct fixture {
    json_t *obj;
};

static int set_up(void **state)
{
    static struct fixture f;
    json_error_t e;
    f.obj = json_loads("{\"kind\": \"ConfigMap\", \"apiVersion\": \"v1\","
                       " \"metadata\": {\"name\": \"x\", \"creationTimestamp\": null,"
                       "  \"labels\": {\"tier\": \"db\", \"app\": \"web\"}},"
                       " \"data\": {\"a\": \"b\", \"c\": \"aGVsbG8=\"},"
                       " \"spec\": {\"replicas\": 3, \"ratio\": 1.5, \"big\": 1e6, \"on\": true},"
                       " \"items\": [{\"n\": \"p1\"}, {\"n\": \"p2\"}]}",
                       0, &e);
    assert_non_null(f.obj);
    *state = &f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    json_decref(f->obj);
    return 0;
}

/* Runs text on the fixture's object; returns the output (owned) or NULL with *error. */
static char *run(struct fixture *f, const char *text, bool allow_missing, char **error)
{
    *error = NULL;
    struct gotemplate *t = gotemplate_parse(text, error);
    if (t == NULL) {
        return NULL;
    }
    char *out = NULL;
    int rc = gotemplate_execute(t, f->obj, allow_missing, &out, error);
    gotemplate_free(t);
    if (rc != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static void expect_output(struct fixture *f, const char *text, const char *want)
{
    char *error = NULL;
    char *out = run(f, text, true, &error);
    if (out == NULL) {
        fail_msg("%s: %s", text, error);
    }
    assert_string_equal(out, want);
    free(out);
}

static void expect_error(struct fixture *f, const char *text, bool allow_missing, const char *want)
{
    char *error = NULL;
    char *out = run(f, text, allow_missing, &error);
    if (out != NULL) {
        fail_msg("%s: printed %s", text, out);
    }
    assert_string_equal(error, want);
    free(error);
}

/* ---- Success ---- */

static void test_fields_and_variables_read_the_object_as_json_maps(void **state)
{
    struct fixture *f = *state;
    expect_output(f, "{{.metadata.name}}/{{.kind}}", "x/ConfigMap");
    expect_output(f, "{{$.metadata.labels.app}} {{with .metadata}}{{.name}}{{$.kind}}{{end}}",
                  "web xConfigMap");
    expect_output(f, "{{$n := .metadata.name}}{{$n}}{{$n = \"y\"}}{{$n}}", "xy");
    expect_output(f, "{{.nope}} {{.nope.deeper}} {{index .data \"zz\"}}",
                  "<no value> <no value> <no value>");
    expect_output(f,
                  "{{.metadata.creationTimestamp}} {{printf \"%v\" .metadata.creationTimestamp}}",
                  "<no value> <nil>");
}

static void test_values_print_as_gos_fmt(void **state)
{
    struct fixture *f = *state;
    expect_output(f, "{{.metadata}}",
                  "map[creationTimestamp:<nil> labels:map[app:web tier:db] name:x]");
    expect_output(f, "{{.items}}", "[map[n:p1] map[n:p2]]");
    expect_output(f, "{{.spec.replicas}} {{.spec.ratio}} {{.spec.big}} {{.spec.on}}",
                  "3 1.5 1e+06 true");
    expect_output(f, "{{printf \"%T %T %T %T\" .spec.replicas 1 .spec.ratio (index .kind 0)}}",
                  "int64 int float64 uint8");
    char *v = gotemplate_format_value(f->obj);
    assert_true(strncmp(v, "map[apiVersion:v1 data:map[a:b c:aGVsbG8=] items:", 49) == 0);
    free(v);
}

static void test_trim_markers_and_comments_drop_spaces(void **state)
{
    struct fixture *f = *state;
    expect_output(f, "a  {{- .kind -}}  \n b", "aConfigMapb");
    expect_output(f, "{{- /* note */ -}}  \n{{.kind}}", "ConfigMap");
    expect_output(f, "{{/* kept */}} x", " x");
    expect_output(f, "{{-3}}", "-3");
}

static void test_range_walks_maps_in_key_order_and_slices_by_index(void **state)
{
    struct fixture *f = *state;
    expect_output(f, "{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}",
                  "app=web;tier=db;");
    expect_output(f, "{{range $i, $e := .items}}{{$i}}:{{$e.n}} {{end}}", "0:p1 1:p2 ");
    expect_output(f, "{{range .nope}}x{{else}}empty{{end}}", "empty");
    expect_output(f, "{{range .items}}{{if eq .n \"p1\"}}{{continue}}{{end}}{{.n}}{{end}}", "p2");
    expect_output(f, "{{range .items}}{{.n}}{{break}}{{end}}", "p1");
}

static void test_if_else_with_and_templates(void **state)
{
    struct fixture *f = *state;
    expect_output(f, "{{if eq .kind \"x\"}}X{{else if eq .kind \"ConfigMap\"}}C{{else}}N{{end}}",
                  "C");
    expect_output(f, "{{with .nope}}y{{else}}n{{end}}", "n");
    expect_output(f, "{{template \"t\" .data}}{{define \"t\"}}[{{.a}}]{{end}}", "[b]");
    expect_output(f, "{{block \"b\" .}}B{{.kind}}{{end}}", "BConfigMap");
}

static void test_functions_behave_as_gos_and_kubectls(void **state)
{
    struct fixture *f = *state;
    expect_output(f, "{{and 1 0 2}} {{or 0 \"\" \"x\"}} {{not 0}} {{len .metadata.labels}}",
                  "0 x true 2");
    expect_output(f, "{{eq .spec.replicas 3}} {{ne \"a\" \"b\"}} {{lt 1 2}} {{ge 2 3}}",
                  "true true true false");
    expect_output(f, "{{index .metadata.labels \"app\"}} {{index . \"items\" 1 \"n\"}}", "web p2");
    expect_output(f, "{{slice \"abcd\" 1 3}} {{slice .items 1}}", "bc [map[n:p2]]");
    expect_output(f, "{{print 1 2 \"a\" \"b\" 3}}|{{println 1 \"a\"}}", "1 2ab3|1 a\n");
    expect_output(f, "{{html \"<a&b>\"}} {{js \"a'<\"}} {{urlquery \"a b&c\"}}",
                  "&lt;a&amp;b&gt; a\\'\\u003C a+b%26c");
    expect_output(f, "{{base64decode .data.c}} {{exists . \"data\" \"a\"}} {{exists . \"nope\"}}",
                  "hello true false");
    expect_output(f, "{{.kind | printf \"%s-%s\" \"p\"}}", "p-ConfigMap");
}

static void test_printf_verbs_widths_and_bad_verbs(void **state)
{
    struct fixture *f = *state;
    expect_output(f,
                  "{{printf \"%d|%5d|%-5s|%05d|%x|%X|%o|%e|%g|%8.3f|%+d|%c|%U|%%\" 42 7 \"ab\" 12 "
                  "\"hi\" 255 8 1234.5678 0.000012 3.14159 5 65 65}}",
                  "42|    7|ab   |00012|6869|FF|10|1.234568e+03|1.2e-05|   3.142|+5|A|U+0041|%");
    expect_output(f, "{{printf \"%q %v\" .metadata.labels 1.5}}",
                  "map[\"app\":\"web\" \"tier\":\"db\"] 1.5");
    expect_output(f, "{{printf \"%d %s\" \"x\" 3}}", "%!d(string=x) %!s(int=3)");
    expect_output(f, "{{printf \"%d\" 1 2}} {{printf \"%d %d\" 1}}",
                  "1%!(EXTRA int=2) 1 %!d(MISSING)");
    expect_output(f, "{{printf \"%v|%s\" nil nil}}", "<nil>|%!s(<nil>)");
}

/* ---- Failure ---- */

static void test_parse_errors_are_gos(void **state)
{
    struct fixture *f = *state;
    expect_error(f, "{{.a}", true, "template: output:1: bad character U+007D '}'");
    expect_error(f, "{{range .x}}{{else}}", true, "template: output:1: unexpected EOF");
    expect_error(f, "{{if}}{{end}}", true, "template: output:1: missing value for if");
    expect_error(f, "{{end}}", true, "template: output:1: unexpected {{end}}");
    expect_error(f, "{{$x}}", true, "template: output:1: undefined variable \"$x\"");
    expect_error(f, "{{foo}}", true, "template: output:1: function \"foo\" not defined");
    expect_error(f, "{{break}}", true, "template: output:1: {{break}} outside {{range}}");
    expect_error(f, "{{\"a\".x}}", true,
                 "template: output:1: unexpected . after term \"\\\"a\\\"\"");
    expect_error(f, "{{)}}", true, "template: output:1: unexpected right paren");
    expect_error(f, "{{range $i, $e, $f := .}}{{end}}", true,
                 "template: output:1: too many declarations in range");
    expect_error(f, "x\n{{\"abc}}", true, "template: output:2: unterminated quoted string");
}

static void test_execution_errors_name_the_node_as_go(void **state)
{
    struct fixture *f = *state;
    expect_error(f, "{{.data.a.b}}", true,
                 "template: output:1:7: executing \"output\" at <.data.a.b>: can't evaluate "
                 "field b in type interface {}");
    expect_error(f, "{{index .data 0}}", true,
                 "template: output:1:2: executing \"output\" at <index .data 0>: error calling "
                 "index: value has type int; should be string");
    expect_error(f, "{{eq .kind 1}}", true,
                 "template: output:1:2: executing \"output\" at <eq .kind 1>: error calling eq: "
                 "incompatible types for comparison");
    expect_error(f, "{{range .kind}}{{end}}", true,
                 "template: output:1:8: executing \"output\" at <.kind>: range can't iterate "
                 "over ConfigMap");
    expect_error(f, "{{.nope}}", false,
                 "template: output:1:2: executing \"output\" at <.nope>: map has no entry for "
                 "key \"nope\"");
    expect_error(f, "{{index}}", true,
                 "template: output:1:2: executing \"output\" at <index>: wrong number of args "
                 "for index: want at least 1 got 0");
    expect_error(f, "{{base64decode \"!!\"}}", true,
                 "template: output:1:2: executing \"output\" at <base64decode \"!!\">: error "
                 "calling base64decode: base64 decode failed: illegal base64 data at input byte 0");
    expect_error(f, "{{template \"t\"}}", true,
                 "template: output:1:11: executing \"output\" at <{{template \"t\"}}>: template "
                 "\"t\" not defined");
}

static void test_execution_error_keeps_the_output_written_before(void **state)
{
    struct fixture *f = *state;
    char *error = NULL;
    struct gotemplate *t = gotemplate_parse("{{.kind}}|{{.kind.x}}", &error);
    assert_non_null(t);
    char *out = NULL;
    assert_int_equal(gotemplate_execute(t, f->obj, true, &out, &error), -1);
    assert_string_equal(out, "ConfigMap|");
    assert_non_null(strstr(error, "can't evaluate field x in type interface {}"));
    free(out);
    free(error);
    gotemplate_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fields_and_variables_read_the_object_as_json_maps,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_values_print_as_gos_fmt, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_trim_markers_and_comments_drop_spaces, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_range_walks_maps_in_key_order_and_slices_by_index,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_if_else_with_and_templates, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_functions_behave_as_gos_and_kubectls, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_printf_verbs_widths_and_bad_verbs, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_parse_errors_are_gos, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_execution_errors_name_the_node_as_go, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_execution_error_keeps_the_output_written_before,
                                        set_up, tear_down),
    };
    return cmocka_run_group_tests_name("ctl_gotemplate", tests, NULL, NULL);
}
