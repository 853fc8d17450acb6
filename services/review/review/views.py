"""What review's RPCs answer: plain dicts, times in Asia/Shanghai ISO 8601."""

from __future__ import annotations

import json

from itpm_common.clock import SHANGHAI

from . import rules, store
from .models import Application, Funding, Review, ReviewOpinion, SpecialReport
from .settings import ReviewSettings
from .store import CANCELLED, CONCLUDED, KIND_ADHOC, RETURNED, funding_facts


def iso(dt) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        # SQLite keeps the wall time without its offset; every stored time
        # came from the service clock, which reads Asia/Shanghai.
        dt = dt.replace(tzinfo=SHANGHAI)
    return dt.astimezone(SHANGHAI).isoformat()


def funding_required(kind: str, origin: str) -> bool:
    """R-9-2 for every ad-hoc application; R-9-8 for a superior-funded plan one."""
    return kind == KIND_ADHOC or origin == "SUPERIOR_FUNDED"


def funding_view(record: Funding | None, total_fen: int, required: bool, settings: ReviewSettings) -> dict:
    problem = rules.funding_problem(funding_facts(record), total_fen, settings.adhoc_funding_must_cover_total)
    return {"required": required, "status": record.status if record else "NONE",
            "result": record.result if record else None,
            "confirmed_amount_fen": record.confirmed_amount_fen if record else None,
            "confirmed_for_total_fen": record.total_investment_fen if record else None,
            "shortfall_fen": record.shortfall_fen if record else None,
            "note": record.note if record else None,
            "total_investment_fen": total_fen,
            "satisfied": problem is None, "problem": problem[0] if problem else None}


def special_report_view(record: SpecialReport | None, kind: str, total_fen: int,
                        settings: ReviewSettings) -> dict:
    required = kind == KIND_ADHOC and rules.special_report_required(total_fen, settings.large_investment_threshold_fen)
    return {"required": required, "gate": settings.special_report_gate,
            "threshold_fen": settings.large_investment_threshold_fen, "recorded": record is not None,
            "covers_total": store.special_report_covers(record, total_fen),
            "reference": record.reference if record else None,
            "reported_on": record.reported_on if record else None}


def opinion_out(o: ReviewOpinion) -> dict:
    return {"bureau": o.bureau, "verdict": o.verdict, "necessity": o.necessity,
            "feasibility": o.feasibility, "security": o.security, "budget": o.budget,
            "conditions": o.conditions, "recorded_by": o.recorded_by,
            "recorded_by_name": o.recorded_by_name, "recorded_at": iso(o.recorded_at)}


def conclusion_out(r: Review) -> dict | None:
    if r.status != CONCLUDED:
        return None
    return {"outcome": r.outcome, "consolidated_opinion": r.consolidated_opinion,
            "criteria": json.loads(r.criteria) if r.criteria else None,
            "criteria_reasons": json.loads(r.criteria_reasons) if r.criteria_reasons else {},
            "resolution_note": r.resolution_note,
            "concluded_by": r.concluded_by, "concluded_by_name": r.concluded_by_name,
            "concluded_at": iso(r.concluded_at)}


def closing_out(r: Review) -> dict | None:
    """Who returned the application (T04) or when the withdrawal cancelled the review."""
    if r.status == RETURNED:
        return {"status": RETURNED, "reason": r.return_reason, "by": r.concluded_by,
                "by_name": r.concluded_by_name, "at": iso(r.concluded_at)}
    if r.status == CANCELLED:
        return {"status": CANCELLED, "reason": "申报单位已撤回申报", "by": r.concluded_by,
                "by_name": r.concluded_by_name, "at": iso(r.concluded_at)}
    return None


def review_out(r: Review, opinions: list[ReviewOpinion], funding: dict, special_report: dict) -> dict:
    return {"review_id": r.id, "project_id": r.project_id, "unit_id": r.unit_id,
            "unit_name": r.unit_name, "project_name": r.project_name, "plan_year": r.plan_year,
            "category": r.category, "kind": r.kind, "version_no": r.version_no, "origin": r.origin,
            "estimate_fen": r.estimate_fen, "status": r.status,
            "opened_at": iso(r.opened_at), "opened_by": r.opened_by, "opened_by_name": r.opened_by_name,
            "version": r.version,
            "opinions": [opinion_out(o) for o in opinions],
            "missing_bureaus": rules.missing_bureaus(o.bureau for o in opinions),
            "funding_at_opening": ({"result": r.funding_result, "confirmed_amount_fen": r.funding_confirmed_fen}
                                   if r.funding_result else None),
            "funding": funding, "special_report": special_report,
            "conclusion": conclusion_out(r), "closing": closing_out(r)}


def summary_out(r: Review, recorded: set[str]) -> dict:
    return {"review_id": r.id, "project_id": r.project_id, "project_name": r.project_name,
            "unit_name": r.unit_name, "kind": r.kind, "status": r.status, "opened_at": iso(r.opened_at),
            "missing_bureaus": rules.missing_bureaus(recorded)}


def opening_out(a: Application, funding: dict | None, blocking: dict | None) -> dict:
    return {"kind": a.kind, "project_id": a.project_id, "project_name": a.project_name,
            "unit_id": a.unit_id, "unit_name": a.unit_name, "plan_year": a.plan_year, "category": a.category,
            "version_no": a.version_no, "estimate_fen": a.estimate_fen, "origin": a.origin,
            "adhoc_reason": a.adhoc_reason, "superior_funding_fen": a.superior_funding_fen,
            "submitted_at": iso(a.submitted_at), "funding": funding,
            "ready": blocking is None, "blocking": blocking}
