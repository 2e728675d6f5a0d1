"""The Docker provider against a real dockerd, through an allow-list socket proxy (issue 7).

Runs the provider alone (docker_watch prints every configuration it pushes) and checks what a user would see in the
routing table: a labelled container started later is routed, a stopped one is removed, an unhealthy one is not
routed, two replicas share one service, a mislabelled container reports its error while the others keep working,
a dead dockerd leaves the last configuration in force (nothing is pushed) and a restarted one is picked up again.
Also measures the time from a container's start event to the pushed configuration.

Then, on a second watch (issue 14): the TCP connections to the daemon probe with Go's keep-alive timings (15 s, seen
in `ss`), a silent events stream is checked and reopened without losing events, an inspect the proxy refuses drops
that container's routes, and a daemon that vanishes without closing its connections is noticed within the silence
bound and picked up again. The last two are faults a real dockerd cannot produce (a refused inspect, a host gone
without FIN or RST), so the socket proxy stands in for them (tests/support/docker_proxy.py).
"""
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

import dockerd
import docker_proxy
import sy_harness as h

dockerd.require_root()

WATCH = os.environ.get("SY_DOCKER_WATCH")
if not WATCH or not os.path.exists(WATCH):
    print("SKIP: SY_DOCKER_WATCH (the docker_watch test program) is not built", flush=True)
    sys.exit(77)


class Watch:
    """docker_watch in the background; messages and log lines arrive on queues read with timeouts."""

    def __init__(self, args):
        self.proc = subprocess.Popen([WATCH] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages = queue.Queue()
        self.log = queue.Queue()
        self.log_lines = []
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        self.last = None

    def _read_out(self):
        for line in self.proc.stdout:
            self.messages.put(json.loads(line))

    def _read_err(self):
        for line in self.proc.stderr:
            text = line.decode(errors="replace").rstrip()
            self.log_lines.append(text)
            self.log.put(text)

    def wait_message(self, predicate, what, timeout=15.0):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise h.TestFailure("no pushed configuration where %s within %.0f s; last: %s\nlog:\n%s"
                                    % (what, timeout, json.dumps(self.last), "\n".join(self.log_lines[-20:])))
            try:
                m = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            self.last = m
            if predicate(m):
                return m

    def expect_no_message(self, seconds):
        try:
            m = self.messages.get(timeout=seconds)
        except queue.Empty:
            return
        raise h.TestFailure("a configuration was pushed while it should not have been: %s" % json.dumps(m))

    def wait_log(self, pattern, timeout=30.0):
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise h.TestFailure("no log line matching %r within %.0f s; log:\n%s"
                                    % (pattern, timeout, "\n".join(self.log_lines[-20:])))
            try:
                line = self.log.get(timeout=left)
            except queue.Empty:
                continue
            if rx.search(line):
                return line

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        # Under ASan/UBSan (the sanitizer build runs these tests too) a report means a bug, even if all else passed.
        deadline = time.monotonic() + 5
        while self.proc.stderr and not self.proc.stderr.closed and time.monotonic() < deadline:
            try:
                line = self.log.get(timeout=0.2)
            except queue.Empty:
                break
        reports = [l for l in self.log_lines if "AddressSanitizer" in l or "LeakSanitizer" in l or "runtime error:" in l]
        h.check(not reports, "sanitizer report from docker_watch:\n" + "\n".join(self.log_lines[-40:]))


def start_event_time(d, cid):
    """timeNano of the container's start event, from the daemon's own event log (same clock as t_ms)."""
    filters = json.dumps({"type": ["container"], "event": ["start"], "container": [cid]})
    now = time.time()
    status, body = d.api_get("/events?since=%d&until=%.9f&filters=%s"
                             % (now - 120, now, urllib.parse.quote(filters, safe="")), timeout=10)
    h.check(status == 200, "GET /events: HTTP %d" % status)
    events = [json.loads(l) for l in body.decode().splitlines() if l.strip()]
    h.check(events, "the daemon reports no start event for %s" % cid)
    return events[-1]["timeNano"]


def keep_alive_timers(port):
    """The keep-alive timers (seconds) of the established connections to 127.0.0.1:port, as `ss -o` shows them."""
    out = subprocess.run(["ss", "-Htno", "state", "established", "( dport = :%d )" % port],
                         capture_output=True, text=True, timeout=10, check=True).stdout
    timers = []
    for m in re.finditer(r"timer:\(keepalive,(?:(\d+)min)?(?:(\d+)sec)?(?:(\d+)ms)?", out):
        minutes, secs, ms = (int(g) if g else 0 for g in m.groups())
        timers.append(minutes * 60 + secs + ms / 1000.0)
    return timers, out


def faults(d):
    """Keep-alive, a silent stream, a refused inspect and a vanished daemon, on a watch of its own."""
    proxy = docker_proxy.SocketProxy(d.sock)
    steady_port, later_port = h.free_ports(2)
    steady = d.run("steady", labels=dockerd.tcp_labels("steady", steady_port), cmd=dockerd.echo_server(steady_port))
    w = Watch(["--endpoint=" + proxy.endpoint, "--exposedByDefault=false", "--eventsSilence=1s",
               "--httpClientTimeout=1s"])
    try:
        w.wait_message(lambda m: "steady" in m["routers"], "the steady container is routed")
        w.wait_log(r"connected to Docker")

        # Go's dialer timings on the events stream's connection, not the kernel's 2 h.
        timers, raw = keep_alive_timers(proxy.port)
        h.check(timers and all(t <= 15 for t in timers),
                "keep-alive probes within 15 s on the connections to the daemon: %s" % raw.strip())

        # A silent stream is checked (/_ping) and reopened; an event after that is not lost.
        w.wait_log(r"silent for 1s; the daemon answers, stream reopened", timeout=10)
        d.run("later", labels=dockerd.tcp_labels("later", later_port), cmd=dockerd.echo_server(later_port))
        w.wait_message(lambda m: "later" in m["routers"] and "steady" in m["routers"],
                       "a container started after the stream was reopened is routed")

        # An inspect the proxy refuses: that container's routes go, with the reason in the log; the others stay.
        proxy.deny_inspect(steady)
        d.docker("update", "--restart=no", steady)  # an `update` event: the provider inspects it again
        w.wait_message(lambda m: "steady" not in m["routers"] and "later" in m["routers"],
                       "a container whose inspect fails keeps no stale route")
        w.wait_log(r"inspecting container %s: HTTP 403: forbidden by the proxy; its routes are removed" % steady[:12])

        # The daemon vanishes without closing anything: noticed within the silence bound, the routes stay.
        frozen_at = time.monotonic()
        proxy.freeze()
        w.wait_log(r"keeping the last configuration and retrying", timeout=10)
        noticed = time.monotonic() - frozen_at
        print("a vanished daemon noticed after %.1f s (events silence 1 s, httpClientTimeout 1 s)" % noticed, flush=True)
        w.expect_no_message(1.0)
        proxy.thaw()
        w.wait_log(r"connected to Docker", timeout=30)
    finally:
        w.stop()
        proxy.close()


def main():
    with dockerd.Dockerd() as d:
        d.ensure_image()
        proxy = docker_proxy.SocketProxy(d.sock)
        # A container that exists before the provider starts (listed, not learnt from an event).
        early_port, smtp_port, imap1, imap2, bad_port, sick_port, fine_port, always_port = h.free_ports(8)
        d.run("early", labels=dockerd.tcp_labels("early", early_port), cmd=dockerd.echo_server(early_port))

        w = Watch(["--endpoint=" + proxy.endpoint, "--exposedByDefault=false"])
        try:
            first = w.wait_message(lambda m: "early" in m["routers"], "the container running before start is routed")
            h.check(first["services"]["early"] == ["127.0.0.1:%d" % early_port],
                    "network mode host is reached on 127.0.0.1: %s" % first["services"])
            w.wait_log(r"connected to Docker")

            # A labelled container started after the provider: routed, and how fast.
            cid = d.run("smtp", labels=dockerd.tcp_labels("smtp", smtp_port), cmd=dockerd.echo_server(smtp_port))
            m = w.wait_message(lambda m: "smtp" in m["routers"], "the new container's router appears", timeout=5)
            h.check(m["routers"]["smtp"]["service"] == "smtp", "router bound to its service: %s" % m["routers"])
            h.check(m["services"]["smtp"] == ["127.0.0.1:%d" % smtp_port], "server address: %s" % m["services"])
            start_ns = start_event_time(d, cid)
            latency = m["t_ms"] - start_ns / 1e6
            # Negative when the provider already saw the container running after its `network connect` event.
            print("start event -> configuration pushed: %.1f ms (through the socket proxy)" % latency, flush=True)
            h.check(latency < 1000, "a start must be routable well within a second: %.1f ms" % latency)

            # Stopping it removes the route.
            d.docker("stop", "-t", "1", cid)
            w.wait_message(lambda m: "smtp" not in m["routers"] and "early" in m["routers"],
                           "the stopped container's router is gone, the others stay")

            # Unhealthy: never routed. Healthy: routed once its check passes.
            d.run("sick", labels=dockerd.tcp_labels("sick", sick_port), cmd=dockerd.echo_server(sick_port),
                  health_cmd="/bin/busybox false")
            d.run("fine", labels=dockerd.tcp_labels("fine", fine_port), cmd=dockerd.echo_server(fine_port),
                  health_cmd="/bin/busybox true")
            m = w.wait_message(lambda m: "fine" in m["routers"], "the healthy container is routed once healthy")
            deadline = time.monotonic() + 15
            while d.inspect("sick")["State"]["Health"]["Status"] != "unhealthy":
                h.check(time.monotonic() < deadline, "the sick container never became unhealthy")
                time.sleep(0.2)  # polling the daemon's own view; the provider is not involved
            h.check("sick" not in w.last["routers"], "an unhealthy container is not routed: %s" % w.last["routers"])

            # Two replicas of one compose service: one service, two servers.
            for i, port in ((1, imap1), (2, imap2)):
                d.run("mail-imap-%d" % i, cmd=dockerd.echo_server(port), labels={
                    "traefik.enable": "true",
                    "com.docker.compose.project": "mail",
                    "com.docker.compose.service": "imap",
                    "traefik.tcp.routers.imap.rule": "HostSNI(`*`)",
                    "traefik.tcp.routers.imap.entrypoints": "imap",
                    "traefik.tcp.services.imap.loadbalancer.server.port": str(port),
                })
            m = w.wait_message(lambda m: len(m["services"].get("imap", [])) == 2, "two replicas share one service")
            h.check(sorted(m["services"]["imap"]) == sorted(["127.0.0.1:%d" % imap1, "127.0.0.1:%d" % imap2]),
                    "both replicas serve: %s" % m["services"]["imap"])

            # A mislabelled container: its error is reported, the others keep working.
            d.run("bad", cmd=dockerd.echo_server(bad_port), labels={
                "traefik.enable": "true",
                "traefik.tcp.routers.bad.rule": "HostSNI(`*`)",
                "traefik.tcp.services.one.loadbalancer.server.port": str(bad_port),
                "traefik.tcp.services.two.loadbalancer.server.port": str(bad_port),
            })
            m = w.wait_message(lambda m: any(f["name"] == "bad" and f["error"] for f in m["findings"]),
                               "the mislabelled router has an error")
            h.check("early" in m["routers"] and "fine" in m["routers"] and "imap" in m["routers"],
                    "the other routers are unaffected: %s" % sorted(m["routers"]))
            w.wait_log(r"\"bad\".*names no service")

            # A container that comes back by itself after a daemon restart.
            d.run("always", labels=dockerd.tcp_labels("always", always_port), cmd=dockerd.echo_server(always_port),
                  extra=["--restart", "always"])
            w.wait_message(lambda m: "always" in m["routers"], "the restart-always container is routed")

            # dockerd dies: nothing is pushed (the last configuration stays in force), the loss is logged once.
            d.stop_daemon(sig=signal.SIGKILL)
            w.wait_log(r"keeping the last configuration and retrying")
            w.expect_no_message(3.0)
            h.check(sum("keeping the last configuration" in l for l in w.log_lines) == 1,
                    "the loss is logged once, not once per retry")

            # dockerd comes back: picked up without restarting the provider (and without restarting us).
            d.start_daemon()
            w.wait_log(r"connected to Docker", timeout=60)
            after_port = h.free_port()
            d.run("after", labels=dockerd.tcp_labels("after", after_port), cmd=dockerd.echo_server(after_port))
            m = w.wait_message(lambda m: "after" in m["routers"], "a container started on the new daemon is routed")
            deadline = time.monotonic() + 30
            while d.inspect("always")["State"]["Status"] != "running":
                h.check(time.monotonic() < deadline, "the restart-always container did not come back")
                time.sleep(0.2)  # the daemon's own restart policy; nothing of ours to wait on
            m = w.wait_message(lambda m: "always" in m["routers"] and "after" in m["routers"],
                               "the restart-always container is routed again", timeout=15) \
                if "always" not in m["routers"] else m
            print("after the daemon restart: routers %s" % sorted(m["routers"]), flush=True)

            h.check(not proxy.denied, "the provider only used allowed endpoints: denied %s" % proxy.denied)
            used = sorted({re.sub(r"/containers/[^/]+/json", "/containers/{id}/json", re.sub(r" /v1\.\d+/", " /", p))
                           for p in proxy.allowed})
            print("endpoints used through the proxy: %s" % used, flush=True)
        finally:
            w.stop()
            proxy.close()
        faults(d)
    print("ok")


if __name__ == "__main__":
    main()
