"""发改's approval over HTTP (Chapter 3): every route reaches approval with the user's identity, the arguments
in approval's order and the Idempotency-Key; refusals keep their code, rule and article and get their status;
a submission cites only the department's own uploads; the 批复 prints as a PDF; the verification needs no login."""

import io
import re

import pytest
from pypdf import PdfReader

from itpm_common.errors import Refusal

SUB = "/api/projects/p-1/approval/submissions/s-1"
DIGEST = "sha256:" + "9f" * 32
DECISION = {
    "decision_id": "d-1", "project_id": "p-1", "submission_id": "s-1", "stage": "FSR", "kind": "APPROVAL",
    "doc_no": "连发改审批〔2026〕7号", "digest": DIGEST, "decided_by_name": "发改审批员",
    "record": {"doc_no": "连发改审批〔2026〕7号", "kind": "APPROVAL", "date": "2026-03-02",
               "project": {"project_id": "p-1", "name": "智慧城管平台", "unit_name": "市公安局"},
               "project_code": "2026-320700-65-01-000001", "stage": "FSR", "stage_zh": "可行性研究报告",
               "version_no": 1, "total_investment_fen": 300_000_000, "approved_estimate_fen": None,
               "line_items": [], "sharing_chapter_opinion": "同意共享篇章", "security_chapter_opinion": "同意安全篇章",
               "evaluation_refs": [], "evaluation_none_available": True},
}
DECISION_BODY = {"sharing_chapter_opinion": "同意", "security_chapter_opinion": "同意", "opinion": "同意批复",
                 "expected_version": 3}

# (HTTP method and path, body, role, approval's method, the arguments approval receives, status)
COMMANDS = [
    ("/api/projects/p-1/project-code", {"code": "2026-320700-65-01-000001"}, "police", "record_project_code",
     ("p-1", {"code": "2026-320700-65-01-000001"}), 201),
    ("/api/projects/p-1/project-code/request", {"year": 2026}, "police", "request_project_code",
     ("p-1", {"year": 2026}), 201),
    ("/api/projects/p-1/catalog", {"entries": [{"name": "人口库"}]}, "police", "submit_catalog",
     ("p-1", {"entries": [{"name": "人口库"}]}), 201),
    (SUB + "/depth-confirmation", {"note": "深度达到要求"}, "fg", "confirm_depth",
     ("p-1", "s-1", {"note": "深度达到要求"}), 200),
    (SUB + "/approval", DECISION_BODY, "fg", "approve", ("p-1", "s-1", DECISION_BODY), 201),
    (SUB + "/return", {"reason": "请补充", "return_code": "SEPARATE_STAGES_REQUIRED"}, "fg", "return_submission",
     ("p-1", "s-1", {"reason": "请补充", "return_code": "SEPARATE_STAGES_REQUIRED"}), 200),
    (SUB + "/refusal", {"reason": "不符合规划"}, "fg", "refuse", ("p-1", "s-1", {"reason": "不符合规划"}), 200),
    (SUB + "/government-request", {"subject": "提请审定", "sharing_chapter_opinion": "a",
                                   "security_chapter_opinion": "b"}, "fg", "record_government_request",
     ("p-1", "s-1", {"subject": "提请审定", "sharing_chapter_opinion": "a", "security_chapter_opinion": "b"}), 201),
    ("/api/projects/p-1/art11-flags", {"new_civil_works": True, "reason": "新建机房"}, "fg", "set_art11_flags",
     ("p-1", {"new_civil_works": True, "reason": "新建机房"}), 200),
]


@pytest.mark.parametrize("path, body, user, method, args, status", COMMANDS, ids=[c[3] for c in COMMANDS])
def test_each_command_reaches_approval_with_the_user_the_arguments_and_the_key(
        client, login_as, fakes, path, body, user, method, args, status):
    fakes["approval"].answers[method] = {"ok": method}
    response = client.post(path, json=body, headers={**login_as(user), "Idempotency-Key": f"k-{method}"})
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json() == {"ok": method}
    [call] = fakes["approval"].calls
    assert (call.method, call.args, call.kwargs) == (method, args, {"idempotency_key": f"k-{method}"})
    assert call.identity.user_id == user and call.identity.role == ("FG" if user == "fg" else "UNIT")


@pytest.mark.parametrize("path", [c[0] for c in COMMANDS] + [
    SUB + "/conditions-acknowledgement", "/api/projects/p-1/approval/submissions"])
def test_a_command_without_idempotency_key_never_reaches_approval(client, login_as, fakes, path):
    response = client.post(path, json={"stage": "FSR", "reason": "x"}, headers=login_as("fg"))
    assert response.status_code == 400
    assert response.get_json()["details"]["fields"]["Idempotency-Key"]
    assert fakes["approval"].calls == []


def test_the_acknowledgement_needs_no_body(client, login_as, fakes):
    fakes["approval"].answers["acknowledge_conditions"] = {"submission_id": "s-1", "acknowledged_at": "x"}
    response = client.post(SUB + "/conditions-acknowledgement",
                           headers={**login_as("police"), "Idempotency-Key": "ack-1"})
    assert response.status_code == 200
    [call] = fakes["approval"].calls
    assert (call.method, call.args, call.kwargs, call.identity.role) == (
        "acknowledge_conditions", ("p-1", "s-1"), {"idempotency_key": "ack-1"}, "UNIT")


def test_a_code_may_be_requested_without_a_body(client, login_as, fakes):
    fakes["approval"].answers["request_project_code"] = {"code": "2026-320700-65-01-000001"}
    response = client.post("/api/projects/p-1/project-code/request",
                           headers={**login_as("police"), "Idempotency-Key": "rc-1"})
    assert response.status_code == 201
    assert fakes["approval"].calls[0].args == ("p-1", {})


@pytest.mark.parametrize("refusal, status", [
    (Refusal(code="E10-TECH-REVIEW-MISSING", rule="R-10-2", article="第十条", reason_zh="尚无审核结论"), 422),
    (Refusal(code="AUTH-FORBIDDEN", rule="R-10-8", article="第四条", reason_zh="仅发改可批复"), 403),
    (Refusal(code="NOT-FOUND", reason_zh="项目不存在"), 404),
    (Refusal(code="STATE-INVALID", rule="R-0-2", article="第十条", reason_zh="案件已变化"), 409),
    (Refusal(code="VALIDATION", reason_zh="字段不符合要求", details={"fields": {"reason": ["必填"]}}), 400),
])
def test_approvals_refusals_keep_their_shape_and_get_their_status(client, login_as, fakes, refusal, status):
    fakes["approval"].answers["approve"] = refusal
    response = client.post(SUB + "/approval", json=DECISION_BODY, headers={**login_as("fg"), "Idempotency-Key": "a"})
    assert response.status_code == status
    body = response.get_json()
    assert (body["code"], body["rule"], body["article"], body["reason_zh"]) == (
        refusal.code, refusal.rule, refusal.article, refusal.reason_zh)


def test_the_blockers_of_a_refused_approval_are_listed(client, login_as, fakes):
    violations = [{"code": "E10-TECH-REVIEW-MISSING", "rule": "R-10-2", "article": "第十条", "reason_zh": "缺技术审核"},
                  {"code": "E14-CYBERSECURITY-REVIEW-MISSING", "rule": "R-14-2", "article": "第十四条",
                   "reason_zh": "缺网络安全审查"}]
    fakes["approval"].answers["approve"] = Refusal(code="E10-TECH-REVIEW-MISSING", rule="R-10-2", article="第十条",
                                                   reason_zh="缺技术审核", details={"violations": violations})
    response = client.post(SUB + "/approval", json=DECISION_BODY, headers={**login_as("fg"), "Idempotency-Key": "b"})
    assert response.status_code == 422
    assert response.get_json()["details"]["violations"] == violations


# ---------------------------------------------------------------- submissions and their documents


def _upload(client, headers, content: bytes, filename: str) -> dict:
    response = client.post("/api/documents", headers=headers,
                           data={"file": (io.BytesIO(content), filename, "application/pdf")})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _submit(client, headers, body, key="sub-1"):
    return client.post("/api/projects/p-1/approval/submissions", json=body, headers={**headers, "Idempotency-Key": key})


def test_a_submission_goes_to_submit_stage_with_the_stage_apart(client, login_as, fakes):
    police = login_as("police")
    fsr = _upload(client, police, b"%PDF-1.4\n% fsr\n%%EOF\n", "可行性研究报告.pdf")
    crypto = _upload(client, police, b"%PDF-1.4\n% crypto\n%%EOF\n", "密码应用方案.pdf")
    fakes["approval"].answers["submit_stage"] = {"submission_id": "s-1", "stage_state": "FSR_SUBMITTED"}
    body = {"stage": "FSR", "total_investment_fen": 300_000_000, "documents": {"fsr": fsr},
            "crypto_plan": {"document": crypto}}
    response = _submit(client, police, body)
    assert response.status_code == 201, response.get_data(as_text=True)
    [call] = fakes["approval"].calls
    assert call.method == "submit_stage" and call.kwargs == {"idempotency_key": "sub-1"}
    assert call.args == ("p-1", "FSR", {"total_investment_fen": 300_000_000, "documents": {"fsr": fsr},
                                        "crypto_plan": {"document": crypto}})
    assert call.identity.unit_id == "police"


def test_a_submission_citing_another_units_upload_anywhere_is_refused_before_approval(client, login_as, fakes):
    police, edu = login_as("police"), login_as("edu")
    own = _upload(client, police, b"%PDF-1.4\n% fsr\n%%EOF\n", "可行性研究报告.pdf")
    foreign = _upload(client, edu, b"%PDF-1.4\n% their plan\n%%EOF\n", "规划.pdf")
    body = {"stage": "FSR", "total_investment_fen": 1, "documents": {"fsr": own},
            "plan_listing_evidence": {"plan_level": "PROVINCIAL", "plan_name": "省规划", "document": foreign}}
    response = _submit(client, police, body)
    assert response.status_code == 422
    refusal = response.get_json()
    assert (refusal["code"], refusal["rule"], refusal["article"]) == ("E07-DOCUMENT-NOT-UPLOADED", "R-7-4", "第七条")
    assert refusal["details"]["field"] == "plan_listing_evidence.document"
    assert fakes["approval"].calls == []


def test_a_submission_with_a_forged_size_is_refused(client, login_as, fakes):
    police = login_as("police")
    own = _upload(client, police, b"%PDF-1.4\n% pd\n%%EOF\n", "初步设计.pdf")
    response = _submit(client, police, {"stage": "PD", "total_investment_fen": 1,
                                        "documents": {"pd": {**own, "size": own["size"] + 1}}})
    assert response.status_code == 422 and response.get_json()["code"] == "E07-DOCUMENT-NOT-UPLOADED"
    assert fakes["approval"].calls == []


@pytest.mark.parametrize("body", [{"total_investment_fen": 1}, {"stage": "", "total_investment_fen": 1},
                                  {"stage": 3, "total_investment_fen": 1}])
def test_a_submission_must_name_its_stage(client, login_as, fakes, body):
    response = _submit(client, login_as("police"), body)
    assert response.status_code == 400 and list(response.get_json()["details"]["fields"]) == ["stage"]
    assert fakes["approval"].calls == []


def test_an_unknown_stage_is_approvals_to_refuse(client, login_as, fakes):
    fakes["approval"].answers["submit_stage"] = Refusal(
        code="VALIDATION", reason_zh="字段不符合要求", details={"fields": {"stage": ["取值必须是以下之一"]}})
    response = _submit(client, login_as("police"), {"stage": "DESIGN", "total_investment_fen": 1})
    assert response.status_code == 400 and fakes["approval"].calls[0].args[1] == "DESIGN"


# ---------------------------------------------------------------- reads


def test_reads_reach_approval_with_their_arguments(client, login_as, fakes):
    for method in ("get_project_code", "get_catalog", "get_approval", "get_approval_path", "get_submission",
                   "list_approvals", "get_decision"):
        fakes["approval"].answers[method] = {"read": method}
    headers = login_as("fg")
    for url in ("/api/projects/p-1/project-code", "/api/projects/p-1/catalog", "/api/projects/p-1/catalog?version_no=2",
                "/api/projects/p-1/approval", "/api/projects/p-1/approval/path", SUB,
                "/api/approvals?awaiting_me=true&stage_state=FSR_SUBMITTED&page=2&page_size=10",
                "/api/approvals", "/api/approval-documents/d-1"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.get_data(as_text=True))
    calls = [(c.method, c.args) for c in fakes["approval"].calls]
    assert calls == [
        ("get_project_code", ("p-1",)), ("get_catalog", ("p-1", None)), ("get_catalog", ("p-1", 2)),
        ("get_approval", ("p-1",)), ("get_approval_path", ("p-1",)), ("get_submission", ("p-1", "s-1")),
        ("list_approvals", ({"awaiting_me": True, "stage_state": "FSR_SUBMITTED", "page": 2, "page_size": 10},)),
        ("list_approvals", ({"awaiting_me": False, "stage_state": None, "page": 1, "page_size": 20},)),
        ("get_decision", ("d-1",))]
    assert {c.identity.role for c in fakes["approval"].calls} == {"FG"}


@pytest.mark.parametrize("url, field", [
    ("/api/approvals?stage_state=LOST", "stage_state"), ("/api/approvals?page=0", "page"),
    ("/api/approvals?page_size=201", "page_size"), ("/api/approvals?awaiting_me=perhaps", "awaiting_me"),
    ("/api/projects/p-1/catalog?version_no=0", "version_no"), ("/api/approvals?colour=red", "colour"),
])
def test_bad_queries_are_refused_before_any_call(client, login_as, fakes, url, field):
    response = client.get(url, headers=login_as("fg"))
    assert response.status_code == 400 and list(response.get_json()["details"]["fields"]) == [field]
    assert fakes["approval"].calls == []


def test_every_route_but_the_verification_needs_a_login(client, fakes):
    for url in ("/api/projects/p-1/project-code", "/api/projects/p-1/catalog", "/api/projects/p-1/approval",
                "/api/projects/p-1/approval/path", SUB, "/api/approvals", "/api/approval-documents/d-1",
                "/api/approval-documents/d-1/pdf"):
        assert client.get(url).status_code == 401, url
    for path, body, *_ in COMMANDS:
        assert client.post(path, json=body, headers={"Idempotency-Key": "x"}).status_code == 401, path
    assert client.post("/api/projects/p-1/approval/submissions", json={"stage": "FSR"},
                       headers={"Idempotency-Key": "x"}).status_code == 401
    assert fakes["approval"].calls == []


# ---------------------------------------------------------------- the 批复 documents


def _pdf_text(pdf: bytes) -> str:
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_approval_downloads_as_a_pdf_with_its_number_and_digest(client, login_as, fakes):
    fakes["approval"].answers["get_decision"] = DECISION
    response = client.get("/api/approval-documents/d-1/pdf", headers=login_as("police"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    assert "%E5%85%B3%E4%BA%8E" in disposition and disposition.endswith(".pdf")   # 关于…的批复.pdf
    text = _pdf_text(response.data)
    assert "连发改审批〔2026〕7号" in text and DIGEST in text and "同意安全篇章" in text
    [call] = fakes["approval"].calls
    assert (call.method, call.args, call.identity.user_id) == ("get_decision", ("d-1",), "police")


def test_a_decision_the_user_may_not_see_is_a_404_and_no_pdf(client, login_as, fakes):
    fakes["approval"].answers["get_decision"] = Refusal(code="NOT-FOUND", reason_zh="批复文件不存在")
    response = client.get("/api/approval-documents/d-1/pdf", headers=login_as("edu"))
    assert response.status_code == 404 and response.mimetype == "application/json"


def test_the_verification_needs_no_login_and_answers_only_valid(client, fakes):
    fakes["approval"].answers["verify_decision"] = lambda doc_no, digest: {
        "doc_no": doc_no, "valid": digest == DIGEST, "record": "never shown"}
    doc_no = "连发改审批〔2026〕7号"
    ok = client.get("/api/approval-documents/verify", query_string={"doc_no": doc_no, "digest": DIGEST})
    assert ok.status_code == 200 and ok.get_json() == {"valid": True}
    bad = client.get("/api/approval-documents/verify", query_string={"doc_no": doc_no, "digest": "x"})
    assert bad.status_code == 200 and bad.get_json() == {"valid": False}
    first = fakes["approval"].calls[0]
    assert (first.method, first.args, first.identity) == ("verify_decision", ("连发改审批〔2026〕7号", DIGEST), None)


def test_the_verification_needs_both_the_number_and_the_digest(client, fakes):
    response = client.get("/api/approval-documents/verify?doc_no=x")
    assert response.status_code == 400 and list(response.get_json()["details"]["fields"]) == ["digest"]
    assert fakes["approval"].calls == []


def test_the_routes_are_documented_under_their_own_tags_with_the_idempotency_header():
    from gateway import openapi
    from gateway.service import GatewayService

    document = openapi.build(GatewayService)
    assert {"立项审批", "批复文件"} <= {t["name"] for t in document["tags"]}
    paths = document["paths"]
    commands = [re.sub(r"/(p-1|s-1)(?=/|$)", lambda m: "/{project_id}" if m[1] == "p-1" else "/{submission_id}", p)
                for p, *_ in COMMANDS] + ["/api/projects/{project_id}/approval/submissions",
                                          "/api/projects/{project_id}/approval/submissions/{submission_id}"
                                          "/conditions-acknowledgement"]
    for path in commands:
        op = paths[path]["post"]
        assert op["tags"] == ["立项审批"] and op["description"], path
        assert any(p["name"] == "Idempotency-Key" and p["required"] for p in op["parameters"]), path
    assert paths["/api/approval-documents/verify"]["get"]["security"] == []
    assert paths["/api/approval-documents/{decision_id}/pdf"]["get"]["tags"] == ["批复文件"]
    assert "application/pdf" in paths["/api/approval-documents/{decision_id}/pdf"]["get"]["responses"]["200"]["content"]
    body = paths["/api/projects/{project_id}/approval/submissions"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    stage = document["components"]["schemas"][ref]["properties"]["stage"]
    assert stage["enum"] == ["PROPOSAL", "FSR", "PD", "URGENT_PACKAGE", "COMBINED_PACKAGE"]
