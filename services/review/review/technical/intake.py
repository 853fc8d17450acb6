"""What the technical review records from approval's events: each submitted
stage version waits for 政务办 (第十条); a newer version of the same stage
replaces an older one still waiting or under review; 发改's decision on a
version 政务办 has not concluded takes it off the work list. Each handler
runs inside the consumer's unit of work, on review's own account."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from ..models import TechnicalReview, TechnicalSubmission
from . import store
from .rules import (
    APPROVED_STAGES,
    ARTICLE,
    CLOSED,
    DECISION_EVENTS,
    DECISION_ZH,
    IN_REVIEW,
    OPEN,
    PENDING,
    SUBMISSION_EVENTS,
    SUPERSEDED,
    WORK_LIST,
)

_reviews = TechnicalReview.__table__
_submissions = TechnicalSubmission.__table__


def _leave_work_list(tx, sub: TechnicalSubmission, status: str, reason: str) -> str | None:
    """Move a waiting or reviewed-in-progress version off the work list, and
    close its open review. Both UPDATEs are compared on the state read, so an
    opening or a conclusion committed meanwhile is never overwritten: the
    event is retried on the new state (a conclusion on a version stays about
    that version), and a conclusion drawn on the old state is stale (R-0-2).
    Returns the id of the review closed, if any."""
    s = tx.session
    closed_review = None
    if sub.status == IN_REVIEW:
        review = store.review_of(s, sub.submission_id)
        closed = s.execute(update(_reviews).where(_reviews.c.id == review.id, _reviews.c.status == OPEN)
                           .values(status=CLOSED, closed_reason=reason, version=_reviews.c.version + 1,
                                   updated_at=tx.now)).rowcount
        if not closed:
            raise LookupError(f"technical review {review.id} changed while its version left the work list")
        s.expire(review)
        closed_review = review.id
    moved = s.execute(update(_submissions).where(_submissions.c.submission_id == sub.submission_id,
                                                 _submissions.c.status == sub.status)
                      .values(status=status, closed_reason=reason, updated_at=tx.now)).rowcount
    if not moved:
        raise LookupError(f"submission {sub.submission_id} changed while leaving the work list")
    s.expire(sub)
    return closed_review


def record_submission(tx, event) -> None:
    """A stage version approval announced waits for 政务办's technical review."""
    d = event.data
    s = tx.session
    # The inbox absorbs redelivery of one event; this absorbs the same
    # submission announced again under another event id.
    if s.get(TechnicalSubmission, d["submission_id"]) is not None:
        return
    stage = d.get("stage") or SUBMISSION_EVENTS[event.name]
    taken = s.scalars(select(TechnicalSubmission.submission_id).where(
        TechnicalSubmission.project_id == d["project_id"], TechnicalSubmission.stage == stage,
        TechnicalSubmission.version_no == d["version_no"])).first()
    if taken is not None:
        # approval numbers a stage's versions once; a second id for one version is put on the record, not reviewed.
        tx.audit("technical_submission_conflict", project_id=d["project_id"], outcome="RECORDED", article=ARTICLE,
                 details={"submission_id": d["submission_id"], "recorded_submission_id": taken, "stage": stage,
                          "version_no": d["version_no"], "trigger_event_id": event.id})
        return
    sub = TechnicalSubmission(
        submission_id=d["submission_id"], project_id=d["project_id"], seq=store.next_seq(s, d["project_id"]),
        unit_id=d["unit_id"], unit_name=d["unit_name"], project_name=d["name"], category=d["category"],
        plan_year=d.get("plan_year"), classified=bool(d.get("classified", False)), stage=stage,
        version_no=d["version_no"], digest=d["digest"], track=d.get("track"), origin=d.get("origin"),
        total_investment_fen=d.get("total_investment_fen") or 0, estimate_fen=d.get("estimate_fen"),
        catalog_version=d.get("catalog_version"),
        duplicate_collection_flags=json.dumps(d.get("duplicate_collection_flags") or [], ensure_ascii=False),
        similar_systems=json.dumps(d.get("similar_systems") or [], ensure_ascii=False),
        cross_level=bool(d.get("cross_level", False)), linkage_none=bool(d.get("linkage_none", False)),
        status=PENDING, submitted_by=event.actorid, submitted_at=tx.now, updated_at=tx.now)
    newer = store.newer_versions(s, sub)
    if newer:
        # Delivered after a later version of its stage: it never waits.
        sub.status, sub.closed_reason = SUPERSEDED, f"已由第 {newer[-1].version_no} 版取代"
    s.add(sub)
    s.flush()
    tx.audit("record_technical_submission", project_id=sub.project_id, article=ARTICLE, rule="R-10-2",
             details={"submission_id": sub.submission_id, "stage": stage, "version_no": sub.version_no,
                      "digest": sub.digest, "status": sub.status, "trigger_event_id": event.id,
                      "submitted_by": event.actorid})
    if not newer:
        _supersede_older(tx, sub)


def _supersede_older(tx, sub: TechnicalSubmission) -> None:
    """A-09: the review is of a version; a newer version of the stage leaves
    the older one nothing to review. A conclusion already drawn stays, and
    政务办 may carry it over to the new version after checking it."""
    for old in store.older_versions(tx.session, sub):
        if old.status not in WORK_LIST:
            continue
        version_no, old_id = old.version_no, old.submission_id
        closed_review = _leave_work_list(tx, old, SUPERSEDED, f"已由第 {sub.version_no} 版取代")
        tx.audit("supersede_technical_submission", project_id=sub.project_id, article=ARTICLE, rule="R-10-2",
                 details={"submission_id": old_id, "version_no": version_no,
                          "superseded_by": sub.submission_id, "superseded_by_version": sub.version_no,
                          "closed_review_id": closed_review})


def record_decision(tx, event) -> None:
    """发改 returned, refused or approved a version: noted on the submission;
    one still waiting for or under technical review leaves the work list."""
    d = event.data
    s = tx.session
    outcome = DECISION_EVENTS[event.name]
    if d.get("submission_id"):
        sub = s.get(TechnicalSubmission, d["submission_id"])
        if sub is None:
            # The submission's own announcement has not arrived yet; the retry finds it.
            raise LookupError(f"decision on unknown submission {d['submission_id']}")
        subs = [sub]
    else:
        stages = APPROVED_STAGES.get(event.name, ())
        subs = s.scalars(select(TechnicalSubmission).where(
            TechnicalSubmission.project_id == d["project_id"], TechnicalSubmission.stage.in_(stages),
            TechnicalSubmission.status.in_(WORK_LIST))).all()
    for sub in subs:
        closed_review = None
        if sub.status in WORK_LIST:
            reason = f"发改部门已{DECISION_ZH[outcome]}该版本" + (f"：{d['reason']}" if d.get("reason") else "")
            closed_review = _leave_work_list(tx, sub, CLOSED, reason)
        sub.approval_outcome, sub.updated_at = outcome, tx.now
        s.flush()
        tx.audit("record_approval_decision", project_id=sub.project_id, article=ARTICLE,
                 details={"submission_id": sub.submission_id, "approval_outcome": outcome,
                          "status": sub.status, "closed_review_id": closed_review, "trigger_event_id": event.id})


HANDLERS = {
    **{name: record_submission for name in SUBMISSION_EVENTS},
    **{name: record_decision for name in DECISION_EVENTS},
}
