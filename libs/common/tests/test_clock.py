"""Injectable clock and Shanghai local dates: rules.md §0.5."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from itpm_common.clock import (
    SHANGHAI,
    Clock,
    FixedClock,
    OffsetClock,
    SystemClock,
    clock_from_config,
    local_date,
)


def test_shanghai_is_utc_plus_8_without_dst():
    assert datetime(2024, 1, 15, tzinfo=SHANGHAI).utcoffset() == timedelta(hours=8)
    assert datetime(2024, 7, 15, tzinfo=SHANGHAI).utcoffset() == timedelta(hours=8)


# ---------------------------------------------------------------- local_date


def test_local_date_converts_utc_across_midnight():
    # 16:00 UTC is 00:00 the next day in Shanghai.
    assert local_date(datetime(2024, 10, 10, 15, 59, 59, tzinfo=UTC)) == date(
        2024, 10, 10
    )
    assert local_date(datetime(2024, 10, 10, 16, 0, 0, tzinfo=UTC)) == date(
        2024, 10, 11
    )


def test_local_date_of_other_offsets():
    new_york_evening = datetime(
        2024, 10, 10, 20, 0, tzinfo=timezone(timedelta(hours=-4))
    )
    assert local_date(new_york_evening) == date(2024, 10, 11)
    assert local_date(datetime(2024, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)) == date(
        2024, 10, 10
    )


def test_local_date_refuses_naive_datetime():
    with pytest.raises(ValueError, match="时区"):
        local_date(datetime(2024, 10, 10, 12, 0))


def test_local_date_refuses_plain_date():
    with pytest.raises(TypeError):
        local_date(date(2024, 10, 10))


# ---------------------------------------------------------------- SystemClock


def test_system_clock_is_aware_and_current():
    clock = SystemClock()
    before = datetime.now(UTC)
    now = clock.now()
    after = datetime.now(UTC)
    assert now.utcoffset() == timedelta(hours=8)
    assert before <= now <= after
    assert clock.today() in {local_date(before), local_date(after)}
    assert isinstance(clock, Clock)


# ---------------------------------------------------------------- FixedClock


def test_fixed_clock_returns_pinned_instant_and_shanghai_date():
    clock = FixedClock(datetime(2024, 12, 31, 16, 30, tzinfo=UTC))
    assert clock.now() == datetime(2025, 1, 1, 0, 30, tzinfo=SHANGHAI)
    assert clock.now().utcoffset() == timedelta(hours=8)
    assert clock.today() == date(2025, 1, 1)
    assert clock.now() == clock.now()
    assert isinstance(clock, Clock)


def test_fixed_clock_set_and_advance():
    clock = FixedClock(datetime(2024, 10, 10, 23, 59, 59, tzinfo=SHANGHAI))
    assert clock.today() == date(2024, 10, 10)
    clock.advance(timedelta(seconds=1))
    assert clock.now() == datetime(2024, 10, 11, 0, 0, 0, tzinfo=SHANGHAI)
    assert clock.today() == date(2024, 10, 11)
    clock.set(datetime(2026, 2, 15, 9, 0, tzinfo=SHANGHAI))
    assert clock.today() == date(2026, 2, 15)
    clock.advance(timedelta(days=-1))
    assert clock.today() == date(2026, 2, 14)


def test_fixed_clock_refuses_naive_and_bad_delta():
    with pytest.raises(ValueError):
        FixedClock(datetime(2024, 1, 1))
    clock = FixedClock(datetime(2024, 1, 1, tzinfo=SHANGHAI))
    with pytest.raises(ValueError):
        clock.set(datetime(2024, 1, 2))
    with pytest.raises(TypeError):
        clock.advance(1)
    assert clock.now() == datetime(2024, 1, 1, tzinfo=SHANGHAI)


# ---------------------------------------------------------------- OffsetClock


def test_offset_clock_shifts_base_clock():
    base = FixedClock(datetime(2024, 10, 1, 8, 0, tzinfo=SHANGHAI))
    clock = OffsetClock(timedelta(days=10), base=base)
    assert clock.now() == datetime(2024, 10, 11, 8, 0, tzinfo=SHANGHAI)
    assert clock.today() == date(2024, 10, 11)
    base.advance(timedelta(hours=16))
    assert clock.today() == date(2024, 10, 12)


def test_offset_clock_on_system_time():
    clock = OffsetClock(timedelta(days=-3))
    expected = datetime.now(SHANGHAI) - timedelta(days=3)
    assert abs(clock.now() - expected) < timedelta(seconds=5)
    assert clock.now().utcoffset() == timedelta(hours=8)


def test_offset_clock_refuses_non_timedelta():
    with pytest.raises(TypeError):
        OffsetClock(3)


# ---------------------------------------------------------------- clock_from_config


def test_clock_from_config_fixed_now():
    clock = clock_from_config({"FIXED_NOW": "2024-10-10T23:59:59+08:00"})
    assert isinstance(clock, FixedClock)
    assert clock.now() == datetime(2024, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)
    assert clock.today() == date(2024, 10, 10)


def test_clock_from_config_fixed_now_in_utc_z():
    clock = clock_from_config({"FIXED_NOW": "2024-12-31T16:00:00Z"})
    assert clock.today() == date(2025, 1, 1)


def test_clock_from_config_fixed_now_wins_over_offset():
    clock = clock_from_config(
        {"FIXED_NOW": "2025-03-01T10:00:00+08:00", "CLOCK_OFFSET_DAYS": "5"}
    )
    assert isinstance(clock, FixedClock)
    assert clock.today() == date(2025, 3, 1)


@pytest.mark.parametrize("days", ["7", 7, " -2 "])
def test_clock_from_config_offset_days(days):
    clock = clock_from_config({"CLOCK_OFFSET_DAYS": days})
    assert isinstance(clock, OffsetClock)
    assert clock.offset == timedelta(days=int(str(days).strip()))


@pytest.mark.parametrize(
    "config", [{}, {"FIXED_NOW": "", "CLOCK_OFFSET_DAYS": ""}, {"FIXED_NOW": None}]
)
def test_clock_from_config_defaults_to_system(config):
    assert isinstance(clock_from_config(config), SystemClock)


@pytest.mark.parametrize(
    "config",
    [
        {"FIXED_NOW": "2024-10-10T12:00:00"},  # naive: zone would be a guess
        {"FIXED_NOW": "tomorrow"},
        {"FIXED_NOW": 20241010},
        {"CLOCK_OFFSET_DAYS": "1.5"},
        {"CLOCK_OFFSET_DAYS": "abc"},
        {"CLOCK_OFFSET_DAYS": True},
    ],
)
def test_clock_from_config_refuses_bad_values(config):
    with pytest.raises(ValueError):
        clock_from_config(config)
