/* c8sctl proxy: placeholder until the proxy command lands. */
#include "ctl.h"

int cmd_proxy(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}
