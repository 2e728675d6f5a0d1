"""An allow-list proxy in front of the Docker socket, as strict as docker-api.md §5.3 (issue 7: "a socket proxy that
allows only the endpoints above is enough"). GET (and HEAD /_ping) of /_ping, /version, /containers/json,
/containers/{id}/json and /events, with or without a /vX.Y prefix; everything else gets 403 and is recorded.
Listens on 127.0.0.1 (tcp://); forwards each request on a fresh connection with `Connection: close`, so every request
is checked (a keep-alive tunnel would let a second request through unchecked).

Two faults a real dockerd cannot produce, for the tests that say so: `deny_inspect(id)` answers 403 to that
container's inspect (a filtering proxy's refusal), and `freeze()` makes the daemon look vanished: connections stay
open and nothing more arrives, as when the daemon's host is gone (a killed dockerd closes its sockets instead).
"""
import re
import socket
import threading

ALLOWED_GET = re.compile(r"^/(v1\.[0-9]{1,2}/)?(_ping|version|events|containers/json|containers/[a-zA-Z0-9_.-]+/json)$")
ALLOWED_HEAD = re.compile(r"^/(v1\.[0-9]{1,2}/)?_ping$")


class SocketProxy:
    def __init__(self, upstream_path):
        self.upstream_path = upstream_path
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.endpoint = "tcp://127.0.0.1:%d" % self.port
        self.allowed = []
        self.denied = []
        self.lock = threading.Lock()
        self.closed = False
        self.denied_inspect = set()
        self.thawed = threading.Event()
        self.thawed.set()
        threading.Thread(target=self._accept, daemon=True).start()

    def deny_inspect(self, cid):
        with self.lock:
            self.denied_inspect.add(cid)

    def freeze(self):
        self.thawed.clear()

    def thaw(self):
        self.thawed.set()

    def close(self):
        self.closed = True
        self.thawed.set()
        try:
            self.listener.close()
        except OSError:
            pass

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        try:
            head = b""
            client.settimeout(30)
            while b"\r\n\r\n" not in head:
                data = client.recv(4096)
                if not data:
                    return
                head += data
                if len(head) > 65536:
                    return
            head = head[: head.index(b"\r\n\r\n")]
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            path = target.split("?", 1)[0]
            self.thawed.wait()  # frozen: the request is read and never answered
            if self.closed:
                return
            ok = (method == "GET" and ALLOWED_GET.match(path)) or (method == "HEAD" and ALLOWED_HEAD.match(path))
            inspected = re.match(r"^/(v1\.[0-9]{1,2}/)?containers/([a-zA-Z0-9_.-]+)/json$", path)
            with self.lock:
                refused = bool(inspected) and any(c.startswith(inspected.group(2)) or inspected.group(2).startswith(c)
                                                  for c in self.denied_inspect)
            if refused:
                client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 37\r\n"
                               b"Connection: close\r\n\r\n{\"message\":\"forbidden by the proxy\"}\n")
                return
            with self.lock:
                (self.allowed if ok else self.denied).append("%s %s" % (method, path))
            if not ok:
                client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 45\r\n"
                               b"Connection: close\r\n\r\nRequest forbidden by administrative rules.\r\n\r\n")
                return
            kept = [l for l in lines[1:] if not l.lower().startswith("connection:")]
            request = "\r\n".join([lines[0]] + kept + ["Connection: close", "", ""]).encode("latin-1")
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.upstream_path)
            except OSError:
                return  # the daemon is down: the client sees the connection close, as behind a real proxy
            upstream.sendall(request)
            client.settimeout(None)
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                self.thawed.wait()  # frozen: held, and the connection stays open
                client.sendall(data)
            upstream.close()
        except OSError:
            pass
        finally:
            try:
                client.close()
            except OSError:
                pass
