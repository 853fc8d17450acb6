"""How an annual plan is put together and what it must satisfy (Art 8: R-8-2, R-8-3, R-8-5)."""

from __future__ import annotations

from dataclasses import dataclass

from itpm_common.errors import Refusal

SECTIONS = ("BUILD", "OM")
SECTION_ZH = {"BUILD": "建设类", "OM": "运维类"}
# 性质: work on systems that already run comes before a new system, then routine O&M.
NATURE_ORDER = {"UPGRADE": 0, "EXPAND": 1, "NEW": 2, "OM": 3}
NATURE_ZH = {"UPGRADE": "改建", "EXPAND": "扩建", "NEW": "新建", "OM": "运维"}


@dataclass(frozen=True)
class Candidate:
    project_id: str
    category: str
    nature: str
    unit_rank: int | None
    name: str


def nature_of(category: str, build_kind: str | None) -> str:
    return "OM" if category == "OM" else (build_kind or "NEW")


def default_order(items: list[Candidate]) -> list[Candidate]:
    """By nature, then the department's own priority (R-7-3), then name, so the draft is reproducible."""
    return sorted(items, key=lambda c: (NATURE_ORDER.get(c.nature, 9), c.unit_rank or 10**6, c.name, c.project_id))


def sectioned(items: list[Candidate], orders: dict[str, list[str] | None]) -> dict[str, list[Candidate]]:
    """R-8-2: separate BUILD and OM lists, each in 政务办's order or the default one.

    An explicit order must name exactly the section's items, once each."""
    out: dict[str, list[Candidate]] = {}
    for section in SECTIONS:
        members = [c for c in items if c.category == section]
        order = orders.get(section)
        if order is None:
            out[section] = default_order(members)
            continue
        by_id = {c.project_id: c for c in members}
        if len(order) != len(set(order)) or set(order) != set(by_id):
            raise Refusal(code="E08-PLAN-SECTIONS-INVALID", rule="R-8-2", article="第八条",
                          reason_zh=f"{SECTION_ZH[section]}清单的排序须恰好列出该类全部拟列入项目，每项一次，"
                                    "建设类与运维类分别编列",
                          details={"section": section, "expected": sorted(by_id),
                                   "unknown": sorted(set(order) - set(by_id)),
                                   "missing": sorted(set(by_id) - set(order))})
        out[section] = [by_id[pid] for pid in order]
    return out


def incomplete(items: list[tuple[str, str, str]], allowed_states: tuple[str, ...]) -> Refusal | None:
    """R-8-3: every item still stands where the joint review placed it; lists those that do not."""
    bad = [{"project_id": pid, "name": name, "state": state} for pid, name, state in items
           if state not in allowed_states]
    if not bad:
        return None
    return Refusal(code="E08-PLAN-INCOMPLETE", rule="R-8-3", article="第八条",
                   reason_zh=f"计划中有 {len(bad)} 个项目不再处于联审通过列入草案的状态，须重新编制后报批",
                   details={"items": bad})
