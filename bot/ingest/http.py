"""How hashbot fetches anything over HTTP: the client policy every feed and page request follows.

The :class:`Fetcher` wraps an :class:`httpx.AsyncClient` that is passed in (tests give it a local
server or a ``MockTransport``) and adds what a bot reading strangers' servers for months needs: a
total time limit per fetch (connect and read limits alone let a slow drip run for ever), a body
size limit enforced while streaming (an endless or zip-bomb body is cut off, never buffered),
redirects followed by hand so loops and their length get a readable message, conditional GET,
an honest User-Agent, and bounded concurrency overall and per host. Every failure is a
:class:`~bot.errors.FetchError` whose message an operator can act on.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from bot import __version__
from bot.errors import FetchError
from bot.logs import redact

if TYPE_CHECKING:  # httpx loads with the first client: commands that only read the store skip it
    import httpx

DEFAULT_USER_AGENT = f"hashbot/{__version__} (feed reader for a Telegram channel)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_PERMANENT = frozenset({301, 308})
#: The content codings hashbot asks for and decodes itself (zlib window bits for each).
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
ACCEPT_ENCODING = "gzip, deflate"


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits and manners of every request; built from settings in the composition root."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 16
    per_host: int = 2
    #: Every request goes through this proxy (http, https or socks5 URL); kept out of repr, as
    #: it may carry a password.
    proxy: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response that was read whole (or a 304, with no body)."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    #: Where the resource now lives, when every redirect on the way was permanent (301/308).
    moved_to: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def build_client(policy: FetchPolicy) -> httpx.AsyncClient:
    """The client the composition root shares between feeds and pages."""
    import httpx

    return httpx.AsyncClient(
        headers={"User-Agent": policy.user_agent},
        timeout=httpx.Timeout(policy.total_timeout, connect=policy.connect_timeout),
        limits=httpx.Limits(max_connections=policy.concurrency, max_keepalive_connections=policy.concurrency),
        follow_redirects=False,
        proxy=policy.proxy,
    )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdecimal():  # not isdigit(): a stranger's "²" would reach float()
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _split(source: str, url: str) -> SplitResult:
    try:
        return urlsplit(url)
    except ValueError as exc:
        raise FetchError(source, f"not a usable http(s) address: {url} ({exc})") from None


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count} bytes"


class Fetcher:
    """GETs URLs under a :class:`FetchPolicy`; safe to share between concurrent tasks."""

    def __init__(self, client: httpx.AsyncClient, policy: FetchPolicy | None = None) -> None:
        self._client = client
        self.policy = policy or FetchPolicy()
        self._slots = asyncio.Semaphore(self.policy.concurrency)
        self._host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.policy.per_host)
        )

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> Fetched:
        """GET `url`, sending the validators for a conditional request; raises FetchError."""
        import httpx  # loaded already: the client is an httpx client

        headers = {"User-Agent": self.policy.user_agent, "Accept": accept, "Accept-Encoding": ACCEPT_ENCODING}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = _split(url, url).hostname or ""
        # The host slot first: tasks queued behind a busy host do not hold global slots.
        async with self._host_slots[host], self._slots:
            try:
                async with asyncio.timeout(self.policy.total_timeout):
                    return await self._follow(url, headers)
            except TimeoutError:
                raise FetchError(url, f"timed out after {self.policy.total_timeout:g} s") from None
            except httpx.ConnectTimeout:
                raise FetchError(url, f"no connection within {self.policy.connect_timeout:g} s") from None
            except httpx.TimeoutException:
                raise FetchError(url, "the server stopped answering (read timeout)") from None
            except httpx.ProxyError as exc:
                raise FetchError(
                    url, f"the proxy refused the request: {redact(str(exc)) or 'no reason'}"
                ) from None
            except httpx.ConnectError as exc:
                raise FetchError(url, f"cannot connect: {exc or 'connection failed'}") from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise FetchError(url, f"not a usable http(s) address: {exc}") from None
            except httpx.DecodingError:
                raise FetchError(url, "the response is not decodable (corrupt gzip or deflate)") from None
            except httpx.RemoteProtocolError:
                raise FetchError(url, "the server broke off the answer or sent a malformed one") from None
            except httpx.ReadError:
                raise FetchError(url, "the connection broke while reading the answer") from None
            except httpx.WriteError:
                raise FetchError(url, "the connection broke while sending the request") from None
            except httpx.HTTPError as exc:
                raise FetchError(url, f"network error ({type(exc).__name__})") from None

    async def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        if _split(url, url).scheme not in ("http", "https"):
            raise FetchError(url, "not an http(s) address")
        chain = [url]
        permanent = True
        for _ in range(self.policy.max_redirects + 1):
            current = chain[-1]
            if _split(url, current).scheme not in ("http", "https"):
                raise FetchError(url, f"redirected to a non-HTTP address: {current}")
            request = self._client.build_request("GET", current, headers=headers)
            response = await self._client.send(request, stream=True, follow_redirects=False)
            try:
                if response.has_redirect_location:
                    target = str(response.url.join(response.headers["location"]))
                    if target in chain:
                        raise FetchError(url, "redirect loop: " + " → ".join([*chain, target]))
                    permanent = permanent and response.status_code in _PERMANENT
                    chain.append(target)
                    continue
                moved_to = chain[-1] if permanent and len(chain) > 1 else None
                return await self._complete(url, response, moved_to=moved_to)
            finally:
                await response.aclose()
        raise FetchError(url, f"more than {self.policy.max_redirects} redirects: " + " → ".join(chain))

    async def _complete(self, url: str, response: httpx.Response, *, moved_to: str | None) -> Fetched:
        status = response.status_code
        if status >= 400:
            raise FetchError(
                url,
                f"HTTP {status} {response.reason_phrase}".rstrip(),
                status=status,
                retry_after=_retry_after(response.headers.get("retry-after")),
            )
        body = b"" if status == 304 else await self._read(url, response)
        return Fetched(
            url=str(response.url),
            status=status,
            body=body,
            content_type=response.headers.get("content-type", ""),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            moved_to=moved_to,
        )

    async def _read(self, url: str, response: httpx.Response) -> bytes:
        """The decoded body, given up as soon as it passes the size limit.

        The body is decompressed here, chunk by chunk, never past the limit: httpx would inflate
        each chunk whole first, and one 64 KB chunk of a gzip bomb is 64 MB of zeros.
        """
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdecimal() and int(declared) > limit:
            raise FetchError(url, f"the body is {_size(int(declared))}, more than the {_size(limit)} limit")
        if response.is_stream_consumed:  # read and decoded whole already (a response made of bytes)
            decoder, chunks = BoundedDecoder(None), _one_chunk(response.content)
        else:
            encoding = response.headers.get("content-encoding", "")
            decoder, chunks = BoundedDecoder.for_encoding(encoding, source=url), response.aiter_raw()
        body = bytearray()
        try:
            async for chunk in chunks:
                body += decoder.decode(chunk, room=limit + 1 - len(body))
                if len(body) > limit:
                    raise FetchError(
                        url, f"the body is larger than the {_size(limit)} limit; stopped reading"
                    )
        except zlib.error:
            raise FetchError(url, "the response is not decodable (corrupt gzip or deflate)") from None
        return bytes(body)


async def _one_chunk(content: bytes) -> AsyncIterator[bytes]:
    yield content


class BoundedDecoder:
    """Decompresses a gzip or deflate body piece by piece, never more than asked for at a time."""

    def __init__(self, wbits: int | None) -> None:
        """`wbits`: zlib's window bits for the coding; None for a body sent as it is."""
        self._wbits = wbits or zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits) if wbits is not None else None
        self._pending = b""
        self._started = False

    @classmethod
    def for_encoding(cls, header: str, *, source: str) -> BoundedDecoder:
        """The decoder for a Content-Encoding header; raises FetchError for one we never asked for."""
        codings = [
            part.strip().lower() for part in header.split(",") if part.strip().lower() not in ("", "identity")
        ]
        if not codings:
            return cls(None)
        if len(codings) == 1 and codings[0] in _WBITS:
            return cls(_WBITS[codings[0]])
        raise FetchError(
            source, f"the server sent the body as {header.strip()!r}, which hashbot did not ask for"
        )

    def decode(self, chunk: bytes, *, room: int) -> bytes:
        """At most `room` decoded bytes from what came so far (the rest waits for the next call)."""
        if self._inflater is None:
            return chunk[: max(room, 0)]
        data = self._pending + chunk
        try:
            out = self._inflater.decompress(data, max(room, 1))
        except zlib.error:
            if self._started or self._wbits != zlib.MAX_WBITS:
                raise
            # "deflate" is meant to be zlib-wrapped, but some servers send it raw.
            self._wbits = -zlib.MAX_WBITS
            self._inflater = zlib.decompressobj(self._wbits)
            out = self._inflater.decompress(data, max(room, 1))
        self._started = True
        self._pending = self._inflater.unconsumed_tail
        if self._inflater.eof and self._inflater.unused_data:  # a second gzip member follows
            self._pending = self._inflater.unused_data
            self._inflater = zlib.decompressobj(self._wbits)
        return out
