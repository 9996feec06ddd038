/* The Events' lease manager against a fake clock and a fake grant: the reuse window (5% of the
 * TTL, at most 60 s), strict bounds on both sides, the cap of writes per lease, failed grants. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "duration.h"
#include "lease_manager.h"

struct fake_grants {
    int calls;
    int64_t last_ttl;
    int64_t next_id;
    bool fail;
};

static int fake_grant(void *data, int64_t ttl, int64_t *id, struct err *err)
{
    struct fake_grants *g = data;
    g->calls++;
    g->last_ttl = ttl;
    if (g->fail) {
        return err_set(err, ECONNREFUSED, "lease grant: connection refused");
    }
    *id = ++g->next_id;
    return 0;
}

struct fixture {
    struct clock *clock;
    struct fake_grants grants;
    struct lease_manager *m;
};

static struct fixture *fixture_new(int64_t max_attached)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->clock = clk_fake_new(1000 * DURATION_SECOND);
    f->grants.next_id = 100;
    struct lease_manager_config cfg = {.grant = fake_grant,
                                       .grant_data = &f->grants,
                                       .clock = f->clock,
                                       .max_attached = max_attached};
    f->m = lease_manager_new(&cfg);
    return f;
}

static void fixture_free(struct fixture *f)
{
    lease_manager_free(f->m);
    clk_fake_free(f->clock);
    free(f);
}

/* A write 1 ms after the previous one: at the very same instant the previous lease's expiry
 * equals the new deadline plus the window, which (as in Kubernetes) is not close enough. */
static int64_t get_lease(struct fixture *f, int64_t ttl)
{
    clk_fake_advance(f->clock, DURATION_MS);
    int64_t id = 0;
    struct err e = {0};
    assert_int_equal(lease_manager_get(f->m, ttl, &id, &e), 0);
    return id;
}

static void test_reuse_window_is_five_percent_capped_at_a_minute(void **state)
{
    (void)state;
    assert_int_equal(lease_reuse_seconds(3600, LEASE_REUSE_SECONDS_MAX), 60);
    assert_int_equal(lease_reuse_seconds(600, LEASE_REUSE_SECONDS_MAX), 30);
    assert_int_equal(lease_reuse_seconds(39, LEASE_REUSE_SECONDS_MAX), 1);
    assert_int_equal(lease_reuse_seconds(3, LEASE_REUSE_SECONDS_MAX), 0);
    assert_int_equal(lease_reuse_seconds(1000000, LEASE_REUSE_SECONDS_MAX), 60);
}

static void test_writes_within_the_window_share_one_lease(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0);
    int64_t first = get_lease(f, 3600);
    assert_int_equal(f->grants.calls, 1);
    assert_int_equal(f->grants.last_ttl, 3660); /* ttl + the window */
    clk_fake_advance(f->clock, 59 * DURATION_SECOND + 998 * DURATION_MS);
    assert_int_equal(get_lease(f, 3600), first); /* 59.999 s after the grant */
    assert_int_equal(f->grants.calls, 1);
    /* 60 s after the grant the lease would expire exactly at the new deadline: not after it. */
    int64_t second = get_lease(f, 3600);
    assert_int_not_equal(second, first);
    assert_int_equal(f->grants.calls, 2);
    assert_int_equal(get_lease(f, 3600), second);
    fixture_free(f);
}

static void test_a_lease_that_outlives_the_deadline_by_the_window_is_not_reused(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0);
    int64_t longer = get_lease(f, 3600); /* expires at +3660 */
    /* A 600 s write's deadline (+600) is more than its 30 s window before +3660. */
    int64_t shorter = get_lease(f, 600);
    assert_int_not_equal(shorter, longer);
    assert_int_equal(f->grants.last_ttl, 630);
    fixture_free(f);
}

static void test_a_short_ttl_has_no_window_and_grants_every_write(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0);
    int64_t a = get_lease(f, 3);
    int64_t b = get_lease(f, 3); /* 1 ms later: any lease that outlives it outlives it too far */
    assert_int_not_equal(a, b);
    assert_int_equal(f->grants.calls, 2);
    assert_int_equal(f->grants.last_ttl, 3);
    fixture_free(f);
}

static void test_a_lease_serves_at_most_max_attached_writes(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(3);
    int64_t first = get_lease(f, 3600);
    assert_int_equal(get_lease(f, 3600), first);
    assert_int_equal(get_lease(f, 3600), first);
    int64_t fourth = get_lease(f, 3600);
    assert_int_not_equal(fourth, first);
    /* The count starts again at the new lease. */
    assert_int_equal(get_lease(f, 3600), fourth);
    assert_int_equal(get_lease(f, 3600), fourth);
    assert_int_not_equal(get_lease(f, 3600), fourth);
    assert_int_equal(f->grants.calls, 3);
    fixture_free(f);
}

static void test_a_failed_grant_is_the_callers_error_and_caches_nothing(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(0);
    f->grants.fail = true;
    int64_t id = 7;
    struct err e = {0};
    assert_int_equal(lease_manager_get(f->m, 3600, &id, &e), -ECONNREFUSED);
    assert_int_equal(f->grants.last_ttl, 3660);
    assert_string_equal(e.msg, "lease grant: connection refused");
    assert_int_equal(id, 7);
    f->grants.fail = false;
    int64_t granted = get_lease(f, 3600);
    assert_int_equal(f->grants.calls, 2);
    assert_int_equal(get_lease(f, 3600), granted);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reuse_window_is_five_percent_capped_at_a_minute),
        cmocka_unit_test(test_writes_within_the_window_share_one_lease),
        cmocka_unit_test(test_a_lease_that_outlives_the_deadline_by_the_window_is_not_reused),
        cmocka_unit_test(test_a_short_ttl_has_no_window_and_grants_every_write),
        cmocka_unit_test(test_a_lease_serves_at_most_max_attached_writes),
        cmocka_unit_test(test_a_failed_grant_is_the_callers_error_and_caches_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
