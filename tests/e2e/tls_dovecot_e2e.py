#!/usr/bin/env python3
"""TLS terminated at the edge toward a real Dovecot (issue 18): IMAPS (993) ends at Switchyard, which sends
plaintext to Dovecot's PROXY listener (`haproxy = yes`, `ssl = no`) after a PROXY v2 header carrying the SSL TLV.
Dovecot then treats the session as secured: plaintext LOGIN is allowed on it, while the same listener reached
through a plain TCP route (a PROXY v2 header without the TLV) refuses LOGIN (`disable_plaintext_auth`, Dovecot's
default). Dovecot's own log names the client's address and marks the session secured. Runs as root (a private
Dovecot instance); skipped otherwise.
"""
from __future__ import annotations

import imaplib
import os
import socket
import ssl
import sys
from pathlib import Path

import mail  # tests/support, on PYTHONPATH
import sy_harness as h

HOST = "127.0.0.1"
SERVER = "mail.a.test"


def connect_from(source: str, port: int) -> socket.socket:
    s = socket.create_connection((HOST, port), timeout=10, source_address=(source, 0))
    return s


class _IMAP(imaplib.IMAP4):
    """IMAP over a socket this test opened (source address; TLS when `ctx` is given)."""

    def __init__(self, port: int, source: str, ctx: ssl.SSLContext | None):
        self._src, self._ctx = source, ctx
        super().__init__(HOST, port, timeout=10)

    def _create_socket(self, timeout):
        s = connect_from(self._src, self.port)
        return self._ctx.wrap_socket(s, server_hostname=SERVER) if self._ctx else s


def main() -> int:
    if os.geteuid() != 0:
        print("SKIP: needs root (a private Dovecot instance)")
        return 77
    root = mail.tempdir("sy-e2e-tls-")
    certs = mail.make_certs(root / "certs", hosts=(SERVER,))
    base = mail.allocate_port_block(8)
    ports = mail.plan_ports(base, "proxy", services=("imap",))
    dovecot = mail.Dovecot(root / "dovecot", ports, certs.chain[SERVER], services=("imap",))
    imaps_port, plain_port, api_port = h.free_ports(3)
    cert, key = certs.chain[SERVER]
    dyn = h.write_file(str(root / "dynamic.yml"), f"""
tcp:
  routers:
    imaps:
      entryPoints: [imaps]
      rule: "HostSNI(`{SERVER}`)"
      service: dovecot
      tls: {{}}
    plain:
      entryPoints: [imap]
      rule: "HostSNI(`*`)"
      service: dovecot
  services:
    dovecot:
      loadBalancer:
        proxyProtocol:
          version: 2
        servers:
          - address: "127.0.0.1:{ports.proxy['imap']}"
tls:
  certificates:
    - certFile: {cert}
      keyFile: {key}
""")
    dovecot.start()
    try:
        args = [f"--entryPoints.imaps.address=127.0.0.1:{imaps_port}",
                f"--entryPoints.imap.address=127.0.0.1:{plain_port}",
                f"--entryPoints.traefik.address=127.0.0.1:{api_port}", f"--providers.file.filename={dyn}",
                "--log.level=DEBUG"]
        with h.Switchyard(args, workdir=str(root)) as sy:
            sy.wait_for_log(r"configuration \d+ applied: 2 routers")
            sy.wait_for_port(imaps_port)
            ctx = ssl.create_default_context(cafile=str(certs.ca))
            watch = mail.LogWatch(dovecot.log)
            # Terminated here: Dovecot sees plaintext, yet a secured session, and allows LOGIN.
            m = _IMAP(imaps_port, "127.0.0.2", ctx)
            caps = " ".join(m.capabilities)
            h.check("LOGINDISABLED" not in caps, "no LOGINDISABLED on a terminated session: %s" % caps)
            typ, _ = m.login(mail.USER, mail.PASSWORD)
            h.check(typ == "OK", "LOGIN on a terminated session: %s" % typ)
            m.logout()
            line = watch.wait(r"imap-login: .*Login: user=<%s>.*rip=127\.0\.0\.2," % mail.USER.replace(".", r"\."))
            h.check(", secured," in line, "Dovecot marks the session secured: %s" % line)
            # Plain TCP to the same listener: no TLV, not secured, LOGIN refused.
            p = _IMAP(plain_port, "127.0.0.3", None)
            caps = " ".join(p.capabilities)
            h.check("LOGINDISABLED" in caps, "LOGINDISABLED without TLS: %s" % caps)
            try:
                p.login(mail.USER, mail.PASSWORD)
                h.check(False, "LOGIN was accepted on a plaintext session")
            except imaplib.IMAP4.error as e:
                h.check("disabled" in str(e).lower() or "privacy" in str(e).lower() or "ssl" in str(e).lower(),
                        "LOGIN refused without TLS: %s" % e)
            p.shutdown()
    finally:
        dovecot.close()
    print("tls termination to Dovecot: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
