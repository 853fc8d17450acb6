"""The annual plan as copied to 发改 (R-8-4): which BUILD projects are
plan-listed, by the latest approved version of each year's plan.

Runs inside the consumer's unit of work; nothing here commits or publishes."""

from __future__ import annotations

from sqlalchemy import select

from itpm_common.clock import SHANGHAI
from itpm_common.events import CloudEvent

from .models import PlanCopy, PlanListing

LISTED, STRUCK = "LISTED", "STRUCK"
STATUSES = (LISTED, STRUCK)
BUILD = "BUILD"
ARTICLE = "第八条"


def _iso(dt) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        # SQLite keeps the wall time without its offset; every stored time
        # came from the service clock, which reads Asia/Shanghai.
        dt = dt.replace(tzinfo=SHANGHAI)
    return dt.astimezone(SHANGHAI).isoformat()


def record_copy(tx, event: CloudEvent) -> None:
    """Apply one copied plan version: its BUILD items are listed, items an
    amendment dropped are struck. An older or repeated version changes nothing."""
    d = event.data
    s = tx.session
    year, version = int(d["plan_year"]), int(d["version_no"])
    # Locked: two versions of one year's plan applied at once must not both
    # judge against the same previous version.
    copy = s.scalars(select(PlanCopy).where(PlanCopy.plan_year == year).with_for_update()).first()
    if copy is not None and version <= copy.version_no:
        return
    build = {i["project_id"]: i for i in d.get("items", []) if i.get("category") == BUILD}
    if copy is None:
        copy = PlanCopy(plan_year=year)
        s.add(copy)
    copy.plan_id, copy.version_no, copy.build_items = d["plan_id"], version, len(build)
    copy.received_at, copy.event_id = tx.now, event.id

    existing = {r.project_id: r for r in s.scalars(select(PlanListing).where(PlanListing.plan_year == year))}
    listed, struck = [], []
    for project_id, item in build.items():
        row = existing.get(project_id)
        if row is None:
            row = PlanListing(project_id=project_id, plan_year=year, first_listed_version=version,
                              listed_at=tx.now)
            s.add(row)
        elif row.status == STRUCK:
            row.listed_at = tx.now
        row.plan_id, row.plan_version, row.status, row.updated_at = d["plan_id"], version, LISTED, tx.now
        row.section_rank, row.origin = item.get("section_rank"), item.get("origin")
        row.build_kind, row.estimate_fen = item.get("build_kind"), item.get("estimate_fen")
        row.unit_id, row.unit_name = item.get("unit_id") or "", item.get("unit_name") or ""
        row.project_name = item.get("name") or ""
        row.classified = bool(item.get("classified", False))
        listed.append(project_id)
    for project_id, row in existing.items():
        if project_id not in build and row.status == LISTED:
            row.status, row.plan_id, row.plan_version, row.updated_at = STRUCK, d["plan_id"], version, tx.now
            struck.append(project_id)
    s.flush()
    tx.audit("record_plan_listing", article=ARTICLE, rule="R-8-4",
             details={"plan_id": d["plan_id"], "plan_year": year, "version_no": version,
                      "listed": sorted(listed), "struck": sorted(struck), "trigger_event_id": event.id})


def listing_out(r: PlanListing) -> dict:
    return {"project_id": r.project_id, "plan_year": r.plan_year, "plan_id": r.plan_id,
            "plan_version": r.plan_version, "first_listed_version": r.first_listed_version,
            "listed": r.status == LISTED, "status": r.status, "section_rank": r.section_rank, "origin": r.origin,
            "build_kind": r.build_kind, "unit_id": r.unit_id, "unit_name": r.unit_name, "name": r.project_name,
            "estimate_fen": r.estimate_fen, "classified": r.classified, "listed_at": _iso(r.listed_at),
            "updated_at": _iso(r.updated_at)}
