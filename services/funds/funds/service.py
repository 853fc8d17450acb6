"""funds' nameko entrypoints: thin; the Art 9 rules live in rules.py, the
handling of submissions and confirmations in funding.py; the Art 10 estimate
review's rules in estimate_rules.py, its handling in estimate.py."""

from __future__ import annotations

from sqlalchemy import func, select

from itpm_common.consumer import consume_events
from itpm_common.errors import not_found, state_invalid
from itpm_common.events import CloudEvent
from itpm_common.projection import ProjectionQueries, apply
from itpm_common.schemas import load_or_refuse
from itpm_common.service import ServiceBase, command, query
from itpm_common.uow import SYSTEM_ACTOR, Transactions
from itpm_common.visibility import may_see, visible

from . import estimate, funding, rules
from . import estimate_rules as er
from .models import EstimateReviewRequest, FundingRequest, infra, project_projection
from .schemas import ConfirmationSchema, EstimateConclusionSchema, EstimateFilterSchema, FundingFilterSchema
from .settings import Settings
from .topology import SUBSCRIBES

# Submissions funds acts on besides keeping its projection.
_HANDLERS = {
    "AdHocApplicationSubmitted": funding.on_adhoc_submitted,
    "PlanApplicationSubmitted": funding.on_plan_submitted,
}


class FundsService(ServiceBase, ProjectionQueries):
    name = "funds"
    tx = Transactions(infra)
    settings = Settings()
    projection = project_projection

    @consume_events(SUBSCRIBES)
    def on_event(self, event: CloudEvent):
        # funds acts on its own account: the submitter did not ask 财政, the
        # suite did. Projection and request change in one transaction.
        with self.tx.event(event, consumer=self.name, actor=SYSTEM_ACTOR) as tx:
            if tx.replayed:
                return
            apply(tx.session, self.projection, event, tx.now)
            handler = _HANDLERS.get(event.name)
            if handler is not None:
                handler(tx, event)
            elif event.name in er.STAGE_OF_EVENT:
                estimate.on_estimate_submitted(tx, event, self.settings.estimate_review_threshold_fen)

    @command("record_funding_confirmation", project_arg="project_id")
    def record_funding_confirmation(self, project_id, payload, idempotency_key=None):
        """T11, R-9-2, R-9-3: 财政 records whether the project's funding is secured."""
        ident = self.caller.identity()
        # The project is part of the request: one key reused for another
        # project must conflict, not replay the first project's answer.
        with self.tx.command(ident, "record_funding_confirmation", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            request = tx.session.get(FundingRequest, project_id)
            # Someone who may not see the project learns nothing about it,
            # not even that only 财政 may act on it (rules.md §7.2).
            if request is None or not may_see(ident, request.unit_id, request.classified):
                raise not_found("资金落实确认申请", project_id)
            if ident.role != "CZ":
                raise rules.forbidden_to_confirm(ident.role)
            c = load_or_refuse(ConfirmationSchema(), payload)
            refusal = rules.check_amount(c["result"], c["confirmed_amount_fen"])
            if refusal:
                raise refusal
            if request.status == rules.CLOSED:
                raise state_invalid("该项目已不是上级安排经费的项目，无需再确认资金落实情况", request.status,
                                    article="第九条", rule="R-9-8")
            expected = c["expected_version"]
            if expected is not None and expected != request.version:
                raise state_invalid(
                    f"资金落实确认申请在版本 {expected} 之后已有变化（现为版本 {request.version}），"
                    "本次确认未生效；请刷新后重试", request.status, rule="R-0-2",
                    expected_version=expected, current_version=request.version)
            funding.record_confirmation(tx, request, c, ident,
                                        self.settings.adhoc_funding_must_cover_total)
            tx.result = funding.funding_out(tx.session, request)
        return tx.result

    @query
    def get_funding(self, project_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            request = s.get(FundingRequest, project_id)
            if request is None or not may_see(ident, request.unit_id, request.classified):
                raise not_found("资金落实确认申请", project_id)
            return funding.funding_out(s, request)

    @query
    def list_funding_requests(self, filters=None):
        ident = self.caller.identity()
        f = load_or_refuse(FundingFilterSchema(), filters or {})
        q = select(FundingRequest).where(visible(ident, FundingRequest.unit_id, FundingRequest.classified))
        for key in ("status", "path", "plan_year"):
            if f[key] is not None:
                q = q.where(getattr(FundingRequest, key) == f[key])
        if f["awaiting_me"]:
            if ident.role != "CZ":
                return {"items": [], "total": 0}
            q = q.where(FundingRequest.status.in_(rules.AWAITING_CZ))
        with self.tx.read() as s:
            rows = s.scalars(q.order_by(FundingRequest.requested_at, FundingRequest.project_id)).all()
            items = [funding.summary_out(r) for r in rows]
        return {"items": items, "total": len(items)}

    # ------------------------------------------------------------- estimate review (第十条, R-10-3)

    @command("conclude_estimate_review", project_arg="project_id")
    def conclude_estimate_review(self, project_id, payload, idempotency_key=None):
        """T27, R-10-3, R-4-1: 财政 records the reviewed 概算 of one submission."""
        ident = self.caller.identity()
        with self.tx.command(ident, "conclude_estimate_review", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            newest = estimate.latest(tx.session, project_id)
            # Someone who may not see the project learns nothing about it,
            # not even that only 财政 may act on it (rules.md §7.2).
            if newest is None or not may_see(ident, newest.unit_id, newest.classified):
                raise not_found("概算审核申请", project_id)
            if ident.role != "CZ":
                raise er.forbidden_to_review(ident.role)
            c = load_or_refuse(EstimateConclusionSchema(), payload)
            request = tx.session.get(EstimateReviewRequest, c["submission_id"])
            if request is None or request.project_id != project_id:
                raise not_found("概算审核申请", c["submission_id"])
            if request.status != er.OPEN:
                raise er.not_open(request.status, request.submission_id, request.superseded_by)
            expected = c["expected_version"]
            if expected is not None and expected != request.version:
                raise er.stale(expected, request.version, request.status)
            estimate.conclude(tx, request, c, ident)
            tx.result = estimate.project_out(tx.session, request)
        return tx.result

    @query
    def get_estimate_review(self, project_id, submission_id=None):
        """A project's estimate review: the newest version's, or the named submission's."""
        ident = self.caller.identity()
        with self.tx.read() as s:
            newest = estimate.latest(s, project_id)
            if newest is None or not may_see(ident, newest.unit_id, newest.classified):
                raise not_found("概算审核申请", project_id)
            request = newest if submission_id is None else s.get(EstimateReviewRequest, submission_id)
            if request is None or request.project_id != project_id:
                raise not_found("概算审核申请", submission_id)
            return estimate.project_out(s, request)

    @query
    def list_estimate_reviews(self, filters=None):
        """财政's work list (``awaiting_me``: the OPEN requests); others see what §7.2 lets them."""
        ident = self.caller.identity()
        f = load_or_refuse(EstimateFilterSchema(), filters or {})
        r = EstimateReviewRequest
        q = select(r).where(visible(ident, r.unit_id, r.classified))
        for key in ("status", "stage", "plan_year", "project_id"):
            if f[key] is not None:
                q = q.where(getattr(r, key) == f[key])
        if f["awaiting_me"]:
            if ident.role != "CZ":
                return {"items": [], "total": 0, "page": f["page"], "page_size": f["page_size"]}
            q = q.where(r.status == er.OPEN)
        with self.tx.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery()))
            rows = s.scalars(q.order_by(r.requested_at, r.project_id, r.seq)
                             .offset((f["page"] - 1) * f["page_size"]).limit(f["page_size"])).all()
            items = [estimate.summary_out(row) for row in rows]
        return {"items": items, "total": total, "page": f["page"], "page_size": f["page_size"]}
