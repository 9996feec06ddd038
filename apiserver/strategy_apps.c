/* Strategies of the apps, batch, policy, networking, autoscaling, coordination, discovery and
 * rbac types. */
#include "strategy.h"

const struct strategy strategy_apps_table[] = {
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
