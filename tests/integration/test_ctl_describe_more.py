#!/usr/bin/env python3
"""c8sctl describe against the real kubectl 1.32 for the kinds beyond test_ctl_describe.py:
replica sets, stateful sets, daemon sets, jobs, cron jobs, secrets, endpoints, endpoint slices
(and a service's Endpoints line from them), ingresses, claims and volumes, RBAC, quotas and
limit ranges (alone and in a namespace), HPAs, PDBs, deployments with their replica sets, pods
with container states and env from fields/resources/secrets, nodes with their pods' requests
and limits, and the generic describer (leases, controller revisions, events). The objects come
from fixed manifests; only ages, creation times, uids and resource versions are normalised."""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402

# Namespaced objects, created in each twin namespace (NS).
OBJECTS = """\
apiVersion: v1
kind: Secret
metadata: {name: s1}
type: Opaque
data: {k: aGVsbG8=}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c1}
data: {k: v}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs1, labels: {app: rs1}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: rs1}
    matchExpressions: [{key: tier, operator: In, values: [b, a]}, {key: gone, operator: DoesNotExist}]
  template:
    metadata: {labels: {app: rs1, tier: a}, annotations: {note: x}}
    spec:
      containers:
      - name: c
        image: nginx
        ports: [{containerPort: 80, name: http}, {containerPort: 81, protocol: UDP}]
        env:
        - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
        - {name: MEM, valueFrom: {resourceFieldRef: {resource: requests.memory, divisor: 1Mi}}}
        - {name: S, valueFrom: {secretKeyRef: {name: s1, key: k}}}
        - {name: C, valueFrom: {configMapKeyRef: {name: c1, key: k, optional: true}}}
        - {name: ML, value: "line1\\nline2"}
        envFrom: [{configMapRef: {name: c1}}, {secretRef: {name: s1, optional: false}, prefix: P_}]
        resources: {requests: {memory: 64Mi, cpu: 100m}}
        livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        readinessProbe: {tcpSocket: {port: http}}
        startupProbe: {exec: {command: [cat, /tmp/x]}}
        volumeMounts: [{name: v2, mountPath: /b, subPath: s}, {name: v1, mountPath: /a, readOnly: true}]
      volumes:
      - {name: v1, emptyDir: {}}
      - {name: v2, configMap: {name: c1}}
      - {name: v3, secret: {secretName: s1, optional: true}}
      - {name: v4, hostPath: {path: /tmp, type: Directory}}
      - {name: v5, persistentVolumeClaim: {claimName: pvc1}}
      - name: v6
        projected:
          sources:
          - serviceAccountToken: {path: token}
          - configMap: {name: kube-root-ca.crt}
          - downwardAPI: {items: [{path: ns, fieldRef: {fieldPath: metadata.namespace}}]}
      - name: v7
        downwardAPI:
          items: [{path: l, fieldRef: {fieldPath: metadata.labels}},
                  {path: c, resourceFieldRef: {containerName: c, resource: limits.cpu}}]
      - {name: v8, nfs: {server: s, path: /p}}
      tolerations: [{key: b, operator: Exists}, {key: a, value: v, effect: NoExecute, tolerationSeconds: 5}]
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule,
                                   labelSelector: {matchLabels: {app: rs1}}}]
      nodeSelector: {disk: ssd}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts1}
spec:
  serviceName: sts1
  replicas: 1
  selector: {matchLabels: {app: sts1}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  template:
    metadata: {labels: {app: sts1}}
    spec: {containers: [{name: c, image: busybox}]}
  volumeClaimTemplates:
  - metadata: {name: data, labels: {a: b}}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds1}
spec:
  selector: {matchLabels: {app: ds1}}
  template:
    metadata: {labels: {app: ds1}}
    spec: {nodeSelector: {disk: ssd}, containers: [{name: c, image: busybox}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job1}
spec:
  completionMode: Indexed
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [sh, -c, "echo a\\necho b"]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj1}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: OnFailure, containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: web}
subsets:
- addresses: [{ip: 10.1.0.1}, {ip: 10.1.0.2}]
  notReadyAddresses: [{ip: 10.1.0.3}]
  ports: [{port: 80, protocol: TCP, name: http}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- addresses: [10.1.0.1]
  conditions: {ready: true}
  nodeName: n1
  targetRef: {kind: Pod, name: p1}
- addresses: [10.1.0.2]
- addresses: [10.1.0.3]
  conditions: {ready: false}
- addresses: [10.1.0.4]
- addresses: ["fd00::5"]
- addresses: [10.1.0.6]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: bare-abc, labels: {kubernetes.io/service-name: bare}}
addressType: IPv4
endpoints:
- addresses: [10.2.0.1]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: other, port: 81}]
  externalIPs: [1.2.3.4]
---
apiVersion: v1
kind: Service
metadata: {name: bare}
spec:
  ports: [{port: 90}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing1, annotations: {a: b}}
spec:
  ingressClassName: nginx
  tls: [{hosts: [a.example.com], secretName: tls1}, {hosts: [b.example.com]}]
  defaultBackend: {service: {name: web, port: {number: 80}}}
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /x, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
      - {path: /y, pathType: Exact, backend: {service: {name: nosuch, port: {number: 81}}}}
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com, kind: Bucket, name: b}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing2}
spec:
  defaultBackend: {service: {name: bare, port: {number: 90}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pvc1}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  storageClassName: fast
---
apiVersion: v1
kind: Pod
metadata: {name: user1}
spec:
  containers: [{name: c, image: busybox}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: pvc1}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: role1}
rules:
- apiGroups: ["", apps]
  resources: [pods, deployments/scale]
  verbs: [get, list]
- apiGroups: [""]
  resources: [pods]
  verbs: [watch, get]
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [a, b]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: role1}
subjects: [{kind: ServiceAccount, name: default, namespace: default},
           {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q1}
spec:
  hard: {pods: "10", requests.memory: 1Gi, requests.cpu: "2"}
  scopes: [NotTerminating, BestEffort]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q0}
spec:
  hard: {configmaps: "5"}
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr1}
spec:
  limits:
  - type: Container
    max: {cpu: "2"}
  - type: Pod
    min: {memory: 1Mi}
  - type: PersistentVolumeClaim
    maxLimitRequestRatio: {storage: "4"}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hpa1}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}
  - type: Pods
    pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: "1k"}}
  - type: Object
    object: {metric: {name: hits}, describedObject: {kind: Service, name: web, apiVersion: v1},
             target: {type: Value, value: "10"}}
  - type: External
    external: {metric: {name: queue}, target: {type: AverageValue, averageValue: "30"}}
  - type: ContainerResource
    containerResource: {name: cpu, container: c, target: {type: Utilization, averageUtilization: 60}}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies: [{type: Percent, value: 10, periodSeconds: 60}]
    scaleUp:
      policies: [{type: Pods, value: 4, periodSeconds: 15}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb1}
spec:
  minAvailable: 50%
  selector: {matchLabels: {app: web}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb2}
spec:
  maxUnavailable: 1
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: lease1, labels: {a: b}}
spec: {holderIdentity: me, leaseDurationSeconds: 15, acquireTime: "2024-01-01T00:00:00.000000Z"}
---
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: cr-1}
revision: 3
data: {spec: {template: {x: [1, 2.5, "s", true, null, {a: 1}], y: 1500000.0, podIP: "z"}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx}]}
"""

# Replica sets owned by the deployment (no controller makes them in c8s yet).
OWNED_RS = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: NAME
  labels: {app: web, pod-template-hash: hNAME}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: UID, controller: true}]
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web, pod-template-hash: hNAME}}
  template:
    metadata: {labels: {app: web, pod-template-hash: hNAME}}
    spec:
      containers: [{name: nginx, image: IMAGE}]
"""

EVENT = """\
apiVersion: v1
kind: Event
metadata: {name: PREFIX.1}
involvedObject: {kind: KIND, name: NAME, namespace: NS, uid: UID, apiVersion: API}
reason: Something
message: did NAME
type: Normal
source: {component: ctrl}
firstTimestamp: "2020-01-01T00:00:00Z"
lastTimestamp: "2020-01-02T00:00:00Z"
count: 2
---
apiVersion: v1
kind: Event
metadata: {name: PREFIX.2}
involvedObject: {kind: KIND, name: NAME, namespace: NS, uid: UID, apiVersion: API}
reason: Series
message: series NAME
type: Warning
reportingComponent: rc
reportingInstance: ri
action: Act
eventTime: "2021-01-01T00:00:00.000000Z"
series: {count: 5, lastObservedTime: "2021-01-02T00:00:00.000000Z"}
"""



def event(prefix, name, kind, ns, uid, api):
    """Two events about one object: a counted one and a series (events.k8s.io style)."""
    text = EVENT.replace("PREFIX", prefix).replace("NAME", name).replace("KIND", kind)
    text = text.replace("UID", uid).replace("API", api)
    return text.replace("namespace: NS, ", f"namespace: {ns}, " if ns else "")


# Cluster-scoped objects and a node with pods of its own namespace: one copy for both tools.
CLUSTER = """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: desc2-pv}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteMany, ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: fast
  volumeMode: Filesystem
  hostPath: {path: /data}
  claimRef: {namespace: desc2-nodes, name: pvc1}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: a, operator: In, values: [x, z]}, {key: b, operator: Exists}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: desc2-cr}
rules:
- nonResourceURLs: [/healthz, /version]
  verbs: [get]
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: desc2-crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: desc2-cr}
subjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: v1
kind: Node
metadata:
  name: desc2-node
  labels: {kubernetes.io/role: worker, node-role.kubernetes.io/infra: ""}
spec:
  taints: [{key: b, effect: NoSchedule}, {key: a, value: v, effect: NoSchedule}, {key: c, effect: NoExecute}]
---
apiVersion: v1
kind: Pod
metadata: {name: np1, namespace: desc2-nodes}
spec:
  nodeName: desc2-node
  initContainers:
  - {name: i, image: busybox, resources: {requests: {cpu: "1", memory: 10Mi}}}
  - {name: side, image: busybox, restartPolicy: Always,
     resources: {requests: {cpu: 100m}, limits: {cpu: 200m}}}
  containers:
  - {name: a, image: busybox, resources: {requests: {cpu: 250m, memory: 64Mi, example.com/gpu: "1"},
                                          limits: {cpu: 500m, memory: 128Mi, example.com/gpu: "1"}}}
  - {name: b, image: busybox, resources: {requests: {memory: 1Gi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: np2, namespace: desc2-nodes}
spec:
  nodeName: desc2-node
  containers:
  - {name: a, image: busybox, resources: {limits: {cpu: "1", memory: 1G}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: sp1
  namespace: desc2-nodes
  labels: {app: rs1}
spec:
  nodeName: desc2-node
  securityContext: {seccompProfile: {type: RuntimeDefault}}
  readinessGates: [{conditionType: example.com/ready}, {conditionType: other}]
  containers:
  - name: a
    image: busybox
    securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}
    env:
    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: LIM, valueFrom: {resourceFieldRef: {resource: limits.memory}}}
    - {name: REQ, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
  - {name: b, image: busybox}
  - {name: c, image: busybox}
"""

NODE_STATUS = {"status": {
    "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "100Gi",
                 "hugepages-2Mi": "0", "example.com/gpu": "2"},
    "allocatable": {"cpu": "3500m", "memory": "7Gi", "pods": "110", "ephemeral-storage": "90Gi",
                    "hugepages-2Mi": "0", "example.com/gpu": "2"},
    "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "ok",
                    "lastHeartbeatTime": "2024-01-01T00:00:00Z",
                    "lastTransitionTime": "2024-01-01T00:00:00Z"}],
    "addresses": [{"type": "InternalIP", "address": "10.9.9.9"}],
    "nodeInfo": {"kubeletVersion": "v1.32.0", "architecture": "amd64"}}}

POD_STATUS = {"status": {
    "phase": "Running", "hostIP": "10.9.9.9", "podIP": "10.1.1.1", "podIPs": [{"ip": "10.1.1.1"}],
    "startTime": "2024-01-01T00:00:00Z",
    "conditions": [{"type": "Ready", "status": "True"},
                   {"type": "example.com/ready", "status": "False"}],
    "containerStatuses": [
        {"name": "a", "ready": True, "restartCount": 2, "image": "busybox",
         "imageID": "docker.io/busybox@sha256:1", "containerID": "containerd://abc",
         "state": {"running": {"startedAt": "2024-01-01T00:00:01Z"}},
         "lastState": {"terminated": {"exitCode": 137, "signal": 9, "reason": "OOMKilled",
                                      "message": "oom", "startedAt": "2024-01-01T00:00:00Z",
                                      "finishedAt": "2024-01-01T00:00:01Z"}}},
        {"name": "b", "ready": False, "restartCount": 0, "image": "busybox", "imageID": "",
         "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
        {"name": "c", "ready": False, "restartCount": 0, "image": "busybox", "imageID": "",
         "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                                  "startedAt": "2024-01-01T00:00:00Z",
                                  "finishedAt": "2024-01-01T00:00:02Z"}}}]}}

QUOTA_STATUS = {"status": {"hard": {"pods": "10", "requests.memory": "1Gi", "requests.cpu": "2"},
                           "used": {"pods": "3", "requests.memory": "500M"}}}

# Values that differ between the twins by nature: creation times, uids, resource versions.
CREATED = re.compile(r"(CreationTimestamp:\s+)\w{3}, \d\d \w{3} \d{4} [\d:]{8} [+-]\d{4}")
GENERIC = re.compile(r"^(\s*(?:Creation Timestamp|Resource Version|UID):\s+)\S+$", re.M)
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


class DescribeMoreAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        kubectl = lambda *a, stdin=None: cls.run_one("kubectl", *a, stdin=stdin)  # noqa: E731
        kubectl("create", "namespace", "desc2-nodes")
        kubectl("create", "-f", "-", stdin=CLUSTER)
        kubectl("patch", "node", "desc2-node", "--subresource=status", "--type=merge",
                "-p", json.dumps(NODE_STATUS))
        kubectl("-n", "desc2-nodes", "patch", "pod", "sp1", "--subresource=status",
                "--type=merge", "-p", json.dumps(POD_STATUS))
        node_uid = kubectl("get", "node", "desc2-node", "-o", "jsonpath={.metadata.uid}").stdout
        # the controllers' events name a node by uid, the kubelet's by name
        kubectl("-n", "default", "create", "-f", "-", stdin="---\n".join(
            event(f"desc2-node-{uid[:6]}", "desc2-node", "Node", None, uid, "v1")
            for uid in (node_uid, "desc2-node")))
        for ns in ("desc2-k", "desc2-c"):
            kubectl("create", "namespace", ns)
            kubectl("-n", ns, "create", "-f", "-", stdin=OBJECTS)
            kubectl("-n", ns, "patch", "quota", "q1", "--subresource=status", "--type=merge",
                    "-p", json.dumps(QUOTA_STATUS))
            listed = json.loads(kubectl("-n", ns, "get", "deploy,rs,svc,lease,pvc,hpa,job", "-o",
                                        "json").stdout)["items"]
            uids = {(o["kind"], o["metadata"]["name"]): o["metadata"]["uid"] for o in listed}
            more = [OWNED_RS.replace("NAME", name).replace(
                "UID", uids[("Deployment", "web")]).replace("IMAGE", image).replace(
                "REPLICAS", replicas)
                for name, image, replicas in (("web-new", "nginx", "2"),
                                              ("web-old", "nginx:1", "0"),
                                              ("web-old2", "nginx:2", "1"))]
            more += [event(name, name, kind, ns, uids[(kind, name)], api) for kind, name, api in (
                ("ReplicaSet", "rs1", "apps/v1"), ("Service", "web", "v1"),
                ("Lease", "lease1", "coordination.k8s.io/v1"),
                ("PersistentVolumeClaim", "pvc1", "v1"),
                ("HorizontalPodAutoscaler", "hpa1", "autoscaling/v2"),
                ("Job", "job1", "batch/v1"))]
            kubectl("-n", ns, "create", "-f", "-", stdin="---\n".join(more))

    def both(self, *args, **kw):
        original = harness.CtlDiffCase.normalise
        harness.CtlDiffCase.normalise = staticmethod(
            lambda text, ns=None: UUID.sub("<uid>", GENERIC.sub(
                r"\1<x>", CREATED.sub(r"\1<time>", original(text, ns)))))
        try:
            return super().both(*args, **kw)
        finally:
            harness.CtlDiffCase.normalise = staticmethod(original)

    def test_workloads_match_kubectl(self):
        for args in (["describe", "rs", "rs1"], ["describe", "sts", "sts1"],
                     ["describe", "ds", "ds1"], ["describe", "job", "job1"],
                     ["describe", "cj", "cj1"], ["describe", "deploy", "web"],
                     ["describe", "rs", "web-new"], ["describe", "rs", "web-o"],
                     ["describe", "hpa", "hpa1"], ["describe", "pdb"],
                     ["describe", "rs,sts", "--show-events=false"]):
            with self.subTest(args=args):
                self.both(*args, twin="desc2")

    def test_network_config_and_rbac_match_kubectl(self):
        for args in (["describe", "secret", "s1"], ["describe", "ep", "web"],
                     ["describe", "endpointslice"], ["describe", "svc"],
                     ["describe", "ing"], ["describe", "pvc", "pvc1"],
                     ["describe", "role", "role1"], ["describe", "rolebinding", "rb1"],
                     ["describe", "quota"], ["describe", "limits", "lr1"],
                     ["describe", "ns", "NS"], ["describe", "sa", "default"],
                     ["describe", "cm", "c1"]):
            with self.subTest(args=args):
                self.both(*args, twin="desc2")

    def test_generic_describer_matches_kubectl(self):
        for args in (["describe", "lease", "lease1"], ["describe", "controllerrevision", "cr-1"],
                     ["describe", "ev", "web.1"], ["describe", "ev", "web.2"]):
            with self.subTest(args=args):
                self.both(*args, twin="desc2")

    def test_cluster_objects_nodes_and_pods_match_kubectl(self):
        for args in (["describe", "pv", "desc2-pv"], ["describe", "clusterrole", "desc2-cr"],
                     ["describe", "clusterrolebinding", "desc2-crb"],
                     ["describe", "clusterrole", "admin"], ["describe", "node", "desc2-node"],
                     ["-n", "desc2-nodes", "describe", "po"]):
            with self.subTest(args=args):
                self.both(*args)


if __name__ == "__main__":
    main()
