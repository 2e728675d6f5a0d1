#!/usr/bin/env python3
"""What TLS termination costs (issue 18), Switchyard beside HAProxy 2.6 (`bind ... ssl`, nbthread 1) and nginx 1.22
(stream `listen ... ssl`, worker_processes 1), with the same certificate, TLS 1.3 and TLS_AES_128_GCM_SHA256 (all
three on Debian's OpenSSL 3.0):

  handshakes  the proxy's CPU time (utime + stime, /proc) per terminated connection, ECDSA P-256 and RSA-2048, full
              (`openssl s_time -new`) and resumed (`-reuse`: a session ticket), each connection fetching a page
              from an nginx backend through the proxy; shown as handshakes per second per core = 1e6 / µs;
  bulk        one download of --bulk MiB through termination (nginx's sendfile behind the proxy, curl in front):
              Gbit/s at the client and the proxy's CPU seconds per GiB, which is the figure that compares (curl
              and the backend share LOAD_CORE alike for every proxy; curl offers ALPN http/1.1 only, since
              Switchyard, as Traefik, accepts h2 by default and the backend speaks HTTP/1). Only the proxy-encrypts direction is
              measured: mail's bulk (IMAP FETCH) flows that way;
  idle        KB of the proxy's RSS per idle terminated connection (handshake done, nothing in flight).

Every proxy is pinned to PROXY_CORE, the clients and the backend to LOAD_CORE (bench.py's layout). A benchmark,
never a test: it prints figures and fails on nothing but a proxy that does not start.

    python3 tests/bench/tls_cost.py --switchyard build/src/app/switchyard [--seconds 5] [--idle 500] [--bulk 1024]
"""
import argparse
import asyncio
import pathlib
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

import bench
from bench import LOAD_CORE, PROXY_CORE, P, Proc, cpu_seconds, children, rss_bytes, wait_port

FRONT = 23001
API = 23080
CIPHER = "TLS_AES_128_GCM_SHA256"


def make_cert(tmp, kind):
    cert, key = tmp / f"{kind}.crt", tmp / f"{kind}.key"
    newkey = ["-newkey", "rsa:2048"] if kind == "rsa" else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    subprocess.run(["openssl", "req", "-x509"] + newkey + ["-nodes", "-keyout", str(key), "-out", str(cert),
                    "-subj", "/CN=bench.test", "-days", "2", "-addext", "subjectAltName=DNS:bench.test"],
                   check=True, capture_output=True, timeout=60)
    (tmp / f"{kind}.pem").write_text(cert.read_text() + key.read_text())  # HAProxy's crt: both in one file
    return cert, key


def start(name, tmp, kind, binary):
    cert, key = tmp / f"{kind}.crt", tmp / f"{kind}.key"
    d = tmp / name
    d.mkdir(exist_ok=True)
    if name == "haproxy":
        (d / "haproxy.cfg").write_text(
            "global\n  nbthread 1\n  maxconn 9800\n  ssl-default-bind-ciphersuites %s\n"
            "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 300s\n  timeout server 300s\n"
            "listen tls\n  bind 127.0.0.1:%d ssl crt %s ssl-min-ver TLSv1.3\n  server s 127.0.0.1:%d\n"
            % (CIPHER, FRONT, tmp / f"{kind}.pem", P["http"]))
        proc = Proc(["haproxy", "-db", "-f", str(d / "haproxy.cfg")], PROXY_CORE, log_path=d / "log")
    elif name == "nginx":
        (d / "nginx.conf").write_text(f"""
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
pid {d}/nginx.pid;
error_log {d}/nginx.err warn;
events {{ worker_connections 20000; }}
stream {{
  server {{
    listen 127.0.0.1:{FRONT} ssl backlog=4096;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.3;
    ssl_conf_command Ciphersuites {CIPHER};
    ssl_session_tickets on;
    proxy_pass 127.0.0.1:{P['http']};
  }}
}}
""")
        proc = Proc(["nginx", "-c", str(d / "nginx.conf"), "-p", str(d)], PROXY_CORE, log_path=d / "log")
    else:
        (d / "dynamic.yml").write_text(
            "tcp:\n  routers:\n    r:\n      entryPoints: [tls]\n      rule: HostSNI(`*`)\n      service: s\n"
            "      tls: {}\n  services:\n    s:\n      loadBalancer:\n        servers:\n"
            f"          - address: \"127.0.0.1:{P['http']}\"\n"
            f"tls:\n  stores:\n    default:\n      defaultCertificate:\n        certFile: {cert}\n"
            f"        keyFile: {key}\n  options:\n    default:\n      minVersion: VersionTLS13\n"
            f"      cipherSuites: [{CIPHER}]\n")
        (d / "switchyard.yml").write_text(
            f"entryPoints:\n  tls:\n    address: \"127.0.0.1:{FRONT}\"\n  traefik:\n    address: \"127.0.0.1:{API}\"\n"
            f"providers:\n  file:\n    filename: {d}/dynamic.yml\n  providersThrottleDuration: 0s\n"
            "core:\n  threads: 1\nlog:\n  level: ERROR\n")
        proc = Proc([binary, f"--configFile={d}/switchyard.yml"], PROXY_CORE, log_path=d / "log")
    wait_port(FRONT)
    pid = proc.p.pid
    if name == "nginx":  # the worker does the work
        end = time.monotonic() + 5
        while time.monotonic() < end and not children(pid):
            time.sleep(0.05)
        pid = children(pid)[0]
    # Switchyard's routes come from the file provider a moment after the port opens: wait for a handshake.
    end = time.monotonic() + 10
    while time.monotonic() < end and s_time(["-new"], 1) == 0:
        time.sleep(0.1)
    return proc, pid


def s_time(mode, seconds):
    """Connections one `openssl s_time` made in `seconds` (each: a handshake, GET /, the reply, close)."""
    p = subprocess.run(["taskset", "-c", LOAD_CORE, "openssl", "s_time", "-connect", f"127.0.0.1:{FRONT}",
                        "-www", "/", "-tls1_3", "-ciphersuites", CIPHER, "-time", str(seconds)] + mode,
                       capture_output=True, text=True, timeout=seconds + 30)
    m = re.findall(r"(\d+) connections in [\d.]+s", p.stdout)
    return int(m[-1]) if m else 0


def cpu_per_handshake(pid, mode, seconds, clients=2):
    """Proxy CPU µs per connection with `clients` s_time processes at once."""
    before = cpu_seconds(pid)
    procs = [subprocess.Popen(["taskset", "-c", LOAD_CORE, "openssl", "s_time", "-connect", f"127.0.0.1:{FRONT}",
                               "-www", "/", "-tls1_3", "-ciphersuites", CIPHER, "-time", str(seconds)] + mode,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(clients)]
    n = 0
    for p in procs:
        out, _ = p.communicate(timeout=seconds + 30)
        m = re.findall(r"(\d+) connections in [\d.]+s", out)
        n += int(m[-1]) if m else 0
    used = cpu_seconds(pid) - before
    return (used * 1e6 / n if n else float("nan")), n


async def hold_idle(n):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conns = []
    for _ in range(n):  # one at a time: the proxy's handshake queue stays short
        conns.append(await asyncio.wait_for(asyncio.open_connection("127.0.0.1", FRONT, ssl=ctx), 10))
    return conns


def idle_kb(pid, n):
    async def run():
        await asyncio.sleep(0)
        base = rss_bytes(pid)
        conns = await hold_idle(n)
        await asyncio.sleep(1.0)
        used = rss_bytes(pid) - base
        for _, w in conns:
            w.close()
        return used / n / 1024
    return asyncio.run(run())


def bulk_download(pid, mib, rounds=3):
    """Best Gbit/s of `rounds` downloads of /big through the proxy, and the proxy's CPU seconds per GiB over all."""
    best, cpu, total = 0.0, 0.0, 0
    for _ in range(rounds):
        before = cpu_seconds(pid)
        p = subprocess.run(["taskset", "-c", LOAD_CORE, "curl", "-sSk", "--http1.1", "--tlsv1.3", "--tls13-ciphers", CIPHER,
                            "-o", "/dev/null", "-w", "%{size_download} %{time_total}",
                            f"https://127.0.0.1:{FRONT}/big"], capture_output=True, text=True, timeout=300)
        cpu += cpu_seconds(pid) - before
        size, secs = (float(x) for x in p.stdout.split())
        if size != mib * 1024 * 1024:
            bench.log(f"bulk: got {size:.0f} bytes of {mib} MiB: {p.stderr.strip()}")
            return float("nan"), float("nan")
        total += size
        best = max(best, size * 8 / secs / 1e9)
    return best, cpu / (total / 2**30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--switchyard", required=True)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--idle", type=int, default=500)
    ap.add_argument("--bulk", type=int, default=1024, help="MiB per download through termination (0: skip)")
    ap.add_argument("--proxies", default="haproxy,nginx,switchyard")
    a = ap.parse_args()
    for tool in ("haproxy", "nginx", "openssl", "taskset", "curl"):
        if not shutil.which(tool):
            sys.exit(f"tls_cost: {tool} not found (scripts/bench.sh installs the peers)")
    names = a.proxies.split(",")
    rows = {}
    with tempfile.TemporaryDirectory(prefix="sy-tls-bench-") as t:
        tmp = pathlib.Path(t)
        # bench.py's backend, plus /big served with sendfile for the bulk figure.
        conf = bench.nginx_backend_conf(tmp).replace(
            "location / {", f"sendfile on; location = /big {{ alias {tmp}/big; }} location / {{", 1)
        (tmp / "nginx-backend.conf").write_text(conf)
        if a.bulk:
            tmp.chmod(0o755)  # nginx's worker (nobody) opens /big itself
            with open(tmp / "big", "wb") as f:
                chunk = bytes(range(256)) * 4096  # 1 MiB
                for _ in range(a.bulk):
                    f.write(chunk)
        backend = Proc(["nginx", "-c", str(tmp / "nginx-backend.conf"), "-p", str(tmp)], LOAD_CORE)
        try:
            wait_port(P["http"])
            for kind in ("ecdsa", "rsa"):
                make_cert(tmp, kind)
                for name in names:
                    proc, pid = start(name, tmp, kind, pathlib.Path(a.switchyard).resolve())
                    try:
                        for mode, label in ((["-new"], "full"), (["-reuse"], "resumed")):
                            us, n = cpu_per_handshake(pid, mode, a.seconds)
                            rows[(f"{kind} {label}, handshakes/s per core (µs each)", name)] = (us, n)
                            bench.log(f"{name} {kind} {label}: {us:.1f} µs over {n} connections")
                        if kind == "ecdsa" and a.bulk:
                            gbit, cpu_gib = bulk_download(pid, a.bulk)
                            rows[("bulk download through termination, Gbit/s", name)] = (gbit, 1)
                            rows[("bulk: proxy CPU seconds per GiB", name)] = (cpu_gib, 1)
                            bench.log(f"{name} bulk: {gbit:.2f} Gbit/s, {cpu_gib:.3f} s CPU per GiB")
                        if kind == "ecdsa" and a.idle:
                            kb = idle_kb(pid, a.idle)
                            rows[(f"KB per idle TLS connection ({a.idle})", name)] = (kb, a.idle)
                            bench.log(f"{name} idle: {kb:.2f} KB")
                    finally:
                        proc.stop()
                        time.sleep(0.3)
        finally:
            backend.stop()
    measures = list(dict.fromkeys(m for m, _ in rows))
    print("| measure | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for m in measures:
        cells = []
        for name in names:
            v, n = rows.get((m, name), (float("nan"), 0))
            plain = m.startswith("KB") or m.startswith("bulk")
            cells.append(f"{v:.2f}" if plain else f"{1e6 / v:.0f} ({v:.0f})")
        print(f"| {m} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
