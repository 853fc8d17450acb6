"""People: argon2 password hashes, login, sessions.

A session is an opaque random token handed to the browser; the database
keeps only its SHA-256, so reading the table does not give anyone a login.
Sessions expire absolutely after ``SESSION_TTL_SECONDS``; nothing extends
them, so a stolen token has a bounded life.

Times are written to the database in UTC: SQLite drops the offset of an
aware datetime without converting it, so a Shanghai time written as-is would
read back eight hours off.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from eventlet import tpool
from sqlalchemy import delete, select

from itpm_common.clock import SHANGHAI
from itpm_common.errors import Refusal
from itpm_common.identity import Identity

from .models import LoginFailure, User, UserSession
from .timeline import role_zh

SESSION_COOKIE = "itpm_session"
LOGIN_FAILED = "AUTH-LOGIN-FAILED"
LOGIN_LOCKED = "AUTH-LOCKED"
UNAUTHENTICATED = "AUTH-UNAUTHENTICATED"

# Login-failure handling (graded protection, 等级保护): this many failures in a
# row within the window lock the user name for the lock period.
MAX_LOGIN_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_PERIOD = timedelta(minutes=15)

_hasher = PasswordHasher()
_dummy_hash: str | None = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _burn_a_verify(password: str) -> None:
    # An unknown user name must cost as much as a wrong password, or the
    # response time tells which user names exist.
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    verify_password(_dummy_hash, password)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def _aware(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def login_failed() -> Refusal:
    return Refusal(code=LOGIN_FAILED, reason_zh="用户名或密码错误，请重新输入", details={})


def login_locked(until: datetime, now: datetime) -> Refusal:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return Refusal(code=LOGIN_LOCKED,
                   reason_zh=f"连续登录失败次数过多，该账号已临时锁定，请 {minutes} 分钟后再试",
                   details={"retry_after_minutes": minutes})


def unauthenticated() -> Refusal:
    return Refusal(code=UNAUTHENTICATED, reason_zh="未登录或登录已过期，请重新登录", details={})


@dataclass(frozen=True)
class CurrentUser:
    username: str
    name: str
    role: str
    unit_id: str
    unit_name: str
    session_expires_at: datetime | None = None

    @classmethod
    def of(cls, user: User, expires_at: datetime | None = None) -> CurrentUser:
        return cls(username=user.username, name=user.name, role=user.role, unit_id=user.unit_id,
                   unit_name=user.unit_name, session_expires_at=expires_at)

    @property
    def identity(self) -> Identity:
        return Identity(user_id=self.username, name=self.name, role=self.role,
                        unit_id=self.unit_id, unit_name=self.unit_name)

    def to_dict(self) -> dict:
        return {"username": self.username, "name": self.name, "role": self.role,
                "role_zh": role_zh(self.role), "unit_id": self.unit_id, "unit_name": self.unit_name}

    @property
    def expires_at_iso(self) -> str | None:
        if self.session_expires_at is None:
            return None
        return self.session_expires_at.astimezone(SHANGHAI).isoformat()


@dataclass(frozen=True)
class LoginResult:
    token: str
    user: CurrentUser

    def to_dict(self) -> dict:
        return {"token": self.token, "expires_at": self.user.expires_at_iso,
                "user": self.user.to_dict()}


def _off_the_hub(fn, *args):
    # argon2 spends ~0.2 s of CPU by design; in an OS thread (cffi releases
    # the GIL) it does not stall every other request of this eventlet process.
    return tpool.execute(fn, *args)


_ANONYMOUS = Identity(user_id="anonymous", name="", role="SYSTEM", unit_id="", unit_name="")


def login(tx_factory, username: str, password: str, ttl_seconds: int) -> LoginResult:
    now = tx_factory.clock.now()
    with tx_factory.read() as session:
        user = session.get(User, username)
        candidate = CurrentUser.of(user) if user is not None and user.active else None
        password_hash = user.password_hash if candidate else None
        record = session.get(LoginFailure, username)
        locked_until = _aware(record.locked_until) if record and record.locked_until else None
    if locked_until is not None and locked_until > now:
        # Refused before the password is even looked at: a locked name
        # cannot be used to go on guessing.
        refusal = login_locked(locked_until, now)
        tx_factory.record_refusal(_ANONYMOUS, "login", Refusal(
            code=LOGIN_LOCKED, reason_zh="账号锁定期间尝试登录", details={"username": username[:64]}))
        raise refusal
    if password_hash is None:
        _off_the_hub(_burn_a_verify, password)
    ok = password_hash is not None and _off_the_hub(verify_password, password_hash, password)
    current = candidate if ok else None
    if current is None:
        _count_failure(tx_factory, username, now)
        # Recorded in the audit chain (who tried which name) but the answer
        # to the client names neither the user nor the password as wrong.
        tx_factory.record_refusal(_ANONYMOUS, "login", Refusal(
            code=LOGIN_FAILED, reason_zh="登录失败", details={"username": username[:64]}))
        raise login_failed()
    token = secrets.token_urlsafe(32)
    with tx_factory.command(current.identity, "login") as tx:
        now = tx.now
        expires = now + timedelta(seconds=ttl_seconds)
        stored = tx.session.get(User, username)
        if _hasher.check_needs_rehash(stored.password_hash):
            stored.password_hash = _off_the_hub(_hasher.hash, password)
            stored.updated_at = _utc(now)
        # Expired sessions are dead weight; dropping them at login keeps the
        # table small without a separate sweeper.
        tx.session.execute(delete(UserSession).where(UserSession.expires_at < _utc(now)))
        tx.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
        tx.session.add(UserSession(token_hash=token_digest(token), username=username,
                                   created_at=_utc(now), expires_at=_utc(expires)))
        tx.audit("login", details={"session_expires_at": expires.isoformat()})
    return LoginResult(token=token, user=replace(current, session_expires_at=expires))


def token_from_request(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    cookie = request.cookies.get(SESSION_COOKIE)
    return cookie or None


def resolve(tx_factory, token: str | None) -> CurrentUser:
    if not token:
        raise unauthenticated()
    with tx_factory.read() as session:
        row = session.execute(
            select(UserSession, User).join(User, User.username == UserSession.username)
            .where(UserSession.token_hash == token_digest(token))).first()
        if row is None:
            raise unauthenticated()
        sess, user = row
        expires = _aware(sess.expires_at)
        if sess.revoked_at is not None or not user.active or expires <= tx_factory.clock.now():
            raise unauthenticated()
        return CurrentUser.of(user, expires)


def authenticate(tx_factory, request) -> CurrentUser:
    return resolve(tx_factory, token_from_request(request))


def _count_failure(tx_factory, username: str, now: datetime) -> None:
    """One more failure in a row; the limit within the window locks the name."""
    with tx_factory.command(_ANONYMOUS, "login_failure") as tx:
        record = tx.session.get(LoginFailure, username[:64])
        if record is None or _aware(record.first_failed_at) + FAILURE_WINDOW < now:
            if record is not None:
                tx.session.delete(record)
                tx.session.flush()
            record = LoginFailure(username=username[:64], failures=0, first_failed_at=_utc(now))
            tx.session.add(record)
        record.failures += 1
        if record.failures >= MAX_LOGIN_FAILURES:
            record.locked_until = _utc(now + LOCK_PERIOD)
            tx.audit("login_locked", outcome="RECORDED", details={"username": username[:64],
                                                                  "failures": record.failures})


def logout(tx_factory, token: str | None) -> bool:
    """Revoke the session the token names; False when there was none to end."""
    if not token:
        return False
    try:
        current = resolve(tx_factory, token)
    except Refusal:
        return False
    with tx_factory.command(current.identity, "logout") as tx:
        sess = tx.session.get(UserSession, token_digest(token))
        sess.revoked_at = _utc(tx.now)
        tx.audit("logout")
    return True
