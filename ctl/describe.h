/* The pieces c8sctl's describers share (k8s.io/kubectl/pkg/describe): Go's tabwriter as
 * kubectl configures it, the label/annotation/selector/quantity/time formatting, the Events
 * search, the container and volume sections of pods and pod templates, and the lookups a
 * describer makes besides the object itself. One thread, like the rest of c8sctl. */
#ifndef C8S_CTL_DESCRIBE_H
#define C8S_CTL_DESCRIBE_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "ctl.h"
#include "k8stime.h"
#include "quantity.h"

/* One description being written: the object (borrowed) and the text (lines of
 * tab-separated cells, aligned by describe_tabbed at the end). */
struct describe {
    struct ctl *c;
    const struct mapper_resource *r;
    const json_t *obj;
    bool show_events;
    FILE *w;
};

/* A describer writes the description of d->obj to d->w; returns 0, or 1 after printing an
 * error (lookups that fail are tolerated where kubectl tolerates them). */
typedef int (*describer_fn)(struct describe *d);

/* ---- text ---- */

/* Aligns text as kubectl's tabbedString (tabwriter minwidth 0, padding 2). Owned. */
char *describe_tabbed(const char *text);

/* The string member key of obj, or "" (borrowed). */
const char *dstr(const json_t *obj, const char *key);
/* The integer member key of obj, or 0. */
long long dint(const json_t *obj, const char *key);
/* obj.k1.k2... (keys until NULL), or NULL. Borrowed. */
json_t *dget(const json_t *obj, ...);
/* Go's %v of a []string: "[a b]" ("[]" when empty or missing). Owned. */
char *go_string_list(const json_t *list);
/* The strings of list joined by sep ("" when empty). Owned. */
char *join_strings(const json_t *list, const char *sep);
/* The keys of obj sorted bytewise (the array is owned, the keys borrowed). */
const char **sorted_keys(const json_t *obj, size_t *n);

/* printLabelsMultilineWithIndent with "\t" inner indent: "<indent>Title:\tk=v" lines. */
void labels_multiline(FILE *w, const char *indent, const char *title, const json_t *labels);
/* printAnnotationsMultiline (last-applied hidden, long values on their own lines). */
void annotations_multiline(FILE *w, const char *title, const json_t *annotations);
/* LabelSelectorAsSelector(sel).String(): "" for a missing or empty selector. Owned. */
char *selector_string(const json_t *sel);
/* metav1.FormatLabelSelector: selector_string, "<none>" when empty. Owned. */
char *format_label_selector(const json_t *sel);

/* Quantity.String() of a JSON quantity ("0" when missing); the raw text if it does not
 * parse. Returns buf. */
const char *quantity_text(const json_t *v, char buf[QUANTITY_STR_MAX]);
/* Go's time.RFC1123Z in the local zone, "" for no time ("Mon, 01 Jan 0001 00:00:00 +0000"
 * when zero_year is set, as Go prints a zero time). */
void rfc1123z(const char *stamp, char *buf, size_t size, bool zero_year);
/* translateTimestampSince: the human age of stamp, "<unknown>" without one. */
void since(const char *stamp, char buf[K8STIME_STR_MAX]);
/* "Kind/name" of the controller owner reference, or NULL. Borrowed kind/name in buf. */
bool controlled_by(const json_t *obj, char *buf, size_t size);

/* ---- requests ---- */

/* GET path quietly: the parsed 2xx answer (new reference) or NULL; *status gets the HTTP
 * status (0 on transport failure) and *message the server's message (owned) when given. */
json_t *describe_get(struct describe *d, const char *path, int *status, char **message);
/* The items (new reference) of the list at collection (a path without query) with the
 * selectors (may be NULL) and limit=500, or NULL. */
json_t *describe_list(struct describe *d, const char *collection, const char *label_selector,
                      const char *field_selector);

/* The events about the object (kind NULL for pods, uid NULL for d->obj's) as kubectl's
 * searchEvents: the list's items (new reference; an empty array when the search fails). */
json_t *describe_search_events(struct describe *d, const char *kind, const char *uid);
/* DescribeEvents of items (NULL prints nothing: --show-events=false). */
void describe_events_print(FILE *w, const json_t *items);
/* Searches and prints the events of d->obj as kind when show_events. */
void describe_events(struct describe *d, const char *kind);

/* ---- pods and templates ---- */

/* describeContainers: label "Containers" etc., statuses NULL for templates, pod (for env
 * fieldRefs) NULL for templates, space "" or "  ". */
void describe_containers(FILE *w, const char *label, const json_t *containers,
                         const json_t *statuses, const json_t *pod, const char *space);
/* describeVolumes. */
void describe_volumes(FILE *w, const json_t *volumes, const char *space);
/* printTolerationsMultilineWithIndent. */
void tolerations_multiline(FILE *w, const char *title, const json_t *tolerations);
/* describeTopologySpreadConstraints. */
void topology_spread(FILE *w, const json_t *constraints, const char *space);
/* DescribePodTemplate. */
void describe_pod_template(FILE *w, const json_t *tmpl);
/* printPersistentVolumeClaim's body (full: a PVC rather than a claim template). */
void describe_pvc_body(FILE *w, const json_t *pvc, bool full);
/* The PV source section (the Type lines of a volume source), "<unknown>" when none known. */
void describe_volume_source(FILE *w, const json_t *source, bool persistent);
/* Sums a pod's requests and limits as resourcehelper.PodRequestsAndLimits: two new objects
 * mapping resource names to JSON quantity strings. */
void pod_requests_and_limits(const json_t *pod, json_t **requests, json_t **limits);
/* getPodStatusForController: pods matching sel owned by uid, counted by phase. */
void pod_status_counts(struct describe *d, const json_t *sel, int counts[4]);

/* ---- describers ---- */

int describe_pod(struct describe *d);
int describe_node(struct describe *d);
int describe_pvc(struct describe *d);
int describe_pv(struct describe *d);
int describe_deployment(struct describe *d);
int describe_replicaset(struct describe *d);
int describe_statefulset(struct describe *d);
int describe_daemonset(struct describe *d);
int describe_job(struct describe *d);
int describe_cronjob(struct describe *d);
int describe_hpa(struct describe *d);
int describe_pdb(struct describe *d);
int describe_service(struct describe *d);
int describe_endpoints(struct describe *d);
int describe_endpointslice(struct describe *d);
int describe_ingress(struct describe *d);
int describe_namespace(struct describe *d);
int describe_quota(struct describe *d);
int describe_limitrange(struct describe *d);
int describe_configmap(struct describe *d);
int describe_secret(struct describe *d);
int describe_service_account(struct describe *d);
int describe_role(struct describe *d);
int describe_role_binding(struct describe *d);
int describe_generic(struct describe *d);

#endif
