"""Private Postfix and Dovecot instances on loopback, configured as docker-mailserver's guide "Mail Server behind a
Proxy" does, for the end-to-end suite (tests/e2e). Python 3 stdlib only.

Each instance lives in its own temporary directory (configuration, queue, state, logs) and listens on 127.0.0.1 high
ports. Two layouts, both from the guide:

  layout="proxy"        the standard ports expect a PROXY header: Postfix's port-25 service goes through postscreen
                        with postscreen_upstream_proxy_protocol=haproxy, submission and submissions (wrapper mode)
                        use smtpd_upstream_proxy_protocol=haproxy, every Dovecot listener has `haproxy = yes`;
  layout="proxy-ports"  the standard ports stay plain for internal clients and each has a PROXY twin at port+10000
                        (the guide's 12525/10587/10465/10143/10993/...).

Postfix has no trusted-proxy setting: whoever reaches a PROXY port can claim any client address, so the ports must
only be reachable from the proxy. Dovecot checks `haproxy_trusted_networks`, set here to the proxy's 127.0.0.1 only.

Both write their own log file (Postfix: maillog_file through postlogd; Dovecot: log_path), which the tests read to
check that the mail server saw the client's address, not the proxy's.
"""
from __future__ import annotations

import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PROXY_PORT_OFFSET = 10000  # the guide's second layout: PROXY twin of port P on P + 10000

# Service name -> index in a port block; the same names are used by tests and proxies.
POSTFIX_SERVICES = ("smtp", "submission", "submissions")
DOVECOT_SERVICES = ("imap", "imaps", "pop3", "pop3s", "sieve")
MAIL_SERVICES = POSTFIX_SERVICES + DOVECOT_SERVICES
IMPLICIT_TLS = {"submissions", "imaps", "pop3s"}

USER = "user@a.test"
PASSWORD = "e2e-secret"


class MailError(RuntimeError):
    pass


# ---------------------------------------------------------------------------------------------------------- ports
def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def allocate_port_block(count: int, twin_offset: int = PROXY_PORT_OFFSET, attempts: int = 200) -> int:
    """A base port B such that B..B+count-1 and their twins at +twin_offset are free on 127.0.0.1. The base is drawn
    below the kernel's ephemeral range (32768+) so that twins stay valid ports and clients' source ports never
    collide with them."""
    rng = random.Random(os.getpid() ^ int(time.time() * 1000))
    for _ in range(attempts):
        base = rng.randrange(12000, 22000 - count)
        if all(port_is_free(base + i) and port_is_free(base + i + twin_offset) for i in range(count)):
            return base
    raise MailError(f"no free block of {count} ports (and twins at +{twin_offset}) on 127.0.0.1")


# ----------------------------------------------------------------------------------------------------------- logs
class LogWatch:
    """Reads a log file from a position on: wait() returns the first new line matching a pattern, within a
    deadline. Polling a file with a deadline is how an event written by another process is awaited here."""

    def __init__(self, path: Path, from_start: bool = False):
        self.path = Path(path)
        self.offset = 0 if from_start or not self.path.exists() else self.path.stat().st_size

    def text(self) -> str:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def wait(self, pattern: str, timeout: float = 10.0) -> str:
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for line in self.text().splitlines():
                if rx.search(line):
                    return line
            if time.monotonic() > deadline:
                tail = "\n".join(self.text().splitlines()[-15:])
                raise MailError(f"{self.path.name}: no line matching /{pattern}/ within {timeout:.0f}s; "
                                f"new lines:\n{tail}")
            time.sleep(0.05)

    def absent(self, pattern: str) -> None:
        rx = re.compile(pattern)
        for line in self.text().splitlines():
            if rx.search(line):
                raise MailError(f"{self.path.name}: unexpected line /{pattern}/: {line}")


# ---------------------------------------------------------------------------------------------------------- certs
@dataclass
class Certs:
    ca: Path
    chain: dict[str, tuple[Path, Path]] = field(default_factory=dict)  # host -> (cert, key)


def _openssl(*args: str, cwd: Path) -> None:
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise MailError(f"openssl {' '.join(args[:2])}: {r.stderr.strip()}")


def make_certs(directory: Path, hosts=("mail.a.test", "mail.b.test")) -> Certs:
    """A private CA and one leaf certificate per host (SAN = host), so that a client verifying the certificate
    against the CA proves which mail server answered."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Switchyard e2e CA",
             "-keyout", "ca.key", "-out", "ca.crt", cwd=d)
    certs = Certs(ca=d / "ca.crt")
    for host in hosts:
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={host}", "-keyout", f"{host}.key",
                 "-out", f"{host}.csr", cwd=d)
        (d / f"{host}.ext").write_text(f"subjectAltName=DNS:{host}\nextendedKeyUsage=serverAuth\n")
        _openssl("x509", "-req", "-in", f"{host}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                 "-days", "2", "-extfile", f"{host}.ext", "-out", f"{host}.crt", cwd=d)
        certs.chain[host] = (d / f"{host}.crt", d / f"{host}.key")
    for p in d.iterdir():  # Postfix and Dovecot read the keys as root before dropping privileges
        p.chmod(0o644 if p.suffix != ".key" else 0o600)
    return certs


# ---------------------------------------------------------------------------------------------------------- ports
@dataclass
class MailPorts:
    """Where a mail server listens. `proxy[svc]` expects a PROXY header (the proxy's target); `plain[svc]` does not
    (only in layout "proxy-ports", for internal clients)."""
    proxy: dict[str, int]
    plain: dict[str, int]


def plan_ports(base: int, layout: str, services=MAIL_SERVICES) -> MailPorts:
    std = {svc: base + i for i, svc in enumerate(services)}
    if layout == "proxy":
        return MailPorts(proxy=std, plain={})
    if layout == "proxy-ports":
        return MailPorts(proxy={s: p + PROXY_PORT_OFFSET for s, p in std.items()}, plain=std)
    raise ValueError(f"layout {layout!r}: expected 'proxy' or 'proxy-ports'")


def _wait_exit(proc: subprocess.Popen, timeout: float) -> None:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _prepare_dir(d: Path) -> None:
    d.mkdir(parents=True, exist_ok=True)
    d.chmod(0o755)  # the daemons' unprivileged users must traverse it


# -------------------------------------------------------------------------------------------------------- postfix
POSTFIX_MASTER_COMMON = """\
smtpd     pass  -       -       n       -       -       smtpd
dnsblog   unix  -       -       n       -       0       dnsblog
tlsproxy  unix  -       -       n       -       0       tlsproxy
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
lmtp      unix  -       -       n       -       -       lmtp
"""

# Submission services as docker-mailserver configures them: TLS required, SASL through Dovecot, relay only when
# authenticated.
SUBMISSION_OPTS = [
    "smtpd_tls_security_level=encrypt",
    "smtpd_sasl_auth_enable=yes",
    "smtpd_tls_auth_only=yes",
    "smtpd_client_restrictions=permit_sasl_authenticated,reject",
    "smtpd_relay_restrictions=permit_sasl_authenticated,reject",
]


def _service(addr: str, kind: str, proc: str, limit: str, opts: list[str]) -> str:
    line = f"{addr} inet  n       -       n       -       {limit}       {proc}\n"
    return line + "".join(f"  -o {o}\n" for o in opts)


class Postfix:
    """A private Postfix instance: `postfix -c DIR start-fg`, run as root (as on CI), stopped on close()."""

    def __init__(self, root: Path, ports: MailPorts, layout: str, cert: tuple[Path, Path], hostname: str,
                 sasl_path: Path | None, lmtp_path: Path | None = None):
        """lmtp_path: deliver local mail to Dovecot's LMTP socket there (a mailbox to read back) instead of
        discarding it."""
        self.root = Path(root)
        self.ports, self.layout, self.cert, self.hostname, self.sasl_path = ports, layout, cert, hostname, sasl_path
        self.lmtp_path = lmtp_path
        self.conf = self.root / "etc"
        self.log = self.root / "maillog"
        self.proc: subprocess.Popen | None = None

    def _master_cf(self) -> str:
        p, plain = self.ports.proxy, self.ports.plain
        sasl = [f"smtpd_sasl_type=dovecot", f"smtpd_sasl_path={self.sasl_path}"] if self.sasl_path else []
        out = []
        if self.layout == "proxy":
            # postscreen_upstream_proxy_protocol is set in main.cf, as the guide's postfix-main.cf does.
            out.append(_service(f"127.0.0.1:{p['smtp']}", "inet", "postscreen", "1", []))
        else:
            out.append(_service(f"127.0.0.1:{plain['smtp']}", "inet", "postscreen", "1", []))
            # The guide's 12525: a second postscreen; both share one cache through proxymap (main.cf below), as the
            # guide does since docker-mailserver PR #4571.
            out.append(_service(f"127.0.0.1:{p['smtp']}", "inet", "postscreen", "1", [
                "syslog_name=postfix/smtpd-proxyprotocol",
                "postscreen_upstream_proxy_protocol=haproxy"]))
        for svc, extra in (("submission", []), ("submissions", ["smtpd_tls_wrappermode=yes"])):
            opts = SUBMISSION_OPTS + extra + sasl
            if svc in plain:
                out.append(_service(f"127.0.0.1:{plain[svc]}", "inet", "smtpd", "-",
                                    [f"syslog_name=postfix/{svc}"] + opts))
            out.append(_service(f"127.0.0.1:{p[svc]}", "inet", "smtpd", "-",
                                [f"syslog_name=postfix/{svc}" + ("-proxyprotocol" if plain else ""),
                                 "smtpd_upstream_proxy_protocol=haproxy"] + opts))
        return "".join(out) + POSTFIX_MASTER_COMMON

    def _main_cf(self) -> str:
        cert, key = self.cert
        lines = {
            "compatibility_level": "3.6",
            "queue_directory": str(self.root / "queue"),
            "data_directory": str(self.root / "data"),
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": self.hostname,
            "mydomain": self.hostname.split(".", 1)[1],
            "mydestination": "$myhostname, a.test, b.test",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            # Only the host itself is trusted; the clients (127.0.0.2+) must authenticate to relay.
            "mynetworks": "127.0.0.1/32",
            "smtpd_peername_lookup": "no",  # loopback has no reverse DNS worth waiting for
            # Nothing leaves this test: every accepted message is queued, then discarded.
            "default_transport": "discard:e2e",
            "local_transport": "discard:e2e",
            "relay_transport": "discard:e2e",
            # No system alias or passwd lookups: any recipient in mydestination is accepted, then discarded.
            "alias_maps": "",
            "alias_database": "",
            "local_recipient_maps": "",
            "smtpd_tls_cert_file": str(cert),
            "smtpd_tls_key_file": str(key),
            "smtpd_tls_security_level": "may",
            "smtpd_tls_loglevel": "1",
            # Shorter than the default 6s so the suite stays quick; the pregreet test itself still runs.
            "postscreen_greet_wait": "1s",
            "maillog_file": str(self.log),
            "maillog_file_prefixes": str(self.root),
            "smtputf8_enable": "no",
            "biff": "no",
        }
        if self.lmtp_path:
            lines["local_transport"] = f"lmtp:unix:{self.lmtp_path}"
        if self.layout == "proxy":
            lines["postscreen_upstream_proxy_protocol"] = "haproxy"
        else:
            # Two postscreens (25 and its PROXY twin) share one cache through proxymap, as the guide does.
            lines["postscreen_cache_map"] = "proxy:btree:$data_directory/postscreen_cache"
        return "".join(f"{k} = {v}\n" for k, v in lines.items())

    def start(self, timeout: float = 30.0) -> None:
        _prepare_dir(self.root)
        _prepare_dir(self.conf)
        (self.conf / "main.cf").write_text(self._main_cf())
        (self.conf / "master.cf").write_text(self._master_cf())
        for d in ("queue", "data"):
            _prepare_dir(self.root / d)
        shutil.chown(self.root / "data", "postfix")
        self.log.touch()
        watch = LogWatch(self.log)
        self.proc = subprocess.Popen(["postfix", "-c", str(self.conf), "start-fg"], stdin=subprocess.DEVNULL,
                                     stdout=open(self.root / "start-fg.out", "wb"), stderr=subprocess.STDOUT)
        try:
            # master binds every inet service before it logs this line
            self._await(watch, r"postfix/master\[\d+\]: daemon started", timeout)
        except Exception:
            self.close()
            raise

    def _await(self, watch: LogWatch, pattern: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                watch.wait(pattern, timeout=0.5)
                return
            except MailError:
                if self.proc and self.proc.poll() is not None:
                    out = (self.root / "start-fg.out").read_text(errors="replace")
                    raise MailError(f"postfix exited with {self.proc.returncode}: {out}\n{watch.text()}")
                if time.monotonic() > deadline:
                    raise MailError(f"postfix did not start within {timeout:.0f}s: {watch.text()}")

    def close(self) -> None:
        if self.proc is None:
            return
        subprocess.run(["postfix", "-c", str(self.conf), "stop"], capture_output=True, timeout=30)
        _wait_exit(self.proc, 20)
        self.proc = None


# -------------------------------------------------------------------------------------------------------- dovecot
class Dovecot:
    """A private Dovecot instance (`dovecot -F -c FILE`), its listeners with `haproxy = yes`."""

    def __init__(self, root: Path, ports: MailPorts, cert: tuple[Path, Path], trusted: str = "127.0.0.1",
                 services=DOVECOT_SERVICES, lmtp: bool = False, tls: bool = True):
        """lmtp: also serve LMTP on `lmtp_socket`, for Postfix to deliver into the mailboxes. tls=False: `ssl = no`,
        so no STARTTLS in the capabilities (a server a STARTTLS proxy must refuse); plaintext services only."""
        self.root = Path(root)
        self.ports, self.cert, self.trusted, self.services, self.lmtp = ports, cert, trusted, services, lmtp
        self.tls = tls
        self.conf = self.root / "dovecot.conf"
        self.log = self.root / "dovecot.log"
        self.base = self.root / "run"
        self.sasl_socket = self.base / "auth-postfix"
        self.lmtp_socket = self.base / "lmtp-postfix"
        self.proc: subprocess.Popen | None = None

    def _listeners(self, svc_names: tuple[str, ...]) -> str:
        out = []
        for svc in svc_names:
            if svc not in self.services:
                # keep the built-in listener of that name (143, 993, ...) from binding the standard port
                out.append(f"  inet_listener {svc} {{\n    port = 0\n  }}\n")
                continue
            ssl = "yes" if svc in IMPLICIT_TLS else "no"
            # The listener keeps Dovecot's own name (imap, imaps, ...) so it replaces the built-in default on the
            # standard port; the PROXY twin of layout "proxy-ports" gets a "-proxy" suffix.
            if svc in self.ports.plain:
                out.append(f"  inet_listener {svc} {{\n    address = 127.0.0.1\n    port = {self.ports.plain[svc]}\n"
                           f"    ssl = {ssl}\n  }}\n")
                name = f"{svc}-proxy"
            else:
                name = svc
            out.append(f"  inet_listener {name} {{\n    address = 127.0.0.1\n    port = {self.ports.proxy[svc]}\n"
                       f"    ssl = {ssl}\n    haproxy = yes\n  }}\n")
        return "".join(out)

    def _dovecot_conf(self) -> str:
        cert, key = self.cert
        nobody = pwd.getpwnam("nobody")
        protocols = [p for p in ("imap", "pop3", "sieve")
                     if any(s.startswith(p) for s in self.services)] + (["lmtp"] if self.lmtp else [])
        lmtp = (f"service lmtp {{\n  unix_listener {self.lmtp_socket.name} {{\n    mode = 0666\n  }}\n}}\n"
                if self.lmtp else "")
        return f"""\
base_dir = {self.base}
state_dir = {self.root / 'state'}
instance_name = e2e-{self.root.name}
protocols = {' '.join(protocols)}
listen = 127.0.0.1
log_path = {self.log}
info_log_path = {self.log}
auth_verbose = yes
auth_mechanisms = plain login
# %r: the client's address as Dovecot sees it (from the PROXY header); the suite asserts it.
login_log_format_elements = user=<%u> method=%m rip=%r lip=%l mpid=%e %c session=<%{{session}}>
# Only the proxy may send a PROXY header: anyone else reaching a haproxy listener is refused.
haproxy_trusted_networks = {self.trusted}
haproxy_timeout = 3 secs
ssl = {'yes' if self.tls else 'no'}
ssl_cert = <{cert}
ssl_key = <{key}
mail_location = maildir:~/Maildir
first_valid_uid = {nobody.pw_uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root / 'users'}
}}
userdb {{
  driver = static
  args = uid={nobody.pw_uid} gid={nobody.pw_gid} home={self.root / 'home'}/%d/%n
}}
plugin {{
  sieve = file:~/sieve;active=~/.dovecot.sieve
}}
service imap-login {{
{self._listeners(('imap', 'imaps'))}}}
service pop3-login {{
{self._listeners(('pop3', 'pop3s'))}}}
service managesieve-login {{
{self._listeners(('sieve',))}}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
{lmtp}"""

    def start(self, timeout: float = 30.0) -> None:
        _prepare_dir(self.root)
        _prepare_dir(self.base)
        _prepare_dir(self.root / "state")
        _prepare_dir(self.root / "home")
        shutil.chown(self.root / "home", "nobody", pwd.getpwnam("nobody").pw_gid)
        (self.root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        self.conf.write_text(self._dovecot_conf())
        self.log.touch()
        watch = LogWatch(self.log)
        self.proc = subprocess.Popen(["dovecot", "-F", "-c", str(self.conf)], stdin=subprocess.DEVNULL,
                                     stdout=open(self.root / "dovecot.out", "wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            try:
                # master has bound its listeners when it logs that it is starting up
                watch.wait(r"master: .*starting up", timeout=0.5)
                return
            except MailError:
                if self.proc.poll() is not None:
                    out = (self.root / "dovecot.out").read_text(errors="replace")
                    self.proc = None
                    raise MailError(f"dovecot exited: {out}\n{watch.text()}")
                if time.monotonic() > deadline:
                    self.close()
                    raise MailError(f"dovecot did not start within {timeout:.0f}s: {watch.text()}")

    def close(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        _wait_exit(self.proc, 20)
        self.proc = None


# ---------------------------------------------------------------------------------------------------- mail server
class MailServer:
    """Postfix + Dovecot sharing a certificate and a port plan, like one docker-mailserver container.
    `postfix=False` gives a Dovecot-only server (the second server of the SNI scenario)."""

    def __init__(self, root: Path, name: str, layout: str, base_port: int, cert: tuple[Path, Path],
                 hostname: str, postfix: bool = True, deliver: bool = False):
        """deliver: Postfix delivers local mail to Dovecot over LMTP, so accepted mail can be read back over IMAP
        (otherwise it is discarded)."""
        self.name, self.layout, self.hostname = name, layout, hostname
        self.root = Path(root) / name
        self.ports = plan_ports(base_port, layout)
        self.dovecot = Dovecot(self.root / "dovecot", self.ports, cert, lmtp=deliver)
        self.postfix = Postfix(self.root / "postfix", self.ports, layout, cert, hostname, self.dovecot.sasl_socket,
                               self.dovecot.lmtp_socket if deliver else None) if postfix else None

    def __enter__(self) -> "MailServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        _prepare_dir(self.root)
        self.dovecot.start()
        try:
            if self.postfix:
                self.postfix.start()
        except Exception:
            self.dovecot.close()
            raise

    def close(self) -> None:
        try:
            if self.postfix:
                self.postfix.close()
        finally:
            self.dovecot.close()

    def log_for(self, svc: str) -> Path:
        if svc in POSTFIX_SERVICES:
            if not self.postfix:
                raise MailError(f"mail server {self.name} has no Postfix")
            return self.postfix.log
        return self.dovecot.log

    def watch(self, svc: str) -> LogWatch:
        return LogWatch(self.log_for(svc))


def unmount_under(directory: str) -> None:
    """Unmounts whatever is mounted below `directory`, deepest first (dockerd's netns bind mounts)."""
    d = os.path.realpath(directory).rstrip("/") + "/"
    with open("/proc/self/mounts") as f:
        points = [line.split()[1].replace("\\040", " ") for line in f]
    for p in sorted((p for p in points if p.startswith(d)), key=len, reverse=True):
        subprocess.run(["umount", p], capture_output=True, timeout=30)


def tempdir(prefix: str = "sy-e2e-") -> Path:
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d
