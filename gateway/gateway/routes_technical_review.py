"""HTTP routes of 政务办's technical review before 发改 approves (第十条, R-10-2,
A-09): the work list, one submission's review, and the four commands (open,
a bureau's opinion, the conclusion, carrying an earlier conclusion over).
Mixed into GatewayService.

The request and query schemas mirror review's own (tests/test_api_contract.py
keeps them equal); review validates and decides, the gateway documents."""

from __future__ import annotations

from marshmallow import fields, validate

from itpm_common.schemas import LenientSchema, StrictSchema

from .http import ApiDoc, read_query, route

STAGES = ("PROPOSAL", "FSR", "PD", "URGENT_PACKAGE", "COMBINED_PACKAGE")
OUTCOMES = ("PASS", "PASS_WITH_CONDITIONS", "FAIL")
VERDICTS = ("AGREE", "AGREE_WITH_CONDITIONS", "DISAGREE")
WORK_STATUSES = ("PENDING", "IN_REVIEW")
TAG = "技术审核"

TAGS = [
    {"name": TAG, "description": "政务办牵头组织的立项前技术审核（第十条）：按申报的具体版本开启、"
                                 "各部门意见、审核结论、沿用上一版本的结论"},
]


def _doc(text: str) -> dict:
    return {"metadata": {"description": text}}


def _submission_id():
    return fields.String(required=True, validate=validate.Length(min=1, max=36),
                         **_doc("所审核的申报版本（approval 的 submission_id）"))


def _digest():
    return fields.String(validate=validate.Length(min=1, max=64),
                         **_doc("经办人所阅版本的摘要；与该版本不符时拒绝（R-10-2）"))


# ---------------------------------------------------------------- requests


class OpenTechnicalReviewSchema(StrictSchema):
    """政务办开启某一申报版本的技术审核。"""

    submission_id = _submission_id()
    digest = _digest()
    note = fields.String(allow_none=True, validate=validate.Length(max=5000), **_doc("开启说明"))


class TechnicalOpinionSchema(StrictSchema):
    """网信、发改、工信、财政各自对审核中的版本出具一次意见。"""

    submission_id = _submission_id()
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS),
                            **_doc("同意 / 有条件同意 / 不同意"))
    opinion = fields.String(required=True, validate=validate.Length(max=5000), **_doc("意见"))
    conditions = fields.String(allow_none=True, validate=validate.Length(max=5000),
                               **_doc("所附条件；有且仅有“有条件同意”时填写"))


class AcceptedDuplicateItemSchema(StrictSchema):
    item = fields.String(required=True, validate=validate.Length(max=200), **_doc("被标记可共享获取的数据项"))
    note = fields.String(required=True, validate=validate.Length(max=5000), **_doc("政务办认可其重新采集理由的说明"))


class TechnicalConclusionSchema(StrictSchema):
    """政务办的审核结论及对该版本所提问题的认定；认定在该版本中没有依据时 400（VALIDATION）。"""

    submission_id = _submission_id()
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES),
                            **_doc("通过 / 附条件通过 / 不通过"))
    consolidated_opinion = fields.String(required=True, validate=validate.Length(max=20000),
                                         **_doc("审核意见；不通过时即为理由"))
    conditions = fields.String(allow_none=True, validate=validate.Length(max=5000),
                               **_doc("附条件通过的条件（必填），其他结论不得填写"))
    catalog_exemption = fields.Boolean(**_doc("认定无信息资源、无需编制目录（A-11）；仅当该版本未引用目录"))
    accepted_duplicate_items = fields.List(fields.Nested(AcceptedDuplicateItemSchema),
                                           **_doc("认可重新采集理由的数据项及说明（R-20-2）"))
    similar_systems_accepted = fields.Boolean(**_doc("认可不复用同类已建系统的理由（R-20-3）"))
    universal_entries = fields.List(fields.String(validate=validate.Length(max=64)),
                                    **_doc("认定应当普遍共享的目录条目资源代码（A-12）"))
    linkage_none_confirmed = fields.Boolean(**_doc("确认跨层级项目“无相关已建项目”的声明（R-13-1）"))
    digest = _digest()
    expected_version = fields.Integer(strict=True, validate=validate.Range(min=1),
                                      **_doc("审核记录的版本号；其间已有变化（如新意见）则 409（R-0-2）"))


class CarryOverSchema(StrictSchema):
    """沿用同一阶段上一版本最近一次作出的通过结论（A-09）。"""

    submission_id = _submission_id()
    from_review_id = fields.String(validate=validate.Length(min=1, max=36), **_doc("被沿用的审核；省略为最近一次"))
    check_note = fields.String(required=True, validate=validate.Length(max=5000),
                               **_doc("政务办比对两个版本所核查的内容（必填）"))
    consolidated_opinion = fields.String(allow_none=True, validate=validate.Length(max=20000),
                                         **_doc("新的审核意见；省略则沿用原意见"))
    digest = _digest()


class TechnicalWorkQuerySchema(StrictSchema):
    stage = fields.String(validate=validate.OneOf(STAGES), **_doc("阶段"))
    status = fields.String(validate=validate.OneOf(WORK_STATUSES), **_doc("PENDING 待开启 / IN_REVIEW 审核中"))
    project_id = fields.String(validate=validate.Length(min=1, max=64), **_doc("项目编号"))
    awaiting_me = fields.Boolean(**_doc("true：政务办为全部待办；网信、发改、工信、财政为尚缺本部门意见的审核"))


class TechnicalReviewQuerySchema(StrictSchema):
    submission_id = fields.String(validate=validate.Length(min=1, max=36),
                                  **_doc("申报版本；省略为项目最近提交的版本"))


# ---------------------------------------------------------------- answers


class TechnicalSubmissionSchema(LenientSchema):
    submission_id = fields.String()
    project_id = fields.String()
    project_name = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    stage = fields.String(validate=validate.OneOf(STAGES))
    stage_zh = fields.String()
    version_no = fields.Integer(**_doc("该阶段的第几版"))
    digest = fields.String(**_doc("该版本内容的摘要，审核与之绑定"))
    status = fields.String(**_doc("PENDING / IN_REVIEW / CONCLUDED / SUPERSEDED / CLOSED"))
    status_zh = fields.String()
    submitted_at = fields.DateTime()
    catalog_version = fields.Integer(allow_none=True, **_doc("引用的信息资源目录版本；无则可认定豁免"))
    flagged_items = fields.List(fields.String(), **_doc("被标记可通过共享获取的数据项"))
    similar_systems = fields.List(fields.Dict(), **_doc("申报的同类已建系统"))
    linkage_none = fields.Boolean(**_doc("跨层级项目声明无相关已建项目"))


class TechnicalOpinionRecordSchema(LenientSchema):
    bureau = fields.String()
    verdict = fields.String(validate=validate.OneOf(VERDICTS))
    opinion = fields.String()
    conditions = fields.String(allow_none=True)
    recorded_by_name = fields.String()
    recorded_at = fields.DateTime()


class TechnicalConclusionRecordSchema(LenientSchema):
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    consolidated_opinion = fields.String()
    conditions = fields.String(allow_none=True)
    carried_over_from = fields.String(allow_none=True, **_doc("沿用的审核（A-09）"))
    concluded_by_name = fields.String()
    concluded_at = fields.DateTime()


class TechnicalReviewRecordSchema(LenientSchema):
    review_id = fields.String()
    submission_id = fields.String()
    stage = fields.String()
    version_no = fields.Integer()
    digest = fields.String()
    status = fields.String(**_doc("OPEN / CONCLUDED / CLOSED"))
    version = fields.Integer(**_doc("乐观并发版本号，结论时作 expected_version"))
    opinions = fields.List(fields.Nested(TechnicalOpinionRecordSchema))
    bureaus_without_opinion = fields.List(fields.String())
    conclusion = fields.Nested(TechnicalConclusionRecordSchema, allow_none=True)


class CarryOverCandidateSchema(LenientSchema):
    review_id = fields.String()
    submission_id = fields.String()
    version_no = fields.Integer()
    digest = fields.String()
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))


class TechnicalReviewSchema(StrictSchema):
    submission = fields.Nested(TechnicalSubmissionSchema)
    review = fields.Nested(TechnicalReviewRecordSchema, allow_none=True)
    carry_over_candidate = fields.Nested(CarryOverCandidateSchema, allow_none=True,
                                         **_doc("可沿用的上一版本结论"))


class TechnicalWorkItemSchema(TechnicalSubmissionSchema):
    review_id = fields.String(allow_none=True)
    review_status = fields.String(allow_none=True)
    opinions_from = fields.List(fields.String(), **_doc("已出具意见的部门"))
    carry_over_candidate = fields.Nested(CarryOverCandidateSchema, allow_none=True)


class TechnicalWorkListSchema(StrictSchema):
    items = fields.List(fields.Nested(TechnicalWorkItemSchema))
    total = fields.Integer()


class TechnicalReviewRoutes:
    """Needs the service's ``review`` proxy, ``_login_required``, ``_call`` and ``_command``."""

    @route("GET", "/api/technical-reviews", ApiDoc(
        "技术审核工作清单", TAG, upstream=True, query=TechnicalWorkQuerySchema,
        responses={200: TechnicalWorkListSchema}, errors=(400,),
        description="待政务办开启或审核中的申报版本（第十条）；每项附可沿用的上一版本结论。"
                    "可查看项目的角色可查询（rules.md §7.2），awaiting_me=true 为本人部门的待办。"))
    def list_technical_pending(self, request):
        return self._query(request, self.review, "list_technical_pending", TechnicalWorkQuerySchema)

    @route("GET", "/api/projects/<project_id>/technical-review", ApiDoc(
        "项目的技术审核", TAG, upstream=True, query=TechnicalReviewQuerySchema,
        responses={200: TechnicalReviewSchema}, errors=(400, 404),
        description="某一申报版本（省略 submission_id 为项目最近提交的版本）、其技术审核（各部门意见、结论）"
                    "与可沿用的上一版本结论。无权查看的项目 404（rules.md §7.2）。"))
    def get_technical_review(self, request, project_id):
        self._login_required(request)
        query = read_query(request, TechnicalReviewQuerySchema())
        return self._call(self.review, "get_technical_review", project_id, query.get("submission_id"))

    @route("POST", "/api/projects/<project_id>/technical-review/opening", ApiDoc(
        "开启技术审核", TAG, upstream=True, body=OpenTechnicalReviewSchema, idempotent=True,
        responses={201: TechnicalReviewSchema}, errors=(403, 404, 409),
        description="仅政务办可开启（第十条，其他角色 403）。审核绑定所开启的申报版本及其摘要；"
                    "该版本已被新版本取代、已开启或发改已作决定时 409（R-10-2）。"))
    def open_technical_review(self, request, project_id):
        return 201, self._command(request, self.review, "open_technical_review", project_id)

    @route("POST", "/api/projects/<project_id>/technical-review/opinions", ApiDoc(
        "出具技术审核意见", TAG, upstream=True, body=TechnicalOpinionSchema, idempotent=True,
        responses={201: TechnicalReviewSchema}, errors=(403, 404, 409),
        description="网信、发改、工信、财政各自对审核中的版本出具一次意见（第四条）；再次出具 409 DUPLICATE。"
                    "意见供政务办参考，不是作出结论的前提。"))
    def record_technical_opinion(self, request, project_id):
        return 201, self._command(request, self.review, "record_technical_opinion", project_id)

    @route("POST", "/api/projects/<project_id>/technical-review/conclusion", ApiDoc(
        "作出技术审核结论", TAG, upstream=True, body=TechnicalConclusionSchema, idempotent=True,
        responses={200: TechnicalReviewSchema}, errors=(403, 404, 409),
        description="仅政务办（第十条）。结论只对所审核的版本有效（R-10-2）；附条件通过须写明条件，"
                    "由单位在立项审批中确认。目录豁免、重复采集、同类系统、无相关项目等认定须在该版本中有依据，"
                    "否则 400 并指明字段。"))
    def conclude_technical_review(self, request, project_id):
        return 200, self._command(request, self.review, "conclude_technical_review", project_id)

    @route("POST", "/api/projects/<project_id>/technical-review/carry-over", ApiDoc(
        "沿用上一版本的技术审核结论", TAG, upstream=True, body=CarryOverSchema, idempotent=True,
        responses={200: TechnicalReviewSchema}, errors=(403, 404, 409),
        description="仅政务办（第十条）。核查新旧版本差异后，沿用同一阶段上一版本最近一次作出的通过结论（A-09）；"
                    "不通过的结论、跨阶段、或认定在新版本中没有依据时 409（R-10-2，details.problems）。"))
    def carry_over_technical_review(self, request, project_id):
        return 200, self._command(request, self.review, "carry_over_technical_review", project_id)
