/* c8sctl: the kubectl-compatible command line of c8s. Everything lives in c8s_ctl_core (ctl.h);
 * main only hands over the arguments. */
#include "ctl.h"

int main(int argc, char **argv)
{
    return ctl_main(argc, argv);
}
