"""planning's nameko entrypoints: thin; rules live in rules.py."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import func, select

from itpm_common.consumer import consume_events
from itpm_common.db import serialize_on
from itpm_common.errors import Refusal, not_found, state_invalid, validation
from itpm_common.events import CloudEvent
from itpm_common.schemas import load_or_refuse
from itpm_common.service import ServiceBase, command, query
from itpm_common.uow import Transactions
from itpm_common.visibility import may_see

from . import listing, rules
from .models import PlanApplication, Project, infra
from .schemas import DashboardFilterSchema, PlanApplicationSchema, ProjectFilterSchema, ProjectSchema
from .topology import SUBSCRIBES

_project_out = ProjectSchema()
PAST_REVIEW_OPENING = ("PLAN_UNDER_REVIEW", "PLAN_DRAFTED", "NOT_INCLUDED")


def _summary(project: Project) -> dict:
    return {"project_id": project.id, "name": project.name, "category": project.category,
            "plan_year": project.plan_year, "unit_id": project.unit_id,
            "unit_name": project.unit_name, "state": project.state}


class PlanningService(ServiceBase):
    name = "planning"
    tx = Transactions(infra)

    @command("submit_plan_application")
    def submit_plan_application(self, payload, idempotency_key=None):
        """T01: a department files its plan application (Art 6, 7, 20, 31)."""
        ident = self.caller.require("UNIT", action_zh="提交年度计划申报", article="第七条",
                                    rule="R-7-6")
        app = load_or_refuse(PlanApplicationSchema(), payload)
        field_errors = rules.build_kind_required(app)
        if field_errors:
            raise validation(field_errors)
        violations = rules.check_plan_application(app)
        if violations:
            raise rules.refusal_for(violations)
        with self.tx.command(ident, "submit_plan_application", idempotency_key=idempotency_key,
                             request=payload) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            serialize_on(s, f"plan-application:{ident.unit_id}:{app['plan_year']}:{app['category']}")
            same = s.scalar(select(Project.id).where(
                Project.unit_id == ident.unit_id, Project.plan_year == app["plan_year"],
                Project.category == app["category"], Project.name == app["name"],
                Project.state != "DRAFT"))
            if same:
                raise Refusal(code="DUPLICATE", rule="R-0-1", article="第二十条",
                              reason_zh="本单位在该年度、该类别下已提交同名项目申报，不得重复申报",
                              details={"existing_project_id": same})
            taken = set(s.scalars(select(PlanApplication.rank).join(Project).where(
                Project.unit_id == ident.unit_id, Project.plan_year == app["plan_year"],
                Project.category == app["category"], Project.state != "DRAFT")))
            dup = rules.rank_duplicate(app["rank"], app["category"], taken)
            if dup:
                raise dup
            project = Project(
                id=str(uuid.uuid4()), unit_id=ident.unit_id, unit_name=ident.unit_name,
                name=app["name"], category=app["category"], build_kind=app["build_kind"],
                origin="PLAN", plan_year=app["plan_year"], state="PLAN_APPLIED",
                estimate_fen=app["estimate_fen"], classified=app["flags"]["classified"],
                created_at=tx.now, updated_at=tx.now)
            s.add(project)
            s.flush()
            s.add(PlanApplication(project_id=project.id, version_no=1, rank=app["rank"],
                                  content=json.dumps(app, ensure_ascii=False),
                                  submitted_by=ident.user_id, submitted_at=tx.now))
            tx.emit("PlanApplicationSubmitted", project.id,
                    {**_summary(project), "rank": app["rank"], "estimate_fen": app["estimate_fen"],
                     "version_no": 1, "classified": project.classified},
                    article="第七条", unit_id=project.unit_id)
            tx.audit("submit_plan_application", project_id=project.id, article="第七条",
                     details={"version_no": 1})
            tx.result = _project_out.dump(project)
        return tx.result

    @query
    def get_project(self, project_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            project = s.get(Project, project_id)
            if project is None or not may_see(ident, project.unit_id, project.classified):
                raise not_found("项目", project_id)
            out = _project_out.dump(project)
            latest = s.scalars(select(PlanApplication).where(
                PlanApplication.project_id == project_id)
                .order_by(PlanApplication.version_no.desc())).first()
            out["application"] = json.loads(latest.content) if latest else None
            out["application_version"] = latest.version_no if latest else None
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
        handler = {
            "PlanReviewOpened": self._review_opened,
            "PlanReviewConcluded": self._review_concluded,
        }.get(event.name)
        if handler is None:
            return
        with self.tx.event(event, consumer="planning") as tx:
            if tx.replayed:
                return
            project = tx.session.get(Project, event.subject)
            if project is None:
                raise LookupError(f"unknown project {event.subject}")
            handler(tx, project, event)

    def _review_opened(self, tx, project, event):
        if project.state in PAST_REVIEW_OPENING:
            # The conclusion overtook this event (a retried delivery); the
            # review was open by then, so there is nothing left to record.
            return
        if project.state != "PLAN_APPLIED":
            raise state_invalid("项目不在已申报状态，不能进入计划论证", project.state)
        project.state, project.updated_at = "PLAN_UNDER_REVIEW", tx.now
        tx.audit("plan_review_opened", project_id=project.id, article="第八条",
                 details={"review_id": event.data.get("review_id")})

    def _review_concluded(self, tx, project, event):
        """T05/T06: the joint opinion decides whether the item enters the draft plan."""
        # A conclusion implies the review was opened, even if that event has
        # not been applied yet; waiting for it could park the conclusion.
        if project.state not in ("PLAN_UNDER_REVIEW", "PLAN_APPLIED"):
            raise state_invalid("项目不在计划论证中", project.state)
        outcome = event.data["outcome"]
        new_state, name = {"DRAFT": ("PLAN_DRAFTED", "PlanItemDrafted"),
                           "NOT_INCLUDED": ("NOT_INCLUDED", "PlanItemNotIncluded")}[outcome]
        project.state, project.updated_at = new_state, tx.now
        tx.emit(name, project.id, {**_summary(project), "review_id": event.data.get("review_id"),
                                   "opinion": event.data.get("consolidated_opinion")},
                article="第八条", unit_id=project.unit_id)
        tx.audit(name, project_id=project.id, article="第八条",
                 details={"review_id": event.data.get("review_id"), "outcome": outcome})
