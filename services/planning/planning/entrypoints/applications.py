"""A department's plan applications (Art 6, 7): drafts, submission, withdrawal, ranking."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from itpm_common.clock import local_date
from itpm_common.db import serialize_on
from itpm_common.errors import Refusal, not_found, state_invalid, validation
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command, query

from .. import rules
from ..models import PlanApplication, PlanCall, Project
from ..schemas import DraftSchema, PlanApplicationSchema, RankingSchema, WithdrawSchema
from ..views import project_out, summary

PLAN_ORIGINS = ("PLAN", "SUPERIOR_FUNDED")
# Applications that hold a place in the department's ranking (R-7-3).
RANKED_STATES = ("PLAN_APPLIED", "PLAN_UNDER_REVIEW", "PLAN_DRAFTED", "PLANNED", "NOT_INCLUDED")


def own_project(session, ident, project_id: str, *, lock: bool = False) -> Project:
    """The caller's own project, or NOT-FOUND whether it is absent or another unit's (§7.2)."""
    q = select(Project).where(Project.id == project_id)
    project = session.scalars(q.with_for_update() if lock else q).first()
    if project is None or project.unit_id != ident.unit_id:
        raise not_found("项目", project_id)
    return project


def _existing_system(content: dict) -> str | None:
    return ((content or {}).get("system") or {}).get("existing_system_id") or None


def refuse_duplicate(session, ident, app: dict, exclude_id: str | None) -> None:
    """R-0-1 / Art 20: one application per unit, year, category and project: the same name, or the same
    running system with the same kind of work (its O&M, or the same upgrade or expansion) under another name."""
    q = select(Project).where(
        Project.unit_id == ident.unit_id, Project.plan_year == app["plan_year"],
        Project.category == app["category"], Project.state != "DRAFT")
    if exclude_id:
        q = q.where(Project.id != exclude_id)
    system = _existing_system(app)
    for other in session.scalars(q):
        if other.name == app["name"]:
            raise Refusal(code="DUPLICATE", rule="R-0-1", article="第二十条",
                          reason_zh="本单位在该年度、该类别下已提交同名项目申报，不得重复申报",
                          details={"existing_project_id": other.id})
        if system and other.build_kind == app["build_kind"]:
            latest = session.scalars(select(PlanApplication.content).where(
                PlanApplication.project_id == other.id).order_by(PlanApplication.version_no.desc()).limit(1)).first()
            if latest is not None and _existing_system(json.loads(latest)) == system:
                raise Refusal(code="DUPLICATE", rule="R-0-1", article="第二十条",
                              reason_zh=f"本单位在该年度已就同一在运行系统（{system}）申报同类项目《{other.name}》，"
                                        "不得换名重复申报",
                              details={"existing_project_id": other.id, "existing_name": other.name,
                                       "existing_system_id": system})


def record_version(tx, project: Project, app: dict, ident, rank: int | None) -> int:
    """Numbers the new version and keeps its content. The project row is flushed once, with its new
    version number, before the version row that refers to it: the row version moves once per decision."""
    version_no = project.current_version_no + 1
    project.current_version_no = version_no
    tx.session.flush()
    tx.session.add(PlanApplication(project_id=project.id, version_no=version_no, rank=rank,
                                   content=json.dumps(app, ensure_ascii=False, default=str),
                                   submitted_by=ident.user_id, submitted_at=tx.now))
    return version_no


def apply_content(project: Project, app: dict) -> None:
    project.name, project.category, project.build_kind = app["name"], app["category"], app["build_kind"]
    project.plan_year, project.estimate_fen = app["plan_year"], app["estimate_fen"]
    project.classified = app["flags"]["classified"]
    funding = app.get("superior_funding") or {}
    project.superior_funding_fen = funding.get("amount_fen") or 0
    project.returned_reason, project.draft = None, None


def load_application(schema, payload) -> dict:
    app = load_or_refuse(schema, payload)
    field_errors = rules.build_kind_required(app)
    if field_errors:
        raise validation(field_errors)
    return app


class ApplicationCommands:
    @command("save_draft")
    def save_draft(self, payload, idempotency_key=None):
        """A draft only its department sees (§3.2 DRAFT); nothing is checked but the form's types."""
        ident = self.caller.require("UNIT", action_zh="保存项目申报草稿", article="第七条", rule="R-7-6")
        d = load_or_refuse(DraftSchema(), payload)
        with self.tx.command(ident, "save_draft", idempotency_key=idempotency_key, request=payload) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            if d["project_id"]:
                project = own_project(s, ident, d["project_id"], lock=True)
                if project.state != "DRAFT":
                    raise state_invalid("只有草稿或被退回的申报可以修改", project.state, article="第七条")
            else:
                project = Project(id=str(uuid.uuid4()), unit_id=ident.unit_id, unit_name=ident.unit_name,
                                  origin="ADHOC" if d["kind"] == "ADHOC" else "PLAN", state="DRAFT",
                                  estimate_fen=0, classified=False, current_version_no=0,
                                  superior_funding_fen=0, created_at=tx.now)
                s.add(project)
            content = d["content"] or {}
            project.name, project.plan_year = d["name"], d["plan_year"]
            project.category = d["category"] or project.category or "BUILD"
            project.classified = bool((content.get("flags") or {}).get("classified", project.classified))
            project.draft = json.dumps(content, ensure_ascii=False)
            project.updated_at = tx.now
            s.flush()
            tx.audit("save_draft", project_id=project.id, article="第七条")
            tx.result = project_out.dump(project)
        return tx.result

    @command("submit_plan_application")
    def submit_plan_application(self, payload, idempotency_key=None):
        """T01: a department files its plan application (Art 2, 6, 7, 20, 31), new or as a new version."""
        ident = self.caller.require("UNIT", action_zh="提交年度计划申报", article="第七条", rule="R-7-6")
        app = load_application(PlanApplicationSchema(), payload)
        violations = rules.check_plan_submission(app)
        if violations:
            raise rules.refusal_for(violations)
        with self.tx.command(ident, "submit_plan_application", idempotency_key=idempotency_key,
                             request=payload) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            serialize_on(s, f"plan-application:{ident.unit_id}:{app['plan_year']}:{app['category']}")
            project = self._submittable(s, ident, app["project_id"])
            # A correction 政务办 asked for (T04) is part of the review, not a new filing: the window that
            # bounds filings (R-7-5) does not bound it. A withdrawn application filed again is a new filing.
            returned = project is not None and project.returned_reason is not None
            if returned and project.plan_year != app["plan_year"]:
                raise validation({"plan_year": ["退回修改的申报不能改变计划年度"]})
            window = None if returned else rules.check_call_window(s.get(PlanCall, app["plan_year"]),
                                                                   local_date(tx.now))
            if window:
                raise window
            refuse_duplicate(s, ident, app, project.id if project else None)
            taken_q = select(Project.rank).where(
                Project.unit_id == ident.unit_id, Project.plan_year == app["plan_year"],
                Project.category == app["category"], Project.state.in_(RANKED_STATES),
                Project.rank.is_not(None))
            if project:
                taken_q = taken_q.where(Project.id != project.id)
            dup = rules.rank_duplicate(app["rank"], app["category"], set(s.scalars(taken_q)))
            if dup:
                raise dup
            if project is None:
                project = Project(id=str(uuid.uuid4()), unit_id=ident.unit_id, unit_name=ident.unit_name,
                                  current_version_no=0, created_at=tx.now)
                s.add(project)
            apply_content(project, app)
            project.origin, project.rank, project.adhoc_reason = app["origin"], app["rank"], None
            project.state, project.review_opened_version, project.updated_at = "PLAN_APPLIED", None, tx.now
            version_no = record_version(tx, project, app, ident, app["rank"])
            s.flush()
            tx.emit("PlanApplicationSubmitted", project.id,
                    {**summary(project), "rank": app["rank"], "estimate_fen": app["estimate_fen"],
                     "version_no": version_no, "superior_funding_fen": project.superior_funding_fen},
                    article="第七条", unit_id=project.unit_id)
            tx.audit("submit_plan_application", project_id=project.id, article="第七条",
                     details={"version_no": version_no, "origin": project.origin})
            tx.result = project_out.dump(project)
        return tx.result

    def _submittable(self, s, ident, project_id: str | None) -> Project | None:
        if not project_id:
            return None
        project = own_project(s, ident, project_id, lock=True)
        if project.state != "DRAFT":
            raise state_invalid("该项目已申报，不能重复提交；被退回或撤回后方可修改重报", project.state,
                                article="第七条")
        return project

    @command("withdraw_plan_application", project_arg="project_id")
    def withdraw_plan_application(self, project_id, payload=None, idempotency_key=None):
        """T02: the department takes its application back while 政务办 has not opened the review."""
        ident = self.caller.require("UNIT", action_zh="撤回年度计划申报", article="第七条", rule="R-7-6")
        w = load_or_refuse(WithdrawSchema(), payload or {})
        with self.tx.command(ident, "withdraw_plan_application", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            project = own_project(tx.session, ident, project_id, lock=True)
            if project.state != "PLAN_APPLIED":
                raise state_invalid("计划论证已开始或项目不在已申报状态，不能撤回", project.state,
                                    article="第七条")
            project.state, project.updated_at = "DRAFT", tx.now
            tx.session.flush()
            tx.emit("PlanApplicationWithdrawn", project.id,
                    {**summary(project), "version_no": project.current_version_no,
                     "reason": w["reason"].strip() or None},
                    article="第七条", unit_id=project.unit_id)
            tx.audit("withdraw_plan_application", project_id=project.id, article="第七条",
                     details={"version_no": project.current_version_no})
            tx.result = project_out.dump(project)
        return tx.result

    @command("update_ranking")
    def update_ranking(self, payload, idempotency_key=None):
        """R-7-3: the department re-orders its applications of one year and category before the call closes."""
        ident = self.caller.require("UNIT", action_zh="调整本单位申报排序", article="第七条", rule="R-7-6")
        r = load_or_refuse(RankingSchema(), payload)
        with self.tx.command(ident, "update_ranking", idempotency_key=idempotency_key, request=payload) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            window = rules.check_call_window(s.get(PlanCall, r["plan_year"]), local_date(tx.now))
            if window:
                raise window
            serialize_on(s, f"plan-application:{ident.unit_id}:{r['plan_year']}:{r['category']}")
            ranked = {p.id: p for p in s.scalars(select(Project).where(
                Project.unit_id == ident.unit_id, Project.plan_year == r["plan_year"],
                Project.category == r["category"], Project.state.in_(RANKED_STATES),
                Project.rank.is_not(None)))}
            if sorted(r["order"]) != sorted(ranked) or len(set(r["order"])) != len(r["order"]):
                raise validation({"order": ["排序须恰好列出本单位该年度该类别的全部申报项目，每项一次"]},
                                 reason_zh="排序清单与本单位已申报项目不一致")
            changed = []
            for new, project_id in enumerate(r["order"], start=1):
                project = ranked[project_id]
                if project.rank != new:
                    changed.append((project, project.rank, new))
            for project, old, new in changed:
                project.rank, project.updated_at = new, tx.now
                tx.emit("PlanRankingUpdated", project.id,
                        {**summary(project), "rank": new, "previous_rank": old, "reason": "RERANKED"},
                        article="第七条", unit_id=project.unit_id)
            tx.audit("update_ranking", article="第七条", rule="R-7-3",
                     details={"plan_year": r["plan_year"], "category": r["category"], "order": r["order"]})
            tx.result = {"plan_year": r["plan_year"], "category": r["category"],
                         "items": [{"project_id": pid, "rank": i, "name": ranked[pid].name}
                                   for i, pid in enumerate(r["order"], start=1)]}
        return tx.result

    @query
    def get_ranking(self, plan_year, category):
        """The caller's department's current order (its own view of R-7-3)."""
        ident = self.caller.require("UNIT", action_zh="查看本单位申报排序", article="第七条", rule="R-7-6")
        with self.tx.read() as s:
            rows = s.scalars(select(Project).where(
                Project.unit_id == ident.unit_id, Project.plan_year == plan_year, Project.category == category,
                Project.state.in_(RANKED_STATES), Project.rank.is_not(None)).order_by(Project.rank))
            return {"plan_year": plan_year, "category": category,
                    "items": [{"project_id": p.id, "rank": p.rank, "name": p.name, "state": p.state}
                              for p in rows]}
