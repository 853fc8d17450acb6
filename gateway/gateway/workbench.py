"""我的待办: the items that await the signed-in user's action, gathered from the
services that own them.

Each kind of item comes from one ``WorkSource``: the roles it concerns and a
function that asks the owning service (over RPC, with the user's identity)
for that user's items. A later stage adds a kind by adding a source to
``SOURCES``; the portal shows every item the same way (title, project,
since, deadline, overdue mark, a link to the form that acts on it).

A deadline is given only where the regulation sets one for that step; no
source invents one. ``overdue`` is computed here from the deadline and the
gateway's clock (legal dates, Asia/Shanghai).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .rpc import ServiceUnavailable

log = logging.getLogger(__name__)

BUREAUS = ("WX", "FG", "GX", "CZ")
BUREAU_ZH = {"WX": "网信", "FG": "发改", "GX": "工信", "CZ": "财政"}


@dataclass(frozen=True)
class WorkItem:
    kind: str
    kind_zh: str
    title: str
    project_id: str | None
    project_name: str | None
    unit_name: str | None
    since: str | None
    article: str | None
    link: str
    action_zh: str
    deadline: str | None = None
    detail_zh: str | None = None

    def to_dict(self, today: date) -> dict:
        overdue = self.deadline is not None and date.fromisoformat(self.deadline[:10]) < today
        return {"kind": self.kind, "kind_zh": self.kind_zh, "title": self.title,
                "project_id": self.project_id, "project_name": self.project_name, "unit_name": self.unit_name,
                "since": self.since, "deadline": self.deadline, "overdue": overdue, "article": self.article,
                "link": self.link, "action_zh": self.action_zh, "detail_zh": self.detail_zh}


@dataclass(frozen=True)
class WorkSource:
    kind: str
    kind_zh: str
    roles: tuple[str, ...]
    service: str
    fetch: Callable  # (call, user) -> list[WorkItem]; call(service, method, *args)


def _plan_review_opinions(call, user) -> list[WorkItem]:
    reviews = call("review", "list_reviews", {"awaiting_me": True})["items"]
    return [WorkItem(
        kind="PLAN_REVIEW_OPINION", kind_zh="计划论证意见", title=f"就“{r['project_name']}”出具论证意见",
        project_id=r["project_id"], project_name=r["project_name"], unit_name=r.get("unit_name"),
        since=r.get("opened_at"), article="第八条", action_zh="出具意见",
        link=f"/projects/{r['project_id']}?action=opinion",
        detail_zh="尚缺：" + "、".join(BUREAU_ZH.get(b, b) for b in r.get("missing_bureaus") or []))
        for r in reviews]


def _plan_review_conclusions(call, user) -> list[WorkItem]:
    reviews = call("review", "list_reviews", {"awaiting_me": True})["items"]
    return [WorkItem(
        kind="PLAN_REVIEW_CONCLUSION", kind_zh="联审结论", title=f"对“{r['project_name']}”形成联审意见",
        project_id=r["project_id"], project_name=r["project_name"], unit_name=r.get("unit_name"),
        since=r.get("opened_at"), article="第八条", action_zh="形成结论",
        link=f"/projects/{r['project_id']}?action=conclusion", detail_zh="网信、发改、工信、财政意见已齐备")
        for r in reviews]


SOURCES: tuple[WorkSource, ...] = (
    WorkSource("PLAN_REVIEW_OPINION", "计划论证意见", BUREAUS, "review", _plan_review_opinions),
    WorkSource("PLAN_REVIEW_CONCLUSION", "联审结论", ("ZWB",), "review", _plan_review_conclusions),
)


def collect(call, user, today: date, sources: tuple[WorkSource, ...] = SOURCES) -> dict:
    """The user's items, overdue first, then by deadline, then oldest first.

    A service that does not answer leaves its kinds out and is named in
    ``unavailable``, so the rest of the list still shows."""
    items: list[dict] = []
    unavailable: list[str] = []
    kinds = []
    for source in sources:
        if user.role not in source.roles:
            continue
        kinds.append({"kind": source.kind, "kind_zh": source.kind_zh})
        try:
            found = source.fetch(call, user)
        except ServiceUnavailable as exc:
            log.warning("workbench: %s unavailable for %s: %s", source.service, source.kind, exc)
            if source.service not in unavailable:
                unavailable.append(source.service)
            continue
        items.extend(item.to_dict(today) for item in found)
    items.sort(key=lambda i: (not i["overdue"], i["deadline"] is None, i["deadline"] or "", i["since"] or ""))
    return {"items": items, "total": len(items), "overdue": sum(1 for i in items if i["overdue"]),
            "kinds": kinds, "unavailable": unavailable, "today": today.isoformat()}
