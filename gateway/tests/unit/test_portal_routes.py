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


def test_a_bureau_sees_the_opinions_awaiting_it(client, login_as, fakes):
    fakes["review"].answers["list_reviews"] = {"items": [REVIEW], "total": 1}
    body = client.get("/api/workbench", headers=login_as("wx")).get_json()

    [call] = fakes["review"].calls
    assert call.method == "list_reviews" and call.args == ({"awaiting_me": True},)
    assert call.identity.role == "WX"
    [item] = body["items"]
    assert item["kind"] == "PLAN_REVIEW_OPINION" and item["article"] == "第八条"
    assert item["link"] == "/projects/p-1?action=opinion" and item["project_name"] == "智慧警务大数据平台"
    # The regulation sets no time limit for a plan review opinion: no deadline, never overdue.
    assert item["deadline"] is None and item["overdue"] is False
    assert item["detail_zh"] == "尚缺：网信、财政"
    assert (body["total"], body["overdue"], body["unavailable"]) == (1, 0, [])
    assert body["kinds"] == [{"kind": "PLAN_REVIEW_OPINION", "kind_zh": "计划论证意见"}]
    assert body["today"] == "2026-03-02"


def test_zwb_sees_the_reviews_ready_for_its_conclusion(client, login_as, fakes):
    fakes["review"].answers["list_reviews"] = {"items": [{**REVIEW, "missing_bureaus": []}], "total": 1}
    [item] = client.get("/api/workbench", headers=login_as("zwb")).get_json()["items"]
    assert item["kind"] == "PLAN_REVIEW_CONCLUSION" and item["link"] == "/projects/p-1?action=conclusion"


def test_a_department_has_no_review_work_and_no_service_is_asked(client, login_as, fakes):
    body = client.get("/api/workbench", headers=login_as("police")).get_json()
    assert body == {**body, "items": [], "total": 0, "kinds": []}
    assert fakes["review"].calls == []


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
                                  "/apply", "/dashboard", "/api-docs"])
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
