"""What review records from other services' events: applications waiting
for 政务办 (planning), withdrawals, 财政's funding confirmations (funds) and
special reports (planning). Each handler runs inside the consumer's unit of
work, on review's own account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from . import store
from .models import Application, Funding, Review, SpecialReport
from .rules import CONFIRMED, INVALIDATED, NOT_SECURED
from .store import CANCELLED, KIND_ADHOC, KIND_PLAN, OPEN, SUBMITTED, WITHDRAWN

_reviews = Review.__table__
FUNDING_STATUS = {"FundingConfirmed": CONFIRMED, "FundingNotSecured": NOT_SECURED,
                  "FundingConfirmationInvalidated": INVALIDATED}


def _at_or_after(new: str | None, old: str | None) -> bool:
    if not new or not old:
        return True
    return datetime.fromisoformat(new) >= datetime.fromisoformat(old)


def record_application(tx, event, kind: str) -> None:
    """T01 / T10: a submitted version waits for 政务办 to open its review."""
    d = event.data
    s = tx.session
    # The inbox absorbs redelivery of one event; this absorbs the same
    # submission arriving under another event id.
    if store.application(s, d["project_id"], kind, d["version_no"]) is not None:
        return
    app = Application(
        kind=kind, project_id=d["project_id"], version_no=d["version_no"], unit_id=d["unit_id"],
        unit_name=d["unit_name"], project_name=d["name"], category=d["category"], plan_year=d["plan_year"],
        estimate_fen=d["estimate_fen"], classified=bool(d.get("classified", False)),
        origin=d.get("origin") or (KIND_PLAN if kind == KIND_PLAN else "ADHOC"),
        superior_funding_fen=d.get("superior_funding_fen") or 0, adhoc_reason=d.get("adhoc_reason"),
        status=SUBMITTED, submitted_by=event.actorid, submitted_at=tx.now, updated_at=tx.now)
    s.add(app)
    s.flush()
    tx.audit("record_application", project_id=app.project_id, article="第七条" if kind == KIND_PLAN else "第九条",
             details={"kind": kind, "version_no": app.version_no, "estimate_fen": app.estimate_fen,
                      "origin": app.origin, "trigger_event_id": event.id, "submitted_by": event.actorid})
    if kind == KIND_ADHOC:
        _cancel_superseded_joint_review(tx, app)


def _cancel_superseded_joint_review(tx, app: Application) -> None:
    """A department revises its ad-hoc application only before the joint review opens; when the opening and
    the revision crossed, the review of the old version is moot: it is cancelled, and 政务办 opens the new
    version's review once its funding is confirmed again (R-9-2, R-9-7)."""
    s = tx.session
    stale = s.scalars(select(Review).where(Review.kind == KIND_ADHOC, Review.project_id == app.project_id,
                                           Review.status == OPEN, Review.version_no < app.version_no)).all()
    for review in stale:
        cancelled = s.execute(update(_reviews).where(
            _reviews.c.id == review.id, _reviews.c.status == OPEN, _reviews.c.version == review.version)
            .values(status=CANCELLED, version=review.version + 1, updated_at=tx.now, concluded_at=tx.now,
                    concluded_by=tx.actor.user_id, concluded_by_name=tx.actor.name)).rowcount
        if not cancelled:
            raise LookupError(f"joint review {review.id} changed while being superseded; retried")
        tx.emit("JointReviewCancelled", app.project_id,
                {"review_id": review.id, **store.facts(review), "version_no": review.version_no,
                 "superseded_by_version": app.version_no}, article="第九条", unit_id=review.unit_id)
        tx.audit("cancel_joint_review", project_id=app.project_id, article="第九条", rule="R-9-7",
                 details={"review_id": review.id, "version_no": review.version_no,
                          "superseded_by_version": app.version_no})


def record_withdrawal(tx, event) -> None:
    """T02. Planning withdraws only before it has seen the review opened, so
    an opening may be on its way: an open review without any opinion is
    cancelled; one the bureaus have started on stays, and the conflict is
    put on the record for 政务办."""
    d = event.data
    s = tx.session
    app = store.application(s, d["project_id"], KIND_PLAN, d["version_no"])
    if app is None:
        # The submission has not arrived yet; the retry finds it.
        raise LookupError(f"withdrawal of unknown application {d['project_id']} v{d['version_no']}")
    if app.status == WITHDRAWN:
        return
    app.status, app.updated_at = WITHDRAWN, tx.now
    review = s.scalars(select(Review).where(Review.kind == KIND_PLAN, Review.project_id == app.project_id,
                                            Review.version_no == app.version_no)).first()
    details = {"version_no": app.version_no, "trigger_event_id": event.id}
    if review is None:
        tx.audit("record_withdrawal", project_id=app.project_id, article="第七条", details=details)
        return
    bureaus = [o.bureau for o in store.opinions(s, review.id)]
    if review.status == OPEN and not bureaus:
        # Compared on the version: an opinion or decision committed since
        # this read bumps it, and then the review is no longer empty.
        cancelled = s.execute(update(_reviews).where(
            _reviews.c.id == review.id, _reviews.c.status == OPEN, _reviews.c.version == review.version)
            .values(status=CANCELLED, version=review.version + 1, updated_at=tx.now, concluded_at=tx.now,
                    concluded_by=tx.actor.user_id, concluded_by_name=tx.actor.name)).rowcount
        if cancelled:
            tx.emit("PlanReviewCancelled", app.project_id,
                    {"review_id": review.id, **store.facts(review), "version_no": review.version_no},
                    article="第八条", unit_id=review.unit_id)
            tx.audit("cancel_plan_review", project_id=app.project_id, article="第八条",
                     details={**details, "review_id": review.id})
            return
        s.expire(review)
        bureaus = [o.bureau for o in store.opinions(s, review.id)]
    tx.audit("withdrawal_conflict", project_id=app.project_id, outcome="RECORDED", article="第八条",
             details={**details, "review_id": review.id, "review_status": review.status,
                      "opinions_from": bureaus,
                      "note": "申报单位撤回申报时计划论证已有部门意见或已办结，论证保留，请政务办处理"})


def record_funding(tx, event) -> None:
    """R-9-2 / R-9-8 / R-9-7: the latest of 财政's confirmations is the one
    the gates read."""
    d = event.data
    s = tx.session
    status = FUNDING_STATUS[event.name]
    row = s.scalars(select(Funding).where(Funding.project_id == d["project_id"]).with_for_update()).first()
    if row is not None and not _at_or_after(event.time, row.event_time):
        return  # an older fact delivered late
    if status == INVALIDATED:
        if row is not None and d.get("confirmation_id") and row.confirmation_id not in (None, d["confirmation_id"]):
            return  # invalidates a confirmation already replaced
        if row is None:
            row = Funding(project_id=d["project_id"], confirmed_amount_fen=0, shortfall_fen=0,
                          total_investment_fen=d.get("previous_total_fen") or 0)
            s.add(row)
        row.status, row.confirmation_id = INVALIDATED, d.get("confirmation_id") or row.confirmation_id
        row.path = d.get("path") or row.path
    else:
        if row is None:
            row = Funding(project_id=d["project_id"])
            s.add(row)
        row.status, row.path, row.confirmation_id = status, d.get("path"), d.get("confirmation_id")
        row.result, row.note = d.get("result"), d.get("note")
        row.confirmed_amount_fen = d.get("confirmed_amount_fen") or 0
        row.total_investment_fen = d.get("total_investment_fen") or 0
        row.shortfall_fen = d.get("shortfall_fen") or max(0, row.total_investment_fen - row.confirmed_amount_fen)
    row.event_time, row.updated_at = event.time or tx.now.isoformat(), tx.now
    s.flush()
    tx.audit("record_funding", project_id=d["project_id"], article="第九条", rule="R-9-7" if status == INVALIDATED
             else "R-9-2", details={"status": status, "result": row.result, "confirmation_id": row.confirmation_id,
                                    "confirmed_amount_fen": row.confirmed_amount_fen,
                                    "total_investment_fen": row.total_investment_fen,
                                    "trigger_event_id": event.id})


def record_special_report(tx, event) -> None:
    """R-9-5: the 专题报告 the large-investment gate asks for."""
    d = event.data
    s = tx.session
    row = s.get(SpecialReport, d["project_id"])
    if row is not None and not _at_or_after(event.time, row.event_time):
        return
    if row is None:
        row = SpecialReport(project_id=d["project_id"])
        s.add(row)
    row.reference, row.reported_on = d.get("reference") or "", d.get("reported_on")
    row.estimate_fen = d.get("estimate_fen")
    row.event_time, row.recorded_at = event.time or tx.now.isoformat(), tx.now
    s.flush()
    tx.audit("record_special_report", project_id=d["project_id"], article="第九条", rule="R-9-5",
             details={"reference": row.reference, "reported_on": row.reported_on, "trigger_event_id": event.id})


HANDLERS = {
    "PlanApplicationSubmitted": lambda tx, ev: record_application(tx, ev, KIND_PLAN),
    "AdHocApplicationSubmitted": lambda tx, ev: record_application(tx, ev, KIND_ADHOC),
    "PlanApplicationWithdrawn": record_withdrawal,
    "FundingConfirmed": record_funding,
    "FundingNotSecured": record_funding,
    "FundingConfirmationInvalidated": record_funding,
    "SpecialReportRecorded": record_special_report,
}
