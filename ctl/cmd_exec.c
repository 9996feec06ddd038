/* Placeholder until the command is written. */
#include "ctl.h"

int cmd_exec(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}

int cmd_attach(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}

int cmd_port_forward(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}
