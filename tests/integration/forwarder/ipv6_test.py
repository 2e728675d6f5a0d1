"""IPv6 and dual-stack entrypoints through the real binary: an entrypoint on [::1], a dual-stack ":port" entrypoint
reached over 127.0.0.1 and ::1, a backend on [::1], and the client address each backend learns from the PROXY
header (an IPv4 client of a dual-stack socket is sent as TCP4 127.0.0.1, never as ::ffff:127.0.0.1)."""
import os
import socket

import sy_harness as h
from forwarder_support import eventually

GREETING = b"220 backend ESMTP ready\r\n"


def _route(name, backend_address, proxy_version):
    return ("    %s:\n      entryPoints: [%s]\n      rule: \"HostSNI(`*`)\"\n      service: %s\n" % (name, name, name),
            "    %s:\n      loadBalancer:\n        proxyProtocol:\n          version: %d\n"
            "        servers:\n          - address: \"%s\"\n" % (name, proxy_version, backend_address))


def _dynamic(routes):
    routers = "".join(r for r, _ in routes)
    services = "".join(s for _, s in routes)
    return "tcp:\n  routers:\n" + routers + "  services:\n" + services


def _start(entry_points, dynamic_yaml):
    """switchyard with entrypoints {name: address} and the dynamic file; waits for the routes to apply."""
    d = h.temp_dir("sy-ipv6-")
    dyn = h.write_file(os.path.join(h.temp_dir("sy-ipv6-dyn-"), "dynamic.yml"), dynamic_yaml)
    args = ["--entryPoints.%s.address=%s" % (n, a) for n, a in entry_points.items()]
    args += ["--providers.file.filename=" + dyn, "--log.level=DEBUG"]
    sy = h.Switchyard(args, workdir=d)
    try:
        sy.wait_for_log(r"configuration \d+ applied: [1-9]\d* routers")
    except BaseException:
        sy.close()
        raise
    return sy


def _require_ipv6():
    """Skips on a host whose loopback has no ::1 (IPv6 disabled in the kernel or the container)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError as e:
        raise h.Skip("no IPv6 loopback: %s" % e)


def _connect(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect((host, port))
    return s


def _session(host, port, backend):
    """Connects over `host`, checks the backend's greeting and an echo, and returns the PROXY header the backend
    received for this client."""
    with _connect(host, port) as c:
        h.check(h.recv_until(c, b"\r\n", timeout=3) == GREETING, "greeting over %s" % host)
        c.sendall(b"NOOP\r\n")
        h.check(h.recv_until(c, b"NOOP\r\n", timeout=3).endswith(b"NOOP\r\n"), "echo over %s" % host)
        me = c.getsockname()[:2]

    def find():
        for conn in list(backend.connections):
            if conn.proxy and conn.proxy.get("src") == me:
                return conn.proxy
        return None
    return eventually(find, what="PROXY header with source %r at the backend" % (me,))


def test_entrypoint_on_ipv6_loopback_to_ipv6_backend():
    """[::1]:port reached over ::1, to a backend listening on [::1]: the backend gets TCP6 ::1 in the header, and
    the entrypoint does not answer on 127.0.0.1 (an IPv6 address is IPv6 only, as Go listens)."""
    _require_ipv6()
    port = h.free_port("::1")
    with h.Backend(host="::1", greeting=GREETING, proxy=True) as b:
        routes = [_route("v6", b.address, 1), _route("v6two", b.address, 2)]
        port2 = h.free_port("::1")
        with _start({"v6": "[::1]:%d" % port, "v6two": "[::1]:%d" % port2}, _dynamic(routes)) as sy:
            sy.wait_for_port(port, host="::1")
            hdr = _session("::1", port, b)
            h.check(hdr["version"] == 1 and hdr["family"] == "TCP6" and hdr["src"][0] == "::1"
                    and hdr["dst"] == ("::1", port), "PROXY v1 header %r" % hdr)
            sy.wait_for_port(port2, host="::1")
            hdr = _session("::1", port2, b)
            h.check(hdr["version"] == 2 and hdr["family"] == "TCP6" and hdr["src"][0] == "::1"
                    and hdr["dst"] == ("::1", port2), "PROXY v2 header %r" % hdr)
            try:
                _connect("127.0.0.1", port).close()
                reached = True
            except OSError:
                reached = False
            h.check(not reached, "[::1]:%d also answered on 127.0.0.1" % port)


def test_dual_stack_entrypoint_sends_ipv4_clients_as_tcp4():
    """":port" listens on both families: a client over 127.0.0.1 is sent to the backend as TCP4 127.0.0.1 (not as
    the ::ffff:127.0.0.1 the dual-stack socket reports), a client over ::1 as TCP6 ::1; PROXY v1 and v2."""
    _require_ipv6()
    p1, p2 = h.free_ports(2)
    with h.Backend(greeting=GREETING, proxy=True) as b4, h.Backend(host="::1", greeting=GREETING, proxy=True) as b6:
        routes = [_route("dual", b4.address, 1), _route("dualtwo", b6.address, 2)]
        with _start({"dual": ":%d" % p1, "dualtwo": ":%d" % p2}, _dynamic(routes)) as sy:
            for port, backend, version in ((p1, b4, 1), (p2, b6, 2)):
                sy.wait_for_port(port, host="127.0.0.1")
                sy.wait_for_port(port, host="::1")
                hdr = _session("127.0.0.1", port, backend)
                h.check(hdr["version"] == version and hdr["family"] == "TCP4" and hdr["src"][0] == "127.0.0.1"
                        and hdr["dst"] == ("127.0.0.1", port), "IPv4 client, PROXY v%d header %r" % (version, hdr))
                hdr = _session("::1", port, backend)
                h.check(hdr["version"] == version and hdr["family"] == "TCP6" and hdr["src"][0] == "::1"
                        and hdr["dst"] == ("::1", port), "IPv6 client, PROXY v%d header %r" % (version, hdr))


if __name__ == "__main__":
    h.run([
        test_entrypoint_on_ipv6_loopback_to_ipv6_backend,
        test_dual_stack_entrypoint_sends_ipv4_clients_as_tcp4,
    ])
