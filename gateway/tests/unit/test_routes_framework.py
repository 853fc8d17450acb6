"""The cross-department framework (第十二条) over HTTP: each route reaches
approval with the department's signed identity, the payload and the
idempotency key; approval's refusals (E12-…, with their details) keep their
shape and get their status; 我的待办 lists confirmations and determinations."""

import pytest

from itpm_common.errors import Refusal

CONTENT = {"title": "市域社会治理一体化平台", "overall_project_id": "p-lead",
           "participants": [{"unit_id": "edu", "unit_name": "市教育局", "sub_project_id": "p-edu"}],
           "allocation": [{"item_id": "A1", "code": "APP.SERVICE", "name": "政务服务办理", "unit_id": "police"}]}
FRAMEWORK = {"framework_id": "f-1", "title": "市域社会治理一体化平台", "status": "DRAFTING", "version_no": 2,
             "lead_unit_id": "police", "conflicts": [], "pending_unit_ids": ["edu"]}
COMMANDS = [
    ("POST", "/api/frameworks", "create_framework", ("police",), CONTENT, (), 201),
    ("POST", "/api/frameworks/f-1/versions", "edit_framework", ("police",), {**CONTENT, "version_no": 1}, ("f-1",),
     201),
    ("POST", "/api/frameworks/f-1/confirmation", "confirm_framework", ("edu",), {"version_no": 2}, ("f-1",), 200),
    ("POST", "/api/frameworks/f-1/determination", "determine_framework", ("police",), {"version_no": 2}, ("f-1",),
     200),
]
IDS = [c[2] for c in COMMANDS]


@pytest.mark.parametrize("verb, url, method, users, body, args, status", COMMANDS, ids=IDS)
def test_each_command_reaches_approval_with_identity_payload_and_key(client, login_as, fakes, verb, url, method,
                                                                      users, body, args, status):
    fakes["approval"].answers[method] = FRAMEWORK
    response = client.open(url, method=verb, json=body, headers={**login_as(users[0]), "Idempotency-Key": "fw-1"})
    assert response.status_code == status, response.get_json()
    assert response.get_json()["framework_id"] == "f-1"
    [call] = fakes["approval"].calls
    assert (call.method, call.args, call.kwargs) == (method, (*args, body), {"idempotency_key": "fw-1"})
    assert (call.identity.role, call.identity.unit_id) == ("UNIT", users[0])


@pytest.mark.parametrize("verb, url, method, users, body, args, status", COMMANDS, ids=IDS)
def test_a_command_without_idempotency_key_never_reaches_approval(client, login_as, fakes, verb, url, method,
                                                                   users, body, args, status):
    response = client.open(url, method=verb, json=body, headers=login_as(users[0]))
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["details"]["fields"]
    assert fakes["approval"].calls == []


OVERLAP = Refusal(code="E12-CONTENT-OVERLAP", rule="R-12-3", article="第十二条",
                  reason_zh="各部门建设内容存在重复交叉，不得确定框架方案：政务服务办理、网上办事",
                  details={"items": ["政务服务办理", "网上办事"], "departments": ["police", "edu"],
                           "conflicts": [{"kind": "SAME_CODE", "departments": ["police", "edu"], "items": [
                               {"item_id": "A1", "code": "APP.SERVICE", "name": "政务服务办理", "unit_id": "police"},
                               {"item_id": "B1", "code": "APP.SERVICE", "name": "网上办事", "unit_id": "edu"}]}]})


@pytest.mark.parametrize("refusal, status", [
    (OVERLAP, 422),
    (Refusal(code="E12-FRAMEWORK-NOT-CONFIRMED", rule="R-12-4", article="第十二条", reason_zh="尚待确认：市教育局",
             details={"version_no": 2, "pending_unit_ids": ["edu"], "pending_departments": ["市教育局"]}), 422),
    (Refusal(code="AUTH-FORBIDDEN", rule="R-12-1", article="第十二条", reason_zh="仅牵头部门可确定"), 403),
    (Refusal(code="STATE-INVALID", rule="R-0-2", article="第十二条", reason_zh="框架方案已有新版本",
             details={"current_state": "DRAFTING", "current_version_no": 3}), 409),
    (Refusal(code="NOT-FOUND", reason_zh="框架方案不存在"), 404),
])
def test_approval_refusals_keep_their_details_and_get_their_status(client, login_as, fakes, refusal, status):
    fakes["approval"].answers["determine_framework"] = refusal
    response = client.post("/api/frameworks/f-1/determination", json={"version_no": 2},
                           headers={**login_as("police"), "Idempotency-Key": "d-1"})
    assert response.status_code == status
    body = response.get_json()
    assert (body["code"], body["rule"], body["article"]) == (refusal.code, refusal.rule, refusal.article)
    assert body["reason_zh"] == refusal.reason_zh and body["details"] == refusal.details


def test_reads_reach_approval(client, login_as, fakes):
    fakes["approval"].answers.update({"get_framework": FRAMEWORK, "get_project_framework": None,
                                      "list_frameworks": {"items": [], "total": 0, "page": 1, "page_size": 20}})
    headers = login_as("edu")
    assert client.get("/api/frameworks/f-1", headers=headers).get_json()["version_no"] == 2
    project = client.get("/api/projects/p-edu/framework", headers=headers)
    assert project.status_code == 200 and project.get_json() is None
    assert client.get("/api/frameworks?scope=awaiting_me&page_size=50", headers=headers).status_code == 200
    one, of_project, listing = fakes["approval"].calls
    assert (one.method, one.args) == ("get_framework", ("f-1",))
    assert (of_project.method, of_project.args) == ("get_project_framework", ("p-edu",))
    assert (listing.method, listing.args) == ("list_frameworks", ({"scope": "awaiting_me", "page_size": 50},))
    assert {c.identity.unit_id for c in fakes["approval"].calls} == {"edu"}


@pytest.mark.parametrize("query", ["scope=everything", "status=DONE", "page=0", "page_size=201", "page=x"])
def test_bad_filters_are_refused_before_any_call(client, login_as, fakes, query):
    response = client.get(f"/api/frameworks?{query}", headers=login_as("police"))
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION"
    assert fakes["approval"].calls == []


def test_the_routes_need_a_login(client, fakes):
    for url in ("/api/frameworks", "/api/frameworks/f-1", "/api/projects/p-1/framework"):
        assert client.get(url).status_code == 401
    for verb, url, *_ in COMMANDS:
        assert client.open(url, method=verb, json={}, headers={"Idempotency-Key": "k"}).status_code == 401
    assert fakes["approval"].calls == []


def test_the_routes_are_documented_under_their_tag():
    from gateway import openapi
    from gateway.service import GatewayService

    document = openapi.build(GatewayService)
    paths = document["paths"]
    for verb, url, *_ in COMMANDS:
        path = url.replace("f-1", "{framework_id}")
        assert paths[path][verb.lower()]["tags"] == ["框架方案"]
        [param] = [p for p in paths[path][verb.lower()]["parameters"] if p["in"] == "header"]
        assert param["name"] == "Idempotency-Key"
    content = document["components"]["schemas"]["FrameworkContent"]
    assert set(content["required"]) == {"title", "overall_project_id", "participants"}
    assert "budget_fen" not in content["properties"]


# ------------------------------------------------------------------ 我的待办


@pytest.fixture
def department(fakes):
    fakes["planning"].answers["list_projects"] = {"items": [], "total": 0}


def _frameworks(fakes, by_scope):
    fakes["approval"].answers["list_frameworks"] = lambda f: {"items": by_scope[f["scope"]], "total": 0}


def test_a_participant_sees_the_version_awaiting_its_confirmation(client, login_as, fakes, department):
    _frameworks(fakes, {"awaiting_me": [{**FRAMEWORK, "lead_unit_name": "市公安局",
                                         "updated_at": "2026-03-01T10:00:00+08:00"}],
                        "mine": [{**FRAMEWORK, "pending_unit_ids": ["edu"]}]})
    items = [i for i in client.get("/api/workbench", headers=login_as("edu")).get_json()["items"]
             if i["kind"].startswith("FRAMEWORK")]
    assert [(i["kind"], i["link"], i["article"]) for i in items] == [
        ("FRAMEWORK_CONFIRMATION", "/frameworks/f-1", "第十二条")]
    assert items[0]["title"] == "确认框架方案“市域社会治理一体化平台”第 2 版"


def test_the_lead_sees_only_its_drafts_every_participant_confirmed(client, login_as, fakes, department):
    ready = {**FRAMEWORK, "framework_id": "f-ready", "pending_unit_ids": []}
    waiting = {**FRAMEWORK, "framework_id": "f-waiting", "pending_unit_ids": ["edu"]}
    someone_elses = {**FRAMEWORK, "framework_id": "f-other", "lead_unit_id": "health", "pending_unit_ids": []}
    _frameworks(fakes, {"awaiting_me": [], "mine": [ready, waiting, someone_elses]})
    items = [i for i in client.get("/api/workbench", headers=login_as("police")).get_json()["items"]
             if i["kind"].startswith("FRAMEWORK")]
    assert [(i["kind"], i["link"]) for i in items] == [("FRAMEWORK_DETERMINATION", "/frameworks/f-ready")]
    asked = [c.args[0] for c in fakes["approval"].calls]
    assert {"scope": "mine", "status": "DRAFTING", "page_size": 200} in asked


def test_an_unreachable_approval_leaves_only_the_framework_items_out(client, login_as, fakes, department):
    from gateway.rpc import ServiceUnavailable

    fakes["approval"].answers["list_frameworks"] = ServiceUnavailable("approval", "down")
    body = client.get("/api/workbench", headers=login_as("police")).get_json()
    assert body["unavailable"] == ["approval"]
    assert {"kind": "APPLICATION_DRAFT", "kind_zh": "待提交申报"} in body["kinds"]
