"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type

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
)
