"""Mail clients for the end-to-end suite: each completes its protocol (greeting, STARTTLS or implicit TLS, login,
one real command, logout) from a chosen loopback source address, and raises on anything else. Stdlib + swaks."""
from __future__ import annotations

import base64
import imaplib
import poplib
import smtplib
import socket
import ssl
import subprocess
from email.message import EmailMessage

TIMEOUT = 20.0


def tls_context(ca: str) -> ssl.SSLContext:
    """Verifies the server's certificate against the suite's CA and its name, so a wrong route fails loudly."""
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = True
    return ctx


def _connect(host: str, port: int, source: str, timeout: float) -> socket.socket:
    return socket.create_connection((host, port), timeout=timeout, source_address=(source, 0))


# imaplib and poplib take no source address: these subclasses open the socket from one.
class _SrcIMAP(imaplib.IMAP4):
    source = "127.0.0.1"

    def _create_socket(self, timeout):
        return _connect(self.host, self.port, self.source, timeout or TIMEOUT)


class _SrcPOP(poplib.POP3):
    source = "127.0.0.1"

    def _create_socket(self, timeout):
        return _connect(self.host, self.port, self.source, timeout)


def _message(sender: str, rcpt: str, subject: str) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, rcpt, subject
    m.set_content("Sent through the proxy by the Switchyard e2e suite.\n")
    return m


def smtp_swaks_starttls(host: str, port: int, source: str, rcpt: str, server_name: str) -> str:
    """Inbound mail on the port-25 service: STARTTLS, no authentication, a local recipient. Returns the transcript."""
    r = subprocess.run(["swaks", "--server", host, "--port", str(port), "--local-interface", source,
                        "--ehlo", "client.example.net", "--from", "sender@example.net", "--to", rcpt,
                        "--tls", "--tls-sni", server_name, "--timeout", "20",
                        "--header", "Subject: e2e smtp"], capture_output=True, text=True, timeout=60)
    out = r.stdout + r.stderr
    if r.returncode != 0 or "TLS started" not in out or " 250 2.0.0 Ok: queued" not in out:
        raise AssertionError(f"swaks to {host}:{port} from {source} failed (exit {r.returncode}):\n{out}")
    return out


def submission_starttls(host: str, port: int, source: str, ca: str, server_name: str, user: str, password: str,
                        rcpt: str) -> None:
    with smtplib.SMTP(host, port, source_address=(source, 0), timeout=TIMEOUT, local_hostname="client.test") as s:
        s._host = server_name  # smtplib verifies the certificate against the name given here
        s.ehlo()
        if not s.has_extn("starttls"):
            raise AssertionError("submission: STARTTLS not offered")
        s.starttls(context=tls_context(ca))
        s.ehlo()
        s.login(user, password)
        refused = s.send_message(_message(user, rcpt, "e2e submission"))
        if refused:
            raise AssertionError(f"submission: recipients refused: {refused}")


def submissions_implicit(host: str, port: int, source: str, ca: str, server_name: str, user: str, password: str,
                         rcpt: str) -> None:
    ctx = tls_context(ca)
    raw = _connect(host, port, source, TIMEOUT)
    tls = ctx.wrap_socket(raw, server_hostname=server_name)

    class _Wrapped(smtplib.SMTP):  # SMTP over a socket this suite opened (source address, SNI)
        def _get_socket(self, host, port, timeout):
            return tls

    with _Wrapped(host, port, timeout=TIMEOUT, local_hostname="client.test") as s:
        s.ehlo()
        s.login(user, password)
        refused = s.send_message(_message(user, rcpt, "e2e submissions"))
        if refused:
            raise AssertionError(f"submissions: recipients refused: {refused}")


def _imap_session(m: imaplib.IMAP4, user: str, password: str) -> None:
    m.login(user, password)
    typ, data = m.select("INBOX")
    if typ != "OK":
        raise AssertionError(f"IMAP SELECT INBOX: {typ} {data}")
    m.logout()


def imap_starttls(host: str, port: int, source: str, ca: str, server_name: str, user: str, password: str) -> None:
    m = type("I", (_SrcIMAP,), {"source": source})(host, port, timeout=TIMEOUT)
    ctx = tls_context(ca)
    # imaplib's starttls() passes self.host as server_hostname; point it at the certificate's name
    m.host = server_name
    typ, data = m.starttls(ssl_context=ctx)
    if typ != "OK":
        raise AssertionError(f"IMAP STARTTLS: {typ} {data}")
    _imap_session(m, user, password)


def imaps(host: str, port: int, source: str, ca: str, server_name: str, user: str, password: str) -> None:
    ctx = tls_context(ca)

    class _IMAPS(imaplib.IMAP4_SSL):  # connect to the proxy from `source`, present `server_name` as SNI
        def _create_socket(self, timeout):
            return ctx.wrap_socket(_connect(host, port, source, TIMEOUT), server_hostname=server_name)

    _imap_session(_IMAPS(host, port, ssl_context=ctx, timeout=TIMEOUT), user, password)


def _pop_session(p: poplib.POP3, user: str, password: str) -> None:
    p.user(user)
    p.pass_(password)
    count, _size = p.stat()
    if count < 0:
        raise AssertionError("POP3 STAT")
    p.quit()


def pop3_stls(host: str, port: int, source: str, ca: str, server_name: str, user: str, password: str) -> None:
    p = type("P", (_SrcPOP,), {"source": source})(host, port, timeout=TIMEOUT)
    p.host = server_name  # stls() verifies against self.host
    p.stls(context=tls_context(ca))
    _pop_session(p, user, password)


def pop3s(host: str, port: int, source: str, ca: str, server_name: str, user: str, password: str) -> None:
    ctx = tls_context(ca)

    class _POPS(poplib.POP3_SSL):  # connect to the proxy from `source`, present `server_name` as SNI
        def _create_socket(self, timeout):
            return ctx.wrap_socket(_connect(host, port, source, TIMEOUT), server_hostname=server_name)

    _pop_session(_POPS(host, port, context=ctx, timeout=TIMEOUT), user, password)


# ------------------------------------------------------------------------------------------------------ managesieve
class _Sieve:
    """Just enough of RFC 5804 for one session: responses end with an OK/NO/BYE line."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buf = sock, b""

    def line(self) -> str:
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError(f"ManageSieve: connection closed; got {self.buf!r}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def response(self) -> list[str]:
        lines = []
        while True:
            ln = self.line()
            lines.append(ln)
            head = ln.split(" ", 1)[0].upper()
            if head in ("OK", "NO", "BYE"):
                if head != "OK":
                    raise AssertionError(f"ManageSieve: {ln}")
                return lines

    def send(self, text: str) -> list[str]:
        self.sock.sendall(text.encode() + b"\r\n")
        return self.response()


def managesieve_starttls(host: str, port: int, source: str, ca: str, server_name: str, user: str,
                         password: str) -> None:
    raw = _connect(host, port, source, TIMEOUT)
    try:
        s = _Sieve(raw)
        caps = s.response()
        if not any('"STARTTLS"' in c for c in caps):
            raise AssertionError(f"ManageSieve: no STARTTLS in {caps}")
        s.send("STARTTLS")
        tls = tls_context(ca).wrap_socket(raw, server_hostname=server_name)
        s = _Sieve(tls)
        s.response()  # capabilities again, now over TLS (RFC 5804 2.2)
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
        s.send(f'AUTHENTICATE "PLAIN" "{token}"')
        script = 'require "fileinto";\r\nif header :contains "subject" "e2e" { fileinto "INBOX"; }\r\n'
        s.send(f'PUTSCRIPT "e2e" {{{len(script.encode())}+}}\r\n{script}')
        listing = s.send("LISTSCRIPTS")
        if not any('"e2e"' in ln for ln in listing):
            raise AssertionError(f"ManageSieve: script not listed: {listing}")
        s.send("LOGOUT")
        tls.close()
    finally:
        raw.close()


# ---------------------------------------------------------------------------------------------------- no PROXY
def expect_refused_without_proxy_header(host: str, port: int, source: str, first_bytes: bytes = b"",
                                        timeout: float = 15.0) -> bytes:
    """A client that speaks its protocol straight to a PROXY port: the server must close without greeting it.
    Returns what was received (nothing, or a rejection the server chose to send)."""
    sock = _connect(host, port, source, timeout)
    got = b""
    try:
        if first_bytes:
            sock.sendall(first_bytes)
        sock.settimeout(timeout)
        while True:
            try:
                chunk = sock.recv(4096)
            except ConnectionResetError:
                break
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        raise AssertionError(f"{host}:{port}: connection without PROXY header still open after {timeout:.0f}s; "
                             f"received {got!r}")
    finally:
        sock.close()
    for greeting in (b"220 ", b"* OK", b"+OK", b'"IMPLEMENTATION"'):
        if greeting in got:
            raise AssertionError(f"{host}:{port}: greeted a client that sent no PROXY header: {got!r}")
    return got


def proxy_v2_header(src: str, src_port: int, dst: str, dst_port: int) -> bytes:
    """A PROXY protocol v2 header (PROXY command, TCP over IPv4), as HAProxy's send-proxy-v2 writes it."""
    body = socket.inet_aton(src) + socket.inet_aton(dst) + src_port.to_bytes(2, "big") + dst_port.to_bytes(2, "big")
    return b"\r\n\r\n\x00\r\nQUIT\n" + bytes([0x21, 0x11]) + len(body).to_bytes(2, "big") + body


def forged_header_greeting(host: str, port: int, source: str, claimed: str, timeout: float = 10.0) -> bytes:
    """Connects straight to a PROXY port from `source` and claims to be proxying `claimed`. Returns the first bytes
    the server sends (b"" if it closes without a word)."""
    sock = _connect(host, port, source, timeout)
    try:
        sock.sendall(proxy_v2_header(claimed, 40000, host, port))
        sock.settimeout(timeout)
        try:
            return sock.recv(4096)
        except ConnectionResetError:
            return b""
    finally:
        sock.close()
