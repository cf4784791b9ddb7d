import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { startMock } from '../../src/index.ts'

/**
 * GET /__restmock/docs in a real headless Chromium: the page renders the mock's operations from its
 * OpenAPI document with assets served by the mock itself (nothing is fetched from anywhere else), and
 * "Try it out" sends the request to the mock.
 */

const CHROMIUM = '/usr/bin/chromium'
const DEMO = fileURLToPath(new URL('../../seeds/restmock.yaml', import.meta.url))
const skip = existsSync(CHROMIUM)
  ? false
  : `needs Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`

test('the API docs page renders the operations offline and "Try it out" reaches the mock', {
  skip,
}, async () => {
  const mock = await startMock({ source: DEMO, port: 0 })
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  })
  try {
    const page = await browser.newPage()
    const elsewhere: string[] = []
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(`${mock.url}/`)) return route.continue()
      elsewhere.push(url)
      return route.abort()
    })
    const loaded = await page.goto(`${mock.url}/__restmock/docs`)
    assert.equal(loaded?.status(), 200)
    assert.match(await page.title(), /Willow & Wren Hair Studio/)

    const list = page.locator('#operations-customers-listCustomers')
    await list.waitFor({ timeout: 30_000 })
    assert.match(
      (await list.locator('.opblock-summary').textContent()) ?? '',
      /GET\s*\/customers\s*List customers/,
    )
    assert.equal(await page.locator('#operations-settings-updateSetting').count(), 1)

    await mock.requests.clear()
    await list.locator('.opblock-summary-control').click()
    await list.getByRole('button', { name: 'Try it out' }).click()
    await list.getByRole('button', { name: 'Execute' }).click()
    const status = list.locator('.live-responses-table tbody .response-col_status').first()
    await status.waitFor({ timeout: 30_000 })
    assert.equal((await status.textContent())?.trim(), '200')
    assert.ok(
      ((await list.locator('.request-url').textContent()) ?? '').endsWith(`${mock.url}/api/customers`),
    )
    assert.equal(await mock.requests.count({ method: 'GET', path: '/api/customers' }), 1)
    assert.deepEqual(elsewhere, [], 'the page loads nothing from outside the mock')
  } finally {
    await browser.close()
    await mock.close()
  }
})
