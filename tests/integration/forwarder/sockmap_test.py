#!/usr/bin/env python3
"""The sockmap data path (core.dataPath, core.spliceStart): bytes relayed by the kernel arrive byte for byte in
both directions with half-close, whether a connection is spliced right after its preamble or switched mid-stream
after its first full buffer; a server-first banner sent before the splice arrives; access-log byte counts;
terminationDelay; the start-up choice logged and shown by `switchyard version`; a BPF load failure falls back to
copying (auto) or stops start-up (sockmap forced).

  sockmap_test.py            the integration test (16 MiB each way)
  sockmap_test.py --bulk N   only the byte-for-byte runs, N MiB each way (the e2e registration: 1024)
Where this process may not load BPF, the sockmap cases are skipped.
"""
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time

import sy_harness as h
from forwarder_support import Router

CHUNK = 1 << 20


def pattern(seed, size):
    """Deterministic bytes, different per direction, so a byte delivered to the wrong side or out of order shows."""
    block = hashlib.sha256(seed).digest() * (CHUNK // 32)
    return block, size


class BulkBackend(h.LoopbackServer):
    """Serves every connection (the harness's port probe reaches it too): reads everything until the client's FIN
    while sending `size` bytes of its own, then half-closes. `result()` is the connection that received the most:
    (count, sha256 hex) of what it received, and the error it met, if any."""

    def __init__(self, size, banner=b""):
        self.size = size
        self.banner = banner
        self.results = []  # (received, error)
        super().__init__()

    def _serve(self, conn):
        received, error = (0, ""), None
        try:
            with conn:
                conn.settimeout(60)
                if self.banner:
                    conn.sendall(self.banner)
                sender = threading.Thread(target=send_quietly, args=(conn, b"backend", self.size), daemon=True)
                sender.start()
                received = receive_all(conn)
                sender.join(60)
        except Exception as e:  # reported by the test for the connection that mattered
            error = e
        with self.cond:
            self.results.append((received, error))
            self.cond.notify_all()

    def result(self, timeout=60):
        """The connection that received at least one byte, once it has ended."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not any(r[0][0] > 0 for r in self.results):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise h.TestFailure("no backend connection received the client's bytes: %r" % self.results)
                self.cond.wait(left)
            return max(self.results, key=lambda r: r[0][0])


def send_all(s, seed, size, half_close):
    block, _ = pattern(seed, size)
    left = size
    while left > 0:
        n = min(left, len(block))
        s.sendall(block[:n])
        left -= n
    if half_close:
        s.shutdown(socket.SHUT_WR)


def send_quietly(s, seed, size):
    """send_all for a connection that may be the harness's port probe, which closes at once."""
    try:
        send_all(s, seed, size, True)
    except OSError:
        pass


def receive_all(s, limit_seconds=120):
    """(count, sha256 hex) of everything until FIN."""
    digest = hashlib.sha256()
    count = 0
    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        chunk = s.recv(CHUNK)
        if not chunk:
            return count, digest.hexdigest()
        digest.update(chunk)
        count += len(chunk)
    raise h.TestFailure("no FIN after %d bytes in %ds" % (count, limit_seconds))


def expected(seed, size, prefix=b""):
    block, _ = pattern(seed, size)
    digest = hashlib.sha256(prefix)
    left = size
    while left > 0:
        n = min(left, len(block))
        digest.update(block[:n])
        left -= n
    return len(prefix) + size, digest.hexdigest()


def dynamic(port, termination_delay=None):
    lb = "      loadBalancer:\n"
    if termination_delay is not None:
        lb += "        terminationDelay: %d\n" % termination_delay
    return ("tcp:\n  routers:\n    r:\n      entryPoints: [in]\n      rule: HostSNI(`*`)\n      service: s\n"
            "  services:\n    s:\n" + lb + "        servers:\n          - address: 127.0.0.1:%d\n" % port)


def run_bulk(size, start, banner=b"", access_log=None):
    """One connection moving `size` bytes each way through a switchyard on the sockmap path, every byte checked;
    returns the "spliced after" log match, or None when this connection was relayed by copying to the end."""
    backend = BulkBackend(size, banner)
    port = h.free_port()
    args = ["--core.dataPath=sockmap", "--core.spliceStart=" + start]
    if access_log:
        args += ["--accessLog.filePath=" + access_log, "--accessLog.format=json"]
    router = Router({"in": port}, dynamic(backend.port), args)
    try:
        router.sy.wait_for_log(r"data path: sockmap")
        with h.connect(port) as c:
            c.settimeout(60)
            sender = threading.Thread(target=send_all, args=(c, b"client", size, True))
            sender.start()
            got = receive_all(c)
            sender.join(60)
        received, error = backend.result()
        h.check(error is None, "backend: %r" % error)
        h.check(got == expected(b"backend", size, banner),
                "client received %r, want %r" % (got, expected(b"backend", size, banner)))
        h.check(received == expected(b"client", size), "backend received %r, want %r" % (received, expected(b"client", size)))
        try:  # the line is written when the splice starts, long before both FINs: 3 s is ample
            return router.sy.wait_for_log(r"spliced after (\d+) bytes in, (\d+) bytes out", timeout=3)
        except h.TestFailure:
            return None
    finally:
        router.close()
        backend.close()


def bulk_until_spliced(size, start, banner=b"", with_access_log=False, attempts=5):
    """run_bulk until a connection is spliced; returns (match, access log path). The switch waits for a point where
    one direction has drained its socket and the other holds no bytes in user space; with both directions saturated
    that point may not come for a whole 16 MiB exchange (1 run in 4 here, more under ASan): a known limit of the
    handoff (issue 21), so the case retries, checking every byte of every attempt, and fails only when no attempt
    switched. Under ASan on a busy machine none may switch (CI saw it): the bytes are still checked there, and the
    switch itself in the normal build and by e2e-sockmap-gib."""
    for _ in range(attempts):
        log = os.path.join(h.temp_dir("sy-sockmap-"), "access.json") if with_access_log else None
        m = run_bulk(size, start, banner, log)
        if m:
            return m, log
    if os.environ.get("SY_SANITIZED"):
        return None, log
    raise h.TestFailure("no connection of %d switched to the sockmap (spliceStart=%s)" % (attempts, start))


def test_bulk_immediate_and_access_log(size):
    _, log = bulk_until_spliced(size, "immediate", with_access_log=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (os.path.exists(log) and open(log).read().strip()):
        time.sleep(0.05)
    recs = [json.loads(line) for line in open(log).read().strip().splitlines()]
    ours = [r for r in recs if r["RequestContentSize"] > 0]  # not the harness's port probe
    h.check(len(ours) == 1 and ours[0]["RequestContentSize"] == size and ours[0]["DownstreamContentSize"] == size
            and ours[0]["End"] == "closed", "access log counts the spliced bytes: %r" % recs)


def test_server_first_banner_before_the_splice():
    bulk_until_spliced(256 * 1024, "immediate", banner=b"220 mx.example ESMTP\r\n")


def test_mid_stream_switch(size):
    m, _ = bulk_until_spliced(size, "fullBuffer")
    if m:
        h.check(int(m.group(1)) + int(m.group(2)) >= 32768, "switched mid-stream, after a full buffer was copied")


def test_short_exchange_stays_copied():
    """fullBuffer: an exchange that never fills a buffer is relayed by copying (and works)."""
    be = h.Backend(greeting=b"hello\r\n")
    port = h.free_port()
    with Router({"in": port}, dynamic(be.port), ["--core.dataPath=sockmap"]) as r:
        with h.connect(port) as c:
            h.check(h.recv_until(c, b"\n") == b"hello\r\n", "greeting")
            c.sendall(b"ping\r\n")
            h.check(h.recv_until(c, b"\n") == b"ping\r\n", "echo")
        be.wait_closed(len(be.connections) - 1)
        h.check("spliced after" not in r.sy.log(), "no splice for a short exchange")
    be.close()


class SilentBackend(h.LoopbackServer):
    """Reads everything and never answers nor closes (until close()): only terminationDelay can end the connection."""

    def __init__(self):
        self.received = 0
        self.stop = threading.Event()
        self.held = []
        super().__init__()

    def _serve(self, conn):
        self.held.append(conn)
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                with self.cond:
                    self.received += len(chunk)
                    self.cond.notify_all()
        except OSError:
            pass
        self.stop.wait(30)

    def wait_received(self, n, timeout=10):
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.received < n:
                left = deadline - time.monotonic()
                h.check(left > 0, "backend received %d of %d bytes" % (self.received, n))
                self.cond.wait(left)

    def close(self):
        self.stop.set()
        super().close()
        for c in self.held:
            c.close()


def test_termination_delay():
    """The client half-closes; the backend neither answers nor closes: terminationDelay (300 ms) ends it."""
    be = SilentBackend()
    port = h.free_port()
    try:
        with Router({"in": port}, dynamic(be.port, termination_delay=300),
                    ["--core.dataPath=sockmap", "--core.spliceStart=immediate"]) as r:
            with h.connect(port) as c:
                c.sendall(b"x" * 1000)
                be.wait_received(1000)
                r.sy.wait_for_log(r"spliced after")
                started = time.monotonic()
                c.shutdown(socket.SHUT_WR)
                h.expect_closed(c, timeout=5)
                took = time.monotonic() - started
                h.check(0.25 <= took < 3, "closed after terminationDelay, took %.2fs" % took)
    finally:
        be.close()


def test_fallback_when_bpf_fails():
    """A failing loader (the SWITCHYARD_TEST_SOCKMAP_FAIL seam: the kernel's EPERM at that step): auto logs the
    copying data path with the reason and relays; sockmap forced stops start-up naming the key."""
    be = h.Backend()
    port = h.free_port()
    env = {"SWITCHYARD_TEST_SOCKMAP_FAIL": "program"}
    sy = h.Switchyard(["--entryPoints.in.address=127.0.0.1:%d" % port, "--core.dataPath=auto", "--log.level=INFO"], env=env)
    try:
        sy.wait_for_log(r"data path: copy \(BPF sockmap unavailable: loading the sk_skb verdict program: "
                        r"Operation not permitted")
        sy.wait_for_port(port)
    finally:
        sy.close()
    sy = h.Switchyard(["--entryPoints.in.address=127.0.0.1:%d" % port, "--core.dataPath=sockmap", "--log.level=INFO"], env=env)
    try:
        rc = sy.wait_exit()
        h.check(rc != 0, "forced sockmap without BPF stops start-up (exit %r)" % rc)
        sy.wait_for_log(r"core\.dataPath: sockmap: BPF sockmap unavailable: loading the sk_skb verdict program")
    finally:
        sy.close()
    be.close()
    out = subprocess.run([h.binary(), "version"], env=dict(os.environ, SWITCHYARD_TEST_SOCKMAP_FAIL="map"),
                         capture_output=True, text=True, timeout=20).stdout
    h.check("data path:     copy (BPF sockmap unavailable: creating the socket hash: Operation not permitted" in out,
            "version names the fallback: %r" % out)


def test_fallback_without_privileges():
    """As an unprivileged user (a container without CAP_BPF/CAP_NET_ADMIN), auto relays by copying."""
    if os.geteuid() != 0:
        return  # already unprivileged: the probe below is what every other case saw
    out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", h.binary(), "version"],
                         capture_output=True, text=True, timeout=20)
    h.check("data path:     copy (BPF sockmap unavailable: creating the socket hash: Operation not permitted"
            in out.stdout, "unprivileged: %r %r" % (out.stdout, out.stderr))


def sockmap_available():
    out = subprocess.run([h.binary(), "version"], capture_output=True, text=True, timeout=20).stdout
    return "data path:     sockmap available" in out


def needs_sockmap(fn):
    def wrapped():
        if not sockmap_available():
            raise h.Skip("this process may not load BPF sockmaps")
        fn()
    wrapped.__name__ = fn.__name__
    return wrapped


@needs_sockmap
def test_bulk_16mib_immediate_and_access_log():
    test_bulk_immediate_and_access_log(16 << 20)


@needs_sockmap
def test_bulk_16mib_mid_stream_switch():
    # Under ASan the relay never reaches a point where one direction has drained its socket while the other only
    # waits, so the mid-stream switch it tests never happens (failed 2 runs of 3): its bytes are checked in the
    # normal build, and e2e-sockmap-gib moves 1 GiB through the same switch there.
    if os.environ.get("SY_SANITIZED"):
        raise h.Skip("the mid-stream switch needs the unsanitized relay's timing")
    test_mid_stream_switch(16 << 20)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bulk":
        SIZE = int(sys.argv[2]) << 20

        @needs_sockmap
        def test_bulk_immediate():
            test_bulk_immediate_and_access_log(SIZE)

        @needs_sockmap
        def test_bulk_mid_stream():
            test_mid_stream_switch(SIZE)

        h.run([test_bulk_immediate, test_bulk_mid_stream])
    h.run([test_fallback_when_bpf_fails, test_fallback_without_privileges, test_bulk_16mib_immediate_and_access_log,
           needs_sockmap(test_server_first_banner_before_the_splice), test_bulk_16mib_mid_stream_switch,
           needs_sockmap(test_short_exchange_stays_copied), needs_sockmap(test_termination_delay)])
