"""Fixtures for feed and page tests: a local feed server, and an address where nothing listens."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from auxil.feedserver import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"
