"""The Art 10 estimate-review rules funds enforces (R-10-3, TH-1, R-4-1), as
pure functions."""

from __future__ import annotations

from datetime import datetime

from itpm_common.errors import Refusal
from itpm_common.money import fen_to_yuan_str

from .settings import ESTIMATE_REVIEW_THRESHOLD_FEN

ARTICLE = "第十条"

# The submissions that carry a 概算 (第十条: PD, and the packages of 10(2) and 10(3)).
PD, URGENT_PACKAGE, COMBINED_PACKAGE = "PD", "URGENT_PACKAGE", "COMBINED_PACKAGE"
STAGES = (PD, URGENT_PACKAGE, COMBINED_PACKAGE)
STAGE_OF_EVENT = {"PreliminaryDesignSubmitted": PD, "UrgentPackageSubmitted": URGENT_PACKAGE,
                  "CombinedPackageSubmitted": COMBINED_PACKAGE}

# Request states: 财政 has to review; 财政 reviewed; a newer version of the
# 概算 replaced it before the review; below TH-1, nothing to review.
OPEN, REVIEWED, SUPERSEDED, NOT_REQUIRED = "OPEN", "REVIEWED", "SUPERSEDED", "NOT_REQUIRED"
STATUSES = (OPEN, REVIEWED, SUPERSEDED, NOT_REQUIRED)
STATUS_ZH = {OPEN: "待财政审核", REVIEWED: "财政已审核", SUPERSEDED: "已被新版本概算取代", NOT_REQUIRED: "无需财政审核"}


def review_required(estimate_fen: int, threshold_fen: int = ESTIMATE_REVIEW_THRESHOLD_FEN) -> bool:
    """TH-1, R-10-3: "100万元及以上" includes the number itself (民法典第1259条),
    so 1,000,000.00 元 needs 财政's review and 999,999.99 元 does not.
    Exact integer fen; a float or a bool is a caller's bug, never an amount."""
    for name, value in (("estimate_fen", estimate_fen), ("threshold_fen", threshold_fen)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} 必须是整数（分）：{value!r}")
    return estimate_fen >= threshold_fen


def threshold_basis(estimate_fen: int, threshold_fen: int = ESTIMATE_REVIEW_THRESHOLD_FEN) -> dict:
    """What the TH-1 decision was made on, for the audit trail and the reads."""
    return {"estimate_fen": estimate_fen, "threshold_fen": threshold_fen,
            "threshold_yuan": fen_to_yuan_str(threshold_fen), "inclusive": "以上含本数（民法典第1259条）",
            "required": review_required(estimate_fen, threshold_fen)}


def is_newer(stage: str, version_no: int, submitted_at: str,
             than_stage: str, than_version_no: int, than_submitted_at: str) -> bool:
    """Whether a submission's 概算 replaces an earlier one of the same project.

    Within a stage the version number decides (a resubmission after a return
    is the next version). Across stages (a combined package returned with
    SEPARATE_STAGES_REQUIRED, then a PD) the later submission decides; at the
    same instant the one that arrived later counts as the newer."""
    if stage == than_stage:
        return version_no > than_version_no
    return datetime.fromisoformat(submitted_at) >= datetime.fromisoformat(than_submitted_at)


def forbidden_to_review(role: str) -> Refusal:
    """R-4-1 with 第四条(四): only 财政 performs estimate review (概算评审)."""
    return Refusal(code="AUTH-FORBIDDEN", rule="R-4-1", article="第四条",
                   reason_zh="概算审核须由市财政部门进行（第四条（四）财政部门职责；第十条），当前角色无权作出审核结论",
                   details={"role": role, "allowed_roles": ["CZ"], "articles": ["第四条", ARTICLE]})


def not_open(status: str, submission_id: str, superseded_by: str | None) -> Refusal:
    """Only an OPEN request can be concluded: a superseded one is about a
    概算 that is no longer before 发改, a reviewed one has its conclusion."""
    reason = {
        SUPERSEDED: "该版本概算已被新版本取代，请审核最新版本的概算",
        REVIEWED: "该版本概算财政已作出审核结论，不能重复审核",
    }.get(status, "该版本概算无需财政审核（未达100万元）")
    details = {"submission_id": submission_id, "status": status}
    if superseded_by:
        details["superseded_by"] = superseded_by
    return Refusal(code="STATE-INVALID", rule="R-10-3", article=ARTICLE, reason_zh=reason,
                   details={"current_state": status, "holds": [], **details})


def stale(expected_version: int, current_version: int, status: str) -> Refusal:
    """R-0-2: the decision was made on a version of the request that has since changed."""
    return Refusal(code="STATE-INVALID", rule="R-0-2", article=None,
                   reason_zh=f"概算审核申请在版本 {expected_version} 之后已有变化（现为版本 {current_version}），"
                             "本次审核结论未生效；请刷新后重试",
                   details={"current_state": status, "holds": [], "expected_version": expected_version,
                            "current_version": current_version})
