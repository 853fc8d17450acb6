"""The OpenAPI 3.0.3 document, generated from the routes and their schemas.

Each operation is described where it is declared (``http.route(..., doc)``),
so a route cannot exist undocumented and the document cannot list a route
that does not exist. ``render_docs`` turns the document into a browsable
Chinese page with no external assets.
"""

from __future__ import annotations

import html
import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from . import (
    routes_approval,
    routes_feed,
    routes_framework,
    routes_funds,
    routes_security,
    routes_technical_review,
    schemas,
)
from .http import IDEMPOTENCY_HEADER, JSON_MIMETYPE, routes_of

TITLE = "市级信息化项目管理系统 API"
VERSION = "0.1.0"

TAGS = [
    {"name": "认证", "description": "登录、注销、当前用户"},
    {"name": "文档", "description": "上传与下载项目文档（内容寻址，禁止上传涉密文件）"},
    {"name": "年度计划", "description": "申报通知、计划申报与排序、年度建设计划的编制、报批与导出（第六至八条）"},
    {"name": "追加项目", "description": "追加与上级安排经费的项目、向市政府专题报告（第九条）"},
    {"name": "项目", "description": "项目查询与时间线"},
    {"name": "论证",
     "description": "计划论证（第八条）与追加项目联审（第九条）：政务办开启、退回，各部门意见，联审结论"},
    *routes_funds.TAGS,
    *routes_security.TAGS,
    *routes_technical_review.TAGS,
    *routes_framework.TAGS,
    *routes_approval.TAGS,
    {"name": "门户", "description": "我的待办与统计看板（汇总各服务的数据）"},
    *routes_feed.TAGS,
    {"name": "系统", "description": "运行状态、接口文档、门户"},
]

STATUS_TEXT = {
    200: "成功",
    201: "已创建",
    400: "请求格式或字段不符合要求（VALIDATION）",
    401: "未登录、登录已过期或登录失败",
    403: "当前角色无权执行该操作（AUTH-FORBIDDEN）",
    404: "对象不存在或无权查看（NOT-FOUND）",
    405: "不支持该请求方法",
    409: "状态不允许、重复提交或幂等键冲突（STATE-INVALID / DUPLICATE / IDEMPOTENCY-CONFLICT）",
    413: "请求体或文件超过上限",
    422: "违反管理办法条款（E<条>-…），details 给出具体值与边界",
    429: "连续登录失败次数过多，账号临时锁定（AUTH-LOCKED）",
    500: "系统内部错误",
    503: "业务服务或消息中间件暂时不可用（SERVICE-UNAVAILABLE）",
}

COMPONENT_SCHEMAS = {
    "Refusal": schemas.RefusalSchema,
    "Login": schemas.LoginSchema,
    "User": schemas.UserSchema,
    "Session": schemas.SessionSchema,
    "DocumentRef": schemas.DocumentRefSchema,
    "PlanApplication": schemas.PlanApplicationSchema,
    "Project": schemas.ProjectSchema,
    "ProjectDetail": schemas.ProjectDetailSchema,
    "ProjectList": schemas.ProjectListSchema,
    "TimelineEntry": schemas.TimelineEntrySchema,
    "Opinion": schemas.OpinionSchema,
    "Conclusion": schemas.ConclusionSchema,
    "OpenReview": schemas.OpenReviewSchema,
    "ReturnForCorrection": schemas.ReturnSchema,
    "JointConclusion": schemas.JointConclusionSchema,
    "Review": schemas.ReviewSchema,
    "ReviewList": schemas.ReviewListSchema,
    "PendingOpeningList": schemas.PendingOpeningListSchema,
    "Health": schemas.HealthSchema,
}

_PARAM_RE = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>")
_PARAM_ZH = {"project_id": "项目编号", "digest": "文档摘要（sha256:<64 位十六进制>）", "path": "静态资源路径",
             "section": "门户页面", "rest": "门户页面的下级路径",
             "subscriber_id": "订阅方编号", "delivery_id": "投递编号",
             "framework_id": "框架方案编号",
             "submission_id": "报送编号", "decision_id": "批复（请示）编号"}

def _openapi_path(url: str) -> str:
    return _PARAM_RE.sub(r"{\1}", url)


def _response(status: int, schema: Any) -> dict:
    text = STATUS_TEXT.get(status, "")
    if schema is None:
        return {"description": text}
    if isinstance(schema, str):
        body = {"type": "string"} if schema.startswith("text/") else {"type": "string", "format": "binary"}
        return {"description": text, "content": {schema: {"schema": body}}}
    if isinstance(schema, list):
        return {"description": text, "content": {JSON_MIMETYPE: {"schema": {"type": "array", "items": schema[0]}}}}
    return {"description": text, "content": {JSON_MIMETYPE: {"schema": schema}}}


def _operation(route) -> dict:
    doc = route.doc
    op: dict[str, Any] = {"operationId": route.name, "summary": doc.summary, "tags": [doc.tag]}
    if doc.description:
        op["description"] = doc.description
    params: list[dict] = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"},
         "description": _PARAM_ZH.get(name, name)}
        for name in _PARAM_RE.findall(route.url)
    ]
    if doc.query is not None:
        params.append({"in": "query", "schema": doc.query})
    if doc.idempotent:
        params.append({"in": "header", "name": IDEMPOTENCY_HEADER, "required": True,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 128},
                       "description": "幂等键（R-0-1）：同一键重试返回原结果；同一键不同内容返回 409"})
    if params:
        op["parameters"] = params
    if doc.body is not None:
        op["requestBody"] = {"required": True, "content": {doc.body_content: {"schema": doc.body}}}
    responses = {str(status): _response(status, schema) for status, schema in doc.responses.items()}
    errors = set(doc.errors)
    if doc.auth:
        errors.add(401)
    if doc.body is not None:
        errors.update((400, 413))
    if doc.upstream:
        errors.add(503)
    for status in sorted(errors):
        responses[str(status)] = _response(status, schemas.RefusalSchema)
    responses["500"] = _response(500, schemas.RefusalSchema)
    op["responses"] = responses
    op["security"] = [{"bearerAuth": []}, {"cookieAuth": []}] if doc.auth else []
    return op


def build(service_cls) -> dict:
    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "连云港市市级政务信息化项目建设管理办法（连政办发〔2021〕59号）"
                                        "所称“市级信息化项目管理系统”的 HTTP 接口。所有请求与响应均为 UTF-8 JSON；"
                                        "拒绝一律按 rules.md §0.2 的结构返回（见 Refusal）。"},
                   tags=TAGS)
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                   "description": "登录返回的会话令牌"})
    spec.components.security_scheme("cookieAuth", {"type": "apiKey", "in": "cookie", "name": "itpm_session"})
    # Leaves before the schemas nesting them; a nested schema registers
    # itself under the same name, which must not be registered twice.
    for name, schema in COMPONENT_SCHEMAS.items():
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=schema)
    paths: dict[str, dict] = {}
    for route in routes_of(service_cls):
        if route.doc is None:
            continue
        for method in route.method.split(","):
            paths.setdefault(_openapi_path(route.url), {})[method.lower()] = _operation(route)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


_METHOD_COLOURS = {"get": "#2e7d32", "post": "#1565c0", "put": "#ef6c00", "delete": "#c62828"}


def render_docs(document: dict) -> str:
    esc = html.escape
    parts = [
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        f"<title>{esc(document['info']['title'])}</title>",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<style>body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;"
        "margin:0;background:#f5f7fa;color:#303133}header{background:#b71c1c;color:#fff;padding:16px 32px}"
        "main{max-width:980px;margin:24px auto;padding:0 16px}section{background:#fff;border-radius:6px;"
        "margin:18px 0;padding:8px 24px 16px;box-shadow:0 1px 4px rgba(0,0,0,.08)}"
        ".op{border-top:1px solid #ebeef5;padding:10px 0}.m{display:inline-block;min-width:56px;"
        "text-align:center;color:#fff;border-radius:3px;font:bold 12px monospace;padding:3px 6px}"
        "code{font-size:14px}.lock{color:#e6a23c}table{border-collapse:collapse;margin:6px 0}"
        "td,th{border:1px solid #ebeef5;padding:3px 8px;font-size:13px;text-align:left}"
        "small{color:#909399}</style></head><body>",
        f"<header><h2 style=\"margin:0\">{esc(document['info']['title'])}</h2>",
        f"<div>{esc(document['info'].get('description', ''))}</div></header><main>",
        "<p>机器可读文档：<a href=\"/api/openapi.json\">/api/openapi.json</a>（OpenAPI "
        f"{esc(document['openapi'])}）。标 <span class=\"lock\">🔒</span> 的接口需先登录，"
        "以 <code>Authorization: Bearer &lt;令牌&gt;</code> 或 Cookie <code>itpm_session</code> 携带会话。</p>",
    ]
    by_tag: dict[str, list] = {t["name"]: [] for t in document.get("tags", [])}
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            by_tag.setdefault(op.get("tags", ["其他"])[0], []).append((path, method, op))
    tag_text = {t["name"]: t.get("description", "") for t in document.get("tags", [])}
    for tag, ops in by_tag.items():
        if not ops:
            continue
        parts.append(f"<section><h3>{esc(tag)} <small>{esc(tag_text.get(tag, ''))}</small></h3>")
        for path, method, op in ops:
            colour = _METHOD_COLOURS.get(method, "#606266")
            lock = " <span class=\"lock\" title=\"需登录\">🔒</span>" if op.get("security") else ""
            parts.append(f"<div class=\"op\"><span class=\"m\" style=\"background:{colour}\">"
                         f"{esc(method.upper())}</span> <code>{esc(path)}</code>{lock} "
                         f"<b>{esc(op.get('summary', ''))}</b>")
            if op.get("description"):
                parts.append(f"<div><small>{esc(op['description'])}</small></div>")
            params = op.get("parameters", [])
            if params:
                parts.append("<table><tr><th>参数</th><th>位置</th><th>必填</th><th>说明</th></tr>")
                for p in params:
                    parts.append(f"<tr><td><code>{esc(p['name'])}</code></td><td>{esc(p['in'])}</td>"
                                 f"<td>{'是' if p.get('required') else '否'}</td>"
                                 f"<td>{esc(p.get('description', ''))}</td></tr>")
                parts.append("</table>")
            body = op.get("requestBody")
            if body:
                for content_type, media in body["content"].items():
                    ref = media["schema"].get("$ref", "").rsplit("/", 1)[-1]
                    parts.append(f"<div>请求体：<code>{esc(content_type)}</code> {esc(ref)}</div>")
            codes = "；".join(f"{code} {resp.get('description', '')}" for code, resp in op["responses"].items())
            parts.append(f"<div><small>响应：{esc(codes)}</small></div></div>")
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "".join(parts)
