#!/usr/bin/env bash
# The version is set once, in meson.build: --version starts with it (plus the git revision
# in a checkout), names the libraries, and debian/changelog's top entry is the same version.
set -uo pipefail
: "${MTLS_HARNESS_BIN:?run with meson test}" "${MTLS_VERSION:?}" "${MTLS_SOURCE_ROOT:?}"
fail() {
  echo "version_test: $*" >&2
  exit 1
}
out=$("$MTLS_HARNESS_BIN" --version) || fail "$MTLS_HARNESS_BIN --version exited $?"
echo "$out"
first=$(head -n1 <<<"$out")
re="^mtls-harness ${MTLS_VERSION//./\\.}(\+git\.[0-9a-f]{12}(-dirty)?)?$"
[[ $first =~ $re ]] || fail "first line '$first' does not match $re (meson project version $MTLS_VERSION)"
if git -C "$MTLS_SOURCE_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  rev=$(git -C "$MTLS_SOURCE_ROOT" rev-parse --short=12 HEAD)
  [[ $first == *"+git.$rev"* ]] || fail "built from a checkout at $rev but '$first' does not name it"
  grep -qx "git revision $rev\(-dirty\)\?" <<<"$out" || fail "no 'git revision $rev' line"
fi
grep -qx "OpenSSL $(openssl version | cut -d' ' -f2)\( .*\)\?" <<<"$out" ||
  fail "no OpenSSL line for the runtime $(openssl version)"
grep -q "^libcurl/[0-9]" <<<"$out" || fail "no libcurl/<version> line"
grep -qE "^Boost 1\.[0-9]+\.[0-9]+$" <<<"$out" || fail "no Boost <version> line"
changelog=$(sed -n '1s/^mtls-harness (\([^)]*\)).*/\1/p' "$MTLS_SOURCE_ROOT/debian/changelog")
[ "$changelog" = "$MTLS_VERSION" ] ||
  fail "debian/changelog's top entry is '$changelog', meson.build's version is $MTLS_VERSION: add a changelog entry (dch -v $MTLS_VERSION)"
echo "version_test: --version and debian/changelog agree with meson's $MTLS_VERSION"
