"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type

from .entrypoints.events import APPROVAL_FACTS

SUBSCRIBES = (
    event_type("review", "PlanReviewOpened"),
    event_type("review", "PlanReviewReturned"),
    event_type("review", "PlanReviewCancelled"),
    event_type("review", "PlanReviewConcluded"),
    event_type("review", "JointReviewOpened"),
    event_type("review", "JointReviewConcluded"),
    event_type("funds", "FundingConfirmed"),
    event_type("funds", "FundingNotSecured"),
    event_type("funds", "FundingConfirmationInvalidated"),
    # Chapter 3: the project's way through 发改's approval (T20–T33), and 财政's estimate review (T26/T27).
    *(event_type("funds" if name.startswith("Estimate") else "approval", name) for name in APPROVAL_FACTS),
)
