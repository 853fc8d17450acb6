"""What may leave the suite (rules.md §8.3), decided here and nowhere else.

An event leaves only if its type is on the external list of §8.1, its project is not classified, and then only
as a copy that carries no security detail, no document content, no personal data (no actor id or name) and no
amount but the approved 概算 total. The copy keeps the event's id, so subscribers deduplicate on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from itpm_common.events import CloudEvent, event_type

EXTERNAL_SOURCE = "/itpm/feed"

# The public project facts an external event may carry (no people, no documents, no security findings).
_PROJECT_FACTS = ("project_id", "name", "unit_id", "unit_name", "plan_year", "category", "origin")


def _plan(data: dict) -> dict:
    """AnnualPlanApproved / AnnualPlanAmended: the year and its items without amounts, classified items out."""
    items = [{k: i.get(k) for k in ("project_id", "unit_id", "unit_name", "name", "category", "section_rank",
                                    "origin")}
             for i in data.get("items") or [] if not i.get("classified")]
    return {"plan_id": data.get("plan_id"), "plan_year": data.get("plan_year"), "version_no": data.get("version_no"),
            "document_number": data.get("document_number"), "items": items}


def _project(*extra: str) -> Callable[[dict], dict]:
    def view(data: dict) -> dict:
        return {k: data.get(k) for k in (*_PROJECT_FACTS, *extra) if k in data}
    return view


# rules.md §8.1, column "External?": the type, the name it goes out under, and what its copy carries.
EXTERNAL: dict[str, tuple[str, str, Callable[[dict], dict]]] = {
    event_type("planning", "AnnualPlanApproved"): ("planning", "AnnualPlanApproved", _plan),
    event_type("planning", "AnnualPlanAmended"): ("planning", "AnnualPlanAmended", _plan),
    # The approved 概算 total is the one amount an external event may carry.
    event_type("approval", "PreliminaryDesignApproved"): ("approval", "ProjectApproved",
                                                           _project("approved_estimate_fen")),
    event_type("approval", "ConstructionStarted"): ("approval", "ConstructionStarted", _project("started_on")),
    event_type("acceptance", "ConstructionCompleted"): ("acceptance", "ConstructionCompleted",
                                                       _project("completed_on")),
    event_type("acceptance", "AcceptancePassed"): ("acceptance", "AcceptancePassed", _project("passed_on")),
    event_type("acceptance", "OperationStarted"): ("acceptance", "OperationStarted", _project("started_on", "mode")),
    event_type("security", "OperationStarted"): ("security", "OperationStarted", _project("started_on", "mode")),
    event_type("planning", "ProjectSuspended"): ("planning", "ProjectSuspended", _project()),
    event_type("planning", "ProjectResumed"): ("planning", "ProjectResumed", _project()),
    event_type("approval", "ProjectTerminated"): ("approval", "ProjectTerminated", _project()),
    event_type("planning", "ProjectTerminated"): ("planning", "ProjectTerminated", _project()),
}


def is_classified(event: CloudEvent) -> bool:
    return bool((event.data or {}).get("classified"))


def external_copy(event: CloudEvent, project_classified: bool = False) -> dict[str, Any] | None:
    """The CloudEvent (as a JSON-ready dict) an external subscriber receives, or None when nothing may leave.

    ``project_classified`` is what the gateway has learnt about the subject from any earlier event: an event
    that does not itself say its project is classified still never leaves for one that is."""
    rule = EXTERNAL.get(event.type)
    if rule is None or project_classified or is_classified(event):
        return None
    service, name, view = rule
    return {
        "specversion": "1.0", "id": event.id, "source": EXTERNAL_SOURCE, "type": event_type(service, name),
        "subject": event.subject, "time": event.time, "datacontenttype": "application/json",
        "data": view(event.data or {}), "unitid": event.unitid, "article": event.article,
    }
