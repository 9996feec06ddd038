/* Service account tokens as kube-apiserver makes and checks them (pkg/serviceaccount/jwt.go,
 * claims.go; pkg/registry/core/serviceaccount/storage/token.go): compact JWS signed with GnuTLS,
 * the key id being the unpadded base64url SHA-256 of the public key's SubjectPublicKeyInfo. */
#include "satoken.h"

#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authn.h"
#include "b64.h"
#include "cleanup.h"
#include "fileio.h"
#include "k8stime.h"
#include "resources.h"
#include "rest_internal.h"
#include "status.h"
#include "xalloc.h"

#define MAX_KEYS             16
#define MAX_NAMES            8
#define LEEWAY_SECONDS       60 /* go-jose's DefaultLeeway */
#define MIN_EXPIRATION       600
#define DEFAULT_EXPIRATION   3600
#define KUBELET_EXPIRATION   3607 /* what the kubelet asks when it wants a long-lived token */
#define EXTENDED_EXPIRATION  (365LL * 24 * 3600)
#define MAX_EXPIRATION_LIMIT (1LL << 32)

enum jws_alg { ALG_RS256, ALG_ES256, ALG_ES384, ALG_ES512, ALG_UNKNOWN };

static const struct {
    const char *name;
    gnutls_digest_algorithm_t digest;
    gnutls_sign_algorithm_t sign;
    size_t coordinate; /* ECDSA: bytes of r and of s in the JWS signature */
} algs[] = {
    [ALG_RS256] = {"RS256", GNUTLS_DIG_SHA256, GNUTLS_SIGN_RSA_SHA256, 0},
    [ALG_ES256] = {"ES256", GNUTLS_DIG_SHA256, GNUTLS_SIGN_ECDSA_SHA256, 32},
    [ALG_ES384] = {"ES384", GNUTLS_DIG_SHA384, GNUTLS_SIGN_ECDSA_SHA384, 48},
    [ALG_ES512] = {"ES512", GNUTLS_DIG_SHA512, GNUTLS_SIGN_ECDSA_SHA512, 66},
};

struct verify_key {
    gnutls_pubkey_t pub;
    enum jws_alg alg;
    char kid[48];
};

struct satoken_signer {
    gnutls_privkey_t signing_key; /* NULL: tokens are only verified */
    enum jws_alg signing_alg;
    char signing_kid[48];
    struct verify_key keys[MAX_KEYS];
    size_t nkeys;
    char *issuers[MAX_NAMES];
    size_t nissuers;
    char *audiences[MAX_NAMES];
    size_t naudiences;
    int64_t max_expiration;
    bool extend_expiration;
    struct etcd3 *storage;
};

/* ---- base64url without padding (RFC 7515 §2) ---- */

static char *b64url_encode(const void *data, size_t len)
{
    char *out = b64_encode(data, len);
    size_t n = 0;
    for (char *p = out; *p != '\0' && *p != '='; p++) {
        out[n++] = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    }
    out[n] = '\0';
    return out;
}

/* Decodes into a new buffer (NUL-terminated); false when text is not base64url. */
static bool b64url_decode(const char *text, size_t len, uint8_t **out, size_t *out_len)
{
    if (len % 4 == 1) {
        return false;
    }
    cleanup_free char *std = xmalloc(len + 4);
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '+' || c == '/' || c == '=') {
            return false;
        }
        std[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    size_t n = len;
    while (n % 4 != 0) {
        std[n++] = '=';
    }
    return b64_decode(std, n, out, out_len, NULL) == 0;
}

/* ---- Keys ---- */

static enum jws_alg alg_of(gnutls_pubkey_t pub)
{
    unsigned bits = 0;
    int pk = gnutls_pubkey_get_pk_algorithm(pub, &bits);
    if (pk == GNUTLS_PK_RSA) {
        return ALG_RS256;
    }
    if (pk == GNUTLS_PK_ECDSA) {
        return bits <= 256 ? ALG_ES256 : bits <= 384 ? ALG_ES384 : ALG_ES512;
    }
    return ALG_UNKNOWN;
}

/* kube's keyIDFromPublicKey: base64url(SHA-256(SubjectPublicKeyInfo DER)). */
static int key_id(gnutls_pubkey_t pub, char kid[48])
{
    gnutls_datum_t der = {0};
    if (gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &der) != 0) {
        return -EINVAL;
    }
    unsigned char digest[32];
    int rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, digest);
    gnutls_free(der.data);
    if (rc != 0) {
        return -EINVAL;
    }
    cleanup_free char *text = b64url_encode(digest, sizeof digest);
    snprintf(kid, 48, "%s", text);
    return 0;
}

static int import_private(const char *pem, size_t len, gnutls_privkey_t *out)
{
    gnutls_privkey_t key;
    if (gnutls_privkey_init(&key) != 0) {
        return -ENOMEM;
    }
    gnutls_datum_t data = {.data = (unsigned char *)pem, .size = (unsigned)len};
    if (gnutls_privkey_import_x509_raw(key, &data, GNUTLS_X509_FMT_PEM, NULL, 0) != 0) {
        gnutls_privkey_deinit(key);
        return -EINVAL;
    }
    *out = key;
    return 0;
}

/* One PEM block (a public key, a certificate or a private key) as a public key. */
static int import_public_block(const char *type, const char *pem, size_t len, gnutls_pubkey_t *out)
{
    gnutls_pubkey_t pub;
    if (gnutls_pubkey_init(&pub) != 0) {
        return -ENOMEM;
    }
    gnutls_datum_t data = {.data = (unsigned char *)pem, .size = (unsigned)len};
    int rc = -EINVAL;
    if (strcmp(type, "PUBLIC KEY") == 0) {
        rc = gnutls_pubkey_import(pub, &data, GNUTLS_X509_FMT_PEM) == 0 ? 0 : -EINVAL;
    } else if (strcmp(type, "CERTIFICATE") == 0) {
        rc = gnutls_pubkey_import_x509_raw(pub, &data, GNUTLS_X509_FMT_PEM, 0) == 0 ? 0 : -EINVAL;
    } else if (strstr(type, "PRIVATE KEY") != NULL) {
        gnutls_privkey_t key = NULL;
        if (import_private(pem, len, &key) == 0) {
            rc = gnutls_pubkey_import_privkey(pub, key, 0, 0) == 0 ? 0 : -EINVAL;
            gnutls_privkey_deinit(key);
        }
    }
    if (rc != 0) {
        gnutls_pubkey_deinit(pub);
        return rc;
    }
    *out = pub;
    return 0;
}

static int add_verify_key(struct satoken_signer *s, gnutls_pubkey_t pub, const char *path,
                          struct err *err)
{
    if (s->nkeys == MAX_KEYS) {
        gnutls_pubkey_deinit(pub);
        return err_set(err, E2BIG, "--service-account-key-file: more than %d keys", MAX_KEYS);
    }
    struct verify_key *k = &s->keys[s->nkeys];
    k->pub = pub;
    k->alg = alg_of(pub);
    if (k->alg == ALG_UNKNOWN || key_id(pub, k->kid) != 0) {
        gnutls_pubkey_deinit(pub);
        return err_set(err, EINVAL, "--service-account-key-file %s: not an RSA or ECDSA key", path);
    }
    s->nkeys++;
    return 0;
}

/* Every public key in a PEM file (public keys, certificates, or private keys as kube-apiserver
 * also accepts). */
static int load_verify_keys(struct satoken_signer *s, const char *path, struct err *err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (file_read_all(path, &text, &len, err) != 0) {
        return err_wrap(err, "--service-account-key-file");
    }
    size_t found = 0;
    const char *p = text;
    while ((p = strstr(p, "-----BEGIN ")) != NULL) {
        const char *type_start = p + 11;
        const char *type_end = strstr(type_start, "-----");
        if (type_end == NULL) {
            break;
        }
        char type[64];
        snprintf(type, sizeof type, "%.*s", (int)(type_end - type_start), type_start);
        char end_marker[96];
        snprintf(end_marker, sizeof end_marker, "-----END %s-----", type);
        const char *end = strstr(type_end, end_marker);
        if (end == NULL) {
            break;
        }
        end += strlen(end_marker);
        gnutls_pubkey_t pub = NULL;
        if (import_public_block(type, p, (size_t)(end - p), &pub) == 0) {
            if (add_verify_key(s, pub, path, err) != 0) {
                return -err->code;
            }
            found++;
        }
        p = end;
    }
    if (found == 0) {
        return err_set(err, EINVAL,
                       "--service-account-key-file %s: no public key, certificate or private key "
                       "in PEM form",
                       path);
    }
    return 0;
}

static size_t split_names(const char *list, char **names, size_t max)
{
    size_t n = 0;
    if (list == NULL) {
        return 0;
    }
    cleanup_free char *copy = xstrdup(list);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL && n < max;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') {
            tok++;
        }
        if (*tok != '\0') {
            names[n++] = xstrdup(tok);
        }
    }
    return n;
}

struct satoken_signer *satoken_signer_new(const struct satoken_config *cfg, struct err *err)
{
    struct satoken_signer *s = xcalloc(1, sizeof *s);
    s->storage = cfg->storage;
    s->max_expiration = cfg->max_expiration;
    s->extend_expiration = cfg->extend_expiration;
    s->nissuers = split_names(cfg->issuers, s->issuers, MAX_NAMES);
    s->naudiences = split_names(cfg->api_audiences, s->audiences, MAX_NAMES);
    if (s->naudiences == 0) {
        s->naudiences = split_names(cfg->issuers, s->audiences, MAX_NAMES);
    }
    if (s->nissuers == 0) {
        err_set(err, EINVAL, "--service-account-issuer is required with service account keys");
        goto fail;
    }
    if (cfg->signing_key_file != NULL) {
        cleanup_free char *pem = NULL;
        size_t len = 0;
        if (file_read_all(cfg->signing_key_file, &pem, &len, err) != 0) {
            err_wrap(err, "--service-account-signing-key-file");
            goto fail;
        }
        gnutls_pubkey_t pub = NULL;
        if (import_private(pem, len, &s->signing_key) != 0 || gnutls_pubkey_init(&pub) != 0) {
            err_set(err, EINVAL, "--service-account-signing-key-file %s: not a PEM private key",
                    cfg->signing_key_file);
            goto fail;
        }
        if (gnutls_pubkey_import_privkey(pub, s->signing_key, 0, 0) != 0 ||
            (s->signing_alg = alg_of(pub)) == ALG_UNKNOWN || key_id(pub, s->signing_kid) != 0) {
            gnutls_pubkey_deinit(pub);
            err_set(err, EINVAL, "--service-account-signing-key-file %s: not an RSA or ECDSA key",
                    cfg->signing_key_file);
            goto fail;
        }
        gnutls_pubkey_deinit(pub);
    }
    /* As kube-apiserver: without --service-account-key-file the signing key verifies. */
    const char *key_files = cfg->key_files != NULL ? cfg->key_files : cfg->signing_key_file;
    char *files[MAX_KEYS];
    size_t nfiles = split_names(key_files, files, MAX_KEYS);
    int rc = 0;
    for (size_t i = 0; i < nfiles; i++) {
        if (rc == 0) {
            rc = load_verify_keys(s, files[i], err);
        }
        free(files[i]);
    }
    if (rc != 0) {
        goto fail;
    }
    return s;
fail:
    satoken_signer_free(s);
    return NULL;
}

void satoken_signer_free(struct satoken_signer *s)
{
    if (s == NULL) {
        return;
    }
    if (s->signing_key != NULL) {
        gnutls_privkey_deinit(s->signing_key);
    }
    for (size_t i = 0; i < s->nkeys; i++) {
        gnutls_pubkey_deinit(s->keys[i].pub);
    }
    for (size_t i = 0; i < s->nissuers; i++) {
        free(s->issuers[i]);
    }
    for (size_t i = 0; i < s->naudiences; i++) {
        free(s->audiences[i]);
    }
    free(s);
}

bool satoken_can_issue(const struct satoken_signer *s)
{
    return s != NULL && s->signing_key != NULL;
}

/* ---- Signing and verifying ---- */

/* ECDSA signatures are DER in GnuTLS and fixed-size r||s in JWS (RFC 7518 §3.4). */
static void put_coordinate(const gnutls_datum_t *v, unsigned char *out, size_t size)
{
    size_t skip = 0;
    while (skip < v->size && v->data[skip] == 0 && v->size - skip > size) {
        skip++;
    }
    size_t n = v->size - skip;
    memset(out, 0, size);
    memcpy(out + (size - n), v->data + skip, n);
}

char *satoken_sign(const struct satoken_signer *s, const json_t *claims, struct err *err)
{
    if (!satoken_can_issue(s)) {
        err_set(err, ENOTSUP, "no --service-account-signing-key-file");
        return NULL;
    }
    cleanup_json json_t *header =
        json_pack("{s:s,s:s}", "alg", algs[s->signing_alg].name, "kid", s->signing_kid);
    cleanup_free char *header_text = json_dumps(header, JSON_COMPACT | JSON_SORT_KEYS);
    cleanup_free char *claims_text = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS);
    cleanup_free char *h = b64url_encode(header_text, strlen(header_text));
    cleanup_free char *p = b64url_encode(claims_text, strlen(claims_text));
    cleanup_free char *input = xasprintf("%s.%s", h, p);
    gnutls_datum_t data = {.data = (unsigned char *)input, .size = (unsigned)strlen(input)};
    gnutls_datum_t sig = {0};
    if (gnutls_privkey_sign_data(s->signing_key, algs[s->signing_alg].digest, 0, &data, &sig) !=
        0) {
        err_set(err, EIO, "failed to generate token: signing failed");
        return NULL;
    }
    char *out = NULL;
    size_t size = algs[s->signing_alg].coordinate;
    if (size == 0) {
        cleanup_free char *text = b64url_encode(sig.data, sig.size);
        out = xasprintf("%s.%s", input, text);
    } else {
        gnutls_datum_t r = {0}, sv = {0};
        if (gnutls_decode_rs_value(&sig, &r, &sv) == 0) {
            unsigned char raw[2 * 66];
            put_coordinate(&r, raw, size);
            put_coordinate(&sv, raw + size, size);
            cleanup_free char *text = b64url_encode(raw, 2 * size);
            out = xasprintf("%s.%s", input, text);
            gnutls_free(r.data);
            gnutls_free(sv.data);
        } else {
            err_set(err, EIO, "failed to generate token: bad ECDSA signature");
        }
    }
    gnutls_free(sig.data);
    return out;
}

static bool signature_valid(const struct verify_key *k, const char *input, size_t input_len,
                            const uint8_t *sig, size_t sig_len)
{
    gnutls_datum_t data = {.data = (unsigned char *)input, .size = (unsigned)input_len};
    size_t size = algs[k->alg].coordinate;
    if (size == 0) {
        gnutls_datum_t s = {.data = (unsigned char *)sig, .size = (unsigned)sig_len};
        return gnutls_pubkey_verify_data2(k->pub, algs[k->alg].sign, 0, &data, &s) >= 0;
    }
    if (sig_len != 2 * size) {
        return false;
    }
    gnutls_datum_t r = {.data = (unsigned char *)sig, .size = (unsigned)size};
    gnutls_datum_t s = {.data = (unsigned char *)sig + size, .size = (unsigned)size};
    gnutls_datum_t der = {0};
    if (gnutls_encode_rs_value(&der, &r, &s) != 0) {
        return false;
    }
    bool ok = gnutls_pubkey_verify_data2(k->pub, algs[k->alg].sign, 0, &data, &der) >= 0;
    gnutls_free(der.data);
    return ok;
}

static json_t *decode_part(const char *text, size_t len)
{
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    if (!b64url_decode(text, len, &raw, &raw_len)) {
        return NULL;
    }
    json_t *obj = json_loadb((const char *)raw, raw_len, 0, NULL);
    free(raw);
    if (obj != NULL && !json_is_object(obj)) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

static bool has_name(char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name != NULL && i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* The object stored for kind (pods, secrets, serviceaccounts, nodes) ns/name; new reference or
 * NULL when absent or unreadable. */
static json_t *read_object(struct etcd3 *storage, const char *plural, const char *ns,
                           const char *name)
{
    const struct resource *res = resources_find("", "v1", plural);
    if (res == NULL || storage == NULL) {
        return NULL;
    }
    cleanup_free char *key = rest_object_key(res, ns, name);
    struct etcd3_kv kv = {0};
    if (etcd3_get(storage, key, &kv, NULL, NULL) != 0) {
        return NULL;
    }
    json_t *obj = rest_decode_stored(&kv);
    etcd3_kv_free(&kv);
    return obj;
}

/* A reference claim ({"name","uid"}) names an object that exists with that uid and is not being
 * deleted for longer than the leeway. */
static int check_bound(const struct satoken_signer *s, const json_t *ref, const char *plural,
                       const char *ns, time_t now, struct err *why)
{
    const char *name = json_string_value(json_object_get(ref, "name"));
    const char *uid = json_string_value(json_object_get(ref, "uid"));
    cleanup_json json_t *obj = read_object(s->storage, plural, ns, name ? name : "");
    if (obj == NULL) {
        return err_set(why, C8S_EUNAUTHORIZED, "Token has been invalidated");
    }
    const char *deleted = rest_meta_str(obj, "deletionTimestamp");
    struct timespec when;
    if (deleted != NULL && k8stime_parse(deleted, &when, NULL) == 0 &&
        when.tv_sec < now - LEEWAY_SECONDS) {
        return err_set(why, C8S_EUNAUTHORIZED, "Token has been invalidated");
    }
    const char *have = rest_meta_str(obj, "uid");
    if (uid == NULL || have == NULL || strcmp(have, uid) != 0) {
        return err_set(why, C8S_EUNAUTHORIZED, "%s UID (%s) does not match claim (%s)", plural,
                       have ? have : "", uid ? uid : "");
    }
    return 0;
}

static void add_extra(struct user_info *u, const char *key, const char *value)
{
    if (value != NULL && u->nextra < AUTHN_MAX_EXTRA) {
        snprintf(u->extra[u->nextra].key, sizeof u->extra[0].key, "%s", key);
        snprintf(u->extra[u->nextra].value, sizeof u->extra[0].value, "%s", value);
        u->nextra++;
    }
}

static bool audiences_match(const struct satoken_signer *s, const json_t *aud)
{
    if (aud == NULL || (json_is_array(aud) && json_array_size(aud) == 0)) {
        return true; /* legacy tokens carry none: the API audiences are implied */
    }
    if (json_is_string(aud)) {
        return has_name(s->audiences, s->naudiences, json_string_value(aud));
    }
    size_t i;
    json_t *a;
    json_array_foreach (aud, i, a) {
        if (has_name(s->audiences, s->naudiences, json_string_value(a))) {
            return true;
        }
    }
    return false;
}

int satoken_authenticate(const struct satoken_signer *s, const char *token, struct user_info *user,
                         struct err *why)
{
    while (*token == ' ') {
        token++;
    }
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (s == NULL || token[0] == '{' || dot2 == NULL || strchr(dot2 + 1, '.') != NULL) {
        return -ENOENT;
    }
    cleanup_json json_t *claims = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    if (claims == NULL ||
        !has_name(s->issuers, s->nissuers, json_string_value(json_object_get(claims, "iss")))) {
        return -ENOENT; /* not a token of this issuer: another authenticator may know it */
    }
    cleanup_json json_t *header = decode_part(token, (size_t)(dot1 - token));
    const char *alg = json_string_value(json_object_get(header, "alg"));
    const char *kid = json_string_value(json_object_get(header, "kid"));
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    if (header == NULL || alg == NULL ||
        !b64url_decode(dot2 + 1, strlen(dot2 + 1), &sig, &sig_len)) {
        return err_set(why, C8S_EUNAUTHORIZED, "malformed token");
    }
    bool verified = false, any_key = false;
    for (size_t i = 0; i < s->nkeys && !verified; i++) {
        const struct verify_key *k = &s->keys[i];
        if ((kid != NULL && kid[0] != '\0' && strcmp(kid, k->kid) != 0) ||
            strcmp(alg, algs[k->alg].name) != 0) {
            continue;
        }
        any_key = true;
        verified = signature_valid(k, token, (size_t)(dot2 - token), sig, sig_len);
    }
    free(sig);
    if (!verified) {
        return err_set(why, C8S_EUNAUTHORIZED, "%s",
                       any_key ? "crypto/rsa: verification error"
                               : "invalid signature, no keys found");
    }
    time_t now = time(NULL);
    const json_t *exp = json_object_get(claims, "exp");
    const json_t *nbf = json_object_get(claims, "nbf");
    if (exp != NULL && json_number_value(exp) + LEEWAY_SECONDS < (double)now) {
        return err_set(why, C8S_EUNAUTHORIZED, "Token has expired.");
    }
    if (nbf != NULL && (double)now + LEEWAY_SECONDS < json_number_value(nbf)) {
        return err_set(why, C8S_EUNAUTHORIZED, "Token could not be validated.");
    }
    if (!audiences_match(s, json_object_get(claims, "aud"))) {
        return err_set(why, C8S_EUNAUTHORIZED,
                       "token audiences are invalid for the target "
                       "audiences");
    }
    const json_t *kube = json_object_get(claims, "kubernetes.io");
    const char *ns = json_string_value(json_object_get(kube, "namespace"));
    const json_t *sa = json_object_get(kube, "serviceaccount");
    const char *sa_name = json_string_value(json_object_get(sa, "name"));
    if (ns == NULL || sa_name == NULL) {
        return err_set(why, C8S_EUNAUTHORIZED, "Token could not be validated.");
    }
    int rc = check_bound(s, sa, "serviceaccounts", ns, now, why);
    const json_t *pod = json_object_get(kube, "pod");
    const json_t *secret = json_object_get(kube, "secret");
    const json_t *node = json_object_get(kube, "node");
    if (rc == 0 && secret != NULL) {
        rc = check_bound(s, secret, "secrets", ns, now, why);
    }
    if (rc == 0 && pod != NULL) {
        rc = check_bound(s, pod, "pods", ns, now, why);
    } else if (rc == 0 && node != NULL) {
        rc = check_bound(s, node, "nodes", "", now, why);
    }
    if (rc != 0) {
        return rc;
    }
    memset(user, 0, sizeof *user);
    snprintf(user->name, sizeof user->name, "system:serviceaccount:%s:%s", ns, sa_name);
    snprintf(user->uid, sizeof user->uid, "%s",
             json_string_value(json_object_get(sa, "uid")) ?: "");
    snprintf(user->groups[0], sizeof user->groups[0], "system:serviceaccounts");
    snprintf(user->groups[1], sizeof user->groups[1], "system:serviceaccounts:%s", ns);
    user->ngroups = 2;
    /* Extras in the order Go prints a map: by key. */
    const char *jti = json_string_value(json_object_get(claims, "jti"));
    if (jti != NULL) {
        char id[160];
        snprintf(id, sizeof id, "JTI=%s", jti);
        add_extra(user, "authentication.kubernetes.io/credential-id", id);
    }
    if (node != NULL) {
        add_extra(user, "authentication.kubernetes.io/node-name",
                  json_string_value(json_object_get(node, "name")));
        add_extra(user, "authentication.kubernetes.io/node-uid",
                  json_string_value(json_object_get(node, "uid")));
    }
    if (pod != NULL) {
        add_extra(user, "authentication.kubernetes.io/pod-name",
                  json_string_value(json_object_get(pod, "name")));
        add_extra(user, "authentication.kubernetes.io/pod-uid",
                  json_string_value(json_object_get(pod, "uid")));
    }
    return 0;
}

/* ---- TokenRequest ---- */

static json_t *ref_of(const json_t *obj)
{
    return json_pack("{s:s,s:s}", "name", rest_meta_str(obj, "name") ?: "", "uid",
                     rest_meta_str(obj, "uid") ?: "");
}

/* A 400 with a message built from msg (owned; freed here). */
static json_t *bad_request(int *code, char *msg)
{
    json_t *out = rest_answer_status(code, status_bad_request(msg));
    free(msg);
    return out;
}

/* The object spec.boundObjectRef names, checked as kube-apiserver does; NULL with *failure. */
static json_t *bound_object(struct rest *r, const struct rest_call *call, const json_t *ref,
                            const char **kind_out, json_t **failure, int *code)
{
    const char *api_version = json_string_value(json_object_get(ref, "apiVersion")) ?: "";
    const char *kind = json_string_value(json_object_get(ref, "kind")) ?: "";
    const char *name = json_string_value(json_object_get(ref, "name")) ?: "";
    const char *uid = json_string_value(json_object_get(ref, "uid")) ?: "";
    const char *plural = NULL;
    if (strcmp(api_version, "v1") == 0) {
        plural = strcmp(kind, "Pod") == 0      ? "pods"
                 : strcmp(kind, "Secret") == 0 ? "secrets"
                 : strcmp(kind, "Node") == 0   ? "nodes"
                                               : NULL;
    }
    if (plural == NULL) {
        /* Go's GroupVersionKind.String(): "group/version, Kind=Kind". */
        const char *slash = strchr(api_version, '/');
        cleanup_free char *gvk = slash ? xasprintf("%s, Kind=%s", api_version, kind)
                                       : xasprintf("/%s, Kind=%s", api_version, kind);
        *failure = bad_request(code, xasprintf("cannot bind token to object of type %s", gvk));
        return NULL;
    }
    const struct resource *res = resources_find("", "v1", plural);
    cleanup_free char *key = rest_object_key(res, call->info->namespace_, name);
    int64_t rev = 0;
    json_t *obj = rest_read_current(r, key, res, name, &rev, failure, code);
    if (obj == NULL) {
        return NULL;
    }
    if (strcmp(kind, "Pod") == 0) {
        const char *sa =
            json_string_value(json_object_get(json_object_get(obj, "spec"), "serviceAccountName"));
        if (sa == NULL || strcmp(sa, call->info->name) != 0) {
            json_decref(obj);
            *failure = bad_request(code, xasprintf("cannot bind token for serviceaccount \"%s\" "
                                                   "to pod running with different serviceaccount "
                                                   "name.",
                                                   call->info->name));
            return NULL;
        }
    }
    const char *have = rest_meta_str(obj, "uid") ?: "";
    if (uid[0] != '\0' && strcmp(uid, have) != 0) {
        json_decref(obj);
        cleanup_free char *detail = xasprintf(
            "the UID in the bound object reference (%s) does not match the UID in record. The "
            "object might have been deleted and then recreated",
            uid);
        *failure = rest_answer_status(code, status_conflict("", kind, name, detail));
        return NULL;
    }
    *kind_out = kind;
    return obj;
}

static json_t *invalid_expiration(int *code, const json_t *value, const char *detail)
{
    struct field_errors fe;
    field_errors_init(&fe);
    field_errors_add(&fe, FIELD_INVALID, "spec.expirationSeconds", value, detail);
    json_t *s = status_invalid("authentication.k8s.io", "TokenRequest", "", &fe);
    field_errors_free(&fe);
    return rest_answer_status(code, s);
}

json_t *satoken_request(struct rest *r, const struct rest_call *call, int *code)
{
    struct satoken_signer *s = r->options.token_signer;
    if (!satoken_can_issue(s)) {
        return rest_answer_status(code, status_not_found(call->resource->group,
                                                         call->resource->plural, call->info->name));
    }
    if (strcmp(call->info->verb, "create") != 0) {
        return rest_answer_status(code, status_method_not_allowed());
    }
    json_t *failure = NULL;
    cleanup_json json_t *req = rest_decode_body(call, &failure, code);
    if (req == NULL) {
        return failure;
    }
    const char *kind = json_string_value(json_object_get(req, "kind"));
    if (kind != NULL && kind[0] != '\0' && strcmp(kind, "TokenRequest") != 0) {
        return bad_request(
            code,
            xasprintf("the body of the request was in an unknown format: %s is not TokenRequest",
                      kind));
    }
    json_t *spec = json_object_get(req, "spec");
    if (!json_is_object(spec)) {
        spec = json_object();
        json_object_set_new(req, "spec", spec);
    }
    json_t *expiration = json_object_get(spec, "expirationSeconds");
    if (!json_is_integer(expiration)) {
        json_object_set_new(spec, "expirationSeconds", json_integer(DEFAULT_EXPIRATION));
        expiration = json_object_get(spec, "expirationSeconds");
    }
    json_int_t seconds = json_integer_value(expiration);
    if (seconds < MIN_EXPIRATION) {
        return invalid_expiration(code, expiration,
                                  "may not specify a duration less than 10 minutes");
    }
    if (seconds > MAX_EXPIRATION_LIMIT) {
        return invalid_expiration(code, expiration,
                                  "may not specify a duration larger than 2^32 seconds");
    }
    const char *ns = call->info->namespace_;
    const struct resource *sa_res = call->resource;
    cleanup_free char *sa_key = rest_object_key(sa_res, ns, call->info->name);
    int64_t rev = 0;
    cleanup_json json_t *sa =
        rest_read_current(r, sa_key, sa_res, call->info->name, &rev, &failure, code);
    if (sa == NULL) {
        return failure;
    }
    cleanup_json json_t *bound = NULL;
    const char *bound_kind = NULL;
    const json_t *ref = json_object_get(spec, "boundObjectRef");
    if (json_is_object(ref) &&
        (bound = bound_object(r, call, ref, &bound_kind, &failure, code)) == NULL) {
        return failure;
    }
    json_t *audiences = json_object_get(spec, "audiences");
    if (!json_is_array(audiences) || json_array_size(audiences) == 0) {
        audiences = json_array();
        for (size_t i = 0; i < s->naudiences; i++) {
            json_array_append_new(audiences, json_string(s->audiences[i]));
        }
        json_object_set_new(spec, "audiences", audiences);
    }
    if (s->max_expiration > 0 && seconds > s->max_expiration) {
        seconds = s->max_expiration;
        json_object_set_new(spec, "expirationSeconds", json_integer(seconds));
    }
    time_t now = time(NULL);
    int64_t token_seconds = seconds;
    bool warn = false;
    if (s->extend_expiration && seconds == KUBELET_EXPIRATION && bound_kind != NULL &&
        strcmp(bound_kind, "Pod") == 0) {
        token_seconds = EXTENDED_EXPIRATION; /* the kubelet's tokens, kept valid for a year */
        warn = true;
    }
    json_t *kube = json_pack("{s:s,s:o}", "namespace", ns, "serviceaccount", ref_of(sa));
    if (bound != NULL) {
        json_object_set_new(kube,
                            strcmp(bound_kind, "Pod") == 0    ? "pod"
                            : strcmp(bound_kind, "Node") == 0 ? "node"
                                                              : "secret",
                            ref_of(bound));
        const char *node_name =
            json_string_value(json_object_get(json_object_get(bound, "spec"), "nodeName"));
        cleanup_json json_t *node = strcmp(bound_kind, "Pod") == 0 && node_name != NULL
                                        ? read_object(r->storage, "nodes", "", node_name)
                                        : NULL;
        if (node != NULL) {
            json_object_set_new(kube, "node", ref_of(node));
        }
    }
    if (warn) {
        json_object_set_new(kube, "warnafter", json_integer((json_int_t)(now + seconds)));
    }
    cleanup_free char *jti = rest_random_uid();
    cleanup_free char *sub = xasprintf("system:serviceaccount:%s:%s", ns, call->info->name);
    cleanup_json json_t *claims =
        json_pack("{s:O,s:I,s:I,s:s,s:s,s:o,s:I,s:s}", "aud", audiences, "exp",
                  (json_int_t)(now + token_seconds), "iat", (json_int_t)now, "iss", s->issuers[0],
                  "jti", jti, "kubernetes.io", kube, "nbf", (json_int_t)now, "sub", sub);
    struct err e = {0};
    cleanup_free char *token = satoken_sign(s, claims, &e);
    if (token == NULL) {
        return rest_answer_status(code, status_internal(e.msg));
    }
    struct timespec expires = {.tv_sec = now + seconds};
    char when[K8STIME_STR_MAX];
    k8stime_format(&expires, when);
    json_t *meta = rest_meta_of(req);
    json_object_set_new(meta, "namespace", json_string(ns));
    if (json_object_get(meta, "creationTimestamp") == NULL) {
        json_object_set_new(meta, "creationTimestamp", json_null());
    }
    json_object_set_new(req, "kind", json_string("TokenRequest"));
    json_object_set_new(req, "apiVersion", json_string("authentication.k8s.io/v1"));
    json_object_set_new(req, "status",
                        json_pack("{s:s,s:s}", "token", token, "expirationTimestamp", when));
    return rest_answer(code, 201, json_incref(req));
}
