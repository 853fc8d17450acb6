"""Legal period arithmetic and the rest-day calendar: rules.md §0.6, §0.7 (TH-5, TH-6, TH-7, TH-9), A-20, A-27."""

from datetime import UTC, date, datetime, timedelta

import pytest
import yaml

from itpm_common.clock import SHANGHAI
from itpm_common.legaldate import (
    CALENDAR_ENV_VAR,
    DEFAULT_CALENDAR_PATH,
    CalendarDataError,
    CalendarNotMaintained,
    RestDayCalendar,
    before_year_end,
    corresponding_date,
    days_in_month,
    default_calendar,
    half_year_last_day,
    in_window,
    last_day,
    month_add,
    on_or_before,
    self_eval_window,
    window_start,
)

ONE_DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _packaged_calendar_only(monkeypatch):
    monkeypatch.delenv(CALENDAR_ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def cal():
    return RestDayCalendar(DEFAULT_CALENDAR_PATH)


def _packaged_data():
    return yaml.safe_load(DEFAULT_CALENDAR_PATH.read_text(encoding="utf-8"))


def _all_makeup_days():
    return [
        w
        for entry in _packaged_data()["years"].values()
        for h in entry["holidays"]
        for w in h["workdays"]
    ]


def _all_holidays():
    days = []
    for entry in _packaged_data()["years"].values():
        for h in entry["holidays"]:
            d = h["start"]
            while d <= h["end"]:
                days.append(d)
                d += ONE_DAY
    return days


def _assert_rolled_from_calendar(cal, corresponding, last):
    """``last`` is the first working day on or after ``corresponding``."""
    assert last >= corresponding
    d = corresponding
    while d < last:
        assert cal.is_rest_day(d), d
        d += ONE_DAY
    assert not cal.is_rest_day(last)
    assert last == cal.next_working_day(corresponding - ONE_DAY)


# ================================================================ month arithmetic (§0.6, Art 200-202)


@pytest.mark.parametrize(
    ("y", "m", "n", "expected"),
    [
        (2024, 1, 0, (2024, 1)),
        (2024, 4, 6, (2024, 10)),
        (2024, 8, 6, (2025, 2)),
        (2024, 12, 1, (2025, 1)),
        (2024, 7, 6, (2025, 1)),
        (2023, 10, 24, (2025, 10)),
        (2024, 1, -1, (2023, 12)),
        (2024, 3, -15, (2022, 12)),
    ],
)
def test_month_add(y, m, n, expected):
    assert month_add(y, m, n) == expected


def test_month_add_refuses_bad_month():
    with pytest.raises(ValueError):
        month_add(2024, 13, 1)
    with pytest.raises(ValueError):
        month_add(2024, 0, 1)


def test_days_in_month_knows_leap_years():
    assert days_in_month(2024, 2) == 29
    assert days_in_month(2025, 2) == 28
    assert days_in_month(2100, 2) == 28
    assert days_in_month(2000, 2) == 29
    assert days_in_month(2024, 9) == 30


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Art 201: the start day is not counted, so n months end on the
        # corresponding date itself, not the day before it.
        (date(2024, 4, 10), 6, date(2024, 10, 10)),
        # Art 202: no corresponding date -> last day of that month.
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), 6, date(2024, 9, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 5, 31), -3, date(2024, 2, 29)),
        # The month-end rule never moves a date *forward* into the next month.
        (date(2024, 8, 30), 6, date(2025, 2, 28)),
        (date(2024, 8, 28), 6, date(2025, 2, 28)),
    ],
)
def test_corresponding_date_month_end_rule(start, n, expected):
    assert corresponding_date(start, n) == expected


def test_date_functions_refuse_datetimes():
    # A datetime's own wall-clock date may not be the Shanghai date.
    ts = datetime(2024, 4, 10, 20, 0, tzinfo=UTC)
    with pytest.raises(TypeError):
        corresponding_date(ts, 6)
    with pytest.raises(TypeError):
        last_day(ts, 6, RestDayCalendar.weekends_only())
    with pytest.raises(TypeError):
        RestDayCalendar.weekends_only().is_rest_day(ts)


# ================================================================ rest-day calendar


def test_packaged_calendar_years_and_notices(cal):
    assert cal.years == frozenset({2024, 2025, 2026})
    assert cal.notice(2024) == "国办发明电〔2023〕7号"
    assert cal.notice(2025) == "国办发明电〔2024〕12号"
    assert cal.notice(2026) == "国办发明电〔2025〕7号"


@pytest.mark.parametrize(
    ("year", "working_days"),
    [(2024, 251), (2025, 248), (2026, 248)],
)
def test_packaged_calendar_working_day_totals(cal, year, working_days):
    d, count = date(year, 1, 1), 0
    while d.year == year:
        count += not cal.is_rest_day(d)
        d += ONE_DAY
    assert count == working_days


def test_packaged_makeup_days_all_fall_on_weekends():
    makeup = _all_makeup_days()
    assert len(makeup) == 8 + 5 + 6
    assert all(d.weekday() >= 5 for d in makeup), [d for d in makeup if d.weekday() < 5]


def test_packaged_holidays_are_all_rest_days(cal):
    holidays = _all_holidays()
    assert len(holidays) == 28 + 28 + 33
    assert all(cal.is_rest_day(d) for d in holidays)


@pytest.mark.parametrize(
    "d",
    [
        date(2024, 2, 4),  # Sun, 春节 调休
        date(2024, 2, 18),  # Sun
        date(2024, 4, 7),  # Sun, 清明 调休
        date(2024, 4, 28),  # Sun
        date(2024, 5, 11),  # Sat
        date(2024, 9, 14),  # Sat, 中秋 调休
        date(2024, 9, 29),  # Sun, 国庆 调休
        date(2024, 10, 12),  # Sat
        date(2025, 1, 26),  # Sun
        date(2025, 2, 8),  # Sat
        date(2025, 4, 27),  # Sun
        date(2025, 9, 28),  # Sun
        date(2025, 10, 11),  # Sat
        date(2026, 1, 4),  # Sun, 元旦 调休
        date(2026, 2, 14),  # Sat
        date(2026, 2, 28),  # Sat
        date(2026, 5, 9),  # Sat
        date(2026, 9, 20),  # Sun
        date(2026, 10, 10),  # Sat
    ],
)
def test_makeup_working_days_are_not_rest_days(cal, d):
    assert d.weekday() >= 5
    assert not cal.is_rest_day(d)
    # The weekends-only view would (wrongly, for these days) call it rest.
    assert RestDayCalendar.weekends_only().is_rest_day(d)


@pytest.mark.parametrize(
    "d",
    [
        date(2024, 10, 19),
        date(2024, 10, 20),
        date(2025, 3, 15),
        date(2025, 3, 16),
        date(2026, 7, 4),
        date(2026, 7, 5),
    ],
)
def test_ordinary_weekends_are_rest_days(cal, d):
    assert d.weekday() >= 5
    assert cal.is_rest_day(d)


@pytest.mark.parametrize(
    "d",
    [
        date(2024, 1, 1),  # Mon, 元旦
        date(2024, 6, 10),  # Mon, 端午
        date(2024, 10, 1),  # Tue, 国庆
        date(2024, 10, 7),  # Mon, 国庆 last day
        date(2025, 2, 4),  # Tue, 春节 last day
        date(2025, 10, 8),  # Wed, 国庆中秋 8th day
        date(2026, 1, 2),  # Fri, 元旦
        date(2026, 2, 23),  # Mon, 春节 9th day
        date(2026, 9, 25),  # Fri, 中秋
    ],
)
def test_weekday_holidays_are_rest_days(cal, d):
    assert d.weekday() < 5
    assert cal.is_rest_day(d)


@pytest.mark.parametrize(
    "d", [date(2024, 10, 8), date(2024, 10, 10), date(2025, 10, 9), date(2026, 2, 24)]
)
def test_ordinary_weekdays_are_working_days(cal, d):
    assert not cal.is_rest_day(d)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2024, 9, 30), date(2024, 10, 8)),  # over 国庆
        (date(2024, 10, 11), date(2024, 10, 12)),  # Friday -> 调休 Saturday
        (date(2024, 9, 28), date(2024, 9, 29)),  # Saturday -> 调休 Sunday
        (date(2024, 10, 10), date(2024, 10, 11)),
        (date(2025, 9, 30), date(2025, 10, 9)),
        (date(2026, 2, 13), date(2026, 2, 14)),
        (date(2026, 2, 14), date(2026, 2, 24)),
        (
            date(2025, 12, 31),
            date(2026, 1, 4),
        ),  # across the year end; 01-04 is a 调休 Sunday
    ],
)
def test_next_working_day(cal, d, expected):
    assert cal.next_working_day(d) == expected


@pytest.mark.parametrize("d", [date(2023, 12, 31), date(2027, 1, 1), date(2030, 6, 3)])
def test_unmaintained_year_raises_instead_of_guessing(cal, d):
    with pytest.raises(CalendarNotMaintained) as info:
        cal.is_rest_day(d)
    assert info.value.year == d.year
    assert info.value.maintained == (2024, 2025, 2026)
    assert str(d.year) in str(info.value)
    assert isinstance(info.value, LookupError)


def test_roll_over_into_unmaintained_year_raises(cal):
    with pytest.raises(CalendarNotMaintained):
        last_day(date(2026, 7, 1), 6, cal)  # 2027-01-01
    with pytest.raises(CalendarNotMaintained):
        cal.notice(2027)
    # Without roll-over the calendar is not consulted at all.
    assert last_day(date(2026, 7, 1), 6, cal, roll_over=False) == date(2027, 1, 1)


def test_weekends_only_calendar_is_explicit_and_covers_every_year():
    wk = RestDayCalendar.weekends_only()
    assert wk.years is None
    assert wk.is_rest_day(date(2030, 10, 5))  # Saturday
    assert not wk.is_rest_day(date(2030, 10, 1))  # Tuesday; holidays unknown
    assert wk.next_working_day(date(2030, 10, 4)) == date(2030, 10, 7)


def _write_calendar(path, years):
    path.write_text(
        yaml.safe_dump({"years": years}, allow_unicode=True), encoding="utf-8"
    )
    return path


def test_calendar_path_from_constructor_argument(tmp_path):
    p = _write_calendar(
        tmp_path / "cal.yaml",
        {
            2030: {
                "notice": "测试通知",
                "holidays": [
                    {
                        "name": "国庆节",
                        "start": "2030-10-01",
                        "end": "2030-10-07",
                        "workdays": ["2030-10-12"],
                    }
                ],
            }
        },
    )
    c = RestDayCalendar(p)
    assert c.years == frozenset({2030})
    assert c.notice(2030) == "测试通知"
    assert c.is_rest_day(date(2030, 10, 1))
    assert not c.is_rest_day(date(2030, 10, 12))
    assert c.source == str(p)
    with pytest.raises(CalendarNotMaintained):
        c.is_rest_day(date(2024, 10, 1))


def test_calendar_from_mapping_matches_packaged_file(cal):
    c = RestDayCalendar.from_mapping(_packaged_data(), source="test")
    assert c.years == cal.years
    d = date(2024, 1, 1)
    while d <= date(2026, 12, 31):
        assert c.is_rest_day(d) == cal.is_rest_day(d), d
        d += ONE_DAY


def test_calendar_path_from_environment(tmp_path, monkeypatch):
    env_file = _write_calendar(
        tmp_path / "env.yaml", {2031: {"notice": "环境变量日历", "holidays": []}}
    )
    arg_file = _write_calendar(
        tmp_path / "arg.yaml", {2032: {"notice": "参数日历", "holidays": []}}
    )
    monkeypatch.setenv(CALENDAR_ENV_VAR, str(env_file))
    assert RestDayCalendar().years == frozenset({2031})
    assert default_calendar().years == frozenset({2031})
    # The constructor argument beats the environment.
    assert RestDayCalendar(arg_file).years == frozenset({2032})
    monkeypatch.delenv(CALENDAR_ENV_VAR)
    assert RestDayCalendar().years == frozenset({2024, 2025, 2026})
    assert default_calendar().years == frozenset({2024, 2025, 2026})


def test_last_day_defaults_to_configured_calendar(tmp_path, monkeypatch):
    assert last_day(date(2024, 4, 1), 6) == date(2024, 10, 8)
    env_file = _write_calendar(
        tmp_path / "env.yaml", {2024: {"notice": "无假日测试", "holidays": []}}
    )
    monkeypatch.setenv(CALENDAR_ENV_VAR, str(env_file))
    assert last_day(date(2024, 4, 1), 6) == date(2024, 10, 1)


@pytest.mark.parametrize(
    "years",
    [
        {2030: {"holidays": []}},  # no notice
        {
            2030: {
                "notice": "x",
                "holidays": [{"name": "a", "start": "2030-10-07", "end": "2030-10-01"}],
            }
        },
        {
            2030: {
                "notice": "x",
                "holidays": [
                    {
                        "name": "a",
                        "start": "2030-10-01",
                        "end": "2030-10-02",
                        "workdays": ["2030-10-02"],
                    }
                ],
            }
        },
        {2030: {"notice": "x", "holidays": [{"name": "a", "start": "2030-13-01"}]}},
        {
            2030: {
                "notice": "x",
                "holidays": [{"name": "a", "start": "2030-01-01", "end": "2030-12-31"}],
            }
        },
        {"year": {"notice": "x", "holidays": []}},
    ],
)
def test_malformed_calendar_data_is_refused(tmp_path, years):
    p = _write_calendar(tmp_path / "bad.yaml", years)
    with pytest.raises(CalendarDataError):
        RestDayCalendar(p)


def test_missing_or_unparsable_calendar_file_is_refused(tmp_path):
    with pytest.raises(CalendarDataError):
        RestDayCalendar(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("years: [unclosed", encoding="utf-8")
    with pytest.raises(CalendarDataError):
        RestDayCalendar(bad)
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(CalendarDataError):
        RestDayCalendar(tmp_path / "list.yaml")


# ================================================================ TH-5: 建成后半年内申请竣工验收 (Art 26)


def test_TH5_reference_example_2024_04_10(cal):
    last = half_year_last_day(date(2024, 4, 10), cal)
    assert last == date(2024, 10, 10)
    assert on_or_before(date(2024, 10, 10), last)
    assert not on_or_before(date(2024, 10, 11), last)


def test_TH5_any_time_on_the_last_day_is_on_time(cal):
    last = half_year_last_day(date(2024, 4, 10), cal)
    assert on_or_before(datetime(2024, 10, 10, 0, 0, tzinfo=SHANGHAI), last)
    assert on_or_before(
        datetime(2024, 10, 10, 23, 59, 59, 999999, tzinfo=SHANGHAI), last
    )
    assert not on_or_before(datetime(2024, 10, 11, 0, 0, tzinfo=SHANGHAI), last)
    # Receipt instants in UTC are judged by their Shanghai date.
    assert on_or_before(datetime(2024, 10, 10, 15, 59, 59, tzinfo=UTC), last)
    assert not on_or_before(datetime(2024, 10, 10, 16, 0, 0, tzinfo=UTC), last)


def test_TH5_naive_timestamp_refused(cal):
    with pytest.raises(ValueError):
        on_or_before(datetime(2024, 10, 10, 12, 0), date(2024, 10, 10))


def test_TH5_month_end_2024_08_31(cal):
    last = half_year_last_day(date(2024, 8, 31), cal)
    assert last == date(2025, 2, 28)
    assert on_or_before(date(2025, 2, 28), last)
    assert not on_or_before(date(2025, 3, 1), last)


def test_TH5_last_day_inside_national_day_rolls_over(cal):
    completion = date(2024, 4, 1)
    corresponding = corresponding_date(completion, 6)
    assert corresponding == date(2024, 10, 1)
    assert cal.is_rest_day(corresponding)
    last = half_year_last_day(completion, cal)
    _assert_rolled_from_calendar(cal, corresponding, last)
    assert last == date(2024, 10, 8)
    assert on_or_before(date(2024, 10, 8), last)
    assert not on_or_before(date(2024, 10, 9), last)
    # Without the roll-over the period would end on the holiday itself.
    assert last_day(completion, 6, cal, roll_over=False) == date(2024, 10, 1)


def test_TH5_last_day_on_weekend_rolls_to_monday(cal):
    completion = date(2024, 3, 7)
    corresponding = corresponding_date(completion, 6)
    assert corresponding == date(2024, 9, 7)
    assert corresponding.weekday() == 5
    last = half_year_last_day(completion, cal)
    _assert_rolled_from_calendar(cal, corresponding, last)
    assert last == date(2024, 9, 9)
    assert not on_or_before(date(2024, 9, 10), last)


@pytest.mark.parametrize(
    ("completion", "expected"),
    [
        (date(2025, 4, 1), date(2025, 10, 9)),  # 国庆中秋 2025-10-01..08
        (date(2025, 8, 15), date(2026, 2, 24)),  # 春节 2026-02-15..23
        (date(2024, 11, 1), date(2025, 5, 6)),  # 劳动节 2025-05-01..05
    ],
)
def test_TH5_roll_over_through_long_holidays(cal, completion, expected):
    corresponding = corresponding_date(completion, 6)
    last = half_year_last_day(completion, cal)
    _assert_rolled_from_calendar(cal, corresponding, last)
    assert last == expected


def test_TH5_2026_new_year_rolls_onto_makeup_sunday(cal):
    # 2026-01-04 is a Sunday but a 调休 working day, so the roll-over stops there.
    last = half_year_last_day(date(2025, 7, 3), cal)
    assert corresponding_date(date(2025, 7, 3), 6) == date(2026, 1, 3)
    assert last == date(2026, 1, 4)
    assert last.weekday() == 6


@pytest.mark.parametrize(
    ("completion", "last"),
    [
        (date(2024, 3, 29), date(2024, 9, 29)),  # Sunday, 调休 working day
        (date(2024, 4, 12), date(2024, 10, 12)),  # Saturday, 调休 working day
        (date(2025, 8, 28), date(2026, 2, 28)),  # Saturday, 调休 working day
    ],
)
def test_TH5_makeup_working_day_is_not_rolled(cal, completion, last):
    assert last.weekday() >= 5
    assert half_year_last_day(completion, cal) == last
    assert not on_or_before(last + ONE_DAY, half_year_last_day(completion, cal))


def test_TH5_holidays_matter_not_just_weekends(cal):
    completion = date(2024, 4, 1)
    assert half_year_last_day(completion, RestDayCalendar.weekends_only()) == date(
        2024, 10, 1
    )
    assert half_year_last_day(completion, cal) == date(2024, 10, 8)


# ================================================================ TH-6: 12—24个月内 self-evaluation (Art 29, A-27)


def test_TH6_plain_window(cal):
    t = date(2024, 3, 10)
    start, end = self_eval_window(t, cal)
    assert (start, end) == (date(2025, 3, 10), date(2026, 3, 10))
    assert not in_window(date(2025, 3, 9), start, end)  # start - 1: too early
    assert in_window(date(2025, 3, 10), start, end)  # 12 months
    assert in_window(date(2026, 3, 10), start, end)  # 24 months
    assert not in_window(date(2026, 3, 11), start, end)  # end + 1: late
    assert not in_window(corresponding_date(t, 11), start, end)  # 11 months


def test_TH6_start_not_rolled_end_rolled(cal):
    t = date(2023, 10, 1)
    start, end = self_eval_window(t, cal)
    # 2024-10-01 is a holiday, yet the window opens on it: only ends roll over.
    assert start == date(2024, 10, 1)
    assert cal.is_rest_day(start)
    assert start == window_start(t, 12)
    # 2025-10-01 falls in the 8-day 国庆中秋 holiday; the end moves past it.
    twenty_four = corresponding_date(t, 24)
    assert twenty_four == date(2025, 10, 1)
    _assert_rolled_from_calendar(cal, twenty_four, end)
    assert end == date(2025, 10, 9)

    assert not in_window(start - ONE_DAY, start, end)
    assert not in_window(corresponding_date(t, 11), start, end)
    assert in_window(corresponding_date(t, 12), start, end)
    assert in_window(twenty_four, start, end)
    assert in_window(end, start, end)
    assert not in_window(end + ONE_DAY, start, end)


def test_TH6_weekend_start_and_spring_festival_end(cal):
    t = date(2024, 2, 15)
    start, end = self_eval_window(t, cal)
    assert start == date(2025, 2, 15)
    assert start.weekday() == 5 and cal.is_rest_day(start)
    assert end == date(2026, 2, 24)
    _assert_rolled_from_calendar(cal, date(2026, 2, 15), end)
    assert not in_window(date(2025, 2, 14), start, end)
    assert in_window(date(2026, 2, 24), start, end)
    assert not in_window(date(2026, 2, 25), start, end)


def test_TH6_month_end_reference_date(cal):
    t = date(2024, 2, 29)
    start, end = self_eval_window(t, cal)
    assert start == date(2025, 2, 28)
    # 2026-02-28 is a Saturday but a 调休 working day: not rolled.
    assert end == date(2026, 2, 28)
    assert not in_window(date(2025, 2, 27), start, end)
    assert not in_window(date(2026, 3, 1), start, end)


def test_TH6_in_window_accepts_timestamps(cal):
    start, end = self_eval_window(date(2023, 10, 1), cal)
    assert in_window(datetime(2025, 10, 9, 23, 59, 59, tzinfo=SHANGHAI), start, end)
    assert not in_window(datetime(2025, 10, 9, 16, 0, tzinfo=UTC), start, end)
    assert not in_window(datetime(2024, 9, 30, 15, 59, 59, tzinfo=UTC), start, end)
    assert in_window(datetime(2024, 9, 30, 16, 0, tzinfo=UTC), start, end)


# ================================================================ TH-7: 年度结束前 (Art 22, A-54)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_TH7_last_second_of_year_on_time_new_year_late(year):
    assert before_year_end(datetime(year, 12, 31, 23, 59, 59, tzinfo=SHANGHAI), year)
    assert before_year_end(
        datetime(year, 12, 31, 23, 59, 59, 999999, tzinfo=SHANGHAI), year
    )
    assert not before_year_end(datetime(year + 1, 1, 1, 0, 0, 0, tzinfo=SHANGHAI), year)
    assert before_year_end(datetime(year, 1, 1, 0, 0, 0, tzinfo=SHANGHAI), year)


def test_TH7_utc_timestamp_already_next_year_in_shanghai():
    # 2024-12-31 16:00 UTC is 2025-01-01 00:00 in Shanghai: late, though UTC is still in 2024.
    assert not before_year_end(datetime(2024, 12, 31, 16, 0, 0, tzinfo=UTC), 2024)
    assert not before_year_end(datetime(2024, 12, 31, 20, 0, 0, tzinfo=UTC), 2024)
    assert before_year_end(datetime(2024, 12, 31, 15, 59, 59, tzinfo=UTC), 2024)


def test_TH7_no_roll_over_and_no_calendar_needed():
    # 2027-01-01 is 元旦 and 2030 is not in the calendar: neither matters for a fixed date.
    assert not before_year_end(datetime(2027, 1, 1, 0, 0, tzinfo=SHANGHAI), 2026)
    assert not before_year_end(datetime(2031, 1, 1, 0, 0, tzinfo=SHANGHAI), 2030)
    assert before_year_end(datetime(2030, 12, 31, 23, 59, 59, tzinfo=SHANGHAI), 2030)


def test_TH7_naive_or_date_refused():
    with pytest.raises(ValueError):
        before_year_end(datetime(2024, 12, 31, 23, 0), 2024)
    with pytest.raises(TypeError):
        before_year_end(date(2024, 12, 31), 2024)


# ===== TH-9: 限期整改, 逾期 = after the deadline day (Art 32)


def test_TH9_deadline_day_on_time_next_day_overdue():
    deadline = date(2024, 11, 15)
    assert on_or_before(date(2024, 11, 14), deadline)
    assert on_or_before(deadline, deadline)
    assert not on_or_before(date(2024, 11, 16), deadline)


def test_TH9_overdue_starts_at_midnight_shanghai():
    deadline = date(2024, 11, 15)
    assert on_or_before(datetime(2024, 11, 15, 23, 59, 59, tzinfo=SHANGHAI), deadline)
    assert not on_or_before(datetime(2024, 11, 16, 0, 0, 0, tzinfo=SHANGHAI), deadline)
    assert not on_or_before(datetime(2024, 11, 15, 16, 0, 0, tzinfo=UTC), deadline)
