"""HTTP routes of the cross-department framework plan (框架方案, 第十二条): the
lead department drafts and saves versions, each participant confirms the
current version, the lead determines it (T90, R-12-1..R-12-4). Mixed into
GatewayService; approval owns the framework.

The request and query schemas mirror approval's own (tests/test_api_contract.py
keeps them equal); approval validates and decides, the gateway documents."""

from __future__ import annotations

from marshmallow import fields, validate

from itpm_common.schemas import LenientSchema, StrictSchema

from .http import ApiDoc, route

TAG = "框架方案"
TAGS = [
    {"name": TAG, "description": "跨部门项目的框架方案（第十二条）：牵头部门会同参建部门编制，参建部门确认当前版本，"
                                 "牵头部门确定后各部门方可报批"},
]
STATUSES = ("DRAFTING", "DETERMINED")

ID = validate.Length(min=1, max=64)
NAME = validate.Length(min=1, max=200)
TEXT = validate.Length(max=20_000)


def _doc(text: str) -> dict:
    return {"metadata": {"description": text}}


# ---------------------------------------------------------------- requests


class FrameworkParticipantSchema(StrictSchema):
    unit_id = fields.String(required=True, validate=ID, **_doc("参建部门"))
    unit_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sub_project_id = fields.String(required=True, validate=ID, **_doc("该参建部门的子项目（其本部门的项目）"))


class FrameworkDataFlowSchema(StrictSchema):
    counterpart_unit_id = fields.String(allow_none=True, validate=ID, **_doc("对方部门；null 为总体工程"))
    direction = fields.String(required=True, validate=validate.OneOf(("IN", "OUT")), **_doc("IN 流入 / OUT 流出"))
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class FrameworkInterfaceSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME)
    counterpart_unit_id = fields.String(allow_none=True, validate=ID, **_doc("对方部门；null 为总体工程"))
    direction = fields.String(required=True, validate=validate.OneOf(("PROVIDES", "CONSUMES")),
                              **_doc("PROVIDES 提供 / CONSUMES 调用"))
    description = fields.String(validate=validate.Length(max=2000))


class FrameworkDepartmentSchema(StrictSchema):
    """一个部门与总体工程的关系：业务流、数据流、系统接口（第十二条）。"""

    unit_id = fields.String(required=True, validate=ID)
    business_flow = fields.String(validate=TEXT, **_doc("业务流"))
    data_flows = fields.List(fields.Nested(FrameworkDataFlowSchema), validate=validate.Length(max=200))
    interfaces = fields.List(fields.Nested(FrameworkInterfaceSchema), validate=validate.Length(max=200))


class FrameworkCatalogResourceSchema(StrictSchema):
    """初步形成的数据目录中的一项资源及提供部门。"""

    resource_code = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=NAME)
    provider_unit_id = fields.String(required=True, validate=ID)
    data_items = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                             validate=validate.Length(max=500))
    summary = fields.String(validate=validate.Length(max=2000))


class FrameworkAllocationItemSchema(StrictSchema):
    """建设内容分工：一个分类代码，只属于一个部门（R-12-3）。"""

    item_id = fields.String(required=True, validate=ID)
    code = fields.String(required=True, validate=validate.Length(min=1, max=64),
                         **_doc("建设内容分类代码（如 APP.SERVICE）；相同或包含关系即为重叠"))
    name = fields.String(required=True, validate=NAME)
    unit_id = fields.String(required=True, validate=ID)
    description = fields.String(validate=validate.Length(max=2000))


class FrameworkEquivalenceSchema(StrictSchema):
    item_ids = fields.List(fields.String(validate=ID), required=True, validate=validate.Length(min=2, max=50),
                           **_doc("名称不同而内容相同的建设内容"))
    note = fields.String(validate=validate.Length(max=1000))


class FrameworkContentSchema(StrictSchema):
    """框架方案的内容（§6.5）。不含任何部门的预算金额；草稿可不完整，确定时检查（R-12-2）。"""

    title = fields.String(required=True, validate=NAME)
    overall_project_id = fields.String(required=True, validate=ID, **_doc("牵头部门的总体项目"))
    goals = fields.String(validate=TEXT, **_doc("建设目标"))
    main_content = fields.String(validate=TEXT, **_doc("主体内容"))
    participants = fields.List(fields.Nested(FrameworkParticipantSchema), required=True,
                               validate=validate.Length(max=50))
    departments = fields.List(fields.Nested(FrameworkDepartmentSchema), validate=validate.Length(max=51))
    data_catalog = fields.List(fields.Nested(FrameworkCatalogResourceSchema), validate=validate.Length(max=1000))
    allocation = fields.List(fields.Nested(FrameworkAllocationItemSchema), validate=validate.Length(max=1000))
    equivalences = fields.List(fields.Nested(FrameworkEquivalenceSchema), validate=validate.Length(max=500))


class FrameworkEditSchema(FrameworkContentSchema):
    version_no = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                                **_doc("所修改的版本；其间已有新版本则 409（R-0-2）"))


class FrameworkConfirmSchema(StrictSchema):
    version_no = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                                **_doc("所确认的版本（须为当前版本，R-12-4、R-0-2）"))
    opinion = fields.String(allow_none=True, validate=validate.Length(max=2000))


class FrameworkDetermineSchema(StrictSchema):
    version_no = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                                **_doc("所确定的版本（须为当前版本）"))


class FrameworkQuerySchema(StrictSchema):
    scope = fields.String(validate=validate.OneOf(("mine", "awaiting_me")),
                          **_doc("mine 本部门参与的 / awaiting_me 待本部门确认的"))
    status = fields.String(validate=validate.OneOf(STATUSES), **_doc("DRAFTING 编制中 / DETERMINED 已确定"))
    # A query string is text: "2" is read as 2 here, and approval gets the integer.
    page = fields.Integer(validate=validate.Range(min=1))
    page_size = fields.Integer(validate=validate.Range(min=1, max=200))


# ---------------------------------------------------------------- answers


class FrameworkParticipantStatusSchema(LenientSchema):
    unit_id = fields.String()
    unit_name = fields.String()
    sub_project_id = fields.String()
    confirmed = fields.Boolean(**_doc("是否已确认当前版本"))
    confirmed_at = fields.DateTime(allow_none=True)


class FrameworkConflictSchema(LenientSchema):
    kind = fields.String(validate=validate.OneOf(("SAME_CODE", "DECLARED_EQUIVALENT", "OTHER_FRAMEWORK")),
                         **_doc("代码重叠 / 声明等同 / 与已确定的其他框架方案重叠"))
    items = fields.List(fields.Dict())
    departments = fields.List(fields.String())
    framework_id = fields.String(**_doc("重叠的其他框架方案"))


class FrameworkSchema(LenientSchema):
    framework_id = fields.String()
    title = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    version_no = fields.Integer(**_doc("当前版本"))
    determined_version_no = fields.Integer(allow_none=True, **_doc("最近确定的版本"))
    digest = fields.String(**_doc("当前版本内容的摘要"))
    lead_unit_id = fields.String()
    lead_unit_name = fields.String()
    overall_project_id = fields.String()
    participants = fields.List(fields.Nested(FrameworkParticipantStatusSchema))
    pending_unit_ids = fields.List(fields.String(), **_doc("尚未确认当前版本的参建部门"))
    my_role = fields.String(allow_none=True, **_doc("LEAD 牵头 / PARTICIPANT 参建 / null"))
    content = fields.Dict(**_doc("内容；参建部门看不到其他部门的业务流（§7.2）"))
    conflicts = fields.List(fields.Nested(FrameworkConflictSchema), **_doc("当前版本的重叠交叉（R-12-3）"))
    updated_at = fields.DateTime()
    determined_at = fields.DateTime(allow_none=True)


class FrameworkSummarySchema(LenientSchema):
    framework_id = fields.String()
    title = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    version_no = fields.Integer()
    determined_version_no = fields.Integer(allow_none=True)
    lead_unit_id = fields.String()
    lead_unit_name = fields.String()
    overall_project_id = fields.String()
    pending_unit_ids = fields.List(fields.String())
    updated_at = fields.DateTime()


class FrameworkListSchema(StrictSchema):
    items = fields.List(fields.Nested(FrameworkSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class FrameworkRoutes:
    """Needs the service's ``approval`` proxy, ``_login_required``, ``_call`` and ``_command``."""

    @route("GET", "/api/frameworks", ApiDoc(
        "框架方案列表", TAG, upstream=True, query=FrameworkQuerySchema, responses={200: FrameworkListSchema},
        errors=(400,),
        description="部门只看到本部门牵头或参建的框架方案；scope=awaiting_me 为待本部门确认当前版本的草稿。"
                    "政务办、发改、财政、网信、工信可查看全部（rules.md §7.2）。"))
    def list_frameworks(self, request):
        return self._query(request, self.approval, "list_frameworks", FrameworkQuerySchema)

    @route("POST", "/api/frameworks", ApiDoc(
        "编制框架方案", TAG, upstream=True, body=FrameworkContentSchema, idempotent=True,
        responses={201: FrameworkSchema}, errors=(403, 409, 422),
        description="牵头部门编制第 1 版（第十二条，R-12-1）：至少列明一个其他参建部门，否则 422 "
                    "E12-PARTICIPANTS-MISSING。草稿可以存在重叠交叉，保存时计算并列于 conflicts；"
                    "一个项目只能属于一个框架方案（409 DUPLICATE）。"))
    def create_framework(self, request):
        return 201, self._command(request, self.approval, "create_framework")

    @route("GET", "/api/frameworks/<framework_id>", ApiDoc(
        "框架方案详情", TAG, upstream=True, responses={200: FrameworkSchema}, errors=(404,),
        description="牵头部门看到全部内容；参建部门看到共同部分、本部门一节，以及其他部门与本部门相关的数据流和接口"
                    "（rules.md §7.2）。不参与的部门 404。"))
    def get_framework(self, request, framework_id):
        self._login_required(request)
        return self._call(self.approval, "get_framework", framework_id)

    @route("POST", "/api/frameworks/<framework_id>/versions", ApiDoc(
        "修改框架方案（保存新版本）", TAG, upstream=True, body=FrameworkEditSchema, idempotent=True,
        responses={201: FrameworkSchema}, errors=(403, 404, 409, 422),
        description="仅牵头部门（第十二条，R-12-1）。每次修改形成新版本，此前的确认全部失效（R-12-4）；"
                    "已确定的方案修改后回到编制中，须重新确认和确定。version_no 不是当前版本时 409（R-0-2）。"))
    def edit_framework(self, request, framework_id):
        return 201, self._command(request, self.approval, "edit_framework", framework_id)

    @route("POST", "/api/frameworks/<framework_id>/confirmation", ApiDoc(
        "确认框架方案", TAG, upstream=True, body=FrameworkConfirmSchema, idempotent=True,
        responses={200: FrameworkSchema}, errors=(403, 404, 409),
        description="列明的参建部门确认所阅读的当前版本（R-12-4）；版本已变化 409（R-0-2），"
                    "同一版本再次确认 409 DUPLICATE，牵头部门与其他部门 403。"))
    def confirm_framework(self, request, framework_id):
        return 200, self._command(request, self.approval, "confirm_framework", framework_id)

    @route("POST", "/api/frameworks/<framework_id>/determination", ApiDoc(
        "确定框架方案", TAG, upstream=True, body=FrameworkDetermineSchema, idempotent=True,
        responses={200: FrameworkSchema}, errors=(403, 404, 409, 422),
        description="仅牵头部门（T90）。依次检查：参建部门（E12-PARTICIPANTS-MISSING）、内容完整"
                    "（E12-FRAMEWORK-INCOMPLETE，details.missing）、无重叠交叉（E12-CONTENT-OVERLAP，"
                    "details.conflicts）、全部参建部门已确认当前版本（E12-FRAMEWORK-NOT-CONFIRMED，"
                    "details.pending_departments），均为 422。"))
    def determine_framework(self, request, framework_id):
        return 200, self._command(request, self.approval, "determine_framework", framework_id)

    @route("GET", "/api/projects/<project_id>/framework", ApiDoc(
        "项目所属的框架方案", TAG, upstream=True, responses={200: FrameworkSchema}, errors=(404,),
        description="项目所属的跨部门框架方案；不属于任何框架方案时为 null。"))
    def get_project_framework(self, request, project_id):
        self._login_required(request)
        return self._call(self.approval, "get_project_framework", project_id)
