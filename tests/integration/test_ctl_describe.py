#!/usr/bin/env python3
"""c8sctl describe against the real kubectl 1.32 (the harness of test_ctl_kubectl.py): pods,
deployments, services, namespaces, configmaps, service accounts and nodes in kubectl's layout,
with their Events, name-prefix matches, several objects and the errors."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402

EVENTS = """\
apiVersion: v1
kind: Event
metadata: {name: p8.1}
involvedObject: {kind: Pod, name: p8, namespace: NS, uid: UID, apiVersion: v1,
                 fieldPath: "spec.containers{p8}"}
reason: Pulling
message: "  Pulling image x  "
type: Normal
source: {component: kubelet, host: n1}
firstTimestamp: "2020-01-01T00:00:00Z"
lastTimestamp: "2020-01-02T00:00:00Z"
count: 3
---
apiVersion: v1
kind: Event
metadata: {name: p8.2}
involvedObject: {kind: Pod, name: p8, namespace: NS, uid: UID, apiVersion: v1}
reason: Scheduled
message: Successfully assigned
type: Warning
source: {component: default-scheduler}
firstTimestamp: "2019-01-01T00:00:00Z"
lastTimestamp: "2019-01-01T00:00:00Z"
count: 1
"""

NODE = """\
apiVersion: v1
kind: Node
metadata:
  name: dn1
  labels: {node-role.kubernetes.io/control-plane: "", kubernetes.io/hostname: dn1}
spec:
  podCIDR: 10.1.0.0/24
  podCIDRs: [10.1.0.0/24]
  taints: [{key: a, value: b, effect: NoSchedule}]
"""

STAMP = re.compile(r"(CreationTimestamp:\s+)\w{3}, \d\d \w{3} \d{4} [\d:]{8} [+-]\d{4}")
NODE_PORT = re.compile(r"(NodePort:\s+\S+\s+)3\d{4}/")


class DescribeAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for ns in ("desc-k", "desc-c"):
            k = lambda *a, stdin=None: cls.run_one("kubectl", "-n", ns, *a, stdin=stdin,  # noqa
                                                   check=False)
            cls.run_one("kubectl", "create", "namespace", ns, check=False)
            k("run", "p8", "--image=x", "--port=90", "--labels=x=y,a=b", "--env=A=1",
              "--", "sleep", "1")
            k("run", "pp", "--image=busybox", "--command", "--", "sh", "-c", "true")
            k("annotate", "po", "p8", "note=x", "long=" + "y" * 150)
            k("create", "deployment", "web", "--image=nginx", "--port=8080")
            k("create", "deployment", "two", "--image=a", "--image=b")
            k("expose", "deploy", "web", "--port=80", "--target-port=http")
            k("create", "service", "nodeport", "np", "--tcp=80:8080")
            # one key: kubectl 1.32 prints Data in Go's random map order
            k("create", "configmap", "settings", "--from-literal=b=two\nlines")
            uid = k("get", "po", "p8", "-o", "jsonpath={.metadata.uid}").stdout
            k("create", "-f", "-", stdin=EVENTS.replace("NS", ns).replace("UID", uid))
        cls.run_one("kubectl", "create", "-f", "-", stdin=NODE, check=False)

    def both(self, *args, **kw):
        # objects of the twins were made at different seconds
        original = harness.CtlDiffCase.normalise
        harness.CtlDiffCase.normalise = staticmethod(
            lambda text, ns=None: NODE_PORT.sub(r"\1<port>/",
                                                STAMP.sub(r"\1<time>", original(text, ns))))
        try:
            return super().both(*args, **kw)
        finally:
            harness.CtlDiffCase.normalise = staticmethod(original)

    def test_describe_matches_kubectl(self):
        for args in (["describe", "po", "p8"], ["describe", "pod/pp"], ["describe", "po"],
                     ["describe", "deploy", "web"], ["describe", "deploy", "two"],
                     ["describe", "svc", "web"], ["describe", "svc", "np"],
                     ["describe", "cm", "settings"], ["describe", "sa", "default"],
                     ["describe", "ns", "NS"], ["describe", "po", "p"],
                     ["describe", "po", "p8", "pp"], ["describe", "deploy,cm"],
                     ["describe", "cm", "-l", "x=y"], ["describe", "po", "p8", "--show-events=false"],
                     ["describe", "node", "dn1"], ["describe", "po", "nope"],
                     ["describe", "po/p8", "po/nope"], ["describe"], ["describe", "nosuch"],
                     ["describe", "cm,deploy", "-A", "-l", "app=none"]):
            with self.subTest(args=args):
                self.both(*args, twin="desc")


if __name__ == "__main__":
    main()
