"""The cross-department framework plan (框架方案, 第十二条) on approval's ``Base``.

A framework has a row of its own and one immutable row per content version;
confirmations name the version they confirm, so an edit resets them without
deleting anything (R-12-4). Members map each department to its project: a
project belongs to at most one framework, which is what the approval gates
look up (R-12-5..R-12-7). The framework holds no budgets (rules.md §7.2).
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from itpm_common.tables import LocalDateTime

from .models import Base


class Framework(Base):
    """A framework and where it stands: DRAFTING or DETERMINED (rules.md §3.2, T90)."""

    __tablename__ = "frameworks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    lead_unit_id: Mapped[str] = mapped_column(String(64), index=True)
    lead_unit_name: Mapped[str] = mapped_column(String(100))
    overall_project_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    # The current content version; every edit adds one (R-12-4).
    version_no: Mapped[int] = mapped_column(Integer)
    # The version last determined: the allocation the gates read (R-12-6, R-12-7).
    determined_version_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Any member project classified: the record is then classified metadata (R-0-3, §7.2).
    classified: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[object] = mapped_column(LocalDateTime())
    updated_at: Mapped[object] = mapped_column(LocalDateTime())
    determined_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    determined_at: Mapped[object | None] = mapped_column(LocalDateTime(), nullable=True)


class FrameworkVersion(Base):
    """One saved version of a framework's content, never edited.

    ``content`` is the validated JSON; ``conflicts`` the overlaps found when
    it was saved (R-12-3: a draft may be saved with them)."""

    __tablename__ = "framework_versions"
    framework_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    content: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    conflicts: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[object] = mapped_column(LocalDateTime())


class FrameworkMember(Base):
    """A department of the current version and its project: the lead with the
    overall project, each participant with its sub-project."""

    __tablename__ = "framework_members"
    framework_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(12))   # LEAD or PARTICIPANT
    project_id: Mapped[str] = mapped_column(String(64), unique=True)


class FrameworkConfirmation(Base):
    """A participant's confirmation of one version (R-12-4, "共同…确定")."""

    __tablename__ = "framework_confirmations"
    framework_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unit_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    confirmed_by: Mapped[str] = mapped_column(String(64))
    confirmed_by_name: Mapped[str] = mapped_column(String(100))
    confirmed_at: Mapped[object] = mapped_column(LocalDateTime())
