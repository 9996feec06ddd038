#include "ctl.h"
#define STUB(n)                                 \
    int n(struct ctl *c, int argc, char **argv) \
    {                                           \
        (void)argc;                             \
        (void)argv;                             \
        return ctl_error(c, "not yet");         \
    }
STUB(cmd_apply)
STUB(cmd_create) STUB(cmd_delete) STUB(cmd_label) STUB(cmd_annotate) STUB(cmd_patch) STUB(cmd_scale)
    STUB(cmd_version) STUB(cmd_api_resources) STUB(cmd_api_versions) STUB(cmd_cluster_info)
        STUB(cmd_auth)
