from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.planner import (
    Pending,
    PublishSchedule,
    QuietHours,
    choose_posts,
    next_digest,
    next_poll,
    parse_when,
    poll_offset,
)

PARIS = ZoneInfo("Europe/Paris")


def at(text: str, tz: ZoneInfo = PARIS) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def test_interval_slots_are_aligned_to_local_midnight() -> None:
    schedule = PublishSchedule(tz=PARIS, every=timedelta(minutes=30))
    assert schedule.next_slot(at("2026-11-24 10:07")) == at("2026-11-24 10:30")
    assert schedule.next_slot(at("2026-11-24 10:30")) == at("2026-11-24 11:00")
    assert schedule.next_slot(at("2026-11-24 23:45")) == at("2026-11-25 00:00")


def test_fixed_times_and_interval_combine() -> None:
    schedule = PublishSchedule(tz=PARIS, every=timedelta(hours=6), at=(time(8, 15),))
    assert schedule.next_slot(at("2026-11-24 07:00")) == at("2026-11-24 08:15")
    assert schedule.next_slot(at("2026-11-24 08:15")) == at("2026-11-24 12:00")


def test_quiet_hours_wrap_midnight_and_skip_slots() -> None:
    schedule = PublishSchedule(
        tz=PARIS, every=timedelta(hours=1), quiet=QuietHours(start=time(22), end=time(7))
    )
    assert schedule.next_slot(at("2026-11-24 21:30")) == at("2026-11-25 07:00")
    assert schedule.is_quiet(at("2026-11-24 23:00")) and schedule.is_quiet(at("2026-11-25 06:59"))
    assert not schedule.is_quiet(at("2026-11-25 07:00"))
    assert schedule.allowance(at("2026-11-24 23:00"), []) == 0


def test_slot_search_compares_instants_across_time_zones() -> None:
    schedule = PublishSchedule(tz=PARIS, every=None, at=(time(9),))
    # 08:30 UTC is 09:30 in Paris in winter: today's 09:00 slot has passed.
    assert schedule.next_slot(at("2026-11-24 08:30", UTC)) == at("2026-11-25 09:00")


def test_daylight_saving_day_still_has_its_fixed_slot() -> None:
    schedule = PublishSchedule(tz=PARIS, every=None, at=(time(9),))
    slot = schedule.next_slot(at("2026-03-29 01:00"))  # clocks go forward at 02:00 that night
    assert slot is not None and slot.astimezone(UTC) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def test_caps_per_slot_hour_and_day() -> None:
    schedule = PublishSchedule(tz=PARIS, per_slot=3, max_per_hour=4, max_per_day=5)
    now = at("2026-11-24 12:00")
    assert schedule.allowance(now, []) == 3
    assert schedule.allowance(now, [now - timedelta(minutes=10)] * 2) == 2
    assert schedule.allowance(now, [now - timedelta(minutes=59)] * 4) == 0
    assert schedule.allowance(now, [now - timedelta(minutes=61)] * 4) == 1  # 4 today, day cap 5
    yesterday = [now - timedelta(days=1)] * 10
    assert schedule.allowance(now, yesterday) == 3


def test_choose_posts_orders_regular_posts_and_lets_due_one_offs_through() -> None:
    now = at("2026-11-24 12:00")
    pending = [
        Pending(id=3, queued_at=now - timedelta(minutes=1)),
        Pending(id=1, queued_at=now - timedelta(minutes=30)),
        Pending(id=2, queued_at=now - timedelta(minutes=20)),
        Pending(id=9, queued_at=now - timedelta(days=1), not_before=now - timedelta(seconds=1)),
        Pending(id=8, queued_at=now - timedelta(days=1), not_before=now + timedelta(hours=6)),
    ]
    assert [post.id for post in choose_posts(pending, now=now, allowance=2)] == [9, 1, 2]
    assert [post.id for post in choose_posts(pending, now=now, allowance=0)] == [9]


def test_poll_offsets_are_stable_spread_and_bounded() -> None:
    interval = timedelta(minutes=15)
    offsets = {poll_offset(f"https://example.org/feed/{n}", interval) for n in range(50)}
    assert poll_offset("https://example.org/feed/1", interval) == poll_offset(
        "https://example.org/feed/1", interval
    )
    assert len(offsets) > 40
    assert all(timedelta(0) <= offset <= interval * 0.2 for offset in offsets)


@pytest.mark.parametrize(
    "kwargs",
    [{"every": None}, {"every": timedelta(seconds=5)}, {"per_slot": 0}],
)
def test_invalid_schedules_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        PublishSchedule(tz=PARIS, **kwargs)  # type: ignore[arg-type]


def test_quiet_hours_cannot_be_empty() -> None:
    with pytest.raises(ValueError):
        QuietHours(start=time(7), end=time(7))


def test_next_poll_spreads_overdue_and_new_feeds_and_keeps_the_rhythm_of_others() -> None:
    now = at("2026-11-24 12:00")
    offset = timedelta(seconds=42)
    assert next_poll(next_check=None, offset=offset, now=now) == now + offset
    assert next_poll(next_check=now - timedelta(hours=3), offset=offset, now=now) == now + offset
    later = now + timedelta(minutes=10)
    assert next_poll(next_check=later, offset=offset, now=now) == later + offset


def test_parse_when_reads_a_time_of_day_as_its_next_occurrence() -> None:
    now = at("2026-11-24 12:00")
    assert parse_when("18:30", now=now, tz=PARIS) == at("2026-11-24 18:30")
    assert parse_when("09:00", now=now, tz=PARIS) == at("2026-11-25 09:00")
    assert parse_when("12:00", now=now, tz=PARIS) == at("2026-11-25 12:00")
    # `now` in UTC, the time of day in Paris: 11:00 UTC is 12:00 in Paris.
    assert parse_when("11:30", now=at("2026-11-24 11:00", UTC), tz=PARIS) == at("2026-11-25 11:30")


def test_parse_when_reads_dates_in_the_local_zone_and_refuses_the_past_and_nonsense() -> None:
    now = at("2026-11-24 12:00")
    assert parse_when("2026-12-01 09:00", now=now, tz=PARIS) == at("2026-12-01 09:00")
    assert parse_when("2026-12-01T09:00", now=now, tz=PARIS) == at("2026-12-01 09:00")
    with pytest.raises(ValueError, match="in the past"):
        parse_when("2026-11-24 11:59", now=now, tz=PARIS)
    for nonsense in ("25:00", "tomorrow", "2026-13-01 09:00", ""):
        with pytest.raises(ValueError, match="not a time"):
            parse_when(nonsense, now=now, tz=PARIS)


def test_parse_when_refuses_a_date_beyond_what_utc_can_hold() -> None:
    # 23:59 in New York on the last day of year 9999 is already year 10000 in UTC, where we store it.
    with pytest.raises(ValueError, match="too far ahead"):
        parse_when("9999-12-31 23:59", now=at("2026-11-24 12:00"), tz=ZoneInfo("America/New_York"))


def test_the_next_digest_is_the_first_of_its_local_times_after_now() -> None:
    times = [time(18, 0), time(8, 5)]
    assert next_digest(times, now=at("2026-11-24 12:00"), tz=PARIS) == at("2026-11-24 18:00")
    assert next_digest(times, now=at("2026-11-24 18:00"), tz=PARIS) == at("2026-11-25 08:05")
    assert next_digest(times, now=at("2026-11-24 07:00"), tz=PARIS) == at("2026-11-24 08:05")
    # Read in local time across the switch to summer time.
    assert next_digest([time(8, 5)], now=at("2026-03-28 09:00"), tz=PARIS) == at("2026-03-29 08:05")
    assert next_digest([], now=at("2026-11-24 12:00"), tz=PARIS) is None
