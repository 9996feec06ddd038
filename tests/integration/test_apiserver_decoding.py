#!/usr/bin/env python3
"""Request bodies decoded into the built-in types as kube-apiserver 1.32 decodes them.

Wrong types are refused with Go's encoding/json wording, unknown fields follow
?fieldValidation= (Strict refuses, Warn drops them with Warning headers, Ignore drops them
silently), for create, replace, every patch type and server-side apply, checked with the real
kubectl's stderr lines and with raw HTTP.
"""

import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apitest import ApiserverCase  # noqa: E402
from c8stest.runner import main  # noqa: E402

CM = "/api/v1/namespaces/default/configmaps"

POD_YAML = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  nodeSelector: {{disk: {disk}}}
  containers:
  - name: c
    image: nginx:1.27
{extra}"""


class DecodingTest(ApiserverCase):

    def raw(self, method, path, body, content_type="application/json"):
        """(status, Warning headers, JSON answer) of one request."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.api.server + path, data=data, method=method)
        req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers.get_all("Warning") or [], json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get_all("Warning") or [], json.loads(e.read())

    def run_kubectl(self, *args, stdin=None):
        done = self.kubectl(*args, stdin=stdin, check=False)
        return done.returncode, done.stdout, done.stderr

    def pod_yaml(self, name, disk="y", extra=""):
        return POD_YAML.format(name=name, disk=disk, extra=extra)

    # ---- create ----

    def test_wrong_type_is_refused_and_nothing_is_stored(self):
        code, _, status = self.raw("POST", CM, {"metadata": {"name": "typed"},
                                                "data": {"a": True}})
        self.assertEqual(code, 400)
        self.assertEqual(status["reason"], "BadRequest")
        self.assertEqual(status["message"],
                         'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: '
                         'cannot unmarshal bool into Go struct field ConfigMap.data of type string')
        self.assertIsNone(self.get(CM + "/typed"))

    def test_yaml_boolean_in_a_string_map_fails_kubectl_apply(self):
        rc, _, err = self.run_kubectl("apply", "-f", "-", stdin=self.pod_yaml("yes-pod"))
        self.assertEqual(rc, 1)
        self.assertEqual(err, 'Error from server (BadRequest): error when creating "STDIN": Pod in '
                              'version "v1" cannot be handled as a Pod: json: cannot unmarshal '
                              'bool into Go struct field PodSpec.spec.nodeSelector of type '
                              'string\n')
        self.assertIsNone(self.get("/api/v1/namespaces/default/pods/yes-pod"))
        rc, out, _ = self.run_kubectl("apply", "-f", "-",
                                      stdin=self.pod_yaml("quoted-pod", disk="'y'"))
        self.assertEqual((rc, out), (0, "pod/quoted-pod created\n"))
        pod = json.loads(self.run_kubectl("get", "pod", "quoted-pod", "-o", "json")[1])
        self.assertEqual(pod["spec"]["nodeSelector"], {"disk": "y"})

    def test_unknown_fields_under_strict_warn_and_ignore(self):
        extra = "    bogus: 1\n    resources: {limits: {cpu: 0.5}}\n"
        rc, _, err = self.run_kubectl("create", "-f", "-",
                                      stdin=self.pod_yaml("strict-pod", "'y'", extra))
        self.assertEqual(rc, 1)
        self.assertEqual(err, 'Error from server (BadRequest): error when creating "STDIN": Pod in '
                              'version "v1" cannot be handled as a Pod: strict decoding error: '
                              'unknown field "spec.containers[0].bogus"\n')
        self.assertIsNone(self.get("/api/v1/namespaces/default/pods/strict-pod"))

        rc, out, err = self.run_kubectl("create", "--validate=warn", "-f", "-",
                                        stdin=self.pod_yaml("warn-pod", "'y'", extra))
        self.assertEqual((rc, out), (0, "pod/warn-pod created\n"))
        self.assertEqual(err, 'Warning: unknown field "spec.containers[0].bogus"\n')
        container = self.get("/api/v1/namespaces/default/pods/warn-pod")["spec"]["containers"][0]
        self.assertNotIn("bogus", container)
        self.assertEqual(container["resources"]["limits"], {"cpu": "500m"})

        rc, out, err = self.run_kubectl("create", "--validate=false", "-f", "-",
                                        stdin=self.pod_yaml("ignore-pod", "'y'", extra))
        self.assertEqual((rc, out, err), (0, "pod/ignore-pod created\n", ""))
        self.assertNotIn("bogus",
                         self.get("/api/v1/namespaces/default/pods/ignore-pod")["spec"]
                         ["containers"][0])

    def test_raw_http_strict_lists_every_unknown_field_and_warn_sends_one_header_each(self):
        body = {"metadata": {"name": "several", "nam": "x"}, "data": {"a": "b"}, "bogus": 1}
        code, _, status = self.raw("POST", CM + "?fieldValidation=Strict", body)
        self.assertEqual(code, 400)
        self.assertEqual(status["message"],
                         'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict '
                         'decoding error: unknown field "metadata.nam", unknown field "bogus"')
        code, warnings, obj = self.raw("POST", CM, body)
        self.assertEqual(code, 201)
        self.assertEqual(warnings, ['299 - "unknown field \\"metadata.nam\\""',
                                    '299 - "unknown field \\"bogus\\""'])
        self.assertNotIn("bogus", obj)
        self.assertNotIn("nam", self.get(CM + "/several")["metadata"])
        code, warnings, _ = self.raw("POST", CM + "?fieldValidation=Ignore",
                                     dict(body, metadata={"name": "quiet", "nam": "x"}))
        self.assertEqual((code, warnings), (201, []))
        code, _, status = self.raw("POST", CM + "?fieldValidation=Loose", body)
        self.assertEqual(code, 422)
        self.assertEqual(status["message"],
                         'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported '
                         'value: "Loose": supported values: "", "Ignore", "Strict", "Warn"')

    def test_quantities_and_times_use_their_own_unmarshalers(self):
        rc, _, err = self.run_kubectl(
            "create", "-f", "-", stdin=self.pod_yaml("cpu-pod", "'y'",
                                                     "    resources: {limits: {cpu: lots}}\n"))
        self.assertEqual(rc, 1)
        self.assertIn("Pod in version \"v1\" cannot be handled as a Pod: quantities must match "
                      "the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                      err)
        code, _, status = self.raw("POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases",
                                   {"metadata": {"name": "l"}, "spec": {"renewTime": "soon"}})
        self.assertEqual(code, 400)
        self.assertEqual(status["message"],
                         'Lease in version "v1" cannot be handled as a Lease: parsing time '
                         '"soon" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "soon" as '
                         '"2006"')

    # ---- replace and patch ----

    def test_replace_checks_types_and_unknown_fields(self):
        self.kubectl("create", "configmap", "rep", "--from-literal=a=b")
        cm = self.get(CM + "/rep")
        cm["data"]["n"] = 5
        rc, _, err = self.run_kubectl("replace", "-f", "-", stdin=json.dumps(cm))
        self.assertEqual(rc, 1)
        self.assertEqual(err, 'Error from server (BadRequest): error when replacing "STDIN": '
                              'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: '
                              'cannot unmarshal number into Go struct field ConfigMap.data of type '
                              'string\n')
        cm["data"]["n"] = "5"
        cm["extra"] = {"x": 1}
        rc, out, err = self.run_kubectl("replace", "--validate=warn", "-f", "-",
                                        stdin=json.dumps(cm))
        self.assertEqual((rc, out, err), (0, "configmap/rep replaced\n",
                                          'Warning: unknown field "extra"\n'))
        stored = self.get(CM + "/rep")
        self.assertEqual(stored["data"], {"a": "b", "n": "5"})
        self.assertNotIn("extra", stored)

    def test_patches_decode_the_patched_object(self):
        self.kubectl("create", "configmap", "pat", "--from-literal=a=b")
        rc, _, err = self.run_kubectl("patch", "cm", "pat", "-p", '{"data":{"z":1}}')
        self.assertEqual(rc, 1)
        self.assertEqual(err, 'The request is invalid: patch: Invalid value: "map[data:map[z:1]]": '
                              'cannot convert int64 to string\n')
        rc, _, err = self.run_kubectl("patch", "cm", "pat", "--type=merge", "-p",
                                      '{"data":{"z":true}}')
        self.assertEqual(rc, 1)
        self.assertIn("json: cannot unmarshal bool into Go struct field ConfigMap.data of type "
                      "string\n", err)
        rc, _, err = self.run_kubectl("patch", "cm", "pat", "--type=json", "-p",
                                      '[{"op":"add","path":"/data/z","value":[1]}]')
        self.assertEqual(rc, 1)
        self.assertIn("json: cannot unmarshal array into Go struct field ConfigMap.data of type "
                      "string\n", err)
        self.assertEqual(self.get(CM + "/pat")["data"], {"a": "b"})

        rc, out, err = self.run_kubectl("patch", "cm", "pat", "--type=merge", "-p",
                                        '{"bogus":1,"data":{"c":"d"}}')
        self.assertEqual((rc, out, err), (0, "configmap/pat patched\n",
                                          'Warning: unknown field "bogus"\n'))
        stored = self.get(CM + "/pat")
        self.assertEqual(stored["data"], {"a": "b", "c": "d"})
        self.assertNotIn("bogus", stored)
        code, _, status = self.raw("PATCH", CM + "/pat?fieldValidation=Strict",
                                   {"spec": {"b": 1}, "a": 1},
                                   "application/strategic-merge-patch+json")
        self.assertEqual(code, 422)
        self.assertEqual(status["message"],
                         ' "" is invalid: patch: Invalid value: "map[a:1 spec:map[b:1]]": strict '
                         'decoding error: unknown field "a", unknown field "spec"')

    def test_server_side_apply_refuses_undeclared_fields_and_wrong_types(self):
        cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n"
        rc, _, err = self.run_kubectl("apply", "--server-side", "-f", "-", stdin=cm + "bogus: 1\n")
        self.assertEqual(rc, 1)
        self.assertEqual(err, "Error from server: failed to create typed patch object (default/ssa; "
                              "/v1, Kind=ConfigMap): .bogus: field not declared in schema\n")
        rc, _, err = self.run_kubectl("apply", "--server-side", "-f", "-",
                                      stdin=cm + "data:\n  a: true\n")
        self.assertEqual(rc, 1)
        self.assertIn("(default/ssa; /v1, Kind=ConfigMap): .data.a: expected string, got "
                      "&value.valueUnstructured{Value:true}\n", err)
        self.assertIsNone(self.get(CM + "/ssa"))
        rc, out, _ = self.run_kubectl("apply", "--server-side", "-f", "-",
                                      stdin=cm + "data:\n  a: 'true'\n")
        self.assertEqual((rc, out), (0, "configmap/ssa serverside-applied\n"))


if __name__ == "__main__":
    main()
