"""The one refusal type that crosses nameko RPC intact (rules.md §0.2).

A service refuses by raising :class:`Refusal`. nameko serialises the
exception's args; because the class is registered with
``deserialize_to_instance`` the caller gets a ``Refusal`` back, not a
``RemoteError``, and the gateway maps its ``code`` to an HTTP status.
"""

from __future__ import annotations

import json
from typing import Any

from nameko.exceptions import deserialize_to_instance

# Generic codes of rules.md §0.2 and the HTTP status each one maps to.
GENERIC_STATUS = {
    "AUTH-UNAUTHENTICATED": 401,
    "AUTH-TOKEN-INVALID": 401,
    "AUTH-FORBIDDEN": 403,
    "AUTH-LOCKED": 429,
    "NOT-FOUND": 404,
    "STATE-INVALID": 409,
    "IDEMPOTENCY-CONFLICT": 409,
    "DUPLICATE": 409,
    "VALIDATION": 400,
    "PAYLOAD-TOO-LARGE": 413,
}
# An article's own refusal (E06-…, E26-…) is a rule violation: 422.
RULE_STATUS = 422


@deserialize_to_instance
class Refusal(Exception):
    """A decision refused under a named rule and article.

    The single positional arg is the payload as JSON text: nameko stringifies
    non-string values inside exception args (True → "True"), text survives.
    """

    def __init__(
        self,
        payload: dict | str | None = None,
        *,
        code: str | None = None,
        rule: str | None = None,
        article: str | None = None,
        reason_zh: str | None = None,
        reason_en: str | None = None,
        details: dict | None = None,
    ):
        if payload is None:
            payload = {
                "refused": True,
                "code": code,
                "rule": rule,
                "article": article,
                "reason_zh": reason_zh,
                "reason_en": reason_en,
                "details": details or {},
            }
        if isinstance(payload, dict):
            payload = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        super().__init__(payload)

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.args[0])

    code = property(lambda self: self.payload["code"])
    rule = property(lambda self: self.payload.get("rule"))
    article = property(lambda self: self.payload.get("article"))
    reason_zh = property(lambda self: self.payload.get("reason_zh"))
    reason_en = property(lambda self: self.payload.get("reason_en"))
    details = property(lambda self: self.payload.get("details") or {})

    @property
    def http_status(self) -> int:
        return GENERIC_STATUS.get(self.code, RULE_STATUS)

    def __str__(self) -> str:
        return f"{self.code} {self.rule or ''} {self.article or ''}: {self.reason_zh}"


def forbidden(action_zh: str, role: str | None, article: str = "第四条",
              rule: str = "R-4-1", allowed: list[str] | None = None) -> Refusal:
    return Refusal(
        code="AUTH-FORBIDDEN",
        rule=rule,
        article=article,
        reason_zh=f"当前角色无权{action_zh}（依据{article}职责分工）",
        details={"role": role, "allowed_roles": allowed or []},
    )


def not_found(kind_zh: str = "项目", ident: str | None = None) -> Refusal:
    # Deliberately the same for "absent" and "not yours" (rules.md §7.2).
    return Refusal(
        code="NOT-FOUND",
        rule=None,
        article=None,
        reason_zh=f"{kind_zh}不存在或无权查看",
        details={"id": ident} if ident else {},
    )


def state_invalid(reason_zh: str, current_state: str, holds=(), article=None,
                  rule=None, **details) -> Refusal:
    return Refusal(
        code="STATE-INVALID",
        rule=rule,
        article=article,
        reason_zh=reason_zh,
        details={"current_state": current_state, "holds": list(holds), **details},
    )


def validation(field_errors: dict, reason_zh: str = "提交的数据不符合要求") -> Refusal:
    return Refusal(
        code="VALIDATION",
        rule=None,
        article=None,
        reason_zh=reason_zh,
        details={"fields": field_errors},
    )


def unauthenticated(reason_zh: str = "身份凭证缺失、已过期或被篡改，请重新登录") -> Refusal:
    return Refusal(code="AUTH-TOKEN-INVALID", reason_zh=reason_zh)
