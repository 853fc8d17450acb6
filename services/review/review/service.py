"""review's nameko entrypoints: thin; rules live in rules.py."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import exists, func, select, update

from itpm_common.clock import SHANGHAI
from itpm_common.consumer import consume_events
from itpm_common.errors import Refusal, not_found, state_invalid
from itpm_common.events import CloudEvent
from itpm_common.schemas import load_or_refuse
from itpm_common.service import ServiceBase, command, query
from itpm_common.uow import SYSTEM_ACTOR, Transactions
from itpm_common.visibility import may_see, visible

from . import rules
from .models import Review, ReviewOpinion, infra
from .schemas import ConclusionSchema, OpinionSchema, ReviewFilterSchema
from .topology import SUBSCRIBES

KIND_PLAN = "PLAN"
OPEN, CONCLUDED = "OPEN", "CONCLUDED"
_reviews = Review.__table__


def _iso(dt) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        # SQLite keeps the wall time without its offset; every stored time
        # came from the service clock, which reads Asia/Shanghai.
        dt = dt.replace(tzinfo=SHANGHAI)
    return dt.astimezone(SHANGHAI).isoformat()


def _opinion_out(o: ReviewOpinion) -> dict:
    return {"bureau": o.bureau, "verdict": o.verdict, "necessity": o.necessity,
            "feasibility": o.feasibility, "security": o.security, "budget": o.budget,
            "conditions": o.conditions, "recorded_by": o.recorded_by,
            "recorded_by_name": o.recorded_by_name, "recorded_at": _iso(o.recorded_at)}


def _conclusion_out(r: Review) -> dict | None:
    if r.status != CONCLUDED:
        return None
    return {"outcome": r.outcome, "consolidated_opinion": r.consolidated_opinion,
            "criteria": json.loads(r.criteria), "resolution_note": r.resolution_note,
            "concluded_by": r.concluded_by, "concluded_by_name": r.concluded_by_name,
            "concluded_at": _iso(r.concluded_at)}


def _review_out(r: Review, opinions: list[ReviewOpinion]) -> dict:
    return {"review_id": r.id, "project_id": r.project_id, "unit_id": r.unit_id,
            "unit_name": r.unit_name, "project_name": r.project_name, "plan_year": r.plan_year,
            "category": r.category, "kind": r.kind, "status": r.status,
            "opened_at": _iso(r.opened_at), "version": r.version,
            "opinions": [_opinion_out(o) for o in opinions],
            "missing_bureaus": rules.missing_bureaus(o.bureau for o in opinions),
            "conclusion": _conclusion_out(r)}


def _summary(r: Review, recorded: set[str]) -> dict:
    return {"review_id": r.id, "project_id": r.project_id, "project_name": r.project_name,
            "unit_name": r.unit_name, "status": r.status, "opened_at": _iso(r.opened_at),
            "missing_bureaus": rules.missing_bureaus(recorded)}


def _latest_review(session, project_id) -> Review | None:
    """A returned and resubmitted application gets a review per version; the
    newest is the one under way."""
    return session.scalars(select(Review).where(Review.kind == KIND_PLAN,
                                                Review.project_id == project_id)
                           .order_by(Review.version_no.desc()).limit(1)).first()


def _opinions(session, review_id: str) -> list[ReviewOpinion]:
    rows = session.scalars(select(ReviewOpinion).where(ReviewOpinion.review_id == review_id)).all()
    return sorted(rows, key=lambda o: rules.BUREAUS.index(o.bureau))


def _open_review(session, project_id, action_zh: str) -> Review:
    """The review a decision is about: it must exist and still be open."""
    review = _latest_review(session, project_id)
    if review is None:
        raise not_found("计划论证", project_id)
    if review.status != OPEN:
        raise state_invalid(f"计划论证已作出结论，不能再{action_zh}", review.status, article="第八条",
                            review_id=review.id)
    return review


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


class ReviewService(ServiceBase):
    name = "review"
    tx = Transactions(infra)

    @query
    def get_review(self, project_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            review = _latest_review(s, project_id)
            if review is None or not may_see(ident, review.unit_id, review.classified):
                raise not_found("计划论证", project_id)
            return _review_out(review, _opinions(s, review.id))

    @query
    def list_reviews(self, filters=None):
        ident = self.caller.identity()
        f = load_or_refuse(ReviewFilterSchema(), filters or {})
        empty = {"items": [], "total": 0}
        q = select(Review).where(Review.kind == KIND_PLAN, visible(ident, Review.unit_id, Review.classified))
        if f["status"] is not None:
            q = q.where(Review.status == f["status"])
        if f["awaiting_me"]:
            q = _awaiting(q, ident.role)
            if q is None:
                return empty
        with self.tx.read() as s:
            reviews = s.scalars(q.order_by(Review.opened_at.desc(), Review.id)).all()
            recorded: dict[str, set[str]] = {r.id: set() for r in reviews}
            if reviews:
                for review_id, bureau in s.execute(
                        select(ReviewOpinion.review_id, ReviewOpinion.bureau)
                        .where(ReviewOpinion.review_id.in_(list(recorded)))):
                    recorded[review_id].add(bureau)
            items = [_summary(r, recorded[r.id]) for r in reviews]
        return {"items": items, "total": len(items)}

    @command("record_opinion", project_arg="project_id")
    def record_opinion(self, project_id, payload, idempotency_key=None):
        """R-8-1: a bureau's opinion on 必要性, 可行性, 安全性 and 项目预算合理性."""
        ident = self.caller.require(*rules.BUREAUS, action_zh="录入计划论证意见")
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
            review = _open_review(s, project_id, "录入论证意见")
            # Bureaus give opinions independently, so an opinion bumps the
            # version without comparing it: two bureaus never collide, yet a
            # conclusion drawn on the version before this opinion is stale
            # (R-0-2). The status guard runs under the row lock the UPDATE
            # takes, so an opinion racing a conclusion loses cleanly.
            bumped = s.execute(update(_reviews)
                               .where(_reviews.c.id == review.id, _reviews.c.status == OPEN)
                               .values(version=_reviews.c.version + 1, updated_at=tx.now)).rowcount
            if not bumped:
                raise state_invalid("计划论证已作出结论，不能再录入论证意见", CONCLUDED, article="第八条",
                                    review_id=review.id)
            earlier = s.scalar(select(ReviewOpinion.recorded_at).where(
                ReviewOpinion.review_id == review.id, ReviewOpinion.bureau == bureau))
            if earlier is not None:
                raise Refusal(code="DUPLICATE", rule="R-0-1", article="第八条",
                              reason_zh=f"{rules.BUREAU_NAMES[bureau]}已录入本项目的论证意见，不得重复录入",
                              details={"bureau": bureau, "review_id": review.id,
                                       "recorded_at": _iso(earlier)})
            s.add(ReviewOpinion(
                review_id=review.id, bureau=bureau, verdict=opinion["verdict"],
                **{k: opinion[k].strip() for k in rules.OPINION_ASPECTS},
                conditions=(opinion["conditions"] or "").strip() or None,
                recorded_by=ident.user_id, recorded_by_name=ident.name, recorded_at=tx.now))
            s.flush()
            s.refresh(review)
            tx.emit("PlanReviewOpinionRecorded", review.project_id,
                    {"review_id": review.id, "project_id": review.project_id, "bureau": bureau,
                     "verdict": opinion["verdict"]},
                    article="第八条", unit_id=review.unit_id)
            tx.audit("record_opinion", project_id=review.project_id, article="第八条", rule="R-8-1",
                     details={"review_id": review.id, "bureau": bureau, "verdict": opinion["verdict"]})
            tx.result = _review_out(review, _opinions(s, review.id))
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
            review = _open_review(s, project_id, "作出结论")
            expected = c["expected_version"]
            if expected is not None and expected != review.version:
                raise state_invalid(
                    f"计划论证在版本 {expected} 之后已有变化（现为版本 {review.version}），"
                    "本次结论未生效；请刷新后重试", review.status, rule="R-0-2",
                    expected_version=expected, current_version=review.version)
            opinions = _opinions(s, review.id)
            refusal = rules.check_conclusion(c["outcome"], c["criteria"],
                                             {o.bureau: o.verdict for o in opinions},
                                             c["resolution_note"])
            if refusal:
                raise refusal
            review.status, review.outcome = CONCLUDED, c["outcome"]
            review.consolidated_opinion = c["consolidated_opinion"].strip()
            review.criteria = json.dumps(c["criteria"], ensure_ascii=False, sort_keys=True)
            review.resolution_note = (c["resolution_note"] or "").strip() or None
            review.concluded_by, review.concluded_by_name = ident.user_id, ident.name
            review.concluded_at = review.updated_at = tx.now
            # Flushing here runs the versioned UPDATE before anything is
            # emitted, and gives the answer the new version.
            s.flush()
            tx.emit("PlanReviewConcluded", review.project_id,
                    {"review_id": review.id, "project_id": review.project_id,
                     "outcome": review.outcome, "consolidated_opinion": review.consolidated_opinion,
                     "criteria": c["criteria"], "resolution_note": review.resolution_note},
                    article="第八条", unit_id=review.unit_id)
            tx.audit("conclude_review", project_id=review.project_id, article="第八条", rule="R-8-1",
                     details={"review_id": review.id, "outcome": review.outcome,
                              "criteria": c["criteria"], "version": review.version})
            tx.result = _review_out(review, opinions)
        return tx.result

    @consume_events(SUBSCRIBES)
    def on_event(self, event: CloudEvent):
        handler = {
            "PlanApplicationSubmitted": self._open_plan_review,
        }.get(event.name)
        if handler is None:
            return
        # review acts on its own account when an event triggers it: the
        # submitter did not open the review, the suite did.
        with self.tx.event(event, consumer="review", actor=SYSTEM_ACTOR) as tx:
            if tx.replayed:
                return
            handler(tx, event)

    def _open_plan_review(self, tx, event):
        """T03: every submitted application version is reviewed under 第八条."""
        d = event.data
        s = tx.session
        # The inbox absorbs redelivery of one event; this absorbs the same
        # submission arriving under another event id.
        if s.scalar(select(Review.id).where(Review.kind == KIND_PLAN, Review.project_id == d["project_id"],
                                            Review.version_no == d["version_no"])) is not None:
            return
        review = Review(
            id=str(uuid.uuid4()), kind=KIND_PLAN, project_id=d["project_id"], version_no=d["version_no"],
            unit_id=d["unit_id"], unit_name=d["unit_name"], project_name=d["name"],
            category=d["category"], plan_year=d["plan_year"], estimate_fen=d["estimate_fen"],
            classified=bool(d.get("classified", False)), status=OPEN, opened_at=tx.now,
            updated_at=tx.now)
        s.add(review)
        s.flush()
        tx.emit("PlanReviewOpened", review.project_id,
                {"review_id": review.id, "project_id": review.project_id, "name": review.project_name,
                 "unit_id": review.unit_id, "unit_name": review.unit_name,
                 "plan_year": review.plan_year, "category": review.category},
                article="第八条", unit_id=review.unit_id)
        tx.audit("open_plan_review", project_id=review.project_id, article="第八条",
                 details={"review_id": review.id, "version_no": review.version_no,
                          "trigger_event_id": event.id, "submitted_by": event.actorid})
