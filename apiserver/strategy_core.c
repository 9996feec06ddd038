/* Strategies of the core/v1 types. */
#include "strategy.h"

const struct strategy strategy_core_table[] = {
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
