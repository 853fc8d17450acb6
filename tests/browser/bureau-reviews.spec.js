// The two bureau reviews of Chapter 3 through the portal: 财政 reviews a 概算 of exactly 1,000,000.00 元 (TH-1's
// boundary, 第十条) from its workbench, itemising the reviewed lines, and a second, stale copy of the form is refused
// with the reason and article; 网信 reviews the security chapter part by part (第十四条); the department reads both
// on its project page. The FSR and PD submissions are published by test_portal_browser.py (bureau_seed.py):
// approval's submission routes are not served yet.
const { test, expect } = require('@playwright/test')
const h = require('./helpers')

const { field } = h
const SEED = process.env.ITPM_BUREAU_SEED ? JSON.parse(process.env.ITPM_BUREAU_SEED) : null

test.describe.serial('财政 and 网信 review a project\'s submissions', () => {
  test.beforeAll(() => {
    if (!SEED) throw new Error('ITPM_BUREAU_SEED is missing: run this spec through tests/browser/test_portal_browser.py, which seeds the submissions')
  })

  test('财政 reviews the 概算 at TH-1 from its workbench, and a stale second form is refused', async ({ page, context }) => {
    await h.login(page, 'cz')
    await page.getByRole('menuitem', { name: '概算审核' }).click()
    await expect(page).toHaveURL(/\/estimate-reviews$/)
    await expect(page.locator('[data-test=estimate-reviews] .el-table__row', { hasText: SEED.project_name })).toContainText('1,000,000.00')

    await h.awaitWorkItem(page, SEED.project_name, '审核概算')
    await page.locator('.el-table__row', { hasText: '概算审核' }).locator('[data-test=work-item-link]', { hasText: SEED.project_name }).click()
    await expect(page).toHaveURL(new RegExp(`action=estimate-review&submission=${SEED.pd_submission_id}`))
    const card = page.locator('[data-test=estimate-review]')
    await expect(card.locator('[data-test=estimate-status]')).toHaveText('待财政审核')
    await expect(card.locator('[data-test=estimate-threshold]')).toContainText('达到 1,000,000.00 元')
    await expect(card.locator('[data-test=estimate-lines] .el-table__row')).toHaveCount(3)

    // Another official's copy of the same form, read before the conclusion below.
    const stale = await context.newPage()
    await stale.goto(new URL(page.url()).pathname + `?action=estimate-review&submission=${SEED.pd_submission_id}`)
    await expect(stale.locator('[data-test=estimate-review-form]')).toBeVisible()

    await field(page, 'estimate-reviewed-amount').fill('950,000.00')
    await expect(card.locator('[data-test=estimate-reviewed-hint]')).toContainText('核减 50,000.00 元')
    await card.locator('[data-test=estimate-itemised]').click()
    await expect(card.locator('[data-test=estimate-items-total]')).toContainText('须与审核金额 950,000.00 元完全相等')
    await field(page, 'estimate-item-amount-1').fill('300000.00')
    await expect(card.locator('[data-test=estimate-items-total]')).toContainText('与审核金额相等')
    await field(page, 'estimate-opinion').fill('软件开发费用核减 5 万元，其余按送审金额核定')
    await h.shot(page, 'estimate-review')
    await card.locator('[data-test=submit-estimate-review]').click()
    await expect(card.locator('[data-test=estimate-status]')).toHaveText('财政已审核')
    await expect(card.locator('[data-test=estimate-reviewed]')).toHaveText('950,000.00 元')
    await expect(card.locator('[data-test=estimate-review-form]')).toHaveCount(0)

    const staleCard = stale.locator('[data-test=estimate-review]')
    await field(stale, 'estimate-opinion').fill('按送审金额核定')
    await staleCard.locator('[data-test=submit-estimate-review]').click()
    await expect(staleCard.locator('[data-test=refusal-article]')).toHaveText('第十条')
    await expect(staleCard.locator('[data-test=refusal-reason]')).toContainText('不能重复审核')
    await stale.close()
  })

  test('网信 reviews the security chapter part by part from its workbench', async ({ page }) => {
    await h.login(page, 'wx')
    await h.awaitWorkItem(page, SEED.project_name, '审查')
    await page.locator('.el-table__row', { hasText: '可行性研究报告' }).locator('[data-test=work-item-link]', { hasText: SEED.project_name }).click()
    await expect(page).toHaveURL(new RegExp(`action=cybersecurity-review&submission=${SEED.fsr_submission_id}`))
    const card = page.locator('[data-test=cybersecurity-review]')
    await expect(card.locator('[data-test=cyber-status]')).toHaveText('待网信审查')
    await expect(card.locator('[data-test=chapter-crypto_content]')).toContainText('商用密码')
    await expect(card.locator('[data-test=chapter-investment]')).toContainText('50,000.00 元')

    for (const part of ['needs_analysis', 'tasks_and_content', 'protection_design', 'investment']) {
      await h.chooseRadio(page, `rating-${part}`, '充分')
      await field(page, `note-${part}`).fill('符合要求')
    }
    await h.chooseRadio(page, 'rating-crypto_content', '不充分')
    await field(page, 'note-crypto_content').fill('未说明密码应用安全性评估安排')
    // A part found inadequate rules out a plain PASS (第十四条).
    await expect(card.locator('[data-test=security-conclusion] label', { hasText: /^\s*通过\s*$/ })).toHaveClass(/is-disabled/)
    await h.chooseRadio(page, 'security-conclusion', '有条件通过')
    await field(page, 'security-opinion').fill('补充密码应用安全性评估方案后实施')
    // The unit declared an important domain: 网信 cannot clear it (第十八条).
    await expect(card.locator('[data-test=security-important-domain]')).toHaveClass(/is-disabled/)
    await h.shot(page, 'cybersecurity-review')
    await card.locator('[data-test=submit-cybersecurity-review]').click()
    await expect(card.locator('[data-test=cyber-status]')).toHaveText('网信已审查')
    await expect(card.locator('[data-test=cyber-conclusion]')).toHaveText('有条件通过')
    await expect(card.locator('[data-test=cyber-parts] .el-table__row', { hasText: '密码应用内容' })).toContainText('不充分')
  })

  test('the department reads both reviews on its project page, with the events on the timeline', async ({ page }) => {
    await h.login(page, SEED.unit)
    await page.goto(`/projects/${SEED.project_id}`)
    const estimate = page.locator('[data-test=estimate-review]')
    await expect(estimate.locator('[data-test=estimate-reviewed]')).toHaveText('950,000.00 元')
    await expect(estimate.locator('[data-test=estimate-lines] .el-table__row', { hasText: '软件开发' })).toContainText('300,000.00')
    await expect(page.locator('[data-test=estimate-review-form]')).toHaveCount(0)
    await expect(page.locator('[data-test=cybersecurity-review-form]')).toHaveCount(0)
    // The latest arrival is the PD, whose chapter 网信 has not reviewed yet; the FSR's review is one click away.
    const cyber = page.locator('[data-test=cybersecurity-review]')
    await expect(cyber.locator('[data-test=cyber-status]')).toHaveText('待网信审查')
    await cyber.locator('[data-test=cyber-history] a', { hasText: '查看' }).click()
    await expect(cyber.locator('[data-test=cyber-conclusion]')).toHaveText('有条件通过')
    const named = (text) => page.locator('[data-test=timeline-item] b', { hasText: new RegExp(`^${text}$`) })
    await expect(named('提请财政审核投资概算')).toHaveCount(1)
    await expect(named('财政审核投资概算')).toHaveCount(1)
    await expect(named('网信作出网络安全审查结论')).toHaveCount(1)
    await h.shot(page, 'bureau-reviews-project')
  })
})
