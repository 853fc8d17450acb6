"""Legal period arithmetic, rules.md §0.6 (Civil Code Arts 200-203, 1259).

* The start day is not counted (Art 201); a period of n months ends on the
  corresponding date n months later, or on the month's last day when that
  month is too short (Art 202).
* If the last day is a statutory rest day, the period ends on the first
  working day after the rest (Art 203). Only period *ends* roll over; window
  starts and fixed calendar dates do not (A-20, TH-7).
* Rest days come from a maintained calendar built from the State Council
  holiday notices. A year missing from that calendar is an error rather than
  a weekends-only guess, because a guessed calendar silently moves deadlines.
"""

from __future__ import annotations

import calendar as _stdcal
import functools
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from .clock import SHANGHAI, local_date

__all__ = [
    "CALENDAR_ENV_VAR",
    "DEFAULT_CALENDAR_PATH",
    "CalendarDataError",
    "CalendarError",
    "CalendarNotMaintained",
    "RestDayCalendar",
    "before_year_end",
    "corresponding_date",
    "days_in_month",
    "default_calendar",
    "half_year_last_day",
    "in_window",
    "last_day",
    "month_add",
    "on_or_before",
    "self_eval_window",
    "window_start",
]

CALENDAR_ENV_VAR = "ITPM_REST_DAY_CALENDAR"
DEFAULT_CALENDAR_PATH = Path(__file__).resolve().parent / "data" / "cn_rest_days.yaml"

_ONE_DAY = timedelta(days=1)


class CalendarError(Exception):
    """Base class for rest-day calendar problems."""


class CalendarNotMaintained(CalendarError, LookupError):
    """The calendar has no data for the year asked about."""

    def __init__(self, year: int, source: str, maintained: Iterable[int]) -> None:
        self.year = year
        self.source = source
        self.maintained = tuple(sorted(maintained))
        years = "、".join(str(y) for y in self.maintained) or "无"
        super().__init__(
            f"法定休假日历未维护 {year} 年的数据（来源：{source}；已维护年份：{years}）。"
            f"请依据国务院办公厅 {year} 年部分节假日安排的通知补充日历，"
            f"或显式使用 RestDayCalendar.weekends_only()。"
        )


class CalendarDataError(CalendarError, ValueError):
    """The calendar data file is malformed."""


def _require_date(value: object, what: str) -> date:
    # datetime is a date subclass; letting one through would silently take its
    # wall-clock date in whatever zone it carries instead of Shanghai's.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(
            f"{what} 必须是 date（时间戳请先用 local_date() 转为上海日期），"
            f"实际为 {type(value).__name__}: {value!r}"
        )
    return value


# --------------------------------------------------------------------------
# Rest-day calendar
# --------------------------------------------------------------------------


def _resolve_calendar_path(path: str | os.PathLike[str] | None) -> Path:
    if path is not None:
        return Path(path)
    env = os.environ.get(CALENDAR_ENV_VAR)
    if env:
        return Path(env)
    return DEFAULT_CALENDAR_PATH


def _parse_day(value: object, where: str) -> date:
    if isinstance(value, datetime):
        raise CalendarDataError(f"{where}：应为日期而不是时间：{value!r}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarDataError(f"{where}：无效日期 {value!r}")


class RestDayCalendar:
    """Statutory rest days: weekends and public holidays, minus 调休 working days.

    ``RestDayCalendar()`` reads the file named by the ``path`` argument, else
    by the ``ITPM_REST_DAY_CALENDAR`` environment variable, else the file
    shipped in this package.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        resolved = _resolve_calendar_path(path)
        try:
            text = resolved.read_text(encoding="utf-8")
        except OSError as exc:
            raise CalendarDataError(
                f"无法读取法定休假日历文件 {resolved}：{exc}"
            ) from exc
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise CalendarDataError(
                f"法定休假日历文件 {resolved} 不是有效的 YAML：{exc}"
            ) from exc
        self._load(raw, str(resolved))

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], source: str = "<mapping>"
    ) -> RestDayCalendar:
        """Build a calendar from already-parsed data (same shape as the YAML file)."""
        cal = cls.__new__(cls)
        cal._load(data, source)
        return cal

    @classmethod
    def weekends_only(cls) -> RestDayCalendar:
        """Saturdays and Sundays only, for every year; must be chosen explicitly."""
        cal = cls.__new__(cls)
        cal.source = "weekends-only"
        cal._years = None
        cal._notices = {}
        cal._holidays = frozenset()
        cal._workdays = frozenset()
        return cal

    def _load(self, raw: object, source: str) -> None:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("years"), Mapping):
            raise CalendarDataError(f"{source}：顶层必须包含 years 映射")
        notices: dict[int, str] = {}
        holidays: set[date] = set()
        workdays: set[date] = set()
        for year_key, entry in raw["years"].items():
            try:
                year = int(year_key)
            except (TypeError, ValueError):
                raise CalendarDataError(f"{source}：无效年份 {year_key!r}") from None
            where = f"{source} {year}年"
            if not isinstance(entry, Mapping):
                raise CalendarDataError(f"{where}：内容必须是映射")
            notice = entry.get("notice")
            if not isinstance(notice, str) or not notice.strip():
                raise CalendarDataError(f"{where}：缺少发文字号 notice")
            notices[year] = notice.strip()
            for item in entry.get("holidays") or []:
                if not isinstance(item, Mapping):
                    raise CalendarDataError(f"{where}：holidays 条目必须是映射")
                name = item.get("name", "?")
                start = _parse_day(item.get("start"), f"{where} {name} start")
                end = _parse_day(
                    item.get("end", item.get("start")), f"{where} {name} end"
                )
                if end < start:
                    raise CalendarDataError(f"{where} {name}：结束日期早于开始日期")
                if (end - start).days > 31:
                    raise CalendarDataError(
                        f"{where} {name}：放假区间超过 31 天，疑似录入错误"
                    )
                day = start
                while day <= end:
                    holidays.add(day)
                    day += _ONE_DAY
                for w in item.get("workdays") or []:
                    workdays.add(_parse_day(w, f"{where} {name} workdays"))
        clash = holidays & workdays
        if clash:
            days = "、".join(d.isoformat() for d in sorted(clash))
            raise CalendarDataError(
                f"{source}：以下日期既是放假日又是调休上班日：{days}"
            )
        self.source = source
        self._years: frozenset[int] | None = frozenset(notices)
        self._notices = notices
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)

    @property
    def years(self) -> frozenset[int] | None:
        """Maintained years, or None for the weekends-only calendar (all years)."""
        return self._years

    def notice(self, year: int) -> str:
        """Document number of the State Council notice the year's data follows."""
        self._check_year(year)
        return self._notices.get(year, "")

    def _check_year(self, year: int) -> None:
        if self._years is not None and year not in self._years:
            raise CalendarNotMaintained(year, self.source, self._years)

    def is_rest_day(self, d: date) -> bool:
        _require_date(d, "日期")
        self._check_year(d.year)
        if d in self._workdays:
            return False
        return d in self._holidays or d.weekday() >= 5

    def next_working_day(self, d: date) -> date:
        """First working day strictly after ``d``."""
        day = _require_date(d, "日期") + _ONE_DAY
        while self.is_rest_day(day):
            day += _ONE_DAY
        return day

    def __repr__(self) -> str:
        years = "all (weekends only)" if self._years is None else sorted(self._years)
        return f"RestDayCalendar(source={self.source!r}, years={years})"


@functools.lru_cache(maxsize=8)
def _cached_calendar(path: str) -> RestDayCalendar:
    return RestDayCalendar(path)


def default_calendar() -> RestDayCalendar:
    """The configured calendar (env var or packaged file), loaded once per path."""
    return _cached_calendar(str(_resolve_calendar_path(None)))


# --------------------------------------------------------------------------
# Period arithmetic
# --------------------------------------------------------------------------


def month_add(year: int, month: int, n: int) -> tuple[int, int]:
    """(year, month) shifted by n months; n may be negative."""
    if not 1 <= month <= 12:
        raise ValueError(f"月份无效：{month}")
    y, m0 = divmod(year * 12 + (month - 1) + n, 12)
    return y, m0 + 1


def days_in_month(year: int, month: int) -> int:
    return _stdcal.monthrange(year, month)[1]


def corresponding_date(start: date, n_months: int) -> date:
    """Art 202: same day-of-month n months on, clamped to the month's last day."""
    _require_date(start, "起算日")
    y, m = month_add(start.year, start.month, n_months)
    return date(y, m, min(start.day, days_in_month(y, m)))


def last_day(
    start: date,
    n_months: int,
    calendar: RestDayCalendar | None = None,
    roll_over: bool = True,
) -> date:
    """Last day of an n-month period starting on ``start`` (Arts 201-203).

    With ``roll_over`` (the default, config ROLL_OVER_REST_DAYS) a last day
    that is a statutory rest day moves to the first working day after the
    rest. ``calendar`` defaults to :func:`default_calendar`.
    """
    last = corresponding_date(start, n_months)
    if roll_over:
        cal = calendar if calendar is not None else default_calendar()
        while cal.is_rest_day(last):
            last += _ONE_DAY
    return last


def window_start(start: date, n_months: int) -> date:
    """First day of a window opening n months after ``start``; never rolled over."""
    return corresponding_date(start, n_months)


def _as_local_date(d: date | datetime) -> date:
    return local_date(d) if isinstance(d, datetime) else _require_date(d, "日期")


def on_or_before(d: date | datetime, last: date) -> bool:
    """True iff ``d`` (a date, or an aware timestamp taken in Shanghai) is no later than ``last``.

    The last day ends at 24:00 (Art 203), so any time on it is on time.
    """
    return _as_local_date(d) <= _require_date(last, "期限末日")


def in_window(d: date | datetime, start: date, end: date) -> bool:
    """True iff ``start <= d <= end`` (both ends included, 以内)."""
    return (
        _require_date(start, "起始日")
        <= _as_local_date(d)
        <= _require_date(end, "期限末日")
    )


def before_year_end(ts: datetime, year: int) -> bool:
    """TH-7: ``ts`` is strictly before (year+1)-01-01T00:00:00+08:00.

    A fixed calendar date, not a counted period, so there is no rest-day
    roll-over and no calendar is consulted.
    """
    if not isinstance(ts, datetime):
        raise TypeError(f"需要带时区的时间戳，实际为 {type(ts).__name__}: {ts!r}")
    if ts.tzinfo is None or ts.utcoffset() is None:
        raise ValueError(f"时间戳缺少时区信息（不接受无时区的时间）：{ts.isoformat()}")
    return ts < datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def half_year_last_day(
    completion_date: date, calendar: RestDayCalendar | None = None
) -> date:
    """TH-5 (Art 26): last day to apply for completion acceptance."""
    return last_day(completion_date, 6, calendar)


def self_eval_window(
    t: date, calendar: RestDayCalendar | None = None
) -> tuple[date, date]:
    """TH-6 (Art 29, A-27): inclusive self-evaluation window for reference date T.

    The start is not rolled over (only period ends are); the end is.
    """
    return window_start(t, 12), last_day(t, 24, calendar)
