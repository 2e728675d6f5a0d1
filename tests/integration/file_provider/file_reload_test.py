"""The file provider under a running router: rewrite the watched file (in place, by rename as editors do, by a
ConfigMap-style symlink swap in directory mode) and new connections follow the new routes; established ones keep
theirs; a file that does not parse keeps the last good routes in force and the log says what is wrong and where."""
import os
import time

import sy_harness as h

A = b"220 backend-a ESMTP\r\n"
B = b"220 backend-b ESMTP\r\n"


def dynamic(backend, entry_point="smtp", router="smtp"):
    return """\
tcp:
  routers:
    {router}:
      entryPoints: [{ep}]
      rule: "HostSNI(`*`)"
      service: mail
  services:
    mail:
      loadBalancer:
        servers:
          - address: "{address}"
""".format(router=router, ep=entry_point, address=backend.address)


def greeting_of(port):
    """The first line a new connection on `port` receives (b"" when the router closes it)."""
    with h.connect(port, timeout=3) as s:
        try:
            return h.recv_until(s, b"\r\n", timeout=3)
        except h.TestFailure:
            return b""


def wait_greeting(port, expected, timeout=h.DEFAULT_TIMEOUT):
    """New connections until one is greeted by `expected`: the reload is applied asynchronously, and a connection
    is the only thing a user can observe. Bounded by `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = greeting_of(port)
        if last == expected:
            return
        time.sleep(0.05)
    raise h.TestFailure("port %d still greets with %r, expected %r" % (port, last, expected))


def start(args, port, workdir):
    sy = h.Switchyard(["--entryPoints.smtp.address=127.0.0.1:%d" % port, "--log.level=INFO",
                       "--providers.providersThrottleDuration=200ms"] + args, workdir=workdir)
    sy.wait_for_port(port)
    return sy


def edit_in_place(path, text):
    with open(path, "w", encoding="utf-8") as f:  # truncate + write, as `echo > file` or some editors do
        f.write(text)


def test_rewrite_file_new_connections_follow():
    with h.greeting_backend(A) as a, h.greeting_backend(B) as b:
        port = h.free_port()
        d = h.temp_dir("sy-file-")
        path = h.write_file(os.path.join(d, "dynamic.yml"), dynamic(a))
        with start(["--providers.file.filename=" + path], port, d) as sy:
            wait_greeting(port, A)
            established = h.connect(port)
            h.check(h.recv_until(established, b"\r\n") == A, "established connection greeted by A")

            edit_in_place(path, dynamic(b))
            wait_greeting(port, B)
            # The connection made before the change still talks to backend A.
            established.sendall(b"NOOP\r\n")
            h.check(h.recv_until(established, b"NOOP\r\n").endswith(b"NOOP\r\n"), "old connection still echoed")
            established.close()

            h.write_file(path, dynamic(a))  # write to a temporary file + rename over the watched one
            wait_greeting(port, A)

            mark = sy.mark()
            edit_in_place(path, "tcp:\n  routers: [unclosed\n")
            sy.wait_for_log(r"dynamic\.yml.*last good configuration", start=mark)
            h.check(greeting_of(port) == A, "a broken file keeps the last good routes")

            h.write_file(path, dynamic(b))
            wait_greeting(port, B)
            h.check(sy.stop() == 0, "clean exit")


def test_directory_and_configmap_swap():
    with h.greeting_backend(A) as a, h.greeting_backend(B) as b:
        smtp, imap = h.free_ports(2)
        d = h.temp_dir("sy-dir-")
        conf = os.path.join(d, "conf")
        # Kubernetes mounts a ConfigMap as ..<timestamp>/ directories, a ..data symlink to the current one and a
        # symlink per key into ..data; an update swaps ..data by rename.
        os.makedirs(os.path.join(conf, "..v1"))
        h.write_file(os.path.join(conf, "..v1", "smtp.yml"), dynamic(a))
        os.symlink("..v1", os.path.join(conf, "..data"))
        os.symlink("..data/smtp.yml", os.path.join(conf, "smtp.yml"))
        with start(["--entryPoints.imap.address=127.0.0.1:%d" % imap, "--providers.file.directory=" + conf],
                   smtp, d) as sy:
            sy.wait_for_port(imap)
            wait_greeting(smtp, A)
            h.check(greeting_of(imap) == b"", "imap has no route yet: closed")

            os.makedirs(os.path.join(conf, "..v2"))
            h.write_file(os.path.join(conf, "..v2", "smtp.yml"), dynamic(b))
            os.symlink("..v2", os.path.join(conf, "..data_tmp"))
            os.replace(os.path.join(conf, "..data_tmp"), os.path.join(conf, "..data"))
            wait_greeting(smtp, B)

            # A new file in the directory adds its routes to the others'.
            h.write_file(os.path.join(conf, "imap.yaml"),
                         dynamic(a, entry_point="imap", router="imap").replace("mail", "dovecot"))
            wait_greeting(imap, A)
            h.check(greeting_of(smtp) == B, "smtp keeps its route")
            h.check(sy.stop() == 0, "clean exit")


if __name__ == "__main__":
    h.run([test_rewrite_file_new_connections_follow, test_directory_and_configmap_swap])
