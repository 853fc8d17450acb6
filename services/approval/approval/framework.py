"""第十二条 (cross-department projects) as pure functions over a framework's content.

The content is the dict ``schemas_framework.FrameworkContentSchema`` loads, plus
``lead_unit_id``/``lead_unit_name`` from the lead's identity. The ``*_refusal``
functions turn what is wrong into the refusal rules.md prescribes, or None.

Overlap (R-12-3, A-37 [I]): content items carry codes of a configurable
taxonomy with dotted levels ("APP.SERVICE.HOUSEHOLD"). Two codes overlap when
they are equal or one contains the other ("APP.SERVICE" ⊇ "APP.SERVICE.X"):
a department building the whole of a content area builds its parts too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from itpm_common.errors import Refusal

ARTICLE = "第十二条"
DRAFTING, DETERMINED = "DRAFTING", "DETERMINED"
LEAD, PARTICIPANT = "LEAD", "PARTICIPANT"

# A modest default; a deployment replaces it with its own (FRAMEWORK_TAXONOMY_FILE).
DEFAULT_TAXONOMY = {
    "INFRA": "基础设施",
    "INFRA.CLOUD": "政务云计算与存储资源",
    "INFRA.NETWORK": "电子政务网络",
    "INFRA.DATACENTER": "数据中心、机房",
    "INFRA.SECURITY": "信息安全基础设施",
    "DATA": "信息资源库",
    "DATA.POPULATION": "人口基础信息库",
    "DATA.LEGAL_ENTITY": "法人单位基础信息库",
    "DATA.GEOSPATIAL": "自然资源和空间地理基础信息库",
    "DATA.ECONOMY": "宏观经济信息库",
    "DATA.CREDIT": "社会信用信息库",
    "DATA.LICENSE": "电子证照库",
    "DATA.THEME": "主题库、专题库",
    "APP": "业务应用",
    "APP.SERVICE": "政务服务办理",
    "APP.REGULATION": "监管执法",
    "APP.EMERGENCY": "应急指挥",
    "APP.DECISION": "分析决策",
    "APP.OFFICE": "协同办公",
    "APP.PORTAL": "门户与移动端",
    "SUPPORT": "应用支撑",
    "SUPPORT.IDENTITY": "统一身份认证",
    "SUPPORT.EXCHANGE": "数据共享交换",
    "SUPPORT.SEAL": "电子印章",
    "SUPPORT.GIS": "地理信息公共服务",
    "SUPPORT.MESSAGE": "统一消息与通知",
    "STANDARD": "标准规范",
}


@dataclass(frozen=True)
class Taxonomy:
    """The content codes an allocation item may carry (A-37)."""

    names: Mapping[str, str]

    def knows(self, code: str) -> bool:
        return code in self.names

    @classmethod
    def default(cls) -> Taxonomy:
        return cls(DEFAULT_TAXONOMY)

    @classmethod
    def from_file(cls, path: str) -> Taxonomy:
        with open(path, encoding="utf-8") as handle:
            names = json.load(handle)
        if not isinstance(names, dict) or not names or not all(
                isinstance(k, str) and k and isinstance(v, str) for k, v in names.items()):
            raise ValueError(f"{path}: the taxonomy must be a JSON object of code → name")
        return cls(names)


def codes_overlap(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def within(code: str, allocated: Iterable[str]) -> bool:
    """``code`` is one of the allocated codes or a part of one (R-12-6)."""
    return any(code == a or code.startswith(a + ".") for a in allocated)


def digest(content: Mapping) -> str:
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _blank(text) -> bool:
    return not (text or "").strip()


def unit_ids(content: Mapping) -> list[str]:
    """The lead first, then the participants in their listed order."""
    return [content["lead_unit_id"], *(p["unit_id"] for p in content["participants"])]


def unit_names(content: Mapping) -> dict[str, str]:
    return {content["lead_unit_id"]: content["lead_unit_name"],
            **{p["unit_id"]: p["unit_name"] for p in content["participants"]}}


def project_ids(content: Mapping) -> dict[str, str]:
    """unit id → its project: the overall project for the lead, the sub-project for a participant."""
    return {content["lead_unit_id"]: content["overall_project_id"],
            **{p["unit_id"]: p["sub_project_id"] for p in content["participants"]}}


# ---------------------------------------------------------------- R-12-1


def participants_refusal(lead_unit_id: str, participants: list[Mapping]) -> Refusal | None:
    """R-12-1: one lead and at least one other participating department [I ≥ 1]."""
    others = {p["unit_id"] for p in participants} - {lead_unit_id}
    if others:
        return None
    return Refusal(code="E12-PARTICIPANTS-MISSING", rule="R-12-1", article=ARTICLE,
                   reason_zh="跨部门项目的框架方案应由牵头部门会同至少一个其他参建部门共同设计，尚未列明参建部门",
                   details={"lead_unit_id": lead_unit_id, "participant_unit_ids": sorted(others)})


# ---------------------------------------------------------------- structure (VALIDATION)


def structural_errors(content: Mapping, taxonomy: Taxonomy) -> dict[str, list[str]]:
    """Field errors that make the content meaningless rather than incomplete:
    references to departments, items or codes that do not exist, duplicates."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    lead = content["lead_unit_id"]
    seen_units, seen_projects = {lead}, {content["overall_project_id"]}
    for i, p in enumerate(content["participants"]):
        if p["unit_id"] in seen_units:
            add(f"participants.{i}.unit_id", "参建部门重复，或与牵头部门相同")
        seen_units.add(p["unit_id"])
        if p["sub_project_id"] in seen_projects:
            add(f"participants.{i}.sub_project_id", "子项目重复，或与总体项目相同")
        seen_projects.add(p["sub_project_id"])
    units = set(unit_ids(content))

    def known_unit(field, unit_id, *, nullable=False):
        if unit_id is None and nullable:
            return
        if unit_id not in units:
            add(field, "不是本框架方案的牵头或参建部门")

    section_units = set()
    for i, d in enumerate(content["departments"]):
        known_unit(f"departments.{i}.unit_id", d["unit_id"])
        if d["unit_id"] in section_units:
            add(f"departments.{i}.unit_id", "同一部门只能有一节业务流、数据流及系统接口说明")
        section_units.add(d["unit_id"])
        for j, flow in enumerate(d["data_flows"]):
            known_unit(f"departments.{i}.data_flows.{j}.counterpart_unit_id", flow["counterpart_unit_id"],
                       nullable=True)
        for j, iface in enumerate(d["interfaces"]):
            known_unit(f"departments.{i}.interfaces.{j}.counterpart_unit_id", iface["counterpart_unit_id"],
                       nullable=True)
    codes = set()
    for i, r in enumerate(content["data_catalog"]):
        known_unit(f"data_catalog.{i}.provider_unit_id", r["provider_unit_id"])
        if r["resource_code"] in codes:
            add(f"data_catalog.{i}.resource_code", "资源代码在初步数据目录中重复")
        codes.add(r["resource_code"])
    item_ids = set()
    for i, item in enumerate(content["allocation"]):
        known_unit(f"allocation.{i}.unit_id", item["unit_id"])
        if not taxonomy.knows(item["code"]):
            add(f"allocation.{i}.code", "不在建设内容分类代码表中")
        if item["item_id"] in item_ids:
            add(f"allocation.{i}.item_id", "建设内容编号重复")
        item_ids.add(item["item_id"])
    for i, eq in enumerate(content["equivalences"]):
        unknown = [x for x in eq["item_ids"] if x not in item_ids]
        if unknown:
            add(f"equivalences.{i}.item_ids", f"建设内容编号不存在：{'、'.join(unknown)}")
        if len(set(eq["item_ids"])) < 2:
            add(f"equivalences.{i}.item_ids", "等同声明至少涉及两个不同的建设内容")
    return errors


# ---------------------------------------------------------------- R-12-2 completeness (§6.5)


def missing_items(content: Mapping) -> list[dict]:
    """The §6.5 items the content lacks, each with the department it concerns (None: the framework as a whole)."""
    missing: list[dict] = []
    if _blank(content.get("goals")):
        missing.append({"item": "建设目标", "department": None})
    if _blank(content.get("main_content")):
        missing.append({"item": "主体内容", "department": None})
    sections = {d["unit_id"]: d for d in content["departments"]}
    for unit in unit_ids(content):
        section = sections.get(unit)
        if section is None or _blank(section.get("business_flow")):
            missing.append({"item": "业务流", "department": unit})
        if section is None or not section.get("data_flows"):
            missing.append({"item": "数据流", "department": unit})
        if section is None or not section.get("interfaces"):
            missing.append({"item": "系统接口", "department": unit})
    if not content["data_catalog"]:
        missing.append({"item": "初步数据目录", "department": None})
    for r in content["data_catalog"]:
        if not r.get("data_items"):
            missing.append({"item": f"初步数据目录资源“{r['name']}”的数据项", "department": r["provider_unit_id"]})
    allocated = {item["unit_id"] for item in content["allocation"]}
    for unit in unit_ids(content):
        # A department with nothing allocated could build nothing under R-12-6 [I].
        if unit not in allocated:
            missing.append({"item": "建设内容分工", "department": unit})
    return missing


def incompleteness_refusal(content: Mapping) -> Refusal | None:
    missing = missing_items(content)
    if not missing:
        return None
    names = unit_names(content)
    listed = "；".join(f"{names.get(m['department'], '') + '：' if m['department'] else ''}{m['item']}"
                      for m in missing)
    return Refusal(code="E12-FRAMEWORK-INCOMPLETE", rule="R-12-2", article=ARTICLE,
                   reason_zh=f"框架方案内容不完整，缺少：{listed}",
                   details={"missing": [{**m, "department_name": names.get(m["department"])} for m in missing]})


# ---------------------------------------------------------------- R-12-3 overlap


def _item_ref(item: Mapping, framework_id: str | None = None) -> dict:
    ref = {"item_id": item["item_id"], "name": item["name"], "code": item["code"], "unit_id": item["unit_id"]}
    if framework_id is not None:
        ref["framework_id"] = framework_id
    return ref


def overlaps(content: Mapping, others: Iterable[tuple[str, Mapping]] = ()) -> list[dict]:
    """Every overlap (R-12-3): overlapping codes in two departments, declared
    equivalents in two departments, and items overlapping an item of another
    framework (``others``: the determined ones, as (framework_id, content))."""
    conflicts: list[dict] = []
    items = content["allocation"]
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a["unit_id"] != b["unit_id"] and codes_overlap(a["code"], b["code"]):
                conflicts.append({"kind": "SAME_CODE", "items": [_item_ref(a), _item_ref(b)],
                                  "departments": [a["unit_id"], b["unit_id"]]})
    by_id = {item["item_id"]: item for item in items}
    for eq in content["equivalences"]:
        group = [by_id[x] for x in dict.fromkeys(eq["item_ids"]) if x in by_id]
        departments = list(dict.fromkeys(item["unit_id"] for item in group))
        if len(departments) > 1:
            conflicts.append({"kind": "DECLARED_EQUIVALENT", "items": [_item_ref(x) for x in group],
                              "departments": departments})
    for other_id, other in others:
        for a in items:
            for b in other["allocation"]:
                if codes_overlap(a["code"], b["code"]):
                    conflicts.append({"kind": "OTHER_FRAMEWORK", "framework_id": other_id,
                                      "items": [_item_ref(a), _item_ref(b, other_id)],
                                      "departments": list(dict.fromkeys([a["unit_id"], b["unit_id"]]))})
    return conflicts


def overlap_refusal(conflicts: list[dict]) -> Refusal | None:
    if not conflicts:
        return None
    items = list(dict.fromkeys(ref["name"] for c in conflicts for ref in c["items"]))
    departments = list(dict.fromkeys(u for c in conflicts for u in c["departments"]))
    return Refusal(code="E12-CONTENT-OVERLAP", rule="R-12-3", article=ARTICLE,
                   reason_zh=f"各部门建设内容存在重复交叉，不得确定框架方案：{'、'.join(items)}",
                   details={"items": items, "departments": departments, "conflicts": conflicts})


# ---------------------------------------------------------------- R-12-4 confirmation


def pending_units(participant_unit_ids: Iterable[str], confirmed_unit_ids: Iterable[str]) -> list[str]:
    confirmed = set(confirmed_unit_ids)
    return [u for u in participant_unit_ids if u not in confirmed]


def confirmation_refusal(content: Mapping, confirmed_unit_ids: Iterable[str], version_no: int) -> Refusal | None:
    """R-12-4: every participant has confirmed the current version."""
    pending = pending_units((p["unit_id"] for p in content["participants"]), confirmed_unit_ids)
    if not pending:
        return None
    names = unit_names(content)
    return Refusal(code="E12-FRAMEWORK-NOT-CONFIRMED", rule="R-12-4", article=ARTICLE,
                   reason_zh=f"框架方案第{version_no}版尚待以下参建部门确认：{'、'.join(names[u] for u in pending)}",
                   details={"version_no": version_no, "pending_unit_ids": pending,
                            "pending_departments": [names[u] for u in pending]})


def determination_refusal(content: Mapping, others: Iterable[tuple[str, Mapping]],
                          confirmed_unit_ids: Iterable[str], version_no: int) -> Refusal | None:
    """T90: R-12-1, then R-12-2, R-12-3 and R-12-4, the first that fails."""
    return (participants_refusal(content["lead_unit_id"], content["participants"])
            or incompleteness_refusal(content)
            or overlap_refusal(overlaps(content, others))
            or confirmation_refusal(content, confirmed_unit_ids, version_no))


# ---------------------------------------------------------------- R-12-5..R-12-7 (the approval gates)


def not_determined_refusal(framework_id: str, status: str, version_no: int, project_id: str) -> Refusal:
    return Refusal(code="E12-FRAMEWORK-NOT-DETERMINED", rule="R-12-5", article=ARTICLE,
                   reason_zh="跨部门项目须在框架方案确定后方可履行报批程序，该项目所属的框架方案尚未确定",
                   details={"framework_id": framework_id, "status": status, "version_no": version_no,
                            "project_id": project_id})


def overall_by_other_refusal(framework_id: str, project_id: str, lead_unit_id: str, unit_id: str) -> Refusal:
    return Refusal(code="AUTH-FORBIDDEN", rule="R-12-5", article=ARTICLE,
                   reason_zh="跨部门项目的总体项目由牵头部门会同参建部门报批，参建部门不得自行报送",
                   details={"framework_id": framework_id, "project_id": project_id,
                            "lead_unit_id": lead_unit_id, "unit_id": unit_id})


def entry_refusal(*, framework_id: str, status: str, version_no: int, project_id: str, project_unit_id: str,
                  role: str, lead_unit_id: str, unit_id: str) -> Refusal | None:
    """R-12-5: no approval entry for the overall project or a sub-project before DETERMINED;
    the overall project is the lead's to submit."""
    if unit_id != project_unit_id:
        if role == LEAD:
            return overall_by_other_refusal(framework_id, project_id, lead_unit_id, unit_id)
        return Refusal(code="AUTH-FORBIDDEN", rule="R-12-5", article=ARTICLE,
                       reason_zh="参建部门的子项目只能由该参建部门报批",
                       details={"framework_id": framework_id, "project_id": project_id, "unit_id": unit_id})
    if status != DETERMINED:
        return not_determined_refusal(framework_id, status, version_no, project_id)
    return None


def allocated_codes(content: Mapping, unit_id: str) -> list[str]:
    return [item["code"] for item in content["allocation"] if item["unit_id"] == unit_id]


def outside_allocation_refusal(content: Mapping, unit_id: str, content_codes: Iterable[str], *,
                               framework_id: str, version_no: int, project_id: str) -> Refusal | None:
    """R-12-6: a department's sub-project content lies within its allocation."""
    allocated = allocated_codes(content, unit_id)
    outside = list(dict.fromkeys(c for c in content_codes if not within(c, allocated)))
    if not outside:
        return None
    return Refusal(code="E12-OUTSIDE-ALLOCATION", rule="R-12-6", article=ARTICLE,
                   reason_zh=f"项目建设内容超出框架方案分配给本部门的范围：{'、'.join(outside)}",
                   details={"framework_id": framework_id, "version_no": version_no, "project_id": project_id,
                            "unit_id": unit_id, "outside_codes": outside, "allocated_codes": allocated})


def _item_name(item) -> str:
    return (item.get("name") or "") if isinstance(item, Mapping) else str(item)


def catalog_gaps(content: Mapping, unit_id: str, catalog: Mapping) -> tuple[list[str], list[dict]]:
    """The preliminary catalog's entries allocated to ``unit_id`` that the department's
    catalog lacks, and the data items lacking from entries it has."""
    entries = {e.get("resource_code"): e for e in (catalog or {}).get("entries") or [] if isinstance(e, Mapping)}
    missing_entries, missing_data_items = [], []
    for resource in content["data_catalog"]:
        if resource["provider_unit_id"] != unit_id:
            continue
        entry = entries.get(resource["resource_code"])
        if entry is None:
            missing_entries.append(resource["resource_code"])
            continue
        have = {_item_name(x).strip() for x in entry.get("data_items") or []}
        lacking = [x for x in resource["data_items"] if x.strip() not in have]
        if lacking:
            missing_data_items.append({"resource_code": resource["resource_code"], "data_items": lacking})
    return missing_entries, missing_data_items


def catalog_refusal(content: Mapping, unit_id: str, catalog: Mapping, *, framework_id: str, version_no: int,
                    project_id: str) -> Refusal | None:
    """R-12-7: the department's Art 14 catalog contains what the preliminary data catalog allocates to it."""
    missing_entries, missing_data_items = catalog_gaps(content, unit_id, catalog)
    if not missing_entries and not missing_data_items:
        return None
    parts = []
    if missing_entries:
        parts.append(f"缺少资源 {'、'.join(missing_entries)}")
    if missing_data_items:
        parts.append("资源缺少数据项 " + "；".join(f"{m['resource_code']}：{'、'.join(m['data_items'])}"
                                             for m in missing_data_items))
    return Refusal(code="E12-CATALOG-INCONSISTENT", rule="R-12-7", article=ARTICLE,
                   reason_zh=f"信息资源目录与框架方案初步数据目录分配给本部门的内容不一致：{'；'.join(parts)}",
                   details={"framework_id": framework_id, "version_no": version_no, "project_id": project_id,
                            "unit_id": unit_id, "missing_entries": missing_entries,
                            "missing_data_items": missing_data_items})


# ---------------------------------------------------------------- what a participant sees (§7.2)


def _concerns(section_unit: str, counterpart: str | None, viewer: str) -> bool:
    return viewer in (section_unit, counterpart)


def content_for(content: Mapping, viewer_unit_id: str | None) -> dict:
    """The content as ``viewer_unit_id`` may read it; None: all of it (the lead, the bureaus).

    A participant reads the joint parts it confirms (goals, main content, the
    allocation matrix, the preliminary data catalog), its own department's
    section, and of other departments' sections only the data flows and
    interfaces that involve it; another department's business flow stays with
    that department (rules.md §7.2)."""
    if viewer_unit_id is None or viewer_unit_id == content["lead_unit_id"]:
        return dict(content)
    out = dict(content)
    sections = []
    for d in content["departments"]:
        if d["unit_id"] == viewer_unit_id:
            sections.append(d)
            continue
        sections.append({"unit_id": d["unit_id"], "business_flow": None,
                         "data_flows": [f for f in d["data_flows"]
                                        if _concerns(d["unit_id"], f["counterpart_unit_id"], viewer_unit_id)],
                         "interfaces": [x for x in d["interfaces"]
                                        if _concerns(d["unit_id"], x["counterpart_unit_id"], viewer_unit_id)]})
    out["departments"] = sections
    return out
