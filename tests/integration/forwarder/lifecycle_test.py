"""transport.lifeCycle through the real binary: on SIGTERM an entrypoint keeps accepting for
requestAcceptGraceTimeout (while /ping already answers 503, so a balancer in front takes us out of rotation), then
refuses new connections, and open connections get graceTimeOut more before they are closed (Traefik's order)."""
import http.client
import os
import signal
import time

import sy_harness as h

GREETING = b"220 backend ESMTP ready\r\n"


def _ping(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        conn.request("GET", "/ping")
        return conn.getresponse().status
    finally:
        conn.close()


def _dynamic_file(backend_address):
    """A file-provider configuration routing the `smtp` entrypoint to one backend (kept outside the log's folder)."""
    return h.write_file(os.path.join(h.temp_dir("sy-life-dyn-"), "dynamic.yml"),
                        "tcp:\n  routers:\n    smtp:\n      entryPoints: [smtp]\n      rule: \"HostSNI(`*`)\"\n"
                        "      service: smtp\n  services:\n    smtp:\n      loadBalancer:\n        servers:\n"
                        "          - address: \"%s\"\n" % backend_address)


def _stop_and_wait(sy):
    """SIGTERM, and the moment (a little after it, the log being polled) the router says it is stopping."""
    mark = sy.mark()
    sy.send_signal(signal.SIGTERM)
    sy.wait_for_log(r"signal 15: stopping", start=mark)
    return time.monotonic()


def test_request_accept_grace_then_grace_timeout():
    port, ping_port = h.free_ports(2)
    with h.Backend(greeting=GREETING) as b:
        dyn = _dynamic_file(b.address)
        args = ["--entryPoints.smtp.address=127.0.0.1:%d" % port,
                "--entryPoints.smtp.transport.lifeCycle.requestAcceptGraceTimeout=1s",
                "--entryPoints.smtp.transport.lifeCycle.graceTimeOut=1s",
                "--entryPoints.traefik.address=127.0.0.1:%d" % ping_port, "--ping",
                "--providers.file.filename=" + dyn, "--log.level=INFO"]
        with h.Switchyard(args, workdir=h.temp_dir("sy-life-")) as sy:
            sy.wait_for_log(r"configuration \d+ applied: 1 routers")
            sy.wait_for_port(port)
            h.check(_ping(ping_port) == 200, "/ping before SIGTERM")
            before = h.connect(port)
            h.check(h.recv_until(before, b"\r\n") == GREETING, "greeting before SIGTERM")

            t0 = _stop_and_wait(sy)  # late by the log's polling (slower under sanitizers): the bounds allow for it

            time.sleep(0.3)  # the point of the test: a client 300 ms into requestAcceptGraceTimeout
            during = h.connect(port)
            h.check(h.recv_until(during, b"\r\n", timeout=3) == GREETING,
                    "a connection 300 ms after SIGTERM is routed (requestAcceptGraceTimeout=1s)")
            h.check(_ping(ping_port) == 503, "/ping answers 503 while draining")

            deadline = time.monotonic() + 5
            while not h.refused(port):
                h.check(time.monotonic() < deadline, "still accepting 5s after SIGTERM; log:\n" + sy.log())
                time.sleep(0.02)  # polling from outside: the listener's close is no event we can await
            refused_after = time.monotonic() - t0
            h.check(0.3 <= refused_after < 2.5, "new connections refused %.2fs after SIGTERM (expected ~1s)"
                    % refused_after)

            # graceTimeOut starts when accepting stops: both connections still work now...
            for c in (before, during):
                c.sendall(b"NOOP\r\n")
                h.check(h.recv_until(c, b"NOOP\r\n", timeout=3).endswith(b"NOOP\r\n"), "open connection served")
            # ...and are closed once it is over (1s + 1s after SIGTERM).
            h.expect_closed(before, timeout=5)
            closed_after = time.monotonic() - t0
            h.check(1.0 <= closed_after < 4.5, "open connection closed %.2fs after SIGTERM (expected ~2s)"
                    % closed_after)
            h.expect_closed(during, timeout=2)
            before.close()
            during.close()
            h.check(sy.wait_exit(timeout=8) == 0, "exit code")


def test_without_request_accept_grace_refuses_at_once():
    """The default (0): new connections are refused as soon as the signal is handled."""
    port = h.free_port()
    with h.Backend(greeting=GREETING) as b:
        dyn = _dynamic_file(b.address)
        args = ["--entryPoints.smtp.address=127.0.0.1:%d" % port,
                "--entryPoints.smtp.transport.lifeCycle.graceTimeOut=5s", "--providers.file.filename=" + dyn,
                "--log.level=INFO"]
        with h.Switchyard(args, workdir=h.temp_dir("sy-life-")) as sy:
            sy.wait_for_log(r"configuration \d+ applied: 1 routers")
            sy.wait_for_port(port)
            held = h.connect(port)
            h.check(h.recv_until(held, b"\r\n") == GREETING, "greeting")
            t0 = _stop_and_wait(sy)
            while not h.refused(port):
                h.check(time.monotonic() - t0 < 2, "still accepting 2s after SIGTERM")
                time.sleep(0.02)
            h.check(time.monotonic() - t0 < 0.5, "refused only %.2fs after SIGTERM" % (time.monotonic() - t0))
            held.close()
            h.check(sy.wait_exit(timeout=8) == 0, "exit code")


if __name__ == "__main__":
    h.run([
        test_request_accept_grace_then_grace_timeout,
        test_without_request_accept_grace_refuses_at_once,
    ])
