"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type

SUBSCRIBES = (
    # The plan-stage facts: approval may only start for a project in the annual
    # plan, so it must know each project's unit, year and plan state beforehand.
    event_type("planning", "PlanApplicationSubmitted"),
    event_type("review", "PlanReviewOpened"),
    event_type("planning", "PlanItemDrafted"),
    event_type("planning", "PlanItemNotIncluded"),
    # R-8-4: the approved (or amended) annual plan copied to 发改.
    event_type("planning", "AnnualPlanCopiedToFG"),
)
