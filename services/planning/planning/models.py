"""planning's own tables. Money is integer fen; times are Asia/Shanghai."""

from __future__ import annotations

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from itpm_common.tables import LocalDateTime, add_infrastructure_tables


class Base(DeclarativeBase):
    pass


infra = add_infrastructure_tables(Base.metadata)


class Project(Base):
    """The project registry: planning owns project identity (rules.md table)."""

    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    build_kind: Mapped[str | None] = mapped_column(String(8), nullable=True)
    origin: Mapped[str] = mapped_column(String(16))
    plan_year: Mapped[int] = mapped_column(Integer, index=True)
    state: Mapped[str] = mapped_column(String(40))
    estimate_fen: Mapped[int] = mapped_column(BigInteger)
    classified: Mapped[bool] = mapped_column(default=False)
    # The department's current priority within its unit, year and category
    # (R-7-3); the rank each version was filed with stays on that version.
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    current_version_no: Mapped[int] = mapped_column(Integer, default=0)
    # The version 政务办 has opened for review; a withdrawal is only possible before it (T02).
    review_opened_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    returned_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    adhoc_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    superior_funding_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    draft: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[object] = mapped_column(LocalDateTime())
    updated_at: Mapped[object] = mapped_column(LocalDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class PlanApplication(Base):
    """Each submission is a new version; earlier versions stay as evidence."""

    __tablename__ = "plan_applications"
    __table_args__ = (UniqueConstraint("project_id", "version_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[object] = mapped_column(LocalDateTime())


class PlanCall(Base):
    """The call for applications (申报) of one plan year (R-7-5, A-02)."""

    __tablename__ = "plan_calls"
    plan_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    opens_on: Mapped[object] = mapped_column(Date)
    closes_on: Mapped[object] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    notice: Mapped[str | None] = mapped_column(Text, nullable=True)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[object] = mapped_column(LocalDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class AnnualPlan(Base):
    """One version of a year's construction plan; approved versions never change (R-8-5)."""

    __tablename__ = "annual_plans"
    __table_args__ = (UniqueConstraint("plan_year", "version_no"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_year: Mapped[int] = mapped_column(Integer, index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    document_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    compiled_by: Mapped[str] = mapped_column(String(64))
    compiled_at: Mapped[object] = mapped_column(LocalDateTime())
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    submitted_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class AnnualPlanItem(Base):
    """A project listed in a plan version, with the facts the plan was decided on."""

    __tablename__ = "annual_plan_items"
    __table_args__ = (UniqueConstraint("plan_id", "project_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("annual_plans.id"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    section: Mapped[str] = mapped_column(String(8))
    section_rank: Mapped[int] = mapped_column(Integer)
    nature: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8))
    struck_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    unit_id: Mapped[str] = mapped_column(String(64))
    unit_name: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    build_kind: Mapped[str | None] = mapped_column(String(8), nullable=True)
    origin: Mapped[str] = mapped_column(String(16))
    unit_rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    estimate_fen: Mapped[int] = mapped_column(BigInteger)
    classified: Mapped[bool] = mapped_column(default=False)


class SpecialReport(Base):
    """The Art 9 专题报告 to the municipal government for a large investment (R-9-5)."""

    __tablename__ = "special_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    reference: Mapped[str] = mapped_column(String(100))
    reported_on: Mapped[object] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[object] = mapped_column(LocalDateTime())


class OverallPlan(Base):
    """A version of the municipal overall plan (总体规划, R-4-2): 政务办 compiles, only the leading group approves.

    Its items (planned systems and projects, JSON) are the evidence of plan listing for Art 10(1)."""

    __tablename__ = "overall_plans"
    __table_args__ = (UniqueConstraint("version_no"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    period_from: Mapped[int] = mapped_column(Integer)
    period_to: Mapped[int] = mapped_column(Integer)
    items: Mapped[str] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    compiled_by: Mapped[str] = mapped_column(String(64))
    compiled_at: Mapped[object] = mapped_column(LocalDateTime())
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
