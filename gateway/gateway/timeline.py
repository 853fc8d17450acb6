"""The event log and the project timeline drawn from it.

Every event of the suite (``cn.gov.lyg.itpm.#``) is stored once, in arrival
order; ``position`` is that order and is what a later external feed replays
from. A project's timeline is its rows read back with Chinese names and a
one-line summary a department official can read without knowing the event
catalogue (rules.md §8.1).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from itpm_common.events import CloudEvent
from itpm_common.money import fen_to_yuan_str

from .labels import STAGE_ZH
from .models import EventLogEntry, User

# rules.md §1.
ROLE_ZH = {
    "ZWB": "政务办",
    "WX": "网信",
    "FG": "发改",
    "GX": "工信",
    "CZ": "财政",
    "SJ": "审计",
    "LG": "领导小组",
    "LGO": "领导小组办公室",
    "UNIT": "项目建设单位",
    "SYSTEM": "系统",
    "BM": "保密行政管理部门",
    "RESP": "项目责任人",
    "JL": "监理单位",
    "TP": "第三方咨询机构",
    "ZG": "项目主管部门",
    "ARCH": "档案主管部门",
    "SUB": "外部订阅方",
}

EVENT_NAMES_ZH = {
    "PlanApplicationSubmitted": "提交年度计划申报",
    "PlanApplicationWithdrawn": "撤回年度计划申报",
    "PlanReviewOpened": "启动计划论证（联审）",
    "PlanReviewOpinionRecorded": "出具论证意见",
    "PlanReviewConcluded": "形成联审意见",
    "PlanReviewReturned": "退回申报修改",
    "PlanReviewCancelled": "撤回申报，取消计划论证",
    "JointReviewOpened": "启动追加项目联审",
    "JointReviewOpinionRecorded": "出具联审意见",
    "JointReviewConcluded": "形成追加项目联审结论",
    "PlanItemDrafted": "列入年度计划草案",
    "PlanItemNotIncluded": "未列入年度计划",
    "OverallPlanApproved": "领导小组审定总体规划",
    "PlanCallOpened": "发布年度计划申报通知",
    "PlanCallClosed": "年度计划申报截止",
    "PlanRankingUpdated": "调整申报排序",
    "AnnualPlanSubmittedToLG": "年度计划报领导小组",
    "AnnualPlanApproved": "领导小组审定年度计划",
    "AnnualPlanAmended": "领导小组审定计划修订",
    "AnnualPlanCopiedToFG": "年度计划抄送市发改委",
    "PlanItemApproved": "列入年度建设计划",
    "AdHocApplicationSubmitted": "提交追加项目申请",
    "SpecialReportRecorded": "登记向市政府专题报告",
    "FundingConfirmationRequested": "申请资金落实确认",
    "FundingConfirmed": "财政确认资金落实",
    "FundingNotSecured": "财政确认资金未落实",
    "FundingConfirmationInvalidated": "资金确认失效",
    "JointReviewCancelled": "申请已更新，撤销旧版联审",
    # Chapter 3 (第十条至第十五条): approval, review, funds, security.
    "ProposalSubmitted": "报送项目建议书",
    "FSRSubmitted": "报送可行性研究报告",
    "PreliminaryDesignSubmitted": "报送初步设计方案及投资概算",
    "UrgentPackageSubmitted": "报送紧急项目可研、初设及概算（合并）",
    "CombinedPackageSubmitted": "报送项目建议书、可研、初设及概算（合并编报）",
    "DepthConfirmed": "发改确认材料深度",
    "ApprovalReturned": "发改退回送审材料",
    "ApprovalRefused": "发改不予批复",
    "ProposalApproved": "项目建议书获批复",
    "FSRApproved": "可行性研究报告获批复",
    "PreliminaryDesignApproved": "初步设计方案及投资概算获批复",
    "GovernmentRequestRecorded": "登记向市政府请示",
    "ProjectCodeRecorded": "登记项目代码",
    "ResourceCatalogSubmitted": "报送信息资源目录",
    "ResourceCatalogVersioned": "更新信息资源目录",
    "Art11FlagsChanged": "调整第十一条审批事项标记",
    "CrossLevelLinkageDeclared": "申报跨层级关联项目",
    "DuplicateCollectionFlagged": "标记重复采集数据",
    "FrameworkDrafted": "拟定跨部门项目建设框架",
    "FrameworkParticipantConfirmed": "参与部门确认建设框架",
    "FrameworkConfirmationsReset": "建设框架变更，重新确认",
    "FrameworkDetermined": "跨部门项目建设框架确定",
    "FrameworkConflictDetected": "建设框架存在冲突",
    "TechnicalReviewOpened": "开启立项前技术审核",
    "TechnicalReviewOpinionRecorded": "出具技术审核意见",
    "TechnicalReviewConcluded": "作出技术审核结论",
    "EstimateReviewRequested": "提请财政审核投资概算",
    "EstimateReviewed": "财政审核投资概算",
    "CybersecurityReviewRecorded": "网信作出网络安全审查结论",
}

# 政务办's technical review and 网信's cybersecurity review share these outcomes.
REVIEW_OUTCOME_ZH = {
    "PASS": "通过",
    "PASS_WITH_CONDITIONS": "有条件通过",
    "FAIL": "不通过",
}

# 发改's approval: how each of its events reads on the timeline (stage and version, document number, reason).
APPROVAL_SUBMITTED = ("ProposalSubmitted", "FSRSubmitted", "PreliminaryDesignSubmitted", "UrgentPackageSubmitted",
                      "CombinedPackageSubmitted")
APPROVAL_APPROVED = ("ProposalApproved", "FSRApproved", "PreliminaryDesignApproved")


def _approval_summary(name: str, who: str, data: dict[str, Any]) -> str | None:
    stage = STAGE_ZH.get(data.get("stage"), "")
    version = f"（第{data['version_no']}版）" if data.get("version_no") else ""
    if name in APPROVAL_SUBMITTED:
        return f"{who} 报送{stage}{version}"
    if name in APPROVAL_APPROVED:
        text = f"发改批复{stage}{version}"
        if data.get("doc_no"):
            text += f"，文号 {data['doc_no']}"
        if data.get("approved_estimate_fen") is not None:
            text += f"，核定概算 {fen_to_yuan_str(data['approved_estimate_fen'])} 元"
        return text
    if name == "ApprovalReturned":
        separate = "，要求分阶段报批" if data.get("return_code") == "SEPARATE_STAGES_REQUIRED" else ""
        return f"发改退回{stage}{version}{separate}：{data.get('reason') or ''}"
    if name == "ApprovalRefused":
        return f"发改不予批复{stage}{version}：{data.get('reason') or ''}"
    if name == "GovernmentRequestRecorded" and data.get("doc_no"):
        return f"发改就{stage}报市政府请示，文号 {data['doc_no']}"
    if name == "ProjectCodeRecorded" and data.get("code"):
        return f"{who} 登记项目代码 {data['code']}"
    if name in ("ResourceCatalogSubmitted", "ResourceCatalogVersioned") and data.get("version_no"):
        return f"{who} 报送信息资源目录第{data['version_no']}版（{data.get('entries', 0)} 项资源）"
    if name == "Art11FlagsChanged":
        flags = [label for key, label in (("new_civil_works", "新增土建"), ("high_energy", "高耗能")) if data.get(key)]
        return f"发改认定第十一条情形：{'、'.join(flags) or '无'}（{data.get('reason') or ''}）"
    return None

VERDICT_ZH = {
    "AGREE": "同意",
    "AGREE_WITH_CONDITIONS": "有条件同意",
    "DISAGREE": "不同意",
}

OUTCOME_ZH = {
    "DRAFT": "列入年度计划草案",
    "NOT_INCLUDED": "不予列入年度计划",
    "PASS": "通过",
    "FAIL": "不通过",
}

# Art 10's technical review speaks of conditions attached to a pass (R-10-2).
TECHNICAL_OUTCOME_ZH = {"PASS": "通过", "PASS_WITH_CONDITIONS": "附条件通过", "FAIL": "不通过"}

SYSTEM_ACTOR_IDS = ("system", "", None)


def role_zh(role: str | None) -> str:
    if not role:
        return ROLE_ZH["SYSTEM"]
    return ROLE_ZH.get(role, role)


def name_zh(name: str) -> str:
    return EVENT_NAMES_ZH.get(name, name)


def record(session, event: CloudEvent, now) -> bool:
    """Append the event unless its id is already logged; True when appended.

    The inbox already drops a redelivered event; the unique event_id is the
    second line, for an event that reaches the log by another path.
    """
    if session.execute(select(EventLogEntry.position).where(
            EventLogEntry.event_id == event.id)).first():
        return False
    session.execute(insert(EventLogEntry).values(
        event_id=event.id, type=event.type, subject=event.subject, unit_id=event.unitid,
        time=event.time, actor_id=event.actorid, actor_role=event.actorrole,
        article=event.article, visibility=event.visibility, body=event.to_json(),
        recorded_at=now))
    return True


def _who(role: str | None, data: dict, unit_name: str | None) -> str:
    # A department is named by its own name; a bureau by its role, which is
    # how officials refer to each other (“网信”, “发改”).
    if role == "UNIT":
        return data.get("unit_name") or unit_name or ROLE_ZH["UNIT"]
    return role_zh(role)


def _stage_version(data: dict[str, Any]) -> str:
    stage = STAGE_ZH.get(data.get("stage"), data.get("stage") or "")
    if stage and data.get("version_no"):
        return f"{stage}（第{data['version_no']}版）"
    return stage


def summary_zh(name: str, role: str | None, data: dict[str, Any], unit_name: str | None = None) -> str:
    who = _who(role, data, unit_name)
    if name == "PlanApplicationSubmitted":
        text = f"{who} 提交年度计划申报"
        if data.get("name"):
            text += f"《{data['name']}》"
        if (data.get("version_no") or 1) > 1:
            text += f"（第{data['version_no']}版）"
        return text
    if name in ("PlanReviewOpinionRecorded", "JointReviewOpinionRecorded", "TechnicalReviewOpinionRecorded"):
        verdict = VERDICT_ZH.get(data.get("verdict"), data.get("verdict"))
        what = name_zh(name)
        return f"{who} {what}：{verdict}" if verdict else f"{who} {what}"
    if name in ("PlanReviewConcluded", "JointReviewConcluded"):
        outcome = OUTCOME_ZH.get(data.get("outcome"), data.get("outcome"))
        what = name_zh(name)
        return f"{who} {what}：{outcome}" if outcome else f"{who} {what}"
    if name == "TechnicalReviewConcluded":
        outcome = TECHNICAL_OUTCOME_ZH.get(data.get("outcome"), data.get("outcome"))
        carried = "（沿用上一版本的结论）" if data.get("carried_over_from") else ""
        target = _stage_version(data) or (f"第{data['version_no']}版" if data.get("version_no") else "")
        return f"{who} 对{target}作出技术审核结论：{outcome}{carried}"
    if name == "PlanReviewReturned" and data.get("reason"):
        return f"{who} 退回申报修改：{data['reason']}"
    if name in ("PlanItemDrafted", "PlanItemNotIncluded"):
        year = data.get("plan_year")
        verb = "列入" if name == "PlanItemDrafted" else "未列入"
        tail = "年度计划草案" if name == "PlanItemDrafted" else "年度计划"
        return f"项目{verb}{year}{tail}" if year else f"项目{verb}{tail}"
    if name == "PlanRankingUpdated" and data.get("rank"):
        return f"排序由第{data.get('previous_rank')}位调整为第{data['rank']}位"
    if name == "EstimateReviewRequested" and data.get("requested_fen") is not None:
        return (f"{_stage_version(data)}投资概算 {fen_to_yuan_str(data['requested_fen'])} 元，"
                "达到100万元，提请财政审核")
    if name == "EstimateReviewed" and data.get("reviewed_fen") is not None:
        text = f"{who} 审核{_stage_version(data)}投资概算：审核金额 {fen_to_yuan_str(data['reviewed_fen'])} 元"
        if data.get("requested_fen") is not None:
            text += f"（送审 {fen_to_yuan_str(data['requested_fen'])} 元）"
        return text
    if name == "CybersecurityReviewRecorded":
        outcome = data.get("conclusion")
        outcome_zh = REVIEW_OUTCOME_ZH.get(outcome, outcome)
        text = f"{who} 对{_stage_version(data)}作出网络安全审查结论"
        return f"{text}：{outcome_zh}" if outcome_zh else text
    if name == "PlanItemApproved":
        return f"项目列入{data.get('plan_year', '')}年度建设计划（领导小组审定）"
    approval = _approval_summary(name, who, data)
    if approval:
        return approval
    return f"{who} {name_zh(name)}"


def entry_for(row: EventLogEntry, users: dict[str, User]) -> dict[str, Any]:
    event = CloudEvent.from_json(row.body)
    user = users.get(row.actor_id or "")
    if row.actor_id in SYSTEM_ACTOR_IDS or row.actor_role == "SYSTEM":
        actor_name = ROLE_ZH["SYSTEM"]
    else:
        actor_name = user.name if user else row.actor_id
    return {
        "position": row.position,
        "event_id": row.event_id,
        "type": row.type,
        "name": event.name,
        "name_zh": name_zh(event.name),
        "time": row.time,
        "actor_id": row.actor_id,
        "actor_name": actor_name,
        "actor_role": row.actor_role,
        "actor_role_zh": role_zh(row.actor_role),
        "unit_id": row.unit_id,
        "article": row.article,
        "summary_zh": summary_zh(event.name, row.actor_role, event.data or {},
                                 user.unit_name if user else None),
    }


def for_subject(session, subject: str) -> list[dict[str, Any]]:
    rows = list(session.scalars(select(EventLogEntry).where(EventLogEntry.subject == subject)
                                .order_by(EventLogEntry.position)))
    actor_ids = {r.actor_id for r in rows if r.actor_id}
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(actor_ids)))}
    return [entry_for(row, users) for row in rows]
