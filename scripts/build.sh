#!/usr/bin/env bash
# Configures (once) and builds a build directory. Usage: scripts/build.sh [DIR] [extra meson setup options...]
#   SY_TARGETS="src/app/switchyard"   build only these ninja targets (default: everything)
#   SY_PROGRESS=1                     show meson's and ninja's progress instead of staying quiet
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}; shift || true
read -r -a targets <<<"${SY_TARGETS:-}"
out=/dev/null
if [ -n "${SY_PROGRESS:-}" ]; then out=/dev/stdout; fi
if [ ! -f "$dir/build.ninja" ]; then
  [ -n "${SY_PROGRESS:-}" ] && echo "configuring $dir/ (once)"
  meson setup "$dir" "$@" >"$out"
fi
ninja -C "$dir" "${targets[@]}" >"$out"
