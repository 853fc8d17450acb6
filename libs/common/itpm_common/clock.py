"""Injectable clock, rules.md §0.5.

Deadline checks use the server's receipt time, never a client-supplied date,
and conformance tests must be able to pin that time. Services therefore ask
a ``Clock`` for "now" instead of calling ``datetime.now()`` themselves.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "SHANGHAI",
    "Clock",
    "FixedClock",
    "OffsetClock",
    "SystemClock",
    "clock_from_config",
    "local_date",
]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _require_aware(dt: object, what: str) -> datetime:
    if not isinstance(dt, datetime):
        raise TypeError(f"{what} 必须是 datetime，实际为 {type(dt).__name__}: {dt!r}")
    # A naive datetime has no defined calendar date in Shanghai; guessing the
    # zone is how an 08:00 offset turns into a missed or granted deadline.
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{what} 缺少时区信息（不接受无时区的时间）：{dt.isoformat()}")
    return dt


def local_date(dt: datetime) -> date:
    """Calendar date of an aware datetime in Asia/Shanghai."""
    return _require_aware(dt, "时间").astimezone(SHANGHAI).date()


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """Current instant as an aware datetime."""
        ...

    def today(self) -> date:
        """Current calendar date in Asia/Shanghai."""
        return local_date(self.now())


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(SHANGHAI)


class FixedClock(Clock):
    """A clock that stands still until moved explicitly."""

    def __init__(self, dt: datetime) -> None:
        self._now = _require_aware(dt, "FixedClock 时间").astimezone(SHANGHAI)

    def now(self) -> datetime:
        return self._now

    def set(self, dt: datetime) -> None:
        self._now = _require_aware(dt, "FixedClock 时间").astimezone(SHANGHAI)

    def advance(self, delta: timedelta) -> None:
        if not isinstance(delta, timedelta):
            raise TypeError(f"advance 需要 timedelta，实际为 {type(delta).__name__}")
        self._now = self._now + delta


class OffsetClock(Clock):
    """Real time shifted by a fixed offset (e.g. a staging system run "in the future")."""

    def __init__(self, offset: timedelta, base: Clock | None = None) -> None:
        if not isinstance(offset, timedelta):
            raise TypeError(f"offset 需要 timedelta，实际为 {type(offset).__name__}")
        self.offset = offset
        self._base = base if base is not None else SystemClock()

    def now(self) -> datetime:
        return self._base.now() + self.offset


def clock_from_config(config: Mapping[str, Any]) -> Clock:
    """Build the clock a service should use.

    ``FIXED_NOW`` (ISO 8601 with offset) gives a FixedClock and wins over
    ``CLOCK_OFFSET_DAYS`` (integer days) which gives an OffsetClock; with
    neither set the real system clock is used. Empty values count as unset
    so that an exported-but-blank environment variable is harmless.
    """
    fixed = config.get("FIXED_NOW")
    if fixed not in (None, ""):
        if isinstance(fixed, datetime):
            return FixedClock(fixed)
        if not isinstance(fixed, str):
            raise ValueError(f"FIXED_NOW 必须是 ISO 8601 字符串：{fixed!r}")
        try:
            parsed = datetime.fromisoformat(fixed.strip())
        except ValueError as exc:
            raise ValueError(f"FIXED_NOW 不是有效的 ISO 8601 时间：{fixed!r}") from exc
        return FixedClock(parsed)

    offset_days = config.get("CLOCK_OFFSET_DAYS")
    if offset_days not in (None, ""):
        if isinstance(offset_days, bool):
            raise ValueError(f"CLOCK_OFFSET_DAYS 必须是整数天数：{offset_days!r}")
        try:
            days = int(str(offset_days).strip())
        except ValueError as exc:
            raise ValueError(
                f"CLOCK_OFFSET_DAYS 必须是整数天数：{offset_days!r}"
            ) from exc
        return OffsetClock(timedelta(days=days))

    return SystemClock()
