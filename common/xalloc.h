/* Allocation that never returns NULL: out of memory is not an error c8s handles, it aborts
 * (as redis' zmalloc and crun's xmalloc). Everything returned is owned by the caller (free()). */
#ifndef C8S_XALLOC_H
#define C8S_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) C8S_FMT(1, 2);
char *xvasprintf(const char *fmt, va_list ap) C8S_FMT(1, 0);

#endif
