"""Benchmark: poll 1,000 distinct feeds served from this machine, twice.

The first pass fetches and parses every feed and queues each new feed's newest item; the second
pass is conditional (ETag / If-None-Match) and every feed answers 304. Targets (issue 5): first
pass ≤ 10 s wall and ≤ 200 MB peak memory on 2 cores; second pass ≥ 3× faster than the first.

The feeds are spread over 100 loopback addresses (127.0.1.1 …), as real feeds are spread over
many hosts, so the per-host limit applies as it would in production. The server runs in its own
process and is not counted in the memory figure.

    .venv/bin/python bench/feed_polling.py [--feeds 1000] [--items 20]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import socket
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from bot.clock import utcnow
from bot.ingest.http import Fetcher, FetchPolicy, build_client
from bot.ingest.poller import Poller, PollPolicy, PollResult
from bot.storage import NewFeed, open_store

HOSTS = [f"127.0.1.{n}" for n in range(1, 101)]
_DAY0 = datetime(2026, 3, 1, tzinfo=UTC)


def feed_document(number: int, items: int) -> bytes:
    """A distinct RSS 2.0 feed of ordinary size: `items` items with HTML descriptions."""
    entries = []
    for item in range(items):
        published = format_datetime(_DAY0 - timedelta(hours=item))
        entries.append(
            f"<item><title>Feed {number} story {item}: council approves new harbour plan</title>"
            f"<link>https://site{number}.example/news/{item}?utm_source=rss</link>"
            f"<guid isPermaLink='false'>site{number}-{item}</guid><pubDate>{published}</pubDate>"
            f"<category>Local</category><description><![CDATA[<p>Story {item} of feed {number}. "
            + "The council met on Tuesday and approved the plan after a long debate. " * 6
            + "</p>]]></description></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Site {number}</title><link>https://site{number}.example/</link>{''.join(entries)}"
        "</channel></rss>"
    ).encode()


def serve(
    port: int, feeds: int, items: int, ready: multiprocessing.synchronize.Event, latency: float = 0.0
) -> None:
    """A minimal HTTP/1.1 server with keep-alive and ETags (runs in a child process); `latency`
    seconds before each answer stand for the network between hashbot and a remote feed."""
    documents = {f"/feed/{n}.xml": feed_document(n, items) for n in range(feeds)}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
                body = documents.get(path)
                etag = f'"{path}-v1"'
                if body is None:
                    status, body, extra = "404 Not Found", b"", ""
                elif headers.get("if-none-match") == etag:
                    status, body, extra = "304 Not Modified", b"", f"ETag: {etag}\r\n"
                else:
                    status, extra = "200 OK", f"ETag: {etag}\r\nContent-Type: application/rss+xml\r\n"
                if latency:
                    await asyncio.sleep(latency)
                writer.write(
                    f"HTTP/1.1 {status}\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode() + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, host=HOSTS, port=port, backlog=1024)
        ready.set()
        await server.serve_forever()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOSTS[0], 0))
        return int(sock.getsockname()[1])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def poll_pass(store_path: Path) -> tuple[float, list[PollResult]]:
    store = open_store(store_path)
    policy = FetchPolicy()
    try:
        async with build_client(policy) as client:
            poller = Poller(store=store, fetcher=Fetcher(client, policy), policy=PollPolicy())
            feeds = store.feeds()
            start = time.perf_counter()
            results = await poller.poll_many(feeds)
            return time.perf_counter() - start, results
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args()

    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, args.feeds, args.items, ready), daemon=True)
    server.start()
    ready.wait(30)
    try:
        with tempfile.TemporaryDirectory() as folder:
            store_path = Path(folder) / "bench.sqlite3"
            store = open_store(store_path)
            for n in range(args.feeds):
                store.add_feed(
                    NewFeed(url=f"http://{HOSTS[n % len(HOSTS)]}:{port}/feed/{n}.xml"), now=utcnow()
                )
            store.close()
            baseline_mb = peak_mb()
            first, first_results = asyncio.run(poll_pass(store_path))
            second, second_results = asyncio.run(poll_pass(store_path))
    finally:
        server.terminate()
        server.join()

    def outcomes(results: list[PollResult]) -> str:
        return ", ".join(f"{n} {outcome}" for outcome, n in Counter(r.outcome.value for r in results).items())

    size_kb = len(feed_document(0, args.items)) / 1024
    print(f"{args.feeds} feeds × {args.items} items (~{size_kb:.0f} KB each) on {len(HOSTS)} loopback hosts")
    print(
        f"first pass (full):        {first:6.2f} s  {outcomes(first_results)}; "
        f"{sum(len(r.queued) for r in first_results)} posts queued"
    )
    print(f"second pass (conditional): {second:6.2f} s  {outcomes(second_results)}")
    print(f"second pass speed-up:     {first / second:6.1f}× faster than the first pass")
    print(f"peak memory (RSS):        {peak_mb():6.0f} MB (before polling: {baseline_mb:.0f} MB)")


if __name__ == "__main__":
    main()
