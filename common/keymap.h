/* A hash map from strings to pointers, for the per-key state of work queues and rate limiters
 * (Go's map[string]T). Keys are copied; values are borrowed pointers the caller manages.
 * Not thread-safe: the owner's lock guards it. */
#ifndef C8S_KEYMAP_H
#define C8S_KEYMAP_H

#include <stddef.h>

struct keymap;

/* A new, empty map (free with keymap_free). */
struct keymap *keymap_new(void);

/* Frees the map and its key copies; calls free_value on each value when it is not NULL. NULL m
 * is a no-op. */
void keymap_free(struct keymap *m, void (*free_value)(void *value));

/* The value stored for key, or NULL when absent (borrowed). */
void *keymap_get(const struct keymap *m, const char *key);

/* Stores value (not NULL) for key, copying key; returns the value it replaces, or NULL. */
void *keymap_put(struct keymap *m, const char *key, void *value);

/* Removes key; returns its value, or NULL when absent. */
void *keymap_remove(struct keymap *m, const char *key);

/* The number of keys. */
size_t keymap_len(const struct keymap *m);

/* Calls fn on every entry, in no particular order. fn must not change the map. */
void keymap_foreach(const struct keymap *m, void (*fn)(const char *key, void *value, void *data),
                    void *data);

#endif
