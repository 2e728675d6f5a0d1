#!/usr/bin/env python3
"""The ban list at scale (issue 16): what 100,000 entries cost.

  in process (tests/bench/bans/ban_set_bench.cpp): parse + build time of a 100,000-line file, lookups per second on
      one thread, the set's heap;
  through the router: from the atomic rename of a 100,000-line file to the API showing the new generation (the
      inotify settle time of 100 ms included), and the router's RSS before and after (the set, the parsed entries
      kept to merge with CrowdSec's, and the API's copy of nothing but counts).

  python3 tests/bench/bans_bench.py --switchyard build/src/app/switchyard --set-bench build/tests/bench/ban_set_bench
  (ninja -C build tests/bench/ban_set_bench first; `meson test -C build --benchmark bench-bans` does both)
"""
import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import sy_harness as h  # noqa: E402


def rss_kib(pid):
    with open("/proc/%d/status" % pid, encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def bans_api(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", "/api/switchyard/bans")
        return json.loads(c.getresponse().read())
    finally:
        c.close()


def ban_file(n, seed):
    rng = random.Random(seed)
    now = int(time.time())
    lines = []
    for i in range(n):
        a = rng.getrandbits(32)
        if i % 20 == 0:
            text = "%d.%d.%d.0/24" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255)
        elif i % 20 == 1:
            text = "2001:db8:%x:%x::/64" % (rng.getrandbits(16), rng.getrandbits(16))
        else:
            text = "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)
        if i % 2 == 0:
            text += " %d" % (now + 3600 + rng.randrange(86400))
        lines.append(text + " # fail2ban:dovecot\n")
    return "".join(lines)


def reload_and_wait(path, text, api_port, generation, timeout=30.0):
    """Seconds from the rename to the API's next generation."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(text)
    start = time.monotonic()
    os.replace(tmp, path)
    while time.monotonic() - start < timeout:
        if bans_api(api_port)["generation"] > generation:
            return time.monotonic() - start
        time.sleep(0.005)
    raise RuntimeError("the router did not load the file within %.0fs" % timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--switchyard", required=True)
    ap.add_argument("--set-bench", required=True)
    ap.add_argument("--entries", type=int, default=100000)
    ap.add_argument("--reloads", type=int, default=8)
    args = ap.parse_args()
    args.switchyard, args.set_bench = os.path.abspath(args.switchyard), os.path.abspath(args.set_bench)

    print("# in process (%s)" % args.set_bench, flush=True)
    r = subprocess.run([args.set_bench, str(args.entries)], capture_output=True, text=True, timeout=300)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        return 1

    print("# through the router (%s)" % args.switchyard, flush=True)
    work = h.temp_dir("sy-bans-bench-")
    bans = os.path.join(work, "bans.txt")
    h.write_file(bans, "")
    smtp, api_port = h.free_ports(2)
    dyn = h.write_file(os.path.join(work, "dynamic.yml"), "tcp: {}\n")
    with h.Switchyard(["--entryPoints.smtp.address=127.0.0.1:%d" % smtp,
                       "--entryPoints.traefik.address=127.0.0.1:%d" % api_port, "--api.insecure",
                       "--providers.file.filename=" + dyn, "--banList.filename=" + bans, "--core.threads=2",
                       "--log.level=INFO"],
                      workdir=work, binary_path=args.switchyard) as sy:
        sy.wait_for_log(r"ban list: 0 entries from ")
        sy.wait_for_port(api_port)
        gen = bans_api(api_port)["generation"]
        before = rss_kib(sy.proc.pid)
        first = reload_and_wait(bans, ban_file(args.entries, 1), api_port, gen)
        gen = bans_api(api_port)["generation"]
        after = rss_kib(sy.proc.pid)
        again, rss = [], []
        for i in range(args.reloads):
            again.append(reload_and_wait(bans, ban_file(args.entries, 2 + i), api_port, gen + i))
            rss.append(rss_kib(sy.proc.pid))
        api = bans_api(api_port)
        if api["entries"] != args.entries:
            raise RuntimeError("API: %r" % api)
    again.sort()
    print("router_reload_s         %.3f first; next %d: median %.3f, max %.3f (rename to API; 100 ms settle included)"
          % (first, len(again), again[len(again) // 2], again[-1]))
    print("router_rss_kib          %d with an empty list, %d with %d entries (+%d); after each of %d more reloads: %s"
          % (before, after, args.entries, after - before, len(rss), " ".join(str(r) for r in rss)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
