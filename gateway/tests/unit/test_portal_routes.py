"""The portal's own routes: 我的待办, the dashboard, the Excel export and the
client-side pages, with fakes in place of the services."""

import io
from dataclasses import replace

import pytest
from nameko.exceptions import UnknownService
from openpyxl import load_workbook

from gateway import workbench

REVIEW = {"review_id": "r-1", "project_id": "p-1", "project_name": "智慧警务大数据平台", "unit_name": "市公安局",
          "status": "OPEN", "opened_at": "2026-03-01T10:00:00+08:00", "missing_bureaus": ["WX", "CZ"]}
FIGURES = {"plan_year": None, "total": {"count": 1, "estimate_fen": 100}, "by_year": [], "by_unit": [],
           "by_state": [], "by_category": [], "funnel": []}


def project(n: int) -> dict:
    return {"id": f"p-{n}", "name": f"项目{n}", "unit_name": "市公安局", "plan_year": 2027, "category": "BUILD",
            "state": "PLAN_APPLIED", "estimate_fen": 123_456 * n, "created_at": "2026-03-01T10:00:00+08:00"}


# ------------------------------------------------------------------ workbench


NOTHING = {"items": [], "total": 0}


@pytest.fixture(autouse=True)
def nothing_under_chapter_3(fakes):
    """No technical review or framework awaits anyone unless a test says so."""
    fakes["review"].answers["list_technical_pending"] = {"items": [], "total": 0}
    fakes["approval"].answers["list_frameworks"] = {"items": [], "total": 0, "page": 1, "page_size": 200}


@pytest.fixture(autouse=True)
def no_approvals(fakes):
    """发改 and the departments are also asked for their approval items; none unless a test says so."""
    fakes["approval"].answers["list_approvals"] = {"items": [], "total": 0}


def test_a_bureau_sees_the_opinions_awaiting_it(client, login_as, fakes):
    fakes["review"].answers["list_reviews"] = {"items": [REVIEW], "total": 1}
    fakes["security"].answers["list_cybersecurity_reviews"] = NOTHING
    body = client.get("/api/workbench", headers=login_as("wx")).get_json()

    [call] = [c for c in fakes["review"].calls if c.method == "list_reviews"]
    assert call.args == ({"awaiting_me": True},)
    assert call.identity.role == "WX"
    [item] = body["items"]
    assert item["kind"] == "PLAN_REVIEW_OPINION" and item["article"] == "第八条"
    assert item["link"] == "/projects/p-1?action=opinion" and item["project_name"] == "智慧警务大数据平台"
    # The regulation sets no time limit for a plan review opinion: no deadline, never overdue.
    assert item["deadline"] is None and item["overdue"] is False
    assert item["detail_zh"] == "尚缺：网信、财政"
    assert (body["total"], body["overdue"], body["unavailable"]) == (1, 0, [])
    assert body["kinds"] == [{"kind": "CYBERSECURITY_REVIEW", "kind_zh": "网络安全审查"},
                             {"kind": "PLAN_REVIEW_OPINION", "kind_zh": "计划论证意见"},
                             {"kind": "ADHOC_REVIEW_OPINION", "kind_zh": "追加项目联审意见"},
                             {"kind": "TECHNICAL_REVIEW_OPINION", "kind_zh": "技术审核意见"}]
    assert body["today"] == "2026-03-02"


def test_a_joint_review_opinion_cites_article_9(client, login_as, fakes):
    fakes["review"].answers["list_reviews"] = {"items": [{**REVIEW, "kind": "ADHOC"}], "total": 1}
    fakes["funds"].answers["list_funding_requests"] = NOTHING
    fakes["funds"].answers["list_estimate_reviews"] = NOTHING
    [item] = client.get("/api/workbench", headers=login_as("cz")).get_json()["items"]
    assert (item["kind"], item["article"], item["deadline"]) == ("ADHOC_REVIEW_OPINION", "第九条", None)


PENDING = {"kind": "PLAN", "project_id": "p-2", "project_name": "教育云平台", "unit_name": "市教育局",
           "plan_year": 2027, "version_no": 2, "submitted_at": "2026-03-01T09:00:00+08:00", "ready": True}


def test_zwb_sees_what_to_open_and_what_to_conclude(client, login_as, fakes):
    fakes["review"].answers["list_reviews"] = {"items": [{**REVIEW, "missing_bureaus": []},
                                                         {**REVIEW, "project_id": "p-3", "kind": "ADHOC"}], "total": 2}
    blocked = {"code": "E09-FUNDING-NOT-CONFIRMED", "reason_zh": "尚未经市财政局确认资金落实"}
    fakes["review"].answers["list_pending_openings"] = lambda f: {"items": [PENDING] if f["kind"] == "PLAN" else [
        {**PENDING, "kind": "ADHOC", "project_id": "p-4", "ready": False, "blocking": blocked}]}
    items = {i["project_id"]: i for i in client.get("/api/workbench", headers=login_as("zwb")).get_json()["items"]}

    assert items["p-1"]["kind"] == "PLAN_REVIEW_CONCLUSION"
    assert items["p-1"]["link"] == "/projects/p-1?action=conclusion"
    assert items["p-3"]["kind"] == "ADHOC_REVIEW_CONCLUSION" and items["p-3"]["article"] == "第九条"
    assert items["p-2"]["kind"] == "PLAN_REVIEW_OPENING" and items["p-2"]["link"] == "/projects/p-2?action=open"
    assert items["p-2"]["detail_zh"] == "2027 年度 · 第 2 版申报"
    assert items["p-4"]["kind"] == "ADHOC_REVIEW_OPENING" and "尚未经市财政局确认资金落实" in items["p-4"]["detail_zh"]
    # Opening and concluding have no time limit in the regulation.
    assert all(i["deadline"] is None for i in items.values())
    # One question per answer, however many kinds it feeds.
    assert sorted(c.method for c in fakes["review"].calls) == ["list_pending_openings", "list_pending_openings",
                                                                "list_reviews", "list_technical_pending",
                                                                "list_technical_pending"]


def test_cz_sees_the_funding_it_must_confirm(client, login_as, fakes):
    fakes["funds"].answers["list_funding_requests"] = {"items": [{
        "project_id": "p-5", "name": "应急指挥平台", "unit_name": "市公安局", "path": "ADHOC",
        "total_investment_fen": 50_000_000, "requested_at": "2026-03-01T09:00:00+08:00"}], "total": 1}
    fakes["funds"].answers["list_estimate_reviews"] = NOTHING
    fakes["review"].answers["list_reviews"] = {"items": [], "total": 0}
    [item] = client.get("/api/workbench", headers=login_as("cz")).get_json()["items"]
    assert fakes["funds"].calls[0].args == ({"awaiting_me": True},)
    assert (item["kind"], item["article"], item["deadline"]) == ("FUNDING_CONFIRMATION", "第九条", None)
    assert item["link"] == "/projects/p-5?action=funding-confirmation" and "500,000.00 元" in item["detail_zh"]


ESTIMATE = {"project_id": "p-6", "name": "政务云扩容", "unit_name": "市大数据局", "submission_id": "s-6",
            "stage": "PD", "version_no": 2, "requested_fen": 100_000_000, "status": "OPEN",
            "requested_at": "2026-03-01T11:00:00+08:00"}
CYBER = {"project_id": "p-7", "name": "智慧医疗平台", "unit_name": "市卫健委", "submission_id": "s-7",
         "stage": "FSR", "version_no": 1, "status": "PENDING", "declared_important_domain": True,
         "received_at": "2026-03-01T12:00:00+08:00"}


def test_cz_sees_the_estimates_it_must_review_art_10(client, login_as, fakes):
    """R-10-3: 财政's open estimate reviews are on its work list, linked to the version to review."""
    fakes["funds"].answers["list_funding_requests"] = NOTHING
    fakes["funds"].answers["list_estimate_reviews"] = {"items": [ESTIMATE], "total": 1}
    fakes["review"].answers["list_reviews"] = NOTHING
    body = client.get("/api/workbench", headers=login_as("cz")).get_json()
    [item] = body["items"]
    estimate_call = next(c for c in fakes["funds"].calls if c.method == "list_estimate_reviews")
    assert estimate_call.args == ({"awaiting_me": True, "page": 1, "page_size": 200},)
    assert estimate_call.identity.role == "CZ"
    assert (item["kind"], item["kind_zh"], item["article"], item["deadline"]) == (
        "ESTIMATE_REVIEW", "概算审核", "第十条", None)
    assert item["link"] == "/projects/p-6?action=estimate-review&submission=s-6"
    assert item["detail_zh"] == "初步设计方案第 2 版 · 概算 1,000,000.00 元（100万元及以上须经财政审核）"
    assert {"kind": "ESTIMATE_REVIEW", "kind_zh": "概算审核"} in body["kinds"]


def test_wx_sees_the_security_chapters_it_must_review_art_14(client, login_as, fakes):
    fakes["review"].answers["list_reviews"] = NOTHING
    fakes["security"].answers["list_cybersecurity_reviews"] = {"items": [CYBER], "total": 1}
    [item] = client.get("/api/workbench", headers=login_as("wx")).get_json()["items"]
    [call] = fakes["security"].calls
    assert (call.method, call.args, call.identity.role) == (
        "list_cybersecurity_reviews", ({"status": "PENDING", "page": 1, "page_size": 200},), "WX")
    assert (item["kind"], item["article"], item["since"]) == ("CYBERSECURITY_REVIEW", "第十四条", CYBER["received_at"])
    assert item["link"] == "/projects/p-7?action=cybersecurity-review&submission=s-7"
    assert item["detail_zh"] == "可行性研究报告第 1 版 · 单位申报属于重要领域"


def test_a_long_work_list_is_read_to_its_last_page(client, login_as, fakes):
    def pages(filters):
        start = (filters["page"] - 1) * filters["page_size"]
        rows = [{**CYBER, "project_id": f"p-{n}", "submission_id": f"s-{n}"}
                for n in range(start, min(start + 200, 450))]
        return {"items": rows, "total": 450}

    fakes["review"].answers["list_reviews"] = NOTHING
    fakes["security"].answers["list_cybersecurity_reviews"] = pages
    body = client.get("/api/workbench", headers=login_as("wx")).get_json()
    assert body["total"] == 450 and [c.args[0]["page"] for c in fakes["security"].calls] == [1, 2, 3]


@pytest.mark.parametrize("user", ["police", "fg", "gx", "zwb"])
def test_the_bureau_reviews_are_nobody_elses_work(client, login_as, fakes, user):
    """A department, 发改, 工信 and 政务办 are not asked for estimate or cybersecurity reviews."""
    for service, method in (("review", "list_reviews"), ("review", "list_pending_openings"),
                            ("planning", "list_projects"), ("planning", "list_calls")):
        fakes[service].answers[method] = NOTHING
    body = client.get("/api/workbench", headers=login_as(user)).get_json()
    kinds = {k["kind"] for k in body["kinds"]}
    assert not kinds & {"ESTIMATE_REVIEW", "CYBERSECURITY_REVIEW"}
    assert fakes["funds"].calls == fakes["security"].calls == []


def test_an_unreachable_security_service_leaves_the_rest_of_wxs_list(client, login_as, fakes):
    fakes["review"].answers["list_reviews"] = {"items": [REVIEW], "total": 1}
    fakes["security"].publish_error = UnknownService("security")
    body = client.get("/api/workbench", headers=login_as("wx")).get_json()
    assert body["unavailable"] == ["security"] and [i["kind"] for i in body["items"]] == ["PLAN_REVIEW_OPINION"]


def test_the_leading_group_sees_the_submitted_plan(client, login_as, fakes):
    fakes["planning"].answers["list_annual_plans"] = {"items": [
        {"plan_year": 2027, "version_no": 1, "status": "SUBMITTED", "title": "2027年度计划"},
        {"plan_year": 2026, "version_no": 1, "status": "APPROVED", "title": "2026年度计划"}]}
    [item] = client.get("/api/workbench", headers=login_as("lg")).get_json()["items"]
    assert (item["kind"], item["link"], item["deadline"]) == ("ANNUAL_PLAN_DECISION", "/annual-plans/2027", None)


@pytest.mark.parametrize("call_status, deadline", [("OPEN", "2026-03-31"), ("CLOSED", None)])
def test_a_department_draft_is_due_on_the_calls_closing_day(client, login_as, fakes, call_status, deadline):
    fakes["planning"].answers["list_projects"] = {"items": [
        {**project(1), "state": "DRAFT", "origin": "PLAN", "returned_reason": None},
        {**project(2), "state": "DRAFT", "origin": "ADHOC", "returned_reason": None},
        {**project(3), "state": "DRAFT", "origin": "PLAN", "returned_reason": "请补充安全方案"}], "total": 3}
    fakes["planning"].answers["list_calls"] = {"items": [
        {"plan_year": 2027, "opens_on": "2026-03-01", "closes_on": "2026-03-31", "status": call_status}]}
    body = client.get("/api/workbench", headers=login_as("police")).get_json()
    items = {i["project_id"]: i for i in body["items"]}
    assert fakes["planning"].calls[0].args == ({"state": "DRAFT", "page_size": 200},)
    assert items["p-1"]["deadline"] == deadline and items["p-1"]["link"] == "/projects/p-1?action=edit"
    # An ad-hoc application has no call and so no deadline.
    assert items["p-2"]["deadline"] is None and items["p-2"]["article"] == "第九条"
    # A correction 政务办 asked for (T04) is not bound by the call's window.
    assert items["p-3"]["deadline"] is None and items["p-3"]["detail_zh"] == "政务办退回理由：请补充安全方案"
    assert fakes["review"].calls == []


def test_a_department_draft_is_overdue_the_day_after_the_call_closed(client, login_as, fakes):
    fakes["planning"].answers["list_projects"] = {"items": [{**project(1), "state": "DRAFT", "origin": "PLAN"}]}
    fakes["planning"].answers["list_calls"] = {"items": [
        {"plan_year": 2027, "opens_on": "2026-02-01", "closes_on": "2026-03-01", "status": "OPEN"}]}
    [item] = client.get("/api/workbench", headers=login_as("police")).get_json()["items"]
    assert item["deadline"] == "2026-03-01" and item["overdue"] is True


def test_an_unreachable_service_leaves_its_items_out_and_says_so(client, login_as, fakes):
    fakes["review"].publish_error = UnknownService("review")
    response = client.get("/api/workbench", headers=login_as("fg"))
    assert response.status_code == 200
    assert response.get_json()["unavailable"] == ["review"] and response.get_json()["items"] == []


def test_the_workbench_needs_a_login(client):
    assert client.get("/api/workbench").status_code == 401


@pytest.mark.parametrize(("deadline", "overdue"), [
    ("2026-03-01", True), ("2026-03-02", False), ("2026-03-03", False), (None, False)])
def test_an_item_is_overdue_only_after_its_deadline_day(deadline, overdue):
    from datetime import date

    item = workbench.WorkItem(kind="K", kind_zh="k", title="t", project_id="p", project_name="n", unit_name="u",
                              since=None, article=None, link="/projects/p", action_zh="办理", deadline=deadline)
    assert item.to_dict(date(2026, 3, 2))["overdue"] is overdue


def test_a_new_kind_plugs_in_and_overdue_items_come_first():
    from datetime import date

    def reports(call, user):
        return [workbench.WorkItem(kind="REPORT", kind_zh="报告", title=f"报告{n}", project_id=None,
                                   project_name=None, unit_name=None, since=f"2026-01-0{n}", article="第二十二条",
                                   link="/projects", action_zh="提交", deadline=deadline)
                for n, deadline in ((1, None), (2, "2026-04-01"), (3, "2026-02-01"))]

    source = workbench.WorkSource("REPORT", "报告", ("UNIT",), "acceptance", reports)
    user = type("U", (), {"role": "UNIT"})()
    body = workbench.collect(None, user, date(2026, 3, 2), sources=(source,))
    assert [i["title"] for i in body["items"]] == ["报告3", "报告2", "报告1"]
    assert body["overdue"] == 1 and body["kinds"] == [{"kind": "REPORT", "kind_zh": "报告"}]


# ------------------------------------------------------------------ dashboard


def test_the_dashboard_joins_planning_figures_and_open_reviews(client, login_as, fakes):
    fakes["planning"].answers["dashboard_figures"] = FIGURES
    fakes["review"].answers["list_reviews"] = lambda filters: (
        {"items": [REVIEW, {**REVIEW, "review_id": "r-2", "missing_bureaus": ["CZ"]}], "total": 2}
        if filters == {"status": "OPEN"} else {"items": [], "total": 0})
    body = client.get("/api/dashboard?plan_year=2027", headers=login_as("fg")).get_json()

    assert fakes["planning"].calls[0].args == ({"plan_year": 2027},)
    assert body["total"] == FIGURES["total"] and body["open_reviews"] == 2
    assert {p["bureau"]: p["count"] for p in body["pending_opinions"]} == {"WX": 1, "FG": 0, "GX": 0, "CZ": 2}
    assert body["overdue"] == [] and body["unavailable"] == []


@pytest.mark.parametrize("query", ["plan_year=abc", "plan_year=1999", "colour=red"])
def test_bad_dashboard_queries_are_refused_before_any_call(client, login_as, fakes, query):
    response = client.get(f"/api/dashboard?{query}", headers=login_as("fg"))
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION"
    assert fakes["planning"].calls == []


# ------------------------------------------------------------------ export


def test_the_export_walks_every_page_with_the_list_filters(client, login_as, fakes):
    everything = [project(n) for n in range(1, 251)]

    def list_projects(filters):
        start = (filters["page"] - 1) * filters["page_size"]
        return {"items": everything[start:start + filters["page_size"]], "total": len(everything),
                "page": filters["page"], "page_size": filters["page_size"]}

    fakes["planning"].answers["list_projects"] = list_projects
    response = client.get("/api/projects/export.xlsx?plan_year=2027&sort=estimate_fen&order=asc&q=项目",
                          headers=login_as("zwb"))

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert [c.args[0] for c in fakes["planning"].calls] == [
        {"plan_year": 2027, "sort": "estimate_fen", "order": "asc", "q": "项目", "page": n, "page_size": 200}
        for n in (1, 2)]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2027 年度" in rows[0][0] and "含“项目”" in rows[0][0]
    assert rows[2][:6] == ("项目名称", "建设单位", "计划年度", "类别", "状态", "投资估算（元）")
    assert rows[3][:6] == ("项目1", "市公安局", 2027, "建设类", "已申报", 1234.56)
    assert len(rows) == 3 + 250


@pytest.mark.parametrize("query", ["page=2", "estimate_min_fen=5&estimate_max_fen=4", "hold=MAYBE", "sort=secret"])
def test_bad_export_queries_are_refused(client, login_as, fakes, query):
    response = client.get(f"/api/projects/export.xlsx?{query}", headers=login_as("zwb"))
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION"
    assert fakes["planning"].calls == []


def test_list_filters_reach_planning_as_typed(client, login_as, fakes):
    fakes["planning"].answers["list_projects"] = {"items": [], "total": 0, "page": 1, "page_size": 20}
    query = "hold=NONE&estimate_min_fen=100&estimate_max_fen=100&q=警务&sort=name&order=asc&unit_id=edu"
    assert client.get(f"/api/projects?{query}", headers=login_as("zwb")).status_code == 200
    assert fakes["planning"].calls[0].args[0] == {
        "hold": "NONE", "estimate_min_fen": 100, "estimate_max_fen": 100, "q": "警务", "sort": "name",
        "order": "asc", "unit_id": "edu"}


# ------------------------------------------------------------------ client pages


@pytest.fixture
def built(service, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=app></div>", encoding="utf-8")
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    service.settings = replace(service.settings, portal_dist=dist)
    return dist


@pytest.mark.parametrize("path", ["/login", "/workbench", "/projects", "/projects/p-1", "/projects/p-1/edit",
                                  "/apply", "/adhoc", "/rankings", "/plan-calls", "/annual-plans", "/annual-plans/2027",
                                  "/estimate-reviews", "/cybersecurity-reviews",
                                  "/dashboard", "/api-docs", "/technical-reviews", "/frameworks/f-1", "/verify"])
def test_every_client_route_opens_the_portal(client, built, path):
    response = client.get(path)
    assert response.status_code == 200 and response.get_data(as_text=True).endswith("<div id=app></div>")
    assert response.headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_cached_for_good(client, built):
    response = client.get("/assets/index-abc123.js")
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/api/nowhere", "/nowhere", "/projectsx"])
def test_other_addresses_stay_json_404(client, built, path):
    response = client.get(path)
    assert response.status_code == 404 and response.get_json()["code"] == "NOT-FOUND"
