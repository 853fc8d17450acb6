"""R-7-5: the call window 政务办 opens per plan year, its last day included; R-7-3 compaction at close."""

from datetime import datetime, timedelta

import pytest

from itpm_common.clock import SHANGHAI
from itpm_common.errors import Refusal

CALL_2030 = {"plan_year": 2030, "opens_on": "2026-09-14", "closes_on": "2026-09-16"}


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def test_zwb_opens_a_call_and_it_is_published(as_, db):
    out = as_("ZWB").open_call(CALL_2030, idempotency_key="c-1")
    assert (out["plan_year"], out["opens_on"], out["closes_on"], out["status"]) == (
        2030, "2026-09-14", "2026-09-16", "OPEN")
    [event] = db.events("PlanCallOpened")
    assert event["subject"] == "plan-call:2030" and event["data"]["closes_on"] == "2026-09-16"
    assert as_("UNIT").get_call(2030)["status"] == "OPEN"
    assert [c["plan_year"] for c in as_("UNIT").list_calls()["items"]] == [2030, 2028, 2027]


@pytest.mark.parametrize("who", ["UNIT", "FG", "LG"])
def test_r_7_5_only_zwb_opens_or_closes_a_call(as_, who):
    assert refused(as_(who).open_call, CALL_2030).code == "AUTH-FORBIDDEN"
    assert refused(as_(who).close_call, 2027).code == "AUTH-FORBIDDEN"


def test_a_second_call_for_the_year_is_a_duplicate(as_):
    as_("ZWB").open_call(CALL_2030)
    assert refused(as_("ZWB").open_call, {**CALL_2030, "closes_on": "2026-10-01"}).code == "DUPLICATE"


def test_a_window_ending_before_it_starts_is_a_validation_refusal(as_):
    r = refused(as_("ZWB").open_call, {**CALL_2030, "closes_on": "2026-09-13"})
    assert r.code == "VALIDATION" and "closes_on" in r.details["fields"]


@pytest.mark.parametrize("moment, accepted", [
    (datetime(2026, 9, 13, 23, 59, 59), False),   # the day before the window
    (datetime(2026, 9, 14, 0, 0, 0), True),       # the first day
    (datetime(2026, 9, 16, 23, 59, 59), True),    # the last day, to 24:00
    (datetime(2026, 9, 17, 0, 0, 0), False),      # the day after
])
def test_r_7_5_the_window_includes_both_days(as_, clock, application, moment, accepted):
    as_("ZWB").open_call(CALL_2030)
    clock.set(moment.replace(tzinfo=SHANGHAI))
    submit = as_("UNIT").submit_plan_application
    if accepted:
        assert submit(application(plan_year=2030))["state"] == "PLAN_APPLIED"
    else:
        r = refused(submit, application(plan_year=2030))
        assert (r.code, r.rule, r.article) == ("E07-CALL-WINDOW-CLOSED", "R-7-5", "第七条")
        assert r.details["opens_on"] == "2026-09-14" and r.details["closes_on"] == "2026-09-16"
        assert "第九条" in r.reason_zh


def test_r_7_5_no_call_for_the_year_means_no_application(as_, application, db):
    r = refused(as_("UNIT").submit_plan_application, application(plan_year=2029))
    assert r.code == "E07-CALL-WINDOW-CLOSED" and "尚未发布" in r.reason_zh
    assert db.count("projects") == 0


def test_r_7_5_a_call_closed_early_refuses_inside_its_dates(as_, application, clock):
    as_("ZWB").close_call(2027, {})
    r = refused(as_("UNIT").submit_plan_application, application())
    assert r.code == "E07-CALL-WINDOW-CLOSED" and r.details["status"] == "CLOSED"
    assert refused(as_("ZWB").close_call, 2027).code == "STATE-INVALID"


def test_r_0_2_a_stale_close_is_refused(as_):
    r = refused(as_("ZWB").close_call, 2027, {"expected_version": 7})
    assert (r.code, r.rule) == ("STATE-INVALID", "R-0-2")


def test_r_7_3_closing_compacts_ranks_keeping_the_order(as_, application, db, clock):
    unit = as_("UNIT")
    first = unit.submit_plan_application(application(name="项目一", rank=1))
    unit.submit_plan_application(application(name="项目二", rank=3))
    third = unit.submit_plan_application(application(name="项目三", rank=5))
    unit.withdraw_plan_application(first["id"])
    clock.advance(timedelta(minutes=1))
    as_("ZWB").close_call(2027, {})
    ranking = unit.get_ranking(2027, "BUILD")["items"]
    assert [(i["name"], i["rank"]) for i in ranking] == [("项目二", 1), ("项目三", 2)]
    updates = db.events("PlanRankingUpdated")
    assert sorted((e["data"]["previous_rank"], e["data"]["rank"]) for e in updates) == [(3, 1), (5, 2)]
    assert {e["data"]["reason"] for e in updates} == {"CALL_CLOSED"}
    assert third["id"] in {e["subject"] for e in updates}
    [closed] = db.events("PlanCallClosed")
    assert closed["subject"] == "plan-call:2027"
