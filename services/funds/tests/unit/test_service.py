"""funds on its own: the events its queue is bound to. Its worker's projection,
visibility and health are tested with the other projection services in
tests/test_projection_services.py, its migrations in tests/test_migrations.py."""

from funds.topology import SUBSCRIBES
from itpm_common.events import event_type
from itpm_common.projection import STATE_EVENTS


def test_subscribes_to_the_plan_stage_facts_and_the_article_10_estimates():
    # The projection follows every main-state fact (itpm_common.projection.STATE_EVENTS);
    # R-10-3: every approval submission that carries a 概算.
    estimates = {event_type("approval", name) for name in (
        "PreliminaryDesignSubmitted", "UrgentPackageSubmitted", "CombinedPackageSubmitted")}
    assert set(SUBSCRIBES) == set(STATE_EVENTS) | estimates
    assert len(SUBSCRIBES) == len(set(SUBSCRIBES))
