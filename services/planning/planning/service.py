"""planning's nameko entrypoints: thin; rules live in rules.py."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from itpm_common.consumer import consume_events
from itpm_common.errors import not_found
from itpm_common.events import CloudEvent
from itpm_common.schemas import load_or_refuse
from itpm_common.service import ServiceBase, query
from itpm_common.uow import Transactions
from itpm_common.visibility import may_see

from . import listing
from .entrypoints.adhoc import AdHocCommands
from .entrypoints.annual_plan import AnnualPlanCommands
from .entrypoints.applications import ApplicationCommands
from .entrypoints.calls import CallCommands
from .entrypoints.events import EventHandlers
from .entrypoints.overall_plan import OverallPlanCommands
from .models import PlanApplication, Project, infra
from .schemas import DashboardFilterSchema, ProjectFilterSchema
from .topology import SUBSCRIBES
from .views import project_out as _project_out


def _shown_to(ident, project: Project) -> bool:
    """A draft never submitted is the department's own working copy (§3.2 DRAFT)."""
    return project.current_version_no > 0 or project.unit_id == ident.unit_id


class PlanningService(ServiceBase, CallCommands, ApplicationCommands, AdHocCommands, AnnualPlanCommands,
                      OverallPlanCommands, EventHandlers):
    """政务办's service (rules.md §3.2): project identity, the call, applications, the annual plan."""

    name = "planning"
    tx = Transactions(infra)

    @query
    def get_project(self, project_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            project = s.get(Project, project_id)
            if project is None or not may_see(ident, project.unit_id, project.classified) \
                    or not _shown_to(ident, project):
                raise not_found("项目", project_id)
            out = _project_out.dump(project)
            latest = s.scalars(select(PlanApplication).where(
                PlanApplication.project_id == project_id)
                .order_by(PlanApplication.version_no.desc())).first()
            out["application"] = json.loads(latest.content) if latest else None
            out["application_version"] = latest.version_no if latest else None
            # The working copy is the department's own (§3.2 DRAFT): nobody else reads what it has not filed.
            mine = ident.role == "UNIT" and ident.unit_id == project.unit_id
            out["draft"] = json.loads(project.draft) if mine and project.draft else None
            return out

    @query
    def list_projects(self, filters=None):
        ident = self.caller.identity()
        f = load_or_refuse(ProjectFilterSchema(), filters or {})
        q = listing.filtered(ident, f)
        with self.tx.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery()))
            rows = s.scalars(listing.ordered(q, f).offset((f["page"] - 1) * f["page_size"]).limit(f["page_size"]))
            return {"items": [_project_out.dump(p) for p in rows], "total": total,
                    "page": f["page"], "page_size": f["page_size"]}

    @query
    def dashboard_figures(self, filters=None):
        """Counts and estimates by year, unit, state and category, and the funnel from
        application to acceptance, over the projects the caller may see."""
        ident = self.caller.identity()
        f = load_or_refuse(DashboardFilterSchema(), filters or {})
        with self.tx.read() as s:
            return listing.dashboard(s, ident, f["plan_year"])

    @consume_events(SUBSCRIBES)
    def on_event(self, event: CloudEvent):
        self.apply_event(event)
