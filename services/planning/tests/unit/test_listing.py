"""The project list's filters, search and sorting, and the dashboard figures."""

from datetime import timedelta

import pytest

from itpm_common.errors import Refusal
from itpm_common.identity import Identity


@pytest.fixture
def submit(as_, application):
    def go(who="UNIT", **changes):
        return as_(who).submit_plan_application(application(**changes))

    return go


@pytest.fixture
def projects(submit, as_, opened, concluded, clock):
    """Four projects filed a minute apart: police 1,000,000.00 元 (drafted), police 5,000,000.00 元
    (under review), police O&M 200,000.00 元 (applied), edu 3,000,000.00 元 in 2028 (applied)."""
    made = {}
    made["big"] = submit(name="智慧警务大数据平台", estimate_fen=100_000_000,
                         funding_sources=[{"type": "MUNICIPAL", "amount_fen": 100_000_000}])
    clock.advance(timedelta(minutes=1))
    made["bigger"] = submit(name="警务视频云", rank=2, estimate_fen=500_000_000,
                            funding_sources=[{"type": "MUNICIPAL", "amount_fen": 500_000_000}])
    clock.advance(timedelta(minutes=1))
    made["om"] = submit(name="警务大数据平台运维", category="OM", build_kind=None,
                        system={"existing_system_id": "SYS-0042"}, estimate_fen=20_000_000,
                        om_status={"sharing_completeness": "FULL", "sharing_timeliness": "FULL",
                                   "protection_level": 3, "last_security_test_on": "2026-05-20",
                                   "crypto_assessment": "2026 年密评通过"},
                        funding_sources=[{"type": "MUNICIPAL", "amount_fen": 20_000_000}])
    clock.advance(timedelta(minutes=1))
    made["edu"] = submit(who="UNIT2", name="智慧校园平台", plan_year=2028, estimate_fen=300_000_000,
                         funding_sources=[{"type": "MUNICIPAL", "amount_fen": 300_000_000}])
    worker = as_()
    worker.on_event(opened(made["big"]["id"]))
    worker.on_event(concluded(made["big"]["id"]))
    worker.on_event(opened(made["bigger"]["id"]))
    return made


def ids(out, projects):
    names = {p["id"]: key for key, p in projects.items()}
    return [names[p["id"]] for p in out["items"]]


@pytest.mark.parametrize(("filters", "expected"), [
    ({"estimate_min_fen": 100_000_000}, ["edu", "bigger", "big"]),
    ({"estimate_min_fen": 100_000_001}, ["edu", "bigger"]),
    ({"estimate_max_fen": 100_000_000}, ["om", "big"]),
    ({"estimate_max_fen": 99_999_999}, ["om"]),
    ({"estimate_min_fen": 100_000_000, "estimate_max_fen": 300_000_000}, ["edu", "big"]),
    ({"q": "警务"}, ["om", "bigger", "big"]),
    ({"q": "大数据平台"}, ["om", "big"]),
    ({"q": "教育局"}, ["edu"]),
    ({"q": "%"}, []),
    ({"q": "_"}, []),
    ({"hold": "NONE"}, ["edu", "om", "bigger", "big"]),
    ({"hold": "ANY"}, []),
    ({"hold": "SUSPENDED"}, []),
    ({"state": "PLAN_DRAFTED"}, ["big"]),
    ({"unit_id": "edu"}, ["edu"]),
], ids=["min-at", "min-above", "max-at", "max-below", "range", "q-name", "q-phrase", "q-unit", "q-percent",
        "q-underscore", "hold-none", "hold-any", "hold-suspended", "state", "unit"])
def test_a_bureau_filters_the_list(projects, as_, filters, expected):
    out = as_("ZWB").list_projects(filters)
    assert ids(out, projects) == expected
    assert out["total"] == len(expected)


@pytest.mark.parametrize(("sort", "order", "expected"), [
    ("estimate_fen", "asc", ["om", "big", "edu", "bigger"]),
    ("estimate_fen", "desc", ["bigger", "edu", "big", "om"]),
    ("created_at", "asc", ["big", "bigger", "om", "edu"]),
    ("plan_year", "desc", ["edu"]),
    ("name", "asc", None),
    ("unit_name", "asc", None),
    ("state", "asc", None),
    ("updated_at", "desc", None),
])
def test_the_list_is_sorted_by_the_chosen_field(projects, as_, sort, order, expected):
    out = as_("ZWB").list_projects({"sort": sort, "order": order})
    got = ids(out, projects)
    if expected is None:
        values = [p[sort] for p in out["items"]]
        assert values == sorted(values, reverse=order == "desc")
    else:
        assert got[:len(expected)] == expected


def test_sorted_pages_neither_overlap_nor_skip(projects, as_):
    zwb = as_("ZWB")
    pages = [zwb.list_projects({"sort": "plan_year", "order": "asc", "page": n, "page_size": 1})
             for n in (1, 2, 3, 4)]
    seen = [p["items"][0]["id"] for p in pages]
    assert sorted(seen) == sorted(p["id"] for p in projects.values())


def test_a_unit_searches_only_its_own_projects(projects, as_):
    out = as_("UNIT").list_projects({"q": "智慧"})
    assert ids(out, projects) == ["big"]
    assert as_("UNIT").list_projects({"q": "智慧校园"})["total"] == 0


@pytest.mark.parametrize("filters", [
    {"estimate_min_fen": 2, "estimate_max_fen": 1},
    {"estimate_min_fen": -1},
    {"estimate_max_fen": 10_000_000_000_001},
    {"sort": "password"},
    {"order": "up"},
    {"hold": "SOMETHING"},
    {"q": ""},
    {"q": "长" * 101},
    {"plan_year": 1999},
])
def test_bad_filters_are_validation_refusals(as_, filters):
    with pytest.raises(Refusal) as info:
        as_("ZWB").list_projects(filters)
    assert info.value.code == "VALIDATION"
    assert set(info.value.payload["details"]["fields"]) <= set(filters)


def test_amount_bounds_may_be_equal(projects, as_):
    out = as_("ZWB").list_projects({"estimate_min_fen": 20_000_000, "estimate_max_fen": 20_000_000})
    assert ids(out, projects) == ["om"]


# ------------------------------------------------------------------ dashboard


def test_dashboard_figures_for_a_bureau(projects, as_):
    out = as_("FG").dashboard_figures()
    assert out["total"] == {"count": 4, "estimate_fen": 920_000_000}
    assert out["by_year"] == [{"plan_year": 2027, "count": 3, "estimate_fen": 620_000_000},
                              {"plan_year": 2028, "count": 1, "estimate_fen": 300_000_000}]
    assert out["by_unit"] == [
        {"unit_id": "police", "unit_name": "市公安局", "count": 3, "estimate_fen": 620_000_000},
        {"unit_id": "edu", "unit_name": "市教育局", "count": 1, "estimate_fen": 300_000_000}]
    assert {r["state"]: r["count"] for r in out["by_state"]} == {
        "PLAN_APPLIED": 2, "PLAN_UNDER_REVIEW": 1, "PLAN_DRAFTED": 1}
    assert {r["category"]: r["count"] for r in out["by_category"]} == {"BUILD": 3, "OM": 1}
    funnel = {s["stage"]: s["count"] for s in out["funnel"]}
    assert (funnel["APPLIED"], funnel["REVIEWED"], funnel["DRAFTED"], funnel["PLANNED"], funnel["ACCEPTED"]) == (
        4, 2, 1, 0, 0)
    assert [s["label_zh"] for s in out["funnel"]][0] == "申报"


def test_dashboard_for_one_year(projects, as_):
    out = as_("ZWB").dashboard_figures({"plan_year": 2028})
    assert out["total"] == {"count": 1, "estimate_fen": 300_000_000} and out["plan_year"] == 2028


def test_a_unit_sees_only_its_own_figures(projects, as_):
    out = as_("UNIT2").dashboard_figures()
    assert out["total"] == {"count": 1, "estimate_fen": 300_000_000}
    assert [r["unit_id"] for r in out["by_unit"]] == ["edu"]


def test_the_leading_group_sees_the_projects_in_a_plan_only(projects, as_, users, monkeypatch):
    monkeypatch.setitem(users, "LG", Identity("lg", "领导", "LG", "lg", "领导小组"))
    out = as_("LG").dashboard_figures()
    assert out["total"] == {"count": 1, "estimate_fen": 100_000_000}
    assert [r["state"] for r in out["by_state"]] == ["PLAN_DRAFTED"]


def test_bad_dashboard_filters_are_refused(as_):
    for filters in ({"plan_year": "abc"}, {"unit": "x"}):
        with pytest.raises(Refusal) as info:
            as_("ZWB").dashboard_figures(filters)
        assert info.value.code == "VALIDATION"
