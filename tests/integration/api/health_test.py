"""Server health through the binary (issue 15): Traefik v3.6's TCP healthCheck takes a killed server out of round
robin within one interval and brings it back once it answers again; the API's serverStatus, /metrics' server-up gauge
and the log say so; with every server DOWN a connection is refused as `no_healthy_server`. Passive health: 1,000
connections while one of two backends is killed and restarted, none failed."""
import os
import time

import sy_harness as h
from api_support import Router, wait_line_for_port

INTERVAL = 0.5  # healthCheck.interval of the active test
TIMEOUT = 0.3   # healthCheck.timeout

# One router to a two-server service; each test adds its health settings under loadBalancer.
TWO_SERVERS = """\
tcp:
  routers:
    smtp:
      entryPoints: [smtp]
      rule: "HostSNI(`*`)"
      service: mail
  services:
    mail:
      loadBalancer:
        servers:
          - address: "{a}"
          - address: "{b}"
"""

ACTIVE = TWO_SERVERS + """\
        passiveHealthCheck:
          maxFailedAttempts: 0
        healthCheck:
          expect: "220"
          interval: 500ms
          timeout: 300ms
"""

PASSIVE = TWO_SERVERS + """\
        passiveHealthCheck:
          maxFailedAttempts: {attempts}
          failureWindow: 1s
"""


def tag_of(port):
    """The greeting a connection through the router gets (which backend it reached), or None when it was closed."""
    g = h.greeting(port, timeout=2.0)
    return g.decode() if g else None


def status_of(r):
    return r.get_json("/api/tcp/services/mail@file").get("serverStatus", {})


def wait_status(r, address, want, within):
    """Polls the API until `address` shows `want`; returns the seconds it took. Fails after `within` seconds."""
    start = time.monotonic()
    while True:
        got = status_of(r).get(address)
        if got == want:
            return time.monotonic() - start
        if time.monotonic() - start > within:
            raise h.TestFailure("%s is %r after %.2fs, expected %s; log:\n%s"
                                % (address, got, within, want, r.sy.log()))
        time.sleep(0.02)  # the API is the thing observed; bounded by `within`


def test_active_check_takes_a_killed_server_out_and_back():
    a = h.greeting_backend(b"220 a\r\n")
    b = h.greeting_backend(b"220 b\r\n")
    b_port = b.port
    log_dir = h.temp_dir("sy-health-")
    access = os.path.join(log_dir, "access.log")
    dynamic = ACTIVE.format(a=a.address, b=b.address)
    try:
        with Router(a, ["--accessLog=true", "--accessLog.filePath=" + access, "--accessLog.format=json",
                        "--log.level=INFO"], dynamic=dynamic) as r:
            r.wait_router("smtp@file")
            h.check(status_of(r) == {a.address: "UP", b.address: "UP"}, "both UP at first: %r" % status_of(r))
            seen = {tag_of(r.smtp_port) for _ in range(4)}
            h.check(seen == {"220 a", "220 b"}, "round robin over both: %r" % seen)

            b.close()  # killed: its port refuses
            took = wait_status(r, b.address, "DOWN", within=INTERVAL + TIMEOUT + 0.5)
            print("killed server DOWN in the API after %.2fs (interval %.1fs)" % (took, INTERVAL), flush=True)
            m = r.metrics()
            h.check(m.get(("traefik_tcp_service_server_up", 'service="mail@file",server="%s"' % b.address)) == 0,
                    "server-up gauge of the killed server")
            h.check(m.get(("traefik_tcp_service_server_up", 'service="mail@file",server="%s"' % a.address)) == 1,
                    "server-up gauge of the live one")
            failures = 'service="mail@file",server="%s"' % b.address
            before = m.get(("traefik_tcp_service_server_connect_failures_total", failures), 0)
            tags = [tag_of(r.smtp_port) for _ in range(20)]
            h.check(tags == ["220 a"] * 20, "every new connection goes to the live server: %r" % tags)
            after = r.metrics().get(("traefik_tcp_service_server_connect_failures_total", failures), 0)
            h.check(after == before, "no dial to the DOWN server (%d failures, then %d)" % (before, after))
            # The log is written by a thread of its own: wait for the line, then count.
            r.sy.wait_for_log(r"is DOWN: health check failed", timeout=5)
            h.check(sum("is DOWN: health check failed" in l for l in r.sy.lines()) == 1,
                    "one log line for the transition:\n%s" % r.sy.log())
            down_line = next(l for l in r.sy.lines() if "is DOWN" in l)
            h.check(b.address in down_line and "mail@file" in down_line and "connecting to" in down_line,
                    "the line names server, service and reason: %s" % down_line)

            b = h.greeting_backend(b"220 b\r\n", port=b_port)  # restarted on the same port
            took = wait_status(r, b.address, "UP", within=INTERVAL + TIMEOUT + 0.5)
            print("restarted server UP in the API after %.2fs" % took, flush=True)
            seen = {tag_of(r.smtp_port) for _ in range(4)}
            h.check(seen == {"220 a", "220 b"}, "back in round robin: %r" % seen)
            r.sy.wait_for_log(r"is UP: health check passed", timeout=5)

            # Every server DOWN: refused, and the outcome says why in the access log, /metrics and the API.
            a.close()
            b.close()
            wait_status(r, a.address, "DOWN", within=INTERVAL + TIMEOUT + 0.5)
            wait_status(r, b.address, "DOWN", within=INTERVAL + TIMEOUT + 0.5)
            with h.connect(r.smtp_port) as s:
                h.expect_closed(s)
                port = s.getsockname()[1]
            rec = wait_line_for_port(access, port, port_of=lambda x: x["ClientPort"])
            h.check(rec["End"] == "no_healthy_server", "access log: %r" % rec)
            r.wait_metric("switchyard_entrypoint_connections_ended_total",
                          'entrypoint="smtp",outcome="no_healthy_server"', lambda v: v >= 1)
            refusals = r.get_json("/api/switchyard/activity")["refusals"]
            h.check(refusals and refusals[0]["outcome"] == "no_healthy_server", "API refusals: %r" % refusals[:1])
    finally:
        a.close()
        b.close()


def run_passive(attempts, count, kill_at, restart_at, deadline_s, extra_args=(), logged=()):
    """`count` connections one after another through a two-server service; the second backend is killed before
    connection `kill_at` and restarted before `restart_at`. Returns (failed, seconds until the restarted backend
    greeted a client again or None). Each pattern of `logged` must then appear in the router's log within 5 s."""
    a = h.greeting_backend(b"220 a\r\n")
    b = h.greeting_backend(b"220 b\r\n")
    b_port = b.port
    dynamic = PASSIVE.format(a=a.address, b=b.address, attempts=attempts)
    failed = 0
    try:
        with Router(a, ["--log.level=INFO"] + list(extra_args), dynamic=dynamic) as r:
            r.wait_router("smtp@file")
            deadline = time.monotonic() + deadline_s
            back = None
            for i in range(count):
                h.check(time.monotonic() < deadline, "%d connections not made within %ds" % (count, deadline_s))
                if i == kill_at:
                    b.close()
                if i == restart_at:
                    b = h.greeting_backend(b"220 b\r\n", port=b_port)
                    restarted = time.monotonic()
                tag = tag_of(r.smtp_port)
                if tag is None:
                    failed += 1
                elif i >= restart_at and tag == "220 b" and back is None:
                    back = time.monotonic() - restarted
            # The restarted server returns with its first trial dial, one failureWindow (1s) after the last
            # failure: go on connecting (bounded) until it greets.
            while restart_at < count and back is None and time.monotonic() < deadline:
                if tag_of(r.smtp_port) == "220 b":
                    back = time.monotonic() - restarted
            for pattern in logged:
                r.sy.wait_for_log(pattern, timeout=5)
            return failed, back
    finally:
        a.close()
        b.close()


def test_passive_health_1000_connections_none_failed():
    started = time.monotonic()
    failed, back = run_passive(attempts=1, count=1000, kill_at=200, restart_at=600, deadline_s=15,
                               logged=[r"is DOWN: 1 failed dial in a row \(passive health\)",
                                       r"is UP: a dial succeeded \(passive health\)"])
    print("passive health: 1000 connections, backend killed at 200 and restarted at 600: %d failed (%.1fs); "
          "restarted backend used again after %s s" % (failed, time.monotonic() - started,
                                                      "%.2f" % back if back is not None else "never"), flush=True)
    h.check(failed == 0, "%d of 1000 connections failed" % failed)
    h.check(back is not None, "the restarted server is never used again")


def test_passive_health_off_is_traefiks_behaviour():
    # maxFailedAttempts 0: no retry on the other server, so a client whose dial goes to the dead one is closed.
    failed, _ = run_passive(attempts=0, count=10, kill_at=0, restart_at=10, deadline_s=10,
                            extra_args=["--core.threads=1"])
    h.check(failed == 5, "%d of 10 failed: round robin sends every other one to the dead server" % failed)


if __name__ == "__main__":
    h.run([test_active_check_takes_a_killed_server_out_and_back, test_passive_health_1000_connections_none_failed,
           test_passive_health_off_is_traefiks_behaviour])
