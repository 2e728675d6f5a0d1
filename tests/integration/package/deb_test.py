"""The Debian package: packaging/deb/build.sh builds it (here around the test build's binary, so no release build is
needed), dpkg -i installs it in a clean root, switchyard runs there, its default configuration passes
`switchyard config check`, and systemd-analyze verify accepts the unit.

The clean root is made from the host's own packages (no mirror is needed, debootstrap would need one): dpkg and a
shell with their dependencies, plus the package's own Depends, each copied file by file from what the host's dpkg
database says it installed, and recorded as installed in the root's own database. dpkg inside the root then checks
the package's dependencies against that database, as on a real system.
"""
import os
import re
import shutil
import subprocess
import tempfile

import sy_harness as h

ROOT = os.environ.get("SY_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BASE = ["dpkg", "dash", "coreutils", "tar", "diffutils", "libc-bin", "findutils", "sed", "grep", "gzip"]


def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def query(fmt, pkg):
    r = run(["dpkg-query", "-W", "-f=" + fmt, pkg])
    return r.stdout if r.returncode == 0 else None


def host_packages():
    """Every installed package of the host: name → (Pre-Depends and Depends, Provides), in one dpkg-query call."""
    out = {}
    fmt = "${db:Status-Abbrev}\t${Package}\t${Pre-Depends}, ${Depends}\t${Provides}\n"
    for line in run(["dpkg-query", "-W", "-f=" + fmt]).stdout.splitlines():
        status, name, depends, provides = (line.split("\t") + ["", "", ""])[:4]
        if status.startswith("ii"):
            out[name] = (depends, provides)
    return out


def bare(item):
    return re.sub(r"[ (:].*", "", item.strip())


def closure(names):
    """The packages `names` need, recursively (Depends and Pre-Depends; of alternatives, the first installed;
    virtual packages by an installed provider, libspdlog1.10-fmt9 by libspdlog1.10)."""
    host = host_packages()
    virtual = {}
    for pkg, (_, provides) in host.items():
        for p in provides.split(","):
            if bare(p):
                virtual.setdefault(bare(p), pkg)
    seen, todo = [], list(names)
    while todo:
        name = todo.pop()
        name = name if name in host else virtual.get(name, name)
        if name in seen:
            continue
        if name not in host:
            raise h.TestFailure("package %s is not installed on the host" % name)
        seen.append(name)
        for group in host[name][0].split(","):
            for a in (bare(x) for x in group.split("|")):
                if a in host or a in virtual:
                    todo.append(a)
                    break
    return seen


def copy_files(pkg, root):
    """Every file and symlink the host's dpkg says `pkg` installed, at the same path under `root` (whose /bin, /lib
    ... are merged-/usr symlinks, as on the host)."""
    for path in (query("${db-fsys:Files}", pkg) or "").split("\n"):
        path = path.strip()
        if not path or os.path.isdir(path) and not os.path.islink(path) or not os.path.lexists(path):
            continue
        dest = root + path
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if not os.path.lexists(dest):
            shutil.copy2(path, dest, follow_symlinks=False)


def make_root(packages):
    root = tempfile.mkdtemp(prefix="sy-debroot-")
    for d in ("usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "etc", "tmp", "dev", "var/lib/dpkg/info",
              "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/log", "run"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for link in ("bin", "sbin", "lib", "lib64"):  # Debian 12 is merged-/usr
        os.symlink("usr/" + link, os.path.join(root, link))
    os.mknod(os.path.join(root, "dev/null"), 0o666 | 0o020000, os.makedev(1, 3))
    status = []
    for pkg in packages:
        copy_files(pkg, root)
        status.append(run(["dpkg-query", "-s", pkg]).stdout.strip())
        arch = query("${binary:Package}", pkg)
        for info in (arch, pkg):
            for ext in ("list", "md5sums"):
                src = "/var/lib/dpkg/info/%s.%s" % (info, ext)
                if os.path.exists(src):
                    shutil.copy(src, os.path.join(root, "var/lib/dpkg/info"))
    with open(os.path.join(root, "var/lib/dpkg/status"), "w") as f:
        f.write("\n\n".join(status) + "\n")
    open(os.path.join(root, "var/lib/dpkg/available"), "w").close()
    return root


def test_package_installs_in_a_clean_root():
    if os.geteuid() != 0:
        raise h.Skip("needs root (chroot, mknod)")
    for tool in ("dpkg-deb", "dpkg-shlibdeps", "help2man", "systemd-analyze"):
        if not shutil.which(tool):
            raise h.Skip("%s is not installed (scripts/install-deps.sh test)" % tool)
    out = tempfile.mkdtemp(prefix="sy-deb-")
    root = None
    try:
        env = dict(os.environ, SWITCHYARD_BIN=h.binary())
        b = run([os.path.join(ROOT, "packaging", "deb", "build.sh"), out], env=env)
        h.check(b.returncode == 0, "build.sh failed:\n%s%s" % (b.stdout, b.stderr))
        deb = b.stdout.strip().splitlines()[-1]
        h.check(deb.endswith(".deb") and os.path.exists(deb), "no package: %r" % b.stdout)
        fields = run(["dpkg-deb", "--field", deb, "Package", "Version", "Depends"]).stdout
        print(fields.strip())
        contents = run(["dpkg-deb", "--contents", deb]).stdout
        for path in ("./usr/bin/switchyard", "./lib/systemd/system/switchyard.service",
                     "./etc/switchyard/switchyard.yml", "./etc/logrotate.d/switchyard",
                     "./usr/share/man/man1/switchyard.1.gz"):
            h.check(path in contents, "%s missing from the package:\n%s" % (path, contents))

        depends = re.search(r"^Depends: (.*)$", fields, re.M)
        names = [re.sub(r"[ (:].*", "", d.strip()) for d in depends.group(1).split(",")] if depends else []
        root = make_root(closure(BASE + names))
        shutil.copy(deb, os.path.join(root, "tmp"))
        inst = run(["chroot", root, "dpkg", "-i", "/tmp/" + os.path.basename(deb)])
        h.check(inst.returncode == 0, "dpkg -i in the clean root failed:\n%s%s" % (inst.stdout, inst.stderr))
        h.check(installed_in(root, "switchyard"), "dpkg does not list switchyard as installed in the root")

        v = run(["chroot", root, "switchyard", "version"])
        h.check(v.returncode == 0 and v.stdout.startswith("Switchyard "), "switchyard version: %r %r" % (v.stdout, v.stderr))
        print(v.stdout.splitlines()[0])
        c = run(["chroot", root, "switchyard", "config", "check", "--configFile=/etc/switchyard/switchyard.yml"])
        h.check(c.returncode == 0 and "0 errors" in c.stdout,
                "the default configuration does not pass config check:\n%s%s" % (c.stdout, c.stderr))

        unit = os.path.join(root, "lib/systemd/system/switchyard.service")
        text = open(unit).read()
        for setting in ("DynamicUser=yes", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "ProtectSystem=strict",
                        "NoNewPrivileges=yes", "LogsDirectory=switchyard"):
            h.check(setting in text, "the unit lacks %s" % setting)
        # The host's systemd-analyze checks the unit against the root: its ExecStart binaries, and systemd's own
        # targets, whose unit files are copied in (not installed: the root runs no systemd).
        copy_files("systemd", root)
        a = run(["systemd-analyze", "verify", "--man=no", "--root=" + root, "/lib/systemd/system/switchyard.service"])
        problems = [l for l in (a.stdout + a.stderr).splitlines() if "switchyard.service" in l]
        h.check(a.returncode == 0 and not problems,
                "systemd-analyze verify (exit %d):\n%s%s" % (a.returncode, a.stdout, a.stderr))
        rotate = open(os.path.join(root, "etc/logrotate.d/switchyard")).read()
        h.check("SIGUSR1" in rotate, "logrotate must signal SIGUSR1")
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if root:
            shutil.rmtree(root, ignore_errors=True)
    print("ok")


def installed_in(root, name):
    r = run(["dpkg-query", "--admindir=" + os.path.join(root, "var/lib/dpkg"), "-W", "-f=${db:Status-Abbrev}", name])
    return r.stdout.startswith("ii")


if __name__ == "__main__":
    h.run([test_package_installs_in_a_clean_root])
