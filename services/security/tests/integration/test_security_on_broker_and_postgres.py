"""security against the real broker and PostgreSQL: a submission published by
approval opens 网信's review, 网信 records over RPC, the relay publishes; two 网信
officials recording at once on PostgreSQL: one wins, one is refused, one event (R-0-2)."""

from datetime import datetime

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import worker_factory
from sqlalchemy import text

from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.db import make_engine
from itpm_common.errors import Refusal
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.migrations import upgrade
from itpm_common.testing import make_worker, publish_events, wait_for, worker_deps
from itpm_common.uow import TransactionFactory
from security import cybersecurity
from security.migrate import MIGRATIONS
from security.models import infra
from security.service import SecurityService
from security.topology import SUBSCRIBES

pytestmark = pytest.mark.integration

PARTS = ("needs_analysis", "tasks_and_content", "protection_design", "investment", "crypto_content")


def fsr(project_id: str, version_no: int = 1) -> CloudEvent:
    return CloudEvent(
        type=event_type("approval", "FSRSubmitted"), source="/itpm/approval", subject=project_id,
        data={"project_id": project_id, "unit_id": "police", "unit_name": "市公安局", "name": "应急指挥平台",
              "classified": False, "plan_year": 2027, "category": "BUILD",
              "submission_id": f"{project_id}-fsr-{version_no}", "stage": "FSR", "version_no": version_no,
              "digest": "ab" * 32, "track": "STANDARD", "origin": "PLAN", "total_investment_fen": 1_200_000_000,
              "estimate_fen": None, "line_items": [], "catalog_version": 1, "estimate_review_required": False,
              "security_chapter": {"needs_analysis": "等保三级需求", "tasks_and_content": "边界防护与审计",
                                   "protection_design": "纵深防御", "investment_fen": 80_000_000,
                                   "crypto_content": "商用密码身份鉴别", "tiered_protection_summary": None},
              "important_domain": False, "new_civil_works": False, "high_energy": False,
              "cross_department": False, "cross_level": False, "duplicate_collection_flags": [],
              "similar_systems": [], "linkage_none": False},
        unitid="police", article="第十条", actorid="police", actorrole="UNIT")


def review(submission_id: str, conclusion: str = "PASS", opinion: str = "同意通过") -> dict:
    return {"submission_id": submission_id, "conclusion": conclusion, "opinion": opinion,
            "assessments": {p: {"rating": "ADEQUATE", "note": "内容完整"} for p in PARTS},
            "important_domain": False}


@pytest.fixture
def security(service_on_broker, pg_database_url):
    upgrade(MIGRATIONS, pg_database_url)
    return service_on_broker(SecurityService, SUBSCRIBES, pg_database_url)


def test_submission_review_and_supersession_over_the_broker(security, amqp_vhost_uri, pg_database_url, token_for):
    engine = make_engine(pg_database_url)

    def published(name):
        with engine.connect() as db:
            return db.execute(text("SELECT count(*) FROM outbox WHERE type = :t AND published_at IS NOT NULL"),
                              {"t": event_type("security", name)}).scalar()

    def reviews():
        with engine.connect() as db:
            return dict(db.execute(text("SELECT submission_id, status FROM cybersecurity_reviews")).all())

    first = fsr("p-cyber")
    publish_events(amqp_vhost_uri, first, first)
    assert wait_for(lambda: reviews() == {"p-cyber-fsr-1": "PENDING"})
    publish_events(amqp_vhost_uri, fsr("p-cyber", version_no=2))
    assert wait_for(lambda: reviews() == {"p-cyber-fsr-1": "SUPERSEDED", "p-cyber-fsr-2": "PENDING"})

    with ClusterRpcProxy(security, context_data={"identity": token_for("WX")}) as rpc:
        work = rpc.security.list_cybersecurity_reviews({})
        assert [r["submission_id"] for r in work["items"]] == ["p-cyber-fsr-2"]
        with pytest.raises(Refusal) as stale:
            rpc.security.record_cybersecurity_review("p-cyber", review("p-cyber-fsr-1"))
        assert (stale.value.code, stale.value.details["current_state"]) == ("STATE-INVALID", "SUPERSEDED")
        out = rpc.security.record_cybersecurity_review("p-cyber", review("p-cyber-fsr-2"), idempotency_key="r-1")
        assert (out["status"], out["conclusion"]) == ("RECORDED", "PASS")
        assert rpc.security.record_cybersecurity_review("p-cyber", review("p-cyber-fsr-2"),
                                                        idempotency_key="r-1") == out
    assert wait_for(lambda: published("CybersecurityReviewRecorded") == 1)

    with ClusterRpcProxy(security, context_data={"identity": token_for("FG")}) as rpc:
        with pytest.raises(Refusal) as forbidden:
            rpc.security.record_cybersecurity_review("p-cyber", review("p-cyber-fsr-2"))
        assert (forbidden.value.code, forbidden.value.rule, forbidden.value.article) == (
            "AUTH-FORBIDDEN", "R-4-1", "第四条")
        assert rpc.security.get_cybersecurity_review("p-cyber")["conclusion"] == "PASS"
    with engine.connect() as db:
        body = db.execute(text("SELECT body FROM outbox")).scalar()
        assert '"submission_id": "p-cyber-fsr-2"' in body
        assert db.execute(text("SELECT outcome FROM audit_log WHERE action = 'record_cybersecurity_review' "
                               "ORDER BY seq")).scalars().all() == ["REFUSED", "ACCEPTED", "REFUSED"]
    engine.dispose()


def test_two_wx_officials_recording_at_once_on_postgresql(pg_database_url, token_pair, monkeypatch):
    """R-0-2: both read the pending review; the second to write is refused and only one event leaves."""
    upgrade(MIGRATIONS, pg_database_url)
    clock = FixedClock(datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI))
    mine, theirs = (worker_deps(pg_database_url, "security", infra, clock, lock=False) for _ in range(2))
    first = Identity("wx-1", "网信甲", "WX", "wx", "市委网信办")
    second = Identity("wx-2", "网信乙", "WX", "wx", "市委网信办")
    try:
        worker_factory(SecurityService, tx=TransactionFactory(mine)).on_event(fsr("p-race"))
        rival = make_worker(SecurityService, theirs, token_pair, second)
        original = cybersecurity.record

        def rival_records_meanwhile(*args, **kwargs):
            # The first official's transaction has read the review; the
            # second records and commits before the first one writes.
            monkeypatch.setattr(cybersecurity, "record", original)
            rival.record_cybersecurity_review("p-race", review("p-race-fsr-1", "FAIL", "不予通过：保障体系设计不足"))
            return original(*args, **kwargs)

        monkeypatch.setattr(cybersecurity, "record", rival_records_meanwhile)
        with pytest.raises(Refusal) as refused:
            make_worker(SecurityService, mine, token_pair, first).record_cybersecurity_review(
                "p-race", review("p-race-fsr-1"))

        assert (refused.value.code, refused.value.rule) == ("STATE-INVALID", "R-0-2")
        with mine.engine.connect() as db:
            assert db.execute(text("SELECT recorded_by, conclusion, status FROM cybersecurity_reviews")).one() == \
                ("wx-2", "FAIL", "RECORDED")
            assert db.execute(text("SELECT type FROM outbox ORDER BY seq")).scalars().all() == \
                [event_type("security", "CybersecurityReviewRecorded")]
            assert db.execute(text("SELECT outcome, actor_id FROM audit_log ORDER BY seq")).all()[-1] == \
                ("REFUSED", "wx-1")
    finally:
        mine.dispose()
        theirs.dispose()
