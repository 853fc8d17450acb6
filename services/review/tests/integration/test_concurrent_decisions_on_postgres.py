"""Two 政务办 officials deciding the same thing at the same moment, on
PostgreSQL, from two OS threads each with its own connection pool: both read
the same state, both write; the database's row locks let one win and the
other is refused (R-0-2), and only the winner's event is in the outbox.

The threads meet at a barrier right after reading, so the race is not left
to timing: both decisions are always taken on the same state.
"""

from datetime import datetime

import pytest

from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.migrations import upgrade
from itpm_common.testing import meet_after_reading, one_won, outbox_events, race
from review import service, store
from review.migrate import MIGRATIONS
from review.models import infra
from review.service import ReviewService
from review.settings import ReviewSettings

pytestmark = pytest.mark.integration

ZWB = Identity("u-zwb-1", "王政务", "ZWB", "zwb", "市政务办")
ZWB2 = Identity("u-zwb-2", "赵政务", "ZWB", "zwb", "市政务办")
BUREAUS = {b: Identity(f"u-{b.lower()}", f"{b}甲", b, b.lower(), b) for b in ("WX", "FG", "GX", "CZ")}
SYSTEM = None  # a consumer worker: no caller
OPINION = {"verdict": "AGREE", "necessity": "必要", "feasibility": "可行", "security": "安全", "budget": "合理"}
CRITERIA = {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET", "security_solution": "MET"}
FACTS = {"project_id": "p-1", "name": "智慧教育云平台", "category": "BUILD", "plan_year": 2026,
         "unit_id": "edu", "unit_name": "市教育局", "classified": False}


def event(service_name: str, name: str, data: dict) -> CloudEvent:
    return CloudEvent(type=event_type(service_name, name), source=f"/itpm/{service_name}", subject="p-1",
                      data={**FACTS, **data}, unitid="edu", article="第九条", actorid="edu", actorrole="UNIT")


@pytest.fixture
def database(pg_database_url):
    upgrade(MIGRATIONS, pg_database_url)
    return pg_database_url


@pytest.fixture
def workers(database, independent_workers):
    """``workers(who)``: a worker for that user on its own engine (its own
    connection pool, as another process would have)."""
    return independent_workers(database, ReviewService, "review", infra,
                               FixedClock(datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)), settings=ReviewSettings())


def outbox(url: str, name: str) -> list[dict]:
    return outbox_events(url, infra, "review", name)


def test_two_officials_opening_the_plan_review_at_once(database, workers, monkeypatch):
    workers(SYSTEM).on_event(event("planning", "PlanApplicationSubmitted", {
        "version_no": 1, "rank": 1, "estimate_fen": 250_000_000, "origin": "PLAN", "superior_funding_fen": 0}))
    first, second = workers(ZWB), workers(ZWB2)
    meet_after_reading(monkeypatch, store, "latest_review")

    won, lost = one_won(race(lambda: first.open_plan_review("p-1"), lambda: second.open_plan_review("p-1")))

    assert won["status"] == "OPEN"
    assert (lost.code, lost.rule) == ("STATE-INVALID", "R-0-2")
    [opened] = outbox(database, "PlanReviewOpened")
    assert opened["data"]["review_id"] == won["review_id"]


def open_with_all_opinions(workers, kind: str) -> None:
    if kind == "PLAN":
        workers(SYSTEM).on_event(event("planning", "PlanApplicationSubmitted", {
            "version_no": 1, "rank": 1, "estimate_fen": 250_000_000, "origin": "PLAN", "superior_funding_fen": 0}))
        workers(ZWB).open_plan_review("p-1")
    else:
        workers(SYSTEM).on_event(event("planning", "AdHocApplicationSubmitted", {
            "version_no": 1, "estimate_fen": 250_000_000, "origin": "ADHOC", "adhoc_reason": "WORK_NEED",
            "superior_funding_fen": 0}))
        workers(SYSTEM).on_event(event("funds", "FundingConfirmed", {
            "confirmation_id": "c-1", "path": "ADHOC", "result": "SECURED", "confirmed_amount_fen": 250_000_000,
            "total_investment_fen": 250_000_000, "note": ""}))
        workers(ZWB).open_joint_review("p-1")
    for who in BUREAUS.values():
        workers(who).record_opinion("p-1", OPINION)


def test_two_officials_concluding_the_plan_review_at_once(database, workers, monkeypatch):
    open_with_all_opinions(workers, "PLAN")
    first, second = workers(ZWB), workers(ZWB2)
    meet_after_reading(monkeypatch, service, "_check_expected")

    won, lost = one_won(race(
        lambda: first.conclude("p-1", {"outcome": "DRAFT", "consolidated_opinion": "列入", "criteria": CRITERIA}),
        lambda: second.conclude("p-1", {"outcome": "NOT_INCLUDED", "consolidated_opinion": "不列入",
                                        "criteria": CRITERIA})))

    assert (lost.code, lost.rule) == ("STATE-INVALID", "R-0-2")
    [concluded] = outbox(database, "PlanReviewConcluded")
    assert concluded["data"]["outcome"] == won["conclusion"]["outcome"]


def test_a_return_and_a_conclusion_at_once(database, workers, monkeypatch):
    open_with_all_opinions(workers, "PLAN")
    first, second = workers(ZWB), workers(ZWB2)
    meet_after_reading(monkeypatch, service, "_check_expected")

    won, lost = one_won(race(
        lambda: first.return_for_correction("p-1", {"reason": "补充材料"}),
        lambda: second.conclude("p-1", {"outcome": "DRAFT", "consolidated_opinion": "列入", "criteria": CRITERIA})))

    assert (lost.code, lost.rule) == ("STATE-INVALID", "R-0-2")
    returned, concluded = outbox(database, "PlanReviewReturned"), outbox(database, "PlanReviewConcluded")
    assert len(returned) + len(concluded) == 1
    assert won["status"] == ("RETURNED" if returned else "CONCLUDED")


def test_two_officials_concluding_the_joint_review_at_once(database, workers, monkeypatch):
    open_with_all_opinions(workers, "ADHOC")
    first, second = workers(ZWB), workers(ZWB2)
    meet_after_reading(monkeypatch, service, "_check_expected")

    won, lost = one_won(race(
        lambda: first.conclude_joint_review("p-1", {"outcome": "PASS", "consolidated_opinion": "通过"}),
        lambda: second.conclude_joint_review("p-1", {"outcome": "FAIL", "consolidated_opinion": "不通过"})))

    assert (lost.code, lost.rule) == ("STATE-INVALID", "R-0-2")
    [concluded] = outbox(database, "JointReviewConcluded")
    assert concluded["data"]["outcome"] == won["conclusion"]["outcome"]
    assert concluded["actorid"] == (ZWB.user_id if won["conclusion"]["outcome"] == "PASS" else ZWB2.user_id)
