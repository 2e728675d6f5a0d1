#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds, and starts the router.
#   scripts/run.sh                  the embedded default: examples/default (API on 127.0.0.1:8080, a TCP route on
#                                   :8000 to the dashboard, so `curl http://127.0.0.1:8000/dashboard/` is routed)
#   scripts/run.sh ARGS...          Traefik's flags or --configFile=..., instead of the default
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh build
if [ $# -eq 0 ]; then set -- --configFile=examples/default/switchyard.yml; fi
exec build/src/app/switchyard "$@"
