// Chinese names of Chapter 3's codes (第十条 technical review, 第十二条 framework). Kept apart from labels.js so the
// screens of each chapter add their names without touching each other's.
export const STAGE = {
  PROPOSAL: '项目建议书', FSR: '可行性研究报告', PD: '初步设计方案和投资概算',
  URGENT_PACKAGE: '可研、初设和概算（第十条第（二）项）', COMBINED_PACKAGE: '合并编报（第十条第（三）项）',
}
export const TECH_OUTCOME = { PASS: '通过', PASS_WITH_CONDITIONS: '附条件通过', FAIL: '不通过' }
export const TECH_SUBMISSION_STATUS = {
  PENDING: '待政务办审核', IN_REVIEW: '审核中', CONCLUDED: '已作出审核结论', SUPERSEDED: '已由新版本取代', CLOSED: '发改部门已作出决定',
}
export const TECH_REVIEW_STATUS = { OPEN: '审核中', CONCLUDED: '已作出结论', CLOSED: '已关闭' }
export const FRAMEWORK_STATUS = { DRAFTING: '编制中', DETERMINED: '已确定' }
export const FRAMEWORK_ROLE = { LEAD: '牵头部门', PARTICIPANT: '参建部门' }
export const CONFLICT_KIND = { SAME_CODE: '建设内容代码重叠', DECLARED_EQUIVALENT: '声明等同的内容分属不同部门', OTHER_FRAMEWORK: '与已确定的其他框架方案重叠' }
export const FLOW_DIRECTION = { IN: '流入', OUT: '流出' }
export const INTERFACE_DIRECTION = { PROVIDES: '提供', CONSUMES: '调用' }

// The default content taxonomy of approval (framework.DEFAULT_TAXONOMY, A-37), offered as suggestions: a deployment
// may configure its own codes (FRAMEWORK_TAXONOMY_FILE), and approval refuses a code it does not know, naming the field.
export const CONTENT_CODES = {
  INFRA: '基础设施', 'INFRA.CLOUD': '政务云计算与存储资源', 'INFRA.NETWORK': '电子政务网络', 'INFRA.DATACENTER': '数据中心、机房',
  'INFRA.SECURITY': '信息安全基础设施', DATA: '信息资源库', 'DATA.POPULATION': '人口基础信息库', 'DATA.LEGAL_ENTITY': '法人单位基础信息库',
  'DATA.GEOSPATIAL': '自然资源和空间地理基础信息库', 'DATA.ECONOMY': '宏观经济信息库', 'DATA.CREDIT': '社会信用信息库',
  'DATA.LICENSE': '电子证照库', 'DATA.THEME': '主题库、专题库', APP: '业务应用', 'APP.SERVICE': '政务服务办理', 'APP.REGULATION': '监管执法',
  'APP.EMERGENCY': '应急指挥', 'APP.DECISION': '分析决策', 'APP.OFFICE': '协同办公', 'APP.PORTAL': '门户与移动端', SUPPORT: '应用支撑',
  'SUPPORT.IDENTITY': '统一身份认证', 'SUPPORT.EXCHANGE': '数据共享交换', 'SUPPORT.SEAL': '电子印章', 'SUPPORT.GIS': '地理信息公共服务',
  'SUPPORT.MESSAGE': '统一消息与通知', STANDARD: '标准规范',
}
