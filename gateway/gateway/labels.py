"""Chinese names of the project states and categories (rules.md §3.2), for
what the gateway itself writes out (the Excel export). The portal carries
the same names for the screen."""

CATEGORY_ZH = {"BUILD": "建设类", "OM": "运维类"}

# The document sets of 发改's approval (第十条): what each stage of a submission is called.
STAGE_ZH = {"PROPOSAL": "项目建议书", "FSR": "可行性研究报告", "PD": "初步设计方案",
            "URGENT_PACKAGE": "紧急项目合并材料", "COMBINED_PACKAGE": "合并编报材料"}

STATE_ZH = {
    "DRAFT": "草稿",
    "PLAN_APPLIED": "已申报",
    "PLAN_UNDER_REVIEW": "计划论证中",
    "PLAN_DRAFTED": "已列入计划草案",
    "PLANNED": "已列入年度计划",
    "NOT_INCLUDED": "未列入年度计划",
    "ADHOC_APPLIED": "临时申报待资金确认",
    "ADHOC_FUNDING_CONFIRMED": "资金已确认",
    "ADHOC_UNDER_REVIEW": "联合论证中",
    "ADHOC_CLEARED": "联合论证通过",
    "ADHOC_REJECTED": "联合论证未通过",
    "IN_APPROVAL": "立项审批中",
    "APPROVED": "已批复",
    "APPROVAL_REFUSED": "审批未通过",
    "IN_CONSTRUCTION": "建设中",
    "RE_APPROVAL": "调整重新审批中",
    "COMPLETED": "已建成",
    "ACCEPTANCE_APPLIED": "已申请验收",
    "ACCEPTANCE_IN_PROGRESS": "验收中",
    "ACCEPTED": "已通过验收",
    "ACCEPTANCE_FAILED": "验收未通过",
    "FINAL_ACCOUNTS": "竣工决算",
    "SURPLUS_RETURN_PENDING": "结余资金待收回",
    "POST_ACCEPTANCE": "验收后",
    "SELF_EVALUATED": "已自评价",
    "CLOSED": "已关闭",
    "TERMINATED": "已终止",
    "OM_FUNDING_REQUESTED": "运维资金申请中",
    "OM_FUNDED": "运维资金已安排",
    "OM_FUNDING_REFUSED": "运维资金不予安排",
    "OM_CLOSED": "运维年度结束",
    # 发改's approval (第十条): the sub-states of IN_APPROVAL the project shows while it is in approval.
    "PROPOSAL_SUBMITTED": "项目建议书已报送",
    "PROPOSAL_APPROVED": "项目建议书已批复",
    "FSR_SUBMITTED": "可行性研究报告已报送",
    "FSR_APPROVED": "可行性研究报告已批复",
    "PD_SUBMITTED": "初步设计方案已报送",
    "ESTIMATE_UNDER_REVIEW": "投资概算审核中",
    "URGENT_PACKAGE_SUBMITTED": "紧急项目合并材料已报送",
    "COMBINED_SUBMITTED": "合并编报材料已报送",
    "RETURNED": "审批材料已退回",
}

HOLD_ZH = {
    "ANY": "有任一挂起事项",
    "NONE": "无挂起事项",
    "RECTIFYING": "整改中",
    "SUSPENDED": "暂停",
    "INVESTMENT_DEFERRED": "暂缓安排信息化投资计划",
    "SHARING_NONCOMPLIANT": "未按要求共享数据资源",
    "DUPLICATE_COLLECTION": "重复采集数据",
    "CRYPTO_NONCOMPLIANT": "不符合密码应用要求",
    "CYBERSEC_NONCOMPLIANT": "不符合网络安全要求",
    "GRADED_PROTECTION_UNMET": "未按等级（分级）保护标准建设",
    "MAJOR_SECURITY_HAZARD": "存在重大安全隐患",
    "NON_SHARING_UNAPPROVED": "不共享例外未获批准",
}


def state_zh(state: str | None) -> str:
    return STATE_ZH.get(state or "", state or "")
