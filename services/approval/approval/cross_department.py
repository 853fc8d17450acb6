"""The one seam between the approval core and the Art 12 framework (rules.md R-12-5..R-12-7).

The core asks three questions, each at one call site:
- ``entry_blocker(session, project_id, unit_id)`` at every approval entry (R-12-5, entry.py);
- ``allocation_blocker(session, project_id, unit_id, content_items)`` when a cross-department sub-project
  is submitted (R-12-6, entry.py);
- ``catalog_allocation_blocker(session, project_id, unit_id, catalog)`` before FG approves (R-12-7, gates.py).
Each answers a ``Refusal`` or ``None``. ``NoFrameworks`` answers "in no framework" until the framework
module is wired in: ``FrameworkSeam`` is the only place that changes (give it the framework gate)."""

from __future__ import annotations

from nameko.extensions import DependencyProvider


class NoFrameworks:
    """Every project is in no cross-department framework."""

    def entry_blocker(self, session, project_id: str, unit_id: str):
        return None

    def allocation_blocker(self, session, project_id: str, unit_id: str, content_items: list):
        return None

    def catalog_allocation_blocker(self, session, project_id: str, unit_id: str, catalog: dict | None):
        return None


class FrameworkSeam(DependencyProvider):
    """nameko dependency giving workers ``self.framework``."""

    def __init__(self, gate=None, **kwargs):
        self.gate = gate or NoFrameworks()
        super().__init__(**kwargs)

    def get_dependency(self, worker_ctx):
        return self.gate
