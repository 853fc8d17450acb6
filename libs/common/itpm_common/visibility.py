"""The base read rule of rules.md §7.2 for records that belong to a unit:
a department sees its own; bureaus, audit and the Leading Group read all.
Anything the caller may not see is answered as absent (NOT-FOUND)."""

from __future__ import annotations

from sqlalchemy import false, true

from .identity import Identity


def may_see(identity: Identity, unit_id: str) -> bool:
    if identity.reads_all:
        return True
    # A unit token without a unit must not match records whose unit is unknown ("").
    return identity.role == "UNIT" and bool(identity.unit_id) and identity.unit_id == unit_id


def visible(identity: Identity, unit_column):
    """``may_see`` as a SQL condition, so a listing never counts what it may not show."""
    if identity.reads_all:
        return true()
    if identity.role == "UNIT" and identity.unit_id:
        return unit_column == identity.unit_id
    return false()
