"""The annual construction plan (Art 4, 8): 政务办 compiles, the leading group decides, 发改 gets a copy."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from itpm_common.errors import not_found, state_invalid, validation
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command, query

from .. import plan_rules
from ..models import AnnualPlan, AnnualPlanItem, Project
from ..schemas import CompilePlanSchema, PlanDecisionSchema, SubmitPlanSchema, WithdrawSchema
from ..views import summary

PLAN_READERS = ("ZWB", "FG", "CZ", "WX", "GX", "LG", "LGO")
SUBJECT = "annual-plan:{}"


def plan_subject(plan_year: int) -> str:
    return SUBJECT.format(plan_year)


def _iso(value):
    return value.isoformat() if value is not None else None


def item_out(item: AnnualPlanItem, with_amount: bool) -> dict:
    out = {"project_id": item.project_id, "section": item.section, "section_rank": item.section_rank,
           "nature": item.nature, "nature_zh": plan_rules.NATURE_ZH.get(item.nature, item.nature),
           "status": item.status, "struck_reason": item.struck_reason, "unit_id": item.unit_id,
           "unit_name": item.unit_name, "name": item.name, "build_kind": item.build_kind, "origin": item.origin,
           "unit_rank": item.unit_rank, "classified": item.classified}
    if with_amount:
        out["estimate_fen"] = item.estimate_fen
    return out


def item_visible(ident, item: AnnualPlanItem) -> bool:
    """§7.2: bureaus and the leading group see the whole plan; 审计 all but classified; 保密 only classified;
    a department only its own items (A-47)."""
    if ident.role in PLAN_READERS:
        return True
    if ident.role == "SJ":
        return not item.classified
    if ident.role == "BM":
        return item.classified
    return ident.role == "UNIT" and item.unit_id == ident.unit_id


def plan_out(plan: AnnualPlan, items: list[AnnualPlanItem], ident) -> dict:
    mine = [i for i in items if item_visible(ident, i)]
    sections = {}
    for section in plan_rules.SECTIONS:
        rows = sorted((i for i in mine if i.section == section), key=lambda i: (i.status != "LISTED",
                                                                                 i.section_rank))
        sections[section] = [item_out(i, ident.role != "UNIT" or i.unit_id == ident.unit_id) for i in rows]
    listed = [i for i in mine if i.status == "LISTED"]
    return {"plan_id": plan.id, "plan_year": plan.plan_year, "version_no": plan.version_no, "status": plan.status,
            "title": plan.title, "document_number": plan.document_number, "compiled_by": plan.compiled_by,
            "compiled_at": _iso(plan.compiled_at), "submitted_by": plan.submitted_by,
            "submitted_at": _iso(plan.submitted_at), "decided_by": plan.decided_by,
            "decided_at": _iso(plan.decided_at), "decision_note": plan.decision_note, "version": plan.version,
            "sections": sections,
            "totals": {s: {"count": sum(1 for i in listed if i.section == s),
                           "estimate_fen": sum(i.estimate_fen for i in listed if i.section == s)}
                       for s in plan_rules.SECTIONS} if ident.role in PLAN_READERS + ("SJ",) else None}


def _latest(session, plan_year: int, *, lock: bool = False) -> AnnualPlan | None:
    q = (select(AnnualPlan).where(AnnualPlan.plan_year == plan_year)
         .order_by(AnnualPlan.version_no.desc()).limit(1))
    return session.scalars(q.with_for_update() if lock else q).first()


def _items(session, plan_id: str) -> list[AnnualPlanItem]:
    return list(session.scalars(select(AnnualPlanItem).where(AnnualPlanItem.plan_id == plan_id)))


def _check_version(plan: AnnualPlan, expected: int | None) -> None:
    if expected is not None and expected != plan.version:
        raise state_invalid(f"年度计划在版本 {expected} 之后已有变化（现为版本 {plan.version}），本次操作未生效；"
                            "请刷新后重试", plan.status, rule="R-0-2", expected_version=expected,
                            current_version=plan.version)


def _plan_in(session, plan_year: int, status: str, refusal_zh: str, expected_version: int | None = None):
    """The year's latest version, locked, in the status the decision needs, as the caller last saw it."""
    plan = _latest(session, plan_year, lock=True)
    if plan is None:
        raise not_found("年度建设计划", str(plan_year))
    if plan.status != status:
        raise state_invalid(refusal_zh, plan.status, article="第八条")
    _check_version(plan, expected_version)
    return plan


def _copy_items(items: list[AnnualPlanItem], projects: dict[str, Project]) -> list[dict]:
    return [{"project_id": i.project_id, "unit_id": i.unit_id, "unit_name": i.unit_name, "name": i.name,
             "category": i.section, "build_kind": i.build_kind, "section_rank": i.section_rank,
             "estimate_fen": i.estimate_fen, "origin": i.origin, "classified": i.classified}
            for i in items if i.status == "LISTED"]


class AnnualPlanCommands:
    @command("compile_annual_plan")
    def compile_annual_plan(self, plan_year, payload=None, idempotency_key=None):
        """政务办 drafts the plan from the items the joint review placed in it (R-8-2); after an approval, the
        draft is the next version, an amendment (R-8-5)."""
        ident = self.caller.require("ZWB", action_zh="编制年度建设计划", article="第八条", rule="R-8-2")
        c = load_or_refuse(CompilePlanSchema(), payload or {})
        with self.tx.command(ident, "compile_annual_plan", idempotency_key=idempotency_key,
                             request={"plan_year": plan_year, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            latest = _latest(s, plan_year, lock=True)
            if latest is not None and latest.status == "SUBMITTED":
                raise state_invalid("年度计划已报领导小组审定，不能重新编制", latest.status, article="第八条")
            # An amendment, however often it is recompiled or returned, starts from the approved version.
            approved = s.scalars(select(AnnualPlan).where(AnnualPlan.plan_year == plan_year,
                                                          AnnualPlan.status == "APPROVED")).first()
            carried = [i for i in _items(s, approved.id) if i.status == "LISTED"] if approved else []
            carried_ids = {i.project_id for i in carried}
            drafted = list(s.scalars(select(Project).where(
                Project.plan_year == plan_year, Project.state == "PLAN_DRAFTED")))
            candidates = [plan_rules.Candidate(p.id, p.category, plan_rules.nature_of(p.category, p.build_kind),
                                               p.rank, p.name) for p in drafted if p.id not in carried_ids]
            candidates += [plan_rules.Candidate(i.project_id, i.section, i.nature, i.unit_rank, i.name)
                           for i in carried]
            if not candidates:
                raise state_invalid(f"{plan_year} 年度尚无经联审列入计划草案的项目", "NONE", article="第八条")
            sections = plan_rules.sectioned(candidates, {"BUILD": c["build_order"], "OM": c["om_order"]})
            if latest is None or latest.status == "APPROVED":
                plan = AnnualPlan(id=str(uuid.uuid4()), plan_year=plan_year,
                                  version_no=(latest.version_no + 1) if latest else 1, compiled_by=ident.user_id)
                s.add(plan)
            else:
                plan = latest
                for old in _items(s, plan.id):
                    s.delete(old)
            plan.status, plan.compiled_by, plan.compiled_at = "DRAFT", ident.user_id, tx.now
            plan.title = c["title"] or f"{plan_year}年度市级政务信息化项目建设计划"
            plan.submitted_by = plan.submitted_at = plan.decision_note = None
            s.flush()
            projects = {p.id: p for p in s.scalars(select(Project).where(
                Project.id.in_([cand.project_id for cand in candidates])))}
            for section, ordered in sections.items():
                for rank, cand in enumerate(ordered, start=1):
                    p = projects[cand.project_id]
                    s.add(AnnualPlanItem(plan_id=plan.id, project_id=p.id, section=section, section_rank=rank,
                                         nature=cand.nature, status="LISTED", unit_id=p.unit_id,
                                         unit_name=p.unit_name, name=p.name, build_kind=p.build_kind,
                                         origin=p.origin, unit_rank=p.rank, estimate_fen=p.estimate_fen,
                                         classified=p.classified))
            s.flush()
            tx.audit("compile_annual_plan", article="第八条", rule="R-8-2",
                     details={"plan_id": plan.id, "plan_year": plan_year, "version_no": plan.version_no,
                              "build": [c.project_id for c in sections["BUILD"]],
                              "om": [c.project_id for c in sections["OM"]]})
            tx.result = plan_out(plan, _items(s, plan.id), ident)
        return tx.result

    @command("submit_annual_plan")
    def submit_annual_plan(self, plan_year, payload=None, idempotency_key=None):
        """政务办 (or the leading group's office) submits the draft to the leading group (Art 8)."""
        ident = self.caller.require("ZWB", "LGO", action_zh="将年度建设计划报领导小组", article="第八条",
                                    rule="R-8-3")
        c = load_or_refuse(SubmitPlanSchema(), payload or {})
        with self.tx.command(ident, "submit_annual_plan", idempotency_key=idempotency_key,
                             request={"plan_year": plan_year, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            plan = _plan_in(s, plan_year, "DRAFT", "只有编制中的年度计划可以报送领导小组", c["expected_version"])
            items = _items(s, plan.id)
            self._refuse_incomplete(s, items)
            plan.status, plan.submitted_by, plan.submitted_at = "SUBMITTED", ident.user_id, tx.now
            s.flush()
            tx.emit("AnnualPlanSubmittedToLG", plan_subject(plan_year),
                    {"plan_id": plan.id, "plan_year": plan_year, "version_no": plan.version_no,
                     "title": plan.title, "items": [{"project_id": i.project_id, "category": i.section,
                                                     "section_rank": i.section_rank} for i in items]},
                    article="第八条")
            tx.audit("submit_annual_plan", article="第八条", rule="R-8-3",
                     details={"plan_id": plan.id, "version_no": plan.version_no, "items": len(items)})
            tx.result = plan_out(plan, items, ident)
        return tx.result

    def _refuse_incomplete(self, s, items: list[AnnualPlanItem]) -> None:
        states = {p.id: p.state for p in s.scalars(select(Project).where(
            Project.id.in_([i.project_id for i in items])))}
        refusal = plan_rules.incomplete([(i.project_id, i.name, states.get(i.project_id, "UNKNOWN"))
                                         for i in items if i.status == "LISTED"], ("PLAN_DRAFTED", "PLANNED"))
        if refusal:
            raise refusal

    @command("return_annual_plan")
    def return_annual_plan(self, plan_year, payload=None, idempotency_key=None):
        """The leading group sends a submitted plan back to 政务办 for re-compilation, with its reason."""
        ident = self.caller.require("LG", action_zh="退回年度建设计划", article="第八条", rule="R-8-3")
        w = load_or_refuse(WithdrawSchema(), payload or {})
        if not w["reason"].strip():
            raise validation({"reason": ["退回须说明理由"]})
        with self.tx.command(ident, "return_annual_plan", idempotency_key=idempotency_key,
                             request={"plan_year": plan_year, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            plan = _plan_in(tx.session, plan_year, "SUBMITTED", "只有已报送的年度计划可以退回")
            plan.status, plan.decision_note = "DRAFT", w["reason"].strip()
            tx.session.flush()
            tx.audit("return_annual_plan", article="第八条", rule="R-8-3",
                     details={"plan_id": plan.id, "version_no": plan.version_no, "reason": plan.decision_note})
            tx.result = plan_out(plan, _items(tx.session, plan.id), ident)
        return tx.result

    @command("approve_annual_plan")
    def approve_annual_plan(self, plan_year, payload, idempotency_key=None):
        """T07/T08: only the leading group approves, striking items it does not accept; the plan is then
        copied to 发改 (R-8-3, R-8-4); a later version is an amendment (R-8-5)."""
        ident = self.caller.require("LG", action_zh="审定年度建设计划", article="第八条", rule="R-8-3")
        d = load_or_refuse(PlanDecisionSchema(), payload)
        with self.tx.command(ident, "approve_annual_plan", idempotency_key=idempotency_key,
                             request={"plan_year": plan_year, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            plan = _plan_in(s, plan_year, "SUBMITTED", "年度计划尚未报送领导小组或已审定", d["expected_version"])
            items = _items(s, plan.id)
            by_project = {i.project_id: i for i in items}
            struck = {x["project_id"]: x["reason"].strip() for x in d["struck"]}
            unknown = sorted(set(struck) - set(by_project))
            if unknown:
                raise validation({"struck": [f"项目 {pid} 不在本版计划中" for pid in unknown]})
            self._refuse_incomplete(s, [i for i in items if i.project_id not in struck])
            projects = {p.id: p for p in s.scalars(select(Project).where(Project.id.in_(list(by_project))))
                        .all()}
            for project_id, reason in struck.items():
                item, project = by_project[project_id], projects[project_id]
                item.status, item.struck_reason = "STRUCK", reason
                project.state, project.updated_at = "NOT_INCLUDED", tx.now
                tx.emit("PlanItemNotIncluded", project.id,
                        {**summary(project), "decided_by": "LG", "reason": reason, "plan_id": plan.id,
                         "version_no": plan.version_no}, article="第八条", unit_id=project.unit_id)
            for section in plan_rules.SECTIONS:
                listed = sorted((i for i in items if i.section == section and i.status == "LISTED"),
                                key=lambda i: i.section_rank)
                for rank, item in enumerate(listed, start=1):
                    item.section_rank = rank
            for item in items:
                project = projects[item.project_id]
                if item.status == "LISTED" and project.state == "PLAN_DRAFTED":
                    project.state, project.updated_at = "PLANNED", tx.now
                    tx.emit("PlanItemApproved", project.id,
                            {**summary(project), "plan_id": plan.id, "version_no": plan.version_no,
                             "section_rank": item.section_rank}, article="第八条", unit_id=project.unit_id)
            previous = s.scalars(select(AnnualPlan).where(AnnualPlan.plan_year == plan_year,
                                                          AnnualPlan.status == "APPROVED")).all()
            for old in previous:
                old.status = "SUPERSEDED"
            amended = bool(previous)
            plan.status, plan.decided_by, plan.decided_at = "APPROVED", ident.user_id, tx.now
            plan.document_number, plan.decision_note = d["document_number"], d["note"].strip() or None
            s.flush()
            listed = [i for i in items if i.status == "LISTED"]
            public_items = [{"project_id": i.project_id, "unit_id": i.unit_id, "unit_name": i.unit_name,
                             "name": i.name, "category": i.section, "section_rank": i.section_rank,
                             "origin": i.origin} for i in listed if not i.classified]
            tx.emit("AnnualPlanAmended" if amended else "AnnualPlanApproved", plan_subject(plan_year),
                    {"plan_id": plan.id, "plan_year": plan_year, "version_no": plan.version_no,
                     "document_number": plan.document_number, "items": public_items},
                    article="第八条", external=True)
            tx.emit("AnnualPlanCopiedToFG", plan_subject(plan_year),
                    {"plan_id": plan.id, "plan_year": plan_year, "version_no": plan.version_no,
                     "document_number": plan.document_number, "items": _copy_items(items, projects)},
                    article="第八条")
            tx.audit("approve_annual_plan", article="第八条", rule="R-8-3",
                     details={"plan_id": plan.id, "version_no": plan.version_no, "amended": amended,
                              "document_number": plan.document_number, "struck": sorted(struck),
                              "listed": len(listed)})
            tx.result = plan_out(plan, items, ident)
        return tx.result

    @query
    def get_annual_plan(self, plan_year, version_no=None):
        """The latest version, or a given one; a department sees only its own items of approved versions."""
        ident = self.caller.identity()
        with self.tx.read() as s:
            q = select(AnnualPlan).where(AnnualPlan.plan_year == plan_year)
            if version_no is not None:
                q = q.where(AnnualPlan.version_no == version_no)
            if ident.role not in PLAN_READERS:
                q = q.where(AnnualPlan.status.in_(("APPROVED", "SUPERSEDED")))
            plan = s.scalars(q.order_by(AnnualPlan.version_no.desc()).limit(1)).first()
            if plan is None or ident.role not in PLAN_READERS + ("SJ", "BM", "UNIT"):
                raise not_found("年度建设计划", str(plan_year))
            return plan_out(plan, _items(s, plan.id), ident)

    @query
    def list_annual_plans(self):
        ident = self.caller.identity()
        with self.tx.read() as s:
            q = select(AnnualPlan).order_by(AnnualPlan.plan_year.desc(), AnnualPlan.version_no.desc())
            if ident.role not in PLAN_READERS:
                q = q.where(AnnualPlan.status.in_(("APPROVED", "SUPERSEDED")))
            if ident.role not in PLAN_READERS + ("SJ", "BM", "UNIT"):
                return {"items": []}
            return {"items": [{"plan_id": p.id, "plan_year": p.plan_year, "version_no": p.version_no,
                               "status": p.status, "title": p.title, "document_number": p.document_number,
                               "compiled_at": _iso(p.compiled_at), "submitted_at": _iso(p.submitted_at),
                               "decided_at": _iso(p.decided_at)} for p in s.scalars(q)]}
