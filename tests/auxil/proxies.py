"""Proxies on 127.0.0.1 for the proxy tests: an HTTP forward proxy and a SOCKS5 server.

Both demand a user name and password (HTTP ``Proxy-Authorization: Basic``, SOCKS5's RFC 1929
sub-negotiation), refuse anything else, and record where each request was going, so a test can
assert that a feed fetch and a Bot API call really went through them. Each runs on threads of its
own and relays bytes to the real (local) server.
"""

from __future__ import annotations

import base64
import http.client
import select
import socket
import socketserver
import struct
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from auxil.loopback import LoopbackServer, http_server

_HOP_BY_HOP = {"proxy-authorization", "proxy-connection", "connection", "keep-alive", "transfer-encoding"}


class _Proxy(LoopbackServer):
    """What both proxies share: credentials, the request log, a server thread."""

    scheme = ""

    def __init__(self, server: socketserver.BaseServer, *, user: str, password: str) -> None:
        self.user = user
        self.password = password
        #: Where each accepted request went: an absolute URL (HTTP) or ``host:port`` (SOCKS).
        self.seen: list[str] = []
        #: Requests refused for lacking or wrong credentials.
        self.refused = 0
        self._lock = threading.Lock()
        super().__init__(server)

    @property
    def url(self) -> str:
        """The proxy's address with its credentials, as an operator puts it in HASHBOT_PROXY_URL."""
        return f"{self.scheme}://{self.user}:{self.password}@127.0.0.1:{self.port}"

    def record(self, where: str) -> None:
        with self._lock:
            self.seen.append(where)

    def refuse(self) -> None:
        with self._lock:
            self.refused += 1


class HttpProxy(_Proxy):
    """A forward proxy for plain-HTTP targets (absolute-form request lines)."""

    scheme = "http"

    def __init__(self, *, user: str = "ann", password: str = "s3cret-proxy") -> None:
        server = http_server(_http_handler(self))
        super().__init__(server, user=user, password=password)

    def authorized(self, header: str | None) -> bool:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return header == f"Basic {token}"


def _http_handler(proxy: HttpProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: Bot API request lines carry the token."""

        def _relay(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if not proxy.authorized(self.headers.get("Proxy-Authorization")):
                proxy.refuse()
                self.send_response(407)
                self.send_header("Proxy-Authenticate", 'Basic realm="test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = urlsplit(self.path)
            proxy.record(self.path)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            upstream = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=60)
            try:
                path = target.path + (f"?{target.query}" if target.query else "")
                upstream.request(self.command, path or "/", body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in _HOP_BY_HOP and key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                self.close_connection = True
            finally:
                upstream.close()

        do_GET = do_POST = _relay

    return Handler


class Socks5Proxy(_Proxy):
    """A SOCKS5 server (RFC 1928) that allows only user/password authentication (RFC 1929)."""

    scheme = "socks5"

    def __init__(self, *, user: str = "ann", password: str = "s3cret-socks") -> None:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _socks_handler(self))
        server.daemon_threads = True
        super().__init__(server, user=user, password=password)


def _read(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("client hung up")
        data += chunk
    return data


def _socks_handler(proxy: Socks5Proxy) -> type[socketserver.BaseRequestHandler]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            client: socket.socket = self.request
            try:
                upstream = self._negotiate(client)
            except (ConnectionError, OSError):
                return
            if upstream is not None:
                with upstream:
                    _pipe(client, upstream)

        def _negotiate(self, client: socket.socket) -> socket.socket | None:
            version, count = _read(client, 2)
            methods = _read(client, count)
            if version != 5 or 2 not in methods:
                client.sendall(b"\x05\xff")  # no acceptable method
                proxy.refuse()
                return None
            client.sendall(b"\x05\x02")
            _, ulen = _read(client, 2)
            user = _read(client, ulen).decode()
            (plen,) = _read(client, 1)
            password = _read(client, plen).decode()
            if (user, password) != (proxy.user, proxy.password):
                client.sendall(b"\x01\x01")
                proxy.refuse()
                return None
            client.sendall(b"\x01\x00")
            _, command, _, kind = _read(client, 4)
            if kind == 1:
                host = socket.inet_ntoa(_read(client, 4))
            elif kind == 3:
                (length,) = _read(client, 1)
                host = _read(client, length).decode()
            else:
                host = socket.inet_ntop(socket.AF_INET6, _read(client, 16))
            (port,) = struct.unpack("!H", _read(client, 2))
            if command != 1:  # CONNECT only
                client.sendall(b"\x05\x07\x00\x01" + bytes(6))
                return None
            try:
                upstream = socket.create_connection((host, port), timeout=10)
            except OSError:
                client.sendall(b"\x05\x05\x00\x01" + bytes(6))
                return None
            proxy.record(f"{host}:{port}")
            client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", 0))
            return upstream

    return Handler


def _pipe(left: socket.socket, right: socket.socket) -> None:
    """Relay bytes both ways until either side closes."""
    sockets = [left, right]
    while True:
        readable, _, _ = select.select(sockets, [], [], 60)
        if not readable:
            return
        for sock in readable:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            (right if sock is left else left).sendall(data)
