"""Several rule violations answered as one refusal: the first decides the code, all are listed."""

from __future__ import annotations

from itpm_common.errors import Refusal


def refusal(code: str, rule: str, article: str, reason_zh: str, **details) -> Refusal:
    return Refusal(code=code, rule=rule, article=article, reason_zh=reason_zh, details=details)


def combined(refusals: list[Refusal]) -> Refusal:
    first = refusals[0]
    if len(refusals) == 1:
        return first
    return Refusal(code=first.code, rule=first.rule, article=first.article,
                   reason_zh=f"{first.reason_zh}（另有 {len(refusals) - 1} 项不符合要求）",
                   details={**first.details, "violations": [r.payload for r in refusals]})


def raise_any(refusals: list[Refusal]) -> None:
    if refusals:
        raise combined(refusals)


def as_list(refusals: list[Refusal]) -> list[dict]:
    """How a blocker looks to the portal: code, rule, article, reason and details."""
    return [{k: r.payload.get(k) for k in ("code", "rule", "article", "reason_zh", "details")} for r in refusals]
