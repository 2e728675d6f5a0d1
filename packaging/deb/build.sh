#!/usr/bin/env bash
# Builds the Debian package of Switchyard with dpkg-deb: the release build (scripts/release-build.sh), its man page
# (help2man, from --help), a hardened systemd unit, /etc/switchyard with the file provider, a logrotate file.
#   packaging/deb/build.sh [OUTDIR]          writes OUTDIR/switchyard_<version>_<arch>.deb (default build-deb/)
#   SWITCHYARD_BIN=path packaging/deb/build.sh   package that binary instead (the package check in the test suite)
# Prints the package's path last. Needs dpkg-dev (dpkg-shlibdeps) and help2man.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mkdir -p "${1:-$root/build-deb}" && cd "${1:-$root/build-deb}" && pwd)
bin=${SWITCHYARD_BIN:-}
if [ -z "$bin" ]; then bin=$("$root/scripts/release-build.sh" | tail -1); fi
for tool in dpkg-deb dpkg-shlibdeps help2man; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (apt-get install dpkg-dev help2man)" >&2; exit 1; }
done
version=$(sed -n "s/^  version : '\([^']*\)'.*/\1/p" "$root/meson.build")
arch=$(dpkg --print-architecture)
work=$(mktemp -d /tmp/sy-deb-XXXXXX)
trap 'rm -rf "$work"' EXIT
pkg=$work/pkg

install -D -m 0755 "$bin" "$pkg/usr/bin/switchyard"
strip --strip-unneeded "$pkg/usr/bin/switchyard"
install -D -m 0644 "$here/switchyard.service" "$pkg/lib/systemd/system/switchyard.service"
install -D -m 0644 "$here/switchyard.yml" "$pkg/etc/switchyard/switchyard.yml"
install -D -m 0644 "$here/dynamic/example.yml" "$pkg/etc/switchyard/dynamic/example.yml"
install -D -m 0644 "$here/logrotate" "$pkg/etc/logrotate.d/switchyard"
install -d "$pkg/usr/share/man/man1" "$pkg/usr/share/doc/switchyard"
help2man --no-info --section=1 --name="Traefik-compatible TCP router" --version-string="$version" \
  "$pkg/usr/bin/switchyard" | gzip -9n >"$pkg/usr/share/man/man1/switchyard.1.gz"
printf 'Switchyard %s\nLicense: MIT\n' "$version" >"$pkg/usr/share/doc/switchyard/copyright"

# The shared libraries the binary needs, as Debian package dependencies (libc6 alone for the release build).
mkdir -p "$work/src/debian"
printf 'Source: switchyard\n\nPackage: switchyard\nArchitecture: any\n' >"$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$pkg/usr/bin/switchyard" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
size=$(du -sk "$pkg" | cut -f1)
install -d "$pkg/DEBIAN"
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: switchyard
Version: $version
Architecture: $arch
Maintainer: Switchyard developers <switchyard@localhost>
Installed-Size: $size
Depends: $depends
Suggests: logrotate
Section: net
Priority: optional
Description: Traefik-compatible TCP router for mail servers
 Switchyard routes TCP connections the way Traefik's TCP routers do (HostSNI
 rules, TLS passthrough, PROXY protocol v1/v2 toward backends) from Traefik's
 flags, files and Docker labels, and applies every change without dropping a
 connection. Built for SMTP, IMAP, POP3 and ManageSieve behind a proxy.
CONTROL
printf '/etc/switchyard/switchyard.yml\n/etc/switchyard/dynamic/example.yml\n/etc/logrotate.d/switchyard\n' \
  >"$pkg/DEBIAN/conffiles"
cat >"$pkg/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# Not enabled on install: the configuration names the ports to take, which is the administrator's choice.
set -e
if [ "$1" = "configure" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null || true
  echo "switchyard: edit /etc/switchyard/switchyard.yml, then: systemctl enable --now switchyard"
fi
exit 0
POSTINST
cat >"$pkg/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null || true; fi
exit 0
POSTRM
chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/postrm"
deb=$out/switchyard_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
