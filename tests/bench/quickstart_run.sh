#!/usr/bin/env bash
# Wall time of the full quickstart conformance run (every case x TLS 1.2/1.3) against the
# embedded target, through the real binary: median of N runs, with the PKI already cached
# (the first run generates it and is not counted).
# Usage: tests/bench/quickstart_run.sh [BUILD_DIR] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
runs=${2:-7}
bin=$build/harness/cli/mtls-harness
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin" run "$root/scenarios/quickstart.toml" --skip-load --no-color >/dev/null  # warm-up: generates the PKI
walls=()
probes=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bin" run "$root/scenarios/quickstart.toml" --skip-load --no-color >/dev/null
  end=$(date +%s%N)
  walls+=($(( (end - start) / 1000000 )))
  probes+=("$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["meta"]["duration_ms"]))' reports/quickstart/report.json)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cases=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["total"])' reports/quickstart/report.json)
echo "quickstart conformance run, embedded target, $cases probes (cases x TLS versions), $runs runs"
echo "  process wall time (load, PKI reuse, target start, probes, reports): median $(median "${walls[@]}") ms"
echo "  run as reported in report.json (PKI, target, probes):              median $(median "${probes[@]}") ms"
echo "rerun: tests/bench/quickstart_run.sh $build $runs"
