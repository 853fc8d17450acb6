"""The cross-department framework plan (框架方案, 第十二条): the lead department drafts
and determines it, every participant confirms the current version (T90, R-12-1..R-12-4).
The gates the approval entries apply are in ``approval.framework_gate``."""

from __future__ import annotations

import json
import uuid

from nameko.extensions import DependencyProvider
from sqlalchemy import and_, delete, exists, false, func, select
from sqlalchemy.exc import IntegrityError

from itpm_common.db import serialize_on
from itpm_common.errors import Refusal, forbidden, not_found, state_invalid, validation
from itpm_common.schemas import load_or_refuse
from itpm_common.service import command, query
from itpm_common.visibility import may_see

from .. import framework as rules
from ..framework_models import Framework, FrameworkConfirmation, FrameworkMember, FrameworkVersion
from ..models import project_projection
from ..schemas_framework import (
    FrameworkConfirmSchema,
    FrameworkContentSchema,
    FrameworkDetermineSchema,
    FrameworkEditSchema,
    FrameworkFilterSchema,
)

ARTICLE = rules.ARTICLE
# Advisory-lock keys (PostgreSQL): who claims which project, and determinations, one at a time.
MEMBERS_LOCK = "approval:framework-members"
DETERMINATION_LOCK = "approval:framework-determination"


class FrameworkTaxonomy(DependencyProvider):
    """``self.framework_taxonomy``: the content codes of A-37, from the JSON file named by
    ``FRAMEWORK_TAXONOMY_FILE`` (code → name), or the built-in default."""

    def setup(self):
        path = self.container.config.get("FRAMEWORK_TAXONOMY_FILE")
        self.taxonomy = rules.Taxonomy.from_file(path) if path else rules.Taxonomy.default()

    def get_dependency(self, worker_ctx):
        return self.taxonomy


# ---------------------------------------------------------------- reading


def _may_read(ident, fw: Framework, members: list[FrameworkMember]) -> bool:
    """§7.2: a department sees the frameworks it is in; the bureaus read all (审计 the
    non-classified, 保密 the classified metadata); anyone else nothing."""
    if ident.role == "UNIT":
        return bool(ident.unit_id) and any(m.unit_id == ident.unit_id for m in members)
    return may_see(ident, fw.lead_unit_id, fw.classified)


def _members(s, framework_id: str) -> list[FrameworkMember]:
    return s.scalars(select(FrameworkMember).where(FrameworkMember.framework_id == framework_id)).all()


def _confirmed(s, fw: Framework) -> dict[str, FrameworkConfirmation]:
    rows = s.scalars(select(FrameworkConfirmation).where(
        FrameworkConfirmation.framework_id == fw.id, FrameworkConfirmation.version_no == fw.version_no))
    return {c.unit_id: c for c in rows}


def _content(s, fw: Framework, version_no: int | None = None) -> tuple[dict, FrameworkVersion]:
    version = s.get(FrameworkVersion, (fw.id, version_no or fw.version_no))
    return json.loads(version.content), version


def _load_visible(s, ident, framework_id: str, *, lock: bool = False) -> tuple[Framework, list[FrameworkMember]]:
    fw = s.get(Framework, framework_id, with_for_update=lock, populate_existing=lock) if framework_id else None
    members = _members(s, fw.id) if fw else []
    if fw is None or not _may_read(ident, fw, members):
        raise not_found("框架方案", framework_id)
    return fw, members


def _framework_out(s, ident, fw: Framework) -> dict:
    content, version = _content(s, fw)
    confirmed = _confirmed(s, fw)
    viewer = ident.unit_id if ident.role == "UNIT" else None
    participants = [{"unit_id": p["unit_id"], "unit_name": p["unit_name"], "sub_project_id": p["sub_project_id"],
                     "confirmed": p["unit_id"] in confirmed,
                     "confirmed_at": confirmed[p["unit_id"]].confirmed_at.isoformat()
                     if p["unit_id"] in confirmed else None}
                    for p in content["participants"]]
    pending = [p["unit_id"] for p in participants if not p["confirmed"]] if fw.status == rules.DRAFTING else []
    return {
        "framework_id": fw.id, "title": fw.title, "status": fw.status, "version_no": fw.version_no,
        "determined_version_no": fw.determined_version_no, "digest": version.digest,
        "lead_unit_id": fw.lead_unit_id, "lead_unit_name": fw.lead_unit_name,
        "overall_project_id": fw.overall_project_id, "participants": participants,
        "pending_unit_ids": pending, "my_role": _role_of(ident, fw, content),
        "content": rules.content_for(content, viewer), "conflicts": json.loads(version.conflicts),
        "classified": fw.classified, "created_at": fw.created_at.isoformat(),
        "updated_at": fw.updated_at.isoformat(), "determined_by": fw.determined_by,
        "determined_at": fw.determined_at.isoformat() if fw.determined_at else None,
    }


def _role_of(ident, fw: Framework, content: dict) -> str | None:
    if ident.role != "UNIT":
        return None
    if ident.unit_id == fw.lead_unit_id:
        return rules.LEAD
    return rules.PARTICIPANT if ident.unit_id in {p["unit_id"] for p in content["participants"]} else None


def _summary_out(fw: Framework, pending: list[str]) -> dict:
    return {"framework_id": fw.id, "title": fw.title, "status": fw.status, "version_no": fw.version_no,
            "determined_version_no": fw.determined_version_no, "lead_unit_id": fw.lead_unit_id,
            "lead_unit_name": fw.lead_unit_name, "overall_project_id": fw.overall_project_id,
            "pending_unit_ids": pending, "updated_at": fw.updated_at.isoformat()}


# ---------------------------------------------------------------- writing


def _lead_only(ident, fw: Framework, action_zh: str) -> None:
    if ident.unit_id != fw.lead_unit_id:
        raise forbidden(action_zh, ident.role, article=ARTICLE, rule="R-12-1", allowed=["UNIT（牵头部门）"])


def _check_projects(s, content: dict) -> bool:
    """Every project id is a project of the department it is named for (approval's
    projection of planning's facts); answers whether any of them is classified."""
    wanted = {content["overall_project_id"]: (content["lead_unit_id"], "overall_project_id")}
    for i, p in enumerate(content["participants"]):
        wanted.setdefault(p["sub_project_id"], (p["unit_id"], f"participants.{i}.sub_project_id"))
    table = project_projection
    rows = {r["project_id"]: r for r in s.execute(
        select(table).where(table.c.project_id.in_(list(wanted)))).mappings()}
    errors = {field: ["项目不存在，或不是该部门的项目"] for pid, (unit, field) in wanted.items()
              if pid not in rows or rows[pid]["unit_id"] != unit}
    if errors:
        raise validation(errors)
    return any(bool(r["classified"]) for r in rows.values())


def _claim_projects(s, fw_id: str, content: dict) -> list[FrameworkMember]:
    """Members of the new version; a project already in another framework is a DUPLICATE."""
    serialize_on(s, MEMBERS_LOCK)
    projects = rules.project_ids(content)
    taken = s.scalars(select(FrameworkMember).where(FrameworkMember.project_id.in_(list(projects.values())),
                                                    FrameworkMember.framework_id != fw_id)).all()
    if taken:
        raise Refusal(code="DUPLICATE", rule="R-0-1", article=ARTICLE,
                      reason_zh="项目已属于另一个跨部门框架方案，一个项目只能属于一个框架方案",
                      details={"projects": [{"project_id": m.project_id, "framework_id": m.framework_id}
                                            for m in taken]})
    s.execute(delete(FrameworkMember).where(FrameworkMember.framework_id == fw_id))
    names = rules.unit_names(content)
    members = [FrameworkMember(framework_id=fw_id, unit_id=unit, unit_name=names[unit], project_id=pid,
                               role=rules.LEAD if unit == content["lead_unit_id"] else rules.PARTICIPANT)
               for unit, pid in projects.items()]
    s.add_all(members)
    try:
        s.flush()
    except IntegrityError:
        raise Refusal(code="DUPLICATE", rule="R-0-1", article=ARTICLE,
                      reason_zh="项目已属于另一个跨部门框架方案，一个项目只能属于一个框架方案",
                      details={"project_ids": sorted(projects.values())}) from None
    return members


def _determined_others(s, fw_id: str | None) -> list[tuple[str, dict]]:
    rows = s.execute(select(Framework.id, FrameworkVersion.content).join(FrameworkVersion, and_(
        FrameworkVersion.framework_id == Framework.id,
        FrameworkVersion.version_no == Framework.determined_version_no)).where(
        Framework.status == rules.DETERMINED, Framework.id != (fw_id or ""))).all()
    return [(r.id, json.loads(r.content)) for r in rows]


def _validated(payload_content: dict, ident, taxonomy: rules.Taxonomy) -> dict:
    content = {**payload_content, "lead_unit_id": ident.unit_id, "lead_unit_name": ident.unit_name}
    refusal = rules.participants_refusal(content["lead_unit_id"], content["participants"])
    if refusal:
        raise refusal
    errors = rules.structural_errors(content, taxonomy)
    if errors:
        raise validation(errors)
    return content


def _event_data(fw: Framework, content: dict, **extra) -> dict:
    return {"framework_id": fw.id, "title": fw.title, "status": fw.status, "version_no": fw.version_no,
            "lead_unit_id": fw.lead_unit_id, "lead_unit_name": fw.lead_unit_name,
            "participant_unit_ids": [p["unit_id"] for p in content["participants"]],
            "overall_project_id": content["overall_project_id"],
            "project_ids": list(rules.project_ids(content).values()), **extra}


def _save_version(tx, fw: Framework, content: dict) -> list[dict]:
    """Writes the version, emits FrameworkDrafted and, when it overlaps (R-12-3),
    FrameworkConflictDetected: a draft may be saved with conflicts."""
    s = tx.session
    conflicts = rules.overlaps(content, _determined_others(s, fw.id))
    s.add(FrameworkVersion(framework_id=fw.id, version_no=fw.version_no,
                           content=json.dumps(content, ensure_ascii=False), digest=rules.digest(content),
                           conflicts=json.dumps(conflicts, ensure_ascii=False),
                           saved_by=tx.actor.user_id, saved_at=tx.now))
    s.flush()
    tx.emit("FrameworkDrafted", fw.id, _event_data(fw, content, digest=rules.digest(content)),
            article=ARTICLE, unit_id=fw.lead_unit_id)
    if conflicts:
        tx.emit("FrameworkConflictDetected", fw.id, _event_data(fw, content, conflicts=conflicts),
                article=ARTICLE, unit_id=fw.lead_unit_id)
    return conflicts


class FrameworkCommands:
    framework_taxonomy = FrameworkTaxonomy()

    @command("create_framework")
    def create_framework(self, payload, idempotency_key=None):
        """The lead department drafts a framework (version 1) for its overall project."""
        ident = self.caller.require("UNIT", action_zh="编制跨部门项目框架方案", article=ARTICLE, rule="R-12-1")
        content = _validated(load_or_refuse(FrameworkContentSchema(), payload), ident, self.framework_taxonomy)
        with self.tx.command(ident, "create_framework", idempotency_key=idempotency_key, request=payload) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            classified = _check_projects(s, content)
            fw = Framework(id=str(uuid.uuid4()), title=content["title"], lead_unit_id=ident.unit_id,
                           lead_unit_name=ident.unit_name, overall_project_id=content["overall_project_id"],
                           status=rules.DRAFTING, version_no=1, classified=classified, created_by=ident.user_id,
                           created_at=tx.now, updated_at=tx.now)
            s.add(fw)
            s.flush()
            _claim_projects(s, fw.id, content)
            conflicts = _save_version(tx, fw, content)
            tx.audit("create_framework", project_id=fw.overall_project_id, article=ARTICLE, rule="R-12-1",
                     details={"framework_id": fw.id, "version_no": 1, "conflicts": len(conflicts)})
            tx.result = _framework_out(s, ident, fw)
        return tx.result

    @command("edit_framework")
    def edit_framework(self, framework_id, payload, idempotency_key=None):
        """The lead saves a new version. Every confirmation is reset (R-12-4); a determined
        framework goes back to DRAFTING and must be confirmed and determined again [I]."""
        ident = self.caller.require("UNIT", action_zh="修改跨部门项目框架方案", article=ARTICLE, rule="R-12-1")
        p = load_or_refuse(FrameworkEditSchema(), payload)
        expected = p.pop("version_no")
        with self.tx.command(ident, "edit_framework", idempotency_key=idempotency_key,
                             request={"framework_id": framework_id, **payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            fw, _ = _load_visible(s, ident, framework_id, lock=True)
            _lead_only(ident, fw, "修改跨部门项目框架方案")
            if fw.version_no != expected:
                raise state_invalid("框架方案已有新版本，请刷新后在最新版本上修改", fw.status, rule="R-0-2",
                                    article=ARTICLE, expected_version_no=expected, current_version_no=fw.version_no)
            content = _validated(p, ident, self.framework_taxonomy)
            fw.classified = _check_projects(s, content)
            previous, was_status = fw.version_no, fw.status
            reset = sorted(_confirmed(s, fw))
            fw.title, fw.overall_project_id = content["title"], content["overall_project_id"]
            fw.version_no, fw.status, fw.updated_at = previous + 1, rules.DRAFTING, tx.now
            s.flush()
            _claim_projects(s, fw.id, content)
            conflicts = _save_version(tx, fw, content)
            if reset or was_status == rules.DETERMINED:
                tx.emit("FrameworkConfirmationsReset", fw.id,
                        _event_data(fw, content, previous_version_no=previous, reset_unit_ids=reset,
                                    previous_status=was_status),
                        article=ARTICLE, unit_id=fw.lead_unit_id)
            tx.audit("edit_framework", project_id=fw.overall_project_id, article=ARTICLE, rule="R-12-4",
                     details={"framework_id": fw.id, "version_no": fw.version_no, "previous_status": was_status,
                              "reset_unit_ids": reset, "conflicts": len(conflicts)})
            tx.result = _framework_out(s, ident, fw)
        return tx.result

    @command("confirm_framework")
    def confirm_framework(self, framework_id, payload, idempotency_key=None):
        """A participant confirms the version it read (R-12-4, R-0-2)."""
        ident = self.caller.require("UNIT", action_zh="确认跨部门项目框架方案", article=ARTICLE, rule="R-12-4")
        p = load_or_refuse(FrameworkConfirmSchema(), payload)
        with self.tx.command(ident, "confirm_framework", idempotency_key=idempotency_key,
                             request={"framework_id": framework_id, **payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            fw, members = _load_visible(s, ident, framework_id, lock=True)
            if not any(m.unit_id == ident.unit_id and m.role == rules.PARTICIPANT for m in members):
                raise forbidden("确认该框架方案（仅列明的参建部门可确认）", ident.role, article=ARTICLE,
                                rule="R-12-4", allowed=["UNIT（参建部门）"])
            if fw.status != rules.DRAFTING:
                raise state_invalid("框架方案已确定，无需再确认；如需变更，由牵头部门修改形成新版本", fw.status,
                                    article=ARTICLE, rule="R-12-4", version_no=fw.version_no)
            if p["version_no"] != fw.version_no:
                raise state_invalid("框架方案已修改为新版本，请阅读最新版本后再确认", fw.status, rule="R-0-2",
                                    article=ARTICLE, expected_version_no=p["version_no"],
                                    current_version_no=fw.version_no)
            confirmed = _confirmed(s, fw)
            if ident.unit_id in confirmed:
                raise Refusal(code="DUPLICATE", rule="R-12-4", article=ARTICLE,
                              reason_zh=f"本部门已确认框架方案第{fw.version_no}版",
                              details={"framework_id": fw.id, "version_no": fw.version_no})
            s.add(FrameworkConfirmation(framework_id=fw.id, version_no=fw.version_no, unit_id=ident.unit_id,
                                        opinion=p["opinion"], confirmed_by=ident.user_id,
                                        confirmed_by_name=ident.name, confirmed_at=tx.now))
            s.flush()
            content, _ = _content(s, fw)
            pending = rules.pending_units((p_["unit_id"] for p_ in content["participants"]),
                                          [*confirmed, ident.unit_id])
            tx.emit("FrameworkParticipantConfirmed", fw.id,
                    _event_data(fw, content, unit_id=ident.unit_id, unit_name=ident.unit_name,
                                pending_unit_ids=pending),
                    article=ARTICLE, unit_id=ident.unit_id)
            tx.audit("confirm_framework", project_id=fw.overall_project_id, article=ARTICLE, rule="R-12-4",
                     details={"framework_id": fw.id, "version_no": fw.version_no, "pending_unit_ids": pending})
            tx.result = _framework_out(s, ident, fw)
        return tx.result

    @command("determine_framework")
    def determine_framework(self, framework_id, payload, idempotency_key=None):
        """T90 DRAFTING → DETERMINED by the lead: complete (R-12-2), without overlap (R-12-3),
        every participant has confirmed this version (R-12-4)."""
        ident = self.caller.require("UNIT", action_zh="确定跨部门项目框架方案", article=ARTICLE, rule="R-12-1")
        p = load_or_refuse(FrameworkDetermineSchema(), payload)
        with self.tx.command(ident, "determine_framework", idempotency_key=idempotency_key,
                             request={"framework_id": framework_id, **payload}) as tx:
            if tx.replayed:
                return tx.result
            s = tx.session
            # Two frameworks determined at once must each see the other (R-12-3 across frameworks).
            serialize_on(s, DETERMINATION_LOCK)
            fw, _ = _load_visible(s, ident, framework_id, lock=True)
            _lead_only(ident, fw, "确定跨部门项目框架方案")
            if fw.status != rules.DRAFTING:
                raise state_invalid("框架方案已确定；如需变更，由牵头部门修改形成新版本", fw.status,
                                    article=ARTICLE, rule="R-12-4", version_no=fw.version_no)
            if p["version_no"] != fw.version_no:
                raise state_invalid("框架方案已有新版本，请刷新后再确定", fw.status, rule="R-0-2", article=ARTICLE,
                                    expected_version_no=p["version_no"], current_version_no=fw.version_no)
            content, _ = _content(s, fw)
            refusal = rules.determination_refusal(content, _determined_others(s, fw.id), _confirmed(s, fw),
                                                  fw.version_no)
            if refusal:
                raise refusal
            fw.status, fw.determined_version_no = rules.DETERMINED, fw.version_no
            fw.determined_by, fw.determined_at, fw.updated_at = ident.user_id, tx.now, tx.now
            s.flush()
            allocations = {u: rules.allocated_codes(content, u) for u in rules.unit_ids(content)}
            tx.emit("FrameworkDetermined", fw.id,
                    _event_data(fw, content, sub_projects={q["unit_id"]: q["sub_project_id"]
                                                           for q in content["participants"]},
                                allocations=allocations,
                                catalog_resources={u: [r["resource_code"] for r in content["data_catalog"]
                                                       if r["provider_unit_id"] == u]
                                                   for u in rules.unit_ids(content)}),
                    article=ARTICLE, unit_id=fw.lead_unit_id)
            tx.audit("determine_framework", project_id=fw.overall_project_id, article=ARTICLE, rule="R-12-4",
                     details={"framework_id": fw.id, "version_no": fw.version_no})
            tx.result = _framework_out(s, ident, fw)
        return tx.result

    @query
    def get_framework(self, framework_id):
        ident = self.caller.identity()
        with self.tx.read() as s:
            fw, _ = _load_visible(s, ident, framework_id)
            return _framework_out(s, ident, fw)

    @query
    def get_project_framework(self, project_id):
        """The framework a project belongs to; None for a project the caller may see that is in none."""
        ident = self.caller.identity()
        with self.tx.read() as s:
            member = s.scalars(select(FrameworkMember).where(FrameworkMember.project_id == project_id)).first()
            if member is not None:
                fw = s.get(Framework, member.framework_id)
                if _may_read(ident, fw, _members(s, fw.id)):
                    return _framework_out(s, ident, fw)
                raise not_found("项目", project_id)
            table = project_projection
            row = s.execute(select(table).where(table.c.project_id == project_id)).mappings().first()
            if row is None or not may_see(ident, row["unit_id"], row["classified"]):
                raise not_found("项目", project_id)
            return None

    @query
    def list_frameworks(self, filters=None):
        """``scope``: ``mine`` (the department's frameworks) or ``awaiting_me`` (drafts whose current
        version waits for its confirmation); a department only ever lists its own."""
        ident = self.caller.identity()
        f = load_or_refuse(FrameworkFilterSchema(), filters or {})
        mine = exists().where(FrameworkMember.framework_id == Framework.id,
                              FrameworkMember.unit_id == ident.unit_id)
        if ident.role == "UNIT":
            q = select(Framework).where(mine) if ident.unit_id else select(Framework).where(false())
        elif ident.role == "SJ":
            q = select(Framework).where(Framework.classified.is_(False))
        elif ident.role == "BM":
            q = select(Framework).where(Framework.classified.is_(True))
        elif ident.reads_all:
            q = select(Framework)
        else:
            q = select(Framework).where(false())
        if f["scope"] and ident.role != "UNIT":
            q = q.where(false())
        if f["scope"] == "awaiting_me":
            confirmed = exists().where(FrameworkConfirmation.framework_id == Framework.id,
                                       FrameworkConfirmation.version_no == Framework.version_no,
                                       FrameworkConfirmation.unit_id == ident.unit_id)
            participant = exists().where(FrameworkMember.framework_id == Framework.id,
                                         FrameworkMember.unit_id == ident.unit_id,
                                         FrameworkMember.role == rules.PARTICIPANT)
            q = q.where(Framework.status == rules.DRAFTING, participant, ~confirmed)
        if f["status"]:
            q = q.where(Framework.status == f["status"])
        with self.tx.read() as s:
            total = s.scalar(select(func.count()).select_from(q.subquery()))
            rows = s.scalars(q.order_by(Framework.updated_at.desc(), Framework.id)
                             .offset((f["page"] - 1) * f["page_size"]).limit(f["page_size"])).all()
            items = []
            for fw in rows:
                pending = []
                if fw.status == rules.DRAFTING:
                    done = _confirmed(s, fw)
                    pending = [m.unit_id for m in _members(s, fw.id)
                               if m.role == rules.PARTICIPANT and m.unit_id not in done]
                items.append(_summary_out(fw, sorted(pending)))
        return {"items": items, "total": total, "page": f["page"], "page_size": f["page_size"]}
