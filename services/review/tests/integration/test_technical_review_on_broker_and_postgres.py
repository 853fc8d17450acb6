"""The technical review against the real broker and PostgreSQL: approval's
FSRSubmitted published twice is one reviewable version; 发改's return that
overtook its submission is retried until the submission is there, and takes
the version off 政务办's work list; the next version is reviewed over RPC."""

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

FACTS = {"project_id": "p-t", "name": "智慧教育云平台", "category": "BUILD", "plan_year": 2027, "unit_id": "edu",
         "unit_name": "市教育局", "classified": False}


def approval_event(name: str, data: dict) -> CloudEvent:
    return CloudEvent(type=event_type("approval", name), source="/itpm/approval", subject="p-t",
                      data={**FACTS, **data}, unitid="edu", article="第十条", actorid="edu", actorrole="UNIT")


def fsr(version_no: int) -> CloudEvent:
    return approval_event("FSRSubmitted", {
        "submission_id": f"s-{version_no}", "stage": "FSR", "version_no": version_no, "digest": f"{version_no}" * 64,
        "track": "STANDARD", "origin": "PLAN", "total_investment_fen": 250_000_000, "estimate_fen": None,
        "line_items": [], "catalog_version": None, "estimate_review_required": False, "security_chapter": None,
        "important_domain": False, "new_civil_works": False, "high_energy": False, "cross_department": False,
        "cross_level": False, "duplicate_collection_flags": [], "similar_systems": [], "linkage_none": False})


@pytest.fixture
def review(service_on_broker, pg_database_url):
    upgrade(MIGRATIONS, pg_database_url)
    return service_on_broker(ReviewService, SUBSCRIBES, pg_database_url, retry_delays_ms=(100, 200, 400))


def test_approvals_submissions_and_decisions_reach_the_technical_review(review, amqp_vhost_uri, pg_database_url,
                                                                       token_for):
    returned = approval_event("ApprovalReturned", {"submission_id": "s-1", "stage": "FSR", "version_no": 1,
                                                   "reason": "补充投资明细", "return_code": None})
    first = fsr(1)
    publish_events(amqp_vhost_uri, returned)
    time.sleep(0.05)  # the return is handled first and finds no submission yet
    publish_events(amqp_vhost_uri, first, first)
    engine = make_engine(pg_database_url)

    def submission_states():
        with engine.connect() as db:
            return db.execute(text("SELECT submission_id, status, approval_outcome FROM technical_submissions "
                                   "ORDER BY seq")).all()

    try:
        assert wait_for(lambda: submission_states() == [("s-1", "CLOSED", "RETURNED")], timeout=15)

        publish_events(amqp_vhost_uri, fsr(2))
        assert wait_for(lambda: len(submission_states()) == 2)
        with ClusterRpcProxy(review, context_data={"identity": token_for("ZWB")}) as rpc:
            [pending] = rpc.review.list_technical_pending()["items"]
            assert (pending["submission_id"], pending["version_no"]) == ("s-2", 2)
            rpc.review.open_technical_review("p-t", {"submission_id": "s-2", "digest": "2" * 64},
                                             idempotency_key="t-open")
            answer = rpc.review.conclude_technical_review("p-t", {
                "submission_id": "s-2", "outcome": "PASS", "consolidated_opinion": "通过"}, idempotency_key="t-end")
            assert answer["review"]["conclusion"]["outcome"] == "PASS"
        with engine.connect() as db:
            types = db.execute(text("SELECT type FROM outbox ORDER BY seq")).scalars().all()
            assert types == [event_type("review", "TechnicalReviewOpened"),
                             event_type("review", "TechnicalReviewConcluded")]
            assert db.execute(text("SELECT count(*) FROM technical_reviews")).scalar() == 1
    finally:
        engine.dispose()
