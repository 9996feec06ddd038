/* YAML <-> JSON (jansson) the way kubectl reads manifests and prints `-o yaml`: documents are
 * read as sigs.k8s.io/yaml reads them over go-yaml v2 (YAML 1.1 scalars: yes/no/on/off are
 * booleans, 0x1F and 017 are ints, "2001-12-14" stays a string) and printed as go-yaml v2
 * marshals a JSON map (sorted keys, compact sequences, go-yaml's quoting). Built on libyaml. */
#ifndef C8S_YAMLX_H
#define C8S_YAMLX_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* The deepest nesting of mappings and sequences accepted on load (as go-yaml v3's limit). */
#define YAMLX_MAX_DEPTH 1000

/* Parses buf (YAML or JSON, len bytes, need not be NUL-terminated) holding at most one
 * document and returns it as JSON: a new reference. An empty stream, or one whose document
 * is null or only comments, gives json null. Scalars are typed as kubectl types them (see
 * yamlx_load_all). Errors (NULL, err filled, code C8S_EPARSE): go-yaml's wording with the
 * position, "yaml: line 3, column 9: mapping values are not allowed in this context", and
 * "yaml: expected a single document in the stream, found 2" for several documents.
 * Thread-safe (no shared state). */
json_t *yamlx_load(const char *buf, size_t len, struct err *err);

/* Parses a stream of documents as `kubectl apply -f` does and stores a new JSON array of
 * them in *out_docs (a new reference; untouched on error). Returns 0 or a negative code.
 *
 * - A stream whose first non-space byte is '{' is first read as a stream of JSON values
 *   ({..}{..}); if that fails it is read as YAML.
 * - YAML is cut into documents at lines starting with "---" (what follows on that line may only
 *   be spaces or a comment, else "invalid Yaml document separator"); each piece holds one
 *   document ("..." ends it early). Documents that are empty or null are skipped.
 * - Scalars follow go-yaml v2's YAML 1.1 resolution and then Go's JSON round trip: ints in
 *   int64 range (decimal, 0x, 0o, leading-0 octal, 0b, underscores ignored) become integers,
 *   larger ones reals; floats with an integral value below 1e21 become integers, others
 *   reals; .inf and .nan are errors ("json: unsupported value: +Inf"). yes/no/on/off/y/n and
 *   true/false in any of their YAML 1.1 spellings are booleans; ~, null and empty are null.
 *   Tags !!str !!int !!float !!bool !!null !!binary (base64) are honoured, other tags ignored.
 * - Map keys are made strings as sigs.k8s.io/yaml does (1 -> "1", 1.5 -> "1.5", y -> "true");
 *   duplicate keys: the last wins (kubectl's non-strict decoding); merge keys (<<) as go-yaml
 *   v2 applies them, in order, overwriting. Anchors and aliases are expanded into copies,
 *   and excessive aliasing (billion laughs) is refused as go-yaml refuses it.
 * Error lines and columns are 1-based and count from the start of buf. Thread-safe. */
int yamlx_load_all(const char *buf, size_t len, json_t **out_docs, struct err *err) C8S_MUST_USE;

/* Prints v as `kubectl get -o yaml` does (go-yaml v2 Marshal of the JSON): 2-space indent,
 * object keys in go-yaml's natural order ("a9" before "a10"), sequence items at their key's
 * indent, strings quoted only when needed ('single' where YAML syntax requires, "double" where
 * the text would read back as another type, |/|-/|+ for multi-line text), {} and [], numbers as
 * Go prints them, long lines folded at 80 columns. Returns an owned string (free()) ending in
 * a newline. Borrows v. Thread-safe. */
char *yamlx_dump(const json_t *v);

#endif
