"""The feed's AMQP channel: the log's copies, in position order, on the topic exchange ``itpm.external``.

Routing key ``<event type>.<unit id>`` (``none`` for an event of no unit), so a subscriber binds by type, by
unit or both. Delivery is at least once: the cursor moves only after the broker confirmed the batch, and a
subscriber deduplicates on the event id (or the ``feedposition`` attribute). With several gateway replicas only the
holder of the channel's lease (``lease``) publishes."""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from itpm_common.outbox import ConfirmingPublisher

from ..models import FeedCursor
from . import lease, log

EXTERNAL_EXCHANGE = "itpm.external"
CHANNEL = "amqp"
LEASE = "amqp"
BATCH = 200


def routing_key(type_: str, unit_id: str | None) -> str:
    # A unit id is a single word of the topic key; anything else would split it.
    unit = (unit_id or "none").replace(".", "_")
    return f"{type_}.{unit}"


def _unsent(session, batch: int) -> list[tuple[int, str, str, str]]:
    cursor = session.get(FeedCursor, CHANNEL)
    after = cursor.position if cursor else 0
    return [(r.position, r.event_id, routing_key(r.type, r.unit_id), r.body)
            for r in log.read_after(session, after, batch)]


def flush(tx_factory, publisher: ConfirmingPublisher, batch: int = BATCH, *, holder: str = lease.HOLDER,
          lease_seconds: float = lease.DEFAULT_TTL_SECONDS) -> int:
    """Publish what the cursor has not passed; the number of copies sent. Only the gateway replica holding the
    channel's lease publishes, and it moves the cursor only while it still holds it."""
    with tx_factory.read() as session:
        if not _unsent(session, batch=1):
            return 0   # idle: no lease taken, none renewed
    with tx_factory.write() as session:
        held = lease.take(session, LEASE, holder, lease_seconds)
        if held is None:
            return 0
        rows = _unsent(session, batch)
    if not rows:
        return 0
    publisher.publish_batch([(event_id, key, body) for _, event_id, key, body in rows])
    with tx_factory.write() as session:
        lease.fence(session, held)
        cursor = session.get(FeedCursor, CHANNEL)
        if cursor is None:
            session.add(FeedCursor(channel=CHANNEL, position=rows[-1][0]))
        elif cursor.position < rows[-1][0]:
            cursor.position = rows[-1][0]
    return len(rows)


class FeedPublisher(DependencyProvider):
    """nameko dependency: the confirming publisher on the external exchange, one per gateway process."""

    def setup(self):
        self.publisher = ConfirmingPublisher(self.container.config["AMQP_URI"], exchange=EXTERNAL_EXCHANGE)

    def stop(self):
        self.publisher.close()

    def kill(self):
        self.publisher.close()

    def get_dependency(self, worker_ctx):
        return self.publisher
