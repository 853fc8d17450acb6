"""The one seam between the approval core and the Art 12 framework (rules.md R-12-5..R-12-7).

The core asks three questions, each at one call site:
- ``entry_blocker(session, project_id, unit_id)`` at every approval entry (R-12-5, entrypoints/submissions.py);
- ``allocation_blocker(session, project_id, unit_id, content_items)`` when a cross-department sub-project
  is submitted (R-12-6, entrypoints/submissions.py);
- ``catalog_allocation_blocker(session, project_id, unit_id, catalog)`` when a catalog is submitted and
  before FG approves (R-12-7, entrypoints/catalogs.py, cases.gate_facts).
Each answers a ``Refusal`` or ``None``, and ``None`` for a project in no framework; the answers come from
framework_gate.py, which reads the framework's own tables."""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from . import framework_gate


class FrameworkGate:
    """The core's questions, put to the Art 12 framework."""

    def entry_blocker(self, session, project_id: str, unit_id: str):
        return framework_gate.entry_blocker(session, project_id, unit_id)

    def allocation_blocker(self, session, project_id: str, unit_id: str, content_items: list):
        codes = [item["code"] for item in content_items or []]
        return framework_gate.allocation_blocker(session, project_id, unit_id, codes)

    def catalog_allocation_blocker(self, session, project_id: str, unit_id: str, catalog: dict | None):
        # No catalog at all lacks every entry the preliminary data catalog allocated.
        return framework_gate.catalog_allocation_blocker(session, project_id, unit_id, catalog or {"entries": []})


class FrameworkSeam(DependencyProvider):
    """nameko dependency giving workers ``self.framework``."""

    def __init__(self, gate=None, **kwargs):
        self.gate = gate or FrameworkGate()
        super().__init__(**kwargs)

    def get_dependency(self, worker_ctx):
        return self.gate
