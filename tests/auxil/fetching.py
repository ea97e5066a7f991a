"""Helpers for feed and page tests: fixture files and fetchers with small, fast limits."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.ingest.http import Fetcher, FetchPolicy, build_client

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
#: Small limits so the hostile cases end quickly.
TEST_POLICY = FetchPolicy(
    user_agent="hashbot-tests/1.0", connect_timeout=1.0, total_timeout=1.0, max_bytes=64 * 1024
)

T = TypeVar("T")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def with_fetcher(work: Callable[[Fetcher], Awaitable[T]], policy: FetchPolicy = TEST_POLICY) -> T:
    """Run `work` with a fresh client and fetcher in a fresh event loop."""

    async def main() -> T:
        async with build_client(policy) as client:
            return await work(Fetcher(client, policy))

    return asyncio.run(main())
