from __future__ import annotations

import asyncio
import gzip
import zlib

import httpx
import pytest
from auxil.feedserver import FeedServer, Route
from auxil.fetching import TEST_POLICY, fixture, with_fetcher

from bot.errors import FetchError
from bot.ingest.http import BoundedDecoder, Fetched, Fetcher, FetchPolicy

RSS = fixture("rss2_cdata.xml")


def _get(url: str, **validators: str | None) -> Fetched:
    return with_fetcher(lambda fetcher: fetcher.fetch(url, **validators))


def _error(url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        _get(url)
    assert caught.value.source == url
    return caught.value


def test_fetch_sends_an_honest_user_agent_and_feed_accept_header(server: FeedServer) -> None:
    server.routes["/feed.xml"] = Route(RSS)
    fetched = _get(server.url("/feed.xml"))
    assert fetched.body == RSS and fetched.status == 200
    assert fetched.content_type.startswith("application/rss+xml")
    [request] = server.hits("/feed.xml")
    assert request.headers["user-agent"] == "hashbot-tests/1.0"
    assert "application/rss+xml" in request.headers["accept"]
    assert "if-none-match" not in request.headers


def test_conditional_get_sends_validators_and_handles_304(server: FeedServer) -> None:
    modified = "Thu, 12 Mar 2026 08:30:00 GMT"
    server.routes["/feed.xml"] = Route(RSS, etag='"abc"', last_modified=modified)
    first = _get(server.url("/feed.xml"))
    assert (first.etag, first.last_modified) == ('"abc"', modified)
    again = _get(server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body == b""
    second = server.hits("/feed.xml")[1]
    assert second.headers["if-none-match"] == '"abc"'
    assert second.headers["if-modified-since"] == modified


def test_gzip_bodies_are_decoded(server: FeedServer) -> None:
    server.routes["/feed.xml"] = Route(RSS, gzip=True)
    assert _get(server.url("/feed.xml")).body == RSS
    assert "gzip" in server.hits("/feed.xml")[0].headers["accept-encoding"]


def test_corrupt_gzip_is_a_readable_error(server: FeedServer) -> None:
    server.routes["/feed.xml"] = Route(b"this is not gzip", headers={"Content-Encoding": "gzip"})
    assert "not decodable (corrupt gzip or deflate)" in _error(server.url("/feed.xml")).problem


@pytest.mark.parametrize(("status", "text"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal")])
def test_http_errors_name_the_status(server: FeedServer, status: int, text: str) -> None:
    server.routes["/feed.xml"] = Route(b"oops", status=status)
    error = _error(server.url("/feed.xml"))
    assert error.problem.startswith(text) and error.status == status


def test_retry_after_is_kept(server: FeedServer) -> None:
    server.routes["/feed.xml"] = Route(b"busy", status=503, headers={"Retry-After": "120"})
    assert _error(server.url("/feed.xml")).retry_after == 120


def test_a_retry_after_that_is_no_number_is_ignored(server: FeedServer) -> None:
    # Sent as latin-1 byte 0xB2, read back as "²": str.isdigit() says yes, float() says no.
    server.routes["/feed.xml"] = Route(b"busy", status=503, headers={"Retry-After": "²"})
    error = _error(server.url("/feed.xml"))
    assert error.status == 503 and error.retry_after is None


def test_redirects_are_followed_and_permanent_moves_reported(server: FeedServer) -> None:
    server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    server.routes["/new"] = Route(RSS)
    server.routes["/temp"] = Route(status=302, headers={"Location": "/new"})
    moved = _get(server.url("/old"))
    assert moved.body == RSS and moved.url == server.url("/new") and moved.moved_to == server.url("/new")
    assert _get(server.url("/temp")).moved_to is None


def test_redirect_loop_is_named(server: FeedServer) -> None:
    server.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    server.routes["/b"] = Route(status=302, headers={"Location": "/a"})
    error = _error(server.url("/a"))
    assert error.problem == f"redirect loop: {server.url('/a')} → {server.url('/b')} → {server.url('/a')}"


def test_too_many_redirects(server: FeedServer) -> None:
    for hop in range(10):
        server.routes[f"/{hop}"] = Route(status=307, headers={"Location": f"/{hop + 1}"})
    assert "more than 5 redirects" in _error(server.url("/0")).problem


def test_redirect_to_another_scheme_is_refused(server: FeedServer) -> None:
    server.routes["/ftp"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    assert "redirected to a non-HTTP address: file:" in _error(server.url("/ftp")).problem


def test_declared_oversized_body_is_refused_before_reading(server: FeedServer) -> None:
    server.routes["/big"] = Route(b"x" * (TEST_POLICY.max_bytes + 1))
    assert "more than the 65536 bytes limit" in _error(server.url("/big")).problem


def test_endless_body_is_cut_off_at_the_limit(server: FeedServer) -> None:
    server.routes["/endless"] = Route(endless_chunk=8192)
    assert "larger than the 65536 bytes limit; stopped reading" in _error(server.url("/endless")).problem


def test_gzip_bomb_is_measured_after_decoding(server: FeedServer) -> None:
    server.routes["/bomb"] = Route(b"\0" * (10 * TEST_POLICY.max_bytes), gzip=True)
    assert "stopped reading" in _error(server.url("/bomb")).problem


def test_slow_drip_hits_the_total_timeout(server: FeedServer) -> None:
    # Each byte arrives well within the read timeout; only a total limit ends this.
    server.routes["/drip"] = Route(drip_every=0.05)
    assert _error(server.url("/drip")).problem == "timed out after 1 s"


def test_refused_connection(refused_url: str) -> None:
    assert _error(refused_url).problem.startswith("cannot connect:")


def test_not_an_http_address() -> None:
    assert _error("ftp://example.org/feed").problem == "not an http(s) address"
    assert "not a usable http(s) address" in _error("http://[::1/feed").problem


@pytest.mark.parametrize(("hosts", "limit"), [(1, 2), (10, 3)])
def test_concurrency_is_bounded_per_host_and_overall(hosts: int, limit: int) -> None:
    active = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1
        return httpx.Response(200, content=RSS)

    policy = FetchPolicy(concurrency=3, per_host=2)

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(client, policy)
            await asyncio.gather(*(fetcher.fetch(f"https://h{i % hosts}.example/{i}") for i in range(20)))

    asyncio.run(main())
    assert peak == limit


def test_a_broken_chunked_answer_is_said_in_words(server: FeedServer) -> None:
    server.routes["/chunked"] = Route(
        raw=b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/xml\r\n\r\nzz\r\n<rss"
    )
    assert _error(server.url("/chunked")).problem == "the server broke off the answer or sent a malformed one"


def test_an_encoding_hashbot_never_asked_for_is_refused(server: FeedServer) -> None:
    server.routes["/br"] = Route(RSS, headers={"Content-Encoding": "br"})
    assert "sent the body as 'br', which hashbot did not ask for" in _error(server.url("/br")).problem


def test_a_bomb_chunk_is_never_inflated_past_the_room_left() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    decoder = BoundedDecoder.for_encoding("gzip", source="x")
    assert len(decoder.decode(bomb[:65536], room=1000)) == 1000
    assert len(decoder.decode(b"", room=5000)) == 5000  # the rest waits for the next call


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(b"one ") + gzip.compress(b"two")),  # two gzip members
        ("deflate", zlib.compress(b"one two")),
        ("deflate", zlib.compress(b"one two")[2:-4]),  # raw deflate, as some servers send it
        ("", b"one two"),
    ],
)
def test_bodies_decode_whole_in_small_pieces(encoding: str, body: bytes) -> None:
    decoder = BoundedDecoder.for_encoding(encoding, source="x")
    out = b"".join(decoder.decode(body[i : i + 3], room=100) for i in range(0, len(body), 3))
    out += decoder.decode(b"", room=100)
    assert out.replace(b" ", b"") == b"onetwo"
