/* What the strategy unit tests share: a served kind's strategy, an object defaulted as a write
 * would be, and its validation's error lines compared word for word with Kubernetes'. Include
 * after cmocka.h. */
#ifndef C8S_TEST_STRATEGY_CHECKS_H
#define C8S_TEST_STRATEGY_CHECKS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "resources.h"
#include "status.h"
#include "strategy.h"

static inline const struct strategy *find(const char *group, const char *plural)
{
    const struct resource *res = resources_find(group, "v1", plural);
    assert_non_null(res);
    const struct strategy *s = strategy_find(res);
    assert_non_null(s);
    return s;
}

/* text parsed and defaulted as a write would be (a new reference). */
static inline json_t *defaulted(const struct strategy *s, const char *text)
{
    json_error_t error;
    json_t *obj = json_loads(text, 0, &error);
    if (obj == NULL) {
        fail_msg("bad test JSON: %s: %s", error.text, text);
    }
    if (s->apply_defaults != NULL) {
        s->apply_defaults(obj);
    }
    return obj;
}

/* The error lines of validating text on subresource sub (an update of old_text when not NULL),
 * one per line; "" when valid. A new string. */
static inline char *lines_of(const char *group, const char *plural, const char *sub,
                             const char *text, const char *old_text)
{
    const struct strategy *s = find(group, plural);
    json_t *obj = defaulted(s, text);
    json_t *old = old_text != NULL ? defaulted(s, old_text) : NULL;
    struct field_errors fe;
    field_errors_init(&fe);
    s->validate(sub, obj, old, &fe);
    char *joined = strdup("");
    size_t i;
    json_t *line;
    json_array_foreach (fe.lines, i, line) {
        size_t len = strlen(joined) + json_string_length(line) + 2;
        char *next = malloc(len);
        snprintf(next, len, "%s%s%s", joined, i > 0 ? "\n" : "", json_string_value(line));
        free(joined);
        joined = next;
    }
    field_errors_free(&fe);
    json_decref(obj);
    json_decref(old);
    return joined;
}

static inline void expect_sub(const char *group, const char *plural, const char *sub,
                              const char *text, const char *old_text, const char *want)
{
    char *got = lines_of(group, plural, sub, text, old_text);
    if (strcmp(got, want) != 0) {
        fail_msg("%s %s\n got: %s\nwant: %s", plural, text, got, want);
    }
    free(got);
}

static inline void expect(const char *group, const char *plural, const char *text,
                          const char *old_text, const char *want)
{
    expect_sub(group, plural, "", text, old_text, want);
}

#endif
