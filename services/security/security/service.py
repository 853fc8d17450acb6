"""security's nameko entrypoints: thin; the review's rules live in rules.py,
the handling of submissions and recordings in cybersecurity.py."""

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

from . import cybersecurity, rules
from .models import CybersecurityReview, infra, project_projection
from .schemas import ALL, CybersecurityReviewSchema, ReviewFilterSchema
from .topology import SUBSCRIBES

REVIEW_ZH = "网络安全审查"


class SecurityService(ServiceBase, ProjectionQueries):
    name = "security"
    tx = Transactions(infra)
    projection = project_projection

    @consume_events(SUBSCRIBES)
    def on_event(self, event: CloudEvent):
        # security acts on its own account: the unit submitted to 发改, the suite
        # put the chapter before 网信. Projection and review change in one transaction.
        with self.tx.event(event, consumer=self.name, actor=SYSTEM_ACTOR) as tx:
            if tx.replayed:
                return
            apply(tx.session, self.projection, event, tx.now)
            if rules.stage_of(event.name) is not None:
                cybersecurity.on_submitted(tx, event)

    @command("record_cybersecurity_review", project_arg="project_id")
    def record_cybersecurity_review(self, project_id, payload, idempotency_key=None):
        """第四条（二）, 第十四条: 网信 records its cybersecurity review of one submission."""
        ident = self.caller.identity()
        # The project is part of the request: one key reused for another
        # project must conflict, not replay the first project's answer.
        with self.tx.command(ident, "record_cybersecurity_review", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            submission_id = payload.get("submission_id") if isinstance(payload, dict) else None
            review = tx.session.get(CybersecurityReview, submission_id) if isinstance(submission_id, str) else None
            if review is not None and review.project_id != project_id:
                review = None
            # Someone who may not see the project learns nothing about it,
            # not even that only 网信 may act on it (rules.md §7.2).
            seen = may_see(ident, review.unit_id, review.classified) if review is not None \
                else self._project_visible(tx.session, ident, project_id)
            if not seen:
                raise not_found("项目", project_id)
            if ident.role != rules.REVIEWER_ROLE:
                raise rules.forbidden_to_review(ident.role)
            r = load_or_refuse(CybersecurityReviewSchema(), payload)
            if review is None or not may_see(ident, review.unit_id, review.classified):
                raise not_found("送审材料", r["submission_id"])
            self._check_reviewable(review, r["expected_version"])
            refusal = rules.check_conclusion(r["conclusion"], r["assessments"]) \
                or rules.check_important_domain(review.declared_important_domain, r["important_domain"])
            if refusal:
                raise refusal
            cybersecurity.record(tx, review, r, ident)
            tx.result = cybersecurity.review_out(review, ident.role)
        return tx.result

    @staticmethod
    def _project_visible(session, ident, project_id) -> bool:
        rows = session.execute(select(CybersecurityReview.unit_id, CybersecurityReview.classified)
                               .where(CybersecurityReview.project_id == project_id)).all()
        return any(may_see(ident, unit_id, classified) for unit_id, classified in rows)

    @staticmethod
    def _check_reviewable(review: CybersecurityReview, expected: int | None) -> None:
        if review.status == rules.SUPERSEDED:
            raise state_invalid(
                f"该{rules.STAGE_ZH[review.stage]}第 {review.version_no} 版已被新版本替代，"
                "请对最新版本进行网络安全审查", review.status, article=rules.ARTICLE, rule="R-14-2",
                submission_id=review.submission_id, superseded_by=review.superseded_by)
        if review.status == rules.RECORDED:
            raise state_invalid(
                f"该{rules.STAGE_ZH[review.stage]}第 {review.version_no} 版已有网络安全审查结论"
                f"（{rules.CONCLUSION_ZH[review.conclusion]}），不能重复录入", review.status,
                article=rules.ARTICLE, rule="R-14-2", submission_id=review.submission_id,
                conclusion=review.conclusion)
        if expected is not None and expected != review.version:
            raise state_invalid(
                f"网络安全审查事项在版本 {expected} 之后已有变化（现为版本 {review.version}），"
                "本次录入未生效；请刷新后重试", review.status, rule="R-0-2",
                expected_version=expected, current_version=review.version)

    @query
    def get_cybersecurity_review(self, project_id, submission_id=None):
        """One submission's review (the project's latest without ``submission_id``) and the project's history."""
        ident = self.caller.identity()
        with self.tx.read() as s:
            history = s.scalars(select(CybersecurityReview).where(CybersecurityReview.project_id == project_id)
                                .order_by(CybersecurityReview.seq.desc())).all()
            if not history or not any(may_see(ident, r.unit_id, r.classified) for r in history):
                raise not_found("项目", project_id)
            if submission_id is None:
                review = history[0]
            else:
                review = next((r for r in history if r.submission_id == submission_id), None)
                if review is None:
                    raise not_found("送审材料", submission_id)
            return {**cybersecurity.review_out(review, ident.role),
                    "history": [cybersecurity.summary_out(r) for r in history]}

    @query
    def list_cybersecurity_reviews(self, filters=None):
        """网信's work list (pending reviews by default); every role sees only what §7.2 lets it."""
        ident = self.caller.identity()
        f = load_or_refuse(ReviewFilterSchema(), filters or {})
        q = select(CybersecurityReview).where(
            visible(ident, CybersecurityReview.unit_id, CybersecurityReview.classified))
        if f["status"] != ALL:
            q = q.where(CybersecurityReview.status == f["status"])
        for key in ("stage", "plan_year", "project_id"):
            if f[key] is not None:
                q = q.where(getattr(CybersecurityReview, key) == f[key])
        with self.tx.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery()))
            rows = s.scalars(q.order_by(CybersecurityReview.received_at, CybersecurityReview.project_id,
                                        CybersecurityReview.seq)
                             .offset((f["page"] - 1) * f["page_size"]).limit(f["page_size"])).all()
            items = [cybersecurity.summary_out(r) for r in rows]
        return {"items": items, "total": total, "page": f["page"], "page_size": f["page_size"]}
