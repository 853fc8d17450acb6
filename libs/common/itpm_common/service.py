"""What every service has in common: signed caller, transactions, relay,
health, and the command wrapper that records refusals in the audit chain."""

from __future__ import annotations

import functools
import logging

from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy import text

from .errors import Refusal
from .identity import Caller
from .outbox import OutboxRelay

log = logging.getLogger(__name__)

RELAY_INTERVAL_S = 0.2


def command(action: str, project_arg: str | None = None):
    """An RPC entrypoint for a state-changing command.

    A refusal is re-raised to the caller (crossing RPC intact, never logged as
    a crash) after being appended to the audit chain in its own transaction.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except Refusal as refusal:
                try:
                    actor = self.caller.identity() if self.caller.present else None
                except Refusal:
                    actor = None
                project_id = kwargs.get(project_arg) if project_arg else None
                if project_arg and project_id is None and args:
                    project_id = args[0] if isinstance(args[0], str) else None
                self.tx.record_refusal(actor, action, refusal, project_id=project_id)
                raise

        return rpc(expected_exceptions=(Refusal,))(wrapper)

    return decorate


def query(fn):
    """An RPC entrypoint that only reads; refusals (404, 403) are expected."""
    return rpc(expected_exceptions=(Refusal,))(fn)


class ServiceBase:
    """Mixin for every domain service class (which sets ``name`` and ``tx``)."""

    caller = Caller()
    relay = OutboxRelay()

    @timer(interval=RELAY_INTERVAL_S)
    def relay_outbox(self):
        try:
            self.relay.flush(self.tx)
        except Exception as exc:  # broker down: rows stay pending, next tick retries
            log.warning("outbox relay: %s", exc)

    @rpc
    def health(self):
        db_ok, pending, error = True, None, None
        try:
            with self.tx.read() as session:
                session.execute(text("SELECT 1"))
            pending = self.relay.pending(self.tx)
        except Exception as exc:
            # The answer reaches the public /health: the kind of failure only.
            log.warning("health: database check failed: %s", exc)
            db_ok, error = False, type(exc).__name__
        return {"service": self.name, "status": "ok" if db_ok else "degraded",
                "database": "ok" if db_ok else "error", "outbox_pending": pending,
                "error": error, "time": self.tx.clock.now().isoformat()}
