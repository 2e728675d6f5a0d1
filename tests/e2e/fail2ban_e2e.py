#!/usr/bin/env python3
"""fail2ban bans at the router (issue 16), end to end: real Postfix and Dovecot (tests/support/mail.py, the guide's
PROXY layout) behind Switchyard, and a real fail2ban from Debian watching their own log files with Debian's
`dovecot` and `postfix[mode=auth]` filters and examples/fail2ban/'s action.

  1. 127.0.0.5 and 127.0.0.6 log in over IMAP through Switchyard;
  2. 127.0.0.5 fails IMAP logins: Dovecot logs rip=127.0.0.5 (from Switchyard's PROXY header), fail2ban's dovecot
     jail bans it through the switchyard-banlist action, which writes the ban file Switchyard watches;
  3. 127.0.0.5 is refused at the router (IMAP and submission), its open IMAP connection is closed, while 127.0.0.6
     still logs in;
  4. 127.0.0.5 fails SMTP AUTH on submission: the postfix-sasl jail bans it too (two jails, one address, one file);
  5. `fail2ban-client unban 127.0.0.5` lifts both, and 127.0.0.5 logs in again.

Runs as root (skips otherwise). Exit status 0 only if every check passed.
"""
from __future__ import annotations

import imaplib
import os
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import time
import traceback
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import mail  # noqa: E402  (tests/support, on PYTHONPATH)
import mail_clients as mc  # noqa: E402
from proxies import Router, Switchyard  # noqa: E402

HOST = "127.0.0.1"
A = "mail.a.test"
BANNED, OTHER = "127.0.0.5", "127.0.0.6"
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "fail2ban"


class Fail2ban:
    """A private fail2ban-server: Debian's filters, our action and jails, its own socket, database and log."""

    def __init__(self, root: Path, dovecot_log: Path, postfix_log: Path, banfile: Path):
        self.root = root
        self.conf = root / "etc"
        self.sock = root / "fail2ban.sock"
        self.log = root / "fail2ban.log"
        self.dovecot_log, self.postfix_log, self.banfile = dovecot_log, postfix_log, banfile
        self.proc: subprocess.Popen | None = None

    def _write_config(self) -> None:
        shutil.copytree("/etc/fail2ban/filter.d", self.conf / "filter.d")
        shutil.copytree("/etc/fail2ban/action.d", self.conf / "action.d")
        for f in ("paths-common.conf", "paths-debian.conf", "jail.conf", "fail2ban.conf"):
            shutil.copy(f"/etc/fail2ban/{f}", self.conf / f)
        shutil.copy(EXAMPLES / "switchyard-banlist.conf", self.conf / "action.d" / "switchyard-banlist.conf")
        (self.conf / "jail.d").mkdir()
        (self.conf / "fail2ban.d").mkdir()
        (self.conf / "fail2ban.local").write_text(
            f"[Definition]\nlogtarget = {self.log}\nloglevel = INFO\nsocket = {self.sock}\n"
            f"pidfile = {self.root / 'fail2ban.pid'}\ndbfile = :memory:\n")
        helper = EXAMPLES / "switchyard-banlist"
        # The shipped jail.local's settings, with this test's files; 127.0.0.1 (the proxy) is never banned, the
        # clients on 127.0.0.5/.6 can be (fail2ban's ignoreself would otherwise spare every local address).
        (self.conf / "jail.local").write_text(f"""\
[DEFAULT]
banaction = switchyard-banlist[banfile={self.banfile}, helper={helper}]
action = %(banaction)s
bantime = 10m
findtime = 10m
maxretry = 3
ignoreself = false
ignoreip = 127.0.0.1
backend = polling

[dovecot]
enabled = true
filter = dovecot
logpath = {self.dovecot_log}

[postfix-sasl]
enabled = true
filter = postfix[mode=auth]
logpath = {self.postfix_log}
""")

    def start(self, timeout: float = 30.0) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._write_config()
        self.proc = subprocess.Popen(["fail2ban-server", "-f", "-x", "-c", str(self.conf), "-s", str(self.sock),
                                      "-p", str(self.root / "fail2ban.pid")],
                                     stdin=subprocess.DEVNULL, stdout=open(self.root / "server.out", "wb"),
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"fail2ban-server exited: {(self.root / 'server.out').read_text()}")
            r = self.client("status", check=False)
            if r.returncode == 0 and "dovecot" in r.stdout and "postfix-sasl" in r.stdout:
                return
            time.sleep(0.2)
        raise RuntimeError(f"fail2ban-server not ready within {timeout:.0f}s: {self.client('status', check=False)}")

    def client(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        r = subprocess.run(["fail2ban-client", "-c", str(self.conf), "-s", str(self.sock), *args],
                           capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError(f"fail2ban-client {' '.join(args)}: {r.stdout}{r.stderr}")
        return r

    def close(self) -> None:
        if self.proc is None:
            return
        self.client("stop", check=False)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None


def _until(fn, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            got = fn()
            if got:
                return got
        except Exception as e:  # a try that fails counts as "not yet"
            last = e
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout:.0f}s (last: {last})")


class _Imap(imaplib.IMAP4):
    source = BANNED

    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout=timeout, source_address=(self.source, 0))


CA = ""  # the suite's CA certificate (set by main): Dovecot allows LOGIN only after STARTTLS


def imap_client(port: int, source: str) -> imaplib.IMAP4:
    m = type("I", (_Imap,), {"source": source})(HOST, port, timeout=10)
    m.host = A  # imaplib's starttls() checks the certificate against self.host
    typ, data = m.starttls(ssl_context=mc.tls_context(CA))
    if typ != "OK":
        raise AssertionError(f"IMAP STARTTLS: {typ} {data}")
    return m


def imap_login_ok(port: int, source: str) -> bool:
    m = imap_client(port, source)
    try:
        m.login(mail.USER, mail.PASSWORD)
        m.logout()
        return True
    finally:
        try:
            m.shutdown()
        except OSError:
            pass


def imap_login_fails(port: int, source: str) -> None:
    """One failed LOGIN, then the client disconnects (Dovecot then logs `auth failed ... rip=`)."""
    m = imap_client(port, source)
    try:
        try:
            m.login(mail.USER, "wrong-password")
        except imaplib.IMAP4.error:
            pass
        else:
            raise AssertionError("a wrong password was accepted")
        m.logout()
    finally:
        try:
            m.shutdown()
        except OSError:
            pass


def refused_at_router(port: int, source: str) -> bool:
    """The router accepts and closes at once, before any greeting."""
    with socket.create_connection((HOST, port), timeout=5, source_address=(source, 0)) as s:
        s.settimeout(5)
        try:
            return s.recv(100) == b""
        except ConnectionResetError:
            return True


def fail_until_refused(attempt, port: int, source: str, tries: int = 8) -> int:
    """Failed logins (`attempt()`) until the router refuses `source`, at most `tries`; returns how many were made.
    fail2ban may count more than one log line per attempt, so its ban can land during an attempt, which the router
    then cuts: an attempt that breaks counts only if the router refuses the next connection too."""
    for made in range(tries):
        try:
            attempt()
        except (OSError, EOFError, imaplib.IMAP4.abort):
            if refused_at_router(port, source):
                return made
            raise
    return tries


def submission_auth_fails(port: int, source: str, ca: str) -> None:
    """SMTP AUTH with a wrong password on submission (STARTTLS first, as Postfix offers AUTH only then)."""
    with smtplib.SMTP(HOST, port, source_address=(source, 0), timeout=10, local_hostname="client.test") as s:
        s._host = A  # smtplib verifies the certificate against the name given here
        s.ehlo()
        s.starttls(context=mc.tls_context(ca))
        s.ehlo()
        try:
            s.login(mail.USER, "wrong-password")
        except smtplib.SMTPAuthenticationError:
            return
        raise AssertionError("a wrong SMTP AUTH password was accepted")


def main() -> int:
    if os.geteuid() != 0:
        print("SKIP: runs private Postfix, Dovecot and fail2ban instances, which needs root", flush=True)
        return 77
    missing = [t for t in ("postfix", "dovecot", "fail2ban-server", "fail2ban-client", "openssl", "flock")
               if not shutil.which(t, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")]
    if missing:
        print(f"missing: {', '.join(missing)} (scripts/install-deps.sh test installs them)", flush=True)
        return 1
    root = mail.tempdir("sy-f2b-")
    passed, failed = [], []

    def check(name, fn, *args):
        try:
            fn(*args)
            passed.append(name)
            print(f"ok    {name}", flush=True)
        except Exception as e:
            failed.append(name)
            print(f"FAIL  {name}: {e}", flush=True)
            if os.environ.get("SY_E2E_VERBOSE"):
                traceback.print_exc()

    try:
        certs = mail.make_certs(root / "certs")
        global CA
        CA = str(certs.ca)
        base = mail.allocate_port_block(12)
        imap_port, submission_port, api_port = base + 8, base + 9, base + 10
        banfile = root / "bans" / "bans.txt"
        with ExitStack() as stack:
            srv = stack.enter_context(mail.MailServer(root, "a", "proxy", base, certs.chain[A], A))
            routers = [Router("imap", "imap", f"{HOST}:{srv.ports.proxy['imap']}"),
                       Router("submission", "submission", f"{HOST}:{srv.ports.proxy['submission']}")]
            proxy = Switchyard(root / "proxy", {"imap": imap_port, "submission": submission_port}, routers, api_port,
                               "file", extra_args=[f"--banList.filename={banfile}"])
            proxy.start()
            stack.callback(proxy.close)
            f2b = Fail2ban(root / "fail2ban", srv.log_for("imap"), srv.log_for("submission"), banfile)
            f2b.start()
            stack.callback(f2b.close)
            print(f"# work directory {root}; fail2ban watching {srv.log_for('imap')} and {srv.log_for('submission')}",
                  flush=True)

            check("both clients log in before any ban", lambda: imap_login_ok(imap_port, BANNED) and
                  imap_login_ok(imap_port, OTHER))
            held = imap_client(imap_port, BANNED)  # an open session the ban must close
            held.login(mail.USER, mail.PASSWORD)

            def dovecot_ban():
                watch = srv.watch("imap")
                fail_until_refused(lambda: imap_login_fails(imap_port, BANNED), imap_port, BANNED)
                watch.wait(rf"rip={re.escape(BANNED)}\b", timeout=10)  # Dovecot saw the client, not the proxy
                _until(lambda: BANNED in f2b.client("status", "dovecot").stdout, 20, "fail2ban's dovecot jail bans")
                _until(lambda: re.search(rf"^{re.escape(BANNED)} \d+ # fail2ban:dovecot$", banfile.read_text(), re.M),
                       5, "the action's line in the ban file")
            check("failed IMAP logins from 127.0.0.5: fail2ban's dovecot jail bans it via switchyard-banlist",
                  dovecot_ban)
            check("127.0.0.5 is refused at the router within 1 s of the ban file's change",
                  lambda: _until(lambda: refused_at_router(imap_port, BANNED), 1.5, "refused"))
            check("127.0.0.5's open IMAP session is closed", lambda: _until(
                lambda: _closed(held), 3, "the held session closed"))
            check("127.0.0.5 is refused on submission too", lambda: refused_at_router(submission_port, BANNED) or
                  _fail("served"))
            check("127.0.0.6 still logs in", lambda: imap_login_ok(imap_port, OTHER) or _fail("login failed"))

            def postfix_ban():
                # 127.0.0.5 is refused at the router by now, so the second jail's client is 127.0.0.7.
                watch = srv.watch("submission")
                fail_until_refused(lambda: submission_auth_fails(submission_port, "127.0.0.7", str(certs.ca)),
                                   submission_port, "127.0.0.7")
                watch.wait(r"\[127\.0\.0\.7\]: SASL \w+ authentication failed", timeout=10)
                _until(lambda: "127.0.0.7" in f2b.client("status", "postfix-sasl").stdout, 20,
                       "fail2ban's postfix-sasl jail bans")
                _until(lambda: refused_at_router(imap_port, "127.0.0.7"), 2, "127.0.0.7 refused at the router")
                text = banfile.read_text()
                if not re.search(rf"^{re.escape(BANNED)} \d+ # fail2ban:dovecot$", text, re.M):
                    raise AssertionError(f"the dovecot jail's line was lost by the second jail's write:\n{text}")
            check("failed SMTP AUTH from 127.0.0.7: the postfix-sasl jail bans it into the same file", postfix_ban)

            def unban():
                f2b.client("unban", BANNED)
                _until(lambda: BANNED not in banfile.read_text(), 5, "the line removed")
                _until(lambda: imap_login_ok(imap_port, BANNED), 3, "127.0.0.5 logs in again")
                if not refused_at_router(imap_port, "127.0.0.7"):
                    raise AssertionError("unbanning 127.0.0.5 lifted 127.0.0.7's ban")
            check("fail2ban-client unban 127.0.0.5 lifts its ban at the router", unban)
    except Exception as e:
        failed.append("setup")
        print(f"FAIL  setup: {e}", flush=True)
        traceback.print_exc()
    finally:
        if os.environ.get("SY_E2E_KEEP"):
            print(f"# kept {root}", flush=True)
        else:
            mail.unmount_under(str(root))
            shutil.rmtree(root, ignore_errors=True)
    print(f"{len(passed)} passed, {len(failed)} failed", flush=True)
    return 0 if not failed else 1


def _closed(m: imaplib.IMAP4) -> bool:
    try:
        m.noop()
        return False
    except (imaplib.IMAP4.abort, OSError, EOFError):
        return True


def _fail(what: str):
    raise AssertionError(what)


if __name__ == "__main__":
    sys.exit(main())
