"""Helpers shared by the API integration tests: a switchyard with the API, ping, metrics and a file-provider
configuration on loopback, and small HTTP/metrics readers (stdlib only)."""
import http.client
import json
import os
import time

import sy_harness as h

# The configuration the API tests read back: one working router, one a TCP router cannot have (Host() is an HTTP
# matcher, so the router is disabled with an error), one service on the test's backend.
DYNAMIC = """\
tcp:
  routers:
    smtp:
      entryPoints: [smtp]
      rule: "HostSNI(`*`)"
      service: mail
    broken:
      entryPoints: [smtp]
      rule: "Host(`mail.example.com`)"
      service: mail
  services:
    mail:
      loadBalancer:
        servers:
          - address: "{backend}"
"""


class Router:
    """switchyard with entrypoints `smtp` and `traefik` on free loopback ports and the file provider."""

    def __init__(self, backend, extra_args=(), dynamic=DYNAMIC):
        self.smtp_port, self.api_port = h.free_ports(2)
        self.dir = h.temp_dir("sy-api-")
        self.config_path = h.write_file(os.path.join(self.dir, "dynamic.yml"), dynamic.format(backend=backend.address))
        args = ["--entryPoints.smtp.address=127.0.0.1:%d" % self.smtp_port,
                "--entryPoints.traefik.address=127.0.0.1:%d" % self.api_port,
                "--api.insecure=true", "--ping=true", "--metrics.prometheus=true",
                "--providers.file.filename=%s" % self.config_path] + list(extra_args)
        self.sy = h.Switchyard(args, workdir=self.dir)

    def __enter__(self):
        try:
            # Only the API port is probed: a probe of the smtp port would be a connection of its own in the access
            # log. The forwarder binds its entrypoints before the API starts (cmd_run), so smtp is ready too.
            self.sy.wait_for_port(self.api_port)
        except Exception:
            self.sy.__exit__(Exception, None, None)
            raise
        return self

    def __exit__(self, *exc):
        return self.sy.__exit__(*exc)

    def request(self, path, method="GET"):
        return request(self.api_port, path, method)

    def get_json(self, path):
        status, headers, body = self.request(path)
        h.check(status == 200, "GET %s: status %d, body %r" % (path, status, body))
        return json.loads(body)

    def wait_router(self, name, timeout=h.DEFAULT_TIMEOUT):
        """Waits until the configuration is built and the API shows router `name`; returns its JSON."""
        deadline = time.monotonic() + timeout
        while True:
            status, _, body = self.request("/api/tcp/routers/" + name)
            if status == 200:
                return json.loads(body)
            if time.monotonic() > deadline:
                raise h.TestFailure("router %s not in the API after %.1fs (last status %d); log:\n%s"
                                    % (name, timeout, status, self.sy.log()))
            time.sleep(0.05)  # polling the API is the only way to see a configuration land; bounded by deadline

    def metrics(self):
        status, _, body = self.request("/metrics")
        h.check(status == 200, "/metrics: status %d" % status)
        return parse_metrics(body.decode())

    def wait_metric(self, name, labels, predicate, timeout=h.DEFAULT_TIMEOUT):
        """Waits until sample name{labels} satisfies predicate(value); returns the value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.metrics().get((name, labels))
            if value is not None and predicate(value):
                return value
            if time.monotonic() > deadline:
                raise h.TestFailure("metric %s%s is %r after %.1fs" % (name, labels, value, timeout))
            time.sleep(0.05)


def request(port, path, method="GET", timeout=h.DEFAULT_TIMEOUT):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path)
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read()
    finally:
        conn.close()


def parse_metrics(text):
    """{(name, 'k="v",k2="v2"'): value} from Prometheus text."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        name, _, labels = head.partition("{")
        out[(name, labels.rstrip("}"))] = float(value)
    return out


def exchange(port, payload, expect_back):
    """One client connection through the router: read the greeting, send payload, read the echo, close."""
    with h.connect(port) as s:
        s.sendall(payload)
        got = h.recv_exactly(s, len(expect_back))
        h.check(got == expect_back, "got %r, expected %r" % (got, expect_back))
        local = s.getsockname()
        s.shutdown(2)
    return local


def wait_lines(path, n, timeout=h.DEFAULT_TIMEOUT):
    """Waits until `path` holds at least n complete lines (the log is flushed at least once a second)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        lines = [l for l in text.split("\n")[:-1] if l]
        if len(lines) >= n:
            return lines
        if time.monotonic() > deadline:
            raise h.TestFailure("%s has %d lines, expected %d:\n%s" % (path, len(lines), n, text))
        time.sleep(0.05)


def wait_line_for_port(path, port, timeout=h.DEFAULT_TIMEOUT, parse=json.loads, port_of=None):
    """Waits for the line logged for the client connection from local `port`; returns it parsed."""
    deadline = time.monotonic() + timeout
    while True:
        for line in wait_lines(path, 1, max(0.1, deadline - time.monotonic())):
            rec = parse(line)
            if port_of(rec) == str(port):
                return rec
        if time.monotonic() > deadline:
            raise h.TestFailure("no access-log line for client port %d in %s" % (port, path))
        time.sleep(0.05)
