"""The feed's webhook channel: signed HTTP POSTs of the log's copies to subscribers 政务办 registered (§8.3).

Each subscriber has a cursor over ``feed_log``; every entry that passes its filters becomes a delivery, posted
with ``X-ITPM-Event-Id``, ``X-ITPM-Feed-Position``, ``X-ITPM-Timestamp`` and ``X-ITPM-Signature`` (see
``signing``). A 2xx answer delivers it; anything else is retried with exponential back-off and, after the last
attempt, parked until an operator re-sends it. Deliveries of one project (the event's subject) go strictly in
feed order: a project's later deliveries wait while an earlier one is pending or parked; other projects go on.

Delivery times are operational, so they follow the wall clock the timer passes in, not the service's legal clock.
No database transaction is open while a receiver is being called.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import eventlet
import requests
from marshmallow import ValidationError, fields, validate, validates
from sqlalchemy import and_, func, or_, select

from itpm_common.errors import Refusal, not_found, state_invalid
from itpm_common.events import event_type
from itpm_common.schemas import StrictSchema, load_or_refuse

from ..models import FeedEntry, WebhookDelivery, WebhookSubscriber
from . import lease, redaction, signing
from . import log as feed_log

log = logging.getLogger(__name__)

PENDING, DELIVERED, PARKED = "PENDING", "DELIVERED", "PARKED"
ENQUEUE_BATCH = 500
MAX_ANSWER_BYTES = 64 * 1024
# The outgoing types a subscriber may allow (the names §8.1's external events leave under).
EXTERNAL_TYPES = sorted({event_type(service, name) for service, name, _ in redaction.EXTERNAL.values()})


@dataclass(frozen=True)
class DeliveryConfig:
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 600.0
    max_attempts: int = 8
    timeout_seconds: float = 5.0
    batch: int = 50
    secret_grace_seconds: int = 86400
    concurrency: int = 16                   # subscribers delivered to at once (green threads)
    round_seconds: float | None = 1.0       # how long a round waits for its turns; None: until all have ended
    lease_seconds: float = lease.DEFAULT_TTL_SECONDS

    def __post_init__(self):
        if self.timeout_seconds >= self.lease_seconds * lease.USABLE_FRACTION:
            raise ValueError(f"webhook timeout ({self.timeout_seconds} s) must end within two thirds of the "
                             f"delivery lease ({self.lease_seconds} s)")
        if self.concurrency < 1:
            raise ValueError("webhook concurrency must be at least 1")


def backoff(failures: int, config: DeliveryConfig) -> timedelta:
    """The wait after the ``failures``-th failed attempt: base, 2·base, 4·base, … never above the cap."""
    seconds = min(config.backoff_cap_seconds, config.backoff_base_seconds * 2 ** (failures - 1))
    return timedelta(seconds=seconds)


def _utc(dt: datetime) -> datetime:
    # SQLite drops an offset without converting; everything is stored in UTC.
    return (dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt).astimezone(UTC)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# ------------------------------------------------------------------ who may act


def forbidden(role: str | None, action_zh: str) -> Refusal:
    return Refusal(code="AUTH-FORBIDDEN", rule="§8.3", article="rules.md §7.1",
                   reason_zh=f"当前角色无权{action_zh}（rules.md §7.1：外部订阅方由政务办登记并设定事件白名单）",
                   details={"role": role, "allowed_roles": ["ZWB"],
                            "permission": "gateway: Register subscribers and set event allow-lists"})


# ------------------------------------------------------------------ registration schema


def _http_url(value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("地址应为 http:// 或 https:// 开头的完整网址")


class WebhookRegistrationSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"description": "订阅方名称"})
    url = fields.String(required=True, validate=[validate.Length(max=500), _http_url],
                        metadata={"description": "接收地址（http/https）"})
    event_types = fields.List(fields.String(validate=validate.OneOf(EXTERNAL_TYPES)), required=True,
                              validate=validate.Length(min=1),
                              metadata={"description": "事件类型白名单（对外事件类型）"})
    unit_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)), load_default=list,
        metadata={"description": "只接收这些单位的事件；不填为全部（无单位的事件如年度计划不在其内）"})
    plan_years = fields.List(fields.Integer(strict=True, validate=validate.Range(min=2000, max=2100)),
                             load_default=list, metadata={"description": "只接收这些计划年度的事件；不填为全部"})
    start_after_position = fields.Integer(strict=True, validate=validate.Range(min=0), load_default=None,
                                          metadata={"description": "从该位置之后开始投递；不填为登记时的最新位置"})

    @validates("event_types")
    def _distinct(self, value, **_):
        if len(set(value)) != len(value):
            raise ValidationError("事件类型不得重复")


class DeliveryQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf((PENDING, DELIVERED, PARKED)), load_default=PARKED)
    subscriber_id = fields.String(validate=validate.Length(max=36), load_default=None)
    limit = fields.Integer(validate=validate.Range(min=1, max=500), load_default=100)


# ------------------------------------------------------------------ views


def subscriber_view(sub: WebhookSubscriber, held: lease.FeedLease | None = None) -> dict:
    return {"id": sub.id, "name": sub.name, "url": sub.url, "event_types": json.loads(sub.event_types),
            "unit_ids": json.loads(sub.unit_ids), "plan_years": json.loads(sub.plan_years), "active": sub.active,
            "feed_position": sub.feed_position,
            "previous_secret_valid_until": (_utc(sub.previous_secret_until).isoformat()
                                            if sub.previous_secret_until else None),
            "lease_holder": held.holder if held else None,
            "lease_expires_at": _utc(held.expires_at).isoformat() if held else None,
            "created_at": _utc(sub.created_at).isoformat(), "updated_at": _utc(sub.updated_at).isoformat()}


def delivery_view(d: WebhookDelivery) -> dict:
    return {"id": d.id, "subscriber_id": d.subscriber_id, "feed_position": d.position, "event_id": d.event_id,
            "subject": d.ordering_key or None, "status": d.status, "attempts": d.attempts,
            "next_attempt_at": _utc(d.next_attempt_at).isoformat() if d.status == PENDING else None,
            "last_status": d.last_status, "last_error": d.last_error,
            "delivered_at": _utc(d.delivered_at).isoformat() if d.delivered_at else None,
            "parked_at": _utc(d.parked_at).isoformat() if d.parked_at else None}


# ------------------------------------------------------------------ commands (政务办)


def _require_zwb(tx_factory, user, command: str, action_zh: str) -> None:
    if user.role != "ZWB":
        refusal = forbidden(user.role, action_zh)
        tx_factory.record_refusal(user.identity, command, refusal)
        raise refusal


@contextlib.contextmanager
def _command(tx_factory, user, command: str, key: str, request):
    """The unit of work of one operator command; a refusal raised inside rolls it back and is audited."""
    try:
        with tx_factory.command(user.identity, command, idempotency_key=key, request=request) as tx:
            yield tx
    except Refusal as refusal:
        tx_factory.record_refusal(user.identity, command, refusal)
        raise


def _refusal(reason_zh: str, state: str, **details) -> Refusal:
    return state_invalid(reason_zh, state, rule="§8.3", article="rules.md §8.3", **details)


def _active_subscriber(session, subscriber_id: str) -> WebhookSubscriber:
    sub = session.get(WebhookSubscriber, subscriber_id)
    if sub is None:
        raise not_found("订阅方", subscriber_id)
    if not sub.active:
        raise _refusal("订阅方已停用", "INACTIVE", subscriber_id=subscriber_id)
    return sub


def register(tx_factory, user, payload: dict, key: str) -> dict:
    """A new subscriber; the answer carries its secret, which is shown here and on rotation only."""
    command = "register_webhook_subscriber"
    _require_zwb(tx_factory, user, command, "登记外部订阅方")
    data = load_or_refuse(WebhookRegistrationSchema(), payload)
    with _command(tx_factory, user, command, key, payload) as tx:
        if tx.replayed:
            return tx.result
        end = tx.session.scalar(select(func.max(FeedEntry.position))) or 0
        start = data["start_after_position"]
        if start is not None and start > end:
            raise _refusal("起始位置超出对外事件流的最新位置", "", start_after_position=start, latest_position=end)
        now = _utc(tx.now)
        sub = WebhookSubscriber(
            id=str(uuid.uuid4()), name=data["name"], url=data["url"], event_types=json.dumps(data["event_types"]),
            unit_ids=json.dumps(data["unit_ids"]), plan_years=json.dumps(data["plan_years"]), secret=new_secret(),
            active=True, feed_position=end if start is None else start, created_by=user.username,
            created_at=now, updated_at=now)
        tx.session.add(sub)
        tx.session.flush()
        view = subscriber_view(sub)
        tx.audit(command, details={k: view[k] for k in (
            "id", "name", "url", "event_types", "unit_ids", "plan_years", "feed_position")})
        tx.result = {**view, "secret": sub.secret}
    return tx.result


def rotate_secret(tx_factory, user, subscriber_id: str, key: str, grace_seconds: int) -> dict:
    """A new secret; the old one keeps signing alongside it for ``grace_seconds`` so the partner can switch."""
    command = "rotate_webhook_secret"
    _require_zwb(tx_factory, user, command, "更换订阅方密钥")
    with _command(tx_factory, user, command, key, {"id": subscriber_id}) as tx:
        if tx.replayed:
            return tx.result
        sub = _active_subscriber(tx.session, subscriber_id)
        sub.previous_secret, sub.secret = sub.secret, new_secret()
        # Measured on the wall clock that delivery runs on (see the module's note).
        sub.previous_secret_until = datetime.now(UTC) + timedelta(seconds=grace_seconds)
        sub.updated_at = _utc(tx.now)
        tx.audit(command, details={"id": sub.id,
                                   "previous_secret_valid_until": sub.previous_secret_until.isoformat()})
        tx.result = {**subscriber_view(sub), "secret": sub.secret}
    return tx.result


def deactivate(tx_factory, user, subscriber_id: str, key: str) -> dict:
    """No more deliveries to this subscriber; what it was owed stays listed."""
    command = "deactivate_webhook_subscriber"
    _require_zwb(tx_factory, user, command, "停用外部订阅方")
    with _command(tx_factory, user, command, key, {"id": subscriber_id}) as tx:
        if tx.replayed:
            return tx.result
        sub = _active_subscriber(tx.session, subscriber_id)
        sub.active = False
        sub.updated_at = _utc(tx.now)
        tx.audit(command, details={"id": sub.id})
        tx.result = subscriber_view(sub)
    return tx.result


def resend(tx_factory, user, delivery_id: int, key: str) -> dict:
    """A parked delivery goes back to the queue at once, its attempts counted afresh."""
    command = "resend_webhook_delivery"
    _require_zwb(tx_factory, user, command, "重新投递外部事件")
    with _command(tx_factory, user, command, key, {"id": delivery_id}) as tx:
        if tx.replayed:
            return tx.result
        d = tx.session.get(WebhookDelivery, delivery_id)
        if d is None:
            raise not_found("投递记录", str(delivery_id))
        if d.status != PARKED:
            raise _refusal("只有已搁置的投递可以重新投递", d.status, delivery_id=delivery_id)
        _active_subscriber(tx.session, d.subscriber_id)
        d.status, d.attempts, d.parked_at = PENDING, 0, None
        d.next_attempt_at = datetime.now(UTC)   # delivery runs on the wall clock (see the module's note)
        tx.audit(command, project_id=d.ordering_key or None,
                 details={"id": d.id, "subscriber_id": d.subscriber_id, "feed_position": d.position,
                          "event_id": d.event_id})
        tx.result = delivery_view(d)
    return tx.result


def list_subscribers(tx_factory, user) -> dict:
    _require_zwb(tx_factory, user, "list_webhook_subscribers", "查看外部订阅方")
    with tx_factory.read() as session:
        subs = list(session.scalars(select(WebhookSubscriber).order_by(WebhookSubscriber.created_at,
                                                                        WebhookSubscriber.id)))
        leases = lease.current(session, [lease_name(s.id) for s in subs])
        return {"items": [subscriber_view(s, leases.get(lease_name(s.id))) for s in subs]}


def list_deliveries(tx_factory, user, query: dict) -> dict:
    _require_zwb(tx_factory, user, "list_webhook_deliveries", "查看外部事件投递")
    stmt = select(WebhookDelivery).where(WebhookDelivery.status == query["status"])
    if query.get("subscriber_id"):
        stmt = stmt.where(WebhookDelivery.subscriber_id == query["subscriber_id"])
    with tx_factory.read() as session:
        rows = session.scalars(stmt.order_by(WebhookDelivery.subscriber_id, WebhookDelivery.position)
                               .limit(query["limit"]))
        return {"items": [delivery_view(d) for d in rows]}


# ------------------------------------------------------------------ delivery


def matches(sub: WebhookSubscriber, entry: FeedEntry) -> bool:
    """The subscriber's allow-list, unit filter and plan-year filter (§8.3)."""
    units, years = json.loads(sub.unit_ids), json.loads(sub.plan_years)
    return (entry.type in json.loads(sub.event_types)
            and (not units or entry.unit_id in units)
            and (not years or entry.plan_year in years))


def _enqueue(session, sub: WebhookSubscriber, now: datetime, batch: int = ENQUEUE_BATCH) -> int:
    """Move the subscriber's cursor over the log, owing it every entry that passes its filters."""
    entries = feed_log.read_after(session, sub.feed_position, batch)
    created = 0
    for entry in entries:
        if matches(sub, entry):
            session.add(WebhookDelivery(
                subscriber_id=sub.id, position=entry.position, event_id=entry.event_id,
                ordering_key=entry.subject or "", status=PENDING, attempts=0, next_attempt_at=now,
                created_at=now))
            created += 1
    if entries:
        sub.feed_position = entries[-1].position
    return created


def _due_heads(session, subscriber_id: str, now: datetime, limit: int) -> list[WebhookDelivery]:
    """Each project's first undelivered delivery, when it is pending and due (a parked one holds its project)."""
    open_ = and_(WebhookDelivery.subscriber_id == subscriber_id, WebhookDelivery.status.in_((PENDING, PARKED)))
    heads = (select(WebhookDelivery.ordering_key, func.min(WebhookDelivery.position).label("position"))
             .where(open_).group_by(WebhookDelivery.ordering_key).subquery())
    return list(session.scalars(
        select(WebhookDelivery)
        .join(heads, and_(WebhookDelivery.position == heads.c.position,
                          WebhookDelivery.ordering_key == heads.c.ordering_key))
        .where(WebhookDelivery.subscriber_id == subscriber_id, WebhookDelivery.status == PENDING,
               WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.position).limit(limit)))


def _signing_secrets(sub: WebhookSubscriber, now: datetime) -> list[str]:
    keys = [sub.secret]
    if sub.previous_secret and sub.previous_secret_until and _utc(sub.previous_secret_until) > now:
        keys.append(sub.previous_secret)
    return keys


class _Overdue(BaseException):
    """An attempt's whole time is up (a receiver trickling its answer defeats requests' per-read timeout); a
    BaseException like eventlet's own Timeout, so no library's ``except Exception`` swallows it."""


class Sender:
    """One subscriber's kept-alive HTTP session; used by one green thread at a time."""

    def __init__(self, url: str):
        self.url = url
        self.session = self._new_session()

    def _new_session(self) -> requests.Session:
        # The environment's proxy and CA settings, read once: requests would otherwise read them on every call,
        # which costs more than the rest of a delivery. No .netrc credentials go to a subscriber.
        session = requests.Session()
        session.trust_env = False
        session.proxies = requests.utils.get_environ_proxies(self.url)
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        return session

    def close(self) -> None:
        self.session.close()

    def post(self, body: bytes, headers: dict, timeout: float) -> tuple[int | None, str | None]:
        """One attempt, over within ``timeout`` whatever the receiver does: (HTTP status or None, error text or
        None). Redirects are not followed. A failed connection is dropped so the next attempt opens a new one."""
        overdue = eventlet.Timeout(timeout, _Overdue)
        try:
            with self.session.post(self.url, data=body, headers=headers, timeout=timeout, allow_redirects=False,
                                   stream=True) as response:
                # Read the (small) answer so the connection can be reused; a large one is cut off and closed.
                read = 0
                for chunk in response.iter_content(16384):
                    read += len(chunk)
                    if read > MAX_ANSWER_BYTES:
                        break
                ok = 200 <= response.status_code < 300
                return response.status_code, None if ok else f"HTTP {response.status_code}"
        except _Overdue:
            self._reset()
            return None, f"Timeout: no complete answer within {timeout:g} s"
        except requests.RequestException as exc:
            self._reset()
            return None, f"{type(exc).__name__}: {exc}"[:500]
        finally:
            overdue.cancel()

    def _reset(self) -> None:
        self.session.close()
        self.session = self._new_session()


def _attempt(sender: Sender, keys: list[str], entry: FeedEntry, timeout: float) -> tuple[int | None, str | None]:
    body = entry.body.encode("utf-8")
    timestamp = int(time.time())
    headers = {"Content-Type": "application/cloudevents+json; charset=utf-8",
               signing.EVENT_ID_HEADER: entry.event_id, signing.POSITION_HEADER: str(entry.position),
               signing.TIMESTAMP_HEADER: str(timestamp),
               signing.SIGNATURE_HEADER: signing.signature_header(keys, timestamp, body)}
    return sender.post(body, headers, timeout)


def _record(session, outcomes: list[tuple[int, int | None, str | None]], now: datetime,
            config: DeliveryConfig) -> None:
    """A batch's attempts: delivered, retried after back-off, or parked."""
    rows = {d.id: d for d in session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.id.in_([delivery_id for delivery_id, _, _ in outcomes])))}
    for delivery_id, status, error in outcomes:
        d = rows[delivery_id]
        d.attempts += 1
        d.last_status = status
        if error is None:
            d.status, d.delivered_at, d.last_error = DELIVERED, now, None
            continue
        d.last_error = error
        if d.attempts >= config.max_attempts:
            d.status, d.parked_at = PARKED, now
            log.warning("webhook delivery %s parked after %s attempts: %s", d.id, d.attempts, error)
        else:
            d.next_attempt_at = now + backoff(d.attempts, config)


def lease_name(subscriber_id: str) -> str:
    return f"webhook:{subscriber_id}"


def _turn(tx_factory, config: DeliveryConfig, replica: _Replica, subscriber_id: str, clock) -> dict[str, int]:
    """One subscriber's turn, under its lease: enqueue, then up to ``config.batch`` attempts in feed order of its
    due heads; its first failure ends the turn. Each batch's outcomes are recorded in one transaction fenced by
    the lease, so a replica that lost the lease records nothing (the new holder sends again)."""
    counts = {"delivered": 0, "failed": 0}
    with tx_factory.write() as session:
        held = lease.take(session, lease_name(subscriber_id), replica.holder, config.lease_seconds)
        sub = session.get(WebhookSubscriber, subscriber_id) if held else None
        if sub is None or not sub.active:
            return counts
        now = clock()
        _enqueue(session, sub, now)
        url, keys = sub.url, _signing_secrets(sub, now)
    sender = replica.sender(subscriber_id, url)
    attempts, failed = 0, False
    while attempts < config.batch and not failed:
        now = clock()
        with tx_factory.read() as session:
            due = _due_heads(session, subscriber_id, now, config.batch - attempts)
            entries = {e.position: e for e in session.scalars(
                select(FeedEntry).where(FeedEntry.position.in_([d.position for d in due])))}
            heads = [(d.id, entries[d.position]) for d in due]
            session.expunge_all()
        if not heads:
            break
        outcomes = []
        for delivery_id, entry in heads:
            # Start only what ends well inside the lease; otherwise renew it, or stop if it was taken over.
            if not held.allows(config.timeout_seconds) and not lease.renew(tx_factory, held):
                failed = True
                break
            attempts += 1
            status, error = _attempt(sender, keys, entry, config.timeout_seconds)
            outcomes.append((delivery_id, status, error))
            if error is not None:
                failed = True
                break
        if outcomes:
            with tx_factory.write() as session:
                lease.fence(session, held)
                _record(session, outcomes, clock(), config)
            for _, _, error in outcomes:
                counts["failed" if error else "delivered"] += 1
    return counts


def _with_work(session, now: datetime) -> list[str]:
    """Active subscribers with a log entry past their cursor or a delivery due; the others sit the round out
    without touching their leases."""
    end = session.scalar(select(func.max(FeedEntry.position))) or 0
    due = (select(WebhookDelivery.id)
           .where(WebhookDelivery.subscriber_id == WebhookSubscriber.id, WebhookDelivery.status == PENDING,
                  WebhookDelivery.next_attempt_at <= now).exists())
    return list(session.scalars(select(WebhookSubscriber.id)
                                .where(WebhookSubscriber.active.is_(True),
                                       or_(WebhookSubscriber.feed_position < end, due))
                                .order_by(WebhookSubscriber.id)))


class _Replica:
    """A gateway process's deliveries in progress (a test may run two, as two replicas would): a bounded pool of
    green threads, at most one turn per subscriber at a time, and each subscriber's kept-alive session."""

    def __init__(self, holder: str):
        self.holder = holder
        self.pool = eventlet.GreenPool(DeliveryConfig.concurrency)
        self.running: dict[str, object] = {}
        self.senders: dict[str, Sender] = {}
        self.ended = {"delivered": 0, "failed": 0}
        self.offset = 0

    def sender(self, subscriber_id: str, url: str) -> Sender:
        sender = self.senders.get(subscriber_id)
        if sender is None or sender.url != url:
            if sender is not None:
                sender.close()
            sender = self.senders[subscriber_id] = Sender(url)
        return sender

    def forget_all_but(self, subscriber_ids: set[str]) -> None:
        for sid in [s for s in self.senders if s not in subscriber_ids and s not in self.running]:
            self.senders.pop(sid).close()

    def start(self, tx_factory, config: DeliveryConfig, subscriber_ids: list[str], clock) -> None:
        """A turn for each subscriber without one, while the pool has room; whom the pool could not take this
        round goes first next round."""
        if self.pool.size != config.concurrency:
            self.pool.resize(config.concurrency)
        n = len(subscriber_ids)
        order = [subscriber_ids[(self.offset + k) % n] for k in range(n)] if n else []
        started = 0
        for sid in order:
            if sid in self.running:
                continue
            if not self.pool.free():
                break
            self.running[sid] = thread = self.pool.spawn(self._guarded, tx_factory, config, sid, clock)
            thread.link(self._end, sid)
            started += 1
        self.offset = (self.offset + started) % n if n else 0

    def _guarded(self, tx_factory, config, subscriber_id, clock) -> dict[str, int]:
        try:
            return _turn(tx_factory, config, self, subscriber_id, clock)
        except lease.LeaseLost:
            log.warning("webhook subscriber %s: another gateway replica took over its deliveries; this one's last "
                        "attempts are not recorded and will be sent again", subscriber_id)
        except Exception:
            log.exception("webhook subscriber %s: delivery turn failed", subscriber_id)
        return {"delivered": 0, "failed": 0}

    def _end(self, thread, subscriber_id: str) -> None:
        self.running.pop(subscriber_id, None)
        try:
            counts = thread.wait()
        except BaseException:   # killed with the process
            return
        for k, v in counts.items():
            self.ended[k] += v

    def wait(self, seconds: float | None) -> dict[str, int]:
        """Wait for the turns in progress (at most ``seconds``); the counts of every turn that ended since the
        previous call."""
        if seconds is None:
            self.pool.waitall()
        else:
            with eventlet.Timeout(seconds, False):
                self.pool.waitall()
        counts, self.ended = self.ended, {"delivered": 0, "failed": 0}
        return counts


_replicas: dict[str, _Replica] = {}


def deliver(tx_factory, config: DeliveryConfig, now: datetime | None = None, *,
            holder: str = lease.HOLDER) -> dict[str, int]:
    """One round: a turn (see ``_turn``) for every active subscriber this replica may deliver to and is not
    already delivering to, up to ``config.concurrency`` at once, each in its own green thread.

    The round waits ``config.round_seconds`` at most (None: until every turn has ended). A turn still running then
    (a receiver that is slow, or stalls until its timeout) goes on by itself and its subscriber sits out the next
    rounds until it ends, so it never holds the others back. Returned: the attempts of the turns that ended during
    this call. ``now`` fixes the clock for back-off (tests); otherwise each step reads the wall clock."""
    fixed = _utc(now) if now is not None else None

    def clock() -> datetime:
        return fixed or datetime.now(UTC)

    replica = _replicas.get(holder) or _replicas.setdefault(holder, _Replica(holder))
    with tx_factory.read() as session:
        active = list(session.scalars(select(WebhookSubscriber.id).where(WebhookSubscriber.active.is_(True))))
        busy = _with_work(session, clock())
    replica.forget_all_but(set(active))
    replica.start(tx_factory, config, busy, clock)
    return replica.wait(config.round_seconds)


def settle(holder: str = lease.HOLDER, seconds: float | None = None) -> dict[str, int]:
    """Wait (at most ``seconds``) for this replica's turns in progress to end; the counts of the turns that ended
    and were not yet reported."""
    replica = _replicas.get(holder)
    return replica.wait(seconds) if replica else {"delivered": 0, "failed": 0}
