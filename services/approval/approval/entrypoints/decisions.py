"""发改's decisions on the current submission (T21, T24, T28, T31, T32, T33; R-10-6(c); R-11-3; A-50).
Only FG decides (R-10-8, 第四条(三))."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from itpm_common.db import serialize_on
from itpm_common.errors import Refusal, state_invalid, validation
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command

from .. import cases, decision_rules, stages
from ..models import ApprovalDecision, DepthConfirmation, EstimateReview, ProjectCode, TechnicalReview
from ..schemas import Art11FlagsSchema, DecisionSchema, DepthSchema, ReasonSchema, RequestSchema, ReturnSchema
from ..verdicts import raise_any
from ..views import decision_out, submission_out

ARTICLE = stages.ARTICLE


# Each kind of document is numbered on a lock of its own, so two decisions never share a number.
_NUMBERING_LOCK = {"APPROVAL": "approval-doc-no", "REQUEST": "approval-request-no"}


def require_fg(caller, action_zh: str, article: str = "第四条", rule: str = "R-10-8"):
    return caller.require("FG", action_zh=action_zh, article=article, rule=rule)


def _next_doc_no(s, kind: str, now) -> str:
    serialize_on(s, f"{_NUMBERING_LOCK[kind]}:{now.year}")
    return cases.next_doc_no(s, kind, now.year)


def _add_document(s, sub, kind: str, doc_no: str, record: dict, ident, now) -> ApprovalDecision:
    """The 批复 or 请示 as issued: its record and the record's digest (verify_decision)."""
    row = ApprovalDecision(id=str(uuid.uuid4()), project_id=sub.project_id, submission_id=sub.id,
                           stage=sub.stage, kind=kind, doc_no=doc_no, record=cases.canonical(record),
                           digest=cases.digest_of(record), decided_by=ident.user_id,
                           decided_by_name=ident.name, decided_at=now)
    s.add(row)
    return row


def _decide(sub, status: str, reason, ident, now) -> None:
    sub.status, sub.decided_by, sub.decided_at = status, ident.user_id, now
    sub.decision_reason = reason


def _decision_facts(case, sub, **more) -> dict:
    """What every decision event says about the project and the submission decided on."""
    return {**cases.facts(case), "submission_id": sub.id, "stage": sub.stage, "version_no": sub.version_no,
            **more}


class DecisionCommands:
    def _decision_tx(self, ident, action: str, project_id, submission_id, payload, idempotency_key):
        return self.tx.command(ident, action, idempotency_key=idempotency_key,
                               request={"project_id": project_id, "submission_id": submission_id,
                                        "payload": payload})

    def _decide_on(self, tx, ident, project_id, submission_id, expected_version):
        case = cases.visible_case(tx.session, ident, project_id)
        cases.check_expected_version(case, expected_version)
        return case, cases.current_submission(tx.session, case, submission_id)

    @command("confirm_depth", project_arg="project_id")
    def confirm_depth(self, project_id, submission_id, payload, idempotency_key=None):
        """R-10-6(c): FG confirms an urgent package's preliminary work is deep enough."""
        ident = require_fg(self.caller, "确认前期工作深度")
        data = load_or_refuse(DepthSchema(), payload)
        with self._decision_tx(ident, "confirm_depth", project_id, submission_id, payload, idempotency_key) as tx:
            if tx.replayed:
                return tx.result
            case, sub = self._decide_on(tx, ident, project_id, submission_id, None)
            if sub.stage != stages.URGENT_PACKAGE:
                raise state_invalid("只有紧急项目合并报送的材料需要确认前期工作深度", case.stage_state,
                                    article=ARTICLE, rule="R-10-6", stage=sub.stage)
            if tx.session.get(DepthConfirmation, sub.id) is not None:
                raise Refusal(code="DUPLICATE", rule="R-10-6", article=ARTICLE,
                              reason_zh="该版本已确认前期工作深度", details={"submission_id": sub.id})
            tx.session.add(DepthConfirmation(submission_id=sub.id, project_id=project_id, note=data["note"],
                                             confirmed_by=ident.user_id, confirmed_at=tx.now))
            case.updated_at = tx.now
            tx.session.flush()
            tx.emit("DepthConfirmed", project_id, {**cases.facts(case), "submission_id": sub.id,
                                                   "version_no": sub.version_no, "note": data["note"]},
                    article=ARTICLE, unit_id=case.unit_id)
            tx.audit("confirm_depth", project_id=project_id, article=ARTICLE, rule="R-10-6",
                     details={"submission_id": sub.id})
            tx.result = {"submission_id": sub.id, "confirmed": True, "note": data["note"]}
        return tx.result

    @command("approve", project_arg="project_id")
    def approve(self, project_id, submission_id, payload, idempotency_key=None):
        """T21/T24/T28/T31: every gate of the stage, then the 批复 record (doc_no, digest)."""
        ident = require_fg(self.caller, "批复项目")
        decision = load_or_refuse(DecisionSchema(), payload)
        decision = json.loads(cases.canonical(decision))
        with self._decision_tx(ident, "approve", project_id, submission_id, payload, idempotency_key) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            case, sub = self._decide_on(tx, ident, project_id, submission_id, decision["expected_version"])
            facts = cases.gate_facts(s, case, sub, self.framework)
            raise_any(decision_rules.case_blockers(facts, self.settings.gates)
                      + decision_rules.decision_blockers(facts, decision))
            self._government_decision_needed(s, case, sub, decision)
            record, line_items = None, []
            approved_fen = None
            if sub.stage in stages.FIXES_ESTIMATE:
                approved_fen = decision_rules.approved_estimate(facts, decision)
                if approved_fen > sub.estimate_fen:
                    raise validation({"approved_estimate_fen": ["批复概算不得高于报送的概算"]})
                estimate = s.get(EstimateReview, sub.id)
                reviewed_items = json.loads(estimate.reviewed_line_items) if estimate and \
                    estimate.reviewed_line_items else None
                line_items = decision_rules.approved_line_items(facts, decision, reviewed_items)
            doc_no = _next_doc_no(s, "APPROVAL", tx.now)
            record = self._record(s, case, sub, decision, facts, doc_no, approved_fen, line_items, tx.now)
            row = _add_document(s, sub, "APPROVAL", doc_no, record, ident, tx.now)
            _decide(sub, "APPROVED", decision.get("opinion"), ident, tx.now)
            case.stage_state, case.updated_at = stages.APPROVED_STATE[sub.stage], tx.now
            if approved_fen is not None:
                case.approved_estimate_fen, case.approved_at, case.approval_doc_no = approved_fen, tx.now, doc_no
            s.flush()   # two FG officers at once: the second flush finds the case's version moved (R-0-2)
            data = _decision_facts(case, sub, doc_no=doc_no, decision_id=row.id,
                                   approved_on=tx.now.date().isoformat(), track=case.track)
            if approved_fen is not None:
                data.update(approved_estimate_fen=approved_fen, line_items=line_items)
            external = stages.APPROVED_EVENT[sub.stage] == "PreliminaryDesignApproved" and not case.classified
            tx.emit(stages.APPROVED_EVENT[sub.stage], project_id, data, article=ARTICLE, unit_id=case.unit_id,
                    external=external)
            tx.audit("approve", project_id=project_id, article=ARTICLE, rule="R-10-8",
                     details={"submission_id": sub.id, "stage": sub.stage, "doc_no": doc_no, "digest": row.digest,
                              "approved_estimate_fen": approved_fen})
            tx.result = {**decision_out(row), "stage_state": case.stage_state}
        return tx.result

    @staticmethod
    def _government_decision_needed(s, case, sub, decision) -> None:
        """A-50: once FG has sent a 请示, the case waits for the municipal government's decision."""
        asked = s.scalars(select(ApprovalDecision.doc_no).where(
            ApprovalDecision.submission_id == sub.id, ApprovalDecision.kind == "REQUEST")).first()
        if asked and not decision.get("government_decision"):
            raise state_invalid(f"已就该事项报送市政府请示（{asked}），须登记市政府的决定后方可批复",
                                case.stage_state, article="第十四条", request_doc_no=asked)

    @staticmethod
    def _record(s, case, sub, decision, facts, doc_no, approved_fen, line_items, now) -> dict:
        """What the 批复 PDF prints; its digest is printed with it (verify_decision)."""
        tech = s.get(TechnicalReview, sub.id)
        estimate = s.get(EstimateReview, sub.id)
        code = s.get(ProjectCode, case.project_id)
        return {
            "doc_no": doc_no, "kind": "APPROVAL", "date": now.date().isoformat(),
            "project": {**cases.facts(case), "origin": case.origin, "track": case.track},
            "project_code": code.code if code else None,
            "stage": sub.stage, "stage_zh": stages.STAGE_ZH[sub.stage], "submission_id": sub.id,
            "version_no": sub.version_no, "submission_digest": sub.digest,
            "total_investment_fen": sub.total_investment_fen,
            "approved_estimate_fen": approved_fen, "line_items": line_items,
            "sharing_chapter_opinion": decision.get("sharing_chapter_opinion"),
            "security_chapter_opinion": decision.get("security_chapter_opinion"),
            "sharing_status": decision.get("sharing_status"), "security_status": decision.get("security_status"),
            "opinion": decision.get("opinion"),
            "technical_review": {"review_id": tech.review_id, "outcome": tech.outcome,
                                 "conditions": tech.conditions} if tech else None,
            "estimate_review": {"requested_fen": estimate.requested_fen, "reviewed_fen": estimate.reviewed_fen,
                                "opinion": estimate.opinion} if estimate and estimate.status == "REVIEWED" else None,
            "catalog_version": sub.catalog_version, "catalog_exempt": facts.catalog_exempt,
            "evaluation_refs": decision.get("evaluation_refs") or [],
            "evaluation_none_available": bool(decision.get("evaluation_none_available")),
            "government_decision": decision.get("government_decision"),
        }

    @command("return_submission", project_arg="project_id")
    def return_submission(self, project_id, submission_id, payload, idempotency_key=None):
        """T32: back to the department with a reason; a combined package may be returned as
        SEPARATE_STAGES_REQUIRED (R-10-7, 视情况)."""
        ident = require_fg(self.caller, "退回报批材料")
        data = load_or_refuse(ReturnSchema(), payload)
        with self._decision_tx(ident, "return_submission", project_id, submission_id, payload, idempotency_key) as tx:
            if tx.replayed:
                return tx.result
            case, sub = self._decide_on(tx, ident, project_id, submission_id, data["expected_version"])
            separate = data["return_code"] == stages.SEPARATE_STAGES_REQUIRED
            if separate and sub.stage != stages.COMBINED_PACKAGE:
                raise validation({"return_code": ["只有合并编报的材料可以要求分阶段报批"]})
            _decide(sub, "RETURNED", data["reason"], ident, tx.now)
            sub.return_code = data["return_code"]
            case.stage_state, case.returned_stage = stages.RETURNED, None if separate else sub.stage
            case.updated_at = tx.now
            tx.session.flush()
            tx.emit("ApprovalReturned", project_id,
                    _decision_facts(case, sub, reason=data["reason"], return_code=data["return_code"]),
                    article=ARTICLE, unit_id=case.unit_id)
            tx.audit("return_submission", project_id=project_id, article=ARTICLE,
                     rule="R-10-7" if separate else "R-10-8",
                     details={"submission_id": sub.id, "reason": data["reason"], "return_code": data["return_code"]})
            tx.result = {**submission_out(sub), "stage_state": case.stage_state}
        return tx.result

    @command("refuse", project_arg="project_id")
    def refuse(self, project_id, submission_id, payload, idempotency_key=None):
        """T33: APPROVAL_REFUSED, terminal; a reason is required."""
        ident = require_fg(self.caller, "作出不予批复决定")
        data = load_or_refuse(ReasonSchema(), payload)
        with self._decision_tx(ident, "refuse", project_id, submission_id, payload, idempotency_key) as tx:
            if tx.replayed:
                return tx.result
            case, sub = self._decide_on(tx, ident, project_id, submission_id, data["expected_version"])
            _decide(sub, "REFUSED", data["reason"], ident, tx.now)
            case.stage_state, case.updated_at = stages.APPROVAL_REFUSED, tx.now
            tx.session.flush()
            tx.emit("ApprovalRefused", project_id, _decision_facts(case, sub, reason=data["reason"]),
                    article=ARTICLE, unit_id=case.unit_id)
            tx.audit("refuse", project_id=project_id, article=ARTICLE, rule="R-10-8",
                     details={"submission_id": sub.id, "reason": data["reason"]})
            tx.result = {**submission_out(sub), "stage_state": case.stage_state}
        return tx.result

    @command("record_government_request", project_arg="project_id")
    def record_government_request(self, project_id, submission_id, payload, idempotency_key=None):
        """A-50: FG reports to the municipal government instead of deciding; the 请示 carries the chapter
        opinions (R-14-3) and the case waits in its *_SUBMITTED state."""
        ident = require_fg(self.caller, "登记报送市政府的请示")
        data = load_or_refuse(RequestSchema(), payload)
        with self._decision_tx(ident, "record_government_request", project_id, submission_id, payload,
                               idempotency_key) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            case, sub = self._decide_on(tx, ident, project_id, submission_id, data["expected_version"])
            raise_any(decision_rules.opinion_blockers(data))
            doc_no = _next_doc_no(s, "REQUEST", tx.now)
            record = {"doc_no": doc_no, "kind": "REQUEST", "date": tx.now.date().isoformat(),
                      "project": cases.facts(case), "stage": sub.stage, "submission_id": sub.id,
                      "version_no": sub.version_no, "subject": data["subject"],
                      "sharing_chapter_opinion": data["sharing_chapter_opinion"],
                      "security_chapter_opinion": data["security_chapter_opinion"]}
            row = _add_document(s, sub, "REQUEST", doc_no, record, ident, tx.now)
            case.updated_at = tx.now
            s.flush()
            tx.emit("GovernmentRequestRecorded", project_id,
                    {**cases.facts(case), "submission_id": sub.id, "stage": sub.stage, "doc_no": doc_no,
                     "decision_id": row.id}, article="第十四条", unit_id=case.unit_id)
            tx.audit("record_government_request", project_id=project_id, article="第十四条", rule="R-14-3",
                     details={"submission_id": sub.id, "doc_no": doc_no})
            tx.result = decision_out(row)
        return tx.result

    @command("set_art11_flags", project_arg="project_id")
    def set_art11_flags(self, project_id, payload, idempotency_key=None):
        """R-11-3: FG sets (or clears) 新增土建 / 高耗能 during review; pending approvals then need R-11-2."""
        ident = require_fg(self.caller, "认定第十一条情形", article="第十一条", rule="R-11-3")
        data = load_or_refuse(Art11FlagsSchema(), payload)
        with self.tx.command(ident, "set_art11_flags", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            case = cases.visible_case(tx.session, ident, project_id)
            if case.stage_state in (stages.APPROVED, stages.APPROVAL_REFUSED):
                raise state_invalid("项目审批已办结", case.stage_state, article="第十一条", rule="R-11-3")
            for key in ("new_civil_works", "high_energy"):
                if data[key] is not None:
                    setattr(case, key, data[key])
            case.updated_at = tx.now
            tx.session.flush()
            out = {"new_civil_works": case.new_civil_works, "high_energy": case.high_energy}
            tx.emit("Art11FlagsChanged", project_id, {**cases.facts(case), **out, "reason": data["reason"],
                                                      "set_by": "FG"}, article="第十一条", unit_id=case.unit_id)
            tx.audit("set_art11_flags", project_id=project_id, article="第十一条", rule="R-11-3",
                     details={**out, "reason": data["reason"]})
            tx.result = {"project_id": project_id, **out}
        return tx.result


