"""What 政务办's technical review decides on, as pure functions.

The review is of one submission: the exact document version approval
announced (R-10-2, A-09). 政务办's judgements on the catalog (A-11, A-12),
duplicate collection (R-20-2), similar systems (R-20-3) and a cross-level
"no related project" declaration (R-13-1) mean something only when the
submission raised the question; ``judgement_problems`` names each one that
does not, field by field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from itpm_common.errors import Refusal

STAGES = ("PROPOSAL", "FSR", "PD", "URGENT_PACKAGE", "COMBINED_PACKAGE")
STAGE_ZH = {
    "PROPOSAL": "项目建议书",
    "FSR": "可行性研究报告",
    "PD": "初步设计方案和投资概算",
    "URGENT_PACKAGE": "可行性研究报告、初步设计方案和投资概算（第十条第（二）项）",
    "COMBINED_PACKAGE": "合并编报的项目建议书、可行性研究报告、初步设计方案和投资概算（第十条第（三）项）",
}
# approval's announcements of a submitted stage (第十条).
SUBMISSION_EVENTS = {
    "ProposalSubmitted": "PROPOSAL",
    "FSRSubmitted": "FSR",
    "PreliminaryDesignSubmitted": "PD",
    "UrgentPackageSubmitted": "URGENT_PACKAGE",
    "CombinedPackageSubmitted": "COMBINED_PACKAGE",
}
# approval's decisions on a submission, and the stages an approval event may be about.
DECISION_EVENTS = {
    "ApprovalReturned": "RETURNED",
    "ApprovalRefused": "REFUSED",
    "ProposalApproved": "APPROVED",
    "FSRApproved": "APPROVED",
    "PreliminaryDesignApproved": "APPROVED",
}
APPROVED_STAGES = {
    "ProposalApproved": ("PROPOSAL",),
    "FSRApproved": ("FSR",),
    "PreliminaryDesignApproved": ("PD", "URGENT_PACKAGE", "COMBINED_PACKAGE"),
}
DECISION_ZH = {"RETURNED": "退回", "REFUSED": "不予批准", "APPROVED": "批准"}

OUTCOMES = ("PASS", "PASS_WITH_CONDITIONS", "FAIL")
PASSING = ("PASS", "PASS_WITH_CONDITIONS")
OUTCOME_ZH = {"PASS": "通过", "PASS_WITH_CONDITIONS": "附条件通过", "FAIL": "不通过"}

# Submission states: waiting for 政务办, under review, concluded; or out of
# the work list because a newer version replaced it or 发改 decided it first.
PENDING, IN_REVIEW, CONCLUDED, SUPERSEDED, CLOSED = "PENDING", "IN_REVIEW", "CONCLUDED", "SUPERSEDED", "CLOSED"
WORK_LIST = (PENDING, IN_REVIEW)
# Review states.
OPEN = "OPEN"
SUBMISSION_STATUS_ZH = {PENDING: "待政务办审核", IN_REVIEW: "审核中", CONCLUDED: "已作出审核结论",
                        SUPERSEDED: "已由新版本取代", CLOSED: "发改部门已作出决定"}

ARTICLE = "第十条"


def flagged_items(flags: Iterable[Mapping]) -> list[str]:
    """The data items approval flagged as collectable by sharing (R-20-2), in order, once each."""
    seen: list[str] = []
    for flag in flags:
        item = (flag.get("item") or "").strip()
        if item and item not in seen:
            seen.append(item)
    return seen


def _repeated(values: Iterable[str]) -> list[str]:
    seen, twice = set(), []
    for value in values:
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    return twice


def judgement_problems(judgements: Mapping, submission: Mapping) -> dict[str, list[str]]:
    """Field → what is wrong, for each judgement the submission gives no
    ground for. ``judgements`` holds catalog_exemption, accepted_duplicate_items
    ([{"item", "note"}]), similar_systems_accepted, universal_entries and
    linkage_none_confirmed; ``submission`` holds catalog_version,
    duplicate_collection_flags, similar_systems and linkage_none."""
    problems: dict[str, list[str]] = {}
    catalog_version = submission.get("catalog_version")
    if judgements.get("catalog_exemption") and catalog_version is not None:
        problems["catalog_exemption"] = [
            f"该版本已引用信息资源目录（第 {catalog_version} 版），不能认定为无信息资源而豁免目录（A-11、第十四条）"]
    entries = [e.strip() for e in judgements.get("universal_entries") or []]
    if entries and catalog_version is None:
        problems["universal_entries"] = ["该版本未引用信息资源目录，无目录条目可认定为应当普遍共享（A-12、第十四条）"]
    elif _repeated(entries):
        problems["universal_entries"] = ["目录条目重复：" + "、".join(_repeated(entries))]
    accepted = [(a.get("item") or "").strip() for a in judgements.get("accepted_duplicate_items") or []]
    flagged = flagged_items(submission.get("duplicate_collection_flags") or [])
    unflagged = [item for item in accepted if item not in flagged]
    if unflagged:
        problems["accepted_duplicate_items"] = [
            "以下数据项未被标记为可通过共享获取，无须认可其采集理由（第二十条、R-20-2）：" + "、".join(unflagged)]
    elif _repeated(accepted):
        problems["accepted_duplicate_items"] = ["数据项重复：" + "、".join(_repeated(accepted))]
    if judgements.get("similar_systems_accepted") and not submission.get("similar_systems"):
        problems["similar_systems_accepted"] = ["该版本未申报同类已建系统，无不复用理由可认可（第二十条、R-20-3）"]
    if judgements.get("linkage_none_confirmed") and not submission.get("linkage_none"):
        problems["linkage_none_confirmed"] = ["该版本未声明“无相关已建项目”，无须确认（第十三条、R-13-1）"]
    return problems


def check_carry_over(source: Mapping | None, stage: str, version_no: int) -> Refusal | None:
    """A-09: a new version may take over only the newest conclusion on the
    same stage's earlier versions, and only a passing one: a FAIL is what the
    new version answers, so 政务办 reviews it afresh. ``source`` holds
    review_id, version_no and outcome of that newest conclusion, or None."""
    if source is None:
        return Refusal(code="STATE-INVALID", rule="R-10-2", article=ARTICLE,
                       reason_zh=f"{STAGE_ZH[stage]}第 {version_no} 版之前没有已作出结论的技术审核，"
                                 "无可沿用，须开启审核",
                       details={"current_state": PENDING, "holds": [], "stage": stage, "version_no": version_no})
    if source["outcome"] not in PASSING:
        return Refusal(code="STATE-INVALID", rule="R-10-2", article=ARTICLE,
                       reason_zh=f"第 {source['version_no']} 版的技术审核结论为不通过，不能沿用；"
                                 f"第 {version_no} 版须重新审核",
                       details={"current_state": PENDING, "holds": [], "from_review_id": source["review_id"],
                                "from_version_no": source["version_no"], "outcome": source["outcome"]})
    return None
