"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type
from itpm_common.projection import STATE_EVENTS

CHAPTER3_FACTS = tuple(dict.fromkeys(t for t in (
    event_type("review", "TechnicalReviewOpened"),
    event_type("review", "TechnicalReviewConcluded"),
    event_type("funds", "EstimateReviewRequested"),
    event_type("funds", "EstimateReviewed"),
    event_type("security", "CybersecurityReviewRecorded"),
    event_type("planning", "NonSharingExceptionApproved"),
) if t not in STATE_EVENTS))

SUBSCRIBES = (
    # Every fact that changes a project's main state (rules.md §3.2), for the projection.
    *STATE_EVENTS,
    # R-8-4: the approved (or amended) annual plan copied to 发改.
    event_type("planning", "AnnualPlanCopiedToFG"),
    # Chapter 3: the reviews FG's approval waits for, and the non-sharing exception (R-10-2, R-10-3, R-14, R-30-2).
    *CHAPTER3_FACTS,
)
