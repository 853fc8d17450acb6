"""What the technical review's RPCs answer: plain dicts, times in Asia/Shanghai ISO 8601."""

from __future__ import annotations

import json

from ..models import TechnicalOpinion, TechnicalReview, TechnicalSubmission
from ..rules import BUREAUS
from ..views import iso
from .rules import CONCLUDED, OUTCOME_ZH, STAGE_ZH, SUBMISSION_STATUS_ZH, flagged_items
from .store import questions


def accepted_items(review: TechnicalReview) -> list[dict]:
    return json.loads(review.accepted_duplicate_items or "[]")


def judgements(review: TechnicalReview) -> dict:
    """政务办's judgements as TechnicalReviewConcluded carries them."""
    return {"catalog_exemption": bool(review.catalog_exemption),
            "accepted_duplicate_items": [a["item"] for a in accepted_items(review)],
            "similar_systems_accepted": bool(review.similar_systems_accepted),
            "universal_entries": json.loads(review.universal_entries or "[]"),
            "linkage_none_confirmed": bool(review.linkage_none_confirmed)}


def submission_out(sub: TechnicalSubmission) -> dict:
    asked = questions(sub)
    return {"submission_id": sub.submission_id, "project_id": sub.project_id, "project_name": sub.project_name,
            "unit_id": sub.unit_id, "unit_name": sub.unit_name, "plan_year": sub.plan_year,
            "category": sub.category, "stage": sub.stage, "stage_zh": STAGE_ZH.get(sub.stage, sub.stage),
            "version_no": sub.version_no, "digest": sub.digest, "track": sub.track, "origin": sub.origin,
            "total_investment_fen": sub.total_investment_fen, "estimate_fen": sub.estimate_fen,
            "status": sub.status, "status_zh": SUBMISSION_STATUS_ZH.get(sub.status, sub.status),
            "approval_outcome": sub.approval_outcome, "closed_reason": sub.closed_reason,
            "submitted_at": iso(sub.submitted_at),
            # What 政务办 must judge in the review.
            "catalog_version": asked["catalog_version"],
            "duplicate_collection_flags": asked["duplicate_collection_flags"],
            "flagged_items": flagged_items(asked["duplicate_collection_flags"]),
            "similar_systems": asked["similar_systems"],
            "cross_level": bool(sub.cross_level), "linkage_none": asked["linkage_none"]}


def opinion_out(o: TechnicalOpinion) -> dict:
    return {"bureau": o.bureau, "verdict": o.verdict, "opinion": o.opinion, "conditions": o.conditions,
            "recorded_by": o.recorded_by, "recorded_by_name": o.recorded_by_name,
            "recorded_at": iso(o.recorded_at)}


def conclusion_out(review: TechnicalReview) -> dict | None:
    if review.status != CONCLUDED:
        return None
    return {"outcome": review.outcome, "outcome_zh": OUTCOME_ZH[review.outcome],
            "consolidated_opinion": review.consolidated_opinion, "conditions": review.conditions,
            **judgements(review), "accepted_duplicate_notes": accepted_items(review),
            "carried_over_from": review.carried_over_from, "carry_over_note": review.carry_over_note,
            "concluded_by": review.concluded_by, "concluded_by_name": review.concluded_by_name,
            "concluded_at": iso(review.concluded_at)}


def review_out(review: TechnicalReview, opinions: list[TechnicalOpinion]) -> dict:
    recorded = {o.bureau for o in opinions}
    return {"review_id": review.id, "submission_id": review.submission_id, "project_id": review.project_id,
            "stage": review.stage, "version_no": review.version_no, "digest": review.digest,
            "status": review.status, "opened_by": review.opened_by, "opened_by_name": review.opened_by_name,
            "opened_at": iso(review.opened_at), "version": review.version,
            # Opinions are input to 政务办's judgement, not a precondition of it.
            "opinions": [opinion_out(o) for o in opinions],
            "bureaus_without_opinion": [b for b in BUREAUS if b not in recorded],
            "conclusion": conclusion_out(review), "closed_reason": review.closed_reason}


def source_out(review: TechnicalReview | None) -> dict | None:
    """The earlier version's conclusion a carry-over would take over (A-09)."""
    if review is None:
        return None
    return {"review_id": review.id, "submission_id": review.submission_id, "version_no": review.version_no,
            "digest": review.digest, "outcome": review.outcome}


def answer(sub: TechnicalSubmission, review: TechnicalReview | None, opinions: list[TechnicalOpinion],
           source: TechnicalReview | None) -> dict:
    return {"submission": submission_out(sub), "review": review_out(review, opinions) if review else None,
            "carry_over_candidate": source_out(source) if review is None or review.status != CONCLUDED else None}


def work_item(sub: TechnicalSubmission, review: TechnicalReview | None, recorded: set[str],
              source: TechnicalReview | None) -> dict:
    return {**submission_out(sub), "review_id": review.id if review else None,
            "review_status": review.status if review else None,
            "opinions_from": [b for b in BUREAUS if b in recorded],
            "carry_over_candidate": source_out(source)}
