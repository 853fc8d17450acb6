"""ReviewService through worker_factory with the real unit of work, a real
migrated SQLite file and signed identities."""

from dataclasses import replace
from datetime import timedelta

import eventlet
import pytest

from itpm_common.errors import Refusal
from itpm_common.events import event_type
from review import rules, store

BUREAUS = ("WX", "FG", "GX", "CZ")


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def all_opinions(as_, opinion_payload, project_id="p-1", **verdicts):
    for bureau in BUREAUS:
        as_(bureau).record_opinion(project_id, opinion_payload(verdicts.get(bureau, "AGREE")))


# ----------------------------------------------------------- opening (T03)


def test_submission_waits_for_zwb_to_open_the_review(as_, db, submission, users):
    as_().on_event(submission("p-1"))

    assert refused(as_("ZWB").get_review, "p-1").code == "NOT-FOUND"
    assert db.events() == []
    [pending] = as_("ZWB").list_pending_openings()["items"]
    assert (pending["kind"], pending["project_id"], pending["version_no"]) == ("PLAN", "p-1", 1)
    assert pending["ready"] is True and pending["funding"] is None
    [entry] = db.audit()
    assert (entry["action"], entry["outcome"], entry["article"]) == ("record_application", "ACCEPTED", "第七条")
    assert entry["actor_role"] == "SYSTEM" and entry["details"]["submitted_by"] == users["UNIT"].user_id


def test_zwb_opens_the_plan_review(as_, db, submission, users):
    as_().on_event(submission("p-1"))

    review = as_("ZWB").open_plan_review("p-1", {"version_no": 1}, idempotency_key="open-1")

    assert review == as_("ZWB").get_review("p-1")
    assert review["status"] == "OPEN" and review["kind"] == "PLAN" and review["version_no"] == 1
    assert review["unit_id"] == "unit-a" and review["unit_name"] == "市民政局"
    assert review["project_name"] == "社会救助信息系统升级"
    assert (review["plan_year"], review["category"]) == (2026, "BUILD")
    assert review["opened_at"] == "2025-03-10T09:30:00+08:00"
    assert (review["opened_by"], review["opened_by_name"]) == (users["ZWB"].user_id, users["ZWB"].name)
    assert review["opinions"] == [] and review["missing_bureaus"] == ["WX", "FG", "GX", "CZ"]
    assert review["conclusion"] is None and review["closing"] is None
    assert as_("ZWB").list_pending_openings()["items"] == []

    [event] = db.events("PlanReviewOpened")
    assert event["data"] == {"review_id": review["review_id"], "project_id": "p-1", "version_no": 1,
                             "name": "社会救助信息系统升级", "unit_id": "unit-a", "unit_name": "市民政局",
                             "plan_year": 2026, "category": "BUILD", "classified": False}
    assert (event["subject"], event["article"], event["unitid"]) == ("p-1", "第八条", "unit-a")
    assert (event["actorid"], event["actorrole"]) == (users["ZWB"].user_id, "ZWB")
    entry = db.audit()[-1]
    assert (entry["action"], entry["outcome"], entry["article"]) == ("open_plan_review", "ACCEPTED", "第八条")
    assert entry["actor_role"] == "ZWB" and entry["details"]["review_id"] == review["review_id"]

    again = as_("ZWB").open_plan_review("p-1", {"version_no": 1}, idempotency_key="open-1")
    assert again == review and len(db.events("PlanReviewOpened")) == 1


def test_redelivered_submission_is_recorded_once(as_, db, submission):
    event = submission("p-1")
    as_().on_event(event)
    as_().on_event(event)
    # the same submission re-emitted under a new event id
    as_().on_event(submission("p-1"))

    assert [e["action"] for e in db.audit()] == ["record_application"]
    assert as_("ZWB").list_pending_openings()["total"] == 1


def test_events_from_other_types_are_ignored(as_, db, submission):
    as_().on_event(replace(submission("p-1"), type=event_type("planning", "PlanRankingUpdated")))
    assert db.events() == [] and db.audit() == []


# ------------------------------------------------------- opinions (R-8-1)


def test_each_bureau_records_its_own_opinion(as_, db, open_review, opinion_payload, users):
    review_id = open_review()["review_id"]
    missing = ["WX", "FG", "GX", "CZ"]
    for bureau, verdict in zip(BUREAUS, ("AGREE", "AGREE_WITH_CONDITIONS", "DISAGREE", "AGREE"),
                               strict=True):
        out = as_(bureau).record_opinion("p-1", opinion_payload(verdict))
        missing.remove(bureau)
        assert out["missing_bureaus"] == missing
        mine = next(o for o in out["opinions"] if o["bureau"] == bureau)
        assert mine["verdict"] == verdict
        assert (mine["recorded_by"], mine["recorded_by_name"]) == (users[bureau].user_id, users[bureau].name)
        assert mine["recorded_at"] == "2025-03-10T09:30:00+08:00"
        assert mine["necessity"] == "符合民政业务发展需要"

    review = as_("ZWB").get_review("p-1")
    assert [o["bureau"] for o in review["opinions"]] == list(BUREAUS)
    assert review["opinions"][1]["conditions"] == "须复用市政务云资源"
    assert review["status"] == "OPEN"

    events = db.events("PlanReviewOpinionRecorded")
    facts = {"project_id": "p-1", "name": "社会救助信息系统升级", "unit_id": "unit-a", "unit_name": "市民政局",
             "plan_year": 2026, "category": "BUILD", "classified": False}
    assert [e["data"] for e in events] == [
        {"review_id": review_id, **facts, "version_no": 1, "bureau": b, "verdict": v}
        for b, v in zip(BUREAUS, ("AGREE", "AGREE_WITH_CONDITIONS", "DISAGREE", "AGREE"), strict=True)]
    assert {(e["article"], e["unitid"], e["subject"]) for e in events} == {("第八条", "unit-a", "p-1")}
    assert [e["actorrole"] for e in events] == list(BUREAUS)
    recorded = [a for a in db.audit() if a["action"] == "record_opinion"]
    assert [(a["actor_role"], a["outcome"], a["article"], a["rule"]) for a in recorded] == [
        (b, "ACCEPTED", "第八条", "R-8-1") for b in BUREAUS]


@pytest.mark.parametrize("who", ["UNIT", "ZWB", "SJ", "JL"])
def test_only_the_four_bureaus_record_opinions(as_, db, open_review, opinion_payload, who):
    open_review()
    before = len(db.events())

    refusal = refused(as_(who).record_opinion, "p-1", opinion_payload())

    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-4-1", "第四条")
    assert refusal.details["allowed_roles"] == list(BUREAUS)
    assert len(db.events()) == before
    assert as_("ZWB").get_review("p-1")["opinions"] == []
    last = db.audit()[-1]
    assert (last["action"], last["outcome"], last["code"], last["project_id"]) == (
        "record_opinion", "REFUSED", "AUTH-FORBIDDEN", "p-1")


def test_a_bureau_cannot_speak_for_another(as_, open_review, opinion_payload):
    open_review()
    refusal = refused(as_("WX").record_opinion, "p-1", opinion_payload(bureau="CZ"))
    assert refusal.code == "VALIDATION"
    assert refusal.details["fields"] == {"bureau": ["未知字段"]}
    assert as_("ZWB").get_review("p-1")["opinions"] == []


def test_second_opinion_of_a_bureau_is_a_duplicate(as_, db, open_review, opinion_payload):
    open_review()
    as_("FG").record_opinion("p-1", opinion_payload())
    before = len(db.events())

    refusal = refused(as_("FG").record_opinion, "p-1", opinion_payload("DISAGREE"))

    assert (refusal.code, refusal.rule) == ("DUPLICATE", "R-0-1")
    assert refusal.details["bureau"] == "FG"
    assert "发改" in refusal.reason_zh
    assert len(db.events()) == before
    [fg] = as_("ZWB").get_review("p-1")["opinions"]
    assert fg["verdict"] == "AGREE"


@pytest.mark.parametrize("aspect", ["necessity", "feasibility", "security", "budget"])
def test_opinion_must_cover_each_aspect(as_, db, open_review, opinion_payload, aspect):
    open_review()
    refusal = refused(as_("GX").record_opinion, "p-1", opinion_payload(**{aspect: "  "}))
    assert (refusal.code, refusal.rule, refusal.article) == ("E08-OPINION-INCOMPLETE", "R-8-1", "第八条")
    assert refusal.details["missing_aspects"] == [aspect]
    assert db.events("PlanReviewOpinionRecorded") == []


def test_conditional_opinion_without_conditions_is_incomplete(as_, open_review, opinion_payload):
    open_review()
    payload = opinion_payload("AGREE_WITH_CONDITIONS")
    del payload["conditions"]
    refusal = refused(as_("CZ").record_opinion, "p-1", payload)
    assert refusal.code == "E08-OPINION-INCOMPLETE"
    assert refusal.details["missing_aspects"] == ["conditions"]


def test_unknown_verdict_is_a_validation_refusal_in_chinese(as_, open_review, opinion_payload):
    open_review()
    refusal = refused(as_("WX").record_opinion, "p-1", opinion_payload("MAYBE"))
    assert refusal.code == "VALIDATION" and refusal.http_status == 400
    assert refusal.details["fields"]["verdict"] == [
        "取值必须是以下之一：AGREE, AGREE_WITH_CONDITIONS, DISAGREE"]


def test_opinion_on_unknown_project_is_not_found(as_, db, opinion_payload):
    refusal = refused(as_("WX").record_opinion, "nope", opinion_payload())
    assert refusal.code == "NOT-FOUND"
    assert db.events() == []


def test_replayed_opinion_returns_the_first_answer_and_emits_once(as_, db, open_review, opinion_payload):
    open_review()
    first = as_("WX").record_opinion("p-1", opinion_payload(), idempotency_key="k-1")
    again = as_("WX").record_opinion("p-1", opinion_payload(), idempotency_key="k-1")
    assert again == first
    assert len(db.events("PlanReviewOpinionRecorded")) == 1


def test_reused_key_with_another_payload_conflicts_and_the_service_carries_on(
        as_, db, open_review, opinion_payload):
    open_review()
    as_("WX").record_opinion("p-1", opinion_payload(), idempotency_key="k-1")
    with eventlet.Timeout(1):
        refusal = refused(as_("WX").record_opinion, "p-1", opinion_payload("DISAGREE"),
                          idempotency_key="k-1")
        assert (refusal.code, refusal.rule) == ("IDEMPOTENCY-CONFLICT", "R-0-1")
        assert as_("ZWB").get_review("p-1")["opinions"][0]["verdict"] == "AGREE"
    assert len(db.events("PlanReviewOpinionRecorded")) == 1


# ---------------------------------------------------- conclusion (T05/T06)


def test_conclusion_before_all_opinions_names_the_missing_bureaus(as_, db, open_review, opinion_payload,
                                                                   conclusion_payload):
    open_review()
    as_("WX").record_opinion("p-1", opinion_payload())
    as_("FG").record_opinion("p-1", opinion_payload())
    before = len(db.events())

    for outcome in ("DRAFT", "NOT_INCLUDED"):
        refusal = refused(as_("ZWB").conclude, "p-1", conclusion_payload(outcome))
        assert (refusal.code, refusal.rule, refusal.article) == ("E08-OPINION-MISSING", "R-8-1", "第八条")
        assert refusal.details["missing_bureaus"] == ["GX", "CZ"]
        assert refusal.reason_zh == "尚缺工信、财政的论证意见，不能作出结论"

    assert len(db.events()) == before
    assert as_("ZWB").get_review("p-1")["status"] == "OPEN"


def test_successful_conclusion(as_, db, open_review, opinion_payload, conclusion_payload, users):
    review_id = open_review()["review_id"]
    all_opinions(as_, opinion_payload)

    out = as_("ZWB").conclude("p-1", conclusion_payload(resolution_note="无"))

    assert out["status"] == "CONCLUDED" and out["missing_bureaus"] == []
    assert out["conclusion"] == {
        "outcome": "DRAFT", "consolidated_opinion": "经联审，同意列入年度建设计划草案",
        "criteria": dict.fromkeys(rules.CRITERIA, "MET"), "criteria_reasons": {}, "resolution_note": "无",
        "concluded_by": users["ZWB"].user_id, "concluded_by_name": users["ZWB"].name,
        "concluded_at": "2025-03-10T09:30:00+08:00"}
    assert as_("ZWB").get_review("p-1") == out

    [event] = db.events("PlanReviewConcluded")
    assert event["data"] == {"review_id": review_id, "project_id": "p-1", "outcome": "DRAFT",
                             "name": "社会救助信息系统升级", "unit_id": "unit-a", "unit_name": "市民政局",
                             "plan_year": 2026, "category": "BUILD", "classified": False, "version_no": 1,
                             "consolidated_opinion": "经联审，同意列入年度建设计划草案",
                             "criteria": dict.fromkeys(rules.CRITERIA, "MET"), "criteria_reasons": {},
                             "resolution_note": "无"}
    assert (event["article"], event["unitid"], event["subject"]) == ("第八条", "unit-a", "p-1")
    assert (event["actorid"], event["actorrole"]) == (users["ZWB"].user_id, "ZWB")
    entry = db.audit()[-1]
    assert (entry["action"], entry["outcome"], entry["actor_role"], entry["article"]) == (
        "conclude_review", "ACCEPTED", "ZWB", "第八条")
    assert entry["details"]["review_id"] == review_id and entry["details"]["outcome"] == "DRAFT"


def test_not_included_needs_neither_criteria_met_nor_resolution(as_, db, open_review, opinion_payload,
                                                                conclusion_payload):
    open_review()
    all_opinions(as_, opinion_payload, CZ="DISAGREE")
    criteria = dict.fromkeys(rules.CRITERIA, "NOT_MET")
    reasons = dict.fromkeys(rules.CRITERIA, "依据不足")

    out = as_("ZWB").conclude("p-1", conclusion_payload("NOT_INCLUDED", criteria=criteria, criteria_reasons=reasons,
                                                        consolidated_opinion="预算依据不足，不予列入"))

    assert out["conclusion"]["outcome"] == "NOT_INCLUDED"
    assert out["conclusion"]["resolution_note"] is None
    assert out["conclusion"]["criteria_reasons"] == reasons
    [event] = db.events("PlanReviewConcluded")
    assert event["data"]["outcome"] == "NOT_INCLUDED" and event["data"]["criteria"] == criteria
    assert event["data"]["criteria_reasons"] == reasons


@pytest.mark.parametrize("reason", [None, "  "])
def test_r_6_5_a_criterion_judged_not_met_needs_its_reason(as_, db, open_review, opinion_payload,
                                                           conclusion_payload, reason):
    open_review()
    all_opinions(as_, opinion_payload)
    criteria = {**dict.fromkeys(rules.CRITERIA, "MET"), "content_funding": "NOT_MET"}
    reasons = {} if reason is None else {"content_funding": reason}
    refusal = refused(as_("ZWB").conclude, "p-1", conclusion_payload("NOT_INCLUDED", criteria=criteria,
                                                                     criteria_reasons=reasons))
    assert refusal.code == "VALIDATION" and "content_funding" in refusal.details["fields"]["criteria_reasons"]
    assert db.events("PlanReviewConcluded") == []


def test_disagreement_without_resolution_note_is_refused(as_, db, open_review, opinion_payload,
                                                         conclusion_payload):
    open_review()
    all_opinions(as_, opinion_payload, CZ="DISAGREE")

    for note in (None, "  "):
        payload = conclusion_payload() if note is None else conclusion_payload(resolution_note=note)
        refusal = refused(as_("ZWB").conclude, "p-1", payload)
        assert (refusal.code, refusal.rule, refusal.article) == (
            "E08-UNRESOLVED-DISAGREEMENT", "R-8-1", "第八条")
        assert refusal.details["disagreeing_bureaus"] == ["CZ"]
    assert db.events("PlanReviewConcluded") == []

    out = as_("ZWB").conclude("p-1", conclusion_payload(resolution_note="经第五条协商机制，财政同意分年度安排资金"))
    assert out["conclusion"]["resolution_note"] == "经第五条协商机制，财政同意分年度安排资金"


def test_draft_with_a_criterion_not_met_is_refused(as_, db, open_review, opinion_payload, conclusion_payload):
    open_review()
    all_opinions(as_, opinion_payload)
    criteria = {**dict.fromkeys(rules.CRITERIA, "MET"), "security_solution": "NOT_MET"}

    refusal = refused(as_("ZWB").conclude, "p-1", conclusion_payload(
        criteria=criteria, criteria_reasons={"security_solution": "未说明等保定级"}))

    assert (refusal.code, refusal.rule, refusal.article) == ("E06-CRITERION-NOT-MET", "R-6-5", "第六条")
    assert refusal.details["criteria"] == ["security_solution"]
    assert db.events("PlanReviewConcluded") == []


@pytest.mark.parametrize("who", ["WX", "FG", "GX", "CZ", "UNIT", "LG"])
def test_only_zwb_concludes(as_, db, open_review, opinion_payload, conclusion_payload, who):
    open_review()
    all_opinions(as_, opinion_payload)
    refusal = refused(as_(who).conclude, "p-1", conclusion_payload())
    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-4-1", "第四条")
    assert refusal.details["allowed_roles"] == ["ZWB"]
    assert db.events("PlanReviewConcluded") == []


@pytest.mark.parametrize("payload_change, field", [
    ({"consolidated_opinion": "   "}, "consolidated_opinion"),
    ({"outcome": "APPROVED"}, "outcome"),
    ({"criteria": {"policy_need": "MET"}}, "criteria"),
    ({"expected_version": "2"}, "expected_version"),
])
def test_malformed_conclusion_is_a_validation_refusal(as_, open_review, opinion_payload, conclusion_payload,
                                                      payload_change, field):
    open_review()
    all_opinions(as_, opinion_payload)
    refusal = refused(as_("ZWB").conclude, "p-1", conclusion_payload(**payload_change))
    assert refusal.code == "VALIDATION"
    assert field in refusal.details["fields"]


def test_a_concluded_review_takes_no_more_decisions(as_, db, open_review, opinion_payload, conclusion_payload):
    open_review()
    all_opinions(as_, opinion_payload)
    as_("ZWB").conclude("p-1", conclusion_payload())
    before = len(db.events())

    again = refused(as_("ZWB2").conclude, "p-1", conclusion_payload("NOT_INCLUDED"))
    late = refused(as_("WX").record_opinion, "p-1", opinion_payload())

    for refusal in (again, late):
        assert refusal.code == "STATE-INVALID"
        assert refusal.details["current_state"] == "CONCLUDED"
    assert len(db.events()) == before


def test_stale_expected_version_is_refused(as_, db, open_review, opinion_payload, conclusion_payload):
    open_review()
    for bureau in ("WX", "FG", "GX"):
        as_(bureau).record_opinion("p-1", opinion_payload())
    seen = as_("ZWB").get_review("p-1")["version"]
    # an opinion arriving after the official looked makes the view stale
    as_("CZ").record_opinion("p-1", opinion_payload("DISAGREE"))

    refusal = refused(as_("ZWB").conclude, "p-1",
                      conclusion_payload(expected_version=seen, resolution_note="已协商"))

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert refusal.details["current_state"] == "OPEN"
    assert refusal.details["expected_version"] == seen
    assert refusal.details["current_version"] == seen + 1
    assert db.events("PlanReviewConcluded") == []

    current = as_("ZWB").get_review("p-1")["version"]
    out = as_("ZWB").conclude("p-1", conclusion_payload(expected_version=current, resolution_note="已协商"))
    assert out["status"] == "CONCLUDED" and out["version"] == current + 1


def test_two_officials_concluding_at_once_one_wins(as_, worker_on, other_instance, db, open_review,
                                                    opinion_payload, conclusion_payload, monkeypatch):
    open_review()
    all_opinions(as_, opinion_payload)
    rival = worker_on(other_instance, "ZWB2")
    original = rules.check_conclusion
    rival_answers = []

    def rival_concludes_meanwhile(*args, **kwargs):
        # The first official has read the review; the second concludes and
        # commits before the first one writes.
        monkeypatch.setattr(rules, "check_conclusion", original)
        rival_answers.append(rival.conclude("p-1", conclusion_payload(
            "NOT_INCLUDED", consolidated_opinion="不予列入")))
        return original(*args, **kwargs)

    monkeypatch.setattr(rules, "check_conclusion", rival_concludes_meanwhile)

    refusal = refused(as_("ZWB").conclude, "p-1", conclusion_payload())

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    [event] = db.events("PlanReviewConcluded")
    assert event["data"]["outcome"] == "NOT_INCLUDED" and event["actorid"] == "u-zwb-2"
    review = as_("ZWB").get_review("p-1")
    assert review["conclusion"]["concluded_by"] == "u-zwb-2"
    assert review == rival_answers[0]


def _meanwhile(monkeypatch, action):
    """Run ``action`` right after the worker under test has read the review."""
    original = store.open_review

    def read_then_act(*args, **kwargs):
        review = original(*args, **kwargs)
        monkeypatch.setattr(store, "open_review", original)
        action()
        return review

    monkeypatch.setattr(store, "open_review", read_then_act)


def test_two_bureaus_recording_at_once_do_not_collide(as_, worker_on, other_instance, db, open_review,
                                                      opinion_payload, monkeypatch):
    open_review()
    _meanwhile(monkeypatch, lambda: worker_on(other_instance, "FG").record_opinion("p-1", opinion_payload()))

    out = as_("WX").record_opinion("p-1", opinion_payload())

    assert [o["bureau"] for o in out["opinions"]] == ["WX", "FG"]
    assert len(db.events("PlanReviewOpinionRecorded")) == 2


def test_an_opinion_racing_the_conclusion_is_refused(as_, worker_on, other_instance, db, open_review,
                                                     opinion_payload, conclusion_payload, monkeypatch):
    open_review()
    all_opinions(as_, opinion_payload)
    _meanwhile(monkeypatch, lambda: worker_on(other_instance, "ZWB").conclude("p-1", conclusion_payload()))

    refusal = refused(as_("WX").record_opinion, "p-1", opinion_payload("DISAGREE"))

    assert refusal.code == "STATE-INVALID" and refusal.details["current_state"] == "CONCLUDED"
    assert as_("ZWB").get_review("p-1")["opinions"][0]["verdict"] == "AGREE"
    assert len(db.events("PlanReviewOpinionRecorded")) == 4


def test_a_refusal_writes_nothing_to_the_outbox_but_is_audited(as_, db, open_review, opinion_payload,
                                                                conclusion_payload):
    open_review()
    as_("WX").record_opinion("p-1", opinion_payload())
    outbox, audit = db.events(), db.audit()

    refusal = refused(as_("ZWB").conclude, "p-1", conclusion_payload())

    assert db.events() == outbox
    [entry] = db.audit()[len(audit):]
    assert (entry["action"], entry["outcome"], entry["code"], entry["rule"], entry["article"]) == (
        "conclude_review", "REFUSED", refusal.code, "R-8-1", "第八条")
    assert entry["project_id"] == "p-1" and entry["actor_role"] == "ZWB"


def test_conclusion_on_unknown_project_is_not_found(as_, db, conclusion_payload):
    assert refused(as_("ZWB").conclude, "nope", conclusion_payload()).code == "NOT-FOUND"
    assert db.events() == []


# -------------------------------------------------------- visibility (§7.2)


@pytest.mark.parametrize("who", ["UNIT_B", "JL"])
def test_others_cannot_see_a_units_review(as_, open_review, who):
    open_review()
    refusal = refused(as_(who).get_review, "p-1")
    assert refusal.code == "NOT-FOUND"
    assert refusal.reason_zh == refused(as_(who).get_review, "no-such-project").reason_zh


@pytest.mark.parametrize("who", ["UNIT", "ZWB", "WX", "FG", "GX", "CZ", "SJ"])
def test_own_unit_and_reading_roles_see_the_review(as_, open_review, who):
    open_review()
    assert as_(who).get_review("p-1")["project_id"] == "p-1"


def test_unknown_project_is_not_found(as_):
    assert refused(as_("ZWB").get_review, "nope").code == "NOT-FOUND"


def test_a_caller_without_a_token_is_refused(as_, open_review):
    open_review()
    assert refused(as_(None).get_review, "p-1").code == "AUTH-TOKEN-INVALID"


# ------------------------------------------------------------ work lists


@pytest.fixture
def three_reviews(as_, submission, users, opinion_payload, conclusion_payload, clock):
    """p-1 (unit A): WX and FG in; p-2 (unit A): all four in; p-3 (unit B): concluded."""
    for project, kw in (("p-1", {}), ("p-2", {"name": "养老服务平台"}),
                        ("p-3", {"unit": users["UNIT_B"], "name": "智慧交通"})):
        as_().on_event(submission(project, **kw))
        as_("ZWB").open_plan_review(project)
        clock.advance(timedelta(hours=1))
    for bureau in ("WX", "FG"):
        as_(bureau).record_opinion("p-1", opinion_payload())
    for project in ("p-2", "p-3"):
        all_opinions(as_, opinion_payload, project_id=project)
    as_("ZWB").conclude("p-3", conclusion_payload())


def ids(listing):
    return [item["project_id"] for item in listing["items"]]


def test_list_reviews_newest_first_with_summaries(as_, three_reviews):
    listing = as_("SJ").list_reviews()
    assert listing["total"] == 3 and ids(listing) == ["p-3", "p-2", "p-1"]
    p1 = listing["items"][2]
    assert set(p1) == {"review_id", "project_id", "project_name", "unit_name", "kind", "status", "opened_at",
                       "missing_bureaus"}
    assert p1["missing_bureaus"] == ["GX", "CZ"] and p1["unit_name"] == "市民政局"
    assert p1["opened_at"] == "2025-03-10T09:30:00+08:00"


def test_list_reviews_by_status(as_, three_reviews):
    assert ids(as_("ZWB").list_reviews({"status": "OPEN"})) == ["p-2", "p-1"]
    assert ids(as_("ZWB").list_reviews({"status": "CONCLUDED"})) == ["p-3"]


@pytest.mark.parametrize("who, expected", [
    ("WX", []), ("FG", []), ("GX", ["p-1"]), ("CZ", ["p-1"]), ("ZWB", ["p-2"]), ("SJ", []), ("UNIT", []),
])
def test_awaiting_me(as_, three_reviews, who, expected):
    assert ids(as_(who).list_reviews({"awaiting_me": True})) == expected


def test_units_list_only_their_own(as_, three_reviews):
    assert ids(as_("UNIT").list_reviews()) == ["p-2", "p-1"]
    assert ids(as_("UNIT_B").list_reviews()) == ["p-3"]
    assert as_("JL").list_reviews() == {"items": [], "total": 0}


def test_list_reviews_rejects_unknown_filters(as_):
    refusal = refused(as_("ZWB").list_reviews, {"status": "CLOSED"})
    assert refusal.code == "VALIDATION" and "status" in refusal.details["fields"]
