"""The external feed (rules.md §8.3): what may leave is decided in one place; the log gives every copy once at
a gap-free position; the AMQP channel sends the log in order, at least once, and resumes where it stopped."""

import json
import time

import pika
import pytest

from gateway.feed import amqp as feed_amqp
from gateway.feed import asyncapi, log, redaction
from gateway.models import FeedCursor, FeedEntry
from itpm_common.events import CloudEvent, event_type
from itpm_common.outbox import ConfirmingPublisher

PLAN_ITEMS = [
    {"project_id": "p-1", "unit_id": "police", "unit_name": "市公安局", "name": "智慧警务", "category": "BUILD",
     "section_rank": 1, "origin": "PLAN", "estimate_fen": 100, "classified": False},
    {"project_id": "p-2", "unit_id": "police", "unit_name": "市公安局", "name": "涉密系统", "category": "BUILD",
     "section_rank": 2, "origin": "PLAN", "estimate_fen": 200, "classified": True},
]


def plan_approved(**data):
    return CloudEvent(type=event_type("planning", "AnnualPlanApproved"), source="/itpm/planning",
                      subject="annual-plan:2027", unitid=None, article="第八条", actorid="lg", actorrole="LG",
                      visibility="external",
                      data={"plan_id": "x", "plan_year": 2027, "version_no": 1,
                            "document_number": "连信息化领〔2027〕1号", "items": PLAN_ITEMS, **data})


def project_event(name, service="approval", subject="p-1", **data):
    return CloudEvent(type=event_type(service, name), source=f"/itpm/{service}", subject=subject, unitid="police",
                      article="第十条", actorid="fg-officer", actorrole="FG",
                      data={"project_id": subject, "name": "智慧警务", "unit_id": "police", "unit_name": "市公安局",
                            "plan_year": 2027, "category": "BUILD", **data})


# ------------------------------------------------------------------ redaction


def test_an_internal_event_never_leaves():
    assert redaction.external_copy(project_event("PlanItemDrafted", service="planning")) is None
    assert redaction.external_copy(project_event("FundingConfirmed", service="funds", confirmed_amount_fen=1)) is None


def test_the_plan_leaves_without_amounts_classified_items_or_the_person_who_decided():
    event = plan_approved()
    copy = redaction.external_copy(event)
    assert copy["id"] == event.id and copy["type"] == event.type
    assert [i["project_id"] for i in copy["data"]["items"]] == ["p-1"]
    assert all("estimate_fen" not in i and "classified" not in i for i in copy["data"]["items"])
    assert "actorid" not in copy and "actorrole" not in copy
    assert copy["data"]["document_number"] == "连信息化领〔2027〕1号"


def test_an_approval_leaves_as_project_approved_with_the_approved_estimate_only():
    event = project_event("PreliminaryDesignApproved", approved_estimate_fen=123_400, estimate_fen=999,
                          reviewed_amount_fen=5, security_chapter="等保三级方案", documents=[{"digest": "sha256:x"}],
                          approved_by_name="张发改")
    copy = redaction.external_copy(event)
    assert copy["type"] == event_type("approval", "ProjectApproved")
    assert copy["data"] == {"project_id": "p-1", "name": "智慧警务", "unit_id": "police", "unit_name": "市公安局",
                            "plan_year": 2027, "category": "BUILD", "approved_estimate_fen": 123_400}


@pytest.mark.parametrize("classified_by_event", [True, False])
def test_a_classified_projects_events_never_leave(db_session, classified_by_event, now):
    if not classified_by_event:
        # Learnt from an earlier, internal event about the same project.
        log.record(db_session, project_event("PlanApplicationSubmitted", service="planning", classified=True), now)
    event = project_event("ConstructionStarted", classified=classified_by_event)
    assert log.record(db_session, event, now) is None
    assert db_session.query(FeedEntry).count() == 0


# ------------------------------------------------------------------ the log


def test_positions_are_gap_free_and_each_event_is_logged_once(db_session, now):
    first, second = plan_approved(), project_event("ConstructionStarted", started_on="2027-03-01")
    assert log.record(db_session, first, now) == 1
    assert log.record(db_session, project_event("PlanItemDrafted", service="planning"), now) is None
    assert log.record(db_session, second, now) == 2
    assert log.record(db_session, first, now) is None
    rows = log.read_after(db_session, 0, 10)
    assert [(r.position, r.event_id) for r in rows] == [(1, first.id), (2, second.id)]
    assert json.loads(rows[1].body)["feedposition"] == 2
    assert [r.position for r in log.read_after(db_session, 1, 10)] == [2]


def test_the_asyncapi_document_names_the_exchange_and_every_external_type():
    doc = asyncapi.document()
    channel = doc["channels"]["{type}.{unitid}"]
    assert channel["bindings"]["amqp"]["exchange"]["name"] == "itpm.external"
    assert {m["name"] for m in doc["components"]["messages"].values()} >= {
        "AnnualPlanApproved", "ProjectApproved", "ConstructionStarted", "AcceptancePassed"}


# ------------------------------------------------------------------ the AMQP channel (real broker)


@pytest.fixture
def external_queue(amqp_vhost_uri):
    conn = pika.BlockingConnection(pika.URLParameters(amqp_vhost_uri))
    ch = conn.channel()
    ch.exchange_declare(feed_amqp.EXTERNAL_EXCHANGE, "topic", durable=True)
    ch.queue_declare("partner", durable=True)
    ch.queue_bind("partner", feed_amqp.EXTERNAL_EXCHANGE, "#.police")
    ch.queue_bind("partner", feed_amqp.EXTERNAL_EXCHANGE, "cn.gov.lyg.itpm.planning.#")

    def drain(expect, timeout=10.0):
        got, deadline = [], time.time() + timeout
        while time.time() < deadline and len(got) < expect:
            method, _props, body = ch.basic_get("partner", auto_ack=True)
            if method is None:
                time.sleep(0.05)
                continue
            got.append((method.routing_key, json.loads(body)))
        return got

    yield drain
    conn.close()


def test_the_amqp_channel_sends_the_log_in_order_once_and_resumes(tx_provider, worker_ctx, amqp_vhost_uri,
                                                                   external_queue, now):
    tx = tx_provider.get_dependency(worker_ctx)
    events = [plan_approved(), project_event("ConstructionStarted"), project_event("AcceptancePassed",
                                                                                   service="acceptance")]
    with tx.write() as session:
        for event in events[:2]:
            log.record(session, event, now)

    down = ConfirmingPublisher("amqp://guest:guest@127.0.0.1:1/", exchange=feed_amqp.EXTERNAL_EXCHANGE)
    with pytest.raises(ConnectionError):
        feed_amqp.flush(tx, down)
    with tx.read() as session:
        assert session.get(FeedCursor, feed_amqp.CHANNEL) is None   # nothing is counted as sent

    publisher = ConfirmingPublisher(amqp_vhost_uri, exchange=feed_amqp.EXTERNAL_EXCHANGE)
    try:
        assert feed_amqp.flush(tx, publisher) == 2
        assert feed_amqp.flush(tx, publisher) == 0
        with tx.write() as session:
            log.record(session, events[2], now)
        assert feed_amqp.flush(tx, publisher) == 1
    finally:
        publisher.close()
    got = external_queue(3)
    assert [body["id"] for _, body in got] == [e.id for e in events]
    assert [body["feedposition"] for _, body in got] == [1, 2, 3]
    assert got[1][0] == f"{event_type('approval', 'ConstructionStarted')}.police"
    assert got[0][0] == f"{event_type('planning', 'AnnualPlanApproved')}.none"
    assert external_queue(1, timeout=0.5) == []


@pytest.fixture
def now(clock):
    return clock.now()


@pytest.fixture
def db_session(tx_provider, worker_ctx):
    with tx_provider.get_dependency(worker_ctx).write() as session:
        yield session
