/* Whole-file reads that grow as they go, so a pipe or /proc file works too. */
#include "fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

int file_read_all(const char *path, char **data, size_t *len, struct err *err)
{
    cleanup_file FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return err_set(err, errno, "open %s: %s", path, strerror(errno));
    }
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        fwrite(chunk, 1, n, mem);
    }
    fclose(mem);
    if (ferror(f)) {
        free(buf);
        return err_set(err, EIO, "read %s: I/O error", path);
    }
    *data = buf;
    *len = size;
    return 0;
}

char *file_read_pem(const char *path, const char *flag, struct err *err)
{
    if (path == NULL) {
        err_set(err, EINVAL, "%s is required", flag);
        return NULL;
    }
    char *text = NULL;
    size_t len = 0;
    if (file_read_all(path, &text, &len, err) != 0) {
        err_wrap(err, "%s", flag);
        return NULL;
    }
    if (strstr(text, "-----BEGIN") == NULL) {
        free(text);
        err_set(err, EINVAL, "%s %s: not a PEM file", flag, path);
        return NULL;
    }
    return text;
}
