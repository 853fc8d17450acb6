"""R-0-2 on PostgreSQL: two FG officers approve the same submission at the same moment, from two OS
threads with their own connection pools. Both read the same case; the case's version column lets one
win; the other is refused STATE-INVALID, and only one approval event and one 批复 exist."""

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import text

from approval import cases
from approval.cross_department import FrameworkGate
from approval.migrate import MIGRATIONS
from approval.models import infra
from approval.service import ApprovalService
from approval.settings import ApprovalSettings
from itpm_common.clock import FixedClock
from itpm_common.db import make_engine
from itpm_common.identity import Identity
from itpm_common.migrations import upgrade
from itpm_common.testing import meet_after_reading, one_won, outbox_events, race

pytestmark = pytest.mark.integration

_spec = importlib.util.spec_from_file_location("approval_chapter3", Path(__file__).parents[1] / "chapter3.py")
c3 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(c3)

UNIT = Identity("u-a", "张三", "UNIT", "unit-a", "市民政局")
FG1 = Identity("u-fg-1", "发改甲", "FG", "fg", "市发改委")
FG2 = Identity("u-fg-2", "发改乙", "FG", "fg", "市发改委")


@pytest.fixture
def workers(pg_database_url, independent_workers):
    upgrade(MIGRATIONS, pg_database_url)
    return independent_workers(pg_database_url, ApprovalService, "approval", infra, FixedClock(c3.NOW),
                               settings=ApprovalSettings(), framework=FrameworkGate())


def test_two_fg_officers_approving_the_same_fsr_at_once(workers, pg_database_url, monkeypatch):
    workers(None).on_event(c3.planned("p-1"))
    workers(None).on_event(c3.copied("p-1"))
    workers(UNIT).record_project_code("p-1", {"code": "2026-320700-65-01-000007"})
    workers(UNIT).submit_catalog("p-1", c3.catalog())
    sub = workers(UNIT).submit_stage("p-1", "FSR", c3.fsr())
    workers(None).on_event(c3.technical("p-1", sub))
    workers(None).on_event(c3.cybersecurity("p-1", sub))

    # Both decisions are taken on the same state: each thread waits, after reading the gates, for the other.
    meet_after_reading(monkeypatch, cases, "gate_facts")
    first, second = workers(FG1), workers(FG2)
    won, lost = one_won(race(lambda: first.approve("p-1", sub["submission_id"], c3.DECISION),
                             lambda: second.approve("p-1", sub["submission_id"], c3.DECISION)))

    assert (lost.code, lost.rule) == ("STATE-INVALID", "R-0-2")
    [approved] = outbox_events(pg_database_url, infra, "approval", "FSRApproved")
    assert approved["data"]["doc_no"] == won["doc_no"]
    engine = make_engine(pg_database_url)
    try:
        with engine.connect() as db:
            decisions = db.execute(text("SELECT doc_no FROM approval_decisions")).scalars().all()
    finally:
        engine.dispose()
    assert decisions == [won["doc_no"]]
