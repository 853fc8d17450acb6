"""planning's registry follows 发改's approval (Chapter 3): the IN_APPROVAL sub-states, then APPROVED or
APPROVAL_REFUSED, as approval (and funds, T26/T27) announce them."""

import importlib.util
from pathlib import Path

from itpm_common.events import CloudEvent, event_type

_spec = importlib.util.spec_from_file_location("planning_sample", Path(__file__).parents[1] / "sample.py")
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)
adhoc = _sample.adhoc_application


def event(service, name, project_id, **data) -> CloudEvent:
    return CloudEvent(type=event_type(service, name), source=f"/itpm/{service}", subject=project_id,
                      data={"project_id": project_id, **data}, unitid="police", article="第十条",
                      actorid="fg", actorrole="FG")


def cleared(as_, review_event_of):
    pid = as_("UNIT").submit_adhoc_application(adhoc())["id"]
    as_().on_event(event("funds", "FundingConfirmed", pid, path="ADHOC", result="SECURED",
                         confirmed_amount_fen=100_000_000))
    as_().on_event(review_event_of("JointReviewOpened", pid))
    as_().on_event(review_event_of("JointReviewConcluded", pid, outcome="PASS"))
    return pid


def test_the_registry_shows_the_approval_sub_states_then_approved(as_, review_event_of):
    pid = cleared(as_, review_event_of)

    def state():
        return as_("UNIT").get_project(pid)["state"]

    steps = [("approval", "FSRSubmitted", {}, "FSR_SUBMITTED"),
             ("approval", "ApprovalReturned", {}, "RETURNED"),
             ("approval", "FSRSubmitted", {}, "FSR_SUBMITTED"),
             ("approval", "FSRApproved", {}, "FSR_APPROVED"),
             ("approval", "PreliminaryDesignSubmitted", {}, "PD_SUBMITTED"),
             ("funds", "EstimateReviewRequested", {"stage": "PD"}, "ESTIMATE_UNDER_REVIEW"),
             ("funds", "EstimateReviewed", {"stage": "PD"}, "PD_SUBMITTED"),
             ("approval", "PreliminaryDesignApproved", {}, "APPROVED")]
    for service, name, data, expected in steps:
        as_().on_event(event(service, name, pid, **data))
        assert state() == expected, name
    # A decided project does not go back to a sub-state.
    as_().on_event(event("approval", "ApprovalReturned", pid))
    assert state() == "APPROVED"


def test_a_package_stays_submitted_while_its_estimate_is_reviewed(as_, review_event_of):
    pid = cleared(as_, review_event_of)
    as_().on_event(event("approval", "UrgentPackageSubmitted", pid))
    as_().on_event(event("funds", "EstimateReviewRequested", pid, stage="URGENT_PACKAGE"))
    assert as_("UNIT").get_project(pid)["state"] == "URGENT_PACKAGE_SUBMITTED"
    as_().on_event(event("approval", "ApprovalRefused", pid))
    assert as_("UNIT").get_project(pid)["state"] == "APPROVAL_REFUSED"
