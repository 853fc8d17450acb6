"""The 项目代码 of the provincial online approval platform (Art 15, R-15-1..3). Pure."""

from __future__ import annotations

import re

from itpm_common.errors import Refusal, validation

ARTICLE = "第十五条"
CODE_LENGTH = 24
# R-15-3 [I]: the national investment-project code layout: year, region 3207xx (连云港), industry, type, serial.
DEFAULT_PATTERN = r"^(20\d{2})-3207\d{2}-\d{2}-\d{2}-\d{6}$"


def format_error(code: str, pattern: str) -> Refusal | None:
    """R-15-3: 24 characters matching the configured pattern, else VALIDATION."""
    if not isinstance(code, str) or len(code) != CODE_LENGTH or re.fullmatch(pattern, code) is None:
        return validation({"code": [f"项目代码应为 {CODE_LENGTH} 位，格式 YYYY-3207xx-II-TT-NNNNNN"]},
                          reason_zh="项目代码格式不正确（第十五条）")
    return None


def missing(project_id: str) -> Refusal:
    return Refusal(code="E15-PROJECT-CODE-MISSING", rule="R-15-1", article=ARTICLE,
                   reason_zh="报批前须取得江苏省投资项目在线审批监管平台赋予的项目代码并登记",
                   details={"project_id": project_id})


def in_use(code: str, other_project_id: str) -> Refusal:
    # The other project is not named: the caller may not be allowed to see it (rules.md §7.2).
    return Refusal(code="E15-PROJECT-CODE-IN-USE", rule="R-15-2", article=ARTICLE,
                   reason_zh=f"项目代码 {code} 已被其他项目使用，一个项目代码只对应一个项目",
                   details={"code": code})
