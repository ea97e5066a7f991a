"""The Telegraph API (telegra.ph): long articles become pages that Telegram opens in Instant View.

One account is created with ``createAccount`` the first time a page is needed; its access token is
kept in the store (a flag), sent only in request bodies and never logged. Each page is remembered
by its article's key, so a post tried again links the page made the first time. Whatever goes
wrong here, :meth:`Telegraph.page_for` answers None with a warning: the post goes without the link.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from bot.errors import TelegraphError
from bot.ingest.links import item_key
from bot.models import Article
from bot.render import TelegraphPage, telegraph_page
from bot.storage import Store

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegra.ph"
#: The store flag holding the account's access token.
TOKEN_FLAG = "telegraph_token"
#: Telegraph's answer when a token is unknown (the account was revoked): make a new one, once.
_TOKEN_REFUSED = "ACCESS_TOKEN_INVALID"


class Telegraph:
    """Creates Telegraph pages through an :class:`httpx.AsyncClient` that the caller owns."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        store: Store,
        clock: Callable[[], datetime],
        api_url: str = DEFAULT_API_URL,
        short_name: str = "hashbot",
        author_name: str | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._clock = clock
        self._api = api_url.rstrip("/")
        self._short_name = short_name[:32]
        self._author_name = author_name

    async def page_for(self, article: Article) -> str | None:
        """The address of `article`'s page, created once; None (and a warning) when that fails."""
        key = item_key(article)
        known = self._store.long_read(key)
        if known is not None:
            return known
        try:
            url = await self._create(telegraph_page(article))
        except TelegraphError as exc:
            logger.warning("no Telegraph page for %s, posting without it: %s", article.url or key, exc)
            return None
        self._store.save_long_read(key, url, now=self._clock())
        logger.info("Telegraph page for %s: %s", article.url or key, url)
        return url

    async def _create(self, page: TelegraphPage) -> str:
        params = {
            "title": page.title,
            "content": list(page.content),
            "author_name": page.author_name,
            "author_url": page.author_url,
            "return_content": False,
        }
        token = self._store.flag(TOKEN_FLAG) or await self._new_account()
        try:
            result = await self._call("createPage", access_token=token, **params)
        except TelegraphError as exc:
            if str(exc) != _TOKEN_REFUSED:
                raise
            result = await self._call("createPage", access_token=await self._new_account(), **params)
        url = result.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise TelegraphError(f"createPage answered without a page address: {result!r}")
        return url

    async def _new_account(self) -> str:
        result = await self._call("createAccount", short_name=self._short_name, author_name=self._author_name)
        token = result.get("access_token")
        if not isinstance(token, str) or not token:
            raise TelegraphError("createAccount answered without an access token")
        self._store.set_flag(TOKEN_FLAG, token)
        logger.info("created the Telegraph account %r for long reads", self._short_name)
        return token

    async def _call(self, method: str, **params: Any) -> dict[str, Any]:
        """POST one method with a JSON body (the token never appears in a URL or a log)."""
        body = {name: value for name, value in params.items() if value is not None}
        try:
            response = await self._client.post(f"{self._api}/{method}", json=body)
        except httpx.HTTPError as exc:
            raise TelegraphError(f"{method}: {type(exc).__name__}: {exc or 'no answer'}") from None
        try:
            answer = response.json()
        except ValueError:
            raise TelegraphError(f"{method}: HTTP {response.status_code}, not a JSON answer") from None
        if not isinstance(answer, dict) or not answer.get("ok"):
            error = answer.get("error") if isinstance(answer, dict) else None
            raise TelegraphError(str(error or f"{method}: HTTP {response.status_code}"))
        result = answer.get("result")
        return result if isinstance(result, dict) else {}
