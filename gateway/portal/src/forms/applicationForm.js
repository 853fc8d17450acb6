// The application form's state, its conversion to and from the API's application content (§6.1, §6.2), the
// client checks that mirror planning's schemas and rules.py, and the live checklist of §6.1 items.
import { toFen } from '../validation.js'

export function blankForm(kind) {
  return {
    name: '', plan_year: new Date().getFullYear() + 1, category: 'BUILD', build_kind: 'NEW', existing_system_id: '',
    new_system_name: '', rank: 1, policy_basis: [{ title: '', doc_number: '', level: '' }], need: '', objectives: '',
    intensive_sharing: '', content: '', security_solution: '', standards_text: '', estimate_yuan: null,
    funding_sources: [{ type: 'MUNICIPAL', amount_yuan: null }],
    infrastructure: { egov_network: false, gov_cloud: false, bigdata_center: false, lyg_app: false },
    flags: { classified: false, important_domain: false, cross_department: false, cross_level: false, new_civil_works: false,
      high_energy: false, new_data_center: false, cannot_share: false },
    internal_review: { necessity: false, feasibility: false, completeness: false, conformity: false, signed_by: '' },
    application_form: null, project_plan: null, truthfulness_declared_by: '',
    scope: { budget_unit: false, budget_funds: false, system_type: '', system_type_note: '' },
    om_status: { sharing_completeness: '', sharing_timeliness: '', protection_level: null, last_security_test_on: '', crypto_assessment: '' },
    origin: kind === 'ADHOC' ? 'ADHOC' : 'PLAN', adhoc_reason: '', requirement_document: null,
    superior_funding: { amount_yuan: null, issuer: '', document: null },
  }
}

export const needsExisting = (form) => form.category === 'OM' || ['UPGRADE', 'EXPAND'].includes(form.build_kind)
const trim = (t) => (t || '').trim()
const yuanOf = (fen) => (fen == null ? null : fen / 100)

// The API's application content → the form (a returned application is corrected from its last version).
export function fromContent(kind, app) {
  const f = blankForm(kind)
  if (!app) return f
  Object.assign(f, {
    name: app.name || '', plan_year: app.plan_year || f.plan_year, category: app.category || 'BUILD',
    build_kind: app.build_kind || 'NEW', existing_system_id: app.system?.existing_system_id || '',
    new_system_name: app.system?.new_system_name || '', rank: app.rank || 1,
    policy_basis: app.policy_basis?.length ? app.policy_basis.map((b) => ({ ...b })) : f.policy_basis,
    need: app.need || '', objectives: app.objectives || '', intensive_sharing: app.intensive_sharing || '',
    content: app.content || '', security_solution: app.security_solution || '',
    standards_text: (app.standards || []).join('\n'), estimate_yuan: app.estimate_fen ? yuanOf(app.estimate_fen) : null,
    funding_sources: app.funding_sources?.length
      ? app.funding_sources.map((s) => ({ type: s.type, amount_yuan: yuanOf(s.amount_fen) })) : f.funding_sources,
    infrastructure: { ...f.infrastructure, ...(app.infrastructure || {}) },
    flags: { ...f.flags, ...(app.flags || {}) },
    internal_review: { ...f.internal_review, ...(app.internal_review || {}), signed_by: app.internal_review?.signed_by || '' },
    application_form: app.documents?.application_form || null, project_plan: app.documents?.project_plan || null,
    truthfulness_declared_by: app.truthfulness_declared_by || '',
    scope: { ...f.scope, ...(app.scope || {}) },
    om_status: { ...f.om_status, ...(app.om_status || {}) },
    origin: app.origin || f.origin, adhoc_reason: app.adhoc_reason || '', requirement_document: app.requirement_document || null,
    superior_funding: { amount_yuan: yuanOf(app.superior_funding?.amount_fen), issuer: app.superior_funding?.issuer || '',
      document: app.superior_funding?.document || null },
  })
  delete f.infrastructure.notes
  return f
}

// The form → the body of POST /api/plan-applications or /api/adhoc-applications.
export function toContent(kind, form) {
  const om = form.om_status
  const body = {
    name: trim(form.name), plan_year: form.plan_year, category: form.category,
    build_kind: form.category === 'BUILD' ? form.build_kind : null,
    system: needsExisting(form) ? { existing_system_id: trim(form.existing_system_id) } : { new_system_name: trim(form.new_system_name) },
    policy_basis: form.policy_basis.filter((b) => trim(b.title) || trim(b.doc_number) || b.level)
      .map((b) => ({ title: trim(b.title), doc_number: trim(b.doc_number), level: b.level })),
    need: trim(form.need), objectives: trim(form.objectives), intensive_sharing: trim(form.intensive_sharing),
    infrastructure: { ...form.infrastructure }, content: trim(form.content),
    standards: form.standards_text.split('\n').map((l) => l.trim()).filter(Boolean),
    estimate_fen: toFen(form.estimate_yuan) || 0,
    funding_sources: form.funding_sources.filter((s) => s.amount_yuan > 0).map((s) => ({ type: s.type, amount_fen: toFen(s.amount_yuan) })),
    security_solution: trim(form.security_solution), flags: { ...form.flags },
    internal_review: { ...form.internal_review, signed_by: trim(form.internal_review.signed_by) || null },
    documents: { application_form: form.application_form, project_plan: form.project_plan },
    truthfulness_declared_by: trim(form.truthfulness_declared_by),
    scope: form.scope.system_type ? { budget_unit: form.scope.budget_unit, budget_funds: form.scope.budget_funds,
      system_type: form.scope.system_type, system_type_note: trim(form.scope.system_type_note) } : null,
    om_status: form.category === 'OM' ? {
      sharing_completeness: om.sharing_completeness || null, sharing_timeliness: om.sharing_timeliness || null,
      protection_level: om.protection_level || null, last_security_test_on: om.last_security_test_on || null,
      crypto_assessment: trim(om.crypto_assessment),
    } : null,
    origin: form.origin,
    superior_funding: form.origin === 'SUPERIOR_FUNDED' ? { amount_fen: toFen(form.superior_funding.amount_yuan) || 0,
      issuer: trim(form.superior_funding.issuer), document: form.superior_funding.document } : null,
  }
  if (kind === 'PLAN') body.rank = form.rank
  else {
    body.adhoc_reason = form.origin === 'ADHOC' ? form.adhoc_reason || null : null
    body.requirement_document = form.origin === 'ADHOC' && form.adhoc_reason === 'SUPERIOR_REQUIREMENT' ? form.requirement_document : null
  }
  return body
}

// §6.1 (and §6.2 for an ad-hoc application): each item, whether the form has it, and its article.
export function checklist(kind, form) {
  const fundsTotal = form.funding_sources.reduce((n, s) => n + (toFen(s.amount_yuan) || 0), 0)
  const estimate = toFen(form.estimate_yuan) || 0
  const review = form.internal_review
  const om = form.om_status
  const items = [
    { key: 'scope', label: '适用范围声明（市级预算单位、预算资金、系统类型）', article: '第二条',
      ok: form.scope.budget_unit && form.scope.budget_funds && !!form.scope.system_type &&
        (form.scope.system_type !== 'OTHER' || !!trim(form.scope.system_type_note)) },
    { key: 'basics', label: '项目名称、计划年度', article: '第七条', ok: trim(form.name).length >= 2 && !!form.plan_year },
    { key: 'category', label: '类别（建设类/运维类）及建设性质', article: '第七条', ok: !!form.category && (form.category === 'OM' || !!form.build_kind) },
    { key: 'system', label: needsExisting(form) ? '已有系统编号' : '新建系统名称', article: '第七条',
      ok: needsExisting(form) ? !!trim(form.existing_system_id) : !!trim(form.new_system_name) },
    { key: 'policy_basis', label: '政策依据（标题、文号、层级）', article: '第六条',
      ok: form.policy_basis.some((b) => trim(b.title) && trim(b.doc_number) && b.level) },
    { key: 'need', label: '需求', article: '第六条', ok: !!trim(form.need) },
    { key: 'objectives', label: '建设目标', article: '第六条', ok: !!trim(form.objectives) },
    { key: 'intensive_sharing', label: '集约建设与整合共享', article: '第六条', ok: !!trim(form.intensive_sharing) },
    { key: 'infrastructure', label: '公共基础设施依托情况声明', article: '第二十条', ok: true },
    { key: 'standards', label: '遵循的标准规范', article: '第六条', ok: !!trim(form.standards_text) },
    { key: 'content', label: form.category === 'OM' ? '运维内容' : '建设内容', article: '第六条', ok: !!trim(form.content) },
    { key: 'estimate', label: '投资估算（大于零）', article: '第六条', ok: estimate > 0 },
    { key: 'funding_sources', label: '资金来源合计等于投资估算', article: '第六条', ok: estimate > 0 && fundsTotal === estimate },
    { key: 'security_solution', label: '信息安全解决方案', article: '第六条', ok: !!trim(form.security_solution) },
    { key: 'internal_review', label: '内部审核（必要性、可行性、完整性、规范性）并签署', article: '第七条',
      ok: review.necessity && review.feasibility && review.completeness && review.conformity && !!trim(review.signed_by) },
  ]
  if (kind === 'PLAN') items.push({ key: 'rank', label: '本单位同类项目排序', article: '第七条', ok: form.rank >= 1 })
  items.push(
    { key: 'application_form', label: '申报书', article: '第七条', ok: !!form.application_form },
    { key: 'project_plan', label: '项目方案', article: '第七条', ok: !!form.project_plan },
    { key: 'truthfulness', label: '真实性声明', article: '第三十一条', ok: !!trim(form.truthfulness_declared_by) },
  )
  if (form.category === 'OM') {
    items.push({ key: 'om_status', label: '现有系统共享与安全情况（运维类）', article: '第十四条',
      ok: !!om.sharing_completeness && !!om.sharing_timeliness && !!om.protection_level && !!om.last_security_test_on && !!trim(om.crypto_assessment) })
  }
  if (kind === 'ADHOC' && form.origin === 'ADHOC') {
    items.push({ key: 'adhoc_reason', label: '追加原因（上级要求/工作需要）', article: '第九条', ok: !!form.adhoc_reason })
    if (form.adhoc_reason === 'SUPERIOR_REQUIREMENT') {
      items.push({ key: 'requirement_document', label: '上级要求文件', article: '第九条', ok: !!form.requirement_document })
    }
  }
  if (form.origin === 'SUPERIOR_FUNDED') {
    const amount = toFen(form.superior_funding.amount_yuan) || 0
    items.push({ key: 'superior_funding', label: '上级资金文件及金额（不超过投资估算）', article: '第九条',
      ok: !!form.superior_funding.document && amount > 0 && (estimate === 0 || amount <= estimate) })
  }
  return items
}
