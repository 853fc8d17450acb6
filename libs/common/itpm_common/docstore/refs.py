"""What services exchange instead of document bytes, and the store's errors.

A :class:`DocumentRef` names a document by the SHA-256 digest of its bytes;
:class:`DocumentRejected` carries a refusal code and a message for the end
user, and the remaining errors report missing or altered stored objects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CODE_TOO_LARGE = "DOC-TOO-LARGE"
CODE_TYPE_NOT_ALLOWED = "DOC-TYPE-NOT-ALLOWED"
CODE_EMPTY = "DOC-EMPTY"
CODE_TYPE_MISMATCH = "DOC-TYPE-MISMATCH"
CODE_CLASSIFIED = "E18-CLASSIFIED-CONTENT"
_KNOWN_CODES = frozenset(
    {CODE_TOO_LARGE, CODE_TYPE_NOT_ALLOWED, CODE_EMPTY, CODE_TYPE_MISMATCH, CODE_CLASSIFIED}
)

_ALGORITHM = "sha256"
_DIGEST_RE = re.compile(r"^sha256:([0-9a-f]{64})$")


@dataclass(frozen=True)
class DocumentRef:
    """What services pass around instead of document bytes."""

    digest: str
    size: int
    media_type: str
    filename: str

    def __post_init__(self) -> None:
        if not isinstance(self.digest, str) or not _DIGEST_RE.match(self.digest):
            raise ValueError(f"invalid document digest: {self.digest!r}")
        # bool is an int subclass; a True size would be a silent bug upstream.
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise ValueError(f"invalid document size: {self.size!r}")
        if not isinstance(self.media_type, str) or not self.media_type:
            raise ValueError(f"invalid media type: {self.media_type!r}")
        if not isinstance(self.filename, str):
            raise TypeError(f"invalid filename: {self.filename!r}")

    @property
    def hexdigest(self) -> str:
        return self.digest.split(":", 1)[1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "size": self.size,
            "media_type": self.media_type,
            "filename": self.filename,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentRef:
        missing = [k for k in ("digest", "size", "media_type", "filename") if k not in data]
        if missing:
            raise ValueError(f"DocumentRef is missing fields: {', '.join(missing)}")
        return cls(
            digest=data["digest"],
            size=data["size"],
            media_type=data["media_type"],
            filename=data["filename"],
        )


class DocumentRejected(Exception):
    """An upload refused by policy; ``reason_zh`` is meant for the end user.

    All constructor arguments are kept in ``args`` so the exception survives
    pickling and RPC error serialisation intact.
    """

    def __init__(
        self,
        code: str,
        reason_zh: str,
        details: Mapping[str, Any] | None = None,
        rule: str | None = None,
        article: str | None = None,
    ) -> None:
        if code not in _KNOWN_CODES:
            raise ValueError(f"unknown document rejection code: {code!r}")
        details = dict(details or {})
        super().__init__(code, reason_zh, details, rule, article)
        self.code = code
        self.reason_zh = reason_zh
        self.details = details
        self.rule = rule
        self.article = article

    def __str__(self) -> str:
        return f"[{self.code}] {self.reason_zh}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "reason_zh": self.reason_zh,
            "details": self.details,
            "rule": self.rule,
            "article": self.article,
        }


class DocumentNotFound(LookupError):
    def __init__(self, digest: str) -> None:
        super().__init__(digest)
        self.digest = digest

    def __str__(self) -> str:
        return f"document not found: {self.digest}"


class DocumentIntegrityError(Exception):
    """Stored bytes no longer match their digest (tampering or corruption)."""

    def __init__(self, digest: str, detail: str) -> None:
        super().__init__(digest, detail)
        self.digest = digest
        self.detail = detail

    def __str__(self) -> str:
        return f"document {self.digest} failed integrity check: {self.detail}"


def _parse_digest(digest: str | DocumentRef) -> tuple[str, str]:
    if isinstance(digest, DocumentRef):
        digest = digest.digest
    match = _DIGEST_RE.match(digest) if isinstance(digest, str) else None
    if not match:
        raise ValueError(f"invalid document digest: {digest!r}")
    return digest, match.group(1)
