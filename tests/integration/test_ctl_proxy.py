#!/usr/bin/env python3
"""c8sctl proxy beside the real kubectl 1.32 proxy against one c8s-apiserver (the harness of
test_ctl_kubectl.py): the same answers for reads, writes, the filter's 403s, the prefixes and the
static files; a watch through c8sctl proxy delivers an event made after it started; many clients
at once; a unix socket; SIGTERM ends both the same way."""

import http.client
import itertools
import json
import os
import re
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest import wait_for  # noqa: E402
from c8stest.proc import Process  # noqa: E402
from c8stest.runner import main  # noqa: E402

SERVING = re.compile(r"^Starting to serve on (\S+)$", re.M)
# headers whose values differ between two answers of one server
VOLATILE = {"date", "audit-id", "x-kubernetes-pf-flowschema-uid",
            "x-kubernetes-pf-prioritylevel-uid", "content-length"}


class ProxyAgainstKubectl(harness.CtlDiffCase):
    started = itertools.count()

    def start_proxy(self, tool, *args):
        """Starts `tool proxy args` and returns (process, the address it serves on)."""
        exe = "kubectl" if tool == "kubectl" else harness.binary("c8sctl")
        log = os.path.join(self.dir, f"proxy-{tool}-{next(self.started)}.log")
        env = dict(os.environ, HOME=self.dir, KUBECONFIG=self.kubeconfig)
        proc = Process(f"{tool} proxy", [exe, "proxy", *args], log, env=env).start()
        self.proxies.append(proc)

        def serving():
            if not proc.is_running():
                raise AssertionError(f"{tool} proxy exited:\n{proc.log_text()}")
            m = SERVING.search(proc.log_text())
            return m.group(1) if m else None

        return proc, wait_for(serving, 15.0, what=f"{tool} proxy serving")

    def setUp(self):
        self.proxies = []

    def tearDown(self):
        for proc in self.proxies:
            proc.stop()
            log = proc.log_text()
            self.assertNotIn("Sanitizer", log)
            self.assertNotIn("runtime error:", log)

    def both_proxies(self, *args):
        procs = {}
        for tool in ("kubectl", "c8sctl"):
            procs[tool] = self.start_proxy(tool, "--port=0", *args)
        return procs

    @staticmethod
    def request(addr, method, path, body=None, headers=None, unix=None):
        """One request; returns (status, reason, headers without volatile ones, body)."""
        if unix:
            conn = http.client.HTTPConnection("localhost", timeout=15)
            conn.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.sock.settimeout(15)
            conn.sock.connect(unix)
        else:
            host, port = addr.rsplit(":", 1)
            conn = http.client.HTTPConnection(host, int(port), timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read().decode()
            kept = {k.lower(): v for k, v in resp.getheaders() if k.lower() not in VOLATILE}
            return resp.status, resp.reason, kept, data
        finally:
            conn.close()

    def assert_same(self, procs, method, path, body=None, headers=None, ns=None):
        answers = []
        for tool in ("kubectl", "c8sctl"):
            _, addr = procs[tool]
            sent = body.replace("NS", ns[tool]) if body and ns else body
            status, reason, hdrs, data = self.request(
                addr, method, path.replace("NS", ns[tool]) if ns else path, sent, headers)
            answers.append((status, reason, hdrs, self.normalise(data, ns[tool] if ns else None)))
        self.assertEqual(answers[0], answers[1], f"{method} {path}")
        return answers[0]

    def test_reads_and_the_filter_answer_like_kubectl(self):
        procs = self.both_proxies()
        for path in ("/api/v1/namespaces/shared/pods", "/api/v1/namespaces/shared/configmaps/c1",
                     "/api/v1/namespaces/shared/pods/nope", "/apis/apps/v1",
                     "/api/v1/namespaces/shared/pods?labelSelector=tier%3Ddb",
                     "/api/v1/namespaces/shared/pods/p1/exec?command=ls",
                     "/api/v1/namespaces/shared/pods/p1/attach", "/healthz"):
            with self.subTest(path=path):
                self.assert_same(procs, "GET", path)
        status, _, hdrs, data = self.assert_same(procs, "GET",
                                                 "/api/v1/namespaces/shared/pods/p1/exec")
        self.assertEqual((status, data), (403, "Forbidden\n"))
        self.assertEqual(hdrs["content-type"], "text/plain; charset=utf-8")
        status, _, _, data = self.assert_same(procs, "GET", "/api/v1/namespaces",
                                              headers={"Host": "evil.example:8001"})
        self.assertEqual((status, data), (403, "Forbidden\n"))
        status, _, _, _ = self.assert_same(procs, "GET", "/api/v1/namespaces",
                                           headers={"Host": "localhost"})
        self.assertEqual(status, 200)
        self.assert_same(procs, "HEAD", "/api/v1/namespaces/shared/configmaps/c1")

    def test_writes_go_through_with_the_kubeconfig_credentials(self):
        self.twin_namespaces("pxy")
        procs = self.both_proxies()
        ns = {"kubectl": "pxy-k", "c8sctl": "pxy-c"}
        cm = json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"name": "via-proxy"}, "data": {"a": "b"}})
        status, _, _, _ = self.assert_same(procs, "POST", "/api/v1/namespaces/NS/configmaps", cm,
                                           {"Content-Type": "application/json"}, ns=ns)
        self.assertEqual(status, 201)
        self.assert_same(procs, "POST", "/api/v1/namespaces/NS/configmaps", cm,
                         {"Content-Type": "application/json"}, ns=ns)
        self.assert_same(procs, "PATCH", "/api/v1/namespaces/NS/configmaps/via-proxy",
                         '{"data":{"c":"d"}}', {"Content-Type": "application/merge-patch+json"},
                         ns=ns)
        status, _, _, _ = self.assert_same(procs, "DELETE",
                                           "/api/v1/namespaces/NS/configmaps/via-proxy", ns=ns)
        self.assertEqual(status, 200)

    def test_rejected_methods_prefixes_and_static_files_match_kubectl(self):
        www = os.path.join(self.dir, "www")
        os.makedirs(os.path.join(www, "sub"), exist_ok=True)
        with open(os.path.join(www, "page.html"), "w") as f:
            f.write("<p>hello</p>\n")
        with open(os.path.join(www, "sub", "data.json"), "w") as f:
            f.write('{"a": 1}\n')
        procs = self.both_proxies("--reject-methods=POST,PUT", "--api-prefix=/custom",
                                  f"--www={www}", "--www-prefix=/files/")
        for method, path in (("GET", "/custom/api/v1/namespaces/shared/configmaps/c1"),
                             ("GET", "/custom/version"), ("GET", "/api/v1/namespaces"),
                             ("GET", "/custom"), ("GET", "/files"), ("GET", "/files/page.html"),
                             ("GET", "/files/sub/data.json"), ("GET", "/files/sub"),
                             ("GET", "/files/nope"), ("GET", "/files/sub/"),
                             ("POST", "/custom/api/v1/namespaces/shared/configmaps")):
            with self.subTest(method=method, path=path):
                self.assert_same(procs, method, path, body="{}" if method == "POST" else None)
        status, _, _, data = self.assert_same(procs, "POST",
                                              "/custom/api/v1/namespaces/shared/configmaps", "{}")
        self.assertEqual((status, data), (403, "Forbidden\n"))

    def test_upgrades_unreachable_servers_and_a_disabled_filter_match_kubectl(self):
        procs = self.both_proxies("--disable-filter")
        status, _, _, _ = self.assert_same(procs, "GET", "/api/v1/namespaces",
                                           headers={"Host": "evil.example"})
        self.assertEqual(status, 200)
        upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                   "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                   "Sec-WebSocket-Protocol": "portforward.k8s.io"}
        status, _, _, _ = self.assert_same(
            procs, "GET", "/api/v1/namespaces/shared/pods/nope/portforward?ports=80",
            headers=upgrade)
        self.assertEqual(status, 404)
        dead = f"http://127.0.0.1:{harness.free_port()}"
        answers = []
        for tool in ("kubectl", "c8sctl"):
            _, addr = self.start_proxy(tool, "--port=0", "-s", dead)
            answers.append(self.request(addr, "GET", "/api/v1/pods"))
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[1][0], 500)
        self.assertIn("connect: connection refused", answers[1][3])

    def test_a_watch_streams_each_event_as_it_happens_while_other_clients_are_served(self):
        proc, addr = self.start_proxy("c8sctl", "--port=0")
        host, port = addr.rsplit(":", 1)
        listed = json.loads(self.request(addr, "GET", "/api/v1/namespaces/shared/configmaps")[3])
        rv = listed["metadata"]["resourceVersion"]
        conn = http.client.HTTPConnection(host, int(port), timeout=15)
        conn.request("GET", f"/api/v1/namespaces/shared/configmaps?watch=1&resourceVersion={rv}")
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Transfer-Encoding"), "chunked")
        # Other clients while the watch is open: each gets its own answer.
        results = []

        def reader():
            results.append(self.request(addr, "GET", "/api/v1/namespaces/shared/pods/p1")[0])

        threads = [threading.Thread(target=reader) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        self.assertEqual(results, [200] * 8)
        self.run_one("kubectl", "-n", "shared", "create", "configmap", "watched",
                     "--from-literal=x=y")
        try:
            event = json.loads(resp.readline())  # blocks until the event arrives (15 s timeout)
            self.assertEqual((event["type"], event["object"]["metadata"]["name"]),
                             ("ADDED", "watched"))
        finally:
            conn.close()
            self.run_one("kubectl", "-n", "shared", "delete", "configmap", "watched")
        self.assertTrue(proc.is_running())

    def test_unix_socket_usage_errors_and_sigterm_match_kubectl(self):
        codes = {}
        for tool in ("kubectl", "c8sctl"):
            path = os.path.join(self.dir, f"{tool}.sock")
            proc, addr = self.start_proxy(tool, f"--unix-socket={path}")
            self.assertEqual(addr, path)
            status, _, _, data = self.request(None, "GET", "/api/v1/namespaces/shared/pods/p1",
                                              unix=path)
            self.assertEqual((status, json.loads(data)["metadata"]["name"]), (200, "p1"))
            codes[tool] = proc.stop()
        self.assertEqual(codes["kubectl"], codes["c8sctl"])
        for args in (["proxy", "--unix-socket=/tmp/x.sock", "--port=1234"],
                     ["proxy", "--port=x"], ["proxy", "--bogus"]):
            with self.subTest(args=args):
                self.both(*args)


if __name__ == "__main__":
    main()
