"""Pieces for protocol test doubles that stand in for a kubelet behind an apiserver until the
real one exists: WebSocket frames as a server writes and reads them (RFC 6455), and a threaded
loopback HTTP server for a socketserver handler class.

    server, url = serve(FakeApiserver)
    ...
    stop(server)
"""

import base64
import hashlib
import json
import socketserver
import struct
import threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def ws_accept(key):
    """The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key."""
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def ws_frame(payload, op=2):
    """One unmasked server frame (binary by default) in the shortest length form."""
    n = len(payload)
    head = bytes([0x80 | op])
    if n < 126:
        head += bytes([n])
    elif n < 65536:
        head += bytes([126]) + struct.pack(">H", n)
    else:
        head += bytes([127]) + struct.pack(">Q", n)
    return head + payload


def read_frame(f):
    """Reads one frame from file f; returns (opcode, unmasked payload)."""
    b0, b1 = f.read(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", f.read(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", f.read(8))[0]
    key = f.read(4) if b1 & 0x80 else b"\0\0\0\0"
    data = bytes(b ^ key[i % 4] for i, b in enumerate(f.read(n)))
    return b0 & 0x0F, data


class FakeHandler(socketserver.StreamRequestHandler):
    """A keep-alive HTTP/1.1 handler: read_request() one request head at a time, answer() JSON."""

    def read_request(self):
        """(method, target, headers with lower-case names, the first of repeated ones), or None
        when the client closed the connection."""
        line = self.rfile.readline().decode()
        if not line:
            return None
        method, target, _ = line.split(" ", 2)
        headers = {}
        while True:
            h = self.rfile.readline().decode().strip()
            if not h:
                break
            k, v = h.split(":", 1)
            headers.setdefault(k.strip().lower(), v.strip())
        return method, target, headers

    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.wfile.write(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % (code, len(data)) + data)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(handler_cls):
    """Serves handler_cls on a free 127.0.0.1 port in a daemon thread; returns (server, url)."""
    server = _Server(("127.0.0.1", 0), handler_cls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d" % server.server_address[1]


def stop(server):
    """Stops serve()'s server and closes its socket."""
    server.shutdown()
    server.server_close()
