// What a person does on the portal's screens, step by step.
const path = require('path')
const { expect } = require('@playwright/test')
const { PASSWORD, PDF, SCREENSHOTS } = require('./scenario')

// A form field by its data-test name: Element Plus puts the attribute on the native input itself (el-input)
// or on a wrapper around it (el-input-number).
function field(page, id) {
  const sel = `[data-test="${id}"]`
  return page.locator(`input${sel}, textarea${sel}, ${sel} input, ${sel} textarea`).first()
}

async function login(page, username, { screenshot } = {}) {
  await page.goto('/login')
  await field(page, 'username').fill(username)
  await field(page, 'password').fill(PASSWORD)
  if (screenshot) await shot(page, screenshot)
  await page.locator('[data-test=login]').click()
  await expect(page).toHaveURL(/\/workbench/)
  await expect(page.locator('[data-test=current-user]')).toBeVisible()
}

async function logout(page) {
  await page.getByRole('button', { name: '退出登录' }).click()
  await expect(page).toHaveURL(/\/login/)
}

async function shot(page, name) {
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false })
}

async function pickOption(page, selectTestId, text) {
  await page.locator(`[data-test=${selectTestId}]`).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

async function chooseRadio(page, groupTestId, text) {
  await page.locator(`[data-test=${groupTestId}] label`).filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) }).click()
}

async function fillApplication(page, app, { files = true } = {}) {
  // 第二条: a municipal budget unit's project paid from budget funds, and what kind of system it is.
  await page.locator('[data-test=scope-budget-unit]').click()
  await page.locator('[data-test=scope-budget-funds]').click()
  await pickOption(page, 'scope-system-type', app.systemType || '重点业务信息系统')
  await field(page, 'app-name').fill(app.name)
  await field(page, 'app-year').fill(String(app.year))
  await field(page, 'app-year').press('Tab')
  await field(page, 'app-system').fill(app.system)
  if (app.rank != null) await field(page, 'app-rank').fill(String(app.rank))
  await field(page, 'basis-title-0').fill(app.basis.title)
  await field(page, 'basis-number-0').fill(app.basis.number)
  await pickOption(page, 'basis-level-0', app.basis.level)
  for (const [key, text] of Object.entries(app.texts)) await field(page, `app-${key}`).fill(text)
  await field(page, 'app-standards').fill(app.standards)
  await field(page, 'app-estimate').fill(app.estimateYuan)
  await field(page, 'funding-amount-0').fill(app.estimateYuan)
  await field(page, 'app-estimate').press('Tab')
  for (const aspect of ['necessity', 'feasibility', 'completeness', 'conformity']) {
    await page.locator(`[data-test=review-${aspect}]`).click()
  }
  await field(page, 'review-signed-by').fill(app.signer)
  await field(page, 'app-declared-by').fill(app.signer)
  if (files) {
    await page.locator('[data-test=upload-application-form-input]').setInputFiles(app.files.form)
    await expect(page.locator('[data-test=upload-application-form-done]')).toContainText(app.files.form.name)
    if (files !== 'form-only') {
      await page.locator('[data-test=upload-project-plan-input]').setInputFiles(app.files.plan)
      await expect(page.locator('[data-test=upload-project-plan-done]')).toContainText(app.files.plan.name)
    }
  }
}

// 政务办 opens the plan review of a submitted application from its workbench (第八条, T03).
async function openPlanReview(page, projectName) {
  await awaitWorkItem(page, projectName, '开启论证')
  await page.locator('[data-test=work-item-link]', { hasText: `开启“${projectName}”` }).click()
  await expect(page).toHaveURL(/action=open/)
  await page.locator('[data-test=submit-open-review]').click()
  await expect(page.locator('[data-test=open-review-form]')).toHaveCount(0)
}

// The project page's state, once planning has followed the event that changes it.
async function expectState(page, stateZh) {
  await expect.poll(async () => {
    await page.reload()
    return page.locator('[data-test=project-state]').innerText()
  }, { timeout: 30_000, intervals: [500, 1000] }).toBe(stateZh)
}

// Waits until the user's workbench lists an item about the project (events reach the services in a moment).
async function awaitWorkItem(page, projectName, action) {
  await expect.poll(async () => {
    await page.goto('/workbench')
    // The table is drawn before the items arrive; count them once they have.
    await page.locator('[data-test=work-items][data-loaded=true]').waitFor()
    const link = page.locator('[data-test=work-item-link]', { hasText: projectName })
    return action ? page.locator('.el-table__row', { has: link }).filter({ hasText: action }).count() : link.count()
  }, { timeout: 30_000, intervals: [500, 1000] }).toBeGreaterThan(0)
}

async function giveOpinion(page) {
  await chooseRadio(page, 'verdict', '同意')
  await field(page, 'opinion-necessity').fill('需求明确，确有必要')
  await field(page, 'opinion-feasibility').fill('技术路线可行')
  await field(page, 'opinion-security').fill('安全方案符合等保要求')
  await field(page, 'opinion-budget').fill('预算测算合理')
}

async function fillConclusion(page, opinion) {
  await chooseRadio(page, 'outcome', '列入年度计划草案')
  for (const k of ['policy_need', 'intensive_sharing', 'content_funding', 'security_solution']) {
    await page.locator(`[data-test=criterion-${k}] label`).filter({ hasText: /^\s*符合\s*$/ }).click()
  }
  await field(page, 'consolidated-opinion').fill(opinion)
}

// Uploads a small PDF through a FileUpload (data-test `${testId}-input`) and waits until it is listed as done.
async function uploadPdf(page, testId, name) {
  await page.locator(`[data-test=${testId}-input]`).setInputFiles({ name, mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.from(`% ${name}\n`)]) })
  await expect(page.locator(`[data-test=${testId}-done]`)).toContainText(name)
}

// Counts the requests a page sends to one API path with one method.
function countRequests(page, method, pathname) {
  const seen = []
  page.on('request', (req) => {
    if (req.method() === method && new URL(req.url()).pathname === pathname) seen.push(req)
  })
  return seen
}

module.exports = { field, login, logout, shot, pickOption, chooseRadio, fillApplication, giveOpinion, fillConclusion, countRequests,
  openPlanReview, awaitWorkItem, expectState, uploadPdf }
