"""Metrics move with traffic, and the TCP access log writes one line per finished connection with the right
fields (json and common formats), and is reopened on SIGUSR1 after logrotate moved it."""
import json
import os
import re
import signal
import time

import sy_harness as h
from api_support import Router, exchange, wait_line_for_port, wait_lines

GREETING = b"220 backend ESMTP ready\r\n"


def test_metrics_move_with_traffic():
    with h.greeting_backend(GREETING) as backend, Router(backend) as r:
        r.wait_router("smtp@file")
        before = r.metrics()
        ep = 'entrypoint="smtp"'
        base_total = before.get(("traefik_entrypoint_connections_total", ep), 0)
        base_in = before.get(("traefik_entrypoint_bytes_received_total", ep), 0)
        payloads = [b"EHLO a\r\n", b"EHLO bb\r\n", b"EHLO ccc\r\n"]
        for p in payloads:
            exchange(r.smtp_port, p, GREETING + p)
        r.wait_metric("traefik_entrypoint_connections_total", ep, lambda v: v >= base_total + 3)
        r.wait_metric("traefik_entrypoint_open_connections", ep, lambda v: v == 0)
        r.wait_metric("traefik_entrypoint_bytes_received_total", ep,
                      lambda v: v >= base_in + sum(len(p) for p in payloads))
        r.wait_metric("traefik_tcp_router_connections_total", 'router="smtp@file"', lambda v: v >= 3)
        r.wait_metric("traefik_tcp_service_connections_total", 'service="mail@file"', lambda v: v >= 3)
        sent = r.wait_metric("traefik_tcp_service_bytes_sent_total", 'service="mail@file"',
                             lambda v: v >= 3 * len(GREETING) + sum(len(p) for p in payloads))
        h.check(sent > 0, "bytes sent")
        m = r.metrics()
        h.check(m.get(("traefik_config_reloads_total", "")) is not None, "reload counter missing")
        h.check(m.get(("traefik_config_last_reload_success", ""), 0) > 1.6e9, "last reload time: %r"
                % m.get(("traefik_config_last_reload_success", "")))


def test_access_log_json_line_per_connection():
    with h.greeting_backend(GREETING) as backend:
        log_dir = h.temp_dir("sy-access-")
        path = os.path.join(log_dir, "access.log")
        with Router(backend, ["--accessLog=true", "--accessLog.filePath=" + path,
                              "--accessLog.format=json"]) as r:
            r.wait_router("smtp@file")
            clients = []
            for payload in (b"EHLO one\r\n", b"EHLO second\r\n"):
                clients.append((exchange(r.smtp_port, payload, GREETING + payload), payload))
            for (host, port), payload in clients:
                rec = wait_line_for_port(path, port, port_of=lambda r: r["ClientPort"])
                h.check(rec["ClientHost"] == host and rec["ClientAddr"] == "%s:%d" % (host, port), "client: %r" % rec)
                h.check(rec["entryPointName"] == "smtp", "entrypoint: %r" % rec)
                h.check(rec["RouterName"] == "smtp@file", "router: %r" % rec)
                h.check(rec["ServiceName"] == "mail@file", "service: %r" % rec)
                h.check(rec["ServiceAddr"] == backend.address, "server: %r" % rec)
                h.check(rec["RequestContentSize"] == len(payload), "bytes in: %r" % rec)
                h.check(rec["DownstreamContentSize"] == len(GREETING) + len(payload), "bytes out: %r" % rec)
                h.check(rec["End"] == "closed", "end: %r" % rec)
                h.check(rec["Duration"] > 0, "duration: %r" % rec)
                h.check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$", rec["StartUTC"]), "start: %r" % rec)

            # logrotate: move the file away, SIGUSR1, the next line goes to a fresh file at the same path.
            os.rename(path, path + ".1")
            mark = r.sy.mark()
            r.sy.send_signal(signal.SIGUSR1)
            # The reopen is not observable on its own; connections made after it are: one more connection at a
            # time until a line lands in the fresh file (bounded by the deadline).
            deadline = time.monotonic() + h.DEFAULT_TIMEOUT
            while True:
                exchange(r.smtp_port, b"NOOP\r\n", GREETING + b"NOOP\r\n")
                try:
                    if wait_lines(path, 1, timeout=1.5):
                        break
                except h.TestFailure:
                    pass
                if time.monotonic() > deadline:
                    raise h.TestFailure("no line in a fresh access log after SIGUSR1; log since:\n%s"
                                        % "\n".join(r.sy.lines()[mark:]))
            h.check(len(wait_lines(path + ".1", 2)) >= 2, "the rotated file keeps its lines")


def test_access_log_common_format():
    with h.greeting_backend(GREETING) as backend:
        log_dir = h.temp_dir("sy-access-")
        path = os.path.join(log_dir, "access.log")
        with Router(backend, ["--accessLog=true", "--accessLog.filePath=" + path]) as r:
            r.wait_router("smtp@file")
            host, port = exchange(r.smtp_port, b"QUIT\r\n", GREETING + b"QUIT\r\n")
            line = wait_line_for_port(path, port, parse=lambda l: l,
                                      port_of=lambda l: l.split(" ", 1)[0].rpartition(":")[2])
            rx = (r'^%s:%d - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "TCP smtp -" closed 6 %d '
                  r'"smtp@file" "mail@file" "%s" \d+ms$') % (re.escape(host), port, len(GREETING) + 6,
                                                             re.escape(backend.address))
            h.check(re.match(rx, line), "common line %r does not match %r" % (line, rx))


if __name__ == "__main__":
    h.run([test_metrics_move_with_traffic, test_access_log_json_line_per_connection,
           test_access_log_common_format])
