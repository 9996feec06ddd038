#!/usr/bin/env python3
"""More built-in kinds through the real kubectl 1.32: core/v1 ComponentStatuses (computed by
probing the scheduler, the controller-manager and etcd, with the deprecation warning),
ReplicationControllers (defaults, validation, scale, expose, `get all`, the /registry/controllers
key), PodTemplates and node.k8s.io RuntimeClasses, with Kubernetes' messages and columns.
"""

import base64
import json
import os
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.apitest import ApiserverCase  # noqa: E402
from c8stest.runner import main  # noqa: E402

WARNING = "Warning: v1 ComponentStatus is deprecated in v1.19+"

RC = """
apiVersion: v1
kind: ReplicationController
metadata: {name: %s}
spec:
  template:
    metadata: {labels: {app: %s}}
    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}
"""


class MoreTypes2Test(ApiserverCase):
    def stored_keys(self, prefix):
        """The keys under prefix in the store, read through its etcd v3 JSON API."""
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        body = json.dumps({"key": base64.b64encode(prefix.encode()).decode(),
                           "range_end": base64.b64encode(end.encode()).decode(),
                           "keys_only": True}).encode()
        url = self.api.store.members[0].client_url + "/v3/kv/range"
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=5) as r:
            kvs = json.loads(r.read()).get("kvs", [])
        return [base64.b64decode(kv["key"]).decode() for kv in kvs]

    # ---- componentstatuses ----

    def test_componentstatuses_probe_the_components(self):
        done = self.kubectl("get", "cs")
        self.assertIn(WARNING, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "STATUS", "MESSAGE", "ERROR"])
        rows = {line.split()[0]: line for line in lines[1:]}
        self.assertEqual(sorted(rows), ["controller-manager", "etcd-0", "scheduler"])
        self.assertEqual(rows["etcd-0"].split(), ["etcd-0", "Healthy", "ok"])
        # Neither runs: Unhealthy with the dial error, as kube-apiserver reports it.
        self.assertEqual(rows["scheduler"].split()[:2], ["scheduler", "Unhealthy"])
        self.assertIn('Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259: connect: '
                      'connection refused', rows["scheduler"])
        self.assertIn('Get "https://127.0.0.1:10257/healthz": dial tcp 127.0.0.1:10257: ',
                      rows["controller-manager"])
        obj = self.json_of("get", "componentstatus", "scheduler")
        self.assertEqual(obj["kind"], "ComponentStatus")
        self.assertEqual(obj["conditions"][0]["type"], "Healthy")
        self.assertEqual(obj["conditions"][0]["status"], "Unknown")
        self.assertEqual(self.json_of("get", "cs", "etcd-0")["conditions"][0],
                         {"type": "Healthy", "status": "True", "message": "ok"})
        missing = self.refused("", "get", "cs", "nope")
        self.assertTrue(missing.endswith("Error from server: Component not found: nope"), missing)
        self.assertEqual(self.rows("cs", "--field-selector", "metadata.name=etcd-0")[1][0],
                         "etcd-0")

    def test_componentstatuses_are_read_only(self):
        self.assertIn("the server does not allow this method on the requested resource",
                      self.refused("", "delete", "cs", "etcd-0"))
        # not watchable either: 405 instead of a stream
        with self.assertRaises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(self.api.server + "/api/v1/componentstatuses?watch=true",
                                   timeout=5)
        self.assertEqual(raised.exception.code, 405)

    # ---- replicationcontrollers ----

    def test_rc_defaults_scale_and_storage_key(self):
        self.kubectl("create", "-f", "-", stdin=RC % ("web", "web"))
        rc = self.json_of("get", "rc", "web")
        self.assertEqual(rc["spec"]["replicas"], 1)
        self.assertEqual(rc["spec"]["selector"], {"app": "web"})
        self.assertEqual(rc["metadata"]["labels"], {"app": "web"})
        self.assertEqual(rc["metadata"]["generation"], 1)
        self.assertEqual(rc["status"], {"replicas": 0})
        self.assertEqual(rc["spec"]["template"]["spec"]["restartPolicy"], "Always")
        self.assertIn("/registry/controllers/default/web", self.stored_keys("/registry/controllers/"))
        # The RC's selectable fields: status.replicas besides the metadata ones.
        self.assertEqual([row[0] for row in self.rows("rc", "--field-selector",
                                                      "status.replicas=0")[1:]], ["web"])
        self.assertIn("No resources found",
                      self.kubectl("get", "rc", "--field-selector", "status.replicas=1").stderr)

        self.assertEqual(self.kubectl("scale", "rc", "web", "--replicas=3").stdout.strip(),
                         "replicationcontroller/web scaled")
        rc = self.json_of("get", "rc", "web")
        self.assertEqual((rc["spec"]["replicas"], rc["metadata"]["generation"]), (3, 2))
        scale = json.loads(self.kubectl("get", "--raw", "/api/v1/namespaces/default/"
                                        "replicationcontrollers/web/scale").stdout)
        self.assertEqual(scale["apiVersion"], "autoscaling/v1")
        self.assertEqual(scale["status"]["selector"], "app=web")
        self.assertEqual(scale["spec"]["replicas"], 3)

        header, row = self.rows("rc", "web", "-o", "wide")
        self.assertEqual(header, ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS",
                                  "IMAGES", "SELECTOR"])
        self.assertEqual(row[:4] + row[5:], ["web", "3", "0", "0", "c", "nginx", "app=web"])
        self.kubectl("delete", "rc", "web")
        self.assertNotIn("/registry/controllers/default/web",
                         self.stored_keys("/registry/controllers/"))

    def test_rc_expose_and_get_all(self):
        self.kubectl("create", "-f", "-", stdin=RC % ("front", "front"))
        self.assertEqual(self.kubectl("expose", "rc", "front", "--port=80",
                                      "--target-port=8080").stdout.strip(),
                         "service/front exposed")
        svc = self.json_of("get", "svc", "front")
        self.assertEqual(svc["spec"]["selector"], {"app": "front"})
        self.assertEqual(svc["spec"]["ports"][0]["targetPort"], 8080)
        out = self.kubectl("get", "all").stdout
        self.assertRegex(out, r"replicationcontroller/front\s+1\s+0\s+0\s+")
        self.assertIn("service/front", out)
        self.kubectl("delete", "rc,svc", "front")

    def test_rc_validation_messages(self):
        bad = """
apiVersion: v1
kind: ReplicationController
metadata: {name: bad}
spec:
  replicas: -1
  selector: {app: one}
  template:
    metadata: {labels: {app: two}}
    spec: {restartPolicy: Never, containers: [{name: c, image: nginx}]}
"""
        self.assertEqual(
            self.refused(bad),
            'The ReplicationController "bad" is invalid: \n'
            "* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
            '* spec.template.metadata.labels: Invalid value: map[string]string{"app":"two"}: '
            "`selector` does not match template `labels`\n"
            '* spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: '
            '"Always"')
        self.assertEqual(
            self.refused("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: empty}\n"
                         "spec: {}\n"),
            'The ReplicationController "empty" is invalid: \n'
            "* spec.selector: Required value\n* spec.template: Required value")

    # ---- podtemplates ----

    def test_podtemplates(self):
        self.kubectl("create", "-f", "-", stdin="""
apiVersion: v1
kind: PodTemplate
metadata: {name: tpl}
template:
  metadata: {labels: {app: tpl, tier: web}}
  spec: {containers: [{name: a, image: nginx}, {name: b, image: busybox}]}
""")
        self.assertEqual(self.rows("podtemplates"),
                         [["NAME", "CONTAINERS", "IMAGES", "POD", "LABELS"],
                          ["tpl", "a,b", "nginx,busybox", "app=tpl,tier=web"]])
        pt = self.json_of("get", "podtemplate", "tpl")
        self.assertEqual(pt["metadata"]["generation"], 1)
        self.assertEqual(pt["template"]["spec"]["dnsPolicy"], "ClusterFirst")
        self.kubectl("patch", "podtemplate", "tpl", "--type=json", "-p",
                     '[{"op":"replace","path":"/template/spec/containers/0/image","value":"n:2"}]')
        self.assertEqual(self.json_of("get", "podtemplate", "tpl")["metadata"]["generation"], 2)
        # Strategic merge patches merge the template's containers by name.
        self.kubectl("patch", "podtemplate", "tpl", "-p",
                     '{"template":{"spec":{"containers":[{"name":"b","image":"busybox:2"}]}}}')
        containers = self.json_of("get", "podtemplate", "tpl")["template"]["spec"]["containers"]
        self.assertEqual([(c["name"], c["image"]) for c in containers],
                         [("a", "n:2"), ("b", "busybox:2")])
        self.assertEqual(
            self.refused("apiVersion: v1\nkind: PodTemplate\nmetadata: {name: bad}\n"
                         "template: {spec: {containers: [{name: c}]}}\n"),
            'The PodTemplate "bad" is invalid: template.spec.containers[0].image: Required value')
        self.kubectl("delete", "podtemplate", "tpl")

    # ---- runtimeclasses ----

    def test_runtimeclasses(self):
        out = self.kubectl("api-resources").stdout
        self.assertRegex(out, r"runtimeclasses\s+node.k8s.io/v1\s+false\s+RuntimeClass")
        self.assertRegex(out, r"replicationcontrollers\s+rc\s+v1\s+true\s+ReplicationController")
        self.assertRegex(out, r"componentstatuses\s+cs\s+v1\s+false\s+ComponentStatus")
        self.assertRegex(out, r"podtemplates\s+v1\s+true\s+PodTemplate")
        self.kubectl("create", "-f", "-", stdin="""
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: gvisor}
handler: runsc
overhead: {podFixed: {cpu: 250m}}
scheduling: {nodeSelector: {sandbox: "true"}}
""")
        table = self.rows("runtimeclasses")
        self.assertEqual(table[0], ["NAME", "HANDLER", "AGE"])
        self.assertEqual(table[1][:2], ["gvisor", "runsc"])
        self.assertEqual(self.refused("", "patch", "runtimeclass", "gvisor", "-p",
                                      '{"handler":"kata"}'),
                         'The RuntimeClass "gvisor" is invalid: handler: Invalid value: "kata": '
                         "field is immutable")
        self.assertEqual(
            self.refused("apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: b}\n"
                         "handler: Bad_Handler\n"),
            'The RuntimeClass "b" is invalid: handler: Invalid value: "Bad_Handler": a lowercase '
            "RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
            "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
            "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
        self.assertEqual(
            self.refused("apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: o}\n"
                         "handler: h\noverhead: {podFixed: {memory: '-1'}}\n"),
            'The RuntimeClass "o" is invalid: overhead.limits[memory]: Invalid value: "-1": '
            "must be greater than or equal to 0")
        self.kubectl("delete", "runtimeclass", "gvisor")


class ComponentStatusWithoutEtcdTest(unittest.TestCase):
    """With the store gone, etcd-0 reports Unhealthy with the error of the last member."""

    def test_etcd_unhealthy_when_the_store_is_down(self):
        reason = missing_for_kubectl_tests()
        if reason:
            raise unittest.SkipTest(reason)
        api = LocalApiserver().start()
        try:
            url = api.store.members[0].client_url
            api.store.close()
            api.store = None
            done = api.kubectl("get", "cs", "etcd-0")
            row = done.stdout.splitlines()[1]
            self.assertEqual(row.split()[:2], ["etcd-0", "Unhealthy"])
            self.assertIn(f'Get "{url}/health": dial tcp', row)
            self.assertIn(WARNING, done.stderr)
        finally:
            api.stop()


if __name__ == "__main__":
    main()
