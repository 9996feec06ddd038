/* Label and field selectors: parsing with Kubernetes' messages, matching, canonical printing and
 * LabelSelector JSON conversion. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "selector.h"

/* err.msg holds at most ERR_MSG_SIZE - 1 bytes of a longer Kubernetes message. */
static void assert_msg(const struct err *err, const char *want)
{
    size_t cap = sizeof err->msg - 1;
    size_t n = strlen(want) < cap ? strlen(want) : cap;
    if (strlen(err->msg) != n || strncmp(err->msg, want, n) != 0) {
        fail_msg("message\n  got:  %s\n  want: %s", err->msg, want);
    }
}

static void assert_label_prints(const char *text, const char *want)
{
    struct err err = {0};
    struct label_selector *sel = label_selector_parse(text, &err);
    if (sel == NULL) {
        fail_msg("parse %s: %s", text, err.msg);
    }
    char *s = label_selector_string(sel);
    assert_string_equal(s, want);
    free(s);
    label_selector_free(sel);
}

static void assert_label_rejected(const char *text, const char *want)
{
    struct err err = {0};
    assert_null(label_selector_parse(text, &err));
    assert_int_equal(err.code, EINVAL);
    assert_msg(&err, want);
}

static void test_parse_prints_requirements_sorted_by_key(void **state)
{
    assert_label_prints("", "");
    assert_label_prints("x=a,y=b,z=c", "x=a,y=b,z=c");
    assert_label_prints("z=c, y=b ,x=a", "x=a,y=b,z=c");
    assert_label_prints("a==b", "a==b");
    assert_label_prints("a!=b", "a!=b");
    assert_label_prints("a in (z,x,y)", "a in (x,y,z)");
    assert_label_prints("a notin ( x )", "a notin (x)");
    assert_label_prints("a in (x,x)", "a in (x)");
    assert_label_prints("a in ()", "a in ()");
    assert_label_prints("a in (,b)", "a in (,b)");
    assert_label_prints("a", "a");
    assert_label_prints("!a", "!a");
    assert_label_prints("a>1,b<2", "a>1,b<2");
    assert_label_prints("a=", "a=");
    assert_label_prints("b,!a", "!a,b");
    assert_label_prints("in=notin", "in=notin");
    assert_label_prints("x=a,x!=b", "x=a,x!=b");
    assert_label_prints("example.com/app in (web)", "example.com/app in (web)");
    assert_label_prints("\tx\n=\ra", "x=a");
}

static void test_parse_rejects_with_kubernetes_messages(void **state)
{
    assert_label_rejected("x=a,", "found '', expected: identifier after ','");
    assert_label_rejected(",x=a", "found ',', expected: !, identifier, or 'end of string'");
    assert_label_rejected("x=a b", "found 'b', expected: ',' or 'end of string'");
    assert_label_rejected("!", "unable to parse requirement: found '', expected: identifier");
    assert_label_rejected("x in a", "unable to parse requirement: found 'a' expected: '('");
    assert_label_rejected("x in (a", "unable to parse requirement: found '', expected: ',' or ')'");
    assert_label_rejected("x in (a b)",
                          "unable to parse requirement: found 'b', expected: ',' or ')'");
    assert_label_rejected(
        "x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier");
    assert_label_rejected("x in (,",
                          "unable to parse requirement: found '', expected: ',', or identifier");
    assert_label_rejected("x (a)", "unable to parse requirement: found '(', expected: in, notin, "
                                   "=, ==, !=, gt, lt");
    assert_label_rejected("x=(", "unable to parse requirement: found '(', expected: identifier");
    assert_label_rejected("!a=b", "found '=', expected: ',' or 'end of string'");
    assert_label_rejected("x>a", "unable to parse requirement: values[0]: Invalid value: \"a\": "
                                 "for 'Gt', 'Lt' operators, the value must be an integer");
    assert_label_rejected("-x=a",
                          "unable to parse requirement: <nil>: Invalid value: \"-x\": name part "
                          "must consist of alphanumeric characters, '-', '_' or '.', and must "
                          "start and end with an alphanumeric character (e.g. 'MyName',  or "
                          "'my.name',  or '123-abc', regex used for validation is "
                          "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    assert_label_rejected("x=-a",
                          "unable to parse requirement: values[0][x]: Invalid value: \"-a\": a "
                          "valid label must be an empty string or consist of alphanumeric "
                          "characters, '-', '_' or '.', and must start and end with an "
                          "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                          "regex used for validation is "
                          "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
}

static bool matches(const char *selector, const char *labels_json)
{
    struct label_selector *sel = label_selector_parse(selector, NULL);
    assert_non_null(sel);
    json_t *labels = json_loads(labels_json, 0, NULL);
    assert_non_null(labels);
    bool m = label_selector_matches(sel, labels);
    json_decref(labels);
    label_selector_free(sel);
    return m;
}

static void test_matches_follow_each_operator(void **state)
{
    const char *l = "{\"app\": \"web\", \"tier\": \"front\", \"n\": \"10\"}";
    assert_true(matches("", l));
    assert_true(matches("", "{}"));
    assert_true(matches("app=web", l));
    assert_true(matches("app==web,tier=front", l));
    assert_false(matches("app=db", l));
    assert_false(matches("app=web,tier=back", l));
    assert_true(matches("app!=db", l));
    assert_true(matches("missing!=x", l));
    assert_true(matches("app in (db,web)", l));
    assert_false(matches("app notin (db,web)", l));
    assert_true(matches("missing notin (x)", l));
    assert_false(matches("missing in (x)", l));
    assert_true(matches("app", l));
    assert_false(matches("!app", l));
    assert_true(matches("!missing", l));
    assert_true(matches("n>9", l));
    assert_false(matches("n>10", l));
    assert_true(matches("n<11", l));
    assert_false(matches("app>1", l));
    assert_false(matches("missing<1", l));
}

static struct label_selector *from_json(const char *text, struct err *err)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    assert_non_null(j);
    struct label_selector *sel = label_selector_from_json(j, err);
    json_decref(j);
    return sel;
}

static void test_label_selector_json_becomes_a_selector(void **state)
{
    struct err err = {0};
    struct label_selector *sel =
        from_json("{\"matchLabels\": {\"tier\": \"front\", \"app\": \"web\"},"
                  " \"matchExpressions\": [{\"key\": \"env\", \"operator\": \"NotIn\","
                  " \"values\": [\"prod\", \"dev\"]}, {\"key\": \"canary\","
                  " \"operator\": \"DoesNotExist\"}]}",
                  &err);
    assert_non_null(sel);
    char *s = label_selector_string(sel);
    assert_string_equal(s, "app=web,!canary,env notin (dev,prod),tier=front");
    free(s);
    json_t *labels = json_pack("{s:s, s:s, s:s}", "app", "web", "tier", "front", "env", "qa");
    assert_true(label_selector_matches(sel, labels));
    json_object_set_new(labels, "canary", json_string("true"));
    assert_false(label_selector_matches(sel, labels));
    label_selector_free(sel);

    sel = from_json("{}", &err);
    assert_true(label_selector_is_empty(sel));
    assert_true(label_selector_matches(sel, labels));
    label_selector_free(sel);

    sel = from_json("null", &err);
    assert_false(label_selector_is_empty(sel));
    assert_false(label_selector_matches(sel, labels));
    label_selector_free(sel);
    json_decref(labels);
}

static void test_label_selector_json_errors_read_like_kubernetes(void **state)
{
    struct err err = {0};
    assert_null(
        from_json("{\"matchExpressions\": [{\"key\": \"a\", \"operator\": \"Gt\"}]}", &err));
    assert_msg(&err, "\"Gt\" is not a valid label selector operator");
    assert_null(
        from_json("{\"matchExpressions\": [{\"key\": \"a\", \"operator\": \"In\"}]}", &err));
    assert_msg(
        &err,
        "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty");
    assert_null(from_json("{\"matchExpressions\": [{\"key\": \"a\", \"operator\": \"Exists\","
                          " \"values\": [\"x\"]}]}",
                          &err));
    assert_msg(&err, "values: Invalid value: [\"x\"]: values set must be empty for exists and "
                     "does not exist");
    assert_null(from_json("{\"matchLabels\": {\"a/b/c\": \"x\"}}", &err));
    const char *prefix = "key: Invalid value: \"a/b/c\": a valid label key must consist of";
    assert_int_equal(strncmp(err.msg, prefix, strlen(prefix)), 0);
}

static void test_label_selector_equal_compares_requirements(void **state)
{
    struct label_selector *a = label_selector_parse("b=1,a in (y,x)", NULL);
    struct label_selector *b = label_selector_parse("a in (x,y),b=1", NULL);
    struct label_selector *c = label_selector_parse("a in (x),b=1", NULL);
    assert_true(label_selector_equal(a, b));
    assert_false(label_selector_equal(a, c));
    label_selector_free(a);
    label_selector_free(b);
    label_selector_free(c);
}

static void assert_field_prints(const char *text, const char *want)
{
    struct err err = {0};
    struct field_selector *sel = field_selector_parse(text, &err);
    if (sel == NULL) {
        fail_msg("parse %s: %s", text, err.msg);
    }
    char *s = field_selector_string(sel);
    assert_string_equal(s, want);
    free(s);
    field_selector_free(sel);
}

static void assert_field_rejected(const char *text, const char *want)
{
    struct err err = {0};
    assert_null(field_selector_parse(text, &err));
    assert_msg(&err, want);
}

static void test_field_selectors_parse_escape_and_sort(void **state)
{
    assert_field_prints("", "");
    assert_field_prints("metadata.name=x", "metadata.name=x");
    assert_field_prints("spec.nodeName!=", "spec.nodeName!=");
    assert_field_prints("b==c,a=d", "a=d,b=c");
    assert_field_prints("a=b\\,c\\=d\\\\e", "a=b\\,c\\=d\\\\e");
    assert_field_prints("=", "");
    assert_field_prints(",,x=y,", "x=y");
    assert_field_rejected("a", "invalid selector: 'a'; can't understand 'a'");
    assert_field_rejected("x=y,a", "invalid selector: 'x=y,a'; can't understand 'a'");
    assert_field_rejected("a=b=c", "invalid field selector: unescaped character in value: 61");
    assert_field_rejected("a=\\x", "invalid field selector: invalid escape sequence: \\x");
    assert_field_rejected("a=b\\", "invalid field selector: invalid escape sequence: \\");
}

static void test_field_selectors_match_caller_fields(void **state)
{
    json_t *fields = json_pack("{s:s, s:s, s:s}", "metadata.name", "web", "spec.nodeName", "",
                               "status.phase", "Running");
    struct field_selector *sel =
        field_selector_parse("metadata.name=web,status.phase!=Failed", NULL);
    assert_true(field_selector_matches(sel, fields));
    assert_string_equal(field_selector_exact_match(sel, "metadata.name"), "web");
    assert_null(field_selector_exact_match(sel, "status.phase"));
    field_selector_free(sel);
    sel = field_selector_parse("spec.nodeName=", NULL);
    assert_true(field_selector_matches(sel, fields));
    field_selector_free(sel);
    sel = field_selector_parse("spec.nodeName!=", NULL);
    assert_false(field_selector_matches(sel, fields));
    field_selector_free(sel);
    sel = field_selector_parse("metadata.namespace=default", NULL);
    assert_false(field_selector_matches(sel, fields));
    field_selector_free(sel);
    sel = field_selector_parse("", NULL);
    assert_true(field_selector_is_empty(sel));
    assert_true(field_selector_matches(sel, fields));
    field_selector_free(sel);
    json_decref(fields);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_prints_requirements_sorted_by_key),
        cmocka_unit_test(test_parse_rejects_with_kubernetes_messages),
        cmocka_unit_test(test_matches_follow_each_operator),
        cmocka_unit_test(test_label_selector_json_becomes_a_selector),
        cmocka_unit_test(test_label_selector_json_errors_read_like_kubernetes),
        cmocka_unit_test(test_label_selector_equal_compares_requirements),
        cmocka_unit_test(test_field_selectors_parse_escape_and_sort),
        cmocka_unit_test(test_field_selectors_match_caller_fields),
    };
    return cmocka_run_group_tests_name("selector", tests, NULL, NULL);
}
