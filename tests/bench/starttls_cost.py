#!/usr/bin/env python3
"""What a STARTTLS entrypoint costs (issue 17), against a plain TLS-passthrough entrypoint of the same router:

  memory  KB of switchyard's RSS per idle connection that has been greeted and waits for its next pre-TLS command
          (no backend connection exists yet), beside a TLS entrypoint's connection that waits for its ClientHello;
  cpu     switchyard's CPU time (utime + stime, /proc) per full session: STARTTLS entrypoint = greeting, EHLO,
          STARTTLS, ClientHello, routing, dial, PROXY header, replayed greeting/EHLO/STARTTLS, TLS handshake through,
          a banner, close; passthrough = ClientHello, routing, dial, PROXY header, the same TLS session.

The backend is the integration tests' fake mail server (Python threads, so it bounds the rate, not the figure: only
switchyard's own CPU is counted). Bounded: N idle connections, K sessions, each step under a timeout.

  python3 tests/bench/starttls_cost.py --switchyard build/src/app/switchyard [--idle 1000] [--sessions 300]
"""
import argparse
import asyncio
import os
import pathlib
import socket
import ssl
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
sys.path.insert(0, str(HERE.parent / "integration" / "forwarder"))

import sy_harness as h  # noqa: E402
from starttls_support import FakeMailServer  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid):
    return int(pathlib.Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE


def router(binary, backend, implicit, work):
    starttls, plain = h.free_ports(2)
    dyn = pathlib.Path(work) / "dynamic.yml"
    dyn.write_text(
        "tcp:\n  routers:\n"
        "    st:\n      entryPoints: [st]\n      rule: \"HostSNI(`b.test`)\"\n      service: mail\n"
        "      tls:\n        passthrough: true\n"
        "    pt:\n      entryPoints: [pt]\n      rule: \"HostSNI(`b.test`)\"\n      service: mail-tls\n"
        "      tls:\n        passthrough: true\n"
        "  services:\n"
        "    mail:\n      loadBalancer:\n        proxyProtocol:\n          version: 2\n"
        "        servers:\n          - address: \"%s\"\n"
        "    mail-tls:\n      loadBalancer:\n        proxyProtocol:\n          version: 2\n"
        "        servers:\n          - address: \"%s\"\n" % (backend, implicit))
    args = [binary, "--entryPoints.st.address=127.0.0.1:%d" % starttls, "--entryPoints.st.starttls.protocol=smtp",
            "--entryPoints.pt.address=127.0.0.1:%d" % plain, "--providers.file.filename=%s" % dyn,
            "--log.level=ERROR", "--core.threads=1"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for port in (starttls, plain):
        h.wait_for_port(port, process=proc)
    return proc, starttls, plain


async def hold(port, n, greeted):
    conns = []
    sem = asyncio.Semaphore(100)

    async def one():
        async with sem:
            r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
            if greeted:
                await asyncio.wait_for(r.readuntil(b"\r\n"), 10)
            conns.append((r, w))

    await asyncio.gather(*(one() for _ in range(n)))
    return conns


def idle_kb(pid, port, n, greeted):
    async def run():
        base = rss_bytes(pid)
        conns = await hold(port, n, greeted)
        await asyncio.sleep(0.5)  # a measurement delay: let the allocator settle, not synchronisation
        used = rss_bytes(pid) - base
        for _, w in conns:
            w.close()
        await asyncio.sleep(0.5)
        return used / n / 1024
    return asyncio.run(run())


def session(port, starttls):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        if starttls:
            h.recv_until(s, b"\r\n", timeout=10)
            s.sendall(b"EHLO bench.test\r\n")
            h.recv_until(s, b"250 ", timeout=10)
            s.sendall(b"STARTTLS\r\n")
            h.recv_until(s, b"220 2.0.0", timeout=10)
        with ctx.wrap_socket(s, server_hostname="b.test") as tls:
            h.recv_until(tls, b"\r\n", timeout=10)


def cpu_us(pid, port, k, starttls):
    before, start = cpu_seconds(pid), time.monotonic()
    for _ in range(k):
        session(port, starttls)
    return (cpu_seconds(pid) - before) / k * 1e6, k / (time.monotonic() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--switchyard", required=True)
    ap.add_argument("--idle", type=int, default=1000)
    ap.add_argument("--sessions", type=int, default=300)
    a = ap.parse_args()
    work = h.temp_dir("sy-bench-starttls-")
    smtp = FakeMailServer("b.test", "smtp", work)
    implicit = FakeMailServer("b.test", "tls", work)
    proc, st_port, pt_port = router(a.switchyard, smtp.address, implicit.address, work)
    try:
        pid = proc.pid
        session(st_port, True)  # warm both paths once
        session(pt_port, False)
        st_kb = idle_kb(pid, st_port, a.idle, greeted=True)
        pt_kb = idle_kb(pid, pt_port, a.idle, greeted=False)
        st_us, st_rate = cpu_us(pid, st_port, a.sessions, True)
        pt_us, pt_rate = cpu_us(pid, pt_port, a.sessions, False)
        print("| measure | STARTTLS (smtp) | TLS passthrough | ratio |")
        print("|---|---|---|---|")
        print("| KB per idle connection before routing (%d held) | %.2f | %.2f | %.2f |" %
              (a.idle, st_kb, pt_kb, st_kb / pt_kb if pt_kb > 0 else float("nan")))
        print("| switchyard CPU per session, us (%d sessions; %.0f and %.0f /s) | %.0f | %.0f | %.2f |" %
              (a.sessions, st_rate, pt_rate, st_us, pt_us, st_us / pt_us if pt_us > 0 else float("nan")))
    finally:
        proc.terminate()
        proc.wait(10)
        smtp.close()
        implicit.close()


if __name__ == "__main__":
    main()
