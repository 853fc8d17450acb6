"""发改's approval on 我的待办, the timeline and the state labels: FG's submissions to decide, the department's
returned submissions, next stages and review conditions; Chinese names and summaries of approval's events."""

import pytest

from gateway import labels, timeline

CASE = {"project_id": "p-1", "name": "智慧城管平台", "unit_name": "市公安局", "updated_at": "2026-03-01T10:00:00+08:00",
        "current_submission_id": "s-2"}


def _sub(stage="FSR", version_no=2, **kw):
    return {"submission_id": "s-2", "stage": stage, "version_no": version_no,
            "submitted_at": "2026-02-28T09:00:00+08:00", "decided_at": "2026-03-01T10:00:00+08:00",
            "decision_reason": None, "return_code": None, **kw}


@pytest.fixture(autouse=True)
def nothing_else_awaits(fakes):
    fakes["planning"].answers["list_projects"] = {"items": [], "total": 0}
    fakes["review"].answers["list_reviews"] = {"items": [], "total": 0}


def test_fg_sees_each_submission_waiting_for_its_decision(client, login_as, fakes):
    fakes["approval"].answers["list_approvals"] = {"items": [
        {**CASE, "stage_state": "FSR_SUBMITTED", "current_submission": _sub()},
        {**CASE, "project_id": "p-2", "stage_state": "ESTIMATE_UNDER_REVIEW", "current_submission": _sub("PD", 1)}]}
    body = client.get("/api/workbench", headers=login_as("fg")).get_json()
    first, second = sorted(body["items"], key=lambda i: i["project_id"])
    assert (first["kind"], first["article"], first["link"], first["deadline"]) == (
        "APPROVAL_DECISION", "第十条", "/projects/p-1?action=approval-decision", None)
    assert first["title"] == "审批“智慧城管平台”的可行性研究报告（第 2 版）"
    assert second["detail_zh"] == "财政审核概算中"
    [call] = fakes["approval"].calls
    assert (call.method, call.args, call.identity.role) == (
        "list_approvals", ({"awaiting_me": True, "page_size": 200},), "FG")
    assert {"kind": "APPROVAL_DECISION", "kind_zh": "立项审批"} in body["kinds"]


def test_the_department_is_asked_to_take_its_planned_and_cleared_build_projects_into_approval(
        client, login_as, fakes):
    projects = {"PLANNED": [{"id": "p-7", "name": "智慧警务指挥平台", "state": "PLANNED", "category": "BUILD",
                             "unit_name": "市公安局", "updated_at": "2026-03-01T10:00:00+08:00"}],
                "ADHOC_CLEARED": [{"id": "p-8", "name": "应急指挥系统", "state": "ADHOC_CLEARED", "category": "BUILD",
                                   "unit_name": "市公安局", "updated_at": "2026-03-02T10:00:00+08:00"}]}
    fakes["planning"].answers["list_projects"] = lambda f: {"items": projects.get(f.get("state"), []), "total": 1}
    items = [i for i in client.get("/api/workbench", headers=login_as("police")).get_json()["items"]
             if i["kind"] == "APPROVAL_ENTRY"]
    assert [(i["project_id"], i["title"], i["article"], i["link"]) for i in items] == [
        ("p-7", "报批“智慧警务指挥平台”", "第十条", "/projects/p-7?action=approval-submission"),
        ("p-8", "报批“应急指挥系统”", "第十条", "/projects/p-8?action=approval-submission")]
    asked = [c.args[0] for c in fakes["planning"].calls if c.args and c.args[0].get("category") == "BUILD"]
    assert {a["state"] for a in asked} == {"PLANNED", "ADHOC_CLEARED"}
    # 发改 is not asked to enter anything.
    fg = client.get("/api/workbench", headers=login_as("fg")).get_json()["items"]
    assert not [i for i in fg if i["kind"] == "APPROVAL_ENTRY"]


def test_the_department_sees_its_returned_submission_and_the_next_stage(client, login_as, fakes):
    def answer(filters):
        if filters["awaiting_me"]:
            return {"items": [
                {**CASE, "stage_state": "RETURNED", "current_submission": _sub(decision_reason="概算明细不全")},
                {**CASE, "project_id": "p-2", "stage_state": "PROPOSAL_APPROVED",
                 "current_submission": _sub("PROPOSAL", 1)},
                {**CASE, "project_id": "p-3", "stage_state": "RETURNED",
                 "current_submission": _sub("COMBINED_PACKAGE", 1, return_code="SEPARATE_STAGES_REQUIRED",
                                            decision_reason="请分阶段报批")}]}
        return {"items": []}
    fakes["approval"].answers["list_approvals"] = answer
    items = {i["project_id"]: i for i in client.get("/api/workbench", headers=login_as("police")).get_json()["items"]}
    assert (items["p-1"]["kind"], items["p-1"]["detail_zh"], items["p-1"]["link"]) == (
        "APPROVAL_RESUBMISSION", "发改退回理由：概算明细不全", "/projects/p-1?action=approval-submission")
    assert items["p-1"]["title"] == "修改后重新报送“智慧城管平台”的可行性研究报告（第 2 版）"
    assert (items["p-2"]["kind"], items["p-2"]["title"]) == (
        "APPROVAL_NEXT_STAGE", "报送“智慧城管平台”的可行性研究报告")
    assert items["p-3"]["title"] == "修改后重新报送“智慧城管平台”的审批材料（分阶段）"
    # Two kinds drawn from one answer ask approval once.
    assert [c.args for c in fakes["approval"].calls
            if c.method == "list_approvals" and c.args[0]["awaiting_me"]] == [
        ({"awaiting_me": True, "page_size": 200},)]


def test_the_department_acknowledges_only_the_unacknowledged_conditions_of_the_current_submission(
        client, login_as, fakes):
    fakes["approval"].answers["list_approvals"] = lambda f: {"items": [] if f["awaiting_me"] else [
        {**CASE, "stage_state": "FSR_SUBMITTED"}, {**CASE, "project_id": "p-9", "stage_state": "APPROVED"}]}
    fakes["approval"].answers["get_approval"] = {"technical_reviews": [
        {"submission_id": "s-1", "outcome": "PASS_WITH_CONDITIONS", "conditions": "旧版本的条件"},
        {"submission_id": "s-2", "outcome": "PASS_WITH_CONDITIONS", "conditions": "上线前完成等保测评",
         "conditions_acknowledged_at": None}]}
    [item] = client.get("/api/workbench", headers=login_as("police")).get_json()["items"]
    assert (item["kind"], item["detail_zh"], item["link"]) == (
        "CONDITIONS_ACKNOWLEDGEMENT", "条件：上线前完成等保测评", "/projects/p-1?action=conditions-acknowledgement")
    assert [c.args for c in fakes["approval"].calls if c.method == "get_approval"] == [("p-1",)]

    fakes["approval"].answers["get_approval"]["technical_reviews"][1]["conditions_acknowledged_at"] = "2026-03-02"
    assert client.get("/api/workbench", headers=login_as("police")).get_json()["items"] == []


def test_other_bureaus_are_not_asked_about_approvals(client, login_as, fakes):
    client.get("/api/workbench", headers=login_as("zwb"))
    assert fakes["approval"].calls == []


@pytest.mark.parametrize("state, zh", [
    ("PROPOSAL_SUBMITTED", "项目建议书已报送"), ("PROPOSAL_APPROVED", "项目建议书已批复"),
    ("FSR_SUBMITTED", "可行性研究报告已报送"), ("FSR_APPROVED", "可行性研究报告已批复"),
    ("PD_SUBMITTED", "初步设计方案已报送"), ("ESTIMATE_UNDER_REVIEW", "投资概算审核中"),
    ("URGENT_PACKAGE_SUBMITTED", "紧急项目合并材料已报送"), ("COMBINED_SUBMITTED", "合并编报材料已报送"),
    ("RETURNED", "审批材料已退回"), ("APPROVED", "已批复"), ("APPROVAL_REFUSED", "审批未通过"),
])
def test_every_approval_sub_state_has_its_chinese_name(state, zh):
    assert labels.state_zh(state) == zh


@pytest.mark.parametrize("name", [
    "ProjectCodeRecorded", "ResourceCatalogSubmitted", "ResourceCatalogVersioned", "ProposalSubmitted", "FSRSubmitted",
    "PreliminaryDesignSubmitted", "UrgentPackageSubmitted", "CombinedPackageSubmitted", "DepthConfirmed",
    "ApprovalReturned", "ApprovalRefused", "ProposalApproved", "FSRApproved", "PreliminaryDesignApproved",
    "GovernmentRequestRecorded", "Art11FlagsChanged", "CrossLevelLinkageDeclared", "DuplicateCollectionFlagged"])
def test_every_approval_event_has_a_chinese_name(name):
    assert timeline.name_zh(name) != name


@pytest.mark.parametrize("name, role, data, text", [
    ("FSRSubmitted", "UNIT", {"unit_name": "市公安局", "stage": "FSR", "version_no": 2},
     "市公安局 报送可行性研究报告（第2版）"),
    ("PreliminaryDesignApproved", "FG", {"stage": "PD", "version_no": 1, "doc_no": "连发改审批〔2026〕3号",
                                         "approved_estimate_fen": 150_000_001},
     "发改批复初步设计方案（第1版），文号 连发改审批〔2026〕3号，核定概算 1,500,000.01 元"),
    ("ApprovalReturned", "FG", {"stage": "COMBINED_PACKAGE", "version_no": 1, "reason": "请分阶段报批",
                                "return_code": "SEPARATE_STAGES_REQUIRED"},
     "发改退回合并编报材料（第1版），要求分阶段报批：请分阶段报批"),
    ("ApprovalRefused", "FG", {"stage": "FSR", "version_no": 3, "reason": "不符合规划"},
     "发改不予批复可行性研究报告（第3版）：不符合规划"),
    ("ProjectCodeRecorded", "UNIT", {"unit_name": "市公安局", "code": "2026-320700-65-01-000001"},
     "市公安局 登记项目代码 2026-320700-65-01-000001"),
    ("ResourceCatalogVersioned", "UNIT", {"unit_name": "市公安局", "version_no": 2, "entries": 3},
     "市公安局 报送信息资源目录第2版（3 项资源）"),
    ("Art11FlagsChanged", "FG", {"new_civil_works": True, "high_energy": False, "reason": "新建机房"},
     "发改认定第十一条情形：新增土建（新建机房）"),
])
def test_approval_events_read_as_sentences(name, role, data, text):
    assert timeline.summary_zh(name, role, data) == text
