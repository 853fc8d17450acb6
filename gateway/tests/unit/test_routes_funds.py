"""The funding-confirmation, estimate-review and plan-listing routes reach
funds and approval with the user's identity, the payload, the idempotency key
and typed filters."""

import pytest

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


# ------------------------------------------------------------------ 财政's estimate review (第十条)

CONCLUSION = {"submission_id": "s-1", "reviewed_fen": 100_000_000, "opinion": "核定概算",
              "line_items": [{"code": "01", "name": "硬件", "amount_fen": 60_000_000},
                             {"code": "02", "name": "软件", "amount_fen": 40_000_000}],
              "expected_version": 1}


def test_cz_concludes_an_estimate_review_through_funds_r_10_3(client, login_as, fakes):
    fakes["funds"].answers["conclude_estimate_review"] = {"status": "REVIEWED", "reviewed_fen": 100_000_000}
    response = client.post("/api/projects/p-1/estimate-review/conclusion", json=CONCLUSION,
                           headers={**login_as("cz"), "Idempotency-Key": "er-1"})
    assert response.status_code == 200 and response.get_json()["status"] == "REVIEWED"
    [call] = fakes["funds"].calls
    assert (call.method, call.args, call.kwargs, call.identity.role) == (
        "conclude_estimate_review", ("p-1", CONCLUSION), {"idempotency_key": "er-1"}, "CZ")


def test_an_estimate_conclusion_without_idempotency_key_never_reaches_funds(client, login_as, fakes):
    response = client.post("/api/projects/p-1/estimate-review/conclusion", json=CONCLUSION,
                           headers=login_as("cz"))
    assert response.status_code == 400
    assert list(response.get_json()["details"]["fields"]) == ["Idempotency-Key"]
    assert fakes["funds"].calls == []


def test_an_estimate_conclusion_that_is_not_json_never_reaches_funds(client, login_as, fakes):
    response = client.post("/api/projects/p-1/estimate-review/conclusion", data="reviewed_fen=1",
                           headers={**login_as("cz"), "Idempotency-Key": "er-2",
                                    "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION"
    assert fakes["funds"].calls == []


@pytest.mark.parametrize(("refusal", "status"), [
    (Refusal(code="AUTH-FORBIDDEN", rule="R-4-1", article="第四条", reason_zh="概算审核须由市财政部门进行"), 403),
    (Refusal(code="NOT-FOUND", reason_zh="概算审核申请不存在"), 404),
    (Refusal(code="STATE-INVALID", rule="R-10-3", article="第十条", reason_zh="该版本概算已被新版本取代",
             details={"superseded_by": "s-2"}), 409),
    (Refusal(code="STATE-INVALID", rule="R-0-2", reason_zh="概算审核申请已有变化"), 409),
    (Refusal(code="IDEMPOTENCY-CONFLICT", rule="R-0-1", reason_zh="幂等键已用于不同的请求"), 409),
    (Refusal(code="VALIDATION", reason_zh="输入不符合要求",
             details={"fields": {"line_items": ["审核后明细合计 1 分，与审核金额 2 分不符，须完全相等"]}}), 400),
])
def test_funds_estimate_refusals_keep_their_status_rule_and_article(client, login_as, fakes, refusal, status):
    fakes["funds"].answers["conclude_estimate_review"] = refusal
    response = client.post("/api/projects/p-1/estimate-review/conclusion", json=CONCLUSION,
                           headers={**login_as("cz"), "Idempotency-Key": "er-3"})
    assert response.status_code == status
    body = response.get_json()
    assert (body["code"], body["rule"], body["article"], body["reason_zh"]) == (
        refusal.code, refusal.payload.get("rule"), refusal.payload.get("article"), refusal.reason_zh)
    assert body["details"].items() >= (refusal.payload.get("details") or {}).items()


def test_estimate_reads_reach_funds_with_typed_filters(client, login_as, fakes):
    fakes["funds"].answers["get_estimate_review"] = {"project_id": "p-1", "status": "OPEN"}
    fakes["funds"].answers["list_estimate_reviews"] = {"items": [], "total": 0, "page": 1, "page_size": 50}
    headers = login_as("fg")

    assert client.get("/api/projects/p-1/estimate-review", headers=headers).get_json()["status"] == "OPEN"
    assert client.get("/api/projects/p-1/estimate-review?submission_id=s-1", headers=headers).status_code == 200
    assert client.get("/api/estimate-reviews?awaiting_me=true&status=OPEN&stage=URGENT_PACKAGE&plan_year=2027"
                      "&page=2&page_size=10", headers=headers).status_code == 200

    latest, named, listing = fakes["funds"].calls
    assert (latest.method, latest.args, latest.identity.role) == ("get_estimate_review", ("p-1", None), "FG")
    assert (named.method, named.args) == ("get_estimate_review", ("p-1", "s-1"))
    assert (listing.method, listing.args) == ("list_estimate_reviews", (
        {"awaiting_me": True, "status": "OPEN", "stage": "URGENT_PACKAGE", "plan_year": 2027, "page": 2,
         "page_size": 10},))


@pytest.mark.parametrize("query", ["status=DONE", "stage=FSR", "plan_year=1999", "page=0", "page_size=201",
                                   "awaiting_me=perhaps", "colour=red", "status=OPEN&status=REVIEWED"])
def test_bad_estimate_filters_are_refused_before_any_call(client, login_as, fakes, query):
    response = client.get(f"/api/estimate-reviews?{query}", headers=login_as("cz"))
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION"
    assert fakes["funds"].calls == []


def test_an_overlong_submission_id_is_refused_before_any_call(client, login_as, fakes):
    response = client.get(f"/api/projects/p-1/estimate-review?submission_id={'x' * 37}", headers=login_as("cz"))
    assert response.status_code == 400 and list(response.get_json()["details"]["fields"]) == ["submission_id"]
    assert fakes["funds"].calls == []


def test_the_estimate_routes_need_a_login(client, fakes):
    assert client.get("/api/estimate-reviews").status_code == 401
    assert client.get("/api/projects/p-1/estimate-review").status_code == 401
    assert client.post("/api/projects/p-1/estimate-review/conclusion", json=CONCLUSION,
                       headers={"Idempotency-Key": "er-4"}).status_code == 401
    assert fakes["funds"].calls == []


def test_the_estimate_routes_are_documented_under_their_tag():
    from gateway import openapi
    from gateway.service import GatewayService

    document = openapi.build(GatewayService)
    assert "概算审核" in {t["name"] for t in document["tags"]}
    paths = document["paths"]
    post = paths["/api/projects/{project_id}/estimate-review/conclusion"]["post"]
    assert post["tags"] == ["概算审核"] and "第十条" in post["description"]
    assert any(p["in"] == "header" and p["name"] == "Idempotency-Key" and p["required"] for p in post["parameters"])
    assert {"200", "400", "401", "403", "404", "409", "503"} <= set(post["responses"])
    assert paths["/api/projects/{project_id}/estimate-review"]["get"]["tags"] == ["概算审核"]
    assert paths["/api/estimate-reviews"]["get"]["tags"] == ["概算审核"]
    body = document["components"]["schemas"]["EstimateConclusion"]
    assert set(body["required"]) == {"submission_id", "reviewed_fen", "opinion"}
    assert body["properties"]["reviewed_fen"]["minimum"] == 1
