"""The gateway's nameko entrypoints: HTTP for people, one consumer for the
event log. Thin: parsing, auth, timeline and documents live in their modules;
every domain decision is the owning service's, reached over RPC with the
user's signed identity."""

from __future__ import annotations

import logging
from functools import cache

from nameko.timer import timer
from werkzeug.wrappers import Response

from itpm_common.consumer import consume_events
from itpm_common.events import CloudEvent
from itpm_common.schemas import load_or_refuse
from itpm_common.uow import Transactions

from . import auth, documents, health, openapi, portal_files, timeline
from . import schemas as s
from .feed import amqp as feed_amqp
from .feed import asyncapi as feed_asyncapi
from .feed import log as feed_log
from .feed import webhooks as feed_webhooks
from .http import ApiDoc, idempotency_key, json_response, read_json, read_query, route
from .models import infra
from .routes_approval import ApprovalRoutes
from .routes_feed import FeedRoutes
from .routes_framework import FrameworkRoutes
from .routes_funds import FundsRoutes
from .routes_planning import PlanningRoutes
from .routes_portal import PortalRoutes
from .routes_review import ReviewRoutes
from .routes_security import SecurityRoutes
from .routes_technical_review import TechnicalReviewRoutes
from .rpc import ActAs, BoundedRpcProxy, call
from .settings import SettingsProvider
from .topology import SUBSCRIBES

log = logging.getLogger(__name__)
FEED_INTERVAL_S = 0.5
WEBHOOK_INTERVAL_S = 1.0


@cache
def _openapi_document() -> dict:
    return openapi.build(GatewayService)


class GatewayService(PlanningRoutes, ReviewRoutes, FundsRoutes, SecurityRoutes, TechnicalReviewRoutes, FrameworkRoutes,
                     ApprovalRoutes, PortalRoutes, FeedRoutes):
    name = "gateway"

    tx = Transactions(infra)
    settings = SettingsProvider()
    identity = ActAs()
    docstore = documents.DocumentStoreProvider()
    feed_publisher = feed_amqp.FeedPublisher()

    planning = BoundedRpcProxy("planning")
    review = BoundedRpcProxy("review")
    approval = BoundedRpcProxy("approval")
    funds = BoundedRpcProxy("funds")
    acceptance = BoundedRpcProxy("acceptance")
    security = BoundedRpcProxy("security")

    def _login_required(self, request) -> auth.CurrentUser:
        user = auth.authenticate(self.tx, request)
        self.identity.act_as(user.identity)
        return user

    def _call(self, proxy, method, *args, **kwargs):
        return call(proxy, method, *args, timeout=self.settings.rpc_timeout_seconds, **kwargs)

    def _command(self, request, proxy, method, *args, body: bool = True):
        """A state-changing call for the logged-in user: ``proxy.method(*args, <the JSON body>)``
        (no body when ``body`` is False) under the request's Idempotency-Key."""
        self._login_required(request)
        key = idempotency_key(request)
        if body:
            args = (*args, read_json(request, self.settings.max_body_bytes))
        return self._call(proxy, method, *args, idempotency_key=key)

    def _query(self, request, proxy, method, schema, *args):
        """A read for the logged-in user: ``proxy.method(*args, <the query string, validated by schema>)``."""
        self._login_required(request)
        return self._call(proxy, method, *args, read_query(request, schema()))

    # ------------------------------------------------------------ auth

    @route("POST", "/api/auth/login", ApiDoc(
        "登录", "认证", auth=False, body=s.LoginSchema, responses={200: s.SessionSchema}, errors=(401, 429),
        description="用户名或密码错误时统一返回 401 AUTH-LOGIN-FAILED，不提示具体哪一项错误；"
                    "同一用户名 15 分钟内连续失败 5 次即锁定 15 分钟（429 AUTH-LOCKED）。"))
    def login(self, request):
        creds = load_or_refuse(s.LoginSchema(), read_json(request, self.settings.max_body_bytes))
        result = auth.login(self.tx, creds["username"], creds["password"],
                            self.settings.session_ttl_seconds)
        response = json_response(result.to_dict(), 200, {"Cache-Control": "no-store"})
        response.set_cookie(auth.SESSION_COOKIE, result.token, max_age=self.settings.session_ttl_seconds,
                            path="/", httponly=True, samesite="Strict",
                            secure=self.settings.session_cookie_secure)
        return response

    @route("POST", "/api/auth/logout", ApiDoc("注销", "认证", auth=False, responses={200: s.LogoutSchema}))
    def logout(self, request):
        ended = auth.logout(self.tx, auth.token_from_request(request))
        response = json_response({"logged_out": ended}, 200, {"Cache-Control": "no-store"})
        response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="Strict",
                               secure=self.settings.session_cookie_secure)
        return response

    @route("GET", "/api/auth/me", ApiDoc("当前用户", "认证", responses={200: s.MeSchema}))
    def me(self, request):
        user = auth.authenticate(self.tx, request)
        return {"user": user.to_dict(), "expires_at": user.expires_at_iso}

    # ------------------------------------------------------------ documents

    @route("POST", "/api/documents", ApiDoc(
        "上传文档", "文档", body=s.UploadSchema, body_content="multipart/form-data",
        responses={201: s.DocumentRefSchema}, errors=(400, 413, 422),
        description="按内容识别类型、校验扩展名；文件名含密级标志（绝密/机密/秘密、★）的一律拒绝"
                    "（422 E18-CLASSIFIED-CONTENT，第十八条）。返回的 DocumentRef 用于申报等表单。"))
    def upload_document(self, request):
        user = auth.authenticate(self.tx, request)
        ref = documents.upload(self.docstore, self.tx, request, user)
        return 201, ref.to_dict()

    @route("GET", "/api/documents/<digest>", ApiDoc(
        "下载文档", "文档", responses={200: "application/octet-stream"}, errors=(404,),
        description="仅上传文档的单位和可查看全部项目的角色（政务办、发改、财政、网信、工信、审计等）可下载；"
                    "其他人与文档不存在时一样得到 404 NOT-FOUND，不透露文档是否存在（rules.md §7.2）。"))
    def download_document(self, request, digest):
        user = auth.authenticate(self.tx, request)
        return documents.download(self.docstore, self.tx, digest, user)

    # ------------------------------------------------------------ planning

    @route("POST", "/api/plan-applications", ApiDoc(
        "提交年度计划申报", "年度计划", upstream=True, body=s.PlanApplicationSchema, idempotent=True,
        responses={201: s.ProjectSchema}, errors=(403, 409, 422),
        description="仅项目建设单位可提交（第七条）。缺少第六条、第七条要求的内容时返回 422，"
                    "details 列出全部缺失项。documents 中引用的每个文件都须由本单位上传、摘要与大小一致，"
                    "否则返回 422 E07-DOCUMENT-NOT-UPLOADED，申报不予提交。"))
    def submit_plan_application(self, request):
        user = self._login_required(request)
        key = idempotency_key(request)
        payload = read_json(request, self.settings.max_body_bytes)
        documents.require_own_uploads(self.tx, payload, user, "submit_plan_application")
        return 201, self._call(self.planning, "submit_plan_application", payload, idempotency_key=key)

    @route("GET", "/api/projects", ApiDoc(
        "项目列表", "项目", upstream=True, query=s.ProjectQuerySchema, responses={200: s.ProjectListSchema},
        errors=(400,),
        description="项目建设单位只能看到本单位项目；政务办、发改、财政、网信、工信、审计等可看到全部项目。"))
    def list_projects(self, request):
        self._login_required(request)
        filters = read_query(request, s.ProjectQuerySchema())
        return self._call(self.planning, "list_projects", filters)

    @route("GET", "/api/projects/<project_id>", ApiDoc(
        "项目详情", "项目", upstream=True, responses={200: s.ProjectDetailSchema}, errors=(404,)))
    def get_project(self, request, project_id):
        self._login_required(request)
        return self._call(self.planning, "get_project", project_id)

    @route("GET", "/api/projects/<project_id>/timeline", ApiDoc(
        "项目时间线", "项目", upstream=True, responses={200: s.TimelineSchema}, errors=(404,),
        description="按事件发生顺序列出项目的全部事件，附中文名称与摘要。"))
    def project_timeline(self, request, project_id):
        self._login_required(request)
        # Asked first so a project the user may not see is a 404 here too (rules.md §7.2).
        self._call(self.planning, "get_project", project_id)
        with self.tx.read() as session:
            return {"project_id": project_id, "items": timeline.for_subject(session, project_id)}

    # ------------------------------------------------------------ review

    @route("GET", "/api/projects/<project_id>/review", ApiDoc(
        "项目的计划论证", "论证", upstream=True, responses={200: s.ReviewSchema}, errors=(404,)))
    def get_review(self, request, project_id):
        self._login_required(request)
        return self._call(self.review, "get_review", project_id)

    @route("POST", "/api/projects/<project_id>/review/opinions", ApiDoc(
        "出具论证意见", "论证", upstream=True, body=s.OpinionSchema, idempotent=True, responses={201: s.ReviewSchema},
        errors=(403, 404, 409, 422),
        description="网信、发改、工信、财政各自出具本部门意见（第八条，R-8-1）。"))
    def record_opinion(self, request, project_id):
        return 201, self._command(request, self.review, "record_opinion", project_id)

    @route("POST", "/api/projects/<project_id>/review/conclusion", ApiDoc(
        "形成联审意见", "论证", upstream=True, body=s.ConclusionSchema, idempotent=True,
        responses={200: s.ReviewSchema},
        errors=(403, 404, 409, 422),
        description="政务办汇总各部门意见形成联审意见，决定列入年度计划草案或不予列入（第八条）。"
                    "存在“不同意”意见时须附协商处理说明。expected_version 用于防止并发决定（R-0-2）。"))
    def conclude_review(self, request, project_id):
        return 200, self._command(request, self.review, "conclude", project_id)

    @route("GET", "/api/reviews", ApiDoc(
        "论证列表", "论证", upstream=True, query=s.ReviewQuerySchema, responses={200: s.ReviewListSchema},
        errors=(400,),
        description="awaiting_me=true 时只列出等待本人所在部门处理的论证（我的待办）。"))
    def list_reviews(self, request):
        self._login_required(request)
        filters = read_query(request, s.ReviewQuerySchema())
        return self._call(self.review, "list_reviews", filters)

    # ------------------------------------------------------------ system

    @route("GET", "/health", ApiDoc(
        "系统运行状态", "系统", auth=False, responses={200: s.HealthSchema, 503: s.HealthSchema},
        description="同时询问消息中间件、网关数据库与六个业务服务（每项最多等待数秒）；全部正常为 200，否则 503。"))
    def health(self, request):
        proxies = {name: getattr(self, name) for name in health.SERVICES}
        return health.check(proxies, self.settings.amqp_uri, self.settings.health_timeout_seconds, self.tx)

    @route("GET", "/api/openapi.json", ApiDoc("OpenAPI 文档", "系统", auth=False, responses={200: None}))
    def openapi_document(self, request):
        return _openapi_document()

    @route("GET", "/api/asyncapi.json", ApiDoc(
        "外部事件订阅文档（AsyncAPI）", "系统", auth=False, responses={200: None},
        description="对外发布的项目事件在 AMQP 主题交换机上的路由键与消息格式（rules.md §8.3）。"))
    def asyncapi_document(self, request):
        return feed_asyncapi.document()

    @route("GET", "/api/docs", ApiDoc("接口文档页面", "系统", auth=False, responses={200: "text/html"}))
    def api_docs(self, request):
        return Response(openapi.render_docs(_openapi_document()), content_type="text/html; charset=utf-8")

    @route("GET", "/", ApiDoc("门户首页", "系统", auth=False, responses={200: "text/html"}))
    def portal_index(self, request):
        return portal_files.index(request, self.settings.portal_dist)

    @route("GET", "/assets/<path:path>", ApiDoc("门户静态资源", "系统", auth=False,
                                                 responses={200: "application/octet-stream"}, errors=(404,)))
    def portal_asset(self, request, path):
        return portal_files.asset(request, self.settings.portal_dist, path)

    # ------------------------------------------------------------ events

    @consume_events(SUBSCRIBES)
    def on_event(self, event: CloudEvent):
        with self.tx.event(event, consumer="gateway") as tx:
            if tx.replayed:
                return
            timeline.record(tx.session, event, tx.now)
            feed_log.record(tx.session, event, tx.now)

    @timer(interval=FEED_INTERVAL_S)
    def publish_feed(self):
        """The external feed's AMQP channel; a broker that is down leaves the cursor where it was."""
        try:
            feed_amqp.flush(self.tx, self.feed_publisher)
        except Exception as exc:
            log.warning("external feed: %s", exc)

    @timer(interval=WEBHOOK_INTERVAL_S)
    def publish_webhooks(self):
        """The external feed's webhook channel: one bounded round of signed deliveries per tick."""
        try:
            feed_webhooks.deliver(self.tx, self.settings.webhooks)
        except Exception as exc:
            log.warning("external feed webhooks: %s", exc)
