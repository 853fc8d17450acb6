"""第十二条 as pure functions (approval/framework.py): R-12-1..R-12-7 at their edges."""

import copy

import pytest

from approval import framework as rules
from approval.schemas_framework import FrameworkContentSchema

TAXONOMY = rules.Taxonomy.default()


def section(unit, counterpart):
    return {"unit_id": unit, "business_flow": f"{unit} 的业务流",
            "data_flows": [{"counterpart_unit_id": counterpart, "direction": "OUT", "content": f"{unit} 推送数据"}],
            "interfaces": [{"name": f"{unit} 接口", "counterpart_unit_id": counterpart, "direction": "PROVIDES",
                            "description": ""}]}


def complete(**changes):
    content = FrameworkContentSchema().load({
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
    })
    content.update(lead_unit_id="unit-a", lead_unit_name="市民政局")
    content.update(changes)
    return content


def with_(content, path, value):
    out = copy.deepcopy(content)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


def item(item_id, code, unit, name=None):
    return {"item_id": item_id, "code": code, "name": name or item_id, "unit_id": unit, "description": ""}


# ---------------------------------------------------------------- R-12-1


def test_r_12_1_a_lead_without_another_participating_department_is_refused():
    refusal = rules.participants_refusal("unit-a", [])
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-PARTICIPANTS-MISSING", "R-12-1", "第十二条")
    lead_only = [{"unit_id": "unit-a", "unit_name": "市民政局", "sub_project_id": "p-x"}]
    assert rules.participants_refusal("unit-a", lead_only).code == "E12-PARTICIPANTS-MISSING"


def test_r_12_1_one_other_department_is_enough():
    assert rules.participants_refusal("unit-a", complete()["participants"]) is None


# ---------------------------------------------------------------- R-12-2


def test_r_12_2_a_complete_framework_has_nothing_missing():
    assert rules.missing_items(complete()) == []
    assert rules.incompleteness_refusal(complete()) is None


@pytest.mark.parametrize("path, value, expected", [
    (("goals",), "  ", {"item": "建设目标", "department": None}),
    (("main_content",), "", {"item": "主体内容", "department": None}),
    (("departments", 1, "business_flow"), "", {"item": "业务流", "department": "unit-b"}),
    (("departments", 1, "data_flows"), [], {"item": "数据流", "department": "unit-b"}),
    (("departments", 0, "interfaces"), [], {"item": "系统接口", "department": "unit-a"}),
    (("data_catalog",), [], {"item": "初步数据目录", "department": None}),
    (("data_catalog", 1, "data_items"), [], {"item": "初步数据目录资源“营运车辆信息”的数据项", "department": "unit-b"}),
])
def test_r_12_2_each_missing_checklist_item_is_named_with_its_department(path, value, expected):
    content = with_(complete(), path, value)
    assert rules.missing_items(content) == [expected]
    refusal = rules.incompleteness_refusal(content)
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-FRAMEWORK-INCOMPLETE", "R-12-2", "第十二条")
    assert refusal.details["missing"][0]["item"] == expected["item"]
    assert refusal.details["missing"][0]["department"] == expected["department"]


def test_r_12_2_a_department_without_its_section_lacks_all_three_flows():
    content = complete(departments=[section("unit-a", "unit-b")])
    flows = ("业务流", "数据流", "系统接口")
    assert rules.missing_items(content) == [{"item": name, "department": "unit-b"} for name in flows]
    assert "市交通运输局：业务流" in rules.incompleteness_refusal(content).reason_zh


def test_r_12_2_a_department_with_nothing_allocated_is_incomplete():
    content = complete(allocation=[item("i-1", "SUPPORT.EXCHANGE", "unit-a")])
    assert rules.missing_items(content) == [{"item": "建设内容分工", "department": "unit-b"}]


# ---------------------------------------------------------------- R-12-3


def test_r_12_3_the_same_code_in_two_departments_overlaps():
    content = complete(allocation=[item("i-1", "APP.SERVICE", "unit-a", "审批服务"),
                                   item("i-2", "APP.SERVICE", "unit-b", "办事服务")])
    conflicts = rules.overlaps(content)
    assert [c["kind"] for c in conflicts] == ["SAME_CODE"]
    refusal = rules.overlap_refusal(conflicts)
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-CONTENT-OVERLAP", "R-12-3", "第十二条")
    assert refusal.details["items"] == ["审批服务", "办事服务"]
    assert refusal.details["departments"] == ["unit-a", "unit-b"]


def test_r_12_3_a_code_containing_another_departments_code_overlaps_a_sibling_does_not():
    assert rules.codes_overlap("APP.SERVICE", "APP.SERVICE.HOUSEHOLD")
    assert rules.codes_overlap("APP.SERVICE.HOUSEHOLD", "APP.SERVICE")
    # A shared prefix without the level separator is another code altogether.
    assert not rules.codes_overlap("APP.SERVICE", "APP.SERVICES")
    assert not rules.codes_overlap("APP.SERVICE", "APP.REGULATION")


def test_r_12_3_the_same_code_twice_in_one_department_is_no_overlap():
    content = complete(allocation=[item("i-1", "APP.SERVICE", "unit-a"), item("i-3", "APP.SERVICE", "unit-a"),
                                   item("i-2", "APP.REGULATION", "unit-b")])
    assert rules.overlaps(content) == []
    assert rules.overlap_refusal([]) is None


def test_r_12_3_declared_equivalent_items_in_two_departments_overlap():
    content = complete(equivalences=[{"item_ids": ["i-1", "i-2"], "note": "同一交换通道"}])
    conflicts = rules.overlaps(content)
    assert [(c["kind"], c["departments"]) for c in conflicts] == [("DECLARED_EQUIVALENT", ["unit-a", "unit-b"])]


def test_r_12_3_declared_equivalent_items_of_one_department_do_not_overlap():
    content = complete(allocation=[*complete()["allocation"], item("i-3", "SUPPORT.IDENTITY", "unit-a")],
                       equivalences=[{"item_ids": ["i-1", "i-3"], "note": ""}])
    assert rules.overlaps(content) == []


def test_r_12_3_an_item_of_another_determined_framework_overlaps_whoever_holds_it():
    other = complete(allocation=[item("o-1", "SUPPORT.EXCHANGE.GATEWAY", "unit-c", "交换网关")])
    conflicts = rules.overlaps(complete(), [("fw-other", other)])
    assert len(conflicts) == 1
    assert conflicts[0]["kind"] == "OTHER_FRAMEWORK" and conflicts[0]["framework_id"] == "fw-other"
    assert conflicts[0]["departments"] == ["unit-a", "unit-c"]
    unrelated = complete(allocation=[item("o-1", "APP.EMERGENCY", "unit-c")])
    assert rules.overlaps(complete(), [("fw-other", unrelated)]) == []


# ---------------------------------------------------------------- R-12-4


def test_r_12_4_every_participant_confirms_the_current_version():
    content = complete(participants=[*complete()["participants"],
                                     {"unit_id": "unit-c", "unit_name": "市卫生健康委", "sub_project_id": "p-c"}])
    refusal = rules.confirmation_refusal(content, ["unit-b"], 3)
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-FRAMEWORK-NOT-CONFIRMED", "R-12-4", "第十二条")
    assert refusal.details == {"version_no": 3, "pending_unit_ids": ["unit-c"], "pending_departments": ["市卫生健康委"]}
    assert rules.confirmation_refusal(content, ["unit-c", "unit-b"], 3) is None


def test_t90_determination_checks_completeness_then_overlap_then_confirmation():
    incomplete_and_overlapping = complete(goals="", equivalences=[{"item_ids": ["i-1", "i-2"], "note": ""}])
    assert rules.determination_refusal(incomplete_and_overlapping, [], [], 1).code == "E12-FRAMEWORK-INCOMPLETE"
    overlapping = complete(equivalences=[{"item_ids": ["i-1", "i-2"], "note": ""}])
    assert rules.determination_refusal(overlapping, [], [], 1).code == "E12-CONTENT-OVERLAP"
    assert rules.determination_refusal(complete(), [], [], 1).code == "E12-FRAMEWORK-NOT-CONFIRMED"
    assert rules.determination_refusal(complete(), [], ["unit-b"], 1) is None


# ---------------------------------------------------------------- R-12-5


def entry(**kw):
    facts = {"framework_id": "fw", "status": rules.DETERMINED, "version_no": 2, "project_id": "p-lead",
             "project_unit_id": "unit-a", "role": rules.LEAD, "lead_unit_id": "unit-a", "unit_id": "unit-a"}
    return rules.entry_refusal(**{**facts, **kw})


def test_r_12_5_no_entry_before_the_framework_is_determined():
    refusal = entry(status=rules.DRAFTING)
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-FRAMEWORK-NOT-DETERMINED", "R-12-5", "第十二条")
    sub = entry(status=rules.DRAFTING, project_id="p-b", project_unit_id="unit-b", role=rules.PARTICIPANT,
                unit_id="unit-b")
    assert sub.code == "E12-FRAMEWORK-NOT-DETERMINED"
    assert entry() is None
    assert entry(project_id="p-b", project_unit_id="unit-b", role=rules.PARTICIPANT, unit_id="unit-b") is None


def test_r_12_5_a_participant_submitting_the_overall_project_is_forbidden_even_once_determined():
    refusal = entry(unit_id="unit-b")
    assert (refusal.code, refusal.rule, refusal.article) == ("AUTH-FORBIDDEN", "R-12-5", "第十二条")


# ---------------------------------------------------------------- R-12-6


def test_r_12_6_sub_project_content_within_the_allocation_passes_parts_of_it_too():
    args = {"framework_id": "fw", "version_no": 1, "project_id": "p-b"}
    assert rules.outside_allocation_refusal(complete(), "unit-b", ["APP.REGULATION"], **args) is None
    assert rules.outside_allocation_refusal(complete(), "unit-b", ["APP.REGULATION.TRAFFIC"], **args) is None
    assert rules.outside_allocation_refusal(complete(), "unit-b", [], **args) is None


def test_r_12_6_content_outside_the_allocation_is_refused_naming_it():
    args = {"framework_id": "fw", "version_no": 1, "project_id": "p-b"}
    refusal = rules.outside_allocation_refusal(complete(), "unit-b",
                                               ["APP.REGULATION", "SUPPORT.EXCHANGE", "APP.REGULATIONS"], **args)
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-OUTSIDE-ALLOCATION", "R-12-6", "第十二条")
    assert refusal.details["outside_codes"] == ["SUPPORT.EXCHANGE", "APP.REGULATIONS"]
    assert refusal.details["allocated_codes"] == ["APP.REGULATION"]


# ---------------------------------------------------------------- R-12-7


ARGS = {"framework_id": "fw", "version_no": 1, "project_id": "p-a"}


def test_r_12_7_a_catalog_containing_the_allocated_entries_and_their_items_passes():
    catalog = {"entries": [{"resource_code": "RA-001", "name": "救助对象信息",
                            "data_items": [{"name": "姓名", "type": "string"}, {"name": "身份证号"},
                                           {"name": "住址"}]}]}
    assert rules.catalog_refusal(complete(), "unit-a", catalog, **ARGS) is None
    assert rules.catalog_refusal(complete(), "unit-a", {"entries": [
        {"resource_code": "RA-001", "data_items": ["姓名", "身份证号"]}]}, **ARGS) is None


def test_r_12_7_a_missing_entry_or_data_item_is_refused():
    refusal = rules.catalog_refusal(complete(), "unit-a", {"entries": []}, **ARGS)
    assert (refusal.code, refusal.rule, refusal.article) == ("E12-CATALOG-INCONSISTENT", "R-12-7", "第十二条")
    assert refusal.details["missing_entries"] == ["RA-001"]
    # Another department's entry does not stand in for its own.
    only_b = {"entries": [{"resource_code": "RB-001", "data_items": ["车牌号"]}]}
    assert rules.catalog_refusal(complete(), "unit-a", only_b, **ARGS).details["missing_entries"] == ["RA-001"]
    short = {"entries": [{"resource_code": "RA-001", "data_items": [{"name": "姓名"}]}]}
    refusal = rules.catalog_refusal(complete(), "unit-a", short, **ARGS)
    assert refusal.details["missing_data_items"] == [{"resource_code": "RA-001", "data_items": ["身份证号"]}]


# ---------------------------------------------------------------- structure and visibility


def test_references_to_unknown_departments_items_or_codes_are_field_errors():
    content = complete(
        allocation=[item("i-1", "NOT.A.CODE", "unit-a"), item("i-1", "APP.REGULATION", "unit-z")],
        equivalences=[{"item_ids": ["i-1", "i-9"], "note": ""}],
        data_catalog=[{"resource_code": "R", "name": "n", "provider_unit_id": "unit-z", "data_items": ["x"],
                       "summary": ""}])
    errors = rules.structural_errors(content, TAXONOMY)
    assert set(errors) == {"allocation.0.code", "allocation.1.item_id", "allocation.1.unit_id",
                           "equivalences.0.item_ids", "data_catalog.0.provider_unit_id"}
    assert rules.structural_errors(complete(), TAXONOMY) == {}


def test_a_participant_reads_its_own_section_and_only_the_flows_that_concern_it():
    content = complete(participants=[*complete()["participants"],
                                     {"unit_id": "unit-c", "unit_name": "市卫生健康委", "sub_project_id": "p-c"}],
                       departments=[section("unit-a", "unit-c"), section("unit-b", "unit-a"),
                                    section("unit-c", "unit-a")])
    seen = {d["unit_id"]: d for d in rules.content_for(content, "unit-b")["departments"]}
    assert seen["unit-b"] == section("unit-b", "unit-a")
    assert seen["unit-a"]["business_flow"] is None and seen["unit-a"]["interfaces"] == []
    assert seen["unit-c"]["data_flows"] == []
    seen_by_c = {d["unit_id"]: d for d in rules.content_for(content, "unit-c")["departments"]}
    assert seen_by_c["unit-a"]["interfaces"] == section("unit-a", "unit-c")["interfaces"]
    assert seen_by_c["unit-a"]["business_flow"] is None
    assert rules.content_for(content, None) == content
    assert rules.content_for(content, "unit-a") == content
