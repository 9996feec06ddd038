/* Name, label and network validation with Kubernetes' exact messages
 * (k8s.io/apimachinery/pkg/util/validation, api/validate/content and api/validation). Each check
 * appends its messages to a struct validate_errs, as the Go functions return a []string. */
#ifndef C8S_VALIDATE_H
#define C8S_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define VALIDATE_ERRS_MAX 16

/* A list of owned messages. Initialise with VALIDATE_ERRS_INIT, release with validate_errs_free.
 * Messages past VALIDATE_ERRS_MAX are dropped (no check comes close). Not thread-safe. */
struct validate_errs {
    size_t n;
    char *msg[VALIDATE_ERRS_MAX];
};

#define VALIDATE_ERRS_INIT \
    {                      \
        0                  \
    }

/* Frees the messages and empties the list. */
void validate_errs_free(struct validate_errs *e);

/* Returns an owned string: the messages joined by sep (Go's strings.Join); "" when empty. */
char *validate_errs_join(const struct validate_errs *e, const char *sep);

/* Returns an owned string: s quoted as Go's %q / strconv.Quote does, for "Invalid value: %q". */
char *validate_quote(const char *s);

/* Each check below appends zero or more messages to out and returns how many it appended
 * (0: valid). They borrow their arguments and are thread-safe with distinct out lists. */

/* IsDNS1123Label: "my-name", at most 63 characters. */
size_t validate_dns1123_label(const char *value, struct validate_errs *out);
/* IsDNS1123Subdomain: "example.com", at most 253 characters. */
size_t validate_dns1123_subdomain(const char *value, struct validate_errs *out);
/* IsDNS1035Label: "my-name", starting with a letter. */
size_t validate_dns1035_label(const char *value, struct validate_errs *out);
/* IsQualifiedName / IsLabelKey: "name" or "prefix.example.com/name" (label and annotation keys). */
size_t validate_qualified_name(const char *value, struct validate_errs *out);
/* IsValidLabelValue: empty, or up to 63 of [-A-Za-z0-9_.] starting and ending alphanumeric. */
size_t validate_label_value(const char *value, struct validate_errs *out);

/* Object names as the registries check them (NameIsDNSLabel, NameIsDNSSubdomain,
 * NameIsDNS1035Label): with prefix (generateName) a trailing '-' is allowed. Namespaces use the
 * DNS label form. */
size_t validate_name_dns_label(const char *name, bool prefix, struct validate_errs *out);
size_t validate_name_dns_subdomain(const char *name, bool prefix, struct validate_errs *out);
size_t validate_name_dns1035_label(const char *name, bool prefix, struct validate_errs *out);

/* ValidatePathSegmentName: a name usable in a URL path: not "." or "..", no '/' or '%'
 * (with prefix only the characters are checked). */
size_t validate_path_segment_name(const char *name, bool prefix, struct validate_errs *out);

/* IsValidPortNum: 1..65535. */
size_t validate_port_num(long long port, struct validate_errs *out);
/* IsValidPortName: an IANA_SVC_NAME ("http", "metrics-1"). */
size_t validate_port_name(const char *port, struct validate_errs *out);

/* IsValidIP (strict): the messages that Kubernetes puts after `Invalid value: "<ip>": `,
 * e.g. `must be in canonical form ("2001:db8::1")`. */
size_t validate_ip(const char *value, struct validate_errs *out);

/* The annotation size limit of ObjectMeta (256 KiB over all keys and values). */
#define VALIDATE_ANNOTATIONS_SIZE_MAX (256 * 1024)

/* ValidateAnnotations: borrows annotations (a JSON object of strings; NULL is empty) and appends
 * whole field errors under path, e.g. `metadata.annotations: Invalid value: "a/b/c": ...` and
 * `metadata.annotations: Too long: may not be more than 262144 bytes`. */
size_t validate_annotations(const json_t *annotations, const char *path, struct validate_errs *out);

#endif
