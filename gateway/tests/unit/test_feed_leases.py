"""Several gateway replicas on one database: a feed job (the AMQP channel's publishing, one webhook subscriber's
deliveries) runs on one replica at a time, under a lease that a crashed replica loses when it expires. On SQLite
here, and on the real PostgreSQL with two delivery loops racing against one loopback receiver."""

from __future__ import annotations

import dataclasses
import json
import random
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import eventlet
import pytest
from sqlalchemy import select

from gateway.auth import CurrentUser
from gateway.feed import amqp as feed_amqp
from gateway.feed import lease, log, webhooks
from gateway.feed.webhooks import DeliveryConfig
from gateway.models import FeedCursor, WebhookDelivery, infra
from itpm_common.events import CloudEvent, event_type
from itpm_common.migrations import upgrade
from itpm_common.uow import Transactions

from .conftest import MIGRATIONS, ContainerStub, bind

STARTED = event_type("approval", "ConstructionStarted")
ZWB = CurrentUser(username="zwb", name="王政务", role="ZWB", unit_id="zwb", unit_name="市政务服务管理办公室")


class Receiver:
    """One loopback endpoint for every subscriber (each on its own path): records each request with what it
    answered; ``fail_rate`` of the requests get a 503, ``delay`` holds each answer."""

    def __init__(self, fail_rate: float = 0.0, delay: float = 0.0, seed: int = 7):
        self.requests: list[dict] = []
        self.fail_rate, self.delay = fail_rate, delay
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver.lock:
                    status = 503 if receiver.random.random() < receiver.fail_rate else 200
                    receiver.requests.append({"path": self.path, "event": json.loads(body), "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def accepted(self, path: str) -> list[dict]:
        return [r["event"] for r in self.requests if r["path"] == path and r["status"] == 200]


@pytest.fixture
def receiver():
    made = []

    def make(**kwargs):
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


def replica_tx(url: str):
    """A replica's own Transactions provider (its own engine and connection pool) on the shared database."""
    return bind(Transactions(infra), ContainerStub({"DATABASE_URL": url}), "tx")


def record(tx, subjects):
    with tx.write() as session:
        return [log.record(session, CloudEvent(
            type=STARTED, source="/itpm/approval", subject=s, unitid="police", article="第十九条", actorid="fg",
            actorrole="FG", data={"project_id": s, "name": "项目", "unit_id": "police", "plan_year": 2027}),
            datetime.now(UTC)) for s in subjects]


def register(tx, url: str, key: str) -> str:
    return webhooks.register(tx, ZWB, {"name": f"订阅方{key}", "url": url, "event_types": [STARTED],
                                       "start_after_position": 0}, key=key)["id"]


def assert_each_event_once_in_project_order(events: list[dict], expected_positions: list[int]) -> None:
    positions = [e["feedposition"] for e in events]
    assert sorted(positions) == sorted(expected_positions)      # every event, none twice
    for subject in {e["subject"] for e in events}:
        theirs = [e["feedposition"] for e in events if e["subject"] == subject]
        assert theirs == sorted(theirs)                          # each project in feed order


@pytest.fixture
def tx(tx_provider, worker_ctx):
    yield tx_provider.get_dependency(worker_ctx)
    for holder in ("replica-a", "replica-b"):
        webhooks.settle(holder)


# ------------------------------------------------------------------ the lease itself


def test_a_lease_is_one_replicas_until_it_expires_and_a_lost_lease_records_nothing(tx):
    with tx.write() as session:
        a = lease.take(session, "job", "replica-a", ttl_seconds=0.6)
    assert a is not None and a.allows(0.2) and not a.allows(0.5)   # work must end in the first two thirds
    with tx.write() as session:
        assert lease.take(session, "job", "replica-b", ttl_seconds=0.6) is None
    with tx.write() as session:
        assert lease.take(session, "job", "replica-a", ttl_seconds=0.6) is not None   # renewed by its holder
    time.sleep(0.7)                                                  # replica-a stopped renewing: it crashed
    with tx.write() as session:
        b = lease.take(session, "job", "replica-b", ttl_seconds=0.6)
    assert b is not None
    assert lease.renew(tx, a) is False
    with pytest.raises(lease.LeaseLost), tx.write() as session:
        lease.fence(session, a)
    with tx.write() as session:
        lease.fence(session, b)                                      # the holder's own fence renews
        assert lease.current(session, ["job"])["job"].holder == "replica-b"


# ------------------------------------------------------------------ the AMQP channel


class Publisher:
    def __init__(self):
        self.sent: list[str] = []

    def publish_batch(self, messages):
        self.sent.extend(event_id for event_id, _, _ in messages)


def test_only_the_lease_holder_publishes_the_amqp_channel(tx):
    first = record(tx, ["p-1", "p-2"])
    a, b = Publisher(), Publisher()
    assert feed_amqp.flush(tx, a, holder="replica-a", lease_seconds=0.6) == 2
    record(tx, ["p-3"])
    assert feed_amqp.flush(tx, b, holder="replica-b", lease_seconds=0.6) == 0    # replica-a holds the channel
    assert feed_amqp.flush(tx, a, holder="replica-a", lease_seconds=0.6) == 1
    time.sleep(0.7)
    record(tx, ["p-4"])
    assert feed_amqp.flush(tx, b, holder="replica-b", lease_seconds=0.6) == 1    # it expired: replica-b goes on
    assert len(a.sent) == 3 and len(b.sent) == 1 and not set(a.sent) & set(b.sent)
    with tx.read() as session:
        assert session.get(FeedCursor, feed_amqp.CHANNEL).position == first[0] + 3


def test_an_idle_amqp_channel_takes_no_lease(tx):
    assert feed_amqp.flush(tx, Publisher(), holder="replica-a") == 0
    with tx.read() as session:
        assert lease.current(session, [feed_amqp.LEASE]) == {}


# ------------------------------------------------------------------ webhooks


def test_a_subscriber_is_delivered_to_by_one_replica_and_taken_over_when_its_lease_expires(tx, receiver):
    r = receiver()
    sub = register(tx, r.base + "/s", "s")
    config = DeliveryConfig(timeout_seconds=0.2, lease_seconds=0.6, round_seconds=None)
    first = record(tx, ["p-1", "p-2"])
    assert webhooks.deliver(tx, config, holder="replica-a") == {"delivered": 2, "failed": 0}
    second = record(tx, ["p-1", "p-3"])
    assert webhooks.deliver(tx, config, holder="replica-b") == {"delivered": 0, "failed": 0}   # replica-a's
    assert webhooks.deliver(tx, config, holder="replica-a") == {"delivered": 2, "failed": 0}
    time.sleep(0.7)                                                  # replica-a is gone
    third = record(tx, ["p-1"])
    assert webhooks.deliver(tx, config, holder="replica-b") == {"delivered": 1, "failed": 0}
    assert [e["feedposition"] for e in r.accepted("/s")] == first + second + third
    with tx.read() as session:
        assert lease.current(session, [webhooks.lease_name(sub)])[webhooks.lease_name(sub)].holder == "replica-b"


def test_a_replica_killed_mid_attempt_leaves_its_delivery_to_the_next_holder(tx, receiver):
    """The attempt in flight when replica-a dies is never recorded; replica-b sends it again once the lease has
    expired. A receiver that deduplicates on the event id (as partners do) has each event once, in order."""
    r = receiver(delay=0.3)
    register(tx, r.base + "/s", "s")
    config = DeliveryConfig(timeout_seconds=0.5, lease_seconds=0.9, round_seconds=0.05)
    positions = record(tx, ["p-1", "p-2", "p-1"])
    webhooks.deliver(tx, config, holder="replica-a")                 # returns with the first attempt in flight
    assert webhooks._replicas["replica-a"].running
    for thread in list(webhooks._replicas["replica-a"].running.values()):
        thread.kill()                                                # the process dies
    eventlet.sleep(0.35)                                             # the receiver did get (and answer) it
    done = dataclasses.replace(config, round_seconds=None)
    assert webhooks.deliver(tx, done, holder="replica-b") == {"delivered": 0, "failed": 0}   # lease not expired
    time.sleep(0.9)
    assert webhooks.deliver(tx, done, holder="replica-b") == {"delivered": 3, "failed": 0}
    deduplicated = list({e["id"]: e for e in r.accepted("/s")}.values())
    assert [e["feedposition"] for e in deduplicated] == positions
    assert [e["feedposition"] for e in r.accepted("/s")] == [positions[0]] + positions   # the one sent again
    with tx.read() as session:
        assert {d.attempts for d in session.scalars(select(WebhookDelivery))} == {1}


# ------------------------------------------------------------------ on the real PostgreSQL


@pytest.mark.integration
def test_two_replicas_racing_on_postgresql_deliver_every_event_exactly_once_in_order(pg_database_url, receiver):
    upgrade(MIGRATIONS, pg_database_url)
    provider_a, provider_b = replica_tx(pg_database_url), replica_tx(pg_database_url)
    tx_a, tx_b = provider_a.get_dependency(None), provider_b.get_dependency(None)
    r = receiver(fail_rate=0.1)
    paths = [f"/s{k}" for k in range(4)]
    for k, path in enumerate(paths):
        register(tx_a, r.base + path, f"s{k}")
    config = DeliveryConfig(backoff_base_seconds=0.02, backoff_cap_seconds=0.1, max_attempts=50,
                            timeout_seconds=0.3, lease_seconds=0.9, batch=7, round_seconds=0.2)
    subjects = [f"p-{i % 5}" for i in range(120)]
    positions: list[int] = []
    delivered = {"replica-a": 0, "replica-b": 0}
    stop = {"replica-a": threading.Event(), "replica-b": threading.Event()}

    def loop(tx, holder):
        while not stop[holder].is_set():
            delivered[holder] += webhooks.deliver(tx, config, holder=holder)["delivered"]
            eventlet.sleep(0.01)
        delivered[holder] += webhooks.settle(holder)["delivered"]

    try:
        loops = [eventlet.spawn(loop, tx_a, "replica-a")]
        positions += record(tx_a, subjects[:40])
        eventlet.sleep(0.3)                                          # replica-a has taken the leases
        loops.append(eventlet.spawn(loop, tx_b, "replica-b"))
        positions += record(tx_b, subjects[40:80])
        eventlet.sleep(0.5)
        stop["replica-a"].set()                                      # replica-a stops; its leases expire
        positions += record(tx_a, subjects[80:])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with tx_b.read() as session:
                if session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.status != "DELIVERED")) is None \
                        and len(session.scalars(select(WebhookDelivery.id)).all()) == len(positions) * len(paths):
                    break
            eventlet.sleep(0.1)
        stop["replica-b"].set()
        for thread in loops:
            thread.wait()
        for path in paths:
            assert_each_event_once_in_project_order(r.accepted(path), positions)
        assert any(req["status"] == 503 for req in r.requests)      # retries did happen
        assert delivered["replica-a"] > 0 and delivered["replica-b"] > 0
        assert delivered["replica-a"] + delivered["replica-b"] == len(positions) * len(paths)
        with tx_b.read() as session:
            rows, attempts = len(positions) * len(paths), sum(d.attempts for d in session.scalars(
                select(WebhookDelivery)))
        failures = sum(1 for req in r.requests if req["status"] == 503)
        assert attempts == len(r.requests) == rows + failures       # each attempt recorded once
    finally:
        for holder in stop:
            stop[holder].set()
        provider_a.stop()
        provider_b.stop()
