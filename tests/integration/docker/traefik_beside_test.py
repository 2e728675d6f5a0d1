"""examples/traefik-beside/ through a real dockerd: Switchyard started with that compose file's flags (addresses moved
to free loopback ports, the private daemon as endpoint) routes the mail container by its `switchyard.*` labels, while
the same container's `traefik.http.*` labels, and another container's `traefik.tcp.*` labels, are neither routed nor
mentioned in the log. Constraints still select containers under the prefix. The backends are loopback servers that
read the PROXY v2 header the labels ask for; the containers (network mode host) only carry the labels."""
import json
import os
import re
import time
import urllib.request

import dockerd
import sy_harness as h

dockerd.require_root()

EXAMPLE = os.path.join(os.environ.get("SY_SOURCE_ROOT", "."), "examples", "traefik-beside", "compose.yaml")


def service_block(text, name):
    """The lines of one compose service (stdlib only: the file's layout is known, two-space indents)."""
    m = re.search(r"^  %s:\n(.*?)(?=^  \S|^\S)" % re.escape(name), text, re.S | re.M)
    h.check(m, "no service %s in %s" % (name, EXAMPLE))
    return m.group(1)


def quoted_items(block, section):
    m = re.search(r"^    %s:\n((?:      .*\n|\s*#.*\n)+)" % section, block, re.M)
    h.check(m, "no %s in the service" % section)
    return re.findall(r'^      - "([^"]+)"', m.group(1), re.M)


def wait_tls_greeting(port, want, timeout=20.0):
    """TLS passthrough: a connection is routed once its ClientHello is read, then the backend greets."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with h.connect(port, timeout=2) as c:
                c.sendall(h.client_hello("mail.example.com"))
                last = h.recv_until(c, b"\r\n", timeout=2).split(b"\r\n")[0]
                if last == want:
                    return
        except (OSError, h.TestFailure):
            pass
        time.sleep(0.1)  # each try is a new connection; space them out
    raise h.TestFailure("port %d: wanted %r after a ClientHello, last got %r" % (port, want, last))


def main():
    text = open(EXAMPLE).read()
    flags = quoted_items(service_block(text, "switchyard"), "command")
    labels = dict(l.split("=", 1) for l in quoted_items(service_block(text, "mailserver"), "labels"))
    h.check("--providers.docker.labelPrefix=switchyard" in flags, "the example must use the label prefix")
    h.check(any(k.startswith("traefik.http.") for k in labels) and any(k.startswith("switchyard.tcp.") for k in labels),
            "the example's mail container carries both proxies' labels")

    entrypoints = [re.match(r"--entryPoints\.([^.]+)\.address=", f).group(1) for f in flags
                   if re.match(r"--entryPoints\.[^.]+\.address=", f)]
    ports = dict(zip(entrypoints, h.free_ports(len(entrypoints))))
    api_port = h.free_port()
    backends = {ep: h.greeting_backend(b"220 " + ep.encode() + b" ready\r\n", proxy=True) for ep in entrypoints}
    stray = h.greeting_backend(b"220 traefik-only\r\n")
    try:
        with dockerd.Dockerd() as d:
            d.ensure_image()
            args = []
            for f in flags:
                m = re.match(r"--entryPoints\.([^.]+)\.address=", f)
                args.append("--entryPoints.%s.address=127.0.0.1:%d" % (m.group(1), ports[m.group(1)]) if m else f)
            args += ["--providers.docker.endpoint=" + d.endpoint, "--providers.providersThrottleDuration=100ms",
                     "--providers.docker.constraints=Label(`switchyard.enable`,`true`) || Label(`stack`,`mail`)",
                     "--entryPoints.traefik.address=127.0.0.1:%d" % api_port, "--api.insecure=true",
                     "--log.level=DEBUG"]
            # The example's server ports become the loopback backends' ports.
            run_labels = {}
            for k, v in labels.items():
                m = re.match(r"switchyard\.tcp\.services\.([^.]+)\.loadbalancer\.server\.port$", k)
                run_labels[k] = str(backends[m.group(1)].port) if m else v
            with h.Switchyard(args) as sy:
                sy.wait_for_port(api_port)
                sy.wait_for_log(r"connected to Docker", timeout=30)
                d.run("mailserver", labels=run_labels)
                # A container labelled for Traefik's TCP routing only (what a second proxy must leave alone),
                # selected by the constraint: still nothing of it is ours.
                d.run("traefik-tcp", labels={"stack": "mail", "traefik.enable": "true",
                                             "traefik.tcp.routers.stray.rule": "HostSNI(`*`)",
                                             "traefik.tcp.routers.stray.entrypoints": "smtp",
                                             "traefik.tcp.services.stray.loadbalancer.server.port": str(stray.port)})
                for ep in entrypoints:
                    if labels.get("switchyard.tcp.routers.%s.tls.passthrough" % ep) == "true":
                        wait_tls_greeting(ports[ep], b"220 " + ep.encode() + b" ready")
                    else:
                        h.wait_greeting(ports[ep], b"220 " + ep.encode() + b" ready")
                h.check(all(c.proxy and c.proxy.get("version") == 2 for b in backends.values() for c in b.connections),
                        "every mail backend got a PROXY v2 header")
                with urllib.request.urlopen("http://127.0.0.1:%d/api/tcp/routers" % api_port, timeout=5) as r:
                    routers = json.load(r)
                h.check(sorted(r["name"] for r in routers) == sorted(e + "@docker" for e in entrypoints),
                        "only the switchyard.* routers: %r" % [r["name"] for r in routers])
                h.check(all(r["status"] == "enabled" for r in routers), "routers: %r" % routers)
                h.check(not stray.connections, "the traefik.tcp router must not be routed")
                log = sy.log()
                for unwanted in ("traefik.http", "rspamd", "stray", "HTTP/UDP", "traefik.tcp"):
                    h.check(unwanted not in log, "the log mentions %r:\n%s" % (unwanted, log))
                h.check(sy.stop() == 0, "clean exit")
    finally:
        for b in list(backends.values()) + [stray]:
            b.close()
    print("ok")


if __name__ == "__main__":
    main()
