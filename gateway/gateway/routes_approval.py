"""HTTP routes of 发改's approval (Chapter 3, Art 10–15): the project code, the resource catalog, the stage
submissions, 发改's decisions, the work list and the 批复 documents. Mixed into GatewayService.

The request schemas mirror approval's own (schemas_approval.py, kept equal by tests/test_api_contract.py);
approval validates and decides, the gateway only checks the session, the Idempotency-Key and that every
document a department cites is its own upload."""

from __future__ import annotations

from itpm_common.errors import validation

from . import approval_document, documents
from . import schemas_approval as sa
from .http import ApiDoc, idempotency_key, read_json, read_query, route
from .routes_planning import _download

TAGS = [
    {"name": "立项审批",
     "description": "项目代码（第十五条）、信息资源目录（第十四条）、项目建议书、可行性研究报告、初步设计方案及概算"
                    "的报送与发改的审批（第十条至第十四条），简化路径与尚缺条件"},
    {"name": "批复文件", "description": "发改的批复与请示（PDF 公文版式）及校验码核验"},
]

SUBMISSION = "/api/projects/<project_id>/approval/submissions/<submission_id>"
DECISION_ERRORS = (403, 404, 409, 422)


class ApprovalRoutes:
    """Needs the service's ``approval`` proxy, ``tx``, ``settings``, ``_login_required``, ``_call`` and ``_command``."""

    def _optional_body(self, request) -> dict:
        """A command whose body may be left out altogether (nothing to say beyond the address)."""
        if not request.content_length and not request.headers.get("Transfer-Encoding"):
            return {}
        return read_json(request, self.settings.max_body_bytes)

    # ------------------------------------------------------------ Art 15: the project code

    @route("GET", "/api/projects/<project_id>/project-code", ApiDoc(
        "项目代码", "立项审批", upstream=True, responses={200: sa.ProjectCodeOutSchema}, errors=(404,),
        description="尚未登记项目代码时 404。"))
    def get_project_code(self, request, project_id):
        self._login_required(request)
        return self._call(self.approval, "get_project_code", project_id)

    @route("POST", "/api/projects/<project_id>/project-code", ApiDoc(
        "登记项目代码", "立项审批", upstream=True, body=sa.ProjectCodeSchema, idempotent=True,
        responses={201: sa.ProjectCodeOutSchema}, errors=(403, 404, 409, 422),
        description="项目建设单位登记省投资项目在线审批监管平台赋予的项目代码（第十五条，R-15-1）。代码格式为 24 位 "
                    "YYYY-3207xx-II-TT-NNNNNN（R-15-3，否则 400 VALIDATION）；已被其他项目使用时 422 "
                    "E15-PROJECT-CODE-IN-USE（R-15-2）。进入审批（报送首个阶段材料）前须已登记。"))
    def record_project_code(self, request, project_id):
        return 201, self._command(request, self.approval, "record_project_code", project_id)

    @route("POST", "/api/projects/<project_id>/project-code/request", ApiDoc(
        "申请赋予项目代码", "立项审批", upstream=True, body=sa.RequestCodeSchema, idempotent=True,
        responses={201: sa.ProjectCodeOutSchema}, errors=(403, 404, 409),
        description="由平台接口为项目赋码（本地实现按年度顺序编号 YYYY-320700-65-01-NNNNNN）；请求体可省略。"))
    def request_project_code(self, request, project_id):
        self._login_required(request)
        key = idempotency_key(request)
        payload = self._optional_body(request)
        return 201, self._call(self.approval, "request_project_code", project_id, payload, idempotency_key=key)

    # ------------------------------------------------------------ Art 14: the resource catalog

    @route("GET", "/api/projects/<project_id>/catalog", ApiDoc(
        "信息资源目录", "立项审批", upstream=True, query=sa.CatalogQuerySchema, responses={200: sa.CatalogOutSchema},
        errors=(400, 404), description="缺省为最新版本；version_no 指定历史版本（审批引用的版本保留不变，R-14-9）。"))
    def get_catalog(self, request, project_id):
        self._login_required(request)
        q = read_query(request, sa.CatalogQuerySchema())
        return self._call(self.approval, "get_catalog", project_id, q.get("version_no"))

    @route("POST", "/api/projects/<project_id>/catalog", ApiDoc(
        "报送信息资源目录", "立项审批", upstream=True, body=sa.ResourceCatalogSchema, idempotent=True,
        responses={201: sa.CatalogOutSchema}, errors=(403, 404, 409, 422),
        description="项目建设单位报送信息资源目录，每次报送为新版本（第十四条）。每个条目须明确共享类型，有条件共享写明"
                    "条件，不予共享写明依据（R-14-5）；须说明共享长效机制和使用反馈机制（R-14-6）；无条件共享的资源"
                    "不得仅向特定部门共享，向社会开放的不得仅向特定组织开放（R-14-7）。"))
    def submit_catalog(self, request, project_id):
        return 201, self._command(request, self.approval, "submit_catalog", project_id)

    # ------------------------------------------------------------ Art 10: the stage submissions

    @route("POST", "/api/projects/<project_id>/approval/submissions", ApiDoc(
        "报送审批材料", "立项审批", upstream=True, body=sa.StageSubmissionSchema, idempotent=True,
        responses={201: sa.SubmissionOutSchema}, errors=(403, 404, 409, 422),
        description="项目建设单位报送一个阶段的材料（第十条）。首次报送即进入审批并决定路径：PROPOSAL 标准程序、"
                    "FSR 直接编报可研（第（一）项，R-10-5）、URGENT_PACKAGE 紧急项目（第（二）项，R-10-6）、"
                    "COMBINED_PACKAGE 合并编报（第（三）项，总投资 ≤ 1000 万元，R-10-7）；此后按标准顺序报送下一阶段"
                    "（R-10-4），被退回的修改后重新报送（新版本）。须已登记项目代码（R-15-1）。材料须包含第十一、十三、"
                    "十四、十八、十九、二十条要求的内容，缺项时 422 并给出条款；初步设计的概算明细合计须等于概算。"
                    "引用的每个文件须为本单位上传，否则 422 E07-DOCUMENT-NOT-UPLOADED。"))
    def submit_stage(self, request, project_id):
        user = self._login_required(request)
        key = idempotency_key(request)
        payload = read_json(request, self.settings.max_body_bytes)
        stage = payload.pop("stage", None)
        if not isinstance(stage, str) or not stage:
            raise validation({"stage": ["必须指明报送的阶段"]})
        documents.require_own_uploads(self.tx, payload, user, "submit_stage")
        return 201, self._call(self.approval, "submit_stage", project_id, stage, payload, idempotency_key=key)

    @route("GET", "/api/projects/<project_id>/approval", ApiDoc(
        "项目的立项审批", "立项审批", upstream=True, responses={200: sa.ApprovalSchema}, errors=(404,),
        description="审批案件、各阶段各版本的报送、审批所知的技术审核、概算审核与网络安全审查、批复与请示，"
                    "以及 path（同 /approval/path）。尚未进入审批时 404。"))
    def get_approval(self, request, project_id):
        self._login_required(request)
        return self._call(self.approval, "get_approval", project_id)

    @route("GET", "/api/projects/<project_id>/approval/path", ApiDoc(
        "审批路径与尚缺条件", "立项审批", upstream=True, responses={200: sa.ApprovalPathSchema}, errors=(404,),
        description="进入审批前：各路径（标准程序、直接编报可研、紧急项目、合并编报）现在是否可走，不可走的附拒绝"
                    "说明；进入后：可报送的下一阶段，以及发改批复当前报送前尚缺的条件（blockers，每项含 code、rule、"
                    "article、reason_zh）。由 approval 计算，门户照此显示。"))
    def get_approval_path(self, request, project_id):
        self._login_required(request)
        return self._call(self.approval, "get_approval_path", project_id)

    @route("GET", SUBMISSION, ApiDoc(
        "报送材料详情", "立项审批", upstream=True, responses={200: sa.SubmissionOutSchema}, errors=(404,),
        description="该版本报送的全部内容（含计算出的重复采集标记）。"))
    def get_submission(self, request, project_id, submission_id):
        self._login_required(request)
        return self._call(self.approval, "get_submission", project_id, submission_id)

    @route("POST", SUBMISSION + "/conditions-acknowledgement", ApiDoc(
        "确认审核所附条件", "立项审批", upstream=True, idempotent=True, responses={200: None},
        errors=(403, 404, 409),
        description="政务办的技术审核结论为有条件通过时，项目建设单位确认已知悉并落实所附条件，审核方可计入（R-10-2）。"
                    "无请求体。"))
    def acknowledge_conditions(self, request, project_id, submission_id):
        return 200, self._command(request, self.approval, "acknowledge_conditions", project_id, submission_id,
                                  body=False)

    @route("POST", SUBMISSION + "/depth-confirmation", ApiDoc(
        "确认前期工作深度", "立项审批", upstream=True, body=sa.DepthSchema, idempotent=True, responses={200: None},
        errors=DECISION_ERRORS,
        description="仅发改：确认紧急项目合并编报材料的前期工作深度达到规定要求（第十条第（二）项，R-10-6(c)）。"))
    def confirm_depth(self, request, project_id, submission_id):
        return 200, self._command(request, self.approval, "confirm_depth", project_id, submission_id)

    @route("POST", SUBMISSION + "/approval", ApiDoc(
        "批复", "立项审批", upstream=True, body=sa.DecisionSchema, idempotent=True,
        responses={201: sa.DecisionOutSchema}, errors=DECISION_ERRORS,
        description="仅发改（第十条，R-10-8）。批复前须满足 /approval/path 列出的全部条件（技术审核 R-10-2、网络安全"
                    "审查、概算 ≥ 100 万元的财政审核 R-10-3、紧急项目的深度确认、信息资源目录 R-14-4..7 等），"
                    "否则 422 并逐项列出；可研、初设及合并材料须对两个篇章出具意见（R-14-3），初设及合并材料须记录共享"
                    "与安全情况（R-14-8）、引用评价结果或注明无（R-34-3），核定概算不得高于财政审核额"
                    "（E10-APPROVED-EXCEEDS-REVIEWED）。批复生成文号与校验码，可下载 PDF。"))
    def approve(self, request, project_id, submission_id):
        return 201, self._command(request, self.approval, "approve", project_id, submission_id)

    @route("POST", SUBMISSION + "/return", ApiDoc(
        "退回报批材料", "立项审批", upstream=True, body=sa.ReturnSchema, idempotent=True,
        responses={200: sa.SubmissionOutSchema}, errors=DECISION_ERRORS,
        description="仅发改：写明理由退回，单位修改后重新报送（新版本）。合并编报的材料可以 SEPARATE_STAGES_REQUIRED "
                    "退回，要求分阶段报批（R-10-7），此后不得再合并编报。"))
    def return_submission(self, request, project_id, submission_id):
        return 200, self._command(request, self.approval, "return_submission", project_id, submission_id)

    @route("POST", SUBMISSION + "/refusal", ApiDoc(
        "不予批复", "立项审批", upstream=True, body=sa.ReasonSchema, idempotent=True,
        responses={200: sa.SubmissionOutSchema}, errors=DECISION_ERRORS,
        description="仅发改：写明理由，审批终结（APPROVAL_REFUSED）。"))
    def refuse_submission(self, request, project_id, submission_id):
        return 200, self._command(request, self.approval, "refuse", project_id, submission_id)

    @route("POST", SUBMISSION + "/government-request", ApiDoc(
        "报市政府请示", "立项审批", upstream=True, body=sa.RequestSchema, idempotent=True,
        responses={201: sa.DecisionOutSchema}, errors=DECISION_ERRORS,
        description="仅发改：就该事项报市政府请示（A-50），须含对两个篇章的意见（R-14-3）；此后批复须登记市政府的决定。"))
    def record_government_request(self, request, project_id, submission_id):
        return 201, self._command(request, self.approval, "record_government_request", project_id, submission_id)

    @route("POST", "/api/projects/<project_id>/art11-flags", ApiDoc(
        "认定第十一条情形", "立项审批", upstream=True, body=sa.Art11FlagsSchema, idempotent=True,
        responses={200: None}, errors=DECISION_ERRORS,
        description="仅发改：在审批中认定或取消新增土建、高耗能（R-11-3）；待批的报送随即须具备节能评估、规划选址、"
                    "用地预审、环境影响评价（R-11-2）。"))
    def set_art11_flags(self, request, project_id):
        return 200, self._command(request, self.approval, "set_art11_flags", project_id)

    @route("GET", "/api/approvals", ApiDoc(
        "立项审批列表", "立项审批", upstream=True, query=sa.ApprovalQuerySchema, responses={200: sa.ApprovalListSchema},
        errors=(400,),
        description="awaiting_me=true：发改为等待其决定的报送；项目建设单位为被退回的和已批复、待报送下一阶段的。"
                    "项目建设单位只看到本单位的项目。"))
    def list_approvals(self, request):
        self._login_required(request)
        filters = read_query(request, sa.ApprovalQuerySchema())
        return self._call(self.approval, "list_approvals", filters)

    # ------------------------------------------------------------ the 批复 documents

    @route("GET", "/api/approval-documents/verify", ApiDoc(
        "核验批复", "批复文件", auth=False, upstream=True, query=sa.VerifyQuerySchema,
        responses={200: sa.VerifyAnswerSchema}, errors=(400,),
        description="无需登录：输入批复上印制的文号与校验码，只回答是否一致（valid），不透露批复内容。"))
    def verify_decision(self, request):
        q = read_query(request, sa.VerifyQuerySchema())
        answer = self._call(self.approval, "verify_decision", q["doc_no"], q["digest"])
        return {"valid": bool(answer.get("valid"))}

    @route("GET", "/api/approval-documents/<decision_id>", ApiDoc(
        "批复（请示）记录", "批复文件", upstream=True, responses={200: sa.DecisionOutSchema}, errors=(404,),
        description="批复所载内容与校验码；无权查看该项目的与不存在一样得到 404。"))
    def get_decision(self, request, decision_id):
        self._login_required(request)
        return self._call(self.approval, "get_decision", decision_id)

    @route("GET", "/api/approval-documents/<decision_id>/pdf", ApiDoc(
        "下载批复（PDF，公文版式）", "批复文件", upstream=True, responses={200: "application/pdf"}, errors=(404,),
        description="按发改登记的批复记录印制：文号、标题、两个篇章的意见、核定概算及明细、日期和校验码。"))
    def decision_pdf(self, request, decision_id):
        self._login_required(request)
        decision = self._call(self.approval, "get_decision", decision_id)
        return _download(approval_document.to_pdf(decision), "application/pdf",
                         f"{approval_document.title_of(decision)}.pdf")
