"""Which way a project may enter approval, from what 发改 has been told (R-8-6, R-9-6).

A planned project enters on the annual-plan path only while it is an item of the approved plan copied to 发改
(R-8-4); an ad-hoc project cleared by its joint review enters as ad-hoc, and does not count as plan-listed for
Art 10(1)'s shortcut unless the leading group has amended the plan to list it (A-05) or the
``ADHOC_COUNTS_AS_PLAN_LISTED`` switch says otherwise. Chapter 3's entry commands (T20, T23, T29, T30) apply
the answer; the portal shows it beforehand."""

from __future__ import annotations

from dataclasses import dataclass

from itpm_common.errors import Refusal

PLANNED, ADHOC_CLEARED = "PLANNED", "ADHOC_CLEARED"


@dataclass(frozen=True)
class EntryPath:
    path: str | None            # PLAN or ADHOC: the origin the entry carries
    may_enter: bool
    plan_listed: bool           # counts as 列入年度建设计划 for Art 10(1) (R-10-5)
    refusal: Refusal | None

    def to_dict(self) -> dict:
        return {"path": self.path, "may_enter": self.may_enter, "plan_listed": self.plan_listed,
                "refusal": self.refusal.payload if self.refusal else None}


def not_in_plan(project_id: str, plan_year: int | None) -> Refusal:
    return Refusal(code="E08-NOT-IN-APPROVED-PLAN", rule="R-8-6", article="第八条",
                   reason_zh="项目不是经领导小组批准并抄送市发改委的年度建设计划项目，不能按年度计划路径报批；"
                             "确需建设的，可按第九条申请追加",
                   details={"project_id": project_id, "plan_year": plan_year, "adhoc_path": "第九条"})


def entry_path(project_id: str, state: str | None, plan_year: int | None, listed: bool,
               adhoc_counts_as_plan_listed: bool) -> EntryPath:
    if state == ADHOC_CLEARED:
        return EntryPath("ADHOC", True, listed or adhoc_counts_as_plan_listed, None)
    if state == PLANNED:
        if listed:
            return EntryPath("PLAN", True, True, None)
        return EntryPath("PLAN", False, False, not_in_plan(project_id, plan_year))
    # Not yet through Chapter 2: neither in an approved plan nor cleared as ad-hoc.
    return EntryPath(None, False, listed, not_in_plan(project_id, plan_year))
