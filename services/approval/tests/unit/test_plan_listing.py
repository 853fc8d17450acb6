"""R-8-4: the approved annual plan copied to 发改 marks its BUILD items as
plan-listed; an amended version supersedes it. Through worker_factory with
the real unit of work, a migrated SQLite file and signed identities."""

from datetime import datetime

import pytest

from approval.migrate import MIGRATIONS
from approval.models import infra
from approval.service import ApprovalService
from approval.settings import ApprovalSettings
from itpm_common.clock import SHANGHAI
from itpm_common.errors import Refusal
from itpm_common.events import CloudEvent, event_type
from itpm_common.identity import Identity
from itpm_common.testing import Records, make_worker, sqlite_worker_fixtures

NOW = datetime(2025, 1, 20, 15, 0, tzinfo=SHANGHAI)
USERS = {
    "UNIT": Identity("u-a", "张三", "UNIT", "unit-a", "市民政局"),
    "UNIT_B": Identity("u-b", "李四", "UNIT", "unit-b", "市交通运输局"),
    "FG": Identity("u-fg", "发改甲", "FG", "fg", "市发改委"),
    "CZ": Identity("u-cz", "财政甲", "CZ", "cz", "市财政局"),
    "ZWB": Identity("u-zwb", "王政务", "ZWB", "zwb", "市政务办"),
    "WX": Identity("u-wx", "网信甲", "WX", "wx", "市委网信办"),
    "GX": Identity("u-gx", "工信甲", "GX", "gx", "市工信局"),
    "SJ": Identity("u-sj", "审计甲", "SJ", "sj", "市审计局"),
    "BM": Identity("u-bm", "保密甲", "BM", "bm", "市国家保密局"),
    "LG": Identity("u-lg", "领导小组成员", "LG", "lg", "市政务信息化领导小组"),
    "JL": Identity("u-jl", "监理甲", "JL", "jl-co", "某监理公司"),
}


db_url, clock, provider, other_instance = sqlite_worker_fixtures("approval", MIGRATIONS, infra, NOW)


@pytest.fixture
def as_(provider, token_pair):
    return lambda who=None: make_worker(ApprovalService, provider, token_pair, USERS[who] if who else None,
                                        settings=ApprovalSettings())


def item(project_id, rank, unit="unit-a", category="BUILD", **extra):
    names = {"unit-a": "市民政局", "unit-b": "市交通运输局"}
    return {"project_id": project_id, "unit_id": unit, "unit_name": names[unit], "name": f"项目{project_id}",
            "category": category, "build_kind": "NEW" if category == "BUILD" else None, "section_rank": rank,
            "estimate_fen": 500_000_000, "origin": "PLAN", "classified": False, **extra}


def copied(version_no, items, year=2025, plan_id="plan-2025"):
    return CloudEvent(type=event_type("planning", "AnnualPlanCopiedToFG"), source="/itpm/planning",
                      subject=f"annual-plan:{year}", article="第八条", actorid="u-lg", actorrole="LG",
                      data={"plan_id": plan_id, "plan_year": year, "version_no": version_no, "items": items},
                      time=NOW.isoformat())


V1 = [item("p-1", 1), item("p-2", 2, unit="unit-b"), item("p-om", 1, category="OM"),
      item("p-3", 3, origin="SUPERIOR_FUNDED")]


def refused(call, *args) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args)
    return info.value


def listed(as_, who="FG", **filters):
    return {r["project_id"]: r for r in as_(who).list_plan_listings(filters)["items"]}


def audit(provider):
    return Records(provider.engine, infra, "approval").audit()


def test_the_copied_plan_lists_its_build_items(as_, provider):
    as_().on_event(copied(1, V1))

    assert sorted(listed(as_)) == ["p-1", "p-2", "p-3"]
    out = as_("FG").get_plan_listing("p-3")
    assert out == {"project_id": "p-3", "plan_year": 2025, "plan_id": "plan-2025", "plan_version": 1,
                   "first_listed_version": 1, "listed": True, "status": "LISTED", "section_rank": 3,
                   "origin": "SUPERIOR_FUNDED", "build_kind": "NEW", "unit_id": "unit-a", "unit_name": "市民政局",
                   "name": "项目p-3", "estimate_fen": 500_000_000, "classified": False,
                   "listed_at": NOW.isoformat(), "updated_at": NOW.isoformat()}
    assert refused(as_("FG").get_plan_listing, "p-om").code == "NOT-FOUND"
    [entry] = audit(provider)
    assert (entry["action"], entry["outcome"], entry["article"], entry["rule"]) == (
        "record_plan_listing", "ACCEPTED", "第八条", "R-8-4")
    assert entry["details"]["listed"] == ["p-1", "p-2", "p-3"] and entry["actor_role"] == "SYSTEM"
    assert Records(provider.engine, infra, "approval").events() == []


def test_the_plan_event_is_no_project_in_the_projection(as_):
    as_().on_event(copied(1, V1))
    assert as_("FG").list_projections()["total"] == 0


def test_a_redelivered_or_repeated_copy_is_applied_once(as_, provider):
    event = copied(1, V1)
    as_().on_event(event)
    as_().on_event(event)
    as_().on_event(copied(1, V1[:1]))  # the same version again under another id

    assert sorted(listed(as_)) == ["p-1", "p-2", "p-3"]
    assert [a["action"] for a in audit(provider)] == ["record_plan_listing"]


def test_an_amended_version_supersedes_the_approved_one(as_, provider):
    as_().on_event(copied(1, V1))
    # LG strikes p-2, adds p-4 and re-ranks p-3.
    as_().on_event(copied(2, [item("p-1", 1), item("p-3", 2, origin="SUPERIOR_FUNDED"), item("p-4", 3)]))

    rows = listed(as_)
    assert {p: (r["status"], r["plan_version"], r["section_rank"]) for p, r in rows.items()} == {
        "p-1": ("LISTED", 2, 1), "p-2": ("STRUCK", 2, 2), "p-3": ("LISTED", 2, 2), "p-4": ("LISTED", 2, 3)}
    struck = as_("FG").get_plan_listing("p-2")
    assert (struck["listed"], struck["first_listed_version"]) == (False, 1)
    assert as_("FG").get_plan_listing("p-4")["first_listed_version"] == 2
    assert sorted(listed(as_, status="LISTED")) == ["p-1", "p-3", "p-4"]
    assert audit(provider)[-1]["details"]["struck"] == ["p-2"]


def test_an_older_version_arriving_late_changes_nothing(as_):
    as_().on_event(copied(2, [item("p-1", 1)]))
    as_().on_event(copied(1, V1))

    assert {p: r["status"] for p, r in listed(as_).items()} == {"p-1": "LISTED"}
    assert as_("FG").get_plan_listing("p-1")["plan_version"] == 2


def test_an_item_struck_and_restored_is_listed_again(as_):
    as_().on_event(copied(1, V1))
    as_().on_event(copied(2, [item("p-1", 1)]))
    as_().on_event(copied(3, V1))
    assert {p: r["status"] for p, r in listed(as_).items()} == {"p-1": "LISTED", "p-2": "LISTED", "p-3": "LISTED"}


def test_an_item_recategorised_as_om_is_no_longer_listed(as_):
    as_().on_event(copied(1, V1))
    as_().on_event(copied(2, [item("p-1", 1, category="OM"), *V1[1:]]))
    assert as_("FG").get_plan_listing("p-1")["listed"] is False


def test_each_year_has_its_own_plan(as_):
    as_().on_event(copied(1, V1))
    as_().on_event(copied(1, [item("p-9", 1)], year=2026, plan_id="plan-2026"))
    assert sorted(listed(as_, plan_year=2026)) == ["p-9"]
    assert sorted(listed(as_, plan_year=2025)) == ["p-1", "p-2", "p-3"]
    assert sorted(listed(as_, origin="SUPERIOR_FUNDED")) == ["p-3"]


@pytest.mark.parametrize("who", ["FG", "CZ", "ZWB", "WX", "GX", "SJ", "UNIT"])
def test_bureaus_and_the_own_unit_read_a_listing(as_, who):
    as_().on_event(copied(1, V1))
    assert as_(who).get_plan_listing("p-1")["listed"] is True


@pytest.mark.parametrize("who", ["UNIT_B", "LG", "JL", "BM"])
def test_others_do_not_see_a_listing(as_, who):
    as_().on_event(copied(1, V1))
    assert refused(as_(who).get_plan_listing, "p-1").code == "NOT-FOUND"


def test_units_list_only_their_own_items(as_):
    as_().on_event(copied(1, V1))
    assert sorted(listed(as_, "UNIT")) == ["p-1", "p-3"]
    assert sorted(listed(as_, "UNIT_B")) == ["p-2"]
    assert listed(as_, "LG") == {}


def test_classified_items_are_hidden_from_audit(as_):
    as_().on_event(copied(1, [item("p-s", 1, classified=True), item("p-1", 2)]))
    assert sorted(listed(as_, "SJ")) == ["p-1"]
    assert sorted(listed(as_, "BM")) == ["p-s"]
    assert refused(as_("SJ").get_plan_listing, "p-s").code == "NOT-FOUND"


def test_unknown_projects_and_filters_are_refused(as_):
    assert refused(as_("FG").get_plan_listing, "p-none").code == "NOT-FOUND"
    assert refused(as_("FG").list_plan_listings, {"unit": "unit-a"}).code == "VALIDATION"
    assert refused(as_().get_plan_listing, "p-1").code == "AUTH-TOKEN-INVALID"


def test_listing_pages(as_):
    as_().on_event(copied(1, V1))
    pages = [as_("FG").list_plan_listings({"page": n, "page_size": 2}) for n in (1, 2)]
    assert [p["total"] for p in pages] == [3, 3]
    assert [r["project_id"] for p in pages for r in p["items"]] == ["p-1", "p-2", "p-3"]


# ------------------------------------------------------------ R-8-6, R-9-6: the way into approval


def state_fact(name, project_id, unit="unit-a", **data):
    service = "review" if name.startswith("Joint") else "planning"
    return CloudEvent(type=event_type(service, name), source=f"/itpm/{service}", subject=project_id,
                      unitid=unit, time=NOW.isoformat(),
                      data={"project_id": project_id, "unit_id": unit, "name": f"项目{project_id}",
                            "category": "BUILD", "plan_year": 2025, "classified": False, **data})


def test_r_8_6_a_planned_project_enters_on_the_plan_path_only_while_listed(as_):
    as_().on_event(state_fact("PlanItemApproved", "p-1"))
    before = as_("FG").get_entry_path("p-1")
    assert (before["path"], before["may_enter"]) == ("PLAN", False)
    assert (before["refusal"]["code"], before["refusal"]["rule"], before["refusal"]["article"]) == (
        "E08-NOT-IN-APPROVED-PLAN", "R-8-6", "第八条")
    as_().on_event(copied(1, [item("p-1", 1)]))
    after = as_("UNIT").get_entry_path("p-1")
    assert (after["path"], after["may_enter"], after["plan_listed"], after["refusal"]) == ("PLAN", True, True, None)
    as_().on_event(copied(2, []))
    assert as_("FG").get_entry_path("p-1")["may_enter"] is False


def test_r_9_6_a_cleared_adhoc_project_enters_but_is_not_plan_listed(as_):
    as_().on_event(state_fact("JointReviewConcluded", "a-1", outcome="PASS"))
    out = as_("FG").get_entry_path("a-1")
    assert (out["state"], out["path"], out["may_enter"], out["plan_listed"]) == ("ADHOC_CLEARED", "ADHOC", True, False)


@pytest.mark.parametrize("settings", [ApprovalSettings(adhoc_counts_as_plan_listed=True)])
def test_r_9_6_the_switch_counts_a_cleared_adhoc_project_as_plan_listed(provider, token_pair, settings):
    worker = make_worker(ApprovalService, provider, token_pair, None, settings=settings)
    worker.on_event(state_fact("JointReviewConcluded", "a-1", outcome="PASS"))
    fg = make_worker(ApprovalService, provider, token_pair, USERS["FG"], settings=settings)
    assert fg.get_entry_path("a-1")["plan_listed"] is True


def test_a_project_not_yet_through_chapter_2_may_not_enter_and_others_see_nothing(as_):
    as_().on_event(state_fact("PlanItemDrafted", "p-2"))
    assert as_("FG").get_entry_path("p-2")["may_enter"] is False
    with pytest.raises(Refusal) as info:
        as_("UNIT_B").get_entry_path("p-2")
    assert info.value.code == "NOT-FOUND"
