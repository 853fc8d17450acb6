"""approval's own tables. Money is integer fen; times are Asia/Shanghai."""

from __future__ import annotations

from sqlalchemy import BigInteger, DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from itpm_common.projection import projection_table
from itpm_common.tables import add_infrastructure_tables


class Base(DeclarativeBase):
    pass


infra = add_infrastructure_tables(Base.metadata)
project_projection = projection_table(Base.metadata)


class PlanCopy(Base):
    """The latest version of a year's approved annual plan copied to 发改 (R-8-4)."""

    __tablename__ = "plan_copies"
    plan_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64))
    version_no: Mapped[int] = mapped_column(Integer)
    build_items: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    event_id: Mapped[str] = mapped_column(String(36))


class PlanListing(Base):
    """A BUILD item of an approved annual plan: the evidence of plan listing
    that the approval entries check (R-8-6, R-10-5). An amendment that
    strikes the item marks it STRUCK; the row stays as history."""

    __tablename__ = "plan_listings"
    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64))
    # The plan version the row was last confirmed or struck by.
    plan_version: Mapped[int] = mapped_column(Integer)
    first_listed_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8), index=True)  # LISTED or STRUCK
    section_rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    origin: Mapped[str | None] = mapped_column(String(16), nullable=True)
    build_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    project_name: Mapped[str] = mapped_column(String(200))
    # int4 ends at 2147万元; estimates above that are ordinary.
    estimate_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    classified: Mapped[bool] = mapped_column(default=False)
    listed_at: Mapped[object] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True))
