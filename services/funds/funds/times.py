"""Stored times as the reads show them."""

from __future__ import annotations

from itpm_common.clock import SHANGHAI


def iso(dt) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        # SQLite keeps the wall time without its offset; every stored time
        # came from the service clock, which reads Asia/Shanghai.
        dt = dt.replace(tzinfo=SHANGHAI)
    return dt.astimezone(SHANGHAI).isoformat()
