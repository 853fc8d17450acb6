"""The annual construction plan (Art 4, 8): R-8-2 sections and order, R-8-3 leading group only and complete,
R-8-4 copy to 发改, R-8-5 amendments as new versions, T07/T08, A-47 visibility."""

from datetime import timedelta

import pytest

from itpm_common.errors import Refusal
from itpm_common.events import event_type

OM = {"category": "OM", "build_kind": None, "system": {"existing_system_id": "SYS-9"},
      "om_status": {"sharing_completeness": "FULL", "sharing_timeliness": "FULL", "protection_level": 2,
                    "last_security_test_on": "2026-01-10", "crypto_assessment": "已评估"}}
DECISION = {"document_number": "连信息化领〔2027〕1号", "note": "同意"}


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


@pytest.fixture
def drafted(as_, application, opened, concluded):
    """``drafted(who, **changes)``: an application taken through the review into the draft plan."""

    def make(who="UNIT", **changes):
        project = as_(who).submit_plan_application(application(**changes))
        as_().on_event(opened(project["id"], version_no=1))
        as_().on_event(concluded(project["id"], "DRAFT"))
        return project["id"]

    return make


@pytest.fixture
def three(drafted):
    return {"new": drafted(name="新建平台", rank=1, build_kind="NEW"),
            "upgrade": drafted(name="改建系统", rank=2, build_kind="UPGRADE",
                               system={"existing_system_id": "SYS-1"}),
            "om": drafted("UNIT2", name="教育运维", rank=1, **OM)}


def test_r_8_2_the_draft_has_separate_sections_ordered_by_nature_then_priority(as_, three, db):
    plan = as_("ZWB").compile_annual_plan(2027)
    build = [(i["name"], i["section_rank"], i["nature_zh"]) for i in plan["sections"]["BUILD"]]
    assert build == [("改建系统", 1, "改建"), ("新建平台", 2, "新建")]
    assert [i["name"] for i in plan["sections"]["OM"]] == ["教育运维"]
    assert (plan["status"], plan["version_no"], plan["title"]) == ("DRAFT", 1, "2027年度市级政务信息化项目建设计划")
    assert plan["totals"]["BUILD"] == {"count": 2, "estimate_fen": 200_000_000}
    assert db.events("AnnualPlanSubmittedToLG") == []


def test_r_8_2_zwb_orders_each_section(as_, three):
    plan = as_("ZWB").compile_annual_plan(2027, {"build_order": [three["new"], three["upgrade"]]})
    assert [i["project_id"] for i in plan["sections"]["BUILD"]] == [three["new"], three["upgrade"]]


@pytest.mark.parametrize("order_of", [
    lambda t: [t["new"]],                           # an item missing
    lambda t: [t["new"], t["upgrade"], t["om"]],    # an O&M item in the build list
    lambda t: [t["new"], t["new"], t["upgrade"]],   # twice
])
def test_r_8_2_an_order_naming_other_items_is_refused(as_, three, order_of):
    r = refused(as_("ZWB").compile_annual_plan, 2027, {"build_order": order_of(three)})
    assert (r.code, r.rule, r.article) == ("E08-PLAN-SECTIONS-INVALID", "R-8-2", "第八条")


def test_nothing_to_compile_is_refused(as_):
    assert refused(as_("ZWB").compile_annual_plan, 2027).code == "STATE-INVALID"


@pytest.mark.parametrize("who", ["UNIT", "FG", "LG"])
def test_only_zwb_compiles(as_, three, who):
    assert refused(as_(who).compile_annual_plan, 2027).code == "AUTH-FORBIDDEN"


def test_t07_leading_group_approves_and_the_plan_is_copied_to_fg(as_, three, db, clock):
    as_("ZWB").compile_annual_plan(2027)
    submitted = as_("ZWB").submit_annual_plan(2027, {})
    assert submitted["status"] == "SUBMITTED"
    [to_lg] = db.events("AnnualPlanSubmittedToLG")
    assert to_lg["subject"] == "annual-plan:2027" and len(to_lg["data"]["items"]) == 3
    clock.advance(timedelta(days=3))
    plan = as_("LG").approve_annual_plan(2027, {**DECISION, "struck": [{"project_id": three["new"],
                                                                         "reason": "与已建平台重复"}]})
    assert (plan["status"], plan["document_number"]) == ("APPROVED", "连信息化领〔2027〕1号")
    build = plan["sections"]["BUILD"]
    assert [(i["name"], i["status"], i["section_rank"]) for i in build] == [
        ("改建系统", "LISTED", 1), ("新建平台", "STRUCK", 2)]
    assert as_("UNIT").get_project(three["upgrade"])["state"] == "PLANNED"
    assert as_("UNIT").get_project(three["new"])["state"] == "NOT_INCLUDED"
    assert as_("UNIT2").get_project(three["om"])["state"] == "PLANNED"
    [struck] = [e for e in db.events("PlanItemNotIncluded") if e["data"].get("decided_by") == "LG"]
    assert struck["subject"] == three["new"] and struck["data"]["reason"] == "与已建平台重复"
    assert {e["subject"] for e in db.events("PlanItemApproved")} == {three["upgrade"], three["om"]}
    names = [e["type"] for e in db.events()]
    approved_at = names.index(event_type("planning", "AnnualPlanApproved"))
    assert names[approved_at + 1] == event_type("planning", "AnnualPlanCopiedToFG")
    [approved] = db.events("AnnualPlanApproved")
    assert approved["visibility"] == "external"
    assert all("estimate_fen" not in i for i in approved["data"]["items"])
    [copy] = db.events("AnnualPlanCopiedToFG")
    assert {(i["project_id"], i["category"], i["estimate_fen"]) for i in copy["data"]["items"]} == {
        (three["upgrade"], "BUILD", 100_000_000), (three["om"], "OM", 100_000_000)}


@pytest.mark.parametrize("who", ["ZWB", "LGO", "FG", "UNIT"])
def test_r_8_3_only_the_leading_group_approves(as_, three, who):
    as_("ZWB").compile_annual_plan(2027)
    as_("ZWB").submit_annual_plan(2027, {})
    r = refused(as_(who).approve_annual_plan, 2027, DECISION)
    assert (r.code, r.article) == ("AUTH-FORBIDDEN", "第八条")


def test_lgo_may_submit_the_plan(as_, three):
    as_("ZWB").compile_annual_plan(2027)
    assert as_("LGO").submit_annual_plan(2027, {})["status"] == "SUBMITTED"


def test_r_8_3_a_plan_listing_an_item_no_longer_drafted_is_incomplete(as_, three, db):
    as_("ZWB").compile_annual_plan(2027)
    # The item's state moves on outside the plan (here: a late NOT_INCLUDED written directly).
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE projects SET state='NOT_INCLUDED' WHERE id=?", (three["new"],))
    r = refused(as_("ZWB").submit_annual_plan, 2027, {})
    assert (r.code, r.rule) == ("E08-PLAN-INCOMPLETE", "R-8-3")
    assert [i["project_id"] for i in r.details["items"]] == [three["new"]]


def test_r_0_2_two_leading_group_decisions_on_one_version_one_wins(as_, three):
    as_("ZWB").compile_annual_plan(2027)
    plan = as_("ZWB").submit_annual_plan(2027, {})
    as_("LG").approve_annual_plan(2027, {**DECISION, "expected_version": plan["version"]})
    r = refused(as_("LG").approve_annual_plan, 2027, {**DECISION, "expected_version": plan["version"]})
    assert r.code == "STATE-INVALID"


def test_the_leading_group_returns_a_plan_with_a_reason(as_, three):
    as_("ZWB").compile_annual_plan(2027)
    as_("ZWB").submit_annual_plan(2027, {})
    assert refused(as_("LG").return_annual_plan, 2027, {}).code == "VALIDATION"
    back = as_("LG").return_annual_plan(2027, {"reason": "运维类排序需调整"})
    assert (back["status"], back["decision_note"]) == ("DRAFT", "运维类排序需调整")
    assert as_("ZWB").compile_annual_plan(2027)["version_no"] == 1


def test_r_8_5_an_approved_plan_is_amended_only_by_a_new_version(as_, three, drafted, db):
    as_("ZWB").compile_annual_plan(2027)
    as_("ZWB").submit_annual_plan(2027, {})
    as_("LG").approve_annual_plan(2027, DECISION)
    late = drafted(name="补充项目", rank=3)
    amendment = as_("ZWB").compile_annual_plan(2027)
    assert (amendment["version_no"], amendment["status"]) == (2, "DRAFT")
    assert len(amendment["sections"]["BUILD"]) == 3
    assert as_("ZWB").get_annual_plan(2027, 1)["status"] == "APPROVED"
    as_("ZWB").submit_annual_plan(2027, {})
    as_("LG").approve_annual_plan(2027, {**DECISION, "document_number": "连信息化领〔2027〕5号"})
    assert as_("ZWB").get_annual_plan(2027, 1)["status"] == "SUPERSEDED"
    [amended] = db.events("AnnualPlanAmended")
    assert amended["data"]["version_no"] == 2
    assert len(db.events("AnnualPlanCopiedToFG")) == 2
    assert as_("UNIT").get_project(late)["state"] == "PLANNED"


def test_a_47_a_department_sees_only_its_own_items_of_the_approved_plan(as_, three):
    as_("ZWB").compile_annual_plan(2027)
    assert refused(as_("UNIT").get_annual_plan, 2027).code == "NOT-FOUND"
    as_("ZWB").submit_annual_plan(2027, {})
    as_("LG").approve_annual_plan(2027, DECISION)
    mine = as_("UNIT2").get_annual_plan(2027)
    assert [i["name"] for i in mine["sections"]["OM"]] == ["教育运维"] and mine["sections"]["BUILD"] == []
    assert mine["totals"] is None
    assert len(as_("LG").get_annual_plan(2027)["sections"]["BUILD"]) == 2
    [listed] = as_("UNIT").list_annual_plans()["items"]
    assert listed["plan_year"] == 2027 and listed["submitted_at"] is not None


def test_e09_already_in_plan_refuses_an_adhoc_application_for_a_listed_project(as_, three, application):
    as_("ZWB").compile_annual_plan(2027)
    as_("ZWB").submit_annual_plan(2027, {})
    as_("LG").approve_annual_plan(2027, DECISION)
    app = application(name="改建系统", origin="ADHOC", adhoc_reason="WORK_NEED", build_kind="UPGRADE",
                      system={"existing_system_id": "SYS-1"}, plan_year=2027)
    app.pop("rank")
    r = refused(as_("UNIT").submit_adhoc_application, app)
    assert (r.code, r.rule) == ("E09-ALREADY-IN-PLAN", "R-9-1")


def test_r_8_5_recompiling_or_returning_an_amendment_keeps_the_approved_items(as_, three, drafted, db):
    as_("ZWB").compile_annual_plan(2027)
    as_("ZWB").submit_annual_plan(2027, {})
    as_("LG").approve_annual_plan(2027, DECISION)
    late = drafted(name="补充项目", rank=3)
    first = as_("ZWB").compile_annual_plan(2027)
    again = as_("ZWB").compile_annual_plan(2027)
    assert again["version_no"] == first["version_no"] == 2
    names = lambda plan: {i["name"] for s in plan["sections"].values() for i in s}  # noqa: E731
    assert names(again) == names(first) == {"补充项目", "改建系统", "教育运维", "新建平台"}
    as_("ZWB").submit_annual_plan(2027, {})
    as_("LG").return_annual_plan(2027, {"reason": "补充说明"})
    returned = as_("ZWB").compile_annual_plan(2027)
    assert names(returned) == names(first)
    as_("ZWB").submit_annual_plan(2027, {})
    as_("LG").approve_annual_plan(2027, {**DECISION, "document_number": "连信息化领〔2027〕6号"})
    [copy_v1, copy_v2] = db.events("AnnualPlanCopiedToFG")
    listed = lambda copy: {i["project_id"] for i in copy["data"]["items"]}  # noqa: E731
    assert listed(copy_v2) == listed(copy_v1) | {late}
