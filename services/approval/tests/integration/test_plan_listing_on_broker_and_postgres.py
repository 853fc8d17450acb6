"""approval against the real broker and PostgreSQL: the plan copied to 发改,
delivered twice and then amended, leaves the amended version's BUILD items listed."""

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from approval.migrate import MIGRATIONS
from approval.service import ApprovalService
from approval.topology import SUBSCRIBES
from itpm_common.db import make_engine
from itpm_common.events import CloudEvent, event_type
from itpm_common.migrations import upgrade
from itpm_common.testing import publish_events, wait_for

pytestmark = pytest.mark.integration


def item(project_id, rank, category="BUILD"):
    return {"project_id": project_id, "unit_id": "edu", "unit_name": "市教育局", "name": f"项目{project_id}",
            "category": category, "build_kind": "NEW", "section_rank": rank, "estimate_fen": 90_000_000,
            "origin": "PLAN", "classified": False}


def copied(version_no, items):
    return CloudEvent(type=event_type("planning", "AnnualPlanCopiedToFG"), source="/itpm/planning",
                      subject="annual-plan:2027", article="第八条", actorid="lg", actorrole="LG",
                      data={"plan_id": "plan-2027", "plan_year": 2027, "version_no": version_no, "items": items})


@pytest.fixture
def approval(service_on_broker, pg_database_url):
    upgrade(MIGRATIONS, pg_database_url)
    return service_on_broker(ApprovalService, SUBSCRIBES, pg_database_url)


def test_copied_plan_then_amendment(approval, amqp_vhost_uri, pg_database_url, token_for):
    engine = make_engine(pg_database_url)

    def applied_version():
        with engine.connect() as db:
            return db.execute(text("SELECT max(version_no) FROM plan_copies")).scalar()

    first = copied(1, [item("p-1", 1), item("p-2", 2), item("p-om", 1, "OM")])
    publish_events(amqp_vhost_uri, first, first)
    assert wait_for(lambda: applied_version() == 1)
    publish_events(amqp_vhost_uri, copied(2, [item("p-1", 1)]))
    assert wait_for(lambda: applied_version() == 2)

    with ClusterRpcProxy(approval, context_data={"identity": token_for("FG")}) as rpc:
        assert rpc.approval.get_plan_listing("p-1")["listed"] is True
        assert rpc.approval.get_plan_listing("p-2")["listed"] is False
        assert rpc.approval.list_plan_listings({"status": "LISTED"})["total"] == 1
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM audit_log")).scalar() == 2
        assert db.execute(text("SELECT count(*) FROM outbox")).scalar() == 0
    engine.dispose()
