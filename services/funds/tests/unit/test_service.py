"""funds on its own: the events its queue is bound to. Its worker's projection,
visibility and health are tested with the other projection services in
tests/test_projection_services.py, its migrations in tests/test_migrations.py."""

from funds.topology import SUBSCRIBES
from itpm_common.events import event_type


def test_subscribes_to_the_plan_stage_facts_and_the_article_9_submissions():
    assert set(SUBSCRIBES) == {event_type("planning", "PlanApplicationSubmitted"),
                               event_type("review", "PlanReviewOpened"),
                               event_type("planning", "PlanItemDrafted"),
                               event_type("planning", "PlanItemNotIncluded"),
                               event_type("planning", "AdHocApplicationSubmitted")}
