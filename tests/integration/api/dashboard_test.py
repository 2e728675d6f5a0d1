"""The dashboard in Debian's headless Chromium: the page loads from the binary, runs its script against the API
and shows the routers (the disabled one first, with its error), the service with its server, and, once traffic
has flowed, each router's, service's and server's open connections and a chart of its bytes per second, and the
recent refusals with their outcome. The screenshot is kept as a test artifact (argv[1], default
build/tests/artifacts)."""
import json
import os
import re
import shutil
import subprocess
import sys
import time

import sy_harness as h
from api_support import Router

ARTIFACTS = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "tests", "artifacts")


def chromium(url, *mode, timeout=90):
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(exe):
        raise h.Skip("chromium is not installed")
    profile = h.temp_dir("sy-chromium-")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
           # Lets the page's fetches and drawing finish before the DOM is dumped or the picture taken.
           "--virtual-time-budget=5000", "--window-size=1280,1200"] + list(mode) + [url]
    try:
        return subprocess.run(cmd, capture_output=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def wait_activity(r, predicate, timeout=30):
    """Polls the API's sampled history (one sample every 5 s) until `predicate(activity)` holds."""
    deadline = time.monotonic() + timeout
    while True:
        activity = r.get_json("/api/switchyard/activity")
        if predicate(activity):
            return activity
        h.check(time.monotonic() < deadline, "activity never satisfied the test: %s" % json.dumps(activity)[:2000])
        time.sleep(0.5)  # the samples come on the server's 5 s clock; this only bounds how often we look


def test_dashboard_shows_routers_and_services():
    empty_port = h.free_port()
    with h.Backend() as backend, Router(backend, extra_args=[
            "--entryPoints.empty.address=127.0.0.1:%d" % empty_port]) as r:
        r.wait_router("smtp@file")
        # Traffic that stays open while samples are taken, and one refused connection (no router on `empty`).
        held = h.connect(r.smtp_port)
        # The bytes go through after the router's first sample, so the chart shows them as a rate.
        wait_activity(r, lambda a: len(a["routers"].get("smtp@file", {}).get("open", [])) >= 1)
        payload = b"x" * 300000
        held.sendall(payload)
        h.check(len(h.recv_exactly(held, len(payload))) == len(payload), "echo through the router")
        with h.connect(empty_port) as refused:
            h.expect_closed(refused)
        activity = wait_activity(r, lambda a: len(a["routers"].get("smtp@file", {}).get("open", [])) >= 2 and
                                 a["routers"].get("smtp@file", {}).get("bytesIn", [0])[-1] >= len(payload) and
                                 a["routers"]["smtp@file"]["open"][-1] == 1 and a["refusals"])
        h.check(activity["refusals"][0]["outcome"] == "no_route" and activity["refusals"][0]["entryPoint"] == "empty",
                "refusal: %r" % activity["refusals"])
        h.check(activity["servers"]["mail@file"][backend.address]["bytesOut"][-1] >= len(payload),
                "per-server bytes: %r" % activity["servers"])
        url = "http://127.0.0.1:%d/dashboard/" % r.api_port
        dom = chromium(url, "--dump-dom")
        html = dom.stdout.decode("utf-8", "replace")
        h.check(dom.returncode == 0, "chromium exit %d: %s" % (dom.returncode, dom.stderr.decode()[-2000:]))
        routers = re.search(r'<table id="routers">.*?</table>', html, re.S)
        h.check(routers, "no routers table in:\n%s" % html[:3000])
        rows = re.findall(r'<tr class="(\w+)" data-name="([^"]+)"', routers.group(0))
        h.check(rows == [("disabled", "broken@file"), ("enabled", "smtp@file")],
                "router rows (disabled first): %r" % rows)
        h.check('class="errors"' in routers.group(0), "the disabled router's error is not shown")
        services = re.search(r'<table id="services">.*?</table>', html, re.S)
        h.check(services and "mail@file" in services.group(0) and backend.address in services.group(0),
                "service and its server not shown")
        h.check('data-name="smtp"' in html and 'data-name="traefik"' in html, "entrypoints not shown")
        smtp_row = re.search(r'<tr class="enabled" data-name="smtp@file">.*?</tr>', routers.group(0), re.S)
        h.check(smtp_row and '<td class="num open">1</td>' in smtp_row.group(0) and "<svg" in smtp_row.group(0)
                and "<rect" in smtp_row.group(0), "the router's open count and chart: %s"
                % (smtp_row.group(0) if smtp_row else routers.group(0)))
        h.check(re.search(r'data-server="%s".*?<svg' % re.escape(backend.address), services.group(0), re.S),
                "the server's chart is not shown")
        refusals = re.search(r'<table id="refusals">.*?</table>', html, re.S)
        h.check(refusals and 'data-outcome="no_route"' in refusals.group(0) and ">empty<" in refusals.group(0),
                "recent refusals: %s" % (refusals.group(0) if refusals else html[-3000:]))

        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.abspath(os.path.join(ARTIFACTS, "dashboard.png"))
        if os.path.exists(shot):
            os.remove(shot)
        pic = chromium(url, "--screenshot=" + shot)
        h.check(pic.returncode == 0 and os.path.exists(shot) and os.path.getsize(shot) > 1000,
                "no screenshot: exit %d %s" % (pic.returncode, pic.stderr.decode()[-2000:]))
        print("screenshot: %s" % shot)
        held.close()


if __name__ == "__main__":
    h.run([test_dashboard_shows_routers_and_services])
