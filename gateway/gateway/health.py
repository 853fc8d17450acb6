"""GET /health: the broker and every service, asked at once, each bounded."""

from __future__ import annotations

import logging

import eventlet
import kombu
from eventlet.greenpool import GreenPool
from sqlalchemy import text

from .rpc import ServiceUnavailable, call

SERVICES = ("planning", "review", "approval", "funds", "acceptance", "security")


log = logging.getLogger(__name__)


def _failed(status: str, what: str, exc: Exception) -> dict:
    # /health answers anyone: the kind of failure is enough there; the
    # message (host names, user names, SQL) goes to the log for operators.
    log.warning("health: %s %s: %s", what, status, exc)
    return {"status": status, "error": type(exc).__name__}


def broker_status(amqp_uri: str, timeout: float) -> dict:
    try:
        with eventlet.Timeout(timeout, TimeoutError(f"no answer within {timeout:g}s")):
            conn = kombu.Connection(amqp_uri, connect_timeout=timeout)
            try:
                conn.connect()
            finally:
                conn.release()
    except Exception as exc:
        return _failed("unreachable", "broker", exc)
    return {"status": "ok"}


def database_status(tx_factory) -> dict:
    # Without its own database the gateway can log nobody in.
    try:
        with tx_factory.read() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:
        return _failed("error", "gateway database", exc)
    return {"status": "ok"}


def _service_status(name: str, proxy, timeout: float) -> dict:
    try:
        result = call(proxy, "health", timeout=timeout)
    except ServiceUnavailable as exc:
        return {"status": "unreachable", "error": exc.cause}
    except Exception as exc:
        return _failed("unreachable", name, exc)
    if not isinstance(result, dict):
        return {"status": "degraded", "error": f"unexpected health answer: {result!r}"}
    return result


def check(proxies: dict, amqp_uri: str, timeout: float, tx_factory) -> tuple[int, dict]:
    pool = GreenPool(len(proxies) + 1)
    broker = pool.spawn(broker_status, amqp_uri, timeout)
    pending = {name: pool.spawn(_service_status, name, proxy, timeout) for name, proxy in proxies.items()}
    database = database_status(tx_factory)
    services = {name: thread.wait() for name, thread in pending.items()}
    body = {"broker": broker.wait(), "database": database, "services": services}
    healthy = (body["broker"]["status"] == "ok" and database["status"] == "ok"
               and all(s.get("status") == "ok" for s in services.values()))
    body = {"status": "ok" if healthy else "degraded", **body}
    return (200 if healthy else 503), body
