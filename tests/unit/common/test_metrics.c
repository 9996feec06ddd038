/* Metrics render byte for byte as client_golang's text format 0.0.4: sorting, escaping,
 * histogram buckets and Go's float text; updates from many threads are not lost. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

struct fixture {
    struct metrics_registry *reg;
};

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->reg = metrics_registry_new();
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    metrics_registry_free(f->reg);
    free(f);
    return 0;
}

static void assert_renders(struct metrics_registry *reg, const char *want)
{
    char *got = metrics_render(reg);
    assert_string_equal(got, want);
    free(got);
}

/* ---- Success ------------------------------------------------------------------------------ */

static void test_counter_series_sort_by_label_values_in_label_name_order(void **state)
{
    struct fixture *f = *state;
    struct metrics_counter *c = metrics_counter_new(
        f->reg, "http_requests_total", "Requests by code and method.", "method", "code", NULL);
    metrics_counter_inc(c, "GET", "404");
    metrics_counter_inc(c, "POST", "200");
    metrics_counter_inc(c, "GET", "200");
    metrics_counter_add(c, 1, "GET", "200");
    assert_renders(f->reg, "# HELP http_requests_total Requests by code and method.\n"
                           "# TYPE http_requests_total counter\n"
                           "http_requests_total{code=\"200\",method=\"GET\"} 2\n"
                           "http_requests_total{code=\"200\",method=\"POST\"} 1\n"
                           "http_requests_total{code=\"404\",method=\"GET\"} 1\n");
    assert_true(metrics_counter_get(c, "GET", "200") == 2);
}

static void test_families_sort_by_name_and_unlabelled_ones_start_at_zero(void **state)
{
    struct fixture *f = *state;
    metrics_gauge_new(f->reg, "zeta", "Last.", NULL);
    struct metrics_gauge *g = metrics_gauge_new(f->reg, "alpha_inflight", "First.", NULL);
    metrics_gauge_new(f->reg, "middle_by_kind", "Has labels but no series.", "kind", NULL);
    metrics_gauge_add(g, 3);
    metrics_gauge_add(g, -1.5);
    assert_renders(f->reg, "# HELP alpha_inflight First.\n"
                           "# TYPE alpha_inflight gauge\n"
                           "alpha_inflight 1.5\n"
                           "# HELP zeta Last.\n"
                           "# TYPE zeta gauge\n"
                           "zeta 0\n");
    metrics_gauge_set(g, -1);
    assert_true(metrics_gauge_get(g) == -1);
}

static void test_label_values_and_help_are_escaped_as_the_format_requires(void **state)
{
    struct fixture *f = *state;
    struct metrics_counter *c =
        metrics_counter_new(f->reg, "odd_total", "A \\ backslash\nand \"quotes\".", "path", NULL);
    metrics_counter_inc(c, "C:\\dir \"x\"\nnext");
    assert_renders(f->reg, "# HELP odd_total A \\\\ backslash\\nand \"quotes\".\n"
                           "# TYPE odd_total counter\n"
                           "odd_total{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n");
}

static void test_histogram_renders_cumulative_buckets_inf_sum_and_count(void **state)
{
    struct fixture *f = *state;
    const double buckets[] = {0.1, 1, 10, INFINITY};
    struct metrics_histogram *h = metrics_histogram_new(
        f->reg, "request_duration_seconds", "Latency.", buckets, 4, "verb", "code", NULL);
    metrics_histogram_observe(h, 0.0625, "GET", "200");
    metrics_histogram_observe(h, 0.09375, "GET", "200");
    metrics_histogram_observe(h, 5, "GET", "200");
    metrics_histogram_observe(h, 1000, "GET", "200");
    metrics_histogram_observe(h, 1, "LIST", "200");
    assert_renders(f->reg,
                   "# HELP request_duration_seconds Latency.\n"
                   "# TYPE request_duration_seconds histogram\n"
                   "request_duration_seconds_bucket{code=\"200\",verb=\"GET\",le=\"0.1\"} 2\n"
                   "request_duration_seconds_bucket{code=\"200\",verb=\"GET\",le=\"1\"} 2\n"
                   "request_duration_seconds_bucket{code=\"200\",verb=\"GET\",le=\"10\"} 3\n"
                   "request_duration_seconds_bucket{code=\"200\",verb=\"GET\",le=\"+Inf\"} 4\n"
                   "request_duration_seconds_sum{code=\"200\",verb=\"GET\"} 1005.15625\n"
                   "request_duration_seconds_count{code=\"200\",verb=\"GET\"} 4\n"
                   "request_duration_seconds_bucket{code=\"200\",verb=\"LIST\",le=\"0.1\"} 0\n"
                   "request_duration_seconds_bucket{code=\"200\",verb=\"LIST\",le=\"1\"} 1\n"
                   "request_duration_seconds_bucket{code=\"200\",verb=\"LIST\",le=\"10\"} 1\n"
                   "request_duration_seconds_bucket{code=\"200\",verb=\"LIST\",le=\"+Inf\"} 1\n"
                   "request_duration_seconds_sum{code=\"200\",verb=\"LIST\"} 1\n"
                   "request_duration_seconds_count{code=\"200\",verb=\"LIST\"} 1\n");
}

static void test_unlabelled_histogram_with_default_buckets(void **state)
{
    struct fixture *f = *state;
    struct metrics_histogram *h = metrics_histogram_new(f->reg, "h", "", NULL, 0, NULL);
    metrics_histogram_observe(h, 0.003);
    assert_renders(f->reg, "# HELP h \n"
                           "# TYPE h histogram\n"
                           "h_bucket{le=\"0.005\"} 1\n"
                           "h_bucket{le=\"0.01\"} 1\n"
                           "h_bucket{le=\"0.025\"} 1\n"
                           "h_bucket{le=\"0.05\"} 1\n"
                           "h_bucket{le=\"0.1\"} 1\n"
                           "h_bucket{le=\"0.25\"} 1\n"
                           "h_bucket{le=\"0.5\"} 1\n"
                           "h_bucket{le=\"1\"} 1\n"
                           "h_bucket{le=\"2.5\"} 1\n"
                           "h_bucket{le=\"5\"} 1\n"
                           "h_bucket{le=\"10\"} 1\n"
                           "h_bucket{le=\"+Inf\"} 1\n"
                           "h_sum 0.003\n"
                           "h_count 1\n");
}

static void assert_float(double v, const char *want)
{
    char buf[32];
    assert_string_equal(metrics_format_float(v, buf, sizeof buf), want);
}

static void test_floats_format_as_go_strconv_g_shortest(void **state)
{
    assert_float(0, "0");
    assert_float(-0.0, "0");
    assert_float(1, "1");
    assert_float(-1, "-1");
    assert_float(0.25, "0.25");
    assert_float(0.1, "0.1");
    assert_float(1.0 / 3, "0.3333333333333333");
    assert_float(100, "100");
    assert_float(123456, "123456");
    assert_float(999999, "999999");
    assert_float(1e6, "1e+06");
    assert_float(1234567, "1.234567e+06");
    assert_float(1e21, "1e+21");
    assert_float(0.0001, "0.0001");
    assert_float(0.00001, "1e-05");
    assert_float(2.5e-7, "2.5e-07");
    assert_float(-3.75, "-3.75");
    assert_float(1.7976931348623157e308, "1.7976931348623157e+308");
    assert_float(5e-324, "5e-324");
    assert_float(INFINITY, "+Inf");
    assert_float(-INFINITY, "-Inf");
    assert_float(NAN, "NaN");
}

static void test_large_counts_render_as_go_floats(void **state)
{
    struct fixture *f = *state;
    struct metrics_counter *c = metrics_counter_new(f->reg, "bytes_total", "Bytes.", NULL);
    metrics_counter_add(c, 2000000);
    assert_renders(f->reg, "# HELP bytes_total Bytes.\n"
                           "# TYPE bytes_total counter\n"
                           "bytes_total 2e+06\n");
}

#define THREADS    8
#define INCREMENTS 20000

static void *hammer(void *arg)
{
    struct metrics_counter *c = arg;
    for (int i = 0; i < INCREMENTS; i++) {
        metrics_counter_inc(c, i % 2 ? "odd" : "even");
    }
    return NULL;
}

static void test_concurrent_increments_are_not_lost(void **state)
{
    struct fixture *f = *state;
    struct metrics_counter *c = metrics_counter_new(f->reg, "ops_total", "Ops.", "parity", NULL);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_create(&threads[i], NULL, hammer, c), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
    }
    assert_true(metrics_counter_get(c, "even") == THREADS * INCREMENTS / 2);
    assert_true(metrics_counter_get(c, "odd") == THREADS * INCREMENTS / 2);
}

static void test_exponential_buckets_multiply_from_start(void **state)
{
    double b[4];
    assert_int_equal(metrics_buckets_exponential(0.5, 2, 4, b, NULL), 0);
    assert_true(b[0] == 0.5 && b[1] == 1 && b[2] == 2 && b[3] == 4);
}

/* ---- Failure ------------------------------------------------------------------------------ */

static void test_counter_ignores_negative_adds(void **state)
{
    struct fixture *f = *state;
    struct metrics_counter *c = metrics_counter_new(f->reg, "up_total", "Up.", NULL);
    metrics_counter_add(c, 2);
    metrics_counter_add(c, -1);
    assert_true(metrics_counter_get(c) == 2);
}

static void test_reading_an_untouched_series_does_not_create_it(void **state)
{
    struct fixture *f = *state;
    struct metrics_counter *c = metrics_counter_new(f->reg, "x_total", "X.", "k", NULL);
    assert_true(metrics_counter_get(c, "v") == 0);
    assert_renders(f->reg, "");
}

static void test_exponential_buckets_reject_bad_parameters(void **state)
{
    double b[2];
    struct err err = {0};
    assert_int_equal(metrics_buckets_exponential(1, 1, 2, b, &err), -EINVAL);
    assert_string_equal(err.msg, "exponential buckets need count > 0, start > 0 and factor > 1");
    assert_int_equal(metrics_buckets_exponential(0, 2, 2, b, NULL), -EINVAL);
}

static void test_names_are_validated_as_prometheus_does(void **state)
{
    assert_true(metrics_metric_name_is_valid("apiserver_request_total"));
    assert_true(metrics_metric_name_is_valid("job:rate5m"));
    assert_true(metrics_metric_name_is_valid("_x9"));
    assert_false(metrics_metric_name_is_valid("9x"));
    assert_false(metrics_metric_name_is_valid("a-b"));
    assert_false(metrics_metric_name_is_valid(""));
    assert_true(metrics_label_name_is_valid("code"));
    assert_false(metrics_label_name_is_valid("a:b"));
    assert_false(metrics_label_name_is_valid("1a"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)
        T(test_counter_series_sort_by_label_values_in_label_name_order),
        T(test_families_sort_by_name_and_unlabelled_ones_start_at_zero),
        T(test_label_values_and_help_are_escaped_as_the_format_requires),
        T(test_histogram_renders_cumulative_buckets_inf_sum_and_count),
        T(test_unlabelled_histogram_with_default_buckets),
        T(test_floats_format_as_go_strconv_g_shortest),
        T(test_large_counts_render_as_go_floats),
        T(test_concurrent_increments_are_not_lost),
        T(test_exponential_buckets_multiply_from_start),
        T(test_counter_ignores_negative_adds),
        T(test_reading_an_untouched_series_does_not_create_it),
        T(test_exponential_buckets_reject_bad_parameters),
        T(test_names_are_validated_as_prometheus_does),
#undef T
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
