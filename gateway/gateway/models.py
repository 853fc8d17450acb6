"""The gateway's own tables: people, their sessions, uploads and the event log.

No domain state lives here; projects, reviews and decisions belong to the
services. The event log is a projection of every event the suite publishes,
the source of project timelines and of the external feed.
"""

from __future__ import annotations

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from itpm_common.tables import add_infrastructure_tables


class Base(DeclarativeBase):
    pass


# Only the inbox is used (event-log dedupe); the rest keep the shared
# Transactions helper working unchanged.
infra = add_infrastructure_tables(Base.metadata)


class User(Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[str] = mapped_column(String(64))
    unit_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True))


class UserSession(Base):
    """Only the SHA-256 of the token is stored: a copy of this table does not
    let anyone log in."""

    __tablename__ = "user_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username"), index=True)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[object] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[object | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LoginFailure(Base):
    """Consecutive failed logins for one user name (known or not, so that
    probing names is slowed as much as guessing passwords)."""

    __tablename__ = "login_failures"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    first_failed_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[object | None] = mapped_column(DateTime(timezone=True), nullable=True)


class DocumentUpload(Base):
    """Who uploaded which bytes under which name, for which unit; the store
    itself keeps only the content, addressed by digest.

    The unit decides who may download the bytes and cite them in an
    application (rules.md §7.2). It is NULL only for uploads made before it
    was recorded whose uploader is gone; such a file belongs to no unit.
    """

    __tablename__ = "document_uploads"
    __table_args__ = (Index("ix_document_uploads_digest_unit", "digest", "unit_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(71), index=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    uploaded_at: Mapped[object] = mapped_column(DateTime(timezone=True))


class EventLogEntry(Base):
    __tablename__ = "event_log"
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(160), index=True)
    subject: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    unit_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The event's own ISO time, kept as text so it reads back exactly as sent.
    time: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    actor_role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    article: Mapped[str | None] = mapped_column(String(32), nullable=True)
    visibility: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[object] = mapped_column(DateTime(timezone=True))


class FeedEntry(Base):
    """The external feed (rules.md §8.3): each redacted copy once, at a gap-free position."""

    __tablename__ = "feed_log"
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(160), index=True)
    subject: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    unit_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    plan_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[object] = mapped_column(DateTime(timezone=True))


class FeedCursor(Base):
    """How far a channel has sent the feed (the AMQP channel's last confirmed position)."""

    __tablename__ = "feed_cursors"
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class ClassifiedSubject(Base):
    """Projects some event said were classified: nothing about them ever leaves (R-0-3, §8.3)."""

    __tablename__ = "classified_subjects"
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)


class WebhookSubscriber(Base):
    """An external system registered by 政务办 to receive the feed over signed webhooks (rules.md §8.3).

    The secret is kept as issued: the gateway needs it to sign. After a rotation the previous secret also signs
    until ``previous_secret_until``. ``feed_position`` is how far the feed log has been examined for it."""

    __tablename__ = "webhook_subscribers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    event_types: Mapped[str] = mapped_column(Text)            # JSON list of outgoing types
    unit_ids: Mapped[str] = mapped_column(Text)               # JSON list; empty = every unit
    plan_years: Mapped[str] = mapped_column(Text)             # JSON list; empty = every year
    secret: Mapped[str] = mapped_column(String(128))
    previous_secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    previous_secret_until: Mapped[object | None] = mapped_column(DateTime(timezone=True), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    feed_position: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True))


class WebhookDelivery(Base):
    """One feed entry owed to one subscriber: PENDING until a 2xx, PARKED after the last failed attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_subscriber_position", "subscriber_id", "position", unique=True),
                      Index("ix_webhook_deliveries_subscriber_status", "subscriber_id", "status"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscriber_id: Mapped[str] = mapped_column(ForeignKey("webhook_subscribers.id"))
    position: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(36))
    # The project (the event's subject; "" for none): deliveries of one key go strictly in position order.
    ordering_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[object | None] = mapped_column(DateTime(timezone=True), nullable=True)
    parked_at: Mapped[object | None] = mapped_column(DateTime(timezone=True), nullable=True)


from .feed import lease as _feed_lease  # noqa: E402,F401 - registers feed_leases, defined beside its logic
