"""Mastodon's REST API: a post published to the channel becomes a status on the operator's account.

One call, ``POST /api/v1/statuses``, with an ``Idempotency-Key`` per post: Mastodon keeps the key
for an hour and answers a repeat with the status already made, so a retry after a lost answer
never posts twice. The access token travels in the ``Authorization`` header only, never in a URL
or a log. Failures are :class:`~bot.errors.MastodonError`, saying whether trying again can help.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from bot.errors import MastodonError

#: Mastodon answers these when the server, not the status, is the problem: try again later.
_TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})


class Mastodon:
    """Posts statuses through an :class:`httpx.AsyncClient` that the caller owns."""

    def __init__(self, client: httpx.AsyncClient, *, base_url: str, token: str) -> None:
        self._client = client
        self._url = f"{base_url.rstrip('/')}/api/v1/statuses"
        self._token = token

    async def post_status(self, text: str, *, key: str) -> str:
        """Publish `text`; the status's address. `key` makes the call safe to repeat."""
        headers = {"Authorization": f"Bearer {self._token}", "Idempotency-Key": key}
        try:
            response = await self._client.post(self._url, data={"status": text}, headers=headers)
        except httpx.HTTPError as exc:
            raise MastodonError(f"Mastodon unreachable: {type(exc).__name__}: {exc or 'no answer'}") from None
        if response.status_code >= 400:
            raise MastodonError(
                f"Mastodon answered HTTP {response.status_code}: {_reason(response)}",
                retry=response.status_code in _TRANSIENT,
                retry_at=_reset(response),
            )
        try:
            url = response.json().get("url")
        except (ValueError, AttributeError):
            url = None
        if not isinstance(url, str):
            raise MastodonError("Mastodon answered without the status's address", retry=False)
        return url


def _reason(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    return str(error) if error else response.reason_phrase


def _reset(response: httpx.Response) -> datetime | None:
    """When a rate-limited client may try again (Mastodon's ``X-RateLimit-Reset``, ISO 8601)."""
    value = response.headers.get("x-ratelimit-reset") or ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(response.headers.get("retry-after") or "")
        except (TypeError, ValueError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
