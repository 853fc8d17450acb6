"""HTTP routes of Chapter 2 (Art 2, 7, 8, 9) that planning decides: the call, drafts, withdrawal, ranking,
ad-hoc applications, the special report and the annual plan with its exports."""

from __future__ import annotations

from urllib.parse import quote

from werkzeug.wrappers import Response

from . import documents, plan_export
from . import schemas as s
from . import schemas_planning as sp
from .http import ApiDoc, idempotency_key, read_json, read_query, route

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, content_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}", "Cache-Control": "no-store"})


class PlanningRoutes:
    """Mixed into GatewayService: each handler checks the session, then asks planning with the user's identity."""

    def _planning_command(self, request, method, *args, body=True, check_documents=False):
        user = self._login_required(request)
        key = idempotency_key(request)
        payload = read_json(request, self.settings.max_body_bytes) if body else {}
        if check_documents:
            documents.require_own_uploads(self.tx, payload, user, method)
        return self._call(self.planning, method, *args, payload, idempotency_key=key)

    # ------------------------------------------------------------ the call (R-7-5)

    @route("POST", "/api/plan-calls", ApiDoc(
        "发布年度计划申报通知", "年度计划", upstream=True, body=sp.CallSchema, idempotent=True,
        responses={201: sp.PlanCallOutSchema}, errors=(400, 403, 409),
        description="仅政务办（第七条）。申报期起止日期均含当日，截止日当日 24 时前提交均为按时。"))
    def open_call(self, request):
        return 201, self._planning_command(request, "open_call")

    @route("POST", "/api/plan-calls/<int:plan_year>/close", ApiDoc(
        "截止年度计划申报", "年度计划", upstream=True, body=sp.CloseCallSchema, idempotent=True,
        responses={200: sp.PlanCallOutSchema}, errors=(403, 404, 409),
        description="政务办提前或按期截止申报；截止时各单位排序中的空缺依次前移（R-7-3）。"))
    def close_call(self, request, plan_year):
        return self._planning_command(request, "close_call", plan_year)

    @route("GET", "/api/plan-calls", ApiDoc("申报通知列表", "年度计划", upstream=True,
                                                 responses={200: sp.PlanCallListSchema}))
    def list_calls(self, request):
        self._login_required(request)
        return self._call(self.planning, "list_calls")

    @route("GET", "/api/plan-calls/<int:plan_year>", ApiDoc(
        "申报通知", "年度计划", upstream=True, responses={200: sp.PlanCallOutSchema}, errors=(404,)))
    def get_call(self, request, plan_year):
        self._login_required(request)
        return self._call(self.planning, "get_call", plan_year)

    # ------------------------------------------------------------ drafts, withdrawal, ranking (Art 7)

    @route("POST", "/api/drafts", ApiDoc(
        "保存申报草稿", "年度计划", upstream=True, body=sp.DraftSchema, idempotent=True,
        responses={200: s.ProjectSchema}, errors=(400, 403, 404, 409),
        description="草稿只检查字段格式，仅本单位可见；提交时再按第二条、第六条、第七条逐项检查。"))
    def save_draft(self, request):
        return self._planning_command(request, "save_draft")

    @route("POST", "/api/projects/<project_id>/withdraw", ApiDoc(
        "撤回年度计划申报", "年度计划", upstream=True, body=sp.WithdrawSchema, idempotent=True,
        responses={200: s.ProjectSchema}, errors=(403, 404, 409),
        description="政务办开始计划论证前，项目建设单位可撤回本单位申报（T02）；撤回后可修改重报。"))
    def withdraw(self, request, project_id):
        return self._planning_command(request, "withdraw_plan_application", project_id)

    @route("PUT", "/api/rankings", ApiDoc(
        "调整本单位申报排序", "年度计划", upstream=True, body=sp.RankingSchema, idempotent=True,
        responses={200: sp.RankingOutSchema}, errors=(400, 403, 422),
        description="申报截止前，按轻重缓急重新排列本单位同一年度、同一类别的全部申报（第七条，R-7-3）。"))
    def update_ranking(self, request):
        return self._planning_command(request, "update_ranking")

    @route("GET", "/api/rankings", ApiDoc(
        "本单位申报排序", "年度计划", upstream=True, query=sp.RankingQuerySchema,
        responses={200: sp.RankingOutSchema}, errors=(400, 403)))
    def get_ranking(self, request):
        self._login_required(request)
        q = read_query(request, sp.RankingQuerySchema())
        return self._call(self.planning, "get_ranking", q["plan_year"], q["category"])

    # ------------------------------------------------------------ ad-hoc projects (Art 9)

    @route("POST", "/api/adhoc-applications", ApiDoc(
        "提交追加项目申请", "追加项目", upstream=True, body=s.AdHocApplicationSchema, idempotent=True,
        responses={201: s.ProjectSchema}, errors=(400, 403, 409, 422),
        description="未纳入年度计划、因上级要求或工作需要追加，或由上级部门安排经费的项目（第九条）。"
                    "不受申报期限制；联审前须经市财政局确认资金落实；在联审开始前可修改，投资增加须重新确认资金。"))
    def submit_adhoc_application(self, request):
        return 201, self._planning_command(request, "submit_adhoc_application", check_documents=True)

    @route("POST", "/api/projects/<project_id>/special-report", ApiDoc(
        "登记向市政府专题报告", "追加项目", upstream=True, body=sp.SpecialReportSchema, idempotent=True,
        responses={201: sp.SpecialReportOutSchema}, errors=(400, 403, 404, 409),
        description="投资规模较大的追加项目须向市政府专题报告（第九条，R-9-5），由政务办登记文号与日期。"))
    def record_special_report(self, request, project_id):
        return 201, self._planning_command(request, "record_special_report", project_id)

    # ------------------------------------------------------------ the annual plan (Art 4, 8)

    @route("POST", "/api/annual-plans/<int:plan_year>/compile", ApiDoc(
        "编制年度建设计划", "年度计划", upstream=True, body=sp.CompilePlanSchema, idempotent=True,
        responses={200: sp.AnnualPlanSchema}, errors=(400, 403, 409, 422),
        description="政务办以联审通过的项目编制计划草案，建设类与运维类分别按性质、轻重缓急排序（R-8-2）；"
                    "已审定的计划再次编制即为修订版（R-8-5）。"))
    def compile_annual_plan(self, request, plan_year):
        return self._planning_command(request, "compile_annual_plan", plan_year)

    @route("POST", "/api/annual-plans/<int:plan_year>/submit", ApiDoc(
        "报领导小组审定", "年度计划", upstream=True, body=sp.SubmitPlanSchema, idempotent=True,
        responses={200: sp.AnnualPlanSchema}, errors=(403, 404, 409, 422)))
    def submit_annual_plan(self, request, plan_year):
        return self._planning_command(request, "submit_annual_plan", plan_year)

    @route("POST", "/api/annual-plans/<int:plan_year>/return", ApiDoc(
        "领导小组退回计划", "年度计划", upstream=True, body=sp.WithdrawSchema, idempotent=True,
        responses={200: sp.AnnualPlanSchema}, errors=(400, 403, 404, 409)))
    def return_annual_plan(self, request, plan_year):
        return self._planning_command(request, "return_annual_plan", plan_year)

    @route("POST", "/api/annual-plans/<int:plan_year>/approve", ApiDoc(
        "领导小组审定年度计划", "年度计划", upstream=True, body=sp.PlanDecisionSchema, idempotent=True,
        responses={200: sp.AnnualPlanSchema}, errors=(400, 403, 404, 409, 422),
        description="仅领导小组（第四条、第八条）。审定后计划即抄送市发改委（R-8-4），已审定版本不再修改。"))
    def approve_annual_plan(self, request, plan_year):
        return self._planning_command(request, "approve_annual_plan", plan_year)

    @route("GET", "/api/annual-plans", ApiDoc("年度计划列表", "年度计划", upstream=True,
                                                   responses={200: sp.AnnualPlanListSchema}))
    def list_annual_plans(self, request):
        self._login_required(request)
        return self._call(self.planning, "list_annual_plans")

    @route("GET", "/api/annual-plans/<int:plan_year>", ApiDoc(
        "年度计划", "年度计划", upstream=True, query=sp.PlanVersionQuerySchema,
        responses={200: sp.AnnualPlanSchema}, errors=(404,),
        description="项目建设单位只能看到已审定计划中本单位的项目（A-47）。"))
    def get_annual_plan(self, request, plan_year):
        return self._annual_plan(request, plan_year)

    def _annual_plan(self, request, plan_year) -> dict:
        self._login_required(request)
        q = read_query(request, sp.PlanVersionQuerySchema())
        return self._call(self.planning, "get_annual_plan", plan_year, q.get("version_no"))

    @route("GET", "/api/annual-plans/<int:plan_year>/export.xlsx", ApiDoc(
        "导出年度计划（Excel）", "年度计划", upstream=True, query=sp.PlanVersionQuerySchema,
        responses={200: XLSX}, errors=(404,)))
    def export_plan_xlsx(self, request, plan_year):
        plan = self._annual_plan(request, plan_year)
        return _download(plan_export.to_xlsx(plan), XLSX, f"{plan['title']}.xlsx")

    @route("GET", "/api/annual-plans/<int:plan_year>/export.pdf", ApiDoc(
        "导出年度计划（PDF，公文版式）", "年度计划", upstream=True, query=sp.PlanVersionQuerySchema,
        responses={200: "application/pdf"}, errors=(404,)))
    def export_plan_pdf(self, request, plan_year):
        plan = self._annual_plan(request, plan_year)
        return _download(plan_export.to_pdf(plan), "application/pdf", f"{plan['title']}.pdf")

    # ------------------------------------------------------------ the overall plan (Art 4, R-4-2)

    @route("POST", "/api/overall-plans", ApiDoc(
        "编制总体规划", "年度计划", upstream=True, body=sp.OverallPlanSchema, idempotent=True,
        responses={200: sp.OverallPlanOutSchema}, errors=(400, 403, 409),
        description="政务办牵头编制市级政务信息化建设总体规划（第四条）；已审定的版本不再修改，再次编制即为新版本。"))
    def compile_overall_plan(self, request):
        return self._planning_command(request, "compile_overall_plan")

    @route("POST", "/api/overall-plans/approve", ApiDoc(
        "审定总体规划", "年度计划", upstream=True, body=sp.OverallPlanDecisionSchema, idempotent=True,
        responses={200: sp.OverallPlanOutSchema}, errors=(400, 403, 404, 409),
        description="仅领导小组审定（第四条）。"))
    def approve_overall_plan(self, request):
        return self._planning_command(request, "approve_overall_plan")

    @route("GET", "/api/overall-plans", ApiDoc(
        "总体规划", "年度计划", upstream=True, query=sp.OverallPlanQuerySchema,
        responses={200: sp.OverallPlanOutSchema}, errors=(404,),
        description="已审定的版本所有用户可见；草稿仅政务办和领导小组可见。"))
    def get_overall_plan(self, request):
        self._login_required(request)
        q = read_query(request, sp.OverallPlanQuerySchema())
        return self._call(self.planning, "get_overall_plan", q.get("version_no"))
