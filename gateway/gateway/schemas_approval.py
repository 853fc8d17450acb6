"""Request bodies and queries of 发改's approval (Chapter 3, Art 10–15), mirrored from approval's schemas for the
API document (tests/test_api_contract.py keeps the copies equal), and the shapes of approval's answers."""

from marshmallow import fields, validate

from itpm_common.schemas import LenientSchema, StrictSchema

from .schemas import DIGEST_RE, _doc

STAGES = ("PROPOSAL", "FSR", "PD", "URGENT_PACKAGE", "COMBINED_PACKAGE")
STAGE_STATES = ("PROPOSAL_SUBMITTED", "FSR_SUBMITTED", "PD_SUBMITTED", "ESTIMATE_UNDER_REVIEW",
                "URGENT_PACKAGE_SUBMITTED", "COMBINED_SUBMITTED", "PROPOSAL_APPROVED", "FSR_APPROVED", "RETURNED",
                "APPROVED", "APPROVAL_REFUSED")
SHARE_TYPES = ("UNCONDITIONAL", "CONDITIONAL", "NONE")
CONSUMER_SCOPES = ("ALL_GOVERNMENT_DEPARTMENTS", "NAMED_DEPARTMENTS")
OPEN_SCOPES = ("NOT_OPEN", "PUBLIC", "PUBLIC_WITH_CONDITIONS", "NAMED_ORGANISATIONS")
URGENT_BASIS_KINDS = ("REQUIREMENT_DOCUMENT", "NATIONAL_STRATEGY", "NATIONAL_SECURITY", "OTHER_SPECIAL_REASON")
ISSUERS = ("党中央", "国务院", "省委", "省政府", "市委", "市政府")
LEVELS = ("NATIONAL", "PROVINCIAL", "COUNTY")
SEPARATE_STAGES_REQUIRED = "SEPARATE_STAGES_REQUIRED"

TEXT = validate.Length(max=20000)
NAME = validate.Length(min=1, max=200)
FEN = validate.Range(min=1, max=10**15)


def _text(text: str = "", **kw):
    return fields.String(load_default=None, allow_none=True, validate=TEXT, **_doc(text), **kw)


class DocumentRefSchema(StrictSchema):
    """本单位上传的文件（POST /api/documents 的返回）；网关核对每个引用均为本单位所传（R-7-4）。"""

    digest = fields.String(required=True, validate=validate.Regexp(DIGEST_RE), **_doc("内容的 SHA-256 摘要"))
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), **_doc("字节数"))
    media_type = fields.String(required=True, validate=validate.Length(min=1, max=100), **_doc("类型"))
    filename = fields.String(required=True, validate=validate.Length(min=1, max=255), **_doc("文件名"))


def _file(text: str):
    return fields.Nested(DocumentRefSchema, load_default=None, allow_none=True, **_doc(text))


# ---------------------------------------------------------------- Art 15 project code


class ProjectCodeSchema(StrictSchema):
    """省投资项目在线审批监管平台赋予的项目代码（第十五条，R-15-3：24 位 YYYY-3207xx-II-TT-NNNNNN）。"""

    code = fields.String(required=True, validate=validate.Length(min=1, max=64), **_doc("项目代码"))


class RequestCodeSchema(StrictSchema):
    """由平台接口赋码（本地实现按年度顺序编号）。"""

    year = fields.Integer(load_default=None, strict=True, validate=validate.Range(2020, 2100),
                          **_doc("赋码年度，缺省为当年"))


# ---------------------------------------------------------------- Art 14 catalog (rules.md §6.4)


class DataItemSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME, **_doc("数据项名称"))
    type = fields.String(load_default="", validate=validate.Length(max=50), **_doc("数据类型"))


class ScopeSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(CONSUMER_SCOPES),
                         **_doc("ALL_GOVERNMENT_DEPARTMENTS 全部政务部门 / NAMED_DEPARTMENTS 指定部门"))
    departments = fields.List(fields.String(validate=NAME), load_default=list, **_doc("指定的部门"))


class OpenScopeSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(OPEN_SCOPES),
                         **_doc("NOT_OPEN 不开放 / PUBLIC 向社会开放 / PUBLIC_WITH_CONDITIONS 有条件开放 / "
                                "NAMED_ORGANISATIONS 仅向特定组织开放（第十四条不允许，R-14-7）"))
    organisations = fields.List(fields.String(validate=NAME), load_default=list)
    conditions = _text("开放条件")


class CatalogEntrySchema(StrictSchema):
    resource_code = fields.String(required=True, validate=validate.Length(min=1, max=64), **_doc("资源代码"))
    name = fields.String(required=True, validate=NAME, **_doc("资源名称"))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=2000), **_doc("资源摘要"))
    provider_code = fields.String(required=True, validate=validate.Length(min=1, max=64), **_doc("提供方代码"))
    share_type = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=24),
                               **_doc("UNCONDITIONAL 无条件共享 / CONDITIONAL 有条件共享 / NONE 不予共享"
                                      "（缺失或其他值由 R-14-5 拒绝）"))
    conditions = _text("有条件共享的条件（R-14-5）")
    no_share_basis = _text("不予共享的法律法规或政策依据（R-14-5）")
    consumer_scope = fields.Nested(ScopeSchema, required=True, **_doc("共享对象范围"))
    open_scope = fields.Nested(OpenScopeSchema, required=True, **_doc("向社会开放范围"))
    sharing_method = fields.String(required=True, validate=validate.Length(min=1, max=100), **_doc("共享方式"))
    update_frequency = fields.String(required=True, validate=validate.Length(min=1, max=100), **_doc("更新周期"))
    completeness = fields.String(required=True, validate=validate.Length(min=1, max=500), **_doc("完整性说明"))
    data_items = fields.List(fields.Nested(DataItemSchema), required=True, validate=validate.Length(min=1),
                             **_doc("数据项"))
    format = fields.String(load_default="", validate=validate.Length(max=50))
    classification = fields.String(load_default="", validate=validate.Length(max=100))
    release_date = fields.Date(load_default=None, allow_none=True)
    related_codes = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list)


class ResourceCatalogSchema(StrictSchema):
    """信息资源目录（第十四条，rules.md §6.4）：每次报送为新版本（R-14-9）。"""

    entries = fields.List(fields.Nested(CatalogEntrySchema), required=True, validate=validate.Length(min=1),
                          **_doc("目录条目"))
    sharing_mechanism = _text("信息共享长效机制（R-14-6）")
    feedback_mechanism = _text("共享信息使用情况反馈机制（R-14-6）")
    framework_allocation_ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                                             **_doc("跨部门建设框架中的分工条目（第十二条）"))
    cannot_share = fields.Boolean(load_default=False, **_doc("系统不能进行信息共享（第三十条）"))
    cannot_share_basis = _text("不能共享的依据")


class CatalogQuerySchema(StrictSchema):
    version_no = fields.Integer(validate=validate.Range(min=1), **_doc("目录版本，缺省为最新"))


# ---------------------------------------------------------------- stage submissions (rules.md §6.3)


class DocumentsSchema(StrictSchema):
    proposal = _file("项目建议书")
    fsr = _file("可行性研究报告")
    pd = _file("初步设计方案")


class PlanListingEvidenceSchema(StrictSchema):
    plan_level = fields.String(required=True, validate=validate.OneOf(("NATIONAL", "PROVINCIAL", "MUNICIPAL")),
                               **_doc("规划层级"))
    plan_name = fields.String(required=True, validate=NAME, **_doc("规划名称"))
    item = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500), **_doc("规划条目"))
    document = _file("规划文件")


class UrgentBasisSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(URGENT_BASIS_KINDS),
                         **_doc("REQUIREMENT_DOCUMENT 上级明确要求的文件 / NATIONAL_STRATEGY 国家重大战略 / "
                                "NATIONAL_SECURITY 国家安全 / OTHER_SPECIAL_REASON 其他特殊原因"))
    issuer = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(ISSUERS), **_doc("发文机关"))
    reason = _text("特殊原因")
    document = _file("要求文件")


class SharingChapterSchema(StrictSchema):
    content = _text("信息资源共享分析篇（章）")
    document = _file("篇章文本")


class SecurityChapterSchema(StrictSchema):
    needs_analysis = _text("网络安全需求分析")
    tasks_and_content = _text("建设任务及内容")
    protection_design = _text("保障体系设计")
    investment_fen = fields.Integer(load_default=None, allow_none=True, strict=True,
                                    validate=validate.Range(min=0, max=10**15), **_doc("网络安全投资概算（分）"))
    crypto_content = _text("密码应用内容（第十八条）")
    tiered_protection_summary = _text("涉密项目分级保护设计的非涉密摘要（R-18-4）")


class CryptoEvaluationSchema(StrictSchema):
    evaluator = fields.String(required=True, validate=NAME)
    evaluator_kind = fields.String(required=True, validate=validate.OneOf(("EXPERT_PANEL", "TESTING_INSTITUTION")))
    evaluated_on = fields.Date(required=True)
    conclusion = fields.String(required=True, validate=validate.OneOf(("PASS", "PASS_WITH_CHANGES", "FAIL")))
    document = _file("评估报告")


class CryptoPlanSchema(StrictSchema):
    document = _file("密码应用建设方案（R-18-2）")
    evaluation = fields.Nested(CryptoEvaluationSchema, load_default=None, allow_none=True)


class ProductSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME, **_doc("产品"))
    supplier = fields.String(required=True, validate=NAME, **_doc("供应商"))
    status = fields.String(required=True, validate=validate.Length(min=1, max=500), **_doc("安全可靠情况"))


class ReliabilityStatementSchema(StrictSchema):
    products = fields.List(fields.Nested(ProductSchema), load_default=list, **_doc("关键软硬件产品（R-19-1）"))
    document = _file("情况说明")


class EnergyTargetSchema(StrictSchema):
    design_pue = fields.String(required=True, validate=validate.Regexp(r"^[1-3]\.\d{1,2}$"), **_doc("设计 PUE"))
    notes = _text()


class InfrastructureItemSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(("USED", "NOT_APPLICABLE", "NOT_USED")),
                           **_doc("USED 使用 / NOT_APPLICABLE 不涉及 / NOT_USED 未使用（须说明理由）"))
    justification = _text("未使用的理由")


class InfrastructureSchema(StrictSchema):
    """电子政务网络、政务云、大数据中心、“我的连云港”APP 的使用情况（R-20-1）。"""

    egov_network = fields.Nested(InfrastructureItemSchema, load_default=None, allow_none=True)
    gov_cloud = fields.Nested(InfrastructureItemSchema, load_default=None, allow_none=True)
    bigdata_center = fields.Nested(InfrastructureItemSchema, load_default=None, allow_none=True)
    lyg_app = fields.Nested(InfrastructureItemSchema, load_default=None, allow_none=True)


class PreapprovalItemSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(("OBTAINED", "NOT_APPLICABLE_BY_LAW")),
                           **_doc("OBTAINED 已取得 / NOT_APPLICABLE_BY_LAW 依法无需办理"))
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                              **_doc("批复文号"))
    legal_reason = _text("无需办理的法律依据")
    document = _file("批复文件")


class PreapprovalsSchema(StrictSchema):
    """第十一条：新增土建或高耗能项目的节能评估、规划选址、用地预审、环境影响评价（R-11-2）。"""

    energy_assessment = fields.Nested(PreapprovalItemSchema, load_default=None, allow_none=True)
    site_selection = fields.Nested(PreapprovalItemSchema, load_default=None, allow_none=True)
    land_pre_review = fields.Nested(PreapprovalItemSchema, load_default=None, allow_none=True)
    environmental_impact = fields.Nested(PreapprovalItemSchema, load_default=None, allow_none=True)


class LinkageSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME, **_doc("已有项目"))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    owner = fields.String(required=True, validate=NAME, **_doc("建设单位"))
    interface = fields.String(required=True, validate=validate.Length(min=1, max=2000), **_doc("衔接方式"))


class OtherLevelPartSchema(StrictSchema):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    approval_reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                                       **_doc("该层级部分的审批文件（R-13-2）"))


class CrossLevelSchema(StrictSchema):
    """跨层级项目（第十三条）：涉及层级、与已有项目的衔接清单或声明无相关项目，只报市级部分。"""

    levels = fields.List(fields.String(validate=validate.OneOf(LEVELS)), load_default=list)
    linkages = fields.List(fields.Nested(LinkageSchema), load_default=list)
    linkage_none = fields.Boolean(load_default=False, **_doc("声明无相关已有项目（由政务办审核确认）"))
    municipal_portion_only = fields.Boolean(load_default=False, **_doc("只报市级部分的建设内容和投资"))
    other_level_parts = fields.List(fields.Nested(OtherLevelPartSchema), load_default=list)


class CollectedItemSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME, **_doc("数据项"))
    source = fields.String(required=True, validate=validate.OneOf(("SHARING", "COLLECT")),
                           **_doc("SHARING 共享获取 / COLLECT 自行采集"))
    justification = _text("自行采集的理由（R-20-2）")


class SimilarSystemSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME)
    owner = fields.String(required=True, validate=NAME)
    reason_not_reused = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                                      **_doc("不复用的理由（R-20-3）"))


class LineItemSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32), **_doc("编码"))
    name = fields.String(required=True, validate=NAME, **_doc("概算项目"))
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**15),
                                **_doc("金额（分）"))


class EstimateSchema(StrictSchema):
    total_fen = fields.Integer(required=True, strict=True, validate=FEN, **_doc("投资概算（分）"))
    line_items = fields.List(fields.Nested(LineItemSchema), required=True, validate=validate.Length(min=1),
                             **_doc("明细，合计须等于概算"))


class ContentItemSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=NAME)


class SubmissionSchema(StrictSchema):
    """一个阶段的报批材料（rules.md §6.3）：各阶段须含的内容由 approval 按条款逐项检查。"""

    total_investment_fen = fields.Integer(required=True, strict=True, validate=FEN, **_doc("总投资（分）"))
    documents = fields.Nested(DocumentsSchema, load_default=dict, **_doc("各阶段文本"))
    important_domain = fields.Boolean(load_default=False, **_doc("重要领域信息系统（R-18-2）"))
    new_civil_works = fields.Boolean(load_default=False, **_doc("新增土建（第十一条）"))
    high_energy = fields.Boolean(load_default=False, **_doc("高耗能（第十一条）"))
    new_data_center = fields.Boolean(load_default=False, **_doc("新建数据中心"))
    cross_department = fields.Boolean(load_default=False, **_doc("跨部门项目（第十二条）"))
    plan_listing_evidence = fields.Nested(PlanListingEvidenceSchema, load_default=None, allow_none=True,
                                          **_doc("第十条第（一）项：列入规划的依据"))
    urgent_basis = fields.Nested(UrgentBasisSchema, load_default=None, allow_none=True,
                                 **_doc("第十条第（二）项：紧急项目的依据"))
    urgency_statement = _text("情况紧急的理由")
    sharing_chapter = fields.Nested(SharingChapterSchema, load_default=None, allow_none=True)
    security_chapter = fields.Nested(SecurityChapterSchema, load_default=None, allow_none=True)
    crypto_plan = fields.Nested(CryptoPlanSchema, load_default=None, allow_none=True)
    reliability_statement = fields.Nested(ReliabilityStatementSchema, load_default=None, allow_none=True)
    energy_efficiency_target = fields.Nested(EnergyTargetSchema, load_default=None, allow_none=True)
    infrastructure = fields.Nested(InfrastructureSchema, load_default=None, allow_none=True)
    preapprovals = fields.Nested(PreapprovalsSchema, load_default=None, allow_none=True)
    cross_level = fields.Nested(CrossLevelSchema, load_default=None, allow_none=True)
    data_items = fields.List(fields.Nested(CollectedItemSchema), load_default=list, **_doc("采集的数据项"))
    similar_systems = fields.List(fields.Nested(SimilarSystemSchema), load_default=list, **_doc("同类已建系统"))
    cannot_share = fields.Boolean(load_default=False)
    cannot_share_basis = _text()
    catalog_version = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1),
                                     **_doc("引用的信息资源目录版本，缺省为最新（R-14-9）"))
    estimate = fields.Nested(EstimateSchema, load_default=None, allow_none=True,
                             **_doc("初步设计及合并材料的投资概算"))
    content_items = fields.List(fields.Nested(ContentItemSchema), load_default=list,
                                **_doc("建设内容条目（跨部门框架分工，R-12-6）"))
    notes = _text()


class StageSubmissionSchema(SubmissionSchema):
    """POST 的请求体：stage 与该阶段的材料。"""

    stage = fields.String(required=True, validate=validate.OneOf(STAGES),
                          **_doc("PROPOSAL 项目建议书 / FSR 可行性研究报告 / PD 初步设计方案及概算 / "
                                 "URGENT_PACKAGE 紧急项目合并材料 / COMBINED_PACKAGE 合并编报材料"))


# ---------------------------------------------------------------- FG's decisions


class ReasonSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000), **_doc("理由"))
    expected_version = fields.Integer(load_default=None, strict=True, **_doc("审批案件的版本号（R-0-2）"))


class ReturnSchema(ReasonSchema):
    return_code = fields.String(load_default=None, allow_none=True,
                                validate=validate.OneOf((SEPARATE_STAGES_REQUIRED,)),
                                **_doc("SEPARATE_STAGES_REQUIRED：合并编报的材料要求分阶段报批（R-10-7）"))


class DepthSchema(StrictSchema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000), **_doc("深度确认意见"))


class Art11FlagsSchema(StrictSchema):
    new_civil_works = fields.Boolean(load_default=None, allow_none=True, **_doc("新增土建；null 不变"))
    high_energy = fields.Boolean(load_default=None, allow_none=True, **_doc("高耗能；null 不变"))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000), **_doc("认定理由"))


class SharingStatusSchema(StrictSchema):
    completeness = _text("共享的完整性")
    timeliness = _text("共享的及时性")


class GovernmentDecisionSchema(StrictSchema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=200), **_doc("市政府决定文号"))
    decided_on = fields.Date(required=True)


class DecisionSchema(StrictSchema):
    """发改的批复（R-14-3 两篇章意见，R-14-8 共享与安全情况，R-34-3 评价结果引用，R-10-3 核定概算）。"""

    sharing_chapter_opinion = _text("对信息资源共享分析篇（章）的意见")
    security_chapter_opinion = _text("对网络安全保障措施篇（章）的意见")
    sharing_status = fields.Nested(SharingStatusSchema, load_default=None, allow_none=True)
    security_status = _text("网络安全情况")
    evaluation_refs = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list,
                                  **_doc("引用的绩效评价结果"))
    evaluation_none_available = fields.Boolean(load_default=False, **_doc("无可引用的评价结果"))
    approved_estimate_fen = fields.Integer(load_default=None, allow_none=True, strict=True, validate=FEN,
                                           **_doc("核定概算（分），不得高于财政审核额与报送额"))
    line_items = fields.List(fields.Nested(LineItemSchema), load_default=None, allow_none=True,
                             **_doc("核定的概算明细"))
    opinion = _text("总体意见")
    government_decision = fields.Nested(GovernmentDecisionSchema, load_default=None, allow_none=True,
                                        **_doc("已请示市政府的，登记市政府的决定"))
    expected_version = fields.Integer(load_default=None, strict=True, **_doc("审批案件的版本号（R-0-2）"))


class RequestSchema(StrictSchema):
    """报市政府的请示（A-50）。"""

    sharing_chapter_opinion = _text("对信息资源共享分析篇（章）的意见")
    security_chapter_opinion = _text("对网络安全保障措施篇（章）的意见")
    subject = fields.String(required=True, validate=validate.Length(min=1, max=4000), **_doc("请示事项"))
    expected_version = fields.Integer(load_default=None, strict=True)


class ApprovalQuerySchema(StrictSchema):
    stage_state = fields.String(load_default=None, validate=validate.OneOf(STAGE_STATES), **_doc("审批子状态"))
    awaiting_me = fields.Boolean(load_default=False,
                                 **_doc("true：发改为待决定的报送；项目建设单位为被退回的和可报送下一阶段的"))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class VerifyQuerySchema(StrictSchema):
    doc_no = fields.String(required=True, validate=validate.Length(min=1, max=100), **_doc("批复文号"))
    digest = fields.String(required=True, validate=validate.Length(min=1, max=200), **_doc("批复上印制的校验码"))


# ---------------------------------------------------------------- answers


class VerifyAnswerSchema(StrictSchema):
    valid = fields.Boolean(required=True, **_doc("文号与校验码是否与发改登记的批复一致"))


class ProjectCodeOutSchema(LenientSchema):
    project_id = fields.String()
    code = fields.String(**_doc("项目代码"))
    platform = fields.String(**_doc("赋码或核验的平台接口"))
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class CatalogOutSchema(LenientSchema):
    project_id = fields.String()
    version_no = fields.Integer()
    unit_id = fields.String()
    catalog = fields.Nested(ResourceCatalogSchema)
    submitted_by = fields.String()
    submitted_at = fields.DateTime()


class SubmissionOutSchema(LenientSchema):
    submission_id = fields.String()
    project_id = fields.String()
    stage = fields.String(validate=validate.OneOf(STAGES))
    version_no = fields.Integer(**_doc("该阶段的第几版"))
    status = fields.String(**_doc("SUBMITTED / APPROVED / RETURNED / REFUSED"))
    digest = fields.String(**_doc("材料内容的摘要（技术审核针对的版本）"))
    total_investment_fen = fields.Integer()
    estimate_fen = fields.Integer(allow_none=True)
    catalog_version = fields.Integer(allow_none=True)
    submitted_by_name = fields.String()
    submitted_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    return_code = fields.String(allow_none=True)
    content = fields.Dict(**_doc("材料内容（仅单个报送的详情）"))


class RefusalItemSchema(LenientSchema):
    code = fields.String()
    rule = fields.String()
    article = fields.String()
    reason_zh = fields.String()


class ApprovalPathSchema(LenientSchema):
    project_id = fields.String()
    stage_state = fields.String(allow_none=True)
    track = fields.String(allow_none=True, **_doc("STANDARD / PATH1 / URGENT / COMBINED"))
    tracks = fields.Dict(**_doc("各路径是否可走，不可走的附拒绝说明"))
    next_stages = fields.List(fields.String(), **_doc("现在可报送的阶段"))
    blockers = fields.List(fields.Nested(RefusalItemSchema), **_doc("发改批复当前报送前尚缺的条件"))
    decision_inputs = fields.List(fields.Dict(), **_doc("发改批复时须填写的内容"))
    current_submission_id = fields.String(allow_none=True)


class DecisionOutSchema(LenientSchema):
    decision_id = fields.String()
    project_id = fields.String()
    submission_id = fields.String()
    stage = fields.String()
    kind = fields.String(**_doc("APPROVAL 批复 / REQUEST 请示"))
    doc_no = fields.String(**_doc("文号"))
    record = fields.Dict(**_doc("批复所载内容（PDF 据此印制）"))
    digest = fields.String(**_doc("record 的 SHA-256 校验码"))
    decided_by_name = fields.String()
    decided_at = fields.DateTime()


class ApprovalSchema(LenientSchema):
    project_id = fields.String()
    name = fields.String()
    unit_name = fields.String()
    track = fields.String()
    stage_state = fields.String(validate=validate.OneOf(STAGE_STATES))
    project_code = fields.String(allow_none=True)
    approved_estimate_fen = fields.Integer(allow_none=True)
    version = fields.Integer(**_doc("乐观并发版本号"))
    submissions = fields.List(fields.Nested(SubmissionOutSchema))
    technical_reviews = fields.List(fields.Dict(), **_doc("政务办的技术审核结论"))
    estimate_reviews = fields.List(fields.Dict(), **_doc("财政的概算审核"))
    security_reviews = fields.List(fields.Dict(), **_doc("网信的网络安全审查"))
    decisions = fields.List(fields.Nested(DecisionOutSchema))
    path = fields.Nested(ApprovalPathSchema)


class ApprovalListSchema(LenientSchema):
    items = fields.List(fields.Dict())
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
