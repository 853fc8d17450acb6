"""The public summary of each project, folded from the feed's own events (never from internal data): what an
external system could have worked out by reading the feed from the start."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, replace

from sqlalchemy import select

from itpm_common.events import event_type

from ..models import FeedEntry

_PLAN_TYPES = {event_type("planning", "AnnualPlanApproved"), event_type("planning", "AnnualPlanAmended")}


@dataclass(frozen=True)
class ProjectSummary:
    project_id: str
    name: str | None = None
    unit_id: str | None = None
    unit_name: str | None = None
    plan_year: int | None = None
    category: str | None = None
    last_event_type: str | None = None
    last_event_time: str | None = None
    last_position: int = 0
    approved_estimate_fen: int | None = None


def _facts(data: dict) -> dict:
    return {k: data[k] for k in ("name", "unit_id", "unit_name", "plan_year", "category") if data.get(k) is not None}


def fold(summaries: dict[str, ProjectSummary], event: dict) -> None:
    """Apply one external CloudEvent (with ``feedposition``) to the summaries, in feed order."""
    data = event.get("data") or {}
    last = {"last_event_type": event["type"], "last_event_time": event["time"],
            "last_position": event["feedposition"]}
    if event["type"] in _PLAN_TYPES:
        for item in data.get("items") or []:
            if item.get("project_id"):
                current = summaries.get(item["project_id"]) or ProjectSummary(item["project_id"])
                summaries[item["project_id"]] = replace(current, **_facts({**item, "plan_year": data.get(
                    "plan_year")}), **last)
        return
    project_id = data.get("project_id") or event.get("subject")
    if not project_id:
        return
    current = summaries.get(project_id) or ProjectSummary(project_id)
    extra = {"approved_estimate_fen": data["approved_estimate_fen"]} \
        if data.get("approved_estimate_fen") is not None else {}
    summaries[project_id] = replace(current, **_facts(data), **extra, **last)


class ProjectIndex:
    """Summaries kept up to date by reading only the rows logged since the last look."""

    def __init__(self, session_factory):
        self._session_factory = session_factory
        self._lock = threading.Lock()
        self._position = 0
        self._summaries: dict[str, ProjectSummary] = {}

    def refresh(self) -> None:
        with self._lock, self._session_factory() as session:
            while True:
                rows = list(session.scalars(select(FeedEntry).where(FeedEntry.position > self._position)
                                            .order_by(FeedEntry.position).limit(1000)))
                for row in rows:
                    fold(self._summaries, json.loads(row.body))
                    self._position = row.position
                if len(rows) < 1000:
                    return

    def get(self, project_id: str) -> ProjectSummary | None:
        self.refresh()
        return self._summaries.get(project_id)

    def list(self, unit_id: str | None = None, plan_year: int | None = None) -> list[ProjectSummary]:
        self.refresh()
        return sorted((s for s in self._summaries.values()
                       if (not unit_id or s.unit_id == unit_id) and (not plan_year or s.plan_year == plan_year)),
                      key=lambda s: (s.plan_year or 0, s.unit_id or "", s.project_id))
