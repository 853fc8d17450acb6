"""planning against the real RabbitMQ and PostgreSQL: a submitted application
leaves through the outbox as a CloudEvent, exactly once, with its audit record."""

import json
import time
from datetime import date, datetime
from pathlib import Path

import pika
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from itpm_common import audit
from itpm_common.clock import SHANGHAI
from itpm_common.db import make_engine
from itpm_common.errors import Refusal
from itpm_common.events import EXCHANGE, CloudEvent, event_type
from itpm_common.migrations import upgrade
from itpm_common.testing import publish_events, wait_for
from planning.models import PlanCall
from planning.service import PlanningService

pytestmark = pytest.mark.integration

MIGRATIONS = Path(__file__).resolve().parents[2] / "planning" / "migrations"


@pytest.fixture
def watcher(amqp_vhost_uri):
    """A queue bound to every event, declared before anything is published."""
    conn = pika.BlockingConnection(pika.URLParameters(amqp_vhost_uri))
    ch = conn.channel()
    ch.exchange_declare(EXCHANGE, "topic", durable=True)
    ch.queue_declare("watch", durable=True)
    ch.queue_bind("watch", EXCHANGE, "#")

    def drain(expect: int, timeout: float = 10.0) -> list[CloudEvent]:
        got, deadline = [], time.time() + timeout
        while time.time() < deadline:
            method, props, body = ch.basic_get("watch", auto_ack=True)
            if method is None:
                if len(got) >= expect:
                    time.sleep(0.5)  # anything extra would show up now
                    method, props, body = ch.basic_get("watch", auto_ack=True)
                    if method is None:
                        return got
                else:
                    time.sleep(0.05)
                    continue
            assert props.content_type == "application/cloudevents+json"
            got.append(CloudEvent.from_json(body))
        return got

    yield drain
    conn.close()


@pytest.fixture
def planning(container_factory, amqp_vhost_uri, pg_database_url, identity_keys):
    upgrade(MIGRATIONS, pg_database_url)
    # The call for the sample's plan year, wide open: these tests are about delivery, not the window (R-7-5).
    with make_engine(pg_database_url).begin() as conn:
        conn.execute(PlanCall.__table__.insert().values(
            plan_year=2027, opens_on=date(2020, 1, 1), closes_on=date(2099, 12, 31), status="OPEN",
            opened_by="zwb", opened_at=datetime.now(SHANGHAI), version=1))
    config = {"AMQP_URI": amqp_vhost_uri, "DATABASE_URL": pg_database_url,
              "IDENTITY_PUBLIC_KEY_FILE": str(identity_keys[1]), "ACCEPT": ["json", "cloudevents"],
              "EVENT_RETRY_DELAYS_MS": "100,200"}
    container = container_factory(PlanningService, config)
    container.start()
    return config


def test_submission_is_committed_published_once_and_audited(planning, watcher, token_for,
                                                            pg_database_url, application):
    with ClusterRpcProxy(planning, context_data={"identity": token_for("UNIT")}) as rpc:
        project = rpc.planning.submit_plan_application(application(), idempotency_key="k-1")
        again = rpc.planning.submit_plan_application(application(), idempotency_key="k-1")
    assert again == project

    events = watcher(expect=1)
    assert [e.type for e in events] == [event_type("planning", "PlanApplicationSubmitted")]
    ev = events[0]
    assert ev.subject == project["id"]
    assert ev.unitid == "police" and ev.actorid == "police" and ev.article == "第七条"
    assert ev.data["estimate_fen"] == 100_000_000

    engine = make_engine(pg_database_url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT event_id, published_at FROM outbox").all()
    assert len(rows) == 1 and rows[0].event_id == ev.id and rows[0].published_at is not None
    result = audit.verify(engine)
    assert result.ok and result.records == 1
    engine.dispose()


def test_refusal_crosses_rpc_intact_and_writes_no_event(planning, watcher, token_for, pg_database_url,
                                                        application):
    bad = application()
    bad["funding_sources"] = [{"type": "MUNICIPAL", "amount_fen": 99_999_999}]
    with ClusterRpcProxy(planning, context_data={"identity": token_for("UNIT")}) as rpc:
        with pytest.raises(Refusal) as refused:
            rpc.planning.submit_plan_application(bad)
    assert refused.value.code == "E06-FUNDING-SOURCE-MISMATCH"
    assert refused.value.rule == "R-6-3" and refused.value.article == "第六条"
    assert watcher(expect=0, timeout=1.5) == []

    engine = make_engine(pg_database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM projects").scalar() == 0
        refused_rows = conn.exec_driver_sql("SELECT outcome, code, details FROM audit_log").all()
    assert [(r.outcome, r.code) for r in refused_rows] == [("REFUSED", "E06-FUNDING-SOURCE-MISMATCH")]
    assert json.loads(refused_rows[0].details)["violations"][0]["rule"] == "R-6-3"
    engine.dispose()


def test_unsigned_and_wrong_role_calls_are_refused(planning, token_for, application):
    with ClusterRpcProxy(planning) as rpc:
        with pytest.raises(Refusal) as unsigned:
            rpc.planning.submit_plan_application(application())
    assert unsigned.value.code == "AUTH-TOKEN-INVALID"
    with ClusterRpcProxy(planning, context_data={"identity": token_for("WX")}) as rpc:
        with pytest.raises(Refusal) as wrong_role:
            rpc.planning.submit_plan_application(application())
    assert wrong_role.value.code == "AUTH-FORBIDDEN" and wrong_role.value.article == "第七条"


def test_two_identical_applications_at_once_make_one_project(planning, token_for, pg_database_url, application):
    import eventlet

    def submit(key):
        with ClusterRpcProxy(planning, context_data={"identity": token_for("UNIT")}) as rpc:
            try:
                return rpc.planning.submit_plan_application(application(), idempotency_key=key)
            except Refusal as refusal:
                return refusal.code

    pool = eventlet.GreenPool()
    results = list(pool.imap(submit, ["race-a", "race-b", "race-c"]))
    assert sorted(r if isinstance(r, str) else "OK" for r in results) == ["DUPLICATE", "DUPLICATE", "OK"]
    engine = make_engine(pg_database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM projects").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == 1
    engine.dispose()


def _review_event(name, project_id, **data):
    return CloudEvent(type=event_type("review", name), source="/itpm/review", subject=project_id,
                      data={"review_id": f"r-{project_id}", "project_id": project_id, "version_no": 1, **data},
                      unitid="police", article="第八条", actorid="zwb", actorrole="ZWB")


def test_two_leading_group_approvals_at_once_approve_the_plan_once(planning, token_for, pg_database_url,
                                                                   application, amqp_vhost_uri):
    """R-0-2 / R-8-3: two officials deciding the same plan at once; one wins, one is refused."""
    import eventlet

    with ClusterRpcProxy(planning, context_data={"identity": token_for("UNIT")}) as rpc:
        project = rpc.planning.submit_plan_application(application(), idempotency_key="p-1")
    publish_events(amqp_vhost_uri, _review_event("PlanReviewOpened", project["id"]),
                   _review_event("PlanReviewConcluded", project["id"], outcome="DRAFT",
                                 consolidated_opinion="同意列入"))
    with ClusterRpcProxy(planning, context_data={"identity": token_for("UNIT")}) as rpc:
        assert wait_for(lambda: rpc.planning.get_project(project["id"])["state"] == "PLAN_DRAFTED")
    with ClusterRpcProxy(planning, context_data={"identity": token_for("ZWB")}) as rpc:
        rpc.planning.compile_annual_plan(2027, {}, idempotency_key="compile")
        plan = rpc.planning.submit_annual_plan(2027, {}, idempotency_key="submit")

    def approve(key):
        with ClusterRpcProxy(planning, context_data={"identity": token_for("LG")}) as rpc:
            try:
                return rpc.planning.approve_annual_plan(
                    2027, {"document_number": f"连信息化领〔2027〕{key}", "expected_version": plan["version"]},
                    idempotency_key=key)["status"]
            except Refusal as refusal:
                return refusal.code

    results = list(eventlet.GreenPool().imap(approve, ["a", "b"]))
    assert sorted(results) == ["APPROVED", "STATE-INVALID"]
    engine = make_engine(pg_database_url)
    with engine.connect() as conn:
        types = conn.exec_driver_sql("SELECT type FROM outbox").scalars().all()
        assert types.count(event_type("planning", "AnnualPlanApproved")) == 1
        assert types.count(event_type("planning", "AnnualPlanCopiedToFG")) == 1
        assert conn.exec_driver_sql("SELECT state FROM projects").scalar() == "PLANNED"
    engine.dispose()
