"""review's own tables. Money is integer fen; times are Asia/Shanghai."""

from __future__ import annotations

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from itpm_common.tables import add_infrastructure_tables


class Base(DeclarativeBase):
    pass


infra = add_infrastructure_tables(Base.metadata)


class Review(Base):
    """One review of one submitted version of a project.

    The project facts are copied from the event that opened the review, so
    reads and visibility checks never depend on planning being reachable.
    """

    __tablename__ = "reviews"
    # A redelivered or re-emitted submission must not open a second review.
    __table_args__ = (UniqueConstraint("kind", "project_id", "version_no",
                                       name="uq_reviews_kind_project_version"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    project_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    plan_year: Mapped[int] = mapped_column(Integer)
    # int4 ends at 2147万元; estimates above that are ordinary.
    estimate_fen: Mapped[int] = mapped_column(BigInteger)
    classified: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)
    opened_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    consolidated_opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    criteria: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON object
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
