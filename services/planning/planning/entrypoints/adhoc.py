"""Ad-hoc and superior-funded projects outside the annual plan (Art 9)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from itpm_common.db import serialize_on
from itpm_common.errors import Refusal, not_found, state_invalid
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command

from .. import rules
from ..models import AnnualPlan, AnnualPlanItem, Project, SpecialReport
from ..schemas import AdHocApplicationSchema, SpecialReportSchema
from ..views import project_out, summary
from .applications import apply_content, load_application, own_project, record_version, refuse_duplicate

# A department may revise its ad-hoc application until 政务办 opens the joint review.
REVISABLE = ("DRAFT", "ADHOC_APPLIED", "ADHOC_FUNDING_CONFIRMED")
ADHOC_STATES = ("ADHOC_APPLIED", "ADHOC_FUNDING_CONFIRMED", "ADHOC_UNDER_REVIEW", "ADHOC_CLEARED")


def in_approved_plan(session, unit_id: str, plan_year: int, name: str, project_id: str | None) -> bool:
    """Whether the latest approved plan of the year lists this project (by id, or the unit's same-named item)."""
    plan_id = session.scalar(select(AnnualPlan.id).where(
        AnnualPlan.plan_year == plan_year, AnnualPlan.status == "APPROVED"))
    if plan_id is None:
        return False
    q = select(AnnualPlanItem.id).where(AnnualPlanItem.plan_id == plan_id, AnnualPlanItem.status == "LISTED")
    by_name = q.where(AnnualPlanItem.unit_id == unit_id, AnnualPlanItem.name == name)
    if session.scalar(by_name) is not None:
        return True
    return project_id is not None and session.scalar(q.where(AnnualPlanItem.project_id == project_id)) is not None


class AdHocCommands:
    @command("submit_adhoc_application")
    def submit_adhoc_application(self, payload, idempotency_key=None):
        """T10 (and its revision before the joint review): not in the plan, by requirement, need or superior funds."""
        ident = self.caller.require("UNIT", action_zh="提交追加项目申请", article="第九条", rule="R-7-6")
        app = load_application(AdHocApplicationSchema(), payload)
        violations = rules.check_adhoc_submission(app)
        if violations:
            raise rules.refusal_for(violations)
        with self.tx.command(ident, "submit_adhoc_application", idempotency_key=idempotency_key,
                             request=payload) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            serialize_on(s, f"plan-application:{ident.unit_id}:{app['plan_year']}:{app['category']}")
            project = None
            if app["project_id"]:
                project = own_project(s, ident, app["project_id"], lock=True)
                if project.state not in REVISABLE or (project.state != "DRAFT" and project.origin not in
                                                      ("ADHOC", "SUPERIOR_FUNDED")):
                    raise state_invalid("联审已开始或项目不在可修改的追加申请状态", project.state, article="第九条")
            if app["origin"] == "ADHOC" and in_approved_plan(s, ident.unit_id, app["plan_year"], app["name"],
                                                             project.id if project else None):
                raise Refusal(code="E09-ALREADY-IN-PLAN", rule="R-9-1", article="第九条",
                              reason_zh="该项目已列入批准的年度建设计划，不属于追加项目",
                              details={"plan_year": app["plan_year"]})
            refuse_duplicate(s, ident, app, project.id if project else None)
            if project is None:
                project = Project(id=str(uuid.uuid4()), unit_id=ident.unit_id, unit_name=ident.unit_name,
                                  current_version_no=0, created_at=tx.now)
                s.add(project)
            previous_total = project.estimate_fen
            apply_content(project, app)
            project.origin, project.adhoc_reason, project.rank = app["origin"], app["adhoc_reason"], None
            # A higher total needs 财政's confirmation again (R-9-7); funds says so too, but the state
            # shown must not claim a confirmation that no longer covers the project meanwhile.
            if project.state in (None, "DRAFT") or (project.state == "ADHOC_FUNDING_CONFIRMED"
                                                    and project.estimate_fen > (previous_total or 0)):
                project.state = "ADHOC_APPLIED"
            project.updated_at = tx.now
            version_no = record_version(tx, project, app, ident, None)
            s.flush()
            tx.emit("AdHocApplicationSubmitted", project.id,
                    {**summary(project), "version_no": version_no, "estimate_fen": project.estimate_fen,
                     "adhoc_reason": project.adhoc_reason, "superior_funding_fen": project.superior_funding_fen},
                    article="第九条", unit_id=project.unit_id)
            tx.audit("submit_adhoc_application", project_id=project.id, article="第九条", rule="R-9-1",
                     details={"version_no": version_no, "origin": project.origin,
                              "adhoc_reason": project.adhoc_reason, "estimate_fen": project.estimate_fen})
            tx.result = project_out.dump(project)
        return tx.result

    @command("record_special_report", project_arg="project_id")
    def record_special_report(self, project_id, payload, idempotency_key=None):
        """R-9-5: 政务办 records the 专题报告 to the municipal government (reference and date)."""
        ident = self.caller.require("ZWB", action_zh="登记向市政府专题报告", article="第九条", rule="R-9-5")
        r = load_or_refuse(SpecialReportSchema(), payload)
        with self.tx.command(ident, "record_special_report", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            project = s.get(Project, project_id)
            if project is None:
                raise not_found("项目", project_id)
            if project.state not in ADHOC_STATES:
                raise state_invalid("只有追加项目需登记向市政府专题报告", project.state, article="第九条")
            if s.scalar(select(SpecialReport.id).where(SpecialReport.project_id == project_id,
                                                       SpecialReport.reference == r["reference"])):
                raise Refusal(code="DUPLICATE", rule="R-0-1", article="第九条",
                              reason_zh=f"专题报告 {r['reference']} 已登记，不得重复登记",
                              details={"reference": r["reference"]})
            report = SpecialReport(project_id=project_id, reference=r["reference"], reported_on=r["reported_on"],
                                   summary=r["summary"].strip() or None, recorded_by=ident.user_id,
                                   recorded_at=tx.now)
            s.add(report)
            s.flush()
            out = {"project_id": project_id, "reference": report.reference,
                   "reported_on": report.reported_on.isoformat(), "summary": report.summary,
                   "recorded_by": ident.user_id, "recorded_at": tx.now.isoformat()}
            tx.emit("SpecialReportRecorded", project_id,
                    {**summary(project), "reference": report.reference,
                     "reported_on": report.reported_on.isoformat(), "estimate_fen": project.estimate_fen},
                    article="第九条", unit_id=project.unit_id)
            tx.audit("record_special_report", project_id=project_id, article="第九条", rule="R-9-5",
                     details={"reference": report.reference, "reported_on": report.reported_on.isoformat()})
            tx.result = out
        return tx.result
