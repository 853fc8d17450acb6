"""The information resource catalog (rules.md §6.4; R-14-5..R-14-7, R-20-2, R-30-2). Pure.

A catalog is the dict ``ResourceCatalogSchema`` loaded: ``entries`` and the two catalog-level mechanisms."""

from __future__ import annotations

from itpm_common.errors import Refusal

from .verdicts import refusal

ARTICLE = "第十四条"
UNCONDITIONAL, CONDITIONAL, NONE = "UNCONDITIONAL", "CONDITIONAL", "NONE"
SHARE_TYPES = (UNCONDITIONAL, CONDITIONAL, NONE)
ALL_DEPARTMENTS, NAMED_DEPARTMENTS = "ALL_GOVERNMENT_DEPARTMENTS", "NAMED_DEPARTMENTS"
CONSUMER_SCOPES = (ALL_DEPARTMENTS, NAMED_DEPARTMENTS)
NOT_OPEN, PUBLIC, PUBLIC_WITH_CONDITIONS, NAMED_ORGANISATIONS = (
    "NOT_OPEN", "PUBLIC", "PUBLIC_WITH_CONDITIONS", "NAMED_ORGANISATIONS")
OPEN_SCOPES = (NOT_OPEN, PUBLIC, PUBLIC_WITH_CONDITIONS, NAMED_ORGANISATIONS)


def _blank(text) -> bool:
    return text is None or not str(text).strip()


def _entry_name(e: dict) -> str:
    return f"{e.get('name')}（{e.get('resource_code')}）"


def should_be_universal(entry: dict, universal_entries: set[str]) -> bool:
    """A-12: UNCONDITIONAL entries, plus any entry 政务办 reclassified in the technical review."""
    return entry.get("share_type") == UNCONDITIONAL or entry.get("resource_code") in universal_entries


def check_entries(catalog: dict, universal_entries: set[str] = frozenset()) -> list[Refusal]:
    out: list[Refusal] = []
    for e in catalog.get("entries") or []:
        name, code = _entry_name(e), e.get("resource_code")
        share = e.get("share_type")
        if share not in SHARE_TYPES:
            out.append(refusal("E14-SHARE-TYPE-MISSING", "R-14-5", ARTICLE,
                               f"信息资源 {name} 未明确共享类型（无条件共享、有条件共享或不予共享）", entry=code))
        elif share == CONDITIONAL and _blank(e.get("conditions")):
            out.append(refusal("E14-SHARE-CONDITIONS-MISSING", "R-14-5", ARTICLE,
                               f"信息资源 {name} 为有条件共享，须写明共享条件", entry=code))
        elif share == NONE and _blank(e.get("no_share_basis")):
            out.append(refusal("E14-NO-SHARE-BASIS-MISSING", "R-14-5", ARTICLE,
                               f"信息资源 {name} 不予共享，须写明法律法规或政策依据", entry=code))
        scope = (e.get("consumer_scope") or {}).get("kind")
        if should_be_universal(e, universal_entries) and scope != ALL_DEPARTMENTS:
            out.append(refusal("E14-SHARING-NARROWED", "R-14-7", ARTICLE,
                               f"信息资源 {name} 应当普遍共享，不得仅与特定部门共享",
                               entry=code, consumer_scope=scope,
                               reclassified_by_zwb=code in universal_entries and share != UNCONDITIONAL))
        if (e.get("open_scope") or {}).get("kind") == NAMED_ORGANISATIONS:
            out.append(refusal("E14-OPENING-NARROWED", "R-14-7", ARTICLE,
                               f"信息资源 {name} 向社会开放的，不得仅向特定企业、社会组织开放", entry=code))
    return out


def check_mechanisms(catalog: dict) -> list[Refusal]:
    """R-14-6: the catalog (or the sharing chapter) declares both mechanisms."""
    out = []
    if _blank(catalog.get("sharing_mechanism")):
        out.append(refusal("E14-SHARING-MECHANISM-MISSING", "R-14-6", ARTICLE, "须建立并说明信息共享长效机制"))
    if _blank(catalog.get("feedback_mechanism")):
        out.append(refusal("E14-FEEDBACK-MECHANISM-MISSING", "R-14-6", ARTICLE,
                           "须建立并说明共享信息使用情况反馈机制"))
    return out


def check_catalog(catalog: dict, universal_entries: set[str] = frozenset()) -> list[Refusal]:
    return check_entries(catalog, universal_entries) + check_mechanisms(catalog)


def non_sharing(catalog: dict | None, declared_cannot_share: bool = False) -> bool:
    """A-30 / R-30-2 [I]: the department declares it cannot share, or every entry is NONE."""
    if declared_cannot_share or (catalog or {}).get("cannot_share"):
        return True
    entries = (catalog or {}).get("entries") or []
    return bool(entries) and all(e.get("share_type") == NONE for e in entries)


def shareable_items(catalog: dict) -> list[tuple[str, str]]:
    """(data item name, resource code) of every entry other departments may obtain by sharing (R-20-2)."""
    out = []
    for e in catalog.get("entries") or []:
        if e.get("share_type") in (UNCONDITIONAL, CONDITIONAL):
            out.extend((i["name"], e.get("resource_code")) for i in e.get("data_items") or [])
    return out
