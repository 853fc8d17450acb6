"""A service's local projection of project facts it learns from events
(rules.md §8.2): enough to answer "which project, whose, in what state"
without reading another service's database."""

from __future__ import annotations

from datetime import datetime

from marshmallow import fields, validate
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, func, insert, select, update

from .errors import not_found
from .events import CloudEvent, event_type
from .schemas import StrictSchema, load_or_refuse
from .service import query
from .tables import LocalDateTime
from .visibility import may_see, visible


def projection_columns():
    return [
        Column("project_id", String(64), primary_key=True),
        Column("unit_id", String(64), nullable=False, index=True),
        Column("name", String(200), nullable=True),
        Column("category", String(8), nullable=True),
        Column("plan_year", Integer, nullable=True),
        Column("classified", Boolean, nullable=False, default=False),
        Column("state", String(40), nullable=True, index=True),
        Column("last_event_type", String(160), nullable=False),
        Column("last_event_time", String(40), nullable=False),
        Column("updated_at", LocalDateTime(), nullable=False),
    ]


def projection_table(metadata: MetaData) -> Table:
    return Table("project_projection", metadata, *projection_columns())


# Which main state (rules.md §3.2) each planning/review/funds fact implies; a
# callable decides from the payload where one event type leads to two states.
STATE_AFTER = {
    "PlanApplicationSubmitted": "PLAN_APPLIED",
    "PlanApplicationWithdrawn": "DRAFT",
    "PlanReviewOpened": "PLAN_UNDER_REVIEW",
    "PlanReviewReturned": "DRAFT",
    "PlanItemDrafted": "PLAN_DRAFTED",
    "PlanItemNotIncluded": "NOT_INCLUDED",
    "PlanItemApproved": "PLANNED",
    # A revision that keeps a valid confirmation stays confirmed: planning states the result.
    "AdHocApplicationSubmitted": lambda data: data.get("state") or "ADHOC_APPLIED",
    "FundingConfirmed": lambda data: "ADHOC_FUNDING_CONFIRMED" if data.get("path") == "ADHOC" else None,
    "FundingNotSecured": lambda data: "ADHOC_APPLIED" if data.get("path") == "ADHOC" else None,
    "FundingConfirmationInvalidated": lambda data: "ADHOC_APPLIED" if data.get("path") == "ADHOC" else None,
    "JointReviewOpened": "ADHOC_UNDER_REVIEW",
    "JointReviewConcluded": lambda data: {"PASS": "ADHOC_CLEARED", "FAIL": "ADHOC_REJECTED"}.get(data.get("outcome")),
    # Chapter 3 (approval, rules.md §3.2 IN_APPROVAL): the state shown is the IN_APPROVAL sub-state.
    "ProposalSubmitted": "PROPOSAL_SUBMITTED",
    "ProposalApproved": "PROPOSAL_APPROVED",
    "FSRSubmitted": "FSR_SUBMITTED",
    "FSRApproved": "FSR_APPROVED",
    "PreliminaryDesignSubmitted": "PD_SUBMITTED",
    "UrgentPackageSubmitted": "URGENT_PACKAGE_SUBMITTED",
    "CombinedPackageSubmitted": "COMBINED_SUBMITTED",
    "ApprovalReturned": "RETURNED",
    "ApprovalRefused": "APPROVAL_REFUSED",
    "PreliminaryDesignApproved": "APPROVED",
    # T26/T27: only a PD waits in ESTIMATE_UNDER_REVIEW; a package stays in its *_SUBMITTED state [I].
    "EstimateReviewRequested": lambda data: "ESTIMATE_UNDER_REVIEW" if data.get("stage") == "PD" else None,
    "EstimateReviewed": lambda data: "PD_SUBMITTED" if data.get("stage") == "PD" else None,
}

# Lifecycle order (rules.md §3.1) breaks ties between events stamped with the
# same instant, as happens under a fixed clock.
LIFECYCLE = ("DRAFT", "PLAN_APPLIED", "PLAN_UNDER_REVIEW", "PLAN_DRAFTED", "NOT_INCLUDED", "PLANNED",
             "ADHOC_APPLIED", "ADHOC_FUNDING_CONFIRMED", "ADHOC_UNDER_REVIEW", "ADHOC_CLEARED", "ADHOC_REJECTED",
             "IN_APPROVAL", "APPROVAL_REFUSED", "APPROVED")
# The IN_APPROVAL sub-states cycle (returned and resubmitted, PD ↔ estimate review): they share one rank,
# so at one instant the later-applied of them stands.
IN_APPROVAL_SUB_STATES = ("PROPOSAL_SUBMITTED", "PROPOSAL_APPROVED", "FSR_SUBMITTED", "FSR_APPROVED",
                          "PD_SUBMITTED", "ESTIMATE_UNDER_REVIEW", "URGENT_PACKAGE_SUBMITTED", "COMBINED_SUBMITTED",
                          "RETURNED")
_RANK = {state: i for i, state in enumerate(LIFECYCLE)}
_RANK.update({state: _RANK["IN_APPROVAL"] for state in IN_APPROVAL_SUB_STATES})


# Who emits each fact above: a projection service binds its queue to all of them.
_STATE_EVENT_SERVICE = {
    "PlanReviewOpened": "review", "PlanReviewReturned": "review", "JointReviewOpened": "review",
    "JointReviewConcluded": "review", "FundingConfirmed": "funds", "FundingNotSecured": "funds",
    "FundingConfirmationInvalidated": "funds", "EstimateReviewRequested": "funds", "EstimateReviewed": "funds",
    **{name: "approval" for name in ("ProposalSubmitted", "ProposalApproved", "FSRSubmitted", "FSRApproved",
                                     "PreliminaryDesignSubmitted", "UrgentPackageSubmitted",
                                     "CombinedPackageSubmitted", "ApprovalReturned", "ApprovalRefused",
                                     "PreliminaryDesignApproved")},
}
STATE_EVENTS = tuple(event_type(_STATE_EVENT_SERVICE.get(name, "planning"), name) for name in STATE_AFTER)


def state_after(event: CloudEvent) -> str | None:
    rule = STATE_AFTER.get(event.name)
    return rule(event.data or {}) if callable(rule) else rule


# Facts about the project itself; filled whenever still unknown, whatever the order.
_FACTS = ("name", "category", "plan_year", "classified")


def _is_newer(event_time: str, event_state: str | None, row) -> bool:
    new, old = datetime.fromisoformat(event_time), datetime.fromisoformat(row["last_event_time"])
    if new != old:
        return new > old
    return _RANK.get(event_state, -1) >= _RANK.get(row["state"], -1)


def apply(session, table: Table, event: CloudEvent, now) -> None:
    """Upsert the projection row; an older event never overwrites a newer state,
    but it still fills in facts the row does not know yet."""
    if not event.subject:
        return
    data = event.data or {}
    state = state_after(event)
    unit_id = event.unitid or data.get("unit_id") or ""
    facts = {key: data[key] for key in _FACTS if data.get(key) is not None}
    # Locked: two workers applying events of one project at once must not both
    # judge against the same old row and let the older event win.
    row = session.execute(select(table).where(table.c.project_id == event.subject)
                          .with_for_update()).mappings().first()
    if row is None:
        session.execute(insert(table).values(
            project_id=event.subject, unit_id=unit_id, state=state, last_event_type=event.type,
            last_event_time=event.time, updated_at=now, **facts))
        return
    newer = _is_newer(event.time, state, row)
    # A newer event corrects facts, an older one only fills gaps; classified never clears.
    values = {k: v for k, v in facts.items()
              if row[k] is None or (k == "classified" and v) or (newer and k != "classified")}
    if not row["unit_id"] and unit_id:
        values["unit_id"] = unit_id
    if newer:
        values.update(last_event_type=event.type, last_event_time=event.time)
        if state:
            values["state"] = state
    if values:
        values["updated_at"] = now
        session.execute(update(table).where(table.c.project_id == event.subject).values(**values))


class ProjectionFilterSchema(StrictSchema):
    state = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    plan_year = fields.Integer(load_default=None, strict=True, validate=validate.Range(2020, 2100))
    page = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, strict=True, validate=validate.Range(min=1, max=200))


def _row_out(row) -> dict:
    return {**row, "updated_at": row["updated_at"].isoformat()}


class ProjectionQueries:
    """Mixin for a service that keeps a project projection: it applies events
    (``apply_projection``) and answers reads under rules.md §7.2. The service
    sets ``projection`` to its table and consumes its own event list."""

    projection: Table

    def apply_projection(self, event: CloudEvent) -> None:
        with self.tx.event(event, consumer=self.name) as tx:
            if not tx.replayed:
                apply(tx.session, self.projection, event, tx.now)

    @query
    def get_projection(self, project_id):
        ident = self.caller.identity()
        p = self.projection
        with self.tx.read() as s:
            row = s.execute(select(p).where(p.c.project_id == project_id)).mappings().first()
        if row is None or not may_see(ident, row["unit_id"], row["classified"]):
            raise not_found("项目", project_id)
        return _row_out(row)

    @query
    def list_projections(self, filters=None):
        ident = self.caller.identity()
        f = load_or_refuse(ProjectionFilterSchema(), filters or {})
        p = self.projection
        q = select(p).where(visible(ident, p.c.unit_id, p.c.classified))
        for key in ("state", "plan_year"):
            if f[key] is not None:
                q = q.where(p.c[key] == f[key])
        with self.tx.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery()))
            rows = s.execute(q.order_by(p.c.updated_at.desc(), p.c.project_id)
                             .offset((f["page"] - 1) * f["page_size"]).limit(f["page_size"])).mappings()
            items = [_row_out(r) for r in rows]
        return {"items": items, "total": total, "page": f["page"], "page_size": f["page_size"]}
