/* etcdctl snapshot save/restore/status, for c8s-store's own snapshot format (kv.h). */
#include "snapshot_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "b64.h"
#include "cleanup.h"
#include "fileio.h"
#include "flags.h"
#include "http_client.h"
#include "kv.h"
#include "member.h"
#include "xalloc.h"

struct save_state {
    FILE *out;
    size_t written;
    char error[ERR_MSG_SIZE + 64];
};

/* Each line is {"result":{"blob":"<base64>","remaining_bytes":"N",...}}. */
static int on_snapshot_line(const char *line, size_t len, void *data)
{
    struct save_state *st = data;
    json_error_t jerr;
    cleanup_json json_t *msg = json_loadb(line, len, 0, &jerr);
    json_t *result = json_object_get(msg, "result");
    if (result == NULL) {
        const char *e =
            json_string_value(json_object_get(json_object_get(msg, "error"), "message"));
        snprintf(st->error, sizeof st->error, "%s", e ? e : "unexpected answer");
        return 1;
    }
    const char *blob = json_string_value(json_object_get(result, "blob"));
    if (blob == NULL) {
        return 0;
    }
    cleanup_free uint8_t *bytes = NULL;
    size_t n = 0;
    struct err err = {0};
    if (b64_decode(blob, strlen(blob), &bytes, &n, &err) != 0) {
        snprintf(st->error, sizeof st->error, "bad blob: %s", err.msg);
        return 1;
    }
    if (fwrite(bytes, 1, n, st->out) != n) {
        snprintf(st->error, sizeof st->error, "write: %s", strerror(errno));
        return 1;
    }
    st->written += n;
    return 0;
}

struct tls_files {
    const char *cacert, *cert, *key;
};

static int save_from(const char *endpoint, const char *path, const struct tls_files *tls,
                     struct err *err)
{
    struct http_config cfg = {
        .base_url = endpoint,
        .connect_timeout_ms = 3000,
        .ca_file = tls->cacert,
        .cert_file = tls->cert,
        .key_file = tls->key,
    };
    struct http_client *client = http_client_new(&cfg, err);
    if (client == NULL) {
        return -1;
    }
    cleanup_free char *partial = xasprintf("%s.part", path);
    struct save_state st = {.out = fopen(partial, "wb")};
    if (st.out == NULL) {
        http_client_free(client);
        return err_set(err, errno, "open %s: %s", partial, strerror(errno));
    }
    struct http_request req = {
        .method = "POST",
        .path = "/v3/maintenance/snapshot",
        .content_type = "application/json",
        .body = "{}",
        .body_len = 2,
    };
    struct http_response resp = {0};
    int rc = http_stream(client, &req, on_snapshot_line, &st, &resp, err);
    http_client_free(client);
    bool synced = fflush(st.out) == 0 && fsync(fileno(st.out)) == 0;
    fclose(st.out);
    if (rc == 0 && resp.status != 200) {
        rc = err_set(err, C8S_EHTTP, "%s: HTTP %ld: %s", endpoint, resp.status,
                     resp.body ? resp.body : "");
    } else if (rc == 0 && st.error[0] != '\0') {
        rc = err_set(err, EPROTO, "%s: %s", endpoint, st.error);
    } else if (rc == 0 && !synced) {
        rc = err_set(err, EIO, "write %s: %s", partial, strerror(errno));
    }
    http_response_free(&resp);
    if (rc != 0) {
        unlink(partial);
        return rc;
    }
    if (rename(partial, path) != 0) {
        return err_set(err, errno, "rename to %s: %s", path, strerror(errno));
    }
    return 0;
}

static int snapshot_save(const char *path, const char *endpoints, const struct tls_files *tls)
{
    cleanup_free char *list = xstrdup(endpoints);
    char *save = NULL;
    struct err err = {0};
    for (char *e = strtok_r(list, ",", &save); e != NULL; e = strtok_r(NULL, ",", &save)) {
        if (save_from(e, path, tls, &err) == 0) {
            printf("Snapshot saved at %s\n", path);
            return 0;
        }
        fprintf(stderr, "c8s-store: snapshot from %s failed: %s\n", e, err.msg);
    }
    return 1;
}

int snapshot_read_file(const char *path, void **data, size_t *len, struct err *err)
{
    char *text = NULL;
    int rc = file_read_all(path, &text, len, err);
    *data = text;
    return rc;
}

/* Loads path into a fresh kv to prove it is whole; prints etcdctl's status table when asked. */
static int check_file(const char *path, bool print, struct err *err)
{
    cleanup_free void *data = NULL;
    size_t len = 0;
    if (snapshot_read_file(path, &data, &len, err) != 0) {
        return -1;
    }
    struct kv_store *kv = kv_new();
    struct kv_error kerr = {0};
    if (kv_snapshot_load(kv, data, len, &kerr) != 0) {
        kv_free(kv);
        return err_set(err, EINVAL, "%s: %s", path, kerr.message);
    }
    if (print) {
        printf("+----------+----------+------------+------------+\n");
        printf("|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |\n");
        printf("+----------+----------+------------+------------+\n");
        printf("| %8x | %8lld | %10zu | %7zu kB |\n", kv_hash(kv), (long long)kv_revision(kv),
               kv_key_count(kv), len / 1024);
        printf("+----------+----------+------------+------------+\n");
    }
    kv_free(kv);
    return 0;
}

static int copy_file(const char *from, const char *to, struct err *err)
{
    cleanup_free void *data = NULL;
    size_t len = 0;
    if (snapshot_read_file(from, &data, &len, err) != 0) {
        return -1;
    }
    cleanup_file FILE *f = fopen(to, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
        return err_set(err, errno ? errno : EIO, "write %s: %s", to, strerror(errno));
    }
    return 0;
}

static int snapshot_restore(const char *path, const char *data_dir, const char *name,
                            const char *initial_cluster, const char *token, const char *peer_urls)
{
    struct err err = {0};
    struct member_initial members[MEMBER_MAX];
    if (member_parse_initial_cluster(initial_cluster, token, members, MEMBER_MAX, &err) < 0) {
        fprintf(stderr, "c8s-store: %s\n", err.msg);
        return 2;
    }
    if (check_file(path, false, &err) != 0) {
        fprintf(stderr, "c8s-store: snapshot restore: %s\n", err.msg);
        return 1;
    }
    struct stat st;
    if (stat(data_dir, &st) == 0) {
        fprintf(stderr, "c8s-store: snapshot restore: data-dir %s exists\n", data_dir);
        return 1;
    }
    if (mkdir(data_dir, 0700) != 0) {
        fprintf(stderr, "c8s-store: mkdir %s: %s\n", data_dir, strerror(errno));
        return 1;
    }
    cleanup_free char *seed = xasprintf("%s/%s", data_dir, SNAPSHOT_SEED_FILE);
    if (copy_file(path, seed, &err) != 0) {
        fprintf(stderr, "c8s-store: snapshot restore: %s\n", err.msg);
        return 1;
    }
    printf("restored snapshot to %s for member %s (%llx); start it with --data-dir %s "
           "--initial-cluster-state new\n",
           data_dir, name, (unsigned long long)member_id_from_peer_urls(peer_urls, token),
           data_dir);
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage:\n"
                 "  c8s-store snapshot save FILE --endpoints=URL[,URL...]\n"
                 "  c8s-store snapshot restore FILE --data-dir DIR --name NAME "
                 "--initial-cluster ... --initial-cluster-token ... "
                 "--initial-advertise-peer-urls URL\n"
                 "  c8s-store snapshot status FILE\n");
}

int snapshot_cli_main(int argc, char **argv)
{
    const char *endpoints = "http://127.0.0.1:2379";
    const char *data_dir = NULL;
    const char *name = "default";
    const char *initial_cluster = "default=http://localhost:2380";
    const char *token = "etcd-cluster";
    const char *peer_urls = "http://localhost:2380";
    struct tls_files tls = {0};
    struct flagset fs;
    flags_init(&fs, "c8s-store snapshot", "c8s-store snapshot save|restore|status FILE [flags]");
    flags_string(&fs, "endpoints", 0, &endpoints,
                 "Client URLs of the members to save from (save).");
    flags_string(&fs, "data-dir", 0, &data_dir, "Path to the data directory to create (restore).");
    flags_string(&fs, "name", 0, &name, "Human-readable name for this member (restore).");
    flags_string(&fs, "initial-cluster", 0, &initial_cluster,
                 "Initial cluster configuration for restore bootstrap.");
    flags_string(&fs, "initial-cluster-token", 0, &token,
                 "Initial cluster token for the etcd cluster during restore bootstrap.");
    flags_string(&fs, "initial-advertise-peer-urls", 0, &peer_urls,
                 "List of this member's peer URLs to advertise to the rest of the cluster.");
    flags_string(&fs, "cacert", 0, &tls.cacert,
                 "Verify certificates of TLS-enabled secure servers using this CA bundle (save).");
    flags_string(&fs, "cert", 0, &tls.cert,
                 "Identify secure client using this TLS certificate file (save).");
    flags_string(&fs, "key", 0, &tls.key, "Identify secure client using this TLS key file (save).");
    flags_parse_or_exit(&fs, argc, argv);
    int rc = 2;
    /* fs.args[0] is "snapshot". */
    if (fs.nargs != 3) {
        usage(stderr);
    } else if (strcmp(fs.args[1], "save") == 0) {
        struct err err = {0};
        rc = http_global_init(&err) == 0 ? snapshot_save(fs.args[2], endpoints, &tls) : 1;
    } else if (strcmp(fs.args[1], "restore") == 0) {
        char default_dir[300];
        if (data_dir == NULL) {
            snprintf(default_dir, sizeof default_dir, "%s.etcd", name);
            data_dir = default_dir;
        }
        rc = snapshot_restore(fs.args[2], data_dir, name, initial_cluster, token, peer_urls);
    } else if (strcmp(fs.args[1], "status") == 0) {
        struct err err = {0};
        rc = check_file(fs.args[2], true, &err) == 0 ? 0 : 1;
        if (rc != 0) {
            fprintf(stderr, "c8s-store: %s\n", err.msg);
        }
    } else {
        usage(stderr);
    }
    flags_free(&fs);
    return rc;
}
