"""Helpers for the TLS termination tests: certificates made with the openssl CLI (a CA and what it signs, or
self-signed), `openssl s_client` runs, and TLS clients that talk through the router."""
import os
import socket
import ssl
import subprocess

import sy_harness as h


def _run(args, timeout=30):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)


def make_ca(directory, name="Test CA"):
    cert, key = os.path.join(directory, name.replace(" ", "_") + ".crt"), os.path.join(directory, name.replace(" ", "_") + ".key")
    _run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", key, "-out", cert, "-subj", "/CN=" + name, "-days", "2"])
    return cert, key


def make_cert(directory, base, cn, sans=None, rsa=False, ca=None, org=None, client=False, days=2):
    """A certificate for `cn` (and `sans`, DNS names), signed by `ca` (cert, key) or self-signed; (cert, key)."""
    cert, key = os.path.join(directory, base + ".crt"), os.path.join(directory, base + ".key")
    keyopt = ["-newkey", "rsa:2048"] if rsa else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    subj = "/CN=" + cn + ("/O=" + org if org else "")
    names = ",".join("DNS:" + n for n in (sans or [cn]))
    ext = "extendedKeyUsage=clientAuth" if client else "subjectAltName=" + names
    if ca is None:
        _run(["openssl", "req", "-x509"] + keyopt + ["-nodes", "-keyout", key, "-out", cert, "-subj", subj,
                                                    "-days", str(days), "-addext", ext])
    else:
        csr = os.path.join(directory, base + ".csr")
        _run(["openssl", "req", "-new"] + keyopt + ["-nodes", "-keyout", key, "-out", csr, "-subj", subj])
        extfile = os.path.join(directory, base + ".ext")
        h.write_file(extfile, ext + "\n")
        _run(["openssl", "x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial", "-out", cert,
              "-days", str(days), "-extfile", extfile])
    return cert, key


def s_client(port, *args, stdin=b"", timeout=10):
    """`openssl s_client -brief` against the router; (exit code, everything it printed)."""
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-brief"] + list(args),
                       input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace")


def peer_cn(port, *args):
    """The CN of the certificate the router presents (s_client -brief's 'Peer certificate' line), or a failure."""
    rc, out = s_client(port, *args)
    for line in out.splitlines():
        if line.startswith("Peer certificate:"):
            return line.split("CN = ", 1)[1].split(",")[0].strip() if "CN = " in line else line
    raise h.TestFailure("no peer certificate from s_client %s (rc %d):\n%s" % (" ".join(args), rc, out))


def client_context(alpn=None, cert=None, ca=None, minimum=None, maximum=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca:
        ctx.load_verify_locations(ca)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if alpn:
        ctx.set_alpn_protocols(alpn)
    if cert:
        ctx.load_cert_chain(cert[0], cert[1])
    if minimum:
        ctx.minimum_version = minimum
    if maximum:
        ctx.maximum_version = maximum
    return ctx


def tls_connect(port, server_name, ctx=None, timeout=5):
    """A TLS connection through the router (handshake done)."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        return (ctx or client_context()).wrap_socket(raw, server_hostname=server_name)
    except BaseException:
        raw.close()
        raise
