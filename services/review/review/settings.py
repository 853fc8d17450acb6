"""review's configuration switches (rules.md §10), read once per container.

Values arrive from nameko's YAML after environment substitution, so the
threshold may be an int or a string and the switch a bool or "true"/"false".
"""

from __future__ import annotations

from dataclasses import dataclass

from nameko.extensions import DependencyProvider

from itpm_common.switches import parse_switch

BEFORE_REVIEW_CONCLUSION = "BEFORE_REVIEW_CONCLUSION"
BEFORE_APPROVAL_ENTRY = "BEFORE_APPROVAL_ENTRY"
SPECIAL_REPORT_GATES = (BEFORE_REVIEW_CONCLUSION, BEFORE_APPROVAL_ENTRY)

# 超过1000万元: 10,000,000.00 元 in fen.
DEFAULT_LARGE_INVESTMENT_THRESHOLD_FEN = 1_000_000_000


def _threshold(value) -> int:
    if value in (None, ""):
        return DEFAULT_LARGE_INVESTMENT_THRESHOLD_FEN
    if isinstance(value, bool):
        raise ValueError(f"LARGE_INVESTMENT_THRESHOLD_FEN must be an amount in fen, got {value!r}")
    parsed = int(str(value).strip().replace(",", "").replace("_", ""))
    if parsed < 0:
        raise ValueError(f"LARGE_INVESTMENT_THRESHOLD_FEN must not be negative, got {value!r}")
    return parsed


def _gate(value) -> str:
    if value in (None, ""):
        return BEFORE_REVIEW_CONCLUSION
    gate = str(value).strip().upper()
    if gate not in SPECIAL_REPORT_GATES:
        raise ValueError(f"SPECIAL_REPORT_GATE must be one of {SPECIAL_REPORT_GATES}, got {value!r}")
    return gate


def _switch(value, key: str, default: bool) -> bool:
    return parse_switch(value, default, key)


@dataclass(frozen=True)
class ReviewSettings:
    large_investment_threshold_fen: int = DEFAULT_LARGE_INVESTMENT_THRESHOLD_FEN
    special_report_gate: str = BEFORE_REVIEW_CONCLUSION
    adhoc_funding_must_cover_total: bool = True

    @classmethod
    def from_config(cls, config) -> ReviewSettings:
        return cls(
            large_investment_threshold_fen=_threshold(config.get("LARGE_INVESTMENT_THRESHOLD_FEN")),
            special_report_gate=_gate(config.get("SPECIAL_REPORT_GATE")),
            adhoc_funding_must_cover_total=_switch(config.get("ADHOC_FUNDING_MUST_COVER_TOTAL"),
                                                   "ADHOC_FUNDING_MUST_COVER_TOTAL", True),
        )


class SettingsProvider(DependencyProvider):
    def setup(self):
        # Parsed at start so a bad value stops the container, not a decision.
        self.settings = ReviewSettings.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings
