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


def check_art2(app: dict) -> list[Violation]:
    """R-2-1: only a municipal budget unit's project paid from budget funds is registered here."""
    scope = app.get("scope")
    if scope is None:
        return [Violation("E02-OUT-OF-SCOPE", "R-2-1", "第二条",
                          "须声明项目属于市级部门预算单位使用预算资金建设的政务信息系统", "scope")]
    missing = []
    if not scope["budget_unit"]:
        missing.append("申报单位须为市级部门预算单位")
    if not scope["budget_funds"]:
        missing.append("项目须使用预算资金（含纳入市级预算的上级转移支付资金）")
    if scope["system_type"] == "OTHER" and _blank(scope.get("system_type_note")):
        missing.append("“其他”类型须说明其属于政务信息系统定义和范围的理由")
    if missing:
        return [Violation("E02-OUT-OF-SCOPE", "R-2-1", "第二条",
                          "不属于本办法适用范围：" + "；".join(missing), "scope")]
    return []


OM_STATUS_ITEMS = {
    "sharing_completeness": "数据共享完整性",
    "sharing_timeliness": "数据共享及时性",
    "protection_level": "等级保护级别",
    "last_security_test_on": "最近一次安全测评日期",
    "crypto_assessment": "密码应用安全性评估情况",
}


def check_om_status(app: dict) -> list[Violation]:
    """§6.1 item 21 (R-14-8): an O&M application records the running system's sharing and security."""
    if app["category"] != "OM":
        return []
    status = app.get("om_status") or {}
    missing = [zh for key, zh in OM_STATUS_ITEMS.items() if status.get(key) in (None, "")]
    if missing:
        return [Violation("E14-BASIS-NOT-RECORDED", "R-14-8", "第十四条",
                          f"运维类申报须填报现有系统的共享与安全情况，缺少：{'、'.join(missing)}", "om_status")]
    return []


def check_superior_funding(app: dict) -> list[Violation]:
    """R-9-1(b): superior funding is documented, with an amount above zero."""
    if app.get("origin") != "SUPERIOR_FUNDED":
        return []
    funding = app.get("superior_funding") or {}
    if not funding.get("document") or not funding.get("amount_fen"):
        return [Violation("E09-SUPERIOR-DOC-MISSING", "R-9-1", "第九条",
                          "上级部门安排经费的项目须上传上级资金文件并填报大于零的上级资金金额",
                          "superior_funding")]
    if funding["amount_fen"] > app["estimate_fen"] > 0:
        return [Violation("E06-FUNDING-SOURCE-MISMATCH", "R-6-3", "第六条",
                          "上级资金金额不能超过项目投资估算", "superior_funding.amount_fen")]
    return []


def check_adhoc_eligibility(app: dict) -> list[Violation]:
    """R-9-1: an ad-hoc application names why it is outside the plan, or shows superior funding."""
    origin = app.get("origin")
    if origin is None or (origin == "ADHOC" and not app.get("adhoc_reason")):
        return [Violation("E09-REASON-MISSING", "R-9-1", "第九条",
                          "追加项目须说明原因：上级要求或工作需要；或注明由上级部门安排经费", "adhoc_reason")]
    if origin == "ADHOC" and app["adhoc_reason"] == "SUPERIOR_REQUIREMENT" and not app.get("requirement_document"):
        return [Violation("E09-SUPERIOR-DOC-MISSING", "R-9-1", "第九条",
                          "因上级要求追加的项目须上传上级要求文件", "requirement_document")]
    return check_superior_funding(app)


def check_plan_submission(app: dict) -> list[Violation]:
    """T01's content checks: §6.1 in full."""
    return (check_art2(app) + check_art6(app) + check_art7(app) + check_art20(app) + check_om_status(app)
            + check_superior_funding(app) + check_art31(app))


def check_adhoc_submission(app: dict) -> list[Violation]:
    """T10's content checks: §6.1 without the rank, plus §6.2."""
    art7 = [v for v in check_art7({**app, "rank": 1})]
    return (check_adhoc_eligibility(app) + check_art2(app) + check_art6(app) + art7 + check_art20(app)
            + check_om_status(app) + check_art31(app))


def check_call_window(call, received_on) -> Refusal | None:
    """R-7-5: inside the window 政务办 set, its last day included to 24:00; a closed call is closed."""
    if call is None:
        return Refusal(code="E07-CALL-WINDOW-CLOSED", rule="R-7-5", article="第七条",
                       reason_zh="该年度尚未发布年度计划申报通知，不能申报；确需建设的可按第九条申请追加",
                       details={"received_on": received_on.isoformat(), "adhoc_path": "第九条"})
    window = {"opens_on": call.opens_on.isoformat(), "closes_on": call.closes_on.isoformat(),
              "received_on": received_on.isoformat(), "status": call.status, "adhoc_path": "第九条"}
    if call.status != "OPEN" or not call.opens_on <= received_on <= call.closes_on:
        return Refusal(code="E07-CALL-WINDOW-CLOSED", rule="R-7-5", article="第七条",
                       reason_zh=f"{call.plan_year} 年度计划申报时间为 {call.opens_on.isoformat()} 至 "
                                 f"{call.closes_on.isoformat()}（含当日），当前不在申报期内；"
                                 "确需建设的可按第九条申请追加",
                       details=window)
    return None


def compacted_ranks(ranked: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """R-7-3 [I]: at call close gaps are closed, order kept. Returns (project, old, new) for changed ranks."""
    out = []
    for new, (project_id, old) in enumerate(sorted(ranked, key=lambda pr: pr[1]), start=1):
        if new != old:
            out.append((project_id, old, new))
    return out
