"""`switchyard config check`: a static configuration and its dynamic files checked as the router would build them,
every problem printed at once with the closest name to use, exit 0 or 1, and no port bound."""
import os
import socket
import subprocess

import sy_harness as h

GOOD_DYNAMIC = """\
tcp:
  routers:
    smtp:
      entryPoints: [mail-smtp]
      rule: "HostSNI(`*`)"
      service: smtp
  services:
    smtp:
      loadBalancer:
        servers: [{address: "127.0.0.1:2525"}]
        serversTransport: pp
  serversTransports:
    pp:
      proxyProtocol: {version: 2}
"""

# docker-mailserver's guide once had `entrypoints=smtp` against `--entryPoints.mail-smtp`; plus a misspelt service,
# a middleware that does not exist, a rule error and an unknown key.
BAD_DYNAMIC = """\
tcp:
  routers:
    smtp:
      entryPoints: [smtp]
      rule: "HostSNI(`*`)"
      service: stmp
      middlewares: [limit]
    imaps:
      entryPoints: [mail-imaps]
      rule: "HostSNI(`*`) &&"
      service: smtp
  services:
    smtp:
      loadBalancer:
        servers: [{address: "127.0.0.1:2525"}]
        colour: blue
"""


def run(args, cwd, timeout=30):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRAEFIK_", "SWITCHYARD_"))}
    env["HOME"] = env["XDG_CONFIG_HOME"] = cwd
    p = subprocess.run([h.binary(), "config", "check"] + args, capture_output=True, text=True, timeout=timeout,
                       env=env, cwd=cwd)
    return p.returncode, p.stdout + p.stderr


def static_file(d, port, dynamic_path):
    return h.write_file(os.path.join(d, "switchyard.yml"), """\
entryPoints:
  mail-smtp: {address: "127.0.0.1:%d"}
  mail-imaps: {address: "127.0.0.1:%d"}
providers:
  file: {filename: "%s"}
""" % (port, port + 1 if port < 65535 else port, dynamic_path))


def port_is_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_good_configuration_passes_and_binds_nothing():
    d = h.temp_dir("sy-check-")
    port = h.free_port()
    cfg = static_file(d, port, h.write_file(os.path.join(d, "dynamic.yml"), GOOD_DYNAMIC))
    rc, out = run(["--configFile=" + cfg], d)
    h.check(rc == 0, "exit %d:\n%s" % (rc, out))
    h.check("static configuration from %s: 2 entrypoint(s)" % cfg in out, out)
    h.check("1 router(s), 1 service(s)" in out and "0 errors, 0 warnings" in out, out)
    h.check(port_is_free(port), "config check must not bind the entrypoints")


def test_bad_dynamic_file_reports_every_error_with_hints():
    d = h.temp_dir("sy-check-")
    cfg = static_file(d, h.free_port(), h.write_file(os.path.join(d, "dynamic.yml"), GOOD_DYNAMIC))
    bad = h.write_file(os.path.join(d, "bad.yml"), BAD_DYNAMIC)
    rc, out = run(["--configFile=" + cfg, "--dynamic=" + bad], d)
    h.check(rc == 1, "exit %d (1 expected):\n%s" % (rc, out))
    for piece in ('entryPoint "smtp" doesn\'t exist; did you mean "mail-smtp"?',
                  'the service "stmp@file" does not exist; did you mean "smtp@file"?',
                  'middleware "limit@file" does not exist',
                  'router "imaps@file"',
                  "colour"):
        h.check(piece in out, "expected %r in:\n%s" % (piece, out))
    # One line per element that is not enabled (two routers, the service), the count last.
    h.check(out.strip().splitlines()[-1] == "3 errors, 0 warnings", "the count is last:\n" + out)


def test_bad_static_configuration_and_unreadable_dynamic_file():
    d = h.temp_dir("sy-check-")
    rc, out = run(["--entryPoints.smtp.adress=:25", "--log.level=LOUD"], d)
    h.check(rc == 1, "exit %d:\n%s" % (rc, out))
    h.check("did you mean --entryPoints.smtp.address?" in out and "--log.level" in out, out)
    # The misspelt key also leaves the entrypoint without an address: three errors, all printed.
    h.check(out.strip().splitlines()[-1] == "3 errors, 0 warnings", "every static error is counted:\n%s" % out)
    rc, out = run(["--entryPoints.smtp.address=127.0.0.1:2525", "--dynamic=" + os.path.join(d, "missing.yml")], d)
    h.check(rc == 1 and "missing.yml" in out, "a missing dynamic file is an error naming it:\n%s" % out)
    rc, out = run(["--dynamic"], d)
    h.check(rc == 2, "usage error: exit %d\n%s" % (rc, out))


if __name__ == "__main__":
    h.run([test_good_configuration_passes_and_binds_nothing, test_bad_dynamic_file_reports_every_error_with_hints,
           test_bad_static_configuration_and_unreadable_dynamic_file])
