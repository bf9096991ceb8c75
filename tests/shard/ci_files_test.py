#!/usr/bin/env python3
"""The Kubernetes manifests (ci/k8s) and the CI gate examples (ci/examples): the YAML parses,
the Indexed Job wires its completion index into --shard with the same N everywhere, keys are
mounted 0400/0600, every `mtls-harness <subcommand> --flag` they run exists in the CLI, and the
example gate really gates nginx launched from the example config."""
import glob
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import tomllib
import unittest

import yaml

SOURCE = os.environ["MTLS_SOURCE_ROOT"]
HARNESS = os.environ["MTLS_HARNESS_BIN"]
K8S = os.path.join(SOURCE, "ci", "k8s")
EXAMPLES = os.path.join(SOURCE, "ci", "examples")


def load_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def k8s_objects():
    objs = []
    for path in sorted(glob.glob(os.path.join(K8S, "*.yaml"))):
        objs += [(os.path.basename(path), d) for d in load_docs(path)]
    return objs


def find(kind, name):
    for _, d in k8s_objects():
        if d["kind"] == kind and d["metadata"]["name"] == name:
            return d
    raise AssertionError(f"no {kind} named {name} in ci/k8s")


def container_script(job):
    c = job["spec"]["template"]["spec"]["containers"][0]
    return " ".join(c.get("command", []) + c.get("args", []))


def help_text(*sub):
    out = subprocess.run([HARNESS, *sub, "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, f"mtls-harness {' '.join(sub)} --help: exit {out.returncode}: {out.stderr}"
    return out.stdout


def subcommands():
    text = help_text()
    section = re.split(r"(?i)subcommands:", text, maxsplit=1)[1]
    return set(re.findall(r"^\s+(\w+)\s", section, re.M))


def harness_calls(text, binary=r"mtls-harness"):
    """(subcommand, [--flags]) for every call of the binary in shell text."""
    calls = []
    text = text.replace("\\\n", " ")
    for m in re.finditer(binary + r"\s+([a-z]+)([^\n;|&]*)", text):
        calls.append((m.group(1), re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", m.group(2))))
    return calls


class CommandsExist:
    """Mixin: assert every call names a real subcommand and real flags."""

    def assert_calls_exist(self, calls, where):
        self.assertTrue(calls, f"{where}: no mtls-harness call found")
        subs = subcommands()
        for sub, flags in calls:
            self.assertIn(sub, subs, f"{where}: `mtls-harness {sub}` is not a subcommand ({sorted(subs)})")
            helptext = help_text(sub)
            for flag in flags:
                self.assertRegex(helptext, r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])",
                                 f"{where}: `mtls-harness {sub} {flag}`: no such option")


class Kubernetes(unittest.TestCase, CommandsExist):
    def setUp(self):
        self.job = find("Job", "mtls-harness-load")
        self.merge = find("Job", "mtls-harness-merge")
        self.script = container_script(self.job)
        m = re.search(r'--shard\s+"?(\$\{JOB_COMPLETION_INDEX\}|\$\(JOB_COMPLETION_INDEX\))/(\d+)"?', self.script)
        self.assertIsNotNone(m, f"--shard is not wired to JOB_COMPLETION_INDEX: {self.script}")
        self.n = int(m.group(2))
        self.pod = self.job["spec"]["template"]["spec"]
        self.container = self.pod["containers"][0]

    def mount(self, volume):
        for vm in self.container["volumeMounts"]:
            if vm["name"] == volume:
                return vm
        raise AssertionError(f"volume {volume} is not mounted")

    def volume(self, name):
        for v in self.pod["volumes"]:
            if v["name"] == name:
                return v
        raise AssertionError(f"no volume {name}")

    def test_indexed_job_wires_index_to_shard(self):
        spec = self.job["spec"]
        self.assertEqual(spec["completionMode"], "Indexed")
        self.assertEqual(spec["completions"], self.n)
        self.assertEqual(spec["parallelism"], self.n, "all shards must run at the same time")
        self.assertTrue(1 <= self.n <= 1024)
        self.assertEqual(self.pod["restartPolicy"], "Never")
        env = {e["name"]: e for e in self.container["env"]}
        self.assertEqual(env["JOB_COMPLETION_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"],
                         "metadata.annotations['batch.kubernetes.io/job-completion-index']")

    def test_shard_exit_codes(self):
        # 0 and 1 (report written) succeed: the merge gives the verdict. Anything else fails.
        shell = self.container["args"][0]
        for code, expect in [(0, 0), (1, 0), (2, 2), (3, 3), (130, 130)]:
            fake = re.sub(r"mtls-harness run [^;]*;", f"(exit {code});", shell, count=1)
            self.assertNotEqual(fake, shell)
            r = subprocess.run(["/bin/sh", "-c", fake], env={"JOB_COMPLETION_INDEX": "0"})
            self.assertEqual(r.returncode, expect, f"shard exit {code}: {fake}")

    def scenario(self):
        cm = find("ConfigMap", "mtls-harness-scenario")
        scenario_path = re.search(r"mtls-harness run (\S+)", self.script).group(1)
        return cm, scenario_path, tomllib.loads(cm["data"][os.path.basename(scenario_path)])

    def test_scenario_configmap(self):
        cm, scenario_path, scenario = self.scenario()
        mount = self.mount(self.volume("scenario")["name"])
        self.assertEqual(self.volume("scenario")["configMap"]["name"], cm["metadata"]["name"])
        self.assertTrue(mount["readOnly"])
        self.assertEqual(os.path.dirname(scenario_path), mount["mountPath"])
        self.assertTrue(scenario["load"], "the scenario has no [[load]] phase to shard")
        pki_dir = self.mount("pki")["mountPath"]
        files = [scenario["target"]["ca_file"]] + [i[k] for i in scenario["identity"] for k in ("cert", "key") if k in i]
        for f in files:
            self.assertEqual(os.path.dirname(f), pki_dir, f"{f} is not in the Secret's mount {pki_dir}")

    def test_secret_keys_are_private(self):
        secret = self.volume("pki")["secret"]
        self.assertEqual(secret["secretName"], "mtls-harness-pki")
        self.assertIn(secret["defaultMode"], (0o400, 0o600), "private keys must be 0400 or 0600")
        self.assertTrue(self.mount("pki")["readOnly"])
        with open(os.path.join(K8S, "README.md")) as f:
            readme = f.read()
        self.assertIn("kubectl create secret generic mtls-harness-pki", readme)
        for key in ("client.pem", "client.key", "server-ca.pem"):
            self.assertIn(f"--from-file={key}=", readme)

    def test_reports_go_to_the_shared_volume_and_merge_reads_them(self):
        reports = re.search(r"--reports (\S+)", self.script).group(1)
        self.assertEqual(self.mount("reports")["mountPath"], reports)
        claim = self.volume("reports")["persistentVolumeClaim"]["claimName"]
        pvc = find("PersistentVolumeClaim", claim)
        self.assertIn("ReadWriteMany", pvc["spec"]["accessModes"])
        merge_pod = self.merge["spec"]["template"]["spec"]
        self.assertEqual(merge_pod["volumes"][0]["persistentVolumeClaim"]["claimName"], claim)
        self.assertEqual(merge_pod["containers"][0]["volumeMounts"][0]["mountPath"], reports)
        name = self.scenario()[2]["scenario"]["name"]
        merge = container_script(self.merge)
        self.assertRegex(merge, re.escape(f"mtls-harness merge {reports}/{name}/merged ") +
                         re.escape(f"{reports}/{name}/shard-*-of-{self.n}/report.json"))
        self.assertEqual(self.merge["spec"]["template"]["spec"]["restartPolicy"], "Never")

    def test_commands_exist(self):
        self.assert_calls_exist(harness_calls(self.script) + harness_calls(container_script(self.merge)), "ci/k8s")


class CiExamples(unittest.TestCase, CommandsExist):
    def test_github_actions(self):
        wf = load_docs(os.path.join(EXAMPLES, "github-actions.yml"))[0]
        self.assertIn(True if True in wf else "on", wf)  # YAML 1.1 reads a bare `on` as true
        package = wf["jobs"]["package"]
        self.assertIn("bash ci/package build-deb",
                      "\n".join(s.get("run", "") for s in package["steps"]))
        job = wf["jobs"]["mtls-gate"]
        self.assertEqual(job["needs"], "package")
        runs = "\n".join(s.get("run", "") for s in job["steps"])
        self.assertIn('mtls-harness run "$SCENARIO"', runs)
        self.assertEqual(job["env"]["SCENARIO"], "ci/examples/gate.toml")
        self.assert_installs_the_package(runs, "./deb/mtls-harness_*.deb")
        upload = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
        self.assertEqual(len(upload), 1)
        self.assertEqual(upload[0]["if"], "always()")
        for f in ("junit.xml", "report.html"):
            self.assertIn(f"reports/gate/{f}", upload[0]["with"]["path"])
        self.assert_calls_exist(harness_calls(runs), "github-actions.yml")

    def test_gitlab(self):
        doc = load_docs(os.path.join(EXAMPLES, "gitlab-ci.yml"))[0]
        self.assertIn("bash ci/package build-deb", doc["mtls-harness-deb"]["script"])
        self.assertIn("build-deb/*.deb", doc["mtls-harness-deb"]["artifacts"]["paths"])
        job = doc["mtls-gate"]
        self.assertEqual(job["needs"], ["mtls-harness-deb"])
        script = "\n".join(job["script"])
        self.assertIn('mtls-harness run "$SCENARIO"', script)
        self.assertEqual(job["variables"]["SCENARIO"], "ci/examples/gate.toml")
        self.assert_installs_the_package(script, "./build-deb/mtls-harness_*.deb")
        self.assertEqual(job["artifacts"]["when"], "always")
        self.assertEqual(job["artifacts"]["reports"]["junit"], "reports/gate/junit.xml")
        self.assertIn("reports/gate/report.html", job["artifacts"]["paths"])
        self.assertNotIn("allow_failure", job)
        self.assert_calls_exist(harness_calls(script), "gitlab-ci.yml")

    def assert_installs_the_package(self, script, deb):
        # The gate job installs the package the other job built instead of building again.
        self.assertIn(f"apt-get install -y {deb}", script)
        self.assertNotIn("ci/build", script)

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CiGate(unittest.TestCase):
    """The CI examples' gate for real: `mtls-harness run gate.toml` launches nginx from the
    example config (rewritten for loopback) and passes; the same config without its CRL lets
    a revoked client in, and the run exits 1 naming it."""

    def gate(self, tmp, conf_text):
        os.makedirs(os.path.join(tmp, "nginx"))
        with open(os.path.join(tmp, "nginx", "gateway.conf"), "w") as f:
            f.write(conf_text)
        with open(os.path.join(EXAMPLES, "gate.toml")) as src, open(os.path.join(tmp, "gate.toml"), "w") as dst:
            dst.write(src.read())
        return subprocess.run([HARNESS, "run", os.path.join(tmp, "gate.toml"), "--reports",
                               os.path.join(tmp, "reports"), "--fixtures", os.path.join(tmp, "fixtures")],
                              capture_output=True, text=True, timeout=180, cwd=tmp)

    def setUp(self):
        with open(os.path.join(EXAMPLES, "nginx", "gateway.conf")) as f:
            self.conf = f.read()

    def test_correct_config_passes(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = self.gate(tmp, self.conf)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("gateway.conf:33 ssl_crl /etc/nginx/tls/client-crl.pem →", r.stderr)
            self.assertIn("gateway.conf:19 server app.internal:8080 → 127.0.0.1:", r.stderr)
            for f in ("junit.xml", "report.json", "report.html"):
                self.assertTrue(os.path.exists(os.path.join(tmp, "reports", "gate", f)), f)
            with open(os.path.join(tmp, "reports", "gate", "junit.xml")) as f:
                junit = f.read()
            self.assertIn('failures="0"', junit)

    def test_config_without_crl_fails_the_job(self):
        broken = self.conf.replace("ssl_crl /etc/nginx/tls/client-crl.pem;", "")
        self.assertNotEqual(broken, self.conf)
        with tempfile.TemporaryDirectory() as tmp:
            r = self.gate(tmp, broken)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("MISMATCH revoked [TLS 1.2]: expected reject", r.stdout + r.stderr)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
