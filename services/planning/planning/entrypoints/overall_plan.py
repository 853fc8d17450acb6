"""The overall plan (市级政务信息化建设总体规划, Art 4, R-4-2): 政务办 compiles it, the leading group approves it."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from itpm_common.errors import not_found, state_invalid, validation
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command, query

from ..models import OverallPlan
from ..schemas import OverallPlanDecisionSchema, OverallPlanSchema

SUBJECT = "overall-plan"


def overall_out(plan: OverallPlan) -> dict:
    return {"plan_id": plan.id, "version_no": plan.version_no, "status": plan.status, "title": plan.title,
            "period_from": plan.period_from, "period_to": plan.period_to, "items": json.loads(plan.items),
            "document_number": plan.document_number, "compiled_by": plan.compiled_by,
            "compiled_at": plan.compiled_at.isoformat(), "approved_by": plan.approved_by,
            "approved_at": plan.approved_at.isoformat() if plan.approved_at else None, "version": plan.version}


def _latest(session, *, status: str | None = None, lock: bool = False) -> OverallPlan | None:
    q = select(OverallPlan).order_by(OverallPlan.version_no.desc()).limit(1)
    if status:
        q = q.where(OverallPlan.status == status)
    return session.scalars(q.with_for_update() if lock else q).first()


class OverallPlanCommands:
    @command("compile_overall_plan")
    def compile_overall_plan(self, payload, idempotency_key=None):
        """政务办 drafts a new version (牵头编制); an approved version is never changed."""
        ident = self.caller.require("ZWB", action_zh="编制市级政务信息化建设总体规划", article="第四条", rule="R-4-2")
        p = load_or_refuse(OverallPlanSchema(), payload)
        if p["period_to"] < p["period_from"]:
            raise validation({"period_to": ["规划期末不能早于规划期初"]})
        with self.tx.command(ident, "compile_overall_plan", idempotency_key=idempotency_key, request=payload) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            latest = _latest(s, lock=True)
            if latest is not None and latest.status == "DRAFT":
                plan = latest
            else:
                plan = OverallPlan(id=str(uuid.uuid4()), version_no=(latest.version_no + 1) if latest else 1,
                                   status="DRAFT")
                s.add(plan)
            plan.title, plan.period_from, plan.period_to = p["title"], p["period_from"], p["period_to"]
            plan.items = json.dumps(p["items"], ensure_ascii=False)
            plan.compiled_by, plan.compiled_at = ident.user_id, tx.now
            s.flush()
            tx.audit("compile_overall_plan", article="第四条", rule="R-4-2",
                     details={"plan_id": plan.id, "version_no": plan.version_no, "items": len(p["items"])})
            tx.result = overall_out(plan)
        return tx.result

    @command("approve_overall_plan")
    def approve_overall_plan(self, payload, idempotency_key=None):
        """Only the leading group approves (审定) the overall plan (R-4-1, R-4-2)."""
        ident = self.caller.require("LG", action_zh="审定市级政务信息化建设总体规划", article="第四条", rule="R-4-2")
        d = load_or_refuse(OverallPlanDecisionSchema(), payload)
        with self.tx.command(ident, "approve_overall_plan", idempotency_key=idempotency_key, request=payload) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            plan = _latest(s, lock=True)
            if plan is None:
                raise not_found("总体规划")
            if plan.status != "DRAFT":
                raise state_invalid("没有待审定的总体规划版本", plan.status, article="第四条")
            if d["expected_version"] is not None and d["expected_version"] != plan.version:
                raise state_invalid("总体规划已有变化，请刷新后重试", plan.status, rule="R-0-2",
                                    expected_version=d["expected_version"], current_version=plan.version)
            for old in s.scalars(select(OverallPlan).where(OverallPlan.status == "APPROVED")):
                old.status = "SUPERSEDED"
            plan.status, plan.document_number = "APPROVED", d["document_number"]
            plan.approved_by, plan.approved_at = ident.user_id, tx.now
            s.flush()
            tx.emit("OverallPlanApproved", SUBJECT,
                    {"plan_id": plan.id, "version_no": plan.version_no, "title": plan.title,
                     "period_from": plan.period_from, "period_to": plan.period_to,
                     "document_number": plan.document_number, "items": json.loads(plan.items)},
                    article="第四条")
            tx.audit("approve_overall_plan", article="第四条", rule="R-4-2",
                     details={"plan_id": plan.id, "version_no": plan.version_no,
                              "document_number": plan.document_number})
            tx.result = overall_out(plan)
        return tx.result

    @query
    def get_overall_plan(self, version_no=None):
        """The approved plan is public inside the suite; drafts are for 政务办 and the leading group."""
        ident = self.caller.identity()
        with self.tx.read() as s:
            q = select(OverallPlan).order_by(OverallPlan.version_no.desc()).limit(1)
            if version_no is not None:
                q = q.where(OverallPlan.version_no == version_no)
            if ident.role not in ("ZWB", "LG", "LGO"):
                q = q.where(OverallPlan.status.in_(("APPROVED", "SUPERSEDED")))
            plan = s.scalars(q).first()
            if plan is None:
                raise not_found("总体规划")
            return overall_out(plan)
