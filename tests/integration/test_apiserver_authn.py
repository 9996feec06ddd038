#!/usr/bin/env python3
"""c8s-apiserver's HTTPS port and authentication, checked with the real kubectl: client
certificates signed by --client-ca-file (CN = user, O = groups), bearer tokens from
--token-auth-file, anonymous requests only when --anonymous-auth allows them, and 401 for
everyone else. `kubectl auth whoami` shows the identity the server resolved.
"""

import json
import os
import shutil
import ssl
import subprocess
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import (C8S_STORE, Cluster, Process, c8s_store_binary, free_port,  # noqa: E402
                     make_temp_dir, remove_temp_dir, wait_for)
from c8stest.pki import make_ca, make_cert  # noqa: E402
from c8stest.runner import main  # noqa: E402


def apiserver_binary():
    path = os.path.join(os.environ.get("C8S_BIN_DIR", ""), "c8s-apiserver")
    return path if os.access(path, os.X_OK) else None


class AuthnTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if apiserver_binary() is None or c8s_store_binary() is None:
            raise unittest.SkipTest("c8s-apiserver or c8s-store is not built")
        if shutil.which("kubectl") is None:
            raise unittest.SkipTest("kubectl is not installed")
        cls.dir = make_temp_dir("c8stest-authn-")
        d = cls.dir
        make_ca(d, "ca")
        make_ca(d, "other-ca")
        make_cert(d, "ca", "apiserver", "/CN=kube-apiserver", server=True, client=False)
        make_cert(d, "ca", "alice", "/O=dev/O=ops/CN=alice")
        make_cert(d, "other-ca", "mallory", "/O=system:masters/CN=mallory")
        make_cert(d, "ca", "admin", "/O=system:masters/CN=kubernetes-admin")
        with open(os.path.join(d, "tokens.csv"), "w") as f:
            f.write('s3cr3t-token,bob,uid-42,"viewers,testers"\n')
        cls.store = Cluster(C8S_STORE, 1).start()
        cls.servers = {}
        cls.processes = []
        for anonymous in (False, True, "rbac"):
            port = free_port()
            argv = [apiserver_binary(), "--etcd-servers", cls.store.members[0].client_url,
                    "--bind-address", "127.0.0.1", "--secure-port", str(port),
                    "--tls-cert-file", os.path.join(d, "apiserver.crt"),
                    "--tls-private-key-file", os.path.join(d, "apiserver.key"),
                    "--client-ca-file", os.path.join(d, "ca.crt"),
                    "--token-auth-file", os.path.join(d, "tokens.csv"),
                    "--etcd-compaction-interval", "0"]
            if anonymous is True:
                argv.append("--anonymous-auth")
            if anonymous == "rbac":
                argv += ["--authorization-mode", "RBAC"]
            p = Process(f"apiserver-anonymous-{anonymous}", argv,
                        os.path.join(d, f"apiserver-{anonymous}.log")).start()
            cls.processes.append(p)
            cls.servers[anonymous] = f"https://127.0.0.1:{port}"
        for anonymous, server in cls.servers.items():
            wait_for(lambda s=server: cls.run_kubectl(s, "alice", "get", "--raw", "/readyz")
                     .returncode == 0, 30.0, what="c8s-apiserver serving HTTPS")

    @classmethod
    def tearDownClass(cls):
        for p in cls.processes:
            p.stop()
        cls.store.close()
        remove_temp_dir(cls.dir)

    def current_logs(self):
        return "\n".join(p.log_text(20) for p in self.processes)

    @classmethod
    def run_kubectl(cls, server, who, *args):
        d = cls.dir
        creds = []
        if who in ("alice", "mallory", "admin"):
            creds = ["--client-certificate", os.path.join(d, f"{who}.crt"),
                     "--client-key", os.path.join(d, f"{who}.key")]
        elif who is not None:
            creds = ["--token", who]
        env = dict(os.environ, HOME=d, KUBECONFIG=os.path.join(d, "none"))
        return subprocess.run(["kubectl", "--server", server, "--certificate-authority",
                               os.path.join(d, "ca.crt"), "--cache-dir",
                               os.path.join(d, "cache"), *creds, *args],
                              capture_output=True, text=True, timeout=30, env=env)

    def whoami(self, who, anonymous=False):
        done = self.run_kubectl(self.servers[anonymous], who, "auth", "whoami", "-o", "json")
        return done, (json.loads(done.stdout)["status"]["userInfo"] if done.returncode == 0
                      else None)

    def test_client_certificate_names_user_and_groups(self):
        done, user = self.whoami("alice")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(user["username"], "alice")
        self.assertEqual(user["groups"], ["dev", "ops", "system:authenticated"])
        listed = self.run_kubectl(self.servers[False], "alice", "get", "ns", "-o", "name")
        self.assertIn("namespace/default", listed.stdout.split())

    def test_static_token_names_user_uid_and_groups(self):
        done, user = self.whoami("s3cr3t-token")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(user, {"username": "bob", "uid": "uid-42",
                                "groups": ["viewers", "testers", "system:authenticated"]})

    def test_rbac_grants_only_what_bindings_allow(self):
        rbac = self.servers["rbac"]
        denied = self.run_kubectl(rbac, "alice", "get", "pods")
        self.assertEqual(denied.returncode, 1)
        self.assertEqual(denied.stderr.strip(),
                         'Error from server (Forbidden): pods is forbidden: User "alice" cannot '
                         'list resource "pods" in API group "" in the namespace "default"')
        can = self.run_kubectl(rbac, "alice", "auth", "can-i", "list", "pods")
        self.assertEqual((can.returncode, can.stdout.strip()), (1, "no"))
        # system:masters is bound to cluster-admin by the bootstrap policy.
        granted = self.run_kubectl(rbac, "admin", "create", "rolebinding", "alice-view",
                                   "--clusterrole=view", "--user=alice", "-n", "default")
        self.assertEqual(granted.returncode, 0, granted.stderr)

        def alice_may_list():
            return self.run_kubectl(rbac, "alice", "auth", "can-i", "list", "pods").stdout.strip()
        wait_for(lambda: alice_may_list() == "yes", 10.0, what="the binding to take effect")
        self.assertEqual(self.run_kubectl(rbac, "alice", "get", "pods").returncode, 0)
        write = self.run_kubectl(rbac, "alice", "auth", "can-i", "create", "configmaps")
        self.assertEqual(write.stdout.strip(), "no")
        other_ns = self.run_kubectl(rbac, "alice", "get", "pods", "-n", "kube-system")
        self.assertIn('in the namespace "kube-system"', other_ns.stderr)
        secret = self.run_kubectl(rbac, "alice", "auth", "can-i", "get", "secrets")
        self.assertEqual(secret.stdout.strip(), "no")  # view leaves secrets out
        path = self.run_kubectl(rbac, "alice", "get", "--raw", "/metrics")
        self.assertIn('forbidden: User "alice" cannot get path "/metrics"', path.stderr)
        # A SubjectAccessReview answers for another subject (kubectl auth can-i --as uses
        # impersonation instead, which c8s does not serve yet).
        review = json.dumps({"apiVersion": "authorization.k8s.io/v1",
                             "kind": "SubjectAccessReview",
                             "spec": {"user": "alice", "groups": ["dev"],
                                      "resourceAttributes": {"namespace": "default",
                                                             "verb": "list",
                                                             "resource": "pods"}}})
        path_json = os.path.join(self.dir, "sar.json")
        with open(path_json, "w") as f:
            f.write(review)
        sar = self.run_kubectl(rbac, "admin", "create", "-f", path_json, "-o", "json")
        self.assertEqual(sar.returncode, 0, sar.stderr)
        self.assertTrue(json.loads(sar.stdout)["status"]["allowed"])
        token_user = self.run_kubectl(rbac, "s3cr3t-token", "get", "ns")
        self.assertIn("namespaces is forbidden: User \"bob\" cannot list resource "
                      "\"namespaces\" in API group \"\" at the cluster scope",
                      token_user.stderr)

    def test_no_one_grants_more_than_they_hold(self):
        rbac = self.servers["rbac"]
        admin = lambda *a: self.run_kubectl(rbac, "admin", *a)  # noqa: E731
        self.assertEqual(admin("create", "namespace", "team").returncode, 0)
        self.assertEqual(admin("create", "rolebinding", "alice-admin", "--clusterrole=admin",
                               "--user=alice", "-n", "team").returncode, 0)
        wait_for(lambda: self.run_kubectl(rbac, "alice", "auth", "can-i", "create", "roles",
                                          "-n", "team").stdout.strip() == "yes",
                 10.0, what="alice's admin binding to take effect")
        # Within what admin holds: allowed.
        ok = self.run_kubectl(rbac, "alice", "create", "role", "reader", "--verb=get,list",
                              "--resource=pods", "-n", "team")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        ok = self.run_kubectl(rbac, "alice", "create", "rolebinding", "bob-view",
                              "--clusterrole=view", "--user=bob", "-n", "team")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        # Beyond it: nodes are cluster-scoped and admin has no rights on them.
        role = self.run_kubectl(rbac, "alice", "create", "role", "nodes", "--verb=get",
                                "--resource=nodes", "-n", "team")
        self.assertEqual(role.returncode, 1)
        self.assertIn('roles.rbac.authorization.k8s.io "nodes" is forbidden: user "alice" '
                      '(groups=["dev" "ops" "system:authenticated"]) is attempting to grant '
                      'RBAC permissions not currently held:', role.stderr)
        self.assertIn('{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}', role.stderr)
        bind = self.run_kubectl(rbac, "alice", "create", "rolebinding", "grab",
                                "--clusterrole=cluster-admin", "--user=alice", "-n", "team")
        self.assertEqual(bind.returncode, 1)
        self.assertIn("is attempting to grant RBAC permissions not currently held", bind.stderr)

    def raw_whoami(self, anonymous):
        """A SelfSubjectReview with no credentials at all (kubectl would prompt for a password
        instead of sending such a request)."""
        ctx = ssl.create_default_context(cafile=os.path.join(self.dir, "ca.crt"))
        body = json.dumps({"apiVersion": "authentication.k8s.io/v1",
                           "kind": "SelfSubjectReview"}).encode()
        req = urllib.request.Request(
            self.servers[anonymous] + "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            data=body, headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def test_strangers_are_refused_with_401(self):
        for who in ("wrong-token", "mallory"):
            done = self.run_kubectl(self.servers[False], who, "get", "ns")
            self.assertEqual(done.returncode, 1, who)
            self.assertIn("error: You must be logged in to the server (Unauthorized)",
                          done.stderr, who)
        code, status = self.raw_whoami(anonymous=False)
        self.assertEqual(code, 401)
        self.assertEqual((status["kind"], status["reason"], status["code"]),
                         ("Status", "Unauthorized", 401))

    def test_anonymous_only_when_allowed(self):
        code, review = self.raw_whoami(anonymous=True)
        self.assertEqual(code, 201)
        self.assertEqual(review["status"]["userInfo"],
                         {"username": "system:anonymous", "groups": ["system:unauthenticated"]})
        # A presented but unknown token is still refused, anonymous access or not.
        bad = self.run_kubectl(self.servers[True], "wrong-token", "get", "ns")
        self.assertEqual(bad.returncode, 1)
        self.assertIn("error: You must be logged in to the server", bad.stderr)


if __name__ == "__main__":
    main()
