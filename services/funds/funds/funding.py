"""The funding-confirmation request (第九条): opened by a submission,
answered by 财政, invalidated by a raised total investment (R-9-7).

Event handlers and the command body run inside the caller's unit of work
(``tx``); nothing here commits, publishes or checks roles."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from itpm_common.events import CloudEvent

from . import rules
from .models import FundingConfirmation, FundingRequest
from .times import iso as _iso

ARTICLE = "第九条"


def project_facts(r: FundingRequest) -> dict:
    """What every funds event says about the project (so consumers never ask planning)."""
    return {"project_id": r.project_id, "unit_id": r.unit_id, "unit_name": r.unit_name, "name": r.project_name,
            "plan_year": r.plan_year, "category": r.category, "classified": r.classified}


# ----------------------------------------------------------------- submissions


def on_adhoc_submitted(tx, event: CloudEvent) -> None:
    """T10 → 财政 is asked (第九条: 联审前…须向市财政部门确认资金落实情况)."""
    _on_submitted(tx, event, rules.ADHOC)


def on_plan_submitted(tx, event: CloudEvent) -> None:
    """R-9-8: a superior-funded plan application needs 财政's confirmation too;
    a later version that is no longer superior-funded closes the request."""
    if event.data.get("origin") == rules.SUPERIOR_FUNDED:
        _on_submitted(tx, event, rules.PLAN)
        return
    request = _locked_request(tx.session, _project_id(event))
    if (request is None or request.path != rules.PLAN or request.status == rules.CLOSED
            or event.data.get("version_no", 0) <= request.application_version):
        return
    _follow_version(request, event.data, rules.PLAN, tx.now)
    request.status, request.current_confirmation_id = rules.CLOSED, None
    tx.session.flush()
    tx.audit("close_funding_request", project_id=request.project_id, article=ARTICLE, rule="R-9-8",
             details={"version_no": request.application_version, "origin": event.data.get("origin"),
                      "trigger_event_id": event.id})


def _project_id(event: CloudEvent) -> str:
    return event.data.get("project_id") or event.subject


def _locked_request(session, project_id: str) -> FundingRequest | None:
    # Locked: a confirmation and a new version of the application must not
    # both judge against the same old row.
    return session.scalars(select(FundingRequest).where(FundingRequest.project_id == project_id)
                           .with_for_update()).first()


def _follow_version(request: FundingRequest, d: dict, path: str, now) -> None:
    request.unit_id = d.get("unit_id") or request.unit_id
    request.unit_name = d.get("unit_name") or request.unit_name
    request.project_name = d.get("name") or request.project_name
    request.category = d.get("category") or request.category
    request.plan_year = d.get("plan_year", request.plan_year)
    request.classified = bool(request.classified or d.get("classified"))
    request.path = path
    request.application_version = d["version_no"]
    request.total_investment_fen = d["estimate_fen"]
    request.updated_at = now


def _on_submitted(tx, event: CloudEvent, path: str) -> None:
    d = event.data
    s = tx.session
    request = _locked_request(s, _project_id(event))
    if request is None:
        request = FundingRequest(
            project_id=_project_id(event), unit_id=d.get("unit_id") or event.unitid or "",
            unit_name=d.get("unit_name") or "", project_name=d.get("name") or "",
            category=d.get("category") or "BUILD", plan_year=d.get("plan_year"),
            classified=bool(d.get("classified", False)), path=path, application_version=d["version_no"],
            total_investment_fen=d["estimate_fen"], status=rules.AWAITING, requested_at=tx.now,
            updated_at=tx.now)
        s.add(request)
        s.flush()
        _request(tx, request, event)
        return
    # The inbox absorbs redelivery of one event; this absorbs the same
    # version arriving again under another id, and an older version late.
    if d["version_no"] <= request.application_version:
        return
    current = s.get(FundingConfirmation, request.current_confirmation_id) if request.current_confirmation_id \
        else None
    _follow_version(request, d, path, tx.now)
    if current is not None and current.outcome == rules.FUNDING_CONFIRMED and request.status == rules.CONFIRMED:
        if not rules.invalidated_by(current.total_investment_fen, request.total_investment_fen):
            # The confirmation still covers this version: nothing to ask again.
            s.flush()
            tx.audit("carry_funding_confirmation", project_id=request.project_id, article=ARTICLE, rule="R-9-7",
                     details={"confirmation_id": current.id, "version_no": request.application_version,
                              "confirmed_on_total_fen": current.total_investment_fen,
                              "new_total_fen": request.total_investment_fen, "trigger_event_id": event.id})
            return
        _invalidate(tx, request, current, event)
    request.status, request.current_confirmation_id = rules.AWAITING, None
    if request.requested_at is None:
        request.requested_at = tx.now
    s.flush()
    _request(tx, request, event)


def _invalidate(tx, request: FundingRequest, current: FundingConfirmation, event: CloudEvent) -> None:
    """R-9-7: the total rose above what 财政 confirmed; R-9-2 must be met again."""
    current.invalidated_at = tx.now
    current.invalidated_by_version = request.application_version
    current.invalidating_total_fen = request.total_investment_fen
    tx.emit("FundingConfirmationInvalidated", request.project_id,
            {**project_facts(request), "confirmation_id": current.id, "path": request.path,
             "version_no": request.application_version, "previous_total_fen": current.total_investment_fen,
             "new_total_fen": request.total_investment_fen},
            article=ARTICLE, unit_id=request.unit_id)
    tx.audit("invalidate_funding_confirmation", project_id=request.project_id, article=ARTICLE, rule="R-9-7",
             details={"confirmation_id": current.id, "previous_total_fen": current.total_investment_fen,
                      "new_total_fen": request.total_investment_fen,
                      "version_no": request.application_version, "trigger_event_id": event.id})


def _request(tx, request: FundingRequest, event: CloudEvent) -> None:
    tx.emit("FundingConfirmationRequested", request.project_id,
            {**project_facts(request), "path": request.path, "version_no": request.application_version,
             "total_investment_fen": request.total_investment_fen},
            article=ARTICLE, unit_id=request.unit_id)
    tx.audit("request_funding_confirmation", project_id=request.project_id, article=ARTICLE,
             rule="R-9-8" if request.path == rules.PLAN else "R-9-2",
             details={"path": request.path, "version_no": request.application_version,
                      "total_investment_fen": request.total_investment_fen, "trigger_event_id": event.id,
                      "submitted_by": event.actorid})


# ----------------------------------------------------------------- confirmation


def record_confirmation(tx, request: FundingRequest, c: dict, ident, must_cover_total: bool) -> FundingConfirmation:
    """T11: the latest confirmation counts; the one before stays in the history."""
    judgement = rules.judge(c["result"], c["confirmed_amount_fen"], request.total_investment_fen, request.path,
                            must_cover_total)
    seq = (tx.session.scalar(select(func.max(FundingConfirmation.seq))
                             .where(FundingConfirmation.project_id == request.project_id)) or 0) + 1
    confirmation = FundingConfirmation(
        id=str(uuid.uuid4()), project_id=request.project_id, seq=seq, application_version=request.application_version,
        path=request.path, result=c["result"], confirmed_amount_fen=c["confirmed_amount_fen"],
        total_investment_fen=request.total_investment_fen, shortfall_fen=judgement.shortfall_fen,
        outcome=judgement.event, note=c["note"].strip(),
        basis_document=(c["basis_document"] or "").strip() or None,
        recorded_by=ident.user_id, recorded_by_name=ident.name, recorded_at=tx.now)
    tx.session.add(confirmation)
    request.current_confirmation_id = confirmation.id
    request.status = rules.CONFIRMED if judgement.holds else rules.NOT_SECURED_STATUS
    request.updated_at = tx.now
    # Flushing here runs the versioned UPDATE before anything is emitted,
    # and gives the answer the new version.
    tx.session.flush()
    data = {**project_facts(request), "confirmation_id": confirmation.id, "path": request.path,
            "version_no": request.application_version, "result": confirmation.result,
            "confirmed_amount_fen": confirmation.confirmed_amount_fen,
            "total_investment_fen": confirmation.total_investment_fen, "shortfall_fen": judgement.shortfall_fen,
            "note": confirmation.note, "basis_document": confirmation.basis_document}
    tx.emit(judgement.event, request.project_id, data, article=ARTICLE, unit_id=request.unit_id)
    tx.audit("record_funding_confirmation", project_id=request.project_id, article=ARTICLE, rule="R-9-2",
             details={"confirmation_id": confirmation.id, "result": confirmation.result,
                      "confirmed_amount_fen": confirmation.confirmed_amount_fen,
                      "total_investment_fen": confirmation.total_investment_fen,
                      "shortfall_fen": judgement.shortfall_fen, "event": judgement.event,
                      "version": request.version})
    return confirmation


# ----------------------------------------------------------------- reads


def confirmation_out(c: FundingConfirmation, current_id: str | None) -> dict:
    return {"confirmation_id": c.id, "version_no": c.application_version, "path": c.path, "result": c.result,
            "confirmed_amount_fen": c.confirmed_amount_fen, "total_investment_fen": c.total_investment_fen,
            "shortfall_fen": c.shortfall_fen, "satisfies_article_9": c.outcome == rules.FUNDING_CONFIRMED,
            "note": c.note, "basis_document": c.basis_document, "recorded_by": c.recorded_by,
            "recorded_by_name": c.recorded_by_name, "recorded_at": _iso(c.recorded_at),
            "current": c.id == current_id,
            "invalidated": None if c.invalidated_at is None else {
                "at": _iso(c.invalidated_at), "by_version_no": c.invalidated_by_version,
                "new_total_fen": c.invalidating_total_fen}}


def summary_out(r: FundingRequest) -> dict:
    return {**project_facts(r), "path": r.path, "version_no": r.application_version,
            "total_investment_fen": r.total_investment_fen, "status": r.status,
            "requested_at": _iso(r.requested_at), "updated_at": _iso(r.updated_at), "version": r.version}


def funding_out(session, r: FundingRequest) -> dict:
    history = session.scalars(select(FundingConfirmation).where(FundingConfirmation.project_id == r.project_id)
                              .order_by(FundingConfirmation.seq.desc())).all()
    confirmations = [confirmation_out(c, r.current_confirmation_id) for c in history]
    current = next((c for c in confirmations if c["current"]), None)
    return {**summary_out(r), "current_confirmation": current, "confirmations": confirmations}
