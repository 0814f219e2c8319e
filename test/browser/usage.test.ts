import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seriousViolations } from './support/axe.js'
import { type Chromium, launchChromium } from './support/chromium.js'
import { type ExampleApp, signInWithOneKey, startExampleApp } from './support/example-app.js'
import { focused } from './support/page-focus.js'

// Usage per key on the "Settings → API Keys" page (issue 23): a key makes known requests to
// the Express example (3 that verify, 2 refused while it is suspended), and once the example
// has flushed its counts, the row's sparkline and the key's "Usage" dialog say so, read by role
// and accessible name in a real Chromium, axe-core finding no serious violation in the dialog.

const KEY = 'Usage reporter'
const USER_AGENT = 'curl/8.5'
const VALID = 3
const REFUSED = 2
/** The client address the example decides a loopback request comes from. */
const LOOPBACK = /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/

/** GET /v1/projects with `token`, as curl would: the status. */
async function projectsStatus(base: string, token: string): Promise<number> {
  const response = await fetch(`${base}/v1/projects`, {
    headers: { authorization: `Bearer ${token}`, 'user-agent': USER_AGENT },
  })
  await response.arrayBuffer()
  return response.status
}

describe('Settings → API Keys: usage per key', () => {
  let app: ExampleApp
  let chromium: Chromium
  let page: Page
  let keyId: string
  let token: string

  /** A management call from the signed-in page: the JSON answer. */
  const manage = (path: string, method = 'GET') =>
    page.evaluate(
      async ([path, method]) => {
        const init =
          method === 'GET'
            ? {}
            : { method, headers: { 'content-type': 'application/json' }, body: '{}' }
        const response = await fetch(`/api-keys${path}`, init)
        return (await response.json()) as unknown
      },
      [path, method] as const,
    )

  beforeAll(async () => {
    ;[app, chromium] = await Promise.all([
      startExampleApp('examples/express-api'),
      launchChromium(),
    ])
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
    token = await signInWithOneKey(page, app, KEY)
  })

  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), app?.stop()])
  })

  const LAST_30_DAYS = `Requests in the last 30 days: ${VALID + REFUSED} (${REFUSED} refused)`

  it("draws the row's sparkline of the last 30 days, labelled with its totals once they are flushed", async () => {
    const { keys } = (await manage('')) as { keys: { id: string; name: string }[] }
    keyId = keys.find((key) => key.name === KEY)?.id ?? ''

    for (let i = 0; i < VALID; i++) expect(await projectsStatus(app.url, token)).toBe(200)
    await manage(`/${keyId}/suspend`, 'POST')
    for (let i = 0; i < REFUSED; i++) expect(await projectsStatus(app.url, token)).toBe(401)
    await manage(`/${keyId}/resume`, 'POST')

    // The example flushes its counts every few seconds (usage's default, 5 s): wait for them.
    const totals = async () => {
      const usage = (await manage(`/${keyId}/usage?granularity=day`)) as {
        buckets: { outcomes: Record<string, number> }[]
      }
      const sum: Record<string, number> = {}
      for (const { outcomes } of usage.buckets) {
        for (const [outcome, n] of Object.entries(outcomes)) sum[outcome] = (sum[outcome] ?? 0) + n
      }
      return sum
    }
    await expect
      .poll(totals, { timeout: 20_000, interval: 500 })
      .toEqual({ valid: VALID, suspended_token: REFUSED })
    await page.evaluate(() => document.querySelector('keyward-api-keys')?.reload())
    const row = page.getByRole('row', { name: new RegExp(KEY) })
    await row.getByRole('img', { name: LAST_30_DAYS }).waitFor()
  })

  it("shows the key's usage from its menu: bars by outcome, their numbers, where it was last used from", async () => {
    await page.getByRole('button', { name: `Actions for ${KEY}` }).click()
    await page.getByRole('menuitem', { name: 'Usage' }).click()
    const dialog = page.getByRole('dialog', { name: `Usage of “${KEY}”` })
    await dialog.getByRole('img', { name: LAST_30_DAYS }).waitFor()

    // The numbers behind the bars, for assistive technology: a table per day and outcome.
    const table = dialog.getByRole('table', { name: LAST_30_DAYS })
    expect(await table.getByRole('columnheader').allTextContents()).toEqual([
      'Period',
      'Valid',
      'Suspended',
    ])
    const rows = await table
      .getByRole('row')
      .evaluateAll((trs) =>
        trs
          .slice(1)
          .map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))),
      )
    expect(rows.length).toBeGreaterThanOrEqual(30)
    const sums = rows.reduce((sum, cells) => sum.map((n, i) => n + (cells[i] ?? 0)), [0, 0])
    expect(sums).toEqual([VALID, REFUSED])

    const lastUsed = (await dialog.getByText(/^Last used /).textContent())?.trim() ?? ''
    const [, ip] = /^Last used .+ from (\S+) \(curl\/8\.5\)$/.exec(lastUsed) ?? []
    expect(lastUsed).toMatch(/^Last used .+ from \S+ \(curl\/8\.5\)$/)
    expect(ip).toMatch(LOOPBACK)
    const addresses = dialog.getByRole('list', { name: 'Recent addresses' }).getByRole('listitem')
    expect(await addresses.allTextContents()).toEqual([expect.stringMatching(`^${ip}: first `)])
    expect(await seriousViolations(page)).toEqual([])

    await dialog.getByRole('radio', { name: 'By hour' }).check()
    await dialog
      .getByRole('img', {
        name: `Requests in the last 48 hours: ${VALID + REFUSED} (${REFUSED} refused)`,
      })
      .waitFor()
    expect(await seriousViolations(page)).toEqual([])

    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(() => focused(page)).toBe(`button:Actions for ${KEY}`)
  })
})
