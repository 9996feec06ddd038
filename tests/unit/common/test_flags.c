/* Flag parsing as Kubernetes components do it (pflag): forms, defaults, help and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "duration.h"
#include "flags.h"

struct fixture {
    struct flagset fs;
    const char *data_dir;
    int port;
    int64_t quota;
    bool debug;
    double qps;
    int64_t timeout;
    int verbosity;
};

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->data_dir = "default.etcd";
    f->port = 2379;
    f->quota = 1024;
    f->debug = false;
    f->qps = 5.5;
    f->timeout = 10 * DURATION_SECOND;
    flags_init(&f->fs, "c8s-test", "c8s-test [flags] [args]");
    flags_string(&f->fs, "data-dir", 0, &f->data_dir, "Path to the data directory.");
    flags_int(&f->fs, "port", 'p', &f->port, "Port to listen on.");
    flags_int64(&f->fs, "quota-backend-bytes", 0, &f->quota, "Backend quota.");
    flags_bool(&f->fs, "debug", 0, &f->debug, "Enable debug output.");
    flags_double(&f->fs, "kube-api-qps", 0, &f->qps, "QPS to use.");
    flags_duration(&f->fs, "timeout", 0, &f->timeout, "Request timeout.");
    flags_int(&f->fs, "v", 'v', &f->verbosity, "number for the log level verbosity");
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    flags_free(&f->fs);
    free(f);
    return 0;
}

#define ARGV(...)        ((char *[]){"c8s-test", __VA_ARGS__, NULL})
#define ARGC(...)        ((int)(sizeof((char *[]){"c8s-test", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(f, e, ...) flags_parse(&(f)->fs, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (e))

/* ---- Success ---- */

static void test_defaults_stay_when_flags_are_absent(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(PARSE(f, NULL, "pos"), 0);
    assert_string_equal(f->data_dir, "default.etcd");
    assert_int_equal(f->port, 2379);
    assert_false(flags_changed(&f->fs, "port"));
    assert_int_equal(f->fs.nargs, 1);
    assert_string_equal(f->fs.args[0], "pos");
}

static void test_every_spelling_sets_values(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(PARSE(f, NULL, "--data-dir=/var/lib/x", "--port", "80", "--debug",
                           "--quota-backend-bytes=8589934592", "--kube-api-qps=20.5", "--timeout",
                           "1m30s", "-v", "4"),
                     0);
    assert_string_equal(f->data_dir, "/var/lib/x");
    assert_int_equal(f->port, 80);
    assert_true(f->debug);
    assert_int_equal(f->quota, INT64_C(8589934592));
    assert_true(f->qps > 20.4 && f->qps < 20.6);
    assert_int_equal(f->timeout, 90 * DURATION_SECOND);
    assert_int_equal(f->verbosity, 4);
    assert_true(flags_changed(&f->fs, "port"));
}

static void test_shorthand_forms_and_bool_false(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(PARSE(f, NULL, "-v=6", "-p81", "--debug=false"), 0);
    assert_int_equal(f->verbosity, 6);
    assert_int_equal(f->port, 81);
    assert_false(f->debug);
    assert_true(flags_changed(&f->fs, "debug"));
}

static void test_positionals_mix_with_flags_and_double_dash_ends_flags(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(PARSE(f, NULL, "snapshot", "--port=1", "save", "--", "--port=2", "-"), 0);
    assert_int_equal(f->port, 1);
    assert_int_equal(f->fs.nargs, 4);
    assert_string_equal(f->fs.args[0], "snapshot");
    assert_string_equal(f->fs.args[1], "save");
    assert_string_equal(f->fs.args[2], "--port=2");
    assert_string_equal(f->fs.args[3], "-");
}

static void test_help_is_reported(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(PARSE(f, NULL, "--port=3", "--help"), 1);
    assert_int_equal(PARSE(f, NULL, "-h"), 1);
}

static void test_usage_lists_every_flag_with_its_default(void **state)
{
    struct fixture *f = *state;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    flags_print_usage(&f->fs, out);
    fclose(out);
    assert_non_null(strstr(text, "Usage:\n  c8s-test [flags] [args]"));
    assert_non_null(strstr(text, "--data-dir string"));
    assert_non_null(strstr(text, "(default \"default.etcd\")"));
    assert_non_null(strstr(text, "-p, --port int"));
    assert_non_null(strstr(text, "(default 2379)"));
    assert_non_null(strstr(text, "--timeout duration"));
    assert_non_null(strstr(text, "(default 10s)"));
    assert_non_null(strstr(text, "(default 5.5)"));
    assert_non_null(strstr(text, "-h, --help"));
    /* A false boolean shows no default, as pflag. */
    const char *debug = strstr(text, "--debug");
    assert_non_null(debug);
    assert_null(strstr(debug, "(default false)"));
    free(text);
}

/* ---- Failure ---- */

static void assert_fails(struct fixture *f, int argc, char **argv, const char *message)
{
    struct err err = {0};
    assert_true(flags_parse(&f->fs, argc, argv, &err) < 0);
    assert_string_equal(err.msg, message);
}

static void test_bad_input_gives_pflag_messages(void **state)
{
    struct fixture *f = *state;
    assert_fails(f, ARGC("--nope=1"), ARGV("--nope=1"), "unknown flag: --nope");
    assert_fails(f, ARGC("-x"), ARGV("-x"), "unknown shorthand flag: 'x' in -x");
    assert_fails(f, ARGC("--port"), ARGV("--port"), "flag needs an argument: --port");
    assert_fails(f, ARGC("--port=abc"), ARGV("--port=abc"),
                 "invalid argument \"abc\" for \"-p, --port\" flag: strconv.ParseInt: parsing "
                 "\"abc\": invalid syntax");
    assert_fails(f, ARGC("--port=99999999999"), ARGV("--port=99999999999"),
                 "invalid argument \"99999999999\" for \"-p, --port\" flag: strconv.ParseInt: "
                 "parsing \"99999999999\": value out of range");
    assert_fails(f, ARGC("--debug=maybe"), ARGV("--debug=maybe"),
                 "invalid argument \"maybe\" for \"--debug\" flag: strconv.ParseBool: parsing "
                 "\"maybe\": invalid syntax");
    assert_fails(f, ARGC("--timeout=10"), ARGV("--timeout=10"),
                 "invalid argument \"10\" for \"--timeout\" flag: time: missing unit in duration "
                 "\"10\"");
    assert_int_equal(f->port, 2379);
}

static void test_parse_or_exit_exits_2_with_one_line(void **state)
{
    struct fixture *f = *state;
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 2);
        flags_parse_or_exit(&f->fs, ARGC("--bogus"), ARGV("--bogus"));
        _exit(0);
    }
    close(pipefd[1]);
    char buf[512] = {0};
    ssize_t n = read(pipefd[0], buf, sizeof buf - 1);
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    assert_true(n > 0);
    assert_string_equal(buf, "c8s-test: unknown flag: --bogus (see 'c8s-test --help')\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults_stay_when_flags_are_absent, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_every_spelling_sets_values, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_shorthand_forms_and_bool_false, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_positionals_mix_with_flags_and_double_dash_ends_flags,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_help_is_reported, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_usage_lists_every_flag_with_its_default, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_bad_input_gives_pflag_messages, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_parse_or_exit_exits_2_with_one_line, set_up,
                                        tear_down),
    };
    return cmocka_run_group_tests_name("flags", tests, NULL, NULL);
}
