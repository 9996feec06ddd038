#!/usr/bin/env python3
"""The real kubectl against c8s-apiserver, on c8s-store and on a real etcd 3.4.

kubectl must not be able to tell it from kube-apiserver for what is implemented so far:
discovery and short names, the create generators (protobuf bodies), apply, label, patch, get
with selectors and paging, watch, delete, and Kubernetes' error lines and exit codes.
"""

import json
import os
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import C8S_STORE, ETCD  # noqa: E402
from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.runner import main  # noqa: E402


class KubectlCases:
    """Cases run once per storage backend (see the subclasses)."""

    storage_kind = None

    @classmethod
    def setUpClass(cls):
        reason = missing_for_kubectl_tests()
        if reason:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver(cls.storage_kind).start()
        cls.server = cls.api.server
        cls.dir = cls.api.dir

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def current_logs(self):
        return self.api.process.log_text(40)

    def kubectl(self, *args, check=True, timeout=30):
        done = self.api.kubectl(*args, check=False, timeout=timeout)
        if check and done.returncode != 0:
            self.fail(f"kubectl {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return done

    def json_of(self, *args):
        return json.loads(self.kubectl(*args, "-o", "json").stdout)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    # ------------------------------------------------------------------------------------

    def test_version_and_discovery(self):
        out = self.kubectl("version").stdout
        self.assertIn("Server Version: v1.32.0", out)
        resources = self.kubectl("api-resources").stdout
        for line in ("pods ", "deployments ", "services "):
            self.assertIn(line, resources)
        self.assertRegex(resources, r"deployments\s+deploy\s+apps/v1\s+true\s+Deployment")
        names = self.kubectl("get", "ns", "-o", "name").stdout.split()
        for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
            self.assertIn(f"namespace/{ns}", names)
        self.assertEqual(self.kubectl("get", "po").stderr.strip(),
                         "No resources found in default namespace.")

    def test_create_generators_send_protobuf_and_objects_get_server_metadata(self):
        self.kubectl("create", "namespace", "gen")
        self.kubectl("create", "configmap", "settings", "-n", "gen", "--from-literal=mode=fast")
        self.kubectl("create", "deployment", "web", "-n", "gen", "--image=nginx:1.27",
                     "--replicas=0")
        cm = self.json_of("get", "configmap", "settings", "-n", "gen")
        self.assertEqual(cm["data"], {"mode": "fast"})
        self.assertRegex(cm["metadata"]["uid"], r"^[0-9a-f-]{36}$")
        self.assertTrue(cm["metadata"]["creationTimestamp"].endswith("Z"))
        self.assertTrue(int(cm["metadata"]["resourceVersion"]) > 0)
        deploy = self.json_of("get", "deploy", "web", "-n", "gen")
        self.assertEqual(deploy["spec"]["replicas"], 0)
        self.assertEqual(deploy["metadata"]["generation"], 1)
        self.assertEqual(deploy["spec"]["template"]["spec"]["containers"][0]["image"],
                         "nginx:1.27")
        again = self.kubectl("create", "configmap", "settings", "-n", "gen", check=False)
        self.assertEqual(again.returncode, 1)
        self.assertEqual(again.stderr.strip(),
                         'error: failed to create configmap: configmaps "settings" already exists')

    def test_apply_label_patch_and_selectors(self):
        manifest = self.write("app.yaml", """
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  labels: {tier: web}
data:
  color: blue
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: other
  labels: {tier: db}
data: {}
""")
        out = self.kubectl("apply", "-f", manifest).stdout
        self.assertIn("configmap/app created", out)
        self.assertIn("configmap/app unchanged",
                      self.kubectl("apply", "-f", manifest).stdout)
        with open(manifest) as f:
            text = f.read().replace("color: blue", "color: green")
        self.write("app.yaml", text)
        self.assertIn("configmap/app configured",
                      self.kubectl("apply", "-f", manifest).stdout)
        self.assertEqual(self.json_of("get", "cm", "app")["data"]["color"], "green")
        self.kubectl("label", "cm", "app", "stage=prod")
        self.kubectl("annotate", "cm", "app", "owner=ops")
        self.kubectl("patch", "cm", "app", "--type=merge", "-p", '{"data":{"size":"L"}}')
        self.kubectl("patch", "cm", "app", "--type=json",
                     "-p", '[{"op":"remove","path":"/data/size"}]')
        app = self.json_of("get", "cm", "app")
        self.assertEqual(app["metadata"]["labels"], {"tier": "web", "stage": "prod"})
        self.assertEqual(app["metadata"]["annotations"]["owner"], "ops")
        self.assertEqual(app["data"], {"color": "green"})
        names = self.kubectl("get", "cm", "-l", "tier in (web,db),stage!=prod",
                             "-o", "name").stdout.split()
        self.assertEqual(names, ["configmap/other"])
        by_field = self.kubectl("get", "cm", "--field-selector", "metadata.name=app",
                                "-o", "name").stdout.split()
        self.assertEqual(by_field, ["configmap/app"])
        failed = self.kubectl("patch", "cm", "app", "--type=json",
                              "-p", '[{"op":"test","path":"/data/color","value":"red"}]',
                              check=False)
        self.assertNotEqual(failed.returncode, 0)

    def test_strategic_merge_patch_merges_containers_by_name(self):
        self.kubectl("create", "deployment", "api", "--image=busybox", "--replicas=0")
        self.kubectl("patch", "deploy", "api", "-p", json.dumps({"spec": {"template": {"spec": {
            "containers": [{"name": "sidecar", "image": "nginx"}]}}}}))
        containers = self.json_of("get", "deploy", "api")["spec"]["template"]["spec"]["containers"]
        self.assertEqual(sorted(c["name"] for c in containers), ["busybox", "sidecar"])
        self.assertEqual(self.json_of("get", "deploy", "api")["metadata"]["generation"], 2)

    def test_get_prints_kubernetes_columns(self):
        """Server-side Tables: kubectl prints each type's own columns."""
        ns = self.kubectl("get", "ns", "default").stdout.splitlines()
        self.assertEqual(ns[0].split(), ["NAME", "STATUS", "AGE"])
        self.assertEqual(ns[1].split()[:2], ["default", "Active"])
        self.kubectl("create", "deployment", "cols", "--image=nginx:1.27", "--replicas=2")
        wide = self.kubectl("get", "deploy", "cols", "-o", "wide").stdout.splitlines()
        self.assertEqual(wide[0].split(), ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE",
                                           "CONTAINERS", "IMAGES", "SELECTOR"])
        self.assertEqual(wide[1].split()[:2], ["cols", "0/2"])
        self.assertEqual(wide[1].split()[-3:], ["nginx", "nginx:1.27", "app=cols"])
        labels = self.kubectl("get", "deploy", "cols", "--show-labels").stdout
        self.assertIn("app=cols", labels)

    def test_errors_print_like_kubernetes(self):
        missing = self.kubectl("get", "cm", "nope", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertEqual(missing.stderr.strip(),
                         'Error from server (NotFound): configmaps "nope" not found')
        bad = self.write("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n")
        invalid = self.kubectl("create", "-f", bad, check=False)
        self.assertEqual(invalid.returncode, 1)
        self.assertIn('The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: '
                      '"Bad_Name": a lowercase RFC 1123 subdomain must consist of',
                      invalid.stderr)
        nons = self.kubectl("create", "configmap", "x", "-n", "absent", check=False)
        self.assertIn('namespaces "absent" not found', nons.stderr)

    def test_paging_lists_everything(self):
        self.kubectl("create", "namespace", "many")
        for i in range(12):
            self.kubectl("create", "configmap", f"c{i:02d}", "-n", "many")
        names = self.kubectl("get", "cm", "-n", "many", "--chunk-size=5", "-o", "name").stdout.split()
        self.assertEqual(names, [f"configmap/c{i:02d}" for i in range(12)])

    def test_watch_sees_adds_updates_and_deletes(self):
        self.kubectl("create", "namespace", "watched")
        listed = json.loads(urllib.request.urlopen(
            self.server + "/api/v1/namespaces/watched/configmaps", timeout=10).read())
        rv = listed["metadata"]["resourceVersion"]
        self.kubectl("create", "configmap", "w1", "-n", "watched")
        env = dict(os.environ, HOME=self.dir, KUBECONFIG=os.path.join(self.dir, "none"))
        watcher = subprocess.Popen(
            ["kubectl", "--server", self.server, "--cache-dir", os.path.join(self.dir, "cache"),
             "get", "cm", "-n", "watched", "-w", "-o", "name", "--request-timeout=20s"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            # kubectl -w prints the listed object, then one line per change.
            self.assertEqual(watcher.stdout.readline().strip(), "configmap/w1")
            self.kubectl("label", "cm", "w1", "-n", "watched", "a=b")
            self.assertEqual(watcher.stdout.readline().strip(), "configmap/w1")
            self.kubectl("delete", "cm", "w1", "-n", "watched")
            self.assertEqual(watcher.stdout.readline().strip(), "configmap/w1")
        finally:
            watcher.kill()
            watcher.wait()
        # The raw stream from before the create names each event's type.
        url = (f"{self.server}/api/v1/namespaces/watched/configmaps?watch=true"
               f"&resourceVersion={rv}&timeoutSeconds=3")
        with urllib.request.urlopen(url, timeout=15) as stream:
            events = [json.loads(line) for line in stream.read().splitlines() if line]
        self.assertEqual([(e["type"], e["object"]["metadata"]["name"]) for e in events],
                         [("ADDED", "w1"), ("MODIFIED", "w1"), ("DELETED", "w1")])
        self.assertEqual(events[1]["object"]["metadata"]["labels"], {"a": "b"})

    def test_namespace_deletion_terminates_and_refuses_new_content(self):
        self.kubectl("create", "namespace", "doomed")
        self.kubectl("delete", "namespace", "doomed", "--wait=false")
        self.assertEqual(self.json_of("get", "ns", "doomed")["status"]["phase"], "Terminating")
        refused = self.kubectl("create", "configmap", "late", "-n", "doomed", check=False)
        self.assertIn("unable to create new content in namespace doomed because it is being "
                      "terminated", refused.stderr)

    def test_stale_update_is_a_conflict(self):
        self.kubectl("create", "configmap", "race")
        cm = self.json_of("get", "cm", "race")
        self.kubectl("label", "cm", "race", "bump=1")
        cm["data"] = {"k": "v"}
        path = self.write("race.json", json.dumps(cm))
        stale = self.kubectl("replace", "-f", path, check=False)
        self.assertEqual(stale.returncode, 1)
        self.assertIn('Operation cannot be fulfilled on configmaps "race": the object has been '
                      'modified; please apply your changes to the latest version and try again',
                      stale.stderr)


class OnC8sStore(KubectlCases, unittest.TestCase):
    storage_kind = C8S_STORE


class OnRealEtcd(KubectlCases, unittest.TestCase):
    storage_kind = ETCD


if __name__ == "__main__":
    main()
