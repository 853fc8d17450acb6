"""The event consumer against the real broker: topology declared before any
publish keeps early events, a failing handler is retried with back-off and
then parked, the parked message can be listed and replayed."""

import time

import pika
import pytest

from itpm_common import dlq
from itpm_common.consumer import ATTEMPT_HEADER, consume_events
from itpm_common.events import EXCHANGE, CloudEvent, event_type
from itpm_common.testing import publish_events, wait_for
from itpm_common.topology import ServiceTopology, declare_all

pytestmark = pytest.mark.integration

TYPE = event_type("planning", "PlanApplicationSubmitted")


class Recorder:
    """Handler outcomes shared with the test (the service instance is per worker)."""

    calls: list[tuple[str, float]] = []
    fail = True


class FlakyService:
    name = "flaky"

    @consume_events([TYPE])
    def on_event(self, event):
        Recorder.calls.append((event.id, time.time()))
        if Recorder.fail:
            raise RuntimeError("downstream unavailable")


def sample_event() -> CloudEvent:
    return CloudEvent(type=TYPE, source="/itpm/planning", subject="p-1", data={"project_id": "p-1"},
                      unitid="police")


@pytest.fixture
def flaky(container_factory, amqp_vhost_uri):
    Recorder.calls, Recorder.fail = [], True
    config = {"AMQP_URI": amqp_vhost_uri, "ACCEPT": ["json", "cloudevents"],
              "EVENT_RETRY_DELAYS_MS": "200,400"}
    return lambda: container_factory(FlakyService, config)


def test_event_published_before_the_consumer_starts_is_kept(flaky, amqp_vhost_uri):
    declare_all(amqp_vhost_uri, [ServiceTopology("flaky", (TYPE,), (200, 400))])
    Recorder.fail = False
    ev = sample_event()
    publish_events(amqp_vhost_uri, ev)
    flaky().start()
    assert wait_for(lambda: [c[0] for c in Recorder.calls] == [ev.id])


def test_failing_handler_is_retried_with_backoff_then_parked_and_replayable(flaky, amqp_vhost_uri):
    declare_all(amqp_vhost_uri, [ServiceTopology("flaky", (TYPE,), (200, 400))])
    container = flaky()
    container.start()
    ev = sample_event()
    publish_events(amqp_vhost_uri, ev)

    assert wait_for(lambda: len(dlq.list_parked(amqp_vhost_uri, "flaky")) == 1)
    times = [t for _, t in Recorder.calls]
    assert len(times) == 3, "first delivery plus one retry per configured delay"
    assert times[1] - times[0] >= 0.18 and times[2] - times[1] >= 0.38, "back-off grows"

    parked = dlq.list_parked(amqp_vhost_uri, "flaky")
    assert parked[0].event_id == ev.id and parked[0].attempts == 3
    assert "downstream unavailable" in parked[0].last_error
    # Listing consumed nothing.
    assert len(dlq.list_parked(amqp_vhost_uri, "flaky")) == 1

    Recorder.fail = False
    assert dlq.replay(amqp_vhost_uri, "flaky", event_id=ev.id) == 1
    assert wait_for(lambda: len(Recorder.calls) == 4)
    assert dlq.list_parked(amqp_vhost_uri, "flaky") == []


def test_malformed_message_is_parked_without_running_the_handler(flaky, amqp_vhost_uri):
    declare_all(amqp_vhost_uri, [ServiceTopology("flaky", (TYPE,), (200, 400))])
    flaky().start()
    conn = pika.BlockingConnection(pika.URLParameters(amqp_vhost_uri))
    ch = conn.channel()
    ch.basic_publish(EXCHANGE, TYPE, b'{"specversion": "0.3", "id": "x"}',
                     pika.BasicProperties(content_type="application/cloudevents+json",
                                          headers={ATTEMPT_HEADER: 1}))
    conn.close()
    assert wait_for(lambda: len(dlq.list_parked(amqp_vhost_uri, "flaky")) == 1)
    assert Recorder.calls == []


def test_many_failing_events_at_once_are_each_retried_and_parked_exactly_once(flaky, amqp_vhost_uri):
    declare_all(amqp_vhost_uri, [ServiceTopology("flaky", (TYPE,), (200, 400))])
    flaky().start()
    events = [sample_event() for _ in range(10)]
    for ev in events:
        publish_events(amqp_vhost_uri, ev)
    assert wait_for(lambda: len(dlq.list_parked(amqp_vhost_uri, "flaky")) >= 10, timeout=20)
    time.sleep(1.0)  # nothing more may arrive
    parked = dlq.list_parked(amqp_vhost_uri, "flaky")
    assert sorted(m.event_id for m in parked) == sorted(ev.id for ev in events)
    calls = [event_id for event_id, _ in Recorder.calls]
    assert all(calls.count(ev.id) == 3 for ev in events)


def test_deleted_holding_queue_is_recreated_rather_than_losing_the_event(flaky, amqp_vhost_uri):
    topo = ServiceTopology("flaky", (TYPE,), (200, 400))
    declare_all(amqp_vhost_uri, [topo])
    flaky().start()
    conn = pika.BlockingConnection(pika.URLParameters(amqp_vhost_uri))
    conn.channel().queue_delete(topo.retry_queue(200))
    conn.close()
    ev = sample_event()
    publish_events(amqp_vhost_uri, ev)
    assert wait_for(lambda: len(dlq.list_parked(amqp_vhost_uri, "flaky")) == 1)
    assert [c[0] for c in Recorder.calls] == [ev.id] * 3


def test_undecodable_message_is_parked_not_dropped(flaky, amqp_vhost_uri):
    declare_all(amqp_vhost_uri, [ServiceTopology("flaky", (TYPE,), (200, 400))])
    flaky().start()
    conn = pika.BlockingConnection(pika.URLParameters(amqp_vhost_uri))
    ch = conn.channel()
    ch.basic_publish(EXCHANGE, TYPE, b"{not json", pika.BasicProperties(content_type="application/cloudevents+json"))
    ch.basic_publish(EXCHANGE, TYPE, b"plain words", pika.BasicProperties(content_type="text/plain"))
    conn.close()
    assert wait_for(lambda: len(dlq.list_parked(amqp_vhost_uri, "flaky")) == 2)
    assert all("undecodable" in m.last_error for m in dlq.list_parked(amqp_vhost_uri, "flaky"))
    assert Recorder.calls == []
