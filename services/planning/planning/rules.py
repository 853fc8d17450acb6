"""The articles planning enforces on a plan application, as pure functions.

Each check returns the violations it finds; ``check_plan_application``
gathers them so a department sees every missing item at once (rules.md §6:
"The refusal names one or more missing items").
"""

from __future__ import annotations

from dataclasses import dataclass

from itpm_common.errors import Refusal


@dataclass(frozen=True)
class Violation:
    code: str
    rule: str
    article: str
    reason_zh: str
    item: str | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "rule": self.rule, "article": self.article,
                "reason_zh": self.reason_zh, "item": self.item}


INTERNAL_REVIEW_ASPECTS = {
    "necessity": "必要性",
    "feasibility": "可行性",
    "completeness": "完整性",
    "conformity": "规范性",
}


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def check_art6(app: dict) -> list[Violation]:
    v: list[Violation] = []
    if not app["policy_basis"]:
        v.append(Violation("E06-POLICY-BASIS-MISSING", "R-6-1", "第六条",
                           "申报须列明政策依据文件（标题、文号、发文层级）", "policy_basis"))
    if _blank(app["need"]):
        v.append(Violation("E06-NEED-MISSING", "R-6-1", "第六条", "申报须说明需求", "need"))
    if _blank(app["objectives"]):
        v.append(Violation("E06-OBJECTIVES-MISSING", "R-6-1", "第六条", "申报须明确建设目标",
                           "objectives"))
    if _blank(app["intensive_sharing"]):
        v.append(Violation("E06-INTENSIVE-SHARING-MISSING", "R-6-2", "第六条",
                           "申报须说明集约化建设和整合共享情况", "intensive_sharing"))
    if not app["standards"]:
        v.append(Violation("E06-STANDARDS-MISSING", "R-6-2", "第六条",
                           "申报须列明遵循的国家、省、市标准规范", "standards"))
    if _blank(app["content"]):
        v.append(Violation("E06-CONTENT-MISSING", "R-6-3", "第六条", "申报须说明建设内容",
                           "content"))
    if app["estimate_fen"] <= 0:
        v.append(Violation("E06-ESTIMATE-MISSING", "R-6-3", "第六条",
                           "申报须填报大于零的投资估算", "estimate_fen"))
    if not app["funding_sources"]:
        v.append(Violation("E06-FUNDING-SOURCE-MISSING", "R-6-3", "第六条",
                           "申报须列明资金来源及金额", "funding_sources"))
    elif app["estimate_fen"] > 0:
        total = sum(s["amount_fen"] for s in app["funding_sources"])
        if total != app["estimate_fen"]:
            v.append(Violation("E06-FUNDING-SOURCE-MISMATCH", "R-6-3", "第六条",
                               f"资金来源合计 {total} 分与投资估算 {app['estimate_fen']} 分不一致",
                               "funding_sources"))
    if _blank(app["security_solution"]):
        v.append(Violation("E06-SECURITY-SOLUTION-MISSING", "R-6-4", "第六条",
                           "申报须有信息安全解决方案", "security_solution"))
    return v


def check_art7(app: dict) -> list[Violation]:
    v: list[Violation] = []
    review = app["internal_review"] or {}
    missing = [zh for key, zh in INTERNAL_REVIEW_ASPECTS.items() if not review.get(key)]
    missing += ["签署人"] if _blank(review.get("signed_by")) else []
    if missing:
        v.append(Violation("E07-INTERNAL-REVIEW-MISSING", "R-7-1", "第七条",
                           f"申报前须完成内部审核并签署，缺少：{'、'.join(missing)}", "internal_review"))
    if not app["category"]:
        v.append(Violation("E07-CATEGORY-MISSING", "R-7-2", "第七条",
                           "须注明项目类别：建设类或运维类", "category"))
    if app["rank"] is None or app["rank"] < 1:
        v.append(Violation("E07-RANK-MISSING", "R-7-3", "第七条",
                           "须按轻重缓急填报本单位排序（不小于 1 的整数）", "rank"))
    docs = app["documents"] or {}
    if not docs.get("application_form"):
        v.append(Violation("E07-APPLICATION-FORM-MISSING", "R-7-4", "第七条", "须上传申报书",
                           "documents.application_form"))
    if not docs.get("project_plan"):
        v.append(Violation("E07-PROJECT-PLAN-MISSING", "R-7-4", "第七条", "须上传项目方案",
                           "documents.project_plan"))
    return v


def check_art20(app: dict) -> list[Violation]:
    if app["infrastructure"] is None:
        return [Violation("E20-INFRASTRUCTURE-DECLARATION-MISSING", "R-20-1", "第二十条",
                          "须声明对电子政务网络、政务云、大数据中心和“我的连云港”APP 的依托情况",
                          "infrastructure")]
    return []


def check_art31(app: dict) -> list[Violation]:
    if _blank(app["truthfulness_declared_by"]):
        return [Violation("E31-TRUTHFULNESS-DECLARATION-MISSING", "R-31-3", "第三十一条",
                          "须由项目责任人签署如实申报声明", "truthfulness_declared_by")]
    return []


def check_plan_application(app: dict) -> list[Violation]:
    return check_art6(app) + check_art7(app) + check_art20(app) + check_art31(app)


def build_kind_required(app: dict) -> dict:
    """Field-level checks that are formats, not articles (§6.1 items 3, 4)."""
    errors = {}
    if app["category"] == "BUILD" and not app["build_kind"]:
        errors["build_kind"] = ["建设类项目须注明新建、改建或扩建"]
    system = app["system"]
    if not system.get("existing_system_id") and not system.get("new_system_name"):
        errors["system"] = ["须引用已有系统编号或声明新建系统名称"]
    if (app["build_kind"] in ("UPGRADE", "EXPAND") or app["category"] == "OM") \
            and not system.get("existing_system_id"):
        errors.setdefault("system", []).append("改建、扩建及运维类项目须引用已有系统编号")
    return errors


def refusal_for(violations: list[Violation]) -> Refusal:
    first = violations[0]
    return Refusal(code=first.code, rule=first.rule, article=first.article,
                   reason_zh=first.reason_zh if len(violations) == 1
                   else f"{first.reason_zh}（另有 {len(violations) - 1} 项不符合要求）",
                   details={"violations": [v.as_dict() for v in violations]})


def rank_duplicate(rank: int, category: str, taken: set[int]) -> Refusal | None:
    if rank in taken:
        return Refusal(code="E07-RANK-DUPLICATE", rule="R-7-3", article="第七条",
                       reason_zh=f"本单位{('建设类' if category == 'BUILD' else '运维类')}申报中已有排序 {rank}，"
                                 "同一类别内排序不得重复",
                       details={"rank": rank, "category": category, "taken": sorted(taken)})
    return None
