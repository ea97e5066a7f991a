"""Prometheus metrics for operators: what was sent, what the queue holds, how feed polls go.

``hashbot run`` keeps one :class:`Metrics` on a registry of its own (so tests can make as many as
they like) and, with ``HASHBOT_METRICS_PORT``, serves it from prometheus-client's HTTP server in a
daemon thread. Only the event loop's thread writes the metrics; the server thread only reads them,
which prometheus-client's locks make safe. The store is never read from the server's thread (a
SQLite connection belongs to one thread): the queue gauge is refreshed by the loop after every
publish pass and every poll that queued posts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import start_http_server

from bot.errors import ConfigError
from bot.ingest.poller import Outcome, Poller, PollResult
from bot.runner import PublishReport, Runner
from bot.storage import PostState, Store

#: How a post's send ended, as :class:`~bot.runner.PublishReport` sorts them.
POST_OUTCOMES = ("sent", "failed", "uncertain", "retry", "skipped")
#: Feed polls take from milliseconds (304) to the fetch timeout.
_POLL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
#: Sends wait for Telegram, its flood limits and retries included.
_SEND_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class Metrics:
    """The counters, gauges and histograms of one run."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._posts = Counter(
            "hashbot_posts",
            "Posts whose send ended, by outcome (retry: not delivered, tried at the next slot; "
            "skipped: previewed in dry run)",
            ["outcome"],
            registry=self.registry,
        )
        self._queue = Gauge(
            "hashbot_queue_posts", "Posts in the store, by state", ["state"], registry=self.registry
        )
        self._polls = Counter(
            "hashbot_feed_polls", "Feed polls, by outcome", ["outcome"], registry=self.registry
        )
        self._poll_seconds = Histogram(
            "hashbot_feed_poll_seconds",
            "Time one feed poll took",
            buckets=_POLL_BUCKETS,
            registry=self.registry,
        )
        self._send_seconds = Histogram(
            "hashbot_send_seconds", "Time one post's send took", buckets=_SEND_BUCKETS, registry=self.registry
        )
        # Every series exists from the start, at zero: a rate over a missing series is no rate.
        for outcome in POST_OUTCOMES:
            self._posts.labels(outcome)
        for state in PostState:
            self._queue.labels(state.value)
        for poll_outcome in Outcome:
            self._polls.labels(poll_outcome.value)

    def observe_publish(self, report: PublishReport) -> None:
        for outcome in POST_OUTCOMES:
            count = len(getattr(report, outcome))
            if count:
                self._posts.labels(outcome).inc(count)
        for seconds in report.send_seconds:
            self._send_seconds.observe(seconds)

    def observe_poll(self, result: PollResult, seconds: float) -> None:
        self._polls.labels(result.outcome.value).inc()
        self._poll_seconds.observe(seconds)

    def observe_queue(self, counts: Mapping[PostState, int]) -> None:
        for state in PostState:
            self._queue.labels(state.value).set(counts.get(state, 0))

    def watch(self, *, runner: Runner, poller: Poller, store: Store) -> None:
        """Follow a run loop: its publish reports, its polls, and the queue after each of them."""

        def published(report: PublishReport) -> None:
            self.observe_publish(report)
            self.observe_queue(store.count_posts())

        def polled(result: PollResult, seconds: float) -> None:
            self.observe_poll(result, seconds)
            if result.queued:
                self.observe_queue(store.count_posts())

        runner.on_report(published)
        poller.observe(polled)
        self.observe_queue(store.count_posts())

    def exposition(self) -> bytes:
        """The metrics as Prometheus's text format: what a scrape gets."""
        return generate_latest(self.registry)

    @contextmanager
    def serving(self, *, host: str, port: int) -> Iterator[int]:
        """Serve the metrics on `host`:`port` while the block runs; yields the port (for port 0)."""
        try:
            server, thread = start_http_server(port, addr=host, registry=self.registry)
        except OSError as exc:
            raise ConfigError(
                "HASHBOT_METRICS_PORT", f"cannot listen on {host}:{port}: {exc.strerror}"
            ) from exc
        try:
            yield int(server.server_address[1])
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
