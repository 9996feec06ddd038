/* Validation helpers: Kubernetes' exact messages for names, label keys and values, ports, IPs
 * and annotations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "validate.h"

#define LABEL_RE "'[a-z0-9]([-a-z0-9]*[a-z0-9])?'"
#define DNS_LABEL_MSG                                                                            \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and " \
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "   \
    "used for validation is " LABEL_RE ")"
#define SUBDOMAIN_MSG                                                                            \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or " \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "     \
    "used for validation is "                                                                    \
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define KEY_MSG                                                                                 \
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " \
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "      \
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

typedef size_t (*check_fn)(const char *, struct validate_errs *);

/* Asserts that check(value) yields exactly the messages given (NULL-terminated). */
static void assert_msgs(check_fn check, const char *value, ...)
{
    struct validate_errs e = VALIDATE_ERRS_INIT;
    size_t n = check(value, &e);
    assert_int_equal(n, e.n);
    va_list ap;
    va_start(ap, value);
    size_t i = 0;
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; i++) {
        assert_true(i < e.n);
        assert_string_equal(e.msg[i], want);
    }
    va_end(ap);
    assert_int_equal(i, e.n);
    validate_errs_free(&e);
}

static void test_dns1123_label_messages(void **state)
{
    assert_msgs(validate_dns1123_label, "my-name", NULL);
    assert_msgs(validate_dns1123_label, "123-abc", NULL);
    assert_msgs(validate_dns1123_label, "My-Name", DNS_LABEL_MSG, NULL);
    assert_msgs(validate_dns1123_label, "-a", DNS_LABEL_MSG, NULL);
    assert_msgs(validate_dns1123_label, "", DNS_LABEL_MSG, NULL);
    assert_msgs(validate_dns1123_label, "a.b", "must not contain dots", NULL);
    char long_name[70];
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    assert_msgs(validate_dns1123_label, long_name, "must be no more than 63 characters", NULL);
}

static void test_dns1123_subdomain_and_dns1035_messages(void **state)
{
    assert_msgs(validate_dns1123_subdomain, "example.com", NULL);
    assert_msgs(validate_dns1123_subdomain, "a..b", SUBDOMAIN_MSG, NULL);
    assert_msgs(validate_dns1123_subdomain, "Example.com", SUBDOMAIN_MSG, NULL);
    assert_msgs(validate_dns1035_label, "abc-123", NULL);
    assert_msgs(validate_dns1035_label, "1abc",
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                "start with an alphabetic character, and end with an alphanumeric character "
                "(e.g. 'my-name',  or 'abc-123', regex used for validation is "
                "'[a-z]([-a-z0-9]*[a-z0-9])?')",
                NULL);
}

static void test_qualified_name_checks_prefix_and_name(void **state)
{
    assert_msgs(validate_qualified_name, "app", NULL);
    assert_msgs(validate_qualified_name, "app.kubernetes.io/name", NULL);
    assert_msgs(validate_qualified_name, "My_Key.1", NULL);
    assert_msgs(validate_qualified_name, "-a", "name part " KEY_MSG, NULL);
    assert_msgs(validate_qualified_name, "/a", "prefix part must be non-empty", NULL);
    assert_msgs(validate_qualified_name, "Example.com/a", "prefix part " SUBDOMAIN_MSG, NULL);
    assert_msgs(validate_qualified_name, "a/", "name part must be non-empty", "name part " KEY_MSG,
                NULL);
    assert_msgs(validate_qualified_name, "a/b/c",
                "a valid label key " KEY_MSG " with an optional DNS subdomain prefix and '/' "
                "(e.g. 'example.com/MyName')",
                NULL);
}

static void test_label_value_allows_empty(void **state)
{
    assert_msgs(validate_label_value, "", NULL);
    assert_msgs(validate_label_value, "v1.2_x", NULL);
    assert_msgs(validate_label_value, "-b",
                "a valid label must be an empty string or consist of alphanumeric characters, "
                "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                NULL);
    char long_value[70];
    memset(long_value, 'v', 64);
    long_value[64] = '\0';
    assert_msgs(validate_label_value, long_value, "must be no more than 63 bytes", NULL);
}

static size_t path_segment(const char *v, struct validate_errs *e)
{
    return validate_path_segment_name(v, false, e);
}

static size_t generate_name(const char *v, struct validate_errs *e)
{
    return validate_name_dns_subdomain(v, true, e);
}

static void test_names_follow_registry_rules(void **state)
{
    assert_msgs(path_segment, "ok-name", NULL);
    assert_msgs(path_segment, "..", "may not be '..'", NULL);
    assert_msgs(path_segment, ".", "may not be '.'", NULL);
    assert_msgs(path_segment, "a/b%c", "may not contain '/'", "may not contain '%'", NULL);
    assert_msgs(generate_name, "web-", NULL);
    assert_msgs(generate_name, "Web-", SUBDOMAIN_MSG, NULL);
}

static size_t port_num(const char *v, struct validate_errs *e)
{
    return validate_port_num(atoll(v), e);
}

static void test_ports(void **state)
{
    assert_msgs(port_num, "1", NULL);
    assert_msgs(port_num, "65535", NULL);
    assert_msgs(port_num, "0", "must be between 1 and 65535, inclusive", NULL);
    assert_msgs(port_num, "65536", "must be between 1 and 65535, inclusive", NULL);
    assert_msgs(validate_port_name, "http", NULL);
    assert_msgs(validate_port_name, "metrics-1", NULL);
    assert_msgs(validate_port_name, "1234", "must contain at least one letter (a-z)", NULL);
    assert_msgs(validate_port_name, "a--b", "must not contain consecutive hyphens", NULL);
    assert_msgs(validate_port_name, "-http-", "must not begin or end with a hyphen", NULL);
    assert_msgs(validate_port_name, "Http",
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", NULL);
    assert_msgs(validate_port_name, "abcdefghijklmnop", "must be no more than 15 characters", NULL);
}

static void test_ip_is_strict_and_canonical(void **state)
{
    assert_msgs(validate_ip, "10.9.8.7", NULL);
    assert_msgs(validate_ip, "2001:db8::ffff", NULL);
    assert_msgs(validate_ip, "::1", NULL);
    assert_msgs(validate_ip, "x", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                NULL);
    assert_msgs(validate_ip, "1.2.3.256",
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)", NULL);
    assert_msgs(validate_ip, "010.1.1.1", "must not have leading 0s", NULL);
    assert_msgs(validate_ip, "::ffff:1.2.3.4", "must not be an IPv4-mapped IPv6 address", NULL);
    assert_msgs(validate_ip, "2001:DB8::1", "must be in canonical form (\"2001:db8::1\")", NULL);
    assert_msgs(validate_ip, "2001:db8:0:0:0:0:0:1", "must be in canonical form (\"2001:db8::1\")",
                NULL);
    assert_msgs(validate_ip, "2001:db8:0:1:1:1:1:1", NULL);
    assert_msgs(validate_ip, "1:0:0:2:0:0:0:3", "must be in canonical form (\"1:0:0:2::3\")", NULL);
}

static void test_annotations_check_keys_and_total_size(void **state)
{
    json_t *ann = json_pack("{s:s, s:s}", "Example.com/Key", "v", "a/b/c", "v");
    struct validate_errs e = VALIDATE_ERRS_INIT;
    assert_int_equal(validate_annotations(ann, "metadata.annotations", &e), 1);
    assert_string_equal(e.msg[0], "metadata.annotations: Invalid value: \"a/b/c\": a valid label "
                                  "key " KEY_MSG " with an optional DNS subdomain prefix and '/' "
                                  "(e.g. 'example.com/MyName')");
    validate_errs_free(&e);
    char *big = malloc(VALIDATE_ANNOTATIONS_SIZE_MAX);
    memset(big, 'x', VALIDATE_ANNOTATIONS_SIZE_MAX - 1);
    big[VALIDATE_ANNOTATIONS_SIZE_MAX - 1] = '\0';
    json_t *sized = json_pack("{s:s}", "k", big);
    assert_int_equal(validate_annotations(sized, "metadata.annotations", &e), 0);
    json_object_set_new(sized, "k2", json_string("x"));
    assert_int_equal(validate_annotations(sized, "metadata.annotations", &e), 1);
    assert_string_equal(e.msg[0],
                        "metadata.annotations: Too long: may not be more than 262144 bytes");
    validate_errs_free(&e);
    free(big);
    json_decref(sized);
    json_decref(ann);
}

static void test_quote_and_join_read_like_go(void **state)
{
    char *q = validate_quote("a\"b\\c\n\x01\xff\xc3\xa9");
    assert_string_equal(q, "\"a\\\"b\\\\c\\n\\x01\\xff\xc3\xa9\"");
    free(q);
    struct validate_errs e = VALIDATE_ERRS_INIT;
    validate_port_name("-", &e);
    char *joined = validate_errs_join(&e, "; ");
    assert_string_equal(joined, "must contain at least one letter (a-z); must not begin or end "
                                "with a hyphen");
    free(joined);
    validate_errs_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dns1123_label_messages),
        cmocka_unit_test(test_dns1123_subdomain_and_dns1035_messages),
        cmocka_unit_test(test_qualified_name_checks_prefix_and_name),
        cmocka_unit_test(test_label_value_allows_empty),
        cmocka_unit_test(test_names_follow_registry_rules),
        cmocka_unit_test(test_ports),
        cmocka_unit_test(test_ip_is_strict_and_canonical),
        cmocka_unit_test(test_annotations_check_keys_and_total_size),
        cmocka_unit_test(test_quote_and_join_read_like_go),
    };
    return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
