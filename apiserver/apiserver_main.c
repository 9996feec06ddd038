/* c8s-apiserver's wiring: storage client, bootstrap objects, HTTP server, the compaction loop
 * (kube-apiserver's --etcd-compaction-interval), and a clean stop on SIGTERM/SIGINT. */
#include "apiserver_main.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "authn.h"
#include "duration.h"
#include "etcd3.h"
#include "flags.h"
#include "http_client.h"
#include "log.h"
#include "nodeauthz.h"
#include "policy_cache.h"
#include "rest.h"
#include "satoken.h"
#include "server.h"
#include "strategy.h"
#include "xalloc.h"

struct compactor {
    struct etcd3 *storage;
    int64_t interval_ns;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool stop;
};

/* Every interval, one compaction round; the store keeps one interval of history. */
static void *compactor_main(void *data)
{
    struct compactor *c = data;
    int64_t last_version = 0, last_revision = 0;
    pthread_mutex_lock(&c->mu);
    while (!c->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += c->interval_ns / DURATION_SECOND;
        until.tv_nsec += c->interval_ns % DURATION_SECOND;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        while (!c->stop && pthread_cond_timedwait(&c->cond, &c->mu, &until) != ETIMEDOUT) {
        }
        if (c->stop) {
            break;
        }
        pthread_mutex_unlock(&c->mu);
        struct err e = {0};
        if (etcd3_compact_round(c->storage, &last_version, &last_revision, &e) != 0) {
            LOG_W("compaction round failed", "error=\"%s\"", e.msg);
        }
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* Every value of a repeatable flag (--name=v or --name v), joined with commas as kube-apiserver's
 * string slices join them; NULL when absent. An owned string. */
static char *repeated_flag(int argc, char **argv, const char *name)
{
    size_t nlen = strlen(name);
    char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = NULL;
        if (strcmp(a, "--") == 0) {
            break;
        }
        if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, nlen) != 0) {
            continue;
        }
        if (a[2 + nlen] == '=') {
            value = a + 3 + nlen;
        } else if (a[2 + nlen] == '\0' && i + 1 < argc) {
            value = argv[++i];
        } else {
            continue;
        }
        char *joined = out ? xasprintf("%s,%s", out, value) : xstrdup(value);
        free(out);
        out = joined;
    }
    return out;
}

/* The service account token signer from the --service-account-* flags; NULL (and no error)
 * when none is given. */
static struct satoken_signer *token_signer_from_flags(int argc, char **argv,
                                                      const struct satoken_config *base,
                                                      struct err *err, bool *failed)
{
    *failed = false;
    char *key_files = repeated_flag(argc, argv, "service-account-key-file");
    char *issuers = repeated_flag(argc, argv, "service-account-issuer");
    struct satoken_signer *s = NULL;
    if (base->signing_key_file != NULL || key_files != NULL) {
        struct satoken_config cfg = *base;
        cfg.key_files = key_files;
        cfg.issuers = issuers;
        s = satoken_signer_new(&cfg, err);
        *failed = s == NULL;
    }
    free(key_files);
    free(issuers);
    return s;
}

int apiserver_main(int argc, char **argv)
{
    const char *etcd_servers = NULL;
    const char *etcd_cafile = NULL;
    const char *etcd_certfile = NULL;
    const char *etcd_keyfile = NULL;
    const char *bind_address = "127.0.0.1";
    int insecure_port = 0;
    const char *secure_bind_address = "0.0.0.0";
    int secure_port = 6443;
    const char *tls_cert_file = NULL;
    const char *tls_key_file = NULL;
    const char *client_ca_file = NULL;
    const char *token_auth_file = NULL;
    bool anonymous_auth = false;
    const char *authorization_mode = "AlwaysAllow";
    const char *sa_signing_key_file = NULL;
    const char *sa_key_file = NULL;
    const char *sa_issuer = NULL;
    const char *api_audiences = NULL;
    int64_t sa_max_expiration = 0;
    bool sa_extend_expiration = true;
    int threads = 64;
    const char *service_cluster_ip_range = "10.0.0.0/24";
    const char *service_node_port_range = "30000-32767";
    const char *advertise_address = NULL;
    const char *disable_admission_plugins = NULL;
    bool watch_cache = true;
    int64_t compaction_interval = 5 * DURATION_MINUTE;
    int64_t event_ttl = DURATION_HOUR;
    int verbosity = 0;

    struct flagset fs;
    flags_init(&fs, "c8s-apiserver", "c8s-apiserver [flags]");
    flags_string(&fs, "etcd-servers", 0, &etcd_servers,
                 "List of etcd servers to connect with (scheme://ip:port), comma separated.");
    flags_string(&fs, "etcd-cafile", 0, &etcd_cafile,
                 "SSL Certificate Authority file used to secure etcd communication.");
    flags_string(&fs, "etcd-certfile", 0, &etcd_certfile,
                 "SSL certification file used to secure etcd communication.");
    flags_string(&fs, "etcd-keyfile", 0, &etcd_keyfile,
                 "SSL key file used to secure etcd communication.");
    flags_duration(&fs, "etcd-compaction-interval", 0, &compaction_interval,
                   "The interval of compaction requests. If 0, the compaction request from "
                   "apiserver is disabled.");
    flags_duration(&fs, "event-ttl", 0, &event_ttl,
                   "How long an Event is kept after its last write (0: for ever).");
    flags_string(&fs, "insecure-bind-address", 0, &bind_address,
                 "The loopback address the plain-HTTP learning port listens on.");
    flags_int(&fs, "insecure-port", 0, &insecure_port,
              "Serve plain HTTP without authentication on this loopback port, for local "
              "learning only (0 disables it).");
    flags_string(&fs, "bind-address", 0, &secure_bind_address,
                 "The IP address on which to listen for the --secure-port port.");
    flags_int(&fs, "secure-port", 0, &secure_port,
              "The port on which to serve HTTPS with authentication and authorization (served "
              "when --tls-cert-file is given).");
    flags_string(&fs, "tls-cert-file", 0, &tls_cert_file,
                 "File containing the default x509 Certificate for HTTPS.");
    flags_string(&fs, "tls-private-key-file", 0, &tls_key_file,
                 "File containing the default x509 private key matching --tls-cert-file.");
    flags_string(&fs, "client-ca-file", 0, &client_ca_file,
                 "If set, any request presenting a client certificate signed by one of the "
                 "authorities in the client-ca-file is authenticated with an identity "
                 "corresponding to the CommonName of the client certificate.");
    flags_string(&fs, "token-auth-file", 0, &token_auth_file,
                 "If set, the file that will be used to secure the secure port of the API server "
                 "via token authentication.");
    flags_bool(&fs, "anonymous-auth", 0, &anonymous_auth,
               "Enables anonymous requests to the secure port of the API server (off until RBAC "
               "can limit what they may do).");
    flags_string(&fs, "authorization-mode", 0, &authorization_mode,
                 "Ordered list of plug-ins to do authorization on secure port. Comma-delimited "
                 "list of: AlwaysAllow,AlwaysDeny,Node,RBAC.");
    flags_string(&fs, "service-account-signing-key-file", 0, &sa_signing_key_file,
                 "Path to the file that contains the current private key of the service account "
                 "token issuer. The issuer will sign issued ID tokens with this private key.");
    flags_string(&fs, "service-account-key-file", 0, &sa_key_file,
                 "File containing PEM-encoded x509 RSA or ECDSA private or public keys, used to "
                 "verify ServiceAccount tokens. The specified file can contain multiple keys, and "
                 "the flag can be specified multiple times with different files. If unspecified, "
                 "--service-account-signing-key-file is used.");
    flags_string(&fs, "service-account-issuer", 0, &sa_issuer,
                 "Identifier of the service account token issuer (the iss claim). When this flag "
                 "is specified multiple times, the first is used to generate tokens and all are "
                 "used to determine which issuers are accepted.");
    flags_string(&fs, "api-audiences", 0, &api_audiences,
                 "Identifiers of the API. The service account token authenticator will validate "
                 "that tokens used against the API are bound to at least one of these audiences. "
                 "Defaults to the --service-account-issuer values.");
    flags_duration(&fs, "service-account-max-token-expiration", 0, &sa_max_expiration,
                   "The maximum validity duration of a token created by the service account "
                   "token issuer (0: no limit).");
    flags_bool(&fs, "service-account-extend-token-expiration", 0, &sa_extend_expiration,
               "Turns on projected service account expiration extension during token generation, "
               "which helps safe transition from legacy token to bound service account token "
               "feature.");
    flags_string(&fs, "service-cluster-ip-range", 0, &service_cluster_ip_range,
                 "A CIDR notation IP range from which to assign service cluster IPs.");
    flags_string(&fs, "service-node-port-range", 0, &service_node_port_range,
                 "A port range to reserve for services with NodePort visibility. Inclusive at "
                 "both ends of the range.");
    flags_string(&fs, "advertise-address", 0, &advertise_address,
                 "The IP address on which to advertise the apiserver to members of the cluster "
                 "(the kubernetes Service's endpoints). Defaults to --bind-address, or 127.0.0.1 "
                 "when that is 0.0.0.0.");
    flags_string(&fs, "disable-admission-plugins", 0, &disable_admission_plugins,
                 "admission plugins that should be disabled although they are in the default "
                 "enabled plugins list (NamespaceLifecycle, LimitRanger, ServiceAccount, "
                 "ResourceQuota).");
    flags_bool(&fs, "watch-cache", 0, &watch_cache, "Enable watch caching in the apiserver");
    flags_int(&fs, "max-requests-inflight", 0, &threads,
              "Worker threads serving requests (requests beyond wait for a free worker).");
    flags_int(&fs, "v", 'v', &verbosity, "number for the log level verbosity");
    flags_parse_or_exit(&fs, argc, argv);
    log_init("c8s-apiserver", verbosity);
    if (event_ttl < 0) {
        char text[32];
        fprintf(stderr, "c8s-apiserver: --event-ttl must not be negative, got %s\n",
                duration_format(event_ttl, text, sizeof text));
        flags_free(&fs);
        return 2;
    }
    if (etcd_servers == NULL || etcd_servers[0] == '\0') {
        fprintf(stderr, "c8s-apiserver: --etcd-servers must be specified\n");
        flags_free(&fs);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    json_object_seed(0);
    struct err e = {0};
    if (http_global_init(&e) != 0) {
        fprintf(stderr, "c8s-apiserver: %s\n", e.msg);
        flags_free(&fs);
        return 1;
    }
    /* Everything made below is freed at `out`, in reverse order; each free takes NULL. */
    int status = 1;
    const char *failed_what = "";
    struct etcd3 *storage = NULL;
    struct satoken_signer *signer = NULL;
    struct authn *authn = NULL;
    struct authz_chain *authz = NULL;
    struct rest *rest = NULL;
    struct policy_cache *policy = NULL;
    struct apiserver *server = NULL;

    struct etcd3_config scfg = {.endpoints = etcd_servers,
                                .ca_file = etcd_cafile,
                                .cert_file = etcd_certfile,
                                .key_file = etcd_keyfile};
    if ((storage = etcd3_new(&scfg, &e)) == NULL) {
        goto out;
    }
    if (flags_changed(&fs, "secure-port") && secure_port > 0 &&
        (tls_cert_file == NULL || tls_key_file == NULL)) {
        err_set(&e, EINVAL, "--secure-port needs --tls-cert-file and --tls-private-key-file");
        status = 2;
        goto out;
    }
    struct satoken_config sa_cfg = {.signing_key_file = sa_signing_key_file,
                                    .api_audiences = api_audiences,
                                    .max_expiration = sa_max_expiration / DURATION_SECOND,
                                    .extend_expiration = sa_extend_expiration,
                                    .storage = storage};
    bool sa_failed = false;
    signer = token_signer_from_flags(argc, argv, &sa_cfg, &e, &sa_failed);
    if (sa_failed) {
        goto out;
    }
    struct authn_config authn_cfg = {
        .token_auth_file = token_auth_file, .anonymous = anonymous_auth, .sa_tokens = signer};
    if ((authn = authn_new(&authn_cfg, &e)) == NULL) {
        goto out;
    }
    /* The chain is checked now and built again with the RBAC policy once it runs. */
    if ((authz = authz_chain_new(authorization_mode, NULL, storage, &e)) == NULL) {
        failed_what = "--authorization-mode: ";
        status = 2;
        goto out;
    }
    authz_chain_free(authz);
    authz = NULL;
    if (advertise_address == NULL) {
        advertise_address =
            strcmp(secure_bind_address, "0.0.0.0") == 0 ? "127.0.0.1" : secure_bind_address;
    }
    struct rest_options rest_opts = {.service_cluster_ip_range = service_cluster_ip_range,
                                     .service_node_port_range = service_node_port_range,
                                     .advertise_address = advertise_address,
                                     .advertise_port = secure_port,
                                     .disable_admission_plugins = disable_admission_plugins,
                                     .watch_cache = watch_cache,
                                     .event_ttl_seconds = event_ttl / DURATION_SECOND,
                                     .token_signer = signer};
    if ((rest = rest_new(storage, &rest_opts, &e)) == NULL) {
        status = 2;
        goto out;
    }
    if (rest_bootstrap(rest, &e) != 0 || strategy_bootstrap_priority_classes(storage, &e) != 0) {
        failed_what = "cannot reach storage: ";
        goto out;
    }

    /* Signals go to a sigwait below, not to the worker threads. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

    if (authz_mode_has(authorization_mode, "RBAC") &&
        (policy = policy_cache_start(storage, &e)) == NULL) {
        failed_what = "RBAC policy: ";
        goto out;
    }
    authz = authz_chain_new(authorization_mode, policy, storage, &e);
    struct apiserver_config acfg = {.bind_address = bind_address,
                                    .insecure_port = insecure_port,
                                    .secure_bind_address = secure_bind_address,
                                    .secure_port = secure_port,
                                    .tls_cert_file = tls_cert_file,
                                    .tls_key_file = tls_key_file,
                                    .client_ca_file = client_ca_file,
                                    .authn = authn,
                                    .policy = policy,
                                    .authz = authz,
                                    .threads = (unsigned)threads,
                                    .storage = storage,
                                    .rest = rest};
    if ((server = apiserver_start(&acfg, &e)) == NULL) {
        goto out;
    }
    struct compactor compactor = {.storage = storage, .interval_ns = compaction_interval};
    pthread_mutex_init(&compactor.mu, NULL);
    pthread_cond_init(&compactor.cond, NULL);
    pthread_t compactor_thread;
    bool compacting = compaction_interval > 0;
    if (compacting) {
        pthread_create(&compactor_thread, NULL, compactor_main, &compactor);
    }
    LOG_I("c8s-apiserver serving", "secure=%s:%d insecure=%s:%d etcd=%s",
          tls_cert_file ? secure_bind_address : "off", tls_cert_file ? secure_port : 0,
          bind_address, insecure_port, etcd_servers);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    LOG_I("stopping", "signal=%d", sig);
    if (compacting) {
        pthread_mutex_lock(&compactor.mu);
        compactor.stop = true;
        pthread_cond_signal(&compactor.cond);
        pthread_mutex_unlock(&compactor.mu);
        pthread_join(compactor_thread, NULL);
    }
    pthread_mutex_destroy(&compactor.mu);
    pthread_cond_destroy(&compactor.cond);
    status = 0;

out:
    if (status != 0) {
        fprintf(stderr, "c8s-apiserver: %s%s\n", failed_what, e.msg);
    }
    apiserver_stop(server);
    policy_cache_stop(policy);
    rest_free(rest);
    authn_free(authn);
    authz_chain_free(authz);
    satoken_signer_free(signer);
    etcd3_free(storage);
    flags_free(&fs);
    http_global_cleanup();
    return status;
}
