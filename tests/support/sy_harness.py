"""Shared helpers for Switchyard's integration tests (Python 3 stdlib only).

What it gives a test:
  - free_port(), free_ports(n): loopback ports nobody listens on right now;
  - Switchyard: start the real binary ($SWITCHYARD_BIN) with flags in a temp dir, capture its log, wait for a log
    line or a listening port (every wait has a timeout), stop it with SIGTERM and collect the exit code;
  - Backend: a tiny TCP server that optionally reads a PROXY header (v1 or v2, recorded), optionally greets first
    (as SMTP/IMAP/POP3 servers do), then echoes; it records every connection;
  - connect(), recv_exactly(), recv_until(), expect_closed(): client-side waits with timeouts;
  - client_hello(sni): the bytes of a real TLS ClientHello made by Python's ssl module (no network needed);
  - proxy_v1()/proxy_v2(): build PROXY headers to send to an entrypoint; parse_proxy(): read one.

Usage:
    import sy_harness as h
    with h.Switchyard(["--entryPoints.smtp.address=127.0.0.1:%d" % port, ...]) as sy:
        sy.wait_for_port(port)
        ...
"""
import ipaddress
import os
import re
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

DEFAULT_TIMEOUT = 10.0


class TestFailure(AssertionError):
    pass


def check(condition, message):
    """assert that survives `python -O` and prints a readable message."""
    if not condition:
        raise TestFailure(message)


def binary():
    path = os.environ.get("SWITCHYARD_BIN")
    if not path:
        root = os.environ.get("SY_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
        path = os.path.join(root, "build", "src", "app", "switchyard")
    return path


# --------------------------------------------------------------------------------------------------------- ports

def free_port(host="127.0.0.1"):
    """A TCP port that is free on `host` at the time of the call (the kernel picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_ports(n, host="127.0.0.1"):
    """`n` distinct free ports (held open together while choosing, so they differ)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(family, socket.SOCK_STREAM)
            s.bind((host, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def wait_for_port(port, host="127.0.0.1", timeout=DEFAULT_TIMEOUT, process=None):
    """Waits until something accepts TCP connections on host:port. Fails early if `process` exits."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise TestFailure("process exited with %s before %s:%d listened" % (process.returncode, host, port))
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError as e:
            last = e
            time.sleep(0.02)  # polling a port: there is no event to await from outside the process
    raise TestFailure("nothing listens on %s:%d after %.1fs (%s)" % (host, port, timeout, last))


# ------------------------------------------------------------------------------------------------ the binary

# The data-path test matrix: SY_TEST_DATA_PATH=sockmap runs every `switchyard` started with flags (and no
# --configFile, whose file wins over flags) on the sockmap path, each connection spliced right after its preamble.
TEST_DATA_PATH = os.environ.get("SY_TEST_DATA_PATH", "")


def with_data_path(args):
    """`args` with the matrix's data path flags added, where they apply."""
    args = list(args)
    if TEST_DATA_PATH and args and args[0].startswith("--") and \
            not any(a.startswith(("--configFile", "--configfile", "--core.dataPath")) for a in args):
        args += ["--core.dataPath=" + TEST_DATA_PATH, "--core.spliceStart=immediate"]
    return args


class LoopbackServer:
    """Listens on 127.0.0.1 and serves each accepted connection with self._serve(conn) in a thread of its own
    (the test servers of sockmap_test.py and tls/backend_test.py; a subclass sets what _serve needs first)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.cond = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def close(self):
        self.sock.close()


class Switchyard:
    """The real switchyard process. Its stdout and stderr are merged, kept in memory and in `log_path`."""

    def __init__(self, args, workdir=None, env=None, binary_path=None, preexec_fn=None):
        """preexec_fn: run in the child before exec (e.g. resource.setrlimit for a small open-file limit)."""
        self._own_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix="sy-test-")
        self.args = with_data_path(args)
        self.log_path = os.path.join(self.dir, "switchyard.log")
        self._lines = []
        self._cond = threading.Condition()
        self._log_file = open(self.log_path, "w", encoding="utf-8")
        full_env = dict(os.environ)
        full_env.update(env or {})
        cmd = [binary_path or binary()] + self.args
        self.proc = subprocess.Popen(cmd, cwd=self.dir, env=full_env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._cond:
                self._lines.append(line)
                self._log_file.write(line + "\n")
                self._log_file.flush()
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    # --- the log
    def log(self):
        with self._cond:
            return "\n".join(self._lines)

    def lines(self):
        with self._cond:
            return list(self._lines)

    def wait_for_log(self, pattern, timeout=DEFAULT_TIMEOUT, start=0):
        """Waits for a log line matching the regular expression `pattern` (searched, not anchored), from line
        index `start` on; returns the match. Fails if the process exits first."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            i = start
            while True:
                while i < len(self._lines):
                    m = rx.search(self._lines[i])
                    if m:
                        return m
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                if self.proc.poll() is not None and not self._reader.is_alive():
                    break
                self._cond.wait(min(left, 0.2))
        raise TestFailure("no log line matching %r within %.1fs; exit=%s; log:\n%s"
                          % (pattern, timeout, self.proc.poll(), self.log()))

    def mark(self):
        """The current number of log lines: pass it as `start` to wait only for later lines."""
        with self._cond:
            return len(self._lines)

    def wait_for_port(self, port, host="127.0.0.1", timeout=DEFAULT_TIMEOUT):
        try:
            wait_for_port(port, host, timeout, self.proc)
        except TestFailure as e:
            raise TestFailure("%s; log:\n%s" % (e, self.log()))

    # --- ending
    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=DEFAULT_TIMEOUT, sig=signal.SIGTERM):
        """Sends `sig` (SIGTERM), waits for the exit, returns the exit code. Kills it after `timeout`."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            self._reader.join(5)
            raise TestFailure("switchyard did not exit within %.1fs of signal %d; log:\n%s"
                              % (timeout, sig, self.log()))
        self._reader.join(5)
        return code

    def wait_exit(self, timeout=DEFAULT_TIMEOUT):
        """Waits for the process to exit by itself (for start-up errors); returns the exit code."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure("switchyard still running after %.1fs; log:\n%s" % (timeout, self.log()))
        self._reader.join(5)
        return code

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._reader.join(5)
        self._log_file.close()
        if self.proc.stdout:
            self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            sys.stderr.write("---- switchyard log (%s) ----\n%s\n----\n" % (self.log_path, self.log()))
        self.close()
        return False

    def path(self, name):
        return os.path.join(self.dir, name)

    def cpu_seconds(self):
        """utime + stime of the process so far (all its threads), from /proc/PID/stat."""
        with open("/proc/%d/stat" % self.proc.pid, encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # fields[0] is field 3 (state); utime and stime are fields 14 and 15 of proc(5).
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_file(path, text):
    """Writes atomically (write + rename), as editors and config managers do, so a watcher never sees half a file."""
    tmp = path + ".tmp~"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return path


def temp_dir(prefix="sy-test-"):
    return tempfile.mkdtemp(prefix=prefix)


# ------------------------------------------------------------------------------------------------ PROXY protocol

_V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def proxy_v1(src, dst):
    """A PROXY v1 line; src and dst are (ip, port)."""
    fam = "TCP6" if ":" in src[0] else "TCP4"
    return ("PROXY %s %s %s %d %d\r\n" % (fam, src[0], dst[0], src[1], dst[1])).encode()


def proxy_v2(src, dst, command="PROXY"):
    """A PROXY v2 header (no TLVs); command "LOCAL" sends no addresses."""
    if command == "LOCAL":
        return _V2_SIGNATURE + bytes([0x20, 0x00]) + struct.pack("!H", 0)
    s, d = ipaddress.ip_address(src[0]), ipaddress.ip_address(dst[0])
    if s.version == 4:
        body = s.packed + d.packed + struct.pack("!HH", src[1], dst[1])
        fam = 0x11
    else:
        body = s.packed + d.packed + struct.pack("!HH", src[1], dst[1])
        fam = 0x21
    return _V2_SIGNATURE + bytes([0x21, fam]) + struct.pack("!H", len(body)) + body


def parse_proxy(data):
    """Parses a PROXY header at the start of `data`. Returns (header dict, bytes consumed), or (None, 0) when the
    data does not start with one. dict: version, src (ip, port) or None, dst, raw."""
    if data.startswith(b"PROXY "):
        end = data.find(b"\r\n")
        if end < 0:
            raise ValueError("incomplete PROXY v1 line: %r" % data[:120])
        parts = data[:end].decode("ascii").split(" ")
        raw = data[:end + 2]
        if parts[1] == "UNKNOWN":
            return {"version": 1, "src": None, "dst": None, "raw": raw}, end + 2
        return {"version": 1, "family": parts[1], "src": (parts[2], int(parts[4])),
                "dst": (parts[3], int(parts[5])), "raw": raw}, end + 2
    if data.startswith(_V2_SIGNATURE):
        if len(data) < 16:
            raise ValueError("incomplete PROXY v2 header")
        ver_cmd, fam = data[12], data[13]
        (length,) = struct.unpack("!H", data[14:16])
        body = data[16:16 + length]
        raw = data[:16 + length]
        hdr = {"version": 2, "command": "LOCAL" if ver_cmd & 0x0F == 0 else "PROXY", "src": None, "dst": None,
               "raw": raw}
        if ver_cmd & 0x0F == 1 and fam >> 4 == 1:
            hdr["family"] = "TCP4"
            hdr["src"] = (str(ipaddress.ip_address(body[0:4])), struct.unpack("!H", body[8:10])[0])
            hdr["dst"] = (str(ipaddress.ip_address(body[4:8])), struct.unpack("!H", body[10:12])[0])
        elif ver_cmd & 0x0F == 1 and fam >> 4 == 2:
            hdr["family"] = "TCP6"
            hdr["src"] = (str(ipaddress.ip_address(body[0:16])), struct.unpack("!H", body[32:34])[0])
            hdr["dst"] = (str(ipaddress.ip_address(body[16:32])), struct.unpack("!H", body[34:36])[0])
        return hdr, 16 + length
    return None, 0


def _read_proxy_header(sock, timeout):
    """Reads exactly one PROXY header (v1 or v2) from a socket, byte-exact, without reading past it."""
    sock.settimeout(timeout)
    first = recv_exactly(sock, 6, timeout)
    if first == b"PROXY ":
        data = first
        while not data.endswith(b"\r\n"):
            if len(data) > 108:
                raise ValueError("PROXY v1 line too long: %r" % data)
            data += recv_exactly(sock, 1, timeout)
        return parse_proxy(data)[0]
    if first == _V2_SIGNATURE[:6]:
        data = first + recv_exactly(sock, 10, timeout)
        (length,) = struct.unpack("!H", data[14:16])
        data += recv_exactly(sock, length, timeout)
        return parse_proxy(data)[0]
    raise ValueError("expected a PROXY header, got %r" % first)


# ------------------------------------------------------------------------------------------------ client waits

def refused(port, host="127.0.0.1"):
    """True when nothing listens on the port any more (a connection attempt is refused)."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


def connect(port, host="127.0.0.1", timeout=DEFAULT_TIMEOUT, source=None):
    """A connected TCP socket with `timeout` on every operation. `source` = (ip, port) to bind first."""
    return socket.create_connection((host, port), timeout=timeout, source_address=source)


def recv_exactly(sock, n, timeout=DEFAULT_TIMEOUT):
    """Reads exactly n bytes or fails (EOF or timeout)."""
    deadline = time.monotonic() + timeout
    chunks, have = [], 0
    while have < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TestFailure("timed out after %.1fs with %d of %d bytes" % (timeout, have, n))
        sock.settimeout(left)
        try:
            chunk = sock.recv(min(n - have, 1 << 16))
        except socket.timeout:
            raise TestFailure("timed out after %.1fs with %d of %d bytes" % (timeout, have, n))
        if not chunk:
            raise TestFailure("connection closed after %d of %d bytes: %r" % (have, n, b"".join(chunks)[:200]))
        chunks.append(chunk)
        have += len(chunk)
    return b"".join(chunks)


def recv_until(sock, marker, timeout=DEFAULT_TIMEOUT):
    """Reads until `marker` (bytes) has arrived; returns everything read. Fails on EOF or timeout."""
    deadline = time.monotonic() + timeout
    data = b""
    while marker not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TestFailure("timed out after %.1fs waiting for %r; got %r" % (timeout, marker, data[:300]))
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            raise TestFailure("timed out after %.1fs waiting for %r; got %r" % (timeout, marker, data[:300]))
        if not chunk:
            raise TestFailure("connection closed while waiting for %r; got %r" % (marker, data[:300]))
        data += chunk
    return data


def expect_closed(sock, timeout=DEFAULT_TIMEOUT):
    """Waits until the peer closes (EOF or reset); returns the bytes received before that. Fails on timeout."""
    deadline = time.monotonic() + timeout
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TestFailure("connection still open after %.1fs (received %r)" % (timeout, data[:300]))
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            raise TestFailure("connection still open after %.1fs (received %r)" % (timeout, data[:300]))
        except (ConnectionResetError, BrokenPipeError):
            return data
        if not chunk:
            return data
        data += chunk


def greeting(port, timeout=1.0):
    """The first line a new connection through the router gets, or None when it is closed without one."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError:
        return None
    try:
        s.settimeout(timeout)
        data = b""
        while b"\n" not in data:
            chunk = s.recv(256)
            if not chunk:
                break
            data += chunk
        return data.split(b"\n")[0].strip() or None
    except OSError:
        return None
    finally:
        s.close()


def wait_greeting(port, want, timeout=15.0):
    """Polls new connections until one is greeted with `want` (None: until none is greeted). Each try is bounded."""
    deadline = time.monotonic() + timeout
    last = "nothing tried"
    while time.monotonic() < deadline:
        got = greeting(port)
        if got == want:
            return
        last = got
        time.sleep(0.1)  # a new connection is the observation itself; space the tries out
    raise TestFailure("port %d: wanted greeting %r, last saw %r after %.0f s" % (port, want, last, timeout))


# ------------------------------------------------------------------------------------------------ TLS

def client_hello(sni=None, alpn=None):
    """The bytes of the first flight of a real TLS client (Python's ssl module, OpenSSL): one ClientHello.
    Nothing is sent anywhere; write the bytes to a socket yourself."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if alpn:
        ctx.set_alpn_protocols(alpn)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_side=False, server_hostname=sni)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def openssl_client(port, servername=None, host="127.0.0.1", send=b"", timeout=DEFAULT_TIMEOUT, extra=()):
    """Runs `openssl s_client -connect host:port [-servername NAME]` with `send` on stdin; returns
    (exit code, stdout+stderr text)."""
    cmd = ["openssl", "s_client", "-connect", "%s:%d" % (host, port), "-ign_eof"]
    if servername:
        cmd += ["-servername", servername]
    cmd += list(extra)
    p = subprocess.run(cmd, input=send, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace")


# ------------------------------------------------------------------------------------------------ backends

class Connection:
    """What a Backend saw on one accepted connection."""

    def __init__(self, peer):
        self.peer = peer
        self.proxy = None        # parsed PROXY header dict, or None
        self._received = bytearray()  # bytes after the header (appending to bytes would be quadratic)
        self.closed = False
        self.error = None

    @property
    def received(self):
        """Bytes received after the header, so far."""
        return bytes(self._received)

    @property
    def received_count(self):
        return len(self._received)


class Backend:
    """A loopback TCP backend in a thread.

    proxy:    expect a PROXY header (v1 or v2) first on every connection and record it (as Postfix/Dovecot do);
    greeting: bytes sent as soon as the connection is accepted (after the header), e.g. b"220 mx ESMTP\\r\\n";
    echo:     send back every byte received (default);
    tag:      bytes sent once after the greeting, to tell backends apart (round robin, weighted services).
    """

    def __init__(self, host="127.0.0.1", port=0, proxy=False, greeting=b"", echo=True, tag=b"",
                 header_timeout=DEFAULT_TIMEOUT):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(128)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.proxy = proxy
        self.greeting = greeting
        self.echo = echo
        self.tag = tag
        self.header_timeout = header_timeout
        self.connections = []
        self._cond = threading.Condition()
        self._stopping = False
        self._threads = []
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepter.start()

    @property
    def address(self):
        return "[%s]:%d" % (self.host, self.port) if ":" in self.host else "%s:%d" % (self.host, self.port)

    def _accept_loop(self):
        while True:
            try:
                conn, peer = self.sock.accept()
            except OSError:
                return
            if self._stopping:
                conn.close()
                return
            record = Connection(peer)
            with self._cond:
                self.connections.append(record)
                self._cond.notify_all()
            t = threading.Thread(target=self._serve, args=(conn, record), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve(self, conn, record):
        try:
            if self.proxy:
                record.proxy = _read_proxy_header(conn, self.header_timeout)
                with self._cond:
                    self._cond.notify_all()
            conn.settimeout(None)
            if self.greeting:
                conn.sendall(self.greeting)
            if self.tag:
                conn.sendall(self.tag)
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                with self._cond:
                    record._received += chunk
                    self._cond.notify_all()
                if self.echo:
                    conn.sendall(chunk)
            # The client half-closed: answer with our own FIN after the echo, as a server ending a session does.
            conn.shutdown(socket.SHUT_WR)
        except Exception as e:  # recorded for the test to inspect; the backend keeps serving others
            record.error = e
        finally:
            conn.close()
            with self._cond:
                record.closed = True
                self._cond.notify_all()

    def wait_connections(self, n, timeout=DEFAULT_TIMEOUT):
        """Waits until at least n connections were accepted; returns the list."""
        return self._wait(lambda: len(self.connections) >= n, timeout,
                          lambda: "%d connections, expected %d" % (len(self.connections), n))

    def wait_proxy(self, index=0, timeout=DEFAULT_TIMEOUT):
        """Waits for connection `index` to have read its PROXY header; returns the parsed header."""
        self._wait(lambda: len(self.connections) > index and
                   (self.connections[index].proxy is not None or self.connections[index].error is not None),
                   timeout, lambda: "no PROXY header on connection %d" % index)
        c = self.connections[index]
        if c.error is not None:
            raise TestFailure("backend connection %d failed: %r" % (index, c.error))
        return c.proxy

    def wait_received(self, index, n, timeout=DEFAULT_TIMEOUT):
        """Waits for connection `index` to have received at least n bytes."""
        self._wait(lambda: len(self.connections) > index and self.connections[index].received_count >= n,
                   timeout, lambda: "connection %d received %d of %d bytes" % (
                       index, self.connections[index].received_count if len(self.connections) > index else 0, n))
        return self.connections[index].received

    def wait_closed(self, index, timeout=DEFAULT_TIMEOUT):
        self._wait(lambda: len(self.connections) > index and self.connections[index].closed, timeout,
                   lambda: "backend connection %d still open" % index)

    def _wait(self, pred, timeout, describe):
        deadline = time.monotonic() + timeout
        with self._cond:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TestFailure("timed out after %.1fs: %s" % (timeout, describe()))
                self._cond.wait(left)
            return self.connections

    def close(self):
        self._stopping = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._accepter.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def greeting_backend(greeting=b"220 backend ESMTP ready\r\n", **kw):
    """A backend that speaks first, as SMTP, IMAP, POP3 and ManageSieve servers do."""
    return Backend(greeting=greeting, **kw)


# ------------------------------------------------------------------------------------------------ running tests

def run(tests):
    """Runs test functions in order, prints a line per test, exits 0 if all passed (1 otherwise); meson reads the
    exit code. A test is skipped by raising Skip."""
    failed = 0
    for t in tests:
        start = time.monotonic()
        try:
            t()
            print("ok   %s (%.2fs)" % (t.__name__, time.monotonic() - start), flush=True)
        except Skip as s:
            print("skip %s: %s" % (t.__name__, s), flush=True)
        except Exception as e:
            failed += 1
            print("FAIL %s (%.2fs): %s: %s" % (t.__name__, time.monotonic() - start, type(e).__name__, e), flush=True)
            import traceback
            traceback.print_exc()
    sys.exit(1 if failed else 0)


class Skip(Exception):
    pass
