/* `c8sctl edit` as kubectl edit (simplified): the object as YAML (managed fields hidden) under
 * kubectl's header comments in a temporary file, $KUBE_EDITOR or $EDITOR (default vi) run on it
 * through the shell, then a strategic merge patch (merge patch for other groups) from the
 * original to the edited object with fieldManager=kubectl-edit. An unchanged file answers
 * "Edit cancelled, no changes made."; an emptied one is kept and reported as kubectl 1.32 does.
 * A save the server finds invalid re-opens the file with the causes as comments, as kubectl
 * does, until the editor changes nothing more ("Edit cancelled, no valid changes were saved."). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "jpatch.h"
#include "objects.h"
#include "printers.h"
#include "xalloc.h"
#include "yamlx.h"

static const char EDIT_HEADER[] =
    "# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
    "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
    "# reopened with the relevant failures.\n"
    "#\n";

/* The edited text without comment lines; true when nothing but blanks remains. */
static bool strip_comments(char *text)
{
    char *out = text;
    bool empty = true;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        const char *p = line;
        while (p < line + len && (*p == ' ' || *p == '\t')) {
            p++;
        }
        if (*p != '#') {
            memmove(out, line, len);
            for (size_t i = 0; i < len; i++) {
                empty = empty && (out[i] == ' ' || out[i] == '\t' || out[i] == '\n');
            }
            out += len;
        }
        line += len;
    }
    *out = '\0';
    return empty;
}

/* The comment block kubectl puts above a refused edit: `# configmaps "x" was not valid:` and
 * one `# * field: message` line per cause of a 422 Invalid answer. NULL (owned otherwise) for
 * other answers. */
static char *invalid_causes(const struct http_response *resp, const char *rg, const char *name)
{
    if (resp->status != 422 || resp->body == NULL) {
        return NULL;
    }
    cleanup_json json_t *st = json_loads(resp->body, 0, NULL);
    const json_t *causes = json_object_get(json_object_get(st, "details"), "causes");
    if (json_array_size(causes) == 0) {
        return NULL;
    }
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    fprintf(f, "# %s \"%s\" was not valid:\n", rg, name);
    size_t i;
    const json_t *cause;
    json_array_foreach (causes, i, cause) {
        const char *field = json_string_value(json_object_get(cause, "field"));
        const char *message = json_string_value(json_object_get(cause, "message"));
        fprintf(f, "# * %s: %s\n", field ? field : "", message ? message : "");
    }
    fputs("#\n", f);
    fclose(f);
    return out;
}

/* Writes kubectl's header, the failures of the last save (or nothing) and the object. */
static int write_edit_file(const char *file, const char *failures, const char *content)
{
    FILE *f = fopen(file, "w");
    if (f == NULL) {
        return -1;
    }
    fprintf(f, "%s%s%s", EDIT_HEADER, failures ? failures : "", content);
    return fclose(f) == 0 ? 0 : -1;
}

int cmd_edit(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0};
    const char *output = "", *validate = "strict", *validation = NULL;
    struct cli_flag flags[] = {
        {"output", 'o', CLI_STRING, &output, false},
        {"validate", 0, CLI_STRING, &validate, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct target *targets = NULL;
    size_t ntargets = 0;
    cleanup_json json_t *live = NULL, *edited = NULL, *patch = NULL, *answer = NULL;
    cleanup_free char *path = NULL, *text = NULL, *file = NULL, *command = NULL, *yaml = NULL;
    cleanup_free char *patch_path = NULL, *display = NULL, *failures = NULL, *last = NULL;
    cleanup_free char *rg = NULL;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (args.n == 0) {
        status = ctl_error(c, "You must provide one or more resources by argument or filename.\n"
                              "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
                              "'--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        goto out;
    }
    if (ctl_connect(c) != 0 || ctl_discover(c) != 0 ||
        objects_validation(c, validate, &validation) != 0 ||
        objects_targets(c, args.v, args.n, false, &targets, &ntargets, NULL) != 0) {
        status = 1;
        goto out;
    }
    if (ntargets != 1) {
        status =
            ctl_error(c, "editing several objects at once is not implemented by %s yet", c->prog);
        goto out;
    }
    path = ctl_object_path(c, targets[0].r, targets[0].name);
    if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &live) != 0) {
        status = 1;
        goto out;
    }
    objects_omit_managed_fields(live);
    yaml = yamlx_dump(live);
    file = xstrdup("/tmp/c8sctl-edit-XXXXXX.yaml");
    int fd = mkstemps(file, 5);
    if (fd < 0) {
        status = ctl_error(c, "cannot create a temporary file");
        goto out;
    }
    close(fd);
    const char *editor = getenv("KUBE_EDITOR");
    editor = editor && *editor ? editor : getenv("EDITOR");
    editor = editor && *editor ? editor : "vi";
    command = xasprintf("%s '%s'", editor, file);
    rg = mapper_resource_group(targets[0].r);
    const char *content = yaml;
    for (;;) {
        if (write_edit_file(file, failures, content) != 0) {
            status = ctl_error(c, "cannot write %s", file);
            goto out;
        }
        if (system(command) != 0) {
            status = ctl_error(c, "there was a problem with the editor \"%s\"", editor);
            goto out;
        }
        size_t len = 0;
        struct err e = {0};
        free(text);
        text = NULL;
        if (file_read_all(file, &text, &len, &e) != 0) {
            status = ctl_error(c, "%s", e.msg);
            goto out;
        }
        if (strip_comments(text)) {
            /* kubectl 1.32 reports an emptied file as an invalid object and keeps it */
            ctl_error(c, "%s \"%s\" is invalid", rg, targets[0].name);
            fprintf(c->errout, "A copy of your changes has been stored to \"%s\"\n", file);
            status = ctl_error(c, "Edit cancelled, no valid changes were saved.");
            free(file);
            file = NULL;
            goto out;
        }
        if (failures != NULL && strcmp(text, content) == 0) {
            /* the same content the server refused: kubectl gives up here, keeping the copy */
            fprintf(c->errout, "A copy of your changes has been stored to \"%s\"\n", file);
            status = ctl_error(c, "Edit cancelled, no valid changes were saved.");
            free(file);
            file = NULL;
            goto out;
        }
        json_decref(edited);
        edited = yamlx_load(text, strlen(text), &e);
        if (edited == NULL) {
            status = ctl_error(c, "%s", e.msg);
            goto out;
        }
        if (failures == NULL && json_equal(edited, live)) {
            fputs("Edit cancelled, no changes made.\n", c->errout);
            goto out;
        }
        const struct jpatch_smp_schema *schema = objects_smp_schema(targets[0].r);
        json_decref(patch);
        patch = schema ? jpatch_smp_create(live, edited, schema, &e)
                       : jpatch_merge_create(live, edited, &e);
        if (patch == NULL) {
            status = ctl_error(c, "%s", e.msg);
            goto out;
        }
        free(patch_path);
        patch_path = xasprintf("%s?fieldManager=kubectl-edit&fieldValidation=%s", path, validation);
        cleanup_free char *body = json_dumps(patch, JSON_COMPACT);
        struct http_response resp = {0};
        if (ctl_request(c, "PATCH", patch_path, NULL,
                        schema ? "application/strategic-merge-patch+json"
                               : "application/merge-patch+json",
                        body, &resp, &e) != 0) {
            status = ctl_transport_error(c, &e);
            fprintf(c->errout, "A copy of your changes has been stored to \"%s\"\n", file);
            free(file);
            file = NULL; /* kept for the user */
            goto out;
        }
        if (resp.status >= 200 && resp.status < 300) {
            answer = resp.body ? json_loads(resp.body, 0, NULL) : NULL;
            http_response_free(&resp);
            break;
        }
        char *refused = invalid_causes(&resp, rg, targets[0].name);
        if (refused == NULL) {
            status = ctl_api_error(c, &resp);
            http_response_free(&resp);
            fprintf(c->errout, "A copy of your changes has been stored to \"%s\"\n", file);
            free(file);
            file = NULL; /* kept for the user */
            goto out;
        }
        http_response_free(&resp);
        /* Invalid: report it and re-open the edit with the causes on top. */
        ctl_error(c, "%s \"%s\" is invalid", rg, targets[0].name);
        free(failures);
        failures = refused;
        free(last);
        last = xstrdup(text);
        content = last;
    }
    if (answer == NULL) {
        status = ctl_error(c, "invalid JSON answer from %s", patch_path);
        goto out;
    }
    display = objects_display(targets[0].r, targets[0].name);
    status = objects_print_result(c, answer, display, "edited", output, DRY_RUN_NONE, false);
out:
    if (file != NULL) {
        unlink(file);
    }
    objects_targets_free(targets, ntargets);
    cli_strv_free(&args);
    return status;
}
