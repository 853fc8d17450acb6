"""One transaction per decision: state change, events, audit and idempotency
record commit together or not at all (design.md "Nothing lost").

A worker opens ``self.tx.command(...)`` for a user's command or
``self.tx.event(...)`` for a consumed event. Inside, ``tx.emit(...)`` writes
to the outbox and ``tx.audit(...)`` appends to the hash chain; nothing is
published until the relay sees the committed outbox rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from . import audit as audit_chain
from .clock import Clock, clock_from_config
from .db import GreenLock, is_sqlite, make_engine, normalise_url
from .errors import Refusal
from .events import CloudEvent, event_type
from .identity import Identity


def _insert_for(session):
    """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite both do)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


SYSTEM_ACTOR = Identity(user_id="system", name="系统", role="SYSTEM", unit_id="", unit_name="")


def request_hash(command: str, payload: Any) -> str:
    blob = json.dumps([command, payload], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class Tx:
    session: Session
    service: str
    tables: Any
    clock: Clock
    actor: Identity
    replayed: bool = False
    result: Any = None
    _events: list[CloudEvent] = field(default_factory=list)

    @property
    def now(self):
        return self.clock.now()

    def emit(self, name: str, subject: str | None, data: dict, *, article: str | None = None,
             unit_id: str | None = None, external: bool = False, version: int = 1) -> CloudEvent:
        ev = CloudEvent(
            type=event_type(self.service, name, version),
            source=f"/itpm/{self.service}",
            subject=subject,
            data=data,
            time=self.now.isoformat(),
            unitid=unit_id,
            article=article,
            actorid=self.actor.user_id,
            actorrole=self.actor.role,
            visibility="external" if external else "internal",
        )
        self.session.execute(insert(self.tables.outbox).values(
            event_id=ev.id, type=ev.type, subject=subject, body=ev.to_json(),
            created_at=self.now))
        self._events.append(ev)
        return ev

    @property
    def emitted(self) -> list[CloudEvent]:
        return list(self._events)

    def audit(self, action: str, *, project_id: str | None = None, outcome: str = "ACCEPTED",
              article: str | None = None, rule: str | None = None, code: str | None = None,
              details: dict | None = None) -> int:
        return audit_chain.append(self.session, self.tables, audit_chain.AuditEntry(
            action=action, outcome=outcome, recorded_at=self.now, actor_id=self.actor.user_id,
            actor_role=self.actor.role, actor_unit=self.actor.unit_id, project_id=project_id,
            code=code, rule=rule, article=article, details=details))


class _Replayed(Exception):
    """Internal: the idempotency key was seen before; answer with its result."""

    def __init__(self, result):
        self.result = result


class TransactionFactory:
    def __init__(self, provider: Transactions):
        self._p = provider

    @property
    def clock(self) -> Clock:
        return self._p.clock

    @property
    def tables(self):
        return self._p.tables

    @contextlib.contextmanager
    def read(self):
        with self._p.lock.hold():
            session = self._p.Session()
            try:
                yield session
            finally:
                session.rollback()
                session.close()

    @contextlib.contextmanager
    def _begin(self, actor: Identity):
        with self._p.lock.hold():
            session = self._p.Session()
            tx = Tx(session=session, service=self._p.service_name, tables=self._p.tables,
                    clock=self._p.clock, actor=actor)
            try:
                yield tx
                session.commit()
            except StaleDataError:
                session.rollback()
                raise Refusal(code="STATE-INVALID", rule="R-0-2", article=None,
                              reason_zh="该事项已被他人同时处理，本次决定基于过期的版本，未生效；请刷新后重试",
                              details={}) from None
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    @contextlib.contextmanager
    def write(self):
        """A plain transaction for bookkeeping that is neither a command nor an event (a channel's cursor)."""
        with self._begin(SYSTEM_ACTOR) as tx:
            yield tx.session

    def command(self, actor: Identity, command: str, *, idempotency_key: str | None = None,
                request: Any = None):
        """Context manager for a state-changing command (R-0-1 idempotency)."""
        return _CommandScope(self, actor, command, idempotency_key, request)

    @contextlib.contextmanager
    def event(self, ev: CloudEvent, consumer: str, actor: Identity | None = None):
        """Process a consumed event at most once per consumer (inbox).

        By default the effects are attributed to whoever caused the event (a
        conclusion drafted by 政务办 is 政务办's act); pass SYSTEM_ACTOR when
        the consumer acts on its own account.
        """
        actor = actor or Identity(user_id=ev.actorid or "system", name="", role=ev.actorrole or "SYSTEM",
                                  unit_id=ev.unitid or "", unit_name="")
        with self._begin(actor) as tx:
            inbox = self._p.tables.inbox
            seen = tx.session.execute(select(inbox.c.event_id).where(
                inbox.c.event_id == ev.id, inbox.c.consumer == consumer)).first()
            if seen:
                tx.replayed = True
            else:
                # Two workers may hold copies of one delivery at once (a redelivery while the first is still
                # running). PostgreSQL makes the second INSERT wait for the first transaction: once that commits,
                # DO NOTHING inserts no row and the second worker treats the event as already processed.
                claimed = tx.session.execute(_insert_for(tx.session)(inbox).values(
                    event_id=ev.id, consumer=consumer, type=ev.type, processed_at=tx.now)
                    .on_conflict_do_nothing()).rowcount
                tx.replayed = claimed == 0
            yield tx

    def record_refusal(self, actor: Identity | None, command: str, refusal: Refusal,
                       project_id: str | None = None) -> None:
        """Refusals change no state but are evidence (rules.md §0.3): own transaction."""
        actor = actor or Identity(user_id="anonymous", name="", role="SYSTEM", unit_id="",
                                  unit_name="")
        with self._begin(actor) as tx:
            tx.audit(command, project_id=project_id, outcome="REFUSED", article=refusal.article,
                     rule=refusal.rule, code=refusal.code, details=refusal.details)


class _CommandScope:
    def __init__(self, factory, actor, command, key, request):
        self.factory, self.actor, self.command, self.key = factory, actor, command, key
        self.hash = request_hash(command, request)
        self._cm = None

    def __enter__(self) -> Tx:
        self._cm = self.factory._begin(self.actor)
        tx = self._cm.__enter__()
        try:
            if self.key:
                stored = self._lookup(tx.session)
                if stored is not None:
                    tx.replayed, tx.result = True, stored
        except BaseException:
            # Close the transaction (and release SQLite's green lock) before
            # the refusal travels on; the caller will audit it in a new one.
            if not self._cm.__exit__(*sys.exc_info()):
                raise
        self.tx = tx
        return tx

    def _lookup(self, session):
        idem = self.factory.tables.idempotency
        row = session.execute(select(idem.c.request_hash, idem.c.response, idem.c.command).where(
            idem.c.actor_id == self.actor.user_id, idem.c.key == self.key)).first()
        if row is None:
            return None
        if row.request_hash != self.hash or row.command != self.command:
            raise Refusal(code="IDEMPOTENCY-CONFLICT", rule="R-0-1", article=None,
                          reason_zh="同一幂等键已用于内容不同的请求，请使用新的幂等键",
                          details={"idempotency_key": self.key})
        return json.loads(row.response)

    def __exit__(self, exc_type, exc, tb):
        tx = self.tx
        if exc_type is None and self.key and not tx.replayed:
            try:
                tx.session.execute(insert(self.factory.tables.idempotency).values(
                    actor_id=self.actor.user_id, key=self.key, command=self.command,
                    request_hash=self.hash,
                    response=json.dumps(tx.result, ensure_ascii=False, default=str),
                    created_at=tx.now))
            except IntegrityError as lost:
                # The winner's row exists already (PostgreSQL raises at the
                # INSERT, not at COMMIT). Roll back and release the lock first:
                # _begin re-raises `lost`, so this __exit__ returns False.
                self._cm.__exit__(type(lost), lost, lost.__traceback__)
                return self._answer_with_winner(tx, lost)
            except BaseException:
                # Anything else (a key too long for its column, say): end the
                # transaction and release the lock before the error travels on.
                if not self._cm.__exit__(*sys.exc_info()):
                    raise
        try:
            return self._cm.__exit__(exc_type, exc, tb)
        except IntegrityError as lost:
            # Two requests with one key raced; the loser answers with the
            # winner's stored result and emits nothing.
            if not self.key:
                raise
            return self._answer_with_winner(tx, lost)

    def _answer_with_winner(self, tx, lost: IntegrityError) -> bool:
        with self.factory.read() as session:
            stored = self._lookup(session)
        if stored is None:
            raise lost
        tx.replayed, tx.result = True, stored
        return False


class Transactions(DependencyProvider):
    """nameko dependency giving workers ``self.tx`` (a TransactionFactory)."""

    def __init__(self, tables, **kwargs):
        self.tables = tables
        super().__init__(**kwargs)

    def setup(self):
        config = self.container.config
        url = normalise_url(config.get("DATABASE_URL", f"sqlite:///data/{self.container.service_name}.sqlite3"))
        self.engine = make_engine(url)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self.lock = GreenLock(is_sqlite(url))
        self.clock = clock_from_config(config)
        self.service_name = self.container.service_name

    def stop(self):
        self.engine.dispose()

    def kill(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return TransactionFactory(self)
