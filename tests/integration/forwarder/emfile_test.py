"""Out of file descriptors (EMFILE) through the real binary: started with a small open-file limit, the router backs
off instead of spinning, says so once, and routes again as soon as descriptors are free."""
import resource
import socket
import time

import sy_harness as h

GREETING = b"220 backend ESMTP ready\r\n"
NOFILE = 64          # the router's open-file limit; it needs about 20 for itself
CLIENTS = 150        # far more than the limit: the surplus waits in the listen backlog


# Not registered in sanitizer builds (see meson.build): out of descriptors, UBSan's vptr check, which probes memory
# through a pipe (sanitizer_common's IsAccessibleMemoryRange), reports "invalid vptr" falsely, and the report's
# demangled type name is a leak LeakSanitizer fails the run for.


def _small_nofile():
    resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))


def _mixed_config(tls_backend, plain_backend):
    # A TLS router next to a plain catch-all: a silent client is held (one descriptor, no backend dialled yet) for
    # serverFirstWait, so every held client costs the router exactly one descriptor and the limit is reached at
    # accept(). With a plain route only, each client would cost two (client and backend) and, with one descriptor
    # left, the dial would fail instead of the accept.
    return ("tcp:\n  routers:\n"
            "    tls:\n      entryPoints: [mail]\n      rule: \"HostSNI(`mail.example`)\"\n      service: tlsb\n"
            "      tls:\n        passthrough: true\n"
            "    plain:\n      entryPoints: [mail]\n      rule: \"HostSNI(`*`)\"\n      service: plainb\n"
            "  services:\n"
            "    tlsb:\n      loadBalancer:\n        servers:\n          - address: \"%s\"\n"
            "    plainb:\n      loadBalancer:\n        servers:\n          - address: \"%s\"\n"
            % (tls_backend, plain_backend))


def test_emfile_backs_off_logs_once_and_recovers():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < CLIENTS + 64:  # this test holds CLIENTS sockets itself
        if hard != resource.RLIM_INFINITY and hard < CLIENTS + 64:
            raise h.Skip("the test's own open-file limit (%d) is too small" % hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (CLIENTS + 64, hard))
    port, unused = h.free_ports(2)
    d = h.temp_dir("sy-emfile-")
    with h.Backend(greeting=GREETING) as plain:
        # Not in the log's directory: the file provider watches the whole directory, and its failed reloads (it
        # cannot open the file either while out of descriptors) would be triggered again by their own log lines.
        dynamic = h.write_file(h.temp_dir("sy-emfile-dyn-") + "/dynamic.yml",
                               _mixed_config("127.0.0.1:%d" % unused, plain.address))
        args = ["--entryPoints.mail.address=127.0.0.1:%d" % port,
                "--entryPoints.mail.serverFirstWait=60s",
                "--entryPoints.mail.transport.respondingTimeouts.readTimeout=60s",
                "--providers.file.filename=" + dynamic, "--core.threads=2", "--log.level=INFO"]
        with h.Switchyard(args, workdir=d, preexec_fn=_small_nofile) as sy:
            sy.wait_for_log(r"configuration \d+ applied: 2 routers")
            held = []
            try:
                for _ in range(CLIENTS):
                    held.append(h.connect(port, timeout=5))  # the kernel completes these, accepted or not
                sy.wait_for_log(r"cannot accept", timeout=10)

                # Exhausted now, and still retrying: it must not burn a core doing so.
                cpu0, t0 = sy.cpu_seconds(), time.monotonic()
                time.sleep(1.0)  # a measuring interval, not a synchronisation
                used, wall = sy.cpu_seconds() - cpu0, time.monotonic() - t0
                h.check(used < 0.2 * wall, "%.2fs of CPU in %.2fs while out of descriptors (spinning)" % (used, wall))
                h.check(sy.proc.poll() is None, "the router exited while out of descriptors")
            finally:
                for c in held:  # oldest first: those are the accepted ones, whose descriptors come back first
                    c.close()

            sy.wait_for_log(r"accepting again", timeout=10)

            def routed():
                with h.connect(port, timeout=5) as c:
                    c.sendall(b"EHLO client\r\n")  # not TLS: the plain router, at once
                    return h.recv_until(c, b"EHLO client\r\n", timeout=3).startswith(GREETING)

            h.check(_eventually(routed), "no connection routed after descriptors were freed; log:\n" + sy.log())
            errors = [line for line in sy.lines() if "cannot accept" in line]
            h.check(len(errors) == 1,
                    "expected one 'cannot accept' line, got %d:\n%s" % (len(errors), "\n".join(errors)))
            h.check("raise the open-file limit" in errors[0], "the line says what to do: %s" % errors[0])
            h.check(sy.stop() == 0, "exit code after SIGTERM")


def _eventually(fn, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if fn():
                return True
        except (OSError, h.TestFailure):
            pass
        time.sleep(0.05)
    return False


if __name__ == "__main__":
    h.run([test_emfile_backs_off_logs_once_and_recovers])
