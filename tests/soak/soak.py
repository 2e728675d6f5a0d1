#!/usr/bin/env python3
"""Soak test (issue 14's proof; not a CI test, it runs for minutes): many concurrent connections through switchyard,
every byte checked, while the configuration changes again and again and the Docker daemon restarts.

    tests/soak/soak.py [--binary build-asan/src/app/switchyard] [--connections 9000] [--changes 100]
                       [--duration 240] [--no-docker]

What it does:
  * an echo backend process (asyncio) on loopback, behind a file-provider route `soak`;
  * a client process (asyncio) that opens N connections through switchyard, then on each, until the end, sends
    random-length random bytes and checks that exactly those come back, with random pauses;
  * meanwhile: `--changes` rewrites of the dynamic file (routers and services added, removed, reweighted: the
    `soak` route stays, so new connections keep working and established ones must not notice), and, with a private
    dockerd running the Docker provider, a dockerd restart half way;
  * the API is asked /api/overview every second throughout; switchyard's RSS is sampled every 2 s.

It prints one block of figures and exits 0 when: 0 bytes differ or go missing, 0 connections closed unexpectedly,
the API answered every time, and RSS after the churn is within 10 % of RSS before it. Loopback only; every loop is
bounded by --duration.
"""
import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import random
import resource
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
import sy_harness as h  # noqa: E402


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, min(n, hard if hard != resource.RLIM_INFINITY else n))
    if want > hard and os.geteuid() == 0:
        hard = want
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))


# ------------------------------------------------------------------------------------------------ processes

def echo_backend(port, ready):
    raise_nofile(40000)

    async def serve(reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=4096, reuse_address=True)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def clients(port, n, duration, results):
    raise_nofile(40000)
    stats = {"opened": 0, "failed_open": 0, "bytes_checked": 0, "mismatches": 0, "unexpected_closes": 0,
             "exchanges": 0, "errors": []}
    rng = random.Random(14)

    async def one(i, start_gate, end_at):
        for attempt in range(20):
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
                break
            except (OSError, asyncio.TimeoutError):
                await asyncio.sleep(0.2 + attempt * 0.1)
        else:
            stats["failed_open"] += 1
            return
        stats["opened"] += 1
        await start_gate.wait()
        try:
            while time.monotonic() < end_at:
                payload = os.urandom(rng.randint(1, 8192))
                writer.write(payload)
                await writer.drain()
                got = await asyncio.wait_for(reader.readexactly(len(payload)), 30)
                if got != payload:
                    stats["mismatches"] += 1
                    return
                stats["bytes_checked"] += len(payload)
                stats["exchanges"] += 1
                await asyncio.sleep(rng.uniform(0.2, 3.0))
            writer.write_eof()
            rest = await asyncio.wait_for(reader.read(), 30)
            if rest:
                stats["mismatches"] += 1
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError, OSError) as e:
            stats["unexpected_closes"] += 1
            if len(stats["errors"]) < 10:
                stats["errors"].append("connection %d: %s: %s" % (i, type(e).__name__, e))
        finally:
            writer.close()

    async def main():
        gate = asyncio.Event()
        end_at = time.monotonic() + duration
        tasks = []
        for i in range(n):
            tasks.append(asyncio.create_task(one(i, gate, end_at)))
            if i % 200 == 199:
                await asyncio.sleep(0.05)  # a ramp, not a SYN flood on one listen queue
        # All opened (or given up), then the exchanges start together.
        while stats["opened"] + stats["failed_open"] < n and time.monotonic() < end_at:
            await asyncio.sleep(0.2)
        results.put(("opened", stats["opened"]))
        gate.set()
        await asyncio.gather(*tasks)

    asyncio.run(main())
    results.put(("done", stats))


# ------------------------------------------------------------------------------------------------ the router

def dynamic(backend_port, k):
    """The k-th configuration: the `soak` route always, plus k % 7 extra routers and a weighted service whose
    weights change every time."""
    extra_routers = "".join(
        "    extra%d:\n      entryPoints: [soak]\n      rule: \"ClientIP(`127.0.9.%d`)\"\n      service: w\n"
        % (j, j) for j in range(k % 7))
    return ("tcp:\n  routers:\n"
            "    soak:\n      entryPoints: [soak]\n      rule: \"HostSNI(`*`)\"\n      service: echo\n"
            + extra_routers +
            "  services:\n"
            "    echo:\n      loadBalancer:\n        servers:\n          - address: \"127.0.0.1:%d\"\n"
            "    w:\n      weighted:\n        services:\n          - name: echo\n            weight: %d\n"
            "          - name: echo2\n            weight: %d\n"
            "    echo2:\n      loadBalancer:\n        servers:\n          - address: \"127.0.0.1:%d\"\n"
            % (backend_port, 1 + k % 5, 1 + (k * 3) % 4, backend_port))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def api_ok(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/api/overview")
        r = c.getresponse()
        r.read()
        c.close()
        return r.status == 200
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.abspath(os.path.join(HERE, "..", ".."))
    ap.add_argument("--binary", default=os.path.join(root, "build-asan", "src", "app", "switchyard"))
    ap.add_argument("--connections", type=int, default=9000)
    ap.add_argument("--changes", type=int, default=100)
    ap.add_argument("--duration", type=float, default=240)
    ap.add_argument("--no-docker", action="store_true")
    a = ap.parse_args()
    raise_nofile(4 * a.connections + 1000)

    backend_port, soak_port, api_port = h.free_ports(3)
    work = h.temp_dir("sy-soak-")
    dyn_path = os.path.join(work, "dynamic.yml")
    h.write_file(dyn_path, dynamic(backend_port, 0))

    ready = multiprocessing.Event()
    backend = multiprocessing.Process(target=echo_backend, args=(backend_port, ready), daemon=True)
    backend.start()
    ready.wait(10)

    d = None
    args = ["--entryPoints.soak.address=127.0.0.1:%d" % soak_port,
            "--entryPoints.traefik.address=127.0.0.1:%d" % api_port, "--api.insecure",
            "--providers.file.filename=" + dyn_path, "--providers.providersThrottleDuration=50ms",
            "--log.level=INFO"]
    if not a.no_docker:
        import dockerd
        dockerd.require_root()
        d = dockerd.Dockerd()
        d.start_daemon()
        d.ensure_image()
        # A rule no soak client matches: HostSNI(`*`) here would tie with the file's `soak` router and take its
        # connections to a port nobody listens on (the first 9000-connection run closed them all that way).
        labelled = dockerd.tcp_labels("labelled", h.free_port(), entrypoint="soak",
                                      extra={"traefik.tcp.routers.labelled.rule": "ClientIP(`127.0.9.250`)"})
        d.run("soak-labelled", labels=labelled,
              cmd=[dockerd.BUSYBOX, "sleep", "3600"])
        args += ["--providers.docker", "--providers.docker.endpoint=" + d.endpoint]

    # Two descriptors a connection plus headroom, within the hard limit (containers often cap it, unraisable).
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    limit = 2 * a.connections + 1000
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    sy = h.Switchyard(args, workdir=work, binary_path=a.binary,
                      env={"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1"},
                      preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit)))
    figures = {}
    try:
        sy.wait_for_port(soak_port, timeout=60)
        sy.wait_for_port(api_port, timeout=60)
        results = multiprocessing.Queue()
        cl = multiprocessing.Process(target=clients, args=(soak_port, a.connections, a.duration, results))
        t_start = time.monotonic()
        cl.start()
        kind, opened = results.get(timeout=a.duration + 60)
        figures["connections opened"] = opened
        figures["time to open them, s"] = round(time.monotonic() - t_start, 1)

        api_failures = [0, 0]
        rss = []
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                api_failures[1] += 1
                if not api_ok(api_port):
                    api_failures[0] += 1
                rss.append((time.monotonic(), rss_kb(sy.proc.pid)))
                stop.wait(1.0)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        rss_before = rss_kb(sy.proc.pid)
        # The churn, spread over the first two thirds of the run; dockerd restarts half way through it.
        churn_time = a.duration * 2 / 3
        restarted = False
        for k in range(1, a.changes + 1):
            mark = sy.mark()
            h.write_file(dyn_path, dynamic(backend_port, k))
            sy.wait_for_log(r"configuration \d+ applied", start=mark, timeout=30)
            if d and not restarted and k >= a.changes // 2:
                mark = sy.mark()
                d.stop_daemon()
                d.start_daemon()
                sy.wait_for_log(r"docker", start=mark, timeout=60)
                restarted = True
            time.sleep(churn_time / a.changes)  # spreading the changes over time (not a synchronisation)
        figures["configuration changes"] = a.changes
        figures["dockerd restarted"] = restarted
        time.sleep(min(20, a.duration / 6))  # let memory settle after the churn, then sample
        rss_after = rss_kb(sy.proc.pid)
        kind, stats = results.get(timeout=a.duration + 120)
        cl.join(30)
        stop.set()
        watcher.join(5)
        figures.update({
            "bytes checked": stats["bytes_checked"], "exchanges": stats["exchanges"],
            "byte mismatches or losses": stats["mismatches"], "unexpected closes": stats["unexpected_closes"],
            "connections that could not open": stats["failed_open"],
            "API /api/overview failures": "%d of %d" % tuple(api_failures),
            "RSS with all connections open, MB": round(rss_before / 1024, 1),
            "RSS after the churn, MB": round(rss_after / 1024, 1),
            "RSS peak, MB": round(max(v for _, v in rss) / 1024, 1) if rss else None,
            "binary": a.binary,
        })
        for e in stats["errors"]:
            print("  ", e)
        print(json.dumps(figures, indent=2))
        ok = (stats["mismatches"] == 0 and stats["unexpected_closes"] == 0 and stats["failed_open"] == 0 and
              api_failures[0] == 0 and rss_after <= rss_before * 1.10)
        print("soak: %s" % ("PASS" if ok else "FAIL"))
        code = sy.stop(timeout=60)
        print("switchyard exit code %d" % code)
        return 0 if ok and code == 0 else 1
    finally:
        sy.close()
        backend.terminate()
        if d:
            d.close()


if __name__ == "__main__":
    sys.exit(main())
