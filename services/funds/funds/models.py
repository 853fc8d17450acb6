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
