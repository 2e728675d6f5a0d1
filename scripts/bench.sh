#!/usr/bin/env bash
# Installs HAProxy, nginx, iperf3 and wrk, builds Switchyard optimised, and prints the comparison table (issue 10).
# Extra arguments go to tests/bench/bench.py (--quick, --only throughput,cpu,latency,memory,reload,docker).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh bench
scripts/build.sh build-release -Dbuildtype=release -Dtests=false
exec python3 tests/bench/bench.py --switchyard build-release/src/app/switchyard "$@"
