"""Events this service consumes (its queue's bindings)."""

from itpm_common.events import event_type

SUBSCRIBES = (
    # The plan-stage facts: budget and funding decisions concern projects of a
    # plan year, so funds must know each project's unit, year and plan state beforehand.
    event_type("planning", "PlanApplicationSubmitted"),
    event_type("review", "PlanReviewOpened"),
    event_type("planning", "PlanItemDrafted"),
    event_type("planning", "PlanItemNotIncluded"),
    # 第九条: an ad-hoc or superior-funded application asks 财政 to confirm its
    # funding (superior-funded plan applications arrive as PlanApplicationSubmitted).
    event_type("planning", "AdHocApplicationSubmitted"),
)
