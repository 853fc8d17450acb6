"""The Art 9 funding-confirmation rules funds enforces, as pure functions."""

from __future__ import annotations

from dataclasses import dataclass

from itpm_common.errors import Refusal
from itpm_common.switches import parse_switch as _parse_switch

SECURED, PARTIAL, NOT_SECURED = "SECURED", "PARTIAL", "NOT_SECURED"
RESULTS = (SECURED, PARTIAL, NOT_SECURED)
RESULT_ZH = {SECURED: "资金已落实", PARTIAL: "资金部分落实", NOT_SECURED: "资金未落实"}

# ADHOC: an Art 9 application (追加 or superior-funded outside the plan), confirmed
# before the joint review. PLAN: a superior-funded plan application, confirmed
# before the Art 8 review places it in the draft plan (R-9-8, A-04).
ADHOC, PLAN = "ADHOC", "PLAN"
PATHS = (ADHOC, PLAN)
SUPERIOR_FUNDED = "SUPERIOR_FUNDED"

# Request states: nothing recorded for the current version yet; the latest
# confirmation falls short; the latest confirmation holds; no longer needed.
AWAITING, NOT_SECURED_STATUS, CONFIRMED, CLOSED = "AWAITING", "NOT_SECURED", "CONFIRMED", "CLOSED"
STATUSES = (AWAITING, NOT_SECURED_STATUS, CONFIRMED, CLOSED)
# What 财政 still has to act on.
AWAITING_CZ = (AWAITING, NOT_SECURED_STATUS)

FUNDING_CONFIRMED, FUNDING_NOT_SECURED = "FundingConfirmed", "FundingNotSecured"


@dataclass(frozen=True)
class Judgement:
    event: str  # FundingConfirmed or FundingNotSecured
    shortfall_fen: int

    @property
    def holds(self) -> bool:
        return self.event == FUNDING_CONFIRMED


def shortfall(confirmed_amount_fen: int, total_investment_fen: int) -> int:
    return max(total_investment_fen - confirmed_amount_fen, 0)


def judge(result: str, confirmed_amount_fen: int, total_investment_fen: int, path: str,
          must_cover_total: bool = True) -> Judgement:
    """R-9-2, T11: the confirmation satisfies 第九条 when the result is SECURED
    and the amount covers the total investment (equal is enough, one fen short
    is not). With ADHOC_FUNDING_MUST_COVER_TOTAL off, any recorded result
    satisfies it on the ad-hoc path; the result and shortfall still travel."""
    short = shortfall(confirmed_amount_fen, total_investment_fen)
    covers = result == SECURED and short == 0
    if covers or (path == ADHOC and not must_cover_total):
        return Judgement(FUNDING_CONFIRMED, short)
    return Judgement(FUNDING_NOT_SECURED, short)


def invalidated_by(confirmed_on_total_fen: int, new_total_fen: int) -> bool:
    """R-9-7: any increase of the total investment after a confirmation
    invalidates it; the same or a lower total leaves it standing."""
    return new_total_fen > confirmed_on_total_fen


def check_amount(result: str, confirmed_amount_fen: int) -> Refusal | None:
    """A SECURED result names the money secured: more than nothing."""
    if result == SECURED and confirmed_amount_fen <= 0:
        return Refusal(code="VALIDATION", rule="R-9-2", article="第九条",
                       reason_zh="确认结果为资金已落实时，确认金额须大于 0",
                       details={"fields": {"confirmed_amount_fen": ["资金已落实时确认金额须大于 0"]}})
    return None


def forbidden_to_confirm(role: str) -> Refusal:
    """R-9-3 with Art 4(四): only 财政 confirms funding."""
    return Refusal(code="AUTH-FORBIDDEN", rule="R-9-3", article="第九条",
                   reason_zh="资金落实情况须由市财政部门确认（第九条；第四条（四）财政部门职责），当前角色无权录入",
                   details={"role": role, "allowed_roles": ["CZ"], "articles": ["第九条", "第四条"]})


def parse_switch(value, default: bool = True) -> bool:
    """A yes/no configuration value as YAML or the environment gives it."""
    return _parse_switch(value, default)
