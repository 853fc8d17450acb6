"""security's own tables. Money is integer fen; times are Asia/Shanghai."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from itpm_common.projection import projection_table
from itpm_common.tables import LocalDateTime, add_infrastructure_tables


class Base(DeclarativeBase):
    pass


infra = add_infrastructure_tables(Base.metadata)
project_projection = projection_table(Base.metadata)


class CybersecurityReview(Base):
    """网信's cybersecurity review (第四条（二）) of the security chapter (第十四条) of one
    submission: opened when approval announces the submission, recorded once by 网信,
    superseded when a newer version of the same stage arrives first.

    Only what the submission event carries is kept: the project facts, the version's
    identity and the chapter's parts. A classified project's chapter is the unit's
    non-classified summary (R-18-4); nothing else of it is stored (R-0-3, R-18-5).
    """

    __tablename__ = "cybersecurity_reviews"
    __table_args__ = (UniqueConstraint("project_id", "seq", name="uq_cybersecurity_reviews_seq"),)
    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    # 1, 2, … per project in the order the submissions arrived: the history's order.
    seq: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    project_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    plan_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    classified: Mapped[bool] = mapped_column(Boolean, default=False)
    stage: Mapped[str] = mapped_column(String(24), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(100))
    # The chapter as submitted (R-14-2 parts, R-18-1 crypto content, R-18-4 summary).
    needs_analysis: Mapped[str | None] = mapped_column(Text, nullable=True)
    tasks_and_content: Mapped[str | None] = mapped_column(Text, nullable=True)
    protection_design: Mapped[str | None] = mapped_column(Text, nullable=True)
    # int4 ends at 2147万元.
    investment_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    crypto_content: Mapped[str | None] = mapped_column(Text, nullable=True)
    tiered_protection_summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    # What the unit declared (R-18-2, A-43); 网信's own judgement is important_domain.
    declared_important_domain: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)  # PENDING, RECORDED, SUPERSEDED
    # The newer version of the same stage that superseded this one (pending or recorded).
    superseded_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    received_at: Mapped[object] = mapped_column(LocalDateTime())
    updated_at: Mapped[object] = mapped_column(LocalDateTime())
    conclusion: Mapped[str | None] = mapped_column(String(24), nullable=True)
    opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    # JSON: {part: {"rating": ADEQUATE|INADEQUATE, "note": str}} for the five parts.
    assessments: Mapped[str | None] = mapped_column(Text, nullable=True)
    important_domain: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    recorded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_by_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    recorded_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # Two 网信 officials recording at once: the second UPDATE matches no row and
    # the unit of work turns the StaleDataError into STATE-INVALID (R-0-2).
    __mapper_args__ = {"version_id_col": version}
