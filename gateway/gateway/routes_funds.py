"""HTTP routes for 财政's Art 9 funding confirmation (funds) and 发改's copy
of the annual plan (approval), mixed into GatewayService.

The request-body schemas mirror the services' own (tests/test_api_contract.py
keeps them equal); the services validate and decide."""

from __future__ import annotations

from marshmallow import fields, validate

from itpm_common.schemas import LenientSchema, StrictSchema

from .http import ApiDoc, idempotency_key, read_json, read_query, route

RESULTS = ("SECURED", "PARTIAL", "NOT_SECURED")
PATHS = ("ADHOC", "PLAN")
FUNDING_STATUSES = ("AWAITING", "NOT_SECURED", "CONFIRMED", "CLOSED")
LISTING_STATUSES = ("LISTED", "STRUCK")

TAGS = [
    {"name": "资金落实", "description": "追加项目与上级安排经费项目的资金落实确认（第九条）"},
    {"name": "计划抄送", "description": "领导小组批准的年度建设计划抄送市发改部门后的计划内项目（第八条）"},
]


def _doc(text: str) -> dict:
    return {"metadata": {"description": text}}


# ---------------------------------------------------------------- funds


class FundingConfirmationSchema(StrictSchema):
    """资金落实确认（第九条，R-9-2、R-9-3）：仅市财政部门录入。"""

    result = fields.String(required=True, validate=validate.OneOf(RESULTS),
                           **_doc("资金已落实 / 部分落实 / 未落实"))
    confirmed_amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0),
                                          **_doc("确认落实的金额（分）；资金已落实时须大于 0"))
    note = fields.String(required=True, validate=validate.Length(min=1, max=5000), **_doc("确认说明"))
    basis_document = fields.String(allow_none=True, validate=validate.Length(max=200),
                                   **_doc("依据文件（文号或文档引用）"))
    expected_version = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1),
                                      **_doc("确认所依据的申请版本号；已变化则 409（R-0-2）"))


class InvalidationSchema(LenientSchema):
    at = fields.DateTime()
    by_version_no = fields.Integer(**_doc("使确认失效的申请版本"))
    new_total_fen = fields.Integer(**_doc("提高后的总投资（分）"))


class RecordedConfirmationSchema(LenientSchema):
    confirmation_id = fields.String()
    version_no = fields.Integer(**_doc("确认时的申请版本"))
    path = fields.String(validate=validate.OneOf(PATHS))
    result = fields.String(validate=validate.OneOf(RESULTS))
    confirmed_amount_fen = fields.Integer()
    total_investment_fen = fields.Integer(**_doc("确认时的总投资（分）"))
    shortfall_fen = fields.Integer(**_doc("资金缺口（分）"))
    satisfies_article_9 = fields.Boolean(**_doc("是否满足第九条联审前资金落实的要求"))
    note = fields.String()
    basis_document = fields.String(allow_none=True)
    recorded_by = fields.String()
    recorded_by_name = fields.String()
    recorded_at = fields.DateTime()
    current = fields.Boolean(**_doc("是否为当前有效的最新确认"))
    invalidated = fields.Nested(InvalidationSchema, allow_none=True, **_doc("总投资提高而失效（R-9-7）"))


class FundingRequestSummarySchema(LenientSchema):
    project_id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    name = fields.String()
    plan_year = fields.Integer(allow_none=True)
    category = fields.String()
    classified = fields.Boolean()
    path = fields.String(validate=validate.OneOf(PATHS), **_doc("ADHOC 第九条联审 / PLAN 上级安排经费的计划项目"))
    version_no = fields.Integer(**_doc("申请的最新版本"))
    total_investment_fen = fields.Integer(**_doc("总投资（分）"))
    status = fields.String(validate=validate.OneOf(FUNDING_STATUSES),
                           **_doc("AWAITING 待确认 / NOT_SECURED 未落实 / CONFIRMED 已确认 / CLOSED 无需确认"))
    requested_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer(**_doc("乐观并发版本号"))


class FundingSchema(FundingRequestSummarySchema):
    current_confirmation = fields.Nested(RecordedConfirmationSchema, allow_none=True)
    confirmations = fields.List(fields.Nested(RecordedConfirmationSchema), **_doc("历次确认，最新在前"))


class FundingRequestListSchema(StrictSchema):
    items = fields.List(fields.Nested(FundingRequestSummarySchema))
    total = fields.Integer()


class FundingRequestQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(FUNDING_STATUSES), **_doc("状态"))
    path = fields.String(validate=validate.OneOf(PATHS), **_doc("ADHOC / PLAN"))
    plan_year = fields.Integer(validate=validate.Range(2020, 2100), **_doc("计划年度"))
    awaiting_me = fields.Boolean(**_doc("true：只列出等待财政确认的申请（尚无有效确认）"))


# ---------------------------------------------------------------- approval


class EntryPathSchema(LenientSchema):
    project_id = fields.String()
    state = fields.String(allow_none=True, **_doc("项目主状态"))
    path = fields.String(allow_none=True, **_doc("PLAN（年度计划）/ ADHOC（追加）"))
    may_enter = fields.Boolean(**_doc("可否进入立项审批"))
    plan_listed = fields.Boolean(**_doc("是否视为列入年度建设计划（第十条第（一）项简化路径）"))
    refusal = fields.Dict(allow_none=True, **_doc("不能进入时的拒绝说明（code、rule、article、reason_zh）"))


class PlanListingSchema(LenientSchema):
    project_id = fields.String()
    plan_year = fields.Integer()
    plan_id = fields.String()
    plan_version = fields.Integer(**_doc("最近确认或删除该项目的计划版本"))
    first_listed_version = fields.Integer()
    listed = fields.Boolean(**_doc("是否列入现行批准的年度建设计划"))
    status = fields.String(validate=validate.OneOf(LISTING_STATUSES), **_doc("LISTED 列入 / STRUCK 调整后删除"))
    section_rank = fields.Integer(allow_none=True, **_doc("建设类清单中的排序"))
    origin = fields.String(allow_none=True)
    build_kind = fields.String(allow_none=True)
    unit_id = fields.String()
    unit_name = fields.String()
    name = fields.String()
    estimate_fen = fields.Integer(allow_none=True)
    classified = fields.Boolean()
    listed_at = fields.DateTime()
    updated_at = fields.DateTime()


class FundsRoutes:
    """Mixed into GatewayService, which supplies the proxies and ``_call``."""

    @route("POST", "/api/projects/<project_id>/funding-confirmation", ApiDoc(
        "录入资金落实确认", "资金落实", upstream=True, body=FundingConfirmationSchema, idempotent=True,
        responses={201: FundingSchema}, errors=(403, 404, 409, 422),
        description="仅市财政部门可录入（第九条、第四条（四），R-9-3）。结果为资金已落实且确认金额不少于总投资时"
                    "满足联审前资金落实的要求（R-9-2）；否则记录资金缺口。可再次录入，以最新一次为准；"
                    "expected_version 用于防止并发确认（R-0-2）。"))
    def record_funding_confirmation(self, request, project_id):
        self._login_required(request)
        key = idempotency_key(request)
        payload = read_json(request, self.settings.max_body_bytes)
        return 201, self._call(self.funds, "record_funding_confirmation", project_id, payload,
                               idempotency_key=key)

    @route("GET", "/api/projects/<project_id>/funding", ApiDoc(
        "项目的资金落实确认", "资金落实", upstream=True, responses={200: FundingSchema}, errors=(404,),
        description="确认申请、历次确认与当前状态；申请版本提高总投资后原确认失效（R-9-7）。"))
    def get_funding(self, request, project_id):
        self._login_required(request)
        return self._call(self.funds, "get_funding", project_id)

    @route("GET", "/api/funding-requests", ApiDoc(
        "资金落实确认申请列表", "资金落实", upstream=True, query=FundingRequestQuerySchema,
        responses={200: FundingRequestListSchema}, errors=(400,),
        description="awaiting_me=true 时为财政的待办：尚无有效确认的申请。"))
    def list_funding_requests(self, request):
        self._login_required(request)
        filters = read_query(request, FundingRequestQuerySchema())
        return self._call(self.funds, "list_funding_requests", filters)

    @route("GET", "/api/projects/<project_id>/plan-listing", ApiDoc(
        "项目的年度计划列入情况", "计划抄送", upstream=True, responses={200: PlanListingSchema}, errors=(404,),
        description="领导小组批准并抄送市发改部门的年度建设计划中的建设类项目（第八条，R-8-4）；"
                    "调整后的计划版本删除的项目 listed 为 false。"))
    def get_plan_listing(self, request, project_id):
        self._login_required(request)
        return self._call(self.approval, "get_plan_listing", project_id)

    @route("GET", "/api/projects/<project_id>/approval-entry", ApiDoc(
        "项目进入立项审批的路径", "计划抄送", upstream=True, responses={200: EntryPathSchema}, errors=(404,),
        description="年度计划项目须为经领导小组批准并抄送市发改委的计划项目，方可按年度计划路径报批"
                    "（R-8-6，否则 refusal 为 E08-NOT-IN-APPROVED-PLAN）；追加项目联审通过后按追加路径报批，"
                    "不视为列入年度计划（R-9-6）。"))
    def get_entry_path(self, request, project_id):
        self._login_required(request)
        return self._call(self.approval, "get_entry_path", project_id)
