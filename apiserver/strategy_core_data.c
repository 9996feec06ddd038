/* ConfigMaps and Secrets: Kubernetes 1.32's SetDefaults_Secret, the v1 stringData conversion
 * (stringData overwrites data), ValidateConfigMap/ValidateSecret (key names, the 1 MiB total,
 * the type-specific required keys) and their updates (`immutable: true`, secret type). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "cleanup.h"
#include "gojson.h"
#include "strategy.h"
#include "xalloc.h"

#define MAX_SECRET_SIZE (1024 * 1024) /* core.MaxSecretSize, for ConfigMaps too */

/* A map field, with missing and empty alike (the decoded Go maps are never nil here). */
static bool same_map(const json_t *a, const json_t *b, const char *key)
{
    json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    if (json_object_size(x) == 0 && json_object_size(y) == 0) {
        return true;
    }
    return x != NULL && y != NULL && json_equal(x, y);
}

/* `immutable: true` freezes the listed map fields and itself. */
static void validate_immutable_update(const json_t *obj, const json_t *old,
                                      const char *const *fields, struct field_errors *errs)
{
    if (!json_is_true(json_object_get(old, "immutable"))) {
        return;
    }
    static const char detail[] = "field is immutable when `immutable` is set";
    if (!json_is_true(json_object_get(obj, "immutable"))) {
        strategy_error(errs, FIELD_FORBIDDEN, NULL, detail, "immutable");
    }
    for (; *fields != NULL; fields++) {
        if (!same_map(obj, old, *fields)) {
            strategy_error(errs, FIELD_FORBIDDEN, NULL, detail, "%s", *fields);
        }
    }
}

/* The decoded length of a base64 value, or -1 (with an Invalid error) when it does not decode. */
static long long decoded_size(const json_t *value, const char *path, struct field_errors *errs)
{
    const char *text = json_string_value(value) ? json_string_value(value) : "";
    uint8_t *bytes = NULL;
    size_t len = 0;
    struct err e = {0};
    if (b64_decode(text, strlen(text), &bytes, &len, &e) != 0) {
        /* kube-apiserver fails the request body's decoding here (400); a field error is the
         * closest a strategy can answer. */
        strategy_error_str(errs, FIELD_INVALID, "<secret contents redacted>", e.msg, "%s", path);
        return -1;
    }
    free(bytes);
    return (long long)len;
}

/* ---- ConfigMaps ---- */

void strategy_validate_configmap(const char *subresource, const json_t *cm, const json_t *old,
                                 struct field_errors *errs)
{
    (void)subresource;
    if (old != NULL) {
        static const char *const frozen[] = {"data", "binaryData", NULL};
        validate_immutable_update(cm, old, frozen, errs);
    }
    json_t *data = json_object_get(cm, "data");
    json_t *binary = json_object_get(cm, "binaryData");
    long long total = 0;
    const char *key;
    json_t *value;
    json_object_foreach (data, key, value) {
        cleanup_free char *path = xasprintf("data[%s]", key);
        strategy_validate_config_key(key, path, errs);
        if (json_object_get(binary, key) != NULL) {
            strategy_error_str(errs, FIELD_INVALID, key, "duplicate of key present in binaryData",
                               "%s", path);
        }
        total += (long long)strlen(strategy_str(data, key));
    }
    json_object_foreach (binary, key, value) {
        cleanup_free char *path = xasprintf("binaryData[%s]", key);
        strategy_validate_config_key(key, path, errs);
        if (json_object_get(data, key) != NULL) {
            strategy_error_str(errs, FIELD_INVALID, key, "duplicate of key present in data", "%s",
                               path);
        }
        long long size = decoded_size(value, path, errs);
        total += size > 0 ? size : 0;
    }
    if (total > MAX_SECRET_SIZE) {
        strategy_error(errs, FIELD_TOO_LONG, NULL, "may not be more than 1048576 bytes", "%s", "");
    }
}

/* ---- Secrets ---- */

void strategy_default_secret(json_t *secret)
{
    if (!json_is_object(secret)) {
        return;
    }
    if (strategy_str(secret, "type")[0] == '\0') {
        json_object_set_new(secret, "type", json_string("Opaque"));
    }
    /* v1's conversion: stringData is write-only and overwrites data's keys. */
    json_t *string_data = json_object_get(secret, "stringData");
    if (json_is_object(string_data) && json_object_size(string_data) > 0) {
        json_t *data = json_object_get(secret, "data");
        if (!json_is_object(data)) {
            data = json_object();
            json_object_set_new(secret, "data", data);
        }
        const char *key;
        json_t *value;
        json_object_foreach (string_data, key, value) {
            const char *s = json_string_value(value) ? json_string_value(value) : "";
            char *encoded = b64_encode((const uint8_t *)s, strlen(s));
            json_object_set_new(data, key, json_string(encoded));
            free(encoded);
        }
    }
    json_object_del(secret, "stringData");
}

/* The value of a key that must hold JSON (.dockercfg, .dockerconfigjson) as json.Unmarshal into
 * a map reads it: NULL when fine, else Go's error. A new string. */
static char *json_map_error(const json_t *value)
{
    const char *text = json_string_value(value) ? json_string_value(value) : "";
    uint8_t *bytes = NULL;
    size_t len = 0;
    struct err e = {0};
    if (b64_decode(text, strlen(text), &bytes, &len, &e) != 0) {
        return xstrdup(e.msg);
    }
    char msg[256];
    char *result = NULL;
    if (!gojson_first_value_error((const char *)bytes, len, msg, sizeof msg)) {
        result = xstrdup(strcmp(msg, "unexpected EOF") == 0 ? "unexpected end of JSON input" : msg);
    } else {
        json_error_t jerr;
        json_t *parsed = json_loadb((const char *)bytes, len, JSON_DECODE_ANY, &jerr);
        if (parsed != NULL && !json_is_object(parsed) && !json_is_null(parsed)) {
            static const char *const kinds[] = {
                [JSON_ARRAY] = "array", [JSON_STRING] = "string", [JSON_INTEGER] = "number",
                [JSON_REAL] = "number", [JSON_TRUE] = "bool",     [JSON_FALSE] = "bool"};
            result = xasprintf("json: cannot unmarshal %s into Go value of type "
                               "map[string]interface {}",
                               kinds[json_typeof(parsed)]);
        }
        json_decref(parsed);
    }
    free(bytes);
    return result;
}

static void require_key(const json_t *data, const char *key, struct field_errors *errs)
{
    if (json_object_get(data, key) == NULL) {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "data[%s]", key);
    }
}

static void validate_secret_type(const json_t *secret, struct field_errors *errs)
{
    const char *type = strategy_str(secret, "type");
    json_t *data = json_object_get(secret, "data");
    if (strcmp(type, "kubernetes.io/service-account-token") == 0) {
        const char *sa =
            strategy_str(json_object_get(json_object_get(secret, "metadata"), "annotations"),
                         "kubernetes.io/service-account.name");
        if (sa[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL,
                           "metadata.annotations[kubernetes.io/service-account.name]");
        }
    } else if (strcmp(type, "kubernetes.io/dockercfg") == 0 ||
               strcmp(type, "kubernetes.io/dockerconfigjson") == 0) {
        const char *key =
            strcmp(type, "kubernetes.io/dockercfg") == 0 ? ".dockercfg" : ".dockerconfigjson";
        json_t *value = json_object_get(data, key);
        if (value == NULL) {
            require_key(data, key, errs);
            return;
        }
        cleanup_free char *problem = json_map_error(value);
        if (problem != NULL) {
            strategy_error_str(errs, FIELD_INVALID, "<secret contents redacted>", problem,
                               "data[%s]", key);
        }
    } else if (strcmp(type, "kubernetes.io/basic-auth") == 0) {
        if (json_object_get(data, "username") == NULL &&
            json_object_get(data, "password") == NULL) {
            require_key(data, "username", errs);
            require_key(data, "password", errs);
        }
    } else if (strcmp(type, "kubernetes.io/ssh-auth") == 0) {
        if (strategy_str(data, "ssh-privatekey")[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "data[ssh-privatekey]");
        }
    } else if (strcmp(type, "kubernetes.io/tls") == 0) {
        require_key(data, "tls.crt", errs);
        require_key(data, "tls.key", errs);
    }
}

void strategy_validate_secret(const char *subresource, const json_t *secret, const json_t *old,
                              struct field_errors *errs)
{
    (void)subresource;
    if (old != NULL) {
        if (strcmp(strategy_str(secret, "type"), strategy_str(old, "type")) != 0) {
            strategy_error_str(errs, FIELD_INVALID, strategy_str(secret, "type"),
                               "field is immutable", "type");
        }
        static const char *const frozen[] = {"data", NULL};
        validate_immutable_update(secret, old, frozen, errs);
    }
    long long total = 0;
    const char *key;
    json_t *value;
    json_object_foreach (json_object_get(secret, "data"), key, value) {
        cleanup_free char *path = xasprintf("data[%s]", key);
        strategy_validate_config_key(key, path, errs);
        long long size = decoded_size(value, path, errs);
        total += size > 0 ? size : 0;
    }
    if (total > MAX_SECRET_SIZE) {
        strategy_error(errs, FIELD_TOO_LONG, NULL, "may not be more than 1048576 bytes", "data");
    }
    validate_secret_type(secret, errs);
}
