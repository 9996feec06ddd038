"""A tiny client for etcd 3.4's v3 JSON gateway (and c8s-store, which speaks the same API).

Unary calls are POSTs of one JSON object answered by one JSON object; int64s travel as strings and
bytes as standard base64. Streams (/v3/watch, /v3/lease/keepalive) answer with a chunked body of
{"result":...} objects, one per line; a mid-stream error is {"error":{...}} without a newline.
"""

import base64
import http.client
import json
import select
import socket
import time


def b64(data):
    """Standard base64 (with padding) of bytes or a str (UTF-8), as a str."""
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode("ascii")


def unb64(text):
    """Decodes standard base64 to bytes ("" and None give b"")."""
    return base64.b64decode(text or "")


def prefix_end(prefix):
    """The range_end that selects every key starting with prefix (etcd's GetPrefixRangeEnd)."""
    if isinstance(prefix, str):
        prefix = prefix.encode()
    end = bytearray(prefix)
    for i in range(len(end) - 1, -1, -1):
        if end[i] < 0xFF:
            end[i] += 1
            return bytes(end[: i + 1])
    return b"\0"


class Reply:
    """One HTTP answer: status, headers (lower-case names), raw body, and JSON body (or None)."""

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    @property
    def text(self):
        return self.raw.decode("utf-8", "replace")

    def __repr__(self):
        return f"Reply({self.status}, {self.text[:300]!r})"


class Client:
    """Unary calls to one member's client URL (http://127.0.0.1:PORT)."""

    def __init__(self, url, timeout=5.0):
        assert url.startswith("http://"), url
        hostport = url[len("http://"):].rstrip("/")
        self.host, port = hostport.rsplit(":", 1)
        self.port = int(port)
        self.url = url
        self.timeout = timeout

    def request(self, method, path, body=None, headers=None, timeout=None):
        """Sends one request (body: dict/list sent as JSON, str or bytes); returns a Reply."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            raw = resp.read()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw)
        finally:
            conn.close()

    def post(self, path, body=None, **kw):
        """POSTs body (default {}) and returns the Reply."""
        return self.request("POST", path, {} if body is None else body, **kw)

    def call(self, path, body=None, **kw):
        """POSTs body and returns the parsed JSON answer; raises ApiError on a non-200 status."""
        reply = self.post(path, body, **kw)
        if reply.status != 200 or reply.json is None:
            raise ApiError(path, reply)
        return reply.json

    # Shorthands used by tests that need state rather than exact answers.
    def put(self, key, value, **opts):
        return self.call("/v3/kv/put", dict(key=b64(key), value=b64(value), **opts))

    def get(self, key, **opts):
        """The kvs of a key or range read (opts as in RangeRequest; range_end may be bytes)."""
        for name in ("range_end",):
            if name in opts and not isinstance(opts[name], str):
                opts[name] = b64(opts[name])
        return self.call("/v3/kv/range", dict(key=b64(key), **opts)).get("kvs", [])

    def revision(self):
        """The store's current revision (header.revision of a range on a missing key)."""
        return int(self.call("/v3/kv/range", {"key": b64("\0c8stest-revision-probe")})
                   ["header"]["revision"])

    def status(self):
        return self.call("/v3/maintenance/status", {})

    def is_healthy(self):
        """True when GET /health answers {"health":"true"}."""
        try:
            reply = self.request("GET", "/health", timeout=2.0)
        except OSError:
            return False
        return reply.status == 200 and reply.json is not None and reply.json.get("health") == "true"

    def stream(self, path, messages, timeout=None):
        """Opens a streaming call whose request body is messages (one JSON object a line)."""
        return JsonStream(self.host, self.port, path, messages, timeout or self.timeout)

    def watch(self, create_request, extra=()):
        """Opens /v3/watch with one create_request (plus extra request objects after it)."""
        return self.stream("/v3/watch", [{"create_request": create_request}, *extra])


class ApiError(AssertionError):
    """A unary call answered something other than 200 with JSON."""

    def __init__(self, path, reply):
        super().__init__(f"{path}: HTTP {reply.status}: {reply.text[:500]}")
        self.reply = reply


class StreamClosed(EOFError):
    """The server ended a stream (the parsed objects received so far are in .received)."""


class JsonStream:
    """A streaming POST read as a sequence of JSON objects.

    etcd 3.4's gateway is half-duplex over HTTP/1.1 (no answer before the request body ends), so the
    whole request body is sent up front with a Content-Length. Answers are read from a raw socket
    with our own chunked decoder, so a read timeout never loses buffered data.
    """

    def __init__(self, host, port, path, messages, timeout):
        body = b"".join(json.dumps(m).encode() + b"\n" for m in messages)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        self.sock.sendall(head.encode() + body)
        self.sock.setblocking(False)
        self._raw = b""  # bytes received and not yet decoded (HTTP framing)
        self._data = b""  # decoded body bytes not yet parsed as JSON
        self._eof = False
        self._body_done = False
        self.status = None
        self.headers = {}
        self._chunked = False
        self._remaining = None  # bytes left in the current chunk, or in a Content-Length body
        self._read_head(time.monotonic() + timeout)

    # --- transport -------------------------------------------------------------------------
    def _recv(self, deadline):
        """Receives more bytes into _raw; returns False on timeout (nothing lost)."""
        if self._eof:
            return False
        wait = deadline - time.monotonic()
        if wait <= 0:
            return False
        readable, _, _ = select.select([self.sock], [], [], wait)
        if not readable:
            return False
        try:
            chunk = self.sock.recv(65536)
        except BlockingIOError:
            return True
        except OSError:
            chunk = b""
        if not chunk:
            self._eof = True
            return False
        self._raw += chunk
        return True

    def _read_head(self, deadline):
        while b"\r\n\r\n" not in self._raw:
            if not self._recv(deadline):
                raise TimeoutError(f"no HTTP response head (have {self._raw[:200]!r})")
        head, self._raw = self._raw.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self._chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        if not self._chunked and "content-length" in self.headers:
            self._remaining = int(self.headers["content-length"])

    def _decode(self):
        """Moves complete body bytes from _raw to _data."""
        while not self._body_done:
            if not self._chunked:
                if self._remaining is None:
                    self._data += self._raw
                    self._raw = b""
                    return
                take = self._raw[: self._remaining]
                self._data += take
                self._raw = self._raw[len(take):]
                self._remaining -= len(take)
                if self._remaining == 0:
                    self._body_done = True
                return
            if self._remaining is None or self._remaining == 0:
                if self._remaining == 0:  # CRLF after a chunk's data
                    if len(self._raw) < 2:
                        return
                    self._raw = self._raw[2:]
                    self._remaining = None
                if b"\r\n" not in self._raw:
                    return
                size_line, self._raw = self._raw.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    self._body_done = True
                    return
                self._remaining = size
            take = self._raw[: self._remaining]
            self._data += take
            self._raw = self._raw[len(take):]
            self._remaining -= len(take)
            if self._remaining > 0:
                return

    def _parse_one(self):
        """Returns the next complete JSON object in _data, or None."""
        text = self._data.lstrip()
        if not text:
            self._data = b""
            return None
        try:
            obj, end = json.JSONDecoder().raw_decode(text.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
        consumed = len(text.decode("utf-8")[:end].encode("utf-8"))
        self._data = text[consumed:]
        return obj

    # --- public ----------------------------------------------------------------------------
    def next(self, timeout=5.0):
        """Returns the next object; raises TimeoutError after timeout s, StreamClosed at the end."""
        deadline = time.monotonic() + timeout
        while True:
            self._decode()
            obj = self._parse_one()
            if obj is not None:
                return obj
            if self._body_done or self._eof:
                raise StreamClosed(f"stream ended (unparsed tail {self._data[:200]!r})")
            if not self._recv(deadline) and not self._eof:
                raise TimeoutError(f"no stream message within {timeout:.1f}s")

    def next_result(self, timeout=5.0):
        """The "result" of the next object; an {"error":...} object raises AssertionError."""
        obj = self.next(timeout)
        if "result" not in obj:
            raise AssertionError(f"stream error object: {obj}")
        return obj["result"]

    def results_until(self, predicate, timeout=5.0):
        """Reads results until predicate(all results so far) is true; returns the list."""
        deadline = time.monotonic() + timeout
        got = []
        while not predicate(got):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"stream condition not met within {timeout:.1f}s; got {got}")
            got.append(self.next_result(left))
        return got

    def drain(self, quiet=0.3):
        """Reads results until none arrives for quiet seconds or the stream ends; returns them."""
        got = []
        while True:
            try:
                got.append(self.next_result(quiet))
            except (TimeoutError, StreamClosed):
                return got

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def watch_events(results):
    """Flattens watch results into (revision, type, key, value, prev_value) tuples in order.

    Message boundaries may differ between servers; the flattened, ordered event list may not.
    value/prev_value are bytes or None; type is "PUT" or "DELETE".
    """
    events = []
    for result in results:
        for ev in result.get("events", []):
            kv = ev.get("kv", {})
            prev = ev.get("prev_kv")
            events.append((int(kv.get("mod_revision", 0)), ev.get("type", "PUT"),
                           unb64(kv.get("key")),
                           unb64(kv["value"]) if "value" in kv else None,
                           unb64(prev.get("value")) if prev is not None else None))
    return events
