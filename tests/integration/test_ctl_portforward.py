#!/usr/bin/env python3
"""c8sctl port-forward's data path against the real kubectl 1.32.

There is no kubelet yet, so the SPDY/3.1 side is a PROTOCOL TEST DOUBLE written here: a fake
apiserver that accepts the port-forward upgrade (the WebSocket with SPDY/3.1+portforward.k8s.io,
or, for pods named "spdy-*", only kubectl's SPDY/3.1 fallback POST) and plays the kubelet's side
of portforward.k8s.io: it replies to the error and data streams of each request id, uppercases
what the data stream carries for port 80, and reports an error on the error stream for port 81.
Both tools run against it; their output (local ports normalised), exit codes and the stream
headers the double received must match. The requests and errors against c8s-apiserver are in
test_ctl_exec.py."""

import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time
import unittest
import zlib
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.fakeapi import FakeHandler, serve, stop, ws_accept, ws_frame  # noqa: E402
from c8stest.runner import main  # noqa: E402

# SPDY/3's zlib dictionary: length-prefixed words, then a tail (draft section 2.6.10.1).
WORDS = ("options head post put delete trace accept accept-charset accept-encoding "
         "accept-language accept-ranges age allow authorization cache-control connection "
         "content-base content-encoding content-language content-length content-location "
         "content-md5 content-range content-type date etag expect expires from host if-match "
         "if-modified-since if-none-match if-range if-unmodified-since last-modified location "
         "max-forwards pragma proxy-authenticate proxy-authorization range referer retry-after "
         "server te trailer transfer-encoding upgrade user-agent vary via warning "
         "www-authenticate method get status").split() + ["200 OK"] + \
    "version HTTP/1.1 url public set-cookie keep-alive origin".split()
TAIL = (b"100101201202205206300302303304305306307402405406407408409410411412413414415416417"
        b"502504505203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad "
        b"Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not "
        b"Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec "
        b"00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,"
        b"image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,public"
        b"privatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.")
DICT = b"".join(struct.pack(">I", len(w)) + w.encode() for w in WORDS) + TAIL
assert len(DICT) == 1423 and zlib.adler32(DICT) == 0xE3C6A7C2

POD = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "namespace": "default"},
       "spec": {"containers": [{"name": "c", "image": "x",
                                "ports": [{"name": "web", "containerPort": 80}]}]},
       "status": {"phase": "Running"}}


class Transport:
    """The SPDY byte stream: inside WebSocket binary messages, or raw."""

    def __init__(self, handler, tunnel):
        self.rfile, self.wfile, self.tunnel = handler.rfile, handler.wfile, tunnel
        self.buf = b""

    def read(self, n):
        while len(self.buf) < n:
            if not self.tunnel:
                more = self.rfile.read1(65536)
                if not more:
                    raise EOFError
                self.buf += more
                continue
            head = self.rfile.read(2)
            if len(head) < 2:
                raise EOFError
            size = head[1] & 0x7F
            if size == 126:
                size = struct.unpack(">H", self.rfile.read(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self.rfile.read(8))[0]
            key = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
            data = bytes(b ^ key[i % 4] for i, b in enumerate(self.rfile.read(size)))
            op = head[0] & 0x0F
            if op == 8:
                raise EOFError
            if op in (0, 2):
                self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def write(self, data):
        self.wfile.write(ws_frame(data) if self.tunnel else data)
        self.wfile.flush()


class SpdyDouble:
    """The kubelet's side of portforward.k8s.io, enough for the tests (protocol test double)."""

    def __init__(self, transport, log):
        self.t, self.log = transport, log
        self.inflate = zlib.decompressobj(zdict=DICT)
        self.deflate = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, DICT)
        self.requests = {}  # requestid -> {"error": id, "data": id, "port": n}

    def control(self, kind, flags, payload):
        self.t.write(struct.pack(">HHI", 0x8003, kind, flags << 24 | len(payload)) + payload)

    def data(self, stream, payload, fin=False):
        self.t.write(struct.pack(">II", stream, (1 if fin else 0) << 24 | len(payload)) + payload)

    def headers(self, block):
        raw = self.inflate.decompress(block)
        count, at, out = struct.unpack(">I", raw[:4])[0], 4, []
        for _ in range(count):
            n = struct.unpack(">I", raw[at:at + 4])[0]
            name = raw[at + 4:at + 4 + n].decode()
            at += 4 + n
            n = struct.unpack(">I", raw[at:at + 4])[0]
            out.append((name, raw[at + 4:at + 4 + n].decode()))
            at += 4 + n
        return out

    def reply(self, stream):
        block = self.deflate.compress(struct.pack(">I", 0)) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self.control(2, 0, struct.pack(">I", stream) + block)

    def serve(self):
        try:
            while True:
                head = self.t.read(8)
                first, word = struct.unpack(">II", head)
                flags, length = word >> 24, word & 0xFFFFFF
                payload = self.t.read(length)
                if first & 0x80000000:
                    self.on_control(first & 0xFFFF, flags, payload)
                else:
                    self.on_data(first & 0x7FFFFFFF, flags, payload)
        except (EOFError, OSError, ValueError):
            return

    def on_control(self, kind, flags, payload):
        if kind == 1:  # SYN_STREAM
            stream = struct.unpack(">I", payload[:4])[0]
            h = dict(self.headers(payload[10:]))
            self.log.append(("SYN_STREAM", stream, sorted(h.items())))
            req = self.requests.setdefault(h["requestid"], {"port": int(h["port"])})
            req[h["streamtype"]] = stream
            self.reply(stream)
            if h["streamtype"] == "data" and req["port"] == 81:
                self.data(req["error"], b"error forwarding port 81 to pod p, uid : refused",
                          fin=True)
                self.data(stream, b"", fin=True)
        elif kind == 3:  # RST_STREAM
            self.log.append(("RST_STREAM",) + struct.unpack(">II", payload))
        elif kind == 6 and struct.unpack(">I", payload)[0] % 2 == 1:
            self.control(6, 0, payload)  # answer the client's PING
        elif kind == 7:
            self.log.append(("GOAWAY",))

    def on_data(self, stream, flags, payload):
        for req in self.requests.values():
            if req.get("data") == stream and req["port"] == 80:
                if payload:
                    self.data(stream, payload.upper())
                if flags & 1:
                    self.log.append(("FIN", stream))
                    self.data(stream, b"", fin=True)
                    self.data(req["error"], b"", fin=True)


class FakeApiserver(FakeHandler):
    log = []  # what the double saw in the session of the tool running now

    def handle(self):
        while (request := self.read_request()) is not None:
            method, target, headers = request
            path = urlsplit(target).path
            name = path.split("/")[6] if path.startswith("/api/v1/namespaces/default/pods/") else ""
            log = FakeApiserver.log
            if path.endswith("/portforward"):
                return self.portforward(method, name, headers, log)
            if name:
                self.answer(200, dict(POD, metadata={"name": name, "namespace": "default"}))
            elif path == "/api":
                self.answer(200, {"kind": "APIVersions", "versions": ["v1"]})
            elif path == "/apis":
                self.answer(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []})
            elif path == "/api/v1":
                self.answer(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                    {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
                     "verbs": ["get", "list"], "shortNames": ["po"]}]})
            else:
                self.answer(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                  "reason": "NotFound", "code": 404, "message": "not found"})

    def portforward(self, method, name, headers, log):
        if headers.get("upgrade", "").lower() == "websocket" and not name.startswith("spdy-"):
            if headers.get("sec-websocket-protocol") != "SPDY/3.1+portforward.k8s.io":
                return self.answer(400, {"kind": "Status", "message": "bad protocol"})
            accept = ws_accept(headers["sec-websocket-key"])
            self.wfile.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n"
                              "Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\n\r\n"
                              % accept).encode())
            tunnel = True
        elif method == "POST" and headers.get("upgrade", "").lower() == "spdy/3.1":
            self.wfile.write(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                             b"Upgrade: SPDY/3.1\r\n"
                             b"X-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n")
            tunnel = False
        else:
            self.answer(400, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                              "message": "upgrade request required", "reason": "BadRequest",
                              "code": 400})
            return
        self.wfile.flush()
        log.append(("UPGRADE", "websocket" if tunnel else "spdy"))
        SpdyDouble(Transport(self, tunnel), log).serve()


FORWARDING = re.compile(r"Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)")


class PortForwardAgainstKubectl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if harness.binary("c8sctl") is None or harness.shutil.which("kubectl") is None:
            raise unittest.SkipTest("c8sctl or kubectl missing")
        cls.server, cls.url = serve(FakeApiserver)
        cls.dir = harness.make_temp_dir("c8stest-portforward-")

    @classmethod
    def tearDownClass(cls):
        stop(cls.server)
        harness.remove_temp_dir(cls.dir)

    def start(self, tool, *args):
        exe = "kubectl" if tool == "kubectl" else harness.binary("c8sctl")
        env = dict(os.environ, HOME=self.dir, KUBECONFIG=os.path.join(self.dir, "none"))
        FakeApiserver.log = []
        proc = subprocess.Popen([exe, "-s", self.url, "--request-timeout=5s", "port-forward",
                                 *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def wait_line(self, proc, pattern, timeout=10):
        deadline, seen = time.monotonic() + timeout, b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.2)
            if ready:
                seen += os.read(proc.stdout.fileno(), 4096)
                m = pattern.search(seen.decode())
                if m:
                    return m, seen
            elif proc.poll() is not None:
                break
        self.fail("no %r in %r" % (pattern.pattern, seen))

    def exchange(self, port, payload):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                more = s.recv(65536)
                if not more:
                    return got
                got += more

    def finish(self, proc, seen, interrupt):
        if interrupt:
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        out = (seen + out).decode()
        out = re.sub(r"127\.0\.0\.1:\d+|\[::1\]:\d+|connection for \d+",
                     lambda m: re.sub(r"\d+$", "<port>", m.group(0)), out)
        err = re.sub(r"^E\d{4} [\d:.]+ +\d+ ", "E<time> <pid> ", err.decode(), flags=re.M)
        err = re.sub(r"forwarding \d+ ->", "forwarding <port> ->", err)
        return proc.returncode, out, err.replace("c8sctl", "kubectl")

    def session(self, tool, pod, remote, payloads):
        proc = self.start(tool, pod, ":%s" % remote)
        m, seen = self.wait_line(proc, FORWARDING)
        port = int(m.group(1))
        # each exchange ends when the tool closes the local connection, after the error stream
        answers = [self.exchange(port, p) for p in payloads]
        rc, out, err = self.finish(proc, seen, interrupt=remote == "80")
        return answers, rc, out, err, FakeApiserver.log

    def both(self, pod, remote, payloads):
        results = [self.session(tool, pod, remote, payloads) for tool in ("kubectl", "c8sctl")]
        self.assertEqual(results[0][:4], results[1][:4])
        self.assertEqual(results[0][4], results[1][4], "the stream frames the double saw")
        return results[0]

    def test_data_is_forwarded_over_the_websocket_tunnel(self):
        big = bytes(range(256)) * 1024  # 256 KiB: several windows and frames
        answers, rc, out, err, log = self.both("p", "80", [b"hello\n", big])
        self.assertEqual(answers, [b"HELLO\n", big.upper()])
        self.assertEqual(rc, 0)
        self.assertEqual(out, "Forwarding from 127.0.0.1:<port> -> 80\n"
                              "Forwarding from [::1]:<port> -> 80\n"
                              "Handling connection for <port>\nHandling connection for <port>\n")
        self.assertEqual(log[0], ("UPGRADE", "websocket"))
        self.assertEqual(log[1], ("SYN_STREAM", 1, [("port", "80"), ("requestid", "0"),
                                                    ("streamtype", "error")]))

    def test_the_spdy_fallback_carries_the_same_session(self):
        answers, rc, _, _, log = self.both("spdy-p", "80", [b"abc"])
        self.assertEqual((answers, rc), ([b"ABC"], 0))
        self.assertEqual(log[0], ("UPGRADE", "spdy"))

    def test_an_error_on_the_error_stream_ends_the_session(self):
        answers, rc, out, err, _ = self.both("p", "81", [b"x"])
        self.assertEqual((answers, rc), ([b""], 1))
        self.assertEqual(err, 'E<time> <pid> portforward.go:424] "Unhandled Error" err="an error '
                              'occurred forwarding <port> -> 81: error forwarding port 81 to pod '
                              'p, uid : refused"\nerror: lost connection to pod\n')


if __name__ == "__main__":
    main()
