"""How planning's records look to callers and to event consumers."""

from __future__ import annotations

from .models import Project
from .schemas import ProjectSchema

project_out = ProjectSchema()


def summary(project: Project) -> dict:
    """The project facts every planning event carries, so consumers never need to ask."""
    return {"project_id": project.id, "name": project.name, "category": project.category,
            "plan_year": project.plan_year, "unit_id": project.unit_id,
            "unit_name": project.unit_name, "state": project.state, "origin": project.origin,
            "classified": project.classified}
