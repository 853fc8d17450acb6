// 发改's approval (第十条至第十五条) through the portal. A project of its own plan year is taken to the approved
// annual plan over the HTTP API (the plan-year spec shows those screens); then, in the browser, the department
// sees every track closed until it has a project code, has the platform issue one, submits the resource catalog
// and the 项目建议书; 发改 finds it on its workbench with nothing blocking, approves it and downloads the 批复,
// whose number and digest the public verification accepts; the department submits the 可行性研究报告 from its
// workbench; 发改 sees what still blocks it (政务办's technical review, 网信's cybersecurity review), is refused
// with 第十条 when it tries to approve, and returns it with a reason the department reads on its form.
const { test, expect, request: playwrightRequest } = require('@playwright/test')
const fs = require('fs')
const { APPROVAL_YEAR, application } = require('./scenario')
const { BASE_URL, plannedProject } = require('./planned')
const h = require('./helpers')

const { field } = h

test.describe.serial('发改 approves a planned project', () => {
  const app = application('市域社会治理指挥平台', { year: APPROVAL_YEAR, rank: 1 })
  let url
  let decision

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    url = `/projects/${await plannedProject(app, APPROVAL_YEAR)}`
  })

  test('every track is closed until the project has a code; the platform issues one; the catalog and the proposal go in', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto(url)
    const section = page.locator('[data-test=approval-section]')
    await expect(section.locator('[data-test=track-STANDARD]')).toHaveAttribute('data-state', 'closed')
    await expect(section.locator('[data-test=track-PATH1]')).toContainText('第十五条')
    await section.scrollIntoViewIfNeeded()
    await h.shot(page, 'approval-code-missing')

    await page.locator('[data-test=request-project-code]').click()
    await expect(page.locator('[data-test=approval-project-code]')).toHaveText(/^\d{4}-320700-65-01-\d{6}$/)
    // Listed in the approved plan: the FSR may come first (第十条第（一）项), as may the standard proposal.
    await expect(section.locator('[data-test=track-PATH1]')).toHaveAttribute('data-state', 'open')
    await expect(section.locator('[data-test=track-STANDARD]')).toHaveAttribute('data-state', 'open')

    await page.locator('[data-test=toggle-catalog]').click()
    const entry = {
      code: 'LYG-SZ-0001', name: '社会治理事件', provider: 'police', summary: '网格事件及处置信息', method: '接口',
      frequency: '实时', completeness: '字段完整', items: '事件编号、事件类型、处置结果',
    }
    for (const [k, v] of Object.entries(entry)) await field(page, `catalog-${k}-0`).fill(v)
    await field(page, 'catalog-sharing-mechanism').fill('依托市共享交换平台建立长效共享机制')
    await field(page, 'catalog-feedback-mechanism').fill('按季度收集使用部门反馈并公示')
    await page.locator('[data-test=submit-catalog]').click()
    await expect(page.locator('#catalog')).toContainText('已报送第 1 版')

    await h.chooseRadio(page, 'stage-choice', '项目建议书')
    await field(page, 'stage-total').fill('3,000,000.00')
    await h.uploadPdf(page, 'upload-stage-proposal', '项目建议书.pdf')
    await h.shot(page, 'approval-proposal-form')
    await page.locator('[data-test=submit-stage]').click()
    await h.expectState(page, '项目建议书已报送')
  })

  test('发改 finds it on its workbench, nothing blocks, approves it and downloads the 批复; its digest verifies', async ({ page }) => {
    await h.login(page, 'fg')
    await h.awaitWorkItem(page, app.name, '审批')
    await page.locator('[data-test=work-item-link]', { hasText: app.name }).first().click()
    await expect(page).toHaveURL(/action=approval-decision/)
    await expect(page.locator('[data-test=no-blockers]')).toBeVisible()
    await field(page, 'approve-opinion').fill('同意开展可行性研究，按批准的年度计划推进')
    await page.locator('[data-test=submit-approve]').click()
    await expect(page.locator('[data-test=decision-doc-no]')).toHaveText(/^连发改审批〔\d{4}〕\d+号$/)
    await h.expectState(page, '项目建议书已批复')
    decision = { doc_no: await page.locator('[data-test=decision-doc-no]').innerText(), digest: await page.locator('[data-test=decision-digest]').innerText() }
    await page.locator('[data-test=approval-decisions]').scrollIntoViewIfNeeded()
    await h.shot(page, 'approval-decided')

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=decision-pdf]').click()])
    expect(pdf.suggestedFilename()).toMatch(/^关于.+项目建议书的批复\.pdf$/)
    expect(fs.readFileSync(await pdf.path()).subarray(0, 5).toString()).toBe('%PDF-')

    // Anyone holding the paper may check it, without logging in; a wrong digest is not accepted.
    const anyone = await playwrightRequest.newContext({ baseURL: BASE_URL })
    const ok = await anyone.get('/api/approval-documents/verify', { params: decision })
    expect(await ok.json()).toEqual({ valid: true })
    const forged = await anyone.get('/api/approval-documents/verify', { params: { ...decision, digest: 'sha256:' + '0'.repeat(64) } })
    expect(await forged.json()).toEqual({ valid: false })
  })

  test('the department submits the 可行性研究报告 from its workbench', async ({ page }) => {
    await h.login(page, 'police')
    await h.awaitWorkItem(page, app.name, '报送')
    await page.locator('[data-test=work-item-link]', { hasText: app.name }).first().click()
    await expect(page).toHaveURL(/action=approval-submission/)
    await field(page, 'stage-total').fill('3000000')
    await h.uploadPdf(page, 'upload-stage-fsr', '可行性研究报告.pdf')
    await field(page, 'sharing-chapter').fill('事件数据通过市共享交换平台向全部政务部门无条件共享')
    await field(page, 'security-needs_analysis').fill('系统承载社会治理事件数据，按等保三级防护')
    await field(page, 'security-tasks_and_content').fill('边界防护、主机加固、数据加密与审计')
    await field(page, 'security-protection_design').fill('分区分域，统一身份认证，日志集中审计')
    await field(page, 'security-investment').fill('300000.00')
    await field(page, 'security-crypto').fill('采用商用密码实现身份鉴别与传输加密（GB/T 39786）')
    await field(page, 'product-name-0').fill('国产服务器')
    await field(page, 'product-supplier-0').fill('某信息技术有限公司')
    await field(page, 'product-status-0').fill('通过安全可靠测评')
    for (const k of ['egov_network', 'gov_cloud', 'bigdata_center', 'lyg_app']) await h.chooseRadio(page, `infra-${k}`, '使用')
    await h.shot(page, 'approval-fsr-form')
    await page.locator('[data-test=submit-stage]').click()
    await h.expectState(page, '可行性研究报告已报送')
  })

  test('发改 sees what still blocks the FSR, is refused with 第十条, and returns it; the department reads why', async ({ page }) => {
    await h.login(page, 'fg')
    await page.goto(`${url}?action=approval-decision`)
    const blockers = page.locator('[data-test=blocker]')
    await expect(page.locator('[data-test=blocker][data-code=E10-TECH-REVIEW-MISSING]')).toContainText('第十条')
    await expect(page.locator('[data-test=blocker][data-code=E14-CYBERSECURITY-REVIEW-MISSING]')).toContainText('第十四条')
    expect(await blockers.count()).toBeGreaterThanOrEqual(2)
    await page.locator('[data-test=blockers]').scrollIntoViewIfNeeded()
    await h.shot(page, 'approval-blockers')

    await field(page, 'approve-sharing-opinion').fill('共享篇章完整')
    await field(page, 'approve-security-opinion').fill('安全篇章四部分齐全')
    await page.locator('[data-test=submit-approve]').click()
    await expect(page.locator('[data-test=approve-form] [data-test=refusal-article]')).toHaveText('第十条')
    await expect(page.locator('[data-test=approve-form] [data-test=refusal-reason]')).toContainText('审核')

    await field(page, 'return-approval-reason').fill('请补充数据共享的更新频度说明后重新报送')
    await page.locator('[data-test=submit-return-approval]').click()
    await h.expectState(page, '审批材料已退回')
    await h.logout(page)

    await h.login(page, 'police')
    await h.awaitWorkItem(page, app.name, '重新报送')
    await page.goto(`${url}?action=approval-submission`)
    await expect(page.locator('[data-test=approval-returned]')).toContainText('请补充数据共享的更新频度说明')
    await expect(field(page, 'stage-total')).toHaveValue('3000000.00')
    await h.shot(page, 'approval-returned')
  })
})
