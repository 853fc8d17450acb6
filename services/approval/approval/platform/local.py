"""The platform as approval's own database: codes are issued in sequence per year and kept in
``project_codes``. [I] Without the province every well-formed 连云港 code is accepted as issued; the
province's adapter answers from the province instead."""

from __future__ import annotations

from sqlalchemy import select

from itpm_common.db import serialize_on

from ..models import ProjectCode
from .base import PlatformAnswer

# 3207 00: 连云港市本级; 65: 软件和信息技术服务业; 01: 审批类 (the national layout's type field).
REGION, INDUSTRY, KIND = "320700", "65", "01"


class LocalPlatform:
    name = "LOCAL"

    def verify(self, session, code: str, project: dict) -> PlatformAnswer:
        return PlatformAnswer(True)

    def issue(self, session, project: dict, year: int) -> str:
        prefix = f"{year}-{REGION}-{INDUSTRY}-{KIND}-"
        # Two requests in one year must not take the same serial.
        serialize_on(session, f"project-code-serial:{year}")
        taken = session.scalars(select(ProjectCode.code).where(ProjectCode.code.like(f"{prefix}%"))).all()
        serial = max((int(c[len(prefix):]) for c in taken), default=0) + 1
        return f"{prefix}{serial:06d}"
