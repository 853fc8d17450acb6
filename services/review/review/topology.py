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
    # Art 10: the stage versions 政务办 reviews, and 发改's decisions that take them off the work list.
    event_type("approval", "ProposalSubmitted"),
    event_type("approval", "FSRSubmitted"),
    event_type("approval", "PreliminaryDesignSubmitted"),
    event_type("approval", "UrgentPackageSubmitted"),
    event_type("approval", "CombinedPackageSubmitted"),
    event_type("approval", "ApprovalReturned"),
    event_type("approval", "ApprovalRefused"),
    event_type("approval", "ProposalApproved"),
    event_type("approval", "FSRApproved"),
    event_type("approval", "PreliminaryDesignApproved"),
)
