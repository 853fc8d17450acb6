"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type

# The plan-stage facts: acceptance comes years later, but which unit owns a
# project and for which plan year it was planned is only told at plan stage.
SUBSCRIBES = (
    event_type("planning", "PlanApplicationSubmitted"),
    event_type("review", "PlanReviewOpened"),
    event_type("planning", "PlanItemDrafted"),
    event_type("planning", "PlanItemNotIncluded"),
)
