"""Webhook signatures, shared by the gateway that signs and the receiver that verifies.

The signature is ``sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`` over the exact body bytes, with the
timestamp (Unix seconds) of the attempt, so a captured request replayed later falls outside the receiver's window.
While a rotated secret's grace period runs, the header carries one signature per secret, comma-separated; a
receiver accepts the request when any of them verifies with a secret it holds.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

SCHEME = "sha256"
EVENT_ID_HEADER = "X-ITPM-Event-Id"
POSITION_HEADER = "X-ITPM-Feed-Position"
TIMESTAMP_HEADER = "X-ITPM-Timestamp"
SIGNATURE_HEADER = "X-ITPM-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def signature_header(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    return ",".join(signature(secret, timestamp, body) for secret in secrets)


def verify(secrets: Iterable[str], timestamp_header: str | None, signature_header_value: str | None, body: bytes,
           now: float, tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> str | None:
    """None when the request is authentic and fresh, else why not (for the receiver's log)."""
    if not timestamp_header or not signature_header_value:
        return "missing timestamp or signature"
    try:
        timestamp = int(timestamp_header)
    except ValueError:
        return "timestamp is not an integer"
    if abs(now - timestamp) > tolerance_seconds:
        return "timestamp outside the accepted window"
    offered = [part.strip() for part in signature_header_value.split(",") if part.strip()]
    for secret in secrets:
        expected = signature(secret, timestamp, body)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return None
    return "signature does not match"
