"""A unittest base for tests that talk to one LocalApiserver over HTTP and with kubectl.

    class MyTest(ApiserverCase):
        def test_x(self):
            code, obj = self.http("GET", "/api/v1/namespaces")
"""

import json
import unittest
import urllib.error
import urllib.request

from .apiserver import LocalApiserver, missing_for_kubectl_tests


class ApiserverCase(unittest.TestCase):
    """Starts one apiserver (over its own store) for the class; skips without the binaries."""

    apiserver_args = ()

    @classmethod
    def setUpClass(cls):
        reason = missing_for_kubectl_tests()
        if reason:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver(extra_args=cls.apiserver_args).start()

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def current_logs(self):
        return self.api.process.log_text(40)

    def kubectl(self, *args, **kw):
        return self.api.kubectl(*args, **kw)

    def json_of(self, *args):
        """kubectl's -o json of args, parsed."""
        return json.loads(self.kubectl(*args, "-o", "json").stdout)

    def refused(self, manifest, *args):
        """kubectl create -f - of manifest (or the given command), expected to fail with exit
        status 1: its stderr, stripped."""
        done = self.kubectl(*(args or ("create", "-f", "-")), check=False, stdin=manifest)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        return done.stderr.strip()

    def rows(self, *args):
        """kubectl get's table as a list of whitespace-split lines (header first)."""
        return [line.split() for line in self.kubectl("get", *args).stdout.splitlines()]

    def http(self, method, path, body=None, content_type="application/json"):
        """Sends body (bytes as they are, anything else as JSON); returns (status, JSON answer)."""
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.api.server + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def get(self, path):
        """The object at path, or None when the server answers anything but 200."""
        code, obj = self.http("GET", path)
        return obj if code == 200 else None

    def create(self, obj):
        self.kubectl("create", "-f", "-", stdin=json.dumps(obj))
