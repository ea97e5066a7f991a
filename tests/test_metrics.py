"""Prometheus metrics: what a publish pass and a poll record, the queue gauge, and the served port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from auxil.paths import REPO
from prometheus_client.parser import text_string_to_metric_families

from bot.errors import ConfigError
from bot.ingest.poller import Outcome, PollResult
from bot.metrics import Metrics
from bot.models import Article
from bot.runner import PublishReport, queue_one_off
from bot.storage import Feed, PostState, open_store


def samples(text: bytes | str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape by (name, labels)."""
    decoded = text.decode() if isinstance(text, bytes) else text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(decoded)
        for sample in family.samples
    }


def test_a_publish_report_counts_posts_by_outcome_and_times_each_send() -> None:
    metrics = Metrics()
    metrics.observe_publish(PublishReport(sent=[1, 2], uncertain=[3], send_seconds=[0.2, 0.3, 40.0]))
    metrics.observe_publish(PublishReport(failed=[4], send_seconds=[0.1]))
    got = samples(metrics.exposition())
    assert got["hashbot_posts_total", (("outcome", "sent"),)] == 2
    assert got["hashbot_posts_total", (("outcome", "uncertain"),)] == 1
    assert got["hashbot_posts_total", (("outcome", "failed"),)] == 1
    assert got["hashbot_posts_total", (("outcome", "retry"),)] == 0  # present before it happens
    assert got["hashbot_send_seconds_count", ()] == 4
    assert got["hashbot_send_seconds_bucket", (("le", "0.25"),)] == 2
    assert got["hashbot_send_seconds_bucket", (("le", "30.0"),)] == 3


def test_polls_count_by_outcome_and_the_queue_shows_every_state() -> None:
    metrics = Metrics()
    feed = Feed(url="http://127.0.0.1/feed.xml", interval=900, id=1, created=datetime(2026, 3, 1, tzinfo=UTC))
    metrics.observe_poll(PollResult(feed, Outcome.UPDATED, queued=(5,)), 0.4)
    metrics.observe_poll(PollResult(feed, Outcome.FAILED, error="timed out"), 30.0)
    metrics.observe_queue({PostState.QUEUED: 3, PostState.SENT: 10})
    got = samples(metrics.exposition())
    assert got["hashbot_feed_polls_total", (("outcome", "updated"),)] == 1
    assert got["hashbot_feed_polls_total", (("outcome", "failed"),)] == 1
    assert got["hashbot_feed_polls_total", (("outcome", "not modified"),)] == 0
    assert got["hashbot_feed_poll_seconds_sum", ()] == pytest.approx(30.4)
    assert got["hashbot_queue_posts", (("state", "queued"),)] == 3
    assert got["hashbot_queue_posts", (("state", "awaiting"),)] == 0


def test_served_over_http_while_the_block_runs() -> None:
    metrics = Metrics()
    with metrics.serving(host="127.0.0.1", port=0) as port:
        scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert scraped.status_code == 200
        assert ("hashbot_posts_total", (("outcome", "sent"),)) in samples(scraped.text)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)


def test_a_port_in_use_is_a_setting_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with (
            pytest.raises(ConfigError, match="HASHBOT_METRICS_PORT: cannot listen on 127.0.0.1"),
            Metrics().serving(host="127.0.0.1", port=port),
        ):
            pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_hashbot_run_serves_the_metrics_of_its_passes(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with closing(open_store(tmp_path / "hashbot.sqlite3")) as store:
        article = Article(text="The night ferry now leaves at midnight.", title="Night ferry timetable")
        queue_one_off(store, article, when=now - timedelta(seconds=1), chat="@harbour", now=now)
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("HASHBOT_")}
    env |= {"PYTHONPATH": str(REPO), "HASHBOT_METRICS_PORT": str(port), "HASHBOT_LOG_FORMAT": "json"}
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--dry-run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        printed = [child.stdout.readline(), child.stdout.readline()]  # the one-off post went out
        try:
            got = samples(httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text)
        finally:
            child.send_signal(signal.SIGTERM)
            _, log = child.communicate(timeout=30)
    assert "Night ferry timetable" in "".join(printed), log
    assert got["hashbot_posts_total", (("outcome", "sent"),)] == 1, log
    assert got["hashbot_send_seconds_count", ()] == 1
    assert got["hashbot_queue_posts", (("state", "sent"),)] == 1
    assert child.returncode == 0, log
