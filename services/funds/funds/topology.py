"""Events this service consumes (its queue's bindings)."""

from itpm_common.projection import STATE_EVENTS

SUBSCRIBES = (
    # Every fact that changes a project's main state (rules.md §3.2), for the projection. Among them
    # 第九条's: an ad-hoc application (AdHocApplicationSubmitted), or a superior-funded plan application
    # (PlanApplicationSubmitted with origin SUPERIOR_FUNDED), asks 财政 to confirm its funding.
    *STATE_EVENTS,
)
