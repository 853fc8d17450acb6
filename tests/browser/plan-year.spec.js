// One plan year through the portal (第七条、第八条): 政务办 opens the call; a department applies (stopped for a
// missing document, refused outside the call, then filed), saves a second one as a draft and finishes it later,
// re-ranks; 政务办 opens the reviews and returns one for correction, the department resubmits it; the bureaus give
// opinions, 政务办 concludes, closes the call, compiles and submits the plan; the leading group strikes one item
// and approves; 发改 sees the plan listing and everyone downloads the plan.
const { test, expect } = require('@playwright/test')
const { CYCLE_YEAR, application } = require('./scenario')
const h = require('./helpers')

const { field } = h

function todayPlus(days) {
  const d = new Date(Date.now() + days * 86_400_000)
  return d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
}

async function pickDate(page, testId, iso) {
  const input = field(page, testId)
  await input.fill(iso)
  await input.press('Enter')
}

async function opinionsFromAllBureaus(page, names) {
  for (const bureau of ['wx', 'fg', 'gx', 'cz']) {
    await h.login(page, bureau)
    for (const name of names) {
      await h.awaitWorkItem(page, name, '出具意见')
      await page.locator('[data-test=work-item-link]', { hasText: name }).first().click()
      await h.giveOpinion(page)
      await page.locator('[data-test=submit-opinion]').click()
      await expect(page.locator('[data-test=opinion-form]')).toHaveCount(0)
    }
    await h.logout(page)
  }
}

test.describe.serial('one plan year', () => {
  const first = application('城市运行管理平台', { year: CYCLE_YEAR, rank: 1 })
  const second = application('智慧交通信号系统', { year: CYCLE_YEAR, rank: 2 })
  const closesOn = todayPlus(20)
  const urls = {}

  test('a department is stopped for a missing document and refused before the call; 政务办 opens the call', async ({ page, browser }) => {
    await h.login(page, 'police')
    await page.goto(`/apply?year=${CYCLE_YEAR}`)
    await expect(page.locator('[data-test=call-status]')).toContainText('尚未发布年度计划申报通知')
    await h.fillApplication(page, first, { files: 'form-only' })
    // The checklist shows what is missing, with its article; the form does not send.
    const missing = page.locator('[data-test=check-project_plan]')
    await expect(missing).toHaveAttribute('data-state', 'missing')
    await expect(missing).toContainText('第七条')
    await page.locator('[data-test=submit-application]').click()
    await expect(page.locator('.el-form-item__error', { hasText: '须上传项目方案（第七条）' })).toBeVisible()
    await h.shot(page, 'application-checklist')

    await page.locator('[data-test=upload-project-plan-input]').setInputFiles(first.files.plan)
    await expect(missing).toHaveAttribute('data-state', 'present')
    await page.locator('[data-test=submit-application]').click()
    await expect(page.locator('[data-test=refusal-reason]')).toContainText(`该年度尚未发布年度计划申报通知`)
    await expect(page.locator('[data-test=refusal-article]')).toHaveText('第七条')

    // 政务办, in its own browser, opens the call: from yesterday to 20 days on, both days included.
    const zwbContext = await browser.newContext()
    const zwb = await zwbContext.newPage()
    await h.login(zwb, 'zwb')
    await zwb.goto('/plan-calls')
    await field(zwb, 'call-year').fill(String(CYCLE_YEAR))
    await pickDate(zwb, 'call-opens', todayPlus(-1))
    await pickDate(zwb, 'call-closes', closesOn)
    await field(zwb, 'call-notice').fill('请各单位按第七条要求于截止日前提交申报书和项目方案')
    await zwb.locator('[data-test=submit-call]').click()
    await expect(zwb.locator(`[data-test=call-status-${CYCLE_YEAR}]`)).toHaveText('申报中')
    await h.shot(zwb, 'plan-calls')
    await zwbContext.close()

    // The same form, sent again, is accepted now.
    await page.locator('[data-test=submit-application]').click()
    await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/)
    urls.first = new URL(page.url()).pathname
  })

  test('a department saves a draft, finds it on its workbench with the call\'s closing day, and files it', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto(`/apply?year=${CYCLE_YEAR}`)
    await expect(page.locator('[data-test=call-window]')).toContainText(closesOn)
    await h.fillApplication(page, second)
    await page.locator('[data-test=save-draft]').click()
    await expect(page).toHaveURL(/project=[0-9a-f-]{36}/)

    await page.goto('/workbench')
    const row = page.locator('.el-table__row', { hasText: second.name })
    await expect(row).toContainText(closesOn)
    await row.locator('[data-test=work-item-link]').click()
    await page.locator('[data-test=edit-application]').click()
    await expect(field(page, 'app-name')).toHaveValue(second.name)
    await page.locator('[data-test=submit-application]').click()
    await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/)
    urls.second = new URL(page.url()).pathname
  })

  test('the department puts its second application first', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto(`/rankings?year=${CYCLE_YEAR}&category=BUILD`)
    const names = page.locator('[data-test=ranking-name]')
    await expect(names).toHaveText([first.name, second.name])
    await page.locator('[data-test=move-up-1]').click()
    await page.locator('[data-test=save-ranking]').click()
    await expect(page.locator('[data-test=save-ranking]')).toBeDisabled()
    await page.reload()
    await expect(names).toHaveText([second.name, first.name])
    await h.shot(page, 'ranking')
  })

  test('政务办 opens both reviews and returns one for correction with its reason', async ({ page }) => {
    await h.login(page, 'zwb')
    await h.openPlanReview(page, first.name)
    await h.openPlanReview(page, second.name)
    await h.expectState(page, '计划论证中')
    await field(page, 'return-reason').fill('安全方案未写明等保测评安排，请补充后重新提交')
    await page.locator('[data-test=submit-return]').click()
    await expect(page.locator('[data-test=review-closing]')).toContainText('安全方案未写明等保测评安排')
  })

  test('the department reads the reason, corrects and resubmits as version 2; 政务办 opens it again', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto(urls.second)
    await expect.poll(async () => {
      await page.reload()
      await page.locator('[data-test=timeline]').waitFor()
      return page.locator('[data-test=returned-reason]').count()
    }, { timeout: 30_000 }).toBe(1)
    await expect(page.locator('[data-test=returned-reason]')).toContainText('安全方案未写明等保测评安排')
    await page.locator('[data-test=edit-application]').click()
    await expect(page.locator('[data-test=returned-reason]')).toContainText('请补充后重新提交')
    await field(page, 'app-security_solution').fill('按等保三级建设，上线前完成等保测评和密码应用安全性评估')
    await page.locator('[data-test=submit-application]').click()
    await expect(page).toHaveURL(new RegExp(`${urls.second}$`))
    await expect(page.locator('[data-test=facts]')).toContainText('第 2 版')
    await h.logout(page)

    await h.login(page, 'zwb')
    await h.openPlanReview(page, second.name)
  })

  test('the bureaus give their opinions and 政务办 concludes both', async ({ page }) => {
    await opinionsFromAllBureaus(page, [first.name, second.name])
    await h.login(page, 'zwb')
    for (const url of [urls.first, urls.second]) {
      await page.goto(`${url}?action=conclusion`)
      await h.fillConclusion(page, '四部门均同意，列入年度计划草案')
      await page.locator('[data-test=submit-conclusion]').click()
      await expect(page.locator('[data-test=conclusion]')).toContainText('列入年度计划草案')
      await h.expectState(page, '已列入计划草案')
    }
  })

  test('政务办 closes the call, compiles the plan in its own order and submits it', async ({ page }) => {
    await h.login(page, 'zwb')
    await page.goto('/plan-calls')
    await page.locator(`[data-test=close-call-${CYCLE_YEAR}]`).click()
    await page.locator('.el-message-box__btns button', { hasText: '截止申报' }).click()
    await expect(page.locator(`[data-test=call-status-${CYCLE_YEAR}]`)).toHaveText('已截止')

    await page.locator(`[data-test=plan-of-${CYCLE_YEAR}]`).click()
    await expect(page.locator('[data-test=no-plan]')).toBeVisible()
    await page.locator('[data-test=compile-plan]').click()
    const build = page.locator('[data-test=section-BUILD] [data-test=plan-item]')
    // By default the department's priority decides: the second application was put first.
    await expect(build).toHaveText([second.name, first.name])
    await page.locator('[data-test=BUILD-down-0]').click()
    await page.locator('[data-test=compile-plan]').click()
    await expect(build).toHaveText([first.name, second.name])
    await expect(page.locator('[data-test=section-OM]')).toContainText('无项目')
    await h.shot(page, 'plan-compiler')
    await page.locator('[data-test=submit-plan]').click()
    await expect(page.locator('[data-test=plan-status]')).toHaveText('已报领导小组审定')
  })

  test('the leading group strikes one item with its reason and approves with a document number', async ({ page }) => {
    await h.login(page, 'lg')
    await h.awaitWorkItem(page, `${CYCLE_YEAR}年度`, '审定')
    await page.locator('[data-test=work-item-link]', { hasText: `${CYCLE_YEAR}年度` }).click()
    await expect(page).toHaveURL(new RegExp(`/annual-plans/${CYCLE_YEAR}$`))
    const secondId = urls.second.split('/').pop()
    await page.locator(`[data-test=strike-${secondId}]`).click()
    await field(page, `strike-reason-${secondId}`).fill('与市级交通大脑建设内容重复')
    await field(page, 'approve-document-number').fill(`连信领〔${CYCLE_YEAR - 1}〕3号`)
    await field(page, 'approve-note').fill('同意列入，删除与交通大脑重复的项目')
    await h.shot(page, 'plan-approval')
    await page.locator('[data-test=approve-plan]').click()
    await expect(page.locator('[data-test=plan-status]')).toHaveText('已审定')
    await expect(page.locator('[data-test=plan-document]')).toHaveText(`连信领〔${CYCLE_YEAR - 1}〕3号`)
    await expect(page.locator('[data-test=section-BUILD]')).toContainText('领导小组删除：与市级交通大脑建设内容重复')
  })

  test('发改 sees the plan listing and downloads the plan as Excel and PDF', async ({ page }) => {
    await h.login(page, 'fg')
    await page.goto(urls.first)
    await expect.poll(async () => {
      await page.reload()
      await page.locator('[data-test=facts]').waitFor()
      return page.locator('[data-test=plan-listing]').count()
    }, { timeout: 30_000, intervals: [500, 1000] }).toBe(1)
    await expect(page.locator('[data-test=plan-listing]')).toContainText(`已列入 ${CYCLE_YEAR} 年度建设计划`)
    await h.expectState(page, '已列入年度计划')

    await page.goto(`/annual-plans/${CYCLE_YEAR}`)
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-plan-xlsx]').click()])
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/)
    expect(require('fs').readFileSync(await xlsx.path()).subarray(0, 2).toString()).toBe('PK')
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-plan-pdf]').click()])
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/)
    expect(require('fs').readFileSync(await pdf.path()).subarray(0, 5).toString()).toBe('%PDF-')
    await h.shot(page, 'annual-plan')
  })
})
