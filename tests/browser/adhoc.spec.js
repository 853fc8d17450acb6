// An ad-hoc project (第九条) through the portal: a department files it with its reason; 政务办's attempt to open
// the joint review before 财政 has confirmed the funding is refused with the reason and article; 财政 confirms
// from its workbench; 政务办 records the special report, opens the joint review; the four bureaus give opinions
// with the same form; 政务办 concludes PASS.
const { test, expect } = require('@playwright/test')
const { ADHOC_YEAR, application } = require('./scenario')
const h = require('./helpers')

const { field } = h

test.describe.serial('an ad-hoc project', () => {
  const app = application('防汛应急指挥调度系统', { year: ADHOC_YEAR, rank: null })
  let url

  test('a department files an ad-hoc application with its reason', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto('/adhoc')
    await expect(page.locator('[data-test=call-status]')).toHaveCount(0)
    await expect(page.locator('[data-test=app-rank]')).toHaveCount(0)
    await h.fillApplication(page, app)
    await expect(page.locator('[data-test=check-adhoc_reason]')).toHaveAttribute('data-state', 'missing')
    await h.chooseRadio(page, 'app-adhoc-reason', '工作需要')
    await expect(page.locator('[data-test=check-adhoc_reason]')).toHaveAttribute('data-state', 'present')
    await h.shot(page, 'adhoc-application')
    await page.locator('[data-test=submit-application]').click()
    await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/)
    url = new URL(page.url()).pathname
    await expect(page.locator('[data-test=project-state]')).toHaveText('临时申报待资金确认')
  })

  test('政务办 cannot open the joint review before 财政 confirms the funding, and is told why', async ({ page }) => {
    await h.login(page, 'zwb')
    await h.awaitWorkItem(page, app.name, '开启联审')
    await expect(page.locator('.el-table__row', { hasText: app.name })).toContainText('暂不能开启')
    await page.locator('[data-test=work-item-link]', { hasText: app.name }).click()
    await page.locator('[data-test=submit-open-joint-review]').click()
    await expect(page.locator('[data-test=refusal-article]')).toHaveText('第九条')
    await expect(page.locator('#open [data-test=refusal-reason]')).toContainText('资金')
    await h.shot(page, 'adhoc-refusal')
  })

  test('财政 confirms the funding from its workbench', async ({ page }) => {
    await h.login(page, 'cz')
    await h.awaitWorkItem(page, app.name, '确认资金')
    await page.locator('.el-table__row', { hasText: '资金落实确认' }).locator('[data-test=work-item-link]', { hasText: app.name }).click()
    await expect(page).toHaveURL(/action=funding-confirmation/)
    await h.chooseRadio(page, 'funding-result', '资金已落实')
    await field(page, 'funding-note').fill('已列入 2026 年市级财政预算追加安排')
    await field(page, 'funding-basis').fill('连财预〔2026〕21号')
    await h.shot(page, 'funding-confirmation')
    await page.locator('[data-test=submit-funding]').click()
    await expect(page.locator('[data-test=funding-form]')).toHaveCount(0)
    await expect(page.locator('[data-test=funding-status]')).toContainText('资金已落实')
  })

  test('政务办 records the special report and opens the joint review', async ({ page }) => {
    await h.login(page, 'zwb')
    await page.goto(url)
    await field(page, 'report-reference').fill('连政务专报〔2026〕5号')
    const date = field(page, 'report-date')
    await date.fill(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }))
    await date.press('Enter')
    await page.locator('[data-test=submit-special-report]').click()
    await expect(page.locator('.el-message--success', { hasText: '专题报告已登记' })).toBeVisible()
    // review follows 财政's confirmation through its event; until then the opening is refused as before.
    await expect.poll(async () => {
      await page.goto(url)
      await page.locator('[data-test=timeline]').waitFor()
      const button = page.locator('[data-test=submit-open-joint-review]')
      if (!(await button.count())) return 'opened'
      await button.click()
      await page.locator('[data-test=open-joint-review-form] [data-test=refusal], [data-test=opinions]').first().waitFor()
      return (await page.locator('[data-test=submit-open-joint-review]').count()) ? 'refused' : 'opened'
    }, { timeout: 30_000, intervals: [1000] }).toBe('opened')
    await h.expectState(page, '联合论证中')
  })

  test('the four bureaus give opinions and 政务办 concludes PASS', async ({ page }) => {
    for (const bureau of ['wx', 'fg', 'gx', 'cz']) {
      await h.login(page, bureau)
      await h.awaitWorkItem(page, app.name, '出具意见')
      await expect(page.locator('.el-table__row', { hasText: app.name })).toContainText('追加项目联审意见')
      await page.locator('[data-test=work-item-link]', { hasText: app.name }).click()
      await h.giveOpinion(page)
      await page.locator('[data-test=submit-opinion]').click()
      await expect(page.locator('[data-test=opinion-form]')).toHaveCount(0)
      await h.logout(page)
    }
    await h.login(page, 'zwb')
    await h.awaitWorkItem(page, app.name, '形成结论')
    await page.locator('[data-test=work-item-link]', { hasText: app.name }).click()
    await h.chooseRadio(page, 'outcome', '联审通过')
    await field(page, 'consolidated-opinion').fill('四部门均同意，资金已落实，同意追加')
    await page.locator('[data-test=submit-conclusion]').click()
    await expect(page.locator('[data-test=conclusion]')).toContainText('联审通过')
    await h.expectState(page, '联合论证通过')
    await h.shot(page, 'adhoc-project')
  })
})
