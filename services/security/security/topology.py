"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type

# The plan-stage facts: 网信 gives its opinion from the plan review on (Art 8),
# so it must know each project's unit, year and plan state from the start.
SUBSCRIBES = (
    event_type("planning", "PlanApplicationSubmitted"),
    event_type("review", "PlanReviewOpened"),
    event_type("planning", "PlanItemDrafted"),
    event_type("planning", "PlanItemNotIncluded"),
)
