"""funds' own tables. Money is integer fen; times are Asia/Shanghai."""

from __future__ import annotations

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from itpm_common.projection import projection_table
from itpm_common.tables import add_infrastructure_tables


class Base(DeclarativeBase):
    pass


infra = add_infrastructure_tables(Base.metadata)
project_projection = projection_table(Base.metadata)


class FundingRequest(Base):
    """The Art 9 request to 财政 to confirm a project's funding: one per
    project, following the application's latest version.

    The project facts are copied from the submission event, so reads and
    visibility checks never depend on planning being reachable.
    """

    __tablename__ = "funding_requests"
    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    project_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    plan_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    classified: Mapped[bool] = mapped_column(default=False)
    path: Mapped[str] = mapped_column(String(8))  # ADHOC (第九条联审) or PLAN (R-9-8)
    application_version: Mapped[int] = mapped_column(Integer)
    # int4 ends at 2147万元; totals above that are ordinary.
    total_investment_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), index=True)
    current_confirmation_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    requested_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # Two CZ officials recording at once: the second UPDATE matches no row and
    # the unit of work turns the StaleDataError into STATE-INVALID (R-0-2).
    __mapper_args__ = {"version_id_col": version}


class FundingConfirmation(Base):
    """One confirmation recorded by 财政; never edited. A later one
    supersedes it; a raised total investment invalidates it (R-9-7)."""

    __tablename__ = "funding_confirmations"
    __table_args__ = (UniqueConstraint("project_id", "seq", name="uq_funding_confirmations_seq"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("funding_requests.project_id"), index=True)
    # 1, 2, … per project in the order recorded: the history's order.
    seq: Mapped[int] = mapped_column(Integer)
    application_version: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(8))
    result: Mapped[str] = mapped_column(String(16))
    confirmed_amount_fen: Mapped[int] = mapped_column(BigInteger)
    total_investment_fen: Mapped[int] = mapped_column(BigInteger)
    shortfall_fen: Mapped[int] = mapped_column(BigInteger)
    # The event it produced: FundingConfirmed or FundingNotSecured.
    outcome: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    basis_document: Mapped[str | None] = mapped_column(String(200), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_by_name: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    invalidated_at: Mapped[object | None] = mapped_column(DateTime(timezone=True), nullable=True)
    invalidated_by_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    invalidating_total_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class EstimateReviewRequest(Base):
    """财政's estimate review (概算审核, 第十条, R-10-3) of one submission's 概算:
    one row per PD, urgent or combined package submission funds has heard of.

    A 概算 below TH-1 is kept as NOT_REQUIRED (no review is asked for), so a
    late, older version can be told from the newest one. A newer version of
    the project's 概算 supersedes an OPEN request; a REVIEWED one stays as the
    record of what 财政 reviewed for its own submission."""

    __tablename__ = "estimate_review_requests"
    __table_args__ = (UniqueConstraint("project_id", "seq", name="uq_estimate_review_requests_seq"),)
    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    # 1, 2, … per project in the order the versions came: the newest has the highest.
    seq: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    project_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    plan_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    classified: Mapped[bool] = mapped_column(default=False)
    stage: Mapped[str] = mapped_column(String(24))  # PD, URGENT_PACKAGE or COMBINED_PACKAGE
    version_no: Mapped[int] = mapped_column(Integer)
    track: Mapped[str | None] = mapped_column(String(16), nullable=True)
    origin: Mapped[str | None] = mapped_column(String(16), nullable=True)
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    requested_fen: Mapped[int] = mapped_column(BigInteger)
    line_items: Mapped[str] = mapped_column(Text)  # JSON, as submitted
    # OPEN → REVIEWED or SUPERSEDED; NOT_REQUIRED below TH-1.
    status: Mapped[str] = mapped_column(String(16), index=True)
    # The submission event's time: orders versions of different stages.
    submitted_at: Mapped[str] = mapped_column(String(40))
    requested_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    superseded_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    superseded_at: Mapped[object | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reviewed_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_line_items: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_by_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reviewed_at: Mapped[object | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # Two CZ officials concluding at once, or a newer version superseding the
    # request while 财政 concludes it: the second UPDATE matches no row and the
    # unit of work turns the StaleDataError into STATE-INVALID (R-0-2).
    __mapper_args__ = {"version_id_col": version}
