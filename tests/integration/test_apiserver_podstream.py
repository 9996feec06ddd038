#!/usr/bin/env python3
"""pods/log, exec, attach and portforward in front of a kubelet that is not there: the real
kubectl 1.32 (`logs`, `exec`, `attach`, `port-forward`) and raw HTTP against c8s-apiserver, for
pods with and without a node, as kube-apiserver 1.32 answers (pod registry's LogLocation,
streamLocation, validateContainer; the dial error of an unreachable kubelet)."""

import json
import os
import socket
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import free_port  # noqa: E402
from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.runner import main  # noqa: E402

BASE = "/api/v1/namespaces/default/pods"


def pod(name, containers, node=None, init=()):
    spec = {"containers": [{"name": c, "image": "busybox"} for c in containers]}
    if init:
        spec["initContainers"] = [{"name": c, "image": "busybox"} for c in init]
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


class PodStreamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reason = missing_for_kubectl_tests()
        if reason:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver().start()
        # A port nothing listens on: the kubelet that does not exist yet.
        cls.dead_port = free_port()
        create = [pod("solo", ["a"]), pod("multi", ["a", "b"], init=["i"]),
                  pod("placed", ["a"], node="n1"), pod("orphan", ["a"], node="gone"),
                  pod("nowhere", ["a"], node="n2"),
                  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}},
                  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2"}}]
        for obj in create:
            cls.api.kubectl("create", "-f", "-", stdin=json.dumps(obj))
        status = {"status": {"addresses": [{"type": "ExternalIP", "address": "192.0.2.1"},
                                           {"type": "InternalIP", "address": "127.0.0.1"}],
                             "daemonEndpoints": {"kubeletEndpoint": {"Port": cls.dead_port}}}}
        cls.api.kubectl("patch", "node", "n1", "--subresource=status", "--type=merge", "-p",
                        json.dumps(status))
        # kubectl port-forward and attach look at the phase first.
        for name in ("placed", "solo"):
            cls.api.kubectl("patch", "pod", name, "--subresource=status", "--type=merge", "-p",
                            json.dumps({"status": {"phase": "Running"}}))

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def kubectl(self, *args):
        done = self.api.kubectl(*args, check=False, timeout=30)
        return done.returncode, done.stdout, done.stderr

    def http(self, path, method="GET"):
        req = urllib.request.Request(self.api.server + path, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode())

    def refused(self):
        return f"dial tcp 127.0.0.1:{self.dead_port}: connect: connection refused"

    # ---- logs ----

    def test_logs_of_a_pod_without_a_node_is_empty(self):
        self.assertEqual(self.kubectl("logs", "solo"), (0, "", ""))
        self.assertEqual(self.http(f"{BASE}/solo/log"), (204, ""))

    def test_logs_default_container_is_announced_and_checked(self):
        rc, out, err = self.kubectl("logs", "multi")
        self.assertEqual((rc, out), (0, ""))
        self.assertEqual(err, 'Defaulted container "a" out of: a, b, i (init)\n')
        self.assertEqual(self.kubectl("logs", "multi", "-c", "i"), (0, "", ""))

    def test_log_container_choice_errors(self):
        code, s = self.http(f"{BASE}/multi/log")
        self.assertEqual((code, s["reason"]), (400, "BadRequest"))
        self.assertEqual(s["message"],
                         "a container name must be specified for pod multi, choose one of: "
                         "[i a b]")
        code, s = self.http(f"{BASE}/multi/log?container=zz")
        self.assertEqual((code, s["message"]), (400, "container zz is not valid for pod multi"))

    def test_log_of_a_missing_pod_is_not_found(self):
        rc, _, err = self.kubectl("logs", "nope")
        self.assertEqual(rc, 1)
        self.assertIn('pods "nope" not found', err)
        code, s = self.http(f"{BASE}/nope/log")
        self.assertEqual((code, s["reason"], s["message"]),
                         (404, "NotFound", 'pods "nope" not found'))

    def test_log_options_are_validated(self):
        code, s = self.http(f"{BASE}/solo/log?tailLines=-1&limitBytes=0")
        self.assertEqual((code, s["reason"], s["details"]["kind"]), (422, "Invalid",
                                                                      "PodLogOptions"))
        self.assertEqual(s["message"],
                         'PodLogOptions "solo" is invalid: [tailLines: Invalid value: -1: must be '
                         'greater than or equal to 0, limitBytes: Invalid value: 0: must be '
                         'greater than 0]')
        code, s = self.http(f"{BASE}/solo/log?sinceSeconds=0")
        self.assertEqual(s["message"], 'PodLogOptions "solo" is invalid: sinceSeconds: Invalid '
                                       'value: 0: must be greater than 0')
        code, s = self.http(f"{BASE}/solo/log?sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z")
        self.assertEqual(code, 422)
        self.assertIn("Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified",
                      s["message"])

    def test_log_query_values_that_do_not_convert_are_bad_requests(self):
        cases = {
            "tailLines=abc": 'strconv.ParseInt: parsing "abc": invalid syntax',
            "limitBytes=99999999999999999999":
                'strconv.ParseInt: parsing "99999999999999999999": value out of range',
            "sinceTime=yesterday": 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": '
                                   'cannot parse "yesterday" as "2006"',
            "sinceTime=2024-13-01T00:00:00Z": 'parsing time "2024-13-01T00:00:00Z": month out '
                                              'of range',
            "sinceTime=2024-01-01T00:00:00": 'parsing time "2024-01-01T00:00:00" as '
                                             '"2006-01-02T15:04:05Z07:00": cannot parse "" as '
                                             '"Z07:00"',
        }
        for query, message in cases.items():
            code, s = self.http(f"{BASE}/solo/log?{query}")
            self.assertEqual((code, s["reason"], s["message"]), (400, "BadRequest", message),
                             query)
        # Valid times and booleans in any spelling Go accepts go through.
        self.assertEqual(self.http(f"{BASE}/solo/log?sinceTime=2024-02-29T10:00:00.5%2B02:00"
                                   "&follow=1&timestamps=False")[0], 204)

    def test_log_of_a_placed_pod_reports_the_unreachable_kubelet(self):
        url = f"https://127.0.0.1:{self.dead_port}/containerLogs/default/placed/a"
        rc, out, err = self.kubectl("logs", "placed")
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(err, f'Error from server: Get "{url}": {self.refused()}\n')
        rc, _, err = self.kubectl("logs", "placed", "--tail=3", "--timestamps", "--since=5s",
                                  "-f", "--limit-bytes=10", "-p")
        self.assertIn(f'Get "{url}?follow=true&limitBytes=10&previous=true&sinceSeconds=5&'
                      f'tailLines=3&timestamps=true": ', err)
        code, s = self.http(f"{BASE}/placed/log")
        self.assertEqual(code, 500)
        self.assertNotIn("reason", s)

    def test_a_missing_node_or_address_is_reported(self):
        code, s = self.http(f"{BASE}/orphan/log")
        self.assertEqual((code, s["message"]), (404, 'nodes "gone" not found'))
        code, s = self.http(f"{BASE}/nowhere/exec?command=ls&stdout=true")
        self.assertEqual((code, s["message"]),
                         (500, "no preferred addresses found; known addresses: []"))

    def test_log_accepts_only_get(self):
        code, s = self.http(f"{BASE}/solo/log", method="POST")
        self.assertEqual((code, s["reason"]), (405, "MethodNotAllowed"))

    # ---- exec, attach, port-forward ----

    def test_exec_attach_portforward_need_a_host(self):
        rc, _, err = self.kubectl("exec", "solo", "--", "ls")
        self.assertEqual((rc, err),
                         (1, "Error from server (BadRequest): pod solo does not have a host "
                             "assigned\n"))
        rc, _, err = self.kubectl("attach", "solo")
        self.assertEqual(rc, 1)
        self.assertTrue(err.endswith("Error from server (BadRequest): pod solo does not have a "
                                     "host assigned\n"), err)
        for sub in ("exec?command=ls&stdout=true", "attach?stdout=true", "portforward?ports=80"):
            for method in ("GET", "POST"):
                code, s = self.http(f"{BASE}/solo/{sub}", method=method)
                self.assertEqual((code, s["reason"], s["message"]),
                                 (400, "BadRequest", "pod solo does not have a host assigned"))

    def test_exec_container_errors_come_before_the_host(self):
        rc, _, err = self.kubectl("exec", "solo", "-c", "zz", "--", "ls")
        self.assertEqual(rc, 1)
        code, s = self.http(f"{BASE}/multi/exec?command=ls&stdout=true")
        self.assertEqual(s["message"], "a container name must be specified for pod multi, "
                                       "choose one of: [i a b]")
        code, s = self.http(f"{BASE}/multi/attach?container=x&stdout=true")
        self.assertEqual(s["message"], "container x is not valid for pod multi")
        code, s = self.http(f"{BASE}/nope/exec?command=ls")
        self.assertEqual((code, s["message"]), (404, 'pods "nope" not found'))

    def test_exec_attach_portforward_report_the_unreachable_kubelet(self):
        want = f"error dialing backend: {self.refused()}"
        rc, _, err = self.kubectl("exec", "placed", "--", "ls")
        self.assertEqual((rc, err), (1, f"Error from server: {want}\n"))
        rc, _, err = self.kubectl("attach", "placed")
        self.assertTrue(err.endswith(f"Error from server: {want}\n"), err)
        rc, _, err = self.kubectl("port-forward", "placed", f"{free_port()}:80")
        self.assertEqual((rc, err), (1, f"error: error upgrading connection: {want}\n"))
        code, s = self.http(f"{BASE}/placed/portforward?ports=80", method="POST")
        self.assertEqual((code, s["message"]), (500, want))

    def test_portforward_ports_must_convert(self):
        code, s = self.http(f"{BASE}/solo/portforward?ports=80,x")
        self.assertEqual((code, s["message"]),
                         (400, 'cannot convert to []int32: strconv.ParseUint: parsing "x": '
                               'invalid syntax'))

    def test_a_websocket_get_of_exec_reaches_the_handler(self):
        # kubectl 1.32 opens exec with a WebSocket GET (authorized as verb get); the answer is
        # the registry's, not a 405.
        host, port = self.api.server[len("http://"):].split(":")
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall((f"GET {BASE}/solo/exec?command=ls&stdout=true HTTP/1.1\r\nHost: x\r\n"
                       "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n").encode())
            head = s.recv(65536).decode(errors="replace")
        self.assertTrue(head.startswith("HTTP/1.1 400"), head)
        self.assertIn("does not have a host assigned", head)


if __name__ == "__main__":
    main()
