/* RequestInfo resolution, following requestinfo.go's rules:
 *   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}
 *   /apis/{group}/{version}/{resource}/{name}
 *   /api/v1/watch/... (the deprecated watch prefix)
 * Namespaces are themselves a resource: /api/v1/namespaces/{name} is a get of a namespace,
 * /api/v1/namespaces/{name}/status its status subresource. */
#include "requestinfo.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_PARTS 16

static size_t split(const char *path, char parts[MAX_PARTS][REQUESTINFO_PART_MAX])
{
    size_t n = 0;
    const char *p = path;
    while (*p == '/') {
        p++;
    }
    while (*p != '\0' && n < MAX_PARTS) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len >= REQUESTINFO_PART_MAX) {
            len = REQUESTINFO_PART_MAX - 1;
        }
        memcpy(parts[n], p, len);
        parts[n][len] = '\0';
        n++;
        if (slash == NULL) {
            break;
        }
        p = slash + 1;
        while (*p == '/') {
            p++;
        }
    }
    return n;
}

/* Copies src into dst, cut to fit (a path part longer than its field is not a valid name). */
static void copy(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void lower_method(const char *method, char *out, size_t size)
{
    size_t i = 0;
    for (; method[i] != '\0' && i + 1 < size; i++) {
        out[i] = (char)tolower((unsigned char)method[i]);
    }
    out[i] = '\0';
}

void requestinfo_resolve(const char *method, const char *path, const char *watch_param,
                         const char *field_selector, struct request_info *out)
{
    memset(out, 0, sizeof *out);
    copy(out->path, sizeof out->path, path);
    lower_method(method, out->verb, sizeof out->verb);

    char parts[MAX_PARTS][REQUESTINFO_PART_MAX];
    size_t n = split(path, parts);
    if (n == 0 || (strcmp(parts[0], "api") != 0 && strcmp(parts[0], "apis") != 0)) {
        return; /* non-resource */
    }
    copy(out->api_prefix, sizeof out->api_prefix, parts[0]);
    size_t i = 1;
    if (strcmp(parts[0], "apis") == 0) {
        if (n < 3) {
            return; /* /apis or /apis/{group}: discovery */
        }
        copy(out->api_group, sizeof out->api_group, parts[1]);
        i = 2;
    } else if (n < 2) {
        return; /* /api */
    }
    copy(out->api_version, sizeof out->api_version, parts[i]);
    i++;
    if (i >= n) {
        return; /* /api/v1 or /apis/g/v: discovery */
    }
    out->is_resource_request = true;

    /* Method to verb. */
    if (strcmp(method, "POST") == 0) {
        copy(out->verb, sizeof out->verb, "create");
    } else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
        copy(out->verb, sizeof out->verb, "get");
    } else if (strcmp(method, "PUT") == 0) {
        copy(out->verb, sizeof out->verb, "update");
    } else if (strcmp(method, "PATCH") == 0) {
        copy(out->verb, sizeof out->verb, "patch");
    } else if (strcmp(method, "DELETE") == 0) {
        copy(out->verb, sizeof out->verb, "delete");
    } else {
        copy(out->verb, sizeof out->verb, "");
    }

    /* The deprecated /watch/ prefix. */
    if (strcmp(parts[i], "watch") == 0) {
        copy(out->verb, sizeof out->verb, "watch");
        i++;
        if (i >= n) {
            out->is_resource_request = false;
            return;
        }
    }

    /* namespaces/{ns}/{resource}/...: the namespace, then the resource. namespaces/{ns} and
     * its status and finalize subresources are the Namespace object itself, with the namespace
     * set to its own name (as requestinfo.go does, which RBAC relies on). */
    if (strcmp(parts[i], "namespaces") == 0 && i + 1 < n) {
        copy(out->namespace_, sizeof out->namespace_, parts[i + 1]);
        if (i + 2 < n && strcmp(parts[i + 2], "status") != 0 &&
            strcmp(parts[i + 2], "finalize") != 0) {
            i += 2;
        }
    }
    out->parts = n - i;
    copy(out->resource, sizeof out->resource, parts[i]);
    if (i + 1 < n) {
        copy(out->name, sizeof out->name, parts[i + 1]);
    }
    if (i + 2 < n) {
        copy(out->subresource, sizeof out->subresource, parts[i + 2]);
    }

    if (out->name[0] == '\0' && strcmp(out->verb, "get") == 0) {
        bool watching = watch_param != NULL &&
                        (strcmp(watch_param, "1") == 0 || strcasecmp(watch_param, "true") == 0);
        copy(out->verb, sizeof out->verb, watching ? "watch" : "list");
    }
    if (out->name[0] == '\0' && strcmp(out->verb, "delete") == 0) {
        copy(out->verb, sizeof out->verb, "deletecollection");
    }
    /* A list or watch with fieldSelector metadata.name=X is about object X (for RBAC's
     * resourceNames). */
    if (out->name[0] == '\0' && field_selector != NULL &&
        (strcmp(out->verb, "list") == 0 || strcmp(out->verb, "watch") == 0)) {
        const char *prefix = "metadata.name=";
        size_t plen = strlen(prefix);
        if (strncmp(field_selector, prefix, plen) == 0 && strchr(field_selector, ',') == NULL) {
            copy(out->name, sizeof out->name, field_selector + plen);
        }
    }
}
