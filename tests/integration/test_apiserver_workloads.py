#!/usr/bin/env python3
"""The real kubectl against c8s-apiserver on c8s-store: the workload types' defaults and
validation as Kubernetes 1.32 gives them (strategy_apps*.c).

Valid manifests come back with Kubernetes' defaults; invalid ones give kubectl's error lines
and exit codes; kubectl's create generators for jobs, cronjobs and deployments work.
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.runner import main  # noqa: E402


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector:
    matchLabels: {{app: {selector}}}
  template:
    metadata:
      labels: {{app: {label}}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""


class WorkloadStrategies(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        reason = missing_for_kubectl_tests()
        if reason is not None:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver().start()

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def current_logs(self):
        return self.api.process.log_text(40)

    def kubectl(self, *args, check=True, stdin=None):
        return self.api.kubectl(*args, check=check, stdin=stdin)

    def json_of(self, *args):
        return json.loads(self.kubectl(*args, "-o", "json").stdout)

    def apply(self, manifest, *args, check=True):
        return self.kubectl("apply", "-f", "-", *args, stdin=manifest, check=check)

    # ------------------------------------------------------------------------------------

    def test_deployment_comes_back_with_kubernetes_defaults(self):
        self.apply(DEPLOYMENT.format(name="web", selector="web", label="web"))
        spec = self.json_of("get", "deploy", "web")["spec"]
        self.assertEqual(spec["replicas"], 1)
        self.assertEqual(spec["strategy"], {"type": "RollingUpdate", "rollingUpdate": {
            "maxUnavailable": "25%", "maxSurge": "25%"}})
        self.assertEqual(spec["revisionHistoryLimit"], 10)
        self.assertEqual(spec["progressDeadlineSeconds"], 600)
        text = self.kubectl("get", "deploy", "web", "-o", "yaml").stdout
        self.assertIn("progressDeadlineSeconds: 600", text)
        self.assertIn("maxSurge: 25%", text)

    def test_invalid_deployments_print_kubernetes_errors(self):
        mismatch = self.apply(DEPLOYMENT.format(name="x", selector="other", label="x"),
                              check=False)
        self.assertEqual(mismatch.returncode, 1)
        self.assertIn('The Deployment "x" is invalid: spec.template.metadata.labels: Invalid '
                      'value: map[string]string{"app":"x"}: `selector` does not match template '
                      '`labels`', mismatch.stderr)
        self.apply(DEPLOYMENT.format(name="moving", selector="a", label="a"))
        moved = self.kubectl("patch", "deploy", "moving", "--type=merge", "-p", json.dumps({
            "spec": {"selector": {"matchLabels": {"app": "b"}},
                     "template": {"metadata": {"labels": {"app": "b"}}}}}), check=False)
        self.assertEqual(moved.returncode, 1)
        self.assertIn('The Deployment "moving" is invalid: spec.selector: Invalid value: '
                      'v1.LabelSelector{MatchLabels:map[string]string{"app":"b"}, '
                      'MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
                      moved.stderr)
        negative = self.kubectl("scale", "deploy", "moving", "--replicas=-1", check=False)
        self.assertNotEqual(negative.returncode, 0)
        patched = self.kubectl("patch", "deploy", "moving", "--type=merge", "-p",
                               '{"spec":{"replicas":-2}}', check=False)
        self.assertEqual(patched.returncode, 1)
        self.assertIn('The Deployment "moving" is invalid: spec.replicas: Invalid value: -2: '
                      'must be greater than or equal to 0', patched.stderr)
        self.assertEqual(self.json_of("get", "deploy", "moving")["spec"]["replicas"], 1)

    def test_create_deployment_and_generation_follow_spec_and_annotations(self):
        self.kubectl("create", "deployment", "gen", "--image=nginx:1.27", "--replicas=2")
        deploy = self.json_of("get", "deploy", "gen")
        self.assertEqual(deploy["metadata"]["generation"], 1)
        self.assertEqual(deploy["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], "25%")
        self.kubectl("label", "deploy", "gen", "tier=web")
        self.assertEqual(self.json_of("get", "deploy", "gen")["metadata"]["generation"], 1)
        self.kubectl("annotate", "deploy", "gen", "note=x")
        self.assertEqual(self.json_of("get", "deploy", "gen")["metadata"]["generation"], 2)

    def test_jobs_get_the_generated_selector_and_reject_template_changes(self):
        self.kubectl("create", "job", "pi", "--image=perl:5.34")
        job = self.json_of("get", "job", "pi")
        uid = job["metadata"]["uid"]
        spec = job["spec"]
        self.assertEqual(spec["selector"], {
            "matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
        labels = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "pi",
                  "controller-uid": uid, "job-name": "pi"}
        self.assertEqual(spec["template"]["metadata"]["labels"], labels)
        self.assertEqual(job["metadata"]["labels"], labels)
        for key, want in (("completions", 1), ("parallelism", 1), ("backoffLimit", 6),
                          ("completionMode", "NonIndexed"), ("suspend", False),
                          ("manualSelector", False),
                          ("podReplacementPolicy", "TerminatingOrFailed")):
            self.assertEqual(spec[key], want, key)
        changed = self.kubectl("set", "image", "job/pi", "pi=perl:5.36", check=False)
        self.assertEqual(changed.returncode, 1)
        # kubectl set prints the server's error behind its own prefix.
        self.assertIn('error: failed to patch image update to pod template: Job.batch "pi" is '
                      'invalid: spec.template: Invalid value: ', changed.stderr)
        self.assertIn("field is immutable", changed.stderr)
        always = self.apply("""
apiVersion: batch/v1
kind: Job
metadata: {name: always}
spec:
  template:
    spec:
      restartPolicy: Always
      containers: [{name: c, image: busybox}]
""", check=False)
        self.assertEqual(always.returncode, 1)
        self.assertIn('The Job "always" is invalid: spec.template.spec.restartPolicy: '
                      'Unsupported value: "Always": supported values: "OnFailure", "Never"',
                      always.stderr)

    def test_cronjobs_validate_the_schedule(self):
        self.kubectl("create", "cronjob", "tick", "--image=busybox", "--schedule=@hourly")
        spec = self.json_of("get", "cronjob", "tick")["spec"]
        self.assertEqual(spec["concurrencyPolicy"], "Allow")
        self.assertEqual(spec["suspend"], False)
        self.assertEqual(spec["successfulJobsHistoryLimit"], 3)
        self.assertEqual(spec["failedJobsHistoryLimit"], 1)
        bad = self.kubectl("create", "cronjob", "bad", "--image=busybox", "--schedule=off",
                           check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn('error: failed to create cronjob: CronJob.batch "bad" is invalid: '
                      'spec.schedule: Invalid value: "off": '
                      'expected exactly 5 fields, found 1: [off]', bad.stderr)
        zone = self.apply("""
apiVersion: batch/v1
kind: CronJob
metadata: {name: zoned}
spec:
  schedule: "0 3 * * *"
  timeZone: Mars/Olympus
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox}]
""", check=False)
        self.assertEqual(zone.returncode, 1)
        self.assertIn('spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone '
                      'Mars/Olympus', zone.stderr)
        self.kubectl("create", "job", "manual", "--from=cronjob/tick")
        self.assertEqual(self.json_of("get", "job", "manual")["spec"]["completions"], 1)

    def test_statefulset_daemonset_and_pdb_rules(self):
        self.apply("""
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres}]
""")
        spec = self.json_of("get", "sts", "db")["spec"]
        self.assertEqual(spec["podManagementPolicy"], "OrderedReady")
        self.assertEqual(spec["updateStrategy"],
                         {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
        forbidden = self.kubectl("patch", "sts", "db", "--type=merge", "-p",
                                 '{"spec":{"serviceName":"other"}}', check=False)
        self.assertEqual(forbidden.returncode, 1)
        self.assertIn("The StatefulSet \"db\" is invalid: spec: Forbidden: updates to "
                      "statefulset spec for fields other than 'replicas', 'ordinals', "
                      "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                      "'minReadySeconds' are forbidden", forbidden.stderr)
        self.kubectl("scale", "sts", "db", "--replicas=3")
        self.assertEqual(self.json_of("get", "sts", "db")["spec"]["replicas"], 3)
        self.apply("""
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: busybox}]
""")
        ds = self.json_of("get", "ds", "agent")
        self.assertEqual(ds["spec"]["updateStrategy"], {
            "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
        self.assertEqual(
            ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"], "1")
        both = self.kubectl("create", "pdb", "both", "--selector=app=db", "--min-available=1",
                            "--max-unavailable=1", check=False)
        self.assertNotEqual(both.returncode, 0)
        self.kubectl("create", "pdb", "half", "--selector=app=db", "--min-available=50%")
        over = self.kubectl("patch", "pdb", "half", "--type=merge", "-p",
                            '{"spec":{"minAvailable":"150%"}}', check=False)
        self.assertEqual(over.returncode, 1)
        self.assertIn('spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, '
                      'StrVal:"150%"}: must not be greater than 100%', over.stderr)

    def test_ingress_hpa_and_rbac_rules(self):
        missing = self.apply("""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - http:
      paths:
      - path: /
        backend: {service: {name: web, port: {number: 80}}}
""", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn('The Ingress "web" is invalid: spec.rules[0].http.paths[0].pathType: '
                      'Required value: pathType must be specified', missing.stderr)
        self.kubectl("create", "ingress", "ok", "--rule=example.com/=web:80")
        self.apply("""
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
""")
        hpa = self.json_of("get", "hpa", "web")["spec"]
        self.assertEqual(hpa["minReplicas"], 1)
        self.assertEqual(hpa["metrics"][0]["resource"]["target"]["averageUtilization"], 80)
        below = self.kubectl("patch", "hpa", "web", "--type=merge", "-p",
                             '{"spec":{"minReplicas":5}}', check=False)
        self.assertEqual(below.returncode, 1)
        self.assertIn("spec.maxReplicas: Invalid value: 4: must be greater than or equal to "
                      "`minReplicas`", below.stderr)
        self.kubectl("create", "rolebinding", "viewers", "--clusterrole=view", "--user=jane")
        binding = self.json_of("get", "rolebinding", "viewers")
        self.assertEqual(binding["subjects"][0]["apiGroup"], "rbac.authorization.k8s.io")
        changed = self.kubectl("patch", "rolebinding", "viewers", "--type=merge", "-p",
                               '{"roleRef":{"name":"edit"}}', check=False)
        self.assertEqual(changed.returncode, 1)
        self.assertIn('The RoleBinding "viewers" is invalid: roleRef: Invalid value: '
                      'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", '
                      'Name:"edit"}: cannot change roleRef', changed.stderr)
        verbless = self.apply("""
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: empty}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: []
""", check=False)
        self.assertEqual(verbless.returncode, 1)
        self.assertIn('The Role "empty" is invalid: rules[0].verbs: Required value: verbs must '
                      'contain at least one value', verbless.stderr)


if __name__ == "__main__":
    main()
