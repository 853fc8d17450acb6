"""What must hold before FG approves the current submission (rules.md §3.3 T21, T24, T28, T31). Pure.

``case_blockers`` reads only recorded facts, so the same list answers the command and the portal's
"what is still missing" (``get_approval_path``); ``decision_blockers`` adds what FG's own decision must
carry (opinions, statuses, evaluation references, the amount)."""

from __future__ import annotations

from dataclasses import dataclass, field

from itpm_common.errors import Refusal, validation

from . import catalog_rules, stages, submission_rules
from .verdicts import refusal

ART10, ART13, ART14, ART20, ART30, ART34 = "第十条", "第十三条", "第十四条", "第二十条", "第三十条", "第三十四条"
PASSES = ("PASS", "PASS_WITH_CONDITIONS")


@dataclass
class Review:
    """What approval knows of one review of one submission."""
    outcome: str | None                 # None while 政务办's review is open
    conditions: str | None = None
    conditions_acknowledged: bool = False
    catalog_exemption: bool = False
    accepted_duplicate_items: tuple = ()
    similar_systems_accepted: bool = False
    universal_entries: tuple = ()
    linkage_none_confirmed: bool = False
    review_id: str | None = None


@dataclass
class GateFacts:
    stage: str
    version_no: int
    content: dict
    estimate_fen: int | None
    flags: dict                                   # the case's flags as they stand now
    technical: Review | None = None               # 政务办's review of THIS submission
    older_version_reviewed: bool = False          # a review exists only for an earlier version (R-10-2 STALE)
    security_conclusion: str | None = None        # 网信's review of THIS submission
    estimate_status: str | None = None            # 财政: REQUESTED / REVIEWED
    reviewed_fen: int | None = None
    depth_confirmed: bool = False
    catalog: dict | None = None                   # the version this submission references
    catalog_version: int | None = None
    catalog_exempt: bool = False                  # A-11, recorded by 政务办 in a technical review
    universal_entries: frozenset = frozenset()
    non_sharing_approved: bool = False            # R-30-2: planning's NonSharingExceptionApproved
    framework_blockers: list = field(default_factory=list)   # R-12-7 (the framework seam's answer)


@dataclass(frozen=True)
class Settings:
    tech_review_required_for_pd: bool = True
    tech_review_required_for_proposal: bool = False
    catalog_required_for_pd: bool = True


def tech_review_required(stage: str, s: Settings) -> bool:
    """R-10-2 / A-09: FSR and packages always; PD and the proposal as configured."""
    if stage == stages.PROPOSAL:
        return s.tech_review_required_for_proposal
    if stage == stages.PD:
        return s.tech_review_required_for_pd
    return True


def catalog_required(stage: str, s: Settings) -> bool:
    """R-14-4: FSR and packages; PD as configured; never the proposal."""
    if stage == stages.PD:
        return s.catalog_required_for_pd
    return stage in stages.HAS_FSR_CONTENT


def technical_blocker(f: GateFacts) -> Refusal | None:
    t = f.technical
    if t is None or t.outcome is None:
        if t is None and f.older_version_reviewed:
            return refusal("E10-TECH-REVIEW-STALE", "R-10-2", ART10,
                           "市政务服务管理部门的审核意见针对的是此前的版本，本版本须重新审核或由其确认沿用",
                           version_no=f.version_no)
        return refusal("E10-TECH-REVIEW-MISSING", "R-10-2", ART10,
                       "报批前须经市政务服务管理部门牵头组织审核，本版本尚无审核结论",
                       version_no=f.version_no, review_open=t is not None)
    if t.outcome not in PASSES:
        return refusal("E10-TECH-REVIEW-MISSING", "R-10-2", ART10, "市政务服务管理部门的审核结论为不通过",
                       version_no=f.version_no, outcome=t.outcome)
    if t.outcome == "PASS_WITH_CONDITIONS" and not t.conditions_acknowledged:
        return refusal("E10-TECH-REVIEW-MISSING", "R-10-2", ART10,
                       "审核结论附有条件，项目建设单位须先确认已知悉并落实所附条件",
                       version_no=f.version_no, outcome=t.outcome, conditions=t.conditions,
                       conditions_acknowledged=False)
    return None


def security_review_blocker(f: GateFacts) -> Refusal | None:
    """[I] 网信 reviews the cybersecurity chapter (第四条(二)) of every FSR, PD and package before FG approves."""
    if f.security_conclusion in PASSES:
        return None
    return refusal("E14-CYBERSECURITY-REVIEW-MISSING", "R-14-2", ART14,
                   "网络安全保障措施篇（章）须经市委网信办网络安全审查通过",
                   version_no=f.version_no, conclusion=f.security_conclusion)


def estimate_blocker(f: GateFacts) -> Refusal | None:
    """R-10-3, TH-1: 概算 ≥ 1,000,000.00 needs 财政's concluded review; below it none is demanded."""
    if not stages.estimate_review_required(f.estimate_fen) or f.estimate_status == "REVIEWED":
        return None
    return refusal("E10-ESTIMATE-REVIEW-REQUIRED", "R-10-3", ART10,
                   "项目投资概算100万元及以上，须经市财政部门审核概算后方可批复",
                   estimate_fen=f.estimate_fen, threshold_fen=stages.ESTIMATE_REVIEW_THRESHOLD_FEN,
                   boundary="1,000,000.00 inclusive per 民法典第1259条", estimate_review=f.estimate_status)


def catalog_blockers(f: GateFacts, s: Settings) -> list[Refusal]:
    """R-14-4..R-14-7 on the catalog version the submission references (R-14-9), unless exempt (A-11)."""
    if not catalog_required(f.stage, s) or f.catalog_exempt:
        return []
    if f.catalog is None:
        return [refusal("E14-CATALOG-MISSING", "R-14-4", ART14,
                        "信息资源目录是审批政务信息化项目的必备条件，本次报送未引用信息资源目录",
                        catalog_version=f.catalog_version)]
    return catalog_rules.check_catalog(f.catalog, f.universal_entries)


def non_sharing_blocker(f: GateFacts) -> Refusal | None:
    """R-30-2: a system that will not share is built only after 政务办's review and the Leading Group's approval."""
    if f.stage not in stages.HAS_FSR_CONTENT:
        return None
    declared = bool(f.content.get("cannot_share"))
    if not catalog_rules.non_sharing(f.catalog, declared):
        return None
    basis = f.content.get("cannot_share_basis") or (f.catalog or {}).get("cannot_share_basis")
    if not basis or not str(basis).strip():
        return refusal("E30-NON-SHARING-BASIS-MISSING", "R-30-2", ART30,
                       "不能进行信息共享的系统须说明法律法规或上级要求依据")
    if not f.non_sharing_approved:
        return refusal("E30-NON-SHARING-NOT-APPROVED", "R-30-2", ART30,
                       "不能进行信息共享但确有必要建设的，须经市政务服务管理部门审核并报领导小组批准后方可建设")
    return None


def duplicate_collection_blocker(f: GateFacts) -> Refusal | None:
    """R-20-2: every flagged item is justified and 政务办 accepted the justification in review."""
    accepted = set(f.technical.accepted_duplicate_items) if f.technical else set()
    items = sorted({flag["item"] for flag in f.content.get("duplicate_collection_flags") or []} - accepted)
    if not items:
        return None
    return refusal("E20-DUPLICATE-COLLECTION", "R-20-2", ART20,
                   "可以通过共享交换获取的信息资源原则上不得重复采集：以下数据项未说明理由或理由未获市政务服务管理部门认可",
                   items=items)


def similar_systems_blocker(f: GateFacts) -> Refusal | None:
    """R-20-3: similar existing systems declared, and 政务办 accepted why they are not reused."""
    if not f.content.get("similar_systems") or (f.technical and f.technical.similar_systems_accepted):
        return None
    return refusal("E20-DUPLICATE-SYSTEM-UNJUSTIFIED", "R-20-3", ART20,
                   "已申报同类系统不予复用的理由尚未获市政务服务管理部门认可",
                   systems=[x["name"] for x in f.content["similar_systems"]])


def linkage_blocker(f: GateFacts) -> Refusal | None:
    """R-13-1: a cross-level project that declared no related project needs 政务办's confirmation."""
    cl = f.content.get("cross_level") or {}
    if not cl.get("linkage_none") or cl.get("linkages") or (f.technical and f.technical.linkage_none_confirmed):
        return None
    return refusal("E13-LINKAGE-MISSING", "R-13-1", ART13, "声明无相关已有项目的，须经市政务服务管理部门在审核中确认")


def case_blockers(f: GateFacts, s: Settings) -> list[Refusal]:
    """Everything recorded facts decide, in the order of the contract's FG list."""
    out: list[Refusal] = []

    def add(r):
        if r:
            out.extend(r if isinstance(r, list) else [r])

    if tech_review_required(f.stage, s):
        add(technical_blocker(f))
    if f.stage in stages.HAS_CHAPTERS:
        add(security_review_blocker(f))
    if f.stage in stages.FIXES_ESTIMATE:
        add(estimate_blocker(f))
    if f.stage == stages.URGENT_PACKAGE and not f.depth_confirmed:
        add(refusal("E10-PATH2-DEPTH-NOT-CONFIRMED", "R-10-6", ART10,
                    "紧急项目须经市发改部门确认前期工作深度达到规定要求后方可批复"))
    add(catalog_blockers(f, s))
    add(non_sharing_blocker(f))
    if f.stage in stages.HAS_FSR_CONTENT:
        # R-11-3 / R-18-2 [I]: a flag FG or 网信 set after the submission applies to the pending decision.
        add(submission_rules.preapproval_blocker(f.content, f.flags["new_civil_works"], f.flags["high_energy"]))
        if f.flags["important_domain"]:
            add(submission_rules.crypto_plan_blockers(f.content))
    add(f.framework_blockers)
    if f.stage in stages.HAS_FSR_CONTENT:
        add(duplicate_collection_blocker(f))
        add(similar_systems_blocker(f))
        add(linkage_blocker(f))
    return out


def _blank(text) -> bool:
    return text is None or not str(text).strip()


def opinion_blockers(decision: dict) -> list[Refusal]:
    """R-14-3: the 批复 or 请示 holds FG's opinion on both chapters."""
    out = []
    for key, chapter in (("sharing_chapter_opinion", "信息资源共享分析篇（章）"),
                         ("security_chapter_opinion", "网络安全保障措施篇（章）")):
        if _blank(decision.get(key)):
            out.append(refusal("E14-APPROVAL-OPINION-MISSING", "R-14-3", ART14,
                               f"批复文件或报送市政府的请示文件应当包括对{chapter}的意见", chapter=chapter))
    return out


def decision_blockers(f: GateFacts, decision: dict) -> list[Refusal]:
    """What FG's approval itself must carry (T24, T28, T31)."""
    out: list[Refusal] = []
    if f.stage in stages.HAS_CHAPTERS:
        out += opinion_blockers(decision)
    if f.stage in stages.FIXES_ESTIMATE:
        sharing, security = decision.get("sharing_status") or {}, decision.get("security_status")
        if _blank(sharing.get("completeness")) or _blank(sharing.get("timeliness")) or _blank(security):
            out.append(refusal("E14-BASIS-NOT-RECORDED", "R-14-8", ART14,
                               "批复须记载信息共享情况（完整性、时效性）和网络安全情况，作为确定建设投资的依据"))
        if not decision.get("evaluation_refs") and not decision.get("evaluation_none_available"):
            out.append(refusal("E34-EVALUATION-NOT-REFERENCED", "R-34-3", ART34,
                               "批复须引用该系统或单位最近的评价结果，或注明暂无评价结果"))
        approved = approved_estimate(f, decision)
        if f.reviewed_fen is not None and approved > f.reviewed_fen:
            out.append(refusal("E10-APPROVED-EXCEEDS-REVIEWED", "R-10-3", ART10,
                               "批复的投资概算不得超过市财政部门审核的金额",
                               approved_fen=approved, reviewed_fen=f.reviewed_fen))
    return out


def approved_estimate(f: GateFacts, decision: dict) -> int:
    return decision.get("approved_estimate_fen") or f.estimate_fen


def approved_line_items(f: GateFacts, decision: dict, reviewed_items: list | None) -> list[dict]:
    """The line items the 批复 prints: FG's own, else 财政's reviewed ones, else the submitted ones, whichever
    adds up to the approved 概算 (VALIDATION otherwise)."""
    total = approved_estimate(f, decision)
    for items in (decision.get("line_items"), reviewed_items, (f.content.get("estimate") or {}).get("line_items")):
        if items and sum(i["amount_fen"] for i in items) == total:
            return [{"code": i["code"], "name": i["name"], "amount_fen": i["amount_fen"]} for i in items]
        if items is decision.get("line_items") and items:
            break
    raise validation({"line_items": [f"须提供合计等于批复概算 {total} 分的概算明细"]},
                     reason_zh="批复概算与明细合计不一致")
