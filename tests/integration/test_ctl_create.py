#!/usr/bin/env python3
"""c8sctl's create generators and --dry-run against the real kubectl 1.32 (the harness of
test_ctl_kubectl.py): the objects `--dry-run=client -o json` prints (Go struct field order),
what the server stores (-o yaml), the generators' validation errors, create token, and
--dry-run=client|server with -o yaml|json|name for create -f and apply."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {app: app}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: c
        image: nginx:IMAGE
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
"""


class CreateAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cert = os.path.join(cls.dir, "tls.crt")
        cls.key = os.path.join(cls.dir, "tls.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        cls.key, "-out", cls.cert, "-subj", "/CN=x", "-days", "1"],
                       check=True, capture_output=True)

    def test_generators_print_kubectls_objects_with_client_dry_run(self):
        tls = [f"--cert={self.cert}", f"--key={self.key}"]
        for args in (["create", "secret", "tls", "t1", *tls],
                     ["create", "service", "clusterip", "s1", "--tcp=80:8080", "--tcp=443"],
                     ["create", "service", "nodeport", "s2", "--tcp=80:http", "--node-port=30001"],
                     ["create", "service", "loadbalancer", "s3", "--tcp=80"],
                     ["create", "service", "externalname", "s4", "--external-name=example.com"],
                     ["create", "service", "clusterip", "s5", "--clusterip=None"],
                     ["create", "job", "j1", "--image=busybox", "--", "echo", "hi"],
                     ["create", "cronjob", "cj1", "--image=busybox", "--schedule=*/5 * * * *",
                      "--", "date"],
                     ["create", "role", "r1", "--verb=get,list",
                      "--resource=pods,deployments.apps,pods/log,deploy", "--resource-name=a"],
                     ["create", "clusterrole", "cr1", "--verb=get", "--resource=nodes",
                      "--non-resource-url=/logs"],
                     ["create", "rolebinding", "rb1", "--role=r1", "--user=u1", "--group=g1",
                      "--serviceaccount=default:sa1"],
                     ["create", "clusterrolebinding", "crb1", "--clusterrole=cr1", "--user=u1"],
                     ["create", "deployment", "d1", "--image=nginx", "--port=80"],
                     ["create", "configmap", "c1", "--from-literal=a=b"],
                     ["create", "secret", "generic", "g1", "--from-literal=a=b", "--type=x/y"],
                     ["create", "namespace", "n1"], ["create", "serviceaccount", "sa1"]):
            dash = args.index("--") if "--" in args else len(args)
            outs = [["-o", "json"]] + ([["-o", "yaml"], []] if args[1] in ("service", "job",
                                                                              "role") else [])
            for out in outs:
                with self.subTest(args=args, out=out):
                    self.both(*args[:dash], "--dry-run=client", *out, *args[dash:])
        self.both("-n", "other", "create", "configmap", "c1", "--dry-run=client", "-o", "json")
        self.both("create", "role", "r2", "--verb=foo", "--resource=pods", "--dry-run=client",
                  "-o", "name")

    def test_generators_validate_like_kubectl(self):
        for args in (["create", "secret", "tls", "t2"],
                     ["create", "secret", "tls", "t2", "--cert=nope", f"--key={self.key}"],
                     ["create", "service", "clusterip", "s9"],
                     ["create", "service", "clusterip", "s9", "--tcp=x:1"],
                     ["create", "service", "clusterip", "s9", "--tcp=70000"],
                     ["create", "job", "j2"], ["create", "job", "j2", "--image=a", "--from=cj/x"],
                     ["create", "job", "j2", "--from=cronjob/x", "--", "date"],
                     ["create", "role", "r2", "--verb=get"], ["create", "role", "r2"],
                     ["create", "role", "r2", "--verb=get", "--resource=nope"],
                     ["create", "rolebinding", "rb2", "--user=u"],
                     ["create", "rolebinding", "rb2", "--role=r", "--clusterrole=c"],
                     ["create", "rolebinding", "rb2", "--role=r", "--serviceaccount=bad"],
                     ["create", "configmap", "x", "--dry-run=bogus"],
                     ["create", "configmap", "x", "--dry-run=client", "-o", "wide"],
                     ["create", "cm"], ["create", "cm", "a", "b"]):
            with self.subTest(args=args):
                rc, _, _ = self.both(*args)
                self.assertNotEqual(rc, 0)

    def test_generators_create_what_kubectl_creates(self):
        self.twin_namespaces("gen")
        for args in (["create", "service", "clusterip", "s1", "--tcp=80:8080"],
                     ["create", "service", "clusterip", "s1", "--tcp=80:8080"],
                     ["create", "service", "nodeport", "s2", "--tcp=80", "-o", "yaml"],
                     ["create", "service", "clusterip", "S3", "--tcp=80"],
                     ["create", "secret", "tls", "t1", f"--cert={self.cert}",
                      f"--key={self.key}"],
                     ["create", "cronjob", "cj1", "--image=busybox", "--schedule=*/5 * * * *"],
                     ["create", "cronjob", "cj2", "--image=busybox", "--schedule=*/5"],
                     ["create", "job", "j1", "--from=cronjob/cj1", "-o", "yaml"],
                     ["create", "job", "j2", "--from=cronjob/nope"],
                     ["create", "job", "j3", "--image=busybox", "-o", "name", "--", "true"],
                     ["create", "job", "J4", "--image=busybox"],
                     ["create", "role", "r1", "--verb=get", "--resource=po"],
                     ["create", "role", "r1", "--verb=get", "--resource=po"],
                     ["create", "rolebinding", "rb1", "--role=r1", "--user=u"],
                     ["create", "rolebinding", "rb1", "--role=r1", "--user=u"],
                     ["create", "clusterrole", "gen-NS", "--verb=get", "--resource=nodes"],
                     ["create", "clusterrolebinding", "gen-NS", "--clusterrole=gen-NS",
                      "--group=g", "-o", "yaml"],
                     ["create", "deployment", "DBAD", "--image=x"],
                     ["create", "sa", "sa1"], ["create", "token", "nope"],
                     ["create", "configmap", "dr", "--from-literal=a=b", "--dry-run=server",
                      "-o", "yaml"],
                     ["create", "namespace", "gen-dry", "--dry-run=server"],
                     ["get", "cm", "dr"],
                     ["get", "svc,job,cronjob,role,rolebinding,secret", "-o", "yaml"],
                     ["get", "clusterrole,clusterrolebinding", "gen-NS", "-o", "yaml"]):
            with self.subTest(args=args):
                self.both(*args, twin="gen")

    def test_create_token_prints_the_token_or_kubectls_error(self):
        k = self.run_one("kubectl", "-n", "shared", "create", "token", "default", check=False)
        c = self.run_one("c8sctl", "-n", "shared", "create", "token", "default", check=False)
        self.assertEqual(k.returncode, c.returncode)
        if k.returncode == 0:
            self.assertEqual(c.stdout.count("."), 2, "a JWT")
        else:
            self.assertEqual(self.normalise(k.stderr), self.normalise(c.stderr))

    def test_dry_run_and_output_of_apply_and_create_files(self):
        self.twin_namespaces("dry")
        path = os.path.join(self.dir, "dry.yaml")
        changed = os.path.join(self.dir, "dry2.yaml")
        with open(path, "w") as f:
            f.write(APP.replace("IMAGE", "1"))
        with open(changed, "w") as f:
            f.write(APP.replace("IMAGE", "2"))
        for args in (["apply", "-f", path, "--dry-run=client"],
                     ["apply", "-f", path, "--dry-run=client", "-o", "yaml"],
                     ["apply", "-f", path, "--dry-run=server"],
                     ["apply", "-f", path, "--dry-run=server", "-o", "json"],
                     ["create", "-f", path, "--dry-run=client", "-o", "yaml"],
                     ["create", "-f", path, "--dry-run=server", "-o", "name"],
                     ["get", "deploy,cm"],
                     ["apply", "-f", path, "-o", "yaml"], ["apply", "-f", path, "-o", "name"],
                     ["apply", "-f", changed, "--dry-run=client"],
                     ["apply", "-f", changed, "--dry-run=server", "-o", "yaml"],
                     ["apply", "-f", changed, "--dry-run=bad"],
                     ["get", "deploy", "app", "-o", "jsonpath={.spec.template.spec.containers}"],
                     ["apply", "-f", changed, "-o", "json"],
                     ["create", "-f", path, "-o", "yaml"]):
            with self.subTest(args=args):
                self.both(*args, twin="dry")


if __name__ == "__main__":
    main()
