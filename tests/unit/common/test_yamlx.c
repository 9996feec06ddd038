/* yamlx against kubectl: documents read as `kubectl create -f` reads them and JSON printed as
 * `kubectl -o yaml` prints it. The expected texts were produced by kubectl v1.32 (client-side
 * dry runs) and are kept here verbatim. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "yamlx.h"

static json_t *parse_json(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (v == NULL) {
        fail_msg("bad test JSON: %s", je.text);
    }
    return v;
}

static void assert_json_equal(const json_t *got, const json_t *want)
{
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_ENCODE_ANY | JSON_SORT_KEYS);
        char *w = json_dumps(want, JSON_ENCODE_ANY | JSON_SORT_KEYS);
        print_error("got  %s\nwant %s\n", g, w);
        free(g);
        free(w);
        fail();
    }
}

static void assert_loads(const char *yaml, const char *want_json)
{
    struct err err = {0};
    json_t *got = yamlx_load(yaml, strlen(yaml), &err);
    if (got == NULL) {
        fail_msg("load failed: %s", err.msg);
    }
    json_t *want = parse_json(want_json);
    assert_json_equal(got, want);
    json_decref(got);
    json_decref(want);
}

static void assert_load_fails(const char *yaml, const char *message)
{
    struct err err = {0};
    json_t *docs = (json_t *)0x1;
    assert_true(yamlx_load_all(yaml, strlen(yaml), &docs, &err) < 0);
    assert_ptr_equal(docs, (json_t *)0x1);
    assert_int_equal(err.code, C8S_EPARSE);
    assert_string_equal(err.msg, message);
}

static void assert_dumps(const char *json_text, const char *want_yaml)
{
    json_t *v = parse_json(json_text);
    char *got = yamlx_dump(v);
    assert_string_equal(got, want_yaml);
    free(got);
    json_decref(v);
}

/* ---- Success: loading ---------------------------------------------------------------- */

/* The `spec` of this manifest as kubectl read it (kubectl create --dry-run=client -o yaml). */
static const char manifest_scalars[] = "apiVersion: v1\n"
                                       "kind: ConfigMap\n"
                                       "metadata:\n"
                                       "  name: x\n"
                                       "spec:\n"
                                       "  a: yes\n"
                                       "  b: 0x1F\n"
                                       "  c: 1e3\n"
                                       "  d: 1.0\n"
                                       "  e: 0o17\n"
                                       "  f: 017\n"
                                       "  g: 1_000\n"
                                       "  h: 08\n"
                                       "  i: 18446744073709551615\n"
                                       "  j: 9223372036854775807\n"
                                       "  k: 9223372036854775808\n"
                                       "  l: +12\n"
                                       "  m: .5\n"
                                       "  n: on\n"
                                       "  o: y\n"
                                       "  p: ~\n"
                                       "  q:\n"
                                       "  r: 2001-12-14\n"
                                       "  s: 1e400\n"
                                       "  t: 0b101\n"
                                       "  u: \"c:\"\n"
                                       "  v: 0x\n"
                                       "  w: -0x1F\n"
                                       "  x: 1:20\n"
                                       "  y: 123456789012345678901234\n"
                                       "  z: 1.5e-7\n"
                                       "  a1: -0b101\n"
                                       "  a4: 1_000.5\n"
                                       "  a5: 0.\n"
                                       "  a6: -.5\n"
                                       "  a7: 1e\n"
                                       "  b3: -0\n"
                                       "  b6: 1e-400\n"
                                       "  c3: -9223372036854775808\n"
                                       "  c4: -9223372036854775809\n"
                                       "  c7: 100000000000000000000000000.5\n"
                                       "  c8: +\n"
                                       "  c9: .\n"
                                       "  1e3: k1\n"
                                       "  0.1: k2\n"
                                       "  3.14159265358979: k3\n"
                                       "  -1: k4\n"
                                       "  0x10: k5\n"
                                       "  1e7: k6\n"
                                       "  d2: !!float 5\n"
                                       "  d3: !!timestamp 2001-12-14\n"
                                       "  d4: !!str 12\n"
                                       "  d5: !!binary aGVsbG8=\n"
                                       "  d6: !custom 12\n";

static const char manifest_scalars_spec[] =
    "{\"a\": true, \"b\": 31, \"c\": 1000, \"d\": 1, \"e\": 15, \"f\": 15, \"g\": 1000, \"h\": 8, "
    "\"i\": 1.8446744073709552e+19, \"j\": 9223372036854775807, \"k\": 9.223372036854776e+18, "
    "\"l\": 12, \"m\": 0.5, \"false\": true, \"o\": true, \"p\": null, \"q\": null, \"r\": "
    "\"2001-12-14\", \"s\": \"1e400\", \"t\": 5, \"u\": \"c:\", \"v\": \"0x\", \"w\": -31, \"x\": "
    "\"1:20\", \"true\": 1.2345678901234569e+23, \"z\": 1.5e-07, \"a1\": -5, \"a4\": 1000.5, "
    "\"a5\": 0, \"a6\": -0.5, \"a7\": \"1e\", \"b3\": 0, \"b6\": 0, \"c3\": -9223372036854775808, "
    "\"c4\": -9.223372036854776e+18, \"c7\": 1e+26, \"c8\": \"+\", \"c9\": \".\", \"1000\": "
    "\"k1\", \"0.1\": \"k2\", \"3.1415927\": \"k3\", \"-1\": \"k4\", \"16\": \"k5\", \"1e+07\": "
    "\"k6\", \"d2\": 5, \"d3\": \"2001-12-14\", \"d4\": \"12\", \"d5\": \"hello\", \"d6\": "
    "\"12\"}\n";

static void test_anchor_redefined_inside_its_own_node_keeps_the_inner_one(void **state)
{
    (void)state;
    /* go-yaml registers an anchor when its node starts: the inner definition wins. */
    assert_loads("other: &o\n er: &o\n  r: 30\nuse: *o\n",
                 "{\"other\":{\"er\":{\"r\":30}},\"use\":{\"r\":30}}");
}

static void test_load_types_scalars_as_kubectl_does(void **state)
{
    struct err err = {0};
    json_t *doc = yamlx_load(manifest_scalars, strlen(manifest_scalars), &err);
    assert_non_null(doc);
    json_t *want = parse_json(manifest_scalars_spec);
    assert_json_equal(json_object_get(doc, "spec"), want);
    /* Integral floats become integers, as kubectl's JSON round trip makes them. */
    assert_true(json_is_integer(json_object_get(want, "c")));
    assert_true(json_is_real(json_object_get(json_object_get(doc, "spec"), "k")));
    json_decref(want);
    json_decref(doc);
}

static void test_load_reads_block_scalars_quotes_and_flow_style(void **state)
{
    assert_loads("lit: |\n  line1\n   line2\n\nkeep: |+\n  k\n\nstrip: |-\n  s\n"
                 "fold: >\n  a\n  b\n\n  c\nfoldstrip: >-\n  x\n  y\nindent: |2\n   two\n",
                 "{\"lit\": \"line1\\n line2\\n\", \"keep\": \"k\\n\\n\", \"strip\": \"s\","
                 " \"fold\": \"a b\\nc\\n\", \"foldstrip\": \"x y\", \"indent\": \" two\\n\"}");
    assert_loads("sq: 'it''s'\ndq: \"tab\\there\\u00e9\\x41\\0\"\nplain: a\n  b\n"
                 "dqfold: \"x\n  y\n\n  z\"\n",
                 "{\"sq\": \"it's\", \"dq\": \"tab\\there\\u00e9A\\u0000\", \"plain\": \"a b\","
                 " \"dqfold\": \"x y\\nz\"}");
    assert_loads("flow: [1, \"two\", {three: 3}, [], {}]\n# comment\nc: x # trailing\n",
                 "{\"flow\": [1, \"two\", {\"three\": 3}, [], {}], \"c\": \"x\"}");
}

static void test_load_expands_anchors_aliases_and_merge_keys_as_go_yaml_v2(void **state)
{
    assert_loads(
        "base: &b {p: 1, q: 2}\nother: &o\n  q: 20\n  r: 30\n"
        "spec:\n  a: 1\n  <<: *b\n  merged:\n    <<: [*o, *b]\n    r: 99\n"
        "  s: &s scalar\n  t: *s\n  u: [*b]\n",
        "{\"base\": {\"p\": 1, \"q\": 2}, \"other\": {\"q\": 20, \"r\": 30},"
        " \"spec\": {\"a\": 1, \"p\": 1, \"q\": 2, \"merged\": {\"q\": 20, \"r\": 99,"
        " \"p\": 1}, \"s\": \"scalar\", \"t\": \"scalar\", \"u\": [{\"p\": 1, \"q\": 2}]}}");
    /* v2 applies a merge where it stands, so it overrides keys set before it. */
    assert_loads("b: &b {a: 2}\nm:\n  a: 1\n  <<: *b\n", "{\"b\": {\"a\": 2}, \"m\": {\"a\": 2}}");
    /* A quoted << is an ordinary key. */
    assert_loads("\"<<\": {a: 1}\n", "{\"<<\": {\"a\": 1}}");
}

static void test_load_turns_keys_into_strings_and_lets_the_last_duplicate_win(void **state)
{
    assert_loads("1: a\n1.5: b\ntrue: c\ny: d\nn: e\n0x10: f\n1e7: g\n.inf: h\n? complex\n: i\n"
                 "dup: 1\ndup: 2\n",
                 "{\"1\": \"a\", \"1.5\": \"b\", \"true\": \"d\", \"false\": \"e\", \"16\": \"f\","
                 " \"1e+07\": \"g\", \".inf\": \"h\", \"complex\": \"i\", \"dup\": 2}");
}

static void test_load_all_cuts_documents_at_separator_lines_and_skips_empty_ones(void **state)
{
    const char *stream = "# only a comment\n---\n--- # another\na: 1\n...\nignored: after end\n"
                         "---\n\n---\nnull\n---\n~\n---\r\nb: 2\r\n---\n[1, 2]\n---";
    struct err err = {0};
    json_t *docs = NULL;
    assert_int_equal(yamlx_load_all(stream, strlen(stream), &docs, &err), 0);
    json_t *want = parse_json("[{\"a\": 1}, {\"b\": 2}, [1, 2]]");
    assert_json_equal(docs, want);
    json_decref(want);
    json_decref(docs);
}

static void test_load_all_reads_json_streams(void **state)
{
    const char *stream = "  {\"a\": 1}\n{\"b\": [1.0, 2, \"x\\u0000y\"]} null {\"c\": {}}";
    struct err err = {0};
    json_t *docs = NULL;
    assert_int_equal(yamlx_load_all(stream, strlen(stream), &docs, &err), 0);
    json_t *want = parse_json("[{\"a\": 1}, {\"b\": [1.0, 2, \"x\\u0000y\"]}, {\"c\": {}}]");
    assert_json_equal(docs, want);
    assert_true(json_is_real(json_array_get(json_object_get(json_array_get(docs, 1), "b"), 0)));
    json_decref(want);
    json_decref(docs);
    /* Flow YAML that is not JSON still reads, as YAML. */
    assert_loads("{a: 1, b: [x]}", "{\"a\": 1, \"b\": [\"x\"]}");
}

static void test_load_gives_null_for_an_empty_stream(void **state)
{
    struct err err = {0};
    json_t *v = yamlx_load("", 0, &err);
    assert_true(json_is_null(v));
    json_decref(v);
    v = yamlx_load("# nothing\n---\n", strlen("# nothing\n---\n"), &err);
    assert_true(json_is_null(v));
    json_decref(v);
}

/* ---- Failure: loading ---------------------------------------------------------------- */

static void test_load_reports_line_and_column_in_go_yaml_words(void **state)
{
    assert_load_fails("a: b: c\n", "yaml: line 1, column 5: mapping values are not allowed in this "
                                   "context");
    assert_load_fails("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n - a\n",
                      "yaml: line 5, column 2: did not find expected key");
    assert_load_fails("a: [1, 2\n", "yaml: line 2, column 1: did not find expected ',' or ']'");
    assert_load_fails("a:\n\tb: 1\n",
                      "yaml: line 2, column 1: found character that cannot start any token");
    assert_load_fails("a: 'x\x01'\n", "yaml: line 1, column 6: control characters are not allowed");
    assert_load_fails("a: 1\n---\nb: 2\nc: [\n",
                      "yaml: line 5, column 1: did not find expected node content");
    assert_load_fails("a: 1\n---x\nb: 2\n", "yaml: line 2: invalid Yaml document separator: x");
}

static void test_load_rejects_bad_aliases_tags_merges_and_values(void **state)
{
    assert_load_fails("a: *nope\n", "yaml: line 1, column 4: unknown anchor 'nope' referenced");
    assert_load_fails("a: &x [*x]\n", "yaml: line 1, column 8: anchor 'x' value contains itself");
    assert_load_fails("a: !!int foo\n",
                      "yaml: line 1, column 4: cannot decode !!str `foo` as a !!int");
    assert_load_fails("a: !!int 1.5\n",
                      "yaml: line 1, column 4: cannot decode !!float `1.5` as a !!int");
    assert_load_fails("<<: 5\n", "yaml: line 1, column 1: map merge requires map or sequence of "
                                 "maps as the value");
    assert_load_fails("x: !!binary \"!!\"\n",
                      "yaml: line 1, column 4: !!binary value contains invalid base64 data");
    assert_load_fails("a: .inf\n", "yaml: line 1, column 4: json: unsupported value: +Inf");
    assert_load_fails("a: .nan\n", "yaml: line 1, column 4: json: unsupported value: NaN");
    assert_load_fails("~: x\n", "yaml: line 1, column 1: unsupported map key of type: <nil>");
    assert_load_fails("[a]: x\n", "yaml: line 1, column 1: invalid map key: a mapping or sequence "
                                  "cannot be a key");
}

static void test_load_refuses_a_single_call_with_several_documents(void **state)
{
    struct err err = {0};
    assert_null(yamlx_load("a: 1\n---\nb: 2\n", 14, &err));
    assert_string_equal(err.msg, "yaml: expected a single document in the stream, found 2");
}

static void test_load_refuses_excessive_aliasing(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fprintf(f, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
        fprintf(f, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
                i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    }
    fclose(f);
    struct err err = {0};
    assert_null(yamlx_load(text, len, &err));
    assert_non_null(strstr(err.msg, "document contains excessive aliasing"));
    free(text);
}

static void test_load_refuses_nesting_deeper_than_the_limit(void **state)
{
    size_t n = YAMLX_MAX_DEPTH + 10;
    char *text = malloc(2 * n + 1);
    memset(text, '[', n);
    memset(text + n, ']', n);
    text[2 * n] = '\0';
    struct err err = {0};
    assert_null(yamlx_load(text, 2 * n, &err));
    assert_non_null(strstr(err.msg, "exceeded max depth of 1000"));
    free(text);
}

/* ---- Success: dumping ---------------------------------------------------------------- */

/* kubectl create deployment d --image=nginx --replicas=3 --port=80 --dry-run=client -o json */
static const char deployment_json[] =
    "{\"kind\": \"Deployment\", \"apiVersion\": \"apps/v1\", \"metadata\": {\"name\": \"d\", "
    "\"creationTimestamp\": null, \"labels\": {\"app\": \"d\"}}, \"spec\": {\"replicas\": 3, "
    "\"selector\": {\"matchLabels\": {\"app\": \"d\"}}, \"template\": {\"metadata\": "
    "{\"creationTimestamp\": null, \"labels\": {\"app\": \"d\"}}, \"spec\": {\"containers\": "
    "[{\"name\": \"nginx\", \"image\": \"nginx\", \"ports\": [{\"containerPort\": 80}], "
    "\"resources\": {}}]}}, \"strategy\": {}}, \"status\": {}}\n";

/* ... and the same with -o yaml. */
static const char deployment_yaml[] = "apiVersion: apps/v1\n"
                                      "kind: Deployment\n"
                                      "metadata:\n"
                                      "  creationTimestamp: null\n"
                                      "  labels:\n"
                                      "    app: d\n"
                                      "  name: d\n"
                                      "spec:\n"
                                      "  replicas: 3\n"
                                      "  selector:\n"
                                      "    matchLabels:\n"
                                      "      app: d\n"
                                      "  strategy: {}\n"
                                      "  template:\n"
                                      "    metadata:\n"
                                      "      creationTimestamp: null\n"
                                      "      labels:\n"
                                      "        app: d\n"
                                      "    spec:\n"
                                      "      containers:\n"
                                      "      - image: nginx\n"
                                      "        name: nginx\n"
                                      "        ports:\n"
                                      "        - containerPort: 80\n"
                                      "        resources: {}\n"
                                      "status: {}\n";

/* kubectl create configmap x --from-literal=a=yes --from-literal=b=123
 *   --from-literal=$'c=multi\nline' --from-literal="d=it's: here" --from-literal=e= -o json/yaml */
static const char configmap_json[] =
    "{\"kind\": \"ConfigMap\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"x\", "
    "\"creationTimestamp\": null}, \"data\": {\"a\": \"yes\", \"b\": \"123\", \"c\": "
    "\"multi\\nline\", \"d\": \"it's: here\", \"e\": \"\"}}\n";

static const char configmap_yaml[] = "apiVersion: v1\n"
                                     "data:\n"
                                     "  a: \"yes\"\n"
                                     "  b: \"123\"\n"
                                     "  c: |-\n"
                                     "    multi\n"
                                     "    line\n"
                                     "  d: 'it''s: here'\n"
                                     "  e: \"\"\n"
                                     "kind: ConfigMap\n"
                                     "metadata:\n"
                                     "  creationTimestamp: null\n"
                                     "  name: x\n";

static void test_dump_matches_kubectl_create_output(void **state)
{
    assert_dumps(deployment_json, deployment_yaml);
    assert_dumps(configmap_json, configmap_yaml);
}

/* A JSON file of tricky strings, keys and numbers, and how `kubectl create -f x.json
 * --dry-run=client -o yaml` printed it. */
static const char tricky_json[] =
    "{\"data\": {\"k00\": \"\", \"k01\": \"true\", \"k02\": \"yes\", \"k03\": \"Yes\", \"k04\": "
    "\"no\", \"k05\": \"on\", \"k06\": \"off\", \"k07\": \"y\", \"k08\": \"n\", \"k09\": \"null\", "
    "\"k10\": \"~\", \"k11\": \"123\", \"k12\": \"1.5\", \"k13\": \"0x1F\", \"k14\": \"c:\", "
    "\"k15\": \"c: d\", \"k16\": \"a #b\", \"k17\": \"#x\", \"k18\": \"-\", \"k19\": \"- x\", "
    "\"k20\": \"-x\", \"k21\": \"*\", \"k22\": \"&a\", \"k23\": \"!x\", \"k24\": \"%x\", \"k25\": "
    "\"@x\", \"k26\": \"`x\", \"k27\": \"|\", \"k28\": \">\", \"k29\": \"'q'\", \"k30\": "
    "\"\\\"dq\\\"\", \"k31\": \"{a}\", \"k32\": \"[a]\", \"k33\": \",x\", \"k34\": \"?\", \"k35\": "
    "\"? x\", \"k36\": \"x?\", \"k37\": \":x\", \"k38\": \"a:b\", \"k39\": \" lead\", \"k40\": "
    "\"trail \", \"k41\": \"multi\\nline\", \"k42\": \"multi\\nline\\n\", \"k43\": "
    "\"multi\\nline\\n\\n\", \"k44\": \" indented\\nmulti\", \"k45\": \"tab\\tx\", \"k46\": "
    "\"\\u00e9 unicode\", \"k47\": \"2001-12-14\", \"k48\": \"2001-12-14T21:59:43.10Z\", \"k49\": "
    "\"1:20\", \"k50\": \"<<\", \"k51\": \"=\", \"k52\": \".5\", \"k53\": \".inf\", \"k54\": "
    "\"1e400\", \"k55\": \"0o17\", \"k56\": \"08\", \"k57\": \"1_000\", \"k58\": \"+1\", \"k59\": "
    "\"-1\", \"k60\": \"0b101\", \"k61\": \"word word word word word word word word word word word "
    "word word word word word word word word word word word word word word word word word word "
    "word \", \"k62\": \"emoji \\ud83d\\ude00\", \"k63\": \"ctrl\\u0001\", \"k64\": "
    "\"back\\\\slash\", \"k65\": \"1e3\", \"k66\": \"0.0.1\", \"k67\": \"v1.2\", \"k68\": \"---\", "
    "\"k69\": \"...\", \"k70\": \"key: value\\nother: x\", \"k71\": \"trailing\\n  spaces  \\n\", "
    "\"k72\": \"\\nleading newline\", \"k73\": \"CR\\r\\nLF\", \"k74\": \"True\", \"k75\": "
    "\"nuLL\", \"k76\": \"Off\", \"k77\": \".NaN\", \"k78\": \"-.inf\", \"k79\": \"2001-13-14\", "
    "\"k80\": \"2001-02-29\", \"k81\": \"2000-02-29 1:2:3\", \"k82\": \"2001-1-2t3:04:05+01:00\"}, "
    "\"labels\": {\"a10\": \"1\", \"a9\": \"2\", \"b\": \"4\", \"B\": \"5\", \"_x\": \"6\", \"1\": "
    "\"7\", \"10\": \"8\", \"2\": \"9\", \"ab\": \"z\", \"a\": \"q\", \"\\u00e9\": \"e\", \"Z0\": "
    "\"z\"}, \"nums\": [0, -1, 1.5, 1e+21, 1e+20, 123456789.0, 1e-07, 1e-06, 1.0, 2.5e-05, "
    "1000000.0, 1234567.5, 3.14159, -0.0, 9007199254740993, 1e+100, 0.1, 100.25, "
    "4.611686018427388e+18, -9.223372036854776e+18, 1.8446744073709552e+19], \"bools\": [true, "
    "false, null], \"empty\": {}, \"emptyl\": [], \"nested\": [[1, 2], [], {}, {\"a\": [{\"b\": "
    "{}}]}, [{\"x\": 1}]], \"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": "
    "{\"name\": \"x\", \"namespace\": \"default\"}}\n";

static const char tricky_yaml[] =
    "apiVersion: v1\n"
    "bools:\n"
    "- true\n"
    "- false\n"
    "- null\n"
    "data:\n"
    "  k00: \"\"\n"
    "  k01: \"true\"\n"
    "  k02: \"yes\"\n"
    "  k03: \"Yes\"\n"
    "  k04: \"no\"\n"
    "  k05: \"on\"\n"
    "  k06: \"off\"\n"
    "  k07: \"y\"\n"
    "  k08: \"n\"\n"
    "  k09: \"null\"\n"
    "  k10: \"~\"\n"
    "  k11: \"123\"\n"
    "  k12: \"1.5\"\n"
    "  k13: \"0x1F\"\n"
    "  k14: 'c:'\n"
    "  k15: 'c: d'\n"
    "  k16: 'a #b'\n"
    "  k17: '#x'\n"
    "  k18: '-'\n"
    "  k19: '- x'\n"
    "  k20: -x\n"
    "  k21: '*'\n"
    "  k22: '&a'\n"
    "  k23: '!x'\n"
    "  k24: '%x'\n"
    "  k25: '@x'\n"
    "  k26: '`x'\n"
    "  k27: '|'\n"
    "  k28: '>'\n"
    "  k29: '''q'''\n"
    "  k30: '\"dq\"'\n"
    "  k31: '{a}'\n"
    "  k32: '[a]'\n"
    "  k33: ',x'\n"
    "  k34: '?'\n"
    "  k35: '? x'\n"
    "  k36: x?\n"
    "  k37: :x\n"
    "  k38: a:b\n"
    "  k39: ' lead'\n"
    "  k40: 'trail '\n"
    "  k41: |-\n"
    "    multi\n"
    "    line\n"
    "  k42: |\n"
    "    multi\n"
    "    line\n"
    "  k43: |+\n"
    "    multi\n"
    "    line\n"
    "\n"
    "  k44: |2-\n"
    "     indented\n"
    "    multi\n"
    "  k45: \"tab\\tx\"\n"
    "  k46: \303\251 unicode\n"
    "  k47: \"2001-12-14\"\n"
    "  k48: \"2001-12-14T21:59:43.10Z\"\n"
    "  k49: \"1:20\"\n"
    "  k50: <<\n"
    "  k51: =\n"
    "  k52: \".5\"\n"
    "  k53: \".inf\"\n"
    "  k54: 1e400\n"
    "  k55: \"0o17\"\n"
    "  k56: \"08\"\n"
    "  k57: \"1_000\"\n"
    "  k58: \"+1\"\n"
    "  k59: \"-1\"\n"
    "  k60: \"0b101\"\n"
    "  k61: 'word word word word word word word word word word word word word word word\n"
    "    word word word word word word word word word word word word word word word '\n"
    "  k62: \"emoji \\U0001F600\"\n"
    "  k63: \"ctrl\\x01\"\n"
    "  k64: back\\slash\n"
    "  k65: \"1e3\"\n"
    "  k66: 0.0.1\n"
    "  k67: v1.2\n"
    "  k68: '---'\n"
    "  k69: '...'\n"
    "  k70: |-\n"
    "    key: value\n"
    "    other: x\n"
    "  k71: \"trailing\\n  spaces  \\n\"\n"
    "  k72: |2-\n"
    "\n"
    "    leading newline\n"
    "  k73: \"CR\\r\\nLF\"\n"
    "  k74: \"True\"\n"
    "  k75: nuLL\n"
    "  k76: \"Off\"\n"
    "  k77: \".NaN\"\n"
    "  k78: \"-.inf\"\n"
    "  k79: 2001-13-14\n"
    "  k80: 2001-02-29\n"
    "  k81: \"2000-02-29 1:2:3\"\n"
    "  k82: \"2001-1-2t3:04:05+01:00\"\n"
    "empty: {}\n"
    "emptyl: []\n"
    "kind: ConfigMap\n"
    "labels:\n"
    "  _x: \"6\"\n"
    "  \"1\": \"7\"\n"
    "  \"2\": \"9\"\n"
    "  \"10\": \"8\"\n"
    "  B: \"5\"\n"
    "  Z0: z\n"
    "  a: q\n"
    "  a9: \"2\"\n"
    "  a10: \"1\"\n"
    "  ab: z\n"
    "  b: \"4\"\n"
    "  \303\251: e\n"
    "metadata:\n"
    "  name: x\n"
    "  namespace: default\n"
    "nested:\n"
    "- - 1\n"
    "  - 2\n"
    "- []\n"
    "- {}\n"
    "- a:\n"
    "  - b: {}\n"
    "- - x: 1\n"
    "nums:\n"
    "- 0\n"
    "- -1\n"
    "- 1.5\n"
    "- 1e+21\n"
    "- 1e+20\n"
    "- 123456789\n"
    "- 1e-07\n"
    "- 1e-06\n"
    "- 1\n"
    "- 2.5e-05\n"
    "- 1000000\n"
    "- 1.2345675e+06\n"
    "- 3.14159\n"
    "- 0\n"
    "- 9007199254740993\n"
    "- 1e+100\n"
    "- 0.1\n"
    "- 100.25\n"
    "- 4611686018427388000\n"
    "- -9.223372036854776e+18\n"
    "- 1.8446744073709552e+19\n";

static void test_dump_quotes_orders_and_formats_as_kubectl_does(void **state)
{
    assert_dumps(tricky_json, tricky_yaml);
}

static void test_dump_prints_scalars_at_the_top_level(void **state)
{
    assert_dumps("\"x\"", "x\n");
    assert_dumps("null", "null\n");
    assert_dumps("\"yes\"", "\"yes\"\n");
    assert_dumps("{}", "{}\n");
    assert_dumps("[]", "[]\n");
    assert_dumps("1.5", "1.5\n");
    assert_dumps("{\"<<\": 1}", "\"<<\": 1\n");
}

static void test_dump_then_load_gives_the_same_document(void **state)
{
    json_t *v = parse_json(tricky_json);
    char *text = yamlx_dump(v);
    struct err err = {0};
    json_t *back = yamlx_load(text, strlen(text), &err);
    assert_non_null(back);
    /* Reals with integral values come back as integers, as through kubectl. */
    json_t *nums = json_object_get(v, "nums");
    json_t *back_nums = json_object_get(back, "nums");
    assert_int_equal(json_array_size(nums), json_array_size(back_nums));
    for (size_t i = 0; i < json_array_size(nums); i++) {
        json_t *a = json_array_get(nums, i), *b = json_array_get(back_nums, i);
        assert_true(json_number_value(a) == json_number_value(b));
    }
    json_object_del(v, "nums");
    json_object_del(back, "nums");
    assert_json_equal(back, v);
    json_decref(back);
    json_decref(v);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_types_scalars_as_kubectl_does),
        cmocka_unit_test(test_anchor_redefined_inside_its_own_node_keeps_the_inner_one),
        cmocka_unit_test(test_load_reads_block_scalars_quotes_and_flow_style),
        cmocka_unit_test(test_load_expands_anchors_aliases_and_merge_keys_as_go_yaml_v2),
        cmocka_unit_test(test_load_turns_keys_into_strings_and_lets_the_last_duplicate_win),
        cmocka_unit_test(test_load_all_cuts_documents_at_separator_lines_and_skips_empty_ones),
        cmocka_unit_test(test_load_all_reads_json_streams),
        cmocka_unit_test(test_load_gives_null_for_an_empty_stream),
        cmocka_unit_test(test_load_reports_line_and_column_in_go_yaml_words),
        cmocka_unit_test(test_load_rejects_bad_aliases_tags_merges_and_values),
        cmocka_unit_test(test_load_refuses_a_single_call_with_several_documents),
        cmocka_unit_test(test_load_refuses_excessive_aliasing),
        cmocka_unit_test(test_load_refuses_nesting_deeper_than_the_limit),
        cmocka_unit_test(test_dump_matches_kubectl_create_output),
        cmocka_unit_test(test_dump_quotes_orders_and_formats_as_kubectl_does),
        cmocka_unit_test(test_dump_prints_scalars_at_the_top_level),
        cmocka_unit_test(test_dump_then_load_gives_the_same_document),
    };
    return cmocka_run_group_tests_name("yamlx", tests, NULL, NULL);
}
