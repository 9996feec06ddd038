#!/usr/bin/env python3
"""Server-side apply and managedFields with the real kubectl against c8s-apiserver on c8s-store.

What kubectl shows against Kubernetes: `serverside-applied`, managedFields entries per manager
and operation in fieldsV1 form, the conflict error naming the other manager and the field,
--force-conflicts taking ownership, and fields an applier drops being removed.
"""

import json
import os
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.runner import main  # noqa: E402

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
"""


class ServerSideApply(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        reason = missing_for_kubectl_tests()
        if reason:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver().start()
        cls.server = cls.api.server

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def kubectl(self, *args, stdin=None, check=True):
        return self.api.kubectl(*args, stdin=stdin, check=check)

    def deployment(self, name):
        out = self.kubectl("get", "deploy", name, "-o", "json", "--show-managed-fields").stdout
        return json.loads(out)

    def managers(self, obj):
        return {(e["manager"], e["operation"]): e for e in obj["metadata"]["managedFields"]}

    def test_apply_creates_and_records_the_applier_fields(self):
        manifest = DEPLOYMENT.replace("web", "created")
        done = self.kubectl("apply", "--server-side", "-f", "-", stdin=manifest)
        self.assertEqual(done.stdout.strip(), "deployment.apps/created serverside-applied")
        obj = self.deployment("created")
        entry = self.managers(obj)[("kubectl", "Apply")]
        self.assertEqual(entry["apiVersion"], "apps/v1")
        self.assertEqual(entry["fieldsType"], "FieldsV1")
        fields = entry["fieldsV1"]
        self.assertEqual(fields["f:metadata"], {"f:labels": {"f:app": {}}})
        self.assertEqual(fields["f:spec"]["f:replicas"], {})
        self.assertEqual(fields["f:spec"]["f:selector"], {}, "a LabelSelector is atomic")
        container = fields["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
        self.assertEqual(container["."], {})
        self.assertEqual(container["f:ports"]['k:{"containerPort":80,"protocol":"TCP"}'],
                         {".": {}, "f:containerPort": {}})
        self.assertEqual(obj["spec"]["replicas"], 2)

    def test_updates_move_ownership_and_conflict_with_apply(self):
        manifest = DEPLOYMENT.replace("web", "shared")
        self.kubectl("apply", "--server-side", "-f", "-", stdin=manifest)
        self.kubectl("patch", "deploy", "shared", "-p", '{"spec":{"replicas":5}}')
        entries = self.managers(self.deployment("shared"))
        self.assertEqual(entries[("kubectl-patch", "Update")]["fieldsV1"],
                         {"f:spec": {"f:replicas": {}}})
        self.assertNotIn("f:replicas",
                         entries[("kubectl", "Apply")]["fieldsV1"]["f:spec"],
                         "the patch took replicas from the applier")

        done = self.kubectl("apply", "--server-side", "-f", "-", stdin=manifest, check=False)
        self.assertEqual(done.returncode, 1)
        self.assertIn('error: Apply failed with 1 conflict: conflict with "kubectl-patch" '
                      'using apps/v1: .spec.replicas', done.stderr)
        self.assertEqual(self.deployment("shared")["spec"]["replicas"], 5,
                         "a refused apply changes nothing")

        self.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=manifest)
        obj = self.deployment("shared")
        self.assertEqual(obj["spec"]["replicas"], 2)
        self.assertNotIn(("kubectl-patch", "Update"), self.managers(obj),
                         "a manager left with no fields is dropped")

    def test_several_conflicts_are_listed_by_manager(self):
        manifest = DEPLOYMENT.replace("web", "crowded")
        self.kubectl("apply", "--server-side", "-f", "-", stdin=manifest)
        self.kubectl("scale", "deploy", "crowded", "--replicas=4")
        changed = manifest.replace("nginx:1.25", "nginx:1.26").replace("replicas: 2",
                                                                         "replicas: 3")
        done = self.kubectl("apply", "--server-side", "--field-manager=other", "-f", "-",
                            stdin=changed, check=False)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("error: Apply failed with 2 conflicts: conflicts with \"kubectl\":\n"
                      "- .spec.template.spec.containers[name=\"nginx\"].image\n"
                      "conflicts with \"kubectl\" with subresource \"scale\" using apps/v1:\n"
                      "- .spec.replicas", done.stderr)
        self.assertEqual(self.kubectl("get", "--raw", "/readyz").stdout, "ok")

    def test_fields_the_applier_drops_are_removed(self):
        manifest = DEPLOYMENT.replace("web", "shrinking")
        self.kubectl("apply", "--server-side", "-f", "-", stdin=manifest)
        self.kubectl("label", "deploy", "shrinking", "team=blue")
        smaller = "\n".join(line for line in manifest.splitlines()
                            if "ports" not in line and line != "  labels: {app: shrinking}")
        self.kubectl("apply", "--server-side", "-f", "-", stdin=smaller + "\n")
        obj = self.deployment("shrinking")
        self.assertNotIn("ports", obj["spec"]["template"]["spec"]["containers"][0])
        self.assertEqual(obj["metadata"]["labels"], {"team": "blue"},
                         "app went with the applier; team stays with kubectl-label")

    def test_create_records_an_update_entry_and_apply_needs_a_manager(self):
        self.kubectl("create", "deployment", "made", "--image=busybox")
        entry = self.managers(self.deployment("made"))[("kubectl-create", "Update")]
        labels = entry["fieldsV1"]["f:metadata"]["f:labels"]
        self.assertEqual(labels, {".": {}, "f:app": {}})
        self.assertNotIn(".", entry["fieldsV1"]["f:spec"])

        req = urllib.request.Request(
            self.server + "/apis/apps/v1/namespaces/default/deployments/made",
            data=b'{"apiVersion":"apps/v1","kind":"Deployment"}', method="PATCH",
            headers={"Content-Type": "application/apply-patch+yaml"})
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(ctx.exception.code, 422)
        status = json.loads(ctx.exception.read())
        self.assertIn("fieldManager: Required value", status["message"])


if __name__ == "__main__":
    main()
