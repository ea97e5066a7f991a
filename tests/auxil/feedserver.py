"""A local HTTP server for feed and page tests: fixture routes, hostile behaviours, request log.

Runs the standard library's threading HTTP server on 127.0.0.1 on a free port, in a background
thread. Each path answers as its :class:`Route` says: a body with headers, a status, a redirect, a
conditional GET (ETag / Last-Modified → 304), gzip, a body that never ends, or a slow drip.
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from xml.sax.saxutils import escape

from auxil.loopback import LoopbackServer, http_server


def rss(*items: tuple[str, str, str]) -> bytes:
    """An RSS 2.0 document from (guid, title, link) triples, newest first."""
    entries = "".join(
        f"<item><guid>{escape(guid)}</guid><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>{escape(title)}: the story in a sentence.</description></item>"
        for guid, title, link in items
    )
    return f"<rss version='2.0'><channel><title>Test</title>{entries}</channel></rss>".encode()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    #: Stream chunks of this many bytes until the client hangs up (no Content-Length).
    endless_chunk: int = 0
    #: Send the headers, then one byte every this many seconds, for ever.
    drip_every: float = 0.0
    #: Write these bytes as the whole answer, status line and headers included (broken HTTP).
    raw: bytes = b""


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


class FeedServer(LoopbackServer):
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        super().__init__(http_server(_handler(self)))

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def hits(self, path: str) -> list[Seen]:
        return [seen for seen in self.requests if seen.path == path]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            pass

        def do_GET(self) -> None:
            server.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(self.path)
            if route is None:
                self._answer(404, b"not found", {"Content-Type": "text/plain"})
                return
            headers = {"Content-Type": route.content_type, **route.headers}
            if route.etag:
                headers["ETag"] = route.etag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            unchanged = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
            )
            if route.raw:
                self.wfile.write(route.raw)
                self.close_connection = True
            elif unchanged:
                self._answer(304, b"", headers)
            elif route.endless_chunk:
                self._endless(route, headers)
            elif route.drip_every:
                self._drip(route, headers)
            else:
                body = route.body
                if route.gzip:
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                self._answer(route.status, body, headers)

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _endless(self, route: Route, headers: dict[str, str]) -> None:
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            chunk = b"<item>" + b"x" * route.endless_chunk
            try:
                for _ in range(100_000):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client stopped reading, as it should

        def _drip(self, route: Route, headers: dict[str, str]) -> None:
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                for _ in range(600):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(route.drip_every)
            except OSError:
                pass

    return Handler
