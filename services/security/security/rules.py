"""The cybersecurity-review rules security enforces (第四条（二）, 第十四条, 第十八条),
as pure functions."""

from __future__ import annotations

from itpm_common.errors import Refusal

ARTICLE = "第十四条"

# The submissions whose security chapter 网信 reviews (R-14-1: every FSR and PD,
# also inside an urgent or combined package), by the approval event announcing them.
STAGE_OF_EVENT = {
    "FSRSubmitted": "FSR",
    "PreliminaryDesignSubmitted": "PD",
    "UrgentPackageSubmitted": "URGENT_PACKAGE",
    "CombinedPackageSubmitted": "COMBINED_PACKAGE",
}
STAGES = tuple(STAGE_OF_EVENT.values())
STAGE_ZH = {"FSR": "可行性研究报告", "PD": "初步设计方案", "URGENT_PACKAGE": "紧急项目合并材料（第十条（二））",
            "COMBINED_PACKAGE": "合并编报材料（第十条（三））"}

# Review states: awaiting 网信; 网信 recorded its conclusion; a newer version of the
# same stage arrived before 网信 recorded one.
PENDING, RECORDED, SUPERSEDED = "PENDING", "RECORDED", "SUPERSEDED"
STATUSES = (PENDING, RECORDED, SUPERSEDED)

PASS, PASS_WITH_CONDITIONS, FAIL = "PASS", "PASS_WITH_CONDITIONS", "FAIL"
CONCLUSIONS = (PASS, PASS_WITH_CONDITIONS, FAIL)
CONCLUSION_ZH = {PASS: "通过", PASS_WITH_CONDITIONS: "有条件通过", FAIL: "不通过"}

ADEQUATE, INADEQUATE = "ADEQUATE", "INADEQUATE"
RATINGS = (ADEQUATE, INADEQUATE)

# The parts 网信 assesses: the four of R-14-2 and the crypto content of R-18-1,
# each with the article that requires it.
PARTS = {
    "needs_analysis": ("网络安全需求分析", "第十四条", "R-14-2"),
    "tasks_and_content": ("建设任务及内容", "第十四条", "R-14-2"),
    "protection_design": ("保障体系设计", "第十四条", "R-14-2"),
    "investment": ("网络安全投资概算", "第十四条", "R-14-2"),
    "crypto_content": ("密码应用内容", "第十八条", "R-18-1"),
}

REVIEWER_ROLE = "WX"


def stage_of(event_name: str) -> str | None:
    return STAGE_OF_EVENT.get(event_name)


def forbidden_to_review(role: str) -> Refusal:
    """R-4-1, 第四条（二）: only 网信 performs the cybersecurity review."""
    return Refusal(code="AUTH-FORBIDDEN", rule="R-4-1", article="第四条",
                   reason_zh="网络安全审查由市网信部门负责（第四条（二）），当前角色无权录入审查结论",
                   details={"role": role, "allowed_roles": [REVIEWER_ROLE]})


def inadequate_parts(assessments: dict) -> list[str]:
    return [part for part in PARTS if assessments[part]["rating"] == INADEQUATE]


def check_conclusion(conclusion: str, assessments: dict) -> Refusal | None:
    """R-14-2 [I]: a plain PASS says every part of the chapter is adequate; with a
    part found inadequate the conclusion is PASS_WITH_CONDITIONS or FAIL."""
    if conclusion != PASS:
        return None
    weak = inadequate_parts(assessments)
    if not weak:
        return None
    names = "、".join(PARTS[p][0] for p in weak)
    return Refusal(code="E14-SECURITY-PART-INADEQUATE", rule="R-14-2", article=ARTICLE,
                   reason_zh=f"网络安全保障措施篇（章）的{names}被评为不充分，审查结论不能为“通过”；"
                             "请改为“有条件通过”（写明条件）或“不通过”（写明理由）",
                   details={"conclusion": conclusion, "inadequate_parts": weak,
                            "articles": sorted({PARTS[p][1] for p in weak})})


def check_important_domain(declared: bool, judged: bool) -> Refusal | None:
    """R-18-2, A-43 [I]: the unit declares the important-domain flag and 网信 may set
    it; 网信's judgement does not clear a unit's own declaration, which already
    brought the crypto plan and its evaluation into the submission."""
    if declared and not judged:
        return Refusal(code="E18-IMPORTANT-DOMAIN-DECLARED", rule="R-18-2", article="第十八条",
                       reason_zh="建设单位已申报该系统属于重要领域网络与信息系统，网信部门可认定属于重要领域，"
                                 "但不能在审查中取消单位的申报",
                       details={"declared_important_domain": True, "important_domain": False})
    return None


def supersedes(newer_version_no: int, older_version_no: int) -> bool:
    """A version of a stage supersedes the earlier versions of that stage."""
    return newer_version_no > older_version_no
