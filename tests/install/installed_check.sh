#!/usr/bin/env bash
# Runs an installed mtls-harness the way a CI job does: from an empty directory outside any
# checkout, with nothing pointing at the sources. Used on the tree `meson install --destdir`
# writes (install_test.sh) and on the Debian package unpacked with dpkg-deb -x (ci/test).
#
#   installed_check.sh ROOT PREFIX BINDIR DATADIR VERSION
#     ROOT     where the tree was installed or unpacked (the DESTDIR)
#     PREFIX   the configured prefix (/usr/local, /usr); BINDIR, DATADIR relative to it
#     VERSION  meson's project version, which --version must start with
#
# Exit 0: quickstart, the nginx gate and the repro entry passed with the installed files;
# 1 with the step that failed; 77 when nginx is not installed (the gate cannot run).
set -uo pipefail

root=${1:?usage: installed_check.sh ROOT PREFIX BINDIR DATADIR VERSION}
prefix=${2:?} bindir=${3:?} datadir=${4:?} version=${5:?}
bin=$root$prefix/$bindir/mtls-harness
share=$root$prefix/$datadir/mtls-harness
examples=$root$prefix/$datadir/doc/mtls-harness/examples

# Nothing may lead the binary back to the sources it was built from.
unset MTLS_SOURCE_ROOT MTLS_NGINX_TEMPLATES MTLS_HAPROXY_TEMPLATES MTLS_APACHE_TEMPLATES \
  MTLS_CADDY_TEMPLATES
work=$(mktemp -d "${TMPDIR:-/tmp}/mtls-installed.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

fail() {
  echo "installed_check: $*" >&2
  exit 1
}
# run LABEL EXPECTED_EXIT CMD...: output kept in $work/LABEL.log, shown when the exit differs.
run() {
  local label=$1 want=$2 rc
  shift 2
  "$@" >"$work/$label.log" 2>&1
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    cat "$work/$label.log" >&2
    fail "$label: '$*' exited $rc, expected $want (cwd $work)"
  fi
  echo "installed_check: $label: exit $rc as expected"
}

for f in "$bin" "$share/fixtures/nginx/README.md" "$share/scenarios/repro/expired.toml" \
         "$examples/scenarios/quickstart.toml" "$examples/scenarios/nginx-gate.toml" \
         "$examples/ci/gate.toml" "$examples/ci/nginx/gateway.conf" "$examples/k8s/job.yaml"; do
  [ -e "$f" ] || fail "$f is not installed (under $root)"
done
# The manual page: plain from meson install, compressed by debhelper in the package.
man=$root$prefix/$datadir/man/man1/mtls-harness.1
[ -e "$man" ] || [ -e "$man.gz" ] || fail "$man is not installed (under $root)"

# --version: "mtls-harness <meson's version>[+git.<rev>]" first, then the libraries.
"$bin" --version >"$work/version.txt" 2>&1 || fail "$bin --version failed: $(cat "$work/version.txt")"
first=$(head -n1 "$work/version.txt")
harness_version=${first#mtls-harness }
[[ $first =~ ^mtls-harness\ ${version//./\\.}(\+git\.[0-9a-f]+(-dirty)?)?$ ]] ||
  fail "--version starts with '$first', expected 'mtls-harness $version[+git.<rev>]'"
for lib in '^OpenSSL 3\.' '^libcurl/' '^Boost 1\.'; do
  grep -qE "$lib" "$work/version.txt" || fail "--version has no line matching $lib: $(cat "$work/version.txt")"
done

run quickstart 0 "$bin" run "$examples/scenarios/quickstart.toml"
grep -q "\"harness_version\": *\"$harness_version\"" reports/quickstart/report.json ||
  fail "reports/quickstart/report.json does not carry harness_version \"$harness_version\" (--version's)"

run repro-expired 0 "$bin" repro expired
grep -qF "$share/scenarios/repro" "$work/repro-expired.log" ||
  fail "repro expired did not show the installed scenario under $share/scenarios/repro"

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "installed_check: SKIP nginx gate: nginx is not installed (Debian package nginx)"
  exit 77
fi
run nginx-gate 0 "$bin" run "$examples/scenarios/nginx-gate.toml"

# The templates came from $share: without them the same run stops and lists where it looked,
# the installed location among them. Only meaningful while the configured prefix itself has
# no installed copy the binary could fall back to.
if [ "$root" != "/" ] && [ ! -e "$prefix/$datadir/mtls-harness/fixtures/nginx" ]; then
  mv "$share/fixtures/nginx" "$work/nginx-templates"
  run nginx-gate-no-templates 3 "$bin" run "$examples/scenarios/nginx-gate.toml"
  mv "$work/nginx-templates" "$share/fixtures/nginx"
  grep -q "nginx templates not found" "$work/nginx-gate-no-templates.log" &&
    grep -qF "$share/fixtures/nginx" "$work/nginx-gate-no-templates.log" ||
    fail "without $share/fixtures/nginx the error does not name it: $(cat "$work/nginx-gate-no-templates.log")"
fi
echo "installed_check: $bin passed from $work"
