"""What a stage's document set must contain when the department submits it, and the entry conditions of the
simplified paths (rules.md §3.3 T20–T30, §6.3; Art 10, 11, 13, 14, 18, 19, 20). Pure.

``content`` is what ``SubmissionSchema`` loaded; ``flags`` the project's flags as they stand (the
department's declaration, plus what FG (R-11-3) or 网信 (R-18-2) set)."""

from __future__ import annotations

from itpm_common.errors import Refusal, validation

from . import stages
from .verdicts import refusal

ART10, ART11, ART13, ART14, ART18, ART19, ART20 = (
    "第十条", "第十一条", "第十三条", "第十四条", "第十八条", "第十九条", "第二十条")

PREAPPROVAL_ITEMS = {"energy_assessment": "节能评估", "site_selection": "规划选址",
                     "land_pre_review": "用地预审", "environmental_impact": "环境影响评价"}
INFRASTRUCTURE_ITEMS = {"egov_network": "电子政务网络", "gov_cloud": "政务云服务",
                        "bigdata_center": "大数据中心数据资源", "lyg_app": "“我的连云港”APP"}
SECURITY_PARTS = {"needs_analysis": "网络安全需求分析", "tasks_and_content": "建设任务及内容",
                  "protection_design": "保障体系设计", "investment_fen": "投资概算"}
URGENT_BASIS_KINDS = ("REQUIREMENT_DOCUMENT", "NATIONAL_STRATEGY", "NATIONAL_SECURITY", "OTHER_SPECIAL_REASON")
CRYPTO_EVALUATION_PASSES = ("PASS", "PASS_WITH_CHANGES")


def _blank(text) -> bool:
    return text is None or not str(text).strip()


# ---------------------------------------------------------------- entry (T20, T23, T29, T30)


def not_a_build_project(project_id: str, category: str | None) -> Refusal | None:
    """R-10-9 [I, A-10]: 发改's approval is for BUILD projects; O&M goes to funds under Art 30."""
    if category == "BUILD":
        return None
    return refusal("E10-NOT-A-BUILD-PROJECT", "R-10-9", ART10,
                   "运维类项目不履行发改审批程序，应按第三十条向市财政部门申请运行维护经费",
                   project_id=project_id, category=category)


def path1_blocker(plan_listed: bool, content: dict) -> Refusal | None:
    """R-10-5: a direct FSR for a project in the approved annual plan (checked from 发改's copy), or one citing
    an item of a national, provincial or municipal e-government plan with evidence [I]."""
    if plan_listed:
        return None
    evidence = content.get("plan_listing_evidence")
    if evidence and evidence.get("document") and not _blank(evidence.get("item")):
        return None
    return refusal("E10-PATH1-NOT-ELIGIBLE", "R-10-5", ART10,
                   "项目未列入批准的年度建设计划，也未提供列入国家、省、市电子政务规划的依据，"
                   "不能直接编报可行性研究报告", plan_listed=plan_listed)


def path2_blockers(content: dict) -> list[Refusal]:
    """R-10-6 (a) and (b); (c), FG's depth confirmation, is checked at approval."""
    out = []
    basis = content.get("urgent_basis") or {}
    kind = basis.get("kind")
    grounded = kind in URGENT_BASIS_KINDS and (
        (kind == "REQUIREMENT_DOCUMENT" and basis.get("document") and not _blank(basis.get("issuer")))
        or (kind != "REQUIREMENT_DOCUMENT" and not _blank(basis.get("reason"))))
    if not grounded:
        out.append(refusal("E10-PATH2-BASIS-MISSING", "R-10-6", ART10,
                           "紧急项目须提供党中央、国务院、省委、省政府、市委、市政府明确要求的文件，"
                           "或说明国家重大战略、国家安全等特殊原因", basis_kind=kind))
    if _blank(content.get("urgency_statement")):
        out.append(refusal("E10-PATH2-URGENCY-MISSING", "R-10-6", ART10, "须说明情况紧急的理由"))
    return out


def path3_blocker(total_investment_fen: int) -> Refusal | None:
    """R-10-7, TH-2: 总投资 ≤ 10,000,000.00 元 (以下含本数)."""
    if stages.combined_allowed(total_investment_fen):
        return None
    return refusal("E10-COMBINED-OVER-LIMIT", "R-10-7", ART10,
                   "总投资在1000万元以下（含1000万元）的项目方可合并编报和审批",
                   total_investment_fen=total_investment_fen, limit_fen=stages.COMBINED_APPROVAL_MAX_FEN,
                   boundary="10,000,000.00 inclusive (以下含本数, 民法典第1259条)")


def cross_level_blockers(content: dict) -> list[Refusal]:
    """R-13-1 levels and linkage list (or "none", which 政务办 confirms in review); R-13-2 municipal part only."""
    cl = content.get("cross_level")
    if not cl:
        return []
    out = []
    if not cl.get("levels") or not (cl.get("linkages") or cl.get("linkage_none")):
        out.append(refusal("E13-LINKAGE-MISSING", "R-13-1", ART13,
                           "跨层级项目须写明涉及的层级，并列出与国家、省、县（区）已有项目的衔接清单或声明无相关项目",
                           levels=cl.get("levels") or []))
    uncited = [p.get("level") for p in cl.get("other_level_parts") or [] if _blank(p.get("approval_reference"))]
    if not cl.get("municipal_portion_only") or uncited:
        out.append(refusal("E13-NON-MUNICIPAL-PORTION", "R-13-2", ART13,
                           "报市发改部门审批的只能是市级部分的建设内容和投资，其他层级部分应注明其审批文件",
                           municipal_portion_only=bool(cl.get("municipal_portion_only")), uncited_levels=uncited))
    return out


# ---------------------------------------------------------------- content of a stage (T22, T23, T25, T29, T30)


def documents_error(stage: str, content: dict) -> Refusal | None:
    docs = content.get("documents") or {}
    missing = [k for k in stages.DOCUMENTS[stage] if not docs.get(k)]
    if missing:
        return validation({"documents": {k: ["必填项缺失"] for k in missing}},
                          reason_zh=f"报送{stages.STAGE_ZH[stage]}须附相应文本")
    return None


def estimate_error(stage: str, content: dict) -> Refusal | None:
    """§6.3: a PD (and a package) carries the 概算 with line items that add up to it exactly (VALIDATION)."""
    if stage not in stages.HAS_PD_CONTENT:
        return None
    est = content.get("estimate")
    if not est:
        return validation({"estimate": ["初步设计须附投资概算及明细"]})
    total = sum(i["amount_fen"] for i in est["line_items"])
    if total != est["total_fen"]:
        return validation({"estimate": [f"概算明细合计 {total} 分与概算总额 {est['total_fen']} 分不一致"]},
                          reason_zh="投资概算明细之和须等于概算总额")
    return None


def chapter_blockers(content: dict, classified: bool) -> list[Refusal]:
    """R-14-1, R-14-2, R-18-1, R-18-4: the two chapters, the four parts, crypto content, 分级保护 summary."""
    out = []
    sharing = content.get("sharing_chapter") or {}
    if _blank(sharing.get("content")):
        out.append(refusal("E14-SHARING-CHAPTER-MISSING", "R-14-1", ART14, "缺少信息资源共享分析篇（章）"))
    sec = content.get("security_chapter")
    if not sec:
        out.append(refusal("E14-SECURITY-CHAPTER-MISSING", "R-14-1", ART14, "缺少网络安全保障措施篇（章）"))
        return out
    for key, part in SECURITY_PARTS.items():
        value = sec.get(key)
        if value is None or (key != "investment_fen" and _blank(value)):
            out.append(refusal("E14-SECURITY-PART-MISSING", "R-14-2", ART14,
                               f"网络安全保障措施篇（章）缺少“{part}”", part=part))
    if _blank(sec.get("crypto_content")):
        out.append(refusal("E18-CRYPTO-CONTENT-MISSING", "R-18-1", ART18,
                           "网络安全保障措施篇（章）须包含密码应用内容"))
    if classified and _blank(sec.get("tiered_protection_summary")):
        out.append(refusal("E18-TIERED-PROTECTION-MISSING", "R-18-4", ART18,
                           "涉密项目须提供分级保护设计的非涉密摘要"))
    return out


def crypto_plan_blockers(content: dict) -> list[Refusal]:
    """R-18-2: an important-domain FSR or package carries the 密码应用建设方案 and its evaluation."""
    plan = content.get("crypto_plan") or {}
    if not plan.get("document"):
        return [refusal("E18-CRYPTO-PLAN-MISSING", "R-18-2", ART18, "重要领域信息系统须制定密码应用建设方案")]
    ev = plan.get("evaluation") or {}
    passed = ev.get("conclusion") in CRYPTO_EVALUATION_PASSES
    if _blank(ev.get("evaluator")) or not ev.get("evaluated_on") or not passed:
        return [refusal("E18-CRYPTO-PLAN-NOT-EVALUATED", "R-18-2", ART18,
                        "密码应用建设方案须经专家或测评机构评估并给出通过结论",
                        conclusion=ev.get("conclusion"))]
    return []


def reliability_blocker(content: dict) -> Refusal | None:
    """R-19-1: the statement on the security and reliability of the key products."""
    st = content.get("reliability_statement") or {}
    if st.get("products"):
        return None
    return refusal("E19-RELIABILITY-STATEMENT-MISSING", "R-19-1", ART19,
                   "报批材料须包含软硬件产品安全可靠情况说明（关键产品、供应商及情况）")


def energy_target_blocker(content: dict) -> Refusal | None:
    """§6.3 [I, from Art 19]: a PD for a new data centre states its design energy-efficiency target."""
    if not _blank((content.get("energy_efficiency_target") or {}).get("design_pue")):
        return None
    return refusal("E19-ENERGY-EFFICIENCY-MISSING", "R-19-3", ART19,
                   "新建数据中心的初步设计须明确设计能效指标（如 PUE）")


def infrastructure_blocker(content: dict) -> Refusal | None:
    """R-20-1: each of the four shared infrastructures USED, NOT_APPLICABLE or NOT_USED (with reasons)."""
    infra = content.get("infrastructure") or {}
    missing = [zh for key, zh in INFRASTRUCTURE_ITEMS.items()
               if not infra.get(key)
               or (infra[key]["status"] == "NOT_USED" and _blank(infra[key].get("justification")))]
    if not missing:
        return None
    return refusal("E20-INFRASTRUCTURE-DECLARATION-MISSING", "R-20-1", ART20,
                   "须就电子政务网络、政务云服务、大数据中心数据资源和“我的连云港”APP 逐项说明使用情况，"
                   "未使用的说明理由",
                   items=missing)


def preapproval_blocker(content: dict, new_civil_works: bool, high_energy: bool) -> Refusal | None:
    """R-11-1: with neither flag nothing is demanded. R-11-2: with either, each of the four items is OBTAINED
    (with its document reference) or NOT_APPLICABLE_BY_LAW (with the legal reason)."""
    if not (new_civil_works or high_energy):
        return None
    given = content.get("preapprovals") or {}
    missing = []
    for key, zh in PREAPPROVAL_ITEMS.items():
        item = given.get(key)
        ok = item is not None and (
            (item["status"] == "OBTAINED" and not _blank(item.get("reference")))
            or (item["status"] == "NOT_APPLICABLE_BY_LAW" and not _blank(item.get("legal_reason"))))
        if not ok:
            missing.append(zh)
    if not missing:
        return None
    return refusal("E11-PREAPPROVALS-MISSING", "R-11-2", ART11,
                   f"项目新增土建或属于高耗能项目，须提供{('、'.join(missing))}的批复文件或依法无需办理的说明",
                   items=missing, new_civil_works=new_civil_works, high_energy=high_energy)


def content_blockers(stage: str, content: dict, flags: dict) -> list[Refusal]:
    """Everything the stage's documents must contain (rules.md §6.3), in the order of the articles."""
    out: list[Refusal] = []
    if stage in stages.HAS_FSR_CONTENT:
        out += [r for r in [preapproval_blocker(content, flags["new_civil_works"], flags["high_energy"])] if r]
    if stage in stages.HAS_CHAPTERS:
        out += chapter_blockers(content, flags["classified"])
        if stage in stages.HAS_FSR_CONTENT and flags["important_domain"]:
            out += crypto_plan_blockers(content)
        out += [r for r in [reliability_blocker(content)] if r]
    if stage in stages.HAS_PD_CONTENT and flags["new_data_center"]:
        out += [r for r in [energy_target_blocker(content)] if r]
    if stage in stages.HAS_FSR_CONTENT:
        out += [r for r in [infrastructure_blocker(content)] if r]
    return out


def duplicate_collection_flags(content: dict, shareable: list[dict]) -> list[dict]:
    """R-20-2: the data items this system will collect itself that another department's catalog already
    shares. ``shareable``: ``{"item","provider_unit_id","provider_project_id","resource_code"}`` rows."""
    collected = {i["name"].strip() for i in content.get("data_items") or [] if i.get("source") == "COLLECT"}
    seen, out = set(), []
    for row in shareable:
        key = (row["item"].strip(), row["provider_project_id"], row["resource_code"])
        if row["item"].strip() in collected and key not in seen:
            seen.add(key)
            out.append(row)
    return sorted(out, key=lambda r: (r["item"], r["provider_unit_id"], r["resource_code"] or ""))
