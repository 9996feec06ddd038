#!/usr/bin/env python3
"""c8s-store's client TLS: with --client-cert-auth only clients holding a certificate signed by
--trusted-ca-file are served (as the apiserver is, with --etcd-certfile); others are refused.
Members forward to the leader over the same TLS. Off loopback, plain HTTP is refused at start.
"""

import http.client
import json
import os
import ssl
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import (Process, b64, c8s_store_binary, free_port, make_temp_dir,  # noqa: E402
                     remove_temp_dir, wait_for)
from c8stest.pki import make_ca, make_cert  # noqa: E402
from c8stest.runner import main  # noqa: E402


class StoreTlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if c8s_store_binary() is None:
            raise unittest.SkipTest("$C8S_BIN_DIR/c8s-store is not built")
        cls.dir = make_temp_dir("c8stest-tls-")
        make_ca(cls.dir, "ca")
        make_ca(cls.dir, "other-ca")
        make_cert(cls.dir, "ca", "member", "/CN=etcd-member", server=True)
        make_cert(cls.dir, "ca", "apiserver", "/CN=kube-apiserver-etcd-client")
        make_cert(cls.dir, "other-ca", "intruder", "/CN=kube-apiserver-etcd-client")

    @classmethod
    def tearDownClass(cls):
        remove_temp_dir(cls.dir)

    def setUp(self):
        self.processes = []

    def tearDown(self):
        for p in self.processes:
            p.stop()

    def current_logs(self):
        return "\n".join(f"--- {p.name}\n{p.log_text(30)}" for p in self.processes)

    def path(self, name):
        return os.path.join(self.dir, name)

    def start_members(self, count):
        ports = [(free_port(), free_port()) for _ in range(count)]
        cluster = ",".join(f"t{i}=http://127.0.0.1:{peer}" for i, (_, peer) in enumerate(ports))
        urls = []
        for i, (client, peer) in enumerate(ports):
            url = f"https://127.0.0.1:{client}"
            argv = [c8s_store_binary(), "--name", f"t{i}",
                    "--data-dir", self.path(f"t{i}-{client}.data"),
                    "--listen-client-urls", url, "--advertise-client-urls", url,
                    "--listen-peer-urls", f"http://127.0.0.1:{peer}",
                    "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
                    "--initial-cluster", cluster,
                    "--cert-file", self.path("member.crt"), "--key-file", self.path("member.key"),
                    "--client-cert-auth", "--trusted-ca-file", self.path("ca.crt")]
            p = Process(f"t{i}", argv, self.path(f"t{i}-{client}.log")).start()
            self.processes.append(p)
            urls.append((client, url))
        for client, _ in urls:
            wait_for(lambda c=client: self.health(c, "apiserver") == 200, 30.0,
                     what="member healthy over TLS")
        return [client for client, _ in urls]

    def context(self, cert=None):
        ctx = ssl.create_default_context(cafile=self.path("ca.crt"))
        if cert:
            ctx.load_cert_chain(self.path(f"{cert}.crt"), self.path(f"{cert}.key"))
        return ctx

    def request(self, port, cert, path, body=None, method="POST"):
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=self.context(cert),
                                           timeout=10)
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def health(self, port, cert):
        try:
            return self.request(port, cert, "/health", method="GET")[0]
        except (OSError, ssl.SSLError):
            return None

    def test_only_clients_with_a_certificate_from_the_trusted_ca_are_served(self):
        (port,) = self.start_members(1)
        status, body = self.request(port, "apiserver", "/v3/kv/put",
                                    {"key": b64("k"), "value": b64("v")})
        self.assertEqual(status, 200, body)
        for cert in (None, "intruder"):
            try:
                status, body = self.request(port, cert, "/v3/kv/range", {"key": b64("k")})
            except (ssl.SSLError, OSError):
                continue  # refused during the handshake: fine too
            self.assertEqual(status, 401, f"{cert}: {body!r}")
            self.assertNotIn(b"kvs", body)
        # Plain HTTP to the TLS port gets no data either.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("POST", "/v3/kv/range", body=json.dumps({"key": b64("k")}))
            self.assertNotEqual(conn.getresponse().status, 200)
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()

    def test_followers_forward_to_the_leader_over_tls(self):
        ports = self.start_members(3)
        for i, port in enumerate(ports):
            status, body = self.request(port, "apiserver", "/v3/kv/put",
                                        {"key": b64(f"f/{i}"), "value": b64("v")})
            self.assertEqual(status, 200, body)
        status, body = self.request(ports[0], "apiserver", "/v3/kv/range",
                                    {"key": b64("f/"), "range_end": b64("f0")})
        self.assertEqual(json.loads(body)["count"], "3")

    def test_plain_http_off_loopback_is_refused_at_start(self):
        port = free_port()
        done = subprocess.run([c8s_store_binary(), "--data-dir", self.path(f"x{port}"),
                               "--listen-client-urls", f"http://0.0.0.0:{port}"],
                              capture_output=True, text=True, timeout=30)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("--client-cert-auth", done.stderr)


if __name__ == "__main__":
    main()
