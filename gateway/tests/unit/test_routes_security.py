"""网信's cybersecurity-review routes (第四条（二）, 第十四条) reach security with
the user's identity, the payload, the idempotency key and typed filters; the
service's refusals come back with their status, rule and article."""

import pytest

from itpm_common.errors import Refusal

ADEQUATE = {"rating": "ADEQUATE", "note": "内容完整"}
REVIEW = {"submission_id": "s-1", "conclusion": "PASS_WITH_CONDITIONS", "opinion": "补充密码应用方案后实施",
          "assessments": {"needs_analysis": ADEQUATE, "tasks_and_content": ADEQUATE, "protection_design": ADEQUATE,
                          "investment": ADEQUATE, "crypto_content": {"rating": "INADEQUATE", "note": "未说明密评"}},
          "important_domain": True, "expected_version": 1}
URL = "/api/projects/p-1/cybersecurity-review"


def test_wx_records_a_cybersecurity_review_through_security(client, login_as, fakes):
    fakes["security"].answers["record_cybersecurity_review"] = {"status": "RECORDED", "conclusion": "PASS"}
    response = client.post(URL, json=REVIEW, headers={**login_as("wx"), "Idempotency-Key": "cs-1"})
    assert response.status_code == 201 and response.get_json()["status"] == "RECORDED"
    [call] = fakes["security"].calls
    assert (call.method, call.args, call.kwargs, call.identity.role) == (
        "record_cybersecurity_review", ("p-1", REVIEW), {"idempotency_key": "cs-1"}, "WX")


@pytest.mark.parametrize("key", [None, "", "键", "x" * 129])
def test_a_review_without_a_usable_idempotency_key_never_reaches_security(client, login_as, fakes, key):
    headers = login_as("wx") if key is None else {**login_as("wx"), "Idempotency-Key": key}
    response = client.post(URL, json=REVIEW, headers=headers)
    assert response.status_code == 400
    assert list(response.get_json()["details"]["fields"]) == ["Idempotency-Key"]
    assert fakes["security"].calls == []


def test_a_body_that_is_not_an_object_never_reaches_security(client, login_as, fakes):
    response = client.post(URL, json=[REVIEW], headers={**login_as("wx"), "Idempotency-Key": "cs-2"})
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION"
    assert fakes["security"].calls == []


@pytest.mark.parametrize(("refusal", "status"), [
    (Refusal(code="AUTH-FORBIDDEN", rule="R-4-1", article="第四条", reason_zh="网络安全审查由市网信部门负责",
             details={"role": "FG", "allowed_roles": ["WX"]}), 403),
    (Refusal(code="NOT-FOUND", reason_zh="项目不存在或无权查看"), 404),
    (Refusal(code="STATE-INVALID", rule="R-14-2", article="第十四条", reason_zh="该版本已被新版本替代",
             details={"superseded_by": "s-2"}), 409),
    (Refusal(code="STATE-INVALID", rule="R-0-2", reason_zh="审查事项已有变化"), 409),
    (Refusal(code="IDEMPOTENCY-CONFLICT", rule="R-0-1", reason_zh="幂等键已用于不同的请求"), 409),
    (Refusal(code="E14-SECURITY-PART-INADEQUATE", rule="R-14-2", article="第十四条",
             reason_zh="密码应用内容被评为不充分，审查结论不能为“通过”",
             details={"inadequate_parts": ["crypto_content"], "articles": ["第十八条"]}), 422),
    (Refusal(code="E18-IMPORTANT-DOMAIN-DECLARED", rule="R-18-2", article="第十八条",
             reason_zh="不能在审查中取消单位的申报"), 422),
    (Refusal(code="VALIDATION", reason_zh="输入不符合要求",
             details={"fields": {"opinion": ["有条件通过时须在意见中写明条件"]}}), 400),
])
def test_security_refusals_keep_their_status_rule_and_article(client, login_as, fakes, refusal, status):
    fakes["security"].answers["record_cybersecurity_review"] = refusal
    response = client.post(URL, json=REVIEW, headers={**login_as("fg"), "Idempotency-Key": "cs-3"})
    assert response.status_code == status
    body = response.get_json()
    assert (body["refused"], body["code"], body["rule"], body["article"], body["reason_zh"]) == (
        True, refusal.code, refusal.rule, refusal.article, refusal.reason_zh)
    assert body["details"] == refusal.details


def test_reads_reach_security_with_typed_filters(client, login_as, fakes):
    fakes["security"].answers["get_cybersecurity_review"] = {"project_id": "p-1", "status": "PENDING"}
    fakes["security"].answers["list_cybersecurity_reviews"] = {"items": [], "total": 0, "page": 1, "page_size": 20}
    headers = login_as("police")

    assert client.get(URL, headers=headers).get_json()["status"] == "PENDING"
    assert client.get(f"{URL}?submission_id=s-9", headers=headers).status_code == 200
    assert client.get("/api/cybersecurity-reviews?status=ALL&stage=COMBINED_PACKAGE&plan_year=2027&project_id=p-1"
                      "&page=3&page_size=5", headers=headers).status_code == 200
    assert client.get("/api/cybersecurity-reviews", headers=headers).status_code == 200

    latest, named, listing, default = fakes["security"].calls
    assert (latest.method, latest.args, latest.identity.role) == ("get_cybersecurity_review", ("p-1", None), "UNIT")
    assert latest.identity.unit_id == "police"
    assert (named.method, named.args) == ("get_cybersecurity_review", ("p-1", "s-9"))
    assert (listing.method, listing.args) == ("list_cybersecurity_reviews", (
        {"status": "ALL", "stage": "COMBINED_PACKAGE", "plan_year": 2027, "project_id": "p-1", "page": 3,
         "page_size": 5},))
    # The service's own default (PENDING, 网信's work list) applies when no status is given.
    assert default.args == ({},)


def test_a_project_the_caller_may_not_see_is_a_404(client, login_as, fakes):
    fakes["security"].answers["get_cybersecurity_review"] = Refusal(code="NOT-FOUND", reason_zh="项目不存在或无权查看")
    response = client.get(URL, headers=login_as("edu"))
    assert response.status_code == 404 and response.get_json()["code"] == "NOT-FOUND"


@pytest.mark.parametrize("query", ["status=OPEN", "stage=PROPOSAL", "plan_year=2101", "page=0", "page_size=201",
                                   "awaiting_me=true", "stage=FSR&stage=PD"])
def test_bad_filters_are_refused_before_any_call(client, login_as, fakes, query):
    response = client.get(f"/api/cybersecurity-reviews?{query}", headers=login_as("wx"))
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION"
    assert fakes["security"].calls == []


def test_the_routes_need_a_login(client, fakes):
    assert client.get("/api/cybersecurity-reviews").status_code == 401
    assert client.get(URL).status_code == 401
    assert client.post(URL, json=REVIEW, headers={"Idempotency-Key": "cs-4"}).status_code == 401
    assert fakes["security"].calls == []


def test_the_routes_are_documented_under_their_own_tag():
    from gateway import openapi
    from gateway.service import GatewayService

    document = openapi.build(GatewayService)
    assert "网络安全审查" in {t["name"] for t in document["tags"]}
    paths = document["paths"]
    post = paths["/api/projects/{project_id}/cybersecurity-review"]["post"]
    assert post["tags"] == ["网络安全审查"] and "第十四条" in post["description"]
    assert any(p["in"] == "header" and p["name"] == "Idempotency-Key" and p["required"] for p in post["parameters"])
    assert {"201", "400", "401", "403", "404", "409", "422", "503"} <= set(post["responses"])
    assert paths["/api/projects/{project_id}/cybersecurity-review"]["get"]["tags"] == ["网络安全审查"]
    assert paths["/api/cybersecurity-reviews"]["get"]["tags"] == ["网络安全审查"]
    body = document["components"]["schemas"]["CybersecurityReview"]
    assert set(body["required"]) == {"submission_id", "conclusion", "opinion", "assessments", "important_domain"}
    assert body["properties"]["conclusion"]["enum"] == ["PASS", "PASS_WITH_CONDITIONS", "FAIL"]
