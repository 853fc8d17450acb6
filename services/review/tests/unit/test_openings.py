"""政务办 opens the plan review (T03), returns an application for correction
(T04), and what a withdrawal does to a review that has just opened."""

import pytest

from itpm_common.errors import Refusal

BUREAUS = ("WX", "FG", "GX", "CZ")


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


# ----------------------------------------------------------------- T03


@pytest.mark.parametrize("who", ["UNIT", "WX", "FG", "GX", "CZ", "LG", "SJ"])
def test_only_zwb_opens_the_plan_review_citing_article_8(as_, db, submission, who):
    as_().on_event(submission("p-1"))

    refusal = refused(as_(who).open_plan_review, "p-1")

    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-4-1", "第八条")
    assert refusal.details["allowed_roles"] == ["ZWB"]
    assert db.events() == []
    last = db.audit()[-1]
    assert (last["action"], last["outcome"], last["code"], last["project_id"]) == (
        "open_plan_review", "REFUSED", "AUTH-FORBIDDEN", "p-1")
    assert as_("ZWB").list_pending_openings()["total"] == 1


def test_opening_an_unknown_application_is_not_found(as_, db):
    assert refused(as_("ZWB").open_plan_review, "nope").code == "NOT-FOUND"
    assert db.events() == []


def test_a_withdrawn_application_cannot_be_opened(as_, db, submission, withdrawal):
    as_().on_event(submission("p-1"))
    as_().on_event(withdrawal("p-1"))

    refusal = refused(as_("ZWB").open_plan_review, "p-1")

    assert refusal.code == "STATE-INVALID" and refusal.details["current_state"] == "WITHDRAWN"
    assert refusal.article == "第八条"
    assert db.events() == []
    assert as_("ZWB").list_pending_openings()["items"] == []


def test_an_open_review_is_not_opened_twice(as_, db, open_review):
    open_review()
    refusal = refused(as_("ZWB2").open_plan_review, "p-1")
    assert refusal.code == "STATE-INVALID" and refusal.details["current_state"] == "OPEN"
    assert len(db.events("PlanReviewOpened")) == 1


def test_opening_a_version_the_department_has_since_replaced_is_stale(as_, db, submission):
    as_().on_event(submission("p-1", version_no=1))
    as_().on_event(submission("p-1", version_no=2, estimate_fen=3_600_000_000))

    refusal = refused(as_("ZWB").open_plan_review, "p-1", {"version_no": 1})

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert (refusal.details["expected_version_no"], refusal.details["current_version_no"]) == (1, 2)
    review = as_("ZWB").open_plan_review("p-1", {"version_no": 2})
    assert review["version_no"] == 2 and review["estimate_fen"] == 3_600_000_000


def test_opening_payload_is_validated(as_, submission):
    as_().on_event(submission("p-1"))
    refusal = refused(as_("ZWB").open_plan_review, "p-1", {"version_no": "1", "colour": "red"})
    assert refusal.code == "VALIDATION"
    assert set(refusal.details["fields"]) == {"version_no", "colour"}


def test_bureaus_cannot_record_opinions_before_the_review_opens(as_, db, submission, opinion_payload):
    as_().on_event(submission("p-1"))
    assert refused(as_("WX").record_opinion, "p-1", opinion_payload()).code == "NOT-FOUND"


# ----------------------------------------------------------------- T04


def test_zwb_returns_the_application_with_a_reason(as_, db, open_review, opinion_payload, users):
    review_id = open_review()["review_id"]
    as_("WX").record_opinion("p-1", opinion_payload())

    out = as_("ZWB").return_for_correction("p-1", {"reason": "  项目方案缺少数据共享清单  "},
                                           idempotency_key="ret-1")

    assert out["status"] == "RETURNED" and out["conclusion"] is None
    assert out["closing"] == {"status": "RETURNED", "reason": "项目方案缺少数据共享清单",
                              "by": users["ZWB"].user_id, "by_name": users["ZWB"].name,
                              "at": "2025-03-10T09:30:00+08:00"}
    [event] = db.events("PlanReviewReturned")
    assert event["data"] == {"review_id": review_id, "project_id": "p-1", "version_no": 1,
                             "reason": "项目方案缺少数据共享清单", "name": "社会救助信息系统升级",
                             "unit_id": "unit-a", "unit_name": "市民政局", "plan_year": 2026, "category": "BUILD",
                             "classified": False}
    assert (event["article"], event["actorrole"]) == ("第八条", "ZWB")
    assert db.audit()[-1]["action"] == "return_for_correction"
    # a returned review takes no more opinions or conclusions
    late = refused(as_("FG").record_opinion, "p-1", opinion_payload())
    assert late.code == "STATE-INVALID" and late.details["current_state"] == "RETURNED"
    assert as_("ZWB").return_for_correction("p-1", {"reason": "  项目方案缺少数据共享清单  "},
                                            idempotency_key="ret-1") == out


@pytest.mark.parametrize("payload", [{}, {"reason": "   "}, {"reason": None}])
def test_a_return_needs_a_reason(as_, db, open_review, payload):
    open_review()
    refusal = refused(as_("ZWB").return_for_correction, "p-1", payload)
    assert refusal.code == "VALIDATION" and "reason" in refusal.details["fields"]
    assert db.events("PlanReviewReturned") == []
    assert as_("ZWB").get_review("p-1")["status"] == "OPEN"


@pytest.mark.parametrize("who", ["UNIT", "WX", "CZ"])
def test_only_zwb_returns(as_, db, open_review, who):
    open_review()
    refusal = refused(as_(who).return_for_correction, "p-1", {"reason": "材料不全"})
    assert (refusal.code, refusal.article) == ("AUTH-FORBIDDEN", "第八条")
    assert db.events("PlanReviewReturned") == []


def test_a_return_on_a_stale_view_is_refused(as_, db, open_review, opinion_payload):
    seen = open_review()["version"]
    as_("GX").record_opinion("p-1", opinion_payload())
    refusal = refused(as_("ZWB").return_for_correction, "p-1", {"reason": "材料不全", "expected_version": seen})
    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert db.events("PlanReviewReturned") == []


def test_the_resubmitted_version_is_opened_again_as_a_new_review(as_, db, open_review, submission,
                                                                  opinion_payload, conclusion_payload):
    first = open_review()
    as_("ZWB").return_for_correction("p-1", {"reason": "补充共享清单"})
    assert as_("ZWB").list_pending_openings()["items"] == []

    as_().on_event(submission("p-1", version_no=2))
    [pending] = as_("ZWB").list_pending_openings()["items"]
    assert pending["version_no"] == 2 and pending["ready"] is True
    second = as_("ZWB").open_plan_review("p-1", {"version_no": 2})

    assert second["review_id"] != first["review_id"] and second["version_no"] == 2
    assert second["opinions"] == [] and second["status"] == "OPEN"
    assert [e["data"]["version_no"] for e in db.events("PlanReviewOpened")] == [1, 2]
    for bureau in BUREAUS:
        as_(bureau).record_opinion("p-1", opinion_payload())
    assert as_("ZWB").conclude("p-1", conclusion_payload())["review_id"] == second["review_id"]
    assert as_("ZWB").list_reviews({"status": "RETURNED"})["items"][0]["review_id"] == first["review_id"]


def test_conclusion_after_return_is_refused(as_, open_review, conclusion_payload):
    open_review()
    as_("ZWB").return_for_correction("p-1", {"reason": "补充材料"})
    refusal = refused(as_("ZWB").conclude, "p-1", conclusion_payload())
    assert refusal.code == "STATE-INVALID" and refusal.details["current_state"] == "RETURNED"


# ---------------------------------------------------- withdrawal race (T02)


def test_withdrawal_before_any_opinion_cancels_the_open_review(as_, db, open_review, withdrawal, opinion_payload):
    review_id = open_review()["review_id"]

    as_().on_event(withdrawal("p-1", version_no=1))

    review = as_("ZWB").get_review("p-1")
    assert review["status"] == "CANCELLED" and review["closing"]["status"] == "CANCELLED"
    [event] = db.events("PlanReviewCancelled")
    assert event["data"]["review_id"] == review_id and event["data"]["version_no"] == 1
    assert (event["article"], event["actorrole"]) == ("第八条", "SYSTEM")
    assert db.audit()[-1]["action"] == "cancel_plan_review"
    assert refused(as_("WX").record_opinion, "p-1", opinion_payload()).code == "STATE-INVALID"


def test_withdrawal_after_an_opinion_keeps_the_review_and_records_the_conflict(
        as_, db, open_review, withdrawal, opinion_payload):
    open_review()
    as_("CZ").record_opinion("p-1", opinion_payload())

    as_().on_event(withdrawal("p-1", version_no=1))

    assert as_("ZWB").get_review("p-1")["status"] == "OPEN"
    assert db.events("PlanReviewCancelled") == []
    entry = db.audit()[-1]
    assert (entry["action"], entry["outcome"], entry["article"]) == ("withdrawal_conflict", "RECORDED", "第八条")
    assert entry["details"]["opinions_from"] == ["CZ"]
    # the bureaus carry on
    as_("WX").record_opinion("p-1", opinion_payload())


def test_withdrawal_of_an_unopened_application_only_takes_it_off_the_list(as_, db, submission, withdrawal):
    as_().on_event(submission("p-1"))
    as_().on_event(withdrawal("p-1"))
    assert as_("ZWB").list_pending_openings()["items"] == []
    assert db.events() == [] and db.audit()[-1]["action"] == "record_withdrawal"


def test_withdrawal_arriving_before_its_submission_waits_for_it(as_, db, withdrawal):
    with pytest.raises(LookupError):
        as_().on_event(withdrawal("p-9"))
    assert db.audit() == []


def test_an_opinion_racing_the_cancellation_is_refused(as_, worker_on, other_instance, db, open_review,
                                                      withdrawal, opinion_payload, monkeypatch):
    """The withdrawal is applied while a bureau has read the review: the
    bureau's opinion finds it cancelled."""
    from review import store

    open_review()
    original = store.open_review

    def read_then_withdraw(*args, **kwargs):
        review = original(*args, **kwargs)
        monkeypatch.setattr(store, "open_review", original)
        worker_on(other_instance, None).on_event(withdrawal("p-1"))
        return review

    monkeypatch.setattr(store, "open_review", read_then_withdraw)
    refusal = refused(as_("WX").record_opinion, "p-1", opinion_payload())

    assert refusal.code == "STATE-INVALID"
    assert len(db.events("PlanReviewCancelled")) == 1 and db.events("PlanReviewOpinionRecorded") == []


# ------------------------------------------------------------ pending openings


def test_pending_openings_oldest_first_with_visibility(as_, submission, users, clock):
    from datetime import timedelta

    as_().on_event(submission("p-1"))
    clock.advance(timedelta(minutes=5))
    as_().on_event(submission("p-2", unit=users["UNIT_B"], name="智慧交通"))
    clock.advance(timedelta(minutes=5))
    as_().on_event(submission("p-3", classified=True, name="涉密项目"))

    assert [i["project_id"] for i in as_("ZWB").list_pending_openings()["items"]] == ["p-1", "p-2", "p-3"]
    assert [i["project_id"] for i in as_("UNIT").list_pending_openings()["items"]] == ["p-1", "p-3"]
    assert [i["project_id"] for i in as_("UNIT_B").list_pending_openings()["items"]] == ["p-2"]
    assert [i["project_id"] for i in as_("SJ").list_pending_openings()["items"]] == ["p-1", "p-2"]
    assert as_("JL").list_pending_openings() == {"items": [], "total": 0}
    assert as_("ZWB").list_pending_openings({"kind": "ADHOC"})["items"] == []
    assert refused(as_("ZWB").list_pending_openings, {"kind": "OTHER"}).code == "VALIDATION"
