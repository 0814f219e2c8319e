import type { KeywardApiKeys } from '@keyward/ui'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chromium, launchChromium } from './support/chromium.js'
import { type ExampleApp, signInWithOneKey, startExampleApp } from './support/example-app.js'

// Rotation until first use in "Settings → API Keys" (issue 25): the rotate dialog offers it
// first and checked, the old key's row says it still works until then, and the old token ends
// once the new one is first used. In a real Chromium against the Express example, driven by
// role and accessible name.

const KEY = 'Billing sync'

async function projectsStatus(base: string, token: string): Promise<number> {
  const response = await fetch(`${base}/v1/projects`, {
    headers: { authorization: `Bearer ${token}` },
  })
  await response.arrayBuffer()
  return response.status
}

describe('Settings → API Keys: rotation until first use', () => {
  let app: ExampleApp
  let chromium: Chromium
  let page: Page
  let oldToken: string

  const row = (name: string) => page.getByRole('row', { name: new RegExp(name) })

  beforeAll(async () => {
    ;[app, chromium] = await Promise.all([
      startExampleApp('examples/express-api'),
      launchChromium(),
    ])
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
    oldToken = await signInWithOneKey(page, app, KEY)
  })

  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), app?.stop()])
  })

  it('offers "until the new key is first used" first and checked; the old key keeps working until then', async () => {
    await page.getByRole('button', { name: `Actions for ${KEY}` }).click()
    await page.getByRole('menuitem', { name: 'Rotate' }).click()
    const dialog = page.getByRole('dialog', { name: `Rotate “${KEY}”` })
    const group = dialog.getByRole('group', { name: 'The old key keeps working' })
    const radios = group.getByRole('radio')
    expect(await radios.first().getAttribute('id')).toBe('grace-first-use')
    const firstUse = group.getByRole('radio', {
      name: 'Until the new key is first used (at most 1 day)',
    })
    expect(await firstUse.isChecked()).toBe(true)
    await dialog.getByRole('button', { name: 'Rotate key' }).click()

    const reveal = page.getByRole('dialog', { name: 'Copy your new rotated API key' })
    await reveal.getByRole('button', { name: 'Copy', exact: true }).click()
    await reveal.getByRole('button', { name: 'Copied' }).waitFor()
    const newToken = await page.evaluate(() => navigator.clipboard.readText())
    expect(newToken).toMatch(/^kw_test_/)
    await reveal.getByRole('button', { name: 'Done' }).click()
    await reveal.waitFor({ state: 'hidden' })

    // The old key's row: rotated, and working until the new key's first use.
    const waiting = row(KEY).filter({ hasText: 'Works until the new key is first used' })
    await waiting.getByText('Rotated').waitFor()
    expect(await row(KEY).filter({ hasText: 'Active' }).count()).toBe(1)
    expect(await projectsStatus(app.url, oldToken)).toBe(200)

    // The first use of the new key ends the old one (off the request path: poll, bounded).
    expect(await projectsStatus(app.url, newToken)).toBe(200)
    await expect
      .poll(() => projectsStatus(app.url, oldToken), { timeout: 5_000, interval: 50 })
      .toBe(401)
    expect(await projectsStatus(app.url, newToken)).toBe(200)

    // Reloaded, the page no longer lists the old key (revoked) nor says it waits.
    await page.evaluate(() => document.querySelector<KeywardApiKeys>('keyward-api-keys')?.reload())
    await row(KEY).getByText('Active').waitFor()
    expect(await page.getByText('Works until the new key is first used').count()).toBe(0)
    expect(await row(KEY).count()).toBe(1)
  })
})
