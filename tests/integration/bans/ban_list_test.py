"""The live ban list through the real binary (issue 16): a client from 127.0.0.5 is served; once the watched file
names it, its next connection is refused within 1 s and its established connection is closed, while 127.0.0.6 is
still served; an in-place write is seen like an atomic rename; an entry's expiry lifts the ban without a rewrite; a
malformed line is logged once with its number; a file that disappears keeps the last good list; the refusals are
counted as `banned` in /metrics and the API shows the active bans. The client address judged is the one after a
trusted PROXY header."""
import http.client
import json
import os
import re
import time

import sy_harness as h
from bans_support import GREETING, refused_now as _refused_now, served as _served, until as _until


def _dynamic(backend_address):
    return ("tcp:\n"
            "  routers:\n"
            "    mail:\n      entryPoints: [smtp, balanced, open]\n      rule: \"HostSNI(`*`)\"\n      service: mail\n"
            "  services:\n"
            "    mail:\n      loadBalancer:\n        servers:\n          - address: \"%s\"\n" % backend_address)


class _Router:
    def __init__(self, backend):
        self.smtp, self.balanced, self.open, self.api_port = h.free_ports(4)
        self.dir = h.temp_dir("sy-bans-")
        self.bans = os.path.join(self.dir, "bans", "banned.txt")
        os.makedirs(os.path.dirname(self.bans))
        h.write_file(self.bans, "# empty at start\n")
        dyn = h.write_file(os.path.join(self.dir, "dynamic.yml"), _dynamic(backend.address))
        args = ["--entryPoints.smtp.address=127.0.0.1:%d" % self.smtp,
                # behind a balancer on 127.0.0.1 that sends PROXY headers
                "--entryPoints.balanced.address=127.0.0.1:%d" % self.balanced,
                "--entryPoints.balanced.proxyProtocol.trustedIPs=127.0.0.1/32",
                # not in banList.entryPoints: bans do not apply there
                "--entryPoints.open.address=127.0.0.1:%d" % self.open,
                "--entryPoints.traefik.address=127.0.0.1:%d" % self.api_port, "--api.insecure", "--metrics.prometheus",
                "--providers.file.filename=" + dyn, "--banList.filename=" + self.bans,
                "--banList.entryPoints=smtp,balanced", "--log.level=DEBUG"]
        self.sy = h.Switchyard(args, workdir=self.dir)
        try:
            self.sy.wait_for_log(r"configuration \d+ applied: 1 routers")
            self.sy.wait_for_log(r"ban list: 0 entries from ")
            for p in (self.smtp, self.balanced, self.open, self.api_port):
                self.sy.wait_for_port(p)
        except BaseException:
            self.sy.close()
            raise

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.api_port, timeout=3)
        try:
            conn.request("GET", path)
            return conn.getresponse().read().decode()
        finally:
            conn.close()

    def banned_count(self, entry_point):
        m = re.search(r'^switchyard_entrypoint_connections_ended_total\{entrypoint="%s",outcome="banned"\} (\d+)'
                      % entry_point, self.get("/metrics"), re.M)
        h.check(m is not None, "no banned counter for %s in /metrics" % entry_point)
        return int(m.group(1))

    def bans_api(self):
        return json.loads(self.get("/api/switchyard/bans"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.sy.__exit__(*exc)


def _refused(port, source):
    with h.connect(port, source=(source, 0), timeout=3) as c:
        return h.expect_closed(c, timeout=3) == b""


def _served_now(port, source):
    return not _refused_now(port, source)


def test_ban_applies_live_and_expires():
    with h.Backend(greeting=GREETING) as b, _Router(b) as r:
        established = _served(r.smtp, "127.0.0.5")
        h.check(established is not None, "127.0.0.5 served before any ban")
        before = r.banned_count("smtp")

        # An atomic rename (fail2ban's action, editors) bans it: new connections refused within 1 s.
        written = time.monotonic()
        h.write_file(r.bans, "127.0.0.5 # dovecot: 5 failures\n")
        _until(lambda: _refused_now(r.smtp, "127.0.0.5"), 1.0, "127.0.0.5 refused after the ban")
        # ... and the connection it already had is closed (it was served before the ban).
        h.check(h.expect_closed(established, timeout=max(0.1, 1.0 - (time.monotonic() - written))) == b"",
                "established connection of 127.0.0.5 received data after its ban")
        established.close()
        h.check(_refused(r.smtp, "127.0.0.5"), "127.0.0.5 refused")
        h.check(_served_now(r.smtp, "127.0.0.6"), "127.0.0.6 still served")
        # Where banList.entryPoints does not apply, the same client is served.
        h.check(_served_now(r.open, "127.0.0.5"), "127.0.0.5 served on an entrypoint outside banList.entryPoints")
        r.sy.wait_for_log(r"ban list: closed \d+ open connection\(s\) of newly banned clients")
        h.check(r.banned_count("smtp") >= before + 3, "refusals and the closed connection counted as banned")
        api = r.bans_api()
        h.check(api["enabled"] and api["active"] == 1 and api["entries"] == 1, "API: %r" % api)

        # Behind the balancer, the address its PROXY header names is judged.
        with h.connect(r.balanced, source=("127.0.0.1", 0), timeout=3) as c:
            c.sendall(h.proxy_v2(("127.0.0.5", 40000), ("127.0.0.1", r.balanced)))
            h.check(h.expect_closed(c, timeout=3) == b"", "127.0.0.5 behind the balancer refused")
        with h.connect(r.balanced, source=("127.0.0.1", 0), timeout=3) as c:
            c.sendall(h.proxy_v2(("127.0.0.6", 40000), ("127.0.0.1", r.balanced)))
            h.check(h.recv_until(c, b"\r\n", timeout=3) == GREETING, "127.0.0.6 behind the balancer served")

        # An in-place write (no rename), with an expiry 2-3 s ahead and a malformed line: the expiry alone lifts the
        # ban; the malformed line is logged once with its number, not again when the file is read again.
        mark = r.sy.mark()
        expiry = int(time.time()) + 3
        with open(r.bans, "w", encoding="utf-8") as f:
            f.write("127.0.0.7\n127.0.0.5 %d\nnot-an-address\n" % expiry)
        r.sy.wait_for_log(r"line 3 skipped: \"not-an-address\" is not an IP address", start=mark)
        _until(lambda: _refused_now(r.smtp, "127.0.0.7"), 1.0, "127.0.0.7 refused after an in-place write")
        h.check(_refused(r.smtp, "127.0.0.5"), "127.0.0.5 still refused until its expiry")
        h.check(r.bans_api()["active"] == 2, "two active bans")
        lifted = _until(lambda: _served_now(r.smtp, "127.0.0.5"), 5.0, "127.0.0.5 served after its expiry")
        h.check(time.time() >= expiry, "served before its expiry (after %.2fs)" % lifted)
        h.check(r.bans_api()["active"] == 1, "one active ban after the expiry: %r" % r.bans_api())

        # The file disappears: the last good list stays (127.0.0.7 still refused); the error is logged once.
        mark = r.sy.mark()
        os.rename(r.bans, r.bans + ".gone")
        r.sy.wait_for_log(r"ban list: cannot read .*the last good list stays in force", start=mark)
        h.check(_refused(r.smtp, "127.0.0.7"), "127.0.0.7 still refused with the file gone")
        h.check("readError" in r.bans_api(), "API shows the read error")
        h.write_file(r.bans, "127.0.0.7\nnot-an-address\n")
        r.sy.wait_for_log(r"ban list: 1 entries from ", start=mark)
        skipped = [l for l in r.sy.lines()[mark:] if re.search(r"line \d+ skipped", l)]
        h.check(skipped == [], "the same malformed line was logged again: %r" % skipped)
        h.check(_served_now(r.smtp, "127.0.0.5"), "127.0.0.5 served")


if __name__ == "__main__":
    h.run([test_ban_applies_live_and_expires])
