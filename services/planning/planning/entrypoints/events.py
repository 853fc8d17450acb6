"""What planning does when review and funds decide: it keeps the project's main state (rules.md §3.2)."""

from __future__ import annotations

from itpm_common.errors import state_invalid
from itpm_common.events import CloudEvent
from itpm_common.projection import IN_APPROVAL_SUB_STATES, state_after

from ..models import Project
from ..views import summary

PAST_REVIEW_OPENING = ("PLAN_UNDER_REVIEW", "PLAN_DRAFTED", "NOT_INCLUDED", "PLANNED")
ADHOC_BEFORE_REVIEW = ("ADHOC_APPLIED", "ADHOC_FUNDING_CONFIRMED")
# 发改's approval (Chapter 3): the project enters from PLANNED or ADHOC_CLEARED and moves through the
# IN_APPROVAL sub-states to APPROVED or APPROVAL_REFUSED, as approval (and funds, T26/T27) announce.
APPROVAL_FACTS = ("ProposalSubmitted", "ProposalApproved", "FSRSubmitted", "FSRApproved",
                  "PreliminaryDesignSubmitted", "UrgentPackageSubmitted", "CombinedPackageSubmitted",
                  "ApprovalReturned", "ApprovalRefused", "PreliminaryDesignApproved",
                  "EstimateReviewRequested", "EstimateReviewed")
APPROVAL_FROM = ("PLANNED", "ADHOC_CLEARED", *IN_APPROVAL_SUB_STATES)


class EventHandlers:
    def apply_event(self, event: CloudEvent) -> None:
        handler = {
            "PlanReviewOpened": self._review_opened,
            "PlanReviewReturned": self._review_returned,
            "PlanReviewCancelled": self._review_cancelled,
            "PlanReviewConcluded": self._review_concluded,
            "JointReviewOpened": self._joint_review_opened,
            "JointReviewConcluded": self._joint_review_concluded,
            "FundingConfirmed": self._funding_confirmed,
            "FundingNotSecured": self._funding_not_secured,
            "FundingConfirmationInvalidated": self._funding_invalidated,
            **{name: self._approval_state for name in APPROVAL_FACTS},
        }.get(event.name)
        if handler is None:
            return
        with self.tx.event(event, consumer="planning") as tx:
            if tx.replayed:
                return
            project = tx.session.get(Project, event.subject)
            if project is None:
                raise LookupError(f"unknown project {event.subject}")
            handler(tx, project, event)

    @staticmethod
    def _is_current(project: Project, event: CloudEvent) -> bool:
        version_no = event.data.get("version_no")
        return version_no is None or version_no == project.current_version_no

    def _review_opened(self, tx, project, event):
        """T03 as review records it; a withdrawn or superseded version is left to review's cancellation."""
        if not self._is_current(project, event) or project.state in PAST_REVIEW_OPENING:
            # A retried delivery after the conclusion, or an opening of a version
            # the department has since replaced: nothing left to record.
            return
        if project.state == "DRAFT":
            tx.audit("plan_review_opened_after_withdrawal", project_id=project.id, article="第八条",
                     details={"review_id": event.data.get("review_id"),
                              "version_no": event.data.get("version_no")})
            return
        if project.state != "PLAN_APPLIED":
            raise state_invalid("项目不在已申报状态，不能进入计划论证", project.state)
        project.state, project.updated_at = "PLAN_UNDER_REVIEW", tx.now
        project.review_opened_version = project.current_version_no
        tx.audit("plan_review_opened", project_id=project.id, article="第八条",
                 details={"review_id": event.data.get("review_id")})

    def _review_returned(self, tx, project, event):
        """T04: back to the department with 政务办's reason; resubmission makes a new version."""
        if not self._is_current(project, event) or project.state not in ("PLAN_UNDER_REVIEW", "PLAN_APPLIED"):
            return
        project.state, project.updated_at = "DRAFT", tx.now
        project.returned_reason = event.data.get("reason")
        tx.audit("plan_application_returned", project_id=project.id, article="第八条",
                 details={"review_id": event.data.get("review_id"), "reason": project.returned_reason})

    def _review_cancelled(self, tx, project, event):
        tx.audit("plan_review_cancelled", project_id=project.id, article="第八条",
                 details={"review_id": event.data.get("review_id"), "version_no": event.data.get("version_no")})

    def _review_concluded(self, tx, project, event):
        """T05/T06: the joint opinion decides whether the item enters the draft plan."""
        if not self._is_current(project, event):
            return
        # A conclusion implies the review was opened, even if that event has
        # not been applied yet; waiting for it could park the conclusion.
        if project.state == "DRAFT":
            # The department withdrew while the bureaus were already at work; review kept the review
            # and 政务办 concluded it. The withdrawal stands; the conclusion is put on the record.
            tx.audit("plan_review_concluded_after_withdrawal", project_id=project.id, article="第八条",
                     details={"review_id": event.data.get("review_id"), "outcome": event.data.get("outcome")})
            return
        if project.state not in ("PLAN_UNDER_REVIEW", "PLAN_APPLIED"):
            raise state_invalid("项目不在计划论证中", project.state)
        outcome = event.data["outcome"]
        new_state, name = {"DRAFT": ("PLAN_DRAFTED", "PlanItemDrafted"),
                           "NOT_INCLUDED": ("NOT_INCLUDED", "PlanItemNotIncluded")}[outcome]
        project.state, project.updated_at = new_state, tx.now
        tx.emit(name, project.id, {**summary(project), "review_id": event.data.get("review_id"),
                                   "opinion": event.data.get("consolidated_opinion"), "decided_by": "ZWB"},
                article="第八条", unit_id=project.unit_id)
        tx.audit(name, project_id=project.id, article="第八条",
                 details={"review_id": event.data.get("review_id"), "outcome": outcome})

    def _funding_confirmed(self, tx, project, event):
        """T11: 财政's confirmation moves an ad-hoc application on; a plan project keeps its state (R-9-8)."""
        if project.state == "ADHOC_APPLIED" and event.data.get("path", "ADHOC") == "ADHOC":
            project.state, project.updated_at = "ADHOC_FUNDING_CONFIRMED", tx.now
        tx.audit("funding_confirmed", project_id=project.id, article="第九条", rule="R-9-2",
                 details={"confirmation_id": event.data.get("confirmation_id"),
                          "confirmed_amount_fen": event.data.get("confirmed_amount_fen")})

    def _funding_not_secured(self, tx, project, event):
        """The latest confirmation counts: 财政 correcting SECURED to short takes the project back (R-9-2)."""
        if project.state == "ADHOC_FUNDING_CONFIRMED" and event.data.get("path", "ADHOC") == "ADHOC":
            project.state, project.updated_at = "ADHOC_APPLIED", tx.now
        tx.audit("funding_not_secured", project_id=project.id, article="第九条", rule="R-9-2",
                 details={"result": event.data.get("result"), "shortfall_fen": event.data.get("shortfall_fen")})

    def _funding_invalidated(self, tx, project, event):
        """R-9-7: a higher total needs a new confirmation before the joint review."""
        if project.state == "ADHOC_FUNDING_CONFIRMED":
            project.state, project.updated_at = "ADHOC_APPLIED", tx.now
        tx.audit("funding_confirmation_invalidated", project_id=project.id, article="第九条", rule="R-9-7",
                 details={"new_total_fen": event.data.get("new_total_fen")})

    def _stale_joint_review(self, tx, project, event) -> bool:
        """An opening or conclusion about a version the department has since replaced: review cancels that
        review when the new version reaches it, so planning keeps the new version's state."""
        if self._is_current(project, event):
            return False
        tx.audit("stale_joint_review_event", project_id=project.id, article="第九条", rule="R-9-7",
                 details={"event": event.name, "version_no": event.data.get("version_no"),
                          "current_version_no": project.current_version_no})
        return True

    def _joint_review_opened(self, tx, project, event):
        """T12."""
        if self._stale_joint_review(tx, project, event):
            return
        if project.state in ADHOC_BEFORE_REVIEW:
            project.state, project.updated_at = "ADHOC_UNDER_REVIEW", tx.now
        elif project.state not in ("ADHOC_UNDER_REVIEW", "ADHOC_CLEARED", "ADHOC_REJECTED"):
            raise state_invalid("项目不在追加申请状态，不能进入联审", project.state)
        tx.audit("joint_review_opened", project_id=project.id, article="第九条",
                 details={"review_id": event.data.get("review_id")})

    def _joint_review_concluded(self, tx, project, event):
        """T13/T14."""
        if self._stale_joint_review(tx, project, event):
            return
        if project.state in ("ADHOC_CLEARED", "ADHOC_REJECTED"):
            return
        if project.state not in ADHOC_BEFORE_REVIEW + ("ADHOC_UNDER_REVIEW",):
            raise state_invalid("项目不在追加联审中", project.state)
        outcome = event.data["outcome"]
        project.state = "ADHOC_CLEARED" if outcome == "PASS" else "ADHOC_REJECTED"
        project.updated_at = tx.now
        tx.audit("joint_review_concluded", project_id=project.id, article="第九条",
                 details={"review_id": event.data.get("review_id"), "outcome": outcome})

    def _approval_state(self, tx, project, event):
        """T20–T33 as approval records them: planning's registry shows the IN_APPROVAL sub-state, then
        APPROVED or APPROVAL_REFUSED. A decided case never goes back."""
        new_state = state_after(event)
        if new_state is None or project.state == new_state:
            return
        if project.state not in APPROVAL_FROM:
            tx.audit("approval_fact_not_applied", project_id=project.id, article=event.article,
                     details={"event": event.name, "state": project.state, "would_be": new_state})
            return
        project.state, project.updated_at = new_state, tx.now
        tx.audit("approval_state", project_id=project.id, article=event.article,
                 details={"event": event.name, "state": new_state,
                          "submission_id": event.data.get("submission_id")})
