#!/usr/bin/env bash
# Builds the switchyard image without pulling anything: a FROM scratch image around the host's release build.
#   docker/build.sh [TAG]            default tag switchyard:latest; the docker CLI honours DOCKER_HOST
#   SWITCHYARD_BIN=path docker/build.sh   package that binary instead of the release build (scripts/release-build.sh)
# Prints the image's size last (README "Quick start" has today's figure): the release build links everything but
# glibc statically, so the image holds the binary, libc, libm, the loader and the CA bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-switchyard:latest}
bin=${SWITCHYARD_BIN:-}
if [ -z "$bin" ]; then bin=$(scripts/release-build.sh | tail -1); fi
ctx=$(mktemp -d /tmp/sy-image-XXXXXX)
trap 'rm -rf "$ctx"' EXIT
root=$ctx/rootfs
mkdir -p "$root/etc/ssl/certs" "$root/tmp"
chmod 1777 "$root/tmp"
install -m 0755 "$bin" "$root/switchyard"
strip --strip-unneeded "$root/switchyard"
# The dynamic loader and every shared library the binary needs, at the paths the binary asks for.
ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
  strip --strip-unneeded "$root$lib" 2>/dev/null || true
done
# Debian 12 is merged-/usr: libraries resolve under /lib through a symlink the scratch image lacks.
if [ -d "$root/usr/lib" ] && [ ! -e "$root/lib" ]; then ln -s usr/lib "$root/lib"; fi
if [ -d "$root/usr/lib64" ] && [ ! -e "$root/lib64" ]; then ln -s usr/lib64 "$root/lib64"; fi
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/:/sbin/nologin\nswitchyard:x:65532:65532:switchyard:/:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nswitchyard:x:65532:\n' >"$root/etc/group"
cp docker/Dockerfile "$ctx/Dockerfile"
# The classic builder: BuildKit needs the buildx plugin and would look up a frontend image.
if ! out=$(DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$ctx" 2>&1); then
  echo "$out" >&2
  exit 1
fi
size=$(docker image inspect -f '{{.Size}}' "$tag")
echo "$tag: $((size / 1024)) KiB ($size bytes)"
