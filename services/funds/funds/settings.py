"""funds' own configuration (rules.md §10), read once from config.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from nameko.extensions import DependencyProvider

from .rules import parse_switch


@dataclass(frozen=True)
class FundsSettings:
    # R-9-2 / T11: a confirmation must cover the total investment.
    adhoc_funding_must_cover_total: bool = True


class Settings(DependencyProvider):
    """nameko dependency giving workers ``self.settings``."""

    def setup(self):
        config = self.container.config
        self.settings = FundsSettings(
            adhoc_funding_must_cover_total=parse_switch(config.get("ADHOC_FUNDING_MUST_COVER_TOTAL"), True))

    def get_dependency(self, worker_ctx):
        return self.settings
