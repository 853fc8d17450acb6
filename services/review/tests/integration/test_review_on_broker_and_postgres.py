"""review against the real broker and PostgreSQL: an event published twice
(a relay that crashed after publishing, before marking) is recorded once,
and 政务办 opens one review on it."""

import time

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from itpm_common.db import make_engine
from itpm_common.events import CloudEvent, event_type
from itpm_common.migrations import upgrade
from itpm_common.testing import publish_events, wait_for
from review.migrate import MIGRATIONS
from review.service import ReviewService
from review.topology import SUBSCRIBES

pytestmark = pytest.mark.integration


def submitted(project_id: str) -> CloudEvent:
    return CloudEvent(
        type=event_type("planning", "PlanApplicationSubmitted"), source="/itpm/planning", subject=project_id,
        data={"project_id": project_id, "name": "智慧教育云平台", "category": "BUILD", "plan_year": 2027,
              "unit_id": "edu", "unit_name": "市教育局", "state": "PLAN_APPLIED", "rank": 1,
              "estimate_fen": 250_000_000, "version_no": 1, "classified": False},
        unitid="edu", article="第七条", actorid="edu", actorrole="UNIT")


@pytest.fixture
def review(service_on_broker, pg_database_url):
    upgrade(MIGRATIONS, pg_database_url)
    return service_on_broker(ReviewService, SUBSCRIBES, pg_database_url)


def test_duplicate_delivery_is_recorded_once_and_opens_one_review(review, amqp_vhost_uri, pg_database_url,
                                                                    token_for):
    ev = submitted("p-dup")
    publish_events(amqp_vhost_uri, ev, ev)
    engine = make_engine(pg_database_url)

    def counts():
        with engine.connect() as db:
            return (db.execute(text("SELECT count(*) FROM applications")).scalar(),
                    db.execute(text("SELECT count(*) FROM inbox")).scalar(),
                    db.execute(text("SELECT count(*) FROM outbox")).scalar())

    assert wait_for(lambda: counts()[1] == 1)
    time.sleep(1.0)  # the second copy has been handled (or absorbed) by now
    assert counts() == (1, 1, 0)

    with ClusterRpcProxy(review, context_data={"identity": token_for("ZWB")}) as rpc:
        [pending] = rpc.review.list_pending_openings()["items"]
        assert pending["project_id"] == "p-dup"
        rpc.review.open_plan_review("p-dup", {"version_no": 1}, idempotency_key="open-1")
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM reviews")).scalar() == 1
        assert db.execute(text("SELECT count(*) FROM outbox")).scalar() == 1

    with ClusterRpcProxy(review, context_data={"identity": token_for("WX")}) as rpc:
        opened = rpc.review.get_review("p-dup")
        assert opened["status"] == "OPEN" and opened["missing_bureaus"] == ["WX", "FG", "GX", "CZ"]
        rpc.review.record_opinion("p-dup", {"verdict": "AGREE", "necessity": "必要", "feasibility": "可行",
                                            "security": "安全", "budget": "合理"}, idempotency_key="o-1")
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM review_opinions")).scalar() == 1
        assert db.execute(text("SELECT action, outcome FROM audit_log ORDER BY seq")).all() == [
            ("record_application", "ACCEPTED"), ("open_plan_review", "ACCEPTED"), ("record_opinion", "ACCEPTED")]
    engine.dispose()
