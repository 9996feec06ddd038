/* Go's encoding/json syntax errors, reproduced: servers written in Go (etcd's gateway,
 * kube-apiserver) answer malformed JSON with the scanner's exact words, e.g. "invalid character
 * 'b' looking for beginning of object key string", and clients compare against them. */
#ifndef C8S_GOJSON_H
#define C8S_GOJSON_H

#include <stdbool.h>
#include <stddef.h>

/* Scans the first JSON value in buf[0..len) as a json.Decoder does. Returns true when it is
 * well formed; otherwise writes Go's message into msg ("invalid character ... <context>", or
 * "unexpected EOF" when the input ends inside the value) and returns false. */
bool gojson_first_value_error(const char *buf, size_t len, char *msg, size_t size);

#endif
