/* c8sctl diff: placeholder until the diff command lands. */
#include "ctl.h"

int cmd_diff(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}
