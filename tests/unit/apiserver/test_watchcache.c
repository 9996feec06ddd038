/* The watch cache's logic without a store (apiserver/watchcache.c): the current state then
 * changes, replay from a revision inside the window, Kubernetes' "too old resource version"
 * below it, revisions from before the cache began left to the store, selector transitions, the
 * window's growth and shrinking, slow watchers cut off while others keep receiving, bookmarks
 * (periodic and before the deadline) on a fake clock, relists ending watchers, cached lists,
 * consistent lists (fresh by revision or by content, waiting for the watch, pages). */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "duration.h"
#include "resources.h"
#include "selector.h"
#include "watchcache.h"

#define PREFIX "/registry/configmaps/"

struct fixture {
    struct clock *clock;
    struct watchcache *cache;
    const struct resource *res;
    int wakeups[4];
};

static struct fixture *make_fixture(size_t capacity_min, size_t capacity_max, size_t queue_max)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->clock = clk_fake_new(1000 * DURATION_SECOND);
    f->res = resources_find("", "v1", "configmaps");
    struct watchcache_config cfg = {.res = f->res,
                                    .clock = f->clock,
                                    .capacity_min = capacity_min,
                                    .capacity_max = capacity_max,
                                    .queue_max = queue_max,
                                    .bookmark_ns = DURATION_SECOND};
    f->cache = watchcache_new(&cfg);
    return f;
}

static int set_up(void **state)
{
    *state = make_fixture(0, 0, 0);
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    watchcache_free(f->cache);
    clk_fake_free(f->clock);
    free(f);
    return 0;
}

/* Replaces the default fixture with one of other bounds. */
static struct fixture *refixture(void **state, size_t capacity_min, size_t capacity_max,
                                 size_t queue_max)
{
    tear_down(state);
    *state = make_fixture(capacity_min, capacity_max, queue_max);
    return *state;
}

static void on_ready(void *data)
{
    (*(int *)data)++;
}

static json_t *configmap(const char *ns, const char *name, const char *app, int64_t rv)
{
    char rv_text[32];
    snprintf(rv_text, sizeof rv_text, "%lld", (long long)rv);
    json_t *obj = json_pack("{s:s,s:s,s:{s:s,s:s,s:s}}", "kind", "ConfigMap", "apiVersion", "v1",
                            "metadata", "name", name, "namespace", ns, "resourceVersion", rv_text);
    if (app != NULL) {
        json_object_set_new(json_object_get(obj, "metadata"), "labels",
                            json_pack("{s:s}", "app", app));
    }
    return obj;
}

static char *key_of(const char *ns, const char *name)
{
    char *key = NULL;
    assert_true(asprintf(&key, PREFIX "%s/%s", ns, name) > 0);
    return key;
}

/* Puts (app != "-") or deletes (app == "-") ns/name at rv. */
static void apply_one(struct fixture *f, const char *ns, const char *name, const char *app,
                      int64_t rv)
{
    char *key = key_of(ns, name);
    bool deleted = app != NULL && strcmp(app, "-") == 0;
    json_t *obj = deleted ? NULL : configmap(ns, name, app, rv);
    struct watchcache_change ch = {key, obj, rv};
    watchcache_apply(f->cache, &ch, 1);
    json_decref(obj);
    free(key);
}

static void replace_with(struct fixture *f, int64_t rv, size_t n, const char *const *names)
{
    struct watchcache_change *objs = calloc(n + 1, sizeof *objs);
    for (size_t i = 0; i < n; i++) {
        objs[i] = (struct watchcache_change){key_of("default", names[i]),
                                             configmap("default", names[i], "web", rv), rv};
    }
    watchcache_replace(f->cache, objs, n, rv);
    for (size_t i = 0; i < n; i++) {
        free((char *)objs[i].key);
        json_decref(objs[i].object);
    }
    free(objs);
}

static struct watchcache_watcher *watch(struct fixture *f, bool from_now, int64_t rv,
                                        const char *labels, int *wakeups,
                                        enum watchcache_watch_result *result, char *message)
{
    struct watchcache_watch_options opts = {
        .prefix = PREFIX, .from_now = from_now, .resource_version = rv};
    if (labels != NULL) {
        opts.sel.labels = label_selector_parse(labels, NULL);
        assert_non_null(opts.sel.labels);
    }
    char ignored[256];
    return watchcache_watch(f->cache, &opts, on_ready, wakeups, result,
                            message != NULL ? message : ignored);
}

static struct watchcache_watcher *watch_ok(struct fixture *f, bool from_now, int64_t rv,
                                           const char *labels, int *wakeups)
{
    enum watchcache_watch_result result;
    struct watchcache_watcher *w = watch(f, from_now, rv, labels, wakeups, &result, NULL);
    assert_int_equal(result, WATCHCACHE_WATCHING);
    assert_non_null(w);
    return w;
}

/* Takes the next event and checks "TYPE name rv". */
static void expect_event(struct watchcache_watcher *w, const char *type, const char *name,
                         const char *rv)
{
    struct watchcache_event ev;
    assert_int_equal(watchcache_next(w, &ev), 1);
    assert_string_equal(ev.type, type);
    const json_t *meta = json_object_get(ev.object, "metadata");
    if (name != NULL) {
        assert_string_equal(json_string_value(json_object_get(meta, "name")), name);
    }
    assert_string_equal(json_string_value(json_object_get(meta, "resourceVersion")), rv);
    watchcache_event_done(&ev);
}

static void expect_nothing(struct watchcache_watcher *w)
{
    struct watchcache_event ev;
    assert_int_equal(watchcache_next(w, &ev), 0);
}

/* ---- Success ---- */

static void test_watch_from_now_sends_the_current_state_then_changes(void **state)
{
    struct fixture *f = *state;
    const char *names[] = {"b", "a"};
    replace_with(f, 10, 2, names);
    struct watchcache_watcher *w = watch_ok(f, true, 0, NULL, &f->wakeups[0]);
    expect_event(w, "ADDED", "a", "10"); /* sorted by key */
    expect_event(w, "ADDED", "b", "10");
    expect_nothing(w);
    apply_one(f, "default", "a", "web", 11);
    apply_one(f, "other", "c", "web", 12);
    apply_one(f, "default", "b", "-", 13);
    expect_event(w, "MODIFIED", "a", "11");
    expect_event(w, "ADDED", "c", "12");
    expect_event(w, "DELETED", "b", "13"); /* the last state at the deletion's revision */
    expect_nothing(w);
    assert_int_equal(f->wakeups[0], 3);
    assert_int_equal(watchcache_revision(f->cache), 13);
    watchcache_watcher_free(w);
}

static void test_watch_from_a_revision_in_the_window_replays_what_followed(void **state)
{
    struct fixture *f = *state;
    replace_with(f, 10, 0, NULL);
    for (int64_t rv = 11; rv <= 15; rv++) {
        apply_one(f, "default", "x", "web", rv);
    }
    struct watchcache_watcher *w = watch_ok(f, false, 12, NULL, &f->wakeups[0]);
    expect_event(w, "MODIFIED", "x", "13");
    expect_event(w, "MODIFIED", "x", "14");
    expect_event(w, "MODIFIED", "x", "15");
    expect_nothing(w);
    apply_one(f, "default", "x", "-", 16);
    expect_event(w, "DELETED", "x", "16");
    watchcache_watcher_free(w);
    /* The list's own revision is inside the window: everything after it. */
    w = watch_ok(f, false, 10, NULL, &f->wakeups[1]);
    expect_event(w, "ADDED", "x", "11");
    watchcache_watcher_free(w);
}

static void test_watch_from_a_future_revision_waits_for_it(void **state)
{
    struct fixture *f = *state;
    replace_with(f, 10, 0, NULL);
    struct watchcache_watcher *w = watch_ok(f, false, 12, NULL, &f->wakeups[0]);
    apply_one(f, "default", "x", "web", 11);
    apply_one(f, "default", "x", "web", 12);
    expect_nothing(w);
    apply_one(f, "default", "x", "web", 13);
    expect_event(w, "MODIFIED", "x", "13");
    watchcache_watcher_free(w);
}

static void test_selector_transitions_become_added_and_deleted(void **state)
{
    struct fixture *f = *state;
    replace_with(f, 10, 0, NULL);
    struct watchcache_watcher *w = watch_ok(f, true, 0, "app=web", &f->wakeups[0]);
    apply_one(f, "default", "x", "db", 11);
    apply_one(f, "default", "x", "web", 12);
    apply_one(f, "default", "x", "web", 13);
    apply_one(f, "default", "x", "db", 14);
    apply_one(f, "default", "x", "-", 15);
    expect_event(w, "ADDED", "x", "12");
    expect_event(w, "MODIFIED", "x", "13");
    /* The object as it matched, at the revision it stopped matching (cacheWatcher). */
    struct watchcache_event ev;
    assert_int_equal(watchcache_next(w, &ev), 1);
    assert_string_equal(ev.type, "DELETED");
    const json_t *meta = json_object_get(ev.object, "metadata");
    assert_string_equal(json_string_value(json_object_get(meta, "resourceVersion")), "14");
    assert_string_equal(json_string_value(json_object_get(json_object_get(meta, "labels"), "app")),
                        "web");
    watchcache_event_done(&ev);
    expect_nothing(w); /* the deletion of a non-matching object is not this watcher's */
    watchcache_watcher_free(w);
}

static void test_every_watcher_shares_one_encoding_of_an_object(void **state)
{
    struct fixture *f = *state;
    replace_with(f, 10, 0, NULL);
    struct watchcache_watcher *a = watch_ok(f, true, 0, NULL, &f->wakeups[0]);
    struct watchcache_watcher *b = watch_ok(f, true, 0, NULL, &f->wakeups[1]);
    apply_one(f, "default", "x", "web", 11);
    struct watchcache_event ea, eb;
    assert_int_equal(watchcache_next(a, &ea), 1);
    assert_int_equal(watchcache_next(b, &eb), 1);
    const char *text = watchcache_event_json(&ea);
    assert_ptr_equal(watchcache_event_json(&eb), text);
    assert_non_null(strstr(text, "\"resourceVersion\":\"11\""));
    watchcache_event_done(&ea);
    watchcache_event_done(&eb);
    watchcache_watcher_free(a);
    watchcache_watcher_free(b);
}

static void test_lists_filter_by_prefix_and_selector_and_wait_for_freshness(void **state)
{
    struct fixture *f = *state;
    int64_t rev = 0;
    assert_null(watchcache_list(f->cache, PREFIX, &(struct rest_selectors){0}, 0, &rev));
    const char *names[] = {"a", "b"};
    replace_with(f, 10, 2, names);
    apply_one(f, "other", "c", "db", 11);
    json_t *all = watchcache_list(f->cache, PREFIX, &(struct rest_selectors){0}, 0, &rev);
    assert_int_equal(json_array_size(all), 3);
    assert_int_equal(rev, 11);
    json_decref(all);
    struct rest_selectors sel = {.labels = label_selector_parse("app=web", NULL)};
    json_t *web = watchcache_list(f->cache, PREFIX "default/", &sel, 0, &rev);
    assert_int_equal(json_array_size(web), 2);
    json_decref(web);
    json_t *none = watchcache_list(f->cache, PREFIX "other/", &sel, 11, &rev);
    assert_int_equal(json_array_size(none), 0);
    json_decref(none);
    rest_selectors_free(&sel);
    /* Not that fresh yet: the caller reads the store. */
    assert_null(watchcache_list(f->cache, PREFIX, &(struct rest_selectors){0}, 12, &rev));
    watchcache_progress(f->cache, 12);
    json_t *fresh = watchcache_list(f->cache, PREFIX, &(struct rest_selectors){0}, 12, &rev);
    assert_non_null(fresh);
    assert_int_equal(rev, 12);
    json_decref(fresh);
}

/* ---- Consistent lists (ConsistentListFromCache) ---- */

static struct watchcache_store_state store_at(int64_t revision, int64_t count, int64_t max_mod)
{
    return (struct watchcache_store_state){revision, count, max_mod};
}

static void expect_page(struct watchcache_page *p, int64_t revision, const char *names,
                        const char *last_key, int64_t remaining)
{
    char got[256] = "";
    size_t i;
    json_t *item;
    json_array_foreach (p->items, i, item) {
        const char *name =
            json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
        strcat(got, i > 0 ? " " : "");
        strcat(got, name);
    }
    assert_string_equal(got, names);
    assert_int_equal(p->revision, revision);
    if (last_key == NULL) {
        assert_null(p->last_key);
    } else {
        assert_string_equal(p->last_key, last_key);
        assert_int_equal(p->remaining, remaining);
    }
    watchcache_page_free(p);
}

static void test_consistent_lists_answer_once_the_content_is_the_stores(void **state)
{
    struct fixture *f = *state;
    struct rest_selectors all = {0};
    struct watchcache_page page;
    struct watchcache_store_state at10 = store_at(10, 2, 10);
    /* Not ready: the store answers. */
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &all, 0, &at10, 0, &page),
                     -ETIMEDOUT);
    const char *names[] = {"a", "b"};
    replace_with(f, 10, 2, names);
    apply_one(f, "other", "c", "db", 11);
    /* The cache reached the store's revision. */
    struct watchcache_store_state at11 = store_at(11, 3, 11);
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &all, 0, &at11, 0, &page), 0);
    expect_page(&page, 11, "a b c", NULL, 0);
    /* The store moved on elsewhere: same keys, nothing newer here, so its revision is ours. */
    struct watchcache_store_state at20 = store_at(20, 3, 11);
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &all, 0, &at20, 0, &page), 0);
    expect_page(&page, 20, "a b c", NULL, 0);
    /* A change the cache has not seen yet: newer than its revision... */
    struct watchcache_store_state newer = store_at(20, 3, 15);
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &all, 0, &newer, 0, &page),
                     -ETIMEDOUT);
    /* ...or a deletion (one key fewer) it has not seen. */
    struct watchcache_store_state deleted = store_at(20, 2, 10);
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &all, 0, &deleted, 0, &page),
                     -ETIMEDOUT);
    apply_one(f, "other", "c", "-", 12);
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &all, 0, &deleted, 0, &page), 0);
    expect_page(&page, 20, "a b", NULL, 0);
    /* Only the list's prefix counts. */
    struct watchcache_store_state ns = store_at(30, 2, 10);
    assert_int_equal(
        watchcache_consistent_list(f->cache, PREFIX "default/", &all, 0, &ns, 0, &page), 0);
    expect_page(&page, 30, "a b", NULL, 0);
}

static void test_consistent_list_pages_stop_at_the_limit(void **state)
{
    struct fixture *f = *state;
    const char *names[] = {"a", "b", "c"};
    replace_with(f, 10, 3, names);
    apply_one(f, "default", "d", "db", 11);
    struct watchcache_store_state st = store_at(11, 4, 11);
    struct rest_selectors all = {0};
    struct watchcache_page page;
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &all, 2, &st, 0, &page), 0);
    expect_page(&page, 11, "a b", PREFIX "default/b", 2);
    /* The limit reached on the last key: nothing to continue. */
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &all, 4, &st, 0, &page), 0);
    expect_page(&page, 11, "a b c d", NULL, 0);
    /* With a selector the remaining keys are counted whether they match or not. */
    struct rest_selectors web = {.labels = label_selector_parse("app=web", NULL)};
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &web, 1, &st, 0, &page), 0);
    expect_page(&page, 11, "a", PREFIX "default/a", 3);
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &web, 3, &st, 0, &page), 0);
    expect_page(&page, 11, "a b c", PREFIX "default/c", 1);
    rest_selectors_free(&web);
    struct rest_selectors db = {.labels = label_selector_parse("app=db", NULL)};
    assert_int_equal(watchcache_consistent_list(f->cache, PREFIX, &db, 1, &st, 0, &page), 0);
    expect_page(&page, 11, "d", NULL, 0);
    rest_selectors_free(&db);
}

struct waiting_list {
    struct fixture *f;
    struct watchcache_store_state st;
    int rc;
    struct watchcache_page page;
};

static void *list_in_thread(void *arg)
{
    struct waiting_list *w = arg;
    struct rest_selectors all = {0};
    w->rc = watchcache_consistent_list(w->f->cache, PREFIX, &all, 0, &w->st, 10 * DURATION_SECOND,
                                       &w->page);
    return NULL;
}

static void test_a_consistent_list_waits_for_the_watch_to_catch_up(void **state)
{
    struct fixture *f = *state;
    const char *names[] = {"a"};
    replace_with(f, 10, 1, names);
    struct waiting_list w = {.f = f, .st = store_at(12, 2, 12)};
    pthread_t t;
    pthread_create(&t, NULL, list_in_thread, &w);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clock, 1, 10 * DURATION_SECOND), 0);
    apply_one(f, "default", "b", "web", 12);
    pthread_join(t, NULL);
    assert_int_equal(w.rc, 0);
    expect_page(&w.page, 12, "a b", NULL, 0);
    /* And gives up at the deadline (the caller then reads the store). */
    w.st = store_at(14, 3, 14);
    pthread_create(&t, NULL, list_in_thread, &w);
    assert_int_equal(clk_fake_wait_for_sleepers(f->clock, 1, 10 * DURATION_SECOND), 0);
    clk_fake_advance(f->clock, 10 * DURATION_SECOND);
    pthread_join(t, NULL);
    assert_int_equal(w.rc, -ETIMEDOUT);
}

static void test_window_grows_with_fresh_events_and_shrinks_when_they_are_stale(void **state)
{
    struct fixture *f = refixture(state, 4, 16, 0);
    replace_with(f, 10, 0, NULL);
    int64_t rv = 10;
    for (int i = 0; i < 5; i++) {
        apply_one(f, "default", "x", "web", ++rv);
    }
    assert_int_equal(watchcache_capacity(f->cache), 8);
    for (int i = 0; i < 20; i++) {
        apply_one(f, "default", "x", "web", ++rv);
    }
    assert_int_equal(watchcache_capacity(f->cache), 16); /* the upper bound */
    clk_fake_advance(f->clock, 76 * DURATION_SECOND);
    apply_one(f, "default", "x", "web", ++rv);
    assert_int_equal(watchcache_capacity(f->cache), 8);
    apply_one(f, "default", "x", "web", ++rv);
    assert_int_equal(watchcache_capacity(f->cache), 4);
    apply_one(f, "default", "x", "web", ++rv);
    assert_int_equal(watchcache_capacity(f->cache), 4); /* the lower bound */
}

static void test_bookmarks_come_periodically_and_before_the_deadline(void **state)
{
    struct fixture *f = *state;
    replace_with(f, 10, 0, NULL);
    int64_t now = clk_now(f->clock);
    struct watchcache_watch_options opts = {.prefix = PREFIX,
                                            .from_now = true,
                                            .allow_bookmarks = true,
                                            .deadline_ns = now + 10 * DURATION_SECOND};
    enum watchcache_watch_result result;
    char message[256];
    struct watchcache_watcher *w =
        watchcache_watch(f->cache, &opts, on_ready, &f->wakeups[0], &result, message);
    struct watchcache_watch_options plain = {.prefix = PREFIX, .from_now = true};
    struct watchcache_watcher *quiet =
        watchcache_watch(f->cache, &plain, on_ready, &f->wakeups[1], &result, message);
    clk_fake_advance(f->clock, DURATION_SECOND);
    expect_nothing(w); /* nothing above the watch's start revision yet */
    watchcache_progress(f->cache, 12);
    expect_nothing(w); /* the next one is a period away */
    clk_fake_advance(f->clock, DURATION_SECOND);
    expect_event(w, "BOOKMARK", NULL, "12");
    apply_one(f, "default", "x", "web", 13);
    clk_fake_advance(f->clock, DURATION_SECOND);
    expect_event(w, "ADDED", "x", "13"); /* events first, then the bookmark */
    expect_event(w, "BOOKMARK", NULL, "13");
    expect_nothing(w);
    /* 2 s before the 10 s deadline, then no more. */
    clk_fake_advance(f->clock, 5 * DURATION_SECOND);
    expect_event(w, "BOOKMARK", NULL, "13");
    clk_fake_advance(f->clock, DURATION_SECOND);
    expect_nothing(w);
    expect_event(quiet, "ADDED", "x", "13");
    expect_nothing(quiet); /* no allowWatchBookmarks: none */
    struct watchcache_event ev;
    clk_fake_advance(f->clock, DURATION_SECOND);
    watchcache_progress(f->cache, 14);
    assert_int_equal(watchcache_next(w, &ev), 0);
    watchcache_watcher_free(w);
    watchcache_watcher_free(quiet);
}

/* ---- Failure ---- */

static void test_revision_older_than_the_window_is_too_old(void **state)
{
    struct fixture *f = refixture(state, 4, 4, 0);
    replace_with(f, 10, 0, NULL);
    for (int64_t rv = 11; rv <= 20; rv++) {
        apply_one(f, "default", "x", "web", rv);
    }
    /* The window holds 17..20: a watch may start from 16. */
    enum watchcache_watch_result result;
    char message[256] = "";
    assert_null(watch(f, false, 12, NULL, &f->wakeups[0], &result, message));
    assert_int_equal(result, WATCHCACHE_TOO_OLD);
    assert_string_equal(message, "too old resource version: 12 (16)");
    struct watchcache_watcher *w = watch_ok(f, false, 16, NULL, &f->wakeups[0]);
    expect_event(w, "MODIFIED", "x", "17");
    watchcache_watcher_free(w);
}

static void test_revision_before_the_cache_began_is_left_to_the_store(void **state)
{
    struct fixture *f = *state;
    enum watchcache_watch_result result;
    assert_null(watch(f, true, 0, NULL, &f->wakeups[0], &result, NULL));
    assert_int_equal(result, WATCHCACHE_NOT_READY); /* no list yet */
    assert_false(watchcache_wait_ready(f->cache, 0));
    replace_with(f, 10, 0, NULL);
    assert_true(watchcache_wait_ready(f->cache, 0));
    assert_null(watch(f, false, 5, NULL, &f->wakeups[0], &result, NULL));
    assert_int_equal(result, WATCHCACHE_NOT_READY); /* nothing evicted: the store may have it */
}

static void test_a_watcher_that_does_not_read_is_cut_off_while_others_keep_receiving(void **state)
{
    struct fixture *f = refixture(state, 0, 0, 5);
    const char *names[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    replace_with(f, 10, 8, names);
    struct watchcache_watcher *slow = watch_ok(f, true, 0, NULL, &f->wakeups[0]);
    struct watchcache_watcher *fast = watch_ok(f, true, 0, NULL, &f->wakeups[1]);
    for (int i = 0; i < 8; i++) {
        struct watchcache_event ev;
        assert_int_equal(watchcache_next(fast, &ev), 1); /* the initial state is exempt */
        watchcache_event_done(&ev);
    }
    for (int64_t rv = 11; rv <= 30; rv++) {
        apply_one(f, "default", "x", "web", rv);
        char text[32];
        snprintf(text, sizeof text, "%lld", (long long)rv);
        expect_event(fast, rv == 11 ? "ADDED" : "MODIFIED", "x", text);
    }
    assert_true(watchcache_watcher_cut_off(slow));
    assert_false(watchcache_watcher_cut_off(fast));
    struct watchcache_event ev;
    assert_int_equal(watchcache_next(slow, &ev), -1); /* its stream ends; the client relists */
    assert_int_equal(f->wakeups[0], 6);               /* 5 events, then the end */
    watchcache_watcher_free(slow);
    watchcache_watcher_free(fast);
}

static void test_a_relist_ends_every_watcher(void **state)
{
    struct fixture *f = *state;
    replace_with(f, 10, 0, NULL);
    struct watchcache_watcher *w = watch_ok(f, true, 0, NULL, &f->wakeups[0]);
    apply_one(f, "default", "x", "web", 11);
    replace_with(f, 40, 0, NULL);
    struct watchcache_event ev;
    assert_int_equal(watchcache_next(w, &ev), -1);
    assert_false(watchcache_watcher_cut_off(w));
    assert_int_equal(watchcache_revision(f->cache), 40);
    /* The new window starts at the list: older revisions are the store's to judge. */
    enum watchcache_watch_result result;
    assert_null(watch(f, false, 11, NULL, &f->wakeups[1], &result, NULL));
    assert_int_equal(result, WATCHCACHE_NOT_READY);
    watchcache_watcher_free(w);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, set_up, tear_down)
    const struct CMUnitTest tests[] = {
        T(test_watch_from_now_sends_the_current_state_then_changes),
        T(test_watch_from_a_revision_in_the_window_replays_what_followed),
        T(test_watch_from_a_future_revision_waits_for_it),
        T(test_selector_transitions_become_added_and_deleted),
        T(test_every_watcher_shares_one_encoding_of_an_object),
        T(test_lists_filter_by_prefix_and_selector_and_wait_for_freshness),
        T(test_consistent_lists_answer_once_the_content_is_the_stores),
        T(test_consistent_list_pages_stop_at_the_limit),
        T(test_a_consistent_list_waits_for_the_watch_to_catch_up),
        T(test_window_grows_with_fresh_events_and_shrinks_when_they_are_stale),
        T(test_bookmarks_come_periodically_and_before_the_deadline),
        T(test_revision_older_than_the_window_is_too_old),
        T(test_revision_before_the_cache_began_is_left_to_the_store),
        T(test_a_watcher_that_does_not_read_is_cut_off_while_others_keep_receiving),
        T(test_a_relist_ends_every_watcher),
    };
#undef T
    return cmocka_run_group_tests_name("watchcache", tests, NULL, NULL);
}
