"""End to end: the switchyard binary routing by the labels of containers in a real dockerd (issue 7).

The backends are Python servers on loopback; the containers (network mode host) only carry the labels, so stopping
a container removes its route without killing the backend, and the test can show that an established connection
survives the removal. What is checked is what a user sees: banners through the entrypoint, connections refused
routing, errors in the log.
"""
import os
import signal
import time

import dockerd
import sy_harness as h

dockerd.require_root()


def main():
    smtp_ep, imap_ep, pop_ep, sieve_ep = h.free_ports(4)
    with dockerd.Dockerd() as d, \
            h.greeting_backend(b"220 smtp ready\r\n") as smtp, \
            h.greeting_backend(b"* OK imap-1\r\n") as imap1, \
            h.greeting_backend(b"* OK imap-2\r\n") as imap2, \
            h.greeting_backend(b"+OK pop\r\n") as pop, \
            h.greeting_backend(b"OK sieve\r\n") as sieve:
        d.ensure_image()
        args = ["--entryPoints.smtp.address=127.0.0.1:%d" % smtp_ep,
                "--entryPoints.imap.address=127.0.0.1:%d" % imap_ep,
                "--entryPoints.pop3.address=127.0.0.1:%d" % pop_ep,
                "--entryPoints.sieve.address=127.0.0.1:%d" % sieve_ep,
                "--providers.docker=true",
                "--providers.docker.endpoint=" + d.endpoint,
                "--providers.docker.exposedByDefault=false",
                "--providers.providersThrottleDuration=200ms",
                "--log.level=DEBUG"]
        with h.Switchyard(args) as sy:
            sy.wait_for_port(smtp_ep)
            sy.wait_for_log(r"connected to Docker", timeout=30)

            # A labelled container started after the router: routed.
            cid = d.run("smtp", labels=dockerd.tcp_labels("smtp", smtp.port, "smtp"))
            started = time.monotonic()
            h.wait_greeting(smtp_ep, b"220 smtp ready")
            print("container start -> routed through the binary: %.0f ms (polling every 100 ms)"
                  % ((time.monotonic() - started) * 1000), flush=True)

            # An established connection survives the removal of its route.
            c = h.connect(smtp_ep)
            h.recv_until(c, b"\r\n")
            d.docker("stop", "-t", "1", cid)
            h.wait_greeting(smtp_ep, None)
            c.sendall(b"EHLO still-here\r\n")
            h.check(h.recv_until(c, b"still-here\r\n").endswith(b"EHLO still-here\r\n"),
                    "the established connection still echoes after its route was removed")
            c.close()

            # An unhealthy container is not routed; its healthy twin is.
            d.run("pop-sick", labels=dockerd.tcp_labels("pop", pop.port, "pop3"), health_cmd="/bin/busybox false")
            deadline = time.monotonic() + 20
            while d.inspect("pop-sick")["State"]["Health"]["Status"] != "unhealthy":
                h.check(time.monotonic() < deadline, "the container never became unhealthy")
                time.sleep(0.2)  # the daemon's health check runs on its own clock
            h.check(h.greeting(pop_ep) is None, "an unhealthy container must not be routed")

            # Two replicas of one compose service share the traffic.
            for i, backend in ((1, imap1), (2, imap2)):
                d.run("mail-imap-%d" % i, labels=dockerd.tcp_labels("imap", backend.port, "imap", {
                    "com.docker.compose.project": "mail", "com.docker.compose.service": "imap"}))
            seen = set()
            deadline = time.monotonic() + 15
            while len(seen) < 2:
                h.check(time.monotonic() < deadline, "both replicas should serve; saw %s" % seen)
                g = h.greeting(imap_ep)
                if g:
                    seen.add(g)
                else:
                    time.sleep(0.1)
            h.check(seen == {b"* OK imap-1", b"* OK imap-2"}, "replicas: %s" % seen)

            # A mislabelled container: its error is in the log, the others keep working.
            mark = sy.mark()
            d.run("bad", labels={"traefik.enable": "true",
                                 "traefik.tcp.routers.bad.rule": "HostSNI(`*`)",
                                 "traefik.tcp.routers.bad.entrypoints": "sieve",
                                 "traefik.tcp.services.one.loadbalancer.server.port": str(sieve.port),
                                 "traefik.tcp.services.two.loadbalancer.server.port": str(sieve.port)})
            sy.wait_for_log(r"bad.*names no service", start=mark, timeout=15)
            h.check(h.greeting(imap_ep) in (b"* OK imap-1", b"* OK imap-2"), "imap still routed")

            # dockerd dies: routes stay. It comes back: picked up without restarting the router.
            d.run("sieve", labels=dockerd.tcp_labels("sieve", sieve.port, "sieve"))
            h.wait_greeting(sieve_ep, b"OK sieve")
            d.stop_daemon(sig=signal.SIGKILL)
            sy.wait_for_log(r"docker: .*keeping the last configuration", timeout=30)
            h.check(h.greeting(sieve_ep) == b"OK sieve", "routes stay in force while dockerd is down")
            h.check(h.greeting(imap_ep) in (b"* OK imap-1", b"* OK imap-2"), "imap stays routed while dockerd is down")
            d.start_daemon()
            sy.wait_for_log(r"connected to Docker", start=mark, timeout=60)
            d.run("smtp-again", labels=dockerd.tcp_labels("smtp2", smtp.port, "smtp"))
            h.wait_greeting(smtp_ep, b"220 smtp ready", timeout=30)
            h.check(sy.stop() == 0, "clean exit")
    print("ok")


if __name__ == "__main__":
    main()
