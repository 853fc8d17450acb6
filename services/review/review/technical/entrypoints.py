"""政务办's technical review (第十条 "经市政务服务管理部门牵头组织审核", R-10-2, A-09):
a mixin of ReviewService's entrypoints. The review is of one submission,
the exact version approval announced, and its conclusion is about that
version only; a newer version needs its own review or a carry-over."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import exists, select, update

from itpm_common.errors import Refusal, not_found, state_invalid, validation
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command, query
from itpm_common.visibility import may_see, visible

from ..models import TechnicalOpinion, TechnicalReview, TechnicalSubmission
from ..rules import BUREAU_NAMES, BUREAUS
from ..views import iso
from . import rules, store, views
from .rules import ARTICLE, CONCLUDED, IN_REVIEW, OPEN, PENDING, STAGE_ZH, SUPERSEDED, WORK_LIST
from .schemas import (
    CarryOverSchema,
    OpenTechnicalSchema,
    TechnicalConclusionSchema,
    TechnicalFilterSchema,
    TechnicalOpinionSchema,
)

_submissions = TechnicalSubmission.__table__
_reviews = TechnicalReview.__table__


def _version_zh(sub: TechnicalSubmission) -> str:
    return f"{STAGE_ZH.get(sub.stage, sub.stage)}第 {sub.version_no} 版"


def not_under_review(sub: TechnicalSubmission, review: TechnicalReview | None, action_zh: str) -> Refusal:
    """Why ``action_zh`` cannot be done on this version: not opened yet, already
    concluded, replaced by a newer version (A-09) or decided by 发改 first."""
    details = {"submission_id": sub.submission_id, "stage": sub.stage, "version_no": sub.version_no,
               "review_id": review.id if review else None}
    if sub.status == PENDING:
        reason = f"{_version_zh(sub)}的技术审核尚未开启，不能{action_zh}"
    elif sub.status == IN_REVIEW:
        reason = f"{_version_zh(sub)}的技术审核已经开启"
    elif sub.status == CONCLUDED:
        reason = f"{_version_zh(sub)}的技术审核已作出结论，不能{action_zh}"
    elif sub.status == SUPERSEDED:
        reason = f"{_version_zh(sub)}{sub.closed_reason or '已由新版本取代'}，技术审核针对新版本进行，不能{action_zh}"
        return state_invalid(reason, sub.status, rule="R-10-2", article=ARTICLE, **details)
    else:
        reason = f"{sub.closed_reason or '发改部门已对该版本作出决定'}，不能{action_zh}"
    return state_invalid(reason, sub.status, article=ARTICLE, **details)


def check_digest(sub: TechnicalSubmission, digest: str | None) -> None:
    """The official acts on the version they read: another digest means another document."""
    if digest is not None and digest != sub.digest:
        raise state_invalid(f"所审材料的摘要与{_version_zh(sub)}不一致，本次操作未生效；请核对版本后重试",
                            sub.status, rule="R-10-2", article=ARTICLE, submission_id=sub.submission_id,
                            expected_digest=digest, digest=sub.digest)


def check_expected(review: TechnicalReview, expected: int | None) -> None:
    if expected is not None and expected != review.version:
        raise state_invalid(f"技术审核在版本 {expected} 之后已有变化（现为版本 {review.version}），本次决定未生效；"
                            "请刷新后重试", review.status, rule="R-0-2", article=ARTICLE,
                            expected_version=expected, current_version=review.version)


def _claim(tx, sub: TechnicalSubmission, from_status: str, to_status: str) -> None:
    """Move the submission on under the row lock the UPDATE takes: of two
    officials acting at once, the second matches no row (R-0-2)."""
    moved = tx.session.execute(update(_submissions).where(
        _submissions.c.submission_id == sub.submission_id, _submissions.c.status == from_status)
        .values(status=to_status, updated_at=tx.now)).rowcount
    if not moved:
        raise state_invalid(f"{_version_zh(sub)}已被他人同时处理或已有新的情况，本次操作未生效；请刷新后查看",
                            from_status, rule="R-0-2", article=ARTICLE, submission_id=sub.submission_id)
    tx.session.expire(sub)


class TechnicalReviewCommands:
    # ------------------------------------------------------------ helpers

    def _technical_submission(self, session, ident, project_id: str, submission_id: str) -> TechnicalSubmission:
        sub = store.submission(session, project_id, submission_id)
        if sub is None or not may_see(ident, sub.unit_id, sub.classified):
            raise not_found("技术审核材料", submission_id)
        return sub

    def _open_technical(self, session, sub: TechnicalSubmission, action_zh: str) -> TechnicalReview:
        review = store.review_of(session, sub.submission_id)
        if review is not None and review.status == OPEN and sub.status == IN_REVIEW:
            return review
        raise not_under_review(sub, review, action_zh)

    def _technical_answer(self, session, sub: TechnicalSubmission, review=None, opinions=None) -> dict:
        review = review if review is not None else store.review_of(session, sub.submission_id)
        if review is not None and opinions is None:
            opinions = store.opinions(session, review.id)
        return views.answer(sub, review, opinions or [], store.carry_over_source(session, sub))

    def _emit_opened(self, tx, sub: TechnicalSubmission, review: TechnicalReview) -> None:
        tx.emit("TechnicalReviewOpened", sub.project_id,
                {**store.facts(sub), "review_id": review.id, "submission_id": sub.submission_id,
                 "stage": sub.stage, "version_no": sub.version_no, "digest": sub.digest},
                article=ARTICLE, unit_id=sub.unit_id)

    def _emit_concluded(self, tx, sub: TechnicalSubmission, review: TechnicalReview) -> None:
        tx.emit("TechnicalReviewConcluded", sub.project_id,
                {**store.facts(sub), "review_id": review.id, "submission_id": sub.submission_id,
                 "stage": sub.stage, "version_no": sub.version_no, "digest": review.digest,
                 "outcome": review.outcome, "consolidated_opinion": review.consolidated_opinion,
                 "conditions": review.conditions, **views.judgements(review),
                 "carried_over_from": review.carried_over_from},
                article=ARTICLE, unit_id=sub.unit_id)

    def _new_review(self, tx, ident, sub: TechnicalSubmission) -> TechnicalReview:
        review = TechnicalReview(
            id=str(uuid.uuid4()), submission_id=sub.submission_id, project_id=sub.project_id,
            unit_id=sub.unit_id, classified=sub.classified, stage=sub.stage, version_no=sub.version_no,
            digest=sub.digest, status=OPEN, opened_by=ident.user_id, opened_by_name=ident.name,
            opened_at=tx.now, updated_at=tx.now, catalog_exemption=False, accepted_duplicate_items="[]",
            similar_systems_accepted=False, universal_entries="[]", linkage_none_confirmed=False)
        tx.session.add(review)
        return review

    # ------------------------------------------------------------ reads

    @query
    def get_technical_review(self, project_id, submission_id=None):
        """A submission (the project's latest without ``submission_id``), its
        technical review if any, and the earlier conclusion a carry-over would take."""
        ident = self.caller.identity()
        with self.tx.read() as s:
            sub = (store.submission(s, project_id, submission_id) if submission_id
                   else store.latest_submission(s, project_id))
            if sub is None or not may_see(ident, sub.unit_id, sub.classified):
                raise not_found("技术审核", submission_id or project_id)
            return self._technical_answer(s, sub)

    @query
    def list_technical_pending(self, filters=None):
        """政务办's work list: versions waiting for the review to open or under
        review. ``awaiting_me`` narrows it to 政务办's own (all of it) or, for a
        bureau, the open reviews still without its opinion."""
        ident = self.caller.identity()
        f = load_or_refuse(TechnicalFilterSchema(), filters or {})
        q = select(TechnicalSubmission).where(TechnicalSubmission.status.in_(WORK_LIST),
                                              visible(ident, TechnicalSubmission.unit_id,
                                                      TechnicalSubmission.classified))
        for key in ("stage", "status", "project_id"):
            if f[key] is not None:
                q = q.where(getattr(TechnicalSubmission, key) == f[key])
        if f["awaiting_me"]:
            if ident.role in BUREAUS:
                mine = exists().where(TechnicalOpinion.review_id == TechnicalReview.id,
                                      TechnicalOpinion.bureau == ident.role)
                open_without_mine = select(TechnicalReview.submission_id).where(TechnicalReview.status == OPEN,
                                                                                ~mine)
                q = q.where(TechnicalSubmission.status == IN_REVIEW,
                            TechnicalSubmission.submission_id.in_(open_without_mine))
            elif ident.role != "ZWB":
                return {"items": [], "total": 0}
        items = []
        with self.tx.read() as s:
            for sub in s.scalars(q.order_by(TechnicalSubmission.submitted_at, TechnicalSubmission.seq)):
                review = store.review_of(s, sub.submission_id)
                recorded = {o.bureau for o in store.opinions(s, review.id)} if review else set()
                items.append(views.work_item(sub, review, recorded, store.carry_over_source(s, sub)))
        return {"items": items, "total": len(items)}

    # ------------------------------------------------------------ commands

    @command("open_technical_review", project_arg="project_id")
    def open_technical_review(self, project_id, payload, idempotency_key=None):
        """政务办 opens the technical review of one submitted version (R-10-2)."""
        ident = self.caller.require("ZWB", action_zh="开启技术审核", article=ARTICLE)
        p = load_or_refuse(OpenTechnicalSchema(), payload or {})
        with self.tx.command(ident, "open_technical_review", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            sub = self._technical_submission(s, ident, project_id, p["submission_id"])
            check_digest(sub, p["digest"])
            if sub.status != PENDING:
                raise not_under_review(sub, store.review_of(s, sub.submission_id), "开启技术审核")
            _claim(tx, sub, PENDING, IN_REVIEW)
            review = self._new_review(tx, ident, sub)
            s.flush()
            self._emit_opened(tx, sub, review)
            tx.audit("open_technical_review", project_id=sub.project_id, article=ARTICLE, rule="R-10-2",
                     details={"review_id": review.id, "submission_id": sub.submission_id, "stage": sub.stage,
                              "version_no": sub.version_no, "digest": sub.digest, "note": p["note"]})
            tx.result = self._technical_answer(s, sub, review, [])
        return tx.result

    @command("record_technical_opinion", project_arg="project_id")
    def record_technical_opinion(self, project_id, payload, idempotency_key=None):
        """A bureau's opinion on the version under review: input to 政务办's
        judgement, once per bureau, never a precondition of the conclusion."""
        ident = self.caller.require(*BUREAUS, action_zh="录入技术审核意见", article="第四条")
        o = load_or_refuse(TechnicalOpinionSchema(), payload)
        bureau = ident.role
        with self.tx.command(ident, "record_technical_opinion", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            sub = self._technical_submission(s, ident, project_id, o["submission_id"])
            review = self._open_technical(s, sub, "录入技术审核意见")
            # Bureaus give opinions independently, so an opinion bumps the
            # version without comparing it: two bureaus never collide, yet a
            # conclusion drawn on the version before this opinion is stale (R-0-2).
            bumped = s.execute(update(_reviews).where(_reviews.c.id == review.id, _reviews.c.status == OPEN)
                               .values(version=_reviews.c.version + 1, updated_at=tx.now)).rowcount
            if not bumped:
                raise state_invalid("技术审核已办结，不能再录入意见", CONCLUDED, article=ARTICLE, review_id=review.id)
            earlier = s.scalar(select(TechnicalOpinion.recorded_at).where(
                TechnicalOpinion.review_id == review.id, TechnicalOpinion.bureau == bureau))
            if earlier is not None:
                raise Refusal(code="DUPLICATE", rule="R-0-1", article=ARTICLE,
                              reason_zh=f"{BUREAU_NAMES[bureau]}已录入{_version_zh(sub)}的技术审核意见，不得重复录入",
                              details={"bureau": bureau, "review_id": review.id, "recorded_at": iso(earlier)})
            s.add(TechnicalOpinion(review_id=review.id, bureau=bureau, verdict=o["verdict"],
                                   opinion=o["opinion"].strip(), conditions=(o["conditions"] or "").strip() or None,
                                   recorded_by=ident.user_id, recorded_by_name=ident.name, recorded_at=tx.now))
            s.flush()
            s.refresh(review)
            tx.emit("TechnicalReviewOpinionRecorded", sub.project_id,
                    {**store.facts(sub), "review_id": review.id, "bureau": bureau, "verdict": o["verdict"]},
                    article=ARTICLE, unit_id=sub.unit_id)
            tx.audit("record_technical_opinion", project_id=sub.project_id, article=ARTICLE,
                     details={"review_id": review.id, "submission_id": sub.submission_id, "bureau": bureau,
                              "verdict": o["verdict"]})
            tx.result = self._technical_answer(s, sub, review)
        return tx.result

    @command("conclude_technical_review", project_arg="project_id")
    def conclude_technical_review(self, project_id, payload, idempotency_key=None):
        """政务办's conclusion on the version under review (R-10-2), with its
        judgements on what that version raised (A-11, A-12, R-20-2, R-20-3, R-13-1)."""
        ident = self.caller.require("ZWB", action_zh="作出技术审核结论", article=ARTICLE)
        c = load_or_refuse(TechnicalConclusionSchema(), payload)
        with self.tx.command(ident, "conclude_technical_review", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            sub = self._technical_submission(s, ident, project_id, c["submission_id"])
            check_digest(sub, c["digest"])
            review = self._open_technical(s, sub, "作出技术审核结论")
            check_expected(review, c["expected_version"])
            problems = rules.judgement_problems(c, store.questions(sub))
            if problems:
                raise validation(problems, f"审核结论中的认定在{_version_zh(sub)}的申报内容中没有依据")
            review.status, review.outcome = CONCLUDED, c["outcome"]
            review.consolidated_opinion = c["consolidated_opinion"].strip()
            review.conditions = (c["conditions"] or "").strip() or None
            review.catalog_exemption = c["catalog_exemption"]
            review.accepted_duplicate_items = json.dumps(
                [{"item": a["item"].strip(), "note": a["note"].strip()} for a in c["accepted_duplicate_items"]],
                ensure_ascii=False)
            review.similar_systems_accepted = c["similar_systems_accepted"]
            review.universal_entries = json.dumps([e.strip() for e in c["universal_entries"]], ensure_ascii=False)
            review.linkage_none_confirmed = c["linkage_none_confirmed"]
            review.concluded_by, review.concluded_by_name = ident.user_id, ident.name
            review.concluded_at = review.updated_at = tx.now
            # The versioned UPDATE runs here, before anything is emitted: of
            # two officials concluding at once, the second is stale (R-0-2).
            s.flush()
            _claim(tx, sub, IN_REVIEW, CONCLUDED)
            self._emit_concluded(tx, sub, review)
            tx.audit("conclude_technical_review", project_id=sub.project_id, article=ARTICLE, rule="R-10-2",
                     details={"review_id": review.id, "submission_id": sub.submission_id,
                              "version_no": sub.version_no, "digest": review.digest, "outcome": review.outcome,
                              **views.judgements(review), "version": review.version})
            tx.result = self._technical_answer(s, sub, review)
        return tx.result

    @command("carry_over_technical_review", project_arg="project_id")
    def carry_over_technical_review(self, project_id, payload, idempotency_key=None):
        """A-09: after checking a new version against the earlier one, 政务办
        takes over the newest passing conclusion of the same stage for it. The
        new conclusion is bound to the new version's digest and names the
        review it came from; judgements the new version gives no ground for
        cannot be taken over."""
        ident = self.caller.require("ZWB", action_zh="沿用技术审核结论", article=ARTICLE)
        p = load_or_refuse(CarryOverSchema(), payload)
        with self.tx.command(ident, "carry_over_technical_review", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            sub = self._technical_submission(s, ident, project_id, p["submission_id"])
            check_digest(sub, p["digest"])
            review = store.review_of(s, sub.submission_id)
            if not (sub.status == PENDING or (sub.status == IN_REVIEW and review is not None
                                              and review.status == OPEN)):
                raise not_under_review(sub, review, "沿用上一版本的技术审核结论")
            source = store.carry_over_source(s, sub)
            refusal = rules.check_carry_over(
                {"review_id": source.id, "version_no": source.version_no, "outcome": source.outcome}
                if source else None, sub.stage, sub.version_no)
            if refusal:
                raise refusal
            if p["from_review_id"] is not None and p["from_review_id"] != source.id:
                raise state_invalid(f"只能沿用{STAGE_ZH[sub.stage]}第 {source.version_no} 版的技术审核结论"
                                    "（此前最近一次作出的结论）", sub.status, rule="R-10-2", article=ARTICLE,
                                    from_review_id=p["from_review_id"], newest_review_id=source.id)
            carried = {**views.judgements(source), "accepted_duplicate_items": views.accepted_items(source)}
            problems = rules.judgement_problems(carried, store.questions(sub))
            if problems:
                raise state_invalid(f"第 {source.version_no} 版审核结论中的认定在{_version_zh(sub)}的"
                                    "申报内容中没有依据，不能沿用；请开启审核并重新作出结论", sub.status, rule="R-10-2",
                                    article=ARTICLE, from_review_id=source.id, problems=problems)
            opened_now = review is None
            if opened_now:
                _claim(tx, sub, PENDING, IN_REVIEW)
                review = self._new_review(tx, ident, sub)
            review.status, review.outcome = CONCLUDED, source.outcome
            review.consolidated_opinion = (p["consolidated_opinion"] or "").strip() or source.consolidated_opinion
            review.conditions = source.conditions
            review.catalog_exemption = source.catalog_exemption
            review.accepted_duplicate_items = source.accepted_duplicate_items
            review.similar_systems_accepted = source.similar_systems_accepted
            review.universal_entries = source.universal_entries
            review.linkage_none_confirmed = source.linkage_none_confirmed
            review.carried_over_from, review.carry_over_note = source.id, p["check_note"].strip()
            review.concluded_by, review.concluded_by_name = ident.user_id, ident.name
            review.concluded_at = review.updated_at = tx.now
            s.flush()
            _claim(tx, sub, IN_REVIEW, CONCLUDED)
            if opened_now:
                self._emit_opened(tx, sub, review)
            self._emit_concluded(tx, sub, review)
            tx.audit("carry_over_technical_review", project_id=sub.project_id, article=ARTICLE, rule="R-10-2",
                     details={"review_id": review.id, "submission_id": sub.submission_id,
                              "version_no": sub.version_no, "digest": sub.digest, "carried_over_from": source.id,
                              "from_version_no": source.version_no, "from_digest": source.digest,
                              "outcome": review.outcome, "check_note": review.carry_over_note,
                              "version": review.version})
            tx.result = self._technical_answer(s, sub, review)
        return tx.result
