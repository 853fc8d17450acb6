"""What approval hears from review, funds, security and planning (its queue's Chapter 3 bindings).
Each fact is kept per submission; a redelivered event changes nothing and an older one never overwrites a
newer one (by the event's own time)."""

from __future__ import annotations

import json
from datetime import datetime

from itpm_common.events import CloudEvent

from .. import stages
from ..models import ApprovalCase, EstimateReview, NonSharingException, SecurityReview, Submission, TechnicalReview


def _older(event: CloudEvent, row) -> bool:
    return row is not None and datetime.fromisoformat(event.time) < datetime.fromisoformat(row.event_time)


def _known_submission(tx, event: CloudEvent) -> Submission | None:
    sub = tx.session.get(Submission, event.data.get("submission_id"))
    if sub is None or sub.project_id != event.subject:
        tx.audit("ignored_fact", project_id=event.subject, article=event.article,
                 details={"event": event.name, "submission_id": event.data.get("submission_id"),
                          "why": "unknown submission"})
        return None
    return sub


def _row_to_update(tx, event: CloudEvent, model, key: str, **made_with):
    """The fact's row, made (``model(**made_with)``) when there is none yet; None when the
    event is older than what the row already holds."""
    row = tx.session.get(model, key)
    if _older(event, row):
        return None
    if row is None:
        row = model(**made_with)
        tx.session.add(row)
    return row


class FactHandlers:
    def apply_fact(self, tx, event: CloudEvent) -> bool:
        if event.name == "NonSharingExceptionApproved":
            self._non_sharing_approved(tx, event)
            return True
        # The other facts are about one submission, which approval must know.
        handler = {
            "TechnicalReviewOpened": self._technical_opened,
            "TechnicalReviewConcluded": self._technical_concluded,
            "EstimateReviewRequested": self._estimate_requested,
            "EstimateReviewed": self._estimate_reviewed,
            "CybersecurityReviewRecorded": self._security_recorded,
        }.get(event.name)
        if handler is None:
            return False
        sub = _known_submission(tx, event)
        if sub is not None:
            handler(tx, event, sub)
        return True

    def _technical_row(self, tx, event, sub) -> TechnicalReview | None:
        row = _row_to_update(tx, event, TechnicalReview, sub.id, submission_id=sub.id, project_id=sub.project_id)
        if row is not None:
            row.review_id, row.event_time, row.updated_at = event.data["review_id"], event.time, tx.now
        return row

    def _technical_opened(self, tx, event, sub):
        existing = tx.session.get(TechnicalReview, sub.id)
        if existing is not None and existing.outcome is not None:
            return   # the conclusion arrived first
        self._technical_row(tx, event, sub)

    def _technical_concluded(self, tx, event, sub):
        """R-10-2: bound to the exact version reviewed (its digest); A-09 carried-over conclusions included."""
        d = event.data
        if d.get("digest") and d["digest"] != sub.digest:
            tx.audit("ignored_fact", project_id=sub.project_id, article="第十条", rule="R-10-2",
                     details={"event": event.name, "submission_id": sub.id, "why": "digest differs"})
            return
        row = self._technical_row(tx, event, sub)
        if row is None:
            return
        row.outcome, row.conditions = d["outcome"], d.get("conditions")
        row.catalog_exemption = bool(d.get("catalog_exemption"))
        row.accepted_duplicate_items = json.dumps(d.get("accepted_duplicate_items") or [], ensure_ascii=False)
        row.similar_systems_accepted = bool(d.get("similar_systems_accepted"))
        row.universal_entries = json.dumps(d.get("universal_entries") or [], ensure_ascii=False)
        row.linkage_none_confirmed = bool(d.get("linkage_none_confirmed"))
        row.consolidated_opinion, row.carried_over_from = d.get("consolidated_opinion"), d.get("carried_over_from")
        tx.audit("technical_review_heard", project_id=sub.project_id, article="第十条", rule="R-10-2",
                 details={"submission_id": sub.id, "review_id": row.review_id, "outcome": row.outcome})

    def _estimate_requested(self, tx, event, sub):
        """T26: a PD whose 概算 ≥ 1,000,000.00 goes to 财政; a package stays in its *_SUBMITTED state [I]."""
        d = event.data
        row = tx.session.get(EstimateReview, sub.id)
        if row is not None:
            return   # requested already, or reviewed before this request was delivered
        tx.session.add(EstimateReview(submission_id=sub.id, project_id=sub.project_id,
                                      requested_fen=d["requested_fen"], status="REQUESTED",
                                      event_time=event.time, updated_at=tx.now))
        case = tx.session.get(ApprovalCase, sub.project_id)
        if sub.stage == stages.PD and case.current_submission_id == sub.id and \
                case.stage_state == stages.PD_SUBMITTED:
            case.stage_state, case.updated_at = stages.ESTIMATE_UNDER_REVIEW, tx.now
        tx.audit("estimate_review_requested", project_id=sub.project_id, article="第十条", rule="R-10-3",
                 details={"submission_id": sub.id, "requested_fen": d["requested_fen"]})

    def _estimate_reviewed(self, tx, event, sub):
        """T27: 财政's reviewed amount; the PD is back with FG."""
        d = event.data
        row = tx.session.get(EstimateReview, sub.id)
        if row is not None and row.status == "REVIEWED" and _older(event, row):
            return
        if row is None:
            row = EstimateReview(submission_id=sub.id, project_id=sub.project_id)
            tx.session.add(row)
        row.requested_fen = d.get("requested_fen") or sub.estimate_fen
        row.reviewed_fen, row.status, row.opinion = d["reviewed_fen"], "REVIEWED", d.get("opinion")
        row.reviewed_line_items = json.dumps(d["line_items"], ensure_ascii=False) if d.get("line_items") else None
        row.event_time, row.updated_at = event.time, tx.now
        case = tx.session.get(ApprovalCase, sub.project_id)
        if case.current_submission_id == sub.id and case.stage_state == stages.ESTIMATE_UNDER_REVIEW:
            case.stage_state, case.updated_at = stages.PD_SUBMITTED, tx.now
        tx.audit("estimate_reviewed", project_id=sub.project_id, article="第十条", rule="R-10-3",
                 details={"submission_id": sub.id, "reviewed_fen": d["reviewed_fen"]})

    def _security_recorded(self, tx, event, sub):
        """网信's cybersecurity review; its important-domain judgement sets the flag (R-18-2, A-43)."""
        d = event.data
        row = _row_to_update(tx, event, SecurityReview, sub.id, submission_id=sub.id, project_id=sub.project_id)
        if row is None:
            return
        row.conclusion, row.opinion = d["conclusion"], d.get("opinion") or ""
        row.important_domain = bool(d.get("important_domain"))
        row.event_time, row.updated_at = event.time, tx.now
        if row.important_domain:
            case = tx.session.get(ApprovalCase, sub.project_id)
            if not case.important_domain:
                case.important_domain, case.updated_at = True, tx.now
        tx.audit("cybersecurity_review_heard", project_id=sub.project_id, article="第十四条", rule="R-14-2",
                 details={"submission_id": sub.id, "conclusion": row.conclusion,
                          "important_domain": row.important_domain})

    def _non_sharing_approved(self, tx, event):
        """R-30-2: the Leading Group approved building a system that will not share."""
        d = event.data
        row = _row_to_update(tx, event, NonSharingException, event.subject, project_id=event.subject)
        if row is None:
            return
        row.exception_id = str(d.get("exception_id") or event.id)
        row.system_id, row.basis = d.get("system_id"), d.get("basis")
        row.event_time, row.recorded_at = event.time, tx.now
        tx.audit("non_sharing_exception_heard", project_id=event.subject, article="第三十条", rule="R-30-2",
                 details={"exception_id": row.exception_id})
