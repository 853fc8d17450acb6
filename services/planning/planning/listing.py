"""Read-side queries over the project registry: the filtered, sorted project
list and the aggregate figures of the dashboard. Pure query building; the
service's entrypoints open the session and check who asks."""

from __future__ import annotations

from sqlalchemy import and_, false, func, or_, select

from itpm_common.projection import IN_APPROVAL_SUB_STATES
from itpm_common.visibility import visible

from .models import Project

SORT_COLUMNS = {
    "created_at": Project.created_at,
    "updated_at": Project.updated_at,
    "name": Project.name,
    "unit_name": Project.unit_name,
    "plan_year": Project.plan_year,
    "estimate_fen": Project.estimate_fen,
    "state": Project.state,
}

# The path from application to acceptance (rules.md §3.1), as the dashboard's
# funnel shows it: a project counts in every stage up to the furthest one its
# main state shows it reached.
FUNNEL = (
    ("APPLIED", "申报"),
    ("REVIEWED", "论证"),
    ("DRAFTED", "列入计划草案"),
    ("PLANNED", "列入年度计划"),
    ("IN_APPROVAL", "立项审批"),
    ("APPROVED", "批复"),
    ("IN_CONSTRUCTION", "建设实施"),
    ("COMPLETED", "建成"),
    ("ACCEPTED", "通过验收"),
)
_STAGE_OF_STATE = {
    "PLAN_APPLIED": 0, "ADHOC_APPLIED": 0, "ADHOC_FUNDING_CONFIRMED": 0,
    "PLAN_UNDER_REVIEW": 1, "ADHOC_UNDER_REVIEW": 1, "NOT_INCLUDED": 1, "ADHOC_REJECTED": 1,
    "PLAN_DRAFTED": 2,
    "PLANNED": 3, "ADHOC_CLEARED": 3, "OM_FUNDING_REQUESTED": 3, "OM_FUNDING_REFUSED": 3,
    "IN_APPROVAL": 4, "APPROVAL_REFUSED": 4, **{sub: 4 for sub in IN_APPROVAL_SUB_STATES},
    "APPROVED": 5, "OM_FUNDED": 5, "OM_CLOSED": 5,
    "IN_CONSTRUCTION": 6, "RE_APPROVAL": 6, "TERMINATED": 6,
    "COMPLETED": 7, "ACCEPTANCE_APPLIED": 7, "ACCEPTANCE_IN_PROGRESS": 7, "ACCEPTANCE_FAILED": 7,
    "ACCEPTED": 8, "FINAL_ACCOUNTS": 8, "SURPLUS_RETURN_PENDING": 8, "POST_ACCEPTANCE": 8,
    "SELF_EVALUATED": 8, "CLOSED": 8,
}
# What the Leading Group reads (rules.md §7.2): the draft and approved plans,
# so its figures cover the projects that reached the draft plan.
PLAN_ROLES = ("LG", "LGO")
_IN_A_PLAN = tuple(state for state, stage in _STAGE_OF_STATE.items() if stage >= 2)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def readable(ident):
    """§7.2 visibility, and a draft never submitted is its department's own working copy (§3.2 DRAFT)."""
    return and_(visible(ident, Project.unit_id, Project.classified),
                or_(Project.current_version_no > 0, Project.unit_id == ident.unit_id))


def filtered(ident, f: dict):
    """The projects ``ident`` may see that match the filters of ProjectFilterSchema."""
    q = select(Project).where(readable(ident))
    if f.get("unit_id") and ident.reads_all:
        q = q.where(Project.unit_id == f["unit_id"])
    for key in ("plan_year", "category", "state"):
        if f.get(key) is not None:
            q = q.where(getattr(Project, key) == f[key])
    if f.get("estimate_min_fen") is not None:
        q = q.where(Project.estimate_fen >= f["estimate_min_fen"])
    if f.get("estimate_max_fen") is not None:
        q = q.where(Project.estimate_fen <= f["estimate_max_fen"])
    if f.get("q"):
        pattern = f"%{_escape_like(f['q'].strip())}%"
        q = q.where(or_(Project.name.like(pattern, escape="\\"), Project.unit_name.like(pattern, escape="\\")))
    if f.get("hold") not in (None, "NONE"):
        # No hold is recorded on any project yet: every hold filter but NONE matches nothing.
        q = q.where(false())
    return q


def ordered(q, f: dict):
    column = SORT_COLUMNS[f.get("sort") or "created_at"]
    primary = column.asc() if f.get("order") == "asc" else column.desc()
    # The id breaks ties so that pages never overlap or skip a row.
    return q.order_by(primary, Project.id)


def dashboard_scope(ident, plan_year: int | None):
    condition = readable(ident)
    if ident.role in PLAN_ROLES:
        condition = and_(Project.state.in_(_IN_A_PLAN), Project.classified.is_(False))
    if plan_year is not None:
        condition = and_(condition, Project.plan_year == plan_year)
    return condition


def _grouped(session, scope, *columns) -> list[dict]:
    rows = session.execute(
        select(*columns, func.count(Project.id), func.coalesce(func.sum(Project.estimate_fen), 0))
        .where(scope).group_by(*columns).order_by(*columns))
    names = [c.key for c in columns]
    return [{**dict(zip(names, row[:-2], strict=True)), "count": row[-2], "estimate_fen": int(row[-1])}
            for row in rows]


def dashboard(session, ident, plan_year: int | None) -> dict:
    scope = dashboard_scope(ident, plan_year)
    by_state = _grouped(session, scope, Project.state)
    # Grouped by state in SQL, staged here: one mapping, and no CASE expression to repeat in GROUP BY.
    funnel = [{"stage": code, "label_zh": label,
               "count": sum(r["count"] for r in by_state if _STAGE_OF_STATE.get(r["state"], -1) >= index)}
              for index, (code, label) in enumerate(FUNNEL)]
    total = session.execute(select(func.count(Project.id), func.coalesce(func.sum(Project.estimate_fen), 0))
                            .where(scope)).one()
    by_unit = _grouped(session, scope, Project.unit_id, Project.unit_name)
    by_unit.sort(key=lambda row: (-row["estimate_fen"], row["unit_name"]))
    return {
        "plan_year": plan_year,
        "total": {"count": total[0], "estimate_fen": int(total[1])},
        "by_year": _grouped(session, scope, Project.plan_year),
        "by_unit": by_unit,
        "by_state": by_state,
        "by_category": _grouped(session, scope, Project.category),
        "funnel": funnel,
    }
