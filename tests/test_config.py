from __future__ import annotations

import re
from pathlib import Path

import pytest
from auxil.paths import REPO

from bot.config import Settings, env_name, load_settings
from bot.errors import ConfigError


def test_defaults_need_no_environment() -> None:
    settings = load_settings(None)
    assert settings.bot_token is None
    assert settings.admin_ids == ()
    assert settings.tag_case == "camel"
    assert settings.tz.key == "UTC"


def test_values_are_parsed_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HASHBOT_BOT_TOKEN", "987654:ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    monkeypatch.setenv("HASHBOT_CHANNEL", "-1001234567890")
    monkeypatch.setenv("HASHBOT_ADMIN_IDS", " 12, 34 ,")
    monkeypatch.setenv("HASHBOT_TIMEZONE", "Europe/Paris")
    monkeypatch.setenv("HASHBOT_TAG_ALIASES", "Royaume-Uni=GrandeBretagne, UK=GrandeBretagne")
    monkeypatch.setenv("HASHBOT_TAG_FIXED", "News,Monde")
    monkeypatch.setenv("HASHBOT_LOG_LEVEL", "debug")
    settings = load_settings(None)
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value().startswith("987654:")
    assert "ABCDEFGHIJ" not in repr(settings)
    assert settings.channel == "-1001234567890"
    assert settings.admin_ids == (12, 34)
    assert settings.tz.key == "Europe/Paris"
    assert settings.tag_aliases == {"Royaume-Uni": "GrandeBretagne", "UK": "GrandeBretagne"}
    assert settings.tag_fixed == ("News", "Monde")
    assert settings.log_level == "DEBUG"


def test_env_file_is_read_and_empty_values_mean_default(tmp_path: Path) -> None:
    env = tmp_path / "custom.env"
    env.write_text("HASHBOT_CHANNEL=@hashbot_news\nHASHBOT_BOT_TOKEN=\nHASHBOT_TAG_LIMIT=5\n")
    settings = load_settings(env)
    assert settings.channel == "@hashbot_news"
    assert settings.bot_token is None
    assert settings.tag_limit == 5


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("HASHBOT_ADMIN_IDS", "12,abc", "HASHBOT_ADMIN_IDS: 'abc' is not a numeric Telegram user id"),
        ("HASHBOT_CHANNEL", "news channel", "HASHBOT_CHANNEL: 'news channel' is neither @username"),
        (
            "HASHBOT_TIMEZONE",
            "Mars/Olympus",
            "HASHBOT_TIMEZONE: 'Mars/Olympus' is not a known IANA time zone",
        ),
        ("HASHBOT_LOCALE", "klingon", "HASHBOT_LOCALE: 'klingon' is not a locale CLDR knows"),
        ("HASHBOT_TAG_LIMIT", "0", "HASHBOT_TAG_LIMIT: "),
        ("HASHBOT_TAG_CASE", "upper", "HASHBOT_TAG_CASE: "),
        ("HASHBOT_TAG_ALIASES", "UK", "HASHBOT_TAG_ALIASES: 'UK' is not a from=to pair"),
        ("HASHBOT_DRY_RUN", "perhaps", "HASHBOT_DRY_RUN: "),
    ],
)
def test_invalid_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(None)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_unknown_setting_in_env_file_is_refused(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("HASHBOT_CHANEL=@typo\n")
    with pytest.raises(ConfigError, match="HASHBOT_CHANEL: unknown setting"):
        load_settings(env)


def _example_entries() -> dict[str, str]:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    return dict(re.findall(r"^(HASHBOT_[A-Z_]+)=(.*)$", text, flags=re.MULTILINE))


def test_env_example_lists_every_setting_once() -> None:
    entries = _example_entries()
    assert sorted(entries) == sorted(env_name(field) for field in Settings.model_fields)


def test_env_example_shows_the_real_defaults(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text((REPO / ".env.example").read_text(encoding="utf-8"))
    assert load_settings(env) == load_settings(None)


def test_env_example_comments_every_setting() -> None:
    lines = (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if line.startswith("HASHBOT_"):
            assert lines[index - 1].startswith("# "), f"{line} has no comment above it"
