#!/usr/bin/env python3
"""c8s-apiserver's authentication and authorization as a whole, against Kubernetes 1.32's
answers: a matrix of identities (cluster-admin, users bound to view and edit, a user with a
namespaced Role limited by resourceNames, a service account token, a kubelet, the scheduler, the
controller-manager, kube-proxy, a controller's service account, anonymous) x verbs x resources,
asked through SubjectAccessReviews and `kubectl auth can-i --as` (impersonation) and checked
with real requests too; service account tokens from the TokenRequest
API (`kubectl create token`) and their refusal when expired, forged, for another audience, or
bound to something deleted; the Node authorizer and NodeRestriction; escalation through PATCH;
and that no token reaches the apiserver's log.
"""

import base64
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import (C8S_STORE, Cluster, Process, c8s_store_binary, free_port,  # noqa: E402
                     make_temp_dir, remove_temp_dir, wait_for)
from c8stest.pki import make_ca, make_cert  # noqa: E402
from c8stest.runner import main  # noqa: E402

ISSUER = "https://kubernetes.default.svc.cluster.local"
NODE1 = ("system:node:node1", ["system:nodes"])
SCHEDULER = ("system:kube-scheduler", [])
CONTROLLER_MANAGER = ("system:kube-controller-manager", [])
KUBE_PROXY = ("system:kube-proxy", [])
ROBOT = ("system:serviceaccount:team:robot", [])
RS_CONTROLLER = ("system:serviceaccount:kube-system:replicaset-controller", [])
ANONYMOUS = ("system:anonymous", ["system:unauthenticated"])

# (identity, verb, resource[/subresource], namespace, name, expected) as Kubernetes 1.32 answers.
R = "resource"
MATRIX = [
    (("kubernetes-admin", ["system:masters"]), "delete", "nodes", "", "node1", True),
    (("kubernetes-admin", ["system:masters"]), "escalate", "clusterroles.rbac.authorization.k8s.io",
     "", "", True),
    # alice: ClusterRoleBinding to view.
    (("alice", []), "list", "pods", "default", "", True),
    (("alice", []), "list", "pods", "", "", True),  # a cluster binding reaches every namespace
    (("alice", []), "get", "pods/log", "team", "p1", True),
    (("alice", []), "get", "secrets", "team", "s1", False),
    (("alice", []), "create", "deployments.apps", "team", "", False),
    (("alice", []), "get", "nodes", "", "node1", False),
    (("alice", []), "list", "namespaces", "", "", True),
    # bob: RoleBinding to edit in team only.
    (("bob", []), "create", "deployments.apps", "team", "", True),
    (("bob", []), "create", "deployments.apps", "default", "", False),
    (("bob", []), "get", "secrets", "team", "s1", True),
    (("bob", []), "list", "pods", "", "", False),
    (("bob", []), "create", "roles.rbac.authorization.k8s.io", "team", "", False),
    (("bob", []), "update", "pods/status", "team", "p1", False),
    (("bob", []), "get", "pods/status", "team", "p1", True),
    (("bob", []), "create", "serviceaccounts/token", "team", "robot", True),
    (("bob", []), "impersonate", "serviceaccounts", "team", "robot", True),
    (("bob", []), "create", "pods/eviction", "team", "p1", True),
    # carol: a Role in team naming one configmap.
    (("carol", []), "get", "configmaps", "team", "c1", True),
    (("carol", []), "get", "configmaps", "team", "c2", False),
    (("carol", []), "list", "configmaps", "team", "", False),
    (("carol", []), "get", "configmaps", "default", "c1", False),
    # robot: a service account with view in team.
    (ROBOT, "list", "pods", "team", "", True),
    (ROBOT, "list", "pods", "default", "", False),
    (ROBOT, "get", "secrets", "team", "s1", False),
    # The kubelet of node1 (Node authorizer; system:node is not bound to system:nodes).
    (NODE1, "get", "nodes", "", "node1", True),
    (NODE1, "get", "nodes", "", "node2", False),
    (NODE1, "list", "nodes", "", "", False),
    (NODE1, "update", "nodes/status", "", "node1", True),
    (NODE1, "get", "secrets", "team", "s1", True),
    (NODE1, "get", "secrets", "team", "s2", False),
    (NODE1, "list", "secrets", "team", "", False),
    (NODE1, "update", "secrets", "team", "s1", False),
    (NODE1, "get", "configmaps", "team", "c1", True),
    (NODE1, "get", "configmaps", "team", "c2", False),
    (NODE1, "get", "pods", "team", "p1", True),
    (NODE1, "get", "pods", "team", "p2", False),
    (NODE1, "list", "pods", "", "", False),
    (NODE1, "create", "serviceaccounts/token", "team", "robot", True),
    (NODE1, "create", "serviceaccounts/token", "team", "lonely", False),
    (NODE1, "get", "leases.coordination.k8s.io", "kube-node-lease", "node1", True),
    (NODE1, "update", "leases.coordination.k8s.io", "kube-node-lease", "node2", False),
    (NODE1, "get", "leases.coordination.k8s.io", "default", "node1", False),
    (NODE1, "create", "events", "team", "", True),
    (NODE1, "list", "services", "", "", True),
    (NODE1, "create", "deployments.apps", "team", "", False),
    # kube-scheduler: system:kube-scheduler + system:volume-scheduler.
    (SCHEDULER, "create", "pods/binding", "team", "p1", True),
    (SCHEDULER, "list", "nodes", "", "", True),
    (SCHEDULER, "delete", "pods", "team", "p1", True),
    (SCHEDULER, "update", "pods", "team", "p1", False),
    (SCHEDULER, "patch", "pods/status", "team", "p1", True),
    (SCHEDULER, "get", "leases.coordination.k8s.io", "kube-system", "kube-scheduler", True),
    (SCHEDULER, "update", "leases.coordination.k8s.io", "kube-system", "other", False),
    (SCHEDULER, "create", "leases.coordination.k8s.io", "kube-system", "", True),
    (SCHEDULER, "patch", "persistentvolumes", "", "pv1", True),
    (SCHEDULER, "get", "secrets", "team", "s1", False),
    (SCHEDULER, "list", "csinodes.storage.k8s.io", "", "", True),
    # kube-controller-manager (its own identity; controllers use their service accounts).
    (CONTROLLER_MANAGER, "list", "secrets", "", "", True),
    (CONTROLLER_MANAGER, "watch", "deployments.apps", "", "", True),
    (CONTROLLER_MANAGER, "update", "deployments.apps", "team", "d", False),
    (CONTROLLER_MANAGER, "create", "serviceaccounts/token", "kube-system", "x", True),
    (CONTROLLER_MANAGER, "update", "leases.coordination.k8s.io", "kube-system",
     "kube-controller-manager", True),
    (CONTROLLER_MANAGER, "delete", "pods", "team", "p1", False),
    (RS_CONTROLLER, "create", "pods", "team", "", True),
    (RS_CONTROLLER, "update", "replicasets.apps/status", "team", "rs", True),
    (RS_CONTROLLER, "create", "deployments.apps", "team", "", False),
    (("system:serviceaccount:kube-system:namespace-controller", []), "deletecollection",
     "configmaps", "team", "", True),
    # kube-proxy.
    (KUBE_PROXY, "list", "services", "", "", True),
    (KUBE_PROXY, "watch", "endpointslices.discovery.k8s.io", "", "", True),
    (KUBE_PROXY, "get", "nodes", "", "node1", True),
    (KUBE_PROXY, "create", "pods", "team", "", False),
    # anonymous.
    (ANONYMOUS, "list", "pods", "team", "", False),
    (ANONYMOUS, "get", "namespaces", "", "team", False),
]
NONRESOURCE = [
    (ANONYMOUS, "get", "/healthz", True),
    (ANONYMOUS, "get", "/version", True),
    (ANONYMOUS, "get", "/api", False),  # system:discovery is for system:authenticated only
    (("alice", []), "get", "/api", True),
    (("alice", []), "get", "/metrics", False),
    (("monitor", ["system:monitoring"]), "get", "/metrics", True),
    (NODE1, "get", "/healthz", True),
]


def apiserver_binary():
    path = os.path.join(os.environ.get("C8S_BIN_DIR", ""), "c8s-apiserver")
    return path if os.access(path, os.X_OK) else None


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SecurityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if apiserver_binary() is None or c8s_store_binary() is None:
            raise unittest.SkipTest("c8s-apiserver or c8s-store is not built")
        if shutil.which("kubectl") is None:
            raise unittest.SkipTest("kubectl is not installed")
        cls.dir = d = make_temp_dir("c8stest-security-")
        make_ca(d, "ca")
        make_ca(d, "other-ca")
        make_cert(d, "ca", "apiserver", "/CN=kube-apiserver", server=True, client=False)
        for name, subject in [("admin", "/O=system:masters/CN=kubernetes-admin"),
                              ("alice", "/CN=alice"), ("bob", "/CN=bob"),
                              ("node1", "/O=system:nodes/CN=system:node:node1"),
                              ("scheduler", "/CN=system:kube-scheduler")]:
            make_cert(d, "ca", name, subject)
        make_cert(d, "other-ca", "mallory", "/O=system:masters/CN=mallory")
        for key in ("sa", "rogue"):
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                            "rsa_keygen_bits:2048", "-out", f"{key}.key"], cwd=d, check=True,
                           capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"], cwd=d,
                       check=True, capture_output=True)
        cls.store = Cluster(C8S_STORE, 1).start()
        cls.port = free_port()
        cls.server = f"https://127.0.0.1:{cls.port}"
        cls.log = os.path.join(d, "apiserver.log")
        cls.apiserver = Process("apiserver-security", [
            apiserver_binary(), "--etcd-servers", cls.store.members[0].client_url,
            "--bind-address", "127.0.0.1", "--secure-port", str(cls.port),
            "--tls-cert-file", os.path.join(d, "apiserver.crt"),
            "--tls-private-key-file", os.path.join(d, "apiserver.key"),
            "--client-ca-file", os.path.join(d, "ca.crt"),
            "--authorization-mode", "Node,RBAC", "--anonymous-auth",
            "--service-account-signing-key-file", os.path.join(d, "sa.key"),
            "--service-account-key-file", os.path.join(d, "sa.pub"),
            "--service-account-issuer", ISSUER,
            "--etcd-compaction-interval", "0", "-v", "4"], cls.log).start()
        wait_for(lambda: cls.kubectl("admin", "get", "--raw", "/readyz").returncode == 0, 30.0,
                 what="c8s-apiserver serving HTTPS")
        cls.setup_objects()

    @classmethod
    def tearDownClass(cls):
        cls.apiserver.stop()
        cls.store.close()
        remove_temp_dir(cls.dir)

    @classmethod
    def kubectl(cls, who, *args, stdin=None):
        d = cls.dir
        if who in ("admin", "alice", "bob", "node1", "scheduler", "mallory"):
            creds = ["--client-certificate", os.path.join(d, f"{who}.crt"),
                     "--client-key", os.path.join(d, f"{who}.key")]
        else:
            creds = ["--token", who]
        env = dict(os.environ, HOME=d, KUBECONFIG=os.path.join(d, "none"))
        return subprocess.run(["kubectl", "--server", cls.server, "--certificate-authority",
                               os.path.join(d, "ca.crt"), "--cache-dir",
                               os.path.join(d, "cache"), *creds, *args],
                              capture_output=True, text=True, timeout=30, env=env, input=stdin)

    @classmethod
    def admin(cls, *args, stdin=None):
        done = cls.kubectl("admin", *args, stdin=stdin)
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    @classmethod
    def setup_objects(cls):
        cls.admin("create", "namespace", "team")
        cls.admin("create", "clusterrolebinding", "alice-view", "--clusterrole=view",
                  "--user=alice")
        cls.admin("create", "rolebinding", "bob-edit", "--clusterrole=edit", "--user=bob",
                  "-n", "team")
        cls.admin("create", "role", "cm-reader", "--verb=get", "--resource=configmaps",
                  "--resource-name=c1", "-n", "team")
        cls.admin("create", "rolebinding", "carol-cm", "--role=cm-reader", "--user=carol",
                  "-n", "team")
        cls.admin("create", "serviceaccount", "robot", "-n", "team")
        cls.admin("create", "serviceaccount", "lonely", "-n", "team")
        cls.admin("create", "rolebinding", "robot-view", "--clusterrole=view",
                  "--serviceaccount=team:robot", "-n", "team")
        for name in ("s1", "s2"):
            cls.admin("create", "secret", "generic", name, "--from-literal=k=v", "-n", "team")
        for name in ("c1", "c2"):
            cls.admin("create", "configmap", name, "--from-literal=k=v", "-n", "team")
        pods = []
        for name, node, secret in (("p1", "node1", "s1"), ("p2", "node2", "s2"),
                                   ("p3", "node3", "s2")):
            pod = {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": name, "namespace": "team"},
                   "spec": {"nodeName": node, "serviceAccountName": "robot",
                            "containers": [{"name": "c", "image": "busybox"}],
                            "volumes": [{"name": "v", "secret": {"secretName": secret}}]}}
            if name == "p1":
                pod["spec"]["containers"][0]["env"] = [
                    {"name": "K", "valueFrom": {"configMapKeyRef": {"name": "c1", "key": "k"}}}]
            if name != "p3":
                pods.append(pod)
        cls.admin("create", "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "List",
                                                          "items": pods}))
        cls.p3 = pod  # created later, by the bound-token test
        # The policy cache follows storage through a watch: wait until bindings apply.
        wait_for(lambda: cls.may(("carol", []), "get", "configmaps", "team", "c1"), 10.0,
                 what="the bindings to reach the policy cache")
        wait_for(lambda: cls.may(ROBOT, "list", "pods", "team", ""), 10.0,
                 what="robot's binding to reach the policy cache")

    # ---- raw HTTPS as admin, with impersonation headers ----

    @classmethod
    def request(cls, method, path, body=None, cert="admin", headers=()):
        d = cls.dir
        ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.crt"))
        if cert is not None:
            ctx.load_cert_chain(os.path.join(d, f"{cert}.crt"), os.path.join(d, f"{cert}.key"))
        conn = http.client.HTTPSConnection("127.0.0.1", cls.port, context=ctx, timeout=10)
        try:
            conn.putrequest(method, path)
            data = json.dumps(body).encode() if body is not None else b""
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(len(data)))
            for key, value in headers:
                conn.putheader(key, value)
            conn.endheaders(data)
            resp = conn.getresponse()
            text = resp.read()
            return resp.status, json.loads(text) if text else None
        finally:
            conn.close()

    @classmethod
    def review(cls, identity, attributes):
        """A SubjectAccessReview, as admin, for identity with the groups its authenticator would
        give it (system:authenticated for all but anonymous)."""
        user, groups = identity
        if user != "system:anonymous":
            groups = groups + ["system:authenticated"]
        if user.startswith("system:serviceaccount:"):
            groups = ["system:serviceaccounts",
                      "system:serviceaccounts:" + user.split(":")[2]] + groups
        code, body = cls.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                                 {"apiVersion": "authorization.k8s.io/v1",
                                  "kind": "SubjectAccessReview",
                                  "spec": dict(attributes, user=user, groups=groups)})
        assert code == 201, (code, body)
        return body["status"]["allowed"]

    @classmethod
    def may(cls, identity, verb, resource, namespace, name):
        resource, _, subresource = resource.partition("/")
        resource, _, group = resource.partition(".")
        return cls.review(identity, {"resourceAttributes": {
            "verb": verb, "group": group, "resource": resource, "subresource": subresource,
            "namespace": namespace, "name": name}})

    # ---- the matrix ----

    def test_identities_verbs_resources_matrix(self):
        wrong = []
        for identity, verb, resource, namespace, name, expected in MATRIX:
            got = self.may(identity, verb, resource, namespace, name)
            if got != expected:
                wrong.append(f"{identity[0]} {verb} {resource} ns={namespace!r} name={name!r}: "
                             f"got {got}, want {expected}")
        for identity, verb, path, expected in NONRESOURCE:
            got = self.review(identity, {"nonResourceAttributes": {"verb": verb, "path": path}})
            if got != expected:
                wrong.append(f"{identity[0]} {verb} {path}: got {got}, want {expected}")
        self.assertEqual(wrong, [])

    def test_kubectl_auth_can_i_as_matches(self):
        cases = [(("--as", "system:kube-scheduler", "create", "pods", "--subresource=binding",
                   "-n", "team"), "yes"),
                 # TYPE/NAME: pods named "binding", which the scheduler may not create.
                 (("--as", "system:kube-scheduler", "create", "pods/binding", "-n", "team"), "no"),
                 (("--as", "system:kube-scheduler", "get", "secrets", "-n", "team"), "no"),
                 (("--as", "system:kube-controller-manager", "list", "secrets", "-A"), "yes"),
                 (("--as", "system:serviceaccount:team:robot", "list", "pods", "-n", "team"),
                  "yes"),
                 (("--as", "system:node:node1", "--as-group", "system:nodes", "get",
                   "secret/s1", "-n", "team"), "yes"),
                 (("--as", "system:node:node1", "--as-group", "system:nodes", "get",
                   "secret/s2", "-n", "team"), "no"),
                 (("--as", "system:kube-proxy", "watch", "endpointslices.discovery.k8s.io"),
                  "yes")]
        for args, want in cases:
            done = self.kubectl("admin", "auth", "can-i", *args)
            self.assertEqual(done.stdout.strip(), want, (args, done.stderr))

    def test_kubectl_auth_can_i_list_shows_the_callers_rules(self):
        done = self.kubectl("scheduler", "auth", "can-i", "--list", "-n", "team")
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["Resources", "Non-Resource", "URLs", "Resource",
                                            "Names", "Verbs"])
        rows = {line.split()[0]: line.split()[-1] for line in lines[1:] if line.strip()}
        self.assertEqual(rows.get("pods/binding"), "[create]", done.stdout)
        self.assertEqual(rows.get("selfsubjectreviews.authentication.k8s.io"), "[create]",
                         "system:basic-user through system:authenticated")
        self.assertNotIn("*.*", rows, "the scheduler is no admin")
        admin = self.kubectl("admin", "auth", "can-i", "--list")
        self.assertIn("*.*", admin.stdout)

    def test_impersonation_needs_the_impersonate_verb(self):
        done = self.kubectl("alice", "get", "pods", "-n", "team", "--as", "bob")
        self.assertEqual(done.returncode, 1)
        self.assertIn('users "bob" is forbidden: User "alice" cannot impersonate resource "users" '
                      'in API group "" at the cluster scope', done.stderr)
        # edit lets bob impersonate service accounts of its namespace.
        done = self.kubectl("bob", "auth", "whoami", "-o", "json", "--as",
                            "system:serviceaccount:team:robot")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["status"]["userInfo"],
                         {"username": "system:serviceaccount:team:robot",
                          "groups": ["system:serviceaccounts", "system:serviceaccounts:team",
                                     "system:authenticated"]})
        done = self.kubectl("bob", "get", "pods", "-n", "team", "--as",
                            "system:serviceaccount:kube-system:default")
        self.assertIn('serviceaccounts "default" is forbidden: User "bob" cannot impersonate '
                      'resource "serviceaccounts" in API group "" in the namespace '
                      '"kube-system"', done.stderr)
        done = self.kubectl("admin", "auth", "whoami", "-o", "json", "--as", "dave",
                            "--as-group", "devs")
        self.assertEqual(json.loads(done.stdout)["status"]["userInfo"],
                         {"username": "dave", "groups": ["devs", "system:authenticated"]})

    # ---- real requests: the Node authorizer and NodeRestriction ----

    def test_kubelet_reads_only_what_its_node_runs(self):
        ok = self.kubectl("node1", "get", "pods", "-A", "--field-selector",
                          "spec.nodeName=node1", "-o", "name")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertEqual(ok.stdout.split(), ["pod/p1"])
        every = self.kubectl("node1", "get", "pods", "-A")
        self.assertEqual(every.stderr.strip(),
                         'Error from server (Forbidden): pods is forbidden: User '
                         '"system:node:node1" cannot list resource "pods" in API group "" at the '
                         'cluster scope: can only list/watch pods with spec.nodeName field '
                         'selector')
        self.assertEqual(self.kubectl("node1", "get", "secret", "s1", "-n", "team").returncode, 0)
        other = self.kubectl("node1", "get", "secret", "s2", "-n", "team")
        self.assertIn('secrets "s2" is forbidden: User "system:node:node1" cannot get resource '
                      '"secrets" in API group "" in the namespace "team": no relationship found '
                      "between node 'node1' and this object", other.stderr)
        node = self.kubectl("node1", "get", "node", "node2")
        self.assertIn("node 'node1' cannot read 'node2', only its own Node object", node.stderr)

    def test_node_restriction_keeps_a_kubelet_to_its_own_objects(self):
        def node(name):
            return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}}
        code, body = self.request("POST", "/api/v1/nodes", node("node2"), cert="node1")
        self.assertEqual(code, 403, body)
        self.assertEqual(body["message"],
                         'nodes "node2" is forbidden: node "node1" is not allowed to modify node '
                         '"node2"')
        code, body = self.request("POST", "/api/v1/nodes", node("node1"), cert="node1")
        self.assertEqual(code, 201, body)
        patch_status = {"status": {"phase": "Running"}}
        code, body = self.request("PATCH", "/api/v1/namespaces/team/pods/p2/status",
                                  patch_status, cert="node1",
                                  headers=[("Content-Type", "application/merge-patch+json")])
        self.assertEqual(code, 403, body)
        self.assertIn('node "node1" can only update pod status for pods with spec.nodeName set '
                      'to itself', body["message"])
        lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                 "metadata": {"name": "node2", "namespace": "kube-node-lease"}}
        code, body = self.request("POST",
                                  "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                                  lease, cert="node1")
        self.assertEqual(code, 403, body)
        lease["metadata"]["name"] = "node1"
        code, body = self.request("POST",
                                  "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                                  lease, cert="node1")
        self.assertEqual(code, 201, body)

    # ---- service account tokens ----

    def create_token(self, *args):
        done = self.kubectl("admin", "create", "token", *args)
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout.strip()

    def test_kubectl_create_token_prints_a_working_token(self):
        token = self.create_token("robot", "-n", "team")
        header, claims, _ = token.split(".")
        self.assertEqual(json.loads(unb64url(header))["alg"], "RS256")
        claims = json.loads(unb64url(claims))
        self.assertEqual(claims["iss"], ISSUER)
        self.assertEqual(claims["aud"], [ISSUER])
        self.assertEqual(claims["sub"], "system:serviceaccount:team:robot")
        self.assertEqual(claims["exp"] - claims["iat"], 3600)
        self.assertEqual(claims["kubernetes.io"]["serviceaccount"]["name"], "robot")
        who = self.kubectl(token, "auth", "whoami", "-o", "json")
        self.assertEqual(who.returncode, 0, who.stderr)
        info = json.loads(who.stdout)["status"]["userInfo"]
        self.assertEqual(info["username"], "system:serviceaccount:team:robot")
        self.assertEqual(info["groups"], ["system:serviceaccounts", "system:serviceaccounts:team",
                                          "system:authenticated"])
        self.assertEqual(info["extra"]["authentication.kubernetes.io/credential-id"],
                         ["JTI=" + claims["jti"]])
        self.assertEqual(self.kubectl(token, "get", "pods", "-n", "team").returncode, 0)
        denied = self.kubectl(token, "get", "pods", "-n", "default")
        self.assertIn('User "system:serviceaccount:team:robot" cannot list resource "pods" in API '
                      'group "" in the namespace "default"', denied.stderr)
        self.assertEqual(self.kubectl(token, "auth", "can-i", "get", "secrets", "-n",
                                      "team").stdout.strip(), "no")
        self.assertNotIn(token, open(self.log).read())
        self.assertNotIn(token.split(".")[2], open(self.log).read())

    def test_token_request_checks_its_spec(self):
        ten = self.create_token("robot", "-n", "team", "--duration", "10m")
        claims = json.loads(unb64url(ten.split(".")[1]))
        self.assertEqual(claims["exp"] - claims["iat"], 600)
        code, body = self.request("POST", "/api/v1/namespaces/team/serviceaccounts/robot/token",
                                  {"apiVersion": "authentication.k8s.io/v1",
                                   "kind": "TokenRequest",
                                   "spec": {"expirationSeconds": 60}})
        self.assertEqual(code, 422, body)
        self.assertEqual(body["message"],
                         'TokenRequest.authentication.k8s.io "" is invalid: '
                         'spec.expirationSeconds: Invalid value: 60: may not specify a duration '
                         'less than 10 minutes')
        missing = self.kubectl("admin", "create", "token", "ghost", "-n", "team")
        self.assertIn('serviceaccounts "ghost" not found', missing.stderr)
        code, body = self.request("POST", "/api/v1/namespaces/team/serviceaccounts/lonely/token",
                                  {"spec": {"boundObjectRef": {"apiVersion": "v1", "kind": "Pod",
                                                               "name": "p1"}}})
        self.assertEqual(code, 400, body)
        self.assertEqual(body["message"], 'cannot bind token for serviceaccount "lonely" to pod '
                                          'running with different serviceaccount name.')
        code, body = self.request("POST", "/api/v1/namespaces/team/serviceaccounts/robot/token",
                                  {"spec": {"boundObjectRef": {"apiVersion": "v1",
                                                               "kind": "ConfigMap",
                                                               "name": "c1"}}})
        self.assertEqual((code, body["message"]),
                         (400, "cannot bind token to object of type /v1, Kind=ConfigMap"))

    def test_token_for_another_audience_is_refused(self):
        token = self.create_token("robot", "-n", "team", "--audience", "vault")
        self.assertIn("error: You must be logged in to the server",
                      self.kubectl(token, "get", "pods", "-n", "team").stderr)

    def test_bound_token_dies_with_its_pod_and_service_account(self):
        self.admin("create", "-f", "-", stdin=json.dumps(self.p3))
        bound = self.create_token("robot", "-n", "team", "--bound-object-kind", "Pod",
                                  "--bound-object-name", "p3")
        claims = json.loads(unb64url(bound.split(".")[1]))
        self.assertEqual(claims["kubernetes.io"]["pod"]["name"], "p3")
        who = json.loads(self.kubectl(bound, "auth", "whoami", "-o", "json").stdout)
        self.assertEqual(who["status"]["userInfo"]["extra"]["authentication.kubernetes.io/pod-name"],
                         ["p3"])
        self.admin("delete", "pod", "p3", "-n", "team", "--grace-period=0", "--force")
        wait_for(lambda: self.kubectl("admin", "get", "pod", "p3", "-n", "team").returncode != 0,
                 10.0, what="p3 gone")
        self.assertIn("Unauthorized", self.kubectl(bound, "auth", "whoami").stderr)
        self.admin("create", "serviceaccount", "temp", "-n", "team")
        temp = self.create_token("temp", "-n", "team")
        self.assertEqual(self.kubectl(temp, "auth", "whoami").returncode, 0)
        self.admin("delete", "serviceaccount", "temp", "-n", "team")
        self.assertIn("Unauthorized", self.kubectl(temp, "auth", "whoami").stderr)
        # Recreated with the same name, the account has another uid: old tokens stay dead.
        self.admin("create", "serviceaccount", "temp", "-n", "team")
        self.assertIn("Unauthorized", self.kubectl(temp, "auth", "whoami").stderr)

    def sign(self, claims, key="sa.key", header=None):
        token = self.create_token("robot", "-n", "team")
        header = header or json.loads(unb64url(token.split(".")[0]))
        signing_input = b64url(json.dumps(header).encode()) + "." + \
            b64url(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign",
                              os.path.join(self.dir, key)], input=signing_input.encode(),
                             capture_output=True, check=True).stdout
        return signing_input + "." + b64url(sig)

    def test_expired_forged_and_tampered_tokens_are_refused(self):
        token = self.create_token("robot", "-n", "team")
        claims = json.loads(unb64url(token.split(".")[1]))
        resigned = self.sign(claims)
        self.assertEqual(self.kubectl(resigned, "auth", "whoami").returncode, 0)
        now = int(time.time())
        expired = dict(claims, iat=now - 7200, nbf=now - 7200, exp=now - 3600)
        future = dict(claims, nbf=now + 3600, exp=now + 7200)
        admin = dict(claims, sub="system:serviceaccount:kube-system:default")
        admin["kubernetes.io"] = dict(claims["kubernetes.io"], namespace="kube-system")
        for bad in (self.sign(expired), self.sign(future), self.sign(claims, key="rogue.key"),
                    self.sign(admin),  # the robot's uid under another account
                    token.split(".")[0] + "." + b64url(json.dumps(expired).encode()) + "." +
                    token.split(".")[2]):
            done = self.kubectl(bad, "get", "pods", "-n", "team")
            self.assertEqual(done.returncode, 1)
            self.assertIn("error: You must be logged in to the server (Unauthorized)", done.stderr)

    def test_certificate_of_another_ca_is_refused(self):
        done = self.kubectl("mallory", "get", "ns")
        self.assertIn("error: You must be logged in to the server (Unauthorized)", done.stderr)

    # ---- escalation through PATCH ----

    def test_patch_cannot_escalate_a_role_or_binding(self):
        self.admin("create", "namespace", "esc")
        self.admin("create", "rolebinding", "bob-admin", "--clusterrole=admin", "--user=bob",
                   "-n", "esc")
        wait_for(lambda: self.may(("bob", []), "create", "roles.rbac.authorization.k8s.io",
                                  "esc", ""), 10.0, what="bob's admin binding")
        ok = self.kubectl("bob", "create", "role", "r", "--verb=get", "--resource=pods",
                          "-n", "esc")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        grab = self.kubectl("bob", "patch", "role", "r", "-n", "esc", "--type=json", "-p",
                            '[{"op":"add","path":"/rules/-","value":{"apiGroups":[""],'
                            '"resources":["nodes"],"verbs":["get"]}}]')
        self.assertEqual(grab.returncode, 1)
        self.assertIn('roles.rbac.authorization.k8s.io "r" is forbidden: user "bob" (groups='
                      '["system:authenticated"]) is attempting to grant RBAC permissions not '
                      'currently held:', grab.stderr)
        self.assertIn('{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}', grab.stderr)
        fine = self.kubectl("bob", "patch", "role", "r", "-n", "esc", "--type=merge", "-p",
                            '{"rules":[{"apiGroups":[""],"resources":["pods"],'
                            '"verbs":["get","list"]}]}')
        self.assertEqual(fine.returncode, 0, fine.stderr)
        self.admin("create", "rolebinding", "b", "--clusterrole=view", "--user=x", "-n", "esc")
        rebind = self.kubectl("bob", "patch", "rolebinding", "b", "-n", "esc", "--type=merge",
                              "-p", '{"roleRef":{"name":"cluster-admin"}}')
        self.assertIn("is attempting to grant RBAC permissions not currently held",
                      rebind.stderr)

    def test_bootstrap_roles_and_bindings_exist(self):
        roles = json.loads(self.admin("get", "clusterroles", "-o", "json"))["items"]
        names = {r["metadata"]["name"] for r in roles}
        for want in ("system:kube-controller-manager", "system:kube-scheduler",
                     "system:volume-scheduler", "system:node", "system:node-proxier",
                     "system:kube-dns", "system:monitoring",
                     "system:controller:deployment-controller",
                     "system:controller:generic-garbage-collector"):
            self.assertIn(want, names)
        self.assertTrue(all(r["metadata"].get("uid") and r["metadata"].get("creationTimestamp")
                            for r in roles))
        node = json.loads(self.admin("get", "clusterrolebinding", "system:node", "-o", "json"))
        self.assertNotIn("subjects", node)  # nodes get their rights from the Node authorizer
        self.assertIn("extension-apiserver-authentication-reader",
                      self.admin("get", "roles", "-n", "kube-system", "-o", "name"))


if __name__ == "__main__":
    main()
