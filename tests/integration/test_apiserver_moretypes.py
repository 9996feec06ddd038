#!/usr/bin/env python3
"""The built-in kinds served beyond the first set, through the real kubectl 1.32:
scheduling.k8s.io PriorityClasses (the system classes bootstrapped at start, the Priority
admission plugin resolving a pod's class), the storage.k8s.io kinds and networking.k8s.io
NetworkPolicies and IngressClasses, with Kubernetes' defaults, validation messages, printer
columns and discovery entries.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apitest import ApiserverCase  # noqa: E402
from c8stest.runner import main  # noqa: E402


class MoreTypesTest(ApiserverCase):
    def test_discovery_lists_the_new_resources(self):
        out = self.kubectl("api-resources").stdout
        self.assertRegex(out, r"priorityclasses\s+pc\s+scheduling.k8s.io/v1\s+false\s+PriorityClass")
        self.assertRegex(out, r"storageclasses\s+sc\s+storage.k8s.io/v1\s+false\s+StorageClass")
        self.assertRegex(out, r"csidrivers\s+storage.k8s.io/v1\s+false\s+CSIDriver")
        self.assertRegex(out, r"csinodes\s+storage.k8s.io/v1\s+false\s+CSINode")
        self.assertRegex(out,
                         r"volumeattachments\s+storage.k8s.io/v1\s+false\s+VolumeAttachment")
        self.assertRegex(out, r"networkpolicies\s+netpol\s+networking.k8s.io/v1\s+true\s+"
                              r"NetworkPolicy")
        self.assertRegex(out, r"ingressclasses\s+networking.k8s.io/v1\s+false\s+IngressClass")

    def test_system_priority_classes_exist_and_are_protected(self):
        table = self.rows("pc")
        self.assertEqual(table[0], ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"])
        by_name = {row[0]: row for row in table[1:]}
        self.assertEqual(by_name["system-node-critical"][1:3], ["2000001000", "false"])
        self.assertEqual(by_name["system-cluster-critical"][1:3], ["2000000000", "false"])
        self.assertEqual(by_name["system-cluster-critical"][4], "PreemptLowerPriority")
        self.assertEqual(
            self.refused("", "create", "priorityclass", "system-mine", "--value=5"),
            'error: failed to create priorityclass: PriorityClass.scheduling.k8s.io "system-mine" '
            "is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix "
            "are reserved for system use only. error: system-mine is not a known system "
            "priority class")
        self.assertEqual(
            self.refused("", "delete", "pc", "system-node-critical"),
            'Error from server (Forbidden): priorityclasses.scheduling.k8s.io '
            '"system-node-critical" is forbidden: this is a system priority class and cannot be '
            "deleted")
        self.assertIn("system-node-critical", [row[0] for row in self.rows("pc")[1:]])

    def test_priority_class_create_validation_and_immutable_value(self):
        self.kubectl("create", "priorityclass", "high", "--value=1000", "--description=hot")
        pc = self.json_of("get", "pc", "high")
        self.assertEqual((pc["value"], pc["description"], pc["preemptionPolicy"]),
                         (1000, "hot", "PreemptLowerPriority"))
        self.assertEqual(
            self.refused("", "create", "priorityclass", "huge", "--value=1000000001"),
            'error: failed to create priorityclass: PriorityClass.scheduling.k8s.io "huge" is '
            "invalid: value: Forbidden: maximum allowed value of a user defined priority is "
            "1000000000")
        self.assertEqual(
            self.refused("", "patch", "pc", "high", "-p", '{"value": 7}'),
            'The PriorityClass "high" is invalid: value: Forbidden: may not be changed in an '
            "update.")
        self.assertIn('preemptionPolicy: Unsupported value: "Sometimes": supported values: '
                      '"Never", "PreemptLowerPriority"', self.refused("""
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: odd}
value: 3
preemptionPolicy: Sometimes
"""))
        self.kubectl("delete", "pc", "high")
        self.assertEqual(self.kubectl("get", "pc", "high", check=False).returncode, 1)

    def test_pods_get_priority_from_their_class_or_the_default(self):
        self.kubectl("create", "priorityclass", "batch-low", "--value=-5",
                     "--preemption-policy=Never")
        self.kubectl("create", "-f", "-", stdin="""
apiVersion: v1
kind: Pod
metadata: {name: classy}
spec:
  priorityClassName: batch-low
  containers: [{name: c, image: busybox}]
""")
        spec = self.json_of("get", "pod", "classy")["spec"]
        self.assertEqual((spec["priority"], spec["preemptionPolicy"]), (-5, "Never"))
        self.assertEqual(self.refused("""
apiVersion: v1
kind: Pod
metadata: {name: lost}
spec:
  priorityClassName: nowhere
  containers: [{name: c, image: busybox}]
"""), 'Error from server (Forbidden): error when creating "STDIN": pods "lost" is forbidden: '
            "no PriorityClass with name nowhere was found")
        # A globalDefault class names itself on pods without one; a second default is refused.
        self.kubectl("create", "priorityclass", "everyone", "--value=10", "--global-default")
        self.assertEqual(
            self.refused("", "create", "priorityclass", "also", "--value=11", "--global-default"),
            'error: failed to create priorityclass: priorityclasses.scheduling.k8s.io "also" is '
            "forbidden: PriorityClass everyone is already marked as default. Only one default "
            "can exist")
        self.kubectl("run", "plain", "--image=busybox")
        spec = self.json_of("get", "pod", "plain")["spec"]
        self.assertEqual((spec["priorityClassName"], spec["priority"]), ("everyone", 10))
        self.kubectl("delete", "pc", "everyone", "batch-low")
        self.kubectl("delete", "pod", "classy", "plain", "--now")

    def test_storage_classes_defaults_default_marker_and_immutable_fields(self):
        self.kubectl("create", "-f", "-", stdin="""
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: example.com/fast
parameters: {tier: gold}
""")
        sc = self.json_of("get", "sc", "fast")
        self.assertEqual((sc["reclaimPolicy"], sc["volumeBindingMode"]), ("Delete", "Immediate"))
        table = self.rows("sc")
        self.assertEqual(table[0], ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE",
                                    "ALLOWVOLUMEEXPANSION", "AGE"])
        self.assertEqual(table[1][:6],
                         ["fast", "(default)", "example.com/fast", "Delete", "Immediate", "false"])
        self.assertEqual(
            self.refused("", "patch", "sc", "fast", "-p", '{"parameters": {"tier": "silver"}}'),
            'The StorageClass "fast" is invalid: parameters: Forbidden: updates to parameters '
            "are forbidden.")
        self.assertEqual(self.refused("""
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: bad}
provisioner: ""
reclaimPolicy: Recycle
volumeBindingMode: Later
"""), 'The StorageClass "bad" is invalid: \n'
            "* provisioner: Required value\n"
            '* reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"\n'
            '* volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", '
            '"WaitForFirstConsumer"')
        self.assertIn("Provisioner:", self.kubectl("describe", "sc", "fast").stdout)
        self.kubectl("delete", "sc", "fast")

    def test_csi_kinds_and_volume_attachments(self):
        self.kubectl("create", "-f", "-", stdin="""
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: hostpath.csi.k8s.io}
spec: {podInfoOnMount: true}
---
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {name: node-1}
spec:
  drivers: [{name: hostpath.csi.k8s.io, nodeID: node-1, topologyKeys: [topology.kubernetes.io/zone]}]
---
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: va-1}
spec:
  attacher: hostpath.csi.k8s.io
  nodeName: node-1
  source: {persistentVolumeName: pv-1}
""")
        spec = self.json_of("get", "csidriver", "hostpath.csi.k8s.io")["spec"]
        self.assertEqual((spec["attachRequired"], spec["podInfoOnMount"],
                          spec["volumeLifecycleModes"], spec["fsGroupPolicy"]),
                         (True, True, ["Persistent"], "ReadWriteOnceWithFSType"))
        self.assertEqual(self.rows("csinodes")[1][:2], ["node-1", "1"])
        self.assertEqual(self.rows("volumeattachments")[1][:5],
                         ["va-1", "hostpath.csi.k8s.io", "pv-1", "node-1", "false"])
        self.assertIn("spec.source: Required value: must specify exactly one of "
                      "inlineVolumeSpec and persistentVolumeName", self.refused("""
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: va-2}
spec: {attacher: hostpath.csi.k8s.io, nodeName: node-1, source: {}}
"""))
        self.assertIn('spec.drivers[1].name: Duplicate value: "a.example.com"', self.refused("""
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {name: node-2}
spec:
  drivers: [{name: a.example.com, nodeID: n1}, {name: a.example.com, nodeID: n2}]
"""))
        self.kubectl("delete", "volumeattachment", "va-1")
        self.kubectl("delete", "csinode", "node-1")
        self.kubectl("delete", "csidriver", "hostpath.csi.k8s.io")

    def test_network_policies_and_ingress_classes(self):
        self.kubectl("create", "-f", "-", stdin="""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-in}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 5432}]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec:
  controller: k8s.io/ingress-nginx
  parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
""")
        np = self.json_of("get", "netpol", "db-in")
        self.assertEqual(np["spec"]["policyTypes"], ["Ingress", "Egress"])
        self.assertEqual(np["spec"]["ingress"][0]["ports"][0]["protocol"], "TCP")
        table = self.rows("netpol")
        self.assertEqual((table[0], table[1][:2]),
                         (["NAME", "POD-SELECTOR", "AGE"], ["db-in", "app=db"]))
        self.assertEqual(self.rows("ingressclass")[1][:3],
                         ["nginx", "k8s.io/ingress-nginx",
                          "IngressParameters.k8s.example.com/external-lb"])
        self.assertEqual(self.json_of("get", "ingressclass", "nginx")["spec"]["parameters"]["scope"],
                         "Cluster")
        self.assertEqual(self.refused("""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad}
spec:
  podSelector: {}
  ingress:
  - from: [{}]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}]
"""), 'The NetworkPolicy "bad" is invalid: \n'
            "* spec.ingress[0].from[0]: Required value: must specify a peer\n"
            '* spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be '
            "a strict subset of `cidr`")
        self.assertEqual(
            self.refused("", "patch", "ingressclass", "nginx", "-p",
                         '{"spec": {"controller": "example.com/other"}}'),
            'The IngressClass "nginx" is invalid: spec.controller: Invalid value: '
            '"example.com/other": field is immutable')
        self.kubectl("delete", "netpol", "db-in")
        self.kubectl("delete", "ingressclass", "nginx")


if __name__ == "__main__":
    main()
