"""The Art 9 joint review: 政务办 opens it once 财政 has confirmed the funding
(T12, R-9-2, R-9-7), the four bureaus give opinions (R-9-4), 政务办 concludes
PASS or FAIL (T13/T14) with the special report for large projects (R-9-5);
and 财政's confirmation before a superior-funded plan item is drafted (R-9-8)."""

import pytest

from itpm_common.errors import Refusal
from review.settings import BEFORE_APPROVAL_ENTRY, ReviewSettings

BUREAUS = ("WX", "FG", "GX", "CZ")
FACTS = {"project_id": "a-1", "name": "应急指挥调度系统", "unit_id": "unit-a", "unit_name": "市民政局",
         "plan_year": 2025, "category": "BUILD", "classified": False}


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def joint_opinions(as_, opinion_payload, project_id="a-1", **verdicts):
    for bureau in BUREAUS:
        as_(bureau).record_opinion(project_id, opinion_payload(verdicts.get(bureau, "AGREE")))


def passing(**overrides):
    return {"outcome": "PASS", "consolidated_opinion": "经联审，同意追加建设", **overrides}


# ------------------------------------------------------------- T12, R-9-2


def test_zwb_opens_the_joint_review_once_funding_is_secured(as_, db, adhoc, funding, users):
    as_().on_event(adhoc("a-1", 800_000_000))
    as_().on_event(funding(total_fen=800_000_000))

    review = as_("ZWB").open_joint_review("a-1", {"version_no": 1}, idempotency_key="j-1")

    assert (review["kind"], review["status"], review["version_no"], review["origin"]) == ("ADHOC", "OPEN", 1, "ADHOC")
    assert review["funding_at_opening"] == {"result": "SECURED", "confirmed_amount_fen": 800_000_000}
    assert review["funding"]["satisfied"] is True and review["funding"]["status"] == "CONFIRMED"
    assert review == as_("ZWB").get_review("a-1")
    [event] = db.events("JointReviewOpened")
    assert event["data"] == {"review_id": review["review_id"], **FACTS, "version_no": 1,
                             "estimate_fen": 800_000_000,
                             "funding": {"result": "SECURED", "confirmed_amount_fen": 800_000_000}}
    assert (event["article"], event["actorid"]) == ("第九条", users["ZWB"].user_id)
    entry = db.audit()[-1]
    assert (entry["action"], entry["rule"], entry["article"]) == ("open_joint_review", "R-9-2", "第九条")
    assert as_("ZWB").open_joint_review("a-1", {"version_no": 1}, idempotency_key="j-1") == review


def test_without_a_confirmation_the_opening_is_refused_with_the_r_9_2_code(as_, db, adhoc):
    as_().on_event(adhoc("a-1"))

    refusal = refused(as_("ZWB").open_joint_review, "a-1")

    assert (refusal.code, refusal.rule, refusal.article) == ("E09-FUNDING-NOT-CONFIRMED", "R-9-2", "第九条")
    assert refusal.http_status == 422
    assert db.events() == []
    last = db.audit()[-1]
    assert (last["action"], last["outcome"], last["code"]) == ("open_joint_review", "REFUSED",
                                                              "E09-FUNDING-NOT-CONFIRMED")
    [pending] = as_("ZWB").list_pending_openings()["items"]
    assert pending["kind"] == "ADHOC" and pending["ready"] is False
    assert pending["blocking"]["code"] == "E09-FUNDING-NOT-CONFIRMED"
    assert pending["funding"]["status"] == "NONE"


@pytest.mark.parametrize("amount, result, expected", [
    (800_000_000 - 1, "SECURED", "E09-FUNDING-NOT-SECURED"),
    (800_000_000, "SECURED", None),
    (800_000_000 + 1, "SECURED", None),
    (800_000_000, "PARTIAL", "E09-FUNDING-NOT-SECURED"),
    (0, "NOT_SECURED", "E09-FUNDING-NOT-SECURED"),
])
def test_funding_must_be_secured_and_cover_the_total(as_, db, adhoc, funding, amount, result, expected):
    as_().on_event(adhoc("a-1", 800_000_000))
    name = "FundingConfirmed" if result == "SECURED" and amount >= 800_000_000 else "FundingNotSecured"
    as_().on_event(funding(name, total_fen=800_000_000, amount_fen=amount, result=result))

    if expected is None:
        assert as_("ZWB").open_joint_review("a-1")["status"] == "OPEN"
        return
    refusal = refused(as_("ZWB").open_joint_review, "a-1")
    assert (refusal.code, refusal.rule) == (expected, "R-9-2")
    assert refusal.details["shortfall_fen"] == max(0, 800_000_000 - amount)
    assert refusal.details["result"] == result
    assert db.events("JointReviewOpened") == []
    [pending] = as_("ZWB").list_pending_openings()["items"]
    assert pending["blocking"]["code"] == expected and pending["funding"]["result"] == result


@pytest.mark.parametrize("settings", [ReviewSettings(adhoc_funding_must_cover_total=False)])
def test_with_the_switch_off_any_recorded_result_opens_and_is_shown(as_, db, adhoc, funding, settings):
    as_().on_event(adhoc("a-1", 800_000_000))
    assert refused(as_("ZWB").open_joint_review, "a-1").code == "E09-FUNDING-NOT-CONFIRMED"
    as_().on_event(funding("FundingNotSecured", amount_fen=300_000_000, result="PARTIAL"))
    assert as_("ZWB").list_pending_openings()["items"][0]["ready"] is True

    review = as_("ZWB").open_joint_review("a-1")

    assert review["funding_at_opening"] == {"result": "PARTIAL", "confirmed_amount_fen": 300_000_000}
    [event] = db.events("JointReviewOpened")
    assert event["data"]["funding"] == {"result": "PARTIAL", "confirmed_amount_fen": 300_000_000}


def test_a_larger_new_version_invalidates_the_confirmation(as_, db, adhoc, funding):
    """R-9-7: the total rose after 财政 confirmed, so R-9-2 must be met again."""
    as_().on_event(adhoc("a-1", 800_000_000))
    as_().on_event(funding(total_fen=800_000_000))
    as_().on_event(adhoc("a-1", 800_000_001, version_no=2))

    refusal = refused(as_("ZWB").open_joint_review, "a-1")

    assert (refusal.code, refusal.rule) == ("E09-FUNDING-NOT-CONFIRMED", "R-9-2")
    assert refusal.details == {"invalidated": True, "confirmed_for_total_fen": 800_000_000,
                               "total_investment_fen": 800_000_001}
    as_().on_event(funding(total_fen=800_000_001, confirmation_id="c-2"))
    assert as_("ZWB").open_joint_review("a-1")["version_no"] == 2


def test_a_smaller_new_version_keeps_the_confirmation(as_, adhoc, funding):
    as_().on_event(adhoc("a-1", 800_000_000))
    as_().on_event(funding(total_fen=800_000_000))
    as_().on_event(adhoc("a-1", 700_000_000, version_no=2))
    assert as_("ZWB").open_joint_review("a-1")["estimate_fen"] == 700_000_000


def test_funds_invalidating_the_confirmation_closes_the_gate(as_, adhoc, funding):
    as_().on_event(adhoc("a-1", 800_000_000))
    as_().on_event(funding(total_fen=800_000_000, time="2025-03-10T09:00:00+08:00"))
    as_().on_event(funding("FundingConfirmationInvalidated", total_fen=800_000_000,
                           time="2025-03-10T09:05:00+08:00"))

    refusal = refused(as_("ZWB").open_joint_review, "a-1")
    assert refusal.code == "E09-FUNDING-NOT-CONFIRMED" and refusal.details["invalidated"] is True

    # a confirmation delivered late that is older than the invalidation changes nothing
    as_().on_event(funding(total_fen=800_000_000, time="2025-03-10T08:00:00+08:00"))
    assert refused(as_("ZWB").open_joint_review, "a-1").code == "E09-FUNDING-NOT-CONFIRMED"

    as_().on_event(funding(total_fen=800_000_000, confirmation_id="c-2", time="2025-03-10T09:10:00+08:00"))
    assert as_("ZWB").open_joint_review("a-1")["status"] == "OPEN"


@pytest.mark.parametrize("who", ["UNIT", "CZ", "FG", "LG"])
def test_only_zwb_opens_the_joint_review_citing_article_9(as_, db, adhoc, funding, who):
    as_().on_event(adhoc("a-1"))
    as_().on_event(funding())
    refusal = refused(as_(who).open_joint_review, "a-1")
    assert (refusal.code, refusal.article) == ("AUTH-FORBIDDEN", "第九条")
    assert db.events() == []


def test_unknown_ad_hoc_application_is_not_found(as_, submission):
    as_().on_event(submission("p-1"))  # a plan application is not an ad-hoc one
    assert refused(as_("ZWB").open_joint_review, "p-1").code == "NOT-FOUND"


def test_an_open_joint_review_is_not_opened_twice(as_, open_joint):
    open_joint()
    refusal = refused(as_("ZWB2").open_joint_review, "a-1")
    assert refusal.code == "STATE-INVALID" and refusal.details["current_state"] == "OPEN"


# ------------------------------------------------------- opinions (R-9-4)


def test_the_four_bureaus_give_joint_review_opinions(as_, db, open_joint, opinion_payload):
    review_id = open_joint()["review_id"]

    for bureau in BUREAUS:
        out = as_(bureau).record_opinion("a-1", opinion_payload())
    assert out["missing_bureaus"] == [] and out["kind"] == "ADHOC"

    events = db.events("JointReviewOpinionRecorded")
    assert [e["data"] for e in events] == [
        {"review_id": review_id, **FACTS, "version_no": 1, "bureau": b, "verdict": "AGREE"} for b in BUREAUS]
    assert {e["article"] for e in events} == {"第九条"}
    assert db.events("PlanReviewOpinionRecorded") == []
    recorded = [a for a in db.audit() if a["action"] == "record_opinion"]
    assert {(a["rule"], a["article"]) for a in recorded} == {("R-9-4", "第九条")}
    dup = refused(as_("CZ").record_opinion, "a-1", opinion_payload("DISAGREE"))
    assert (dup.code, dup.article) == ("DUPLICATE", "第九条")


@pytest.mark.parametrize("who", ["ZWB", "UNIT"])
def test_only_bureaus_give_joint_review_opinions(as_, open_joint, opinion_payload, who):
    open_joint()
    assert refused(as_(who).record_opinion, "a-1", opinion_payload()).code == "AUTH-FORBIDDEN"


def test_awaiting_me_covers_the_joint_review(as_, open_joint, open_review, opinion_payload):
    open_joint()
    open_review("p-1")
    as_("WX").record_opinion("a-1", opinion_payload())

    assert [i["project_id"] for i in as_("WX").list_reviews({"awaiting_me": True})["items"]] == ["p-1"]
    assert sorted(i["project_id"] for i in as_("FG").list_reviews({"awaiting_me": True})["items"]) == [
        "a-1", "p-1"]
    for bureau in ("FG", "GX", "CZ"):
        as_(bureau).record_opinion("a-1", opinion_payload())
    assert [i["project_id"] for i in as_("ZWB").list_reviews({"awaiting_me": True})["items"]] == ["a-1"]
    assert [i["project_id"] for i in as_("ZWB").list_reviews({"kind": "ADHOC"})["items"]] == ["a-1"]
    assert [i["kind"] for i in as_("ZWB").list_reviews({"kind": "PLAN"})["items"]] == ["PLAN"]


# ------------------------------------------------------------- T13 / T14


def test_pass_concludes_the_joint_review(as_, db, open_joint, opinion_payload, users):
    review_id = open_joint()["review_id"]
    joint_opinions(as_, opinion_payload)

    out = as_("ZWB").conclude_joint_review("a-1", passing(), idempotency_key="c-1")

    assert out["status"] == "CONCLUDED"
    assert out["conclusion"]["outcome"] == "PASS" and out["conclusion"]["criteria"] is None
    assert out["conclusion"]["concluded_by"] == users["ZWB"].user_id
    [event] = db.events("JointReviewConcluded")
    assert event["data"] == {"review_id": review_id, **FACTS, "version_no": 1, "outcome": "PASS",
                             "consolidated_opinion": "经联审，同意追加建设", "resolution_note": None}
    assert (event["article"], event["actorrole"]) == ("第九条", "ZWB")
    assert as_("ZWB").conclude_joint_review("a-1", passing(), idempotency_key="c-1") == out
    again = refused(as_("ZWB2").conclude_joint_review, "a-1", passing())
    assert again.code == "STATE-INVALID" and again.details["current_state"] == "CONCLUDED"


def test_fail_needs_its_reason_and_all_opinions(as_, db, open_joint, opinion_payload):
    open_joint()
    as_("WX").record_opinion("a-1", opinion_payload("DISAGREE"))
    missing = refused(as_("ZWB").conclude_joint_review, "a-1",
                      {"outcome": "FAIL", "consolidated_opinion": "资金来源不明确"})
    assert (missing.code, missing.rule, missing.article) == ("E08-OPINION-MISSING", "R-9-4", "第九条")
    assert missing.details["missing_bureaus"] == ["FG", "GX", "CZ"]
    for bureau in ("FG", "GX", "CZ"):
        as_(bureau).record_opinion("a-1", opinion_payload())
    no_reason = refused(as_("ZWB").conclude_joint_review, "a-1", {"outcome": "FAIL", "consolidated_opinion": " "})
    assert no_reason.code == "VALIDATION" and "consolidated_opinion" in no_reason.details["fields"]

    out = as_("ZWB").conclude_joint_review("a-1", {"outcome": "FAIL", "consolidated_opinion": "资金来源不明确"})

    assert out["conclusion"]["outcome"] == "FAIL"
    [event] = db.events("JointReviewConcluded")
    assert event["data"]["outcome"] == "FAIL" and event["data"]["consolidated_opinion"] == "资金来源不明确"


def test_pass_over_a_disagreement_needs_the_resolution_note(as_, db, open_joint, opinion_payload):
    open_joint()
    joint_opinions(as_, opinion_payload, GX="DISAGREE")
    refusal = refused(as_("ZWB").conclude_joint_review, "a-1", passing())
    assert (refusal.code, refusal.rule) == ("E08-UNRESOLVED-DISAGREEMENT", "R-9-4")
    assert refusal.details["disagreeing_bureaus"] == ["GX"]
    out = as_("ZWB").conclude_joint_review("a-1", passing(resolution_note="经协商，工信同意"))
    assert out["conclusion"]["resolution_note"] == "经协商，工信同意"


@pytest.mark.parametrize("who", ["WX", "CZ", "UNIT"])
def test_only_zwb_concludes_the_joint_review(as_, open_joint, opinion_payload, who):
    open_joint()
    joint_opinions(as_, opinion_payload)
    refusal = refused(as_(who).conclude_joint_review, "a-1", passing())
    assert (refusal.code, refusal.article) == ("AUTH-FORBIDDEN", "第九条")


def test_plan_conclusion_does_not_conclude_a_joint_review(as_, open_joint, opinion_payload, conclusion_payload):
    open_joint()
    joint_opinions(as_, opinion_payload)
    assert refused(as_("ZWB").conclude, "a-1", conclusion_payload()).code == "NOT-FOUND"
    assert refused(as_("ZWB").return_for_correction, "a-1", {"reason": "x"}).code == "NOT-FOUND"


def test_a_stale_joint_conclusion_is_refused(as_, db, open_joint, opinion_payload):
    open_joint()
    for bureau in ("WX", "FG", "GX"):
        as_(bureau).record_opinion("a-1", opinion_payload())
    seen = as_("ZWB").get_review("a-1")["version"]
    as_("CZ").record_opinion("a-1", opinion_payload())
    refusal = refused(as_("ZWB").conclude_joint_review, "a-1", passing(expected_version=seen))
    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert db.events("JointReviewConcluded") == []


# ------------------------------------------------------------------ R-9-5


@pytest.mark.parametrize("total, needs_report", [(1_000_000_000, False), (1_000_000_001, True)])
def test_special_report_for_totals_greater_than_the_threshold(as_, db, open_joint, opinion_payload,
                                                              special_report, total, needs_report):
    open_joint(estimate_fen=total)
    joint_opinions(as_, opinion_payload)
    assert as_("ZWB").get_review("a-1")["special_report"]["required"] is needs_report

    if needs_report:
        refusal = refused(as_("ZWB").conclude_joint_review, "a-1", passing())
        assert (refusal.code, refusal.rule, refusal.article) == ("E09-SPECIAL-REPORT-MISSING", "R-9-5", "第九条")
        assert refusal.details == {"total_investment_fen": total, "threshold_fen": 1_000_000_000}
        assert db.events("JointReviewConcluded") == []
        as_().on_event(special_report("a-1"))
        report = as_("ZWB").get_review("a-1")["special_report"]
        assert report["recorded"] is True and report["reference"] == "连政办专报〔2025〕3号"
    assert as_("ZWB").conclude_joint_review("a-1", passing())["conclusion"]["outcome"] == "PASS"


def test_a_large_project_may_fail_without_the_report(as_, open_joint, opinion_payload):
    open_joint(estimate_fen=1_000_000_001)
    joint_opinions(as_, opinion_payload)
    out = as_("ZWB").conclude_joint_review("a-1", {"outcome": "FAIL", "consolidated_opinion": "投资过大，暂缓"})
    assert out["conclusion"]["outcome"] == "FAIL"


@pytest.mark.parametrize("settings", [ReviewSettings(special_report_gate=BEFORE_APPROVAL_ENTRY)])
def test_with_the_gate_at_approval_entry_the_review_concludes_without_the_report(
        as_, open_joint, opinion_payload, settings):
    open_joint(estimate_fen=1_000_000_001)
    joint_opinions(as_, opinion_payload)
    review = as_("ZWB").get_review("a-1")
    assert review["special_report"]["required"] is True and review["special_report"]["gate"] == BEFORE_APPROVAL_ENTRY
    assert as_("ZWB").conclude_joint_review("a-1", passing())["status"] == "CONCLUDED"


@pytest.mark.parametrize("settings", [ReviewSettings(large_investment_threshold_fen=500_000_000)])
def test_the_threshold_is_configured(as_, open_joint, opinion_payload, settings):
    open_joint(estimate_fen=500_000_001)
    joint_opinions(as_, opinion_payload)
    assert refused(as_("ZWB").conclude_joint_review, "a-1", passing()).code == "E09-SPECIAL-REPORT-MISSING"


# ---------------------------------------------- R-9-8 superior-funded plan item


def superior(submission, **kw):
    return submission("p-1", origin="SUPERIOR_FUNDED", superior_funding_fen=1_000_000_000,
                      estimate_fen=3_500_000_000, **kw)


def test_superior_funded_plan_item_needs_the_funding_confirmation_before_t05(
        as_, db, submission, funding, opinion_payload, conclusion_payload):
    as_().on_event(superior(submission))
    [pending] = as_("ZWB").list_pending_openings()["items"]
    assert pending["ready"] is True and pending["funding"]["required"] is True
    as_("ZWB").open_plan_review("p-1")
    for bureau in BUREAUS:
        as_(bureau).record_opinion("p-1", opinion_payload())

    refusal = refused(as_("ZWB").conclude, "p-1", conclusion_payload())
    assert (refusal.code, refusal.rule, refusal.article) == ("E09-FUNDING-NOT-CONFIRMED", "R-9-8", "第九条")

    as_().on_event(funding("FundingNotSecured", project_id="p-1", total_fen=3_500_000_000,
                           amount_fen=3_000_000_000, path="PLAN"))
    short = refused(as_("ZWB").conclude, "p-1", conclusion_payload())
    assert (short.code, short.rule) == ("E09-FUNDING-NOT-SECURED", "R-9-8")
    assert short.details["shortfall_fen"] == 500_000_000
    assert db.events("PlanReviewConcluded") == []

    as_().on_event(funding(project_id="p-1", total_fen=3_500_000_000, path="PLAN", confirmation_id="c-2"))
    out = as_("ZWB").conclude("p-1", conclusion_payload())
    assert out["conclusion"]["outcome"] == "DRAFT" and out["funding"]["satisfied"] is True


def test_superior_funded_item_may_be_left_out_without_confirmation(as_, submission, opinion_payload,
                                                                   conclusion_payload):
    as_().on_event(superior(submission))
    as_("ZWB").open_plan_review("p-1")
    for bureau in BUREAUS:
        as_(bureau).record_opinion("p-1", opinion_payload())
    out = as_("ZWB").conclude("p-1", conclusion_payload("NOT_INCLUDED"))
    assert out["conclusion"]["outcome"] == "NOT_INCLUDED"


def test_an_ordinary_plan_item_needs_no_funding_confirmation(as_, open_review, opinion_payload, conclusion_payload):
    review = open_review()
    assert review["funding"]["required"] is False
    for bureau in BUREAUS:
        as_(bureau).record_opinion("p-1", opinion_payload())
    assert as_("ZWB").conclude("p-1", conclusion_payload())["status"] == "CONCLUDED"


# ------------------------------------------------------------ visibility


@pytest.mark.parametrize("who, sees", [("UNIT", True), ("UNIT_B", False), ("SJ", True), ("JL", False),
                                       ("CZ", True)])
def test_joint_review_visibility(as_, open_joint, who, sees):
    open_joint()
    if sees:
        assert as_(who).get_review("a-1")["kind"] == "ADHOC"
    else:
        assert refused(as_(who).get_review, "a-1").code == "NOT-FOUND"


def test_r_9_7_a_revision_crossing_the_opening_cancels_the_old_versions_review(as_, db, adhoc, funding):
    as_().on_event(adhoc("a-1", 800_000_000))
    as_().on_event(funding(total_fen=800_000_000))
    old = as_("ZWB").open_joint_review("a-1", {"version_no": 1})
    as_("WX").record_opinion("a-1", {"verdict": "AGREE", "necessity": "必要", "feasibility": "可行",
                                     "security": "可控", "budget": "合理"})

    as_().on_event(adhoc("a-1", 900_000_000, version_no=2))

    [cancelled] = db.events("JointReviewCancelled")
    assert (cancelled["data"]["review_id"], cancelled["data"]["version_no"],
            cancelled["data"]["superseded_by_version"]) == (old["review_id"], 1, 2)
    assert as_("ZWB").get_review("a-1")["status"] == "CANCELLED"
    r = refused(as_("ZWB").conclude_joint_review, "a-1", passing())
    assert r.code in ("STATE-INVALID", "NOT-FOUND") and db.events("JointReviewConcluded") == []
    # The new version waits for 财政 again: its funding no longer covers the higher total.
    assert refused(as_("ZWB").open_joint_review, "a-1", {"version_no": 2}).code in (
        "E09-FUNDING-NOT-CONFIRMED", "E09-FUNDING-NOT-SECURED")


@pytest.mark.parametrize("settings", [ReviewSettings(adhoc_funding_must_cover_total=False)])
def test_r_9_8_the_switch_does_not_relax_the_superior_funded_plan_item(
        as_, submission, funding, opinion_payload, conclusion_payload, settings):
    as_().on_event(superior(submission))
    as_("ZWB").open_plan_review("p-1")
    for bureau in BUREAUS:
        as_(bureau).record_opinion("p-1", opinion_payload())
    as_().on_event(funding("FundingNotSecured", project_id="p-1", total_fen=3_500_000_000, amount_fen=0,
                           result="NOT_SECURED", path="PLAN"))
    refusal = refused(as_("ZWB").conclude, "p-1", conclusion_payload())
    assert (refusal.code, refusal.rule) == ("E09-FUNDING-NOT-SECURED", "R-9-8")


@pytest.mark.parametrize("reported_on_fen, covers", [(1_200_000_000, True), (1_199_999_999, False)])
def test_r_9_5_a_report_made_on_a_smaller_total_does_not_cover_a_larger_one(
        as_, open_joint, opinion_payload, special_report, reported_on_fen, covers):
    open_joint(estimate_fen=1_200_000_000)
    joint_opinions(as_, opinion_payload)
    as_().on_event(special_report("a-1", estimate_fen=reported_on_fen))
    assert as_("ZWB").get_review("a-1")["special_report"]["covers_total"] is covers
    if covers:
        assert as_("ZWB").conclude_joint_review("a-1", passing())["conclusion"]["outcome"] == "PASS"
    else:
        assert refused(as_("ZWB").conclude_joint_review, "a-1", passing()).code == "E09-SPECIAL-REPORT-MISSING"
