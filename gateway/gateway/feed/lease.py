"""Leases: which gateway replica runs one of the feed's jobs right now.

Several gateway processes may run against one database, each with the feed's timers. A job that sends (the AMQP
channel's publishing, one webhook subscriber's deliveries) is done only by the replica holding its lease: a row
``feed_leases(name, holder, expires_at)`` taken and renewed with a conditional UPDATE (it succeeds when the row is
the caller's or has expired), so on PostgreSQL a concurrent taker waits on the row and then sees the winner, and
on SQLite writes take turns anyway. A replica that crashes stops renewing and its leases expire after ``ttl``.

Expiry is compared on each replica's wall clock. The holder itself keeps to a shorter, monotonic deadline: it
starts a piece of work only when the work's own bound ends within the first two thirds of the lease, so the last
third absorbs the replicas' clock difference and the time to record the outcome. Recording is fenced: it renews
the lease in the same transaction and rolls back when another replica holds it.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, String, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base

# This process, as a holder; distinct for two processes on one host and for a restarted process.
HOLDER = f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
USABLE_FRACTION = 2 / 3
DEFAULT_TTL_SECONDS = 30.0


class FeedLease(Base):
    """Which replica runs a feed job (``amqp``, ``webhook:<subscriber id>``) until when."""

    __tablename__ = "feed_leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[object] = mapped_column(DateTime(timezone=True))


class LeaseLost(Exception):
    """Another replica holds the lease now: what this one was about to record is not its to record."""


@dataclass
class Lease:
    name: str
    holder: str
    ttl_seconds: float
    usable_until: float = field(default=0.0)   # time.monotonic() deadline for starting work

    def allows(self, seconds: float) -> bool:
        """Whether work bounded by ``seconds`` would end within the usable part of the lease."""
        return time.monotonic() + seconds <= self.usable_until

    def _extended(self, started: float) -> None:
        self.usable_until = started + self.ttl_seconds * USABLE_FRACTION


def _wall() -> datetime:
    return datetime.now(UTC)


def _claim(session, lease: Lease, *, steal_expired: bool) -> bool:
    started, now = time.monotonic(), _wall()
    mine = FeedLease.holder == lease.holder
    result = session.execute(
        update(FeedLease)
        .where(FeedLease.name == lease.name, or_(mine, FeedLease.expires_at < now) if steal_expired else mine)
        .values(holder=lease.holder, expires_at=now + timedelta(seconds=lease.ttl_seconds))
        .execution_options(synchronize_session=False))
    if result.rowcount == 1:
        lease._extended(started)
        return True
    return False


def _insert_if_missing(session, lease: Lease) -> bool:
    dialect = session.bind.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    started, now = time.monotonic(), _wall()
    result = session.execute(insert(FeedLease)
                             .values(name=lease.name, holder=lease.holder,
                                     expires_at=now + timedelta(seconds=lease.ttl_seconds))
                             .on_conflict_do_nothing(index_elements=["name"]))
    if result.rowcount == 1:
        lease._extended(started)
        return True
    return False


def take(session, name: str, holder: str, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> Lease | None:
    """In the caller's transaction: the lease if it is free, expired or already this holder's (then renewed);
    None while another replica holds it. Held only once the transaction commits."""
    lease = Lease(name=name, holder=holder, ttl_seconds=ttl_seconds)
    if _claim(session, lease, steal_expired=True) or _insert_if_missing(session, lease):
        return lease
    return None


def renew(tx_factory, lease: Lease) -> bool:
    """Extend a lease this holder still has (expired or not, as long as nobody took it over)."""
    with tx_factory.write() as session:
        return _claim(session, lease, steal_expired=True)


def fence(session, lease: Lease) -> None:
    """Inside a transaction that records this holder's work: renew the lease or raise ``LeaseLost``."""
    if not _claim(session, lease, steal_expired=False):
        raise LeaseLost(lease.name)


def current(session, names: list[str]) -> dict[str, FeedLease]:
    """The lease rows of ``names`` that exist (for operators: who runs what, until when)."""
    return {row.name: row for row in session.scalars(select(FeedLease).where(FeedLease.name.in_(names)))}
