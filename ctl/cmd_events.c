/* Placeholder until the command is written. */
#include "ctl.h"

int cmd_events(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}
