/* kubeconfig loading, merging and resolution following client-go's clientcmd (loader.go's
 * ClientConfigLoadingRules.Load and ResolveLocalPaths, client_config.go's DirectClientConfig),
 * with the error texts kubectl prints. */
#include "kubeconfig.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "b64.h"
#include "cleanup.h"
#include "xalloc.h"
#include "yamlx.h"

/* The lists of a kubeconfig, each entry {name, <inner>: {...}}. */
static const struct {
    const char *list;
    const char *inner;
} lists[] = {{"clusters", "cluster"}, {"contexts", "context"}, {"users", "user"}};

/* Fields holding file paths, which resolve against the file's folder. */
static const struct {
    const char *list;
    const char *field;
} path_fields[] = {{"clusters", "certificate-authority"},
                   {"users", "client-certificate"},
                   {"users", "client-key"},
                   {"users", "tokenFile"}};

static int read_all(const char *path, char **out, size_t *out_len, struct err *err)
{
    cleanup_file FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return err_set(err, errno, "open %s: %s", path, strerror(errno));
    }
    size_t cap = 4096, len = 0;
    cleanup_free char *buf = xmalloc(cap);
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) {
            break;
        }
        if (len + 1 == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    if (ferror(f)) {
        return err_set(err, EIO, "read %s: %s", path, strerror(EIO));
    }
    buf[len] = '\0';
    *out = steal_ptr(&buf);
    *out_len = len;
    return 0;
}

int kubeconfig_read_file(const char *path, json_t **out, struct err *err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    int rv = read_all(path, &text, &len, err);
    if (rv < 0) {
        return rv;
    }
    struct err perr = {0};
    json_auto_t *cfg = yamlx_load(text, len, &perr);
    if (cfg == NULL) {
        return err_set(err, perr.code, "error loading config file \"%s\": %s", path, perr.msg);
    }
    if (json_is_null(cfg)) {
        json_decref(cfg);
        cfg = json_object();
    }
    if (!json_is_object(cfg)) {
        return err_set(err, C8S_EPARSE,
                       "error loading config file \"%s\": a kubeconfig must be a mapping", path);
    }
    *out = steal_ptr(&cfg);
    return 0;
}

json_t *kubeconfig_find(const json_t *config, const char *list, const char *name)
{
    const char *inner = NULL;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (strcmp(lists[i].list, list) == 0) {
            inner = lists[i].inner;
        }
    }
    json_t *arr = json_object_get(config, list);
    if (inner == NULL || name == NULL || !json_is_array(arr)) {
        return NULL;
    }
    json_t *found = NULL;
    size_t i;
    json_t *entry;
    json_array_foreach (arr, i, entry) {
        const char *n = json_string_value(json_object_get(entry, "name"));
        if (n != NULL && strcmp(n, name) == 0) {
            found = json_object_get(entry, inner);
        }
    }
    return found;
}

/* Go's filepath.Clean of an absolute path: no ".", "..", or repeated slashes. Owned result. */
static char *clean_abs_path(const char *path)
{
    size_t n = strlen(path);
    char *out = xmalloc(n + 2);
    size_t o = 0;
    for (const char *p = path; *p != '\0';) {
        while (*p == '/') {
            p++;
        }
        const char *end = strchrnul(p, '/');
        size_t len = (size_t)(end - p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 0 && out[o - 1] != '/') {
                o--;
            }
            if (o > 0) {
                o--;
            }
        } else if (len > 0 && !(len == 1 && p[0] == '.')) {
            out[o++] = '/';
            memcpy(out + o, p, len);
            o += len;
        }
        p = end;
    }
    if (o == 0) {
        out[o++] = '/';
    }
    out[o] = '\0';
    return out;
}

/* client-go's ResolveLocalPaths: relative paths become absolute against the folder of the
 * file (filepath.Abs, which does not follow symlinks, then filepath.Join). */
static void resolve_local_paths(json_t *cfg, const char *file)
{
    cleanup_free char *cwd = getcwd(NULL, 0);
    cleanup_free char *joined =
        file[0] == '/' || cwd == NULL ? xstrdup(file) : xasprintf("%s/%s", cwd, file);
    cleanup_free char *dir = clean_abs_path(joined);
    char *slash = strrchr(dir, '/');
    slash[slash == dir ? 1 : 0] = '\0';
    for (size_t i = 0; i < sizeof path_fields / sizeof path_fields[0]; i++) {
        const char *inner = strcmp(path_fields[i].list, "clusters") == 0 ? "cluster" : "user";
        json_t *arr = json_object_get(cfg, path_fields[i].list);
        size_t k;
        json_t *entry;
        json_array_foreach (arr, k, entry) {
            json_t *obj = json_object_get(entry, inner);
            const char *p = json_string_value(json_object_get(obj, path_fields[i].field));
            if (p == NULL || p[0] == '\0' || p[0] == '/') {
                continue;
            }
            cleanup_free char *full = xasprintf("%s/%s", dir, p);
            cleanup_free char *clean = clean_abs_path(full);
            json_object_set_new(obj, path_fields[i].field, json_string(clean));
        }
    }
}

/* Adds the entries of src's lists whose names merged lacks (the first file wins a name). */
static void merge_lists(json_t *merged, const json_t *src)
{
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        json_t *from = json_object_get(src, lists[i].list);
        if (!json_is_array(from)) {
            continue;
        }
        json_t *to = json_object_get(merged, lists[i].list);
        json_auto_t *seen = json_object();
        size_t k;
        json_t *entry;
        json_array_foreach (to, k, entry) {
            const char *n = json_string_value(json_object_get(entry, "name"));
            if (n != NULL) {
                json_object_set(seen, n, json_true());
            }
        }
        /* Within one file the last entry of a name wins (client-go's v1 conversion). */
        json_auto_t *latest = json_object();
        json_array_foreach (from, k, entry) {
            const char *n = json_string_value(json_object_get(entry, "name"));
            if (n != NULL) {
                json_object_set(latest, n, entry);
            }
        }
        json_array_foreach (from, k, entry) {
            const char *n = json_string_value(json_object_get(entry, "name"));
            if (n == NULL || json_object_get(seen, n) != NULL ||
                json_object_get(latest, n) != entry) {
                continue;
            }
            json_object_set(seen, n, json_true());
            json_array_append(to, entry);
        }
    }
    const char *cur = json_string_value(json_object_get(merged, "current-context"));
    const char *src_cur = json_string_value(json_object_get(src, "current-context"));
    if ((cur == NULL || cur[0] == '\0') && src_cur != NULL && src_cur[0] != '\0') {
        json_object_set_new(merged, "current-context", json_string(src_cur));
    }
}

static json_t *empty_config(void)
{
    return json_pack("{s:s, s:s, s:[], s:[], s:s, s:{}, s:[]}", "apiVersion", "v1", "kind",
                     "Config", "clusters", "contexts", "current-context", "", "preferences",
                     "users");
}

static int merge_file(json_t *merged, const char *path, struct err *err)
{
    json_auto_t *cfg = NULL;
    int rv = kubeconfig_read_file(path, &cfg, err);
    if (rv < 0) {
        return rv;
    }
    resolve_local_paths(cfg, path);
    merge_lists(merged, cfg);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "name"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "name"));
    return strcmp(x != NULL ? x : "", y != NULL ? y : "");
}

/* client-go keeps the lists as maps, so the merged config lists them by name. */
static void sort_lists(json_t *cfg)
{
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        json_t *arr = json_object_get(cfg, lists[i].list);
        size_t n = json_array_size(arr);
        if (n < 2) {
            continue;
        }
        json_t **items = xcalloc(n, sizeof *items);
        for (size_t k = 0; k < n; k++) {
            items[k] = json_incref(json_array_get(arr, k));
        }
        qsort(items, n, sizeof *items, compare_names);
        json_array_clear(arr);
        for (size_t k = 0; k < n; k++) {
            json_array_append_new(arr, items[k]);
        }
        free(items);
    }
}

int kubeconfig_load_paths(const char *explicit_path, const char *env_kubeconfig, const char *home,
                          json_t **out, struct err *err)
{
    json_auto_t *merged = empty_config();
    struct stat st;
    int rv = 0;
    if (explicit_path != NULL && explicit_path[0] != '\0') {
        if (stat(explicit_path, &st) < 0) {
            /* Go's wording: "stat x: no such file or directory". */
            char text[128];
            snprintf(text, sizeof text, "%s", strerror(errno));
            text[0] = (char)tolower((unsigned char)text[0]);
            return err_set(err, errno, "stat %s: %s", explicit_path, text);
        }
        rv = merge_file(merged, explicit_path, err);
    } else if (env_kubeconfig != NULL && env_kubeconfig[0] != '\0') {
        cleanup_free char *list = xstrdup(env_kubeconfig);
        json_auto_t *seen = json_object();
        char *save = NULL;
        for (char *p = strtok_r(list, ":", &save); p != NULL && rv == 0;
             p = strtok_r(NULL, ":", &save)) {
            if (json_object_get(seen, p) != NULL || stat(p, &st) < 0) {
                continue;
            }
            json_object_set(seen, p, json_true());
            rv = merge_file(merged, p, err);
        }
    } else if (home != NULL && home[0] != '\0') {
        cleanup_free char *path = xasprintf("%s/.kube/config", home);
        if (stat(path, &st) == 0) {
            rv = merge_file(merged, path, err);
        }
    }
    if (rv < 0) {
        return rv;
    }
    sort_lists(merged);
    *out = steal_ptr(&merged);
    return 0;
}

int kubeconfig_load(const char *explicit_path, json_t **out, struct err *err)
{
    return kubeconfig_load_paths(explicit_path, getenv("KUBECONFIG"), getenv("HOME"), out, err);
}

static char *dup_field(const json_t *obj, const char *field)
{
    const char *s = json_string_value(json_object_get(obj, field));
    return s != NULL && s[0] != '\0' ? xstrdup(s) : NULL;
}

static int decode_field(const json_t *obj, const char *field, const char *what, const char *name,
                        unsigned char **out, size_t *out_len, struct err *err)
{
    const char *s = json_string_value(json_object_get(obj, field));
    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    struct err derr = {0};
    uint8_t *data = NULL;
    if (b64_decode(s, strlen(s), &data, out_len, &derr) < 0) {
        return err_set(err, EINVAL, "%s \"%s\": %s: %s", what, name, field, derr.msg);
    }
    *out = data;
    return 0;
}

static int read_token_file(struct kubeconfig *kc, struct err *err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    int rv = read_all(kc->token_file, &text, &len, err);
    if (rv < 0) {
        return rv;
    }
    size_t start = 0;
    while (start < len && strchr(" \t\r\n\v\f", text[start]) != NULL) {
        start++;
    }
    while (len > start && strchr(" \t\r\n\v\f", text[len - 1]) != NULL) {
        len--;
    }
    kc->token = xstrndup(text + start, len - start);
    return 0;
}

int kubeconfig_resolve(const json_t *config, const char *context, struct kubeconfig *out,
                       struct err *err)
{
    struct kubeconfig kc = {0};
    const char *name = context;
    if (name == NULL || name[0] == '\0') {
        name = json_string_value(json_object_get(config, "current-context"));
    }
    const json_t *ctx = NULL;
    if (name != NULL && name[0] != '\0') {
        ctx = kubeconfig_find(config, "contexts", name);
        if (ctx == NULL) {
            return err_set(err, ENOENT, "context was not found for specified context: %s", name);
        }
        kc.context = xstrdup(name);
    }
    kc.cluster = dup_field(ctx, "cluster");
    kc.user = dup_field(ctx, "user");
    kc.namespace = dup_field(ctx, "namespace");
    if (kc.namespace == NULL) {
        kc.namespace = xstrdup("default");
    }
    const json_t *cl = kubeconfig_find(config, "clusters", kc.cluster);
    const json_t *user = kubeconfig_find(config, "users", kc.user);
    kc.server = dup_field(cl, "server");
    if (kc.server == NULL) {
        kc.server = xstrdup(KUBECONFIG_DEFAULT_SERVER);
    }
    kc.tls_server_name = dup_field(cl, "tls-server-name");
    kc.insecure_skip_tls_verify = json_is_true(json_object_get(cl, "insecure-skip-tls-verify"));
    kc.ca_file = dup_field(cl, "certificate-authority");
    kc.client_cert_file = dup_field(user, "client-certificate");
    kc.client_key_file = dup_field(user, "client-key");
    kc.token = dup_field(user, "token");
    kc.token_file = dup_field(user, "tokenFile");
    kc.username = dup_field(user, "username");
    kc.password = dup_field(user, "password");
    int rv = decode_field(cl, "certificate-authority-data", "cluster", kc.cluster, &kc.ca_data,
                          &kc.ca_data_len, err);
    if (rv == 0) {
        rv = decode_field(user, "client-certificate-data", "user", kc.user, &kc.client_cert_data,
                          &kc.client_cert_data_len, err);
    }
    if (rv == 0) {
        rv = decode_field(user, "client-key-data", "user", kc.user, &kc.client_key_data,
                          &kc.client_key_data_len, err);
    }
    /* client-go reads tokenFile only when no token is given. */
    if (rv == 0 && kc.token == NULL && kc.token_file != NULL) {
        rv = read_token_file(&kc, err);
    }
    if (rv < 0) {
        kubeconfig_close(&kc);
        return rv;
    }
    *out = kc;
    return 0;
}

void kubeconfig_close(struct kubeconfig *kc)
{
    free(kc->context);
    free(kc->cluster);
    free(kc->user);
    free(kc->server);
    free(kc->tls_server_name);
    free(kc->ca_file);
    free(kc->ca_data);
    free(kc->client_cert_file);
    free(kc->client_cert_data);
    free(kc->client_key_file);
    free(kc->client_key_data);
    free(kc->token);
    free(kc->token_file);
    free(kc->username);
    free(kc->password);
    free(kc->namespace);
    memset(kc, 0, sizeof *kc);
}

int kubeconfig_write(const char *path, const json_t *config, struct err *err)
{
    cleanup_free char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
            return err_set(err, errno, "mkdir %s: %s", dir, strerror(errno));
        }
    }
    cleanup_free char *text = yamlx_dump(config);
    cleanup_free char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return err_set(err, errno, "open %s: %s", tmp, strerror(errno));
    }
    size_t len = strlen(text);
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;
            unlink(tmp);
            return err_set(err, e, "write %s: %s", tmp, strerror(e));
        }
        off += (size_t)n;
    }
    if (fsync(fd) < 0 || rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return err_set(err, e, "write %s: %s", path, strerror(e));
    }
    return 0;
}
