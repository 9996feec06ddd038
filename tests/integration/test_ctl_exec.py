#!/usr/bin/env python3
"""c8sctl exec, attach, port-forward, run -i and top against the real kubectl 1.32.

Against c8s-apiserver (the harness of test_ctl_kubectl.py): the client-side checks and errors,
the answers to the refused upgrades, and the URLs each tool requests. Against a small fake
apiserver written here that speaks WebSocket v5.channel.k8s.io: the session itself (stdout,
stderr, stdin with the v5 close signal, exit codes from the error channel), where both tools
must print the same and exit alike."""

import json
import os
import re
import socket
import struct
import sys
import unittest
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.fakeapi import FakeHandler, read_frame, serve, stop, ws_accept, ws_frame  # noqa: E402
from c8stest.runner import main  # noqa: E402

NS = "streams"
KUBECTL_REQ = re.compile(r"round_trippers\.go:\d+\] (GET|POST|DELETE) (http\S+)")
C8SCTL_REQ = re.compile(r"method=(GET|POST|DELETE) url=(\S+)")
WATCH_TIMEOUT = re.compile(r"timeout=\d+m\d+s&timeoutSeconds=\d+")
RV = re.compile(r"resourceVersion=\d+")


def pod(name, containers, labels=None, annotations=None, init=(), tty=False):
    meta = {"name": name, "namespace": NS, "labels": labels or {}}
    if annotations:
        meta["annotations"] = annotations
    spec = {"containers": [{"name": c, "image": "busybox", "tty": tty, "stdin": tty}
                           for c in containers]}
    if init:
        spec["initContainers"] = [{"name": c, "image": "busybox"} for c in init]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


class ExecAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.run_one("kubectl", "create", "namespace", NS)
        objects = [
            pod("solo", ["solo"]),
            pod("multi", ["a", "b"], labels={"app": "web"}, init=["i"]),
            pod("annotated", ["a", "b"], labels={"app": "web"},
                annotations={"kubectl.kubernetes.io/default-container": "b"}),
            pod("misannotated", ["a", "b"],
                annotations={"kubectl.kubernetes.io/default-container": "zz"}),
            pod("done", ["a"]),
            pod("running", ["a"]),
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": NS},
             "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [{"name": "a", "image": "x"}]}}}},
            {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "empty", "namespace": NS},
             "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "none"}},
                      "template": {"metadata": {"labels": {"app": "none"}},
                                   "spec": {"containers": [{"name": "a", "image": "x"}]}}}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": NS}},
        ]
        for obj in objects:
            cls.run_one("kubectl", "create", "-f", "-", stdin=json.dumps(obj))
        for name, phase in (("done", "Succeeded"), ("running", "Running")):
            cls.run_one("kubectl", "-n", NS, "patch", "pod", name, "--subresource=status",
                        "--type=merge", "-p", json.dumps({"status": {"phase": phase}}))

    def in_ns(self, *args, stdin=""):
        return self.both("-n", NS, *args, stdin=stdin)

    def requests(self, *args):
        """The non-discovery requests (method and URL, in order) of both tools."""
        found = {}
        for tool, pattern in (("kubectl", KUBECTL_REQ), ("c8sctl", C8SCTL_REQ)):
            done = self.run_one(tool, "-n", NS, "-v=6", *args, check=False, stdin="")
            # a write between the two runs (an Event, a lease) moves the list's revision
            found[tool] = [(m, RV.sub("resourceVersion=<rv>",
                                      WATCH_TIMEOUT.sub("timeout=<t>", u)))
                           for m, u in pattern.findall(done.stderr) if f"/namespaces/{NS}" in u]
        self.assertEqual(found["kubectl"], found["c8sctl"], " ".join(args))
        self.assertTrue(found["kubectl"], "no requests seen")
        return found["kubectl"]

    def test_exec_argument_errors(self):
        for args in (["exec"], ["exec", "solo"], ["exec", "solo", "--"], ["exec", "solo", "ls"],
                     ["exec", "solo", "--pod-running-timeout=0", "--", "ls"],
                     ["exec", "solo", "--pod-running-timeout=x", "--", "ls"],
                     ["exec", "-f", "/dev/null", "--", "ls"], ["exec", "nope", "--", "ls"],
                     ["exec", "deploy/nope", "--", "ls"], ["exec", "cm/cm", "--", "ls"],
                     ["exec", "po", "solo", "--", "ls"]):
            with self.subTest(args=args):
                rc, _, _ = self.in_ns(*args)
                self.assertEqual(rc, 1)

    def test_exec_checks_the_pod_and_reports_the_refused_upgrade(self):
        rc, _, err = self.in_ns("exec", "done", "--", "ls")
        self.assertIn("completed pod; current phase is Succeeded", err)
        for args in (["solo"], ["multi"], ["multi", "-q"], ["annotated"], ["misannotated"],
                     ["multi", "-c", "i"], ["solo", "-c", "nope"], ["-it", "solo"],
                     ["-i", "solo"], ["pods/solo"], ["deploy/web"]):
            with self.subTest(args=args):
                rc, _, err = self.in_ns("exec", *args, "--", "ls")
                self.assertEqual(rc, 1)
                self.assertTrue(err.strip(), "an error line")

    def test_attach_checks_and_errors(self):
        for args in (["solo"], ["nope"], ["solo", "-c", "zz"], ["done"], ["multi"],
                     ["annotated", "-q"], ["misannotated"], ["-it", "solo"], ["multi", "-c", "i"],
                     ["cm/cm"], ["po", "solo"], ["a", "b", "c"], ["solo", "--pod-running-timeout=0"],
                     ["deploy/web"], []):
            with self.subTest(args=args):
                rc, _, _ = self.in_ns("attach", *args)
                self.assertEqual(rc, 1)

    def test_waiting_for_a_pod_of_a_workload_times_out_like_kubectl(self):
        rc, _, err = self.in_ns("exec", "deploy/empty", "--pod-running-timeout=1s", "--", "ls")
        self.assertEqual(err, "error: timed out waiting for the condition\n")
        self.requests("exec", "deploy/empty", "--pod-running-timeout=1s", "--", "ls")

    def test_requests_match_kubectl_including_the_spdy_fallback(self):
        urls = self.requests("exec", "multi", "-c", "b", "--", "sh", "-c", "echo a b")
        self.assertIn(("POST", urls[-1][1]), urls)
        self.assertIn("command=sh&command=-c&command=echo+a+b&container=b&stderr=true&stdout=true",
                      urls[-1][1])
        self.requests("exec", "-i", "solo", "--", "cat")
        self.requests("exec", "deploy/web", "--", "ls")
        self.requests("attach", "-i", "multi")
        self.requests("port-forward", "running", "8080:80")

    def test_port_forward_errors(self):
        for args in ([], ["solo"], ["nope", "80"], ["po/nope", "80"], ["solo", "abc"],
                     ["solo", "8080:80"], ["running", "70000"], ["running", "x:80"],
                     ["running", "80", "--address=1.2.3.4"], ["running", ":80"]):
            with self.subTest(args=args):
                rc, _, _ = self.in_ns("port-forward", *args)
                self.assertEqual(rc, 1)

    def test_run_attached_times_out_and_removes_the_pod(self):
        for args in (["--rm"], ["-t"], ["--attach", "--dry-run=client"],
                     ["--rm", "-i", "--dry-run=server"]):
            with self.subTest(args=args):
                rc, _, _ = self.both("run", "x", "--image=busybox", *args, twin="run")
                self.assertEqual(rc, 1)
        self.twin_namespaces("run")
        rc, out, err = self.both("run", "t1", "-i", "--rm", "--image=busybox", "--restart=Never",
                                 "--pod-running-timeout=1s", "--", "sh", twin="run", stdin="")
        self.assertEqual(out, 'pod "t1" deleted\n')
        self.assertEqual(err, "error: timed out waiting for the condition\n")
        self.both("run", "t2", "-it", "--image=busybox", "--pod-running-timeout=1s", twin="run",
                  stdin="")
        self.both("get", "pod", "t2", "-o", "jsonpath={.spec.containers[0]}", twin="run")
        self.both("get", "pod", "t1", twin="run")

    def test_top_without_metrics_api(self):
        for args in (["top", "pod"], ["top", "node"], ["top", "pod", "solo"],
                     ["top", "po", "--containers", "-A"], ["top", "pod", "--bogus"]):
            with self.subTest(args=args):
                self.in_ns(*args)


# ---- A fake apiserver with a WebSocket exec ---------------------------------------------------

FAKE_POD = {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "x"}]},
            "status": {"phase": "Running"}}


class FakeApiserver(FakeHandler):
    def handle(self):
        while (request := self.read_request()) is not None:
            method, target, headers = request
            url = urlsplit(target)
            if url.path.endswith("/exec") and headers.get("upgrade", "").lower() == "websocket":
                return self.session(headers, parse_qs(url.query))
            if url.path == "/api/v1/namespaces/default/pods/p":
                self.answer(200, FAKE_POD)
            elif url.path == "/api":
                self.answer(200, {"kind": "APIVersions", "versions": ["v1"]})
            elif url.path == "/apis":
                self.answer(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []})
            elif url.path == "/api/v1":
                self.answer(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                    {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
                     "verbs": ["get", "list"], "shortNames": ["po"]}]})
            else:
                self.answer(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                  "reason": "NotFound", "code": 404, "message": "not found"})

    def session(self, headers, query):
        accept = ws_accept(headers["sec-websocket-key"])
        self.wfile.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n"
                          "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n" % accept).encode())
        command = query.get("command", [])
        if command[:1] == ["cat"]:
            got = b""
            while True:
                op, data = read_frame(self.rfile)
                if op == 8 or data[:1] == b"\xff":
                    break
                if data[:1] == b"\x00":
                    got += data[1:]
            self.wfile.write(ws_frame(b"\x01" + got.upper()))
            status = {"metadata": {}, "status": "Success"}
        else:
            self.wfile.write(ws_frame(b"\x01hello " + " ".join(command[1:]).encode() + b"\n"))
            self.wfile.write(ws_frame(b"\x02oops\n"))
            if command[:1] == ["fail"]:
                status = {"metadata": {}, "status": "Failure", "reason": "InternalError",
                          "message": "container runtime said no"}
            else:
                status = {"metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
                          "message": "command terminated with non-zero exit code",
                          "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}}
        self.wfile.write(ws_frame(b"\x03" + json.dumps(status).encode()))
        self.wfile.write(ws_frame(struct.pack(">H", 1000), op=8))
        self.wfile.flush()
        try:
            self.request.shutdown(socket.SHUT_WR)
            self.rfile.read()
        except OSError:
            pass


class ExecSessionAgainstKubectl(unittest.TestCase):
    """Both tools against the fake apiserver: the same output and exit codes."""

    @classmethod
    def setUpClass(cls):
        if harness.binary("c8sctl") is None or harness.shutil.which("kubectl") is None:
            raise unittest.SkipTest("c8sctl or kubectl missing")
        cls.server, cls.url = serve(FakeApiserver)
        cls.dir = harness.make_temp_dir("c8stest-exec-")

    @classmethod
    def tearDownClass(cls):
        stop(cls.server)
        harness.remove_temp_dir(cls.dir)

    def run_both(self, *args, stdin=""):
        results = []
        for tool in ("kubectl", "c8sctl"):
            exe = "kubectl" if tool == "kubectl" else harness.binary("c8sctl")
            env = dict(os.environ, HOME=self.dir, KUBECONFIG=os.path.join(self.dir, "none"))
            # kubectl's WebSocket client sometimes reads the first frames before it has made
            # its streams ("Unknown stream id 1, discarding message"): its race, so run again.
            for _ in range(3):
                done = harness.subprocess.run([exe, "-s", self.url, *args], capture_output=True,
                                              text=True, timeout=30, env=env, input=stdin)
                if "Unknown stream id" not in done.stderr:
                    break
            results.append((done.returncode, done.stdout, done.stderr.replace("c8sctl", "kubectl")))
        self.assertEqual(results[0], results[1], " ".join(args))
        return results[0]

    def test_output_streams_and_exit_code_from_the_error_channel(self):
        rc, out, err = self.run_both("exec", "p", "--", "greet", "a", "b")
        self.assertEqual((rc, out), (3, "hello a b\n"))
        self.assertEqual(err, "oops\ncommand terminated with exit code 3\n")

    def test_a_failure_status_is_an_error_line(self):
        rc, _, err = self.run_both("exec", "p", "--", "fail")
        self.assertEqual(rc, 1)
        self.assertIn("container runtime said no", err)

    def test_stdin_is_sent_and_closed_with_the_v5_signal(self):
        rc, out, _ = self.run_both("exec", "-i", "p", "--", "cat", stdin="some input\n")
        self.assertEqual((rc, out), (0, "SOME INPUT\n"))


if __name__ == "__main__":
    main()
