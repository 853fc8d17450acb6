"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type

# The plan-stage facts: funds may only start for a project in the annual
# plan, so it must know each project's unit, year and plan state beforehand.
SUBSCRIBES = (
    event_type("planning", "PlanApplicationSubmitted"),
    event_type("review", "PlanReviewOpened"),
    event_type("planning", "PlanItemDrafted"),
    event_type("planning", "PlanItemNotIncluded"),
)
