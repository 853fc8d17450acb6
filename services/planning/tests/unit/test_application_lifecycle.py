"""Drafts, withdrawal (T02), return for correction (T04), resubmission as a new version, re-ranking (R-7-3)."""

from datetime import timedelta

import pytest

from itpm_common.errors import Refusal


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def test_a_draft_is_kept_unchecked_and_seen_only_by_its_unit(as_, db):
    draft = as_("UNIT").save_draft({"name": "智慧社区", "plan_year": 2027, "content": {"need": "尚在起草"}})
    assert draft["state"] == "DRAFT" and draft["current_version_no"] == 0
    assert db.events() == []
    detail = as_("UNIT").get_project(draft["id"])
    assert detail["state"] == "DRAFT"
    for who in ("UNIT2", "ZWB", "SJ"):
        assert refused(as_(who).get_project, draft["id"]).code == "NOT-FOUND"
    again = as_("UNIT").save_draft({"project_id": draft["id"], "name": "智慧社区平台", "plan_year": 2027})
    assert again["name"] == "智慧社区平台"


def test_a_draft_of_another_unit_cannot_be_edited(as_):
    draft = as_("UNIT").save_draft({"name": "智慧社区", "plan_year": 2027})
    assert refused(as_("UNIT2").save_draft, {"project_id": draft["id"], "name": "别人的", "plan_year": 2027}
                   ).code == "NOT-FOUND"


def test_t01_submitting_a_draft_makes_version_one(as_, application, db):
    draft = as_("UNIT").save_draft({"name": "智慧警务大数据平台", "plan_year": 2027})
    out = as_("UNIT").submit_plan_application(application(project_id=draft["id"]))
    assert out["id"] == draft["id"] and out["state"] == "PLAN_APPLIED" and out["current_version_no"] == 1
    [event] = db.events("PlanApplicationSubmitted")
    assert event["data"]["version_no"] == 1


def test_t02_withdrawal_before_the_review_opens(as_, application, db):
    out = as_("UNIT").submit_plan_application(application())
    back = as_("UNIT").withdraw_plan_application(out["id"], {"reason": "需补充调研"})
    assert back["state"] == "DRAFT"
    [event] = db.events("PlanApplicationWithdrawn")
    assert event["data"]["version_no"] == 1 and event["data"]["reason"] == "需补充调研"


def test_t02_no_withdrawal_once_the_review_is_open(as_, application, opened):
    out = as_("UNIT").submit_plan_application(application())
    as_().on_event(opened(out["id"], version_no=1))
    r = refused(as_("UNIT").withdraw_plan_application, out["id"])
    assert r.code == "STATE-INVALID" and r.article == "第七条"


@pytest.mark.parametrize("who", ["UNIT2", "ZWB"])
def test_t02_only_the_own_unit_withdraws(as_, application, who):
    out = as_("UNIT").submit_plan_application(application())
    assert refused(as_(who).withdraw_plan_application, out["id"]).code in ("NOT-FOUND", "AUTH-FORBIDDEN")


def test_t04_returned_application_is_corrected_and_resubmitted_as_version_two(
        as_, application, opened, review_event_of, db, clock):
    out = as_("UNIT").submit_plan_application(application())
    as_().on_event(opened(out["id"], version_no=1))
    as_().on_event(review_event_of("PlanReviewReturned", out["id"], version_no=1, reason="投资估算依据不足"))
    project = as_("UNIT").get_project(out["id"])
    assert project["state"] == "DRAFT" and project["returned_reason"] == "投资估算依据不足"
    clock.advance(timedelta(hours=1))
    again = as_("UNIT").submit_plan_application(application(project_id=out["id"], estimate_fen=90_000_000,
                                                            funding_sources=[{"type": "MUNICIPAL",
                                                                              "amount_fen": 90_000_000}]))
    assert (again["state"], again["current_version_no"], again["estimate_fen"]) == ("PLAN_APPLIED", 2, 90_000_000)
    assert again["returned_reason"] is None
    versions = [e["data"]["version_no"] for e in db.events("PlanApplicationSubmitted")]
    assert versions == [1, 2]
    assert as_("UNIT").get_project(out["id"])["application_version"] == 2


def test_an_opening_of_a_replaced_version_is_ignored(as_, application, opened, db):
    out = as_("UNIT").submit_plan_application(application())
    as_("UNIT").withdraw_plan_application(out["id"])
    as_("UNIT").submit_plan_application(application(project_id=out["id"]))
    as_().on_event(opened(out["id"], version_no=1))
    assert as_("UNIT").get_project(out["id"])["state"] == "PLAN_APPLIED"
    as_().on_event(opened(out["id"], version_no=2))
    assert as_("UNIT").get_project(out["id"])["state"] == "PLAN_UNDER_REVIEW"


def test_an_opening_after_a_withdrawal_leaves_the_draft_and_is_audited(as_, application, opened, db):
    out = as_("UNIT").submit_plan_application(application())
    as_("UNIT").withdraw_plan_application(out["id"])
    as_().on_event(opened(out["id"], version_no=1))
    assert as_("UNIT").get_project(out["id"])["state"] == "DRAFT"
    assert "plan_review_opened_after_withdrawal" in [a["action"] for a in db.audit()]


def test_a_submitted_application_cannot_be_submitted_again_by_id(as_, application):
    out = as_("UNIT").submit_plan_application(application())
    assert refused(as_("UNIT").submit_plan_application, application(project_id=out["id"])).code == "STATE-INVALID"


def test_r_7_3_reranking_before_the_call_closes(as_, application, db):
    unit = as_("UNIT")
    a = unit.submit_plan_application(application(name="项目甲", rank=1))
    b = unit.submit_plan_application(application(name="项目乙", rank=2))
    out = unit.update_ranking({"plan_year": 2027, "category": "BUILD", "order": [b["id"], a["id"]]})
    assert [(i["name"], i["rank"]) for i in out["items"]] == [("项目乙", 1), ("项目甲", 2)]
    events = db.events("PlanRankingUpdated")
    assert sorted((e["data"]["name"], e["data"]["previous_rank"], e["data"]["rank"]) for e in events) == [
        ("项目乙", 2, 1), ("项目甲", 1, 2)]
    # The freed ranks are the department's again: a new application may take rank 3, not 1.
    assert refused(unit.submit_plan_application, application(name="项目丙", rank=1)).code == "E07-RANK-DUPLICATE"


@pytest.mark.parametrize("order_of", [
    lambda a, b: [a],                 # one missing
    lambda a, b: [a, b, "other-id"],  # one unknown
    lambda a, b: [a, a, b],           # twice
])
def test_r_7_3_a_ranking_must_list_every_application_once(as_, application, order_of):
    unit = as_("UNIT")
    a = unit.submit_plan_application(application(name="项目甲", rank=1))["id"]
    b = unit.submit_plan_application(application(name="项目乙", rank=2))["id"]
    r = refused(unit.update_ranking, {"plan_year": 2027, "category": "BUILD", "order": order_of(a, b)})
    assert r.code == "VALIDATION" and "order" in r.details["fields"]


def test_r_7_3_no_reranking_after_the_call_closes(as_, application):
    unit = as_("UNIT")
    a = unit.submit_plan_application(application(name="项目甲", rank=1))
    as_("ZWB").close_call(2027, {})
    r = refused(unit.update_ranking, {"plan_year": 2027, "category": "BUILD", "order": [a["id"]]})
    assert (r.code, r.rule) == ("E07-CALL-WINDOW-CLOSED", "R-7-5")


def test_r_2_1_out_of_scope_projects_are_refused(as_, application):
    for scope in ({"budget_unit": False, "budget_funds": True, "system_type": "BUSINESS_SYSTEM"},
                  {"budget_unit": True, "budget_funds": False, "system_type": "BUSINESS_SYSTEM"},
                  {"budget_unit": True, "budget_funds": True, "system_type": "OTHER"},
                  None):
        r = refused(as_("UNIT").submit_plan_application, application(scope=scope))
        assert (r.code, r.rule, r.article) == ("E02-OUT-OF-SCOPE", "R-2-1", "第二条")
    other = {"budget_unit": True, "budget_funds": True, "system_type": "OTHER",
             "system_type_note": "政务服务热线知识库，属相关支撑体系之外的业务支撑"}
    assert as_("UNIT").submit_plan_application(application(scope=other))["state"] == "PLAN_APPLIED"


def test_r_14_8_an_om_application_records_sharing_and_security_status(as_, application):
    om = {"category": "OM", "build_kind": None, "system": {"existing_system_id": "SYS-1"}, "name": "运维项目"}
    r = refused(as_("UNIT").submit_plan_application, application(**om))
    assert (r.code, r.rule) == ("E14-BASIS-NOT-RECORDED", "R-14-8")
    partial = {"sharing_completeness": "FULL", "sharing_timeliness": "PARTIAL", "protection_level": 2,
               "last_security_test_on": "2026-03-01"}
    r = refused(as_("UNIT").submit_plan_application, application(**om, om_status=partial))
    assert "密码应用安全性评估情况" in r.reason_zh
    full = {**partial, "crypto_assessment": "已完成密评"}
    assert as_("UNIT").submit_plan_application(application(**om, om_status=full))["state"] == "PLAN_APPLIED"


def test_r_9_1_a_superior_funded_plan_application_documents_its_funding(as_, application, db):
    doc = application()["documents"]["application_form"]
    r = refused(as_("UNIT").submit_plan_application, application(origin="SUPERIOR_FUNDED"))
    assert (r.code, r.rule) == ("E09-SUPERIOR-DOC-MISSING", "R-9-1")
    out = as_("UNIT").submit_plan_application(application(
        origin="SUPERIOR_FUNDED", superior_funding={"amount_fen": 40_000_000, "document": doc, "issuer": "省发改委"}))
    assert (out["origin"], out["superior_funding_fen"]) == ("SUPERIOR_FUNDED", 40_000_000)
    [event] = db.events("PlanApplicationSubmitted")
    assert event["data"]["origin"] == "SUPERIOR_FUNDED" and event["data"]["superior_funding_fen"] == 40_000_000


def test_t04_a_returned_application_is_corrected_after_the_call_has_closed(as_, application, opened,
                                                                           review_event_of, clock):
    out = as_("UNIT").submit_plan_application(application())
    as_("ZWB").close_call(2027, {})
    as_().on_event(opened(out["id"], version_no=1))
    as_().on_event(review_event_of("PlanReviewReturned", out["id"], version_no=1, reason="补充安全方案"))
    clock.advance(timedelta(days=30))
    again = as_("UNIT").submit_plan_application(application(project_id=out["id"]))
    assert (again["state"], again["current_version_no"]) == ("PLAN_APPLIED", 2)
    moved = refused(as_("UNIT").submit_plan_application, application(project_id=out["id"], plan_year=2028))
    assert moved.code in ("STATE-INVALID", "VALIDATION")


def test_r_7_5_a_withdrawn_application_filed_again_after_the_close_is_late(as_, application):
    out = as_("UNIT").submit_plan_application(application())
    as_("UNIT").withdraw_plan_application(out["id"])
    as_("ZWB").close_call(2027, {})
    r = refused(as_("UNIT").submit_plan_application, application(project_id=out["id"]))
    assert r.code == "E07-CALL-WINDOW-CLOSED"


def test_a_conclusion_after_a_withdrawal_is_recorded_not_retried_forever(as_, application, opened, concluded, db):
    out = as_("UNIT").submit_plan_application(application())
    as_("UNIT").withdraw_plan_application(out["id"])
    as_().on_event(opened(out["id"], version_no=1))
    as_().on_event(concluded(out["id"], "DRAFT"))
    assert as_("UNIT").get_project(out["id"])["state"] == "DRAFT"
    assert db.events("PlanItemDrafted") == []
    assert "plan_review_concluded_after_withdrawal" in [a["action"] for a in db.audit()]


def test_superior_funding_above_the_estimate_is_a_funding_mismatch(as_, application):
    doc = application()["documents"]["application_form"]
    r = refused(as_("UNIT").submit_plan_application, application(
        origin="SUPERIOR_FUNDED", superior_funding={"amount_fen": 100_000_001, "document": doc}))
    assert (r.code, r.rule) == ("E06-FUNDING-SOURCE-MISMATCH", "R-6-3")


def test_a_draft_is_read_back_by_its_unit_only(as_, application):
    draft = as_("UNIT").save_draft({"name": "智慧社区", "plan_year": 2027, "content": {"need": "尚在起草"}})
    assert as_("UNIT").get_project(draft["id"])["draft"] == {"need": "尚在起草"}
    filed = as_("UNIT").submit_plan_application(application(project_id=draft["id"], name="智慧社区"))
    assert as_("ZWB").get_project(filed["id"])["draft"] is None


OM_STATUS = {"sharing_completeness": "FULL", "sharing_timeliness": "FULL", "protection_level": 3,
             "last_security_test_on": "2026-05-20", "crypto_assessment": "已评估"}


def test_r_0_1_the_same_running_system_twice_under_another_name_is_a_duplicate(as_, application):
    om = {"category": "OM", "build_kind": None, "system": {"existing_system_id": "SYS-7"}, "om_status": OM_STATUS}
    as_("UNIT").submit_plan_application(application(name="政务外网运维", **om))
    r = refused(as_("UNIT").submit_plan_application, application(name="政务外网运维服务", rank=2, **om))
    assert (r.code, r.rule, r.details["existing_system_id"]) == ("DUPLICATE", "R-0-1", "SYS-7")
    other = {**om, "system": {"existing_system_id": "SYS-8"}}
    assert as_("UNIT").submit_plan_application(application(name="视频专网运维", rank=2, **other))["state"] == \
        "PLAN_APPLIED"
    upgrade = {"build_kind": "UPGRADE", "system": {"existing_system_id": "SYS-7"}}
    as_("UNIT").submit_plan_application(application(name="政务外网升级", **upgrade))
    expand = {"build_kind": "EXPAND", "system": {"existing_system_id": "SYS-7"}}
    assert as_("UNIT").submit_plan_application(application(name="政务外网扩容", rank=2, **expand))["state"] == \
        "PLAN_APPLIED"
    assert refused(as_("UNIT").submit_plan_application,
                   application(name="政务外网改造", rank=3, **upgrade)).code == "DUPLICATE"
