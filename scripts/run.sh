#!/usr/bin/env bash
# Installs what is missing, builds, and starts the router on the embedded default (examples/default):
# extra arguments are passed to `switchyard` and override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh build
exec build/src/app/switchyard --configFile=examples/default/switchyard.yml "$@"
