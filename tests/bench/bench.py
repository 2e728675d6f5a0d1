#!/usr/bin/env python3
"""Switchyard against HAProxy 2.6 (mode tcp, nbthread 1) and nginx 1.22's stream module (worker_processes 1), in one
run, on loopback. Switchyard runs once per data path: `switchyard` copies (core.dataPath=copy), `sockmap` relays in
the kernel with a BPF sockmap after a connection's first full buffer (core.dataPath=sockmap; skipped where this
process may not load BPF). Every proxy is pinned to the same core (PROXY_CORE); backends and load generators run on the other
(LOAD_CORE). Prints one table: per proxy, and Switchyard as a ratio to the better peer. A benchmark, not a test: it
never fails on timing.

    tests/bench/bench.py [--switchyard build/src/app/switchyard] [--quick]
                         [--only throughput,cpu,latency,memory,reload,docker,scaling]
                         [--proxies haproxy,nginx,switchyard,sockmap]

`scaling` (not in the default set) is the 2-core run: each proxy with one and then two workers (core.threads=2,
HAProxy nbthread 2, nginx worker_processes 2), unpinned, with wrk and a 2-worker backend on the same two cores, since a
2-core machine has no third core to keep them apart; it prints each rate and CPU figure for both and the factor.

"machine CPU" rows are the whole machine's busy time (all cores, /proc/stat) per request or per GiB: a kernel
redirect moves work into softirq and kernel worker contexts that the proxy's own CPU time does not show.
"""
import argparse
import asyncio
import os
import pathlib
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import docker_timing

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PROXY_CORE = "1"
LOAD_CORE = "0"
BOTH_CORES = "0,1"  # the scaling run: proxy, backend and load generator share the machine
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

# Fixed loopback ports (127.0.0.1 only); the proxies' frontends, one per scenario.
P = dict(iperf=21001, http=21002, http_pp=21003, echo=21004, echo_pp=21005,
         f_iperf=22001, f_http=22002, f_http_pp1=22003, f_http_pp2=22004, f_echo=22005, f_echo_pp1=22006,
         f_echo_pp2=22007, api=22080, http_sc=21006, f_http_sc=22008)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def wait_port(port, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open within {timeout}s")


def port_in_use(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def rss_bytes(pid):
    return int(pathlib.Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE


def machine_busy_seconds():
    """Busy time of every core so far (user, nice, system, irq, softirq, steal), from /proc/stat."""
    f = pathlib.Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in f[:8])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]


class Proc:
    """A process started pinned to a core, stopped for sure at the end."""

    def __init__(self, args, core, cwd=None, log_path=None):
        self.log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.p = subprocess.Popen(["taskset", "-c", core] + args, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                  start_new_session=True)

    def stop(self):
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait(5)


# ---------------------------------------------------------------- backends

def nginx_backend_conf(tmp, name="nginx-backend", workers=1,
                       listens=((P["http"], ""), (P["http_pp"], " proxy_protocol"))):
    servers = "\n".join(f'  server {{ listen 127.0.0.1:{port}{opts} backlog=4096; location / {{ return 200 "ok\\n"; }} }}'
                        for port, opts in listens)
    return f"""
worker_processes {workers};
daemon off;
pid {tmp}/{name}.pid;
error_log {tmp}/{name}.err warn;
events {{ worker_connections 20000; }}
http {{
  access_log off;
  keepalive_requests 1000000;
{servers}
}}
"""


ECHO_SERVER = r'''
import asyncio, sys
port, pp = int(sys.argv[1]), sys.argv[2] == "pp"
count = 0
async def handle(r, w):
    global count
    count += 1
    try:
        if pp:  # strip the PROXY header (v1 line or v2 binary) so the client sees only its own bytes
            head = await r.readexactly(5)
            if head == b"PROXY":
                await r.readline()
            else:
                rest = await r.readexactly(11)
                ln = int.from_bytes(rest[9:11], "big")
                await r.readexactly(ln)
        while True:
            data = await r.read(65536)
            if not data:
                break
            w.write(data)
            await w.drain()
    except Exception:
        pass
    w.close()
async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", port, backlog=16384)
    await srv.serve_forever()
asyncio.run(main())
'''


def start_backends(tmp):
    procs = []
    (tmp / "nginx-backend.conf").write_text(nginx_backend_conf(tmp))
    procs.append(Proc(["nginx", "-c", str(tmp / "nginx-backend.conf"), "-p", str(tmp)], LOAD_CORE))
    procs.append(Proc(["iperf3", "-s", "-B", "127.0.0.1", "-p", str(P["iperf"])], LOAD_CORE))
    (tmp / "echo.py").write_text(ECHO_SERVER)
    procs.append(Proc([sys.executable, str(tmp / "echo.py"), str(P["echo"]), "plain"], LOAD_CORE))
    procs.append(Proc([sys.executable, str(tmp / "echo.py"), str(P["echo_pp"]), "pp"], LOAD_CORE))
    for k in ("http", "http_pp", "iperf", "echo", "echo_pp"):
        wait_port(P[k])
    return procs


# ---------------------------------------------------------------- proxies

# frontend port → (backend port, PROXY version)
def routes():
    return {P["f_iperf"]: (P["iperf"], 0), P["f_http"]: (P["http"], 0), P["f_http_pp1"]: (P["http_pp"], 1),
            P["f_http_pp2"]: (P["http_pp"], 2), P["f_echo"]: (P["echo"], 0), P["f_echo_pp1"]: (P["echo_pp"], 1),
            P["f_echo_pp2"]: (P["echo_pp"], 2), P["f_http_sc"]: (P["http_sc"], 0)}


def haproxy_conf(tmp, workers=1):
    out = ["global", f"  nbthread {workers}", "  maxconn 9800", "defaults", "  mode tcp", "  timeout connect 5s",
           "  timeout client 300s", "  timeout server 300s", ""]
    for front, (back, pp) in routes().items():
        if pp == 1:
            continue  # the comparison for v1 is against nginx, which can send only v1
        send = {0: "", 2: " send-proxy-v2"}[pp]
        out += [f"listen l{front}", f"  bind 127.0.0.1:{front}", f"  server s 127.0.0.1:{back}{send}", ""]
    return "\n".join(out)


def nginx_proxy_conf(tmp, workers=1):
    # With two workers each gets its own SO_REUSEPORT socket, as Switchyard's acceptors (one per thread) do, so the
    # kernel spreads connections over both instead of whichever worker wakes first taking most of them.
    reuse = " reuseport" if workers > 1 else ""
    servers = []
    for front, (back, pp) in routes().items():
        if pp == 2:
            continue  # nginx sends only v1
        servers.append(f"  server {{ listen 127.0.0.1:{front}{reuse} backlog=4096; proxy_pass 127.0.0.1:{back}; "
                       f"proxy_protocol {'on' if pp else 'off'}; }}")
    return f"""
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes {workers};
worker_rlimit_nofile 20000;
daemon off;
pid {tmp}/nginx-proxy.pid;
error_log {tmp}/nginx-proxy.err warn;
events {{ worker_connections 20000; }}
stream {{
{chr(10).join(servers)}
}}
"""


def switchyard_files(tmp, workers=1):
    static = ["entryPoints:"]
    dyn = ["tcp:", "  routers:"]
    services = ["  services:"]
    for front, (back, pp) in routes().items():
        static += [f"  f{front}:", f"    address: \"127.0.0.1:{front}\""]
        dyn += [f"    r{front}:", f"      entryPoints: [f{front}]", "      rule: HostSNI(`*`)", f"      service: s{front}"]
        services += [f"    s{front}:", "      loadBalancer:", "        servers:",
                     f"          - address: \"127.0.0.1:{back}\""]
        if pp:
            services += ["        proxyProtocol:", f"          version: {pp}"]
    static += ["  traefik:", f"    address: \"127.0.0.1:{P['api']}\"", "providers:", "  file:",
               f"    filename: {tmp}/dynamic.yml", "  providersThrottleDuration: 0s", "ping: {}",
               "core:", f"  threads: {workers}", "log:", "  level: ERROR"]
    (tmp / "switchyard.yml").write_text("\n".join(static) + "\n")
    sockmap = [line for line in static]
    sockmap.insert(sockmap.index("core:") + 1, "  dataPath: sockmap")
    (tmp / "switchyard-sockmap.yml").write_text("\n".join(sockmap) + "\n")
    (tmp / "dynamic.yml").write_text("\n".join(dyn + services) + "\n")


class Proxy:
    def __init__(self, name, tmp, switchyard_bin, workers=1, core=PROXY_CORE):
        self.name, self.tmp, self.bin, self.workers, self.core = name, tmp, switchyard_bin, workers, core
        self.proc = None

    def start(self):
        t = self.tmp
        if self.name == "haproxy":
            (t / "haproxy.cfg").write_text(haproxy_conf(t, self.workers))
            self.proc = Proc(["haproxy", "-db", "-f", str(t / "haproxy.cfg")], self.core, log_path=t / "haproxy.log")
        elif self.name == "nginx":
            (t / "nginx-proxy.conf").write_text(nginx_proxy_conf(t, self.workers))
            self.proc = Proc(["nginx", "-c", str(t / "nginx-proxy.conf"), "-p", str(t)], self.core,
                             log_path=t / "nginx-proxy.log")
        else:
            # threads in the file is --core.threads: with --configFile the other flags are ignored, as in Traefik.
            switchyard_files(t, self.workers)
            conf = "switchyard-sockmap.yml" if self.name == "sockmap" else "switchyard.yml"
            self.proc = Proc([self.bin, f"--configFile={t}/{conf}"], self.core,
                             log_path=t / f"{self.name}.log")
        wait_port(P["f_http"])
        if self.name in ("switchyard", "sockmap"):  # the first configuration arrives from the file provider: wait for a route
            end = time.monotonic() + 10
            while time.monotonic() < end and not http_ok(P["f_http"]):
                time.sleep(0.05)
        return self

    def pids(self):
        """The processes that forward: nginx's workers, otherwise the process itself (its stat counts every thread)."""
        root = self.proc.p.pid
        # taskset execs in place, so root is the proxy; nginx forks its workers.
        if self.name == "nginx":
            end = time.monotonic() + 5
            while time.monotonic() < end:
                kids = children(root)
                if len(kids) >= self.workers:
                    return kids
                time.sleep(0.05)
        return [root]

    def pid(self):
        return self.pids()[0]

    def stop(self):
        if self.proc:
            self.proc.stop()


def http_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
            return s.recv(100).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


# ---------------------------------------------------------------- measurements

def iperf(port, streams, seconds, machine=None):
    """Gbit/s; with `machine` (a dict), also the whole machine's CPU seconds per GiB moved, as machine["per_gib"]."""
    busy = machine_busy_seconds()
    out = subprocess.run(["taskset", "-c", LOAD_CORE, "iperf3", "-c", "127.0.0.1", "-p", str(port), "-P",
                          str(streams), "-t", str(seconds), "-J"], capture_output=True, text=True, timeout=seconds + 30)
    import json
    data = json.loads(out.stdout)
    if machine is not None:
        moved = data["end"]["sum_received"]["bytes"]
        machine["per_gib"] = (machine_busy_seconds() - busy) / (moved / 2**30) if moved else float("nan")
    return data["end"]["sum_received"]["bits_per_second"] / 1e9


def wrk(port, seconds, close, conns=32, threads=1, core=LOAD_CORE):
    args = ["taskset", "-c", core, "wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s"]
    if close:
        args += ["-H", "Connection: close"]
    out = subprocess.run(args + [f"http://127.0.0.1:{port}/"], capture_output=True, text=True,
                         timeout=seconds + 30).stdout
    m = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return int(m.group(1)) if m else 0, out, errors.groups() if errors else None


def cpu_per_request(pids, port, seconds, close, **wrk_args):
    """(CPU us per request of the processes `pids`, requests/s, whole machine's CPU us per request)."""
    before, busy = sum(cpu_seconds(p) for p in pids), machine_busy_seconds()
    n, _, _ = wrk(port, seconds, close, **wrk_args)
    used, machine = sum(cpu_seconds(p) for p in pids) - before, machine_busy_seconds() - busy
    if not n:
        return float("nan"), 0, float("nan")
    return used / n * 1e6, n / seconds, machine / n * 1e6


def latency(port, seconds, rate):
    """Sequential keep-alive requests at a fixed rate; p50 and p99 in microseconds (client-side, same for all)."""
    samples = []
    req = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        interval = 1.0 / rate
        end = time.monotonic() + seconds
        nxt = time.monotonic()
        while time.monotonic() < end:
            t0 = time.perf_counter()
            s.sendall(req)
            buf = b""
            while not buf.endswith(b"ok\n"):
                chunk = s.recv(4096)
                if not chunk:
                    raise RuntimeError("connection closed")
                buf += chunk
            samples.append((time.perf_counter() - t0) * 1e6)
            nxt += interval
            delay = nxt - time.monotonic()
            if delay > 0:
                time.sleep(delay)  # pacing, not synchronisation
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.99)]


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


async def hold_connections(port, n, pid, base_fds):
    """Opens n silent connections through the proxy and waits (30 s at most) until the proxy holds both sides of
    each: a client fd and a backend fd, so "before traffic" really means no byte has crossed."""
    conns = []
    sem = asyncio.Semaphore(200)

    async def one():
        async with sem:
            r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
            conns.append((r, w))

    await asyncio.gather(*(one() for _ in range(n)))
    end = time.monotonic() + 30
    while fd_count(pid) < base_fds + 2 * n and time.monotonic() < end:
        await asyncio.sleep(0.05)
    return conns


def idle_memory(proxy_factory, port, n):
    """KB per idle connection before and after traffic, on a freshly started proxy."""
    proxy = proxy_factory().start()
    try:
        pid = proxy.pid()
        time.sleep(0.3)  # let start-up allocations settle; a measurement delay, not synchronisation
        base = rss_bytes(pid)
        base_fds = fd_count(pid)

        async def run():
            conns = await hold_connections(port, n, pid, base_fds)
            time.sleep(0.3)
            before = rss_bytes(pid)
            payload = b"y" * 4096
            sem = asyncio.Semaphore(200)

            async def talk(r, w):
                async with sem:
                    w.write(payload)
                    await w.drain()
                    await asyncio.wait_for(r.readexactly(len(payload)), 10)

            await asyncio.gather(*(talk(r, w) for r, w in conns))
            time.sleep(0.3)
            after = rss_bytes(pid)
            for _, w in conns:
                w.close()
            return before, after

        before, after = asyncio.run(run())
        return (before - base) / n / 1024, (after - base) / n / 1024
    finally:
        proxy.stop()


def reload_drops(tmp, proxy, changes, seconds_cap=60):
    """Connections that fail while the dynamic file is rewritten `changes` times under load (Switchyard only)."""
    import threading
    stop = threading.Event()
    failures = [0]
    done = [0]

    def load():
        while not stop.is_set():
            if http_ok(P["f_http"]):
                done[0] += 1
            else:
                failures[0] += 1

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    dyn = (tmp / "dynamic.yml").read_text()
    end = time.monotonic() + seconds_cap
    for i in range(changes):
        if time.monotonic() > end:
            break
        # Alternate the priority of the HTTP route: a real change every time, same backend.
        changed = dyn.replace("rule: HostSNI(`*`)", f"rule: HostSNI(`*`)\n      priority: {i + 1}", 1)
        tmpfile = tmp / "dynamic.yml.new"
        tmpfile.write_text(changed)
        os.rename(tmpfile, tmp / "dynamic.yml")
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(10)
    return failures[0], done[0]


def scaling_rows(tmp, names, switchyard_bin, seconds):
    """The 2-core run: every proxy with 1 and then 2 workers through a 2-worker backend, wrk -t2 -c64; each figure for
    both, and the factor 2 workers / 1 worker. Nothing is pinned, so the proxy shares both cores with wrk and the
    backend: what a second worker can gain is bounded by what those two leave idle."""
    conf = tmp / "nginx-backend-sc.conf"
    conf.write_text(nginx_backend_conf(tmp, "nginx-backend-sc", 2, [(P["http_sc"], " reuseport")]))
    backend = Proc(["nginx", "-c", str(conf), "-p", str(tmp)], BOTH_CORES)
    load = dict(conns=64, threads=2, core=BOTH_CORES)
    rows = []
    try:
        wait_port(P["http_sc"])
        for close in (False, True):
            label = "short connections" if close else "kept-alive"
            rate, cpu, machine = ({1: {}, 2: {}} for _ in range(3))
            _, rate[1]["direct"], machine[1]["direct"] = cpu_per_request([], P["http_sc"], seconds, close, **load)
            for name in names:
                for w in (1, 2):  # one after the other, so a neighbour's build weighs on both alike
                    px = Proxy(name, tmp, switchyard_bin, w, BOTH_CORES).start()
                    try:
                        cpu[w][name], rate[w][name], machine[w][name] = cpu_per_request(
                            px.pids(), P["f_http_sc"], seconds, close, **load)
                    finally:
                        px.stop()
            for what, vals, higher, fmt in (("req/s", rate, True, "{:.0f}"), ("proxy CPU per request, us", cpu, False,
                                            "{:.1f}"), ("machine CPU per request, us", machine, False, "{:.1f}")):
                rows.append((f"2 cores, {label}: {what}, 1 worker", vals[1], higher, fmt))
                rows.append((f"  2 workers", vals[2], higher, fmt))
                factor = {n: vals[2][n] / vals[1][n] if vals[1][n] else float("nan") for n in names}
                rows.append((f"  factor 2 workers / 1", factor, higher, "{:.2f}"))
    finally:
        backend.stop()
    return rows


# ---------------------------------------------------------------- main

def ratio(ours, peers, higher_better):
    vals = [v for v in peers if isinstance(v, (int, float)) and v == v]
    if not vals or not isinstance(ours, (int, float)) or ours != ours:
        return "-"
    best = max(vals) if higher_better else min(vals)
    return f"{ours / best:.2f}" if best else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--switchyard", default=str(ROOT / "build" / "src" / "app" / "switchyard"))
    ap.add_argument("--quick", action="store_true", help="shorter runs and 1,000/3,000 idle connections")
    ap.add_argument("--only", default="throughput,cpu,latency,memory,reload,docker")
    ap.add_argument("--proxies", default="haproxy,nginx,switchyard,sockmap")
    args = ap.parse_args()
    only = set(args.only.split(","))
    names = args.proxies.split(",")
    if "sockmap" in names:
        probe = subprocess.run([args.switchyard, "version"], capture_output=True, text=True).stdout
        if "data path:     sockmap available" not in probe:
            log("bench: the sockmap data path is not available to this process; its column is left out")
            names.remove("sockmap")
    secs = 3 if args.quick else 5
    idle_points = [1000, 3000] if args.quick else [1000, 9000]
    rows = []  # (metric, {proxy: value}, higher_better, fmt)

    # A process left listening on one of our ports (an earlier run killed half-way) would answer instead of the proxy
    # under test and make every figure meaningless: refuse to start.
    busy = [p for p in P.values() if port_in_use(p)]
    if busy:
        sys.exit(f"bench: ports {busy} on 127.0.0.1 are already in use (a previous run left a process?); stop it first")

    with tempfile.TemporaryDirectory(prefix="sy-bench-") as d:
        tmp = pathlib.Path(d)
        backends = start_backends(tmp)
        try:
            if "throughput" in only:
                for streams in (1, 4):
                    m = {}
                    vals = {"direct": iperf(P["iperf"], streams, secs, m)}
                    per_gib = {"direct": m["per_gib"]}
                    for name in names:
                        px = Proxy(name, tmp, args.switchyard).start()
                        try:
                            vals[name] = iperf(P["f_iperf"], streams, secs, m)
                            per_gib[name] = m["per_gib"]
                        finally:
                            px.stop()
                    rows.append((f"throughput, {streams} stream(s), Gbit/s", vals, True, "{:.1f}"))
                    rows.append((f"  machine CPU per GiB, {streams} stream(s), s", per_gib, False, "{:.2f}"))
            for pp_label, ports in (("", {"haproxy": P["f_http"], "nginx": P["f_http"], "switchyard": P["f_http"]}),
                                    (" +PROXY", {"haproxy": P["f_http_pp2"], "nginx": P["f_http_pp1"],
                                                 "switchyard": (P["f_http_pp2"], P["f_http_pp1"])})):
                if "cpu" not in only:
                    break
                for close in (False, True):
                    label = "short connection" if close else "kept-alive request"
                    vals, rates, machine = {}, {}, {}
                    for name in names:
                        px = Proxy(name, tmp, args.switchyard).start()
                        try:
                            port = ports.get(name, ports["switchyard"])
                            if isinstance(port, tuple):  # Switchyard: v2 (vs HAProxy) and v1 (vs nginx)
                                v2, _, m2 = cpu_per_request(px.pids(), port[0], secs, close)
                                v1, _, m1 = cpu_per_request(px.pids(), port[1], secs, close)
                                vals[name], machine[name] = min(v2, v1), min(m2, m1)
                            else:
                                vals[name], rates[name], machine[name] = cpu_per_request(px.pids(), port, secs, close)
                        finally:
                            px.stop()
                    rows.append((f"proxy CPU per {label}{pp_label}, us", vals, False, "{:.1f}"))
                    rows.append((f"  machine CPU per {label}{pp_label}, us", machine, False, "{:.1f}"))
                    if rates:
                        rows.append((f"  rate, {label}{pp_label}, req/s", rates, True, "{:.0f}"))
            if "latency" in only:
                vals50, vals99 = {}, {}
                vals50["direct"], vals99["direct"] = latency(P["http"], secs, 1000)
                for name in names:
                    px = Proxy(name, tmp, args.switchyard).start()
                    try:
                        vals50[name], vals99[name] = latency(P["f_http"], secs, 1000)
                    finally:
                        px.stop()
                rows.append(("latency p50 at 1000 req/s, us", vals50, False, "{:.0f}"))
                rows.append(("latency p99 at 1000 req/s, us", vals99, False, "{:.0f}"))
            if "memory" in only:
                for pp_label, port_of in (("", lambda n: P["f_echo"]),
                                          (" +PROXY", lambda n: P["f_echo_pp1"] if n == "nginx" else P["f_echo_pp2"])):
                    for n in idle_points:
                        before, after = {}, {}
                        for name in names:
                            b, a = idle_memory(lambda: Proxy(name, tmp, args.switchyard), port_of(name), n)
                            before[name], after[name] = b, a
                        rows.append((f"KB per idle connection, {n}{pp_label}, before traffic", before, False, "{:.2f}"))
                        rows.append((f"KB per idle connection, {n}{pp_label}, after traffic", after, False, "{:.2f}"))
            if "reload" in only and "switchyard" in names:
                px = Proxy("switchyard", tmp, args.switchyard).start()
                try:
                    failed, ok = reload_drops(tmp, px, 100)
                finally:
                    px.stop()
                rows.append(("connections failed during 100 config changes", {"switchyard": failed}, False, "{}"))
                rows.append(("  connections completed meanwhile", {"switchyard": ok}, True, "{}"))
            if "scaling" in only:
                rows += scaling_rows(tmp, names, args.switchyard, secs)
            if "docker" in only and "switchyard" in names:  # its own private dockerd; skipped when not root
                rows += docker_timing.rows(args.switchyard, 5 if args.quick else 10)
        finally:
            for b in backends:
                b.stop()

    ours = [n for n in ("switchyard", "sockmap") if n in names]
    cols = ["direct"] + names + ["ratio " + n if n != "switchyard" else "ratio" for n in ours]
    width = max(len(r[0]) for r in rows) if rows else 20
    if "scaling" in only:
        print("2 cores: proxy, backend (nginx, 2 workers) and wrk -t2 -c64 share both cores, unpinned: a 2-core machine "
              "has no core to spare for the load, so a second worker gains only what wrk and the backend leave idle")
    print(f"{'':{width}}  " + "  ".join(f"{c:>11}" for c in cols))
    for metric, vals, higher, fmt in rows:
        cells = []
        for c in cols[:len(cols) - len(ours)]:
            v = vals.get(c)
            cells.append(f"{fmt.format(v):>11}" if v is not None else f"{'':>11}")
        peers = [vals.get(n) for n in names if n not in ours]
        for n in ours:
            cells.append(f"{ratio(vals.get(n), peers, higher):>11}")
        print(f"{metric:{width}}  " + "  ".join(cells))
    print("ratio = Switchyard (copy; 'ratio sockmap': the sockmap data path) / the better of HAProxy and nginx "
          "(higher is better for throughput and rates, lower for CPU, latency and memory)")


if __name__ == "__main__":
    main()
