// 立项审批 from the project code to the approved preliminary design and 概算 (第十条至第十五条), every step done on the
// portal by the user whose step it is, through the screens a new user finds: the menu, 我的待办 and the project page.
// A project of its own plan year is taken to the approved annual plan over the HTTP API (the plan-year spec shows
// those screens). Then the department has a code issued, submits the catalog and the 项目建议书; 发改 approves it;
// the department submits the 可行性研究报告; 政务办 opens and concludes its technical review; 网信 records its
// cybersecurity review; 发改 approves it; the department submits the 初步设计方案 with a 概算 of 1,200,000.00 元 in
// three lines; 政务办 and 网信 review it; 财政 reviews the 概算 down to 1,150,000.00 元, line by line; 发改 is refused
// an approved amount above 财政's (第十条) and approves the reviewed one; the 批复 PDF downloads and carries its
// number and digest; the project page shows it approved; anyone, without logging in, checks the 批复 on 批复核验.
const { test, expect } = require('@playwright/test')
const { execFileSync } = require('child_process')
const fs = require('fs')
const { FULL_APPROVAL_YEAR, application } = require('./scenario')
const { plannedProject } = require('./planned')
const h = require('./helpers')

const { field } = h
// pypdf reads the 批复's text (its CJK font is embedded as a subset, so the bytes cannot be searched).
const PYTHON = process.env.ITPM_PYTHON || 'python3'
const SUBMITTED = '1,200,000.00'
const REVIEWED = '1,150,000.00'
const LINES = [['01', '软件开发', '700,000.00'], ['02', '硬件购置', '400,000.00'], ['03', '网络安全与密码应用', '100,000.00']]

// A work item about the project, in the row that also names `text` (its stage or action), opened from 我的待办.
async function openWorkItem(page, name, text) {
  await h.awaitWorkItem(page, name, text)
  const link = page.locator('[data-test=work-item-link]', { hasText: name })
  await page.locator('.el-table__row', { has: link }).filter({ hasText: text }).first().locator('[data-test=work-item-link]').click()
}

// 发改's decision form, once approval has heard of every review the current submission needs.
async function awaitNothingBlocking(page) {
  await expect.poll(async () => {
    await page.reload()
    // approval's answer arrives after the page: either list shows once it has.
    await page.locator('[data-test=no-blockers], [data-test=blockers]').first().waitFor()
    return page.locator('[data-test=no-blockers]').count()
  }, { timeout: 30_000, intervals: [1000] }).toBe(1)
}

async function fillChapters(page) {
  await field(page, 'sharing-chapter').fill('事件数据通过市共享交换平台向全部政务部门无条件共享')
  await field(page, 'security-needs_analysis').fill('系统承载城市运行事件数据，按等保三级防护')
  await field(page, 'security-tasks_and_content').fill('边界防护、主机加固、数据加密与审计')
  await field(page, 'security-protection_design').fill('分区分域，统一身份认证，日志集中审计')
  await field(page, 'security-investment').fill('100000.00')
  await field(page, 'security-crypto').fill('采用商用密码实现身份鉴别与传输加密（GB/T 39786）')
  await field(page, 'product-name-0').fill('国产服务器')
  await field(page, 'product-supplier-0').fill('某信息技术有限公司')
  await field(page, 'product-status-0').fill('通过安全可靠测评')
}

// 政务办 finds the version on its workbench, opens its technical review and concludes it (第十条, R-10-2).
async function technicalReview(page, name, stageZh, opinion) {
  await h.login(page, 'zwb')
  await openWorkItem(page, name, stageZh)
  await expect(page).toHaveURL(/\/technical-reviews\/[0-9a-f-]{36}\?submission=/)
  await expect(page.locator('[data-test=technical-stage]')).toContainText(stageZh)
  await expect(page.locator('[data-test=technical-status]')).toHaveText('待政务办审核')
  await page.locator('[data-test=submit-open-technical]').click()
  await expect(page.locator('[data-test=technical-status]')).toHaveText('审核中')
  await h.chooseRadio(page, 'technical-outcome', '通过')
  await field(page, 'technical-consolidated-opinion').fill(opinion)
  return async (screenshot) => {
    if (screenshot) await h.shot(page, screenshot)
    await page.locator('[data-test=submit-technical-conclusion]').click()
    await expect(page.locator('[data-test=technical-conclusion]')).toContainText('审核结论：通过')
  }
}

// 网信 finds the version on its workbench and records its review of the security chapter, part by part (第十四条).
async function cybersecurityReview(page, name, stageZh, screenshot) {
  await h.login(page, 'wx')
  await openWorkItem(page, name, '网络安全审查')
  await expect(page).toHaveURL(/action=cybersecurity-review&submission=/)
  const card = page.locator('[data-test=cybersecurity-review]')
  await expect(card).toContainText(stageZh)
  await expect(card.locator('[data-test=cyber-status]')).toHaveText('待网信审查')
  await expect(card.locator('[data-test=chapter-investment]')).toContainText('100,000.00 元')
  for (const part of ['needs_analysis', 'tasks_and_content', 'protection_design', 'investment', 'crypto_content']) {
    await h.chooseRadio(page, `rating-${part}`, '充分')
    await field(page, `note-${part}`).fill('内容完整，符合要求')
  }
  await h.chooseRadio(page, 'security-conclusion', '通过')
  await field(page, 'security-opinion').fill('网络安全保障措施篇（章）四部分齐全，密码应用符合要求')
  if (screenshot) await h.shot(page, screenshot)
  await card.locator('[data-test=submit-cybersecurity-review]').click()
  await expect(card.locator('[data-test=cyber-status]')).toHaveText('网信已审查')
  await expect(card.locator('[data-test=cyber-conclusion]')).toHaveText('通过')
}

// The text of a PDF, whitespace removed, as pypdf extracts it.
function pdfText(file) {
  const script = 'import sys; from pypdf import PdfReader; print("".join("".join(p.extract_text() for p in PdfReader(sys.argv[1]).pages).split()))'
  return execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf-8' })
}

test.describe.serial('a planned project from the 项目建议书 to the approved 概算, on the portal', () => {
  const app = application('城市运行一网统管平台', { year: FULL_APPROVAL_YEAR, rank: 1 })
  let url
  let approved

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    url = `/projects/${await plannedProject(app, FULL_APPROVAL_YEAR, { estimateFen: 120_000_000 })}`
  })

  test('the department finds its project, has the code issued, submits the catalog and the 项目建议书', async ({ page }) => {
    await h.login(page, 'police')
    await page.getByRole('menuitem', { name: '项目列表' }).click()
    await field(page, 'filter-q').fill(app.name)
    await page.locator('[data-test=search]').click()
    await page.locator('[data-test=projects] a', { hasText: app.name }).click()
    await expect(page).toHaveURL(url)
    await expect(page.locator('[data-test=project-state]')).toHaveText('已列入年度计划')

    await page.locator('[data-test=request-project-code]').click()
    await expect(page.locator('[data-test=approval-project-code]')).toHaveText(/^\d{4}-320700-65-01-\d{6}$/)
    await page.locator('[data-test=toggle-catalog]').click()
    const entry = {
      code: 'LYG-YWTG-0001', name: '城市运行事件', provider: 'police', summary: '城市运行事件及处置信息', method: '接口',
      frequency: '实时', completeness: '字段完整', items: '事件编号、事件类型、处置结果',
    }
    for (const [k, v] of Object.entries(entry)) await field(page, `catalog-${k}-0`).fill(v)
    await field(page, 'catalog-sharing-mechanism').fill('依托市共享交换平台建立长效共享机制')
    await field(page, 'catalog-feedback-mechanism').fill('按季度收集使用部门反馈并公示')
    await page.locator('[data-test=submit-catalog]').click()
    await expect(page.locator('#catalog')).toContainText('已报送第 1 版')

    await h.chooseRadio(page, 'stage-choice', '项目建议书')
    await field(page, 'stage-total').fill(SUBMITTED)
    await h.uploadPdf(page, 'upload-stage-proposal', '项目建议书.pdf')
    await page.locator('[data-test=submit-stage]').click()
    await h.expectState(page, '项目建议书已报送')
  })

  test('发改 approves the 项目建议书 from its workbench', async ({ page }) => {
    await h.login(page, 'fg')
    await openWorkItem(page, app.name, '项目建议书')
    await expect(page).toHaveURL(/action=approval-decision/)
    await expect(page.locator('[data-test=no-blockers]')).toBeVisible()
    await field(page, 'approve-opinion').fill('同意开展可行性研究')
    await page.locator('[data-test=submit-approve]').click()
    await h.expectState(page, '项目建议书已批复')
  })

  test('the department submits the 可行性研究报告 from its workbench', async ({ page }) => {
    await h.login(page, 'police')
    await openWorkItem(page, app.name, '可行性研究报告')
    await expect(page).toHaveURL(/action=approval-submission/)
    await field(page, 'stage-total').fill(SUBMITTED)
    await h.uploadPdf(page, 'upload-stage-fsr', '可行性研究报告.pdf')
    await fillChapters(page)
    for (const k of ['egov_network', 'gov_cloud', 'bigdata_center', 'lyg_app']) await h.chooseRadio(page, `infra-${k}`, '使用')
    await page.locator('[data-test=submit-stage]').click()
    await h.expectState(page, '可行性研究报告已报送')
  })

  test('政务办 reviews the 可行性研究报告 on its technical review screens', async ({ page }) => {
    const conclude = await technicalReview(page, app.name, '可行性研究报告', '技术路线可行，共享与安全篇章完整')
    await conclude('approval-technical-review')
  })

  test('网信 records its cybersecurity review of the 可行性研究报告', async ({ page }) => {
    await cybersecurityReview(page, app.name, '可行性研究报告')
  })

  test('发改 approves the 可行性研究报告 once both reviews are in', async ({ page }) => {
    await h.login(page, 'fg')
    await openWorkItem(page, app.name, '可行性研究报告')
    await expect(page).toHaveURL(/action=approval-decision/)
    await awaitNothingBlocking(page)
    await expect(page.locator('[data-test=approval-reviews]')).toContainText('技术审核（政务办）')
    await expect(page.locator('[data-test=approval-reviews]')).toContainText('网络安全审查（网信）')
    await field(page, 'approve-sharing-opinion').fill('共享分析篇（章）内容完整，同意按目录共享')
    await field(page, 'approve-security-opinion').fill('网络安全保障措施篇（章）符合要求')
    await field(page, 'approve-opinion').fill('同意编制初步设计方案及投资概算')
    await page.locator('[data-test=submit-approve]').click()
    await h.expectState(page, '可行性研究报告已批复')
  })

  test('the department submits the 初步设计方案 with a 概算 of 1,200,000.00 元 in three lines', async ({ page }) => {
    await h.login(page, 'police')
    await openWorkItem(page, app.name, '初步设计方案')
    await expect(page).toHaveURL(/action=approval-submission/)
    await field(page, 'stage-total').fill(SUBMITTED)
    await h.uploadPdf(page, 'upload-stage-pd', '初步设计方案.pdf')
    await fillChapters(page)
    await field(page, 'estimate-total').fill(SUBMITTED)
    for (const [i, [code, name, amount]] of LINES.entries()) {
      if (i > 0) await page.locator('[data-test=line-add]').click()
      await field(page, `line-code-${i}`).fill(code)
      await field(page, `line-name-${i}`).fill(name)
      await field(page, `line-amount-${i}`).fill(amount)
    }
    await expect(page.locator('[data-test=estimate-sum]')).toContainText('与概算一致')
    await page.locator('[data-test=estimate-sum]').scrollIntoViewIfNeeded()
    await h.shot(page, 'approval-pd-form')
    await page.locator('[data-test=submit-stage]').click()
    // TH-1: 1,200,000.00 元 reaches 1,000,000.00 元, so 财政 reviews the 概算 before 发改 decides (第十条).
    await h.expectState(page, '投资概算审核中')
  })

  test('政务办 and 网信 review the 初步设计方案', async ({ page }) => {
    const conclude = await technicalReview(page, app.name, '初步设计方案', '初步设计深度满足要求')
    await conclude()
    await h.logout(page)
    await cybersecurityReview(page, app.name, '初步设计方案')
  })

  test('财政 reviews the 概算 down to 1,150,000.00 元, line by line, from its workbench', async ({ page }) => {
    await h.login(page, 'cz')
    await openWorkItem(page, app.name, '审核概算')
    await expect(page).toHaveURL(/action=estimate-review&submission=/)
    const card = page.locator('[data-test=estimate-review]')
    await expect(card.locator('[data-test=estimate-status]')).toHaveText('待财政审核')
    await expect(card.locator('[data-test=estimate-requested]')).toHaveText(`${SUBMITTED} 元`)
    await expect(card.locator('[data-test=estimate-lines] .el-table__row')).toHaveCount(3)
    await field(page, 'estimate-reviewed-amount').fill(REVIEWED)
    await expect(card.locator('[data-test=estimate-reviewed-hint]')).toContainText('核减 50,000.00 元')
    await card.locator('[data-test=estimate-itemised]').click()
    await field(page, 'estimate-item-amount-1').fill('350,000.00')
    await expect(card.locator('[data-test=estimate-items-total]')).toContainText('与审核金额相等')
    await field(page, 'estimate-opinion').fill('硬件购置费用核减 5 万元，其余按送审金额核定')
    await card.locator('[data-test=submit-estimate-review]').click()
    await expect(card.locator('[data-test=estimate-status]')).toHaveText('财政已审核')
    await expect(card.locator('[data-test=estimate-reviewed]')).toHaveText(`${REVIEWED} 元`)
  })

  test('发改 may not approve more than 财政 reviewed (第十条) and approves the reviewed 概算; the 批复 downloads', async ({ page }) => {
    await h.login(page, 'fg')
    await openWorkItem(page, app.name, '初步设计方案')
    await expect(page).toHaveURL(/action=approval-decision/)
    await awaitNothingBlocking(page)
    const form = page.locator('[data-test=approve-form]')
    await expect(form.locator('[data-test=approve-estimate-basis]')).toContainText(`报送 ${SUBMITTED} 元，财政审核 ${REVIEWED} 元（不得高于审核额）`)
    await expect(field(page, 'approve-estimate')).toHaveValue(REVIEWED.replaceAll(',', ''))
    await field(page, 'approve-sharing-opinion').fill('共享分析篇（章）内容完整，同意按目录共享')
    await field(page, 'approve-security-opinion').fill('网络安全保障措施篇（章）符合要求')
    await field(page, 'approve-completeness').fill('目录完整，覆盖全部业务数据')
    await field(page, 'approve-timeliness').fill('实时更新')
    await field(page, 'approve-security-status').fill('符合等保三级要求')
    await page.locator('[data-test=approve-evaluation-none]').click()
    await field(page, 'approve-opinion').fill('同意按核定概算建设')

    // The amount the department asked for is more than 财政 reviewed: approval refuses it, citing 第十条.
    await field(page, 'approve-estimate').fill(SUBMITTED)
    await page.locator('[data-test=submit-approve]').click()
    await expect(form.locator('[data-test=refusal-article]')).toHaveText('第十条')
    await expect(form.locator('[data-test=refusal]')).toContainText('E10-APPROVED-EXCEEDS-REVIEWED')
    await form.locator('[data-test=refusal]').scrollIntoViewIfNeeded()
    await h.shot(page, 'approval-exceeds-reviewed')

    await field(page, 'approve-estimate').fill(REVIEWED)
    await page.locator('[data-test=submit-approve]').click()
    await h.expectState(page, '已批复')
    const row = page.locator('[data-test=approval-decisions] .el-table__row', { hasText: '初步设计方案' })
    await expect(row.locator('[data-test=decision-doc-no]')).toHaveText(/^连发改审批〔\d{4}〕\d+号$/)
    approved = { doc_no: await row.locator('[data-test=decision-doc-no]').innerText(), digest: await row.locator('[data-test=decision-digest]').innerText() }
    expect(approved.digest).toMatch(/^[0-9a-f]{64}$/)

    const [download] = await Promise.all([page.waitForEvent('download'), row.locator('[data-test=decision-pdf]').click()])
    expect(download.suggestedFilename()).toMatch(/^关于.+的批复\.pdf$/)
    const file = await download.path()
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-')
    const text = pdfText(file)
    for (const printed of [approved.doc_no, approved.digest, app.name, REVIEWED, '350,000.00']) expect(text).toContain(printed)
  })

  test('the department sees the project approved, with the 批复 number and digest', async ({ page }) => {
    await h.login(page, 'police')
    await page.goto(url)
    await expect(page.locator('[data-test=project-state]')).toHaveText('已批复')
    const row = page.locator('[data-test=approval-decisions] .el-table__row', { hasText: '初步设计方案' })
    await expect(row.locator('[data-test=decision-doc-no]')).toHaveText(approved.doc_no)
    await expect(row.locator('[data-test=decision-digest]')).toHaveText(approved.digest)
    await expect(page.locator('[data-test=estimate-review] [data-test=estimate-reviewed]')).toHaveText(`${REVIEWED} 元`)
    await expect(page.locator('[data-test=stage-form]')).toHaveCount(0)
    await page.locator('[data-test=approval-decisions]').scrollIntoViewIfNeeded()
    await h.shot(page, 'approval-approved')
  })

  test('anyone checks the 批复 on 批复核验 without logging in: the real digest is valid, a forged one is not', async ({ page }) => {
    await page.goto('/login')
    await page.locator('[data-test=to-verify]').click()
    await expect(page).toHaveURL(/\/verify$/)
    await field(page, 'verify-doc-no').fill(approved.doc_no)
    await field(page, 'verify-digest').fill(approved.digest)
    await page.locator('[data-test=verify-submit]').click()
    await expect(page.locator('[data-test=verify-valid]')).toContainText('有效')
    await h.shot(page, 'approval-verify')

    const last = approved.digest.at(-1)
    await field(page, 'verify-digest').fill(approved.digest.slice(0, -1) + (last === '0' ? '1' : '0'))
    await page.locator('[data-test=verify-submit]').click()
    await expect(page.locator('[data-test=verify-invalid]')).toContainText('无效')
    await expect(page.locator('[data-test=verify-valid]')).toHaveCount(0)
  })
})
