/* Placeholder until the command is written. */
#include "ctl.h"

int cmd_cordon(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}

int cmd_uncordon(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}

int cmd_drain(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}

int cmd_taint(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}
