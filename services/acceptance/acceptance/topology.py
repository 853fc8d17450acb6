"""Events this service consumes (its queue's bindings)."""

from itpm_common.projection import STATE_EVENTS

# The plan-stage facts: acceptance comes years later, but which unit owns a
# project and for which plan year it was planned is only told at plan stage.
SUBSCRIBES = (
    # Every fact that changes a project's main state (rules.md §3.2), for the projection.
    *STATE_EVENTS,
)
