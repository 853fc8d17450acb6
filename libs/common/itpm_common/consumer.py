"""Event consumer entrypoint: durable queue, retries with back-off, then parking.

nameko's own ``event_handler`` acks and discards a message whose handler
raised. This entrypoint instead republishes the message to a holding queue
whose TTL sends it back after a delay, and after the last retry parks it in
the service's dead-letter queue (``itpm_common.dlq`` lists and replays it).
The original is acked only after the republish was confirmed.
"""

from __future__ import annotations

import logging
import traceback

import kombu
from eventlet.semaphore import Semaphore
from nameko.messaging import Consumer, QueueConsumer

from .events import CONTENT_TYPE, CloudEvent
from .topology import ServiceTopology, kombu_entities, retry_delays_from_config

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-itpm-attempt"
ERROR_HEADER = "x-itpm-last-error"


class ParkingQueueConsumer(QueueConsumer):
    """nameko's shared queue consumer, except that a message kombu cannot even
    decode (not JSON, a content type nobody accepts) is parked in the
    service's dead-letter queue instead of being logged and acked away."""

    def on_decode_error(self, message, exc):
        dlq = ServiceTopology(self.container.service_name, ()).dlq
        headers = {**(message.headers or {}), ERROR_HEADER: f"undecodable message: {exc}"[:1000]}
        try:
            with kombu.Connection(self.container.config["AMQP_URI"],
                                  transport_options={"confirm_publish": True}) as conn:
                kombu.Producer(conn).publish(
                    message.body, exchange="", routing_key=dlq, headers=headers, delivery_mode=2,
                    content_type=message.content_type or "application/octet-stream",
                    content_encoding=message.content_encoding or "binary",
                    declare=[kombu.Queue(dlq, durable=True)], retry=True)
        except Exception:
            log.exception("could not park an undecodable message; leaving it unacknowledged")
            return
        log.error("undecodable message parked in %s: %s", dlq, exc)
        message.ack()


class EventConsumer(Consumer):
    queue_consumer = ParkingQueueConsumer()

    def __init__(self, bindings: list[str] | tuple[str, ...], **kwargs):
        self.bindings = tuple(bindings)
        # The queue is filled in at bind time, once the service name is known.
        super().__init__(queue=None, requeue_on_error=False, **kwargs)

    def setup(self):
        config = self.container.config
        self.topology = ServiceTopology(self.container.service_name, self.bindings,
                                        retry_delays_from_config(config))
        exchange, main, retries, dlq = kombu_entities(self.topology)
        self.queue = main
        # Republishing declares its target, so a holding or dead-letter queue
        # deleted since start (an operator's purge, a broker that lost its
        # data) is recreated instead of the message being confirmed into nowhere.
        self._holding = {q.name: q for q in (*retries, dlq)}
        # One confirm channel shared by every worker greenthread: two waiting
        # for confirms at once would read the same socket twice.
        self._publish_lock = Semaphore(1)
        with kombu.Connection(config["AMQP_URI"]) as conn:
            channel = conn.channel()
            exchange(channel).declare()
            for q in (main, *retries, dlq):
                q(channel).declare()
        self._producer_conn = kombu.Connection(config["AMQP_URI"],
                                               transport_options={"confirm_publish": True})
        super().setup()

    def stop(self):
        super().stop()
        self._producer_conn.release()

    def handle_message(self, body, message):
        try:
            if not isinstance(body, dict):
                raise TypeError(f"expected a JSON object, got {type(body).__name__}")
            event = CloudEvent.from_dict(body)
        except (ValueError, TypeError, KeyError) as exc:
            # A malformed message can never succeed: park it at once.
            self._park(message, attempt=self._attempt(message), error=f"malformed event: {exc}")
            self.queue_consumer.ack_message(message)
            return
        super().handle_message(event, message)

    @staticmethod
    def _attempt(message) -> int:
        return int((message.headers or {}).get(ATTEMPT_HEADER, 1))

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is not None:
            attempt = self._attempt(message)
            error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
            try:
                if attempt < self.topology.max_attempts:
                    delay = self.topology.retry_delays_ms[attempt - 1]
                    self._republish(message, self.topology.retry_queue(delay), attempt + 1, error)
                    log.warning("event %s failed (attempt %s), retry in %sms: %s",
                                message.properties.get("message_id"), attempt, delay, error)
                else:
                    self._park(message, attempt, error)
            except Exception:
                # Could not hand the message over: requeue it rather than lose it.
                log.exception("could not republish a failed event; requeueing")
                self.queue_consumer.requeue_message(message)
                return
        self.queue_consumer.ack_message(message)

    def _park(self, message, attempt: int, error: str):
        log.error("event %s parked in %s after %s attempt(s): %s",
                  message.properties.get("message_id"), self.topology.dlq, attempt, error)
        self._republish(message, self.topology.dlq, attempt, error)

    def _republish(self, message, queue_name: str, attempt: int, error: str):
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = attempt
        headers[ERROR_HEADER] = error[:1000]
        headers.setdefault("x-itpm-routing-key", message.delivery_info.get("routing_key"))
        with self._publish_lock:
            producer = kombu.Producer(self._producer_conn)
            producer.publish(message.body, exchange="", routing_key=queue_name,
                             content_type=message.content_type or CONTENT_TYPE,
                             content_encoding=message.content_encoding or "utf-8",
                             headers=headers, delivery_mode=2,
                             message_id=message.properties.get("message_id"),
                             declare=[self._holding[queue_name]],
                             retry=True, retry_policy={"max_retries": 3})


consume_events = EventConsumer.decorator
