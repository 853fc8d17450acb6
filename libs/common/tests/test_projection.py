"""A service's local projection of project facts learnt from events (rules.md §8.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.orm import Session

from itpm_common.events import CloudEvent, event_type
from itpm_common.projection import STATE_AFTER, STATE_EVENTS, apply, projection_table, state_after

# Chapter 3: approval's decisions and submissions, and the IN_APPROVAL sub-state each leaves.
APPROVAL_STATES = {
    "ProposalSubmitted": "PROPOSAL_SUBMITTED", "ProposalApproved": "PROPOSAL_APPROVED",
    "FSRSubmitted": "FSR_SUBMITTED", "FSRApproved": "FSR_APPROVED", "PreliminaryDesignSubmitted": "PD_SUBMITTED",
    "UrgentPackageSubmitted": "URGENT_PACKAGE_SUBMITTED", "CombinedPackageSubmitted": "COMBINED_SUBMITTED",
    "ApprovalReturned": "RETURNED", "ApprovalRefused": "APPROVAL_REFUSED", "PreliminaryDesignApproved": "APPROVED"}
SERVICE_OF = {"PlanReviewOpened": "review", "PlanReviewReturned": "review", "JointReviewOpened": "review",
              "JointReviewConcluded": "review", "FundingConfirmed": "funds", "FundingNotSecured": "funds",
              "FundingConfirmationInvalidated": "funds", "EstimateReviewRequested": "funds",
              "EstimateReviewed": "funds",
              **{name: "approval" for name in APPROVAL_STATES}}


@pytest.fixture
def table(engine):
    t = projection_table(MetaData())
    t.metadata.create_all(engine)
    return t


@pytest.fixture
def project(engine, table, fixed_now):
    """apply(event) in its own transaction; returns the row (or None)."""

    def run(event: CloudEvent, now=fixed_now):
        with Session(engine) as session:
            apply(session, table, event, now)
            session.commit()
        with engine.connect() as conn:
            return conn.execute(select(table).where(table.c.project_id == event.subject)).mappings().first()

    return run


def fact(event_name: str, time: str, subject: str | None = "p-1", unitid: str | None = "unit-001",
         **data) -> CloudEvent:
    service = SERVICE_OF.get(event_name, "planning")
    return CloudEvent(type=event_type(service, event_name), source=f"/itpm/{service}", subject=subject, data=data,
                      time=time, unitid=unitid)


SUBMITTED = dict(name="一网通办平台", category="A", plan_year=2025)


def test_first_event_inserts_the_row(project, fixed_now):
    row = project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00", **SUBMITTED))
    assert row["project_id"] == "p-1"
    assert row["unit_id"] == "unit-001"
    assert (row["name"], row["category"], row["plan_year"]) == ("一网通办平台", "A", 2025)
    assert row["state"] == "PLAN_APPLIED"
    assert row["last_event_type"] == "cn.gov.lyg.itpm.planning.plan_application_submitted.v1"
    assert row["last_event_time"] == "2024-10-10T15:00:00+08:00"
    assert row["updated_at"] == fixed_now
    assert row["classified"] is False


def test_unit_falls_back_to_the_data(project):
    row = project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00", unitid=None, unit_id="unit-7"))
    assert row["unit_id"] == "unit-7"


def test_event_without_subject_is_ignored(engine, table, project):
    assert project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00", subject=None)) is None
    with engine.connect() as conn:
        assert conn.execute(select(table)).first() is None


FIXED_STATES = {
    "PlanApplicationSubmitted": "PLAN_APPLIED",
    "PlanApplicationWithdrawn": "DRAFT",
    "PlanReviewOpened": "PLAN_UNDER_REVIEW",
    "PlanReviewReturned": "DRAFT",
    "PlanItemDrafted": "PLAN_DRAFTED",
    "PlanItemNotIncluded": "NOT_INCLUDED",
    "PlanItemApproved": "PLANNED",
    "JointReviewOpened": "ADHOC_UNDER_REVIEW",
    **APPROVAL_STATES,
}


@pytest.mark.parametrize(("name", "state"), sorted(FIXED_STATES.items()))
def test_state_after_each_fact(project, name, state):
    assert project(fact(name, "2024-10-10T15:00:00+08:00"))["state"] == state


@pytest.mark.parametrize(("name", "data", "state"), [
    ("FundingConfirmed", {"path": "ADHOC"}, "ADHOC_FUNDING_CONFIRMED"),
    ("FundingConfirmed", {"path": "PLAN"}, None),     # a plan project's confirmation (R-9-8) moves nothing
    ("JointReviewConcluded", {"outcome": "PASS"}, "ADHOC_CLEARED"),
    ("AdHocApplicationSubmitted", {}, "ADHOC_APPLIED"),
    ("AdHocApplicationSubmitted", {"state": "ADHOC_FUNDING_CONFIRMED"}, "ADHOC_FUNDING_CONFIRMED"),
    ("FundingNotSecured", {"path": "ADHOC"}, "ADHOC_APPLIED"),
    ("FundingConfirmationInvalidated", {"path": "ADHOC"}, "ADHOC_APPLIED"),
    ("FundingConfirmationInvalidated", {"path": "PLAN"}, None),
    ("JointReviewConcluded", {"outcome": "FAIL"}, "ADHOC_REJECTED"),
    # T26/T27: only a PD waits in ESTIMATE_UNDER_REVIEW; a package keeps its *_SUBMITTED state.
    ("EstimateReviewRequested", {"stage": "PD"}, "ESTIMATE_UNDER_REVIEW"),
    ("EstimateReviewRequested", {"stage": "URGENT_PACKAGE"}, None),
    ("EstimateReviewed", {"stage": "PD"}, "PD_SUBMITTED"),
    ("EstimateReviewed", {"stage": "COMBINED_PACKAGE"}, None),
])
def test_state_after_depends_on_the_payload(project, name, data, state):
    assert project(fact(name, "2024-10-10T15:00:00+08:00", **data))["state"] == state


def test_state_events_are_the_types_their_services_emit():
    assert set(STATE_EVENTS) == {
        event_type("planning", "PlanApplicationSubmitted"), event_type("planning", "PlanApplicationWithdrawn"),
        event_type("review", "PlanReviewOpened"), event_type("review", "PlanReviewReturned"),
        event_type("planning", "PlanItemDrafted"), event_type("planning", "PlanItemNotIncluded"),
        event_type("planning", "PlanItemApproved"), event_type("planning", "AdHocApplicationSubmitted"),
        event_type("funds", "FundingConfirmed"), event_type("funds", "FundingNotSecured"),
        event_type("funds", "FundingConfirmationInvalidated"), event_type("review", "JointReviewOpened"),
        event_type("review", "JointReviewConcluded"), event_type("funds", "EstimateReviewRequested"),
        event_type("funds", "EstimateReviewed"), *(event_type("approval", name) for name in APPROVAL_STATES)}


def test_in_approval_sub_states_cycle_at_one_instant_and_decisions_stand(project):
    at = "2026-03-02T10:00:00+08:00"
    project(fact("PlanItemApproved", at))
    assert project(fact("FSRSubmitted", at))["state"] == "FSR_SUBMITTED"
    assert project(fact("ApprovalReturned", at))["state"] == "RETURNED"
    assert project(fact("FSRSubmitted", at))["state"] == "FSR_SUBMITTED"
    assert project(fact("PreliminaryDesignApproved", at))["state"] == "APPROVED"
    # A late sub-state at the same instant does not take an approved project back.
    assert project(fact("PreliminaryDesignSubmitted", at))["state"] == "APPROVED"


def test_state_after_table():
    assert {k: v for k, v in STATE_AFTER.items() if not callable(v)} == FIXED_STATES
    assert state_after(fact("PlanCallOpened", "2024-10-10T15:00:00+08:00")) is None


def test_newer_event_updates_state_and_last_event(project, fixed_now):
    project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00", **SUBMITTED))
    later = fixed_now + timedelta(hours=1)
    row = project(fact("PlanReviewOpened", "2024-10-11T09:00:00+08:00"), now=later)
    assert row["state"] == "PLAN_UNDER_REVIEW"
    assert row["last_event_type"] == "cn.gov.lyg.itpm.review.plan_review_opened.v1"
    assert row["last_event_time"] == "2024-10-11T09:00:00+08:00"
    assert row["updated_at"] == later
    assert row["name"] == "一网通办平台"  # facts the newer event does not carry are kept


def test_older_event_does_not_overwrite_a_newer_state(project):
    project(fact("PlanReviewOpened", "2024-10-11T09:00:00+08:00"))
    row = project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00", **SUBMITTED))
    assert row["state"] == "PLAN_UNDER_REVIEW"
    assert row["last_event_time"] == "2024-10-11T09:00:00+08:00"
    # ...but what it knows about the project still fills the gaps.
    assert (row["name"], row["category"], row["plan_year"]) == ("一网通办平台", "A", 2025)


def test_times_are_compared_as_instants_not_text(project):
    project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00"))
    # 15:30+09:00 is 14:30 in Shanghai: older, though its text sorts after.
    older = project(fact("PlanApplicationWithdrawn", "2024-10-10T15:30:00+09:00"))
    assert older["state"] == "PLAN_APPLIED"
    # 07:00:01Z is 15:00:01 in Shanghai: newer, though its text sorts before.
    newer = project(fact("PlanReviewOpened", "2024-10-10T07:00:01+00:00"))
    assert newer["state"] == "PLAN_UNDER_REVIEW"


def test_same_instant_follows_the_lifecycle(project):
    # Under a fixed clock every event carries the same time.
    same = "2024-10-10T15:00:00+08:00"
    project(fact("PlanReviewOpened", same))
    assert project(fact("PlanApplicationSubmitted", same))["state"] == "PLAN_UNDER_REVIEW"
    assert project(fact("PlanItemDrafted", same))["state"] == "PLAN_DRAFTED"


def test_event_without_a_state_moves_only_last_event(project):
    project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00"))
    row = project(fact("PlanRankingUpdated", "2024-10-10T16:00:00+08:00"))
    assert row["state"] == "PLAN_APPLIED"
    assert row["last_event_type"].endswith(".plan_ranking_updated.v1")


def test_classified_is_never_cleared(project):
    project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00", classified=True))
    row = project(fact("PlanReviewOpened", "2024-10-11T09:00:00+08:00", classified=False))
    assert row["classified"] is True


def test_classified_learnt_later_is_kept(project):
    project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00"))
    assert project(fact("PlanRankingUpdated", "2024-10-09T09:00:00+08:00", classified=True))["classified"] is True


def test_newer_event_corrects_project_facts(project):
    # A withdrawn application resubmitted under a corrected name and year:
    # the projection must show what the owner now says.
    project(fact("PlanApplicationSubmitted", "2024-10-10T15:00:00+08:00", **SUBMITTED))
    project(fact("PlanApplicationWithdrawn", "2024-10-11T09:00:00+08:00"))
    row = project(fact("PlanApplicationSubmitted", "2024-10-12T09:00:00+08:00", name="一网通办平台（二期）",
                       category="B", plan_year=2026))
    assert (row["name"], row["category"], row["plan_year"]) == ("一网通办平台（二期）", "B", 2026)
    assert row["state"] == "PLAN_APPLIED"
