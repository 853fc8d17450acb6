"""The articles review enforces on the Art 8 plan review, as pure functions.

The ``missing_*``/``*_not_met`` functions say what is wrong; the ``check_*``
functions turn that into the refusal the article prescribes, or None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from itpm_common.errors import Refusal

# The order is the order the regulation names them in (第八条), and the
# order every list of bureaus is shown in.
BUREAUS = ("WX", "FG", "GX", "CZ")
BUREAU_NAMES = {"WX": "网信", "FG": "发改", "GX": "工信", "CZ": "财政"}

VERDICTS = ("AGREE", "AGREE_WITH_CONDITIONS", "DISAGREE")
OUTCOMES = ("DRAFT", "NOT_INCLUDED")
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


def check_opinions_complete(recorded: Iterable[str]) -> Refusal | None:
    """R-8-1: no conclusion before WX, FG, GX and CZ have all given an opinion."""
    missing = missing_bureaus(recorded)
    if not missing:
        return None
    return Refusal(code="E08-OPINION-MISSING", rule="R-8-1", article="第八条",
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


def check_disagreement_resolved(verdicts: Mapping[str, str], resolution_note: str | None) -> Refusal | None:
    """R-8-1: over a DISAGREE, the item enters the plan only with a note of how
    the Art 5 consultation mechanism resolved it."""
    against = disagreeing_bureaus(verdicts)
    if not against or not _blank(resolution_note):
        return None
    return Refusal(code="E08-UNRESOLVED-DISAGREEMENT", rule="R-8-1", article="第八条",
                   reason_zh=f"{bureau_names(against)}的论证意见为不同意，列入年度建设计划草案前"
                             "须记录经协商机制（第五条）形成的处理意见",
                   details={"disagreeing_bureaus": against})


def check_conclusion(outcome: str, criteria: Mapping[str, str], verdicts: Mapping[str, str],
                     resolution_note: str | None) -> Refusal | None:
    """T05/T06 preconditions, first failure wins: all opinions in; then, to
    place the item in the draft plan, criteria met and disagreement resolved."""
    refusal = check_opinions_complete(verdicts)
    if refusal or outcome != "DRAFT":
        return refusal
    return check_criteria(criteria) or check_disagreement_resolved(verdicts, resolution_note)
