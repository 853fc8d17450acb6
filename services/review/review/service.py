"""review's nameko entrypoints: thin; rules live in rules.py, lookups in
store.py, answers in views.py, what other services' events record in intake.py.
The Art 10 technical review is its own package, ``technical``, mixed in here."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import and_, exists, func, select, update

from itpm_common.consumer import consume_events
from itpm_common.errors import Refusal, not_found, state_invalid
from itpm_common.events import CloudEvent
from itpm_common.schemas import load_or_refuse
from itpm_common.service import ServiceBase, command, query
from itpm_common.uow import SYSTEM_ACTOR, Transactions
from itpm_common.visibility import may_see, visible

from . import intake, rules, store, views
from .models import Application, Review, ReviewOpinion, infra
from .schemas import (
    ConclusionSchema,
    JointConclusionSchema,
    OpeningFilterSchema,
    OpenReviewSchema,
    OpinionSchema,
    ReturnSchema,
    ReviewFilterSchema,
)
from .settings import BEFORE_REVIEW_CONCLUSION, SettingsProvider
from .store import ARTICLE, CONCLUDED, KIND_ADHOC, KIND_PLAN, KIND_ZH, OPEN, OPENED, RETURNED, SUBMITTED, WITHDRAWN
from .technical import intake as technical_intake
from .technical.entrypoints import TechnicalReviewCommands
from .topology import SUBSCRIBES

_reviews = Review.__table__
_applications = Application.__table__

OPINION_EVENT = {KIND_PLAN: "PlanReviewOpinionRecorded", KIND_ADHOC: "JointReviewOpinionRecorded"}
OPINION_RULE = {KIND_PLAN: "R-8-1", KIND_ADHOC: "R-9-4"}
APPLICATION_ZH = {KIND_PLAN: "年度计划申报", KIND_ADHOC: "追加建设申请"}


def _blocking(refusal: Refusal) -> dict:
    return {"code": refusal.code, "rule": refusal.rule, "article": refusal.article,
            "reason_zh": refusal.reason_zh, "details": refusal.details}


def _awaiting(q, role: str):
    """The caller's work list, or None for a role that has none."""
    if role in rules.BUREAUS:
        mine = exists().where(ReviewOpinion.review_id == Review.id, ReviewOpinion.bureau == role)
        return q.where(Review.status == OPEN, ~mine)
    if role == "ZWB":
        complete = (select(ReviewOpinion.review_id).where(ReviewOpinion.bureau.in_(rules.BUREAUS))
                    .group_by(ReviewOpinion.review_id)
                    .having(func.count(ReviewOpinion.bureau.distinct()) == len(rules.BUREAUS)))
        return q.where(Review.status == OPEN, Review.id.in_(complete))
    return None


def _check_expected(review: Review, expected: int | None) -> None:
    if expected is not None and expected != review.version:
        raise state_invalid(
            f"{KIND_ZH[review.kind]}在版本 {expected} 之后已有变化（现为版本 {review.version}），"
            "本次决定未生效；请刷新后重试", review.status, rule="R-0-2", article=ARTICLE[review.kind],
            expected_version=expected, current_version=review.version)


class ReviewService(ServiceBase, TechnicalReviewCommands):
    name = "review"
    tx = Transactions(infra)
    settings = SettingsProvider()

    # ------------------------------------------------------------ helpers

    def _total_investment(self, session, project_id: str, kind: str, fallback: int) -> int:
        """The project's total investment now: the newest version's estimate (R-9-7)."""
        latest = store.latest_application(session, project_id, kind)
        return latest.estimate_fen if latest is not None else fallback

    def _funding_gate(self, session, project_id: str, total_fen: int, rule: str, before_zh: str):
        record = store.funding(session, project_id)
        # ADHOC_FUNDING_MUST_COVER_TOTAL relaxes the Art 9 joint review's gate only (R-9-2, T11); a
        # superior-funded plan item is always confirmed in full before it is drafted, as funds decides it.
        must_cover = self.settings.adhoc_funding_must_cover_total or rule == "R-9-8"
        return rules.check_funding(store.funding_facts(record), total_fen, must_cover, rule=rule,
                                   before_zh=before_zh)

    def _out(self, session, review: Review, opinions=None) -> dict:
        total = self._total_investment(session, review.project_id, review.kind, review.estimate_fen)
        funding = views.funding_view(store.funding(session, review.project_id), total,
                                     views.funding_required(review.kind, review.origin), self.settings)
        report = views.special_report_view(store.special_report(session, review.project_id), review.kind, total,
                                           self.settings)
        if opinions is None:
            opinions = store.opinions(session, review.id)
        return views.review_out(review, opinions, funding, report)

    def _open(self, tx, ident, project_id: str, kind: str, p: dict, gate=None) -> Review:
        """T03 / T12: claim the newest submitted version and open its review.
        ``gate(session, application)`` returns the refusal that bars it, if any."""
        s = tx.session
        app = store.latest_application(s, project_id, kind)
        if app is None:
            raise not_found(APPLICATION_ZH[kind], project_id)
        if p["version_no"] is not None and p["version_no"] != app.version_no:
            raise state_invalid(f"{APPLICATION_ZH[kind]}已有新版本（第 {app.version_no} 版），"
                                "本次开启未生效；请刷新后重试",
                                app.status, rule="R-0-2", article=ARTICLE[kind],
                                expected_version_no=p["version_no"], current_version_no=app.version_no)
        if app.status == WITHDRAWN:
            raise state_invalid(f"{APPLICATION_ZH[kind]}已由申报单位撤回，不能开启{KIND_ZH[kind]}", WITHDRAWN,
                                article=ARTICLE[kind], version_no=app.version_no)
        under_way = store.latest_review(s, project_id, kind)
        if app.status == OPENED or (under_way is not None and under_way.status == OPEN):
            raise state_invalid(f"该项目的{KIND_ZH[kind]}已经开启", OPEN if under_way else OPENED,
                                article=ARTICLE[kind], review_id=under_way.id if under_way else None,
                                version_no=app.version_no)
        refusal = gate(s, app) if gate else None
        if refusal:
            raise refusal
        # The claim runs under the row lock the UPDATE takes: of two officials
        # opening at once, the second matches no SUBMITTED row (R-0-2).
        claimed = s.execute(update(_applications)
                            .where(_applications.c.id == app.id, _applications.c.status == SUBMITTED)
                            .values(status=OPENED, updated_at=tx.now)).rowcount
        if not claimed:
            raise state_invalid(f"该项目的{KIND_ZH[kind]}已被他人同时开启或申报已撤回，本次开启未生效；请刷新后查看",
                                OPENED, rule="R-0-2", article=ARTICLE[kind], version_no=app.version_no)
        review = Review(
            id=str(uuid.uuid4()), kind=kind, project_id=app.project_id, version_no=app.version_no,
            seq=store.next_seq(s, app.project_id), unit_id=app.unit_id, unit_name=app.unit_name,
            project_name=app.project_name, category=app.category, plan_year=app.plan_year,
            estimate_fen=app.estimate_fen, classified=app.classified, origin=app.origin, status=OPEN,
            opened_by=ident.user_id, opened_by_name=ident.name, opened_at=tx.now, updated_at=tx.now)
        s.add(review)
        return review

    # ------------------------------------------------------------ reads

    @query
    def get_review(self, project_id):
        """The project's latest review of any kind, with what its gates read."""
        ident = self.caller.identity()
        with self.tx.read() as s:
            review = store.latest_review(s, project_id)
            if review is None or not may_see(ident, review.unit_id, review.classified):
                raise not_found("论证", project_id)
            return self._out(s, review)

    @query
    def list_reviews(self, filters=None):
        ident = self.caller.identity()
        f = load_or_refuse(ReviewFilterSchema(), filters or {})
        empty = {"items": [], "total": 0}
        q = select(Review).where(visible(ident, Review.unit_id, Review.classified))
        for key in ("status", "kind"):
            if f[key] is not None:
                q = q.where(getattr(Review, key) == f[key])
        if f["awaiting_me"]:
            q = _awaiting(q, ident.role)
            if q is None:
                return empty
        with self.tx.read() as s:
            reviews = s.scalars(q.order_by(Review.opened_at.desc(), Review.seq.desc(), Review.id)).all()
            recorded: dict[str, set[str]] = {r.id: set() for r in reviews}
            if reviews:
                for review_id, bureau in s.execute(
                        select(ReviewOpinion.review_id, ReviewOpinion.bureau)
                        .where(ReviewOpinion.review_id.in_(list(recorded)))):
                    recorded[review_id].add(bureau)
            items = [views.summary_out(r, recorded[r.id]) for r in reviews]
        return {"items": items, "total": len(items)}

    @query
    def list_pending_openings(self, filters=None):
        """Applications submitted and not yet opened (政务办's work list), the
        ad-hoc ones with 财政's confirmation and whether R-9-2 lets them open."""
        ident = self.caller.identity()
        f = load_or_refuse(OpeningFilterSchema(), filters or {})
        newest = (select(Application.kind, Application.project_id,
                         func.max(Application.version_no).label("version_no"))
                  .group_by(Application.kind, Application.project_id).subquery())
        q = (select(Application)
             .join(newest, and_(Application.kind == newest.c.kind, Application.project_id == newest.c.project_id,
                                Application.version_no == newest.c.version_no))
             .where(Application.status == SUBMITTED, visible(ident, Application.unit_id, Application.classified)))
        if f["kind"] is not None:
            q = q.where(Application.kind == f["kind"])
        must_cover = self.settings.adhoc_funding_must_cover_total
        items = []
        with self.tx.read() as s:
            for app in s.scalars(q.order_by(Application.submitted_at, Application.id)):
                blocking = None
                under_way = store.latest_review(s, app.project_id, app.kind)
                if under_way is not None and under_way.status == OPEN:
                    blocking = {"code": "STATE-INVALID", "rule": None, "article": ARTICLE[app.kind],
                                "reason_zh": f"上一版本的{KIND_ZH[app.kind]}仍在进行",
                                "details": {"review_id": under_way.id}}
                funding = None
                if views.funding_required(app.kind, app.origin):
                    record = store.funding(s, app.project_id)
                    funding = views.funding_view(record, app.estimate_fen, True, self.settings)
                    gate = rules.check_funding(store.funding_facts(record), app.estimate_fen, must_cover)
                    if app.kind == KIND_ADHOC and gate is not None and blocking is None:
                        blocking = _blocking(gate)
                items.append(views.opening_out(app, funding, blocking))
        return {"items": items, "total": len(items)}

    # ------------------------------------------------------------ plan review (Art 8)

    @command("open_plan_review", project_arg="project_id")
    def open_plan_review(self, project_id, payload=None, idempotency_key=None):
        """T03: 政务办 opens the plan review of the newest submitted version."""
        ident = self.caller.require("ZWB", action_zh="开启计划论证", article="第八条")
        p = load_or_refuse(OpenReviewSchema(), payload or {})
        with self.tx.command(ident, "open_plan_review", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            review = self._open(tx, ident, project_id, KIND_PLAN, p)
            s.flush()
            tx.emit("PlanReviewOpened", review.project_id,
                    {"review_id": review.id, **store.facts(review), "version_no": review.version_no},
                    article="第八条", unit_id=review.unit_id)
            tx.audit("open_plan_review", project_id=review.project_id, article="第八条",
                     details={"review_id": review.id, "version_no": review.version_no, "note": p["note"]})
            tx.result = self._out(s, review, [])
        return tx.result

    @command("return_for_correction", project_arg="project_id")
    def return_for_correction(self, project_id, payload, idempotency_key=None):
        """T04: 政务办 returns the application to the department, with the reason."""
        ident = self.caller.require("ZWB", action_zh="退回申报修改", article="第八条")
        p = load_or_refuse(ReturnSchema(), payload)
        with self.tx.command(ident, "return_for_correction", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            review = store.open_review(s, project_id, "退回修改", KIND_PLAN)
            _check_expected(review, p["expected_version"])
            review.status, review.return_reason = RETURNED, p["reason"].strip()
            review.concluded_by, review.concluded_by_name = ident.user_id, ident.name
            review.concluded_at = review.updated_at = tx.now
            s.flush()  # the versioned UPDATE: a decision taken meanwhile makes this one stale (R-0-2)
            tx.emit("PlanReviewReturned", review.project_id,
                    {"review_id": review.id, **store.facts(review), "version_no": review.version_no,
                     "reason": review.return_reason},
                    article="第八条", unit_id=review.unit_id)
            tx.audit("return_for_correction", project_id=review.project_id, article="第八条",
                     details={"review_id": review.id, "version_no": review.version_no,
                              "reason": review.return_reason, "version": review.version})
            tx.result = self._out(s, review)
        return tx.result

    @command("record_opinion", project_arg="project_id")
    def record_opinion(self, project_id, payload, idempotency_key=None):
        """R-8-1 / R-9-4: a bureau's opinion on 必要性, 可行性, 安全性 and
        项目预算合理性, in whichever review of the project is open."""
        ident = self.caller.require(*rules.BUREAUS, action_zh="录入论证意见")
        opinion = load_or_refuse(OpinionSchema(), payload)
        incomplete = rules.check_opinion(opinion)
        if incomplete:
            raise incomplete
        bureau = ident.role
        # The project is part of the request: one key reused for another
        # project must conflict, not replay the first project's answer.
        with self.tx.command(ident, "record_opinion", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            review = store.open_review(s, project_id, "录入论证意见")
            article = ARTICLE[review.kind]
            # Bureaus give opinions independently, so an opinion bumps the
            # version without comparing it: two bureaus never collide, yet a
            # conclusion drawn on the version before this opinion is stale
            # (R-0-2). The status guard runs under the row lock the UPDATE
            # takes, so an opinion racing a conclusion loses cleanly.
            bumped = s.execute(update(_reviews)
                               .where(_reviews.c.id == review.id, _reviews.c.status == OPEN)
                               .values(version=_reviews.c.version + 1, updated_at=tx.now)).rowcount
            if not bumped:
                raise state_invalid(f"{KIND_ZH[review.kind]}已办结，不能再录入论证意见", CONCLUDED, article=article,
                                    review_id=review.id)
            earlier = s.scalar(select(ReviewOpinion.recorded_at).where(
                ReviewOpinion.review_id == review.id, ReviewOpinion.bureau == bureau))
            if earlier is not None:
                raise Refusal(code="DUPLICATE", rule="R-0-1", article=article,
                              reason_zh=f"{rules.BUREAU_NAMES[bureau]}已录入本项目的论证意见，不得重复录入",
                              details={"bureau": bureau, "review_id": review.id,
                                       "recorded_at": views.iso(earlier)})
            s.add(ReviewOpinion(
                review_id=review.id, bureau=bureau, verdict=opinion["verdict"],
                **{k: opinion[k].strip() for k in rules.OPINION_ASPECTS},
                conditions=(opinion["conditions"] or "").strip() or None,
                recorded_by=ident.user_id, recorded_by_name=ident.name, recorded_at=tx.now))
            s.flush()
            s.refresh(review)
            tx.emit(OPINION_EVENT[review.kind], review.project_id,
                    {"review_id": review.id, **store.facts(review), "version_no": review.version_no,
                     "bureau": bureau, "verdict": opinion["verdict"]},
                    article=article, unit_id=review.unit_id)
            tx.audit("record_opinion", project_id=review.project_id, article=article,
                     rule=OPINION_RULE[review.kind],
                     details={"review_id": review.id, "kind": review.kind, "bureau": bureau,
                              "verdict": opinion["verdict"]})
            tx.result = self._out(s, review)
        return tx.result

    @command("conclude_review", project_arg="project_id")
    def conclude(self, project_id, payload, idempotency_key=None):
        """T05/T06: 政务办's joint opinion places the item in the draft plan or not."""
        ident = self.caller.require("ZWB", action_zh="作出计划论证结论")
        c = load_or_refuse(ConclusionSchema(), payload)
        with self.tx.command(ident, "conclude_review", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            review = store.open_review(s, project_id, "作出结论", KIND_PLAN)
            _check_expected(review, c["expected_version"])
            opinions = store.opinions(s, review.id)
            funding_gate = None
            if review.origin == "SUPERIOR_FUNDED":
                total = self._total_investment(s, review.project_id, KIND_PLAN, review.estimate_fen)
                funding_gate = self._funding_gate(s, review.project_id, total, "R-9-8", "列入年度建设计划草案")
            refusal = rules.check_conclusion(c["outcome"], c["criteria"],
                                             {o.bureau: o.verdict for o in opinions},
                                             c["resolution_note"], funding_gate)
            if refusal:
                raise refusal
            review.status, review.outcome = CONCLUDED, c["outcome"]
            review.consolidated_opinion = c["consolidated_opinion"].strip()
            review.criteria = json.dumps(c["criteria"], ensure_ascii=False, sort_keys=True)
            reasons = {k: v.strip() for k, v in c["criteria_reasons"].items() if v.strip()}
            review.criteria_reasons = json.dumps(reasons, ensure_ascii=False, sort_keys=True)
            review.resolution_note = (c["resolution_note"] or "").strip() or None
            review.concluded_by, review.concluded_by_name = ident.user_id, ident.name
            review.concluded_at = review.updated_at = tx.now
            # Flushing here runs the versioned UPDATE before anything is
            # emitted, and gives the answer the new version.
            s.flush()
            tx.emit("PlanReviewConcluded", review.project_id,
                    {"review_id": review.id, **store.facts(review), "version_no": review.version_no,
                     "outcome": review.outcome, "consolidated_opinion": review.consolidated_opinion,
                     "criteria": c["criteria"], "criteria_reasons": reasons,
                     "resolution_note": review.resolution_note},
                    article="第八条", unit_id=review.unit_id)
            tx.audit("conclude_review", project_id=review.project_id, article="第八条", rule="R-8-1",
                     details={"review_id": review.id, "outcome": review.outcome,
                              "criteria": c["criteria"], "version": review.version})
            tx.result = self._out(s, review, opinions)
        return tx.result

    # ------------------------------------------------------------ joint review (Art 9)

    @command("open_joint_review", project_arg="project_id")
    def open_joint_review(self, project_id, payload=None, idempotency_key=None):
        """T12: 政务办 opens the joint review once 财政 has confirmed the funding (R-9-2)."""
        ident = self.caller.require("ZWB", action_zh="开启联审", article="第九条")
        p = load_or_refuse(OpenReviewSchema(), payload or {})
        with self.tx.command(ident, "open_joint_review", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session

            def funding_gate(session, app):
                return self._funding_gate(session, app.project_id, app.estimate_fen, "R-9-2", "开启联审")

            review = self._open(tx, ident, project_id, KIND_ADHOC, p, gate=funding_gate)
            funding = store.funding(s, project_id)
            review.funding_result, review.funding_confirmed_fen = funding.result, funding.confirmed_amount_fen
            s.flush()
            tx.emit("JointReviewOpened", review.project_id,
                    {"review_id": review.id, **store.facts(review), "version_no": review.version_no,
                     "estimate_fen": review.estimate_fen,
                     "funding": {"result": funding.result, "confirmed_amount_fen": funding.confirmed_amount_fen}},
                    article="第九条", unit_id=review.unit_id)
            tx.audit("open_joint_review", project_id=review.project_id, article="第九条", rule="R-9-2",
                     details={"review_id": review.id, "version_no": review.version_no,
                              "estimate_fen": review.estimate_fen, "funding_result": funding.result,
                              "confirmed_amount_fen": funding.confirmed_amount_fen, "note": p["note"]})
            tx.result = self._out(s, review, [])
        return tx.result

    @command("conclude_joint_review", project_arg="project_id")
    def conclude_joint_review(self, project_id, payload, idempotency_key=None):
        """T13 (PASS) / T14 (FAIL): 政务办's joint review opinion."""
        ident = self.caller.require("ZWB", action_zh="作出联审结论", article="第九条")
        c = load_or_refuse(JointConclusionSchema(), payload)
        with self.tx.command(ident, "conclude_joint_review", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            review = store.open_review(s, project_id, "作出联审结论", KIND_ADHOC)
            _check_expected(review, c["expected_version"])
            newest = store.latest_application(s, review.project_id, KIND_ADHOC)
            if newest is not None and newest.version_no > review.version_no:
                raise state_invalid(f"申请单位已提交第 {newest.version_no} 版追加申请，本次联审针对的第 "
                                    f"{review.version_no} 版不能作出结论；须按新版本重新确认资金并联审",
                                    review.status, rule="R-9-7", article="第九条",
                                    review_version_no=review.version_no, latest_version_no=newest.version_no)
            opinions = store.opinions(s, review.id)
            settings = self.settings
            total = self._total_investment(s, review.project_id, KIND_ADHOC, review.estimate_fen)
            report_gate = rules.check_special_report(
                total, settings.large_investment_threshold_fen,
                settings.special_report_gate == BEFORE_REVIEW_CONCLUSION,
                store.special_report_covers(store.special_report(s, review.project_id), total))
            refusal = rules.check_joint_conclusion(c["outcome"], {o.bureau: o.verdict for o in opinions},
                                                   c["resolution_note"], report_gate)
            if refusal:
                raise refusal
            review.status, review.outcome = CONCLUDED, c["outcome"]
            review.consolidated_opinion = c["consolidated_opinion"].strip()
            review.resolution_note = (c["resolution_note"] or "").strip() or None
            review.concluded_by, review.concluded_by_name = ident.user_id, ident.name
            review.concluded_at = review.updated_at = tx.now
            s.flush()
            tx.emit("JointReviewConcluded", review.project_id,
                    {"review_id": review.id, **store.facts(review), "version_no": review.version_no,
                     "outcome": review.outcome, "consolidated_opinion": review.consolidated_opinion,
                     "resolution_note": review.resolution_note},
                    article="第九条", unit_id=review.unit_id)
            tx.audit("conclude_joint_review", project_id=review.project_id, article="第九条", rule="R-9-4",
                     details={"review_id": review.id, "outcome": review.outcome, "version": review.version,
                              "total_investment_fen": total,
                              "special_report_required": rules.special_report_required(
                                  total, settings.large_investment_threshold_fen)})
            tx.result = self._out(s, review, opinions)
        return tx.result

    # ------------------------------------------------------------ events

    @consume_events(SUBSCRIBES)
    def on_event(self, event: CloudEvent):
        handler = intake.HANDLERS.get(event.name) or technical_intake.HANDLERS.get(event.name)
        if handler is None:
            return
        # review acts on its own account when an event triggers it: the
        # submitter did not record the application here, the suite did.
        with self.tx.event(event, consumer="review", actor=SYSTEM_ACTOR) as tx:
            if tx.replayed:
                return
            handler(tx, event)
