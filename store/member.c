/* etcd-style member identities: a hash of the sorted peer URLs and the cluster token. */
#include "member.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int member_url_parse(const char *url, struct member_url *out, struct err *err)
{
    const char *sep = strstr(url, "://");
    if (sep == NULL || sep == url || (size_t)(sep - url) >= sizeof out->scheme) {
        return err_set(err, EINVAL, "URL %s: missing scheme (want http:// or https://)", url);
    }
    memset(out, 0, sizeof *out);
    memcpy(out->scheme, url, (size_t)(sep - url));
    if (strcmp(out->scheme, "http") != 0 && strcmp(out->scheme, "https") != 0) {
        return err_set(err, EINVAL, "URL %s: scheme must be http or https", url);
    }
    const char *host = sep + 3;
    const char *host_end;
    const char *port_sep;
    if (*host == '[') {
        host_end = strchr(host, ']');
        if (host_end == NULL) {
            return err_set(err, EINVAL, "URL %s: unclosed IPv6 address", url);
        }
        port_sep = host_end + 1;
        host++;
    } else {
        host_end = strchr(host, ':');
        port_sep = host_end;
    }
    if (host_end == NULL || *port_sep != ':' || host_end == host) {
        return err_set(err, EINVAL, "URL %s: want host:port", url);
    }
    if ((size_t)(host_end - host) >= sizeof out->host) {
        return err_set(err, EINVAL, "URL %s: host too long", url);
    }
    memcpy(out->host, host, (size_t)(host_end - host));
    char *end = NULL;
    long port = strtol(port_sep + 1, &end, 10);
    if (end == port_sep + 1 || (*end != '\0' && *end != '/') || port <= 0 || port > 65535) {
        return err_set(err, EINVAL, "URL %s: invalid port", url);
    }
    out->port = (int)port;
    return 0;
}

/* FNV-1a, 64 bits: stable across builds and machines, which is all an ID needs. */
static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t finish_id(uint64_t h)
{
    h &= UINT64_C(0x7fffffffffffffff);
    return h == 0 ? 1 : h;
}

uint64_t member_id_from_peer_urls(const char *peer_urls, const char *cluster_token)
{
    char *copy = xstrdup(peer_urls);
    char *parts[MEMBER_MAX];
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(copy, ",", &save); p != NULL && n < MEMBER_MAX;
         p = strtok_r(NULL, ",", &save)) {
        parts[n++] = p;
    }
    qsort(parts, n, sizeof parts[0], compare_strings);
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < n; i++) {
        h = fnv1a(h, parts[i], strlen(parts[i]));
        h = fnv1a(h, "\n", 1);
    }
    h = fnv1a(h, cluster_token, strlen(cluster_token));
    free(copy);
    return finish_id(h);
}

uint64_t member_cluster_id(const char *initial_cluster, const char *cluster_token)
{
    uint64_t h = UINT64_C(14695981039346656037);
    h = fnv1a(h, initial_cluster, strlen(initial_cluster));
    h = fnv1a(h, "\n", 1);
    h = fnv1a(h, cluster_token, strlen(cluster_token));
    return finish_id(h);
}

int member_parse_initial_cluster(const char *text, const char *cluster_token,
                                 struct member_initial *out, size_t max, struct err *err)
{
    size_t n = 0;
    const char *p = text;
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq == NULL || eq == p || eq + 1 == p + len) {
            return err_set(err, EINVAL, "--initial-cluster: %.*s: want name=peer-url", (int)len, p);
        }
        if (n == max) {
            return err_set(err, EINVAL, "--initial-cluster: more than %zu members", max);
        }
        struct member_initial *m = &out[n];
        size_t name_len = (size_t)(eq - p);
        size_t url_len = len - name_len - 1;
        if (name_len >= sizeof m->name || url_len >= sizeof m->peer_url) {
            return err_set(err, EINVAL, "--initial-cluster: %.*s: too long", (int)len, p);
        }
        memcpy(m->name, p, name_len);
        m->name[name_len] = '\0';
        memcpy(m->peer_url, eq + 1, url_len);
        m->peer_url[url_len] = '\0';
        struct member_url url;
        int rc = member_url_parse(m->peer_url, &url, err);
        if (rc != 0) {
            return err_wrap(err, "--initial-cluster");
        }
        for (size_t i = 0; i < n; i++) {
            if (strcmp(out[i].name, m->name) == 0) {
                return err_set(err, EINVAL, "--initial-cluster: member %s named twice", m->name);
            }
        }
        m->id = member_id_from_peer_urls(m->peer_url, cluster_token);
        n++;
        p += len;
        if (*p == ',') {
            p++;
        }
    }
    if (n == 0) {
        return err_set(err, EINVAL, "--initial-cluster is empty");
    }
    return (int)n;
}

int member_raft_address(const char *peer_url, char *buf, size_t size, struct err *err)
{
    struct member_url url;
    int rc = member_url_parse(peer_url, &url, err);
    if (rc != 0) {
        return rc;
    }
    if (strchr(url.host, ':') != NULL) {
        snprintf(buf, size, "[%s]:%d", url.host, url.port);
    } else {
        snprintf(buf, size, "%s:%d", url.host, url.port);
    }
    return 0;
}
