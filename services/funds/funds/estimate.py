"""财政's estimate review (概算审核, 第十条, R-10-3, TH-1): opened when approval
announces a PD or package whose 概算 reaches 1,000,000.00 元, superseded by a
newer version of the 概算, concluded by 财政 with the reviewed amount.

Event handlers and the command body run inside the caller's unit of work
(``tx``); nothing here commits, publishes or checks roles."""

from __future__ import annotations

import json

from sqlalchemy import select

from itpm_common.events import CloudEvent

from . import estimate_rules as er
from .models import EstimateReviewRequest
from .times import iso as _iso

ARTICLE = er.ARTICLE


def project_facts(r: EstimateReviewRequest) -> dict:
    """What every estimate-review event says about the project (contract: consumers copy it)."""
    return {"project_id": r.project_id, "unit_id": r.unit_id, "unit_name": r.unit_name, "name": r.project_name,
            "classified": r.classified, "plan_year": r.plan_year, "category": r.category}


def _items(d: dict) -> list[dict]:
    return [{"code": i["code"], "name": i["name"], "amount_fen": i["amount_fen"]} for i in d.get("line_items") or []]


def _requests_locked(session, project_id: str) -> list[EstimateReviewRequest]:
    # Locked: a conclusion and a newer version must not both act on the same
    # old row (PostgreSQL re-reads a row another transaction changed).
    return session.scalars(select(EstimateReviewRequest).where(EstimateReviewRequest.project_id == project_id)
                           .order_by(EstimateReviewRequest.seq.desc()).with_for_update()).all()


# ----------------------------------------------------------------- submissions (T25/T29/T30 → T26)


def on_estimate_submitted(tx, event: CloudEvent, threshold_fen: int) -> None:
    """A PD or package announced by approval: TH-1 decides whether 财政 reviews it."""
    d = event.data
    project_id = d.get("project_id") or event.subject
    submission_id = d["submission_id"]
    stage = d.get("stage") or er.STAGE_OF_EVENT[event.name]
    estimate_fen = d["estimate_fen"]
    s = tx.session
    if s.get(EstimateReviewRequest, submission_id) is not None:
        # The inbox absorbs redelivery of one event; this absorbs the same
        # submission announced again under another event id.
        return
    rows = _requests_locked(s, project_id)
    newest = rows[0] if rows else None
    if newest is not None and not er.is_newer(stage, d["version_no"], event.time,
                                              newest.stage, newest.version_no, newest.submitted_at):
        # An older version arriving late: the newest one already stands.
        tx.audit("ignore_older_estimate", project_id=project_id, article=ARTICLE, rule="R-10-3",
                 details={"submission_id": submission_id, "stage": stage, "version_no": d["version_no"],
                          "newest_submission_id": newest.submission_id, "newest_stage": newest.stage,
                          "newest_version_no": newest.version_no, "trigger_event_id": event.id})
        return
    basis = er.threshold_basis(estimate_fen, threshold_fen)
    request = EstimateReviewRequest(
        submission_id=submission_id, project_id=project_id, seq=(newest.seq + 1) if newest else 1,
        unit_id=d.get("unit_id") or event.unitid or "", unit_name=d.get("unit_name") or "",
        project_name=d.get("name") or "", category=d.get("category") or "BUILD", plan_year=d.get("plan_year"),
        classified=bool(d.get("classified", False)), stage=stage, version_no=d["version_no"],
        track=d.get("track"), origin=d.get("origin"), digest=d.get("digest"), requested_fen=estimate_fen,
        line_items=json.dumps(_items(d), ensure_ascii=False),
        status=er.OPEN if basis["required"] else er.NOT_REQUIRED, submitted_at=event.time,
        requested_at=tx.now, updated_at=tx.now)
    s.add(request)
    for older in rows:
        if older.status == er.OPEN:
            _supersede(tx, older, request, event)
    s.flush()
    if not basis["required"]:
        # TH-1 not reached: 财政 is not asked and approval must not wait for it.
        tx.audit("estimate_review_not_required", project_id=project_id, article=ARTICLE, rule="R-10-3",
                 details={**basis, "submission_id": submission_id, "stage": stage, "version_no": d["version_no"],
                          "trigger_event_id": event.id})
        return
    tx.emit("EstimateReviewRequested", project_id,
            {**project_facts(request), "submission_id": submission_id, "stage": stage,
             "version_no": request.version_no, "requested_fen": estimate_fen, "line_items": _items(d)},
            article=ARTICLE, unit_id=request.unit_id)
    tx.audit("request_estimate_review", project_id=project_id, article=ARTICLE, rule="R-10-3",
             details={**basis, "submission_id": submission_id, "stage": stage, "version_no": d["version_no"],
                      "approval_says_required": d.get("estimate_review_required"),
                      "trigger_event_id": event.id, "submitted_by": event.actorid})


def _supersede(tx, older: EstimateReviewRequest, newer: EstimateReviewRequest, event: CloudEvent) -> None:
    older.status, older.superseded_by, older.superseded_at = er.SUPERSEDED, newer.submission_id, tx.now
    older.updated_at = tx.now
    tx.audit("supersede_estimate_review", project_id=older.project_id, article=ARTICLE, rule="R-10-3",
             details={"submission_id": older.submission_id, "stage": older.stage, "version_no": older.version_no,
                      "requested_fen": older.requested_fen, "status": er.SUPERSEDED,
                      "superseded_by": newer.submission_id, "new_stage": newer.stage,
                      "new_version_no": newer.version_no, "new_requested_fen": newer.requested_fen,
                      "new_version_requires_review": newer.status == er.OPEN, "trigger_event_id": event.id})


# ----------------------------------------------------------------- conclusion (T27)


def conclude(tx, request: EstimateReviewRequest, c: dict, ident) -> None:
    """T27: 财政 records the reviewed amount and opinion; approval then gates on it."""
    requested = json.loads(request.line_items)
    if c["line_items"] is not None:
        reviewed_items = [{"code": i["code"].strip(), "name": i["name"].strip(), "amount_fen": i["amount_fen"]}
                          for i in c["line_items"]]
    elif c["reviewed_fen"] == request.requested_fen:
        # The total stands as submitted, and so do the lines that add up to it.
        reviewed_items = requested
    else:
        # 财政 reviewed the total only: no line claims an amount it did not review.
        reviewed_items = []
    request.status = er.REVIEWED
    request.reviewed_fen = c["reviewed_fen"]
    request.opinion = c["opinion"].strip()
    request.reviewed_line_items = json.dumps(reviewed_items, ensure_ascii=False)
    request.reviewed_by, request.reviewed_by_name, request.reviewed_at = ident.user_id, ident.name, tx.now
    request.updated_at = tx.now
    # Flushing here runs the versioned UPDATE before anything is emitted.
    tx.session.flush()
    tx.emit("EstimateReviewed", request.project_id,
            {**project_facts(request), "submission_id": request.submission_id, "stage": request.stage,
             "version_no": request.version_no, "requested_fen": request.requested_fen,
             "reviewed_fen": request.reviewed_fen, "opinion": request.opinion, "line_items": reviewed_items},
            article=ARTICLE, unit_id=request.unit_id)
    tx.audit("conclude_estimate_review", project_id=request.project_id, article=ARTICLE, rule="R-10-3",
             details={"submission_id": request.submission_id, "stage": request.stage,
                      "version_no": request.version_no, "requested_fen": request.requested_fen,
                      "reviewed_fen": request.reviewed_fen,
                      "difference_fen": request.reviewed_fen - request.requested_fen,
                      "itemised": c["line_items"] is not None, "version": request.version})


# ----------------------------------------------------------------- reads


def latest(session, project_id: str) -> EstimateReviewRequest | None:
    return session.scalars(select(EstimateReviewRequest).where(EstimateReviewRequest.project_id == project_id)
                           .order_by(EstimateReviewRequest.seq.desc()).limit(1)).first()


def summary_out(r: EstimateReviewRequest) -> dict:
    return {**project_facts(r), "submission_id": r.submission_id, "stage": r.stage, "version_no": r.version_no,
            "track": r.track, "origin": r.origin, "digest": r.digest, "requested_fen": r.requested_fen,
            "status": r.status, "status_zh": er.STATUS_ZH[r.status],
            "review_required": r.status != er.NOT_REQUIRED,
            "threshold": er.threshold_basis(r.requested_fen, er.ESTIMATE_REVIEW_THRESHOLD_FEN),
            "reviewed_fen": r.reviewed_fen, "submitted_at": r.submitted_at, "requested_at": _iso(r.requested_at),
            "superseded_by": r.superseded_by, "superseded_at": _iso(r.superseded_at),
            "updated_at": _iso(r.updated_at), "version": r.version}


def request_out(r: EstimateReviewRequest) -> dict:
    review = None
    if r.status == er.REVIEWED:
        review = {"reviewed_fen": r.reviewed_fen, "opinion": r.opinion,
                  "line_items": json.loads(r.reviewed_line_items or "[]"), "reviewed_by": r.reviewed_by,
                  "reviewed_by_name": r.reviewed_by_name, "reviewed_at": _iso(r.reviewed_at)}
    return {**summary_out(r), "line_items": json.loads(r.line_items), "review": review}


def project_out(session, current: EstimateReviewRequest) -> dict:
    """One request in full with the project's other versions, newest first."""
    history = session.scalars(select(EstimateReviewRequest)
                              .where(EstimateReviewRequest.project_id == current.project_id)
                              .order_by(EstimateReviewRequest.seq.desc())).all()
    return {**request_out(current), "history": [summary_out(r) for r in history]}
