// A cross-department framework (第十二条) through the portal: two departments file their projects; the lead drafts
// the framework with the participant and its sub-project, and the saved draft shows the overlap of their content
// (R-12-3); determining it is refused with the reason and article; the lead fixes the allocation in a new version,
// the participant confirms that version from its workbench (R-12-4) and the lead determines it (T90).
const { test, expect } = require('@playwright/test')
const { ADHOC_YEAR, PASSWORD, application } = require('./scenario')
const h = require('./helpers')

const { field } = h

// Codes are leaves of approval's default taxonomy. A framework determined earlier on the same suite keeps its codes
// (R-12-3 across frameworks), so the spec takes two that no determined framework holds.
const LEAVES = ['APP.SERVICE', 'APP.OFFICE', 'APP.REGULATION', 'APP.EMERGENCY', 'APP.DECISION', 'APP.PORTAL',
  'SUPPORT.IDENTITY', 'SUPPORT.EXCHANGE', 'SUPPORT.SEAL', 'SUPPORT.GIS', 'SUPPORT.MESSAGE', 'DATA.THEME', 'DATA.LICENSE']
const overlap = (a, b) => a === b || a.startsWith(b + '.') || b.startsWith(a + '.')

async function freeCodes(request) {
  await request.post('/api/auth/login', { data: { username: 'zwb', password: PASSWORD } })
  const taken = []
  const list = await (await request.get('/api/frameworks?status=DETERMINED&page_size=200')).json()
  for (const f of list.items) {
    const fw = await (await request.get(`/api/frameworks/${f.framework_id}`)).json()
    taken.push(...fw.content.allocation.map((a) => a.code))
  }
  const free = LEAVES.filter((code) => !taken.some((t) => overlap(code, t)))
  expect(free.length).toBeGreaterThanOrEqual(2)
  return free
}

async function fileAdhoc(page, app) {
  await page.goto('/adhoc')
  await h.fillApplication(page, app)
  await h.chooseRadio(page, 'app-adhoc-reason', '工作需要')
  await page.locator('[data-test=submit-application]').click()
  await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/)
  return new URL(page.url()).pathname.split('/').pop()
}

async function section(page, i, text) {
  await field(page, `dept-${i}-business-flow`).fill(`${text}业务流程`)
  await page.locator(`[data-test=dept-${i}-add-flow]`).click()
  await field(page, `dept-${i}-flow-0`).fill(`${text}业务数据`)
  await page.locator(`[data-test=dept-${i}-add-interface]`).click()
  await field(page, `dept-${i}-interface-0`).fill(`${text}数据接口`)
}

async function allocate(page, i, { id, code, name, unit }) {
  await page.locator('[data-test=add-allocation]').click()
  await field(page, `alloc-id-${i}`).fill(id)
  await h.pickOption(page, `alloc-code-${i}`, code)
  await field(page, `alloc-name-${i}`).fill(name)
  await h.pickOption(page, `alloc-unit-${i}`, unit)
}

test.describe.serial('a cross-department framework', () => {
  const leadApp = application('市域社会治理一体化平台', { year: ADHOC_YEAR, rank: null })
  const eduApp = application('智慧教育入学服务子系统', { year: ADHOC_YEAR, rank: null })
  let eduProject
  let codes
  let url

  test('the two departments file their projects', async ({ page, request }) => {
    codes = await freeCodes(request)
    await h.login(page, 'edu')
    eduProject = await fileAdhoc(page, eduApp)
    await h.logout(page)
    await h.login(page, 'police')
    await fileAdhoc(page, leadApp)
  })

  test('the lead drafts a framework whose content overlaps, and determining it is refused', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto('/frameworks')
    await page.locator('[data-test=new-framework]').click()
    await field(page, 'fw-title').fill(leadApp.name)
    await h.pickOption(page, 'fw-overall', leadApp.name)
    await field(page, 'fw-goals').fill('建成市域社会治理一体化平台，实现公安与教育业务协同')
    await field(page, 'fw-main-content').fill('统一受理、数据共享、协同处置')
    await field(page, 'participant-unit-0').fill('edu')
    await field(page, 'participant-name-0').fill('市教育局')
    await field(page, 'participant-project-0').fill(eduProject)
    await section(page, 0, '公安')
    await section(page, 1, '教育')
    await page.locator('[data-test=add-catalog]').click()
    await field(page, 'catalog-code-0').fill('EDU-001')
    await field(page, 'catalog-name-0').fill('学生学籍信息')
    await h.pickOption(page, 'catalog-provider-0', '市教育局')
    await field(page, 'catalog-items-0').fill('姓名、学籍号')
    await allocate(page, 0, { id: 'A1', code: codes[0], name: '统一受理', unit: '市公安局' })
    await allocate(page, 1, { id: 'B1', code: codes[0], name: '入学服务受理', unit: '市教育局' })
    // approval learns of the sub-project from planning's event; until then the project is "not of that department".
    await expect.poll(async () => {
      await page.locator('[data-test=save-framework]').click()
      await page.waitForURL(/\/frameworks\/[0-9a-f-]{36}$/, { timeout: 3000 }).catch(() => {})
      return /\/frameworks\/[0-9a-f-]{36}$/.test(page.url())
    }, { timeout: 30_000, intervals: [1000] }).toBe(true)
    url = new URL(page.url()).pathname
    await expect(page.locator('[data-test=framework-version]')).toHaveText('第 1 版')
    await expect(page.locator('[data-test=framework-conflict]').first()).toContainText('建设内容代码重叠')
    await expect(page.locator('[data-test=framework-conflict]').first()).toContainText('入学服务受理')
    await page.locator('[data-test=determine-framework]').click()
    await expect(page.locator('[data-test=refusal-article]').first()).toHaveText('第十二条')
    await expect(page.locator('[data-test=refusal-reason]').first()).toContainText('重复交叉')
    await h.shot(page, 'framework-overlap')
  })

  test('the lead fixes the allocation in version 2; the participant confirms it from its workbench', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto(url)
    await page.locator('[data-test=edit-framework]').click()
    await h.pickOption(page, 'alloc-code-1', codes[1])
    await page.locator('[data-test=save-framework]').click()
    await expect(page.locator('[data-test=framework-version]')).toHaveText('第 2 版')
    await expect(page.locator('[data-test=no-conflicts]')).toBeVisible()
    // Not yet confirmed by the participant (R-12-4).
    await page.locator('[data-test=determine-framework]').click()
    await expect(page.locator('[data-test=refusal-reason]').first()).toContainText('市教育局')
    await h.logout(page)

    await h.login(page, 'edu')
    await h.awaitWorkItem(page, leadApp.name, '确认方案')
    await page.locator('[data-test=work-item-link]', { hasText: leadApp.name }).click()
    await expect(page.locator('[data-test=framework-version]')).toHaveText('第 2 版')
    await page.locator('[data-test=confirm-framework]').click()
    await expect(page.locator('[data-test=confirmed-edu]')).toBeVisible()
  })

  test('the lead determines the framework', async ({ page }) => {
    await h.login(page, 'police')
    await h.awaitWorkItem(page, leadApp.name, '确定方案')
    await page.locator('[data-test=work-item-link]', { hasText: leadApp.name }).click()
    await page.locator('[data-test=determine-framework]').click()
    await expect(page.locator('[data-test=framework-status]')).toHaveText('已确定')
    await expect(page.locator('[data-test=determine-framework]')).toHaveCount(0)
    await h.shot(page, 'framework-determined')
  })
})
