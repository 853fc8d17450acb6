import logging

import pytest
from nameko.exceptions import UnknownService

from gateway.http import status_for
from itpm_common.errors import Refusal

PAYLOAD = {"name": "智慧警务平台", "plan_year": 2027, "category": "BUILD"}


def _refusal(code, rule="R-8-1", article="第八条", reason_en=None):
    return Refusal(code=code, rule=rule, article=article, reason_zh=f"拒绝：{code}", reason_en=reason_en,
                   details={"current_state": "PLAN_APPLIED", "holds": []})


@pytest.mark.parametrize("code,status", [
    ("VALIDATION", 400),
    ("AUTH-TOKEN-INVALID", 401),
    ("AUTH-FORBIDDEN", 403),
    ("NOT-FOUND", 404),
    ("STATE-INVALID", 409),
    ("DUPLICATE", 409),
    ("IDEMPOTENCY-CONFLICT", 409),
    ("E08-UNRESOLVED-DISAGREEMENT", 422),
    ("E06-NEED-MISSING", 422),
])
def test_a_service_refusal_keeps_its_shape_and_gets_its_status(client, login_as, fakes, code, status):
    headers = login_as("zwb")
    fakes["planning"].answers["get_project"] = _refusal(code, reason_en=f"Refused: {code}")
    response = client.get("/api/projects/p-1", headers=headers)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.get_json() == {"refused": True, "code": code, "rule": "R-8-1", "article": "第八条",
                                   "reason_zh": f"拒绝：{code}", "reason_en": f"Refused: {code}",
                                   "details": {"current_state": "PLAN_APPLIED", "holds": []}}


def test_a_refusal_without_an_english_reason_still_carries_the_field(client, login_as, fakes):
    fakes["planning"].answers["get_project"] = _refusal("STATE-INVALID")
    body = client.get("/api/projects/p-1", headers=login_as("zwb")).get_json()
    assert "reason_en" in body and body["reason_en"] is None
    # The gateway's own errors have the same shape.
    own = client.get("/api/nowhere").get_json()
    assert set(own) == set(body) and own["reason_en"] is None


def test_status_for_gateway_codes():
    assert status_for(Refusal(code="AUTH-LOGIN-FAILED", reason_zh="x")) == 401
    assert status_for(Refusal(code="PAYLOAD-TOO-LARGE", reason_zh="x")) == 413
    assert status_for(Refusal(code="E18-CLASSIFIED-CONTENT", reason_zh="x")) == 422


def test_a_command_carries_the_users_identity_the_payload_and_the_idempotency_key(client, login_as, fakes):
    headers = {**login_as("police"), "Idempotency-Key": "apply-2027-1"}
    fakes["planning"].answers["submit_plan_application"] = {"id": "p-1", "state": "PLAN_APPLIED"}
    response = client.post("/api/plan-applications", json=PAYLOAD, headers=headers)
    assert response.status_code == 201
    assert response.get_json() == {"id": "p-1", "state": "PLAN_APPLIED"}
    [call] = fakes["planning"].calls
    assert call.method == "submit_plan_application"
    assert call.args == (PAYLOAD,)
    assert call.kwargs == {"idempotency_key": "apply-2027-1"}
    assert (call.identity.user_id, call.identity.role, call.identity.unit_id, call.identity.unit_name) == (
        "police", "UNIT", "police", "市公安局")


def test_review_commands_reach_review_with_project_payload_and_key(client, login_as, fakes):
    fakes["review"].answers["record_opinion"] = {"status": "OPEN"}
    fakes["review"].answers["conclude"] = {"status": "CONCLUDED"}
    opinion = {"verdict": "AGREE", "necessity": "必要", "feasibility": "可行", "security": "可控", "budget": "合理"}
    response = client.post("/api/projects/p-1/review/opinions", json=opinion,
                           headers={**login_as("wx"), "Idempotency-Key": "op-1"})
    assert response.status_code == 201
    conclusion = {"outcome": "DRAFT", "consolidated_opinion": "同意列入",
                  "criteria": {"policy_need": "MET", "intensive_sharing": "MET", "content_funding": "MET",
                               "security_solution": "MET"}, "expected_version": 5}
    response = client.post("/api/projects/p-1/review/conclusion", json=conclusion,
                           headers={**login_as("zwb"), "Idempotency-Key": "con-1"})
    assert response.status_code == 200
    first, second = fakes["review"].calls
    assert (first.method, first.args, first.kwargs, first.identity.role) == (
        "record_opinion", ("p-1", opinion), {"idempotency_key": "op-1"}, "WX")
    assert (second.method, second.args, second.kwargs, second.identity.role) == (
        "conclude", ("p-1", conclusion), {"idempotency_key": "con-1"}, "ZWB")


def test_list_reviews_passes_typed_filters(client, login_as, fakes):
    fakes["review"].answers["list_reviews"] = {"items": [], "total": 0}
    response = client.get("/api/reviews?status=OPEN&awaiting_me=true", headers=login_as("fg"))
    assert response.status_code == 200
    assert fakes["review"].calls[0].args == ({"status": "OPEN", "awaiting_me": True},)
    response = client.get("/api/reviews?awaiting_me=perhaps", headers=login_as("fg"))
    assert response.status_code == 400
    assert list(response.get_json()["details"]["fields"]) == ["awaiting_me"]
    assert len(fakes["review"].calls) == 1


def test_a_command_without_idempotency_key_is_refused_before_any_call(client, login_as, fakes):
    response = client.post("/api/plan-applications", json=PAYLOAD, headers=login_as("police"))
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "VALIDATION" and "Idempotency-Key" in body["details"]["fields"]
    response = client.post("/api/plan-applications", json=PAYLOAD,
                           headers={**login_as("police"), "Idempotency-Key": "空格 不行"})
    assert response.status_code == 400
    assert not fakes["planning"].calls


@pytest.mark.parametrize("data,content_type,message", [
    ('{"name": "x",', "application/json", "JSON 格式错误"),
    ("[1, 2]", "application/json", "请求体应为 JSON 对象"),
    ('{"a": NaN}', "application/json", "NaN"),
    ("", "application/json", "请求体不能为空"),
    ("name=x", "application/x-www-form-urlencoded", "application/json"),
    (b'{"name": "\xff"}', "application/json", "UTF-8"),
])
def test_bad_bodies_are_400_with_a_chinese_message_and_call_nothing(client, login_as, fakes, data,
                                                                    content_type, message):
    response = client.post("/api/plan-applications", data=data, content_type=content_type,
                           headers={**login_as("police"), "Idempotency-Key": "k-1"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "VALIDATION" and body["refused"] is True
    assert message in body["details"]["fields"]["_body"][0]
    assert not fakes["planning"].calls


def test_a_body_over_the_limit_is_413_and_calls_nothing(client, login_as, fakes, config):
    big = {"name": "x" * config["MAX_BODY_BYTES"]}
    response = client.post("/api/plan-applications", json=big,
                           headers={**login_as("police"), "Idempotency-Key": "k-1"})
    assert response.status_code == 413
    assert response.get_json()["code"] == "PAYLOAD-TOO-LARGE"
    assert response.get_json()["details"] == {"max_bytes": config["MAX_BODY_BYTES"]}
    assert not fakes["planning"].calls


def test_query_parameters_are_typed_and_validated(client, login_as, fakes):
    headers = login_as("zwb")
    fakes["planning"].answers["list_projects"] = {"items": [], "total": 0, "page": 2, "page_size": 10}
    response = client.get("/api/projects?plan_year=2027&category=BUILD&page=2&page_size=10", headers=headers)
    assert response.status_code == 200
    assert fakes["planning"].calls[0].args == ({"plan_year": 2027, "category": "BUILD", "page": 2,
                                                "page_size": 10},)
    for query, field in (("page=abc", "page"), ("plan_year=2027.5", "plan_year"), ("page_size=0", "page_size"),
                         ("categroy=BUILD", "categroy"), ("page=1&page=2", "page")):
        response = client.get(f"/api/projects?{query}", headers=headers)
        assert response.status_code == 400, query
        assert field in response.get_json()["details"]["fields"], query
    assert response.get_json()["details"]["fields"]["page"] == ["参数只能出现一次"]
    response = client.get("/api/projects?page=abc", headers=headers)
    assert response.get_json()["details"]["fields"]["page"] == ["应为整数"]
    assert len(fakes["planning"].calls) == 1


def test_unknown_route_and_wrong_method_are_json(client):
    response = client.get("/api/nowhere")
    assert response.status_code == 404
    assert response.get_json()["code"] == "NOT-FOUND"
    response = client.delete("/api/projects")
    assert response.status_code == 405
    assert response.get_json()["code"] == "METHOD-NOT-ALLOWED"
    assert "GET" in response.headers["Allow"]
    response = client.get("/api/auth/login")
    assert response.status_code == 405 and response.get_json()["details"]["allowed_methods"] == ["POST"]


def test_an_unreachable_service_is_503(client, login_as, fakes):
    headers = login_as("zwb")
    fakes["planning"].publish_error = UnknownService("planning")
    response = client.get("/api/projects/p-1", headers=headers)
    assert response.status_code == 503
    body = response.get_json()
    assert body["code"] == "SERVICE-UNAVAILABLE" and body["refused"] is False
    assert body["details"]["service"] == "planning"
    assert "暂时不可用" in body["reason_zh"]


def test_a_service_that_does_not_answer_in_time_is_503(client, login_as, fakes):
    headers = login_as("zwb")
    fakes["planning"].answers["get_project"] = {"id": "p-1"}
    fakes["planning"].delays["get_project"] = 5
    response = client.get("/api/projects/p-1", headers=headers)
    assert response.status_code == 503
    assert "no reply within" in response.get_json()["details"]["cause"]


def test_broker_down_is_503(client, login_as, fakes):
    headers = login_as("zwb")
    fakes["review"].publish_error = ConnectionRefusedError(111, "Connection refused")
    response = client.get("/api/projects/p-1/review", headers=headers)
    assert response.status_code == 503
    assert response.get_json()["details"]["service"] == "review"


def test_an_unexpected_error_is_a_logged_500_without_internals(client, login_as, fakes, caplog):
    headers = login_as("zwb")
    fakes["planning"].answers["get_project"] = KeyError("secret internal detail")
    with caplog.at_level(logging.ERROR, logger="gateway.http"):
        response = client.get("/api/projects/p-1", headers=headers)
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == "INTERNAL-ERROR" and body["refused"] is False
    assert "系统内部错误" in body["reason_zh"]
    assert "secret" not in response.get_data(as_text=True)
    assert body["details"]["request_id"] in caplog.text
    assert "secret internal detail" in caplog.text
