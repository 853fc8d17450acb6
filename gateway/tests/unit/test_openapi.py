import re

import pytest

from gateway import openapi
from gateway.http import routes_of
from gateway.service import GatewayService

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def document():
    return openapi.build(GatewayService)


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_header(document):
    assert document["openapi"] == "3.0.3"
    assert document["info"]["title"] == "市级信息化项目管理系统 API"
    assert document["info"]["version"]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "登录返回的会话令牌"}


def test_every_route_is_documented_and_nothing_else(document):
    routes = {(re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", r.url), r.method.lower())
              for r in routes_of(GatewayService)}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert documented == routes
    for path, method in [("/api/auth/login", "post"), ("/api/auth/logout", "post"), ("/api/auth/me", "get"),
                         ("/api/documents", "post"), ("/api/documents/{digest}", "get"),
                         ("/api/plan-applications", "post"), ("/api/projects", "get"),
                         ("/api/projects/{project_id}", "get"), ("/api/projects/{project_id}/timeline", "get"),
                         ("/api/projects/{project_id}/review", "get"),
                         ("/api/projects/{project_id}/review/opinions", "post"),
                         ("/api/projects/{project_id}/review/conclusion", "post"), ("/api/reviews", "get"),
                         ("/api/projects/{project_id}/funding-confirmation", "post"),
                         ("/api/projects/{project_id}/funding", "get"), ("/api/funding-requests", "get"),
                         ("/api/projects/{project_id}/plan-listing", "get"),
                         ("/api/projects/{project_id}/approval-entry", "get"),
                         ("/api/projects/{project_id}/review/open", "post"),
                         ("/api/projects/{project_id}/review/return", "post"),
                         ("/api/projects/{project_id}/joint-review/open", "post"),
                         ("/api/projects/{project_id}/joint-review/conclusion", "post"),
                         ("/api/review-openings", "get"),
                         ("/health", "get"), ("/api/openapi.json", "get"), ("/api/docs", "get"),
                         ("/api/workbench", "get"), ("/api/dashboard", "get"), ("/api/projects/export.xlsx", "get"),
                         ("/{section}", "get"), ("/{section}/{rest}", "get"),
                         ("/api/webhooks/subscribers", "post"), ("/api/webhooks/subscribers", "get"),
                         ("/api/webhooks/subscribers/{subscriber_id}/rotate-secret", "post"),
                         ("/api/webhooks/subscribers/{subscriber_id}/deactivate", "post"),
                         ("/api/webhooks/deliveries", "get"),
                         ("/api/webhooks/deliveries/{delivery_id}/resend", "post")]:
        assert (path, method) in documented


def test_components_hold_the_schemas(document):
    schemas = document["components"]["schemas"]
    for name in ("Login", "PlanApplication", "Refusal", "Opinion", "Conclusion", "DocumentRef", "Project",
                 "TimelineEntry", "Health", "OpenReview", "ReturnForCorrection", "JointConclusion",
                 "PendingOpeningList"):
        assert name in schemas
    assert set(schemas["Refusal"]["required"]) == {"refused", "code", "reason_zh"}
    assert schemas["Opinion"]["properties"]["verdict"]["enum"] == ["AGREE", "AGREE_WITH_CONDITIONS", "DISAGREE"]
    assert schemas["Conclusion"]["properties"]["criteria"] == {"$ref": "#/components/schemas/Criteria"}
    assert schemas["Criteria"]["properties"]["security_solution"]["enum"] == ["MET", "NOT_MET"]
    assert schemas["PlanApplication"]["properties"]["estimate_fen"]["type"] == "integer"


def test_structure_is_valid(document):
    """What an OpenAPI 3.0 validator checks that can go wrong in generation."""
    schemas = document["components"]["schemas"]
    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    operation_ids = []
    for path, operations in document["paths"].items():
        assert path.startswith("/")
        declared = set(re.findall(r"{([a-z_]+)}", path))
        for method, op in operations.items():
            assert method in HTTP_METHODS
            operation_ids.append(op["operationId"])
            path_params = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert path_params == declared, (path, method)
            for p in op.get("parameters", []):
                assert p["in"] in ("path", "query", "header", "cookie") and "schema" in p
                if p["in"] == "path":
                    assert p["required"] is True
            assert op["responses"], (path, method)
            assert any(code.startswith("2") for code in op["responses"]), (path, method)
            for code, response in op["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", code) and response["description"]
            for requirement in op["security"]:
                assert set(requirement) <= set(document["components"]["securitySchemes"])
    assert len(operation_ids) == len(set(operation_ids))


def test_operations_name_their_bodies_errors_and_idempotency(document):
    paths = document["paths"]
    login = paths["/api/auth/login"]["post"]
    assert login["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Login"}
    assert login["security"] == []
    apply = paths["/api/plan-applications"]["post"]
    assert apply["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PlanApplication"}
    assert {"201", "400", "401", "403", "409", "413", "422", "503"} <= set(apply["responses"])
    assert apply["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Refusal"}
    for path in ("/api/plan-applications", "/api/projects/{project_id}/review/opinions",
                 "/api/projects/{project_id}/review/conclusion", "/api/projects/{project_id}/review/open",
                 "/api/projects/{project_id}/review/return", "/api/projects/{project_id}/joint-review/open",
                 "/api/projects/{project_id}/joint-review/conclusion"):
        [header] = [p for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key" and header["required"] is True
    upload = paths["/api/documents"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    query = {p["name"] for p in paths["/api/projects"]["get"]["parameters"] if p["in"] == "query"}
    assert query == {"plan_year", "category", "state", "unit_id", "hold", "estimate_min_fen", "estimate_max_fen",
                     "q", "sort", "order", "page", "page_size"}
    timeline = paths["/api/projects/{project_id}/timeline"]["get"]["responses"]["200"]
    assert timeline["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Timeline"}
    items = document["components"]["schemas"]["Timeline"]["properties"]["items"]
    assert items["type"] == "array" and items["items"] == {"$ref": "#/components/schemas/TimelineEntry"}


def test_served_over_http_with_a_browsable_page(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"] == "3.0.3"
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "/api/plan-applications" in text and "提交年度计划申报" in text and "形成联审意见" in text
    # Self-contained: no script, stylesheet or image from elsewhere.
    assert not re.search(r"(src|href)=\"https?://", text)
    assert "<script" not in text


def test_landing_page_without_a_built_portal(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert 'href="/api/docs"' in text and 'href="/health"' in text and "市级信息化项目管理系统" in text
    assert client.get("/assets/app.js").status_code == 404


def test_built_portal_is_served(client, service, tmp_path):
    from dataclasses import replace

    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=app></div>", encoding="utf-8")
    (dist / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("no", encoding="utf-8")
    service.settings = replace(service.settings, portal_dist=dist)
    assert client.get("/").get_data(as_text=True) == "<!doctype html><div id=app></div>"
    asset = client.get("/assets/app.js")
    assert asset.status_code == 200 and asset.data == b"console.log(1)"
    assert "javascript" in asset.mimetype
    assert client.get("/assets/../../secret.txt").status_code == 404
    assert client.get("/assets/%2E%2E/%2E%2E/secret.txt").status_code == 404
