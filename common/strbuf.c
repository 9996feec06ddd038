/* The growing string (see strbuf.h). Capacity doubles past what is needed, so appends cost
 * amortised constant time. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void strbuf_addn(struct strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void strbuf_add(struct strbuf *b, const char *s)
{
    strbuf_addn(b, s, strlen(s));
}

void strbuf_addc(struct strbuf *b, char c)
{
    strbuf_addn(b, &c, 1);
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = xvasprintf(fmt, ap);
    va_end(ap);
    strbuf_add(b, text);
    free(text);
}

const char *strbuf_str(const struct strbuf *b)
{
    return b->s != NULL ? b->s : "";
}

char *strbuf_take(struct strbuf *b)
{
    char *text = b->s != NULL ? b->s : xstrdup("");
    *b = (struct strbuf){0};
    return text;
}

void strbuf_free(struct strbuf *b)
{
    free(b->s);
    *b = (struct strbuf){0};
}
