"""The call for applications (申报) of a plan year: 政务办 opens and closes it (R-7-5, A-02)."""

from __future__ import annotations

from sqlalchemy import select

from itpm_common.errors import Refusal, not_found, state_invalid
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command, query

from .. import rules
from ..models import PlanCall, Project
from ..schemas import CallSchema, CloseCallSchema
from ..views import summary


def call_out(call: PlanCall) -> dict:
    return {"plan_year": call.plan_year, "opens_on": call.opens_on.isoformat(),
            "closes_on": call.closes_on.isoformat(), "status": call.status, "notice": call.notice,
            "opened_by": call.opened_by, "opened_at": call.opened_at.isoformat(),
            "closed_by": call.closed_by, "closed_at": call.closed_at.isoformat() if call.closed_at else None,
            "version": call.version}


def call_subject(plan_year: int) -> str:
    return f"plan-call:{plan_year}"


class CallCommands:
    @command("open_call")
    def open_call(self, payload, idempotency_key=None):
        """政务办 publishes the call of a plan year with its window (both days included)."""
        ident = self.caller.require("ZWB", action_zh="发布年度计划申报通知", article="第七条", rule="R-7-5")
        c = load_or_refuse(CallSchema(), payload)
        if c["closes_on"] < c["opens_on"]:
            raise Refusal(code="VALIDATION", rule=None, article=None, reason_zh="申报截止日期不能早于开始日期",
                          details={"fields": {"closes_on": ["申报截止日期不能早于开始日期"]}})
        with self.tx.command(ident, "open_call", idempotency_key=idempotency_key, request=payload) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            if s.get(PlanCall, c["plan_year"]) is not None:
                raise Refusal(code="DUPLICATE", rule="R-0-1", article="第七条",
                              reason_zh=f"{c['plan_year']} 年度计划申报通知已发布，不得重复发布",
                              details={"plan_year": c["plan_year"]})
            call = PlanCall(plan_year=c["plan_year"], opens_on=c["opens_on"], closes_on=c["closes_on"],
                            status="OPEN", notice=c["notice"].strip() or None, opened_by=ident.user_id,
                            opened_at=tx.now)
            s.add(call)
            s.flush()
            tx.emit("PlanCallOpened", call_subject(call.plan_year),
                    {"plan_year": call.plan_year, "opens_on": call.opens_on.isoformat(),
                     "closes_on": call.closes_on.isoformat(), "notice": call.notice}, article="第七条")
            tx.audit("open_call", article="第七条", rule="R-7-5",
                     details={"plan_year": call.plan_year, "opens_on": call.opens_on.isoformat(),
                              "closes_on": call.closes_on.isoformat()})
            tx.result = call_out(call)
        return tx.result

    @command("close_call")
    def close_call(self, plan_year, payload=None, idempotency_key=None):
        """Closing ends the window at once and closes the gaps in every department's ranking (R-7-3)."""
        ident = self.caller.require("ZWB", action_zh="截止年度计划申报", article="第七条", rule="R-7-5")
        c = load_or_refuse(CloseCallSchema(), payload or {})
        with self.tx.command(ident, "close_call", idempotency_key=idempotency_key,
                             request={"plan_year": plan_year, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            call = s.get(PlanCall, plan_year)
            if call is None:
                raise not_found("年度计划申报通知", str(plan_year))
            if call.status != "OPEN":
                raise state_invalid(f"{plan_year} 年度计划申报已截止", call.status, article="第七条")
            if c["expected_version"] is not None and c["expected_version"] != call.version:
                raise state_invalid("申报通知已被他人修改，请刷新后重试", call.status, rule="R-0-2",
                                    expected_version=c["expected_version"], current_version=call.version)
            call.status, call.closed_by, call.closed_at = "CLOSED", ident.user_id, tx.now
            s.flush()
            compacted = self._compact_ranks(tx, plan_year)
            tx.emit("PlanCallClosed", call_subject(plan_year),
                    {"plan_year": plan_year, "opens_on": call.opens_on.isoformat(),
                     "closes_on": call.closes_on.isoformat(), "closed_at": tx.now.isoformat()}, article="第七条")
            tx.audit("close_call", article="第七条", rule="R-7-5",
                     details={"plan_year": plan_year, "ranks_compacted": compacted})
            tx.result = call_out(call)
        return tx.result

    def _compact_ranks(self, tx, plan_year: int) -> int:
        """R-7-3 [I]: gaps left by withdrawals close at call close, each department's order kept."""
        s = tx.session
        groups: dict[tuple[str, str], list[Project]] = {}
        for project in s.scalars(select(Project).where(
                Project.plan_year == plan_year, Project.state != "DRAFT", Project.rank.is_not(None))):
            groups.setdefault((project.unit_id, project.category), []).append(project)
        changed = 0
        for projects in groups.values():
            by_id = {p.id: p for p in projects}
            for project_id, old, new in rules.compacted_ranks([(p.id, p.rank) for p in projects]):
                project = by_id[project_id]
                project.rank, project.updated_at = new, tx.now
                tx.emit("PlanRankingUpdated", project.id,
                        {**summary(project), "rank": new, "previous_rank": old, "reason": "CALL_CLOSED"},
                        article="第七条", unit_id=project.unit_id)
                changed += 1
        return changed

    @query
    def get_call(self, plan_year):
        self.caller.identity()
        with self.tx.read() as s:
            call = s.get(PlanCall, plan_year)
            if call is None:
                raise not_found("年度计划申报通知", str(plan_year))
            return call_out(call)

    @query
    def list_calls(self):
        self.caller.identity()
        with self.tx.read() as s:
            return {"items": [call_out(c) for c in s.scalars(select(PlanCall).order_by(PlanCall.plan_year.desc()))]}
