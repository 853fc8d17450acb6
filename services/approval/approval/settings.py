"""approval's own configuration (rules.md §10), read once from config.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nameko.extensions import DependencyProvider

from itpm_common.switches import parse_switch

from . import decision_rules, project_code
from .platform import ADAPTERS


@dataclass(frozen=True)
class ApprovalSettings:
    # R-9-6 / A-05: a cleared ad-hoc project does not count as plan-listed for Art 10(1).
    adhoc_counts_as_plan_listed: bool = False
    # R-10-2 / A-09: 政务办's technical review before FG approves a PD (on) and a proposal (off).
    tech_review_required_for_pd: bool = True
    tech_review_required_for_proposal: bool = False
    # R-14-4: the information resource catalog before FG approves a PD.
    catalog_required_for_pd: bool = True
    # R-15-3: the project code's format.
    project_code_pattern: str = project_code.DEFAULT_PATTERN
    # Art 15: which provincial-platform adapter answers (approval.platform.ADAPTERS).
    project_code_platform: str = "LOCAL"

    @property
    def gates(self) -> decision_rules.Settings:
        return decision_rules.Settings(self.tech_review_required_for_pd, self.tech_review_required_for_proposal,
                                       self.catalog_required_for_pd)


def settings_from_config(config) -> ApprovalSettings:
    def switch(key, default):
        return parse_switch(config.get(key), default, key)

    pattern = config.get("PROJECT_CODE_PATTERN") or project_code.DEFAULT_PATTERN
    re.compile(pattern)  # a broken pattern stops the service instead of refusing every code
    platform = config.get("PROJECT_CODE_PLATFORM") or "LOCAL"
    if platform not in ADAPTERS:
        raise ValueError(f"PROJECT_CODE_PLATFORM must be one of {sorted(ADAPTERS)}, got {platform!r}")
    return ApprovalSettings(
        adhoc_counts_as_plan_listed=switch("ADHOC_COUNTS_AS_PLAN_LISTED", False),
        tech_review_required_for_pd=switch("TECH_REVIEW_REQUIRED_FOR_PD", True),
        tech_review_required_for_proposal=switch("TECH_REVIEW_REQUIRED_FOR_PROPOSAL", False),
        catalog_required_for_pd=switch("CATALOG_REQUIRED_FOR_PD", True),
        project_code_pattern=pattern, project_code_platform=platform)


class Settings(DependencyProvider):
    """nameko dependency giving workers ``self.settings``."""

    def setup(self):
        self.settings = settings_from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings
