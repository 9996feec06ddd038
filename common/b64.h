/* Standard base64 with padding (RFC 4648 §4), as etcd's JSON gateway writes bytes fields, and
 * decoding with Go's error text ("illegal base64 data at input byte N"). */
#ifndef C8S_B64_H
#define C8S_B64_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Returns an owned NUL-terminated string (free()). */
char *b64_encode(const uint8_t *data, size_t len);

/* Bytes needed to encode len bytes, without the NUL. */
size_t b64_encoded_len(size_t len);

/* Writes the encoding of data into out (b64_encoded_len(len) bytes, no NUL); returns that size. */
size_t b64_encode_into(const uint8_t *data, size_t len, char *out);

/* Decodes text[0..len) into a new buffer (*out, free(); NUL-terminated for convenience, the NUL
 * not counted in *out_len). Accepts missing padding only when Go's StdEncoding would not:
 * never; "\r" and "\n" are skipped as Go does. Returns 0, or -EINVAL with err filled:
 * "illegal base64 data at input byte N". */
int b64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len,
               struct err *err) C8S_MUST_USE;

#endif
