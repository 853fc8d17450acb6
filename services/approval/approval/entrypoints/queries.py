"""Reads of Chapter 3 under rules.md §7.2: the case, its path, submissions, work lists and 批复 records."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from itpm_common.errors import not_found
from itpm_common.schemas import load_or_refuse
from itpm_common.service import query
from itpm_common.visibility import may_see, visible

from .. import cases, decision_rules, entry_path, project_code, stages, submission_rules
from ..models import (
    ApprovalCase,
    ApprovalDecision,
    EstimateReview,
    ProjectCode,
    SecurityReview,
    Submission,
    TechnicalReview,
)
from ..schemas import ApprovalFilterSchema
from ..verdicts import as_list
from ..views import case_out, decision_out, estimate_out, security_out, submission_out, technical_out
from .submissions import _listed

# What FG's decision itself must carry, shown beside the recorded blockers (decision_rules.decision_blockers).
DECISION_INPUTS = {
    "chapter_opinions": "R-14-3", "sharing_and_security_status": "R-14-8", "evaluation_refs": "R-34-3",
    "approved_estimate_not_above_reviewed": "R-10-3"}


class ApprovalQueries:
    def _path(self, s, ident, project_id) -> dict:
        """Tracks open now (each with its refusal), the next stage, and what blocks FG's approval."""
        row = cases.visible_project(s, ident, project_id)
        case = s.get(ApprovalCase, project_id)
        listed = _listed(s, project_id)
        out = {"project_id": project_id, "stage_state": case.stage_state if case else None,
               "track": case.track if case else None, "tracks": {}, "next_stages": [], "blockers": [],
               "decision_inputs": [], "current_submission_id": case.current_submission_id if case else None}
        if case is None or stages.reenters(case.stage_state, case.returned_stage):
            common = submission_rules.not_a_build_project(project_id, row["category"])
            if common is None and case is None:
                path = entry_path.entry_path(project_id, row["state"], row["plan_year"], listed,
                                             self.settings.adhoc_counts_as_plan_listed)
                common = path.refusal
                listed = path.plan_listed
            if common is None and s.get(ProjectCode, project_id) is None:
                common = project_code.missing(project_id)
            if common is None:
                common = self.framework.entry_blocker(s, project_id, row["unit_id"])
            for stage, track in stages.TRACK_OF_ENTRY.items():
                refusal = common
                if refusal is None and stage == stages.FSR and not listed:
                    refusal = submission_rules.path1_blocker(False, {})
                if refusal is None and case is not None and stage == stages.COMBINED_PACKAGE:
                    refusal = stages.combining_again(case.stage_state)
                out["tracks"][track] = {"stage": stage, "open": refusal is None,
                                        "refusal": as_list([refusal])[0] if refusal else None,
                                        # Shown, not yet decided: each path's own conditions apply on submission.
                                        "conditions": {stages.FSR: ["R-10-5"], stages.URGENT_PACKAGE: ["R-10-6"],
                                                       stages.COMBINED_PACKAGE: ["R-10-7"]}.get(stage, [])}
            out["next_stages"] = [t["stage"] for t in out["tracks"].values() if t["open"]]
            return out
        for stage in stages.STAGES:
            if stages.next_submission_blocker(case.stage_state, case.track, case.returned_stage, stage) is None:
                out["next_stages"].append(stage)
        if case.stage_state in stages.AWAITING_FG:
            sub = s.get(Submission, case.current_submission_id)
            facts = cases.gate_facts(s, case, sub, self.framework)
            out["blockers"] = as_list(decision_rules.case_blockers(facts, self.settings.gates))
            if sub.stage in stages.HAS_CHAPTERS:
                out["decision_inputs"].append({"item": "chapter_opinions", "rule": "R-14-3"})
            if sub.stage in stages.FIXES_ESTIMATE:
                out["decision_inputs"] += [{"item": k, "rule": v} for k, v in DECISION_INPUTS.items()
                                           if k != "chapter_opinions"]
            out["estimate_review_required"] = stages.estimate_review_required(sub.estimate_fen)
        return out

    @query
    def get_approval_path(self, project_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            return self._path(s, ident, project_id)

    @query
    def get_approval(self, project_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            case = cases.visible_case(s, ident, project_id)
            subs = s.scalars(select(Submission).where(Submission.project_id == project_id)
                             .order_by(Submission.submitted_at, Submission.stage, Submission.version_no)).all()
            ids = [x.id for x in subs]
            decisions = s.scalars(select(ApprovalDecision).where(ApprovalDecision.project_id == project_id)
                                  .order_by(ApprovalDecision.decided_at)).all()
            code = s.get(ProjectCode, project_id)
            return {**case_out(case), "project_code": code.code if code else None,
                    "submissions": [submission_out(x) for x in subs],
                    "technical_reviews": [technical_out(r) for r in s.scalars(
                        select(TechnicalReview).where(TechnicalReview.submission_id.in_(ids)))],
                    "estimate_reviews": [estimate_out(r) for r in s.scalars(
                        select(EstimateReview).where(EstimateReview.submission_id.in_(ids)))],
                    "security_reviews": [security_out(r) for r in s.scalars(
                        select(SecurityReview).where(SecurityReview.submission_id.in_(ids)))],
                    "decisions": [decision_out(d) for d in decisions],
                    "path": self._path(s, ident, project_id)}

    @query
    def get_submission(self, project_id, submission_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            cases.visible_case(s, ident, project_id)
            sub = s.get(Submission, submission_id)
            if sub is None or sub.project_id != project_id:
                raise not_found("报送材料", submission_id)
            return submission_out(sub, with_content=True)

    @query
    def list_approvals(self, filters=None):
        ident = self.caller.identity()
        f = load_or_refuse(ApprovalFilterSchema(), filters or {})
        q = select(ApprovalCase).where(visible(ident, ApprovalCase.unit_id, ApprovalCase.classified))
        if f["stage_state"]:
            q = q.where(ApprovalCase.stage_state == f["stage_state"])
        if f["awaiting_me"]:
            if ident.role == "FG":
                q = q.where(ApprovalCase.stage_state.in_(stages.AWAITING_FG))
            elif ident.role == "UNIT":
                q = q.where(or_(ApprovalCase.stage_state.in_((stages.RETURNED, stages.PROPOSAL_APPROVED,
                                                              stages.FSR_APPROVED))))
            else:
                q = q.where(ApprovalCase.project_id.is_(None))
        with self.tx.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery()))
            rows = s.scalars(q.order_by(ApprovalCase.updated_at.desc(), ApprovalCase.project_id)
                             .offset((f["page"] - 1) * f["page_size"]).limit(f["page_size"])).all()
            items = []
            for c in rows:
                sub = s.get(Submission, c.current_submission_id) if c.current_submission_id else None
                items.append({**case_out(c), "current_submission": submission_out(sub) if sub else None})
        return {"items": items, "total": total, "page": f["page"], "page_size": f["page_size"]}

    @query
    def get_decision(self, decision_id):
        """The 批复 (or 请示) record and its digest, for the PDF."""
        ident = self.caller.identity()
        with self.tx.read() as s:
            d = s.get(ApprovalDecision, decision_id)
            case = s.get(ApprovalCase, d.project_id) if d else None
            if d is None or case is None or not may_see(ident, case.unit_id, case.classified):
                raise not_found("批复文件", decision_id)
            return decision_out(d)

    @query
    def verify_decision(self, doc_no, digest):
        """Whether a printed digest is the one approval recorded for that document number. Answers only
        yes or no, so it reveals nothing of the document to whoever holds the paper."""
        with self.tx.read() as s:
            d = s.scalars(select(ApprovalDecision).where(ApprovalDecision.doc_no == doc_no)).first()
            ok = d is not None and isinstance(digest, str) and d.digest == digest.strip().lower()
            return {"doc_no": doc_no, "valid": ok}
