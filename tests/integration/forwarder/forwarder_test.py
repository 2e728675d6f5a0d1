"""The forwarder through the real binary and the file provider: server-first backends, SNI passthrough with
openssl s_client, the server-first wait on mixed entrypoints, PROXY protocol both ways, dial failures, a long
transfer across a configuration change, and SIGTERM with open connections."""
import hashlib
import os
import signal
import socket
import threading
import time

import sy_harness as h
from forwarder_support import Router, TlsBackend, eventually, greeting_of

GREETING = b"220 backend ESMTP ready\r\n"


def plain_router(name, backend_address, entry_point, proxy_version=None, rule="HostSNI(`*`)"):
    pp = ""
    if proxy_version:
        pp = "        proxyProtocol:\n          version: %d\n" % proxy_version
    return ("tcp:\n  routers:\n    %s:\n      entryPoints: [%s]\n      rule: \"%s\"\n      service: %s\n"
            "  services:\n    %s:\n      loadBalancer:\n%s        servers:\n          - address: \"%s\"\n"
            % (name, entry_point, rule, name, name, pp, backend_address))


def test_server_first_greeting_and_proxy_v1():
    """A silent SMTP client gets the backend's greeting at once; the backend learns the client's address from a
    PROXY v1 header, as Postfix does with smtpd_upstream_proxy_protocol=haproxy."""
    port = h.free_port()
    with h.Backend(greeting=GREETING, proxy=True) as b, \
            Router({"smtp": port}, plain_router("smtp", b.address, "smtp", proxy_version=1)):
        with h.connect(port) as c:
            t0 = time.monotonic()
            h.check(h.recv_until(c, b"\r\n", timeout=2) == GREETING, "greeting")
            h.check(time.monotonic() - t0 < 1.0, "greeting took %.2fs" % (time.monotonic() - t0))
            hdr = _header_from(b, c.getsockname())
            h.check(hdr["version"] == 1 and hdr["src"] == c.getsockname() and hdr["dst"] == ("127.0.0.1", port),
                    "PROXY header %r for client %r" % (hdr, c.getsockname()))
            c.sendall(b"QUIT\r\n")
            h.check(h.recv_until(c, b"QUIT\r\n").endswith(b"QUIT\r\n"), "echo")


def test_sni_passthrough_with_openssl_s_client():
    """Two TLS passthrough routers on one entrypoint: openssl s_client -servername reaches the right backend and
    completes a real handshake with it (the router never touches the TLS bytes)."""
    port = h.free_port()
    d = h.temp_dir("sy-tls-")
    with TlsBackend("a.example", d) as a, TlsBackend("b.example", d) as b:
        dyn = ("tcp:\n  routers:\n"
               "    a:\n      entryPoints: [tls]\n      rule: \"HostSNI(`a.example`)\"\n      service: a\n"
               "      tls:\n        passthrough: true\n"
               "    b:\n      entryPoints: [tls]\n      rule: \"HostSNI(`b.example`)\"\n      service: b\n"
               "      tls:\n        passthrough: true\n"
               "  services:\n"
               "    a:\n      loadBalancer:\n        servers:\n          - address: \"%s\"\n"
               "    b:\n      loadBalancer:\n        servers:\n          - address: \"%s\"\n" % (a.address, b.address))
        with Router({"tls": port}, dyn):
            for name, backend in (("b.example", b), ("a.example", a)):
                code, out = h.openssl_client(port, servername=name, timeout=15)
                h.check("hello from %s" % name in out, "s_client to %s got:\n%s" % (name, out))
                h.check("CN = %s" % name in out or "CN=%s" % name in out, "certificate of %s:\n%s" % (name, out))
                h.check(name in backend.sni_seen, "backend %s saw SNI %r" % (name, backend.sni_seen))
            # An SNI nobody routes: closed without a handshake.
            code, out = h.openssl_client(port, servername="nobody.example", timeout=15)
            h.check("hello from" not in out, "unrouted SNI reached a backend:\n%s" % out)


def test_mixed_entrypoint_routes_silent_client_as_plain():
    """TLS passthrough and a plain catch-all share a port: a server-first client that sends nothing gets the plain
    backend's greeting after serverFirstWait (Traefik would wait readTimeout and close it); a TLS client still
    reaches the TLS backend."""
    port = h.free_port()
    d = h.temp_dir("sy-mixed-")
    with TlsBackend("mail.example", d) as tls_b, h.Backend(greeting=GREETING) as plain:
        dyn = ("tcp:\n  routers:\n"
               "    imaps:\n      entryPoints: [mail]\n      rule: \"HostSNI(`mail.example`)\"\n      service: tlsb\n"
               "      tls:\n        passthrough: true\n"
               "    plain:\n      entryPoints: [mail]\n      rule: \"HostSNI(`*`)\"\n      service: plainb\n"
               "  services:\n"
               "    tlsb:\n      loadBalancer:\n        servers:\n          - address: \"%s\"\n"
               "    plainb:\n      loadBalancer:\n        servers:\n          - address: \"%s\"\n"
               % (tls_b.address, plain.address))
        with Router({"mail": port}, dyn, ["--entryPoints.mail.serverFirstWait=200ms"]):
            t0 = time.monotonic()
            h.check(greeting_of(port, timeout=3) == GREETING, "plain greeting")
            waited = time.monotonic() - t0
            h.check(0.15 <= waited < 2.0, "silent client waited %.2fs" % waited)
            code, out = h.openssl_client(port, servername="mail.example", timeout=15)
            h.check("hello from mail.example" in out, "TLS client:\n%s" % out)


def test_proxy_protocol_in_trusted_and_untrusted():
    """proxyProtocol.trustedIPs: a header from 127.0.0.2 (trusted) sets the client address passed on to the
    backend; the same header from 127.0.0.1 (not trusted) is refused and logged; a client without a header works."""
    port = h.free_port()
    with h.Backend(greeting=GREETING, proxy=True) as b, \
            Router({"smtp": port}, plain_router("smtp", b.address, "smtp", proxy_version=2),
                   ["--entryPoints.smtp.proxyProtocol.trustedIPs=127.0.0.2/32",
                    "--entryPoints.smtp.serverFirstWait=100ms"]) as r:
        forged = h.proxy_v1(("203.0.113.7", 4444), ("192.0.2.1", 25))
        with h.connect(port, source=("127.0.0.2", 0)) as c:
            c.sendall(forged)
            h.check(h.recv_until(c, b"\r\n") == GREETING, "trusted client greeted")
            hdr = _header_from(b, ("203.0.113.7", 4444))
            h.check(hdr["version"] == 2 and hdr["src"] == ("203.0.113.7", 4444) and hdr["dst"] == ("192.0.2.1", 25),
                    "backend header %r" % hdr)
        mark = r.sy.mark()
        with h.connect(port) as c:
            c.sendall(forged)
            h.check(h.expect_closed(c, timeout=3) == b"", "untrusted header: closed without a byte")
        r.sy.wait_for_log(r"PROXY header from 127\.0\.0\.1:\d+ refused", start=mark)
        forged_seen = [x for x in b.connections if x.proxy and x.proxy.get("src") == ("203.0.113.7", 4444)]
        h.check(len(forged_seen) == 1, "the forged address reached the backend %d times" % len(forged_seen))
        # A refused client's own address never reaches the backend either: it was closed before any dial.
        with h.connect(port) as c:  # no header at all: served, with its own address
            h.check(h.recv_until(c, b"\r\n", timeout=3) == GREETING, "client without header")
            hdr = _header_from(b, c.getsockname())
            h.check(hdr["version"] == 2, "header %r" % hdr)


def test_dial_failure_closes_client_promptly():
    port, dead = h.free_ports(2)
    with Router({"smtp": port}, plain_router("smtp", "127.0.0.1:%d" % dead, "smtp")) as r:
        for _ in range(20):
            with h.connect(port) as c:
                t0 = time.monotonic()
                h.expect_closed(c, timeout=3)
                h.check(time.monotonic() - t0 < 1.0, "closed after %.2fs" % (time.monotonic() - t0))
        # The readiness probes dialled too; whichever came first said it, and the rest of the burst (within the
        # 10 s rate limit) said nothing more: one line per cause, not one per connection.
        r.sy.wait_for_log(r"cannot reach 127\.0\.0\.1:%d" % dead)
        lines = [x for x in r.sy.lines() if "cannot reach" in x]
        h.check(len(lines) == 1, "one warning for a burst of failed dials, got %d:\n%s" % (len(lines), "\n".join(lines)))


def test_long_transfer_survives_configuration_change():
    """32 MiB echoed through a router while the router is removed from the file: the established connection
    completes byte for byte; a new connection is refused once the change is applied."""
    port = h.free_port()
    with h.Backend() as b, Router({"bulk": port}, plain_router("bulk", b.address, "bulk")) as r:
        c = h.connect(port, timeout=30)
        payload = os.urandom(1 << 20) * 32
        got = hashlib.sha256()
        received = [0]

        def reader():
            while received[0] < len(payload):
                chunk = c.recv(1 << 16)
                if not chunk:
                    break
                got.update(chunk)
                received[0] += len(chunk)

        t = threading.Thread(target=reader)
        t.start()
        half = len(payload) // 2
        c.sendall(payload[:half])
        # The router goes away (its service too): only new connections notice.
        r.rewrite("tcp:\n  routers: {}\n  services: {}\n", expect_routers=False)
        c.sendall(payload[half:])
        t.join(60)
        h.check(received[0] == len(payload), "received %d of %d bytes" % (received[0], len(payload)))
        h.check(got.digest() == hashlib.sha256(payload).digest(), "bytes differ")
        c.close()
        eventually(lambda: h.expect_closed(h.connect(port), timeout=2) == b"", what="new connection refused")


def test_sigterm_lets_open_connections_finish():
    """SIGTERM: new connections are refused at once, an open one keeps working during graceTimeOut and the
    process exits 0 as soon as it ends."""
    port = h.free_port()
    with h.Backend(greeting=GREETING) as b, \
            Router({"smtp": port}, plain_router("smtp", b.address, "smtp"),
                   ["--entryPoints.smtp.transport.lifeCycle.graceTimeOut=10s"]) as r:
        c = h.connect(port)
        h.check(h.recv_until(c, b"\r\n") == GREETING, "greeting")
        r.sy.send_signal(signal.SIGTERM)
        eventually(lambda: h.refused(port), what="listener closed after SIGTERM")
        c.sendall(b"NOOP\r\n")
        h.check(h.recv_until(c, b"NOOP\r\n").endswith(b"NOOP\r\n"), "open connection still served")
        t0 = time.monotonic()
        c.close()
        code = r.sy.wait_exit(timeout=8)  # SIGTERM was sent already; a second one would race the exit
        h.check(code == 0, "exit code %r" % code)
        h.check(time.monotonic() - t0 < 5, "exit took %.1fs after the last connection ended" % (time.monotonic() - t0))


def test_sigterm_closes_connections_after_grace():
    port = h.free_port()
    with h.Backend(greeting=GREETING) as b, \
            Router({"smtp": port}, plain_router("smtp", b.address, "smtp"),
                   ["--entryPoints.smtp.transport.lifeCycle.graceTimeOut=1s"]) as r:
        c = h.connect(port)
        h.check(h.recv_until(c, b"\r\n") == GREETING, "greeting")
        t0 = time.monotonic()
        r.sy.send_signal(signal.SIGTERM)
        h.expect_closed(c, timeout=5)
        took = time.monotonic() - t0
        h.check(0.8 <= took < 4, "closed %.2fs after SIGTERM (grace 1s)" % took)
        code = r.sy.wait_exit(timeout=5)
        h.check(code == 0, "exit code %r" % code)


def _header_from(backend, source):
    """The PROXY header a backend received for the client `source` (the harness's own readiness probes also
    reach backends, so connection indexes are not predictable)."""
    def find():
        for conn in list(backend.connections):
            if conn.proxy and conn.proxy.get("src") == tuple(source):
                return conn.proxy
        return None
    return eventually(find, what="PROXY header with source %r" % (source,))


if __name__ == "__main__":
    h.run([
        test_server_first_greeting_and_proxy_v1,
        test_sni_passthrough_with_openssl_s_client,
        test_mixed_entrypoint_routes_silent_client_as_plain,
        test_proxy_protocol_in_trusted_and_untrusted,
        test_dial_failure_closes_client_promptly,
        test_long_transfer_survives_configuration_change,
        test_sigterm_lets_open_connections_finish,
        test_sigterm_closes_connections_after_grace,
    ])
