"""funds' own configuration (rules.md §10), read once from config.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from nameko.extensions import DependencyProvider

from .rules import parse_switch

# TH-1 (第十条 "项目投资概算100万元及以上还应经市财政部门审核概算"): 1,000,000.00 元
# in fen, inclusive. The text fixes it, so configuration may restate it but not move it.
ESTIMATE_REVIEW_THRESHOLD_FEN = 100_000_000


def _fixed_threshold(value) -> int:
    if value in (None, ""):
        return ESTIMATE_REVIEW_THRESHOLD_FEN
    try:
        fen = int(str(value).strip())
    except ValueError:
        raise ValueError(f"ESTIMATE_REVIEW_THRESHOLD_FEN must be an amount in fen, got {value!r}") from None
    if fen != ESTIMATE_REVIEW_THRESHOLD_FEN:
        raise ValueError(f"ESTIMATE_REVIEW_THRESHOLD_FEN is fixed by 第十条 at {ESTIMATE_REVIEW_THRESHOLD_FEN} "
                         f"(1,000,000.00 元, inclusive), got {value!r}")
    return fen


@dataclass(frozen=True)
class FundsSettings:
    # R-9-2 / T11: a confirmation must cover the total investment.
    adhoc_funding_must_cover_total: bool = True
    # R-10-3 / TH-1: 财政 reviews every 概算 at or above this amount.
    estimate_review_threshold_fen: int = ESTIMATE_REVIEW_THRESHOLD_FEN


class Settings(DependencyProvider):
    """nameko dependency giving workers ``self.settings``."""

    def setup(self):
        config = self.container.config
        self.settings = FundsSettings(
            adhoc_funding_must_cover_total=parse_switch(config.get("ADHOC_FUNDING_MUST_COVER_TOTAL"), True),
            estimate_review_threshold_fen=_fixed_threshold(config.get("ESTIMATE_REVIEW_THRESHOLD_FEN")))

    def get_dependency(self, worker_ctx):
        return self.settings
