#!/usr/bin/env bash
# The release build shipped in the image (docker/build.sh) and the Debian package (packaging/deb/build.sh): an
# optimised binary that links everything but glibc statically (meson.build, prefer_static). Prints its path last.
#   scripts/release-build.sh [DIR]     default build-release/
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-release}
SY_TARGETS=src/app/switchyard SY_PROGRESS=${SY_PROGRESS:-} scripts/build.sh "$dir" \
  -Dbuildtype=release -Db_ndebug=true -Dtests=false -Dprefer_static=true >&2
echo "$PWD/$dir/src/app/switchyard"
