"""The static configuration as a user meets it: flags, environment variables and files start the same router; a
mistyped key or a bad value stops start-up with a message naming it; HTTP-only Traefik keys are accepted with a
warning; `switchyard version` and `--help` answer."""
import json
import os
import subprocess

import sy_harness as h


def isolated_env(home):
    """No configuration file may be found by accident: HOME and XDG_CONFIG_HOME point at an empty directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRAEFIK_", "SWITCHYARD_"))}
    env["HOME"] = home
    env["XDG_CONFIG_HOME"] = home
    return env


def run(args, env, cwd, timeout=30):
    p = subprocess.run([h.binary()] + args, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)
    return p.returncode, p.stdout + p.stderr


def start_fails(args, env, cwd, *expected):
    rc, out = run(args, env, cwd)
    h.check(rc != 0, "switchyard %r should refuse to start; output:\n%s" % (args, out))
    for piece in expected:
        h.check(piece in out, "expected %r in the output of %r:\n%s" % (piece, args, out))


def routes_nothing_but_listens(args, port, env, workdir, log_expect=()):
    """Starts switchyard, waits for its entrypoint to accept connections, checks the log, stops it."""
    with h.Switchyard(args, workdir=workdir, env=env) as sy:
        sy.wait_for_port(port)
        for pattern in log_expect:
            sy.wait_for_log(pattern)
        # Shutdown is not what this test is about (a SIGTERM sent this early may come before the signal handler).
        sy.stop()


def main():
    home = h.temp_dir()
    env = isolated_env(home)

    # Errors that stop start-up, naming the key as written and the value.
    start_fails(["--entryPoints.smtp.adress=:25"], env, home,
                "--entryPoints.smtp.adress: unknown key; did you mean --entryPoints.smtp.address?")
    start_fails(["--entryPoints.smtp.address=:99999"], env, home, "--entryPoints.smtp.address", '":99999"')
    start_fails(["--entryPoints.dns.address=:53/udp"], env, home, "--entryPoints.dns.address", "UDP")
    start_fails(["--entryPoints.smtp.address=:25", "--entryPoints.smtp.proxyProtocol.trustedIPs=10.0.0.0/40"],
                env, home, "--entryPoints.smtp.proxyProtocol.trustedIPs", '"10.0.0.0/40"')
    start_fails(["--entryPoints.smtp.address=:25", "--providers.providersThrottleDuration=soon"], env, home,
                "--providers.providersThrottleDuration", '"soon"')
    start_fails(["--log.level", "DEBUG"], env, home, "--log.level=DEBUG")
    bad_env = dict(env, TRAEFIK_ENTRYPOINTS_SMTP_ADRESS=":25")
    start_fails([], bad_env, home,
                "TRAEFIK_ENTRYPOINTS_SMTP_ADRESS: unknown key; did you mean TRAEFIK_ENTRYPOINTS_SMTP_ADDRESS?")
    bad_file = os.path.join(home, "bad.yml")
    h.write_file(bad_file, "entryPoints:\n  smtp:\n    address: ':25'\nlog:\n  levl: DEBUG\n")
    start_fails(["--configFile=" + bad_file], env, home, bad_file + ":5: log.levl: unknown key; did you mean log.level?")
    start_fails(["--configFile=" + os.path.join(home, "missing.yml")], env, home, "missing.yml")

    # Flags, with an HTTP-only key from a Traefik compose file: accepted, warned about.
    port = h.free_port()
    routes_nothing_but_listens(
        ["--entryPoints.smtp.address=127.0.0.1:%d" % port, "--entryPoints.smtp.http.tls=true", "--log.level=INFO"],
        port, env, h.temp_dir(), [r"entryPoints\.smtp\.http\.tls.*ignored"])

    # Environment variables only.
    port = h.free_port()
    routes_nothing_but_listens([], port, dict(env, TRAEFIK_ENTRYPOINTS_SMTP_ADDRESS="127.0.0.1:%d" % port),
                               h.temp_dir())

    # traefik.yml found in the working directory, as Traefik looks for it; flags are then ignored.
    port = h.free_port()
    workdir = h.temp_dir()
    h.write_file(os.path.join(workdir, "traefik.yml"),
                 "entryPoints:\n  smtp:\n    address: '127.0.0.1:%d'\nlog:\n  level: INFO\n  format: json\n" % port)
    with h.Switchyard(["--entryPoints.other.address=127.0.0.1:1"], workdir=workdir, env=env) as sy:
        sy.wait_for_port(port)
        sy.wait_for_log(r'"level"')
        # The json format: every line a JSON object.
        for line in sy.lines():
            if line.startswith("{"):
                obj = json.loads(line)
                h.check("message" in obj and "level" in obj, "json log line without message/level: %r" % line)
        sy.stop()

    # TOML through --configFile.
    port = h.free_port()
    toml_dir = h.temp_dir()
    toml_file = os.path.join(toml_dir, "static.toml")
    h.write_file(toml_file, '[entryPoints.smtp]\naddress = "127.0.0.1:%d"\n' % port)
    routes_nothing_but_listens(["--configFile=" + toml_file], port, env, toml_dir)

    # version and help.
    rc, out = run(["version"], env, home)
    h.check(rc == 0, "switchyard version exit %d: %s" % (rc, out))
    for piece in ("Switchyard", "Boost", "OpenSSL", "spdlog", "yaml-cpp", "toml++", "RE2", "nlohmann-json"):
        h.check(piece in out, "switchyard version should mention %s:\n%s" % (piece, out))
    rc, out = run(["--help"], env, home)
    h.check(rc == 0, "switchyard --help exit %d" % rc)
    for key in ("--entryPoints.<name>.address", "--providers.docker.exposedByDefault", "--log.format"):
        h.check(key in out, "--help should list %s:\n%s" % (key, out))
    print("ok")


if __name__ == "__main__":
    main()
