"""HTTP routes of review's decisions that 政务办 takes: opening the plan
review (第八条) and the joint review (第九条), returning an application for
correction, concluding the joint review, and the list of applications
waiting to be opened. Mixed into GatewayService."""

from __future__ import annotations

from . import schemas as s
from .http import ApiDoc, read_query, route


class ReviewRoutes:
    """Needs the service's ``review`` proxy, ``_login_required``, ``_call`` and ``_command``."""

    @route("POST", "/api/projects/<project_id>/review/open", ApiDoc(
        "开启计划论证", "论证", upstream=True, body=s.OpenReviewSchema, idempotent=True,
        responses={201: s.ReviewSchema}, errors=(403, 404, 409),
        description="政务办对已提交的最新一版年度计划申报开启计划论证（第八条，T03）；仅政务办可操作，"
                    "其他角色 403（第八条）。申报已撤回或论证已开启时 409。"))
    def open_plan_review(self, request, project_id):
        return 201, self._command(request, self.review, "open_plan_review", project_id)

    @route("POST", "/api/projects/<project_id>/review/return", ApiDoc(
        "退回修改", "论证", upstream=True, body=s.ReturnSchema, idempotent=True,
        responses={200: s.ReviewSchema}, errors=(403, 404, 409),
        description="政务办将论证中的申报退回申报单位修改，须写明理由（第八条，T04）；单位修改后作为新版本重新提交，"
                    "再由政务办开启论证。"))
    def return_for_correction(self, request, project_id):
        return 200, self._command(request, self.review, "return_for_correction", project_id)

    @route("POST", "/api/projects/<project_id>/joint-review/open", ApiDoc(
        "开启追加项目联审", "论证", upstream=True, body=s.OpenReviewSchema, idempotent=True,
        responses={201: s.ReviewSchema}, errors=(403, 404, 409, 422),
        description="政务办开启第九条联审（T12）。联审前须有财政部门的资金落实确认：未确认返回 422 "
                    "E09-FUNDING-NOT-CONFIRMED，未落实或金额不足返回 422 E09-FUNDING-NOT-SECURED（details 给出缺口）"
                    "（R-9-2）。"))
    def open_joint_review(self, request, project_id):
        return 201, self._command(request, self.review, "open_joint_review", project_id)

    @route("POST", "/api/projects/<project_id>/joint-review/conclusion", ApiDoc(
        "形成追加项目联审结论", "论证", upstream=True, body=s.JointConclusionSchema, idempotent=True,
        responses={200: s.ReviewSchema}, errors=(403, 404, 409, 422),
        description="政务办形成联审结论：PASS 通过（T13）或 FAIL 不通过（T14）。须有网信、发改、工信、财政四部门意见"
                    "（R-9-4）；总投资超过阈值的项目须先记录向市政府的专题报告（R-9-5，E09-SPECIAL-REPORT-MISSING）。"))
    def conclude_joint_review(self, request, project_id):
        return 200, self._command(request, self.review, "conclude_joint_review", project_id)

    @route("GET", "/api/review-openings", ApiDoc(
        "待开启的论证", "论证", upstream=True, query=s.OpeningQuerySchema,
        responses={200: s.PendingOpeningListSchema}, errors=(400,),
        description="已提交、尚未开启论证的申请（政务办的待办）；追加建设申请附财政资金落实情况，"
                    "ready 表示现在即可开启，blocking 给出不能开启的原因。"))
    def list_pending_openings(self, request):
        self._login_required(request)
        filters = read_query(request, s.OpeningQuerySchema())
        return self._call(self.review, "list_pending_openings", filters)
