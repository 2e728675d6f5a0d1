"""An allow-list proxy in front of the Docker socket, as strict as docker-api.md §5.3 (issue 7: "a socket proxy that
allows only the endpoints above is enough"). GET (and HEAD /_ping) of /_ping, /version, /containers/json,
/containers/{id}/json and /events, with or without a /vX.Y prefix; everything else gets 403 and is recorded.
Listens on 127.0.0.1 (tcp://); forwards each request on a fresh connection with `Connection: close`, so every request
is checked (a keep-alive tunnel would let a second request through unchecked).
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
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.closed = True
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
            ok = (method == "GET" and ALLOWED_GET.match(path)) or (method == "HEAD" and ALLOWED_HEAD.match(path))
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
                client.sendall(data)
            upstream.close()
        except OSError:
            pass
        finally:
            try:
                client.close()
            except OSError:
                pass
