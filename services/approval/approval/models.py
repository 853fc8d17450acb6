"""approval's own tables. Money is integer fen; times are Asia/Shanghai."""

from __future__ import annotations

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from itpm_common.projection import projection_table
from itpm_common.tables import LocalDateTime, add_infrastructure_tables


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


# ---------------------------------------------------------------- Chapter 3 (Art 10–15)


class ApprovalCase(Base):
    """One project's way through 发改's approval (rules.md §3.2 IN_APPROVAL).

    ``stage_state`` is the IN_APPROVAL sub-state, then APPROVED or
    APPROVAL_REFUSED. The project facts are copied from the events that made
    the project eligible, so reads and visibility never depend on planning."""

    __tablename__ = "approval_cases"
    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    project_name: Mapped[str] = mapped_column(String(200))
    classified: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[str] = mapped_column(String(16))          # PLAN or ADHOC (entry_path)
    plan_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # STANDARD, PATH1 (Art 10(1)), URGENT (10(2)) or COMBINED (10(3)).
    track: Mapped[str] = mapped_column(String(16))
    stage_state: Mapped[str] = mapped_column(String(32), index=True)
    # The stage a RETURNED case waits to have resubmitted.
    returned_stage: Mapped[str | None] = mapped_column(String(24), nullable=True)
    current_submission_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # Art 11 flags: declared by the department, FG may set them (R-11-3).
    new_civil_works: Mapped[bool] = mapped_column(default=False)
    high_energy: Mapped[bool] = mapped_column(default=False)
    important_domain: Mapped[bool] = mapped_column(default=False)
    new_data_center: Mapped[bool] = mapped_column(default=False)
    cross_department: Mapped[bool] = mapped_column(default=False)
    framework_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    approved_estimate_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    approved_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)
    approval_doc_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[object] = mapped_column(LocalDateTime())
    updated_at: Mapped[object] = mapped_column(LocalDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # Two FG officers deciding at once: the second UPDATE matches no row and
    # the unit of work turns the StaleDataError into STATE-INVALID (R-0-2).
    __mapper_args__ = {"version_id_col": version}


class Submission(Base):
    """A versioned document set the department submitted for one stage:
    PROPOSAL, FSR, PD, URGENT_PACKAGE or COMBINED_PACKAGE. A return (T32)
    leaves the row RETURNED and the resubmission is the next version_no.

    ``content`` is the JSON the submission schema validated; ``digest`` is
    SHA-256 over its canonical form, the version reviews bind to (R-10-2)."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("project_id", "stage", "version_no", name="uq_submissions_stage_version"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    stage: Mapped[str] = mapped_column(String(24))
    version_no: Mapped[int] = mapped_column(Integer)
    # SUBMITTED → APPROVED / RETURNED / REFUSED.
    status: Mapped[str] = mapped_column(String(16), index=True)
    content: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    total_investment_fen: Mapped[int] = mapped_column(BigInteger)
    estimate_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    catalog_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_by_name: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[object] = mapped_column(LocalDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    return_code: Mapped[str | None] = mapped_column(String(40), nullable=True)


class ProjectCode(Base):
    """The 项目代码 from the provincial online approval platform (R-15-1..3)."""

    __tablename__ = "project_codes"
    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    platform: Mapped[str] = mapped_column(String(32))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[object] = mapped_column(LocalDateTime())


class ResourceCatalog(Base):
    """A version of a project's information resource catalog (§6.4, R-14-9):
    never edited; an approval references the version it read."""

    __tablename__ = "resource_catalogs"
    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unit_id: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[str] = mapped_column(Text)      # JSON: entries and the two mechanisms
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[object] = mapped_column(LocalDateTime())


class TechnicalReview(Base):
    """政务办's technical review of one submission (R-10-2), as review announced it."""

    __tablename__ = "technical_reviews"
    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    review_id: Mapped[str] = mapped_column(String(36))
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)  # None while open
    conditions: Mapped[str | None] = mapped_column(Text, nullable=True)
    conditions_acknowledged_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)
    catalog_exemption: Mapped[bool] = mapped_column(default=False)
    accepted_duplicate_items: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list (R-20-2)
    similar_systems_accepted: Mapped[bool] = mapped_column(default=False)    # R-20-3
    universal_entries: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list
    linkage_none_confirmed: Mapped[bool] = mapped_column(default=False)      # R-13-1
    consolidated_opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    carried_over_from: Mapped[str | None] = mapped_column(String(36), nullable=True)
    event_time: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[object] = mapped_column(LocalDateTime())


class EstimateReview(Base):
    """财政's estimate review of one submission (R-10-3, TH-1), as funds announced it."""

    __tablename__ = "estimate_reviews"
    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    requested_fen: Mapped[int] = mapped_column(BigInteger)
    reviewed_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    status: Mapped[str] = mapped_column(String(16))   # REQUESTED or REVIEWED
    opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_line_items: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON, as 财政 reviewed them
    event_time: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[object] = mapped_column(LocalDateTime())


class SecurityReview(Base):
    """网信's cybersecurity review of one submission's security chapter, as security announced it."""

    __tablename__ = "security_reviews"
    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    conclusion: Mapped[str] = mapped_column(String(24))  # PASS, PASS_WITH_CONDITIONS or FAIL
    opinion: Mapped[str] = mapped_column(Text)
    important_domain: Mapped[bool] = mapped_column(default=False)  # 网信's judgement (R-18-2, A-43)
    event_time: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[object] = mapped_column(LocalDateTime())


class DepthConfirmation(Base):
    """FG's confirmation that an urgent package's preliminary work is deep enough (R-10-6(c))."""

    __tablename__ = "depth_confirmations"
    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    note: Mapped[str] = mapped_column(Text)
    confirmed_by: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[object] = mapped_column(LocalDateTime())


class ApprovalDecision(Base):
    """An approval document (批复) or a 请示 to the municipal government (R-14-3, A-50).
    Its digest is SHA-256 over the canonical decision record, printed on the PDF."""

    __tablename__ = "approval_decisions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    submission_id: Mapped[str] = mapped_column(String(36), index=True)
    stage: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(16))      # APPROVAL or REQUEST (请示)
    doc_no: Mapped[str] = mapped_column(String(64), unique=True)
    record: Mapped[str] = mapped_column(Text)          # JSON: opinions, statuses, estimate, line items
    digest: Mapped[str] = mapped_column(String(64))
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_by_name: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[object] = mapped_column(LocalDateTime())


class NonSharingException(Base):
    """The Leading Group's approval of a system that will not share (R-30-2), as planning announced it
    (NonSharingExceptionApproved). It stands until revoked; FSR approval of a non-sharing project needs it."""

    __tablename__ = "non_sharing_exceptions"
    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    exception_id: Mapped[str] = mapped_column(String(64))
    system_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    basis: Mapped[str | None] = mapped_column(Text, nullable=True)
    event_time: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[object] = mapped_column(LocalDateTime())


# The Art 12 framework's tables share this metadata (migrations, metadata checks).
from . import framework_models  # noqa: E402,F401
