"""Art 9: ad-hoc and superior-funded applications (T10), funding (T11, R-9-7), joint review (T12–T14), R-9-5."""

import importlib.util
from pathlib import Path

import pytest

from itpm_common.errors import Refusal
from itpm_common.events import CloudEvent, event_type

_spec = importlib.util.spec_from_file_location("planning_sample", Path(__file__).parents[1] / "sample.py")
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)
adhoc = _sample.adhoc_application


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def funds_event(name, project_id, **data) -> CloudEvent:
    return CloudEvent(type=event_type("funds", name), source="/itpm/funds", subject=project_id,
                      data={"project_id": project_id, "path": "ADHOC", **data}, unitid="police",
                      article="第九条", actorid="cz", actorrole="CZ")


def test_t10_an_adhoc_application_needs_no_call_and_no_rank(as_, db):
    out = as_("UNIT").submit_adhoc_application(adhoc(plan_year=2029))
    assert (out["state"], out["origin"], out["adhoc_reason"], out["rank"]) == (
        "ADHOC_APPLIED", "ADHOC", "WORK_NEED", None)
    [event] = db.events("AdHocApplicationSubmitted")
    assert event["data"]["version_no"] == 1 and event["data"]["estimate_fen"] == 100_000_000
    assert event["article"] == "第九条"


@pytest.mark.parametrize("changes, code", [
    ({"origin": None}, "E09-REASON-MISSING"),
    ({"adhoc_reason": None}, "E09-REASON-MISSING"),
    ({"adhoc_reason": "SUPERIOR_REQUIREMENT"}, "E09-SUPERIOR-DOC-MISSING"),
    ({"origin": "SUPERIOR_FUNDED", "adhoc_reason": None}, "E09-SUPERIOR-DOC-MISSING"),
])
def test_r_9_1_eligibility(as_, changes, code, db):
    r = refused(as_("UNIT").submit_adhoc_application, adhoc(**changes))
    assert (r.code, r.rule, r.article) == (code, "R-9-1", "第九条")
    assert db.count("projects") == 0


def test_r_9_1_documented_requirement_or_superior_funding_is_eligible(as_):
    doc = adhoc()["documents"]["application_form"]
    req = as_("UNIT").submit_adhoc_application(adhoc(adhoc_reason="SUPERIOR_REQUIREMENT",
                                                     requirement_document=doc))
    assert req["adhoc_reason"] == "SUPERIOR_REQUIREMENT"
    funded = as_("UNIT").submit_adhoc_application(adhoc(
        name="上级资金项目", origin="SUPERIOR_FUNDED", adhoc_reason=None,
        superior_funding={"amount_fen": 1, "document": doc}))
    assert (funded["origin"], funded["superior_funding_fen"]) == ("SUPERIOR_FUNDED", 1)


def test_r_9_1_the_rest_of_the_checklist_applies(as_):
    r = refused(as_("UNIT").submit_adhoc_application, adhoc(need=""))
    assert r.code == "E06-NEED-MISSING"


def test_only_a_unit_files_an_adhoc_application(as_):
    assert refused(as_("ZWB").submit_adhoc_application, adhoc()).code == "AUTH-FORBIDDEN"


def test_t11_t12_t13_state_follows_funds_and_review(as_, review_event_of):
    pid = as_("UNIT").submit_adhoc_application(adhoc())["id"]
    state = lambda: as_("UNIT").get_project(pid)["state"]  # noqa: E731
    as_().on_event(funds_event("FundingNotSecured", pid, result="PARTIAL", shortfall_fen=5))
    assert state() == "ADHOC_APPLIED"
    as_().on_event(funds_event("FundingConfirmed", pid, result="SECURED", confirmed_amount_fen=100_000_000))
    assert state() == "ADHOC_FUNDING_CONFIRMED"
    as_().on_event(review_event_of("JointReviewOpened", pid))
    assert state() == "ADHOC_UNDER_REVIEW"
    as_().on_event(review_event_of("JointReviewConcluded", pid, outcome="PASS"))
    assert state() == "ADHOC_CLEARED"


def test_t14_a_failed_joint_review_rejects(as_, review_event_of):
    pid = as_("UNIT").submit_adhoc_application(adhoc())["id"]
    as_().on_event(review_event_of("JointReviewOpened", pid))
    as_().on_event(review_event_of("JointReviewConcluded", pid, outcome="FAIL"))
    assert as_("UNIT").get_project(pid)["state"] == "ADHOC_REJECTED"


def test_r_9_7_a_revision_raising_the_total_goes_back_to_funding(as_, db):
    pid = as_("UNIT").submit_adhoc_application(adhoc())["id"]
    as_().on_event(funds_event("FundingConfirmed", pid, result="SECURED", confirmed_amount_fen=100_000_000))
    revised = as_("UNIT").submit_adhoc_application(adhoc(
        project_id=pid, estimate_fen=100_000_001, funding_sources=[{"type": "MUNICIPAL", "amount_fen": 100_000_001}]))
    assert revised["current_version_no"] == 2
    assert [e["data"]["estimate_fen"] for e in db.events("AdHocApplicationSubmitted")] == [100_000_000, 100_000_001]
    as_().on_event(funds_event("FundingConfirmationInvalidated", pid, new_total_fen=100_000_001))
    assert as_("UNIT").get_project(pid)["state"] == "ADHOC_APPLIED"


def test_no_revision_once_the_joint_review_is_open(as_, review_event_of):
    pid = as_("UNIT").submit_adhoc_application(adhoc())["id"]
    as_().on_event(review_event_of("JointReviewOpened", pid))
    assert refused(as_("UNIT").submit_adhoc_application, adhoc(project_id=pid)).code == "STATE-INVALID"


def test_r_9_5_zwb_records_the_special_report(as_, db):
    pid = as_("UNIT").submit_adhoc_application(adhoc(
        estimate_fen=1_000_000_001, funding_sources=[{"type": "MUNICIPAL", "amount_fen": 1_000_000_001}]))["id"]
    body = {"reference": "连政务报〔2027〕3号", "reported_on": "2026-09-10", "summary": "专题报告市政府"}
    out = as_("ZWB").record_special_report(pid, body)
    assert out["reference"] == "连政务报〔2027〕3号"
    [event] = db.events("SpecialReportRecorded")
    assert event["data"]["estimate_fen"] == 1_000_000_001 and event["data"]["reported_on"] == "2026-09-10"
    assert refused(as_("ZWB").record_special_report, pid, body).code == "DUPLICATE"
    assert refused(as_("UNIT").record_special_report, pid, body).code == "AUTH-FORBIDDEN"


def test_r_9_5_a_plan_project_has_no_special_report(as_, application):
    pid = as_("UNIT").submit_plan_application(application())["id"]
    r = refused(as_("ZWB").record_special_report, pid, {"reference": "x", "reported_on": "2026-09-10"})
    assert r.code == "STATE-INVALID"


def test_r_9_7_joint_review_events_about_a_replaced_version_change_nothing(as_, review_event_of, db):
    pid = as_("UNIT").submit_adhoc_application(adhoc())["id"]
    as_().on_event(funds_event("FundingConfirmed", pid, result="SECURED", confirmed_amount_fen=100_000_000))
    as_("UNIT").submit_adhoc_application(adhoc(project_id=pid))
    as_().on_event(review_event_of("JointReviewOpened", pid, version_no=1))
    as_().on_event(review_event_of("JointReviewConcluded", pid, version_no=1, outcome="PASS"))
    assert as_("UNIT").get_project(pid)["state"] == "ADHOC_FUNDING_CONFIRMED"
    assert [a["action"] for a in db.audit()].count("stale_joint_review_event") == 2
    [_, second] = db.events("AdHocApplicationSubmitted")
    assert second["data"]["state"] == "ADHOC_FUNDING_CONFIRMED"  # the same total keeps the confirmation


def test_r_9_2_a_later_short_confirmation_takes_the_project_back(as_):
    pid = as_("UNIT").submit_adhoc_application(adhoc())["id"]
    as_().on_event(funds_event("FundingConfirmed", pid, result="SECURED", confirmed_amount_fen=100_000_000))
    as_().on_event(funds_event("FundingNotSecured", pid, result="PARTIAL", shortfall_fen=1))
    assert as_("UNIT").get_project(pid)["state"] == "ADHOC_APPLIED"


def test_r_9_7_a_higher_total_shows_the_project_waiting_for_funding_at_once(as_, db):
    pid = as_("UNIT").submit_adhoc_application(adhoc())["id"]
    as_().on_event(funds_event("FundingConfirmed", pid, result="SECURED", confirmed_amount_fen=100_000_000))
    as_("UNIT").submit_adhoc_application(adhoc(project_id=pid, estimate_fen=100_000_001,
                                               funding_sources=[{"type": "MUNICIPAL", "amount_fen": 100_000_001}]))
    assert as_("UNIT").get_project(pid)["state"] == "ADHOC_APPLIED"
    assert db.events("AdHocApplicationSubmitted")[-1]["data"]["state"] == "ADHOC_APPLIED"
