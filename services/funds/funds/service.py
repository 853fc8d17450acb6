"""funds' nameko entrypoints: thin; rules live in rules.py."""

from __future__ import annotations

from sqlalchemy import func, select

from itpm_common import projection
from itpm_common.clock import SHANGHAI
from itpm_common.consumer import consume_events
from itpm_common.errors import not_found
from itpm_common.events import CloudEvent
from itpm_common.schemas import load_or_refuse
from itpm_common.service import ServiceBase, query
from itpm_common.uow import Transactions

from . import rules
from .models import infra, project_projection
from .schemas import ProjectionFilterSchema
from .topology import SUBSCRIBES

_p = project_projection


def _projection_out(row) -> dict:
    out = dict(row)
    at = out["updated_at"]
    # SQLite drops the offset of a timezone-aware column; every writer uses
    # the service clock, which is in Asia/Shanghai.
    at = at.replace(tzinfo=SHANGHAI) if at.tzinfo is None else at.astimezone(SHANGHAI)
    out["updated_at"] = at.isoformat()
    return out


class FundsService(ServiceBase):
    name = "funds"
    tx = Transactions(infra)

    @consume_events(SUBSCRIBES)
    def on_event(self, event: CloudEvent):
        with self.tx.event(event, consumer=self.name) as tx:
            if tx.replayed:
                return
            projection.apply(tx.session, _p, event, tx.now)

    @query
    def get_projection(self, project_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            row = s.execute(select(_p).where(_p.c.project_id == project_id)).mappings().first()
        if row is None or not rules.may_see(ident, row["unit_id"]):
            raise not_found("项目", project_id)
        return _projection_out(row)

    @query
    def list_projections(self, filters=None):
        ident = self.caller.identity()
        f = load_or_refuse(ProjectionFilterSchema(), filters or {})
        q = select(_p).where(rules.visible(ident, _p.c.unit_id))
        for key in ("state", "plan_year"):
            if f[key] is not None:
                q = q.where(_p.c[key] == f[key])
        with self.tx.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery()))
            rows = s.execute(q.order_by(_p.c.updated_at.desc(), _p.c.project_id)
                             .offset((f["page"] - 1) * f["page_size"]).limit(f["page_size"])).mappings()
            items = [_projection_out(r) for r in rows]
        return {"items": items, "total": total, "page": f["page"], "page_size": f["page_size"]}
