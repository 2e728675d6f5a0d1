"""The read-only API over the real binary with a file-provider configuration: the shapes Traefik's API has for the
same configuration, 404s, 405s, HEAD, ping and `switchyard healthcheck`."""
import json
import signal
import subprocess

import sy_harness as h
from api_support import Router, request


def test_routers_services_overview_match_traefiks_shapes():
    with h.Backend() as backend, Router(backend) as r:
        smtp = r.wait_router("smtp@file")
        # Field by field what Traefik's /api/tcp/routers/{name} shows for this router (priority of the lone
        # catch-all is -1; `using` the entrypoints it is installed on; `service` as written, "mail", while the
        # service's own entry and the filters know it as "mail@file").
        expected = {"entryPoints": ["smtp"], "service": "mail", "rule": "HostSNI(`*`)", "priority": -1,
                    "status": "enabled", "using": ["smtp"], "name": "smtp@file", "provider": "file",
                    "priorityStr": "-1"}
        h.check(smtp == expected, "smtp@file: %s\nexpected %s" % (json.dumps(smtp), json.dumps(expected)))

        broken = r.get_json("/api/tcp/routers/broken@file")
        h.check(broken["status"] == "disabled", "broken@file status: %r" % broken)
        h.check(broken.get("error") and any("Host" in e for e in broken["error"]),
                "broken@file should explain the Host() rule: %r" % broken)

        routers = r.get_json("/api/tcp/routers")
        h.check([x["name"] for x in routers] == ["broken@file", "smtp@file"], "router list: %r" % routers)
        h.check([x["name"] for x in r.get_json("/api/tcp/routers?status=disabled")] == ["broken@file"],
                "status filter")
        for wanted in ("mail", "mail@file"):
            h.check([x["name"] for x in r.get_json("/api/tcp/routers?serviceName=" + wanted)] ==
                    ["broken@file", "smtp@file"], "serviceName=%s filter" % wanted)
        h.check(r.get_json("/api/rawdata")["tcpRouters"]["smtp@file"]["service"] == "mail", "rawdata: as written")

        mail = r.get_json("/api/tcp/services/mail@file")
        used_by = mail.pop("usedBy", [])
        # Traefik lists every router naming the service, sorted; whether a disabled router counts is the runtime's.
        h.check("smtp@file" in used_by and used_by == sorted(used_by), "mail@file usedBy: %r" % used_by)
        expected_service = {"loadBalancer": {"servers": [{"address": backend.address}]}, "status": "enabled",
                            "serverStatus": {backend.address: "UP"}, "name": "mail@file", "provider": "file",
                            "type": "loadbalancer"}
        h.check(mail == expected_service, "mail@file: %s\nexpected %s" % (json.dumps(mail),
                                                                          json.dumps(expected_service)))

        overview = r.get_json("/api/overview")
        h.check(overview["tcp"]["routers"] == {"total": 2, "warnings": 0, "errors": 1}, "overview: %r" % overview)
        h.check(overview["tcp"]["services"]["total"] == 1, "overview services: %r" % overview)
        h.check(overview["features"]["metrics"] == "Prometheus", "overview features: %r" % overview)
        h.check(overview.get("providers") == ["File"], "overview providers: %r" % overview)

        eps = r.get_json("/api/entrypoints")
        h.check([e["name"] for e in eps] == ["smtp", "traefik"], "entrypoints: %r" % eps)
        h.check(eps[0]["address"] == "127.0.0.1:%d" % r.smtp_port, "smtp address: %r" % eps[0])

        raw = r.get_json("/api/rawdata")
        h.check(set(raw["tcpRouters"]) == {"smtp@file", "broken@file"}, "rawdata: %r" % raw)
        h.check(r.get_json("/api/http/routers") == [], "HTTP routers must be an empty list")
        h.check(r.get_json("/api/version")["Version"], "version")


def test_errors_404_405_and_head():
    with h.Backend() as backend, Router(backend) as r:
        r.wait_router("smtp@file")
        status, headers, body = r.request("/api/tcp/routers/nope@file")
        h.check(status == 404, "unknown router: %d" % status)
        h.check(json.loads(body) == {"message": "router not found: nope@file"}, "404 body: %r" % body)
        h.check(r.request("/api/tcp/services/nope@file")[0] == 404, "unknown service")
        h.check(r.request("/api/tcp/middlewares/nope@file")[0] == 404, "unknown middleware")
        h.check(r.request("/api/entrypoints/nope")[0] == 404, "unknown entrypoint")
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            status, headers, _ = r.request("/api/tcp/routers", method)
            h.check(status == 405, "%s: %d" % (method, status))
            h.check(headers.get("Allow") == "GET, HEAD", "%s Allow: %r" % (method, headers))
        status, headers, body = r.request("/api/tcp/routers", "HEAD")
        h.check(status == 200 and body == b"", "HEAD: %d %r" % (status, body))
        _, _, get_body = r.request("/api/tcp/routers")
        h.check(headers.get("Content-Length") == str(len(get_body)), "HEAD Content-Length: %r" % headers)
        status, headers, _ = r.request("/api/tcp/routers?page=9")
        h.check(status == 400, "page beyond the end: %d" % status)


def test_ping_and_healthcheck_command():
    with h.Backend() as backend, Router(backend) as r:
        status, _, body = r.request("/ping")
        h.check((status, body) == (200, b"OK"), "ping: %d %r" % (status, body))
        ok = subprocess.run([h.binary(), "healthcheck", "--ping=true",
                             "--entryPoints.traefik.address=127.0.0.1:%d" % r.api_port],
                            capture_output=True, timeout=20)
        h.check(ok.returncode == 0, "healthcheck on a live router: %d %r" % (ok.returncode, ok.stdout))
        # The same command line the router runs with is accepted as is.
        same = subprocess.run([h.binary(), "healthcheck"] + r.sy.args, capture_output=True, timeout=20)
        h.check(same.returncode == 0, "healthcheck with the router's flags: %d %r" % (same.returncode, same.stdout))
    closed_port = h.free_port()
    down = subprocess.run([h.binary(), "healthcheck", "--ping=true",
                           "--entryPoints.traefik.address=127.0.0.1:%d" % closed_port],
                          capture_output=True, timeout=20)
    h.check(down.returncode == 1, "healthcheck with nothing listening: %d" % down.returncode)
    h.check(b"Error calling healthcheck" in down.stdout, "healthcheck error text: %r" % down.stdout)
    no_ping = subprocess.run([h.binary(), "healthcheck", "--entryPoints.traefik.address=127.0.0.1:%d" % closed_port],
                             capture_output=True, timeout=20)
    h.check(no_ping.returncode == 1 and b"please enable `ping`" in no_ping.stdout,
            "healthcheck without ping: %d %r" % (no_ping.returncode, no_ping.stdout))


def test_ping_answers_503_while_draining():
    with h.greeting_backend(b"220 hi\r\n") as backend, Router(backend, ["--log.level=INFO"]) as r:
        r.wait_router("smtp@file")
        held = h.connect(r.smtp_port)  # an open session keeps the router draining after SIGTERM
        h.check(h.recv_exactly(held, 8) == b"220 hi\r\n", "greeting through the router")
        mark = r.sy.mark()
        r.sy.send_signal(signal.SIGTERM)
        r.sy.wait_for_log("stopping", start=mark)
        status, _, body = r.request("/ping")
        h.check((status, body) == (503, b"Service Unavailable"), "ping while draining: %d %r" % (status, body))
        held.close()
        h.check(r.sy.wait_exit() == 0, "exit code after the drain")


if __name__ == "__main__":
    h.run([test_routers_services_overview_match_traefiks_shapes, test_errors_404_405_and_head,
           test_ping_and_healthcheck_command, test_ping_answers_503_while_draining])
