"""政务办's technical review (第十条) over HTTP: each route reaches review with
the user's signed identity, the payload and the idempotency key; review's
refusals keep their code, rule and article and get their status; bad
filters never leave the gateway; 我的待办 lists what awaits each role."""

import pytest

from itpm_common.errors import Refusal

SUBMISSION = {"submission_id": "s-2", "project_id": "p-1", "project_name": "智慧警务大数据平台",
              "unit_name": "市公安局", "stage": "FSR", "stage_zh": "可行性研究报告", "version_no": 2,
              "digest": "a" * 64, "status": "PENDING", "submitted_at": "2026-03-01T09:00:00+08:00"}
CONCLUSION = {"submission_id": "s-2", "outcome": "PASS_WITH_CONDITIONS", "consolidated_opinion": "同意",
              "conditions": "完善密码应用方案", "accepted_duplicate_items": [{"item": "身份证号", "note": "业务必需"}],
              "digest": "a" * 64, "expected_version": 3}
COMMANDS = [
    ("opening", "open_technical_review", "zwb", {"submission_id": "s-2", "digest": "a" * 64}, 201),
    ("opinions", "record_technical_opinion", "wx", {"submission_id": "s-2", "verdict": "AGREE", "opinion": "同意"},
     201),
    ("conclusion", "conclude_technical_review", "zwb", CONCLUSION, 200),
    ("carry-over", "carry_over_technical_review", "zwb", {"submission_id": "s-2", "check_note": "仅调整排版"}, 200),
]


@pytest.mark.parametrize("path, method, user, body, status", COMMANDS, ids=[c[1] for c in COMMANDS])
def test_each_command_reaches_review_with_identity_payload_and_key(client, login_as, fakes, path, method, user,
                                                                    body, status):
    fakes["review"].answers[method] = {"submission": SUBMISSION, "review": None, "carry_over_candidate": None}
    response = client.post(f"/api/projects/p-1/technical-review/{path}", json=body,
                           headers={**login_as(user), "Idempotency-Key": f"{method}-1"})
    assert response.status_code == status, response.get_json()
    assert response.get_json()["submission"]["digest"] == "a" * 64
    [call] = fakes["review"].calls
    assert (call.method, call.args, call.kwargs) == (method, ("p-1", body), {"idempotency_key": f"{method}-1"})
    assert call.identity.role == user.upper() and call.identity.user_id == user


@pytest.mark.parametrize("path, method, user, body, status", COMMANDS, ids=[c[1] for c in COMMANDS])
def test_a_command_without_idempotency_key_never_reaches_review(client, login_as, fakes, path, method, user, body,
                                                                 status):
    response = client.post(f"/api/projects/p-1/technical-review/{path}", json=body, headers=login_as(user))
    assert response.status_code == 400
    assert response.get_json()["details"]["fields"] == {
        "Idempotency-Key": ["必须提供幂等键（请求头 Idempotency-Key），重试时沿用同一键"]}
    assert fakes["review"].calls == []


def test_a_body_that_is_not_a_json_object_never_reaches_review(client, login_as, fakes):
    response = client.post("/api/projects/p-1/technical-review/conclusion", json=["PASS"],
                           headers={**login_as("zwb"), "Idempotency-Key": "c-1"})
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION"
    assert fakes["review"].calls == []


@pytest.mark.parametrize("refusal, status", [
    (Refusal(code="AUTH-FORBIDDEN", rule=None, article="第十条", reason_zh="仅政务办可开启技术审核"), 403),
    (Refusal(code="NOT-FOUND", reason_zh="技术审核不存在"), 404),
    (Refusal(code="STATE-INVALID", rule="R-10-2", article="第十条", reason_zh="该版本已由新版本取代",
             details={"current_state": "SUPERSEDED"}), 409),
    (Refusal(code="DUPLICATE", rule="R-0-1", article="第十条", reason_zh="网信已录入意见"), 409),
    (Refusal(code="VALIDATION", rule=None, article=None, reason_zh="审核结论中的认定没有依据",
             details={"fields": {"catalog_exemption": ["该版本已引用信息资源目录"]}}), 400),
])
def test_review_refusals_keep_their_shape_and_get_their_status(client, login_as, fakes, refusal, status):
    fakes["review"].answers["conclude_technical_review"] = refusal
    response = client.post("/api/projects/p-1/technical-review/conclusion", json=CONCLUSION,
                           headers={**login_as("fg"), "Idempotency-Key": "c-2"})
    assert response.status_code == status
    body = response.get_json()
    assert (body["code"], body["rule"], body["article"], body["reason_zh"]) == (
        refusal.code, refusal.payload.get("rule"), refusal.payload.get("article"), refusal.payload["reason_zh"])
    assert body["details"] == refusal.payload.get("details", {})


def test_the_review_of_a_project_and_of_one_version(client, login_as, fakes):
    fakes["review"].answers["get_technical_review"] = {"submission": SUBMISSION, "review": None,
                                                       "carry_over_candidate": None}
    headers = login_as("police")
    assert client.get("/api/projects/p-1/technical-review", headers=headers).status_code == 200
    assert client.get("/api/projects/p-1/technical-review?submission_id=s-1", headers=headers).status_code == 200
    latest, one = fakes["review"].calls
    assert (latest.method, latest.args, latest.identity.unit_id) == ("get_technical_review", ("p-1", None), "police")
    assert one.args == ("p-1", "s-1")


def test_the_work_list_passes_typed_filters(client, login_as, fakes):
    fakes["review"].answers["list_technical_pending"] = {"items": [SUBMISSION], "total": 1}
    response = client.get("/api/technical-reviews?stage=FSR&status=PENDING&awaiting_me=true",
                          headers=login_as("zwb"))
    assert response.status_code == 200 and response.get_json()["total"] == 1
    [call] = fakes["review"].calls
    assert call.args == ({"stage": "FSR", "status": "PENDING", "awaiting_me": True},)


@pytest.mark.parametrize("query", ["stage=BUDGET", "status=CONCLUDED", "awaiting_me=perhaps",
                                   "stage=FSR&stage=PD", "unknown=1"])
def test_bad_filters_are_refused_before_any_call(client, login_as, fakes, query):
    response = client.get(f"/api/technical-reviews?{query}", headers=login_as("zwb"))
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION"
    assert fakes["review"].calls == []


def test_the_routes_need_a_login(client, fakes):
    assert client.get("/api/technical-reviews").status_code == 401
    assert client.get("/api/projects/p-1/technical-review").status_code == 401
    for path, *_ in COMMANDS:
        assert client.post(f"/api/projects/p-1/technical-review/{path}", json={},
                           headers={"Idempotency-Key": "k"}).status_code == 401
    assert fakes["review"].calls == []


def test_the_routes_are_documented_under_their_tag():
    from gateway import openapi
    from gateway.service import GatewayService

    document = openapi.build(GatewayService)
    paths = document["paths"]
    for path, *_ in COMMANDS:
        op = paths[f"/api/projects/{{project_id}}/technical-review/{path}"]["post"]
        assert op["tags"] == ["技术审核"]
        [header] = [p for p in op["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key" and header["required"] is True
    conclusion = document["components"]["schemas"]["TechnicalConclusion"]
    assert conclusion["properties"]["outcome"]["enum"] == ["PASS", "PASS_WITH_CONDITIONS", "FAIL"]
    assert set(conclusion["required"]) == {"submission_id", "outcome", "consolidated_opinion"}
    query = {p["name"] for p in paths["/api/technical-reviews"]["get"]["parameters"]}
    assert query == {"stage", "status", "project_id", "awaiting_me"}


# ------------------------------------------------------------------ 我的待办


@pytest.fixture
def nothing_else(fakes):
    fakes["review"].answers.update({"list_reviews": {"items": [], "total": 0},
                                    "list_pending_openings": {"items": [], "total": 0}})
    fakes["funds"].answers["list_funding_requests"] = {"items": [], "total": 0}
    fakes["funds"].answers["list_estimate_reviews"] = {"items": [], "total": 0, "page": 1, "page_size": 200}
    fakes["security"].answers["list_cybersecurity_reviews"] = {"items": [], "total": 0, "page": 1, "page_size": 200}


def _technical(fakes, answers):
    fakes["review"].answers["list_technical_pending"] = lambda f: {"items": answers(f), "total": 0}


def test_zwb_sees_versions_to_open_and_reviews_to_conclude(client, login_as, fakes, nothing_else):
    carried = {"review_id": "r-1", "submission_id": "s-1", "version_no": 1, "digest": "b" * 64, "outcome": "PASS"}
    _technical(fakes, lambda f: {"PENDING": [{**SUBMISSION, "carry_over_candidate": carried}],
                                 "IN_REVIEW": [{**SUBMISSION, "project_id": "p-3", "submission_id": "s-9",
                                                "status": "IN_REVIEW", "opinions_from": ["WX", "FG"]}]}[f["status"]])
    body = client.get("/api/workbench", headers=login_as("zwb")).get_json()
    items = {i["kind"]: i for i in body["items"] if i["kind"].startswith("TECHNICAL")}

    opening = items["TECHNICAL_REVIEW_OPENING"]
    assert opening["link"] == "/technical-reviews/p-1?submission=s-2" and opening["article"] == "第十条"
    assert opening["title"] == "开启“智慧警务大数据平台”可行性研究报告第 2 版的技术审核"
    assert opening["detail_zh"] == "可沿用第 1 版的审核结论（A-09）"
    conclusion = items["TECHNICAL_REVIEW_CONCLUSION"]
    assert conclusion["link"] == "/technical-reviews/p-3?submission=s-9"
    assert conclusion["detail_zh"] == "已有意见：网信、发改" and conclusion["deadline"] is None
    asked = [c.args[0] for c in fakes["review"].calls if c.method == "list_technical_pending"]
    assert asked == [{"status": "PENDING"}, {"status": "IN_REVIEW"}]


def test_a_failed_earlier_version_is_not_offered_for_carry_over(client, login_as, fakes, nothing_else):
    failed = {"review_id": "r-1", "submission_id": "s-1", "version_no": 1, "digest": "b" * 64, "outcome": "FAIL"}
    _technical(fakes, lambda f: [{**SUBMISSION, "carry_over_candidate": failed}] if f["status"] == "PENDING" else [])
    [item] = [i for i in client.get("/api/workbench", headers=login_as("zwb")).get_json()["items"]
              if i["kind"] == "TECHNICAL_REVIEW_OPENING"]
    assert item["detail_zh"] is None


@pytest.mark.parametrize("bureau", ["wx", "fg", "gx", "cz"])
def test_a_bureau_sees_the_open_reviews_without_its_opinion(client, login_as, fakes, nothing_else, bureau):
    _technical(fakes, lambda f: [{**SUBMISSION, "status": "IN_REVIEW"}])
    items = [i for i in client.get("/api/workbench", headers=login_as(bureau)).get_json()["items"]
             if i["kind"].startswith("TECHNICAL")]
    assert [(i["kind"], i["action_zh"]) for i in items] == [("TECHNICAL_REVIEW_OPINION", "出具意见")]
    [asked] = [c for c in fakes["review"].calls if c.method == "list_technical_pending"]
    assert asked.args == ({"awaiting_me": True},) and asked.identity.role == bureau.upper()


def test_departments_and_auditors_get_no_technical_review_items(client, login_as, fakes):
    fakes["planning"].answers["list_projects"] = {"items": [], "total": 0}
    fakes["approval"].answers["list_frameworks"] = {"items": [], "total": 0}
    for user in ("police", "sj"):
        client.get("/api/workbench", headers=login_as(user))
    assert [c for c in fakes["review"].calls if c.method == "list_technical_pending"] == []


# ------------------------------------------------------------------ timeline


def test_the_timeline_names_the_technical_review_and_its_outcome():
    from gateway import timeline

    concluded = {"outcome": "PASS_WITH_CONDITIONS", "version_no": 2, "carried_over_from": "r-1"}
    assert timeline.summary_zh("TechnicalReviewConcluded", "ZWB", concluded) == (
        "政务办 对第2版作出技术审核结论：附条件通过（沿用上一版本的结论）")
    assert timeline.summary_zh("TechnicalReviewOpinionRecorded", "WX", {"verdict": "DISAGREE"}) == (
        "网信 出具技术审核意见：不同意")
    assert timeline.name_zh("TechnicalReviewOpened") == "开启立项前技术审核"
