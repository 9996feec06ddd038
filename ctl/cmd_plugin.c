/* c8sctl plugin, options and kubectl's plugin mechanism: placeholders until they land. */
#include "ctl.h"

int cmd_plugin(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}

int cmd_options(struct ctl *c, int argc, char **argv)
{
    return cmd_not_implemented(c, argc, argv);
}

int ctl_plugin_run(struct ctl *c, int argc, char **argv)
{
    (void)c;
    (void)argc;
    (void)argv;
    return -1;
}
