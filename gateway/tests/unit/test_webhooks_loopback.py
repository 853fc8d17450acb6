"""End to end on loopback: the partner's own receiver (``gateway.feed.webhook_receiver``), failing its first
requests, ends with every event of the feed exactly once, each project's events in feed order."""

from __future__ import annotations

import io
import threading
import time
from datetime import UTC, datetime, timedelta

import eventlet
import pytest
from sqlalchemy import select

from gateway.feed import log, webhook_receiver, webhooks
from gateway.feed.webhooks import DeliveryConfig
from gateway.models import FeedEntry, WebhookDelivery
from itpm_common.events import CloudEvent, event_type

TYPES = [event_type("approval", "ConstructionStarted"), event_type("approval", "ProjectApproved"),
         event_type("acceptance", "AcceptancePassed")]


class FlakyReceiver(webhook_receiver.Receiver):
    """The real receiver behind a partner outage: the first ``failures`` requests get a 503."""

    def __init__(self, failures: int, out):
        super().__init__([], out=out)
        self.failures = failures
        self.answered: list[tuple[int, str]] = []

    def accept(self, headers, body):
        if self.failures > 0:
            self.failures -= 1
            return 503, "down"
        status, text = super().accept(headers, body)
        self.answered.append((status, text))
        return status, text


@pytest.fixture
def flaky():
    out = io.StringIO()
    receiver = FlakyReceiver(failures=4, out=out)
    server = webhook_receiver.make_server(receiver, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/events"
    yield receiver
    server.shutdown()
    server.server_close()


def event(name, service, subject):
    return CloudEvent(type=event_type(service, name), source=f"/itpm/{service}", subject=subject, unitid="police",
                      article="第十条", actorid="fg", actorrole="FG",
                      data={"project_id": subject, "name": "项目", "unit_id": "police", "plan_year": 2027})


def the_feed(projects):
    lifecycle = [("PreliminaryDesignApproved", "approval"), ("ConstructionStarted", "approval"),
                 ("AcceptancePassed", "acceptance")]
    # Interleaved as the suite would publish them: each project one step at a time.
    return [event(name, service, subject) for name, service in lifecycle for subject in projects]


@pytest.mark.parametrize("projects", [["p-1"], ["p-1", "p-2", "p-3"]])
def test_a_receiver_that_fails_at_first_ends_with_every_event_once_in_order(client, login_as, tx_provider,
                                                                            worker_ctx, flaky, projects):
    tx = tx_provider.get_dependency(worker_ctx)
    created = client.post("/api/webhooks/subscribers", headers={**login_as("zwb"), "Idempotency-Key": "partner"},
                          json={"name": "审计局系统", "url": flaky.url, "event_types": TYPES})
    assert created.status_code == 201
    flaky.secrets = [created.get_json()["secret"]]
    events = the_feed(projects)
    with tx.write() as session:
        for e in events:
            log.record(session, e, datetime.now(UTC))

    config = DeliveryConfig(backoff_base_seconds=1, backoff_cap_seconds=4, max_attempts=10, timeout_seconds=5,
                            round_seconds=None)
    now = datetime.now(UTC)
    for _ in range(100):                                  # simulated seconds, not waiting
        webhooks.deliver(tx, config, now=now)
        now += timedelta(seconds=1)
        with tx.read() as session:
            if session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.status != "DELIVERED")) is None:
                break

    assert flaky.failures == 0                            # the outage did happen
    received = flaky.events
    assert sorted(e["id"] for e in received) == sorted(e.id for e in events)   # nothing missing, nothing extra
    assert all(answer == (200, "ok") for answer in flaky.answered)            # no request delivered twice
    with tx.read() as session:
        order = {r.event_id: r.position for r in session.scalars(select(FeedEntry))}
    for subject in projects:
        theirs = [e["id"] for e in received if e["subject"] == subject]
        assert theirs == sorted(theirs, key=order.get)    # each project in feed order
    if len(projects) == 1:
        assert [e["feedposition"] for e in received] == sorted(order.values())
    assert len(flaky.out.getvalue().splitlines()) == len(events)


def test_the_gateway_timer_delivers_with_its_configured_settings(service, client, login_as, tx_provider,
                                                                  worker_ctx, flaky):
    flaky.failures = 0
    created = client.post("/api/webhooks/subscribers", headers={**login_as("zwb"), "Idempotency-Key": "partner"},
                          json={"name": "审计局系统", "url": flaky.url, "event_types": TYPES})
    flaky.secrets = [created.get_json()["secret"]]
    with tx_provider.get_dependency(worker_ctx).write() as session:
        log.record(session, event("ConstructionStarted", "approval", "p-9"), datetime.now(UTC))
    service.publish_webhooks()
    # The timer's round waits a second at most; a turn slower than that ends on its own.
    deadline = time.monotonic() + 10
    while not flaky.events and time.monotonic() < deadline:
        eventlet.sleep(0.05)
    assert [e["subject"] for e in flaky.events] == ["p-9"]
