// The setup of the browser tests in one place: which application the department files and what has to be in
// place before it may (a call window: the suite fixture opens next year's; the plan-year spec has 政务办 open
// its own in the browser) and before the bureaus may give opinions (a plan review 政务办 opened).
const path = require('path')

const PASSWORD = 'Demo@2026'
const SCREENSHOTS = path.resolve(__dirname, '../../docs/screenshots')
const PLAN_YEAR = new Date().getFullYear() + 1
// Each spec has its own plan year, so one spec's call, ranks and plan never meet another's.
const CYCLE_YEAR = PLAN_YEAR + 1 // plan-year.spec.js: 政务办 opens this call in the browser
const ADHOC_YEAR = PLAN_YEAR + 2 // adhoc.spec.js: no call (第九条)
const APPROVAL_YEAR = PLAN_YEAR + 3 // approval.spec.js: its plan is set up over the API, then 发改 approves in the browser
const FULL_APPROVAL_YEAR = PLAN_YEAR + 4 // approval-full.spec.js: the same set-up, then every stage to the approved 概算
const RUN = Date.now().toString(36).slice(-5)
// Ranks are unique within a unit's category and year (第七条); a run's own keep reruns on one suite apart.
const RANK_BASE = (Date.now() % 100_000) * 10

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')

function application(name, { rank = 1, year = PLAN_YEAR } = {}) {
  return {
    name: `${name}（${RUN}）`,
    rank: rank == null ? null : RANK_BASE + rank,
    year,
    system: '警务数据中台',
    basis: { title: '关于加快推进数字政府建设的实施意见', number: '连政发〔2026〕12号', level: '市委/市政府' },
    texts: {
      need: '现有系统分散，数据无法共享', objectives: '建成统一的警务数据平台',
      intensive_sharing: '依托政务云与大数据中心，数据通过共享交换平台开放', content: '数据汇聚、治理、分析三个子系统',
      security_solution: '按等保三级建设，密码应用符合 GB/T 39786',
    },
    standards: 'GB/T 22239-2019 信息安全技术 网络安全等级保护基本要求',
    estimateYuan: '1000000',
    signer: '孙局长',
    files: {
      form: { name: '申报书.pdf', mimeType: 'application/pdf', buffer: PDF },
      plan: { name: '项目方案.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.from('% plan\n')]) },
    },
  }
}

// 政务办's call for next year's plan is opened by the suite fixture (test_portal_browser.py's conftest), before
// any spec runs; the plan-year spec opens its own year's call in the browser.
async function openCallWindow(/* request */) {}

// Wait until the bureau's workbench lists the review 政务办 opened.
async function awaitPlanReview(page, projectName) {
  const { expect } = require('@playwright/test')
  await expect.poll(async () => {
    await page.goto('/workbench')
    await page.locator('[data-test=work-items][data-loaded=true]').waitFor()
    return page.locator('[data-test=work-item-link]', { hasText: projectName }).count()
  }, { timeout: 30_000, intervals: [500, 1000] }).toBeGreaterThan(0)
}

module.exports = { PASSWORD, SCREENSHOTS, PLAN_YEAR, CYCLE_YEAR, ADHOC_YEAR, APPROVAL_YEAR, FULL_APPROVAL_YEAR, PDF, application, openCallWindow, awaitPlanReview }
