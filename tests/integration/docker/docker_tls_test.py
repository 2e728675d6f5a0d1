"""The Docker provider over tcp:// with TLS client certificates (providers.docker.tls), as for a remote daemon on
port 2376. A real dockerd behind a Python TLS front that demands a client certificate signed by the test CA; the
certificates are made with the openssl CLI. Also checks that a wrong CA is refused (nothing pushed, a clear log line).
"""
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading

import dockerd
import sy_harness as h
from docker_provider_test import Watch  # noqa: E402  (same folder: the Watch helper)

dockerd.require_root()
if not shutil.which("openssl"):
    print("SKIP: needs the openssl CLI to make test certificates", flush=True)
    sys.exit(77)


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True)


def make_pki(d):
    """ca.pem, server cert for 127.0.0.1, client cert; and other-ca.pem that signed nothing here."""
    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca + "-key.pem", "-out", ca + ".pem",
                "-days", "1", "-subj", "/CN=" + ca, cwd=d)
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    with open(os.path.join(d, "client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for who in ("server", "client"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + "-key.pem", "-out", who + ".csr",
                "-subj", "/CN=" + who, cwd=d)
        openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", who + ".pem", "-days", "1", "-extfile", who + ".ext", cwd=d)


class TlsFront:
    """TLS on 127.0.0.1 (client certificate required) → the daemon's unix socket, one connection each."""

    def __init__(self, pki, upstream):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(os.path.join(pki, "server.pem"), os.path.join(pki, "server-key.pem"))
        self.ctx.load_verify_locations(os.path.join(pki, "ca.pem"))
        self.ctx.verify_mode = ssl.CERT_REQUIRED
        self.upstream = upstream
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.handshakes_refused = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                raw, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw):
        try:
            conn = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshakes_refused += 1
            raw.close()
            return
        up = socket.socket(socket.AF_UNIX)
        up.connect(self.upstream)

        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        threading.Thread(target=pump, args=(up, conn), daemon=True).start()
        pump(conn, up)


def main():
    with dockerd.Dockerd() as d:
        d.ensure_image()
        pki = os.path.join(d.dir, "pki")
        os.makedirs(pki)
        make_pki(pki)
        front = TlsFront(pki, d.sock)
        port = h.free_port()
        d.run("tls-smtp", labels=dockerd.tcp_labels("smtp", port))
        endpoint = "--endpoint=tcp://127.0.0.1:%d" % front.port
        client = ["--tls.cert=" + os.path.join(pki, "client.pem"), "--tls.key=" + os.path.join(pki, "client-key.pem")]

        w = Watch([endpoint, "--tls.ca=" + os.path.join(pki, "ca.pem")] + client)
        try:
            m = w.wait_message(lambda m: "smtp" in m["routers"], "routed over mutual TLS")
            h.check(m["services"]["smtp"] == ["127.0.0.1:%d" % port], "server: %s" % m["services"])
            w.wait_log(r"connected to Docker .* at tcp://127\.0\.0\.1")
        finally:
            w.stop()

        # A daemon certificate from another CA: refused, nothing pushed, and the log says why.
        bad = Watch([endpoint, "--tls.ca=" + os.path.join(pki, "other-ca.pem")] + client)
        try:
            bad.wait_log(r"TLS handshake failed.*keeping the last configuration")
            bad.expect_no_message(1.0)
        finally:
            bad.stop()
    print("ok")


if __name__ == "__main__":
    main()
