"""Lookups on the technical review's tables, shared by commands, reads and consumers."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from ..models import TechnicalOpinion, TechnicalReview, TechnicalSubmission
from ..rules import BUREAUS
from .rules import CONCLUDED


def facts(sub: TechnicalSubmission) -> dict:
    """The project facts every event about a project carries."""
    return {"project_id": sub.project_id, "unit_id": sub.unit_id, "unit_name": sub.unit_name,
            "name": sub.project_name, "plan_year": sub.plan_year, "category": sub.category,
            "classified": bool(sub.classified)}


def questions(sub: TechnicalSubmission) -> dict:
    """What the submission asks 政务办 to judge, as the judgement rules read it."""
    return {"catalog_version": sub.catalog_version,
            "duplicate_collection_flags": json.loads(sub.duplicate_collection_flags or "[]"),
            "similar_systems": json.loads(sub.similar_systems or "[]"),
            "linkage_none": bool(sub.linkage_none)}


def submission(session, project_id: str, submission_id: str) -> TechnicalSubmission | None:
    """The submission, if it is this project's (another project's id is as absent as an unknown one)."""
    sub = session.get(TechnicalSubmission, submission_id)
    return sub if sub is not None and sub.project_id == project_id else None


def latest_submission(session, project_id: str) -> TechnicalSubmission | None:
    return session.scalars(select(TechnicalSubmission).where(TechnicalSubmission.project_id == project_id)
                           .order_by(TechnicalSubmission.seq.desc()).limit(1)).first()


def newer_versions(session, sub: TechnicalSubmission) -> list[TechnicalSubmission]:
    return session.scalars(select(TechnicalSubmission).where(
        TechnicalSubmission.project_id == sub.project_id, TechnicalSubmission.stage == sub.stage,
        TechnicalSubmission.version_no > sub.version_no).order_by(TechnicalSubmission.version_no)).all()


def older_versions(session, sub: TechnicalSubmission) -> list[TechnicalSubmission]:
    return session.scalars(select(TechnicalSubmission).where(
        TechnicalSubmission.project_id == sub.project_id, TechnicalSubmission.stage == sub.stage,
        TechnicalSubmission.version_no < sub.version_no).order_by(TechnicalSubmission.version_no)).all()


def review_of(session, submission_id: str) -> TechnicalReview | None:
    return session.scalars(select(TechnicalReview).where(TechnicalReview.submission_id == submission_id)).first()


def carry_over_source(session, sub: TechnicalSubmission) -> TechnicalReview | None:
    """The newest concluded review of the same stage's earlier versions: the
    only conclusion a new version may take over (A-09)."""
    return session.scalars(select(TechnicalReview).where(
        TechnicalReview.project_id == sub.project_id, TechnicalReview.stage == sub.stage,
        TechnicalReview.version_no < sub.version_no, TechnicalReview.status == CONCLUDED)
        .order_by(TechnicalReview.version_no.desc()).limit(1)).first()


def opinions(session, review_id: str) -> list[TechnicalOpinion]:
    rows = session.scalars(select(TechnicalOpinion).where(TechnicalOpinion.review_id == review_id)).all()
    return sorted(rows, key=lambda o: BUREAUS.index(o.bureau))


def next_seq(session, project_id: str) -> int:
    return (session.scalar(select(func.max(TechnicalSubmission.seq))
                           .where(TechnicalSubmission.project_id == project_id)) or 0) + 1
