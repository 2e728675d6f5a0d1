"""A private CrowdSec Local API for tests (Python 3 stdlib only): Debian's crowdsec with its own config directory,
LAPI on 127.0.0.1:<port>, a local SQLite database, no agent (-no-cs) and no Central API (-no-capi), so nothing leaves
the machine. cscli talks to it with the same config file.

    import crowdsec
    crowdsec.require()                       # exits 77 (meson's "skipped") unless crowdsec and cscli are installed
    with crowdsec.LocalApi(port) as lapi:
        key = lapi.add_bouncer("switchyard")   # cscli bouncers add: the bouncer's API key
        lapi.cscli("decisions", "add", "--ip", "127.0.0.5")
        lapi.stop(); lapi.start()             # the LAPI goes away and comes back (same database, same keys)

Every wait has a timeout; nothing sleeps to synchronise.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def require():
    """Skips the calling test (exit 77) unless Debian's crowdsec (the daemon and cscli) is installed."""
    missing = [t for t in ("crowdsec", "cscli") if not shutil.which(t)]
    if missing:
        print("SKIP: needs %s (Debian: crowdsec; scripts/install-deps.sh test installs it)" % ", ".join(missing),
              flush=True)
        sys.exit(77)


class LocalApi:
    def __init__(self, port, root=None):
        self.port = port
        self.root = root or tempfile.mkdtemp(prefix="sy-crowdsec-")
        self.config = os.path.join(self.root, "config.yaml")
        self.log_path = os.path.join(self.root, "crowdsec.log")
        self.proc = None
        self._write_config()

    def _write_config(self):
        d = self.root
        for sub in ("data", "hub", "notifications"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        # Debian's profile: a ban decision per alert, which `cscli decisions add` makes directly anyway.
        shutil.copy("/etc/crowdsec/profiles.yaml", os.path.join(d, "profiles.yaml"))
        with open(os.path.join(d, "simulation.yaml"), "w", encoding="utf-8") as f:
            f.write("simulation: false\n")
        with open(os.path.join(d, "acquis.yaml"), "w", encoding="utf-8") as f:
            f.write("")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(f"""\
common:
  daemonize: false
  log_media: stdout
  log_level: info
  working_dir: {d}
config_paths:
  config_dir: {d}/
  data_dir: {d}/data/
  simulation_path: {d}/simulation.yaml
  hub_dir: {d}/hub/
  index_path: {d}/hub/.index.json
  notification_dir: {d}/notifications/
  plugin_dir: /usr/lib/crowdsec/plugins/
crowdsec_service:
  acquisition_path: {d}/acquis.yaml
cscli:
  output: human
db_config:
  log_level: info
  type: sqlite
  db_path: {d}/data/crowdsec.db
  use_wal: false
api:
  client:
    credentials_path: {d}/local_api_credentials.yaml
  server:
    log_level: info
    listen_uri: 127.0.0.1:{self.port}
    profiles_path: {d}/profiles.yaml
    console_path: {d}/console.yaml
    trusted_ips:
      - 127.0.0.1
prometheus:
  enabled: false
""")

    def start(self, timeout=20.0):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(["crowdsec", "-c", self.config, "-no-cs", "-no-capi"], cwd=self.root,
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("crowdsec exited (%s):\n%s" % (self.proc.returncode, self.log()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("crowdsec's LAPI not listening on %d within %.0fs:\n%s"
                               % (self.port, timeout, self.log()))
        if not os.path.exists(os.path.join(self.root, "local_api_credentials.yaml")):
            # A machine for cscli's decisions commands, which log in to the LAPI (bouncers add writes the DB).
            self.cscli("machines", "add", "sy-test", "--auto", "--force")
        return self

    def stop(self, timeout=15.0):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def cscli(self, *args, timeout=30):
        r = subprocess.run(["cscli", "-c", self.config, *args], capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("cscli %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r.stdout

    def add_bouncer(self, name):
        return self.cscli("bouncers", "add", name, "-o", "raw").strip()

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
        return False
