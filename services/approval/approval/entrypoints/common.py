"""What several entrypoint mixins share."""

from __future__ import annotations

from itpm_common.errors import not_found

from .. import cases


def own_project(session, ident, project_id: str):
    """A department acts only on its own project; anything else is answered as absent (rules.md §7.2)."""
    row = cases.visible_project(session, ident, project_id)
    if row["unit_id"] != ident.unit_id:
        raise not_found("项目", project_id)
    return row
