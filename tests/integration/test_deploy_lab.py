#!/usr/bin/env python3
"""deploy/lab as a user runs it: `up` makes the PKI, starts 3 c8s-store members that serve HTTPS
with client-certificate authentication and 2 c8s-apiservers on them (HTTPS on 127.0.0.1 with
client certificates of the Kubernetes CA, service account tokens, Node and RBAC; plain HTTP only
with C8S_LAB_INSECURE=1), and writes kubeadm's kubeconfigs: admin.conf, which kubectl uses as
kubernetes-admin, and the controller-manager's, scheduler's, kubelet's and kube-proxy's; `status`
reports them, `down` ends every process by PID and removes the state. Each lab here has its own state dir (C8S_LAB_DIR) and ports (C8S_LAB_PORT_BASE)
and uses $C8S_BIN_DIR's c8s-store and c8s-apiserver (C8S_LAB_BIN_DIR: no install, no build).
"""

import atexit
import base64
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import b64, c8s_store_binary, make_temp_dir, unb64, wait_for  # noqa: E402
from c8stest.runner import main  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
LAB = os.path.join(REPO, "deploy", "lab")
MEMBERS = ["store-0", "store-1", "store-2"]
APISERVERS = ["apiserver-0", "apiserver-1"]
SECURE_SHIFT = 6443 - 2379  # apiserver i serves HTTPS on base + SECURE_SHIFT + i
INSECURE_SHIFT = 8080 - 2379  # and, with C8S_LAB_INSECURE=1, plain HTTP on base + INSECURE_SHIFT + i
NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"]
_used_bases = set()
_labs = []  # every Lab made here, whose detached processes are ended at exit or on a signal


def _end_every_lab():
    for lab in _labs:
        lab.kill_leftovers()


def _on_signal(signum, frame):
    _end_every_lab()
    previous = _previous_handlers.get(signum)
    if callable(previous):
        previous(signum, frame)
    os._exit(128 + signum)


# The lab detaches its processes (setsid), so c8stest's parent-death signal does not reach them:
# end them by PID here too, before c8stest's own handlers run.
atexit.register(_end_every_lab)
_previous_handlers = {}
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    _previous_handlers[_sig] = signal.getsignal(_sig)
    signal.signal(_sig, _on_signal)


def apiserver_binary():
    path = os.path.join(os.environ.get("C8S_BIN_DIR", ""), "c8s-apiserver")
    return path if os.access(path, os.X_OK) else None


def lab_binaries():
    return c8s_store_binary() is not None and apiserver_binary() is not None


def ports_of(base):
    """Every port of a lab: the members' client and peer ports, then the apiservers' secure and
    (opt-in) plain ports."""
    return [base + 10 * i + j for i in range(len(MEMBERS)) for j in (0, 1)] + \
        [base + shift + i for shift in (SECURE_SHIFT, INSECURE_SHIFT)
         for i in range(len(APISERVERS))]


def port_is_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_port_base():
    """A base whose lab ports are free now, all below Linux's ephemeral range (32768)."""
    rng = random.Random()
    for _ in range(500):
        base = rng.randrange(20000, 32768 - INSECURE_SHIFT - 10, 10) + 7
        if base in _used_bases:
            continue
        if all(port_is_free(p) for p in ports_of(base)):
            _used_bases.add(base)
            return base
    raise RuntimeError("no free port range for a lab")


def pid_is_alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("State:"):
                    return line.split()[1] != "Z"
    except OSError:
        return False
    return False


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def pids_naming(text):
    """PIDs of live processes whose command line holds text (e.g. a lab dir)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and pid_is_alive(int(entry)) and \
                any(text.encode() in a for a in cmdline(int(entry))):
            found.append(int(entry))
    return found


FAKE_STORE = """#!/usr/bin/env python3
# A stand-in c8s-store: lists the TLS flags, fails as store-1, and otherwise waits.
import sys, time
if sys.argv[1:2] == ["--help"]:
    print("--cert-file --key-file --client-cert-auth --trusted-ca-file")
    sys.exit(0)
if "store-1" in sys.argv:
    print("fake: cannot start", file=sys.stderr)
    sys.exit(1)
time.sleep(120)
"""

FAKE_APISERVER = """#!/usr/bin/env python3
# A stand-in c8s-apiserver: fails when given the port FAIL_PORT, otherwise waits (never ready).
import sys, time
if "--secure-port=FAIL_PORT" in sys.argv:
    print("fake apiserver: cannot reach etcd", file=sys.stderr)
    sys.exit(1)
time.sleep(120)
"""


def write_executable(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


class Lab:
    """One lab: a state dir, a port base, and `deploy/lab` runs against them."""

    def __init__(self):
        self.dir = os.path.join(make_temp_dir("c8stest-lab-"), "lab")
        self.base = free_port_base()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("C8S_LAB_")}
        self.env.update(C8S_LAB_DIR=self.dir, C8S_LAB_PORT_BASE=str(self.base),
                        C8S_LAB_BIN_DIR=os.path.dirname(c8s_store_binary()),
                        C8S_LAB_TIMEOUT="60")
        self.pki = os.path.join(self.dir, "pki")
        self.run_dir = os.path.join(self.dir, "run")
        self.last_output = ""
        self.script = None  # the deploy/lab process running now
        _labs.append(self)

    def run(self, *args, check=True, timeout=300):
        """Runs deploy/lab ARGS; returns (exit code, stdout+stderr)."""
        self.script = subprocess.Popen(["bash", LAB, *args], env=self.env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT)
        with self.script as proc:
            try:
                raw, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                raw, _ = proc.communicate()
                raise AssertionError(f"deploy/lab {' '.join(args)} did not end in {timeout}s:\n"
                                     + raw.decode("utf-8", "replace"))
        out = raw.decode("utf-8", "replace")
        self.last_output = f"$ deploy/lab {' '.join(args)}  (exit {proc.returncode})\n{out}"
        if check and proc.returncode != 0:
            raise AssertionError(f"deploy/lab {' '.join(args)} failed:\n{out}")
        return proc.returncode, out

    def pids(self):
        """{name: pid} from the PID files."""
        found = {}
        if os.path.isdir(self.run_dir):
            for entry in os.listdir(self.run_dir):
                if entry.endswith(".pid"):
                    with open(os.path.join(self.run_dir, entry)) as f:
                        found[entry[:-4]] = int(f.readline())
        return found

    def client_port(self, member):
        return self.base + 10 * MEMBERS.index(member)

    def apiserver_port(self, name):
        return self.base + SECURE_SHIFT + APISERVERS.index(name)

    def apiserver_url(self, name):
        return f"https://127.0.0.1:{self.apiserver_port(name)}"

    def insecure_port(self, name):
        return self.base + INSECURE_SHIFT + APISERVERS.index(name)

    def make_client_cert(self, name, cn, orgs=""):
        """A client certificate of the Kubernetes CA made with pki.sh's pki_client_cert."""
        env = dict(os.environ, PKI_DIR=self.pki, PKI_KEY_ALG="ecdsa")
        subprocess.run(["bash", "-c", 'source "$1"; pki_client_cert "$2" "$3" "$4"', "pki",
                        os.path.join(REPO, "deploy", "lib", "pki.sh"), name, cn, orgs],
                       env=env, check=True, stdin=subprocess.DEVNULL, capture_output=True)

    def api_get(self, name, path, cert="admin", hostname="127.0.0.1"):
        """GET path over HTTPS from apiserver name, verifying its certificate against the
        Kubernetes CA for hostname, with a client certificate from pki/ (None: none);
        returns (status, body text)."""
        ctx = ssl.create_default_context(cafile=os.path.join(self.pki, "ca.crt"))
        if cert:
            ctx.load_cert_chain(os.path.join(self.pki, cert + ".crt"),
                                os.path.join(self.pki, cert + ".key"))
        sock = socket.create_connection(("127.0.0.1", self.apiserver_port(name)), timeout=10)
        conn = http.client.HTTPSConnection(hostname, self.apiserver_port(name), timeout=10,
                                           context=ctx)
        conn.sock = ctx.wrap_socket(sock, server_hostname=hostname)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def kubeconfig_with_user(self, kubeconfig, path, user_lines):
        """Writes a copy of kubeconfig at path whose users section is user_lines."""
        text = open(kubeconfig).read()
        head = text[:text.index("\nusers:\n") + 1]
        with open(path, "w") as f:
            f.write(head + "users:\n- name: kubernetes-admin\n  user:" + user_lines)
        os.chmod(path, 0o600)
        return path

    def kubectl(self, kubeconfig, *args, check=True):
        """Runs kubectl with KUBECONFIG=kubeconfig (and a HOME of its own); returns the run."""
        home = os.path.join(os.path.dirname(self.dir), "home")
        os.makedirs(home, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env.update(HOME=home, KUBECONFIG=kubeconfig)
        done = subprocess.run(["kubectl", *args], env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} exited {done.returncode}:\n"
                                 f"{done.stdout}{done.stderr}")
        return done

    def logs(self):
        parts = [self.last_output]
        log_dir = os.path.join(self.dir, "logs")
        if os.path.isdir(log_dir):
            for entry in sorted(os.listdir(log_dir)):
                with open(os.path.join(log_dir, entry), "rb") as f:
                    tail = f.read().decode("utf-8", "replace").splitlines()[-30:]
                parts.append(f"----- {entry} -----\n" + "\n".join(tail))
        return "\n".join(parts)

    def kill_leftovers(self):
        """Ends by PID any process a failed `down` left, if its command line names this lab (and
        first a deploy/lab run still going, so that it starts nothing more)."""
        if self.script is not None and self.script.poll() is None:
            self.script.kill()
            self.script.wait()
        for pid in self.pids().values():
            if pid_is_alive(pid) and any(self.dir.encode() in a for a in cmdline(pid)):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def close(self):
        if os.path.isdir(self.dir):
            try:
                self.run("down", check=False, timeout=60)
            finally:
                self.kill_leftovers()

    # HTTPS to a member ------------------------------------------------------------------------

    def context(self, cert=None):
        ctx = ssl.create_default_context(cafile=os.path.join(self.pki, "etcd", "ca.crt"))
        if cert:
            ctx.load_cert_chain(os.path.join(self.pki, cert + ".crt"),
                                os.path.join(self.pki, cert + ".key"))
        return ctx

    def call(self, member, path, body, cert="apiserver-etcd-client"):
        """POSTs body as JSON over HTTPS with a client certificate (plain http when the lab
        made no PKI: a c8s-store without TLS flags); returns (status, json)."""
        port = self.client_port(member)
        if os.path.exists(os.path.join(self.pki, "etcd", "ca.crt")):
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                               context=self.context(cert))
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("POST", path, body=json.dumps(body),
                         headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        try:
            return resp.status, json.loads(raw)
        except ValueError:
            return resp.status, raw.decode("utf-8", "replace")


def parse_status(text, component="c8s-store"):
    """{name: (pid, state)} of component's lines and the store leader from `deploy/lab status`
    output."""
    members = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[0] == component:
            members[fields[1]] = (fields[2], fields[3])
    match = re.search(r"^store leader: (\S+)$", text, re.M)
    return members, match.group(1) if match else None


def apiservers_of(text):
    """{name: (pid, state, url)} of the c8s-apiserver lines of `deploy/lab status` output."""
    found = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[0] == "c8s-apiserver":
            found[fields[1]] = (fields[2], fields[3], fields[4])
    return found


def exported_kubeconfig(text):
    """The path of up's last line, `export KUBECONFIG=PATH`, or None."""
    lines = [line for line in text.splitlines() if line.strip()]
    match = re.fullmatch(r"export KUBECONFIG=(\S+)", lines[-1]) if lines else None
    return match.group(1) if match else None


def openssl_text(path):
    """The certificate as text, with subject= and issuer= lines in /O=.../CN=... form."""
    return subprocess.run(["openssl", "x509", "-in", path, "-noout", "-subject", "-issuer",
                           "-nameopt", "compat", "-text"],
                          check=True, stdout=subprocess.PIPE).stdout.decode()


def tls_refused(fn):
    """True when fn() fails the TLS handshake or is answered 401/403 without etcd data."""
    try:
        status, body = fn()
    except (ssl.SSLError, ConnectionError, OSError):
        return True
    return status in (401, 403) and not (isinstance(body, dict) and "header" in body)


@unittest.skipUnless(lab_binaries(), "SKIP-NOTE: C8S_BIN_DIR lacks c8s-store or c8s-apiserver")
class LabUp(unittest.TestCase):
    """One lab brought up for every test of this class, taken down at the end."""

    @classmethod
    def setUpClass(cls):
        cls.lab = Lab()
        try:
            cls.up_code, cls.up_output = cls.lab.run("up", check=False)
        except Exception:
            cls.lab.close()
            raise
        cls.tls = "TLS with client certificates" in cls.up_output
        # Later tests restart members: note now which processes up's status named.
        cls.up_pids_alive = {m: p.isdigit() and pid_is_alive(int(p))
                             for m, (p, _) in parse_status(cls.up_output)[0].items()}
        cls.up_apiservers_alive = {a: p.isdigit() and pid_is_alive(int(p))
                                   for a, (p, _, _) in apiservers_of(cls.up_output).items()}

    @classmethod
    def tearDownClass(cls):
        cls.lab.close()

    def current_logs(self):
        return self.lab.logs()

    def setUp(self):
        self.assertEqual(self.up_code, 0, f"deploy/lab up failed:\n{self.up_output}")

    def test_up_starts_three_healthy_members_and_prints_how_to_use_them(self):
        members, leader = parse_status(self.up_output)
        self.assertEqual(sorted(members), MEMBERS)
        self.assertEqual({m: s for m, (_, s) in members.items()},
                         {m: "healthy" for m in MEMBERS})
        self.assertEqual(self.up_pids_alive, {m: True for m in MEMBERS})
        self.assertIn(leader, MEMBERS)
        self.assertIn("/v3/kv/range", self.up_output)
        self.assertIn(f"127.0.0.1:{self.lab.base}", self.up_output)

    def test_up_starts_two_ready_apiservers_and_ends_with_the_kubeconfig_export(self):
        apiservers = apiservers_of(self.up_output)
        self.assertEqual({a: (s, u) for a, (_, s, u) in apiservers.items()},
                         {a: ("ready", self.lab.apiserver_url(a)) for a in APISERVERS})
        self.assertEqual(self.up_apiservers_alive, {a: True for a in APISERVERS})
        kubeconfig = exported_kubeconfig(self.up_output)
        self.assertEqual(kubeconfig, os.path.join(self.lab.dir, "kubeconfig"), self.up_output)
        self.assertTrue(os.path.isabs(kubeconfig))
        self.assertEqual(os.stat(kubeconfig).st_mode & 0o777, 0o600)
        # kubeadm's admin.conf: the CA, the admin certificate and key, all inline.
        text = open(kubeconfig).read()
        self.assertIn(f"server: {self.lab.apiserver_url('apiserver-0')}\n", text)
        self.assertIn("current-context: c8s-lab\n", text)

        def field(name):
            return re.search(rf"^\s*{name}: (\S+)$", text, re.M).group(1)

        def pki_b64(name):
            return base64.b64encode(open(os.path.join(self.lab.pki, name), "rb").read()).decode()

        self.assertEqual(field("certificate-authority-data"), pki_b64("ca.crt"))
        self.assertEqual(field("client-certificate-data"), pki_b64("admin.crt"))
        self.assertEqual(field("client-key-data"), pki_b64("admin.key"))
        self.assertRegex(text, r"(?m)^users:\n- name: kubernetes-admin\n")
        self.assertRegex(text, r"(?m)^  context:\n    cluster: c8s-lab\n"
                               r"    user: kubernetes-admin\n")
        # Each apiserver talks to every member, with the etcd client certificate under TLS, and
        # serves HTTPS on 127.0.0.1 with client certificates of the Kubernetes CA and RBAC.
        for name in APISERVERS:
            pid = self.lab.pids()[name]
            argv = [a.decode() for a in cmdline(pid)]
            servers = argv[argv.index("--etcd-servers") + 1].split(",")
            self.assertEqual(servers, [f"{'https' if self.tls else 'http'}://127.0.0.1:"
                                       f"{self.lab.client_port(m)}" for m in MEMBERS])
            if self.tls:
                self.assertEqual(argv[argv.index("--etcd-certfile") + 1],
                                 os.path.join(self.lab.pki, "apiserver-etcd-client.crt"))
            flags = {argv[i]: argv[i + 1] for i in range(1, len(argv) - 1)
                     if argv[i].startswith("--")}
            self.assertEqual(flags["--bind-address"], "127.0.0.1")
            self.assertIn(f"--secure-port={self.lab.apiserver_port(name)}", argv)
            self.assertEqual(flags["--tls-cert-file"],
                             os.path.join(self.lab.pki, "apiserver.crt"))
            self.assertEqual(flags["--client-ca-file"], os.path.join(self.lab.pki, "ca.crt"))
            self.assertEqual(flags["--authorization-mode"], "Node,RBAC")
            # kubeadm's service account key pair and issuer.
            self.assertEqual(flags["--service-account-key-file"],
                             os.path.join(self.lab.pki, "sa.pub"))
            self.assertEqual(flags["--service-account-signing-key-file"],
                             os.path.join(self.lab.pki, "sa.key"))
            self.assertEqual(flags["--service-account-issuer"],
                             "https://kubernetes.default.svc.cluster.local")
            self.assertFalse([a for a in argv if a.startswith("--insecure-port")], argv)

    def test_apiservers_serve_https_on_loopback_only_and_no_plain_port(self):
        for name in APISERVERS:
            port = self.lab.apiserver_port(name)
            # The serving certificate verifies for both names kubectl users write.
            for host in ("127.0.0.1", "localhost"):
                self.assertEqual(self.lab.api_get(name, "/readyz", hostname=host), (200, "ok"))
            # No plain port unless C8S_LAB_INSECURE=1, and plain HTTP on the secure port gets
            # nothing.
            self.assertTrue(port_is_free(self.lab.insecure_port(name)))
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/api/v1/namespaces")
                self.assertNotEqual(conn.getresponse().status, 200)
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            listening = subprocess.run(["ss", "-Htln", f"sport = :{port}"], check=True,
                                       stdout=subprocess.PIPE, text=True).stdout.split()
            self.assertIn(f"127.0.0.1:{port}", listening)
            self.assertNotIn(f"0.0.0.0:{port}", listening)
            self.assertNotIn(f"*:{port}", listening)

    def test_kubectl_writes_through_one_apiserver_and_reads_through_the_other(self):
        if shutil.which("kubectl") is None:
            self.skipTest("SKIP-NOTE: kubectl is not installed")
        kubeconfig = exported_kubeconfig(self.up_output)
        names = self.lab.kubectl(kubeconfig, "get", "ns", "-o", "name").stdout.split()
        for ns in NAMESPACES:
            self.assertIn(f"namespace/{ns}", names)
        table = self.lab.kubectl(kubeconfig, "get", "ns").stdout
        self.assertRegex(table, r"^NAME\s")
        for ns in NAMESPACES:
            self.assertRegex(table, rf"(?m)^{ns}\s")
        # The kubeconfig points at apiserver-0; apiserver-1 serves the same data from the store.
        self.lab.kubectl(kubeconfig, "create", "configmap", "lab-ha", "-n", "default",
                         "--from-literal=written-by=apiserver-0")
        other = self.lab.apiserver_url("apiserver-1")
        got = json.loads(self.lab.kubectl(kubeconfig, "--server", other, "get", "configmap",
                                          "lab-ha", "-n", "default", "-o", "json").stdout)
        self.assertEqual(got["data"], {"written-by": "apiserver-0"})
        # And the other way round: a change through apiserver-1 is seen through apiserver-0.
        self.lab.kubectl(kubeconfig, "--server", other, "label", "configmap", "lab-ha",
                         "-n", "default", "via=apiserver-1")
        got = json.loads(self.lab.kubectl(kubeconfig, "get", "configmap", "lab-ha",
                                          "-n", "default", "-o", "json").stdout)
        self.assertEqual(got["metadata"]["labels"], {"via": "apiserver-1"})
        missing = self.lab.kubectl(kubeconfig, "--server", other, "get", "configmap", "absent",
                                   check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn('configmaps "absent" not found', missing.stderr)

    def test_apiservers_refuse_clients_without_a_kubernetes_ca_certificate(self):
        for name in APISERVERS:
            for cert in (None, "apiserver-etcd-client"):  # none, and one of etcd/ca
                try:
                    status, body = self.lab.api_get(name, "/api/v1/namespaces", cert=cert)
                except (ssl.SSLError, ConnectionError):
                    continue  # a handshake refusal is a refusal too
                self.assertEqual(status, 401, body)
                self.assertEqual(json.loads(body)["reason"], "Unauthorized")
        if shutil.which("kubectl") is None:
            return
        # kubectl with the kubeconfig minus its credentials. kubectl then asks for a basic-auth
        # user and password; the flags answer it. Neither c8s nor kube-apiserver (since 1.19)
        # take basic auth, so the server sees a client without credentials.
        bare = self.lab.kubeconfig_with_user(exported_kubeconfig(self.up_output),
                                             os.path.join(self.lab.dir, "..", "bare.kubeconfig"),
                                             " {}\n")
        done = self.lab.kubectl(bare, "--username", "nobody", "--password", "nothing",
                                "get", "ns", check=False)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        # "(Unauthorized)" after a cached discovery, "(the server has asked for the client to
        # provide credentials)" when discovery itself gets the 401: both are kubectl's 401.
        self.assertIn("error: You must be logged in to the server", done.stderr)
        self.assertNotIn("default", done.stdout)

    def test_rbac_forbids_a_user_without_bindings_until_a_rolebinding_grants_view(self):
        if shutil.which("kubectl") is None:
            self.skipTest("SKIP-NOTE: kubectl is not installed")
        admin = exported_kubeconfig(self.up_output)
        who = self.lab.kubectl(admin, "auth", "whoami").stdout
        self.assertRegex(who, r"(?m)^Username\s+kubernetes-admin$")
        self.assertRegex(who, r"(?m)^Groups\s+\[system:masters system:authenticated\]$")

        self.lab.make_client_cert("jane", "jane")

        def pki_b64(name):
            return base64.b64encode(open(os.path.join(self.lab.pki, name), "rb").read()).decode()

        jane = self.lab.kubeconfig_with_user(
            admin, os.path.join(self.lab.dir, "..", "jane.kubeconfig"),
            f"\n    client-certificate-data: {pki_b64('jane.crt')}\n"
            f"    client-key-data: {pki_b64('jane.key')}\n")
        self.assertRegex(self.lab.kubectl(jane, "auth", "whoami").stdout,
                         r"(?m)^Username\s+jane$")
        denied = self.lab.kubectl(jane, "get", "pods", "-n", "default", check=False)
        self.assertEqual(denied.returncode, 1, denied.stdout + denied.stderr)
        self.assertIn('pods is forbidden: User "jane" cannot list resource "pods" in API group ""'
                      ' in the namespace "default"', denied.stderr)

        self.lab.kubectl(admin, "create", "rolebinding", "jane-view", "--clusterrole=view",
                         "--user=jane", "-n", "default")
        # The apiservers' RBAC caches follow the store by watch: poll both until they allow.
        for name in APISERVERS:
            server = ["--server", self.lab.apiserver_url(name)]

            def allowed():
                return self.lab.kubectl(jane, *server, "get", "pods", "-n", "default",
                                        check=False).returncode == 0
            wait_for(allowed, 20, what=f"jane may list pods through {name}")
        # view in default only: kube-system is still forbidden, and view cannot write.
        other = self.lab.kubectl(jane, "get", "pods", "-n", "kube-system", check=False)
        self.assertIn('User "jane" cannot list resource "pods" in API group "" in the '
                      'namespace "kube-system"', other.stderr)
        write = self.lab.kubectl(jane, "create", "configmap", "by-jane", "-n", "default",
                                 check=False)
        self.assertIn('User "jane" cannot create resource "configmaps"', write.stderr)

    def test_component_kubeconfigs_carry_kubeadms_identities_and_their_rights(self):
        if shutil.which("kubectl") is None:
            self.skipTest("SKIP-NOTE: kubectl is not installed")
        node = re.search(r"the kubelet is system:node:(\S+)", self.up_output).group(1)
        conf_dir = os.path.join(self.lab.dir, "kubeconfigs")

        def conf(name):
            path = os.path.join(conf_dir, name + ".conf")
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600, path)
            return path

        def can(name, *args):
            return self.lab.kubectl(conf(name), "auth", "can-i", *args,
                                    check=False).stdout.strip()

        for name, user, groups in (
                ("controller-manager", "system:kube-controller-manager", "system:authenticated"),
                ("scheduler", "system:kube-scheduler", "system:authenticated"),
                ("kubelet", f"system:node:{node}", "system:nodes system:authenticated"),
                ("kube-proxy", "system:kube-proxy", "system:node-proxier system:authenticated")):
            who = self.lab.kubectl(conf(name), "auth", "whoami").stdout
            self.assertRegex(who, rf"(?m)^Username\s+{re.escape(user)}$", name)
            self.assertRegex(who, rf"(?m)^Groups\s+\[{groups}\]$", name)
        # The bootstrap roles and bindings, and the Node authorizer, as in Kubernetes 1.32.
        self.assertEqual(can("controller-manager", "list", "secrets", "-A"), "yes")
        self.assertEqual(can("controller-manager", "update", "deployments.apps"), "no")
        self.assertEqual(can("scheduler", "create", "pods", "--subresource=binding"), "yes")
        self.assertEqual(can("scheduler", "get", "secrets"), "no")
        self.assertEqual(can("kube-proxy", "watch", "endpointslices.discovery.k8s.io", "-A"),
                         "yes")
        self.assertEqual(can("kube-proxy", "create", "pods"), "no")
        self.assertEqual(can("kubelet", "get", f"node/{node}"), "yes")
        self.assertEqual(can("kubelet", "get", "node/another-node"), "no")
        missing = self.lab.kubectl(conf("kubelet"), "get", "node", node, check=False)
        self.assertIn(f'nodes "{node}" not found', missing.stderr)  # allowed, not yet registered
        every = self.lab.kubectl(conf("kubelet"), "get", "nodes", check=False)
        self.assertIn(f"node '{node}' cannot read all nodes, only its own Node object",
                      every.stderr)

    def test_service_account_tokens_work_through_either_apiserver(self):
        if shutil.which("kubectl") is None:
            self.skipTest("SKIP-NOTE: kubectl is not installed")
        admin = exported_kubeconfig(self.up_output)
        self.lab.kubectl(admin, "create", "serviceaccount", "lab-robot", "-n", "default")
        self.lab.kubectl(admin, "create", "rolebinding", "lab-robot-view", "--clusterrole=view",
                         "--serviceaccount=default:lab-robot", "-n", "default")
        token = self.lab.kubectl(admin, "create", "token", "lab-robot", "-n", "default",
                                 "--server", self.lab.apiserver_url("apiserver-1")).stdout.strip()
        robot = self.lab.kubeconfig_with_user(
            admin, os.path.join(self.lab.dir, "..", "robot.kubeconfig"),
            f"\n    token: {token}\n")
        for name in APISERVERS:
            server = ["--server", self.lab.apiserver_url(name)]
            who = self.lab.kubectl(robot, *server, "auth", "whoami").stdout
            self.assertRegex(who, r"(?m)^Username\s+system:serviceaccount:default:lab-robot$")
            wait_for(lambda: self.lab.kubectl(robot, *server, "get", "pods", "-n", "default",
                                              check=False).returncode == 0,
                     20, what=f"lab-robot may list pods through {name}")
        denied = self.lab.kubectl(robot, "get", "secrets", "-n", "default", check=False)
        self.assertIn('User "system:serviceaccount:default:lab-robot" cannot list resource '
                      '"secrets"', denied.stderr)

    def test_status_reports_every_member_healthy_and_the_leader_they_agree_on(self):
        code, out = self.lab.run("status")
        self.assertEqual(code, 0)
        members, leader = parse_status(out)
        self.assertEqual({m: s for m, (_, s) in members.items()},
                         {m: "healthy" for m in MEMBERS})
        apiservers = apiservers_of(out)
        self.assertEqual({a: s for a, (_, s, _) in apiservers.items()},
                         {a: "ready" for a in APISERVERS})
        pids = {m: int(p) for m, (p, _) in members.items()}
        pids.update({a: int(p) for a, (p, _, _) in apiservers.items()})
        self.assertEqual(pids, self.lab.pids())
        status = self.lab.call(leader, "/v3/maintenance/status", {})[1]
        self.assertEqual(status["leader"], status["header"]["member_id"])

    def test_members_serve_https_and_refuse_clients_without_a_trusted_certificate(self):
        if not self.tls:
            self.skipTest("SKIP-NOTE: c8s-store has no TLS flags: the lab serves plain http")
        for member in MEMBERS:
            self.assertTrue(tls_refused(lambda: self.lab.call(member, "/v3/kv/range",
                                                              {"key": b64("a")}, cert=None)),
                            f"{member} answered a client without a certificate")
            # admin is signed by the Kubernetes CA, not etcd/ca: the store must not trust it.
            self.assertTrue(tls_refused(lambda: self.lab.call(member, "/v3/kv/range",
                                                              {"key": b64("a")}, cert="admin")),
                            f"{member} answered a certificate from another CA")
        # Plain http on an https port gets no data either.
        conn = http.client.HTTPConnection("127.0.0.1", self.lab.base, timeout=5)
        try:
            conn.request("POST", "/v3/kv/range", body=json.dumps({"key": b64("a")}))
            self.assertNotEqual(conn.getresponse().status, 200)
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()

    def test_put_on_one_member_and_range_on_another_with_the_etcd_client_certificate(self):
        status, put = self.lab.call("store-1", "/v3/kv/put",
                                    {"key": b64("/registry/lab/a"), "value": b64("one")})
        self.assertEqual(status, 200, put)
        revision = int(put["header"]["revision"])
        status, got = self.lab.call("store-2", "/v3/kv/range", {"key": b64("/registry/lab/a")})
        self.assertEqual(status, 200, got)
        self.assertGreaterEqual(int(got["header"]["revision"]), revision)
        self.assertEqual([unb64(kv["value"]) for kv in got["kvs"]], [b"one"])
        # The health-check client is trusted too (kubeadm's etcd liveness probe identity).
        status, got = self.lab.call("store-0", "/v3/kv/range", {"key": b64("/registry/lab/a")},
                                    cert="etcd/healthcheck-client")
        self.assertEqual((status, got["count"]), (200, "1"))

    def test_pki_follows_kubeadm_and_keys_are_private(self):
        if not self.tls:
            self.skipTest("SKIP-NOTE: c8s-store has no TLS flags: the lab made no certificates")
        pki = self.lab.pki
        for root, _, files in os.walk(pki):
            for f in files:
                if f.endswith(".key"):
                    mode = os.stat(os.path.join(root, f)).st_mode & 0o777
                    self.assertEqual(mode, 0o600, os.path.join(root, f))
        server = openssl_text(os.path.join(pki, "etcd", "server-store-0.crt"))
        self.assertIn("subject=/CN=store-0", server)
        self.assertIn("issuer=/CN=etcd-ca", server)
        self.assertIn("TLS Web Server Authentication, TLS Web Client Authentication", server)
        self.assertIn("DNS:localhost", server)
        self.assertIn("IP Address:127.0.0.1", server)
        client = openssl_text(os.path.join(pki, "apiserver-etcd-client.crt"))
        self.assertIn("subject=/CN=kube-apiserver-etcd-client", client)
        self.assertIn("issuer=/CN=etcd-ca", client)
        self.assertNotIn("TLS Web Server Authentication", client)
        admin = openssl_text(os.path.join(pki, "admin.crt"))
        self.assertIn("subject=/O=system:masters/CN=kubernetes-admin", admin)
        self.assertIn("issuer=/CN=kubernetes", admin)
        node = re.search(r"the kubelet is system:node:(\S+)", self.up_output).group(1)
        kubelet = openssl_text(os.path.join(pki, f"kubelet-{node}.crt"))
        self.assertIn(f"subject=/O=system:nodes/CN=system:node:{node}", kubelet)
        self.assertIn("subject=/O=system:node-proxier/CN=system:kube-proxy",
                      openssl_text(os.path.join(pki, "kube-proxy.crt")))
        self.assertIn("subject=/CN=system:kube-scheduler",
                      openssl_text(os.path.join(pki, "scheduler.crt")))
        self.assertIn("subject=/CN=system:kube-controller-manager",
                      openssl_text(os.path.join(pki, "controller-manager.crt")))
        apiserver = openssl_text(os.path.join(pki, "apiserver.crt"))
        for san in ("DNS:kubernetes.default.svc.cluster.local", "IP Address:10.96.0.1"):
            self.assertIn(san, apiserver)

    def test_up_again_keeps_certificates_and_restarts_only_what_was_killed(self):
        self.lab.call("store-0", "/v3/kv/put", {"key": b64("/lab/kept"), "value": b64("v")})
        pids = self.lab.pids()
        cert = os.path.join(self.lab.pki, "etcd", "server-store-2.crt")
        before = open(cert, "rb").read() if self.tls else None
        for name in ("store-2", "apiserver-0"):
            os.kill(pids[name], signal.SIGKILL)
            wait_for(lambda: not pid_is_alive(pids[name]), 10, what=f"{name} killed")
        code, out = self.lab.run("status", check=False)
        self.assertEqual(code, 1, out)
        self.assertEqual(parse_status(out)[0]["store-2"], ("-", "stopped"))
        self.assertEqual(apiservers_of(out)["apiserver-0"][:2], ("-", "stopped"))
        self.assertEqual(apiservers_of(out)["apiserver-1"][:2],
                         (str(pids["apiserver-1"]), "ready"))

        code, out = self.lab.run("up")
        self.assertNotIn("pki: made", out)
        members, _ = parse_status(out)
        self.assertEqual({m: s for m, (_, s) in members.items()},
                         {m: "healthy" for m in MEMBERS})
        after = self.lab.pids()
        self.assertEqual(after["store-0"], pids["store-0"])
        self.assertNotEqual(after["store-2"], pids["store-2"])
        self.assertEqual(after["apiserver-1"], pids["apiserver-1"])
        self.assertNotEqual(after["apiserver-0"], pids["apiserver-0"])
        self.assertEqual({a: s for a, (_, s, _) in apiservers_of(out).items()},
                         {a: "ready" for a in APISERVERS})
        kubeconfig = exported_kubeconfig(out)
        self.assertEqual(kubeconfig, os.path.join(self.lab.dir, "kubeconfig"))
        if shutil.which("kubectl") is not None:
            self.assertIn("namespace/default",
                          self.lab.kubectl(kubeconfig, "get", "ns", "-o", "name").stdout.split())
        if self.tls:
            self.assertEqual(open(cert, "rb").read(), before)
        # The restarted member rejoined with its data dir and catches up.
        def has_key():
            status, got = self.lab.call("store-2", "/v3/kv/range",
                                        {"key": b64("/lab/kept"), "serializable": True})
            return status == 200 and got.get("count") == "1"
        wait_for(has_key, 20, what="store-2 caught up")


@unittest.skipUnless(lab_binaries(), "SKIP-NOTE: C8S_BIN_DIR lacks c8s-store or c8s-apiserver")
class LabLifecycle(unittest.TestCase):

    def setUp(self):
        self.lab = Lab()
        # LabUp covers kubeadm's RSA-2048 keys; these labs use P-256, which is faster to make.
        self.lab.env["PKI_KEY_ALG"] = "ecdsa"

    def tearDown(self):
        self.lab.close()

    def current_logs(self):
        return self.lab.logs()

    def test_status_of_a_lab_that_is_not_up_exits_3(self):
        code, out = self.lab.run("status", check=False)
        self.assertEqual(code, 3, out)
        self.assertIn("not up", out)
        self.assertFalse(os.path.exists(self.lab.dir))

    def test_down_stops_every_process_by_pid_and_removes_the_state_unless_pki_is_kept(self):
        self.lab.run("up")
        pids = self.lab.pids()
        self.assertEqual(sorted(pids), sorted(MEMBERS + APISERVERS))
        self.assertTrue(os.path.exists(os.path.join(self.lab.dir, "kubeconfig")))
        tls = os.path.exists(os.path.join(self.lab.pki, "etcd", "ca.crt"))

        code, out = self.lab.run("down", "--keep-pki")
        for name, pid in pids.items():
            wait_for(lambda: not pid_is_alive(pid), 10, what=f"{name} (pid {pid}) ended")
        self.assertTrue(all(port_is_free(p) for p in ports_of(self.lab.base)))
        left = sorted(os.listdir(self.lab.dir))
        self.assertEqual(left, ["pki"] if tls else [], out)
        ca = open(os.path.join(self.lab.pki, "etcd", "ca.crt"), "rb").read() if tls else None

        code, out = self.lab.run("up")
        self.assertNotIn("pki: made", out)
        if tls:
            self.assertEqual(open(os.path.join(self.lab.pki, "etcd", "ca.crt"), "rb").read(), ca)
        pids = self.lab.pids()
        self.assertTrue(all(pid_is_alive(p) for p in pids.values()))

        self.lab.run("down")
        for name, pid in pids.items():
            wait_for(lambda: not pid_is_alive(pid), 10, what=f"{name} (pid {pid}) ended")
        self.assertEqual(pids_naming(self.lab.dir), [])
        self.assertFalse(os.path.exists(self.lab.dir))
        code, out = self.lab.run("status", check=False)
        self.assertEqual(code, 3, out)

    def test_up_fails_clearly_when_a_member_port_is_taken_and_starts_nothing(self):
        self.check_taken_port(self.lab.base + 10, "store-1 client")

    def test_up_fails_clearly_when_an_apiserver_port_is_taken_and_starts_nothing(self):
        self.check_taken_port(self.lab.base + SECURE_SHIFT + 1, "apiserver-1 secure")

    def test_up_with_c8s_lab_insecure_adds_the_plain_loopback_port(self):
        self.lab.env["C8S_LAB_INSECURE"] = "yes"
        code, out = self.lab.run("up", check=False)
        self.assertNotEqual(code, 0, out)
        self.assertIn("C8S_LAB_INSECURE must be 0 or 1", out)
        self.assertFalse(os.path.exists(self.lab.dir), out)
        # A taken plain port is named like the others.
        self.lab.env["C8S_LAB_INSECURE"] = "1"
        self.check_taken_port(self.lab.insecure_port("apiserver-0"), "apiserver-0 insecure")

        code, out = self.lab.run("up")
        apiservers = apiservers_of(out)
        for name in APISERVERS:
            port = self.lab.insecure_port(name)
            self.assertEqual(apiservers[name][1:], ("ready", self.lab.apiserver_url(name)))
            self.assertIn(f"http://127.0.0.1:{port}", out)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", "/api/v1/namespaces/default")
                resp = conn.getresponse()
                self.assertEqual(resp.status, 200)
                self.assertEqual(json.loads(resp.read())["metadata"]["name"], "default")
            finally:
                conn.close()
            listening = subprocess.run(["ss", "-Htln", f"sport = :{port}"], check=True,
                                       stdout=subprocess.PIPE, text=True).stdout.split()
            self.assertIn(f"127.0.0.1:{port}", listening)
            # The secure port still authenticates.
            self.assertEqual(self.lab.api_get(name, "/api/v1/namespaces", cert=None)[0], 401)
        # The recorded setting holds while the lab runs.
        self.lab.env["C8S_LAB_INSECURE"] = "0"
        code, out = self.lab.run("up", check=False)
        self.assertNotEqual(code, 0, out)
        self.assertIn("runs with C8S_LAB_INSECURE=1", out)
        del self.lab.env["C8S_LAB_INSECURE"]
        code, out = self.lab.run("status")
        self.assertIn(f"http://127.0.0.1:{self.lab.insecure_port('apiserver-1')}", out)
        pids = self.lab.pids()
        self.lab.run("down")
        for name, pid in pids.items():
            wait_for(lambda: not pid_is_alive(pid), 10, what=f"{name} (pid {pid}) ended")
        self.assertTrue(all(port_is_free(p) for p in ports_of(self.lab.base)))
        self.assertFalse(os.path.exists(self.lab.dir))

    def check_taken_port(self, taken, owner):
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", taken))
        holder.listen(1)
        try:
            code, out = self.lab.run("up", check=False)
        finally:
            holder.close()
        self.assertNotEqual(code, 0, out)
        self.assertIn(f"127.0.0.1:{taken} ({owner} port) is in use", out)
        self.assertIn("C8S_LAB_PORT_BASE", out)
        self.assertEqual(self.lab.pids(), {})
        self.assertFalse(os.path.exists(self.lab.dir), out)

    def check_failed_up(self, bin_dir, *lines):
        """Runs up with bin_dir's programs: it must fail, print each of lines and leave no
        process and no PID file. Returns its output."""
        self.lab.env.update(C8S_LAB_BIN_DIR=bin_dir, C8S_LAB_TIMEOUT="30")
        code, out = self.lab.run("up", check=False)
        self.assertNotEqual(code, 0, out)
        for line in lines:
            self.assertIn(line, out)
        # What up stopped is gone when it returns; a probe it ran (curl naming the lab's
        # certificates) may take a moment longer on a loaded machine.
        try:
            wait_for(lambda: pids_naming(self.lab.dir) == [], 10.0, what="lab processes gone")
        except AssertionError:
            left = [(pid, b" ".join(cmdline(pid)).decode(errors="replace"))
                    for pid in pids_naming(self.lab.dir)]
            self.assertEqual(left, [], out)
        self.assertEqual(self.lab.pids(), {}, out)
        return out

    def test_up_names_a_member_that_exits_shows_its_log_and_stops_the_others(self):
        bin_dir = make_temp_dir("c8stest-fake-bin-")
        write_executable(os.path.join(bin_dir, "c8s-store"), FAKE_STORE)
        write_executable(os.path.join(bin_dir, "c8s-apiserver"), FAKE_APISERVER)
        self.check_failed_up(bin_dir, "store-1 exited", "fake: cannot start",
                             "the store did not come up")
        code, out = self.lab.run("status", check=False)
        self.assertEqual(code, 1, out)
        self.assertIn("store leader: none", out)

    def test_up_names_an_apiserver_that_exits_and_stops_what_it_started(self):
        bin_dir = make_temp_dir("c8stest-fake-apiserver-bin-")
        os.symlink(c8s_store_binary(), os.path.join(bin_dir, "c8s-store"))
        fail_port = self.lab.base + SECURE_SHIFT + 1  # apiserver-1's
        write_executable(os.path.join(bin_dir, "c8s-apiserver"),
                         FAKE_APISERVER.replace("FAIL_PORT", str(fail_port)))
        # This up started the store too: it stops it with the apiservers.
        out = self.check_failed_up(bin_dir, "apiserver-1 exited",
                                   "fake apiserver: cannot reach etcd",
                                   "the apiservers did not come up")
        self.assertFalse(os.path.exists(os.path.join(self.lab.dir, "kubeconfig")), out)
        code, out = self.lab.run("status", check=False)
        self.assertEqual(code, 1, out)
        self.assertEqual({a: s for a, (_, s, _) in apiservers_of(out).items()},
                         {a: "stopped" for a in APISERVERS})

    def test_up_rejects_a_bin_dir_without_c8s_apiserver(self):
        bin_dir = make_temp_dir("c8stest-store-only-bin-")
        os.symlink(c8s_store_binary(), os.path.join(bin_dir, "c8s-store"))
        self.lab.env["C8S_LAB_BIN_DIR"] = bin_dir
        code, out = self.lab.run("up", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("no executable c8s-apiserver", out)
        self.assertFalse(os.path.exists(self.lab.dir))

    def test_up_rejects_a_bin_dir_without_c8s_store(self):
        self.lab.env["C8S_LAB_BIN_DIR"] = make_temp_dir("c8stest-empty-bin-")
        code, out = self.lab.run("up", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("no executable c8s-store", out)
        self.assertFalse(os.path.exists(self.lab.dir))


if __name__ == "__main__":
    main()
