"""Request bodies of planning's Chapter 2 commands, mirrored from planning's schemas for the API document
(tests/test_api_contract.py keeps the copies equal)."""

from marshmallow import fields, validate

from itpm_common.schemas import LenientSchema, StrictSchema

from .schemas import CATEGORIES, _doc


class CallSchema(StrictSchema):
    """年度计划申报通知（第七条，R-7-5）：起止日期均含当日。"""

    plan_year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100), **_doc("计划年度"))
    opens_on = fields.Date(required=True, **_doc("申报开始日期"))
    closes_on = fields.Date(required=True, **_doc("申报截止日期（当日 24 时前均可申报）"))
    notice = fields.String(load_default="", validate=validate.Length(max=2000), **_doc("通知正文"))


class CloseCallSchema(StrictSchema):
    expected_version = fields.Integer(load_default=None, strict=True, **_doc("乐观并发版本号（R-0-2）"))


class DraftSchema(StrictSchema):
    """申报草稿：只检查字段格式，仅本单位可见。"""

    project_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36), **_doc("继续编辑的草稿"))
    kind = fields.String(load_default="PLAN", validate=validate.OneOf(("PLAN", "ADHOC")), **_doc("年度申报或追加"))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200), **_doc("项目名称"))
    plan_year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100), **_doc("计划年度"))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    content = fields.Dict(load_default=dict, **_doc("已填写的表单内容"))


class WithdrawSchema(StrictSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000), **_doc("理由"))


class RankingSchema(StrictSchema):
    """本单位同一年度、同一类别申报项目的完整排序（第七条，R-7-3），最紧要的在前。"""

    plan_year = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    order = fields.List(fields.String(validate=validate.Length(min=1, max=36)), required=True,
                        validate=validate.Length(min=1, max=500), **_doc("项目编号，按轻重缓急排列"))


class RankingQuerySchema(StrictSchema):
    plan_year = fields.Integer(required=True, validate=validate.Range(2020, 2100))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))


class SpecialReportSchema(StrictSchema):
    """向市政府专题报告（第九条，R-9-5）。"""

    reference = fields.String(required=True, validate=validate.Length(min=1, max=100), **_doc("报告文号"))
    reported_on = fields.Date(required=True, **_doc("报告日期"))
    summary = fields.String(load_default="", validate=validate.Length(max=2000), **_doc("摘要"))


class CompilePlanSchema(StrictSchema):
    """编制年度建设计划（第八条，R-8-2）：建设类、运维类分别排序；不填则按性质与单位排序。"""

    title = fields.String(load_default=None, validate=validate.Length(min=2, max=200), **_doc("计划标题"))
    build_order = fields.List(fields.String(validate=validate.Length(min=1, max=36)), load_default=None,
                              **_doc("建设类项目编号顺序"))
    om_order = fields.List(fields.String(validate=validate.Length(min=1, max=36)), load_default=None,
                           **_doc("运维类项目编号顺序"))


class SubmitPlanSchema(StrictSchema):
    expected_version = fields.Integer(load_default=None, strict=True, **_doc("乐观并发版本号（R-0-2）"))


class StrikeSchema(StrictSchema):
    project_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000), **_doc("不予列入的理由"))


class PlanDecisionSchema(StrictSchema):
    """领导小组审定（第八条，R-8-3）：可同时删除个别项目；审定后自动抄送市发改委（R-8-4）。"""

    document_number = fields.String(required=True, validate=validate.Length(min=1, max=100), **_doc("批准文号"))
    note = fields.String(load_default="", validate=validate.Length(max=2000), **_doc("审定意见"))
    struck = fields.List(fields.Nested(StrikeSchema), load_default=list, **_doc("删除的项目及理由"))
    expected_version = fields.Integer(load_default=None, strict=True, **_doc("乐观并发版本号（R-0-2）"))


class PlanVersionQuerySchema(StrictSchema):
    version_no = fields.Integer(validate=validate.Range(min=1), **_doc("版本号；不填为最新版本"))


class PlanCallOutSchema(LenientSchema):
    plan_year = fields.Integer()
    opens_on = fields.Date()
    closes_on = fields.Date()
    status = fields.String(**_doc("OPEN / CLOSED"))
    notice = fields.String(allow_none=True)
    version = fields.Integer()


class PlanCallListSchema(StrictSchema):
    items = fields.List(fields.Nested(PlanCallOutSchema))


class RankingOutSchema(LenientSchema):
    plan_year = fields.Integer()
    category = fields.String()
    items = fields.List(fields.Dict(), **_doc("project_id、rank、name"))


class SpecialReportOutSchema(LenientSchema):
    project_id = fields.String()
    reference = fields.String()
    reported_on = fields.Date()


class PlanItemSchema(LenientSchema):
    project_id = fields.String()
    section = fields.String(**_doc("BUILD / OM"))
    section_rank = fields.Integer(**_doc("在本类清单中的次序"))
    nature_zh = fields.String(**_doc("性质：新建、改建、扩建、运维"))
    status = fields.String(**_doc("LISTED（列入）/ STRUCK（领导小组删除）"))
    struck_reason = fields.String(allow_none=True)
    unit_name = fields.String()
    name = fields.String()
    estimate_fen = fields.Integer(**_doc("投资估算（分）；项目建设单位只看到本单位项目的金额"))


class AnnualPlanSchema(LenientSchema):
    plan_id = fields.String()
    plan_year = fields.Integer()
    version_no = fields.Integer()
    status = fields.String(**_doc("DRAFT / SUBMITTED / APPROVED / SUPERSEDED"))
    title = fields.String()
    document_number = fields.String(allow_none=True)
    version = fields.Integer(**_doc("乐观并发版本号"))
    sections = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(PlanItemSchema)))


class AnnualPlanListSchema(StrictSchema):
    items = fields.List(fields.Dict())


class OverallPlanItemSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=200), **_doc("规划的系统或项目"))
    unit_id = fields.String(load_default=None, validate=validate.Length(max=64), **_doc("牵头单位"))
    description = fields.String(load_default="", validate=validate.Length(max=2000))


class OverallPlanSchema(StrictSchema):
    """市级政务信息化建设总体规划（第四条，R-4-2）：政务办牵头编制。"""

    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    period_from = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100), **_doc("规划期初"))
    period_to = fields.Integer(required=True, strict=True, validate=validate.Range(2020, 2100), **_doc("规划期末"))
    items = fields.List(fields.Nested(OverallPlanItemSchema), required=True, validate=validate.Length(min=1, max=500))


class OverallPlanDecisionSchema(StrictSchema):
    """领导小组审定总体规划（第四条）。"""

    document_number = fields.String(required=True, validate=validate.Length(min=1, max=100), **_doc("审定文号"))
    expected_version = fields.Integer(load_default=None, strict=True, **_doc("乐观并发版本号（R-0-2）"))


class OverallPlanQuerySchema(StrictSchema):
    version_no = fields.Integer(validate=validate.Range(min=1), **_doc("版本号；不填为最新可见版本"))


class OverallPlanOutSchema(LenientSchema):
    plan_id = fields.String()
    version_no = fields.Integer()
    status = fields.String(**_doc("DRAFT / APPROVED / SUPERSEDED"))
    title = fields.String()
    period_from = fields.Integer()
    period_to = fields.Integer()
    items = fields.List(fields.Dict())
    document_number = fields.String(allow_none=True)
    version = fields.Integer()
