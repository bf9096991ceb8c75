#!/usr/bin/env bash
# The CI gate of the examples in this folder: the fixture PKI for SCENARIO, nginx started
# from the repository's own NGINX_CONF next to those certificates, the scenario run against
# it, nginx stopped by its PID.
#
#   mtls-gate.sh SCENARIO NGINX_CONF [PORT]     PORT: where NGINX_CONF listens (8443)
#
# Environment: MTLS_HARNESS (the binary; default: mtls-harness on PATH), MTLS_GATE_DIR
# (scratch space; default .mtls-gate), MTLS_REPORTS (default reports: the files land in
# $MTLS_REPORTS/<scenario>/: junit.xml, report.json, report.html).
# Exit code: mtls-harness run's: 0 the gateway does what the scenario expects, 1 it does
# not (a case or a gate failed), 2 bad scenario, 3 nginx could not be started or reached.
set -uo pipefail

scenario=${1:?usage: mtls-gate.sh SCENARIO NGINX_CONF [PORT]}
nginx_conf=${2:?usage: mtls-gate.sh SCENARIO NGINX_CONF [PORT]}
port=${3:-8443}
harness=${MTLS_HARNESS:-mtls-harness}
work=$(mkdir -p "${MTLS_GATE_DIR:-.mtls-gate}" && cd "${MTLS_GATE_DIR:-.mtls-gate}" && pwd)
reports=${MTLS_REPORTS:-reports}

"$harness" validate "$scenario" || exit 2
rm -rf "$work/fixtures" "$work/nginx"
"$harness" pki "$scenario" --fixtures "$work/fixtures" >/dev/null || exit 2
manifests=("$work"/fixtures/*/manifest.json)
pki=$(dirname "${manifests[0]}")

# The repository's config, unchanged, beside the certificates it names (tls/...).
run_dir=$work/nginx
mkdir -p "$run_dir/tls" "$run_dir/tmp"
cp "$nginx_conf" "$run_dir/nginx.conf"
install -m 0644 "$pki/server/fullchain.pem" "$run_dir/tls/server-fullchain.pem"
install -m 0600 "$pki/server/key.pem" "$run_dir/tls/server-key.pem"
install -m 0644 "$pki/ca/ca-bundle.pem" "$run_dir/tls/client-ca.pem"
install -m 0644 "$pki/crl/crl-bundle.pem" "$run_dir/tls/client-crl.pem"

nginx_args=(-p "$run_dir/" -c "$run_dir/nginx.conf" -e "$run_dir/error.log")
if ! nginx -t -q "${nginx_args[@]}"; then
  echo "mtls-gate: nginx refuses $nginx_conf (log: $run_dir/error.log)" >&2
  exit 3
fi
nginx "${nginx_args[@]}"  # daemonises; the master's PID goes to $run_dir/nginx.pid
stop_nginx() {
  local pid
  pid=$(cat "$run_dir/nginx.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
trap stop_nginx EXIT

# Ready when it accepts a connection: polled for at most 10 s.
ready=0
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
if [ "$ready" -ne 1 ]; then
  echo "mtls-gate: nginx did not accept connections on 127.0.0.1:$port within 10 s (log: $run_dir/error.log)" >&2
  exit 3
fi

"$harness" run "$scenario" --target "https://127.0.0.1:$port/" \
  --fixtures "$work/fixtures" --reports "$reports" --no-color
code=$?
case $code in
  0) echo "mtls-gate: the gateway does what $scenario expects" ;;
  1) echo "mtls-gate: the gateway does NOT do what $scenario expects: see junit.xml / report.html" >&2 ;;
  *) echo "mtls-gate: mtls-harness could not judge the gateway (exit $code)" >&2 ;;
esac
exit "$code"
