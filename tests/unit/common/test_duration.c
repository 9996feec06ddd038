/* Go's duration text: parse and format round trips, and Go's error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "duration.h"

static void assert_parses(const char *text, int64_t want)
{
    int64_t got = -12345;
    struct err err = {0};
    assert_int_equal(duration_parse(text, &got, &err), 0);
    assert_int_equal(got, want);
}

static void assert_rejected(const char *text, const char *message)
{
    int64_t got = 7;
    struct err err = {0};
    assert_true(duration_parse(text, &got, &err) < 0);
    assert_string_equal(err.msg, message);
    assert_int_equal(got, 7);
}

static void test_parse_accepts_go_forms(void **state)
{
    assert_parses("0", 0);
    assert_parses("300ms", 300 * DURATION_MS);
    assert_parses("10s", 10 * DURATION_SECOND);
    assert_parses("1.5h", 90 * DURATION_MINUTE);
    assert_parses("2h45m", 165 * DURATION_MINUTE);
    assert_parses("-1m30s", -90 * DURATION_SECOND);
    assert_parses("+5s", 5 * DURATION_SECOND);
    assert_parses("1us", 1000);
    assert_parses("1\xc2\xb5s", 1000);
    assert_parses("7ns", 7);
    assert_parses(".5s", 500 * DURATION_MS);
    assert_parses("1.s", DURATION_SECOND);
    assert_parses("9223372036854775807ns", INT64_MAX);
    assert_parses("-9223372036854775808ns", INT64_MIN);
}

static void test_parse_rejects_with_go_messages(void **state)
{
    assert_rejected("", "time: invalid duration \"\"");
    assert_rejected("1", "time: missing unit in duration \"1\"");
    assert_rejected("10x", "time: unknown unit \"x\" in duration \"10x\"");
    assert_rejected("s", "time: invalid duration \"s\"");
    assert_rejected(".s", "time: invalid duration \".s\"");
    assert_rejected("-", "time: invalid duration \"-\"");
    assert_rejected("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\"");
    assert_rejected("3000000h", "time: invalid duration \"3000000h\"");
}

static void assert_formats(int64_t d, const char *want)
{
    char buf[32];
    assert_string_equal(duration_format(d, buf, sizeof buf), want);
}

static void test_format_matches_go_string(void **state)
{
    assert_formats(0, "0s");
    assert_formats(1, "1ns");
    assert_formats(1100, "1.1\xc2\xb5s");
    assert_formats(2200 * DURATION_US, "2.2ms");
    assert_formats(3300 * DURATION_MS, "3.3s");
    assert_formats(4 * DURATION_MINUTE + 5 * DURATION_SECOND, "4m5s");
    assert_formats(4 * DURATION_MINUTE + 5001 * DURATION_MS, "4m5.001s");
    assert_formats(5 * DURATION_HOUR + 6 * DURATION_MINUTE + 7001 * DURATION_MS, "5h6m7.001s");
    assert_formats(DURATION_HOUR, "1h0m0s");
    assert_formats(-DURATION_SECOND, "-1s");
    assert_formats(INT64_MIN, "-2562047h47m16.854775808s");
    assert_formats(INT64_MAX, "2562047h47m16.854775807s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts_go_forms),
        cmocka_unit_test(test_parse_rejects_with_go_messages),
        cmocka_unit_test(test_format_matches_go_string),
    };
    return cmocka_run_group_tests_name("duration", tests, NULL, NULL);
}
