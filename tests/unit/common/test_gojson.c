/* Go's encoding/json syntax error texts for malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gojson.h"

static void assert_error(const char *input, const char *want)
{
    char msg[200] = "";
    assert_false(gojson_first_value_error(input, strlen(input), msg, sizeof msg));
    assert_string_equal(msg, want);
}

static void assert_valid(const char *input)
{
    char msg[200] = "";
    assert_true(gojson_first_value_error(input, strlen(input), msg, sizeof msg));
}

static void test_well_formed_values_pass(void **state)
{
    assert_valid("{}");
    assert_valid(" {\"a\": [1, -2.5e+3, true, false, null, \"x\\u00e9\\n\"], \"b\": {}} ");
    assert_valid("[[], {}]");
    assert_valid("{\"key\":\"YQ==\"} trailing is the next value's problem");
}

static void test_errors_name_the_scanner_context(void **state)
{
    assert_error("{bad}", "invalid character 'b' looking for beginning of object key string");
    assert_error("nope", "invalid character 'o' in literal null (expecting 'u')");
    assert_error("x", "invalid character 'x' looking for beginning of value");
    assert_error("{\"a\" 1}", "invalid character '1' after object key");
    assert_error("{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair");
    assert_error("[1 2]", "invalid character '2' after array element");
    assert_error("{\"a\":01}", "invalid character '1' after object key:value pair");
    assert_error("{\"a\":1.}", "invalid character '}' after decimal point in numeric literal");
    assert_error("{\"a\":1e}", "invalid character '}' in exponent of numeric literal");
    assert_error("{\"a\":-}", "invalid character '}' in numeric literal");
    assert_error("\"\\q\"", "invalid character 'q' in string escape code");
    assert_error("\"\\u12g4\"", "invalid character 'g' in \\u hexadecimal character escape");
    assert_error("\"a\nb\"", "invalid character '\\n' in string literal");
    assert_error("{,}", "invalid character ',' looking for beginning of object key string");
    assert_error("{\"a\":1,}", "invalid character '}' looking for beginning of object key string");
    assert_error("['x']", "invalid character '\\'' looking for beginning of value");
}

static void test_truncated_input_is_unexpected_eof(void **state)
{
    assert_error("{\"a\":", "unexpected EOF");
    assert_error("{\"a\":\"xy", "unexpected EOF");
    assert_error("[1,", "unexpected EOF");
    assert_error("", "unexpected EOF");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_formed_values_pass),
        cmocka_unit_test(test_errors_name_the_scanner_context),
        cmocka_unit_test(test_truncated_input_is_unexpected_eof),
    };
    return cmocka_run_group_tests_name("gojson", tests, NULL, NULL);
}
