#!/usr/bin/env python3
"""STARTTLS routing by SNI with real daemons (issue 17): one Switchyard in front of two mail tenants, a third IMAP
server without STARTTLS and two PostgreSQL servers, all on loopback.

Two tenants, each a real Postfix + Dovecot (tests/support/mail.py, the guide's layout "proxy": every port expects
PROXY v2; port 25 is postscreen with postscreen_upstream_proxy_protocol=haproxy) with its own certificate: a.test
and b.test, from a CA made here. Postfix delivers local mail to its Dovecot over LMTP, so a message is read back from
the tenant's mailbox. One Switchyard entrypoint per protocol, with TLS-passthrough HostSNI routers to both tenants:

  submission  starttls.protocol=smtp         (587's role)
  imap        starttls.protocol=imap         (143's), plus a HostSNI(`*`) catch-all to tenant A and c.test to a
                                             Dovecot with `ssl = no` (no STARTTLS in its capabilities, PROXY too)
  pop3        starttls.protocol=pop3         (110's)
  sieve       starttls.protocol=managesieve  (4190's)
  mx          starttls.protocol=smtp with a non-TLS HostSNI(`*`) router to A's port 25: relay first
  pg          a plain entrypoint with HostSNI passthrough routers to two PostgreSQL servers (SSLRequest, as Traefik)

Checked as a user sees it: `openssl s_client -starttls smtp|imap|pop3|sieve -servername T -verify_return_error`
gets T's certificate, verified against the CA, and T's daemon logs the client's own loopback address (127.0.0.N,
bound by the client) from the PROXY header while the other tenant logs nothing of it; login (SASL on submission,
LOGIN, USER/PASS, AUTHENTICATE) and a real command work on the right tenant. Port 25: a plaintext sender (swaks)
gets Postfix's own banner through postscreen, and its message lands in A's INBOX; STARTTLS with SNI b.test is
rerouted to B (postscreen and smtpd there log the client) and lands in B's INBOX only; without SNI it stays on A.
A command pipelined behind STARTTLS is closed before any reply (587: no tenant ever hears of the client; 25: A got
EHLO only). An IMAP IDLE outlives the entrypoint's pre-TLS deadlines, which close a client silent before STARTTLS. s_client -servername
c.test gets no TLS session and no certificate (`backend_no_starttls`): Switchyard never downgrades to plaintext.
PostgreSQL: psql with sslmode=verify-full and sslsni=1 reaches the server whose certificate names the host, over TLS;
an unknown SNI is closed (`no_route`).

Runs as root (private daemons); exits 77 when a daemon or client is not installed. SY_E2E_KEEP=1 keeps the work
directory, SY_E2E_VERBOSE=1 prints tracebacks.
"""
from __future__ import annotations

import imaplib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import traceback
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mail  # noqa: E402  (tests/support, on PYTHONPATH)
import mail_clients as mc  # noqa: E402
import sy_harness as h  # noqa: E402

HOST = "127.0.0.1"
A, B = "a.test", "b.test"
C = "c.test"  # the imap entrypoint's server without STARTTLS
# entrypoint -> (starttls.protocol, openssl s_client -starttls name, the tenants' mail service behind it)
MAIL_ENTRYPOINTS = {"submission": ("smtp", "smtp", "submission"), "imap": ("imap", "imap", "imap"),
                    "pop3": ("pop3", "pop3", "pop3"), "sieve": ("managesieve", "sieve", "sieve"),
                    "mx": ("smtp", "smtp", "smtp")}
PG_VERSIONS = Path("/usr/lib/postgresql")
PG_PASSWORD = "e2e-secret"
# The imap entrypoint's pre-TLS deadlines (seconds), short so that an IDLE can outlive both within the test.
PRE_TLS_DEADLINES = {"preTLSCommandTimeout": 3, "preTLSTotalTimeout": 4}


def missing_tools() -> list[str]:
    missing = [t for t in ("postfix", "dovecot", "swaks", "openssl", "psql", "runuser") if not shutil.which(t)]
    for binary, package in (("managesieve-login", "dovecot-managesieved"), ("lmtp", "dovecot-lmtpd")):
        if not Path("/usr/lib/dovecot", binary).exists():
            missing.append(package)
    if not pg_bindir():
        missing.append("postgresql (server)")
    return missing


def pg_bindir() -> Path | None:
    found = sorted(PG_VERSIONS.glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


# ------------------------------------------------------------------------------------------------------ postgres
class Postgres:
    """A private PostgreSQL cluster (Debian's binaries, run as the postgres user): ssl=on with its own certificate,
    TLS connections only (hostssl), a name in cluster_name that a query can show."""

    def __init__(self, root: Path, name: str, port: int, cert: tuple[Path, Path]):
        self.dir, self.name, self.port, self.bindir = Path(root) / f"pg-{name}", name, port, pg_bindir()
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.started = False
        self.dir.mkdir(parents=True)
        for src, dst in zip(cert, ("server.crt", "server.key")):
            shutil.copy(src, self.dir / dst)
        (self.dir / "pw").write_text(PG_PASSWORD + "\n")
        (self.dir / "server.key").chmod(0o600)  # postgres refuses a key others may read
        for p in (self.dir, *self.dir.iterdir()):
            shutil.chown(p, "postgres")

    def _as_postgres(self, *cmd: str, timeout: float = 60) -> None:
        r = subprocess.run(["runuser", "-u", "postgres", "--", *cmd], capture_output=True, text=True,
                           timeout=timeout, cwd=self.dir)
        if r.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise mail.MailError(f"{' '.join(cmd[:2])}: exit {r.returncode}: {r.stdout}{r.stderr}{log}")

    def start(self) -> None:
        self._as_postgres(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--pwfile",
                          str(self.dir / "pw"), "-A", "scram-sha-256", "--no-sync", timeout=120)
        with open(self.data / "postgresql.conf", "a") as f:
            f.write(f"listen_addresses = '{HOST}'\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n"
                    f"cluster_name = 'tenant-{self.name}'\nssl = on\nssl_cert_file = '{self.dir / 'server.crt'}'\n"
                    f"ssl_key_file = '{self.dir / 'server.key'}'\nfsync = off\n")
        (self.data / "pg_hba.conf").write_text("local all all trust\nhostssl all all 127.0.0.0/8 scram-sha-256\n")
        self._as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                          "start", timeout=90)
        self.started = True

    def close(self) -> None:
        if self.started:
            subprocess.run(["runuser", "-u", "postgres", "--", str(self.bindir / "pg_ctl"), "-D", str(self.data),
                            "-m", "fast", "-w", "stop"], capture_output=True, timeout=60)
            self.started = False


def psql(port: int, name: str, ca: Path, query: str, sslmode: str = "verify-full") -> tuple[int, str]:
    """psql as a user runs it: the host name is what verify-full checks the certificate against (and the SNI it
    sends, sslsni=1); hostaddr spares a resolver for the .test names."""
    conn = (f"host={name} hostaddr={HOST} port={port} user=postgres dbname=postgres sslmode={sslmode} "
            f"sslrootcert={ca} sslsni=1 connect_timeout=10")
    r = subprocess.run(["psql", conn, "-XAtc", query], capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, PGPASSWORD=PG_PASSWORD))
    return r.returncode, (r.stdout + r.stderr).strip()


# ------------------------------------------------------------------------------------------------------ clients
def s_client(port: int, starttls: str, source: str, ca: Path, sni: str | None, expect: str) -> str:
    """openssl s_client -starttls, bound to `source`, verifying the certificate against the CA and the name
    `expect`; returns its output. stdin is empty: the handshake completes, then it says goodbye."""
    cmd = ["openssl", "s_client", "-connect", f"{HOST}:{port}", "-bind", f"{source}:0", "-starttls", starttls,
           "-CAfile", str(ca), "-verify_return_error", "-verify_hostname", expect]
    cmd += ["-servername", sni] if sni else ["-noservername"]
    # errors="replace": after a POP3 STLS, OpenSSL 3.0's s_client writes its greeting buffer to stderr with the
    # length of the STLS reply, so the bytes past Dovecot's shorter greeting are whatever that buffer held (CI saw
    # 0xe1 there). The output is only searched for the certificate lines.
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", timeout=30)
    out = r.stdout + r.stderr
    if r.returncode != 0 or f"subject=CN = {expect}" not in out or "Verify return code: 0 (ok)" not in out:
        raise AssertionError(f"s_client -starttls {starttls} -servername {sni} from {source}: exit {r.returncode}, "
                             f"no verified CN = {expect}:\n{out[-1500:]}")
    return out


def swaks(port: int, source: str, subject: str, tls_sni: str | None = None) -> str:
    """Inbound mail to user@a.test on port 25 as an MTA sends it: plaintext, or STARTTLS with an SNI."""
    cmd = ["swaks", "--server", HOST, "--port", str(port), "--local-interface", source, "--ehlo", "sender.example",
           "--from", "sender@example.net", "--to", mail.USER, "--header", f"Subject: {subject}", "--timeout", "30"]
    if tls_sni:
        cmd += ["--tls", "--tls-sni", tls_sni]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    out = r.stdout + r.stderr
    if r.returncode != 0 or " 250 2.0.0 Ok: queued" not in out or (tls_sni and "TLS started" not in out):
        raise AssertionError(f"swaks to {HOST}:{port} from {source} (sni {tls_sni}) failed, exit {r.returncode}:\n"
                             f"{out}")
    return out


def imap_search(port: int, source: str, ca: str, sni: str, subject: str) -> list[bytes]:
    """The INBOX's messages with this subject, read over IMAP STARTTLS through Switchyard as a mail client does."""
    m = type("I", (mc._SrcIMAP,), {"source": source})(HOST, port, timeout=mc.TIMEOUT)
    m.host = sni  # imaplib's starttls() verifies the certificate against self.host and sends it as SNI
    m.starttls(ssl_context=mc.tls_context(ca))
    m.login(mail.USER, mail.PASSWORD)
    m.select("INBOX", readonly=True)
    typ, data = m.search(None, "SUBJECT", f'"{subject}"')
    m.logout()
    if typ != "OK":
        raise AssertionError(f"IMAP SEARCH on {sni}: {typ} {data}")
    return data[0].split()


def smtp_reply(sock, buf: bytearray) -> str:
    """One whole SMTP reply (its last line is `NNN ` + text); `buf` keeps what was read beyond it."""
    lines = []
    deadline = time.monotonic() + 20
    while True:
        while b"\r\n" not in buf:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            chunk = sock.recv(4096)
            if not chunk:
                raise AssertionError(f"closed while reading a reply; got {lines} {bytes(buf)!r}")
            buf += chunk
        i = buf.index(b"\r\n")
        line = bytes(buf[:i]).decode()
        del buf[:i + 2]
        lines.append(line)
        if re.match(r"\d{3} ", line):
            return "\n".join(lines)


def pipelined_starttls(port: int, source: str) -> str:
    """The CVE-2011-0411 class: a command behind STARTTLS in one segment. Returns what the client was told before
    the close; raises if the connection stays open or a STARTTLS reply came."""
    with socket.create_connection((HOST, port), timeout=20, source_address=(source, 0)) as s:
        buf = bytearray()
        said = smtp_reply(s, buf)
        s.sendall(b"EHLO sender.example\r\n")
        said += "\n" + smtp_reply(s, buf)
        s.sendall(b"STARTTLS\r\nAUTH PLAIN AHVzZXJAYS50ZXN0AGUyZS1zZWNyZXQ=\r\n")
        rest = h.expect_closed(s, timeout=20)
    if b"220" in rest or bytes(buf):
        raise AssertionError(f"answered after a pipelined STARTTLS: {bytes(buf) + rest!r}")
    return said


# ------------------------------------------------------------------------------------------------------ the suite
class Suite:
    def __init__(self, root: Path, certs: mail.Certs, servers: dict[str, mail.MailServer], entry: dict[str, int],
                 api_port: int, no_tls: mail.Dovecot):
        self.root, self.certs, self.servers, self.entry, self.api_port = root, certs, servers, entry, api_port
        self.no_tls = no_tls
        self.ca = str(certs.ca)
        self.next_source = 5
        self.passed: list[str] = []
        self.failed: list[str] = []

    def source(self) -> str:
        """A fresh client address per check, so each log assertion can only match that check's connection."""
        ip = f"127.0.0.{self.next_source}"
        self.next_source += 1
        return ip

    def check(self, name: str, fn, *args) -> None:
        start = time.monotonic()
        try:
            fn(*args)
            self.passed.append(name)
            print(f"ok    {name} ({time.monotonic() - start:.2f}s)", flush=True)
        except Exception as e:  # report every failure, keep checking the rest
            self.failed.append(name)
            print(f"FAIL  {name}: {e}", flush=True)
            if os.environ.get("SY_E2E_VERBOSE"):
                traceback.print_exc()

    def other(self, tenant: str) -> str:
        return "b" if tenant == "a" else "a"

    # ------------------------------------------------------------------------------------------------ checks
    def certificate(self, ep: str, tenant: str, sni: str | None) -> None:
        """s_client gets the tenant's certificate; that tenant logs the client's address, the other does not."""
        _, starttls, svc = MAIL_ENTRYPOINTS[ep]
        srv, other = self.servers[tenant], self.servers[self.other(tenant)]
        ip, log, other_log = self.source(), srv.watch(svc), other.watch(svc)
        s_client(self.entry[ep], starttls, ip, self.certs.ca, sni, f"{tenant}.test")
        rx = re.escape(ip)
        if svc == "submission":
            log.wait(rf"postfix/submission/smtpd\[\d+\]: connect from \S*\[{rx}\]")
        elif svc == "smtp":
            log.wait(rf"postscreen\[\d+\]: CONNECT from \[{rx}\]:\d+")
            log.wait(rf"smtpd\[\d+\]: Anonymous TLS connection established from \S*\[{rx}\]")
        else:
            login = {"imap": "imap-login", "pop3": "pop3-login", "sieve": "managesieve-login"}[svc]
            log.wait(rf"{login}: .*rip={rx}, .*TLS")
        if svc != "smtp":  # port 25 relays first: tenant A always sees the client, until it is rerouted
            other_log.absent(rx + r"\b")

    def login(self, ep: str, tenant: str) -> None:
        """A client logs in after STARTTLS with SNI and runs a real command; the right tenant logs the login with
        the client's address."""
        _, _, svc = MAIL_ENTRYPOINTS[ep]
        name = f"{tenant}.test"
        srv, other = self.servers[tenant], self.servers[self.other(tenant)]
        ip, log, other_log = self.source(), srv.watch(svc), other.watch(svc)
        port, rx, user = self.entry[ep], re.escape(ip), re.escape(mail.USER)
        if svc == "submission":
            mc.submission_starttls(HOST, port, ip, self.ca, name, mail.USER, mail.PASSWORD, "someone@example.net")
            log.wait(rf"postfix/submission/smtpd\[\d+\]: \w+: client=\S*\[{rx}\], sasl_method=PLAIN, "
                     rf"sasl_username={user}")
        else:
            client = {"imap": mc.imap_starttls, "pop3": mc.pop3_stls, "sieve": mc.managesieve_starttls}[svc]
            client(HOST, port, ip, self.ca, name, mail.USER, mail.PASSWORD)
            login = {"imap": "imap-login", "pop3": "pop3-login", "sieve": "managesieve-login"}[svc]
            log.wait(rf"{login}: .*Login: user=<{user}>, method=PLAIN, rip={rx}, .*TLS")
        other_log.absent(rx + r"\b")

    def port25_plaintext(self) -> None:
        """A plaintext MTA: Postfix's own banner through postscreen, the client's address at postscreen and smtpd,
        the message in tenant A's INBOX."""
        a, b = self.servers["a"], self.servers["b"]
        ip, log, lmtp, other_log = self.source(), a.watch("smtp"), a.watch("imap"), b.watch("smtp")
        subject = f"port 25 plaintext {uuid.uuid4().hex[:8]}"
        out = swaks(self.entry["mx"], ip, subject)
        if not re.search(r"<-  220-a\.test ESMTP Postfix", out) or not re.search(r"<-  220 a\.test ESMTP Postfix", out):
            raise AssertionError(f"not postscreen's teaser and Postfix's banner:\n{out}")
        h.check("TLS started" not in out, "swaks stayed plaintext")
        rx = re.escape(ip)
        log.wait(rf"postscreen\[\d+\]: CONNECT from \[{rx}\]:\d+")
        log.wait(rf"postscreen\[\d+\]: PASS \w+ \[{rx}\]:\d+")
        log.wait(rf"smtpd\[\d+\]: \w+: client=\S*\[{rx}\]")
        lmtp.wait(rf"lmtp\({re.escape(mail.USER)}\).*saved mail to INBOX", timeout=30)
        found = imap_search(self.entry["imap"], self.source(), self.ca, A, subject)
        h.check(len(found) == 1, f"A's INBOX has the message once: {found}")
        other_log.absent(rx + r"\b")

    def port25_starttls_b(self) -> None:
        """STARTTLS with SNI b.test on port 25: A got the session first (relay first) and loses it after STARTTLS;
        B's postscreen and smtpd log the client's address; the message is in B's INBOX and not in A's."""
        a, b = self.servers["a"], self.servers["b"]
        ip, alog, blog, lmtp = self.source(), a.watch("smtp"), b.watch("smtp"), b.watch("imap")
        subject = f"port 25 starttls b {uuid.uuid4().hex[:8]}"
        out = swaks(self.entry["mx"], ip, subject, tls_sni=B)
        rx = re.escape(ip)
        alog.wait(rf"postscreen\[\d+\]: CONNECT from \[{rx}\]:\d+")
        alog.wait(rf"smtpd\[\d+\]: lost connection after STARTTLS from \S*\[{rx}\]")
        blog.wait(rf"postscreen\[\d+\]: CONNECT from \[{rx}\]:\d+")
        blog.wait(rf"smtpd\[\d+\]: Anonymous TLS connection established from \S*\[{rx}\]")
        blog.wait(rf"smtpd\[\d+\]: \w+: client=\S*\[{rx}\]")
        lmtp.wait(rf"lmtp\({re.escape(mail.USER)}\).*saved mail to INBOX", timeout=30)
        # What the sender saw: A's banner and EHLO in plaintext (relay first), B's EHLO inside TLS.
        h.check("<-  220 a.test ESMTP Postfix" in out and "<-  220 b.test" not in out, f"A's banner only:\n{out}")
        h.check("<~  250-b.test" in out, f"B answers the EHLO inside TLS:\n{out}")
        found_b = imap_search(self.entry["imap"], self.source(), self.ca, B, subject)
        found_a = imap_search(self.entry["imap"], self.source(), self.ca, A, subject)
        h.check(len(found_b) == 1 and not found_a, f"in B's INBOX only: b {found_b}, a {found_a}")

    def postgres(self, name: str, tenant: str) -> None:
        rc, out = psql(self.entry["pg"], name, self.certs.ca,
                       "select current_setting('cluster_name'), ssl from pg_stat_ssl where pid = pg_backend_pid()")
        h.check(rc == 0 and out == f"tenant-{tenant}|t", f"psql to {name}: exit {rc}: {out!r}")

    def metrics(self) -> str:
        with urllib.request.urlopen(f"http://{HOST}:{self.api_port}/metrics", timeout=5) as r:
            return r.read().decode()

    def ended(self, ep: str, outcome: str) -> int:
        """What /metrics counts for connections of `ep` that ended with `outcome`."""
        metrics = self.metrics()
        m = re.search(rf'^switchyard_entrypoint_connections_ended_total\{{entrypoint="{ep}",outcome="{outcome}"\}} '
                      r"(\d+)", metrics, re.M)
        return int(m.group(1)) if m else 0

    def injection_submission(self) -> None:
        """Synthesized (587): a pipelined STARTTLS is closed before any reply, and no tenant ever hears of it."""
        ip = self.source()
        logs = [srv.watch("submission") for srv in self.servers.values()]
        said = pipelined_starttls(self.entry["submission"], ip)
        h.check(said.startswith("220 edge.test ESMTP"), f"Switchyard's own greeting: {said!r}")
        h.check(self.ended("submission", "starttls_pipelining") == 1, "/metrics counts one starttls_pipelining")
        for log in logs:  # no backend connection exists before STARTTLS's ClientHello
            log.absent(re.escape(ip) + r"\b")

    def injection_port25(self) -> None:
        """Relay first (25): A served the client up to EHLO; the pipelined STARTTLS never reaches it."""
        ip, log = self.source(), self.servers["a"].watch("smtp")
        said = pipelined_starttls(self.entry["mx"], ip)
        h.check(re.search(r"^220 a\.test ESMTP Postfix", said, re.M) is not None, f"A's banner: {said!r}")
        line = log.wait(rf"smtpd\[\d+\]: disconnect from \S*\[{re.escape(ip)}\]")
        h.check("ehlo=1" in line and "starttls" not in line and "auth" not in line,
                f"A got EHLO only: {line}")
        h.check(self.ended("mx", "starttls_pipelining") == 1, "/metrics counts one starttls_pipelining")

    def idle_outlives_pre_tls_deadlines(self) -> None:
        """An IMAP IDLE after STARTTLS outlives the entrypoint's pre-TLS deadlines (3 s per command, 4 s in all here)
        and still gets the new mail's EXISTS, while a client silent before STARTTLS is closed by the first (so they
        were in force)."""
        silent = socket.create_connection((HOST, self.entry["imap"]), timeout=10, source_address=(self.source(), 0))
        h.check(h.recv_until(silent, b"\r\n", timeout=10).startswith(b"* OK [CAPABILITY"), "the pre-TLS greeting")
        m = type("I", (mc._SrcIMAP,), {"source": self.source()})(HOST, self.entry["imap"], timeout=mc.TIMEOUT)
        m.host = A
        m.starttls(ssl_context=mc.tls_context(self.ca))
        m.login(mail.USER, mail.PASSWORD)
        m.select("INBOX")
        m.send(b"I1 IDLE\r\n")
        h.check(m.readline().startswith(b"+ "), "IDLE accepted")
        # Time passing is what is tested: past preTLSTotalTimeout, nothing may end the session.
        time.sleep(max(PRE_TLS_DEADLINES.values()) + 1.5)
        swaks(self.entry["mx"], self.source(), f"during IDLE {uuid.uuid4().hex[:8]}")
        said, deadline = [], time.monotonic() + mc.TIMEOUT
        while not (said and said[-1].rstrip().endswith(b"EXISTS")):  # Dovecot may say "* OK Still here" first
            h.check(time.monotonic() < deadline and (said == [] or said[-1].startswith(b"* ")),
                    f"the new mail announced during IDLE: {said!r}")
            said.append(m.readline())  # each read bounded by the socket's timeout (mc.TIMEOUT)
        m.send(b"DONE\r\n")
        while not (line := m.readline()).startswith(b"I1 "):
            pass
        h.check(line.startswith(b"I1 OK"), f"IDLE ended: {line!r}")
        m.logout()
        h.expect_closed(silent, timeout=2)  # its deadline passed a while ago
        silent.close()
        h.check(self.ended("imap", "starttls_command_timeout") == 1,
                "/metrics counts the silent client's timeout: " + "; ".join(
                    ln for ln in self.metrics().splitlines() if 'entrypoint="imap"' in ln and "ended" in ln))

    def backend_without_starttls(self) -> None:
        """c.test's Dovecot has no STARTTLS: the client, told OK by Switchyard, sends its ClientHello and is closed
        without a byte back (no certificate, and no plaintext IMAP: never a downgrade). Dovecot did see the client
        (its address, from PROXY v2), so it was the server's capabilities that decided."""
        ip, log = self.source(), mail.LogWatch(self.no_tls.log)
        tenant_logs = [srv.watch("imap") for srv in self.servers.values()]
        # No -verify_return_error: a certificate, had one come, is printed rather than failing the handshake early.
        # -msg prints every TLS record received as `<<< `; plaintext after the OK would fail as a bad record instead
        # of the end of the connection.
        r = subprocess.run(["openssl", "s_client", "-connect", f"{HOST}:{self.entry['imap']}", "-bind", f"{ip}:0",
                            "-starttls", "imap", "-servername", C, "-CAfile", self.ca, "-msg"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
        out = r.stdout + r.stderr
        h.check(r.returncode != 0 and "no peer certificate available" in out and "BEGIN CERTIFICATE" not in out
                and "<<< " not in out and "unexpected eof while reading" in out,
                f"closed after the ClientHello, nothing received: exit {r.returncode}:\n{out[-1500:]}")
        line = log.wait(rf"imap-login: .*rip={re.escape(ip)}\b")
        h.check("TLS" not in line, f"Dovecot saw a plaintext client that never logged in: {line}")
        for tenant_log in tenant_logs:
            tenant_log.absent(re.escape(ip) + r"\b")
        h.check(self.ended("imap", "backend_no_starttls") == 1, "/metrics counts one backend_no_starttls on imap")

    def postgres_unknown_sni(self) -> None:
        # sslmode=require: no certificate check, so a refusal can only come from the routing.
        rc, out = psql(self.entry["pg"], "c.test", self.certs.ca, "select 1", sslmode="require")
        h.check(rc != 0 and "tenant-" not in out, f"an unknown SNI is closed: exit {rc}: {out!r}")
        h.check(self.ended("pg", "no_route") == 1, "/metrics counts one no_route on pg")


# ------------------------------------------------------------------------------------------------------ config
def dynamic(servers: dict[str, mail.MailServer], pg_ports: dict[str, int], no_tls_port: int) -> str:
    routers, services = [], []

    def router(name, ep, rule, service, tls=True):
        routers.append(f"    {name}:\n      entryPoints: [{ep}]\n      rule: \"{rule}\"\n      service: {service}\n"
                       + ("      tls:\n        passthrough: true\n" if tls else ""))

    def service(name, address, proxy=True):
        services.append(f"    {name}:\n      loadBalancer:\n"
                        + ("        serversTransport: pp2\n" if proxy else "")
                        + f"        servers:\n          - address: \"{address}\"\n")

    for ep, (_, _, svc) in MAIL_ENTRYPOINTS.items():
        for t, srv in servers.items():
            service(f"{ep}-{t}", f"{HOST}:{srv.ports.proxy[svc]}")
        if ep == "mx":
            # Port 25: a non-TLS catch-all makes the entrypoint relay first to A; STARTTLS with SNI b.test goes to B.
            router("mx-default", ep, "HostSNI(`*`)", "mx-a", tls=False)
            router("mx-b", ep, f"HostSNI(`{B}`)", "mx-b")
            continue
        for t in servers:
            router(f"{ep}-{t}", ep, f"HostSNI(`{t}.test`)", f"{ep}-{t}")
    router("imap-any", "imap", "HostSNI(`*`)", "imap-a")  # no SNI: the catch-all, tenant A
    service("imap-c", f"{HOST}:{no_tls_port}")  # a Dovecot with `ssl = no`: no STARTTLS to offer
    router("imap-c", "imap", f"HostSNI(`{C}`)", "imap-c")
    for t, port in pg_ports.items():
        service(f"pg-{t}", f"{HOST}:{port}", proxy=False)  # PostgreSQL reads no PROXY header
        router(f"pg-{t}", "pg", f"HostSNI(`{t}.test`)", f"pg-{t}")
    return ("tcp:\n  routers:\n" + "".join(routers) + "  services:\n" + "".join(services)
            + "  serversTransports:\n    pp2:\n      proxyProtocol:\n        version: 2\n")


def main() -> int:
    if os.geteuid() != 0:
        print("SKIP: runs private Postfix, Dovecot and PostgreSQL instances, which needs root", flush=True)
        return 77
    missing = missing_tools()
    if missing:
        print(f"SKIP: not installed: {', '.join(missing)} (scripts/install-deps.sh test installs them)", flush=True)
        return 77
    t0 = time.monotonic()
    root = mail.tempdir("sy-e2e-starttls-")
    suite = None
    try:
        with ExitStack() as stack:
            certs = mail.make_certs(root / "certs", hosts=(A, B))
            base = mail.allocate_port_block(16 + len(MAIL_ENTRYPOINTS) + 5)
            servers = {t: mail.MailServer(root, t, "proxy", base + 8 * i, certs.chain[f"{t}.test"], f"{t}.test",
                                          deliver=True) for i, t in enumerate(("a", "b"))}
            port = iter(range(base + 16, base + 16 + len(MAIL_ENTRYPOINTS) + 5))
            entry = {ep: next(port) for ep in (*MAIL_ENTRYPOINTS, "pg")}
            api_port = next(port)
            pg_ports = {t: next(port) for t in ("a", "b")}
            # IMAP only, PROXY v2 like the tenants; its certificate files are never read (ssl = no).
            no_tls = mail.Dovecot(root / "c" / "dovecot", mail.plan_ports(next(port), "proxy", services=("imap",)),
                                  certs.chain[A], services=("imap",), tls=False)
            no_tls.start()
            stack.callback(no_tls.close)
            for srv in servers.values():
                srv.start()
                stack.callback(srv.close)
            for t, p in pg_ports.items():
                pg = Postgres(root, t, p, certs.chain[f"{t}.test"])
                stack.callback(pg.close)
                pg.start()
            print(f"ok    daemons up: 2 Postfix, 3 Dovecot, 2 PostgreSQL ({time.monotonic() - t0:.1f}s)", flush=True)
            dyn = root / "dynamic.yml"
            dyn.write_text(dynamic(servers, pg_ports, no_tls.ports.proxy["imap"]))
            args = []
            for ep, p in entry.items():
                args.append(f"--entryPoints.{ep}.address={HOST}:{p}")
                if ep in MAIL_ENTRYPOINTS:
                    args += [f"--entryPoints.{ep}.starttls.protocol={MAIL_ENTRYPOINTS[ep][0]}",
                             f"--entryPoints.{ep}.starttls.hostname=edge.test"]
            args += [f"--entryPoints.imap.starttls.{k}={v}s" for k, v in PRE_TLS_DEADLINES.items()]
            args += [f"--entryPoints.traefik.address={HOST}:{api_port}", "--api.insecure=true",
                     "--metrics.prometheus=true", f"--providers.file.filename={dyn}", "--log.level=INFO"]
            sy = stack.enter_context(h.Switchyard(args, workdir=str(root)))
            sy.wait_for_log(r"configuration \d+ applied: 14 routers")
            for p in entry.values():
                sy.wait_for_port(p)
            suite = Suite(root, certs, servers, entry, api_port, no_tls)
            for ep in ("submission", "imap", "pop3", "sieve"):
                for t in ("a", "b"):
                    suite.check(f"{ep}: s_client -starttls {MAIL_ENTRYPOINTS[ep][1]} -servername {t}.test gets "
                                f"{t}.test's certificate; {t} logs the client's address", suite.certificate, ep, t,
                                f"{t}.test")
                    suite.check(f"{ep}: login after STARTTLS with SNI {t}.test on tenant {t}", suite.login, ep, t)
            suite.check("imap: s_client without SNI reaches the catch-all (a.test)", suite.certificate, "imap", "a",
                        None)
            suite.check("imap: s_client -servername c.test, a server without STARTTLS, gets no TLS session and no "
                        "certificate (backend_no_starttls)", suite.backend_without_starttls)
            suite.check("port 25: plaintext swaks gets Postfix's banner via postscreen; in A's INBOX",
                        suite.port25_plaintext)
            suite.check("port 25: STARTTLS with SNI b.test is rerouted to B; in B's INBOX only",
                        suite.port25_starttls_b)
            suite.check("port 25: s_client -starttls smtp -servername b.test gets b.test's certificate",
                        suite.certificate, "mx", "b", B)
            suite.check("port 25: s_client -starttls smtp without SNI stays on A", suite.certificate, "mx", "a", None)
            suite.check("submission: a command pipelined behind STARTTLS is closed, no tenant hears of it",
                        suite.injection_submission)
            suite.check("port 25: a command pipelined behind STARTTLS is closed, A never gets the STARTTLS",
                        suite.injection_port25)
            suite.check(f"imap: IDLE after STARTTLS outlives the pre-TLS deadlines ({PRE_TLS_DEADLINES})",
                        suite.idle_outlives_pre_tls_deadlines)
            for t in ("a", "b"):
                suite.check(f"postgres: psql sslmode=verify-full host={t}.test reaches tenant-{t} over TLS",
                            suite.postgres, f"{t}.test", t)
            suite.check("postgres: an unknown SNI is closed", suite.postgres_unknown_sni)
            bad = [ln for ln in sy.lines() if re.search(r"(?i)\b(error|critical|fatal)\b", ln)]
            suite.check("switchyard logged no errors", lambda: h.check(not bad, "\n".join(bad[:10])))
    except Exception as e:
        print(f"FAIL  setup: {e}", flush=True)
        if os.environ.get("SY_E2E_VERBOSE"):
            traceback.print_exc()
        return 1
    finally:
        if os.environ.get("SY_E2E_KEEP"):
            print(f"kept {root}", flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{len(suite.passed)} passed, {len(suite.failed)} failed in {time.monotonic() - t0:.1f}s", flush=True)
    return 1 if suite.failed else 0


if __name__ == "__main__":
    sys.exit(main())
