#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds the switchyard binary (only it), and starts the router.
#   scripts/run.sh                  the embedded default: examples/default (API on 127.0.0.1:8080, a TCP route on
#                                   :8000 to the dashboard, so `curl http://127.0.0.1:8000/dashboard/` is routed)
#   scripts/run.sh ARGS...          Traefik's flags or --configFile=..., instead of the default
set -euo pipefail
cd "$(dirname "$0")/.."
if ! scripts/install-deps.sh build --check; then
  echo "installing the build dependencies from Debian's archive (a few minutes)..."
  scripts/install-deps.sh build
fi
if [ ! -x build/src/app/switchyard ]; then
  echo "building switchyard: the first build takes about 10 minutes on 2 cores; later runs rebuild only what changed"
fi
SY_TARGETS=src/app/switchyard SY_PROGRESS=1 scripts/build.sh build
if [ $# -eq 0 ]; then set -- --configFile=examples/default/switchyard.yml; fi
exec build/src/app/switchyard "$@"
