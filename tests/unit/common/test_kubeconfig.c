/* kubeconfig loading as kubectl does it, on real files in a temporary folder: KUBECONFIG lists,
 * --kubeconfig, ~/.kube/config, relative paths, *-data fields, tokenFile, missing contexts,
 * and writing back in `kubectl config view --raw`'s form. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kubeconfig.h"

struct fixture {
    char dir[64];
};

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/c8s-kubeconfig-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        return -1;
    }
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* Writes text to dir/name (creating dir/sub folders); returns the path (static buffer ring). */
static const char *write_file(const struct fixture *f, const char *name, const char *text)
{
    static char paths[8][256];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, 256, "%s/%s", f->dir, name);
    char folder[256];
    snprintf(folder, sizeof folder, "%s", path);
    for (char *p = folder + strlen(f->dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(folder, 0755);
        *p = '/';
    }
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
    return path;
}

static void resolve_ok(const char *explicit_path, const char *env, const char *home,
                       const char *context, struct kubeconfig *kc)
{
    json_t *cfg = NULL;
    struct err err = {0};
    if (kubeconfig_load_paths(explicit_path, env, home, &cfg, &err) < 0) {
        fail_msg("load: %s", err.msg);
    }
    if (kubeconfig_resolve(cfg, context, kc, &err) < 0) {
        fail_msg("resolve: %s", err.msg);
    }
    json_decref(cfg);
}

/* ---- Success --------------------------------------------------------------------------- */

static const char full_config[] =
    "apiVersion: v1\n"
    "kind: Config\n"
    "current-context: admin@prod\n"
    "clusters:\n"
    "- name: prod\n"
    "  cluster:\n"
    "    server: https://10.0.0.1:6443\n"
    "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n"
    "    tls-server-name: kubernetes\n"
    "- name: dev\n"
    "  cluster: {server: 'https://dev:6443', insecure-skip-tls-verify: true}\n"
    "contexts:\n"
    "- name: admin@prod\n"
    "  context: {cluster: prod, user: admin, namespace: kube-system}\n"
    "- name: dev\n"
    "  context: {cluster: dev, user: basic}\n"
    "users:\n"
    "- name: admin\n"
    "  user:\n"
    "    client-certificate-data: Y2VydA==\n"
    "    client-key-data: a2V5\n"
    "    token: abc.def\n"
    "- name: basic\n"
    "  user: {username: alice, password: 's3cr3t'}\n";

static void test_current_context_resolves_server_ca_client_cert_and_namespace(void **state)
{
    struct fixture *f = *state;
    const char *path = write_file(f, "config", full_config);
    struct kubeconfig kc;
    resolve_ok(path, NULL, NULL, NULL, &kc);
    assert_string_equal(kc.context, "admin@prod");
    assert_string_equal(kc.cluster, "prod");
    assert_string_equal(kc.server, "https://10.0.0.1:6443");
    assert_string_equal(kc.tls_server_name, "kubernetes");
    assert_false(kc.insecure_skip_tls_verify);
    assert_int_equal(kc.ca_data_len, 28);
    assert_memory_equal(kc.ca_data, "-----BEGIN CERTIFICATE-----\n", 28);
    assert_int_equal(kc.client_cert_data_len, 4);
    assert_memory_equal(kc.client_cert_data, "cert", 4);
    assert_memory_equal(kc.client_key_data, "key", 3);
    assert_string_equal(kc.token, "abc.def");
    assert_string_equal(kc.namespace, "kube-system");
    assert_null(kc.ca_file);
    kubeconfig_close(&kc);
}

static void test_explicit_context_overrides_current_context_and_namespace_defaults(void **state)
{
    struct fixture *f = *state;
    const char *path = write_file(f, "config", full_config);
    struct kubeconfig kc;
    resolve_ok(path, NULL, NULL, "dev", &kc);
    assert_string_equal(kc.server, "https://dev:6443");
    assert_true(kc.insecure_skip_tls_verify);
    assert_string_equal(kc.username, "alice");
    assert_string_equal(kc.password, "s3cr3t");
    assert_null(kc.token);
    assert_string_equal(kc.namespace, "default");
    kubeconfig_close(&kc);
}

static void test_relative_paths_resolve_against_their_files_folder(void **state)
{
    struct fixture *f = *state;
    write_file(f, "certs/token", "  tok-from-file\n");
    const char *path = write_file(f, "sub/config",
                                  "current-context: c\n"
                                  "clusters:\n- name: k\n  cluster:\n    server: https://k\n"
                                  "    certificate-authority: ca.crt\n"
                                  "contexts:\n- name: c\n  context: {cluster: k, user: u}\n"
                                  "users:\n- name: u\n  user:\n"
                                  "    client-certificate: ../certs/c.crt\n"
                                  "    client-key: /abs/c.key\n"
                                  "    tokenFile: ../certs/token\n");
    struct kubeconfig kc;
    resolve_ok(NULL, path, NULL, NULL, &kc);
    char *real = realpath(f->dir, NULL);
    char want[512];
    snprintf(want, sizeof want, "%s/sub/ca.crt", real);
    assert_string_equal(kc.ca_file, want);
    snprintf(want, sizeof want, "%s/certs/c.crt", real);
    assert_string_equal(kc.client_cert_file, want);
    assert_string_equal(kc.client_key_file, "/abs/c.key");
    /* No token, so tokenFile is read (and trimmed, as client-go's token source does). */
    assert_string_equal(kc.token, "tok-from-file");
    free(real);
    kubeconfig_close(&kc);
}

static void test_kubeconfig_list_merges_with_the_first_file_winning(void **state)
{
    struct fixture *f = *state;
    const char *a = write_file(f, "a",
                               "clusters:\n- name: shared\n  cluster: {server: 'https://from-a'}\n"
                               "users:\n- name: u\n  user: {token: ta}\n");
    const char *b = write_file(f, "b",
                               "current-context: ctx\n"
                               "clusters:\n- name: shared\n  cluster: {server: 'https://from-b',"
                               " insecure-skip-tls-verify: true}\n"
                               "- name: only-b\n  cluster: {server: 'https://b'}\n"
                               "contexts:\n- name: ctx\n  context: {cluster: shared, user: u}\n"
                               "users:\n- name: u\n  user: {token: tb}\n");
    const char *c = write_file(f, "c", "current-context: later\n");
    char env[1024];
    snprintf(env, sizeof env, "%s/missing::%s:%s:%s:%s", f->dir, a, b, a, c);
    json_t *cfg = NULL;
    struct err err = {0};
    assert_int_equal(kubeconfig_load_paths(NULL, env, NULL, &cfg, &err), 0);
    assert_string_equal(json_string_value(json_object_get(cfg, "current-context")), "ctx");
    assert_int_equal(json_array_size(json_object_get(cfg, "clusters")), 2);
    /* Listed by name, as client-go's maps come out of `kubectl config view`. */
    json_t *first = json_array_get(json_object_get(cfg, "clusters"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "name")), "only-b");
    struct kubeconfig kc;
    assert_int_equal(kubeconfig_resolve(cfg, NULL, &kc, &err), 0);
    /* The whole "shared" entry comes from a: fields are not merged across files. */
    assert_string_equal(kc.server, "https://from-a");
    assert_false(kc.insecure_skip_tls_verify);
    assert_string_equal(kc.token, "ta");
    kubeconfig_close(&kc);
    json_decref(cfg);
}

static void test_explicit_path_wins_over_kubeconfig_and_home(void **state)
{
    struct fixture *f = *state;
    const char *env = write_file(f, "env", "current-context: env\n");
    write_file(f, "home/.kube/config", "current-context: home\n");
    const char *explicit_path = write_file(f, "explicit", "current-context: explicit\n");
    char home[256];
    snprintf(home, sizeof home, "%s/home", f->dir);
    json_t *cfg = NULL;
    struct err err = {0};
    assert_int_equal(kubeconfig_load_paths(explicit_path, env, home, &cfg, &err), 0);
    assert_string_equal(json_string_value(json_object_get(cfg, "current-context")), "explicit");
    json_decref(cfg);
    assert_int_equal(kubeconfig_load_paths(NULL, env, home, &cfg, &err), 0);
    assert_string_equal(json_string_value(json_object_get(cfg, "current-context")), "env");
    json_decref(cfg);
    assert_int_equal(kubeconfig_load_paths(NULL, "", home, &cfg, &err), 0);
    assert_string_equal(json_string_value(json_object_get(cfg, "current-context")), "home");
    json_decref(cfg);
}

static void test_no_configuration_falls_back_to_localhost_as_kubectl(void **state)
{
    struct fixture *f = *state;
    struct kubeconfig kc;
    resolve_ok(NULL, NULL, f->dir, NULL, &kc);
    assert_null(kc.context);
    assert_string_equal(kc.server, "http://localhost:8080");
    assert_string_equal(kc.namespace, "default");
    kubeconfig_close(&kc);
    /* An empty file is an empty configuration too. */
    const char *empty = write_file(f, "empty", "");
    resolve_ok(empty, NULL, NULL, NULL, &kc);
    assert_string_equal(kc.server, "http://localhost:8080");
    kubeconfig_close(&kc);
}

/* What `kubectl config view --raw` printed for this configuration. */
static const char kubectl_view[] = "apiVersion: v1\n"
                                   "clusters:\n"
                                   "- cluster:\n"
                                   "    server: http://127.0.0.1:18080\n"
                                   "  name: fake\n"
                                   "contexts:\n"
                                   "- context:\n"
                                   "    cluster: fake\n"
                                   "    user: u\n"
                                   "  name: fake\n"
                                   "current-context: fake\n"
                                   "kind: Config\n"
                                   "preferences: {}\n"
                                   "users:\n"
                                   "- name: u\n"
                                   "  user: {}\n";

static void test_write_produces_kubectls_layout_with_private_mode(void **state)
{
    struct fixture *f = *state;
    json_t *cfg = json_pack("{s:s, s:s, s:s, s:{}, s:[{s:s, s:{s:s}}], s:[{s:s, s:{s:s, s:s}}],"
                            " s:[{s:s, s:{}}]}",
                            "kind", "Config", "apiVersion", "v1", "current-context", "fake",
                            "preferences", "clusters", "name", "fake", "cluster", "server",
                            "http://127.0.0.1:18080", "contexts", "name", "fake", "context", "user",
                            "u", "cluster", "fake", "users", "name", "u", "user");
    char path[256];
    snprintf(path, sizeof path, "%s/newdir/config", f->dir);
    struct err err = {0};
    assert_int_equal(kubeconfig_write(path, cfg, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *in = fopen(path, "r");
    char text[1024] = {0};
    assert_true(fread(text, 1, sizeof text - 1, in) > 0);
    fclose(in);
    assert_string_equal(text, kubectl_view);
    json_t *back = NULL;
    assert_int_equal(kubeconfig_read_file(path, &back, &err), 0);
    assert_true(json_equal(back, cfg));
    json_decref(back);
    json_decref(cfg);
}

/* ---- Failure --------------------------------------------------------------------------- */

static void test_missing_context_fails_with_client_go_message(void **state)
{
    struct fixture *f = *state;
    const char *path = write_file(f, "config", full_config);
    json_t *cfg = NULL;
    struct err err = {0};
    assert_int_equal(kubeconfig_load_paths(path, NULL, NULL, &cfg, &err), 0);
    struct kubeconfig kc = {0};
    assert_int_equal(kubeconfig_resolve(cfg, "nope", &kc, &err), -ENOENT);
    assert_string_equal(err.msg, "context was not found for specified context: nope");
    assert_null(kc.server);
    json_decref(cfg);
}

static void test_missing_explicit_file_fails_like_kubectl(void **state)
{
    struct fixture *f = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/nonexistent", f->dir);
    json_t *cfg = NULL;
    struct err err = {0};
    assert_int_equal(kubeconfig_load_paths(path, NULL, NULL, &cfg, &err), -ENOENT);
    char want[300];
    snprintf(want, sizeof want, "stat %s: no such file or directory", path);
    assert_string_equal(err.msg, want);
    assert_null(cfg);
}

static void test_broken_yaml_and_bad_base64_are_reported(void **state)
{
    struct fixture *f = *state;
    const char *bad = write_file(f, "bad", "clusters:\n- name: x\n  cluster: {server: a: b}\n");
    json_t *cfg = NULL;
    struct err err = {0};
    assert_true(kubeconfig_load_paths(NULL, bad, NULL, &cfg, &err) < 0);
    char want[300];
    snprintf(want, sizeof want,
             "error loading config file \"%s\": yaml: line 3, column 22: did not find expected "
             "',' or '}'",
             bad);
    assert_string_equal(err.msg, want);
    const char *b64 =
        write_file(f, "b64",
                   "current-context: c\ncontexts:\n- name: c\n  context: {cluster: k}\n"
                   "clusters:\n- name: k\n  cluster: {certificate-authority-data: "
                   "'!!!'}\n");
    assert_int_equal(kubeconfig_load_paths(b64, NULL, NULL, &cfg, &err), 0);
    struct kubeconfig kc;
    assert_int_equal(kubeconfig_resolve(cfg, NULL, &kc, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "certificate-authority-data"));
    json_decref(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_current_context_resolves_server_ca_client_cert_and_namespace, set_up, tear_down),
        cmocka_unit_test_setup_teardown(
            test_explicit_context_overrides_current_context_and_namespace_defaults, set_up,
            tear_down),
        cmocka_unit_test_setup_teardown(test_relative_paths_resolve_against_their_files_folder,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_kubeconfig_list_merges_with_the_first_file_winning,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_explicit_path_wins_over_kubeconfig_and_home, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_no_configuration_falls_back_to_localhost_as_kubectl,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_write_produces_kubectls_layout_with_private_mode,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_missing_context_fails_with_client_go_message, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_missing_explicit_file_fails_like_kubectl, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_broken_yaml_and_bad_base64_are_reported, set_up,
                                        tear_down),
    };
    return cmocka_run_group_tests_name("kubeconfig", tests, NULL, NULL);
}
