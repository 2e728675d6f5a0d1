"""STARTTLS entrypoints through the real binary with fake mail servers (starttls_support.py): Switchyard greets and
answers the pre-TLS dialogue itself, routes on the SNI of the ClientHello after STARTTLS to one of two tenants (each
with its own certificate), replays the dialogue to that tenant after a PROXY header, and relays TLS end to end.
Injection, plaintext after the OK, a backend without STARTTLS or with bytes after its OK are refused and counted.
Postgres' SSLRequest is answered 'S' and replayed, as Traefik does. The same with real Postfix and Dovecot:
tests/e2e/starttls_e2e.py."""
import http.client
import os
import re
import socket
import time

import sy_harness as h
from starttls_support import FakeMailServer, cert_names, tls_client

PROTOCOLS = ["smtp", "imap", "pop3", "managesieve"]


def _dynamic(routes):
    """routes: {entrypoint: (address of a.test, address of b.test or None)}: HostSNI routers, a.test the catch-all."""
    out = "tcp:\n  routers:\n"
    services = ""
    for ep, (a, b) in routes.items():
        out += ("    %s-any:\n      entryPoints: [%s]\n      rule: \"HostSNI(`*`)\"\n      service: %s-a\n"
                "      tls:\n        passthrough: true\n" % (ep, ep, ep))
        services += ("    %s-a:\n      loadBalancer:\n        proxyProtocol:\n          version: 2\n"
                     "        servers:\n          - address: \"%s\"\n" % (ep, a))
        if b:
            out += ("    %s-b:\n      entryPoints: [%s]\n      rule: \"HostSNI(`b.test`)\"\n      service: %s-b\n"
                    "      tls:\n        passthrough: true\n" % (ep, ep, ep))
            services += ("    %s-b:\n      loadBalancer:\n        proxyProtocol:\n          version: 1\n"
                         "        servers:\n          - address: \"%s\"\n" % (ep, b))
    return out + "  services:\n" + services


class _Router:
    def __init__(self, routes, protocols, extra=(), dynamic=None):
        self.dir = h.temp_dir("sy-starttls-")
        names = list(routes)
        ports = h.free_ports(len(names) + 1)
        self.ports = dict(zip(names, ports))
        self.metrics_port = ports[-1]
        dyn = h.write_file(os.path.join(self.dir, "dynamic.yml"), dynamic or _dynamic(routes))
        args = ["--entryPoints.traefik.address=127.0.0.1:%d" % self.metrics_port, "--metrics.prometheus",
                "--api.insecure", "--providers.file.filename=" + dyn, "--log.level=DEBUG"]
        for ep, port in self.ports.items():
            args.append("--entryPoints.%s.address=127.0.0.1:%d" % (ep, port))
            if protocols.get(ep):
                args.append("--entryPoints.%s.starttls.protocol=%s" % (ep, protocols[ep]))
                args.append("--entryPoints.%s.starttls.hostname=edge.test" % ep)
        args += list(extra)
        self.sy = h.Switchyard(args, workdir=self.dir)
        try:
            self.sy.wait_for_log(r"configuration \d+ applied: [1-9]\d* routers")
            for port in self.ports.values():
                self.sy.wait_for_port(port)
        except BaseException:
            self.sy.close()
            raise

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=3)
        try:
            conn.request("GET", path)
            return conn.getresponse().read().decode()
        finally:
            conn.close()

    def ended(self, entry_point, outcome):
        body = self.get("/metrics")
        m = re.search(r'^switchyard_entrypoint_connections_ended_total\{entrypoint="%s",outcome="%s"\} (\d+)'
                      % (entry_point, outcome), body, re.M)
        h.check(m is not None, "no outcome counter %s/%s in /metrics" % (entry_point, outcome))
        return int(m.group(1))

    def wait_ended(self, entry_point, outcome, n=1):
        deadline = time.monotonic() + h.DEFAULT_TIMEOUT
        while time.monotonic() < deadline:
            if self.ended(entry_point, outcome) >= n:
                return
            time.sleep(0.05)
        raise h.TestFailure("%s/%s never reached %d" % (entry_point, outcome, n))

    def close(self):
        self.sy.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.sy.__exit__(*exc)


# The client's side of each protocol, as a mail client (or openssl s_client -starttls) speaks it.
def _lines(sock, until, timeout=5):
    return h.recv_until(sock, until, timeout=timeout)


def _upgrade(proto, sock):
    """Greeting, capabilities, STARTTLS; returns everything Switchyard said."""
    said = b""
    if proto == "smtp":
        said += _lines(sock, b"\r\n")
        sock.sendall(b"EHLO client.test\r\n")
        said += _lines(sock, b"250 ENHANCEDSTATUSCODES\r\n")
        sock.sendall(b"STARTTLS\r\n")
        said += _lines(sock, b"220 2.0.0 Ready to start TLS\r\n")
    elif proto == "imap":
        said += _lines(sock, b"\r\n")
        sock.sendall(b"a1 CAPABILITY\r\n")
        said += _lines(sock, b"a1 OK")
        sock.sendall(b"a2 STARTTLS\r\n")
        said += _lines(sock, b"a2 OK Begin TLS negotiation now.\r\n")
    elif proto == "pop3":
        said += _lines(sock, b"\r\n")
        sock.sendall(b"CAPA\r\n")
        said += _lines(sock, b"\r\n.\r\n")
        sock.sendall(b"STLS\r\n")
        said += _lines(sock, b"+OK Begin TLS negotiation now.\r\n")
    else:
        said += _lines(sock, b"\r\nOK ")
        sock.sendall(b"STARTTLS\r\n")
        said += _lines(sock, b"OK \"Begin TLS negotiation now.\"\r\n")
    return said


def _through(port, proto, sni):
    """A full STARTTLS session; returns (what Switchyard said before TLS, certificate subject, banner in TLS)."""
    with h.connect(port, timeout=5) as s:
        said = _upgrade(proto, s)
        tls, der = tls_client(s, sni)
        banner = h.recv_until(tls, b"\r\n", timeout=5)
        tls.close()
        return said, cert_names(der), banner


class _Tenants:
    """a.test and b.test fake servers for each protocol, and a router with one STARTTLS entrypoint per protocol."""

    def __init__(self, protocols=PROTOCOLS, **fake):
        self.dir = h.temp_dir("sy-starttls-certs-")
        self.servers = {}
        try:
            for p in protocols:
                self.servers[p] = (FakeMailServer("a.test", p, self.dir), FakeMailServer("b.test", p, self.dir, **fake))
            self.router = _Router({p: (a.address, b.address) for p, (a, b) in self.servers.items()},
                                  {p: p for p in protocols})
        except BaseException:
            self.close()
            raise

    def close(self):
        if hasattr(self, "router"):
            self.router.close()
        for a, b in self.servers.values():
            a.close()
            b.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def test_routes_by_sni_every_protocol():
    with _Tenants() as t:
        r = t.router
        for p in PROTOCOLS:
            a, b = t.servers[p]
            said, subject, banner = _through(r.ports[p], p, "b.test")
            h.check("CN = b.test" in subject, "%s: certificate %r" % (p, subject))
            h.check(banner == b"hello from b.test\r\n", "%s: banner %r" % (p, banner))
            s = b.wait_sessions(1)[0]
            h.check(s["proxy"]["version"] == 1 and s["proxy"]["src"][0] == "127.0.0.1",
                    "%s: PROXY header %r" % (p, s["proxy"]))
            want = {"smtp": [b"EHLO client.test", b"STARTTLS"], "imap": [b"S2 STARTTLS"],
                    "pop3": [b"CAPA", b"STLS"], "managesieve": [b"STARTTLS"]}[p]
            h.check(s["lines"] == want, "%s: the backend was told %r" % (p, s["lines"]))
            # HostSNI is case-insensitive; no SNI and an unknown one go to the catch-all (a.test, PROXY v2).
            h.check("CN = b.test" in _through(r.ports[p], p, "B.TEST")[1], "%s: B.TEST" % p)
            h.check("CN = a.test" in _through(r.ports[p], p, None)[1], "%s: no SNI" % p)
            h.check("CN = a.test" in _through(r.ports[p], p, "c.test")[1], "%s: c.test" % p)
            h.check(a.wait_sessions(2)[0]["proxy"]["version"] == 2, "%s: catch-all PROXY v2" % p)


def test_pre_tls_dialogue_never_offers_authentication():
    with _Tenants(protocols=PROTOCOLS) as t:
        r = t.router
        with h.connect(r.ports["smtp"], timeout=5) as s:
            h.check(_lines(s, b"\r\n") == b"220 edge.test ESMTP\r\n", "SMTP greeting")
            s.sendall(b"EHLO x\r\n")
            ehlo = _lines(s, b"250 ")
            h.check(b"STARTTLS" in ehlo and b"AUTH" not in ehlo and b"PIPELINING" not in ehlo, "EHLO %r" % ehlo)
            for cmd in (b"AUTH PLAIN AGZvbwBiYXI=\r\n", b"MAIL FROM:<>\r\n"):
                s.sendall(cmd)
                h.check(_lines(s, b"\r\n").startswith(b"530 5.7.0 Must issue a STARTTLS"), "%r" % cmd)
            s.sendall(b"QUIT\r\n")
            h.check(h.expect_closed(s, timeout=5).startswith(b"221"), "QUIT")
        with h.connect(r.ports["imap"], timeout=5) as s:
            g = _lines(s, b"\r\n")
            h.check(b"STARTTLS LOGINDISABLED" in g and b"AUTH=" not in g, "IMAP greeting %r" % g)
            s.sendall(b"a LOGIN u p\r\n")
            h.check(_lines(s, b"\r\n").startswith(b"a NO [PRIVACYREQUIRED]"), "IMAP LOGIN")
            s.sendall(b"+ STARTTLS\r\n")
            h.check(_lines(s, b"\r\n").startswith(b"* BAD"), "IMAP bad tag")
        with h.connect(r.ports["pop3"], timeout=5) as s:
            _lines(s, b"\r\n")
            s.sendall(b"CAPA\r\n")
            capa = _lines(s, b"\r\n.\r\n")
            h.check(b"\r\nSTLS\r\n" in capa and b"USER" not in capa and b"\r\nSASL\r\n" in capa, "CAPA %r" % capa)
            s.sendall(b"USER u\r\n")
            h.check(_lines(s, b"\r\n").startswith(b"-ERR [AUTH]"), "POP3 USER")
        with h.connect(r.ports["managesieve"], timeout=5) as s:
            g = _lines(s, b"\r\nOK ")
            h.check(b'"SASL" ""\r\n' in g and b'"STARTTLS"\r\n' in g, "Sieve greeting %r" % g)
        # Lenient parsing: any case, trailing blanks; a line over the cap ends the session with the protocol's error.
        with h.connect(r.ports["smtp"], timeout=5) as s:
            _lines(s, b"\r\n")
            s.sendall(b"x" * 600 + b"\r\n")
            h.check(h.expect_closed(s, timeout=5).startswith(b"500 5.5.0"), "long line")
        with h.connect(r.ports["smtp"], timeout=5) as s:
            _lines(s, b"\r\n")
            s.sendall(b"sTaRtTlS  \r\n")
            h.check(_lines(s, b"\r\n") == b"220 2.0.0 Ready to start TLS\r\n", "StArTtLs")
        for p in PROTOCOLS:
            h.check(len(t.servers[p][0].sessions) + len(t.servers[p][1].sessions) == 0,
                    "%s: a backend was connected before STARTTLS" % p)


INJECTIONS = {"smtp": (b"EHLO x\r\n", b"STARTTLS\r\nMAIL FROM:<a@b>\r\n"),
              "imap": (b"", b"a STARTTLS\r\nb LOGIN u p\r\n"),
              "pop3": (b"", b"STLS\r\nUSER u\r\n"),
              "managesieve": (b"", b"STARTTLS\r\nCAPABILITY\r\n")}


def test_injection_and_plaintext_after_ok_are_refused():
    with _Tenants() as t:
        r = t.router
        for p in PROTOCOLS:
            with h.connect(r.ports[p], timeout=5) as s:
                _lines(s, b"\r\nOK " if p == "managesieve" else b"\r\n")
                before, attack = INJECTIONS[p]
                if before:
                    s.sendall(before)
                    _lines(s, b"250 ")
                s.sendall(attack)  # one send: STARTTLS with a command behind it
                got = h.expect_closed(s, timeout=5)
                h.check(got == b"", "%s: answered %r to a pipelined STARTTLS" % (p, got))
            r.wait_ended(p, "starttls_pipelining")
            # Plaintext where the ClientHello should be.
            with h.connect(r.ports[p], timeout=5) as s:
                _upgrade(p, s)
                s.sendall(b"HELO x\r\n")
                h.check(h.expect_closed(s, timeout=5) == b"", "%s: plaintext after OK" % p)
            r.wait_ended(p, "starttls_not_tls")
            h.check(len(t.servers[p][0].sessions) + len(t.servers[p][1].sessions) == 0,
                    "%s: a backend was connected" % p)


def _refused_after_hello(r, p, outcome, proto=None):
    with h.connect(r.ports[p], timeout=5) as s:
        _upgrade(proto or p, s)
        s.sendall(h.client_hello(sni="b.test"))
        got = h.expect_closed(s, timeout=10)
        h.check(got == b"", "%s: the client got %r" % (p, got))
    r.wait_ended(p, outcome)


def test_backend_without_starttls_is_never_downgraded():
    no_starttls = {"smtp": {b"EHLO": b"250-%(name)s\r\n250 8BITMIME\r\n"},
                   "imap": {b"CAPABILITY": b"* CAPABILITY IMAP4rev1\r\n%(tag)s OK done\r\n"},
                   "pop3": {b"CAPA": b"+OK\r\nTOP\r\n.\r\n"}, "managesieve": {}}
    greetings = {"imap": b"* OK %(name)s ready.\r\n", "managesieve": b"\"SASL\" \"\"\r\nOK \"hi\"\r\n"}
    d = h.temp_dir("sy-starttls-nostarttls-")
    servers = [FakeMailServer("b.test", p, d, replies=no_starttls[p], greeting=greetings.get(p)) for p in PROTOCOLS]
    refusing = [FakeMailServer("b.test", p, d, refuse_starttls=True) for p in PROTOCOLS]
    try:
        routes = {p: (servers[i].address, None) for i, p in enumerate(PROTOCOLS)}
        routes.update({p + "-refuses": (refusing[i].address, None) for i, p in enumerate(PROTOCOLS)})
        protocols = {p: p for p in PROTOCOLS}
        protocols.update({p + "-refuses": p for p in PROTOCOLS})
        with _Router(routes, protocols) as r:
            for i, p in enumerate(PROTOCOLS):
                _refused_after_hello(r, p, "backend_no_starttls")
                h.check(not servers[i].sessions[0]["tls"], "%s: TLS with a server that lacks STARTTLS" % p)
                _refused_after_hello(r, p + "-refuses", "backend_no_starttls", p)
                h.check(not refusing[i].sessions[0]["tls"], "%s: TLS after a refusal" % p)
            h.check(r.sy.wait_for_log(r"no STARTTLS in its EHLO reply") is not None, "warning logged")
    finally:
        for s in servers + refusing:
            s.close()


def test_backend_bytes_after_its_ok_are_fatal():
    with _Tenants(protocols=["smtp"], trailing=b"250 injected\r\n") as t:
        _refused_after_hello(t.router, "smtp", "backend_trailing_bytes")


def test_postscreen_teaser_waits_for_the_final_greeting_line():
    with _Tenants(protocols=["smtp"], teaser_delay=0.5) as t:
        _, subject, banner = _through(t.router.ports["smtp"], "smtp", "b.test")
        h.check("CN = b.test" in subject and banner == b"hello from b.test\r\n", "routed through the teaser")
        s = t.servers["smtp"][1].sessions[0]
        h.check(not s["early"], "EHLO sent after the 220- teaser, before the final 220 line (a PREGREET)")


def test_pre_tls_timeouts():
    d = h.temp_dir("sy-starttls-timeouts-")
    a = FakeMailServer("a.test", "smtp", d)
    try:
        with _Router({"smtp": (a.address, None)}, {"smtp": "smtp"},
                     extra=["--entryPoints.smtp.starttls.preTLSCommandTimeout=300ms",
                            "--entryPoints.smtp.starttls.clientHelloTimeout=300ms"]) as r:
            with h.connect(r.ports["smtp"], timeout=5) as s:
                _lines(s, b"\r\n")
                h.check(h.expect_closed(s, timeout=5).startswith(b"421 4.4.2 edge.test"), "421 on idle")
            r.wait_ended("smtp", "starttls_command_timeout")
            with h.connect(r.ports["smtp"], timeout=5) as s:
                _upgrade("smtp", s)
                h.check(h.expect_closed(s, timeout=5) == b"", "closed silently after the OK")
            r.wait_ended("smtp", "starttls_hello_timeout")
            eps = __import__("json").loads(r.get("/api/entrypoints"))
            st = [e for e in eps if e["name"] == "smtp"][0]["starttls"]
            h.check(st["protocol"] == "smtp" and st["preTLSCommandTimeout"] == "300ms", "API: %r" % st)
    finally:
        a.close()


class _FakePostgres:
    """Reads the PROXY header and the SSLRequest, answers 'S', then TLS with its own certificate."""

    def __init__(self, directory, name="db.test"):
        from forwarder_support import make_cert
        import ssl
        import threading
        cert, key = make_cert(directory, name)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.address = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.requests = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
            conn.settimeout(5)
            h._read_proxy_header(conn, 5)
            self.requests.append(h.recv_exactly(conn, 8))
            conn.sendall(b"S")
            with self.ctx.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"hello from postgres\r\n")
                tls.recv(10)
        except Exception as e:
            print("fake postgres:", repr(e), flush=True)

    def close(self):
        self.sock.close()


def test_postgres_ssl_request_as_traefik():
    d = h.temp_dir("sy-pg-")
    pg = _FakePostgres(d)
    try:
        with _Router({"pg": (pg.address, None)}, {}) as r:
            with h.connect(r.ports["pg"], timeout=5) as s:
                s.sendall(b"\x00\x00\x00\x08\x04\xd2\x16\x2f")
                h.check(h.recv_exactly(s, 1, timeout=5) == b"S", "the proxy answers S")
                tls, der = tls_client(s, "db.test")
                h.check(h.recv_until(tls, b"\r\n", timeout=5) == b"hello from postgres\r\n", "TLS end to end")
                h.check("CN = db.test" in cert_names(der), "the database's certificate")
                tls.close()
            h.check(pg.requests == [b"\x00\x00\x00\x08\x04\xd2\x16\x2f"], "SSLRequest replayed: %r" % pg.requests)
    finally:
        pg.close()


def _relay_first_router(a, b, extra_yaml=""):
    """Port 25's shape: a non-TLS HostSNI(`*`) router to a.test (PROXY v2) and a TLS router for b.test (v1)."""
    dynamic = ("tcp:\n  routers:\n"
               "    mx-default:\n      entryPoints: [mx]\n      rule: \"HostSNI(`*`)\"\n      service: mx-a\n"
               "    mx-b:\n      entryPoints: [mx]\n      rule: \"HostSNI(`b.test`)\"\n      service: mx-b\n"
               "      tls:\n        passthrough: true\n" + extra_yaml +
               "  services:\n"
               "    mx-a:\n      loadBalancer:\n        proxyProtocol:\n          version: 2\n"
               "        servers:\n          - address: \"%s\"\n"
               "    mx-b:\n      loadBalancer:\n        proxyProtocol:\n          version: 1\n"
               "        servers:\n          - address: \"%s\"\n" % (a.address, b.address))
    return _Router({"mx": (a.address, b.address), "imap": (a.address, None)}, {"mx": "smtp", "imap": "imap"},
                   dynamic=dynamic)


def test_port_25_relays_first_to_the_non_tls_route():
    d = h.temp_dir("sy-relay-first-")
    mail = {b"MAIL": b"250 2.1.0 Ok\r\n"}
    a = FakeMailServer("a.test", "smtp", d, replies=mail)
    b = FakeMailServer("b.test", "smtp", d)
    # A non-TLS router on an IMAP STARTTLS entrypoint is never used: the API says so.
    stray = ("    imap-plain:\n      entryPoints: [imap]\n      rule: \"HostSNI(`*`)\"\n      service: mx-a\n")
    try:
        with _relay_first_router(a, b, stray) as r:
            # A plaintext sender talks to the real server from its first byte: its banner, its EHLO, its MAIL reply.
            with h.connect(r.ports["mx"], timeout=5) as s:
                h.check(_lines(s, b"\r\n") == b"220 a.test ESMTP fake\r\n", "the server's own greeting")
                s.sendall(b"EHLO sender.test\r\n")
                ehlo = _lines(s, b"250 8BITMIME\r\n")
                h.check(ehlo.startswith(b"250-a.test\r\n250-PIPELINING"), "the server's own EHLO: %r" % ehlo)
                s.sendall(b"MAIL FROM:<x@sender.test>\r\n")
                h.check(_lines(s, b"\r\n") == b"250 2.1.0 Ok\r\n", "MAIL relayed")
            first = _session_where(a, lambda x: x["lines"][:1] == [b"EHLO sender.test"])
            h.check(first["proxy"]["version"] == 2 and first["proxy"]["src"][0] == "127.0.0.1",
                    "PROXY v2 with the client's address: %r" % first["proxy"])
            h.check(first["lines"][:2] == [b"EHLO sender.test", b"MAIL FROM:<x@sender.test>"],
                    "the server got %r" % first["lines"])
            h.check(not b.sessions, "b.test was connected for a plaintext session")

            # STARTTLS without SNI stays with the server connected first: the ClientHello goes on to it.
            with h.connect(r.ports["mx"], timeout=5) as s:
                said = _lines(s, b"\r\n")
                s.sendall(b"EHLO client.test\r\n")
                said += _lines(s, b"250 8BITMIME\r\n")
                s.sendall(b"STARTTLS\r\n")
                said += _lines(s, b"\r\n")
                h.check(said.endswith(b"220 2.0.0 Ready to start TLS\r\n"), "the server's STARTTLS reply: %r" % said)
                tls, der = tls_client(s, None)
                h.check("CN = a.test" in cert_names(der), "no SNI: the default server's certificate")
                h.check(h.recv_until(tls, b"\r\n", timeout=5) == b"hello from a.test\r\n", "TLS with a.test")
                tls.close()
            _session_where(a, lambda x: x["tls"])  # a.test took the TLS session

            # STARTTLS with SNI b.test: rerouted; b.test gets the PROXY header, the client's EHLO and STARTTLS.
            _, subject, banner = _through_relay_first(r.ports["mx"], "b.test")
            h.check("CN = b.test" in subject and banner == b"hello from b.test\r\n", "rerouted: %r" % subject)
            sb = b.wait_sessions(1)[0]
            h.check(sb["proxy"]["version"] == 1 and sb["proxy"]["src"][0] == "127.0.0.1", "b.test PROXY v1")
            h.check(sb["lines"] == [b"EHLO client.test", b"STARTTLS"], "b.test was told %r" % sb["lines"])
            h.check(len([x for x in a.sessions if x["lines"] == [b"EHLO client.test", b"STARTTLS"]]) == 2,
                    "a.test saw both STARTTLS sessions start: %r" % a.sessions)

            # A command behind STARTTLS in the same segment: closed, and the server never gets the STARTTLS.
            with h.connect(r.ports["mx"], timeout=5) as s:
                _lines(s, b"\r\n")
                s.sendall(b"EHLO x\r\n")
                _lines(s, b"250 8BITMIME\r\n")
                s.sendall(b"STARTTLS\r\nMAIL FROM:<a@b>\r\n")
                h.check(h.expect_closed(s, timeout=5) == b"", "a pipelined STARTTLS was answered")
            r.wait_ended("mx", "starttls_pipelining")
            _session_where(a, lambda x: x["lines"] == [b"EHLO x"])
            h.check(not [x for x in a.sessions if b"STARTTLS" in b"".join(x["lines"]) and x["lines"][0] == b"EHLO x"],
                    "the server got the pipelined STARTTLS: %r" % a.sessions)

            routers = {x["name"]: x for x in __import__("json").loads(r.get("/api/tcp/routers"))}
            stray_info = routers["imap-plain@file"]
            h.check(stray_info["status"] == "warning" and any("never used there" in e for e in stray_info["error"]),
                    "the stray router: %r" % stray_info)
            h.check(routers["mx-default@file"]["status"] == "enabled", "the port 25 default router is fine")
    finally:
        a.close()
        b.close()


def _session_where(server, pred, timeout=h.DEFAULT_TIMEOUT):
    """The fake server's session that satisfies `pred` (relay-first dials the server on every accept, the
    harness's port probe included, so sessions are found by what they carry, not by their index)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for x in list(server.sessions):
            if pred(x):
                return x
        time.sleep(0.02)
    raise h.TestFailure("%s: no such session in %r" % (server.name, server.sessions))


def _through_relay_first(port, sni):
    with h.connect(port, timeout=5) as s:
        said = _lines(s, b"\r\n")
        s.sendall(b"EHLO client.test\r\n")
        said += _lines(s, b"250 8BITMIME\r\n")
        s.sendall(b"STARTTLS\r\n")
        said += _lines(s, b"220 2.0.0 Ready to start TLS\r\n")
        tls, der = tls_client(s, sni)
        banner = h.recv_until(tls, b"\r\n", timeout=5)
        tls.close()
        return said, cert_names(der), banner


def test_port_25_postscreen_sees_a_pregreet():
    # postscreen's teaser reaches the client at once, so a client that talks before the final 220 line is seen
    # by the server (as postscreen's pregreet test needs); in synthesize mode it never could be.
    d = h.temp_dir("sy-relay-first-teaser-")
    a = FakeMailServer("a.test", "smtp", d, teaser_delay=1.0)
    b = FakeMailServer("b.test", "smtp", d)
    try:
        with _relay_first_router(a, b) as r:
            with h.connect(r.ports["mx"], timeout=5) as s:
                h.check(_lines(s, b"\r\n") == b"220-a.test teaser\r\n", "the teaser came through at once")
                s.sendall(b"EHLO spambot.test\r\n")
                _lines(s, b"250 8BITMIME\r\n")
            _session_where(a, lambda x: x["early"])  # the server saw the client speak before its final 220
    finally:
        a.close()
        b.close()


if __name__ == "__main__":
    h.run([test_routes_by_sni_every_protocol, test_pre_tls_dialogue_never_offers_authentication,
           test_injection_and_plaintext_after_ok_are_refused, test_backend_without_starttls_is_never_downgraded,
           test_backend_bytes_after_its_ok_are_fatal, test_postscreen_teaser_waits_for_the_final_greeting_line,
           test_pre_tls_timeouts, test_postgres_ssl_request_as_traefik, test_port_25_relays_first_to_the_non_tls_route,
           test_port_25_postscreen_sees_a_pregreet])
