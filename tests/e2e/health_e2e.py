#!/usr/bin/env python3
"""Active health checks against real Postfix and Dovecot behind PROXY listeners (issue 15).

One mail server in the guide's first layout (every port expects PROXY v2; Dovecot trusts 127.0.0.1 only), the
switchyard binary on the host with a file-provider configuration: one router per mail port, each service with
Traefik v3.6's healthCheck (`expect` the protocol's greeting, interval 1s) and PROXY v2 from a serversTransport (v1
for POP3, to cover `PROXY UNKNOWN`). Checked, as a user would see it:
  - after several probes of every port, the API shows every server UP;
  - neither Postfix's nor Dovecot's log has a single error, warning, PROXY or lost-connection line from them;
  - Dovecot stopped: its servers are DOWN in the API within one interval (plus the timeout), Postfix's stay UP, and
    a client of the IMAP entrypoint is refused.
"""
from __future__ import annotations

import json
import os
import re
import socket
import sys
import time
import urllib.request

import mail
import sy_harness as h

INTERVAL = 1.0
TIMEOUT = 0.5
# What a mail daemon logs when a probe upsets it: PROXY trouble, errors, warnings, dropped sessions, pregreeting.
BAD = re.compile(r"(?i)error|warning|fatal|panic|haproxy|proxy|lost connection|pregreet|improper command")
# service -> (greeting prefix, PROXY version)
CHECKS = {"smtp": ("220", 2), "submission": ("220", 2), "imap": ("* OK", 2), "pop3": ("+OK", 1),
          "sieve": ('"IMPLEMENTATION"', 2)}


def dynamic(ports: mail.MailPorts) -> str:
    out = ["tcp:", "  routers:"]
    for svc in CHECKS:
        out += [f"    {svc}:", f"      entryPoints: [{svc}]", "      rule: \"HostSNI(`*`)\"", f"      service: {svc}"]
    out += ["  services:"]
    for svc, (expect, version) in CHECKS.items():
        out += [f"    {svc}:", "      loadBalancer:", f"        serversTransport: pp{version}", "        servers:",
                f"          - address: \"127.0.0.1:{ports.proxy[svc]}\"", "        healthCheck:",
                f"          expect: '{expect}'", "          interval: 1s", "          timeout: 500ms"]
    out += ["  serversTransports:", "    pp1:", "      proxyProtocol:", "        version: 1",
            "    pp2:", "      proxyProtocol:", "        version: 2"]
    return "\n".join(out) + "\n"


def statuses(api_port: int) -> dict[str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{api_port}/api/tcp/services", timeout=5) as r:
        services = json.load(r)
    out = {}
    for s in services:
        out.update({f"{s['name']} {a}": v for a, v in s.get("serverStatus", {}).items()})
    return out


def wait_until(what: str, fn, within: float):
    start = time.monotonic()
    while True:
        got = fn()
        if got:
            return time.monotonic() - start
        if time.monotonic() - start > within:
            raise h.TestFailure(f"{what} not within {within:.1f}s")
        time.sleep(0.05)  # polling the API: what a user sees; bounded by `within`


def main() -> int:
    if os.geteuid() != 0:
        print("SKIP: runs private Postfix and Dovecot instances, which needs root", flush=True)
        return 77
    root = mail.tempdir("sy-e2e-health-")
    certs = mail.make_certs(root / "certs")
    base = mail.allocate_port_block(8 + len(CHECKS) + 1)
    entry = {svc: base + 8 + i for i, svc in enumerate(CHECKS)}
    api_port = base + 8 + len(CHECKS)
    srv = mail.MailServer(root, "a", "proxy", base, certs.chain["mail.a.test"], "mail.a.test")
    srv.start()
    try:
        path = root / "dynamic.yml"
        path.write_text(dynamic(srv.ports))
        args = [f"--entryPoints.{svc}.address=127.0.0.1:{p}" for svc, p in entry.items()]
        args += [f"--entryPoints.traefik.address=127.0.0.1:{api_port}", "--api.insecure=true",
                 f"--providers.file.filename={path}", "--log.level=INFO"]
        postfix_log, dovecot_log = srv.watch("smtp"), srv.watch("imap")
        with h.Switchyard(args, workdir=str(root)) as sy:
            sy.wait_for_port(api_port)
            sy.wait_for_log(r"configuration \d+ applied: 5 routers")
            # Every server probed three times (the first probe within the first second, then every second): the
            # daemons log each session that ends, with the prober's own address 127.0.0.1.
            wait_until("three probes of every port",
                       lambda: len(re.findall(r"disconnect from \S*\[127\.0\.0\.1\]", postfix_log.text())) >= 6
                       and len(re.findall(r"rip=127\.0\.0\.1", dovecot_log.text())) >= 9,
                       within=6 * INTERVAL)
            st = statuses(api_port)
            h.check(len(st) == len(CHECKS) and set(st.values()) == {"UP"}, f"every server UP: {st}")
            print(f"ok    probes pass: {st}", flush=True)
            for name, log in (("postfix", postfix_log), ("dovecot", dovecot_log)):
                bad = [l for l in log.text().splitlines() if BAD.search(l)]
                h.check(not bad, f"{name} logged {len(bad)} bad lines, e.g.:\n" + "\n".join(bad[:10]))
                print(f"ok    {name}: {len(log.text().splitlines())} log lines, none about PROXY or errors",
                      flush=True)
            h.check(not [l for l in sy.lines() if "is DOWN" in l], "nothing DOWN yet:\n" + sy.log())

            asked = time.monotonic()
            srv.dovecot.close()  # SIGTERM, then its exit awaited
            exited = time.monotonic() - asked
            took = exited + wait_until("Dovecot's servers DOWN", lambda: all(
                v == "DOWN" for k, v in statuses(api_port).items() if k.split("@")[0] in ("imap", "pop3", "sieve")),
                within=INTERVAL + TIMEOUT + 1.0)
            st = statuses(api_port)
            h.check(all(v == "UP" for k, v in st.items() if k.split("@")[0] in ("smtp", "submission")),
                    f"Postfix's servers stay UP: {st}")
            print(f"ok    Dovecot stopped: DOWN in the API {took:.2f}s after the SIGTERM (its exit took {exited:.2f}s; "
                  f"interval {INTERVAL:.0f}s, timeout {TIMEOUT}s): {st}", flush=True)
            with socket.create_connection(("127.0.0.1", entry["imap"]), timeout=5) as c:
                c.settimeout(5)
                h.check(c.recv(100) == b"", "a client of the imap entrypoint is closed at once")
            h.check(sum("is DOWN: health check failed" in l for l in sy.lines()) == 3,
                    "one DOWN line per Dovecot server:\n" + sy.log())
        print("3 passed, 0 failed", flush=True)
        return 0
    except h.TestFailure as e:
        print(f"FAIL  {e}", flush=True)
        return 1
    finally:
        srv.close()
        import shutil
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
