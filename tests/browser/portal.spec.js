// The walking skeleton in the browser: a department files an application with its documents, 政务办 opens the
// plan review, the four bureaus give their opinions from their workbench, 政务办 concludes, and everyone sees the same timeline. Then the
// ways it can go wrong: another department's project typed by hand, refusals, bad input, double clicks and a
// session that ends in the middle of a form.
const { test, expect } = require('@playwright/test')
const { application, awaitPlanReview, openCallWindow } = require('./scenario')
const h = require('./helpers')

const { field } = h

test.describe.serial('walking skeleton', () => {
  const app = application('智慧警务大数据平台')
  let projectUrl

  test('a department files an application with its documents (one request for a double click)', async ({ page, request }) => {
    await openCallWindow(request)
    await h.login(page, 'police', { screenshot: 'login' })
    await expect(page.locator('[data-test=current-user]')).toContainText('市公安局')
    await expect(page.locator('[data-test=current-user]')).toContainText('项目建设单位')

    await page.goto('/apply')
    await h.fillApplication(page, app)
    await h.shot(page, 'application-form')
    const posts = h.countRequests(page, 'POST', '/api/plan-applications')
    await page.locator('[data-test=submit-application]').dblclick()
    await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/)
    await expect(page.locator('[data-test=project-name]')).toHaveText(app.name)
    expect(posts).toHaveLength(1)
    projectUrl = new URL(page.url()).pathname
    await expect(page.locator('[data-test=documents]')).toContainText('申报书.pdf')
    await expect(page.locator('[data-test=documents]')).toContainText('项目方案.pdf')
    // The gateway's event log follows planning's event in a moment.
    await expect.poll(async () => {
      await page.reload()
      await page.locator('[data-test=documents]').waitFor()
      return page.locator('[data-test=timeline]').innerText()
    }, { timeout: 30_000 }).toContain('提交年度计划申报')
  })

  test('政务办 opens the plan review from its workbench', async ({ page }) => {
    await h.login(page, 'zwb')
    await h.openPlanReview(page, app.name)
    await expect(page.locator('[data-test=opinions]')).toBeVisible()
    await h.expectState(page, '计划论证中')
  })

  test('网信 gives its opinion from the workbench', async ({ page }) => {
    await h.login(page, 'wx')
    await awaitPlanReview(page, app.name)
    await h.shot(page, 'workbench')
    await page.locator('[data-test=work-item-link]', { hasText: app.name }).click()
    await expect(page).toHaveURL(new RegExp(`${projectUrl}\\?action=opinion$`))
    await h.giveOpinion(page)
    const posts = h.countRequests(page, 'POST', `${projectUrl}/review/opinions`.replace('/projects/', '/api/projects/'))
    await page.locator('[data-test=submit-opinion]').dblclick()
    await expect(page.locator('[data-test=opinions]')).toContainText('网信')
    expect(posts).toHaveLength(1)
    await expect(page.locator('[data-test=opinion-form]')).toHaveCount(0)
  })

  test('政务办 concluding too early is refused with the Chinese reason and its article', async ({ page }) => {
    await h.login(page, 'zwb')
    await page.goto(projectUrl)
    await h.fillConclusion(page, '同意列入')
    // A criterion judged 不符合 asks for its reason (R-6-5) before anything is sent.
    const early = h.countRequests(page, 'POST', `${projectUrl}/review/conclusion`.replace('/projects/', '/api/projects/'))
    await page.locator('[data-test=criterion-security_solution] label').filter({ hasText: /^\s*不符合\s*$/ }).click()
    await page.locator('[data-test=submit-conclusion]').click()
    await expect(page.locator('[data-test=conclusion-form]')).toContainText('判定为“不符合”的条件须说明理由')
    expect(early).toHaveLength(0)
    await page.locator('[data-test=criterion-security_solution] label').filter({ hasText: /^\s*符合\s*$/ }).click()
    await page.locator('[data-test=submit-conclusion]').click()
    await expect(page.locator('[data-test=refusal-reason]')).toContainText('尚缺发改、工信、财政的论证意见，不能作出结论')
    await expect(page.locator('[data-test=refusal-article]')).toHaveText('第八条')
    await h.shot(page, 'refusal')
  })

  test('发改、工信、财政 give their opinions', async ({ page }) => {
    for (const bureau of ['fg', 'gx', 'cz']) {
      await h.login(page, bureau)
      await awaitPlanReview(page, app.name)
      await page.locator('[data-test=work-item-link]', { hasText: app.name }).click()
      await h.giveOpinion(page)
      await page.locator('[data-test=submit-opinion]').click()
      await expect(page.locator('[data-test=opinion-form]')).toHaveCount(0)
      await h.logout(page)
    }
  })

  test('政务办 concludes from its workbench and the item is drafted', async ({ page }) => {
    await h.login(page, 'zwb')
    await awaitPlanReview(page, app.name)
    await page.locator('[data-test=work-item-link]', { hasText: app.name }).click()
    await expect(page).toHaveURL(/action=conclusion/)
    await h.fillConclusion(page, '四部门均同意，列入年度计划草案')
    await page.locator('[data-test=submit-conclusion]').click()
    await expect(page.locator('[data-test=conclusion]')).toContainText('列入年度计划草案')
    await expect.poll(async () => {
      await page.reload()
      await page.locator('[data-test=timeline-item]').first().waitFor()
      return page.locator('[data-test=timeline]').innerText()
    }, { timeout: 30_000 }).toContain('列入年度计划草案')
  })

  test('the department sees the whole story on the timeline', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto(projectUrl)
    await expect(page.locator('[data-test=project-state]')).toHaveText('已列入计划草案')
    const timeline = page.locator('[data-test=timeline]')
    for (const step of ['提交年度计划申报', '启动计划论证（联审）', '出具论证意见', '形成联审意见', '列入年度计划草案']) {
      await expect(timeline).toContainText(step)
    }
    await expect(page.locator('[data-test=timeline-item]', { hasText: '出具论证意见' })).toHaveCount(4)
    await expect(timeline).toContainText('第八条')
    await h.shot(page, 'project')
  })

  test('a department cannot open another department\'s project by typing its address', async ({ page }) => {
    await h.login(page, 'edu')
    await page.goto(projectUrl)
    await expect(page.locator('[data-test=not-found]')).toBeVisible()
    await expect(page.locator('[data-test=not-found-reason]')).toContainText('不存在')
    await expect(page.locator('body')).not.toContainText(app.name)
  })

  test('bureaus search, filter, sort and export the list, and read the dashboard', async ({ page }) => {
    await h.login(page, 'zwb')
    await page.goto('/projects')
    await field(page, 'filter-q').fill('智慧警务')
    await page.locator('[data-test=search]').click()
    await expect(page).toHaveURL(/q=%E6%99%BA/)
    await expect(page.locator('[data-test=projects]')).toContainText(app.name)
    await h.pickOption(page, 'filter-category', '运维类')
    await page.locator('[data-test=search]').click()
    await expect(page.locator('[data-test=projects]')).toContainText('没有符合条件的项目')
    await page.goto('/projects')
    await h.shot(page, 'projects')
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export]').click()])
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/)
    const bytes = require('fs').readFileSync(await download.path())
    expect(bytes.subarray(0, 2).toString()).toBe('PK')

    await page.goto('/dashboard')
    await expect(page.locator('canvas').first()).toBeVisible()
    await page.waitForTimeout(1500) // the charts' entry animation, so the picture shows them drawn
    await h.shot(page, 'dashboard')
    await page.goto('/api-docs')
    await expect(page.locator('[data-test=api-tag]').first()).toBeVisible()
    await expect(page.locator('body')).toContainText('/api/workbench')
    await h.shot(page, 'api-docs')
  })
})

test.describe('bad input', () => {
  test('an empty form is stopped in the browser, with a message at each field and no request', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto('/apply')
    const posts = h.countRequests(page, 'POST', '/api/plan-applications')
    await page.locator('[data-test=submit-application]').click()
    await expect(page.locator('.el-form-item__error', { hasText: '请填写项目名称' })).toBeVisible()
    await expect(page.locator('.el-form-item__error', { hasText: '须上传申报书（第七条）' })).toBeVisible()
    await field(page, 'app-name').fill('智')
    await field(page, 'app-name').blur()
    await expect(page.locator('.el-form-item__error', { hasText: '长度不得少于 2' })).toBeVisible()
    // The field takes no more than the schema's 200 characters.
    await field(page, 'app-name').fill('长'.repeat(250))
    expect((await field(page, 'app-name').inputValue()).length).toBe(200)
    expect(posts).toHaveLength(0)
  })

  test('oversized and wrong files are refused before upload; a disguised one by the server', async ({ page }, testInfo) => {
    await h.login(page, 'police')
    await page.goto('/apply')
    const uploads = h.countRequests(page, 'POST', '/api/documents')
    const input = page.locator('[data-test=upload-application-form-input]')
    const error = page.locator('[data-test=upload-application-form-error]')

    const big = testInfo.outputPath('超大申报书.pdf')
    require('fs').writeFileSync(big, Buffer.alloc(50 * 1024 * 1024 + 1, 0x20))
    await input.setInputFiles(big)
    await expect(error).toContainText('文件大小超过上限')
    await input.setInputFiles({ name: '工具.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') })
    await expect(error).toContainText('文件类型不在允许范围内')
    await input.setInputFiles({ name: '机密方案.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') })
    await expect(error).toContainText('密级标志')
    await input.setInputFiles({ name: '空文件.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) })
    await expect(error).toContainText('文件为空')
    expect(uploads).toHaveLength(0)

    // A picture renamed to .pdf passes the browser's checks; the server looks at the content and refuses it.
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
    await input.setInputFiles({ name: '申报书.pdf', mimeType: 'application/pdf', buffer: png })
    await expect(error).not.toBeEmpty()
    expect(uploads).toHaveLength(1)
    await expect(page.locator('[data-test=upload-application-form-done]')).toHaveCount(0)
  })

  test('a session that ends in the middle of a form asks for the password and keeps what was typed', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto('/apply')
    const app = application('警务视频云平台', { rank: 2 })
    await h.fillApplication(page, app)
    // The session ends on the server (as at its expiry or a logout elsewhere) while the form is open.
    const ended = await page.request.post('/api/auth/logout')
    expect(ended.ok()).toBe(true)

    await page.locator('[data-test=submit-application]').click()
    const dialog = page.locator('[data-test=relogin]')
    await expect(dialog).toBeVisible()
    await expect(field(page, 'app-name')).toHaveValue(app.name)
    await field(page, 'relogin-password').fill('Demo@2026')
    await page.locator('[data-test=relogin-submit]').click()
    // Logged in again, the submission goes on by itself and lands on the new project.
    await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/)
    await expect(page.locator('[data-test=project-name]')).toHaveText(app.name)
  })
})
