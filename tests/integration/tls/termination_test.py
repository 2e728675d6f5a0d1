"""TLS termination on TCP routers through the real binary and the file provider: the certificate chosen per SNI
(exact, wildcard, RSA or ECDSA by what the client offers, the default without SNI), sniStrict's alert, ALPN, the
minimum version, client certificates, a certificate rotated on disk while an older session goes on, and bad files
named in the API. The backend receives plaintext, after its PROXY header."""
import http.client
import json
import os
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "forwarder"))

import sy_harness as h  # noqa: E402
from forwarder_support import Router, eventually
import tls_support as t

GREETING = b"* OK backend ready\r\n"


def dynamic(d, backend):
    return """
tcp:
  routers:
    mail:
      entryPoints: [tls]
      rule: "HostSNI(`mail.example.com`)"
      service: mail
      tls: {}
    org:
      entryPoints: [tls]
      rule: "HostSNI(`imap.example.org`)"
      service: mail
      tls:
        options: alpn
    modern:
      entryPoints: [tls]
      rule: "HostSNI(`new.example.org`)"
      service: mail
      tls:
        options: modern
    any:
      entryPoints: [tls]
      rule: "HostSNI(`*`)"
      service: mail
      tls: {}
    strict:
      entryPoints: [strict]
      rule: "HostSNI(`*`)"
      service: mail
      tls:
        options: strict
    mtls:
      entryPoints: [mtls]
      rule: "HostSNI(`*`)"
      service: mail
      tls:
        options: mtls
  services:
    mail:
      loadBalancer:
        proxyProtocol:
          version: 2
        servers:
          - address: "%(backend)s"
tls:
  certificates:
    - certFile: %(d)s/mail-ec.crt
      keyFile: %(d)s/mail-ec.key
    - certFile: %(d)s/mail-rsa.crt
      keyFile: %(d)s/mail-rsa.key
    - certFile: %(d)s/org.crt
      keyFile: %(d)s/org.key
    - certFile: %(d)s/missing.crt
      keyFile: %(d)s/org.key
    - certFile: %(d)s/org.crt
      keyFile: %(d)s/mail-ec.key
  stores:
    default:
      defaultCertificate:
        certFile: %(d)s/default.crt
        keyFile: %(d)s/default.key
  options:
    alpn:
      alpnProtocols: [imap, smtp]
    modern:
      minVersion: VersionTLS13
    strict:
      sniStrict: true
      minVersion: VersionTLS12
    mtls:
      clientAuth:
        caFiles: [%(d)s/Test_CA.crt]
        clientAuthType: RequireAndVerifyClientCert
""" % {"d": d, "backend": backend.address}


def greeted(conn):
    h.check(h.recv_until(conn, b"\r\n", timeout=5) == GREETING, "backend greeting through TLS")
    return conn


def api_get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, json.loads(r.read())
    finally:
        c.close()


def main():
    d = h.temp_dir("sy-tls-certs-")
    ca = t.make_ca(d)
    t.make_cert(d, "mail-ec", "mail.example.com", ca=ca)
    t.make_cert(d, "mail-rsa", "mail.example.com", rsa=True, ca=ca)
    t.make_cert(d, "org", "*.example.org")
    t.make_cert(d, "default", "default.example")
    good_client = t.make_cert(d, "client", "client one", ca=ca, client=True)
    other_ca = t.make_ca(d, "Other CA")
    bad_client = t.make_cert(d, "intruder", "intruder", ca=other_ca, client=True)

    backend = h.Backend(proxy=True, greeting=GREETING)
    tls_port, strict_port, mtls_port, api_port = h.free_ports(4)
    with Router({"tls": tls_port, "strict": strict_port, "mtls": mtls_port, "traefik": api_port},
                dynamic(d, backend), extra_args=["--api.insecure=true"]) as r:
        # The right certificate per SNI: exact, wildcard, the default store's without SNI.
        h.check(t.peer_cn(tls_port, "-servername", "mail.example.com") == "mail.example.com", "exact SNI")
        h.check(t.peer_cn(tls_port, "-servername", "imap.example.org") == "*.example.org", "wildcard SNI")
        got = t.peer_cn(tls_port, "-noservername")
        h.check(got == "default.example", "no SNI: defaultCertificate, got %r" % got)
        h.check(t.peer_cn(tls_port, "-servername", "other.example.net") == "default.example", "unknown SNI")
        # RSA and ECDSA for one name: what the client's signature algorithms allow.
        rc, out = t.s_client(tls_port, "-servername", "mail.example.com", "-sigalgs", "RSA-PSS+SHA256")
        h.check(rc == 0 and "Signature type: RSA-PSS" in out, "an RSA-only client gets the RSA one:\n" + out)
        rc, out = t.s_client(tls_port, "-servername", "mail.example.com", "-sigalgs", "ECDSA+SHA256")
        h.check(rc == 0 and "Signature type: ECDSA" in out, "an ECDSA client gets the ECDSA one:\n" + out)

        # Plaintext to the backend, after its PROXY header with the client's address.
        with greeted(t.tls_connect(tls_port, "mail.example.com")) as c:
            c.sendall(b"a1 NOOP\r\n")
            h.check(h.recv_until(c, b"\r\n") == b"a1 NOOP\r\n", "echo through termination")
            local = c.getsockname()
        def mine():
            for conn in list(backend.connections):
                if conn.proxy and conn.proxy.get("src") == (local[0], local[1]):
                    return conn
            return None
        conn = eventually(mine, what="the backend connection whose PROXY source is the TLS client %r" % (local,))
        h.check(b"a1 NOOP" in conn.received, "backend got plaintext: %r" % conn.received)

        # ALPN: the option's list, in the server's order; without overlap, Go's no_application_protocol alert.
        with greeted(t.tls_connect(tls_port, "imap.example.org", t.client_context(alpn=["smtp", "imap"]))) as c:
            h.check(c.selected_alpn_protocol() == "imap", "ALPN imap, got %r" % c.selected_alpn_protocol())
        try:
            t.tls_connect(tls_port, "imap.example.org", t.client_context(alpn=["pop3"])).close()
            h.check(False, "ALPN without overlap was accepted")
        except ssl.SSLError as e:
            h.check("NO APPLICATION PROTOCOL" in str(e).upper().replace("_", " "), "ALPN refusal: %s" % e)

        # minVersion: VersionTLS13 refuses 1.2; VersionTLS12 refuses 1.1.
        rc, out = t.s_client(tls_port, "-servername", "new.example.org", "-tls1_2")
        h.check(rc != 0 and "alert protocol version" in out, "TLS 1.2 under VersionTLS13:\n" + out)
        rc, out = t.s_client(tls_port, "-servername", "new.example.org", "-tls1_3")
        h.check(rc == 0 and "TLSv1.3" in out, "TLS 1.3 under VersionTLS13:\n" + out)
        rc, out = t.s_client(strict_port, "-servername", "mail.example.com", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
        h.check(rc != 0 and "CONNECTION ESTABLISHED" not in out, "TLS 1.1 under VersionTLS12:\n" + out)
        rc, out = t.s_client(strict_port, "-servername", "mail.example.com", "-tls1_2")
        h.check(rc == 0 and "TLSv1.2" in out, "TLS 1.2 under VersionTLS12:\n" + out)

        # sniStrict: a name without a certificate, or none at all, gets an unrecognized_name alert.
        for args in (["-servername", "other.example.net"], ["-noservername"]):
            rc, out = t.s_client(strict_port, *args)
            h.check(rc != 0 and "unrecognized name" in out, "sniStrict alert for %s:\n%s" % (args, out))

        # mTLS: RequireAndVerifyClientCert.
        with greeted(t.tls_connect(mtls_port, "mail.example.com", t.client_context(cert=good_client))) as c:
            pass
        for cert, what in ((None, "no client certificate"), (bad_client, "a certificate of another CA")):
            try:
                with t.tls_connect(mtls_port, "mail.example.com", t.client_context(cert=cert)) as c:
                    c.settimeout(5)
                    data = c.recv(100)  # TLS 1.3: the server's verdict comes after the client's Finished
                    h.check(not data, "%s: got %r" % (what, data))
            except (ssl.SSLError, ConnectionResetError) as e:
                h.check("ALERT" in str(e).upper() or isinstance(e, ConnectionResetError), "%s: %s" % (what, e))

        # Bad files: named, in the API, the rest served.
        status, certs = api_get(api_port, "/api/certificates")
        by_source = {c["source"]: c for c in certs}
        missing = by_source["certFile %s/missing.crt" % d]
        h.check(missing["status"] == "disabled" and
                missing["error"] == ["certFile %s/missing.crt: cannot read: No such file or directory" % d],
                "missing file named: %r" % missing)
        mismatched = [c for c in certs if c["status"] == "disabled" and c is not missing]
        h.check(len(mismatched) == 1 and mismatched[0]["error"] ==
                ["%s/mail-ec.key: the private key does not match the certificate in %s/org.crt" % (d, d)],
                "mismatched key named: %r" % mismatched)
        h.check(by_source["certFile %s/default.crt" % d].get("default") is True, "defaultCertificate listed")
        # ... and in the log, as a disabled element named by its file.
        h.check(('certificate "certFile %s/missing.crt" disabled: certFile %s/missing.crt: cannot read' % (d, d))
                in r.sy.log(), "the missing certificate logged")

        # Rotation: the next handshake gets the new certificate, a session opened before goes on.
        old = greeted(t.tls_connect(tls_port, "mail.example.com"))
        mark = r.sy.mark()
        rotated = t.make_cert(d, "mail-ec-new", "mail.example.com", ca=ca, org="rotated")
        os.replace(rotated[0], os.path.join(d, "mail-ec.crt"))
        os.replace(rotated[1], os.path.join(d, "mail-ec.key"))
        r.sy.wait_for_log(r"certificate, key or CA file changed on disk", start=mark)
        r.sy.wait_for_log(r"configuration \d+ applied", start=mark)

        def rotated_served():
            rc, out = t.s_client(tls_port, "-servername", "mail.example.com")
            return "O = rotated" in out
        eventually(rotated_served, what="the rotated certificate served")
        old.sendall(b"a2 still here\r\n")
        h.check(h.recv_until(old, b"\r\n") == b"a2 still here\r\n", "the old session goes on after the rotation")
        old.close()
    backend.close()
    print("tls termination: ok")


if __name__ == "__main__":
    main()
