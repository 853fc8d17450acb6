"""approval against the real broker and PostgreSQL: a planned project goes from its entry to APPROVED,
with 政务办's technical reviews, 网信's cybersecurity reviews and 财政's estimate review delivered as
events (FSR direct under Art 10(1), then the PD with a 概算 of exactly 1,000,000.00 元)."""

import importlib.util
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from approval.migrate import MIGRATIONS
from approval.service import ApprovalService
from approval.topology import SUBSCRIBES
from itpm_common.db import make_engine
from itpm_common.migrations import upgrade
from itpm_common.testing import publish_events, wait_for

pytestmark = pytest.mark.integration

_spec = importlib.util.spec_from_file_location("approval_chapter3", Path(__file__).parents[1] / "chapter3.py")
c3 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(c3)

UNIT = {"user_id": "u-a", "name": "张三", "role": "UNIT", "unit_id": "unit-a", "unit_name": "市民政局"}


@pytest.fixture
def approval(service_on_broker, pg_database_url):
    upgrade(MIGRATIONS, pg_database_url)
    return service_on_broker(ApprovalService, SUBSCRIBES, pg_database_url, FIXED_NOW=c3.NOW.isoformat())


def test_a_planned_project_from_entry_to_approved(approval, amqp_vhost_uri, pg_database_url, token_for):
    from itpm_common.identity import Identity

    unit = Identity(**UNIT)
    engine = make_engine(pg_database_url)

    def stage_state():
        with engine.connect() as db:
            return db.execute(text("SELECT stage_state FROM approval_cases WHERE project_id = 'p-1'")).scalar()

    def count(sql):
        with engine.connect() as db:
            return db.execute(text(sql)).scalar()

    publish_events(amqp_vhost_uri, c3.planned("p-1"), c3.copied("p-1"))
    assert wait_for(lambda: count("SELECT count(*) FROM plan_listings") == 1
                    and count("SELECT count(*) FROM project_projection WHERE state = 'PLANNED'") == 1)

    with ClusterRpcProxy(approval, context_data={"identity": token_for(unit)}) as rpc:
        rpc.approval.record_project_code("p-1", {"code": "2026-320700-65-01-000042"})
        rpc.approval.submit_catalog("p-1", c3.catalog())
        fsr = rpc.approval.submit_stage("p-1", "FSR", c3.fsr(), "fsr-1")
    assert fsr["track"] == "PATH1" and stage_state() == "FSR_SUBMITTED"

    # The reviews arrive twice (at-least-once delivery).
    reviews = [c3.technical("p-1", fsr), c3.cybersecurity("p-1", fsr)]
    publish_events(amqp_vhost_uri, *reviews, *reviews)
    assert wait_for(lambda: count("SELECT count(*) FROM technical_reviews WHERE outcome = 'PASS'") == 1
                    and count("SELECT count(*) FROM security_reviews") == 1)

    with ClusterRpcProxy(approval, context_data={"identity": token_for("FG")}) as rpc:
        assert rpc.approval.get_approval_path("p-1")["blockers"] == []
        rpc.approval.approve("p-1", fsr["submission_id"], c3.DECISION, "approve-fsr")
    with ClusterRpcProxy(approval, context_data={"identity": token_for(unit)}) as rpc:
        pd = rpc.approval.submit_stage("p-1", "PD", c3.pd(100_000_000), "pd-1")
    assert pd["estimate_review_required"] is True

    publish_events(amqp_vhost_uri, c3.technical("p-1", pd), c3.cybersecurity("p-1", pd),
                   c3.estimate_requested("p-1", pd))
    assert wait_for(lambda: stage_state() == "ESTIMATE_UNDER_REVIEW")
    with ClusterRpcProxy(approval, context_data={"identity": token_for("FG")}) as rpc:
        blockers = [b["code"] for b in rpc.approval.get_approval_path("p-1")["blockers"]]
        assert blockers == ["E10-ESTIMATE-REVIEW-REQUIRED"]
    publish_events(amqp_vhost_uri, c3.estimate_reviewed("p-1", pd, 100_000_000))
    assert wait_for(lambda: stage_state() == "PD_SUBMITTED"
                    and count("SELECT count(*) FROM estimate_reviews WHERE status = 'REVIEWED'") == 1)

    with ClusterRpcProxy(approval, context_data={"identity": token_for("FG")}) as rpc:
        out = rpc.approval.approve("p-1", pd["submission_id"], c3.DECISION, "approve-pd")
        assert out["stage_state"] == "APPROVED" and out["record"]["approved_estimate_fen"] == 100_000_000
        assert rpc.approval.verify_decision(out["doc_no"], out["digest"])["valid"] is True
    # approval hears its own events back for the project projection, and the outbox drains to the broker.
    assert wait_for(lambda: count("SELECT state FROM project_projection WHERE project_id = 'p-1'") is not None
                    and count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0)
    assert wait_for(lambda: count("SELECT state FROM project_projection WHERE project_id = 'p-1'") == "APPROVED")
    engine.dispose()
