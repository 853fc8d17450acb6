"""approval on its own: the events its queue is bound to. Its worker's projection,
visibility and health are tested with the other projection services in
tests/test_projection_services.py, its migrations in tests/test_migrations.py."""

from approval.topology import SUBSCRIBES
from itpm_common.events import event_type
from itpm_common.projection import STATE_EVENTS


def test_subscribes_to_the_plan_stage_facts_and_the_plan_copied_to_fg():
    # The projection follows every main-state fact (itpm_common.projection.STATE_EVENTS).
    assert set(SUBSCRIBES) == set(STATE_EVENTS) | {event_type("planning", "AnnualPlanCopiedToFG")}
