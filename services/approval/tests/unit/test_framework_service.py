"""The Art 12 framework through ApprovalService's entrypoints (worker_factory, the real
unit of work on a migrated SQLite file, signed identities) and the gates the approval
entries call (approval/framework_gate.py) on the same database."""

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from approval import framework_gate as gate
from approval.framework import Taxonomy
from approval.migrate import MIGRATIONS
from approval.models import infra, project_projection
from approval.service import ApprovalService
from approval.settings import ApprovalSettings
from itpm_common.clock import SHANGHAI, FixedClock
from itpm_common.errors import Refusal
from itpm_common.identity import Identity
from itpm_common.testing import Records, make_worker, migrated_sqlite, worker_deps

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
USERS = {
    "A": Identity("u-a", "张三", "UNIT", "unit-a", "市民政局"),
    "B": Identity("u-b", "李四", "UNIT", "unit-b", "市交通运输局"),
    "C": Identity("u-c", "王五", "UNIT", "unit-c", "市卫生健康委"),
    "D": Identity("u-d", "赵六", "UNIT", "unit-d", "市教育局"),
    "FG": Identity("u-fg", "发改甲", "FG", "fg", "市发改委"),
    "ZWB": Identity("u-zwb", "王政务", "ZWB", "zwb", "市政务办"),
    "SJ": Identity("u-sj", "审计甲", "SJ", "sj", "市审计局"),
    "JL": Identity("u-jl", "监理甲", "JL", "jl-co", "某监理公司"),
}
PROJECTS = {"p-lead": "unit-a", "p-b": "unit-b", "p-c": "unit-c", "p-a2": "unit-a", "p-d": "unit-d",
            "p-d2": "unit-d", "p-b2": "unit-b", "p-secret": "unit-c"}


@pytest.fixture
def provider(tmp_path):
    deps = worker_deps(migrated_sqlite(tmp_path, "approval", MIGRATIONS), "approval", infra, FixedClock(NOW))
    with deps.engine.begin() as conn:
        for pid, unit in PROJECTS.items():
            conn.execute(project_projection.insert().values(
                project_id=pid, unit_id=unit, name=f"项目{pid}", category="BUILD", plan_year=2026,
                classified=pid == "p-secret", state="PLANNED", last_event_type="x",
                last_event_time=NOW.isoformat(), updated_at=NOW))
    yield deps
    deps.dispose()


@pytest.fixture
def as_(provider, token_pair):
    return lambda who: make_worker(ApprovalService, provider, token_pair, USERS[who],
                                   settings=ApprovalSettings(), framework_taxonomy=Taxonomy.default())


def section(unit, counterpart):
    return {"unit_id": unit, "business_flow": f"{unit} 的业务流",
            "data_flows": [{"counterpart_unit_id": counterpart, "direction": "OUT", "content": f"{unit} 推送数据"}],
            "interfaces": [{"name": f"{unit} 接口", "counterpart_unit_id": counterpart, "direction": "PROVIDES"}]}


def payload(**changes):
    body = {
        "title": "市域社会治理一体化平台", "overall_project_id": "p-lead",
        "goals": "建成跨部门协同的社会治理平台", "main_content": "统一数据共享交换与协同监管",
        "participants": [{"unit_id": "unit-b", "unit_name": "市交通运输局", "sub_project_id": "p-b"}],
        "departments": [section("unit-a", "unit-b"), section("unit-b", "unit-a")],
        "data_catalog": [
            {"resource_code": "RA-001", "name": "救助对象信息", "provider_unit_id": "unit-a",
             "data_items": ["姓名", "身份证号"]},
            {"resource_code": "RB-001", "name": "营运车辆信息", "provider_unit_id": "unit-b", "data_items": ["车牌号"]},
        ],
        "allocation": [
            {"item_id": "i-1", "code": "SUPPORT.EXCHANGE", "name": "数据共享交换", "unit_id": "unit-a"},
            {"item_id": "i-2", "code": "APP.REGULATION", "name": "交通监管执法", "unit_id": "unit-b"},
        ],
    }
    body.update(changes)
    return body


def three_departments(**changes):
    body = payload(
        participants=[{"unit_id": "unit-b", "unit_name": "市交通运输局", "sub_project_id": "p-b"},
                      {"unit_id": "unit-c", "unit_name": "市卫生健康委", "sub_project_id": "p-c"}],
        departments=[section("unit-a", "unit-b"), section("unit-b", "unit-a"), section("unit-c", "unit-a")],
        allocation=[*payload()["allocation"],
                    {"item_id": "i-3", "code": "DATA.THEME", "name": "健康专题库", "unit_id": "unit-c"}])
    body.update(changes)
    return body


def refused(call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    return info.value


def events(provider, name=None):
    return Records(provider.engine, infra, "approval").events(name)


def audit(provider):
    with provider.engine.connect() as conn:
        return conn.execute(select(infra.audit_log.c.action, infra.audit_log.c.outcome, infra.audit_log.c.code)
                            .order_by(infra.audit_log.c.seq)).all()


def determined(as_, body=None):
    fw = as_("A").create_framework(body or payload())
    for who in ("B", "C"):
        if any(p["unit_id"] == USERS[who].unit_id for p in fw["participants"]):
            as_(who).confirm_framework(fw["framework_id"], {"version_no": fw["version_no"]})
    return as_("A").determine_framework(fw["framework_id"], {"version_no": fw["version_no"]})


# ---------------------------------------------------------------- drafting (R-12-1)


def test_the_lead_drafts_version_1_and_framework_drafted_is_emitted(as_, provider):
    fw = as_("A").create_framework(payload())
    assert (fw["status"], fw["version_no"], fw["lead_unit_id"], fw["my_role"]) == ("DRAFTING", 1, "unit-a", "LEAD")
    assert fw["pending_unit_ids"] == ["unit-b"] and fw["conflicts"] == []
    [drafted] = events(provider)
    assert drafted["type"] == "cn.gov.lyg.itpm.approval.framework_drafted.v1"
    assert drafted["subject"] == fw["framework_id"] and drafted["article"] == "第十二条"
    assert {k: drafted["data"][k] for k in ("framework_id", "lead_unit_id", "participant_unit_ids", "project_ids")} \
        == {"framework_id": fw["framework_id"], "lead_unit_id": "unit-a", "participant_unit_ids": ["unit-b"],
            "project_ids": ["p-lead", "p-b"]}
    assert audit(provider) == [("create_framework", "ACCEPTED", None)]


def test_r_12_1_a_framework_without_another_department_is_refused(as_, provider):
    assert refused(as_("A").create_framework, payload(participants=[])).code == "E12-PARTICIPANTS-MISSING"
    itself = [{"unit_id": "unit-a", "unit_name": "市民政局", "sub_project_id": "p-a2"}]
    refusal = refused(as_("A").create_framework, payload(participants=itself))
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-PARTICIPANTS-MISSING", "R-12-1", "第十二条")
    assert events(provider) == []
    assert audit(provider) == [("create_framework", "REFUSED", "E12-PARTICIPANTS-MISSING")] * 2


def test_only_a_department_drafts_a_framework_citing_article_12(as_, provider):
    refusal = refused(as_("FG").create_framework, payload())
    assert (refusal.code, refusal.article) == ("AUTH-FORBIDDEN", "第十二条")
    assert events(provider) == []


def test_project_ids_must_be_projects_of_the_department_named(as_):
    # p-lead is unit-a's project, not the drafting unit-d's.
    refusal = refused(as_("D").create_framework, payload(departments=[], data_catalog=[], allocation=[]))
    assert refusal.code == "VALIDATION" and "overall_project_id" in refusal.details["fields"]
    wrong_sub = payload(participants=[{"unit_id": "unit-b", "unit_name": "市交通运输局", "sub_project_id": "p-c"}])
    assert "participants.0.sub_project_id" in refused(as_("A").create_framework, wrong_sub).details["fields"]
    unknown = payload(participants=[{"unit_id": "unit-b", "unit_name": "市交通运输局", "sub_project_id": "p-none"}])
    assert refused(as_("A").create_framework, unknown).code == "VALIDATION"


def test_a_project_belongs_to_one_framework_only(as_):
    as_("A").create_framework(payload())
    other = payload(overall_project_id="p-a2")  # p-b again
    assert refused(as_("A").create_framework, other).code == "DUPLICATE"


def test_unknown_codes_and_departments_are_validation_errors(as_):
    bad = payload(allocation=[{"item_id": "i-1", "code": "NOT.IN.TAXONOMY", "name": "x", "unit_id": "unit-a"},
                              {"item_id": "i-2", "code": "APP.REGULATION", "name": "y", "unit_id": "unit-z"}])
    refusal = refused(as_("A").create_framework, bad)
    assert refusal.code == "VALIDATION"
    assert set(refusal.details["fields"]) == {"allocation.0.code", "allocation.1.unit_id"}


def test_the_framework_holds_no_budget(as_):
    """§7.2: a participant may not see another department's sub-project budget; the framework carries none."""
    refusal = refused(as_("A").create_framework, payload(budget_fen=100_000_000))
    assert refusal.code == "VALIDATION" and "budget_fen" in refusal.details["fields"]
    fw = as_("A").create_framework(payload())
    assert not [k for k in json.dumps(fw, ensure_ascii=False).split('"') if k.endswith("_fen") or "budget" in k]


def test_create_is_idempotent_on_its_key(as_, provider):
    first = as_("A").create_framework(payload(), idempotency_key="k-1")
    assert as_("A").create_framework(payload(), idempotency_key="k-1") == first
    assert len(events(provider, "FrameworkDrafted")) == 1
    assert refused(as_("A").create_framework, payload(goals="另一个目标"), idempotency_key="k-1").code \
        == "IDEMPOTENCY-CONFLICT"


# ---------------------------------------------------------------- R-12-3 conflicts in a draft


def test_r_12_3_a_draft_is_saved_with_its_conflicts_and_framework_conflict_detected_is_emitted(as_, provider):
    overlapping = payload(equivalences=[{"item_ids": ["i-1", "i-2"], "note": "同一交换"}])
    fw = as_("A").create_framework(overlapping)
    assert [c["kind"] for c in fw["conflicts"]] == ["DECLARED_EQUIVALENT"]
    [conflict] = events(provider, "FrameworkConflictDetected")
    assert conflict["visibility"] == "internal" and conflict["data"]["conflicts"] == fw["conflicts"]
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1})
    refusal = refused(as_("A").determine_framework, fw["framework_id"], {"version_no": 1})
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-CONTENT-OVERLAP", "R-12-3", "第十二条")
    assert refusal.details["departments"] == ["unit-a", "unit-b"]
    assert refusal.details["items"] == ["数据共享交换", "交通监管执法"]
    assert events(provider, "FrameworkDetermined") == []


def test_r_12_3_the_same_code_in_two_departments_blocks_determination(as_):
    same = payload(allocation=[{"item_id": "i-1", "code": "APP.REGULATION", "name": "监管甲", "unit_id": "unit-a"},
                               {"item_id": "i-2", "code": "APP.REGULATION", "name": "监管乙", "unit_id": "unit-b"}])
    fw = as_("A").create_framework(same)
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1})
    assert refused(as_("A").determine_framework, fw["framework_id"], {"version_no": 1}).code == "E12-CONTENT-OVERLAP"


def test_r_12_3_an_item_of_another_determined_framework_blocks_determination(as_, provider):
    determined(as_)
    other = payload(overall_project_id="p-d", title="另一平台",
                    participants=[{"unit_id": "unit-b", "unit_name": "市交通运输局", "sub_project_id": "p-b2"}],
                    departments=[section("unit-d", "unit-b"), section("unit-b", "unit-d")],
                    data_catalog=[{"resource_code": "RD-1", "name": "学籍", "provider_unit_id": "unit-d",
                                   "data_items": ["学号"]}],
                    allocation=[{"item_id": "x-1", "code": "SUPPORT.EXCHANGE", "name": "交换网关",
                                 "unit_id": "unit-d"},
                                {"item_id": "x-2", "code": "APP.OFFICE", "name": "协同办公", "unit_id": "unit-b"}])
    fw = as_("D").create_framework(other)
    assert [c["kind"] for c in fw["conflicts"]] == ["OTHER_FRAMEWORK"]
    assert len(events(provider, "FrameworkConflictDetected")) == 1
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1})
    refusal = refused(as_("D").determine_framework, fw["framework_id"], {"version_no": 1})
    assert refusal.code == "E12-CONTENT-OVERLAP"
    assert refusal.details["departments"] == ["unit-d", "unit-a"]


# ---------------------------------------------------------------- R-12-2 and R-12-4 at determination (T90)


def test_r_12_2_determination_names_the_missing_item_and_department(as_):
    sections = [section("unit-a", "unit-b"), {**section("unit-b", "unit-a"), "interfaces": []}]
    fw = as_("A").create_framework(payload(departments=sections))
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1})
    refusal = refused(as_("A").determine_framework, fw["framework_id"], {"version_no": 1})
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-FRAMEWORK-INCOMPLETE", "R-12-2", "第十二条")
    assert [(m["item"], m["department"]) for m in refusal.details["missing"]] == [("系统接口", "unit-b")]


def test_r_12_4_determination_waits_for_every_participant_and_lists_the_pending(as_, provider):
    fw = as_("A").create_framework(three_departments())
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1})
    refusal = refused(as_("A").determine_framework, fw["framework_id"], {"version_no": 1})
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-FRAMEWORK-NOT-CONFIRMED", "R-12-4", "第十二条")
    assert refusal.details["pending_unit_ids"] == ["unit-c"]
    assert refusal.details["pending_departments"] == ["市卫生健康委"]
    confirmed = as_("C").confirm_framework(fw["framework_id"], {"version_no": 1, "opinion": "同意"})
    assert confirmed["pending_unit_ids"] == []
    out = as_("A").determine_framework(fw["framework_id"], {"version_no": 1})
    assert (out["status"], out["determined_version_no"]) == ("DETERMINED", 1)
    [det] = events(provider, "FrameworkDetermined")
    assert det["data"]["allocations"] == {"unit-a": ["SUPPORT.EXCHANGE"], "unit-b": ["APP.REGULATION"],
                                          "unit-c": ["DATA.THEME"]}
    assert det["data"]["participant_unit_ids"] == ["unit-b", "unit-c"]
    confirms = events(provider, "FrameworkParticipantConfirmed")
    assert [(e["data"]["unit_id"], e["data"]["pending_unit_ids"]) for e in confirms] == \
        [("unit-b", ["unit-c"]), ("unit-c", [])]


def test_r_12_4_any_edit_resets_every_confirmation(as_, provider):
    fw = as_("A").create_framework(payload())
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1})
    edited = as_("A").edit_framework(fw["framework_id"], {**payload(goals="修订后的目标"), "version_no": 1})
    assert (edited["version_no"], edited["pending_unit_ids"]) == (2, ["unit-b"])
    [reset] = events(provider, "FrameworkConfirmationsReset")
    assert (reset["data"]["previous_version_no"], reset["data"]["reset_unit_ids"]) == (1, ["unit-b"])
    refusal = refused(as_("A").determine_framework, fw["framework_id"], {"version_no": 2})
    assert (refusal.code, refusal.details["pending_unit_ids"]) == ("E12-FRAMEWORK-NOT-CONFIRMED", ["unit-b"])


def test_r_0_2_confirming_a_version_that_changed_meanwhile_is_state_invalid(as_, provider):
    fw = as_("A").create_framework(payload())
    as_("A").edit_framework(fw["framework_id"], {**payload(goals="修订"), "version_no": 1})
    refusal = refused(as_("B").confirm_framework, fw["framework_id"], {"version_no": 1})
    assert (refusal.code, refusal.rule) == ("STATE-INVALID", "R-0-2")
    assert refusal.details["current_version_no"] == 2
    assert events(provider, "FrameworkParticipantConfirmed") == []
    stale_edit = refused(as_("A").edit_framework, fw["framework_id"], {**payload(), "version_no": 1})
    assert (stale_edit.code, stale_edit.rule) == ("STATE-INVALID", "R-0-2")
    stale_determination = refused(as_("A").determine_framework, fw["framework_id"], {"version_no": 1})
    assert (stale_determination.code, stale_determination.rule) == ("STATE-INVALID", "R-0-2")


def test_a_participant_confirms_a_version_once(as_):
    fw = as_("A").create_framework(payload())
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1}, idempotency_key="c-1")
    assert as_("B").confirm_framework(fw["framework_id"], {"version_no": 1}, idempotency_key="c-1")["version_no"] == 1
    assert refused(as_("B").confirm_framework, fw["framework_id"], {"version_no": 1}).code == "DUPLICATE"


def test_only_the_lead_edits_and_determines_only_listed_participants_confirm(as_):
    fw = as_("A").create_framework(payload())
    fid = fw["framework_id"]
    for refusal in (refused(as_("B").edit_framework, fid, {**payload(), "version_no": 1}),
                    refused(as_("B").determine_framework, fid, {"version_no": 1}),
                    refused(as_("A").confirm_framework, fid, {"version_no": 1}),
                    refused(as_("FG").confirm_framework, fid, {"version_no": 1}),
                    refused(as_("FG").determine_framework, fid, {"version_no": 1})):
        assert (refusal.code, refusal.article) == ("AUTH-FORBIDDEN", "第十二条")
    # A department that is not in it does not learn that it exists.
    for refusal in (refused(as_("C").confirm_framework, fid, {"version_no": 1}),
                    refused(as_("C").edit_framework, fid, {**payload(), "version_no": 1}),
                    refused(as_("C").get_framework, fid)):
        assert refusal.code == "NOT-FOUND"


def test_a_determined_framework_changes_only_through_a_new_draft_version(as_, provider):
    fw = determined(as_)
    fid = fw["framework_id"]
    assert refused(as_("A").determine_framework, fid, {"version_no": 1}).code == "STATE-INVALID"
    assert refused(as_("B").confirm_framework, fid, {"version_no": 1}).code == "STATE-INVALID"
    redraft = as_("A").edit_framework(fid, {**payload(goals="二期目标"), "version_no": 1})
    assert (redraft["status"], redraft["version_no"], redraft["determined_version_no"]) == ("DRAFTING", 2, 1)
    [reset] = events(provider, "FrameworkConfirmationsReset")
    assert (reset["data"]["previous_status"], reset["data"]["reset_unit_ids"]) == ("DETERMINED", ["unit-b"])
    with provider.Session() as s:
        assert gate.entry_blocker(s, "p-b", "unit-b").code == "E12-FRAMEWORK-NOT-DETERMINED"


# ---------------------------------------------------------------- reading (§7.2)


def test_a_participant_sees_only_the_sections_that_concern_it(as_):
    fw = as_("A").create_framework(three_departments(
        departments=[section("unit-a", "unit-c"), section("unit-b", "unit-a"), section("unit-c", "unit-a")]))
    seen = as_("B").get_framework(fw["framework_id"])
    assert seen["my_role"] == "PARTICIPANT"
    sections = {d["unit_id"]: d for d in seen["content"]["departments"]}
    assert sections["unit-b"]["business_flow"] == "unit-b 的业务流"
    assert sections["unit-a"]["business_flow"] is None and sections["unit-a"]["interfaces"] == []
    assert sections["unit-c"]["business_flow"] is None
    lead_view = {d["unit_id"]: d for d in as_("A").get_framework(fw["framework_id"])["content"]["departments"]}
    assert lead_view["unit-c"]["business_flow"] == "unit-c 的业务流"
    fid = fw["framework_id"]
    assert as_("FG").get_framework(fid)["content"] == as_("A").get_framework(fid)["content"]


def test_bureaus_read_every_framework_others_none(as_):
    fw = as_("A").create_framework(payload())
    for who in ("FG", "ZWB", "SJ"):
        assert as_(who).get_framework(fw["framework_id"])["framework_id"] == fw["framework_id"]
        assert as_(who).list_frameworks({})["total"] == 1
    assert refused(as_("JL").get_framework, fw["framework_id"]).code == "NOT-FOUND"
    assert as_("JL").list_frameworks({})["total"] == 0
    assert as_("C").list_frameworks({})["total"] == 0


def test_a_framework_with_a_classified_project_is_not_read_by_audit(as_):
    body = payload(participants=[{"unit_id": "unit-c", "unit_name": "市卫生健康委", "sub_project_id": "p-secret"}],
                   departments=[section("unit-a", "unit-c"), section("unit-c", "unit-a")],
                   allocation=[payload()["allocation"][0],
                               {"item_id": "i-2", "code": "APP.REGULATION", "name": "监管", "unit_id": "unit-c"}],
                   data_catalog=[payload()["data_catalog"][0]])
    fw = as_("A").create_framework(body)
    assert fw["classified"] is True
    assert refused(as_("SJ").get_framework, fw["framework_id"]).code == "NOT-FOUND"
    assert as_("FG").get_framework(fw["framework_id"])["classified"] is True


def test_lists_mine_and_awaiting_my_confirmation(as_):
    fw = as_("A").create_framework(payload())
    assert [i["framework_id"] for i in as_("B").list_frameworks({"scope": "awaiting_me"})["items"]] \
        == [fw["framework_id"]]
    assert as_("A").list_frameworks({"scope": "awaiting_me"})["total"] == 0
    assert as_("A").list_frameworks({"scope": "mine"})["items"][0]["pending_unit_ids"] == ["unit-b"]
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1})
    assert as_("B").list_frameworks({"scope": "awaiting_me"})["total"] == 0
    assert as_("B").list_frameworks({"scope": "mine"})["total"] == 1
    as_("A").edit_framework(fw["framework_id"], {**payload(goals="修订"), "version_no": 1})
    assert as_("B").list_frameworks({"scope": "awaiting_me"})["total"] == 1
    assert as_("FG").list_frameworks({"status": "DETERMINED"})["total"] == 0


def test_get_project_framework(as_):
    fw = as_("A").create_framework(payload())
    assert as_("B").get_project_framework("p-b")["framework_id"] == fw["framework_id"]
    assert as_("FG").get_project_framework("p-lead")["framework_id"] == fw["framework_id"]
    assert as_("A").get_project_framework("p-a2") is None
    assert refused(as_("C").get_project_framework, "p-b").code == "NOT-FOUND"
    assert refused(as_("C").get_project_framework, "p-a2").code == "NOT-FOUND"


# ---------------------------------------------------------------- the gates (R-12-5..R-12-7)


def test_r_12_5_no_entry_for_the_overall_project_or_a_sub_project_before_determination(as_, provider):
    with provider.Session() as s:
        assert gate.entry_blocker(s, "p-lead", "unit-a") is None  # in no framework yet
    fw = as_("A").create_framework(payload())
    with provider.Session() as s:
        for project, unit in (("p-lead", "unit-a"), ("p-b", "unit-b")):
            refusal = gate.entry_blocker(s, project, unit)
            assert (refusal.code, refusal.rule, refusal.article) == \
                ("E12-FRAMEWORK-NOT-DETERMINED", "R-12-5", "第十二条")
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1})
    as_("A").determine_framework(fw["framework_id"], {"version_no": 1})
    with provider.Session() as s:
        assert gate.entry_blocker(s, "p-lead", "unit-a") is None
        assert gate.entry_blocker(s, "p-b", "unit-b") is None
        refusal = gate.entry_blocker(s, "p-lead", "unit-b")
        assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-12-5", "第十二条")


def test_r_12_6_sub_project_content_within_its_allocation(as_, provider):
    fw = as_("A").create_framework(payload())
    with provider.Session() as s:
        assert gate.allocation_blocker(s, "p-b", "unit-b", ["APP.REGULATION"]).code == "E12-FRAMEWORK-NOT-DETERMINED"
    as_("B").confirm_framework(fw["framework_id"], {"version_no": 1})
    as_("A").determine_framework(fw["framework_id"], {"version_no": 1})
    with provider.Session() as s:
        assert gate.allocation_blocker(s, "p-b", "unit-b", ["APP.REGULATION", "APP.REGULATION.ROAD"]) is None
        refusal = gate.allocation_blocker(s, "p-b", "unit-b", ["APP.REGULATION", "SUPPORT.EXCHANGE"])
        assert (refusal.code, refusal.rule, refusal.article) == ("E12-OUTSIDE-ALLOCATION", "R-12-6", "第十二条")
        assert refusal.details["outside_codes"] == ["SUPPORT.EXCHANGE"]
        assert gate.allocation_blocker(s, "p-a2", "unit-a", ["APP.REGULATION"]) is None


def test_r_12_7_each_departments_catalog_contains_what_the_preliminary_catalog_allocates_to_it(as_, provider):
    determined(as_)
    with provider.Session() as s:
        ok = {"entries": [{"resource_code": "RB-001", "name": "营运车辆信息", "data_items": [{"name": "车牌号"}]}]}
        assert gate.catalog_allocation_blocker(s, "p-b", "unit-b", ok) is None
        refusal = gate.catalog_allocation_blocker(s, "p-lead", "unit-a", ok)
        assert (refusal.code, refusal.rule, refusal.article) == ("E12-CATALOG-INCONSISTENT", "R-12-7", "第十二条")
        assert refusal.details["missing_entries"] == ["RA-001"]
        assert gate.catalog_allocation_blocker(s, "p-a2", "unit-a", {"entries": []}) is None


def test_framework_of_a_project(as_, provider):
    with provider.Session() as s:
        assert gate.framework_of(s, "p-b") is None
    fw = determined(as_)
    with provider.Session() as s:
        facts = gate.framework_of(s, "p-b")
    assert facts["framework_id"] == fw["framework_id"] and facts["status"] == "DETERMINED"
    assert (facts["role"], facts["unit_id"], facts["lead_unit_id"]) == ("PARTICIPANT", "unit-b", "unit-a")
    assert facts["participant_unit_ids"] == ["unit-b"] and facts["project_ids"] == ["p-b", "p-lead"]
    assert facts["allocated_codes"] == ["APP.REGULATION"] and facts["catalog_resource_codes"] == ["RB-001"]
