"""Outbox relay: publishes committed outbox rows with batched publisher confirms.

A row is marked published only after the broker confirmed it. A crash
between commit and publish leaves the row pending and the next relay pass
(after restart) publishes it; a crash between publish and marking makes the
event go out twice with the same id, which consumers' inboxes absorb.
"""

from __future__ import annotations

import logging

import amqp
import kombu
from nameko.extensions import DependencyProvider
from sqlalchemy import func, select, update

from .events import CONTENT_TYPE, EXCHANGE

log = logging.getLogger(__name__)

DEFAULT_BATCH = 200
CONFIRM_TIMEOUT_S = 10


class PublishNotConfirmed(Exception):
    pass


class ConfirmingPublisher:
    """A channel in confirm mode that publishes a batch and waits once."""

    def __init__(self, amqp_uri: str, exchange: str = EXCHANGE):
        self._uri = amqp_uri
        # The suite's own exchange by default; the external feed publishes to its own.
        self._exchange = exchange
        self._conn: kombu.Connection | None = None
        self._channel = None
        self._unconfirmed: set[int] = set()
        self._nacked = False

    def _ensure(self):
        if self._channel is not None:
            return
        self._conn = kombu.Connection(self._uri)
        self._conn.connect()
        raw: amqp.Connection = self._conn.connection
        ch = raw.channel()
        ch.exchange_declare(self._exchange, "topic", durable=True, auto_delete=False)
        ch.confirm_select()
        ch.events["basic_ack"].add(self._on_ack)
        ch.events["basic_nack"].add(self._on_nack)
        self._channel, self._next_tag, self._nacked = ch, 1, False
        self._unconfirmed = set()

    def _on_ack(self, delivery_tag, multiple):
        if multiple:
            self._unconfirmed = {t for t in self._unconfirmed if t > delivery_tag}
        else:
            self._unconfirmed.discard(delivery_tag)

    def _on_nack(self, delivery_tag, multiple):
        self._nacked = True

    def publish_batch(self, messages: list[tuple[str, str, str]]) -> None:
        """messages: (event_id, routing_key, body). Returns once all confirmed."""
        try:
            self._ensure()
            for event_id, routing_key, body in messages:
                msg = amqp.Message(body.encode("utf-8"), content_type=CONTENT_TYPE,
                                   content_encoding="utf-8", delivery_mode=2,
                                   message_id=event_id)
                self._channel.basic_publish(msg, exchange=self._exchange, routing_key=routing_key)
                self._unconfirmed.add(self._next_tag)
                self._next_tag += 1
            while self._unconfirmed and not self._nacked:
                self._conn.connection.drain_events(timeout=CONFIRM_TIMEOUT_S)
            if self._nacked:
                raise PublishNotConfirmed("broker nacked a message")
        except Exception:
            self.close()
            raise

    def close(self):
        if self._conn is not None:
            try:
                self._conn.release()
            except Exception:  # the connection may already be gone
                pass
        self._conn, self._channel = None, None


class OutboxRelay(DependencyProvider):
    """nameko dependency; the service's timer calls ``self.relay.flush(self.tx)``."""

    def setup(self):
        config = self.container.config
        self.enabled = str(config.get("OUTBOX_RELAY", "on")).lower() not in ("off", "0", "false")
        self.batch_size = int(config.get("OUTBOX_BATCH", DEFAULT_BATCH))
        self.publisher = ConfirmingPublisher(config["AMQP_URI"])

    def stop(self):
        self.publisher.close()

    def kill(self):
        self.publisher.close()

    def get_dependency(self, worker_ctx):
        return self

    def flush(self, tx_factory) -> int:
        """Publish pending rows in batches; returns how many were published."""
        if not self.enabled:
            return 0
        total = 0
        while True:
            n = self._flush_batch(tx_factory)
            total += n
            if n < self.batch_size:
                return total

    def _flush_batch(self, tx_factory) -> int:
        outbox = tx_factory.tables.outbox
        query = (select(outbox.c.seq, outbox.c.event_id, outbox.c.type, outbox.c.body)
                 .where(outbox.c.published_at.is_(None))
                 .order_by(outbox.c.seq).limit(self.batch_size))
        with tx_factory.read() as session:
            if session.bind.dialect.name == "postgresql":
                # Several instances of one service share the outbox: the rows
                # stay locked while this instance publishes them.
                rows = session.execute(query.with_for_update(skip_locked=True)).all()
                if rows:
                    self._publish_and_mark(session, outbox, rows, tx_factory.clock)
                return len(rows)
            rows = session.execute(query).all()
        if not rows:
            return 0
        # SQLite: one relay per database file, so the rows need no lock while
        # they are published, and the service's commands need not wait for
        # the broker's confirms.
        self._publish(rows)
        with tx_factory.read() as session:
            self._mark(session, outbox, rows, tx_factory.clock)
        return len(rows)

    def _publish(self, rows) -> None:
        self.publisher.publish_batch([(r.event_id, r.type, r.body) for r in rows])

    def _publish_and_mark(self, session, outbox, rows, clock) -> None:
        self._publish(rows)
        self._mark(session, outbox, rows, clock)

    @staticmethod
    def _mark(session, outbox, rows, clock) -> None:
        session.execute(update(outbox).where(outbox.c.seq.in_([r.seq for r in rows]))
                        .values(published_at=clock.now()))
        session.commit()

    def pending(self, tx_factory) -> int:
        outbox = tx_factory.tables.outbox
        with tx_factory.read() as session:
            return session.execute(select(func.count()).select_from(outbox)
                                   .where(outbox.c.published_at.is_(None))).scalar_one()
