"""Webhook rounds deliver to different subscribers at once, each over one kept-alive connection, and a receiver
that is slow, stalls or trickles its answer costs its own subscriber one timeout without holding the others back.
Every receiver is a real HTTP/1.1 server on loopback."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import eventlet
import pytest
from sqlalchemy import select

from gateway.feed import log, webhooks
from gateway.feed.webhooks import DeliveryConfig
from gateway.models import WebhookDelivery
from itpm_common.events import CloudEvent, event_type

STARTED = event_type("approval", "ConstructionStarted")


class Receiver:
    """A partner endpoint speaking HTTP/1.1: records each request with the client port it came over; ``delay``
    before answering, ``stall`` (answer only once released) or ``trickle`` (the body a byte at a time)."""

    def __init__(self, delay: float = 0.0, stall: bool = False, trickle: bool = False):
        self.delay, self.stall, self.trickle = delay, stall, trickle
        self.requests: list[dict] = []
        self.released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"port": self.client_address[1], "event": json.loads(body),
                                          "at": time.monotonic()})
                if receiver.stall:
                    receiver.released.wait(30)
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(200)
                if receiver.trickle:
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    for _ in range(100):
                        if receiver.released.is_set():
                            return
                        self.wfile.write(b".")
                        self.wfile.flush()
                        time.sleep(0.05)
                    return
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def positions(self) -> list[int]:
        return [r["event"]["feedposition"] for r in self.requests]


@pytest.fixture
def receivers():
    made = []

    def make(**kwargs) -> Receiver:
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def tx(tx_provider, worker_ctx):
    yield tx_provider.get_dependency(worker_ctx)
    webhooks.settle()      # nothing of this test's goes on into the next


def register(client, headers, url, key):
    response = client.post("/api/webhooks/subscribers", headers={**headers, "Idempotency-Key": key}, json={
        "name": f"订阅方{key}", "url": url, "event_types": [STARTED]})
    assert response.status_code == 201
    return response.get_json()


def record(tx, subjects):
    with tx.write() as session:
        return [log.record(session, CloudEvent(
            type=STARTED, source="/itpm/approval", subject=s, unitid="police", article="第十九条", actorid="fg",
            actorrole="FG", data={"project_id": s, "name": "项目", "unit_id": "police", "plan_year": 2027}),
            datetime.now(UTC)) for s in subjects]


def attempts_of(tx, subscriber_id):
    with tx.read() as session:
        return [(d.position, d.status, d.attempts) for d in session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.subscriber_id == subscriber_id)
            .order_by(WebhookDelivery.position))]


def test_subscribers_are_delivered_to_at_once(client, login_as, tx, receivers):
    """Four receivers that each take 0.6 s to answer: one round takes about one answer's time, not four."""
    zwb = login_as("zwb")
    slow = [receivers(delay=0.6) for _ in range(4)]
    for k, r in enumerate(slow):
        register(client, zwb, r.url, f"s{k}")
    record(tx, ["p-1"])
    started = time.monotonic()
    counts = webhooks.deliver(tx, DeliveryConfig(round_seconds=None))
    elapsed = time.monotonic() - started
    assert counts == {"delivered": 4, "failed": 0}
    assert [len(r.requests) for r in slow] == [1, 1, 1, 1]
    assert elapsed < 1.8, elapsed          # one after another would take 2.4 s


def test_concurrency_is_bounded_by_the_pool(client, login_as, tx, receivers):
    zwb = login_as("zwb")
    slow = [receivers(delay=0.3) for _ in range(4)]
    for k, r in enumerate(slow):
        register(client, zwb, r.url, f"s{k}")
    record(tx, ["p-1"])
    started = time.monotonic()
    counts = webhooks.deliver(tx, DeliveryConfig(round_seconds=None, concurrency=1))
    assert counts == {"delivered": 1, "failed": 0}      # one turn at a time; the others wait for the next rounds
    for _ in range(3):
        webhooks.deliver(tx, DeliveryConfig(round_seconds=None, concurrency=1))
    assert time.monotonic() - started >= 1.2
    starts = sorted(r.requests[0]["at"] for r in slow)
    assert all(b - a >= 0.28 for a, b in zip(starts, starts[1:], strict=False))   # never two at once


def test_one_kept_alive_connection_per_subscriber(client, login_as, tx, receivers):
    zwb = login_as("zwb")
    a, b = receivers(), receivers()
    register(client, zwb, a.url, "a")
    register(client, zwb, b.url, "b")
    config = DeliveryConfig(round_seconds=None, batch=3)
    record(tx, [f"p-{i}" for i in range(5)])
    webhooks.deliver(tx, config)
    webhooks.deliver(tx, config)            # a second round reuses the first round's connection
    for r in (a, b):
        assert len(r.requests) == 5
        assert len({req["port"] for req in r.requests}) == 1


def test_a_stalled_receiver_costs_its_subscriber_one_timeout_and_never_holds_the_others_back(
        client, login_as, tx, receivers):
    zwb = login_as("zwb")
    stalled, healthy = receivers(stall=True), receivers()
    stuck = register(client, zwb, stalled.url, "stalled")
    register(client, zwb, healthy.url, "healthy")
    positions = record(tx, [f"p-{i}" for i in range(20)])
    # Rounds as the timer runs them: each waits 0.1 s at most; five attempts per subscriber per round. The
    # timeout is generous so that a loaded machine still delivers all 20 well before the stalled attempt ends.
    config = DeliveryConfig(timeout_seconds=12, batch=5, round_seconds=0.1, max_attempts=3, backoff_base_seconds=60)
    total = {"delivered": 0, "failed": 0}

    def round_():
        for k, v in webhooks.deliver(tx, config).items():
            total[k] += v

    started = time.monotonic()
    rounds = 0
    while total["delivered"] < 20 and time.monotonic() - started < 30:
        round_()
        rounds += 1
    took = time.monotonic() - started
    assert healthy.positions == positions                   # all of them, in order, in several rounds ...
    assert rounds >= 4 and took < config.timeout_seconds    # ... all while the stalled attempt was still waiting
    assert len(stalled.requests) == 1                       # its subscriber sat those rounds out
    assert attempts_of(tx, stuck["id"])[0] == (positions[0], "PENDING", 0)   # not yet recorded

    # The stalled attempt ends at its timeout and is recorded once, as one failed attempt.
    while not total["failed"] and time.monotonic() - started < 30:
        round_()
        eventlet.sleep(0.05)
    assert time.monotonic() - started >= config.timeout_seconds
    assert total == {"delivered": 20, "failed": 1}
    assert attempts_of(tx, stuck["id"])[0] == (positions[0], "PENDING", 1)
    # p-0 waits out its back-off; the subscriber's other projects may go on meanwhile (order is per project).
    assert [r["event"]["data"]["project_id"] for r in stalled.requests].count("p-0") == 1


def test_an_answer_trickling_in_is_cut_off_at_the_timeout(client, login_as, tx, receivers):
    """requests' timeout bounds each read; the attempt as a whole is bounded too."""
    zwb = login_as("zwb")
    trickling = receivers(trickle=True)
    sub = register(client, zwb, trickling.url, "trickle")
    [position] = record(tx, ["p-1"])
    started = time.monotonic()
    counts = webhooks.deliver(tx, DeliveryConfig(timeout_seconds=0.5, round_seconds=None))
    assert time.monotonic() - started < 2.5              # the whole answer would take 5 s
    assert counts == {"delivered": 0, "failed": 1}
    assert attempts_of(tx, sub["id"]) == [(position, "PENDING", 1)]
    with tx.read() as session:
        d = session.scalar(select(WebhookDelivery))
        assert d.last_status is None and d.last_error.startswith("Timeout")


def test_a_timeout_that_would_outlast_the_lease_is_refused():
    with pytest.raises(ValueError):
        DeliveryConfig(timeout_seconds=20, lease_seconds=30)
    DeliveryConfig(timeout_seconds=19.9, lease_seconds=30)
