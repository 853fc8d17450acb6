"""A service's local projection of project facts it learns from events
(rules.md §8.2): enough to answer "which project, whose, in what state"
without reading another service's database."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert, select, update

from .events import CloudEvent


def projection_columns():
    return [
        Column("project_id", String(64), primary_key=True),
        Column("unit_id", String(64), nullable=False),
        Column("name", String(200), nullable=True),
        Column("category", String(8), nullable=True),
        Column("plan_year", Integer, nullable=True),
        Column("state", String(40), nullable=True),
        Column("last_event_type", String(160), nullable=False),
        Column("last_event_time", String(40), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    ]


def projection_table(metadata: MetaData) -> Table:
    return Table("project_projection", metadata, *projection_columns())


# Which main state (rules.md §3.2) each planning/review fact implies.
STATE_AFTER = {
    "PlanApplicationSubmitted": "PLAN_APPLIED",
    "PlanApplicationWithdrawn": "DRAFT",
    "PlanReviewOpened": "PLAN_UNDER_REVIEW",
    "PlanItemDrafted": "PLAN_DRAFTED",
    "PlanItemNotIncluded": "NOT_INCLUDED",
}


def apply(session, table: Table, event: CloudEvent, now) -> None:
    """Upsert the projection row; an older event never overwrites a newer one."""
    if not event.subject:
        return
    data = event.data or {}
    row = session.execute(select(table).where(table.c.project_id == event.subject)).mappings().first()
    values = {
        "last_event_type": event.type,
        "last_event_time": event.time,
        "updated_at": now,
    }
    for key in ("name", "category", "plan_year"):
        if data.get(key) is not None:
            values[key] = data[key]
    state = data.get("state") or STATE_AFTER.get(event.name)
    if state:
        values["state"] = state
    if row is None:
        session.execute(insert(table).values(project_id=event.subject,
                                             unit_id=event.unitid or data.get("unit_id") or "",
                                             **values))
    elif row["last_event_time"] <= event.time:
        session.execute(update(table).where(table.c.project_id == event.subject).values(**values))
