import { mkdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { KeywardApiKeys } from '@keyward/ui'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chromium, launchChromium } from './support/chromium.js'
import { type ExampleApp, startExampleApp } from './support/example-app.js'
import { focused } from './support/page-focus.js'

// Suspension and allowed networks on the "Settings → API Keys" page, in a real Chromium
// against the real example apps on both frameworks, driven by role and accessible name; each
// effect is checked over real HTTP with the key's token, from this loopback address.
// `UPDATE_SCREENSHOTS=1` also writes the main steps (Express run) to docs/screenshots/.

const FRAMEWORKS = [
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
] as const

const screenshotDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const PAUSED = 'Partner integration'
const FENCED = 'Office only'
const REASON = 'Unpaid invoice #4411'

/** What GET /v1/projects answers `token`: the status, the problem's code, `WWW-Authenticate`. */
async function projects(
  base: string,
  token: string,
): Promise<{ status: number; code: string | undefined; challenge: string | null }> {
  const response = await fetch(`${base}/v1/projects`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const text = await response.text()
  let code: string | undefined
  try {
    code = (JSON.parse(text) as { code?: string }).code
  } catch {
    code = undefined
  }
  return { status: response.status, code, challenge: response.headers.get('www-authenticate') }
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ content: await axeSource })
  }
  return page.evaluate(async () => {
    type AxeResults = {
      violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[]
    }
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResults> } }).axe
    const { violations } = await axe.run(document)
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.map((n) => n.target))}`)
  })
}

describe.each(FRAMEWORKS)(
  'Settings → API Keys: suspension and allowed IPs on %s',
  (framework, dir) => {
    let app: ExampleApp
    let chromium: Chromium
    let page: Page
    let base: string
    let paused: string
    let fenced: string

    const shoot = async (name: string) => {
      if (!process.env.UPDATE_SCREENSHOTS || framework !== 'Express') return
      await mkdir(screenshotDir, { recursive: true })
      await page.screenshot({ path: `${screenshotDir}${name}.png` })
    }
    const keyMenu = (name: string) => page.getByRole('button', { name: `Actions for ${name}` })
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) })
    /** The menu entries of `name`'s row, then closes the menu. */
    const menuEntries = async (name: string): Promise<string[]> => {
      await keyMenu(name).click()
      const items = page.getByRole('menu').getByRole('menuitem')
      await items.first().waitFor()
      const labels = (await items.allTextContents()).map((text) => text.trim())
      await page.keyboard.press('Escape')
      await page.getByRole('menu').waitFor({ state: 'detached' })
      return labels
    }
    /** The POST and PATCH requests the page sends while `action` runs. */
    const writesDuring = async (action: () => Promise<void>): Promise<string[]> => {
      const writes: string[] = []
      const onRequest = (request: { method(): string; url(): string }) => {
        if (request.method() !== 'GET') writes.push(`${request.method()} ${request.url()}`)
      }
      page.on('request', onRequest)
      try {
        await action()
      } finally {
        page.off('request', onRequest)
      }
      return writes
    }

    beforeAll(async () => {
      ;[app, chromium] = await Promise.all([startExampleApp(dir), launchChromium()])
      base = app.url
      page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
      await page.goto(`${base}/sign-in`)
      await page.getByRole('button', { name: 'Sign in as the demo person' }).click()
      await page.waitForURL(`${base}/settings/api-keys`)
      await page.getByRole('heading', { name: 'No API keys yet' }).waitFor()
      // A key made through the same session, shown by reload().
      paused = await page.evaluate(async (name) => {
        const response = await fetch('/api-keys', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name, scopes: ['projects:read'], expiresIn: 30 * 86_400 }),
        })
        return ((await response.json()) as { token: string }).token
      }, PAUSED)
      await page.evaluate(() =>
        document.querySelector<KeywardApiKeys>('keyward-api-keys')?.reload(),
      )
      await row(PAUSED).getByText('Active').waitFor()
    })

    afterAll(async () => {
      await Promise.allSettled([chromium?.close(), app?.stop()])
    })

    it('suspends a key with a reason: a Suspended status naming it, and the token is refused with 401 suspended_token', async () => {
      expect((await projects(base, paused)).status).toBe(200)
      expect(await menuEntries(PAUSED)).toEqual([
        'Rotate',
        'Extend expiry',
        'Rename',
        'Change limits',
        'Allowed IPs',
        'Suspend',
        'Activity',
        'Usage',
        'Delete',
      ])
      await keyMenu(PAUSED).click()
      await page.getByRole('menuitem', { name: 'Suspend' }).click()
      const dialog = page.getByRole('dialog', { name: `Suspend “${PAUSED}”` })
      const reason = dialog.getByRole('textbox', { name: 'Reason' })
      await expect.poll(() => focused(page)).toBe('input:Reason')
      expect(await seriousViolations(page)).toEqual([])
      await reason.fill(REASON)
      await shoot('11-suspend')
      await dialog.getByRole('button', { name: 'Suspend key' }).click()
      await dialog.waitFor({ state: 'hidden' })
      await expect.poll(() => focused(page)).toBe(`button:Actions for ${PAUSED}`)

      // The status cell reads the status and the reason, as a screen reader announces it.
      await row(PAUSED)
        .getByRole('cell', { name: `Suspended Reason: ${REASON}`, exact: true })
        .waitFor()
      await page.getByRole('status').getByText(`API key “${PAUSED}” suspended.`).waitFor()
      await shoot('12-suspended')
      expect(await seriousViolations(page)).toEqual([])

      const refused = await projects(base, paused)
      expect(refused).toMatchObject({ status: 401, code: 'suspended_token' })
      expect(refused.challenge).toMatch(/^Bearer realm="[^"]+", error="invalid_token"/)
    })

    it('offers Resume and no Rotate for the suspended key, and keeps it suspended after a reload', async () => {
      expect(await menuEntries(PAUSED)).toEqual([
        'Resume',
        'Extend expiry',
        'Rename',
        'Change limits',
        'Allowed IPs',
        'Activity',
        'Usage',
        'Delete',
      ])
      await page.reload()
      await row(PAUSED)
        .getByRole('cell', { name: `Suspended Reason: ${REASON}` })
        .waitFor()
    })

    it('resumes it: Active again, and the same token works', async () => {
      await keyMenu(PAUSED).click()
      await page.getByRole('menuitem', { name: 'Resume' }).click()
      const dialog = page.getByRole('dialog', { name: `Resume “${PAUSED}”` })
      await dialog.getByRole('button', { name: 'Resume key' }).click()
      await dialog.waitFor({ state: 'hidden' })
      await row(PAUSED).getByText('Active').waitFor()
      expect(await row(PAUSED).getByText(REASON).count()).toBe(0)
      expect(await projects(base, paused)).toMatchObject({ status: 200 })
    })

    it('shows a bad Allowed IPs entry beside the field: shapes in the page, the rest from the server’s 422', async () => {
      await page.getByRole('button', { name: 'Create new API key' }).click()
      const dialog = page.getByRole('dialog', { name: 'Create new API key' })
      await dialog.getByRole('textbox', { name: 'Name' }).fill(FENCED)
      await dialog.getByRole('checkbox', { name: 'projects:read' }).check()
      const ips = dialog.getByRole('textbox', { name: 'Allowed IPs' })
      const error = dialog.locator('#allowed-ips-error')

      // Not an address at all: refused in the page, before any request.
      await ips.fill('127.0.0.1\nexample.com')
      const none = await writesDuring(async () => {
        await dialog.getByRole('button', { name: 'Create key' }).click()
        await error.getByText('“example.com” is not an IP address or CIDR range.').waitFor()
      })
      expect(none).toEqual([])
      expect(await ips.getAttribute('aria-invalid')).toBe('true')
      expect(await ips.getAttribute('aria-describedby')).toContain('allowed-ips-error')
      expect(await focused(page)).toBe('textarea:Allowed IPs')
      await ips.scrollIntoViewIfNeeded()
      await shoot('13-allowed-ips-error')

      // Shaped like a range, but no IPv4 prefix is 33 bits: the server's 422 names the third
      // entry, and the page shows its message beside the field.
      await ips.fill('127.0.0.1\n10.0.0.0/8\n10.0.0.0/33')
      const answered = page.waitForResponse(
        (r) => r.url() === `${base}/api-keys` && r.request().method() === 'POST',
      )
      await dialog.getByRole('button', { name: 'Create key' }).click()
      const response = await answered
      expect(response.status()).toBe(422)
      expect(await response.json()).toMatchObject({ field: 'allowedIps[2]' })
      await expect.poll(async () => (await error.textContent())?.trim() ?? '').not.toBe('')
      expect(await ips.getAttribute('aria-invalid')).toBe('true')
      expect(await dialog.locator('#form-error').count()).toBe(0)
    })

    it('saves a good list and shows it on the row; the key works from there only', async () => {
      const dialog = page.getByRole('dialog', { name: 'Create new API key' })
      const ips = dialog.getByRole('textbox', { name: 'Allowed IPs' })
      await ips.fill('127.0.0.1, 10.0.0.0/8\n2001:db8::/32')
      await dialog.getByRole('button', { name: 'Create key' }).click()
      const reveal = page.getByRole('dialog', { name: 'Copy your new API key' })
      await reveal.getByRole('button', { name: 'Copy', exact: true }).click()
      await reveal.getByRole('button', { name: 'Copied' }).waitFor()
      fenced = await page.evaluate(() => navigator.clipboard.readText())
      await reveal.getByRole('button', { name: 'Done' }).click()
      await reveal.waitFor({ state: 'hidden' })

      await row(FENCED).getByText('Only from 127.0.0.1, 10.0.0.0/8, 2001:db8::/32').waitFor()
      await shoot('14-allowed-ips')
      expect(await projects(base, fenced)).toMatchObject({ status: 200 })
    })

    it('changes the list through its dialog: without this address the key is refused with 403 ip_not_allowed', async () => {
      await keyMenu(FENCED).click()
      await page.getByRole('menuitem', { name: 'Allowed IPs' }).click()
      const dialog = page.getByRole('dialog', { name: `Allowed IPs of “${FENCED}”` })
      const ips = dialog.getByRole('textbox', { name: 'Allowed IPs' })
      expect(await ips.inputValue()).toBe('127.0.0.1\n10.0.0.0/8\n2001:db8::/32')
      await ips.fill('10.0.0.0/8')
      await dialog.getByRole('button', { name: 'Save allowed IPs' }).click()
      await dialog.waitFor({ state: 'hidden' })
      await row(FENCED).getByText('Only from 10.0.0.0/8', { exact: true }).waitFor()
      const refused = await projects(base, fenced)
      expect(refused).toMatchObject({ status: 403, code: 'ip_not_allowed' })
      expect(refused.challenge ?? '').not.toMatch(/error=/)

      // Emptied: the rules are removed, and the key works from anywhere again.
      await keyMenu(FENCED).click()
      await page.getByRole('menuitem', { name: 'Allowed IPs' }).click()
      await dialog.getByRole('textbox', { name: 'Allowed IPs' }).fill('')
      await dialog.getByRole('button', { name: 'Save allowed IPs' }).click()
      await dialog.waitFor({ state: 'hidden' })
      await expect
        .poll(() =>
          row(FENCED)
            .getByText(/^Only from/)
            .count(),
        )
        .toBe(0)
      expect(await projects(base, fenced)).toMatchObject({ status: 200 })
    })
  },
)
