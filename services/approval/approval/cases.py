"""Reading approval's records inside a unit of work: the case, its submissions, the reviews approval heard
of, and the facts the gates decide on (decision_rules.GateFacts)."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select

from itpm_common.errors import not_found, state_invalid
from itpm_common.visibility import may_see

from . import catalog_rules, decision_rules, stages
from .models import (
    ApprovalCase,
    ApprovalDecision,
    DepthConfirmation,
    EstimateReview,
    NonSharingException,
    ResourceCatalog,
    SecurityReview,
    Submission,
    TechnicalReview,
    project_projection,
)


def canonical(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def digest_of(obj) -> str:
    """SHA-256 over the canonical JSON: what reviews bind to (R-10-2) and what a 批复 prints."""
    return hashlib.sha256(canonical(obj).encode()).hexdigest()


def projection_row(session, project_id: str):
    table = project_projection
    return session.execute(select(table).where(table.c.project_id == project_id)).mappings().first()


def visible_project(session, ident, project_id: str):
    """The project as approval's projection knows it, or NOT-FOUND (rules.md §7.2)."""
    row = projection_row(session, project_id)
    if row is None or not may_see(ident, row["unit_id"], bool(row["classified"])):
        raise not_found("项目", project_id)
    return row


def visible_case(session, ident, project_id: str) -> ApprovalCase:
    case = session.get(ApprovalCase, project_id)
    if case is None or not may_see(ident, case.unit_id, case.classified):
        raise not_found("审批事项", project_id)
    return case


def facts(case: ApprovalCase) -> dict:
    """The project facts every approval event carries, so consumers never need to ask."""
    return {"project_id": case.project_id, "unit_id": case.unit_id, "unit_name": case.unit_name,
            "name": case.project_name, "classified": case.classified, "plan_year": case.plan_year,
            "category": "BUILD"}


def flags(case: ApprovalCase) -> dict:
    return {"classified": case.classified, "important_domain": case.important_domain,
            "new_civil_works": case.new_civil_works, "high_energy": case.high_energy,
            "new_data_center": case.new_data_center, "cross_department": case.cross_department}


def content(sub: Submission) -> dict:
    return json.loads(sub.content)


def latest_catalog(session, project_id: str) -> ResourceCatalog | None:
    return session.scalars(select(ResourceCatalog).where(ResourceCatalog.project_id == project_id)
                           .order_by(ResourceCatalog.version_no.desc()).limit(1)).first()


def catalog_version(session, project_id: str, version_no: int | None) -> ResourceCatalog | None:
    if version_no is None:
        return None
    return session.get(ResourceCatalog, (project_id, version_no))


def next_version_no(session, project_id: str, stage: str) -> int:
    return (session.scalar(select(func.max(Submission.version_no)).where(
        Submission.project_id == project_id, Submission.stage == stage)) or 0) + 1


def current_submission(session, case: ApprovalCase, submission_id: str) -> Submission:
    """The submission FG decides on: the case's current one, still waiting (else STATE-INVALID)."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.project_id != case.project_id:
        raise not_found("报送材料", submission_id)
    if sub.id != case.current_submission_id or sub.status != "SUBMITTED" or case.stage_state not in stages.AWAITING_FG:
        raise state_invalid("该版本材料不是当前待决定的报送", case.stage_state, article="第十条",
                            submission_status=sub.status, current_submission_id=case.current_submission_id)
    return sub


def check_expected_version(case: ApprovalCase, expected: int | None) -> None:
    """R-0-2: a decision made on a state FG no longer sees is refused."""
    if expected is not None and expected != case.version:
        raise state_invalid("该事项已被他人处理，本次决定基于过期的版本，请刷新后重试", case.stage_state, rule="R-0-2",
                            expected_version=expected, current_version=case.version)


def _review_of(row: TechnicalReview | None) -> decision_rules.Review | None:
    if row is None:
        return None
    return decision_rules.Review(
        outcome=row.outcome, conditions=row.conditions,
        conditions_acknowledged=row.conditions_acknowledged_at is not None,
        catalog_exemption=row.catalog_exemption,
        accepted_duplicate_items=tuple(json.loads(row.accepted_duplicate_items or "[]")),
        similar_systems_accepted=row.similar_systems_accepted,
        universal_entries=tuple(json.loads(row.universal_entries or "[]")),
        linkage_none_confirmed=row.linkage_none_confirmed, review_id=row.review_id)


def project_reviews(session, project_id: str) -> list[TechnicalReview]:
    return session.scalars(select(TechnicalReview).where(TechnicalReview.project_id == project_id)).all()


def universal_entries(session, project_id: str) -> set[str]:
    """A-12: every entry 政务办 reclassified as should-be-universally-shared in any concluded review."""
    out: set[str] = set()
    for r in project_reviews(session, project_id):
        if r.outcome is not None:
            out.update(json.loads(r.universal_entries or "[]"))
    return out


def gate_facts(session, case: ApprovalCase, sub: Submission, framework) -> decision_rules.GateFacts:
    body = content(sub)
    tech = session.get(TechnicalReview, sub.id)
    older = session.scalars(select(Submission.id).where(
        Submission.project_id == case.project_id, Submission.stage == sub.stage,
        Submission.version_no < sub.version_no)).all()
    older_reviewed = bool(older) and session.scalar(select(func.count()).select_from(TechnicalReview).where(
        TechnicalReview.submission_id.in_(older), TechnicalReview.outcome.is_not(None))) > 0
    security = session.get(SecurityReview, sub.id)
    estimate = session.get(EstimateReview, sub.id)
    catalog_row = catalog_version(session, case.project_id, sub.catalog_version)
    catalog = json.loads(catalog_row.content) if catalog_row else None
    reviews = [r for r in project_reviews(session, case.project_id) if r.outcome in decision_rules.PASSES]
    framework_blockers = []
    blocker = framework.catalog_allocation_blocker(session, case.project_id, case.unit_id, catalog)
    if blocker is not None:
        framework_blockers.append(blocker)
    return decision_rules.GateFacts(
        stage=sub.stage, version_no=sub.version_no, content=body, estimate_fen=sub.estimate_fen, flags=flags(case),
        technical=_review_of(tech), older_version_reviewed=older_reviewed,
        security_conclusion=security.conclusion if security else None,
        estimate_status=estimate.status if estimate else None,
        reviewed_fen=estimate.reviewed_fen if estimate and estimate.status == "REVIEWED" else None,
        depth_confirmed=session.get(DepthConfirmation, sub.id) is not None,
        catalog=catalog, catalog_version=sub.catalog_version,
        catalog_exempt=any(r.catalog_exemption for r in reviews),
        universal_entries=frozenset(universal_entries(session, case.project_id)),
        non_sharing_approved=session.get(NonSharingException, case.project_id) is not None,
        framework_blockers=framework_blockers)


def shareable_rows(session, unit_id: str) -> list[dict]:
    """R-20-2: the shareable data items of every other department's latest catalog version."""
    latest = (select(ResourceCatalog.project_id, func.max(ResourceCatalog.version_no).label("v"))
              .where(ResourceCatalog.unit_id != unit_id).group_by(ResourceCatalog.project_id).subquery())
    rows = session.scalars(select(ResourceCatalog).join(
        latest, (ResourceCatalog.project_id == latest.c.project_id) & (ResourceCatalog.version_no == latest.c.v)))
    out = []
    for cat in rows:
        for item, code in catalog_rules.shareable_items(json.loads(cat.content)):
            out.append({"item": item, "provider_unit_id": cat.unit_id, "provider_project_id": cat.project_id,
                        "resource_code": code})
    return out


def next_doc_no(session, kind: str, year: int) -> str:
    """连发改审批〔YYYY〕N号, sequential per year (a 请示: 连发改审批请〔YYYY〕N号)."""
    prefix = f"连发改审批{'请' if kind == 'REQUEST' else ''}〔{year}〕"
    taken = session.scalars(select(ApprovalDecision.doc_no).where(ApprovalDecision.doc_no.like(f"{prefix}%"))).all()
    n = max((int(d[len(prefix):-1]) for d in taken), default=0) + 1
    return f"{prefix}{n}号"
