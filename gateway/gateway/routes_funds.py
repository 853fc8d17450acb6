"""HTTP routes for 财政's Art 9 funding confirmation and Art 10 estimate
review (funds) and 发改's copy of the annual plan (approval), mixed into
GatewayService.

The request-body schemas mirror the services' own (tests/test_api_contract.py
keeps them equal); the services validate and decide."""

from __future__ import annotations

from marshmallow import fields, validate

from itpm_common.schemas import LenientSchema, StrictSchema

from .http import ApiDoc, read_query, route

RESULTS = ("SECURED", "PARTIAL", "NOT_SECURED")
PATHS = ("ADHOC", "PLAN")
FUNDING_STATUSES = ("AWAITING", "NOT_SECURED", "CONFIRMED", "CLOSED")
LISTING_STATUSES = ("LISTED", "STRUCK")
ESTIMATE_STAGES = ("PD", "URGENT_PACKAGE", "COMBINED_PACKAGE")
ESTIMATE_STATUSES = ("OPEN", "REVIEWED", "SUPERSEDED", "NOT_REQUIRED")

TAGS = [
    {"name": "资金落实", "description": "追加项目与上级安排经费项目的资金落实确认（第九条）"},
    {"name": "概算审核", "description": "投资概算100万元及以上的项目由市财政部门审核概算（第十条，R-10-3）"},
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


# ---------------------------------------------------------------- funds: estimate review (第十条)


class EstimateLineItemSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40), **_doc("明细编码，不得重复"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), **_doc("明细名称"))
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0), **_doc("金额（分）"))


class EstimateConclusionSchema(StrictSchema):
    """概算审核结论（第十条，R-10-3）：仅市财政部门作出。"""

    submission_id = fields.String(required=True, validate=validate.Length(min=1, max=36),
                                  **_doc("所审核的送审材料（初步设计方案或合并材料的某一版本）"))
    reviewed_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                                  **_doc("审核后的概算金额（分），须大于 0；不以送审金额为上限"))
    opinion = fields.String(required=True, validate=validate.Length(max=10000), **_doc("审核意见，不能为空"))
    line_items = fields.List(fields.Nested(EstimateLineItemSchema), allow_none=True,
                             validate=validate.Length(min=1, max=500),
                             **_doc("审核后的概算明细（可选）；合计须与审核金额完全相等，编码不得重复。"
                                    "不填时：审核金额与送审金额相同则沿用送审明细，否则不列明细"))
    expected_version = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1),
                                      **_doc("审核所依据的申请版本号；已变化则 409（R-0-2）"))


class EstimateQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(ESTIMATE_STATUSES),
                           **_doc("OPEN 待财政审核 / REVIEWED 已审核 / SUPERSEDED 已被新版本取代 / "
                                  "NOT_REQUIRED 未达100万元无需审核"))
    stage = fields.String(validate=validate.OneOf(ESTIMATE_STAGES),
                          **_doc("PD 初步设计方案 / URGENT_PACKAGE 紧急项目合并材料 / COMBINED_PACKAGE 合并编报材料"))
    plan_year = fields.Integer(validate=validate.Range(2020, 2100), **_doc("计划年度"))
    project_id = fields.String(validate=validate.Length(min=1, max=64), **_doc("项目编号"))
    awaiting_me = fields.Boolean(**_doc("true：财政的待办（待审核的申请）；其他角色为空"))
    page = fields.Integer(validate=validate.Range(min=1), **_doc("页码，从 1 开始"))
    page_size = fields.Integer(validate=validate.Range(min=1, max=200), **_doc("每页条数，默认 50"))


class SubmissionQuerySchema(StrictSchema):
    submission_id = fields.String(validate=validate.Length(min=1, max=36),
                                  **_doc("送审材料编号；不填为项目最新一版"))


class ThresholdSchema(LenientSchema):
    estimate_fen = fields.Integer(**_doc("送审概算（分）"))
    threshold_fen = fields.Integer(**_doc("TH-1：100,000,000 分（100万元）"))
    threshold_yuan = fields.String()
    inclusive = fields.String(**_doc("“以上”含本数"))
    required = fields.Boolean(**_doc("是否须经财政审核"))


class EstimateReviewedSchema(LenientSchema):
    reviewed_fen = fields.Integer(**_doc("审核后的概算（分）"))
    opinion = fields.String()
    line_items = fields.List(fields.Nested(EstimateLineItemSchema), **_doc("审核后的明细"))
    reviewed_by = fields.String()
    reviewed_by_name = fields.String()
    reviewed_at = fields.DateTime()


class EstimateReviewSummarySchema(LenientSchema):
    project_id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    name = fields.String(**_doc("项目名称"))
    classified = fields.Boolean()
    plan_year = fields.Integer(allow_none=True)
    category = fields.String()
    submission_id = fields.String()
    stage = fields.String(validate=validate.OneOf(ESTIMATE_STAGES))
    version_no = fields.Integer(**_doc("送审材料的版本"))
    track = fields.String(allow_none=True, **_doc("审批路径"))
    origin = fields.String(allow_none=True)
    digest = fields.String(allow_none=True, **_doc("送审材料摘要"))
    requested_fen = fields.Integer(**_doc("送审概算（分）"))
    status = fields.String(validate=validate.OneOf(ESTIMATE_STATUSES))
    status_zh = fields.String()
    review_required = fields.Boolean(**_doc("是否须经财政审核（TH-1，含本数）"))
    threshold = fields.Nested(ThresholdSchema)
    reviewed_fen = fields.Integer(allow_none=True)
    submitted_at = fields.String()
    requested_at = fields.String()
    superseded_by = fields.String(allow_none=True, **_doc("取代本版本的送审材料"))
    superseded_at = fields.String(allow_none=True)
    updated_at = fields.String()
    version = fields.Integer(**_doc("乐观并发版本号"))


class EstimateReviewSchema(EstimateReviewSummarySchema):
    line_items = fields.List(fields.Nested(EstimateLineItemSchema), **_doc("送审的概算明细"))
    review = fields.Nested(EstimateReviewedSchema, allow_none=True, **_doc("财政的审核结论；未审核为 null"))
    history = fields.List(fields.Nested(EstimateReviewSummarySchema), **_doc("项目各版本概算，最新在前"))


class EstimateReviewListSchema(LenientSchema):
    items = fields.List(fields.Nested(EstimateReviewSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


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
    """Mixed into GatewayService, which supplies the proxies, ``_call`` and ``_command``."""

    @route("POST", "/api/projects/<project_id>/funding-confirmation", ApiDoc(
        "录入资金落实确认", "资金落实", upstream=True, body=FundingConfirmationSchema, idempotent=True,
        responses={201: FundingSchema}, errors=(403, 404, 409, 422),
        description="仅市财政部门可录入（第九条、第四条（四），R-9-3）。结果为资金已落实且确认金额不少于总投资时"
                    "满足联审前资金落实的要求（R-9-2）；否则记录资金缺口。可再次录入，以最新一次为准；"
                    "expected_version 用于防止并发确认（R-0-2）。"))
    def record_funding_confirmation(self, request, project_id):
        return 201, self._command(request, self.funds, "record_funding_confirmation", project_id)

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
        return self._query(request, self.funds, "list_funding_requests", FundingRequestQuerySchema)

    @route("POST", "/api/projects/<project_id>/estimate-review/conclusion", ApiDoc(
        "作出概算审核结论", "概算审核", upstream=True, body=EstimateConclusionSchema, idempotent=True,
        responses={200: EstimateReviewSchema}, errors=(403, 404, 409),
        description="仅市财政部门可作出（第四条（四），其他角色 403 AUTH-FORBIDDEN，R-4-1）。"
                    "投资概算100万元及以上（含本数，TH-1）的初步设计方案与合并材料须经财政审核概算（第十条，R-10-3）。"
                    "审核金额以整数分表示；列明细时合计须与审核金额完全相等（400 VALIDATION）。"
                    "该版本已被新版本取代、已审核或无需审核时 409 STATE-INVALID（R-10-3）；"
                    "expected_version 已变化或他人同时审核时 409（R-0-2）。每一版本只产生一次 EstimateReviewed。"))
    def conclude_estimate_review(self, request, project_id):
        return 200, self._command(request, self.funds, "conclude_estimate_review", project_id)

    @route("GET", "/api/projects/<project_id>/estimate-review", ApiDoc(
        "项目的概算审核", "概算审核", upstream=True, query=SubmissionQuerySchema,
        responses={200: EstimateReviewSchema}, errors=(400, 404),
        description="项目最新一版（或 submission_id 指定版本）概算的审核申请：送审金额与明细、TH-1 判断依据、"
                    "财政的审核结论，以及各版本的历史。无概算记录或无权查看时 404（rules.md §7.2）。"))
    def get_estimate_review(self, request, project_id):
        self._login_required(request)
        query = read_query(request, SubmissionQuerySchema())
        return self._call(self.funds, "get_estimate_review", project_id, query.get("submission_id"))

    @route("GET", "/api/estimate-reviews", ApiDoc(
        "概算审核列表", "概算审核", upstream=True, query=EstimateQuerySchema,
        responses={200: EstimateReviewListSchema}, errors=(400,),
        description="awaiting_me=true 时为财政的待办：待审核的概算（OPEN）。其他角色按 rules.md §7.2 可见范围列出。"))
    def list_estimate_reviews(self, request):
        return self._query(request, self.funds, "list_estimate_reviews", EstimateQuerySchema)

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
