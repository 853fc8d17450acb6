"""R-0-2 on PostgreSQL: two FG officers approve the same submission at the same moment, from two OS
threads with their own connection pools. Both read the same case; the case's version column lets one
win; the other is refused STATE-INVALID, and only one approval event and one 批复 exist."""

import importlib.util
import json
from pathlib import Path

import eventlet.patcher
import pytest
from sqlalchemy import select, text

from approval import cases
from approval.cross_department import FrameworkGate
from approval.migrate import MIGRATIONS
from approval.models import infra
from approval.service import ApprovalService
from approval.settings import ApprovalSettings
from itpm_common.clock import FixedClock
from itpm_common.db import make_engine
from itpm_common.errors import Refusal
from itpm_common.identity import Identity
from itpm_common.migrations import upgrade
from itpm_common.testing import make_worker, worker_deps

pytestmark = pytest.mark.integration
threading = eventlet.patcher.original("threading")

_spec = importlib.util.spec_from_file_location("approval_chapter3", Path(__file__).parents[1] / "chapter3.py")
c3 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(c3)

UNIT = Identity("u-a", "张三", "UNIT", "unit-a", "市民政局")
FG1 = Identity("u-fg-1", "发改甲", "FG", "fg", "市发改委")
FG2 = Identity("u-fg-2", "发改乙", "FG", "fg", "市发改委")


@pytest.fixture
def workers(pg_database_url, token_pair):
    upgrade(MIGRATIONS, pg_database_url)
    made = []

    def make(who):
        deps = worker_deps(pg_database_url, "approval", infra, FixedClock(c3.NOW), lock=False)
        made.append(deps)
        return make_worker(ApprovalService, deps, token_pair, who, settings=ApprovalSettings(),
                           framework=FrameworkGate())

    yield make
    for deps in made:
        deps.dispose()


def race(*calls):
    results = [None] * len(calls)

    def run(i, call):
        try:
            results[i] = call()
        except Exception as exc:  # a Refusal, or a crash that must not pass for one
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_fg_officers_approving_the_same_fsr_at_once(workers, pg_database_url, monkeypatch):
    workers(None).on_event(c3.planned("p-1"))
    workers(None).on_event(c3.copied("p-1"))
    workers(UNIT).record_project_code("p-1", {"code": "2026-320700-65-01-000007"})
    workers(UNIT).submit_catalog("p-1", c3.catalog())
    sub = workers(UNIT).submit_stage("p-1", "FSR", c3.fsr())
    workers(None).on_event(c3.technical("p-1", sub))
    workers(None).on_event(c3.cybersecurity("p-1", sub))

    # Both decisions are taken on the same state: each thread waits, after reading the gates, for the other.
    barrier = threading.Barrier(2, timeout=60)
    original = cases.gate_facts

    def read_then_meet(*args, **kwargs):
        facts = original(*args, **kwargs)
        barrier.wait()
        return facts

    monkeypatch.setattr(cases, "gate_facts", read_then_meet)
    first, second = workers(FG1), workers(FG2)
    results = race(lambda: first.approve("p-1", sub["submission_id"], c3.DECISION),
                   lambda: second.approve("p-1", sub["submission_id"], c3.DECISION))

    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if not isinstance(r, dict)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], Refusal) and (lost[0].code, lost[0].rule) == ("STATE-INVALID", "R-0-2")
    engine = make_engine(pg_database_url)
    try:
        with engine.connect() as db:
            bodies = [json.loads(b) for b in db.execute(select(infra.outbox.c.body)).scalars()]
            decisions = db.execute(text("SELECT doc_no FROM approval_decisions")).scalars().all()
    finally:
        engine.dispose()
    approved = [b for b in bodies if b["type"].endswith(".fsr_approved.v1")]
    assert len(approved) == 1 and approved[0]["data"]["doc_no"] == won[0]["doc_no"]
    assert decisions == [won[0]["doc_no"]]
