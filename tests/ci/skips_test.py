#!/usr/bin/env python3
"""A test that cannot run is a skip, never a pass, and CI fails on it.

The prerequisite check every Catch test program shares (tests/prerequisites.hpp) is run for
real through tests/ci/prerequisites_probe: a missing gateway prints its reason, skips only the
tests that need it and makes the program exit 77 (meson's SKIP); a failure still wins.
ci/count-results is run on fabricated testlog.json files: outside CI a skip stays a skip and
is counted; with CI=true it is named and counted as failed; its last line is always
"N passed, N failed"."""
import json
import os
import stat
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ["MTLS_SOURCE_ROOT"]
PROBE = os.environ["MTLS_PREREQUISITES_PROBE"]
COUNT = os.path.join(SOURCE, "ci", "count-results")

NGINX_MISSING = ("SKIP: nginx not found (MTLS_TEST_MISSING=nginx hides it); install the Debian "
                 "package nginx (ci/setup does)")


def env_without_ci(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "MTLS_TEST_MISSING")}
    env.update(extra)
    return env


def probe(*args, **env):
    return subprocess.run([PROBE, *args], capture_output=True, text=True, timeout=30,
                          env=env_without_ci(**env))


class FakeGateways:
    """A PATH directory holding executables named like the gateways, so "installed" holds on
    any machine."""

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory()
        for name in ("nginx", "haproxy"):
            path = os.path.join(self.tmp.name, name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\nexit 0\n")
            os.chmod(path, stat.S_IRWXU)
        return self.tmp.name + os.pathsep + os.environ.get("PATH", "")

    def __exit__(self, *exc):
        self.tmp.cleanup()


class Probe(unittest.TestCase):
    def test_everything_present_runs_everything_and_exits_0(self):
        with FakeGateways() as path:
            r = probe(PATH=path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for ran in ("needs nginx", "needs nothing", "section haproxy", "section embedded"):
            self.assertIn(f"ran: {ran}\n", r.stdout)
        self.assertNotIn("SKIP", r.stdout)

    def test_missing_gateway_skips_only_what_needs_it_with_the_reason(self):
        with FakeGateways() as path:
            r = probe(PATH=path, MTLS_TEST_MISSING="nginx")
        self.assertEqual(r.returncode, 77, r.stdout + r.stderr)
        self.assertNotIn("ran: needs nginx", r.stdout)
        for ran in ("needs nothing", "section haproxy", "section embedded"):
            self.assertIn(f"ran: {ran}\n", r.stdout)
        # Where it happened, and again in the summary at the end.
        self.assertEqual(r.stdout.count(NGINX_MISSING + "\n  not run: needs nginx\n"), 2,
                         r.stdout)
        self.assertIn("Some tests could not run here and were skipped:\n", r.stdout)

    def test_missing_gateway_in_a_section_leaves_the_other_sections_running(self):
        with FakeGateways() as path:
            r = probe(PATH=path, MTLS_TEST_MISSING="haproxy")
        self.assertEqual(r.returncode, 77, r.stdout + r.stderr)
        self.assertIn("ran: section embedded\n", r.stdout)
        self.assertNotIn("ran: section haproxy", r.stdout)
        self.assertIn("ran: needs nginx\n", r.stdout)
        self.assertIn("SKIP: haproxy not found (MTLS_TEST_MISSING=haproxy hides it); install "
                      "the Debian package haproxy (ci/setup does)\n"
                      "  not run: one section needs haproxy\n", r.stdout)

    def test_a_tool_in_no_directory_searched_is_missing_and_says_where_it_was_looked_for(self):
        # Debian puts keytool in /usr/bin (through alternatives), never in the sbin directories
        # searched after PATH: an empty PATH hides it for real.
        with tempfile.TemporaryDirectory() as empty:
            r = probe("[keytool]", PATH=empty)
        self.assertEqual(r.returncode, 77, r.stdout + r.stderr)
        self.assertIn("SKIP: keytool not found (keytool in PATH, /usr/sbin, /sbin); install the "
                      "Debian package default-jre-headless\n  not run: needs keytool\n", r.stdout)

    def test_a_failure_wins_over_a_skip(self):
        with FakeGateways() as path:
            r = probe("[probe],[fails]", PATH=path, MTLS_TEST_MISSING="nginx")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("1 + 1 == 3", r.stdout)

    def test_an_unknown_prerequisite_fails_naming_the_table(self):
        r = probe("[unknown]")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        # Catch wraps the message at 80 columns.
        self.assertIn('no prerequisite known as "gopher-server": add it to the table in', r.stdout)
        self.assertIn("prerequisites.cpp", r.stdout)


def entry(name, result, stdout=""):
    return {"name": name, "result": result, "stdout": stdout, "returncode": 0}


class CountResults(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def log(self, build, entries):
        d = os.path.join(self.tmp.name, build, "meson-logs")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "testlog.json")
        with open(path, "w") as f:
            for e in entries:
                f.write(json.dumps(e) + "\n")
        return path

    def count(self, logs, ci=None):
        env = env_without_ci() if ci is None else env_without_ci(CI=ci)
        return subprocess.run([sys.executable, COUNT, *logs], capture_output=True, text=True,
                              timeout=30, env=env)

    def mixed(self):
        return self.log("build", [
            entry("ocsp / nginx ssl_ocsp end to end", "SKIP", f"{NGINX_MISSING}\n  not run: x\n"),
            entry("pki / pki", "OK"),
            entry("fuzz / known", "EXPECTEDFAIL"),
            entry("run / gate exit codes", "FAIL"),
            entry("repro / repro", "TIMEOUT"),
        ])

    def test_outside_ci_a_skip_is_named_and_counted_but_not_failed(self):
        r = self.count([self.mixed()])
        self.assertEqual(r.returncode, 1)  # the FAIL and the TIMEOUT
        self.assertEqual(r.stdout.splitlines(), [
            "skipped: build: ocsp / nginx ssl_ocsp end to end: " + NGINX_MISSING[len("SKIP: "):],
            "1 skipped (not counted; with CI=true each counts as failed)",
            "2 passed, 2 failed",
        ])

    def test_outside_ci_only_skips_pass(self):
        path = self.log("build", [entry("pki / pki", "OK"), entry("a / b", "SKIP", "SKIP: why\n")])
        for ci in (None, "", "false", "0"):
            r = self.count([path], ci=ci)
            self.assertEqual(r.returncode, 0, f"CI={ci!r}: {r.stdout}")
            self.assertEqual(r.stdout.splitlines()[-1], "1 passed, 0 failed")

    def test_in_ci_every_skip_fails_with_its_name_and_reason(self):
        asan = self.log("build-asan", [
            entry("gateways / gateways end to end", "SKIP",
                  "SKIP: caddy not found (caddy in PATH, /usr/sbin, /sbin); install the Debian "
                  "package caddy (ci/setup does)\n  not run: t1\n"
                  "SKIP: caddy not found (caddy in PATH, /usr/sbin, /sbin); install the Debian "
                  "package caddy (ci/setup does)\n  not run: t2\n"),
            entry("safety / mount", "SKIP", "nothing said\n"),
            entry("pki / pki", "OK"),
        ])
        r = self.count([self.mixed(), asan], ci="true")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout.splitlines(), [
            "skipped in CI: build: ocsp / nginx ssl_ocsp end to end: " + NGINX_MISSING[len("SKIP: "):],
            "skipped in CI: build-asan: gateways / gateways end to end: caddy not found (caddy in "
            "PATH, /usr/sbin, /sbin); install the Debian package caddy (ci/setup does)",
            "skipped in CI: build-asan: safety / mount: no reason printed",
            "3 passed, 5 failed",
        ])

    def test_in_ci_nothing_skipped_passes(self):
        path = self.log("build", [entry("pki / pki", "OK"), entry("run / x", "OK")])
        r = self.count([path], ci="true")
        self.assertEqual((r.returncode, r.stdout), (0, "2 passed, 0 failed\n"))

    def test_a_missing_log_is_a_failure_naming_it(self):
        ok = self.log("build", [entry("pki / pki", "OK")])
        missing = os.path.join(self.tmp.name, "build-asan", "meson-logs", "testlog.json")
        r = self.count([ok, missing])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout.splitlines(), [
            f"no test log at {missing}: the tests of that build did not run",
            "1 passed, 1 failed",
        ])

    def test_the_real_probe_skip_read_from_its_output(self):
        with FakeGateways() as path:
            out = probe(PATH=path, MTLS_TEST_MISSING="nginx")
        self.assertEqual(out.returncode, 77)
        log = self.log("build", [entry("ci / probe", "SKIP", out.stdout)])
        r = self.count([log], ci="true")
        self.assertEqual(r.stdout.splitlines(), [
            "skipped in CI: build: ci / probe: " + NGINX_MISSING[len("SKIP: "):],
            "0 passed, 1 failed",
        ])


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
