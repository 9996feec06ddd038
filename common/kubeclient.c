/* API client helpers (client-go's rest.Config and apierrors): kubeconfig to http_config, JSON
 * requests with Status answers turned into err codes, query escaping. */
#include "kubeclient.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "xalloc.h"

void kubeclient_http_config(const struct kubeconfig *kc, struct http_config *out)
{
    memset(out, 0, sizeof *out);
    out->base_url = kc->server;
    out->ca_file = kc->ca_file;
    out->ca_pem = (const char *)kc->ca_data; /* b64_decode NUL-terminates */
    out->cert_file = kc->client_cert_file;
    out->cert_pem = (const char *)kc->client_cert_data;
    out->key_file = kc->client_key_file;
    out->key_pem = (const char *)kc->client_key_data;
    out->bearer_token = kc->token;
    out->tls_server_name = kc->tls_server_name;
    out->insecure_skip_verify = kc->insecure_skip_tls_verify;
}

int kubeclient_status_code(long http_status, const char *reason)
{
    switch (http_status) {
    case 400:
    case 422:
        return C8S_EINVALID;
    case 401:
        return C8S_EUNAUTHORIZED;
    case 403:
        return C8S_EFORBIDDEN;
    case 404:
        return ENOENT;
    case 409:
        return reason != NULL && strcmp(reason, "AlreadyExists") == 0 ? C8S_EEXISTS : C8S_ECONFLICT;
    case 410:
        return C8S_EGONE;
    case 429:
        return C8S_ETOOMANY;
    case 504:
        return ETIMEDOUT;
    default:
        return C8S_EHTTP;
    }
}

int kubeclient_json(struct http_client *c, const char *method, const char *path, const json_t *body,
                    json_t **out, struct err *err)
{
    cleanup_free char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    const char *const headers[] = {"Accept: application/json", NULL};
    struct http_request req = {
        .method = method,
        .path = path,
        .content_type = text != NULL ? "application/json" : NULL,
        .body = text,
        .body_len = text != NULL ? strlen(text) : 0,
        .headers = headers,
    };
    struct http_response resp = {0};
    int rv = http_send(c, &req, &resp, err);
    if (rv < 0) {
        return rv;
    }
    json_t *decoded = resp.body != NULL ? json_loadb(resp.body, resp.body_len, 0, NULL) : NULL;
    if (resp.status >= 200 && resp.status < 300) {
        bool empty = resp.body_len == 0;
        http_response_free(&resp);
        if (!empty && decoded == NULL) {
            return err_set(err, C8S_EPARSE, "%s %s: the answer is not JSON", method, path);
        }
        if (out != NULL) {
            *out = decoded;
        } else {
            json_decref(decoded);
        }
        return 0;
    }
    const char *message = json_string_value(json_object_get(decoded, "message"));
    const char *reason = json_string_value(json_object_get(decoded, "reason"));
    int code = kubeclient_status_code(resp.status, reason);
    if (message != NULL) {
        rv = err_set(err, code, "%s", message);
    } else {
        rv = err_set(err, code, "the server responded with status %ld", resp.status);
    }
    json_decref(decoded);
    http_response_free(&resp);
    return rv;
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

char *kubeclient_query_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = xmalloc(3 * n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c)) {
            out[k++] = (char)c;
        } else {
            out[k++] = '%';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15];
        }
    }
    out[k] = '\0';
    return out;
}
