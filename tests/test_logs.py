from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import configure_logging, log_fields, redact

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


@pytest.fixture(autouse=True)
def _restore_root_logger() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_redact_hides_bot_tokens_in_urls() -> None:
    assert redact(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage") == (
        "POST https://api.telegram.org/bot<token>/sendMessage"
    )
    assert redact("message id 12345 sent") == "message id 12345 sent"


def test_redact_hides_the_credentials_of_any_address() -> None:
    text = (
        "via socks5://ann:s3cr%40t@proxy.example:1080, https://tok@h.example/x and http://plain.example/a@b"
    )
    assert (
        redact(text)
        == "via socks5://***@proxy.example:1080, https://***@h.example/x and http://plain.example/a@b"
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_logs_never_contain_the_token(fmt: str) -> None:
    stream = io.StringIO()
    configure_logging(level="DEBUG", fmt=fmt, stream=stream)
    logging.getLogger("bot.test").warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    output = stream.getvalue()
    assert TOKEN not in output and "<token>" in output


def test_json_format_is_one_object_per_line() -> None:
    stream = io.StringIO()
    configure_logging(level="INFO", fmt="json", stream=stream)
    logging.getLogger("bot.test").info("polled %d feeds", 3)
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["message"] == "polled 3 feeds" and entry["level"] == "INFO" and entry["logger"] == "bot.test"


def test_httpx_request_logs_are_silenced_below_warning() -> None:
    stream = io.StringIO()
    configure_logging(level="DEBUG", fmt="text", stream=stream)
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
    assert stream.getvalue() == ""


def test_json_lines_carry_the_feed_and_post_ids_of_the_work_they_report() -> None:
    stream = io.StringIO()
    configure_logging(level="INFO", fmt="json", stream=stream)
    log = logging.getLogger("bot.test")
    with log_fields(feed_id=7):
        log.info("polled")
        with log_fields(post_id=12):
            log.info("sent")
    log.info("idle")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    ids = [(line.get("feed_id"), line.get("post_id")) for line in lines]
    assert ids == [(7, None), (7, 12), (None, None)]
