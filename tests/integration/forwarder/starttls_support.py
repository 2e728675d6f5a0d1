"""A fake mail server for the STARTTLS tests: reads a PROXY header, greets, answers the replayed pre-TLS dialogue
from a table, upgrades to TLS with its own certificate on its STARTTLS reply, and inside TLS sends a banner naming
itself. It records the PROXY header and every pre-TLS line it received, so a test can tell that no injected
command reached it. A fake and not Postfix/Dovecot (tests/e2e has those): it can misbehave on purpose (no
STARTTLS, a split greeting, bytes after its OK)."""
import socket
import ssl
import threading
import time

import sy_harness as h
from forwarder_support import make_cert

# What the fake says, by protocol: the greeting, then replies by upper-cased first word of a line (IMAP: second).
DIALECTS = {
    "smtp": (b"220 %(name)s ESMTP fake\r\n",
             {b"EHLO": b"250-%(name)s\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n",
              b"HELO": b"250 %(name)s\r\n", b"STARTTLS": b"220 2.0.0 Ready to start TLS\r\n"}),
    "imap": (b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] %(name)s ready.\r\n",
             {b"CAPABILITY": b"* CAPABILITY IMAP4rev1 STARTTLS\r\n%(tag)s OK done\r\n",
              b"STARTTLS": b"%(tag)s OK Begin TLS negotiation now.\r\n"}),
    "pop3": (b"+OK %(name)s ready.\r\n",
             {b"CAPA": b"+OK\r\nTOP\r\nSTLS\r\nSASL\r\n.\r\n", b"STLS": b"+OK Begin TLS negotiation now.\r\n"}),
    "tls": (b"", {}),  # no dialogue: TLS right after the PROXY header (an implicit-TLS port, for comparisons)
    "managesieve": (b"\"IMPLEMENTATION\" \"fake\"\r\n\"SASL\" \"\"\r\n\"STARTTLS\"\r\nOK \"%(name)s ready.\"\r\n",
                    {b"STARTTLS": b"OK \"Begin TLS negotiation now.\"\r\n"}),
}


class FakeMailServer:
    def __init__(self, name, protocol, directory, greeting=None, replies=None, teaser_delay=0.0, trailing=b"",
                 refuse_starttls=False):
        self.name, self.protocol = name, protocol
        base_greeting, base_replies = DIALECTS[protocol]
        self.greeting = greeting if greeting is not None else base_greeting
        self.replies = dict(base_replies)
        self.replies.update(replies or {})
        self.teaser_delay = teaser_delay  # > 0: greet with a postscreen-style 220- teaser first
        self.trailing = trailing           # bytes sent right after the STARTTLS reply (a hostile backend)
        self.refuse_starttls = refuse_starttls
        if refuse_starttls:
            self.replies[b"STLS" if protocol == "pop3" else b"STARTTLS"] = {
                "smtp": b"454 4.7.0 TLS not available\r\n", "imap": b"%(tag)s NO no TLS\r\n",
                "pop3": b"-ERR no TLS\r\n", "managesieve": b"NO \"no TLS\"\r\n"}[protocol]
        cert, key = make_cert(directory, name)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.address = "127.0.0.1:%d" % self.port
        self.sessions = []  # per connection: {"proxy": header dict, "lines": [bytes], "early": bool, "tls": bool}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _fill(self, template, tag=b""):
        return template.replace(b"%(name)s", self.name.encode()).replace(b"%(tag)s", tag)

    def _loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            session = {"proxy": None, "lines": [], "early": False, "tls": False}
            with self._lock:
                self.sessions.append(session)
            threading.Thread(target=self._serve, args=(conn, session), daemon=True).start()

    def _serve(self, conn, s):
        try:
            conn.settimeout(5)
            s["proxy"] = h._read_proxy_header(conn, 5)
            if self.teaser_delay:
                conn.sendall(b"220-%s teaser\r\n" % self.name.encode())
                # Like postscreen's pregreet test: a client that speaks before the final line is caught.
                conn.settimeout(self.teaser_delay)
                try:
                    if conn.recv(1, socket.MSG_PEEK):
                        s["early"] = True
                except socket.timeout:
                    pass
                conn.settimeout(5)
            if self.protocol == "tls":
                self._tls(conn, s)
                return
            conn.sendall(self._fill(self.greeting))
            buf = b""
            while True:
                while b"\n" not in buf:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    buf += chunk
                line, buf = buf.split(b"\n", 1)
                line = line.rstrip(b"\r")
                s["lines"].append(line)
                words = line.split(b" ")
                tag = b""
                if self.protocol == "imap":
                    tag, words = words[0], words[1:]
                verb = words[0].upper() if words else b""
                reply = self.replies.get(verb)
                if reply is None:
                    conn.sendall(b"500 unknown\r\n")
                    continue
                upgrade = verb in (b"STARTTLS", b"STLS") and not self.refuse_starttls
                conn.sendall(self._fill(reply, tag) + (self.trailing if upgrade else b""))
                if upgrade:
                    if buf:
                        s["lines"].append(b"<pipelined> " + buf)
                        return
                    self._tls(conn, s)
                    return
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            conn.close()

    def _tls(self, conn, s):
        with self.ctx.wrap_socket(conn, server_side=True) as tls:
            s["tls"] = True
            tls.sendall(b"hello from %s\r\n" % self.name.encode())
            try:
                tls.recv(100)
            except (ssl.SSLError, OSError):
                pass

    def wait_sessions(self, n, timeout=h.DEFAULT_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sessions) >= n:
                return self.sessions
            time.sleep(0.02)
        raise h.TestFailure("%s: %d sessions, wanted %d" % (self.name, len(self.sessions), n))

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._thread.join(5)


def tls_client(sock, sni):
    """Wraps a socket that just got its STARTTLS OK in TLS (no verification: the test reads the certificate's
    subject itself); returns (TLS socket, certificate CN)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    tls = ctx.wrap_socket(sock, server_hostname=sni)
    der = tls.getpeercert(binary_form=True)
    return tls, der


def cert_names(der):
    """The DNS names a DER certificate was made for (our test certificates carry CN = SAN = name)."""
    import subprocess
    p = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-subject"], input=der,
                       stdout=subprocess.PIPE, timeout=10, check=True)
    return p.stdout.decode().strip()
