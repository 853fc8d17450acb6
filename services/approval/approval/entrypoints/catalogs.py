"""Art 14: the information resource catalog, versioned (§6.4; R-14-5..R-14-7, R-14-9)."""

from __future__ import annotations

import json

from itpm_common.errors import not_found
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command, query

from .. import cases, catalog_rules
from ..models import ResourceCatalog
from ..schemas import ResourceCatalogSchema
from ..verdicts import raise_any
from ..views import catalog_out
from .common import own_project

ARTICLE = catalog_rules.ARTICLE


class CatalogCommands:
    @command("submit_catalog", project_arg="project_id")
    def submit_catalog(self, project_id, payload, idempotency_key=None):
        """A new catalog version; earlier versions stay as approvals referenced them (R-14-9)."""
        ident = self.caller.require("UNIT", action_zh="报送信息资源目录", article=ARTICLE, rule="R-14-4")
        catalog = load_or_refuse(ResourceCatalogSchema(), payload)
        catalog = json.loads(cases.canonical(catalog))   # dates as text, as stored
        with self.tx.command(ident, "submit_catalog", idempotency_key=idempotency_key,
                             request={"project_id": project_id, "payload": payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            row = own_project(s, ident, project_id)
            raise_any(catalog_rules.check_catalog(catalog, cases.universal_entries(s, project_id)))
            blocker = self.framework.catalog_allocation_blocker(s, project_id, row["unit_id"], catalog)
            if blocker is not None:
                raise blocker
            latest = cases.latest_catalog(s, project_id)
            version_no = (latest.version_no if latest else 0) + 1
            entry = ResourceCatalog(project_id=project_id, version_no=version_no, unit_id=row["unit_id"],
                                    content=cases.canonical(catalog), submitted_by=ident.user_id,
                                    submitted_at=tx.now)
            s.add(entry)
            s.flush()
            facts = {"project_id": project_id, "unit_id": row["unit_id"], "unit_name": ident.unit_name,
                     "name": row["name"], "classified": bool(row["classified"]), "plan_year": row["plan_year"],
                     "category": row["category"]}
            name = "ResourceCatalogSubmitted" if version_no == 1 else "ResourceCatalogVersioned"
            tx.emit(name, project_id, {**facts, "version_no": version_no, "entries": len(catalog["entries"]),
                                       "non_sharing": catalog_rules.non_sharing(catalog)},
                    article=ARTICLE, unit_id=row["unit_id"])
            tx.audit("submit_catalog", project_id=project_id, article=ARTICLE, rule="R-14-9",
                     details={"version_no": version_no, "entries": len(catalog["entries"])})
            tx.result = catalog_out(entry)
        return tx.result

    @query
    def get_catalog(self, project_id, version_no=None):
        ident = self.caller.identity()
        with self.tx.read() as s:
            cases.visible_project(s, ident, project_id)
            entry = (cases.catalog_version(s, project_id, version_no) if version_no is not None
                     else cases.latest_catalog(s, project_id))
            if entry is None:
                raise not_found("信息资源目录", project_id)
            return catalog_out(entry)
