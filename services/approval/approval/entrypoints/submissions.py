"""The department's submissions: the entries T20, T23, T29, T30, the next stages T22 and T25, and the
resubmission after a return (T32); also its acknowledgement of review conditions (R-10-2)."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from itpm_common.db import serialize_on
from itpm_common.errors import not_found, state_invalid, validation
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command

from .. import cases, entry_path, project_code, stages, submission_rules
from ..listing import LISTED
from ..models import ApprovalCase, PlanListing, ProjectCode, Submission, TechnicalReview
from ..schemas import SubmissionSchema
from ..verdicts import raise_any
from ..views import submission_out
from .common import own_project

ARTICLE = stages.ARTICLE


def _listed(session, project_id: str) -> bool:
    return session.scalars(select(PlanListing).where(
        PlanListing.project_id == project_id, PlanListing.status == LISTED)).first() is not None


class SubmissionCommands:
    @command("submit_stage", project_arg="project_id")
    def submit_stage(self, project_id, stage, payload, idempotency_key=None):
        """Submit a stage's document set; the first submission is the entry and decides the track."""
        ident = self.caller.require("UNIT", action_zh="报送项目审批材料", article=ARTICLE, rule="R-10-8")
        if stage not in stages.STAGES:
            raise validation({"stage": [f"取值必须是以下之一：{', '.join(stages.STAGES)}"]})
        content = load_or_refuse(SubmissionSchema(), payload)
        content = json.loads(cases.canonical(content))
        with self.tx.command(ident, "submit_stage", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "stage": stage, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            row = own_project(s, ident, project_id)
            serialize_on(s, f"approval-case:{project_id}")
            case = s.get(ApprovalCase, project_id)
            state = case.stage_state if case else None
            returned_stage = case.returned_stage if case else None
            origin, plan_listed = (case.origin if case else None), _listed(s, project_id)
            if stages.reenters(state, returned_stage):
                origin, plan_listed = self._entry_checks(s, row, case, stage, content)
            else:
                blocker = stages.next_submission_blocker(state, case.track, returned_stage, stage)
                if blocker:
                    raise blocker
            # Holds (SUSPENDED, R-30-5, R-32-4(a)) block new submissions [I, §3.4]: their facts are recorded by
            # later chapters; their check belongs here, beside the entry checks.
            for error in (submission_rules.documents_error(stage, content),
                          submission_rules.estimate_error(stage, content)):
                if error:
                    raise error
            flags = self._flags(row, case, content)
            raise_any(submission_rules.cross_level_blockers(content)
                      + submission_rules.content_blockers(stage, content, flags))
            blocker = self.framework.allocation_blocker(s, project_id, row["unit_id"], content["content_items"])
            if blocker is not None:
                raise blocker
            catalog_no = self._catalog_reference(s, project_id, content)
            digest = cases.digest_of(content)
            dup_flags = []
            if stage in stages.HAS_FSR_CONTENT:
                dup_flags = submission_rules.duplicate_collection_flags(
                    content, cases.shareable_rows(s, row["unit_id"]))
            stored = {**content, "duplicate_collection_flags": dup_flags}
            estimate_fen = content["estimate"]["total_fen"] if stage in stages.HAS_PD_CONTENT else None

            version_no = cases.next_version_no(s, project_id, stage)
            if case is None:
                case = ApprovalCase(project_id=project_id, unit_id=row["unit_id"], unit_name=ident.unit_name,
                                    project_name=row["name"] or "", classified=bool(row["classified"]),
                                    origin=origin, plan_year=row["plan_year"], track=stages.TRACK_OF_ENTRY[stage],
                                    stage_state=stages.SUBMITTED_STATE[stage], created_at=tx.now,
                                    updated_at=tx.now)
                s.add(case)
            if stages.reenters(state, returned_stage):
                case.track = stages.TRACK_OF_ENTRY[stage]
            for key, value in flags.items():
                if key != "classified":
                    setattr(case, key, value)
            sub = Submission(id=str(uuid.uuid4()), project_id=project_id, stage=stage,
                             version_no=version_no, status="SUBMITTED",
                             content=cases.canonical(stored), digest=digest,
                             total_investment_fen=content["total_investment_fen"], estimate_fen=estimate_fen,
                             catalog_version=catalog_no, submitted_by=ident.user_id,
                             submitted_by_name=ident.name, submitted_at=tx.now)
            s.add(sub)
            case.stage_state, case.returned_stage = stages.SUBMITTED_STATE[stage], None
            case.current_submission_id, case.updated_at = sub.id, tx.now
            s.flush()
            self._emit_submitted(tx, case, sub, stored, plan_listed)
            tx.result = {**submission_out(sub), "stage_state": case.stage_state, "track": case.track,
                         "estimate_review_required": stages.estimate_review_required(estimate_fen),
                         "duplicate_collection_flags": dup_flags}
        return tx.result

    # ---------------------------------------------------------------- helpers

    def _entry_checks(self, s, row, case, stage: str, content: dict) -> tuple[str, bool]:
        """T20/T23/T29/T30: the checks every entry passes, then the chosen path's own (R-10-5..R-10-7)."""
        project_id = row["project_id"]
        blocker = submission_rules.not_a_build_project(project_id, row["category"])
        if blocker:
            raise blocker
        if case is None:
            path = entry_path.entry_path(project_id, row["state"], row["plan_year"], _listed(s, project_id),
                                         self.settings.adhoc_counts_as_plan_listed)
            if not path.may_enter:
                raise path.refusal
            origin, plan_listed = path.path, path.plan_listed
        else:
            # Back from a combined package FG wanted in separate stages (R-10-7): the case keeps its origin.
            origin = case.origin
            plan_listed = origin == "PLAN" or (_listed(s, project_id) or self.settings.adhoc_counts_as_plan_listed)
            if stage == stages.COMBINED_PACKAGE:
                raise stages.combining_again(case.stage_state)
        if s.get(ProjectCode, project_id) is None:
            raise project_code.missing(project_id)
        blocker = self.framework.entry_blocker(s, project_id, row["unit_id"])
        if blocker is not None:
            raise blocker
        if stage == stages.PD:
            raise stages.fsr_required(None)
        if stage == stages.FSR:
            blocker = submission_rules.path1_blocker(plan_listed, content)
            if blocker:
                raise blocker
        elif stage == stages.URGENT_PACKAGE:
            raise_any(submission_rules.path2_blockers(content))
        elif stage == stages.COMBINED_PACKAGE:
            blocker = submission_rules.path3_blocker(content["total_investment_fen"])
            if blocker:
                raise blocker
        return origin, plan_listed

    @staticmethod
    def _flags(row, case, content: dict) -> dict:
        """The department's declaration; a flag FG (R-11-3) or 网信 (R-18-2) set stays set."""
        kept = cases.flags(case) if case else {}
        out = {"classified": bool(row["classified"])}
        for key in ("important_domain", "new_civil_works", "high_energy"):
            out[key] = bool(content[key] or kept.get(key))
        out["new_data_center"] = bool(content["new_data_center"])
        out["cross_department"] = bool(content["cross_department"])
        return out

    @staticmethod
    def _catalog_reference(s, project_id: str, content: dict) -> int | None:
        """R-14-9: the submission references a catalog version (the latest one unless it names another)."""
        if content["catalog_version"] is None:
            latest = cases.latest_catalog(s, project_id)
            return latest.version_no if latest else None
        if cases.catalog_version(s, project_id, content["catalog_version"]) is None:
            raise validation({"catalog_version": ["该版本的信息资源目录不存在"]})
        return content["catalog_version"]

    def _emit_submitted(self, tx, case, sub, content: dict, plan_listed: bool) -> None:
        facts = cases.facts(case)
        line_items = content["estimate"]["line_items"] if sub.stage in stages.HAS_PD_CONTENT else []
        cl = content.get("cross_level")
        data = {**facts, "submission_id": sub.id, "stage": sub.stage, "version_no": sub.version_no,
                "digest": sub.digest, "track": case.track, "origin": case.origin, "plan_listed": plan_listed,
                "total_investment_fen": sub.total_investment_fen, "estimate_fen": sub.estimate_fen,
                "line_items": line_items, "catalog_version": sub.catalog_version,
                "estimate_review_required": stages.estimate_review_required(sub.estimate_fen),
                "security_chapter": content.get("security_chapter") if sub.stage in stages.HAS_CHAPTERS else None,
                "important_domain": case.important_domain, "new_civil_works": case.new_civil_works,
                "high_energy": case.high_energy, "cross_department": case.cross_department,
                "cross_level": bool(cl), "duplicate_collection_flags": content["duplicate_collection_flags"],
                "similar_systems": content.get("similar_systems") or [],
                "linkage_none": bool(cl and cl.get("linkage_none") and not cl.get("linkages"))}
        tx.emit(stages.SUBMITTED_EVENT[sub.stage], case.project_id, data, article=ARTICLE, unit_id=case.unit_id)
        if cl:
            tx.emit("CrossLevelLinkageDeclared", case.project_id,
                    {**facts, "submission_id": sub.id, "levels": cl["levels"], "linkages": cl["linkages"],
                     "linkage_none": data["linkage_none"]}, article="第十三条", unit_id=case.unit_id)
        if content["duplicate_collection_flags"]:
            tx.emit("DuplicateCollectionFlagged", case.project_id,
                    {**facts, "submission_id": sub.id, "flags": content["duplicate_collection_flags"]},
                    article="第二十条", unit_id=case.unit_id)
        tx.audit("submit_stage", project_id=case.project_id, article=ARTICLE, rule="R-10-4",
                 details={"submission_id": sub.id, "stage": sub.stage, "version_no": sub.version_no,
                          "track": case.track, "digest": sub.digest})

    @command("acknowledge_conditions", project_arg="project_id")
    def acknowledge_conditions(self, project_id, submission_id, idempotency_key=None):
        """R-10-2 [I]: the department acknowledges the conditions of a PASS_WITH_CONDITIONS review."""
        ident = self.caller.require("UNIT", action_zh="确认审核意见所附条件", article=ARTICLE, rule="R-10-2")
        with self.tx.command(ident, "acknowledge_conditions", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "submission_id": submission_id}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            own_project(s, ident, project_id)
            review = s.get(TechnicalReview, submission_id)
            if review is None or review.project_id != project_id:
                raise not_found("审核意见", submission_id)
            if review.outcome != "PASS_WITH_CONDITIONS" or review.conditions_acknowledged_at is not None:
                raise state_invalid("该审核意见没有待确认的附加条件", review.outcome or "OPEN", article=ARTICLE,
                                    rule="R-10-2")
            review.conditions_acknowledged_at = tx.now
            tx.audit("acknowledge_conditions", project_id=project_id, article=ARTICLE, rule="R-10-2",
                     details={"submission_id": submission_id, "review_id": review.review_id})
            tx.result = {"submission_id": submission_id, "review_id": review.review_id,
                         "conditions": review.conditions, "acknowledged_at": tx.now.isoformat()}
        return tx.result
