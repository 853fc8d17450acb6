"""The funding-confirmation and plan-listing routes reach funds and approval
with the user's identity, the payload, the idempotency key and typed filters."""

from itpm_common.errors import Refusal

CONFIRMATION = {"result": "SECURED", "confirmed_amount_fen": 120_000_000, "note": "已安排", "expected_version": 2}


def test_cz_records_a_confirmation_through_funds(client, login_as, fakes):
    fakes["funds"].answers["record_funding_confirmation"] = {"status": "CONFIRMED"}
    response = client.post("/api/projects/p-1/funding-confirmation", json=CONFIRMATION,
                           headers={**login_as("cz"), "Idempotency-Key": "fc-1"})
    assert response.status_code == 201 and response.get_json() == {"status": "CONFIRMED"}
    [call] = fakes["funds"].calls
    assert (call.method, call.args, call.kwargs, call.identity.role) == (
        "record_funding_confirmation", ("p-1", CONFIRMATION), {"idempotency_key": "fc-1"}, "CZ")


def test_a_confirmation_without_idempotency_key_never_reaches_funds(client, login_as, fakes):
    response = client.post("/api/projects/p-1/funding-confirmation", json=CONFIRMATION, headers=login_as("cz"))
    assert response.status_code == 400
    assert fakes["funds"].calls == []


def test_funds_refusal_keeps_its_rule_and_article(client, login_as, fakes):
    fakes["funds"].answers["record_funding_confirmation"] = Refusal(
        code="AUTH-FORBIDDEN", rule="R-9-3", article="第九条", reason_zh="资金落实情况须由市财政部门确认")
    response = client.post("/api/projects/p-1/funding-confirmation", json=CONFIRMATION,
                           headers={**login_as("fg"), "Idempotency-Key": "fc-2"})
    assert response.status_code == 403
    body = response.get_json()
    assert (body["code"], body["rule"], body["article"]) == ("AUTH-FORBIDDEN", "R-9-3", "第九条")


def test_reads_reach_funds_and_approval(client, login_as, fakes):
    fakes["funds"].answers["get_funding"] = {"project_id": "p-1", "status": "AWAITING"}
    fakes["funds"].answers["list_funding_requests"] = {"items": [], "total": 0}
    fakes["approval"].answers["get_plan_listing"] = {"project_id": "p-1", "listed": True}
    headers = login_as("cz")

    assert client.get("/api/projects/p-1/funding", headers=headers).get_json()["status"] == "AWAITING"
    assert client.get("/api/funding-requests?awaiting_me=true&path=ADHOC&plan_year=2026",
                      headers=headers).status_code == 200
    assert client.get("/api/projects/p-1/plan-listing", headers=headers).get_json()["listed"] is True

    get, listing = fakes["funds"].calls
    assert (get.method, get.args) == ("get_funding", ("p-1",))
    assert (listing.method, listing.args) == (
        "list_funding_requests", ({"awaiting_me": True, "path": "ADHOC", "plan_year": 2026},))
    [plan] = fakes["approval"].calls
    assert (plan.method, plan.args, plan.identity.role) == ("get_plan_listing", ("p-1",), "CZ")


def test_bad_filters_are_refused_before_any_call(client, login_as, fakes):
    response = client.get("/api/funding-requests?path=ELSEWHERE", headers=login_as("cz"))
    assert response.status_code == 400 and list(response.get_json()["details"]["fields"]) == ["path"]
    assert fakes["funds"].calls == []


def test_the_routes_need_a_login(client, fakes):
    for url in ("/api/projects/p-1/funding", "/api/funding-requests", "/api/projects/p-1/plan-listing"):
        assert client.get(url).status_code == 401
    assert fakes["funds"].calls == fakes["approval"].calls == []


def test_the_routes_are_documented_under_their_own_tags():
    from gateway import openapi
    from gateway.service import GatewayService

    document = openapi.build(GatewayService)
    tags = {t["name"] for t in document["tags"]}
    assert {"资金落实", "计划抄送"} <= tags
    paths = document["paths"]
    assert paths["/api/projects/{project_id}/funding-confirmation"]["post"]["tags"] == ["资金落实"]
    assert paths["/api/funding-requests"]["get"]["tags"] == ["资金落实"]
    assert paths["/api/projects/{project_id}/plan-listing"]["get"]["tags"] == ["计划抄送"]
    body = document["components"]["schemas"]["FundingConfirmation"]
    assert body["properties"]["result"]["enum"] == ["SECURED", "PARTIAL", "NOT_SECURED"]
    assert set(body["required"]) == {"result", "confirmed_amount_fen", "note"}


def test_the_entry_path_comes_from_approval(client, login_as, fakes):
    fakes["approval"].answers["get_entry_path"] = {
        "project_id": "p-1", "path": "PLAN", "may_enter": False, "plan_listed": False,
        "refusal": {"code": "E08-NOT-IN-APPROVED-PLAN"}}
    response = client.get("/api/projects/p-1/approval-entry", headers=login_as("fg"))
    assert response.status_code == 200 and response.get_json()["refusal"]["code"] == "E08-NOT-IN-APPROVED-PLAN"
    [call] = fakes["approval"].calls
    assert (call.method, call.args, call.identity.role) == ("get_entry_path", ("p-1",), "FG")
