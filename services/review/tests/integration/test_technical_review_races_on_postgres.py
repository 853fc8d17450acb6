"""Two 政务办 officials acting on the same technical review at the same
moment, on PostgreSQL, from two OS threads each with its own connection
pool: both read the same state, both write; the row locks let one win, the
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
from review.migrate import MIGRATIONS
from review.models import infra
from review.service import ReviewService
from review.settings import ReviewSettings
from review.technical import entrypoints

pytestmark = pytest.mark.integration

ZWB = Identity("u-zwb-1", "王政务", "ZWB", "zwb", "市政务办")
ZWB2 = Identity("u-zwb-2", "赵政务", "ZWB", "zwb", "市政务办")
WX = Identity("u-wx-1", "网信甲", "WX", "wx", "市委网信办")
SYSTEM = None  # a consumer worker: no caller
DIGEST = "a" * 64


def fsr_submitted() -> CloudEvent:
    data = {"project_id": "p-1", "name": "智慧教育云平台", "category": "BUILD", "plan_year": 2026, "unit_id": "edu",
            "unit_name": "市教育局", "classified": False, "submission_id": "s-1", "stage": "FSR", "version_no": 1,
            "digest": DIGEST, "track": "STANDARD", "origin": "PLAN", "total_investment_fen": 250_000_000,
            "estimate_fen": None, "line_items": [], "catalog_version": 1, "estimate_review_required": False,
            "security_chapter": None, "important_domain": False, "new_civil_works": False, "high_energy": False,
            "cross_department": False, "cross_level": False, "duplicate_collection_flags": [],
            "similar_systems": [], "linkage_none": False}
    return CloudEvent(type=event_type("approval", "FSRSubmitted"), source="/itpm/approval", subject="p-1",
                      data=data, unitid="edu", article="第十条", actorid="edu", actorrole="UNIT")


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


def test_two_officials_opening_the_technical_review_at_once(database, workers, monkeypatch):
    workers(SYSTEM).on_event(fsr_submitted())
    first, second = workers(ZWB), workers(ZWB2)
    meet_after_reading(monkeypatch, entrypoints, "check_digest")

    won, lost = one_won(race(lambda: first.open_technical_review("p-1", {"submission_id": "s-1"}),
                             lambda: second.open_technical_review("p-1", {"submission_id": "s-1"})))

    assert won["review"]["status"] == "OPEN"
    assert (lost.code, lost.rule) == ("STATE-INVALID", "R-0-2")
    [opened] = outbox(database, "TechnicalReviewOpened")
    assert opened["data"]["review_id"] == won["review"]["review_id"]


def test_two_officials_concluding_the_technical_review_at_once(database, workers, monkeypatch):
    """R-0-2: one conclusion wins, the other is STATE-INVALID, one TechnicalReviewConcluded."""
    workers(SYSTEM).on_event(fsr_submitted())
    workers(ZWB).open_technical_review("p-1", {"submission_id": "s-1"})
    workers(WX).record_technical_opinion("p-1", {"submission_id": "s-1", "verdict": "AGREE", "opinion": "同意"})
    first, second = workers(ZWB), workers(ZWB2)
    meet_after_reading(monkeypatch, entrypoints, "check_expected")

    won, lost = one_won(race(
        lambda: first.conclude_technical_review("p-1", {"submission_id": "s-1", "outcome": "PASS",
                                                        "consolidated_opinion": "通过"}),
        lambda: second.conclude_technical_review("p-1", {"submission_id": "s-1", "outcome": "FAIL",
                                                         "consolidated_opinion": "不通过"})))

    assert (lost.code, lost.rule) == ("STATE-INVALID", "R-0-2")
    [concluded] = outbox(database, "TechnicalReviewConcluded")
    assert concluded["data"]["outcome"] == won["review"]["conclusion"]["outcome"]
    assert concluded["actorid"] == (ZWB.user_id if won["review"]["conclusion"]["outcome"] == "PASS"
                                    else ZWB2.user_id)
    assert concluded["data"]["digest"] == DIGEST


def test_a_conclusion_and_a_carry_over_at_once(database, workers, monkeypatch):
    """Concluding the open review and carrying an earlier conclusion into it are two decisions on one
    review: one wins."""
    workers(SYSTEM).on_event(fsr_submitted())
    workers(ZWB).open_technical_review("p-1", {"submission_id": "s-1"})
    workers(ZWB).conclude_technical_review("p-1", {"submission_id": "s-1", "outcome": "PASS",
                                                   "consolidated_opinion": "通过"})
    second_version = fsr_submitted()
    second_version = CloudEvent(type=second_version.type, source=second_version.source, subject="p-1",
                                data={**second_version.data, "submission_id": "s-2", "version_no": 2,
                                      "digest": "b" * 64},
                                unitid="edu", article="第十条", actorid="edu", actorrole="UNIT")
    workers(SYSTEM).on_event(second_version)
    workers(ZWB).open_technical_review("p-1", {"submission_id": "s-2"})
    first, second = workers(ZWB), workers(ZWB2)
    meet_after_reading(monkeypatch, entrypoints, "check_digest")

    won, lost = one_won(race(
        lambda: first.conclude_technical_review("p-1", {"submission_id": "s-2", "outcome": "FAIL",
                                                        "consolidated_opinion": "不通过"}),
        lambda: second.carry_over_technical_review("p-1", {"submission_id": "s-2", "check_note": "已核对"})))

    assert (lost.code, lost.rule) == ("STATE-INVALID", "R-0-2")
    concluded = [e for e in outbox(database, "TechnicalReviewConcluded") if e["data"]["submission_id"] == "s-2"]
    assert len(concluded) == 1
    assert concluded[0]["data"]["digest"] == "b" * 64
