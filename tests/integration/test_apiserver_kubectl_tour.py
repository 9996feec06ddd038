#!/usr/bin/env python3
"""A user's tour with the real kubectl 1.32 against c8s-apiserver on c8s-store, for what the
other kubectl tests leave out: describe (with events found through involvedObject field
selectors), edit with a scripted EDITOR, every get output format and watch mode, cluster-info,
version, api-resources/api-versions, auth can-i, the service/secret generators, expose, run,
set image, rollout history, wait, events, label/annotate edge cases, --dry-run=server and
get --raw. Outputs are compared with what kubectl prints against kube-apiserver 1.32 with no
controllers running.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import wait_for  # noqa: E402
from c8stest.apitest import ApiserverCase  # noqa: E402
from c8stest.runner import main  # noqa: E402

PODS = "/api/v1/namespaces/{ns}/pods/"
EVENTS = "/api/v1/namespaces/{ns}/events"

# An EDITOR for kubectl edit: records each file it is given under $EDIT_LOG (0, 1, ...) and,
# on the first call only, applies the replacement $EDIT_FROM -> $EDIT_TO (none: no change).
EDITOR_SCRIPT = """#!/usr/bin/env python3
import os, sys
path = sys.argv[-1]
with open(path) as f:
    text = f.read()
log = os.environ["EDIT_LOG"]
n = len(os.listdir(log))
with open(os.path.join(log, str(n)), "w") as f:
    f.write(text)
if n == 0 and os.environ.get("EDIT_FROM"):
    assert os.environ["EDIT_FROM"] in text, text
    with open(path, "w") as f:
        f.write(text.replace(os.environ["EDIT_FROM"], os.environ["EDIT_TO"]))
"""


def lines_of(text):
    """Non-empty lines, each split into its columns."""
    return [line.split() for line in text.splitlines() if line.strip()]


class KubectlTour(ApiserverCase):
    # ---- helpers ----

    def env_kubectl(self, *args, env=None, check=True, timeout=30):
        """kubectl with extra environment (EDITOR, TMPDIR ...); returns the CompletedProcess."""
        full = dict(os.environ, HOME=self.api.dir, KUBECONFIG=os.path.join(self.api.dir, "none"),
                    TMPDIR=self.api.dir, **(env or {}))
        done = subprocess.run(["kubectl", "--server", self.api.server, "--cache-dir",
                               os.path.join(self.api.dir, "cache"), *args],
                              capture_output=True, text=True, timeout=timeout, env=full)
        if check and done.returncode != 0:
            self.fail(f"kubectl {' '.join(args)} exited {done.returncode}: {done.stderr}")
        return done

    def popen_kubectl(self, *args):
        env = dict(os.environ, HOME=self.api.dir, KUBECONFIG=os.path.join(self.api.dir, "none"))
        return subprocess.Popen(["kubectl", "--server", self.api.server, "--cache-dir",
                                 os.path.join(self.api.dir, "cache"), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def out(self, *args):
        return self.kubectl(*args).stdout

    def json_of(self, *args):
        return json.loads(self.out(*args, "-o", "json"))

    def wait_watches(self, resource, scope, count):
        """Waits until /metrics counts count open watches of resource at scope."""
        line = re.compile(r'^apiserver_longrunning_requests\{[^}]*resource="%s",scope="%s",'
                          r'[^}]*verb="WATCH"[^}]*\} (\d+)$' % (resource, scope), re.M)

        def open_watches():
            with urllib.request.urlopen(self.api.server + "/metrics", timeout=5) as r:
                found = line.search(r.read().decode())
            return found is not None and int(found.group(1)) >= count
        wait_for(open_watches, 20.0, what=f"{count} watches of {resource}")

    def namespace(self, name):
        self.kubectl("create", "namespace", name)
        return name

    def pod(self, ns, name, labels=None, node=None, requests=None):
        container = {"name": "c", "image": "busybox:1.36"}
        if requests:
            container["resources"] = {"requests": requests}
        spec = {"containers": [container]}
        if node:
            spec["nodeName"] = node
        code, obj = self.http("POST", PODS.format(ns=ns)[:-1], {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": labels or {}}, "spec": spec})
        self.assertEqual(code, 201, obj)
        return obj

    def event(self, ns, name, involved, reason, message, kind="Pod", api_version="v1"):
        code, obj = self.http("POST", EVENTS.format(ns=ns), {
            "apiVersion": "v1", "kind": "Event", "metadata": {"name": name},
            "involvedObject": {"kind": kind, "apiVersion": api_version, "namespace": ns,
                               "name": involved["metadata"]["name"],
                               "uid": involved["metadata"]["uid"]},
            "reason": reason, "message": message, "type": "Normal", "count": 1,
            "source": {"component": "tour"},
            "firstTimestamp": "2025-01-01T00:00:00Z", "lastTimestamp": "2025-01-01T00:00:00Z"})
        self.assertEqual(code, 201, obj)

    def editor(self, replace_from=None, replace_to=None):
        """The environment for kubectl edit with the recording EDITOR; returns (env, log dir)."""
        path = os.path.join(self.api.dir, "editor.py")
        if not os.path.exists(path):
            with open(path, "w") as f:
                f.write(EDITOR_SCRIPT)
            os.chmod(path, 0o755)
        log = os.path.join(self.api.dir, f"edits-{len(os.listdir(self.api.dir))}")
        os.mkdir(log)
        env = {"EDITOR": path, "KUBE_EDITOR": path, "EDIT_LOG": log}
        if replace_from:
            env.update(EDIT_FROM=replace_from, EDIT_TO=replace_to)
        return env, log

    # ---- describe ----

    def test_describe_pod_shows_its_fields_and_the_events_about_it(self):
        ns = self.namespace("desc-pod")
        pod = self.pod(ns, "web", labels={"app": "web", "tier": "front"})
        other = self.pod(ns, "other")
        text = self.out("describe", "pod", "web", "-n", ns)
        self.assertRegex(text, r"(?m)^Name:\s+web$")
        self.assertRegex(text, r"(?m)^Namespace:\s+desc-pod$")
        self.assertRegex(text, r"(?m)^Labels:\s+app=web\n\s+tier=front$")
        self.assertRegex(text, r"(?m)^Status:\s+Pending$")
        self.assertRegex(text, r"(?m)^Service Account:\s+default$")
        self.assertRegex(text, r"(?m)^    Image:\s+busybox:1\.36$")
        self.assertRegex(text, r"(?m)^Events:\s+<none>$")

        # describe finds events with involvedObject.{name,namespace,kind,uid} field selectors.
        self.event(ns, "web.1", pod, "Scheduled", "Successfully assigned desc-pod/web to n1")
        self.event(ns, "other.1", other, "Pulled", "about the other pod")
        text = self.out("describe", "pod", "web", "-n", ns)
        events = text[text.index("\nEvents:"):]
        self.assertRegex(events, r"Type\s+Reason\s+Age\s+From\s+Message")
        self.assertRegex(events, r"Normal\s+Scheduled\s+\S+\s+tour\s+Successfully assigned "
                                 r"desc-pod/web to n1")
        self.assertNotIn("about the other pod", events)

        def selected(selector):
            code, got = self.http("GET", EVENTS.format(ns=ns) + "?fieldSelector=" + selector)
            self.assertEqual(code, 200, got)
            return sorted(e["metadata"]["name"] for e in got["items"])
        uid = pod["metadata"]["uid"]
        self.assertEqual(selected(f"involvedObject.name=web,involvedObject.namespace={ns},"
                                  f"involvedObject.kind=Pod,involvedObject.uid={uid}"), ["web.1"])
        self.assertEqual(selected("involvedObject.kind=Pod"), ["other.1", "web.1"])
        self.assertEqual(selected("involvedObject.uid=not-this-one"), [])
        self.assertEqual(selected("reason=Pulled,type=Normal"), ["other.1"])

        # kubectl events (and --for) lists them with the object as Kind/name.
        table = lines_of(self.out("events", "-n", ns, "--for", "pod/web"))
        self.assertEqual(table[0], ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"])
        self.assertEqual(len(table), 2)
        self.assertEqual(table[1][1:4], ["Normal", "Scheduled", "Pod/web"])
        self.assertEqual(len(lines_of(self.out("events", "-n", ns))), 3)
        rows = lines_of(self.out("get", "events", "-n", ns))
        self.assertEqual(rows[0], ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"])
        self.assertIn(["Normal", "Scheduled", "pod/web"], [r[1:4] for r in rows[1:]])

    def test_describe_deployment_service_namespace_and_node(self):
        ns = self.namespace("desc-many")
        self.kubectl("create", "deployment", "api", "-n", ns, "--image=nginx:1.27",
                     "--replicas=2")
        text = self.out("describe", "deploy", "api", "-n", ns)
        for pattern in (r"^Name:\s+api$", r"^Namespace:\s+desc-many$", r"^Labels:\s+app=api$",
                        r"^Selector:\s+app=api$",
                        r"^Replicas:\s+2 desired \| 0 updated \| 0 total \| 0 available \| "
                        r"0 unavailable$",
                        r"^StrategyType:\s+RollingUpdate$",
                        r"^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$",
                        r"^   nginx:$", r"^    Image:\s+nginx:1\.27$", r"^Events:\s+<none>$"):
            self.assertRegex(text, "(?m)" + pattern)
        deploy = self.json_of("get", "deploy", "api", "-n", ns)
        self.event(ns, "api.1", deploy, "ScalingReplicaSet", "Scaled up replica set api-1 to 2",
                   kind="Deployment", api_version="apps/v1")
        self.assertRegex(self.out("describe", "deploy", "api", "-n", ns),
                         r"Normal\s+ScalingReplicaSet\s+\S+\s+tour\s+Scaled up replica set")

        self.kubectl("create", "service", "nodeport", "api", "-n", ns, "--tcp=80:8080",
                     "--node-port=30123")
        text = self.out("describe", "svc", "api", "-n", ns)
        ip = self.json_of("get", "svc", "api", "-n", ns)["spec"]["clusterIP"]
        for pattern in (r"^Name:\s+api$", r"^Selector:\s+app=api$", r"^Type:\s+NodePort$",
                        rf"^IP:\s+{re.escape(ip)}$", r"^Port:\s+80-8080\s+80/TCP$",
                        r"^TargetPort:\s+8080/TCP$", r"^NodePort:\s+80-8080\s+30123/TCP$",
                        r"^Session Affinity:\s+None$", r"^External Traffic Policy:\s+Cluster$",
                        r"^Events:\s+<none>$"):
            self.assertRegex(text, "(?m)" + pattern)

        text = self.out("describe", "namespace", ns)
        self.assertRegex(text, r"(?m)^Name:\s+desc-many$")
        self.assertRegex(text, rf"(?m)^Labels:\s+kubernetes.io/metadata.name={ns}$")
        self.assertRegex(text, r"(?m)^Status:\s+Active$")
        self.assertIn("No resource quota.", text)
        self.assertIn("No LimitRange resource.", text)

        code, node = self.http("POST", "/api/v1/nodes", {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "tour-node", "labels": {
                "kubernetes.io/hostname": "tour-node", "node-role.kubernetes.io/worker": ""}},
            "spec": {"podCIDR": "10.244.7.0/24",
                     "taints": [{"key": "dedicated", "value": "tour", "effect": "NoSchedule"}]}})
        self.assertEqual(code, 201, node)
        # Converting v1 to the internal type fills podCIDRs from podCIDR.
        self.assertEqual(node["spec"].get("podCIDRs"), ["10.244.7.0/24"])
        self.pod(ns, "placed", node="tour-node", requests={"cpu": "100m", "memory": "64Mi"})
        text = self.out("describe", "node", "tour-node")
        for pattern in (r"^Name:\s+tour-node$", r"^Roles:\s+worker$",
                        r"^Labels:\s+kubernetes.io/hostname=tour-node$",
                        r"^Taints:\s+dedicated=tour:NoSchedule$", r"^Unschedulable:\s+false$",
                        r"^PodCIDR:\s+10.244.7.0/24$", r"^PodCIDRs:\s+10.244.7.0/24$",
                        r"^Non-terminated Pods:\s+\(1 in total\)$",
                        r"^  desc-many\s+placed\s+100m ", r"^Events:\s+<none>$"):
            self.assertRegex(text, "(?m)" + pattern)
        rows = lines_of(self.out("get", "node", "tour-node"))
        self.assertEqual(rows[0], ["NAME", "STATUS", "ROLES", "AGE", "VERSION"])
        self.assertEqual(rows[1][:3], ["tour-node", "Unknown", "worker"])

    # ---- edit ----

    def test_edit_with_a_scripted_editor(self):
        ns = self.namespace("edits")
        self.kubectl("create", "deployment", "ed", "-n", ns, "--image=nginx", "--replicas=1")
        env, log = self.editor("replicas: 1", "replicas: 4")
        done = self.env_kubectl("edit", "deploy", "ed", "-n", ns, env=env)
        self.assertEqual(done.stdout.strip(), "deployment.apps/ed edited")
        with open(os.path.join(log, "0")) as f:
            shown = f.read()
        self.assertTrue(shown.startswith("# Please edit the object below."), shown)
        self.assertIn("kind: Deployment\n", shown)
        deploy = self.json_of("get", "deploy", "ed", "-n", ns)
        self.assertEqual(deploy["spec"]["replicas"], 4)
        self.assertEqual(deploy["metadata"]["generation"], 2)

        env, _ = self.editor()
        done = self.env_kubectl("edit", "deploy", "ed", "-n", ns, env=env)
        self.assertEqual(done.stderr.strip(), "Edit cancelled, no changes made.")
        self.assertEqual(self.json_of("get", "deploy", "ed", "-n", ns)["metadata"]["generation"],
                         2)

        # An invalid edit: kubectl reopens the file with the server's field errors on top; the
        # unchanged second save gives up and keeps a copy.
        env, log = self.editor("replicas: 4", "replicas: -3")
        done = self.env_kubectl("edit", "deploy", "ed", "-n", ns, env=env, check=False)
        self.assertEqual(done.returncode, 1)
        self.assertIn('error: deployments.apps "ed" is invalid', done.stderr)
        self.assertIn("error: Edit cancelled, no valid changes were saved.", done.stderr)
        with open(os.path.join(log, "1")) as f:
            reopened = f.read()
        self.assertIn('# deployments.apps "ed" was not valid:\n'
                      "# * spec.replicas: Invalid value: -3: must be greater than or equal to 0\n",
                      reopened)
        self.assertEqual(self.json_of("get", "deploy", "ed", "-n", ns)["spec"]["replicas"], 4)

    # ---- get ----

    def test_get_in_every_output_format(self):
        ns = self.namespace("formats")
        self.pod(ns, "b-pod", labels={"app": "b", "tier": "back"})
        self.pod(ns, "a-pod", labels={"app": "a"})
        wide = lines_of(self.out("get", "pods", "-n", ns, "-o", "wide"))
        self.assertEqual(wide[0], ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE",
                                   "NOMINATED", "NODE", "READINESS", "GATES"])
        self.assertEqual([r[:3] for r in wide[1:]], [["a-pod", "0/1", "Pending"],
                                                      ["b-pod", "0/1", "Pending"]])
        self.assertEqual(wide[1][5:], ["<none>"] * 4)
        listed = json.loads(self.out("get", "pods", "-n", ns, "-o", "json"))
        self.assertEqual(listed["kind"], "List")
        self.assertEqual([p["metadata"]["name"] for p in listed["items"]], ["a-pod", "b-pod"])
        yaml = self.out("get", "pod", "a-pod", "-n", ns, "-o", "yaml")
        self.assertIn("kind: Pod\n", yaml)
        self.assertIn("  namespace: formats\n", yaml)
        self.assertEqual(self.out("get", "pods", "-n", ns, "-o", "name").split(),
                         ["pod/a-pod", "pod/b-pod"])
        self.assertEqual(self.out("get", "pods", "-n", ns, "-o",
                                  "jsonpath={.items[*].metadata.name}"), "a-pod b-pod")
        self.assertEqual(self.out("get", "pod", "b-pod", "-n", ns, "-o",
                                  "jsonpath={.metadata.labels.tier}"), "back")
        self.assertEqual(lines_of(self.out("get", "pods", "-n", ns, "-o",
                                           "custom-columns=NAME:.metadata.name,APP:.metadata"
                                           ".labels.app,TIER:.metadata.labels.tier")),
                         [["NAME", "APP", "TIER"], ["a-pod", "a", "<none>"],
                          ["b-pod", "b", "back"]])
        self.assertEqual(self.out("get", "pods", "-n", ns, "-o",
                                  'go-template={{range .items}}{{.metadata.name}}:'
                                  '{{.spec.restartPolicy}} {{end}}'),
                         "a-pod:Always b-pod:Always ")
        shown = lines_of(self.out("get", "pods", "-n", ns, "--show-labels"))
        self.assertEqual(shown[0][-1], "LABELS")
        self.assertEqual(shown[2][-1], "app=b,tier=back")
        columns = lines_of(self.out("get", "pods", "-n", ns, "-L", "tier", "-L", "app"))
        self.assertEqual(columns[0][-2:], ["TIER", "APP"])
        # a-pod has no tier: an empty cell, so one word fewer on its line.
        self.assertEqual(columns[1][-1], "a")
        self.assertEqual(len(columns[1]), len(columns[2]) - 1)
        self.assertEqual(columns[2][-2:], ["back", "b"])
        by_name = self.out("get", "pods", "-n", ns, "--sort-by=.metadata.labels.app",
                           "-o", "name").split()
        self.assertEqual(by_name, ["pod/a-pod", "pod/b-pod"])
        by_column = self.out("get", "pods", "-n", ns, "--sort-by=.metadata.name",
                                "-o", "custom-columns=N:.metadata.name", "--no-headers").split()
        self.assertEqual(by_column, ["a-pod", "b-pod"])
        selected = lines_of(self.out("get", "pods", "-n", ns, "-l", "tier=back"))
        self.assertEqual(selected[0], ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])
        self.assertEqual([r[:4] for r in selected[1:]], [["b-pod", "0/1", "Pending", "0"]])
        absent = self.kubectl("get", "pods", "-n", ns, "-l", "app=none")
        self.assertEqual(absent.stdout, "")
        self.assertEqual(absent.stderr.strip(), "No resources found in formats namespace.")
        every = lines_of(self.out("get", "pods", "-A", "-l", "app in (a,b)"))
        self.assertEqual(every[0][:2], ["NAMESPACE", "NAME"])
        self.assertEqual([r[:2] for r in every[1:]], [[ns, "a-pod"], [ns, "b-pod"]])

    def test_get_all_lists_the_all_category(self):
        ns = self.namespace("everything")
        self.pod(ns, "lonely")
        self.kubectl("create", "deployment", "d", "-n", ns, "--image=nginx", "--replicas=0")
        self.kubectl("create", "service", "clusterip", "s", "-n", ns, "--tcp=80")
        self.kubectl("create", "job", "j", "-n", ns, "--image=busybox")
        self.kubectl("create", "cronjob", "c", "-n", ns, "--image=busybox",
                     "--schedule=@daily")
        self.kubectl("create", "configmap", "not-in-all", "-n", ns)
        names = self.out("get", "all", "-n", ns, "-o", "name").split()
        self.assertEqual(sorted(names), sorted([
            "pod/lonely", "service/s", "deployment.apps/d", "job.batch/j", "cronjob.batch/c"]))
        text = self.out("get", "all", "-n", ns)
        self.assertRegex(text, r"\n\nNAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n"
                               r"service/s\s+ClusterIP\s+10\.0\.0\.\d+\s+<none>\s+80/TCP\s")
        self.assertRegex(text, r"job\.batch/j\s+Running\s+0/1")
        self.assertRegex(text, r"cronjob\.batch/c\s+@daily\s+<none>\s+False\s+0\s+<none>")

    def test_get_watch_and_watch_only(self):
        ns = self.namespace("watching")
        self.kubectl("create", "configmap", "before", "-n", ns)
        watcher = self.popen_kubectl("get", "cm", "-n", ns, "-w", "--request-timeout=20s")
        only = self.popen_kubectl("get", "cm", "-n", ns, "--watch-only", "--output-watch-events",
                                  "--request-timeout=20s")
        try:
            self.assertEqual(watcher.stdout.readline().split(), ["NAME", "DATA", "AGE"])
            self.assertEqual(watcher.stdout.readline().split()[:2], ["before", "0"])
            # --watch-only prints nothing for what exists; change things once both watch.
            self.wait_watches("configmaps", "namespace", 2)
            self.kubectl("create", "configmap", "after", "-n", ns, "--from-literal=k=v")
            self.assertEqual(watcher.stdout.readline().split()[:2], ["after", "1"])
            self.assertEqual(only.stdout.readline().split(), ["EVENT", "NAME", "DATA", "AGE"])
            self.assertEqual(only.stdout.readline().split()[:3], ["ADDED", "after", "1"])
            self.kubectl("label", "cm", "before", "-n", ns, "x=y")
            self.assertEqual(watcher.stdout.readline().split()[:2], ["before", "0"])
            self.assertEqual(only.stdout.readline().split()[:3], ["MODIFIED", "before", "0"])
            self.kubectl("delete", "cm", "after", "-n", ns)
            self.assertEqual(only.stdout.readline().split()[:3], ["DELETED", "after", "1"])
        finally:
            for p in (watcher, only):
                p.kill()
                p.communicate()

    # ---- cluster, discovery and authorization ----

    def test_cluster_info_version_and_discovery(self):
        info = self.out("cluster-info")
        self.assertIn(f"Kubernetes control plane is running at {self.api.server}", info)
        version = json.loads(self.out("version", "-o", "json"))
        self.assertEqual(version["serverVersion"]["major"], "1")
        self.assertEqual(version["serverVersion"]["minor"], "32")
        self.assertTrue(version["serverVersion"]["gitVersion"].startswith("v1.32."))
        versions = self.out("api-versions").split()
        for gv in ("v1", "apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1",
                   "authorization.k8s.io/v1", "coordination.k8s.io/v1", "policy/v1"):
            self.assertIn(gv, versions)
        self.assertEqual(versions, sorted(versions))
        rows = lines_of(self.out("api-resources"))
        self.assertEqual(rows[0], ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"])
        by_name = {r[0]: r for r in rows[1:]}
        self.assertEqual(by_name["pods"], ["pods", "po", "v1", "true", "Pod"])
        self.assertEqual(by_name["namespaces"], ["namespaces", "ns", "v1", "false", "Namespace"])
        self.assertEqual(by_name["cronjobs"], ["cronjobs", "cj", "batch/v1", "true", "CronJob"])
        cluster = self.out("api-resources", "--namespaced=false", "-o", "name").split()
        self.assertIn("nodes", cluster)
        self.assertIn("clusterroles.rbac.authorization.k8s.io", cluster)
        self.assertNotIn("pods", cluster)
        wide = lines_of(self.out("api-resources", "--api-group=apps", "-o", "wide"))
        self.assertEqual(wide[0][-2:], ["VERBS", "CATEGORIES"])
        deploy = [r for r in wide if r[0] == "deployments"][0]
        self.assertEqual(deploy[-2:], ["create,delete,deletecollection,get,list,patch,update,"
                                       "watch", "all"])
        listed = self.out("api-resources", "--verbs=list", "--api-group=batch",
                          "-o", "name").split()
        self.assertEqual(listed, ["cronjobs.batch", "jobs.batch"])

    def test_auth_can_i(self):
        # The insecure port is authorized as AlwaysAllow does: everything, for anyone asked.
        for args in (("create", "pods"), ("delete", "nodes"), ("*", "*"),
                     ("get", "deployments.apps", "-n", "kube-system"),
                     ("get", "/healthz")):
            done = self.kubectl("auth", "can-i", *args)
            self.assertEqual(done.stdout.strip(), "yes", args)
        unknown = self.kubectl("auth", "can-i", "get", "widgets", check=False)
        self.assertEqual(unknown.stdout.strip(), "yes")
        self.assertIn("Warning: the server doesn't have a resource type 'widgets'", unknown.stderr)

    # ---- generators and workload helpers ----

    def test_create_services_and_secrets(self):
        ns = self.namespace("gens")
        self.kubectl("create", "service", "clusterip", "cip", "-n", ns, "--tcp=80:8080",
                     "--tcp=443:8443")
        self.kubectl("create", "service", "nodeport", "np", "-n", ns, "--tcp=81:8081")
        self.kubectl("create", "service", "clusterip", "headless", "-n", ns,
                     "--clusterip=None")
        rows = {r[0]: r for r in lines_of(self.out("get", "svc", "-n", ns))[1:]}
        self.assertEqual(rows["cip"][1], "ClusterIP")
        self.assertEqual(rows["cip"][4], "80/TCP,443/TCP")
        self.assertRegex(rows["cip"][2], r"^10\.0\.0\.\d+$")
        self.assertEqual(rows["np"][1], "NodePort")
        self.assertRegex(rows["np"][4], r"^81:3\d{4}/TCP$")
        self.assertEqual(rows["headless"][2], "None")
        svc = self.json_of("get", "svc", "cip", "-n", ns)
        self.assertEqual(svc["spec"]["selector"], {"app": "cip"})
        self.assertEqual([(p["name"], p["port"], p["targetPort"]) for p in svc["spec"]["ports"]],
                         [("80-8080", 80, 8080), ("443-8443", 443, 8443)])

        self.kubectl("create", "secret", "generic", "gen", "-n", ns, "--from-literal=user=admin",
                     "--from-literal=pass=s3cret")
        cert, key = os.path.join(self.api.dir, "tls.crt"), os.path.join(self.api.dir, "tls.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-subj", "/CN=tour", "-days", "1"], check=True,
                       capture_output=True)
        self.kubectl("create", "secret", "tls", "tls", "-n", ns, f"--cert={cert}", f"--key={key}")
        self.kubectl("create", "secret", "docker-registry", "pull", "-n", ns,
                     "--docker-server=registry.example.com", "--docker-username=u",
                     "--docker-password=p")
        rows = {r[0]: r[1:3] for r in lines_of(self.out("get", "secrets", "-n", ns))[1:]}
        self.assertEqual(rows, {"gen": ["Opaque", "2"], "tls": ["kubernetes.io/tls", "2"],
                                "pull": ["kubernetes.io/dockerconfigjson", "1"]})
        self.assertEqual(self.out("get", "secret", "gen", "-n", ns, "-o",
                                  "jsonpath={.data.user}"), "YWRtaW4=")
        text = self.out("describe", "secret", "pull", "-n", ns)
        self.assertRegex(text, r"(?m)^Type:\s+kubernetes.io/dockerconfigjson$")
        self.assertRegex(text, r"(?m)^\.dockerconfigjson:\s+\d+ bytes$")
        bad = self.kubectl("create", "secret", "tls", "broken", "-n", ns, f"--cert={cert}",
                           f"--key={cert}", check=False)
        self.assertEqual(bad.returncode, 1)

    def test_run_expose_set_image_and_rollout_history(self):
        ns = self.namespace("workflow")
        self.assertEqual(self.out("run", "solo", "-n", ns, "--image=nginx:1.27", "--port=80",
                                  "--labels=app=solo,tier=web").strip(), "pod/solo created")
        pod = self.json_of("get", "pod", "solo", "-n", ns)
        self.assertEqual(pod["metadata"]["labels"], {"app": "solo", "tier": "web"})
        self.assertEqual(self.out("expose", "pod", "solo", "-n", ns, "--port=8080",
                                  "--target-port=80").strip(), "service/solo exposed")
        svc = self.json_of("get", "svc", "solo", "-n", ns)
        self.assertEqual(svc["spec"]["selector"], {"app": "solo", "tier": "web"})
        self.assertEqual(svc["spec"]["ports"][0]["port"], 8080)
        self.assertEqual(svc["spec"]["ports"][0]["targetPort"], 80)

        self.kubectl("create", "deployment", "app", "-n", ns, "--image=nginx:1.27",
                     "--replicas=0")
        self.assertEqual(self.out("expose", "deploy", "app", "-n", ns, "--port=80",
                                  "--type=NodePort", "--name=app-np").strip(),
                         "service/app-np exposed")
        exposed = self.json_of("get", "svc", "app-np", "-n", ns)
        self.assertEqual(exposed["spec"]["type"], "NodePort")
        self.assertEqual(exposed["spec"]["selector"], {"app": "app"})
        self.assertEqual(self.out("set", "image", "deploy/app", "-n", ns,
                                  "nginx=nginx:1.28").strip(),
                         "deployment.apps/app image updated")
        deploy = self.json_of("get", "deploy", "app", "-n", ns)
        self.assertEqual(deploy["spec"]["template"]["spec"]["containers"][0]["image"],
                         "nginx:1.28")
        self.assertEqual(deploy["metadata"]["generation"], 2)
        missing = self.kubectl("set", "image", "deploy/app", "-n", ns, "nope=x", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn('unable to find container named "nope"', missing.stderr)
        # No ReplicaSets without the deployment controller: kubectl finds no history.
        history = self.kubectl("rollout", "history", "deploy/app", "-n", ns)
        self.assertEqual(history.stdout.splitlines(),
                         ["deployment.apps/app ", "No rollout history found."])
        self.assertEqual(self.out("rollout", "restart", "deploy/app", "-n", ns).strip(),
                         "deployment.apps/app restarted")
        annotations = self.json_of("get", "deploy", "app", "-n", ns)["spec"]["template"][
            "metadata"]["annotations"]
        self.assertIn("kubectl.kubernetes.io/restartedAt", annotations)

    def test_wait_for_delete_and_condition(self):
        ns = self.namespace("waiting")
        self.pod(ns, "going")
        pod = self.pod(ns, "getting-ready")
        deleting = self.popen_kubectl("wait", "--for=delete", "pod/going", "-n", ns,
                                      "--timeout=20s")
        ready = self.popen_kubectl("wait", "--for=condition=Ready", "pod/getting-ready",
                                   "-n", ns, "--timeout=20s")
        try:
            # Change the pods once both waits watch them (one-object watches by metadata.name).
            self.wait_watches("pods", "resource", 2)
            code, out = self.http("DELETE", PODS.format(ns=ns) + "going")
            self.assertEqual(code, 200, out)
            pod["status"] = {"phase": "Running", "conditions": [
                {"type": "Ready", "status": "True"}]}
            code, out = self.http("PUT", PODS.format(ns=ns) + "getting-ready/status", pod)
            self.assertEqual(code, 200, out)
            out, err = deleting.communicate(timeout=25)
            self.assertEqual((deleting.returncode, out.strip()), (0, "pod/going condition met"),
                             err)
            out, err = ready.communicate(timeout=25)
            self.assertEqual((ready.returncode, out.strip()),
                             (0, "pod/getting-ready condition met"), err)
        finally:
            for p in (deleting, ready):
                if p.poll() is None:
                    p.kill()
                    p.communicate()
        late = self.kubectl("wait", "--for=condition=Ready=False", "pod/getting-ready", "-n", ns,
                            "--timeout=1s", check=False)
        self.assertEqual(late.returncode, 1)
        self.assertIn("timed out waiting for the condition on pods/getting-ready", late.stderr)
        # Something already gone is deleted at once, and kubectl says nothing.
        absent = self.kubectl("wait", "--for=delete", "pod/never", "-n", ns, "--timeout=1s")
        self.assertEqual((absent.stdout, absent.stderr), ("", ""))

    # ---- changing objects ----

    def test_label_annotate_and_patch_edge_cases(self):
        ns = self.namespace("marks")
        self.kubectl("create", "configmap", "m", "-n", ns, "--from-literal=a=1")
        self.kubectl("label", "cm", "m", "-n", ns, "team=red")
        refused = self.kubectl("label", "cm", "m", "-n", ns, "team=blue", check=False)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("'team' already has a value (red), and --overwrite is false", refused.stderr)
        self.assertEqual(self.out("label", "cm", "m", "-n", ns, "team=blue",
                                  "--overwrite").strip(), "configmap/m labeled")
        self.kubectl("annotate", "cm", "m", "-n", ns, "note=hello", "keep=yes")
        self.assertEqual(self.out("annotate", "cm", "m", "-n", ns, "note-").strip(),
                         "configmap/m annotated")
        self.assertEqual(self.out("label", "cm", "m", "-n", ns, "team-").strip(),
                         "configmap/m unlabeled")
        meta = self.json_of("get", "cm", "m", "-n", ns)["metadata"]
        self.assertEqual(meta.get("annotations"), {"keep": "yes"})
        self.assertFalse(meta.get("labels"))
        # Labels on a whole selection, and a resourceVersion guard.
        self.kubectl("create", "configmap", "n", "-n", ns)
        self.assertEqual(sorted(self.out("label", "cm", "--all", "-n", ns, "all=yes").split(
            "\n")[:-1]), ["configmap/m labeled", "configmap/n labeled"])
        stale = self.kubectl("label", "cm", "n", "-n", ns, "x=1", "--resource-version=1",
                             check=False)
        self.assertEqual(stale.returncode, 1)
        self.assertIn('Operation cannot be fulfilled on configmaps "n": the object has been '
                      'modified', stale.stderr)

        self.kubectl("create", "deployment", "p", "-n", ns, "--image=nginx", "--replicas=1")
        self.kubectl("patch", "deploy", "p", "-n", ns, "--type=json", "-p", json.dumps([
            {"op": "replace", "path": "/spec/replicas", "value": 2},
            {"op": "add", "path": "/spec/template/spec/containers/0/env",
             "value": [{"name": "MODE", "value": "tour"}]}]))
        self.kubectl("patch", "deploy", "p", "-n", ns, "--type=merge", "-p",
                     '{"spec":{"minReadySeconds":5,"strategy":{"type":"Recreate",'
                     '"rollingUpdate":null}}}')
        spec = self.json_of("get", "deploy", "p", "-n", ns)["spec"]
        self.assertEqual(spec["replicas"], 2)
        self.assertEqual(spec["minReadySeconds"], 5)
        self.assertEqual(spec["strategy"], {"type": "Recreate"})
        self.assertEqual(spec["template"]["spec"]["containers"][0]["env"],
                         [{"name": "MODE", "value": "tour"}])
        nothing = self.kubectl("patch", "deploy", "p", "-n", ns, "--type=merge", "-p",
                               '{"spec":{"replicas":2}}')
        self.assertEqual(nothing.stdout.strip(), "deployment.apps/p patched (no change)")
        # A JSON patch that does not apply is a 422 without causes.
        bad = self.kubectl("patch", "deploy", "p", "-n", ns, "--type=json", "-p",
                           '[{"op":"replace","path":"/spec/nothing/here","value":1}]',
                           check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertEqual(bad.stderr.strip(), "The request is invalid: replace operation does not "
                         "apply: doc is missing path: /spec/nothing/here: missing value")

    def test_dry_run_server_changes_nothing(self):
        ns = self.namespace("dry")
        made = self.kubectl("create", "configmap", "d", "-n", ns, "--dry-run=server", "-o",
                            "json")
        cm = json.loads(made.stdout)
        self.assertRegex(cm["metadata"]["uid"], r"^[0-9a-f-]{36}$")
        self.assertNotIn("resourceVersion", cm["metadata"])
        self.assertIsNone(self.get(f"/api/v1/namespaces/{ns}/configmaps/d"))
        self.assertEqual(self.out("run", "r", "-n", ns, "--image=busybox",
                                  "--dry-run=server").strip(), "pod/r created (server dry run)")
        self.assertIsNone(self.get(f"/api/v1/namespaces/{ns}/pods/r"))
        self.kubectl("create", "deployment", "real", "-n", ns, "--image=nginx", "--replicas=1")
        self.assertEqual(self.out("scale", "deploy", "real", "-n", ns, "--replicas=5",
                                  "--dry-run=server").strip(),
                         "deployment.apps/real scaled (server dry run)")
        self.kubectl("label", "deploy", "real", "-n", ns, "x=y", "--dry-run=server")
        self.kubectl("set", "image", "deploy/real", "-n", ns, "nginx=nginx:2", "--dry-run=server")
        deploy = self.json_of("get", "deploy", "real", "-n", ns)
        self.assertEqual(deploy["spec"]["replicas"], 1)
        self.assertNotIn("x", deploy["metadata"]["labels"])
        self.assertEqual(deploy["metadata"]["generation"], 1)
        self.assertEqual(deploy["spec"]["template"]["spec"]["containers"][0]["image"], "nginx")
        # Server-side dry run still validates.
        invalid = self.kubectl("scale", "deploy", "real", "-n", ns, "--replicas=-2",
                               "--dry-run=server", check=False)
        self.assertEqual(invalid.returncode, 1)
        # kubectl diff is a dry-run apply: exit 1 with a diff, 0 without one.
        manifest = json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "cfg", "namespace": ns},
                               "data": {"k": "old"}})
        self.kubectl("apply", "-f", "-", stdin=manifest)
        self.assertEqual(self.kubectl("diff", "-f", "-", stdin=manifest).returncode, 0)
        changed = self.kubectl("diff", "-f", "-", stdin=manifest.replace("old", "new"),
                               check=False)
        self.assertEqual(changed.returncode, 1, changed.stderr)
        self.assertIn("-  k: old\n+  k: new\n", changed.stdout)
        self.assertEqual(self.json_of("get", "cm", "cfg", "-n", ns)["data"], {"k": "old"})

    def test_delete_all_in_a_namespace_and_raw_metrics(self):
        ns = self.namespace("sweep")
        keep = self.namespace("sweep-keep")
        for i in range(3):
            self.kubectl("create", "configmap", f"c{i}", "-n", ns)
        self.kubectl("create", "configmap", "stays", "-n", keep)
        out = self.out("delete", "cm", "--all", "-n", ns)
        self.assertEqual(out.splitlines(), [f'configmap "c{i}" deleted' for i in range(3)])
        self.assertEqual(self.kubectl("get", "cm", "-n", ns).stderr.strip(),
                         "No resources found in sweep namespace.")
        self.assertEqual(self.out("get", "cm", "-n", keep, "-o", "name").split(),
                         ["configmap/stays"])
        self.pod(ns, "p1")
        self.kubectl("create", "deployment", "d1", "-n", ns, "--image=nginx", "--replicas=0")
        gone = self.out("delete", "all", "--all", "-n", ns, "--wait=false").splitlines()
        self.assertEqual(sorted(gone), ['deployment.apps "d1" deleted', 'pod "p1" deleted'])
        self.assertEqual(self.kubectl("get", "all", "-n", ns).stderr.strip(),
                         "No resources found in sweep namespace.")

        metrics = self.out("get", "--raw", "/metrics")
        self.assertRegex(metrics, r"(?m)^# TYPE apiserver_request_total counter$")
        self.assertRegex(metrics, r'(?m)^apiserver_request_total\{.*verb="DELETE".*\} \d+$')
        self.assertEqual(json.loads(self.out("get", "--raw", "/version"))["minor"], "32")
        self.assertEqual(self.out("get", "--raw", "/readyz"), "ok")


if __name__ == "__main__":
    main()
