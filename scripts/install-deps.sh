#!/usr/bin/env bash
# Installs what Switchyard needs from Debian 12's archive. Idempotent: packages already present are skipped.
#   scripts/install-deps.sh build     compiler, meson and the libraries
#   scripts/install-deps.sh test      + what the tests talk to (dockerd, Postfix, Dovecot, swaks, openssl, chromium,
#                                       fail2ban, crowdsec)
#   scripts/install-deps.sh bench     + HAProxy, nginx, iperf3, wrk, liburing (tests/bench/uring_lifecycle)
#   scripts/install-deps.sh WHAT --check   exit 1 when something is missing, install nothing
set -euo pipefail
want=${1:-build}
check_only=${2:-}
build=(g++ meson ninja-build pkg-config libboost1.81-dev nlohmann-json3-dev libssl-dev libspdlog-dev
       libyaml-cpp-dev libtomlplusplus-dev libre2-dev catch2 clang libclang-rt-14-dev python3 libbpf-dev)
test=(openssl swaks socat curl docker.io busybox-static postfix dovecot-core dovecot-imapd dovecot-pop3d
      dovecot-managesieved dovecot-sieve dovecot-lmtpd chromium iproute2 procps haproxy libnet-ssleay-perl
      dpkg-dev help2man systemd postgresql postgresql-client fail2ban crowdsec)
bench=(haproxy nginx-light libnginx-mod-stream iperf3 wrk util-linux liburing-dev)
pkgs=("${build[@]}")
case "$want" in
  build) ;;
  test) pkgs+=("${test[@]}") ;;
  bench) pkgs+=("${test[@]}" "${bench[@]}") ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$check_only" = "--check" ] && exit 1
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
export DEBIAN_FRONTEND=noninteractive
# Postfix asks for a mail configuration type at install time; tests configure their own instances.
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
# crowdsec's postinst registers with the Central API on the Internet unless this file is non-empty; the tests run
# their own offline Local API.
capi=/etc/crowdsec/online_api_credentials.yaml
if printf '%s\n' "${missing[@]}" | grep -qx crowdsec && ! [ -s "$capi" ]; then
  $sudo mkdir -p /etc/crowdsec
  echo "# offline: no Central API registration (scripts/install-deps.sh)" | $sudo tee "$capi" >/dev/null
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the daemons it installs where it can; the tests run their own instances on other ports.
for s in postfix dovecot haproxy nginx docker containerd fail2ban crowdsec; do
  $sudo service "$s" stop >/dev/null 2>&1 || true
done
