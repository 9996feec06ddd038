/* `c8sctl edit` as kubectl edit (simplified): the object as YAML (managed fields hidden) under
 * kubectl's header comments in a temporary file, $KUBE_EDITOR or $EDITOR (default vi) run on it
 * through the shell, then a strategic merge patch (merge patch for other groups) from the
 * original to the edited object with fieldManager=kubectl-edit. An unchanged file answers
 * "Edit cancelled, no changes made."; an emptied one is kept and reported as kubectl 1.32 does.
 * A failed save is reported and the file kept, not re-opened. */
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

int cmd_edit(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0};
    const char *output = "";
    struct cli_flag flags[] = {
        {"output", 'o', CLI_STRING, &output, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct target *targets = NULL;
    size_t ntargets = 0;
    cleanup_json json_t *live = NULL, *edited = NULL, *patch = NULL, *answer = NULL;
    cleanup_free char *path = NULL, *text = NULL, *file = NULL, *command = NULL, *yaml = NULL;
    cleanup_free char *patch_path = NULL, *display = NULL;
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
    FILE *f = fdopen(fd, "w");
    fprintf(f, "%s%s", EDIT_HEADER, yaml);
    fclose(f);
    const char *editor = getenv("KUBE_EDITOR");
    editor = editor && *editor ? editor : getenv("EDITOR");
    editor = editor && *editor ? editor : "vi";
    command = xasprintf("%s '%s'", editor, file);
    if (system(command) != 0) {
        status = ctl_error(c, "there was a problem with the editor \"%s\"", editor);
        goto out;
    }
    size_t len = 0;
    struct err e = {0};
    if (file_read_all(file, &text, &len, &e) != 0) {
        status = ctl_error(c, "%s", e.msg);
        goto out;
    }
    if (strip_comments(text)) {
        /* kubectl 1.32 reports an emptied file as an invalid object and keeps it */
        cleanup_free char *rg = mapper_resource_group(targets[0].r);
        ctl_error(c, "%s \"%s\" is invalid", rg, targets[0].name);
        fprintf(c->errout, "A copy of your changes has been stored to \"%s\"\n", file);
        status = ctl_error(c, "Edit cancelled, no valid changes were saved.");
        free(file);
        file = NULL;
        goto out;
    }
    edited = yamlx_load(text, strlen(text), &e);
    if (edited == NULL) {
        status = ctl_error(c, "%s", e.msg);
        goto out;
    }
    if (json_equal(edited, live)) {
        fputs("Edit cancelled, no changes made.\n", c->errout);
        goto out;
    }
    const struct jpatch_smp_schema *schema = objects_smp_schema(targets[0].r);
    patch = schema ? jpatch_smp_create(live, edited, schema, &e)
                   : jpatch_merge_create(live, edited, &e);
    if (patch == NULL) {
        status = ctl_error(c, "%s", e.msg);
        goto out;
    }
    patch_path = xasprintf("%s?fieldManager=kubectl-edit&fieldValidation=Strict", path);
    if (ctl_request_json(c, "PATCH", patch_path, NULL,
                         schema ? "application/strategic-merge-patch+json"
                                : "application/merge-patch+json",
                         patch, &answer) != 0) {
        fprintf(c->errout, "A copy of your changes has been stored to \"%s\"\n", file);
        free(file);
        file = NULL; /* kept for the user */
        status = 1;
        goto out;
    }
    display = objects_display(targets[0].r, targets[0].name);
    objects_print_result(c, answer, display, "edited", output, DRY_RUN_NONE, false);
out:
    if (file != NULL) {
        unlink(file);
    }
    objects_targets_free(targets, ntargets);
    cli_strv_free(&args);
    return status;
}
