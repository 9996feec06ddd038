/* rlimit_raise_nofile: the soft limit on open files ends at the hard limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "rlimit.h"

static void soft_limit_is_raised_to_the_hard_limit(void **state)
{
    (void)state;
    struct rlimit lim;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &lim), 0);
    if (lim.rlim_max > 256) {
        lim.rlim_cur = 256;
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
    }
    long raised = rlimit_raise_nofile();
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &lim), 0);
    assert_true(raised > 0);
    assert_int_equal((rlim_t)raised, lim.rlim_cur);
    assert_int_equal(lim.rlim_cur, lim.rlim_max);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(soft_limit_is_raised_to_the_hard_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
