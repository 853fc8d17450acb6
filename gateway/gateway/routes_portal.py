"""What the portal needs beyond the services' own operations: the user's work
list, the dashboard's figures, the project list as Excel, and the portal's
client-side pages (each answered with index.html so a typed or reloaded
address opens the right screen)."""

from __future__ import annotations

from urllib.parse import quote

from werkzeug.wrappers import Response

from itpm_common.money import fen_to_yuan_str

from . import export, portal_files, workbench
from . import schemas as s
from .http import ApiDoc, read_query, route
from .labels import CATEGORY_ZH, HOLD_ZH, state_zh
from .rpc import ServiceUnavailable

# The portal's top-level client routes (gateway/portal/src/router.js). A new
# screen under a new first path segment adds its name here.
CLIENT_SECTIONS = ("login", "workbench", "projects", "apply", "adhoc", "rankings", "plan-calls", "annual-plans",
                   "estimate-reviews", "cybersecurity-reviews", "approvals", "dashboard", "api-docs",
                   "technical-reviews", "frameworks", "verify")
_SECTIONS = ",".join(f"'{name}'" for name in CLIENT_SECTIONS)


def _filters_zh(filters: dict) -> str:
    parts = []
    if filters.get("plan_year"):
        parts.append(f"{filters['plan_year']} 年度")
    if filters.get("category"):
        parts.append(CATEGORY_ZH.get(filters["category"], filters["category"]))
    if filters.get("state"):
        parts.append(state_zh(filters["state"]))
    if filters.get("hold"):
        parts.append(HOLD_ZH.get(filters["hold"], filters["hold"]))
    if filters.get("unit_id"):
        parts.append(f"单位 {filters['unit_id']}")
    low, high = filters.get("estimate_min_fen"), filters.get("estimate_max_fen")
    if low is not None or high is not None:
        def yuan(fen):
            return "" if fen is None else fen_to_yuan_str(fen)

        parts.append(f"投资 {yuan(low)}～{yuan(high)} 元")
    if filters.get("q"):
        parts.append(f"含“{filters['q']}”")
    return "，".join(parts)


class PortalRoutes:
    """Mixed into GatewayService; uses its proxies, settings and helpers."""

    def _rpc(self, service: str, method: str, *args):
        return self._call(getattr(self, service), method, *args)

    def _work(self, user) -> dict:
        return workbench.collect(self._rpc, user, self.tx.clock.today())

    @route("GET", "/api/workbench", ApiDoc(
        "我的待办", "门户", upstream=True, responses={200: s.WorkbenchSchema},
        description="列出等待本人办理的全部事项（出具论证意见、形成联审结论等），每项附依据条款、"
                    "办理链接；仅管理办法规定了期限的事项才有 deadline，超期标记 overdue。"
                    "某一服务暂时无法查询时，其余事项照常列出，unavailable 指明缺了哪个服务。"))
    def workbench(self, request):
        user = self._login_required(request)
        return self._work(user)

    @route("GET", "/api/dashboard", ApiDoc(
        "统计看板", "门户", upstream=True, query=s.DashboardQuerySchema, responses={200: s.DashboardSchema},
        errors=(400,),
        description="按年度、单位、状态、类别统计项目数与投资估算，申报至验收的漏斗，进行中的论证及各部门"
                    "待出具意见数，本人的逾期事项。统计范围与项目列表的查看范围相同（rules.md §7.2）；"
                    "领导小组看到已列入计划草案及之后的项目。"))
    def dashboard(self, request):
        user = self._login_required(request)
        filters = read_query(request, s.DashboardQuerySchema())
        figures = self._rpc("planning", "dashboard_figures", filters)
        unavailable: list[str] = []
        pending = {bureau: 0 for bureau in workbench.BUREAUS}
        open_reviews = 0
        try:
            reviews = self._rpc("review", "list_reviews", {"status": "OPEN"})["items"]
        except ServiceUnavailable:
            reviews = []
            unavailable.append("review")
        for review in reviews:
            open_reviews += 1
            for bureau in review.get("missing_bureaus") or []:
                pending[bureau] = pending.get(bureau, 0) + 1
        work = self._work(user)
        return {**figures, "open_reviews": open_reviews,
                "pending_opinions": [{"bureau": b, "bureau_zh": workbench.BUREAU_ZH.get(b, b), "count": n}
                                     for b, n in pending.items()],
                "overdue": [item for item in work["items"] if item["overdue"]],
                "unavailable": sorted(set(unavailable) | set(work["unavailable"]))}

    @route("GET", "/api/projects/export.xlsx", ApiDoc(
        "导出项目列表（Excel）", "项目", upstream=True, query=s.ProjectExportQuerySchema,
        responses={200: export.XLSX_MIMETYPE}, errors=(400,),
        description=f"与项目列表相同的筛选与排序，导出全部结果（最多 {export.MAX_ROWS} 项）为 .xlsx 文件。"))
    def export_projects(self, request):
        user = self._login_required(request)
        filters = read_query(request, s.ProjectExportQuerySchema())
        rows, total = export.fetch_all(lambda f: self._rpc("planning", "list_projects", f), filters)
        body = export.workbook_bytes(rows, total, _filters_zh(filters), self.tx.clock.now(),
                                     f"{user.unit_name} {user.name}")
        filename = f"项目列表-{self.tx.clock.today():%Y%m%d}.xlsx"
        return Response(body, content_type=export.XLSX_MIMETYPE, headers={
            "Content-Disposition": f"attachment; filename=\"projects.xlsx\"; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store"})

    @route("GET", f"/<any({_SECTIONS}):section>", ApiDoc(
        "门户页面", "系统", auth=False, responses={200: "text/html"},
        description="门户的各个页面（单页应用）：返回 index.html，由浏览器中的门户显示对应页面。"))
    def portal_page(self, request, section):
        return portal_files.index(request, self.settings.portal_dist)

    @route("GET", f"/<any({_SECTIONS}):section>/<path:rest>", ApiDoc(
        "门户页面（下级）", "系统", auth=False, responses={200: "text/html"}))
    def portal_subpage(self, request, section, rest):
        return portal_files.index(request, self.settings.portal_dist)
