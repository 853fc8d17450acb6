"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type
from itpm_common.projection import STATE_EVENTS

from .rules import STAGE_OF_EVENT

# approval's announcements of an FSR, a PD or a package: each carries the security
# chapter 网信 reviews (第十四条, 第四条（二）).
SUBMISSIONS = tuple(event_type("approval", name) for name in STAGE_OF_EVENT)

SUBSCRIBES = (
    # Every fact that changes a project's main state (rules.md §3.2), for the projection.
    *STATE_EVENTS,
    # Those submissions that are main-state facts too are bound once.
    *(t for t in SUBMISSIONS if t not in STATE_EVENTS),
)
