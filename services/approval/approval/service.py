"""approval's nameko entrypoints: thin. The project projection's reads come
from itpm_common.projection; the annual plan copied to 发改 is kept in
listing.py (R-8-4); Chapter 3 lives in entrypoints/ (one mixin per part)."""

from __future__ import annotations

from marshmallow import fields, validate
from sqlalchemy import func, select

from itpm_common.consumer import consume_events
from itpm_common.errors import not_found
from itpm_common.events import CloudEvent
from itpm_common.projection import STATE_EVENTS, ProjectionQueries, apply
from itpm_common.schemas import StrictSchema, load_or_refuse
from itpm_common.service import ServiceBase, query
from itpm_common.uow import SYSTEM_ACTOR, Transactions
from itpm_common.visibility import may_see, visible

from . import entry_path, listing
from .cross_department import FrameworkSeam
from .entrypoints.catalogs import CatalogCommands
from .entrypoints.codes import ProjectCodeCommands
from .entrypoints.decisions import DecisionCommands
from .entrypoints.facts import FactHandlers
from .entrypoints.frameworks import FrameworkCommands
from .entrypoints.queries import ApprovalQueries
from .entrypoints.submissions import SubmissionCommands
from .models import PlanListing, infra, project_projection
from .settings import Settings
from .topology import SUBSCRIBES

PLAN_COPIED = "AnnualPlanCopiedToFG"
_STATE_TYPES = frozenset(STATE_EVENTS)


class PlanListingFilterSchema(StrictSchema):
    plan_year = fields.Integer(load_default=None, strict=True, validate=validate.Range(2020, 2100))
    status = fields.String(load_default=None, validate=validate.OneOf(listing.STATUSES))
    origin = fields.String(load_default=None, validate=validate.Length(min=1, max=16))
    page = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, strict=True, validate=validate.Range(min=1, max=200))


class ApprovalService(ServiceBase, ProjectionQueries, ProjectCodeCommands, CatalogCommands, SubmissionCommands,
                      DecisionCommands, ApprovalQueries, FactHandlers, FrameworkCommands):
    name = "approval"
    tx = Transactions(infra)
    settings = Settings()
    # R-12-5..R-12-7: the framework's answers (cross_department.py).
    framework = FrameworkSeam()
    projection = project_projection

    @consume_events(SUBSCRIBES)
    def on_event(self, event: CloudEvent):
        # approval acts on its own account when a plan is copied to it.
        with self.tx.event(event, consumer=self.name, actor=SYSTEM_ACTOR) as tx:
            if tx.replayed:
                return
            if event.name == PLAN_COPIED:
                # Subject is the plan (annual-plan:<year>), not a project.
                listing.record_copy(tx, event)
                return
            self.apply_fact(tx, event)
            if event.type in _STATE_TYPES:
                apply(tx.session, self.projection, event, tx.now)

    @query
    def get_plan_listing(self, project_id):
        """Whether the project is an item of an approved annual plan (R-8-4),
        for the plan-path gate (R-8-6) and simplified path (1) (R-10-5)."""
        ident = self.caller.identity()
        with self.tx.read() as s:
            row = s.scalars(select(PlanListing).where(PlanListing.project_id == project_id)
                            .order_by(PlanListing.plan_year.desc()).limit(1)).first()
            if row is None or not may_see(ident, row.unit_id, row.classified):
                raise not_found("年度计划项目", project_id)
            return listing.listing_out(row)

    @query
    def get_entry_path(self, project_id):
        """The way the project may enter approval (R-8-6, R-9-6), from its state and 发改's copy of the plan."""
        ident = self.caller.identity()
        table = self.projection
        with self.tx.read() as s:
            row = s.execute(select(table).where(table.c.project_id == project_id)).mappings().first()
            if row is None or not may_see(ident, row["unit_id"], row["classified"]):
                raise not_found("项目", project_id)
            listed = s.scalars(select(PlanListing).where(
                PlanListing.project_id == project_id, PlanListing.status == listing.LISTED)).first() is not None
        answer = entry_path.entry_path(project_id, row["state"], row["plan_year"], listed,
                                       self.settings.adhoc_counts_as_plan_listed)
        return {"project_id": project_id, "state": row["state"], **answer.to_dict()}

    @query
    def list_plan_listings(self, filters=None):
        ident = self.caller.identity()
        f = load_or_refuse(PlanListingFilterSchema(), filters or {})
        q = select(PlanListing).where(visible(ident, PlanListing.unit_id, PlanListing.classified))
        for key in ("plan_year", "status", "origin"):
            if f[key] is not None:
                q = q.where(getattr(PlanListing, key) == f[key])
        with self.tx.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery()))
            rows = s.scalars(q.order_by(PlanListing.plan_year.desc(), PlanListing.section_rank,
                                        PlanListing.project_id)
                             .offset((f["page"] - 1) * f["page_size"]).limit(f["page_size"])).all()
            items = [listing.listing_out(r) for r in rows]
        return {"items": items, "total": total, "page": f["page"], "page_size": f["page_size"]}
