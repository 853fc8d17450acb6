"""marshmallow schemas of the HTTP API.

The gateway validates what it owns (login, query strings) and the shape of a
request (JSON object, size). Command bodies are passed to the owning service
as sent: the service validates them with its own schema and answers a
VALIDATION refusal (HTTP 400, a Chinese message per field), so there is one
authority per payload. The request-body schemas below mirror those payloads
to document them in the OpenAPI document.
"""

from marshmallow import ValidationError, fields, validate, validates_schema

from itpm_common.schemas import LenientSchema, StrictSchema

ROLES = ("LG", "LGO", "ZWB", "WX", "FG", "GX", "CZ", "SJ", "BM", "UNIT", "JL", "TP", "ZG", "ARCH",
         "SUB", "SYSTEM")
CATEGORIES = ("BUILD", "OM")
BUILD_KINDS = ("NEW", "UPGRADE", "EXPAND")
BASIS_LEVELS = ("党中央/国务院", "省委/省政府", "市委/市政府", "国家部委", "省级部门")
FUNDING_TYPES = ("MUNICIPAL", "SUPERIOR", "OTHER")
SYSTEM_TYPES = ("EGOV_NETWORK", "BUSINESS_SYSTEM", "RESOURCE_DB", "SECURITY_INFRA", "EGOV_INFRA",
                "STANDARDS", "SUPPORT", "OTHER")
PLAN_ORIGINS = ("PLAN", "SUPERIOR_FUNDED")
ADHOC_ORIGINS = ("ADHOC", "SUPERIOR_FUNDED")
ADHOC_REASONS = ("SUPERIOR_REQUIREMENT", "WORK_NEED")
SHARING_LEVELS = ("FULL", "PARTIAL", "NONE")
DIGEST_RE = r"^sha256:[0-9a-f]{64}$"
VERDICTS = ("AGREE", "AGREE_WITH_CONDITIONS", "DISAGREE")
OUTCOMES = ("DRAFT", "NOT_INCLUDED")
CRITERION = ("MET", "NOT_MET")
REVIEW_STATUSES = ("OPEN", "CONCLUDED", "RETURNED", "CANCELLED")
REVIEW_KINDS = ("PLAN", "ADHOC")
JOINT_OUTCOMES = ("PASS", "FAIL")


def _doc(text: str) -> dict:
    return {"metadata": {"description": text}}


# ---------------------------------------------------------------- auth


class LoginSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64), **_doc("用户名"))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256), **_doc("密码"))


class UserSchema(StrictSchema):
    username = fields.String(**_doc("用户名"))
    name = fields.String(**_doc("姓名"))
    role = fields.String(validate=validate.OneOf(ROLES), **_doc("角色代码（rules.md §1）"))
    role_zh = fields.String(**_doc("角色中文名"))
    unit_id = fields.String(**_doc("所在单位代码"))
    unit_name = fields.String(**_doc("所在单位名称"))


class SessionSchema(StrictSchema):
    token = fields.String(**_doc("会话令牌；也以 HttpOnly Cookie itpm_session 下发"))
    expires_at = fields.DateTime(**_doc("会话到期时间（北京时间）"))
    user = fields.Nested(UserSchema)


class MeSchema(StrictSchema):
    expires_at = fields.DateTime(**_doc("会话到期时间（北京时间）"))
    user = fields.Nested(UserSchema)


class LogoutSchema(StrictSchema):
    logged_out = fields.Boolean(**_doc("是否注销了一个有效会话"))


# ---------------------------------------------------------------- errors


class RefusalSchema(StrictSchema):
    """rules.md §0.2: the shape of every refusal and error."""

    refused = fields.Boolean(required=True, **_doc("4xx 为 true（请求被拒绝）；5xx 为 false（系统故障）"))
    code = fields.String(required=True, **_doc("稳定的机器可读代码，如 E06-NEED-MISSING、NOT-FOUND"))
    rule = fields.String(allow_none=True, **_doc("规则编号，如 R-6-1"))
    article = fields.String(allow_none=True, **_doc("所依据的条款，如 第六条"))
    reason_zh = fields.String(required=True, **_doc("面向用户的中文说明"))
    reason_en = fields.String(allow_none=True, **_doc("英文说明；没有时为 null"))
    details = fields.Dict(**_doc("具体值、边界或缺失项；校验错误时 details.fields 为逐字段的中文说明"))


# ---------------------------------------------------------------- documents


class DocumentRefSchema(StrictSchema):
    digest = fields.String(required=True, validate=validate.Regexp(DIGEST_RE), **_doc("内容的 SHA-256 摘要"))
    size = fields.Integer(required=True, validate=validate.Range(min=1), **_doc("字节数"))
    media_type = fields.String(required=True, **_doc("按内容识别的类型"))
    filename = fields.String(required=True, validate=validate.Length(min=1, max=255), **_doc("文件名"))


class UploadSchema(StrictSchema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "文件（PDF、OFD、Word、Excel 等；文件名不得含密级标志）"})


# ---------------------------------------------------------------- plan applications (planning)


class PolicyBasisSchema(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200), **_doc("政策文件标题"))
    doc_number = fields.String(required=True, validate=validate.Length(min=1, max=100), **_doc("文号"))
    level = fields.String(required=True, validate=validate.OneOf(BASIS_LEVELS), **_doc("发文层级"))


class FundingSourceSchema(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(FUNDING_TYPES), **_doc("资金来源类型"))
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), **_doc("金额（分）"))


class SystemRefSchema(StrictSchema):
    existing_system_id = fields.String(load_default=None, validate=validate.Length(max=64),
                                       **_doc("已有系统编号（升级、扩建）"))
    new_system_name = fields.String(load_default=None, validate=validate.Length(max=200), **_doc("新建系统名称"))


class InfrastructureSchema(StrictSchema):
    egov_network = fields.Boolean(required=True, **_doc("使用电子政务外网"))
    gov_cloud = fields.Boolean(required=True, **_doc("使用政务云"))
    bigdata_center = fields.Boolean(required=True, **_doc("使用大数据中心"))
    lyg_app = fields.Boolean(required=True, **_doc("接入“我的连云港”App"))
    notes = fields.String(load_default="")


class FlagsSchema(StrictSchema):
    classified = fields.Boolean(load_default=False, **_doc("涉密项目（仅登记元数据）"))
    important_domain = fields.Boolean(load_default=False)
    cross_department = fields.Boolean(load_default=False)
    cross_level = fields.Boolean(load_default=False)
    new_civil_works = fields.Boolean(load_default=False)
    high_energy = fields.Boolean(load_default=False)
    new_data_center = fields.Boolean(load_default=False)
    cannot_share = fields.Boolean(load_default=False)


class InternalReviewSchema(StrictSchema):
    necessity = fields.Boolean(load_default=False, **_doc("必要性"))
    feasibility = fields.Boolean(load_default=False, **_doc("可行性"))
    completeness = fields.Boolean(load_default=False, **_doc("完整性"))
    conformity = fields.Boolean(load_default=False, **_doc("规范性"))
    signed_by = fields.String(load_default=None, validate=validate.Length(max=50), **_doc("项目责任人签署"))


class ApplicationDocumentsSchema(StrictSchema):
    application_form = fields.Nested(DocumentRefSchema, load_default=None, **_doc("申报书"))
    project_plan = fields.Nested(DocumentRefSchema, load_default=None, **_doc("项目方案"))


class ScopeSchema(StrictSchema):
    """适用范围声明（第二条，R-2-1）。"""

    budget_unit = fields.Boolean(required=True, **_doc("申报单位为市级部门预算单位"))
    budget_funds = fields.Boolean(required=True, **_doc("使用预算资金（含纳入市级预算的上级转移支付）"))
    system_type = fields.String(required=True, validate=validate.OneOf(SYSTEM_TYPES),
                                **_doc("政务信息系统类型（第二条所列，OTHER 须说明）"))
    system_type_note = fields.String(load_default="", validate=validate.Length(max=500), **_doc("类型说明"))


class OmStatusSchema(StrictSchema):
    """运维类项目现有系统的共享与安全情况（§6.1 第 21 项，R-14-8）。"""

    sharing_completeness = fields.String(load_default=None, validate=validate.OneOf(SHARING_LEVELS),
                                         **_doc("数据共享完整性"))
    sharing_timeliness = fields.String(load_default=None, validate=validate.OneOf(SHARING_LEVELS),
                                       **_doc("数据共享及时性"))
    protection_level = fields.Integer(load_default=None, strict=True, validate=validate.Range(1, 5),
                                      **_doc("等级保护级别"))
    last_security_test_on = fields.Date(load_default=None, **_doc("最近一次安全测评日期"))
    crypto_assessment = fields.String(load_default="", validate=validate.Length(max=500),
                                      **_doc("密码应用安全性评估情况"))


class SuperiorFundingSchema(StrictSchema):
    amount_fen = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0), **_doc("上级资金（分）"))
    document = fields.Nested(DocumentRefSchema, load_default=None, **_doc("上级资金文件"))
    issuer = fields.String(load_default="", validate=validate.Length(max=200), **_doc("安排经费的上级部门"))


class ApplicationContentSchema(StrictSchema):
    """年度计划申报与追加申请共有的内容（§6.1）。"""

    name = fields.String(required=True, validate=validate.Length(min=2, max=200), **_doc("项目名称"))
    plan_year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100), **_doc("计划年度"))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES), **_doc("建设类 / 运维类"))
    build_kind = fields.String(load_default=None, validate=validate.OneOf(BUILD_KINDS), **_doc("新建、升级、扩建"))
    system = fields.Nested(SystemRefSchema, required=True)
    policy_basis = fields.List(fields.Nested(PolicyBasisSchema), load_default=list, **_doc("政策依据"))
    need = fields.String(load_default="", validate=validate.Length(max=5000), **_doc("需求"))
    objectives = fields.String(load_default="", validate=validate.Length(max=5000), **_doc("建设目标"))
    intensive_sharing = fields.String(load_default="", validate=validate.Length(max=5000),
                                      **_doc("集约化建设和整合共享情况"))
    infrastructure = fields.Nested(InfrastructureSchema, load_default=None)
    standards = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                            **_doc("遵循的标准规范"))
    content = fields.String(load_default="", validate=validate.Length(max=10000), **_doc("建设内容"))
    estimate_fen = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0), **_doc("投资估算（分）"))
    funding_sources = fields.List(fields.Nested(FundingSourceSchema), load_default=list, **_doc("资金来源"))
    security_solution = fields.String(load_default="", validate=validate.Length(max=5000), **_doc("信息安全解决方案"))
    flags = fields.Nested(FlagsSchema, load_default=dict)
    internal_review = fields.Nested(InternalReviewSchema, load_default=None, **_doc("单位内部审核"))
    documents = fields.Nested(ApplicationDocumentsSchema, load_default=dict)
    truthfulness_declared_by = fields.String(load_default=None, validate=validate.Length(max=50),
                                             **_doc("真实性声明人"))
    scope = fields.Nested(ScopeSchema, load_default=None, **_doc("适用范围声明（第二条）"))
    om_status = fields.Nested(OmStatusSchema, load_default=None, **_doc("运维类：现有系统共享与安全情况"))
    superior_funding = fields.Nested(SuperiorFundingSchema, load_default=None, **_doc("上级部门安排的经费"))


class PlanApplicationSchema(ApplicationContentSchema):
    """年度计划申报（第二条、第六条、第七条、第二十条、第三十一条）。"""

    project_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36),
                               **_doc("提交本单位的草稿或被退回的申报（作为新版本）；新申报不填"))
    origin = fields.String(load_default="PLAN", validate=validate.OneOf(PLAN_ORIGINS),
                           **_doc("PLAN，或由上级部门安排全部或部分经费的 SUPERIOR_FUNDED"))
    rank = fields.Integer(load_default=None, strict=True, **_doc("本单位同类项目排序"))


class AdHocApplicationSchema(ApplicationContentSchema):
    """追加项目申请（第九条）：不受申报期限制，不填排序。"""

    project_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36),
                               **_doc("提交草稿，或在联审开始前修改本单位的追加申请"))
    origin = fields.String(load_default=None, validate=validate.OneOf(ADHOC_ORIGINS),
                           **_doc("ADHOC（追加）或 SUPERIOR_FUNDED（上级安排经费）"))
    adhoc_reason = fields.String(load_default=None, validate=validate.OneOf(ADHOC_REASONS),
                                 **_doc("上级要求或工作需要"))
    requirement_document = fields.Nested(DocumentRefSchema, load_default=None, **_doc("上级要求文件"))


class ProjectSchema(LenientSchema):
    id = fields.String(**_doc("项目编号"))
    unit_id = fields.String()
    unit_name = fields.String()
    name = fields.String()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    build_kind = fields.String(allow_none=True)
    origin = fields.String(**_doc("PLAN（年度计划）或其他来源"))
    plan_year = fields.Integer()
    state = fields.String(**_doc("项目主状态（rules.md §3.2）"))
    estimate_fen = fields.Integer()
    classified = fields.Boolean()
    rank = fields.Integer(allow_none=True, **_doc("本单位同类项目当前排序"))
    current_version_no = fields.Integer(**_doc("已提交的申报版本数"))
    returned_reason = fields.String(allow_none=True, **_doc("被退回修改的理由"))
    adhoc_reason = fields.String(allow_none=True)
    superior_funding_fen = fields.Integer()
    version = fields.Integer(**_doc("乐观并发版本号"))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ProjectDetailSchema(ProjectSchema):
    application = fields.Nested(PlanApplicationSchema, allow_none=True, **_doc("最新一版申报内容"))
    application_version = fields.Integer(allow_none=True)
    draft = fields.Dict(allow_none=True, **_doc("本单位保存的草稿内容；仅本单位可见"))


class ProjectListSchema(StrictSchema):
    items = fields.List(fields.Nested(ProjectSchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


HOLD_FILTERS = ("ANY", "NONE", "RECTIFYING", "SUSPENDED", "INVESTMENT_DEFERRED", "SHARING_NONCOMPLIANT",
                "DUPLICATE_COLLECTION", "CRYPTO_NONCOMPLIANT", "CYBERSEC_NONCOMPLIANT", "GRADED_PROTECTION_UNMET",
                "MAJOR_SECURITY_HAZARD", "NON_SHARING_UNAPPROVED")
SORT_FIELDS = ("created_at", "updated_at", "name", "unit_name", "plan_year", "estimate_fen", "state")
MAX_AMOUNT_FEN = 10_000_000_000_000


class ProjectQuerySchema(StrictSchema):
    plan_year = fields.Integer(validate=validate.Range(2000, 2100), **_doc("计划年度"))
    category = fields.String(validate=validate.OneOf(CATEGORIES), **_doc("类别：BUILD 建设类 / OM 运维类"))
    state = fields.String(validate=validate.Length(min=1, max=40), **_doc("状态"))
    unit_id = fields.String(validate=validate.Length(min=1, max=64), **_doc("单位（仅可查看全部项目的角色有效）"))
    hold = fields.String(validate=validate.OneOf(HOLD_FILTERS),
                         **_doc("挂起事项（rules.md §3.4）：ANY 有任一、NONE 无，或某一挂起代码"))
    estimate_min_fen = fields.Integer(validate=validate.Range(0, MAX_AMOUNT_FEN), **_doc("投资估算下限（分，含）"))
    estimate_max_fen = fields.Integer(validate=validate.Range(0, MAX_AMOUNT_FEN), **_doc("投资估算上限（分，含）"))
    q = fields.String(validate=validate.Length(min=1, max=100), **_doc("按项目名称或单位名称模糊查找"))
    sort = fields.String(validate=validate.OneOf(SORT_FIELDS), **_doc("排序字段，默认 created_at"))
    order = fields.String(validate=validate.OneOf(("asc", "desc")), **_doc("asc 升序 / desc 降序（默认）"))
    page = fields.Integer(validate=validate.Range(min=1), **_doc("页码，从 1 开始"))
    page_size = fields.Integer(validate=validate.Range(min=1, max=200), **_doc("每页条数"))

    @validates_schema
    def _amount_range_in_order(self, data, **kwargs):
        low, high = data.get("estimate_min_fen"), data.get("estimate_max_fen")
        if low is not None and high is not None and low > high:
            raise ValidationError("金额下限不得大于上限", field_name="estimate_min_fen")


class ProjectExportQuerySchema(ProjectQuerySchema):
    """The list's filters and order; the export has no pages."""

    class Meta:
        exclude = ("page", "page_size")


# ---------------------------------------------------------------- timeline


class TimelineEntrySchema(StrictSchema):
    position = fields.Integer(**_doc("事件日志中的位置（全局递增）"))
    event_id = fields.String()
    type = fields.String(**_doc("CloudEvents type"))
    name = fields.String(**_doc("事件名（rules.md §8.1）"))
    name_zh = fields.String(**_doc("事件中文名"))
    time = fields.String(**_doc("发生时间（ISO 8601）"))
    actor_id = fields.String(allow_none=True)
    actor_name = fields.String(allow_none=True, **_doc("操作人姓名；系统操作为“系统”"))
    actor_role = fields.String(allow_none=True)
    actor_role_zh = fields.String()
    unit_id = fields.String(allow_none=True)
    article = fields.String(allow_none=True, **_doc("依据条款"))
    summary_zh = fields.String(**_doc("一句话摘要"))


class TimelineSchema(StrictSchema):
    project_id = fields.String()
    items = fields.List(fields.Nested(TimelineEntrySchema), **_doc("按发生顺序排列的事件"))


# ---------------------------------------------------------------- reviews (review)


class OpinionSchema(StrictSchema):
    """论证意见（第八条，R-8-1）：网信、发改、工信、财政各自出具本部门意见。

    四个方面的意见是否齐备由 review 服务按第八条判断（缺项返回 422）。"""

    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS), **_doc("同意 / 有条件同意 / 不同意"))
    necessity = fields.String(allow_none=True, validate=validate.Length(max=5000), **_doc("必要性意见"))
    feasibility = fields.String(allow_none=True, validate=validate.Length(max=5000), **_doc("可行性意见"))
    security = fields.String(allow_none=True, validate=validate.Length(max=5000), **_doc("安全性意见"))
    budget = fields.String(allow_none=True, validate=validate.Length(max=5000), **_doc("预算合理性意见"))
    conditions = fields.String(allow_none=True, validate=validate.Length(max=5000),
                               **_doc("附加条件（有条件同意时填写）"))


class CriteriaSchema(StrictSchema):
    policy_need = fields.String(required=True, validate=validate.OneOf(CRITERION), **_doc("政策依据与需求"))
    intensive_sharing = fields.String(required=True, validate=validate.OneOf(CRITERION), **_doc("集约共享"))
    content_funding = fields.String(required=True, validate=validate.OneOf(CRITERION), **_doc("建设内容与资金"))
    security_solution = fields.String(required=True, validate=validate.OneOf(CRITERION), **_doc("安全方案"))


class ConclusionSchema(StrictSchema):
    """联审意见与结论（第八条）：由政务办形成。"""

    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES), **_doc("列入草案 / 不予列入"))
    consolidated_opinion = fields.String(required=True, validate=validate.Length(min=1, max=20000),
                                         **_doc("联审意见"))
    criteria = fields.Nested(CriteriaSchema, required=True)
    criteria_reasons = fields.Dict(keys=fields.String(validate=validate.OneOf(
        ("policy_need", "intensive_sharing", "content_funding", "security_solution"))),
        values=fields.String(validate=validate.Length(max=5000)), load_default=dict,
        **_doc("判定为“不符合”的条件各自的理由（R-6-5），键为条件代码"))
    resolution_note = fields.String(allow_none=True, validate=validate.Length(max=5000),
                                    **_doc("存在“不同意”意见时，经第五条协商机制形成的处理说明"))
    expected_version = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1),
                                      **_doc("作出结论所依据的论证版本号；已变化则 409（R-0-2）"))


class RecordedOpinionSchema(LenientSchema):
    bureau = fields.String(validate=validate.OneOf(("WX", "FG", "GX", "CZ")), **_doc("出具意见的部门"))
    verdict = fields.String(validate=validate.OneOf(VERDICTS))
    necessity = fields.String(allow_none=True)
    feasibility = fields.String(allow_none=True)
    security = fields.String(allow_none=True)
    budget = fields.String(allow_none=True)
    conditions = fields.String(allow_none=True)
    recorded_by = fields.String()
    recorded_by_name = fields.String()
    recorded_at = fields.DateTime()


class ReviewConclusionSchema(LenientSchema):
    outcome = fields.String(validate=validate.OneOf(OUTCOMES + JOINT_OUTCOMES))
    consolidated_opinion = fields.String()
    criteria = fields.Nested(CriteriaSchema, allow_none=True)
    resolution_note = fields.String(allow_none=True)
    concluded_by = fields.String()
    concluded_by_name = fields.String()
    concluded_at = fields.DateTime()


class FundingStatusSchema(LenientSchema):
    required = fields.Boolean(**_doc("是否须有财政资金落实确认（追加项目 R-9-2；上级资金计划项目 R-9-8）"))
    status = fields.String(**_doc("NONE 未确认 / CONFIRMED 已落实 / NOT_SECURED 未落实或不足 / "
                                  "INVALIDATED 总投资增加后失效"))
    result = fields.String(allow_none=True, **_doc("财政确认结果：SECURED / PARTIAL / NOT_SECURED"))
    confirmed_amount_fen = fields.Integer(allow_none=True, **_doc("确认金额（分）"))
    confirmed_for_total_fen = fields.Integer(allow_none=True, **_doc("确认时的项目总投资（分）"))
    shortfall_fen = fields.Integer(allow_none=True, **_doc("缺口（分）"))
    note = fields.String(allow_none=True)
    total_investment_fen = fields.Integer(**_doc("项目当前总投资（分）"))
    satisfied = fields.Boolean(**_doc("是否满足开启联审（或列入计划草案）的资金条件"))
    problem = fields.String(allow_none=True, **_doc("不满足时的拒绝代码"))


class SpecialReportStatusSchema(LenientSchema):
    required = fields.Boolean(**_doc("总投资超过阈值、须向市政府专题报告（R-9-5）"))
    gate = fields.String(**_doc("BEFORE_REVIEW_CONCLUSION：联审结论前 / BEFORE_APPROVAL_ENTRY：进入审批前"))
    threshold_fen = fields.Integer(**_doc("投资规模较大的阈值（分，超过即须报告）"))
    recorded = fields.Boolean()
    reference = fields.String(allow_none=True)
    reported_on = fields.String(allow_none=True)


class ReviewClosingSchema(LenientSchema):
    status = fields.String(**_doc("RETURNED 退回修改 / CANCELLED 撤回申报后取消"))
    reason = fields.String(allow_none=True)
    by = fields.String(allow_none=True)
    by_name = fields.String(allow_none=True)
    at = fields.DateTime(allow_none=True)


class FundingAtOpeningSchema(LenientSchema):
    result = fields.String(allow_none=True)
    confirmed_amount_fen = fields.Integer(allow_none=True)


class ReviewSchema(LenientSchema):
    review_id = fields.String()
    project_id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    project_name = fields.String()
    plan_year = fields.Integer()
    category = fields.String()
    kind = fields.String(validate=validate.OneOf(REVIEW_KINDS),
                         **_doc("PLAN：年度计划论证（第八条）/ ADHOC：追加项目联审（第九条）"))
    version_no = fields.Integer(**_doc("所论证的申请版本"))
    origin = fields.String(**_doc("PLAN / ADHOC / SUPERIOR_FUNDED"))
    estimate_fen = fields.Integer()
    status = fields.String(validate=validate.OneOf(REVIEW_STATUSES),
                           **_doc("OPEN 论证中 / CONCLUDED 已结论 / RETURNED 已退回修改 / CANCELLED 已取消"))
    opened_at = fields.DateTime()
    opened_by = fields.String(allow_none=True)
    opened_by_name = fields.String(allow_none=True)
    version = fields.Integer(**_doc("论证版本号；每录入一条意见加一"))
    opinions = fields.List(fields.Nested(RecordedOpinionSchema))
    missing_bureaus = fields.List(fields.String(), **_doc("尚未出具意见的部门"))
    funding_at_opening = fields.Nested(FundingAtOpeningSchema, allow_none=True,
                                       **_doc("开启联审时财政确认的资金落实情况"))
    funding = fields.Nested(FundingStatusSchema)
    special_report = fields.Nested(SpecialReportStatusSchema)
    conclusion = fields.Nested(ReviewConclusionSchema, allow_none=True,
                               **_doc("计划论证：outcome 为 DRAFT/NOT_INCLUDED；联审：PASS/FAIL，criteria 为空"))
    closing = fields.Nested(ReviewClosingSchema, allow_none=True)


class ReviewSummarySchema(LenientSchema):
    review_id = fields.String()
    project_id = fields.String()
    project_name = fields.String()
    unit_name = fields.String()
    kind = fields.String(validate=validate.OneOf(REVIEW_KINDS))
    status = fields.String(validate=validate.OneOf(REVIEW_STATUSES))
    opened_at = fields.DateTime()
    missing_bureaus = fields.List(fields.String())


class ReviewListSchema(StrictSchema):
    items = fields.List(fields.Nested(ReviewSummarySchema))
    total = fields.Integer()


class ReviewQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(REVIEW_STATUSES),
                           **_doc("OPEN 论证中 / CONCLUDED 已结论 / RETURNED 已退回修改 / CANCELLED 已取消"))
    kind = fields.String(validate=validate.OneOf(REVIEW_KINDS), **_doc("PLAN 计划论证 / ADHOC 追加项目联审"))
    awaiting_me = fields.Boolean(**_doc("true：只列出等待本人所在部门出具意见（网信、发改、工信、财政）"
                                        "或作出结论（政务办）的论证"))


class OpenReviewSchema(StrictSchema):
    """开启计划论证（第八条）或追加项目联审（第九条）：由政务办开启。"""

    version_no = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1),
                                **_doc("所看到的申请版本；单位已提交新版本则 409（R-0-2）"))
    note = fields.String(allow_none=True, validate=validate.Length(max=5000), **_doc("备注"))


class ReturnSchema(StrictSchema):
    """退回修改（第八条）：须写明理由，申报单位修改后重新提交新版本。"""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000), **_doc("退回理由"))
    expected_version = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1),
                                      **_doc("所依据的论证版本号；已变化则 409（R-0-2）"))


class JointConclusionSchema(StrictSchema):
    """联审结论（第九条）：通过或不通过；不通过时联审意见即为理由。"""

    outcome = fields.String(required=True, validate=validate.OneOf(JOINT_OUTCOMES), **_doc("通过 / 不通过"))
    consolidated_opinion = fields.String(required=True, validate=validate.Length(min=1, max=20000),
                                         **_doc("联审意见"))
    resolution_note = fields.String(allow_none=True, validate=validate.Length(max=5000),
                                    **_doc("存在“不同意”意见时，经第五条协商机制形成的处理说明"))
    expected_version = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1),
                                      **_doc("所依据的联审版本号；已变化则 409（R-0-2）"))


class OpeningBlockSchema(LenientSchema):
    code = fields.String()
    rule = fields.String(allow_none=True)
    article = fields.String(allow_none=True)
    reason_zh = fields.String()
    details = fields.Dict()


class PendingOpeningSchema(LenientSchema):
    kind = fields.String(validate=validate.OneOf(REVIEW_KINDS), **_doc("PLAN 年度计划申报 / ADHOC 追加建设申请"))
    project_id = fields.String()
    project_name = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    plan_year = fields.Integer()
    category = fields.String()
    version_no = fields.Integer()
    estimate_fen = fields.Integer()
    origin = fields.String()
    adhoc_reason = fields.String(allow_none=True)
    superior_funding_fen = fields.Integer()
    submitted_at = fields.DateTime()
    funding = fields.Nested(FundingStatusSchema, allow_none=True)
    ready = fields.Boolean(**_doc("现在即可开启"))
    blocking = fields.Nested(OpeningBlockSchema, allow_none=True,
                             **_doc("不能开启的原因（如 E09-FUNDING-NOT-CONFIRMED）"))


class PendingOpeningListSchema(StrictSchema):
    items = fields.List(fields.Nested(PendingOpeningSchema))
    total = fields.Integer()


class OpeningQuerySchema(StrictSchema):
    kind = fields.String(validate=validate.OneOf(REVIEW_KINDS), **_doc("PLAN 年度计划申报 / ADHOC 追加建设申请"))


# ---------------------------------------------------------------- health


class ComponentHealthSchema(LenientSchema):
    status = fields.String(required=True, **_doc("ok / degraded / unreachable"))
    error = fields.String(allow_none=True)


class HealthSchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(("ok", "degraded")))
    broker = fields.Nested(ComponentHealthSchema)
    database = fields.Nested(ComponentHealthSchema, **_doc("网关自身的数据库"))
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ComponentHealthSchema))


# ---------------------------------------------------------------- portal: workbench and dashboard


class WorkItemSchema(StrictSchema):
    kind = fields.String(**_doc("待办类型，如 PLAN_REVIEW_OPINION；后续环节增加新类型"))
    kind_zh = fields.String(**_doc("待办类型中文名"))
    title = fields.String(**_doc("待办事项"))
    project_id = fields.String(allow_none=True)
    project_name = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True, **_doc("项目建设单位"))
    since = fields.String(allow_none=True, **_doc("事项产生时间（ISO 8601）"))
    deadline = fields.String(allow_none=True, **_doc("办理期限（仅管理办法规定了期限的事项才有）"))
    overdue = fields.Boolean(**_doc("是否已超过期限"))
    article = fields.String(allow_none=True, **_doc("依据条款"))
    link = fields.String(**_doc("门户中办理该事项的页面"))
    action_zh = fields.String(**_doc("办理动作"))
    detail_zh = fields.String(allow_none=True, **_doc("补充说明"))


class WorkKindSchema(StrictSchema):
    kind = fields.String()
    kind_zh = fields.String()


class WorkbenchSchema(StrictSchema):
    items = fields.List(fields.Nested(WorkItemSchema), **_doc("逾期在前，其次按期限、产生时间排列"))
    total = fields.Integer()
    overdue = fields.Integer(**_doc("逾期事项数"))
    kinds = fields.List(fields.Nested(WorkKindSchema), **_doc("本角色可能收到的待办类型"))
    unavailable = fields.List(fields.String(), **_doc("暂时无法查询的服务（其待办未列出）"))
    today = fields.String(**_doc("计算逾期所依据的日期（北京时间）"))


class DashboardQuerySchema(StrictSchema):
    plan_year = fields.Integer(validate=validate.Range(2000, 2100), **_doc("计划年度；不填为全部年度"))


class FigureSchema(LenientSchema):
    count = fields.Integer(**_doc("项目数"))
    estimate_fen = fields.Integer(**_doc("投资估算合计（分）"))


class FunnelStageSchema(StrictSchema):
    stage = fields.String()
    label_zh = fields.String()
    count = fields.Integer(**_doc("到达该环节的项目数"))


class PendingOpinionSchema(StrictSchema):
    bureau = fields.String()
    bureau_zh = fields.String()
    count = fields.Integer(**_doc("尚待该部门出具意见的论证数"))


class DashboardSchema(StrictSchema):
    plan_year = fields.Integer(allow_none=True)
    total = fields.Nested(FigureSchema)
    by_year = fields.List(fields.Nested(FigureSchema), **_doc("按年度：plan_year、count、estimate_fen"))
    by_unit = fields.List(fields.Nested(FigureSchema), **_doc("按单位：unit_id、unit_name、count、estimate_fen"))
    by_state = fields.List(fields.Nested(FigureSchema), **_doc("按状态：state、count、estimate_fen"))
    by_category = fields.List(fields.Nested(FigureSchema), **_doc("按类别：category、count、estimate_fen"))
    funnel = fields.List(fields.Nested(FunnelStageSchema), **_doc("从申报到验收的漏斗"))
    open_reviews = fields.Integer(**_doc("进行中的计划论证数"))
    pending_opinions = fields.List(fields.Nested(PendingOpinionSchema), **_doc("各部门尚待出具的论证意见"))
    overdue = fields.List(fields.Nested(WorkItemSchema), **_doc("已逾期的事项（仅有法定期限的事项）"))
    unavailable = fields.List(fields.String(), **_doc("暂时无法查询的服务"))
