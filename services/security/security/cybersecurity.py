"""网信's cybersecurity review of a submission's security chapter (第四条（二）, 第十四条):
opened when approval announces an FSR, PD or package, recorded once by 网信,
superseded by a newer version of the same stage.

Event handlers and the command body run inside the caller's unit of work
(``tx``); nothing here commits, publishes or checks roles."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from itpm_common.events import CloudEvent

from . import rules
from .models import CybersecurityReview

ARTICLE = rules.ARTICLE
CHAPTER_TEXTS = ("needs_analysis", "tasks_and_content", "protection_design", "crypto_content",
                 "tiered_protection_summary")
METADATA_ONLY_ROLE = "BM"


def project_facts(r: CybersecurityReview) -> dict:
    """What every security event says about the project (so consumers never ask approval)."""
    return {"project_id": r.project_id, "unit_id": r.unit_id, "unit_name": r.unit_name, "name": r.project_name,
            "classified": r.classified, "plan_year": r.plan_year, "category": r.category}


# ----------------------------------------------------------------- submissions


def _text(chapter: dict, key: str) -> str | None:
    value = chapter.get(key)
    return value if isinstance(value, str) else None


def _fen(chapter: dict) -> int | None:
    value = chapter.get("investment_fen")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def on_submitted(tx, event: CloudEvent) -> None:
    """An FSR, PD or package arrived: 网信 has its security chapter to review (R-14-1)."""
    stage = rules.stage_of(event.name)
    d = event.data or {}
    s = tx.session
    submission_id = d["submission_id"]
    # The inbox absorbs redelivery of one event; this absorbs the same
    # submission announced again under another id.
    if s.get(CybersecurityReview, submission_id) is not None:
        return
    project_id = d.get("project_id") or event.subject
    # Locked: a recording and a newer version must not both judge against the same old rows.
    siblings = s.scalars(select(CybersecurityReview).where(CybersecurityReview.project_id == project_id)
                         .order_by(CybersecurityReview.seq).with_for_update()).all()
    classified = bool(d.get("classified")) or any(r.classified for r in siblings)
    chapter = d.get("security_chapter") or {}
    newer = [r for r in siblings if r.stage == stage and rules.supersedes(r.version_no, d["version_no"])]
    review = CybersecurityReview(
        submission_id=submission_id, project_id=project_id,
        seq=(s.scalar(select(func.max(CybersecurityReview.seq))
                      .where(CybersecurityReview.project_id == project_id)) or 0) + 1,
        unit_id=d.get("unit_id") or event.unitid or "", unit_name=d.get("unit_name") or "",
        project_name=d.get("name") or "", category=d.get("category") or "BUILD", plan_year=d.get("plan_year"),
        classified=classified, stage=stage, version_no=d["version_no"], digest=d.get("digest") or "",
        needs_analysis=_text(chapter, "needs_analysis"), tasks_and_content=_text(chapter, "tasks_and_content"),
        protection_design=_text(chapter, "protection_design"), investment_fen=_fen(chapter),
        crypto_content=_text(chapter, "crypto_content"),
        tiered_protection_summary=_text(chapter, "tiered_protection_summary"),
        declared_important_domain=bool(d.get("important_domain")),
        # A version older than one already here arrived late: nothing left to review.
        status=rules.SUPERSEDED if newer else rules.PENDING,
        superseded_by=max(newer, key=lambda r: r.version_no).submission_id if newer else None,
        received_at=tx.now, updated_at=tx.now)
    s.add(review)
    for older in siblings:
        # Classified never clears: an earlier row must not stay readable to 审计.
        if classified and not older.classified:
            older.classified, older.updated_at = True, tx.now
        if older.stage != stage or older.superseded_by is not None \
                or not rules.supersedes(review.version_no, older.version_no):
            continue
        older.superseded_by, older.updated_at = review.submission_id, tx.now
        if older.status == rules.PENDING:
            older.status = rules.SUPERSEDED
            tx.audit("supersede_cybersecurity_review", project_id=project_id, article=ARTICLE, rule="R-14-2",
                     details={"submission_id": older.submission_id, "stage": stage,
                              "version_no": older.version_no, "superseded_by": review.submission_id,
                              "superseded_by_version_no": review.version_no, "trigger_event_id": event.id})
    s.flush()
    tx.audit("open_cybersecurity_review", project_id=project_id, article=ARTICLE, rule="R-14-2",
             details={"submission_id": submission_id, "stage": stage, "version_no": review.version_no,
                      "digest": review.digest, "status": review.status, "superseded_by": review.superseded_by,
                      "chapter_received": bool(chapter), "trigger_event_id": event.id,
                      "submitted_by": event.actorid})


# ----------------------------------------------------------------- the review


def record(tx, review: CybersecurityReview, r: dict, ident) -> None:
    """网信 records its conclusion on this submission's chapter, once."""
    review.status = rules.RECORDED
    review.conclusion = r["conclusion"]
    review.opinion = r["opinion"].strip()
    review.assessments = json.dumps(
        {part: {"rating": r["assessments"][part]["rating"], "note": r["assessments"][part]["note"].strip()}
         for part in rules.PARTS}, ensure_ascii=False)
    review.important_domain = r["important_domain"]
    review.recorded_by, review.recorded_by_name, review.recorded_at = ident.user_id, ident.name, tx.now
    review.updated_at = tx.now
    # Flushing here runs the versioned UPDATE before anything is emitted,
    # and gives the answer the new version.
    tx.session.flush()
    tx.emit("CybersecurityReviewRecorded", review.project_id,
            {**project_facts(review), "submission_id": review.submission_id, "stage": review.stage,
             "version_no": review.version_no, "digest": review.digest, "conclusion": review.conclusion,
             "opinion": review.opinion, "important_domain": review.important_domain},
            article=ARTICLE, unit_id=review.unit_id)
    tx.audit("record_cybersecurity_review", project_id=review.project_id, article=ARTICLE, rule="R-14-2",
             details={"submission_id": review.submission_id, "stage": review.stage,
                      "version_no": review.version_no, "digest": review.digest, "conclusion": review.conclusion,
                      "inadequate_parts": rules.inadequate_parts(r["assessments"]),
                      "important_domain": review.important_domain,
                      "declared_important_domain": review.declared_important_domain,
                      "version": review.version})


# ----------------------------------------------------------------- reads


def _iso(dt) -> str | None:
    return None if dt is None else dt.isoformat()


def summary_out(r: CybersecurityReview) -> dict:
    """The review's metadata: what the secrecy administration may read of a classified project."""
    return {**project_facts(r), "submission_id": r.submission_id, "stage": r.stage, "version_no": r.version_no,
            "digest": r.digest, "status": r.status, "superseded_by": r.superseded_by,
            "conclusion": r.conclusion, "important_domain": r.important_domain,
            "declared_important_domain": r.declared_important_domain, "received_at": _iso(r.received_at),
            "recorded_at": _iso(r.recorded_at), "version": r.version}


def review_out(r: CybersecurityReview, role: str) -> dict:
    out = summary_out(r)
    if role == METADATA_ONLY_ROLE:
        # rules.md §7.2: BM reads the metadata of classified projects, nothing of their content.
        return {**out, "metadata_only": True}
    chapter = {key: getattr(r, key) for key in CHAPTER_TEXTS}
    chapter["investment_fen"] = r.investment_fen
    return {**out, "metadata_only": False, "security_chapter": chapter, "opinion": r.opinion,
            "assessments": json.loads(r.assessments) if r.assessments else None,
            "recorded_by": r.recorded_by, "recorded_by_name": r.recorded_by_name}
