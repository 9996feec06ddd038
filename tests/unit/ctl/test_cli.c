/* c8sctl's flag parsing with pflag's semantics and messages, and cobra's suggestions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

struct fixture {
    const char *ns, *output, *dry_run;
    bool all;
    int replicas;
    struct cli_strv files, literals, args;
    struct cli_flag global[2], local[6];
};

static int set_up(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    f.output = "";
    f.global[0] = (struct cli_flag){"namespace", 'n', CLI_STRING, &f.ns, false};
    f.local[0] = (struct cli_flag){"output", 'o', CLI_STRING, &f.output, false};
    f.local[1] = (struct cli_flag){"all-namespaces", 'A', CLI_BOOL, &f.all, false};
    f.local[2] = (struct cli_flag){"replicas", 0, CLI_INT, &f.replicas, false};
    f.local[3] = (struct cli_flag){"filename", 'f', CLI_STRING_SLICE, &f.files, false};
    f.dry_run = "none";
    f.local[4] = (struct cli_flag){"dry-run", 0, CLI_STRING, &f.dry_run, false};
    *state = &f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    cli_strv_free(&f->files);
    cli_strv_free(&f->args);
    return 0;
}

static int parse(struct fixture *f, struct err *e, int argc, char **argv)
{
    return cli_parse(f->global, f->local, argc, argv, &f->args, e);
}

/* ---- Success ---- */

static void test_flags_and_arguments_mix_in_any_order(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    char *argv[] = {"po", "-n", "kube-system", "--output=wide", "x", "-A", "--replicas", "3"};
    assert_int_equal(parse(f, &e, 8, argv), 0);
    assert_string_equal(f->ns, "kube-system");
    assert_string_equal(f->output, "wide");
    assert_true(f->all);
    assert_int_equal(f->replicas, 3);
    assert_int_equal(f->args.n, 2);
    assert_string_equal(f->args.v[0], "po");
    assert_string_equal(f->args.v[1], "x");
    assert_true(cli_changed(f->local, "output"));
    assert_true(cli_changed(f->local, "replicas"));
}

static void test_shorthands_take_attached_or_equals_values(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    char *argv[] = {"-nfoo", "-oyaml", "-A=false"};
    assert_int_equal(parse(f, &e, 3, argv), 0);
    assert_string_equal(f->ns, "foo");
    assert_string_equal(f->output, "yaml");
    assert_false(f->all);
}

static void test_slices_split_on_commas_and_repeat(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    char *argv[] = {"-f", "a.yaml,b.yaml", "--filename=c.yaml", "--", "-n", "x"};
    assert_int_equal(parse(f, &e, 6, argv), 0);
    assert_int_equal(f->files.n, 3);
    assert_string_equal(f->files.v[2], "c.yaml");
    assert_int_equal(f->args.n, 2); /* after "--" everything is an argument */
    assert_string_equal(f->args.v[0], "-n");
    assert_null(f->ns);
}

static void test_help_is_reported(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    char *argv[] = {"po", "-h"};
    assert_int_equal(parse(f, &e, 2, argv), 1);
}

static void test_global_flags_are_found_before_the_command(void **state)
{
    struct fixture *f = *state;
    bool next = false;
    assert_non_null(cli_find_global(f->global, "-n", &next));
    assert_true(next);
    assert_non_null(cli_find_global(f->global, "--namespace=x", &next));
    assert_false(next);
    assert_null(cli_find_global(f->global, "--output", &next));
}

static void test_suggestions_follow_cobra(void **state)
{
    (void)state;
    const char *cands[] = {"create", "set", "get", "delete", "top", "apply"};
    const char *out[6];
    size_t n = cli_suggest("gett", cands, 6, out, 6);
    assert_int_equal(n, 2);
    assert_string_equal(out[0], "set");
    assert_string_equal(out[1], "get");
    assert_int_equal(cli_suggest("foo", cands, 6, out, 6), 1);
    assert_string_equal(out[0], "top");
    assert_int_equal(cli_suggest("de", cands, 6, out, 6), 3); /* prefix "de" and distance */
}

static void test_a_bare_dry_run_takes_kubectls_value_and_leaves_the_next_word(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    char *bare[] = {"--dry-run", "server"};
    assert_int_equal(parse(f, &e, 2, bare), 0);
    assert_string_equal(f->dry_run, "unchanged");
    assert_int_equal(f->args.n, 1);
    assert_string_equal(f->args.v[0], "server");
    char *given[] = {"--dry-run=server"};
    assert_int_equal(parse(f, &e, 1, given), 0);
    assert_string_equal(f->dry_run, "server");
    bool next = true;
    assert_non_null(cli_find_global(f->local, "--dry-run", &next));
    assert_false(next);
}

static void test_booleans_are_gos(void **state)
{
    (void)state;
    bool value = false;
    assert_true(cli_parse_bool("T", &value) && value);
    assert_true(cli_parse_bool("1", &value) && value);
    assert_true(cli_parse_bool("FALSE", &value) && !value);
    assert_false(cli_parse_bool("yes", &value));
    assert_false(cli_parse_bool("tRUE", &value));
}

/* ---- Failure ---- */

static void test_unknown_flags_fail_with_pflags_words(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    char *a1[] = {"--bogus=1"};
    assert_int_equal(parse(f, &e, 1, a1), -EINVAL);
    assert_string_equal(e.msg, "unknown flag: --bogus");
    char *a2[] = {"-x"};
    assert_int_equal(parse(f, &e, 1, a2), -EINVAL);
    assert_string_equal(e.msg, "unknown shorthand flag: 'x' in -x");
}

static void test_missing_and_bad_values_fail_with_pflags_words(void **state)
{
    struct fixture *f = *state;
    struct err e = {0};
    char *a1[] = {"po", "-n"};
    assert_int_equal(parse(f, &e, 2, a1), -EINVAL);
    assert_string_equal(e.msg, "flag needs an argument: 'n' in -n");
    char *a2[] = {"--replicas=x"};
    assert_int_equal(parse(f, &e, 1, a2), -EINVAL);
    assert_string_equal(e.msg, "invalid argument \"x\" for \"--replicas\" flag: strconv.ParseInt: "
                               "parsing \"x\": invalid syntax");
    char *a3[] = {"-A=x"};
    assert_int_equal(parse(f, &e, 1, a3), -EINVAL);
    assert_string_equal(e.msg, "invalid argument \"x\" for \"-A, --all-namespaces\" flag: "
                               "strconv.ParseBool: parsing \"x\": invalid syntax");
    char *a4[] = {"--output"};
    assert_int_equal(parse(f, &e, 1, a4), -EINVAL);
    assert_string_equal(e.msg, "flag needs an argument: --output");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_flags_and_arguments_mix_in_any_order, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_shorthands_take_attached_or_equals_values, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_slices_split_on_commas_and_repeat, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_help_is_reported, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_global_flags_are_found_before_the_command, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_suggestions_follow_cobra, set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_a_bare_dry_run_takes_kubectls_value_and_leaves_the_next_word, set_up, tear_down),
        cmocka_unit_test(test_booleans_are_gos),
        cmocka_unit_test_setup_teardown(test_unknown_flags_fail_with_pflags_words, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_missing_and_bad_values_fail_with_pflags_words, set_up,
                                        tear_down),
    };
    return cmocka_run_group_tests_name("ctl_cli", tests, NULL, NULL);
}
