"""security on its own: the events its queue is bound to. Its worker (projection,
visibility, health) is tested with the other projection services in
tests/test_projection_services.py, its migrations in tests/test_migrations.py."""

from itpm_common.projection import STATE_EVENTS
from security.topology import SUBSCRIBES


def test_subscribes_to_the_plan_stage_facts():
    # The projection follows every main-state fact (itpm_common.projection.STATE_EVENTS).
    assert set(SUBSCRIBES) == set(STATE_EVENTS) | set()
