import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seriousViolations } from './support/axe.js'
import { type Chromium, launchChromium } from './support/chromium.js'
import { type ExampleApp, signInWithOneKey, startExampleApp } from './support/example-app.js'
import { focused } from './support/page-focus.js'

// The "Activity" view of the "Settings → API Keys" page (issue 24): a key's audit log from its
// menu and every key's from the header, in a real Chromium against the Express example, driven
// by role and accessible name, with axe-core finding no serious violation in the open dialog.

const KEY = 'Nightly export'
const RENAMED = 'Nightly export (v2)'

describe('Settings → API Keys: the Activity view', () => {
  let app: ExampleApp
  let chromium: Chromium
  let page: Page

  const keyMenu = (name: string) => page.getByRole('button', { name: `Actions for ${name}` })
  /** Waits until the app's audit log (written within a second) holds `count` events. */
  const auditHolds = (count: number) =>
    expect
      .poll(
        () =>
          page.evaluate(async () => {
            const response = await fetch('/api-keys/audit')
            return ((await response.json()) as { events: unknown[] }).events.length
          }),
        { timeout: 5_000 },
      )
      .toBeGreaterThanOrEqual(count)

  beforeAll(async () => {
    ;[app, chromium] = await Promise.all([
      startExampleApp('examples/express-api'),
      launchChromium(),
    ])
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
    await signInWithOneKey(page, app, KEY)
  })

  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), app?.stop()])
  })

  it("shows a key's history from its menu: what changed, before and after, by whom and from where", async () => {
    await keyMenu(KEY).click()
    await page.getByRole('menuitem', { name: 'Rename' }).click()
    const rename = page.getByRole('dialog', { name: `Rename “${KEY}”` })
    await rename.getByRole('textbox', { name: 'Name' }).fill(RENAMED)
    await rename.getByRole('button', { name: 'Save name' }).click()
    await rename.waitFor({ state: 'hidden' })
    await auditHolds(2)

    await keyMenu(RENAMED).click()
    await page.getByRole('menuitem', { name: 'Activity' }).click()
    const dialog = page.getByRole('dialog', { name: `Activity of “${RENAMED}”` })
    const events = dialog.getByRole('list', { name: `Activity of “${RENAMED}”` }).locator('> li')
    await expect.poll(() => events.count()).toBe(2)
    const [updated, created] = (await events.allTextContents()).map((text) =>
      text.replace(/\s+/g, ' ').trim(),
    )
    expect(updated).toMatch(
      /^updated .* name: Nightly export → Nightly export \(v2\) by \S+ from (127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/,
    )
    expect(created).toMatch(/^created .*name: – → Nightly export/)
    expect(await seriousViolations(page)).toEqual([])
    await expect.poll(() => focused(page)).toBe('button:Close')

    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(() => focused(page)).toBe(`button:Actions for ${RENAMED}`)
  })

  it("shows every key's history from the header, and closes with its Close button", async () => {
    await page.getByRole('button', { name: 'Activity', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Activity of all keys' })
    const events = dialog.getByRole('listitem').filter({ hasText: /^\s*(created|updated)/ })
    await expect.poll(() => events.count()).toBeGreaterThanOrEqual(2)
    // Every key's view names the key of each event.
    expect(await dialog.getByText(/^key_[0-9A-Za-z]{16}$/).count()).toBeGreaterThanOrEqual(2)
    expect(await seriousViolations(page)).toEqual([])
    await dialog.getByRole('button', { name: 'Close' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(() => focused(page)).toBe('button:Activity')
  })
})
