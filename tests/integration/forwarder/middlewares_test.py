"""TCP middlewares through the real binary and the file provider: ipAllowList (sourceRange) and inFlightConn
(simultaneous connections per client IP), with clients bound to different loopback addresses, the refusals counted
in /metrics."""
import http.client
import os
import re

import sy_harness as h
from forwarder_support import eventually

GREETING = b"220 backend ESMTP ready\r\n"


def _dynamic(backend_address):
    return ("tcp:\n"
            "  routers:\n"
            "    allowed:\n      entryPoints: [smtp]\n      rule: \"HostSNI(`*`)\"\n      service: mail\n"
            "      middlewares: [only-two]\n"
            "    limited:\n      entryPoints: [imap]\n      rule: \"HostSNI(`*`)\"\n      service: mail\n"
            "      middlewares: [two-each]\n"
            "  middlewares:\n"
            # 127.0.0.1: the harness's readiness probes, which must not count as refusals.
            "    only-two:\n      ipAllowList:\n        sourceRange: [\"127.0.0.1/32\", \"127.0.0.2/32\"]\n"
            "    two-each:\n      inFlightConn:\n        amount: 2\n"
            "  services:\n"
            "    mail:\n      loadBalancer:\n        proxyProtocol:\n          version: 1\n"
            "        servers:\n          - address: \"%s\"\n" % backend_address)


class _Router:
    def __init__(self, backend):
        self.smtp, self.imap, self.metrics_port = h.free_ports(3)
        dyn = h.write_file(os.path.join(h.temp_dir("sy-mw-dyn-"), "dynamic.yml"), _dynamic(backend.address))
        args = ["--entryPoints.smtp.address=127.0.0.1:%d" % self.smtp,
                "--entryPoints.imap.address=127.0.0.1:%d" % self.imap,
                "--entryPoints.traefik.address=127.0.0.1:%d" % self.metrics_port, "--metrics.prometheus",
                "--providers.file.filename=" + dyn, "--log.level=DEBUG"]
        self.sy = h.Switchyard(args, workdir=h.temp_dir("sy-mw-"))
        try:
            self.sy.wait_for_log(r"configuration \d+ applied: 2 routers")
            self.sy.wait_for_port(self.smtp)
            self.sy.wait_for_port(self.imap)
        except BaseException:
            self.sy.close()
            raise

    def refused(self, entry_point, reason):
        """switchyard_entrypoint_connections_refused_total{entrypoint, reason} from /metrics."""
        conn = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=3)
        try:
            conn.request("GET", "/metrics")
            body = conn.getresponse().read().decode()
        finally:
            conn.close()
        m = re.search(r'^switchyard_entrypoint_connections_refused_total\{entrypoint="%s",reason="%s"\} (\d+)'
                      % (entry_point, reason), body, re.M)
        h.check(m is not None, "no refusal counter for %s/%s in /metrics:\n%s" % (entry_point, reason, body))
        return int(m.group(1))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.sy.__exit__(*exc)


def _greeted(port, source):
    """A connection from `source` (an IP) that got the backend's greeting, or a failure."""
    c = h.connect(port, source=(source, 0), timeout=5)
    try:
        h.check(h.recv_until(c, b"\r\n", timeout=3) == GREETING, "greeting for %s" % source)
    except BaseException:
        c.close()
        raise
    return c


def _closed_without_greeting(port, source):
    with h.connect(port, source=(source, 0), timeout=5) as c:
        got = h.expect_closed(c, timeout=3)
        h.check(got == b"", "client %s refused, yet received %r" % (source, got))
        return c.getsockname()


def _headers_from(backend, ip):
    return [x.proxy for x in list(backend.connections) if x.proxy and x.proxy.get("src", ("",))[0] == ip]


def test_ip_allow_list():
    with h.Backend(greeting=GREETING, proxy=True) as b, _Router(b) as r:
        before = r.refused("smtp", "allow_list")
        with _greeted(r.smtp, "127.0.0.2") as c:
            c.sendall(b"EHLO a\r\n")
            h.check(h.recv_until(c, b"EHLO a\r\n").endswith(b"EHLO a\r\n"), "allowed client served")
        mark = r.sy.mark()
        _closed_without_greeting(r.smtp, "127.0.0.3")
        r.sy.wait_for_log(r'router "allowed@file": 127\.0\.0\.3:\d+ refused by ipAllowList', start=mark)
        h.check(_headers_from(b, "127.0.0.3") == [], "a refused client reached the backend")
        h.check(len(_headers_from(b, "127.0.0.2")) == 1, "the allowed client reached the backend once")
        eventually(lambda: r.refused("smtp", "allow_list") == before + 1, what="allow_list refusal counted once")


def test_in_flight_conn():
    with h.Backend(greeting=GREETING, proxy=True) as b, _Router(b) as r:
        before = r.refused("imap", "in_flight")
        first, second = _greeted(r.imap, "127.0.0.4"), _greeted(r.imap, "127.0.0.4")
        try:
            mark = r.sy.mark()
            _closed_without_greeting(r.imap, "127.0.0.4")  # the third at once from one IP
            r.sy.wait_for_log(r'router "limited@file": 127\.0\.0\.4:\d+ refused by inFlightConn', start=mark)
            eventually(lambda: r.refused("imap", "in_flight") == before + 1, what="in_flight refusal counted")
            with _greeted(r.imap, "127.0.0.5"):  # another IP has its own count
                pass
            # The two held connections still work.
            for c in (first, second):
                c.sendall(b"NOOP\r\n")
                h.check(h.recv_until(c, b"NOOP\r\n").endswith(b"NOOP\r\n"), "held connection served")
            first.close()
            # Once the router has seen that close, a new connection from the same IP is accepted again.
            third = eventually(lambda: _greeted(r.imap, "127.0.0.4"), what="a new connection after one closed")
            third.close()
            h.check(len(_headers_from(b, "127.0.0.4")) == 3,
                    "the three accepted connections of 127.0.0.4, and only they, reached the backend")
        finally:
            first.close()
            second.close()


if __name__ == "__main__":
    h.run([test_ip_allow_list, test_in_flight_conn])
