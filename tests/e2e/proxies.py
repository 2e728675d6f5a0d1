"""The proxy in front of the mail servers, chosen by SY_E2E_PROXY:

  haproxy     HAProxy in `mode tcp` with `send-proxy-v2`: the stand-in that proves the mail side of the suite;
  switchyard  (default) $SWITCHYARD_BIN with Traefik's flags, routes from the labels of containers in a real dockerd
              (SY_E2E_PROVIDER=docker, default; tests/support/dockerd.py) or from the file provider (=file);
  switchyard-container
              the same binary packaged by docker/build.sh and run as users deploy it: a container in that dockerd,
              host network, docker.sock mounted read-only, routes from labels.

Both are given the same routing table: entry points (name -> port on 127.0.0.1) and routers in Traefik's terms.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Router:
    name: str
    entrypoint: str
    backend: str           # "127.0.0.1:PORT"
    sni: str = "*"         # HostSNI(`*`) or a host name
    passthrough: bool = False
    proxy_protocol: int = 2
    owner: str = "mailserver"  # the container that carries this router's labels (provider docker)

    @property
    def rule(self) -> str:
        return f"HostSNI(`{self.sni}`)"


class ProxyError(RuntimeError):
    pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_port(port: int, timeout: float, alive) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise ProxyError("proxy exited before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise ProxyError(f"127.0.0.1:{port} not listening after {timeout:.0f}s")


# -------------------------------------------------------------------------------------------------------- haproxy
class HAProxy:
    name = "haproxy"

    def __init__(self, root: Path, entrypoints: dict[str, int], routers: list[Router]):
        self.root, self.entrypoints, self.routers = Path(root), entrypoints, routers
        self.pid: int | None = None

    def config(self) -> str:
        out = ["global\n  maxconn 2000\n",
               "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n"]
        for ep, port in self.entrypoints.items():
            rs = [r for r in self.routers if r.entrypoint == ep]
            out.append(f"frontend ep_{ep}\n  bind 127.0.0.1:{port}\n")
            named = [r for r in rs if r.sni != "*"]
            if named:
                # TLS passthrough by SNI: wait for the ClientHello, as Traefik's HostSNI router does
                out.append("  tcp-request inspect-delay 5s\n"
                           "  tcp-request content accept if { req_ssl_hello_type 1 }\n")
                for r in named:
                    out.append(f"  use_backend r_{r.name} if {{ req_ssl_sni -i {r.sni} }}\n")
            for r in rs:
                if r.sni == "*":
                    out.append(f"  default_backend r_{r.name}\n")
        for r in self.routers:
            pp = {1: " send-proxy", 2: " send-proxy-v2"}.get(r.proxy_protocol, "")
            out.append(f"backend r_{r.name}\n  server s1 {r.backend}{pp}\n")
        return "".join(out)

    def start(self, timeout: float = 20.0) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        cfg, pidfile = self.root / "haproxy.cfg", self.root / "haproxy.pid"
        cfg.write_text(self.config())
        # -D: the parent returns once every listener is bound, which is the readiness signal
        r = subprocess.run(["haproxy", "-D", "-f", str(cfg), "-p", str(pidfile)], capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            raise ProxyError(f"haproxy failed ({r.returncode}): {r.stderr}\n{self.config()}")
        self.pid = int(pidfile.read_text().split()[0])

    def close(self) -> None:
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 10
        while _pid_alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_alive(self.pid):
            os.kill(self.pid, signal.SIGKILL)
        self.pid = None


# ----------------------------------------------------------------------------------------------------- switchyard
def file_provider_yaml(routers: list[Router]) -> str:
    """Traefik's dynamic configuration, as a user of the file provider writes it (JSON is valid YAML)."""
    doc = {"tcp": {"routers": {}, "services": {}}}
    for r in routers:
        router = {"entryPoints": [r.entrypoint], "rule": r.rule, "service": r.name}
        if r.passthrough:
            router["tls"] = {"passthrough": True}
        doc["tcp"]["routers"][r.name] = router
        svc = {"servers": [{"address": r.backend}]}
        if r.proxy_protocol:
            svc["proxyProtocol"] = {"version": r.proxy_protocol}
        doc["tcp"]["services"][r.name] = {"loadBalancer": svc}
    return json.dumps(doc, indent=2) + "\n"


def guide_labels(routers: list[Router]) -> dict[str, str]:
    """The guide's `traefik.*` labels for these routers, on a container with host networking (backend ports are the
    container's ports on 127.0.0.1)."""
    labels = {"traefik.enable": "true"}
    for r in routers:
        k = f"traefik.tcp.routers.{r.name}"
        labels[f"{k}.rule"] = r.rule
        labels[f"{k}.entrypoints"] = r.entrypoint
        labels[f"{k}.service"] = r.name
        if r.passthrough:
            labels[f"{k}.tls.passthrough"] = "true"
        s = f"traefik.tcp.services.{r.name}.loadbalancer"
        labels[f"{s}.server.port"] = r.backend.rsplit(":", 1)[1]
        if r.proxy_protocol:
            labels[f"{s}.proxyProtocol.version"] = str(r.proxy_protocol)
    return labels


class Switchyard:
    name = "switchyard"

    def __init__(self, root: Path, entrypoints: dict[str, int], routers: list[Router], api_port: int,
                 provider: str = "file", docker=None, in_container: bool = False, extra_args=()):
        self.root, self.entrypoints, self.routers = Path(root), entrypoints, routers
        self.extra_args = list(extra_args)
        self.api_port, self.provider, self.docker, self.in_container = api_port, provider, docker, in_container
        if in_container:
            self.name = "switchyard (container)"
        self.binary = os.environ.get("SWITCHYARD_BIN", "switchyard")
        self.proc: subprocess.Popen | None = None
        self.router_container: str | None = None
        self.containers: list[str] = []
        self.log = self.root / "switchyard.log"
        self.access_log = self.root / "access.log"

    def args(self) -> list[str]:
        a = [self.binary]
        for ep, port in self.entrypoints.items():
            a.append(f"--entryPoints.{ep}.address=127.0.0.1:{port}")
        a += [f"--entryPoints.traefik.address=127.0.0.1:{self.api_port}", "--api.insecure=true", "--ping=true",
              "--log.level=INFO", "--accesslog=true", "--accesslog.format=json"]
        if not self.in_container:
            a.append(f"--accesslog.filepath={self.access_log}")  # in a container: stdout, as users run it
        if self.provider == "file":
            a += [f"--providers.file.filename={self.root / 'dynamic.yml'}"]
        else:
            # the guide's flags; --providers.docker.network is irrelevant with host networking. In a container
            # the socket is at the default path, as in the guide's compose file.
            a += ["--providers.docker=true", "--providers.docker.exposedbydefault=false"]
            if not self.in_container:
                a.append(f"--providers.docker.endpoint={self.docker.endpoint}")
        return a + self.extra_args

    def _run_container(self) -> None:
        image = "switchyard:e2e"
        if not getattr(self.docker, "_sy_image", None):  # build once per dockerd
            root = Path(__file__).resolve().parents[2]
            env = dict(os.environ, DOCKER_HOST=self.docker.endpoint, SWITCHYARD_BIN=self.binary)
            r = subprocess.run([str(root / "docker" / "build.sh"), image], env=env, capture_output=True, text=True,
                               timeout=600)
            if r.returncode != 0:
                raise ProxyError(f"docker/build.sh failed:\n{r.stdout}{r.stderr}")
            print(f"# image {r.stdout.strip()}", flush=True)
            self.docker._sy_image = image
        gid = os.stat(self.docker.sock).st_gid
        # The image's HEALTHCHECK runs `switchyard healthcheck` with no flags: it reads the router's own (PID 1's)
        # command line, so nothing is repeated in the environment (Traefik's image needs that).
        self.router_container = self.docker.docker(
            "run", "-d", "--name", f"switchyard-{self.root.name}", "--network", "host",
            "-v", f"{self.docker.sock}:/var/run/docker.sock:ro", "--group-add", str(gid),
            image, *self.args()[1:])

    def await_healthy(self, timeout: float = 60.0) -> None:
        """The image's HEALTHCHECK must report the router healthy, as `docker ps` shows users."""
        deadline = time.monotonic() + timeout
        status = ""
        while time.monotonic() < deadline:
            status = self.docker.docker("inspect", "-f", "{{.State.Health.Status}}", self.router_container,
                                        check=False)
            if status == "healthy":
                return
            time.sleep(0.5)
        log = self.docker.docker("inspect", "-f", "{{json .State.Health}}", self.router_container, check=False)
        raise ProxyError(f"container health {status!r} after {timeout:.0f}s: {log}")

    def access_records(self) -> list[dict]:
        """Switchyard's TCP access log (Traefik has none), one JSON object per finished connection."""
        text = self._output() if self.in_container else (
            self.access_log.read_text(errors="replace") if self.access_log.exists() else "")
        out = []
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out

    def _alive(self) -> bool:
        if self.router_container:
            return self.docker.docker("inspect", "-f", "{{.State.Running}}", self.router_container,
                                      check=False) == "true"
        return self.proc is not None and self.proc.poll() is None

    def _output(self) -> str:
        if self.router_container:
            r = subprocess.run(["docker", "-H", self.docker.endpoint, "logs", self.router_container],
                               capture_output=True, text=True, timeout=30)
            return r.stdout + r.stderr
        return self.log.read_text(errors="replace")

    def start(self, timeout: float = 30.0) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.provider == "file":
            (self.root / "dynamic.yml").write_text(file_provider_yaml(self.routers))
        else:
            # one container per mail server, host network, carrying the guide's labels; it runs nothing but a
            # sleep: the mail daemons themselves run on the host (their ports are the container's ports)
            for owner in dict.fromkeys(r.owner for r in self.routers):
                labels = guide_labels([r for r in self.routers if r.owner == owner])
                name = f"{owner}-{self.root.name}"
                self.containers.append(self.docker.run(name, labels=labels))
        try:
            if self.in_container:
                self._run_container()
            else:
                self.proc = subprocess.Popen(self.args(), stdin=subprocess.DEVNULL, stdout=open(self.log, "wb"),
                                             stderr=subprocess.STDOUT)
            self._await_routes(timeout)
        except Exception:
            self.close()
            raise

    def _api(self, path: str):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}{path}", timeout=2) as r:
            return json.loads(r.read().decode())

    def _await_routes(self, timeout: float) -> None:
        """Ready when the API lists every router enabled: what a user checks with curl."""
        want = {f"{r.name}@{self.provider}" for r in self.routers}
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if not self._alive():
                raise ProxyError(f"switchyard exited:\n{self._output()[-3000:]}")
            try:
                routers = self._api("/api/tcp/routers")
                enabled = {r.get("name") for r in routers if r.get("status") == "enabled"}
                if want <= enabled:
                    for ep, port in self.entrypoints.items():
                        _wait_port(port, max(1.0, deadline - time.monotonic()), self._alive)
                    return
                last = json.dumps(routers)[:2000]
            except (urllib.error.URLError, OSError, ValueError) as e:
                last = str(e)
            time.sleep(0.1)
        raise ProxyError(f"switchyard: routers {sorted(want)} not all enabled after {timeout:.0f}s; last: {last}\n"
                         f"{self._output()[-3000:]}")

    def close(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
            self.proc = None
        if self.router_container:
            self.docker.docker("stop", "-t", "10", self.router_container, check=False)
            self.log.write_text(self._output())
            self.docker.docker("rm", "-f", self.router_container, check=False)
            self.router_container = None
        for cid in self.containers:
            self.docker.docker("rm", "-f", cid, check=False)
        self.containers = []


def proxy_kind() -> str:
    """The default is the guide as written: switchyard reading the labels of containers in a real dockerd."""
    return os.environ.get("SY_E2E_PROXY") or "switchyard"


def provider_kind() -> str:
    return os.environ.get("SY_E2E_PROVIDER") or "docker"


def make_proxy(root: Path, entrypoints: dict[str, int], routers: list[Router], api_port: int, docker=None):
    kind = proxy_kind()
    if kind == "haproxy":
        return HAProxy(root, entrypoints, routers)
    if kind == "switchyard":
        return Switchyard(root, entrypoints, routers, api_port, provider_kind(), docker)
    if kind == "switchyard-container":
        return Switchyard(root, entrypoints, routers, api_port, "docker", docker, in_container=True)
    raise ProxyError(f"SY_E2E_PROXY={kind!r}: expected haproxy, switchyard or switchyard-container")


def needs_dockerd() -> bool:
    kind = proxy_kind()
    return kind == "switchyard-container" or (kind == "switchyard" and provider_kind() == "docker")
