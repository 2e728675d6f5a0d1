#!/usr/bin/env python3
"""Fairness on one worker (issue 14): does one bulk transfer hold up the interactive connections that share its
thread? Not a CI test: it prints figures.

    tests/bench/fairness.py [--binary build/src/app/switchyard] [--gigabytes 10] [--clients 100] [--seconds 120]

switchyard runs with core.threads=1. 100 interactive clients ping-pong one small message at a time through it to an
echo server and record each round trip, first with nothing else going on (idle), then while one client pushes
--gigabytes through the same worker to a sink as fast as loopback allows (bulk). It prints p50/p99/max of the
interactive round trips in both phases and the bulk throughput; the aim is an interactive p99 under bulk within 2x
of the idle one. Loopback only; each phase is bounded by --seconds.
"""
import argparse
import multiprocessing
import os
import socket
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
import sy_harness as h  # noqa: E402

MESSAGE = b"x" * 64


def echo_server(port, ready):
    srv = socket.create_server(("127.0.0.1", port), backlog=512, reuse_port=False)
    ready.set()

    def serve(c):
        with c:
            while True:
                data = c.recv(65536)
                if not data:
                    return
                c.sendall(data)

    while True:
        c, _ = srv.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def sink_server(port, ready, done):
    srv = socket.create_server(("127.0.0.1", port))
    ready.set()
    c, _ = srv.accept()
    total = 0
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    while True:
        n = c.recv_into(view)
        if n == 0:
            break
        total += n
    done.put(total)


def bulk_sender(port, total_bytes, seconds, result):
    s = socket.create_connection(("127.0.0.1", port))
    chunk = b"\0" * (1 << 20)
    sent = 0
    t0 = time.monotonic()
    while sent < total_bytes and time.monotonic() - t0 < seconds:
        s.sendall(chunk)
        sent += len(chunk)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    result.put((sent, time.monotonic() - t0))
    s.close()


def interactive(port, clients, seconds, stop_event=None):
    """Each client: send 64 bytes, wait for the echo, note the round trip, pause 10 ms; until `seconds` pass or
    `stop_event` is set. Returns all round trips in microseconds."""
    rtts = []
    lock = threading.Lock()

    def one():
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        mine = []
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (stop_event and stop_event.is_set()):
            t = time.perf_counter()
            s.sendall(MESSAGE)
            got = b""
            while len(got) < len(MESSAGE):
                got += s.recv(len(MESSAGE) - len(got))
            mine.append((time.perf_counter() - t) * 1e6)
            time.sleep(0.01)
        s.close()
        with lock:
            rtts.extend(mine)

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return rtts


def summary(rtts):
    rtts = sorted(rtts)
    if not rtts:
        return "no samples"
    p = lambda q: rtts[min(len(rtts) - 1, int(q * len(rtts)))]  # noqa: E731
    return "n=%d p50=%.0f us p99=%.0f us max=%.0f us" % (len(rtts), p(0.5), p(0.99), rtts[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.abspath(os.path.join(HERE, "..", ".."))
    ap.add_argument("--binary", default=os.path.join(root, "build", "src", "app", "switchyard"))
    ap.add_argument("--gigabytes", type=float, default=10)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=120)
    a = ap.parse_args()

    echo_port, sink_port, ia_port, bulk_port = h.free_ports(4)
    ready1, ready2 = multiprocessing.Event(), multiprocessing.Event()
    sink_done = multiprocessing.Queue()
    multiprocessing.Process(target=echo_server, args=(echo_port, ready1), daemon=True).start()
    multiprocessing.Process(target=sink_server, args=(sink_port, ready2, sink_done), daemon=True).start()
    ready1.wait(10)
    ready2.wait(10)
    work = h.temp_dir("sy-fair-")
    dyn = h.write_file(os.path.join(work, "dynamic.yml"),
                       "tcp:\n  routers:\n"
                       "    ia:\n      entryPoints: [ia]\n      rule: \"HostSNI(`*`)\"\n      service: echo\n"
                       "    bulk:\n      entryPoints: [bulk]\n      rule: \"HostSNI(`*`)\"\n      service: sink\n"
                       "  services:\n"
                       "    echo:\n      loadBalancer:\n        servers:\n          - address: \"127.0.0.1:%d\"\n"
                       "    sink:\n      loadBalancer:\n        servers:\n          - address: \"127.0.0.1:%d\"\n"
                       % (echo_port, sink_port))
    with h.Switchyard(["--entryPoints.ia.address=127.0.0.1:%d" % ia_port,
                       "--entryPoints.bulk.address=127.0.0.1:%d" % bulk_port, "--core.threads=1", "--log.level=INFO",
                       "--providers.file.filename=" + dyn], workdir=work, binary_path=a.binary) as sy:
        sy.wait_for_log(r"configuration \d+ applied: 2 routers")
        phase = min(20.0, a.seconds)
        idle = interactive(ia_port, a.clients, phase)
        print("idle:  " + summary(idle), flush=True)
        result = multiprocessing.Queue()
        sender = multiprocessing.Process(target=bulk_sender,
                                         args=(bulk_port, int(a.gigabytes * 1e9), a.seconds, result))
        sender.start()
        time.sleep(1)  # the transfer is under way (not a synchronisation: the measure starts once it runs)
        stop = threading.Event()
        busy = []
        t = threading.Thread(target=lambda: busy.extend(interactive(ia_port, a.clients, a.seconds, stop)))
        t.start()
        sent, secs = result.get(timeout=a.seconds + 60)
        stop.set()
        t.join(60)
        sender.join(10)
        got = sink_done.get(timeout=30)
        print("bulk:  " + summary(busy), flush=True)
        print("bulk transfer: %.2f GB in %.1f s = %.2f Gbit/s, %s at the sink"
              % (sent / 1e9, secs, sent * 8 / secs / 1e9, "all" if got == sent else "%d bytes" % got))
        p99 = lambda r: sorted(r)[min(len(r) - 1, int(0.99 * len(r)))] if r else float("nan")  # noqa: E731
        print("interactive p99 under bulk / idle: %.2f" % (p99(busy) / p99(idle)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
