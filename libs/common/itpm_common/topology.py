"""The broker topology, declared before anyone publishes (design.md).

nameko declares a consumer's queue only when the consumer starts, so an
event published earlier would be dropped. Here every service's queue is
durable, bound to the topic exchange by event type, and declared at deploy
time (``python -m itpm_common.topology``) as well as when the service starts.

Per service ``S``:
  itpm.S.events            durable, bound to itpm.events by each event type S consumes
  itpm.S.retry.<ms>        holding queues: TTL, then dead-lettered back to itpm.S.events
  itpm.S.dlq               parked messages after the last retry, for inspection and replay
"""

from __future__ import annotations

from dataclasses import dataclass

from .events import EXCHANGE

DEFAULT_RETRY_DELAYS_MS = (1000, 5000, 30000)


@dataclass(frozen=True)
class ServiceTopology:
    service: str
    bindings: tuple[str, ...]
    retry_delays_ms: tuple[int, ...] = DEFAULT_RETRY_DELAYS_MS

    @property
    def queue(self) -> str:
        return f"itpm.{self.service}.events"

    @property
    def dlq(self) -> str:
        return f"itpm.{self.service}.dlq"

    def retry_queue(self, delay_ms: int) -> str:
        return f"itpm.{self.service}.retry.{delay_ms}ms"

    def retry_arguments(self, delay_ms: int) -> dict:
        return {"x-message-ttl": int(delay_ms), "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.queue}

    @property
    def max_attempts(self) -> int:
        # First delivery plus one per retry delay.
        return len(self.retry_delays_ms) + 1


def declare_with_pika(channel, topo: ServiceTopology) -> None:
    channel.exchange_declare(exchange=EXCHANGE, exchange_type="topic", durable=True)
    channel.queue_declare(queue=topo.queue, durable=True)
    for key in topo.bindings:
        channel.queue_bind(queue=topo.queue, exchange=EXCHANGE, routing_key=key)
    for delay in topo.retry_delays_ms:
        channel.queue_declare(queue=topo.retry_queue(delay), durable=True,
                              arguments=topo.retry_arguments(delay))
    channel.queue_declare(queue=topo.dlq, durable=True)


def kombu_entities(topo: ServiceTopology):
    """The same topology as kombu objects, for services declaring at start."""
    from kombu import Exchange, Queue, binding

    exchange = Exchange(EXCHANGE, type="topic", durable=True)

    main = Queue(topo.queue, durable=True,
                 bindings=[binding(exchange, routing_key=k) for k in topo.bindings])
    retries = [Queue(topo.retry_queue(d), durable=True, queue_arguments=topo.retry_arguments(d))
               for d in topo.retry_delays_ms]
    dlq = Queue(topo.dlq, durable=True)
    return exchange, main, retries, dlq


def retry_delays_from_config(config: dict) -> tuple[int, ...]:
    raw = config.get("EVENT_RETRY_DELAYS_MS")
    if not raw:
        return DEFAULT_RETRY_DELAYS_MS
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    return tuple(int(x) for x in raw)


def declare_all(amqp_uri: str, topologies: list[ServiceTopology]) -> None:
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        ch = conn.channel()
        for topo in topologies:
            declare_with_pika(ch, topo)
    finally:
        conn.close()
