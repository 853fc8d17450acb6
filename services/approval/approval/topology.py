"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type
from itpm_common.projection import STATE_EVENTS

SUBSCRIBES = (
    # Every fact that changes a project's main state (rules.md §3.2), for the projection.
    *STATE_EVENTS,
    # R-8-4: the approved (or amended) annual plan copied to 发改.
    event_type("planning", "AnnualPlanCopiedToFG"),
)
