"""A real single-node swarm (issue 19): the switchyard binary routes Swarm services by their deploy labels.

The test runs in a network namespace of its own (dockerd.private_network()): dockerd there gets Docker's default
bridge, which host-mode published ports need, and its iptables rules stay there. Every connection the test and the
router make goes to that namespace's loopback: to host-network tasks (they listen on it) and to host-mode published
ports (Docker's userland proxy listens on it). Overlay and bridge addresses the API shows are never dialled.

What a swarm on this machine cannot show, so this test does not: virtual-IP traffic (lbswarm) and the ingress
routing mesh (the kernel has no IPVS), and several nodes (one dockerd; a second node needs a namespace, a data root
and an image store of its own). lbswarm and dnsrr-on-overlay are covered from captured JSON by unit-providers-swarm.

refreshSeconds is 60 s, so everything seen within a few seconds came from events and the fast polls after them.
SY_SWARM_CAPTURE=<dir> also stores the manager's answers there (the unit tests' fixtures come from such a run).
"""
import json
import os
import shlex
import time
import urllib.parse
import urllib.request

import dockerd
import sy_harness as h

dockerd.require_root()
dockerd.private_network()

NC = [dockerd.BUSYBOX, "nc", "-ll", "-p"]


def banner_server(port, text):
    """A task's command: greets each connection with `text` (evaluated by sh, so $HOSTNAME works), then closes."""
    return NC + [str(port), "-e", dockerd.BUSYBOX, "sh", "-c", "echo " + text]


def service(d, name, labels, cmd, *args):
    line = ["service", "create", "-d", "--no-resolve-image", "--name", name, "--stop-grace-period", "1s"]
    for k, v in labels.items():
        line += ["--label", "%s=%s" % (k, v)]
    return d.docker(*(line + list(args) + [dockerd.IMAGE] + cmd))


def api(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        return json.loads(r.read())


def servers(api_port, name):
    try:
        s = api(api_port, "/api/tcp/services/" + urllib.parse.quote(name + "@swarm"))
    except OSError:
        return None
    return sorted(x["address"] for x in s.get("loadBalancer", {}).get("servers", []))


def wait_servers(api_port, name, pred, what, timeout=10.0, absent_is_empty=False):
    """Waits until the API shows the service's servers satisfying `pred`; returns (servers, seconds waited).
    absent_is_empty: a service the API does not show (no task left to route) counts as one with no server."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < timeout:
        last = servers(api_port, name)
        if last is None and absent_is_empty:
            last = []
        if last is not None and pred(last):
            return last, time.monotonic() - started
        time.sleep(0.05)  # the API is the observation; a configuration change has no event a client can await
    raise h.TestFailure("%s: servers of %s still %s after %.0f s" % (what, name, last, timeout))


def running_container(d, svc):
    """The container ID of `svc`'s one task that is running and meant to be."""
    _, body = d.api_get("/v1.41/tasks?filters=" + urllib.parse.quote(json.dumps(
        {"service": [svc], "desired-state": ["running"]})))
    cids = [t["Status"]["ContainerStatus"]["ContainerID"] for t in json.loads(body)
            if t["Status"]["State"] == "running"]
    h.check(len(cids) == 1, "one running %s task: %r" % (svc, cids))
    return cids[0]


def greetings(port, want, tries=60):
    """Greetings of new connections until every one in `want` was seen (bounded in count)."""
    seen = set()
    for _ in range(tries):
        g = h.greeting(port)
        if g:
            seen.add(g)
        if want <= seen:
            return seen
        if not g:
            time.sleep(0.05)
    raise h.TestFailure("port %d: wanted %s, saw %s in %d connections" % (port, sorted(want), sorted(seen), tries))


def capture(d, where):
    os.makedirs(where, exist_ok=True)
    q = lambda f: urllib.parse.quote(json.dumps(f))
    for name, path in (("services", "/services"), ("tasks", "/tasks?filters=" + q({"desired-state": ["running"]})),
                       ("tasks_all", "/tasks"), ("nodes", "/nodes"),
                       ("networks", "/networks?filters=" + q({"scope": ["swarm"]}))):
        status, body = d.api_get("/v1.41" + path)
        with open(os.path.join(where, name + ".json"), "w") as f:
            json.dump(json.loads(body), f, indent=1)


def main():
    smtp_ep, host_ep, bad_ep, hc_ep, api_port, host_port, hc_port = h.free_ports(7)
    test_started = time.monotonic()
    with dockerd.Dockerd(bridge=True) as d:
        d.docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", "127.0.0.1:2377")
        d.ensure_image()
        args = ["--entryPoints.smtp.address=127.0.0.1:%d" % smtp_ep,
                "--entryPoints.hostnet.address=127.0.0.1:%d" % host_ep,
                "--entryPoints.bad.address=127.0.0.1:%d" % bad_ep,
                "--entryPoints.hc.address=127.0.0.1:%d" % hc_ep,
                "--entryPoints.traefik.address=127.0.0.1:%d" % api_port, "--api.insecure=true",
                "--providers.swarm.endpoint=" + d.endpoint,
                "--providers.swarm.exposedByDefault=false",
                "--providers.swarm.refreshSeconds=60",
                "--providers.providersThrottleDuration=100ms",
                "--log.level=DEBUG"]
        with h.Switchyard(args) as sy:
            sy.wait_for_log(r"swarm: connected to Docker", timeout=20)

            # A service on the host network: its node's address (127.0.0.1 here) and the label's port.
            service(d, "relay", dockerd.tcp_labels("relay", host_port, "hostnet"), banner_server(host_port, "220-relay"),
                    "--network", "host")
            # Host-mode published ports, dnsrr: each task gets its own port on the node; found from the label's port.
            service(d, "mail_smtp", dockerd.tcp_labels("smtp", 2525, "smtp"), banner_server(2525, "220-$HOSTNAME"),
                    "--endpoint-mode", "dnsrr", "--publish", "mode=host,target=2525", "--hostname", "smtp-{{.Task.Slot}}")
            h.wait_greeting(host_ep, b"220-relay", timeout=20)
            h.wait_greeting(smtp_ep, b"220-smtp-1", timeout=20)
            print("host network and host-mode published port routed, %.1f s into the test"
                  % (time.monotonic() - test_started), flush=True)

            # Scale to 3: three servers, and round robin reaches every replica.
            t0 = time.monotonic()
            d.docker("service", "scale", "-d", "mail_smtp=3")
            three, _ = wait_servers(api_port, "smtp", lambda s: len(s) == 3, "scale to 3")
            greetings(smtp_ep, {b"220-smtp-1", b"220-smtp-2", b"220-smtp-3"})
            print("scale 1 -> 3: three servers in %.2f s, all three greeted: %s" % (time.monotonic() - t0, three),
                  flush=True)
            h.check(all(a.startswith("127.0.0.1:") for a in three), "published ports on the node's address: %s" % three)

            if os.environ.get("SY_SWARM_CAPTURE"):
                capture(d, os.environ["SY_SWARM_CAPTURE"])

            # Scale down: the leaving tasks' servers go within seconds (their desired state changes at once).
            t0 = time.monotonic()
            d.docker("service", "scale", "-d", "mail_smtp=1")
            one, waited = wait_servers(api_port, "smtp", lambda s: len(s) == 1, "scale to 1")
            print("scale 3 -> 1: servers removed in %.2f s (refreshSeconds is 60)" % waited, flush=True)
            h.check(waited < 5, "scale down seen within seconds")

            # A killed task: its server goes at once (the container's die event), its replacement comes.
            # The running task's container (the leaving ones may still be stopping).
            cid = running_container(d, "mail_smtp")
            t0 = time.monotonic()
            d.docker("kill", cid)
            wait_servers(api_port, "smtp", lambda s: one[0] not in s, "killed task", absent_is_empty=True)
            gone = time.monotonic() - t0  # from before `docker kill`
            replaced, back = wait_servers(api_port, "smtp", lambda s: len(s) == 1, "replacement task", timeout=15)
            print("killed task: server removed in %.2f s, replacement routed after %.2f s (%s)"
                  % (gone, time.monotonic() - t0, replaced), flush=True)
            h.check(gone < 5, "killed task removed within seconds (its replacement waits for the 5 s restart delay)")
            h.wait_greeting(smtp_ep, b"220-smtp-1", timeout=15)

            # An update replaces the task: the new one is routed, the old one is not.
            t0 = time.monotonic()
            d.docker("service", "update", "-d", "--hostname", "smtpv2-{{.Task.Slot}}", "mail_smtp")
            h.wait_greeting(smtp_ep, b"220-smtpv2-1", timeout=15)
            print("update: the new task greets %.2f s after the update" % (time.monotonic() - t0), flush=True)
            wait_servers(api_port, "smtp", lambda s: len(s) == 1 and s != replaced, "update")

            # A mislabelled service: its router is disabled with the reason; the neighbours keep working.
            bad = dockerd.tcp_labels("broken", 2600, "bad")
            del bad["traefik.tcp.services.broken.loadbalancer.server.port"]
            bad["traefik.tcp.services.one.loadbalancer.server.port"] = "2600"
            bad["traefik.tcp.services.two.loadbalancer.server.port"] = "2601"
            service(d, "broken", bad, banner_server(2600, "220-broken"), "--network", "host")
            sy.wait_for_log(r"swarm: .*Swarm service \"broken\": the router names no service", timeout=15)
            deadline = time.monotonic() + 10
            while True:
                try:
                    router = api(api_port, "/api/tcp/routers/broken@swarm")
                    break
                except OSError:
                    h.check(time.monotonic() < deadline, "the broken router is shown by the API")
                    time.sleep(0.1)
            h.check(router["status"] == "disabled", "the broken router is disabled: %s" % router)
            h.check(any("names no service" in e for e in router.get("error", [])), "with its reason: %s" % router)
            h.check(h.greeting(bad_ep) is None, "the broken router routes nothing")
            h.check(h.greeting(host_ep) == b"220-relay", "the host-network neighbour still works")
            h.check(h.greeting(smtp_ep) == b"220-smtpv2-1", "the published-port neighbour still works")

            # A failing healthcheck: the task is routed once healthy (Swarm keeps it "starting" until then). When the
            # check fails, the manager lists the task "running" until Swarm has stopped its container (2 s gossip
            # delay + the 1 s grace period: 3.2 s after the unhealthy event, measured); the container's
            # health_status event takes it out at once. The restart delay keeps the replacement (same address: host
            # network, same port) out of the window.
            service(d, "checked", dockerd.tcp_labels("checked", hc_port, "hc"),
                    ["/bin/sh", "-c", "touch /tmp/ok && exec " + shlex.join(banner_server(hc_port, "220-checked"))],
                    "--network", "host", "--health-cmd", "test -f /tmp/ok", "--health-interval", "1s",
                    "--health-retries", "1", "--health-timeout", "1s", "--restart-delay", "20s")
            address = "127.0.0.1:%d" % hc_port
            wait_servers(api_port, "checked", lambda s: s == [address], "healthy task", timeout=20)
            h.wait_greeting(hc_ep, b"220-checked", timeout=10)
            cid = running_container(d, "checked")
            t0 = time.monotonic()
            d.docker("exec", cid, "rm", "/tmp/ok")
            wait_servers(api_port, "checked", lambda s: s == [], "unhealthy task", absent_is_empty=True)
            gone = time.monotonic() - t0  # from before `docker exec ... rm`
            print("failing healthcheck: server removed %.2f s after the check's file was removed (interval 1 s, "
                  "retries 1; refreshSeconds is 60)" % gone, flush=True)
            h.check(gone < 5, "unhealthy task removed within seconds")
            h.check(h.greeting(hc_ep) is None, "the unhealthy task is not reached any more")
            sy.wait_for_log(r'swarm: task "checked.1": its container is unhealthy \(Docker event\)', timeout=5)

            # The manager goes away: the last routes stay in force (the host-network task keeps running).
            d.stop_daemon(sig=__import__("signal").SIGKILL)
            sy.wait_for_log(r"swarm: .*keeping the last configuration", timeout=15)
            h.check(h.greeting(host_ep) == b"220-relay", "routes stay while the manager is down")
            h.check(servers(api_port, "relay") == ["127.0.0.1:%d" % host_port], "and the API still shows them")
            h.check(sy.stop() == 0, "clean exit")
    print("ok in %.1f s" % (time.monotonic() - test_started))


if __name__ == "__main__":
    main()
