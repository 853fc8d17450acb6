"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type
from itpm_common.projection import STATE_EVENTS

# 第十条: approval's submissions that carry a 概算; at 1,000,000.00 元 or more
# 财政 reviews it (R-10-3, TH-1).
ESTIMATE_SUBMISSIONS = tuple(event_type("approval", name) for name in (
    "PreliminaryDesignSubmitted", "UrgentPackageSubmitted", "CombinedPackageSubmitted"))

SUBSCRIBES = (
    # Every fact that changes a project's main state (rules.md §3.2), for the projection. Among them
    # 第九条's: an ad-hoc application (AdHocApplicationSubmitted), or a superior-funded plan application
    # (PlanApplicationSubmitted with origin SUPERIOR_FUNDED), asks 财政 to confirm its funding.
    *STATE_EVENTS,
    # Those submissions that are main-state facts too are bound once.
    *(t for t in ESTIMATE_SUBMISSIONS if t not in STATE_EVENTS),
)
