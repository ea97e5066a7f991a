"""Settings: the only place hashbot reads the environment and `.env`.

Every setting is a field of :class:`Settings`, read from ``HASHBOT_<NAME>``; `.env.example` lists
them all (a test keeps the two in step). :func:`load_settings` turns validation failures into a
:class:`~bot.errors.ConfigError` that names the setting.
"""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator

from bot.errors import ConfigError
from bot.lazy import on_first_use
from bot.logs import redact

# pydantic_settings.main imports asyncio for CliApp.run, which hashbot never calls; asyncio and what
# it imports (ssl, subprocess, concurrent.futures) cost every command about 45 ms of CPU and 3 MB.
with on_first_use("asyncio"):
    from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "HASHBOT_"

#: A public channel's username or a numeric chat id (channels and supergroups are ``-100…``).
_CHANNEL = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{1,20}")

#: A time of day on the 24-hour clock.
_CLOCK = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
LogFormat = Literal["text", "json"]
TagCase = Literal["camel", "lower", "asis"]
TagScript = Literal["ascii", "unicode"]
LinkPreviewMode = Literal["on", "off", "above"]

CommaList = Annotated[tuple[str, ...], NoDecode]


def _split_commas(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


class Settings(BaseSettings):
    """hashbot's configuration, immutable once built."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        frozen=True,
        extra="forbid",
    )

    bot_token: SecretStr | None = Field(None, description="Telegram bot token from @BotFather.")
    channel: str | None = Field(None, description="Target channel: @username or numeric -100… id.")
    admin_ids: Annotated[tuple[int, ...], NoDecode] = Field(
        (), description="Telegram user ids allowed to command the bot, comma-separated."
    )
    bot_api_url: str = Field(
        "https://api.telegram.org/bot",
        description="Bot API base URL; the token is appended. Change it for a self-hosted Bot API server.",
    )
    rate_limit_overall: float = Field(
        30, ge=0, description="Messages per second the bot sends in all; 0 turns the limit off."
    )
    rate_limit_per_chat: float = Field(
        20, ge=0, description="Messages per minute the bot sends to one group or channel; 0: no limit."
    )
    link_preview: LinkPreviewMode = Field(
        "on", description="Link preview under posts: on, off, or above the text."
    )
    approval: bool = Field(False, description="Send new feed items to admins for approval first.")
    database: str = Field(
        "hashbot.sqlite3",
        description="SQLite database file, or a PostgreSQL URL (postgresql://user:password@host:5432/hashbot).",
    )
    dry_run: bool = Field(False, description="Preview posts instead of publishing them.")
    timezone: str = Field("UTC", description="IANA time zone for schedules and dates.")
    locale: str | None = Field(
        None, description="Language of dates in every post (fr, en_GB, pt_BR). Empty: each article's."
    )
    templates_dir: Path | None = Field(
        None, description="Folder whose templates override or add to the shipped ones."
    )
    template: str = Field("telegram.html.j2", description="Template used for posts.")
    log_level: LogLevel = Field("INFO", description="DEBUG, INFO, WARNING or ERROR.")
    log_format: LogFormat = Field("text", description="text for people, json for log collectors.")
    tag_limit: int = Field(8, ge=1, le=30, description="Maximum hashtags per post.")
    tag_case: TagCase = Field("camel", description="camel (CessezLeFeu), lower or asis.")
    tag_script: TagScript = Field(
        "ascii", description="ascii transliterates; unicode keeps letters of any script."
    )
    tag_fixed: CommaList = Field((), description="Hashtags added to every post, comma-separated.")
    tag_blocklist: CommaList = Field((), description="Hashtags never used, comma-separated.")
    tag_aliases: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description="Tag rewrites as from=to pairs, comma-separated (Royaume-Uni=GrandeBretagne).",
    )

    vocabulary_days: int = Field(
        180,
        ge=0,
        description="Days of a chat's tag history that make its vocabulary; 0 turns the vocabulary off.",
    )
    feed_interval: int = Field(
        15, ge=1, description="Minutes between polls of a feed added without --interval."
    )
    feed_first_items: int = Field(
        1,
        ge=0,
        description="Newest items queued by a new feed's first poll; older ones are only marked seen.",
    )
    feed_max_failures: int = Field(
        10, ge=1, description="Failed polls in a row after which a feed is disabled."
    )
    http_user_agent: str | None = Field(
        None, description="User-Agent of every request. Empty: hashbot/VERSION (feed reader ...)."
    )
    http_timeout: float = Field(
        30.0, gt=0, description="Seconds one fetch may take in all, redirects included."
    )
    http_connect_timeout: float = Field(10.0, gt=0, description="Seconds to wait for a connection.")
    http_max_body_mb: float = Field(5.0, gt=0, description="Largest feed or page body read, in megabytes.")
    http_max_redirects: int = Field(5, ge=0, description="Redirects followed before a fetch fails.")
    http_concurrency: int = Field(16, ge=1, description="Requests in flight at once, in all.")
    http_per_host: int = Field(2, ge=1, description="Requests in flight at once to one host.")
    proxy_url: SecretStr | None = Field(
        None,
        description="Proxy for every connection out: http://, https:// or socks5://, user:pass@ allowed.",
    )
    telegram_proxy_url: SecretStr | None = Field(
        None, description="Proxy for the Bot API only; overrides PROXY_URL there."
    )
    http_proxy_url: SecretStr | None = Field(
        None, description="Proxy for feeds, pages and other web APIs only; overrides PROXY_URL there."
    )

    publish_every: int = Field(
        30,
        ge=0,
        le=1440,
        description="Minutes between publishing slots, counted from local midnight; 0: only PUBLISH_AT.",
    )
    publish_at: CommaList = Field(
        (), description="Fixed local publishing times as HH:MM, comma-separated (09:00,18:30)."
    )
    publish_per_slot: int = Field(1, ge=1, description="Most regular posts published per slot.")
    publish_max_per_hour: int = Field(0, ge=0, description="Most posts in any hour; 0: no cap.")
    publish_max_per_day: int = Field(0, ge=0, description="Most posts per local day; 0: no cap.")
    quiet_hours: str | None = Field(
        None, description="Local span with no regular posts, HH:MM-HH:MM (22:00-07:00). Empty: none."
    )
    telegraph: bool = Field(
        False, description="Articles longer than their post get a Telegraph page the post links."
    )
    telegraph_api_url: str = Field(
        "https://api.telegra.ph", description="Telegraph API base URL (long reads)."
    )
    edit_window_hours: int = Field(
        48, ge=1, le=24 * 366, description="Hours after its post an item's correction still edits it."
    )
    mastodon_url: str | None = Field(
        None, description="Mastodon server to cross-post to (https://mastodon.social). Empty: none."
    )
    mastodon_token: SecretStr | None = Field(
        None, description="Access token of the Mastodon account (write:statuses)."
    )
    mastodon_all: bool = Field(
        True, description="true: every channel post is cross-posted; false: only feeds added with --mastodon."
    )
    silent_hours: str | None = Field(
        None, description="Local span in which posts go out without a sound, HH:MM-HH:MM. Empty: none."
    )
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="Port serving Prometheus metrics at /metrics. Empty: none."
    )
    metrics_host: str = Field(
        "127.0.0.1", description="Address the metrics port listens on; 0.0.0.0 for every interface."
    )
    seen_retention_days: int = Field(
        90, ge=1, description="Days a feed's seen items are remembered (its newest are always kept)."
    )

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any, info: Any) -> Any:
        """An empty `KEY=` line in `.env` means "use the default", as operators expect."""
        if value == "" and info.field_name in {
            "bot_token",
            "channel",
            "templates_dir",
            "http_user_agent",
            "quiet_hours",
            "silent_hours",
            "mastodon_url",
            "mastodon_token",
            "proxy_url",
            "telegram_proxy_url",
            "http_proxy_url",
            "locale",
            "metrics_port",
        }:
            return None
        return value

    @field_validator("database", mode="before")
    @classmethod
    def _path_as_text(cls, value: Any) -> Any:
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: Any) -> Any:
        items = _split_commas(value)
        for item in items if isinstance(items, tuple) else ():
            if not re.fullmatch(r"\d{1,20}", str(item)):
                raise ValueError(f"{item!r} is not a numeric Telegram user id")
        return items

    @field_validator("tag_fixed", "tag_blocklist", "publish_at", mode="before")
    @classmethod
    def _parse_comma_list(cls, value: Any) -> Any:
        return _split_commas(value)

    @field_validator("publish_at")
    @classmethod
    def _check_publish_at(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not _CLOCK.fullmatch(item):
                raise ValueError(f"{item!r} is not a time of day as HH:MM (24-hour clock)")
        return value

    @field_validator("quiet_hours", "silent_hours")
    @classmethod
    def _check_daily_span(cls, value: str | None) -> str | None:
        if value is None:
            return None
        start, sep, end = value.replace(" ", "").partition("-")
        if not sep or not _CLOCK.fullmatch(start) or not _CLOCK.fullmatch(end):
            raise ValueError(f"{value!r} is not a span of local time as HH:MM-HH:MM (22:00-07:00)")
        if clock_time(start) == clock_time(end):
            raise ValueError(f"{value!r} starts and ends at the same time")
        return f"{start}-{end}"

    @model_validator(mode="after")
    def _check_mastodon(self) -> Settings:
        if (self.mastodon_url is None) != (self.mastodon_token is None):
            missing = "HASHBOT_MASTODON_TOKEN" if self.mastodon_token is None else "HASHBOT_MASTODON_URL"
            raise ValueError(f"cross-posting to Mastodon needs both its URL and its token; set {missing}")
        return self

    @model_validator(mode="after")
    def _check_slots(self) -> Settings:
        if self.publish_every == 0 and not self.publish_at:
            raise ValueError("HASHBOT_PUBLISH_EVERY=0 needs fixed times in HASHBOT_PUBLISH_AT")
        return self

    @field_validator("tag_aliases", mode="before")
    @classmethod
    def _parse_aliases(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        aliases: dict[str, str] = {}
        for pair in _split_commas(value):
            source, sep, target = pair.partition("=")
            if not sep or not source.strip() or not target.strip():
                raise ValueError(f"{pair!r} is not a from=to pair")
            aliases[source.strip()] = target.strip()
        return aliases

    @field_validator("channel")
    @classmethod
    def _check_channel(cls, value: str | None) -> str | None:
        if value is not None and not _CHANNEL.fullmatch(value):
            raise ValueError(f"{value!r} is neither @username nor a numeric chat id like -100123")
        return value

    @field_validator("bot_api_url", "telegraph_api_url", "mastodon_url")
    @classmethod
    def _check_api_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL such as https://api.telegram.org/bot")
        return value

    @field_validator("proxy_url", "telegram_proxy_url", "http_proxy_url")
    @classmethod
    def _check_proxy(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_proxy_url(value.get_secret_value())
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known IANA time zone (e.g. Europe/Paris)") from None
        return value

    @field_validator("locale")
    @classmethod
    def _check_locale(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from babel import Locale, UnknownLocaleError  # CLDR's data, only when a locale is set

        try:
            Locale.parse(value.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"{value!r} is not a locale CLDR knows (e.g. fr, en_GB, pt_BR)") from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def telegram_proxy(self) -> str | None:
        """The proxy the Bot API is reached through, if any (it may hold credentials: never log it)."""
        chosen = self.telegram_proxy_url or self.proxy_url
        return chosen.get_secret_value() if chosen else None

    @property
    def http_proxy(self) -> str | None:
        """The proxy feeds, pages and web APIs are reached through, if any (never log it)."""
        chosen = self.http_proxy_url or self.proxy_url
        return chosen.get_secret_value() if chosen else None

    @property
    def bot_file_url(self) -> str:
        """Where the Bot API serves files: ``…/file/bot`` beside ``…/bot``, as Telegram lays it out."""
        base = self.bot_api_url.rstrip("/")
        return f"{base.removesuffix('/bot')}/file/bot" if base.endswith("/bot") else f"{base}/file"


#: What httpx can tunnel through; socks5h resolves names on the proxy (socks5 does too in httpx).
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def check_proxy_url(url: str) -> None:
    """Refuse a proxy address httpx could not use; the message never repeats credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("is not a proxy address such as socks5://user:pass@host:1080") from None
    if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
        raise ValueError(
            f"{redact(url)!r} is not a proxy address: use http://, https:// or socks5:// with a host"
        )
    if port is None and parts.scheme.startswith("socks"):
        raise ValueError(f"{redact(url)!r} names no port (SOCKS proxies have none by default)")


def clock_time(value: str) -> time:
    """A validated HH:MM setting as a time of day."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def is_chat(value: str) -> bool:
    """A public channel's @username or a numeric chat id, as Telegram accepts for a target chat."""
    return bool(_CHANNEL.fullmatch(value))


def env_name(field_name: str) -> str:
    """The environment variable that sets a field."""
    return f"{ENV_PREFIX}{field_name.upper()}"


def load_settings(env_file: Path | None = Path(".env"), **overrides: Any) -> Settings:
    """Build settings from the environment, `env_file` and explicit overrides (CLI flags)."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        error = exc.errors()[0]
        location = str(error["loc"][0]) if error["loc"] else "settings"
        message = error["msg"].removeprefix("Value error, ")
        setting = env_name(location) if location in Settings.model_fields else location
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling against .env.example)"
            setting = location.upper()
        raise ConfigError(setting, message) from exc
