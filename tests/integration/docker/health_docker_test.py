"""Traefik v3.6's TCP healthCheck configured by the labels of a container in a real dockerd (issue 15):
`traefik.tcp.services.<s>.loadbalancer.healthcheck.*` (and the passivehealthcheck extension) reach the service; the
server goes DOWN in the API when its backend dies and a client is then refused, and comes back UP when it returns.

The backend is a Python server on loopback; the container (network mode host) only carries the labels."""
import json
import time
import urllib.request

import dockerd
import sy_harness as h

dockerd.require_root()


def service(api_port, name):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/api/tcp/services/%s" % (api_port, name), timeout=5) as r:
            return json.load(r)
    except OSError:
        return None


def wait_service(api_port, name, pred, within, what):
    deadline = time.monotonic() + within
    while True:
        s = service(api_port, name)
        if s is not None and pred(s):
            return s
        if time.monotonic() > deadline:
            raise h.TestFailure("%s not within %.1fs: %r" % (what, within, s))
        time.sleep(0.05)  # the API is what is observed; bounded by the deadline


def main():
    imap_ep, api_port = h.free_ports(2)
    backend = h.greeting_backend(b"* OK imap ready\r\n")
    port = backend.port
    try:
        with dockerd.Dockerd() as d:
            d.ensure_image()
            args = ["--entryPoints.imap.address=127.0.0.1:%d" % imap_ep,
                    "--entryPoints.traefik.address=127.0.0.1:%d" % api_port, "--api.insecure=true",
                    "--providers.docker=true", "--providers.docker.endpoint=" + d.endpoint,
                    "--providers.docker.exposedByDefault=false", "--providers.providersThrottleDuration=100ms",
                    "--log.level=INFO"]
            with h.Switchyard(args) as sy:
                sy.wait_for_port(api_port)
                sy.wait_for_log(r"connected to Docker", timeout=30)
                d.run("imap", labels=dockerd.tcp_labels("imap", port, "imap", extra={
                    "traefik.tcp.services.imap.loadbalancer.healthcheck.expect": "* OK",
                    "traefik.tcp.services.imap.loadbalancer.healthcheck.interval": "500ms",
                    "traefik.tcp.services.imap.loadbalancer.healthcheck.timeout": "300ms",
                    "traefik.tcp.services.imap.loadbalancer.passivehealthcheck.maxfailedattempts": "0",
                }))
                s = wait_service(api_port, "imap@docker", lambda s: s.get("serverStatus"), 15, "the labelled service")
                hc = s["loadBalancer"].get("healthCheck")
                h.check(hc == {"expect": "* OK", "interval": "500ms", "timeout": "300ms"},
                        "the labels' healthCheck as the API shows it: %r" % hc)
                h.check(s["loadBalancer"].get("passiveHealthCheck", {}).get("maxFailedAttempts") == 0,
                        "the passive extension from its label: %r" % s["loadBalancer"])
                h.check(s["status"] == "enabled" and list(s["serverStatus"].values()) == ["UP"],
                        "enabled, its server UP: %r" % s)
                h.wait_greeting(imap_ep, b"* OK imap ready")  # routed

                backend.close()
                started = time.monotonic()
                wait_service(api_port, "imap@docker", lambda s: list(s["serverStatus"].values()) == ["DOWN"],
                             0.5 + 0.3 + 1.0, "the dead backend DOWN")
                print("backend killed -> DOWN in the API after %.2fs" % (time.monotonic() - started), flush=True)
                with h.connect(imap_ep) as c:
                    h.check(h.expect_closed(c) == b"", "a client is refused while the only server is DOWN")

                backend = h.greeting_backend(b"* OK imap ready\r\n", port=port)
                wait_service(api_port, "imap@docker", lambda s: list(s["serverStatus"].values()) == ["UP"],
                             0.5 + 0.3 + 1.0, "the restarted backend UP")
                h.wait_greeting(imap_ep, b"* OK imap ready")
                h.check(any("is DOWN: health check failed" in l and "imap@docker" in l for l in sy.lines()),
                        "the DOWN transition is logged:\n" + sy.log())
    finally:
        backend.close()


if __name__ == "__main__":
    h.run([main])
