"""Logging never blocks a worker: switchyard's stdout is a pipe nobody reads (docker logs that stopped draining),
with the access log and debug logging on that stdout. The pipe fills after 64 KiB; connections must keep flowing,
the API must keep answering, and SIGTERM must still end the process promptly."""
import http.client
import os
import signal
import subprocess
import time

import sy_harness as h

GREETING = b"220 backend ESMTP ready\r\n"
CONNECTIONS = 3000  # ~150 bytes of access log and several debug lines each: far more than a pipe holds


def test_stalled_stdout_pipe():
    with h.greeting_backend(GREETING) as backend:
        smtp, api = h.free_ports(2)
        d = h.temp_dir("sy-stalled-")
        dyn = h.write_file(os.path.join(d, "dynamic.yml"),
                           "tcp:\n  routers:\n    smtp:\n      entryPoints: [smtp]\n      rule: \"HostSNI(`*`)\"\n"
                           "      service: mail\n  services:\n    mail:\n      loadBalancer:\n        servers:\n"
                           "          - address: \"%s\"\n" % backend.address)
        args = [h.binary(), "--entryPoints.smtp.address=127.0.0.1:%d" % smtp,
                "--entryPoints.traefik.address=127.0.0.1:%d" % api, "--ping", "--api.insecure",
                "--providers.file.filename=" + dyn, "--log.level=DEBUG", "--accessLog=true"]
        # stdout is a pipe this test never reads from.
        proc = subprocess.Popen(args, cwd=d, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        try:
            h.wait_for_port(smtp, process=proc)
            h.wait_for_port(api, process=proc)
            # The route is there once a client is greeted (the first attempts may come before the file is read).
            deadline = time.monotonic() + h.DEFAULT_TIMEOUT
            while True:
                try:
                    with h.connect(smtp, timeout=2) as s:
                        if s.recv(len(GREETING)) == GREETING:
                            break
                except OSError:
                    pass
                h.check(time.monotonic() < deadline, "no greeting through the router")
                time.sleep(0.05)  # polling for the first configuration: no event to await from outside
            t0 = time.monotonic()
            for i in range(CONNECTIONS):
                with h.connect(smtp, timeout=5) as s:
                    got = b""
                    while len(got) < len(GREETING):
                        chunk = s.recv(len(GREETING) - len(got))
                        h.check(chunk, "connection %d closed before the greeting (the worker stalled?)" % i)
                        got += chunk
                    h.check(got == GREETING, "connection %d: %r" % (i, got))
                h.check(time.monotonic() - t0 < 60, "only %d connections in 60 s: logging blocks the data path" % i)
            elapsed = time.monotonic() - t0
            conn = http.client.HTTPConnection("127.0.0.1", api, timeout=5)
            conn.request("GET", "/ping")
            h.check(conn.getresponse().status == 200, "/ping while the log pipe is full")
            conn.close()
            t1 = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(20)
            h.check(code == 0, "exit code %s" % code)
            print("%d connections in %.1f s with a stalled log pipe; exit %.1f s after SIGTERM"
                  % (CONNECTIONS, elapsed, time.monotonic() - t1))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
            proc.stdout.close()


if __name__ == "__main__":
    h.run([test_stalled_stdout_pipe])
