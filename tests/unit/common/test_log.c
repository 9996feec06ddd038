/* klog-shaped lines: severity, source, quoted message, component and fields; V-levels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "log.h"

static char *capture_text;
static size_t capture_size;
static FILE *capture;

static int set_up(void **state)
{
    capture = open_memstream(&capture_text, &capture_size);
    log_set_output(capture);
    log_init("c8s-test", 2);
    return 0;
}

static int tear_down(void **state)
{
    log_set_output(NULL);
    fclose(capture);
    free(capture_text);
    return 0;
}

static void test_line_has_klog_header_message_and_fields(void **state)
{
    LOG_I("synced", "key=%s took_ms=%d", "default/web", 3);
    fflush(capture);
    assert_int_equal(capture_text[0], 'I');
    assert_non_null(strstr(capture_text, " test_log.c:"));
    assert_non_null(
        strstr(capture_text, "] \"synced\" component=\"c8s-test\" key=default/web took_ms=3\n"));
    assert_int_equal(strchr(capture_text, '\n') - capture_text + 1, (long)strlen(capture_text));
}

static void test_severity_letters_and_escaping(void **state)
{
    LOG_W("watch \"pods\" closed\nretrying", NULL);
    LOG_E("failed", "err=%s", "boom");
    fflush(capture);
    assert_int_equal(capture_text[0], 'W');
    assert_non_null(strstr(capture_text, "\"watch \\\"pods\\\" closed\\nretrying\""));
    const char *second = strchr(capture_text, '\n') + 1;
    assert_int_equal(second[0], 'E');
    assert_non_null(strstr(second, "err=boom"));
}

static void test_verbosity_gates_lines(void **state)
{
    LOG_V(2, "shown", NULL);
    LOG_V(3, "hidden", NULL);
    fflush(capture);
    assert_non_null(strstr(capture_text, "shown"));
    assert_null(strstr(capture_text, "hidden"));
    log_set_verbosity(5);
    assert_true(log_v_enabled(5));
    assert_false(log_v_enabled(6));
}

static void test_err_set_and_wrap_compose_messages(void **state)
{
    struct err e = {0};
    assert_int_equal(err_set(&e, C8S_ECONFLICT, "pod %s changed", "a"), -C8S_ECONFLICT);
    assert_int_equal(err_wrap(&e, "update %s", "default/a"), -C8S_ECONFLICT);
    assert_string_equal(e.msg, "update default/a: pod a changed");
    assert_string_equal(err_code_name(C8S_ECONFLICT), "C8S_ECONFLICT");
    assert_string_equal(err_code_text(C8S_EGONE), "gone");
    assert_int_equal(err_set(NULL, 2, "ignored"), -2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_line_has_klog_header_message_and_fields, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_severity_letters_and_escaping, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_verbosity_gates_lines, set_up, tear_down),
        cmocka_unit_test(test_err_set_and_wrap_compose_messages),
    };
    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
