"""How approval's Chapter 3 records look to callers."""

from __future__ import annotations

import json

from .listing import _iso
from .models import (
    ApprovalCase,
    ApprovalDecision,
    EstimateReview,
    ProjectCode,
    ResourceCatalog,
    SecurityReview,
    Submission,
    TechnicalReview,
)


def code_out(c: ProjectCode) -> dict:
    return {"project_id": c.project_id, "code": c.code, "platform": c.platform, "recorded_by": c.recorded_by,
            "recorded_at": _iso(c.recorded_at)}


def catalog_out(c: ResourceCatalog) -> dict:
    return {"project_id": c.project_id, "version_no": c.version_no, "unit_id": c.unit_id,
            "catalog": json.loads(c.content), "submitted_by": c.submitted_by, "submitted_at": _iso(c.submitted_at)}


def submission_out(s: Submission, with_content: bool = False) -> dict:
    out = {"submission_id": s.id, "project_id": s.project_id, "stage": s.stage, "version_no": s.version_no,
           "status": s.status, "digest": s.digest, "total_investment_fen": s.total_investment_fen,
           "estimate_fen": s.estimate_fen, "catalog_version": s.catalog_version, "submitted_by": s.submitted_by,
           "submitted_by_name": s.submitted_by_name, "submitted_at": _iso(s.submitted_at),
           "decided_by": s.decided_by, "decided_at": _iso(s.decided_at), "decision_reason": s.decision_reason,
           "return_code": s.return_code}
    if with_content:
        out["content"] = json.loads(s.content)
    return out


def case_out(c: ApprovalCase) -> dict:
    return {"project_id": c.project_id, "unit_id": c.unit_id, "unit_name": c.unit_name, "name": c.project_name,
            "classified": c.classified, "origin": c.origin, "plan_year": c.plan_year, "track": c.track,
            "stage_state": c.stage_state, "returned_stage": c.returned_stage,
            "current_submission_id": c.current_submission_id, "new_civil_works": c.new_civil_works,
            "high_energy": c.high_energy, "important_domain": c.important_domain,
            "new_data_center": c.new_data_center, "cross_department": c.cross_department,
            "approved_estimate_fen": c.approved_estimate_fen, "approved_at": _iso(c.approved_at),
            "approval_doc_no": c.approval_doc_no, "created_at": _iso(c.created_at), "updated_at": _iso(c.updated_at),
            "version": c.version}


def technical_out(r: TechnicalReview) -> dict:
    return {"submission_id": r.submission_id, "review_id": r.review_id, "outcome": r.outcome,
            "conditions": r.conditions, "conditions_acknowledged_at": _iso(r.conditions_acknowledged_at),
            "catalog_exemption": r.catalog_exemption,
            "accepted_duplicate_items": json.loads(r.accepted_duplicate_items or "[]"),
            "similar_systems_accepted": r.similar_systems_accepted,
            "universal_entries": json.loads(r.universal_entries or "[]"),
            "linkage_none_confirmed": r.linkage_none_confirmed, "consolidated_opinion": r.consolidated_opinion,
            "carried_over_from": r.carried_over_from}


def estimate_out(r: EstimateReview) -> dict:
    return {"submission_id": r.submission_id, "status": r.status, "requested_fen": r.requested_fen,
            "reviewed_fen": r.reviewed_fen, "opinion": r.opinion,
            "line_items": json.loads(r.reviewed_line_items) if r.reviewed_line_items else None}


def security_out(r: SecurityReview) -> dict:
    return {"submission_id": r.submission_id, "conclusion": r.conclusion, "opinion": r.opinion,
            "important_domain": r.important_domain}


def decision_out(d: ApprovalDecision) -> dict:
    return {"decision_id": d.id, "project_id": d.project_id, "submission_id": d.submission_id, "stage": d.stage,
            "kind": d.kind, "doc_no": d.doc_no, "record": json.loads(d.record), "digest": d.digest,
            "decided_by": d.decided_by, "decided_by_name": d.decided_by_name, "decided_at": _iso(d.decided_at)}
