import { mkdir, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { KeywardApiKeys } from '@keyward/ui'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chromium, launchChromium } from './support/chromium.js'
import { type ExampleApp, startExampleApp } from './support/example-app.js'
import { focused, tabTo } from './support/page-focus.js'

// The "Settings → API Keys" page in a real Chromium against the real example apps, on every
// framework, driven as a person (and a screen reader) would: by role and accessible name.
// `UPDATE_SCREENSHOTS=1` also writes the main steps (Express run) to docs/screenshots/.

const FRAMEWORKS = [
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
  ['Fastify', 'examples/fastify-api'],
] as const

const root = fileURLToPath(new URL('../..', import.meta.url))
const screenshotDir = `${root}docs/screenshots/`
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const DAY_MS = 86_400_000
const KEY_NAME = 'Snowflake Native App Integration'
const METERED = 'Metered partner'

/** GET /v1/projects with `token` as a Bearer token, as `curl` would: the status. */
async function projectsStatus(base: string, token: string): Promise<number> {
  const response = await fetch(`${base}/v1/projects`, {
    headers: { authorization: `Bearer ${token}` },
  })
  await response.arrayBuffer()
  return response.status
}

/**
 * GET /v1/projects with `token` until the first 429, at most `max` times: the statuses, and
 * the `RateLimit-Policy` header of the last answer.
 */
async function untilRefused(
  base: string,
  token: string,
  max: number,
): Promise<{ statuses: number[]; policy: string | null }> {
  const statuses: number[] = []
  let policy: string | null = null
  while (statuses.length < max && statuses.at(-1) !== 429) {
    const response = await fetch(`${base}/v1/projects`, {
      headers: { authorization: `Bearer ${token}` },
    })
    await response.arrayBuffer()
    statuses.push(response.status)
    policy = response.headers.get('ratelimit-policy')
  }
  return { statuses, policy }
}

/** `YYYY-MM-DD` of the local day `days` from now, as `<input type="date">` takes it. */
function dayFromNow(days: number): string {
  const date = new Date(Date.now() + days * DAY_MS)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** Whether `text` is anywhere in the page: markup, shadow roots, field values, element state. */
function pageHolds(page: Page, text: string): Promise<boolean> {
  return page.evaluate((needle) => {
    const seen: string[] = [document.documentElement.outerHTML]
    const walk = (node: Document | ShadowRoot) => {
      for (const element of node.querySelectorAll('*')) {
        if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
          seen.push(element.value)
        }
        if (element.shadowRoot) {
          seen.push(element.shadowRoot.innerHTML)
          walk(element.shadowRoot)
        }
      }
    }
    walk(document)
    const host = document.querySelector('keyward-api-keys') as unknown as Record<string, unknown>
    for (const name of Object.getOwnPropertyNames(host)) {
      try {
        seen.push(JSON.stringify(host[name]) ?? '')
      } catch {
        // Not serialisable (a DOM node, a function): holds no token as a string.
      }
    }
    return seen.some((chunk) => chunk.includes(needle))
  }, text)
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ content: await axeSource })
  }
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResults> } }).axe
    type AxeResults = {
      violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[]
    }
    const { violations } = await axe.run(document)
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.map((n) => n.target))}`)
  })
}

describe.each(FRAMEWORKS)('Settings → API Keys on %s', (framework, dir) => {
  let app: ExampleApp
  let chromium: Chromium
  let page: Page
  let base: string
  /** Tokens the flow created, each tested after revoke-all. */
  const tokens: string[] = []
  let firstToken: string

  const shoot = async (name: string) => {
    if (!process.env.UPDATE_SCREENSHOTS || framework !== 'Express') return
    await mkdir(screenshotDir, { recursive: true })
    await page.screenshot({ path: `${screenshotDir}${name}.png` })
  }
  const copyToken = async (dialog: Locator): Promise<string> => {
    await dialog.getByRole('button', { name: 'Copy', exact: true }).click()
    await dialog.getByRole('button', { name: 'Copied' }).waitFor()
    return page.evaluate(() => navigator.clipboard.readText())
  }
  const keyMenu = (name: string) => page.getByRole('button', { name: `Actions for ${name}` })
  /** The POST requests the page sends while `action` runs. */
  const postsDuring = async (action: () => Promise<void>): Promise<string[]> => {
    const posts: string[] = []
    const onRequest = (request: { method(): string; url(): string }) => {
      if (request.method() === 'POST') posts.push(request.url())
    }
    page.on('request', onRequest)
    try {
      await action()
    } finally {
      page.off('request', onRequest)
    }
    return posts
  }
  /**
   * Clicks "Create key" with the request body changed by `rewrite`, as a client sending it
   * anyway would: the answer's status and the field its problem names.
   */
  const createRewritten = async (
    dialog: Locator,
    rewrite: (body: Record<string, unknown>) => void,
  ): Promise<{ status: number; field: string | undefined }> => {
    await page.route(`${base}/api-keys`, async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>
      rewrite(body)
      await route.continue({ postData: JSON.stringify(body) })
    })
    const answered = page.waitForResponse((r) => r.url() === `${base}/api-keys`)
    await dialog.getByRole('button', { name: 'Create key' }).click()
    const response = await answered
    await page.unroute(`${base}/api-keys`)
    const { field } = (await response.json()) as { field?: string }
    return { status: response.status(), field }
  }

  beforeAll(async () => {
    ;[app, chromium] = await Promise.all([startExampleApp(dir), launchChromium()])
    base = app.url
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
  })

  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), app?.stop()])
  })

  it('signs in and shows the empty page', async () => {
    await page.goto(`${base}/sign-in`)
    await page.getByRole('button', { name: 'Sign in as the demo person' }).click()
    await page.waitForURL(`${base}/settings/api-keys`)
    expect(await page.title()).toBe('Settings → API Keys')
    await page.getByRole('heading', { name: 'No API keys yet' }).waitFor()
    await shoot('1-empty')
  })

  it('creates a key with one permission and a 90-day expiry, offering only what the viewer may grant', async () => {
    await page.getByRole('button', { name: 'Create new API key' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create new API key' })
    await dialog.getByRole('textbox', { name: 'Name' }).fill(KEY_NAME)
    await dialog.getByRole('combobox', { name: 'Expiration' }).selectOption({ label: '90 days' })
    // The demo person holds projects:read and api_keys:manage, not projects:write.
    expect(await dialog.getByRole('checkbox').count()).toBe(2)
    expect(await dialog.getByRole('checkbox', { name: 'projects:write' }).count()).toBe(0)
    await dialog.getByRole('checkbox', { name: 'projects:read' }).check()
    await shoot('2-create')
    await dialog.getByRole('button', { name: 'Create key' }).click()

    const reveal = page.getByRole('dialog', { name: 'Copy your new API key' })
    await reveal.getByText('This is the only time the key is shown.').waitFor()
    await shoot('3-token')
    firstToken = await copyToken(reveal)
    expect(firstToken).toMatch(/^kw_test_/)
    tokens.push(firstToken)
  })

  it('the copied token answers 200 on /v1/projects', async () => {
    expect(await projectsStatus(base, firstToken)).toBe(200)
  })

  it('closing the dialog removes the token from the page and returns focus', async () => {
    const reveal = page.getByRole('dialog', { name: 'Copy your new API key' })
    await reveal.getByRole('button', { name: 'Done' }).click()
    await reveal.waitFor({ state: 'hidden' })
    expect(await pageHolds(page, firstToken)).toBe(false)
    await expect.poll(() => focused(page)).toBe('button:Create new API key +')

    const row = page.getByRole('row', { name: new RegExp(KEY_NAME) })
    await row.getByRole('cell', { name: 'projects:read' }).waitFor()
    expect(await row.getByText(firstToken.slice(0, 12)).count()).toBe(1)
    expect(await row.getByText('Active').count()).toBe(1)
    const in90Days = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(
      Date.now() + 90 * DAY_MS,
    )
    expect(await row.getByText(in90Days).count()).toBe(1)
    await shoot('4-list')
  })

  it('the date picker refuses a date past one year, and the server refuses one sent anyway', async () => {
    await page.getByRole('button', { name: 'Create new API key' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create new API key' })
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Too long')
    await dialog
      .getByRole('combobox', { name: 'Expiration' })
      .selectOption({ label: 'Custom date' })
    const date = dialog.getByLabel('Expiration date')
    expect(await date.getAttribute('max')).toBe(dayFromNow(365))

    const posts = await postsDuring(async () => {
      await date.fill(dayFromNow(400))
      await dialog.getByRole('button', { name: 'Create key' }).click()
      await dialog.getByText('Choose a date no later than').waitFor()
    })
    expect(await date.getAttribute('aria-invalid')).toBe('true')
    expect(posts).toEqual([])

    // Sent anyway (the request rewritten past the limit): the server answers 422 on
    // expiresAt, and the page shows its message next to the date.
    await date.fill(dayFromNow(300))
    const refused = await createRewritten(dialog, (body) => {
      body.expiresAt = new Date(Date.now() + 400 * DAY_MS).toISOString()
    })
    expect(refused).toEqual({ status: 422, field: 'expiresAt' })
    const error = await dialog.locator('#expiration-error').textContent()
    expect(error?.trim()).not.toBe('')
    expect(await date.getAttribute('aria-invalid')).toBe('true')

    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect(await page.getByRole('row', { name: /Too long/ }).count()).toBe(0)
  })

  it('has no serious or critical accessibility violations (list, menu, dialog)', async () => {
    expect(await seriousViolations(page)).toEqual([])
    await keyMenu(KEY_NAME).click()
    await page.getByRole('menu').waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Create new API key' }).click()
    await page.getByRole('dialog', { name: 'Create new API key' }).waitFor()
    expect(await seriousViolations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'hidden' })
  })

  it('rotates with the keyboard menu: the old token 401, the new one works, closing asks until copied', async () => {
    await keyMenu(KEY_NAME).focus()
    await page.keyboard.press('Enter')
    expect(await focused(page)).toBe('button:Rotate')
    await page.keyboard.press('ArrowDown')
    expect(await focused(page)).toBe('button:Extend expiry')
    await page.keyboard.press('End')
    expect(await focused(page)).toBe('button:Delete')
    await page.keyboard.press('Home')
    await shoot('5-menu')
    await page.keyboard.press('Enter')

    const dialog = page.getByRole('dialog', { name: `Rotate “${KEY_NAME}”` })
    await dialog.getByRole('radio', { name: 'Not at all: it stops working immediately' }).check()
    await dialog.getByRole('button', { name: 'Rotate key' }).click()

    const reveal = page.getByRole('dialog', { name: 'Copy your new rotated API key' })
    await reveal.getByRole('button', { name: 'Done' }).click()
    await reveal.getByRole('alert').getByText('You have not copied the key').waitFor()
    expect(await focused(page)).toBe('button:Go back')
    await page.keyboard.press('Enter')
    const rotated = await copyToken(reveal)
    tokens.push(rotated)
    await reveal.getByRole('button', { name: 'Done' }).click()
    await reveal.waitFor({ state: 'hidden' })
    expect(await pageHolds(page, rotated)).toBe(false)

    expect(await projectsStatus(base, firstToken)).toBe(401)
    expect(await projectsStatus(base, rotated)).toBe(200)
  })

  it('deletes the new key after a confirmation naming it: 401 at once', async () => {
    const rotated = tokens.at(-1)!
    const rows = page.getByRole('row', { name: new RegExp(KEY_NAME) })
    await rows
      .filter({ hasText: 'Active' })
      .getByRole('button', { name: /^Actions for/ })
      .click()
    await page.getByRole('menuitem', { name: 'Delete' }).click()

    const confirm = page.getByRole('alertdialog', { name: 'Delete this API key?' })
    const text = await confirm.textContent()
    expect(text).toContain(KEY_NAME)
    expect(text).toContain(rotated.slice(0, 12))
    expect(text).toContain('stops working immediately')
    await shoot('6-delete')
    await confirm.getByRole('button', { name: 'Delete key' }).click()
    await confirm.waitFor({ state: 'hidden' })
    expect(await projectsStatus(base, rotated)).toBe(401)
  })

  it('creates a key with the keyboard alone', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await tabTo(page, 'button:Create new API key +')
    await page.keyboard.press('Enter')
    expect(await focused(page)).toBe('input:Name')
    await page.keyboard.type('Keyboard key')
    await tabTo(page, 'select:Expiration')
    await tabTo(page, 'input:projects:read')
    await page.keyboard.press('Space')
    await tabTo(page, 'button:Create key')
    await page.keyboard.press('Enter')

    const reveal = page.getByRole('dialog', { name: 'Copy your new API key' })
    await reveal.waitFor()
    expect(await focused(page)).toBe('button:Copy')
    await page.keyboard.press('Enter')
    await reveal.getByRole('button', { name: 'Copied' }).waitFor()
    const token = await page.evaluate(() => navigator.clipboard.readText())
    tokens.push(token)
    await tabTo(page, 'button:Done')
    await page.keyboard.press('Enter')
    await reveal.waitFor({ state: 'hidden' })
    await expect.poll(() => focused(page)).toBe('button:Create new API key +')
    expect(await projectsStatus(base, token)).toBe(200)
  })

  it('renames a key and extends its expiry', async () => {
    await keyMenu('Keyboard key').click()
    await page.getByRole('menuitem', { name: 'Rename' }).click()
    const rename = page.getByRole('dialog', { name: 'Rename “Keyboard key”' })
    await rename.getByRole('textbox', { name: 'Name' }).fill('Nightly export')
    await rename.getByRole('button', { name: 'Save name' }).click()
    await rename.waitFor({ state: 'hidden' })
    await expect.poll(() => focused(page)).toBe('button:Actions for Nightly export')

    await page.keyboard.press('ArrowDown')
    await page.getByRole('menuitem', { name: 'Extend expiry' }).click()
    const extend = page.getByRole('dialog', { name: 'Extend “Nightly export”' })
    await extend.getByRole('combobox', { name: 'Expiration' }).selectOption({ label: '365 days' })
    await extend.getByRole('button', { name: 'Save expiry' }).click()
    await extend.waitFor({ state: 'hidden' })
    const inAYear = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(
      Date.now() + 365 * DAY_MS,
    )
    const row = page.getByRole('row', { name: /Nightly export/ })
    await row.getByText(inAYear).waitFor()
  })

  it('creates a key with a rate limit and credits through the Limits fields, showing refusals beside them', async () => {
    await page.getByRole('button', { name: 'Create new API key' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create new API key' })
    await dialog.getByRole('textbox', { name: 'Name' }).fill(METERED)
    await dialog.getByRole('checkbox', { name: 'projects:read' }).check()
    const limits = dialog.getByRole('group', { name: 'Limits' })
    const requests = limits.getByRole('textbox', { name: 'Requests' })
    const credits = limits.getByRole('textbox', { name: 'Credits' })
    await requests.fill('3')
    await limits.getByRole('combobox', { name: 'per' }).selectOption({ label: 'day' })
    await credits.fill('a thousand')
    await limits.getByRole('textbox', { name: 'Refill to' }).fill('1000')
    await limits.getByRole('combobox', { name: 'every' }).selectOption({ label: '30 days' })

    // Not a number: refused in the page, beside the field, before any request.
    const posts = await postsDuring(async () => {
      await dialog.getByRole('button', { name: 'Create key' }).click()
      await limits.getByText('Enter a whole number, 0 or more.').waitFor()
    })
    expect(await credits.getAttribute('aria-invalid')).toBe('true')
    expect(posts).toEqual([])
    await credits.fill('1000')
    await limits.scrollIntoViewIfNeeded()
    await shoot('9-create-limits')

    // A limit the server refuses (sent as 0 anyway): its 422 names the field, shown beside it.
    const refused = await createRewritten(dialog, (body) => {
      ;(body.rateLimits as { limit: number }[])[0]!.limit = 0
    })
    expect(refused).toEqual({ status: 422, field: 'rateLimits[0].limit' })
    expect(await limits.locator('#rate-limit-error').textContent()).toContain('limit')
    expect(await requests.getAttribute('aria-invalid')).toBe('true')
    expect(await credits.getAttribute('aria-invalid')).toBe('false')

    await dialog.getByRole('button', { name: 'Create key' }).click()
    const reveal = page.getByRole('dialog', { name: 'Copy your new API key' })
    const token = await copyToken(reveal)
    tokens.push(token)
    await reveal.getByRole('button', { name: 'Done' }).click()
    await reveal.waitFor({ state: 'hidden' })

    const row = page.getByRole('row', { name: new RegExp(METERED) })
    await row.getByText('3 requests per day').waitFor()
    await row.getByText('1,000 credits, refilled to 1,000 every 30 days').waitFor()
    await shoot('10-limits')
  })

  it('its token is refused with 429 past the limit, over real HTTP', async () => {
    const token = tokens.at(-1)!
    const { statuses, policy } = await untilRefused(base, token, 10)
    // Three a day; a day boundary crossed during the loop would admit at most three more.
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(3)
    expect(policy).toBe('"default";q=3;w=86400, "credits";q=1000;w=2592000')
  })

  it('changes the limits through the page: the credits removed, the limit raised', async () => {
    await keyMenu(METERED).click()
    await page.getByRole('menuitem', { name: 'Change limits' }).click()
    const dialog = page.getByRole('dialog', { name: `Limits of “${METERED}”` })
    const requests = dialog.getByRole('textbox', { name: 'Requests' })
    expect(await requests.inputValue()).toBe('3')
    expect(await dialog.getByRole('textbox', { name: 'Credits' }).inputValue()).toBe('1000')
    await requests.fill('100')
    await dialog.getByRole('textbox', { name: 'Credits' }).fill('')
    await dialog.getByRole('textbox', { name: 'Refill to' }).fill('')
    await dialog.getByRole('button', { name: 'Save limits' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(() => focused(page)).toBe(`button:Actions for ${METERED}`)

    const row = page.getByRole('row', { name: new RegExp(METERED) })
    await row.getByText('100 requests per day').waitFor()
    expect(await row.getByText(/credits/).count()).toBe(0)
    const { statuses, policy } = await untilRefused(base, tokens.at(-1)!, 1)
    expect(statuses).toEqual([200])
    expect(policy).toBe('"default";q=100;w=86400')
  })

  it('revokes every key after the word is typed: all 401', async () => {
    // A second live key, created through the same session.
    const second = await page.evaluate(async () => {
      const response = await fetch('/api-keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Second key', scopes: ['projects:read'], expiresIn: 86_400 }),
      })
      return ((await response.json()) as { token: string }).token
    })
    tokens.push(second)
    expect(await projectsStatus(base, second)).toBe(200)
    // Changed behind the component's back: reload() shows it.
    await page.evaluate(() => document.querySelector<KeywardApiKeys>('keyward-api-keys')?.reload())
    const soon = page.getByRole('row', { name: /Second key/ })
    await soon.getByText(/^Expires in \d+ hours$/).waitFor()
    await shoot('7-expiry-warning')

    await page.getByRole('button', { name: 'Revoke all keys' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Revoke all API keys?' })
    const word = confirm.getByRole('textbox', { name: 'Type REVOKE to confirm' })
    await word.fill('revoke')
    // aria-disabled until the word matches (Playwright will not click it): Enter submits.
    await word.press('Enter')
    await confirm.getByText('Type REVOKE exactly to confirm.').waitFor()
    await word.fill('REVOKE')
    expect(await confirm.getByText('Type REVOKE exactly to confirm.').count()).toBe(0)
    await shoot('8-revoke-all')
    await confirm.getByRole('button', { name: 'Revoke all keys' }).click()
    await confirm.waitFor({ state: 'hidden' })
    await page.getByRole('heading', { name: 'No API keys yet' }).waitFor()
    // Nothing left to revoke: the danger zone is gone, focus goes to the create button.
    await expect.poll(() => focused(page)).toBe('button:Create new API key +')

    const statuses = await Promise.all(tokens.map((token) => projectsStatus(base, token)))
    expect(statuses).toEqual(tokens.map(() => 401))
  })

  it('refuses a forged cross-site POST that carries the session cookie (403)', async () => {
    // Another origin on the same site (same host, another port): the browser attaches the
    // SameSite=Lax session cookie to its form POST, so only the server's CSRF rule stops it.
    const forged = JSON.stringify({ name: 'Forged', scopes: ['projects:read'], expiresIn: 86_400 })
    const [name, value] = [forged.slice(0, -2), `${forged.slice(-2)}`]
    const html = `<!doctype html><html lang="en"><title>Win a prize</title>
      <form method="post" action="${base}/api-keys" enctype="text/plain">
        <input type="hidden" name='${name}' value='${value}'>
      </form>
      <script>document.forms[0].submit()</script></html>`
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html)
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = attacker.address() as AddressInfo
      const answered = page.waitForResponse(
        (r) => r.url() === `${base}/api-keys` && r.request().method() === 'POST',
      )
      await page.goto(`http://127.0.0.1:${port}/`)
      const response = await answered
      expect((await response.request().allHeaders()).cookie).toMatch(/=/)
      expect(response.status()).toBe(403)
    } finally {
      attacker.close()
    }
    await page.goto(`${base}/settings/api-keys`)
    await page.getByRole('heading', { name: 'No API keys yet' }).waitFor()
  })
})

describe('Settings → API Keys with a deployment default rate limit (RATE_LIMIT=100/1m)', () => {
  // The default is read by the shared bootstrap, so one framework covers both.
  let app: ExampleApp
  let chromium: Chromium

  beforeAll(async () => {
    ;[app, chromium] = await Promise.all([
      startExampleApp(FRAMEWORKS[0][1], { RATE_LIMIT: '100/1m' }),
      launchChromium(),
    ])
  })

  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), app?.stop()])
  })

  it('lists a key created without limits with the default, marked as the deployment’s', async () => {
    const page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
    await page.goto(`${app.url}/sign-in`)
    await page.getByRole('button', { name: 'Sign in as the demo person' }).click()
    await page.waitForURL(`${app.url}/settings/api-keys`)
    await page.getByRole('button', { name: 'Create new API key' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create new API key' })
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Unmetered partner')
    await dialog.getByRole('checkbox', { name: 'projects:read' }).check()
    const limits = dialog.getByRole('group', { name: 'Limits' })
    // Left empty: the help beside the fields says what applies instead.
    expect(await limits.getByRole('textbox', { name: 'Requests' }).inputValue()).toBe('')
    await limits
      .getByText('without a rate limit, the deployment default applies (100 requests per minute)')
      .waitFor()
    await dialog.getByRole('button', { name: 'Create key' }).click()
    const reveal = page.getByRole('dialog', { name: 'Copy your new API key' })
    await reveal.getByRole('button', { name: 'Copy', exact: true }).click()
    await reveal.getByRole('button', { name: 'Copied' }).waitFor()
    const token = await page.evaluate(() => navigator.clipboard.readText())
    await reveal.getByRole('button', { name: 'Done' }).click()
    await reveal.waitFor({ state: 'hidden' })

    const row = page.getByRole('row', { name: /Unmetered partner/ })
    // The limits cell holds that one line, and nothing else.
    await row
      .getByRole('cell', { name: '100 requests per minute (deployment default)', exact: true })
      .waitFor()
    // What the row says is what the server counts.
    const { statuses, policy } = await untilRefused(app.url, token, 1)
    expect(statuses).toEqual([200])
    expect(policy).toBe('"default";q=100;w=60')
  })
})
