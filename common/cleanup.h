/* Cleanup attributes that read like storage classes (crun's utils.h): every early return frees.
 * Hand ownership out with `*out = steal_ptr(&p);`. */
#ifndef C8S_CLEANUP_H
#define C8S_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>

static inline void cleanup_free_fn(void *p)
{
    free(*(void **)p);
}

static inline void cleanup_close_fn(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
    }
}

static inline void cleanup_file_fn(FILE **f)
{
    if (*f != NULL) {
        fclose(*f);
    }
}

static inline void cleanup_json_fn(json_t **j)
{
    json_decref(*j);
}

#define cleanup_free  __attribute__((cleanup(cleanup_free_fn)))
#define cleanup_close __attribute__((cleanup(cleanup_close_fn)))
#define cleanup_file  __attribute__((cleanup(cleanup_file_fn)))
/* Only for new references (see STYLE: a borrowed one here is a double decref). */
#define cleanup_json __attribute__((cleanup(cleanup_json_fn)))

/* Returns *pp and sets *pp to NULL, so a cleanup variable gives its value away. */
static inline void *steal_ptr_impl(void **pp)
{
    void *p = *pp;
    *pp = NULL;
    return p;
}
#define steal_ptr(pp) steal_ptr_impl((void **)(pp))

#endif
