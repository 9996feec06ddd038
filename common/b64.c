/* base64 encode/decode with Go's encoding/base64 StdEncoding rules for errors. */
#include "b64.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encoded_len(size_t len)
{
    return (len + 2) / 3 * 4;
}

size_t b64_encode_into(const uint8_t *data, size_t len, char *out)
{
    size_t o = 0, i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = alphabet[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len) {
            v |= (uint32_t)data[i + 1] << 8;
        }
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    return o;
}

char *b64_encode(const uint8_t *data, size_t len)
{
    char *out = xmalloc(b64_encoded_len(len) + 1);
    out[b64_encode_into(data, len, out)] = '\0';
    return out;
}

static int value_of(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

int b64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len, struct err *err)
{
    uint8_t *buf = xmalloc(len / 4 * 3 + 4);
    size_t o = 0;
    uint32_t quantum = 0;
    int have = 0; /* sextets in the current quantum */
    int padding = 0;
    size_t i = 0;
    size_t error_at = 0;
    bool failed = false;
    for (; i < len; i++) {
        char c = text[i];
        if (c == '\r' || c == '\n') {
            continue;
        }
        if (padding > 0) {
            /* After '=' only more '=' completing the quantum may follow. */
            if (c != '=' || have + padding >= 4) {
                error_at = i;
                failed = true;
                break;
            }
            padding++;
            continue;
        }
        if (c == '=') {
            if (have < 2) {
                error_at = i;
                failed = true;
                break;
            }
            padding = 1;
            continue;
        }
        int v = value_of(c);
        if (v < 0) {
            error_at = i;
            failed = true;
            break;
        }
        quantum = quantum << 6 | (uint32_t)v;
        have++;
        if (have == 4) {
            buf[o++] = (uint8_t)(quantum >> 16);
            buf[o++] = (uint8_t)(quantum >> 8);
            buf[o++] = (uint8_t)quantum;
            quantum = 0;
            have = 0;
        }
    }
    if (!failed && (have != 0 || padding != 0)) {
        if (have + padding != 4) {
            /* Go reports the start of an unpadded quantum, or the end when padding is short. */
            failed = true;
            error_at = padding == 0 ? i - (size_t)have : len;
        } else {
            quantum <<= 6 * padding;
            buf[o++] = (uint8_t)(quantum >> 16);
            if (have == 3) {
                buf[o++] = (uint8_t)(quantum >> 8);
            }
        }
    }
    if (failed) {
        free(buf);
        return err_set(err, EINVAL, "illegal base64 data at input byte %zu", error_at);
    }
    buf[o] = '\0';
    *out = buf;
    *out_len = o;
    return 0;
}
