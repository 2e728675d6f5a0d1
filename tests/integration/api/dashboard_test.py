"""The dashboard in Debian's headless Chromium: the page loads from the binary, runs its script against the API
and shows the routers (the disabled one first, with its error) and the service with its server. The screenshot is
kept as a test artifact (argv[1], default build/tests/artifacts)."""
import os
import re
import shutil
import subprocess
import sys

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
           "--virtual-time-budget=5000", "--window-size=1280,900"] + list(mode) + [url]
    try:
        return subprocess.run(cmd, capture_output=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_dashboard_shows_routers_and_services():
    with h.Backend() as backend, Router(backend) as r:
        r.wait_router("smtp@file")
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

        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.abspath(os.path.join(ARTIFACTS, "dashboard.png"))
        if os.path.exists(shot):
            os.remove(shot)
        pic = chromium(url, "--screenshot=" + shot)
        h.check(pic.returncode == 0 and os.path.exists(shot) and os.path.getsize(shot) > 1000,
                "no screenshot: exit %d %s" % (pic.returncode, pic.stderr.decode()[-2000:]))
        print("screenshot: %s" % shot)


if __name__ == "__main__":
    h.run([test_dashboard_shows_routers_and_services])
