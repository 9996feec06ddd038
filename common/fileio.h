/* Whole-file reads, for certificates, keys, backups and token files. */
#ifndef C8S_FILEIO_H
#define C8S_FILEIO_H

#include <stddef.h>

#include "err.h"

/* Reads path whole into a new buffer (*data, free(); NUL-terminated, the NUL not counted in
 * *len). Returns 0, or a negative errno code with err filled ("open <path>: <reason>";
 * -ENOENT when it does not exist). */
int file_read_all(const char *path, char **data, size_t *len, struct err *err) C8S_MUST_USE;

/* Reads a PEM file for a flag; returns an owned string, or NULL with err naming the flag
 * ("--tls-cert-file x.crt: not a PEM file"). */
char *file_read_pem(const char *path, const char *flag, struct err *err);

#endif
