"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type

SUBSCRIBES = (
    event_type("planning", "PlanApplicationSubmitted"),
)
