"""The base read rule of rules.md §7.2 for records that belong to a unit.

- a department (UNIT) sees its own;
- 政务办, 发改, 财政, 网信 and 工信 read every project;
- 审计 reads everything that is not classified;
- the secrecy administration (BM) reads the metadata of classified projects only;
- anyone else reads nothing here (the Leading Group's view is the plan, not the projects).

Anything the caller may not see is answered as absent (NOT-FOUND).
"""

from __future__ import annotations

from sqlalchemy import false, true

from .identity import Identity

AUDIT_ROLE = "SJ"
SECRECY_ROLE = "BM"


def may_see(identity: Identity, unit_id: str, classified: bool = False) -> bool:
    if identity.role == AUDIT_ROLE:
        return not classified
    if identity.role == SECRECY_ROLE:
        return bool(classified)
    if identity.reads_all:
        return True
    # A unit token without a unit must not match records whose unit is unknown ("").
    return identity.role == "UNIT" and bool(identity.unit_id) and identity.unit_id == unit_id


def visible(identity: Identity, unit_column, classified_column=None):
    """``may_see`` as a SQL condition, so a listing never counts what it may not show.
    Without a classified column every record counts as not classified."""
    if identity.role == AUDIT_ROLE:
        return true() if classified_column is None else classified_column.is_(False)
    if identity.role == SECRECY_ROLE:
        return false() if classified_column is None else classified_column.is_(True)
    if identity.reads_all:
        return true()
    if identity.role == "UNIT" and identity.unit_id:
        return unit_column == identity.unit_id
    return false()
