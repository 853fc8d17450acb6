"""Lookups on review's own tables, shared by commands, reads and consumers."""

from __future__ import annotations

from sqlalchemy import func, select

from itpm_common.errors import not_found, state_invalid

from . import rules
from .models import Application, Funding, Review, ReviewOpinion, SpecialReport

KIND_PLAN, KIND_ADHOC = "PLAN", "ADHOC"
OPEN, CONCLUDED, RETURNED, CANCELLED = "OPEN", "CONCLUDED", "RETURNED", "CANCELLED"
SUBMITTED, OPENED, WITHDRAWN = "SUBMITTED", "OPENED", "WITHDRAWN"

KIND_ZH = {KIND_PLAN: "计划论证", KIND_ADHOC: "联审"}
ARTICLE = {KIND_PLAN: "第八条", KIND_ADHOC: "第九条"}
STATUS_ZH = {CONCLUDED: "已作出结论", RETURNED: "已退回修改", CANCELLED: "已因撤回申报而取消"}


def facts(record: Application | Review) -> dict:
    """The project facts every event about a project carries."""
    return {"project_id": record.project_id, "unit_id": record.unit_id, "unit_name": record.unit_name,
            "name": record.project_name, "plan_year": record.plan_year, "category": record.category,
            "classified": bool(record.classified)}


def latest_review(session, project_id: str, kind: str | None = None) -> Review | None:
    """The project's newest review (of ``kind`` if given): a returned and
    resubmitted application gets a review per version."""
    q = select(Review).where(Review.project_id == project_id)
    if kind is not None:
        q = q.where(Review.kind == kind)
    return session.scalars(q.order_by(Review.seq.desc()).limit(1)).first()


def open_review(session, project_id: str, action_zh: str, kind: str | None = None) -> Review:
    """The review a decision is about: the project's open review (of
    ``kind`` if given); absent → NOT-FOUND, closed → STATE-INVALID."""
    q = select(Review).where(Review.project_id == project_id, Review.status == OPEN)
    if kind is not None:
        q = q.where(Review.kind == kind)
    review = session.scalars(q.order_by(Review.seq.desc()).limit(1)).first()
    if review is not None:
        return review
    latest = latest_review(session, project_id, kind)
    if latest is None:
        raise not_found(KIND_ZH.get(kind, "论证"), project_id)
    raise state_invalid(f"{KIND_ZH[latest.kind]}{STATUS_ZH[latest.status]}，不能再{action_zh}", latest.status,
                        article=ARTICLE[latest.kind], review_id=latest.id, kind=latest.kind)


def opinions(session, review_id: str) -> list[ReviewOpinion]:
    rows = session.scalars(select(ReviewOpinion).where(ReviewOpinion.review_id == review_id)).all()
    return sorted(rows, key=lambda o: rules.BUREAUS.index(o.bureau))


def latest_application(session, project_id: str, kind: str) -> Application | None:
    return session.scalars(select(Application).where(Application.kind == kind,
                                                     Application.project_id == project_id)
                           .order_by(Application.version_no.desc()).limit(1)).first()


def application(session, project_id: str, kind: str, version_no: int) -> Application | None:
    return session.scalars(select(Application).where(
        Application.kind == kind, Application.project_id == project_id,
        Application.version_no == version_no)).first()


def funding(session, project_id: str) -> Funding | None:
    return session.get(Funding, project_id)


def funding_facts(record: Funding | None) -> dict | None:
    """What the pure rules read of a funding record."""
    if record is None:
        return None
    return {"status": record.status, "result": record.result, "confirmed_amount_fen": record.confirmed_amount_fen,
            "total_investment_fen": record.total_investment_fen}


def special_report(session, project_id: str) -> SpecialReport | None:
    return session.get(SpecialReport, project_id)


def special_report_covers(report: SpecialReport | None, total_fen: int) -> bool:
    """R-9-5: a report on file made on a total at least the current one (older reports carry none)."""
    return report is not None and (report.estimate_fen is None or report.estimate_fen >= total_fen)


def next_seq(session, project_id: str) -> int:
    return (session.scalar(select(func.max(Review.seq)).where(Review.project_id == project_id)) or 0) + 1
