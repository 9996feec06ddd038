/* Fuzzes yamlx: any bytes through yamlx_load_all; every document that loads must print with
 * yamlx_dump and read back equal (numbers compared by value, since kubectl's JSON round trip
 * turns integral reals into integers). Crashes, leaks and sanitizer reports fail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "yamlx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_document(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        return json_number_value(a) == json_number_value(b);
    }
    if (json_typeof(a) != json_typeof(b)) {
        return 0;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) {
            return 0;
        }
        for (size_t i = 0; i < json_array_size(a); i++) {
            if (!same_document(json_array_get(a, i), json_array_get(b, i))) {
                return 0;
            }
        }
        return 1;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b)) {
            return 0;
        }
        const char *k;
        size_t klen;
        json_t *v;
        json_object_keylen_foreach((json_t *)a, k, klen, v)
        {
            json_t *other = json_object_getn(b, k, klen);
            if (other == NULL || !same_document(v, other)) {
                return 0;
            }
        }
        return 1;
    }
    return json_equal(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err err = {0};
    json_t *docs = NULL;
    if (yamlx_load_all((const char *)data, size, &docs, &err) < 0) {
        return 0;
    }
    for (size_t i = 0; i < json_array_size(docs); i++) {
        json_t *doc = json_array_get(docs, i);
        char *text = yamlx_dump(doc);
        json_t *back = yamlx_load(text, strlen(text), &err);
        if (back == NULL || !same_document(doc, back)) {
            abort();
        }
        json_decref(back);
        free(text);
    }
    json_decref(docs);
    return 0;
}
