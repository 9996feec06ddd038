/* What `rollout` and `set` share, as kubectl's resource builder and polymorphic helpers do it
 * for objects with a pod template: the objects named by TYPE NAME, TYPE/NAME, TYPE with -l or
 * --all, or -f (each fetched once, before anything changes), a label selector written as
 * labels.Selector.String(), a PATCH with kubectl's field manager, and the pod template text of
 * describe.DescribePodTemplate that `rollout history --revision` and `rollout undo --dry-run`
 * print. One thread, as the rest of c8sctl. */
#ifndef C8S_CTL_WORKLOAD_H
#define C8S_CTL_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "objects.h"

/* One object to work on. */
struct workload {
    const struct mapper_resource *r; /* borrowed from the mapper */
    json_t *obj;                     /* the live object (new reference) */
};

/* Where the objects come from. */
struct workload_source {
    const struct cli_strv *args;  /* TYPE NAME... / TYPE/NAME... / TYPE */
    const struct cli_strv *files; /* -f */
    bool recursive;               /* -R */
    const char *selector;         /* -l, may be NULL */
    bool all;                     /* --all */
    bool type_lists_all;    /* a bare TYPE lists every object (rollout), else needs -l/--all */
    bool continue_on_error; /* a failed GET is reported and the others kept (rollout) */
};

/* Resolves the source and GETs (or lists) the objects, stopping at the first failure as
 * kubectl's builder does (or going on with the others, each failure printed, when
 * continue_on_error). Returns 0 or 1 after printing kubectl's error; *out gets an owned array
 * (workload_free) of the objects fetched, empty when 1 is returned without continue_on_error.
 * Zero objects is not an error here. */
int workload_collect(struct ctl *c, const struct workload_source *src, struct workload **out,
                     size_t *count);
void workload_free(struct workload *w, size_t n);

/* The namespace and name of w's object (borrowed). */
const char *workload_ns(const struct workload *w);
const char *workload_name(const struct workload *w);

/* PATCHes w's object: "?[dryRun=All&]fieldManager=<manager>". On success *answer (may be NULL)
 * gets the server's object (new reference) and 0 is returned; on failure an owned message
 * (the server's, as ctl_api_error_text without "Error from server" when plain is set) goes to
 * *failure and 1 is returned. */
int workload_patch(struct ctl *c, const struct workload *w, const char *content_type,
                   const char *body, const char *manager, enum dry_run dry_run, json_t **answer,
                   char **failure);

/* labels.Selector.String() of a metav1.LabelSelector (borrowed): requirements sorted by key,
 * "k=v", "k in (a,b)", "k notin (a)", "k", "!k". Owned; "" for none. */
char *workload_selector_string(const json_t *selector);

/* describe.DescribePodTemplate of a PodTemplateSpec (borrowed), its lines as kubectl writes
 * them through a PrefixWriter (tabs kept, no alignment). */
void workload_print_pod_template(FILE *w, const json_t *tmpl);

#endif
