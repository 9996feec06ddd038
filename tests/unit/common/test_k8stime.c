/* Kubernetes timestamps: RFC 3339 parsing with Go's messages, metav1.Time/MicroTime formatting
 * and kubectl's AGE humanisation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "k8stime.h"

#define S  INT64_C(1000000000)
#define MS INT64_C(1000000)
#define M  (60 * S)
#define H  (60 * M)
#define D  (24 * H)
#define Y  (365 * D)

static struct timespec parsed(const char *text)
{
    struct timespec t;
    struct err err = {0};
    if (k8stime_parse(text, &t, &err) != 0) {
        fail_msg("parse %s: %s", text, err.msg);
    }
    return t;
}

static void assert_round_trip(const char *in, const char *want_time, const char *want_micro)
{
    struct timespec t = parsed(in);
    char buf[K8STIME_STR_MAX];
    assert_string_equal(k8stime_format(&t, buf), want_time);
    assert_string_equal(k8stime_format_micro(&t, buf), want_micro);
}

static void test_parse_and_format_in_utc(void **state)
{
    assert_round_trip("2026-11-23T10:11:12Z", "2026-11-23T10:11:12Z",
                      "2026-11-23T10:11:12.000000Z");
    assert_round_trip("2026-11-23T10:11:12.123456Z", "2026-11-23T10:11:12Z",
                      "2026-11-23T10:11:12.123456Z");
    assert_round_trip("2026-11-23T12:11:12.5+02:00", "2026-11-23T10:11:12Z",
                      "2026-11-23T10:11:12.500000Z");
    assert_round_trip("2026-01-01T00:30:00-01:00", "2026-01-01T01:30:00Z",
                      "2026-01-01T01:30:00.000000Z");
    assert_round_trip("2024-02-29T23:59:59.9999999999Z", "2024-02-29T23:59:59Z",
                      "2024-02-29T23:59:59.999999Z");
    assert_round_trip("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z",
                      "1969-12-31T23:59:59.000000Z");
    assert_round_trip("2026-11-23T1:02:03Z", "2026-11-23T01:02:03Z", "2026-11-23T01:02:03.000000Z");
    struct timespec t = parsed("1970-01-01T00:00:01.000000002Z");
    assert_int_equal(t.tv_sec, 1);
    assert_int_equal(t.tv_nsec, 2);
}

static void assert_rejected(const char *text, const char *want)
{
    struct timespec t = {7, 7};
    struct err err = {0};
    assert_true(k8stime_parse(text, &t, &err) < 0);
    assert_string_equal(err.msg, want);
    assert_int_equal(t.tv_sec, 7);
}

static void test_parse_rejects_with_go_messages(void **state)
{
    assert_rejected("x", "parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse "
                         "\"x\" as \"2006\"");
    assert_rejected("2026-11-23", "parsing time \"2026-11-23\" as \"2006-01-02T15:04:05Z07:00\": "
                                  "cannot parse \"\" as \"T\"");
    assert_rejected("2026-11-23 10:11:12Z", "parsing time \"2026-11-23 10:11:12Z\" as "
                                            "\"2006-01-02T15:04:05Z07:00\": cannot parse "
                                            "\" 10:11:12Z\" as \"T\"");
    assert_rejected("2026-1-23T10:11:12Z", "parsing time \"2026-1-23T10:11:12Z\" as "
                                           "\"2006-01-02T15:04:05Z07:00\": cannot parse "
                                           "\"1-23T10:11:12Z\" as \"01\"");
    assert_rejected("2026-11-23T10:11:12", "parsing time \"2026-11-23T10:11:12\" as "
                                           "\"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as "
                                           "\"Z07:00\"");
    assert_rejected("2026-13-23T10:11:12Z",
                    "parsing time \"2026-13-23T10:11:12Z\": month out of range");
    assert_rejected("2026-02-29T10:11:12Z",
                    "parsing time \"2026-02-29T10:11:12Z\": day out of range");
    assert_rejected("2026-11-23T24:11:12Z",
                    "parsing time \"2026-11-23T24:11:12Z\": hour out of range");
    assert_rejected("2026-11-23T10:11:60Z",
                    "parsing time \"2026-11-23T10:11:60Z\": second out of range");
    assert_rejected("2026-11-23T10:11:12Zjunk",
                    "parsing time \"2026-11-23T10:11:12Zjunk\": extra text: \"junk\"");
    assert_rejected("2026-11-23T10:11:12+25:00",
                    "parsing time \"2026-11-23T10:11:12+25:00\": time zone offset hour out of "
                    "range");
}

static void assert_age(int64_t d, const char *want)
{
    char buf[K8STIME_STR_MAX];
    assert_string_equal(k8stime_human_duration(d, buf), want);
}

static void test_human_duration_matches_kubectl_age(void **state)
{
    assert_age(S, "1s");
    assert_age(70 * S, "70s");
    assert_age(190 * S, "3m10s");
    assert_age(70 * M, "70m");
    assert_age(47 * H, "47h");
    assert_age(49 * H, "2d1h");
    assert_age((8 * 24 + 2) * H, "8d");
    assert_age(367 * D, "367d");
    assert_age(2 * Y + 25 * H, "2y1d");
    assert_age(8 * Y + 2 * H, "8y");
    assert_age(-2 * S, "<invalid>");
    assert_age(-2 * S + 1, "0s");
    assert_age(0, "0s");
    assert_age(2 * M - MS, "119s");
    assert_age(2 * M, "2m");
    assert_age(10 * M - MS, "9m59s");
    assert_age(10 * M + S, "10m");
    assert_age(3 * H - MS, "179m");
    assert_age(3 * H + M, "3h1m");
    assert_age(8 * H - MS, "7h59m");
    assert_age(8 * H + 59 * M, "8h");
    assert_age(2 * D - MS, "47h");
    assert_age(8 * D - MS, "7d23h");
    assert_age(2 * Y - MS, "729d");
    assert_age(2 * Y + D - MS, "2y");
    assert_age(8 * Y - MS, "7y364d");
    assert_age(9 * Y, "9y");
}

static void assert_short_age(int64_t d, const char *want)
{
    char buf[K8STIME_STR_MAX];
    assert_string_equal(k8stime_short_human_duration(d, buf), want);
}

static void test_short_human_duration_uses_one_unit(void **state)
{
    assert_short_age(-2 * S, "<invalid>");
    assert_short_age(S - MS, "0s");
    assert_short_age(M - MS, "59s");
    assert_short_age(2 * M - MS, "1m");
    assert_short_age(H, "1h");
    assert_short_age(24 * H - MS, "23h");
    assert_short_age(2 * D, "2d");
    assert_short_age(Y, "1y");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format_in_utc),
        cmocka_unit_test(test_parse_rejects_with_go_messages),
        cmocka_unit_test(test_human_duration_matches_kubectl_age),
        cmocka_unit_test(test_short_human_duration_uses_one_unit),
    };
    return cmocka_run_group_tests_name("k8stime", tests, NULL, NULL);
}
