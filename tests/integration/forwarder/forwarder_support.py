"""Helpers for the forwarder's integration tests: a running switchyard with a file-provider configuration, TLS
backends with their own certificates, and waits for a configuration to be applied."""
import os
import socket
import ssl
import subprocess
import threading
import time

import sy_harness as h


class Router:
    """switchyard with entrypoints (name -> port) and a dynamic YAML file that can be rewritten while it runs."""

    def __init__(self, entry_points, dynamic_yaml, extra_args=()):
        self.dir = h.temp_dir("sy-fwd-")
        self.ports = dict(entry_points)
        self.dynamic_path = os.path.join(self.dir, "dynamic.yml")
        h.write_file(self.dynamic_path, dynamic_yaml)
        args = ["--entryPoints.%s.address=127.0.0.1:%d" % (name, port) for name, port in self.ports.items()]
        args += ["--providers.file.filename=" + self.dynamic_path, "--providers.file.watch=true",
                 "--providers.providersThrottleDuration=100ms", "--log.level=DEBUG"]
        args += list(extra_args)
        self.sy = h.Switchyard(args, workdir=self.dir)
        self.generation = 0
        try:
            for port in self.ports.values():
                self.sy.wait_for_port(port)
            self.wait_applied()
        except BaseException:
            self.close()
            raise

    def wait_applied(self, start=0, timeout=h.DEFAULT_TIMEOUT):
        """Waits for the file's configuration to be applied (a 'configuration N applied' line with routers)."""
        m = self.sy.wait_for_log(r"configuration (\d+) applied: [1-9]\d* routers", timeout=timeout, start=start)
        self.generation = int(m.group(1))
        return self.generation

    def rewrite(self, dynamic_yaml, expect_routers=True):
        """Replaces the dynamic file and waits until the new configuration is applied."""
        mark = self.sy.mark()
        h.write_file(self.dynamic_path, dynamic_yaml)
        pattern = r"configuration (\d+) applied: " + (r"[1-9]\d* routers" if expect_routers else r"0 routers")
        self.sy.wait_for_log(pattern, start=mark)

    def close(self):
        self.sy.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        return self.sy.__exit__(exc_type, exc, tb)


def greeting_of(port, timeout=3, source=None):
    """Connects, reads the first line the server side sends without sending anything, closes."""
    with h.connect(port, timeout=timeout, source=source) as s:
        return h.recv_until(s, b"\n", timeout=timeout)


def eventually(fn, timeout=h.DEFAULT_TIMEOUT, what="condition"):
    """Calls fn until it returns a true value (which is returned) or raises no more; fails after `timeout`.
    For the moment between a 'configuration applied' log line and every worker using it."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            r = fn()
            if r:
                return r
        except (OSError, h.TestFailure) as e:
            last = e
        time.sleep(0.05)
    raise h.TestFailure("%s not reached in %.1fs (last: %r)" % (what, timeout, last))


def make_cert(directory, name):
    """A self-signed certificate for `name` (EC P-256), made with the openssl CLI; returns (cert, key) paths."""
    cert, key = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=" + name, "-days", "2",
                    "-addext", "subjectAltName=DNS:" + name],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    return cert, key


class TlsBackend:
    """A TLS server (Python's ssl) that answers every connection with `banner` and closes: shows which backend a
    TLS client reached, and that the handshake went through the router untouched."""

    def __init__(self, name, directory, banner=None):
        self.name = name
        cert, key = make_cert(directory, name)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.banner = banner or ("hello from %s\n" % name).encode()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.address = "127.0.0.1:%d" % self.port
        self.accepted = 0
        self.sni_seen = []
        self._stop = False
        self.ctx.sni_callback = lambda obj, server_name, ctx: self.sni_seen.append(server_name)
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            try:
                conn.settimeout(5)
                with self.ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.sendall(self.banner)
                    try:
                        tls.unwrap()
                    except (ssl.SSLError, OSError):
                        pass
            except (ssl.SSLError, OSError):
                conn.close()

    def close(self):
        self._stop = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
