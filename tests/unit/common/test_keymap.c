/* The string-keyed map behind work queues and rate limiters: copies keys, replaces, removes,
 * and keeps every key through growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "keymap.h"

static void count_entry(const char *key, void *value, void *data)
{
    size_t *n = data;
    assert_non_null(key);
    assert_non_null(value);
    (*n)++;
}

static void test_put_copies_the_key_and_get_finds_it(void **state)
{
    struct keymap *m = keymap_new();
    char key[] = "default/web";
    int a = 1;
    assert_null(keymap_put(m, key, &a));
    key[0] = 'X';
    assert_ptr_equal(keymap_get(m, "default/web"), &a);
    assert_null(keymap_get(m, key));
    assert_null(keymap_get(m, ""));
    assert_int_equal(keymap_len(m), 1);
    keymap_free(m, NULL);
}

static void test_put_replaces_and_returns_the_old_value(void **state)
{
    struct keymap *m = keymap_new();
    int a = 1;
    int b = 2;
    assert_null(keymap_put(m, "k", &a));
    assert_ptr_equal(keymap_put(m, "k", &b), &a);
    assert_ptr_equal(keymap_get(m, "k"), &b);
    assert_int_equal(keymap_len(m), 1);
    keymap_free(m, NULL);
}

static void test_remove_returns_the_value_once(void **state)
{
    struct keymap *m = keymap_new();
    int a = 1;
    keymap_put(m, "k", &a);
    assert_ptr_equal(keymap_remove(m, "k"), &a);
    assert_null(keymap_remove(m, "k"));
    assert_null(keymap_get(m, "k"));
    assert_int_equal(keymap_len(m), 0);
    keymap_free(m, NULL);
}

static void test_many_keys_survive_growth_and_free_values(void **state)
{
    struct keymap *m = keymap_new();
    char key[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "ns-%d/pod-%d", i % 7, i);
        int *v = malloc(sizeof *v);
        *v = i;
        assert_null(keymap_put(m, key, v));
    }
    assert_int_equal(keymap_len(m), 10000);
    for (int i = 0; i < 10000; i += 3) {
        snprintf(key, sizeof key, "ns-%d/pod-%d", i % 7, i);
        int *v = keymap_get(m, key);
        assert_non_null(v);
        assert_int_equal(*v, i);
    }
    for (int i = 0; i < 10000; i += 2) {
        snprintf(key, sizeof key, "ns-%d/pod-%d", i % 7, i);
        free(keymap_remove(m, key));
    }
    size_t n = 0;
    keymap_foreach(m, count_entry, &n);
    assert_int_equal(n, 5000);
    assert_int_equal(keymap_len(m), 5000);
    keymap_free(m, free);
    keymap_free(NULL, free);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_copies_the_key_and_get_finds_it),
        cmocka_unit_test(test_put_replaces_and_returns_the_old_value),
        cmocka_unit_test(test_remove_returns_the_value_once),
        cmocka_unit_test(test_many_keys_survive_growth_and_free_values),
    };
    return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
