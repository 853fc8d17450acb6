// The part of Chapter 2 that Chapter 3's specs take as given, over the HTTP API (the plan-year spec shows those
// screens): 政务办's call for the spec's own plan year, the department's application, the plan review with the
// four bureaus' opinions, the annual plan compiled, submitted and approved by the leading group, and 发改's copy
// of it listing the project. Each spec passes its own plan year (scenario.js), so their plans never meet.
const { expect, request: playwrightRequest } = require('@playwright/test')
const { PASSWORD } = require('./scenario')

const BASE_URL = process.env.ITPM_BASE_URL || 'http://127.0.0.1:8080'
const OPINION = { verdict: 'AGREE', necessity: '确有必要', feasibility: '方案可行', security: '安全可控', budget: '预算合理' }
const CRITERIA = { policy_need: 'MET', intensive_sharing: 'MET', content_funding: 'MET', security_solution: 'MET' }

const today = (days = 0) => new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
let keys = 0
const key = () => `browser-setup-${Date.now()}-${keys++}`

// One signed-in user on the HTTP API.
async function apiAs(username) {
  const ctx = await playwrightRequest.newContext({ baseURL: BASE_URL })
  const login = await ctx.post('/api/auth/login', { data: { username, password: PASSWORD } })
  expect(login.status()).toBe(200)
  const headers = { Authorization: `Bearer ${(await login.json()).token}` }
  const call = async (method, url, data, expected) => {
    const res = await ctx.fetch(url, { method, data, headers: { ...headers, 'Idempotency-Key': key() } })
    const body = await res.json().catch(() => null)
    if (expected) expect(res.status(), `${method} ${url}: ${JSON.stringify(body)}`).toBe(expected)
    return { status: res.status(), body }
  }
  return {
    post: (url, data, expected = 201) => call('POST', url, data, expected),
    get: (url) => call('GET', url),
    upload: async (name, buffer) => {
      const res = await ctx.post('/api/documents', { headers, multipart: { file: { name, mimeType: 'application/pdf', buffer } } })
      expect(res.status()).toBe(201)
      return res.json()
    },
    // Events reach the services in a moment: ask until the answer is what the next step needs.
    until: async (url, ok) => {
      let last
      await expect.poll(async () => { last = await call('GET', url); return last.status === 200 && ok(last.body) },
        { timeout: 30_000, intervals: [500, 1000] }).toBe(true)
      return last.body
    },
    retry: async (url, data, expected) => {
      await expect.poll(async () => (await call('POST', url, data)).status, { timeout: 30_000, intervals: [500, 1000] }).toBe(expected)
    },
  }
}

// Answers the id of the department's project, PLANNED in the approved plan of `year` and listed in 发改's copy.
async function plannedProject(app, year, { estimateFen = 300_000_000 } = {}) {
  const [zwb, police, lg, fg] = await Promise.all(['zwb', 'police', 'lg', 'fg'].map(apiAs))
  await zwb.post('/api/plan-calls', { plan_year: year, opens_on: today(-1), closes_on: today(20), notice: '立项审批测试年度' })
  const documents = {
    application_form: await police.upload('申报书.pdf', app.files.form.buffer),
    project_plan: await police.upload('项目方案.pdf', app.files.plan.buffer),
  }
  const { body: project } = await police.post('/api/plan-applications', {
    name: app.name, plan_year: year, category: 'BUILD', build_kind: 'NEW', system: { new_system_name: app.system },
    policy_basis: [{ title: app.basis.title, doc_number: app.basis.number, level: app.basis.level }],
    need: app.texts.need, objectives: app.texts.objectives, intensive_sharing: app.texts.intensive_sharing,
    infrastructure: { egov_network: true, gov_cloud: true, bigdata_center: true, lyg_app: false }, standards: [app.standards],
    content: app.texts.content, estimate_fen: estimateFen, funding_sources: [{ type: 'MUNICIPAL', amount_fen: estimateFen }],
    security_solution: app.texts.security_solution, rank: app.rank, documents, truthfulness_declared_by: app.signer,
    internal_review: { necessity: true, feasibility: true, completeness: true, conformity: true, signed_by: app.signer },
    scope: { budget_unit: true, budget_funds: true, system_type: 'BUSINESS_SYSTEM' },
  })
  await zwb.retry(`/api/projects/${project.id}/review/open`, {}, 201)
  for (const bureau of ['wx', 'fg', 'gx', 'cz']) await (await apiAs(bureau)).post(`/api/projects/${project.id}/review/opinions`, OPINION)
  await zwb.post(`/api/projects/${project.id}/review/conclusion`, { outcome: 'DRAFT', consolidated_opinion: '四部门均同意', criteria: CRITERIA }, 200)
  await zwb.until(`/api/projects/${project.id}`, (p) => p.state === 'PLAN_DRAFTED')
  await zwb.post(`/api/plan-calls/${year}/close`, {}, 200)
  const { body: plan } = await zwb.post(`/api/annual-plans/${year}/compile`, { build_order: [project.id] }, 200)
  await zwb.post(`/api/annual-plans/${year}/submit`, { expected_version: plan.version }, 200)
  await lg.post(`/api/annual-plans/${year}/approve`, { document_number: `连信领〔${year - 1}〕9号`, note: '同意' }, 200)
  await fg.until(`/api/projects/${project.id}/approval-entry`, (e) => e.may_enter && e.plan_listed)
  await police.until(`/api/projects/${project.id}`, (p) => p.state === 'PLANNED')
  return project.id
}

module.exports = { BASE_URL, apiAs, plannedProject }
