// Chinese names of the domain's codes (rules.md §1, §3.2, §3.4). The gateway's labels.py carries the same names
// for the Excel export.
export const CATEGORY = { BUILD: '建设类', OM: '运维类' }
export const BUILD_KIND = { NEW: '新建', UPGRADE: '改建（升级）', EXPAND: '扩建' }
export const ROLE = {
  ZWB: '政务办', WX: '网信', FG: '发改', GX: '工信', CZ: '财政', SJ: '审计', LG: '领导小组', LGO: '领导小组办公室',
  UNIT: '项目建设单位', BM: '保密行政管理部门', JL: '监理单位', TP: '第三方咨询机构', ZG: '项目主管部门',
  ARCH: '档案主管部门', SYSTEM: '系统',
}
export const BUREAUS = ['WX', 'FG', 'GX', 'CZ']
export const VERDICT = { AGREE: '同意', AGREE_WITH_CONDITIONS: '有条件同意', DISAGREE: '不同意' }
export const OUTCOME = { DRAFT: '列入年度计划草案', NOT_INCLUDED: '不予列入', PASS: '联审通过', FAIL: '联审不通过' }
export const CRITERIA = {
  policy_need: '政策依据与需求', intensive_sharing: '集约共享', content_funding: '建设内容与资金', security_solution: '安全方案',
}
export const CRITERION = { MET: '符合', NOT_MET: '不符合' }
export const REVIEW_STATUS = { OPEN: '论证中', CONCLUDED: '已结论', RETURNED: '已退回修改', CANCELLED: '已取消' }
export const FUNDING_TYPE = { MUNICIPAL: '市级财政', SUPERIOR: '上级资金', OTHER: '其他' }
export const SYSTEM_TYPE = {
  EGOV_NETWORK: '电子政务网络', BUSINESS_SYSTEM: '重点业务信息系统', RESOURCE_DB: '信息资源库',
  SECURITY_INFRA: '信息安全基础设施', EGOV_INFRA: '电子政务基础设施（数据中心、机房等）', STANDARDS: '电子政务标准化体系',
  SUPPORT: '相关支撑体系', OTHER: '其他（须说明）',
}
export const SHARING_LEVEL = { FULL: '完整/及时', PARTIAL: '部分', NONE: '未共享' }
export const ORIGIN = { PLAN: '年度计划', ADHOC: '追加项目', SUPERIOR_FUNDED: '上级部门安排经费' }
export const ADHOC_REASON = { SUPERIOR_REQUIREMENT: '上级要求', WORK_NEED: '工作需要' }
export const JOINT_OUTCOME = { PASS: '联审通过', FAIL: '联审不通过' }
export const FUNDING_RESULT = { SECURED: '资金已落实', PARTIAL: '部分落实', NOT_SECURED: '未落实' }
export const FUNDING_STATUS = { AWAITING: '待确认', NOT_SECURED: '未落实', CONFIRMED: '已确认', CLOSED: '无需确认' }
export const CALL_STATUS = { OPEN: '申报中', CLOSED: '已截止' }
export const PLAN_STATUS = { DRAFT: '草稿', SUBMITTED: '已报领导小组审定', APPROVED: '已审定', SUPERSEDED: '已被修订版取代' }
export const BASIS_LEVELS = ['党中央/国务院', '省委/省政府', '市委/市政府', '国家部委', '省级部门']

export const STATE = {
  DRAFT: '草稿', PLAN_APPLIED: '已申报', PLAN_UNDER_REVIEW: '计划论证中', PLAN_DRAFTED: '已列入计划草案',
  PLANNED: '已列入年度计划', NOT_INCLUDED: '未列入年度计划', ADHOC_APPLIED: '临时申报待资金确认',
  ADHOC_FUNDING_CONFIRMED: '资金已确认', ADHOC_UNDER_REVIEW: '联合论证中', ADHOC_CLEARED: '联合论证通过',
  ADHOC_REJECTED: '联合论证未通过', IN_APPROVAL: '立项审批中', APPROVED: '已批复', APPROVAL_REFUSED: '审批未通过',
  IN_CONSTRUCTION: '建设中', RE_APPROVAL: '调整重新审批中', COMPLETED: '已建成', ACCEPTANCE_APPLIED: '已申请验收',
  ACCEPTANCE_IN_PROGRESS: '验收中', ACCEPTED: '已通过验收', ACCEPTANCE_FAILED: '验收未通过', FINAL_ACCOUNTS: '竣工决算',
  SURPLUS_RETURN_PENDING: '结余资金待收回', POST_ACCEPTANCE: '验收后', SELF_EVALUATED: '已自评价', CLOSED: '已关闭',
  TERMINATED: '已终止', OM_FUNDING_REQUESTED: '运维资金申请中', OM_FUNDED: '运维资金已安排',
  OM_FUNDING_REFUSED: '运维资金不予安排', OM_CLOSED: '运维年度结束',
}
export const HOLD = {
  ANY: '有任一挂起事项', NONE: '无挂起事项', RECTIFYING: '整改中', SUSPENDED: '暂停', INVESTMENT_DEFERRED: '暂缓安排信息化投资计划',
  SHARING_NONCOMPLIANT: '未按要求共享数据资源', DUPLICATE_COLLECTION: '重复采集数据', CRYPTO_NONCOMPLIANT: '不符合密码应用要求',
  CYBERSEC_NONCOMPLIANT: '不符合网络安全要求', GRADED_PROTECTION_UNMET: '未按等级（分级）保护标准建设',
  MAJOR_SECURITY_HAZARD: '存在重大安全隐患', NON_SHARING_UNAPPROVED: '不共享例外未获批准',
}

export const label = (table, code) => (code == null ? '' : table[code] || code)

export function yuan(fen) {
  if (fen == null) return ''
  return (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

export function wan(fen) {
  if (fen == null) return ''
  return (fen / 1_000_000).toLocaleString('zh-CN', { maximumFractionDigits: 2 })
}

export function dateTime(iso) {
  if (!iso) return ''
  return String(iso).slice(0, 16).replace('T', ' ')
}

// Chapter 3 (第十条、第十四条): the submissions 财政 and 网信 review, and their outcomes.
export const STAGE = {
  PROPOSAL: '项目建议书', FSR: '可行性研究报告', PD: '初步设计方案', URGENT_PACKAGE: '紧急项目合并材料（第十条（二））',
  COMBINED_PACKAGE: '合并编报材料（第十条（三））',
}
export const ESTIMATE_STATUS = { OPEN: '待财政审核', REVIEWED: '财政已审核', SUPERSEDED: '已被新版本概算取代', NOT_REQUIRED: '无需财政审核' }
export const CYBER_STATUS = { PENDING: '待网信审查', RECORDED: '网信已审查', SUPERSEDED: '已被新版本替代' }
export const SECURITY_CONCLUSION = { PASS: '通过', PASS_WITH_CONDITIONS: '有条件通过', FAIL: '不通过' }
export const RATING = { ADEQUATE: '充分', INADEQUATE: '不充分' }
// The parts of the security chapter 网信 assesses: the four of 第十四条 and the crypto content of 第十八条.
export const SECURITY_PARTS = [
  { key: 'needs_analysis', label: '网络安全需求分析', article: '第十四条' },
  { key: 'tasks_and_content', label: '建设任务及内容', article: '第十四条' },
  { key: 'protection_design', label: '保障体系设计', article: '第十四条' },
  { key: 'investment', label: '网络安全投资概算', article: '第十四条' },
  { key: 'crypto_content', label: '密码应用内容', article: '第十八条' },
]
// 发改's approval (第十条至第十五条): its sub-states (shown as the project's state while in approval), stages,
// tracks and the codes of its forms.
Object.assign(STATE, {
  PROPOSAL_SUBMITTED: '项目建议书已报送', PROPOSAL_APPROVED: '项目建议书已批复', FSR_SUBMITTED: '可行性研究报告已报送',
  FSR_APPROVED: '可行性研究报告已批复', PD_SUBMITTED: '初步设计方案已报送', ESTIMATE_UNDER_REVIEW: '投资概算审核中',
  URGENT_PACKAGE_SUBMITTED: '紧急项目合并材料已报送', COMBINED_SUBMITTED: '合并编报材料已报送', RETURNED: '审批材料已退回',
})
export const APPROVAL_STAGE = {
  PROPOSAL: '项目建议书', FSR: '可行性研究报告', PD: '初步设计方案及投资概算', URGENT_PACKAGE: '紧急项目合并材料（可研、初设及概算）',
  COMBINED_PACKAGE: '合并编报材料（建议书、可研、初设及概算）',
}
export const APPROVAL_TRACK = {
  STANDARD: '标准程序（先报项目建议书）', PATH1: '直接编报可行性研究报告（第十条第（一）项）',
  URGENT: '紧急项目合并编报（第十条第（二）项）', COMBINED: '合并编报和审批（第十条第（三）项）',
}
export const SUBMISSION_STATUS = { SUBMITTED: '待审批', APPROVED: '已批复', RETURNED: '已退回', REFUSED: '不予批复' }
export const DECISION_KIND = { APPROVAL: '批复', REQUEST: '请示' }
// 政务办's technical review and 网信's cybersecurity review conclude in the same three words.
export const REVIEW_CONCLUSION = SECURITY_CONCLUSION
export const ESTIMATE_REVIEW_STATUS = { REQUESTED: '待财政审核', REVIEWED: '财政已审核' }
export const SHARE_TYPE = { UNCONDITIONAL: '无条件共享', CONDITIONAL: '有条件共享', NONE: '不予共享' }
export const CONSUMER_SCOPE = { ALL_GOVERNMENT_DEPARTMENTS: '全部政务部门', NAMED_DEPARTMENTS: '指定部门' }
export const OPEN_SCOPE = { NOT_OPEN: '不向社会开放', PUBLIC: '向社会开放', PUBLIC_WITH_CONDITIONS: '有条件向社会开放', NAMED_ORGANISATIONS: '仅向特定组织开放' }
export const INFRA_ITEMS = { egov_network: '电子政务网络', gov_cloud: '政务云服务', bigdata_center: '大数据中心数据资源', lyg_app: '“我的连云港”APP' }
export const INFRA_STATUS = { USED: '使用', NOT_APPLICABLE: '不涉及', NOT_USED: '未使用（须说明理由）' }
export const PREAPPROVAL_ITEMS = { energy_assessment: '节能评估', site_selection: '规划选址', land_pre_review: '用地预审', environmental_impact: '环境影响评价' }
export const PREAPPROVAL_STATUS = { OBTAINED: '已取得批复', NOT_APPLICABLE_BY_LAW: '依法无需办理' }
export const URGENT_BASIS = { REQUIREMENT_DOCUMENT: '上级明确要求的文件', NATIONAL_STRATEGY: '国家重大战略', NATIONAL_SECURITY: '国家安全', OTHER_SPECIAL_REASON: '其他特殊原因' }
export const ISSUERS = ['党中央', '国务院', '省委', '省政府', '市委', '市政府']
export const LEVEL = { NATIONAL: '国家', PROVINCIAL: '省', COUNTY: '县（区）', MUNICIPAL: '市' }
// The chapter's three text parts, named as 网信 assesses them (its fourth part is the investment figure).
export const SECURITY_CHAPTER_PARTS = Object.fromEntries(
  SECURITY_PARTS.filter((p) => ['needs_analysis', 'tasks_and_content', 'protection_design'].includes(p.key))
    .map((p) => [p.key, p.label]))
