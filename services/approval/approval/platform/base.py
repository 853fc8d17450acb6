"""The interface every platform adapter implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PlatformAnswer:
    valid: bool
    reason_zh: str = ""


class ProjectCodePlatform(Protocol):
    name: str

    def verify(self, session, code: str, project: dict) -> PlatformAnswer:
        """Whether ``code`` is a code the platform gave this project (``project``: the project's facts)."""

    def issue(self, session, project: dict, year: int) -> str:
        """A new code for the project, in the 24-character layout."""
