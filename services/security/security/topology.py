"""Events this service consumes (its queue's bindings)."""

from itpm_common.projection import STATE_EVENTS

# The plan-stage facts: 网信 gives its opinion from the plan review on (Art 8),
# so it must know each project's unit, year and plan state from the start.
SUBSCRIBES = (
    # Every fact that changes a project's main state (rules.md §3.2), for the projection.
    *STATE_EVENTS,
)
