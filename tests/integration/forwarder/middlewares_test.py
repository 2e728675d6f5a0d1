"""TCP middlewares through the real binary and the file provider: ipAllowList (sourceRange), inFlightConn
(simultaneous connections per client IP) and ipDenyList (Switchyard's extension, judged on the address a trusted
PROXY header names), with clients bound to different loopback addresses, the refusals counted in /metrics."""
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
            "    denied:\n      entryPoints: [pop3]\n      rule: \"HostSNI(`*`)\"\n      service: mail\n"
            "      middlewares: [no-seven]\n"
            "  middlewares:\n"
            "    no-seven:\n      ipDenyList:\n        sourceRange: [\"127.0.0.7\", \"192.0.2.0/24\"]\n"
            # 127.0.0.1: the harness's readiness probes, which must not count as refusals.
            "    only-two:\n      ipAllowList:\n        sourceRange: [\"127.0.0.1/32\", \"127.0.0.2/32\"]\n"
            "    two-each:\n      inFlightConn:\n        amount: 2\n"
            "  services:\n"
            "    mail:\n      loadBalancer:\n        proxyProtocol:\n          version: 1\n"
            "        servers:\n          - address: \"%s\"\n" % backend_address)


class _Router:
    def __init__(self, backend):
        self.smtp, self.imap, self.pop3, self.metrics_port = h.free_ports(4)
        dyn = h.write_file(os.path.join(h.temp_dir("sy-mw-dyn-"), "dynamic.yml"), _dynamic(backend.address))
        args = ["--entryPoints.smtp.address=127.0.0.1:%d" % self.smtp,
                "--entryPoints.imap.address=127.0.0.1:%d" % self.imap,
                # pop3 sits behind a balancer on 127.0.0.1 that sends PROXY headers.
                "--entryPoints.pop3.address=127.0.0.1:%d" % self.pop3,
                "--entryPoints.pop3.proxyProtocol.trustedIPs=127.0.0.1/32",
                "--entryPoints.traefik.address=127.0.0.1:%d" % self.metrics_port, "--metrics.prometheus",
                "--providers.file.filename=" + dyn, "--log.level=DEBUG"]
        self.sy = h.Switchyard(args, workdir=h.temp_dir("sy-mw-"))
        try:
            self.sy.wait_for_log(r"configuration \d+ applied: 3 routers")
            self.sy.wait_for_port(self.smtp)
            self.sy.wait_for_port(self.imap)
            self.sy.wait_for_port(self.pop3)
        except BaseException:
            self.sy.close()
            raise

    def refused(self, entry_point, outcome):
        """switchyard_entrypoint_connections_ended_total{entrypoint, outcome} from /metrics."""
        conn = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=3)
        try:
            conn.request("GET", "/metrics")
            body = conn.getresponse().read().decode()
        finally:
            conn.close()
        m = re.search(r'^switchyard_entrypoint_connections_ended_total\{entrypoint="%s",outcome="%s"\} (\d+)'
                      % (entry_point, outcome), body, re.M)
        h.check(m is not None, "no outcome counter for %s/%s in /metrics:\n%s" % (entry_point, outcome, body))
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
        before = r.refused("smtp", "refused_allow_list")
        with _greeted(r.smtp, "127.0.0.2") as c:
            c.sendall(b"EHLO a\r\n")
            h.check(h.recv_until(c, b"EHLO a\r\n").endswith(b"EHLO a\r\n"), "allowed client served")
        mark = r.sy.mark()
        _closed_without_greeting(r.smtp, "127.0.0.3")
        r.sy.wait_for_log(r'router "allowed@file": 127\.0\.0\.3:\d+ refused by ipAllowList', start=mark)
        h.check(_headers_from(b, "127.0.0.3") == [], "a refused client reached the backend")
        h.check(len(_headers_from(b, "127.0.0.2")) == 1, "the allowed client reached the backend once")
        eventually(lambda: r.refused("smtp", "refused_allow_list") == before + 1, what="allow_list refusal counted once")


def test_in_flight_conn():
    with h.Backend(greeting=GREETING, proxy=True) as b, _Router(b) as r:
        before = r.refused("imap", "refused_in_flight")
        first, second = _greeted(r.imap, "127.0.0.4"), _greeted(r.imap, "127.0.0.4")
        try:
            mark = r.sy.mark()
            _closed_without_greeting(r.imap, "127.0.0.4")  # the third at once from one IP
            r.sy.wait_for_log(r'router "limited@file": 127\.0\.0\.4:\d+ refused by inFlightConn', start=mark)
            eventually(lambda: r.refused("imap", "refused_in_flight") == before + 1, what="in_flight refusal counted")
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


def _through_balancer(port, client_ip):
    """A connection from the trusted balancer (127.0.0.1) carrying `client_ip` in its PROXY v2 header."""
    c = h.connect(port, source=("127.0.0.1", 0), timeout=5)
    c.sendall(h.proxy_v2((client_ip, 40000), ("127.0.0.1", port)))
    return c


def test_ip_deny_list():
    """The deny list judges the client a trusted PROXY header names, not the balancer that connects."""
    with h.Backend(greeting=GREETING, proxy=True) as b, _Router(b) as r:
        before = r.refused("pop3", "refused_deny_list")
        with _through_balancer(r.pop3, "127.0.0.8") as c:
            h.check(h.recv_until(c, b"\r\n", timeout=3) == GREETING, "client 127.0.0.8 (not denied) served")
        mark = r.sy.mark()
        with _through_balancer(r.pop3, "127.0.0.7") as c:
            got = h.expect_closed(c, timeout=3)
            h.check(got == b"", "denied client 127.0.0.7 received %r" % got)
        r.sy.wait_for_log(r'router "denied@file": 127\.0\.0\.7:40000 refused by ipDenyList', start=mark)
        with _through_balancer(r.pop3, "192.0.2.99") as c:  # inside a denied CIDR
            h.check(h.expect_closed(c, timeout=3) == b"", "denied range 192.0.2.0/24 served")
        h.check(_headers_from(b, "127.0.0.7") == [] and _headers_from(b, "192.0.2.99") == [],
                "a denied client reached the backend")
        h.check(len(_headers_from(b, "127.0.0.8")) == 1, "the admitted client reached the backend once")
        eventually(lambda: r.refused("pop3", "refused_deny_list") == before + 2, what="both deny refusals counted")


if __name__ == "__main__":
    h.run([test_ip_allow_list, test_in_flight_conn, test_ip_deny_list])
