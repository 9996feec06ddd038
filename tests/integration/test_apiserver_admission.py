#!/usr/bin/env python3
"""Admission with the real kubectl and two c8s-apiservers on one c8s-store.

Service ClusterIP and NodePort allocation (distinct values, requested values, Kubernetes' error
lines, release on delete, no duplicates when two apiservers allocate at once), the `kubernetes`
Service and its Endpoints listing every apiserver, ServiceAccount, LimitRanger and ResourceQuota.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import (C8S_STORE, Cluster, Process, c8s_store_binary, free_port,  # noqa: E402
                     make_temp_dir, remove_temp_dir, wait_for)
from c8stest.runner import main  # noqa: E402


def apiserver_binary():
    path = os.path.join(os.environ.get("C8S_BIN_DIR", ""), "c8s-apiserver")
    return path if os.access(path, os.X_OK) else None


class AdmissionTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if apiserver_binary() is None or c8s_store_binary() is None:
            raise unittest.SkipTest("c8s-apiserver or c8s-store is not built")
        if shutil.which("kubectl") is None:
            raise unittest.SkipTest("kubectl is not installed")
        cls.dir = make_temp_dir("c8stest-admission-")
        cls.store = Cluster(C8S_STORE, 1).start()
        cls.apiservers = []
        cls.servers = []
        # Two apiservers advertising different addresses: each keeps a master lease, and the
        # kubernetes Endpoints list both.
        for i, address in enumerate(("127.0.0.2", "127.0.0.3")):
            port = free_port()
            proc = Process(f"c8s-apiserver-{i}", [
                apiserver_binary(), "--etcd-servers", cls.store.members[0].client_url,
                "--insecure-port", str(port), "--etcd-compaction-interval", "0",
                "--advertise-address", address, "--service-node-port-range", "30000-30300"],
                os.path.join(cls.dir, f"apiserver-{i}.log")).start()
            cls.apiservers.append(proc)
            cls.servers.append(f"http://127.0.0.1:{port}")
            cls.wait_ready(proc, cls.servers[-1])
        cls.server = cls.servers[0]

    @classmethod
    def wait_ready(cls, proc, server):
        def ready():
            if not proc.is_running():
                raise AssertionError("c8s-apiserver exited:\n" + proc.log_text(30))
            try:
                with urllib.request.urlopen(server + "/readyz", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False
        wait_for(ready, 30.0, what="c8s-apiserver ready")

    @classmethod
    def tearDownClass(cls):
        for proc in cls.apiservers:
            proc.stop()
        cls.store.close()
        remove_temp_dir(cls.dir)

    def kubectl(self, *args, check=True, stdin=None, server=None):
        env = dict(os.environ, HOME=self.dir, KUBECONFIG=os.path.join(self.dir, "none"))
        done = subprocess.run(["kubectl", "--server", server or self.server, "--cache-dir",
                               os.path.join(self.dir, "cache"), *args], input=stdin,
                              capture_output=True, text=True, timeout=30, env=env)
        if check and done.returncode != 0:
            self.fail(f"kubectl {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return done

    def json_of(self, *args):
        return json.loads(self.kubectl(*args, "-o", "json").stdout)

    def api(self, method, path, body=None, server=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request((server or self.server) + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    # ------------------------------------------------------------------------------------

    def test_pods_get_priority_and_default_toleration_seconds(self):
        self.kubectl("create", "namespace", "prio")
        self.kubectl("run", "plain", "-n", "prio", "--image=busybox")
        spec = self.json_of("get", "pod", "plain", "-n", "prio")["spec"]
        self.assertEqual(spec["priority"], 0)
        self.assertEqual(spec["preemptionPolicy"], "PreemptLowerPriority")
        self.assertEqual(sorted(t["key"] for t in spec["tolerations"]),
                         ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"])
        self.assertTrue(all(t["tolerationSeconds"] == 300 and t["effect"] == "NoExecute"
                            for t in spec["tolerations"]))
        self.kubectl("run", "critical", "-n", "prio", "--image=busybox",
                     '--overrides={"spec":{"priorityClassName":"system-node-critical"}}')
        self.assertEqual(self.json_of("get", "pod", "critical", "-n", "prio")["spec"]["priority"],
                         2000001000)
        gold = self.kubectl("run", "gold", "-n", "prio", "--image=busybox",
                            '--overrides={"spec":{"priorityClassName":"gold"}}', check=False)
        self.assertEqual(gold.returncode, 1)
        self.assertIn('Error from server (Forbidden): pods "gold" is forbidden: no PriorityClass '
                      'with name gold was found', gold.stderr)

    def test_kubernetes_service_has_the_first_ip_and_endpoints_list_every_apiserver(self):
        out = self.kubectl("get", "svc", "kubernetes").stdout
        self.assertRegex(out, r"kubernetes\s+ClusterIP\s+10\.0\.0\.1\s+<none>\s+443/TCP")
        svc = self.json_of("get", "svc", "kubernetes")
        self.assertEqual(svc["metadata"]["labels"],
                         {"component": "apiserver", "provider": "kubernetes"})
        self.assertEqual(svc["spec"]["ports"][0]["targetPort"], 6443)

        wait_for(lambda: self.endpoint_ips() == ["127.0.0.2", "127.0.0.3"], 15.0, what="both apiservers in the kubernetes Endpoints")
        out = self.kubectl("get", "endpoints", "kubernetes").stdout
        self.assertIn("127.0.0.2:6443,127.0.0.3:6443", out)
        slice_ = self.json_of("get", "endpointslice", "kubernetes")
        self.assertEqual(sorted(a for e in slice_["endpoints"] for a in e["addresses"]),
                         ["127.0.0.2", "127.0.0.3"])

    def endpoint_ips(self):
        ep = self.json_of("get", "endpoints", "kubernetes")
        return [a["ip"] for s in ep.get("subsets", []) for a in s["addresses"]]

    def test_a_stopped_apiserver_leaves_the_kubernetes_endpoints(self):
        port = free_port()
        extra = Process("c8s-apiserver-extra", [
            apiserver_binary(), "--etcd-servers", self.store.members[0].client_url,
            "--insecure-port", str(port), "--etcd-compaction-interval", "0",
            "--advertise-address", "127.0.0.4", "--service-node-port-range", "30000-30300"],
            os.path.join(self.dir, "apiserver-extra.log")).start()
        try:
            self.wait_ready(extra, f"http://127.0.0.1:{port}")
            wait_for(lambda: "127.0.0.4" in self.endpoint_ips(), 15.0,
                     what="the new apiserver in the kubernetes Endpoints")
        finally:
            extra.stop()
        wait_for(lambda: self.endpoint_ips() == ["127.0.0.2", "127.0.0.3"], 15.0,
                 what="the stopped apiserver gone from the kubernetes Endpoints")

    def test_services_get_distinct_addresses_and_requested_ones_are_honoured_once(self):
        self.kubectl("create", "namespace", "svcs")
        self.kubectl("create", "service", "clusterip", "a", "-n", "svcs", "--tcp=80:8080")
        self.kubectl("create", "service", "nodeport", "b", "-n", "svcs", "--tcp=80:8080",
                     "--tcp=443:8443")
        a = self.json_of("get", "svc", "a", "-n", "svcs")["spec"]
        b = self.json_of("get", "svc", "b", "-n", "svcs")["spec"]
        self.assertNotEqual(a["clusterIP"], b["clusterIP"])
        self.assertNotEqual(a["clusterIP"], "10.0.0.1")
        self.assertEqual(a["clusterIPs"], [a["clusterIP"]])
        self.assertEqual(a["ipFamilies"], ["IPv4"])
        self.assertEqual(a["ipFamilyPolicy"], "SingleStack")
        self.assertEqual(a["internalTrafficPolicy"], "Cluster")
        self.assertNotIn("externalTrafficPolicy", a)
        self.assertEqual(b["externalTrafficPolicy"], "Cluster")
        ports = [p["nodePort"] for p in b["ports"]]
        self.assertEqual(len(set(ports)), 2)
        self.assertTrue(all(30000 <= p <= 30300 for p in ports), ports)

        self.kubectl("create", "service", "clusterip", "fixed", "-n", "svcs", "--tcp=80:80",
                     "--clusterip=10.0.0.5")
        taken = self.kubectl("create", "service", "clusterip", "again", "-n", "svcs",
                             "--tcp=80:80", "--clusterip=10.0.0.5", check=False)
        self.assertEqual(taken.returncode, 1)
        self.assertEqual(taken.stderr.strip(),
                         'error: failed to create ClusterIP service: Service "again" is invalid: '
                         'spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to '
                         'allocate IP 10.0.0.5: provided IP is already allocated')
        outside = self.kubectl("create", "service", "clusterip", "outside", "-n", "svcs",
                               "--tcp=80:80", "--clusterip=10.1.0.5", check=False)
        self.assertIn('spec.clusterIPs: Invalid value: []string{"10.1.0.5"}: failed to allocate '
                      'IP 10.1.0.5: the provided IP (10.1.0.5) is not in the valid range. The '
                      'range of valid IPs is 10.0.0.0/24', outside.stderr)
        headless = self.kubectl("create", "service", "clusterip", "headless", "-n", "svcs",
                                "--clusterip=None")
        self.assertEqual(headless.returncode, 0)
        self.assertEqual(self.json_of("get", "svc", "headless", "-n", "svcs")["spec"]["clusterIP"],
                         "None")

        # 30010 lies in the range's static band (its first 16 ports), which random
        # allocations leave alone while the rest has room: no earlier service can hold it.
        self.kubectl("create", "service", "nodeport", "np1", "-n", "svcs", "--tcp=80:80",
                     "--node-port=30010")
        clash = self.kubectl("create", "service", "nodeport", "np2", "-n", "svcs",
                             "--tcp=80:80", "--node-port=30010", check=False)
        self.assertEqual(clash.stderr.strip(),
                         'error: failed to create NodePort service: Service "np2" is invalid: '
                         'spec.ports[0].nodePort: Invalid value: 30010: provided port is already '
                         'allocated')
        far = self.kubectl("create", "service", "nodeport", "np3", "-n", "svcs", "--tcp=80:80",
                           "--node-port=31000", check=False)
        self.assertIn('spec.ports[0].nodePort: Invalid value: 31000: provided port is not in the '
                      'valid range. The range of valid ports is 30000-30300', far.stderr)

        # Delete gives the address and the port back.
        self.kubectl("delete", "svc", "fixed", "np1", "-n", "svcs")
        self.kubectl("create", "service", "clusterip", "again", "-n", "svcs", "--tcp=80:80",
                     "--clusterip=10.0.0.5")
        self.kubectl("create", "service", "nodeport", "np2", "-n", "svcs", "--tcp=80:80",
                     "--node-port=30010")
        # A replace without the allocated values keeps them; a type change to ClusterIP frees
        # the node port.
        svc = self.json_of("get", "svc", "np2", "-n", "svcs")
        before = svc["spec"]["clusterIP"]
        del svc["spec"]["clusterIP"], svc["spec"]["clusterIPs"], svc["spec"]["ports"][0]["nodePort"]
        self.kubectl("replace", "-f", "-", stdin=json.dumps(svc))
        kept = self.json_of("get", "svc", "np2", "-n", "svcs")["spec"]
        self.assertEqual(kept["clusterIP"], before)
        self.assertEqual(kept["ports"][0]["nodePort"], 30010)
        self.kubectl("patch", "svc", "np2", "-n", "svcs", "--type=json", "-p",
                     '[{"op":"replace","path":"/spec/type","value":"ClusterIP"}]')
        self.assertNotIn("nodePort",
                         self.json_of("get", "svc", "np2", "-n", "svcs")["spec"]["ports"][0])
        self.kubectl("create", "service", "nodeport", "np4", "-n", "svcs", "--tcp=80:80",
                     "--node-port=30010")

    def test_two_apiservers_allocating_at_once_never_hand_out_a_value_twice(self):
        self.kubectl("create", "namespace", "race")
        failures = []

        def create(server, prefix, count):
            for i in range(count):
                body = {"apiVersion": "v1", "kind": "Service",
                        "metadata": {"name": f"{prefix}-{i}"},
                        "spec": {"type": "NodePort", "ports": [{"port": 80}]}}
                code, answer = self.api("POST", "/api/v1/namespaces/race/services", body,
                                        server=server)
                if code != 201:
                    failures.append((code, answer.get("message")))

        threads = []
        for s, server in enumerate(self.servers):
            for t in range(2):
                threads.append(threading.Thread(target=create, args=(server, f"s{s}t{t}", 20)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        code, listed = self.api("GET", "/api/v1/services")
        self.assertEqual(code, 200)
        ips = [s["spec"]["clusterIP"] for s in listed["items"]
               if s["spec"].get("clusterIP") not in (None, "None")]
        node_ports = [p["nodePort"] for s in listed["items"] for p in s["spec"].get("ports", [])
                      if "nodePort" in p]
        self.assertEqual(len(ips), len(set(ips)), "duplicate ClusterIPs")
        self.assertEqual(len(node_ports), len(set(node_ports)), "duplicate nodePorts")
        race = [s for s in listed["items"] if s["metadata"]["namespace"] == "race"]
        self.assertEqual(len(race), 80)

    def test_service_account_defaults_and_must_exist(self):
        self.kubectl("create", "namespace", "sa")
        wait_for(lambda: self.kubectl("get", "sa", "default", "-n", "sa", check=False)
                 .returncode == 0, 5.0, what="default ServiceAccount")
        self.kubectl("run", "p", "-n", "sa", "--image=busybox")
        spec = self.json_of("get", "pod", "p", "-n", "sa")["spec"]
        self.assertEqual(spec["serviceAccountName"], "default")
        self.assertEqual(spec["serviceAccount"], "default")
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "namespace": "sa"},
               "spec": {"serviceAccountName": "nope",
                        "containers": [{"name": "c", "image": "busybox"}]}}
        denied = self.kubectl("create", "-f", "-", stdin=json.dumps(pod), check=False)
        self.assertEqual(denied.returncode, 1)
        self.assertEqual(denied.stderr.strip(),
                         'Error from server (Forbidden): error when creating "STDIN": pods "x" is '
                         'forbidden: error looking up service account sa/nope: serviceaccount '
                         '"nope" not found')
        self.kubectl("create", "serviceaccount", "nope", "-n", "sa")
        self.kubectl("create", "-f", "-", stdin=json.dumps(pod))

    def test_limit_ranges_default_and_bound_containers(self):
        self.kubectl("create", "namespace", "lr")
        limits = {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"},
                  "spec": {"limits": [{"type": "Container", "max": {"cpu": "500m"},
                                       "default": {"cpu": "200m", "memory": "128Mi"},
                                       "defaultRequest": {"cpu": "100m"}}]}}
        self.kubectl("apply", "-n", "lr", "-f", "-", stdin=json.dumps(limits))
        self.kubectl("run", "small", "-n", "lr", "--image=busybox")
        pod = self.json_of("get", "pod", "small", "-n", "lr")
        self.assertEqual(pod["spec"]["containers"][0]["resources"],
                         {"limits": {"cpu": "200m", "memory": "128Mi"},
                          "requests": {"cpu": "100m", "memory": "128Mi"}})
        self.assertEqual(pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"],
                         "LimitRanger plugin set: cpu, memory request for container small; "
                         "cpu, memory limit for container small")
        big = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big"},
               "spec": {"containers": [{"name": "c", "image": "busybox",
                                        "resources": {"limits": {"cpu": "1"}}}]}}
        denied = self.kubectl("create", "-n", "lr", "-f", "-", stdin=json.dumps(big),
                              check=False)
        self.assertEqual(denied.stderr.strip(),
                         'Error from server (Forbidden): error when creating "STDIN": pods "big" '
                         'is forbidden: maximum cpu usage per Container is 500m, but limit is 1')

    def test_resource_quota_counts_refuses_and_gives_back_on_delete(self):
        self.kubectl("create", "namespace", "q")
        self.kubectl("create", "quota", "q", "-n", "q", "--hard=pods=2,services.nodeports=1")
        quota = self.json_of("get", "quota", "q", "-n", "q")
        self.assertEqual(quota["status"]["used"], {"pods": "0", "services.nodeports": "0"})
        self.kubectl("run", "p1", "-n", "q", "--image=busybox")
        self.kubectl("run", "p2", "-n", "q", "--image=busybox", server=self.servers[1])
        denied = self.kubectl("run", "p3", "-n", "q", "--image=busybox", check=False)
        self.assertEqual(denied.returncode, 1)
        self.assertEqual(denied.stderr.strip(),
                         'Error from server (Forbidden): pods "p3" is forbidden: exceeded quota: '
                         'q, requested: pods=1, used: pods=2, limited: pods=2')
        self.assertEqual(self.json_of("get", "quota", "q", "-n", "q")["status"]["used"]["pods"],
                         "2")
        self.kubectl("delete", "pod", "p1", "-n", "q", "--wait=false")
        self.assertEqual(self.json_of("get", "quota", "q", "-n", "q")["status"]["used"]["pods"],
                         "1")
        self.kubectl("run", "p3", "-n", "q", "--image=busybox")
        np = self.kubectl("create", "service", "nodeport", "two", "-n", "q", "--tcp=80:80",
                          "--tcp=81:81", check=False)
        self.assertIn('services "two" is forbidden: exceeded quota: q, requested: '
                      'services.nodeports=2, used: services.nodeports=0, limited: '
                      'services.nodeports=1', np.stderr)
        self.kubectl("create", "service", "nodeport", "one", "-n", "q", "--tcp=80:80")


if __name__ == "__main__":
    main()
