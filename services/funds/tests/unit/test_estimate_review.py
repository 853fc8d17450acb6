"""财政's estimate review (概算审核, 第十条) through worker_factory with the real
unit of work, a migrated SQLite file and signed identities (rules.md T26, T27,
R-10-3 with TH-1, R-4-1, §7.2, R-0-1, R-0-2)."""

from datetime import datetime, timedelta

import pytest

from funds import estimate
from itpm_common.clock import SHANGHAI
from itpm_common.errors import Refusal

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI)
AT = NOW.isoformat()
FACTS = {"project_id": "p-20", "unit_id": "unit-a", "unit_name": "市民政局", "name": "智慧民政综合平台",
         "classified": False, "plan_year": 2025, "category": "BUILD"}
MILLION = 100_000_000  # 1,000,000.00 元


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def conclusion(submission_id="p-20-PD-v1", reviewed_fen=MILLION, opinion="经审核，概算编制依据充分，核定如下",
               **more) -> dict:
    return {"submission_id": submission_id, "reviewed_fen": reviewed_fen, "opinion": opinion, **more}


# ------------------------------------------------------------- the request (T26, TH-1)


@pytest.mark.parametrize("stage", ["PD", "URGENT_PACKAGE", "COMBINED_PACKAGE"])
@pytest.mark.parametrize("estimate_fen", [MILLION, MILLION + 1])
def test_r_10_3_an_estimate_at_or_above_one_million_asks_cz(as_, db, ev, users, stage, estimate_fen):
    """TH-1 inclusive: 1,000,000.00 and 1,000,000.01 元 both need 财政's review."""
    as_().on_event(ev.estimate(stage=stage, estimate_fen=estimate_fen))

    submission_id = f"p-20-{stage}-v1"
    [event] = db.events("EstimateReviewRequested")
    assert event["data"] == {**FACTS, "submission_id": submission_id, "stage": stage, "version_no": 1,
                             "requested_fen": estimate_fen, "line_items": ev.line_items(estimate_fen)}
    assert (event["subject"], event["article"], event["unitid"]) == ("p-20", "第十条", "unit-a")
    assert (event["actorid"], event["actorrole"]) == ("system", "SYSTEM")

    out = as_("CZ").get_estimate_review("p-20")
    assert (out["status"], out["review_required"], out["submission_id"]) == ("OPEN", True, submission_id)
    assert out["requested_fen"] == estimate_fen and out["review"] is None
    assert out["line_items"] == ev.line_items(estimate_fen) and out["requested_at"] == AT
    [item] = as_("CZ").list_estimate_reviews({"awaiting_me": True})["items"]
    assert item["submission_id"] == submission_id

    [entry] = db.audit()
    assert (entry["action"], entry["outcome"], entry["article"], entry["rule"]) == (
        "request_estimate_review", "ACCEPTED", "第十条", "R-10-3")
    assert entry["details"]["threshold_fen"] == MILLION and entry["details"]["required"] is True
    assert entry["details"]["submitted_by"] == users["UNIT"].user_id


@pytest.mark.parametrize("stage", ["PD", "URGENT_PACKAGE", "COMBINED_PACKAGE"])
def test_r_10_3_below_one_million_no_review_is_asked_or_possible(as_, db, ev, stage):
    """TH-1: 999,999.99 元 needs no review, and the system must not demand one."""
    as_().on_event(ev.estimate(stage=stage, estimate_fen=MILLION - 1))

    assert db.events() == []
    assert as_("CZ").list_estimate_reviews({"awaiting_me": True})["total"] == 0
    out = as_("CZ").get_estimate_review("p-20")
    assert (out["status"], out["review_required"]) == ("NOT_REQUIRED", False)
    assert out["threshold"]["required"] is False and out["threshold"]["threshold_yuan"] == "1,000,000.00"
    [entry] = db.audit()
    assert (entry["action"], entry["rule"]) == ("estimate_review_not_required", "R-10-3")

    refusal = refused(as_("CZ").conclude_estimate_review, "p-20",
                      conclusion(f"p-20-{stage}-v1", MILLION - 1))
    assert (refusal.code, refusal.rule, refusal.details["current_state"]) == (
        "STATE-INVALID", "R-10-3", "NOT_REQUIRED")
    assert db.events() == []


def test_funds_decides_by_the_amount_not_by_approvals_flag(as_, db, ev):
    as_().on_event(ev.estimate(estimate_fen=MILLION, estimate_review_required=False))
    assert len(db.events("EstimateReviewRequested")) == 1
    assert db.audit()[0]["details"]["approval_says_required"] is False


def test_the_projection_learns_of_the_project_from_the_submission(as_, ev):
    as_().on_event(ev.estimate())
    row = as_("CZ").get_projection("p-20")
    assert (row["unit_id"], row["name"], row["category"]) == ("unit-a", "智慧民政综合平台", "BUILD")


def test_redelivered_or_repeated_submission_asks_once(as_, db, ev):
    event = ev.estimate()
    as_().on_event(event)
    as_().on_event(event)
    as_().on_event(ev.estimate())  # the same submission under another event id

    assert len(db.events("EstimateReviewRequested")) == 1
    assert as_("CZ").list_estimate_reviews()["total"] == 1
    assert len(db.audit()) == 1


# ------------------------------------------------------------- a newer version of the 概算


def test_a_newer_version_supersedes_the_open_request(as_, db, ev):
    as_().on_event(ev.estimate(version_no=1, estimate_fen=MILLION * 3))
    as_().on_event(ev.estimate(version_no=2, estimate_fen=MILLION * 2))

    assert [e["data"]["submission_id"] for e in db.events("EstimateReviewRequested")] == [
        "p-20-PD-v1", "p-20-PD-v2"]
    out = as_("CZ").get_estimate_review("p-20")
    assert (out["submission_id"], out["status"], out["requested_fen"]) == ("p-20-PD-v2", "OPEN", MILLION * 2)
    assert [(h["submission_id"], h["status"], h["superseded_by"]) for h in out["history"]] == [
        ("p-20-PD-v2", "OPEN", None), ("p-20-PD-v1", "SUPERSEDED", "p-20-PD-v2")]
    old = as_("CZ").get_estimate_review("p-20", "p-20-PD-v1")
    assert (old["status"], old["superseded_at"]) == ("SUPERSEDED", AT)
    assert [i["submission_id"] for i in as_("CZ").list_estimate_reviews({"awaiting_me": True})["items"]] == [
        "p-20-PD-v2"]

    superseded = [a for a in db.audit() if a["action"] == "supersede_estimate_review"]
    assert len(superseded) == 1
    assert (superseded[0]["rule"], superseded[0]["article"]) == ("R-10-3", "第十条")
    assert superseded[0]["details"] | {"trigger_event_id": None} == {
        "submission_id": "p-20-PD-v1", "stage": "PD", "version_no": 1, "requested_fen": MILLION * 3,
        "status": "SUPERSEDED", "superseded_by": "p-20-PD-v2", "new_stage": "PD", "new_version_no": 2,
        "new_requested_fen": MILLION * 2, "new_version_requires_review": True, "trigger_event_id": None}

    refusal = refused(as_("CZ").conclude_estimate_review, "p-20", conclusion("p-20-PD-v1", MILLION * 3))
    assert (refusal.code, refusal.rule, refusal.details["superseded_by"]) == (
        "STATE-INVALID", "R-10-3", "p-20-PD-v2")
    assert db.events("EstimateReviewed") == []


def test_a_newer_version_below_the_threshold_supersedes_and_asks_nothing(as_, db, ev):
    as_().on_event(ev.estimate(version_no=1, estimate_fen=MILLION))
    as_().on_event(ev.estimate(version_no=2, estimate_fen=MILLION - 1))

    assert len(db.events("EstimateReviewRequested")) == 1
    out = as_("CZ").get_estimate_review("p-20")
    assert [(h["version_no"], h["status"]) for h in out["history"]] == [(2, "NOT_REQUIRED"), (1, "SUPERSEDED")]
    assert as_("CZ").list_estimate_reviews({"awaiting_me": True})["total"] == 0
    [superseded] = [a for a in db.audit() if a["action"] == "supersede_estimate_review"]
    assert superseded["details"]["new_version_requires_review"] is False


def test_a_later_stage_supersedes_a_returned_package(as_, db, ev):
    """A combined package returned with SEPARATE_STAGES_REQUIRED, then a PD: the PD's 概算 is the one before 发改."""
    later = NOW + timedelta(days=30)
    as_().on_event(ev.estimate(stage="COMBINED_PACKAGE", version_no=2, estimate_fen=MILLION * 5))
    as_().on_event(ev.estimate(stage="PD", version_no=1, estimate_fen=MILLION * 4, at=later))

    out = as_("CZ").get_estimate_review("p-20")
    assert [(h["stage"], h["status"]) for h in out["history"]] == [("PD", "OPEN"), ("COMBINED_PACKAGE", "SUPERSEDED")]


def test_an_older_version_arriving_late_changes_nothing(as_, db, ev):
    as_().on_event(ev.estimate(version_no=2, estimate_fen=MILLION * 2))
    as_().on_event(ev.estimate(version_no=1, estimate_fen=MILLION * 3))

    [event] = db.events("EstimateReviewRequested")
    assert event["data"]["version_no"] == 2
    out = as_("CZ").get_estimate_review("p-20")
    assert [(h["version_no"], h["status"]) for h in out["history"]] == [(2, "OPEN")]
    assert db.audit()[-1]["action"] == "ignore_older_estimate"


def test_a_reviewed_request_stays_reviewed_when_a_newer_version_comes(as_, db, ev):
    """The review is bound to its submission: the new version needs its own."""
    as_().on_event(ev.estimate(version_no=1, estimate_fen=MILLION * 3))
    as_("CZ").conclude_estimate_review("p-20", conclusion("p-20-PD-v1", MILLION * 2))
    as_().on_event(ev.estimate(version_no=2, estimate_fen=MILLION * 2))

    out = as_("CZ").get_estimate_review("p-20")
    assert [(h["version_no"], h["status"]) for h in out["history"]] == [(2, "OPEN"), (1, "REVIEWED")]
    assert len(db.events("EstimateReviewRequested")) == 2


# ------------------------------------------------------------- the conclusion (T27)


def test_cz_concludes_with_the_reviewed_amount(as_, db, ev, users):
    as_().on_event(ev.estimate(estimate_fen=MILLION * 3))
    items = [{"code": "1", "name": "硬件购置", "amount_fen": 150_000_000},
             {"code": "2", "name": "软件开发", "amount_fen": 100_000_000}]

    out = as_("CZ").conclude_estimate_review("p-20", conclusion(reviewed_fen=250_000_000, line_items=items,
                                                                 expected_version=1))

    assert (out["status"], out["reviewed_fen"], out["version"]) == ("REVIEWED", 250_000_000, 2)
    assert out["review"] == {"reviewed_fen": 250_000_000, "opinion": "经审核，概算编制依据充分，核定如下",
                             "line_items": items, "reviewed_by": "u-cz-1", "reviewed_by_name": "财政甲",
                             "reviewed_at": AT}
    [event] = db.events("EstimateReviewed")
    assert event["data"] == {**FACTS, "submission_id": "p-20-PD-v1", "stage": "PD", "version_no": 1,
                             "requested_fen": MILLION * 3, "reviewed_fen": 250_000_000,
                             "opinion": "经审核，概算编制依据充分，核定如下", "line_items": items}
    assert (event["article"], event["actorrole"], event["actorid"]) == ("第十条", "CZ", users["CZ"].user_id)
    entry = db.audit()[-1]
    assert (entry["action"], entry["outcome"], entry["rule"], entry["article"]) == (
        "conclude_estimate_review", "ACCEPTED", "R-10-3", "第十条")
    assert entry["details"]["difference_fen"] == -50_000_000
    assert as_("CZ").list_estimate_reviews({"awaiting_me": True})["total"] == 0
    assert as_("UNIT").get_estimate_review("p-20")["review"]["reviewed_fen"] == 250_000_000


def test_the_total_confirmed_as_submitted_keeps_the_submitted_lines(as_, db, ev):
    as_().on_event(ev.estimate(estimate_fen=MILLION))
    as_("CZ").conclude_estimate_review("p-20", conclusion(reviewed_fen=MILLION))
    [event] = db.events("EstimateReviewed")
    assert event["data"]["line_items"] == ev.line_items(MILLION)


def test_a_changed_total_without_lines_claims_no_lines(as_, db, ev):
    """No line claims an amount 财政 did not review: the lines are either given or empty."""
    as_().on_event(ev.estimate(estimate_fen=MILLION * 2))
    out = as_("CZ").conclude_estimate_review("p-20", conclusion(reviewed_fen=MILLION * 2 - 1))
    [event] = db.events("EstimateReviewed")
    assert event["data"]["line_items"] == [] and out["review"]["line_items"] == []
    assert event["data"]["reviewed_fen"] == MILLION * 2 - 1


@pytest.mark.parametrize("who", ["UNIT", "ZWB", "FG", "WX", "SJ"])
def test_r_4_1_only_cz_concludes_an_estimate_review(as_, db, ev, who):
    as_().on_event(ev.estimate())
    before = db.events()

    refusal = refused(as_(who).conclude_estimate_review, "p-20", conclusion())

    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-4-1", "第四条")
    assert refusal.details["allowed_roles"] == ["CZ"]
    assert db.events() == before
    last = db.audit()[-1]
    assert (last["action"], last["outcome"], last["code"], last["actor_role"], last["project_id"]) == (
        "conclude_estimate_review", "REFUSED", "AUTH-FORBIDDEN", who, "p-20")
    assert as_("CZ").get_estimate_review("p-20")["status"] == "OPEN"


@pytest.mark.parametrize("who", ["UNIT_B", "LG", "JL", "BM"])
def test_a_caller_who_may_not_see_the_project_is_told_it_is_not_there(as_, db, ev, who):
    as_().on_event(ev.estimate())
    refusal = refused(as_(who).conclude_estimate_review, "p-20", conclusion())
    assert refusal.code == "NOT-FOUND"
    assert db.events("EstimateReviewed") == []


def test_an_unknown_project_or_a_submission_of_another_project_is_not_found(as_, db, ev):
    as_().on_event(ev.estimate())
    as_().on_event(ev.estimate(project_id="p-21"))
    assert refused(as_("CZ").conclude_estimate_review, "p-unknown", conclusion()).code == "NOT-FOUND"
    refusal = refused(as_("CZ").conclude_estimate_review, "p-20", conclusion("p-21-PD-v1"))
    assert refusal.code == "NOT-FOUND"
    assert refused(as_("CZ").conclude_estimate_review, "p-20", conclusion("p-20-PD-v9")).code == "NOT-FOUND"
    assert db.events("EstimateReviewed") == []


@pytest.mark.parametrize("payload, field", [
    (conclusion(reviewed_fen=0), "reviewed_fen"),
    (conclusion(reviewed_fen=-1), "reviewed_fen"),
    (conclusion(reviewed_fen=1.5), "reviewed_fen"),
    (conclusion(reviewed_fen="100000000"), "reviewed_fen"),
    (conclusion(reviewed_fen=True), "reviewed_fen"),
    (conclusion(opinion="  "), "opinion"),
    ({"submission_id": "p-20-PD-v1", "reviewed_fen": MILLION}, "opinion"),
    ({"reviewed_fen": MILLION, "opinion": "同意"}, "submission_id"),
    (conclusion(amount=1), "amount"),
    (conclusion(expected_version=0), "expected_version"),
    (conclusion(line_items=[]), "line_items"),
    (conclusion(line_items=[{"code": "1", "name": "软件开发", "amount_fen": MILLION - 1}]), "line_items"),
    (conclusion(line_items=[{"code": "1", "name": "软件开发", "amount_fen": MILLION + 1}]), "line_items"),
    (conclusion(line_items=[{"code": "1", "name": "硬件", "amount_fen": MILLION // 2},
                            {"code": "1", "name": "软件", "amount_fen": MILLION // 2}]), "line_items"),
    (conclusion(line_items=[{"code": "1", "name": "软件开发", "amount_fen": -1},
                            {"code": "2", "name": "硬件", "amount_fen": MILLION + 1}]), "line_items"),
    (conclusion(line_items=[{"code": "1", "amount_fen": MILLION}]), "line_items"),
])
def test_a_malformed_conclusion_is_a_validation_refusal(as_, db, ev, payload, field):
    as_().on_event(ev.estimate())
    refusal = refused(as_("CZ").conclude_estimate_review, "p-20", payload)
    assert refusal.code == "VALIDATION" and field in refusal.details["fields"]
    assert db.events("EstimateReviewed") == []
    assert as_("CZ").get_estimate_review("p-20")["status"] == "OPEN"


def test_lines_adding_up_exactly_to_the_reviewed_amount_are_accepted(as_, db, ev):
    as_().on_event(ev.estimate())
    items = [{"code": "1", "name": "软件开发", "amount_fen": MILLION - 1},
             {"code": "2", "name": "其他", "amount_fen": 1}]
    out = as_("CZ").conclude_estimate_review("p-20", conclusion(line_items=items))
    assert out["review"]["line_items"] == items


def test_an_already_concluded_request_is_not_concluded_again(as_, db, ev):
    as_().on_event(ev.estimate())
    as_("CZ").conclude_estimate_review("p-20", conclusion())
    refusal = refused(as_("CZ2").conclude_estimate_review, "p-20", conclusion(reviewed_fen=MILLION - 1))
    assert (refusal.code, refusal.rule, refusal.article) == ("STATE-INVALID", "R-10-3", "第十条")
    assert refusal.details["current_state"] == "REVIEWED"
    assert len(db.events("EstimateReviewed")) == 1
    assert as_("CZ").get_estimate_review("p-20")["review"]["reviewed_by"] == "u-cz-1"


def test_r_0_2_a_stale_expected_version_is_refused(as_, db, ev):
    as_().on_event(ev.estimate(version_no=1))
    refusal = refused(as_("CZ").conclude_estimate_review, "p-20", conclusion(expected_version=2))
    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert (refusal.details["expected_version"], refusal.details["current_version"]) == (2, 1)
    assert db.events("EstimateReviewed") == []


def test_r_0_2_two_officials_concluding_at_once_one_wins(as_, worker_on, other_instance, db, ev, monkeypatch):
    as_().on_event(ev.estimate())
    rival = worker_on(other_instance, "CZ2")
    original = estimate.conclude

    def rival_concludes_meanwhile(*args, **kwargs):
        # The first official has read the request; the second concludes and
        # commits before the first one writes.
        monkeypatch.setattr(estimate, "conclude", original)
        rival.conclude_estimate_review("p-20", conclusion(reviewed_fen=MILLION - 1, opinion="核减1分"))
        return original(*args, **kwargs)

    monkeypatch.setattr(estimate, "conclude", rival_concludes_meanwhile)

    refusal = refused(as_("CZ").conclude_estimate_review, "p-20", conclusion())

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    [event] = db.events("EstimateReviewed")
    assert (event["actorid"], event["data"]["reviewed_fen"]) == ("u-cz-2", MILLION - 1)
    assert as_("CZ").get_estimate_review("p-20")["review"]["reviewed_by"] == "u-cz-2"


def test_r_0_2_a_newer_version_arriving_while_cz_concludes_wins(as_, worker_on, other_instance, db, ev,
                                                               monkeypatch):
    """财政 read version 1; version 2 superseded it before the conclusion was written."""
    as_().on_event(ev.estimate(version_no=1))
    consumer = worker_on(other_instance, None)
    original = estimate.conclude

    def newer_version_meanwhile(*args, **kwargs):
        monkeypatch.setattr(estimate, "conclude", original)
        consumer.on_event(ev.estimate(version_no=2, estimate_fen=MILLION * 2))
        return original(*args, **kwargs)

    monkeypatch.setattr(estimate, "conclude", newer_version_meanwhile)

    refusal = refused(as_("CZ").conclude_estimate_review, "p-20", conclusion())

    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert db.events("EstimateReviewed") == []
    history = as_("CZ").get_estimate_review("p-20")["history"]
    assert [(h["version_no"], h["status"]) for h in history] == [(2, "OPEN"), (1, "SUPERSEDED")]


def test_r_0_1_a_replayed_conclusion_answers_again_and_emits_once(as_, db, ev):
    as_().on_event(ev.estimate())
    first = as_("CZ").conclude_estimate_review("p-20", conclusion(), idempotency_key="k-1")
    again = as_("CZ").conclude_estimate_review("p-20", conclusion(), idempotency_key="k-1")
    assert again == first
    assert len(db.events("EstimateReviewed")) == 1
    refusal = refused(as_("CZ").conclude_estimate_review, "p-20", conclusion(reviewed_fen=MILLION - 1),
                      idempotency_key="k-1")
    assert refusal.code == "IDEMPOTENCY-CONFLICT"


# ------------------------------------------------------------- reads (§7.2)


@pytest.mark.parametrize("who", ["UNIT", "ZWB", "FG", "CZ", "WX", "SJ"])
def test_own_unit_and_reading_roles_see_the_estimate_review(as_, ev, who):
    as_().on_event(ev.estimate())
    assert as_(who).get_estimate_review("p-20")["submission_id"] == "p-20-PD-v1"
    assert as_(who).list_estimate_reviews()["total"] == 1


@pytest.mark.parametrize("who", ["UNIT_B", "LG", "JL", "BM"])
def test_others_are_told_it_is_not_there(as_, ev, who):
    as_().on_event(ev.estimate())
    assert refused(as_(who).get_estimate_review, "p-20").code == "NOT-FOUND"
    assert refused(as_(who).get_estimate_review, "p-20", "p-20-PD-v1").code == "NOT-FOUND"
    assert as_(who).list_estimate_reviews()["total"] == 0


def test_classified_projects_are_hidden_from_audit_and_shown_to_secrecy(as_, ev):
    as_().on_event(ev.estimate(project_id="p-s", classified=True))
    assert refused(as_("SJ").get_estimate_review, "p-s").code == "NOT-FOUND"
    assert as_("BM").get_estimate_review("p-s")["classified"] is True
    assert as_("CZ").get_estimate_review("p-s")["classified"] is True


def test_a_submission_of_another_project_is_not_read_through_this_one(as_, ev):
    as_().on_event(ev.estimate())
    as_().on_event(ev.estimate(project_id="p-21"))
    assert refused(as_("CZ").get_estimate_review, "p-20", "p-21-PD-v1").code == "NOT-FOUND"


def test_a_project_without_an_estimate_is_not_found(as_):
    assert refused(as_("CZ").get_estimate_review, "p-none").code == "NOT-FOUND"


@pytest.fixture
def four_projects(as_, ev, users):
    as_().on_event(ev.estimate("p-1"))
    as_().on_event(ev.estimate("p-2", unit=users["UNIT_B"], stage="URGENT_PACKAGE"))
    as_().on_event(ev.estimate("p-3", estimate_fen=MILLION - 1))
    as_().on_event(ev.estimate("p-4", plan_year=2026, stage="COMBINED_PACKAGE"))
    as_("CZ").conclude_estimate_review("p-4", conclusion("p-4-COMBINED_PACKAGE-v1"))


def _ids(page):
    return sorted(r["project_id"] for r in page["items"])


def test_awaiting_me_is_cz_work_list_of_open_requests(as_, four_projects):
    assert _ids(as_("CZ").list_estimate_reviews({"awaiting_me": True})) == ["p-1", "p-2"]
    for who in ("FG", "ZWB", "UNIT"):
        assert as_(who).list_estimate_reviews({"awaiting_me": True})["total"] == 0


def test_listing_filters_pages_and_hides_other_units(as_, four_projects):
    assert _ids(as_("FG").list_estimate_reviews()) == ["p-1", "p-2", "p-3", "p-4"]
    assert _ids(as_("UNIT").list_estimate_reviews()) == ["p-1", "p-3", "p-4"]
    assert _ids(as_("UNIT_B").list_estimate_reviews()) == ["p-2"]
    assert _ids(as_("CZ").list_estimate_reviews({"status": "REVIEWED"})) == ["p-4"]
    assert _ids(as_("CZ").list_estimate_reviews({"status": "NOT_REQUIRED"})) == ["p-3"]
    assert _ids(as_("CZ").list_estimate_reviews({"stage": "URGENT_PACKAGE"})) == ["p-2"]
    assert _ids(as_("CZ").list_estimate_reviews({"plan_year": 2026})) == ["p-4"]
    assert _ids(as_("CZ").list_estimate_reviews({"project_id": "p-3"})) == ["p-3"]
    page = as_("CZ").list_estimate_reviews({"page": 2, "page_size": 3})
    assert (page["total"], len(page["items"]), page["page"]) == (4, 1, 2)


@pytest.mark.parametrize("filters", [{"unit": "unit-a"}, {"status": "DONE"}, {"stage": "FSR"}, {"page": 0}])
def test_listing_rejects_malformed_filters(as_, filters):
    assert refused(as_("CZ").list_estimate_reviews, filters).code == "VALIDATION"


def test_a_caller_without_a_token_is_refused(as_, ev):
    as_().on_event(ev.estimate())
    assert refused(as_().get_estimate_review, "p-20").code == "AUTH-TOKEN-INVALID"
    assert refused(as_().conclude_estimate_review, "p-20", conclusion()).code == "AUTH-TOKEN-INVALID"
