"""Who may read which project (rules.md §7.2), as pure functions."""

from __future__ import annotations

from sqlalchemy import false, true

from itpm_common.identity import Identity


def may_see(identity: Identity, project_unit_id: str) -> bool:
    """A unit sees its own projects; bureaus, audit and the Leading Group read all."""
    if identity.reads_all:
        return True
    # A unit token without a unit must not match projects whose unit is unknown ("").
    return identity.role == "UNIT" and bool(identity.unit_id) and identity.unit_id == project_unit_id


def visible(identity: Identity, unit_column):
    """``may_see`` as a SQL condition, so a listing never counts what it may not show."""
    if identity.reads_all:
        return true()
    if identity.role == "UNIT" and identity.unit_id:
        return unit_column == identity.unit_id
    return false()
