/* A growing NUL-terminated string: the one text builder of the project (JSON and YAML writers,
 * Table cells, selectors, templates). A zeroed struct strbuf is empty; memory comes from
 * xalloc (aborts when exhausted). Not thread-safe: one owner at a time. */
#ifndef C8S_STRBUF_H
#define C8S_STRBUF_H

#include <stddef.h>

#include "err.h"

struct strbuf {
    char *s; /* NULL until something is added, then NUL-terminated */
    size_t len, cap;
};

/* Appends the n bytes at s. */
void strbuf_addn(struct strbuf *b, const char *s, size_t n);
/* Appends the string s. */
void strbuf_add(struct strbuf *b, const char *s);
/* Appends one byte. */
void strbuf_addc(struct strbuf *b, char c);
/* Appends printf's output. */
void strbuf_addf(struct strbuf *b, const char *fmt, ...) C8S_FMT(2, 3);
/* The text so far, "" when empty; borrowed, valid until the next change. */
const char *strbuf_str(const struct strbuf *b);
/* The text as an owned string (never NULL); b is empty again afterwards. */
char *strbuf_take(struct strbuf *b);
/* Frees the text; b is empty again afterwards. */
void strbuf_free(struct strbuf *b);

#endif
