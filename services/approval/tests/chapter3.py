"""Shared material of approval's Chapter 3 tests: the project, well-formed submissions, the facts other
services announce (as events), and a driver that takes a project to any point of its way."""

from __future__ import annotations

from datetime import datetime

from itpm_common.clock import SHANGHAI
from itpm_common.events import CloudEvent, event_type

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
DOC = {"digest": "sha256:" + "a" * 64, "size": 1024, "media_type": "application/pdf", "filename": "材料.pdf"}
FACTS = {"unit_id": "unit-a", "unit_name": "市民政局", "category": "BUILD", "plan_year": 2026, "classified": False}


def fact(service, name, subject, data, time=None):
    data = {"project_id": subject, **FACTS, **data}
    return CloudEvent(type=event_type(service, name), source=f"/itpm/{service}", subject=subject, data=data,
                      time=(time or NOW).isoformat(), unitid=data["unit_id"], actorrole="SYSTEM", actorid="system")


def planned(project_id, category="BUILD", unit_id="unit-a", name=None):
    return fact("planning", "PlanItemApproved", project_id,
                {"name": name or f"项目{project_id}", "category": category, "unit_id": unit_id, "state": "PLANNED"})


def copied(*project_ids):
    items = [{"project_id": p, "unit_id": "unit-a", "unit_name": "市民政局", "name": f"项目{p}", "category": "BUILD",
              "section_rank": i + 1, "estimate_fen": 500_000_000, "origin": "PLAN", "classified": False}
             for i, p in enumerate(project_ids)]
    return CloudEvent(type=event_type("planning", "AnnualPlanCopiedToFG"), source="/itpm/planning",
                      subject="annual-plan:2026", data={"plan_id": "plan-2026", "plan_year": 2026, "version_no": 1,
                                                        "items": items}, time=NOW.isoformat())


def security_chapter(**over):
    return {"needs_analysis": "需求分析", "tasks_and_content": "建设任务", "protection_design": "保障体系",
            "investment_fen": 5_000_000, "crypto_content": "商用密码应用", "tiered_protection_summary": None, **over}


INFRASTRUCTURE = {k: {"status": "USED"} for k in ("egov_network", "gov_cloud", "bigdata_center", "lyg_app")}
RELIABILITY = {"products": [{"name": "服务器", "supplier": "某厂商", "status": "自主可控"}]}


def proposal(total=80_000_000, **over):
    return {"total_investment_fen": total, "documents": {"proposal": DOC}, **over}


def fsr(total=80_000_000, **over):
    return {"total_investment_fen": total, "documents": {"fsr": DOC},
            "sharing_chapter": {"content": "共享分析"}, "security_chapter": security_chapter(),
            "reliability_statement": RELIABILITY, "infrastructure": INFRASTRUCTURE, **over}


def estimate(total):
    first = total // 2
    return {"total_fen": total, "line_items": [{"code": "01", "name": "软件开发", "amount_fen": first},
                                               {"code": "02", "name": "硬件购置", "amount_fen": total - first}]}


def pd(total=80_000_000, **over):
    return {"total_investment_fen": total, "documents": {"pd": DOC}, "sharing_chapter": {"content": "共享分析"},
            "security_chapter": security_chapter(), "reliability_statement": RELIABILITY,
            "estimate": estimate(total), **over}


def package(kind, total=80_000_000, **over):
    docs = {"fsr": DOC, "pd": DOC, **({"proposal": DOC} if kind == "COMBINED_PACKAGE" else {})}
    extra = {"urgent_basis": {"kind": "NATIONAL_SECURITY", "reason": "关键信息基础设施保护"},
             "urgency_statement": "汛期前必须上线"} if kind == "URGENT_PACKAGE" else {}
    return {**fsr(total), **pd(total), "documents": docs, **extra, **over}


def catalog(**over):
    return {"entries": [{"resource_code": "R-001", "name": "低保对象名录", "summary": "低保对象基本信息",
                         "provider_code": "unit-a", "share_type": "UNCONDITIONAL",
                         "consumer_scope": {"kind": "ALL_GOVERNMENT_DEPARTMENTS"}, "open_scope": {"kind": "NOT_OPEN"},
                         "sharing_method": "接口", "update_frequency": "每日", "completeness": "全市覆盖",
                         "data_items": [{"name": "身份证号", "type": "string"}]}],
            "sharing_mechanism": "建立数据共享长效机制", "feedback_mechanism": "按季度反馈使用情况", **over}


DECISION = {"sharing_chapter_opinion": "同意共享分析篇", "security_chapter_opinion": "同意网络安全篇",
            "sharing_status": {"completeness": "目录完整", "timeliness": "每日更新"}, "security_status": "符合等保二级",
            "evaluation_none_available": True}


def technical(project_id, sub, outcome="PASS", **over):
    return fact("review", "TechnicalReviewConcluded", project_id, {
        "review_id": f"tr-{sub['submission_id'][:8]}", "submission_id": sub["submission_id"], "stage": sub["stage"],
        "version_no": sub["version_no"], "digest": sub["digest"], "outcome": outcome,
        "consolidated_opinion": "同意", "conditions": over.pop("conditions", None), "catalog_exemption": False,
        "accepted_duplicate_items": [], "similar_systems_accepted": False, "universal_entries": [],
        "linkage_none_confirmed": False, "carried_over_from": None, **over})


def cybersecurity(project_id, sub, conclusion="PASS", important_domain=False):
    return fact("security", "CybersecurityReviewRecorded", project_id, {
        "submission_id": sub["submission_id"], "stage": sub["stage"], "version_no": sub["version_no"],
        "digest": sub["digest"], "conclusion": conclusion, "opinion": "符合", "important_domain": important_domain})


def estimate_requested(project_id, sub):
    return fact("funds", "EstimateReviewRequested", project_id, {
        "submission_id": sub["submission_id"], "stage": sub["stage"], "version_no": sub["version_no"],
        "requested_fen": sub["estimate_fen"], "line_items": []})


def estimate_reviewed(project_id, sub, reviewed_fen, line_items=None):
    return fact("funds", "EstimateReviewed", project_id, {
        "submission_id": sub["submission_id"], "stage": sub["stage"], "requested_fen": sub["estimate_fen"],
        "reviewed_fen": reviewed_fen, "opinion": "审核通过", "line_items": line_items or []})
