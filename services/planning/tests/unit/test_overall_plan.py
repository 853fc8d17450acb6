"""R-4-2 / R-4-1: 政务办 compiles the overall plan (总体规划); only the leading group approves it."""

import pytest

from itpm_common.errors import Refusal

DRAFT = {"title": "连云港市市级政务信息化建设总体规划（2026—2030年）", "period_from": 2026, "period_to": 2030,
         "items": [{"name": "城市大数据中心二期", "description": "算力与数据治理"},
                   {"name": "一网通办平台升级", "unit_id": "zwb"}]}


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def test_zwb_compiles_and_the_leading_group_approves(as_, db):
    draft = as_("ZWB").compile_overall_plan(DRAFT)
    assert (draft["status"], draft["version_no"], len(draft["items"])) == ("DRAFT", 1, 2)
    assert refused(as_("UNIT").get_overall_plan).code == "NOT-FOUND"
    approved = as_("LG").approve_overall_plan({"document_number": "连信息化领〔2026〕2号",
                                               "expected_version": draft["version"]})
    assert approved["status"] == "APPROVED"
    [event] = db.events("OverallPlanApproved")
    assert event["subject"] == "overall-plan" and event["article"] == "第四条"
    assert [i["name"] for i in event["data"]["items"]] == ["城市大数据中心二期", "一网通办平台升级"]
    assert as_("UNIT").get_overall_plan()["document_number"] == "连信息化领〔2026〕2号"


@pytest.mark.parametrize("who", ["UNIT", "FG", "LG"])
def test_r_4_2_only_zwb_compiles(as_, who):
    r = refused(as_(who).compile_overall_plan, DRAFT)
    assert (r.code, r.rule, r.article) == ("AUTH-FORBIDDEN", "R-4-2", "第四条")


@pytest.mark.parametrize("who", ["ZWB", "LGO", "FG"])
def test_r_4_1_only_the_leading_group_approves(as_, who):
    as_("ZWB").compile_overall_plan(DRAFT)
    r = refused(as_(who).approve_overall_plan, {"document_number": "x"})
    assert (r.code, r.article) == ("AUTH-FORBIDDEN", "第四条")


def test_an_approved_version_is_not_changed_a_new_draft_is_the_next_version(as_):
    as_("ZWB").compile_overall_plan(DRAFT)
    as_("LG").approve_overall_plan({"document_number": "v1"})
    assert refused(as_("LG").approve_overall_plan, {"document_number": "again"}).code == "STATE-INVALID"
    second = as_("ZWB").compile_overall_plan({**DRAFT, "period_to": 2031})
    assert (second["version_no"], second["status"]) == (2, "DRAFT")
    assert as_("UNIT").get_overall_plan()["version_no"] == 1
    as_("LG").approve_overall_plan({"document_number": "v2"})
    assert as_("ZWB").get_overall_plan(1)["status"] == "SUPERSEDED"


def test_a_period_ending_before_it_starts_is_a_validation_refusal(as_):
    assert refused(as_("ZWB").compile_overall_plan, {**DRAFT, "period_to": 2025}).code == "VALIDATION"
