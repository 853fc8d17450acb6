"""approval on its own: the events its queue is bound to. Its worker's projection,
visibility and health are tested with the other projection services in
tests/test_projection_services.py, its migrations in tests/test_migrations.py."""

from approval.topology import CHAPTER3_FACTS, SUBSCRIBES
from itpm_common.events import event_type
from itpm_common.projection import STATE_EVENTS


def test_subscribes_to_the_state_facts_the_plan_copied_to_fg_and_the_chapter3_reviews():
    # The projection follows every main-state fact (itpm_common.projection.STATE_EVENTS).
    assert set(SUBSCRIBES) == set(STATE_EVENTS) | {event_type("planning", "AnnualPlanCopiedToFG")} | {
        event_type("review", "TechnicalReviewOpened"), event_type("review", "TechnicalReviewConcluded"),
        event_type("security", "CybersecurityReviewRecorded"),
        event_type("planning", "NonSharingExceptionApproved")}
    # 财政's estimate review is a state fact already (T26/T27).
    assert event_type("funds", "EstimateReviewed") in STATE_EVENTS and len(CHAPTER3_FACTS) == 4
