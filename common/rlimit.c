/* RLIMIT_NOFILE raised at start, as the Go runtime does for every Kubernetes component. */
#include "rlimit.h"

#include <sys/resource.h>

long rlimit_raise_nofile(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return -1;
    }
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
            return -1;
        }
    }
    return (long)lim.rlim_cur;
}
