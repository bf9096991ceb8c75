#!/usr/bin/env bash
# `meson install --destdir` of this build into a scratch root, then the installed binary run
# from outside the checkout (installed_check.sh).
set -uo pipefail
: "${MTLS_BUILD_ROOT:?run with meson test}" "${MTLS_PREFIX:?}" "${MTLS_BINDIR:?}" "${MTLS_DATADIR:?}"
here=$(cd "$(dirname "$0")" && pwd)
destdir=$(mktemp -d "${TMPDIR:-/tmp}/mtls-destdir.XXXXXX")
trap 'rm -rf "$destdir"' EXIT
if ! meson install -C "$MTLS_BUILD_ROOT" --no-rebuild --quiet --destdir "$destdir" >"$destdir.log" 2>&1; then
  cat "$destdir.log" >&2
  echo "install_test: meson install -C $MTLS_BUILD_ROOT --destdir $destdir failed" >&2
  rm -f "$destdir.log"
  exit 1
fi
rm -f "$destdir.log"
bash "$here/installed_check.sh" "$destdir" "$MTLS_PREFIX" "$MTLS_BINDIR" "$MTLS_DATADIR" "$MTLS_VERSION"
