"""我的待办: the items that await the signed-in user's action, gathered from the
services that own them.

Each kind of item comes from one ``WorkSource``: the roles it concerns and a
function that asks the owning service (over RPC, with the user's identity)
for that user's items. A later stage adds a kind by adding a source to
``SOURCES``; the portal shows every item the same way (title, project,
since, deadline, overdue mark, a link to the form that acts on it).

A deadline is given only where the regulation sets one for that step; no
source invents one. ``overdue`` is computed here from the deadline and the
gateway's clock (legal dates, Asia/Shanghai).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from itpm_common.money import fen_to_yuan_str

from .labels import STAGE_ZH
from .rpc import ServiceUnavailable

log = logging.getLogger(__name__)

BUREAUS = ("WX", "FG", "GX", "CZ")
BUREAU_ZH = {"WX": "网信", "FG": "发改", "GX": "工信", "CZ": "财政"}


@dataclass(frozen=True)
class WorkItem:
    kind: str
    kind_zh: str
    title: str
    project_id: str | None
    project_name: str | None
    unit_name: str | None
    since: str | None
    article: str | None
    link: str
    action_zh: str
    deadline: str | None = None
    detail_zh: str | None = None

    def to_dict(self, today: date) -> dict:
        overdue = self.deadline is not None and date.fromisoformat(self.deadline[:10]) < today
        return {"kind": self.kind, "kind_zh": self.kind_zh, "title": self.title,
                "project_id": self.project_id, "project_name": self.project_name, "unit_name": self.unit_name,
                "since": self.since, "deadline": self.deadline, "overdue": overdue, "article": self.article,
                "link": self.link, "action_zh": self.action_zh, "detail_zh": self.detail_zh}


@dataclass(frozen=True)
class WorkSource:
    kind: str
    kind_zh: str
    roles: tuple[str, ...]
    service: str
    fetch: Callable  # (call, user) -> list[WorkItem]; call(service, method, *args)


def _review_opinions(call, user) -> list[WorkItem]:
    reviews = call("review", "list_reviews", {"awaiting_me": True})["items"]
    items = []
    for r in reviews:
        adhoc = r.get("kind") == "ADHOC"
        items.append(WorkItem(
            kind="ADHOC_REVIEW_OPINION" if adhoc else "PLAN_REVIEW_OPINION",
            kind_zh="追加项目联审意见" if adhoc else "计划论证意见", title=f"就“{r['project_name']}”出具论证意见",
            project_id=r["project_id"], project_name=r["project_name"], unit_name=r.get("unit_name"),
            since=r.get("opened_at"), article="第九条" if adhoc else "第八条", action_zh="出具意见",
            link=f"/projects/{r['project_id']}?action=opinion",
            detail_zh="尚缺：" + "、".join(BUREAU_ZH.get(b, b) for b in r.get("missing_bureaus") or [])))
    return items


def _plan_review_opinions(call, user) -> list[WorkItem]:
    return [i for i in _review_opinions(call, user) if i.kind == "PLAN_REVIEW_OPINION"]


def _adhoc_review_opinions(call, user) -> list[WorkItem]:
    return [i for i in _review_opinions(call, user) if i.kind == "ADHOC_REVIEW_OPINION"]


def _review_conclusions(call, user) -> list[WorkItem]:
    reviews = call("review", "list_reviews", {"awaiting_me": True})["items"]
    items = []
    for r in reviews:
        adhoc = r.get("kind") == "ADHOC"
        items.append(WorkItem(
            kind="ADHOC_REVIEW_CONCLUSION" if adhoc else "PLAN_REVIEW_CONCLUSION",
            kind_zh="追加项目联审结论" if adhoc else "联审结论",
            title=f"对“{r['project_name']}”形成{'联审结论' if adhoc else '联审意见'}",
            project_id=r["project_id"], project_name=r["project_name"], unit_name=r.get("unit_name"),
            since=r.get("opened_at"), article="第九条" if adhoc else "第八条", action_zh="形成结论",
            link=f"/projects/{r['project_id']}?action=conclusion", detail_zh="网信、发改、工信、财政意见已齐备"))
    return items


def _plan_review_conclusions(call, user) -> list[WorkItem]:
    return [i for i in _review_conclusions(call, user) if i.kind == "PLAN_REVIEW_CONCLUSION"]


def _adhoc_review_conclusions(call, user) -> list[WorkItem]:
    return [i for i in _review_conclusions(call, user) if i.kind == "ADHOC_REVIEW_CONCLUSION"]


def _plan_review_openings(call, user) -> list[WorkItem]:
    """政务办 opens each submitted plan application's review (T03); the regulation sets no deadline."""
    pending = call("review", "list_pending_openings", {"kind": "PLAN"})["items"]
    return [WorkItem(
        kind="PLAN_REVIEW_OPENING", kind_zh="开启计划论证", title=f"开启“{p['project_name']}”的计划论证",
        project_id=p["project_id"], project_name=p["project_name"], unit_name=p.get("unit_name"),
        since=p.get("submitted_at"), article="第八条", action_zh="开启论证",
        link=f"/projects/{p['project_id']}?action=open",
        detail_zh=f"{p.get('plan_year')} 年度 · 第 {p.get('version_no')} 版申报" + _blocked(p))
        for p in pending]


def _blocked(pending: dict) -> str:
    if pending.get("ready", True):
        return ""
    return f" · 暂不能开启：{(pending.get('blocking') or {}).get('reason_zh', '')}"


def _adhoc_review_openings(call, user) -> list[WorkItem]:
    """政务办 opens an ad-hoc joint review once 财政 has confirmed the funding (T12, R-9-2)."""
    pending = call("review", "list_pending_openings", {"kind": "ADHOC"})["items"]
    return [WorkItem(
        kind="ADHOC_REVIEW_OPENING", kind_zh="开启追加项目联审", title=f"开启“{p['project_name']}”的联审",
        project_id=p["project_id"], project_name=p["project_name"], unit_name=p.get("unit_name"),
        since=p.get("submitted_at"), article="第九条", action_zh="开启联审",
        link=f"/projects/{p['project_id']}?action=open",
        detail_zh="资金已落实，可开启" if p.get("ready") else
        f"暂不能开启：{(p.get('blocking') or {}).get('reason_zh', '')}")
        for p in pending]


def _funding_confirmations(call, user) -> list[WorkItem]:
    """财政 confirms the funding of ad-hoc and superior-funded applications (第九条, R-9-3)."""
    requests = call("funds", "list_funding_requests", {"awaiting_me": True})["items"]
    return [WorkItem(
        kind="FUNDING_CONFIRMATION", kind_zh="资金落实确认", title=f"确认“{r['name']}”的资金落实",
        project_id=r["project_id"], project_name=r["name"], unit_name=r.get("unit_name"),
        since=r.get("updated_at") or r.get("requested_at"), article="第九条", action_zh="确认资金",
        link=f"/projects/{r['project_id']}?action=funding-confirmation",
        detail_zh=("追加项目" if r.get("path") == "ADHOC" else "上级安排经费的计划项目")
                  + f" · 总投资 {fen_to_yuan_str(r.get('total_investment_fen') or 0)} 元")
        for r in requests]


PAGE_SIZE = 200


def _every_page(call, service: str, method: str, filters: dict) -> list[dict]:
    """A work list is whole: the services answer at most PAGE_SIZE rows a page."""
    items: list[dict] = []
    page = 1
    while True:
        answer = call(service, method, {**filters, "page": page, "page_size": PAGE_SIZE})
        items.extend(answer["items"])
        if not answer["items"] or len(items) >= answer["total"]:
            return items
        page += 1


def _estimate_reviews(call, user) -> list[WorkItem]:
    """财政 reviews every 概算 of 1,000,000.00 元 or more (第十条, R-10-3, TH-1)."""
    requests = _every_page(call, "funds", "list_estimate_reviews", {"awaiting_me": True})
    return [WorkItem(
        kind="ESTIMATE_REVIEW", kind_zh="概算审核", title=f"审核“{r['name']}”的投资概算",
        project_id=r["project_id"], project_name=r["name"], unit_name=r.get("unit_name"),
        since=r.get("requested_at"), article="第十条", action_zh="审核概算",
        link=f"/projects/{r['project_id']}?action=estimate-review&submission={r['submission_id']}",
        detail_zh=f"{STAGE_ZH.get(r['stage'], r['stage'])}第 {r['version_no']} 版 · "
                  f"概算 {fen_to_yuan_str(r['requested_fen'])} 元（100万元及以上须经财政审核）")
        for r in requests]


def _cybersecurity_reviews(call, user) -> list[WorkItem]:
    """网信 reviews the security chapter of every FSR, PD and package (第四条（二）, 第十四条)."""
    reviews = _every_page(call, "security", "list_cybersecurity_reviews", {"status": "PENDING"})
    return [WorkItem(
        kind="CYBERSECURITY_REVIEW", kind_zh="网络安全审查", title=f"审查“{r['name']}”的网络安全保障措施篇（章）",
        project_id=r["project_id"], project_name=r["name"], unit_name=r.get("unit_name"),
        since=r.get("received_at"), article="第十四条", action_zh="审查",
        link=f"/projects/{r['project_id']}?action=cybersecurity-review&submission={r['submission_id']}",
        detail_zh=f"{STAGE_ZH.get(r['stage'], r['stage'])}第 {r['version_no']} 版"
                  + (" · 单位申报属于重要领域" if r.get("declared_important_domain") else ""))
        for r in reviews]


def _plans_awaiting_decision(call, user) -> list[WorkItem]:
    """The leading group decides a submitted annual plan (第八条, R-8-3)."""
    plans = call("planning", "list_annual_plans")["items"]
    return [WorkItem(
        kind="ANNUAL_PLAN_DECISION", kind_zh="年度计划审定", title=f"审定“{p['title']}”（第 {p['version_no']} 版）",
        project_id=None, project_name=None, unit_name=None, since=p.get("submitted_at"), article="第八条",
        action_zh="审定", link=f"/annual-plans/{p['plan_year']}")
        for p in plans if p["status"] == "SUBMITTED"]


def _department_drafts(call, user) -> list[WorkItem]:
    """A department's drafts, withdrawn and returned applications. A plan application has the call's closing
    day as its deadline (R-7-5); a returned one (T04) and an ad-hoc one have none."""
    drafts = call("planning", "list_projects", {"state": "DRAFT", "page_size": 200})["items"]
    calls = {c["plan_year"]: c for c in call("planning", "list_calls")["items"]} if drafts else {}
    items = []
    for p in drafts:
        plan = p.get("origin") != "ADHOC"
        c = calls.get(p.get("plan_year")) if plan else None
        returned = p.get("returned_reason")
        items.append(WorkItem(
            kind="APPLICATION_DRAFT", kind_zh="待提交申报",
            title=f"{'修改后重新提交' if returned else '完成并提交'}“{p['name']}”",
            project_id=p["id"], project_name=p["name"], unit_name=p.get("unit_name"), since=p.get("updated_at"),
            article="第九条" if not plan else "第七条", action_zh="修改重报" if returned else "继续填写",
            link=f"/projects/{p['id']}?action=edit",
            # A correction 政务办 asked for is part of the review, not bound by the window.
            deadline=c["closes_on"] if c and c.get("status") == "OPEN" and not returned else None,
            detail_zh=f"政务办退回理由：{returned}" if returned else
            (f"{p.get('plan_year')} 年度申报截止 {c['closes_on']}（含当日）" if c else None)))
    return items


def _technical_link(item: dict) -> str:
    return f"/technical-reviews/{item['project_id']}?submission={item['submission_id']}"


def _technical_version(item: dict) -> str:
    return f"{item.get('stage_zh') or item.get('stage')}第 {item.get('version_no')} 版"


def _technical_openings(call, user) -> list[WorkItem]:
    """政务办 opens the technical review of each version approval announced (第十条, R-10-2)."""
    pending = call("review", "list_technical_pending", {"status": "PENDING"})["items"]
    items = []
    for p in pending:
        source = p.get("carry_over_candidate")
        items.append(WorkItem(
            kind="TECHNICAL_REVIEW_OPENING", kind_zh="开启技术审核",
            title=f"开启“{p['project_name']}”{_technical_version(p)}的技术审核",
            project_id=p["project_id"], project_name=p["project_name"], unit_name=p.get("unit_name"),
            since=p.get("submitted_at"), article="第十条", action_zh="开启审核", link=_technical_link(p),
            detail_zh=(f"可沿用第 {source['version_no']} 版的审核结论（A-09）"
                       if source and source.get("outcome") != "FAIL" else None)))
    return items


def _technical_conclusions(call, user) -> list[WorkItem]:
    """政务办 concludes an open technical review; the bureaus' opinions are input, not a precondition."""
    open_reviews = call("review", "list_technical_pending", {"status": "IN_REVIEW"})["items"]
    items = []
    for r in open_reviews:
        given = r.get("opinions_from") or []
        items.append(WorkItem(
            kind="TECHNICAL_REVIEW_CONCLUSION", kind_zh="技术审核结论",
            title=f"对“{r['project_name']}”{_technical_version(r)}作出技术审核结论",
            project_id=r["project_id"], project_name=r["project_name"], unit_name=r.get("unit_name"),
            since=r.get("submitted_at"), article="第十条", action_zh="作出结论", link=_technical_link(r),
            detail_zh=("已有意见：" + "、".join(BUREAU_ZH.get(b, b) for b in given)) if given else "尚无部门意见"))
    return items


def _technical_opinions(call, user) -> list[WorkItem]:
    """网信, 发改, 工信 and 财政 each give one opinion on an open technical review (第四条)."""
    awaiting = call("review", "list_technical_pending", {"awaiting_me": True})["items"]
    return [WorkItem(
        kind="TECHNICAL_REVIEW_OPINION", kind_zh="技术审核意见",
        title=f"就“{r['project_name']}”{_technical_version(r)}出具技术审核意见",
        project_id=r["project_id"], project_name=r["project_name"], unit_name=r.get("unit_name"),
        since=r.get("submitted_at"), article="第十条", action_zh="出具意见", link=_technical_link(r))
        for r in awaiting]


def _framework_confirmations(call, user) -> list[WorkItem]:
    """A participant confirms the framework's current version (第十二条, R-12-4)."""
    frameworks = call("approval", "list_frameworks", {"scope": "awaiting_me", "page_size": 200})["items"]
    return [WorkItem(
        kind="FRAMEWORK_CONFIRMATION", kind_zh="确认框架方案",
        title=f"确认框架方案“{f['title']}”第 {f['version_no']} 版",
        project_id=None, project_name=None, unit_name=f.get("lead_unit_name"), since=f.get("updated_at"),
        article="第十二条", action_zh="确认方案", link=f"/frameworks/{f['framework_id']}",
        detail_zh=f"牵头部门：{f.get('lead_unit_name')}")
        for f in frameworks]


def _framework_determinations(call, user) -> list[WorkItem]:
    """The lead determines its draft once every participant confirmed the current version (T90, R-12-4)."""
    frameworks = call("approval", "list_frameworks", {"scope": "mine", "status": "DRAFTING", "page_size": 200})
    return [WorkItem(
        kind="FRAMEWORK_DETERMINATION", kind_zh="确定框架方案",
        title=f"确定框架方案“{f['title']}”第 {f['version_no']} 版",
        project_id=f.get("overall_project_id"), project_name=None, unit_name=f.get("lead_unit_name"),
        since=f.get("updated_at"), article="第十二条", action_zh="确定方案", link=f"/frameworks/{f['framework_id']}",
        detail_zh="参建部门均已确认当前版本")
        for f in frameworks["items"] if f.get("lead_unit_id") == user.unit_id and not f.get("pending_unit_ids")]

# 发改's approval (第十条): FG decides the submissions waiting for it; the department resubmits what was
# returned, submits the next stage after an approval and acknowledges a review's conditions. The regulation
# sets no deadline for any of these.
APPROVAL_NEXT_STAGE = {"PROPOSAL_APPROVED": "FSR", "FSR_APPROVED": "PD"}
APPROVAL_AWAITING_FG = ("PROPOSAL_SUBMITTED", "FSR_SUBMITTED", "PD_SUBMITTED", "ESTIMATE_UNDER_REVIEW",
                        "URGENT_PACKAGE_SUBMITTED", "COMBINED_SUBMITTED")


def _approval_cases(call, awaiting_me: bool) -> list[dict]:
    return call("approval", "list_approvals", {"awaiting_me": awaiting_me, "page_size": 200})["items"]


def _submission_zh(sub: dict | None) -> str:
    if not sub:
        return ""
    return f"{STAGE_ZH.get(sub['stage'], sub['stage'])}（第 {sub['version_no']} 版）"


def _approval_decisions(call, user) -> list[WorkItem]:
    """FG decides each submission waiting for it (T21, T24, T28, T31–T33)."""
    items = []
    for c in _approval_cases(call, True):
        sub = c.get("current_submission")
        items.append(WorkItem(
            kind="APPROVAL_DECISION", kind_zh="立项审批", title=f"审批“{c['name']}”的{_submission_zh(sub)}",
            project_id=c["project_id"], project_name=c["name"], unit_name=c.get("unit_name"),
            since=(sub or {}).get("submitted_at") or c.get("updated_at"), article="第十条", action_zh="审批",
            link=f"/projects/{c['project_id']}?action=approval-decision",
            detail_zh="财政审核概算中" if c["stage_state"] == "ESTIMATE_UNDER_REVIEW" else None))
    return items


def _approval_department_items(call, user) -> list[WorkItem]:
    """The department's returned submissions (T32) and the next stage due after an approval (T22, T25)."""
    items = []
    for c in _approval_cases(call, True):
        sub = c.get("current_submission") or {}
        link = f"/projects/{c['project_id']}?action=approval-submission"
        if c["stage_state"] == "RETURNED":
            separate = sub.get("return_code") == "SEPARATE_STAGES_REQUIRED"
            items.append(WorkItem(
                kind="APPROVAL_RESUBMISSION", kind_zh="修改后重新报送",
                title=f"修改后重新报送“{c['name']}”的{_submission_zh(sub) if not separate else '审批材料（分阶段）'}",
                project_id=c["project_id"], project_name=c["name"], unit_name=c.get("unit_name"),
                since=sub.get("decided_at") or c.get("updated_at"), article="第十条", action_zh="重新报送",
                link=link, detail_zh=f"发改退回理由：{sub.get('decision_reason') or ''}"))
        elif c["stage_state"] in APPROVAL_NEXT_STAGE:
            stage = APPROVAL_NEXT_STAGE[c["stage_state"]]
            items.append(WorkItem(
                kind="APPROVAL_NEXT_STAGE", kind_zh="报送下一阶段",
                title=f"报送“{c['name']}”的{STAGE_ZH[stage]}",
                project_id=c["project_id"], project_name=c["name"], unit_name=c.get("unit_name"),
                since=sub.get("decided_at") or c.get("updated_at"), article="第十条", action_zh="报送",
                link=link, detail_zh=f"{_submission_zh(sub)}已批复"))
    return items


def _approval_resubmissions(call, user) -> list[WorkItem]:
    return [i for i in _approval_department_items(call, user) if i.kind == "APPROVAL_RESUBMISSION"]


def _approval_entries(call, user) -> list[WorkItem]:
    """A department's BUILD projects that may enter 发改's approval and have not (T20, T23, T29, T30): planned, or
    cleared by the Art 9 joint review. Once the first submission goes in, the project's state moves on."""
    items = []
    for state in ("PLANNED", "ADHOC_CLEARED"):
        for p in call("planning", "list_projects", {"state": state, "category": "BUILD", "page_size": 200})["items"]:
            if p.get("state") != state or p.get("category") != "BUILD":
                continue
            items.append(WorkItem(
                kind="APPROVAL_ENTRY", kind_zh="办理立项审批", title=f"报批“{p['name']}”",
                project_id=p["id"], project_name=p["name"], unit_name=p.get("unit_name"),
                since=p.get("updated_at"), article="第十条", action_zh="办理报批",
                link=f"/projects/{p['id']}?action=approval-submission",
                detail_zh="取得项目代码、报送信息资源目录后，按可选路径报送审批材料"))
    return items


def _approval_next_stages(call, user) -> list[WorkItem]:
    return [i for i in _approval_department_items(call, user) if i.kind == "APPROVAL_NEXT_STAGE"]


def _conditions_to_acknowledge(call, user) -> list[WorkItem]:
    """R-10-2: a PASS_WITH_CONDITIONS review of the current submission counts once the department acknowledged."""
    items = []
    for c in _approval_cases(call, False):
        if c["stage_state"] not in APPROVAL_AWAITING_FG:
            continue
        approval = call("approval", "get_approval", c["project_id"])
        for r in approval.get("technical_reviews") or []:
            if r.get("submission_id") != c.get("current_submission_id") or r.get("outcome") != "PASS_WITH_CONDITIONS" \
                    or r.get("conditions_acknowledged_at"):
                continue
            items.append(WorkItem(
                kind="CONDITIONS_ACKNOWLEDGEMENT", kind_zh="确认审核所附条件",
                title=f"确认“{c['name']}”技术审核所附条件", project_id=c["project_id"], project_name=c["name"],
                unit_name=c.get("unit_name"), since=c.get("updated_at"), article="第十条", action_zh="确认条件",
                link=f"/projects/{c['project_id']}?action=conditions-acknowledgement",
                detail_zh=f"条件：{r.get('conditions') or ''}"))
    return items


SOURCES: tuple[WorkSource, ...] = (
    WorkSource("APPLICATION_DRAFT", "待提交申报", ("UNIT",), "planning", _department_drafts),
    WorkSource("PLAN_REVIEW_OPENING", "开启计划论证", ("ZWB",), "review", _plan_review_openings),
    WorkSource("ADHOC_REVIEW_OPENING", "开启追加项目联审", ("ZWB",), "review", _adhoc_review_openings),
    WorkSource("FUNDING_CONFIRMATION", "资金落实确认", ("CZ",), "funds", _funding_confirmations),
    WorkSource("ESTIMATE_REVIEW", "概算审核", ("CZ",), "funds", _estimate_reviews),
    WorkSource("CYBERSECURITY_REVIEW", "网络安全审查", ("WX",), "security", _cybersecurity_reviews),
    WorkSource("PLAN_REVIEW_OPINION", "计划论证意见", BUREAUS, "review", _plan_review_opinions),
    WorkSource("ADHOC_REVIEW_OPINION", "追加项目联审意见", BUREAUS, "review", _adhoc_review_opinions),
    WorkSource("PLAN_REVIEW_CONCLUSION", "联审结论", ("ZWB",), "review", _plan_review_conclusions),
    WorkSource("ADHOC_REVIEW_CONCLUSION", "追加项目联审结论", ("ZWB",), "review", _adhoc_review_conclusions),
    WorkSource("ANNUAL_PLAN_DECISION", "年度计划审定", ("LG",), "planning", _plans_awaiting_decision),
    WorkSource("TECHNICAL_REVIEW_OPENING", "开启技术审核", ("ZWB",), "review", _technical_openings),
    WorkSource("TECHNICAL_REVIEW_OPINION", "技术审核意见", BUREAUS, "review", _technical_opinions),
    WorkSource("TECHNICAL_REVIEW_CONCLUSION", "技术审核结论", ("ZWB",), "review", _technical_conclusions),
    WorkSource("FRAMEWORK_CONFIRMATION", "确认框架方案", ("UNIT",), "approval", _framework_confirmations),
    WorkSource("FRAMEWORK_DETERMINATION", "确定框架方案", ("UNIT",), "approval", _framework_determinations),

    WorkSource("APPROVAL_DECISION", "立项审批", ("FG",), "approval", _approval_decisions),
    WorkSource("APPROVAL_RESUBMISSION", "修改后重新报送", ("UNIT",), "approval", _approval_resubmissions),
    WorkSource("APPROVAL_ENTRY", "办理立项审批", ("UNIT",), "planning", _approval_entries),
    WorkSource("APPROVAL_NEXT_STAGE", "报送下一阶段", ("UNIT",), "approval", _approval_next_stages),
    WorkSource("CONDITIONS_ACKNOWLEDGEMENT", "确认审核所附条件", ("UNIT",), "approval", _conditions_to_acknowledge),
)


def _asked_once(call):
    """Two kinds drawn from one answer (a plan review's and a joint review's opinions) ask the service once."""
    answers: dict = {}

    def ask(service, method, *args):
        key = (service, method, repr(args))
        if key not in answers:
            answers[key] = call(service, method, *args)
        return answers[key]
    return ask


def collect(call, user, today: date, sources: tuple[WorkSource, ...] = SOURCES) -> dict:
    """The user's items, overdue first, then by deadline, then oldest first.

    A service that does not answer leaves its kinds out and is named in
    ``unavailable``, so the rest of the list still shows."""
    items: list[dict] = []
    unavailable: list[str] = []
    kinds = []
    call = _asked_once(call)
    for source in sources:
        if user.role not in source.roles:
            continue
        kinds.append({"kind": source.kind, "kind_zh": source.kind_zh})
        try:
            found = source.fetch(call, user)
        except ServiceUnavailable as exc:
            log.warning("workbench: %s unavailable for %s: %s", source.service, source.kind, exc)
            if source.service not in unavailable:
                unavailable.append(source.service)
            continue
        items.extend(item.to_dict(today) for item in found)
    items.sort(key=lambda i: (not i["overdue"], i["deadline"] is None, i["deadline"] or "", i["since"] or ""))
    return {"items": items, "total": len(items), "overdue": sum(1 for i in items if i["overdue"]),
            "kinds": kinds, "unavailable": unavailable, "today": today.isoformat()}
