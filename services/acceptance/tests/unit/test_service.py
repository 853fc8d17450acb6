"""acceptance on its own: what it consumes, its health. The projection's
behaviour is tested for every projection service in tests/test_projection_services.py,
the migrations of every service in tests/test_migrations.py."""

from acceptance.topology import SUBSCRIBES
from itpm_common.events import event_type


def test_subscribes_to_the_plan_stage_facts():
    assert set(SUBSCRIBES) == {event_type("planning", "PlanApplicationSubmitted"),
                               event_type("review", "PlanReviewOpened"),
                               event_type("planning", "PlanItemDrafted"),
                               event_type("planning", "PlanItemNotIncluded")}


def test_health_reports_database_ok(service):
    health = service().health()
    assert (health["service"], health["status"], health["database"]) == ("acceptance", "ok", "ok")
    assert health["outbox_pending"] == 0
