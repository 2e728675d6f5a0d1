"""A private Docker daemon for integration tests (Python 3 stdlib only).

DEVELOPERS.md's command line, in a temp dir, as root: no bridge, no iptables, so the host is left as it was.
Images cannot be pulled here, so `ensure_image()` imports a one-file image holding Debian's static busybox.
Test containers run with `--network host`: a backend inside one listens on the host's loopback.

    import dockerd
    dockerd.require_root()                      # exits 77 (meson's "skipped") with a clear message otherwise
    with dockerd.Dockerd() as d:
        d.ensure_image()
        cid = d.run("smtp", labels={...}, cmd=dockerd.echo_server(2525))
        d.api_get("/containers/json")           # talk to the daemon directly over its socket
        d.stop_daemon(); d.start_daemon()       # "killing dockerd" scenarios; the socket path stays the same

Every wait has a timeout; nothing sleeps to synchronise.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time

IMAGE = "sy-busybox:test"
BUSYBOX = "/bin/busybox"


def require_root():
    """Skips the calling test (exit 77) unless it can start dockerd."""
    why = None
    if os.geteuid() != 0:
        why = "needs root to start a private dockerd"
    elif not shutil.which("dockerd") or not shutil.which("docker"):
        why = "needs dockerd and the docker CLI (Debian: docker.io)"
    elif not os.path.exists(BUSYBOX):
        why = "needs %s (Debian: busybox-static) to build the test image" % BUSYBOX
    if why:
        print("SKIP: " + why, flush=True)
        sys.exit(77)


def private_network():
    """Re-runs the calling test inside a network namespace of its own (loopback up, nothing else), unless it already
    is in one. A Swarm node needs a bridge for host-mode published ports and programs iptables whatever
    --iptables says (scale-out.md §3.2): in its own namespace it changes nothing of the host's. Everything the test
    starts (dockerd, switchyard, clients) then lives in that namespace and talks over its loopback."""
    if os.environ.get("SY_PRIVATE_NETNS") == "1":
        return
    if not shutil.which("unshare") or not shutil.which("ip"):
        print("SKIP: needs unshare and ip (util-linux, iproute2) for a private network namespace", flush=True)
        sys.exit(77)
    env = dict(os.environ, SY_PRIVATE_NETNS="1")
    cmd = ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", sys.executable] + sys.argv
    sys.stdout.flush()
    os.execvpe("unshare", cmd, env)


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("docker", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def tcp_labels(router, port, entrypoint="smtp", extra=None):
    """A container's labels for one TCP router (HostSNI(`*`) on `entrypoint`) to its service on `port`."""
    labels = {
        "traefik.enable": "true",
        "traefik.tcp.routers.%s.rule" % router: "HostSNI(`*`)",
        "traefik.tcp.routers.%s.entrypoints" % router: entrypoint,
        "traefik.tcp.services.%s.loadbalancer.server.port" % router: str(port),
    }
    labels.update(extra or {})
    return labels


def echo_server(port, banner=None):
    """Command for a container: a TCP server on 127.0.0.1:port that sends `banner` line (if any), then echoes."""
    if banner:
        script = "echo %s; exec /bin/busybox cat" % banner
        return [BUSYBOX, "nc", "-ll", "-p", str(port), "-e", BUSYBOX, "sh", "-c", script]
    return [BUSYBOX, "nc", "-ll", "-p", str(port), "-e", BUSYBOX, "cat"]


class Dockerd:
    def __init__(self, start_timeout=30.0, bridge=False):
        # A short path: unix socket paths are limited to 108 bytes.
        self.dir = tempfile.mkdtemp(prefix="sy-dockerd-", dir="/tmp")
        self.sock = os.path.join(self.dir, "docker.sock")
        self.endpoint = "unix://" + self.sock
        self.start_timeout = start_timeout
        self.proc = None
        self.log_path = os.path.join(self.dir, "dockerd.log")
        # bridge=True: Docker's default networking (docker0, iptables, the userland proxy), which host-mode published
        # ports need; only inside private_network(), so the host is left as it was.
        self.bridge = bridge
        if bridge and os.environ.get("SY_PRIVATE_NETNS") != "1":
            raise RuntimeError("Dockerd(bridge=True) only inside dockerd.private_network()")

    # ------------------------------------------------------------------------------------------- daemon life
    def _clear_stale_containerd(self):
        """After a crash, the pid file of dockerd's containerd may name a zombie (nobody reaps it in a container
        whose init does not): dockerd then waits for that "running" containerd until it times out."""
        pid_file = os.path.join(self.dir, "exec", "containerd", "containerd.pid")
        try:
            with open(pid_file) as f:
                pid = int(f.read().strip() or 0)
        except (OSError, ValueError):
            return
        alive = False
        try:
            with open("/proc/%d/stat" % pid) as f:
                alive = f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            pass
        if not alive:
            os.unlink(pid_file)

    def _kill_leftovers(self):
        """Processes of this daemon that outlived it (containerd, shims, the containers under them): the test's
        own, found by the temp dir on their command line; children first."""
        procs = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
                with open("/proc/%s/stat" % entry) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            procs[int(entry)] = (ppid, cmdline)
        roots = [pid for pid, (_, cmd) in procs.items() if self.dir in cmd and pid != os.getpid()]
        children = [pid for pid, (ppid, _) in procs.items() if ppid in roots]
        for pid in children + roots:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def start_daemon(self):
        self._clear_stale_containerd()
        network = [] if self.bridge else ["--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-masq=false"]
        cmd = ["dockerd"] + network + ["-H", self.endpoint, "--data-root", os.path.join(self.dir, "data"),
               "--exec-root", os.path.join(self.dir, "exec"), "--pidfile", os.path.join(self.dir, "docker.pid")]
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("dockerd exited with %s; log:\n%s" % (self.proc.returncode, self.log_tail()))
            try:
                status, body = self.api_get("/_ping", timeout=1.0)
                if status == 200 and body == b"OK":
                    return
            except OSError:
                pass
            time.sleep(0.05)  # polling a socket that does not exist yet: there is no event to wait for
        raise RuntimeError("dockerd did not answer /_ping within %.0f s; log:\n%s" % (self.start_timeout, self.log_tail()))

    def stop_daemon(self, sig=signal.SIGTERM, timeout=30.0):
        """Stops dockerd (it stops its containers first, as a real shutdown does) and waits for it to exit."""
        if not self.proc or self.proc.poll() is not None:
            return
        if sig == signal.SIGKILL:
            # A crash of the Docker service: dockerd and the containerd it manages (same process group) die at
            # once, as under systemd's KillMode=control-group; a containerd left behind can make the next dockerd
            # time out waiting for it. Containers (their shims) keep running.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
        else:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=timeout)

    def log_tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""

    def __enter__(self):
        self.start_daemon()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self.proc and self.proc.poll() is None:
            try:
                ids = self.docker("ps", "-aq", check=False).split()
                if ids:
                    self.docker("rm", "-f", *ids, check=False, timeout=60)
            except Exception:
                pass
            self.stop_daemon()
        self._kill_leftovers()
        self._unmount_all()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _unmount_all(self):
        """dockerd leaves mounts under its dirs (exec/netns/default, overlay layers): unmount deepest first."""
        try:
            with open("/proc/mounts") as f:
                points = [line.split()[1] for line in f]
        except OSError:
            return
        mine = [p for p in points if p == self.dir or p.startswith(self.dir + "/")]
        for point in sorted(set(mine), key=len, reverse=True):
            subprocess.run(["umount", "-l", point], capture_output=True)

    # ---------------------------------------------------------------------------------------------- clients
    def api_get(self, path, timeout=5.0):
        conn = UnixHTTPConnection(self.sock, timeout)
        try:
            conn.request("GET", path, headers={"Host": "docker"})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def docker(self, *args, check=True, timeout=60):
        r = subprocess.run(["docker", "-H", self.endpoint] + list(args), capture_output=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("docker %s failed: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
        return r.stdout.decode().strip()

    def ensure_image(self):
        """Imports a one-file image holding /bin/busybox (static), tagged IMAGE."""
        if self.docker("images", "-q", IMAGE):
            return
        tar_path = os.path.join(self.dir, "rootfs.tar")
        with tarfile.open(tar_path, "w") as tar:
            tar.add(BUSYBOX, arcname="bin/busybox")
            for name in ("sh", "cat", "test", "touch", "rm", "sleep"):
                link = tarfile.TarInfo("bin/" + name)
                link.type = tarfile.SYMTYPE
                link.linkname = "busybox"
                tar.addfile(link)
            tmp = tarfile.TarInfo("tmp")
            tmp.type = tarfile.DIRTYPE
            tmp.mode = 0o1777
            tar.addfile(tmp)
        self.docker("import", tar_path, IMAGE)

    def run(self, name, labels=None, cmd=None, network="host", health_cmd=None, extra=()):
        """Starts a detached container and returns its full ID."""
        args = ["run", "-d", "--name", name, "--network", network]
        for k, v in (labels or {}).items():
            args += ["--label", "%s=%s" % (k, v)]
        if health_cmd:
            args += ["--health-cmd", health_cmd, "--health-interval", "1s", "--health-retries", "1",
                     "--health-timeout", "1s"]
        args += list(extra)
        args += [IMAGE] + (cmd or [BUSYBOX, "sleep", "3600"])
        return self.docker(*args)

    def inspect(self, cid):
        status, body = self.api_get("/containers/%s/json" % cid)
        if status != 200:
            raise RuntimeError("inspect %s: HTTP %d" % (cid, status))
        return json.loads(body)
