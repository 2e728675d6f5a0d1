"""The `docker` section of bench.py (issue 10, item 6): the time from a Docker container's `start` event to the first
connection that Switchyard routes to that container's backend.

Method. A private dockerd (tests/support/dockerd.py: no bridge, no iptables, busybox image, `--network host`), one
Switchyard with the Docker provider, and N containers started one after another. Container i carries labels for a
router on its own entrypoint (HostSNI(`*`), so nothing else can answer there) to its own port, and serves a file
naming itself on 127.0.0.1:port with busybox httpd (busybox nc cannot bind to loopback only, httpd can). Before
`docker run`, a poller connects through the entrypoint every 2 ms and asks for that file; the first answer holding
the container's name is the first routed connection, stamped when that attempt began (CLOCK_REALTIME, the daemon's
clock too). The start event's `timeNano` comes from the daemon's /events (since/until, so the stream ends). The
figure therefore includes the provider's inspect round trip, the throttle, the rebuild and the backend's own
start (httpd binding its port), that is what a user waits for.

Rows: median and max over N containers in three scenarios, each on a fresh Switchyard.
  - isolated: each start 300 ms after the previous route, so the default 200 ms providersThrottleDuration window is
    closed and the throttle applies the change at once (leading edge): the headline figure;
  - back to back: each start as soon as the previous container is routed, a burst as `docker compose up` makes:
    a start that lands inside the window the previous route opened waits for its trailing edge, so this row shows
    the window's cost and varies with how long `docker run` takes on the machine;
  - back to back with providersThrottleDuration=0s: the provider's own delay without any window.
Skipped with a message (no rows) when not root or dockerd/busybox is missing. Every container, the dockerd
and Switchyard are stopped at the end, also on Ctrl-C, SIGTERM or an exception.

    python3 tests/bench/docker_timing.py --switchyard build/src/app/switchyard [--count 10]   # this section alone
"""
import json
import os
import pathlib
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests" / "support"))
import dockerd  # noqa: E402
import sy_harness  # noqa: E402

POLL_INTERVAL = 0.002   # the brief's 2 ms between connection attempts
ROUTE_TIMEOUT = 15.0    # per container: give up on one that is never routed
ROW_BUDGET = 120.0      # per row: stop starting containers after this long


# (name, providersThrottleDuration or None for the default, seconds between a route and the next start, row labels)
SCENARIOS = [
    ("isolated", None, 0.3, "Docker start event -> routed connection, median, ms", "  max of {}, ms"),
    ("burst", None, 0.0, "  started back to back, median, ms", "  back to back, max of {}, ms"),
    ("burst-0s", "0s", 0.0, "  back to back, providersThrottleDuration=0s, median, ms", "  same, max of {}, ms"),
]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def why_skipped():
    """None when a private dockerd can be started here, otherwise the reason."""
    if os.geteuid() != 0:
        return "needs root to start a private dockerd"
    if not shutil.which("dockerd") or not shutil.which("docker"):
        return "needs dockerd and the docker CLI (Debian: docker.io)"
    if not os.path.exists(dockerd.BUSYBOX):
        return "needs %s (Debian: busybox-static) to build the image" % dockerd.BUSYBOX
    return None


def backend_cmd(port, tag):
    """busybox httpd on 127.0.0.1:port serving `tag` at / (host network: the host's loopback)."""
    script = "echo %s > /tmp/index.html && exec %s httpd -f -p 127.0.0.1:%d -h /tmp" % (tag, dockerd.BUSYBOX, port)
    return [dockerd.BUSYBOX, "sh", "-c", script]


def reaches(port, tag):
    """One attempt: a connection through the entrypoint that gets the backend's file naming `tag`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.settimeout(1.0)
            s.sendall(b"GET / HTTP/1.0\r\nHost: bench\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return tag.encode() in data
    except OSError:
        return False


class Poller(threading.Thread):
    """Polls `port` every POLL_INTERVAL until an attempt reaches `tag`; `routed_ns` is when that attempt began."""

    def __init__(self, port, tag):
        super().__init__(daemon=True)
        self.port, self.tag = port, tag
        self.routed_ns = None
        self.attempts = 0
        self.stop = threading.Event()

    def run(self):
        deadline = time.monotonic() + ROUTE_TIMEOUT
        while not self.stop.is_set() and time.monotonic() < deadline:
            began = time.time_ns()
            self.attempts += 1
            if reaches(self.port, self.tag):
                self.routed_ns = began
                return
            self.stop.wait(POLL_INTERVAL)  # the polling period, not a synchronisation


def start_event_ns(d, cid, since):
    """timeNano of the container's `start` event, from /events between `since` and now (the stream then ends)."""
    filters = json.dumps({"type": ["container"], "event": ["start"], "container": [cid]})
    query = urllib.parse.urlencode({"since": "%.6f" % since, "until": "%.6f" % time.time(), "filters": filters})
    status, body = d.api_get("/events?" + query, timeout=10.0)
    if status != 200:
        raise RuntimeError("GET /events: HTTP %d %s" % (status, body[:200]))
    for line in body.splitlines():
        ev = json.loads(line)
        if ev.get("id") == cid and (ev.get("Action") or ev.get("status")) == "start":
            return int(ev["timeNano"])
    raise RuntimeError("no start event for container %s in /events" % cid[:12])


def measure(d, binary, count, throttle, pace, run_id, workdir):
    """Start -> routed delays in ms for `count` containers, on a fresh Switchyard; and how many were never routed.
    `pace`: seconds between one container's route and the next start (0: back to back)."""
    ports = sy_harness.free_ports(2 * count)
    entry, back = ports[:count], ports[count:]
    args = ["--entryPoints.d%d.address=127.0.0.1:%d" % (i, p) for i, p in enumerate(entry)]
    args += ["--providers.docker=true", "--providers.docker.endpoint=" + d.endpoint,
             "--providers.docker.exposedByDefault=false", "--log.level=INFO"]
    if throttle is not None:
        args.append("--providers.providersThrottleDuration=" + throttle)
    delays, missed, cids = [], 0, []
    os.makedirs(workdir, exist_ok=True)
    with sy_harness.Switchyard(args, workdir=workdir, binary_path=binary) as sy:
        try:
            sy.wait_for_port(entry[0])
            sy.wait_for_log(r"docker: connected to", timeout=30)
            budget_end = time.monotonic() + ROW_BUDGET
            for i in range(count):
                if time.monotonic() > budget_end:
                    log("docker: row budget of %.0f s spent after %d container(s)" % (ROW_BUDGET, i))
                    break
                time.sleep(pace)  # the scenario's spacing between starts, not a synchronisation
                tag = "sy-bench-%s-%d" % (run_id, i)
                poller = Poller(entry[i], tag)
                since = time.time() - 1.0
                poller.start()
                try:
                    cids.append(d.run(tag, labels=dockerd.tcp_labels("r%d" % i, back[i], "d%d" % i),
                                      cmd=backend_cmd(back[i], tag)))
                    poller.join(ROUTE_TIMEOUT + 5)
                finally:
                    poller.stop.set()
                    poller.join(5)
                if poller.routed_ns is None:
                    missed += 1
                    log("docker: %s not routed within %.0f s" % (tag, ROUTE_TIMEOUT))
                    continue
                ms = (poller.routed_ns - start_event_ns(d, cids[-1], since)) / 1e6
                delays.append(ms)
                log("docker: %s, container %d: %.1f ms (%d attempts)" % (run_id, i, ms, poller.attempts))
            sy.stop()
        finally:
            if cids:
                d.docker("rm", "-f", *cids, check=False, timeout=60)
    return delays, missed


def _raise_on_sigterm(signum, frame):
    raise KeyboardInterrupt("SIGTERM")


def rows(binary, count=10):
    """The section's table rows (metric, {"switchyard": value}, higher_better, fmt), as bench.py prints them."""
    why = why_skipped()
    binary = os.path.abspath(binary)  # Switchyard runs in its own working directory
    if why:
        log("docker: section skipped: " + why)
        return []
    if not os.path.exists(binary):
        log("docker: section skipped: no switchyard binary at " + binary)
        return []
    # SIGTERM unwinds like Ctrl-C, so the containers and the daemon are still stopped (main thread only).
    try:
        old = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    except ValueError:
        old = None
    out = []
    try:
        with tempfile.TemporaryDirectory(prefix="sy-bench-docker-") as tmp, dockerd.Dockerd() as d:
            d.ensure_image()
            for run_id, throttle, pace, first, second in SCENARIOS:
                delays, missed = measure(d, binary, count, throttle, pace, run_id, os.path.join(tmp, run_id))
                if delays:
                    out.append((first, {"switchyard": statistics.median(delays)}, False, "{:.1f}"))
                    out.append((second.format(len(delays)), {"switchyard": max(delays)}, False, "{:.1f}"))
                if missed:
                    out.append(("  containers never routed (%.0f s)" % ROUTE_TIMEOUT, {"switchyard": missed}, False,
                                "{}"))
    except Exception as e:  # a broken daemon must not cost the table of the sections that ran before this one
        log("docker: section failed: %s: %s" % (type(e).__name__, e))
    finally:
        if old is not None:
            signal.signal(signal.SIGTERM, old)
    return out


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--switchyard", default=str(HERE.parents[1] / "build" / "src" / "app" / "switchyard"))
    ap.add_argument("--count", type=int, default=10)
    a = ap.parse_args()
    for metric, vals, _, fmt in rows(a.switchyard, a.count):
        print("%-70s %s" % (metric, fmt.format(vals["switchyard"])))
