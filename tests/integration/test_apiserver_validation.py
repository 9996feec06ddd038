#!/usr/bin/env python3
"""Per-type defaulting and validation of the core/v1 types, seen through the real kubectl.

kubectl prints a 422 from its Status causes ("The Pod "x" is invalid: <field>: <message>", a
bulleted list for several causes) and exits 1; valid objects come back with Kubernetes 1.32's
defaults and the status a create resets them to.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apitest import ApiserverCase  # noqa: E402
from c8stest.runner import main  # noqa: E402


class ValidationTest(ApiserverCase):
    def test_invalid_pods_print_kubernetes_field_errors(self):
        self.assertEqual(self.refused("""
apiVersion: v1
kind: Pod
metadata: {name: noimage}
spec:
  containers: [{name: web}]
"""), 'The Pod "noimage" is invalid: spec.containers[0].image: Required value')
        self.assertEqual(self.refused("""
apiVersion: v1
kind: Pod
metadata: {name: sometimes}
spec:
  restartPolicy: Sometimes
  containers: [{name: web, image: nginx}]
"""), 'The Pod "sometimes" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": '
            'supported values: "Always", "OnFailure", "Never"')
        self.assertEqual(self.refused("""
apiVersion: v1
kind: Pod
metadata: {name: twice}
spec:
  containers:
  - {name: web, image: nginx, ports: [{containerPort: 80000}]}
  - {name: web, image: nginx, volumeMounts: [{name: data, mountPath: /data}]}
"""), 'The Pod "twice" is invalid: \n'
            '* spec.containers[0].ports[0].containerPort: Invalid value: 80000: must be between '
            '1 and 65535, inclusive\n'
            '* spec.containers[1].volumeMounts[0].name: Not found: "data"\n'
            '* spec.containers[1].name: Duplicate value: "web"')
        self.assertEqual(self.refused("""
apiVersion: v1
kind: Pod
metadata: {name: greedy}
spec:
  containers:
  - name: web
    image: nginx
    resources: {requests: {cpu: "2"}, limits: {cpu: "1"}}
"""), 'The Pod "greedy" is invalid: spec.containers[0].resources.requests: Invalid value: '
            '"2": must be less than or equal to cpu limit of 1')
        self.assertIn('pods "noimage" not found',
                      self.kubectl("get", "pod", "noimage", check=False).stderr)

    def test_pods_come_back_with_kubernetes_defaults(self):
        self.kubectl("run", "web", "--image=nginx", "--port=80")
        pod = self.json_of("get", "pod", "web")
        spec = pod["spec"]
        self.assertEqual(spec["restartPolicy"], "Always")
        self.assertEqual(spec["dnsPolicy"], "ClusterFirst")
        self.assertEqual(spec["schedulerName"], "default-scheduler")
        self.assertEqual(spec["terminationGracePeriodSeconds"], 30)
        self.assertEqual(spec["securityContext"], {})
        self.assertIs(spec["enableServiceLinks"], True)
        container = spec["containers"][0]
        self.assertEqual(container["imagePullPolicy"], "Always")
        self.assertEqual(container["terminationMessagePath"], "/dev/termination-log")
        self.assertEqual(container["terminationMessagePolicy"], "File")
        self.assertEqual(container["ports"], [{"containerPort": 80, "protocol": "TCP"}])
        self.assertEqual(container["resources"], {})
        self.assertEqual(pod["status"], {"phase": "Pending", "qosClass": "BestEffort"})
        text = self.kubectl("get", "pod", "web", "-o", "yaml").stdout
        self.assertIn("    imagePullPolicy: Always\n", text)
        self.assertIn("  qosClass: BestEffort\n", text)

        # Limits alone give equal requests, written canonically: Guaranteed.
        self.kubectl("create", "-f", "-", stdin="""
apiVersion: v1
kind: Pod
metadata: {name: sized}
spec:
  containers:
  - {name: c, image: "busybox:1.36", resources: {limits: {cpu: "0.5", memory: 64Mi}}}
""")
        sized = self.json_of("get", "pod", "sized")
        self.assertEqual(sized["spec"]["containers"][0]["imagePullPolicy"], "IfNotPresent")
        self.assertEqual(sized["spec"]["containers"][0]["resources"],
                         {"limits": {"cpu": "500m", "memory": "64Mi"},
                          "requests": {"cpu": "500m", "memory": "64Mi"}})
        self.assertEqual(sized["status"]["qosClass"], "Guaranteed")

    def test_pod_updates_are_limited_to_the_mutable_fields(self):
        self.kubectl("run", "fixed", "--image=nginx:1.27")
        self.kubectl("set", "image", "pod/fixed", "fixed=nginx:1.28")
        self.assertEqual(self.json_of("get", "pod", "fixed")["spec"]["containers"][0]["image"],
                         "nginx:1.28")
        patched = self.kubectl("patch", "pod", "fixed", "-p",
                               '{"spec":{"restartPolicy":"Never"}}', check=False)
        self.assertEqual(patched.returncode, 1)
        first = patched.stderr.splitlines()[0]
        self.assertEqual(
            first, 'The Pod "fixed" is invalid: spec: Forbidden: pod updates may not change '
            'fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,'
            '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing '
            'tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it '
            'was previously negative)')
        self.assertIn("core.PodSpec{", patched.stderr)
        self.assertEqual(self.json_of("get", "pod", "fixed")["spec"]["restartPolicy"], "Always")

    def test_services_are_defaulted_and_validated(self):
        self.kubectl("create", "service", "clusterip", "api", "--tcp=80:8080")
        svc = self.json_of("get", "service", "api")
        self.assertEqual(svc["spec"]["type"], "ClusterIP")
        self.assertEqual(svc["spec"]["sessionAffinity"], "None")
        self.assertEqual(svc["spec"]["internalTrafficPolicy"], "Cluster")
        self.assertEqual(svc["spec"]["ports"][0]["protocol"], "TCP")
        self.assertEqual(svc["spec"]["ports"][0]["targetPort"], 8080)
        self.assertEqual(svc["status"], {"loadBalancer": {}})
        self.assertEqual(self.refused("""
apiVersion: v1
kind: Service
metadata: {name: two}
spec:
  ports: [{port: 80}, {port: 443}]
"""), 'The Service "two" is invalid: \n* spec.ports[0].name: Required value\n'
            '* spec.ports[1].name: Required value')
        self.assertEqual(self.refused("""
apiVersion: v1
kind: Service
metadata: {name: np}
spec:
  type: ClusterIP
  ports: [{port: 80, nodePort: 30080}]
"""), "The Service \"np\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when "
            "`type` is 'ClusterIP'")
        self.assertEqual(self.refused("""
apiVersion: v1
kind: Service
metadata: {name: odd}
spec:
  type: Weird
  ports: [{port: 80}]
"""), 'The Service "odd" is invalid: spec.type: Unsupported value: "Weird": supported values: '
            '"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"')

    def test_configmaps_and_secrets(self):
        self.assertEqual(self.refused("""
apiVersion: v1
kind: ConfigMap
metadata: {name: keys}
data: {"bad key": "x"}
"""), 'The ConfigMap "keys" is invalid: data[bad key]: Invalid value: "bad key": a valid config '
            "key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
            "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
        self.kubectl("create", "-f", "-", stdin="""
apiVersion: v1
kind: ConfigMap
metadata: {name: frozen}
immutable: true
data: {mode: fast}
""")
        edited = self.kubectl("patch", "configmap", "frozen", "-p", '{"data":{"mode":"slow"}}',
                              check=False)
        self.assertEqual(edited.returncode, 1)
        self.assertEqual(edited.stderr.strip(),
                         'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable '
                         'when `immutable` is set')
        self.assertEqual(self.refused("""
apiVersion: v1
kind: Secret
metadata: {name: cert}
type: kubernetes.io/tls
data: {}
"""), 'The Secret "cert" is invalid: \n* data[tls.crt]: Required value\n'
            '* data[tls.key]: Required value')
        self.kubectl("create", "-f", "-", stdin="""
apiVersion: v1
kind: Secret
metadata: {name: words}
stringData: {password: s3cret}
""")
        secret = self.json_of("get", "secret", "words")
        self.assertEqual(secret["type"], "Opaque")
        self.assertEqual(secret["data"], {"password": "czNjcmV0"})
        self.assertNotIn("stringData", secret)
        retyped = self.kubectl("patch", "secret", "words", "-p", '{"type":"example.com/x"}',
                               check=False)
        self.assertEqual(retyped.stderr.strip(),
                         'The Secret "words" is invalid: type: Invalid value: "example.com/x": '
                         'field is immutable')

    def test_claims_quotas_and_limit_ranges(self):
        # Its own namespace: the LimitRange must not default the other tests' pods.
        self.kubectl("create", "namespace", "storage")
        ns = ("-n", "storage")
        self.assertEqual(self.refused("""
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
""", "create", "-f", "-", *ns), 'The PersistentVolumeClaim "data" is invalid: spec.resources[storage]: Required value')
        self.kubectl("create", "-f", "-", *ns, stdin="""
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
""")
        claim = self.json_of("get", "pvc", "data", *ns)
        self.assertEqual(claim["spec"]["volumeMode"], "Filesystem")
        self.assertEqual(claim["status"], {"phase": "Pending"})
        self.assertEqual(self.refused("""
apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec:
  hard: {widgets: "1"}
""", "create", "-f", "-", *ns), 'The ResourceQuota "q" is invalid: spec.hard[widgets]: Invalid value: "widgets": must be '
            'a standard resource type or fully qualified')
        self.kubectl("create", "-f", "-", *ns, stdin="""
apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec:
  limits:
  - type: Container
    max: {memory: 1Gi}
    min: {cpu: 100m}
""")
        item = self.json_of("get", "limitrange", "limits", *ns)["spec"]["limits"][0]
        self.assertEqual(item["default"], {"memory": "1Gi"})
        self.assertEqual(item["defaultRequest"], {"cpu": "100m", "memory": "1Gi"})
        bad_type = self.refused("""
apiVersion: v1
kind: LimitRange
metadata: {name: nodes}
spec:
  limits: [{type: Node}]
""", "create", "-f", "-", *ns)
        self.assertEqual(bad_type, 'The LimitRange "nodes" is invalid: spec.limits[0].type: '
                         'Invalid value: "Node": must be a standard limit type or fully qualified')


if __name__ == "__main__":
    main()
