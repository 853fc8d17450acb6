"""The feed's log: every external copy, once, at a gap-free position in arrival order.

Positions are assigned under a lock (a PostgreSQL advisory lock; SQLite writes one at a time anyway), so a
reader that has seen position N has seen every position below it: resuming "after N" misses nothing.
"""

from __future__ import annotations

import json

from sqlalchemy import func, insert, select

from itpm_common.db import serialize_on
from itpm_common.events import CloudEvent

from ..models import ClassifiedSubject, FeedEntry
from . import redaction


def _learn_classified(session, event: CloudEvent) -> bool:
    """Remember a project once any event says it is classified; True when the subject is classified."""
    if not event.subject:
        return False
    known = session.get(ClassifiedSubject, event.subject) is not None
    if redaction.is_classified(event) and not known:
        session.add(ClassifiedSubject(subject=event.subject))
        session.flush()
        return True
    return known


def record(session, event: CloudEvent, now) -> int | None:
    """Append the external copy of ``event`` if one may leave; its position, or None."""
    classified = _learn_classified(session, event)
    copy = redaction.external_copy(event, project_classified=classified)
    if copy is None:
        return None
    if session.scalar(select(FeedEntry.position).where(FeedEntry.event_id == event.id)) is not None:
        return None
    serialize_on(session, "external-feed")
    position = (session.scalar(select(func.max(FeedEntry.position))) or 0) + 1
    copy["feedposition"] = position
    session.execute(insert(FeedEntry).values(
        position=position, event_id=event.id, type=copy["type"], subject=event.subject, unit_id=event.unitid,
        plan_year=(copy["data"] or {}).get("plan_year"), body=json.dumps(copy, ensure_ascii=False, sort_keys=True),
        recorded_at=now))
    return position


def read_after(session, position: int, limit: int) -> list[FeedEntry]:
    return list(session.scalars(select(FeedEntry).where(FeedEntry.position > position)
                                .order_by(FeedEntry.position).limit(limit)))
