"""A fake Telegraph API (api.telegra.ph) on 127.0.0.1: accounts, pages, and faults on demand.

It checks what the real one checks for the calls hashbot makes (a known token, a title of 1–256
characters, content as a list of Nodes of the allowed tags, at most 64 KB) and answers in its
shapes: ``{"ok": true, "result": …}`` or ``{"ok": false, "error": "…"}``.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from auxil.loopback import LoopbackServer, http_server

JSON = dict[str, Any]

#: The tags Telegraph accepts in page content.
ALLOWED_TAGS = frozenset(
    {"a", "aside", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h3", "h4", "hr"}
    | {"i", "iframe", "img", "li", "ol", "p", "pre", "s", "strong", "u", "ul", "video"}
)


class TelegraphRefusal(Exception):
    pass


@dataclass
class Page:
    path: str
    title: str
    author_name: str | None
    author_url: str | None
    content: list[Any]
    token: str

    @property
    def url(self) -> str:
        return f"https://telegra.ph/{self.path}"

    def text(self) -> str:
        """The page's visible text, paragraphs on their own lines."""

        def walk(node: Any) -> str:
            if isinstance(node, str):
                return node
            return "".join(walk(child) for child in node.get("children", []))

        return "\n".join(walk(node) for node in self.content)

    def images(self) -> list[str]:
        found: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("tag") == "img":
                    found.append(node["attrs"]["src"])
                for child in node.get("children", []):
                    walk(child)

        for node in self.content:
            walk(node)
        return found


@dataclass
class FakeTelegraph(LoopbackServer):
    accounts: dict[str, str] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    #: Every call's method and parameters, as received.
    calls: list[tuple[str, JSON]] = field(default_factory=list)
    _faults: deque[tuple[str, int, str]] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        super().__init__(http_server(_handler(self)))

    @property
    def url(self) -> str:
        return self.base

    def fail(self, method: str, status: int = 500, error: str = "INTERNAL_ERROR", *, times: int = 1) -> None:
        """The next `times` calls of `method` answer `status` with `error` and do nothing."""
        for _ in range(times):
            self._faults.append((method, status, error))

    def revoke(self, token: str) -> None:
        """The account's token stops working, as after revokeAccessToken."""
        self.accounts.pop(token, None)

    def calls_of(self, method: str) -> list[JSON]:
        return [params for name, params in self.calls if name == method]

    def handle(self, method: str, params: JSON) -> tuple[int, JSON]:
        with self._lock:
            self.calls.append((method, params))
            for index, (name, status, error) in enumerate(self._faults):
                if name == method:
                    del self._faults[index]
                    return status, {"ok": False, "error": error}
            try:
                if method == "createAccount":
                    return 200, {"ok": True, "result": self._create_account(params)}
                if method == "createPage":
                    return 200, {"ok": True, "result": self._create_page(params)}
            except TelegraphRefusal as refusal:
                return 400, {"ok": False, "error": str(refusal)}
            return 404, {"ok": False, "error": "METHOD_NOT_FOUND"}

    def _create_account(self, params: JSON) -> JSON:
        short_name = params.get("short_name")
        if not isinstance(short_name, str) or not 1 <= len(short_name) <= 32:
            raise TelegraphRefusal("SHORT_NAME_REQUIRED")
        token = secrets.token_hex(20)
        self.accounts[token] = short_name
        return {"short_name": short_name, "author_name": params.get("author_name", ""), "access_token": token}

    def _create_page(self, params: JSON) -> JSON:
        token = params.get("access_token")
        if token not in self.accounts:
            raise TelegraphRefusal("ACCESS_TOKEN_INVALID")
        title = params.get("title")
        if not isinstance(title, str) or not 1 <= len(title) <= 256:
            raise TelegraphRefusal("TITLE_REQUIRED" if not title else "TITLE_TOO_LONG")
        author = params.get("author_name")
        if author is not None and len(author) > 128:
            raise TelegraphRefusal("AUTHOR_NAME_TOO_LONG")
        content = params.get("content")
        if isinstance(content, str):
            content = json.loads(content)
        if not isinstance(content, list) or not content:
            raise TelegraphRefusal("CONTENT_REQUIRED")
        if len(json.dumps(content, ensure_ascii=False).encode()) > 64 * 1024:
            raise TelegraphRefusal("CONTENT_TOO_BIG")
        for node in content:
            _check_node(node)
        page = Page(
            f"page-{len(self.pages) + 1}", title, author, params.get("author_url"), content, str(token)
        )
        self.pages.append(page)
        return {"path": page.path, "url": page.url, "title": title, "views": 0}


def _check_node(node: Any) -> None:
    if isinstance(node, str):
        return
    if not isinstance(node, dict) or node.get("tag") not in ALLOWED_TAGS:
        raise TelegraphRefusal(f"CONTENT_FORMAT_INVALID: {node!r:.60}")
    for child in node.get("children", []):
        _check_node(child)


def _handler(api: FakeTelegraph) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the bodies carry the account's token."""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                params = json.loads(raw or b"{}")
            except ValueError:
                params = {}
            status, answer = api.handle(self.path.strip("/").split("?")[0], params)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
