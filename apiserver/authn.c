/* kube-apiserver's authenticators for x509 client certificates, static token files, service
 * account tokens and anonymous requests (k8s.io/apiserver/pkg/authentication). */
#include "authn.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "satoken.h"
#include "xalloc.h"

struct token_entry {
    char *token;
    struct user_info user;
};

struct authn {
    struct authn_config cfg;
    struct token_entry *tokens;
    size_t ntokens;
};

void authn_add_group(struct user_info *u, const char *group)
{
    for (size_t i = 0; i < u->ngroups; i++) {
        if (strcmp(u->groups[i], group) == 0) {
            return;
        }
    }
    if (u->ngroups < AUTHN_MAX_GROUPS) {
        snprintf(u->groups[u->ngroups++], sizeof u->groups[0], "%s", group);
    }
}

/* One CSV field (quotes allowed, as encoding/csv reads them); advances *p. Returns an owned
 * string or NULL at the end of the line. */
static char *csv_field(const char **p)
{
    const char *s = *p;
    if (*s == '\0') {
        return NULL;
    }
    char *out = xmalloc(strlen(s) + 1);
    size_t n = 0;
    if (*s == '"') {
        s++;
        while (*s != '\0') {
            if (*s == '"' && s[1] == '"') {
                out[n++] = '"';
                s += 2;
            } else if (*s == '"') {
                s++;
                break;
            } else {
                out[n++] = *s++;
            }
        }
    } else {
        while (*s != '\0' && *s != ',') {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    if (*s == ',') {
        s++;
    }
    *p = s;
    return out;
}

static int load_tokens(struct authn *a, const char *path, struct err *err)
{
    cleanup_file FILE *f = fopen(path, "r");
    if (f == NULL) {
        return err_set(err, errno, "--token-auth-file %s: %s", path, strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            line[--len] = '\0';
        }
        if (len == 0 || line[0] == '#') {
            continue;
        }
        const char *p = line;
        char *fields[4] = {0};
        size_t nf = 0;
        while (nf < 4 && (fields[nf] = csv_field(&p)) != NULL) {
            nf++;
        }
        if (nf < 3 || fields[0][0] == '\0') {
            for (size_t i = 0; i < nf; i++) {
                free(fields[i]);
            }
            free(line);
            return err_set(err, EINVAL,
                           "--token-auth-file %s: line %d: need at least 3 columns: "
                           "token,user,uid[,\"group1,group2\"]",
                           path, lineno);
        }
        a->tokens = xrealloc(a->tokens, (a->ntokens + 1) * sizeof *a->tokens);
        struct token_entry *t = &a->tokens[a->ntokens++];
        memset(t, 0, sizeof *t);
        t->token = fields[0];
        snprintf(t->user.name, sizeof t->user.name, "%s", fields[1]);
        snprintf(t->user.uid, sizeof t->user.uid, "%s", fields[2]);
        if (nf == 4) {
            char *save = NULL;
            for (char *g = strtok_r(fields[3], ",", &save); g != NULL;
                 g = strtok_r(NULL, ",", &save)) {
                authn_add_group(&t->user, g);
            }
            free(fields[3]);
        }
        free(fields[1]);
        free(fields[2]);
    }
    free(line);
    return 0;
}

struct authn *authn_new(const struct authn_config *cfg, struct err *err)
{
    struct authn *a = xcalloc(1, sizeof *a);
    a->cfg = *cfg;
    if (cfg->token_auth_file != NULL && load_tokens(a, cfg->token_auth_file, err) != 0) {
        authn_free(a);
        return NULL;
    }
    return a;
}

void authn_free(struct authn *a)
{
    if (a == NULL) {
        return;
    }
    for (size_t i = 0; i < a->ntokens; i++) {
        free(a->tokens[i].token);
    }
    free(a->tokens);
    free(a);
}

int authn_user_from_certificate(const void *der, size_t len, struct user_info *user)
{
    memset(user, 0, sizeof *user);
    gnutls_x509_crt_t crt;
    if (gnutls_x509_crt_init(&crt) != 0) {
        return -EINVAL;
    }
    gnutls_datum_t data = {.data = (unsigned char *)der, .size = (unsigned)len};
    int rc = -EINVAL;
    if (gnutls_x509_crt_import(crt, &data, GNUTLS_X509_FMT_DER) == 0) {
        size_t size = sizeof user->name;
        if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, user->name,
                                          &size) == 0 &&
            user->name[0] != '\0') {
            rc = 0;
            for (unsigned i = 0;; i++) {
                char org[128];
                size = sizeof org;
                if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, i, 0, org,
                                                  &size) != 0) {
                    break;
                }
                authn_add_group(user, org);
            }
        }
    }
    gnutls_x509_crt_deinit(crt);
    return rc;
}

int authn_authenticate(const struct authn *a, const void *client_cert_der, size_t cert_len,
                       const char *authorization, struct user_info *user)
{
    if (client_cert_der != NULL &&
        authn_user_from_certificate(client_cert_der, cert_len, user) == 0) {
        authn_add_group(user, "system:authenticated");
        return 0;
    }
    if (authorization != NULL && strncasecmp(authorization, "Bearer ", 7) == 0) {
        const char *token = authorization + 7;
        while (*token == ' ') {
            token++;
        }
        for (size_t i = 0; i < a->ntokens; i++) {
            if (strcmp(a->tokens[i].token, token) == 0) {
                *user = a->tokens[i].user;
                authn_add_group(user, "system:authenticated");
                return 0;
            }
        }
        struct err why = {0};
        int rc = satoken_authenticate(a->cfg.sa_tokens, token, user, &why);
        if (rc == 0) {
            authn_add_group(user, "system:authenticated");
            return 0;
        }
        if (rc != -ENOENT) {
            LOG_V(2, "service account token refused", "reason=\"%s\"", why.msg);
        }
        return -C8S_EUNAUTHORIZED; /* a presented, unknown token is never anonymous */
    }
    if (a->cfg.anonymous) {
        memset(user, 0, sizeof *user);
        snprintf(user->name, sizeof user->name, "system:anonymous");
        authn_add_group(user, "system:unauthenticated");
        return 0;
    }
    return -C8S_EUNAUTHORIZED;
}

json_t *authn_user_json(const struct user_info *user)
{
    json_t *u = json_pack("{s:s}", "username", user->name);
    if (user->uid[0] != '\0') {
        json_object_set_new(u, "uid", json_string(user->uid));
    }
    json_t *groups = json_array();
    for (size_t i = 0; i < user->ngroups; i++) {
        json_array_append_new(groups, json_string(user->groups[i]));
    }
    json_object_set_new(u, "groups", groups);
    if (user->nextra > 0) {
        json_t *extra = json_object();
        for (size_t i = 0; i < user->nextra; i++) {
            json_t *values = json_object_get(extra, user->extra[i].key);
            if (values == NULL) {
                values = json_array();
                json_object_set_new(extra, user->extra[i].key, values);
            }
            json_array_append_new(values, json_string(user->extra[i].value));
        }
        json_object_set_new(u, "extra", extra);
    }
    return u;
}
