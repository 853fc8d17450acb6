"""security on its own: the events its queue is bound to. Its worker (projection,
visibility, health) is tested with the other projection services in
tests/test_projection_services.py, its migrations in tests/test_migrations.py."""

from itpm_common.events import event_type
from itpm_common.projection import STATE_EVENTS
from security.topology import SUBSCRIBES


def test_subscribes_to_the_plan_stage_facts_and_the_submissions_carrying_a_security_chapter():
    # The projection follows every main-state fact (itpm_common.projection.STATE_EVENTS);
    # R-14-1: every FSR and PD, also inside a package, carries the chapter 网信 reviews.
    chapters = {event_type("approval", name) for name in (
        "FSRSubmitted", "PreliminaryDesignSubmitted", "UrgentPackageSubmitted", "CombinedPackageSubmitted")}
    assert set(SUBSCRIBES) == set(STATE_EVENTS) | chapters
    # Each binding once: the chapter-bearing submissions are main-state facts too.
    assert len(SUBSCRIBES) == len(set(SUBSCRIBES))
