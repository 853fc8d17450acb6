"""Art 15: the project code from the provincial online approval platform (R-15-1..R-15-3)."""

from __future__ import annotations

from sqlalchemy import select

from itpm_common.db import serialize_on
from itpm_common.errors import Refusal, not_found, state_invalid
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command, query

from .. import cases, project_code
from ..models import ApprovalCase, ProjectCode
from ..platform import platform_for
from ..schemas import ProjectCodeSchema, RequestCodeSchema
from ..views import code_out
from .common import own_project

ARTICLE = project_code.ARTICLE


class ProjectCodeCommands:
    @command("record_project_code", project_arg="project_id")
    def record_project_code(self, project_id, payload, idempotency_key=None):
        """R-15-1: the department records the code the province gave; R-15-3 format, R-15-2 unique."""
        ident = self.caller.require("UNIT", action_zh="登记项目代码", article=ARTICLE, rule="R-15-1")
        data = load_or_refuse(ProjectCodeSchema(), payload)
        code = data["code"].strip()
        bad = project_code.format_error(code, self.settings.project_code_pattern)
        if bad:
            raise bad
        with self.tx.command(ident, "record_project_code", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            row = own_project(tx.session, ident, project_id)
            platform = platform_for(self.settings.project_code_platform)
            answer = platform.verify(tx.session, code, dict(row))
            if not answer.valid:
                raise Refusal(code="VALIDATION", rule="R-15-3", article=ARTICLE,
                              reason_zh=answer.reason_zh or "省投资项目在线审批监管平台未查到该项目代码",
                              details={"fields": {"code": ["平台未确认该代码"]}})
            tx.result = self._keep_code(tx, ident, row, code, platform.name)
        return tx.result

    @command("request_project_code", project_arg="project_id")
    def request_project_code(self, project_id, payload=None, idempotency_key=None):
        """Art 15 [I]: the platform adapter issues a code for the project (the local platform: in sequence)."""
        ident = self.caller.require("UNIT", action_zh="申请项目代码", article=ARTICLE, rule="R-15-1")
        data = load_or_refuse(RequestCodeSchema(), payload or {})
        with self.tx.command(ident, "request_project_code", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            row = own_project(tx.session, ident, project_id)
            platform = platform_for(self.settings.project_code_platform)
            code = platform.issue(tx.session, dict(row), data["year"] or tx.now.year)
            tx.result = self._keep_code(tx, ident, row, code, platform.name)
        return tx.result

    def _keep_code(self, tx, ident, row, code: str, platform: str) -> dict:
        s = tx.session
        project_id = row["project_id"]
        serialize_on(s, f"project-code:{code}")
        other = s.scalars(select(ProjectCode).where(ProjectCode.code == code)).first()
        if other is not None and other.project_id != project_id:
            raise project_code.in_use(code, other.project_id)
        case = s.get(ApprovalCase, project_id)
        if case is not None and case.stage_state in ("APPROVED", "APPROVAL_REFUSED"):
            raise state_invalid("项目审批已办结，项目代码不再变更", case.stage_state, article=ARTICLE)
        mine = s.get(ProjectCode, project_id)
        if mine is None:
            mine = ProjectCode(project_id=project_id)
            s.add(mine)
        mine.code, mine.platform, mine.recorded_by, mine.recorded_at = code, platform, ident.user_id, tx.now
        s.flush()
        tx.emit("ProjectCodeRecorded", project_id,
                {"project_id": project_id, "unit_id": row["unit_id"], "unit_name": ident.unit_name,
                 "name": row["name"], "classified": bool(row["classified"]), "plan_year": row["plan_year"],
                 "category": row["category"], "code": code, "platform": platform},
                article=ARTICLE, unit_id=row["unit_id"])
        tx.audit("record_project_code", project_id=project_id, article=ARTICLE, rule="R-15-1",
                 details={"code": code, "platform": platform})
        return code_out(mine)

    @query
    def get_project_code(self, project_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            cases.visible_project(s, ident, project_id)
            code = s.get(ProjectCode, project_id)
            if code is None:
                raise not_found("项目代码", project_id)
            return code_out(code)
