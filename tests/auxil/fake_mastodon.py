"""A fake Mastodon server on 127.0.0.1: ``POST /api/v1/statuses``, as strict as the real one.

It demands the account's bearer token, refuses statuses over 500 characters (422), honours
``Idempotency-Key`` (a repeat answers the status already made), and fails on demand: down (503),
rate limited (429 with ``X-RateLimit-Reset``), or made-but-unanswered (the status is created,
then the answer is a 500, as when a reply is lost).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

from auxil.loopback import LoopbackServer, http_server


@dataclass
class Fault:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    #: Carry the call out, then answer the fault anyway (a lost reply).
    after_creating: bool = False


class FakeMastodon(LoopbackServer):
    def __init__(self, token: str = "mastodon-test-token") -> None:
        self.token = token
        self.statuses: list[str] = []
        self.requests: list[dict[str, str]] = []
        self._keys: dict[str, int] = {}
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        super().__init__(http_server(_handler(self)))

    @property
    def url(self) -> str:
        return self.base

    def fail(self, status: int = 503, *, times: int = 1, headers: dict[str, str] | None = None) -> None:
        for _ in range(times):
            self._faults.append(Fault(status, headers or {}))

    def lose_answer(self) -> None:
        """The next status is made, but its answer is a 500."""
        self._faults.append(Fault(500, after_creating=True))

    def handle(
        self, headers: dict[str, str], form: dict[str, str]
    ) -> tuple[int, dict[str, object], dict[str, str]]:
        with self._lock:
            self.requests.append(headers)
            if headers.get("authorization") != f"Bearer {self.token}":
                return 401, {"error": "The access token is invalid"}, {}
            fault = self._faults.popleft() if self._faults else None
            if fault is not None and not fault.after_creating:
                return fault.status, {"error": "Service Unavailable"}, fault.headers
            text = form.get("status", "")
            if not text.strip():
                return 422, {"error": "Validation failed: Text can't be blank"}, {}
            if len(text) > 500:
                return 422, {"error": "Validation failed: Text character limit of 500 exceeded"}, {}
            key = headers.get("idempotency-key")
            if key is not None and key in self._keys:
                number = self._keys[key]
            else:
                self.statuses.append(text)
                number = len(self.statuses)
                if key is not None:
                    self._keys[key] = number
            if fault is not None:
                return fault.status, {"error": "Internal Server Error"}, {}
            return 200, {"id": str(number), "url": f"https://mastodon.example/@news/{number}"}, {}


def _handler(api: FakeMastodon) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if self.path != "/api/v1/statuses":
                status, answer, extra = 404, {"error": "Record not found"}, {}
            else:
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    form = {key: str(value) for key, value in json.loads(raw or "{}").items()}
                else:
                    form = {key: values[-1] for key, values in parse_qs(raw).items()}
                headers = {key.lower(): value for key, value in self.headers.items()}
                status, answer, extra = api.handle(headers, form)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
