/* Go's text/template over JSON values, as kubectl's -o go-template runs it (cli-runtime
 * printers/template.go: the object as map[string]interface{} with integral numbers as int64,
 * the builtin functions plus kubectl's "exists" and "base64decode", missingkey=default|error),
 * and the kubectl printer around it (-o go-template[-file]=, template[file]=, --template). */
#ifndef C8S_CTL_GOTEMPLATE_H
#define C8S_CTL_GOTEMPLATE_H

#include <stdbool.h>

#include <jansson.h>

struct ctl;
struct gotemplate;

/* Parses text as the template kubectl names "output". Returns a new template (free with
 * gotemplate_free), or NULL with *error set to Go's message ("template: output:1: unexpected
 * EOF"), an owned string. Thread-safe (no shared state). */
struct gotemplate *gotemplate_parse(const char *text, char **error);
void gotemplate_free(struct gotemplate *t);

/* Runs t on data (borrowed) with Go's missingkey=default (allow_missing: "<no value>") or
 * missingkey=error. Returns 0 with *out the owned output; or -1 with *out the output written
 * before the failure and *error Go's message ("template: output:1:2: executing "output" at
 * <.a>: ..."), both owned. */
int gotemplate_execute(const struct gotemplate *t, const json_t *data, bool allow_missing,
                       char **out, char **error);

/* Go's fmt %v of data as a template sees it (map[k:v] sorted, [a b], <nil>, int64 and
 * float64 numbers). Returns an owned string. */
char *gotemplate_format_value(const json_t *data);

/* ---- kubectl's go-template printer ---- */

/* Whether -o output (with --template template_flag, may be NULL or "") selects the
 * go-template printer: go-template, go-template-file, template, templatefile (with "=..." or
 * with --template), or no -o at all with --template set. */
bool gotemplate_is_format(const char *output, const char *template_flag);

/* Builds the printer's template from -o and --template as kubectl's GoTemplatePrintFlags
 * (reading the file of go-template-file/templatefile). Returns the template, or NULL after
 * printing kubectl's error ("template format specified but no template given", "error
 * reading --template ...", "error parsing template ..."). *raw receives the template text
 * (owned) for the printer's error report. */
struct gotemplate *gotemplate_printer_new(struct ctl *c, const char *output,
                                          const char *template_flag, char **raw);

/* Prints obj (borrowed) through t on c->out as kubectl's GoTemplatePrinter: on an execution
 * failure, the partial output, then "Error executing template: ..." with the template, the
 * raw JSON (keys in insertion order when ordered) and the object on c->out, and "error:
 * error executing template ..." on c->errout. Returns 0 or 1 (failure printed). */
int gotemplate_printer_print(struct ctl *c, const struct gotemplate *t, const char *raw,
                             const json_t *obj, bool allow_missing, bool ordered);

#endif
