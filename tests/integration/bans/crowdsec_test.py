"""The CrowdSec bouncer through the real binary (issue 16), against a real CrowdSec Local API (Debian's crowdsec,
started here with its own config directory, LAPI on a free loopback port, SQLite, no agent, no Central API):

  1. `cscli bouncers add` gives the key Switchyard reads from banList.crowdsec.apiKeyFile; 127.0.0.5 is served;
  2. `cscli decisions add --ip 127.0.0.5`: its next connection is refused and its established one closed, while
     127.0.0.6 is served; a `--range` decision refuses the range; the API shows the decisions;
  3. the LAPI stops: the decisions stay in force and the API names the error; it starts again and is pulled again;
  4. `cscli decisions delete --ip 127.0.0.5`: 127.0.0.5 is served again, the range still refused.
Skipped (77) when crowdsec is not installed."""
import http.client
import json
import os

import crowdsec
import sy_harness as h
from bans_support import GREETING, refused_now as _refused_now, served as _served, until as _until


def _api(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        conn.request("GET", "/api/switchyard/bans")
        return json.loads(conn.getresponse().read().decode())
    finally:
        conn.close()


def test_crowdsec_decisions_ban_at_the_router():
    lapi_port, smtp, api_port = h.free_ports(3)
    work = h.temp_dir("sy-crowdsec-test-")
    with crowdsec.LocalApi(lapi_port, root=os.path.join(work, "crowdsec")) as lapi, \
            h.Backend(greeting=GREETING) as backend:
        key_file = h.write_file(os.path.join(work, "bouncer.key"), lapi.add_bouncer("switchyard") + "\n")
        dyn = h.write_file(os.path.join(work, "dynamic.yml"),
                           "tcp:\n  routers:\n    mail:\n      entryPoints: [smtp]\n      rule: \"HostSNI(`*`)\"\n"
                           "      service: mail\n  services:\n    mail:\n      loadBalancer:\n        servers:\n"
                           "          - address: \"%s\"\n" % backend.address)
        args = ["--entryPoints.smtp.address=127.0.0.1:%d" % smtp,
                "--entryPoints.traefik.address=127.0.0.1:%d" % api_port, "--api.insecure",
                "--providers.file.filename=" + dyn,
                "--banList.crowdsec.url=http://127.0.0.1:%d/" % lapi_port,
                "--banList.crowdsec.apiKeyFile=" + key_file, "--banList.crowdsec.pollInterval=200ms",
                "--log.level=INFO"]
        with h.Switchyard(args, workdir=work) as sy:
            sy.wait_for_log(r"crowdsec: 0 ban decision\(s\) in force")
            sy.wait_for_port(smtp)
            established = _served(smtp, "127.0.0.5")
            h.check(established is not None, "127.0.0.5 served before any decision")

            lapi.cscli("decisions", "add", "--ip", "127.0.0.5", "--duration", "1h", "--reason", "sy test")
            # Within a pull (200 ms), or at worst the next whole set (every 30th pull, 6 s): CrowdSec 1.4's LAPI can
            # leave a decision made during a pull out of the lists of changes (crowdsec_bouncer.cpp).
            took = _until(lambda: _refused_now(smtp, "127.0.0.5"), 8.0, "127.0.0.5 refused after cscli's decision")
            h.check(h.expect_closed(established, timeout=3) == b"", "127.0.0.5's established connection not closed")
            established.close()
            h.check(not _refused_now(smtp, "127.0.0.6"), "127.0.0.6 refused")
            lapi.cscli("decisions", "add", "--range", "127.0.0.64/26", "--duration", "1h")
            _until(lambda: _refused_now(smtp, "127.0.0.70"), 8.0, "127.0.0.70 refused after a range decision")
            api = _api(api_port)
            h.check(api["crowdsec"]["decisions"] == 2 and api["active"] == 2 and "error" not in api["crowdsec"],
                    "API: %r" % api)

            # The LAPI goes away: the decisions stay; the API and the log say why.
            mark = sy.mark()
            lapi.stop()
            sy.wait_for_log(r"crowdsec: .*the 2 decision\(s\) held stay in force; retrying", start=mark)
            h.check(_refused_now(smtp, "127.0.0.5"), "127.0.0.5 served while the LAPI is down")
            h.check("error" in _api(api_port)["crowdsec"], "API shows no error while the LAPI is down")
            lapi.start()
            sy.wait_for_log(r"crowdsec: .* answers again", start=mark, timeout=15)
            h.check("error" not in _api(api_port)["crowdsec"], "API still shows the error")

            lapi.cscli("decisions", "delete", "--ip", "127.0.0.5")
            _until(lambda: not _refused_now(smtp, "127.0.0.5"), 8.0, "127.0.0.5 served after cscli decisions delete")
            h.check(_refused_now(smtp, "127.0.0.70"), "the range decision lifted too")
            h.check(_api(api_port)["crowdsec"]["decisions"] == 1, "API: %r" % _api(api_port))
            print("# refused %.2fs after `cscli decisions add` (pollInterval 200ms)" % took, flush=True)


if __name__ == "__main__":
    crowdsec.require()
    h.run([test_crowdsec_decisions_ban_at_the_router])
