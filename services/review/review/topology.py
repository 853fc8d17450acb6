"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type

SUBSCRIBES = (
    event_type("planning", "PlanApplicationSubmitted"),
    event_type("planning", "PlanApplicationWithdrawn"),
    event_type("planning", "AdHocApplicationSubmitted"),
    event_type("planning", "SpecialReportRecorded"),
    event_type("funds", "FundingConfirmed"),
    event_type("funds", "FundingNotSecured"),
    event_type("funds", "FundingConfirmationInvalidated"),
)
