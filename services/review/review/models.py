"""review's own tables. Money is integer fen; times are Asia/Shanghai."""

from __future__ import annotations

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from itpm_common.tables import LocalDateTime, add_infrastructure_tables


class Base(DeclarativeBase):
    pass


infra = add_infrastructure_tables(Base.metadata)


class Application(Base):
    """A submitted version of a plan (Art 7) or ad-hoc (Art 9) application,
    as planning announced it; 政务办 opens a review on the newest one.

    The project facts are copied from the event, so reads and visibility
    checks never depend on planning being reachable.
    """

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("kind", "project_id", "version_no",
                                       name="uq_applications_kind_project_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    project_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    plan_year: Mapped[int] = mapped_column(Integer)
    estimate_fen: Mapped[int] = mapped_column(BigInteger)
    classified: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[str] = mapped_column(String(16))
    superior_funding_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    adhoc_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # SUBMITTED (waiting for 政务办) → OPENED; WITHDRAWN by the department.
    status: Mapped[str] = mapped_column(String(16), index=True)
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    submitted_at: Mapped[object] = mapped_column(LocalDateTime())
    updated_at: Mapped[object] = mapped_column(LocalDateTime())


class Funding(Base):
    """The latest funding confirmation 财政 recorded for a project (R-9-2,
    R-9-8), as funds announced it; INVALIDATED once the total rose (R-9-7)."""

    __tablename__ = "funding"
    project_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    path: Mapped[str | None] = mapped_column(String(16), nullable=True)
    confirmation_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    confirmed_amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    total_investment_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    shortfall_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The fact's own time: a late-delivered older fact never replaces a newer one.
    event_time: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[object] = mapped_column(LocalDateTime())


class SpecialReport(Base):
    """The 专题报告 to the municipal government 政务办 recorded (R-9-5)."""

    __tablename__ = "special_reports"
    project_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(200))
    reported_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    # The total investment the report was made on: a later, higher total needs a new report (R-9-5).
    estimate_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    event_time: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[object] = mapped_column(LocalDateTime())


class Review(Base):
    """One review of one submitted version of a project: the Art 8 plan
    review (kind PLAN) or the Art 9 joint review (kind ADHOC).

    The project facts are copied from the application, so reads and
    visibility checks never depend on planning being reachable.
    """

    __tablename__ = "reviews"
    # A redelivered or re-emitted submission must not open a second review.
    __table_args__ = (UniqueConstraint("kind", "project_id", "version_no",
                                       name="uq_reviews_kind_project_version"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    # Order of the project's reviews of any kind: the highest is the latest.
    seq: Mapped[int] = mapped_column(Integer, default=1)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    project_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    plan_year: Mapped[int] = mapped_column(Integer)
    # int4 ends at 2147万元; estimates above that are ordinary.
    estimate_fen: Mapped[int] = mapped_column(BigInteger)
    classified: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[str] = mapped_column(String(16), default="PLAN")
    # OPEN → CONCLUDED; a plan review may instead be RETURNED (T04) or
    # CANCELLED (the application withdrawn before any opinion).
    status: Mapped[str] = mapped_column(String(16), index=True)
    opened_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opened_by_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # What 财政 had confirmed when the joint review opened (R-9-2), shown to the bureaus.
    funding_result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    funding_confirmed_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    return_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    opened_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    consolidated_opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    criteria: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON object
    criteria_reasons: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON object, R-6-5
    resolution_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    concluded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    concluded_by_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    concluded_at: Mapped[object | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # Two ZWB officials concluding at once: the second UPDATE matches no row
    # and the unit of work turns the StaleDataError into STATE-INVALID (R-0-2).
    __mapper_args__ = {"version_id_col": version}


class ReviewOpinion(Base):
    """A bureau's opinion; one per bureau per review, never edited."""

    __tablename__ = "review_opinions"
    __table_args__ = (UniqueConstraint("review_id", "bureau", name="uq_review_opinions_bureau"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[str] = mapped_column(ForeignKey("reviews.id"), index=True)
    bureau: Mapped[str] = mapped_column(String(8))
    verdict: Mapped[str] = mapped_column(String(32))
    necessity: Mapped[str] = mapped_column(Text)
    feasibility: Mapped[str] = mapped_column(Text)
    security: Mapped[str] = mapped_column(Text)
    budget: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_by_name: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[object] = mapped_column(DateTime(timezone=True))


# ---------------------------------------------------------------- Art 10 technical review


class TechnicalSubmission(Base):
    """A stage's document set as approval announced it (第十条): the exact
    version 政务办's technical review is of. One row per submission; the
    project facts and what 政务办 must judge are copied from the event, so
    reads and visibility never depend on approval being reachable."""

    __tablename__ = "technical_submissions"
    __table_args__ = (UniqueConstraint("project_id", "stage", "version_no",
                                       name="uq_technical_submissions_stage_version"),)
    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    # Order of arrival among the project's submissions: the highest is the latest.
    seq: Mapped[int] = mapped_column(Integer, default=1)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    project_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    plan_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    classified: Mapped[bool] = mapped_column(default=False)
    # PROPOSAL, FSR, PD, URGENT_PACKAGE or COMBINED_PACKAGE.
    stage: Mapped[str] = mapped_column(String(24))
    version_no: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    track: Mapped[str | None] = mapped_column(String(16), nullable=True)
    origin: Mapped[str | None] = mapped_column(String(16), nullable=True)
    total_investment_fen: Mapped[int] = mapped_column(BigInteger)
    estimate_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # What 政务办 judges: the catalog version referenced, the
    # duplicate-collection flags (R-20-2), similar systems (R-20-3) and a
    # cross-level "no related project" declaration (R-13-1). Lists are JSON.
    catalog_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duplicate_collection_flags: Mapped[str] = mapped_column(Text, default="[]")
    similar_systems: Mapped[str] = mapped_column(Text, default="[]")
    cross_level: Mapped[bool] = mapped_column(default=False)
    linkage_none: Mapped[bool] = mapped_column(default=False)
    # PENDING (waiting for 政务办) → IN_REVIEW → CONCLUDED; SUPERSEDED by a
    # newer version of the stage; CLOSED when 发改 decided it first.
    status: Mapped[str] = mapped_column(String(16), index=True)
    # RETURNED, REFUSED or APPROVED once approval announced its decision.
    approval_outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    closed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    submitted_at: Mapped[object] = mapped_column(LocalDateTime())
    updated_at: Mapped[object] = mapped_column(LocalDateTime())


class TechnicalReview(Base):
    """政务办's technical review of one submission (R-10-2, A-09): bound to
    that submission and its digest, never to the project's later versions."""

    __tablename__ = "technical_reviews"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # One review per submission: a second opening, or a carry-over onto a
    # reviewed version, meets this constraint.
    submission_id: Mapped[str] = mapped_column(ForeignKey("technical_submissions.submission_id"), unique=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    classified: Mapped[bool] = mapped_column(default=False)
    stage: Mapped[str] = mapped_column(String(24))
    version_no: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    # OPEN → CONCLUDED; CLOSED when the version was superseded or decided by 发改 first.
    status: Mapped[str] = mapped_column(String(16), index=True)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_by_name: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[object] = mapped_column(LocalDateTime())
    outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)
    consolidated_opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    conditions: Mapped[str | None] = mapped_column(Text, nullable=True)
    catalog_exemption: Mapped[bool] = mapped_column(default=False)
    # JSON [{"item", "note"}]: the flagged items whose justification 政务办 accepted.
    accepted_duplicate_items: Mapped[str] = mapped_column(Text, default="[]")
    similar_systems_accepted: Mapped[bool] = mapped_column(default=False)
    universal_entries: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of resource codes
    linkage_none_confirmed: Mapped[bool] = mapped_column(default=False)
    carried_over_from: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # What 政务办 checked before carrying the earlier conclusion over.
    carry_over_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    concluded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    concluded_by_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    concluded_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)
    closed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[object] = mapped_column(LocalDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # Two 政务办 officials concluding at once: the second UPDATE matches no
    # row and the unit of work answers STATE-INVALID (R-0-2).
    __mapper_args__ = {"version_id_col": version}


class TechnicalOpinion(Base):
    """A bureau's opinion in a technical review: input to 政务办's
    judgement, one per bureau per review, never edited."""

    __tablename__ = "technical_opinions"
    __table_args__ = (UniqueConstraint("review_id", "bureau", name="uq_technical_opinions_bureau"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[str] = mapped_column(ForeignKey("technical_reviews.id"), index=True)
    bureau: Mapped[str] = mapped_column(String(8))
    verdict: Mapped[str] = mapped_column(String(32))
    opinion: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_by_name: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[object] = mapped_column(LocalDateTime())
