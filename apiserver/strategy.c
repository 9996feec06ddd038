/* The strategy lookup over the per-group tables. */
#include "strategy.h"

#include <string.h>

static const struct strategy *find_in(const struct strategy *table, const struct resource *res)
{
    for (const struct strategy *s = table; s->group != NULL; s++) {
        if (strcmp(s->group, res->group) == 0 && strcmp(s->plural, res->plural) == 0) {
            return s;
        }
    }
    return NULL;
}

const struct strategy *strategy_find(const struct resource *res)
{
    const struct strategy *s = find_in(strategy_core_table, res);
    if (s == NULL) {
        s = find_in(strategy_apps_table, res);
    }
    if (s == NULL) {
        s = find_in(strategy_sched_storage_table, res);
    }
    if (s == NULL) {
        s = find_in(strategy_net_node_table, res);
    }
    return s != NULL ? s : find_in(strategy_rc_node_table, res);
}
