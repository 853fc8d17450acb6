"""acceptance on its own: the events its queue is bound to. Its worker (projection,
visibility, health) is tested with the other projection services in
tests/test_projection_services.py, its migrations in tests/test_migrations.py."""

from acceptance.topology import SUBSCRIBES
from itpm_common.events import event_type


def test_subscribes_to_the_plan_stage_facts():
    assert set(SUBSCRIBES) == {event_type("planning", "PlanApplicationSubmitted"),
                               event_type("review", "PlanReviewOpened"),
                               event_type("planning", "PlanItemDrafted"),
                               event_type("planning", "PlanItemNotIncluded")}
