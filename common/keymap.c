/* Separate chaining with FNV-1a hashing; the bucket array doubles when the load passes 3/4,
 * so lookups stay O(1) for the thousands of keys a controller's queue can hold. */
#include "keymap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct keymap_node {
    char *key;
    void *value;
    uint64_t hash;
    struct keymap_node *next;
};

struct keymap {
    struct keymap_node **buckets;
    size_t nbuckets; /* a power of two */
    size_t len;
};

#define KEYMAP_INITIAL_BUCKETS 16

static uint64_t hash_key(const char *key)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++) {
        h ^= *p;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

struct keymap *keymap_new(void)
{
    struct keymap *m = xcalloc(1, sizeof *m);
    m->nbuckets = KEYMAP_INITIAL_BUCKETS;
    m->buckets = xcalloc(m->nbuckets, sizeof(struct keymap_node *));
    return m;
}

void keymap_free(struct keymap *m, void (*free_value)(void *value))
{
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct keymap_node *n = m->buckets[i];
        while (n != NULL) {
            struct keymap_node *next = n->next;
            if (free_value != NULL) {
                free_value(n->value);
            }
            free(n->key);
            free(n);
            n = next;
        }
    }
    free(m->buckets);
    free(m);
}

static struct keymap_node **find_slot(const struct keymap *m, const char *key, uint64_t hash)
{
    struct keymap_node **pp = &m->buckets[hash & (m->nbuckets - 1)];
    while (*pp != NULL && ((*pp)->hash != hash || strcmp((*pp)->key, key) != 0)) {
        pp = &(*pp)->next;
    }
    return pp;
}

void *keymap_get(const struct keymap *m, const char *key)
{
    struct keymap_node *n = *find_slot(m, key, hash_key(key));
    return n != NULL ? n->value : NULL;
}

static void grow(struct keymap *m)
{
    size_t nbuckets = m->nbuckets * 2;
    struct keymap_node **buckets = xcalloc(nbuckets, sizeof(struct keymap_node *));
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct keymap_node *n = m->buckets[i];
        while (n != NULL) {
            struct keymap_node *next = n->next;
            struct keymap_node **head = &buckets[n->hash & (nbuckets - 1)];
            n->next = *head;
            *head = n;
            n = next;
        }
    }
    free(m->buckets);
    m->buckets = buckets;
    m->nbuckets = nbuckets;
}

void *keymap_put(struct keymap *m, const char *key, void *value)
{
    uint64_t hash = hash_key(key);
    struct keymap_node **pp = find_slot(m, key, hash);
    if (*pp != NULL) {
        void *old = (*pp)->value;
        (*pp)->value = value;
        return old;
    }
    struct keymap_node *n = xmalloc(sizeof *n);
    *n = (struct keymap_node){.key = xstrdup(key), .value = value, .hash = hash};
    *pp = n;
    m->len++;
    if (m->len > m->nbuckets / 4 * 3) {
        grow(m);
    }
    return NULL;
}

void *keymap_remove(struct keymap *m, const char *key)
{
    struct keymap_node **pp = find_slot(m, key, hash_key(key));
    struct keymap_node *n = *pp;
    if (n == NULL) {
        return NULL;
    }
    *pp = n->next;
    void *value = n->value;
    free(n->key);
    free(n);
    m->len--;
    return value;
}

size_t keymap_len(const struct keymap *m)
{
    return m->len;
}

void keymap_foreach(const struct keymap *m, void (*fn)(const char *key, void *value, void *data),
                    void *data)
{
    for (size_t i = 0; i < m->nbuckets; i++) {
        for (struct keymap_node *n = m->buckets[i]; n != NULL; n = n->next) {
            fn(n->key, n->value, data);
        }
    }
}
