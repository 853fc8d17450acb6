// Playwright drives Debian's Chromium (/usr/bin/chromium): test tools cannot download browsers here.
// The suite under test is started by test_portal_browser.py, which passes its address in ITPM_BASE_URL.
const { defineConfig } = require('@playwright/test')

module.exports = defineConfig({
  testDir: __dirname,
  testMatch: '*.spec.js',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  outputDir: process.env.ITPM_BROWSER_OUTPUT || require('path').join(require('os').tmpdir(), 'itpm-browser-results'),
  use: {
    baseURL: process.env.ITPM_BASE_URL || 'http://127.0.0.1:8080',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.ITPM_CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
})
