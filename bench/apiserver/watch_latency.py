#!/usr/bin/env python3
"""Event delivery latency from c8s-apiserver (or any Kubernetes apiserver) to many watchers.

Opens WATCHERS plain-HTTP watch streams on the pods of a namespace, then creates EVENTS pods one
after another and notes, for every watcher, when each pod's ADDED event arrives. The latency of
a delivery is from just before the create was sent to the event's arrival (so it includes the
create itself; the create's own p50 is printed too). Prints one line:

    BENCH watchers=W events=E delivered=D p50_ms=... p99_ms=... max_ms=... create_p50_ms=...

Usage: watch_latency.py URL NAMESPACE [WATCHERS] [EVENTS] [TIMEOUT_S]   (Python standard library)
"""

import json
import selectors
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


class Watcher:
    """One watch stream read incrementally: HTTP/1.1 headers, then chunked JSON lines."""

    def __init__(self, host, port, path):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                          "Accept: application/json\r\n\r\n".encode())
        self.sock.setblocking(False)
        self.buf = b""
        self.headers_done = False
        self.body = b""
        self.status = None
        self.closed = False

    def feed(self, data, on_line):
        self.buf += data
        if not self.headers_done:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            self.status = int(self.buf.split(b" ", 2)[1])
            self.buf = self.buf[end + 4:]
            self.headers_done = True
        # De-chunk what is complete.
        while True:
            eol = self.buf.find(b"\r\n")
            if eol < 0:
                return
            size = int(self.buf[:eol].split(b";")[0], 16)
            if len(self.buf) < eol + 2 + size + 2:
                return
            self.body += self.buf[eol + 2:eol + 2 + size]
            self.buf = self.buf[eol + 2 + size + 2:]
            if size == 0:
                self.closed = True
                return
            while b"\n" in self.body:
                line, self.body = self.body.split(b"\n", 1)
                if line.strip():
                    on_line(json.loads(line))


def main():
    url, ns = sys.argv[1], sys.argv[2]
    watchers = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    events = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 60.0
    parsed = urllib.parse.urlparse(url)
    host, port = parsed.hostname, parsed.port or 80
    pods = f"/api/v1/namespaces/{ns}/pods"
    with urllib.request.urlopen(url + pods + "?limit=1", timeout=10) as r:
        rv = json.load(r)["metadata"]["resourceVersion"]

    sel = selectors.DefaultSelector()
    streams = []
    for _ in range(watchers):
        w = Watcher(host, port, f"{pods}?watch=1&resourceVersion={rv}")
        sel.register(w.sock, selectors.EVENT_READ, w)
        streams.append(w)

    sent = {}
    arrivals = []
    create_times = []

    def on_line(event):
        if event.get("type") != "ADDED":
            return
        name = event["object"]["metadata"]["name"]
        if name in sent:
            arrivals.append(time.monotonic() - sent[name])

    def create_all():
        for i in range(events):
            name = f"watch-latency-{i}"
            body = json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                               "spec": {"containers": [{"name": "c", "image": "bench:1"}]}})
            req = urllib.request.Request(url + pods, data=body.encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
            sent[name] = time.monotonic()
            with urllib.request.urlopen(req, timeout=10):
                pass
            create_times.append(time.monotonic() - sent[name])
            time.sleep(0.05)  # pacing between creates, not synchronisation

    # All streams answered 200 before the first create.
    deadline = time.monotonic() + timeout
    while any(not w.headers_done for w in streams) and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            data = key.data.sock.recv(65536)
            if data:
                key.data.feed(data, on_line)
    bad = [w.status for w in streams if w.status != 200]
    if bad:
        print(f"watch_latency: {len(bad)} watches failed to start (status {bad[0]})",
              file=sys.stderr)
        return 1

    writer = threading.Thread(target=create_all)
    writer.start()
    expected = watchers * events
    while len(arrivals) < expected and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            try:
                data = key.data.sock.recv(262144)
            except BlockingIOError:
                continue
            if not data:
                sel.unregister(key.data.sock)
                continue
            key.data.feed(data, on_line)
    writer.join()
    for w in streams:
        w.sock.close()
    ms = [a * 1000 for a in arrivals]
    print(f"BENCH watchers={watchers} events={events} delivered={len(arrivals)} "
          f"p50_ms={percentile(ms, 50):.2f} p99_ms={percentile(ms, 99):.2f} "
          f"max_ms={max(ms) if ms else float('nan'):.2f} "
          f"create_p50_ms={percentile([c * 1000 for c in create_times], 50):.2f}")
    return 0 if len(arrivals) == expected else 1


if __name__ == "__main__":
    sys.exit(main())
