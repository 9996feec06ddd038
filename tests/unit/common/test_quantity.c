/* Resource quantities: parse, String() forms, errors, arithmetic and values, with cases taken
 * from the behaviour apimachinery's quantity_test.go pins down. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "quantity.h"

#define FORMAT_WRONG \
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
#define SUFFIX  "unable to parse quantity's suffix"
#define NUMERIC "unable to parse numeric part of quantity"

static struct quantity parsed(const char *text)
{
    struct quantity q;
    struct err err = {0};
    int rc = quantity_parse(text, &q, &err);
    if (rc != 0) {
        fail_msg("parse %s: %s", text, err.msg);
    }
    return q;
}

static void assert_prints(const char *text, const char *want)
{
    struct quantity q = parsed(text);
    char buf[QUANTITY_STR_MAX];
    if (strcmp(quantity_format(&q, buf), want) != 0) {
        fail_msg("%s printed %s, want %s", text, buf, want);
    }
}

static void assert_rejected(const char *text, const char *message)
{
    struct quantity q = QUANTITY_ZERO;
    q.ndigits = 1;
    q.digits[0] = '7';
    struct err err = {0};
    assert_int_equal(quantity_parse(text, &q, &err), -EINVAL);
    assert_string_equal(err.msg, message);
    assert_int_equal(q.digits[0], '7');
}

static void test_parse_prints_canonical_forms(void **state)
{
    assert_prints("0.5", "500m");
    assert_prints("0.1", "100m");
    assert_prints("1000m", "1");
    assert_prints("1024Mi", "1Gi");
    assert_prints("1.5Gi", "1536Mi");
    assert_prints("100m", "100m");
    assert_prints("1000M", "1G");
    assert_prints("0.001T", "1G");
    assert_prints("1000u", "1m");
    assert_prints("1.08", "1080m");
    assert_prints("1080000000n", "1080m");
    assert_prints("307200Ki", "300Mi");
    assert_prints("1025024Mi", "1001Gi");
    assert_prints("1024Gi", "1Ti");
    assert_prints("5000m", "5");
    assert_prints("00", "0");
    assert_prints("8Ki", "8Ki");
    assert_prints("3Ei", "3Ei");
    assert_prints("0.5Mi", "512Ki");
    assert_prints(".001Ki", "1024m");
    assert_prints(".000001Ki", "1024u");
    assert_prints(".000000001Ki", "1024n");
    assert_prints("1.1Ki", "1126400m");
    assert_prints("100.035Ki", "102435840m");
    assert_prints("0.05Gi", "53687091200m");
    assert_prints("-1.5Gi", "-1536Mi");
    assert_prints("-0.5", "-500m");
}

static void test_parse_keeps_exponent_forms(void **state)
{
    assert_prints("1e3", "1e3");
    assert_prints("12e6", "12e6");
    assert_prints("1e14", "100e12");
    assert_prints("1e13", "10e12");
    assert_prints("1.2e3", "1200");
    assert_prints("1.3E+6", "1300e3");
    assert_prints("1.40e9", "1400e6");
    assert_prints("1.53E12", "1530e9");
    assert_prints("0.5e0", "500e-3");
    assert_prints("0.5e-1", "50e-3");
    assert_prints("0.5e-2", "5e-3");
    assert_prints(".001e12", "1e9");
    assert_prints("0.001e0", "1e-3");
    assert_prints("1000e-12", "1e-9");
    assert_prints("1.1E-9", "2e-9");
}

static void test_parse_reuses_input_where_kubernetes_does(void **state)
{
    static const char *const same[] = {
        "1Gi",   "300Mi",    "6Ki",       "1001Gi", "1Ti",      "5",    "500m", "1G", "1m",
        "80m",   "1080m",    "300M",      "1T",     "1234567M", "3k",   "1025", "0",  "1e9",
        "1e-3",  "1e-9",     "80e-3",     "300e6",  "1e12",     "1e3",  "3e3",  "1n", "80n",
        "1080n", "1u",       "80u",       "1080u",  "12E",      "50k",  "40T",  "+1", "1.",
        "1.G",   "100.035k", "7.123456M", "1E-3",   "-1Ki",     "01Ki", "7Mi",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        assert_prints(same[i], same[i]);
    }
}

static void test_parse_rounds_up_to_nano_and_caps_binary(void **state)
{
    assert_prints("3.001n", "4n");
    assert_prints("0.0000000001", "1n");
    assert_prints("0.0000000005", "1n");
    assert_prints("0.9n", "1n");
    assert_prints("0.00000012345", "124n");
    assert_prints("0.00000012354", "124n");
    assert_prints("-0.00000012354", "-124n");
    assert_prints(".000000000001Ki", "2n");
    assert_prints("9Ei", "9223372036854775807");
    assert_prints("9223372036854775807Ki", "9223372036854775807");
    assert_prints("-9Ei", "-9223372036854775807");
}

static void test_parse_keeps_large_decimal_values(void **state)
{
    assert_prints("999999999999999999.1", "999999999999999999100m");
    assert_prints("9999999999999999999000m", "9999999999999999999");
    assert_prints("10E", "10E");
    assert_prints("10000000000000000000", "10E");
    assert_prints("1000000000000000000", "1E");
    assert_prints("-1.0000000000000000001E", "-1000000000000000000100m");
    assert_prints("9223372036854775808.1", "9223372036854775808100m");
    assert_prints("10.000000000000000001E", "10000000000000000001");
}

static void test_parse_accepts_what_kubernetes_accepts_oddly(void **state)
{
    assert_prints(".", "0");
    assert_prints("-.", "0");
    assert_prints("+", "0");
    assert_prints("Ki", "0");
    assert_prints("0Ki", "0");
    assert_prints("-0", "0");
}

static void test_parse_rejects_with_kubernetes_messages(void **state)
{
    assert_rejected("", FORMAT_WRONG);
    assert_rejected("1.1.M", FORMAT_WRONG);
    assert_rejected("1+1.0M", FORMAT_WRONG);
    assert_rejected("0.1am", FORMAT_WRONG);
    assert_rejected("aoeu", FORMAT_WRONG);
    assert_rejected(" 1", FORMAT_WRONG);
    assert_rejected("1 ", FORMAT_WRONG);
    assert_rejected("Non-Numeric", FORMAT_WRONG);
    assert_rejected("0.1mi", SUFFIX);
    assert_rejected(".5i", SUFFIX);
    assert_rejected("1i", SUFFIX);
    assert_rejected("-3.01i", SUFFIX);
    assert_rejected("-3.01e-", SUFFIX);
    assert_rejected("1e", SUFFIX);
    assert_rejected("1e99999999999999999999", SUFFIX);
    assert_rejected("e-10", NUMERIC);
}

static void test_parse_refuses_more_digits_than_it_holds(void **state)
{
    char text[100];
    memset(text, '7', 80);
    text[80] = '\0';
    struct quantity q;
    struct err err = {0};
    assert_int_equal(quantity_parse(text, &q, &err), -ERANGE);
}

static int cmp_text(const char *a, const char *b)
{
    struct quantity x = parsed(a), y = parsed(b);
    return quantity_cmp(&x, &y);
}

static void test_cmp_orders_values_across_formats(void **state)
{
    assert_int_equal(cmp_text("0", "0"), 0);
    assert_int_equal(cmp_text("100m", "50m"), 1);
    assert_int_equal(cmp_text("50m", "100m"), -1);
    assert_int_equal(cmp_text("10000T", "100Gi"), 1);
    assert_int_equal(cmp_text("1Ki", "1024"), 0);
    assert_int_equal(cmp_text("1k", "1e3"), 0);
    assert_int_equal(cmp_text("-1", "1m"), -1);
    assert_int_equal(cmp_text("-2", "-1"), -1);
    assert_int_equal(cmp_text("0.9", "1"), -1);
}

static void assert_quantity_prints(const struct quantity *q, const char *want)
{
    char buf[QUANTITY_STR_MAX];
    assert_string_equal(quantity_format(q, buf), want);
}

static void test_add_and_sub_keep_the_nonzero_format(void **state)
{
    struct quantity zero = parsed("0"), v = parsed("100m"), gi = parsed("1Gi");
    struct quantity a = v;
    assert_int_equal(quantity_add(&a, &zero, NULL), 0);
    assert_quantity_prints(&a, "100m");
    a = zero;
    assert_int_equal(quantity_add(&a, &gi, NULL), 0);
    assert_quantity_prints(&a, "1Gi");
    a = zero;
    assert_int_equal(quantity_sub(&a, &v, NULL), 0);
    assert_quantity_prints(&a, "-100m");

    struct quantity x = parsed("1.5"), y = parsed("500m");
    assert_int_equal(quantity_add(&x, &y, NULL), 0);
    assert_quantity_prints(&x, "2");
    struct quantity three = parsed("3");
    assert_int_equal(quantity_sub(&x, &three, NULL), 0);
    assert_quantity_prints(&x, "-1");
    struct quantity ten_bin, one;
    quantity_init_scaled(&ten_bin, 10, 0, QUANTITY_BINARY_SI);
    quantity_init_scaled(&one, 1, 0, QUANTITY_DECIMAL_SI);
    assert_int_equal(quantity_sub(&ten_bin, &one, NULL), 0);
    assert_int_equal(ten_bin.format, QUANTITY_BINARY_SI);
    assert_quantity_prints(&ten_bin, "9");
    struct quantity mem = parsed("1Gi"), more = parsed("512Mi");
    assert_int_equal(quantity_add(&mem, &more, NULL), 0);
    assert_quantity_prints(&mem, "1536Mi");
}

static void test_add_cancels_exactly_across_scales(void **state)
{
    struct quantity sum = QUANTITY_ZERO, part;
    for (int k = -10; k <= 10; k++) {
        quantity_init_scaled(&part, INT64_C(7340000000000000000) + k, k, QUANTITY_DECIMAL_SI);
        assert_int_equal(quantity_add(&sum, &part, NULL), 0);
    }
    for (int k = -10; k <= 10; k++) {
        quantity_init_scaled(&part, INT64_C(7340000000000000000) + k, k, QUANTITY_DECIMAL_SI);
        assert_int_equal(quantity_sub(&sum, &part, NULL), 0);
    }
    assert_int_equal(quantity_sign(&sum), 0);
}

static void test_add_fails_when_the_sum_is_too_precise(void **state)
{
    struct quantity big = parsed("1e100"), tiny = parsed("1n");
    struct err err = {0};
    assert_int_equal(quantity_add(&big, &tiny, &err), -ERANGE);
    assert_quantity_prints(&big, "10e99");
}

static int64_t value_of(const char *text)
{
    struct quantity q = parsed(text);
    return quantity_value(&q);
}

static int64_t milli_of(const char *text)
{
    struct quantity q = parsed(text);
    return quantity_milli_value(&q);
}

static void test_values_round_away_from_zero(void **state)
{
    assert_int_equal(value_of("1Mi"), 1048576);
    assert_int_equal(value_of("100m"), 1);
    assert_int_equal(value_of("-100m"), -1);
    assert_int_equal(milli_of("0.5"), 500);
    assert_int_equal(milli_of("1n"), 1);
    assert_int_equal(milli_of("2"), 2000);
    assert_int_equal(value_of("9Ei"), INT64_MAX);
    assert_int_equal(value_of("-9223372036854775808"), INT64_MIN);
    int64_t v = 5;
    struct quantity big = parsed("10E"), one = parsed("1");
    assert_int_equal(quantity_scaled_value(&big, 0, &v), -ERANGE);
    assert_int_equal(v, 5);
    assert_int_equal(value_of("10E"), INT64_MAX);
    assert_int_equal(quantity_scaled_value(&one, -2, &v), 0);
    assert_int_equal(v, 100);
}

static void assert_scaled_prints(int64_t value, int scale, enum quantity_format f, const char *want)
{
    struct quantity q;
    quantity_init_scaled(&q, value, scale, f);
    assert_quantity_prints(&q, want);
}

static void test_init_scaled_prints_like_new_quantity(void **state)
{
    assert_scaled_prints(1, -3, QUANTITY_DECIMAL_SI, "1m");
    assert_scaled_prints(1000, -3, QUANTITY_DECIMAL_SI, "1");
    assert_scaled_prints(1234000, -3, QUANTITY_DECIMAL_SI, "1234");
    assert_scaled_prints(1024, -3, QUANTITY_BINARY_SI, "1024m");
    assert_scaled_prints(1000000, -3, QUANTITY_DECIMAL_EXPONENT, "1e3");
    assert_scaled_prints(1024 * 1024, -3, QUANTITY_BINARY_SI, "1048576m");
    assert_scaled_prints(1000, 0, QUANTITY_DECIMAL_SI, "1k");
    assert_scaled_prints(1234000, 0, QUANTITY_DECIMAL_SI, "1234k");
    assert_scaled_prints(1024, 0, QUANTITY_BINARY_SI, "1Ki");
    assert_scaled_prints(1000000, 0, QUANTITY_DECIMAL_EXPONENT, "1e6");
    assert_scaled_prints(1000, -9, QUANTITY_DECIMAL_SI, "1u");
    assert_scaled_prints(0, -9, QUANTITY_DECIMAL_SI, "0");
    assert_scaled_prints(-901, -2, QUANTITY_DECIMAL_SI, "-9010m");
    assert_scaled_prints(INT64_MIN, 0, QUANTITY_DECIMAL_SI, "-9223372036854775808");
}

static void test_neg_flips_sign_but_never_prints_minus_zero(void **state)
{
    struct quantity q = parsed("+1");
    quantity_neg(&q);
    assert_quantity_prints(&q, "-1");
    struct quantity z = parsed("0");
    quantity_neg(&z);
    assert_quantity_prints(&z, "0");
}

static void assert_json_prints(const char *json, const char *want)
{
    json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
    assert_non_null(v);
    struct quantity q;
    struct err err = {0};
    int rc = quantity_from_json(v, &q, &err);
    json_decref(v);
    assert_int_equal(rc, 0);
    json_t *out = quantity_to_json(&q);
    assert_string_equal(json_string_value(out), want);
    json_decref(out);
}

static void test_json_accepts_strings_numbers_and_null(void **state)
{
    assert_json_prints("\" 1\"", "1");
    assert_json_prints("\"1 \"", "1");
    assert_json_prints("10", "10");
    assert_json_prints("-1", "-1");
    assert_json_prints("1.5", "1500m");
    assert_json_prints("0.1", "100m");
    assert_json_prints("null", "0");
    assert_json_prints("\"128Mi\"", "128Mi");

    json_t *v = json_true();
    struct quantity q;
    struct err err = {0};
    assert_int_equal(quantity_from_json(v, &q, &err), -EINVAL);
    assert_string_equal(err.msg, FORMAT_WRONG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_prints_canonical_forms),
        cmocka_unit_test(test_parse_keeps_exponent_forms),
        cmocka_unit_test(test_parse_reuses_input_where_kubernetes_does),
        cmocka_unit_test(test_parse_rounds_up_to_nano_and_caps_binary),
        cmocka_unit_test(test_parse_keeps_large_decimal_values),
        cmocka_unit_test(test_parse_accepts_what_kubernetes_accepts_oddly),
        cmocka_unit_test(test_parse_rejects_with_kubernetes_messages),
        cmocka_unit_test(test_parse_refuses_more_digits_than_it_holds),
        cmocka_unit_test(test_cmp_orders_values_across_formats),
        cmocka_unit_test(test_add_and_sub_keep_the_nonzero_format),
        cmocka_unit_test(test_add_cancels_exactly_across_scales),
        cmocka_unit_test(test_add_fails_when_the_sum_is_too_precise),
        cmocka_unit_test(test_values_round_away_from_zero),
        cmocka_unit_test(test_init_scaled_prints_like_new_quantity),
        cmocka_unit_test(test_neg_flips_sign_but_never_prints_minus_zero),
        cmocka_unit_test(test_json_accepts_strings_numbers_and_null),
    };
    return cmocka_run_group_tests_name("quantity", tests, NULL, NULL);
}
