"""TLS beside termination, through the real binary and the file provider: TLS toward a server verified against the
serversTransport's rootCAs (and refused with another CA), a Traefik-format acme.json made here with openssl served
by SNI, and a STARTTLS entrypoint whose router terminates: the client's TLS ends here after STARTTLS, the server's
greeting is swallowed, and the server gets plaintext after a PROXY v2 header that carries the SSL TLV."""
import base64
import json
import os
import socket
import ssl
import struct
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "forwarder"))

import sy_harness as h  # noqa: E402
from forwarder_support import Router, eventually
import tls_support as t

GREETING = b"* OK backend ready\r\n"


class TlsEchoServer(h.LoopbackServer):
    """A loopback TLS server that echoes each connection's bytes; counts completed and failed handshakes."""

    def __init__(self, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.handshakes = 0
        self.failures = 0
        self._lock = threading.Lock()
        super().__init__()
        self.address = "127.0.0.1:%d" % self.port

    def _serve(self, conn):
        conn.settimeout(10)
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            with self._lock:
                self.failures += 1
            conn.close()
            return
        with self._lock:
            self.handshakes += 1
        try:
            while True:
                data = tls.recv(65536)
                if not data:
                    break
                tls.sendall(data)
        except (ssl.SSLError, OSError):
            pass
        finally:
            tls.close()



def acme_json(path, cert, key):
    """Traefik's LocalStore format: per resolver, Certificates with base64 PEM certificate and key."""
    def b64(p):
        with open(p, "rb") as f:
            return base64.b64encode(f.read()).decode()
    doc = {"le": {"Account": {"Email": "ops@example.com", "Registration": None, "PrivateKey": "", "KeyType": "4096"},
                  "Certificates": [{"domain": {"main": "acme.example.com"}, "certificate": b64(cert),
                                    "key": b64(key), "Store": "default"}]}}
    h.write_file(path, json.dumps(doc, indent=2))


def dynamic(d, backend, tls_server):
    return """
tcp:
  routers:
    verified:
      entryPoints: [plain]
      rule: "ClientIP(`127.0.0.1`)"
      service: verified
    acme:
      entryPoints: [tls]
      rule: "HostSNI(`acme.example.com`)"
      service: mail
      tls: {}
    wrongca:
      entryPoints: [wrongca]
      rule: "ClientIP(`127.0.0.1`)"
      service: wrongca
    starttls:
      entryPoints: [imap]
      rule: "HostSNI(`mail.example.com`)"
      service: mail
      tls: {}
  services:
    verified:
      loadBalancer:
        serversTransport: pinned
        servers:
          - address: "%(tls_server)s"
            tls: true
    wrongca:
      loadBalancer:
        serversTransport: other
        servers:
          - address: "%(tls_server)s"
            tls: true
    mail:
      loadBalancer:
        proxyProtocol:
          version: 2
        servers:
          - address: "%(backend)s"
  serversTransports:
    pinned:
      tls:
        serverName: backend.internal
        rootCAs: [%(d)s/Test_CA.crt]
    other:
      tls:
        serverName: backend.internal
        rootCAs: [%(d)s/Other_CA.crt]
tls:
  certificates:
    - certFile: %(d)s/mail.crt
      keyFile: %(d)s/mail.key
""" % {"d": d, "backend": backend.address, "tls_server": tls_server.address}


def proxy_tlvs(raw):
    """The TLVs of a PROXY v2 header over IPv4: {type: value}."""
    out, pos = {}, 16 + 12
    while pos + 3 <= len(raw):
        kind, (length,) = raw[pos], struct.unpack("!H", raw[pos + 1:pos + 3])
        out[kind] = raw[pos + 3:pos + 3 + length]
        pos += 3 + length
    return out


def main():
    d = h.temp_dir("sy-tls-backend-")
    ca = t.make_ca(d)
    other_ca = t.make_ca(d, "Other CA")
    server_cert = t.make_cert(d, "backend", "backend.internal", ca=ca)
    t.make_cert(d, "mail", "mail.example.com")
    acme_cert = t.make_cert(d, "acme", "acme.example.com", org="from acme")
    acme_path = os.path.join(d, "acme.json")
    acme_json(acme_path, *acme_cert)

    tls_server = TlsEchoServer(*server_cert)
    backend = h.Backend(proxy=True, greeting=GREETING)
    plain_port, wrong_port, tls_port, imap_port = h.free_ports(4)
    with Router({"plain": plain_port, "wrongca": wrong_port, "tls": tls_port, "imap": imap_port},
                dynamic(d, backend, tls_server),
                extra_args=["--tls.acmeJSON=" + acme_path, "--entryPoints.imap.starttls.protocol=imap",
                            "--entryPoints.imap.starttls.hostname=edge.test"]) as r:
        # TLS to the server, verified against the transport's CA, with its serverName.
        with h.connect(plain_port, timeout=5) as c:
            c.sendall(b"through TLS\r\n")
            h.check(h.recv_until(c, b"\r\n", timeout=5) == b"through TLS\r\n", "echo through backend TLS")
        h.check(tls_server.handshakes >= 1, "the server saw a TLS handshake")
        # Another CA: the handshake is refused, the client's connection closed, the reason logged.
        mark = r.sy.mark()
        with h.connect(wrong_port, timeout=5) as c:
            c.sendall(b"never\r\n")
            h.expect_closed(c, timeout=5)
        r.sy.wait_for_log(r'TLS to %s of service "wrongca@file" failed .*certificate verify failed'
                          % tls_server.address.replace(".", r"\."), start=mark)

        # acme.json: its certificate is served for its domain.
        rc, out = t.s_client(tls_port, "-servername", "acme.example.com")
        h.check(rc == 0 and "O = from acme" in out, "acme.json certificate served:\n" + out)

        # STARTTLS, then terminated here: the server gets plaintext, its greeting never reaches the client.
        with h.connect(imap_port, timeout=5) as s:
            h.check(h.recv_until(s, b"\r\n", timeout=5).startswith(b"* OK"), "our IMAP greeting")
            s.sendall(b"a1 STARTTLS\r\n")
            h.check(h.recv_until(s, b"\r\n", timeout=5).startswith(b"a1 OK"), "our STARTTLS OK")
            tls = t.client_context().wrap_socket(s, server_hostname="mail.example.com")
            tls.sendall(b"a2 NOOP\r\n")
            first = h.recv_until(tls, b"\r\n", timeout=5)
            h.check(first == b"a2 NOOP\r\n", "the first line inside TLS is the echo, not the server's greeting: %r"
                    % first)
            local = tls.getsockname()

        def mine():
            for conn in list(backend.connections):
                if conn.proxy and conn.proxy.get("src") == (local[0], local[1]) and b"a2 NOOP" in conn.received:
                    return conn
            return None
        conn = eventually(mine, what="the backend connection of the STARTTLS client %r" % (local,))
        h.check(conn.received == b"a2 NOOP\r\n", "the server got plaintext only: %r" % conn.received)
        tlvs = proxy_tlvs(conn.proxy["raw"])
        h.check(0x20 in tlvs and tlvs[0x20][0] & 0x01, "PROXY v2 SSL TLV with PP2_CLIENT_SSL: %r" % tlvs)
        h.check(tlvs.get(0x02) == b"mail.example.com", "PROXY v2 AUTHORITY TLV: %r" % tlvs)
    backend.close()
    tls_server.close()
    print("tls backend, acme.json, STARTTLS termination: ok")


if __name__ == "__main__":
    main()
