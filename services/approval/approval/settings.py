"""approval's own configuration (rules.md §10), read once from config.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from nameko.extensions import DependencyProvider

from itpm_common.switches import parse_switch


@dataclass(frozen=True)
class ApprovalSettings:
    # R-9-6 / A-05: a cleared ad-hoc project does not count as plan-listed for Art 10(1).
    adhoc_counts_as_plan_listed: bool = False


class Settings(DependencyProvider):
    """nameko dependency giving workers ``self.settings``."""

    def setup(self):
        self.settings = ApprovalSettings(adhoc_counts_as_plan_listed=parse_switch(
            self.container.config.get("ADHOC_COUNTS_AS_PLAN_LISTED"), False, "ADHOC_COUNTS_AS_PLAN_LISTED"))

    def get_dependency(self, worker_ctx):
        return self.settings
