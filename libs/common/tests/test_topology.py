"""Broker topology: durable service queue, TTL retry queues, dead-letter queue."""

from __future__ import annotations

import pytest

from itpm_common.events import EXCHANGE, event_type
from itpm_common.topology import (
    DEFAULT_RETRY_DELAYS_MS,
    ServiceTopology,
    declare_with_pika,
    kombu_entities,
    retry_delays_from_config,
)

BINDINGS = (event_type("approval", "PreliminaryDesignApproved"), event_type("planning", "ProjectSuspended"))


@pytest.fixture
def topo() -> ServiceTopology:
    return ServiceTopology("funds", BINDINGS, (1000, 5000, 30000))


def test_queue_names(topo):
    assert topo.queue == "itpm.funds.events"
    assert topo.dlq == "itpm.funds.dlq"
    assert topo.retry_queue(5000) == "itpm.funds.retry.5000ms"


def test_retry_queue_dead_letters_back_to_the_main_queue(topo):
    # Expired messages go through the default exchange ("") whose routing key
    # is a queue name, so they land on this service's queue only, not on
    # every subscriber of the topic.
    assert topo.retry_arguments(5000) == {
        "x-message-ttl": 5000,
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": "itpm.funds.events",
    }
    assert isinstance(topo.retry_arguments("250")["x-message-ttl"], int)


@pytest.mark.parametrize(("delays", "attempts"), [((1000, 5000, 30000), 4), ((500,), 2), ((), 1)])
def test_max_attempts_is_first_delivery_plus_one_per_delay(delays, attempts):
    assert ServiceTopology("review", (), delays).max_attempts == attempts


def test_default_delays():
    assert ServiceTopology("review", ()).retry_delays_ms == DEFAULT_RETRY_DELAYS_MS == (1000, 5000, 30000)


@pytest.mark.parametrize(("raw", "expected"), [
    (None, DEFAULT_RETRY_DELAYS_MS),
    ("", DEFAULT_RETRY_DELAYS_MS),
    ([], DEFAULT_RETRY_DELAYS_MS),
    ("100,200", (100, 200)),
    (" 100 , 200 ,", (100, 200)),
    ("100,,200", (100, 200)),
    ("250", (250,)),
    (["100", "200"], (100, 200)),
    ([100, 200, 400], (100, 200, 400)),
    ((50,), (50,)),
])
def test_retry_delays_from_config(raw, expected):
    config = {} if raw is None else {"EVENT_RETRY_DELAYS_MS": raw}
    assert retry_delays_from_config(config) == expected


@pytest.mark.parametrize("raw", ["1s,5s", "100;200", ["x"]])
def test_retry_delays_refuse_garbage(raw):
    with pytest.raises(ValueError):
        retry_delays_from_config({"EVENT_RETRY_DELAYS_MS": raw})


def test_kombu_entities(topo):
    exchange, main, retries, dlq = kombu_entities(topo)
    assert (exchange.name, exchange.type, exchange.durable) == (EXCHANGE, "topic", True)
    assert (main.name, main.durable) == ("itpm.funds.events", True)
    assert sorted(b.routing_key for b in main.bindings) == sorted(BINDINGS)
    assert all(b.exchange.name == EXCHANGE for b in main.bindings)
    assert [q.name for q in retries] == ["itpm.funds.retry.1000ms", "itpm.funds.retry.5000ms",
                                         "itpm.funds.retry.30000ms"]
    for q, delay in zip(retries, (1000, 5000, 30000), strict=True):
        assert q.durable
        assert q.queue_arguments == topo.retry_arguments(delay)
    assert (dlq.name, dlq.durable) == ("itpm.funds.dlq", True)


class RecordingChannel:
    def __init__(self):
        self.calls = []

    def exchange_declare(self, **kw):
        self.calls.append(("exchange", kw))

    def queue_declare(self, **kw):
        self.calls.append(("queue", kw))

    def queue_bind(self, **kw):
        self.calls.append(("bind", kw))


def test_declare_with_pika(topo):
    ch = RecordingChannel()
    declare_with_pika(ch, topo)
    assert ch.calls[0] == ("exchange", {"exchange": EXCHANGE, "exchange_type": "topic", "durable": True})
    queues = {kw["queue"]: kw for kind, kw in ch.calls if kind == "queue"}
    assert set(queues) == {"itpm.funds.events", "itpm.funds.dlq", "itpm.funds.retry.1000ms",
                           "itpm.funds.retry.5000ms", "itpm.funds.retry.30000ms"}
    assert all(kw["durable"] for kw in queues.values())
    assert queues["itpm.funds.retry.30000ms"]["arguments"] == topo.retry_arguments(30000)
    binds = [kw for kind, kw in ch.calls if kind == "bind"]
    assert binds == [{"queue": "itpm.funds.events", "exchange": EXCHANGE, "routing_key": k} for k in BINDINGS]
    # The main queue exists before anything is bound to it.
    kinds = [kind for kind, _ in ch.calls]
    assert kinds.index("queue") < kinds.index("bind")
