"""Chapter 2's planning routes reach planning with the user's identity, the path values, the payload and the
idempotency key; the plan exports turn planning's answer into a real spreadsheet and PDF."""

import io

import pytest
from openpyxl import load_workbook

from itpm_common.errors import Refusal

PLAN = {"plan_id": "plan-1", "plan_year": 2027, "version_no": 1, "status": "APPROVED", "version": 3,
        "title": "2027年度市级政务信息化项目建设计划", "document_number": "连信息化领〔2027〕1号",
        "sections": {"BUILD": [{"project_id": "p-1", "section": "BUILD", "section_rank": 1, "nature_zh": "新建",
                                "status": "LISTED", "unit_name": "市公安局", "name": "智慧警务大数据平台",
                                "unit_rank": 1, "estimate_fen": 123_456_789, "origin": "PLAN"},
                               {"project_id": "p-2", "section": "BUILD", "section_rank": 2, "nature_zh": "新建",
                                "status": "STRUCK", "unit_name": "市教育局", "name": "被删除的项目",
                                "unit_rank": 1, "estimate_fen": 1, "origin": "PLAN"}],
                     "OM": [{"project_id": "p-3", "section": "OM", "section_rank": 1, "nature_zh": "运维",
                             "status": "LISTED", "unit_name": "市卫健委", "name": "健康平台运维",
                             "unit_rank": 1, "estimate_fen": 5_000_000, "origin": "SUPERIOR_FUNDED"}]}}


@pytest.mark.parametrize("who, method, path, body, rpc, args", [
    ("zwb", "post", "/api/plan-calls", {"plan_year": 2027}, "open_call", ()),
    ("zwb", "post", "/api/plan-calls/2027/close", {}, "close_call", (2027,)),
    ("police", "post", "/api/drafts", {"name": "草稿", "plan_year": 2027}, "save_draft", ()),
    ("police", "post", "/api/projects/p-1/withdraw", {"reason": "补充材料"}, "withdraw_plan_application", ("p-1",)),
    ("police", "put", "/api/rankings", {"plan_year": 2027, "category": "BUILD", "order": ["p-1"]},
     "update_ranking", ()),
    ("police", "post", "/api/adhoc-applications", {"name": "追加", "plan_year": 2027}, "submit_adhoc_application", ()),
    ("zwb", "post", "/api/projects/p-1/special-report", {"reference": "x", "reported_on": "2026-09-01"},
     "record_special_report", ("p-1",)),
    ("zwb", "post", "/api/annual-plans/2027/compile", {}, "compile_annual_plan", (2027,)),
    ("lgo", "post", "/api/annual-plans/2027/submit", {"expected_version": 2}, "submit_annual_plan", (2027,)),
    ("lg", "post", "/api/annual-plans/2027/return", {"reason": "调整"}, "return_annual_plan", (2027,)),
    ("lg", "post", "/api/annual-plans/2027/approve", {"document_number": "x"}, "approve_annual_plan", (2027,)),
    ("zwb", "post", "/api/overall-plans", {"title": "总体规划"}, "compile_overall_plan", ()),
    ("lg", "post", "/api/overall-plans/approve", {"document_number": "x"}, "approve_overall_plan", ()),
])
def test_commands_reach_planning(client, login_as, fakes, who, method, path, body, rpc, args):
    fakes["planning"].answers[rpc] = {"ok": True}
    response = getattr(client, method)(path, json=body, headers={**login_as(who), "Idempotency-Key": f"k-{rpc}"})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    [call] = fakes["planning"].calls
    assert (call.method, call.args, call.kwargs) == (rpc, (*args, body), {"idempotency_key": f"k-{rpc}"})
    assert call.identity.user_id == who


def test_a_command_without_an_idempotency_key_never_reaches_planning(client, login_as, fakes):
    response = client.post("/api/plan-calls", json={"plan_year": 2027}, headers=login_as("zwb"))
    assert response.status_code == 400 and fakes["planning"].calls == []


def test_the_call_window_refusal_keeps_its_rule_and_article(client, login_as, fakes):
    fakes["planning"].answers["submit_plan_application"] = Refusal(
        code="E07-CALL-WINDOW-CLOSED", rule="R-7-5", article="第七条", reason_zh="当前不在申报期内",
        details={"opens_on": "2026-09-01", "closes_on": "2026-09-30"})
    response = client.post("/api/plan-applications", json={"name": "x", "plan_year": 2027},
                           headers={**login_as("police"), "Idempotency-Key": "late-1"})
    assert response.status_code == 422
    body = response.get_json()
    assert (body["code"], body["rule"], body["article"], body["details"]["closes_on"]) == (
        "E07-CALL-WINDOW-CLOSED", "R-7-5", "第七条", "2026-09-30")


def test_an_adhoc_application_may_cite_only_own_uploads(client, login_as, fakes):
    edu = login_as("edu")
    upload = client.post("/api/documents", headers=edu,
                         data={"file": (io.BytesIO(b"%PDF-1.4\n% edu\n%%EOF\n"), "上级文件.pdf", "application/pdf")})
    foreign = upload.get_json()
    body = {"name": "追加", "plan_year": 2027, "superior_funding": {"amount_fen": 1, "document": foreign}}
    response = client.post("/api/adhoc-applications", json=body,
                           headers={**login_as("police"), "Idempotency-Key": "adhoc-1"})
    assert response.status_code == 422 and response.get_json()["code"] == "E07-DOCUMENT-NOT-UPLOADED"
    assert fakes["planning"].calls == []


def test_reads_reach_planning_with_typed_path_and_query(client, login_as, fakes):
    fakes["planning"].answers.update(list_calls={"items": []}, get_call={"plan_year": 2027},
                                     get_ranking={"items": []}, list_annual_plans={"items": []},
                                     get_annual_plan=PLAN)
    headers = login_as("police")
    for path in ("/api/plan-calls", "/api/plan-calls/2027", "/api/rankings?plan_year=2027&category=OM",
                 "/api/annual-plans", "/api/annual-plans/2027?version_no=1"):
        assert client.get(path, headers=headers).status_code == 200, path
    assert [(c.method, c.args) for c in fakes["planning"].calls] == [
        ("list_calls", ()), ("get_call", (2027,)), ("get_ranking", (2027, "OM")), ("list_annual_plans", ()),
        ("get_annual_plan", (2027, 1))]
    assert client.get("/api/rankings?plan_year=2027", headers=headers).status_code == 400


def test_the_plan_exports_as_a_spreadsheet_with_both_sections(client, login_as, fakes):
    fakes["planning"].answers["get_annual_plan"] = PLAN
    response = client.get("/api/annual-plans/2027/export.xlsx", headers=login_as("fg"))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = [tuple(c for c in r if c is not None)
            for r in load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True)]
    assert rows[0] == ("2027年度市级政务信息化项目建设计划",)
    assert "连信息化领〔2027〕1号" in rows[1][0]
    assert (1, "智慧警务大数据平台", "市公安局", "新建", 1, "123.46", "年度申报") in rows
    assert (1, "健康平台运维", "市卫健委", "运维", 1, "5.00", "上级安排经费") in rows
    assert not any("被删除的项目" in r for r in rows)
    assert rows.index(("一、建设类项目",)) < rows.index(("二、运维类项目",))


def test_the_plan_exports_as_a_pdf(client, login_as, fakes):
    fakes["planning"].answers["get_annual_plan"] = PLAN
    response = client.get("/api/annual-plans/2027/export.pdf?version_no=1", headers=login_as("zwb"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.get_data()
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF") and len(body) > 2000
    assert fakes["planning"].calls[0].args == (2027, 1)


def test_an_export_of_a_plan_the_user_may_not_see_is_not_found(client, login_as, fakes):
    fakes["planning"].answers["get_annual_plan"] = Refusal(code="NOT-FOUND", reason_zh="年度建设计划不存在或无权查看")
    assert client.get("/api/annual-plans/2027/export.pdf", headers=login_as("police")).status_code == 404
