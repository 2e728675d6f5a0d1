#!/usr/bin/env python3
"""The mail check of issue 19: a real Dovecot behind a Swarm service's deploy labels, with PROXY protocol v2.

A private dockerd in swarm mode (one node, `docker swarm init --advertise-addr 127.0.0.1`) and a real Dovecot, both
in a network namespace of the test's own (dockerd.private_network(), as the swarm integration test), with an IMAP
listener that expects a PROXY header (`haproxy = yes`) and trusts only 127.0.0.1, where Switchyard connects from.
The real switchyard binary runs with `--providers.swarm` on that daemon. The service `mail_imap` carries the labels
a stack file's `deploy.labels` would: a router on entrypoint `imap`, the port, and
`traefik.tcp.services.imap.loadbalancer.proxyProtocol.version=2`.

No mail image can be pulled here, so the service's task is a busybox placeholder (`sleep`) on the host network: its
server address is its node's address (127.0.0.1) and the port label, which is where Dovecot listens, as it would in
a docker-mailserver task with `network_mode: host`. What is tested is the provider's and router's part (labels of a
Swarm service -> route -> PROXY v2 to the task's address), not Dovecot inside Swarm.

The client connects from 127.0.0.5, upgrades with STARTTLS (end to end with Dovecot, through the plain TCP route),
and logs in; Dovecot's own log must name 127.0.0.5 as the client's address (rip): the PROXY v2 header arrived and
was trusted, since the TCP peer Dovecot saw was 127.0.0.1. Skipped (77) without root, dockerd, busybox-static or
Dovecot.
"""
from __future__ import annotations

import imaplib
import json
import shutil
import socket
import ssl
import sys
import time
import urllib.parse
import urllib.request

import dockerd  # tests/support, on PYTHONPATH
import mail
import sy_harness as h

HOST = "127.0.0.1"
CLIENT = "127.0.0.5"
SERVER = "mail.a.test"


class _IMAP(imaplib.IMAP4):
    """IMAP to HOST:port from CLIENT; the name given is SERVER, so that STARTTLS verifies Dovecot's certificate."""

    def __init__(self, port: int):
        super().__init__(SERVER, port, timeout=10)

    def _create_socket(self, timeout):
        return socket.create_connection((HOST, self.port), timeout=timeout, source_address=(CLIENT, 0))


def api(port: int, path: str):
    with urllib.request.urlopen("http://%s:%d%s" % (HOST, port, path), timeout=5) as r:
        return json.loads(r.read())


def wait_service(api_port: int, name: str, want_servers: list[str], timeout: float = 20.0) -> dict:
    """The API's view of `name`@swarm once it has exactly `want_servers`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = api(api_port, "/api/tcp/services/" + urllib.parse.quote(name + "@swarm"))
            got = sorted(s["address"] for s in last.get("loadBalancer", {}).get("servers", []))
            if got == sorted(want_servers):
                return last
        except OSError:
            pass
        time.sleep(0.05)  # the API is the observation; a configuration change has no event a client can await
    raise h.TestFailure("service %s@swarm: wanted servers %s within %.0f s, last seen %s"
                        % (name, want_servers, timeout, last))


def main() -> int:
    dockerd.require_root()
    if not shutil.which("dovecot"):
        print("SKIP: needs Dovecot (Debian: dovecot-imapd)", flush=True)
        return 77
    dockerd.private_network()
    started = time.monotonic()
    root = mail.tempdir("sy-e2e-swarm-")
    certs = mail.make_certs(root / "certs", hosts=(SERVER,))
    ports = mail.plan_ports(mail.allocate_port_block(1), "proxy", services=("imap",))
    dovecot_port = ports.proxy["imap"]
    dovecot = mail.Dovecot(root / "dovecot", ports, certs.chain[SERVER], services=("imap",))
    imap_ep, api_port = h.free_ports(2)
    dovecot.start()
    try:
        with dockerd.Dockerd(bridge=True) as d:
            d.docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", "127.0.0.1:2377")
            d.ensure_image()
            args = ["--entryPoints.imap.address=%s:%d" % (HOST, imap_ep),
                    "--entryPoints.traefik.address=%s:%d" % (HOST, api_port), "--api.insecure=true",
                    "--providers.swarm.endpoint=" + d.endpoint, "--providers.swarm.exposedByDefault=false",
                    "--providers.swarm.refreshSeconds=60", "--log.level=DEBUG"]
            with h.Switchyard(args, workdir=str(root)) as sy:
                sy.wait_for_log(r"swarm: connected to Docker", timeout=30)
                labels = dockerd.tcp_labels("imap", dovecot_port, "imap", {
                    "traefik.tcp.services.imap.loadbalancer.proxyProtocol.version": "2"})
                line = ["service", "create", "-d", "--no-resolve-image", "--name", "mail_imap",
                        "--stop-grace-period", "1s", "--network", "host", "--endpoint-mode", "dnsrr"]
                for k, v in labels.items():
                    line += ["--label", "%s=%s" % (k, v)]
                t0 = time.monotonic()
                d.docker(*(line + [dockerd.IMAGE, dockerd.BUSYBOX, "sleep", "3600"]))
                svc = wait_service(api_port, "imap", ["%s:%d" % (HOST, dovecot_port)])
                routed = time.monotonic() - t0
                h.check(svc.get("loadBalancer", {}).get("proxyProtocol", {}).get("version") == 2,
                        "the API shows PROXY v2 on imap@swarm: %s" % svc)

                watch = mail.LogWatch(dovecot.log)
                m = _IMAP(imap_ep)
                h.check(b"Dovecot" in m.welcome or m.welcome.startswith(b"* OK"), "IMAP greeting: %r" % m.welcome)
                typ, _ = m.starttls(ssl.create_default_context(cafile=str(certs.ca)))
                h.check(typ == "OK", "STARTTLS through the router: %s" % typ)
                typ, _ = m.login(mail.USER, mail.PASSWORD)
                h.check(typ == "OK", "LOGIN: %s" % typ)
                m.logout()
                seen = watch.wait(r"imap-login: .*Login: user=<%s>.*rip=%s," % (
                    mail.USER.replace(".", r"\."), CLIENT.replace(".", r"\.")), timeout=10)
                print("Swarm service routed %.2f s after `docker service create`; Dovecot logged: %s"
                      % (routed, seen.strip()), flush=True)
                h.check(sy.stop() == 0, "clean exit")
    finally:
        dovecot.close()
        shutil.rmtree(root, ignore_errors=True)
    print("swarm -> PROXY v2 -> Dovecot: ok in %.1f s" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
