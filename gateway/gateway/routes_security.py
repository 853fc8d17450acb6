"""HTTP routes of 网信's cybersecurity review of a submission's security
chapter (第四条（二）, 第十四条), mixed into GatewayService.

The request-body and query schemas mirror security's own
(tests/test_api_contract.py keeps them equal); security validates and decides."""

from __future__ import annotations

from marshmallow import fields, validate

from itpm_common.schemas import LenientSchema, StrictSchema

from .http import ApiDoc, read_query, route
from .routes_funds import SubmissionQuerySchema

STAGES = ("FSR", "PD", "URGENT_PACKAGE", "COMBINED_PACKAGE")
STATUSES = ("PENDING", "RECORDED", "SUPERSEDED")
CONCLUSIONS = ("PASS", "PASS_WITH_CONDITIONS", "FAIL")
RATINGS = ("ADEQUATE", "INADEQUATE")

TAGS = [
    {"name": "网络安全审查",
     "description": "网信部门对可研、初设及合并材料中网络安全保障措施篇（章）与密码应用内容的审查"
                    "（第四条（二）、第十四条）"},
]


def _doc(text: str) -> dict:
    return {"metadata": {"description": text}}


class AssessmentSchema(StrictSchema):
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS),
                           **_doc("ADEQUATE 充分 / INADEQUATE 不充分"))
    note = fields.String(required=True, validate=validate.Length(max=5000), **_doc("评价说明，不能为空"))


class AssessmentsSchema(StrictSchema):
    """第十四条的四部分与第十八条的密码应用内容，逐项评价。"""

    needs_analysis = fields.Nested(AssessmentSchema, required=True, **_doc("网络安全需求分析（R-14-2）"))
    tasks_and_content = fields.Nested(AssessmentSchema, required=True, **_doc("建设任务及内容（R-14-2）"))
    protection_design = fields.Nested(AssessmentSchema, required=True, **_doc("保障体系设计（R-14-2）"))
    investment = fields.Nested(AssessmentSchema, required=True, **_doc("网络安全投资概算（R-14-2）"))
    crypto_content = fields.Nested(AssessmentSchema, required=True, **_doc("密码应用内容（R-18-1）"))


class CybersecurityReviewSchema(StrictSchema):
    """网络安全审查结论（第四条（二）、第十四条）：仅市网信部门录入。"""

    submission_id = fields.String(required=True, validate=validate.Length(min=1, max=36),
                                  **_doc("所审查的送审材料（可研、初设或合并材料的某一版本）"))
    conclusion = fields.String(required=True, validate=validate.OneOf(CONCLUSIONS),
                               **_doc("PASS 通过 / PASS_WITH_CONDITIONS 有条件通过 / FAIL 不通过"))
    opinion = fields.String(required=True, validate=validate.Length(max=5000),
                            **_doc("审查意见，不能为空；有条件通过写明条件，不通过写明理由"))
    assessments = fields.Nested(AssessmentsSchema, required=True,
                                **_doc("逐项评价；任一项不充分时结论不能为“通过”（E14-SECURITY-PART-INADEQUATE）"))
    important_domain = fields.Boolean(required=True,
                                      **_doc("网信认定是否属于重要领域网络与信息系统；不能取消单位已作的申报"
                                             "（E18-IMPORTANT-DOMAIN-DECLARED）"))
    expected_version = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1),
                                      **_doc("审查所依据的版本号；已变化则 409（R-0-2）"))


class CybersecurityQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf((*STATUSES, "ALL")),
                           **_doc("PENDING 待审查（默认）/ RECORDED 已审查 / SUPERSEDED 已被新版本替代 / ALL 全部"))
    stage = fields.String(validate=validate.OneOf(STAGES),
                          **_doc("FSR 可行性研究报告 / PD 初步设计方案 / URGENT_PACKAGE 紧急项目合并材料 / "
                                 "COMBINED_PACKAGE 合并编报材料"))
    plan_year = fields.Integer(validate=validate.Range(2020, 2100), **_doc("计划年度"))
    project_id = fields.String(validate=validate.Length(min=1, max=64), **_doc("项目编号"))
    page = fields.Integer(validate=validate.Range(min=1), **_doc("页码，从 1 开始"))
    page_size = fields.Integer(validate=validate.Range(min=1, max=200), **_doc("每页条数，默认 20"))


class SecurityChapterSchema(LenientSchema):
    needs_analysis = fields.String(allow_none=True, **_doc("网络安全需求分析"))
    tasks_and_content = fields.String(allow_none=True, **_doc("建设任务及内容"))
    protection_design = fields.String(allow_none=True, **_doc("保障体系设计"))
    investment_fen = fields.Integer(allow_none=True, **_doc("网络安全投资概算（分）"))
    crypto_content = fields.String(allow_none=True, **_doc("密码应用内容"))
    tiered_protection_summary = fields.String(allow_none=True, **_doc("等级（分级）保护摘要"))


class CybersecurityReviewSummarySchema(LenientSchema):
    project_id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    name = fields.String(**_doc("项目名称"))
    classified = fields.Boolean()
    plan_year = fields.Integer(allow_none=True)
    category = fields.String()
    submission_id = fields.String()
    stage = fields.String(validate=validate.OneOf(STAGES))
    version_no = fields.Integer(**_doc("送审材料的版本"))
    digest = fields.String(**_doc("送审材料摘要"))
    status = fields.String(validate=validate.OneOf(STATUSES))
    superseded_by = fields.String(allow_none=True)
    conclusion = fields.String(allow_none=True, validate=validate.OneOf(CONCLUSIONS))
    important_domain = fields.Boolean(allow_none=True, **_doc("网信的重要领域认定"))
    declared_important_domain = fields.Boolean(**_doc("单位申报的重要领域"))
    received_at = fields.String()
    recorded_at = fields.String(allow_none=True)
    version = fields.Integer(**_doc("乐观并发版本号"))


class CybersecurityReviewDetailSchema(CybersecurityReviewSummarySchema):
    metadata_only = fields.Boolean(**_doc("保密行政管理部门只见元数据（rules.md §7.2）"))
    security_chapter = fields.Nested(SecurityChapterSchema, **_doc("送审的网络安全保障措施篇（章）"))
    opinion = fields.String(allow_none=True)
    assessments = fields.Dict(allow_none=True, **_doc("逐项评价"))
    recorded_by = fields.String(allow_none=True)
    recorded_by_name = fields.String(allow_none=True)
    history = fields.List(fields.Nested(CybersecurityReviewSummarySchema), **_doc("项目各送审材料的审查，最新在前"))


class CybersecurityReviewListSchema(LenientSchema):
    items = fields.List(fields.Nested(CybersecurityReviewSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class SecurityRoutes:
    """Mixed into GatewayService, which supplies the ``security`` proxy, ``_call`` and ``_command``."""

    @route("POST", "/api/projects/<project_id>/cybersecurity-review", ApiDoc(
        "录入网络安全审查结论", "网络安全审查", upstream=True, body=CybersecurityReviewSchema, idempotent=True,
        responses={201: CybersecurityReviewDetailSchema}, errors=(403, 404, 409, 422),
        description="仅市网信部门可录入（第四条（二），其他角色 403 AUTH-FORBIDDEN，R-4-1）。"
                    "对送审材料网络安全保障措施篇（章）的需求分析、建设任务及内容、保障体系设计、投资概算"
                    "（第十四条，R-14-2）与密码应用内容（第十八条，R-18-1）逐项评价；"
                    "任一项不充分时结论不能为“通过”（422 E14-SECURITY-PART-INADEQUATE）；"
                    "不能取消单位申报的重要领域（422 E18-IMPORTANT-DOMAIN-DECLARED）。"
                    "已被新版本替代或已录入时 409（R-14-2）；expected_version 已变化时 409（R-0-2）。"
                    "发改批准可研、初设或合并材料前须有网信对该版本的通过或有条件通过。"))
    def record_cybersecurity_review(self, request, project_id):
        return 201, self._command(request, self.security, "record_cybersecurity_review", project_id)

    @route("GET", "/api/projects/<project_id>/cybersecurity-review", ApiDoc(
        "项目的网络安全审查", "网络安全审查", upstream=True, query=SubmissionQuerySchema,
        responses={200: CybersecurityReviewDetailSchema}, errors=(400, 404),
        description="项目最近送审（或 submission_id 指定）材料的网络安全审查：送审的篇章内容、网信的逐项评价与结论，"
                    "以及各送审材料的历史。保密行政管理部门只见涉密项目的元数据；无权查看时 404（rules.md §7.2）。"))
    def get_cybersecurity_review(self, request, project_id):
        self._login_required(request)
        query = read_query(request, SubmissionQuerySchema())
        return self._call(self.security, "get_cybersecurity_review", project_id, query.get("submission_id"))

    @route("GET", "/api/cybersecurity-reviews", ApiDoc(
        "网络安全审查列表", "网络安全审查", upstream=True, query=CybersecurityQuerySchema,
        responses={200: CybersecurityReviewListSchema}, errors=(400,),
        description="默认列出待审查（PENDING）的送审材料，即网信的待办；各角色按 rules.md §7.2 可见范围列出。"))
    def list_cybersecurity_reviews(self, request):
        return self._query(request, self.security, "list_cybersecurity_reviews", CybersecurityQuerySchema)
