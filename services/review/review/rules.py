"""The articles review enforces on the Art 8 plan review and the Art 9
joint review, as pure functions.

The ``missing_*``/``*_not_met`` functions say what is wrong; the ``check_*``
functions turn that into the refusal the article prescribes, or None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from itpm_common.errors import Refusal
from itpm_common.money import fen_to_yuan_str

# The order is the order the regulation names them in (第八条), and the
# order every list of bureaus is shown in.
BUREAUS = ("WX", "FG", "GX", "CZ")
BUREAU_NAMES = {"WX": "网信", "FG": "发改", "GX": "工信", "CZ": "财政"}

VERDICTS = ("AGREE", "AGREE_WITH_CONDITIONS", "DISAGREE")
OUTCOMES = ("DRAFT", "NOT_INCLUDED")
JOINT_OUTCOMES = ("PASS", "FAIL")
JUDGEMENTS = ("MET", "NOT_MET")

# R-8-1: what each bureau's opinion must cover.
OPINION_ASPECTS = {
    "necessity": "必要性",
    "feasibility": "可行性",
    "security": "安全性",
    "budget": "项目预算合理性",
}

# R-6-5: the substantive judgement on Art 6 (一)–(四).
CRITERIA = {
    "policy_need": "第六条（一）符合政策要求、需求合理、目标明确",
    "intensive_sharing": "第六条（二）遵循集约化建设和整合共享要求、建设方案可行、符合标准规范",
    "content_funding": "第六条（三）建设内容、投资估算及资金来源合理可行",
    "security_solution": "第六条（四）有科学、合理的信息安全解决方案",
}


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def bureau_names(codes: Iterable[str]) -> str:
    """``["GX", "CZ"]`` → ``"工信、财政"``."""
    return "、".join(BUREAU_NAMES[c] for c in codes)


def missing_bureaus(recorded: Iterable[str]) -> list[str]:
    """Bureaus whose opinion is not yet in, in the order of 第八条."""
    have = set(recorded)
    return [b for b in BUREAUS if b not in have]


def missing_aspects(opinion: Mapping) -> list[str]:
    """Aspects an opinion leaves empty; conditions count when the verdict
    is conditional, since an agreement "with conditions" names them."""
    missing = [key for key in OPINION_ASPECTS if _blank(opinion.get(key))]
    if opinion.get("verdict") == "AGREE_WITH_CONDITIONS" and _blank(opinion.get("conditions")):
        missing.append("conditions")
    return missing


def criteria_not_met(criteria: Mapping[str, str]) -> list[str]:
    """Criteria not judged MET; an absent judgement is not a MET one."""
    return [key for key in CRITERIA if criteria.get(key) != "MET"]


def disagreeing_bureaus(verdicts: Mapping[str, str]) -> list[str]:
    return [b for b in BUREAUS if verdicts.get(b) == "DISAGREE"]


def check_opinion(opinion: Mapping) -> Refusal | None:
    """R-8-1: an opinion covers 必要性, 可行性, 安全性 and 项目预算合理性."""
    missing = missing_aspects(opinion)
    if not missing:
        return None
    names = [OPINION_ASPECTS.get(key, "所附条件") for key in missing]
    reason = "论证意见须涵盖必要性、可行性、安全性和项目预算合理性，缺少：" + "、".join(names)
    if missing == ["conditions"]:
        reason = "附条件同意的论证意见须写明所附条件"
    return Refusal(code="E08-OPINION-INCOMPLETE", rule="R-8-1", article="第八条", reason_zh=reason,
                   details={"missing_aspects": missing, "missing_aspects_zh": names})


def check_opinions_complete(recorded: Iterable[str], rule: str = "R-8-1",
                            article: str = "第八条") -> Refusal | None:
    """R-8-1 (and R-9-4 for the joint review): no conclusion before WX, FG,
    GX and CZ have all given an opinion."""
    missing = missing_bureaus(recorded)
    if not missing:
        return None
    return Refusal(code="E08-OPINION-MISSING", rule=rule, article=article,
                   reason_zh=f"尚缺{bureau_names(missing)}的论证意见，不能作出结论",
                   details={"missing_bureaus": missing})


def check_criteria(criteria: Mapping[str, str]) -> Refusal | None:
    """R-6-5: an item enters the draft plan only if all four criteria are MET."""
    not_met = criteria_not_met(criteria)
    if not not_met:
        return None
    return Refusal(code="E06-CRITERION-NOT-MET", rule="R-6-5", article="第六条",
                   reason_zh="以下条件未判定为符合，不能列入年度建设计划草案："
                             + "；".join(CRITERIA[k] for k in not_met),
                   details={"criteria": not_met})


def check_disagreement_resolved(verdicts: Mapping[str, str], resolution_note: str | None,
                                rule: str = "R-8-1", article: str = "第八条",
                                decision_zh: str = "列入年度建设计划草案") -> Refusal | None:
    """R-8-1 (R-9-4): over a DISAGREE, the item enters the plan (passes the
    joint review) only with a note of how the Art 5 consultation mechanism
    resolved it."""
    against = disagreeing_bureaus(verdicts)
    if not against or not _blank(resolution_note):
        return None
    return Refusal(code="E08-UNRESOLVED-DISAGREEMENT", rule=rule, article=article,
                   reason_zh=f"{bureau_names(against)}的论证意见为不同意，{decision_zh}前"
                             "须记录经协商机制（第五条）形成的处理意见",
                   details={"disagreeing_bureaus": against})


def check_conclusion(outcome: str, criteria: Mapping[str, str], verdicts: Mapping[str, str],
                     resolution_note: str | None, funding_gate: Refusal | None = None) -> Refusal | None:
    """T05/T06 preconditions, first failure wins: all opinions in; then, to
    place the item in the draft plan, criteria met, disagreement resolved and,
    for a superior-funded project, 财政's confirmation on file (R-9-8: the
    refusal ``check_funding`` gave, passed in as ``funding_gate``)."""
    refusal = check_opinions_complete(verdicts)
    if refusal or outcome != "DRAFT":
        return refusal
    return check_criteria(criteria) or check_disagreement_resolved(verdicts, resolution_note) or funding_gate


# ------------------------------------------------------------------ Art 9

SECURED = "SECURED"
CONFIRMED, NOT_SECURED, INVALIDATED = "CONFIRMED", "NOT_SECURED", "INVALIDATED"


def _yuan(fen: int) -> str:
    return f"{fen_to_yuan_str(fen)} 元"


def funding_problem(funding: Mapping | None, total_fen: int, must_cover_total: bool) -> tuple[str, dict] | None:
    """What keeps 财政's confirmation from satisfying R-9-2 (R-9-8) for a
    project whose total investment is ``total_fen``: (code, details), or None.

    ``funding`` holds status, result, confirmed_amount_fen and
    total_investment_fen (the total the confirmation was made for). A
    confirmation made for a smaller total than today's no longer counts
    (R-9-7), whatever its amount.
    """
    if funding is None:
        return "E09-FUNDING-NOT-CONFIRMED", {"total_investment_fen": total_fen}
    confirmed_for = funding["total_investment_fen"]
    if funding["status"] == INVALIDATED or confirmed_for < total_fen:
        return "E09-FUNDING-NOT-CONFIRMED", {"invalidated": True, "confirmed_for_total_fen": confirmed_for,
                                             "total_investment_fen": total_fen}
    if not must_cover_total:
        return None
    amount = funding["confirmed_amount_fen"]
    if funding["result"] != SECURED or amount < total_fen:
        return "E09-FUNDING-NOT-SECURED", {"result": funding["result"], "confirmed_amount_fen": amount,
                                           "total_investment_fen": total_fen,
                                           "shortfall_fen": max(0, total_fen - amount)}
    return None


def check_funding(funding: Mapping | None, total_fen: int, must_cover_total: bool, *,
                  rule: str = "R-9-2", before_zh: str = "开启联审") -> Refusal | None:
    """R-9-2 at T12 (R-9-8 at T05 for a superior-funded plan project)."""
    problem = funding_problem(funding, total_fen, must_cover_total)
    if problem is None:
        return None
    code, details = problem
    if code == "E09-FUNDING-NOT-SECURED":
        amount = _yuan(details["confirmed_amount_fen"])
        reason = (f"财政部门确认的资金落实结果为{details['result']}，确认金额 {amount}，"
                  f"不足项目总投资 {_yuan(total_fen)}（缺口 {_yuan(details['shortfall_fen'])}），不能{before_zh}")
    elif details.get("invalidated"):
        earlier = _yuan(details["confirmed_for_total_fen"])
        reason = (f"项目总投资已增至 {_yuan(total_fen)}，原资金落实确认（按 {earlier}）"
                  f"已失效，须由财政部门重新确认后方可{before_zh}")
    else:
        reason = f"申请单位尚未向财政部门确认资金落实情况，不能{before_zh}"
    return Refusal(code=code, rule=rule, article="第九条", reason_zh=reason, details=details)


def special_report_required(total_fen: int, threshold_fen: int) -> bool:
    """R-9-5: 投资规模较大 means strictly greater than the threshold (A-03)."""
    return total_fen > threshold_fen


def check_special_report(total_fen: int, threshold_fen: int, gate_here: bool, report_on_file: bool) -> Refusal | None:
    """R-9-5 at T13, when the gate sits before the review's conclusion."""
    if not gate_here or report_on_file or not special_report_required(total_fen, threshold_fen):
        return None
    return Refusal(code="E09-SPECIAL-REPORT-MISSING", rule="R-9-5", article="第九条",
                   reason_zh=f"项目总投资 {_yuan(total_fen)} 超过 {_yuan(threshold_fen)}，属投资规模较大项目，"
                             "须先记录向市政府的专题报告，方可通过联审",
                   details={"total_investment_fen": total_fen, "threshold_fen": threshold_fen})


def check_joint_conclusion(outcome: str, verdicts: Mapping[str, str], resolution_note: str | None,
                           special_report_gate: Refusal | None = None) -> Refusal | None:
    """T13/T14 preconditions, first failure wins: all four opinions in (R-9-4);
    then, to pass, disagreement resolved (R-9-4) and the special report on
    file (R-9-5: the refusal ``check_special_report`` gave)."""
    refusal = check_opinions_complete(verdicts, rule="R-9-4", article="第九条")
    if refusal or outcome != "PASS":
        return refusal
    return check_disagreement_resolved(verdicts, resolution_note, rule="R-9-4", article="第九条",
                                       decision_zh="通过联审") or special_report_gate
