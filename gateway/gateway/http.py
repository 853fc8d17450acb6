"""HTTP plumbing: JSON responses, refusal → status, request parsing, routing.

Every answer is JSON, errors included: a refusal from a service keeps its
shape (rules.md §0.2) and gets the status its code maps to; an unknown route
or method gets a JSON 404/405 instead of werkzeug's HTML page; a crash
becomes a 500 with a Chinese message and a request id that is also logged.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from itpm_common.docstore import CODE_CLASSIFIED, CODE_TOO_LARGE, DocumentRejected
from itpm_common.errors import Refusal, validation
from itpm_common.schemas import load_or_refuse

from .rpc import ServiceUnavailable

log = logging.getLogger(__name__)

JSON_MIMETYPE = "application/json"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_IDEMPOTENCY_KEY_RE = re.compile(r"^[\x21-\x7e]{1,128}$")

# Codes the gateway itself answers with, beyond the generic ones of rules.md §0.2.
GATEWAY_STATUS = {
    "AUTH-LOGIN-FAILED": 401,
    "AUTH-UNAUTHENTICATED": 401,
    "PAYLOAD-TOO-LARGE": 413,
    "METHOD-NOT-ALLOWED": 405,
    "SERVICE-UNAVAILABLE": 503,
    "INTERNAL-ERROR": 500,
    "DOC-TOO-LARGE": 413,
    "DOC-EMPTY": 400,
    "DOC-TYPE-NOT-ALLOWED": 400,
    "DOC-TYPE-MISMATCH": 400,
}

MSG_INTERNAL = "系统内部错误，请稍后重试；如问题持续出现，请联系系统运维人员并提供请求编号"
MSG_UNAVAILABLE = "业务服务暂时不可用，请稍后重试"


def status_for(refusal: Refusal) -> int:
    return GATEWAY_STATUS.get(refusal.code) or refusal.http_status


def json_response(payload: Any, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, default=str)
    return Response(body, status=status, headers=headers,
                    content_type=f"{JSON_MIMETYPE}; charset=utf-8")


def error_body(status: int, code: str, reason_zh: str, details: dict | None = None,
               rule: str | None = None, article: str | None = None,
               reason_en: str | None = None) -> dict:
    # "refused" is true for the caller's side of things (4xx): a decision or
    # a request was refused. A 5xx is the system failing, not refusing.
    # reason_en is always present (null when there is none) so every error
    # has the one shape of rules.md §0.2.
    return {"refused": status < 500, "code": code, "rule": rule, "article": article,
            "reason_zh": reason_zh, "reason_en": reason_en, "details": details or {}}


def error_response(status: int, code: str, reason_zh: str, details: dict | None = None,
                   rule: str | None = None, article: str | None = None,
                   headers: dict | None = None, reason_en: str | None = None) -> Response:
    return json_response(error_body(status, code, reason_zh, details, rule, article, reason_en),
                         status, headers)


def refusal_response(refusal: Refusal) -> Response:
    status = status_for(refusal)
    payload = refusal.payload
    return error_response(status, payload["code"], payload.get("reason_zh") or "",
                          payload.get("details"), payload.get("rule"), payload.get("article"),
                          reason_en=payload.get("reason_en"))


def document_rejected_response(exc: DocumentRejected) -> Response:
    status = 422 if exc.code == CODE_CLASSIFIED else 413 if exc.code == CODE_TOO_LARGE else 400
    return error_response(status, exc.code, exc.reason_zh, exc.details, exc.rule, exc.article)


def unavailable_response(exc: ServiceUnavailable) -> Response:
    return error_response(503, "SERVICE-UNAVAILABLE", MSG_UNAVAILABLE,
                          {"service": exc.service, "cause": exc.cause})


def internal_error_response() -> Response:
    request_id = uuid.uuid4().hex
    log.exception("unhandled error (request %s)", request_id)
    return error_response(500, "INTERNAL-ERROR", MSG_INTERNAL, {"request_id": request_id})


def payload_too_large(max_bytes: int) -> Refusal:
    return Refusal(code="PAYLOAD-TOO-LARGE", reason_zh=f"请求体超过上限（{max_bytes} 字节）",
                   details={"max_bytes": max_bytes})


# --------------------------------------------------------------------------
# Request parsing
# --------------------------------------------------------------------------


def _reject_constant(name: str):
    raise ValueError(name)


def read_json(request: Request, max_bytes: int) -> dict:
    """The body as a JSON object, or a VALIDATION / PAYLOAD-TOO-LARGE refusal."""
    if request.mimetype != JSON_MIMETYPE and not request.mimetype.endswith("+json"):
        raise validation({"_body": ["请求体必须为 JSON，Content-Type 应为 application/json"]},
                         reason_zh="请求的内容类型不正确")
    request.max_content_length = max_bytes
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise payload_too_large(max_bytes) from None
    if not raw.strip():
        raise validation({"_body": ["请求体不能为空"]})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise validation({"_body": ["请求体必须为 UTF-8 编码"]}) from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise validation({"_body": [f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）"]},
                         reason_zh="请求体不是合法的 JSON") from None
    except ValueError:
        raise validation({"_body": ["JSON 中不得出现 NaN 或 Infinity"]},
                         reason_zh="请求体不是合法的 JSON") from None
    if not isinstance(data, dict):
        raise validation({"_body": ["请求体应为 JSON 对象"]})
    return data


def read_query(request: Request, schema) -> dict:
    """Query parameters loaded through a schema; a repeated parameter is an error."""
    raw: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    for key, values in request.args.lists():
        if len(values) > 1:
            repeated[key] = ["参数只能出现一次"]
        raw[key] = values[0]
    if repeated:
        raise validation(repeated)
    return load_or_refuse(schema, raw)


def idempotency_key(request: Request) -> str:
    """R-0-1: every state-changing command carries an Idempotency-Key."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key:
        raise validation({IDEMPOTENCY_HEADER: ["必须提供幂等键（请求头 Idempotency-Key），重试时沿用同一键"]},
                         reason_zh="缺少幂等键")
    if not _IDEMPOTENCY_KEY_RE.match(key):
        raise validation({IDEMPOTENCY_HEADER: ["幂等键应为 1 至 128 个可见 ASCII 字符"]},
                         reason_zh="幂等键格式不正确")
    return key


# --------------------------------------------------------------------------
# Routing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiDoc:
    """What openapi.py needs to document one operation."""

    summary: str
    tag: str
    description: str = ""
    auth: bool = True
    body: Any = None
    body_content: str = JSON_MIMETYPE
    query: Any = None
    idempotent: bool = False
    upstream: bool = False
    responses: dict = field(default_factory=dict)
    errors: tuple[int, ...] = ()


def respond(fn, service, request: Request, **path) -> Response:
    """Run one handler and turn whatever it produced or raised into a response."""
    try:
        result = fn(service, request, **path)
    except Refusal as refusal:
        return refusal_response(refusal)
    except DocumentRejected as exc:
        return document_rejected_response(exc)
    except ServiceUnavailable as exc:
        log.warning("%s: %s", request.path, exc)
        return unavailable_response(exc)
    except HTTPException as exc:
        return http_exception_response(exc, request)
    except Exception:
        return internal_error_response()
    if isinstance(result, Response):
        return result
    if isinstance(result, tuple):
        status, payload = result
        return json_response(payload, status)
    return json_response(result)


class JsonWsgiApp(WsgiApp):
    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        return dispatch(self.url_map, request, lambda provider, req: provider.handle_request(req))(
            environ, start_response)


def dispatch(url_map: Map, request: Request, handle) -> Response:
    """Match the request to a rule and call ``handle(endpoint, request)``."""
    adapter = url_map.bind_to_environ(request.environ)
    try:
        endpoint, values = adapter.match()
    except RequestRedirect as redirect:
        return redirect.get_response(request.environ)
    except NotFound:
        return error_response(404, "NOT-FOUND", "请求的地址不存在", {"path": request.path})
    except MethodNotAllowed as exc:
        allowed = sorted(exc.valid_methods or [])
        return error_response(405, "METHOD-NOT-ALLOWED", f"该地址不支持 {request.method} 方法",
                              {"allowed_methods": allowed}, headers={"Allow": ", ".join(allowed)})
    except HTTPException as exc:
        return http_exception_response(exc, request)
    request.path_values = values
    try:
        return handle(endpoint, request)
    except HTTPException as exc:
        # Static files (send_from_directory) signal a missing file this way.
        return http_exception_response(exc, request)


def http_exception_response(exc: HTTPException, request: Request) -> Response:
    status = exc.code or 500
    if status == 404:
        return error_response(404, "NOT-FOUND", "请求的地址不存在", {"path": request.path})
    if status == 413:
        return error_response(413, "PAYLOAD-TOO-LARGE", "请求体超过上限")
    if status >= 500:
        return internal_error_response()
    return error_response(status, "BAD-REQUEST", "请求格式不正确", {"error": exc.name})


class JsonWebServer(WebServer):
    def get_wsgi_app(self):
        return JsonWsgiApp(self)


class JsonHttpEntrypoint(HttpRequestHandler):
    """nameko's @http, served by a WebServer whose every answer is JSON."""

    server = JsonWebServer()

    def response_from_exception(self, exc):
        # Reached only when the worker could not run the handler at all.
        log.error("http entrypoint %s failed before the handler ran: %r", self.method_name, exc)
        request_id = uuid.uuid4().hex
        return error_response(500, "INTERNAL-ERROR", MSG_INTERNAL, {"request_id": request_id})


def route(method: str, url: str, doc: ApiDoc):
    """Declare an HTTP operation: nameko entrypoint, error mapping and API doc in one."""

    def decorate(fn):
        @functools.wraps(fn)
        def handler(self, request, **path):
            return respond(fn, self, request, **path)

        handler.api_doc = doc
        return JsonHttpEntrypoint.decorator(method, url)(handler)

    return decorate


@dataclass(frozen=True)
class RouteInfo:
    name: str
    method: str
    url: str
    doc: ApiDoc | None


def routes_of(service_cls) -> list[RouteInfo]:
    out = []
    for name, attr in inspect.getmembers(service_cls, inspect.isfunction):
        for ep in getattr(attr, "nameko_entrypoints", ()):
            if isinstance(ep, JsonHttpEntrypoint):
                out.append(RouteInfo(name, ep.method, ep.url, getattr(attr, "api_doc", None)))
    return sorted(out, key=lambda r: (r.url, r.method))


def url_map_of(service_cls) -> Map:
    return Map([Rule(r.url, methods=r.method.split(","), endpoint=r.name) for r in routes_of(service_cls)])


class ServiceWsgiApp:
    """The same routing and error handling around an already built service
    instance (nameko's worker_factory), for exercising handlers over HTTP
    without a container or broker."""

    def __init__(self, service):
        self.service = service
        self.url_map = url_map_of(type(service))

    def __call__(self, environ, start_response):
        request = Request(environ)

        def handle(endpoint, req):
            return getattr(self.service, endpoint)(req, **req.path_values)

        return dispatch(self.url_map, request, handle)(environ, start_response)
