"""What the approval core asks of the Art 12 framework, inside its own transaction.

Each function takes the caller's SQLAlchemy session and answers from
approval's own tables; a project that is in no framework passes every gate
(None). The allocation (R-12-6) and the preliminary data catalog (R-12-7) are
those of the version last determined: while the lead redrafts a determined
framework, entries are blocked again (R-12-5), and what was approved stays
judged by what was determined [I].
"""

from __future__ import annotations

import json

from sqlalchemy import select

from itpm_common.errors import Refusal

from . import framework as rules
from .framework_models import Framework, FrameworkMember, FrameworkVersion


def _membership(session, project_id: str) -> tuple[FrameworkMember, Framework] | None:
    member = session.scalars(select(FrameworkMember).where(FrameworkMember.project_id == project_id)).first()
    if member is None:
        return None
    return member, session.get(Framework, member.framework_id)


def _determined_content(session, framework: Framework) -> dict | None:
    if framework.determined_version_no is None:
        return None
    version = session.get(FrameworkVersion, (framework.id, framework.determined_version_no))
    return json.loads(version.content)


def entry_blocker(session, project_id: str, unit_id: str) -> Refusal | None:
    """R-12-5 at T20/T23/T29/T30: ``unit_id`` is the submitting department.
    A participant submitting the overall project gets AUTH-FORBIDDEN (第十二条);
    any entry before the framework is DETERMINED gets E12-FRAMEWORK-NOT-DETERMINED."""
    found = _membership(session, project_id)
    if found is None:
        return None
    member, fw = found
    return rules.entry_refusal(framework_id=fw.id, status=fw.status, version_no=fw.version_no,
                               project_id=project_id, project_unit_id=member.unit_id, role=member.role,
                               lead_unit_id=fw.lead_unit_id, unit_id=unit_id)


def allocation_blocker(session, project_id: str, unit_id: str, content_codes: list[str]) -> Refusal | None:
    """R-12-6: the project's content codes lie within what the determined framework
    allocates to its department (E12-OUTSIDE-ALLOCATION)."""
    found = _membership(session, project_id)
    if found is None:
        return None
    member, fw = found
    content = _determined_content(session, fw)
    if content is None:
        return rules.not_determined_refusal(fw.id, fw.status, fw.version_no, project_id)
    return rules.outside_allocation_refusal(content, member.unit_id, content_codes, framework_id=fw.id,
                                            version_no=fw.determined_version_no, project_id=project_id)


def catalog_allocation_blocker(session, project_id: str, unit_id: str, catalog: dict) -> Refusal | None:
    """R-12-7: the department's Art 14 catalog (``{"entries": [{"resource_code", "data_items", ...}]}``)
    contains the entries, with their data items, that the preliminary data catalog allocates to it
    (E12-CATALOG-INCONSISTENT)."""
    found = _membership(session, project_id)
    if found is None:
        return None
    member, fw = found
    content = _determined_content(session, fw)
    if content is None:
        return rules.not_determined_refusal(fw.id, fw.status, fw.version_no, project_id)
    return rules.catalog_refusal(content, member.unit_id, catalog, framework_id=fw.id,
                                 version_no=fw.determined_version_no, project_id=project_id)


def framework_of(session, project_id: str) -> dict | None:
    """The framework the project belongs to, for the core's case and events
    (``cross_department``, ``framework_id``), or None."""
    found = _membership(session, project_id)
    if found is None:
        return None
    member, fw = found
    members = session.scalars(select(FrameworkMember).where(FrameworkMember.framework_id == fw.id)).all()
    content = _determined_content(session, fw)
    return {
        "framework_id": fw.id, "title": fw.title, "status": fw.status, "version_no": fw.version_no,
        "determined_version_no": fw.determined_version_no, "lead_unit_id": fw.lead_unit_id,
        "lead_unit_name": fw.lead_unit_name, "overall_project_id": fw.overall_project_id,
        "role": member.role, "unit_id": member.unit_id,
        "participant_unit_ids": sorted(m.unit_id for m in members if m.role == rules.PARTICIPANT),
        "project_ids": sorted(m.project_id for m in members),
        "allocated_codes": rules.allocated_codes(content, member.unit_id) if content else None,
        "catalog_resource_codes": [r["resource_code"] for r in content["data_catalog"]
                                   if r["provider_unit_id"] == member.unit_id] if content else None,
    }
